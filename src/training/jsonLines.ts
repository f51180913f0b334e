export interface JsonLine { line: number; value: Record<string, unknown> }
/** What is wrong with a line, for the caller to word (maxK for line-too-long, the parser's message for invalid-json). */
export interface JsonLineProblem { line: number; kind: 'line-too-long' | 'invalid-json' | 'not-an-object'; maxK?: number; detail?: string }

export interface ParsedJsonLines {
  lines: JsonLine[];
  problems: JsonLineProblem[];
  /** Set when the file has more than `maxLines` non-blank lines: the first line beyond the limit. */
  overflowLine?: number;
}

/** 64 K characters per line, as for a CSV record: one recipient object is well under 1 K; this bounds JSON.parse's work. */
export const MAX_LINE_LENGTH = 64 * 1024;

/**
 * JSON Lines (also called NDJSON): one JSON object per line; blank lines are skipped; a UTF-8 BOM is ignored.
 * Reads line by line and stops after `maxLines` non-blank lines (valid or not), so a huge file costs only those.
 */
export function parseJsonLines(input: string, { maxLines = Infinity }: { maxLines?: number } = {}): ParsedJsonLines {
  const text = input.startsWith('\uFEFF') ? input.slice(1) : input;
  const lines: JsonLine[] = [];
  const problems: JsonLineProblem[] = [];
  let counted = 0;
  let start = 0;
  const lineBreaks = /\r\n|\n|\r/g;
  for (let line = 1; start <= text.length; line++) {
    const found = lineBreaks.exec(text);
    const end = found ? found.index : text.length;
    const raw = text.slice(start, end);
    start = found ? end + found[0].length : text.length + 1;
    if (raw.trim() === '') continue;
    if (counted === maxLines) return { lines, problems, overflowLine: line };
    counted += 1;
    if (raw.length > MAX_LINE_LENGTH) {
      problems.push({ line, kind: 'line-too-long', maxK: MAX_LINE_LENGTH / 1024 });
      continue;
    }
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch (error) {
      problems.push({ line, kind: 'invalid-json', detail: (error as Error).message });
      continue;
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      problems.push({ line, kind: 'not-an-object' });
      continue;
    }
    lines.push({ line, value: value as Record<string, unknown> });
  }
  return { lines, problems };
}
