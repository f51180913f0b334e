/**
 * Fails loudly, outside production, when a request has changed a built-in prototype.
 *
 * A property added to Object.prototype by one request (prototype pollution) changes how every later request behaves,
 * far from its cause: ajv reports "additional properties" on every body, libraries take inherited keys for data. The
 * guard snapshots the own members of the built-ins that such bugs reach, compares after each response, and from the
 * first change on logs the request that caused it and answers every further request 500 `prototype-polluted` naming
 * the change, so that a test or a development server cannot carry on with a poisoned process unnoticed.
 * Production does not run it: refusing all traffic there would turn one bad request into an outage.
 */
import type { FastifyInstance } from 'fastify';
import { AppError } from '../errors.js';
import { builtinChanges, snapshotBuiltins } from '../builtinSnapshot.js';

export function registerPrototypeGuard(app: FastifyInstance, options: { enabled: boolean }): void {
  if (!options.enabled) return;
  const snapshot = snapshotBuiltins();
  let polluted: { changes: string[]; by: string } | undefined;
  // Callback hooks, not async ones: they run on every request, and a promise each costs more than the check.
  app.addHook('onRequest', (_request, _reply, done) => {
    if (!polluted) return done();
    done(new AppError('prototype-polluted', 500, `Built-in prototypes were changed by ${polluted.by} (${polluted.changes.join(', ')}); restart the process and fix the code path`));
  });
  app.addHook('onResponse', (request, _reply, done) => {
    if (!polluted) {
      const changes = builtinChanges(snapshot);
      if (changes.length > 0) {
        polluted = { changes, by: `${request.method} ${request.routeOptions.url ?? request.url}` };
        request.log.error({ changes }, `prototype pollution after ${polluted.by}`);
      }
    }
    done();
  });
}
