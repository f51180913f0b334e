import type { FastifyInstance } from 'fastify';
// Brings in @fastify/swagger's `tags`/`summary` fields of route schemas (types only).
import type {} from '@fastify/swagger';
import {
  getIscoGroup,
  getOccupation,
  getSkill,
  listIscoGroups,
  parseLang,
  searchOccupations,
  searchSkills,
} from '../skills/catalogue.js';
import { skillsGap } from '../skills/gap.js';
import { LANGUAGES } from '../skills/types.js';

const TAGS = ['skills and occupations'];
const ATTRIBUTION =
  'This service uses the ESCO classification of the European Commission. ISCO-08 (c) International Labour Organization.';

// Query strings arrive as text: the limit stays a string here and is checked as a number by the catalogue.
const searchQuery = {
  type: 'object',
  required: ['q'],
  additionalProperties: false,
  properties: {
    q: { type: 'string', minLength: 1, maxLength: 200, description: 'Label or synonym in en/fr/es; case and accents ignored' },
    lang: { type: 'string', enum: [...LANGUAGES], description: 'Language of the returned labels (default en)' },
    limit: { type: 'string', pattern: '^[0-9]{1,3}$', description: '1 to 100, default 20' },
  },
} as const;

interface SearchQuery {
  q: string;
  lang?: string;
  limit?: string;
}

const searchParams = ({ q, lang, limit }: SearchQuery) => ({
  q,
  lang: parseLang(lang),
  limit: limit === undefined ? undefined : Number(limit),
});

/** ISCO-08 codes have 1 to 4 digits; ESCO occupation codes add dotted suffixes (7112.1). */
const ISCO_CODE = /^\d{1,4}$/;

export default async function skillRoutes(app: FastifyInstance) {
  app.get<{ Querystring: SearchQuery }>(
    '/skills',
    {
      schema: {
        tags: TAGS,
        summary: 'Search ESCO skills by label (en/fr/es), best matches first',
        description: ATTRIBUTION,
        querystring: searchQuery,
      },
    },
    async (request) => ({ results: searchSkills(searchParams(request.query)) }),
  );

  app.get<{ Querystring: { uri: string } }>(
    '/skills/lookup',
    {
      schema: {
        tags: TAGS,
        summary: 'One ESCO skill by URI',
        querystring: {
          type: 'object',
          required: ['uri'],
          additionalProperties: false,
          properties: { uri: { type: 'string', minLength: 1, description: 'ESCO skill URI' } },
        },
      },
    },
    async (request) => getSkill(request.query.uri),
  );

  app.post<{ Body: { skills: string[]; occupation: string; lang?: string } }>(
    '/skills/gap',
    {
      schema: {
        tags: TAGS,
        summary: 'Essential and optional skills of an ESCO occupation that held skills cover or miss',
        body: {
          type: 'object',
          required: ['skills', 'occupation'],
          additionalProperties: false,
          properties: {
            skills: { type: 'array', maxItems: 2000, items: { type: 'string' }, description: 'ESCO skill URIs held' },
            occupation: { type: 'string', minLength: 1, description: 'ESCO occupation URI or ESCO code (7112.1)' },
            lang: { type: 'string', enum: [...LANGUAGES] },
          },
        },
      },
    },
    async (request) => {
      const { skills, occupation, lang } = request.body;
      return skillsGap({ heldSkills: skills, occupation, lang: parseLang(lang) });
    },
  );

  app.get<{ Querystring: SearchQuery }>(
    '/occupations',
    {
      schema: {
        tags: TAGS,
        summary: 'Search ESCO occupations by label or synonym (en/fr/es), best matches first',
        description: ATTRIBUTION,
        querystring: searchQuery,
      },
    },
    async (request) => ({ results: searchOccupations(searchParams(request.query)) }),
  );

  app.get<{ Params: { code: string } }>(
    '/occupations/:code',
    {
      schema: {
        tags: TAGS,
        summary: 'An ESCO occupation by ESCO code (7112.1) or URI; an ISCO-08 code (7112) gives the group and its occupations',
        params: { type: 'object', required: ['code'], properties: { code: { type: 'string', minLength: 1 } } },
      },
    },
    async (request) => {
      const { code } = request.params;
      return ISCO_CODE.test(code) ? getIscoGroup(code) : getOccupation(code);
    },
  );

  app.get(
    '/isco',
    { schema: { tags: TAGS, summary: 'All 619 ISCO-08 groups with en/fr/es titles', description: ATTRIBUTION } },
    async () => ({ groups: listIscoGroups() }),
  );

  app.get<{ Params: { code: string } }>(
    '/isco/:code',
    {
      schema: {
        tags: TAGS,
        summary: 'An ISCO-08 group at any level, its sub-groups and the ESCO occupations under it',
        params: { type: 'object', required: ['code'], properties: { code: { type: 'string', pattern: '^[0-9]{1,4}$' } } },
      },
    },
    async (request) => getIscoGroup(request.params.code),
  );
}
