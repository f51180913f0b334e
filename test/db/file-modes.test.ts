import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import { openDatabase } from '../../src/db/client.js';

const modeOf = (file: string) => (fs.statSync(file).mode & 0o777).toString(8);

t.test('the data folder is created 0700 and the database, WAL and SHM files 0600', async (t) => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'passerelle-modes-'));
  t.teardown(() => fs.rmSync(root, { recursive: true, force: true }));
  const previous = process.umask(0o022);
  t.teardown(() => { process.umask(previous); });
  const file = path.join(root, 'data', 'passerelle.db');
  const db = openDatabase(file);
  db.sqlite.exec('create table probe (x); insert into probe values (1)');
  t.equal(modeOf(path.dirname(file)), '700', 'data folder');
  for (const name of [file, `${file}-wal`, `${file}-shm`]) t.equal(modeOf(name), '600', path.basename(name));
  db.sqlite.close();
});

t.test('a folder and database left readable by others are narrowed, with a warning', async (t) => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'passerelle-modes-'));
  t.teardown(() => fs.rmSync(root, { recursive: true, force: true }));
  const dir = path.join(root, 'data');
  fs.mkdirSync(dir, { mode: 0o755 });
  fs.chmodSync(dir, 0o755);
  const file = path.join(dir, 'passerelle.db');
  fs.writeFileSync(file, '');
  fs.chmodSync(file, 0o644);
  const warnings: string[] = [];
  const onWarning = (warning: Error & { code?: string }) => { if (warning.code === 'PASSERELLE_FILE_MODE') warnings.push(warning.message); };
  process.on('warning', onWarning);
  t.teardown(() => { process.off('warning', onWarning); });
  openDatabase(file).sqlite.close();
  await new Promise((resolve) => setImmediate(resolve));
  t.equal(modeOf(dir), '700');
  t.equal(modeOf(file), '600');
  t.equal(warnings.length, 2, 'one warning per narrowed path');
  t.match(warnings[0], /mode 755.*700/);
});
