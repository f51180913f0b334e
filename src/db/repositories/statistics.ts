import { and, desc, eq, isNotNull, type SQL } from 'drizzle-orm';
import { firstRow, type Db } from '../database.js';
import type { statisticsReleases } from '../schema-statistics.js';
import { Repository } from './repository.js';

/** What the statistics are computed from: issued credentials and what the service knows of their origin, no holder. */
export interface StatisticsSources {
  credentials: Array<{ id: string; organisationId: string; country: string; issuedAt: string }>;
  revoked: string[];
  /** Credentials issued from a catalogue achievement (a batch, or one by one): its definition at the version issued. */
  trained: Array<{ credentialId: string; definition: Record<string, unknown> }>;
  /** Credentials certifying a validation case: its decision, its reference standard and, for a catalogue one, its definition. */
  validated: Array<{ credentialId: string; decision: string | null; reference: Record<string, unknown>; definition: Record<string, unknown> | null }>;
}

export type StatisticsRelease = typeof statisticsReleases.$inferSelect;

export class StatisticsRepository extends Repository {
  async insertRelease(release: StatisticsRelease): Promise<void> {
    const { statisticsReleases } = this.t;
    await this.query((db) => db.insert(statisticsReleases).values(release));
  }

  /** Newest first. */
  releases(): Promise<StatisticsRelease[]> {
    const { statisticsReleases } = this.t;
    return this.query((db) => db.select().from(statisticsReleases).orderBy(desc(statisticsReleases.publishedAt), desc(statisticsReleases.id)));
  }

  release(id: string): Promise<StatisticsRelease | undefined> {
    const { statisticsReleases } = this.t;
    return this.query((db) => db.select().from(statisticsReleases).where(eq(statisticsReleases.id, id)).limit(1).then(firstRow));
  }

  /** Every credential (of one organisation when given) and what links it to an achievement. */
  async sources(organisationId?: string): Promise<StatisticsSources> {
    const { credentials, organisations, statusEntries, batchRows, batches, achievements, credentialAchievements, assessmentCases } = this.t;
    const issuedBy = (column: typeof credentials.organisationId | typeof batches.organisationId | typeof credentialAchievements.organisationId | typeof assessmentCases.organisationId) =>
      (organisationId === undefined ? undefined : eq(column, organisationId));
    return this.query(async (db) => ({
      credentials: await db.select({ id: credentials.id, organisationId: credentials.organisationId, country: organisations.country, issuedAt: credentials.issuedAt })
        .from(credentials).innerJoin(organisations, eq(organisations.id, credentials.organisationId)).where(issuedBy(credentials.organisationId)),
      revoked: (await db.select({ id: statusEntries.credentialId }).from(statusEntries).innerJoin(credentials, eq(credentials.id, statusEntries.credentialId))
        .where(and(eq(statusEntries.purpose, 'revocation'), eq(statusEntries.isSet, true), issuedBy(credentials.organisationId)))).map((r) => r.id),
      trained: [
        ...await db.select({ credentialId: batchRows.credentialId, definition: achievements.definition })
          .from(batchRows).innerJoin(batches, eq(batches.id, batchRows.batchId))
          .innerJoin(achievements, and(eq(achievements.organisationId, batches.organisationId), eq(achievements.achievementId, batches.achievementId),
            eq(achievements.version, batches.achievementVersion)))
          .where(and(eq(batchRows.state, 'issued'), issuedBy(batches.organisationId))),
        ...await db.select({ credentialId: credentialAchievements.credentialId, definition: achievements.definition })
          .from(credentialAchievements)
          .innerJoin(achievements, and(eq(achievements.organisationId, credentialAchievements.organisationId),
            eq(achievements.achievementId, credentialAchievements.achievementId), eq(achievements.version, credentialAchievements.achievementVersion)))
          .where(issuedBy(credentialAchievements.organisationId)),
      ],
      validated: await this.validated(db, issuedBy(assessmentCases.organisationId)),
    }));
  }

  private async validated(db: Db, where: SQL | undefined) {
    const { assessmentCases, achievements } = this.t;
    const cases = await db.select({ credentialId: assessmentCases.credentialId, decision: assessmentCases.decision, reference: assessmentCases.reference })
      .from(assessmentCases).where(and(isNotNull(assessmentCases.credentialId), where));
    const result: StatisticsSources['validated'] = [];
    for (const c of cases) {
      const { organisationId, achievementId, version } = c.reference as { organisationId?: string; achievementId?: string; version?: number };
      const definition = organisationId && achievementId && version !== undefined
        ? (await db.select({ definition: achievements.definition }).from(achievements)
          .where(and(eq(achievements.organisationId, organisationId), eq(achievements.achievementId, achievementId), eq(achievements.version, version))))[0]?.definition ?? null
        : null;
      result.push({ credentialId: c.credentialId!, decision: c.decision, reference: c.reference, definition });
    }
    return result;
  }
}
