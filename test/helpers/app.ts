import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { createServices, type Services } from '../../src/services.js';
import { ensureAdminToken } from '../../src/orgs/tokens.js';

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

export async function buildTestApp(t: Teardown, env: Record<string, string> = {}): Promise<TestApp> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'passerelle-test-'));
  const config = loadConfig({
    PASSERELLE_BASE_URL: BASE_URL, PASSERELLE_DATA_DIR: path.join(dir, 'data'), PASSERELLE_KEYS_DIR: path.join(dir, 'keys'),
    PASSERELLE_ADMIN_TOKEN: ADMIN_TOKEN, ...env,
  });
  const clock = new TestClock();
  const services = createServices(config, clock.now);
  ensureAdminToken(services.repos.tokens, config.adminToken, clock.now());
  const app = await buildApp({ services });
  t.teardown(async () => {
    await app.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
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
