import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import { buildTestApp, buildTestApps, openBadgeCredential, type TestApp } from '../helpers/app.js';
import { FORM, HTML, JSON_ACCEPT, pathOf } from '../helpers/wallet.js';
import { problemOf } from '../helpers/problems.js';
import { SimulatedWallet } from '../helpers/oid4vpWallet.js';

type Json = Record<string, any>;
const DAY = 86_400_000;

const bricklayerIsco = (code: string) => openBadgeCredential({
  credentialSubject: {
    ...(openBadgeCredential() as Json).credentialSubject,
    achievement: {
      ...(openBadgeCredential() as Json).credentialSubject.achievement,
      alignment: [
        { type: ['Alignment'], targetName: 'EQF level 3', targetUrl: 'http://data.europa.eu/snb/eqf/3', targetFramework: 'EQF', targetCode: '3' },
        { type: ['Alignment'], targetName: 'Bricklayers and related workers', targetFramework: 'ISCO-08', targetCode: code },
      ],
    },
  },
});

async function issue(ctx: TestApp, auth: Json, credential: Json = openBadgeCredential(), format?: string) {
  const response = await ctx.app.inject({
    method: 'POST', url: '/credentials/issue', headers: auth, payload: { credential, options: { issuer: 'organisation', ...(format ? { format } : {}) } },
  });
  if (response.statusCode !== 201) throw new Error(response.body);
  return response.json().verifiableCredential as Json;
}

async function createRequest(ctx: TestApp, body: Json) {
  const response = await ctx.app.inject({ method: 'POST', url: '/presentation-requests', headers: JSON_ACCEPT, payload: body });
  return { response, body: response.json() as Json };
}

async function result(ctx: TestApp, url: string) {
  const response = await ctx.app.inject({ method: 'GET', url: pathOf(url), headers: JSON_ACCEPT });
  return response.json() as Json;
}

/** An accreditation for EQF level 3 by a recognition authority of this service. */
async function accredit(ctx: TestApp, issuerDid: string) {
  await ctx.createOrganisation('incual', { kind: 'recognition-authority', country: 'ES', name: { es: 'INCUAL', en: 'INCUAL (Spain)' } });
  const auth = { authorization: `Bearer ${await ctx.tokenFor('incual', ['issue'])}` };
  const validUntil = new Date(ctx.clock.current.getTime() + 365 * DAY).toISOString();
  const granted = await ctx.app.inject({ method: 'POST', url: '/orgs/incual/accreditations', headers: auth, payload: { issuer: issuerDid, scope: { level: 'eqf:3' }, validUntil } });
  if (granted.statusCode !== 201) throw new Error(granted.body);
}

t.test('Data Integrity presentation: request signed by the service DID, wallet answers, the employer reads the report', async (t) => {
  const ctx = await buildTestApp(t);
  const issuer = await ctx.issuer();
  await accredit(ctx, issuer.did);
  const vc = await issue(ctx, issuer.auth);
  const wallet = new SimulatedWallet(ctx.app);

  const { response, body: created } = await createRequest(ctx, { preset: { id: 'achievement-level', value: '3' }, framework: 'es-mecu' });
  t.equal(response.statusCode, 201, 'created', { body: response.body });
  t.match(created.authorizationRequest, /^openid4vp:\/\/\?client_id=decentralized_identifier%3Adid%3Akey%3Az[^&]+&request_uri=http%3A%2F%2Fpasserelle\.test%2Foid4vp%2Frequests%2F/);
  t.match(created.qrCodeSvg, /^<svg /);
  t.match(created.url, /^http:\/\/passerelle\.test\/presentation-requests\/[A-Za-z0-9_-]{43}$/);

  const request = await wallet.open(created.authorizationRequest);
  t.equal(request.requestObject?.signedBy, await ctx.services.sharePresenter.did(), 'signed by the service\'s own did:key');
  t.equal(request.requestObject?.header.typ, 'oauth-authz-req+jwt');
  t.equal(request.payload.aud, 'https://self-issued.me/v2');
  t.equal(request.payload.response_mode, 'direct_post');
  t.same(request.payload.dcql_query.credential_sets, [{ options: [['achievement'], ['achievement_jwt'], ['achievement_sd_jwt']] }]);
  t.equal((await result(ctx, created.url)).state, 'pending');

  const presentation = wallet.dataIntegrityPresentation([vc], { challenge: request.payload.nonce, domain: request.clientId });
  const answer = await wallet.answer(request, { vp_token: { achievement: [presentation] } });
  t.equal(answer.statusCode, 200, 'answer accepted', { body: answer.body });
  t.same(answer.json(), {});

  const outcome = await result(ctx, created.url);
  t.equal(outcome.state, 'answered');
  t.equal(outcome.result.credentials.length, 1);
  const [answered] = outcome.result.credentials;
  t.equal(answered.queryId, 'achievement');
  t.equal(answered.report.verdict, 'valid');
  t.notOk(answered.mismatch, 'answers the query');
  t.same(answered.requirement, { met: true, reason: 'met', level: '3' });
  t.equal(answered.report.recognition.destination.framework, 'es-mecu', 'recognition in the country the employer chose');
  t.same(outcome.result.unanswered, []);

  const page = await ctx.app.inject({ method: 'GET', url: `${pathOf(created.url)}?lang=en`, headers: HTML });
  t.equal(page.statusCode, 200);
  t.match(page.body, 'data-requirement="met"');
  t.match(page.body, 'data-verdict="valid"');
  t.notMatch(page.body, 'http-equiv="refresh"', 'an answered page stops refreshing');

  const replay = await wallet.answer(request, { vp_token: { achievement: [presentation] } });
  t.equal(replay.statusCode, 400, 'a replayed response is refused');
  t.equal(replay.json().error, 'invalid_request');
  t.match(replay.json().error_description, /answered already/);
  t.equal(replay.headers['content-type'], 'application/json; charset=utf-8', 'OAuth error JSON, not problem+json');
});

t.test('JWT presentation by value (redirect_uri), encrypted answer (direct_post.jwt), occupation preset', async (t) => {
  const ctx = await buildTestApp(t);
  const issuer = await ctx.issuer();
  const envelope = await issue(ctx, issuer.auth, bricklayerIsco('7112'), 'vc+jwt');
  const credentialJwt = String(envelope.id).replace('data:application/vc+jwt,', '');
  const wallet = new SimulatedWallet(ctx.app);

  const { response: createdResponse, body: created } = await createRequest(ctx, { preset: { id: 'occupation', value: '7112' }, clientIdPrefix: 'redirect_uri', responseMode: 'direct_post.jwt' });
  t.equal(createdResponse.statusCode, 201, 'created', { body: createdResponse.body });
  const request = await wallet.open(created.authorizationRequest);
  t.notOk(request.requestObject, 'a redirect_uri request is sent by value, unsigned');
  t.equal(created.qrCodeSvg, null, 'too long for a QR code: the same-device link only');
  t.equal(request.clientId, `redirect_uri:${request.payload.response_uri}`);
  t.equal(request.payload.client_metadata.jwks.keys[0].alg, 'ECDH-ES');
  t.notOk(request.payload.client_metadata.jwks.keys[0].d, 'only the public key is sent');

  const vp = await wallet.jwtPresentation([credentialJwt], { nonce: request.payload.nonce, audience: request.clientId });
  const answer = await wallet.answer(request, { vp_token: { occupation_jwt: [vp] } });
  t.equal(answer.statusCode, 200, 'encrypted answer accepted', { body: answer.body });
  const outcome = await result(ctx, created.url);
  t.equal(outcome.result.credentials[0].queryId, 'occupation_jwt');
  t.equal(outcome.result.credentials[0].report.verdict, 'valid');
  t.equal(outcome.result.credentials[0].report.format, 'vc+jwt');
  t.notOk(outcome.result.credentials[0].mismatch);
});

t.test('SD-JWT VC with key binding: only the disclosures the holder chose reach the report; a key binding for another verifier is refused', async (t) => {
  const ctx = await buildTestApp(t);
  const issuer = await ctx.issuer();
  const wallet = new SimulatedWallet(ctx.app);
  const issued = await ctx.app.inject({
    method: 'POST', url: '/credentials/issue', headers: issuer.auth,
    payload: { credential: bricklayerIsco('7112'), options: { issuer: 'organisation', format: 'dc+sd-jwt', holderJwk: wallet.publicJwk } },
  });
  t.equal(issued.statusCode, 201, 'issued', { body: issued.body });
  const sdJwt = issued.json().verifiableCredential as string;
  // The alignments (the level and the occupation) and nothing personal: no name, no results, no evidence.
  const onlyAlignments = (disclosure: unknown[]) => disclosure.length === 2 && typeof (disclosure[1] as Json)?.targetFramework === 'string';

  const { body: created } = await createRequest(ctx, { preset: { id: 'occupation', value: '7112' } });
  const request = await wallet.open(created.authorizationRequest);
  t.same(request.payload.client_metadata.vp_formats_supported['dc+sd-jwt']['kb-jwt_alg_values'], ['EdDSA', 'ES256']);
  const elsewhere = await wallet.sdJwtPresentation(sdJwt, onlyAlignments, { nonce: request.payload.nonce, audience: 'https://another-verifier.example' });
  const refused = await wallet.answer(request, { vp_token: { occupation_sd_jwt: [elsewhere] } });
  t.equal(refused.statusCode, 400, 'a key binding made for another verifier');
  t.equal(refused.json().error, 'invalid_request', 'another verifier: error code');
  t.match(refused.json().error_description, /audience/);

  const shown = await wallet.sdJwtPresentation(sdJwt, onlyAlignments, { nonce: request.payload.nonce, audience: request.clientId });
  const answer = await wallet.answer(request, { vp_token: { occupation_sd_jwt: [shown] } });
  t.equal(answer.statusCode, 200, 'accepted', { body: answer.body });
  const [answered] = (await result(ctx, created.url)).result.credentials;
  t.equal(answered.queryId, 'occupation_sd_jwt');
  t.notOk(answered.mismatch, 'the disclosed alignment answers the query');
  t.equal(answered.report.format, 'dc+sd-jwt');
  t.equal(answered.report.verdict, 'valid');
  t.notOk(answered.report.credential.credentialSubject.identifier, 'the name was not disclosed, so the employer does not see it');
  t.notOk(answered.report.credential.evidence, 'nor the evidence');
  t.match(answered.report.mapping.occupations, [{ code: '7112' }]);
});

t.test('a credential that does not answer the query is reported as such; a lower level does not meet the request', async (t) => {
  const ctx = await buildTestApp(t);
  const issuer = await ctx.issuer();
  const wallet = new SimulatedWallet(ctx.app);
  const vc = await issue(ctx, issuer.auth, bricklayerIsco('7115'));

  const { body: occupation } = await createRequest(ctx, { preset: { id: 'occupation', value: '7112' } });
  const request = await wallet.open(occupation.authorizationRequest);
  const vp = wallet.dataIntegrityPresentation([vc], { challenge: request.payload.nonce, domain: request.clientId });
  t.equal((await wallet.answer(request, { vp_token: { occupation: [vp] } })).statusCode, 200);
  const [answered] = (await result(ctx, occupation.url)).result.credentials;
  t.match(answered.mismatch, /credentialSubject\.achievement\.alignment\.\*\.targetCode with the value 7112/);
  t.equal(answered.report.verdict, 'valid', 'still verified and reported');
  const page = await ctx.app.inject({ method: 'GET', url: `${pathOf(occupation.url)}?lang=fr`, headers: HTML });
  t.match(page.body, 'data-match="no"');

  const { body: level } = await createRequest(ctx, { preset: { id: 'achievement-level', value: '4' } });
  const levelRequest = await wallet.open(level.authorizationRequest);
  const levelVp = wallet.dataIntegrityPresentation([vc], { challenge: levelRequest.payload.nonce, domain: levelRequest.clientId });
  t.equal((await wallet.answer(levelRequest, { vp_token: { achievement: [levelVp] } })).statusCode, 200);
  t.same((await result(ctx, level.url)).result.credentials[0].requirement, { met: false, reason: 'level-too-low', level: '3' });
});

t.test('a credential bound to one holder\'s DID, presented by another wallet, is reported as someone else\'s', async (t) => {
  const ctx = await buildTestApp(t);
  const issuer = await ctx.issuer();
  const owner = new SimulatedWallet(ctx.app);
  const other = new SimulatedWallet(ctx.app);
  const credential = openBadgeCredential() as Json;
  credential.credentialSubject = { ...credential.credentialSubject, id: owner.did };
  const vc = await issue(ctx, issuer.auth, credential);
  const presentedBy = async (wallet: SimulatedWallet) => {
    const { body: created } = await createRequest(ctx, { preset: { id: 'achievement-level', value: '3' } });
    const request = await wallet.open(created.authorizationRequest);
    const answer = await wallet.answer(request, { vp_token: { achievement: [wallet.dataIntegrityPresentation([vc], { challenge: request.payload.nonce, domain: request.clientId })] } });
    t.equal(answer.statusCode, 200, 'answered');
    return { answered: (await result(ctx, created.url)).result.credentials[0], url: created.url };
  };
  t.notOk((await presentedBy(owner)).answered.issuedToAnother, 'its own holder');
  const stolen = await presentedBy(other);
  t.same(stolen.answered.issuedToAnother, [owner.did], 'another holder');
  const page = await ctx.app.inject({ method: 'GET', url: `${pathOf(stolen.url)}?lang=en`, headers: HTML });
  t.match(page.body, 'data-holder="another"');
});

t.test('refused answers: wrong nonce, wrong audience, unknown query, expired request; the request stays open until answered right', async (t) => {
  const ctx = await buildTestApp(t);
  const issuer = await ctx.issuer();
  const vc = await issue(ctx, issuer.auth);
  const wallet = new SimulatedWallet(ctx.app);
  const { body: created } = await createRequest(ctx, { preset: { id: 'achievement-level', value: '3' } });
  const request = await wallet.open(created.authorizationRequest);

  for (const [what, binding, queryId, pattern] of [
    ['wrong nonce', { challenge: 'another-nonce', domain: request.clientId }, 'achievement', /not bound to this request/],
    ['wrong audience', { challenge: request.payload.nonce, domain: 'decentralized_identifier:did:example:someone-else' }, 'achievement', /not bound to this request/],
    ['a query not asked', { challenge: request.payload.nonce, domain: request.clientId }, 'passport', /no credential query of this request/],
  ] as const) {
    const vp = wallet.dataIntegrityPresentation([vc], binding);
    const answer = await wallet.answer(request, { vp_token: { [queryId]: [vp] } });
    t.equal(answer.statusCode, 400, what);
    t.equal(answer.json().error, 'invalid_request', `${what}: error code`);
    t.match(answer.json().error_description, pattern, `${what}: description`);
  }
  const wrongState = await wallet.answer(request, { vp_token: { achievement: [wallet.dataIntegrityPresentation([vc], { challenge: request.payload.nonce, domain: request.clientId })] }, state: 'forged' });
  t.equal(wrongState.statusCode, 400, 'wrong state');
  t.equal(wrongState.json().error, 'invalid_request', 'wrong state: error code');
  t.equal((await result(ctx, created.url)).state, 'pending', 'refused answers do not use up the request');

  ctx.clock.advance(10 * 60 * 1000);
  const late = await wallet.answer(request, { vp_token: { achievement: [wallet.dataIntegrityPresentation([vc], { challenge: request.payload.nonce, domain: request.clientId })] } });
  t.equal(late.statusCode, 400, 'expired');
  t.equal(late.json().error, 'invalid_request', 'expired: error code');
  t.match(late.json().error_description, /expired/);
  const fetchLate = await ctx.app.inject({ method: 'GET', url: new URL(request.payload.response_uri).pathname.replace(/\/response$/, '') });
  t.equal(fetchLate.statusCode, 410, 'an expired request object is gone');
  t.equal(fetchLate.json().error, 'invalid_request_uri', 'expired request object: error code');
  const page = await ctx.app.inject({ method: 'GET', url: `${pathOf(created.url)}?lang=es`, headers: HTML });
  t.match(page.body, 'data-state="expired"');
});

/** A self-signed P-256 certificate for `host` (openssl), as a deployment would configure one. */
function certificateFor(t: { teardown(fn: () => void): void }, host: string) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'passerelle-x509-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const cert = path.join(dir, 'verifier.pem');
  const key = path.join(dir, 'verifier.key');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '2', '-subj', `/CN=${host}`,
    '-addext', `subjectAltName=DNS:${host}`, '-keyout', key, '-out', cert], { stdio: 'ignore' });
  return { PASSERELLE_OID4VP_X509_CERT: cert, PASSERELLE_OID4VP_X509_KEY: key };
}

t.test('x509_san_dns: with a certificate configured, requests are signed with it (x5c) and named by its DNS name', async (t) => {
  const ctx = await buildTestApp(t, certificateFor(t, 'passerelle.test'));
  const issuer = await ctx.issuer();
  const vc = await issue(ctx, issuer.auth);
  const wallet = new SimulatedWallet(ctx.app);
  const { body: created } = await createRequest(ctx, { preset: { id: 'achievement-level', value: '3' } });
  const request = await wallet.open(created.authorizationRequest);
  t.equal(request.clientId, 'x509_san_dns:passerelle.test', 'the default once a certificate is configured');
  t.equal(request.requestObject?.header.alg, 'ES256');
  t.equal(request.requestObject?.header.x5c.length, 1, 'the chain in x5c');
  const answer = await wallet.answer(request, {
    vp_token: { achievement: [wallet.dataIntegrityPresentation([vc], { challenge: request.payload.nonce, domain: request.clientId })] },
  });
  t.equal(answer.statusCode, 200, 'answered', { body: answer.body });
  t.equal((await result(ctx, created.url)).result.credentials[0].report.verdict, 'valid');

  await t.rejects(buildTestApp(t, certificateFor(t, 'elsewhere.example')), /names elsewhere\.example in its subjectAltName, not passerelle\.test/, 'a certificate for another host is refused at start');
});

t.test('two instances, one database: either one serves the request; of two answers at once, exactly one is accepted', async (t) => {
  const [first, second] = await buildTestApps(t, 2);
  const issuer = await first!.issuer();
  const vc = await issue(first!, issuer.auth);
  const { body: created } = await createRequest(first!, { preset: { id: 'achievement-level', value: '3' } });
  const request = await new SimulatedWallet(second!.app).open(created.authorizationRequest);
  const presentation = new SimulatedWallet(second!.app).dataIntegrityPresentation([vc], { challenge: request.payload.nonce, domain: request.clientId });
  const answers = await Promise.all([first!, second!].map((instance) => new SimulatedWallet(instance.app).answer(request, { vp_token: { achievement: [presentation] } })));
  t.same(answers.map((a) => a.statusCode).sort(), [200, 400], 'one accepted, the other refused as a replay');
  t.equal((await result(second!, created.url)).state, 'answered', 'the other instance sees the answer');
});

t.test('the person declines in the wallet: the page says so', async (t) => {
  const ctx = await buildTestApp(t);
  const wallet = new SimulatedWallet(ctx.app);
  const { body: created } = await createRequest(ctx, { preset: { id: 'achievement-level', value: '3' } });
  const request = await wallet.open(created.authorizationRequest);
  const answer = await wallet.answer(request, { error: 'access_denied' });
  t.equal(answer.statusCode, 200);
  t.same((await result(ctx, created.url)).result.declined, { error: 'access_denied' });
  const page = await ctx.app.inject({ method: 'GET', url: `${pathOf(created.url)}?lang=ar`, headers: HTML });
  t.match(page.body, 'data-state="declined"');
});

t.test('the /verify page asks a wallet: form, QR code, same-device link; the waiting page refreshes itself only when asked to', async (t) => {
  const ctx = await buildTestApp(t);
  const form = await ctx.app.inject({ method: 'GET', url: '/verify?lang=en', headers: HTML });
  t.match(form.body, 'action="/presentation-requests?lang=en"');
  const posted = await ctx.app.inject({ method: 'POST', url: '/presentation-requests?lang=en', headers: FORM, payload: 'preset=occupation&isco=7112&level=3&framework=fr-cnp' });
  t.equal(posted.statusCode, 303, 'to the request\'s page', { body: posted.body });
  const location = String(posted.headers.location);
  t.match(location, /^\/presentation-requests\/[A-Za-z0-9_-]{43}\?lang=en$/);
  const page = await ctx.app.inject({ method: 'GET', url: location, headers: HTML });
  t.equal(page.statusCode, 200);
  t.notMatch(page.body, 'http-equiv="refresh"', 'no page reloads by itself unless its reader chose it');
  const watching = await ctx.app.inject({ method: 'GET', url: `${location}&refresh=auto`, headers: HTML });
  t.match(watching.body, '<meta http-equiv="refresh" content="5">');
  t.match(watching.body, 'data-refresh="auto"', 'with a link to stop it');
  t.match(page.body, /<svg role="img"/);
  t.match(page.body, /href="openid4vp:\/\/\?client_id=decentralized_identifier/);
  t.match(page.body, 'ISCO-08 7112');
  t.equal((await ctx.app.inject({ method: 'GET', url: location, headers: JSON_ACCEPT })).json().state, 'pending');
});

t.test('one client address creates at most 60 requests in 15 minutes', async (t) => {
  const ctx = await buildTestApp(t);
  const statuses = [];
  for (let i = 0; i < 61; i++) statuses.push((await createRequest(ctx, { preset: { id: 'occupation', value: '7112' } })).response.statusCode);
  t.equal(statuses.filter((s) => s === 201).length, 60, '60 created');
  const { response } = await createRequest(ctx, { preset: { id: 'occupation', value: '7112' } });
  t.same(problemOf(response), { status: 429, code: 'too-many-attempts' });
  t.ok(Number(response.headers['retry-after']) > 0, 'with Retry-After');
  ctx.clock.advance(15 * 60_000);
  t.equal((await createRequest(ctx, { preset: { id: 'occupation', value: '7112' } })).response.statusCode, 201, 'the next window');
});

t.test('bad requests: problem+json with a code', async (t) => {
  const ctx = await buildTestApp(t);
  for (const [what, body, code] of [
    ['neither preset nor query', {}, 'missing-query'],
    ['both', { preset: { id: 'occupation', value: '7112' }, dcqlQuery: { credentials: [] } }, 'missing-query'],
    ['an ISCO code of letters', { preset: { id: 'occupation', value: 'mason' } }, 'invalid-preset-value'],
    ['an EQF level 9', { preset: { id: 'achievement-level', value: '9' } }, 'invalid-preset-value'],
    ['an empty DCQL query', { dcqlQuery: { credentials: [] } }, 'invalid-dcql-query'],
    ['a format not verified here', { dcqlQuery: { credentials: [{ id: 'mdl', format: 'mso_mdoc', meta: {} }] } }, 'invalid-dcql-query'],
    ['a W3C query without type_values', { dcqlQuery: { credentials: [{ id: 'any', format: 'ldp_vc', meta: {} }] } }, 'invalid-dcql-query'],
    ['an unknown framework', { preset: { id: 'occupation', value: '7112' }, framework: 'atlantis' }, 'unknown-framework'],
    ['x509_san_dns without a certificate', { preset: { id: 'occupation', value: '7112' }, clientIdPrefix: 'x509_san_dns' }, 'x509-not-configured'],
  ] as const) {
    const { response } = await createRequest(ctx, body);
    t.same(problemOf(response), { status: 400, code }, what);
  }
  const unknown = await ctx.app.inject({ method: 'GET', url: `/presentation-requests/${'x'.repeat(43)}`, headers: JSON_ACCEPT });
  t.same(problemOf(unknown), { status: 404, code: 'unknown-presentation-request' });
  const noRequest = await ctx.app.inject({ method: 'GET', url: '/oid4vp/requests/nothing-here' });
  t.equal(noRequest.statusCode, 404);
  t.equal(noRequest.json().error, 'invalid_request_uri');
});
