import crypto from 'node:crypto';
import type { Database } from '../db/database.js';
import type { Organisation, OrganisationRepository } from '../db/repositories/organisations.js';
import { DuplicateCredentialIdError, IndexTakenError, type CredentialRecord, type CredentialRepository, type StatusReservation } from '../db/repositories/credentials.js';
import type { AchievementRepository, BatchRecord, BatchRepository, BatchRowRecord } from '../db/repositories/training.js';
import type { StatusListService } from '../credentials/statusLists.js';
import { issueCredential, type CredentialFormat, type IssueDeps, type IssuedCredential } from '../credentials/issue.js';
import { AppError } from '../errors.js';
import { requireAchievement, type Achievement } from './achievements.js';
import { credentialFromAchievement, subjectForRecipient, type Recipient } from './achievementCredential.js';

export interface BatchRunnerDeps {
  database: Pick<Database, 'transaction'>;
  batches: BatchRepository;
  achievements: AchievementRepository;
  organisations: OrganisationRepository;
  issueDeps: IssueDeps;
  baseUrl: string;
  now: () => Date;
  /** Rows signed at once: signing is mostly CPU, so a few overlap I/O without starving HTTP requests. */
  concurrency?: number;
  /** How long rows taken by this instance stay its own; after that, another instance takes over what is left. */
  leaseMs?: number;
  onError?: (error: unknown, context: Record<string, unknown>) => void;
  /** Runs inside the transaction that marks a row issued (the claim offer for its recipient). */
  onRowIssued?: (issued: IssuedCredential, recipient: Recipient) => Promise<void>;
}

/** Rows leased at a time: small, so that the instances sharing a batch share it evenly. */
const ROWS_PER_LEASE = 16;
/** Signing 16 rows takes well under a second; a lease outlives a slow machine by far and a dead instance by little. */
const DEFAULT_LEASE_MS = 30_000;
/** Batches queued through another instance, and rows a stopped instance left leased, are looked for this often. */
const IDLE_POLL_MS = 1000;
/** Same bound as issueCredential's: a collision needs two writers to draw the same index of 131,072. */
const MAX_INDEX_ATTEMPTS = 5;

interface Deferred { record: CredentialRecord; reservations: StatusReservation[]; now: string }

/**
 * Issues the pending rows of queued batches, in the order the batches were sent, alongside any other instance or
 * process sharing the database. Each instance leases a few rows at a time (BatchRepository.claimRows); a row's
 * credential record, its status indexes and the row's "issued" mark (with the signed document) are written in one
 * transaction, so an instance killed at any instant leaves each row either untouched or fully issued, and its leased
 * rows are taken over by the others when the lease runs out. A credential's id is derived from its row, so a row
 * signed twice (a lease that ran out mid-signing) is still recorded once.
 */
export class BatchRunner {
  private loop: Promise<void> | undefined;
  private stopping = false;
  private poll: NodeJS.Timeout | undefined;
  /** This instance, as the holder of its leases. */
  private readonly owner = crypto.randomUUID();
  private hasLeased = false;

  constructor(private readonly deps: BatchRunnerDeps) {}

  /** Resumes whatever is unfinished, then keeps looking for work. */
  start(): void {
    this.stopping = false;
    this.wake();
  }

  /** Called when a batch is queued; a no-op when the runner is already busy (it takes queued batches in turn). */
  wake(): void {
    if (this.loop || this.stopping) return;
    clearTimeout(this.poll);
    // A database that cannot be reached for a while (a PostgreSQL restart) is reported and looked at again at the
    // next poll, rather than rejecting where nothing awaits it (which would end the process).
    this.loop = this.run().catch((error: unknown) => this.deps.onError?.(error, {})).finally(() => {
      this.loop = undefined;
      if (!this.stopping) this.poll = setTimeout(() => this.wake(), IDLE_POLL_MS).unref();
    });
  }

  /** Lets the rows being signed finish, then stops and gives back the rows it still held. */
  async stop(): Promise<void> {
    this.stopping = true;
    clearTimeout(this.poll);
    await this.loop;
    if (this.hasLeased) await this.deps.batches.releaseLeases(this.owner);
  }

  /** Resolves when no batch is left to run (tests, the command-line tool in direct mode). */
  async idle(): Promise<void> {
    while (this.loop) await this.loop;
  }

  private async run(): Promise<void> {
    while (!this.stopping) {
      const batch = await this.deps.batches.nextWithWork(this.now());
      if (!batch) return;
      try {
        await this.runBatch(batch);
      } catch (error) {
        if (this.stopping) return;
        // A batch that cannot run at all (e.g. its organisation's key is unreadable) must not block the queue forever.
        this.deps.onError?.(error, { batchId: batch.id });
        await this.failPending(batch, problemOf(error));
      }
    }
  }

  private async runBatch(batch: BatchRecord): Promise<void> {
    const { batches, organisations, achievements } = this.deps;
    await batches.markRunning(batch.id, this.now());
    const organisation = (await organisations.byId(batch.organisationId))!;
    const achievement = await requireAchievement(achievements, organisation, batch.achievementId, batch.achievementVersion);
    const concurrency = Math.max(1, this.deps.concurrency ?? 2);
    const leaseMs = this.deps.leaseMs ?? DEFAULT_LEASE_MS;
    while (!this.stopping) {
      const now = this.deps.now();
      const rows = await batches.claimRows(batch.id, this.owner, ROWS_PER_LEASE, now.toISOString(), new Date(now.getTime() + leaseMs).toISOString());
      if (rows.length === 0) break;
      this.hasLeased = true;
      let next = 0;
      const worker = async () => {
        while (!this.stopping && next < rows.length) {
          await this.issueRow(batch, organisation, achievement, rows[next++]!);
          // Signing resolves through microtasks only; without a macrotask turn, HTTP requests (progress polls) would wait for the whole batch.
          await new Promise((resolve) => setImmediate(resolve));
        }
      };
      await Promise.all(Array.from({ length: Math.min(concurrency, rows.length) }, worker));
    }
    // Other instances may still be issuing rows they leased; the last one to finish closes the batch.
    if (!this.stopping && !(await batches.hasPendingRows(batch.id))) await batches.markCompleted(batch.id, this.now());
  }

  private async issueRow(batch: BatchRecord, organisation: Organisation, achievement: Achievement, row: BatchRowRecord): Promise<void> {
    const { batches, issueDeps, baseUrl } = this.deps;
    if (await issueDeps.credentials.byId(row.credentialId)) {
      await this.skipAlreadyIssued(batch, row);
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
        await this.commit(batch, row, issued, deferred);
        return;
      } catch (error) {
        if (error instanceof IndexTakenError && attempt < MAX_INDEX_ATTEMPTS) continue;
        if (!(error instanceof AppError)) this.deps.onError?.(error, { batchId: batch.id, line: row.line });
        await batches.markFailed(batch.id, row.line, problemOf(error), this.now());
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
    deferringCredentials.recordIssued = async (record, reservations, now) => { deferred.push({ record, reservations, now }); };
    const holdingStatusLists: StatusListService = Object.create(statusLists);
    holdingStatusLists.release = (reservations) => { held.push(reservations); };
    return { ...this.deps.issueDeps, credentials: deferringCredentials, statusLists: holdingStatusLists };
  }

  private async commit(batch: BatchRecord, row: BatchRowRecord, issued: IssuedCredential, deferred: Deferred[]): Promise<void> {
    const { database, batches, issueDeps } = this.deps;
    const recorded = deferred.at(-1);
    if (!recorded || recorded.record.id !== row.credentialId) throw new Error(`issuance of ${row.credentialId} recorded nothing to commit`);
    let outcome: 'issued' | 'already-issued';
    try {
      outcome = await database.transaction(async () => {
        // Another batch with the same row key, or another instance whose lease on this row ran out, may have committed
        // while this row was being signed.
        if (await issueDeps.credentials.byId(row.credentialId)) return 'already-issued' as const;
        await issueDeps.credentials.recordIssued(recorded.record, recorded.reservations, recorded.now);
        await batches.markIssued(batch.id, row.line, JSON.stringify(issued.verifiableCredential), this.now());
        await this.deps.onRowIssued?.(issued, row.recipient as unknown as Recipient);
        return 'issued' as const;
      });
    } catch (error) {
      // The same, decided by the primary key when both commits ran at once.
      if (!(error instanceof DuplicateCredentialIdError)) throw error;
      outcome = 'already-issued';
    }
    if (outcome === 'already-issued') await this.skipAlreadyIssued(batch, row);
  }

  private async skipAlreadyIssued(batch: BatchRecord, row: BatchRowRecord): Promise<void> {
    const first = await this.deps.batches.rowWithCredential(row.credentialId);
    const where = first ? `by batch ${first.batchId}, line ${first.line}` : 'outside batches';
    await this.deps.batches.markSkipped(batch.id, row.line, {
      code: 'already-issued', detail: `This recipient already received credential ${row.credentialId} for this achievement (issued ${where}); nothing was issued again`,
      ...(first ? { batchId: first.batchId, line: first.line } : {}),
    }, this.now());
  }

  private async failPending(batch: BatchRecord, outcome: Record<string, unknown>): Promise<void> {
    const now = this.now();
    for (let rows = await this.deps.batches.pendingRows(batch.id, 1000); rows.length > 0; rows = await this.deps.batches.pendingRows(batch.id, 1000)) {
      for (const row of rows) await this.deps.batches.markFailed(batch.id, row.line, outcome, now);
    }
    if (!(await this.deps.batches.hasPendingRows(batch.id))) await this.deps.batches.markCompleted(batch.id, now);
  }

  private now(): string {
    return this.deps.now().toISOString();
  }
}

function problemOf(error: unknown): Record<string, unknown> {
  if (error instanceof AppError) return { code: error.code, detail: error.detail };
  return { code: 'internal-error', detail: 'Issuing this row failed unexpectedly (the error is in the service log); POST /batches/<id>/retry tries the failed rows again' };
}
