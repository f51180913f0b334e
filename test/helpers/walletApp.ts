/**
 * A wallet app for tests, written by hand with fetch and jose (not with @openid4vc, which the issuer uses), so that a
 * misreading of OpenID4VCI 1.0 shared by the issuer and its library cannot pass: it reads the spec's messages as the
 * spec writes them. It holds one key (Ed25519 or P-256) and names it as a did:key, a did:jwk or a bare jwk.
 */
import { exportJWK, generateKeyPair, SignJWT, type JWK, type CryptoKey } from 'jose';
import { base58btc } from './base58.js';

type Json = Record<string, any>;
export type Binding = 'did:key' | 'did:jwk' | 'jwk';

/** did:key of a public JWK (W3C did:key 0.7): multicodec ed25519-pub 0xed01, or p256-pub 0x1200 with the compressed point. */
function didKeyOf(jwk: JWK): string {
  const x = Buffer.from(jwk.x!, 'base64url');
  if (jwk.kty === 'OKP') return `did:key:z${base58btc(Buffer.concat([Buffer.from([0xed, 0x01]), x]))}`;
  const y = Buffer.from(jwk.y!, 'base64url');
  return `did:key:z${base58btc(Buffer.concat([Buffer.from([0x80, 0x24, 0x02 + (y[y.length - 1]! & 1)]), x]))}`;
}

export class WalletApp {
  private constructor(
    readonly alg: 'ES256' | 'EdDSA', readonly binding: Binding, private readonly privateKey: CryptoKey,
    readonly publicJwk: JWK, readonly did: string,
  ) {}

  static async create(alg: 'ES256' | 'EdDSA' = 'ES256', binding: Binding = 'did:key'): Promise<WalletApp> {
    const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
    const { kty, crv, x, y } = await exportJWK(publicKey);
    const publicJwk: JWK = kty === 'EC' ? { crv, kty, x, y } : { crv, kty, x };
    const did = binding === 'did:key' ? didKeyOf(publicJwk) : `did:jwk:${Buffer.from(JSON.stringify(publicJwk)).toString('base64url')}`;
    return new WalletApp(alg, binding, privateKey, publicJwk, did);
  }

  /** The credential offer in an openid-credential-offer:// link (passed by value, §4.1.1). */
  static offerOf(link: string): Json {
    const url = new URL(link);
    if (url.protocol !== 'openid-credential-offer:') throw new Error(`not a credential offer link: ${link}`);
    return JSON.parse(url.searchParams.get('credential_offer')!) as Json;
  }

  /** Metadata of an issuer or authorization server: /.well-known/<name> inserted before the issuer's path (§12.2.2, RFC 8414 §3). */
  static async wellKnown(issuer: string, name: 'openid-credential-issuer' | 'oauth-authorization-server'): Promise<Json> {
    const url = new URL(issuer);
    const response = await fetch(`${url.origin}/.well-known/${name}${url.pathname.replace(/\/$/, '')}`);
    if (response.status !== 200) throw new Error(`${name} metadata: ${response.status}`);
    return await response.json() as Json;
  }

  /** Token request with the pre-authorized code grant (§6.1), form-encoded. */
  static async token(tokenEndpoint: string, preAuthorizedCode: string, txCode?: string): Promise<{ status: number; body: Json; headers: Headers }> {
    const form = new URLSearchParams({ grant_type: 'urn:ietf:params:oauth:grant-type:pre-authorized_code', 'pre-authorized_code': preAuthorizedCode });
    if (txCode !== undefined) form.set('tx_code', txCode);
    const response = await fetch(tokenEndpoint, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form.toString() });
    return { status: response.status, body: await response.json() as Json, headers: response.headers };
  }

  static async nonce(nonceEndpoint: string): Promise<string> {
    const response = await fetch(nonceEndpoint, { method: 'POST' });
    if (response.status !== 200) throw new Error(`nonce: ${response.status}`);
    return ((await response.json()) as Json).c_nonce as string;
  }

  /** A key proof of type jwt (§8.2.1.1, Appendix F.1): the key named by kid (a DID URL) or by the jwk header. */
  async proof(audience: string, nonce: string | undefined, options: { signWith?: WalletApp } = {}): Promise<string> {
    const header: Json = { alg: this.alg, typ: 'openid4vci-proof+jwt' };
    if (this.binding === 'jwk') header.jwk = this.publicJwk;
    else header.kid = this.binding === 'did:key' ? `${this.did}#${this.did.slice('did:key:'.length)}` : `${this.did}#0`;
    const signer = options.signWith ?? this;
    return new SignJWT(nonce === undefined ? {} : { nonce }).setProtectedHeader(header as never).setAudience(audience).setIssuedAt()
      .sign(signer.privateKey);
  }

  static async credential(credentialEndpoint: string, accessToken: string, request: Json): Promise<{ status: number; body: Json; headers: Headers }> {
    const response = await fetch(credentialEndpoint, {
      method: 'POST', headers: { authorization: `Bearer ${accessToken}`, 'content-type': 'application/json' }, body: JSON.stringify(request),
    });
    return { status: response.status, body: await response.json() as Json, headers: response.headers };
  }
}
