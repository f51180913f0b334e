/**
 * k-anonymity of the published tables. The attacker knows everything but the sizes of withheld groups: which groups
 * exist, which rows each falls in, every table of every query (dimensions, periods, ISCO depth, month ranges) and every
 * organisation's own view. A withheld group is recoverable if any of those figures changes when its size does; so each
 * withheld group is given every other size below k and all figures are compared. The differencing attacks of the brief
 * (country against country x ISCO, a total against its rows, a year against its quarters) are spelled out as well.
 */
import t from 'tap';
import { DIMENSIONS, groupsOf, tableCsv, tableRequest, tabulate, type CredentialFact, type Dimension, type Group, type Table, type TableRequest } from '../../src/statistics/tables.js';

/** Deterministic pseudo-random numbers (mulberry32), so a failure replays. */
function random(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let x = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

const SKILLS = ['esco:lay-bricks', 'esco:mix-mortar', 'esco:harvest', 'esco:prune', 'esco:code-java'];
const OCCUPATIONS: Array<[string, string[], string[]]> = [
  ['7112', ['esco:lay-bricks', 'esco:mix-mortar'], ['ma-cnc:3', 'es-mecu:2']],
  ['7113', ['esco:mix-mortar'], ['eqf:3']],
  ['6111', ['esco:harvest', 'esco:prune'], ['ma-cnc:2']],
  ['2512', ['esco:code-java'], ['ke-knqf:6']],
];

function facts(seed: number): CredentialFact[] {
  const next = random(seed);
  const pick = <T>(list: readonly T[]) => list[Math.floor(next() * list.length)]!;
  const out: CredentialFact[] = [];
  for (let cohort = 0; cohort < 60; cohort++) {
    const [isco, skills, levels] = pick(OCCUPATIONS);
    const organisationId = pick(['org-a', 'org-b', 'org-c']);
    const month = `2026-${String(1 + Math.floor(next() * 12)).padStart(2, '0')}`;
    // Cohorts from 1 to 24: many below k, some above, as in real programmes.
    const size = 1 + Math.floor(next() * 24);
    for (let i = 0; i < size; i++) {
      out.push({
        organisationId, month, country: organisationId === 'org-c' ? 'SN' : 'MA', corridor: pick(['MA-ES', null]), isco,
        skills: next() < 0.8 ? skills : [pick(SKILLS)], levels, route: pick(['training', 'validation'] as const), revoked: next() < 0.1,
      });
    }
  }
  return out;
}

/** Every query a caller can make over these groups (all dimension sets up to three, periods, ISCO depths, ranges). */
function everyRequest(k: number): TableRequest[] {
  const sets: Dimension[][] = [[]];
  for (const d of DIMENSIONS) for (const set of [...sets]) if (set.length < 3) sets.push([...set, d]);
  const requests: TableRequest[] = [];
  for (const by of sets) {
    for (const period of ['month', 'quarter', 'year'] as const) {
      for (const iscoDigits of by.includes('isco') ? [1, 4] : [4]) {
        for (const [from, to] of [[undefined, undefined], ['2026-02', '2026-05']] as const) {
          requests.push({ by, period, iscoDigits, k, from, to });
        }
      }
    }
  }
  return requests;
}

/** Everything published: every table, globally and as each organisation sees its own. */
function everything(groups: readonly Group[], requests: TableRequest[]): string {
  const views = [groups, ...['org-a', 'org-b', 'org-c'].map((org) => groups.filter((g) => g.organisationId === org))];
  return JSON.stringify(views.map((view) => requests.map((r) => tabulate(view, r))));
}

t.test('no withheld group can be recovered from any table, total or organisation view', async (t) => {
  for (const [seed, k] of [[1, 10], [2, 5]] as const) {
    const groups = groupsOf(facts(seed));
    const withheld = groups.filter((g) => g.count < k);
    t.ok(withheld.length > 10 && groups.some((g) => g.count >= k), `seed ${seed}: groups on both sides of k`);
    const requests = everyRequest(k);
    const baseline = everything(groups, requests);
    let changed = 0;
    for (const group of withheld.slice(0, 6)) {
      for (const size of [1, k - 1]) {
        if (size === group.count) continue;
        const original = group.count;
        group.count = size;
        if (everything(groups, requests) !== baseline) changed++;
        group.count = original;
      }
    }
    t.equal(changed, 0, `seed ${seed}, k ${k}: published figures independent of withheld sizes`);
  }
});

t.test('the same figures change when a published group changes', async (t) => {
  const groups = groupsOf(facts(1));
  const requests = everyRequest(10).slice(0, 40);
  const baseline = everything(groups, requests);
  const published = groups.find((g) => g.count >= 10)!;
  published.count += 1;
  t.not(everything(groups, requests), baseline, 'a published group shows');
});

const sum = (rows: Table['rows']) => rows.reduce((n, r) => n + r.inForce, 0);

t.test('differencing attacks give back only published groups', async (t) => {
  const k = 10;
  const groups = groupsOf(facts(4));
  const publishedOf = (filter: (g: Group) => boolean) => groups.filter((g) => filter(g) && g.count >= k && !g.revoked).reduce((n, g) => n + g.count, 0);

  // A query by country against a query by country and ISCO group, same period.
  const byCountry = tabulate(groups, tableRequest({ period: 'year', by: 'country' }));
  const byCountryIsco = tabulate(groups, tableRequest({ period: 'year', by: 'country,isco' }));
  for (const row of byCountry.rows) {
    const difference = row.inForce - sum(byCountryIsco.rows.filter((r) => r.keys.country === row.keys.country));
    t.equal(difference, 0, `${row.keys.country}: country minus its ISCO rows`);
  }
  // A total against its rows; a year against its quarters and months (overlapping periods).
  const byIsco = tabulate(groups, tableRequest({ period: 'year', by: 'isco' }));
  t.equal(byIsco.total.inForce - sum(byIsco.rows), 0, 'total minus rows');
  t.equal(byIsco.total.inForce, publishedOf(() => true), 'the total counts published groups only');
  const quarters = tabulate(groups, tableRequest({ period: 'quarter' }));
  const months = tabulate(groups, tableRequest({ period: 'month' }));
  t.equal(sum(quarters.rows), byIsco.total.inForce, 'year minus quarters');
  t.equal(sum(months.rows), byIsco.total.inForce, 'year minus months');
  const window = tabulate(groups, tableRequest({ period: 'month', from: '2026-02', to: '2026-03' }));
  t.equal(sum(window.rows), publishedOf((g) => g.month >= '2026-02' && g.month <= '2026-03'), 'a window minus its months');
  t.ok(byIsco.total.withheld && byIsco.rows.some((r) => r.withheld), 'withheld parts are flagged');
});

t.test('skills count each credential once per skill, and rows say which groups were left out', async (t) => {
  const fact = (skills: string[], revoked = false): CredentialFact => ({
    organisationId: 'o', month: '2026-03', country: 'MA', corridor: 'MA-ES', isco: '7112', skills, levels: ['ma-cnc:3'], route: 'training', revoked,
  });
  const groups = groupsOf([...Array.from({ length: 12 }, () => fact(['b', 'a'])), ...Array.from({ length: 3 }, () => fact(['a'])), ...Array.from({ length: 10 }, () => fact(['a', 'b'], true))]);
  t.equal(groups.length, 3, 'skills in any order make one group');
  const table = tabulate(groups, tableRequest({ period: 'quarter', by: 'skill,isco', iscoDigits: 2, k: 10 }));
  t.same(table.rows, [
    { period: '2026-Q1', keys: { skill: 'a', isco: '71' }, inForce: 12, revoked: 10, withheld: true },
    { period: '2026-Q1', keys: { skill: 'b', isco: '71' }, inForce: 12, revoked: 10, withheld: false },
  ]);
  t.same(table.total, { inForce: 12, revoked: 10, withheld: true });
  t.equal(tableCsv(table), 'period,skill,isco,in_force,revoked,withheld\r\n2026-Q1,a,71,12,10,true\r\n2026-Q1,b,71,12,10,false\r\n');
});

t.test('requests', async (t) => {
  const code = (input: Parameters<typeof tableRequest>[0]) => { try { tableRequest(input); return 'accepted'; } catch (e) { return (e as { code: string }).code; } };
  t.equal(code({ k: 4 }), 'k-too-small');
  t.equal(code({ k: 5 }), 'accepted');
  t.equal(code({ k: 7.5 }), 'k-too-small');
  t.equal(code({ by: 'country,holder' }), 'invalid-statistics-request');
  t.equal(code({ by: 'country,isco,skill,level' }), 'invalid-statistics-request');
  t.equal(code({ by: 'isco,isco' }), 'invalid-statistics-request');
  t.equal(code({ iscoDigits: 5 }), 'invalid-statistics-request');
  t.equal(code({ period: 'week' }), 'invalid-statistics-request');
  t.equal(code({ from: '2026-13' }), 'invalid-statistics-request');
  t.same(tableRequest({}), { period: 'quarter', by: [], iscoDigits: 4, k: 10, from: undefined, to: undefined });
});
