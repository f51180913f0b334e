import { Readable } from 'node:stream';
import { CsvError, parse } from 'csv-parse';

/** One record of a CSV file with the line it starts on (a quoted field may span several lines). */
export interface CsvRecord { line: number; fields: string[] }
/** What stopped the parser, for the caller to word (maxKb for record-too-long, the parser's message for unreadable). */
export interface CsvProblem { line: number; kind: 'unclosed-quote' | 'record-too-long' | 'unreadable'; maxKb?: number; detail?: string }

export interface ParsedCsv {
  records: CsvRecord[];
  problems: CsvProblem[];
  delimiter: string;
  /** Set when the file has more than `maxRecords` records: the line of the first record beyond the limit. */
  overflowLine?: number;
}

/**
 * 64 KB per record: a recipient row (name, e-mail, phone, DID, a few results) is well under 1 KB. Without this bound
 * one line of millions of "," would become one record of millions of fields in memory.
 */
export const MAX_RECORD_BYTES = 64 * 1024;
/** The upload is fed to the parser in slices of this size, so the parser never holds more than one slice's records. */
const SLICE_BYTES = 64 * 1024;

const CR = 0x0d;
const LF = 0x0a;

/**
 * Picks the delimiter from the header line: spreadsheets set to French or Spanish write ";" instead of ",".
 * Only characters outside quotes count, and only in the first record's bytes.
 */
function detectDelimiter(bytes: Buffer): string {
  const counts = new Map<number, number>([[0x2c, 0], [0x3b, 0], [0x09, 0]]);
  let quoted = false;
  const end = Math.min(bytes.length, MAX_RECORD_BYTES);
  for (let i = 0; i < end; i++) {
    const byte = bytes[i]!;
    if (byte === 0x22) quoted = !quoted;
    else if (!quoted && (byte === LF || byte === CR)) break;
    else if (!quoted && counts.has(byte)) counts.set(byte, counts.get(byte)! + 1);
  }
  let best = 0x2c;
  for (const [delimiter, count] of counts) if (count > counts.get(best)!) best = delimiter;
  return String.fromCharCode(best);
}

/**
 * Line numbers from byte offsets: the parser reports where each record ends; the record starts at the first byte
 * after the previous one that is not a line break (blank lines are skipped). CRLF, LF and CR each end one line.
 */
class LineCounter {
  private offset = 0;
  private line = 1;
  constructor(private readonly bytes: Buffer) {}

  /** The line of the first byte at or after `from` that is not a line break. */
  lineOfNextRecord(from: number): number {
    this.advanceTo(from);
    while (this.offset < this.bytes.length && (this.bytes[this.offset] === CR || this.bytes[this.offset] === LF)) this.step();
    return this.line;
  }

  advanceTo(to: number) {
    while (this.offset < to) this.step();
  }

  private step() {
    const byte = this.bytes[this.offset];
    if (byte === CR) {
      this.line += 1;
      if (this.bytes[this.offset + 1] === LF) this.offset += 1;
    } else if (byte === LF) {
      this.line += 1;
    }
    this.offset += 1;
  }
}

function* slicesOf(bytes: Buffer) {
  for (let start = 0; start < bytes.length; start += SLICE_BYTES) yield bytes.subarray(start, start + SLICE_BYTES);
}

/**
 * RFC 4180 CSV through csv-parse, streamed slice by slice and stopped after `maxRecords` records, so that a huge
 * upload costs the records kept, not every record of the file. Fields in double quotes may hold delimiters, line
 * breaks and doubled quotes (""); records end with CRLF, LF or CR; a UTF-8 byte-order mark is ignored; blank lines
 * (and lines of empty fields) are skipped. A quote inside an unquoted field, or text after a closing quote, is kept as
 * text (spreadsheets never write one, people typing do).
 */
export async function parseCsv(input: Buffer | string, { maxRecords = Infinity }: { maxRecords?: number } = {}): Promise<ParsedCsv> {
  const bytes = typeof input === 'string' ? Buffer.from(input, 'utf8') : input;
  const delimiter = detectDelimiter(bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? bytes.subarray(3) : bytes);
  const records: CsvRecord[] = [];
  const problems: CsvProblem[] = [];
  const lines = new LineCounter(bytes);
  let recordStart = lines.lineOfNextRecord(0);
  let overflowLine: number | undefined;
  const parser = parse({
    delimiter, bom: true, relax_quotes: true, relax_column_count: true, skip_empty_lines: true,
    record_delimiter: ['\r\n', '\n', '\r'], max_record_size: MAX_RECORD_BYTES,
    // Records are taken here, in order with the parser's errors, so that recordStart is right when one is raised.
    on_record: (record: string[], info: { bytes: number }) => {
      const line = recordStart;
      recordStart = lines.lineOfNextRecord(info.bytes);
      // Spreadsheets export empty rows as a line of delimiters: skip them like blank lines.
      if (record.every((field) => field.trim() === '')) return null;
      if (records.length === maxRecords) {
        overflowLine = line;
        throw new Error('record limit reached');
      }
      records.push({ line, fields: record });
      return null;
    },
  });
  const source = Readable.from(slicesOf(bytes));
  source.pipe(parser);
  try {
    // Drives the parser slice by slice; on_record keeps the records, so nothing is emitted here.
    for await (const nothing of parser) void nothing;
  } catch (error) {
    if (overflowLine !== undefined) return { records, problems, delimiter, overflowLine };
    if (!(error instanceof CsvError)) throw error;
    if (error.code === 'CSV_QUOTE_NOT_CLOSED') {
      problems.push({ line: recordStart, kind: 'unclosed-quote' });
    } else if (error.code === 'CSV_MAX_RECORD_SIZE') {
      problems.push({ line: recordStart, kind: 'record-too-long', maxKb: MAX_RECORD_BYTES / 1024 });
    } else {
      problems.push({ line: recordStart, kind: 'unreadable', detail: error.message });
    }
  } finally {
    source.destroy();
    parser.destroy();
  }
  return { records, problems, delimiter };
}

/** Quotes a value for CSV output when it needs it (the batch tool's error report, test fixtures). */
export function csvField(value: string, delimiter = ','): string {
  return /["\r\n]/.test(value) || value.includes(delimiter) ? `"${value.replaceAll('"', '""')}"` : value;
}
