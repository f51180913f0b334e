import { and, asc, count, desc, eq, gte, inArray, max, sql } from 'drizzle-orm';
import type { achievements, batchRows, batches, credentialAchievements } from '../schema-training.js';
import { firstRow } from '../database.js';
import { Repository } from './repository.js';

export type AchievementRecord = typeof achievements.$inferSelect;
export type BatchRecord = typeof batches.$inferSelect;
export type BatchRowRecord = typeof batchRows.$inferSelect;
export type CredentialAchievement = typeof credentialAchievements.$inferSelect;

export const ROW_STATES = ['pending', 'issued', 'skipped', 'failed'] as const;
export type RowState = (typeof ROW_STATES)[number];

export class AchievementRepository extends Repository {
  async recordIssuedFrom(link: CredentialAchievement): Promise<void> {
    const { credentialAchievements } = this.t;
    await this.query((db) => db.insert(credentialAchievements).values(link));
  }

  async insertVersion(record: AchievementRecord): Promise<void> {
    const { achievements } = this.t;
    await this.query((db) => db.insert(achievements).values(record));
  }

  /** The latest version, or the given one. */
  find(organisationId: string, achievementId: string, version?: number): Promise<AchievementRecord | undefined> {
    const { achievements } = this.t;
    const where = and(eq(achievements.organisationId, organisationId), eq(achievements.achievementId, achievementId),
      version === undefined ? undefined : eq(achievements.version, version));
    return this.query((db) => db.select().from(achievements).where(where).orderBy(desc(achievements.version)).limit(1).then(firstRow));
  }

  /** The latest version of each achievement of the organisation. */
  latestOf(organisationId: string): Promise<AchievementRecord[]> {
    const { achievements } = this.t;
    return this.query((db) => {
      const latest = db.select({ achievementId: achievements.achievementId, version: max(achievements.version).as('latest') })
        .from(achievements).where(eq(achievements.organisationId, organisationId)).groupBy(achievements.achievementId).as('latest');
      return db.select({ record: achievements }).from(achievements)
        .innerJoin(latest, and(eq(achievements.achievementId, latest.achievementId), eq(achievements.version, latest.version)))
        .where(eq(achievements.organisationId, organisationId)).orderBy(asc(achievements.achievementId)).then((rows) => rows.map((r) => r.record));
    });
  }

  /** The latest version of every organisation's achievements: the catalogue a holder can be pointed to. */
  latestOfAll(): Promise<AchievementRecord[]> {
    const { achievements } = this.t;
    return this.query((db) => {
      const latest = db.select({ organisationId: achievements.organisationId, achievementId: achievements.achievementId, version: max(achievements.version).as('latest') })
        .from(achievements).groupBy(achievements.organisationId, achievements.achievementId).as('latest');
      return db.select({ record: achievements }).from(achievements)
        .innerJoin(latest, and(eq(achievements.organisationId, latest.organisationId), eq(achievements.achievementId, latest.achievementId), eq(achievements.version, latest.version)))
        .orderBy(asc(achievements.organisationId), asc(achievements.achievementId)).then((rows) => rows.map((r) => r.record));
    });
  }

  versionsOf(organisationId: string, achievementId: string): Promise<Array<{ version: number; createdAt: string }>> {
    const { achievements } = this.t;
    return this.query((db) => db.select({ version: achievements.version, createdAt: achievements.createdAt }).from(achievements)
      .where(and(eq(achievements.organisationId, organisationId), eq(achievements.achievementId, achievementId)))
      .orderBy(asc(achievements.version)));
  }
}

export interface RowCounts { total: number; pending: number; issued: number; skipped: number; failed: number }

export class BatchRepository extends Repository {
  /** The batch and all its rows in one transaction: a batch is never visible half-written. */
  insert(batch: BatchRecord, rows: BatchRowRecord[]): Promise<void> {
    const { batches, batchRows } = this.t;
    return this.transaction(async () => {
      await this.query((db) => db.insert(batches).values(batch));
      await this.database.insertRows(batchRows, rows);
    });
  }

  byId(id: string): Promise<BatchRecord | undefined> {
    const { batches } = this.t;
    return this.query((db) => db.select().from(batches).where(eq(batches.id, id)).limit(1).then(firstRow));
  }

  byFile(organisationId: string, achievementId: string, fileSha256: string): Promise<BatchRecord | undefined> {
    const { batches } = this.t;
    return this.query((db) => db.select().from(batches).where(and(eq(batches.organisationId, organisationId),
      eq(batches.achievementId, achievementId), eq(batches.fileSha256, fileSha256))).limit(1).then(firstRow));
  }

  listFor(organisationId: string, limit: number): Promise<BatchRecord[]> {
    const { batches } = this.t;
    return this.query((db) => db.select().from(batches).where(eq(batches.organisationId, organisationId))
      .orderBy(desc(batches.createdAt)).limit(limit));
  }

  /**
   * The oldest queued or running batch with work for an instance: a pending row nobody holds (never leased, or its
   * lease ran out because the instance holding it stopped), or no pending row at all (so that it gets marked
   * completed even if the instance that issued its last row stopped just before).
   */
  nextWithWork(now: string): Promise<BatchRecord | undefined> {
    const { batches, batchRows } = this.t;
    const rowFree = sql`exists (select 1 from ${batchRows} where ${batchRows.batchId} = ${batches.id} and ${batchRows.state} = 'pending' and (${batchRows.leaseExpiresAt} is null or ${batchRows.leaseExpiresAt} < ${now}))`;
    const nothingPending = sql`not exists (select 1 from ${batchRows} where ${batchRows.batchId} = ${batches.id} and ${batchRows.state} = 'pending')`;
    return this.query((db) => db.select().from(batches)
      .where(and(inArray(batches.state, ['queued', 'running']), sql`(${rowFree} or ${nothingPending})`))
      .orderBy(asc(batches.createdAt)).limit(1).then(firstRow));
  }

  /**
   * Leases up to `limit` pending rows nobody holds to `owner` until `leaseExpiresAt`, first lines first, and returns
   * them. On PostgreSQL, rows another instance is leasing at the same moment are skipped (FOR UPDATE SKIP LOCKED), so
   * two instances never get the same row; on SQLite the statement runs alone under the write lock.
   */
  claimRows(batchId: string, owner: string, limit: number, now: string, leaseExpiresAt: string): Promise<BatchRowRecord[]> {
    const { batchRows } = this.t;
    const skipLocked = this.database.dialect === 'postgres' ? sql` for update skip locked` : sql``;
    const free = sql`select ${batchRows.line} from ${batchRows} where ${batchRows.batchId} = ${batchId} and ${batchRows.state} = 'pending'
      and (${batchRows.leaseExpiresAt} is null or ${batchRows.leaseExpiresAt} < ${now}) order by ${batchRows.line} limit ${limit}${skipLocked}`;
    return this.query((db) => db.update(batchRows).set({ leaseOwner: owner, leaseExpiresAt })
      .where(and(eq(batchRows.batchId, batchId), sql`${batchRows.line} in (${free})`)).returning()
      .then((rows) => rows.sort((a, b) => a.line - b.line)));
  }

  /** Gives back the rows `owner` still holds (a graceful shutdown): other instances may take them at once. */
  async releaseLeases(owner: string): Promise<void> {
    const { batchRows } = this.t;
    await this.query((db) => db.update(batchRows).set({ leaseOwner: null, leaseExpiresAt: null })
      .where(and(eq(batchRows.leaseOwner, owner), eq(batchRows.state, 'pending'))));
  }

  async markRunning(id: string, now: string): Promise<void> {
    const { batches } = this.t;
    await this.query((db) => db.update(batches).set({ state: 'running', startedAt: sql`coalesce(${batches.startedAt}, ${now})` }).where(eq(batches.id, id)));
  }

  async markCompleted(id: string, now: string): Promise<void> {
    const { batches } = this.t;
    await this.query((db) => db.update(batches).set({ state: 'completed', finishedAt: now }).where(eq(batches.id, id)));
  }

  /** Failed rows go back to pending and the batch back to the queue. */
  retryFailed(id: string): Promise<number> {
    const { batches, batchRows } = this.t;
    return this.transaction(async () => {
      const changed = await this.query((db) => db.update(batchRows).set({ state: 'pending', outcome: null, finishedAt: null })
        .where(and(eq(batchRows.batchId, id), eq(batchRows.state, 'failed'))).returning({ line: batchRows.line }));
      if (changed.length > 0) await this.query((db) => db.update(batches).set({ state: 'queued', finishedAt: null }).where(eq(batches.id, id)));
      return changed.length;
    });
  }

  hasPendingRows(batchId: string): Promise<boolean> {
    const { batchRows } = this.t;
    return this.query((db) => db.select({ line: batchRows.line }).from(batchRows)
      .where(and(eq(batchRows.batchId, batchId), eq(batchRows.state, 'pending'))).limit(1).then((rows) => rows.length > 0));
  }

  /** Pending rows, first lines first, whoever holds them. */
  pendingRows(batchId: string, limit: number): Promise<BatchRowRecord[]> {
    const { batchRows } = this.t;
    return this.query((db) => db.select().from(batchRows).where(and(eq(batchRows.batchId, batchId), eq(batchRows.state, 'pending')))
      .orderBy(asc(batchRows.line)).limit(limit));
  }

  rows(batchId: string, options: { offset: number; limit: number; state?: RowState }): Promise<BatchRowRecord[]> {
    const { batchRows } = this.t;
    return this.query((db) => db.select().from(batchRows)
      .where(and(eq(batchRows.batchId, batchId), options.state ? eq(batchRows.state, options.state) : undefined))
      .orderBy(asc(batchRows.line)).limit(options.limit).offset(options.offset));
  }

  async counts(batchId: string): Promise<RowCounts> {
    const { batchRows } = this.t;
    const counts: RowCounts = { total: 0, pending: 0, issued: 0, skipped: 0, failed: 0 };
    const grouped = await this.query((db) => db.select({ state: batchRows.state, n: count() }).from(batchRows)
      .where(eq(batchRows.batchId, batchId)).groupBy(batchRows.state));
    for (const { state, n } of grouped) {
      counts[state as RowState] = n;
      counts.total += n;
    }
    return counts;
  }

  /** Finish times of the rows done since `since` (ISO), oldest first: the basis of the rate. */
  finishedSince(batchId: string, since: string): Promise<string[]> {
    const { batchRows } = this.t;
    return this.query((db) => db.select({ at: batchRows.finishedAt }).from(batchRows)
      .where(and(eq(batchRows.batchId, batchId), gte(batchRows.finishedAt, since)))
      .orderBy(asc(batchRows.finishedAt)).then((rows) => rows.map((r) => r.at!)));
  }

  /** A row that already produced this credential (in any batch): how resubmitted rows find their first issuance. */
  rowWithCredential(credentialId: string): Promise<BatchRowRecord | undefined> {
    const { batchRows } = this.t;
    return this.query((db) => db.select().from(batchRows)
      .where(and(eq(batchRows.credentialId, credentialId), eq(batchRows.state, 'issued'))).limit(1).then(firstRow));
  }

  /**
   * Marks rows issued with their signed documents, in one statement. Only pending rows: an instance whose lease ran out
   * while it was signing must not overwrite a row that another instance has finished meanwhile.
   */
  async markIssued(batchId: string, rows: Array<{ line: number; document: string }>, now: string): Promise<void> {
    if (rows.length === 0) return;
    const { batchRows } = this.t;
    const document = sql`case ${batchRows.line} ${sql.join(rows.map(({ line, document }) => sql`when ${line} then ${document}`), sql` `)} end`;
    // The state compared through coalesce: SQLite then finds the rows by their key, where `state = 'pending'` made it read
    // every pending row of the batch through the state index (10,000 at the start of a large batch).
    await this.query((db) => db.update(batchRows).set({ state: 'issued', document, outcome: null, finishedAt: now, leaseOwner: null, leaseExpiresAt: null })
      .where(and(eq(batchRows.batchId, batchId), inArray(batchRows.line, rows.map(({ line }) => line)), sql`coalesce(${batchRows.state}, '') = 'pending'`)));
  }

  markSkipped(batchId: string, line: number, outcome: Record<string, unknown>, now: string): Promise<void> {
    return this.finish(batchId, line, { state: 'skipped', outcome, finishedAt: now });
  }

  markFailed(batchId: string, line: number, outcome: Record<string, unknown>, now: string): Promise<void> {
    return this.finish(batchId, line, { state: 'failed', outcome, finishedAt: now });
  }

  /**
   * Only a pending row is finished: an instance whose lease ran out while it was signing must not overwrite the row
   * that another instance has issued meanwhile.
   */
  private async finish(batchId: string, line: number, values: Partial<BatchRowRecord>): Promise<void> {
    const { batchRows } = this.t;
    await this.query((db) => db.update(batchRows).set({ ...values, leaseOwner: null, leaseExpiresAt: null })
      .where(and(eq(batchRows.batchId, batchId), eq(batchRows.line, line), eq(batchRows.state, 'pending'))));
  }
}
