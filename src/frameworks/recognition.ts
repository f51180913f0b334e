/**
 * Recognition engine: which level(s) of framework B correspond to a level of framework A, by which path,
 * on what basis. Pure over the registry data; relations are never computed from level numbers.
 */
import { badRequest } from '../errors.js';
import { registry, requireFramework, requireLevel, splitRef } from './registry.js';
import type { Agreement, Basis, Edge, Framework, LanguageMessages, Level, Registry, Relation, Text } from './types.js';

/** Label order: a path is labelled with its weakest basis. */
export const BASIS_STRENGTH: Record<Basis, number> = {
  'official-referencing': 7,
  'official-comparison': 6,
  'bilateral-agreement': 5,
  'credential-evaluation-body': 4,
  'accredited-claim': 3,
  indicative: 2,
  'issuer-claimed': 1,
};

/** Preference order: both official kinds are adopted acts, so they rank equally when choosing a path. */
const BASIS_TIER: Record<Basis, number> = {
  'official-referencing': 6,
  'official-comparison': 6,
  'bilateral-agreement': 5,
  'credential-evaluation-body': 4,
  'accredited-claim': 3,
  indicative: 2,
  'issuer-claimed': 1,
};

const INVERSE: Record<Relation, Relation> = { exact: 'exact', close: 'close', broader: 'narrower', narrower: 'broader' };

/** Longest chain worth following (e.g. KNQF -> EQF -> MECES is 2); longer chains only add doubt. */
const MAX_HOPS = 4;

/** A stored edge as a path uses it (without its note and origin). */
export type Step = Pick<Edge, 'from' | 'to' | 'relation' | 'source' | 'date' | 'verified' | 'parties'> & {
  basis: Basis;
  /** true when the stored edge was followed backwards (relation inverted). */
  inverse: boolean;
};

export interface RecognitionPath {
  steps: Step[];
  basis: Basis;
  verified: boolean;
}

export interface RecognitionAgreement {
  id: string;
  title: string;
  establishesLevelEquivalence: boolean;
  occupations: string[];
}

export interface Recognition {
  from: string;
  to: string;
  outcome: 'recognised' | 'none';
  levels: { ref: string; title: string; uri: string }[];
  paths: RecognitionPath[];
  basis: Basis | null;
  /** false as soon as one step of a chosen path rests on an unverified fact. */
  verified: boolean | null;
  agreements: RecognitionAgreement[];
  explanation: string;
  lang: string;
  requestedLang: string;
}

export interface RecogniseInput {
  from: string;
  to: string;
  lang?: string;
}

export const weakestBasis = (steps: Step[]): Basis =>
  steps.reduce<Basis>((weakest, s) => (BASIS_STRENGTH[s.basis] < BASIS_STRENGTH[weakest] ? s.basis : weakest), 'official-referencing');

const frameworkOf = (ref: string) => splitRef(ref)![0];

const graphs = new WeakMap<Registry, Map<string, Step[]>>();

/** Adjacency list with every edge in both directions; built once per registry. */
function graphFor(reg: Registry): Map<string, Step[]> {
  const cached = graphs.get(reg);
  if (cached) return cached;
  const graph = new Map<string, Step[]>();
  const add = (step: Step) => graph.set(step.from, [...(graph.get(step.from) ?? []), step]);
  for (const e of reg.edges) {
    add(stepOf(e, false));
    add(stepOf(e, true));
  }
  graphs.set(reg, graph);
  return graph;
}

function stepOf(e: Edge, inverse: boolean): Step {
  return {
    from: inverse ? e.to : e.from,
    to: inverse ? e.from : e.to,
    relation: inverse ? INVERSE[e.relation] : e.relation,
    basis: e.basis,
    source: e.source,
    date: e.date,
    verified: e.verified,
    inverse,
    ...(e.parties ? { parties: e.parties } : {}),
  };
}

/** A bilateral agreement binds only its parties: it cannot carry a recognition to or from a third country. */
const withinParties = (steps: Step[], countries: (string | null)[]) =>
  steps.every((s) => !s.parties || countries.every((cc) => cc !== null && s.parties!.includes(cc)));

/** Every simple path from `start` into the target framework, visiting each framework at most once. */
function findPaths(graph: Map<string, Step[]>, start: string, target: string, countries: (string | null)[]): Step[][] {
  const found: Step[][] = [];
  const walk = (ref: string, visited: Set<string>, steps: Step[]) => {
    if (steps.length === MAX_HOPS) return;
    for (const step of graph.get(ref) ?? []) {
      const fw = frameworkOf(step.to);
      if (visited.has(fw)) continue;
      const next = [...steps, step];
      if (fw === target) {
        if (withinParties(next, countries)) found.push(next);
      } else walk(step.to, new Set(visited).add(fw), next);
    }
  };
  walk(start, new Set([frameworkOf(start)]), []);
  return found;
}

/** Strongest basis first, then shortest; all paths tied with the best are kept (several target levels). */
function bestPaths(paths: Step[][]): Step[][] {
  const score = (p: Step[]) => BASIS_TIER[weakestBasis(p)] * 100 - p.length;
  const top = Math.max(...paths.map(score));
  return paths.filter((p) => score(p) === top);
}

const pick = (text: Text, lang: string) => text[lang] ?? text.en!;

function relevantAgreements(reg: Registry, a: Framework, b: Framework): Agreement[] {
  if (!a.country || !b.country) return [];
  const covers = (ag: Agreement, origin: string, destination: string) =>
    ag.destination === destination && (ag.origin === 'any' || ag.origin.includes(origin));
  return reg.agreements.filter((ag) => covers(ag, a.country!, b.country!) || covers(ag, b.country!, a.country!));
}

const fill = (template: string, values: Record<string, string>) =>
  template.replace(/\{(\w+)\}/g, (_, key: string) => values[key] ?? `{${key}}`);

function explain(args: {
  m: LanguageMessages; lang: string; requestedLang: string;
  from: Level; target: Framework; levels: Level[]; paths: RecognitionPath[]; basis: Basis | null; agreements: Agreement[];
}): string {
  const { m, lang, requestedLang, from, target, levels, paths, basis, agreements } = args;
  const label = (l: Level) => `${pick(l.title, lang)} [${l.ref}]`;
  const parts: string[] = [];
  if (lang !== requestedLang) parts.push(fill(m.languageFallback, { requested: requestedLang }));
  const framework = pick(target.name, lang);
  if (basis === null) {
    parts.push(fill(m.none, { from: label(from), framework }));
  } else {
    parts.push(fill(m.recognised, { from: label(from), levels: levels.map(label).join(', '), framework }));
    if (levels.length > 1) parts.push(m.several);
    parts.push(fill(m.basis, { basis: m.basisWords[basis] }));
    const pathText = paths.map((p) => [p.steps[0]!.from, ...p.steps.map((s) => s.to)].join(' → ')).join('; ');
    parts.push(fill(m.path, { path: pathText }));
    const sources = [...new Set(paths.flatMap((p) => p.steps.map((s) => (s.source.url ? `${s.source.title} <${s.source.url}>` : s.source.title))))];
    parts.push(fill(m.sources, { sources: sources.join('; ') }));
    if (paths.some((p) => !p.verified)) parts.push(m.unverified);
    parts.push(m.bestFit);
  }
  for (const ag of agreements.filter((a) => !a.establishesLevelEquivalence)) parts.push(fill(m.agreement, { agreement: pick(ag.title, lang) }));
  return parts.join(' ');
}

/**
 * recognise({ from: 'ma-cnc:5', to: 'es-mecu', lang: 'fr' }).
 * Throws notFound('unknown-framework' | 'unknown-level') or badRequest('invalid-level-ref' | 'same-framework').
 */
export function recognise(input: RecogniseInput, reg: Registry = registry()): Recognition {
  const from = requireLevel(input.from, reg);
  const target = requireFramework(input.to, reg);
  if (from.framework === target.id) throw badRequest('same-framework', `${input.from} is already in ${target.id}; ask for another framework.`);
  const requestedLang = input.lang ?? 'en';
  const lang = reg.messages.languages.includes(requestedLang) ? requestedLang : 'en';

  const source = requireFramework(from.framework, reg);
  const found = findPaths(graphFor(reg), from.ref, target.id, [source.country, target.country]);
  const chosen = found.length ? bestPaths(found) : [];
  const paths: RecognitionPath[] = chosen.map((steps) => ({ steps, basis: weakestBasis(steps), verified: steps.every((s) => s.verified) }));
  const order = new Map(target.levels.map((l, i) => [l.ref, i]));
  const levels = [...new Set(paths.map((p) => p.steps.at(-1)!.to))]
    .sort((a, b) => order.get(a)! - order.get(b)!)
    .map((ref) => reg.levels.get(ref)!);
  paths.sort((a, b) => order.get(a.steps.at(-1)!.to)! - order.get(b.steps.at(-1)!.to)!);
  // Ties may mix official kinds; report the weaker label so the answer never overstates.
  const basis = paths.length ? weakestBasis(paths.flatMap((p) => p.steps)) : null;
  const agreements = relevantAgreements(reg, source, target);

  return {
    from: from.ref,
    to: target.id,
    outcome: paths.length ? 'recognised' : 'none',
    levels: levels.map((l) => ({ ref: l.ref, title: pick(l.title, lang), uri: l.uri })),
    paths,
    basis,
    verified: paths.length ? paths.every((p) => p.verified) : null,
    agreements: agreements.map((ag) => ({
      id: ag.id,
      title: pick(ag.title, lang),
      establishesLevelEquivalence: ag.establishesLevelEquivalence,
      occupations: ag.occupations.map((o) => o.isco08),
    })),
    explanation: explain({ m: reg.messages.byLang[lang]!, lang, requestedLang, from, target, levels, paths, basis, agreements }),
    lang,
    requestedLang,
  };
}
