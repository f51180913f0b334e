import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import { loadConfig } from '../../src/config.js';
import { createServices, type Services } from '../../src/services.js';
import { openDatabase } from '../../src/db/client.js';
import { createRepositories } from '../../src/db/repositories/index.js';
import {
  ADMIN_TOKEN, BASE_URL, buildTestApps, openBadgeCredential, openTestDatabase, sqlRows, testDatabaseEngine, type TestApp,
} from '../helpers/app.js';
import { testPostgresUrl } from '../helpers/postgres.js';
import { claimIntoNewWallet, createShare, issueFor, JSON_ACCEPT, pathOf } from '../helpers/wallet.js';

type Json = Record<string, any>;

async function issueOn(ctx: TestApp, auth: Json): Promise<Json> {
  const response = await ctx.app.inject({ method: 'POST', url: '/credentials/issue', headers: auth, payload: { credential: openBadgeCredential(), options: { issuer: 'organisation' } } });
  if (response.statusCode !== 201) throw new Error(`issue failed: ${response.body}`);
  return response.json().verifiableCredential as Json;
}

const verifiedOn = async (ctx: TestApp, verifiableCredential: Json) =>
  (await ctx.app.inject({ method: 'POST', url: '/credentials/verify', payload: { verifiableCredential } })).json().verified as boolean;

/** What the deployment's vault holds, as text per key id: rows of sealed_keys (PostgreSQL) or files (SQLite). */
async function storedKeys(services: Services): Promise<Map<string, string>> {
  if (services.config.database) {
    const rows = await sqlRows<{ id: string; sealed: unknown }>(services, 'select id, sealed from sealed_keys');
    return new Map(rows.map((row) => [row.id, typeof row.sealed === 'string' ? row.sealed : JSON.stringify(row.sealed)]));
  }
  const dir = services.config.keysDir;
  return new Map(fs.readdirSync(dir).map((file) => [path.basename(file, '.json'), fs.readFileSync(path.join(dir, file), 'utf8')]));
}

t.test('a key created through one instance signs through another', async (t) => {
  const [first, second] = await buildTestApps(t, 2);
  const { auth } = await first!.issuer();
  const vc = await issueOn(second!, auth);
  t.match(vc.proof.verificationMethod, /#key-1$/, 'signed with the key made on the first');
  t.equal(await verifiedOn(first!, vc), true, 'verifies on the first');
});

t.test('a rotation on one instance is used by the next issuance on another', async (t) => {
  const [first, second] = await buildTestApps(t, 2);
  const { auth, slug } = await first!.issuer();
  const before = await issueOn(second!, auth);
  const rotate = await first!.app.inject({ method: 'POST', url: `/orgs/${slug}/keys/rotate`, headers: first!.admin });
  t.equal(rotate.statusCode, 200, 'rotated');
  const after = await issueOn(second!, auth);
  const newEd25519 = rotate.json().keys.find((key: { algorithm: string }) => key.algorithm === 'Ed25519');
  t.equal(after.proof.verificationMethod, newEd25519.verificationMethod, 'new key on the other instance');
  t.not(after.proof.verificationMethod, before.proof.verificationMethod);
  t.equal(await verifiedOn(first!, after), true, 'new verifies');
  t.equal(await verifiedOn(second!, before), true, 'old verifies');
});

t.test('a named secret asked for by several instances at once is one secret', async (t) => {
  const apps = await buildTestApps(t, 3);
  for (const name of ['secret-a', 'secret-b', 'secret-c']) {
    const secrets = await Promise.all(apps.flatMap(({ services }) => [services.keyStore.namedSecret(name), services.keyStore.namedSecret(name)]));
    t.equal(new Set(secrets.map((secret) => secret.toString('hex'))).size, 1, `${name}: one value`);
  }
  const again = await apps[0]!.services.keyStore.namedSecret('secret-a');
  t.same(again, await apps[2]!.services.keyStore.namedSecret('secret-a'), 'the same later');
});

t.test('share presentations from any instance are signed by one service key', async (t) => {
  const [first, second] = await buildTestApps(t, 2);
  const { auth } = await first!.issuer();
  const { claimOffer } = await issueFor(first!, auth);
  const walletPath = await claimIntoNewWallet(second!, claimOffer.url);
  const credentials = (await second!.app.inject({ method: 'GET', url: walletPath, headers: JSON_ACCEPT })).json().credentials as Json[];
  const { body } = await createShare(first!, walletPath, { credentials: [credentials[0]!.id] });
  const presentations = await Promise.all([first!, second!, first!, second!].map(async (ctx) =>
    (await ctx.app.inject({ method: 'GET', url: `${pathOf(body.url)}?challenge=c`, headers: JSON_ACCEPT })).json() as Json));
  t.equal(new Set(presentations.map((vp) => vp.holder)).size, 1, 'one holder DID');
  const verified = await first!.app.inject({ method: 'POST', url: '/presentations/verify', payload: { verifiablePresentation: presentations[1], options: { challenge: 'c' } } });
  t.equal(verified.json().verified, true, 'presentation from the second verifies on the first');
});

t.test('stored keys are sealed: no plain seed in what the vault holds', async (t) => {
  const [first, second] = await buildTestApps(t, 2);
  const { slug } = await first!.issuer();
  const organisation = (await first!.services.repos.organisations.bySlug(slug))!;
  const [key] = await first!.services.repos.organisations.keysOf(organisation.id);
  const signing = await second!.services.keyStore.load(key!.id, key!.verificationMethod, organisation.did);
  const seed = signing.privateKey.export({ format: 'jwk' }).d!;
  const stored = await storedKeys(first!.services);
  t.equal(testDatabaseEngine === 'postgres' ? 'database' : 'files', first!.services.config.database ? 'database' : 'files', 'the vault of the engine');
  t.ok(stored.has(key!.id), 'the organisation key is stored');
  t.ok(stored.has('batch-claim-codes'), 'the claim-code secret is stored');
  for (const [id, text] of stored) {
    const sealed = JSON.parse(text) as Json;
    t.equal(sealed.cipher, 'aes-256-gcm', `${id} encrypted`);
    t.notOk('seed' in sealed, `${id} has no seed`);
  }
  t.notMatch(stored.get(key!.id)!, seed, 'the seed does not appear');
});

t.test('keys kept in the database need PASSERELLE_KEY_SECRET: refused at start-up, saying so', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'passerelle-nosecret-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const base = loadConfig({ PASSERELLE_BASE_URL: BASE_URL, PASSERELLE_DATA_DIR: dir, PASSERELLE_KEYS_DIR: path.join(dir, 'keys'), PASSERELLE_ADMIN_TOKEN: ADMIN_TOKEN });
  // A configuration loadConfig itself refuses (see test/config-and-keys.test.ts), as a tool could build it by hand.
  const config = { ...base, database: { url: testPostgresUrl, poolSize: 2 }, keySecret: undefined };
  const database = (await openTestDatabase(t)) ?? openDatabase(path.join(dir, 'passerelle.db'));
  t.teardown(() => database.close());
  await t.rejects(createServices(config, undefined, database), { message: /keys kept in the database are encrypted: set PASSERELLE_KEY_SECRET/ });
  t.equal(await createRepositories(database).sealedKeys.get('batch-claim-codes'), undefined, 'nothing stored in plain text');
});
