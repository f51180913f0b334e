import { and, asc, eq, ne } from 'drizzle-orm';
import type { Db } from '../client.js';
import { accreditations } from '../schema-trust.js';

export type Accreditation = typeof accreditations.$inferSelect;

export class AccreditationRepository {
  constructor(private readonly db: Db) {}

  insert(accreditation: Accreditation): void {
    this.db.insert(accreditations).values(accreditation).run();
  }

  byId(id: string): Accreditation | undefined {
    return this.db.select().from(accreditations).where(eq(accreditations.id, id)).get();
  }

  ofIssuer(issuerDid: string): Accreditation[] {
    return this.db.select().from(accreditations).where(eq(accreditations.issuerDid, issuerDid)).orderBy(asc(accreditations.validFrom)).all();
  }

  grantedBy(authorityDid: string): Accreditation[] {
    return this.db.select().from(accreditations).where(eq(accreditations.authorityDid, authorityDid)).orderBy(asc(accreditations.createdAt)).all();
  }

  all(filter: { issuerDid?: string; authorityDid?: string } = {}): Accreditation[] {
    const conditions = [
      filter.issuerDid === undefined ? undefined : eq(accreditations.issuerDid, filter.issuerDid),
      filter.authorityDid === undefined ? undefined : eq(accreditations.authorityDid, filter.authorityDid),
    ].filter((c) => c !== undefined);
    return this.db.select().from(accreditations).where(conditions.length ? and(...conditions) : undefined)
      .orderBy(asc(accreditations.createdAt), asc(accreditations.id)).all();
  }

  withdraw(id: string, at: string, reason: string): boolean {
    return this.db.update(accreditations).set({ withdrawnAt: at, withdrawalReason: reason })
      .where(eq(accreditations.id, id)).run().changes > 0;
  }

  /** Replaces every entry that came from one imported list, in one transaction: a re-import is not a merge. */
  replaceImported(origin: string, entries: Accreditation[]): { removed: number } {
    return this.db.transaction((tx) => {
      const removed = tx.delete(accreditations).where(and(eq(accreditations.origin, origin), ne(accreditations.origin, 'local'))).run().changes;
      for (const entry of entries) tx.insert(accreditations).values(entry).run();
      return { removed };
    });
  }
}
