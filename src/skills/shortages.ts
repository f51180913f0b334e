/**
 * Shortage-occupation lists of the corridors' destination and origin countries, as sourced data (data/shortages,
 * one JSON file per list; sources, dates, subset rule and mapping basis in data/shortages/README.md).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { badRequest } from '../errors.js';

export interface ShortageSource {
  publisher: string;
  title: string;
  /** The page that was read. */
  url: string;
  /** ISO 8601 date, as precise as the page states it: YYYY-MM-DD, YYYY-MM or YYYY. */
  published: string;
  retrieved: string;
  licence?: string;
  /** Set when the page read is not the publisher's own (a press report of the list): who reported it. */
  via?: string;
}

export interface ShortageEntry {
  /** ISCO-08 unit group, 4 digits. */
  isco: string;
  nationalTitle: string;
  escoOccupations: string[];
  region?: string;
  note?: string;
}

/**
 * Whose word the ISCO-08 groups are: the publisher's own codes, an official crosswalk, or passerelle's reading of
 * the national titles (our word, not the publisher's).
 */
export type IscoMappingBasis = 'publisher' | 'official-crosswalk' | 'passerelle';

export interface ShortageList {
  id: string;
  /** ISO 3166-1 alpha-2; "EU" (exceptionally reserved in ISO 3166-1) for EU-level reports. */
  country: string;
  /** ISO 3166-2 subdivision when the list is regional, e.g. BE-WAL. */
  region?: string;
  period?: string;
  source: ShortageSource;
  mappedBy: IscoMappingBasis;
  /**
   * Present on the explicit "no published list found" records (then entries is empty): what was searched and what
   * was found instead. Their source is the closest page examined and `published` is the day of the search.
   */
  nonePublished?: { searched: string; found: string };
  entries: ShortageEntry[];
}

const DATA_DIR = new URL('../../data/shortages/', import.meta.url);
const COUNTRY = /^[A-Z]{2}$/;

let cached: readonly ShortageList[] | undefined;

/** Every list, in file-name order; loaded on first use (the files are static for the life of the process). */
export function shortageLists(): readonly ShortageList[] {
  cached ??= readdirSync(DATA_DIR)
    .filter((name) => name.endsWith('.json'))
    .sort()
    .map((name) => JSON.parse(readFileSync(new URL(name, DATA_DIR), 'utf8')) as ShortageList);
  return cached;
}

/** The lists of one country (ISO 3166-1 alpha-2, any case; "EU" for EU-level reports), explicit "none" records included. */
export function shortageListsFor(country: string): readonly ShortageList[] {
  const code = typeof country === 'string' ? country.trim().toUpperCase() : '';
  if (!COUNTRY.test(code)) throw badRequest('invalid-country', 'country must be an ISO 3166-1 alpha-2 code, e.g. ES.');
  return shortageLists().filter((list) => list.country === code);
}
