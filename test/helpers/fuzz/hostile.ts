/**
 * Hostile values for the fuzz run. JSON is generated as a tree and written out as text by hand, so that keys such as
 * `__proto__` reach the service as own keys (as JSON.parse creates them) instead of changing a generator object's prototype.
 */
import fc from 'fast-check';

/** encodeURIComponent that also takes lone surrogates: they become an encoded surrogate half, bytes that are not UTF-8. */
export function percentEncode(text: string): string {
  try {
    return encodeURIComponent(text);
  } catch {
    return `${encodeURIComponent(text.replace(/[\uD800-\uDFFF]/g, ''))}%ED%A0%80`;
  }
}

export const PROTOTYPE_KEYS = ['__proto__', 'constructor', 'prototype'] as const;

/** Dates no calendar can hold, numbers past Date's range, impossible days. */
export const OUT_OF_RANGE_DATES: unknown[] = [
  1e308, -1, -1e308, 8.64e15 + 1, '9999999-01-01', '+275760-09-13T00:00:00.001Z', '-271821-04-19T00:00:00.000Z', '2024-02-30T25:61:61Z',
  '0000-00-00T00:00:00Z', '1e308', 'NaN', '', 'not a date', '2024-13-01', '99999-12-31T23:59:59Z',
];

export type JsonTree =
  | { kind: 'scalar'; value: unknown }
  | { kind: 'array'; items: JsonTree[] }
  | { kind: 'object'; entries: Array<[string, JsonTree]> };

/** Writes a tree as JSON text; entries are kept as given, duplicates and `__proto__` included. */
export function jsonText(tree: JsonTree): string {
  switch (tree.kind) {
    case 'scalar': return JSON.stringify(tree.value) ?? 'null';
    case 'array': return `[${tree.items.map(jsonText).join(',')}]`;
    case 'object': return `{${tree.entries.map(([key, value]) => `${JSON.stringify(key)}:${jsonText(value)}`).join(',')}}`;
  }
}

/** The value JSON.parse gives for a tree (own `__proto__` keys included). */
export const jsonValue = (tree: JsonTree): unknown => JSON.parse(jsonText(tree));

export const hostileKey = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom<string>(...PROTOTYPE_KEYS) },
  { weight: 2, arbitrary: fc.constantFrom('@context', '@id', '@type', '@vocab', '@protected', '@graph', '@reverse', '@nest', '@included', 'id', 'type', 'proof', 'toString', 'hasOwnProperty', 'valueOf', '__defineGetter__', '', ' ', '\u0000') },
  { weight: 1, arbitrary: fc.string({ maxLength: 8 }) },
);

const hostileString = fc.oneof(
  fc.constantFrom<string>(
    ...PROTOTYPE_KEYS, 'Object.prototype', '@id', '@context', '@type', '@graph', '', ' ', '\u0000', '\uFFFF', '\uD800', '\uDFFF\uD800', '%FF%FE', '../../etc/passwd',
    '<script>alert(1)</script>', 'javascript:alert(1)', 'did:web:evil.example', 'did:key:z', 'https://evil.example/context.jsonld', 'urn:uuid:00000000-0000-0000-0000-000000000000',
    'data:application/vc+jwt,eyJhbGciOiJub25lIn0.e30.', 'eyJhbGciOiJub25lIn0.e30.', 'z', 'u', 'z1111', '\u202Eevil', 'ＡＢＣ', 'a'.repeat(5000),
  ),
  fc.string({ maxLength: 24 }),
  fc.string({ unit: 'binary', maxLength: 12 }),
);

export const hostileScalar = fc.oneof(
  { weight: 4, arbitrary: hostileString },
  { weight: 2, arbitrary: fc.constantFrom<unknown>(1e308, -1e308, -1, 0, 2 ** 53 + 1, 2 ** 64, 1.5, -0.0001, true, false, null) },
  { weight: 1, arbitrary: fc.constantFrom(...OUT_OF_RANGE_DATES) },
  { weight: 1, arbitrary: fc.integer() },
);

const scalarTree = hostileScalar.map((value): JsonTree => ({ kind: 'scalar', value }));

/** JSON with prototype keys as keys and values at every depth. */
export const hostileTree: fc.Arbitrary<JsonTree> = fc.letrec<{ tree: JsonTree; array: JsonTree; object: JsonTree }>((tie) => ({
  tree: fc.oneof({ depthSize: 'small', withCrossShrink: true }, scalarTree, tie('array'), tie('object')),
  array: fc.array(tie('tree'), { maxLength: 5 }).map((items): JsonTree => ({ kind: 'array', items })),
  object: fc.array(fc.tuple(hostileKey, tie('tree')), { maxLength: 5 }).map((entries): JsonTree => ({ kind: 'object', entries })),
})).tree;

export const hostileValue = hostileTree.map(jsonValue);

/** Text that is almost JSON. */
export const malformedJson = fc.oneof(
  fc.constantFrom(
    '{', '}', '[', '{"a":', '{"a":1,}', '{a:1}', "{'a':1}", '{"a":NaN}', '{"a":Infinity}', '{"a":undefined}', '{"a":1}{"b":2}', '{"a":1} trailing',
    '\uFEFF{}', '/* c */ {}', '{"a":"\\u12"}', '{"a":"\\x41"}', '{"__proto__":', '{"__proto__":{"x":1}', 'null', 'true', '"string"', '0', '-', '[]', '""',
    '{"a":1e99999}', '{"a":-}', '\u0000', ' ', '{"a":"\n"}', '{"a"  :  [1,2,,3]}',
  ),
  hostileTree.chain((tree) => fc.nat().map((cut) => {
    const text = jsonText(tree);
    return text.slice(0, text.length > 1 ? cut % text.length : 0);
  })),
);

/** Bytes that are not UTF-8 inside otherwise valid JSON, and UTF-16 text announced as UTF-8. */
export const invalidUtf8Body = fc.oneof(
  fc.uint8Array({ minLength: 1, maxLength: 64 }).map((bytes) => Buffer.concat([Buffer.from('{"verifiableCredential":"'), Buffer.from(bytes), Buffer.from('"}')])),
  fc.constantFrom(
    Buffer.from([0xff, 0xfe, 0x7b, 0x00, 0x7d, 0x00]),
    Buffer.concat([Buffer.from('{"slug":"'), Buffer.from([0xc0, 0xaf, 0xed, 0xa0, 0x80, 0xf8, 0x88, 0x80, 0x80, 0x80]), Buffer.from('"}')]),
    Buffer.concat([Buffer.from('{"'), Buffer.from([0xe2, 0x82]), Buffer.from('":1}')]),
    Buffer.from('{"a":"\u00e9"}', 'latin1'),
    Buffer.from('{"credential":{}}', 'utf16le'),
  ),
);

/** Nesting far past the service's depth limit, built as text (serialising it would exhaust this process's own stack). */
export const deepJson = fc.record({ depth: fc.integer({ min: 30, max: 3000 }), open: fc.constantFrom('[', '{"a":', '{"__proto__":', '{"@context":') }).map(({ depth, open }) => {
  const close = open === '[' ? ']' : '}';
  return `{"verifiableCredential":${open.repeat(depth)}1${close.repeat(depth)},"credential":1}`;
});

/** Large but bounded (the short run stays fast): long strings, wide arrays, many keys; some just past the 1 MB body limit. */
export const hugeJson = fc.oneof(
  fc.integer({ min: 10_000, max: 1_100_000 }).map((size) => `{"verifiableCredential":${JSON.stringify('a'.repeat(size))}}`),
  fc.integer({ min: 1_000, max: 60_000 }).map((count) => `{"credential":[${Array.from({ length: count }, (_, i) => i).join(',')}]}`),
  fc.integer({ min: 1_000, max: 30_000 }).map((count) => `{"verifiableCredential":{${Array.from({ length: count }, (_, i) => `"k${i}":${i}`).join(',')}}}`),
);

/** A compact JWS from parts (no signature check happens here; the service must refuse it cleanly). */
const b64url = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

/** JWT tricks on a real vc+jwt: alg none, dates out of range, broken base64url, nesting, swapped parts. */
export function jwtTricks(realJwt: string): fc.Arbitrary<string> {
  const [header = '', payload = '', signature = ''] = realJwt.split('.');
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
  const withClaims = (extra: Record<string, unknown>, head = header, sig = signature) => `${head}.${b64url({ ...claims, ...extra })}.${sig}`;
  return fc.oneof(
    fc.constantFrom(
      `${b64url({ alg: 'none', typ: 'vc+jwt' })}.${payload}.`,
      `${b64url({ alg: 'none' })}.${payload}.${signature}`,
      `${b64url({ alg: 'HS256', typ: 'vc+jwt', kid: '../../keys' })}.${payload}.${signature}`,
      `${b64url({ alg: 'EdDSA', crit: ['__proto__'], __proto__x: 1 })}.${payload}.${signature}`,
      `${header}.${payload}`, `${header}..${signature}`, `..`, `${header}.${payload}.${signature}.${signature}`,
      `${header}.${payload.slice(0, -3)}===.${signature}`, `${header}.${payload}+/.${signature}`, `${header}.${payload}.${signature.slice(1)}`,
      `${header}.${b64url('not json')}.${signature}`, `${header}.${b64url('[]')}.${signature}`, `${header}.${b64url('{"__proto__":{"polluted":1}}')}.${signature}`,
      `${header}.${b64url(realJwt)}.${signature}`,
      withClaims({ vc: realJwt, credentialSubject: realJwt }),
      withClaims({ id: `data:application/vc+jwt,${realJwt}` }),
      `${b64url({ alg: 'EdDSA', cty: 'JWT' })}.${b64url(realJwt)}.${signature}`,
    ),
    fc.record({
      claim: fc.constantFrom('exp', 'nbf', 'iat', 'validFrom', 'validUntil', 'issuanceDate', 'expirationDate'),
      value: fc.constantFrom(...OUT_OF_RANGE_DATES),
      alg: fc.constantFrom(header, b64url({ alg: 'none' })),
    }).map(({ claim, value, alg }) => withClaims({ [claim]: value }, alg)),
    hostileTree.map((tree) => `${header}.${b64url(jsonText(tree))}.${signature}`),
  );
}

/** application/x-www-form-urlencoded text with prototype keys (bracketed too), repeated names and hostile values. */
export const formBody = fc.array(
  fc.tuple(
    fc.oneof(hostileKey, fc.constantFrom('credential', 'file', 'action', 'wallet', 'passphrase', 'days', 'label', '__proto__[polluted]', 'constructor[prototype][polluted]', 'a[__proto__][b]')),
    fc.oneof(hostileString, hostileTree.map(jsonText)),
  ),
  { maxLength: 6 },
).map((pairs) => pairs.map(([key, value]) => `${percentEncode(key)}=${percentEncode(value)}`).join('&'));

/** multipart/form-data: boundaries quoted or not, prototype field names, files, missing terminators. */
export function multipartBody(fields: Array<[string, string]>, boundary: string, { terminated = true, filename }: { terminated?: boolean; filename?: string } = {}): string {
  const parts = fields.map(([name, value], i) => [
    `--${boundary}`,
    `Content-Disposition: form-data; name="${name}"${filename && i === fields.length - 1 ? `; filename="${filename}"` : ''}`,
    ...(filename && i === fields.length - 1 ? ['Content-Type: text/csv'] : []),
    '',
    value,
  ].join('\r\n'));
  return `${parts.join('\r\n')}\r\n${terminated ? `--${boundary}--\r\n` : ''}`;
}

export const hostileMultipart = fc.record({
  fields: fc.array(fc.tuple(fc.oneof(hostileKey, fc.constantFrom('credential', 'file', 'achievement', 'format')), fc.oneof(hostileString, hostileTree.map(jsonText))), { maxLength: 4 }),
  boundary: fc.constantFrom('X', 'fuzz-boundary', '__proto__', '-'.repeat(70), 'a b'),
  terminated: fc.boolean(),
  filename: fc.option(fc.constantFrom('rows.csv', '../../etc/passwd', 'rows.jsonl', '__proto__', 'x"y.csv'), { nil: undefined }),
}).map(({ fields, boundary, terminated, filename }) => ({
  body: multipartBody(fields, boundary, { terminated, ...(filename ? { filename } : {}) }),
  contentType: `multipart/form-data; boundary=${boundary.includes(' ') ? `"${boundary}"` : boundary}`,
}));

/** Recipient files: prototype keys as column names, quotes, huge rows, many tiny rows (bounded), BOMs. */
export const hostileCsv = fc.oneof(
  fc.array(fc.array(fc.oneof(hostileKey, hostileString), { minLength: 1, maxLength: 6 }), { minLength: 1, maxLength: 8 })
    .map((rows) => rows.map((cells) => cells.map((c) => (/[",\r\n]/.test(c) ? `"${c.replaceAll('"', '""')}"` : c)).join(',')).join('\r\n')),
  fc.integer({ min: 1_000, max: 40_000 }).map((rows) => `name,email\r\n${'a,b\r\n'.repeat(rows)}`),
  fc.constantFrom('\uFEFF', '"unterminated', 'name,email\r\n"a""b,c', '__proto__,constructor,prototype\r\n1,2,3\r\n', 'a,b\r\n'.padEnd(300_000, 'x'), '{"name":"a"}\n{"__proto__":{"x":1}}\n{'),
);

/** JSON-LD made expensive: a context repeated, inline contexts nested through scoped term definitions, many claims, many nodes. */
export const jsonLdBomb = fc.oneof(
  fc.record({ repeat: fc.integer({ min: 10, max: 2_000 }), url: fc.constantFrom('https://www.w3.org/ns/credentials/v2', 'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json', 'https://www.w3.org/ns/credentials/examples/v2') })
    .map(({ repeat, url }): JsonLdBomb => ({ kind: 'repeated-context', contexts: Array.from({ length: repeat }, () => url) })),
  fc.record({ depth: fc.integer({ min: 2, max: 40 }), width: fc.integer({ min: 1, max: 6 }) }).map(({ depth, width }): JsonLdBomb => {
    // Each level defines terms whose scoped context defines the next level's terms: expansion walks every one. The text
    // holds width^depth term definitions, so depth is cut to keep that under 4,096 (6^40 would never be written).
    const levels = width === 1 ? depth : Math.min(depth, Math.floor(Math.log(4096) / Math.log(width)));
    let context: Record<string, unknown> = { '@vocab': 'https://example.org/deep#' };
    for (let level = levels; level > 0; level -= 1) {
      const terms: Record<string, unknown> = { '@vocab': `https://example.org/l${level}#` };
      for (let w = 0; w < width; w += 1) terms[`t${w}`] = { '@id': `https://example.org/l${level}#t${w}`, '@context': context };
      context = terms;
    }
    return { kind: 'scoped-contexts', contexts: [context] };
  }),
  fc.integer({ min: 100, max: 15_000 }).map((claims): JsonLdBomb => ({ kind: 'many-claims', claims })),
  fc.integer({ min: 100, max: 5_000 }).map((nodes): JsonLdBomb => ({ kind: 'many-nodes', nodes })),
);

export type JsonLdBomb =
  | { kind: 'repeated-context'; contexts: string[] }
  | { kind: 'scoped-contexts'; contexts: unknown[] }
  | { kind: 'many-claims'; claims: number }
  | { kind: 'many-nodes'; nodes: number };

/** Applies a bomb to a (signed or unsigned) credential: its proof stays, so the request reaches JSON-LD and crypto. */
export function armed(credential: Record<string, unknown>, bomb: JsonLdBomb): Record<string, unknown> {
  const copy = structuredClone(credential);
  const base = [copy['@context']].flat();
  switch (bomb.kind) {
    case 'repeated-context': copy['@context'] = [...base, ...bomb.contexts]; break;
    case 'scoped-contexts': copy['@context'] = [...base, ...bomb.contexts]; break;
    case 'many-claims': {
      const subject = { ...(copy.credentialSubject as Record<string, unknown>) };
      for (let i = 0; i < bomb.claims; i += 1) subject[`claim${i}`] = `v${i}`;
      copy.credentialSubject = subject;
      break;
    }
    case 'many-nodes':
      copy.credentialSubject = { ...(copy.credentialSubject as Record<string, unknown>), evidence: Array.from({ length: bomb.nodes }, (_, i) => ({ id: `urn:example:${i}`, type: ['Evidence'], name: `e${i}` })) };
      break;
  }
  return copy;
}
