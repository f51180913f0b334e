import { sqliteTable, text, integer, blob, index, primaryKey } from 'drizzle-orm/sqlite-core';
import { organisations } from './schema.js';

/**
 * Validation of non-formal and informal learning (EU Council Recommendation of 20 December 2012): a case moves
 * through identification, documentation, assessment and a decision, then certification. A decided case is frozen;
 * an appeal is a new case that points to it.
 */
export const assessmentCases = sqliteTable('assessment_cases', {
  id: text('id').primaryKey(),
  organisationId: text('organisation_id').notNull().references(() => organisations.id),
  /** {name, did?}: who is assessed. */
  candidate: text('candidate', { mode: 'json' }).$type<Record<string, unknown>>().notNull(),
  /** The reference standard as it was when the case opened (a catalogue achievement version, or an external one). */
  reference: text('reference', { mode: 'json' }).$type<Record<string, unknown>>().notNull(),
  /** The units in scope, each with its learning outcomes. */
  units: text('units', { mode: 'json' }).$type<Array<Record<string, unknown>>>().notNull(),
  /** identification | documentation | assessment | decided | certified */
  stage: text('stage').notNull(),
  assessors: text('assessors', { mode: 'json' }).$type<Array<Record<string, unknown>>>().notNull(),
  /** full | partial | none, once decided. */
  decision: text('decision'),
  decisionRationale: text('decision_rationale'),
  gapTraining: text('gap_training', { mode: 'json' }).$type<Array<Record<string, unknown>>>(),
  appealOf: text('appeal_of'),
  appealReason: text('appeal_reason'),
  credentialId: text('credential_id'),
  createdAt: text('created_at').notNull(),
  updatedAt: text('updated_at').notNull(),
}, (t) => [index('assessment_cases_org').on(t.organisationId), index('assessment_cases_appeal').on(t.appealOf)]);

/** Who did what and when, for every stage change and every record added to the case. */
export const assessmentEvents = sqliteTable('assessment_events', {
  caseId: text('case_id').notNull().references(() => assessmentCases.id),
  seq: integer('seq').notNull(),
  at: text('at').notNull(),
  actorTokenId: text('actor_token_id'),
  event: text('event').notNull(),
  stage: text('stage').notNull(),
  details: text('details', { mode: 'json' }).$type<Record<string, unknown>>().notNull(),
}, (t) => [primaryKey({ columns: [t.caseId, t.seq] })]);

export const assessmentEvidence = sqliteTable('assessment_evidence', {
  id: text('id').primaryKey(),
  caseId: text('case_id').notNull().references(() => assessmentCases.id),
  /** work-record | employer-attestation | portfolio-item | observation | interview */
  kind: text('kind').notNull(),
  title: text('title').notNull(),
  description: text('description').notNull(),
  /** Who attests it (an employer, a social-security office), when someone does. */
  attestedBy: text('attested_by'),
  periodFrom: text('period_from'),
  periodTo: text('period_to'),
  hours: integer('hours'),
  /** SHA-256 (hex) of the document, whether or not the document itself is kept here. */
  sha256: text('sha256'),
  fileName: text('file_name'),
  mediaType: text('media_type'),
  fileSize: integer('file_size'),
  file: blob('file', { mode: 'buffer' }),
  /** "unitId/outcomeId" references of the outcomes this item supports. */
  outcomes: text('outcomes', { mode: 'json' }).$type<string[]>().notNull(),
  addedAt: text('added_at').notNull(),
  addedBy: text('added_by'),
  /** The order items were added in, within the case (several can share a timestamp). */
  position: integer('position').notNull().default(0),
}, (t) => [index('assessment_evidence_case').on(t.caseId)]);

export const assessmentResults = sqliteTable('assessment_results', {
  caseId: text('case_id').notNull().references(() => assessmentCases.id),
  unitId: text('unit_id').notNull(),
  outcomeId: text('outcome_id').notNull(),
  /** observation | simulation | interview | test | portfolio-review */
  method: text('method').notNull(),
  /** demonstrated | partially-demonstrated | not-demonstrated */
  result: text('result').notNull(),
  comment: text('comment'),
  assessedAt: text('assessed_at').notNull(),
  assessedBy: text('assessed_by'),
}, (t) => [primaryKey({ columns: [t.caseId, t.unitId, t.outcomeId] })]);
