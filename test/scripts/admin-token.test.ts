import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { problemOf } from '../helpers/problems.js';
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { createServices } from '../../src/services.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

t.test('npm run admin-token mints an administrator token into the service\'s database', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'passerelle-admin-token-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const env = { PASSERELLE_DATA_DIR: path.join(dir, 'data'), PASSERELLE_KEYS_DIR: path.join(dir, 'keys'), PASSERELLE_BASE_URL: 'http://passerelle.test' };
  const run = () => new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', 'scripts/admin-token.ts', '--label', 'test'], { cwd: root, env: { ...process.env, ...env } },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code) : 0, stdout, stderr }));
  });
  const minted = await run();
  t.equal(minted.code, 0, minted.stderr);
  const token = /export ADMIN_TOKEN=(\S+)/.exec(minted.stdout)?.[1];
  t.ok(token, 'prints the token once, ready to export');
  const again = /export ADMIN_TOKEN=(\S+)/.exec((await run()).stdout)?.[1];
  t.not(again, token, 'each run mints a new one');

  const services = await createServices(loadConfig(env));
  const app = await buildApp({ services });
  t.teardown(() => app.close());
  for (const secret of [token, again]) {
    const created = await app.inject({
      method: 'POST', url: '/orgs', headers: { authorization: `Bearer ${secret}` },
      payload: { slug: `org-${secret!.slice(-6).toLowerCase().replace(/[^a-z0-9]/g, 'x')}`, name: { fr: 'Centre' }, country: 'MA', kind: 'training-centre' },
    });
    t.equal(created.statusCode, 201, 'the service accepts it as administrator');
  }
  const wrong = await app.inject({ method: 'GET', url: '/orgs/nobody/tokens', headers: { authorization: 'Bearer psl_not-a-token' } });
  t.same(problemOf(wrong), { status: 401, code: 'unauthorized' }, 'a token it did not mint is refused');
});
