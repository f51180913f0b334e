import { eq } from 'drizzle-orm';
import { firstRow } from '../database.js';
import { uniqueViolationOf } from '../uniqueViolation.js';
import { Repository } from './repository.js';

/** A key as the key store sealed it (src/keys/keyStore.ts): kept as the JSON object it is. */
type Sealed = Record<string, unknown>;

/**
 * The key store's vault when several instances share one database: every instance reads the keys any of them
 * created. What is stored is sealed by the key store (encrypted: it refuses this vault without a secret).
 */
export class SealedKeyRepository extends Repository {
  /** Keeps a new key; rejects when the id is taken (a key is never overwritten). */
  async create<T extends Sealed>(id: string, sealed: T): Promise<void> {
    const { sealedKeys } = this.t;
    try {
      await this.query((db) => db.insert(sealedKeys).values({ id, sealed, createdAt: writtenAt() }));
    } catch (error) {
      if (uniqueViolationOf(error) === 'sealed_keys.id') throw new Error(`a key with id ${id} already exists`);
      throw error;
    }
  }

  /** Keeps `sealed` unless the id is taken, then reads back what is kept: the first instance's, for every instance. */
  async createOrGet<T extends Sealed>(id: string, sealed: T): Promise<T> {
    const { sealedKeys } = this.t;
    await this.query((db) => db.insert(sealedKeys).values({ id, sealed, createdAt: writtenAt() }).onConflictDoNothing());
    return (await this.get<T>(id))!;
  }

  get<T extends Sealed>(id: string): Promise<T | undefined> {
    const { sealedKeys } = this.t;
    return this.query((db) => db.select({ sealed: sealedKeys.sealed }).from(sealedKeys).where(eq(sealedKeys.id, id)).limit(1)
      .then((rows) => firstRow(rows)?.sealed as T | undefined));
  }
}

/** When a row was written: bookkeeping for operators, which no rule reads (so the wall clock, not the service's). */
const writtenAt = () => new Date().toISOString();
