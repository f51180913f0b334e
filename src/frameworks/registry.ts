/**
 * Loads the qualification-framework data (data/frameworks) once, validates it, and answers look-ups.
 * Bad data fails at load with a message naming the file and the entry: a wrong mapping must never be served.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { badRequest, notFound } from '../errors.js';
import {
  BASES, EDGE_BASES, KINDS, OUTCOMES, QUALIFICATION_KINDS, RELATIONS, ROUTES, STATUSES,
  type Agreement, type Descriptors, type Edge, type EvaluationBody, type Framework, type Jurisdiction, type LanguageMessages,
  type Level, type Messages, type OccupationEligibility, type Placement, type Procedure, type QualificationType,
  type RegulatedOccupation, type Registry, type Source, type Text, type TypicalQualification,
} from './types.js';

export const DATA_DIR = fileURLToPath(new URL('../../data/frameworks/', import.meta.url));

export class FrameworkDataError extends Error {
  constructor(file: string, entry: string, problem: string) {
    super(`${file}: ${entry}: ${problem}`);
    this.name = 'FrameworkDataError';
  }
}

export interface DataFile {
  file: string;
  data: unknown;
}

export interface RawData {
  frameworks: DataFile[];
  relations: DataFile;
  agreements: DataFile;
  messages: DataFile;
  placements: DataFile;
  procedures: DataFile;
}

/** The answer languages: every text a person reads in an answer exists in each of them. */
export const ANSWER_LANGUAGES = ['en', 'fr', 'es', 'ar'] as const;

type Obj = Record<string, unknown>;

/** Small checker bound to one file and entry, so every failure names where it happened. */
class Check {
  constructor(readonly file: string, readonly entry: string) {}
  at(entry: string) { return new Check(this.file, entry); }
  fail(problem: string): never { throw new FrameworkDataError(this.file, this.entry, problem); }
  obj(v: unknown, what: string): Obj {
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Obj) : this.fail(`${what} must be an object`);
  }
  str(v: unknown, what: string): string {
    return typeof v === 'string' && v.length > 0 ? v : this.fail(`${what} must be a non-empty string`);
  }
  bool(v: unknown, what: string): boolean {
    return typeof v === 'boolean' ? v : this.fail(`${what} must be true or false`);
  }
  arr(v: unknown, what: string): unknown[] {
    return Array.isArray(v) ? v : this.fail(`${what} must be an array`);
  }
  oneOf<T extends string>(v: unknown, allowed: readonly T[], what: string): T {
    return allowed.includes(v as T) ? (v as T) : this.fail(`${what} must be one of ${allowed.join(', ')} (got ${String(v)})`);
  }
  text(v: unknown, what: string): Text {
    const o = this.obj(v, what);
    for (const lang of ['en', 'fr']) this.str(o[lang], `${what}.${lang}`);
    for (const [lang, s] of Object.entries(o)) this.str(s, `${what}.${lang}`);
    return o as Text;
  }
  optionalText(v: unknown, what: string): Text | undefined {
    return v === undefined ? undefined : this.text(v, what);
  }
  source(v: unknown, what: string): Source {
    const o = this.obj(v, what);
    this.str(o.title, `${what}.title`);
    if (o.url !== null) this.str(o.url, `${what}.url`);
    if (o.url === null) this.str(o.reference, `${what}.reference (required when url is null)`);
    this.bool(o.verified, `${what}.verified`);
    if (o.titleTranslated !== undefined) {
      for (const [lang, title] of Object.entries(this.obj(o.titleTranslated, `${what}.titleTranslated`))) this.str(title, `${what}.titleTranslated.${lang}`);
    }
    if (o.date !== undefined) this.str(o.date, `${what}.date`);
    if (o.dateKind !== undefined) this.oneOf(o.dateKind, ['published', 'accessed'] as const, `${what}.dateKind`);
    if (o.statesRelation !== undefined) this.bool(o.statesRelation, `${what}.statesRelation`);
    if (o.checked !== undefined) this.oneOf(o.checked, ['re-checked', 'notes'] as const, `${what}.checked`);
    return o as unknown as Source;
  }
  /** A source people will be sent to: it must have a URL and a date. */
  citable(v: unknown, what: string): Source {
    const source = this.source(v, what);
    if (source.url === null) this.fail(`${what}.url is required`);
    if (!source.date) this.fail(`${what}.date is required (publication date, or the date read with dateKind "accessed")`);
    return source;
  }
  /** Text in every answer language. */
  answerText(v: unknown, what: string): Text {
    const o = this.text(v, what);
    for (const lang of ANSWER_LANGUAGES) this.str(o[lang], `${what}.${lang}`);
    return o;
  }
  sources(v: unknown, what: string): Source[] {
    const list = this.arr(v, what);
    if (list.length === 0) this.fail(`${what} must list at least one source`);
    return list.map((s, i) => this.source(s, `${what}[${i}]`));
  }
}

export const splitRef = (ref: string): [string, string] | undefined => {
  const i = ref.indexOf(':');
  return i > 0 && i < ref.length - 1 ? [ref.slice(0, i), ref.slice(i + 1)] : undefined;
};

function parseDescriptors(c: Check, v: unknown): Descriptors | null {
  if (v === null) return null;
  const o = c.obj(v, 'descriptors');
  const keys = Object.keys(o);
  if (keys.length === 0) c.fail('descriptors must have knowledge, skills or autonomy (or be null)');
  for (const k of keys) c.oneOf(k, ['knowledge', 'skills', 'autonomy'] as const, 'descriptor key');
  for (const k of keys) c.text(o[k], `descriptors.${k}`);
  return o as Descriptors;
}

function parseLevel(c: Check, v: unknown, fw: { id: string; levelUriBase: string }): Level {
  const o = c.obj(v, 'level');
  const code = c.str(o.code, 'code');
  const lc = c.at(`level ${fw.id}:${code}`);
  const typical = lc.arr(o.typicalQualifications, 'typicalQualifications').map((q, i): TypicalQualification => {
    const qo = lc.obj(q, `typicalQualifications[${i}]`);
    return { title: lc.text(qo.title, `typicalQualifications[${i}].title`), verified: lc.bool(qo.verified, `typicalQualifications[${i}].verified`) };
  });
  const note = lc.optionalText(o.note, 'note');
  return {
    ref: `${fw.id}:${code}`,
    framework: fw.id,
    code,
    // The URI base lives once per framework; levels never carry their own.
    uri: fw.levelUriBase + encodeURIComponent(code),
    title: lc.text(o.title, 'title'),
    descriptors: parseDescriptors(lc, o.descriptors),
    typicalQualifications: typical,
    verified: lc.bool(o.verified, 'verified'),
    ...(note ? { note } : {}),
  };
}

function parseFramework({ file, data }: DataFile): Framework {
  const c = new Check(file, 'framework');
  const o = c.obj(data, 'file content');
  const id = c.str(o.id, 'id');
  if (!/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/.test(id)) c.fail(`id '${id}' must be lowercase kebab-case`);
  if (!file.endsWith(`/${id}.json`) && file !== `${id}.json`) c.fail(`id '${id}' must match the file name`);
  const fc = c.at(`framework ${id}`);
  const country = o.country === null ? null : fc.str(o.country, 'country');
  if (country !== null && !/^[A-Z]{2}$/.test(country)) fc.fail(`country '${country}' must be ISO 3166-1 alpha-2 or null`);
  const levelUriBase = fc.str(o.levelUriBase, 'levelUriBase');
  if (!/^https?:\/\//.test(levelUriBase) && levelUriBase !== mintedLevelPath(id)) {
    fc.fail(`levelUriBase must be an official absolute URI base or the path ${mintedLevelPath(id)} (served by this service), got '${levelUriBase}'`);
  }
  const levels = fc.arr(o.levels, 'levels').map((l) => parseLevel(fc, l, { id, levelUriBase }));
  if (levels.length === 0) fc.fail('levels must not be empty');
  const seen = new Set<string>();
  for (const l of levels) {
    if (seen.has(l.code)) fc.fail(`duplicate level code '${l.code}'`);
    seen.add(l.code);
  }
  const descriptorsNote = fc.optionalText(o.descriptorsNote, 'descriptorsNote');
  return {
    id,
    version: fc.str(o.version, 'version'),
    name: fc.text(o.name, 'name'),
    acronym: fc.str(o.acronym, 'acronym'),
    kind: fc.oneOf(o.kind, KINDS, 'kind'),
    country,
    ...(o.countryDefault === undefined ? {} : { countryDefault: fc.bool(o.countryDefault, 'countryDefault') }),
    languages: fc.arr(o.languages, 'languages').map((l) => fc.str(l, 'languages[]')),
    status: fc.oneOf(o.status, STATUSES, 'status'),
    date: fc.str(o.date, 'date'),
    statusVerified: fc.bool(o.statusVerified, 'statusVerified'),
    statusNote: fc.text(o.statusNote, 'statusNote'),
    levelUriBase,
    descriptorsBasis: fc.str(o.descriptorsBasis, 'descriptorsBasis'),
    ...(descriptorsNote ? { descriptorsNote } : {}),
    sources: fc.sources(o.sources, 'sources'),
    levels,
  };
}

function parseEdge(c: Check, v: unknown, sourceOf: (raw: unknown, ec: Check) => Source, levels: Map<string, Level>, frameworks: Map<string, Framework>, origin: string): Edge {
  const o = c.obj(v, 'edge');
  const from = c.str(o.from, 'from');
  const to = c.str(o.to, 'to');
  const ec = c.at(`${c.entry} (${from} -> ${to})`);
  for (const ref of [from, to]) {
    const parts = splitRef(ref) ?? ec.fail(`'${ref}' is not <framework>:<code>`);
    if (!frameworks.has(parts[0])) ec.fail(`unknown framework '${parts[0]}'`);
    if (!levels.has(ref)) ec.fail(`unknown level '${ref}'`);
  }
  const kinds = [from, to].map((r) => frameworks.get(splitRef(r)![0])!.kind);
  // CEFR is a language scale, not a qualifications framework: no official relation to EQF levels exists.
  if (kinds.includes('language') && kinds.some((k) => k !== 'language')) ec.fail('a language framework (CEFR) cannot be related to a qualifications framework');
  if (splitRef(from)![0] === splitRef(to)![0]) ec.fail('an edge must link two different frameworks');
  const note = ec.optionalText(o.note, 'note');
  return {
    from,
    to,
    relation: ec.oneOf(o.relation, RELATIONS, 'relation'),
    basis: ec.oneOf(o.basis, EDGE_BASES, 'basis'),
    source: sourceOf(o.source, ec),
    date: ec.str(o.date, 'date'),
    verified: ec.bool(o.verified, 'verified'),
    ...(note ? { note } : {}),
    origin,
  };
}

function parseRelations({ file, data }: DataFile, levels: Map<string, Level>, frameworks: Map<string, Framework>): Edge[] {
  const c = new Check(file, 'relations');
  const o = c.obj(data, 'file content');
  const sourcesObj = c.obj(o.sources, 'sources');
  const sources = new Map(Object.entries(sourcesObj).map(([key, s]) => [key, c.at(`sources.${key}`).source(s, 'source')]));
  const sourceByKey = (raw: unknown, ec: Check) => {
    const key = ec.str(raw, 'source');
    return sources.get(key) ?? ec.fail(`unknown source '${key}' (define it under "sources")`);
  };
  return c.arr(o.edges, 'edges').map((e, i) => parseEdge(c.at(`edges[${i}]`), e, sourceByKey, levels, frameworks, 'relations'));
}

function parseAgreements({ file, data }: DataFile, levels: Map<string, Level>, frameworks: Map<string, Framework>): { agreements: Agreement[]; edges: Edge[] } {
  const c = new Check(file, 'agreements');
  const list = c.arr(c.obj(data, 'file content').agreements, 'agreements');
  const agreements: Agreement[] = [];
  const edges: Edge[] = [];
  const ids = new Set<string>();
  list.forEach((raw, i) => {
    const o = c.at(`agreements[${i}]`).obj(raw, 'agreement');
    const id = c.at(`agreements[${i}]`).str(o.id, 'id');
    const ac = c.at(`agreement ${id}`);
    if (ids.has(id)) ac.fail('duplicate agreement id');
    ids.add(id);
    const equivalence = ac.bool(o.establishesLevelEquivalence, 'establishesLevelEquivalence');
    const levelEdges = ac.arr(o.levelEdges, 'levelEdges');
    // Honesty rule: an arrangement that does not establish level equivalence must not add level edges.
    if (!equivalence && levelEdges.length > 0) ac.fail('levelEdges given but establishesLevelEquivalence is false');
    const origin = o.origin === 'any' ? 'any' : ac.arr(o.origin, 'origin').map((cc) => ac.str(cc, 'origin[]'));
    const destination = ac.str(o.destination, 'destination');
    if (levelEdges.length > 0 && origin === 'any') ac.fail('an agreement with levelEdges must list its origin countries');
    levelEdges.forEach((e, j) => {
      const edge = parseEdge(ac.at(`agreement ${id} levelEdges[${j}]`), e, (s, ec) => ec.source(s, 'source'), levels, frameworks, id);
      if (edge.basis !== 'bilateral-agreement') ac.fail(`levelEdges[${j}] basis must be bilateral-agreement`);
      edges.push({ ...edge, parties: [...(origin as string[]), destination] });
    });
    const occupations = ac.arr(o.occupations, 'occupations').map((raw2, j): OccupationEligibility => {
      const oc = ac.at(`agreement ${id} occupations[${j}]`);
      const occ = oc.obj(raw2, 'occupation');
      const isco08 = oc.str(occ.isco08, 'isco08');
      if (!/^\d{4}$/.test(isco08)) oc.fail(`isco08 '${isco08}' must be a 4-digit ISCO-08 unit group`);
      const note = oc.optionalText(occ.note, 'note');
      return { isco08, title: oc.text(occ.title, 'title'), source: oc.source(occ.source, 'source'), verified: oc.bool(occ.verified, 'verified'), ...(note ? { note } : {}) };
    });
    agreements.push({
      id, title: ac.text(o.title, 'title'), kind: ac.str(o.kind, 'kind'), origin, destination,
      status: ac.str(o.status, 'status'), date: ac.str(o.date, 'date'), verified: ac.bool(o.verified, 'verified'),
      establishesLevelEquivalence: equivalence, summary: ac.text(o.summary, 'summary'), occupations, sources: ac.sources(o.sources, 'sources'),
    });
  });
  return { agreements, edges };
}

/** A placeholder in a message template, `{level}`: what recognition.ts fills and the load check compares across languages. */
export const TEMPLATE_PLACEHOLDER = /\{(\w+)\}/g;

/** Each text of a language's messages (by dotted key) with its placeholders, sorted: "{by}, {level}". */
function placeholdersByKey(messages: LanguageMessages): Map<string, string> {
  const found = new Map<string, string>();
  const walk = (value: unknown, key: string) => {
    if (typeof value === 'string') found.set(key, [...new Set(value.match(TEMPLATE_PLACEHOLDER))].sort().join(', '));
    else if (typeof value === 'object' && value !== null) for (const [k, v] of Object.entries(value)) walk(v, key ? `${key}.${k}` : k);
  };
  walk(messages, '');
  return found;
}

function parseMessages({ file, data }: DataFile): Messages {
  const c = new Check(file, 'messages');
  const o = c.obj(data, 'file content');
  const languages = c.arr(o.languages, 'languages').map((l) => c.str(l, 'languages[]'));
  if (!languages.includes('en')) c.fail('languages must include en (the fallback)');
  const strings = ['or', 'typesAtLevel', 'onWhoseWord', 'placementText', 'placementNone', 'several', 'unverified', 'bestFit', 'agreement',
    'nextStep', 'noNextStep', 'reasonRegulated', 'reasonGeneral', 'nationalLevel', 'languageFallback', 'credential', 'claimSource'] as const;
  const records: Array<[string, readonly string[]]> = [
    ['lead', OUTCOMES], ['relationWords', RELATIONS], ['step', BASES], ['basisWords', BASES], ['outcomeWords', OUTCOMES], ['kindWords', QUALIFICATION_KINDS],
  ];
  const byLang: Record<string, LanguageMessages> = {};
  for (const lang of languages) {
    const lc = c.at(`messages.${lang}`);
    const m = lc.obj(o[lang], lang);
    for (const k of strings) lc.str(m[k], k);
    for (const [key, values] of records) {
      const record = lc.obj(m[key], key);
      for (const v of values) lc.str(record[v], `${key}.${v}`);
    }
    byLang[lang] = m as unknown as LanguageMessages;
  }
  // The engine fills the English text's placeholders: a translation naming another one would show it as typed.
  const english = placeholdersByKey(byLang.en!);
  for (const lang of languages) {
    for (const [key, names] of placeholdersByKey(byLang[lang]!)) {
      const expected = english.get(key);
      if (expected === undefined) c.at(`messages.${lang}`).fail(`${key} is not in the English messages (a misspelt key?)`);
      if (names !== expected) c.at(`messages.${lang}`).fail(`${key} must have the English text's placeholders (${expected || 'none'}), not ${names || 'none'}`);
    }
  }
  return { languages, byLang };
}

const ID = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

function parsePlacements({ file, data }: DataFile, levels: Map<string, Level>, frameworks: Map<string, Framework>): { types: Map<string, QualificationType>; placements: Placement[] } {
  const c = new Check(file, 'placements');
  const o = c.obj(data, 'file content');
  const sources = new Map(Object.entries(c.obj(o.sources, 'sources')).map(([key, s]) => [key, c.at(`sources.${key}`).citable(s, 'source')]));
  const sourceByKey = (raw: unknown, ec: Check) => sources.get(ec.str(raw, 'source')) ?? ec.fail(`unknown source '${String(raw)}' (define it under "sources")`);
  const bodies = new Map(Object.entries(c.obj(o.bodies, 'bodies')).map(([id, raw]): [string, EvaluationBody] => {
    const bc = c.at(`bodies.${id}`);
    const b = bc.obj(raw, 'body');
    const country = bc.str(b.country, 'country');
    if (!/^[A-Z]{2}$/.test(country)) bc.fail(`country '${country}' must be ISO 3166-1 alpha-2`);
    return [id, { id, name: bc.str(b.name, 'name'), country, title: bc.answerText(b.title, 'title'), scope: bc.answerText(b.scope, 'scope') }];
  }));
  const types = new Map<string, QualificationType>();
  c.arr(o.qualificationTypes, 'qualificationTypes').forEach((raw, i) => {
    const q = c.at(`qualificationTypes[${i}]`).obj(raw, 'qualification type');
    const id = c.at(`qualificationTypes[${i}]`).str(q.id, 'id');
    const qc = c.at(`qualification type ${id}`);
    if (!ID.test(id)) qc.fail(`id '${id}' must be lowercase kebab-case`);
    if (types.has(id)) qc.fail('duplicate qualification type id');
    const country = qc.str(q.country, 'country');
    const originLevel = q.originLevel === null ? null : qc.str(q.originLevel, 'originLevel');
    if (originLevel !== null) {
      const level = levels.get(originLevel) ?? qc.fail(`unknown origin level '${originLevel}'`);
      if (frameworks.get(level.framework)!.country !== country) qc.fail(`origin level ${originLevel} is not a level of a ${country} framework`);
    }
    const kinds = qc.arr(q.kinds, 'kinds').map((k) => qc.oneOf(k, QUALIFICATION_KINDS, 'kinds[]'));
    if (kinds.length === 0) qc.fail('kinds must not be empty');
    const note = q.note === undefined ? undefined : qc.answerText(q.note, 'note');
    types.set(id, {
      id, country, originalName: qc.str(q.originalName, 'originalName'), title: qc.answerText(q.title, 'title'), kinds, originLevel,
      ...(q.originLevelSource === undefined ? {} : { originLevelSource: sourceByKey(q.originLevelSource, qc) }),
      ...(note ? { note } : {}),
    });
  });
  const ids = new Set<string>();
  const placements = c.arr(o.placements, 'placements').map((raw, i): Placement => {
    const p = c.at(`placements[${i}]`).obj(raw, 'placement');
    const id = c.at(`placements[${i}]`).str(p.id, 'id');
    const pc = c.at(`placement ${id}`);
    if (ids.has(id)) pc.fail('duplicate placement id');
    ids.add(id);
    const type = pc.str(p.qualificationType, 'qualificationType');
    if (!types.has(type)) pc.fail(`unknown qualification type '${type}'`);
    const to = pc.arr(p.to, 'to').map((ref) => {
      const level = levels.get(pc.str(ref, 'to[]')) ?? pc.fail(`unknown level '${String(ref)}'`);
      if (frameworks.get(level.framework)!.kind === 'language') pc.fail('a qualification cannot be placed on a language scale (CEFR)');
      return level.ref;
    });
    if (to.length === 0) pc.fail('to must name at least one level');
    const by = bodies.get(pc.str(p.by, 'by')) ?? pc.fail(`unknown body '${String(p.by)}' (define it under "bodies")`);
    const note = p.note === undefined ? undefined : pc.answerText(p.note, 'note');
    return {
      id, qualificationType: type, to, relation: pc.oneOf(p.relation, RELATIONS, 'relation'), by,
      basis: pc.oneOf(p.basis, ['credential-evaluation-body'] as const, 'basis'),
      comparableTo: pc.answerText(p.comparableTo, 'comparableTo'), source: sourceByKey(p.source, pc), date: pc.str(p.date, 'date'),
      verified: pc.bool(p.verified, 'verified'), ...(p.derived === undefined ? {} : { derived: pc.bool(p.derived, 'derived') }), ...(note ? { note } : {}),
    };
  });
  return { types, placements };
}

function parseProcedures({ file, data }: DataFile, frameworks: Map<string, Framework>): { jurisdictions: Jurisdiction[]; regulated: RegulatedOccupation[] } {
  const c = new Check(file, 'procedures');
  const o = c.obj(data, 'file content');
  const seen = new Set<string>();
  const jurisdictions = c.arr(o.jurisdictions, 'jurisdictions').map((raw, i): Jurisdiction => {
    const j = c.at(`jurisdictions[${i}]`).obj(raw, 'jurisdiction');
    const id = c.at(`jurisdictions[${i}]`).str(j.id, 'id');
    const jc = c.at(`jurisdiction ${id}`);
    const fws = jc.arr(j.frameworks, 'frameworks').map((f) => {
      const fid = jc.str(f, 'frameworks[]');
      if (!frameworks.has(fid)) jc.fail(`unknown framework '${fid}'`);
      if (seen.has(fid)) jc.fail(`framework '${fid}' already belongs to another jurisdiction`);
      seen.add(fid);
      return fid;
    });
    const procedures = jc.arr(j.procedures, 'procedures').map((rawP, k): Procedure => {
      const pr = jc.obj(rawP, `procedures[${k}]`);
      const pid = jc.str(pr.id, `procedures[${k}].id`);
      const pc = jc.at(`jurisdiction ${id} procedure ${pid}`);
      const body = pc.obj(pr.body, 'body');
      const sources = pc.arr(pr.sources, 'sources').map((s, n) => pc.citable(s, `sources[${n}]`));
      if (sources.length === 0) pc.fail('sources must list at least one source');
      return {
        id: pid, route: pc.oneOf(pr.route, ROUTES, 'route'), kinds: pc.arr(pr.kinds, 'kinds').map((kd) => pc.oneOf(kd, QUALIFICATION_KINDS, 'kinds[]')),
        body: { name: pc.str(body.name, 'body.name'), title: pc.answerText(body.title, 'body.title') },
        title: pc.answerText(pr.title, 'title'), summary: pc.answerText(pr.summary, 'summary'), url: pc.str(pr.url, 'url'),
        fees: pr.fees === null || pr.fees === undefined ? null : pc.answerText(pr.fees, 'fees'),
        duration: pr.duration === null || pr.duration === undefined ? null : pc.answerText(pr.duration, 'duration'),
        sources, verified: pc.bool(pr.verified, 'verified'),
      };
    });
    if (procedures.length === 0) jc.fail('procedures must not be empty');
    const gaps = j.gaps === undefined ? undefined : jc.answerText(j.gaps, 'gaps');
    return { id, country: jc.str(j.country, 'country'), name: jc.answerText(j.name, 'name'), frameworks: fws, procedures, ...(gaps ? { gaps } : {}) };
  });
  const regulated = c.arr(o.regulatedOccupations, 'regulatedOccupations').map((raw, i): RegulatedOccupation => {
    const rc = c.at(`regulatedOccupations[${i}]`);
    const r = rc.obj(raw, 'regulated occupation');
    return { esco: rc.str(r.esco, 'esco'), isco08: rc.str(r.isco08, 'isco08'), title: rc.answerText(r.title, 'title'), source: rc.citable(r.source, 'source') };
  });
  return { jurisdictions, regulated };
}

/** Pure: validates already-parsed files and builds the look-up tables. Throws FrameworkDataError on bad data. */
export function buildRegistry(raw: RawData): Registry {
  const frameworks = new Map<string, Framework>();
  const levels = new Map<string, Level>();
  const levelsByUri = new Map<string, Level>();
  for (const f of raw.frameworks) {
    const fw = parseFramework(f);
    if (frameworks.has(fw.id)) throw new FrameworkDataError(f.file, `framework ${fw.id}`, 'duplicate framework id');
    frameworks.set(fw.id, fw);
    for (const l of fw.levels) {
      if (levelsByUri.has(l.uri)) throw new FrameworkDataError(f.file, `level ${l.ref}`, `duplicate level URI ${l.uri}`);
      levels.set(l.ref, l);
      levelsByUri.set(l.uri, l);
    }
  }
  checkCountryDefaults(frameworks);
  const relationEdges = parseRelations(raw.relations, levels, frameworks);
  const { agreements, edges: agreementEdges } = parseAgreements(raw.agreements, levels, frameworks);
  const { types, placements } = parsePlacements(raw.placements, levels, frameworks);
  const { jurisdictions, regulated } = parseProcedures(raw.procedures, frameworks);
  return {
    frameworks, levels, levelsByUri, edges: [...relationEdges, ...agreementEdges], agreements, messages: parseMessages(raw.messages),
    qualificationTypes: types, placements, jurisdictions, regulatedOccupations: regulated,
  };
}

function checkCountryDefaults(frameworks: Map<string, Framework>): void {
  const defaults = new Map<string, string>();
  for (const fw of frameworks.values()) {
    if (!fw.countryDefault) continue;
    if (fw.country === null) throw new FrameworkDataError(`frameworks/${fw.id}.json`, `framework ${fw.id}`, 'countryDefault needs a country');
    const other = defaults.get(fw.country);
    if (other) throw new FrameworkDataError(`frameworks/${fw.id}.json`, `framework ${fw.id}`, `${fw.country} already has default framework ${other}`);
    defaults.set(fw.country, fw.id);
  }
}

function readJson(dir: string, file: string): DataFile {
  const path = join(dir, file);
  try {
    return { file, data: JSON.parse(readFileSync(path, 'utf8')) };
  } catch (err) {
    throw new FrameworkDataError(file, 'file', `cannot read or parse ${path}: ${(err as Error).message}`);
  }
}

/** Reads the data files as parsed JSON, without validating them. */
export function readRawData(dir: string = DATA_DIR): RawData {
  const frameworkFiles = readdirSync(join(dir, 'frameworks')).filter((f) => f.endsWith('.json')).sort();
  return {
    frameworks: frameworkFiles.map((f) => readJson(dir, `frameworks/${f}`)),
    relations: readJson(dir, 'relations.json'),
    agreements: readJson(dir, 'agreements.json'),
    messages: readJson(dir, 'messages.json'),
    placements: readJson(dir, 'placements.json'),
    procedures: readJson(dir, 'recognition-procedures.json'),
  };
}

export const loadRegistry = (dir: string = DATA_DIR): Registry => buildRegistry(readRawData(dir));

let loaded: Registry | undefined;
/** The project's registry, loaded and validated on first use. */
export function registry(): Registry {
  loaded ??= loadRegistry();
  return loaded;
}

export const listFrameworks = (reg: Registry = registry()): Framework[] => [...reg.frameworks.values()];
export const getFramework = (id: string, reg: Registry = registry()): Framework | undefined => reg.frameworks.get(id);
export const getLevel = (ref: string, reg: Registry = registry()): Level | undefined => reg.levels.get(ref);
export const listEdges = (reg: Registry = registry()): Edge[] => reg.edges;
export const listAgreements = (reg: Registry = registry()): Agreement[] => reg.agreements;
export const listQualificationTypes = (reg: Registry = registry()): QualificationType[] => [...reg.qualificationTypes.values()];

export function requireQualificationType(id: string, reg: Registry = registry()): QualificationType {
  return reg.qualificationTypes.get(id) ?? (() => {
    throw notFound('unknown-qualification-type', `Unknown qualification type '${id}'. Known types: ${[...reg.qualificationTypes.keys()].join(', ')} (GET /qualification-types).`);
  })();
}

export function requireFramework(id: string, reg: Registry = registry()): Framework {
  return reg.frameworks.get(id) ?? (() => {
    throw notFound('unknown-framework', `Unknown framework '${id}'. Known frameworks: ${[...reg.frameworks.keys()].join(', ')}.`);
  })();
}

export function requireLevel(ref: string, reg: Registry = registry()): Level {
  const parts = splitRef(ref);
  if (!parts) throw badRequest('invalid-level-ref', `'${ref}' is not a level reference; use <framework>:<code>, e.g. ma-cnc:5 or cefr:B1.`);
  const fw = requireFramework(parts[0], reg);
  return reg.levels.get(ref) ?? (() => {
    throw notFound('unknown-level', `Framework ${fw.id} has no level '${parts[1]}'. Its levels: ${fw.levels.map((l) => l.code).join(', ')}.`);
  })();
}

export const frameworksForCountry = (cc: string, reg: Registry = registry()): Framework[] =>
  listFrameworks(reg).filter((f) => f.country === cc.toUpperCase());

/** The framework for a country: its only one, or the one marked countryDefault (Spain: MECU). */
export function frameworkForCountry(cc: string, reg: Registry = registry()): Framework | undefined {
  const candidates = frameworksForCountry(cc, reg);
  if (candidates.length <= 1) return candidates[0];
  const preferred = candidates.find((f) => f.countryDefault);
  if (preferred) return preferred;
  throw badRequest('ambiguous-country', `${cc.toUpperCase()} has several frameworks (${candidates.map((f) => f.id).join(', ')}); name one.`);
}

/** Where this service serves a framework's levels: minted level URIs are `<base URL>/frameworks/<id>/levels/<code>`. */
const mintedLevelPath = (frameworkId: string) => `/frameworks/${frameworkId}/levels/`;

const isAbsolute = (uri: string) => /^https?:\/\//.test(uri);

/** The level's URI: the official one (EQF), else the one this service mints and serves under its base URL. */
export const levelUri = (level: Level, baseUrl: string): string => (isAbsolute(level.uri) ? level.uri : `${baseUrl}${level.uri}`);

/** The framework as a SKOS concept scheme, served by this service. */
export const frameworkUri = (framework: Framework, baseUrl: string): string => `${baseUrl}/frameworks/${framework.id}`;

/**
 * The level a URI names: an official URI (EQF), or a minted one under any origin. Minted URIs are matched by path
 * because credentials already signed carry those of the host that issued them (up to 2026, the placeholder
 * https://passerelle.example): the path alone names the level, and a wrong origin would claim no more than
 * targetFramework + targetCode already can.
 */
export function levelByUri(uri: string, reg: Registry = registry()): Level | undefined {
  const trimmed = uri.replace(/\/+$/, '');
  if (!isAbsolute(trimmed)) return undefined;
  const official = reg.levelsByUri.get(uri) ?? reg.levelsByUri.get(trimmed);
  if (official) return official;
  let path: string;
  try {
    path = new URL(trimmed).pathname;
  } catch {
    return undefined;
  }
  const level = reg.levelsByUri.get(path);
  return level && !isAbsolute(level.uri) ? level : undefined;
}

/** Whether a URI has the shape of a level URI of a known framework (whether or not that level exists). */
export function isLevelUriOfKnownFramework(uri: string, reg: Registry = registry()): boolean {
  let path = uri;
  if (isAbsolute(uri)) {
    try {
      path = new URL(uri).pathname;
    } catch {
      return false;
    }
  }
  return listFrameworks(reg).some((f) => uri.startsWith(f.levelUriBase) || (!isAbsolute(f.levelUriBase) && path.startsWith(f.levelUriBase)));
}

const normalise = (s: string) => s.trim().toLowerCase();

function frameworkByIdOrName(name: string, reg: Registry): Framework | undefined {
  const n = normalise(name);
  return listFrameworks(reg).find((f) => f.id === n || normalise(f.acronym) === n || Object.values(f.name).some((v) => normalise(v) === n));
}

/**
 * Resolves an Open Badges / CLR alignment to a level: by targetUrl (our URIs and the EQF's
 * http://data.europa.eu/snb/eqf/N), else by targetFramework (id, acronym or display name) + targetCode.
 */
export function resolveAlignment(
  alignment: { targetFramework?: string; targetCode?: string; targetUrl?: string },
  reg: Registry = registry(),
): Level | null {
  if (alignment.targetUrl) {
    const byUri = levelByUri(alignment.targetUrl, reg);
    if (byUri) return byUri;
  }
  if (!alignment.targetFramework || !alignment.targetCode) return null;
  const fw = frameworkByIdOrName(alignment.targetFramework, reg);
  const code = normalise(alignment.targetCode);
  return fw?.levels.find((l) => normalise(l.code) === code) ?? null;
}

