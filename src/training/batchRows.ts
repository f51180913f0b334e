import type { Achievement } from './achievements.js';
import type { Recipient } from './achievementCredential.js';
import { badRequest } from '../errors.js';
import { parseCsv } from './csv.js';
import { parseJsonLines } from './jsonLines.js';

/** What is wrong with one cell (or the header), and what to do about it. */
export interface RowError { line: number; column: string; value?: string; code: string; problem: string; fix: string }
export interface ValidRow { line: number; key: string; recipient: Recipient }

export const FILE_FORMATS = ['csv', 'jsonl'] as const;
export type FileFormat = (typeof FILE_FORMATS)[number];

/** A cohort is hundreds to a few thousand people; 20,000 rows bounds one upload without refusing a real one. */
export const MAX_ROWS = 20_000;
/** Beyond this many errors the file is probably not a recipient list at all; the rest are counted, not listed. */
export const MAX_REPORTED_ERRORS = 1_000;

export const COLUMNS = ['key', 'name', 'email', 'phone', 'did', 'creditsEarned', 'completedOn'] as const;
type Column = (typeof COLUMNS)[number];

/** Header spellings people use, in the languages of the corridors (compared without case, accents, spaces, "_" or "-"). */
const ALIASES: Record<string, Column> = {
  key: 'key', rowkey: 'key',
  name: 'name', fullname: 'name', nom: 'name', nomcomplet: 'name', nombre: 'name',
  email: 'email', mail: 'email', courriel: 'email', correo: 'email',
  phone: 'phone', telephone: 'phone', tel: 'phone', mobile: 'phone', telefono: 'phone', movil: 'phone',
  did: 'did', holderdid: 'did', holder: 'did',
  creditsearned: 'creditsEarned', credits: 'creditsEarned', credit: 'creditsEarned',
  completedon: 'completedOn', completiondate: 'completedOn', date: 'completedOn',
};

const RESULT_COLUMN = /^result(?:[:.](.+))?$/i;
const normaliseHeader = (header: string) => header.trim().toLowerCase().normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/[\s_-]+/g, '');

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const E164 = /^\+[1-9]\d{6,14}$/;
const DID = /^did:[a-z0-9]+:[A-Za-z0-9._:%-]+(?:#[A-Za-z0-9._:%-]*)?$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const NUMBER = /^\d+(?:[.,]\d+)?$/;
// eslint-disable-next-line no-control-regex -- control characters are exactly what this refuses in names
const CONTROL = /[\u0000-\u001f\u007f]/;

/** A column of the file, as understood: a recipient field, a result, or unknown. */
type ColumnMeaning = { kind: 'field'; column: Column } | { kind: 'result'; resultId: string } | { kind: 'unknown' };

interface Table {
  rows: Array<{ line: number; cells: Map<string, string> }>;
  errors: RowError[];
  /** Canonical column key to the header as the file spells it, so that errors name the column the user sees. */
  columns: Map<string, string>;
}

export interface ParsedRows { rows: ValidRow[]; errors: RowError[]; errorCount: number }

/**
 * Reads and checks every row of a recipient file against the achievement. Nothing is issued unless this returns no
 * errors, and it returns all of them at once so that the file can be fixed in one go.
 */
export async function readRecipientFile(content: Buffer, format: FileFormat, achievement: Achievement, today: string): Promise<ParsedRows> {
  const resultIds = (achievement.definition.resultDescriptions ?? []).map((rd) => rd.id);
  const meaningOf = (header: string): ColumnMeaning => {
    const result = RESULT_COLUMN.exec(header.trim());
    if (result) {
      const id = result[1]?.trim().toLowerCase() ?? (resultIds.length === 1 ? resultIds[0] : undefined);
      return id !== undefined && resultIds.includes(id) ? { kind: 'result', resultId: id } : { kind: 'unknown' };
    }
    const column = ALIASES[normaliseHeader(header)];
    return column ? { kind: 'field', column } : { kind: 'unknown' };
  };
  const unknownColumnError = (line: number, header: string): RowError => {
    const results = resultIds.length === 0 ? '' : resultIds.length === 1 ? ', result' : `, ${resultIds.map((id) => `result:${id}`).join(', ')}`;
    return {
      line, column: header, code: RESULT_COLUMN.test(header.trim()) ? 'unknown-result-column' : 'unknown-column',
      problem: RESULT_COLUMN.test(header.trim())
        ? `"${header}" names no result of this achievement (its results: ${resultIds.join(', ') || 'none'})`
        : `"${header}" is not a column this service knows`,
      fix: `rename or remove the column; the columns are ${COLUMNS.join(', ')}${results}`,
    };
  };

  const table = format === 'csv' ? await csvTable(content, meaningOf, unknownColumnError) : jsonLinesTable(content.toString('utf8'), meaningOf, unknownColumnError);
  const errors = [...table.errors];
  const hasColumn = (column: Column) => table.columns.has(column);
  if (table.rows.length === 0 && errors.length === 0) {
    errors.push({ line: 1, column: '', code: 'no-rows', problem: 'the file has no recipient rows', fix: 'add one row per recipient below the header' });
  }
  const headerLine = format === 'csv' ? 1 : (table.rows[0]?.line ?? 1);
  if (table.rows.length > 0 && !hasColumn('name')) {
    errors.push({ line: headerLine, column: 'name', code: 'missing-column', problem: 'there is no name column', fix: 'add a "name" column with each recipient\'s full name' });
  }
  if (table.rows.length > 0 && !hasColumn('email') && !hasColumn('phone') && !hasColumn('did')) {
    errors.push({ line: headerLine, column: 'email', code: 'missing-column', problem: 'there is no email, phone or did column, so recipients cannot receive their credential', fix: 'add an "email", "phone" or "did" column' });
  }

  const rows: ValidRow[] = [];
  const firstLineOfKey = new Map<string, number>();
  for (const { line, cells } of table.rows) {
    const rowErrors: RowError[] = [];
    const fail = (column: string, value: string | undefined, code: string, problem: string, fix: string) =>
      rowErrors.push({ line, column, ...(value !== undefined ? { value } : {}), code, problem, fix });
    const cell = (column: string) => cells.get(column)?.trim() ?? '';

    const name = cell('name');
    if (hasColumn('name')) {
      if (name === '') fail('name', undefined, 'missing-value', 'the name is empty', 'write the recipient\'s full name as it should appear on the credential');
      else if (name.length > 200 || CONTROL.test(name)) fail('name', name.slice(0, 50), 'invalid-name', 'the name is longer than 200 characters or holds control characters', 'write the name on one line, at most 200 characters');
    }
    const recipient: Recipient = { name };

    const email = cell('email');
    if (email !== '') {
      if (email.length > 254 || !EMAIL.test(email)) fail('email', email, 'invalid-email', 'this is not an e-mail address', 'write one address such as amina@example.org, or leave the cell empty');
      else recipient.email = email.toLowerCase();
    }
    const phoneRaw = cell('phone');
    if (phoneRaw !== '') {
      const phone = phoneRaw.replace(/[\s().-]/g, '').replace(/^00/, '+');
      if (!E164.test(phone)) fail('phone', phoneRaw, 'invalid-phone', 'this is not a phone number in international format', 'start with + and the country code, e.g. +212 6 12 34 56 78 or +34 612 345 678');
      else recipient.phone = phone;
    }
    const did = cell('did');
    if (did !== '') {
      if (did.length > 500 || !DID.test(did)) fail('did', did, 'invalid-did', 'this is not a DID', 'write the holder\'s DID, e.g. did:key:z6Mk..., or leave the cell empty');
      else recipient.did = did;
    }
    const contactColumnsPresent = hasColumn('email') || hasColumn('phone') || hasColumn('did');
    if (contactColumnsPresent && email === '' && phoneRaw === '' && did === '') {
      const column = hasColumn('email') ? 'email' : hasColumn('phone') ? 'phone' : 'did';
      fail(column, undefined, 'missing-contact', 'the row has no e-mail, phone or DID, so the recipient cannot receive the credential', 'fill in at least one of email, phone or did');
    }

    const credits = cell('creditsEarned');
    if (credits !== '') {
      const value = Number(credits.replace(',', '.'));
      const available = achievement.definition.creditsAvailable;
      if (!NUMBER.test(credits)) fail('creditsEarned', credits, 'invalid-number', 'credits must be a number', 'write a number such as 12 or 12.5');
      else if (available !== undefined && value > available) fail('creditsEarned', credits, 'too-many-credits', `the achievement gives at most ${available} credits`, `write a number from 0 to ${available}`);
      else recipient.creditsEarned = value;
    }
    const completedOn = cell('completedOn');
    if (completedOn !== '') {
      if (!isCalendarDate(completedOn)) fail('completedOn', completedOn, 'invalid-date', 'this is not a date in the form YYYY-MM-DD', 'write the date as year-month-day, e.g. 2025-06-30');
      else if (completedOn > today) fail('completedOn', completedOn, 'future-date', `the date is after today (${today})`, 'write the date the training was completed');
      else recipient.completedOn = completedOn;
    }

    for (const rd of achievement.definition.resultDescriptions ?? []) {
      const value = cells.get(`result:${rd.id}`)?.trim() ?? '';
      if (value === '') continue;
      const column = `result:${rd.id}`;
      const levels = (rd.rubricLevels ?? []).map((l) => l.id);
      if (rd.resultType === 'RubricCriterionLevel') {
        const level = levels.find((id) => id === value.toLowerCase());
        if (!level) fail(column, value, 'unknown-rubric-level', `"${value}" is not a level of "${rd.id}"`, `write one of ${levels.join(', ')}`);
        else (recipient.results ??= {})[rd.id] = level;
      } else if (rd.allowedValues?.length && !rd.allowedValues.includes(value)) {
        fail(column, value, 'value-not-allowed', `"${value}" is not an allowed value of "${rd.id}"`, `write one of ${rd.allowedValues.join(', ')}`);
      } else if ((rd.valueMin !== undefined || rd.valueMax !== undefined) && !inRange(value, rd.valueMin, rd.valueMax)) {
        fail(column, value, 'value-out-of-range', `"${value}" is not a number from ${rd.valueMin ?? '-∞'} to ${rd.valueMax ?? '∞'}`, `write a number from ${rd.valueMin ?? '-∞'} to ${rd.valueMax ?? '∞'}`);
      } else if (value.length > 100) {
        fail(column, value.slice(0, 50), 'value-too-long', 'the result is longer than 100 characters', 'shorten it');
      } else {
        (recipient.results ??= {})[rd.id] = value;
      }
    }

    const explicitKey = cell('key');
    if (explicitKey.length > 200) fail('key', explicitKey.slice(0, 50), 'invalid-key', 'the key is longer than 200 characters', 'use a shorter identifier, e.g. the trainee number');
    const key = explicitKey !== '' ? `key:${explicitKey}`
      : recipient.did ? recipient.did : recipient.email ? `email:${recipient.email}` : recipient.phone ? `phone:${recipient.phone}` : undefined;
    if (key !== undefined && rowErrors.length === 0) {
      const first = firstLineOfKey.get(key);
      if (first !== undefined) {
        const column = explicitKey !== '' ? 'key' : recipient.did ? 'did' : recipient.email ? 'email' : 'phone';
        fail(column, explicitKey || recipient.did || recipient.email || recipient.phone, 'duplicate-recipient',
          `this row is the same recipient as line ${first}${explicitKey ? ' (same key)' : ''}`,
          'remove the duplicate row; if two people share a contact, give each row its own value in a "key" column (e.g. trainee number)');
      } else {
        firstLineOfKey.set(key, line);
      }
    }
    if (rowErrors.length > 0) errors.push(...rowErrors.map((e) => ({ ...e, column: table.columns.get(e.column) ?? e.column })));
    else if (key !== undefined) rows.push({ line, key, recipient });
  }
  errors.sort((a, b) => a.line - b.line);
  return { rows, errors: errors.slice(0, MAX_REPORTED_ERRORS), errorCount: errors.length };
}

function isCalendarDate(value: string): boolean {
  const match = DATE.exec(value);
  if (!match) return false;
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(value);
}

function inRange(value: string, min: string | undefined, max: string | undefined): boolean {
  const n = Number(value.replace(',', '.'));
  if (value.trim() === '' || Number.isNaN(n)) return false;
  return (min === undefined || n >= Number(min)) && (max === undefined || n <= Number(max));
}

/** Cells are keyed by canonical column (name, email, ...) or "result:<id>". */
function cellKey(meaning: ColumnMeaning): string | undefined {
  if (meaning.kind === 'field') return meaning.column;
  if (meaning.kind === 'result') return `result:${meaning.resultId}`;
  return undefined;
}

/**
 * Parsing stops at the first row beyond MAX_ROWS: the file is refused as a whole, naming the limit and the line, before
 * a 16 MB file of tiny rows becomes millions of records in memory.
 */
function tooManyRows(line: number) {
  return badRequest('too-many-rows', `The file has more than ${MAX_ROWS} rows (line ${line} is row ${MAX_ROWS + 1}); one batch takes at most ${MAX_ROWS}: split the file into several batches`, {
    limit: MAX_ROWS, line,
  });
}

async function csvTable(content: Buffer, meaningOf: (h: string) => ColumnMeaning, unknown: (line: number, h: string) => RowError): Promise<Table> {
  // The header plus MAX_ROWS rows.
  const parsed = await parseCsv(content, { maxRecords: MAX_ROWS + 1 });
  if (parsed.overflowLine !== undefined) throw tooManyRows(parsed.overflowLine);
  const errors: RowError[] = parsed.problems.map((p) => ({ line: p.line, column: '', code: 'invalid-csv', problem: p.problem, fix: p.fix }));
  // A record the parser could not finish (an unclosed quote) is not among the records: the CSV error says it all.
  const records = parsed.records;
  const header = records.shift();
  const columns = new Map<string, string>();
  if (!header) return { rows: [], errors, columns };
  const keys: Array<string | undefined> = header.fields.map((raw, index) => {
    const title = raw.trim();
    if (title === '') {
      errors.push({ line: header.line, column: `(column ${index + 1})`, code: 'empty-header', problem: `column ${index + 1} has no name in the header`, fix: 'name the column or remove it' });
      return undefined;
    }
    const meaning = meaningOf(title);
    const key = cellKey(meaning);
    if (!key) {
      errors.push(unknown(header.line, title));
      return undefined;
    }
    if (columns.has(key)) {
      errors.push({ line: header.line, column: title, code: 'duplicate-column', problem: `the header names ${key} twice`, fix: 'remove one of the two columns' });
      return undefined;
    }
    columns.set(key, title);
    return key;
  });
  const rows = records.map(({ line, fields }) => {
    const cells = new Map<string, string>();
    if (fields.length > header.fields.length) {
      errors.push({
        line, column: `(column ${header.fields.length + 1})`, code: 'too-many-fields',
        problem: `the row has ${fields.length} fields but the header has ${header.fields.length}`,
        fix: `put values that contain "${parsed.delimiter}" in double quotes, or remove the extra fields`,
      });
    }
    keys.forEach((key, index) => { if (key) cells.set(key, fields[index] ?? ''); });
    return { line, cells };
  });
  return { rows, errors, columns };
}

function jsonLinesTable(content: string, meaningOf: (h: string) => ColumnMeaning, unknown: (line: number, h: string) => RowError): Table {
  const parsed = parseJsonLines(content, { maxLines: MAX_ROWS });
  if (parsed.overflowLine !== undefined) throw tooManyRows(parsed.overflowLine);
  const errors: RowError[] = parsed.problems.map((p) => ({ line: p.line, column: '', code: 'invalid-json-line', problem: p.problem, fix: p.fix }));
  const columns = new Map<string, string>();
  const reportedUnknown = new Set<string>();
  const rows = parsed.lines.map(({ line, value }) => {
    const cells = new Map<string, string>();
    for (const [name, raw] of Object.entries(value)) {
      const key = cellKey(meaningOf(name));
      if (!key) {
        // A misspelt key is usually on every line: report it once, where it first appears.
        if (!reportedUnknown.has(name)) errors.push(unknown(line, name));
        reportedUnknown.add(name);
        continue;
      }
      if (raw !== null && typeof raw !== 'string' && typeof raw !== 'number') {
        errors.push({ line, column: name, code: 'invalid-value-type', problem: `the value of "${name}" is ${Array.isArray(raw) ? 'an array' : typeof raw}`, fix: 'write a string or a number' });
        continue;
      }
      if (!columns.has(key)) columns.set(key, name);
      cells.set(key, raw === null ? '' : String(raw));
    }
    return { line, cells };
  });
  return { rows, errors, columns };
}
