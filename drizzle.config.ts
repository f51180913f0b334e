import { defineConfig } from 'drizzle-kit';

export default defineConfig({
  dialect: 'sqlite',
  // One schema file per area (schema.ts for the core, schema-<area>.ts for the others).
  schema: './src/db/schema*.ts',
  out: './src/db/migrations',
});
