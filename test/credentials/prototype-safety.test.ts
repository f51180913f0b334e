import t, { type Test } from 'tap';
import { SignJWT } from 'jose';
import jsonld from 'jsonld';
import { buildTestApp, openBadgeCredential, type TestApp } from '../helpers/app.js';
import { claimIntoNewWallet, createShare, FORM, JSON_ACCEPT, pathOf, walletJson } from '../helpers/wallet.js';
import { builtinChanges, snapshotBuiltins } from '../../src/builtinSnapshot.js';
import '../../src/credentials/vcLibrary.js';

type Json = Record<string, any>;

const PROTOTYPE_WORDS = ['__proto__', 'constructor', 'prototype'] as const;
const builtins = snapshotBuiltins();

const garbageProof = (did: string) => ({
  type: 'DataIntegrityProof', cryptosuite: 'eddsa-rdfc-2022', proofPurpose: 'assertionMethod',
  verificationMethod: `${did}#key-1`, created: '2026-01-01T00:00:00Z', proofValue: 'zGarbage',
});

/** Places `word` as a value at several depths of an Open Badges credential (the places JSON-LD reads as ids or values). */
const valuePlacements: Array<[string, (c: Json, word: string) => void]> = [
  ['achievement criteria (an @id)', (c, w) => { c.credentialSubject.achievement.criteria = w; }],
  ['achievement id', (c, w) => { c.credentialSubject.achievement.id = w; }],
  ['subject id', (c, w) => { c.credentialSubject.id = w; }],
  ['credential id', (c, w) => { c.id = w; }],
  ['alignment targetUrl', (c, w) => { c.credentialSubject.achievement.alignment[0].targetUrl = w; }],
  ['name', (c, w) => { c.name = w; }],
  ['type', (c, w) => { c.credentialSubject.type = ['AchievementSubject', w]; }],
];

/** Places `word` as a key: at the top, in the subject, three levels down, and as a term of an inline context. */
const keyPlacements: Array<[string, (c: Json, word: string) => void]> = [
  ['top-level key', (c, w) => { Object.defineProperty(c, w, { value: 'x', enumerable: true, writable: true, configurable: true }); }],
  ['subject key', (c, w) => { Object.defineProperty(c.credentialSubject, w, { value: { id: 'urn:x' }, enumerable: true }); }],
  ['alignment key', (c, w) => { Object.defineProperty(c.credentialSubject.achievement.alignment[0], w, { value: 'x', enumerable: true }); }],
  ['inline context term', (c, w) => {
    const term = {};
    Object.defineProperty(term, w, { value: 'https://example.org/term', enumerable: true });
    c['@context'] = [...c['@context'], term];
  }],
];

function hostileCredentials(issuer: string): Array<[string, Json]> {
  const all: Array<[string, Json]> = [];
  for (const word of PROTOTYPE_WORDS) {
    for (const [where, place] of [...valuePlacements, ...keyPlacements]) {
      const credential = openBadgeCredential({ issuer, validFrom: '2026-01-01T00:00:00Z' }) as Json;
      place(credential, word);
      all.push([`${word} as ${where}`, credential]);
    }
  }
  return all;
}

/** Every answer is a clean 4xx problem or a real answer, and leaves the built-ins as they were. */
function assertUnharmed(t: Test, what: string, response: { statusCode: number; headers: Json; json(): any }) {
  t.ok(response.statusCode < 500, `${what}: no 5xx (${response.statusCode})`);
  if (String(response.headers['content-type']).startsWith('application/problem+json')) t.type(response.json().code, 'string', `${what}: problem code`);
  t.same(builtinChanges(builtins), [], `${what}: built-ins unchanged`);
}

async function assertStillServes(t: Test, ctx: TestApp, slug: string) {
  const response = await ctx.app.inject({
    method: 'POST', url: '/orgs', headers: ctx.admin,
    payload: { slug, name: { fr: 'Centre', en: 'Centre' }, country: 'MA', kind: 'training-centre' },
  });
  t.equal(response.statusCode, 201, 'a schema-validated request still works afterwards');
}

t.test('the reported request: "criteria": "__proto__" with a garbage proof is an unverified answer, not pollution', async (t) => {
  const ctx = await buildTestApp(t);
  const { did } = await ctx.issuer();
  const credential = openBadgeCredential({ issuer: did, validFrom: '2026-01-01T00:00:00Z' }) as Json;
  credential.credentialSubject.achievement.criteria = '__proto__';
  credential.proof = garbageProof(did);
  const response = await ctx.app.inject({ method: 'POST', url: '/credentials/verify', payload: { verifiableCredential: credential } });
  t.equal(response.statusCode, 400);
  t.equal(response.json().verified, false);
  t.equal(({} as Json)['@id'], undefined, 'objects inherit no @id');
  t.same(builtinChanges(builtins), []);
  await assertStillServes(t, ctx, 'after-verify');
});

t.test('jsonld.js files nodes named like built-ins as ordinary nodes', async (t) => {
  const context = { criteria: { '@id': 'https://example.org/criteria', '@type': '@id' }, p: 'https://example.org/p' };
  for (const id of ['__proto__', 'constructor', 'toString', 'hasOwnProperty']) {
    const quads = await jsonld.toRDF({ '@context': context, '@id': 'urn:x', criteria: id, p: 'v' }, { format: 'application/n-quads' });
    t.equal(quads, '<urn:x> <https://example.org/p> "v" .\n', `${id} as a value`);
    const named = await jsonld.toRDF({ '@context': context, '@id': id, '@graph': [{ '@id': 'urn:y', p: 'w' }] }, { format: 'application/n-quads' });
    t.equal(named, '', `${id} as a graph name (relative, so dropped)`);
  }
  t.same(builtinChanges(builtins), []);
});

t.test('prototype words as keys and values, through /credentials/verify and /verify', async (t) => {
  const ctx = await buildTestApp(t);
  const { did } = await ctx.issuer();
  for (const [what, credential] of hostileCredentials(did)) {
    credential.proof = garbageProof(did);
    const api = await ctx.app.inject({ method: 'POST', url: '/credentials/verify', headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ verifiableCredential: credential }) });
    assertUnharmed(t, `verify ${what}`, api);
    // Fastify's JSON parser already refuses a "__proto__" key in a body; a pasted credential reaches our own check.
    if (what.startsWith('__proto__ as') && what.includes('key')) t.equal(api.json().code, 'invalid-json', `${what}: refused by the body parser`);
    const page = await ctx.app.inject({ method: 'POST', url: '/verify', headers: { ...FORM, accept: 'application/json' }, payload: new URLSearchParams({ credential: JSON.stringify(credential) }).toString() });
    assertUnharmed(t, `page ${what}`, page);
    if (what.includes('key') && !what.startsWith('prototype')) t.equal(page.json().code, 'reserved-key', `page ${what}: reserved-key`);
  }
  await assertStillServes(t, ctx, 'after-verify');
});

t.test('prototype words in a vc+jwt payload are refused or judged, never a 5xx', async (t) => {
  const ctx = await buildTestApp(t);
  const { did } = await ctx.issuer();
  const key = new Uint8Array(32);
  for (const [what, credential] of hostileCredentials(did)) {
    const jwt = await new SignJWT(JSON.parse(JSON.stringify(credential))).setProtectedHeader({ alg: 'HS256', kid: `${did}#key-1` }).sign(key);
    const response = await ctx.app.inject({ method: 'POST', url: '/credentials/verify', payload: { verifiableCredential: jwt } });
    assertUnharmed(t, `jwt ${what}`, response);
    if (what.includes('key')) t.equal(response.json().code, what.startsWith('prototype') ? undefined : 'reserved-key', `jwt ${what}`);
  }
});

t.test('prototype words through /presentations/verify', async (t) => {
  const ctx = await buildTestApp(t);
  const { did } = await ctx.issuer();
  for (const [what, credential] of hostileCredentials(did)) {
    credential.proof = garbageProof(did);
    const presentation = {
      '@context': ['https://www.w3.org/ns/credentials/v2'], type: ['VerifiablePresentation'], holder: 'did:example:holder',
      verifiableCredential: [credential], proof: { ...garbageProof('did:example:holder'), proofPurpose: 'authentication', challenge: 'c' },
    };
    const response = await ctx.app.inject({
      method: 'POST', url: '/presentations/verify', headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ verifiablePresentation: presentation, options: { challenge: 'c' } }),
    });
    assertUnharmed(t, `presentation ${what}`, response);
  }
  await assertStillServes(t, ctx, 'after-presentations');
});

t.test('prototype words through /credentials/issue, and what was issued through a share link', async (t) => {
  const ctx = await buildTestApp(t);
  const { did, auth } = await ctx.issuer();
  let shared = 0;
  for (const [what, credential] of hostileCredentials(did)) {
    delete credential.validFrom;
    const response = await ctx.app.inject({
      method: 'POST', url: '/credentials/issue', headers: { ...auth, 'content-type': 'application/json' },
      payload: JSON.stringify({ credential, options: { holder: { name: 'Amina', phone: '+212 612 345 678' } } }),
    });
    assertUnharmed(t, `issue ${what}`, response);
    if (response.statusCode !== 201) continue;
    const { verifiableCredential, claimOffer } = response.json() as Json;
    const verified = await ctx.app.inject({ method: 'POST', url: '/credentials/verify', payload: { verifiableCredential } });
    t.equal(verified.statusCode, 200, `${what}: what was issued verifies`);
    const walletPath = await claimIntoNewWallet(ctx, claimOffer.url);
    const { body } = await walletJson(ctx, walletPath);
    const link = await createShare(ctx, walletPath, { credentials: [body.credentials[0]!.id] });
    const presentation = await ctx.app.inject({ method: 'GET', url: pathOf(link.body.url), headers: JSON_ACCEPT });
    assertUnharmed(t, `share ${what}`, presentation);
    t.equal(presentation.statusCode, 200, `${what}: the share link presents`);
    shared++;
  }
  t.ok(shared > 0, `some hostile-looking credentials were issued and shared (${shared})`);
  await assertStillServes(t, ctx, 'after-issue');
});
