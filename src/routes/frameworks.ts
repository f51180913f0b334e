import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
// Brings in @fastify/swagger's `tags`/`summary` fields of route schemas (types only).
import type {} from '@fastify/swagger';
import { badRequest } from '../errors.js';
import { destinationFramework, recognitionForCredential } from '../frameworks/credentialMapping.js';
import { recognise } from '../frameworks/recognition.js';
import { frameworkDocument, levelDocument, withAbsoluteLevelUris } from '../frameworks/linkedData.js';
import { listFrameworks, listQualificationTypes, registry, requireFramework, requireLevel, requireQualificationType } from '../frameworks/registry.js';
import type { Framework } from '../frameworks/types.js';
import { AppError } from '../errors.js';
import { negotiate } from '../http/negotiate.js';
import { problemOf } from '../http/problems.js';
import { pageContext, sendPage } from '../web/http.js';
import { errorPage } from '../web/pages/error.js';
import { frameworkPage, levelPage } from '../web/pages/level.js';

const TAGS = ['frameworks'];

const summaryOf = (f: Framework) => ({
  id: f.id, version: f.version, name: f.name, acronym: f.acronym, kind: f.kind, country: f.country,
  status: f.status, date: f.date, levels: f.levels.length,
});

const idParams = {
  type: 'object',
  required: ['id'],
  additionalProperties: false,
  properties: { id: { type: 'string', pattern: '^[a-z][a-z0-9-]*$', description: 'Framework id, e.g. ma-cnc, es-mecu, eqf' } },
} as const;

interface RecognitionQuery {
  from?: string;
  qualificationType?: string;
  to?: string;
  country?: string;
  lang?: string;
}

/** A framework's and a level's URI answer JSON (also JSON-LD), JSON-LD or, for browsers, a page. */
const REPRESENTATIONS = ['application/json', 'application/ld+json', 'text/html'] as const;

export default async function frameworkRoutes(app: FastifyInstance, { baseUrl }: { baseUrl: string }) {
  // Load and validate the data when the routes are registered, not on the first request.
  registry();

  app.get('/frameworks', {
    schema: { tags: TAGS, summary: 'Qualification frameworks (EQF, ACQF, national frameworks of the corridors, CEFR)' },
  }, async () => ({ frameworks: listFrameworks().map(summaryOf) }));

  /** Unknown ids are problem+json for programs and an error page for browsers. */
  const answer = <T extends object>(request: FastifyRequest, reply: FastifyReply, build: () => { doc: T; page: (lang: ReturnType<typeof pageContext>) => string }) => {
    const type = negotiate(request.headers.accept, REPRESENTATIONS);
    reply.header('vary', 'accept');
    if (type !== 'text/html') return reply.type(type).send(build().doc);
    const ctx = pageContext(request, request.url.split('?')[0]!);
    try {
      return sendPage(reply, 200, build().page(ctx));
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      return sendPage(reply, error.status, errorPage(ctx, problemOf(error.status, error.code, error.detail)));
    }
  };

  app.get<{ Params: { id: string } }>('/frameworks/:id', {
    schema: { tags: TAGS, summary: 'One framework with its levels, status and sources: a SKOS concept scheme (JSON, JSON-LD or HTML by Accept)', params: idParams },
  }, async (request, reply) => answer(request, reply, () => {
    const framework = requireFramework(request.params.id);
    return { doc: frameworkDocument(framework, baseUrl), page: (ctx) => frameworkPage(ctx, framework) };
  }));

  app.get<{ Params: { id: string; code: string } }>('/frameworks/:id/levels/:code', {
    schema: {
      tags: TAGS,
      summary: 'One level with its descriptors, typical qualifications and stored relations: a SKOS concept (JSON, JSON-LD or HTML by Accept)',
      params: {
        type: 'object',
        required: ['id', 'code'],
        additionalProperties: false,
        properties: { id: idParams.properties.id, code: { type: 'string', minLength: 1, maxLength: 20, description: 'Level code, e.g. 4 or B1' } },
      },
    },
  }, async (request, reply) => answer(request, reply, () => {
    const level = requireLevel(`${request.params.id}:${request.params.code}`);
    const framework = requireFramework(level.framework);
    const doc = levelDocument(level, framework, baseUrl);
    return { doc, page: (ctx) => levelPage(ctx, doc, framework) };
  }));

  app.get<{ Querystring: RecognitionQuery }>('/recognition', {
    schema: {
      tags: TAGS,
      summary: 'Level(s) of a target framework corresponding to a level, with path, weakest basis, sources and explanation',
      querystring: {
        type: 'object',
        additionalProperties: false,
        properties: {
          from: { type: 'string', pattern: '^[a-z][a-z0-9-]*:[A-Za-z0-9-]+$', description: 'Level reference, e.g. ma-cnc:5 or cefr:B1' },
          qualificationType: { type: 'string', pattern: '^[a-z][a-z0-9-]*$', maxLength: 80, description: 'Named qualification type instead of (or with) a level, e.g. ma-technicien-specialise (GET /qualification-types)' },
          to: { type: 'string', pattern: '^[a-z][a-z0-9-]*$', description: 'Target framework id, e.g. es-mecu' },
          country: { type: 'string', pattern: '^[A-Za-z]{2}$', description: "Target country instead of to: its framework (ES: MECU)" },
          lang: { type: 'string', maxLength: 10, description: 'Explanation language: en, fr, es, ar (others fall back to en)' },
        },
      },
    },
  }, async (request) => {
    const { from, qualificationType, to, country, lang } = request.query;
    return withAbsoluteLevelUris(recognise({ from, qualificationType, to: destinationFramework({ framework: to, country }).id, ...(lang ? { lang } : {}) }), baseUrl);
  });

  app.get('/qualification-types', {
    schema: { tags: TAGS, summary: 'Named qualification types with published placements (or none), by country' },
  }, async () => ({ qualificationTypes: listQualificationTypes() }));

  app.get<{ Params: { id: string } }>('/qualification-types/:id', {
    schema: { tags: TAGS, summary: 'One qualification type with its published placements and their sources', params: idParams },
  }, async (request) => {
    const type = requireQualificationType(request.params.id);
    return { ...type, placements: registry().placements.filter((p) => p.qualificationType === type.id) };
  });

  app.post<{ Body: { credential?: Record<string, unknown>; level?: string; qualificationType?: string; to?: string; country?: string; lang?: string } }>('/recognition/evaluate', {
    schema: {
      tags: TAGS,
      summary: 'What a credential (from its Open Badges alignments) or a level corresponds to in a target framework',
      body: {
        type: 'object',
        additionalProperties: false,
        properties: {
          credential: { type: 'object', description: 'a credential whose achievement has alignments to framework levels, ESCO skills, ISCO occupations' },
          level: { type: 'string', pattern: '^[a-z][a-z0-9-]*:[A-Za-z0-9-]+$', description: 'a level reference instead of a credential, e.g. ma-cnc:5' },
          qualificationType: { type: 'string', pattern: '^[a-z][a-z0-9-]*$', maxLength: 80, description: 'a named qualification type instead of a credential (with or without level), e.g. gh-hnd' },
          to: { type: 'string', pattern: '^[a-z][a-z0-9-]*$', description: 'target framework id, e.g. de-dqr' },
          country: { type: 'string', pattern: '^[A-Za-z]{2}$', description: 'target country instead of to' },
          lang: { type: 'string', maxLength: 10, description: 'explanation language: en, fr, es, ar' },
        },
      },
    },
  }, async (request) => {
    const { credential, level, qualificationType, to, country, lang } = request.body;
    const named = level !== undefined || qualificationType !== undefined;
    if ((credential === undefined) === !named) throw badRequest('invalid-request', 'Send either a credential, or a level and/or a qualificationType');
    const target = { framework: to, country, lang };
    if (named) return withAbsoluteLevelUris(recognise({ from: level, qualificationType, to: destinationFramework(target).id, ...(lang ? { lang } : {}) }), baseUrl);
    const recognition = recognitionForCredential(credential!, target);
    if (!recognition) {
      throw badRequest('no-framework-level', 'The credential states no level of a known framework and names no qualification type (an achievement alignment with targetFramework and targetCode, an EQF targetUrl such as http://data.europa.eu/snb/eqf/4, or targetFramework "Passerelle qualification types" with a type id as targetCode)');
    }
    return withAbsoluteLevelUris(recognition, baseUrl);
  });
}
