import type { Db } from '../db/client.js';
import { CredentialRepository, type CredentialRecord, type StatusReservation } from '../db/repositories/credentials.js';
import { OrganisationRepository, type OrganisationKey } from '../db/repositories/organisations.js';
import type { AuditLog } from './auditLog.js';

/**
 * Issuance and key rotation write their rows deep inside async domain code (after signing, after creating a key),
 * where no caller can open a synchronous transaction around them. These repositories append the audit entry inside
 * the repository's own write transaction instead, so the row and its entry commit together.
 */
export class AuditedCredentialRepository extends CredentialRepository {
  constructor(db: Db, private readonly audit: AuditLog, private readonly actorTokenId: string | null,
    /** Further writes that belong to the same issuance (e.g. marking an assessment case certified). */
    private readonly alsoOnIssue?: (record: CredentialRecord) => void) {
    super(db);
  }

  override recordIssued(record: CredentialRecord, reservations: StatusReservation[], now: string): void {
    this.audit.record(() => {
      super.recordIssued(record, reservations, now);
      // The issuance is logged before whatever it completes (an assessment case certified by it).
      this.audit.append({
        organisationId: record.organisationId, actorTokenId: this.actorTokenId, action: 'credential.issued', subject: record.id,
        details: { types: record.types, format: record.format, subjectId: record.subjectId, sha256: record.sha256 },
      });
      this.alsoOnIssue?.(record);
    }, () => undefined);
  }
}

export class AuditedOrganisationRepository extends OrganisationRepository {
  constructor(db: Db, private readonly audit: AuditLog, private readonly actorTokenId: string | null) {
    super(db);
  }

  override rotateKey(organisationId: string, successor: OrganisationKey, now: string): void {
    this.audit.record(() => {
      const retired = this.currentKey(organisationId);
      super.rotateKey(organisationId, successor, now);
      return retired;
    }, (retired) => ({
      organisationId, actorTokenId: this.actorTokenId, action: 'key.rotated', subject: successor.verificationMethod,
      details: { retired: retired?.verificationMethod ?? null, publicKeyMultibase: successor.publicKeyMultibase },
    }));
  }
}
