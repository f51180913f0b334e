/** One record of a CSV file with the line it starts on (a quoted field may span several lines). */
export interface CsvRecord { line: number; fields: string[] }
export interface CsvProblem { line: number; problem: string; fix: string }

const BOM = '\uFEFF';

/**
 * Picks the delimiter from the header line: spreadsheets set to French or Spanish write ";" instead of ",".
 * Only characters outside quotes count.
 */
function detectDelimiter(text: string): string {
  const counts = new Map<string, number>([[',', 0], [';', 0], ['\t', 0]]);
  let quoted = false;
  for (const char of text) {
    if (char === '"') quoted = !quoted;
    else if (!quoted && (char === '\n' || char === '\r')) break;
    else if (!quoted && counts.has(char)) counts.set(char, counts.get(char)! + 1);
  }
  let best = ',';
  for (const [delimiter, count] of counts) if (count > counts.get(best)!) best = delimiter;
  return best;
}

/**
 * RFC 4180 CSV: fields in double quotes may hold delimiters, line breaks and doubled quotes (""); records end with
 * CRLF, LF or CR; a UTF-8 byte-order mark is ignored; blank lines (and lines of empty fields) are skipped. A quote inside an unquoted field is
 * kept as text (spreadsheets never write one, people typing do).
 */
export function parseCsv(input: string): { records: CsvRecord[]; problems: CsvProblem[]; delimiter: string } {
  const text = input.startsWith(BOM) ? input.slice(1) : input;
  const delimiter = detectDelimiter(text);
  const records: CsvRecord[] = [];
  const problems: CsvProblem[] = [];
  let line = 1;
  let i = 0;
  const n = text.length;

  const isLineBreak = (c: string | undefined) => c === '\n' || c === '\r';
  const skipLineBreak = () => {
    if (text[i] === '\r' && text[i + 1] === '\n') i += 2;
    else i += 1;
    line += 1;
  };

  while (i < n) {
    const recordLine = line;
    const fields: string[] = [];
    for (;;) {
      let field = '';
      if (text[i] === '"') {
        const openedOn = line;
        i += 1;
        let closed = false;
        while (i < n) {
          const c = text[i]!;
          if (c === '"') {
            if (text[i + 1] === '"') { field += '"'; i += 2; continue; }
            i += 1;
            closed = true;
            break;
          }
          if (c === '\r' || c === '\n') {
            // Keep the line break as written, but count it once.
            if (c === '\r' && text[i + 1] === '\n') { field += '\r\n'; i += 2; } else { field += c; i += 1; }
            line += 1;
            continue;
          }
          field += c;
          i += 1;
        }
        if (!closed) {
          problems.push({ line: openedOn, problem: `a quoted field opened on line ${openedOn} is never closed`, fix: 'add the closing double quote, and double any quote inside the field ("")' });
          fields.push(field);
          records.push({ line: recordLine, fields });
          return { records, problems, delimiter };
        }
        // Text between a closing quote and the next delimiter is kept rather than lost.
        while (i < n && text[i] !== delimiter && !isLineBreak(text[i])) field += text[i++];
      } else {
        while (i < n && text[i] !== delimiter && !isLineBreak(text[i])) field += text[i++];
      }
      fields.push(field);
      if (i < n && text[i] === delimiter) { i += 1; continue; }
      if (i < n) skipLineBreak();
      break;
    }
    // Spreadsheets export empty rows as a line of delimiters: skip them like blank lines.
    const blank = fields.every((f) => f.trim() === '');
    if (!blank) records.push({ line: recordLine, fields });
  }
  return { records, problems, delimiter };
}

/** Quotes a value for CSV output when it needs it (the batch tool's error report, test fixtures). */
export function csvField(value: string, delimiter = ','): string {
  return /["\r\n]/.test(value) || value.includes(delimiter) ? `"${value.replaceAll('"', '""')}"` : value;
}
