/**
 * Recognition engine: what a level, a named qualification type or a credential's stated levels correspond to in
 * another framework, on whose word, and where the holder can apply. Pure over the registry data; relations are never
 * computed from level numbers: they are stored edges (adopted referencings) and published placements of named types.
 */
import { badRequest } from '../errors.js';
import { TEMPLATE_PLACEHOLDER, registry, requireFramework, requireLevel, requireQualificationType, splitRef } from './registry.js';
import type {
  Agreement, Basis, Edge, Framework, Jurisdiction, LanguageMessages, Level, NextStep, Outcome, Placement, PlacementView,
  QualificationKind, QualificationType, Recognition, RecognitionPath, Registry, Relation, Source, SourceView, StepView, Text,
} from './types.js';

/** Label order, strongest first: a path is labelled with its weakest step. The issuer's own word is the weakest. */
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
const BASIS_TIER: Record<Basis, number> = { ...BASIS_STRENGTH, 'official-referencing': 6 };

const OUTCOME_OF: Record<Basis, Outcome> = {
  'official-referencing': 'official',
  'official-comparison': 'official',
  'bilateral-agreement': 'official',
  'credential-evaluation-body': 'indicative',
  indicative: 'indicative',
  'accredited-claim': 'issuer-claimed',
  'issuer-claimed': 'issuer-claimed',
};

const INVERSE: Record<Relation, Relation> = { exact: 'exact', close: 'close', broader: 'narrower', narrower: 'broader' };

/** Longest chain of stored edges worth following (e.g. KNQF -> EQF -> MECES is 2); longer chains only add doubt. */
const MAX_HOPS = 4;

/** Pseudo-node refs for the first step of a path that does not start at a level. */
export const CREDENTIAL_NODE = 'credential';
export const typeNode = (id: string) => `qualification-type:${id}`;

/** A step as the engine walks it: a stored edge (in either direction), a placement, or the issuer's claim. */
export interface Step {
  from: string;
  to: string;
  relation: Relation;
  basis: Basis;
  source: Source;
  verified: boolean;
  /** true when a stored edge was followed backwards (relation inverted). */
  inverse: boolean;
  parties?: string[];
  placement?: Placement;
  accreditedBy?: { id: string; name: string };
}

/** A level the issuer states in a credential; `accreditedBy` when a recognition authority accredits the issuer for it. */
export interface IssuerClaim {
  level: string;
  accreditedBy?: { id: string; name: string };
}

export interface RecogniseInput {
  /** A level ref (`ma-cnc:5`), as asked. */
  from?: string;
  /** A named qualification type (`ma-technicien-specialise`): its published placements are used. */
  qualificationType?: string;
  /** Levels stated by a credential's issuer (each enters a path as `issuer-claimed` or `accredited-claim`). */
  claims?: IssuerClaim[];
  /** Label of the credential in the explanation, when `claims` are given (its achievement name). */
  credentialLabel?: string;
  /** Occupations the credential names (ESCO URIs), to choose the regulated-profession route. */
  occupations?: string[];
  to: string;
  lang?: string;
}

export const weakestBasis = (steps: Pick<Step, 'basis'>[]): Basis =>
  steps.reduce<Basis>((weakest, s) => (BASIS_STRENGTH[s.basis] < BASIS_STRENGTH[weakest] ? s.basis : weakest), 'official-referencing');

/** The relation a chain of steps amounts to: exact only if every step is; broader or narrower if they all lean one way. */
export function composeRelation(relations: Relation[]): Relation {
  if (relations.every((r) => r === 'exact')) return 'exact';
  const broader = relations.includes('broader');
  const narrower = relations.includes('narrower');
  if (broader && !narrower) return 'broader';
  if (narrower && !broader) return 'narrower';
  return 'close';
}

/** The graph's nodes are level refs, checked when the registry was built. */
const frameworkOf = (ref: string) => splitRef(ref)![0];

const graphs = new WeakMap<Registry, Map<string, Step[]>>();

/** Adjacency list with every stored edge in both directions; built once per registry. */
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
    verified: e.verified,
    inverse,
    ...(e.parties ? { parties: e.parties } : {}),
  };
}

/** A bilateral agreement binds only its parties: it cannot carry a recognition to or from a third country. */
const withinParties = (steps: Step[], countries: (string | null)[]) =>
  steps.every((s) => !s.parties || countries.every((cc) => cc !== null && s.parties!.includes(cc)));

/** Every simple path of stored edges from `start` into the target framework, visiting each framework at most once. */
function findPaths(graph: Map<string, Step[]>, start: string, target: string, countries: (string | null)[]): Step[][] {
  if (frameworkOf(start) === target) return [[]];
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

/** Strongest basis first, then shortest; every path tied with the best is kept (several target levels). */
function bestPaths(paths: Step[][]): Step[][] {
  if (paths.length === 0) return [];
  const score = (p: Step[]) => BASIS_TIER[weakestBasis(p)] * 100 - p.length;
  const top = Math.max(...paths.map(score));
  return paths.filter((p) => score(p) === top);
}

const pick = (text: Text, lang: string) => text[lang] ?? text.en!;

const LATIN = /[A-Za-z]/;
const BIDI_CONTROLS = /[\u202A-\u202E\u2066-\u2069]/;
/** Fills a template; in Arabic, a value with Latin letters is wrapped in first-strong isolates so it keeps its order. */
function fill(template: string, values: Record<string, string>, lang: string, composed: string[] = []): string {
  return template.replace(TEMPLATE_PLACEHOLDER, (_, key: string) => {
    const value = values[key] ?? `{${key}}`;
    // An issuer named with a right-to-left override would reverse the sentence after it: isolated in every language,
    // without its own isolate marks, so that none of them closes the isolate early.
    if (BIDI_CONTROLS.test(value) && !composed.includes(key)) return `\u2068${value.replace(/[\u2066-\u2069]/g, '')}\u2069`;
    // A value composed of already-filled sentences carries its own isolates.
    return lang === 'ar' && LATIN.test(value) && !composed.includes(key) ? `\u2068${value}\u2069` : value;
  });
}

/**
 * Agreements concerning a move from `a`'s country to `b`'s. One that names its origin countries concerns both ways
 * (workers go and come back); a country's own law open to any origin concerns only arrivals in that country.
 */
function relevantAgreements(reg: Registry, a: Framework, b: Framework): Agreement[] {
  if (!a.country || !b.country) return [];
  const names = (ag: Agreement, country: string) => ag.origin !== 'any' && ag.origin.includes(country);
  return reg.agreements.filter((ag) => (ag.destination === b.country && (ag.origin === 'any' || names(ag, a.country!)))
    || (ag.destination === a.country && names(ag, b.country!)));
}

/** A source as published, with its title translated into the answer's language where the data translates it. */
function sourceView(s: Source, lang: string): SourceView {
  const translated = s.titleTranslated?.[lang];
  return {
    title: s.title,
    ...(s.titleOriginal ? { titleOriginal: s.titleOriginal } : {}),
    ...(s.titleTranslated ? { titleTranslated: s.titleTranslated } : {}),
    ...(translated && translated !== s.title ? { translatedTitle: translated } : {}),
    url: s.url,
    ...(s.reference ? { reference: s.reference } : {}),
    ...(s.date ? { date: s.date } : {}),
    ...(s.dateKind ? { dateKind: s.dateKind } : {}),
    verified: s.verified,
    ...(s.checked ? { checked: s.checked } : {}),
  };
}

const jurisdictionOf = (reg: Registry, frameworkId: string): Jurisdiction | undefined =>
  reg.jurisdictions.find((j) => j.frameworks.includes(frameworkId));

const countryName = (reg: Registry, cc: string, lang: string) => {
  const j = reg.jurisdictions.find((x) => x.id === cc);
  return j ? pick(j.name, lang) : cc;
};

/**
 * The step that applies: the regulated-profession route when the credential names a regulated occupation; otherwise
 * the procedures for the qualification's kinds (main kind first); otherwise every general route of the destination.
 */
function nextStepsFor(reg: Registry, m: LanguageMessages, lang: string, jurisdiction: Jurisdiction | undefined,
  type: QualificationType | undefined, occupations: string[]): NextStep[] {
  if (!jurisdiction) return [];
  const kinds: QualificationKind[] = type?.kinds ?? [];
  const matchesKind = (kindsOfProcedure: QualificationKind[]) => kinds.length === 0 || kinds.some((k) => kindsOfProcedure.includes(k));
  const regulated = reg.regulatedOccupations.filter((r) => occupations.includes(r.esco));
  const chosen: Array<{ id: string; reason: string }> = [];
  if (regulated.length > 0) {
    const reason = fill(m.reasonRegulated, { occupation: regulated.map((r) => pick(r.title, lang)).join(', ') }, lang);
    for (const p of jurisdiction.procedures) if (p.route === 'regulated-profession' && matchesKind(p.kinds)) chosen.push({ id: p.id, reason });
  }
  const general = jurisdiction.procedures.filter((p) => p.route !== 'regulated-profession');
  const byKind = kinds.flatMap((k) => general.filter((p) => p.kinds.includes(k)).map((p) => ({ id: p.id, reason: m.kindWords[k] })));
  const fallback = general.map((p) => ({ id: p.id, reason: m.reasonGeneral }));
  for (const c of byKind.length > 0 ? byKind : fallback) if (!chosen.some((x) => x.id === c.id)) chosen.push(c);
  return chosen.map(({ id, reason }) => {
    const p = jurisdiction.procedures.find((x) => x.id === id)!;
    return {
      id: p.id, jurisdiction: jurisdiction.id, country: jurisdiction.country, route: p.route, reason,
      title: pick(p.title, lang), body: pick(p.body.title, lang), bodyOriginal: p.body.name, summary: pick(p.summary, lang), url: p.url,
      fees: p.fees ? pick(p.fees, lang) : null, duration: p.duration ? pick(p.duration, lang) : null,
      sources: p.sources.map((x) => sourceView(x, lang)), verified: p.verified,
    };
  });
}

/**
 * recognise({ from: 'ke-knqf:6', to: 'lt-ltks', lang: 'fr' }) or ({ qualificationType: 'ma-technicien-specialise', to: 'es-mecu' }).
 * Throws notFound('unknown-framework' | 'unknown-level' | 'unknown-qualification-type') or
 * badRequest('invalid-level-ref' | 'same-framework' | 'missing-recognition-origin').
 */
export function recognise(input: RecogniseInput, reg: Registry = registry()): Recognition {
  const claims = input.claims ?? [];
  if (input.from === undefined && input.qualificationType === undefined && claims.length === 0) {
    throw badRequest('missing-recognition-origin', 'Name what to recognise: a level (from, e.g. ma-cnc:5) or a qualification type (qualificationType, e.g. ma-technicien-specialise; GET /qualification-types lists them)');
  }
  const fromLevel = input.from === undefined ? undefined : requireLevel(input.from, reg);
  const type = input.qualificationType === undefined ? undefined : requireQualificationType(input.qualificationType, reg);
  const target = requireFramework(input.to, reg);
  if (fromLevel && fromLevel.framework === target.id) throw badRequest('same-framework', `${input.from} is already in ${target.id}; ask for another framework.`);
  const requestedLang = input.lang ?? 'en';
  const lang = reg.messages.languages.includes(requestedLang) ? requestedLang : 'en';
  const m = reg.messages.byLang[lang]!;
  const graph = graphFor(reg);
  const claimLevels = claims.map((c) => requireLevel(c.level, reg));
  const originFramework = fromLevel ? requireFramework(fromLevel.framework, reg)
    : claimLevels[0] ? requireFramework(claimLevels[0].framework, reg) : undefined;
  const originCountry = type?.country ?? originFramework?.country ?? null;
  const countries = [originCountry, target.country];

  // A language level is not a qualification level: nothing links the two kinds of scale.
  const comparable = (l: Level) => (reg.frameworks.get(l.framework)!.kind === 'language') === (target.kind === 'language');
  const notComparable = type === undefined && (fromLevel ? !comparable(fromLevel) : claimLevels.every((l) => !comparable(l)));

  const candidates: Step[][] = [];
  if (!notComparable) {
    if (fromLevel) candidates.push(...findPaths(graph, fromLevel.ref, target.id, countries));
    const placements = type ? reg.placements.filter((p) => p.qualificationType === type.id) : [];
    for (const p of placements) {
      for (const level of p.to) {
        const first: Step = {
          from: typeNode(type!.id), to: level, relation: p.relation, basis: 'credential-evaluation-body',
          source: p.source, verified: p.verified, inverse: false, placement: p,
        };
        for (const rest of findPaths(graph, level, target.id, countries)) candidates.push([first, ...rest]);
      }
    }
    claims.forEach((claim, i) => {
      const level = claimLevels[i]!;
      if (!comparable(level)) return;
      const first: Step = {
        from: CREDENTIAL_NODE, to: level.ref, relation: 'exact', basis: claim.accreditedBy ? 'accredited-claim' : 'issuer-claimed',
        source: { title: m.claimSource, url: null, verified: false },
        verified: false, inverse: false, ...(claim.accreditedBy ? { accreditedBy: claim.accreditedBy } : {}),
      };
      for (const rest of findPaths(graph, level.ref, target.id, countries)) candidates.push([first, ...rest]);
    });
  }

  const chosen = bestPaths(candidates);
  const order = new Map(target.levels.map((l, i) => [l.ref, i]));
  chosen.sort((a, b) => order.get(a.at(-1)!.to)! - order.get(b.at(-1)!.to)!);
  const levels = [...new Set(chosen.map((p) => p.at(-1)!.to))].map((ref) => reg.levels.get(ref)!);
  const allSteps = chosen.flat();
  const basis = chosen.length ? weakestBasis(allSteps) : null;
  const outcome: Outcome = notComparable ? 'not-comparable' : basis ? OUTCOME_OF[basis] : 'none';
  const pathRelations = chosen.map((p) => composeRelation(p.map((s) => s.relation)));
  const relation = pathRelations.length > 0 && pathRelations.every((r) => r === pathRelations[0]) ? pathRelations[0]! : null;

  // Labels people read: titles, never ids.
  const levelTitle = (l: Level) => pick(l.title, lang);
  const fwOf = (l: Level) => reg.frameworks.get(l.framework)!;
  const originLabel = (l: Level) => (fwOf(l).kind === 'national' && fwOf(l).status !== 'referenced-to-eqf'
    ? fill(m.nationalLevel, { level: levelTitle(l) }, lang) : levelTitle(l));
  const typeLabel = (q: QualificationType) => `${q.originalName} (${countryName(reg, q.country, lang)})`;
  const credentialLabel = input.credentialLabel ?? m.credential;
  const nodeLabel = (ref: string) => (ref === CREDENTIAL_NODE ? credentialLabel
    : ref.startsWith('qualification-type:') ? typeLabel(reg.qualificationTypes.get(ref.slice('qualification-type:'.length))!)
      : levelTitle(reg.levels.get(ref)!));
  const byOf = (s: Step) => (s.placement ? pick(s.placement.by.title, lang) : s.accreditedBy?.name ?? '');
  const frameworkName = pick(target.name, lang);

  const paths: RecognitionPath[] = chosen.map((steps, i) => ({
    steps: steps.map((s): StepView => ({
      from: s.from, to: s.to, relation: s.relation, basis: s.basis, inverse: s.inverse, verified: s.verified,
      text: fill(m.step[s.basis], { from: nodeLabel(s.from), to: nodeLabel(s.to), by: byOf(s) }, lang),
      source: sourceView(s.source, lang),
      ...(s.placement ? { placement: s.placement.id } : {}),
      ...(s.accreditedBy ? { accreditedBy: s.accreditedBy } : {}),
      ...(s.parties ? { parties: s.parties } : {}),
    })),
    basis: weakestBasis(steps),
    relation: pathRelations[i]!,
    verified: steps.every((s) => s.verified),
  }));

  const typePlacements = type ? reg.placements.filter((p) => p.qualificationType === type.id) : [];
  const placements: PlacementView[] = typePlacements.map((p) => {
    const placed = p.to.map((ref) => reg.levels.get(ref)!);
    const origin = type!.originLevel ? reg.levels.get(type!.originLevel)! : undefined;
    return {
      id: p.id,
      qualificationType: { id: type!.id, originalName: type!.originalName, title: pick(type!.title, lang), country: type!.country },
      originLevel: origin ? { ref: origin.ref, title: levelTitle(origin), national: true } : null,
      levels: placed.map((l) => ({ ref: l.ref, title: levelTitle(l), uri: l.uri })),
      relation: p.relation, relationText: m.relationWords[p.relation],
      by: { id: p.by.id, name: p.by.name, country: p.by.country, title: pick(p.by.title, lang) },
      bindsOnly: pick(p.by.scope, lang),
      comparableTo: pick(p.comparableTo, lang),
      basis: p.basis,
      text: fill(m.placementText, { by: pick(p.by.title, lang), type: typeLabel(type!), levels: placed.map(levelTitle).join(m.or), comparableTo: pick(p.comparableTo, lang) }, lang),
      source: sourceView(p.source, lang), verified: p.verified, derived: p.derived ?? false,
    };
  });

  const typesAtLevel = fromLevel && !type && chosen.length === 0
    ? [...reg.qualificationTypes.values()].filter((q) => q.originLevel === fromLevel.ref && reg.placements.some((p) => p.qualificationType === q.id))
    : [];
  const agreements = originFramework ? relevantAgreements(reg, originFramework, target) : [];
  const jurisdiction = jurisdictionOf(reg, target.id);
  const nextSteps = nextStepsFor(reg, m, lang, jurisdiction, type, input.occupations ?? []);

  const sources: SourceView[] = [];
  const seen = new Set<string>();
  const addSource = (s: Source) => {
    const key = `${s.title}|${s.url}`;
    if (!seen.has(key)) { seen.add(key); sources.push(sourceView(s, lang)); }
  };
  // The claim steps rest on the credential itself, which is not a published source.
  allSteps.filter((s) => s.basis !== 'issuer-claimed' && s.basis !== 'accredited-claim').forEach((s) => addSource(s.source));
  typePlacements.forEach((p) => addSource(p.source));
  jurisdiction?.procedures.filter((p) => nextSteps.some((n) => n.id === p.id)).forEach((p) => p.sources.forEach(addSource));

  // The explanation: the answer first, then on whose word, then where to apply.
  const lead = type ? typeLabel(type) : fromLevel ? originLabel(fromLevel) : credentialLabel;
  const parts: string[] = [];
  if (lang !== requestedLang) parts.push(fill(m.languageFallback, { requested: requestedLang }, lang));
  parts.push(fill(m.lead[outcome], { from: lead, relation: m.relationWords[relation ?? 'close'], levels: levels.map(levelTitle).join(m.or), framework: frameworkName }, lang));
  if (levels.length > 1) parts.push(m.several);
  if (outcome === 'none' && type && typePlacements.length === 0) parts.push(fill(m.placementNone, { type: typeLabel(type) }, lang));
  if (typesAtLevel.length > 0) parts.push(fill(m.typesAtLevel, { types: typesAtLevel.map((q) => q.originalName).join(', ') }, lang));
  if (chosen.length > 0) parts.push(fill(m.onWhoseWord, { steps: stepSummary(chosen, nodeLabel, m, lang) }, lang, ['steps']));
  if (paths.some((p) => !p.verified)) parts.push(m.unverified);
  if (levels.length > 0) parts.push(m.bestFit);
  for (const ag of agreements.filter((a) => !a.establishesLevelEquivalence)) parts.push(fill(m.agreement, { agreement: pick(ag.title, lang) }, lang));
  if (nextSteps[0]) parts.push(fill(m.nextStep, { title: nextSteps[0].title, body: nextSteps[0].body }, lang));
  else if (target.kind === 'national') parts.push(m.noNextStep);

  return {
    from: fromLevel?.ref ?? (type ? typeNode(type.id) : CREDENTIAL_NODE),
    to: target.id,
    origin: {
      level: fromLevel ? { ref: fromLevel.ref, title: levelTitle(fromLevel), national: fwOf(fromLevel).kind === 'national' } : null,
      qualificationType: type
        ? { id: type.id, originalName: type.originalName, title: pick(type.title, lang), kind: type.kinds[0]!, kindText: m.kindWords[type.kinds[0]!] }
        : null,
    },
    destination: { framework: target.id, title: frameworkName, country: target.country },
    outcome,
    outcomeText: m.outcomeWords[outcome],
    relation,
    relationText: relation ? m.relationWords[relation] : null,
    levels: levels.map((l) => ({ ref: l.ref, title: levelTitle(l), uri: l.uri })),
    paths,
    basis,
    basisText: basis ? m.basisWords[basis] : null,
    verified: paths.length ? paths.every((p) => p.verified) : null,
    placements,
    qualificationTypesAtLevel: typesAtLevel.map((q) => ({ id: q.id, originalName: q.originalName, title: pick(q.title, lang) })),
    agreements: agreements.map((ag) => ({
      id: ag.id, title: pick(ag.title, lang), establishesLevelEquivalence: ag.establishesLevelEquivalence, occupations: ag.occupations.map((o) => o.isco08),
    })),
    nextSteps,
    nextStepsNote: jurisdiction?.gaps ? pick(jurisdiction.gaps, lang) : null,
    sources,
    explanation: parts.join(' '),
    lang,
    requestedLang,
  };
}

/**
 * One sentence per position along the paths ("Technicien spécialisé to EQF level 5: placed by Nuffic..."), alternatives
 * joined with "or", so a placement at three levels reads as one step, not three.
 */
function stepSummary(chosen: Step[][], nodeLabel: (ref: string) => string, m: LanguageMessages, lang: string): string {
  const groups = new Map<string, { basis: Basis; from: string[]; to: string[]; by: string }>();
  chosen.forEach((steps) => steps.forEach((s, i) => {
    const key = `${i}|${s.basis}`;
    const g = groups.get(key) ?? { basis: s.basis, from: [], to: [], by: s.placement ? pick(s.placement.by.title, lang) : s.accreditedBy?.name ?? '' };
    if (!g.from.includes(s.from)) g.from.push(s.from);
    if (!g.to.includes(s.to)) g.to.push(s.to);
    groups.set(key, g);
  }));
  return [...groups.values()].map((g) => fill(m.step[g.basis], {
    from: g.from.map(nodeLabel).join(m.or), to: g.to.map(nodeLabel).join(m.or), by: g.by,
  }, lang)).join(' ');
}
