/**
 * The second half of `npm test`: the suite again, on PostgreSQL (PASSERELLE_TEST_DATABASE=postgres; each app in a
 * schema of its own at PASSERELLE_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/test). Files that never
 * open a database ran in the first half and prove nothing more here; nor do those whose subject is not storage (see
 * STORAGE_INCIDENTAL). When the server cannot be reached this half is
 * skipped, saying how to start it — unless PASSERELLE_REQUIRE_POSTGRES=1 (CI), where that is a failure.
 */
import { spawnSync } from 'node:child_process';
import { postgresSkipReason } from '../test/helpers/postgres.js';

const WITHOUT_DATABASE = [
  'test/config-and-keys.test.ts', 'test/credentials/verify-pool.test.ts', 'test/credentials/w3c-vector.test.ts',
  'test/training/csv.test.ts', 'test/web/catalogs.test.ts',
  // The credential code called directly, with example DIDs and did:key parties, keys in memory.
  'test/credentials/vc-library.test.ts', 'test/credentials/jsonld-patches.test.ts', 'test/credentials/w3c-ecdsa-vectors.test.ts',
  'test/credentials/sd-jwt-rules.test.ts', 'test/credentials/status-encodings.test.ts', 'test/credentials/verification-keys.test.ts',
  'test/credentials/did-resolver.test.ts', 'test/credentials/base58.test.ts', 'test/credentials/compiled-rdf-fallbacks.test.ts',
  'test/wallet/secrets.test.ts', 'test/wallet/credential-text.test.ts', 'test/wallet/holder.test.ts', 'test/wallet/held-skills.test.ts', 'test/keys/key-store-algorithms.test.ts',
  // Pure functions over their arguments.
  'test/trust/credential-claims.test.ts', 'test/trust/scope.test.ts', 'test/statistics/facts.test.ts', 'test/statistics/tables.test.ts',
  'test/training/batch-rows-conventions.test.ts',
  // A SQLite deployment killed and restarted; its PostgreSQL counterpart is test/multi-instance.
  'test/training/batch-resume.test.ts',
  // SQLite deployments stopped by signals (npm start as an operator runs it); the leases given back are the runner's,
  // the same on either engine.
  'test/server/shutdown.test.ts',
  // Three servers on a PostgreSQL database of its own, whichever half runs it: once is enough.
  'test/multi-instance/postgres.test.ts',
  // Copies a SQLite deployment into PostgreSQL: it needs both engines, whichever half runs it.
  'test/db/copy.test.ts',
];

/**
 * Files that store data only to show it: pages in a real browser, page text in four languages, reference data
 * (frameworks, skills). What they read comes through the repositories that the other files exercise on PostgreSQL,
 * so a second run proves nothing about the engine and costs minutes. Hostile text on pages stays (test/web/escaping:
 * what PostgreSQL refuses or changes, such as NUL characters, differs from SQLite), as do the fuzz and status-cache
 * files.
 */
const STORAGE_INCIDENTAL = [
  'test/browser/**', 'test/web/pages.test.ts', 'test/web/recognition-pages.test.ts', 'test/web/form-fields.test.ts',
  'test/frameworks/**', 'test/skills/**', 'test/performance/fast-contexts.test.ts', 'test/performance/verify-off-loop.test.ts',
];

let reason: string | false;
try {
  reason = await postgresSkipReason();
} catch (error) {
  console.error(`PostgreSQL half of the suite: ${(error as Error).message}`);
  process.exit(1);
}
if (reason) {
  console.log(`\nSKIP the PostgreSQL half of the suite: ${reason}\n`);
  process.exit(0);
}
console.log('\nThe suite on PostgreSQL:');
// --exclude replaces the configured exclusions, so they are repeated.
const excluded = [...WITHOUT_DATABASE, ...STORAGE_INCIDENTAL, 'test/helpers/**', 'test/fixtures/**'].flatMap((pattern) => ['--exclude', pattern]);
const run = spawnSync('npx', ['tap', ...excluded, ...process.argv.slice(2)], {
  stdio: 'inherit', env: { ...process.env, PASSERELLE_TEST_DATABASE: 'postgres' },
});
process.exit(run.status ?? 1);
