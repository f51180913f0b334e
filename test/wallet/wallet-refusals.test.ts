/**
 * What the wallet's JSON answers say when something cannot be done, word for word: claim links, wallet links, the
 * passphrase, credentials, share links (choosing, expiry, label, withdrawing) and the holder named at issuance. A
 * returning worker reads these on a phone; each says what happened and what to do.
 */
import t from 'tap';
import { buildTestApp, openBadgeCredential, type TestApp } from '../helpers/app.js';
import { claimIntoNewWallet, createShare, FORM, issueFor, JSON_ACCEPT, pathOf, walletJson } from '../helpers/wallet.js';

type Json = Record<string, any>;
const DAY = 24 * 60 * 60 * 1000;

/** A problem answer: its status, code and detail, and its other members. */
const problem = (response: { statusCode: number; json(): any }): Json => {
  const { code, detail, type: _type, title: _title, status: _status, instance: _instance, ...members } = response.json() as Json;
  return { status: response.statusCode, code, detail, ...members };
};
/** An app of its own for each test, whose clock it may move (the issuer's token lives a day). */
async function setUp(t: Parameters<typeof buildTestApp>[0]) {
  const ctx: TestApp = await buildTestApp(t);
  const { auth } = await ctx.issuer();
  const get = async (url: string) => problem(await ctx.app.inject({ method: 'GET', url, headers: JSON_ACCEPT }));
  const post = async (url: string, payload?: Json) => problem(await ctx.app.inject({ method: 'POST', url, headers: JSON_ACCEPT, ...(payload ? { payload } : {}) }));
  return { ctx, auth, get, post };
}

t.test('claim links: unknown, used, expired', async (t) => {
  const { ctx, auth, get } = await setUp(t);
  t.same(await get('/claim/no-such-code'), { status: 404, code: 'unknown-claim-code', detail: 'This claim link does not exist; check that it was copied in full' }, 'unknown');
  const { claimOffer } = await issueFor(ctx, auth);
  await claimIntoNewWallet(ctx, claimOffer.url);
  const used = await get(pathOf(claimOffer.url));
  t.same({ ...used, claimedAt: typeof used.claimedAt }, {
    status: 410, code: 'claim-used', detail: 'This claim link has already been used; open the wallet it was added to with its wallet link', claimedAt: 'string',
  }, 'used');
  const again = await ctx.app.inject({ method: 'POST', url: pathOf(claimOffer.url), headers: { ...FORM, accept: 'application/json' }, payload: 'action=new' });
  t.equal(problem(again).code, 'claim-used', 'claimed again: refused');
  const { claimOffer: late } = await issueFor(ctx, auth);
  ctx.clock.advance(Date.parse(late.expiresAt) - ctx.clock.now().getTime() - 1);
  t.equal((await ctx.app.inject({ method: 'GET', url: pathOf(late.url), headers: JSON_ACCEPT })).statusCode, 200, 'a millisecond before its expiry: open');
  ctx.clock.advance(1);
  t.same(await get(pathOf(late.url)), {
    status: 410, code: 'claim-expired', detail: `This claim link expired on ${late.expiresAt}; ask the issuer for a new one`, expiresAt: late.expiresAt,
  }, 'expired at its expiry instant');
});

t.test('a wallet: its link, its passphrase, its credentials', async (t) => {
  const { ctx, auth, get, post } = await setUp(t);
  t.same(await get('/w/no-such-wallet'), { status: 404, code: 'unknown-wallet', detail: 'No wallet has this link; check that it was copied in full' }, 'an unknown wallet link');
  const walletPath = await claimIntoNewWallet(ctx, (await issueFor(ctx, auth)).claimOffer.url);
  const passphrase = (value: string) => ctx.app.inject({ method: 'POST', url: `${walletPath}/passphrase`, headers: JSON_ACCEPT, payload: { passphrase: value } });
  for (const value of ['x'.repeat(7), 'x'.repeat(201)]) {
    t.same(problem(await passphrase(value)), { status: 400, code: 'invalid-passphrase', detail: 'The passphrase must be 8 to 200 characters long' }, `${value.length} characters`);
  }
  t.same(await get(`${walletPath}/credentials/no-such-credential/credential.json`),
    { status: 404, code: 'unknown-wallet-credential', detail: 'This wallet holds no such credential' }, 'an unknown credential downloaded');
  t.same(await post(`${walletPath}/credentials/no-such-credential/delete`),
    { status: 404, code: 'unknown-wallet-credential', detail: 'This wallet holds no such credential' }, 'an unknown credential deleted');
  const { body } = await walletJson(ctx, walletPath);
  t.same(await get(`${walletPath}/credentials/${body.credentials[0]!.id}/credential.jwt`),
    { status: 400, code: 'not-a-jwt-credential', detail: 'This credential was not issued as vc+jwt; download it as JSON' }, 'a Data Integrity credential as a JWT');

  t.equal((await passphrase('olives26')).statusCode, 200, '8 characters: set');
  const unlock = (value: string) => ctx.app.inject({ method: 'POST', url: `${walletPath}/unlock`, headers: JSON_ACCEPT, payload: { passphrase: value } });
  t.same(problem(await unlock('olives25')), { status: 401, code: 'wrong-passphrase', detail: 'The passphrase does not match' }, 'a wrong passphrase');
  const otherWallet = await claimIntoNewWallet(ctx, (await issueFor(ctx, auth)).claimOffer.url);
  const longest = await ctx.app.inject({ method: 'POST', url: `${otherWallet}/passphrase`, headers: JSON_ACCEPT, payload: { passphrase: 'x'.repeat(200) } });
  t.equal(longest.statusCode, 200, '200 characters: set');
});

t.test('share links: what to share, for how long, with which label; withdrawn and expired links', async (t) => {
  const { ctx, auth, get, post } = await setUp(t);
  const walletPath = await claimIntoNewWallet(ctx, (await issueFor(ctx, auth)).claimOffer.url);
  const { body } = await walletJson(ctx, walletPath);
  const credentialId = body.credentials[0]!.id as string;
  const share = async (payload: Json) => problem((await createShare(ctx, walletPath, payload)).response);
  t.same(await share({ credentials: [] }), { status: 400, code: 'no-credentials-chosen', detail: 'Choose at least one credential to share' }, 'nothing chosen');
  t.same(await share({ credentials: [credentialId, 'c-1', 'c-2'] }), { status: 400, code: 'unknown-wallet-credential', detail: 'This wallet holds no credential c-1, c-2' }, 'credentials it does not hold');
  for (const days of [0, 366, 1.5]) {
    t.same(await share({ credentials: [credentialId], expiresInDays: days }),
      { status: 400, code: 'invalid-share-expiry', detail: `A share link lasts 1 to 365 days (a whole number); got ${days}` }, `${days} days`);
  }
  t.same(await share({ credentials: [credentialId], label: 'x'.repeat(101) }), { status: 400, code: 'invalid-share-label', detail: 'The label is at most 100 characters' }, 'a label too long');
  t.equal((await createShare(ctx, walletPath, { credentials: [credentialId], label: 'x'.repeat(100), expiresInDays: 365 })).response.statusCode, 201, '100 characters, 365 days: created');
  t.equal((await createShare(ctx, walletPath, { credentials: [credentialId], label: '   ' })).body.label, null, 'a label of spaces: no label');
  t.same(await post(`${walletPath}/shares/no-such-link/revoke`), { status: 404, code: 'unknown-share-link', detail: 'This wallet has no such share link' }, 'withdrawing a link it does not have');

  t.same(await get('/s/no-such-link'), { status: 404, code: 'unknown-share-link', detail: 'No share link has this address; check that it was copied in full' }, 'an unknown share link');
  const withdrawn = (await createShare(ctx, walletPath, { credentials: [credentialId] })).body;
  await post(`${walletPath}/shares/${withdrawn.id}/revoke`);
  const again = await ctx.app.inject({ method: 'POST', url: `${walletPath}/shares/${withdrawn.id}/revoke`, headers: JSON_ACCEPT });
  t.same({ status: again.statusCode, body: again.json() }, { status: 200, body: { revoked: true } }, 'withdrawn twice: still withdrawn, no error');
  const revoked = await get(pathOf(withdrawn.url));
  t.same({ ...revoked, detail: revoked.detail.replace(revoked.revokedAt, '<revokedAt>') },
    { status: 410, code: 'share-link-revoked', detail: 'The holder withdrew this link on <revokedAt>', revokedAt: revoked.revokedAt }, 'withdrawn');
  const shortLived = (await createShare(ctx, walletPath, { credentials: [credentialId], expiresInDays: 1 })).body;
  const stateOfShortLived = async () => (await walletJson(ctx, walletPath)).body.shareLinks.find((link) => link.id === shortLived.id)?.state;
  ctx.clock.advance(DAY - 1);
  t.equal(await stateOfShortLived(), 'active', 'a millisecond before its expiry: active in the wallet');
  ctx.clock.advance(1);
  t.same(await get(pathOf(shortLived.url)), {
    status: 410, code: 'share-link-expired', detail: `This link expired on ${shortLived.expiresAt}; ask the holder for a new one`, expiresAt: shortLived.expiresAt,
  }, 'expired at its expiry instant');
  t.equal(await stateOfShortLived(), 'expired', 'expired in the wallet at that instant');
});

t.test('the holder named at issuance: a name with a way to reach them, or a DID', async (t) => {
  const { ctx, auth } = await setUp(t);
  const issueTo = async (holder: Json) => problem(await ctx.app.inject({
    method: 'POST', url: '/credentials/issue', headers: auth, payload: { credential: openBadgeCredential(), options: { issuer: 'organisation', holder } },
  }));
  const cases: Array<[string, Json, string]> = [
    ['an e-mail address without @', { name: 'Kofi Mensah', email: 'kofi.example.com' }, 'options.holder.email "kofi.example.com" is not an e-mail address'],
    ['a phone number with letters', { name: 'Kofi Mensah', phone: '+233 20 CALL ME' }, 'options.holder.phone "+233 20 CALL ME" is not a phone number; use international form, e.g. +212 612 345 678'],
    ['a DID that is no DID', { did: 'kofi' }, 'options.holder.did "kofi" is not a DID (did:<method>:<identifier>)'],
    ['a name alone', { name: 'Kofi Mensah' }, 'options.holder needs a name and an e-mail or phone number, or a did'],
    ['a phone number alone', { phone: '+233 20 123 4567' }, 'options.holder needs a name and an e-mail or phone number, or a did'],
  ];
  for (const [what, holder, detail] of cases) t.same(await issueTo(holder), { status: 400, code: 'invalid-holder', detail }, what);
});
