import { spawn, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import t from 'tap';
import { decodeBitstring, isBitSet } from '../../src/credentials/bitstring.js';
import { openBadgeCredential } from '../helpers/app.js';
import { postgresSkipReason, testPostgresUrl } from '../helpers/postgres.js';
import { MASONRY_ACHIEVEMENT, cohort, toCsv } from '../fixtures/batches/cohort.js';
import { freePort } from '../helpers/ports.js';
import { waitUntil } from '../helpers/poll.js';

type Json = Record<string, any>;

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const ADMIN = 'multi-instance-admin-token-0123456789';
/** One public origin for every instance, as behind a load balancer; no instance fetches from it. */
const BASE_URL = 'https://credentials.multi.test';
const ISSUANCES = 1000;
const CLIENT_CONCURRENCY = 50;
const BATCH_ROWS = 5000;
/** Short, so that the rows a killed instance had taken are taken over within seconds instead of the default 30. */
const BATCH_LEASE_MS = 3000;
/**
 * The bulk of the work (the concurrent issuances and the batch) is signed with eddsa-jcs-2022, several times cheaper
 * than eddsa-rdfc-2022: what is checked here (indexes, leases, exactly-once) does not depend on the proof suite.
 */
const BULK_FORMAT = 'eddsa-jcs-2022';

/** Runs `work` on every item, at most `limit` at a time, keeping the results in order. */
async function inPool<T, R>(items: T[], limit: number, work: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index]!, index);
    }
  };
  await Promise.all(Array.from({ length: limit }, worker));
  return results;
}

/** One real server process; its output is kept so that a failure can say what the instance said. */
class Instance {
  readonly base: string;
  private process: ChildProcess;
  private output = '';

  constructor(readonly name: string, port: number, env: Record<string, string>) {
    this.base = `http://127.0.0.1:${port}`;
    this.process = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
      cwd: root, env: { ...process.env, ...env, PORT: String(port) }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    const keep = (chunk: Buffer) => { this.output = (this.output + chunk.toString()).slice(-4000); };
    this.process.stdout!.on('data', keep);
    this.process.stderr!.on('data', keep);
  }

  get log(): string {
    return this.output;
  }

  async call(method: string, url: string, { token, body, contentType = 'application/json' }: { token?: string; body?: unknown; contentType?: string } = {}) {
    const payload = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
    const response = await fetch(`${this.base}${url}`, {
      method,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(payload !== undefined ? { 'content-type': contentType } : {}) },
      ...(payload !== undefined ? { body: payload } : {}),
    });
    return { status: response.status, json: (await response.json()) as Json };
  }

  async ready(): Promise<void> {
    await waitUntil(`${this.name} to be ready`, async () => ((await fetch(`${this.base}/health/ready`)).ok ? true : undefined), 120_000, { describe: () => `: ${this.output.trim() || 'no output'}` });
  }

  async kill(): Promise<void> {
    if (this.process.exitCode !== null || this.process.signalCode !== null) return;
    const exited = new Promise((resolve) => this.process.once('exit', resolve));
    this.process.kill('SIGKILL');
    await exited;
  }
}

const statusEntryOf = (vc: Json) => [vc.credentialStatus].flat()[0] as Json;

/** The status bit of `vc` in its list, as `instance` publishes it. */
async function publishedBit(instance: Instance, vc: Json): Promise<boolean> {
  const entry = statusEntryOf(vc);
  const list = await instance.call('GET', new URL(entry.statusListCredential as string).pathname);
  return isBitSet(decodeBitstring(list.json.credentialSubject.encodedList as string), Number(entry.statusListIndex));
}

const skip = await postgresSkipReason();
// Three servers, 1,000 issuances and a 5,000-row batch share the machine's cores with the test itself.
t.setTimeout(600_000);

t.test('three server processes on one PostgreSQL database agree on every status bit, batch row, audit entry and key', { skip }, async (t) => {
  const admin = new pg.Client({ connectionString: testPostgresUrl });
  await admin.connect();
  const databaseName = `passerelle_multi_${crypto.randomBytes(5).toString('hex')}`;
  await admin.query(`create database ${databaseName}`);
  const databaseUrl = new URL(testPostgresUrl);
  databaseUrl.pathname = `/${databaseName}`;
  const db = new pg.Client({ connectionString: databaseUrl.href });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'passerelle-multi-'));
  const env = {
    HOST: '127.0.0.1', PASSERELLE_BASE_URL: BASE_URL, PASSERELLE_DATABASE_URL: databaseUrl.href,
    PASSERELLE_KEY_SECRET: 'multi-instance-key-secret-0123456789', PASSERELLE_ADMIN_TOKEN: ADMIN,
    PASSERELLE_DATA_DIR: path.join(dir, 'data'), PASSERELLE_KEYS_DIR: path.join(dir, 'keys'),
    PASSERELLE_BATCH_LEASE_MS: String(BATCH_LEASE_MS), LOG_LEVEL: 'warn',
  };
  const instances: Instance[] = [];
  t.teardown(async () => {
    await Promise.all(instances.map((instance) => instance.kill()));
    await db.end().catch(() => undefined);
    await admin.query(`drop database if exists ${databaseName} with (force)`);
    await admin.end();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  const started = Date.now();
  for (const name of ['A', 'B', 'C']) instances.push(new Instance(name, await freePort(), env));
  // Started together: the migrations are applied once, under the advisory lock, whichever instance comes first.
  await Promise.all(instances.map((instance) => instance.ready()));
  await db.connect();
  t.comment(`three instances ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  const [a, b, c] = instances as [Instance, Instance, Instance];
  const count = async (sql: string, ...params: unknown[]) => Number((await db.query<{ n: string }>(sql, params)).rows[0]!.n);

  const slug = 'anapec-tanger';
  t.equal((await a.call('POST', '/orgs', { token: ADMIN, body: { slug, name: { fr: 'ANAPEC Tanger' }, country: 'MA', kind: 'training-centre' } })).status, 201, 'organisation created on A');
  const issuer = (await b.call('POST', `/orgs/${slug}/tokens`, { token: ADMIN, body: { scopes: ['issue', 'status'], expiresIn: '1d' } })).json.token as string;
  t.ok(issuer, 'token created on B');
  const issueOn = (instance: Instance, format?: string) => instance.call('POST', '/credentials/issue', {
    token: issuer, body: { credential: openBadgeCredential(), options: { issuer: 'organisation', ...(format ? { format } : {}) } },
  });
  const verifyOn = (instance: Instance, vc: Json) => instance.call('POST', '/credentials/verify', { body: { verifiableCredential: vc } });
  const revokeOn = (instance: Instance, vc: Json) => instance.call('POST', '/credentials/status', {
    token: issuer, body: { credentialId: vc.id, credentialStatus: { type: 'BitstringStatusListEntry', statusPurpose: 'revocation' }, status: true },
  });

  const issued: Array<{ vc: Json; by: number }> = [];
  await t.test(`${ISSUANCES} concurrent issuances spread over the three: distinct status indexes, all verifying`, async (t) => {
    const began = Date.now();
    const responses = await inPool(Array.from({ length: ISSUANCES }, (_, i) => i), CLIENT_CONCURRENCY, (i) => issueOn(instances[i % 3]!, BULK_FORMAT));
    t.comment(`${ISSUANCES} issuances in ${((Date.now() - began) / 1000).toFixed(1)} s`);
    const failed = responses.filter((response) => response.status !== 201);
    t.equal(failed.length, 0, 'every issuance 201', { first: failed[0] });
    responses.forEach((response, i) => issued.push({ vc: response.json.verifiableCredential as Json, by: i % 3 }));
    const slots = new Set(issued.map(({ vc }) => `${statusEntryOf(vc).statusListCredential}#${statusEntryOf(vc).statusListIndex}`));
    t.equal(slots.size, ISSUANCES, 'distinct status indexes');
    t.equal(new Set(issued.map(({ vc }) => vc.id as string)).size, ISSUANCES, 'distinct credential ids');
    t.equal(await count('select count(*) as n from status_entries'), ISSUANCES, 'one status entry per credential');
    t.equal(await count('select count(distinct (list_id, status_index)) as n from status_entries'), ISSUANCES, 'no stored index shared');
    // Every tenth credential, verified on an instance other than the one that issued it.
    const sample = issued.filter((_, i) => i % (ISSUANCES / 100) === 0);
    const verdicts = await inPool(sample, 10, ({ vc, by }) => verifyOn(instances[(by + 1) % 3]!, vc));
    t.equal(verdicts.filter((verdict) => verdict.json.verified === true).length, sample.length, 'sample verifies elsewhere');
  });

  await t.test('revoked through one instance: revoked at once on another, the bit published by the third', async (t) => {
    const { vc } = issued.find(({ by }) => by === 0)!;
    t.equal((await verifyOn(b, vc)).json.verified, true, 'valid on B before');
    t.equal(await publishedBit(c, vc), false, 'bit clear on C before');
    t.equal((await revokeOn(a, vc)).status, 200, 'revoked on A');
    const after = await verifyOn(b, vc);
    t.equal(after.status, 400, 'verify status on B');
    t.equal(after.json.verified, false, 'revoked on B');
    t.equal(await publishedBit(c, vc), true, 'bit set on C');
  });

  await t.test('status changes appended at once through three instances keep the audit chain whole', async (t) => {
    const targets = issued.slice(1, 31);
    const changes = await Promise.all(targets.map(({ vc }, i) => revokeOn(instances[i % 3]!, vc)));
    t.equal(changes.filter((change) => change.status === 200).length, targets.length, 'every revocation 200');
    const verification = (await c.call('GET', `/orgs/${slug}/audit?verify=true&limit=1`, { token: ADMIN })).json.verification as Json;
    t.equal(verification.valid, true, 'chain valid', { verification });
    const entries = await count('select count(*) as n from audit_entries a join organisations o on o.id = a.organisation_id where o.slug = $1', slug);
    t.equal(Number(verification.head.seq), entries, 'head is the last of all entries');
    for (const { vc } of targets.slice(0, 3)) t.equal(await publishedBit(b, vc), true, 'revoked bit on B');
  });

  await t.test('a key rotated on one instance signs what the others issue', async (t) => {
    const rotated = await a.call('POST', `/orgs/${slug}/keys/rotate`, { token: ADMIN });
    t.equal(rotated.status, 200, 'rotated on A');
    const newKey = (rotated.json.keys as Json[]).find((key) => key.algorithm === 'Ed25519')!.verificationMethod as string;
    t.not(newKey, issued[0]!.vc.proof.verificationMethod, 'a new key');
    for (const instance of [b, c]) {
      const response = await issueOn(instance);
      t.equal(response.status, 201, `issued on ${instance.name}`);
      t.equal(response.json.verifiableCredential.proof.verificationMethod, newKey, `${instance.name} signs with the new key`);
      t.equal((await verifyOn(a, response.json.verifiableCredential as Json)).json.verified, true, `${instance.name}'s credential verifies on A`);
    }
    t.equal((await verifyOn(c, issued[500]!.vc)).json.verified, true, 'the old key still verifies');
  });

  await t.test('wrong wallet passphrases sent to the three in turn meet the wait at the same count as on one', async (t) => {
    const offered = await a.call('POST', '/credentials/issue', {
      token: issuer, body: { credential: openBadgeCredential(), options: { issuer: 'organisation', holder: { name: 'Fatima Zahra El Idrissi', phone: '+212 612 345 678' } } },
    });
    t.equal(offered.status, 201, 'issued with a claim offer on A');
    // Claimed into a new wallet through the form, as a browser does (on B); the passphrase set on C.
    const claimed = await fetch(`${b.base}${new URL(offered.json.claimOffer.url as string).pathname}`, {
      method: 'POST', headers: { accept: 'text/html', 'content-type': 'application/x-www-form-urlencoded' }, body: 'action=new', redirect: 'manual',
    });
    t.equal(claimed.status, 303, 'claimed on B');
    const walletPath = new URL(claimed.headers.get('location')!, BASE_URL).pathname;
    t.equal((await c.call('POST', `${walletPath}/passphrase`, { body: { passphrase: 'tres temporadas en Huelva' } })).status, 200, 'passphrase set on C');
    const statuses = [];
    for (let i = 0; i < 7; i++) statuses.push((await instances[i % 3]!.call('POST', `${walletPath}/unlock`, { body: { passphrase: `guess ${i}` } })).status);
    // The same sequence as on one instance (test/wallet/share.test.ts): five wrong passphrases, then wait.
    t.same(statuses, [401, 401, 401, 401, 401, 429, 429], 'five, then wait, across instances');
  });

  await t.test(`a ${BATCH_ROWS}-row batch posted to one instance, worked by all, one killed mid-way: each row issued once`, async (t) => {
    t.equal((await a.call('POST', `/orgs/${slug}/achievements`, { token: issuer, body: MASONRY_ACHIEVEMENT })).status, 201, 'achievement created');
    const issuedBefore = await count('select count(*) as n from credentials');
    const began = Date.now();
    const accepted = await a.call('POST', `/batches?achievement=macon-cnc3&format=${BULK_FORMAT}`, { token: issuer, body: toCsv(cohort(BATCH_ROWS, 'multi')), contentType: 'text/csv' });
    t.equal(accepted.status, 202, 'batch accepted by A');
    const batchId = accepted.json.id as string;
    // Which instance holds a lease is visible in the rows (an owner per instance) until the row is finished.
    const owners = new Set<string>();
    let watching = true;
    const watch = (async () => {
      while (watching) {
        const held = await db.query<{ owner: string }>('select distinct lease_owner as owner from training_batch_rows where batch_id = $1 and lease_owner is not null', [batchId]);
        for (const { owner } of held.rows) owners.add(owner);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    })();
    let last: Json = {};
    const progress = async () => (last = (await b.call('GET', `/batches/${batchId}?limit=0`, { token: issuer })).json);
    const where = () => `: state ${last.state}, counts ${JSON.stringify(last.counts)}`;
    let issuedAtKill: number, leasedByAll: number, finished: Json;
    try {
      issuedAtKill = await waitUntil('a third of the rows', async () => {
        const { counts } = await progress();
        return counts.issued >= BATCH_ROWS / 3 ? counts.issued as number : undefined;
      }, 300_000, { describe: where });
      leasedByAll = owners.size;
      await c.kill();
      finished = await waitUntil('the batch to complete', async () => ((await progress()).state === 'completed' ? last : undefined), 300_000, { describe: where });
    } finally {
      watching = false;
      await watch;
    }
    t.ok(issuedAtKill < BATCH_ROWS, `C killed with ${issuedAtKill} of ${BATCH_ROWS} rows issued`);
    t.comment(`batch of ${BATCH_ROWS} rows completed in ${((Date.now() - began) / 1000).toFixed(1)} s; lease holders seen: ${owners.size} (${leasedByAll} before the kill)`);
    t.ok(leasedByAll >= 2, 'rows leased by more than one instance');
    t.same(finished.counts, { total: BATCH_ROWS, pending: 0, issued: BATCH_ROWS, skipped: 0, failed: 0 }, 'every row issued');
    const rowCredentials = 'from credentials c join training_batch_rows r on r.credential_id = c.id where r.batch_id = $1';
    t.equal(await count(`select count(*) as n ${rowCredentials}`, batchId), BATCH_ROWS, 'one credential per row');
    t.equal(await count(`select count(distinct c.id) as n ${rowCredentials}`, batchId), BATCH_ROWS, 'distinct credential ids');
    const total = issuedBefore + BATCH_ROWS;
    t.equal(await count('select count(*) as n from credentials'), total, 'nothing issued twice');
    t.equal(await count('select count(distinct (list_id, status_index)) as n from status_entries'), total, 'no status index shared');
    t.equal(await count('select count(*) as n from training_batch_rows where batch_id = $1 and document is null', batchId), 0, 'every row kept its document');
    const verification = await a.call('GET', `/orgs/${slug}/audit/verify`, { token: ADMIN });
    t.equal(verification.json.valid, true, 'audit chain valid after the batch');
    const rows = await db.query<{ document: string | Json }>('select document from training_batch_rows where batch_id = $1 and line % 500 = 0', [batchId]);
    const verdicts = await inPool(rows.rows, 5, (row) => verifyOn(b, typeof row.document === 'string' ? JSON.parse(row.document) as Json : row.document));
    t.equal(verdicts.filter((verdict) => verdict.json.verified === true).length, rows.rows.length, 'sampled rows verify');
  });
  t.comment(`whole scenario in ${((Date.now() - started) / 1000).toFixed(1)} s`);
});
