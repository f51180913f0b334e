import type { FastifyInstance } from 'fastify';
import type { Services } from '../services.js';
import { STATUS_LIST_TTL_MS } from '../credentials/statusLists.js';
import { TOKEN_STATUS_LIST_MEDIA_TYPE } from '../credentials/tokenStatusList.js';
import { achievementTypeMetadata } from '../credentials/sdJwtVc.js';

export default async function statusListRoutes(app: FastifyInstance, { services }: { services: Services }) {
  app.get<{ Params: { listId: string } }>('/status/:listId', {
    schema: {
      tags: ['credentials'],
      summary: 'A signed status list (cacheable; fetches are not tracked): a BitstringStatusListCredential, or for SD-JWT VCs a Token Status List token (application/statuslist+jwt, 2 bits: 0 valid, 1 revoked, 2 suspended)',
      params: { type: 'object', required: ['listId'], properties: { listId: { type: 'string', maxLength: 64 } } },
    },
  }, async (request, reply) => {
    const list = await services.statusLists.signedList(request.params.listId);
    reply
      .header('cache-control', `public, max-age=${STATUS_LIST_TTL_MS / 1000}`)
      .header('etag', `"${request.params.listId}-${list.version}"`);
    if (list.kind === 'token') return reply.type(TOKEN_STATUS_LIST_MEDIA_TYPE).send(list.token);
    return reply.type('application/vc+ld+json').send(list.credential);
  });

  // At the vct URL itself (SD-JWT VC drafts since 07), and under /.well-known/vct, where drafts 05 and 06 (and wallets
  // built on them) look for it.
  for (const url of ['/vct/achievement', '/.well-known/vct/vct/achievement']) {
    app.get(url, {
      schema: {
        tags: ['credentials'],
        summary: 'Type metadata of the SD-JWT VC type (vct) of achievement credentials: its names and claims in four languages, and which claims are selectively disclosable',
      },
    }, async (_request, reply) => reply.header('cache-control', 'public, max-age=86400').send(achievementTypeMetadata(services.config.baseUrl)));
  }
}
