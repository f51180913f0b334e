import { and, asc, eq, ne, sql } from 'drizzle-orm';
import type { accreditations } from '../schema-trust.js';
import { firstRow } from '../database.js';
import { Repository } from './repository.js';

export type Accreditation = typeof accreditations.$inferSelect;

export class AccreditationRepository extends Repository {
  async insert(accreditation: Accreditation): Promise<void> {
    const { accreditations } = this.t;
    await this.query((db) => db.insert(accreditations).values(accreditation));
  }

  byId(id: string): Promise<Accreditation | undefined> {
    const { accreditations } = this.t;
    return this.query((db) => db.select().from(accreditations).where(eq(accreditations.id, id)).limit(1).then(firstRow));
  }

  ofIssuer(issuerDid: string): Promise<Accreditation[]> {
    return this.byIssuer({ issuerDid });
  }

  // Read by every verification answered over HTTP (the trust answer, trustCheck.ts): prepared once.
  private readonly byIssuer = this.database.prepareSelect('accreditations_by_issuer', (db) => {
    const { accreditations } = this.t;
    return db.select().from(accreditations).where(eq(accreditations.issuerDid, sql.placeholder('issuerDid'))).orderBy(asc(accreditations.validFrom));
  });

  grantedBy(authorityDid: string): Promise<Accreditation[]> {
    const { accreditations } = this.t;
    return this.query((db) => db.select().from(accreditations).where(eq(accreditations.authorityDid, authorityDid)).orderBy(asc(accreditations.createdAt)));
  }

  all(filter: { issuerDid?: string; authorityDid?: string } = {}): Promise<Accreditation[]> {
    const { accreditations } = this.t;
    const conditions = [
      filter.issuerDid === undefined ? undefined : eq(accreditations.issuerDid, filter.issuerDid),
      filter.authorityDid === undefined ? undefined : eq(accreditations.authorityDid, filter.authorityDid),
    ].filter((c) => c !== undefined);
    return this.query((db) => db.select().from(accreditations).where(conditions.length ? and(...conditions) : undefined)
      .orderBy(asc(accreditations.createdAt), asc(accreditations.id)));
  }

  withdraw(id: string, at: string, reason: string): Promise<boolean> {
    const { accreditations } = this.t;
    return this.query((db) => db.update(accreditations).set({ withdrawnAt: at, withdrawalReason: reason })
      .where(eq(accreditations.id, id)).returning({ id: accreditations.id }).then((rows) => rows.length > 0));
  }

  /** Replaces every entry that came from one imported list, in one transaction: a re-import is not a merge. */
  replaceImported(origin: string, entries: Accreditation[]): Promise<{ removed: number }> {
    const { accreditations } = this.t;
    return this.transaction(async () => {
      const removed = await this.query((db) => db.delete(accreditations)
        .where(and(eq(accreditations.origin, origin), ne(accreditations.origin, 'local'))).returning({ id: accreditations.id }));
      for (const entry of entries) await this.query((db) => db.insert(accreditations).values(entry));
      return { removed: removed.length };
    });
  }
}
