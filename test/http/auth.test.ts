import t from 'tap';
import { buildTestApp, plainCredential, sqlCount, sqlRows } from '../helpers/app.js';
import { problemOf } from '../helpers/problems.js';

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
  t.match(jwks.json().keys[0], { kty: 'OKP', crv: 'Ed25519', kid: `${created.did}#key-1` });
  const duplicate = await ctx.app.inject({
    method: 'POST', url: '/orgs', headers: ctx.admin, payload: { slug: 'ofppt-casa', name: { fr: 'X' }, country: 'MA', kind: 'training-centre' },
  });
  t.same(problemOf(duplicate), { status: 409, code: 'organisation-exists' });
  const missing = await ctx.app.inject({ method: 'GET', url: '/orgs/nobody' });
  t.equal(missing.statusCode, 404);
  t.equal(missing.json().code, 'unknown-organisation');
});
