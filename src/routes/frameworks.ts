import type { FastifyInstance } from 'fastify';
// Brings in @fastify/swagger's `tags`/`summary` fields of route schemas (types only).
import type {} from '@fastify/swagger';
import { badRequest } from '../errors.js';
import { destinationFramework, recognitionForCredential } from '../frameworks/credentialMapping.js';
import { recognise } from '../frameworks/recognition.js';
import { listEdges, listFrameworks, registry, requireFramework, requireLevel } from '../frameworks/registry.js';
import type { Framework } from '../frameworks/types.js';

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
  from: string;
  to?: string;
  country?: string;
  lang?: string;
}

export default async function frameworkRoutes(app: FastifyInstance) {
  // Load and validate the data when the routes are registered, not on the first request.
  registry();

  app.get('/frameworks', {
    schema: { tags: TAGS, summary: 'Qualification frameworks (EQF, ACQF, national frameworks of the corridors, CEFR)' },
  }, async () => ({ frameworks: listFrameworks().map(summaryOf) }));

  app.get<{ Params: { id: string } }>('/frameworks/:id', {
    schema: { tags: TAGS, summary: 'One framework with its levels, status and sources', params: idParams },
  }, async (request) => requireFramework(request.params.id));

  app.get<{ Params: { id: string; code: string } }>('/frameworks/:id/levels/:code', {
    schema: {
      tags: TAGS,
      summary: 'One level with its descriptors, typical qualifications and stored relations',
      params: {
        type: 'object',
        required: ['id', 'code'],
        additionalProperties: false,
        properties: { id: idParams.properties.id, code: { type: 'string', minLength: 1, maxLength: 20, description: 'Level code, e.g. 4 or B1' } },
      },
    },
  }, async (request) => {
    const level = requireLevel(`${request.params.id}:${request.params.code}`);
    return { ...level, relations: listEdges().filter((e) => e.from === level.ref || e.to === level.ref) };
  });

  app.get<{ Querystring: RecognitionQuery }>('/recognition', {
    schema: {
      tags: TAGS,
      summary: 'Level(s) of a target framework corresponding to a level, with path, weakest basis, sources and explanation',
      querystring: {
        type: 'object',
        required: ['from'],
        additionalProperties: false,
        properties: {
          from: { type: 'string', pattern: '^[a-z][a-z0-9-]*:[A-Za-z0-9-]+$', description: 'Level reference, e.g. ma-cnc:5 or cefr:B1' },
          to: { type: 'string', pattern: '^[a-z][a-z0-9-]*$', description: 'Target framework id, e.g. es-mecu' },
          country: { type: 'string', pattern: '^[A-Za-z]{2}$', description: "Target country instead of to: its framework (ES: MECU)" },
          lang: { type: 'string', maxLength: 10, description: 'Explanation language: en, fr, es, ar (others fall back to en)' },
        },
      },
    },
  }, async (request) => {
    const { from, to, country, lang } = request.query;
    return recognise({ from, to: destinationFramework({ framework: to, country }).id, ...(lang ? { lang } : {}) });
  });

  app.post<{ Body: { credential?: Record<string, unknown>; level?: string; to?: string; country?: string; lang?: string } }>('/recognition/evaluate', {
    schema: {
      tags: TAGS,
      summary: 'What a credential (from its Open Badges alignments) or a level corresponds to in a target framework',
      body: {
        type: 'object',
        additionalProperties: false,
        properties: {
          credential: { type: 'object', description: 'a credential whose achievement has alignments to framework levels, ESCO skills, ISCO occupations' },
          level: { type: 'string', pattern: '^[a-z][a-z0-9-]*:[A-Za-z0-9-]+$', description: 'a level reference instead of a credential, e.g. ma-cnc:5' },
          to: { type: 'string', pattern: '^[a-z][a-z0-9-]*$', description: 'target framework id, e.g. de-dqr' },
          country: { type: 'string', pattern: '^[A-Za-z]{2}$', description: 'target country instead of to' },
          lang: { type: 'string', maxLength: 10, description: 'explanation language: en, fr, es, ar' },
        },
      },
    },
  }, async (request) => {
    const { credential, level, to, country, lang } = request.body;
    if ((credential === undefined) === (level === undefined)) throw badRequest('invalid-request', 'Send exactly one of credential or level');
    const target = { framework: to, country, lang };
    if (level !== undefined) return recognise({ from: level, to: destinationFramework(target).id, ...(lang ? { lang } : {}) });
    const recognition = recognitionForCredential(credential!, target);
    if (!recognition) {
      throw badRequest('no-framework-level', 'The credential states no level of a known framework (an achievement alignment with targetFramework and targetCode, or an EQF targetUrl such as http://data.europa.eu/snb/eqf/4)');
    }
    return recognition;
  });
}
