import { html, type SafeHtml } from '../html.js';
import { chartSvg } from '../charts.js';
import { countryName, formatDate, type PageLang } from '../i18n.js';
import { layout, translatorFor, withLang, type PageContext } from './layout.js';
import type { StatisticsRelease } from '../../db/repositories/statistics.js';
import type { ReleaseFigures } from '../../statistics/statistics.js';
import type { TableRow } from '../../statistics/tables.js';

const corridorText = (corridor: string, lang: PageLang) => {
  const [from, to] = corridor.split('-');
  // Arrows do not mirror in right-to-left text: Arabic points its own way.
  return to ? `${countryName(from!, lang)} ${lang === 'ar' ? '←' : '→'} ${countryName(to, lang)}` : corridor;
};

/** A row's keys as one series name: "Morocco → Spain · ISCO 7112". */
function seriesOf(row: TableRow, lang: PageLang, t: ReturnType<typeof translatorFor>): string {
  return Object.entries(row.keys).map(([dimension, value]) => {
    if (value === 'unknown' || value === 'none') return t('stats.unknown');
    if (dimension === 'corridor') return corridorText(value!, lang);
    if (dimension === 'country') return countryName(value!, lang);
    if (dimension === 'isco') return `ISCO ${value}`;
    return value!;
  }).join(' · ') || t('stats.all');
}

async function trendSection(ctx: PageContext, figures: ReleaseFigures): Promise<SafeHtml> {
  const t = translatorFor(ctx.lang);
  const { table } = figures;
  const rows = table.rows.map((row) => ({ period: row.period, series: seriesOf(row, ctx.lang, t), inForce: row.inForce, revoked: row.revoked, withheld: row.withheld }));
  const chart = rows.some((r) => r.inForce > 0) ? await chartSvg({
    // Rows with nothing published are in the table, not in the legend.
    width: 300, height: 220, data: { values: rows.filter((r) => r.inForce > 0) },
    mark: 'bar',
    encoding: {
      x: { field: 'period', type: 'ordinal', title: t('stats.period'), axis: { labelAngle: 0 } },
      y: { field: 'inForce', type: 'quantitative', title: t('stats.inForce'), axis: { tickMinStep: 1 } },
      color: { field: 'series', type: 'nominal', title: t('stats.group') },
    },
  }, { id: 'trend', title: t('stats.trend.title'), description: t('stats.trend.description', { k: table.k }) }) : html`<p>${t('stats.empty', { k: table.k })}</p>`;
  return html`<section aria-labelledby="trend-heading" class="statistics">
<h2 id="trend-heading">${t('stats.trend.title')}</h2>
<figure>${chart}</figure>
<div class="table-scroll" role="region" aria-labelledby="trend-caption" tabindex="0"><table>
<caption id="trend-caption">${t('stats.trend.table')}</caption>
<thead><tr><th scope="col">${t('stats.period')}</th><th scope="col">${t('stats.group')}</th><th scope="col">${t('stats.inForce')}</th><th scope="col">${t('stats.revoked')}</th></tr></thead>
<tbody>${rows.map((r) => html`<tr><td>${r.period}</td><td>${r.series}</td><td>${r.inForce}${r.withheld ? html` <span class="note">${t('stats.withheld', { k: table.k })}</span>` : ''}</td><td>${r.revoked}</td></tr>`)}</tbody>
</table></div>
</section>`;
}

async function supplySection(ctx: PageContext, figures: ReleaseFigures): Promise<SafeHtml> {
  const t = translatorFor(ctx.lang);
  const k = figures.table.k;
  const bars = figures.shortages.flatMap(({ list, occupations }) => occupations.map((o) => ({
    occupation: `${list.region ?? list.country} · ISCO ${o.isco}`, inForce: o.inForce,
  })));
  const chart = await chartSvg({
    width: 240, data: { values: bars }, height: { step: 18 },
    mark: 'bar',
    encoding: {
      y: { field: 'occupation', type: 'nominal', title: null, sort: null, axis: { labelLimit: 140 } },
      x: { field: 'inForce', type: 'quantitative', title: t('stats.inForce'), axis: { tickMinStep: 1 } },
    },
  }, { id: 'supply', title: t('stats.supply.title'), description: t('stats.supply.description', { k }) });
  return html`<section aria-labelledby="supply-heading" class="statistics">
<h2 id="supply-heading">${t('stats.supply.title')}</h2>
<p>${t('stats.supply.intro')}</p>
<figure>${chart}</figure>
${figures.shortages.map(({ list, occupations }) => html`<div class="table-scroll" role="region" aria-labelledby="list-${list.id}" tabindex="0"><table>
<caption id="list-${list.id}">${list.country === 'EU' ? 'EU' : countryName(list.country, ctx.lang)}${list.region ? ` (${list.region})` : ''}: <a href="${list.url}" rel="external">${list.title}</a>, ${list.publisher}, ${list.published}</caption>
<thead><tr><th scope="col">ISCO-08</th><th scope="col">${t('stats.supply.listed')}</th><th scope="col">${t('stats.supply.certified')}</th></tr></thead>
<tbody>${occupations.map((o) => html`<tr><td>${o.isco}</td><td>${o.nationalTitle}</td><td>${o.inForce > 0 ? o.inForce : ''}${o.withheld ? html` <span class="note">${t('stats.withheld', { k })}</span>` : o.inForce === 0 ? t('stats.supply.none') : ''}</td></tr>`)}</tbody>
</table></div>`)}
</section>`;
}

export async function statisticsPage(ctx: PageContext, releases: StatisticsRelease[], chosen: StatisticsRelease | undefined): Promise<string> {
  const t = translatorFor(ctx.lang);
  const figures = chosen?.figures as ReleaseFigures | undefined;
  return layout(ctx, {
    title: t('stats.title'),
    body: html`<h1>${t('stats.title')}</h1>
<p>${t('stats.intro')}</p>
${!chosen || !figures ? html`<p>${t('stats.none')}</p>` : html`
<h2 dir="auto">${chosen.title}</h2>
<p>${t('stats.published', { date: formatDate(chosen.publishedAt, ctx.lang), k: chosen.k })}</p>
<p>${t('stats.method', { k: chosen.k })}</p>
<p>${t('stats.download')} <a href="/statistics/releases/${chosen.id}?format=csv" download>CSV</a>, <a href="/statistics/releases/${chosen.id}">JSON</a></p>
${await trendSection(ctx, figures)}
${await supplySection(ctx, figures)}
${releases.length > 1 ? html`<nav aria-labelledby="releases-heading"><h2 id="releases-heading">${t('stats.releases')}</h2><ul>${releases.map((r) => html`<li><a href="${withLang('/statistics/charts', ctx.lang, { release: r.id })}"${r.id === chosen.id ? html` aria-current="page"` : ''}>${r.title}</a> (${formatDate(r.publishedAt, ctx.lang)})</li>`)}</ul></nav>` : ''}`}`,
  });
}
