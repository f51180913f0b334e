import { and, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { organisationKeys, organisations } from '../schema.js';
import { firstRow } from '../database.js';
import { Repository } from './repository.js';
import type { KeyAlgorithm } from '../../keys/keyStore.js';

export type Organisation = typeof organisations.$inferSelect;
export type OrganisationKey = typeof organisationKeys.$inferSelect;
/** A key a rotation added, and the key of its algorithm it retired (none: the organisation's first of that algorithm). */
export interface RotatedKey { successor: OrganisationKey; retired: OrganisationKey | undefined }

export class OrganisationRepository extends Repository {
  async insertWithKeys(organisation: Organisation, keys: OrganisationKey[]): Promise<void> {
    const { organisations, organisationKeys } = this.t;
    await this.transaction(async () => {
      await this.query((db) => db.insert(organisations).values(organisation));
      await this.query((db) => db.insert(organisationKeys).values(keys));
    });
  }

  bySlug(slug: string): Promise<Organisation | undefined> {
    const { organisations } = this.t;
    return this.query((db) => db.select().from(organisations).where(eq(organisations.slug, slug)).limit(1).then(firstRow));
  }

  byId(id: string): Promise<Organisation | undefined> {
    const { organisations } = this.t;
    return this.query((db) => db.select().from(organisations).where(eq(organisations.id, id)).limit(1).then(firstRow));
  }

  byDid(did: string): Promise<Organisation | undefined> {
    const { organisations } = this.t;
    return this.query((db) => db.select().from(organisations).where(eq(organisations.did, did)).limit(1).then(firstRow));
  }

  /** The version of the organisation's DID document (organisations.keys_version), or undefined for a DID not hosted here. */
  keysVersionOf(did: string): Promise<number | undefined> {
    return this.keysVersionByDid({ did }).then((rows) => rows[0]?.keysVersion);
  }

  // Read by every verification of a credential this service issued (didResolver.ts): prepared once. No LIMIT: `did`
  // is unique, and SQLite spends several microseconds per run on a bound LIMIT (drizzle binds `.limit(1)`).
  private readonly keysVersionByDid = this.database.prepareSelect('organisations_keys_version_by_did', (db) => {
    const { organisations } = this.t;
    return db.select({ keysVersion: organisations.keysVersion }).from(organisations).where(eq(organisations.did, sql.placeholder('did')));
  });

  list(): Promise<Organisation[]> {
    const { organisations } = this.t;
    return this.query((db) => db.select().from(organisations).orderBy(organisations.createdAt));
  }

  /** All keys, current and retired, oldest first: retired keys stay so that older credentials keep verifying. */
  keysOf(organisationId: string): Promise<OrganisationKey[]> {
    const { organisationKeys } = this.t;
    return this.query((db) => db.select().from(organisationKeys).where(eq(organisationKeys.organisationId, organisationId))
      .orderBy(organisationKeys.createdAt));
  }

  /** The current key of the given algorithm (an organisation has at most one of each). */
  currentKey(organisationId: string, algorithm: KeyAlgorithm): Promise<OrganisationKey | undefined> {
    return this.currentKeyOf({ organisationId, algorithm }).then(firstRow);
  }

  // Read by every issuance (the signing key): prepared once; no LIMIT, there is at most one current key per algorithm.
  private readonly currentKeyOf = this.database.prepareSelect('organisation_keys_current', (db) => {
    const { organisationKeys } = this.t;
    return db.select().from(organisationKeys)
      .where(and(eq(organisationKeys.organisationId, sql.placeholder('organisationId')), eq(organisationKeys.algorithm, sql.placeholder('algorithm')),
        isNull(organisationKeys.retiredAt)));
  });

  /**
   * Retires the current key of each successor's algorithm and adds the successors in one transaction, so there is
   * always at most one current key per algorithm; the same transaction bumps keys_version, so no verifier keeps the DID
   * document without the new keys. `successorsFrom` numbers the new keys from the organisation's key count, read after
   * that update has locked the organisation's row: two rotations at once number their keys apart.
   */
  async rotateKeys(organisationId: string, successorsFrom: (keyCount: number) => OrganisationKey[], now: string): Promise<RotatedKey[]> {
    const { organisations, organisationKeys } = this.t;
    return this.transaction(async () => {
      await this.query((db) => db.update(organisations).set({ keysVersion: sql`${organisations.keysVersion} + 1` }).where(eq(organisations.id, organisationId)));
      const keys = await this.keysOf(organisationId);
      const successors = successorsFrom(keys.length);
      const rotated = successors.map((successor) => ({
        successor, retired: keys.find((key) => key.retiredAt === null && key.algorithm === successor.algorithm),
      }));
      await this.query((db) => db.update(organisationKeys).set({ retiredAt: now })
        .where(and(eq(organisationKeys.organisationId, organisationId), isNull(organisationKeys.retiredAt),
          inArray(organisationKeys.algorithm, successors.map((key) => key.algorithm)))));
      await this.query((db) => db.insert(organisationKeys).values(successors));
      return rotated;
    });
  }
}
