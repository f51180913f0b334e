import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { buildTestApp } from '../helpers/app.js';
import { MASONRY_ACHIEVEMENT } from '../fixtures/batches/cohort.js';

type Json = Record<string, any>;
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

t.test('npm run batch on a French Excel export writes the claim links and a printable sheet, and says where', async (t) => {
  const ctx = await buildTestApp(t);
  const { auth } = await ctx.issuer('afpa-lyon', { country: 'FR', name: { fr: 'AFPA Lyon' } });
  t.equal((await ctx.app.inject({ method: 'POST', url: '/orgs/afpa-lyon/achievements', headers: auth, payload: MASONRY_ACHIEVEMENT })).statusCode, 201);
  const base = await ctx.app.listen({ port: 0, host: '127.0.0.1' });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'passerelle-batch-cli-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const runTool = (args: string[], env: Record<string, string> = {}) => new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', 'scripts/batch-issue.ts', ...args],
      { cwd: root, env: { ...process.env, LANG: 'C', PASSERELLE_URL: base, PASSERELLE_TOKEN: auth.authorization.slice(7), ...env } },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code) : 0, stdout, stderr }));
  });

  const cohort = path.join(dir, 'cohorte-juin.csv');
  fs.writeFileSync(cohort, '\uFEFFNom;Prénom;Courriel;Téléphone;Résultat;Date d’obtention\r\n'
    + 'El Idrissi;Amina;amina@example.org;06 12 34 56 78;merit;20/06/2025\r\n'
    + 'Ouédraogo;Fatou;fatou@example.org;07 98 76 54 32;pass;20/06/2025\r\n'
    + '<Mensah>;Kwame;;06 11 22 33 44;pass;21/06/2025\r\n');
  const out = path.join(dir, 'credentials.jsonl');
  const issued = await runTool(['--achievement', 'macon-cnc3', cohort, '--out', out]);
  t.equal(issued.code, 0, issued.stderr);
  const sheet = path.join(dir, 'cohorte-juin.claims.html');
  t.match(issued.stdout, `print ${sheet}`, 'says where the sheet is');
  const lines = fs.readFileSync(out, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as Json);
  t.same(lines.map((line) => line.name), ['Amina El Idrissi', 'Fatou Ouédraogo', 'Kwame <Mensah>']);
  t.ok(lines.every((line) => /^http:\/\/passerelle\.test\/claim\/[A-Za-z0-9_-]{43}$/.test(line.claimUrl)), 'each credential with its claim link');
  t.match(lines[0]!.verifiableCredential.credentialSubject.identifier.find((i: Json) => i.identityType === 'phoneNumber'), { hashed: true });

  const printable = fs.readFileSync(sheet, 'utf8');
  t.match(printable, '<html lang="fr"', 'in the credential\'s language');
  t.equal(printable.match(/<section class="trainee">/g)?.length, 3, 'one page per trainee');
  t.equal(printable.match(/<svg /g)?.length, 3, 'a QR code on each');
  t.match(printable, '<h1>Amina El Idrissi</h1>');
  t.match(printable, 'Kwame &lt;Mensah&gt;', 'names are text, not markup');
  t.match(printable, 'Maçon qualifié');
  for (const line of lines) t.match(printable, line.claimUrl);
  t.notMatch(printable, /<script|https?:\/\/(?!passerelle\.test|www\.w3\.org)/, 'no script, nothing fetched from elsewhere');

  const bad = path.join(dir, 'alumnos.csv');
  fs.writeFileSync(bad, 'Nombre,Apellidos,Correo\nAna,García,ana.example.org\n');
  const refused = await runTool(['--achievement', 'macon-cnc3', bad, '--lang', 'es']);
  t.equal(refused.code, 1);
  t.match(refused.stderr, /line 2, column "Correo" \("ana.example.org"\): no es una dirección de correo electrónico/);
  t.notOk(fs.existsSync(path.join(dir, 'alumnos.claims.html')), 'no sheet when nothing was issued');
});
