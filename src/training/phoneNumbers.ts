import { readFileSync } from 'node:fs';

interface CallingPlan { callingCode: string; trunkPrefixes: string[] }

const PLANS = (JSON.parse(readFileSync(new URL('../../data/phone/calling-codes.json', import.meta.url), 'utf8')) as {
  countries: Record<string, CallingPlan>;
}).countries;

const E164 = /^\+[1-9]\d{6,14}$/;

/**
 * A phone number as a spreadsheet holds it, in E.164 (+33612345678), or undefined when it cannot be one.
 * International forms (+33 6 12 34 56 78, 0033 6..., +33 (0)6 ...) are kept as they are; a national form
 * (06 12 34 56 78) takes the calling code of `country`, the organisation's, after its trunk prefix is dropped.
 */
export function toE164(raw: string, country: string | undefined): string | undefined {
  // "(0)" after a calling code is the trunk prefix written for national callers: it is not dialled from abroad.
  const compact = raw.trim().replace(/^(\+|00)(\d{1,3})\s*\(0\)/, '$1$2').replace(/[\s\u00a0().\-/]/g, '');
  if (compact.startsWith('+')) return E164.test(compact) ? compact : undefined;
  if (compact.startsWith('00')) return E164.test(`+${compact.slice(2)}`) ? `+${compact.slice(2)}` : undefined;
  const plan = country ? PLANS[country.toUpperCase()] : undefined;
  if (!plan || !/^\d+$/.test(compact)) return undefined;
  const trunk = plan.trunkPrefixes.find((prefix) => compact.startsWith(prefix));
  const international = `+${plan.callingCode}${trunk ? compact.slice(trunk.length) : compact}`;
  return E164.test(international) ? international : undefined;
}

/** The calling code of a country this service knows the numbering of ("33" for FR). */
export const callingCodeOf = (country: string | undefined): string | undefined => (country ? PLANS[country.toUpperCase()]?.callingCode : undefined);
