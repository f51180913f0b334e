/**
 * A wallet app, simulated by hand for OpenID4VP 1.0 tests with node:crypto and jose only (not @openid4vc, which the
 * service uses: a misreading shared by both sides would then pass). It reads an openid4vp:// link, fetches and checks
 * the signed request object, signs presentations with its own did:key (a Data Integrity eddsa-jcs-2022 proof written
 * here, or a VC 1.1 JWT presentation), and answers at response_uri with direct_post or an encrypted direct_post.jwt.
 */
import crypto from 'node:crypto';
import { CompactEncrypt, importJWK, importX509, jwtVerify, SignJWT, type JWK } from 'jose';
import type { FastifyInstance } from 'fastify';
import { base58btc, fromBase58btc } from './base58.js';

type Json = Record<string, any>;

/** RFC 8785 JSON canonicalisation for the JSON these tests sign (strings, integers, booleans, objects, arrays). */
export function jcs(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(jcs).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.keys(value).sort().map((key) => `${JSON.stringify(key)}:${jcs((value as Json)[key])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

const sha256 = (text: string) => crypto.createHash('sha256').update(text).digest();

/** The Ed25519 public key a did:key names (multicodec 0xed01 after the base58btc multibase prefix z). */
export function publicJwkOfDidKey(did: string): JWK {
  const bytes = fromBase58btc(did.replace(/^did:key:z/, '').split('#')[0]!);
  if (bytes[0] !== 0xed || bytes[1] !== 0x01) throw new Error(`not an Ed25519 did:key: ${did}`);
  return { kty: 'OKP', crv: 'Ed25519', x: bytes.subarray(2).toString('base64url') };
}

export interface WalletRequest {
  clientId: string;
  payload: Json;
  /** The signed request object, when the request came by reference: signed by a DID, or by a certificate's DNS name. */
  requestObject?: { header: Json; signedBy: string };
}

export class SimulatedWallet {
  readonly did: string;
  readonly kid: string;
  /** The wallet's public key, for an issuer to bind an SD-JWT VC to (cnf.jwk). */
  readonly publicJwk: JWK;
  private readonly privateKey: crypto.KeyObject;

  constructor(private readonly app: FastifyInstance) {
    const { publicKey, privateKey } = crypto.generateKeyPairSync('ed25519');
    const raw = Buffer.from(publicKey.export({ format: 'jwk' }).x!, 'base64url');
    const multibase = `z${base58btc(Buffer.concat([Buffer.from([0xed, 0x01]), raw]))}`;
    this.did = `did:key:${multibase}`;
    this.kid = `${this.did}#${multibase}`;
    this.privateKey = privateKey;
    this.publicJwk = publicKey.export({ format: 'jwk' }) as JWK;
  }

  /**
   * Reads an openid4vp:// link: by reference, fetches the request object and checks who signed it (typ
   * oauth-authz-req+jwt, the same client_id inside and out): the verifier's DID (decentralized_identifier), or a
   * certificate naming the client identifier's DNS name, which is also the response_uri's host (x509_san_dns; the
   * chain's trust is the wallet's own policy, not checked here); by value, reads the parameters.
   */
  async open(link: string): Promise<WalletRequest> {
    const url = new URL(link);
    if (url.protocol !== 'openid4vp:') throw new Error(`not an openid4vp link: ${link}`);
    const clientId = url.searchParams.get('client_id')!;
    const requestUri = url.searchParams.get('request_uri');
    if (!requestUri) {
      const payload: Json = Object.fromEntries(url.searchParams);
      for (const key of ['dcql_query', 'client_metadata']) if (payload[key]) payload[key] = JSON.parse(payload[key]);
      return { clientId, payload };
    }
    const response = await this.app.inject({ method: 'GET', url: new URL(requestUri).pathname, headers: { accept: 'application/oauth-authz-req+jwt' } });
    if (response.statusCode !== 200) throw Object.assign(new Error(`request_uri answered ${response.statusCode}`), { response });
    if (!String(response.headers['content-type']).startsWith('application/oauth-authz-req+jwt')) throw new Error('request object content type');
    const [encodedHeader] = response.body.split('.');
    const header = JSON.parse(Buffer.from(encodedHeader!, 'base64url').toString('utf8')) as Json;
    let signedBy: string;
    let key;
    if (Array.isArray(header.x5c)) {
      const leaf = new crypto.X509Certificate(Buffer.from(header.x5c[0], 'base64'));
      const dnsNames = (leaf.subjectAltName ?? '').split(', ').filter((n) => n.startsWith('DNS:')).map((n) => n.slice(4));
      signedBy = clientId.replace(/^x509_san_dns:/, '');
      if (!clientId.startsWith('x509_san_dns:') || !dnsNames.includes(signedBy)) throw new Error(`client_id ${clientId} is not named by the certificate (${dnsNames.join(', ')})`);
      key = await importX509(leaf.toString(), String(header.alg));
    } else {
      signedBy = String(header.kid).split('#')[0]!;
      if (clientId !== `decentralized_identifier:${signedBy}`) throw new Error(`client_id ${clientId} is not the signer ${signedBy}`);
      key = await importJWK(publicJwkOfDidKey(signedBy), 'EdDSA');
    }
    const { payload } = await jwtVerify(response.body, key, { typ: 'oauth-authz-req+jwt' });
    if (payload.client_id !== clientId) throw new Error('client_id inside the request object differs');
    if (Array.isArray(header.x5c) && new URL(String(payload.response_uri)).hostname !== signedBy) throw new Error('response_uri is not on the certificate\'s host');
    return { clientId, payload: payload as Json, requestObject: { header, signedBy } };
  }

  /** A verifiable presentation with this wallet's eddsa-jcs-2022 Data Integrity proof (challenge and domain bound). */
  dataIntegrityPresentation(credentials: Json[], binding: { challenge: string; domain: string }): Json {
    const presentation = {
      '@context': ['https://www.w3.org/ns/credentials/v2'], type: ['VerifiablePresentation'], holder: this.did, verifiableCredential: credentials,
    };
    const proofOptions = {
      type: 'DataIntegrityProof', cryptosuite: 'eddsa-jcs-2022', created: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
      verificationMethod: this.kid, proofPurpose: 'authentication', challenge: binding.challenge, domain: binding.domain,
      // The proof carries the document's @context, and is hashed with it (eddsa-jcs-2022, "Create Proof", step 2).
      '@context': presentation['@context'],
    };
    const hashData = Buffer.concat([sha256(jcs(proofOptions)), sha256(jcs(presentation))]);
    const signature = crypto.sign(null, hashData, this.privateKey);
    return { ...presentation, proof: { ...proofOptions, proofValue: `z${base58btc(signature)}` } };
  }

  /** A VC 1.1 JWT presentation (jwt_vc_json): `vp` claim, nonce, audience the client_id. */
  jwtPresentation(credentialJwts: string[], binding: { nonce: string; audience: string }): Promise<string> {
    return new SignJWT({
      nonce: binding.nonce,
      vp: { '@context': ['https://www.w3.org/2018/credentials/v1'], type: ['VerifiablePresentation'], verifiableCredential: credentialJwts },
    }).setProtectedHeader({ alg: 'EdDSA', typ: 'JWT', kid: this.kid }).setIssuer(this.did).setAudience(binding.audience).setIssuedAt()
      .sign(this.privateKey);
  }

  /**
   * An SD-JWT VC as the holder shows it: the issuer-signed JWT, only the disclosures `keep` chooses (each decoded to
   * [salt, name, value] or [salt, value]), and a key binding JWT over them for this request (RFC 9901, section 4.3).
   */
  async sdJwtPresentation(sdJwt: string, keep: (disclosure: unknown[]) => boolean, binding: { nonce: string; audience: string }): Promise<string> {
    const [issuerJwt, ...disclosures] = sdJwt.split('~').slice(0, -1);
    const chosen = disclosures.filter((d) => keep(JSON.parse(Buffer.from(d, 'base64url').toString('utf8')) as unknown[]));
    const presented = `${issuerJwt}~${chosen.map((d) => `${d}~`).join('')}`;
    const sdHash = crypto.createHash('sha256').update(presented, 'ascii').digest('base64url');
    const keyBinding = await new SignJWT({ nonce: binding.nonce, aud: binding.audience, sd_hash: sdHash })
      .setProtectedHeader({ alg: 'EdDSA', typ: 'kb+jwt' }).setIssuedAt().sign(this.privateKey);
    return `${presented}${keyBinding}`;
  }

  /** Posts the answer to response_uri: form-encoded vp_token and state, or encrypted to the verifier's key (direct_post.jwt). */
  async answer(request: WalletRequest, parameters: Json) {
    const { payload } = request;
    const body = { ...parameters, state: parameters.state ?? payload.state };
    let form: URLSearchParams;
    if (payload.response_mode === 'direct_post.jwt') {
      const jwk = payload.client_metadata.jwks.keys[0] as JWK;
      const enc = payload.client_metadata.encrypted_response_enc_values_supported?.[0] ?? 'A128GCM';
      const jwe = await new CompactEncrypt(new TextEncoder().encode(JSON.stringify(body)))
        .setProtectedHeader({ alg: 'ECDH-ES', enc, kid: jwk.kid! }).encrypt(await importJWK(jwk, 'ECDH-ES'));
      form = new URLSearchParams({ response: jwe });
    } else {
      form = new URLSearchParams(Object.entries(body).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]));
    }
    return this.app.inject({
      method: 'POST', url: new URL(payload.response_uri).pathname,
      headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: form.toString(),
    });
  }
}
