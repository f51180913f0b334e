/**
 * Issuers with example DIDs (did:example:...), for tests that call the credential code directly rather than through
 * the service: keys from a key store in memory, DID documents written here, served by the service's document loader.
 */
import { createDocumentLoader, type DocumentLoader } from '../../src/credentials/documentLoader.js';
import type { DidDocument } from '../../src/credentials/didResolver.js';
import { KeyStore, type KeyAlgorithm, type SigningKey } from '../../src/keys/keyStore.js';
import { MemoryVault } from './memoryVault.js';

const store = new KeyStore(new MemoryVault(), undefined);

/** A new key with the id `<did>#<fragment>`, controlled by `controller` (the DID itself unless said otherwise). */
export async function exampleKey(did: string, fragment: string, algorithm: KeyAlgorithm = 'Ed25519', controller = did): Promise<SigningKey> {
  const keyId = `${did.split(':').at(-1)}-${fragment}`;
  await store.create(keyId, algorithm);
  return store.load(keyId, `${did}#${fragment}`, controller);
}

/** The key as a Multikey verification method. */
export const exampleMethod = (key: SigningKey) => ({ id: key.kid, type: 'Multikey', controller: key.keyPair.controller, publicKeyMultibase: key.keyPair.publicKeyMultibase });

/** A DID document listing the keys as Multikey methods, those named in `assertionMethod` allowed to issue. */
export const exampleDidDocument = (did: string, keys: SigningKey[], assertionMethod: string[]): DidDocument => ({
  '@context': ['https://www.w3.org/ns/did/v1', 'https://w3id.org/security/multikey/v1'], id: did,
  verificationMethod: keys.map(exampleMethod), assertionMethod,
}) as DidDocument;

/** A resolver of the given documents only, and the service's document loader over it. */
export function exampleResolution(documents: Record<string, DidDocument>): { resolveDid: (did: string) => Promise<DidDocument>; documentLoader: DocumentLoader } {
  const resolveDid = async (did: string) => {
    const document = documents[did];
    if (!document) throw new Error(`cannot resolve ${did}`);
    return document;
  };
  return { resolveDid, documentLoader: createDocumentLoader(resolveDid) };
}
