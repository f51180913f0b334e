/**
 * The wallet's secrets (src/wallet/secrets.ts) recomputed here with node:crypto from their definitions: what the
 * database keeps of each (a hash, never the secret), the share tokens and batch claim codes derived from a secret, the
 * holder's transaction codes, and passphrases hashed with scrypt and checked as typed in either Unicode form.
 */
import crypto from 'node:crypto';
import t from 'tap';
import {
  batchClaimCodeFor, hashOf, hashPassphrase, looksLikeSecret, newSecret, newTxCode, passphraseMatches, shareTokenFor, txCodeHashOf,
} from '../../src/wallet/secrets.js';

const sha256 = (text: string) => crypto.createHash('sha256').update(text).digest('hex');
const hmac = (key: string | Buffer, text: string) => crypto.createHmac('sha256', key).update(text).digest('base64url');

t.test('secrets: 256 random bits, 43 URL-safe characters, kept as their SHA-256', async (t) => {
  const secrets = Array.from({ length: 50 }, newSecret);
  t.equal(new Set(secrets).size, 50, 'fresh each time');
  t.same(secrets.filter((secret) => !looksLikeSecret(secret) || Buffer.from(secret, 'base64url').length !== 32), [], 'each 32 bytes, as 43 base64url characters');
  t.same(['', 'a'.repeat(42), 'a'.repeat(44), `${'a'.repeat(42)}=`, `${'a'.repeat(42)}+`, `${'a'.repeat(42)}/`, ` ${'a'.repeat(42)}`].map(looksLikeSecret),
    [false, false, false, false, false, false, false], 'other lengths and characters do not look like one');
  t.ok(looksLikeSecret(`${'A'.repeat(20)}_-${'9'.repeat(21)}`), 'letters, digits, "-" and "_"');
  t.equal(hashOf(secrets[0]!), sha256(secrets[0]!), 'SHA-256, in hex');
});

t.test('derived secrets: share tokens from the wallet\'s secret, batch claim codes from the service\'s', async (t) => {
  const wallet = newSecret();
  t.equal(shareTokenFor(wallet, 'link-1'), hmac(wallet, 'share-link:link-1'), 'HMAC-SHA-256 of the link id');
  t.not(shareTokenFor(wallet, 'link-2'), shareTokenFor(wallet, 'link-1'), 'one per link');
  t.not(shareTokenFor(newSecret(), 'link-1'), shareTokenFor(wallet, 'link-1'), 'one per wallet');
  t.ok(looksLikeSecret(shareTokenFor(wallet, 'link-1')), 'shaped like a secret');
  const service = crypto.randomBytes(32);
  t.equal(batchClaimCodeFor(service, 'urn:uuid:1'), hmac(service, 'batch-claim:urn:uuid:1'), 'HMAC-SHA-256 of the credential id');
  t.ok(looksLikeSecret(batchClaimCodeFor(service, 'urn:uuid:1')), 'shaped like a secret');
});

t.test('transaction codes: six digits, kept salted by their claim code', async (t) => {
  const codes = Array.from({ length: 2000 }, newTxCode);
  t.same(codes.filter((code) => !/^\d{6}$/.test(code)), [], 'six digits, leading zeros kept');
  t.ok(codes.some((code) => code.startsWith('0')), 'codes below 100000 among 2,000');
  t.ok(new Set(codes).size > 1900, 'spread over the million');
  t.equal(txCodeHashOf('claim-code', '012345'), sha256('claim-code:012345'), 'SHA-256 of claim code and tx code');
});

t.test('passphrases: scrypt with a salt of their own, matched in either Unicode form', async (t) => {
  const stored = hashPassphrase('Récolte 2026');
  const [scheme, salt, hash] = stored.split('$');
  t.same([scheme, Buffer.from(salt!, 'base64url').length, Buffer.from(hash!, 'base64url').length], ['scrypt', 16, 32], 'scrypt$<16-byte salt>$<32-byte hash>');
  t.equal(hash, crypto.scryptSync('Récolte 2026'.normalize('NFC'), Buffer.from(salt!, 'base64url'), 32, { N: 16384, r: 8, p: 1 }).toString('base64url'), 'N 16384, r 8, p 1');
  t.not(hashPassphrase('Récolte 2026'), stored, 'a new salt each time');
  t.ok(passphraseMatches('Récolte 2026', stored), 'the passphrase');
  t.ok(passphraseMatches('Re\u0301colte 2026', stored), 'the same typed with a combining accent');
  t.notOk(passphraseMatches('Recolte 2026', stored), 'another passphrase');
  for (const [what, malformed] of [['another scheme', stored.replace('scrypt$', 'bcrypt$')], ['no salt', `scrypt$$${hash}`], ['no hash', `scrypt$${salt}$`], ['nothing', '']]) {
    t.notOk(passphraseMatches('Récolte 2026', malformed!), what!);
  }
});
