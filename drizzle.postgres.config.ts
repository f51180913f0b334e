import { defineConfig } from 'drizzle-kit';

/** The PostgreSQL migrations, generated from the tables derived from the SQLite schema (src/db/postgres/tables.ts). */
export default defineConfig({
  dialect: 'postgresql',
  schema: './src/db/postgres/schema.ts',
  out: './src/db/migrations-postgres',
});
