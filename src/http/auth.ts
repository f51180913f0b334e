import type { FastifyRequest } from 'fastify';
import type { Services } from '../services.js';
import { authenticate, type Principal } from '../orgs/tokens.js';

export function principalOf(services: Services, request: FastifyRequest): Principal {
  return authenticate(services.repos.tokens, request.headers.authorization, services.now());
}
