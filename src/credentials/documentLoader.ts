import { bundledContexts } from './contexts/index.js';
import { findVerificationMethod, type DidResolver } from './didResolver.js';

export interface RemoteDocument {
  contextUrl: null;
  documentUrl: string;
  document: unknown;
}
export type DocumentLoader = (url: string) => Promise<RemoteDocument>;

/**
 * The only way JSON-LD processing reaches anything outside the credential: bundled contexts, and DIDs (or their
 * verification methods) through the DID resolver. Every other URL is refused with a message naming it.
 */
export function createDocumentLoader(resolveDid: DidResolver): DocumentLoader {
  return async function documentLoader(url: string): Promise<RemoteDocument> {
    const context = bundledContexts.get(url);
    if (context) return { contextUrl: null, documentUrl: url, document: context };
    if (url.startsWith('did:')) {
      const [did = url, fragment] = url.split('#');
      const document = await resolveDid(did);
      if (fragment === undefined) return { contextUrl: null, documentUrl: url, document };
      const vm = findVerificationMethod(document, url);
      if (!vm) throw new Error(`verification method ${url} is not in the DID document of ${did}`);
      return { contextUrl: null, documentUrl: url, document: { '@context': document['@context'], ...vm } };
    }
    throw new Error(`Document ${url} is not bundled with this service and is never fetched over the network; only the contexts listed in GET /contexts can be used`);
  };
}
