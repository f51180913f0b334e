import { and, eq, gt, isNull, lt, sql } from 'drizzle-orm';
import type { oid4vciAccessTokens, oid4vciDeliveries } from '../schema-oid4vci.js';
import type { ClaimOffer } from './wallet.js';
import { IndexTakenError, type StatusEntry } from './credentials.js';
import { uniqueViolationOf } from '../uniqueViolation.js';
import { firstRow } from '../database.js';
import { Repository } from './repository.js';

export type Oid4vciAccessToken = typeof oid4vciAccessTokens.$inferSelect;
export type Oid4vciDelivery = typeof oid4vciDeliveries.$inferSelect;

/** Access tokens, nonces and delivered copies of the OID4VCI pre-authorized code flow (src/oid4vci). */
export class Oid4vciRepository extends Repository {
  /**
   * Marks the claim offer taken by a wallet app and stores the access token for it, in one transaction; false when the
   * offer was taken meanwhile (by a web wallet or another token request), in which case nothing is written. The
   * offer's document stays until the wallet fetched its copy (deliver).
   */
  takeOffer(offer: ClaimOffer, token: Oid4vciAccessToken, now: string): Promise<boolean> {
    const { claimOffers, oid4vciAccessTokens } = this.t;
    return this.transaction(async () => {
      const marked = await this.query((db) => db.update(claimOffers).set({ claimedAt: now })
        .where(and(eq(claimOffers.id, offer.id), isNull(claimOffers.claimedAt))).returning({ id: claimOffers.id }));
      if (marked.length === 0) return false;
      await this.query((db) => db.insert(oid4vciAccessTokens).values(token));
      return true;
    });
  }

  /** The access token behind a hash, with its claim offer. */
  accessToken(tokenHash: string): Promise<{ token: Oid4vciAccessToken; offer: ClaimOffer } | undefined> {
    const { claimOffers, oid4vciAccessTokens } = this.t;
    return this.query((db) => db.select({ token: oid4vciAccessTokens, offer: claimOffers }).from(oid4vciAccessTokens)
      .innerJoin(claimOffers, eq(claimOffers.id, oid4vciAccessTokens.claimOfferId))
      .where(eq(oid4vciAccessTokens.tokenHash, tokenHash)).limit(1).then(firstRow));
  }

  /** Stores a new nonce, forgetting the expired ones (nonces live minutes: the table stays small). */
  async insertNonce(nonceHash: string, expiresAt: string, now: string): Promise<void> {
    const { oid4vciNonces } = this.t;
    await this.query((db) => db.delete(oid4vciNonces).where(lt(oid4vciNonces.expiresAt, now)));
    await this.query((db) => db.insert(oid4vciNonces).values({ nonceHash, expiresAt }));
  }

  /** Uses a nonce up: true once for a nonce that exists and has not expired, false ever after. */
  consumeNonce(nonceHash: string, now: string): Promise<boolean> {
    const { oid4vciNonces } = this.t;
    return this.query((db) => db.delete(oid4vciNonces).where(and(eq(oid4vciNonces.nonceHash, nonceHash), gt(oid4vciNonces.expiresAt, now)))
      .returning({ nonceHash: oid4vciNonces.nonceHash }).then((rows) => rows.length > 0));
  }

  /**
   * Records the copies delivered with this access token (and the status entries of copies that carry their own, an
   * SD-JWT VC's Token Status List entry, under the same credential id), marks the token used and clears the offer's
   * document (the wallet app now holds the credential), in one transaction; false when the token was used meanwhile.
   * Throws IndexTakenError when another instance took one of the status indexes first.
   */
  async deliver(tokenHash: string, offerId: string, deliveries: Oid4vciDelivery[], entries: StatusEntry[], now: string): Promise<boolean> {
    const { claimOffers, oid4vciAccessTokens, oid4vciDeliveries, statusEntries, statusLists } = this.t;
    try {
      return await this.transaction(async () => {
        const used = await this.query((db) => db.update(oid4vciAccessTokens).set({ usedAt: now })
          .where(and(eq(oid4vciAccessTokens.tokenHash, tokenHash), isNull(oid4vciAccessTokens.usedAt))).returning({ tokenHash: oid4vciAccessTokens.tokenHash }));
        if (used.length === 0) return false;
        await this.query((db) => db.update(claimOffers).set({ document: null, jwt: null }).where(eq(claimOffers.id, offerId)));
        for (const delivery of deliveries) await this.query((db) => db.insert(oid4vciDeliveries).values(delivery));
        for (const entry of entries) {
          await this.query((db) => db.insert(statusEntries).values(entry));
          await this.query((db) => db.update(statusLists).set({ allocated: sql`${statusLists.allocated} + 1` }).where(eq(statusLists.id, entry.listId)));
        }
        return true;
      });
    } catch (error) {
      if (uniqueViolationOf(error) === 'status_entries.list_id, status_entries.status_index') throw new IndexTakenError('status index taken');
      throw error;
    }
  }

  deliveriesOf(credentialId: string): Promise<Oid4vciDelivery[]> {
    const { oid4vciDeliveries } = this.t;
    return this.query((db) => db.select().from(oid4vciDeliveries).where(eq(oid4vciDeliveries.credentialId, credentialId)));
  }
}
