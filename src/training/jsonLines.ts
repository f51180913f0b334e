export interface JsonLine { line: number; value: Record<string, unknown> }
export interface JsonLineProblem { line: number; problem: string; fix: string }

/** JSON Lines (also called NDJSON): one JSON object per line; blank lines are skipped; a UTF-8 BOM is ignored. */
export function parseJsonLines(input: string): { lines: JsonLine[]; problems: JsonLineProblem[] } {
  const text = input.startsWith('\uFEFF') ? input.slice(1) : input;
  const lines: JsonLine[] = [];
  const problems: JsonLineProblem[] = [];
  text.split(/\r\n|\n|\r/).forEach((raw, index) => {
    const line = index + 1;
    if (raw.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch (error) {
      problems.push({ line, problem: `not valid JSON (${(error as Error).message})`, fix: 'write one complete JSON object per line, e.g. {"name": "Amina Tahiri", "email": "amina@example.org"}' });
      return;
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      problems.push({ line, problem: 'the line is JSON but not an object', fix: 'write one JSON object per line, with the columns as keys' });
      return;
    }
    lines.push({ line, value: value as Record<string, unknown> });
  });
  return { lines, problems };
}
