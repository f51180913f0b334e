import { html } from '../html.js';
import { countryName, isolateForLang, type PageLang } from '../i18n.js';
import type { CountryShortages, JobMatch, JobMatches, ShortageMention } from '../../skills/jobMatches.js';
import { layout, translatorFor, withLang, type PageContext } from './layout.js';

/** The corridors' countries, offered as home and abroad (any other ISO code works through the address). */
export const CORRIDOR_COUNTRIES = ['AM', 'BE', 'DE', 'ES', 'GH', 'KE', 'LT', 'MA', 'NG', 'SN'] as const;

export interface WalletJobsData {
  walletPath: string;
  result: JobMatches;
  /** False when no credential in force names an ESCO skill. */
  hasSkills: boolean;
}

/** A list's date as precise as its source gives it: "2024", "June 2023", "15 August 2023". */
function publishedDate(iso: string, lang: PageLang): string {
  const [year, month, day] = iso.split('-').map(Number);
  if (month === undefined) return String(year);
  const date = new Date(Date.UTC(year!, month - 1, day ?? 1));
  return new Intl.DateTimeFormat(lang, { year: 'numeric', month: 'long', ...(day === undefined ? {} : { day: 'numeric' }), timeZone: 'UTC' }).format(date);
}

export function walletJobsPage(ctx: PageContext, data: WalletJobsData): string {
  const t = translatorFor(ctx.lang);
  const { home, abroad, matches } = data.result;
  const country = (code: string) => countryName(code, ctx.lang);
  const options = (chosen: string | undefined) => [
    html`<option value=""${chosen ? '' : html` selected`}>${t('jobs.notChosen')}</option>`,
    ...[...CORRIDOR_COUNTRIES].sort((a, b) => country(a).localeCompare(country(b), ctx.lang))
      .map((code) => html`<option value="${code}"${code === chosen ? html` selected` : ''}>${country(code)}</option>`),
  ];
  const listsOf = (shortages: CountryShortages) => {
    if (!shortages.country) return '';
    const name = country(shortages.country);
    if (shortages.data === 'no-data') return html`<p>${t('jobs.lists.noData', { country: name })}</p>`;
    if (shortages.data === 'none-published') return html`<p>${t('jobs.lists.nonePublished', { country: name })}</p>`;
    return html`<p>${t('jobs.lists.listed', { country: name })}</p>
<ul class="sources">${shortages.lists.filter((list) => list.entries.length > 0).map((list) => html`<li><a href="${list.source.url}" rel="noreferrer" dir="auto">${list.source.title}</a> — <span dir="auto">${list.source.publisher}</span>, ${publishedDate(list.source.published, ctx.lang)}</li>`)}</ul>`;
  };
  const mention = (key: 'jobs.shortage.home' | 'jobs.shortage.abroad', m: ShortageMention) =>
    html`<li>${t(key, { country: country(m.country), title: isolateForLang(m.nationalTitle, ctx.lang) })}</li>`;
  const percent = new Intl.NumberFormat(ctx.lang, { style: 'percent' });
  // ESCO has no Arabic labels: the Arabic page shows the English ones, marked as English.
  const escoLang = ctx.lang === 'ar' ? 'en' : ctx.lang;
  const match = (m: JobMatch) => html`<article class="job" data-isco="${m.occupation.iscoGroup}">
  <h3 lang="${escoLang}" dir="auto">${m.occupation.label}</h3>
  <p>${t('jobs.isco', { code: m.occupation.iscoGroup })}</p>
  <p>${t('jobs.coverage', { covered: m.covered, total: m.assessable, percent: percent.format(m.coverage) })}</p>
  ${m.shortage.home.length + m.shortage.abroad.length > 0 ? html`<ul class="shortage">${m.shortage.home.map((s) => mention('jobs.shortage.home', s))}${m.shortage.abroad.map((s) => mention('jobs.shortage.abroad', s))}</ul>` : ''}
  ${m.missingEssential.length > 0 ? html`<details>
    <summary>${t('jobs.missing', { n: m.missingEssential.length })}</summary>
    <ul>${m.missingEssential.map((skill) => html`<li><span lang="${escoLang}" dir="auto">${skill.label}</span>${skill.offeredBy.length > 0 ? html`<ul>${skill.offeredBy.map((offer) => html`<li>${t('jobs.offeredBy', { achievement: isolateForLang(offer.name, ctx.lang), organisation: isolateForLang(offer.organisationName, ctx.lang) })}</li>`)}</ul>` : ''}</li>`)}</ul>
  </details>` : ''}
</article>`;
  return layout(ctx, {
    title: t('jobs.title'),
    body: html`<h1>${t('jobs.title')}</h1>
<p>${t('jobs.explain')}</p>
<form method="get" action="${data.walletPath}/jobs" class="job-countries">
  <input type="hidden" name="lang" value="${ctx.lang}">
  <label for="home">${t('jobs.home')}</label>
  <select id="home" name="home">${options(home.country)}</select>
  <label for="abroad">${t('jobs.abroad')}</label>
  <select id="abroad" name="abroad">${options(abroad.country)}</select>
  <button type="submit">${t('jobs.show')}</button>
</form>
<section class="shortage-sources">
${listsOf(home)}
${listsOf(abroad)}
${home.data === 'listed' || abroad.data === 'listed' ? html`<p>${t('jobs.lists.partial')}</p>` : ''}
</section>
<section class="jobs">
${!data.hasSkills ? html`<p>${t('jobs.noSkills')}</p>` : matches.length === 0 ? html`<p>${t('jobs.noMatch')}</p>` : matches.map(match)}
</section>
<p><a href="${withLang(data.walletPath, ctx.lang)}">${t('jobs.back')}</a></p>`,
  });
}
