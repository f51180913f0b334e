import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import { ConfigError, configDocs, loadConfig, projectRoot } from '../src/config.js';
import { KeyStore } from '../src/keys/keyStore.js';
import { FileKeyVault } from '../src/keys/fileKeyVault.js';

t.test('configuration has documented defaults', async (t) => {
  const config = loadConfig({});
  t.equal(config.port, 3000);
  t.equal(config.host, '127.0.0.1');
  t.equal(config.baseUrl, 'http://localhost:3000');
  t.equal(config.resolveRemoteDids, false);
});

t.test('production without a key secret is a start-up error that says what to set', async (t) => {
  t.throws(() => loadConfig({ NODE_ENV: 'production' }), { message: /PASSERELLE_KEY_SECRET/ });
  let thrown: unknown;
  try { loadConfig({ NODE_ENV: 'production' }); } catch (error) { thrown = error; }
  t.ok(thrown instanceof ConfigError, 'a ConfigError, which the server prints without a stack trace');
  t.ok(loadConfig({ NODE_ENV: 'production', PASSERELLE_KEY_SECRET: 'a-long-enough-secret-value' }));
});

t.test('invalid values are all reported together', async (t) => {
  try {
    loadConfig({ PORT: 'eighty', PASSERELLE_BASE_URL: 'not a url', PASSERELLE_ADMIN_TOKEN: 'short' });
    t.fail('should throw');
  } catch (error) {
    t.match((error as Error).message, /PORT/);
    t.match((error as Error).message, /PASSERELLE_BASE_URL/);
    t.match((error as Error).message, /PASSERELLE_ADMIN_TOKEN/);
  }
});

t.test('private keys are written 0600 and encrypted when a secret is set', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'passerelle-keys-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const store = new KeyStore(new FileKeyVault(dir), 'correct horse battery staple');
  const { publicKeyMultibase } = await store.create('k1');
  const file = path.join(dir, 'k1.json');
  t.equal(fs.statSync(file).mode & 0o777, 0o600);
  const stored = JSON.parse(fs.readFileSync(file, 'utf8'));
  t.equal(stored.cipher, 'aes-256-gcm');
  t.equal(stored.kdf, 'scrypt');
  t.notOk('seed' in stored, 'no plaintext seed');
  const loaded = await store.load('k1', 'did:example:org#key-1', 'did:example:org');
  t.equal(loaded.keyPair.publicKeyMultibase, publicKeyMultibase);
  await t.rejects(new KeyStore(new FileKeyVault(dir), 'a different secret value').load('k1', 'did:example:org#key-1', 'did:example:org'), /PASSERELLE_KEY_SECRET differs/);
  await t.rejects(new KeyStore(new FileKeyVault(dir), undefined).load('k1', 'did:example:org#key-1', 'did:example:org'), /set PASSERELLE_KEY_SECRET/);
});

t.test('a key id is never reused: creating it again fails and leaves the first key as it was', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'passerelle-keys-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const store = new KeyStore(new FileKeyVault(dir), undefined);
  const { publicKeyMultibase } = await store.create('k1');
  const before = fs.readFileSync(path.join(dir, 'k1.json'), 'utf8');
  await t.rejects(store.create('k1'), /already exists/);
  t.equal(fs.readFileSync(path.join(dir, 'k1.json'), 'utf8'), before, 'file unchanged');
  t.equal((await store.load('k1', 'did:example:org#key-1', 'did:example:org')).keyPair.publicKeyMultibase, publicKeyMultibase);
  t.same(fs.readdirSync(dir), ['k1.json'], 'no temporary file left');
});

t.test('without PASSERELLE_KEY_SECRET, PostgreSQL mode is refused, saying what to set', async (t) => {
  t.throws(() => loadConfig({ PASSERELLE_DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/test' }), { message: /PASSERELLE_DATABASE_URL needs PASSERELLE_KEY_SECRET/ });
});

t.test('the README documents every configuration variable, and no other', async (t) => {
  const readme = fs.readFileSync(path.join(projectRoot, 'README.md'), 'utf8');
  // Table rows start with the variable in backticks (two variables share a row: `A` / `B`).
  const documented = new Set([...readme.matchAll(/^\| `([A-Z][A-Z_0-9]+)`(?: \/ `([A-Z][A-Z_0-9]+)`)? \|/gm)].flatMap((m) => [m[1]!, ...(m[2] ? [m[2]] : [])]));
  t.same([...documented].sort(), configDocs.map(([name]) => name).sort(), "the tables name configDocs' variables");
});
