/**
 * The floor of any HTTP layer here, for the target "HTTP verify with one worker within 15% of in-process verify": the
 * service's own `verifyCredential` behind a bare fastify route (fastify's default JSON parser, no hooks, no logging,
 * the result as the reply), on the same database and keys as the real server, with the proofs checked as the server's
 * requests have them checked (requestVerifyDeps: with one worker process, on the pool's threads). The bench drives it
 * exactly as it drives src/server.ts; what it costs above in-process verify is fastify, Node's HTTP and the kernel's
 * loopback TCP (the reply's `writev` alone took about 17% of this server's CPU in a profile of 2026-12-02), which no
 * code of the service can remove. Its ratio to in-process verify is the ceiling the HTTP target is read against.
 */
import Fastify from 'fastify';
import { loadConfig } from '../../src/config.js';
import { verifyCredential } from '../../src/credentials/verify.js';
import { createServices } from '../../src/services.js';

const config = loadConfig(process.env);
const services = await createServices(config);
const app = Fastify({ logger: false });
app.post('/credentials/verify', async (request) => verifyCredential(services.requestVerifyDeps, (request.body as { verifiableCredential: unknown }).verifiableCredential));
await app.listen({ port: config.port, host: config.host });
process.once('SIGTERM', async () => {
  await app.close();
  await services.close();
  process.exit(0);
});
console.log('bare fastify verify is listening');
