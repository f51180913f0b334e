import crypto from 'node:crypto';
import { promisify } from 'node:util';
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import * as EcdsaMultikey from '@digitalbazaar/ecdsa-multikey';

/** The kinds of signing key an organisation may have: Ed25519 (EdDSA) and NIST P-256 (ES256, ECDSA). */
export const KEY_ALGORITHMS = ['Ed25519', 'P-256'] as const;
export type KeyAlgorithm = (typeof KEY_ALGORITHMS)[number];

/** The JWS `alg` of each key algorithm (RFC 8037 and RFC 7518). */
export const JWS_ALGORITHMS = { 'Ed25519': 'EdDSA', 'P-256': 'ES256' } as const satisfies Record<KeyAlgorithm, string>;
export type JwsAlgorithm = (typeof JWS_ALGORITHMS)[KeyAlgorithm];

/**
 * A loaded Multikey key pair (Ed25519 or P-256), as the Digital Bazaar suites expect it (opaque outside src/keys and
 * src/credentials).
 */
export interface MultikeyPair {
  id: string;
  controller: string;
  publicKeyMultibase: string;
  signer(): { id: string; algorithm: string; sign(input: { data: Uint8Array }): Promise<Uint8Array> };
}

export interface SigningKey {
  algorithm: KeyAlgorithm;
  keyPair: MultikeyPair;
  /** The same key for jose (JWT, SD-JWT): sign with `alg`, name the key with `kid`. */
  privateKey: crypto.KeyObject;
  alg: JwsAlgorithm;
  /** The verification method id (`<did>#<fragment>`). */
  kid: string;
}

// Type aliases, not interfaces: a vault keeps them as plain JSON objects. `seed` and `ciphertext` hold the key's 32
// secret bytes: an Ed25519 seed, or a P-256 private scalar. Keys kept before P-256 existed have no `algorithm`: Ed25519.
type PlainKey = { version: 1; algorithm?: 'P-256'; seed: string };
type EncryptedKey = {
  version: 1; algorithm?: 'P-256'; cipher: 'aes-256-gcm'; kdf: 'scrypt'; salt: string; iv: string; tag: string; ciphertext: string;
};
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

  /** Generates a key (Ed25519 unless asked otherwise), keeps it, and returns its public part. */
  async create(keyId: string, algorithm: KeyAlgorithm = 'Ed25519'): Promise<{ publicKeyMultibase: string }> {
    // A P-256 scalar must be below the group order: node:crypto draws a valid one, and its JWK gives it as `d`.
    const secret = algorithm === 'P-256'
      ? Buffer.from(crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'jwk' }).d!, 'base64url')
      : crypto.randomBytes(32);
    const { keyPair } = await keyFrom(algorithm, secret, 'unbound', 'unbound');
    await this.vault.create(checkedId(keyId), await this.seal(secret, algorithm));
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
    const secret = await this.open(sealed);
    return 'cipher' in sealed ? sealed : this.seal(secret, algorithmOf(sealed));
  }

  private async read(keyId: string, vmId: string, controller: string): Promise<SigningKey> {
    const sealed = await this.vault.get(checkedId(keyId));
    if (!sealed) throw new Error(`no private key ${keyId} in the key store`);
    return keyFrom(algorithmOf(sealed), await this.open(sealed), vmId, controller);
  }

  private async seal(secret: Buffer, algorithm: KeyAlgorithm = 'Ed25519'): Promise<SealedKey> {
    // Ed25519 keys are sealed without `algorithm`, exactly as before P-256 keys existed.
    const kind = algorithm === 'P-256' ? { algorithm } : {};
    if (!this.secret) return { version: 1, ...kind, seed: secret.toString('base64url') };
    const salt = crypto.randomBytes(16);
    const iv = crypto.randomBytes(12);
    const cipher = crypto.createCipheriv('aes-256-gcm', await scrypt(this.secret, salt, SCRYPT_KEY_LENGTH), iv);
    const ciphertext = Buffer.concat([cipher.update(secret), cipher.final()]);
    return {
      version: 1, ...kind, cipher: 'aes-256-gcm', kdf: 'scrypt',
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

/** A public key (Multikey `publicKeyMultibase`) as a JWK. */
export async function publicKeyJwk(algorithm: KeyAlgorithm, publicKeyMultibase: string): Promise<Record<string, unknown>> {
  const multikey = { '@context': 'https://w3id.org/security/multikey/v1', type: 'Multikey', publicKeyMultibase };
  const library = algorithm === 'P-256' ? EcdsaMultikey : Ed25519Multikey;
  return library.toJwk({ keyPair: await library.from(multikey) }) as Promise<Record<string, unknown>>;
}

const algorithmOf = (sealed: SealedKey): KeyAlgorithm => sealed.algorithm ?? 'Ed25519';

/** The key pair (for the Data Integrity suites) and key object (for jose) of a key's secret bytes. */
async function keyFrom(algorithm: KeyAlgorithm, secret: Buffer, vmId: string, controller: string): Promise<SigningKey> {
  if (algorithm === 'P-256') {
    const ecdh = crypto.createECDH('prime256v1');
    ecdh.setPrivateKey(secret);
    const point = ecdh.getPublicKey(); // uncompressed: 0x04, x, y
    const jwk = { kty: 'EC', crv: 'P-256', x: point.subarray(1, 33).toString('base64url'), y: point.subarray(33).toString('base64url'), d: secret.toString('base64url') };
    const keyPair = (await EcdsaMultikey.fromJwk({ jwk, secretKey: true, id: vmId, controller })) as MultikeyPair;
    return { algorithm, keyPair, privateKey: crypto.createPrivateKey({ key: jwk, format: 'jwk' }), alg: 'ES256', kid: vmId };
  }
  const keyPair = (await Ed25519Multikey.generate({ seed: secret, id: vmId, controller })) as MultikeyPair;
  const jwk = await Ed25519Multikey.toJwk({ keyPair });
  const privateKey = crypto.createPrivateKey({ key: { ...jwk, d: secret.toString('base64url') }, format: 'jwk' });
  // The library's signer imports the secret key again for every signature (about a tenth of a batch's CPU): sign with
  // the key object imported here instead. It is kept as long as the key pair (KeyStore.load, per verification method:
  // a rotation gives a new method, hence a new key pair and key object).
  keyPair.signer = () => ({ id: vmId, algorithm: 'Ed25519', sign: async ({ data }) => crypto.sign(null, data, privateKey) });
  return { algorithm, keyPair, privateKey, alg: 'EdDSA', kid: vmId };
}

/** Key ids name files in the file vault: nothing that could leave its folder. */
function checkedId(keyId: string): string {
  if (!/^[A-Za-z0-9_-]+$/.test(keyId)) throw new Error(`invalid key id ${keyId}`);
  return keyId;
}
