import t from 'tap';
import { BASE_URL, buildTestApp, openBadgeCredential } from '../helpers/app.js';

const SCHEMA = `${BASE_URL}/schemas/open-badge-achievement-credential.json`;

t.test('credentialSchema of type JsonSchema is checked with the published schema', async (t) => {
  const ctx = await buildTestApp(t);
  const { auth } = await ctx.issuer();
  const issue = async (credential: Record<string, unknown>) =>
    (await ctx.app.inject({ method: 'POST', url: '/credentials/issue', headers: auth, payload: { credential, options: { issuer: 'organisation' } } })).json().verifiableCredential;
  const verify = async (vc: unknown) => (await ctx.app.inject({ method: 'POST', url: '/credentials/verify', payload: { verifiableCredential: vc } })).json();

  const conforming = await issue(openBadgeCredential({ credentialSchema: { id: SCHEMA, type: 'JsonSchema' } }));
  const ok = await verify(conforming);
  t.equal(ok.verified, true, 'verified', { checks: ok.checks });
  t.same(ok.checks.find((c: { id: string }) => c.id === 'schema'), { id: 'schema', valid: true, message: `Matches schema ${SCHEMA}` });

  const withoutCriteria = openBadgeCredential({ credentialSchema: { id: SCHEMA, type: 'JsonSchema' } }) as any;
  delete withoutCriteria.credentialSubject.achievement.criteria;
  const failing = await verify(await issue(withoutCriteria));
  t.equal(failing.verified, false);
  const schemaCheck = failing.checks.find((c: { id: string }) => c.id === 'schema');
  t.equal(schemaCheck.valid, false);
  t.match(schemaCheck.message, /\/credentialSubject\/achievement must have required property 'criteria'/);
  t.equal(failing.checks.find((c: { id: string }) => c.id === 'proof').valid, true, 'the signature is fine; the content does not match');

  const remote = await verify(await issue(openBadgeCredential({ credentialSchema: { id: 'https://schemas.example.org/badge.json', type: 'JsonSchema' } })));
  t.match(remote.checks.find((c: { id: string }) => c.id === 'schema').message, /not published by this service and is not fetched/);

  const published = await ctx.app.inject({ method: 'GET', url: '/schemas/open-badge-achievement-credential.json' });
  t.equal(published.statusCode, 200);
  t.match(published.headers['content-type'], /^application\/schema\+json/);
});
