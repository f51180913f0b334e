import crypto from 'node:crypto';
import { AppError, badRequest, conflict, notFound } from '../errors.js';
import type { Organisation, OrganisationKey, OrganisationRepository } from '../db/repositories/organisations.js';
import type { KeyStore, SigningKey } from '../keys/keyStore.js';
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

function newKeyRecord(organisationId: string, did: string, didMethod: string, ordinal: number, publicKeyMultibase: string, keyId: string, now: string): OrganisationKey {
  const fragment = didMethod === 'key' ? publicKeyMultibase : `key-${ordinal}`;
  return { id: keyId, organisationId, verificationMethod: `${did}#${fragment}`, publicKeyMultibase, createdAt: now, retiredAt: null };
}

export async function createOrganisation(deps: OrganisationDeps, input: NewOrganisation): Promise<Organisation> {
  if (await deps.organisations.bySlug(input.slug)) {
    throw conflict('organisation-exists', `An organisation with slug "${input.slug}" already exists; choose another slug`);
  }
  const id = crypto.randomUUID();
  const keyId = crypto.randomUUID();
  const { publicKeyMultibase } = await deps.keyStore.create(keyId);
  const didMethod = input.didMethod ?? 'web';
  const did = didMethod === 'key' ? `did:key:${publicKeyMultibase}` : webDidFor(deps.baseUrl, input.slug);
  const now = deps.now().toISOString();
  const organisation: Organisation = {
    id, slug: input.slug, name: input.name, country: input.country.toUpperCase(), kind: input.kind, didMethod, did, createdAt: now, keysVersion: 1,
  };
  await deps.organisations.insertWithKey(organisation, newKeyRecord(id, did, didMethod, 1, publicKeyMultibase, keyId, now));
  return organisation;
}

export async function requireOrganisation(organisations: OrganisationRepository, slug: string): Promise<Organisation> {
  const organisation = await organisations.bySlug(slug);
  if (!organisation) throw notFound('unknown-organisation', `No organisation has slug "${slug}"; GET /orgs lists them`);
  return organisation;
}

/**
 * A new signing key: credentials issued from now on use it, and the old key stays in the DID document (retired) so
 * that what it signed keeps verifying. A did:key DID *is* its key, so it cannot rotate.
 */
export async function rotateKey(deps: OrganisationDeps, organisation: Organisation): Promise<OrganisationKey> {
  if (organisation.didMethod === 'key') {
    throw badRequest('rotation-unsupported', 'A did:key organisation cannot rotate its key: the DID is the key. Use didMethod "web" for organisations that need rotation');
  }
  const keyId = crypto.randomUUID();
  const { publicKeyMultibase } = await deps.keyStore.create(keyId);
  const ordinal = (await deps.organisations.keysOf(organisation.id)).length + 1;
  const now = deps.now().toISOString();
  const key = newKeyRecord(organisation.id, organisation.did, organisation.didMethod, ordinal, publicKeyMultibase, keyId, now);
  await deps.organisations.rotateKey(organisation.id, key, now);
  return key;
}

export async function signingKeyOf(deps: Pick<OrganisationDeps, 'organisations' | 'keyStore'>, organisation: Organisation): Promise<SigningKey> {
  const key = await deps.organisations.currentKey(organisation.id);
  if (!key) throw new AppError('no-signing-key', 500, `organisation ${organisation.slug} has no current key`);
  return deps.keyStore.load(key.id, key.verificationMethod, organisation.did);
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
    keys: keys.map((key) => ({ id: key.verificationMethod, publicKeyMultibase: key.publicKeyMultibase, createdAt: key.createdAt, retiredAt: key.retiredAt })),
    createdAt: organisation.createdAt,
  };
}
