import t from 'tap';
import { buildTestApp, plainCredential, sqlCount, sqlRows, sqlRun } from '../helpers/app.js';
import { problemOf } from '../helpers/problems.js';
import { ensureAdminToken } from '../../src/orgs/tokens.js';

const issueBody = { credential: plainCredential(), options: { issuer: 'organisation' } };

t.test('issuing needs a valid token: 401 without one, with an unknown one, an expired or a revoked one', async (t) => {
  const ctx = await buildTestApp(t);
  await ctx.createOrganisation('centre-a');
  const noToken = await ctx.app.inject({ method: 'POST', url: '/credentials/issue', payload: issueBody });
  t.equal(noToken.statusCode, 401);
  t.equal(noToken.json().code, 'unauthorized');
  t.match(noToken.json().detail, /Authorization: Bearer/);
  const unknown = await ctx.app.inject({ method: 'POST', url: '/credentials/issue', headers: { authorization: 'Bearer psl_nope' }, payload: issueBody });
  t.same(problemOf(unknown), { status: 401, code: 'unauthorized' });
  t.match(unknown.json().detail, /POST \/orgs\/<slug>\/tokens/, 'says how to get a token');

  const created = await ctx.app.inject({ method: 'POST', url: '/orgs/centre-a/tokens', headers: ctx.admin, payload: { scopes: ['issue'], expiresIn: '1h' } });
  const { token } = created.json();
  const auth = { authorization: `Bearer ${token}` };
  t.equal((await ctx.app.inject({ method: 'POST', url: '/credentials/issue', headers: auth, payload: issueBody })).statusCode, 201);
  ctx.clock.advance(2 * 3600_000);
  const expired = await ctx.app.inject({ method: 'POST', url: '/credentials/issue', headers: auth, payload: issueBody });
  t.same(problemOf(expired), { status: 401, code: 'unauthorized' });
  t.match(expired.json().detail, /expired/);

  const second = (await ctx.app.inject({ method: 'POST', url: '/orgs/centre-a/tokens', headers: ctx.admin, payload: { scopes: ['issue'] } })).json();
  const revoke = await ctx.app.inject({ method: 'DELETE', url: `/orgs/centre-a/tokens/${second.id}`, headers: ctx.admin });
  t.equal(revoke.statusCode, 204);
  const revoked = await ctx.app.inject({ method: 'POST', url: '/credentials/issue', headers: { authorization: `Bearer ${second.token}` }, payload: issueBody });
  t.same(problemOf(revoked), { status: 401, code: 'unauthorized' });
  t.match(revoked.json().detail, /revoked/);

  const unknownId = await ctx.app.inject({ method: 'DELETE', url: '/orgs/centre-a/tokens/no-such-token', headers: ctx.admin });
  t.same(problemOf(unknownId), { status: 404, code: 'unknown-token' }, 'revoking a token the organisation does not have is 404');
  t.match(unknownId.json().detail, /no-such-token/, 'naming the token');
  await ctx.createOrganisation('centre-b');
  const foreign = (await ctx.app.inject({ method: 'POST', url: '/orgs/centre-b/tokens', headers: ctx.admin, payload: { scopes: ['issue'] } })).json();
  const acrossOrganisations = await ctx.app.inject({ method: 'DELETE', url: `/orgs/centre-a/tokens/${foreign.id}`, headers: ctx.admin });
  t.same(problemOf(acrossOrganisations), { status: 404, code: 'unknown-token' }, 'another organisation\'s token is unknown here');
  t.equal((await ctx.app.inject({ method: 'POST', url: '/credentials/issue', headers: { authorization: `Bearer ${foreign.token}` }, payload: issueBody })).statusCode, 201, 'and stays valid');
});

t.test('only a hash of a token is stored, and listing never shows secrets', async (t) => {
  const ctx = await buildTestApp(t);
  await ctx.createOrganisation('centre-a');
  const { token } = (await ctx.app.inject({ method: 'POST', url: '/orgs/centre-a/tokens', headers: ctx.admin, payload: { scopes: ['issue'] } })).json();
  const rows = await sqlRows(ctx.services, 'select * from tokens');
  t.notOk(JSON.stringify(rows).includes(token), 'the secret is nowhere in the table');
  const list = await ctx.app.inject({ method: 'GET', url: '/orgs/centre-a/tokens', headers: ctx.admin });
  t.notOk(list.body.includes(token));
  t.notOk(list.body.includes('secretHash'));
});

t.test('wrong organisation or wrong scope is 403', async (t) => {
  const ctx = await buildTestApp(t);
  const a = await ctx.issuer('centre-a');
  await ctx.createOrganisation('centre-b');
  const statusOnly = `Bearer ${await ctx.tokenFor('centre-a', ['status'])}`;
  const wrongScope = await ctx.app.inject({ method: 'POST', url: '/credentials/issue', headers: { authorization: statusOnly }, payload: issueBody });
  t.same(problemOf(wrongScope), { status: 403, code: 'forbidden' });
  t.match(wrongScope.json().detail, /"issue" scope/);

  const vc = (await ctx.app.inject({ method: 'POST', url: '/credentials/issue', headers: a.auth, payload: issueBody })).json().verifiableCredential;
  const bToken = `Bearer ${await ctx.tokenFor('centre-b', ['status'])}`;
  const otherOrg = await ctx.app.inject({
    method: 'POST', url: '/credentials/status', headers: { authorization: bToken },
    payload: { credentialId: vc.id, credentialStatus: { type: 'BitstringStatusListEntry', statusPurpose: 'revocation' }, status: true },
  });
  t.same(problemOf(otherOrg), { status: 403, code: 'forbidden' });
  const status = await ctx.app.inject({ method: 'POST', url: '/credentials/verify', payload: { verifiableCredential: vc } });
  t.match(status.json().checks.find((c: { id: string }) => c.id === 'status'), { valid: true, message: 'Not revoked' }, 'the refused revocation left the credential in force');
  const rotateOther = await ctx.app.inject({ method: 'POST', url: '/orgs/centre-a/keys/rotate', headers: { authorization: bToken } });
  t.same(problemOf(rotateOther), { status: 403, code: 'forbidden' });
  t.equal((await ctx.app.inject({ method: 'GET', url: '/orgs/centre-a/did.json' })).json().assertionMethod.length, 2, 'no key was added (Ed25519 and P-256)');
  const createOrg = await ctx.app.inject({
    method: 'POST', url: '/orgs', headers: a.auth, payload: { slug: 'x-org', name: { en: 'X' }, country: 'ES', kind: 'employer' },
  });
  t.same(problemOf(createOrg), { status: 403, code: 'forbidden' }, 'only the administrator creates organisations');
  t.same(problemOf(await ctx.app.inject({ method: 'GET', url: '/orgs/x-org' })), { status: 404, code: 'unknown-organisation' }, 'and none was created');
  const adminIssues = await ctx.app.inject({ method: 'POST', url: '/credentials/issue', headers: ctx.admin, payload: issueBody });
  t.same(problemOf(adminIssues), { status: 403, code: 'forbidden' }, 'the administrator token does not sign for an organisation');
  t.equal(await sqlCount(ctx.services, 'select count(*) as n from credentials'), 1, 'only the first credential was signed');
});

t.test('organisations are public, with their did:web DID document and JWKs', async (t) => {
  const ctx = await buildTestApp(t);
  const created = await ctx.createOrganisation('ofppt-casa');
  t.equal(created.did, 'did:web:passerelle.test:orgs:ofppt-casa');
  const org = await ctx.app.inject({ method: 'GET', url: '/orgs/ofppt-casa' });
  t.equal(org.statusCode, 200);
  t.same(org.json().name, { fr: 'Centre ofppt-casa', en: 'Centre ofppt-casa' });
  const did = await ctx.app.inject({ method: 'GET', url: '/orgs/ofppt-casa/did.json' });
  t.equal(did.json().id, created.did);
  t.same(did.json().assertionMethod, [`${created.did}#key-1`, `${created.did}#key-2`]);
  t.equal(did.json().verificationMethod[0].type, 'Multikey');
  const jwks = await ctx.app.inject({ method: 'GET', url: '/orgs/ofppt-casa/jwks.json' });
  t.match(jwks.json().keys, [{ kty: 'OKP', crv: 'Ed25519', kid: `${created.did}#key-1`, alg: 'EdDSA', use: 'sig' }, { kty: 'EC', crv: 'P-256', kid: `${created.did}#key-2`, alg: 'ES256', use: 'sig' }]);
  const duplicate = await ctx.app.inject({
    method: 'POST', url: '/orgs', headers: ctx.admin, payload: { slug: 'ofppt-casa', name: { fr: 'X' }, country: 'MA', kind: 'training-centre' },
  });
  t.same(problemOf(duplicate), { status: 409, code: 'organisation-exists' });
  t.match(duplicate.json().detail, /"ofppt-casa"/, 'naming the slug taken');
  const missing = await ctx.app.inject({ method: 'GET', url: '/orgs/nobody' });
  t.equal(missing.statusCode, 404);
  t.equal(missing.json().code, 'unknown-organisation');
  t.match(missing.json().detail, /"nobody"/, 'naming the slug');
});

t.test('a token lives 90 days unless told otherwise, from one minute to a year, in seconds or with s, m, h or d', async (t) => {
  const ctx = await buildTestApp(t);
  await ctx.createOrganisation('centre-a');
  const create = (expiresIn?: unknown) => ctx.app.inject({
    method: 'POST', url: '/orgs/centre-a/tokens', headers: ctx.admin, payload: { scopes: ['issue'], ...(expiresIn === undefined ? {} : { expiresIn }) },
  });
  const after = (seconds: number) => new Date(ctx.clock.current.getTime() + seconds * 1000).toISOString();
  t.equal((await create()).json().expiresAt, after(90 * 86400), 'default: 90 days');
  const lifetimes: Array<[unknown, number]> = [['90s', 90], ['15m', 900], ['12h', 12 * 3600], ['30d', 30 * 86400], [60, 60], ['365d', 365 * 86400], [365 * 86400, 365 * 86400]];
  for (const [expiresIn, seconds] of lifetimes) {
    const created = await create(expiresIn);
    t.equal(created.statusCode, 201, `${expiresIn}: created`, { body: created.body });
    t.equal(created.json().expiresAt, after(seconds), `${expiresIn}: expires ${seconds} s from now`);
  }
  for (const expiresIn of ['59s', 59, '366d', 365 * 86400 + 1, '1w', '12 h', '1.5h', 'h', '12', 'x12h', '12hx']) {
    const refused = await create(expiresIn);
    t.same(problemOf(refused), { status: 400, code: 'invalid-expires-in' }, `${JSON.stringify(expiresIn)} is refused`);
    t.match(refused.json().detail, /expiresIn/, 'naming the field');
  }
});

t.test('a token is refused from the instant it expires, and the bearer scheme is read as RFC 6750 writes it', async (t) => {
  const ctx = await buildTestApp(t);
  await ctx.createOrganisation('centre-a');
  const { token } = (await ctx.app.inject({ method: 'POST', url: '/orgs/centre-a/tokens', headers: ctx.admin, payload: { scopes: ['admin'], expiresIn: '1h' } })).json();
  const list = (authorization: string) => ctx.app.inject({ method: 'GET', url: '/orgs/centre-a/tokens', headers: { authorization } });
  for (const authorization of [`Bearer ${token}`, `bearer ${token}`, `BEARER  ${token}`]) t.equal((await list(authorization)).statusCode, 200, `"${authorization.replace(token, '<token>')}" is accepted`);
  for (const authorization of [`Basic ${token}`, `xBearer ${token}`, `Bearer ${token} extra`, 'Bearer', 'Bearer ', `Bearer${token}`]) {
    t.same(problemOf(await list(authorization)), { status: 401, code: 'unauthorized' }, `"${authorization.replace(token, '<token>')}" is refused`);
  }
  ctx.clock.advance(3600_000 - 1);
  t.equal((await list(`Bearer ${token}`)).statusCode, 200, 'still valid a millisecond before it expires');
  ctx.clock.advance(1);
  const expired = await list(`Bearer ${token}`);
  t.same(problemOf(expired), { status: 401, code: 'unauthorized' }, 'refused at its expiry time');
  t.match(expired.json().detail, /expired/);
});

t.test('a did:key organisation has one key, its DID (Ed25519 unless P-256 is asked for), and cannot rotate it', async (t) => {
  const ctx = await buildTestApp(t);
  const create = (payload: Record<string, unknown>) => ctx.app.inject({ method: 'POST', url: '/orgs', headers: ctx.admin, payload: { name: { en: 'Jury' }, country: 'sn', kind: 'assessment-body', ...payload } });
  const ed25519 = await create({ slug: 'jury-ed', didMethod: 'key' });
  t.equal(ed25519.statusCode, 201, 'created', { body: ed25519.body });
  t.match(ed25519.json(), { did: /^did:key:z6Mk/, didMethod: 'key', country: 'SN' });
  t.same(ed25519.json().keys.map((key: { id: string; algorithm: string }) => [key.id, key.algorithm]), [[`${ed25519.json().did}#${ed25519.json().did.slice('did:key:'.length)}`, 'Ed25519']]);
  const p256 = await create({ slug: 'jury-p256', didMethod: 'key', keyType: 'P-256' });
  t.match(p256.json(), { did: /^did:key:zDn/, keys: [{ algorithm: 'P-256' }] });
  const auth = { authorization: `Bearer ${await ctx.tokenFor('jury-p256', ['issue'])}` };
  const issued = await ctx.app.inject({ method: 'POST', url: '/credentials/issue', headers: auth, payload: issueBody });
  t.equal(issued.statusCode, 201, 'it issues without naming a format', { body: issued.body });
  t.match(issued.json().verifiableCredential.proof, { cryptosuite: 'ecdsa-rdfc-2019', verificationMethod: p256.json().keys[0].id }, 'signed with its P-256 key');
  const eddsa = await ctx.app.inject({ method: 'POST', url: '/credentials/issue', headers: auth, payload: { ...issueBody, options: { ...issueBody.options, format: 'eddsa-rdfc-2022' } } });
  t.same(problemOf(eddsa), { status: 400, code: 'no-key-for-algorithm' }, 'it has no Ed25519 key to sign with');
  t.equal(eddsa.json().algorithm, 'Ed25519', 'the problem names the algorithm missing');
  const rotate = await ctx.app.inject({ method: 'POST', url: '/orgs/jury-p256/keys/rotate', headers: ctx.admin });
  t.same(problemOf(rotate), { status: 400, code: 'rotation-unsupported' });
  t.match(rotate.json().detail, /didMethod "web"/, 'says what to use instead');
  t.same(problemOf(await ctx.app.inject({ method: 'GET', url: '/orgs/jury-p256/did.json' })), { status: 403, code: 'forbidden' }, 'its DID document is not served here');
  const webWithKeyType = await create({ slug: 'web-with-key-type', keyType: 'P-256' });
  t.same(problemOf(webWithKeyType), { status: 400, code: 'key-type-needs-did-key' });
  t.match(webWithKeyType.json().detail, /didMethod "key"/, 'says how to get a did:key organisation');
});

t.test('an administrator token is generated at first start only, and a configured one is registered once; the tokens table says which is which', async (t) => {
  const ctx = await buildTestApp(t);
  type Row = { label: string; scopes: unknown };
  const adminRows = async () => (await sqlRows<Row>(ctx.services, 'select label, scopes from tokens where organisation_id is null'))
    .map((row) => ({ label: row.label, scopes: typeof row.scopes === 'string' ? JSON.parse(row.scopes) as unknown : row.scopes }));
  t.same(await adminRows(), [{ label: 'PASSERELLE_ADMIN_TOKEN', scopes: ['admin'] }], 'the configured token');
  t.equal(await ensureAdminToken(ctx.services.repos.tokens, undefined, ctx.clock.now()), undefined, 'with an administrator already, nothing is generated');
  await sqlRun(ctx.services, 'delete from tokens where organisation_id is null');
  const generated = await ensureAdminToken(ctx.services.repos.tokens, undefined, ctx.clock.now());
  t.match(generated, /^psl_/, 'first start: a token is generated, to be shown once');
  t.same(await adminRows(), [{ label: 'generated at first start', scopes: ['admin'] }]);
  const created = await ctx.app.inject({ method: 'POST', url: '/orgs', headers: { authorization: `Bearer ${generated}` }, payload: { slug: 'centre-a', name: { en: 'A' }, country: 'MA', kind: 'training-centre' } });
  t.equal(created.statusCode, 201, 'it acts as administrator', { body: created.body });
  t.equal(await ensureAdminToken(ctx.services.repos.tokens, undefined, ctx.clock.now()), undefined, 'the next start generates none');
  t.equal((await adminRows()).length, 1);
});
