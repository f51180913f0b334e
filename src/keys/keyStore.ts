import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
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

interface PlainKeyFile { version: 1; seed: string }
interface EncryptedKeyFile { version: 1; cipher: 'aes-256-gcm'; kdf: 'scrypt'; salt: string; iv: string; tag: string; ciphertext: string }
type KeyFile = PlainKeyFile | EncryptedKeyFile;

const SCRYPT_KEY_LENGTH = 32;

/**
 * Private keys on disk, one file per key, mode 0600 and encrypted with AES-256-GCM under a scrypt-derived key when a
 * secret is configured. Storage is kept apart from signing: callers get a key pair, never the file.
 */
export class KeyStore {
  private readonly loaded = new Map<string, Promise<SigningKey>>();

  constructor(private readonly dir: string, private readonly secret: string | undefined) {
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  }

  /** Generates a key, writes it, and returns its public part. */
  async create(keyId: string): Promise<{ publicKeyMultibase: string }> {
    const seed = crypto.randomBytes(32);
    const keyPair = await Ed25519Multikey.generate({ seed });
    const file = this.fileOf(keyId);
    fs.writeFileSync(file, JSON.stringify(this.seal(seed)), { mode: 0o600, flag: 'wx' });
    return { publicKeyMultibase: keyPair.publicKeyMultibase };
  }

  /**
   * A random 32-byte service secret kept like a private key (0600, encrypted when a secret is configured), created
   * on first use. The same name gives the same secret in every process and after restarts.
   */
  namedSecret(name: string): Buffer {
    const file = this.fileOf(name);
    if (!fs.existsSync(file)) {
      try {
        fs.writeFileSync(file, JSON.stringify(this.seal(crypto.randomBytes(32))), { mode: 0o600, flag: 'wx' });
      } catch (error) {
        // Another process created it first: use theirs.
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
    }
    return this.open(JSON.parse(fs.readFileSync(file, 'utf8')) as KeyFile);
  }

  /** Loads (once per process) the key for signing as verification method `vmId` of `controller`. */
  load(keyId: string, vmId: string, controller: string): Promise<SigningKey> {
    let key = this.loaded.get(vmId);
    if (!key) {
      key = this.read(keyId, vmId, controller);
      this.loaded.set(vmId, key);
      key.catch(() => this.loaded.delete(vmId));
    }
    return key;
  }

  private async read(keyId: string, vmId: string, controller: string): Promise<SigningKey> {
    const seed = this.open(JSON.parse(fs.readFileSync(this.fileOf(keyId), 'utf8')) as KeyFile);
    const keyPair = (await Ed25519Multikey.generate({ seed, id: vmId, controller })) as Ed25519KeyPair;
    const jwk = await Ed25519Multikey.toJwk({ keyPair });
    const privateKey = crypto.createPrivateKey({ key: { ...jwk, d: seed.toString('base64url') }, format: 'jwk' });
    return { keyPair, privateKey };
  }

  private fileOf(keyId: string): string {
    if (!/^[A-Za-z0-9_-]+$/.test(keyId)) throw new Error(`invalid key id ${keyId}`);
    return path.join(this.dir, `${keyId}.json`);
  }

  private seal(seed: Buffer): KeyFile {
    if (!this.secret) return { version: 1, seed: seed.toString('base64url') };
    const salt = crypto.randomBytes(16);
    const iv = crypto.randomBytes(12);
    const cipher = crypto.createCipheriv('aes-256-gcm', crypto.scryptSync(this.secret, salt, SCRYPT_KEY_LENGTH), iv);
    const ciphertext = Buffer.concat([cipher.update(seed), cipher.final()]);
    return {
      version: 1, cipher: 'aes-256-gcm', kdf: 'scrypt',
      salt: salt.toString('base64url'), iv: iv.toString('base64url'),
      tag: cipher.getAuthTag().toString('base64url'), ciphertext: ciphertext.toString('base64url'),
    };
  }

  private open(file: KeyFile): Buffer {
    if (!('cipher' in file)) return Buffer.from(file.seed, 'base64url');
    if (!this.secret) throw new Error('this key is encrypted: set PASSERELLE_KEY_SECRET to the secret it was created with');
    const key = crypto.scryptSync(this.secret, Buffer.from(file.salt, 'base64url'), SCRYPT_KEY_LENGTH);
    const decipher = crypto.createDecipheriv('aes-256-gcm', key, Buffer.from(file.iv, 'base64url'));
    decipher.setAuthTag(Buffer.from(file.tag, 'base64url'));
    try {
      return Buffer.concat([decipher.update(Buffer.from(file.ciphertext, 'base64url')), decipher.final()]);
    } catch {
      throw new Error('cannot decrypt a private key: PASSERELLE_KEY_SECRET differs from the one the key was created with');
    }
  }
}
