import { and, asc, desc, eq, gt } from 'drizzle-orm';
import type { Db } from '../client.js';
import { auditEntries } from '../schema-audit.js';

export type AuditEntry = typeof auditEntries.$inferSelect;

export class AuditRepository {
  constructor(private readonly db: Db) {}

  last(organisationId: string): AuditEntry | undefined {
    return this.db.select().from(auditEntries).where(eq(auditEntries.organisationId, organisationId))
      .orderBy(desc(auditEntries.seq)).limit(1).get();
  }

  insert(entry: AuditEntry): void {
    this.db.insert(auditEntries).values(entry).run();
  }

  /** Entries after `afterSeq`, in order; `limit` undefined reads to the end. */
  page(organisationId: string, afterSeq: number, limit?: number): AuditEntry[] {
    const query = this.db.select().from(auditEntries)
      .where(and(eq(auditEntries.organisationId, organisationId), gt(auditEntries.seq, afterSeq)))
      .orderBy(asc(auditEntries.seq));
    return limit === undefined ? query.all() : query.limit(limit).all();
  }
}
