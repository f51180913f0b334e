/**
 * OpenID for Verifiable Credential Issuance 1.0 (pre-authorized code flow): each organisation is a credential issuer
 * at <base>/orgs/<slug>, with its metadata under /.well-known and its token, nonce and credential endpoints. The
 * endpoints answer in the protocol's error format ({"error", "error_description"}), not problem+json.
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Oauth2ServerErrorResponseError } from '@openid4vc/oauth2';
import type { Services } from '../services.js';
import { AppError } from '../errors.js';
import { errorHandler } from '../http/problems.js';

const slugParam = { type: 'object', properties: { slug: { type: 'string', minLength: 1, maxLength: 100 } } } as const;
/** A token request is a handful of short fields; a credential request a few proofs (batch_size 10) of about 1 KB. */
const TOKEN_BODY_LIMIT = 8 * 1024;
const CREDENTIAL_BODY_LIMIT = 64 * 1024;
const PROTOCOL_ERRORS = 'Errors in the OAuth 2.0 format {"error", "error_description"}';

const oauthError = { type: 'object', properties: { error: { type: 'string' }, error_description: { type: 'string' } } } as const;

/** A url-encoded form as a plain object; a repeated field is refused (RFC 6749 §3.2: parameters appear at most once). */
function formOf(text: string): Record<string, string> {
  const form: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const [key, value] of new URLSearchParams(text)) {
    if (key in form) throw new Oauth2ServerErrorResponseError({ error: 'invalid_request', error_description: `The parameter "${key}" appears more than once` });
    form[key] = value;
  }
  return form;
}

function headersOf(request: FastifyRequest): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(request.headers)) {
    if (typeof value === 'string') headers.set(name, value);
    else if (Array.isArray(value)) for (const item of value) headers.append(name, item);
  }
  return headers;
}

function protocolErrorHandler(error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  const isProtocolEndpoint = request.url.includes('/oid4vci/');
  let status: number;
  let body: { error: string; error_description: string };
  if (error instanceof Oauth2ServerErrorResponseError) {
    status = error.status;
    body = { error: error.errorResponse.error, error_description: error.errorResponse.error_description ?? error.errorResponse.error };
    const retryAfter = (error as { retryAfterSeconds?: unknown }).retryAfterSeconds;
    if (typeof retryAfter === 'number') reply.header('retry-after', String(retryAfter));
  } else if (isProtocolEndpoint && (error.validation || (error instanceof AppError && error.status < 500) || (error.statusCode !== undefined && error.statusCode < 500))) {
    status = error instanceof AppError ? error.status : error.statusCode ?? 400;
    body = { error: 'invalid_request', error_description: error instanceof AppError ? error.detail : error.message };
  } else {
    return errorHandler(error, request, reply);
  }
  if (body.error === 'invalid_token') reply.header('www-authenticate', `Bearer error="invalid_token", error_description="${body.error_description.replace(/["\\]/g, '')}"`);
  return reply.status(status).header('cache-control', 'no-store').send(body);
}

export default async function oid4vciRoutes(app: FastifyInstance, { services }: { services: Services }) {
  const issuer = services.oid4vci;
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: TOKEN_BODY_LIMIT }, (_request, body, done) => {
    try {
      done(null, formOf(body as string));
    } catch (error) {
      done(error as Error, undefined);
    }
  });
  app.setErrorHandler(protocolErrorHandler);
  const noStore = (reply: FastifyReply) => reply.header('cache-control', 'no-store');

  app.get<{ Params: { slug: string } }>('/.well-known/openid-credential-issuer/orgs/:slug', {
    schema: { tags: ['oid4vci'], summary: 'Credential issuer metadata of an organisation (OpenID4VCI 1.0 §12.2)', params: slugParam },
  }, async (request) => issuer.credentialIssuerMetadata(await issuer.organisation(request.params.slug)));

  app.get<{ Params: { slug: string } }>('/.well-known/oauth-authorization-server/orgs/:slug', {
    schema: { tags: ['oid4vci'], summary: 'Authorization server metadata of an organisation\'s credential issuer (RFC 8414)', params: slugParam },
  }, async (request) => issuer.authorizationServerMetadata(await issuer.organisation(request.params.slug)));

  app.post<{ Params: { slug: string }; Body: unknown }>('/orgs/:slug/oid4vci/token', {
    bodyLimit: TOKEN_BODY_LIMIT,
    schema: {
      tags: ['oid4vci'], summary: 'Token endpoint: a pre-authorized code (and its tx_code) for an access token',
      description: `${PROTOCOL_ERRORS}: 400 invalid_request, invalid_grant (unknown, used or expired code, wrong tx_code), unsupported_grant_type; 429 invalid_grant after too many failed attempts.`,
      params: slugParam,
      consumes: ['application/x-www-form-urlencoded'],
      response: { 400: oauthError },
    },
  }, async (request, reply) => {
    noStore(reply);
    return issuer.token(request.params.slug, { body: request.body ?? {}, headers: headersOf(request), url: `${services.config.baseUrl}${request.url}`, client: request.ip });
  });

  app.post<{ Params: { slug: string } }>('/orgs/:slug/oid4vci/nonce', {
    schema: { tags: ['oid4vci'], summary: 'Nonce endpoint: a fresh c_nonce for the proofs of a credential request', params: slugParam },
  }, async (request, reply) => {
    noStore(reply);
    return issuer.nonce(request.params.slug);
  });

  app.post<{ Params: { slug: string }; Body: unknown }>('/orgs/:slug/oid4vci/credential', {
    bodyLimit: CREDENTIAL_BODY_LIMIT,
    schema: {
      tags: ['oid4vci'], summary: 'Credential endpoint: the offered credential, one copy per proof, each bound to the proof\'s key',
      description: `${PROTOCOL_ERRORS}: 401 invalid_token; 400 invalid_credential_request, unknown_credential_configuration, invalid_proof, invalid_nonce, credential_request_denied.`,
      params: slugParam,
      response: { 400: oauthError, 401: oauthError },
    },
  }, async (request, reply) => {
    noStore(reply);
    return issuer.credential(request.params.slug, { authorization: request.headers.authorization, body: request.body });
  });
}
