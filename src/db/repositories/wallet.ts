import { and, asc, count, desc, eq, gt, inArray, isNull, lt, max } from 'drizzle-orm';
import type { claimOffers, serviceKeys, shareLinks, walletCredentials, wallets, walletSessions } from '../schema-wallet.js';
import { firstRow } from '../database.js';
import { Repository } from './repository.js';

export type Wallet = typeof wallets.$inferSelect;
export type WalletCredential = typeof walletCredentials.$inferSelect;
export type ClaimOffer = typeof claimOffers.$inferSelect;
export type ShareLink = typeof shareLinks.$inferSelect;
export type ServiceKey = typeof serviceKeys.$inferSelect;

export interface ShareLinkSummary extends ShareLink {
  walletCredentialIds: string[];
  views: number;
  lastViewedAt: string | null;
}

export class WalletRepository extends Repository {
  // Claim offers

  async insertClaimOffers(offers: ClaimOffer[]): Promise<void> {
    if (offers.length === 0) return;
    const { claimOffers } = this.t;
    await this.query((db) => db.insert(claimOffers).values(offers));
  }

  claimOfferByCodeHash(codeHash: string): Promise<ClaimOffer | undefined> {
    const { claimOffers } = this.t;
    return this.query((db) => db.select().from(claimOffers).where(eq(claimOffers.codeHash, codeHash)).limit(1).then(firstRow));
  }

  /**
   * Adds the offered credential to the wallet and marks the offer used, in one transaction; returns false when the
   * offer was used meanwhile (two taps on the same link), in which case nothing is written.
   */
  claim(offer: ClaimOffer, walletCredential: WalletCredential, now: string): Promise<boolean> {
    const { claimOffers, walletCredentials } = this.t;
    return this.transaction(async () => {
      const marked = await this.query((db) => db.update(claimOffers)
        .set({ claimedAt: now, claimedByWalletId: walletCredential.walletId, document: null, jwt: null })
        .where(and(eq(claimOffers.id, offer.id), isNull(claimOffers.claimedAt))).returning({ id: claimOffers.id }));
      if (marked.length === 0) return false;
      await this.query((db) => db.insert(walletCredentials).values(walletCredential).onConflictDoNothing());
      return true;
    });
  }

  // Wallets

  async insertWallet(wallet: Wallet): Promise<void> {
    const { wallets } = this.t;
    await this.query((db) => db.insert(wallets).values(wallet));
  }

  walletBySecretHash(secretHash: string): Promise<Wallet | undefined> {
    const { wallets } = this.t;
    return this.query((db) => db.select().from(wallets).where(eq(wallets.secretHash, secretHash)).limit(1).then(firstRow));
  }

  async setPassphraseHash(walletId: string, passphraseHash: string): Promise<void> {
    const { wallets } = this.t;
    await this.query((db) => db.update(wallets).set({ passphraseHash }).where(eq(wallets.id, walletId)));
  }

  async insertSession(session: typeof walletSessions.$inferSelect): Promise<void> {
    const { walletSessions } = this.t;
    await this.query((db) => db.insert(walletSessions).values(session));
  }

  sessionWallet(tokenHash: string, now: string): Promise<string | undefined> {
    const { walletSessions } = this.t;
    return this.query((db) => db.select({ walletId: walletSessions.walletId }).from(walletSessions)
      .where(and(eq(walletSessions.tokenHash, tokenHash), gt(walletSessions.expiresAt, now))).limit(1).then((rows) => rows[0]?.walletId));
  }

  async deleteExpiredSessions(now: string): Promise<void> {
    const { walletSessions } = this.t;
    await this.query((db) => db.delete(walletSessions).where(lt(walletSessions.expiresAt, now)));
  }

  // Credentials in wallets

  credentialsOf(walletId: string): Promise<WalletCredential[]> {
    const { walletCredentials } = this.t;
    return this.query((db) => db.select().from(walletCredentials).where(eq(walletCredentials.walletId, walletId))
      .orderBy(desc(walletCredentials.addedAt), asc(walletCredentials.id)));
  }

  credentialOf(walletId: string, id: string): Promise<WalletCredential | undefined> {
    const { walletCredentials } = this.t;
    return this.query((db) => db.select().from(walletCredentials)
      .where(and(eq(walletCredentials.walletId, walletId), eq(walletCredentials.id, id))).limit(1).then(firstRow));
  }

  /** Deletes the credential; share links left with nothing to show are revoked in the same transaction. */
  deleteCredential(walletId: string, id: string, now: string): Promise<boolean> {
    const { shareLinkCredentials, walletCredentials, shareLinks } = this.t;
    return this.transaction(async () => {
      const linkIds = await this.query((db) => db.select({ id: shareLinkCredentials.shareLinkId }).from(shareLinkCredentials)
        .where(eq(shareLinkCredentials.walletCredentialId, id)).then((rows) => rows.map((r) => r.id)));
      const deleted = await this.query((db) => db.delete(walletCredentials)
        .where(and(eq(walletCredentials.walletId, walletId), eq(walletCredentials.id, id))).returning({ id: walletCredentials.id }));
      for (const linkId of linkIds) {
        const left = await this.query((db) => db.select({ n: count() }).from(shareLinkCredentials)
          .where(eq(shareLinkCredentials.shareLinkId, linkId)).then((rows) => rows[0]?.n ?? 0));
        if (left === 0) {
          await this.query((db) => db.update(shareLinks).set({ revokedAt: now }).where(and(eq(shareLinks.id, linkId), isNull(shareLinks.revokedAt))));
        }
      }
      return deleted.length > 0;
    });
  }

  // Share links

  insertShareLink(link: ShareLink, walletCredentialIds: string[]): Promise<void> {
    const { shareLinks, shareLinkCredentials } = this.t;
    return this.transaction(async () => {
      await this.query((db) => db.insert(shareLinks).values(link));
      for (const [position, walletCredentialId] of walletCredentialIds.entries()) {
        await this.query((db) => db.insert(shareLinkCredentials).values({ shareLinkId: link.id, walletCredentialId, position }));
      }
    });
  }

  shareLinkByTokenHash(tokenHash: string): Promise<ShareLink | undefined> {
    const { shareLinks } = this.t;
    return this.query((db) => db.select().from(shareLinks).where(eq(shareLinks.tokenHash, tokenHash)).limit(1).then(firstRow));
  }

  shareLinkOf(walletId: string, id: string): Promise<ShareLink | undefined> {
    const { shareLinks } = this.t;
    return this.query((db) => db.select().from(shareLinks).where(and(eq(shareLinks.walletId, walletId), eq(shareLinks.id, id))).limit(1).then(firstRow));
  }

  revokeShareLink(walletId: string, id: string, now: string): Promise<boolean> {
    const { shareLinks } = this.t;
    return this.query((db) => db.update(shareLinks).set({ revokedAt: now })
      .where(and(eq(shareLinks.walletId, walletId), eq(shareLinks.id, id), isNull(shareLinks.revokedAt)))
      .returning({ id: shareLinks.id }).then((rows) => rows.length > 0));
  }

  /** The credentials a link shows, in the order the holder picked them. */
  sharedCredentials(shareLinkId: string): Promise<WalletCredential[]> {
    const { shareLinkCredentials, walletCredentials } = this.t;
    return this.query((db) => db.select({ credential: walletCredentials }).from(shareLinkCredentials)
      .innerJoin(walletCredentials, eq(walletCredentials.id, shareLinkCredentials.walletCredentialId))
      .where(eq(shareLinkCredentials.shareLinkId, shareLinkId)).orderBy(asc(shareLinkCredentials.position))
      .then((rows) => rows.map((r) => r.credential)));
  }

  async shareLinksOf(walletId: string): Promise<ShareLinkSummary[]> {
    const { shareLinks, shareLinkCredentials, shareViews } = this.t;
    const links = await this.query((db) => db.select().from(shareLinks).where(eq(shareLinks.walletId, walletId)).orderBy(desc(shareLinks.createdAt)));
    if (links.length === 0) return [];
    const ids = links.map((l) => l.id);
    const members = await this.query((db) => db.select().from(shareLinkCredentials).where(inArray(shareLinkCredentials.shareLinkId, ids))
      .orderBy(asc(shareLinkCredentials.position)));
    const views = await this.query((db) => db.select({ id: shareViews.shareLinkId, n: count(), last: max(shareViews.viewedAt) }).from(shareViews)
      .where(inArray(shareViews.shareLinkId, ids)).groupBy(shareViews.shareLinkId));
    return links.map((link) => {
      const viewed = views.find((v) => v.id === link.id);
      return {
        ...link,
        walletCredentialIds: members.filter((m) => m.shareLinkId === link.id).map((m) => m.walletCredentialId),
        views: viewed?.n ?? 0,
        lastViewedAt: viewed?.last ?? null,
      };
    });
  }

  async recordView(shareLinkId: string, viewedAt: string): Promise<void> {
    const { shareViews } = this.t;
    await this.query((db) => db.insert(shareViews).values({ shareLinkId, viewedAt }));
  }

  // The service's own keys

  serviceKey(purpose: string): Promise<ServiceKey | undefined> {
    const { serviceKeys } = this.t;
    return this.query((db) => db.select().from(serviceKeys).where(eq(serviceKeys.purpose, purpose)).limit(1).then(firstRow));
  }

  /** Inserts unless another instance got there first; returns the key that is in force. */
  async insertServiceKey(key: ServiceKey): Promise<ServiceKey> {
    const { serviceKeys } = this.t;
    await this.query((db) => db.insert(serviceKeys).values(key).onConflictDoNothing());
    return (await this.serviceKey(key.purpose))!;
  }
}
