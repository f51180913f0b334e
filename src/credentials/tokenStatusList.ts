import zlib from 'node:zlib';

/**
 * IETF Token Status List (draft-ietf-oauth-status-list, the version @sd-jwt/jwt-status-list 0.19 reads): the status
 * of SD-JWT VCs. A list is a byte array of `bits`-wide values, value i at bit offset i*bits counted from the least
 * significant bit of each byte, compressed with DEFLATE in the ZLIB format and base64url-encoded as `lst`.
 *
 * Encoding chosen here: two bits per credential, so that one list answers both questions the service's Bitstring
 * lists answer separately: 0 VALID, 1 INVALID (revoked: final), 2 SUSPENDED (lifted by setting it back). The two bits
 * are stored as two status entries of the credential, with purposes "revocation" and "suspension", at slots 2i and
 * 2i+1 of the list: POST /credentials/status, audit, statistics and the multi-instance allocation (the (list, slot)
 * primary key) all work on them as on Bitstring entries. A revoked credential reads INVALID even while suspended.
 */
export const TOKEN_STATUS = { VALID: 0, INVALID: 1, SUSPENDED: 2 } as const;
export const TOKEN_STATUS_BITS = 2;
/** status_lists.purpose of a Token Status List; its entries keep the purposes revocation and suspension. */
export const TOKEN_STATUS_LIST_PURPOSE = 'token-status';
/** 131,072 credentials per list, as many as a Bitstring list, for the same herd privacy: 32 KB before compression. */
export const TOKEN_STATUS_LIST_ENTRIES = 131_072;
/** Each credential takes two slots (its revocation and its suspension bit): the list's size in status_lists. */
export const TOKEN_STATUS_LIST_SLOTS = TOKEN_STATUS_LIST_ENTRIES * 2;
export const TOKEN_STATUS_LIST_TYPE = 'statuslist+jwt';
export const TOKEN_STATUS_LIST_MEDIA_TYPE = 'application/statuslist+jwt';

export const revocationSlotOf = (index: number) => index * 2;
export const suspensionSlotOf = (index: number) => index * 2 + 1;

/** The `status` claim of a token whose status is entry `index` of the list at `uri`. */
export interface TokenStatusReference { status_list: { idx: number; uri: string } }

/** The list's `lst` from the slots whose bit is set (revocation at even slots, suspension at odd ones). */
export function encodeTokenStatusList(setSlots: Iterable<number>): string {
  const values = new Map<number, number>();
  for (const slot of setSlots) {
    const index = slot >> 1;
    const revoked = slot % 2 === 0 || values.get(index) === TOKEN_STATUS.INVALID;
    values.set(index, revoked ? TOKEN_STATUS.INVALID : TOKEN_STATUS.SUSPENDED);
  }
  const bytes = Buffer.alloc((TOKEN_STATUS_LIST_ENTRIES * TOKEN_STATUS_BITS) / 8);
  for (const [index, value] of values) {
    const offset = index * TOKEN_STATUS_BITS;
    bytes[offset >> 3]! |= value << (offset & 7);
  }
  return zlib.deflateSync(bytes, { level: 9 }).toString('base64url');
}

export class TokenStatusListDecodeError extends Error {}

// A list 64 times the size of ours (8 bits for 1M entries) bounds what a hostile `lst` can make us inflate.
const MAX_DECODED_BYTES = 8 * 1024 * 1024;

/** A list's `lst` inflated: `bits`-wide values, read with tokenStatusIn. */
export function decodeTokenStatusList(lst: string, bits: unknown): Buffer {
  if (bits !== 1 && bits !== 2 && bits !== 4 && bits !== 8) throw new TokenStatusListDecodeError(`status_list.bits must be 1, 2, 4 or 8 (got ${JSON.stringify(bits)})`);
  try {
    return zlib.inflateSync(Buffer.from(lst, 'base64url'), { maxOutputLength: MAX_DECODED_BYTES });
  } catch (error) {
    throw new TokenStatusListDecodeError(`status_list.lst is not ZLIB-compressed base64url: ${(error as Error).message}`);
  }
}

/** The value of entry `index` in a decoded list of `bits`-wide values; undefined when the list is shorter. */
export function tokenStatusIn(bytes: Buffer, bits: number, index: number): number | undefined {
  const offset = index * bits;
  const byte = bytes[offset >> 3];
  return byte === undefined ? undefined : (byte >> (offset & 7)) & ((1 << bits) - 1);
}
