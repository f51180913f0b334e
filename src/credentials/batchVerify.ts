/**
 * Batch verification (POST /credentials/verify with `verifiableCredentials`, or a JSON Lines body): many credentials
 * checked at once, each answered on its own and in the order given, with a bounded number in flight so that memory
 * and the verification pool's queue stay small however long the input is.
 */
import { AppError } from '../errors.js';

export const BATCH_LIMITS = {
  /** Credentials in one JSON body; beyond this, JSON Lines (streamed, any length up to `jsonLinesCredentials`). */
  credentials: 1_000,
  /** A JSON body of 1,000 credentials of up to 16 KB each. */
  bodyBytes: 16 * 1024 * 1024,
  /**
   * Credentials being verified at once per request: enough to keep every thread of the pool busy (several groups of
   * verifyWorker.ts's TASKS_PER_GROUP queued on each of two threads) while the main thread resolves DIDs, reads status
   * lists and finishes the answers already back; results waiting for an earlier one stay bounded (about 2.5 KB each).
   * 32 left the threads waiting for work between groups (see verifyWorker.ts for the measurement).
   */
  inFlight: 128,
  /** One credential, sent alone or as a JSON Lines line: the 1 MB of every JSON body (BODY_LIMIT_BYTES in app.ts). */
  credentialBytes: 1024 * 1024,
  /** Credentials (non-blank lines) in one JSON Lines body. */
  jsonLinesCredentials: 100_000,
  /** A whole JSON Lines body. */
  jsonLinesBodyBytes: 256 * 1024 * 1024,
} as const;

/**
 * `work` applied to each item, at most `limit` at a time, results yielded in the items' order. The next item is read
 * only when a result has been taken (or a slot is free), so a slow reader of the results slows the reading of the
 * items: nothing piles up. `work` must not reject: each item's failure is its own result.
 */
export async function* inOrder<T, R>(items: AsyncIterable<T> | Iterable<T>, work: (item: T) => Promise<R>, limit: number): AsyncGenerator<R> {
  const pending: Array<Promise<R>> = [];
  for await (const item of items) {
    pending.push(work(item));
    if (pending.length >= limit) yield await pending.shift()!;
  }
  while (pending.length > 0) yield await pending.shift()!;
}

type JsonLinesLimits = Record<'credentialBytes' | 'jsonLinesCredentials' | 'jsonLinesBodyBytes', number>;

/** A line of a JSON Lines body: its number (from 1) and its value, or why it cannot be read; `last` ends the body. */
export type JsonLine = { line: number; value: unknown } | { line: number; error: AppError; last?: true };

/**
 * Splits a byte stream into JSON values, one per line (LF or CRLF; blank lines are skipped but counted). A line that
 * is not JSON or is too long is an error for that line only; a body past its size or credential limit ends with an
 * error line (`last`) and is read no further.
 */
export async function* jsonLinesOf(chunks: AsyncIterable<Buffer> | Iterable<Buffer>, limits: JsonLinesLimits = BATCH_LIMITS): AsyncGenerator<JsonLine> {
  let parts: Buffer[] = [];
  let partBytes = 0;
  let tooLong = false;
  let line = 0;
  let credentials = 0;
  let bodyBytes = 0;
  const append = (bytes: Buffer) => {
    if (tooLong || bytes.length === 0) return;
    partBytes += bytes.length;
    if (partBytes > limits.credentialBytes) {
      tooLong = true;
      parts = [];
    } else parts.push(bytes);
  };
  const take = (): JsonLine | undefined => {
    line++;
    const text = Buffer.concat(parts).toString('utf8');
    const wasTooLong = tooLong;
    parts = [];
    partBytes = 0;
    tooLong = false;
    if (!wasTooLong && text.trim() === '') return undefined;
    if (++credentials > limits.jsonLinesCredentials) {
      const detail = `A JSON Lines body holds at most ${limits.jsonLinesCredentials.toLocaleString('en')} credentials; line ${line} and those after it were not read. Send the rest in another request`;
      return { line, error: new AppError('too-many-credentials', 413, detail), last: true };
    }
    if (wasTooLong) return { line, error: new AppError('line-too-long', 413, `Line ${line} is longer than ${limits.credentialBytes} bytes (1 MB), the most one credential may take`) };
    try {
      return { line, value: JSON.parse(text) };
    } catch (error) {
      return { line, error: new AppError('invalid-json', 400, `Line ${line} is not JSON: ${(error as Error).message}`) };
    }
  };
  for await (const chunk of chunks) {
    bodyBytes += chunk.length;
    if (bodyBytes > limits.jsonLinesBodyBytes) {
      const detail = `A JSON Lines body may take at most ${limits.jsonLinesBodyBytes / 1024 / 1024} MB; the body was read up to line ${line + 1}. Send the rest in another request`;
      yield { line: line + 1, error: new AppError('body-too-large', 413, detail), last: true };
      return;
    }
    let start = 0;
    for (let end = chunk.indexOf(0x0a, start); end !== -1; end = chunk.indexOf(0x0a, start)) {
      append(chunk.subarray(start, end));
      start = end + 1;
      const entry = take();
      if (!entry) continue;
      yield entry;
      if ('last' in entry) return;
    }
    append(chunk.subarray(start));
  }
  if (partBytes > 0 || tooLong) {
    const entry = take();
    if (entry) yield entry;
  }
}
