import type { FastifyInstance } from 'fastify';
import type { Services } from '../services.js';
import { STATUS_LIST_TTL_MS } from '../credentials/statusLists.js';

export default async function statusListRoutes(app: FastifyInstance, { services }: { services: Services }) {
  app.get<{ Params: { listId: string } }>('/status/:listId', {
    schema: {
      tags: ['credentials'], summary: 'A signed BitstringStatusListCredential (cacheable; fetches are not tracked)',
      params: { type: 'object', required: ['listId'], properties: { listId: { type: 'string', maxLength: 64 } } },
    },
  }, async (request, reply) => {
    const { credential, version } = await services.statusLists.listCredential(request.params.listId);
    return reply
      .header('cache-control', `public, max-age=${STATUS_LIST_TTL_MS / 1000}`)
      .header('etag', `"${request.params.listId}-${version}"`)
      .type('application/vc+ld+json')
      .send(credential);
  });
}
