import { badRequest } from '../errors.js';

/**
 * Aggregate counts of issued credentials (never of people), published under k-anonymity.
 *
 * Why nothing suppressed can be recovered, from one table, from its totals, or by differencing two queries: every
 * credential falls in exactly one *group* (issuing organisation, month, corridor, occupation, skills, levels, route,
 * revoked or not). A group of fewer than k credentials is withheld as a whole, and every published figure (any
 * dimensions, any period length, any row, total or organisation's own view) is a sum of whole groups of at least k.
 * So everything any caller can ever be shown is a function of the published groups alone: a withheld group's size
 * enters no figure, and no sum or difference of figures can bring it back. The price: a published figure counts only
 * the credentials in published groups, and says so (`withheld`); figures are lower bounds, never estimates.
 */

export const MIN_K = 5;
export const DEFAULT_K = 10;
export const PERIODS = ['month', 'quarter', 'year'] as const;
export type Period = (typeof PERIODS)[number];
export const DIMENSIONS = ['country', 'corridor', 'isco', 'skill', 'level', 'route'] as const;
export type Dimension = (typeof DIMENSIONS)[number];
export const ROUTES = ['training', 'validation', 'partial-validation', 'unspecified'] as const;
export type Route = (typeof ROUTES)[number];

/** What the service knows about one issued credential: no person, no name, no identifier of the holder. */
export interface CredentialFact {
  organisationId: string;
  /** YYYY-MM of issuance. */
  month: string;
  /** ISO 3166-1 alpha-2 of the issuing organisation. */
  country: string;
  /** "MA-ES": certified in the first country, levelled in the second's national framework; null when unknown. */
  corridor: string | null;
  /** ISCO-08 unit group (4 digits), null when the credential names no occupation. */
  isco: string | null;
  /** ESCO skill URIs. */
  skills: string[];
  /** Framework level refs, "eqf:4", "ma-cnc:3". */
  levels: string[];
  route: Route;
  revoked: boolean;
}

/** The unit of suppression: credentials alike in everything a table can show. */
export interface Group extends CredentialFact { count: number }

export function groupsOf(facts: readonly CredentialFact[]): Group[] {
  const groups = new Map<string, Group>();
  for (const fact of facts) {
    const normalised = { ...fact, skills: [...new Set(fact.skills)].sort(), levels: [...new Set(fact.levels)].sort() };
    const key = JSON.stringify([normalised.organisationId, normalised.month, normalised.country, normalised.corridor, normalised.isco,
      normalised.skills, normalised.levels, normalised.route, normalised.revoked]);
    const group = groups.get(key);
    if (group) group.count += 1;
    else groups.set(key, { ...normalised, count: 1 });
  }
  return [...groups.values()];
}

export interface TableRequest {
  period: Period;
  /** At most three, in the order the rows are keyed. */
  by: Dimension[];
  /** ISCO-08 digit level shown for `isco`: 1 (major group) to 4 (unit group). */
  iscoDigits: number;
  k: number;
  /** Whole months, inclusive, YYYY-MM. */
  from?: string;
  to?: string;
}

export interface TableRow {
  period: string;
  keys: Partial<Record<Dimension, string>>;
  /** Credentials in force, counted in published groups. */
  inForce: number;
  /** Revoked credentials, counted apart, in published groups. */
  revoked: number;
  /** True when some group of fewer than k credentials that would fall in this row is left out of it. */
  withheld: boolean;
}

export interface Table {
  period: Period;
  by: Dimension[];
  iscoDigits: number;
  k: number;
  from: string | null;
  to: string | null;
  rows: TableRow[];
  /** Over the whole table, each credential once (skills and levels are many per credential, so rows may sum to more). */
  total: { inForce: number; revoked: number; withheld: boolean };
}

const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;

/** Checks a request; a k below MIN_K is refused, never raised silently. */
export function tableRequest(input: { period?: string; by?: string; iscoDigits?: number; k?: number; from?: string; to?: string }): TableRequest {
  const period = (input.period ?? 'quarter') as Period;
  if (!PERIODS.includes(period)) throw badRequest('invalid-statistics-request', `period must be one of ${PERIODS.join(', ')}`);
  const by = (input.by ? input.by.split(',').map((d) => d.trim()).filter(Boolean) : []) as Dimension[];
  const unknown = by.filter((d) => !DIMENSIONS.includes(d));
  if (unknown.length) throw badRequest('invalid-statistics-request', `by names unknown dimensions (${unknown.join(', ')}); use ${DIMENSIONS.join(', ')}`);
  if (new Set(by).size !== by.length || by.length > 3) throw badRequest('invalid-statistics-request', 'by lists at most three different dimensions');
  const iscoDigits = input.iscoDigits ?? 4;
  if (!Number.isInteger(iscoDigits) || iscoDigits < 1 || iscoDigits > 4) throw badRequest('invalid-statistics-request', 'iscoDigits is 1 (major group) to 4 (unit group)');
  const k = input.k ?? DEFAULT_K;
  if (!Number.isInteger(k) || k < MIN_K) {
    throw badRequest('k-too-small', `k must be a whole number of at least ${MIN_K}: a smaller group of credentials could single people out`, { min: MIN_K });
  }
  for (const [name, value] of [['from', input.from], ['to', input.to]] as const) {
    if (value !== undefined && !MONTH.test(value)) throw badRequest('invalid-statistics-request', `${name} is a month, YYYY-MM`);
  }
  return { period, by, iscoDigits, k, from: input.from, to: input.to };
}

export function periodOf(month: string, period: Period): string {
  if (period === 'month') return month;
  const [year, m] = month.split('-');
  return period === 'year' ? year! : `${year}-Q${Math.ceil(Number(m) / 3)}`;
}

/** The values a group shows for a dimension: one for most, one per skill or level (a credential has several). */
function valuesOf(group: Group, dimension: Dimension, iscoDigits: number): string[] {
  switch (dimension) {
    case 'country': return [group.country];
    case 'corridor': return [group.corridor ?? 'unknown'];
    case 'isco': return [group.isco ? group.isco.slice(0, iscoDigits) : 'unknown'];
    case 'skill': return group.skills.length ? group.skills : ['none'];
    case 'level': return group.levels.length ? group.levels : ['none'];
    case 'route': return [group.route];
  }
}

function combinations(lists: string[][]): string[][] {
  return lists.reduce<string[][]>((acc, list) => acc.flatMap((prefix) => list.map((v) => [...prefix, v])), [[]]);
}

/** The published table: sums of whole groups of at least k, rows sorted by period then keys. */
export function tabulate(groups: readonly Group[], request: TableRequest): Table {
  const rows = new Map<string, TableRow>();
  const total = { inForce: 0, revoked: 0, withheld: false };
  for (const group of groups) {
    if ((request.from && group.month < request.from) || (request.to && group.month > request.to)) continue;
    const published = group.count >= request.k;
    const period = periodOf(group.month, request.period);
    if (published) total[group.revoked ? 'revoked' : 'inForce'] += group.count;
    else total.withheld = true;
    for (const values of combinations(request.by.map((d) => valuesOf(group, d, request.iscoDigits)))) {
      const key = JSON.stringify([period, ...values]);
      let row = rows.get(key);
      if (!row) {
        row = { period, keys: Object.fromEntries(request.by.map((d, i) => [d, values[i]!])), inForce: 0, revoked: 0, withheld: false };
        rows.set(key, row);
      }
      if (published) row[group.revoked ? 'revoked' : 'inForce'] += group.count;
      else row.withheld = true;
    }
  }
  const sorted = [...rows.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, row]) => row);
  return { period: request.period, by: request.by, iscoDigits: request.iscoDigits, k: request.k, from: request.from ?? null, to: request.to ?? null, rows: sorted, total };
}

/** The same figures as CSV (RFC 4180), one line per row; a withheld part is flagged, never estimated. */
export function tableCsv(table: Table): string {
  const quote = (value: string) => (/[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value);
  const header = ['period', ...table.by, 'in_force', 'revoked', 'withheld'];
  const lines = table.rows.map((row) => [row.period, ...table.by.map((d) => row.keys[d] ?? ''), String(row.inForce), String(row.revoked), String(row.withheld)]);
  return [header, ...lines].map((line) => line.map(quote).join(',')).join('\r\n') + '\r\n';
}
