import crypto from 'node:crypto';
import type { Database } from '../db/database.js';
import type { Organisation, OrganisationRepository } from '../db/repositories/organisations.js';
import { DuplicateCredentialIdError, IndexTakenError, type StatusReservation } from '../db/repositories/credentials.js';
import type { AchievementRepository, BatchRecord, BatchRepository, BatchRowRecord } from '../db/repositories/training.js';
import { MAX_INDEX_ATTEMPTS, signIssuance, type CredentialFormat, type IssueDeps, type IssuedCredential, type SignedIssuance } from '../credentials/issue.js';
import { AppError } from '../errors.js';
import { requireAchievement, type Achievement } from './achievements.js';
import { credentialFromAchievement, subjectForRecipient, type Recipient } from './achievementCredential.js';

export interface BatchRunnerDeps {
  database: Pick<Database, 'transaction'>;
  batches: BatchRepository;
  achievements: AchievementRepository;
  organisations: OrganisationRepository;
  /** Issuance acting as a batch's sender (the token the audit log names), or as nobody for batches sent before it was kept. */
  issueDepsFor: (actorTokenId: string | null) => IssueDeps;
  baseUrl: string;
  now: () => Date;
  /** Rows signed at once: signing is mostly CPU, so a few overlap I/O without starving HTTP requests. */
  concurrency?: number;
  /** How long rows taken by this instance stay its own; after that, another instance takes over what is left. */
  leaseMs?: number;
  /** How often an idle runner looks for batches queued elsewhere and rows a stopped instance left (default 1 s). */
  pollMs?: number;
  /** Called when this instance starts issuing rows of a batch (which instance issued what, for the log). */
  onBatchJoined?: (batchId: string) => void;
  onError?: (error: unknown, context: Record<string, unknown>) => void;
  /** Runs inside the transaction that marks rows issued (the claim offers for their recipients). */
  onRowsIssued?: (rows: Array<{ issued: IssuedCredential; recipient: Recipient }>) => Promise<void>;
}

/** Rows leased at a time: small, so that the instances sharing a batch share it evenly. */
const ROWS_PER_LEASE = 16;
/** Signing 16 rows takes well under a second; a lease outlives a slow machine by far and a dead instance by little. */
const DEFAULT_LEASE_MS = 30_000;
/** Batches queued through another instance, and rows a stopped instance left leased, are looked for this often. */
const DEFAULT_POLL_MS = 1000;

/** What became of a leased row once it was looked at and signed; commit() writes it. */
type RowOutcome =
  | { kind: 'signed'; row: BatchRowRecord; signed: SignedIssuance; document: string }
  | { kind: 'already-issued'; row: BatchRowRecord }
  | { kind: 'failed'; row: BatchRowRecord; problem: Record<string, unknown> };

/**
 * Issues the pending rows of queued batches, in the order the batches were sent, alongside any other instance or
 * process sharing the database. Each instance leases a few rows at a time (BatchRepository.claimRows) and signs them
 * outside any transaction; then the rows' credential records, status indexes, audit entries and "issued" marks (with
 * the signed documents) are written in one transaction, so an instance killed at any instant leaves each row either
 * untouched or fully issued, and its leased rows are taken over by the others when the lease runs out. A credential's id is derived from its row, so a row
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
      if (!this.stopping) this.poll = setTimeout(() => this.wake(), this.deps.pollMs ?? DEFAULT_POLL_MS).unref();
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
    this.deps.onBatchJoined?.(batch.id);
    const organisation = (await organisations.byId(batch.organisationId))!;
    const achievement = await requireAchievement(achievements, organisation, batch.achievementId, batch.achievementVersion);
    const issueDeps = this.deps.issueDepsFor(batch.createdByTokenId);
    const sign = (rows: BatchRowRecord[]) => this.signRows(issueDeps, batch, organisation, achievement, rows);
    const release = (outcomes: RowOutcome[]) => {
      // Indexes stay reserved until the commit has made them permanent (or failed), so no other issuer can draw them.
      for (const outcome of outcomes) if (outcome.kind === 'signed') issueDeps.statusLists.release(outcome.signed.reservations);
    };
    // Rows are signed outside any transaction (CPU only: instances sharing a database sign in parallel), then written
    // in one, which also leases more rows. One lease is signed while the one before it is written: the write may wait
    // for another process's write lock, and this process signs meanwhile. Rows whose status index another instance
    // took meanwhile are signed again.
    const indexAttempts = new Map<number, number>();
    let signed = await sign(await this.leaseRows(batch));
    let leased = await this.leaseRows(batch);
    while (signed.length > 0 && !this.stopping) {
      // signRows fails only before it reserves anything (reading which rows are already recorded).
      const signingNext = sign(leased);
      let written: { indexTaken: BatchRowRecord[]; leased: BatchRowRecord[] };
      try {
        written = await this.commit(issueDeps, batch, signed);
      } catch (error) {
        release(await signingNext.catch(() => []));
        throw error;
      } finally {
        release(signed);
      }
      const signedNext = await signingNext;
      const again: BatchRowRecord[] = [];
      for (const row of written.indexTaken) {
        const attempts = (indexAttempts.get(row.line) ?? 1) + 1;
        indexAttempts.set(row.line, attempts);
        if (attempts <= MAX_INDEX_ATTEMPTS) again.push(row);
        else await batches.markFailed(batch.id, row.line, problemOf(new IndexTakenError('status index taken')), this.now());
      }
      signed = again.length > 0 ? [...signedNext, ...await sign(again)] : signedNext;
      leased = written.leased;
      // Nothing was left to sign ahead, but rows came free meanwhile (another instance's lease ran out).
      if (signed.length === 0 && leased.length > 0) [signed, leased] = [await sign(leased), await this.leaseRows(batch)];
    }
    // Rows signed but not written when stopping: their indexes go back; stop() gives back their leases.
    release(signed);
    // Other instances may still be issuing rows they leased; the last one to finish closes the batch.
    if (!this.stopping && !(await batches.hasPendingRows(batch.id))) await batches.markCompleted(batch.id, this.now());
  }

  /** Leases the next pending rows nobody holds to this instance; none once it is stopping. */
  private async leaseRows(batch: BatchRecord): Promise<BatchRowRecord[]> {
    if (this.stopping) return [];
    const now = this.deps.now();
    const leaseMs = this.deps.leaseMs ?? DEFAULT_LEASE_MS;
    const rows = await this.deps.batches.claimRows(batch.id, this.owner, ROWS_PER_LEASE, now.toISOString(), new Date(now.getTime() + leaseMs).toISOString());
    if (rows.length > 0) this.hasLeased = true;
    return rows;
  }

  private async signRows(issueDeps: IssueDeps, batch: BatchRecord, organisation: Organisation, achievement: Achievement, rows: BatchRowRecord[]): Promise<RowOutcome[]> {
    const { baseUrl } = this.deps;
    const recorded = await issueDeps.credentials.recordedAmong(rows.map((row) => row.credentialId));
    const outcomes: RowOutcome[] = [];
    const concurrency = Math.max(1, this.deps.concurrency ?? 2);
    let next = 0;
    const worker = async () => {
      while (!this.stopping && next < rows.length) {
        const row = rows[next++]!;
        if (recorded.has(row.credentialId)) {
          outcomes.push({ kind: 'already-issued', row });
          continue;
        }
        const subject = subjectForRecipient(row.recipient as unknown as Recipient, achievement, organisation, baseUrl);
        const credential = credentialFromAchievement({ achievement, organisation, baseUrl, partial: { credentialSubject: subject } });
        try {
          const signed = await signIssuance(issueDeps, {
            organisation, credential, options: { credentialId: row.credentialId, format: batch.credentialFormat as CredentialFormat },
          });
          // Serialised here rather than in the transaction, which holds SQLite's one write lock.
          outcomes.push({ kind: 'signed', row, signed, document: JSON.stringify(signed.issued.verifiableCredential) });
        } catch (error) {
          if (!(error instanceof AppError)) this.deps.onError?.(error, { batchId: batch.id, line: row.line });
          outcomes.push({ kind: 'failed', row, problem: problemOf(error) });
        }
        // Signing resolves through microtasks only; without a macrotask turn, HTTP requests (progress polls) would wait for the whole batch.
        await new Promise((resolve) => setImmediate(resolve));
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, rows.length) }, worker));
    return outcomes;
  }

  /**
   * Writes the rows' outcomes in one transaction: each signed credential with its status entries, audit entry, claim
   * offer and the row's "issued" mark (with the signed document), so that an instance killed at any instant leaves each
   * row either untouched or fully issued; and leases the next rows, which saves the write lock a turn. Returns the signed
   * rows whose status index another instance took meanwhile (left pending, to be signed again) and the rows leased.
   */
  private async commit(issueDeps: IssueDeps, batch: BatchRecord, outcomes: RowOutcome[]): Promise<{ indexTaken: BatchRowRecord[]; leased: BatchRowRecord[] }> {
    const { database, batches } = this.deps;
    for (let attempt = 1; ; attempt++) {
      try {
        return await database.transaction(async () => {
          const signed = outcomes.filter((outcome) => outcome.kind === 'signed');
          // Another batch with the same row key, or another instance whose lease on these rows ran out, may have
          // committed while they were being signed; on SQLite these reads are under the write lock, so they decide.
          const recorded = await issueDeps.credentials.recordedAmong(signed.map(({ signed }) => signed.record.id));
          const unrecorded = signed.filter(({ signed }) => !recorded.has(signed.record.id));
          const taken = await issueDeps.credentials.takenAmong(unrecorded.flatMap(({ signed }) => signed.reservations));
          const isTaken = (reservations: StatusReservation[]) => reservations.some((r) => taken.some((t) => t.listId === r.listId && t.statusIndex === r.statusIndex));
          const writing = unrecorded.filter(({ signed }) => !isTaken(signed.reservations));
          await issueDeps.credentials.recordIssuedMany(writing.map(({ signed }) => signed), this.now());
          await batches.markIssued(batch.id, writing.map(({ row, document }) => ({ line: row.line, document })), this.now());
          await this.deps.onRowsIssued?.(writing.map(({ row, signed }) => ({ issued: signed.issued, recipient: row.recipient as unknown as Recipient })));
          for (const outcome of outcomes) {
            if (outcome.kind === 'failed') await batches.markFailed(batch.id, outcome.row.line, outcome.problem, this.now());
            const alreadyIssued = outcome.kind === 'already-issued' || (outcome.kind === 'signed' && recorded.has(outcome.signed.record.id));
            if (alreadyIssued) await this.skipAlreadyIssued(batch, outcome.row);
          }
          const indexTaken = unrecorded.filter(({ signed }) => isTaken(signed.reservations)).map(({ row }) => row);
          return { indexTaken, leased: await this.leaseRows(batch) };
        });
      } catch (error) {
        // On PostgreSQL another instance may commit the same id or index between those reads and these writes: its
        // commit is then visible, and the next attempt leaves those rows out.
        const conflict = error instanceof DuplicateCredentialIdError || error instanceof IndexTakenError;
        if (conflict && attempt < MAX_INDEX_ATTEMPTS) continue;
        for (const { row } of outcomes) await batches.markFailed(batch.id, row.line, problemOf(error), this.now());
        if (!conflict) this.deps.onError?.(error, { batchId: batch.id, lines: outcomes.map(({ row }) => row.line) });
        return { indexTaken: [], leased: [] };
      }
    }
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
