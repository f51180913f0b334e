import type { FastifyInstance, FastifyRequest, RouteOptions } from 'fastify';
import type { Services } from '../services.js';
import { authenticate, type Principal } from '../orgs/tokens.js';

/** Each request's principal, authenticated once, in onRequest, by routes that declare bearer security. */
const principals = new WeakMap<FastifyRequest, Principal>();

/** The principal authenticated in onRequest (see authenticateBeforeBody): only for routes that declare bearer security. */
export function principalOf(request: FastifyRequest): Principal {
  const principal = principals.get(request);
  if (!principal) throw new Error(`${request.routeOptions.url ?? request.url} reads a principal but does not declare bearer security`);
  return principal;
}

const needsBearer = (route: RouteOptions) =>
  (route.schema as { security?: Array<Record<string, unknown>> } | undefined)?.security?.some((requirement) => 'bearer' in requirement) ?? false;

/**
 * Routes whose schema declares bearer security authenticate in onRequest, first of their hooks: before the body is
 * read, parsed and validated, so that a request without a valid token gets 401 and learns nothing about the schema,
 * and an anonymous client cannot make the server read a large body. Authorisation (organisation, scope) stays in the
 * handlers. Register before the routes.
 */
export function authenticateBeforeBody(app: FastifyInstance, services: Services): void {
  app.addHook('onRoute', (route) => {
    if (!needsBearer(route)) return;
    const authenticateRequest = async (request: FastifyRequest) => {
      principals.set(request, await authenticate(services.repos.tokens, request.headers.authorization, services.now()));
    };
    const existing = route.onRequest === undefined ? [] : Array.isArray(route.onRequest) ? route.onRequest : [route.onRequest];
    route.onRequest = [authenticateRequest, ...existing] as RouteOptions['onRequest'];
  });
}
