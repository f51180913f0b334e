/**
 * npm run db:copy -- --from <path/to/passerelle.db> [--keys <keys dir>] --to postgres://...
 * Copies a SQLite deployment into an empty PostgreSQL database: every table (src/db/copy.ts), and the private keys and
 * service secrets of the keys folder into the database's sealed_keys table, sealed with PASSERELLE_KEY_SECRET (key
 * files kept in plain text are sealed on the way; encrypted ones must open with that secret). One transaction: the
 * target gets everything or nothing. Both databases are first migrated to this version. Prints the rows per table.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { openDatabase } from '../src/db/client.js';
import { copySqliteToPostgres, type SealedKeyRow } from '../src/db/copy.js';
import { openPostgres } from '../src/db/postgres/connect.js';
import { KeyStore } from '../src/keys/keyStore.js';
import { FileKeyVault } from '../src/keys/fileKeyVault.js';

const USAGE = 'usage: npm run db:copy -- --from <path/to/passerelle.db> [--keys <keys dir>] --to postgres://user:password@host:5432/database';

async function sealedKeysOf(dir: string, secret: string | undefined): Promise<SealedKeyRow[]> {
  if (!fs.existsSync(dir)) throw new Error(`no keys folder ${dir}`);
  const store = new KeyStore(new FileKeyVault(dir), secret);
  const rows: SealedKeyRow[] = [];
  for (const name of fs.readdirSync(dir).filter((file) => file.endsWith('.json')).sort()) {
    const id = name.slice(0, -'.json'.length);
    try {
      rows.push({ id, sealed: await store.sealedForMove(id), createdAt: fs.statSync(path.join(dir, name)).mtime.toISOString() });
    } catch (error) {
      throw new Error(`key ${name}: ${(error as Error).message}`);
    }
  }
  return rows;
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { from: { type: 'string' }, keys: { type: 'string' }, to: { type: 'string' } } });
  if (!values.from || !values.to) throw new Error(USAGE);
  if (!fs.existsSync(values.from)) throw new Error(`no SQLite database at ${values.from}`);
  const secret = process.env.PASSERELLE_KEY_SECRET || undefined;
  const keys = values.keys ? await sealedKeysOf(values.keys, secret) : [];
  const source = openDatabase(values.from);
  try {
    const target = await openPostgres(values.to, { poolSize: 1 });
    const client = await target.pool.connect();
    try {
      const counts = await copySqliteToPostgres(source.sqlite, client, keys);
      const width = Math.max(...counts.map((count) => count.table.length));
      for (const { table, rows } of counts) console.log(`${table.padEnd(width)}  ${rows}`);
      console.log(`copied ${counts.reduce((sum, count) => sum + count.rows, 0)} rows in ${counts.length} tables`);
    } finally {
      client.release();
      await target.close();
    }
  } finally {
    await source.close();
  }
}

try {
  await main();
} catch (error) {
  console.error(`db:copy failed: ${(error as Error).message}`);
  process.exitCode = 1;
}
