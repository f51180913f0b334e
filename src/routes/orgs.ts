import type { FastifyInstance } from 'fastify';
import { SLUG_PATTERN, slugParams, localisedText } from '../http/schemas.js';
import type { Services } from '../services.js';
import { principalOf } from '../http/auth.js';
import { forbidden } from '../errors.js';
import {
  DID_METHODS, ORGANISATION_KINDS, createOrganisation, didDocumentOf, publicView, requireOrganisation, rotateKey, type NewOrganisation,
} from '../orgs/organisations.js';
import { TOKEN_SCOPES, authorise, createToken, isBootstrapAdmin, parseLifetime, revokeToken, type TokenScope } from '../orgs/tokens.js';
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import { organisationsActingAs } from '../audit/actingAs.js';



export default async function organisationRoutes(app: FastifyInstance, { services }: { services: Services }) {
  const deps = { organisations: services.repos.organisations, keyStore: services.keyStore, baseUrl: services.config.baseUrl, now: services.now };
  const keysOf = (id: string) => services.repos.organisations.keysOf(id);

  app.post<{ Body: NewOrganisation }>('/orgs', {
    schema: {
      tags: ['organisations'], summary: 'Create an organisation (administrator token) with its Ed25519 key and DID',
      security: [{ bearer: [] }],
      body: {
        type: 'object', additionalProperties: false, required: ['slug', 'name', 'country', 'kind'],
        properties: {
          slug: { type: 'string', pattern: SLUG_PATTERN, description: 'lowercase letters, digits and hyphens; used in URLs and did:web' },
          name: localisedText,
          country: { type: 'string', pattern: '^[A-Za-z]{2}$', description: 'ISO 3166-1 alpha-2' },
          kind: { type: 'string', enum: [...ORGANISATION_KINDS] },
          didMethod: { type: 'string', enum: [...DID_METHODS], description: 'web (default: did:web served by this service) or key' },
        },
      },
    },
  }, async (request, reply) => {
    const principal = principalOf(request);
    if (!isBootstrapAdmin(principal)) throw forbidden('Only the administrator token (PASSERELLE_ADMIN_TOKEN) can create organisations');
    const organisation = await createOrganisation(deps, request.body);
    return reply.status(201).header('location', `/orgs/${organisation.slug}`).send(publicView(organisation, await keysOf(organisation.id)));
  });

  app.get('/orgs', { schema: { tags: ['organisations'], summary: 'List organisations' } }, async () =>
    Promise.all((await services.repos.organisations.list()).map(async (o) => publicView(o, await keysOf(o.id)))));

  app.get<{ Params: { slug: string } }>('/orgs/:slug', {
    schema: { tags: ['organisations'], summary: 'Public description of an organisation', params: slugParams },
  }, async (request) => {
    const organisation = await requireOrganisation(services.repos.organisations, request.params.slug);
    return publicView(organisation, await keysOf(organisation.id));
  });

  app.get<{ Params: { slug: string } }>('/orgs/:slug/did.json', {
    schema: { tags: ['organisations'], summary: 'DID document of a did:web organisation (every key, current and retired)', params: slugParams },
  }, async (request, reply) => {
    const organisation = await requireOrganisation(services.repos.organisations, request.params.slug);
    if (organisation.didMethod !== 'web') {
      throw forbidden(`Organisation "${organisation.slug}" uses ${organisation.did}, which resolves without this service`);
    }
    return reply.type('application/did+json').send(didDocumentOf(organisation, await keysOf(organisation.id)));
  });

  app.get<{ Params: { slug: string } }>('/orgs/:slug/jwks.json', {
    schema: { tags: ['organisations'], summary: 'The organisation\'s public keys as a JWK Set (kid = verification method id), for JWT verifiers', params: slugParams },
  }, async (request) => {
    const organisation = await requireOrganisation(services.repos.organisations, request.params.slug);
    const keys = await Promise.all((await keysOf(organisation.id)).map(async (key) => {
      const jwk = await Ed25519Multikey.toJwk({ keyPair: await Ed25519Multikey.from({ publicKeyMultibase: key.publicKeyMultibase }) });
      return { ...jwk, kid: key.verificationMethod, alg: 'EdDSA', use: 'sig' };
    }));
    return { keys };
  });

  app.post<{ Params: { slug: string } }>('/orgs/:slug/keys/rotate', {
    schema: { tags: ['organisations'], summary: 'Rotate the signing key (earlier credentials keep verifying)', params: slugParams, security: [{ bearer: [] }] },
  }, async (request) => {
    const principal = principalOf(request);
    const organisation = await requireOrganisation(services.repos.organisations, request.params.slug);
    authorise(principal, organisation, 'admin');
    const key = await rotateKey({ ...deps, organisations: organisationsActingAs(services, principal.tokenId) }, organisation);
    return { verificationMethod: key.verificationMethod, publicKeyMultibase: key.publicKeyMultibase, createdAt: key.createdAt };
  });

  app.post<{ Params: { slug: string }; Body: { scopes: TokenScope[]; expiresIn?: string | number; label?: string } }>('/orgs/:slug/tokens', {
    schema: {
      tags: ['tokens'], summary: 'Create a bearer token for the organisation; the secret is returned once', params: slugParams, security: [{ bearer: [] }],
      body: {
        type: 'object', additionalProperties: false, required: ['scopes'],
        properties: {
          scopes: { type: 'array', minItems: 1, uniqueItems: true, items: { type: 'string', enum: [...TOKEN_SCOPES] } },
          expiresIn: { type: ['string', 'integer'], description: 'seconds, or "30d", "12h", "15m"; default 90 days, at most 365 days' },
          label: { type: 'string', maxLength: 200 },
        },
      },
    },
  }, async (request, reply) => {
    const principal = principalOf(request);
    const organisation = await requireOrganisation(services.repos.organisations, request.params.slug);
    authorise(principal, organisation, 'admin');
    const expiresInSeconds = parseLifetime(request.body.expiresIn);
    const { token, secret } = await services.audit.record(() => createToken(services.repos.tokens, {
      organisationId: organisation.id, scopes: request.body.scopes, expiresInSeconds, label: request.body.label, now: services.now(),
    }), ({ token: created }) => ({
      organisationId: organisation.id, actorTokenId: principal.tokenId, action: 'token.created', subject: created.id,
      details: { scopes: created.scopes, expiresAt: created.expiresAt, label: created.label },
    }));
    return reply.status(201).send({ id: token.id, token: secret, scopes: token.scopes, expiresAt: token.expiresAt, label: token.label });
  });

  app.get<{ Params: { slug: string } }>('/orgs/:slug/tokens', {
    schema: { tags: ['tokens'], summary: 'List the organisation\'s tokens (never their secrets)', params: slugParams, security: [{ bearer: [] }] },
  }, async (request) => {
    const principal = principalOf(request);
    const organisation = await requireOrganisation(services.repos.organisations, request.params.slug);
    authorise(principal, organisation, 'admin');
    return (await services.repos.tokens.listFor(organisation.id)).map(({ secretHash: _hidden, ...token }) => token);
  });

  app.delete<{ Params: { slug: string; id: string } }>('/orgs/:slug/tokens/:id', {
    schema: {
      tags: ['tokens'], summary: 'Revoke a token', security: [{ bearer: [] }],
      params: { type: 'object', required: ['slug', 'id'], properties: { slug: slugParams.properties.slug, id: { type: 'string', maxLength: 64 } } },
    },
  }, async (request, reply) => {
    const principal = principalOf(request);
    const organisation = await requireOrganisation(services.repos.organisations, request.params.slug);
    authorise(principal, organisation, 'admin');
    await services.audit.record(async () => {
      const wasRevoked = Boolean((await services.repos.tokens.byId(organisation.id, request.params.id))?.revokedAt);
      await revokeToken(services.repos.tokens, organisation, request.params.id, services.now());
      return wasRevoked;
    }, (wasRevoked) => (wasRevoked ? undefined : {
      organisationId: organisation.id, actorTokenId: principal.tokenId, action: 'token.revoked', subject: request.params.id,
    }));
    return reply.status(204).send();
  });
}
