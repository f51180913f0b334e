import { and, eq, isNull } from 'drizzle-orm';
import type { Db } from '../client.js';
import { organisationKeys, organisations } from '../schema.js';

export type Organisation = typeof organisations.$inferSelect;
export type OrganisationKey = typeof organisationKeys.$inferSelect;

export class OrganisationRepository {
  constructor(private readonly db: Db) {}

  insertWithKey(organisation: Organisation, key: OrganisationKey): void {
    this.db.transaction((tx) => {
      tx.insert(organisations).values(organisation).run();
      tx.insert(organisationKeys).values(key).run();
    });
  }

  bySlug(slug: string): Organisation | undefined {
    return this.db.select().from(organisations).where(eq(organisations.slug, slug)).get();
  }

  byId(id: string): Organisation | undefined {
    return this.db.select().from(organisations).where(eq(organisations.id, id)).get();
  }

  byDid(did: string): Organisation | undefined {
    return this.db.select().from(organisations).where(eq(organisations.did, did)).get();
  }

  list(): Organisation[] {
    return this.db.select().from(organisations).orderBy(organisations.createdAt).all();
  }

  /** All keys, current and retired, oldest first: retired keys stay so that older credentials keep verifying. */
  keysOf(organisationId: string): OrganisationKey[] {
    return this.db.select().from(organisationKeys).where(eq(organisationKeys.organisationId, organisationId))
      .orderBy(organisationKeys.createdAt).all();
  }

  currentKey(organisationId: string): OrganisationKey | undefined {
    return this.db.select().from(organisationKeys)
      .where(and(eq(organisationKeys.organisationId, organisationId), isNull(organisationKeys.retiredAt))).get();
  }

  /** Retires the current key and adds its successor in one transaction, so there is always exactly one current key. */
  rotateKey(organisationId: string, successor: OrganisationKey, now: string): void {
    this.db.transaction((tx) => {
      tx.update(organisationKeys).set({ retiredAt: now })
        .where(and(eq(organisationKeys.organisationId, organisationId), isNull(organisationKeys.retiredAt))).run();
      tx.insert(organisationKeys).values(successor).run();
    });
  }
}
