/**
 * The certificate that identifies the service to wallets under the x509_san_dns client identifier prefix (OpenID4VP
 * 1.0, section 5.9.3): read once from configuration, checked to name the host of the base URL (the response_uri's
 * host, which wallets compare with the certificate), and used to sign request objects with its chain in `x5c`.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';

export interface X509RequestSigner {
  /** The DNS name of the client identifier: x509_san_dns:<dnsName>. */
  dnsName: string;
  /** The chain, leaf first, as x5c wants it (base64 DER, not base64url). */
  x5c: string[];
  alg: 'ES256' | 'EdDSA';
  privateKey: crypto.KeyObject;
}

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

export function loadX509Signer(files: { cert: string; key: string }, baseUrl: string): X509RequestSigner {
  const pems = fs.readFileSync(files.cert, 'utf8').match(PEM_CERTIFICATE) ?? [];
  if (pems.length === 0) throw new Error(`PASSERELLE_OID4VP_X509_CERT (${files.cert}) holds no PEM certificate`);
  const chain = pems.map((pem) => new crypto.X509Certificate(pem));
  const leaf = chain[0]!;
  const dnsName = new URL(baseUrl).hostname;
  const sanDnsNames = (leaf.subjectAltName ?? '').split(', ').filter((name) => name.startsWith('DNS:')).map((name) => name.slice(4));
  if (!sanDnsNames.includes(dnsName)) {
    throw new Error(`The certificate in PASSERELLE_OID4VP_X509_CERT names ${sanDnsNames.join(', ') || 'no DNS name'} in its subjectAltName, not ${dnsName} (the host of PASSERELLE_BASE_URL)`);
  }
  const privateKey = crypto.createPrivateKey(fs.readFileSync(files.key, 'utf8'));
  if (!leaf.checkPrivateKey(privateKey)) throw new Error('PASSERELLE_OID4VP_X509_KEY is not the key of the certificate in PASSERELLE_OID4VP_X509_CERT');
  const details = privateKey.asymmetricKeyDetails;
  const alg = privateKey.asymmetricKeyType === 'ed25519' ? 'EdDSA' : privateKey.asymmetricKeyType === 'ec' && details?.namedCurve === 'prime256v1' ? 'ES256' : undefined;
  if (!alg) throw new Error('PASSERELLE_OID4VP_X509_KEY must be a P-256 or Ed25519 key');
  return { dnsName, x5c: chain.map((cert) => cert.raw.toString('base64')), alg, privateKey };
}
