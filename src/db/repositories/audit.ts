import { and, asc, desc, eq, gt } from 'drizzle-orm';
import type { auditEntries } from '../schema-audit.js';
import { firstRow } from '../database.js';
import { Repository } from './repository.js';

export type AuditEntry = typeof auditEntries.$inferSelect;

export class AuditRepository extends Repository {
  /** Inside a transaction: holds the organisation's chain until it ends, so that two appends cannot share a head. */
  lockChain(organisationId: string): Promise<void> {
    return this.database.lockForTransaction(`audit:${organisationId}`);
  }

  last(organisationId: string): Promise<AuditEntry | undefined> {
    const { auditEntries } = this.t;
    return this.query((db) => db.select().from(auditEntries).where(eq(auditEntries.organisationId, organisationId))
      .orderBy(desc(auditEntries.seq)).limit(1).then(firstRow));
  }

  async insert(entries: AuditEntry[]): Promise<void> {
    const { auditEntries } = this.t;
    await this.query((db) => db.insert(auditEntries).values(entries));
  }

  /** Entries after `afterSeq`, in order; `limit` undefined reads to the end. */
  page(organisationId: string, afterSeq: number, limit?: number): Promise<AuditEntry[]> {
    const { auditEntries } = this.t;
    return this.query((db) => {
      const query = db.select().from(auditEntries)
        .where(and(eq(auditEntries.organisationId, organisationId), gt(auditEntries.seq, afterSeq)))
        .orderBy(asc(auditEntries.seq));
      return limit === undefined ? query : query.limit(limit);
    });
  }
}
