import type { FastifyInstance } from 'fastify';
import type { Services } from '../services.js';
import { principalOf } from '../http/auth.js';
import { SLUG_PATTERN } from '../http/schemas.js';
import { authorise } from '../orgs/tokens.js';
import { requireOrganisation } from '../orgs/organisations.js';
import {
  ACHIEVEMENT_ID_PATTERN, ACHIEVEMENT_TYPES, RESULT_TYPES, achievementSummary, createAchievement, fromRecord, openBadgeAchievement,
  requireAchievement, updateAchievement, type Achievement, type AchievementInput,
} from '../training/achievements.js';
import { OPEN_BADGES_CONTEXT, VC_V2_CONTEXT } from '../training/achievementCredential.js';
import type { Organisation } from '../db/repositories/organisations.js';

const slug = { type: 'string', pattern: SLUG_PATTERN } as const;
const achievementId = { type: 'string', pattern: ACHIEVEMENT_ID_PATTERN, description: 'lowercase letters, digits and hyphens (used in the public URL)' } as const;

const text = (maxLength: number) => ({
  type: 'object', minProperties: 1, maxProperties: 20,
  propertyNames: { pattern: '^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$' },
  additionalProperties: { type: 'string', minLength: 1, maxLength },
  description: 'text per language (BCP 47 tag): {"fr": "...", "ar": "..."}',
}) as const;

const extensible = (values: readonly string[]) => ({ anyOf: [{ type: 'string', enum: [...values] }, { type: 'string', pattern: '^ext:[A-Za-z0-9._-]{1,60}$' }] });
const shortId = { type: 'string', pattern: '^[a-z0-9][a-z0-9-]{0,40}$' } as const;

const achievementBody = {
  type: 'object', additionalProperties: false, required: ['language', 'name', 'description', 'criteria'],
  properties: {
    id: { ...achievementId, description: 'chosen id (default: a UUID); only on creation' },
    language: { type: 'string', pattern: '^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$', description: 'default language; every text must have it' },
    name: text(300),
    description: text(5000),
    criteria: { type: 'object', additionalProperties: false, required: ['narrative'], properties: { narrative: text(5000) } },
    achievementType: { ...extensible(ACHIEVEMENT_TYPES), description: 'Open Badges AchievementType, e.g. Certificate, or ext:...' },
    levels: {
      type: 'array', maxItems: 10, description: 'qualification framework levels: {targetFramework, targetCode} or {targetUrl}, e.g. http://data.europa.eu/snb/eqf/4',
      items: {
        type: 'object', additionalProperties: false, minProperties: 1,
        properties: { targetFramework: { type: 'string', maxLength: 100 }, targetCode: { type: 'string', maxLength: 20 }, targetUrl: { type: 'string', maxLength: 300 } },
      },
    },
    skills: { type: 'array', maxItems: 100, items: { type: 'string', maxLength: 300 }, description: 'ESCO skill URIs' },
    occupation: { type: 'string', maxLength: 300, description: 'ESCO occupation (URI or code such as 7112.1) or ISCO-08 unit group (7112)' },
    resultDescriptions: {
      type: 'array', maxItems: 20,
      items: {
        type: 'object', additionalProperties: false, required: ['id', 'name', 'resultType'],
        properties: {
          id: shortId,
          name: text(300),
          resultType: extensible(RESULT_TYPES),
          rubricLevels: {
            type: 'array', maxItems: 20,
            items: {
              type: 'object', additionalProperties: false, required: ['id', 'name'],
              properties: { id: shortId, name: text(300), description: text(2000), level: { type: 'string', maxLength: 50 }, points: { type: 'string', maxLength: 20 } },
            },
          },
          requiredLevel: shortId,
          allowedValues: { type: 'array', maxItems: 50, items: { type: 'string', minLength: 1, maxLength: 100 } },
          valueMin: { type: 'string', pattern: '^-?\\d+(\\.\\d+)?$' },
          valueMax: { type: 'string', pattern: '^-?\\d+(\\.\\d+)?$' },
        },
      },
    },
    creditsAvailable: { type: 'number', minimum: 0, maximum: 1000 },
    hours: { type: 'integer', minimum: 1, maximum: 20000, description: 'notional learning hours (published as ELM volumeOfLearning)' },
    fieldOfStudy: { type: 'string', maxLength: 200 },
    tags: { type: 'array', maxItems: 20, items: { type: 'string', minLength: 1, maxLength: 60 } },
  },
} as const;

/** Catalogue of each organisation's Open Badges 3.0 achievements: managed with a token, published for everyone. */
export default async function achievementRoutes(app: FastifyInstance, { services }: { services: Services }) {
  const deps = { achievements: services.repos.achievements, now: services.now };
  const baseUrl = services.config.baseUrl;
  const managed = (achievement: Achievement, organisation: Organisation) => ({
    ...achievementSummary(achievement, organisation, baseUrl),
    definition: achievement.definition,
    achievement: openBadgeAchievement(achievement, organisation, baseUrl),
  });

  app.post<{ Params: { slug: string }; Body: AchievementInput }>('/orgs/:slug/achievements', {
    schema: {
      tags: ['achievements'], summary: 'Add an Open Badges 3.0 achievement to the organisation\'s catalogue', security: [{ bearer: [] }],
      params: { type: 'object', required: ['slug'], properties: { slug } }, body: achievementBody,
    },
  }, async (request, reply) => {
    const organisation = await requireOrganisation(services.repos.organisations, request.params.slug);
    authorise(principalOf(request), organisation, 'issue');
    const achievement = await createAchievement(deps, organisation, request.body);
    return reply.status(201).header('location', `/orgs/${organisation.slug}/achievements/${achievement.id}`).send(managed(achievement, organisation));
  });

  app.put<{ Params: { slug: string; id: string }; Body: AchievementInput }>('/orgs/:slug/achievements/:id', {
    schema: {
      tags: ['achievements'], summary: 'Save a new version of an achievement (credentials already issued keep the version they embed)', security: [{ bearer: [] }],
      params: { type: 'object', required: ['slug', 'id'], properties: { slug, id: achievementId } }, body: achievementBody,
    },
  }, async (request) => {
    const organisation = await requireOrganisation(services.repos.organisations, request.params.slug);
    authorise(principalOf(request), organisation, 'issue');
    return managed(await updateAchievement(deps, organisation, request.params.id, request.body), organisation);
  });

  app.get<{ Params: { slug: string } }>('/orgs/:slug/achievements', {
    schema: { tags: ['achievements'], summary: 'The organisation\'s achievements (latest versions)', params: { type: 'object', required: ['slug'], properties: { slug } } },
  }, async (request) => {
    const organisation = await requireOrganisation(services.repos.organisations, request.params.slug);
    return (await services.repos.achievements.latestOf(organisation.id)).map((record) => achievementSummary(fromRecord(record), organisation, baseUrl));
  });

  app.get<{ Params: { slug: string; id: string }; Querystring: { version?: string } }>('/orgs/:slug/achievements/:id', {
    schema: {
      tags: ['achievements'], summary: 'An achievement as Open Badges 3.0 JSON-LD: the id of every credential issued from it',
      params: { type: 'object', required: ['slug', 'id'], properties: { slug, id: achievementId } },
      querystring: { type: 'object', additionalProperties: false, properties: { version: { type: 'string', pattern: '^[1-9]\\d{0,5}$', description: 'a version (default: the latest)' } } },
    },
  }, async (request, reply) => {
    const organisation = await requireOrganisation(services.repos.organisations, request.params.slug);
    const version = request.query.version === undefined ? undefined : Number(request.query.version);
    const achievement = await requireAchievement(services.repos.achievements, organisation, request.params.id, version);
    return reply.type('application/ld+json').send({ '@context': [VC_V2_CONTEXT, OPEN_BADGES_CONTEXT], ...openBadgeAchievement(achievement, organisation, baseUrl) });
  });

  app.get<{ Params: { slug: string; id: string } }>('/orgs/:slug/achievements/:id/versions', {
    schema: { tags: ['achievements'], summary: 'Every version of an achievement', params: { type: 'object', required: ['slug', 'id'], properties: { slug, id: achievementId } } },
  }, async (request) => {
    const organisation = await requireOrganisation(services.repos.organisations, request.params.slug);
    await requireAchievement(services.repos.achievements, organisation, request.params.id);
    const url = `${baseUrl}/orgs/${organisation.slug}/achievements/${request.params.id}`;
    return (await services.repos.achievements.versionsOf(organisation.id, request.params.id))
      .map((v) => ({ version: v.version, createdAt: v.createdAt, url: `${url}?version=${v.version}` }));
  });
}
