import { html, type SafeHtml } from '../html.js';
import { colon, countryName, formatDate, type PageLang } from '../i18n.js';
import { getFramework, getLevel } from '../../frameworks/registry.js';
import { dataText, pickText } from '../dataText.js';
import { getIscoGroup, getOccupation, labelIn } from '../../skills/catalogue.js';
import { recognitionAnswer, recognitionBrief } from './recognitionAnswer.js';
import type { CredentialReport, Finding, Verdict } from '../../wallet/credentialReport.js';
import type { LocalisedValue } from '../../wallet/credentialText.js';
import { translatorFor } from './layout.js';

const VERDICT_TONE: Record<Verdict, 'ok' | 'warn' | 'bad'> = {
  valid: 'ok', 'valid-issuer-unknown': 'warn', revoked: 'bad', suspended: 'warn', expired: 'bad', 'not-yet-valid': 'warn', invalid: 'bad',
};
const TONE_SYMBOL = { ok: '✓', warn: '!', bad: '✗' } as const;
const OUTCOME_TONE = { pass: 'ok', warning: 'warn', fail: 'bad' } as const;

export { colon } from '../i18n.js';

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

function findingSentence(lang: PageLang, finding: Finding, report: CredentialReport): string {
  const params = { ...finding.params };
  if (params.scopeType && params.scopeValue) params.scope = scopeLabel(params.scopeType, params.scopeValue, lang);
  return translatorFor(lang)(`finding.${finding.reason}`, { issuer: issuerName(report, lang), date: formatDate(finding.date, lang), ...params });
}

/** ESCO and ISCO have no Arabic labels: on Arabic pages their English label is marked as English, and said to be. */
const escoLabel = (label: string, lang: PageLang): SafeHtml => (lang === 'ar' ? html`<bdi lang="en">${label}</bdi>` : html`${label}`);
const escoNote = (lang: PageLang): SafeHtml => (lang === 'ar' ? html`<p class="note">${translatorFor(lang)('credential.escoLanguage')}</p>` : html``);

/** What an accreditation covers, in the reader's words: a level's title, a framework's name, an occupation's label. */
function scopeLabel(type: string, value: string, lang: PageLang): string {
  const t = translatorFor(lang);
  if (type === 'level') {
    const level = getLevel(value);
    return level ? pickText(level.title, lang).text : value;
  }
  if (type === 'framework') {
    const framework = getFramework(value);
    return t('scope.framework', { framework: framework ? pickText(framework.name, lang).text : value });
  }
  const labelLang = lang === 'ar' ? 'fr' : lang;
  try {
    const occupation = value.startsWith('http') ? getOccupation(value) : getIscoGroup(value);
    return t('scope.occupation', { occupation: labelIn(occupation.labels, labelLang), code: occupation.code });
  } catch {
    return value;
  }
}

function findingItem(lang: PageLang, finding: Finding, report: CredentialReport): SafeHtml {
  const t = translatorFor(lang);
  const tone = OUTCOME_TONE[finding.outcome];
  const sentence = findingSentence(lang, finding, report);
  return html`<li class="finding ${tone}" data-check="${finding.check}" data-outcome="${finding.outcome}">
    <span class="symbol" aria-hidden="true">${TONE_SYMBOL[tone]}</span>
    <span>${sentence}${finding.outcome !== 'pass' ? html`<details class="technical"><summary>${t('finding.details')}</summary><code dir="ltr">${finding.message}</code></details>` : ''}</span>
  </li>`;
}

/** A level ref as people read it: the level's title in the page's language, never the id. */
export function levelTitle(ref: string, lang: PageLang): SafeHtml {
  const level = getLevel(ref);
  return level ? dataText(level.title, lang) : html`<bdi>${ref}</bdi>`;
}

/** Why no equivalent is given: a partial validation, or no level of a known framework. */
function noRecognition(lang: PageLang, report: CredentialReport): SafeHtml {
  const t = translatorFor(lang);
  return report.summary?.achievement?.validatedUnits.length ? html`<p class="recognition none">${t('recognition.partial')}</p>`
    : html`<p class="recognition none">${t('recognition.noLevel')}</p>`;
}

function recognitionSection(lang: PageLang, report: CredentialReport): SafeHtml {
  const recognition = report.recognition;
  if (recognition === undefined) return html``;
  if (recognition === null) return noRecognition(lang, report);
  return recognitionAnswer(lang, recognition);
}

/**
 * The recognition in brief, for the holder's own list: heading, one sentence, its basis. Nothing for a credential
 * that is not genuine and in force (its level is worth nothing until that is settled), nor when no framework was asked.
 */
export function recognitionBriefSection(lang: PageLang, report: CredentialReport): SafeHtml {
  const recognition = report.recognition;
  if (recognition === undefined || report.state !== 'valid') return html``;
  return html`<section class="recognition-brief"><h4>${recognitionHeading(lang, report)}</h4>${recognition === null ? noRecognition(lang, report)
    : html`<div class="recognition" data-outcome="${recognition.outcome}">${recognitionBrief(lang, recognition)}</div>`}</section>`;
}


/** The units a partial validation certifies, named: the credential is for these, not the whole qualification. */
function validatedUnitsSection(lang: PageLang, report: CredentialReport): SafeHtml {
  const units = report.summary?.achievement?.validatedUnits ?? [];
  if (units.length === 0) return html``;
  const t = translatorFor(lang);
  return html`<section class="validated-units"><h3>${t('credential.partial')}</h3><p>${t('credential.partialExplain')}</p>
    <ul>${units.map((u) => html`<li><bdi class="code">${u.code}</bdi> ${localised(u.name)}</li>`)}</ul></section>`;
}

/**
 * Whose credential it is, first: the name it carries; a hashed name with the way to check it (the reader types the
 * name on the ID document in front of them); or plainly that it names nobody. Not shown when the signature fails: the
 * name could be forged like the rest.
 */
function holderSection(lang: PageLang, report: CredentialReport, holderForm: SafeHtml | undefined): SafeHtml {
  const t = translatorFor(lang);
  const holder = report.holder;
  if (!holder || report.verdict === 'invalid') return html``;
  if (holder.kind === 'name') return html`<p class="holder" data-holder="name">${t('credential.holder', { name: holder.name })}</p>`;
  if (holder.kind === 'nobody') return html`<p class="holder" data-holder="nobody">${t('credential.holder.nobody')}</p>`;
  const check = report.holderCheck;
  return html`<div class="holder" data-holder="hashed"><p>${t('credential.holder.hashed')}</p>
    ${check ? html`<p class="holder-check ${check.matches ? 'ok' : 'bad'}" role="status" data-matches="${String(check.matches)}"><span aria-hidden="true">${check.matches ? '✓' : '✗'}</span> ${t(check.matches ? 'credential.holder.matches' : 'credential.holder.noMatch', { name: check.name })}</p>` : ''}
    ${holderForm ?? ''}</div>`;
}

/** Verdicts under which the credential's claims may be shown as good news. */
const TRUSTWORTHY: ReadonlySet<Verdict> = new Set(['valid', 'valid-issuer-unknown']);

/**
 * One credential as an employer should read it: the verdict first; then, only when the credential is genuine and in
 * force, the checks, what it says and what it is worth here. A failing verdict shows what failed and nothing that
 * looks like good news (no green tick, no level, no recognition); the other checks stay behind a disclosure.
 */
export function reportCard(lang: PageLang, report: CredentialReport, options: { recognitionForm?: SafeHtml; holderForm?: SafeHtml } = {}): SafeHtml {
  const t = translatorFor(lang);
  const tone = VERDICT_TONE[report.verdict];
  const summary = report.summary;
  const mapping = report.mapping;
  const trustworthy = TRUSTWORTHY.has(report.verdict);
  const failing = report.findings.filter((f) => f.outcome !== 'pass');
  const header = html`${holderSection(lang, report, options.holderForm)}<h2>${credentialTitle(report, lang)}</h2>
    <p class="verdict ${tone}" role="status"><span aria-hidden="true">${TONE_SYMBOL[tone]}</span> ${t(`verdict.${report.verdict}`)}</p>`;
  if (!trustworthy) {
    return html`<article class="credential" data-verdict="${report.verdict}">
    ${header}
    <ul class="findings">${failing.filter((f) => f.outcome === 'fail').map((f) => findingItem(lang, f, report))}</ul>
    <details class="technical"><summary>${t('finding.details')}</summary><ul>${report.findings.filter((f) => f.outcome !== 'fail').map((f) => html`<li data-check="${f.check}">${findingSentence(lang, f, report)}</li>`)}</ul></details>
  </article>`;
  }
  return html`<article class="credential" data-verdict="${report.verdict}">
    ${header}
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
    ${validatedUnitsSection(lang, report)}
    ${mapping && mapping.levels.length > 0 ? html`<section><h3>${t('credential.levels')}</h3><ul>${mapping.levels.map((l) => html`<li>${levelTitle(l.ref, lang)}</li>`)}</ul></section>` : ''}
    ${mapping && mapping.skills.length > 0 ? html`<section class="skills"><h3>${t('credential.skills')}</h3><ul>${mapping.skills.map((s) => html`<li><a href="${s.uri}" rel="noreferrer noopener">${escoLabel(s.label, lang)}</a></li>`)}</ul>${escoNote(lang)}</section>` : ''}
    ${mapping && mapping.occupations.length > 0 ? html`<section class="occupations"><h3>${t('credential.occupations')}</h3><ul>${mapping.occupations.map((o) => html`<li><bdi class="code">${o.code}</bdi> ${escoLabel(o.label, lang)}</li>`)}</ul>${escoNote(lang)}</section>` : ''}
    ${report.recognition !== undefined || options.recognitionForm ? html`<section class="recognition-section"><h3>${recognitionHeading(lang, report)}</h3>${options.recognitionForm ?? ''}${recognitionSection(lang, report)}</section>` : ''}
  </article>`;
}

/** "What it corresponds to in Spain"; for a meta-framework, "European level (EQF)": the EQF is not a country. */
function recognitionHeading(lang: PageLang, report: CredentialReport): string {
  const t = translatorFor(lang);
  const destination = report.recognition ? getFramework(report.recognition.destination.framework) : undefined;
  if (!destination) return t('recognition.title');
  if (destination.id === 'eqf') return t('recognition.title.eqf');
  if (destination.id === 'acqf') return t('recognition.title.acqf');
  if (!destination.country) return t('recognition.title');
  return t('recognition.title.country', { country: countryName(destination.country, lang) });
}
