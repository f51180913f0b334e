import t from 'tap';
import { buildTestApp, openBadgeCredential } from './helpers/app.js';

t.test('end to end over a listening server: create, issue, verify, revoke, verify again', async (t) => {
  const ctx = await buildTestApp(t);
  const address = await ctx.app.listen({ host: '127.0.0.1', port: 0 });
  const call = async (method: string, path: string, body?: unknown, token?: string) => {
    const response = await fetch(`${address}${path}`, {
      method,
      headers: { ...(body ? { 'content-type': 'application/json' } : {}), ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    return { status: response.status, body: await response.json() as any };
  };
  const created = await call('POST', '/orgs', { slug: 'chambre-metiers', name: { fr: 'Chambre des métiers', de: 'Handwerkskammer' }, country: 'DE', kind: 'assessment-body' }, ctx.admin.authorization.slice(7));
  t.equal(created.status, 201);
  const token = await call('POST', '/orgs/chambre-metiers/tokens', { scopes: ['issue', 'status'], expiresIn: '1d' }, ctx.admin.authorization.slice(7));
  t.equal(token.status, 201);
  const issued = await call('POST', '/credentials/issue', { credential: openBadgeCredential(), options: { issuer: 'organisation' } }, token.body.token);
  t.equal(issued.status, 201);
  const vc = issued.body.verifiableCredential;
  t.equal((await call('POST', '/credentials/verify', { verifiableCredential: vc })).body.verified, true);
  const revoked = await call('POST', '/credentials/status', { credentialId: vc.id, credentialStatus: { type: 'BitstringStatusListEntry', statusPurpose: 'revocation' }, status: true }, token.body.token);
  t.equal(revoked.status, 200);
  const after = await call('POST', '/credentials/verify', { verifiableCredential: vc });
  t.equal(after.status, 400);
  t.equal(after.body.verified, false);
  const openapi = await call('GET', '/openapi.json');
  t.ok(openapi.body.paths['/credentials/issue']);
  t.ok(openapi.body.paths['/orgs/{slug}/did.json']);
});
