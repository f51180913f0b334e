import type { Database } from '../db/database.js';
import { CredentialRepository, type CredentialRecord, type IssuedRecord, type StatusReservation } from '../db/repositories/credentials.js';
import { OrganisationRepository, type OrganisationKey, type RotatedKey } from '../db/repositories/organisations.js';
import type { AuditLog } from './auditLog.js';
import type { IssuanceRecorder } from './issuanceRecorder.js';

/**
 * Issuance and key rotation write their rows deep inside domain code, after signing or creating a key, which must not
 * happen inside a transaction. These repositories append the audit entry in the write's own transaction instead, so
 * the row and its entry commit together.
 */
export class AuditedCredentialRepository extends CredentialRepository {
  constructor(database: Database, private readonly recorder: IssuanceRecorder, private readonly actorTokenId: string | null,
    /** Further writes that belong to the same issuance (e.g. marking an assessment case certified). */
    private readonly alsoOnIssue?: (record: CredentialRecord) => Promise<void>) {
    super(database);
  }

  /** One issuance: written with the others arriving meanwhile (IssuanceRecorder). */
  override recordIssued(record: CredentialRecord, reservations: StatusReservation[], now: string): Promise<void> {
    return this.recorder.record({ record, reservations, actorTokenId: this.actorTokenId, alsoOnIssue: this.alsoOnIssue }, now);
  }

  override recordIssuedMany(issued: IssuedRecord[], now: string): Promise<void> {
    return this.recorder.recordTogether(issued.map((i) => ({ ...i, actorTokenId: this.actorTokenId, alsoOnIssue: this.alsoOnIssue })), now);
  }
}

export class AuditedOrganisationRepository extends OrganisationRepository {
  constructor(database: Database, private readonly audit: AuditLog, private readonly actorTokenId: string | null) {
    super(database);
  }

  /** One entry per new key, naming the key it retires (none: the organisation's first key of that algorithm). */
  override async rotateKeys(organisationId: string, successorsFrom: (keyCount: number) => OrganisationKey[], now: string): Promise<RotatedKey[]> {
    return this.audit.record(async () => {
      const rotated = await super.rotateKeys(organisationId, successorsFrom, now);
      for (const { successor, retired } of rotated) {
        await this.audit.append({
          organisationId, actorTokenId: this.actorTokenId, action: 'key.rotated', subject: successor.verificationMethod,
          details: { retired: retired?.verificationMethod ?? null, algorithm: successor.algorithm, publicKeyMultibase: successor.publicKeyMultibase },
        });
      }
      return rotated;
    }, () => undefined);
  }
}
