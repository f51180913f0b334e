import cluster from 'node:cluster';
import fs from 'node:fs';
import { buildApp } from './app.js';
import { ConfigError, loadConfig, type Config } from './config.js';
import { createServices } from './services.js';
import { ensureAdminToken } from './orgs/tokens.js';

/** Set by the primary for each cluster worker: which share of batch rows it issues. */
const WORKER_INDEX_VARIABLE = 'PASSERELLE_WORKER_INDEX';

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
  }
}

/** Creates the services and serves HTTP: the whole server with one worker, or one cluster worker of several. */
async function serve(config: Config, onListening: (generatedAdminToken: string | undefined) => void) {
  const services = await createServices(config);
  const generatedAdminToken = cluster.isPrimary ? await ensureAdminToken(services.repos.tokens, config.adminToken, services.now()) : undefined;
  // Each cluster worker issues its own share of every batch's rows; the primary numbers them (see primary()).
  const workerIndex = process.env[WORKER_INDEX_VARIABLE];
  const app = await buildApp({
    services,
    logger: { level: config.logLevel },
    ...(workerIndex !== undefined ? { batchShare: { index: Number(workerIndex), count: config.workers } } : {}),
    ...(config.tls ? { https: { cert: fs.readFileSync(config.tls.cert), key: fs.readFileSync(config.tls.key) } } : {}),
  });
  await app.listen({ port: config.port, host: config.host });
  onListening(generatedAdminToken);
  const shutdown = async (signal: string) => {
    app.log.info(`${signal} received, closing`);
    await app.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
}

/**
 * PASSERELLE_WORKERS > 1: the primary migrates the database and creates the admin token once, then forks that many
 * workers that share the port (node:cluster) and the SQLite database (WAL, busy timeout). Status indexes stay unique
 * across processes: the (list, index) primary key makes a colliding issuer pick again.
 */
async function primary(config: Config) {
  const services = await createServices(config);
  const generatedAdminToken = await ensureAdminToken(services.repos.tokens, config.adminToken, services.now());
  await services.close();
  let listening = 0;
  let stopping = false;
  const indexOf = new Map<number, number>();
  const fork = (index: number) => {
    const worker = cluster.fork({ [WORKER_INDEX_VARIABLE]: String(index) });
    indexOf.set(worker.id, index);
    worker.on('listening', () => {
      if (++listening === config.workers) announce(config, generatedAdminToken);
    });
  };
  for (let i = 0; i < config.workers; i++) fork(i);
  cluster.on('exit', (worker, code, signal) => {
    if (stopping) return;
    console.error(`worker ${worker.process.pid} stopped (${signal ?? `exit code ${code}`}); starting another`);
    listening--;
    // The replacement takes over the same share of batch rows.
    fork(indexOf.get(worker.id)!);
  });
  const shutdown = (signal: NodeJS.Signals) => {
    stopping = true;
    const workers = Object.values(cluster.workers ?? {});
    let remaining = workers.length;
    if (remaining === 0) process.exit(0);
    for (const worker of workers) {
      worker?.once('exit', () => { if (--remaining === 0) process.exit(0); });
      worker?.process.kill(signal);
    }
  };
  process.once('SIGINT', () => shutdown('SIGINT'));
  process.once('SIGTERM', () => shutdown('SIGTERM'));
}

const config = configOrExit();
if (config.workers > 1 && cluster.isPrimary) await primary(config);
else await serve(config, (token) => { if (cluster.isPrimary) announce(config, token); });
