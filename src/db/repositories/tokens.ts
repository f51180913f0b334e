import { and, eq, isNull } from 'drizzle-orm';
import type { tokens } from '../schema.js';
import { firstRow } from '../database.js';
import { Repository } from './repository.js';

export type Token = typeof tokens.$inferSelect;

export class TokenRepository extends Repository {
  async insert(token: Token): Promise<void> {
    const { tokens } = this.t;
    await this.query((db) => db.insert(tokens).values(token));
  }

  /** Inserts unless a token with the same secret exists (another instance registered it first). */
  async insertUnlessKnown(token: Token): Promise<void> {
    const { tokens } = this.t;
    await this.query((db) => db.insert(tokens).values(token).onConflictDoNothing({ target: tokens.secretHash }));
  }

  bySecretHash(secretHash: string): Promise<Token | undefined> {
    const { tokens } = this.t;
    return this.query((db) => db.select().from(tokens).where(eq(tokens.secretHash, secretHash)).limit(1).then(firstRow));
  }

  listFor(organisationId: string): Promise<Token[]> {
    const { tokens } = this.t;
    return this.query((db) => db.select().from(tokens).where(eq(tokens.organisationId, organisationId)).orderBy(tokens.createdAt));
  }

  /** Whether a bootstrap administrator token (one not tied to an organisation) exists. */
  hasBootstrapAdmin(): Promise<boolean> {
    const { tokens } = this.t;
    return this.query((db) => db.select({ id: tokens.id }).from(tokens).where(isNull(tokens.organisationId)).limit(1)
      .then((rows) => rows.length > 0));
  }

  revoke(organisationId: string, id: string, now: string): Promise<boolean> {
    const { tokens } = this.t;
    return this.query((db) => db.update(tokens).set({ revokedAt: now })
      .where(and(eq(tokens.id, id), eq(tokens.organisationId, organisationId), isNull(tokens.revokedAt)))
      .returning({ id: tokens.id }).then((rows) => rows.length > 0));
  }

  byId(organisationId: string, id: string): Promise<Token | undefined> {
    const { tokens } = this.t;
    return this.query((db) => db.select().from(tokens).where(and(eq(tokens.id, id), eq(tokens.organisationId, organisationId))).limit(1).then(firstRow));
  }
}
