import { and, asc, desc, eq, gte, inArray, sql } from 'drizzle-orm';
import type { Db } from '../client.js';
import { achievements, batchRows, batches } from '../schema-training.js';

/**
 * The rows one process issues when several share the work (PASSERELLE_WORKERS): those whose line number leaves
 * remainder `index` when divided by `count`. Shares never overlap, so no row is signed twice.
 */
export interface RowShare { index: number; count: number }
export const WHOLE_BATCH: RowShare = { index: 0, count: 1 };
const inShare = (share: RowShare) => (share.count === 1 ? sql`1 = 1` : sql`${batchRows.line} % ${share.count} = ${share.index}`);

export type AchievementRecord = typeof achievements.$inferSelect;
export type BatchRecord = typeof batches.$inferSelect;
export type BatchRowRecord = typeof batchRows.$inferSelect;

export const ROW_STATES = ['pending', 'issued', 'skipped', 'failed'] as const;
export type RowState = (typeof ROW_STATES)[number];

export class AchievementRepository {
  constructor(private readonly db: Db) {}

  insertVersion(record: AchievementRecord): void {
    this.db.insert(achievements).values(record).run();
  }

  /** The latest version, or the given one. */
  find(organisationId: string, achievementId: string, version?: number): AchievementRecord | undefined {
    const where = and(eq(achievements.organisationId, organisationId), eq(achievements.achievementId, achievementId),
      version === undefined ? undefined : eq(achievements.version, version));
    return this.db.select().from(achievements).where(where).orderBy(desc(achievements.version)).limit(1).get();
  }

  /** The latest version of each achievement of the organisation. */
  latestOf(organisationId: string): AchievementRecord[] {
    const latest = this.db.select({ achievementId: achievements.achievementId, version: sql<number>`max(${achievements.version})`.as('latest') })
      .from(achievements).where(eq(achievements.organisationId, organisationId)).groupBy(achievements.achievementId).as('latest');
    return this.db.select({ record: achievements }).from(achievements)
      .innerJoin(latest, and(eq(achievements.achievementId, latest.achievementId), eq(achievements.version, latest.version)))
      .where(eq(achievements.organisationId, organisationId)).orderBy(asc(achievements.achievementId)).all().map((r) => r.record);
  }

  versionsOf(organisationId: string, achievementId: string): Array<{ version: number; createdAt: string }> {
    return this.db.select({ version: achievements.version, createdAt: achievements.createdAt }).from(achievements)
      .where(and(eq(achievements.organisationId, organisationId), eq(achievements.achievementId, achievementId)))
      .orderBy(asc(achievements.version)).all();
  }
}

export interface RowCounts { total: number; pending: number; issued: number; skipped: number; failed: number }

export class BatchRepository {
  constructor(private readonly db: Db) {}

  /** The batch and all its rows in one transaction: a batch is never visible half-written. */
  insert(batch: BatchRecord, rows: BatchRowRecord[]): void {
    this.db.transaction((tx) => {
      tx.insert(batches).values(batch).run();
      // SQLite caps bound variables per statement; 9 columns x 100 rows stays well below it.
      for (let i = 0; i < rows.length; i += 100) tx.insert(batchRows).values(rows.slice(i, i + 100)).run();
    });
  }

  byId(id: string): BatchRecord | undefined {
    return this.db.select().from(batches).where(eq(batches.id, id)).get();
  }

  byFile(organisationId: string, achievementId: string, fileSha256: string): BatchRecord | undefined {
    return this.db.select().from(batches).where(and(eq(batches.organisationId, organisationId),
      eq(batches.achievementId, achievementId), eq(batches.fileSha256, fileSha256))).get();
  }

  listFor(organisationId: string, limit: number): BatchRecord[] {
    return this.db.select().from(batches).where(eq(batches.organisationId, organisationId))
      .orderBy(desc(batches.createdAt)).limit(limit).all();
  }

  /** The oldest batch not completed: batches run one after the other, in the order they were sent. */
  /**
   * The oldest queued or running batch with work for this share of rows: pending rows of its own, or none left at all
   * (so that it gets marked completed even if the process that issued its last row stopped just before).
   */
  nextUnfinished(share: RowShare = WHOLE_BATCH): BatchRecord | undefined {
    const pendingInShare = sql`exists (select 1 from ${batchRows} where ${batchRows.batchId} = ${batches.id} and ${batchRows.state} = 'pending' and ${inShare(share)})`;
    const nothingPending = sql`not exists (select 1 from ${batchRows} where ${batchRows.batchId} = ${batches.id} and ${batchRows.state} = 'pending')`;
    return this.db.select().from(batches)
      .where(and(inArray(batches.state, ['queued', 'running']), sql`(${pendingInShare} or ${nothingPending})`))
      .orderBy(asc(batches.createdAt)).limit(1).get();
  }

  hasPendingRows(batchId: string): boolean {
    return this.pendingRows(batchId, 1).length > 0;
  }

  markRunning(id: string, now: string): void {
    this.db.update(batches).set({ state: 'running', startedAt: sql`coalesce(${batches.startedAt}, ${now})` }).where(eq(batches.id, id)).run();
  }

  markCompleted(id: string, now: string): void {
    this.db.update(batches).set({ state: 'completed', finishedAt: now }).where(eq(batches.id, id)).run();
  }

  /** Failed rows go back to pending and the batch back to the queue. */
  retryFailed(id: string): number {
    return this.db.transaction((tx) => {
      const changed = tx.update(batchRows).set({ state: 'pending', outcome: null, finishedAt: null })
        .where(and(eq(batchRows.batchId, id), eq(batchRows.state, 'failed'))).run().changes;
      if (changed > 0) tx.update(batches).set({ state: 'queued', finishedAt: null }).where(eq(batches.id, id)).run();
      return changed;
    });
  }

  pendingRows(batchId: string, limit: number, share: RowShare = WHOLE_BATCH): BatchRowRecord[] {
    return this.db.select().from(batchRows).where(and(eq(batchRows.batchId, batchId), eq(batchRows.state, 'pending'), inShare(share)))
      .orderBy(asc(batchRows.line)).limit(limit).all();
  }

  rows(batchId: string, options: { offset: number; limit: number; state?: RowState }): BatchRowRecord[] {
    return this.db.select().from(batchRows)
      .where(and(eq(batchRows.batchId, batchId), options.state ? eq(batchRows.state, options.state) : undefined))
      .orderBy(asc(batchRows.line)).limit(options.limit).offset(options.offset).all();
  }

  counts(batchId: string): RowCounts {
    const counts: RowCounts = { total: 0, pending: 0, issued: 0, skipped: 0, failed: 0 };
    const grouped = this.db.select({ state: batchRows.state, n: sql<number>`count(*)` }).from(batchRows)
      .where(eq(batchRows.batchId, batchId)).groupBy(batchRows.state).all();
    for (const { state, n } of grouped) {
      counts[state as RowState] = n;
      counts.total += n;
    }
    return counts;
  }

  /** Finish times of the rows done since `since` (ISO), oldest first: the basis of the rate. */
  finishedSince(batchId: string, since: string): string[] {
    return this.db.select({ at: batchRows.finishedAt }).from(batchRows)
      .where(and(eq(batchRows.batchId, batchId), gte(batchRows.finishedAt, since)))
      .orderBy(asc(batchRows.finishedAt)).all().map((r) => r.at!);
  }

  /** A row that already produced this credential (in any batch): how resubmitted rows find their first issuance. */
  rowWithCredential(credentialId: string): BatchRowRecord | undefined {
    return this.db.select().from(batchRows).where(and(eq(batchRows.credentialId, credentialId), eq(batchRows.state, 'issued'))).get();
  }

  markIssued(batchId: string, line: number, document: string, now: string): void {
    this.finish(batchId, line, { state: 'issued', document, outcome: null, finishedAt: now });
  }

  markSkipped(batchId: string, line: number, outcome: Record<string, unknown>, now: string): void {
    this.finish(batchId, line, { state: 'skipped', outcome, finishedAt: now });
  }

  markFailed(batchId: string, line: number, outcome: Record<string, unknown>, now: string): void {
    this.finish(batchId, line, { state: 'failed', outcome, finishedAt: now });
  }

  private finish(batchId: string, line: number, values: Partial<BatchRowRecord>): void {
    this.db.update(batchRows).set(values).where(and(eq(batchRows.batchId, batchId), eq(batchRows.line, line))).run();
  }
}
