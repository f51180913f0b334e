import { html, type SafeHtml } from '../html.js';
import { formatDate, type PageLang } from '../i18n.js';
import type { CredentialReport, Finding, Verdict } from '../../wallet/credentialReport.js';
import type { LocalisedValue } from '../../wallet/credentialText.js';
import { translatorFor } from './layout.js';

const VERDICT_TONE: Record<Verdict, 'ok' | 'warn' | 'bad'> = {
  valid: 'ok', 'valid-issuer-unknown': 'warn', revoked: 'bad', suspended: 'warn', expired: 'bad', 'not-yet-valid': 'warn', invalid: 'bad',
};
const TONE_SYMBOL = { ok: '✓', warn: '!', bad: '✗' } as const;
const OUTCOME_TONE = { pass: 'ok', warning: 'warn', fail: 'bad' } as const;

/** French puts a space before a colon. */
export const colon = (lang: PageLang) => (lang === 'fr' ? '\u00a0: ' : ': ');

/** Credential text, marked with its language and direction so that Arabic inside a French page reads right. */
export function localised(value: LocalisedValue | undefined, fallback = ''): SafeHtml {
  if (!value) return html`${fallback}`;
  return html`<span dir="auto"${value.lang ? html` lang="${value.lang}"` : ''}>${value.text}</span>`;
}

export function issuerName(report: Pick<CredentialReport, 'issuer' | 'summary'>, lang: PageLang): string {
  const organisation = report.issuer.organisation;
  if (organisation) return organisation.name[lang] ?? organisation.name.en ?? organisation.name.fr ?? Object.values(organisation.name)[0] ?? organisation.slug;
  return report.summary?.issuer.name?.text ?? report.issuer.id;
}

/** The credential's title as plain text (escaped wherever it is rendered). */
export function credentialTitleText(report: CredentialReport, lang: PageLang): string {
  return (report.summary?.achievement?.name ?? report.summary?.name)?.text ?? translatorFor(lang)('credential.untitled');
}

export function credentialTitle(report: CredentialReport, lang: PageLang): SafeHtml {
  const t = translatorFor(lang);
  return localised(report.summary?.achievement?.name ?? report.summary?.name, t('credential.untitled'));
}

export function stateBadge(lang: PageLang, state: CredentialReport['state']): SafeHtml {
  const t = translatorFor(lang);
  const tone = VERDICT_TONE[state];
  return html`<span class="badge ${tone}" data-state="${state}"><span aria-hidden="true">${TONE_SYMBOL[tone]}</span> ${t(`state.${state}`)}</span>`;
}

function findingItem(lang: PageLang, finding: Finding, report: CredentialReport): SafeHtml {
  const t = translatorFor(lang);
  const tone = OUTCOME_TONE[finding.outcome];
  const sentence = t(`finding.${finding.reason}`, { issuer: issuerName(report, lang), date: formatDate(finding.date, lang), ...finding.params });
  return html`<li class="finding ${tone}" data-check="${finding.check}" data-outcome="${finding.outcome}">
    <span class="symbol" aria-hidden="true">${TONE_SYMBOL[tone]}</span>
    <span>${sentence}${finding.outcome !== 'pass' ? html`<details class="technical"><summary>${t('finding.details')}</summary><code dir="ltr">${finding.message}</code></details>` : ''}</span>
  </li>`;
}

function recognitionSection(lang: PageLang, report: CredentialReport): SafeHtml {
  const t = translatorFor(lang);
  const recognition = report.recognition;
  if (recognition === undefined) return html``;
  if (recognition === null) return html`<p class="recognition none">${t('recognition.noLevel')}</p>`;
  const framework = recognition.destination.title;
  const basisKey = recognition.outcome === 'stated-by-issuer' ? 'basis.stated-by-issuer' : recognition.basis ? `basis.${recognition.basis}` as const : undefined;
  const separator = lang === 'ar' ? ' ← ' : ' → ';
  return html`<div class="recognition" data-outcome="${recognition.outcome}">
    ${recognition.outcome === 'none'
      ? html`<p class="answer">${t('recognition.none', { framework })}</p>`
      : html`<p class="answer">${t('recognition.recognised', { framework, levels: recognition.levels.map((l) => l.title).join(', ') })}</p>`}
    <p>${t('recognition.from', { level: recognition.from.title })}</p>
    ${basisKey ? html`<p class="basis" data-basis="${recognition.basis ?? recognition.outcome}"><strong>${t('basis.label')}${colon(lang)}</strong>${t(basisKey)}</p>` : ''}
    ${recognition.verified === false ? html`<p class="note">${t('basis.unverified')}</p>` : ''}
    ${recognition.path.length > 1 ? html`<p class="path">${t('recognition.path', { path: recognition.path.join(separator) })}</p>` : ''}
    <p class="explanation">${recognition.explanation}</p>
  </div>`;
}

/** One credential as an employer should read it: verdict, checks in plain words, what it says, what it is worth here. */
export function reportCard(lang: PageLang, report: CredentialReport, options: { recognitionForm?: SafeHtml } = {}): SafeHtml {
  const t = translatorFor(lang);
  const tone = VERDICT_TONE[report.verdict];
  const summary = report.summary;
  const mapping = report.mapping;
  return html`<article class="credential" data-verdict="${report.verdict}">
    <h2>${credentialTitle(report, lang)}</h2>
    <p class="verdict ${tone}" role="status"><span aria-hidden="true">${TONE_SYMBOL[tone]}</span> ${t(`verdict.${report.verdict}`)}</p>
    <section><h3>${t('checks.title')}</h3><ul class="findings">${report.findings.map((f) => findingItem(lang, f, report))}</ul></section>
    <dl class="facts">
      <dt>${t('credential.issuer')}</dt><dd dir="auto">${issuerName(report, lang)}</dd>
      ${summary?.validFrom ? html`<dt>${t('credential.issued')}</dt><dd>${formatDate(summary.validFrom, lang)}</dd>` : ''}
      <dt>${t('credential.validUntil')}</dt><dd>${summary?.validUntil ? formatDate(summary.validUntil, lang) : t('credential.noEnd')}</dd>
    </dl>
    ${summary?.achievement ? html`<section class="achievement"><h3>${t('credential.achievement')}</h3>
      ${summary.achievement.description ? html`<p>${localised(summary.achievement.description)}</p>` : ''}
      ${summary.achievement.criteria ? html`<p><strong>${t('credential.criteria')}${colon(lang)}</strong>${localised(summary.achievement.criteria)}</p>` : ''}
    </section>` : summary?.description ? html`<p>${localised(summary.description)}</p>` : ''}
    ${mapping && mapping.levels.length > 0 ? html`<section><h3>${t('credential.levels')}</h3><ul>${mapping.levels.map((l) => html`<li>${l.title}</li>`)}</ul></section>` : ''}
    ${mapping && mapping.skills.length > 0 ? html`<section class="skills"><h3>${t('credential.skills')}</h3><ul>${mapping.skills.map((s) => html`<li><a href="${s.uri}" rel="noreferrer noopener">${s.label}</a></li>`)}</ul></section>` : ''}
    ${mapping && mapping.occupations.length > 0 ? html`<section class="occupations"><h3>${t('credential.occupations')}</h3><ul>${mapping.occupations.map((o) => html`<li><span class="code" dir="ltr">${o.code}</span> ${o.label}</li>`)}</ul></section>` : ''}
    ${report.recognition !== undefined || options.recognitionForm ? html`<section class="recognition-section"><h3>${t('recognition.title')}</h3>${options.recognitionForm ?? ''}${recognitionSection(lang, report)}</section>` : ''}
  </article>`;
}
