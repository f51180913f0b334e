import Fastify, { type FastifyInstance } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { Services } from './services.js';
import { clientErrorHandler, drainOversizedBody, errorHandler, frameworkErrorHandler, notFoundHandler } from './http/problems.js';
import { authenticateBeforeBody } from './http/auth.js';
import organisationRoutes from './routes/orgs.js';
import credentialRoutes from './routes/credentials.js';
import statusListRoutes from './routes/status.js';
import metaRoutes from './routes/meta.js';
import skillRoutes from './routes/skills.js';
import frameworkRoutes from './routes/frameworks.js';
import walletRoutes from './routes/wallet.js';
import pageRoutes from './routes/pages.js';
import { withRedactedUrls } from './web/logging.js';
import achievementRoutes from './routes/achievements.js';
import batchRoutes from './routes/batches.js';
import auditRoutes from './routes/audit.js';
import accreditationRoutes from './routes/accreditations.js';
import assessmentRoutes from './routes/assessments.js';
import statisticsRoutes from './routes/statistics.js';
import presentationRequestRoutes from './routes/oid4vp.js';
import oid4vciRoutes from './routes/oid4vci.js';
import { registerPrototypeGuard } from './http/prototypeGuard.js';
import { refuseMalformedText } from './http/wellFormedJson.js';
import { OneLinePerRequest } from './http/requestLog.js';

export interface AppOptions {
  services: Services;
  logger?: boolean | { level: string };
  https?: { cert: Buffer; key: Buffer };
}

/** 1 MB: a signed credential with evidence is a few KB; this bounds hostile bodies without refusing real ones. */
export const BODY_LIMIT_BYTES = 1024 * 1024;

/** Builds the HTTP application around already-created services. It never listens: server.ts and tests decide that. */
export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const { http: limits, trustProxy } = options.services.config;
  // Node checks request and headers timeouts only every connectionsCheckingInterval (30 s by default): check each second.
  const serverTimeouts = { headersTimeout: limits.headersTimeoutMs, connectionsCheckingInterval: Math.min(1000, limits.headersTimeoutMs) };
  const app = Fastify({
    logger: withRedactedUrls(options.logger ?? false),
    logController: new OneLinePerRequest(),
    bodyLimit: BODY_LIMIT_BYTES,
    ...(options.https ? { https: { ...options.https, ...serverTimeouts } } : { http: serverTimeouts }),
    requestTimeout: limits.requestTimeoutMs,
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    connectionTimeout: limits.connectionTimeoutMs,
    // A hop count as a function (what fastify does with a number, which its types do not accept).
    trustProxy: typeof trustProxy === 'number' ? (_address: string, hop: number) => hop < trustProxy : trustProxy,
    // Validation must never change a credential: no coercion, no defaults, nothing removed (any of these breaks proofs).
    frameworkErrors: frameworkErrorHandler,
    clientErrorHandler,
    ajv: { customOptions: { allowUnionTypes: true, coerceTypes: false, useDefaults: false, removeAdditional: false, allErrors: true } },
  }) as unknown as FastifyInstance;
  // Beyond this many open connections the server refuses new ones instead of running out of file descriptors.
  app.server.maxConnections = limits.maxConnections;
  // JSON only: a text/plain body would otherwise reach the routes as a string.
  app.removeContentTypeParser('text/plain');
  app.setErrorHandler(errorHandler);
  app.setNotFoundHandler(notFoundHandler);
  app.addHook('onError', drainOversizedBody);
  // JSON too: a browser must never guess a response is HTML or script. A callback hook: an async one costs a promise per request.
  app.addHook('onSend', (_request, reply, payload, done) => {
    reply.header('x-content-type-options', 'nosniff');
    done(null, payload);
  });
  authenticateBeforeBody(app, options.services);
  registerPrototypeGuard(app, { enabled: !options.services.config.production });
  refuseMalformedText(app);

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Passerelle',
        version: '0.1.0',
        description: 'Verifiable skills credentials for circular labour migration: organisations and their DIDs, issuance and verification (VC-API), Bitstring status lists.',
      },
      servers: [{ url: options.services.config.baseUrl }],
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });

  const routeOptions = { services: options.services };
  await app.register(metaRoutes, routeOptions);
  await app.register(organisationRoutes, routeOptions);
  await app.register(credentialRoutes, routeOptions);
  await app.register(statusListRoutes, routeOptions);
  await app.register(skillRoutes);
  await app.register(frameworkRoutes, { baseUrl: options.services.config.baseUrl });
  await app.register(walletRoutes, routeOptions);
  await app.register(pageRoutes, routeOptions);
  await app.register(achievementRoutes, routeOptions);
  await app.register(batchRoutes, routeOptions);
  await app.register(auditRoutes, routeOptions);
  await app.register(accreditationRoutes, routeOptions);
  await app.register(assessmentRoutes, routeOptions);
  await app.register(statisticsRoutes, routeOptions);
  await app.register(presentationRequestRoutes, routeOptions);
  await app.register(oid4vciRoutes, routeOptions);

  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  app.addHook('onClose', async () => options.services.close());
  return app;
}
