import type { FastifyInstance, FastifyReply } from 'fastify';
import type { Services } from '../services.js';
import { principalOf } from '../http/auth.js';
import { forbidden } from '../errors.js';
import { isBootstrapAdmin } from '../orgs/tokens.js';
import { DIMENSIONS, MIN_K, PERIODS, tableCsv, tableRequest, type Table } from '../statistics/tables.js';
import { SCOPES, publishRelease, requireRelease, scopeFor, statisticsTable, type ReleaseFigures, type Scope } from '../statistics/statistics.js';
import type { StatisticsRelease } from '../db/repositories/statistics.js';

const TAGS = ['statistics'];

interface TableBody { period?: string; by?: string; iscoDigits?: number; k?: number; from?: string; to?: string }
type TableQuery = Omit<TableBody, 'iscoDigits' | 'k'> & { iscoDigits?: string; k?: string };

const tableBodyProperties = {
  period: { type: 'string', enum: [...PERIODS], description: 'calendar periods the rows are counted in (default quarter)' },
  by: { type: 'string', maxLength: 100, description: `up to three dimensions, comma-separated: ${DIMENSIONS.join(', ')}` },
  iscoDigits: { type: 'integer', description: 'ISCO-08 depth for the isco dimension: 1 (major group) to 4 (unit group, default)' },
  k: { type: 'integer', description: `smallest group published (default 10); below ${MIN_K} is refused with 400 k-too-small` },
  from: { type: 'string', maxLength: 7, description: 'first month counted, YYYY-MM' },
  to: { type: 'string', maxLength: 7, description: 'last month counted, YYYY-MM' },
} as const;

// Query strings arrive as text: the numbers stay strings here and are checked as numbers by tableRequest.
const tableQueryProperties = {
  ...tableBodyProperties,
  iscoDigits: { ...tableBodyProperties.iscoDigits, type: 'string', pattern: '^[0-9]{1,2}$' },
  k: { ...tableBodyProperties.k, type: 'string', pattern: '^[0-9]{1,6}$' },
} as const;
const numberOrUndefined = (value: string | undefined) => (value === undefined ? undefined : Number(value));

const format = { type: 'string', enum: ['json', 'csv'], description: 'json (default) or csv: the same suppressed figures' } as const;

const DESCRIPTION = 'Counts of issued credentials (never of people). Every credential falls in one group (issuer, month, corridor, occupation, '
  + 'skills, levels, route, revoked or not); a group of fewer than k credentials is withheld whole and every figure is a sum of published groups, '
  + 'so nothing withheld can be recovered from totals or by comparing queries. inForce and revoked count published groups only; withheld says a row '
  + 'lost some. Errors: 400 k-too-small, 400 invalid-statistics-request, 400 no-own-statistics, 403 forbidden.';

function sendTable(reply: FastifyReply, table: Table, as: string | undefined, name: string) {
  if (as === 'csv') {
    return reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="${name}.csv"`).send(tableCsv(table));
  }
  return reply.send(table);
}

const releaseSummary = (release: StatisticsRelease) => ({
  id: release.id, title: release.title, publishedAt: release.publishedAt, k: release.k,
  period: (release.figures as unknown as ReleaseFigures).table.period, by: (release.figures as unknown as ReleaseFigures).table.by,
});

export default async function statisticsRoutes(app: FastifyInstance, { services }: { services: Services }) {
  const repository = services.repos.statistics;

  app.get<{ Querystring: TableQuery & { scope?: Scope; format?: string } }>('/statistics', {
    schema: {
      tags: TAGS, summary: 'Statistics of the credentials issued: an organisation its own, the administrator and recognition authorities or employment agencies all issuers',
      description: DESCRIPTION, security: [{ bearer: [] }],
      querystring: {
        type: 'object', additionalProperties: false,
        properties: { ...tableQueryProperties, scope: { type: 'string', enum: [...SCOPES], description: 'own (the token\'s organisation) or all issuers' }, format },
      },
    },
  }, async (request, reply) => {
    const principal = principalOf(request);
    const organisation = isBootstrapAdmin(principal) ? null : (await services.repos.organisations.byId(principal.organisationId!))!;
    const { scope, format: as, iscoDigits, k, ...query } = request.query;
    const table = await statisticsTable(repository, scopeFor(organisation, scope), tableRequest({ ...query, iscoDigits: numberOrUndefined(iscoDigits), k: numberOrUndefined(k) }));
    return sendTable(reply, table, as, 'statistics');
  });

  app.post<{ Body: TableBody & { title: string } }>('/statistics/releases', {
    schema: {
      tags: TAGS, summary: 'Publish the current figures across all issuers for everyone (administrator)', description: DESCRIPTION, security: [{ bearer: [] }],
      body: {
        type: 'object', additionalProperties: false, required: ['title'],
        properties: { title: { type: 'string', minLength: 1, maxLength: 200 }, ...tableBodyProperties },
      },
    },
  }, async (request, reply) => {
    const principal = principalOf(request);
    if (!isBootstrapAdmin(principal)) throw forbidden('Only the administrator publishes statistics');
    const { title, ...query } = request.body;
    const release = await publishRelease({ statistics: repository, now: services.now }, { title, publishedBy: principal.tokenId, request: tableRequest(query) });
    return reply.status(201).send({ ...releaseSummary(release), ...release.figures });
  });

  app.get('/statistics/releases', {
    schema: { tags: TAGS, summary: 'Statistics the administrator published (public), newest first' },
  }, async () => ({ releases: (await repository.releases()).map(releaseSummary) }));

  app.get<{ Params: { id: string }; Querystring: { format?: string } }>('/statistics/releases/:id', {
    schema: {
      tags: TAGS, summary: 'One published release (public): its table and the certified supply against shortage lists; CSV has the table',
      params: { type: 'object', required: ['id'], properties: { id: { type: 'string', maxLength: 100 } } },
      querystring: { type: 'object', additionalProperties: false, properties: { format } },
    },
  }, async (request, reply) => {
    const release = await requireRelease(repository, request.params.id);
    const figures = release.figures as unknown as ReleaseFigures;
    if (request.query.format === 'csv') return sendTable(reply, figures.table, 'csv', `statistics-${release.id}`);
    return reply.send({ ...releaseSummary(release), ...figures });
  });
}
