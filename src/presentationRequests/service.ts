/**
 * Presentation requests to wallet apps (OpenID for Verifiable Presentations 1.0, final): the employer's request, the
 * signed request object the wallet fetches, and the wallet's direct_post answer, verified and kept for the employer's
 * page. The protocol plumbing (request payload and its checks, JAR, response parsing and decryption flow) is the
 * OpenWallet Foundation's @openid4vc/openid4vp; this file is the glue to this service's keys, storage and verifier.
 */
import crypto from 'node:crypto';
import { CompactSign, compactDecrypt, exportJWK, generateKeyPair, importJWK, type JWK } from 'jose';
import { createOpenid4vpAuthorizationRequest, parseOpenid4vpAuthorizationResponse } from '@openid4vc/openid4vp';
import { setGlobalConfig, type CallbackContext } from '@openid4vc/oauth2';
import type { PresentationRequestRecord, PresentationRequestRepository } from '../db/repositories/presentationRequests.js';
import type { SharePresenter } from '../wallet/presenter.js';
import type { DocumentLoader } from '../credentials/documentLoader.js';
import type { VerifyDeps } from '../credentials/verify.js';
import { badRequest, notFound } from '../errors.js';
import { hashOf, newSecret } from '../wallet/secrets.js';
import type { DcqlQuery } from './dcql.js';
import type { PresetChoice } from './presets.js';
import { verifyAnswer, type Outcome } from './verifyAnswer.js';
import { ProtocolError } from './protocolError.js';
import type { X509RequestSigner } from './x509Signer.js';
import { JWS_ALGS } from '../credentials/issue.js';

/** How the request names the verifier (OpenID4VP 1.0, section 5.9.3). */
export type ClientIdPrefix = 'decentralized_identifier' | 'x509_san_dns' | 'redirect_uri';
export const CLIENT_ID_PREFIXES: ClientIdPrefix[] = ['decentralized_identifier', 'x509_san_dns', 'redirect_uri'];
export type ResponseMode = 'direct_post' | 'direct_post.jwt';
export const RESPONSE_MODES: ResponseMode[] = ['direct_post', 'direct_post.jwt'];

/**
 * 10 minutes to scan the code, choose the credential in the wallet and consent; the nonce dies with it. The answer
 * stays readable by the employer for a day after that, then the row (with the presented credentials) is deleted.
 */
export const REQUEST_LIFETIME_SECONDS = 10 * 60;
export const RESULT_KEPT_MS = 24 * 3600 * 1000;

/**
 * Requests one client address may create in 15 minutes: each is a row an anonymous client makes the database keep
 * for a day. 60 is an employer interviewing all morning several times over; a script filling the table is not.
 */
export const CREATIONS_PER_ADDRESS = { maxFailures: 60, windowMs: 15 * 60_000 };

/** The Data Integrity cryptosuites this service verifies a holder's proof with (EdDSA and ECDSA P-256). */
const PRESENTATION_CRYPTOSUITES = ['eddsa-rdfc-2022', 'eddsa-jcs-2022', 'ecdsa-rdfc-2019', 'ecdsa-jcs-2019'];

/** The JWE content encryption the verifier accepts for direct_post.jwt (section 8.3; A128GCM is the default). */
const RESPONSE_ENCRYPTION = ['A128GCM', 'A256GCM'];

export interface PresentationRequestDeps {
  repo: PresentationRequestRepository;
  /** The service's own did:key signs request objects (decentralized_identifier prefix). */
  presenter: SharePresenter;
  /** The configured certificate (x509_san_dns prefix), when there is one. */
  x509?: X509RequestSigner;
  verifyDeps: VerifyDeps;
  documentLoader: DocumentLoader;
  baseUrl: string;
  now: () => Date;
}

export interface CreatedRequest {
  id: string;
  /** The secret part of the employer's result page address. */
  viewToken: string;
  /** openid4vp://?client_id=...&request_uri=... (or the whole request, by value, for redirect_uri). */
  authorizationRequest: string;
  expiresAt: string;
}

export type RequestState = 'pending' | 'answered' | 'expired';

export class PresentationRequestService {
  constructor(private readonly deps: PresentationRequestDeps) {
    // Local use (http://localhost) needs http URLs in requests; the library refuses them unless told otherwise.
    if (deps.baseUrl.startsWith('http://')) setGlobalConfig({ allowInsecureUrls: true });
  }

  /** Who the service says it is when nothing is asked: its certificate when configured, else its did:key. */
  get defaultClientIdPrefix(): ClientIdPrefix {
    return this.deps.x509 ? 'x509_san_dns' : 'decentralized_identifier';
  }

  /** The client identifier and the signer of the request object (none: an unsigned request sent by value). */
  private async requestSigner(prefix: ClientIdPrefix, id: string) {
    if (prefix === 'redirect_uri') return { clientId: `redirect_uri:${this.responseUri(id)}`, signer: undefined };
    if (prefix === 'x509_san_dns') {
      const x509 = this.deps.x509;
      if (!x509) throw badRequest('x509-not-configured', 'This service has no certificate for x509_san_dns (PASSERELLE_OID4VP_X509_CERT); use decentralized_identifier');
      return { clientId: `x509_san_dns:${x509.dnsName}`, signer: { jwtSigner: { method: 'x5c' as const, x5c: x509.x5c, alg: x509.alg }, privateKey: x509.privateKey } };
    }
    const key = await this.deps.presenter.jwtKey();
    return { clientId: `decentralized_identifier:${key.did}`, signer: { jwtSigner: { method: 'did' as const, didUrl: key.kid, alg: 'EdDSA' }, privateKey: key.privateKey } };
  }

  private requestUri = (id: string) => `${this.deps.baseUrl}/oid4vp/requests/${id}`;
  private responseUri = (id: string) => `${this.deps.baseUrl}/oid4vp/requests/${id}/response`;

  async create(options: { dcqlQuery: DcqlQuery; preset?: PresetChoice; framework: string; clientIdPrefix: ClientIdPrefix; responseMode: ResponseMode }): Promise<CreatedRequest> {
    const now = this.deps.now();
    await this.deps.repo.deleteExpired(new Date(now.getTime() - RESULT_KEPT_MS).toISOString());
    const id = newSecret();
    const viewToken = newSecret();
    const expiresAt = new Date(now.getTime() + REQUEST_LIFETIME_SECONDS * 1000);
    const { clientId, signer } = await this.requestSigner(options.clientIdPrefix, id);
    const responseKey = options.responseMode === 'direct_post.jwt' ? await newResponseKey() : undefined;
    const payload = {
      response_type: 'vp_token' as const, client_id: clientId, response_mode: options.responseMode, response_uri: this.responseUri(id),
      nonce: newSecret(), state: newSecret(), dcql_query: options.dcqlQuery,
      client_metadata: {
        vp_formats_supported: {
          ldp_vc: { proof_type_values: ['DataIntegrityProof'] as [string], cryptosuite_values: [...PRESENTATION_CRYPTOSUITES] as [string, ...string[]] },
          jwt_vc_json: { alg_values: [...JWS_ALGS] as [string, ...string[]] },
          'dc+sd-jwt': { 'sd-jwt_alg_values': [...JWS_ALGS] as [string, ...string[]], 'kb-jwt_alg_values': [...JWS_ALGS] as [string, ...string[]] },
        },
        ...(responseKey ? { jwks: { keys: [responseKey.publicJwk] }, encrypted_response_enc_values_supported: RESPONSE_ENCRYPTION } : {}),
      },
    };
    const created = await createOpenid4vpAuthorizationRequest({
      authorizationRequestPayload: payload,
      ...(signer ? {
        jar: {
          requestUri: this.requestUri(id), expiresInSeconds: REQUEST_LIFETIME_SECONDS,
          jwtSigner: signer.jwtSigner,
          // Static discovery: the wallet's own issuer is not known, so the audience is the one the spec gives (5.8).
          additionalJwtPayload: { aud: 'https://self-issued.me/v2' },
        },
      } : {}),
      callbacks: { signJwt: signWith(signer?.privateKey), encryptJwe: unsupported('encryptJwe') },
      now,
    });
    await this.deps.repo.insert({
      id, viewTokenHash: hashOf(viewToken), clientId, nonce: payload.nonce, state: payload.state,
      dcqlQuery: options.dcqlQuery as unknown as Record<string, unknown>, preset: options.preset ?? null, framework: options.framework,
      responseMode: options.responseMode, requestObject: created.jar?.authorizationRequestJwt ?? null,
      responseKey: responseKey ? responseKey.privateJwk : null,
      createdAt: now.toISOString(), expiresAt: expiresAt.toISOString(), answeredAt: null, outcome: null,
    });
    return { id, viewToken, authorizationRequest: created.authorizationRequest, expiresAt: expiresAt.toISOString() };
  }

  /** The signed request object a wallet fetches at request_uri (once per wallet; it is the same for every fetch). */
  async requestObject(id: string): Promise<string> {
    const record = await this.deps.repo.byId(id);
    if (!record?.requestObject) throw new ProtocolError('invalid_request_uri', 'No presentation request has this address', 404);
    if (this.stateOf(record) !== 'pending') throw new ProtocolError('invalid_request_uri', `This presentation request is ${this.stateOf(record)}; ask the verifier for a new one`, 410);
    return record.requestObject;
  }

  /** The wallet's answer at response_uri: verified, recorded once; a second answer (a replay) is refused. */
  async receive(id: string, body: Record<string, unknown>): Promise<void> {
    const record = await this.deps.repo.byId(id);
    if (!record) throw new ProtocolError('invalid_request', 'No presentation request has this response address', 404);
    const state = this.stateOf(record);
    if (state === 'answered') throw new ProtocolError('invalid_request', 'This presentation request has been answered already; a response is accepted once');
    if (state === 'expired') throw new ProtocolError('invalid_request', `This presentation request expired at ${record.expiresAt}`);
    const request = requestPayloadOf(record);
    let outcome: Outcome;
    if (typeof body.error === 'string') {
      // The wallet (or the person) declined: recorded so the employer's page says so instead of waiting.
      if (body.state !== record.state) throw new ProtocolError('invalid_request', 'The state does not match the request');
      outcome = { declined: { error: body.error.slice(0, 100), ...(typeof body.error_description === 'string' ? { description: body.error_description.slice(0, 500) } : {}) } };
    } else {
      let parsed;
      try {
        parsed = await parseOpenid4vpAuthorizationResponse({
          authorizationResponse: body, authorizationRequestPayload: request,
          callbacks: { decryptJwe: decryptWith(record.responseKey), verifyJwt: unsupported('verifyJwt') },
        });
      } catch (error) {
        throw new ProtocolError('invalid_request', `The response cannot be read: ${(error as Error).message}`);
      }
      if (parsed.type !== 'dcql') throw new ProtocolError('invalid_request', 'The response must answer the DCQL query (vp_token as an object of credential query ids)');
      if (parsed.authorizationResponsePayload.state !== record.state && parsed.jarm?.jarmAuthorizationResponse.state !== record.state) {
        throw new ProtocolError('invalid_request', 'The state does not match the request');
      }
      outcome = await verifyAnswer({ verifyDeps: this.deps.verifyDeps, documentLoader: this.deps.documentLoader }, {
        query: record.dcqlQuery as unknown as DcqlQuery, presentations: parsed.dcql.presentations, nonce: record.nonce, clientId: record.clientId,
      });
    }
    if (!await this.deps.repo.answer(record.id, this.deps.now().toISOString(), outcome as unknown as Record<string, unknown>)) {
      throw new ProtocolError('invalid_request', 'This presentation request has been answered already; a response is accepted once');
    }
  }

  /** The employer's view of a request, by the secret of its page address. */
  async byViewToken(viewToken: string): Promise<{ record: PresentationRequestRecord; state: RequestState; outcome: Outcome | undefined }> {
    const record = await this.deps.repo.byViewTokenHash(hashOf(viewToken));
    if (!record) throw notFound('unknown-presentation-request', 'No presentation request has this address; it may have been deleted a day after it expired');
    return { record, state: this.stateOf(record), outcome: (record.outcome ?? undefined) as Outcome | undefined };
  }

  /** The openid4vp:// link again (the page shows it while waiting): for a signed request, a reference to its object. */
  authorizationRequestOf(record: PresentationRequestRecord): string {
    const params = record.requestObject
      ? { client_id: record.clientId, request_uri: this.requestUri(record.id) }
      : Object.fromEntries(Object.entries(requestPayloadOf(record)).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]));
    return `openid4vp://?${new URLSearchParams(params).toString()}`;
  }

  stateOf(record: PresentationRequestRecord): RequestState {
    if (record.answeredAt) return 'answered';
    return this.deps.now() >= new Date(record.expiresAt) ? 'expired' : 'pending';
  }
}

/** The request as the wallet saw it, rebuilt from the row (what the response is checked against). */
function requestPayloadOf(record: PresentationRequestRecord) {
  const responseUri = record.clientId.startsWith('redirect_uri:') ? record.clientId.slice('redirect_uri:'.length) : undefined;
  const fromObject = record.requestObject ? JSON.parse(Buffer.from(record.requestObject.split('.')[1]!, 'base64url').toString('utf8')) as Record<string, unknown> : undefined;
  return {
    response_type: 'vp_token' as const, client_id: record.clientId, nonce: record.nonce, state: record.state,
    response_mode: record.responseMode as ResponseMode, response_uri: (fromObject?.response_uri as string | undefined) ?? responseUri!,
    dcql_query: record.dcqlQuery, ...(fromObject?.client_metadata ? { client_metadata: fromObject.client_metadata as Record<string, unknown> } : {}),
  };
}

async function newResponseKey(): Promise<{ publicJwk: JWK & { kty: string }; privateJwk: JWK }> {
  const { publicKey, privateKey } = await generateKeyPair('ECDH-ES', { crv: 'P-256', extractable: true });
  const kid = crypto.randomUUID();
  const meta = { kid, use: 'enc', alg: 'ECDH-ES' };
  return { publicJwk: { kty: 'EC', ...await exportJWK(publicKey), ...meta }, privateJwk: { ...await exportJWK(privateKey), ...meta } };
}

function signWith(privateKey: crypto.KeyObject | undefined): CallbackContext['signJwt'] {
  return async (_signer, { header, payload }) => {
    if (!privateKey) throw new Error('an unsigned request is sent by value');
    const jwt = await new CompactSign(new TextEncoder().encode(JSON.stringify(payload))).setProtectedHeader(header as { alg: string }).sign(privateKey);
    return { jwt, signerJwk: crypto.createPublicKey(privateKey).export({ format: 'jwk' }) as { kty: string } };
  };
}

function decryptWith(privateJwk: Record<string, unknown> | null): CallbackContext['decryptJwe'] {
  return async (jwe) => {
    if (!privateJwk) return { decrypted: false };
    try {
      const key = await importJWK(privateJwk as JWK, 'ECDH-ES');
      const { plaintext } = await compactDecrypt(jwe, key, { contentEncryptionAlgorithms: RESPONSE_ENCRYPTION, keyManagementAlgorithms: ['ECDH-ES'] });
      const { d: _private, ...publicJwk } = privateJwk;
      return { decrypted: true, decryptionJwk: publicJwk as { kty: string }, payload: new TextDecoder().decode(plaintext) };
    } catch {
      return { decrypted: false };
    }
  };
}

const unsupported = (name: string) => () => { throw new Error(`${name} is not used by this verifier`); };

