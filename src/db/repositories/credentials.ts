import { and, eq, sql } from 'drizzle-orm';
import type { Db } from '../client.js';
import { credentials, statusEntries, statusLists } from '../schema.js';
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

/** Another credential took the same status index between reservation and recording: pick again. */
export class IndexTakenError extends Error {}

/** A credential with this id is already recorded (by any organisation): picking again cannot help. */
export class DuplicateCredentialIdError extends Error {
  constructor(readonly credentialId: string) {
    super(`credential ${credentialId} already exists`);
  }
}

export class CredentialRepository {
  constructor(private readonly db: Db) {}

  /**
   * Records an issued credential and takes its status indexes in one transaction. The (list, index) primary key makes
   * a second writer with the same index fail instead of sharing it; the caller then picks again. The credential id is
   * the credentials table's primary key: a reused id fails the whole transaction, so nothing of it is written.
   */
  recordIssued(record: CredentialRecord, reservations: StatusReservation[], now: string): void {
    try {
      this.db.transaction((tx) => {
        tx.insert(credentials).values(record).run();
        for (const r of reservations) {
          tx.insert(statusEntries).values({
            listId: r.listId, statusIndex: r.statusIndex, credentialId: record.id, purpose: r.purpose, isSet: false, updatedAt: now,
          }).run();
          tx.update(statusLists).set({ allocated: sql`${statusLists.allocated} + 1` }).where(eq(statusLists.id, r.listId)).run();
        }
      });
    } catch (error) {
      const key = uniqueViolationOf(error);
      if (key === 'credentials.id') throw new DuplicateCredentialIdError(record.id);
      if (key === 'status_entries.list_id, status_entries.status_index') throw new IndexTakenError('status index taken');
      throw error;
    }
  }

  byId(id: string): CredentialRecord | undefined {
    return this.db.select().from(credentials).where(eq(credentials.id, id)).get();
  }

  statusEntry(credentialId: string, purpose: string): StatusEntry | undefined {
    return this.db.select().from(statusEntries)
      .where(and(eq(statusEntries.credentialId, credentialId), eq(statusEntries.purpose, purpose))).get();
  }

  statusEntriesOf(credentialId: string): StatusEntry[] {
    return this.db.select().from(statusEntries).where(eq(statusEntries.credentialId, credentialId)).all();
  }

  /** Sets or clears a status bit and bumps the list's version so that caches rebuild it. */
  setStatus(entry: StatusEntry, isSet: boolean, now: string): void {
    this.db.transaction((tx) => {
      tx.update(statusEntries).set({ isSet, updatedAt: now })
        .where(and(eq(statusEntries.listId, entry.listId), eq(statusEntries.statusIndex, entry.statusIndex))).run();
      tx.update(statusLists).set({ version: sql`${statusLists.version} + 1` }).where(eq(statusLists.id, entry.listId)).run();
    });
  }
}

export class StatusListRepository {
  constructor(private readonly db: Db) {}

  byId(id: string): StatusList | undefined {
    return this.db.select().from(statusLists).where(eq(statusLists.id, id)).get();
  }

  version(id: string): number | undefined {
    return this.db.select({ version: statusLists.version }).from(statusLists).where(eq(statusLists.id, id)).get()?.version;
  }

  /** Lists of an organisation and purpose that still have free indexes. */
  openLists(organisationId: string, purpose: string): StatusList[] {
    return this.db.select().from(statusLists)
      .where(and(eq(statusLists.organisationId, organisationId), eq(statusLists.purpose, purpose),
        sql`${statusLists.allocated} < ${statusLists.size}`))
      .orderBy(statusLists.createdAt).all();
  }

  insert(list: StatusList): void {
    this.db.insert(statusLists).values(list).run();
  }

  isIndexTaken(listId: string, statusIndex: number): boolean {
    return this.db.select({ i: statusEntries.statusIndex }).from(statusEntries)
      .where(and(eq(statusEntries.listId, listId), eq(statusEntries.statusIndex, statusIndex))).get() !== undefined;
  }

  /** Indexes whose bit is set: the only ones that need to be written into the bitstring. */
  setIndexes(listId: string): number[] {
    return this.db.select({ i: statusEntries.statusIndex }).from(statusEntries)
      .where(and(eq(statusEntries.listId, listId), eq(statusEntries.isSet, true))).all().map((r) => r.i);
  }
}
