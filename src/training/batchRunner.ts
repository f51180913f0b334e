import type { Db } from '../db/client.js';
import type { Organisation, OrganisationRepository } from '../db/repositories/organisations.js';
import { IndexTakenError, type CredentialRecord, type CredentialRepository, type StatusReservation } from '../db/repositories/credentials.js';
import { WHOLE_BATCH, type AchievementRepository, type BatchRecord, type BatchRepository, type BatchRowRecord, type RowShare } from '../db/repositories/training.js';
import type { StatusListService } from '../credentials/statusLists.js';
import { issueCredential, type CredentialFormat, type IssueDeps, type IssuedCredential } from '../credentials/issue.js';
import { AppError } from '../errors.js';
import { requireAchievement, type Achievement } from './achievements.js';
import { credentialFromAchievement, subjectForRecipient, type Recipient } from './achievementCredential.js';

export interface BatchRunnerDeps {
  db: Db;
  batches: BatchRepository;
  achievements: AchievementRepository;
  organisations: OrganisationRepository;
  issueDeps: IssueDeps;
  baseUrl: string;
  now: () => Date;
  /** Rows signed at once: signing is mostly CPU, so a few overlap I/O without starving HTTP requests. */
  concurrency?: number;
  onError?: (error: unknown, context: Record<string, unknown>) => void;
  /** This process's share of every batch's rows when several processes issue (default: all rows). */
  share?: RowShare;
  /** Runs inside the transaction that marks a row issued (the claim offer for its recipient). */
  onRowIssued?: (issued: IssuedCredential, recipient: Recipient) => void;
}

const ROWS_PER_FETCH = 64;
/** With several processes, a batch may be queued through another one: look for work this often when idle. */
const SHARED_POLL_MS = 1000;
/** Same bound as issueCredential's: a collision needs two writers to draw the same index of 131,072. */
const MAX_INDEX_ATTEMPTS = 5;

interface Deferred { record: CredentialRecord; reservations: StatusReservation[]; now: string }

/**
 * Issues the pending rows of queued batches, one batch after the other, in this process. Every row's state lives in
 * SQLite: a row's credential record, its status indexes and the row's "issued" mark (with the signed document) are
 * written in one transaction, so a process killed at any instant leaves each row either untouched or fully issued,
 * and start() picks up exactly the rows still pending.
 */
export class BatchRunner {
  private loop: Promise<void> | undefined;
  private stopping = false;
  private poll: NodeJS.Timeout | undefined;
  private readonly share: RowShare;

  constructor(private readonly deps: BatchRunnerDeps) {
    this.share = deps.share ?? WHOLE_BATCH;
  }

  /** Resumes whatever a previous process left unfinished. */
  start(): void {
    this.stopping = false;
    this.wake();
  }

  /** Called when a batch is queued; a no-op when the runner is already busy (it takes queued batches in turn). */
  wake(): void {
    if (this.loop || this.stopping) return;
    clearTimeout(this.poll);
    this.loop = this.run().finally(() => {
      this.loop = undefined;
      if (this.stopping) return;
      // A batch queued while the loop was finishing must not wait for the next wake-up.
      if (this.deps.batches.nextUnfinished(this.share)) this.wake();
      else if (this.share.count > 1) this.poll = setTimeout(() => this.wake(), SHARED_POLL_MS).unref();
    });
  }

  /** Lets the rows being signed finish, then stops; pending rows stay pending for the next start. */
  async stop(): Promise<void> {
    this.stopping = true;
    clearTimeout(this.poll);
    await this.loop;
  }

  /** Resolves when no batch is left to run (tests, the command-line tool in direct mode). */
  async idle(): Promise<void> {
    while (this.loop) await this.loop;
  }

  private async run(): Promise<void> {
    while (!this.stopping) {
      const batch = this.deps.batches.nextUnfinished(this.share);
      if (!batch) return;
      try {
        await this.runBatch(batch);
      } catch (error) {
        if (this.stopping) return;
        // A batch that cannot run at all (e.g. its organisation's key is unreadable) must not block the queue forever.
        this.deps.onError?.(error, { batchId: batch.id });
        this.failPending(batch, problemOf(error));
      }
    }
  }

  private async runBatch(batch: BatchRecord): Promise<void> {
    const { batches, organisations, achievements } = this.deps;
    batches.markRunning(batch.id, this.now());
    const organisation = organisations.byId(batch.organisationId)!;
    const achievement = requireAchievement(achievements, organisation, batch.achievementId, batch.achievementVersion);
    const concurrency = Math.max(1, this.deps.concurrency ?? 2);
    for (;;) {
      const rows = batches.pendingRows(batch.id, ROWS_PER_FETCH, this.share);
      if (rows.length === 0) break;
      let next = 0;
      const worker = async () => {
        while (!this.stopping && next < rows.length) {
          await this.issueRow(batch, organisation, achievement, rows[next++]!);
          // Signing resolves through microtasks only; without a macrotask turn, HTTP requests (progress polls) would wait for the whole batch.
          await new Promise((resolve) => setImmediate(resolve));
        }
      };
      await Promise.all(Array.from({ length: Math.min(concurrency, rows.length) }, worker));
      if (this.stopping) return;
    }
    // Other processes may still be issuing their share; the last one to finish closes the batch.
    if (!batches.hasPendingRows(batch.id)) batches.markCompleted(batch.id, this.now());
  }

  private async issueRow(batch: BatchRecord, organisation: Organisation, achievement: Achievement, row: BatchRowRecord): Promise<void> {
    const { batches, issueDeps, baseUrl } = this.deps;
    if (issueDeps.credentials.byId(row.credentialId)) {
      this.skipAlreadyIssued(batch, row);
      return;
    }
    const subject = subjectForRecipient(row.recipient as unknown as Recipient, achievement, organisation, baseUrl);
    const credential = credentialFromAchievement({ achievement, organisation, baseUrl, partial: { credentialSubject: subject } });
    for (let attempt = 1; ; attempt++) {
      const deferred: Deferred[] = [];
      const held: StatusReservation[][] = [];
      try {
        const issued = await issueCredential(this.deferringDeps(deferred, held), {
          organisation, credential, options: { credentialId: row.credentialId, format: batch.credentialFormat as CredentialFormat },
        });
        this.commit(batch, row, issued, deferred);
        return;
      } catch (error) {
        if (error instanceof IndexTakenError && attempt < MAX_INDEX_ATTEMPTS) continue;
        if (!(error instanceof AppError)) this.deps.onError?.(error, { batchId: batch.id, line: row.line });
        batches.markFailed(batch.id, row.line, problemOf(error), this.now());
        return;
      } finally {
        // Indexes stay reserved until the commit has made them permanent (or failed), so no other issuer can draw them.
        for (const reservations of held) issueDeps.statusLists.release(reservations);
      }
    }
  }

  /**
   * issueCredential records the credential itself; here that recording is deferred to commit(), which writes it
   * together with the row's "issued" mark and its signed document. Everything else is the shared issuance path.
   */
  private deferringDeps(deferred: Deferred[], held: StatusReservation[][]): IssueDeps {
    const { credentials, statusLists } = this.deps.issueDeps;
    const deferringCredentials: CredentialRepository = Object.create(credentials);
    deferringCredentials.recordIssued = (record, reservations, now) => { deferred.push({ record, reservations, now }); };
    const holdingStatusLists: StatusListService = Object.create(statusLists);
    holdingStatusLists.release = (reservations) => { held.push(reservations); };
    return { ...this.deps.issueDeps, credentials: deferringCredentials, statusLists: holdingStatusLists };
  }

  private commit(batch: BatchRecord, row: BatchRowRecord, issued: IssuedCredential, deferred: Deferred[]): void {
    const { db, batches, issueDeps } = this.deps;
    const recorded = deferred.at(-1);
    if (!recorded || recorded.record.id !== row.credentialId) throw new Error(`issuance of ${row.credentialId} recorded nothing to commit`);
    const outcome = db.$client.transaction(() => {
      // Another batch with the same row key may have committed while this row was being signed.
      if (issueDeps.credentials.byId(row.credentialId)) return 'already-issued' as const;
      issueDeps.credentials.recordIssued(recorded.record, recorded.reservations, recorded.now);
      batches.markIssued(batch.id, row.line, JSON.stringify(issued.verifiableCredential), this.now());
      this.deps.onRowIssued?.(issued, row.recipient as unknown as Recipient);
      return 'issued' as const;
    })();
    if (outcome === 'already-issued') this.skipAlreadyIssued(batch, row);
  }

  private skipAlreadyIssued(batch: BatchRecord, row: BatchRowRecord): void {
    const first = this.deps.batches.rowWithCredential(row.credentialId);
    const where = first ? `by batch ${first.batchId}, line ${first.line}` : 'outside batches';
    this.deps.batches.markSkipped(batch.id, row.line, {
      code: 'already-issued', detail: `This recipient already received credential ${row.credentialId} for this achievement (issued ${where}); nothing was issued again`,
      ...(first ? { batchId: first.batchId, line: first.line } : {}),
    }, this.now());
  }

  private failPending(batch: BatchRecord, outcome: Record<string, unknown>): void {
    const now = this.now();
    for (let rows = this.deps.batches.pendingRows(batch.id, 1000, this.share); rows.length > 0; rows = this.deps.batches.pendingRows(batch.id, 1000, this.share)) {
      for (const row of rows) this.deps.batches.markFailed(batch.id, row.line, outcome, now);
    }
    if (!this.deps.batches.hasPendingRows(batch.id)) this.deps.batches.markCompleted(batch.id, now);
  }

  private now(): string {
    return this.deps.now().toISOString();
  }
}

function problemOf(error: unknown): Record<string, unknown> {
  if (error instanceof AppError) return { code: error.code, detail: error.detail };
  return { code: 'internal-error', detail: 'Issuing this row failed unexpectedly (the error is in the service log); POST /batches/<id>/retry tries the failed rows again' };
}
