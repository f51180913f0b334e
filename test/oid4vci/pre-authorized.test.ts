import t, { type Test } from 'tap';
import { buildTestApp, openBadgeCredential, type TestApp } from '../helpers/app.js';
import { freePort } from '../helpers/ports.js';
import { HTML, issueFor, pathOf, setStatus } from '../helpers/wallet.js';
import { WalletApp } from '../helpers/walletApp.js';
import { waitForBatch } from '../helpers/batches.js';
import { MASONRY_ACHIEVEMENT, cohort, toCsv } from '../fixtures/batches/cohort.js';

type Json = Record<string, any>;
const DAY_MS = 86_400_000;

/** A service listening on the loopback, whose public base URL is the address a wallet app reaches. */
async function listeningApp(t: Test): Promise<{ ctx: TestApp; base: string; auth: Json }> {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const ctx = await buildTestApp(t, { PASSERELLE_BASE_URL: base });
  await ctx.app.listen({ host: '127.0.0.1', port });
  const { auth } = await ctx.issuer('ofppt-casa');
  return { ctx, base, auth };
}

/** Issues for a person and reads the claim link's credential offer, as the QR code on the claim page carries it. */
async function offerFor(ctx: TestApp, auth: Json, options: { holder?: Json; credentialStatus?: Json } = {}) {
  const { vc, claimOffer } = await issueFor(ctx, auth, {
    holder: { name: 'Fatima Zahra El Idrissi', phone: '+212 612 345 678', ...options.holder }, ...(options.credentialStatus ? { credentialStatus: options.credentialStatus } : {}),
  });
  const claim = await ctx.app.inject({ method: 'GET', url: `${pathOf(claimOffer.url)}?lang=en`, headers: { accept: 'application/json' } });
  const link = claim.json().credentialOffer as string;
  return { vc, claimOffer: claimOffer as typeof claimOffer & { txCode?: string }, link, offer: WalletApp.offerOf(link) };
}

/** What the wallet app reads once it has the offer: the issuer's metadata and its authorization server's. */
async function discover(offer: Json) {
  const issuer = await WalletApp.wellKnown(offer.credential_issuer, 'openid-credential-issuer');
  const server = await WalletApp.wellKnown(offer.credential_issuer, 'oauth-authorization-server');
  return { issuer, server };
}

/** The whole flow: offer → token → nonce → credential with one proof per wallet key. */
async function receive(offer: Json, configurationId: string, wallets: WalletApp[], txCode?: string) {
  const { issuer, server } = await discover(offer);
  const grant = offer.grants['urn:ietf:params:oauth:grant-type:pre-authorized_code'];
  const token = await WalletApp.token(server.token_endpoint, grant['pre-authorized_code'], txCode);
  if (token.status !== 200) throw new Error(`token: ${JSON.stringify(token.body)}`);
  const nonce = await WalletApp.nonce(issuer.nonce_endpoint);
  const proofs = await Promise.all(wallets.map((wallet) => wallet.proof(issuer.credential_issuer, nonce)));
  return WalletApp.credential(issuer.credential_endpoint, token.body.access_token, { credential_configuration_id: configurationId, proofs: { jwt: proofs } });
}

async function verify(base: string, verifiableCredential: unknown) {
  const response = await fetch(`${base}/credentials/verify`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ verifiableCredential }),
  });
  return await response.json() as Json;
}

const enveloped = (jwt: string) => ({ '@context': ['https://www.w3.org/ns/credentials/v2'], type: 'EnvelopedVerifiableCredential', id: `data:application/vc+jwt,${jwt}` });
const decodedPayload = (jwt: string) => JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString('utf8')) as Json;

t.test('metadata: one credential issuer per organisation, its own authorization server', async (t) => {
  const { base } = await listeningApp(t);
  const issuer = await WalletApp.wellKnown(`${base}/orgs/ofppt-casa`, 'openid-credential-issuer');
  t.equal(issuer.credential_issuer, `${base}/orgs/ofppt-casa`);
  t.equal(issuer.credential_endpoint, `${base}/orgs/ofppt-casa/oid4vci/credential`);
  t.equal(issuer.nonce_endpoint, `${base}/orgs/ofppt-casa/oid4vci/nonce`);
  t.equal(issuer.batch_credential_issuance.batch_size, 10);
  t.same(issuer.display.find((d: Json) => d.locale === 'fr'), { name: 'Centre ofppt-casa', locale: 'fr' });
  const ldp = issuer.credential_configurations_supported.OpenBadgeCredential_ldp_vc;
  t.equal(ldp.format, 'ldp_vc');
  t.same(ldp.credential_definition.type, ['VerifiableCredential', 'OpenBadgeCredential']);
  t.same(ldp.proof_types_supported.jwt.proof_signing_alg_values_supported, ['ES256', 'EdDSA']);
  t.equal(issuer.credential_configurations_supported.OpenBadgeCredential_jwt_vc_json.format, 'jwt_vc_json');
  const sdJwt = issuer.credential_configurations_supported['OpenBadgeCredential_dc+sd-jwt'];
  t.equal(sdJwt.format, 'dc+sd-jwt');
  t.equal(sdJwt.vct, `${base}/vct/achievement`);
  t.notOk(issuer.credential_configurations_supported['VerifiableCredential_dc+sd-jwt'], 'SD-JWT VC for achievements only');
  const server = await WalletApp.wellKnown(`${base}/orgs/ofppt-casa`, 'oauth-authorization-server');
  t.equal(server.issuer, `${base}/orgs/ofppt-casa`);
  t.equal(server.token_endpoint, `${base}/orgs/ofppt-casa/oid4vci/token`);
  t.equal(server['pre-authorized_grant_anonymous_access_supported'], true);
  const unknown = await fetch(`${base}/.well-known/openid-credential-issuer/orgs/nobody`);
  t.equal(unknown.status, 404);
  t.equal((await unknown.json() as Json).code, 'unknown-organisation');
});

t.test('ldp_vc: a P-256 did:key wallet receives the Data Integrity credential, bound to its DID, and it verifies', async (t) => {
  const { ctx, base, auth } = await listeningApp(t);
  const { vc, claimOffer, offer } = await offerFor(ctx, auth);
  t.equal(offer.credential_issuer, `${base}/orgs/ofppt-casa`);
  t.same(offer.credential_configuration_ids, ['OpenBadgeCredential_ldp_vc', 'OpenBadgeCredential_jwt_vc_json', 'OpenBadgeCredential_dc+sd-jwt']);
  t.notOk(offer.grants['urn:ietf:params:oauth:grant-type:pre-authorized_code'].tx_code, 'no transaction code asked');
  const wallet = await WalletApp.create('ES256', 'did:key');
  const response = await receive(offer, 'OpenBadgeCredential_ldp_vc', [wallet]);
  t.equal(response.status, 200);
  t.equal(response.headers.get('cache-control'), 'no-store');
  t.equal(response.body.credentials.length, 1);
  const credential = response.body.credentials[0].credential as Json;
  t.equal(credential.id, vc.id, 'the same credential');
  t.same(credential.credentialStatus, vc.credentialStatus, 'the same status entries');
  t.equal(credential.credentialSubject.id, wallet.did, 'bound to the wallet key');
  t.equal(credential.proof.cryptosuite, 'eddsa-rdfc-2022');
  const verified = await verify(base, credential);
  t.equal(verified.verified, true);
  const deliveries = await ctx.services.repos.oid4vci.deliveriesOf(vc.id);
  t.equal(deliveries.length, 1);
  t.equal(deliveries[0]!.format, 'ldp_vc');
  const claim = await ctx.app.inject({ method: 'GET', url: `${pathOf(claimOffer.url)}?lang=en`, headers: { accept: 'application/json' } });
  t.equal(claim.statusCode, 410, 'the claim link is used up');
  t.equal(claim.json().code, 'claim-used');

  await setStatus(ctx, auth, vc.id, 'revocation', true);
  const revoked = await verify(base, credential);
  t.equal(revoked.verified, false, 'revoking the credential revokes the wallet copy');
  t.equal(revoked.checks.find((c: Json) => c.id === 'status').valid, false);
});

t.test('jwt_vc_json with a transaction code: an Ed25519 did:jwk wallet receives the JWT, and it verifies', async (t) => {
  const { ctx, base, auth } = await listeningApp(t);
  const { vc, claimOffer, offer } = await offerFor(ctx, auth, { holder: { txCode: true } });
  t.match(claimOffer.txCode, /^\d{6}$/, 'the issuer gets the transaction code once');
  t.same(offer.grants['urn:ietf:params:oauth:grant-type:pre-authorized_code'].tx_code, {
    input_mode: 'numeric', length: 6, description: 'The six-digit code the issuer gave you with the credential',
  });
  const wallet = await WalletApp.create('EdDSA', 'did:jwk');
  const response = await receive(offer, 'OpenBadgeCredential_jwt_vc_json', [wallet], claimOffer.txCode);
  t.equal(response.status, 200);
  const jwt = response.body.credentials[0].credential as string;
  t.type(jwt, 'string');
  const payload = decodedPayload(jwt);
  t.equal(payload.id, vc.id);
  t.equal(payload.credentialSubject.id, wallet.did);
  t.equal((await verify(base, enveloped(jwt))).verified, true);
});

t.test('dc+sd-jwt: the SD-JWT VC is bound to the wallet key (cnf.jwk) and shares the credential\'s revocation and suspension', async (t) => {
  const { ctx, base, auth } = await listeningApp(t);
  const { vc, offer } = await offerFor(ctx, auth);
  const wallet = await WalletApp.create('ES256', 'did:key');
  const response = await receive(offer, 'OpenBadgeCredential_dc+sd-jwt', [wallet]);
  t.equal(response.status, 200);
  const sdJwt = response.body.credentials[0].credential as string;
  t.match(sdJwt, /^[\w-]+\.[\w-]+\.[\w-]+~/, 'a compact SD-JWT with disclosures');
  const payload = decodedPayload(sdJwt.split('~')[0]!);
  t.equal(payload.jti, vc.id, 'the same credential');
  t.same(payload.cnf.jwk, wallet.publicJwk, 'bound to the wallet key');
  t.ok(payload.status.status_list.uri, 'a Token Status List entry');
  t.equal((await verify(base, sdJwt)).verified, true);
  t.equal((await ctx.services.repos.oid4vci.deliveriesOf(vc.id))[0]!.format, 'dc+sd-jwt');

  await setStatus(ctx, auth, vc.id, 'revocation', true);
  const revoked = await verify(base, sdJwt);
  t.equal(revoked.verified, false, 'revoking the credential revokes the SD-JWT VC copy');
  t.match(revoked.checks.find((c: Json) => c.id === 'status'), { valid: false, message: /Revoked/ });
});

t.test('dc+sd-jwt of a suspended credential starts suspended, and lifting the suspension lifts it for every copy', async (t) => {
  const { ctx, base, auth } = await listeningApp(t);
  const { vc, offer } = await offerFor(ctx, auth, { credentialStatus: [{ type: 'BitstringStatusListEntry', statusPurpose: 'suspension' }] });
  await setStatus(ctx, auth, vc.id, 'suspension', true);
  const response = await receive(offer, 'OpenBadgeCredential_dc+sd-jwt', [await WalletApp.create('EdDSA', 'jwk')]);
  const sdJwt = response.body.credentials[0].credential as string;
  t.match((await verify(base, sdJwt)).checks.find((c: Json) => c.id === 'status'), { valid: false, message: /Suspended/ });
  await setStatus(ctx, auth, vc.id, 'suspension', false);
  t.equal((await verify(base, sdJwt)).verified, true);
});

t.test('a batch request: one copy per proof, each bound to its own key', async (t) => {
  const { ctx, auth } = await listeningApp(t);
  const { offer } = await offerFor(ctx, auth);
  const wallets = [await WalletApp.create('ES256', 'jwk'), await WalletApp.create('EdDSA', 'did:key')];
  const response = await receive(offer, 'OpenBadgeCredential_ldp_vc', wallets);
  t.equal(response.status, 200);
  t.same(response.body.credentials.map((c: Json) => c.credential.credentialSubject.id), wallets.map((w) => w.did));
  t.match(wallets[0]!.did, /^did:jwk:/, 'a bare jwk is named by its did:jwk');
});

t.test('the token endpoint refuses what the spec says to refuse', async (t) => {
  const { ctx, auth } = await listeningApp(t);
  const { claimOffer, offer } = await offerFor(ctx, auth, { holder: { txCode: true } });
  const { server } = await discover(offer);
  const code = offer.grants['urn:ietf:params:oauth:grant-type:pre-authorized_code']['pre-authorized_code'] as string;
  const wrongCode = claimOffer.txCode === '000000' ? '111111' : '000000';

  const wrong = await WalletApp.token(server.token_endpoint, code, wrongCode);
  t.equal(wrong.status, 400);
  t.equal(wrong.body.error, 'invalid_grant', 'wrong transaction code');
  const missing = await WalletApp.token(server.token_endpoint, code);
  t.equal(missing.status, 400);
  t.equal(missing.body.error, 'invalid_request', 'missing transaction code');
  const unknown = await WalletApp.token(server.token_endpoint, 'A'.repeat(43));
  t.equal(unknown.status, 400);
  t.equal(unknown.body.error, 'invalid_grant', 'unknown code');

  const first = await WalletApp.token(server.token_endpoint, code, claimOffer.txCode);
  t.equal(first.status, 200);
  t.equal(first.body.token_type, 'Bearer');
  const replayed = await WalletApp.token(server.token_endpoint, code, claimOffer.txCode);
  t.equal(replayed.status, 400);
  t.equal(replayed.body.error, 'invalid_grant', 'replayed pre-authorized code');
  const webClaim = await ctx.app.inject({ method: 'POST', url: pathOf(claimOffer.url), headers: { accept: 'application/json' }, payload: {} });
  t.equal(webClaim.statusCode, 410, 'the web wallet cannot take it too');
  t.equal(webClaim.json().code, 'claim-used');

  const grantType = await fetch(server.token_endpoint, {
    method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'grant_type=authorization_code&code=x',
  });
  t.equal(grantType.status, 400);
  t.equal((await grantType.json() as Json).error, 'unsupported_grant_type');
});

t.test('an expired offer, and an offer already taken by a web wallet, give invalid_grant', async (t) => {
  const { ctx, auth } = await listeningApp(t);
  const expiring = await offerFor(ctx, auth, { holder: { claimValidForDays: 1 } });
  const taken = await offerFor(ctx, auth);
  const { server } = await discover(expiring.offer);
  await ctx.app.inject({ method: 'POST', url: pathOf(taken.claimOffer.url), headers: { accept: 'application/json' }, payload: {} });
  ctx.clock.advance(DAY_MS + 1000);
  const codeOf = (offer: Json) => offer.grants['urn:ietf:params:oauth:grant-type:pre-authorized_code']['pre-authorized_code'] as string;
  const expired = await WalletApp.token(server.token_endpoint, codeOf(expiring.offer));
  t.equal(expired.status, 400);
  t.equal(expired.body.error, 'invalid_grant');
  t.match(expired.body.error_description, /expired/);
  const used = await WalletApp.token(server.token_endpoint, codeOf(taken.offer));
  t.equal(used.status, 400);
  t.equal(used.body.error, 'invalid_grant');
  t.match(used.body.error_description, /used/);
});

t.test('the credential endpoint refuses stale nonces, foreign proofs and bad tokens', async (t) => {
  const { ctx, auth } = await listeningApp(t);
  const { offer } = await offerFor(ctx, auth);
  const { issuer, server } = await discover(offer);
  const code = offer.grants['urn:ietf:params:oauth:grant-type:pre-authorized_code']['pre-authorized_code'] as string;
  const token = (await WalletApp.token(server.token_endpoint, code)).body.access_token as string;
  const wallet = await WalletApp.create('ES256', 'did:key');
  const request = (proofs: string[], configurationId = 'OpenBadgeCredential_ldp_vc') =>
    WalletApp.credential(issuer.credential_endpoint, token, { credential_configuration_id: configurationId, proofs: { jwt: proofs } });

  const noToken = await WalletApp.credential(issuer.credential_endpoint, 'B'.repeat(43), { credential_configuration_id: 'OpenBadgeCredential_ldp_vc' });
  t.equal(noToken.status, 401);
  t.equal(noToken.body.error, 'invalid_token');
  t.match(noToken.headers.get('www-authenticate'), /^Bearer error="invalid_token"/);

  const unknownConfiguration = await request([await wallet.proof(issuer.credential_issuer, await WalletApp.nonce(issuer.nonce_endpoint))], 'Diploma_mso_mdoc');
  t.equal(unknownConfiguration.status, 400);
  t.equal(unknownConfiguration.body.error, 'unknown_credential_configuration');

  const stale = await WalletApp.nonce(issuer.nonce_endpoint);
  ctx.clock.advance(301_000);
  const staleNonce = await request([await wallet.proof(issuer.credential_issuer, stale)]);
  t.equal(staleNonce.status, 400);
  t.equal(staleNonce.body.error, 'invalid_nonce', 'stale nonce');
  const invented = await request([await wallet.proof(issuer.credential_issuer, 'C'.repeat(43))]);
  t.equal(invented.body.error, 'invalid_nonce', 'a nonce the issuer never gave');
  const noNonce = await request([await wallet.proof(issuer.credential_issuer, undefined)]);
  t.equal(noNonce.body.error, 'invalid_nonce', 'no nonce');

  const other = await WalletApp.create('ES256', 'did:key');
  const foreign = await request([await wallet.proof(issuer.credential_issuer, await WalletApp.nonce(issuer.nonce_endpoint), { signWith: other })]);
  t.equal(foreign.status, 400);
  t.equal(foreign.body.error, 'invalid_proof', 'proof signed by another key than the one it names');
  const wrongAudience = await request([await wallet.proof('https://elsewhere.example', await WalletApp.nonce(issuer.nonce_endpoint))]);
  t.equal(wrongAudience.body.error, 'invalid_proof', 'proof for another issuer');
  const noProof = await WalletApp.credential(issuer.credential_endpoint, token, { credential_configuration_id: 'OpenBadgeCredential_ldp_vc' });
  t.equal(noProof.body.error, 'invalid_proof', 'no proof');

  const nonce = await WalletApp.nonce(issuer.nonce_endpoint);
  const delivered = await request([await wallet.proof(issuer.credential_issuer, nonce)]);
  t.equal(delivered.status, 200, 'the same token still works after refused requests');
  const again = await request([await wallet.proof(issuer.credential_issuer, await WalletApp.nonce(issuer.nonce_endpoint))]);
  t.equal(again.status, 401);
  t.equal(again.body.error, 'invalid_token', 'the token opens nothing once the credential is delivered');
  const replayedNonce = await WalletApp.credential(issuer.credential_endpoint, token, { credential_configuration_id: 'OpenBadgeCredential_ldp_vc', proofs: { jwt: [await wallet.proof(issuer.credential_issuer, nonce)] } });
  t.equal(replayedNonce.status, 401);
});

/** Wrong transaction codes for one offer, one after the other; the statuses answered. */
async function wrongTxCodes(tokenEndpoint: string, offer: Json, txCode: string, times: number) {
  const code = offer.grants['urn:ietf:params:oauth:grant-type:pre-authorized_code']['pre-authorized_code'] as string;
  const wrongCode = txCode === '000000' ? '111111' : '000000';
  const answers = [];
  for (let attempt = 0; attempt < times; attempt++) answers.push(await WalletApp.token(tokenEndpoint, code, wrongCode));
  return { code, answers };
}

t.test('wrong transaction codes for one offer: five, then a wait before any code is taken, then the right one works', async (t) => {
  const { ctx, auth } = await listeningApp(t);
  const { claimOffer, offer } = await offerFor(ctx, auth, { holder: { txCode: true } });
  const { server } = await discover(offer);
  const { code, answers } = await wrongTxCodes(server.token_endpoint, offer, claimOffer.txCode!, 6);
  t.same(answers.map((answer) => answer.status), [400, 400, 400, 400, 400, 429], 'five wrong codes, then wait');
  t.equal(answers[5]!.body.error, 'invalid_grant');
  t.ok(Number(answers[5]!.headers.get('retry-after')) > 0, 'says when to try again');
  const rightButEarly = await WalletApp.token(server.token_endpoint, code, claimOffer.txCode);
  t.equal(rightButEarly.status, 429, 'even the right code waits: a guess cannot tell which one it was');
  ctx.clock.advance(2000);
  t.equal((await WalletApp.token(server.token_endpoint, code, claimOffer.txCode)).status, 200, 'the holder gets in after the wait');
});

t.test('wrong transaction codes over several offers count against the client address', async (t) => {
  const { ctx, auth } = await listeningApp(t);
  const statuses: number[] = [];
  // 30 failures per address and window: six offers of five wrong codes each, then one more.
  for (let offerNumber = 0; offerNumber < 7; offerNumber++) {
    const { claimOffer, offer } = await offerFor(ctx, auth, { holder: { txCode: true } });
    const { server } = await discover(offer);
    const { answers } = await wrongTxCodes(server.token_endpoint, offer, claimOffer.txCode!, offerNumber < 6 ? 5 : 1);
    statuses.push(...answers.map((answer) => answer.status));
  }
  t.equal(statuses.indexOf(429), 30, 'thirty ordinary refusals, then the address is over its budget, on a fresh offer');
});

t.test('the claim page offers the wallet app beside the web wallet, without the transaction code', async (t) => {
  const { ctx, base, auth } = await listeningApp(t);
  const { claimOffer } = await offerFor(ctx, auth, { holder: { txCode: true } });
  const claimCode = pathOf(claimOffer.url).split('/').pop();
  for (const lang of ['fr', 'ar', 'es', 'en']) {
    const page = await ctx.app.inject({ method: 'GET', url: `${pathOf(claimOffer.url)}?lang=${lang}`, headers: HTML });
    t.equal(page.statusCode, 200);
    t.match(page.body, /<form method="post"[^>]*class="primary">/, `${lang}: the web wallet`);
    const href = /<a class="button" href="([^"]+)" data-offer>/.exec(page.body)?.[1]?.replaceAll('&amp;', '&');
    const offer = WalletApp.offerOf(href ?? 'missing:');
    t.equal(offer.credential_issuer, `${base}/orgs/ofppt-casa`, `${lang}: the openid-credential-offer link`);
    t.equal(offer.grants['urn:ietf:params:oauth:grant-type:pre-authorized_code']['pre-authorized_code'], claimCode, `${lang}: for this claim`);
    t.match(page.body, /<div class="qr"><svg/, `${lang}: its QR code`);
    t.match(page.body, /data-tx-code/, `${lang}: says a code will be asked`);
    const text = page.body.replace(/<svg[\s\S]*?<\/svg>/g, '').replace(/href="[^"]*"/g, '');
    t.notOk(text.includes(claimOffer.txCode!), `${lang}: never the code itself`);
  }
});

t.test('a batch row\'s claim link offers the wallet app too, and the wallet app receives that row\'s credential', async (t) => {
  const { ctx, base, auth } = await listeningApp(t);
  await ctx.app.inject({ method: 'POST', url: '/orgs/ofppt-casa/achievements', headers: auth, payload: MASONRY_ACHIEVEMENT });
  const accepted = await ctx.app.inject({ method: 'POST', url: '/batches?achievement=macon-cnc3', headers: { ...auth, 'content-type': 'text/csv' }, payload: toCsv(cohort(1)) });
  t.equal(accepted.statusCode, 202);
  const [row] = (await waitForBatch(ctx.app, auth, accepted.json().id)).rows as Json[];
  const page = await ctx.app.inject({ method: 'GET', url: pathOf(row!.claimUrl), headers: HTML });
  const href = /<a class="button" href="([^"]+)" data-offer>/.exec(page.body)?.[1]?.replaceAll('&amp;', '&');
  const offer = WalletApp.offerOf(href ?? 'missing:');
  const wallet = await WalletApp.create('ES256', 'did:jwk');
  const response = await receive(offer, 'OpenBadgeCredential_ldp_vc', [wallet]);
  t.equal(response.status, 200);
  const credential = response.body.credentials[0].credential as Json;
  t.equal(credential.id, row!.credentialId, 'the row\'s credential');
  t.equal((await verify(base, credential)).verified, true);
});

t.test('issuing with options.holder.txCode refuses a non-boolean', async (t) => {
  const { ctx, auth } = await listeningApp(t);
  const response = await ctx.app.inject({
    method: 'POST', url: '/credentials/issue', headers: auth,
    payload: { credential: openBadgeCredential(), options: { issuer: 'organisation', holder: { name: 'Ama', phone: '+233 20 123 4567', txCode: 'yes' } } },
  });
  t.equal(response.statusCode, 400);
  t.equal(response.json().code, 'invalid-request');
});
