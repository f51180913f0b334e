/**
 * The two status list encodings, bit by bit: W3C Bitstring Status List (src/credentials/bitstring.ts: GZIP, bit 0 the
 * most significant bit of the first byte, multibase "u") and the IETF Token Status List (tokenStatusList.ts: ZLIB, values
 * from the least significant bit, two bits per credential). Each is also read with zlib here, not only with its decoder.
 */
import zlib from 'node:zlib';
import t from 'tap';
import { BitstringDecodeError, decodeBitstring, encodeBitstring, isBitSet } from '../../src/credentials/bitstring.js';
import {
  decodeTokenStatusList, encodeTokenStatusList, revocationSlotOf, suspensionSlotOf, TOKEN_STATUS_LIST_ENTRIES, TokenStatusListDecodeError, tokenStatusIn,
} from '../../src/credentials/tokenStatusList.js';

const MB = 1024 * 1024;

t.test('a Bitstring list: the first index is the high bit of the first byte, gzipped behind "u"', async (t) => {
  const encoded = encodeBitstring(20, [0, 9, 19]);
  t.equal(encoded[0], 'u', 'multibase base64url');
  const bytes = zlib.gunzipSync(Buffer.from(encoded.slice(1), 'base64url'));
  t.same([...bytes], [0b1000_0000, 0b0100_0000, 0b0001_0000], 'three bytes for 20 bits: 0, 9 and 19 set');
  t.same(decodeBitstring(encoded), bytes, 'decoded as zlib reads it');
  const set = Array.from({ length: 24 }, (_, index) => index).filter((index) => isBitSet(bytes, index));
  t.same(set, [0, 9, 19], 'isBitSet reads back the indexes set');
  t.equal(isBitSet(bytes, 24), false, 'past the end: not set');
  t.equal(zlib.gunzipSync(Buffer.from(encodeBitstring(16, []).slice(1), 'base64url')).length, 2, 'exactly size/8 bytes');
  t.same([...zlib.gunzipSync(Buffer.from(encodeBitstring(8, [7, 7]).slice(1), 'base64url'))], [1], 'an index set twice is set');
});

t.test('a Bitstring list that cannot be decoded says why', async (t) => {
  t.throws(() => decodeBitstring(zlib.gzipSync(Buffer.alloc(2)).toString('base64url')),
    new BitstringDecodeError('encodedList must be multibase base64url (start with "u")'), 'no multibase prefix');
  t.throws(() => decodeBitstring('uAAAA'), { name: 'Error', message: /^encodedList is not GZIP-compressed base64url: / }, 'not gzip');
  t.throws(() => decodeBitstring(`u${zlib.gzipSync(Buffer.alloc(16 * MB + 1)).toString('base64url')}`),
    new BitstringDecodeError('encodedList is not GZIP-compressed base64url: Cannot create a Buffer larger than 16777216 bytes'), 'more than 16 MB inflated');
  t.equal(decodeBitstring(`u${zlib.gzipSync(Buffer.alloc(16 * MB)).toString('base64url')}`).length, 16 * MB, '16 MB inflated');
});

t.test('a Token Status List: two bits per credential from the low bit, revoked over suspended, deflated', async (t) => {
  t.same([revocationSlotOf(5), suspensionSlotOf(5)], [10, 11], 'the slots of credential 5');
  const lst = encodeTokenStatusList([revocationSlotOf(0), suspensionSlotOf(1), suspensionSlotOf(3), revocationSlotOf(3), revocationSlotOf(4), suspensionSlotOf(4)]);
  const bytes = zlib.inflateSync(Buffer.from(lst, 'base64url'));
  t.equal(bytes.length, TOKEN_STATUS_LIST_ENTRIES / 4, 'two bits for each of 131,072 credentials');
  t.same([...bytes.subarray(0, 3)], [0b01_00_10_01, 0b00_00_00_01, 0], 'credential 0 INVALID, 1 SUSPENDED, 2 VALID, 3 and 4 INVALID');
  const values = decodeTokenStatusList(lst, 2);
  t.same(values, bytes, 'decoded as zlib reads it');
  t.same([0, 1, 2, 3, 4, 5].map((index) => tokenStatusIn(values, 2, index)), [1, 2, 0, 1, 1, 0], 'read back with two bits');
  t.equal(tokenStatusIn(values, 2, TOKEN_STATUS_LIST_ENTRIES), undefined, 'past the end');
  const mixed = Buffer.from([0b1011_0110, 0xff]);
  t.same([0, 1, 2, 3, 4, 5, 6, 7, 8].map((index) => tokenStatusIn(mixed, 1, index)), [0, 1, 1, 0, 1, 1, 0, 1, 1], 'one bit each');
  t.same([0, 1, 2].map((index) => tokenStatusIn(mixed, 4, index)), [0b0110, 0b1011, 0b1111], 'four bits each');
  t.same([0, 1, 2].map((index) => tokenStatusIn(mixed, 8, index)), [0b1011_0110, 0xff, undefined], 'eight bits each');
});

t.test('a Token Status List that cannot be decoded says why', async (t) => {
  const lst = encodeTokenStatusList([]);
  for (const bits of [0, 3, 16, '2', undefined]) {
    t.throws(() => decodeTokenStatusList(lst, bits), new TokenStatusListDecodeError(`status_list.bits must be 1, 2, 4 or 8 (got ${JSON.stringify(bits)})`), `bits ${String(bits)}`);
  }
  for (const bits of [1, 4, 8]) t.equal(decodeTokenStatusList(lst, bits).length, TOKEN_STATUS_LIST_ENTRIES / 4, `bits ${bits} accepted`);
  t.throws(() => decodeTokenStatusList(zlib.gzipSync(Buffer.alloc(2)).toString('base64url'), 2), { message: /^status_list\.lst is not ZLIB-compressed base64url: / }, 'gzip, not zlib');
  t.throws(() => decodeTokenStatusList(zlib.deflateSync(Buffer.alloc(8 * MB + 1)).toString('base64url'), 2),
    new TokenStatusListDecodeError('status_list.lst is not ZLIB-compressed base64url: Cannot create a Buffer larger than 8388608 bytes'), 'more than 8 MB inflated');
  t.equal(decodeTokenStatusList(zlib.deflateSync(Buffer.alloc(8 * MB)).toString('base64url'), 2).length, 8 * MB, '8 MB inflated');
});
