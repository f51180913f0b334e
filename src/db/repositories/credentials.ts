import { and, eq, inArray, sql } from 'drizzle-orm';
import type { credentials, statusEntries, statusLists } from '../schema.js';
import { firstRow } from '../database.js';
import { Repository } from './repository.js';
import { uniqueViolationOf } from '../uniqueViolation.js';

export type CredentialRecord = typeof credentials.$inferSelect;
export type StatusEntry = typeof statusEntries.$inferSelect;
export type StatusList = typeof statusLists.$inferSelect;

/** A status index picked for a credential about to be signed, not yet written. */
export interface StatusReservation {
  listId: string;
  statusIndex: number;
  purpose: string;
}

/** A credential to record, with the status indexes reserved for it. */
export interface IssuedRecord { record: CredentialRecord; reservations: StatusReservation[] }

/** Another credential took the same status index between reservation and recording: pick again. */
export class IndexTakenError extends Error {}

/** A credential with this id (one of these ids, when several were recorded together) is already recorded (by any organisation): picking again cannot help. */
export class DuplicateCredentialIdError extends Error {
  constructor(readonly credentialIds: string[]) {
    super(`credential ${credentialIds.join(' or ')} already exists`);
  }
}

export class CredentialRepository extends Repository {
  /** Records one issued credential: see recordIssuedMany. */
  recordIssued(record: CredentialRecord, reservations: StatusReservation[], now: string): Promise<void> {
    return this.recordIssuedMany([{ record, reservations }], now);
  }

  /**
   * Records issued credentials and takes their status indexes in one transaction. The (list, index) primary key makes
   * a second writer with the same index fail instead of sharing it; the caller then picks again. The credential id is
   * the credentials table's primary key: a reused id fails the whole transaction, so nothing of it is written. One
   * statement per table whatever the count (a batch's lease of rows, well within both engines' bound parameters).
   */
  async recordIssuedMany(issued: IssuedRecord[], now: string): Promise<void> {
    if (issued.length === 0) return;
    const { credentials, statusEntries, statusLists } = this.t;
    const entries = issued.flatMap(({ record, reservations }) => reservations.map((r) => ({
      listId: r.listId, statusIndex: r.statusIndex, credentialId: record.id, purpose: r.purpose, isSet: false, updatedAt: now,
    })));
    const takenPerList = new Map<string, number>();
    for (const entry of entries) takenPerList.set(entry.listId, (takenPerList.get(entry.listId) ?? 0) + 1);
    try {
      await this.transaction(async () => {
        await this.query((db) => db.insert(credentials).values(issued.map(({ record }) => record)));
        if (entries.length > 0) await this.query((db) => db.insert(statusEntries).values(entries));
        for (const [listId, taken] of takenPerList) {
          await this.query((db) => db.update(statusLists).set({ allocated: sql`${statusLists.allocated} + ${taken}` }).where(eq(statusLists.id, listId)));
        }
      });
    } catch (error) {
      const key = uniqueViolationOf(error);
      if (key === 'credentials.id') throw new DuplicateCredentialIdError(issued.map(({ record }) => record.id));
      if (key === 'status_entries.list_id, status_entries.status_index') throw new IndexTakenError('status index taken');
      throw error;
    }
  }

  /** Which of these credential ids are recorded. */
  async recordedAmong(ids: string[]): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const { credentials } = this.t;
    const rows = await this.query((db) => db.select({ id: credentials.id }).from(credentials).where(inArray(credentials.id, ids)));
    return new Set(rows.map((row) => row.id));
  }

  /** Which of these reserved indexes a recorded credential already holds. */
  async takenAmong(reservations: StatusReservation[]): Promise<StatusReservation[]> {
    const { statusEntries } = this.t;
    const taken: StatusReservation[] = [];
    for (const listId of new Set(reservations.map((r) => r.listId))) {
      const inList = reservations.filter((r) => r.listId === listId);
      const rows = await this.query((db) => db.select({ i: statusEntries.statusIndex }).from(statusEntries)
        .where(and(eq(statusEntries.listId, listId), inArray(statusEntries.statusIndex, inList.map((r) => r.statusIndex)))));
      const takenIndexes = new Set(rows.map((row) => row.i));
      taken.push(...inList.filter((r) => takenIndexes.has(r.statusIndex)));
    }
    return taken;
  }

  byId(id: string): Promise<CredentialRecord | undefined> {
    return this.recordById({ id }).then(firstRow);
  }

  // Read by every issuance (the duplicate check) and status change: prepared once, no LIMIT on the primary key.
  private readonly recordById = this.database.prepareSelect('credentials_by_id', (db) => {
    const { credentials } = this.t;
    return db.select().from(credentials).where(eq(credentials.id, sql.placeholder('id')));
  });

  statusEntriesOf(credentialId: string): Promise<StatusEntry[]> {
    const { statusEntries } = this.t;
    return this.query((db) => db.select().from(statusEntries).where(eq(statusEntries.credentialId, credentialId)));
  }

  /** Sets or clears a status bit and bumps the list's version so that caches (in every instance) rebuild it. */
  async setStatus(entry: StatusEntry, isSet: boolean, now: string): Promise<void> {
    const { statusEntries, statusLists } = this.t;
    await this.transaction(async () => {
      await this.query((db) => db.update(statusEntries).set({ isSet, updatedAt: now })
        .where(and(eq(statusEntries.listId, entry.listId), eq(statusEntries.statusIndex, entry.statusIndex))));
      await this.query((db) => db.update(statusLists).set({ version: sql`${statusLists.version} + 1` }).where(eq(statusLists.id, entry.listId)));
    });
  }
}

export class StatusListRepository extends Repository {
  byId(id: string): Promise<StatusList | undefined> {
    const { statusLists } = this.t;
    return this.query((db) => db.select().from(statusLists).where(eq(statusLists.id, id)).limit(1).then(firstRow));
  }

  version(id: string): Promise<number | undefined> {
    return this.versionById({ id }).then((rows) => rows[0]?.version);
  }

  // Read by every status check (statusCheck.ts): prepared once, without a bound LIMIT on the primary key (see
  // OrganisationRepository.keysVersionByDid).
  private readonly versionById = this.database.prepareSelect('status_lists_version_by_id', (db) => {
    const { statusLists } = this.t;
    return db.select({ version: statusLists.version }).from(statusLists).where(eq(statusLists.id, sql.placeholder('id')));
  });

  /** Lists of an organisation and purpose that still have free indexes. */
  openLists(organisationId: string, purpose: string): Promise<StatusList[]> {
    return this.openListsOf({ organisationId, purpose });
  }

  // Read by every issuance, as isIndexTaken below: prepared once (building and preparing the select cost more than running it).
  private readonly openListsOf = this.database.prepareSelect('status_lists_open', (db) => {
    const { statusLists } = this.t;
    return db.select().from(statusLists)
      .where(and(eq(statusLists.organisationId, sql.placeholder('organisationId')), eq(statusLists.purpose, sql.placeholder('purpose')),
        sql`${statusLists.allocated} < ${statusLists.size}`))
      .orderBy(statusLists.createdAt);
  });

  async insert(list: StatusList): Promise<void> {
    const { statusLists } = this.t;
    await this.query((db) => db.insert(statusLists).values(list));
  }

  isIndexTaken(listId: string, statusIndex: number): Promise<boolean> {
    return this.entryAt({ listId, statusIndex }).then((rows) => rows.length > 0);
  }

  // No LIMIT: (list, index) is the primary key.
  private readonly entryAt = this.database.prepareSelect('status_entries_at', (db) => {
    const { statusEntries } = this.t;
    return db.select({ i: statusEntries.statusIndex }).from(statusEntries)
      .where(and(eq(statusEntries.listId, sql.placeholder('listId')), eq(statusEntries.statusIndex, sql.placeholder('statusIndex'))));
  });

  /** Indexes whose bit is set: the only ones that need to be written into the bitstring. */
  setIndexes(listId: string): Promise<number[]> {
    const { statusEntries } = this.t;
    return this.query((db) => db.select({ i: statusEntries.statusIndex }).from(statusEntries)
      .where(and(eq(statusEntries.listId, listId), eq(statusEntries.isSet, true))).then((rows) => rows.map((r) => r.i)));
  }
}
