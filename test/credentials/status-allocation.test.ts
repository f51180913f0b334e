import t from 'tap';
import { buildTestApp, plainCredential, sqlCount, sqlRun } from '../helpers/app.js';
import { decodeBitstring, encodeBitstring, isBitSet } from '../../src/credentials/bitstring.js';
import { STATUS_LIST_FILL_LIMIT, STATUS_LIST_SIZE, StatusListService } from '../../src/credentials/statusLists.js';

t.test('1,000 concurrent issuances allocate 1,000 distinct status indexes', async (t) => {
  const ctx = await buildTestApp(t);
  const { auth } = await ctx.issuer();
  const responses = await Promise.all(Array.from({ length: 1000 }, () =>
    ctx.app.inject({ method: 'POST', url: '/credentials/issue', headers: auth, payload: { credential: plainCredential(), options: { issuer: 'organisation' } } })));
  t.ok(responses.every((r) => r.statusCode === 201), 'all issued');
  const entries = responses.map((r) => r.json().verifiableCredential.credentialStatus);
  const keys = new Set(entries.map((e) => `${e.statusListCredential}#${e.statusListIndex}`));
  t.equal(keys.size, 1000);
  t.equal(await sqlCount(ctx.services, 'select count(*) as n from status_entries'), 1000, 'entries stored');
  t.equal(await sqlCount(ctx.services, 'select count(*) as n from (select distinct list_id, status_index from status_entries) d'), 1000, 'entries distinct');
  t.equal(await sqlCount(ctx.services, 'select sum(allocated) as n from status_lists'), 1000, 'allocation counters match');
});

t.test('the published status list is a signed BitstringStatusListCredential of 131,072 entries', async (t) => {
  const ctx = await buildTestApp(t);
  const { auth } = await ctx.issuer();
  const vc = (await ctx.app.inject({ method: 'POST', url: '/credentials/issue', headers: auth, payload: { credential: plainCredential(), options: { issuer: 'organisation' } } })).json().verifiableCredential;
  await ctx.app.inject({
    method: 'POST', url: '/credentials/status', headers: auth,
    payload: { credentialId: vc.id, credentialStatus: { type: 'BitstringStatusListEntry', statusPurpose: 'revocation' }, status: true },
  });
  const url = new URL(vc.credentialStatus.statusListCredential);
  const list = await ctx.app.inject({ method: 'GET', url: url.pathname });
  t.equal(list.statusCode, 200);
  t.equal(list.headers['cache-control'], 'public, max-age=300');
  const body = list.json();
  t.equal(body.credentialSubject.ttl, 300_000, 'verifiers may keep it five minutes (ttl in milliseconds)');
  t.same(body.type, ['VerifiableCredential', 'BitstringStatusListCredential']);
  t.equal(body.credentialSubject.statusPurpose, 'revocation');
  const bits = decodeBitstring(body.credentialSubject.encodedList);
  t.equal(bits.length * 8, STATUS_LIST_SIZE);
  t.ok(isBitSet(bits, Number(vc.credentialStatus.statusListIndex)), 'the revoked index is set');
  const verified = await ctx.app.inject({ method: 'POST', url: '/credentials/verify', payload: { verifiableCredential: body } });
  t.equal(verified.json().verified, true, 'the list itself verifies');
});

t.test('bitstring encoding sets exactly the given bits, most significant bit first', async (t) => {
  const bits = decodeBitstring(encodeBitstring(16, [0, 9, 15]));
  t.same([...bits], [0b1000_0000, 0b0100_0001]);
  t.ok(encodeBitstring(8, []).startsWith('u'));
  t.throws(() => decodeBitstring('zabc'), /base64url/);
});

t.test('a full list is never reused: the next credential opens a new list', async (t) => {
  const ctx = await buildTestApp(t);
  const { auth } = await ctx.issuer();
  const first = (await ctx.app.inject({ method: 'POST', url: '/credentials/issue', headers: auth, payload: { credential: plainCredential(), options: { issuer: 'organisation' } } })).json().verifiableCredential;
  // Mark the list full, as 131,072 issuances would.
  await sqlRun(ctx.services, 'update status_lists set allocated = size');
  const second = (await ctx.app.inject({ method: 'POST', url: '/credentials/issue', headers: auth, payload: { credential: plainCredential(), options: { issuer: 'organisation' } } })).json().verifiableCredential;
  t.not(second.credentialStatus.statusListCredential, first.credentialStatus.statusListCredential);
});

t.test('a list takes entries until 15/16 of it is allocated, then the next credential opens a new list', async (t) => {
  const ctx = await buildTestApp(t);
  const { auth } = await ctx.issuer();
  const issue = async () => (await ctx.app.inject({ method: 'POST', url: '/credentials/issue', headers: auth, payload: { credential: plainCredential(), options: { issuer: 'organisation' } } })).json().verifiableCredential;
  const first = await issue();
  t.equal(STATUS_LIST_SIZE * STATUS_LIST_FILL_LIMIT, 122_880);
  await sqlRun(ctx.services, 'update status_lists set allocated = 122879');
  t.equal((await issue()).credentialStatus.statusListCredential, first.credentialStatus.statusListCredential, 'the last entry under the limit');
  t.not((await issue()).credentialStatus.statusListCredential, first.credentialStatus.statusListCredential, 'at the limit: a new list');
});

t.test('a list whose draws find nothing free is left for a new one, never drawn from forever', async (t) => {
  const ctx = await buildTestApp(t);
  const { auth, slug } = await ctx.issuer();
  const first = (await ctx.app.inject({ method: 'POST', url: '/credentials/issue', headers: auth, payload: { credential: plainCredential(), options: { issuer: 'organisation' } } })).json().verifiableCredential;
  const crowdedListId = new URL(first.credentialStatus.statusListCredential).pathname.split('/').pop()!;
  // Its counter says there is room, but every entry went to other processes meanwhile.
  const statusLists = Object.create(ctx.services.repos.statusLists) as typeof ctx.services.repos.statusLists;
  let drawsOnCrowdedList = 0;
  statusLists.isIndexTaken = async (listId, index) => {
    if (listId !== crowdedListId) return ctx.services.repos.statusLists.isIndexTaken(listId, index);
    drawsOnCrowdedList++;
    return true;
  };
  const { repos, keyStore, documentLoader, now } = ctx.services;
  const service = new StatusListService({ statusLists, credentials: repos.credentials, organisations: repos.organisations, keyStore, documentLoader, baseUrl: 'http://passerelle.test', now });
  const organisation = (await repos.organisations.bySlug(slug))!;
  const [reservation] = await service.reserve(organisation, ['revocation']);
  t.not(reservation!.listId, crowdedListId, 'reserved on another list');
  const draws = drawsOnCrowdedList;
  t.ok(draws > 0 && draws <= 256, 'at most 256 draws on the crowded list');
  const [next] = await service.reserve(organisation, ['revocation']);
  t.equal(next!.listId, reservation!.listId, 'the next reservation goes to the new list');
  t.equal(drawsOnCrowdedList, draws, 'without drawing on the crowded list again');
});

t.test('an index reserved by an issuance in progress counts as taken until it is released', async (t) => {
  const ctx = await buildTestApp(t);
  const { auth, slug } = await ctx.issuer();
  await ctx.app.inject({ method: 'POST', url: '/credentials/issue', headers: auth, payload: { credential: plainCredential(), options: { issuer: 'organisation' } } });
  const organisation = (await ctx.services.repos.organisations.bySlug(slug))!;
  // One entry left under the fill limit, as 122,879 issuances would leave it.
  await sqlRun(ctx.services, `update status_lists set allocated = ${STATUS_LIST_SIZE * STATUS_LIST_FILL_LIMIT - 1}`);
  const reserve = async () => (await ctx.services.statusLists.reserve(organisation, ['revocation']))[0]!;
  const last = await reserve();
  const meanwhile = await reserve();
  t.not(meanwhile.listId, last.listId, 'while the last index is reserved, the next issuance opens a new list');
  ctx.services.statusLists.release([last, meanwhile]);
  t.equal((await reserve()).listId, last.listId, 'released, the last index is free again');
});

t.test('a Token Status List token lives a day and is signed again when less than its ttl is left', async (t) => {
  const ctx = await buildTestApp(t);
  const { auth } = await ctx.issuer();
  const sdJwt = (await ctx.app.inject({ method: 'POST', url: '/credentials/issue', headers: auth, payload: { credential: plainCredential(), options: { issuer: 'organisation', format: 'dc+sd-jwt' } } })).json().verifiableCredential as string;
  const { uri } = JSON.parse(Buffer.from(sdJwt.split('.')[1]!, 'base64url').toString('utf8')).status.status_list;
  const fetchToken = async () => {
    const response = await ctx.app.inject({ method: 'GET', url: new URL(uri).pathname });
    return { token: response.body, claims: JSON.parse(Buffer.from(response.body.split('.')[1]!, 'base64url').toString('utf8')) };
  };
  const signedAt = Math.floor(ctx.clock.current.getTime() / 1000);
  const first = await fetchToken();
  t.same([first.claims.iat, first.claims.exp, first.claims.ttl], [signedAt, signedAt + 86_400, 300], 'iat, exp a day later, ttl five minutes (seconds)');
  const refreshFrom = 86_400_000 - 300_000;
  ctx.clock.advance(refreshFrom - 1000);
  t.equal((await fetchToken()).token, first.token, 'more than a ttl left: the same token');
  ctx.clock.advance(2000);
  const second = await fetchToken();
  t.same([second.claims.iat, second.claims.exp], [signedAt + (refreshFrom + 1000) / 1000, signedAt + (refreshFrom + 1000) / 1000 + 86_400], 'less than a ttl left: signed again');
});
