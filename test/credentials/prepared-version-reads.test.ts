/**
 * The two version reads every verification makes (organisations.keys_version, status_lists.version) are prepared
 * once (Database.prepareSelect). Prepared or not, a read made inside a transaction must run in it: it sees the
 * transaction's own update, and after a rollback the version it had before. On PostgreSQL a statement prepared on
 * the pool would answer from another connection (PASSERELLE_TEST_DATABASE=postgres runs this there).
 */
import t from 'tap';
import { buildTestApp, sqlRows, sqlRun } from '../helpers/app.js';

t.test('keys_version read inside a transaction sees its update, and the old value after a rollback', async (t) => {
  const { services, issuer } = await buildTestApp(t);
  const { did } = await issuer();
  const { organisations } = services.repos;
  const before = await organisations.keysVersionOf(did);
  t.type(before, 'number', 'read outside a transaction');
  await t.rejects(services.database.transaction(async () => {
    // What a key rotation does first (rotateKeys): the rest of a rotation does not matter here.
    await sqlRun(services, 'update organisations set keys_version = keys_version + 1 where did = ?', did);
    t.equal(await organisations.keysVersionOf(did), before! + 1, 'sees its own update');
    throw new Error('roll back');
  }), /roll back/, 'rolled back');
  t.equal(await organisations.keysVersionOf(did), before, 'unchanged after the rollback');
  t.equal(await organisations.keysVersionOf('did:web:nobody.example'), undefined, 'undefined for a DID not hosted here');
});

t.test('a read made elsewhere while a transaction is open never sees its uncommitted update', async (t) => {
  const { services, issuer } = await buildTestApp(t);
  const { did } = await issuer();
  const { organisations } = services.repos;
  const before = await organisations.keysVersionOf(did);
  let updated!: () => void;
  let release!: () => void;
  const didUpdate = new Promise<void>((resolve) => { updated = resolve; });
  const gate = new Promise<void>((resolve) => { release = resolve; });
  const rotation = services.database.transaction(async () => {
    await sqlRun(services, 'update organisations set keys_version = keys_version + 1 where did = ?', did);
    updated();
    await gate;
    throw new Error('roll back');
  });
  await didUpdate;
  // A verification of another request, while the rotation's transaction holds the connection (SQLite) or its row.
  const elsewhere = organisations.keysVersionOf(did);
  release();
  await t.rejects(rotation, /roll back/, 'rolled back');
  t.equal(await elsewhere, before, 'the other read sees the committed version');
});

t.test('a status list version read inside a transaction sees its update, and the old value after a rollback', async (t) => {
  const { app, services, issuer } = await buildTestApp(t);
  const { auth } = await issuer();
  const issued = await app.inject({ method: 'POST', url: '/credentials/issue', headers: auth, payload: { credential: { '@context': ['https://www.w3.org/ns/credentials/v2'], type: ['VerifiableCredential'], credentialSubject: { name: 'x' } }, options: { format: 'eddsa-jcs-2022', issuer: 'organisation' } } });
  t.equal(issued.statusCode, 201, 'issued');
  const [entry] = await services.repos.credentials.statusEntriesOf(issued.json().verifiableCredential.id);
  t.ok(entry, 'has a status entry');
  const { statusLists, credentials } = services.repos;
  const before = await statusLists.version(entry!.listId);
  t.type(before, 'number', 'read outside a transaction');
  await t.rejects(services.database.transaction(async () => {
    await credentials.setStatus(entry!, true, new Date().toISOString());
    t.equal(await statusLists.version(entry!.listId), before! + 1, 'sees its own update');
    throw new Error('roll back');
  }), /roll back/, 'rolled back');
  t.equal(await statusLists.version(entry!.listId), before, 'unchanged after the rollback');
  const [row] = await sqlRows<{ version: number | string }>(services, 'select version from status_lists where id = ?', entry!.listId);
  t.equal(Number(row!.version), before, 'the prepared read agrees with plain SQL');
  t.equal(await statusLists.version('no-such-list'), undefined, 'undefined for an unknown list');
});
