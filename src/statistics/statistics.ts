import crypto from 'node:crypto';
import { forbidden, notFound, badRequest } from '../errors.js';
import type { Organisation } from '../db/repositories/organisations.js';
import type { StatisticsRelease, StatisticsRepository } from '../db/repositories/statistics.js';
import { shortageLists } from '../skills/shortages.js';
import { credentialFacts } from './facts.js';
import { groupsOf, tabulate, type Group, type Table, type TableRequest } from './tables.js';

/** Organisations whose work is the labour market of the corridors: they see every issuer's figures, not only their own. */
export const KINDS_SEEING_CORRIDORS: readonly string[] = ['recognition-authority', 'employment-agency'];

export const SCOPES = ['own', 'all'] as const;
export type Scope = (typeof SCOPES)[number];

/**
 * Whose credentials a caller may count. The administrator (no organisation) counts all; an organisation of a kind
 * that sees corridors counts all by default or its own on request; any other organisation counts its own only. Its
 * own figures are k-suppressed like every other: it holds its own records anyway, and figures get passed on.
 */
export function scopeFor(organisation: Organisation | null, asked: Scope | undefined): { organisationId?: string } {
  if (!organisation) {
    if (asked === 'own') throw badRequest('no-own-statistics', 'The administrator token belongs to no organisation: ask for scope "all"');
    return {};
  }
  const seesCorridors = KINDS_SEEING_CORRIDORS.includes(organisation.kind);
  const scope = asked ?? (seesCorridors ? 'all' : 'own');
  if (scope === 'all' && !seesCorridors) {
    throw forbidden(`Figures across issuers are for the administrator and for organisations of kind ${KINDS_SEEING_CORRIDORS.join(' or ')}; "${organisation.slug}" is a ${organisation.kind} and sees its own (scope "own")`);
  }
  return scope === 'all' ? {} : { organisationId: organisation.id };
}

export async function groupsFor(repository: StatisticsRepository, scope: { organisationId?: string }): Promise<Group[]> {
  return groupsOf(credentialFacts(await repository.sources(scope.organisationId)));
}

export async function statisticsTable(repository: StatisticsRepository, scope: { organisationId?: string }, request: TableRequest): Promise<Table> {
  return tabulate(await groupsFor(repository, scope), request);
}

export interface ShortageSupply {
  list: { id: string; country: string; region: string | null; period: string | null; publisher: string; title: string; url: string; published: string };
  occupations: Array<{ isco: string; nationalTitle: string; inForce: number; withheld: boolean }>;
}

/**
 * Certified supply against each published shortage list: for each listed occupation (ISCO-08 unit group), the
 * credentials in force in published groups whose corridor leads to the list's country (any corridor for EU-level
 * lists). Sums of whole published groups, like every table, so no withheld group shows through.
 */
export function supplyAgainstShortages(groups: readonly Group[], k: number): ShortageSupply[] {
  return shortageLists().filter((list) => list.entries.length > 0).map((list) => {
    const towards = (group: Group) => list.country === 'EU' || group.corridor?.endsWith(`-${list.country}`) === true;
    const seen = new Set<string>();
    const occupations = list.entries.filter((entry) => !seen.has(entry.isco) && seen.add(entry.isco)).map((entry) => {
      const matching = groups.filter((g) => g.isco === entry.isco && !g.revoked && towards(g));
      return {
        isco: entry.isco, nationalTitle: entry.nationalTitle,
        inForce: matching.filter((g) => g.count >= k).reduce((n, g) => n + g.count, 0),
        withheld: matching.some((g) => g.count < k),
      };
    });
    const { source } = list;
    return {
      list: { id: list.id, country: list.country, region: list.region ?? null, period: list.period ?? null, publisher: source.publisher, title: source.title, url: source.url, published: source.published },
      occupations,
    };
  });
}

export interface ReleaseFigures { table: Table; shortages: ShortageSupply[] }

/** Computes the figures across all issuers now and keeps them as they are: the public sees this release from now on. */
export async function publishRelease(deps: { statistics: StatisticsRepository; now: () => Date }, input: { title: string; publishedBy: string; request: TableRequest }): Promise<StatisticsRelease> {
  const groups = await groupsFor(deps.statistics, {});
  const figures: ReleaseFigures = { table: tabulate(groups, input.request), shortages: supplyAgainstShortages(groups, input.request.k) };
  const release: StatisticsRelease = {
    id: crypto.randomUUID(), title: input.title, publishedBy: input.publishedBy, publishedAt: deps.now().toISOString(), k: input.request.k,
    figures: figures as unknown as Record<string, unknown>,
  };
  await deps.statistics.insertRelease(release);
  return release;
}

export async function requireRelease(statistics: StatisticsRepository, id: string): Promise<StatisticsRelease> {
  const release = await statistics.release(id);
  if (!release) throw notFound('unknown-statistics-release', `No statistics release has id "${id}"; GET /statistics/releases lists them`);
  return release;
}
