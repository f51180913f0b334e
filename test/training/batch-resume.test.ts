import { execFile, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import t from 'tap';
import { MASONRY_ACHIEVEMENT, cohort, toCsv } from '../fixtures/batches/cohort.js';
import { freePort } from '../helpers/ports.js';
import { waitUntil } from '../helpers/poll.js';

type Json = Record<string, any>;

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const ADMIN = 'resume-test-admin-token-0123456789';

/** The real service in a child process, so that it can be killed as a crash would kill it. */
function startServer(env: Record<string, string>): ChildProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout!.resume();
  child.stderr!.resume();
  return child;
}

t.test('a batch whose process is killed half-way ends, after a restart, with each row issued exactly once', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'passerelle-resume-'));
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const env = {
    PORT: String(port), HOST: '127.0.0.1', PASSERELLE_BASE_URL: base, PASSERELLE_DATA_DIR: path.join(dir, 'data'),
    PASSERELLE_KEYS_DIR: path.join(dir, 'keys'), PASSERELLE_ADMIN_TOKEN: ADMIN, LOG_LEVEL: 'warn',
  };
  let server = startServer(env);
  t.teardown(() => {
    server.kill('SIGKILL');
    fs.rmSync(dir, { recursive: true, force: true });
  });
  const call = async (method: string, url: string, token: string, body?: string, contentType = 'application/json') => {
    const response = await fetch(`${base}${url}`, { method, headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': contentType } : {}) }, ...(body ? { body } : {}) });
    return { status: response.status, json: (await response.json()) as Json };
  };
  const ready = () => waitUntil('the service to listen', async () => ((await fetch(`${base}/orgs`)).ok ? true : undefined), 60_000);
  await ready();

  await call('POST', '/orgs', ADMIN, JSON.stringify({ slug: 'anapec-tanger', name: { fr: 'ANAPEC Tanger' }, country: 'MA', kind: 'training-centre' }));
  const { token } = (await call('POST', '/orgs/anapec-tanger/tokens', ADMIN, JSON.stringify({ scopes: ['issue'], expiresIn: '1d' }))).json;
  t.equal((await call('POST', '/orgs/anapec-tanger/achievements', token, JSON.stringify(MASONRY_ACHIEVEMENT))).status, 201);
  const ROWS = 300;
  const accepted = await call('POST', '/batches?achievement=macon-cnc3', token, toCsv(cohort(ROWS)), 'text/csv');
  t.equal(accepted.status, 202);
  const batchId = accepted.json.id as string;

  const issuedBeforeKill = await waitUntil('a third of the rows', async () => {
    const { json } = await call('GET', `/batches/${batchId}?limit=0`, token);
    return json.counts.issued >= ROWS / 3 ? json.counts.issued as number : undefined;
  }, 120_000);
  server.kill('SIGKILL');
  await new Promise((resolve) => server.once('exit', resolve));
  t.ok(issuedBeforeKill < ROWS, `killed with ${issuedBeforeKill} of ${ROWS} rows issued`);

  const file = path.join(dir, 'data', 'passerelle.db');
  const inspect = () => {
    const db = new Database(file, { readonly: true });
    try {
      const one = (sql: string) => (db.prepare(sql).get() as { n: number }).n;
      return {
        issuedRows: one(`select count(*) as n from training_batch_rows where batch_id = '${batchId}' and state = 'issued'`),
        pendingRows: one(`select count(*) as n from training_batch_rows where batch_id = '${batchId}' and state = 'pending'`),
        credentials: one('select count(*) as n from credentials'),
        rowsWithoutCredential: one(`select count(*) as n from training_batch_rows r where r.state = 'issued' and not exists (select 1 from credentials c where c.id = r.credential_id)`),
        credentialsWithoutRow: one(`select count(*) as n from credentials c where not exists (select 1 from training_batch_rows r where r.credential_id = c.id and r.state = 'issued')`),
        statusEntries: one('select count(*) as n from status_entries'),
        distinctIndexes: one('select count(distinct list_id || \':\' || status_index) as n from status_entries'),
        allocated: one('select coalesce(sum(allocated), 0) as n from status_lists'),
        documents: one(`select count(*) as n from training_batch_rows where state = 'issued' and document is not null`),
        auditIssued: one('select count(*) as n from audit_entries where action = \'credential.issued\''),
      };
    } finally {
      db.close();
    }
  };
  const afterKill = inspect();
  t.ok(afterKill.pendingRows > 0, `${afterKill.pendingRows} rows were still pending when the process died`);
  t.equal(afterKill.credentials, afterKill.issuedRows, 'at the kill: a credential exists exactly for each row marked issued');
  t.equal(afterKill.rowsWithoutCredential, 0);
  t.equal(afterKill.credentialsWithoutRow, 0);

  server = startServer(env);
  await ready();
  const finished = await waitUntil('the resumed batch to complete', async () => {
    const { json } = await call('GET', `/batches/${batchId}?limit=0`, token);
    return json.state === 'completed' ? json : undefined;
  }, 150_000);
  t.same(finished.counts, { total: ROWS, pending: 0, issued: ROWS, skipped: 0, failed: 0 });

  const end = inspect();
  t.equal(end.issuedRows, ROWS);
  t.equal(end.credentials, ROWS, 'each row issued exactly once');
  t.equal(end.rowsWithoutCredential, 0);
  t.equal(end.credentialsWithoutRow, 0);
  t.equal(end.statusEntries, ROWS, 'one status entry per credential');
  t.equal(end.distinctIndexes, ROWS, 'no status index shared');
  t.equal(end.allocated, ROWS, 'no status index lost: the lists count exactly the entries');
  t.equal(end.documents, ROWS, 'every issued row kept its signed credential');
  t.equal(end.auditIssued, ROWS, 'one audit entry per credential');

  // The command-line tool, against the same service: a bad file is explained line by line, a new one is issued.
  const runTool = (args: string[]) => new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', 'scripts/batch-issue.ts', ...args], { cwd: root, env: { ...process.env, PASSERELLE_URL: base, PASSERELLE_TOKEN: token } },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code) : 0, stdout, stderr }));
  });
  const bad = path.join(dir, 'bad.csv');
  fs.writeFileSync(bad, 'name,email\r\nAmina Tahiri,amina.at.example.org\r\n');
  const refused = await runTool(['--achievement', 'macon-cnc3', bad]);
  t.equal(refused.code, 1);
  t.match(refused.stderr, /line 2, column "email" \("amina.at.example.org"\): this is not an e-mail address\n\s+fix: /);
  const good = path.join(dir, 'late.csv');
  fs.writeFileSync(good, toCsv(cohort(5, 'late')));
  const out = path.join(dir, 'late.jsonl');
  const issued = await runTool(['--achievement', 'macon-cnc3', good, '--out', out]);
  t.equal(issued.code, 0, issued.stderr);
  t.match(issued.stdout, /completed: 5 issued, 0 already issued earlier, 0 failed/);
  t.equal(fs.readFileSync(out, 'utf8').trim().split('\n').length, 5);
  const resent = await runTool(['--achievement', 'macon-cnc3', good]);
  t.match(resent.stderr, /already sent as batch/);
  t.match(resent.stdout, /completed: 5 issued/);
});
