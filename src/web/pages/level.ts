import type { Framework, Level } from '../../frameworks/types.js';
import { sourceItem } from './sources.js';
import { getLevel } from '../../frameworks/registry.js';
import { html, type SafeHtml } from '../html.js';
import type { PageLang } from '../i18n.js';
import { dataText } from '../dataText.js';
import { layout, translatorFor, withLang, type PageContext } from './layout.js';
import { colon } from './report.js';
import type { LevelDocument } from '../../frameworks/linkedData.js';

const levelLink = (ref: string, lang: PageLang): SafeHtml => {
  const level = getLevel(ref);
  if (!level) return html`${ref}`;
  return html`<a href="${withLang(`/frameworks/${level.framework}/levels/${encodeURIComponent(level.code)}`, lang)}">${dataText(level.title, lang)}</a>`;
};

/** A level for people: what it is, in which framework, its descriptors and typical qualifications, and its stored relations. */
export function levelPage(ctx: PageContext, doc: LevelDocument, framework: Framework): string {
  const t = translatorFor(ctx.lang);
  const lang = ctx.lang;
  const level = doc as unknown as Level;
  const descriptors = level.descriptors ?? {};
  const descriptorKeys = (['knowledge', 'skills', 'autonomy'] as const).filter((k) => descriptors[k]);
  const title = dataText(level.title, lang);
  return layout(ctx, {
    title: level.title[lang] ?? level.title.en ?? level.code,
    body: html`<h1>${title}</h1>
<p class="framework">${t('level.inFramework')}${colon(lang)}<a href="${withLang(`/frameworks/${framework.id}`, lang)}">${dataText(framework.name, lang)}</a></p>
<p class="uri">${t('level.uri')}${colon(lang)}<code dir="ltr">${doc.uri}</code></p>
${descriptorKeys.length > 0 ? html`<section><h2>${t('level.descriptors')}</h2><dl class="facts">${descriptorKeys.map((k) => html`<dt>${t(`level.${k}`)}</dt><dd>${dataText(descriptors[k]!, lang)}</dd>`)}</dl>
${framework.descriptorsNote ? html`<p class="note">${dataText(framework.descriptorsNote, lang)}</p>` : ''}</section>` : ''}
${level.typicalQualifications.length > 0 ? html`<section><h2>${t('level.typical')}</h2><ul>${level.typicalQualifications.map((q) => html`<li>${dataText(q.title, lang)}</li>`)}</ul></section>` : ''}
${doc.relations.length > 0 ? html`<section><h2>${t('level.relations')}</h2><ul>${doc.relations.map((e) => {
    const other = e.from === level.ref ? e.to : e.from;
    return html`<li>${levelLink(other, lang)} <span class="basis">(${t(`basis.${e.basis}`)})</span></li>`;
  })}</ul></section>` : ''}
<section><h2>${t('level.sources')}</h2><p class="note">${dataText(framework.statusNote, lang)}</p><ul class="sources">${framework.sources.map((s) => sourceItem(s, lang))}</ul></section>`,
  });
}

/** A framework for people: its name, status and levels, each linked to its own page. */
export function frameworkPage(ctx: PageContext, framework: Framework): string {
  const t = translatorFor(ctx.lang);
  const lang = ctx.lang;
  return layout(ctx, {
    title: framework.name[lang] ?? framework.name.en ?? framework.acronym,
    body: html`<h1>${dataText(framework.name, lang)}</h1>
<p class="note">${dataText(framework.statusNote, lang)}</p>
<section><h2>${t('level.levels')}</h2><ul>${framework.levels.map((l) => html`<li>${levelLink(l.ref, lang)}</li>`)}</ul></section>
<section><h2>${t('level.sources')}</h2><ul class="sources">${framework.sources.map((s) => sourceItem(s, lang))}</ul></section>`,
  });
}
