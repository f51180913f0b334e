import fs from 'node:fs';
import t from 'tap';
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import { createDocumentLoader } from '../../src/credentials/documentLoader.js';
import { createDidResolver } from '../../src/credentials/didResolver.js';
import { signCredential, verifyCredentialProof } from '../../src/credentials/vcLibrary.js';

const vector = JSON.parse(fs.readFileSync(new URL('../fixtures/w3c-eddsa-rdfc-2022-signed.json', import.meta.url), 'utf8'));
const KEY = 'z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2';

/**
 * The specification's issuer is a controller document at https://vc.example/issuers/5678 holding the test key; it
 * cannot be fetched (nothing is), so the test serves that document, built from the spec's published key, itself.
 */
const bundled = createDocumentLoader(createDidResolver({ localDids: { version: async () => undefined, document: async () => undefined }, resolveRemote: false }));
const controller = 'https://vc.example/issuers/5678';
const verificationMethod = { '@context': 'https://w3id.org/security/multikey/v1', id: `${controller}#${KEY}`, type: 'Multikey', controller, publicKeyMultibase: KEY };
const loader = async (url: string) => {
  if (url === verificationMethod.id) return { contextUrl: null, documentUrl: url, document: verificationMethod };
  if (url === controller) {
    return { contextUrl: null, documentUrl: url, document: { '@context': ['https://www.w3.org/ns/did/v1', 'https://w3id.org/security/multikey/v1'], id: controller, assertionMethod: [verificationMethod] } };
  }
  return bundled(url);
};

t.test('the W3C EdDSA specification\'s signed eddsa-rdfc-2022 vector verifies', async (t) => {
  const result = await verifyCredentialProof(vector, loader);
  t.equal(result.verified, true, result.errors.join('; '));
});

t.test('a one-character change in the vector fails', async (t) => {
  const changedValue = structuredClone(vector);
  changedValue.credentialSubject.alumniOf = 'The School of Examplez';
  t.equal((await verifyCredentialProof(changedValue, loader)).verified, false, 'one character of a claim');
  const changedSignature = structuredClone(vector);
  const value: string = changedSignature.proof.proofValue;
  changedSignature.proof.proofValue = `${value.slice(0, 10)}${value[10] === 'A' ? 'B' : 'A'}${value.slice(11)}`;
  t.equal((await verifyCredentialProof(changedSignature, loader)).verified, false, 'one character of the signature');
});

t.test('the vector\'s key as a did:key resolves through the service\'s own resolver to the same Multikey', async (t) => {
  // did:key resolves locally: no fixture loader needed.
  const resolved = await bundled(`did:key:${KEY}#${KEY}`);
  t.match(resolved.document, { type: 'Multikey', publicKeyMultibase: KEY, controller: `did:key:${KEY}` });
});

t.test('the vector\'s credential re-signed by a did:key issuer verifies through the service\'s own resolver alone', async (t) => {
  const keyPair = await Ed25519Multikey.generate();
  const issuer = `did:key:${keyPair.publicKeyMultibase}`;
  keyPair.controller = issuer;
  keyPair.id = `${issuer}#${keyPair.publicKeyMultibase}`;
  const { proof: _proof, ...unsigned } = structuredClone(vector);
  const signed: Record<string, any> = await signCredential({ credential: { ...unsigned, issuer }, format: 'eddsa-rdfc-2022', keyPair, documentLoader: bundled, now: new Date('2026-01-01T00:00:00Z') });
  t.equal(signed.proof.verificationMethod, keyPair.id, 'the proof names the did:key');
  // No fixture loader: the key comes from resolving the did:key, the contexts from the bundled ones.
  const result = await verifyCredentialProof(signed, bundled);
  t.equal(result.verified, true, 'verified', { errors: result.errors });
  const changed = structuredClone(signed);
  changed.credentialSubject.alumniOf = 'The School of Examplez';
  t.equal((await verifyCredentialProof(changed, bundled)).verified, false, 'a changed claim fails');
  const otherKey = await Ed25519Multikey.generate();
  const impostor = { ...structuredClone(signed), proof: { ...signed.proof, verificationMethod: `did:key:${otherKey.publicKeyMultibase}#${otherKey.publicKeyMultibase}` } };
  t.equal((await verifyCredentialProof(impostor, bundled)).verified, false, 'the same signature under another did:key fails');
});
