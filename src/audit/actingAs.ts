import type { Services } from '../services.js';
import type { IssueDeps } from '../credentials/issue.js';
import type { CredentialRecord } from '../db/repositories/credentials.js';
import type { OrganisationRepository } from '../db/repositories/organisations.js';
import { AuditedCredentialRepository, AuditedOrganisationRepository } from './auditedRepositories.js';

type AuditServices = Pick<Services, 'database' | 'audit' | 'issueDeps' | 'issuanceRecorder'>;

/** Issue dependencies whose issuance is logged (in the issuance's own transaction) as done by this token. */
export function issueDepsActingAs(services: AuditServices, actorTokenId: string | null, alsoOnIssue?: (record: CredentialRecord) => Promise<void>): IssueDeps {
  return { ...services.issueDeps, credentials: new AuditedCredentialRepository(services.database, services.issuanceRecorder, actorTokenId, alsoOnIssue) };
}

/** An organisation repository whose key rotations are logged as done by this token. */
export function organisationsActingAs(services: AuditServices, actorTokenId: string | null): OrganisationRepository {
  return new AuditedOrganisationRepository(services.database, services.audit, actorTokenId);
}
