/**
 * Hostile requests for every route of /openapi.json and every page: real and fake ids, hostile path segments and query
 * strings, every token scope (and none, and broken ones), wrong content types, and bodies from ./hostile.ts, including
 * valid documents with one to three fields replaced by hostile values so that requests get past the schemas.
 */
import fc from 'fast-check';
import { PRESENTATION_CHALLENGE, type FuzzTargets } from './targets.js';
import {
  OUT_OF_RANGE_DATES, PROTOTYPE_KEYS, armed, deepJson, formBody, hostileCsv, hostileKey, hostileMultipart, hostileTree, hostileValue, hugeJson,
  invalidUtf8Body, jsonLdBomb, jsonText, jwtTricks, malformedJson, percentEncode,
} from './hostile.js';

type Json = Record<string, unknown>;

export interface RouteSpec {
  method: string;
  /** OpenAPI template, e.g. /orgs/{slug}/tokens/{id}. */
  path: string;
  params: string[];
  page: boolean;
}

export interface FuzzRequest {
  route: string;
  method: string;
  url: string;
  headers: Record<string, string>;
  payload?: string | Buffer;
  /** What kind of hostile input this is (for the summary and failure reports). */
  kind: string;
}

/** Pages are hidden from /openapi.json (src/routes/pages.ts and the GET pages of src/routes/wallet.ts); "/" has no route and must 404 cleanly. */
export const PAGE_ROUTES: RouteSpec[] = [
  { method: 'GET', path: '/', params: [], page: true },
  { method: 'GET', path: '/verify', params: [], page: true },
  { method: 'POST', path: '/verify', params: [], page: true },
  { method: 'GET', path: '/assets/passerelle.css', params: [], page: true },
  { method: 'GET', path: '/claim/{code}', params: ['code'], page: true },
  { method: 'GET', path: '/w/{secret}', params: ['secret'], page: true },
];

/** Every operation /openapi.json lists, plus the pages. */
export function routesOf(openapi: { paths: Record<string, Record<string, unknown>> }): RouteSpec[] {
  const routes: RouteSpec[] = [];
  for (const [path, operations] of Object.entries(openapi.paths)) {
    for (const method of Object.keys(operations)) {
      routes.push({ method: method.toUpperCase(), path, params: [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!), page: false });
    }
  }
  const listed = new Set(routes.map((r) => `${r.method} ${r.path}`));
  return [...routes, ...PAGE_ROUTES.filter((r) => !listed.has(`${r.method} ${r.path}`))];
}

/** Values that exist for a path parameter: keyed by "<segment>/{param}", "<last segment>:param" or the bare name. */
function realValues(targets: FuzzTargets, route: RouteSpec, param: string): string[] {
  const before = route.path.split(`/{${param}}`)[0]!.split('/').pop();
  const last = route.path.split('/').pop();
  return targets.real[`${last}:${param}`] ?? targets.real[`${before}/{${param}}`] ?? targets.real[param] ?? [];
}

/** Path segments: raw percent sequences (invalid UTF-8 included) are inserted as they are; the rest is encoded. */
const hostileSegment = fc.oneof(
  fc.constantFrom('%FF%FE', '%C0%AF', '%E2%82', '%', '%%', '%00', '%2e%2e%2f%2e%2e', '..', '.', '%2F', '__proto__', 'constructor', 'prototype', 'a'.repeat(150), 'a'.repeat(5000), '%F0%9F%98%80', '%u0041')
    .map((raw) => ({ raw })),
  fc.oneof(fc.string({ minLength: 1, maxLength: 30 }), fc.string({ unit: 'grapheme', minLength: 1, maxLength: 8 }), fc.uuid().map(String))
    .map((text) => ({ raw: percentEncode(text) })),
);

const QUERY_NAMES = ['lang', 'limit', 'offset', 'achievement', 'format', 'challenge', 'domain', 'framework', 'from', 'to', 'country', 'q', 'verify', 'issuer', 'authority', 'version', 'state', 'done', 'new', 'link', 'level'];

const queryString = fc.array(
  fc.tuple(
    fc.oneof(fc.constantFrom(...QUERY_NAMES), hostileKey, fc.constantFrom('__proto__[polluted]', 'constructor[prototype][polluted]', 'a[b][c]', 'lang[]')),
    fc.oneof(
      hostileValue.map((v) => percentEncode(typeof v === 'string' ? v : JSON.stringify(v) ?? '')),
      fc.constantFrom('%FF%FE', '%', '-1', '1e308', '99999999999999999999', 'true', '', '0x10', 'ar', 'fr', 'eqf', '7112.1'),
    ),
  ),
  { maxLength: 4 },
).map((pairs) => (pairs.length === 0 ? '' : `?${pairs.map(([k, v]) => `${percentEncode(k)}=${v}`).join('&')}`));

const CONTENT_TYPES = [
  'application/json', 'application/json; charset=utf-8', 'application/json; charset=utf-16', 'application/ld+json', 'application/vc+ld+json', 'text/plain',
  'text/html', 'application/x-www-form-urlencoded', 'multipart/form-data', 'multipart/form-data; boundary=', 'text/csv', 'application/x-ndjson',
  'application/octet-stream', 'application/json, text/plain', ';;;', 'application/json; charset=__proto__', `application/${'x'.repeat(2000)}`, 'APPLICATION/JSON',
];

const ACCEPTS = ['', 'application/json', 'text/html', 'text/html,application/xhtml+xml', '*/*', 'application/problem+json', 'application/json, text/html', 'image/png', '__proto__'];

type AuthChoice = keyof FuzzTargets['auth'] | 'none' | 'garbage';

function authHeader(targets: FuzzTargets, choice: AuthChoice, garbage: string): string | undefined {
  if (choice === 'none') return undefined;
  if (choice === 'garbage') return garbage;
  return targets.auth[choice];
}

/** Replace, add or delete one member somewhere in a document; paths are picked among the document's own members. */
interface Mutation { at: number; op: 'set' | 'add-key' | 'delete' | 'date' | 'repeat'; key: string; value: unknown; date: unknown }

const mutation: fc.Arbitrary<Mutation> = fc.record({
  at: fc.nat(),
  op: fc.constantFrom<Mutation['op']>('set', 'set', 'add-key', 'delete', 'date', 'repeat'),
  key: hostileKey,
  value: fc.oneof(hostileValue, fc.constantFrom<unknown>(...PROTOTYPE_KEYS)),
  date: fc.constantFrom(...OUT_OF_RANGE_DATES),
});

const DATE_KEYS = new Set(['validFrom', 'validUntil', 'issuanceDate', 'expirationDate', 'created', 'expires', 'exp', 'nbf', 'iat', 'completedOn', 'awardedDate']);

type Slot = { parent: Json | unknown[]; key: string | number };

function slotsOf(value: unknown): Slot[] {
  const slots: Slot[] = [];
  const walk = (node: unknown) => {
    if (Array.isArray(node)) node.forEach((child, i) => { slots.push({ parent: node, key: i }); walk(child); });
    else if (node !== null && typeof node === 'object') {
      for (const [key, child] of Object.entries(node)) { slots.push({ parent: node as Json, key }); walk(child); }
    }
  };
  walk(value);
  return slots;
}

/** Own property set with defineProperty, as JSON.parse does: `__proto__` becomes a key, not a prototype. */
function setOwn(parent: Json | unknown[], key: string | number, value: unknown) {
  Object.defineProperty(parent, key, { value, enumerable: true, writable: true, configurable: true });
}

export function mutate(document: unknown, mutations: Mutation[]): unknown {
  const copy = structuredClone(document);
  for (const m of mutations) {
    const slots = slotsOf(copy);
    if (slots.length === 0) return copy;
    const dateSlots = slots.filter((s) => DATE_KEYS.has(String(s.key)));
    const slot = m.op === 'date' && dateSlots.length > 0 ? dateSlots[m.at % dateSlots.length]! : slots[m.at % slots.length]!;
    const current = (slot.parent as Json)[slot.key as string];
    switch (m.op) {
      case 'set': setOwn(slot.parent, slot.key, m.value); break;
      case 'date': setOwn(slot.parent, slot.key, m.date); break;
      case 'delete':
        if (Array.isArray(slot.parent)) slot.parent.splice(slot.key as number, 1);
        else delete (slot.parent as Json)[slot.key as string];
        break;
      case 'add-key': {
        const target = current !== null && typeof current === 'object' && !Array.isArray(current) ? current as Json : Array.isArray(slot.parent) ? undefined : slot.parent as Json;
        if (target) setOwn(target, m.key, m.value);
        break;
      }
      case 'repeat': {
        // Bounded so that repeats of repeats stay under about 400 KB (200 copies of 200 copies of a credential would not).
        const size = (JSON.stringify(current) ?? 'null').length;
        setOwn(slot.parent, slot.key, Array.from({ length: Math.max(1, Math.min(200, Math.floor(400_000 / size))) }, () => current));
        break;
      }
    }
  }
  return copy;
}

const CREDENTIAL_ROUTES = new Set(['POST /credentials/verify', 'POST /presentations/verify', 'POST /credentials/issue', 'POST /verify', 'POST /recognition/evaluate']);

interface Body { payload?: string | Buffer; contentType?: string; kind: string }

/** A (possibly mutated) document as a form: own keys only, values that are not text as their JSON. */
const formText = (body: unknown) => Object.entries(body !== null && typeof body === 'object' ? body : {})
  .map(([key, value]) => `${percentEncode(key)}=${percentEncode(typeof value === 'string' ? value : JSON.stringify(value) ?? '')}`).join('&');

const json = (payload: string, kind: string): Body => ({ payload, contentType: 'application/json', kind });

/** Wraps a (possibly hostile) credential the way the route takes one. */
function credentialBody(route: string, credential: unknown, targets: FuzzTargets): Body {
  switch (route) {
    case 'POST /credentials/issue': return json(JSON.stringify({ credential, options: { issuer: 'organisation', holder: { name: 'Amina' } } }), '');
    case 'POST /presentations/verify':
      return json(JSON.stringify({ verifiablePresentation: { ...targets.presentation, verifiableCredential: [credential] }, options: { challenge: PRESENTATION_CHALLENGE } }), '');
    case 'POST /verify':
      return { payload: `credential=${percentEncode(typeof credential === 'string' ? credential : JSON.stringify(credential))}`, contentType: 'application/x-www-form-urlencoded', kind: '' };
    case 'POST /recognition/evaluate': return json(JSON.stringify({ credential, country: 'DE' }), '');
    default: return json(JSON.stringify({ verifiableCredential: credential }), '');
  }
}

function bodyArbitrary(route: RouteSpec, targets: FuzzTargets): fc.Arbitrary<Body> {
  const key = `${route.method} ${route.path}`;
  const valid = targets.validBodies[key];
  const credentialRoute = CREDENTIAL_ROUTES.has(key);
  const isForm = route.page || route.path.startsWith('/w/') || route.path.startsWith('/claim/');
  const hasBody = route.method !== 'GET' && route.method !== 'DELETE';
  const kinds: Array<{ weight: number; arbitrary: fc.Arbitrary<Body> }> = [
    { weight: hasBody ? 3 : 1, arbitrary: hostileTree.map((tree) => json(jsonText(tree), 'hostile-json')) },
    { weight: hasBody ? 1 : 0.2, arbitrary: malformedJson.map((text) => json(text, 'malformed-json')) },
    { weight: hasBody ? 1 : 0.2, arbitrary: invalidUtf8Body.map((bytes) => ({ payload: bytes, contentType: 'application/json', kind: 'invalid-utf8' })) },
    { weight: hasBody ? 0.5 : 0.1, arbitrary: deepJson.map((text) => json(text, 'deep')) },
    { weight: hasBody ? 0.3 : 0.05, arbitrary: hugeJson.map((text) => json(text, 'huge')) },
    { weight: hasBody ? 1 : 6, arbitrary: fc.constant<Body>({ kind: 'no-body' }) },
    { weight: isForm ? 2 : 0.3, arbitrary: formBody.map((text) => ({ payload: text, contentType: 'application/x-www-form-urlencoded', kind: 'form' })) },
    { weight: isForm || route.path === '/batches' ? 1 : 0.2, arbitrary: hostileMultipart.map(({ body, contentType }) => ({ payload: body, contentType, kind: 'multipart' })) },
  ];
  if (valid !== undefined && hasBody) {
    const validBody = (body: unknown): Body => (typeof body === 'string' ? { payload: body, contentType: 'text/csv', kind: '' }
      : isForm && route.method === 'POST' && !route.path.includes('shares') ? { payload: formText(body), contentType: 'application/x-www-form-urlencoded', kind: '' }
        : json(JSON.stringify(body), ''));
    kinds.push({ weight: 0.3, arbitrary: fc.constant({ ...validBody(valid), kind: 'valid' }) });
    if (typeof valid === 'object') {
      kinds.push({ weight: 5, arbitrary: fc.array(mutation, { minLength: 1, maxLength: 3 }).map((ms) => ({ ...validBody(mutate(valid, ms)), kind: 'mutated-valid' })) });
    }
  }
  if (route.path === '/batches' && route.method === 'POST') {
    kinds.push({ weight: 4, arbitrary: hostileCsv.map((csv) => ({ payload: csv, contentType: 'text/csv', kind: 'csv' })) });
  }
  if (credentialRoute) {
    const signed = targets.signedCredential;
    const start = key === 'POST /credentials/issue' ? targets.unsignedCredential : signed;
    kinds.push(
      { weight: 6, arbitrary: fc.array(mutation, { minLength: 1, maxLength: 3 }).map((ms) => ({ ...credentialBody(key, mutate(start, ms), targets), kind: 'mutated-credential' })) },
      { weight: 2, arbitrary: jsonLdBomb.map((bomb) => ({ ...credentialBody(key, armed(start, bomb), targets), kind: `jsonld-${bomb.kind}` })) },
      { weight: 3, arbitrary: jwtTricks(targets.jwtCredential).map((jwt) => ({ ...credentialBody(key, jwt, targets), kind: 'jwt' })) },
      {
        weight: 1,
        arbitrary: jwtTricks(targets.jwtCredential).map((jwt) => ({
          ...credentialBody(key, { '@context': ['https://www.w3.org/ns/credentials/v2'], type: 'EnvelopedVerifiableCredential', id: `data:application/vc+jwt,${jwt}` }, targets), kind: 'jwt-enveloped',
        })),
      },
      {
        // The issue's reproducer shape: a hosted issuer, a prototype key as a value inside the achievement, a garbage proof.
        weight: 1,
        arbitrary: fc.record({ field: fc.constantFrom('criteria', 'type', 'id', 'alignment', 'name'), value: fc.constantFrom<unknown>(...PROTOTYPE_KEYS, { '@id': '__proto__' }, ['__proto__']) }).map(({ field, value }) => {
          const vc = structuredClone(signed) as Json & { credentialSubject: { achievement: Json }; proof: Json };
          setOwn(vc.credentialSubject.achievement, field, value);
          vc.proof.proofValue = 'z3FXQjecWufY46yg5abdVZsXqLhxhueuSoZgNSARiKBk';
          return { ...credentialBody(key, vc, targets), kind: 'prototype-value' };
        }),
      },
    );
  }
  // fast-check wants integer weights: the fractions above are shares of 20.
  return fc.oneof(...kinds.map(({ weight, arbitrary }) => ({ weight: Math.round(weight * 20), arbitrary })).filter((k) => k.weight > 0));
}

/** One arbitrary over every route; each request is built from the targets' real ids or from hostile ones. */
export function requestArbitrary(routes: RouteSpec[], targets: FuzzTargets, { oversizedHeaders = false, heavyOnly = false } = {}): fc.Arbitrary<FuzzRequest> {
  // heavyOnly: the routes that verify or sign (JSON-LD, canonicalisation, crypto), for measuring latency under load.
  if (heavyOnly) routes = routes.filter((route) => CREDENTIAL_ROUTES.has(`${route.method} ${route.path}`));
  // Routes that reach JSON-LD and crypto are where the expensive and dangerous work is: they get more of the requests.
  const weighted = routes.map((route) => {
    const key = `${route.method} ${route.path}`;
    return { weight: CREDENTIAL_ROUTES.has(key) ? 8 : targets.validBodies[key] !== undefined ? 2 : 1, arbitrary: fc.constant(route) };
  });
  return fc.oneof(...weighted).chain((route) => fc.record({
    segments: fc.array(fc.oneof(
      { weight: 5, arbitrary: fc.nat().map((i) => ({ real: i })) },
      { weight: 3, arbitrary: hostileSegment },
    ), { minLength: route.params.length, maxLength: route.params.length }),
    query: fc.oneof({ weight: 3, arbitrary: fc.constant('') }, { weight: 1, arbitrary: queryString }),
    auth: fc.constantFrom<AuthChoice>('admin', 'issue', 'status', 'orgAdmin', 'issueStatus', 'otherTenant', 'none', 'none', 'garbage'),
    garbageAuth: fc.oneof(
      fc.constantFrom('Bearer', 'Bearer ', 'Basic YWRtaW46YWRtaW4=', 'bearer psl_', `Bearer ${'a'.repeat(5000)}`, 'Bearer __proto__', 'Bearer psl_%FF%FE', 'Bearer psl_ a b'),
      jwtTricks(targets.jwtCredential).map((jwt) => `Bearer ${jwt}`),
    ),
    accept: fc.constantFrom(...ACCEPTS),
    body: bodyArbitrary(route, targets),
    wrongContentType: fc.option(fc.constantFrom(...CONTENT_TYPES), { freq: 5, nil: undefined }),
    filler: oversizedHeaders ? fc.option(fc.integer({ min: 8_000, max: 40_000 }), { freq: 3, nil: undefined }) : fc.constant(undefined),
  }).map(({ segments, query, auth, garbageAuth, accept, body, wrongContentType, filler }): FuzzRequest => {
    let url = route.path;
    route.params.forEach((param, i) => {
      const segment = segments[i]!;
      const real = realValues(targets, route, param);
      const value = 'real' in segment ? (real.length > 0 ? percentEncode(real[segment.real % real.length]!) : 'fake-id') : segment.raw;
      url = url.replace(`{${param}}`, value);
    });
    const headers: Record<string, string> = {};
    const authorization = authHeader(targets, auth, garbageAuth);
    if (authorization !== undefined) headers.authorization = authorization;
    if (accept) headers.accept = accept;
    const contentType = wrongContentType ?? body.contentType;
    if (body.payload !== undefined && contentType !== undefined) headers['content-type'] = contentType;
    if (filler !== undefined) headers['x-filler'] = 'f'.repeat(filler);
    return {
      route: `${route.method} ${route.path}`, method: route.method, url: `${url}${query}`, headers,
      ...(body.payload !== undefined ? { payload: body.payload } : {}),
      kind: [body.kind, wrongContentType ? 'content-type' : '', filler ? 'oversized-header' : ''].filter(Boolean).join('+'),
    };
  }));
}
