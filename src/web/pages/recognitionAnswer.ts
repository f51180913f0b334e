/**
 * A recognition answer as people read it: the answer in one sentence, on whose word it rests, the published placements,
 * the step the holder can take, then the sources as a list of links. Every sentence comes already in the reader's
 * language from the recognition engine; this module only lays it out (and isolates Latin runs inside Arabic text).
 */
import type { NextStep, Recognition, SourceView } from '../../frameworks/types.js';
import { isolateLatinRuns } from '../bidi.js';
import { html, type SafeHtml } from '../html.js';
import { colon, formatDate, type PageLang } from '../i18n.js';
import { translatorFor } from './layout.js';
import { sourceItem } from './sources.js';

export type RecognitionAnswer = Pick<Recognition,
  'outcome' | 'outcomeText' | 'relationText' | 'levels' | 'paths' | 'basisText' | 'verified' | 'placements' | 'nextSteps' | 'sources' | 'explanation'>;

/** Text from the engine, with Latin names inside Arabic sentences kept whole. */
const said = (text: string, lang: PageLang): string => (lang === 'ar' ? isolateLatinRuns(text) : text);

/** "published 13 June 2013" / "read on 2 May 2025"; a year or a month alone is shown as given. */
function sourceDate(source: SourceView, lang: PageLang): string {
  if (!source.date) return '';
  const t = translatorFor(lang);
  const date = /^\d{4}-\d{2}-\d{2}/.test(source.date) ? formatDate(source.date, lang) : source.date;
  return t(source.dateKind === 'accessed' ? 'source.accessed' : 'source.published', { date });
}

function sourceEntry(source: SourceView, lang: PageLang): SafeHtml {
  const date = sourceDate(source, lang);
  return sourceItem(source, lang, date ? html` <span class="source-date">${date}</span>` : '');
}

function nextStepItem(step: NextStep, lang: PageLang): SafeHtml {
  const t = translatorFor(lang);
  const body = step.body === step.bodyOriginal ? html`<bdi>${step.body}</bdi>` : html`${said(step.body, lang)} (<cite><bdi>${step.bodyOriginal}</bdi></cite>)`;
  return html`<li class="next-step" data-route="${step.route}">
    <p><strong>${said(step.title, lang)}</strong>${colon(lang)}${body}</p>
    <p>${said(step.summary, lang)}</p>
    <p class="note">${said(step.reason, lang)}</p>
    ${step.fees ? html`<p>${t('nextStep.fees')}${colon(lang)}${said(step.fees, lang)}</p>` : ''}
    ${step.duration ? html`<p>${t('nextStep.duration')}${colon(lang)}${said(step.duration, lang)}</p>` : ''}
    <p><a href="${step.url}" rel="noreferrer noopener">${t('nextStep.apply')}</a></p>
  </li>`;
}

/** The answer in one sentence and on whose word it rests: all a wallet card has room for. */
export function recognitionBrief(lang: PageLang, answer: Pick<RecognitionAnswer, 'explanation' | 'basisText'>): SafeHtml {
  const t = translatorFor(lang);
  return html`<p class="answer">${said(answer.explanation, lang)}</p>
    ${answer.basisText ? html`<p class="basis"><strong>${t('recognition.onWhoseWord')}${colon(lang)}</strong>${said(answer.basisText, lang)}</p>` : ''}`;
}

export function recognitionAnswer(lang: PageLang, answer: RecognitionAnswer): SafeHtml {
  const t = translatorFor(lang);
  const steps = answer.paths.flatMap((p) => p.steps).filter((s, i, all) => all.findIndex((o) => o.text === s.text) === i);
  return html`<div class="recognition" data-outcome="${answer.outcome}">
    ${recognitionBrief(lang, answer)}
    ${steps.length > 0 ? html`<ul class="steps">${steps.map((s) => html`<li data-basis="${s.basis}">${said(s.text, lang)}</li>`)}</ul>` : ''}
    ${answer.verified === false ? html`<p class="note">${t('basis.unverified')}</p>` : ''}
    ${answer.placements.length > 0 ? html`<h4>${t('recognition.placements')}</h4><ul class="placements">${answer.placements.map((p) => html`<li>${said(p.text, lang)} <span class="note">${said(p.bindsOnly, lang)}</span></li>`)}</ul>` : ''}
    ${answer.nextSteps.length > 0 ? html`<h4>${t('recognition.nextSteps')}</h4><ul class="next-steps">${answer.nextSteps.map((s) => nextStepItem(s, lang))}</ul>` : ''}
    ${answer.sources.length > 0 ? html`<h4>${t('level.sources')}</h4><ul class="sources">${answer.sources.map((s) => sourceEntry(s, lang))}</ul>` : ''}
  </div>`;
}
