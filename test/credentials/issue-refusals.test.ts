/**
 * Each refusal of POST /credentials/issue word for word: its status, code and detail (and members where it has them),
 * so that a training centre's developer reads what to fix. Refusals that the request schema already makes (an unknown
 * format or alg, a credential that is not an object) answer invalid-request before the domain sees them; the domain's
 * own refusals of them, for in-process callers, are checked at the end.
 */
import t from 'tap';
import { issueCredential, type IssueOptions } from '../../src/credentials/issue.js';
import { buildTestApp, openBadgeCredential, plainCredential } from '../helpers/app.js';

type Json = Record<string, any>;
const V1 = 'https://www.w3.org/2018/credentials/v1';
const ELSEWHERE = { id: 'https://status.example.org/lists/3#94567', type: 'BitstringStatusListEntry', statusPurpose: 'revocation', statusListIndex: '94567', statusListCredential: 'https://status.example.org/lists/3' };

const ctx = await buildTestApp(t);
const { auth, did } = await ctx.issuer();
const issue = (credential: unknown, options: Json = {}) =>
  ctx.app.inject({ method: 'POST', url: '/credentials/issue', headers: auth, payload: { credential, options: { issuer: 'organisation', ...options } } });
const answerOf = async (credential: unknown, options?: Json) => {
  const response = await issue(credential, options);
  const { code, detail, type: _type, title: _title, status: _status, instance: _instance, ...members } = response.json() as Json;
  return { status: response.statusCode, code, detail, ...members };
};

t.test('the format and its options', async (t) => {
  t.same(await answerOf(plainCredential(), { format: 'eddsa-rdfc-2022', alg: 'EdDSA' }), {
    status: 400, code: 'alg-needs-jwt',
    detail: 'options.alg chooses the algorithm of vc+jwt and dc+sd-jwt; eddsa-rdfc-2022 signs with its cryptosuite\'s key (Ed25519). Remove options.alg, or use a JWT format',
  }, 'alg with a Data Integrity format');
  t.same(await answerOf(plainCredential(), { format: 'vc+jwt', holderJwk: { kty: 'OKP', crv: 'Ed25519', x: 'AAAA' } }), {
    status: 400, code: 'holder-key-needs-sd-jwt', detail: 'options.holderJwk binds an SD-JWT VC (cnf); other formats name the holder in credentialSubject.id',
  }, 'a holder key with vc+jwt');
  t.match(await answerOf(plainCredential(), { format: 'ldp_vc' }), { status: 400, code: 'invalid-request', detail: /options\/format must be equal to one of the allowed values/ }, 'an unknown format');
  t.same(await answerOf(plainCredential({ '@context': [V1], type: ['VerifiableCredential'] }), { format: 'vc+jwt', holder: { name: 'Kofi Mensah', phone: '+233 20 123 4567' } }), {
    status: 400, code: 'unsupported-format-for-wallet',
    detail: 'A VC 1.1 credential issued as a JWT cannot be offered to a wallet (options.holder): wallets present credentials in VC 2.0 presentations. Use the VC 2.0 context with vc+jwt, or a Data Integrity format',
  }, 'a VC 1.1 JWT for a wallet');
});

t.test('what the credential must be', async (t) => {
  t.same(await answerOf(plainCredential({ '@context': ['https://example.org/context'] })), {
    status: 400, code: 'invalid-context', detail: 'credential["@context"] must start with "https://www.w3.org/ns/credentials/v2" (VC 2.0) or "https://www.w3.org/2018/credentials/v1" (VC 1.1)',
  }, 'another context first');
  t.same(await answerOf(plainCredential({ proof: { type: 'DataIntegrityProof' } })), {
    status: 400, code: 'already-signed', detail: 'credential already has a proof; send the unsigned credential, or options.addProof true to co-sign it',
  }, 'a proof already');
  t.same(await answerOf(plainCredential(), { issuer: undefined }), {
    status: 400, code: 'missing-issuer',
    detail: `credential.issuer is required: set it to this organisation's DID ${did} (or an object whose id is it), or send options.issuer "organisation" to have it filled in`,
  }, 'no issuer');
  t.same(await answerOf(plainCredential({ issuer: { id: 'did:web:elsewhere.example' } })), {
    status: 400, code: 'issuer-mismatch', detail: `credential.issuer must be this organisation's DID ${did} (a string, or an object whose id is it)`,
  }, 'another issuer');
  t.same(await answerOf(plainCredential({ '@context': 'https://www.w3.org/ns/credentials/v2' })), {
    status: 400, code: 'invalid-credential',
    detail: 'The credential does not follow the VC data model: "https://www.w3.org/2018/credentials/v1" or "https://www.w3.org/ns/credentials/v2" needs to be first in the list of contexts.',
  }, 'a lone @context, not a list');
  t.same(await answerOf(plainCredential({ type: ['ExampleSkillCredential'] })), {
    status: 400, code: 'invalid-credential', detail: 'The credential does not follow the VC data model: "type" must include `VerifiableCredential`.',
  }, 'not a VerifiableCredential');
  t.same(await answerOf({ '@context': ['https://www.w3.org/ns/credentials/v2'], type: ['VerifiableCredential'], credentialSubject: { id: 'did:example:1', favouriteTool: 'trowel' } }, { format: 'dc+sd-jwt' }), {
    status: 400, code: 'undefined-term', term: 'favouriteTool',
    detail: 'The term "favouriteTool" is not defined by the credential\'s @context; define it in a context, use a full IRI, or remove it',
  }, 'an undefined term in an SD-JWT VC');
  const id = 'urn:uuid:7c1d3e2a-0b4f-4d6e-9a8b-1c2d3e4f5a6b';
  t.equal((await issue(plainCredential({ id }))).statusCode, 201, 'an id of its own: issued');
  t.same(await answerOf(plainCredential({ id })), {
    status: 409, code: 'duplicate-credential-id', credentialId: id,
    detail: `A credential with id ${id} was already issued; every credential needs its own id (omit it to get a fresh urn:uuid)`,
  }, 'the same id again');
});

t.test('status entries', async (t) => {
  t.same(await answerOf(plainCredential({ credentialStatus: ELSEWHERE }), { format: 'dc+sd-jwt' }), {
    status: 400, code: 'status-managed-by-service',
    detail: 'An SD-JWT VC carries one status, the service\'s Token Status List entry: remove credentialStatus (options.credentialStatus false issues it without status)',
  }, 'an entry of its own in an SD-JWT VC');
  const ours = (await issue(plainCredential())).json().verifiableCredential.credentialStatus as Json;
  t.same(await answerOf(plainCredential({ credentialStatus: [ELSEWHERE, { ...ours, statusListIndex: '9' }] })), {
    status: 400, code: 'status-managed-by-service', index: 1,
    detail: 'credentialStatus entry 1 points into a status list of this service, whose indexes the service allocates; remove it and use options.credentialStatus',
  }, 'an entry in the service\'s own list');
  t.same(await answerOf(plainCredential({ credentialStatus: { type: 'ExampleStatus', id: `${ours.id}` } })), {
    status: 400, code: 'status-managed-by-service', index: 0,
    detail: 'credentialStatus entry 0 points into a status list of this service, whose indexes the service allocates; remove it and use options.credentialStatus',
  }, 'an entry whose id is in the service\'s list');
});

t.test('co-signing', async (t) => {
  const signed = (await issue(openBadgeCredential())).json().verifiableCredential as Json;
  t.same(await answerOf(signed, { addProof: true, format: 'vc+jwt' }), {
    status: 400, code: 'add-proof-needs-data-integrity', detail: 'options.addProof adds a Data Integrity proof; use one of eddsa-rdfc-2022, eddsa-jcs-2022, ecdsa-rdfc-2019, ecdsa-jcs-2019',
  }, 'as a JWT');
  t.same(await answerOf(signed, { addProof: true, format: 'dc+sd-jwt' }), {
    status: 400, code: 'add-proof-needs-data-integrity', detail: 'options.addProof adds a Data Integrity proof; use one of eddsa-rdfc-2022, eddsa-jcs-2022, ecdsa-rdfc-2019, ecdsa-jcs-2019',
  }, 'as an SD-JWT VC');
  const reserved = (where: string) => `credential has the key "constructor" (at ${where}); keys named like built-in JavaScript object members (__proto__, constructor, hasOwnProperty, toString, ...) are refused because JSON-LD processors treat them as object internals: rename the property`;
  t.same(await answerOf({ ...signed, constructor: 'x' }, { addProof: true }), { status: 400, code: 'reserved-key', pointer: '/constructor', detail: reserved('/constructor') }, 'a reserved key, to co-sign');
  t.same(await answerOf(openBadgeCredential({ constructor: 'x' })), { status: 400, code: 'reserved-key', pointer: '/constructor', detail: reserved('/constructor') }, 'a reserved key, to sign');
  t.same(await answerOf(openBadgeCredential({ issuer: did }), { addProof: true }), {
    status: 400, code: 'nothing-to-co-sign', detail: 'options.addProof adds a proof to a signed credential, and this one has no proof; issue it without options.addProof',
  }, 'nothing signed yet');
  t.same(await answerOf({ ...signed, name: 'Chef de chantier' }, { addProof: true }), {
    status: 400, code: 'existing-proof-invalid', detail: 'The credential\'s proof does not verify, so it is not co-signed: Invalid signature.',
  }, 'a changed credential');
});

t.test('in-process callers (batches, assessments): what the request schema refuses first, the domain refuses too', async (t) => {
  const organisation = (await ctx.services.repos.organisations.byDid(did))!;
  const refusalOf = async (credential: unknown, options: Json) => {
    try {
      await issueCredential(ctx.services.issueDeps, { organisation, credential, options: { issuer: 'organisation', ...options } as IssueOptions });
      return 'issued';
    } catch (error) {
      const { code, detail } = error as { code: string; detail: string };
      return { code, detail };
    }
  };
  t.same(await refusalOf(plainCredential(), { format: 'eddsa-2099' }), {
    code: 'unknown-format', detail: 'options.format "eddsa-2099" is not supported; use one of eddsa-rdfc-2022, eddsa-jcs-2022, ecdsa-rdfc-2019, ecdsa-jcs-2019, vc+jwt, dc+sd-jwt',
  }, 'an unknown format');
  t.same(await refusalOf(plainCredential(), { format: 'vc+jwt', alg: 'RS256' }), { code: 'unknown-alg', detail: 'options.alg "RS256" is not supported; use one of EdDSA, ES256' }, 'an unknown alg');
  t.same(await refusalOf('a credential', {}), { code: 'invalid-credential', detail: 'credential must be a JSON object' }, 'not an object');
  t.same(await refusalOf(['a credential'], { addProof: true }), { code: 'invalid-credential', detail: 'credential must be a JSON object' }, 'not an object, to co-sign');
  t.same(await refusalOf(plainCredential(), { format: 'dc+sd-jwt', holderJwk: 'a key' }), { code: 'invalid-holder-key', detail: 'options.holderJwk must be a public JWK' }, 'a holder key that is not a JWK');
  const statusRefused = { code: 'invalid-credential-status-option', detail: 'options.credentialStatus entries must be {"type": "BitstringStatusListEntry", "statusPurpose": "revocation" | "suspension"}' };
  t.same(await refusalOf(plainCredential(), { credentialStatus: { type: 'StatusList2021Entry', statusPurpose: 'revocation' } }), statusRefused, 'another status type');
  t.same(await refusalOf(plainCredential(), { credentialStatus: [{ type: 'BitstringStatusListEntry', statusPurpose: 'message' }] }), statusRefused, 'another purpose');
  t.same(await refusalOf(plainCredential(), { credentialStatus: ['revocation'] }), statusRefused, 'not an object');
});
