import t, { type Test } from 'tap';
import { buildTestApp, openBadgeCredential, type TestApp } from '../helpers/app.js';
import { assertProcessable, JSON_LD_LIMITS } from '../../src/credentials/jsonLimits.js';
import { cpuTimer } from '../helpers/cpuTime.js';

type Json = Record<string, any>;

const V2 = 'https://www.w3.org/ns/credentials/v2';
const OB = 'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json';

const garbageProof = (did: string) => ({
  type: 'DataIntegrityProof', cryptosuite: 'eddsa-rdfc-2022', proofPurpose: 'assertionMethod',
  verificationMethod: `${did}#key-1`, created: '2026-01-01T00:00:00Z', proofValue: 'zGarbage',
});

async function verify(ctx: TestApp, verifiableCredential: Json) {
  const cpu = cpuTimer();
  const response = await ctx.app.inject({ method: 'POST', url: '/credentials/verify', headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ verifiableCredential }) });
  return { response, cpuMs: cpu.elapsedMs() };
}

function assertLimit(t: Test, response: { statusCode: number; json(): any }, limit: string) {
  t.equal(response.statusCode, 400, `${limit}: 400`);
  t.equal(response.json().code, 'json-ld-limit-exceeded', `${limit}: code`);
  t.equal(response.json().limit, limit, `${limit}: names the limit`);
  t.equal(response.json().max, JSON_LD_LIMITS[limit as keyof typeof JSON_LD_LIMITS], `${limit}: gives its value`);
}

t.test('each limit called directly: at the limit accepted, one past it refused word for word', async (t) => {
  const refusal = (document: unknown) => {
    try {
      assertProcessable(document, 'credential');
      return 'accepted';
    } catch (error) {
      const { code, detail, extra } = error as { code: string; detail: string; extra: Json };
      return { code, detail, ...extra };
    }
  };
  const nested = (levels: number): Json => (levels === 1 ? {} : { a: nested(levels - 1) });
  const nestedArrays = (levels: number): unknown[] => (levels === 1 ? [] : [nestedArrays(levels - 1)]);
  const limit = (name: keyof typeof JSON_LD_LIMITS, detail: string) => ({ code: 'json-ld-limit-exceeded', detail: `credential ${detail} (limit "${name}": ${JSON_LD_LIMITS[name]}); send a smaller document`, limit: name, max: JSON_LD_LIMITS[name] });
  const deep = { code: 'too-deeply-nested', detail: 'credential is nested more than 32 levels deep; flatten it', limit: 'depth', max: 32 };
  const contexts = (count: number) => Array.from({ length: count }, (_, i) => `https://example.org/context/${i % 16}`);
  const scoped = (levels: number): Json => (levels === 0 ? {} : { term: { '@context': scoped(levels - 1) } });
  const cases: Array<[string, unknown, unknown]> = [
    ['not an object', 'credential', 'accepted'],
    ['null', null, 'accepted'],
    ['null values', { a: null, b: [null, 1] }, 'accepted'],
    ['32 levels of objects', nested(32), 'accepted'],
    ['33 levels of objects', nested(33), deep],
    ['33 levels of arrays', nestedArrays(33), deep],
    ['2,000 objects', { list: Array.from({ length: 1999 }, () => ({})) }, 'accepted'],
    ['2,001 objects', { list: Array.from({ length: 2000 }, () => ({})) }, limit('nodes', 'has more than 2000 objects')],
    ['10,000 values', { list: Array.from({ length: 9999 }, () => 1) }, 'accepted'],
    ['10,001 values in an array', { list: Array.from({ length: 10_000 }, () => 1) }, limit('properties', 'has more than 10000 property values')],
    ['10,000 members', Object.fromEntries(Array.from({ length: 10_000 }, (_, i) => [`p${i}`, 1])), 'accepted'],
    ['10,001 members', Object.fromEntries(Array.from({ length: 10_001 }, (_, i) => [`p${i}`, 1])), limit('properties', 'has more than 10000 property values')],
    ['64 @context entries', { '@context': contexts(64) }, 'accepted'],
    ['65 @context entries', { '@context': contexts(60), a: { '@context': contexts(5) } }, limit('contextEntries', 'has more than 64 @context entries')],
    ['16 different contexts', { '@context': contexts(16), a: { '@context': 'https://example.org/context/0' } }, 'accepted'],
    ['17 different contexts', { '@context': contexts(16), a: { '@context': { b: 'https://example.org/b' } } }, limit('distinctContexts', 'uses more than 16 different contexts')],
    ['@context nested 4 deep', { '@context': scoped(3) }, 'accepted'],
    ['@context nested 5 deep', { '@context': scoped(4) }, limit('contextNesting', 'nests @context more than 4 levels deep (at /@context/term/@context/term/@context/term/@context/term/@context)')],
    ['a reserved key', { credentialSubject: [{ 'a/b~c': { constructor: 1 } }] }, {
      code: 'reserved-key', pointer: '/credentialSubject/0/a~1b~0c/constructor',
      detail: 'credential has the key "constructor" (at /credentialSubject/0/a~1b~0c/constructor); keys named like built-in JavaScript object members (__proto__, constructor, hasOwnProperty, toString, ...) are refused because JSON-LD processors treat them as object internals: rename the property',
    }],
    ['a reserved key at the top', JSON.parse('{"__proto__": {}}'), {
      code: 'reserved-key', pointer: '/__proto__',
      detail: 'credential has the key "__proto__" (at /__proto__); keys named like built-in JavaScript object members (__proto__, constructor, hasOwnProperty, toString, ...) are refused because JSON-LD processors treat them as object internals: rename the property',
    }],
    // A random differential run found that jsonld.js drops such a member from a JSON literal's canonical form.
    ['a reserved key in a JSON literal', JSON.parse('{"name": {"@value": {"__proto__": null}, "@type": "@json"}}'), {
      code: 'reserved-key', pointer: '/name/@value/__proto__',
      detail: 'credential has the key "__proto__" (at /name/@value/__proto__); keys named like built-in JavaScript object members (__proto__, constructor, hasOwnProperty, toString, ...) are refused because JSON-LD processors treat them as object internals: rename the property',
    }],
  ];
  for (const [what, document, expected] of cases) t.same(refusal(document), expected, what);
});

t.test('a 780 KB credential with @context repeated 20,000 times is refused at once (it took 26 s before)', async (t) => {
  const ctx = await buildTestApp(t);
  const { did } = await ctx.issuer();
  const credential = { ...openBadgeCredential({ issuer: did }), '@context': [V2, ...Array(20_000).fill(V2), OB], proof: garbageProof(did) };
  t.ok(JSON.stringify(credential).length > 780_000, 'the reported size');
  const { response, cpuMs } = await verify(ctx, credential);
  assertLimit(t, response, 'contextEntries');
  t.ok(cpuMs < 1_000, `refused after ${Math.round(cpuMs)} ms of CPU`);
  const presentation = await ctx.app.inject({
    method: 'POST', url: '/presentations/verify',
    payload: { verifiablePresentation: { '@context': [V2], type: ['VerifiablePresentation'], verifiableCredential: [credential] } },
  });
  assertLimit(t, presentation, 'contextEntries');
});

t.test('15,000 subject claims are refused; a large real credential is not', async (t) => {
  const ctx = await buildTestApp(t);
  const { did, auth } = await ctx.issuer();
  const claims: Json = { id: 'did:example:worker' };
  for (let i = 0; i < 15_000; i++) claims[`https://example.org/claim${i}`] = `value ${i}`;
  const { response, cpuMs } = await verify(ctx, { ...openBadgeCredential({ issuer: did }), credentialSubject: claims, proof: garbageProof(did) });
  assertLimit(t, response, 'properties');
  t.ok(cpuMs < 1_000, `refused after ${Math.round(cpuMs)} ms of CPU`);
  const large = openBadgeCredential() as Json;
  large.credentialSubject.achievement.alignment = Array.from({ length: 300 }, (_, i) => ({
    type: ['Alignment'], targetName: `Skill ${i}`, targetUrl: `https://example.org/skills/${i}`, targetFramework: 'Example skills', targetCode: String(i),
  }));
  const issued = await ctx.app.inject({ method: 'POST', url: '/credentials/issue', headers: auth, payload: { credential: large, options: { issuer: 'organisation' } } });
  t.equal(issued.statusCode, 201, 'a credential of 300 alignments is issued');
  const verified = await verify(ctx, issued.json().verifiableCredential);
  t.equal(verified.response.statusCode, 200, 'and verifies');
});

t.test('nested scoped contexts, many distinct contexts and many objects are refused', async (t) => {
  const ctx = await buildTestApp(t);
  const { did } = await ctx.issuer();
  let scoped: Json = { p: 'https://example.org/p' };
  for (let i = 0; i < 5; i++) scoped = { [`t${i}`]: { '@id': `https://example.org/t${i}`, '@context': scoped } };
  assertLimit(t, (await verify(ctx, { ...openBadgeCredential({ issuer: did }), '@context': [V2, OB, scoped], proof: garbageProof(did) })).response, 'contextNesting');
  const inline = Array.from({ length: JSON_LD_LIMITS.distinctContexts }, (_, i) => ({ [`term${i}`]: `https://example.org/term${i}` }));
  assertLimit(t, (await verify(ctx, { ...openBadgeCredential({ issuer: did }), '@context': [V2, OB, ...inline], proof: garbageProof(did) })).response, 'distinctContexts');
  const many = openBadgeCredential({ issuer: did, proof: garbageProof(did) }) as Json;
  many.credentialSubject.achievement.alignment = Array.from({ length: JSON_LD_LIMITS.nodes }, () => ({ type: ['Alignment'] }));
  assertLimit(t, (await verify(ctx, many)).response, 'nodes');
});

t.test('a list that yields more quads than the canonicaliser accepts is refused before canonicalisation', async (t) => {
  const ctx = await buildTestApp(t);
  const { did, auth } = await ctx.issuer();
  const listContext = { steps: { '@id': 'https://example.org/steps', '@container': '@list' } };
  const credential = { ...openBadgeCredential({ issuer: did }), '@context': [V2, OB, listContext], steps: Array.from({ length: 6_000 }, (_, i) => `step ${i}`) };
  const verified = await verify(ctx, { ...credential, proof: garbageProof(did) });
  assertLimit(t, verified.response, 'quads');
  const issued = await ctx.app.inject({ method: 'POST', url: '/credentials/issue', headers: auth, payload: { credential, options: { issuer: 'organisation' } } });
  assertLimit(t, issued, 'quads');
  // ecdsa-rdfc-2019 canonicalises through the same bounded path.
  const ecdsaProof = { ...garbageProof(did), cryptosuite: 'ecdsa-rdfc-2019', verificationMethod: `${did}#key-2` };
  assertLimit(t, (await verify(ctx, { ...credential, proof: ecdsaProof })).response, 'quads');
  assertLimit(t, await ctx.app.inject({ method: 'POST', url: '/credentials/issue', headers: auth, payload: { credential, options: { issuer: 'organisation', format: 'ecdsa-rdfc-2019' } } }), 'quads');
});

t.test('blank nodes too alike for the canonicaliser\'s work factor are refused', async (t) => {
  const ctx = await buildTestApp(t);
  const { did, auth } = await ctx.issuer();
  const ringContext = { next: { '@id': 'https://example.org/next', '@type': '@id' }, ring: 'https://example.org/ring' };
  const ring = Array.from({ length: 10 }, (_, i) => ({ id: `_:r${i}`, next: `_:r${(i + 1) % 10}` }));
  const credential = { ...openBadgeCredential({ issuer: did }), '@context': [V2, OB, ringContext], ring };
  assertLimit(t, (await verify(ctx, { ...credential, proof: garbageProof(did) })).response, 'rdfcWorkFactor');
  assertLimit(t, await ctx.app.inject({ method: 'POST', url: '/credentials/issue', headers: auth, payload: { credential, options: { issuer: 'organisation' } } }), 'rdfcWorkFactor');
});
