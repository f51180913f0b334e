/**
 * Verification keeps DID documents (per organisations.keys_version) and key objects (per verification method)
 * between requests (src/credentials/didResolver.ts, verificationKeys.ts). Whatever changes the issuer's state must be
 * seen by the very next verification: on the instance that made the change, and on another instance sharing the
 * database (two apps on one SQLite file, or on one PostgreSQL schema with PASSERELLE_TEST_DATABASE=postgres).
 */
import t from 'tap';
import { buildTestApps, openBadgeCredential, type TestApp } from '../helpers/app.js';

type Json = Record<string, any>;
const FORMATS = ['eddsa-rdfc-2022', 'eddsa-jcs-2022', 'ecdsa-rdfc-2019', 'ecdsa-jcs-2019', 'vc+jwt'] as const;

async function issueOn(ctx: TestApp, auth: Json, format: string): Promise<Json> {
  const response = await ctx.app.inject({ method: 'POST', url: '/credentials/issue', headers: auth, payload: { credential: openBadgeCredential(), options: { format, issuer: 'organisation' } } });
  if (response.statusCode !== 201) throw new Error(`issue failed: ${response.body}`);
  return response.json().verifiableCredential as Json;
}

async function verifyOn(ctx: TestApp, verifiableCredential: Json): Promise<{ verified: boolean; checks: Json[] }> {
  return (await ctx.app.inject({ method: 'POST', url: '/credentials/verify', payload: { verifiableCredential } })).json();
}

const checkOf = (result: { checks: Json[] }, id: string) => result.checks.find((c) => c.id === id);

t.test('a key rotation is seen by the next verification, on the same instance and on another', async (t) => {
  const [first, second] = await buildTestApps(t, 2);
  const { auth, slug } = await first!.issuer();
  const before = new Map<string, Json>();
  for (const format of FORMATS) {
    before.set(format, await issueOn(first!, auth, format));
    // Both instances now keep the DID document with the first key only.
    t.equal((await verifyOn(first!, before.get(format)!)).verified, true, `${format}: verifies on the first`);
    t.equal((await verifyOn(second!, before.get(format)!)).verified, true, `${format}: verifies on the second`);
  }
  const rotate = await second!.app.inject({ method: 'POST', url: `/orgs/${slug}/keys/rotate`, headers: second!.admin });
  t.equal(rotate.statusCode, 200, 'rotated on the second');
  for (const format of FORMATS) {
    const after = await issueOn(first!, auth, format);
    for (const [name, ctx] of [['first', first!], ['second', second!]] as const) {
      const result = await verifyOn(ctx, after);
      t.equal(result.verified, true, `${format}: new key verifies on the ${name}`);
      t.equal(checkOf(result, 'issuer')?.valid, true, `${format}: new key authorised on the ${name}`);
      t.equal((await verifyOn(ctx, before.get(format)!)).verified, true, `${format}: retired key still verifies on the ${name}`);
    }
  }
});

t.test('a revocation is seen by the next verification, on the same instance and on another', async (t) => {
  const [first, second] = await buildTestApps(t, 2);
  const { auth } = await first!.issuer();
  const credential = await issueOn(first!, auth, 'eddsa-jcs-2022');
  t.equal((await verifyOn(first!, credential)).verified, true, 'verifies on the first');
  t.equal((await verifyOn(second!, credential)).verified, true, 'verifies on the second');
  const revoke = await second!.app.inject({
    method: 'POST', url: '/credentials/status', headers: auth,
    payload: { credentialId: credential.id, credentialStatus: { type: 'BitstringStatusListEntry', statusPurpose: 'revocation' }, status: true },
  });
  t.equal(revoke.statusCode, 200, 'revoked on the second');
  for (const [name, ctx] of [['first', first!], ['second', second!]] as const) {
    const result = await verifyOn(ctx, credential);
    t.equal(result.verified, false, `not verified on the ${name}`);
    t.same(checkOf(result, 'status'), { id: 'status', valid: false, message: 'Revoked by its issuer' }, `revoked on the ${name}`);
  }
});

t.test('the issuer\'s DID document is loaded once per version; its version read again only when the database may have changed', async (t) => {
  const [ctx] = await buildTestApps(t, 1);
  const { auth, slug } = await ctx!.issuer();
  const credential = await issueOn(ctx!, auth, 'eddsa-jcs-2022');
  // The first verification signs the status list and stores it: a write.
  t.equal((await verifyOn(ctx!, credential)).verified, true, 'first verification');
  const { organisations, statusLists } = ctx!.services.repos;
  const calls = { documents: 0, versions: 0, listVersions: 0 };
  const byDid = organisations.byDid.bind(organisations);
  const keysVersionOf = organisations.keysVersionOf.bind(organisations);
  const listVersion = statusLists.version.bind(statusLists);
  organisations.byDid = (did) => { calls.documents++; return byDid(did); };
  organisations.keysVersionOf = (did) => { calls.versions++; return keysVersionOf(did); };
  statusLists.version = (id) => { calls.listVersions++; return listVersion(id); };
  for (let i = 0; i < 3; i++) t.equal((await verifyOn(ctx!, credential)).verified, true, `verification ${i + 2}`);
  // SQLite's change stamp (data_version and this connection's writes) says nothing was committed; PostgreSQL has none.
  const sqlite = ctx!.services.database.dialect === 'sqlite';
  t.same(calls, { documents: 0, versions: sqlite ? 0 : 3, listVersions: sqlite ? 0 : 3 }, sqlite ? 'nothing committed: no version read' : 'versions read every time');
  t.equal((await ctx!.app.inject({ method: 'POST', url: `/orgs/${slug}/keys/rotate`, headers: ctx!.admin })).statusCode, 200, 'rotated');
  t.equal((await verifyOn(ctx!, credential)).verified, true, 'verifies after the rotation');
  t.same(calls, { documents: 1, versions: sqlite ? 1 : 4, listVersions: sqlite ? 1 : 4 }, 'versions read and the document loaded again after the rotation');
});
