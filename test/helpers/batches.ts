import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../src/config.js';
import { createServices } from '../../src/services.js';
import { createOrganisation } from '../../src/orgs/organisations.js';
import { createAchievement } from '../../src/training/achievements.js';
import { createBatch } from '../../src/training/batches.js';
import { ADMIN_TOKEN, BASE_URL, openTestDatabase, type TestApp } from './app.js';
import { MASONRY_ACHIEVEMENT, cohort, toCsv } from '../fixtures/batches/cohort.js';

type Json = Record<string, any>;

/**
 * Polls a batch until it completes; past the deadline it fails saying where the batch stood. `query` is added to the
 * batch URL (`?limit=0` leaves the rows out of a large batch).
 */
export async function waitForBatch(app: TestApp['app'], auth: Json, id: string, { query = '', timeoutMs = 150_000 } = {}): Promise<Json> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const batch = (await app.inject({ method: 'GET', url: `/batches/${id}${query}`, headers: auth })).json() as Json;
    if (batch.state === 'completed') return batch;
    if (Date.now() > deadline) throw new Error(`batch ${id} did not complete within ${timeoutMs / 1000} s: state ${batch.state}, counts ${JSON.stringify(batch.counts)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * What a batch runner under test works on: services on a fresh data folder (and the suite's database engine), a
 * training centre with the masonry achievement, and a queued batch of `rows` recipients.
 */
export async function queuedBatch(t: { teardown(fn: () => unknown): void }, rows: number) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'passerelle-batch-'));
  const config = loadConfig({ PASSERELLE_BASE_URL: BASE_URL, PASSERELLE_DATA_DIR: path.join(dir, 'data'), PASSERELLE_KEYS_DIR: path.join(dir, 'keys'), PASSERELLE_ADMIN_TOKEN: ADMIN_TOKEN });
  const services = await createServices(config, undefined, await openTestDatabase(t));
  t.teardown(async () => {
    await services.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  const { repos, keyStore, now } = services;
  const organisation = await createOrganisation({ organisations: repos.organisations, keyStore, baseUrl: BASE_URL, now },
    { slug: 'ofppt-casa', name: { fr: 'OFPPT Casablanca' }, country: 'MA', kind: 'training-centre' });
  await createAchievement({ achievements: repos.achievements, now }, organisation, MASONRY_ACHIEVEMENT);
  const { batch } = await createBatch({ batches: repos.batches, achievements: repos.achievements, credentials: repos.credentials, baseUrl: BASE_URL, now },
    { organisation, achievementId: MASONRY_ACHIEVEMENT.id, content: Buffer.from(toCsv(cohort(rows))), fileFormat: 'csv', createdByTokenId: null });
  return { config, services, organisation, batch };
}
