/**
 * Maintainers only: rebuilds data/isco/isco08.json, data/esco/occupations.json and data/esco/skills.json
 * from the ESCO source snapshot described in data/esco/README.md. The service loads only the committed output.
 *
 *   npx tsx scripts/build-skills-data.ts [source-dir]   (default ../shared/data, relative to the working directory)
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type {
  AltLabels,
  IscoGroupRecord,
  IscoLevel,
  Labels,
  OccupationRecord,
  ReuseLevel,
  Sector,
  SkillRecord,
  SkillType,
} from '../src/skills/types.js';

type Row = Record<string, string>;

const sourceDir = resolve(process.argv[2] ?? '../shared/data');
const outputDir = new URL('../data/', import.meta.url);

/** RFC 4180 parser: the ESCO exports quote fields that contain commas and newlines (altLabels). */
function parseCsv(text: string): Row[] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let inQuotes = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (inQuotes) {
      if (char === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (char === '"') {
        inQuotes = false;
      } else {
        field += char;
      }
    } else if (char === '"') {
      inQuotes = true;
    } else if (char === ',') {
      record.push(field);
      field = '';
    } else if (char === '\n' || char === '\r') {
      if (char === '\r' && text[i + 1] === '\n') i++;
      record.push(field);
      records.push(record);
      record = [];
      field = '';
    } else {
      field += char;
    }
  }
  if (field !== '' || record.length > 0) {
    record.push(field);
    records.push(record);
  }
  const [header, ...rows] = records;
  if (!header) throw new Error('empty CSV');
  return rows
    .filter((cells) => cells.length > 1 || cells[0] !== '')
    .map((cells) => Object.fromEntries(header.map((name, i) => [name, cells[i] ?? ''])));
}

const readCsv = (path: string) => parseCsv(readFileSync(resolve(sourceDir, path), 'utf8').replace(/^\uFEFF/, ''));
const byUri = (rows: Row[]) => new Map(rows.map((row) => [row.conceptUri ?? '', row]));

const orNull = (value: string | undefined) => (value && value.trim() !== '' ? value.trim() : null);

function splitAltLabels(value: string | undefined, preferred: string | null): string[] {
  const labels = (value ?? '')
    .split('\n')
    .map((label) => label.trim())
    .filter((label) => label !== '' && label !== preferred);
  return [...new Set(labels)];
}

function altLabelsOf(sources: Partial<Record<keyof Labels, Row | undefined>>, labels: Labels): AltLabels {
  const result: AltLabels = {};
  for (const lang of ['en', 'fr', 'es'] as const) {
    const alt = splitAltLabels(sources[lang]?.altLabels, labels[lang]);
    if (alt.length > 0) result[lang] = alt;
  }
  return result;
}

/** One record per line: small diffs when the data is rebuilt, still a plain JSON array. */
function writeJsonLines(relativePath: string, records: unknown[]) {
  const body = `[\n${records.map((record) => JSON.stringify(record)).join(',\n')}\n]\n`;
  writeFileSync(new URL(relativePath, outputDir), body);
  console.log(`${relativePath}: ${records.length} records, ${Buffer.byteLength(body)} bytes`);
}

function buildIsco(): IscoGroupRecord[] {
  return readCsv('derived/isco08_groups_en_fr_es.csv').map((row) => ({
    code: row.code ?? '',
    level: row.level as IscoLevel,
    parent: orNull(row.parent),
    uri: row.esco_uri ?? '',
    labels: { en: (row.title_en ?? '').trim(), fr: orNull(row.title_fr), es: orNull(row.title_es) },
  }));
}

interface SubsetSkillLink {
  label_en: string;
  uri: string | null;
}
interface SubsetOccupation {
  sector: Sector;
  isco08: string;
  esco_uri: string;
  label_en: string;
  label_fr: string | null;
  label_es: string | null;
  essential_skills: SubsetSkillLink[];
  optional_skills: SubsetSkillLink[];
}

function buildOccupations(): OccupationRecord[] {
  const subset = JSON.parse(readFileSync(resolve(sourceDir, 'derived/esco_sector_subsets.json'), 'utf8')) as {
    occupations: SubsetOccupation[];
  };
  const en = byUri(readCsv('esco-v1.2.0/occupations_en.csv'));
  const fr = byUri(readCsv('esco-v1.0-fr-es/occupations_fr.csv'));
  const es = byUri(readCsv('esco-v1.0-fr-es/occupations_es.csv'));

  return subset.occupations.map((occupation) => {
    const uri = occupation.esco_uri;
    const english = en.get(uri);
    if (!english?.code) throw new Error(`occupation ${uri} missing from ESCO 1.2.0 occupations_en.csv`);
    const labels: Labels = {
      en: occupation.label_en.trim(),
      fr: orNull(occupation.label_fr ?? undefined),
      es: orNull(occupation.label_es ?? undefined),
    };
    const essential = [...new Set(occupation.essential_skills.flatMap((link) => (link.uri ? [link.uri] : [])))];
    // A few occupations list a skill as both essential and optional; essential is the stronger claim.
    const optional = [
      ...new Set(occupation.optional_skills.flatMap((link) => (link.uri && !essential.includes(link.uri) ? [link.uri] : []))),
    ];
    return {
      uri,
      code: english.code,
      iscoGroup: occupation.isco08,
      sector: occupation.sector,
      labels,
      altLabels: altLabelsOf({ en: english, fr: fr.get(uri), es: es.get(uri) }, labels),
      essentialSkills: essential,
      optionalSkills: optional,
      unmappedEssentialSkills: occupation.essential_skills.filter((link) => !link.uri).map((link) => link.label_en),
      unmappedOptionalSkills: occupation.optional_skills.filter((link) => !link.uri).map((link) => link.label_en),
    };
  });
}

function buildSkills(): SkillRecord[] {
  // English synonyms: ESCO 1.2.0 collections where the skill is in one, else the ESCO 1.0 en-us export.
  const english = byUri([
    ...readCsv('esco-v1.0-fr-es/skills_en-us.csv'),
    ...readCsv('esco-v1.2.0/languageSkillsCollection_en.csv'),
    ...readCsv('esco-v1.2.0/transversalSkillsCollection_en.csv'),
    ...readCsv('esco-v1.2.0/greenSkillsCollection_en.csv'),
    ...readCsv('esco-v1.2.0/digitalSkillsCollection_en.csv'),
  ]);
  const fr = byUri(readCsv('esco-v1.0-fr-es/skills_fr.csv'));
  const es = byUri(readCsv('esco-v1.0-fr-es/skills_es.csv'));

  return readCsv('derived/esco_sector_skills.csv').map((row) => {
    const uri = row.uri ?? '';
    const labels: Labels = { en: (row.label_en ?? '').trim(), fr: orNull(row.label_fr), es: orNull(row.label_es) };
    return {
      uri,
      labels,
      altLabels: altLabelsOf({ en: english.get(uri), fr: fr.get(uri), es: es.get(uri) }, labels),
      skillType: row.skillType as SkillType,
      reuseLevel: row.reuseLevel as ReuseLevel,
    };
  });
}

const isco = buildIsco();
const occupations = buildOccupations();
const skills = buildSkills();

const skillUris = new Set(skills.map((skill) => skill.uri));
const dangling = occupations.flatMap((o) => [...o.essentialSkills, ...o.optionalSkills]).filter((uri) => !skillUris.has(uri));
if (dangling.length > 0) throw new Error(`${dangling.length} occupation skill links point outside skills.json`);
const iscoCodes = new Set(isco.map((group) => group.code));
const orphan = occupations.filter((o) => !iscoCodes.has(o.iscoGroup));
if (orphan.length > 0) throw new Error(`${orphan.length} occupations point to unknown ISCO groups`);

writeJsonLines('isco/isco08.json', isco);
writeJsonLines('esco/occupations.json', occupations);
writeJsonLines('esco/skills.json', skills);
