import crypto from 'node:crypto';

/** 256 bits, URL-safe: long enough that guessing is hopeless, short enough for a QR code a phone reads easily. */
export const newSecret = (): string => crypto.randomBytes(32).toString('base64url');

/** What the database keeps of a secret: its SHA-256, so that a copy of the database opens nothing. */
export const hashOf = (secret: string): string => crypto.createHash('sha256').update(secret).digest('hex');

/** Claim codes, wallet secrets and share tokens all look like this (43 base64url characters). */
export const SECRET_PATTERN = /^[A-Za-z0-9_-]{43}$/;
export const looksLikeSecret = (value: string): boolean => SECRET_PATTERN.test(value);

/**
 * A share link's token, derived from the wallet's secret: the wallet can show the link (and its QR code) again at any
 * time, yet the database stores only the token's hash.
 */
export const shareTokenFor = (walletSecret: string, shareLinkId: string): string =>
  crypto.createHmac('sha256', walletSecret).update(`share-link:${shareLinkId}`).digest('base64url');

/**
 * The claim code of a credential issued in a batch, derived from a service secret: the batch's progress page can show
 * each row's claim link again, yet the database stores only the code's hash.
 */
export const batchClaimCodeFor = (serviceSecret: Buffer, credentialId: string): string =>
  crypto.createHmac('sha256', serviceSecret).update(`batch-claim:${credentialId}`).digest('base64url');

/**
 * A transaction code for a wallet app (OID4VCI tx_code): six digits, typed by the holder, who gets it apart from the
 * claim link. Guessing it needs the claim link first, and each wrong one counts against the client's failed attempts.
 */
export const newTxCode = (): string => String(crypto.randomInt(0, 1_000_000)).padStart(6, '0');

/** What the database keeps of a transaction code: salted by the 256-bit claim code, so a copy reveals neither. */
export const txCodeHashOf = (claimCode: string, txCode: string): string => hashOf(`${claimCode}:${txCode}`);

const SCRYPT = { N: 16384, r: 8, p: 1, keyLength: 32 } as const;

export function hashPassphrase(passphrase: string): string {
  const salt = crypto.randomBytes(16);
  const hash = crypto.scryptSync(passphrase.normalize('NFC'), salt, SCRYPT.keyLength, { N: SCRYPT.N, r: SCRYPT.r, p: SCRYPT.p });
  return `scrypt$${salt.toString('base64url')}$${hash.toString('base64url')}`;
}

export function passphraseMatches(passphrase: string, stored: string): boolean {
  const [scheme, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64url');
  const actual = crypto.scryptSync(passphrase.normalize('NFC'), Buffer.from(salt, 'base64url'), expected.length, { N: SCRYPT.N, r: SCRYPT.r, p: SCRYPT.p });
  return crypto.timingSafeEqual(actual, expected);
}
