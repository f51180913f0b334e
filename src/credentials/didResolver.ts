import { AsyncLocalStorage } from 'node:async_hooks';
import * as didKey from '@digitalbazaar/did-method-key';
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import { AppError } from '../errors.js';

export type DidDocument = {
  '@context'?: unknown;
  id: string;
  verificationMethod?: Array<Record<string, unknown> & { id: string; controller?: string }>;
  assertionMethod?: Array<string | { id: string }>;
  authentication?: Array<string | { id: string }>;
  [key: string]: unknown;
};

/** Looks up the DID documents this service hosts itself (its organisations' did:web DIDs). */
export type LocalDidLookup = (did: string) => Promise<DidDocument | undefined>;

export interface DidResolverOptions {
  localDid: LocalDidLookup;
  /** Off by default: verification must not depend on the network unless an operator opts in. */
  resolveRemote: boolean;
  remoteTimeoutMs?: number;
  remoteMaxBytes?: number;
}

const didKeyDriver = didKey.driver();
didKeyDriver.use({ multibaseMultikeyHeader: 'z6Mk', fromMultibase: Ed25519Multikey.from });

export const unresolvableDid = (did: string, why: string) => new AppError('did-unresolvable', 400, `Cannot resolve ${did}: ${why}`);

/**
 * One verification resolves the issuer's DID several times (the issuer check, the proof's verification method, its
 * controller). Inside `withDidSnapshot`, each DID is resolved once and the same document answers the others: one
 * verification sees one state of the issuer's keys, and makes one database round trip per DID instead of three.
 */
const snapshot = new AsyncLocalStorage<Map<string, Promise<DidDocument>>>();

export function withDidSnapshot<T>(work: () => Promise<T>): Promise<T> {
  return snapshot.getStore() ? work() : snapshot.run(new Map(), work);
}

/** Resolves did:key locally, our own did:web DIDs from the database, and other did:web DIDs only when enabled. */
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

  async function resolveOnce(did: string): Promise<DidDocument> {
    if (did.startsWith('did:key:')) {
      try {
        return (await didKeyDriver.get({ did })) as DidDocument;
      } catch (error) {
        throw unresolvableDid(did, (error as Error).message);
      }
    }
    if (did.startsWith('did:web:')) {
      const local = await options.localDid(did);
      if (local) return local;
      if (!options.resolveRemote) {
        throw unresolvableDid(did, 'it is not hosted by this service and remote did:web resolution is off (PASSERELLE_RESOLVE_REMOTE_DIDS=true enables it)');
      }
      try {
        return await resolveRemoteWeb(did);
      } catch (error) {
        if (error instanceof AppError) throw error;
        throw unresolvableDid(did, (error as Error).message);
      }
    }
    throw unresolvableDid(did, 'only did:key and did:web are supported');
  }

  return function resolveDid(did: string): Promise<DidDocument> {
    const resolved = snapshot.getStore();
    if (!resolved) return resolveOnce(did);
    let document = resolved.get(did);
    if (!document) {
      document = resolveOnce(did);
      resolved.set(did, document);
    }
    return document;
  };
}

export type DidResolver = ReturnType<typeof createDidResolver>;

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
