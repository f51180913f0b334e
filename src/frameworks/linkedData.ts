/**
 * Frameworks and levels as linked data: a framework is a SKOS concept scheme and each level a SKOS concept in it,
 * at the URIs this service mints (`<base URL>/frameworks/<id>` and `.../levels/<code>`; EQF levels keep their
 * official URIs). The JSON answers keep their plain fields; the context maps the ones SKOS names and leaves the
 * others to plain-JSON readers.
 */
import { frameworkUri, levelUri, listEdges } from './registry.js';
import type { Edge, Framework, Level } from './types.js';

const SKOS = 'http://www.w3.org/2004/02/skos/core#';

/** Inline (never fetched): `uri` is the node's @id, titles and names are language maps. */
export const SKOS_CONTEXT = {
  skos: SKOS,
  uri: '@id',
  type: '@type',
  title: { '@id': 'skos:prefLabel', '@container': '@language' },
  name: { '@id': 'skos:prefLabel', '@container': '@language' },
  code: 'skos:notation',
  inScheme: { '@id': 'skos:inScheme', '@type': '@id' },
  levels: { '@id': 'skos:hasTopConcept' },
} as const;

export interface LevelDocument extends Omit<Level, 'uri'> {
  '@context': typeof SKOS_CONTEXT;
  uri: string;
  type: 'skos:Concept';
  inScheme: { uri: string; type: 'skos:ConceptScheme'; name: Framework['name'] };
  relations: Edge[];
}

export function levelDocument(level: Level, framework: Framework, baseUrl: string): LevelDocument {
  return {
    '@context': SKOS_CONTEXT,
    ...level,
    uri: levelUri(level, baseUrl),
    type: 'skos:Concept',
    inScheme: { uri: frameworkUri(framework, baseUrl), type: 'skos:ConceptScheme', name: framework.name },
    relations: listEdges().filter((e) => e.from === level.ref || e.to === level.ref),
  };
}

export function frameworkDocument(framework: Framework, baseUrl: string) {
  return {
    '@context': SKOS_CONTEXT,
    ...framework,
    uri: frameworkUri(framework, baseUrl),
    type: 'skos:ConceptScheme',
    levels: framework.levels.map((level) => ({ ...level, uri: levelUri(level, baseUrl), type: 'skos:Concept' })),
  };
}

interface NamesLevels { levels: Array<{ uri: string }>; placements?: Array<{ levels: Array<{ uri: string }> }> }

/**
 * A recognition answer names levels by the URI reference the data holds (a path for minted URIs); over HTTP it carries
 * the absolute URI a client can follow.
 */
export function withAbsoluteLevelUris<T extends NamesLevels>(answer: T, baseUrl: string): T {
  const absolute = <L extends { uri: string }>(level: L): L => ({ ...level, uri: /^https?:\/\//.test(level.uri) ? level.uri : `${baseUrl}${level.uri}` });
  return {
    ...answer,
    levels: answer.levels.map(absolute),
    ...(answer.placements ? { placements: answer.placements.map((p) => ({ ...p, levels: p.levels.map(absolute) })) } : {}),
  };
}
