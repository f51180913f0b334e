import { and, asc, desc, eq, sql } from 'drizzle-orm';
import type { Db } from '../client.js';
import { assessmentCases, assessmentEvents, assessmentEvidence, assessmentResults } from '../schema-assessment.js';

export type AssessmentCaseRecord = typeof assessmentCases.$inferSelect;
export type AssessmentEventRecord = typeof assessmentEvents.$inferSelect;
export type EvidenceRecord = typeof assessmentEvidence.$inferSelect;
export type OutcomeResultRecord = typeof assessmentResults.$inferSelect;

export class AssessmentRepository {
  constructor(private readonly db: Db) {}

  insertCase(record: AssessmentCaseRecord): void {
    this.db.insert(assessmentCases).values(record).run();
  }

  byId(organisationId: string, id: string): AssessmentCaseRecord | undefined {
    return this.db.select().from(assessmentCases).where(and(eq(assessmentCases.id, id), eq(assessmentCases.organisationId, organisationId))).get();
  }

  listFor(organisationId: string): AssessmentCaseRecord[] {
    return this.db.select().from(assessmentCases).where(eq(assessmentCases.organisationId, organisationId)).orderBy(asc(assessmentCases.createdAt)).all();
  }

  appealsOf(caseId: string): AssessmentCaseRecord[] {
    return this.db.select().from(assessmentCases).where(eq(assessmentCases.appealOf, caseId)).all();
  }

  /**
   * Updates a case only if it is still at `expectedStage`: two concurrent requests cannot both move it on, and a
   * decided case cannot be changed by a request that read it before the decision.
   */
  updateIfAt(id: string, expectedStage: string, changes: Partial<AssessmentCaseRecord>): boolean {
    return this.db.update(assessmentCases).set(changes)
      .where(and(eq(assessmentCases.id, id), eq(assessmentCases.stage, expectedStage))).run().changes > 0;
  }

  appendEvent(event: Omit<AssessmentEventRecord, 'seq'>): void {
    const last = this.db.select({ seq: assessmentEvents.seq }).from(assessmentEvents)
      .where(eq(assessmentEvents.caseId, event.caseId)).orderBy(desc(assessmentEvents.seq)).limit(1).get();
    this.db.insert(assessmentEvents).values({ ...event, seq: (last?.seq ?? 0) + 1 }).run();
  }

  eventsOf(caseId: string): AssessmentEventRecord[] {
    return this.db.select().from(assessmentEvents).where(eq(assessmentEvents.caseId, caseId)).orderBy(asc(assessmentEvents.seq)).all();
  }

  insertEvidence(record: EvidenceRecord): void {
    this.db.insert(assessmentEvidence).values(record).run();
  }

  evidenceOf(caseId: string): EvidenceRecord[] {
    return this.db.select().from(assessmentEvidence).where(eq(assessmentEvidence.caseId, caseId))
      // rowid keeps the order items were added in when several share a timestamp.
      .orderBy(asc(assessmentEvidence.addedAt), sql`rowid`).all();
  }

  evidenceItem(caseId: string, id: string): EvidenceRecord | undefined {
    return this.db.select().from(assessmentEvidence).where(and(eq(assessmentEvidence.caseId, caseId), eq(assessmentEvidence.id, id))).get();
  }

  upsertResult(record: OutcomeResultRecord): void {
    this.db.insert(assessmentResults).values(record).onConflictDoUpdate({
      target: [assessmentResults.caseId, assessmentResults.unitId, assessmentResults.outcomeId],
      set: { method: record.method, result: record.result, comment: record.comment, assessedAt: record.assessedAt, assessedBy: record.assessedBy },
    }).run();
  }

  resultsOf(caseId: string): OutcomeResultRecord[] {
    return this.db.select().from(assessmentResults).where(eq(assessmentResults.caseId, caseId)).orderBy(asc(assessmentResults.unitId), asc(assessmentResults.outcomeId)).all();
  }
}
