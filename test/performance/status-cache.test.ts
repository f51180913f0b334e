/**
 * A status check must not re-fetch, re-verify or re-decode a list that has not changed: StatusChecker keeps one
 * decoded copy per list version, and a status change (which bumps the version) costs exactly one rebuild.
 */
import t from 'tap';
import { buildTestApp, openBadgeCredential } from '../helpers/app.js';

t.test('a status list is fetched and decoded once per version, however many verifications use it', async (t) => {
  const ctx = await buildTestApp(t);
  const { auth } = await ctx.issuer();
  const issue = async () => {
    const response = await ctx.app.inject({ method: 'POST', url: '/credentials/issue', headers: auth, payload: { credential: openBadgeCredential(), options: { issuer: 'organisation' } } });
    t.equal(response.statusCode, 201);
    return response.json().verifiableCredential as Record<string, any>;
  };
  const first = await issue();
  const second = await issue();
  t.equal(first.credentialStatus.statusListCredential, second.credentialStatus.statusListCredential, 'both in the same list');

  const statusLists = ctx.services.statusLists;
  let fetches = 0;
  const signedList = statusLists.signedList.bind(statusLists);
  statusLists.signedList = (id: string) => { fetches++; return signedList(id); };
  const verify = async (credential: unknown) => {
    const response = await ctx.app.inject({ method: 'POST', url: '/credentials/verify', payload: { verifiableCredential: credential } });
    return (response.json() as { checks: Array<{ id: string; valid: boolean; message: string }> }).checks.find((c) => c.id === 'status')!;
  };

  for (let i = 0; i < 20; i++) t.same(await verify(i % 2 ? first : second), { id: 'status', valid: true, message: 'Not revoked' });
  t.equal(fetches, 1, '20 verifications of two credentials in one list: fetched and decoded once');

  // Issuing more credentials allocates indexes but changes no bit: the list keeps its version and its cache.
  await issue();
  t.same(await verify(first), { id: 'status', valid: true, message: 'Not revoked' });
  t.equal(fetches, 1, 'a new allocation does not invalidate the decoded list');

  const revoke = await ctx.app.inject({
    method: 'POST', url: '/credentials/status', headers: auth,
    payload: { credentialId: first.id, credentialStatus: { type: 'BitstringStatusListEntry', statusPurpose: 'revocation' }, status: true },
  });
  t.equal(revoke.statusCode, 200);
  t.same(await verify(first), { id: 'status', valid: false, message: 'Revoked by its issuer' }, 'the change is seen at once');
  for (let i = 0; i < 10; i++) await verify(i % 2 ? first : second);
  t.same(await verify(second), { id: 'status', valid: true, message: 'Not revoked' });
  t.equal(fetches, 2, 'one rebuild for the new version, then cached again');

  // The time-to-live only tells other verifiers how long they may cache; for its own lists the service checks the
  // version on every verification, so moving past the ttl does not force a rebuild of an unchanged list.
  ctx.clock.advance(10 * 60 * 1000);
  await verify(second);
  t.equal(fetches, 2, 'an unchanged list is not rebuilt after its ttl');
});
