import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import t from 'tap';
import { AppError } from '../../src/errors.js';
import { refreshShortageList } from '../../src/skills/shortageRefresh.js';
import { shortageLists, type ShortageList } from '../../src/skills/shortages.js';

const run = promisify(execFile);
const forem = shortageLists().find((list) => list.id === 'be-wal-forem-2022')!;
const ESCO_OCCUPATION = 'http://data.europa.eu/esco/occupation/';
const source = { url: 'https://www.leforem.be/metiers-penurie-2024.pdf', published: '2024-06-20', retrieved: '2026-12-01' };

function codeOf(work: () => unknown): string | undefined {
  try {
    work();
  } catch (error) {
    if (error instanceof AppError) return error.code;
    throw error;
  }
  return undefined;
}

t.test('without a code column, a known title keeps our earlier ISCO-08 reading and its ESCO links', async (t) => {
  const rows = [{ Métier: '  Maçon –  Maçonne ' }, { Métier: 'Coffreur – Coffreuse' }, { Métier: 'Maçon – Maçonne' }];
  const { list, unmapped, outsideSectors } = refreshShortageList({ previous: forem, rows, titleColumn: 'Métier', source, period: '2024' });
  t.same(list.entries.map((entry) => [entry.isco, entry.escoOccupations]), [['7112', forem.entries[0]!.escoOccupations]], 'one mason, kept once');
  t.same(unmapped, ['Coffreur – Coffreuse'], 'a new title is reported, not guessed');
  t.same(outsideSectors, []);
  t.equal(list.mappedBy, 'passerelle', 'the basis stays ours');
  const { via: _pressReport, ...official } = forem.source;
  t.same(list.source, { ...official, ...source }, 'the new edition\'s source replaces the press report');
  t.equal(list.period, '2024');
  t.equal(list.id, forem.id);
});

t.test('with the publisher\'s ISCO column the groups are the publisher\'s, and the sectors rule applies', async (t) => {
  const rows = [
    { Intitulé: 'Maçon', ISCO: '7112' },
    { Intitulé: 'Conducteur de bus', ISCO: '8331' },
    { Intitulé: 'Ouvrier agricole', ISCO: '' },
  ];
  const { list, outsideSectors, unmapped } = refreshShortageList({ previous: forem, rows, titleColumn: 'Intitulé', iscoColumn: 'ISCO', source });
  t.same(list.entries.map((entry) => entry.isco), ['7112']);
  t.equal(list.mappedBy, 'publisher');
  t.same(outsideSectors, ['Conducteur de bus']);
  t.same(unmapped, ['Ouvrier agricole'], 'an empty code is not filled from our earlier reading');
});

t.test('a file that cannot be used is refused with what to fix, and nothing is written', async (t) => {
  t.equal(codeOf(() => refreshShortageList({ previous: forem, rows: [{ Titre: 'Maçon' }], titleColumn: 'Métier', source })), 'missing-column');
  t.equal(codeOf(() => refreshShortageList({ previous: forem, rows: [{ T: 'Maçon', ISCO: '711' }], titleColumn: 'T', iscoColumn: 'ISCO', source })), 'invalid-shortage-file', 'a 3-digit code');
  t.equal(codeOf(() => refreshShortageList({ previous: forem, rows: [{ T: 'Maçon', ISCO: '7112', ESCO: `${ESCO_OCCUPATION}not-there` }], titleColumn: 'T', iscoColumn: 'ISCO', escoColumn: 'ESCO', source })), 'invalid-shortage-file', 'an unknown ESCO occupation');
  t.equal(codeOf(() => refreshShortageList({ previous: forem, rows: [{ T: 'Inconnu' }], titleColumn: 'T', source })), 'no-entries');
  t.equal(codeOf(() => refreshShortageList({ previous: forem, rows: [{ T: 'Maçon – Maçonne' }], titleColumn: 'T', source: { ...source, published: '20/06/2024' } })), 'invalid-date');
});

t.test('npm run data:shortages reads a semicolon CSV and writes the list', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'shortages-'));
  const csv = join(dir, 'forem-2024.csv');
  const out = join(dir, 'out.json');
  writeFileSync(csv, '\uFEFFCode ISCO;Métier\n7112;Maçon – Maçonne\n7115;Charpentier – Charpentière\n8331;Conducteur de bus\n');
  const { stdout } = await run(process.execPath, ['--import', 'tsx', 'scripts/refresh-shortages.ts', 'be-wal-forem-2022', csv,
    '--title-column', 'Métier', '--isco-column', 'Code ISCO', '--published', '2024-06-20', '--url', source.url, '--out', out]);
  const written = JSON.parse(readFileSync(out, 'utf8')) as ShortageList;
  t.same(written.entries.map((entry) => entry.isco), ['7112', '7115']);
  t.equal(written.source.published, '2024-06-20');
  t.match(stdout, /2 entries written/);
  t.match(stdout, /Outside the corridors' sectors, left out \(1\): Conducteur de bus/);
  const refused = await run(process.execPath, ['--import', 'tsx', 'scripts/refresh-shortages.ts', 'no-such-list', csv,
    '--title-column', 'Métier', '--published', '2024', '--url', source.url]).then(() => undefined, (error: { code: number; stderr: string }) => error);
  t.equal(refused?.code, 1, 'an unknown list exits 1');
  t.match(refused?.stderr ?? '', /No list "no-such-list"/);
});
