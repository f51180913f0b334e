/**
 * What a wallet app reads before asking for a credential: the credential issuer metadata and the authorization server
 * metadata (OpenID for Verifiable Credential Issuance 1.0 §12.2, RFC 8414).
 *
 * One credential issuer per organisation, `<base>/orgs/<slug>`, so that a wallet shows the training centre's own name
 * and a credential's issuer is the organisation that signs it. Each issuer is its own authorization server: the
 * pre-authorized code is redeemed at `<issuer>/oid4vci/token`.
 */
import type { Organisation } from '../db/repositories/organisations.js';
import { CONTEXTS } from '../credentials/contexts/index.js';
import { dataIntegrityFormats } from '../credentials/vcLibrary.js';
import { JWS_ALGS } from '../credentials/issue.js';
import { achievementVct, SD_JWT_VC_FORMAT } from '../credentials/sdJwtVc.js';
import { BINDING_METHODS, PROOF_ALGORITHMS } from './holderKey.js';

/** The credential formats offered to wallet apps (OID4VCI 1.0 Appendix A). */
export const WALLET_FORMATS = ['ldp_vc', 'jwt_vc_json', SD_JWT_VC_FORMAT] as const;
export type WalletFormat = typeof WALLET_FORMATS[number];

/** Kinds of credential, by the type that tells them apart: an Open Badge, or any other verifiable credential. */
const KINDS = {
  OpenBadgeCredential: {
    // The achievement is the one type this service issues as SD-JWT VC (its vct: sdJwtVc.ts).
    formats: WALLET_FORMATS,
    contexts: [CONTEXTS.credentialsV2, CONTEXTS.openBadges303], types: ['VerifiableCredential', 'OpenBadgeCredential'],
    display: { en: 'Achievement (Open Badge)', fr: 'Certification (Open Badge)', es: 'Logro (Open Badge)', ar: 'شهادة إنجاز (Open Badge)' },
  },
  VerifiableCredential: {
    formats: ['ldp_vc', 'jwt_vc_json'],
    contexts: [CONTEXTS.credentialsV2], types: ['VerifiableCredential'],
    display: { en: 'Verifiable credential', fr: 'Attestation vérifiable', es: 'Credencial verificable', ar: 'شهادة قابلة للتحقق' },
  },
} as const;
type Kind = keyof typeof KINDS;

/** How many proofs (holder keys, so copies) one credential request may carry. */
export const BATCH_SIZE = 10;

export const configurationId = (kind: Kind, format: WalletFormat) => `${kind}_${format}`;

/** The credential configurations a credential is offered under: its kind, in every format. */
export function configurationIdsFor(credentialTypes: string[]): string[] {
  const kind: Kind = credentialTypes.includes('OpenBadgeCredential') ? 'OpenBadgeCredential' : 'VerifiableCredential';
  return KINDS[kind].formats.map((format) => configurationId(kind, format));
}

/** The configuration behind an id: its kind and format; undefined for an unknown id. */
export function configurationOf(id: string): { kind: Kind; format: WalletFormat } | undefined {
  for (const kind of Object.keys(KINDS) as Kind[]) {
    for (const format of KINDS[kind].formats) if (configurationId(kind, format) === id) return { kind, format };
  }
  return undefined;
}

export const credentialIssuerOf = (baseUrl: string, organisation: Pick<Organisation, 'slug'>) => `${baseUrl}/orgs/${organisation.slug}`;

function configuration(baseUrl: string, kind: Kind, format: WalletFormat) {
  const { contexts, types, display } = KINDS[kind];
  const common = {
    proof_types_supported: { jwt: { proof_signing_alg_values_supported: [...PROOF_ALGORITHMS] } },
    credential_metadata: { display: Object.entries(display).map(([locale, name]) => ({ name, locale })) },
  };
  // An SD-JWT VC names its holder by key (cnf.jwk), the others by DID (credentialSubject.id).
  if (format === SD_JWT_VC_FORMAT) {
    return { format, vct: achievementVct(baseUrl), cryptographic_binding_methods_supported: ['jwk'], credential_signing_alg_values_supported: [...JWS_ALGS], ...common };
  }
  return {
    format,
    credential_definition: format === 'ldp_vc' ? { '@context': [...contexts], type: [...types] } : { type: [...types] },
    cryptographic_binding_methods_supported: [...BINDING_METHODS],
    credential_signing_alg_values_supported: format === 'ldp_vc' ? [...dataIntegrityFormats] : [...JWS_ALGS],
    ...common,
  };
}

/** The credential issuer metadata of one organisation (OID4VCI 1.0 §12.2.4). */
export function credentialIssuerMetadata(baseUrl: string, organisation: Organisation) {
  const issuer = credentialIssuerOf(baseUrl, organisation);
  const configurations: Record<string, ReturnType<typeof configuration>> = {};
  for (const kind of Object.keys(KINDS) as Kind[]) {
    for (const format of KINDS[kind].formats) configurations[configurationId(kind, format)] = configuration(baseUrl, kind, format);
  }
  return {
    credential_issuer: issuer,
    credential_endpoint: `${issuer}/oid4vci/credential`,
    nonce_endpoint: `${issuer}/oid4vci/nonce`,
    batch_credential_issuance: { batch_size: BATCH_SIZE },
    display: Object.entries(organisation.name).map(([locale, name]) => ({ name, locale })),
    credential_configurations_supported: configurations,
  };
}

/** The authorization server metadata of one organisation's issuer (RFC 8414; OID4VCI 1.0 §12.3). */
export function authorizationServerMetadata(baseUrl: string, organisation: Organisation) {
  const issuer = credentialIssuerOf(baseUrl, organisation);
  return {
    issuer,
    token_endpoint: `${issuer}/oid4vci/token`,
    grant_types_supported: ['urn:ietf:params:oauth:grant-type:pre-authorized_code'],
    response_types_supported: [] as string[],
    token_endpoint_auth_methods_supported: ['none'],
    // A wallet app needs no client registration to redeem a pre-authorized code.
    'pre-authorized_grant_anonymous_access_supported': true,
  };
}
