import type { Database } from '../db/database.js';
import type { CredentialRecord, CredentialRepository, IssuedRecord } from '../db/repositories/credentials.js';
import type { AuditLog } from './auditLog.js';

/** An issued credential to record, with who issued it and what else its issuance completes. */
export interface AuditedIssuance extends IssuedRecord {
  actorTokenId: string | null;
  /** Further writes that belong to the same issuance (e.g. marking an assessment case certified). */
  alsoOnIssue?: (record: CredentialRecord) => Promise<void>;
}

interface Waiting { issuance: AuditedIssuance; now: string; resolve: () => void; reject: (error: unknown) => void }

/** Issuances written in one transaction at most: bounds how many one failure sends back to be written one by one. */
const MAX_GROUP = 32;

/**
 * Writes issued credentials, their status indexes and their audit entries, each issuance with its entry or not at all.
 *
 * Every issuance of an organisation extends the same audit chain, so its transaction holds the chain's lock (and, on
 * PostgreSQL, its status list's row) from the audit write until it commits, across several round trips, each waiting
 * for this process's event loop. Issued one by one, concurrent issuances queue on that lock; here the issuances that
 * arrive while one transaction is being written go together in the next one (a group commit), which holds the lock
 * once for all of them. The first issuance is written at once. When a group fails, its issuances are written again
 * one by one, so that each gets its own answer (a reused credential id, a status index taken meanwhile).
 */
export class IssuanceRecorder {
  private readonly waiting: Waiting[] = [];
  private writing = false;

  constructor(private readonly deps: { database: Pick<Database, 'transaction'>; credentials: CredentialRepository; audit: AuditLog }) {}

  /**
   * Records one issuance, in the same transaction as any others waiting. Only from outside a transaction (as
   * issueCredential, which signs first): the writing loop runs in the asynchronous context of the call that started
   * it, so a caller's transaction would take in the others' issuances. Inside one, recordTogether joins it.
   */
  record(issuance: AuditedIssuance, now: string): Promise<void> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ issuance, now, resolve, reject });
      if (!this.writing) void this.writeWaiting();
    });
  }

  /** Records these issuances in one transaction (a batch's lease of rows), in this order. */
  recordTogether(issuances: AuditedIssuance[], now: string): Promise<void> {
    return this.deps.database.transaction(async () => {
      await this.deps.credentials.recordIssuedMany(issuances, now);
      // The issuance is logged before whatever it completes (an assessment case certified by it).
      await this.deps.audit.appendAll(issuances.map(({ record, actorTokenId }) => ({
        organisationId: record.organisationId, actorTokenId, action: 'credential.issued' as const, subject: record.id,
        details: { types: record.types, format: record.format, subjectId: record.subjectId, sha256: record.sha256 },
      })));
      for (const { record, alsoOnIssue } of issuances) await alsoOnIssue?.(record);
    });
  }

  private async writeWaiting(): Promise<void> {
    this.writing = true;
    try {
      while (this.waiting.length > 0) {
        const group = this.waiting.splice(0, MAX_GROUP);
        try {
          await this.recordTogether(group.map((w) => w.issuance), group[group.length - 1]!.now);
          for (const w of group) w.resolve();
        } catch (error) {
          if (group.length === 1) group[0]!.reject(error);
          else for (const w of group) await this.recordTogether([w.issuance], w.now).then(w.resolve, w.reject);
        }
      }
    } finally {
      this.writing = false;
    }
  }
}
