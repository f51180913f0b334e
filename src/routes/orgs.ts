import type { FastifyInstance } from 'fastify';
import { SLUG_PATTERN, slugParams, localisedText } from '../http/schemas.js';
import type { Services } from '../services.js';
import { principalOf } from '../http/auth.js';
import { forbidden } from '../errors.js';
import {
  DID_METHODS, ORGANISATION_KINDS, createOrganisation, didDocumentOf, publicJwkOf, publicView, requireOrganisation, rotateKeys, type NewOrganisation,
} from '../orgs/organisations.js';
import { TOKEN_SCOPES, authorise, createToken, isBootstrapAdmin, parseLifetime, revokeToken, type TokenScope } from '../orgs/tokens.js';
import { organisationsActingAs } from '../audit/actingAs.js';
import { KEY_ALGORITHMS, type KeyAlgorithm } from '../keys/keyStore.js';



export default async function organisationRoutes(app: FastifyInstance, { services }: { services: Services }) {
  const deps = { organisations: services.repos.organisations, keyStore: services.keyStore, baseUrl: services.config.baseUrl, now: services.now };
  const keysOf = (id: string) => services.repos.organisations.keysOf(id);

  app.post<{ Body: NewOrganisation }>('/orgs', {
    schema: {
      tags: ['organisations'], summary: 'Create an organisation (administrator token) with its keys and DID',
      description: 'A did:web organisation gets an Ed25519 and a P-256 key, both in its DID document; a did:key organisation has one key, its DID, of the keyType chosen here.',
      security: [{ bearer: [] }],
      body: {
        type: 'object', additionalProperties: false, required: ['slug', 'name', 'country', 'kind'],
        properties: {
          slug: { type: 'string', pattern: SLUG_PATTERN, description: 'lowercase letters, digits and hyphens; used in URLs and did:web' },
          name: localisedText,
          country: { type: 'string', pattern: '^[A-Za-z]{2}$', description: 'ISO 3166-1 alpha-2' },
          kind: { type: 'string', enum: [...ORGANISATION_KINDS] },
          didMethod: { type: 'string', enum: [...DID_METHODS], description: 'web (default: did:web served by this service) or key' },
          keyType: { type: 'string', enum: [...KEY_ALGORITHMS], description: 'did:key only: Ed25519 (default, did:key:z6Mk...) or P-256 (did:key:zDn...)' },
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
    return { keys: await Promise.all((await keysOf(organisation.id)).map(publicJwkOf)) };
  });

  app.post<{ Params: { slug: string }; Body: { algorithm?: KeyAlgorithm } }>('/orgs/:slug/keys/rotate', {
    schema: {
      tags: ['organisations'], summary: 'Rotate the signing keys (earlier credentials keep verifying)', params: slugParams, security: [{ bearer: [] }],
      description: 'Without a body, both keys (Ed25519 and P-256) are replaced; {"algorithm": "P-256"} replaces only that one. '
        + 'An organisation with no key of an algorithm yet (created before P-256 keys) gets its first by rotating it.',
      body: {
        type: 'object', additionalProperties: false,
        properties: { algorithm: { type: 'string', enum: [...KEY_ALGORITHMS], description: 'the one key to rotate; default both' } },
      },
    },
    // The body is optional (a rotation of both keys needs none): no body is an empty one, so the schema checks it.
    preValidation: async (request) => { request.body ??= {}; },
  }, async (request) => {
    const principal = principalOf(request);
    const organisation = await requireOrganisation(services.repos.organisations, request.params.slug);
    authorise(principal, organisation, 'admin');
    const { algorithm } = request.body;
    const keys = await rotateKeys({ ...deps, organisations: organisationsActingAs(services, principal.tokenId) }, organisation, algorithm ? [algorithm] : undefined);
    return {
      keys: keys.map((key) => ({ algorithm: key.algorithm, verificationMethod: key.verificationMethod, publicKeyMultibase: key.publicKeyMultibase, createdAt: key.createdAt })),
    };
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
