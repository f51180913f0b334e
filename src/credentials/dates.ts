/**
 * Dates from outside (credential properties, JWT claims), read without ever producing an Invalid Date: each reader
 * answers a Date, `undefined` when the value is absent, or a message saying why it is not a usable date.
 */

/** XML Schema dateTimeStamp, as the VC Data Model requires: date, time and a time zone. */
const DATE_TIME = /^-?\d{4,}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])T([01]\d|2[0-3]):[0-5]\d:([0-5]\d|60)(\.\d+)?(Z|[+-]([01]\d|2[0-3]):[0-5]\d)$/i;

/** JavaScript dates span ±8.64e15 ms around 1970 (years -271821 to 275760); a NumericDate counts seconds. */
const MAX_NUMERIC_DATE = 8.64e12;

export type DateReading = { date: Date; problem?: undefined } | { date?: undefined; problem?: string };

export function readDateTime(value: unknown, name: string): DateReading {
  if (value === undefined) return {};
  if (typeof value !== 'string' || !DATE_TIME.test(value)) return { problem: `${name} is not an XML Schema date-time (got ${JSON.stringify(value)?.slice(0, 40)})` };
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return { problem: `${name} (${value}) is outside the dates this service can represent (years -271821 to 275760)` };
  return { date };
}

/** A JWT NumericDate (RFC 7519: seconds since 1970, possibly fractional). */
export function readNumericDate(value: unknown, name: string): DateReading {
  if (value === undefined) return {};
  if (typeof value !== 'number' || !Number.isFinite(value)) return { problem: `JWT claim ${name} is not a NumericDate (seconds since 1970)` };
  if (Math.abs(value) > MAX_NUMERIC_DATE) return { problem: `JWT claim ${name} (${value}) is outside the dates this service can represent (years -271821 to 275760)` };
  return { date: new Date(value * 1000) };
}
