import crypto from 'node:crypto';
import { badRequest, conflict, notFound } from '../errors.js';
import type { Organisation, OrganisationKey, OrganisationRepository } from '../db/repositories/organisations.js';
import { JWS_ALGORITHMS, KEY_ALGORITHMS, publicKeyJwk, type KeyAlgorithm, type KeyStore, type SigningKey } from '../keys/keyStore.js';
import type { DidDocument } from '../credentials/didResolver.js';
import { CONTEXTS } from '../credentials/contexts/index.js';

export const ORGANISATION_KINDS = ['training-centre', 'assessment-body', 'recognition-authority', 'employer', 'employment-agency'] as const;
export const DID_METHODS = ['web', 'key'] as const;

export interface NewOrganisation {
  slug: string;
  name: Record<string, string>;
  country: string;
  kind: (typeof ORGANISATION_KINDS)[number];
  didMethod?: (typeof DID_METHODS)[number];
  /** The key of a did:key organisation, which is its DID (a did:web organisation gets one key of each algorithm). */
  keyType?: KeyAlgorithm;
}

export interface OrganisationDeps {
  organisations: OrganisationRepository;
  keyStore: KeyStore;
  baseUrl: string;
  now: () => Date;
}

/** did:web of an organisation hosted here: `did:web:<host>:orgs:<slug>`, the port percent-encoded as did:web requires. */
export function webDidFor(baseUrl: string, slug: string): string {
  return `did:web:${encodeURIComponent(new URL(baseUrl).host)}:orgs:${slug}`;
}

/** A new key kept in the key store, not yet anyone's. */
interface NewKey { keyId: string; algorithm: KeyAlgorithm; publicKeyMultibase: string }

async function newKey(keyStore: KeyStore, algorithm: KeyAlgorithm): Promise<NewKey> {
  const keyId = crypto.randomUUID();
  const { publicKeyMultibase } = await keyStore.create(keyId, algorithm);
  return { keyId, algorithm, publicKeyMultibase };
}

function newKeyRecord(organisationId: string, did: string, didMethod: string, ordinal: number, key: NewKey, now: string): OrganisationKey {
  const fragment = didMethod === 'key' ? key.publicKeyMultibase : `key-${ordinal}`;
  return {
    id: key.keyId, organisationId, verificationMethod: `${did}#${fragment}`, publicKeyMultibase: key.publicKeyMultibase,
    algorithm: key.algorithm, createdAt: now, retiredAt: null,
  };
}

export async function createOrganisation(deps: OrganisationDeps, input: NewOrganisation): Promise<Organisation> {
  if (await deps.organisations.bySlug(input.slug)) {
    throw conflict('organisation-exists', `An organisation with slug "${input.slug}" already exists; choose another slug`);
  }
  const didMethod = input.didMethod ?? 'web';
  if (didMethod === 'web' && input.keyType !== undefined) {
    throw badRequest('key-type-needs-did-key', 'keyType chooses the key of a did:key organisation; a did:web organisation gets both an Ed25519 and a P-256 key. Remove keyType, or send didMethod "key"');
  }
  const id = crypto.randomUUID();
  const keys = await Promise.all((didMethod === 'key' ? [input.keyType ?? 'Ed25519'] : KEY_ALGORITHMS).map((algorithm) => newKey(deps.keyStore, algorithm)));
  const did = didMethod === 'key' ? `did:key:${keys[0]!.publicKeyMultibase}` : webDidFor(deps.baseUrl, input.slug);
  const now = deps.now().toISOString();
  const organisation: Organisation = {
    id, slug: input.slug, name: input.name, country: input.country.toUpperCase(), kind: input.kind, didMethod, did, createdAt: now, keysVersion: 1,
  };
  await deps.organisations.insertWithKeys(organisation, keys.map((key, index) => newKeyRecord(id, did, didMethod, index + 1, key, now)));
  return organisation;
}

export async function requireOrganisation(organisations: OrganisationRepository, slug: string): Promise<Organisation> {
  const organisation = await organisations.bySlug(slug);
  if (!organisation) throw notFound('unknown-organisation', `No organisation has slug "${slug}"; GET /orgs lists them`);
  return organisation;
}

/**
 * New signing keys, one per algorithm asked for (default: both): credentials issued from now on use them, and the old
 * keys stay in the DID document (retired) so that what they signed keeps verifying. Rotating an algorithm the
 * organisation has no key of yet gives it its first (how organisations created before P-256 keys get one). A did:key
 * DID *is* its key, so it cannot rotate.
 */
export async function rotateKeys(deps: OrganisationDeps, organisation: Organisation, algorithms: readonly KeyAlgorithm[] = KEY_ALGORITHMS): Promise<OrganisationKey[]> {
  if (organisation.didMethod === 'key') {
    throw badRequest('rotation-unsupported', 'A did:key organisation cannot rotate its key: the DID is the key. Use didMethod "web" for organisations that need rotation');
  }
  const keys = await Promise.all(algorithms.map((algorithm) => newKey(deps.keyStore, algorithm)));
  const now = deps.now().toISOString();
  const rotated = await deps.organisations.rotateKeys(organisation.id,
    (keyCount) => keys.map((key, index) => newKeyRecord(organisation.id, organisation.did, organisation.didMethod, keyCount + index + 1, key, now)), now);
  return rotated.map(({ successor }) => successor);
}

/**
 * The algorithm an organisation signs with when the caller names none: Ed25519, which every did:web organisation has,
 * unless its DID is a P-256 did:key (multicodec p256-pub, `did:key:zDn...`).
 */
export function defaultKeyAlgorithm(organisation: Organisation): KeyAlgorithm {
  return organisation.did.startsWith('did:key:zDn') ? 'P-256' : 'Ed25519';
}

/**
 * The organisation's current key of `algorithm` (default: defaultKeyAlgorithm), for the Data Integrity suites
 * (`keyPair`) and for jose (`privateKey`, `alg`, `kid`). A missing key is the caller's choice to fix: 400.
 *
 * @example
 * const { privateKey, alg, kid } = await signingKeyOf(deps, organisation, 'P-256'); // alg "ES256"
 */
export async function signingKeyOf(deps: Pick<OrganisationDeps, 'organisations' | 'keyStore'>, organisation: Organisation,
  algorithm: KeyAlgorithm = defaultKeyAlgorithm(organisation)): Promise<SigningKey> {
  const key = await deps.organisations.currentKey(organisation.id, algorithm);
  if (!key) {
    const remedy = organisation.didMethod === 'key'
      ? `its DID ${organisation.did} is a ${defaultKeyAlgorithm(organisation)} key (a did:key organisation chooses its keyType when created)`
      : `POST /orgs/${organisation.slug}/keys/rotate with {"algorithm": "${algorithm}"} gives it one`;
    throw badRequest('no-key-for-algorithm', `Organisation "${organisation.slug}" has no ${algorithm} key: ${remedy}`, { algorithm });
  }
  return deps.keyStore.load(key.id, key.verificationMethod, organisation.did);
}

/** A public key as a JWK (RFC 7517) for JWT verifiers: `kid` its verification method, `alg` the JWS algorithm it signs with. */
export async function publicJwkOf(key: OrganisationKey): Promise<Record<string, unknown>> {
  const jwk = await publicKeyJwk(key.algorithm, key.publicKeyMultibase);
  return { ...jwk, kid: key.verificationMethod, alg: JWS_ALGORITHMS[key.algorithm], use: 'sig' };
}

/** The DID document of a did:web organisation: every key it ever had, current and retired, for assertions. */
export function didDocumentOf(organisation: Organisation, keys: OrganisationKey[]): DidDocument {
  const verificationMethod = keys.map((key) => ({
    id: key.verificationMethod, type: 'Multikey', controller: organisation.did, publicKeyMultibase: key.publicKeyMultibase,
  }));
  const ids = verificationMethod.map((vm) => vm.id);
  return {
    '@context': [CONTEXTS.didV1, CONTEXTS.multikeyV1],
    id: organisation.did,
    verificationMethod,
    assertionMethod: ids,
    authentication: ids,
  };
}

/** Public description of an organisation (no key material beyond public keys). */
export function publicView(organisation: Organisation, keys: OrganisationKey[]) {
  return {
    slug: organisation.slug,
    name: organisation.name,
    country: organisation.country,
    kind: organisation.kind,
    did: organisation.did,
    didMethod: organisation.didMethod,
    keys: keys.map((key) => ({
      id: key.verificationMethod, algorithm: key.algorithm, publicKeyMultibase: key.publicKeyMultibase, createdAt: key.createdAt, retiredAt: key.retiredAt,
    })),
    createdAt: organisation.createdAt,
  };
}
