import type { Achievement } from './achievements.js';
import type { Recipient } from './achievementCredential.js';
import { badRequest } from '../errors.js';
import { parseCsv, type CsvProblem } from './csv.js';
import { parseJsonLines, type JsonLineProblem } from './jsonLines.js';
import { callingCodeOf, toE164 } from './phoneNumbers.js';
import { countryName, translate, type MessageKey, type PageLang } from '../web/i18n.js';

/** What is wrong with one cell (or the header), and what to do about it. */
export interface RowError { line: number; column: string; value?: string; code: string; problem: string; fix: string }
export interface ValidRow { line: number; key: string; recipient: Recipient }

export const FILE_FORMATS = ['csv', 'jsonl'] as const;
export type FileFormat = (typeof FILE_FORMATS)[number];

/** A cohort is hundreds to a few thousand people; 20,000 rows bounds one upload without refusing a real one. */
export const MAX_ROWS = 20_000;
/** Beyond this many errors the file is probably not a recipient list at all; the rest are counted, not listed. */
export const MAX_REPORTED_ERRORS = 1_000;

export const COLUMNS = ['key', 'name', 'email', 'phone', 'did', 'creditsEarned', 'completedOn', 'givenName', 'familyName'] as const;
type Column = (typeof COLUMNS)[number];

/**
 * Header spellings people use, in the languages of the corridors (compared without case, accents, spaces, "_", "-" or
 * apostrophes). "nom" and "nombre" name the person; next to "prénom" (or "apellidos") they are the other half.
 */
const ALIASES: Record<string, Column> = {
  key: 'key', rowkey: 'key', id: 'key', identifiant: 'key', matricule: 'key', cle: 'key', clave: 'key', numero: 'key',
  name: 'name', fullname: 'name', nom: 'name', nomcomplet: 'name', nomprenom: 'name', prenomnom: 'name', nometprenom: 'name',
  nombre: 'name', nombrecompleto: 'name', nombreyapellidos: 'name', 'الاسم': 'name', 'الاسمالكامل': 'name',
  givenname: 'givenName', firstname: 'givenName', forename: 'givenName', prenom: 'givenName', 'الاسمالشخصي': 'givenName',
  familyname: 'familyName', lastname: 'familyName', surname: 'familyName', nomdefamille: 'familyName', nomdusage: 'familyName',
  apellidos: 'familyName', apellido: 'familyName', 'الاسمالعائلي': 'familyName', 'النسب': 'familyName',
  email: 'email', mail: 'email', courriel: 'email', adresseemail: 'email', adressemail: 'email', adressecourriel: 'email',
  correo: 'email', correoelectronico: 'email', 'البريدالإلكتروني': 'email', 'البريدالالكتروني': 'email',
  phone: 'phone', telephone: 'phone', tel: 'phone', mobile: 'phone', portable: 'phone', telephoneportable: 'phone', gsm: 'phone',
  numerodetelephone: 'phone', telefono: 'phone', movil: 'phone', celular: 'phone', telefonomovil: 'phone', 'الهاتف': 'phone',
  did: 'did', holderdid: 'did', holder: 'did',
  creditsearned: 'creditsEarned', credits: 'creditsEarned', credit: 'creditsEarned', creditsobtenus: 'creditsEarned',
  creditos: 'creditsEarned', ects: 'creditsEarned',
  completedon: 'completedOn', completiondate: 'completedOn', date: 'completedOn', datedobtention: 'completedOn',
  datedefin: 'completedOn', datefin: 'completedOn', fecha: 'completedOn', fechadeobtencion: 'completedOn',
  fechadefinalizacion: 'completedOn', fechafin: 'completedOn', 'التاريخ': 'completedOn',
};

/** "result", "résultat", "resultado" (alone when the achievement has one result, or followed by ":<result id>"). */
const RESULT_COLUMN = /^(?:result|resultat|resultado|note)(?:\s*[:.]\s*(.+))?$/i;
const withoutAccents = (text: string) => text.normalize('NFD').replace(/[\u0300-\u036f]/g, '');
const normaliseHeader = (header: string) => withoutAccents(header.trim().toLowerCase()).replace(/[\s_'’-]+/g, '');

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const DID = /^did:[a-z0-9]+:[A-Za-z0-9._:%-]+(?:#[A-Za-z0-9._:%-]*)?$/;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
/** Day first, as French, Spanish and Moroccan spreadsheets write it: 20/06/2025, 20.06.2025, 20-06-2025, 2/6/2025. */
const DAY_FIRST_DATE = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/;
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

export interface ReadOptions {
  /** The language of the problems and fixes (default English). */
  lang?: PageLang;
  /** ISO 3166-1 alpha-2 of the issuing organisation: phone numbers written the national way take its calling code. */
  country?: string;
}

/** The problem and its fix in `lang` (locales/<lang>.json, keys rows.<id>.problem and rows.<id>.fix). */
export function rowMessage(lang: PageLang, id: string, params: Record<string, string | number> = {}): { problem: string; fix: string } {
  return { problem: translate(lang, `rows.${id}.problem` as MessageKey, params), fix: translate(lang, `rows.${id}.fix` as MessageKey, params) };
}

const CSV_PROBLEM_IDS: Record<CsvProblem['kind'], string> = { 'unclosed-quote': 'csv-unclosed-quote', 'record-too-long': 'csv-record-too-long', unreadable: 'csv-unreadable' };
const JSON_LINE_PROBLEM_IDS: Record<JsonLineProblem['kind'], string> = { 'line-too-long': 'json-line-too-long', 'invalid-json': 'json-invalid', 'not-an-object': 'json-not-object' };

/**
 * Reads and checks every row of a recipient file against the achievement. Nothing is issued unless this returns no
 * errors, and it returns all of them at once so that the file can be fixed in one go.
 */
export async function readRecipientFile(content: Buffer, format: FileFormat, achievement: Achievement, today: string, options: ReadOptions = {}): Promise<ParsedRows> {
  const lang = options.lang ?? 'en';
  const say = (id: string, params: Record<string, string | number> = {}) => rowMessage(lang, id, params);
  const resultIds = (achievement.definition.resultDescriptions ?? []).map((rd) => rd.id);
  const meaningOf = (header: string): ColumnMeaning => {
    const result = RESULT_COLUMN.exec(withoutAccents(header.trim()));
    if (result) {
      const id = result[1]?.trim().toLowerCase() ?? (resultIds.length === 1 ? resultIds[0] : undefined);
      return id !== undefined && resultIds.includes(id) ? { kind: 'result', resultId: id } : { kind: 'unknown' };
    }
    const column = ALIASES[normaliseHeader(header)];
    return column ? { kind: 'field', column } : { kind: 'unknown' };
  };
  const unknownColumnError = (line: number, header: string): RowError => {
    const results = resultIds.length === 0 ? '' : resultIds.length === 1 ? ', result' : `, ${resultIds.map((id) => `result:${id}`).join(', ')}`;
    const isResult = RESULT_COLUMN.test(withoutAccents(header.trim()));
    const code = isResult ? 'unknown-result-column' : 'unknown-column';
    return { line, column: header, code, ...say(code, { header, results: resultIds.join(', ') || '—', columns: `${COLUMNS.join(', ')}${results}` }) };
  };
  const fromCsv = (p: CsvProblem): RowError => ({
    line: p.line, column: '', code: 'invalid-csv', ...say(CSV_PROBLEM_IDS[p.kind], { line: String(p.line), maxKb: String(p.maxKb ?? ''), detail: p.detail ?? '' }),
  });
  const fromJsonLine = (p: JsonLineProblem): RowError => ({
    line: p.line, column: '', code: 'invalid-json-line',
    ...say(JSON_LINE_PROBLEM_IDS[p.kind], { maxK: String(p.maxK ?? ''), detail: p.detail ?? '', example: '{"name": "Amina Tahiri", "email": "amina@example.org"}' }),
  });

  const table = format === 'csv'
    ? await csvTable(content, meaningOf, unknownColumnError, fromCsv, say, lang)
    : jsonLinesTable(content.toString('utf8'), meaningOf, unknownColumnError, fromJsonLine, say, lang);
  const errors = [...table.errors];
  const hasColumn = (column: Column) => table.columns.has(column);
  // First and last names in two columns make the name; "nom" beside "prénom" is the last name, "nombre" beside
  // "apellidos" the first.
  const givenColumn: Column | undefined = hasColumn('givenName') ? 'givenName' : hasColumn('familyName') && hasColumn('name') ? 'name' : undefined;
  const familyColumn: Column | undefined = hasColumn('familyName') ? 'familyName' : hasColumn('givenName') && hasColumn('name') ? 'name' : undefined;
  const nameColumns: Column[] = givenColumn || familyColumn ? [givenColumn, familyColumn].filter((c) => c !== undefined) : ['name'];
  const hasName = nameColumns.some(hasColumn);
  if (table.rows.length === 0 && errors.length === 0) {
    errors.push({ line: 1, column: '', code: 'no-rows', ...say('no-rows') });
  }
  const headerLine = format === 'csv' ? 1 : (table.rows[0]?.line ?? 1);
  if (table.rows.length > 0 && !hasName) {
    errors.push({ line: headerLine, column: 'name', code: 'missing-column', ...say('missing-name-column') });
  }
  if (table.rows.length > 0 && !hasColumn('email') && !hasColumn('phone') && !hasColumn('did')) {
    errors.push({ line: headerLine, column: 'email', code: 'missing-column', ...say('missing-contact-column') });
  }
  const callingCode = callingCodeOf(options.country);
  const phoneMessage = callingCode
    ? () => say('invalid-phone-national', { country: countryName(options.country!, lang), code: callingCode })
    : () => say('invalid-phone');

  const rows: ValidRow[] = [];
  const firstLineOfKey = new Map<string, number>();
  for (const { line, cells } of table.rows) {
    const rowErrors: RowError[] = [];
    const fail = (column: string, value: string | undefined, code: string, message: { problem: string; fix: string }) =>
      rowErrors.push({ line, column, ...(value !== undefined ? { value } : {}), code, ...message });
    const cell = (column: string) => cells.get(column)?.trim() ?? '';

    const name = nameColumns.map(cell).filter((part) => part !== '').join(' ');
    if (hasName) {
      if (name === '') fail(nameColumns[0]!, undefined, 'missing-value', say('missing-name'));
      else if (name.length > 200 || CONTROL.test(name)) fail(nameColumns[0]!, name.slice(0, 50), 'invalid-name', say('invalid-name'));
    }
    const recipient: Recipient = { name };

    const email = cell('email');
    if (email !== '') {
      if (email.length > 254 || !EMAIL.test(email)) fail('email', email, 'invalid-email', say('invalid-email'));
      else recipient.email = email.toLowerCase();
    }
    const phoneRaw = cell('phone');
    if (phoneRaw !== '') {
      const phone = toE164(phoneRaw, options.country);
      if (!phone) fail('phone', phoneRaw, 'invalid-phone', phoneMessage());
      else recipient.phone = phone;
    }
    const did = cell('did');
    if (did !== '') {
      if (did.length > 500 || !DID.test(did)) fail('did', did, 'invalid-did', say('invalid-did'));
      else recipient.did = did;
    }
    const contactColumnsPresent = hasColumn('email') || hasColumn('phone') || hasColumn('did');
    if (contactColumnsPresent && email === '' && phoneRaw === '' && did === '') {
      const column = hasColumn('email') ? 'email' : hasColumn('phone') ? 'phone' : 'did';
      fail(column, undefined, 'missing-contact', say('missing-contact'));
    }

    const credits = cell('creditsEarned');
    if (credits !== '') {
      const value = Number(credits.replace(',', '.'));
      const available = achievement.definition.creditsAvailable;
      if (!NUMBER.test(credits)) fail('creditsEarned', credits, 'invalid-number', say('invalid-number'));
      else if (available !== undefined && value > available) fail('creditsEarned', credits, 'too-many-credits', say('too-many-credits', { available }));
      else recipient.creditsEarned = value;
    }
    const completedOnRaw = cell('completedOn');
    if (completedOnRaw !== '') {
      const completedOn = isoDateOf(completedOnRaw);
      if (!completedOn) fail('completedOn', completedOnRaw, 'invalid-date', say('invalid-date'));
      else if (completedOn > today) fail('completedOn', completedOnRaw, 'future-date', say('future-date', { today }));
      else recipient.completedOn = completedOn;
    }

    for (const rd of achievement.definition.resultDescriptions ?? []) {
      const value = cells.get(`result:${rd.id}`)?.trim() ?? '';
      if (value === '') continue;
      const column = `result:${rd.id}`;
      const levels = (rd.rubricLevels ?? []).map((l) => l.id);
      const range = { value, min: rd.valueMin ?? '-∞', max: rd.valueMax ?? '∞' };
      if (rd.resultType === 'RubricCriterionLevel') {
        const level = levels.find((id) => id === value.toLowerCase());
        if (!level) fail(column, value, 'unknown-rubric-level', say('unknown-rubric-level', { value, result: rd.id, allowed: levels.join(', ') }));
        else (recipient.results ??= {})[rd.id] = level;
      } else if (rd.allowedValues?.length && !rd.allowedValues.includes(value)) {
        fail(column, value, 'value-not-allowed', say('value-not-allowed', { value, result: rd.id, allowed: rd.allowedValues.join(', ') }));
      } else if ((rd.valueMin !== undefined || rd.valueMax !== undefined) && !inRange(value, rd.valueMin, rd.valueMax)) {
        fail(column, value, 'value-out-of-range', say('value-out-of-range', range));
      } else if (value.length > 100) {
        fail(column, value.slice(0, 50), 'value-too-long', say('value-too-long'));
      } else {
        (recipient.results ??= {})[rd.id] = value;
      }
    }

    const explicitKey = cell('key');
    if (explicitKey.length > 200) fail('key', explicitKey.slice(0, 50), 'invalid-key', say('invalid-key'));
    const key = explicitKey !== '' ? `key:${explicitKey}`
      : recipient.did ? recipient.did : recipient.email ? `email:${recipient.email}` : recipient.phone ? `phone:${recipient.phone}` : undefined;
    if (key !== undefined && rowErrors.length === 0) {
      const first = firstLineOfKey.get(key);
      if (first !== undefined) {
        const column = explicitKey !== '' ? 'key' : recipient.did ? 'did' : recipient.email ? 'email' : 'phone';
        fail(column, explicitKey || recipient.did || recipient.email || recipient.phone, 'duplicate-recipient',
          say(explicitKey ? 'duplicate-key' : 'duplicate-recipient', { first: String(first) }));
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

/** The date as YYYY-MM-DD, from ISO or day/month/year; undefined when it is no calendar day (31/02/2025). */
export function isoDateOf(value: string): string | undefined {
  const dayFirst = DAY_FIRST_DATE.exec(value);
  const iso = dayFirst ? `${dayFirst[3]}-${dayFirst[2]!.padStart(2, '0')}-${dayFirst[1]!.padStart(2, '0')}` : value;
  if (!ISO_DATE.test(iso)) return undefined;
  const date = new Date(`${iso}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(iso) ? iso : undefined;
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
function tooManyRows(line: number, lang: PageLang) {
  const detail = translate(lang, 'rows.too-many-rows', { limit: String(MAX_ROWS), line: String(line), next: String(MAX_ROWS + 1) });
  return badRequest('too-many-rows', detail, {
    limit: MAX_ROWS, line,
  });
}

type Say = (id: string, params?: Record<string, string | number>) => { problem: string; fix: string };

async function csvTable(content: Buffer, meaningOf: (h: string) => ColumnMeaning, unknown: (line: number, h: string) => RowError,
  fromProblem: (p: CsvProblem) => RowError, say: Say, lang: PageLang): Promise<Table> {
  // The header plus MAX_ROWS rows.
  const parsed = await parseCsv(content, { maxRecords: MAX_ROWS + 1 });
  if (parsed.overflowLine !== undefined) throw tooManyRows(parsed.overflowLine, lang);
  const errors: RowError[] = parsed.problems.map(fromProblem);
  // A record the parser could not finish (an unclosed quote) is not among the records: the CSV error says it all.
  const records = parsed.records;
  const header = records.shift();
  const columns = new Map<string, string>();
  if (!header) return { rows: [], errors, columns };
  const keys: Array<string | undefined> = header.fields.map((raw, index) => {
    const title = raw.trim();
    if (title === '') {
      errors.push({ line: header.line, column: `(column ${index + 1})`, code: 'empty-header', ...say('empty-header', { index: String(index + 1) }) });
      return undefined;
    }
    const meaning = meaningOf(title);
    const key = cellKey(meaning);
    if (!key) {
      errors.push(unknown(header.line, title));
      return undefined;
    }
    if (columns.has(key)) {
      errors.push({ line: header.line, column: title, code: 'duplicate-column', ...say('duplicate-column', { column: key }) });
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
        ...say('too-many-fields', { fields: String(fields.length), columns: String(header.fields.length), delimiter: parsed.delimiter }),
      });
    }
    keys.forEach((key, index) => { if (key) cells.set(key, fields[index] ?? ''); });
    return { line, cells };
  });
  return { rows, errors, columns };
}

function jsonLinesTable(content: string, meaningOf: (h: string) => ColumnMeaning, unknown: (line: number, h: string) => RowError,
  fromProblem: (p: JsonLineProblem) => RowError, say: Say, lang: PageLang): Table {
  const parsed = parseJsonLines(content, { maxLines: MAX_ROWS });
  if (parsed.overflowLine !== undefined) throw tooManyRows(parsed.overflowLine, lang);
  const errors: RowError[] = parsed.problems.map(fromProblem);
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
        errors.push({ line, column: name, code: 'invalid-value-type', ...say('invalid-value-type', { column: name }) });
        continue;
      }
      if (!columns.has(key)) columns.set(key, name);
      cells.set(key, raw === null ? '' : String(raw));
    }
    return { line, cells };
  });
  return { rows, errors, columns };
}
