import { decodeProtectedHeader } from 'jose';
import { BitstringDecodeError, decodeBitstring, isBitSet } from './bitstring.js';
import {
  decodeTokenStatusList, TOKEN_STATUS, TOKEN_STATUS_LIST_TYPE, TokenStatusListDecodeError, tokenStatusIn,
} from './tokenStatusList.js';
import type { DocumentLoader } from './documentLoader.js';
import { isObject } from './jsonLimits.js';
import { STATUS_LIST_SIZE, type StatusListService } from './statusLists.js';
import { snapshotStamp } from './verificationSnapshot.js';
import { verifyCompactJws, verifyCredentialProof, type JsonObject } from './vcLibrary.js';

export interface StatusOutcome {
  valid: boolean;
  message: string;
  /** Bitstring Status List error type, when the status could not be established. */
  errorType?: 'STATUS_RETRIEVAL_ERROR' | 'STATUS_VERIFICATION_ERROR' | 'STATUS_LIST_LENGTH_ERROR';
}

/** `stamp`: the database's change stamp taken before `version` was last read (see StatusChecker). */
interface DecodedList { version: number; stamp: string | undefined; bits: Buffer; issuer: string; purpose: string }
interface DecodedToken { version: number; stamp: string | undefined; values: Buffer; bitsPerStatus: number; issuer: string }

/**
 * Checks BitstringStatusListEntry values against this service's own lists. A list is verified and decoded once per
 * version (a status change bumps the version), so repeated checks cost one indexed lookup, and none while the
 * database's change stamp (`changeStamp`, Database.changeStamp) is the one taken before the version was last read.
 * Lists hosted elsewhere are not fetched: verification stays offline.
 */
export class StatusChecker {
  private readonly decoded = new Map<string, DecodedList>();
  private readonly decodedTokens = new Map<string, DecodedToken>();

  constructor(private readonly deps: {
    statusLists: StatusListService; versionOf: (listId: string) => Promise<number | undefined>; changeStamp?: () => string | undefined;
    documentLoader: DocumentLoader; baseUrl: string;
  }) {}

  async check(entry: unknown, issuer: string): Promise<StatusOutcome> {
    if (!isObject(entry) || entry.type !== 'BitstringStatusListEntry') {
      return { valid: false, message: `Unsupported credentialStatus type ${isObject(entry) ? String(entry.type) : ''}; only BitstringStatusListEntry is checked`, errorType: 'STATUS_VERIFICATION_ERROR' };
    }
    const url = entry.statusListCredential;
    const index = Number(entry.statusListIndex);
    const purpose = entry.statusPurpose;
    if (typeof url !== 'string' || typeof entry.statusListIndex !== 'string' || !Number.isInteger(index) || index < 0) {
      return { valid: false, message: 'credentialStatus needs statusListCredential (a URL) and statusListIndex (a non-negative integer as a string)', errorType: 'STATUS_VERIFICATION_ERROR' };
    }
    const prefix = `${this.deps.baseUrl}/status/`;
    if (!url.startsWith(prefix)) {
      return { valid: false, message: `Status list ${url} is hosted elsewhere and is not fetched (verification runs offline)`, errorType: 'STATUS_RETRIEVAL_ERROR' };
    }
    const list = await this.load(url.slice(prefix.length));
    if (!list) return { valid: false, message: `Status list ${url} does not exist`, errorType: 'STATUS_RETRIEVAL_ERROR' };
    if (list.issuer !== issuer) return { valid: false, message: `Status list ${url} was issued by ${list.issuer}, not by the credential's issuer`, errorType: 'STATUS_VERIFICATION_ERROR' };
    if (list.purpose !== purpose) return { valid: false, message: `Status list ${url} is for ${list.purpose}, but the entry says ${String(purpose)}`, errorType: 'STATUS_VERIFICATION_ERROR' };
    if (list.bits.length * 8 < STATUS_LIST_SIZE || index >= list.bits.length * 8) {
      return { valid: false, message: `Index ${index} is outside status list ${url}`, errorType: 'STATUS_LIST_LENGTH_ERROR' };
    }
    const set = isBitSet(list.bits, index);
    // The entry's purpose is its list's (checked above), and this service keeps lists for revocation and suspension only.
    if (purpose === 'revocation') return set ? { valid: false, message: 'Revoked by its issuer' } : { valid: true, message: 'Not revoked' };
    return set ? { valid: false, message: 'Suspended by its issuer' } : { valid: true, message: 'Not suspended' };
  }

  /**
   * An SD-JWT VC's `status` claim against this service's Token Status Lists (tokenStatusList.ts), read locally like
   * the Bitstring lists: the signed token is checked against its issuer's key once per version.
   */
  async checkToken(status: unknown, issuer: string): Promise<StatusOutcome> {
    const reference = isObject(status) ? status.status_list : undefined;
    if (!isObject(reference)) {
      return { valid: false, message: 'Unsupported status: only status.status_list (Token Status List) is checked', errorType: 'STATUS_VERIFICATION_ERROR' };
    }
    const { idx, uri } = reference;
    if (typeof uri !== 'string' || typeof idx !== 'number' || !Number.isInteger(idx) || idx < 0) {
      return { valid: false, message: 'status.status_list needs uri (a URL) and idx (a non-negative integer)', errorType: 'STATUS_VERIFICATION_ERROR' };
    }
    const prefix = `${this.deps.baseUrl}/status/`;
    if (!uri.startsWith(prefix)) {
      return { valid: false, message: `Status list ${uri} is hosted elsewhere and is not fetched (verification runs offline)`, errorType: 'STATUS_RETRIEVAL_ERROR' };
    }
    const list = await this.loadToken(uri.slice(prefix.length));
    if (!list) return { valid: false, message: `Token Status List ${uri} does not exist`, errorType: 'STATUS_RETRIEVAL_ERROR' };
    if (list.issuer !== issuer) return { valid: false, message: `Status list ${uri} was issued by ${list.issuer}, not by the credential's issuer`, errorType: 'STATUS_VERIFICATION_ERROR' };
    const value = tokenStatusIn(list.values, list.bitsPerStatus, idx);
    if (value === undefined) return { valid: false, message: `Index ${idx} is outside status list ${uri}`, errorType: 'STATUS_LIST_LENGTH_ERROR' };
    if (value === TOKEN_STATUS.VALID) return { valid: true, message: 'Not revoked or suspended (Token Status List: VALID)' };
    if (value === TOKEN_STATUS.INVALID) return { valid: false, message: 'Revoked by its issuer (Token Status List: INVALID)' };
    if (value === TOKEN_STATUS.SUSPENDED) return { valid: false, message: 'Suspended by its issuer (Token Status List: SUSPENDED)' };
    return { valid: false, message: `Status value ${value} has no meaning this service knows`, errorType: 'STATUS_VERIFICATION_ERROR' };
  }

  /** The kept list if nothing was committed since its version was read, else its current version (undefined: none). */
  private async current<T extends { version: number; stamp: string | undefined }>(kept: T | undefined, listId: string): Promise<{ kept?: T; version?: number; stamp: string | undefined }> {
    const stamp = snapshotStamp(this.deps.changeStamp);
    if (kept && stamp !== undefined && kept.stamp === stamp) return { kept, stamp };
    const version = await this.deps.versionOf(listId);
    if (kept && kept.version === version) {
      kept.stamp = stamp;
      return { kept, stamp };
    }
    return { version, stamp };
  }

  private async loadToken(listId: string): Promise<DecodedToken | undefined> {
    const { kept, version, stamp } = await this.current(this.decodedTokens.get(listId), listId);
    if (kept) return kept;
    if (version === undefined) return undefined;
    const list = await this.deps.statusLists.signedList(listId);
    if (list.kind !== 'token') return undefined;
    const header = decodeProtectedHeader(list.token);
    if (header.typ !== TOKEN_STATUS_LIST_TYPE || typeof header.kid !== 'string') throw new Error(`status list ${listId} has no ${TOKEN_STATUS_LIST_TYPE} header with a kid`);
    const verificationMethod = (await this.deps.documentLoader(header.kid)).document as JsonObject;
    await verifyCompactJws(list.token, verificationMethod);
    const claims = JSON.parse(Buffer.from(list.token.split('.')[1]!, 'base64url').toString('utf8')) as JsonObject;
    if (header.kid.split('#')[0] !== claims.iss) throw new Error(`status list ${listId} is signed with ${header.kid}, not a key of its issuer ${String(claims.iss)}`);
    const statusList = claims.status_list as JsonObject;
    let values: Buffer;
    try {
      values = decodeTokenStatusList(String(statusList.lst), statusList.bits);
    } catch (error) {
      if (error instanceof TokenStatusListDecodeError) throw new Error(`status list ${listId}: ${error.message}`);
      throw error;
    }
    const decoded = { version, stamp, values, bitsPerStatus: statusList.bits as number, issuer: String(claims.iss) };
    this.decodedTokens.set(listId, decoded);
    return decoded;
  }

  private async load(listId: string): Promise<DecodedList | undefined> {
    const { kept, version, stamp } = await this.current(this.decoded.get(listId), listId);
    if (kept) return kept;
    if (version === undefined) return undefined;
    const list = await this.deps.statusLists.signedList(listId);
    if (list.kind !== 'bitstring') return undefined;
    const { credential } = list;
    const proof = await verifyCredentialProof(credential, this.deps.documentLoader);
    if (!proof.verified) throw new Error(`status list ${listId} failed its own proof: ${proof.errors.join('; ')}`);
    const subject = credential.credentialSubject as JsonObject;
    let bits: Buffer;
    try {
      bits = decodeBitstring(String(subject.encodedList));
    } catch (error) {
      if (error instanceof BitstringDecodeError) throw new Error(`status list ${listId}: ${error.message}`);
      throw error;
    }
    const decoded = { version, stamp, bits, issuer: String(credential.issuer), purpose: String(subject.statusPurpose) };
    this.decoded.set(listId, decoded);
    return decoded;
  }
}
