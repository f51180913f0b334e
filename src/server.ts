import fs from 'node:fs';
import { buildApp } from './app.js';
import { ConfigError, loadConfig } from './config.js';
import { createServices } from './services.js';
import { ensureAdminToken } from './orgs/tokens.js';

async function main() {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
  const services = createServices(config);
  const generatedAdminToken = ensureAdminToken(services.repos.tokens, config.adminToken, services.now());
  const app = await buildApp({
    services,
    logger: { level: config.logLevel },
    ...(config.tls ? { https: { cert: fs.readFileSync(config.tls.cert), key: fs.readFileSync(config.tls.key) } } : {}),
  });
  await app.listen({ port: config.port, host: config.host });
  const scheme = config.tls ? 'https' : 'http';
  console.log(`\nPasserelle is listening on ${scheme}://${config.host}:${config.port} (public base URL ${config.baseUrl})`);
  console.log(`API documentation: ${config.baseUrl}/docs`);
  if (generatedAdminToken) {
    console.log('\nAdministrator token (shown once; set PASSERELLE_ADMIN_TOKEN to choose your own):');
    console.log(`  export ADMIN_TOKEN=${generatedAdminToken}\n`);
  }
  const shutdown = async (signal: string) => {
    app.log.info(`${signal} received, closing`);
    await app.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
}

await main();
