import * as didKey from '@digitalbazaar/did-method-key';
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import * as EcdsaMultikey from '@digitalbazaar/ecdsa-multikey';
import { AppError } from '../errors.js';
import { BoundedCache } from './boundedCache.js';
import { resolvedOnce, snapshotStamp } from './verificationSnapshot.js';

export type DidDocument = {
  '@context'?: unknown;
  id: string;
  verificationMethod?: Array<Record<string, unknown> & { id: string; controller?: string }>;
  assertionMethod?: Array<string | { id: string }>;
  authentication?: Array<string | { id: string }>;
  [key: string]: unknown;
};

/** The DID documents this service hosts itself (its organisations' did:web DIDs). */
export interface LocalDids {
  /**
   * The version of the DID's document, bumped in the same transaction as any change to it (organisations.keys_version),
   * or undefined when the DID is not hosted here. Read on every resolution whose snapshot's change stamp differs from
   * the one taken before the kept document's version was last read: one indexed lookup.
   */
  version(did: string): Promise<number | undefined>;
  document(did: string): Promise<DidDocument | undefined>;
  /** The database's change stamp (Database.changeStamp). */
  changeStamp?: () => string | undefined;
}

export interface DidResolverOptions {
  localDids: LocalDids;
  /** Off by default: verification must not depend on the network unless an operator opts in. */
  resolveRemote: boolean;
  remoteTimeoutMs?: number;
  remoteMaxBytes?: number;
}

const didKeyDriver = didKey.driver();
// did:key of Ed25519 (multicodec ed25519-pub, z6Mk...), P-256 (p256-pub 0x1200, compressed point: zDna...) and P-384
// keys (p384-pub 0x1201: z82L...), the curves ecdsa-jcs-2019 and ecdsa-rdfc-2019 sign with.
didKeyDriver.use({ multibaseMultikeyHeader: 'z6Mk', fromMultibase: Ed25519Multikey.from });
didKeyDriver.use({ multibaseMultikeyHeader: 'zDna', fromMultibase: EcdsaMultikey.from });
didKeyDriver.use({ multibaseMultikeyHeader: 'z82L', fromMultibase: EcdsaMultikey.from });

export const unresolvableDid = (did: string, why: string) => new AppError('did-unresolvable', 400, `Cannot resolve ${did}: ${why}`);

/** Documents kept per resolver: a few KB each, so at most a few tens of MB however many DIDs requests name. */
const CACHED_DOCUMENTS = 10_000;

/**
 * Resolves did:key locally, our own did:web DIDs from the database, and other did:web DIDs only when enabled.
 *
 * Resolved documents are kept (and shared: callers must not change them, so they are frozen). A did:key document is a
 * function of the DID alone and is kept as long as there is room. A hosted did:web document is kept with its version
 * and used again only while the database still holds that version: one indexed read per resolution instead of
 * loading the organisation and its keys, and no time during which another process's key rotation goes unseen (every
 * instance and worker reads the same row, on SQLite and on PostgreSQL alike). Not even that read while the database's
 * change stamp is the one taken before it (SQLite: nothing committed since, by any connection). The version is read
 * before the document, so a kept document is never older than its version. Remote did:web documents are not kept.
 */
export function createDidResolver(options: DidResolverOptions) {
  const timeoutMs = options.remoteTimeoutMs ?? 5000;
  // A DID document with a handful of keys is a few KB; 64 KB leaves room for many keys and bounds memory.
  const maxBytes = options.remoteMaxBytes ?? 64 * 1024;

  async function resolveRemoteWeb(did: string): Promise<DidDocument> {
    const [, , host, ...segments] = did.split(':');
    if (!host) throw unresolvableDid(did, 'malformed did:web');
    const url = `https://${decodeURIComponent(host)}/${segments.length ? segments.map(decodeURIComponent).join('/') : '.well-known'}/did.json`;
    const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs), redirect: 'error' });
    if (!response.ok) throw unresolvableDid(did, `${url} answered ${response.status}`);
    const body = await response.text();
    if (Buffer.byteLength(body) > maxBytes) throw unresolvableDid(did, `DID document larger than ${maxBytes} bytes`);
    const document = JSON.parse(body) as DidDocument;
    if (document.id !== did) throw unresolvableDid(did, `document at ${url} has id ${String(document.id)}`);
    return document;
  }

  const didKeyDocuments = new BoundedCache<string, DidDocument>(CACHED_DOCUMENTS);
  const localDocuments = new BoundedCache<string, { version: number; document: DidDocument; stamp: string | undefined }>(CACHED_DOCUMENTS);

  async function resolveDidKey(did: string): Promise<DidDocument> {
    let document = didKeyDocuments.get(did);
    if (!document) {
      try {
        document = deepFreeze((await didKeyDriver.get({ did })) as DidDocument);
      } catch (error) {
        throw unresolvableDid(did, (error as Error).message);
      }
      didKeyDocuments.set(did, document);
    }
    return document;
  }

  async function resolveLocal(did: string): Promise<DidDocument | undefined> {
    // Taken before the version is read, so that a kept document is never older than its stamp says.
    const stamp = snapshotStamp(options.localDids.changeStamp);
    const kept = localDocuments.get(did);
    if (kept && stamp !== undefined && kept.stamp === stamp) return kept.document;
    const version = await options.localDids.version(did);
    if (version === undefined) {
      localDocuments.delete(did);
      return undefined;
    }
    if (kept?.version === version) {
      kept.stamp = stamp;
      return kept.document;
    }
    const loaded = await options.localDids.document(did);
    if (!loaded) return undefined;
    const document = deepFreeze(loaded);
    localDocuments.set(did, { version, document, stamp });
    return document;
  }

  async function resolveOnce(did: string): Promise<DidDocument> {
    if (did.startsWith('did:key:')) return resolveDidKey(did);
    if (did.startsWith('did:web:')) {
      const local = await resolveLocal(did);
      if (local) return local;
      if (!options.resolveRemote) {
        throw unresolvableDid(did, 'it is not hosted by this service and remote did:web resolution is off (PASSERELLE_RESOLVE_REMOTE_DIDS=true enables it)');
      }
      try {
        return await resolveRemoteWeb(did);
      } catch (error) {
        if (error instanceof AppError) throw error;
        // fetch says only "fetch failed"; its cause says why (a redirect, a refused connection, a certificate).
        const { message, cause } = error as Error;
        throw unresolvableDid(did, cause instanceof Error ? `${message} (${cause.message})` : message);
      }
    }
    throw unresolvableDid(did, 'only did:key and did:web are supported');
  }

  return (did: string): Promise<DidDocument> => resolvedOnce(did, () => resolveOnce(did));
}

export type DidResolver = ReturnType<typeof createDidResolver>;

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

/** Finds a verification method (by its full id) in a resolved DID document. */
export function findVerificationMethod(document: DidDocument, vmId: string) {
  return document.verificationMethod?.find((vm) => vm.id === vmId || `${document.id}${vm.id}` === vmId);
}

/** Whether `vmId` is listed under the given verification relationship (assertionMethod, authentication). */
export function isAuthorisedFor(document: DidDocument, vmId: string, relationship: 'assertionMethod' | 'authentication'): boolean {
  return (document[relationship] as Array<string | { id: string }> | undefined ?? []).some((entry) => {
    const id = typeof entry === 'string' ? entry : entry.id;
    return id === vmId || `${document.id}${id}` === vmId;
  });
}
