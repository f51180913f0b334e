/**
 * Issuance to wallet apps: OpenID for Verifiable Credential Issuance 1.0, pre-authorized code flow. The OpenWallet
 * Foundation's @openid4vc packages parse and check the protocol messages; this is the glue to claim offers, keys and
 * signing.
 *
 * A claim offer (src/wallet) is offered to wallet apps too: its claim code is the pre-authorized code, so the offer
 * stays one-time (the token endpoint takes it exactly as a web-wallet claim does: one or the other), expires with it
 * and shares its failed-attempt budget. The wallet receives the same credential (same id, same status entries, so
 * revoking it revokes every copy) secured anew by the issuing organisation and bound to the holder's key.
 */
import crypto from 'node:crypto';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import {
  clientAuthenticationNone, Oauth2AuthorizationServer, Oauth2ErrorCodes, Oauth2ServerErrorResponseError, setGlobalConfig, type CallbackContext,
} from '@openid4vc/oauth2';
import { Openid4vciIssuer, Openid4vciVersion, type IssuerMetadataResult } from '@openid4vc/openid4vci';
import { AppError, notFound } from '../errors.js';
import type { Organisation, OrganisationRepository } from '../db/repositories/organisations.js';
import { IndexTakenError, type CredentialRepository, type StatusEntry, type StatusReservation } from '../db/repositories/credentials.js';
import type { ClaimOffer } from '../db/repositories/wallet.js';
import type { Oid4vciDelivery, Oid4vciRepository } from '../db/repositories/oid4vci.js';
import { sdJwtVcKeyAlgorithm, signPreparedCredential, signPreparedSdJwtVc, type IssueDeps } from '../credentials/issue.js';
import { SD_JWT_VC_FORMAT } from '../credentials/sdJwtVc.js';
import { dataIntegrityFormats, type DataIntegrityFormat, type JsonObject } from '../credentials/vcLibrary.js';
import { isObject } from '../credentials/jsonLimits.js';
import type { WalletService } from '../wallet/walletService.js';
import { hashOf, newSecret, txCodeHashOf } from '../wallet/secrets.js';
import { HolderKeyError, holderKeyOf, verifiedWith, type HolderKey } from './holderKey.js';
import {
  authorizationServerMetadata, BATCH_SIZE, configurationIdsFor, configurationOf, credentialIssuerMetadata, type WalletFormat,
} from './metadata.js';

/** Long enough for a wallet to ask for its nonce and credential right after the token; a lost token costs a new offer. */
export const ACCESS_TOKEN_SECONDS = 600;
/** A c_nonce is used within seconds of being fetched: five minutes covers a slow phone and a user confirming. */
export const NONCE_SECONDS = 300;
export const TX_CODE_LENGTH = 6;
/** As at issuance: a status index collision needs two instances drawing the same random index at once. */
const MAX_INDEX_ATTEMPTS = 5;

export interface Oid4vciDeps {
  repo: Oid4vciRepository;
  wallets: WalletService;
  organisations: OrganisationRepository;
  credentials: CredentialRepository;
  /** Signing with the organisation's key, as at issuance. */
  issueDeps: IssueDeps;
  baseUrl: string;
  now: () => Date;
}

/** An answer in the protocol's own error format ({"error", "error_description"}), with the status the spec names. */
export const protocolError = (error: string, description: string, status = 400) =>
  new Oauth2ServerErrorResponseError({ error, error_description: description }, { status });

const invalidToken = (description: string) => protocolError(Oauth2ErrorCodes.InvalidToken, description, 401);

/** What the libraries call back for: hashing, randomness, and checking a proof's signature with the holder's key. */
const callbacks: Omit<CallbackContext, 'decryptJwe' | 'encryptJwe'> = {
  hash: (data, alg) => crypto.createHash(alg.replace('-', '').toLowerCase()).update(data).digest(),
  generateRandom: (length) => crypto.randomBytes(length),
  clientAuthentication: clientAuthenticationNone({ clientId: '' }),
  signJwt: () => { throw new Error('the issuer signs credentials itself; it signs no OAuth JWT'); },
  verifyJwt: async (signer, jwt) => {
    const key = await holderKeyOf(signer as Parameters<typeof holderKeyOf>[0]);
    return await verifiedWith(key, jwt.compact, jwt.header.alg) ? { verified: true, signerJwk: key.jwk as never } : { verified: false };
  },
};

export class Oid4vciIssuerService {
  private readonly issuer = new Openid4vciIssuer({ callbacks });
  private readonly authorizationServer = new Oauth2AuthorizationServer({ callbacks });

  constructor(private readonly deps: Oid4vciDeps) {
    // The libraries insist on https addresses in metadata and offers; a service on plain http (on one machine, in
    // tests) serves http ones. The setting is the libraries' own, for the whole process.
    if (deps.baseUrl.startsWith('http:')) setGlobalConfig({ allowInsecureUrls: true });
  }

  async organisation(slug: string): Promise<Organisation> {
    const organisation = await this.deps.organisations.bySlug(slug);
    if (!organisation) throw notFound('unknown-organisation', `No organisation "${slug}"`);
    return organisation;
  }

  credentialIssuerMetadata(organisation: Organisation) {
    return this.issuer.createCredentialIssuerMetadata(credentialIssuerMetadata(this.deps.baseUrl, organisation));
  }

  authorizationServerMetadata(organisation: Organisation) {
    return this.authorizationServer.createAuthorizationServerMetadata(authorizationServerMetadata(this.deps.baseUrl, organisation));
  }

  private issuerMetadata(organisation: Organisation): IssuerMetadataResult {
    const credentialIssuer = this.credentialIssuerMetadata(organisation);
    return {
      originalDraftVersion: Openid4vciVersion.V1, credentialIssuer,
      authorizationServers: [this.authorizationServerMetadata(organisation)],
      knownCredentialConfigurations: this.issuer.getKnownCredentialConfigurationsSupported(credentialIssuer),
    };
  }

  /** The organisation that issued a claim offer's credential. */
  private async issuerOf(offer: ClaimOffer): Promise<Organisation | undefined> {
    const record = await this.deps.credentials.byId(offer.credentialId);
    return record ? await this.deps.organisations.byId(record.organisationId) : undefined;
  }

  /**
   * The credential offer of a claim link, as an `openid-credential-offer://` URL (by value: the link and its QR code
   * work offline). `txCodeDescription` tells the holder, in their language, which code to type.
   */
  async credentialOfferUrl(code: string, offer: ClaimOffer, txCodeDescription: string): Promise<string | undefined> {
    const organisation = await this.issuerOf(offer);
    if (!organisation || !offer.document) return undefined;
    const { credentialOffer } = await this.issuer.createCredentialOffer({
      issuerMetadata: this.issuerMetadata(organisation),
      credentialConfigurationIds: configurationIdsFor(typesOf(unsignedCredentialOf(offer))),
      grants: {
        'urn:ietf:params:oauth:grant-type:pre-authorized_code': {
          'pre-authorized_code': code,
          ...(offer.txCodeHash ? { tx_code: { input_mode: 'numeric', length: TX_CODE_LENGTH, description: txCodeDescription } } : {}),
        },
      },
    });
    return credentialOffer;
  }

  /** Token endpoint: redeems a pre-authorized code (and its transaction code) for an access token. */
  async token(slug: string, request: { body: unknown; headers: Headers; url: string; client: string }) {
    const organisation = await this.organisationForProtocol(slug, Oauth2ErrorCodes.InvalidRequest);
    const parsed = this.authorizationServer.parseAccessTokenRequest({
      request: { headers: request.headers, method: 'POST', url: request.url }, accessTokenRequest: request.body as never,
    });
    if (parsed.grant.grantType !== 'urn:ietf:params:oauth:grant-type:pre-authorized_code') {
      throw protocolError(Oauth2ErrorCodes.UnsupportedGrantType, 'This issuer only redeems pre-authorized codes (grant_type urn:ietf:params:oauth:grant-type:pre-authorized_code)');
    }
    const code = parsed.grant.preAuthorizedCode;
    const offer = await this.openOffer(code, request.client);
    if ((await this.issuerOf(offer))?.id !== organisation.id) {
      throw protocolError(Oauth2ErrorCodes.InvalidGrant, 'This pre-authorized code was issued by another credential issuer');
    }
    const given = parsed.grant.txCode;
    const txCodeMatches = given !== undefined && offer.txCodeHash !== null && safeEqual(txCodeHashOf(code, given), offer.txCodeHash);
    if (given !== undefined && offer.txCodeHash !== null) {
      try {
        await this.deps.wallets.checkTxCode(offer.id, txCodeMatches, request.client);
      } catch (error) {
        throw error instanceof AppError && error.code === 'too-many-attempts' ? tooManyAttempts(error) : error;
      }
    }
    await this.authorizationServer.verifyPreAuthorizedCodeAccessTokenRequest({
      grant: parsed.grant, accessTokenRequest: parsed.accessTokenRequest,
      request: { headers: request.headers, method: 'POST', url: request.url },
      authorizationServerMetadata: this.authorizationServerMetadata(organisation),
      expectedPreAuthorizedCode: code,
      // The library compares the codes; only the hash is stored, so it gets the given code when that one matches.
      expectedTxCode: offer.txCodeHash === null ? undefined : txCodeMatches ? given : `\u0000${offer.txCodeHash}`,
      preAuthorizedCodeExpiresAt: new Date(offer.expiresAt), now: this.deps.now(),
    });
    const accessToken = newSecret();
    const now = this.deps.now();
    const taken = await this.deps.repo.takeOffer(offer, {
      tokenHash: hashOf(accessToken), claimOfferId: offer.id, usedAt: null,
      expiresAt: new Date(now.getTime() + ACCESS_TOKEN_SECONDS * 1000).toISOString(),
    }, now.toISOString());
    if (!taken) throw protocolError(Oauth2ErrorCodes.InvalidGrant, 'This pre-authorized code has just been used');
    return { access_token: accessToken, token_type: 'Bearer', expires_in: ACCESS_TOKEN_SECONDS };
  }

  /** Nonce endpoint: a fresh c_nonce for the proofs of one credential request. */
  async nonce(slug: string) {
    await this.organisationForProtocol(slug, Oauth2ErrorCodes.InvalidRequest);
    const nonce = newSecret();
    const now = this.deps.now();
    await this.deps.repo.insertNonce(hashOf(nonce), new Date(now.getTime() + NONCE_SECONDS * 1000).toISOString(), now.toISOString());
    return this.issuer.createNonceResponse({ cNonce: nonce, cNonceExpiresIn: NONCE_SECONDS });
  }

  /** Credential endpoint: one copy of the offered credential per proof, each bound to the key that signed the proof. */
  async credential(slug: string, request: { authorization: string | undefined; body: unknown }) {
    const organisation = await this.organisationForProtocol(slug, Oauth2ErrorCodes.InvalidCredentialRequest);
    const bearer = /^Bearer ([A-Za-z0-9_-]{43})$/.exec(request.authorization ?? '')?.[1];
    if (!bearer) throw invalidToken('Send the access token from the token endpoint as "Authorization: Bearer <token>"');
    const found = await this.deps.repo.accessToken(hashOf(bearer));
    const now = this.deps.now();
    if (!found || found.token.usedAt || found.token.expiresAt <= now.toISOString() || !found.offer.document) {
      throw invalidToken(found?.token.usedAt ? 'This access token was used already: its credential was delivered' : 'The access token is unknown or expired; redeem the credential offer again');
    }
    const { token, offer } = found;
    if ((await this.issuerOf(offer))?.id !== organisation.id) throw invalidToken('This access token was issued by another credential issuer');

    const issuerMetadata = this.issuerMetadata(organisation);
    const requested = isObject(request.body) ? request.body.credential_configuration_id : undefined;
    if (typeof requested === 'string' && !configurationOf(requested)) {
      throw protocolError(Oauth2ErrorCodes.UnknownCredentialConfiguration, `No credential configuration "${requested}"; the credential issuer metadata lists them`);
    }
    const parsed = this.issuer.parseCredentialRequest({ issuerMetadata, credentialRequest: request.body as never });
    const unsigned = unsignedCredentialOf(offer);
    const offered = configurationIdsFor(typesOf(unsigned));
    if (!parsed.credentialConfigurationId) {
      throw protocolError(Oauth2ErrorCodes.InvalidCredentialRequest, `Name the credential with credential_configuration_id (one of ${offered.join(', ')})`);
    }
    if (!offered.includes(parsed.credentialConfigurationId)) {
      throw protocolError(Oauth2ErrorCodes.InvalidCredentialRequest, `This access token is for ${offered.join(' or ')}, not ${parsed.credentialConfigurationId}`);
    }
    const proofs = parsed.proofs?.jwt;
    if (!proofs || proofs.length === 0) throw protocolError(Oauth2ErrorCodes.InvalidProof, 'Prove possession of your key: proofs.jwt, each a JWT of type openid4vci-proof+jwt');
    if (proofs.length > BATCH_SIZE) throw protocolError(Oauth2ErrorCodes.InvalidCredentialRequest, `At most ${BATCH_SIZE} proofs in one request (batch_size)`);

    const nonce = this.commonNonce(proofs);
    const keys: HolderKey[] = [];
    for (const jwt of proofs) keys.push(await this.verifiedProof(issuerMetadata, jwt, nonce, now));
    if (!await this.deps.repo.consumeNonce(hashOf(nonce), now.toISOString())) {
      throw protocolError(Oauth2ErrorCodes.InvalidNonce, 'The c_nonce in the proof is unknown, expired or already used; get a fresh one from the nonce endpoint');
    }

    const { format } = configurationOf(parsed.credentialConfigurationId)!;
    for (let attempt = 1; ; attempt++) {
      const reservations: StatusReservation[] = [];
      try {
        const delivered = [];
        const deliveries: Oid4vciDelivery[] = [];
        const entries: StatusEntry[] = [];
        for (const key of keys) {
          const copy = format === SD_JWT_VC_FORMAT
            ? await this.sdJwtVcFor(organisation, offer, unsigned, key, now, reservations, entries)
            : await this.secureFor(organisation, offer, boundTo(unsigned, key), format, now);
          const text = typeof copy === 'string' ? copy : JSON.stringify(copy);
          delivered.push({ credential: copy });
          deliveries.push({
            id: crypto.randomUUID(), credentialId: offer.credentialId, format, holderKeyThumbprint: key.thumbprint,
            sha256: crypto.createHash('sha256').update(text).digest('hex'), deliveredAt: now.toISOString(),
          });
        }
        if (!await this.deps.repo.deliver(token.tokenHash, offer.id, deliveries, entries, now.toISOString())) {
          throw invalidToken('This access token was used already: its credential was delivered');
        }
        return this.issuer.createCredentialResponse({ credentialRequest: parsed, credentials: delivered as never });
      } catch (error) {
        // Two instances picked the same random status index at once: a retry picks another.
        if (!(error instanceof IndexTakenError) || attempt >= MAX_INDEX_ATTEMPTS) throw error;
      } finally {
        this.deps.issueDeps.statusLists.release(reservations);
      }
    }
  }

  /** An unknown organisation in a protocol address: the protocol's error, not a problem document. */
  private async organisationForProtocol(slug: string, error: string): Promise<Organisation> {
    const organisation = await this.deps.organisations.bySlug(slug);
    if (!organisation) throw protocolError(error, `No credential issuer at /orgs/${slug}`, 404);
    return organisation;
  }

  /** The claim offer behind a pre-authorized code; the claim link's answers (unknown, used, expired) as invalid_grant. */
  private async openOffer(code: string, client: string): Promise<ClaimOffer> {
    try {
      return await this.deps.wallets.openClaimOffer(code, client);
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      if (error.code === 'too-many-attempts') throw tooManyAttempts(error);
      const why = error.code === 'claim-used' ? 'This pre-authorized code (claim link) was used already'
        : error.code === 'claim-expired' ? `This pre-authorized code expired on ${String(error.extra.expiresAt)}; ask the issuer for a new claim link`
          : 'Unknown pre-authorized code';
      throw protocolError(Oauth2ErrorCodes.InvalidGrant, why);
    }
  }

  /** Every proof of one request carries the same c_nonce (OID4VCI 1.0 §7.2.1: one nonce per request). */
  private commonNonce(proofs: string[]): string {
    const nonces = new Set(proofs.map((jwt) => {
      try {
        return decodeJwt(jwt).nonce;
      } catch {
        throw protocolError(Oauth2ErrorCodes.InvalidProof, 'A proof is not a JWT');
      }
    }));
    const [nonce] = nonces;
    if (nonces.size !== 1 || typeof nonce !== 'string') {
      throw protocolError(Oauth2ErrorCodes.InvalidNonce, 'Every proof must carry the c_nonce from the nonce endpoint (the same one)');
    }
    return nonce;
  }

  private async verifiedProof(issuerMetadata: IssuerMetadataResult, jwt: string, nonce: string, now: Date): Promise<HolderKey> {
    try {
      const { signer } = await this.issuer.verifyCredentialRequestJwtProof({ issuerMetadata, jwt, expectedNonce: nonce, now });
      return await holderKeyOf(signer as Parameters<typeof holderKeyOf>[0]);
    } catch (error) {
      const cause = (error as { cause?: { cause?: unknown } }).cause?.cause;
      if (cause instanceof HolderKeyError) throw protocolError(Oauth2ErrorCodes.InvalidProof, `The proof's key: ${cause.message}`);
      if (error instanceof Oauth2ServerErrorResponseError) throw error;
      throw protocolError(Oauth2ErrorCodes.InvalidProof, `The proof could not be checked (header ${JSON.stringify(safeHeader(jwt))})`);
    }
  }

  /**
   * The credential as an SD-JWT VC bound to the holder's key (cnf.jwk). Its status claim points at a Token Status
   * List entry of its own, recorded under the same credential id in the state the credential's status is in now, so
   * that POST /credentials/status changes it with the others.
   */
  private async sdJwtVcFor(organisation: Organisation, offer: ClaimOffer, unsigned: JsonObject, key: HolderKey, now: Date,
    reservations: StatusReservation[], entries: StatusEntry[]): Promise<string> {
    const { statusLists } = this.deps.issueDeps;
    const current = await this.deps.credentials.statusEntriesOf(offer.credentialId);
    const reserved = current.length === 0 ? [] : await statusLists.reserveTokenStatus(organisation);
    reservations.push(...reserved);
    for (const r of reserved) {
      const isSet = current.some((entry) => entry.purpose === r.purpose && entry.isSet);
      entries.push({ listId: r.listId, statusIndex: r.statusIndex, credentialId: offer.credentialId, purpose: r.purpose, isSet, updatedAt: now.toISOString() });
    }
    const { credentialStatus: _bitstringEntries, ...credential } = structuredClone(unsigned);
    const issued = await signPreparedSdJwtVc(this.deps.issueDeps, organisation, credential, reserved, { holderJwk: key.jwk as JsonObject }, await sdJwtVcKeyAlgorithm(this.deps.issueDeps, organisation), now);
    return issued.jwt!;
  }

  /** The credential secured in the requested format: Data Integrity as it was issued (ldp_vc), or as a JWT. */
  private async secureFor(organisation: Organisation, offer: ClaimOffer, credential: JsonObject, format: WalletFormat, now: Date): Promise<JsonObject | string> {
    const suite: DataIntegrityFormat = (dataIntegrityFormats as string[]).includes(offer.format) ? offer.format as DataIntegrityFormat : 'eddsa-rdfc-2022';
    const issued = await signPreparedCredential(this.deps.issueDeps, organisation, credential, format === 'ldp_vc' ? suite : 'vc+jwt', now);
    return format === 'ldp_vc' ? issued.verifiableCredential : issued.jwt!;
  }
}

/** The credential of a claim offer without its securing: the Data Integrity document minus its proof, or the JWT's payload. */
function unsignedCredentialOf(offer: ClaimOffer): JsonObject {
  if (offer.jwt) return decodeJwt(offer.jwt) as JsonObject;
  const { proof: _proof, ...credential } = structuredClone(offer.document ?? {});
  return credential;
}

/** The credential naming the holder's DID as its subject; a credential already naming another subject is refused. */
function boundTo(unsigned: JsonObject, key: HolderKey): JsonObject {
  const credential = structuredClone(unsigned);
  const subject = credential.credentialSubject;
  if (!isObject(subject)) throw protocolError(Oauth2ErrorCodes.CredentialRequestDenied, 'This credential has several subjects and cannot be bound to one holder key');
  if (typeof subject.id === 'string' && subject.id !== key.did) {
    throw protocolError(Oauth2ErrorCodes.InvalidProof, `This credential is for ${subject.id}: sign the proof with that DID's key`);
  }
  subject.id = key.did;
  return credential;
}

function typesOf(credential: JsonObject): string[] {
  return (Array.isArray(credential.type) ? credential.type : [credential.type]).filter((t): t is string => typeof t === 'string');
}

function safeEqual(a: string, b: string): boolean {
  return a.length === b.length && crypto.timingSafeEqual(Buffer.from(a), Buffer.from(b));
}

function safeHeader(jwt: string): unknown {
  try {
    const { alg, typ, kid } = decodeProtectedHeader(jwt);
    return { alg, typ, kid };
  } catch {
    return 'unreadable';
  }
}

/** Over the claim links' failed-attempt budget: 429 with the wait, in the token endpoint's error format. */
function tooManyAttempts(error: AppError): Oauth2ServerErrorResponseError {
  const failure = protocolError(Oauth2ErrorCodes.InvalidGrant, error.detail, 429);
  (failure as Oauth2ServerErrorResponseError & { retryAfterSeconds?: unknown }).retryAfterSeconds = error.extra.retryAfterSeconds;
  return failure;
}
