import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { sql, type SQL } from 'drizzle-orm';
import { createServices, type Services } from '../../src/services.js';
import { ensureAdminToken } from '../../src/orgs/tokens.js';
import type { Database } from '../../src/db/database.js';
import { PostgresDatabase } from '../../src/db/postgres/database.js';
import { dropSchema } from '../../src/db/postgres/connect.js';
import { postgresSkipReason, testPostgresUrl, uniqueSchema } from './postgres.js';

export const BASE_URL = 'http://passerelle.test';
export const ADMIN_TOKEN = 'test-admin-token-0123456789abcdef';

interface Teardown { teardown(fn: () => unknown): void }

/** A clock the test can move: expiry is tested by moving time, never by sleeping. */
export class TestClock {
  constructor(public current = new Date()) {}
  now = () => new Date(this.current);
  advance(ms: number) { this.current = new Date(this.current.getTime() + ms); }
}

export interface TestApp {
  app: FastifyInstance;
  services: Services;
  clock: TestClock;
  admin: { authorization: string };
  createOrganisation(slug: string, extra?: Record<string, unknown>): Promise<{ did: string; slug: string }>;
  tokenFor(slug: string, scopes?: string[]): Promise<string>;
  /** An organisation and an issue+status token, ready to issue. */
  issuer(slug?: string, extra?: Record<string, unknown>): Promise<{ did: string; slug: string; auth: { authorization: string } }>;
}

/**
 * The database engine the suite runs on: PASSERELLE_TEST_DATABASE=postgres runs every test against PostgreSQL (each
 * app in a schema of its own, dropped afterwards), otherwise SQLite (a file in a temporary folder).
 */
export const testDatabaseEngine = process.env.PASSERELLE_TEST_DATABASE === 'postgres' ? 'postgres' : 'sqlite';

/** A database for one test: undefined lets the services open the SQLite file of the configuration. */
export async function openTestDatabase(t: Teardown, label = 'app'): Promise<Database | undefined> {
  if (testDatabaseEngine !== 'postgres') return undefined;
  const unreachable = await postgresSkipReason();
  if (unreachable) throw new Error(unreachable);
  const schema = uniqueSchema(label);
  const database = await PostgresDatabase.open(testPostgresUrl, { schema, poolSize: 4 });
  t.teardown(() => dropSchema(testPostgresUrl, schema));
  return database;
}

/**
 * `count` databases that are one database, as separate instances see it: for SQLite, undefined each time (every
 * instance opens the configuration's file); for PostgreSQL, pools on one schema.
 */
export async function openSharedTestDatabases(t: Teardown, count: number): Promise<Array<Database | undefined>> {
  if (testDatabaseEngine !== 'postgres') return Array.from({ length: count }, () => undefined);
  const schema = uniqueSchema('shared');
  const databases = [];
  for (let i = 0; i < count; i++) databases.push(await PostgresDatabase.open(testPostgresUrl, { schema, poolSize: 4 }));
  t.teardown(() => dropSchema(testPostgresUrl, schema));
  return databases;
}

export async function buildTestApp(t: Teardown, env: Record<string, string> = {}): Promise<TestApp> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'passerelle-test-'));
  const config = loadConfig({
    PASSERELLE_BASE_URL: BASE_URL, PASSERELLE_DATA_DIR: path.join(dir, 'data'), PASSERELLE_KEYS_DIR: path.join(dir, 'keys'),
    PASSERELLE_ADMIN_TOKEN: ADMIN_TOKEN, ...env,
  });
  const clock = new TestClock();
  const database = await openTestDatabase(t);
  const services = await createServices(config, clock.now, database);
  await ensureAdminToken(services.repos.tokens, config.adminToken, clock.now());
  const app = await buildApp({ services });
  t.teardown(async () => {
    await app.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  return testAppOf(app, services, clock);
}

/**
 * `count` apps as the instances of one deployment see it: one database (openSharedTestDatabases), one clock, the same
 * settings. On PostgreSQL each instance is as if on a machine of its own (a keys folder of its own), and the
 * configuration names the database as a deployment's does, so keys are shared through it only (sealed with the key
 * secret); on SQLite the instances are processes of one machine, sharing the data and keys folders.
 */
export async function buildTestApps(t: Teardown, count: number, env: Record<string, string> = {}): Promise<TestApp[]> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'passerelle-test-'));
  const configOf = (instance: number) => loadConfig({
    PASSERELLE_BASE_URL: BASE_URL, PASSERELLE_DATA_DIR: path.join(dir, 'data'), PASSERELLE_ADMIN_TOKEN: ADMIN_TOKEN,
    PASSERELLE_KEY_SECRET: 'a test deployment key secret',
    ...(testDatabaseEngine === 'postgres'
      ? { PASSERELLE_DATABASE_URL: testPostgresUrl, PASSERELLE_KEYS_DIR: path.join(dir, `keys-${instance}`) }
      : { PASSERELLE_KEYS_DIR: path.join(dir, 'keys') }),
    ...env,
  });
  const clock = new TestClock();
  const apps: TestApp[] = [];
  t.teardown(async () => {
    for (const { app } of apps) await app.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  for (const database of await openSharedTestDatabases(t, count)) {
    const config = configOf(apps.length);
    const services = await createServices(config, clock.now, database);
    if (apps.length === 0) await ensureAdminToken(services.repos.tokens, config.adminToken, clock.now());
    apps.push(testAppOf(await buildApp({ services }), services, clock));
  }
  return apps;
}

function testAppOf(app: FastifyInstance, services: Services, clock: TestClock): TestApp {
  const admin = { authorization: `Bearer ${ADMIN_TOKEN}` };

  async function createOrganisation(slug: string, extra: Record<string, unknown> = {}) {
    const response = await app.inject({
      method: 'POST', url: '/orgs', headers: admin,
      payload: { slug, name: { fr: `Centre ${slug}`, en: `Centre ${slug}` }, country: 'MA', kind: 'training-centre', ...extra },
    });
    if (response.statusCode !== 201) throw new Error(`cannot create organisation: ${response.body}`);
    return response.json() as { did: string; slug: string };
  }

  async function tokenFor(slug: string, scopes = ['issue', 'status']) {
    const response = await app.inject({ method: 'POST', url: `/orgs/${slug}/tokens`, headers: admin, payload: { scopes, expiresIn: '1d' } });
    if (response.statusCode !== 201) throw new Error(`cannot create token: ${response.body}`);
    return (response.json() as { token: string }).token;
  }

  async function issuer(slug = 'ofppt-casa', extra: Record<string, unknown> = {}) {
    const organisation = await createOrganisation(slug, extra);
    return { ...organisation, auth: { authorization: `Bearer ${await tokenFor(slug)}` } };
  }

  return { app, services, clock, admin, createOrganisation, tokenFor, issuer };
}

/** An Open Badges 3.0 achievement credential, as a training centre would send it. */
export function openBadgeCredential(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    '@context': ['https://www.w3.org/ns/credentials/v2', 'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json'],
    type: ['VerifiableCredential', 'OpenBadgeCredential'],
    name: 'Maçonnerie : pose de briques',
    credentialSubject: {
      type: ['AchievementSubject'],
      identifier: [{ type: 'IdentityObject', identityHash: 'sha256$4f3c2a', identityType: 'emailAddress', hashed: true, salt: 'x1' }],
      achievement: {
        id: 'urn:uuid:9b0f6e34-7d0c-4c55-9a8e-3f0d7c1e2a10',
        type: ['Achievement'],
        name: 'Maçon (CNC niveau 3)',
        description: 'Pose de briques et de blocs, lecture de plans simples, sécurité sur chantier.',
        criteria: { narrative: 'Évaluation pratique sur chantier par un jury de deux formateurs.' },
        alignment: [
          { type: ['Alignment'], targetName: 'EQF level 3', targetUrl: 'http://data.europa.eu/snb/eqf/3', targetFramework: 'EQF', targetCode: '3' },
        ],
      },
    },
    ...overrides,
  };
}

export function plainCredential(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    '@context': ['https://www.w3.org/ns/credentials/v2', 'https://www.w3.org/ns/credentials/examples/v2'],
    type: ['VerifiableCredential', 'ExampleSkillCredential'],
    credentialSubject: { id: 'did:example:worker-42', skill: 'Pruning olive trees' },
    ...overrides,
  };
}

/** SQL text with `?` placeholders, bound to `params` in order. */
function bound(query: string, params: unknown[]): SQL {
  const parts = query.split('?');
  if (parts.length !== params.length + 1) throw new Error(`${parts.length - 1} placeholders for ${params.length} values: ${query}`);
  return sql.join(parts.flatMap((part, i) => (i < params.length ? [sql.raw(part), sql`${params[i]}`] : [sql.raw(part)])));
}

/** Rows of a SQL query on the app's database, whichever engine it is (tests that look at or tamper with what was stored). */
export async function sqlRows<Row = Record<string, unknown>>(services: Services, query: string, ...params: unknown[]): Promise<Row[]> {
  return services.database.query(async (db) => {
    if (services.database.dialect === 'sqlite') return db.all<Row>(bound(query, params));
    const pg = db as unknown as { execute(q: SQL): Promise<{ rows: Row[] }> };
    return (await pg.execute(bound(query, params))).rows;
  });
}

/** The number a `select count(*) as n ...` query gives (PostgreSQL returns counts as strings). */
export async function sqlCount(services: Services, query: string): Promise<number> {
  const [row] = await sqlRows<{ n: number | string }>(services, query);
  return Number(row?.n);
}

/** A write statement on the app's database (tests that tamper with what was stored). */
export async function sqlRun(services: Services, statement: string, ...params: unknown[]): Promise<void> {
  await services.database.query(async (db) => {
    if (services.database.dialect === 'sqlite') db.run(bound(statement, params));
    else await (db as unknown as { execute(q: SQL): Promise<unknown> }).execute(bound(statement, params));
  });
}
