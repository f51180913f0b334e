import t from 'tap';
import { buildTestApp, openBadgeCredential, plainCredential } from '../helpers/app.js';
import { claimIntoNewWallet, createShare, FORM, HTML, issueFor, JSON_ACCEPT, pathOf, setStatus, walletJson } from '../helpers/wallet.js';
import { problemOf } from '../helpers/problems.js';

const DAY = 86_400_000;

async function walletWithCredential(t: Parameters<typeof buildTestApp>[0], options: Parameters<typeof issueFor>[2] = {}) {
  const ctx = await buildTestApp(t);
  const issuer = await ctx.issuer();
  const { vc, claimOffer } = await issueFor(ctx, issuer.auth, options);
  const walletPath = await claimIntoNewWallet(ctx, claimOffer.url);
  const { body } = await walletJson(ctx, walletPath);
  return { ctx, issuer, vc, walletPath, walletCredentialId: body.credentials[0]!.id as string };
}

t.test('a share link: default 30 days, label, public page and view count; the link can be shown again from the wallet', async (t) => {
  const { ctx, walletPath, walletCredentialId } = await walletWithCredential(t);
  const { response, body } = await createShare(ctx, walletPath, { credentials: [walletCredentialId], label: 'Finca Los Olivos' });
  t.equal(response.statusCode, 201, 'response status', { body: response.body });
  t.match(body.url, /^http:\/\/passerelle\.test\/s\/[A-Za-z0-9_-]{43}$/);
  t.equal(new Date(body.expiresAt).getTime() - ctx.clock.current.getTime(), 30 * DAY);
  t.equal(body.label, 'Finca Los Olivos');
  t.match(body.qrCodeSvg, /^<svg /);
  for (let i = 0; i < 2; i++) t.equal((await ctx.app.inject({ method: 'GET', url: pathOf(body.url), headers: HTML })).statusCode, 200);
  const { body: wallet } = await walletJson(ctx, walletPath);
  t.equal(wallet.shareLinks[0]!.url, body.url, 'same link, re-derived from the wallet secret');
  t.equal(wallet.shareLinks[0]!.views, 2);
  t.equal(wallet.shareLinks[0]!.lastViewedAt, ctx.clock.current.toISOString());
  t.same(wallet.credentials[0]!.shareLinks, [body.id], 'the wallet says which links include the credential');
  const page = await ctx.app.inject({ method: 'GET', url: walletPath, headers: HTML });
  t.match(page.body, body.url);
  t.match(page.body, 'Finca Los Olivos');
});

t.test('share expiry is 1 day to 1 year; a link needs credentials of this wallet', async (t) => {
  const { ctx, walletPath, walletCredentialId } = await walletWithCredential(t);
  for (const [what, payload, code] of [
    ['0 days', { credentials: [walletCredentialId], expiresInDays: 0 }, 'invalid-share-expiry'],
    ['366 days', { credentials: [walletCredentialId], expiresInDays: 366 }, 'invalid-share-expiry'],
    ['1.5 days', { credentials: [walletCredentialId], expiresInDays: 1.5 }, 'invalid-share-expiry'],
    ['no credential', { credentials: [] }, 'no-credentials-chosen'],
    ['a credential of another wallet', { credentials: ['someone-elses'] }, 'unknown-wallet-credential'],
    ['a 101-character label', { credentials: [walletCredentialId], label: 'x'.repeat(101) }, 'invalid-share-label'],
  ] as const) {
    const { response } = await createShare(ctx, walletPath, payload);
    t.same(problemOf(response), { status: 400, code }, what);
    t.equal(response.headers['content-type'], 'application/problem+json; charset=utf-8', `${what}: problem+json`);
  }
  const year = await createShare(ctx, walletPath, { credentials: [walletCredentialId], expiresInDays: 365 });
  t.equal(year.response.statusCode, 201);
  const form = await ctx.app.inject({ method: 'POST', url: `${walletPath}/shares?lang=es`, headers: FORM, payload: `credential=${walletCredentialId}&days=1&label=` });
  t.equal(form.statusCode, 303);
  t.match(String(form.headers.location), /^\/w\/[A-Za-z0-9_-]{43}\?lang=es#link-[0-9a-f-]+$/, 'the bare wallet address, the new link in view');
  const formError = await ctx.app.inject({ method: 'POST', url: `${walletPath}/shares?lang=es`, headers: FORM, payload: 'days=30' });
  t.same(problemOf(formError), { status: 400, code: 'no-credentials-chosen' });
  t.match(formError.body, 'Elija al menos una credencial para compartir.', 'browsers get the error as a page in their language');
});

t.test('revoked and expired links answer 410, saying which; the credentials themselves are untouched', async (t) => {
  const { ctx, walletPath, walletCredentialId } = await walletWithCredential(t);
  const revoked = (await createShare(ctx, walletPath, { credentials: [walletCredentialId] })).body;
  const short = (await createShare(ctx, walletPath, { credentials: [walletCredentialId], expiresInDays: 1 })).body;
  const revoke = await ctx.app.inject({ method: 'POST', url: `${walletPath}/shares/${revoked.id}/revoke`, headers: JSON_ACCEPT });
  t.equal(revoke.statusCode, 200);
  const gonePage = await ctx.app.inject({ method: 'GET', url: `${pathOf(revoked.url)}?lang=en`, headers: HTML });
  t.equal(gonePage.statusCode, 410);
  t.match(gonePage.body, 'data-reason="revoked"');
  t.match(gonePage.body, 'withdrew it');
  const goneJson = await ctx.app.inject({ method: 'GET', url: pathOf(revoked.url), headers: JSON_ACCEPT });
  t.equal(goneJson.statusCode, 410);
  t.equal(goneJson.json().code, 'share-link-revoked');
  ctx.clock.advance(DAY + 1000);
  const expired = await ctx.app.inject({ method: 'GET', url: `${pathOf(short.url)}?lang=fr`, headers: HTML });
  t.equal(expired.statusCode, 410);
  t.match(expired.body, 'data-reason="expired"');
  t.match(expired.body, 'Les attestations elles-mêmes ne sont pas concernées');
  const { body } = await walletJson(ctx, walletPath);
  t.same(body.shareLinks.map((l: any) => l.state).sort(), ['expired', 'revoked']);
  t.equal(body.credentials[0]!.state, 'valid');
  const unknown = await ctx.app.inject({ method: 'POST', url: `${walletPath}/shares/00000000-0000-4000-8000-000000000000/revoke`, headers: JSON_ACCEPT });
  t.equal(unknown.statusCode, 404);
  t.equal(unknown.json().code, 'unknown-share-link');
});

t.test('with Accept: application/json a share link is a presentation signed by the service, which verifies', async (t) => {
  const { ctx, walletPath, walletCredentialId, vc } = await walletWithCredential(t);
  const { body } = await createShare(ctx, walletPath, { credentials: [walletCredentialId] });
  const response = await ctx.app.inject({ method: 'GET', url: `${pathOf(body.url)}?challenge=nonce-123&domain=employer.example`, headers: JSON_ACCEPT });
  t.equal(response.statusCode, 200);
  const vp = response.json();
  t.same(vp.type, ['VerifiablePresentation']);
  t.match(vp.holder, /^did:key:z6Mk/);
  t.equal(vp.proof.challenge, 'nonce-123');
  t.equal(vp.proof.domain, 'employer.example');
  t.equal(vp.verifiableCredential[0].id, vc.id);
  const verified = await ctx.app.inject({ method: 'POST', url: '/presentations/verify', payload: { verifiablePresentation: vp, options: { challenge: 'nonce-123', domain: 'employer.example' } } });
  t.equal(verified.statusCode, 200, 'verified status', { body: verified.body });
  t.equal(verified.json().verified, true);
  const replayed = await ctx.app.inject({ method: 'POST', url: '/presentations/verify', payload: { verifiablePresentation: vp, options: { challenge: 'another', domain: 'employer.example' } } });
  t.equal(replayed.json().verified, false, 'bound to the verifier\'s challenge');
  const again = (await ctx.app.inject({ method: 'GET', url: pathOf(body.url), headers: JSON_ACCEPT })).json();
  t.equal(again.holder, vp.holder, 'one service key, kept');
});

t.test('a vc+jwt credential: shared in the presentation as an envelope, downloadable as JWT and JSON', async (t) => {
  const { ctx, walletPath, walletCredentialId, vc } = await walletWithCredential(t, { format: 'vc+jwt', credential: plainCredential() });
  const jwt = await ctx.app.inject({ method: 'GET', url: `${walletPath}/credentials/${walletCredentialId}/credential.jwt` });
  t.equal(jwt.statusCode, 200);
  t.equal(jwt.body, String(vc.id).slice('data:application/vc+jwt,'.length));
  t.match(String(jwt.headers['content-disposition']), /^attachment; filename="credential-[0-9a-f]{8}\.jwt"$/);
  const json = await ctx.app.inject({ method: 'GET', url: `${walletPath}/credentials/${walletCredentialId}/credential.json` });
  t.same(json.json(), vc);
  const { body } = await createShare(ctx, walletPath, { credentials: [walletCredentialId] });
  const vp = (await ctx.app.inject({ method: 'GET', url: `${pathOf(body.url)}?challenge=c`, headers: JSON_ACCEPT })).json();
  const verified = await ctx.app.inject({ method: 'POST', url: '/presentations/verify', payload: { verifiablePresentation: vp, options: { challenge: 'c' } } });
  t.equal(verified.json().verified, true, 'verified', { body: verified.body });
});

t.test('live state in the wallet and on the share page: revoked, suspended, expired', async (t) => {
  const ctx = await buildTestApp(t);
  const { auth } = await ctx.issuer();
  const validUntil = new Date(ctx.clock.current.getTime() + 60 * DAY).toISOString().slice(0, 19) + 'Z';
  const revocable = await issueFor(ctx, auth);
  const suspendable = await issueFor(ctx, auth, { credentialStatus: { type: 'BitstringStatusListEntry', statusPurpose: 'suspension' } });
  const expiring = await issueFor(ctx, auth, { credential: openBadgeCredential({ validUntil }) });
  const walletPath = await claimIntoNewWallet(ctx, revocable.claimOffer.url);
  for (const offer of [suspendable, expiring]) {
    const response = await ctx.app.inject({ method: 'POST', url: pathOf(offer.claimOffer.url), headers: JSON_ACCEPT, payload: { wallet: walletPath } });
    t.equal(response.statusCode, 201, 'response status', { body: response.body });
  }
  const stateOf = async () => Object.fromEntries((await walletJson(ctx, walletPath)).body.credentials.map((c: any) => [c.credentialId, c.state]));
  t.same(await stateOf(), { [revocable.vc.id]: 'valid', [suspendable.vc.id]: 'valid', [expiring.vc.id]: 'valid' });
  await setStatus(ctx, auth, revocable.vc.id, 'revocation', true);
  await setStatus(ctx, auth, suspendable.vc.id, 'suspension', true);
  ctx.clock.advance(61 * DAY);
  t.same(await stateOf(), { [revocable.vc.id]: 'revoked', [suspendable.vc.id]: 'suspended', [expiring.vc.id]: 'expired' });
  const { body: wallet } = await walletJson(ctx, walletPath);
  const { body: link } = await createShare(ctx, walletPath, { credentials: wallet.credentials.map((c: any) => c.id) });
  const page = await ctx.app.inject({ method: 'GET', url: `${pathOf(link.url)}?lang=en`, headers: HTML });
  t.equal(page.statusCode, 200);
  for (const verdict of ['revoked', 'suspended', 'expired']) t.match(page.body, `data-verdict="${verdict}"`);
  t.match(page.body, 'Status: revoked by the issuer.');
  t.match(page.body, 'Signature: intact.', 'a revoked credential still has an intact signature, and the page says both');
  t.match(page.body, 'This share link stays open until', 'the link\'s own expiry is stated apart from the credentials\'');
  const vp = await ctx.app.inject({ method: 'GET', url: `${pathOf(link.url)}?challenge=c`, headers: JSON_ACCEPT });
  t.equal(vp.statusCode, 200, 'machines get the presentation too, and judge it themselves');
  const verified = (await ctx.app.inject({ method: 'POST', url: '/presentations/verify', payload: { verifiablePresentation: vp.json(), options: { challenge: 'c' } } })).json();
  t.same(verified.checks, [{ id: 'presentation', valid: true, message: 'Holder signature valid (challenge and domain match)' }]);
  t.same(verified.credentialResults.map((r: any) => r.verified), [false, false, false]);
});

t.test('deleting a credential removes it from the wallet, and withdraws links left empty', async (t) => {
  const { ctx, walletPath, walletCredentialId } = await walletWithCredential(t);
  const { body: link } = await createShare(ctx, walletPath, { credentials: [walletCredentialId] });
  const deleted = await ctx.app.inject({ method: 'POST', url: `${walletPath}/credentials/${walletCredentialId}/delete`, headers: FORM, payload: '' });
  t.equal(deleted.statusCode, 303);
  const { body } = await walletJson(ctx, walletPath);
  t.same(body.credentials, []);
  t.equal(body.shareLinks[0]!.state, 'revoked');
  t.same(problemOf(await ctx.app.inject({ method: 'GET', url: pathOf(link.url), headers: JSON_ACCEPT })), { status: 410, code: 'share-link-revoked' });
  const again = await ctx.app.inject({ method: 'POST', url: `${walletPath}/credentials/${walletCredentialId}/delete`, headers: JSON_ACCEPT });
  t.equal(again.statusCode, 404);
  t.equal(again.json().code, 'unknown-wallet-credential');
});

t.test('a passphrase locks the wallet on other browsers; its actions then need the unlock cookie', async (t) => {
  const { ctx, walletPath, walletCredentialId } = await walletWithCredential(t);
  const short = await ctx.app.inject({ method: 'POST', url: `${walletPath}/passphrase`, headers: JSON_ACCEPT, payload: { passphrase: 'short' } });
  t.equal(short.statusCode, 400);
  t.equal(short.json().code, 'invalid-passphrase');
  const set = await ctx.app.inject({ method: 'POST', url: `${walletPath}/passphrase`, headers: JSON_ACCEPT, payload: { passphrase: 'tres temporadas en Huelva' } });
  t.match(String(set.headers['set-cookie']), /HttpOnly; SameSite=Strict/);
  const locked = await ctx.app.inject({ method: 'GET', url: walletPath, headers: HTML });
  t.equal(locked.statusCode, 401);
  t.match(locked.body, 'name="passphrase"');
  t.match(locked.body, 'data-code="wallet-locked"', 'the page names its state as the API does');
  t.notMatch(locked.body, 'Maçon', 'nothing of the wallet shows while locked');
  for (const url of [`${walletPath}/credentials/${walletCredentialId}/credential.json`]) {
    const response = await ctx.app.inject({ method: 'GET', url, headers: JSON_ACCEPT });
    t.equal(response.statusCode, 401);
    t.equal(response.json().code, 'wallet-locked');
  }
  const share = await createShare(ctx, walletPath, { credentials: [walletCredentialId] });
  t.same(problemOf(share.response), { status: 401, code: 'wallet-locked' });
  const attempts = [];
  for (let i = 0; i < 6; i++) attempts.push((await ctx.app.inject({ method: 'POST', url: `${walletPath}/unlock`, headers: JSON_ACCEPT, payload: { passphrase: `guess ${i}` } })).statusCode);
  t.same(attempts, [401, 401, 401, 401, 401, 429], 'five wrong passphrases, then wait');
  const waits: Array<string | undefined> = [];
  for (let i = 0; i < 3; i++) {
    const early = await ctx.app.inject({ method: 'POST', url: `${walletPath}/unlock`, headers: JSON_ACCEPT, payload: { passphrase: 'tres temporadas en Huelva' } });
    t.equal(early.json().code, 'too-many-attempts', 'even the right passphrase waits its turn');
    waits.push(early.headers['retry-after'] as string | undefined);
    ctx.clock.advance(Number(early.headers['retry-after']) * 1000);
    await ctx.app.inject({ method: 'POST', url: `${walletPath}/unlock`, headers: JSON_ACCEPT, payload: { passphrase: `guess ${i + 6}` } });
  }
  t.same(waits, ['1', '2', '4'], 'each wrong passphrase doubles the wait');
  ctx.clock.advance(8_000);
  const unlock = await ctx.app.inject({ method: 'POST', url: `${walletPath}/unlock`, headers: FORM, payload: 'passphrase=tres+temporadas+en+Huelva' });
  t.equal(unlock.statusCode, 303);
  const cookie = String(unlock.headers['set-cookie']).split(';')[0]!;
  const open = await ctx.app.inject({ method: 'GET', url: walletPath, headers: { ...HTML, cookie } });
  t.equal(open.statusCode, 200);
  t.match(open.body, 'Maçon');
  ctx.clock.advance(5 * 3600_000);
  t.equal((await ctx.app.inject({ method: 'GET', url: walletPath, headers: { ...HTML, cookie } })).statusCode, 401, 'the unlock lasts hours, not forever');
  const again = await ctx.app.inject({ method: 'POST', url: `${walletPath}/unlock`, headers: JSON_ACCEPT, payload: { passphrase: 'one more typo' } });
  t.equal(again.json().code, 'wrong-passphrase', 'a success clears the count');
});

t.test('unknown wallet links are 404 and count as guesses', async (t) => {
  const ctx = await buildTestApp(t);
  const response = await ctx.app.inject({ method: 'GET', url: `/w/${'B'.repeat(43)}`, headers: HTML });
  t.equal(response.statusCode, 404);
  t.match(response.body, 'data-code="unknown-wallet"');
  const share = await ctx.app.inject({ method: 'GET', url: '/s/nope', headers: JSON_ACCEPT });
  t.equal(share.statusCode, 404);
  t.equal(share.json().code, 'unknown-share-link');
});
