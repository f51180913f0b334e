import { and, eq, isNull, lt } from 'drizzle-orm';
import type { presentationRequests } from '../schema-presentations.js';
import { firstRow } from '../database.js';
import { Repository } from './repository.js';

export type PresentationRequestRecord = typeof presentationRequests.$inferSelect;

export class PresentationRequestRepository extends Repository {
  async insert(record: PresentationRequestRecord): Promise<void> {
    const { presentationRequests } = this.t;
    await this.query((db) => db.insert(presentationRequests).values(record));
  }

  byId(id: string): Promise<PresentationRequestRecord | undefined> {
    const { presentationRequests } = this.t;
    return this.query((db) => db.select().from(presentationRequests).where(eq(presentationRequests.id, id)).limit(1).then(firstRow));
  }

  byViewTokenHash(viewTokenHash: string): Promise<PresentationRequestRecord | undefined> {
    const { presentationRequests } = this.t;
    return this.query((db) => db.select().from(presentationRequests).where(eq(presentationRequests.viewTokenHash, viewTokenHash)).limit(1).then(firstRow));
  }

  /**
   * Records the wallet's answer once: false when another answer (a replay, or a second instance) came first. The
   * response key goes with it, so a captured encrypted response cannot be opened later either.
   */
  async answer(id: string, answeredAt: string, outcome: Record<string, unknown>): Promise<boolean> {
    const { presentationRequests } = this.t;
    const updated = await this.query((db) => db.update(presentationRequests).set({ answeredAt, outcome, responseKey: null })
      .where(and(eq(presentationRequests.id, id), isNull(presentationRequests.answeredAt))).returning({ id: presentationRequests.id }));
    return updated.length > 0;
  }

  /** Requests that expired before `before` (kept a while so their page can say "expired"), gone for good. */
  async deleteExpired(before: string): Promise<void> {
    const { presentationRequests } = this.t;
    await this.query((db) => db.delete(presentationRequests).where(lt(presentationRequests.expiresAt, before)));
  }
}
