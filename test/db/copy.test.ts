import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import t from 'tap';
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { createServices } from '../../src/services.js';
import { ADMIN_TOKEN, BASE_URL, buildTestApp, openBadgeCredential, testDatabaseEngine, TestClock } from '../helpers/app.js';
import { claimIntoNewWallet, createShare, issueFor, JSON_ACCEPT, pathOf, setStatus, walletJson } from '../helpers/wallet.js';
import { waitForBatch } from '../helpers/batches.js';
import { MASONRY_ACHIEVEMENT, cohort, toCsv } from '../fixtures/batches/cohort.js';
import { postgresSkipReason, testPostgresUrl } from '../helpers/postgres.js';

type Json = Record<string, any>;

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const KEY_SECRET = 'copy-test-key-secret-0123456789';

/** A fresh PostgreSQL database on the test server, dropped afterwards: the copy refuses anything but an empty one. */
async function freshDatabase(t: { teardown(fn: () => unknown): void }): Promise<string> {
  const name = `copy_${process.pid}_${Date.now()}`;
  const admin = new pg.Client({ connectionString: testPostgresUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  t.teardown(async () => {
    const client = new pg.Client({ connectionString: testPostgresUrl });
    await client.connect();
    await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await client.end();
  });
  const url = new URL(testPostgresUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

function dbCopy(args: string[]) {
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', 'scripts/db-copy.ts', ...args], { cwd: root, env: { ...process.env, PASSERELLE_KEY_SECRET: KEY_SECRET } },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code) : 0, stdout, stderr }));
  });
}

const verify = async (app: Awaited<ReturnType<typeof buildApp>>, verifiableCredential: Json) => {
  const response = await app.inject({ method: 'POST', url: '/credentials/verify', payload: { verifiableCredential } });
  const body = response.json() as { checks?: Array<{ id: string; valid: boolean; message: string }> };
  if (!body.checks) throw new Error(`verify answered ${response.statusCode} ${response.body}`);
  return { status: response.statusCode, statusCheck: body.checks.find((check) => check.id === 'status') };
};

const skip = testDatabaseEngine === 'sqlite' ? await postgresSkipReason() : 'the source is a SQLite deployment: run without PASSERELLE_TEST_DATABASE=postgres';

t.test('a SQLite deployment copied into PostgreSQL: credentials, revocations, audit chains and share links carry over', { skip }, async (t) => {

  // The source: a SQLite deployment whose keys are files in plain text (no PASSERELLE_KEY_SECRET).
  const source = await buildTestApp(t);
  const { slug, auth } = await source.issuer('ofppt-casa');
  const { vc: kept, claimOffer } = await issueFor(source, auth);
  const { vc: revoked } = await issueFor(source, auth);
  await setStatus(source, auth, revoked.id as string, 'revocation', true);
  const walletPath = await claimIntoNewWallet(source, claimOffer.url);
  const share = await createShare(source, walletPath, { credentials: [(await walletJson(source, walletPath)).body.credentials[0]!.id] });
  t.equal(share.response.statusCode, 201, 'share link created');
  t.equal((await source.app.inject({ method: 'GET', url: pathOf(share.body.url as string), headers: JSON_ACCEPT })).statusCode, 200, 'share link viewed');
  t.equal((await source.app.inject({ method: 'POST', url: `/orgs/${slug}/achievements`, headers: auth, payload: MASONRY_ACHIEVEMENT })).statusCode, 201);
  const batch = await source.app.inject({ method: 'POST', url: '/batches?achievement=macon-cnc3', headers: { ...auth, 'content-type': 'text/csv' }, payload: toCsv(cohort(5)) });
  await waitForBatch(source.app, auth, (batch.json() as Json).id);
  const chainOf = async (app: Awaited<ReturnType<typeof buildApp>>) =>
    (await app.inject({ method: 'GET', url: `/orgs/${slug}/audit/verify`, headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })).json() as Json;
  const sourceChain = await chainOf(source.app);
  await source.app.close();

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'passerelle-copy-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const sourceConfig = source.services.config;
  const from = path.join(sourceConfig.dataDir, 'passerelle.db');
  const keyFiles = fs.readdirSync(sourceConfig.keysDir).filter((name) => name.endsWith('.json'));
  t.ok(keyFiles.length >= 2, `${keyFiles.length} key files (organisation, service secrets)`);

  const url = await freshDatabase(t);
  const copied = await dbCopy(['--from', from, '--keys', sourceConfig.keysDir, '--to', url]);
  t.equal(copied.code, 0, 'db:copy exit code', { stderr: copied.stderr });
  t.match(copied.stdout, /^credentials\s+7$/m, 'credentials counted (2 + 5 of the batch)');
  t.match(copied.stdout, new RegExp(`^sealed_keys\\s+${keyFiles.length}$`, 'm'), 'every key file counted');

  const again = await dbCopy(['--from', from, '--to', url]);
  t.equal(again.code, 1, 'a second copy into the same database is refused');
  t.match(again.stderr, /not empty/);

  const target = new pg.Client({ connectionString: url });
  await target.connect();
  t.teardown(() => target.end());
  const sealed = (await target.query<{ sealed: Json }>('SELECT sealed FROM sealed_keys')).rows;
  t.equal(sealed.length, keyFiles.length);
  t.ok(sealed.every((row) => row.sealed.cipher === 'aes-256-gcm' && row.sealed.seed === undefined), 'plain key files sealed on the way');
  const copiedViews = (await target.query<{ max: string }>('SELECT max(id) AS max FROM share_views')).rows[0]!.max;
  const nextView = await target.query<{ id: string }>('INSERT INTO share_views (share_link_id, viewed_at) SELECT share_link_id, viewed_at FROM share_views LIMIT 1 RETURNING id');
  t.equal(Number(nextView.rows[0]!.id), Number(copiedViews) + 1, 'share view ids carry on after the copied ones');
  await target.query('DELETE FROM share_views WHERE id = $1', [nextView.rows[0]!.id]);

  // The same deployment on PostgreSQL: keys from sealed_keys only (the keys folder given is empty).
  const config = loadConfig({
    PASSERELLE_BASE_URL: BASE_URL, PASSERELLE_DATABASE_URL: url, PASSERELLE_KEY_SECRET: KEY_SECRET, PASSERELLE_ADMIN_TOKEN: ADMIN_TOKEN,
    PASSERELLE_DATA_DIR: path.join(dir, 'data'), PASSERELLE_KEYS_DIR: path.join(dir, 'keys'),
  });
  const services = await createServices(config, new TestClock().now);
  const app = await buildApp({ services });
  t.teardown(() => app.close());

  const keptResult = await verify(app, kept);
  t.equal(keptResult.status, 200, 'a credential issued before the copy verifies');
  const revokedResult = await verify(app, revoked);
  t.equal(revokedResult.status, 400, 'a revoked one does not');
  t.equal(revokedResult.statusCheck?.message, 'Revoked by its issuer', 'revoked stays revoked');
  const batchRows = (await app.inject({ method: 'GET', url: `/batches/${(batch.json() as Json).id}`, headers: auth })).json() as Json;
  t.same(batchRows.counts, { total: 5, pending: 0, issued: 5, skipped: 0, failed: 0 }, 'the batch, issued');
  const chain = await chainOf(app);
  t.equal(chain.valid, true, 'the audit chain verifies');
  t.same([chain.entries, chain.head], [sourceChain.entries, sourceChain.head], 'the same entries, the same head');
  const page = await app.inject({ method: 'GET', url: pathOf(share.body.url as string), headers: JSON_ACCEPT });
  t.equal(page.statusCode, 200, 'the share link opens');
  const wallet = await app.inject({ method: 'GET', url: walletPath, headers: JSON_ACCEPT });
  t.equal((wallet.json() as Json).credentials.length, 1, 'the wallet opens with its credential');
  const fresh = await issueFor({ app } as Parameters<typeof issueFor>[0], auth, { credential: openBadgeCredential() });
  t.equal((await verify(app, fresh.vc)).status, 200, 'the organisation issues on PostgreSQL with its copied key');
});
