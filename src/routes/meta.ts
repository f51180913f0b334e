import fs from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Services } from '../services.js';
import { schemasDir } from '../services.js';
import { bundledContexts } from '../credentials/contexts/index.js';
import { notFound } from '../errors.js';

export default async function metaRoutes(app: FastifyInstance, { services }: { services: Services }) {
  app.get('/health', { schema: { tags: ['service'], summary: 'Liveness: the service answers and its database is reachable' } }, async () => {
    await services.database.ping();
    return { status: 'ok' };
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
