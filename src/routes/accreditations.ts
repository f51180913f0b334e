import type { FastifyInstance } from 'fastify';
import { slugParams, localisedText } from '../http/schemas.js';
import type { Services } from '../services.js';
import { principalOf } from '../http/auth.js';
import { forbidden } from '../errors.js';
import { authorise, isBootstrapAdmin } from '../orgs/tokens.js';
import { requireOrganisation } from '../orgs/organisations.js';
import { grantAccreditation, requireAuthority, withdrawAccreditation, type GrantRequest } from '../trust/accreditations.js';
import { exportList, importList, MAX_LIST_ENTRIES, type TrustedIssuerList } from '../trust/trustedIssuerList.js';



const scopeSchema = {
  type: 'object', additionalProperties: false, minProperties: 1, maxProperties: 1,
  description: 'exactly one of: framework (id, e.g. "ma-cnc": every level), level ("ma-cnc:3" or a level URI), occupation (ISCO-08 code such as "7112", covering its sub-groups, or an ESCO occupation URI)',
  properties: {
    framework: { type: 'string', maxLength: 40 },
    level: { type: 'string', maxLength: 300 },
    occupation: { type: 'string', maxLength: 300 },
  },
} as const;

const dateString = { type: 'string', maxLength: 40, description: 'ISO 8601 date or date-time' } as const;

const trustedIssuerListSchema = {
  type: 'object', additionalProperties: false, required: ['type', 'version', 'id', 'publisher', 'accreditations'],
  properties: {
    type: { const: 'TrustedIssuerList' },
    version: { const: 1 },
    id: { type: 'string', minLength: 1, maxLength: 500 },
    publisher: {
      type: 'object', additionalProperties: false, required: ['id'],
      properties: { id: { type: 'string', minLength: 1, maxLength: 500 }, name: localisedText },
    },
    issued: dateString,
    accreditations: {
      type: 'array', maxItems: MAX_LIST_ENTRIES,
      items: {
        type: 'object', additionalProperties: false, required: ['id', 'authority', 'issuer', 'scope', 'validFrom', 'validUntil'],
        properties: {
          id: { type: 'string', minLength: 1, maxLength: 500 },
          authority: {
            type: 'object', additionalProperties: false, required: ['id', 'name'],
            properties: { id: { type: 'string', pattern: '^did:', maxLength: 500 }, name: localisedText },
          },
          issuer: {
            type: 'object', additionalProperties: false, required: ['id'],
            properties: { id: { type: 'string', pattern: '^did:', maxLength: 500 }, name: localisedText },
          },
          scope: scopeSchema,
          validFrom: dateString,
          validUntil: dateString,
          withdrawn: {
            type: 'object', additionalProperties: false, required: ['at'],
            properties: { at: dateString, reason: { type: ['string', 'null'], maxLength: 1000 } },
          },
        },
      },
    },
  },
} as const;

/** 5,000 entries of about 600 bytes each, with room to spare. */
const LIST_BODY_LIMIT_BYTES = 4 * 1024 * 1024;

export default async function accreditationRoutes(app: FastifyInstance, { services }: { services: Services }) {
  const deps = { accreditations: services.repos.accreditations, organisations: services.repos.organisations, audit: services.audit, now: services.now };

  app.post<{ Params: { slug: string }; Body: Omit<GrantRequest, 'authority' | 'actorTokenId'> }>('/orgs/:slug/accreditations', {
    schema: {
      tags: ['trust'], summary: 'Accredit an issuer for a framework, level or occupation over a period (recognition authority, issue scope)',
      security: [{ bearer: [] }], params: slugParams,
      body: {
        type: 'object', additionalProperties: false, required: ['issuer', 'scope', 'validUntil'],
        properties: {
          issuer: { type: 'string', minLength: 1, maxLength: 500, description: 'the accredited issuer\'s DID, or the slug of an organisation of this service' },
          scope: scopeSchema,
          validFrom: { ...dateString, description: 'default now' },
          validUntil: dateString,
        },
      },
    },
  }, async (request, reply) => {
    const principal = principalOf(request);
    const authority = await requireOrganisation(services.repos.organisations, request.params.slug);
    authorise(principal, authority, 'issue');
    const accreditation = await grantAccreditation(deps, { ...request.body, authority, actorTokenId: principal.tokenId });
    return reply.status(201).send(accreditation);
  });

  app.get<{ Params: { slug: string } }>('/orgs/:slug/accreditations', {
    schema: { tags: ['trust'], summary: 'The accreditations this recognition authority granted, as a trusted-issuer list (JSON)', params: slugParams },
  }, async (request) => {
    const authority = await requireOrganisation(services.repos.organisations, request.params.slug);
    requireAuthority(authority);
    return exportList({
      id: `${services.config.baseUrl}/orgs/${authority.slug}/accreditations`, publisher: { id: authority.did, name: authority.name },
      accreditations: await services.repos.accreditations.grantedBy(authority.did), now: services.now(),
    });
  });

  app.post<{ Params: { slug: string; id: string }; Body: { reason: string } }>('/orgs/:slug/accreditations/:id/withdraw', {
    schema: {
      tags: ['trust'], summary: 'Withdraw an accreditation (credentials issued before stay covered)', security: [{ bearer: [] }],
      params: { type: 'object', required: ['slug', 'id'], properties: { slug: slugParams.properties.slug, id: { type: 'string', maxLength: 200 } } },
      body: { type: 'object', additionalProperties: false, required: ['reason'], properties: { reason: { type: 'string', minLength: 1, maxLength: 1000 } } },
    },
  }, async (request) => {
    const principal = principalOf(request);
    const authority = await requireOrganisation(services.repos.organisations, request.params.slug);
    authorise(principal, authority, 'issue');
    return withdrawAccreditation(deps, { authority, actorTokenId: principal.tokenId, id: request.params.id, reason: request.body.reason });
  });

  app.get<{ Querystring: { issuer?: string; authority?: string } }>('/trusted-issuers', {
    schema: {
      tags: ['trust'], summary: 'Every accreditation known here (granted here or imported) as a trusted-issuer list',
      querystring: {
        type: 'object', additionalProperties: false,
        properties: { issuer: { type: 'string', maxLength: 500, description: 'only this issuer DID' }, authority: { type: 'string', maxLength: 500, description: 'only this authority DID' } },
      },
    },
  }, async (request) => exportList({
    id: `${services.config.baseUrl}/trusted-issuers`, publisher: { id: services.config.baseUrl },
    accreditations: await services.repos.accreditations.all({ issuerDid: request.query.issuer, authorityDid: request.query.authority }), now: services.now(),
  }));

  app.post<{ Body: TrustedIssuerList }>('/trusted-issuers', {
    bodyLimit: LIST_BODY_LIMIT_BYTES,
    schema: {
      tags: ['trust'], summary: 'Import a trusted-issuer list (administrator token); re-importing a list id replaces its entries',
      security: [{ bearer: [] }], body: trustedIssuerListSchema,
    },
  }, async (request) => {
    const principal = principalOf(request);
    if (!isBootstrapAdmin(principal)) throw forbidden('Only the administrator token can import a trusted-issuer list: it decides whom this service trusts');
    return await importList({ accreditations: services.repos.accreditations, now: services.now }, request.body);
  });
}
