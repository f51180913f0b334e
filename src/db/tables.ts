import * as core from './schema.js';
import * as wallet from './schema-wallet.js';
import * as training from './schema-training.js';
import * as audit from './schema-audit.js';
import * as trust from './schema-trust.js';
import * as assessment from './schema-assessment.js';
import * as statistics from './schema-statistics.js';
import * as presentations from './schema-presentations.js';
import * as oid4vci from './schema-oid4vci.js';

/** Every table, as described once (in SQLite terms); src/db/postgres derives the PostgreSQL tables from these. */
export const sqliteTables = {
  ...core, ...wallet, ...training, ...audit, ...trust, ...assessment, ...statistics, ...presentations, ...oid4vci,
};
