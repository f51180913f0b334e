import zlib from 'node:zlib';

/**
 * Bitstring Status List encoding: bit 0 is the most significant bit of the first byte; the bytes are GZIP-compressed
 * and multibase-encoded as base64url (prefix "u").
 */
export function encodeBitstring(size: number, setIndexes: Iterable<number>): string {
  const bits = Buffer.alloc(Math.ceil(size / 8));
  for (const index of setIndexes) bits[index >> 3]! |= 0x80 >> (index & 7);
  return `u${zlib.gzipSync(bits).toString('base64url')}`;
}

export class BitstringDecodeError extends Error {}

// 16 MB of bits (134 million entries) is far beyond any real list; it bounds what a hostile list can make us inflate.
const MAX_DECODED_BYTES = 16 * 1024 * 1024;

export function decodeBitstring(encodedList: string): Buffer {
  if (!encodedList.startsWith('u')) throw new BitstringDecodeError('encodedList must be multibase base64url (start with "u")');
  try {
    return zlib.gunzipSync(Buffer.from(encodedList.slice(1), 'base64url'), { maxOutputLength: MAX_DECODED_BYTES });
  } catch (error) {
    throw new BitstringDecodeError(`encodedList is not GZIP-compressed base64url: ${(error as Error).message}`);
  }
}

export const isBitSet = (bits: Buffer, index: number) => ((bits[index >> 3] ?? 0) & (0x80 >> (index & 7))) !== 0;
