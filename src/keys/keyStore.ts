import crypto from 'node:crypto';
import { promisify } from 'node:util';
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';

/** A loaded Ed25519 key pair, as the Digital Bazaar suites expect it (opaque outside src/keys and src/credentials). */
export interface Ed25519KeyPair {
  id: string;
  controller: string;
  publicKeyMultibase: string;
  signer(): { id: string; algorithm: string; sign(input: { data: Uint8Array }): Promise<Uint8Array> };
}

export interface SigningKey {
  keyPair: Ed25519KeyPair;
  /** The same key for jose (vc+jwt). */
  privateKey: crypto.KeyObject;
}

// Type aliases, not interfaces: a vault keeps them as plain JSON objects.
type PlainKey = { version: 1; seed: string };
type EncryptedKey = { version: 1; cipher: 'aes-256-gcm'; kdf: 'scrypt'; salt: string; iv: string; tag: string; ciphertext: string };
/** A key as a vault keeps it: the JSON of a key file, encrypted when a secret is configured. */
export type SealedKey = PlainKey | EncryptedKey;

/**
 * Where sealed keys are kept: files (the embedded default) or the database (several instances). A vault never sees a
 * key in the clear unless the deployment has no secret, which only the file vault accepts.
 */
export interface KeyVault {
  /** Keeps a new key; rejects when `id` is taken (a key is never overwritten). */
  create(id: string, sealed: SealedKey): Promise<void>;
  /** Keeps `sealed` unless `id` is taken; either way, what is kept under `id`: every caller gets the same. */
  createOrGet(id: string, sealed: SealedKey): Promise<SealedKey>;
  get(id: string): Promise<SealedKey | undefined>;
}

export interface KeyStoreOptions {
  /** Refuse to keep keys in plain text (a vault shared by instances, such as the database). */
  encryptionRequired?: boolean;
}

const SCRYPT_KEY_LENGTH = 32;
const scrypt = promisify(crypto.scrypt) as (secret: string, salt: Buffer, length: number) => Promise<Buffer>;

/**
 * Private keys and service secrets, sealed with AES-256-GCM under a scrypt-derived key when a secret is configured,
 * in a vault. Storage is kept apart from signing: callers get a key pair, never what is stored.
 */
export class KeyStore {
  private readonly loaded = new Map<string, Promise<SigningKey>>();

  constructor(private readonly vault: KeyVault, private readonly secret: string | undefined, options: KeyStoreOptions = {}) {
    if (options.encryptionRequired && !secret) {
      throw new Error('keys kept in the database are encrypted: set PASSERELLE_KEY_SECRET (the same on every instance)');
    }
  }

  /** Generates a key, keeps it, and returns its public part. */
  async create(keyId: string): Promise<{ publicKeyMultibase: string }> {
    const seed = crypto.randomBytes(32);
    const keyPair = await Ed25519Multikey.generate({ seed });
    await this.vault.create(checkedId(keyId), await this.seal(seed));
    return { publicKeyMultibase: keyPair.publicKeyMultibase };
  }

  /**
   * A random 32-byte service secret kept like a private key, created on first use. The same name gives the same
   * secret in every process and instance and after restarts: whoever keeps it first, everyone reads theirs.
   */
  async namedSecret(name: string): Promise<Buffer> {
    return this.open(await this.vault.createOrGet(checkedId(name), await this.seal(crypto.randomBytes(32))));
  }

  /**
   * Loads (once per process) the key for signing as verification method `vmId` of `controller`. A rotation gives a
   * new verification method, so the cache never holds an organisation's "current" key: the database says which it is.
   */
  load(keyId: string, vmId: string, controller: string): Promise<SigningKey> {
    let key = this.loaded.get(vmId);
    if (!key) {
      key = this.read(keyId, vmId, controller);
      this.loaded.set(vmId, key);
      key.catch(() => this.loaded.delete(vmId));
    }
    return key;
  }

  /**
   * What is kept under `keyId`, sealed with this store's secret: as it is when already encrypted (once checked to open
   * with that secret), sealed now when it was kept in plain text. For moving keys into a vault that only takes sealed
   * ones (npm run db:copy).
   */
  async sealedForMove(keyId: string): Promise<SealedKey> {
    if (!this.secret) throw new Error('moving keys needs PASSERELLE_KEY_SECRET: they are only ever moved sealed');
    const sealed = await this.vault.get(checkedId(keyId));
    if (!sealed) throw new Error(`no key ${keyId} in the key store`);
    const seed = await this.open(sealed);
    return 'cipher' in sealed ? sealed : this.seal(seed);
  }

  private async read(keyId: string, vmId: string, controller: string): Promise<SigningKey> {
    const sealed = await this.vault.get(checkedId(keyId));
    if (!sealed) throw new Error(`no private key ${keyId} in the key store`);
    const seed = await this.open(sealed);
    const keyPair = (await Ed25519Multikey.generate({ seed, id: vmId, controller })) as Ed25519KeyPair;
    const jwk = await Ed25519Multikey.toJwk({ keyPair });
    const privateKey = crypto.createPrivateKey({ key: { ...jwk, d: seed.toString('base64url') }, format: 'jwk' });
    return { keyPair, privateKey };
  }

  private async seal(seed: Buffer): Promise<SealedKey> {
    if (!this.secret) return { version: 1, seed: seed.toString('base64url') };
    const salt = crypto.randomBytes(16);
    const iv = crypto.randomBytes(12);
    const cipher = crypto.createCipheriv('aes-256-gcm', await scrypt(this.secret, salt, SCRYPT_KEY_LENGTH), iv);
    const ciphertext = Buffer.concat([cipher.update(seed), cipher.final()]);
    return {
      version: 1, cipher: 'aes-256-gcm', kdf: 'scrypt',
      salt: salt.toString('base64url'), iv: iv.toString('base64url'),
      tag: cipher.getAuthTag().toString('base64url'), ciphertext: ciphertext.toString('base64url'),
    };
  }

  private async open(sealed: SealedKey): Promise<Buffer> {
    if (!('cipher' in sealed)) return Buffer.from(sealed.seed, 'base64url');
    if (!this.secret) throw new Error('this key is encrypted: set PASSERELLE_KEY_SECRET to the secret it was created with');
    const key = await scrypt(this.secret, Buffer.from(sealed.salt, 'base64url'), SCRYPT_KEY_LENGTH);
    const decipher = crypto.createDecipheriv('aes-256-gcm', key, Buffer.from(sealed.iv, 'base64url'));
    decipher.setAuthTag(Buffer.from(sealed.tag, 'base64url'));
    try {
      return Buffer.concat([decipher.update(Buffer.from(sealed.ciphertext, 'base64url')), decipher.final()]);
    } catch {
      throw new Error('cannot decrypt a private key: PASSERELLE_KEY_SECRET differs from the one the key was created with');
    }
  }
}

/** Key ids name files in the file vault: nothing that could leave its folder. */
function checkedId(keyId: string): string {
  if (!/^[A-Za-z0-9_-]+$/.test(keyId)) throw new Error(`invalid key id ${keyId}`);
  return keyId;
}
