/** base58btc, the "z" multibase of proof values, keys and digests. */
const BASE58_ALPHABET = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';
const BASE58_DIGITS = new Int8Array(128).fill(-1);
for (let i = 0; i < BASE58_ALPHABET.length; i++) BASE58_DIGITS[BASE58_ALPHABET.charCodeAt(i)] = i;
const LIMB = 2 ** 24;

/**
 * The bytes of base58btc `text` from index `from` on (a multibase value without its "z"): leading "1"s are zero
 * bytes. Four digits at a time (58^4 < 2^24) into little-endian 24-bit limbs, so that every product stays exact in a
 * double: a 64-byte signature takes a few hundred multiplications instead of BigInt arithmetic and a hex round trip.
 */
export function base58btcBytes(text: string, from = 0): Buffer {
  let zeros = 0;
  while (from + zeros < text.length && text.charCodeAt(from + zeros) === 49) zeros++;
  const limbs = new Float64Array(Math.ceil(((text.length - from - zeros) * 0.733) / 3) + 1);
  let length = 0;
  for (let i = from + zeros; i < text.length;) {
    let carry = 0;
    let multiplier = 1;
    for (const end = Math.min(i + 4, text.length); i < end; i++) {
      const code = text.charCodeAt(i);
      const digit = code < 128 ? BASE58_DIGITS[code]! : -1;
      if (digit < 0) throw new Error(`not base58btc: ${text[i]}`);
      carry = carry * 58 + digit;
      multiplier *= 58;
    }
    for (let k = 0; k < length; k++) {
      carry += limbs[k]! * multiplier;
      const high = Math.floor(carry / LIMB);
      limbs[k] = carry - high * LIMB;
      carry = high;
    }
    for (; carry > 0; length++) {
      const high = Math.floor(carry / LIMB);
      limbs[length] = carry - high * LIMB;
      carry = high;
    }
  }
  const bytes = Buffer.alloc(zeros + length * 3);
  for (let k = 0, at = bytes.length; k < length; k++) {
    const limb = limbs[k]!;
    bytes[--at] = limb & 0xff;
    bytes[--at] = (limb >>> 8) & 0xff;
    bytes[--at] = limb >>> 16;
  }
  // The top limb may have begun with zero bytes: drop them (the value's own leading zeros are the "1"s, kept).
  let start = zeros;
  while (start < bytes.length && bytes[start] === 0) start++;
  return start === zeros ? bytes : Buffer.concat([bytes.subarray(0, zeros), bytes.subarray(start)]);
}
