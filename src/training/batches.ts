import crypto from 'node:crypto';
import { isUtf8 } from 'node:buffer';
import { badRequest } from '../errors.js';
import type { Organisation } from '../db/repositories/organisations.js';
import type { CredentialRepository } from '../db/repositories/credentials.js';
import type { AchievementRepository, BatchRecord, BatchRepository, BatchRowRecord, RowState } from '../db/repositories/training.js';
import { CREDENTIAL_FORMATS, defaultFormatOf, type JsonCredentialFormat } from '../credentials/issue.js';
import { achievementUrl, requireAchievement } from './achievements.js';
import { readRecipientFile, rowMessage, type FileFormat } from './batchRows.js';
import { translate, type PageLang } from '../web/i18n.js';
import type { NameForm } from '../credentials/holderIdentity.js';
import { batchCredentialId } from './credentialIds.js';

export interface BatchDeps {
  batches: BatchRepository;
  achievements: AchievementRepository;
  credentials: CredentialRepository;
  baseUrl: string;
  now: () => Date;
}

export interface NewBatch {
  organisation: Organisation;
  achievementId: string;
  content: Buffer;
  fileFormat: FileFormat;
  credentialFormat?: string;
  /** The language of the problems in a refused file (default English). */
  lang?: PageLang;
  /** Each recipient's name in the credential: in clear (default) or hashed with a salt. */
  nameInCredential?: NameForm;
  /** The token sending the file, named in the audit log as the issuer of its rows. */
  createdByTokenId: string | null;
}

/**
 * Checks every row, then records the batch and its rows as pending in one transaction; the runner issues them.
 * The same file for the same achievement is the same batch: sending it again returns the first one.
 */
export async function createBatch(deps: BatchDeps, input: NewBatch): Promise<{ batch: BatchRecord; created: boolean }> {
  const { organisation } = input;
  const lang = input.lang ?? 'en';
  const credentialFormat = (input.credentialFormat ?? defaultFormatOf(organisation)) as JsonCredentialFormat;
  if (!CREDENTIAL_FORMATS.includes(credentialFormat)) {
    throw badRequest('unknown-format', `format "${input.credentialFormat}" is not supported; use one of ${CREDENTIAL_FORMATS.join(', ')}`);
  }
  const achievement = await requireAchievement(deps.achievements, organisation, input.achievementId);
  const fileSha256 = crypto.createHash('sha256').update(input.content).digest('hex');
  const existing = await deps.batches.byFile(organisation.id, achievement.id, fileSha256);
  if (existing) return { batch: existing, created: false };

  // Checked without decoding: the parsers read the bytes row by row and stop at the row limit.
  if (!isUtf8(input.content)) {
    throw badRequest('file-not-utf8', translate(lang, 'rows.file-not-utf8.detail'), {
      errors: [{ line: 1, column: '', code: 'file-not-utf8', ...rowMessage(lang, 'file-not-utf8') }],
    });
  }
  const now = deps.now();
  const { rows, errors, errorCount } = await readRecipientFile(input.content, input.fileFormat, achievement, now.toISOString().slice(0, 10),
    { lang, country: organisation.country });
  if (errorCount > 0) {
    const rowsWithErrors = new Set(errors.map((e) => e.line)).size;
    throw badRequest('invalid-batch-rows', translate(lang, 'rows.summary', { count: errorCount, lines: rowsWithErrors }), {
      errors, errorCount, ...(errorCount > errors.length ? { errorsOmitted: errorCount - errors.length } : {}),
    });
  }
  // Another upload of the same file may have finished while this one was being read.
  const concurrent = await deps.batches.byFile(organisation.id, achievement.id, fileSha256);
  if (concurrent) return { batch: concurrent, created: false };
  const batch: BatchRecord = {
    id: crypto.randomUUID(), organisationId: organisation.id, achievementId: achievement.id, achievementVersion: achievement.version,
    fileSha256, fileFormat: input.fileFormat, credentialFormat, state: 'queued', totalRows: rows.length,
    createdByTokenId: input.createdByTokenId, createdAt: now.toISOString(), startedAt: null, finishedAt: null,
  };
  const rowRecords: BatchRowRecord[] = rows.map((row) => ({
    batchId: batch.id, line: row.line, rowKey: row.key, credentialId: batchCredentialId(organisation.id, achievement.id, row.key),
    recipient: { ...row.recipient, ...(input.nameInCredential === 'hashed' ? { nameInCredential: 'hashed' } : {}) }, state: 'pending', outcome: null, document: null, finishedAt: null,
    leaseOwner: null, leaseExpiresAt: null,
  }));
  await deps.batches.insert(batch, rowRecords);
  return { batch, created: true };
}

/** Rows finished within this window give the current rate: recent enough to follow slowdowns, long enough to be stable. */
const RATE_WINDOW_MS = 30_000;

export async function batchProgress(deps: Pick<BatchDeps, 'batches' | 'now'>, batch: BatchRecord) {
  const counts = await deps.batches.counts(batch.id);
  const now = deps.now().getTime();
  let ratePerSecond: number | null = null;
  if (batch.state === 'completed' && batch.startedAt && batch.finishedAt) {
    const seconds = (Date.parse(batch.finishedAt) - Date.parse(batch.startedAt)) / 1000;
    ratePerSecond = seconds > 0 ? round(counts.issued / seconds) : null;
  } else {
    const recent = await deps.batches.finishedSince(batch.id, new Date(now - RATE_WINDOW_MS).toISOString());
    if (recent.length >= 2) {
      const seconds = (Date.parse(recent.at(-1)!) - Date.parse(recent[0]!)) / 1000;
      if (seconds > 0) ratePerSecond = round((recent.length - 1) / seconds);
    }
  }
  const estimatedSecondsLeft = counts.pending === 0 ? 0 : ratePerSecond ? Math.ceil(counts.pending / ratePerSecond) : null;
  return { counts, ratePerSecond, estimatedSecondsLeft };
}

const round = (n: number) => Math.round(n * 100) / 100;

export interface RowView {
  line: number;
  key: string;
  name: string;
  state: RowState;
  credentialId?: string;
  /** The link the recipient opens to claim the credential into a wallet (single use, valid 30 days). */
  claimUrl?: string;
  outcome?: Record<string, unknown>;
}

export function rowView(row: BatchRowRecord, claimUrlOf?: (credentialId: string) => string): RowView {
  return {
    line: row.line, key: row.rowKey, name: String(row.recipient.name ?? ''), state: row.state as RowState,
    ...(row.state === 'issued' || row.outcome?.code === 'already-issued' ? { credentialId: row.credentialId } : {}),
    ...(row.state === 'issued' && claimUrlOf ? { claimUrl: claimUrlOf(row.credentialId) } : {}),
    ...(row.outcome ? { outcome: row.outcome } : {}),
  };
}

export async function batchView(deps: Pick<BatchDeps, 'batches' | 'now' | 'baseUrl'> & { claimUrlOf?: (credentialId: string) => string },
  batch: BatchRecord, organisation: Organisation, page: { offset: number; limit: number; state?: RowState }) {
  const progress = await batchProgress(deps, batch);
  const rows = (await deps.batches.rows(batch.id, page)).map((row) => rowView(row, deps.claimUrlOf));
  return {
    id: batch.id,
    organisation: organisation.slug,
    achievement: { id: batch.achievementId, version: batch.achievementVersion, url: achievementUrl(deps.baseUrl, organisation, batch.achievementId) },
    state: batch.state,
    fileFormat: batch.fileFormat,
    credentialFormat: batch.credentialFormat,
    createdAt: batch.createdAt,
    startedAt: batch.startedAt,
    finishedAt: batch.finishedAt,
    ...progress,
    rows,
    rowsPage: { offset: page.offset, limit: page.limit, ...(page.state ? { state: page.state } : {}) },
  };
}
