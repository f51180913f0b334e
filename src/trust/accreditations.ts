import crypto from 'node:crypto';
import { AppError, badRequest, conflict, notFound } from '../errors.js';
import type { AuditLog } from '../audit/auditLog.js';
import type { Accreditation, AccreditationRepository } from '../db/repositories/accreditations.js';
import type { Organisation, OrganisationRepository } from '../db/repositories/organisations.js';
import { parseScope, type Scope, type ScopeInput } from './scope.js';

export interface AccreditationDeps {
  accreditations: AccreditationRepository;
  organisations: OrganisationRepository;
  audit: AuditLog;
  now: () => Date;
}

export interface GrantRequest {
  authority: Organisation;
  actorTokenId: string | null;
  /** The accredited issuer: a DID, or the slug of an organisation of this service. */
  issuer: string;
  scope: ScopeInput;
  validFrom?: string;
  validUntil: string;
}

const parseInstant = (value: string, field: string): Date => {
  const date = new Date(value);
  if (!/^\d{4}-\d{2}-\d{2}/.test(value) || Number.isNaN(date.getTime())) {
    throw badRequest('invalid-period', `${field} must be an ISO 8601 date or date-time, e.g. 2027-12-31 or 2027-12-31T23:59:59Z`);
  }
  return date;
};

export function requireAuthority(organisation: Organisation): void {
  if (organisation.kind !== 'recognition-authority') {
    throw new AppError('not-a-recognition-authority', 403, `"${organisation.slug}" is a ${organisation.kind}; only organisations of kind recognition-authority accredit issuers`);
  }
}

/** Whether two periods [from, until) overlap. */
const overlaps = (a: { validFrom: string; validUntil: string }, b: { validFrom: string; validUntil: string }) =>
  new Date(a.validFrom) < new Date(b.validUntil) && new Date(b.validFrom) < new Date(a.validUntil);

/** A recognition authority accredits an issuer for a scope over a period; the grant is audited in the same transaction. */
export async function grantAccreditation(deps: AccreditationDeps, request: GrantRequest): Promise<Accreditation> {
  const { authority } = request;
  requireAuthority(authority);
  const issuerOrganisation = request.issuer.startsWith('did:')
    ? await deps.organisations.byDid(request.issuer)
    : await deps.organisations.bySlug(request.issuer);
  if (!request.issuer.startsWith('did:') && !issuerOrganisation) {
    throw notFound('unknown-organisation', `issuer "${request.issuer}" is neither a DID nor the slug of an organisation here; give the issuer's DID`);
  }
  const issuerDid = issuerOrganisation?.did ?? request.issuer;
  if (issuerDid === authority.did) throw badRequest('self-accreditation', 'An authority cannot accredit itself');
  const scope: Scope = parseScope(request.scope);
  const now = deps.now();
  // Credentials state validFrom to the second: an accreditation starting "now" must cover one issued in the same second.
  const validFrom = request.validFrom === undefined ? new Date(Math.floor(now.getTime() / 1000) * 1000) : parseInstant(request.validFrom, 'validFrom');
  const validUntil = parseInstant(request.validUntil, 'validUntil');
  if (validUntil <= validFrom) throw badRequest('invalid-period', 'validUntil must be after validFrom');
  const accreditation: Accreditation = {
    id: `urn:uuid:${crypto.randomUUID()}`,
    authorityDid: authority.did, authorityName: authority.name, authorityOrganisationId: authority.id,
    issuerDid, issuerName: issuerOrganisation?.name ?? null,
    scopeType: scope.type, scopeValue: scope.value,
    validFrom: validFrom.toISOString(), validUntil: validUntil.toISOString(),
    withdrawnAt: null, withdrawalReason: null, origin: 'local', createdAt: now.toISOString(),
  };
  const twin = (await deps.accreditations.ofIssuer(issuerDid)).find((a) => a.authorityDid === authority.did && a.withdrawnAt === null
    && a.scopeType === scope.type && a.scopeValue === scope.value && overlaps(a, accreditation));
  if (twin) {
    throw conflict('accreditation-exists', `${issuerDid} is already accredited by this authority for this scope from ${twin.validFrom} until ${twin.validUntil} (${twin.id}); withdraw it first to change the period`, { accreditation: twin.id });
  }
  return deps.audit.record(async () => {
    await deps.accreditations.insert(accreditation);
    return accreditation;
  }, () => ({
    organisationId: authority.id, actorTokenId: request.actorTokenId, action: 'accreditation.granted', subject: accreditation.id,
    details: { issuer: issuerDid, scope, validFrom: accreditation.validFrom, validUntil: accreditation.validUntil },
  }));
}

/** Ends an accreditation early. Credentials issued before the withdrawal stay covered; later ones are not. */
export async function withdrawAccreditation(deps: AccreditationDeps, request: {
  authority: Organisation; actorTokenId: string | null; id: string; reason: string;
}): Promise<Accreditation> {
  const accreditation = await deps.accreditations.byId(request.id);
  if (!accreditation || accreditation.authorityOrganisationId !== request.authority.id) {
    throw notFound('unknown-accreditation', `"${request.authority.slug}" granted no accreditation ${request.id}`);
  }
  if (accreditation.withdrawnAt) throw conflict('already-withdrawn', `Accreditation ${request.id} was withdrawn on ${accreditation.withdrawnAt}`);
  const at = deps.now().toISOString();
  await deps.audit.record(() => deps.accreditations.withdraw(accreditation.id, at, request.reason), () => ({
    organisationId: request.authority.id, actorTokenId: request.actorTokenId, action: 'accreditation.withdrawn', subject: accreditation.id,
    details: { issuer: accreditation.issuerDid, reason: request.reason },
  }));
  return { ...accreditation, withdrawnAt: at, withdrawalReason: request.reason };
}
