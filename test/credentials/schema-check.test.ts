import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import { SchemaValidator } from '../../src/credentials/schemaCheck.js';
import { BASE_URL, buildTestApp, openBadgeCredential } from '../helpers/app.js';

const SCHEMA = `${BASE_URL}/schemas/open-badge-achievement-credential.json`;

t.test('the schema check called directly: published schemas only, each entry in turn, every error named', async (t) => {
  const schemasDir = fs.mkdtempSync(path.join(os.tmpdir(), 'schemas-'));
  t.teardown(() => fs.rmSync(schemasDir, { recursive: true, force: true }));
  fs.writeFileSync(path.join(schemasDir, 'named.json'), JSON.stringify({ type: 'object', required: ['name'], properties: { name: { type: 'string' } } }));
  fs.writeFileSync(path.join(schemasDir, 'dated.json'), JSON.stringify({ type: 'object', required: ['validFrom'] }));
  const validator = new SchemaValidator({ baseUrl: BASE_URL, schemasDir });
  const named = `${BASE_URL}/schemas/named.json`;
  const dated = `${BASE_URL}/schemas/dated.json`;
  const check = (credentialSchema: unknown, credential: Record<string, unknown> = { name: 'Maçon', validFrom: '2026-01-01T00:00:00Z' }) =>
    validator.check({ ...credential, credentialSchema });
  t.same(await check({ id: named, type: 'JsonSchema' }), { valid: true, message: `Matches schema ${named}` }, 'one schema');
  t.same(await check([{ id: named, type: 'JsonSchema' }, { id: dated, type: 'JsonSchema' }]), { valid: true, message: `Matches schema ${named}; Matches schema ${dated}` }, 'two schemas');
  t.same(await check({ id: named, type: 'JsonSchema' }, { name: 5 }), { valid: false, message: `Does not match schema ${named}: /name must be string` }, 'a wrong value');
  t.same(await check([{ id: named, type: 'JsonSchema' }, { id: dated, type: 'JsonSchema' }], {}), { valid: false, message: `Does not match schema ${named}: / must have required property 'name'` },
    'the first schema not matched');
  t.same(await check({ id: dated, type: 'JsonSchema' }, { validFrom: 1, name: 5 }), { valid: true, message: `Matches schema ${dated}` }, 'only what the schema asks');
  fs.writeFileSync(path.join(schemasDir, 'both.json'), JSON.stringify({ type: 'object', required: ['name', 'validFrom'] }));
  const both = `${BASE_URL}/schemas/both.json`;
  t.same(await check({ id: both, type: 'JsonSchema' }, {}), { valid: false, message: `Does not match schema ${both}: / must have required property 'name'; / must have required property 'validFrom'` }, 'every error');
  const notFetched = (id: string) => ({ valid: false, message: `Schema ${id} is not published by this service and is not fetched` });
  // Elsewhere, though as long as this service's schema prefix, so that only the prefix tells it apart.
  const elsewhere = `https://schemas.example.org/${'x'.repeat(`${BASE_URL}/schemas/`.length - 'https://schemas.example.org/'.length)}named.json`;
  fs.writeFileSync(path.join(schemasDir, 'named.json.txt'), JSON.stringify({ type: 'object' }));
  for (const id of [`${BASE_URL}/schemas/missing.json`, `${BASE_URL}/schemas/../named.json`, `${BASE_URL}/schemas/Named.json`, 'https://schemas.example.org/named.json', elsewhere,
    `${BASE_URL}/schemas/.//named.json`, `${BASE_URL}/schemas/named.json.txt`]) {
    t.same(await check({ id, type: 'JsonSchema' }), notFetched(id), id.replace(BASE_URL, '$BASE'));
  }
  const malformed = { valid: false, message: 'credentialSchema entries must be {"id": <URL>, "type": "JsonSchema"}' };
  for (const [what, entry] of [['another type', { id: named, type: '1EdTechJsonSchemaValidator2019' }], ['no id', { type: 'JsonSchema' }], ['a string', named]] as const) {
    t.same(await check(entry), malformed, what);
  }
  fs.rmSync(path.join(schemasDir, 'named.json'));
  t.same(await check({ id: named, type: 'JsonSchema' }), { valid: true, message: `Matches schema ${named}` }, 'compiled once, kept');
});

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
