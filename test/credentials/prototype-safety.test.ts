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

/**
 * Every answer is a clean 4xx problem or a real answer, and leaves the built-ins as they were; what is not goes into
 * `harmed`, asserted empty once per test (one assertion listing the counter-examples, not one per case).
 */
function checkUnharmed(harmed: string[], what: string, response: { statusCode: number; headers: Json; json(): any }) {
  if (response.statusCode >= 500) harmed.push(`${what}: ${response.statusCode}`);
  if (String(response.headers['content-type']).startsWith('application/problem+json') && typeof response.json().code !== 'string') harmed.push(`${what}: a problem without a code`);
  const changes = builtinChanges(builtins);
  if (changes.length > 0) harmed.push(`${what}: built-ins changed: ${changes.join(', ')}`);
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
  t.equal(response.statusCode, 400, 'answered 400');
  t.equal(response.json().verified, false, 'not verified');
  t.equal(response.json().checks.find((c: Json) => c.id === 'proof')?.valid, false, 'the garbage proof fails the proof check');
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
  const harmed: string[] = [];
  const wrongCode: string[] = [];
  for (const [what, credential] of hostileCredentials(did)) {
    credential.proof = garbageProof(did);
    const api = await ctx.app.inject({ method: 'POST', url: '/credentials/verify', headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ verifiableCredential: credential }) });
    checkUnharmed(harmed, `verify ${what}`, api);
    // Fastify's JSON parser already refuses a "__proto__" key in a body; a pasted credential reaches our own check.
    if (what.startsWith('__proto__ as') && what.includes('key') && api.json().code !== 'invalid-json') wrongCode.push(`verify ${what}: ${api.json().code}, not invalid-json`);
    const page = await ctx.app.inject({ method: 'POST', url: '/verify', headers: { ...FORM, accept: 'application/json' }, payload: new URLSearchParams({ credential: JSON.stringify(credential) }).toString() });
    checkUnharmed(harmed, `page ${what}`, page);
    if (what.includes('key') && !what.startsWith('prototype') && page.json().code !== 'reserved-key') wrongCode.push(`page ${what}: ${page.json().code}, not reserved-key`);
  }
  t.same(harmed, [], 'every answer: no 5xx, problems with a code, built-ins unchanged');
  t.same(wrongCode, [], 'prototype words as keys: refused by the body parser (__proto__) or as reserved keys');
  await assertStillServes(t, ctx, 'after-verify');
});

t.test('prototype words in a vc+jwt payload are refused or judged, never a 5xx', async (t) => {
  const ctx = await buildTestApp(t);
  const { did } = await ctx.issuer();
  const key = new Uint8Array(32);
  const harmed: string[] = [];
  const wrongCode: string[] = [];
  for (const [what, credential] of hostileCredentials(did)) {
    const jwt = await new SignJWT(JSON.parse(JSON.stringify(credential))).setProtectedHeader({ alg: 'HS256', kid: `${did}#key-1` }).sign(key);
    const response = await ctx.app.inject({ method: 'POST', url: '/credentials/verify', payload: { verifiableCredential: jwt } });
    checkUnharmed(harmed, `jwt ${what}`, response);
    const expected = what.startsWith('prototype') ? undefined : 'reserved-key';
    if (what.includes('key') && response.json().code !== expected) wrongCode.push(`jwt ${what}: ${response.json().code}, not ${expected}`);
  }
  t.same(harmed, [], 'every answer: no 5xx, problems with a code, built-ins unchanged');
  t.same(wrongCode, [], 'prototype words as keys: reserved-key, except "prototype" (an ordinary key), which is judged');
});

t.test('prototype words through /presentations/verify', async (t) => {
  const ctx = await buildTestApp(t);
  const { did } = await ctx.issuer();
  const harmed: string[] = [];
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
    checkUnharmed(harmed, `presentation ${what}`, response);
  }
  t.same(harmed, [], 'every answer: no 5xx, problems with a code, built-ins unchanged');
  await assertStillServes(t, ctx, 'after-presentations');
});

t.test('prototype words through /credentials/issue, and what was issued through a share link', async (t) => {
  const ctx = await buildTestApp(t);
  const { did, auth } = await ctx.issuer();
  let shared = 0;
  const harmed: string[] = [];
  const broken: string[] = [];
  for (const [what, credential] of hostileCredentials(did)) {
    delete credential.validFrom;
    const response = await ctx.app.inject({
      method: 'POST', url: '/credentials/issue', headers: { ...auth, 'content-type': 'application/json' },
      payload: JSON.stringify({ credential, options: { holder: { name: 'Amina', phone: '+212 612 345 678' } } }),
    });
    checkUnharmed(harmed, `issue ${what}`, response);
    if (response.statusCode !== 201) continue;
    const { verifiableCredential, claimOffer } = response.json() as Json;
    const verified = await ctx.app.inject({ method: 'POST', url: '/credentials/verify', payload: { verifiableCredential } });
    if (verified.statusCode !== 200) broken.push(`${what}: what was issued answers ${verified.statusCode} to verification`);
    const walletPath = await claimIntoNewWallet(ctx, claimOffer.url);
    const { body } = await walletJson(ctx, walletPath);
    const link = await createShare(ctx, walletPath, { credentials: [body.credentials[0]!.id] });
    const presentation = await ctx.app.inject({ method: 'GET', url: pathOf(link.body.url), headers: JSON_ACCEPT });
    checkUnharmed(harmed, `share ${what}`, presentation);
    if (presentation.statusCode !== 200) broken.push(`${what}: the share link answers ${presentation.statusCode}`);
    shared++;
  }
  t.same(harmed, [], 'every answer: no 5xx, problems with a code, built-ins unchanged');
  t.same(broken, [], 'what was issued verifies, and its share link presents it');
  t.ok(shared > 0, `some hostile-looking credentials were issued and shared (${shared})`);
  await assertStillServes(t, ctx, 'after-issue');
});
