import crypto from 'node:crypto';
import { SignJWT } from 'jose';
import type { Organisation, OrganisationRepository } from '../db/repositories/organisations.js';
import type { CredentialRepository, StatusList, StatusListRepository, StatusReservation } from '../db/repositories/credentials.js';
import type { KeyStore } from '../keys/keyStore.js';
import { badRequest, notFound } from '../errors.js';
import { signingKeyOf } from '../orgs/organisations.js';
import { encodeBitstring } from './bitstring.js';
import { CONTEXTS } from './contexts/index.js';
import type { DocumentLoader } from './documentLoader.js';
import { DEFAULT_FORMATS, signCredential, type JsonObject } from './vcLibrary.js';
import {
  encodeTokenStatusList, revocationSlotOf, suspensionSlotOf, TOKEN_STATUS_BITS, TOKEN_STATUS_LIST_PURPOSE, TOKEN_STATUS_LIST_SLOTS,
  TOKEN_STATUS_LIST_TYPE, type TokenStatusReference,
} from './tokenStatusList.js';

/** 131,072 entries (16 KB): the Bitstring Status List minimum, so that one credential hides among many (herd privacy). */
export const STATUS_LIST_SIZE = 131_072;
export const STATUS_PURPOSES = ['revocation', 'suspension'] as const;
export type StatusPurpose = (typeof STATUS_PURPOSES)[number];
/**
 * A list takes new entries until this share of it is allocated, then a new list opens. Entries are drawn at random
 * (herd privacy) and a draw is a database read: below the limit one draw in 16 at worst finds a free entry, where
 * drawing the last free entries of a full list took thousands of reads each (a 10,000-row batch into a nearly full
 * list took 33 s instead of 8, 2026-12-04).
 */
export const STATUS_LIST_FILL_LIMIT = 15 / 16;
/** Draws on one list without finding a free entry before a reservation turns to another list (0.9375^256 < 1e-7). */
const MAX_DRAWS = 256;
/** How long verifiers may cache a list (milliseconds), published as the list's `ttl`. */
export const STATUS_LIST_TTL_MS = 5 * 60 * 1000;
/**
 * A status list token expires a day after it is signed (the Token Status List's `exp`), and is signed again when less
 * than a `ttl` of that day is left, so that a verifier never receives one that expires before it would fetch again.
 */
export const TOKEN_STATUS_LIST_LIFETIME_MS = 24 * 60 * 60 * 1000;

/** A list as served: a Bitstring Status List credential, or a Token Status List's signed JWT (for SD-JWT VCs). */
export type SignedStatusList =
  | { kind: 'bitstring'; version: number; credential: JsonObject }
  | { kind: 'token'; version: number; token: string; expiresAt: number };

export interface StatusListDeps {
  statusLists: StatusListRepository;
  credentials: CredentialRepository;
  organisations: OrganisationRepository;
  keyStore: KeyStore;
  documentLoader: DocumentLoader;
  baseUrl: string;
  now: () => Date;
}

export const statusListUrl = (baseUrl: string, listId: string) => `${baseUrl}/status/${listId}`;

/**
 * Allocates random, never reused status indexes and serves the signed lists. An index is reserved in memory while
 * its credential is being signed and becomes permanent when the credential is recorded (see CredentialRepository).
 */
export class StatusListService {
  private readonly reserved = new Map<string, Set<number>>();
  /** Lists this process drew from MAX_DRAWS times without finding a free entry. */
  private readonly givenUp = new Set<string>();
  private readonly signed = new Map<string, SignedStatusList>();

  constructor(private readonly deps: StatusListDeps) {}

  async reserve(organisation: Organisation, purposes: StatusPurpose[]): Promise<StatusReservation[]> {
    const reservations: StatusReservation[] = [];
    for (const purpose of purposes) {
      const { listId, slots: [statusIndex] } = await this.drawFree(organisation, purpose, STATUS_LIST_SIZE, (index) => [index]);
      reservations.push({ listId, statusIndex: statusIndex!, purpose });
    }
    return reservations;
  }

  /**
   * One entry of a Token Status List for an SD-JWT VC: its two slots, the revocation and the suspension bit (see
   * tokenStatusList.ts), reserved and recorded together like any other status entries.
   */
  async reserveTokenStatus(organisation: Organisation): Promise<StatusReservation[]> {
    const { listId, slots: [revocation, suspension] } = await this.drawFree(organisation, TOKEN_STATUS_LIST_PURPOSE, TOKEN_STATUS_LIST_SLOTS,
      (index) => [revocationSlotOf(index), suspensionSlotOf(index)]);
    return [{ listId, statusIndex: revocation!, purpose: 'revocation' }, { listId, statusIndex: suspension!, purpose: 'suspension' }];
  }

  /**
   * Draws entries of a list with room at random until one is free, and reserves it: `slotsOf` gives an entry's indexes
   * (the first says whether it is taken), the same number for every entry. A list on which MAX_DRAWS draws found nothing free (its last
   * entries went to other processes meanwhile) is left for a new one rather than drawn from forever.
   */
  private async drawFree(organisation: Organisation, purpose: string, size: number, slotsOf: (entry: number) => number[]) {
    const slotsPerEntry = slotsOf(0).length;
    for (;;) {
      const list = await this.listWithRoom(organisation, purpose, size);
      const taken = this.reservedIn(list.id);
      for (let draw = 0; draw < MAX_DRAWS; draw++) {
        const slots = slotsOf(crypto.randomInt(list.size / slotsPerEntry));
        if (taken.has(slots[0]!)) continue;
        // Reserved before the lookup, so that no other issuance in this process draws it meanwhile.
        for (const slot of slots) taken.add(slot);
        if (!(await this.deps.statusLists.isIndexTaken(list.id, slots[0]!))) return { listId: list.id, slots };
        for (const slot of slots) taken.delete(slot);
      }
      this.givenUp.add(list.id);
      if (taken.size === 0) this.reserved.delete(list.id);
    }
  }

  /** The SD-JWT VC's `status` claim for the entry reserveTokenStatus gave. */
  tokenStatusReference(reservations: StatusReservation[]): TokenStatusReference {
    const revocation = reservations.find((r) => r.purpose === 'revocation')!;
    return { status_list: { idx: revocation.statusIndex / 2, uri: statusListUrl(this.deps.baseUrl, revocation.listId) } };
  }

  release(reservations: StatusReservation[]): void {
    for (const r of reservations) {
      const taken = this.reserved.get(r.listId);
      taken?.delete(r.statusIndex);
      if (taken?.size === 0) this.reserved.delete(r.listId);
    }
  }

  /** Whether a URL names one of this service's status lists (or an entry in one). */
  hostsList(url: string): boolean {
    return url.startsWith(statusListUrl(this.deps.baseUrl, ''));
  }

    entryFor(reservation: StatusReservation): JsonObject {
    const url = statusListUrl(this.deps.baseUrl, reservation.listId);
    return {
      id: `${url}#${reservation.statusIndex}`,
      type: 'BitstringStatusListEntry',
      statusPurpose: reservation.purpose,
      statusListIndex: String(reservation.statusIndex),
      statusListCredential: url,
    };
  }

  /** The signed list, rebuilt only when one of its bits changed (or, for a token, when it nears its expiry). */
  async signedList(listId: string): Promise<SignedStatusList> {
    const list = await this.deps.statusLists.byId(listId);
    if (!list) throw notFound('unknown-status-list', `No status list ${listId}`);
    const cached = this.signed.get(listId);
    const fresh = cached?.kind !== 'token' || cached.expiresAt - STATUS_LIST_TTL_MS > this.deps.now().getTime();
    if (cached && cached.version === list.version && fresh) return cached;
    const signed = list.purpose === TOKEN_STATUS_LIST_PURPOSE ? await this.signToken(list) : await this.sign(list);
    this.signed.set(listId, signed);
    return signed;
  }

  /** Sets a credential's status (VC-API POST /credentials/status). Revocation is final. */
  async updateStatus(organisation: Organisation, credentialId: string, purpose: string, status: boolean): Promise<{ changed: boolean }> {
    const record = await this.deps.credentials.byId(credentialId);
    if (!record || record.organisationId !== organisation.id) {
      throw notFound('unknown-credential', `Organisation "${organisation.slug}" issued no credential with id ${credentialId}`);
    }
    if (!STATUS_PURPOSES.includes(purpose as StatusPurpose)) {
      throw badRequest('unknown-status-purpose', `credentialStatus.statusPurpose must be one of ${STATUS_PURPOSES.join(', ')}`);
    }
    // Several entries when copies went to wallet apps in another format (an SD-JWT VC's Token Status List entry beside
    // the Bitstring one): every copy changes together.
    const entries = (await this.deps.credentials.statusEntriesOf(credentialId)).filter((entry) => entry.purpose === purpose);
    if (entries.length === 0) {
      throw badRequest('no-status-entry', `Credential ${credentialId} was issued without a ${purpose} status entry, so its ${purpose} status cannot change. Issue with options.credentialStatus to enable it`);
    }
    const changing = entries.filter((entry) => entry.isSet !== status);
    if (changing.length === 0) return { changed: false };
    if (purpose === 'revocation' && !status) {
      throw badRequest('revocation-is-final', 'A revoked credential cannot be reinstated; issue a new credential instead (or use suspension for temporary holds)');
    }
    for (const entry of changing) await this.deps.credentials.setStatus(entry, status, this.deps.now().toISOString());
    return { changed: true };
  }

  private async listWithRoom(organisation: Organisation, purpose: string, size: number): Promise<StatusList> {
    const open = (await this.deps.statusLists.openLists(organisation.id, purpose))
      .find((list) => !this.givenUp.has(list.id) && list.allocated + this.reservedIn(list.id).size < list.size * STATUS_LIST_FILL_LIMIT);
    if (open) return open;
    const list: StatusList = {
      id: crypto.randomUUID(), organisationId: organisation.id, purpose, size, allocated: 0, version: 0,
      createdAt: this.deps.now().toISOString(),
    };
    await this.deps.statusLists.insert(list);
    return list;
  }

  private reservedIn(listId: string): Set<number> {
    let taken = this.reserved.get(listId);
    if (!taken) {
      taken = new Set();
      this.reserved.set(listId, taken);
    }
    return taken;
  }

  private async sign(list: StatusList): Promise<SignedStatusList> {
    const organisation = (await this.deps.organisations.byId(list.organisationId))!;
    const url = statusListUrl(this.deps.baseUrl, list.id);
    const now = this.deps.now();
    const credential: JsonObject = {
      '@context': [CONTEXTS.credentialsV2],
      id: url,
      type: ['VerifiableCredential', 'BitstringStatusListCredential'],
      issuer: organisation.did,
      validFrom: now.toISOString(),
      credentialSubject: {
        id: `${url}#list`,
        type: 'BitstringStatusList',
        statusPurpose: list.purpose,
        encodedList: encodeBitstring(list.size, await this.deps.statusLists.setIndexes(list.id)),
        ttl: STATUS_LIST_TTL_MS,
      },
    };
    const { keyPair, algorithm } = await signingKeyOf(this.deps, organisation);
    return { kind: 'bitstring', version: list.version, credential: await signCredential({ credential, format: DEFAULT_FORMATS[algorithm], keyPair, documentLoader: this.deps.documentLoader, now }) };
  }

  /** A Token Status List token: `sub` is the list's URL (what the credentials' status claim names), signed by the issuer. */
  private async signToken(list: StatusList): Promise<SignedStatusList> {
    const organisation = (await this.deps.organisations.byId(list.organisationId))!;
    const now = this.deps.now();
    const expiresAt = now.getTime() + TOKEN_STATUS_LIST_LIFETIME_MS;
    const { kid, alg, privateKey } = await signingKeyOf(this.deps, organisation);
    const token = await new SignJWT({
      sub: statusListUrl(this.deps.baseUrl, list.id),
      ttl: STATUS_LIST_TTL_MS / 1000,
      status_list: { bits: TOKEN_STATUS_BITS, lst: encodeTokenStatusList(await this.deps.statusLists.setIndexes(list.id)) },
    })
      .setProtectedHeader({ alg, typ: TOKEN_STATUS_LIST_TYPE, kid })
      .setIssuer(organisation.did)
      .setIssuedAt(Math.floor(now.getTime() / 1000))
      .setExpirationTime(Math.floor(expiresAt / 1000))
      .sign(privateKey);
    return { kind: 'token', version: list.version, token, expiresAt };
  }
}
