/**
 * The service's own did:key, which signs the presentations behind share links on their holders' behalf.
 *
 * Why a did:key held by the service: holders of this wallet have no keys of their own (a phone browser and a link),
 * and the presentation must be verifiable by anyone offline. A did:key resolves without a network and without an
 * organisation record that would show up in /orgs. The signature says "this service presented these credentials at
 * this time, for this challenge"; each credential inside keeps its issuer's own proof, which is what a verifier trusts.
 */
import crypto from 'node:crypto';
import type { KeyStore, SigningKey } from '../keys/keyStore.js';
import type { WalletRepository } from '../db/repositories/wallet.js';
import type { DocumentLoader } from '../credentials/documentLoader.js';
import { createPresentation, signPresentation, type JsonObject } from '../credentials/vcLibrary.js';

const PURPOSE = 'share-link-presentations';

export interface PresenterDeps {
  repo: WalletRepository;
  keyStore: KeyStore;
  documentLoader: DocumentLoader;
  now: () => Date;
}

export class SharePresenter {
  private key: Promise<{ did: string; signingKey: SigningKey }> | undefined;

  constructor(private readonly deps: PresenterDeps) {}

  /** The service's DID, created on first use and kept (its private key in the key store, encrypted when configured). */
  async did(): Promise<string> {
    return (await this.loadKey()).did;
  }

  /** The key that signs this service's own JWTs (OpenID4VP request objects), named by its DID URL. */
  async jwtKey(): Promise<{ did: string; kid: string; privateKey: SigningKey['privateKey'] }> {
    const { did, signingKey } = await this.loadKey();
    return { did, kid: signingKey.keyPair.id, privateKey: signingKey.privateKey };
  }

  async present(credentials: JsonObject[], options: { id: string; challenge: string; domain?: string }): Promise<JsonObject> {
    const { did, signingKey } = await this.loadKey();
    // The library's createPresentation judges each credential (and refuses envelopes and expired ones); a share link
    // presents what the holder chose as it is, and the verifier judges: so the credentials are added afterwards.
    const presentation = createPresentation([], did, options.id);
    presentation.verifiableCredential = credentials;
    return signPresentation({
      presentation, keyPair: signingKey.keyPair, documentLoader: this.deps.documentLoader,
      challenge: options.challenge, ...(options.domain ? { domain: options.domain } : {}), now: this.deps.now(),
    });
  }

  private loadKey() {
    this.key ??= this.readOrCreate();
    this.key.catch(() => { this.key = undefined; });
    return this.key;
  }

  private async readOrCreate() {
    let record = await this.deps.repo.serviceKey(PURPOSE);
    if (!record) {
      const keyId = `service-${PURPOSE}-${crypto.randomUUID()}`;
      const { publicKeyMultibase } = await this.deps.keyStore.create(keyId);
      record = await this.deps.repo.insertServiceKey({ purpose: PURPOSE, keyId, publicKeyMultibase, createdAt: this.deps.now().toISOString() });
    }
    const did = `did:key:${record.publicKeyMultibase}`;
    const signingKey = await this.deps.keyStore.load(record.keyId, `${did}#${record.publicKeyMultibase}`, did);
    return { did, signingKey };
  }
}
