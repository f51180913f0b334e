/**
 * Holders' wallets: claim offers made at issuance, wallets opened by a private link (and an optional passphrase),
 * share links for employers. Every secret is random (256 bits) and stored hashed; failed guesses are rate-limited.
 */
import crypto from 'node:crypto';
import { AppError, badRequest, notFound } from '../errors.js';
import type { ClaimOffer, ShareLink, ShareLinkSummary, Wallet, WalletCredential, WalletRepository } from '../db/repositories/wallet.js';
import { walletCannotHoldVc11Jwt, type IssuedCredential } from '../credentials/issue.js';
import { ProgressiveDelay, SourceBudget, type FailureCounterFactory } from './attemptLimiter.js';
import { DEFAULT_CLAIM_DAYS, holderDetailsOf, type HolderInput } from './holder.js';
import { batchClaimCodeFor, hashOf, newTxCode, txCodeHashOf, hashPassphrase, looksLikeSecret, newSecret, passphraseMatches, shareTokenFor } from './secrets.js';

const DAY_MS = 86_400_000;
export const SHARE_DAYS = { min: 1, max: 365, default: 30 } as const;
export const PASSPHRASE_LENGTH = { min: 8, max: 200 } as const;
export const LABEL_MAX_LENGTH = 100;
/** How long a passphrase unlock lasts on one browser. */
export const SESSION_MS = 4 * 3600_000;

export const gone = (code: string, detail: string, extra?: Record<string, unknown>) => new AppError(code, 410, detail, extra);

export interface ClaimOfferCreated {
  url: string;
  expiresAt: string;
  /** The transaction code a wallet app asks for (options.holder.txCode), to give the holder apart from the link. */
  txCode?: string;
}
export interface ShareLinkView extends ShareLinkSummary { url: string; state: 'active' | 'expired' | 'revoked' }

export interface WalletServiceDeps {
  repo: WalletRepository;
  baseUrl: string;
  now: () => Date;
  /** Derives batch rows' claim codes (KeyStore.namedSecret: the same in every instance, and never changes). */
  batchClaimSecret: Buffer;
  /** Where failed attempts are counted: shared by every instance. */
  failureCounter: FailureCounterFactory;
}

/** 30 failures per client address per 15-minute window: a person mistyping links never gets near it; a script does at once. */
const SOURCE_BUDGET = { maxFailures: 30, windowMs: 15 * 60_000 };
/**
 * Wrong passphrases per wallet: 5 without waiting, then 1, 2, 4, ... seconds between attempts, at most 15 minutes,
 * forgotten when the (UTC) day ends: a forgetful owner waits seconds, a guesser gets about a hundred tries a day.
 */
const PASSPHRASE_DELAY = { freeFailures: 5, maxDelayMs: 15 * 60_000, windowMs: 24 * 3600_000 };

export class WalletService {
  /** Failed attempts per client address: unknown claim codes, wallet links and share links, wrong passphrases. */
  private readonly sources: SourceBudget;
  /** Wrong passphrases per wallet: increasing waits, never a lock-out. */
  private readonly passphrases: ProgressiveDelay;
  /**
   * Wrong OID4VCI transaction codes per claim offer, waited out as wrong passphrases are: a six-digit code is a million
   * guesses, which a guesser holding the offer must not spread over many addresses.
   */
  private readonly txCodes: ProgressiveDelay;

  constructor(private readonly deps: WalletServiceDeps) {
    this.sources = new SourceBudget(deps.failureCounter('source-failures', SOURCE_BUDGET), SOURCE_BUDGET, deps.now);
    this.passphrases = new ProgressiveDelay(deps.failureCounter('passphrase-failures', PASSPHRASE_DELAY), PASSPHRASE_DELAY, deps.now);
    this.txCodes = new ProgressiveDelay(deps.failureCounter('tx-code-failures', PASSPHRASE_DELAY), PASSPHRASE_DELAY, deps.now);
  }

  /** A failure by `client`: the 429 when the client is over its budget, else `failure` itself. */
  private async failed(client: string, failure: AppError): Promise<AppError> {
    return (await this.failedAttempt(client)) ?? failure;
  }

  /** Counts a failed attempt by `client`; the 429 when it is over its budget. */
  private failedAttempt(client: string): Promise<AppError | undefined> {
    return this.sources.recordFailure(client);
  }

  /**
   * An OID4VCI transaction code typed for a claim offer: 429 `too-many-attempts` while the offer's wait after wrong
   * codes is not over; a wrong code counts against the offer and against the client address.
   */
  async checkTxCode(offerId: string, matches: boolean, client: string): Promise<void> {
    await this.txCodes.assertReady(offerId);
    if (matches) return;
    await this.txCodes.recordFailure(offerId);
    const tooMany = await this.failedAttempt(client);
    if (tooMany) throw tooMany;
  }

  claimUrl(code: string) { return `${this.deps.baseUrl}/claim/${code}`; }
  walletUrl(secret: string) { return `${this.deps.baseUrl}/w/${secret}`; }
  shareUrl(token: string) { return `${this.deps.baseUrl}/s/${token}`; }

  // Claim offers

  /** Called right after issuance: a one-time link the person opens to add the credential to a wallet. */
  async createClaimOffer(issued: IssuedCredential, holder: HolderInput, code: string = newSecret()): Promise<ClaimOfferCreated> {
    const { offer, created } = this.claimOfferFor(issued, holder, code);
    await this.deps.repo.insertClaimOffers([offer]);
    return created;
  }

  /**
   * Batch rows' claim offers, whose links GET /batches/<id> can show again (see batchClaimCodeFor): one statement for a
   * lease of rows, in the transaction that marks them issued.
   */
  async createBatchClaimOffers(rows: Array<{ issued: IssuedCredential; holder: HolderInput }>): Promise<void> {
    const offers = rows.map(({ issued, holder }) => this.claimOfferFor(issued, holder, batchClaimCodeFor(this.deps.batchClaimSecret, issued.id)).offer);
    await this.deps.repo.insertClaimOffers(offers);
  }

  private claimOfferFor(issued: IssuedCredential, holder: HolderInput, code: string): { offer: ClaimOffer; created: ClaimOfferCreated } {
    const details = holderDetailsOf(holder);
    if (typeof issued.verifiableCredential === 'string') throw walletCannotHoldVc11Jwt();
    const now = this.deps.now();
    const expiresAt = new Date(now.getTime() + (holder.claimValidForDays ?? DEFAULT_CLAIM_DAYS) * DAY_MS).toISOString();
    const txCode = holder.txCode ? newTxCode() : undefined;
    const offer: ClaimOffer = {
      id: crypto.randomUUID(), codeHash: hashOf(code), credentialId: issued.id, format: issued.format,
      document: issued.verifiableCredential, jwt: issued.jwt ?? null, holder: details,
      createdAt: now.toISOString(), expiresAt, claimedAt: null, claimedByWalletId: null,
      txCodeHash: txCode ? txCodeHashOf(code, txCode) : null,
    };
    return { offer, created: { url: this.claimUrl(code), expiresAt, ...(txCode ? { txCode } : {}) } };
  }

  batchClaimUrl(credentialId: string): string {
    return this.claimUrl(batchClaimCodeFor(this.deps.batchClaimSecret, credentialId));
  }

  /** The offer behind a code, still claimable; 404 unknown, 410 used or expired. */
  async openClaimOffer(code: string, client: string): Promise<ClaimOffer> {
    const offer = looksLikeSecret(code) ? await this.deps.repo.claimOfferByCodeHash(hashOf(code)) : undefined;
    if (!offer) throw await this.failed(client, notFound('unknown-claim-code', 'This claim link does not exist; check that it was copied in full'));
    if (offer.claimedAt) throw gone('claim-used', 'This claim link has already been used; open the wallet it was added to with its wallet link', { claimedAt: offer.claimedAt });
    if (offer.expiresAt <= this.deps.now().toISOString()) {
      throw gone('claim-expired', `This claim link expired on ${offer.expiresAt}; ask the issuer for a new one`, { expiresAt: offer.expiresAt });
    }
    return offer;
  }

  /** Claims into a new wallet and returns its secret: the only time it exists outside the holder's hands. */
  async claimIntoNewWallet(code: string, client: string): Promise<{ walletSecret: string; wallet: Wallet }> {
    const offer = await this.openClaimOffer(code, client);
    const walletSecret = newSecret();
    const wallet: Wallet = { id: crypto.randomUUID(), secretHash: hashOf(walletSecret), passphraseHash: null, createdAt: this.deps.now().toISOString() };
    await this.deps.repo.insertWallet(wallet);
    await this.take(offer, wallet);
    return { walletSecret, wallet };
  }

  /** Claims into an existing wallet, given its link (or secret) and passphrase when it has one. */
  async claimIntoWallet(code: string, walletLink: string, passphrase: string | undefined, client: string): Promise<{ walletSecret: string; wallet: Wallet }> {
    const offer = await this.openClaimOffer(code, client);
    const walletSecret = secretFromLink(walletLink);
    const wallet = await this.openWallet(walletSecret, client);
    if (wallet.passphraseHash) await this.checkPassphrase(wallet, passphrase ?? '', client);
    await this.take(offer, wallet);
    return { walletSecret, wallet };
  }

  private async take(offer: ClaimOffer, wallet: Wallet): Promise<void> {
    if (!offer.document) throw gone('claim-used', 'This claim link has already been used');
    const claimed = await this.deps.repo.claim(offer, {
      id: crypto.randomUUID(), walletId: wallet.id, credentialId: offer.credentialId, format: offer.format,
      document: offer.document, jwt: offer.jwt, addedAt: this.deps.now().toISOString(),
    }, this.deps.now().toISOString());
    if (!claimed) throw gone('claim-used', 'This claim link has just been used');
  }

  // Wallets

  async openWallet(secret: string, client: string): Promise<Wallet> {
    const wallet = looksLikeSecret(secret) ? await this.deps.repo.walletBySecretHash(hashOf(secret)) : undefined;
    if (!wallet) throw await this.failed(client, notFound('unknown-wallet', 'No wallet has this link; check that it was copied in full'));
    return wallet;
  }

  /** Whether the browser's unlock session (cookie value) opens this wallet; wallets without passphrase are always open. */
  async isUnlocked(wallet: Wallet, sessionToken: string | undefined): Promise<boolean> {
    if (!wallet.passphraseHash) return true;
    if (!sessionToken) return false;
    return await this.deps.repo.sessionWallet(hashOf(sessionToken), this.deps.now().toISOString()) === wallet.id;
  }

  /** Checks the passphrase and returns a session token for a cookie. */
  async unlock(wallet: Wallet, passphrase: string, client: string): Promise<{ sessionToken: string; expiresAt: Date }> {
    await this.checkPassphrase(wallet, passphrase, client);
    return this.newSession(wallet);
  }

  private async newSession(wallet: Wallet): Promise<{ sessionToken: string; expiresAt: Date }> {
    const sessionToken = newSecret();
    const now = this.deps.now();
    const expiresAt = new Date(now.getTime() + SESSION_MS);
    await this.deps.repo.deleteExpiredSessions(now.toISOString());
    await this.deps.repo.insertSession({ tokenHash: hashOf(sessionToken), walletId: wallet.id, expiresAt: expiresAt.toISOString() });
    return { sessionToken, expiresAt };
  }

  /** Waits are per wallet and checked before scrypt runs, so guessing costs the guesser time, not the server CPU. */
  private async checkPassphrase(wallet: Wallet, passphrase: string, client: string): Promise<void> {
    await this.passphrases.assertReady(wallet.id);
    if (!wallet.passphraseHash || !passphraseMatches(passphrase, wallet.passphraseHash)) {
      await this.passphrases.recordFailure(wallet.id);
      throw await this.failed(client, new AppError('wrong-passphrase', 401, 'The passphrase does not match'));
    }
    await this.passphrases.recordSuccess(wallet.id);
  }

  /** Sets or changes the passphrase; the browser that set it stays unlocked (the returned session). */
  async setPassphrase(wallet: Wallet, passphrase: string): Promise<{ sessionToken: string; expiresAt: Date }> {
    if (passphrase.length < PASSPHRASE_LENGTH.min || passphrase.length > PASSPHRASE_LENGTH.max) {
      throw badRequest('invalid-passphrase', `The passphrase must be ${PASSPHRASE_LENGTH.min} to ${PASSPHRASE_LENGTH.max} characters long`);
    }
    await this.deps.repo.setPassphraseHash(wallet.id, hashPassphrase(passphrase));
    return this.newSession(wallet);
  }

  async credentials(wallet: Wallet): Promise<WalletCredential[]> {
    return await this.deps.repo.credentialsOf(wallet.id);
  }

  async credential(wallet: Wallet, walletCredentialId: string): Promise<WalletCredential> {
    const credential = await this.deps.repo.credentialOf(wallet.id, walletCredentialId);
    if (!credential) throw notFound('unknown-wallet-credential', 'This wallet holds no such credential');
    return credential;
  }

  /** Deletes a credential from the wallet; links that showed only it are revoked. */
  async deleteCredential(wallet: Wallet, walletCredentialId: string): Promise<void> {
    if (!await this.deps.repo.deleteCredential(wallet.id, walletCredentialId, this.deps.now().toISOString())) {
      throw notFound('unknown-wallet-credential', 'This wallet holds no such credential');
    }
  }

  // Share links

  async createShareLink(wallet: Wallet, walletSecret: string, request: { walletCredentialIds: string[]; expiresInDays?: number; label?: string }): Promise<ShareLinkView> {
    const ids = [...new Set(request.walletCredentialIds)];
    if (ids.length === 0) throw badRequest('no-credentials-chosen', 'Choose at least one credential to share');
    const held = new Set((await this.deps.repo.credentialsOf(wallet.id)).map((c) => c.id));
    const unknown = ids.filter((id) => !held.has(id));
    if (unknown.length > 0) throw badRequest('unknown-wallet-credential', `This wallet holds no credential ${unknown.join(', ')}`);
    const days = request.expiresInDays ?? SHARE_DAYS.default;
    if (!Number.isInteger(days) || days < SHARE_DAYS.min || days > SHARE_DAYS.max) {
      throw badRequest('invalid-share-expiry', `A share link lasts ${SHARE_DAYS.min} to ${SHARE_DAYS.max} days (a whole number); got ${String(request.expiresInDays)}`);
    }
    const label = request.label?.trim() || null;
    if (label && label.length > LABEL_MAX_LENGTH) throw badRequest('invalid-share-label', `The label is at most ${LABEL_MAX_LENGTH} characters`);
    const now = this.deps.now();
    const id = crypto.randomUUID();
    const token = shareTokenFor(walletSecret, id);
    const link: ShareLink = {
      id, walletId: wallet.id, tokenHash: hashOf(token), label, createdAt: now.toISOString(),
      expiresAt: new Date(now.getTime() + days * DAY_MS).toISOString(), revokedAt: null,
    };
    await this.deps.repo.insertShareLink(link, ids);
    return this.viewOf({ ...link, walletCredentialIds: ids, views: 0, lastViewedAt: null }, walletSecret);
  }

  async shareLinks(wallet: Wallet, walletSecret: string): Promise<ShareLinkView[]> {
    return (await this.deps.repo.shareLinksOf(wallet.id)).map((link) => this.viewOf(link, walletSecret));
  }

  async revokeShareLink(wallet: Wallet, shareLinkId: string): Promise<void> {
    if (await this.deps.repo.revokeShareLink(wallet.id, shareLinkId, this.deps.now().toISOString())) return;
    if (!await this.deps.repo.shareLinkOf(wallet.id, shareLinkId)) throw notFound('unknown-share-link', 'This wallet has no such share link');
  }

  /**
   * The credential of a claim link that can no longer be used (claimed or expired), so that the page can say whose
   * it is and whom to ask for a new link. Undefined for an unknown code.
   */
  async credentialIdOfClaimCode(code: string): Promise<string | undefined> {
    return looksLikeSecret(code) ? (await this.deps.repo.claimOfferByCodeHash(hashOf(code)))?.credentialId : undefined;
  }

  /**
   * The link behind a public token and what it shows; 404 unknown, 410 revoked or expired. Counts the view unless
   * `countView` is false (a HEAD request, a link preview drawn by a messaging app).
   */
  async openShareLink(token: string, client: string, { countView = true }: { countView?: boolean } = {}): Promise<{ link: ShareLink; credentials: WalletCredential[] }> {
    const link = looksLikeSecret(token) ? await this.deps.repo.shareLinkByTokenHash(hashOf(token)) : undefined;
    if (!link) throw await this.failed(client, notFound('unknown-share-link', 'No share link has this address; check that it was copied in full'));
    if (link.revokedAt) throw gone('share-link-revoked', `The holder withdrew this link on ${link.revokedAt}`, { revokedAt: link.revokedAt });
    const now = this.deps.now().toISOString();
    if (link.expiresAt <= now) throw gone('share-link-expired', `This link expired on ${link.expiresAt}; ask the holder for a new one`, { expiresAt: link.expiresAt });
    if (countView) await this.deps.repo.recordView(link.id, now);
    return { link, credentials: await this.deps.repo.sharedCredentials(link.id) };
  }

  private viewOf(link: ShareLinkSummary, walletSecret: string): ShareLinkView {
    const state = link.revokedAt ? 'revoked' : link.expiresAt <= this.deps.now().toISOString() ? 'expired' : 'active';
    return { ...link, url: this.shareUrl(shareTokenFor(walletSecret, link.id)), state };
  }
}

/** Accepts the wallet link as pasted (full URL, path, or bare secret). */
export function secretFromLink(link: string): string {
  const trimmed = link.trim();
  const match = trimmed.match(/\/w\/([A-Za-z0-9_-]+)/);
  return match ? match[1]! : trimmed;
}
