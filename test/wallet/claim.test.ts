import t from 'tap';
import { buildTestApp, openBadgeCredential, sqlCount, sqlRows } from '../helpers/app.js';
import { claimIntoNewWallet, FORM, HTML, issueFor, JSON_ACCEPT, pathOf, walletJson } from '../helpers/wallet.js';
import { problemOf } from '../helpers/problems.js';

type Json = Record<string, any>;
const DAY = 86_400_000;

t.test('issuing for a person returns a one-time claim link and its QR code, valid 30 days by default', async (t) => {
  const ctx = await buildTestApp(t);
  const { auth } = await ctx.issuer();
  const { claimOffer } = await issueFor(ctx, auth);
  t.match(claimOffer.url, /^http:\/\/passerelle\.test\/claim\/[A-Za-z0-9_-]{43}$/);
  t.equal(new Date(claimOffer.expiresAt).getTime() - ctx.clock.current.getTime(), 30 * DAY);
  t.match(claimOffer.qrCodeSvg, /^<svg [^>]*role="img"/);
  t.notMatch(claimOffer.qrCodeSvg, /<script|href=/);
  const custom = await issueFor(ctx, auth, { holder: { did: 'did:example:worker-42', claimValidForDays: 7 } });
  t.equal(new Date(custom.claimOffer.expiresAt).getTime() - ctx.clock.current.getTime(), 7 * DAY);
  const plain = await ctx.app.inject({ method: 'POST', url: '/credentials/issue', headers: auth, payload: { credential: openBadgeCredential(), options: { issuer: 'organisation' } } });
  t.equal(plain.statusCode, 201);
  t.notOk(plain.json().claimOffer, 'no holder, no claim offer');
});

t.test('a holder needs a name and a contact, or a DID; refused before anything is signed', async (t) => {
  const ctx = await buildTestApp(t);
  const { auth } = await ctx.issuer();
  const holders: Array<[string, Json]> = [
    ['a name without a contact', { name: 'Fatima' }], ['a contact without a name', { email: 'f@example.org' }], ['a malformed email', { name: 'Fatima', email: 'not-an-email' }],
    ['a malformed DID', { did: 'not-a-did' }], ['a malformed phone number', { name: 'F', phone: 'call me' }],
  ];
  for (const [what, holder] of holders) {
    const response = await ctx.app.inject({ method: 'POST', url: '/credentials/issue', headers: auth, payload: { credential: openBadgeCredential(), options: { holder, issuer: 'organisation' } } });
    t.same(problemOf(response), { status: 400, code: 'invalid-holder' }, what);
  }
  const count = { n: await sqlCount(ctx.services, 'select count(*) as n from credentials') };
  t.equal(count.n, 0, 'no credential was issued');
  const extra = await ctx.app.inject({ method: 'POST', url: '/credentials/issue', headers: auth, payload: { credential: openBadgeCredential(), options: { issuer: 'organisation', holder: { name: 'F', email: 'f@example.org', shoeSize: 42 } } } });
  t.equal(extra.statusCode, 400);
  t.equal(extra.json().code, 'invalid-request');
});

t.test('the claim page shows the offer without using it; claiming makes a wallet; the link then says it was used', async (t) => {
  const ctx = await buildTestApp(t);
  const { auth } = await ctx.issuer();
  const { claimOffer, vc } = await issueFor(ctx, auth, { holder: { name: 'Fatima Zahra', email: 'fatima@example.org' } });
  const page = await ctx.app.inject({ method: 'GET', url: pathOf(claimOffer.url), headers: HTML });
  t.equal(page.statusCode, 200);
  t.match(page.body, 'Maçon (CNC niveau 3)');
  t.match(page.body, 'f***@example.org', 'contact shown masked');
  t.notMatch(page.body, 'fatima@example.org');
  const again = await ctx.app.inject({ method: 'GET', url: pathOf(claimOffer.url), headers: HTML });
  t.equal(again.statusCode, 200, 'opening (or a link preview) does not use the offer');
  const walletPath = await claimIntoNewWallet(ctx, claimOffer.url);
  t.match(walletPath, /^\/w\/[A-Za-z0-9_-]{43}$/);
  const { body } = await walletJson(ctx, walletPath);
  t.equal(body.credentials.length, 1);
  t.equal(body.credentials[0]!.credentialId, vc.id);
  t.equal(body.credentials[0]!.state, 'valid');
  const reuse = await ctx.app.inject({ method: 'POST', url: pathOf(claimOffer.url), headers: JSON_ACCEPT, payload: {} });
  t.equal(reuse.statusCode, 410);
  t.equal(reuse.json().code, 'claim-used');
  const usedPage = await ctx.app.inject({ method: 'GET', url: pathOf(claimOffer.url), headers: HTML });
  t.equal(usedPage.statusCode, 410);
  t.match(usedPage.body, 'data-code="claim-used"');
  t.equal(usedPage.headers['content-type'], 'text/html; charset=utf-8');
});

t.test('a second credential goes into the existing wallet, with its passphrase when it has one', async (t) => {
  const ctx = await buildTestApp(t);
  const { auth } = await ctx.issuer();
  const first = await issueFor(ctx, auth);
  const walletPath = await claimIntoNewWallet(ctx, first.claimOffer.url);
  const set = await ctx.app.inject({ method: 'POST', url: `${walletPath}/passphrase`, headers: JSON_ACCEPT, payload: { passphrase: 'olive harvest 2024' } });
  t.equal(set.statusCode, 200, 'set status', { body: set.body });
  const second = await issueFor(ctx, auth);
  const wrong = await ctx.app.inject({ method: 'POST', url: pathOf(second.claimOffer.url), headers: JSON_ACCEPT, payload: { wallet: `http://passerelle.test${walletPath}`, passphrase: 'wrong one' } });
  t.equal(wrong.statusCode, 401);
  t.equal(wrong.json().code, 'wrong-passphrase');
  const right = await ctx.app.inject({
    method: 'POST', url: pathOf(second.claimOffer.url), headers: FORM,
    payload: new URLSearchParams({ action: 'existing', wallet: `http://passerelle.test${walletPath}?lang=ar`, passphrase: 'olive harvest 2024' }).toString(),
  });
  t.equal(right.statusCode, 303, 'right status', { body: right.body });
  t.equal(pathOf(String(right.headers.location)), walletPath);
  const cookie = String((await ctx.app.inject({ method: 'POST', url: `${walletPath}/unlock`, headers: JSON_ACCEPT, payload: { passphrase: 'olive harvest 2024' } })).headers['set-cookie']).split(';')[0]!;
  const { body } = await walletJson(ctx, walletPath, { cookie });
  t.equal(body.credentials.length, 2);
});

t.test('expired and unknown claim codes are refused; an address that keeps guessing gets 429 for its failures only', async (t) => {
  const ctx = await buildTestApp(t);
  const { auth } = await ctx.issuer();
  const { claimOffer } = await issueFor(ctx, auth);
  const fresh = await issueFor(ctx, auth, { holder: { name: 'Kofi Mensah', phone: '+233 20 123 4567', claimValidForDays: 90 } });
  ctx.clock.advance(30 * DAY + 1000);
  const expired = await ctx.app.inject({ method: 'POST', url: pathOf(claimOffer.url), headers: JSON_ACCEPT, payload: {} });
  t.equal(expired.statusCode, 410);
  t.equal(expired.json().code, 'claim-expired');
  const statuses: number[] = [];
  for (let i = 0; i < 31; i++) {
    const response = await ctx.app.inject({ method: 'GET', url: `/claim/${'A'.repeat(42)}${i % 10}`, headers: JSON_ACCEPT });
    statuses.push(response.statusCode);
    if (i === 0) t.equal(response.json().code, 'unknown-claim-code');
    if (i === 30) {
      t.equal(response.json().code, 'too-many-attempts');
      t.ok(Number(response.headers['retry-after']) > 0, 'Retry-After says when');
    }
  }
  t.same(statuses.slice(0, 30), Array(30).fill(404));
  t.equal(statuses[30], 429);
  const valid = await ctx.app.inject({ method: 'GET', url: pathOf(fresh.claimOffer.url), headers: JSON_ACCEPT });
  t.equal(valid.statusCode, 200, 'a valid claim code from the same address is still served');
  t.same(problemOf(await ctx.app.inject({ method: 'GET', url: pathOf(claimOffer.url), headers: JSON_ACCEPT })), { status: 410, code: 'claim-expired' }, 'a known, expired code still says so');
  const otherAddress = await ctx.app.inject({ method: 'GET', url: `/claim/${'C'.repeat(43)}`, headers: JSON_ACCEPT, remoteAddress: '192.0.2.7' });
  t.same(problemOf(otherAddress), { status: 404, code: 'unknown-claim-code' }, 'another address has its own budget');
  ctx.clock.advance(16 * 60_000);
  t.same(problemOf(await ctx.app.inject({ method: 'GET', url: `/claim/${'D'.repeat(43)}`, headers: JSON_ACCEPT })), { status: 404, code: 'unknown-claim-code' }, 'the window slides');
});

t.test('behind a reverse proxy, PASSERELLE_TRUST_PROXY gives each client its own budget', async (t) => {
  const guess = (ctx: Awaited<ReturnType<typeof buildTestApp>>, client: string, i: number) =>
    ctx.app.inject({ method: 'GET', url: `/s/${'E'.repeat(42)}${i % 10}`, headers: { ...JSON_ACCEPT, 'x-forwarded-for': client } });
  const direct = await buildTestApp(t);
  for (let i = 0; i < 30; i++) await guess(direct, '198.51.100.1', i);
  t.same(problemOf(await guess(direct, '198.51.100.2', 0)), { status: 429, code: 'too-many-attempts' }, 'by default X-Forwarded-For is ignored: the proxy\'s address is the client');
  const proxied = await buildTestApp(t, { PASSERELLE_TRUST_PROXY: '127.0.0.1' });
  for (let i = 0; i < 30; i++) await guess(proxied, '198.51.100.1', i);
  t.same(problemOf(await guess(proxied, '198.51.100.1', 0)), { status: 429, code: 'too-many-attempts' });
  t.same(problemOf(await guess(proxied, '198.51.100.2', 0)), { status: 404, code: 'unknown-share-link' }, 'another client behind the same proxy is not refused');
});

t.test('PASSERELLE_TRUST_PROXY is true, false, a hop count or addresses/CIDRs', async (t) => {
  const { loadConfig } = await import('../../src/config.js');
  t.equal(loadConfig({}).trustProxy, false);
  t.equal(loadConfig({ PASSERELLE_TRUST_PROXY: 'true' }).trustProxy, true);
  t.equal(loadConfig({ PASSERELLE_TRUST_PROXY: '2' }).trustProxy, 2);
  t.same(loadConfig({ PASSERELLE_TRUST_PROXY: '127.0.0.1, 10.0.0.0/8,::1' }).trustProxy, ['127.0.0.1', '10.0.0.0/8', '::1']);
  t.throws(() => loadConfig({ PASSERELLE_TRUST_PROXY: 'proxy.local' }), { message: /PASSERELLE_TRUST_PROXY.*proxy\.local/ });
  t.throws(() => loadConfig({ PASSERELLE_TRUST_PROXY: '10.0.0.0/33' }), { message: /10\.0\.0\.0\/33/ });
});

t.test('secrets are stored hashed: the database holds no claim code, wallet secret or share token', async (t) => {
  const ctx = await buildTestApp(t);
  const { auth } = await ctx.issuer();
  const { claimOffer } = await issueFor(ctx, auth);
  const code = pathOf(claimOffer.url).split('/')[2]!;
  const walletPath = await claimIntoNewWallet(ctx, claimOffer.url);
  const secret = walletPath.split('/')[2]!;
  const { body } = await walletJson(ctx, walletPath);
  const share = await ctx.app.inject({ method: 'POST', url: `${walletPath}/shares`, headers: JSON_ACCEPT, payload: { credentials: [body.credentials[0]!.id] } });
  const token = pathOf(share.json().url).split('/')[2]!;
  await ctx.app.inject({ method: 'POST', url: `${walletPath}/passphrase`, headers: JSON_ACCEPT, payload: { passphrase: 'a long passphrase' } });
  const tables = ['claim_offers', 'wallets', 'share_links', 'wallet_sessions', 'wallet_credentials'];
  const dump = (await Promise.all(tables.map(async (table) => JSON.stringify(await sqlRows(ctx.services, `select * from ${table}`))))).join('\n');
  for (const [what, value] of [['claim code', code], ['wallet secret', secret], ['share token', token], ['passphrase', 'a long passphrase']] as const) {
    t.notOk(dump.includes(value), `${what} not stored`);
  }
  const [offer] = await sqlRows<{ document: string | null }>(ctx.services, 'select document from claim_offers');
  t.equal(offer?.document, null, 'a claimed offer keeps no copy of the credential');
});
