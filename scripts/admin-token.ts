/**
 * Mints a new administrator token, for whoever runs the service and lost the one printed at first start. It writes to
 * the service's own database (the same PASSERELLE_DATA_DIR, or PASSERELLE_DATABASE_URL, as `npm start`), so it only
 * works on the server's machine, with its configuration: access to that database is already full control.
 *
 *   npm run admin-token [-- --label "lost laptop, 2026-12-01"]
 *
 * The service need not be stopped. Earlier tokens keep working; the new one is printed once.
 */
import os from 'node:os';
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../src/config.js';
import { createServices } from '../src/services.js';
import { createToken } from '../src/orgs/tokens.js';

const { values } = parseArgs({ options: { label: { type: 'string' }, help: { type: 'boolean', short: 'h' } } });
if (values.help) {
  process.stdout.write('usage: npm run admin-token [-- --label TEXT]   (run on the server, with its environment)\n');
  process.exit(0);
}
let config;
try {
  config = loadConfig();
} catch (error) {
  if (error instanceof ConfigError) {
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
  throw error;
}
const services = await createServices(config);
try {
  const now = services.now();
  const label = values.label ?? `npm run admin-token on ${os.hostname()} at ${now.toISOString()}`;
  const { secret } = await createToken(services.repos.tokens, { organisationId: null, scopes: ['admin'], expiresInSeconds: null, label, now });
  process.stdout.write(`New administrator token for ${config.baseUrl} (shown once; "${label}"):\n  export ADMIN_TOKEN=${secret}\n`);
} finally {
  await services.close();
}
