/**
 * src/credentials/jcsProof.ts checks eddsa-jcs-2022 and ecdsa-jcs-2019 proofs without the Data Integrity library, and
 * answers only "verified" (anything else goes to the library). Held here to the library's verdicts on the W3C
 * vectors, on credentials the service issues, on credentials signed by the library with unusual proofs (valid
 * signatures over odd fields, so that only the checks besides the signature decide), and on mutated variants: the
 * fast path says verified exactly when the library does, and verifyCredentialProof answers what the library answers.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import t, { type Test } from 'tap';
import jsigs from 'jsonld-signatures';
import * as vc from '@digitalbazaar/vc';
import { DataIntegrityProof } from '@digitalbazaar/data-integrity';
import * as eddsaJcs2022 from '@digitalbazaar/eddsa-jcs-2022-cryptosuite';
import * as ecdsaJcs2019 from '@digitalbazaar/ecdsa-jcs-2019-cryptosuite';
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import * as EcdsaMultikey from '@digitalbazaar/ecdsa-multikey';
import { createDocumentLoader, type DocumentLoader } from '../../src/credentials/documentLoader.js';
import { createDidResolver } from '../../src/credentials/didResolver.js';
import { jcsFastPathStats, verifiedJcsProof } from '../../src/credentials/jcsProof.js';
import { verifyCredentialProof, verifyCredentialProofByLibrary } from '../../src/credentials/vcLibrary.js';
import { buildTestApp, openBadgeCredential } from '../helpers/app.js';
import { base58btc } from '../helpers/base58.js';

type Json = Record<string, any>;
const fixture = (name: string): Json => JSON.parse(fs.readFileSync(new URL(`../fixtures/${name}`, import.meta.url), 'utf8'));
const bundled = createDocumentLoader(createDidResolver({ localDids: { version: async () => undefined, document: async () => undefined }, resolveRemote: false }));

/** The specifications' example issuer, a controller document holding their test keys (as in w3c-ecdsa-vectors.test.ts). */
const EXAMPLE_ISSUER = 'https://vc.example/issuers/5678';
const ED25519_KEY = 'z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2';
const P256_KEY = 'zDnaepBuvsQ8cpsWrVKw8fbpGpvPeNSjVPTWoq6cRqaYzBKVP';
const exampleMethods = [
  { id: `${EXAMPLE_ISSUER}#${ED25519_KEY}`, type: 'Multikey', controller: EXAMPLE_ISSUER, publicKeyMultibase: ED25519_KEY },
  { id: `did:key:${P256_KEY}#${P256_KEY}`, type: 'Multikey', controller: EXAMPLE_ISSUER, publicKeyMultibase: P256_KEY },
];
const DID_V1 = 'https://www.w3.org/ns/did/v1';
function exampleLoader(controllerContext: unknown = [DID_V1, 'https://w3id.org/security/multikey/v1'], controller: Json = {}, methodChanges: Json = {}): DocumentLoader {
  return async (url: string) => {
    const method = exampleMethods.find((m) => m.id === url);
    if (method) return { contextUrl: null, documentUrl: url, document: { '@context': 'https://w3id.org/security/multikey/v1', ...method, ...methodChanges } };
    if (url === EXAMPLE_ISSUER) return { contextUrl: null, documentUrl: url, document: { '@context': controllerContext, id: EXAMPLE_ISSUER, assertionMethod: exampleMethods, ...controller } };
    return bundled(url);
  };
}

/** Signs `credential` with the library, the proof starting from `proofFields` (kept unless the library sets them). */
async function librarySigned(credential: Json, keyPair: any, cryptosuite: 'eddsa-jcs-2022' | 'ecdsa-jcs-2019', proofFields: Json = {}, purpose: unknown = new jsigs.purposes.AssertionProofPurpose()): Promise<Json> {
  const suite = new DataIntegrityProof({ signer: keyPair.signer(), cryptosuite: (cryptosuite === 'eddsa-jcs-2022' ? eddsaJcs2022 : ecdsaJcs2019).createSignCryptosuite() }) as any;
  suite.proof = proofFields;
  suite.date = proofFields.created === undefined ? new Date('2026-01-01T00:00:00Z') : null;
  return jsigs.sign(structuredClone(credential), { suite, purpose, documentLoader: bundled });
}

async function didKeyPair(algorithm: 'Ed25519' | 'P-256' | 'P-384') {
  const keyPair: any = algorithm === 'Ed25519' ? await Ed25519Multikey.generate() : await EcdsaMultikey.generate({ curve: algorithm });
  const did = `did:key:${keyPair.publicKeyMultibase}`;
  keyPair.controller = did;
  keyPair.id = `${did}#${keyPair.publicKeyMultibase}`;
  return { keyPair, did };
}

// The suites' own JCS (canonicalize 2.x), for proofs made by hand.
const require = createRequire(import.meta.url);
const canonicalize = createRequire(require.resolve('@digitalbazaar/eddsa-jcs-2022-cryptosuite'))('canonicalize') as (value: unknown) => string;

/**
 * A proof made by hand, following the suites' Create Proof steps (hash the proof options and the document under the
 * proof's @context, sign both hashes), for proof fields the library would not write: a valid signature over them.
 */
async function handSigned(credential: Json, keyPair: any, proof: Json, hash: 'sha256' | 'sha384' = 'sha256'): Promise<Json> {
  const document = proof['@context'] === undefined ? credential : { ...credential, '@context': proof['@context'] };
  const data = Buffer.concat([crypto.hash(hash, canonicalize(proof), 'buffer'), crypto.hash(hash, canonicalize(document), 'buffer')]);
  return { ...credential, proof: { ...proof, proofValue: `z${base58btc(await keyPair.signer().sign({ data }))}` } };
}

const changeOneCharacter = (value: string) => `${value.slice(0, 10)}${value[10] === 'A' ? 'B' : 'A'}${value.slice(11)}`;
const withProof = (credential: Json, change: (proof: Json) => void): Json => {
  const copy = structuredClone(credential);
  change(copy.proof);
  return copy;
};

/** Mutations of a signed credential, each a case the library has a verdict on. */
function mutationsOf(signed: Json): Array<[string, Json]> {
  const other = signed.proof.cryptosuite === 'eddsa-jcs-2022' ? 'ecdsa-jcs-2019' : 'eddsa-jcs-2022';
  const changedValue = structuredClone(signed);
  changedValue.validFrom = '2030-01-01T00:00:00Z';
  const { '@context': _context, ...withoutContext } = signed;
  return [
    ['unchanged', signed],
    ['changed value', changedValue],
    ['changed created', withProof(signed, (p) => { p.created = '2026-01-01T00:00:01Z'; })],
    ['changed signature', withProof(signed, (p) => { p.proofValue = changeOneCharacter(p.proofValue); })],
    ['signature as base64url', withProof(signed, (p) => { p.proofValue = `u${Buffer.from(p.proofValue.slice(1)).toString('base64url')}`; })],
    ['no signature', withProof(signed, (p) => { delete p.proofValue; })],
    ['other cryptosuite', withProof(signed, (p) => { p.cryptosuite = other; })],
    ['rdfc cryptosuite', withProof(signed, (p) => { p.cryptosuite = 'eddsa-rdfc-2022'; })],
    ['unknown cryptosuite', withProof(signed, (p) => { p.cryptosuite = 'eddsa-jcs-2023'; })],
    ['other proof type', withProof(signed, (p) => { p.type = 'Ed25519Signature2020'; })],
    ['authentication purpose', withProof(signed, (p) => { p.proofPurpose = 'authentication'; })],
    ['proof without @context', withProof(signed, (p) => { delete p['@context']; })],
    ['proof @context not the document\'s', withProof(signed, (p) => { p['@context'] = ['https://www.w3.org/ns/credentials/v2', 'https://w3id.org/security/data-integrity/v2']; })],
    ['document without @context', withoutContext],
    ['extra proof field', withProof(signed, (p) => { p.nonce = 'abc'; })],
    ['verification method as an object', withProof(signed, (p) => { p.verificationMethod = { id: p.verificationMethod }; })],
    ['unknown verification method', withProof(signed, (p) => { p.verificationMethod = `${p.verificationMethod}x`; })],
    ['other issuer', { ...structuredClone(signed), issuer: 'did:example:someone-else' }],
    ['issuer as an object', { ...structuredClone(signed), issuer: { id: signed.issuer } }],
    ['a proof array of one', { ...structuredClone(signed), proof: [structuredClone(signed.proof)] }],
    ['a proof array of two', { ...structuredClone(signed), proof: [structuredClone(signed.proof), structuredClone(signed.proof)] }],
  ];
}

/**
 * The library's verdict and the fast path's agree, and the fast path counts what it did. `librarySerialisations`: how
 * many values the fast path hands to the suite's own JCS (none JSON.parse makes).
 */
async function compare(t: Test, name: string, credential: Json, documentLoader: DocumentLoader, expected?: boolean, librarySerialisations = 0): Promise<void> {
  const library = await verifyCredentialProofByLibrary(structuredClone(credential), documentLoader);
  const before = jcsFastPathStats();
  const fast = await verifiedJcsProof(structuredClone(credential), documentLoader);
  const after = jcsFastPathStats();
  if (expected !== undefined) t.equal(library.verified, expected, `${name}: library verdict`);
  // A proof array of one is the library's to check (the fast path takes a single proof object only).
  const fastExpected = library.verified && !Array.isArray(credential.proof);
  t.equal(fast !== undefined, fastExpected, `${name}: fast path agrees`, { libraryErrors: library.errors });
  t.same(
    [after.verified - before.verified, after.leftToLibrary - before.leftToLibrary, after.librarySerialisations - before.librarySerialisations],
    [fast === undefined ? 0 : 1, fast === undefined ? 1 : 0, librarySerialisations],
    `${name}: counted (verified, left to the library, serialised by the library)`,
  );
  if (fast !== undefined) t.same([fast], library.verificationMethods, `${name}: same method`);
  t.same(await verifyCredentialProof(structuredClone(credential), documentLoader), library, `${name}: same result`);
}

t.test('the W3C eddsa-jcs-2022 and ecdsa-jcs-2019 vectors and their mutations', async (t) => {
  for (const vector of [fixture('w3c-eddsa-jcs-2022-signed.json'), fixture('w3c-ecdsa-jcs-2019-p256-signed.json')]) {
    for (const [name, credential] of mutationsOf(vector)) {
      await compare(t, `${vector.proof.cryptosuite} ${name}`, credential, exampleLoader(), name === 'unchanged' ? true : undefined);
    }
    // A controller document whose @context is not DID v1 is framed by the library: the fast path leaves it to it.
    await compare(t, `${vector.proof.cryptosuite} framed controller`, vector, exampleLoader('https://w3id.org/security/multikey/v1'));
    // Resolved as the did:key itself, the controller is not the vector's issuer.
    await compare(t, `${vector.proof.cryptosuite} did:key controller`, vector, bundled, false);
    const method = exampleMethods.find((m) => m.id === vector.proof.verificationMethod)!;
    const controllers: Array<[string, DocumentLoader, boolean]> = [
      ['the DID v1 context alone', exampleLoader(DID_V1), true],
      ['the method listed by its id', exampleLoader(undefined, { assertionMethod: [method.id] }), true],
      ['one method, not in a list', exampleLoader(undefined, { assertionMethod: method }), true],
      ['the method not listed', exampleLoader(undefined, { assertionMethod: exampleMethods.filter((m) => m !== method) }), false],
      ['no assertion methods', exampleLoader(undefined, { assertionMethod: undefined }), false],
      ['the method under authentication only', exampleLoader(undefined, { assertionMethod: undefined, authentication: [method] }), false],
      ['a controller document of another id', exampleLoader(undefined, { id: 'https://vc.example/issuers/0000' }), false],
      ['the method\'s controller as an object', exampleLoader(undefined, {}, { controller: { id: EXAMPLE_ISSUER } }), true],
      ['the method without a controller', exampleLoader(undefined, {}, { controller: undefined }), false],
      ['a controller document that is not an object', async (url: string) => (url === EXAMPLE_ISSUER ? { contextUrl: null, documentUrl: url, document: 'an issuer' } : exampleLoader()(url)), false],
    ];
    for (const [name, loader, expected] of controllers) await compare(t, `${vector.proof.cryptosuite} controller: ${name}`, vector, loader, expected);
  }
});

t.test('credentials the service issues as eddsa-jcs-2022 and ecdsa-jcs-2019, and their mutations', async (t) => {
  const ctx = await buildTestApp(t);
  const { auth } = await ctx.issuer();
  for (const format of ['eddsa-jcs-2022', 'ecdsa-jcs-2019']) {
    const response = await ctx.app.inject({ method: 'POST', url: '/credentials/issue', headers: auth, payload: { credential: openBadgeCredential(), options: { format, issuer: 'organisation' } } });
    t.equal(response.statusCode, 201, `${format}: issued`);
    const signed = response.json().verifiableCredential as Json;
    for (const [name, credential] of mutationsOf(signed)) {
      await compare(t, `${format} ${name}`, credential, ctx.services.documentLoader, name === 'unchanged' ? true : undefined);
    }
  }
});

t.test('library-signed proofs with unusual fields: valid signatures, so only the other checks decide', async (t) => {
  for (const [algorithm, cryptosuite] of [['Ed25519', 'eddsa-jcs-2022'], ['P-256', 'ecdsa-jcs-2019'], ['P-384', 'ecdsa-jcs-2019']] as const) {
    const { keyPair, did } = await didKeyPair(algorithm);
    const other = await didKeyPair(algorithm);
    const credential = { '@context': ['https://www.w3.org/ns/credentials/v2'], type: ['VerifiableCredential'], issuer: did, credentialSubject: { name: 'Ada' } };
    const cases: Array<[string, Json, boolean | undefined, number?]> = [
      ['plain', await librarySigned(credential, keyPair, cryptosuite), true],
      ['with expires', await librarySigned(credential, keyPair, cryptosuite, { expires: '2020-01-01T00:00:00Z' }), true],
      ['created not a date', await librarySigned(credential, keyPair, cryptosuite, { created: 'yesterday' }), false],
      ['expires not a date', await librarySigned(credential, keyPair, cryptosuite, { expires: '2020-01-01' }), false],
      ['created with an offset', await librarySigned(credential, keyPair, cryptosuite, { created: '2026-01-01T01:00:00+01:00' }), true],
      ['created on the 31st', await librarySigned(credential, keyPair, cryptosuite, { created: '2026-01-31T00:00:00Z' }), true],
      ['created with milliseconds', await librarySigned(credential, keyPair, cryptosuite, { created: '2026-01-01T00:00:00.123Z' }), true],
      ['created with a +21:00 offset', await librarySigned(credential, keyPair, cryptosuite, { created: '2026-01-01T21:00:00+21:00' }), true],
      // The library's date test is unanchored and ends at the time of day: it takes these.
      ['created after other text', await librarySigned(credential, keyPair, cryptosuite, { created: 'on 2026-01-01T00:00:00Z' }), true],
      ['created before other text', await librarySigned(credential, keyPair, cryptosuite, { created: '2026-01-01T23:59:59 or so' }), true],
      ['created at 24:00:00', await librarySigned(credential, keyPair, cryptosuite, { created: '2026-01-01T24:00:00Z' }), true],
      ['created in month 13', await librarySigned(credential, keyPair, cryptosuite, { created: '2026-13-01T00:00:00Z' }), false],
      ['created on the 32nd', await librarySigned(credential, keyPair, cryptosuite, { created: '2026-01-32T00:00:00Z' }), false],
      ['created at 24:00:01', await librarySigned(credential, keyPair, cryptosuite, { created: '2026-01-01T24:00:01Z' }), false],
      ['created at minute 60', await librarySigned(credential, keyPair, cryptosuite, { created: '2026-01-01T00:60:00Z' }), false],
      ['created with a two-digit year', await librarySigned(credential, keyPair, cryptosuite, { created: '26-01-01T00:00:00Z' }), false],
      ['created in a list', await librarySigned(credential, keyPair, cryptosuite, { created: ['2026-01-01T00:00:00Z'] }), true],
      ['a date in the proof', await librarySigned(credential, keyPair, cryptosuite, { nonce: new Date('2026-01-01T00:00:00Z') }), true, 1],
      ['an undefined member at the top', await librarySigned({ ...credential, name: undefined }, keyPair, cryptosuite), true],
      ['issuer as an object', await librarySigned({ ...credential, issuer: { id: did, name: 'Centre' } }, keyPair, cryptosuite), true],
      ['extra signed field', await librarySigned(credential, keyPair, cryptosuite, { nonce: 'abc' }), true],
      ['signed id', await librarySigned(credential, keyPair, cryptosuite, { id: 'urn:uuid:4b5e1c2a-0000-4000-8000-000000000001' }), true],
      ['signed for authentication', await librarySigned(credential, keyPair, cryptosuite, {}, new jsigs.purposes.AuthenticationProofPurpose({ challenge: 'c' })), false],
      ['signed by a key of another DID', { ...await librarySigned({ ...credential, issuer: did }, other.keyPair, cryptosuite) }, false],
      ['issuer not the controller', await librarySigned({ ...credential, issuer: other.did }, keyPair, cryptosuite), false],
      ['credential issuance purpose', await librarySigned(credential, keyPair, cryptosuite, {}, new vc.CredentialIssuancePurpose()), true],
      // JCS's corners, signed by the library's own JCS: key order by UTF-16 code units (an astral character before
      // U+FFFF), integer-like keys, escapes, lone surrogates, the ECMAScript number forms, empty and nested containers.
      ['unusual JSON values', await librarySigned({
        ...credential,
        credentialSubject: {
          name: 'Ada "the first" \\ Lovelace\n\t\u0001\u2028', onlyEscapes: '"\n', '\uffff': 1, '😀': 2, é: 3, 10: 'ten', 1: 'one', '': 'empty',
          lone: '\ud800x\udc00', numbers: [0, -0, 1e21, 1e-7, 0.1, -1.5, 123456789012345680000, 5e-324, 1.7976931348623157e308],
          flags: [true, false, null], nested: [[], {}, [{ b: [1, { a: 'z' }] }]],
        },
      }, keyPair, cryptosuite), true],
    ];
    // Signed under its @context, the document's @context extended afterwards: the proof's @context is a prefix of it.
    const extended = structuredClone(cases[0]![1]);
    extended['@context'] = [...extended['@context'], 'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json'];
    cases.push(['document @context extended after signing', extended, true]);
    // What only an in-process caller can hand over (JSON.parse never makes them): the library's JCS serialises them.
    // An undefined member is left out, as JCS does; a date (toJSON) or a list holding undefined is the library's to write.
    const valuesJsonDoesNotHold: Array<[string, unknown, number]> = [
      ['a date', new Date('2026-01-01T00:00:00Z'), 1], ['an undefined member', undefined, 0], ['undefined in a list', ['a', undefined, 'b'], 1],
    ];
    for (const [name, value, serialisations] of valuesJsonDoesNotHold) {
      cases.push([name, await librarySigned({ ...credential, credentialSubject: { name: 'Ada', value } }, keyPair, cryptosuite), undefined, serialisations]);
    }
    // Numbers JCS has no form for (the library refuses to sign or verify them): added after signing.
    for (const [name, value] of [['infinity', Infinity], ['NaN in a list', [NaN]]] as const) {
      cases.push([name, { ...cases[0]![1], credentialSubject: { name: 'Ada', value } }, false, 1]);
    }
    // Proofs the library would not write, signed by hand.
    const proof = { '@context': credential['@context'], type: 'DataIntegrityProof', cryptosuite, created: '2026-01-01T00:00:00Z', verificationMethod: keyPair.id, proofPurpose: 'assertionMethod' };
    const hash = algorithm === 'P-384' ? 'sha384' : 'sha256';
    const { '@context': _proofContext, ...proofWithoutContext } = proof;
    const { created: _created, ...proofWithoutCreated } = proof;
    const byHand = await handSigned(credential, keyPair, proof, hash);
    const { '@context': _documentContext, ...withoutContext } = credential;
    cases.push(
      ['made by hand', byHand, true],
      ['proof without @context', await handSigned(credential, keyPair, proofWithoutContext, hash), true],
      ['proof without created', await handSigned(credential, keyPair, proofWithoutCreated, hash), true],
      ['document @context a string', await handSigned({ ...credential, '@context': credential['@context'][0] }, keyPair, proof, hash), undefined],
      ['no document @context, an empty proof @context', await handSigned(withoutContext, keyPair, { ...proof, '@context': [] }, hash), undefined, 1],
      ['proof @context a string, the document\'s first', await handSigned(credential, keyPair, { ...proof, '@context': credential['@context'][0] }, hash), true],
      ['proof @context another string', await handSigned(credential, keyPair, { ...proof, '@context': 'https://w3id.org/security/data-integrity/v2' }, hash), false],
      ['proof @context longer than the document\'s', await handSigned(credential, keyPair, { ...proof, '@context': [...credential['@context'], 'https://w3id.org/security/data-integrity/v2'] }, hash), false],
      ['another proof type', await handSigned(credential, keyPair, { ...proof, type: 'Ed25519Signature2020' }, hash), false],
      ['cryptosuite in a list', await handSigned(credential, keyPair, { ...proof, cryptosuite: [cryptosuite] }, hash), false],
      ['the other curve\'s cryptosuite', await handSigned(credential, keyPair, { ...proof, cryptosuite: cryptosuite === 'eddsa-jcs-2022' ? 'ecdsa-jcs-2019' : 'eddsa-jcs-2022' }, hash), false],
      ['signature without its multibase prefix', withProof(byHand, (p) => { p.proofValue = `x${p.proofValue.slice(1)}`; }), false],
    );
    for (const [name, signed, expected, serialisations] of cases) await compare(t, `${cryptosuite} ${name}`, signed, bundled, expected, serialisations);
  }
});
