import cluster from 'node:cluster';
import fs from 'node:fs';
import { ConfigError, loadConfig, type Config } from './config.js';
import { createServices } from './services.js';
import { sqliteFileOf } from './db/client.js';
import { startWalCheckpoints } from './db/walCheckpoints.js';
import { ensureAdminToken } from './orgs/tokens.js';
import { isSiblingMessage } from './clusterSiblings.js';

/** The primary's message asking a cluster worker to shut down gracefully (see primary()). */
const SHUTDOWN_MESSAGE = 'passerelle:shutdown';

function configOrExit(): Config {
  try {
    return loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
}

function announce(config: Config, generatedAdminToken: string | undefined) {
  const scheme = config.tls ? 'https' : 'http';
  const workers = config.workers > 1 ? ` with ${config.workers} worker processes` : '';
  console.log(`\nPasserelle is listening on ${scheme}://${config.host}:${config.port}${workers} (public base URL ${config.baseUrl})`);
  console.log(`API documentation: ${config.baseUrl}/docs`);
  if (generatedAdminToken) {
    console.log('\nAdministrator token (shown once; set PASSERELLE_ADMIN_TOKEN to choose your own):');
    console.log(`  export ADMIN_TOKEN=${generatedAdminToken}\n`);
  } else if (!config.adminToken) {
    // The token printed at first start has scrolled away by now: say how to get another.
    console.log('Administrator token: the one printed at first start. Lost it? On this machine, with the same environment: npm run admin-token\n');
  }
}

/**
 * Graceful shutdown: on SIGTERM or SIGINT (or the primary's message, for a cluster worker) `close` runs once; the
 * process exits 0 when it is done, or 1 at once on a second signal or when it takes longer than `timeoutMs`.
 */
function closeOnSignal(close: () => Promise<void>, timeoutMs: number, log: (message: string) => void) {
  let closing = false;
  const begin = (reason: string) => {
    if (closing) return;
    closing = true;
    log(`${reason}: closing (at most ${timeoutMs} ms)`);
    setTimeout(() => {
      log(`not closed after ${timeoutMs} ms (PASSERELLE_SHUTDOWN_TIMEOUT_MS): exiting anyway`);
      process.exit(1);
    }, timeoutMs).unref();
    close().then(() => process.exit(0), (error: unknown) => {
      log(`closing failed: ${(error as Error).message}`);
      process.exit(1);
    });
  };
  const onSignal = (signal: NodeJS.Signals) => {
    if (closing) {
      log(`${signal} received again: exiting now`);
      process.exit(1);
    }
    begin(`${signal} received`);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  // A message, not a signal, so that a worker that also got the terminal's Ctrl-C does not count it twice.
  if (cluster.isWorker) process.on('message', (message) => { if (message === SHUTDOWN_MESSAGE) begin('asked by the primary process'); });
}

/**
 * Creates the services and serves HTTP: the whole server with one worker, or one cluster worker of several. Closing
 * the app stops accepting connections and answers the requests in flight; its preClose hook lets the batch runner
 * finish the rows being signed and give back its leases; its onClose hook closes the database.
 */
async function serve(config: Config, onListening: (generatedAdminToken: string | undefined) => void) {
  // Imported here, not at the top: a cluster primary only forks, and need not hold the routes and their libraries.
  const { buildApp } = await import('./app.js');
  const services = await createServices(config);
  const generatedAdminToken = cluster.isPrimary ? await ensureAdminToken(services.repos.tokens, config.adminToken, services.now()) : undefined;
  const app = await buildApp({
    services,
    logger: { level: config.logLevel },
    ...(config.tls ? { https: { cert: fs.readFileSync(config.tls.cert), key: fs.readFileSync(config.tls.key) } } : {}),
  });
  await app.listen({ port: config.port, host: config.host });
  onListening(generatedAdminToken);
  closeOnSignal(() => app.close(), config.shutdownTimeoutMs, (message) => app.log.info(message));
}

/**
 * PASSERELLE_WORKERS > 1: the primary migrates the database and creates the admin token once, then forks that many
 * workers that share the port (node:cluster) and the database. Any worker takes any batch's rows (leases in the
 * database; a batch queued through one worker is passed on to the others at once), and status indexes stay unique
 * across processes: the (list, index) primary key makes a colliding issuer pick again. On SIGTERM or SIGINT the
 * primary asks every worker to close gracefully and exits when they have; a second signal, or the shutdown timeout,
 * kills them.
 */
async function primary(config: Config) {
  const services = await createServices(config);
  const generatedAdminToken = await ensureAdminToken(services.repos.tokens, config.adminToken, services.now());
  await services.close();
  let listening = 0;
  let stopping = false;
  // Every core runs a worker's event loop, so V8's helper threads for garbage collection only take CPU from the other
  // workers, and cost more CPU in all than collecting on the worker's own thread (measured in README "Performance").
  cluster.setupPrimary({ execArgv: [...process.execArgv, '--single-threaded-gc'] });
  // The workers' connections leave the log's checkpoints to this process (src/db/walCheckpoints.ts).
  if (!config.database) {
    const checkpoints = startWalCheckpoints(sqliteFileOf(config), (error) => console.error('WAL checkpoint failed:', error));
    process.once('exit', () => checkpoints.stop());
  }
  const fork = () => {
    const worker = cluster.fork();
    worker.on('listening', () => {
      if (++listening === config.workers) announce(config, generatedAdminToken);
    });
  };
  for (let i = 0; i < config.workers; i++) fork();
  cluster.on('exit', (worker, code, signal) => {
    if (stopping) return;
    console.error(`worker ${worker.process.pid} stopped (${signal ?? `exit code ${code}`}); starting another`);
    listening--;
    // The rows its leases held go back to the others when the leases expire.
    fork();
  });
  const running = () => Object.values(cluster.workers ?? {}).filter((worker) => worker !== undefined);
  // What one worker tells the others (clusterSiblings.ts) passes through here.
  cluster.on('message', (from, message) => {
    if (!isSiblingMessage(message)) return;
    for (const worker of running()) if (worker !== from && worker.isConnected()) worker.send(message);
  });
  const killAll = (why: string) => {
    console.error(`${why}: killing the workers`);
    for (const worker of running()) worker.process.kill('SIGKILL');
    process.exit(1);
  };
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) killAll(`${signal} received again`);
    stopping = true;
    setTimeout(() => killAll(`workers not closed after ${config.shutdownTimeoutMs} ms (PASSERELLE_SHUTDOWN_TIMEOUT_MS)`), config.shutdownTimeoutMs).unref();
    const workers = running();
    let remaining = workers.length;
    if (remaining === 0) process.exit(0);
    for (const worker of workers) {
      worker.once('exit', () => { if (--remaining === 0) process.exit(0); });
      worker.send(SHUTDOWN_MESSAGE);
    }
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}

const config = configOrExit();
if (config.workers > 1 && cluster.isPrimary) await primary(config);
else await serve(config, (token) => { if (cluster.isPrimary) announce(config, token); });
