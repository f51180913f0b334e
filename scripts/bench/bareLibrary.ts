/**
 * The baseline: the Digital Bazaar libraries (and jose for vc+jwt) called directly, with the same cryptosuites, key
 * and bundled contexts as the service, and none of the service's code around them. Deliberately does not import
 * src/credentials/vcLibrary.ts, which installs the fast context handling: this module sees plain jsonld.js when it
 * runs in a process (or worker thread) of its own. Also used by test/performance to compute reference results.
 */
import crypto from 'node:crypto';
import * as vc from '@digitalbazaar/vc';
import jsigs from 'jsonld-signatures';
import { DataIntegrityProof } from '@digitalbazaar/data-integrity';
import { cryptosuite as eddsaRdfc2022 } from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import * as eddsaJcs2022 from '@digitalbazaar/eddsa-jcs-2022-cryptosuite';
import { Ed25519Signature2020 } from '@digitalbazaar/ed25519-signature-2020';
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import { CompactSign, compactVerify } from 'jose';
import { bundledContexts } from '../../src/credentials/contexts/index.js';
import type { Format } from './fixture.js';

type Json = Record<string, any>;

export interface BareKey {
  /** The 32-byte Ed25519 seed, base64url. */
  seed: string;
  did: string;
  vmId: string;
}

/** did -> DID document: the only documents the loader serves besides the bundled contexts. */
export type DidDocuments = Record<string, Json>;

export function bareDocumentLoader(didDocuments: DidDocuments) {
  return async (url: string) => {
    const context = bundledContexts.get(url);
    if (context) return { contextUrl: null, documentUrl: url, document: context };
    const [did = url, fragment] = url.split('#');
    const document = didDocuments[did];
    if (!document) throw new Error(`bare loader: no document ${url}`);
    if (fragment === undefined) return { contextUrl: null, documentUrl: url, document };
    const vm = (document.verificationMethod as Json[]).find((m) => m.id === url);
    if (!vm) throw new Error(`bare loader: no verification method ${url}`);
    return { contextUrl: null, documentUrl: url, document: { '@context': document['@context'], ...vm } };
  };
}

export async function createBareLibrary(key: BareKey, didDocuments: DidDocuments) {
  const seed = Buffer.from(key.seed, 'base64url');
  const keyPair = await Ed25519Multikey.generate({ seed, id: key.vmId, controller: key.did });
  const jwk = await Ed25519Multikey.toJwk({ keyPair });
  const privateKey = crypto.createPrivateKey({ key: { ...jwk, d: seed.toString('base64url') }, format: 'jwk' });
  const publicKey = crypto.createPublicKey({ key: jwk, format: 'jwk' });
  const documentLoader = bareDocumentLoader(didDocuments);
  const verifyingSuites = [
    new DataIntegrityProof({ cryptosuite: eddsaRdfc2022 }),
    new DataIntegrityProof({ cryptosuite: eddsaJcs2022.createVerifyCryptosuite() }),
    new Ed25519Signature2020(),
  ];
  const checkStatus = async () => ({ verified: true });

  return {
    documentLoader,

    async issue(format: Format, credential: Json): Promise<Json | string> {
      if (format === 'vc+jwt') {
        return new CompactSign(new TextEncoder().encode(JSON.stringify(credential)))
          .setProtectedHeader({ alg: 'EdDSA', typ: 'vc+jwt', cty: 'vc', kid: key.vmId })
          .sign(privateKey);
      }
      const cryptosuite = format === 'eddsa-rdfc-2022' ? eddsaRdfc2022 : eddsaJcs2022.createSignCryptosuite();
      const suite = new DataIntegrityProof({ signer: keyPair.signer(), cryptosuite });
      return vc.issue({ credential: structuredClone(credential), suite, documentLoader });
    },

    /** vc.verifyCredential (status reported valid by a stub: the library does not check Bitstring lists itself). */
    async verify(format: Format, signed: Json | string): Promise<boolean> {
      if (format === 'vc+jwt') {
        await compactVerify(signed as string, publicKey);
        return true;
      }
      const result = await vc.verifyCredential({ credential: signed, suite: verifyingSuites, documentLoader, checkStatus });
      return result.verified as boolean;
    },

    /** The proof check alone, exactly as the service asks jsonld-signatures for it. */
    async verifyProof(signed: Json): Promise<boolean> {
      const result = await jsigs.verify(signed, { suite: verifyingSuites, purpose: new vc.CredentialIssuancePurpose(), documentLoader });
      return result.verified as boolean;
    },
  };
}

/** Canonical N-Quads (RDFC-1.0) exactly as the eddsa-rdfc-2022 cryptosuite computes them, with plain jsonld.js. */
export async function canonize(document: Json, documentLoader: (url: string) => Promise<unknown>): Promise<string> {
  return eddsaRdfc2022.canonize(document, { documentLoader });
}
