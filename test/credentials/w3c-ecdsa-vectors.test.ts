/**
 * The signed P-256 test vectors of the W3C Data Integrity ECDSA Cryptosuites v1.0 specification (ecdsa-rdfc-2019 and
 * ecdsa-jcs-2019; test/fixtures/README.md names their source) against the service's verifying suites.
 */
import fs from 'node:fs';
import t from 'tap';
import * as EcdsaMultikey from '@digitalbazaar/ecdsa-multikey';
import { createDocumentLoader } from '../../src/credentials/documentLoader.js';
import { createDidResolver } from '../../src/credentials/didResolver.js';
import { signCredential, verifyCredentialProof, type DataIntegrityFormat } from '../../src/credentials/vcLibrary.js';

type Json = Record<string, any>;
const fixture = (name: string): Json => JSON.parse(fs.readFileSync(new URL(`../fixtures/${name}`, import.meta.url), 'utf8'));
const VECTORS = [
  { format: 'ecdsa-rdfc-2019', vector: fixture('w3c-ecdsa-rdfc-2019-p256-signed.json') },
  { format: 'ecdsa-jcs-2019', vector: fixture('w3c-ecdsa-jcs-2019-p256-signed.json') },
] as const;
const KEY = 'zDnaepBuvsQ8cpsWrVKw8fbpGpvPeNSjVPTWoq6cRqaYzBKVP';
const VM_ID = `did:key:${KEY}#${KEY}`;

const bundled = createDocumentLoader(createDidResolver({ localDids: { version: async () => undefined, document: async () => undefined }, resolveRemote: false }));

/**
 * The vectors name their key by its did:key, and their issuer is the specification's example controller document
 * https://vc.example/issuers/5678. An issuer's proof must be made with a key the issuer controls, so the test serves
 * that controller document (nothing is fetched), holding the specification's test key under assertionMethod.
 */
const issuer = 'https://vc.example/issuers/5678';
const verificationMethod = { '@context': 'https://w3id.org/security/multikey/v1', id: VM_ID, type: 'Multikey', controller: issuer, publicKeyMultibase: KEY };
const loader = async (url: string) => {
  if (url === VM_ID) return { contextUrl: null, documentUrl: url, document: verificationMethod };
  if (url === issuer) {
    return { contextUrl: null, documentUrl: url, document: { '@context': ['https://www.w3.org/ns/did/v1', 'https://w3id.org/security/multikey/v1'], id: issuer, assertionMethod: [verificationMethod] } };
  }
  return bundled(url);
};

const changeOneCharacter = (value: string) => `${value.slice(0, 10)}${value[10] === 'A' ? 'B' : 'A'}${value.slice(11)}`;

for (const { format, vector } of VECTORS) {
  t.test(`the W3C ECDSA specification's signed ${format} P-256 vector verifies`, async (t) => {
    const result = await verifyCredentialProof(vector, loader);
    t.equal(result.verified, true, result.errors.join('; '));
    t.same(result.verificationMethods, [VM_ID]);
  });

  t.test(`${format}: a one-character change in the vector fails`, async (t) => {
    const changedValue = structuredClone(vector);
    changedValue.credentialSubject.alumniOf = 'The School of Examplez';
    t.equal((await verifyCredentialProof(changedValue, loader)).verified, false, 'one character of a claim');
    const changedDate = structuredClone(vector);
    changedDate.validFrom = '2023-01-01T00:00:01Z';
    t.equal((await verifyCredentialProof(changedDate, loader)).verified, false, 'one second of validFrom');
    const changedSignature = structuredClone(vector);
    changedSignature.proof.proofValue = changeOneCharacter(changedSignature.proof.proofValue);
    t.equal((await verifyCredentialProof(changedSignature, loader)).verified, false, 'one character of the signature');
    const changedProofOptions = structuredClone(vector);
    changedProofOptions.proof.created = '2023-02-24T23:36:39Z';
    t.equal((await verifyCredentialProof(changedProofOptions, loader)).verified, false, 'one second of the proof\'s created');
  });

  t.test(`${format}: with the key resolved as a did:key, the signature holds and only the issuer binding fails`, async (t) => {
    // No fixture loader: the P-256 did:key resolves locally, and its controller is the did:key, not the vector's issuer.
    const result = await verifyCredentialProof(vector, bundled);
    t.equal(result.verified, false);
    t.same(result.errors, ['Credential issuer must match the verification method controller.']);
  });

  for (const curve of ['P-256', 'P-384'] as const) t.test(`${format}: the vector's credential re-signed by a ${curve} did:key issuer verifies through the service's resolver alone`, async (t) => {
    const keyPair = await EcdsaMultikey.generate({ curve });
    const did = `did:key:${keyPair.publicKeyMultibase}`;
    keyPair.controller = did;
    keyPair.id = `${did}#${keyPair.publicKeyMultibase}`;
    const { proof: _proof, ...unsigned } = structuredClone(vector);
    const signed: Json = await signCredential({
      credential: { ...unsigned, issuer: did }, format: format as DataIntegrityFormat, keyPair, documentLoader: bundled, now: new Date('2026-01-01T00:00:00Z'),
    });
    t.match(signed.proof, { cryptosuite: format, verificationMethod: keyPair.id });
    const result = await verifyCredentialProof(signed, bundled);
    t.equal(result.verified, true, 'verified', { errors: result.errors });
    const changed = structuredClone(signed);
    changed.credentialSubject.alumniOf = 'The School of Examplez';
    t.equal((await verifyCredentialProof(changed, bundled)).verified, false, 'a changed claim fails');
    const otherKey = await EcdsaMultikey.generate({ curve });
    const otherDid = `did:key:${otherKey.publicKeyMultibase}`;
    const impostor = { ...structuredClone(signed), issuer: otherDid, proof: { ...signed.proof, verificationMethod: `${otherDid}#${otherKey.publicKeyMultibase}` } };
    t.equal((await verifyCredentialProof(impostor, bundled)).verified, false, 'the same signature under another did:key fails');
  });
}

t.test('a P-256 did:key resolves through the service\'s own resolver to its Multikey', async (t) => {
  const resolved = await bundled(VM_ID);
  t.match(resolved.document, { type: 'Multikey', publicKeyMultibase: KEY, controller: `did:key:${KEY}` });
});
