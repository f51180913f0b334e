import fs from 'node:fs';
import t from 'tap';
import { createDocumentLoader } from '../../src/credentials/documentLoader.js';
import { createDidResolver } from '../../src/credentials/didResolver.js';
import { verifyCredentialProof } from '../../src/credentials/vcLibrary.js';

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
