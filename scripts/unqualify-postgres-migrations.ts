/**
 * Run by `npm run db:generate` after drizzle-kit: drizzle-kit writes every foreign key of an unqualified table as
 * REFERENCES "public"."table". The service's tables live in whichever schema the connection's search_path names (a
 * deployment may choose one; each test file has its own), so the committed migrations name no schema: this removes
 * the "public". qualifier from the generated SQL files and says which files it changed.
 */
import fs from 'node:fs';
import path from 'node:path';
import { projectRoot } from '../src/config.js';

const folder = path.join(projectRoot, 'src', 'db', 'migrations-postgres');

for (const file of fs.readdirSync(folder).filter((name) => name.endsWith('.sql'))) {
  const target = path.join(folder, file);
  const sql = fs.readFileSync(target, 'utf8');
  const unqualified = sql.replaceAll('"public".', '');
  if (unqualified !== sql) {
    fs.writeFileSync(target, unqualified);
    console.log(`${file}: removed the "public" schema qualifier`);
  }
}
