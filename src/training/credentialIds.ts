import crypto from 'node:crypto';

/** Namespace of batch credential ids (a random UUID fixed once; changing it would change every future id). */
const BATCH_NAMESPACE = Buffer.from('5d0c1f6e8a3b4e2f9c7d1a2b3c4d5e6f', 'hex');

/**
 * The credential id a batch row will always produce: an RFC 9562 version 5 UUID (SHA-1, name-based) of the
 * organisation, achievement and row key. Issuing the same row again can only ever target this id, which is how
 * resending a file or resuming after a crash finds what was already issued.
 */
export function batchCredentialId(organisationId: string, achievementId: string, rowKey: string): string {
  const hash = crypto.createHash('sha1').update(BATCH_NAMESPACE).update(`${organisationId}\n${achievementId}\n${rowKey}`).digest();
  const bytes = hash.subarray(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x50;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `urn:uuid:${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
