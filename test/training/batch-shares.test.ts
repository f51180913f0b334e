import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { createServices, type Services } from '../../src/services.js';
import { ensureAdminToken } from '../../src/orgs/tokens.js';
import { ADMIN_TOKEN, BASE_URL, openSharedTestDatabases, sqlCount } from '../helpers/app.js';
import { MASONRY_ACHIEVEMENT, cohort, toCsv } from '../fixtures/batches/cohort.js';
import { waitForBatch } from '../helpers/batches.js';

type Json = Record<string, any>;

/** Two instances' worth of app over one database, as PASSERELLE_WORKERS=2 or two servers on PostgreSQL run them. */
async function twoWorkers(t: { teardown(fn: () => unknown): void }) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'passerelle-shares-'));
  const config = loadConfig({ PASSERELLE_BASE_URL: BASE_URL, PASSERELLE_DATA_DIR: dir, PASSERELLE_KEYS_DIR: path.join(dir, 'keys'), PASSERELLE_ADMIN_TOKEN: ADMIN_TOKEN, PASSERELLE_WORKERS: '2' });
  const workers: Array<{ app: FastifyInstance; services: Services; issuedRows: number }> = [];
  const databases = await openSharedTestDatabases(t, 2);
  for (const [index, database] of databases.entries()) {
    const services = await createServices(config, undefined, database);
    if (index === 0) await ensureAdminToken(services.repos.tokens, config.adminToken, services.now());
    const worker = { app: undefined as unknown as FastifyInstance, services, issuedRows: 0 };
    // Count the rows each worker marks issued.
    const markIssued = services.repos.batches.markIssued.bind(services.repos.batches);
    services.repos.batches.markIssued = (...args: Parameters<typeof markIssued>) => { worker.issuedRows += args[1].length; return markIssued(...args); };
    worker.app = await buildApp({ services });
    await worker.app.ready();
    workers.push(worker);
  }
  t.teardown(async () => {
    for (const w of workers) await w.app.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  return workers;
}

t.test('two workers share a batch: every row issued exactly once, by one of them, and the batch completes', async (t) => {
  const [first, second] = await twoWorkers(t);
  const admin = { authorization: `Bearer ${ADMIN_TOKEN}` };
  await first!.app.inject({ method: 'POST', url: '/orgs', headers: admin, payload: { slug: 'ofppt-casa', name: { fr: 'OFPPT' }, country: 'MA', kind: 'training-centre' } });
  const token = (await first!.app.inject({ method: 'POST', url: '/orgs/ofppt-casa/tokens', headers: admin, payload: { scopes: ['issue'] } })).json().token;
  const auth = { authorization: `Bearer ${token}` };
  await first!.app.inject({ method: 'POST', url: '/orgs/ofppt-casa/achievements', headers: auth, payload: MASONRY_ACHIEVEMENT });
  // Queued through the first worker only: the second finds the batch by looking for work, and leases rows of it.
  const accepted = await first!.app.inject({
    method: 'POST', url: '/batches?achievement=macon-cnc3', headers: { ...auth, 'content-type': 'text/csv' }, payload: toCsv(cohort(120)),
  });
  t.equal(accepted.statusCode, 202, 'accepted status', { body: accepted.body });
  const { id } = accepted.json() as Json;
  const batch = await waitForBatch(second!.app, auth, id, { query: '?limit=0', timeoutMs: 120_000 });
  t.same(batch.counts, { total: 120, pending: 0, issued: 120, skipped: 0, failed: 0 });
  t.equal(first!.issuedRows + second!.issuedRows, 120, 'no row issued twice');
  t.equal(await sqlCount(first!.services, 'select count(*) as n from credentials'), 120, 'one credential per row');
  t.equal(await sqlCount(first!.services, 'select count(*) as n from (select distinct list_id, status_index from status_entries) d'), 120, 'distinct status indexes');
});
