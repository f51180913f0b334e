/**
 * HTTP issue and verify against separate server processes (instances) sharing one fresh PostgreSQL database, as
 * behind a load balancer: the client's connections are split evenly between the instances. Used by scripts/bench.ts;
 * run on its own (`npx tsx scripts/bench/postgres.ts`) it measures only these rows beside one SQLite server, without
 * the rest of the benchmark.
 *
 * Knobs: BENCH_POSTGRES_URL (a database to connect to for CREATE DATABASE, default the local server's `postgres`),
 * BENCH_HTTP_SECONDS, BENCH_CONNECTIONS.
 */
import type { ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import autocannon from 'autocannon';
import pg from 'pg';
import { loadConfig } from '../../src/config.js';
import { createOrganisation } from '../../src/orgs/organisations.js';
import { createToken } from '../../src/orgs/tokens.js';
import { createServices } from '../../src/services.js';
import { sampleCredential } from './fixture.js';
import { peakRssOfPids, type Figures } from './measure.js';
import { startServer, stopServer } from './server.js';
import { freePort } from '../../test/helpers/ports.js';

const FORMAT = 'eddsa-rdfc-2022';
const ORG = 'bench-centre';
const ADMIN = 'bench-admin-token-0123456789abcdef';
const KEY_SECRET = 'bench-key-secret-0123456789abcdef';

export interface HttpRow extends Figures { name: string; group: string; format: typeof FORMAT; op: 'issue' | 'verify'; instances: number; engine: 'postgres' | 'sqlite' }

interface Settings { connections: number; httpSeconds: number; log: (message: string) => void }

/** An organisation with its key and an issuing token, created directly in the deployment's database. */
async function setUp(env: Record<string, string>): Promise<string> {
  const services = await createServices(loadConfig(env));
  try {
    const organisation = await createOrganisation(
      { organisations: services.repos.organisations, keyStore: services.keyStore, baseUrl: env.PASSERELLE_BASE_URL!, now: services.now },
      { slug: ORG, name: { en: 'Bench centre' }, country: 'MA', kind: 'training-centre' },
    );
    const { secret } = await createToken(services.repos.tokens, { organisationId: organisation.id, scopes: ['issue', 'status'], expiresInSeconds: 86_400, now: services.now() });
    return secret;
  } finally {
    await services.close();
  }
}

/**
 * Issue and verify through `instances` server processes of one deployment (`env`), the connections split between
 * them and every instance loaded at once; figures are summed (throughput, RSS) or combined (p50 weighted by requests,
 * p99 the worst instance's).
 */
async function measureDeployment(env: Record<string, string>, ports: number[], token: string, settings: Settings, label: { engine: HttpRow['engine']; text: string }): Promise<HttpRow[]> {
  const servers: ChildProcess[] = [];
  try {
    for (const port of ports) servers.push(await startServer({ ...env, PORT: String(port), PASSERELLE_WORKERS: '1' }));
    const urls = ports.map((port) => `http://127.0.0.1:${port}`);
    const auth = { authorization: `Bearer ${token}` };
    const issueBody = JSON.stringify({ credential: sampleCredential(), options: { format: FORMAT, issuer: 'organisation' } });
    const issued = await fetch(`${urls[0]}/credentials/issue`, { method: 'POST', headers: { 'content-type': 'application/json', ...auth }, body: issueBody });
    if (issued.status !== 201) throw new Error(`issue: ${issued.status} ${await issued.text()}`);
    const vc = ((await issued.json()) as { verifiableCredential: unknown }).verifiableCredential;
    const requests = {
      issue: { url: '/credentials/issue', body: issueBody, headers: auth },
      verify: { url: '/credentials/verify', body: JSON.stringify({ verifiableCredential: vc }), headers: {} },
    };
    const perInstance = Math.max(1, Math.round(settings.connections / urls.length));
    const rows: HttpRow[] = [];
    for (const op of ['issue', 'verify'] as const) {
      const load = (duration: number) => Promise.all(urls.map(async (url) => {
        const result = await autocannon({
          url: `${url}${requests[op].url}`, method: 'POST', headers: { 'content-type': 'application/json', ...requests[op].headers },
          body: requests[op].body, connections: perInstance, duration,
        });
        if (result.non2xx > 0 || result.errors > 0) throw new Error(`${url}${requests[op].url}: ${result.non2xx} non-2xx answers, ${result.errors} errors`);
        return result;
      }));
      await load(2);
      const results = await load(settings.httpSeconds);
      const ops = results.reduce((sum, r) => sum + r.requests.total, 0);
      const seconds = Math.max(...results.map((r) => r.duration));
      rows.push({
        name: `HTTP ${op} ${FORMAT} (${label.text})`, group: `http-${label.engine}-${urls.length}`, format: FORMAT, op, instances: urls.length, engine: label.engine,
        ops, seconds, opsPerSec: ops / seconds,
        p50Ms: results.reduce((sum, r) => sum + r.latency.p50 * r.requests.total, 0) / ops, p99Ms: Math.max(...results.map((r) => r.latency.p99)),
        peakRssMb: await peakRssOfPids(servers.map((server) => server.pid!)),
      });
    }
    return rows;
  } finally {
    await Promise.all(servers.map(stopServer));
  }
}

/** Why PostgreSQL rows cannot be measured (the server does not answer), or a client connected to it. */
async function connect(url: string): Promise<pg.Client | string> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
  try {
    await client.connect();
    return client;
  } catch (error) {
    return `PostgreSQL unreachable at ${new URL(url).host} (${(error as Error).message})`;
  }
}

/**
 * The PostgreSQL rows: one instance, then two, on a fresh database (created, then dropped). Returns the reason
 * instead when PostgreSQL does not answer.
 */
export async function benchPostgresHttp(settings: Settings): Promise<HttpRow[] | string> {
  const adminUrl = process.env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const admin = await connect(adminUrl);
  if (typeof admin === 'string') return admin;
  const name = `passerelle_bench_${crypto.randomBytes(5).toString('hex')}`;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'passerelle-bench-pg-'));
  try {
    await admin.query(`create database ${name}`);
    const databaseUrl = new URL(adminUrl);
    databaseUrl.pathname = `/${name}`;
    const ports = [await freePort(), await freePort()];
    // One public origin for both instances, as behind a load balancer.
    const env: Record<string, string> = {
      HOST: '127.0.0.1', PASSERELLE_BASE_URL: `http://127.0.0.1:${ports[0]}`, PASSERELLE_DATABASE_URL: databaseUrl.href, PASSERELLE_KEY_SECRET: KEY_SECRET,
      PASSERELLE_DATA_DIR: path.join(dir, 'data'), PASSERELLE_KEYS_DIR: path.join(dir, 'keys'), PASSERELLE_ADMIN_TOKEN: ADMIN, LOG_LEVEL: 'warn',
    };
    const token = await setUp(env);
    const rows: HttpRow[] = [];
    for (const count of [1, 2]) {
      settings.log(`\nHTTP on PostgreSQL with autocannon (${settings.connections} connections split over ${count} instance${count > 1 ? 's' : ''}, ${settings.httpSeconds} s)`);
      rows.push(...await measureDeployment(env, ports.slice(0, count), token, settings, { engine: 'postgres', text: `PostgreSQL, ${count} instance${count > 1 ? 's' : ''}` }));
    }
    return rows;
  } finally {
    await admin.query(`drop database if exists ${name} with (force)`);
    await admin.end();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** One SQLite server measured the same way: the comparison the PostgreSQL rows are judged against when run alone. */
async function benchSqliteHttp(settings: Settings): Promise<HttpRow[]> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'passerelle-bench-sqlite-'));
  try {
    const port = await freePort();
    const env: Record<string, string> = {
      HOST: '127.0.0.1', PASSERELLE_BASE_URL: `http://127.0.0.1:${port}`, PASSERELLE_DATA_DIR: path.join(dir, 'data'),
      PASSERELLE_KEYS_DIR: path.join(dir, 'keys'), PASSERELLE_ADMIN_TOKEN: ADMIN, PASSERELLE_KEY_SECRET: KEY_SECRET, LOG_LEVEL: 'warn',
    };
    const token = await setUp(env);
    settings.log(`\nHTTP on SQLite with autocannon (${settings.connections} connections, ${settings.httpSeconds} s)`);
    return await measureDeployment(env, [port], token, settings, { engine: 'sqlite', text: 'SQLite, 1 instance' });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

export interface Target { name: string; unit: string; measured: number; required: number; atMost?: boolean; twoCores?: boolean }

/** Issuance with two instances against one, and verification on PostgreSQL against SQLite, both from these rows. */
export function postgresTargets(rows: HttpRow[], sqliteVerify: Figures): Target[] {
  const find = (op: string, instances: number) => rows.find((r) => r.engine === 'postgres' && r.op === op && r.instances === instances)!;
  return [
    { name: `HTTP issue ${FORMAT} on PostgreSQL, 2 instances vs 1`, unit: 'x', measured: find('issue', 2).opsPerSec / find('issue', 1).opsPerSec, required: 1.7, twoCores: true },
    { name: `HTTP verify ${FORMAT} on PostgreSQL (1 instance) vs SQLite (1 worker)`, unit: 'x', measured: find('verify', 1).opsPerSec / sqliteVerify.opsPerSec, required: 0.9 },
  ];
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const settings: Settings = {
    connections: Number(process.env.BENCH_CONNECTIONS ?? 16), httpSeconds: Number(process.env.BENCH_HTTP_SECONDS ?? 10),
    log: (message) => process.stdout.write(`${message}\n`),
  };
  const print = (row: HttpRow) => settings.log(`  ${row.name.padEnd(52)} ${row.opsPerSec.toFixed(1).padStart(8)} ops/s  p50 ${row.p50Ms!.toFixed(1)} ms  p99 ${row.p99Ms!.toFixed(1)} ms  RSS ${row.peakRssMb?.toFixed(0)} MB`);
  const sqlite = await benchSqliteHttp(settings);
  sqlite.forEach(print);
  const postgres = await benchPostgresHttp(settings);
  if (typeof postgres === 'string') throw new Error(postgres);
  postgres.forEach(print);
  for (const target of postgresTargets(postgres, sqlite.find((r) => r.op === 'verify')!)) {
    settings.log(`  ${target.measured >= target.required ? 'met    ' : 'NOT MET'}  ${target.name}: ${target.measured.toFixed(2)} ${target.unit} (at least ${target.required})`);
  }
}
