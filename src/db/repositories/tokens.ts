import { and, eq, isNull } from 'drizzle-orm';
import type { Db } from '../client.js';
import { tokens } from '../schema.js';

export type Token = typeof tokens.$inferSelect;

export class TokenRepository {
  constructor(private readonly db: Db) {}

  insert(token: Token): void {
    this.db.insert(tokens).values(token).run();
  }

  bySecretHash(secretHash: string): Token | undefined {
    return this.db.select().from(tokens).where(eq(tokens.secretHash, secretHash)).get();
  }

  listFor(organisationId: string): Token[] {
    return this.db.select().from(tokens).where(eq(tokens.organisationId, organisationId)).orderBy(tokens.createdAt).all();
  }

  /** Whether a bootstrap administrator token (one not tied to an organisation) exists. */
  hasBootstrapAdmin(): boolean {
    return this.db.select({ id: tokens.id }).from(tokens).where(isNull(tokens.organisationId)).get() !== undefined;
  }

  revoke(organisationId: string, id: string, now: string): boolean {
    const result = this.db.update(tokens).set({ revokedAt: now })
      .where(and(eq(tokens.id, id), eq(tokens.organisationId, organisationId), isNull(tokens.revokedAt))).run();
    return result.changes > 0;
  }

  byId(organisationId: string, id: string): Token | undefined {
    return this.db.select().from(tokens).where(and(eq(tokens.id, id), eq(tokens.organisationId, organisationId))).get();
  }
}
