import fs from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Services } from '../services.js';
import { schemasDir } from '../services.js';
import { bundledContexts } from '../credentials/contexts/index.js';
import { AppError, notFound } from '../errors.js';

export default async function metaRoutes(app: FastifyInstance, { services }: { services: Services }) {
  // For load balancers and orchestrators: /health/live restarts a stuck process, /health/ready routes traffic only to
  // an instance that can serve it. /health (database reachable) predates them and stays for existing monitors.
  app.get('/health', { schema: { tags: ['service'], summary: 'The service answers and its database is reachable' } }, async () => {
    await services.database.ping();
    return { status: 'ok' };
  });

  app.get('/health/live', { schema: { tags: ['service'], summary: 'Liveness: the process answers (no database access)' } }, async () =>
    ({ status: 'ok' }));

  app.get('/health/ready', {
    schema: { tags: ['service'], summary: 'Readiness: the database is reachable and every committed migration is applied (503 otherwise)' },
  }, async (request) => {
    try {
      await services.database.ping();
    } catch (error) {
      // The driver's message (addresses, user names) goes to the log, not to whoever polls this endpoint.
      request.log.warn({ err: error }, 'readiness: database unreachable');
      throw new AppError('database-unreachable', 503, 'The database cannot be reached from this instance; its log says why');
    }
    const pending = await services.database.pendingMigrations();
    if (pending.length > 0) {
      throw new AppError('migrations-pending', 503,
        `The database lacks ${pending.length} migration(s) of this version: run npm run db:migrate (or restart an instance, which applies them)`,
        { pending });
    }
    return { status: 'ready' };
  });

  app.get('/contexts', { schema: { tags: ['service'], summary: 'The JSON-LD contexts bundled with the service (nothing else is ever fetched)' } }, async () =>
    ({ contexts: [...bundledContexts.keys()].sort() }));

  app.get<{ Params: { name: string } }>('/schemas/:name', {
    schema: {
      tags: ['service'], summary: 'A JSON Schema published by this service (for credentialSchema)',
      params: { type: 'object', required: ['name'], properties: { name: { type: 'string', pattern: '^[a-z0-9-]+\\.json$' } } },
    },
  }, async (request, reply) => {
    const file = path.join(schemasDir, request.params.name);
    if (!fs.existsSync(file)) throw notFound('unknown-schema', `No schema ${request.params.name}; GET /openapi.json lists what the service publishes`);
    return reply.type('application/schema+json').send(fs.readFileSync(file, 'utf8'));
  });
}
