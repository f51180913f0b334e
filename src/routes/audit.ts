import type { FastifyInstance } from 'fastify';
import { slugParams } from '../http/schemas.js';
import type { Services } from '../services.js';
import { principalOf } from '../http/auth.js';
import { badRequest } from '../errors.js';
import { authorise } from '../orgs/tokens.js';
import { requireOrganisation } from '../orgs/organisations.js';


const MAX_PAGE = 500;

/** `?anchorSeq=12&anchorHash=ab..`: a head kept from an earlier check, so that a rewritten chain is caught too. */
function anchorOf(query: AnchorQuery): { seq: number; hash: string } | undefined {
  if (query.anchorSeq === undefined && query.anchorHash === undefined) return undefined;
  if (query.anchorSeq === undefined || query.anchorHash === undefined) {
    throw badRequest('incomplete-anchor', 'Give both anchorSeq and anchorHash (the head returned by an earlier check), or neither');
  }
  return { seq: Number(query.anchorSeq), hash: query.anchorHash };
}

// Query strings arrive as strings and the app's ajv never coerces, so numbers are matched as digit strings.
interface AnchorQuery { anchorSeq?: string; anchorHash?: string }
const anchorQuery = {
  anchorSeq: { type: 'string', pattern: '^[1-9][0-9]{0,11}$', description: 'seq of a head recorded earlier' },
  anchorHash: { type: 'string', pattern: '^[0-9a-f]{64}$', description: 'hash of that head' },
} as const;

export default async function auditRoutes(app: FastifyInstance, { services }: { services: Services }) {
  app.get<{ Params: { slug: string }; Querystring: AnchorQuery & { after?: string; limit?: string; verify?: 'true' | 'false' } }>('/orgs/:slug/audit', {
    schema: {
      tags: ['audit'], summary: 'The organisation\'s hash-chained audit log, oldest first (admin scope)', security: [{ bearer: [] }], params: slugParams,
      querystring: {
        type: 'object', additionalProperties: false,
        properties: {
          after: { type: 'string', pattern: '^[0-9]{1,12}$', description: 'return entries after this seq (default 0: from the start)' },
          limit: { type: 'string', pattern: '^[0-9]{1,3}$', description: `1 to ${MAX_PAGE}, default 100` },
          verify: { type: 'string', enum: ['true', 'false'], description: 'true: also check the whole chain (answer in `verification`)' },
          ...anchorQuery,
        },
      },
    },
  }, async (request) => {
    const principal = principalOf(request);
    const organisation = await requireOrganisation(services.repos.organisations, request.params.slug);
    authorise(principal, organisation, 'admin');
    const after = Number(request.query.after ?? 0);
    const limit = Number(request.query.limit ?? 100);
    if (limit < 1 || limit > MAX_PAGE) throw badRequest('invalid-limit', `limit must be between 1 and ${MAX_PAGE}`);
    const verify = request.query.verify === 'true';
    const entries = await services.audit.page(organisation.id, after, limit);
    const last = entries.at(-1);
    return {
      entries,
      next: entries.length === limit && last ? `/orgs/${organisation.slug}/audit?after=${last.seq}&limit=${limit}` : null,
      ...(verify ? { verification: await services.audit.verify(organisation.id, anchorOf(request.query)) } : {}),
    };
  });

  app.get<{ Params: { slug: string }; Querystring: AnchorQuery }>('/orgs/:slug/audit/verify', {
    schema: {
      tags: ['audit'], summary: 'Check the audit chain: {valid, brokenAt, reason, head} (admin scope)', security: [{ bearer: [] }], params: slugParams,
      querystring: { type: 'object', additionalProperties: false, properties: anchorQuery },
    },
  }, async (request) => {
    const principal = principalOf(request);
    const organisation = await requireOrganisation(services.repos.organisations, request.params.slug);
    authorise(principal, organisation, 'admin');
    return await services.audit.verify(organisation.id, anchorOf(request.query));
  });
}
