import { and, asc, count, desc, eq, gt, inArray, isNull, lt, max } from 'drizzle-orm';
import type { Db } from '../client.js';
import {
  claimOffers, serviceKeys, shareLinkCredentials, shareLinks, shareViews, walletCredentials, wallets, walletSessions,
} from '../schema-wallet.js';

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

export class WalletRepository {
  constructor(private readonly db: Db) {}

  // Claim offers

  insertClaimOffer(offer: ClaimOffer): void {
    this.db.insert(claimOffers).values(offer).run();
  }

  claimOfferByCodeHash(codeHash: string): ClaimOffer | undefined {
    return this.db.select().from(claimOffers).where(eq(claimOffers.codeHash, codeHash)).get();
  }

  /**
   * Adds the offered credential to the wallet and marks the offer used, in one transaction; returns false when the
   * offer was used meanwhile (two taps on the same link), in which case nothing is written.
   */
  claim(offer: ClaimOffer, walletCredential: WalletCredential, now: string): boolean {
    return this.db.transaction((tx) => {
      const marked = tx.update(claimOffers).set({ claimedAt: now, claimedByWalletId: walletCredential.walletId, document: null, jwt: null })
        .where(and(eq(claimOffers.id, offer.id), isNull(claimOffers.claimedAt))).run();
      if (marked.changes === 0) return false;
      tx.insert(walletCredentials).values(walletCredential).onConflictDoNothing().run();
      return true;
    });
  }

  // Wallets

  insertWallet(wallet: Wallet): void {
    this.db.insert(wallets).values(wallet).run();
  }

  walletBySecretHash(secretHash: string): Wallet | undefined {
    return this.db.select().from(wallets).where(eq(wallets.secretHash, secretHash)).get();
  }

  setPassphraseHash(walletId: string, passphraseHash: string): void {
    this.db.update(wallets).set({ passphraseHash }).where(eq(wallets.id, walletId)).run();
  }

  insertSession(session: typeof walletSessions.$inferSelect): void {
    this.db.insert(walletSessions).values(session).run();
  }

  sessionWallet(tokenHash: string, now: string): string | undefined {
    return this.db.select({ walletId: walletSessions.walletId }).from(walletSessions)
      .where(and(eq(walletSessions.tokenHash, tokenHash), gt(walletSessions.expiresAt, now))).get()?.walletId;
  }

  deleteExpiredSessions(now: string): void {
    this.db.delete(walletSessions).where(lt(walletSessions.expiresAt, now)).run();
  }

  // Credentials in wallets

  credentialsOf(walletId: string): WalletCredential[] {
    return this.db.select().from(walletCredentials).where(eq(walletCredentials.walletId, walletId))
      .orderBy(desc(walletCredentials.addedAt), asc(walletCredentials.id)).all();
  }

  credentialOf(walletId: string, id: string): WalletCredential | undefined {
    return this.db.select().from(walletCredentials).where(and(eq(walletCredentials.walletId, walletId), eq(walletCredentials.id, id))).get();
  }

  /** Deletes the credential; share links left with nothing to show are revoked in the same transaction. */
  deleteCredential(walletId: string, id: string, now: string): boolean {
    return this.db.transaction((tx) => {
      const linkIds = tx.select({ id: shareLinkCredentials.shareLinkId }).from(shareLinkCredentials)
        .where(eq(shareLinkCredentials.walletCredentialId, id)).all().map((r) => r.id);
      const deleted = tx.delete(walletCredentials).where(and(eq(walletCredentials.walletId, walletId), eq(walletCredentials.id, id))).run();
      for (const linkId of linkIds) {
        const left = tx.select({ n: count() }).from(shareLinkCredentials).where(eq(shareLinkCredentials.shareLinkId, linkId)).get()?.n ?? 0;
        if (left === 0) tx.update(shareLinks).set({ revokedAt: now }).where(and(eq(shareLinks.id, linkId), isNull(shareLinks.revokedAt))).run();
      }
      return deleted.changes > 0;
    });
  }

  // Share links

  insertShareLink(link: ShareLink, walletCredentialIds: string[]): void {
    this.db.transaction((tx) => {
      tx.insert(shareLinks).values(link).run();
      walletCredentialIds.forEach((walletCredentialId, position) => {
        tx.insert(shareLinkCredentials).values({ shareLinkId: link.id, walletCredentialId, position }).run();
      });
    });
  }

  shareLinkByTokenHash(tokenHash: string): ShareLink | undefined {
    return this.db.select().from(shareLinks).where(eq(shareLinks.tokenHash, tokenHash)).get();
  }

  shareLinkOf(walletId: string, id: string): ShareLink | undefined {
    return this.db.select().from(shareLinks).where(and(eq(shareLinks.walletId, walletId), eq(shareLinks.id, id))).get();
  }

  revokeShareLink(walletId: string, id: string, now: string): boolean {
    const result = this.db.update(shareLinks).set({ revokedAt: now })
      .where(and(eq(shareLinks.walletId, walletId), eq(shareLinks.id, id), isNull(shareLinks.revokedAt))).run();
    return result.changes > 0;
  }

  /** The credentials a link shows, in the order the holder picked them. */
  sharedCredentials(shareLinkId: string): WalletCredential[] {
    return this.db.select({ credential: walletCredentials }).from(shareLinkCredentials)
      .innerJoin(walletCredentials, eq(walletCredentials.id, shareLinkCredentials.walletCredentialId))
      .where(eq(shareLinkCredentials.shareLinkId, shareLinkId)).orderBy(asc(shareLinkCredentials.position)).all()
      .map((r) => r.credential);
  }

  shareLinksOf(walletId: string): ShareLinkSummary[] {
    const links = this.db.select().from(shareLinks).where(eq(shareLinks.walletId, walletId)).orderBy(desc(shareLinks.createdAt)).all();
    if (links.length === 0) return [];
    const ids = links.map((l) => l.id);
    const members = this.db.select().from(shareLinkCredentials).where(inArray(shareLinkCredentials.shareLinkId, ids))
      .orderBy(asc(shareLinkCredentials.position)).all();
    const views = this.db.select({ id: shareViews.shareLinkId, n: count(), last: max(shareViews.viewedAt) }).from(shareViews)
      .where(inArray(shareViews.shareLinkId, ids)).groupBy(shareViews.shareLinkId).all();
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

  recordView(shareLinkId: string, viewedAt: string): void {
    this.db.insert(shareViews).values({ shareLinkId, viewedAt }).run();
  }

  // The service's own keys

  serviceKey(purpose: string): ServiceKey | undefined {
    return this.db.select().from(serviceKeys).where(eq(serviceKeys.purpose, purpose)).get();
  }

  /** Inserts unless another process got there first; returns the key that is in force. */
  insertServiceKey(key: ServiceKey): ServiceKey {
    this.db.insert(serviceKeys).values(key).onConflictDoNothing().run();
    return this.serviceKey(key.purpose)!;
  }
}
