import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import net from 'node:net';
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
const ADMIN = 'shutdown-test-admin-token-0123456789';

interface Server { child: ChildProcess; base: string; dir: string; output: () => string; exited: Promise<number | null> }

// `npm start` runs the compiled service: built once here (scripts/build.ts), as it does.
t.before(() => { execFileSync(process.execPath, ['--import', 'tsx', 'scripts/build.ts'], { cwd: root, stdio: 'inherit' }); });

/** `npm start` as an operator runs it (dist/server.js in a child process), on a SQLite database of its own. */
async function startServer(t: { teardown(fn: () => unknown): void }, env: Record<string, string> = {}): Promise<Server> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'passerelle-shutdown-'));
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, ['dist/server.js'], {
    cwd: root, stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env, PORT: String(port), HOST: '127.0.0.1', PASSERELLE_BASE_URL: base, PASSERELLE_DATA_DIR: path.join(dir, 'data'),
      PASSERELLE_KEYS_DIR: path.join(dir, 'keys'), PASSERELLE_ADMIN_TOKEN: ADMIN, LOG_LEVEL: 'info', ...env,
    },
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => { output += chunk.toString(); });
  child.stderr!.on('data', (chunk: Buffer) => { output += chunk.toString(); });
  const exited = once(child, 'exit').then(([code]) => code as number | null);
  t.teardown(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
    fs.rmSync(dir, { recursive: true, force: true });
  });
  await waitUntil('the service to be ready', async () => ((await fetch(`${base}/health/ready`)).ok ? true : undefined), 60_000);
  return { child, base, dir, output: () => output, exited };
}

async function call(base: string, method: string, url: string, token: string, body?: string, contentType = 'application/json') {
  const response = await fetch(`${base}${url}`, { method, headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': contentType } : {}) }, ...(body ? { body } : {}) });
  return { status: response.status, json: (await response.json()) as Json };
}

/** An organisation able to issue the masonry achievement; its token. */
async function issuer(base: string): Promise<string> {
  await call(base, 'POST', '/orgs', ADMIN, JSON.stringify({ slug: 'anapec-tanger', name: { fr: 'ANAPEC Tanger' }, country: 'MA', kind: 'training-centre' }));
  const { token } = (await call(base, 'POST', '/orgs/anapec-tanger/tokens', ADMIN, JSON.stringify({ scopes: ['issue'], expiresIn: '1d' }))).json;
  await call(base, 'POST', '/orgs/anapec-tanger/achievements', token as string, JSON.stringify(MASONRY_ACHIEVEMENT));
  return token as string;
}

/** Sends a request's head and half its body, and the rest only when told: a request in flight for as long as needed. */
function requestInTwoHalves(base: string, head: string, body: string) {
  const { hostname, port } = new URL(base);
  const socket = net.connect({ host: hostname, port: Number(port) });
  let received = '';
  socket.on('data', (chunk) => { received += chunk.toString(); });
  const answered = once(socket, 'close').then(() => received);
  const half = Math.floor(body.length / 2);
  const sentFirstHalf = once(socket, 'connect').then(() => new Promise<void>((resolve) => socket.write(head + body.slice(0, half), () => resolve())));
  return { sentFirstHalf, sendRest: () => socket.write(body.slice(half)), answered };
}

t.test('SIGTERM: a request in flight is answered, the batch runner gives back its leases, the process exits 0', async (t) => {
  const server = await startServer(t);
  const token = await issuer(server.base);
  const ROWS = 400;
  const accepted = await call(server.base, 'POST', '/batches?achievement=macon-cnc3', token, toCsv(cohort(ROWS)), 'text/csv');
  t.equal(accepted.status, 202);
  const batchId = accepted.json.id as string;
  await waitUntil('some rows issued', async () => {
    const { json } = await call(server.base, 'GET', `/batches/${batchId}?limit=0`, token);
    return json.counts.issued > 0 ? true : undefined;
  }, 120_000);

  const late = toCsv(cohort(3, 'late'));
  const upload = requestInTwoHalves(server.base,
    `POST /batches?achievement=macon-cnc3 HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${token}\r\nContent-Type: text/csv\r\n`
    + `Content-Length: ${Buffer.byteLength(late)}\r\nConnection: close\r\n\r\n`, late);
  await upload.sentFirstHalf;
  // The request's head has been read once the server answers another one after it.
  await fetch(`${server.base}/health/live`);
  server.child.kill('SIGTERM');
  await waitUntil('the shutdown to begin', async () => (server.output().includes('SIGTERM received: closing') ? true : undefined), 30_000);
  t.equal((await fetch(`${server.base}/health/live`).catch(() => undefined)), undefined, 'new connections refused');
  upload.sendRest();
  t.match(await upload.answered, /^HTTP\/1\.1 202 /, 'the upload in flight was answered');
  t.equal(await server.exited, 0, 'exit code 0');

  const db = new Database(path.join(server.dir, 'data', 'passerelle.db'), { readonly: true });
  t.teardown(() => db.close());
  const count = (sql: string) => (db.prepare(sql).get() as { n: number }).n;
  t.equal(count('select count(*) as n from training_batch_rows where lease_owner is not null'), 0, 'no row left leased');
  const issued = count(`select count(*) as n from training_batch_rows where batch_id = '${batchId}' and state = 'issued'`);
  t.ok(issued > 0 && issued < ROWS, `stopped part-way (${issued} of ${ROWS} issued)`);
  t.equal(count('select count(*) as n from credentials'), issued, 'a credential for each row marked issued, no other');
  t.equal(count('select count(*) as n from training_batches'), 2, 'the late upload was stored');
});

t.test('a second signal exits at once, without waiting for the close', async (t) => {
  const server = await startServer(t);
  // A connection that never finishes its request keeps the close waiting.
  const upload = requestInTwoHalves(server.base, 'POST /orgs HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n', 'x'.repeat(100));
  await upload.sentFirstHalf;
  await fetch(`${server.base}/health/live`);
  server.child.kill('SIGTERM');
  await waitUntil('the shutdown to begin', async () => (server.output().includes('SIGTERM received: closing') ? true : undefined), 30_000);
  server.child.kill('SIGINT');
  t.equal(await server.exited, 1, 'exit code 1');
  t.match(server.output(), /SIGINT received again: exiting now/);
});

t.test('cluster mode (PASSERELLE_WORKERS=2): a batch is issued by the workers; SIGTERM closes them all, exit 0', async (t) => {
  const server = await startServer(t, { PASSERELLE_WORKERS: '2' });
  const token = await issuer(server.base);
  const ROWS = 60;
  const accepted = await call(server.base, 'POST', '/batches?achievement=macon-cnc3', token, toCsv(cohort(ROWS)), 'text/csv');
  const finished = await waitUntil('the batch to complete', async () => {
    const { json } = await call(server.base, 'GET', `/batches/${accepted.json.id}?limit=0`, token);
    return json.state === 'completed' ? json : undefined;
  }, 120_000);
  t.same(finished.counts, { total: ROWS, pending: 0, issued: ROWS, skipped: 0, failed: 0 });
  server.child.kill('SIGTERM');
  t.equal(await server.exited, 0, 'exit code 0');
  t.equal(server.output().match(/asked by the primary process: closing/g)?.length, 2, 'both workers closed gracefully');
});

t.test('cluster mode: a batch queued through one worker is taken up by the other at once, not at its next poll', async (t) => {
  // A poll longer than the test: only being told can bring the second worker in.
  const server = await startServer(t, { PASSERELLE_WORKERS: '2', PASSERELLE_BATCH_POLL_MS: '600000' });
  const token = await issuer(server.base);
  const ROWS = 400;
  const accepted = await call(server.base, 'POST', '/batches?achievement=macon-cnc3', token, toCsv(cohort(ROWS)), 'text/csv');
  await waitUntil('the batch to complete', async () => {
    const { json } = await call(server.base, 'GET', `/batches/${accepted.json.id}?limit=0`, token);
    return json.state === 'completed' ? json : undefined;
  }, 120_000);
  const issuers = new Set(server.output().split('\n').filter((line) => line.includes(accepted.json.id as string) && line.includes('is issuing rows of the batch'))
    .map((line) => (JSON.parse(line) as { pid: number }).pid));
  t.equal(issuers.size, 2, 'both workers issued rows of the batch');
  server.child.kill('SIGTERM');
  t.equal(await server.exited, 0, 'exit code 0');
});
