import { BitstringDecodeError, decodeBitstring, isBitSet } from './bitstring.js';
import type { DocumentLoader } from './documentLoader.js';
import { isObject } from './jsonLimits.js';
import { STATUS_LIST_SIZE, type StatusListService } from './statusLists.js';
import { verifyCredentialProof, type JsonObject } from './vcLibrary.js';

export interface StatusOutcome {
  valid: boolean;
  message: string;
  /** Bitstring Status List error type, when the status could not be established. */
  errorType?: 'STATUS_RETRIEVAL_ERROR' | 'STATUS_VERIFICATION_ERROR' | 'STATUS_LIST_LENGTH_ERROR';
}

interface DecodedList { version: number; bits: Buffer; issuer: string; purpose: string }

/**
 * Checks BitstringStatusListEntry values against this service's own lists. A list is verified and decoded once per
 * version (a status change bumps the version), so repeated checks cost one indexed lookup.
 * Lists hosted elsewhere are not fetched: verification stays offline.
 */
export class StatusChecker {
  private readonly decoded = new Map<string, DecodedList>();

  constructor(private readonly deps: { statusLists: StatusListService; versionOf: (listId: string) => Promise<number | undefined>; documentLoader: DocumentLoader; baseUrl: string }) {}

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
    if (purpose === 'revocation') return set ? { valid: false, message: 'Revoked by its issuer' } : { valid: true, message: 'Not revoked' };
    if (purpose === 'suspension') return set ? { valid: false, message: 'Suspended by its issuer' } : { valid: true, message: 'Not suspended' };
    return { valid: true, message: `Status ${String(purpose)} is not interpreted` };
  }

  private async load(listId: string): Promise<DecodedList | undefined> {
    const version = await this.deps.versionOf(listId);
    if (version === undefined) return undefined;
    const cached = this.decoded.get(listId);
    if (cached?.version === version) return cached;
    const { credential } = await this.deps.statusLists.listCredential(listId);
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
    const decoded = { version, bits, issuer: String(credential.issuer), purpose: String(subject.statusPurpose) };
    this.decoded.set(listId, decoded);
    return decoded;
  }
}
