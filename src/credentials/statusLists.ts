import crypto from 'node:crypto';
import type { Organisation, OrganisationRepository } from '../db/repositories/organisations.js';
import type { CredentialRepository, StatusList, StatusListRepository, StatusReservation } from '../db/repositories/credentials.js';
import type { KeyStore } from '../keys/keyStore.js';
import { badRequest, notFound } from '../errors.js';
import { signingKeyOf } from '../orgs/organisations.js';
import { encodeBitstring } from './bitstring.js';
import { CONTEXTS } from './contexts/index.js';
import type { DocumentLoader } from './documentLoader.js';
import { signCredential, type JsonObject } from './vcLibrary.js';

/** 131,072 entries (16 KB): the Bitstring Status List minimum, so that one credential hides among many (herd privacy). */
export const STATUS_LIST_SIZE = 131_072;
export const STATUS_PURPOSES = ['revocation', 'suspension'] as const;
export type StatusPurpose = (typeof STATUS_PURPOSES)[number];
/** How long verifiers may cache a list (milliseconds), published as the list's `ttl`. */
export const STATUS_LIST_TTL_MS = 5 * 60 * 1000;

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
  private readonly signed = new Map<string, { version: number; credential: JsonObject }>();

  constructor(private readonly deps: StatusListDeps) {}

  async reserve(organisation: Organisation, purposes: StatusPurpose[]): Promise<StatusReservation[]> {
    const reservations: StatusReservation[] = [];
    for (const purpose of purposes) {
      const list = await this.listWithRoom(organisation, purpose);
      const taken = this.reservedIn(list.id);
      for (;;) {
        const statusIndex = crypto.randomInt(list.size);
        if (taken.has(statusIndex)) continue;
        // Reserved before the lookup, so that no other issuance in this process draws it meanwhile.
        taken.add(statusIndex);
        if (!(await this.deps.statusLists.isIndexTaken(list.id, statusIndex))) {
          reservations.push({ listId: list.id, statusIndex, purpose });
          break;
        }
        taken.delete(statusIndex);
      }
    }
    return reservations;
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

  /** The signed BitstringStatusListCredential, rebuilt only when one of its bits changed. */
  async listCredential(listId: string): Promise<{ credential: JsonObject; version: number }> {
    const list = await this.deps.statusLists.byId(listId);
    if (!list) throw notFound('unknown-status-list', `No status list ${listId}`);
    const cached = this.signed.get(listId);
    if (cached && cached.version === list.version) return cached;
    const credential = await this.sign(list);
    const entry = { version: list.version, credential };
    this.signed.set(listId, entry);
    return entry;
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
    const entry = await this.deps.credentials.statusEntry(credentialId, purpose);
    if (!entry) {
      throw badRequest('no-status-entry', `Credential ${credentialId} was issued without a ${purpose} status entry, so its ${purpose} status cannot change. Issue with options.credentialStatus to enable it`);
    }
    if (entry.isSet === status) return { changed: false };
    if (purpose === 'revocation' && !status) {
      throw badRequest('revocation-is-final', 'A revoked credential cannot be reinstated; issue a new credential instead (or use suspension for temporary holds)');
    }
    await this.deps.credentials.setStatus(entry, status, this.deps.now().toISOString());
    return { changed: true };
  }

  private async listWithRoom(organisation: Organisation, purpose: StatusPurpose): Promise<StatusList> {
    const open = (await this.deps.statusLists.openLists(organisation.id, purpose))
      .find((list) => list.allocated + this.reservedIn(list.id).size < list.size);
    if (open) return open;
    const list: StatusList = {
      id: crypto.randomUUID(), organisationId: organisation.id, purpose, size: STATUS_LIST_SIZE, allocated: 0, version: 0,
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

  private async sign(list: StatusList): Promise<JsonObject> {
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
    const { keyPair } = await signingKeyOf(this.deps, organisation);
    return signCredential({ credential, format: 'eddsa-rdfc-2022', keyPair, documentLoader: this.deps.documentLoader, now });
  }
}
