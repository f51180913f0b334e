/**
 * Refreshes one shortage list (data/shortages/<id>.json) from a new edition the operator downloaded from the
 * publisher, exported to CSV (comma, semicolon or tab; UTF-8). Nothing is fetched: the file is read from disk.
 *
 *   npm run data:shortages -- <list id> <file.csv> --title-column NAME --published YYYY-MM-DD --url URL
 *       [--isco-column NAME [--mapped-by publisher|official-crosswalk|passerelle]] [--esco-column NAME]
 *       [--title TEXT] [--period TEXT] [--out FILE]
 *
 * It prints what it kept, what lies outside the corridors' sectors, and the titles it could not place in ISCO-08.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { parse } from 'csv-parse/sync';
import { AppError } from '../src/errors.js';
import { shortageLists, type IscoMappingBasis } from '../src/skills/shortages.js';
import { refreshShortageList } from '../src/skills/shortageRefresh.js';

const USAGE = 'usage: npm run data:shortages -- <list id> <file.csv> --title-column NAME --published YYYY-MM-DD --url URL [--isco-column NAME] [--mapped-by publisher|official-crosswalk|passerelle] [--esco-column NAME] [--title TEXT] [--period TEXT] [--out FILE]\n';
const MAPPING_BASES: readonly IscoMappingBasis[] = ['publisher', 'official-crosswalk', 'passerelle'];

function fail(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(1);
}

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    'title-column': { type: 'string' }, 'isco-column': { type: 'string' }, 'esco-column': { type: 'string' },
    'mapped-by': { type: 'string' }, published: { type: 'string' }, url: { type: 'string' }, title: { type: 'string' },
    period: { type: 'string' }, out: { type: 'string' }, help: { type: 'boolean', short: 'h' },
  },
});
if (values.help) {
  process.stdout.write(USAGE);
  process.exit(0);
}
const [id, file] = positionals;
if (!id || !file || !values['title-column'] || !values.published || !values.url) fail(USAGE);
const previous = shortageLists().find((list) => list.id === id) ?? fail(`No list "${id}" in data/shortages; the lists are: ${shortageLists().map((list) => list.id).join(', ')}.`);
const mappedBy = values['mapped-by'];
if (mappedBy !== undefined && !MAPPING_BASES.includes(mappedBy as IscoMappingBasis)) fail(`--mapped-by must be one of ${MAPPING_BASES.join(', ')}.`);

let rows: Record<string, string>[];
try {
  rows = parse(readFileSync(file), { columns: true, bom: true, delimiter: [',', ';', '\t'], skip_empty_lines: true, trim: true });
} catch (error) {
  fail(`Cannot read ${file} as CSV: ${(error as Error).message}`);
}

try {
  const { list, outsideSectors, unmapped } = refreshShortageList({
    previous,
    rows,
    titleColumn: values['title-column'],
    ...(values['isco-column'] ? { iscoColumn: values['isco-column'] } : {}),
    ...(mappedBy ? { iscoMappedBy: mappedBy as IscoMappingBasis } : {}),
    ...(values['esco-column'] ? { escoColumn: values['esco-column'] } : {}),
    source: {
      url: values.url, published: values.published, retrieved: new Date().toISOString().slice(0, 10),
      ...(values.title ? { title: values.title } : {}),
    },
    ...(values.period ? { period: values.period } : {}),
  });
  const out = values.out ?? new URL(`../data/shortages/${id}.json`, import.meta.url);
  writeFileSync(out, `${JSON.stringify(list, null, 2)}\n`);
  process.stdout.write(`${id}: ${list.entries.length} entries written to ${String(out)} (ISCO-08 groups: ${list.mappedBy}).\n`);
  if (outsideSectors.length) process.stdout.write(`Outside the corridors' sectors, left out (${outsideSectors.length}): ${outsideSectors.join('; ')}\n`);
  if (unmapped.length) process.stdout.write(`No ISCO-08 group, left out (${unmapped.length}); give them one in an ISCO column: ${unmapped.join('; ')}\n`);
} catch (error) {
  if (error instanceof AppError) fail(`${error.code}: ${error.detail}`);
  throw error;
}
