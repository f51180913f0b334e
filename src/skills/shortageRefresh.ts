/**
 * A new edition of a shortage list, read from the publisher's file (rows of a CSV export): the list keeps its id,
 * country and region, takes the new edition's source and date, and keeps only the corridors' sectors (ISCO-08 unit
 * groups with occupations in the ESCO subset). ISCO-08 groups come from the file's own code column when it has one
 * (the publisher's word), or else from the previous edition's entry with the same title (our earlier reading);
 * titles with neither are reported, never guessed.
 */
import { AppError, badRequest } from '../errors.js';
import { getOccupation, listIscoGroups, listOccupations } from './catalogue.js';
import type { IscoMappingBasis, ShortageEntry, ShortageList, ShortageSource } from './shortages.js';

export interface ShortageEdition {
  previous: ShortageList;
  rows: ReadonlyArray<Record<string, string>>;
  titleColumn: string;
  /** A column of ISCO-08 unit groups in the file; without it, groups are carried over from the previous edition by title. */
  iscoColumn?: string;
  /** Who wrote the ISCO column: the publisher by default. */
  iscoMappedBy?: IscoMappingBasis;
  /** A column of ESCO occupation URIs (separated by spaces, commas or semicolons). */
  escoColumn?: string;
  source: Pick<ShortageSource, 'url' | 'published' | 'retrieved'> & Partial<ShortageSource>;
  period?: string;
}

export interface RefreshedList {
  list: ShortageList;
  /** Titles whose ISCO-08 group is outside the corridors' sectors (left out, as the subset rule says). */
  outsideSectors: string[];
  /** Titles with no ISCO-08 group: neither the file nor the previous edition gives one. */
  unmapped: string[];
}

const DATE = /^\d{4}(-\d{2}(-\d{2})?)?$/;
const titleKey = (title: string) => title.normalize('NFC').trim().replace(/\s+/g, ' ').toLowerCase();

export function refreshShortageList(edition: ShortageEdition): RefreshedList {
  const { previous, rows, titleColumn, iscoColumn, escoColumn } = edition;
  for (const column of [titleColumn, iscoColumn, escoColumn]) {
    if (column !== undefined && rows.length > 0 && !(column in rows[0]!)) {
      throw badRequest('missing-column', `The file has no column "${column}"; its columns are: ${Object.keys(rows[0]!).join(', ')}.`);
    }
  }
  if (!DATE.test(edition.source.published)) throw badRequest('invalid-date', `published must be YYYY-MM-DD, YYYY-MM or YYYY, not "${edition.source.published}".`);

  const unitGroups = new Set(listIscoGroups().filter((group) => group.code.length === 4).map((group) => group.code));
  const sectorGroups = new Set(listOccupations().map((occupation) => occupation.iscoGroup));
  const earlier = new Map(previous.entries.map((entry) => [titleKey(entry.nationalTitle), entry]));
  const problems: string[] = [];
  const entries: ShortageEntry[] = [];
  const seen = new Set<string>();
  const outsideSectors: string[] = [];
  const unmapped: string[] = [];

  rows.forEach((row, index) => {
    const line = index + 2; // line 1 is the header
    const nationalTitle = (row[titleColumn] ?? '').trim();
    if (!nationalTitle || seen.has(titleKey(nationalTitle))) return;
    seen.add(titleKey(nationalTitle));
    const before = earlier.get(titleKey(nationalTitle));
    const isco = iscoColumn ? (row[iscoColumn] ?? '').trim() : before?.isco;
    if (!isco) return void unmapped.push(nationalTitle);
    if (!unitGroups.has(isco)) return void problems.push(`line ${line}: "${isco}" is not an ISCO-08 unit group (4 digits)`);
    if (!sectorGroups.has(isco)) return void outsideSectors.push(nationalTitle);
    const escoOccupations = escoColumn ? splitUris(row[escoColumn]) : before?.isco === isco ? before.escoOccupations : [];
    for (const uri of escoOccupations) {
      const group = occupationGroup(uri);
      if (group !== isco) problems.push(`line ${line}: ${uri} is ${group ? `in ISCO-08 group ${group}, not ${isco}` : 'not an ESCO occupation of the catalogue'}`);
    }
    entries.push({ isco, nationalTitle, escoOccupations, ...(before?.note && before.isco === isco ? { note: before.note } : {}) });
  });
  if (problems.length > 0) throw badRequest('invalid-shortage-file', `Fix these lines of the file: ${problems.join('; ')}.`);
  if (entries.length === 0) throw badRequest('no-entries', 'No row of the file gives an occupation of the corridors\' sectors with an ISCO-08 group; nothing was written.');

  const { via: _pressReport, ...officialSource } = previous.source;
  const list: ShortageList = {
    ...previous,
    ...(edition.period ? { period: edition.period } : {}),
    source: { ...officialSource, ...edition.source },
    mappedBy: iscoColumn ? (edition.iscoMappedBy ?? 'publisher') : previous.mappedBy,
    entries,
  };
  delete list.nonePublished;
  return { list, outsideSectors, unmapped };
}

function splitUris(cell: string | undefined): string[] {
  return (cell ?? '').split(/[\s,;]+/).filter(Boolean);
}

function occupationGroup(uri: string): string | undefined {
  try {
    return getOccupation(uri).iscoGroup;
  } catch (error) {
    if (error instanceof AppError) return undefined;
    throw error;
  }
}
