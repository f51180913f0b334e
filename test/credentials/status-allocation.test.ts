import t from 'tap';
import { buildTestApp, plainCredential, sqlCount, sqlRun } from '../helpers/app.js';
import { decodeBitstring, encodeBitstring, isBitSet } from '../../src/credentials/bitstring.js';
import { STATUS_LIST_SIZE } from '../../src/credentials/statusLists.js';

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
  t.match(list.headers['cache-control'], /max-age=/);
  const body = list.json();
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
