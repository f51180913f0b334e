import { html, trusted, type SafeHtml } from '../html.js';
import { formatDateTime, type MessageKey } from '../i18n.js';
import type { AnswerReport, AnsweredCredential } from '../../presentationRequests/answerReport.js';
import type { PresetChoice } from '../../presentationRequests/presets.js';
import type { RequestState } from '../../presentationRequests/service.js';
import { layout, translatorFor, withLang, type PageContext } from './layout.js';
import { reportCard } from './report.js';
import { frameworkForm, type FrameworkChoice } from './share.js';

/**
 * While the wallet has not answered, the page can reload itself (a meta refresh: the pages run no script). Only when
 * the employer turns it on (?refresh=auto), with a link to turn it off: a page that reloads by itself is a time limit
 * its reader must control (WCAG 2.2.1).
 */
export const WAITING_REFRESH_SECONDS = 5;

/** The form on /verify: what to ask a wallet app for, and the country to read the answer in. */
export function walletRequestForm(ctx: PageContext, frameworks: FrameworkChoice[], chosen: string): SafeHtml {
  const t = translatorFor(ctx.lang);
  return html`<section id="wallet-request" class="wallet-request">
<h2>${t('walletRequest.title')}</h2>
<p>${t('walletRequest.intro')}</p>
<form method="post" action="${withLang('/presentation-requests', ctx.lang)}">
  <fieldset>
    <legend>${t('walletRequest.what')}</legend>
    <p><label><input type="radio" name="preset" value="achievement-level" checked> ${t('walletRequest.preset.achievement-level')}</label>
    <label>${t('walletRequest.level')} <select name="level">${[1, 2, 3, 4, 5, 6, 7, 8].map((level) => html`<option value="${level}"${level === 3 ? html` selected` : ''}>${level}</option>`)}</select></label></p>
    <p><label><input type="radio" name="preset" value="occupation"> ${t('walletRequest.preset.occupation')}</label>
    <label>${t('walletRequest.isco')} <input name="isco" inputmode="numeric" pattern="[0-9]{1,4}" maxlength="4" size="5" dir="ltr" placeholder="7112"></label></p>
  </fieldset>
  <label>${t('recognition.choose')}
  <select name="framework">${frameworks.map((f) => html`<option value="${f.id}"${f.id === chosen ? html` selected` : ''}>${f.title}</option>`)}</select></label>
  <button type="submit" class="big">${t('walletRequest.submit')}</button>
</form>
</section>`;
}

function askedFor(ctx: PageContext, preset: PresetChoice | null): SafeHtml {
  const t = translatorFor(ctx.lang);
  if (!preset) return html`<p class="asked">${t('walletRequest.asked.custom')}</p>`;
  const sentence = preset.id === 'achievement-level' ? t('walletRequest.asked.achievement-level', { level: preset.value }) : t('walletRequest.asked.occupation', { code: preset.value });
  return html`<p class="asked">${sentence}</p>`;
}

function answeredCredential(ctx: PageContext, answered: AnsweredCredential, form: SafeHtml): SafeHtml {
  const t = translatorFor(ctx.lang);
  const lines: SafeHtml[] = [];
  if (answered.requirement) {
    const { met, reason, level } = answered.requirement;
    lines.push(html`<li class="${met ? 'pass' : 'fail'}" data-requirement="${reason}">${t(`walletRequest.requirement.${reason}` as MessageKey, { level: level ?? '' })}</li>`);
  }
  if (answered.issuedToAnother) {
    lines.push(html`<li class="fail" data-holder="another">${t('walletRequest.issuedToAnother')} <span dir="ltr" lang="en">(${answered.issuedToAnother.join(', ')})</span></li>`);
  }
  lines.push(answered.mismatch
    ? html`<li class="fail" data-match="no">${t('walletRequest.mismatch')} <span dir="ltr" lang="en">(${answered.mismatch})</span></li>`
    : html`<li class="pass" data-match="yes">${t('walletRequest.match')}</li>`);
  return html`<div class="answered"><ul class="findings request-findings">${lines}</ul>${reportCard(ctx.lang, answered.report, { recognitionForm: form })}</div>`;
}

export function presentationRequestPage(ctx: PageContext, data: {
  state: RequestState; expiresAt: string; preset: PresetChoice | null; framework: string; frameworks: FrameworkChoice[]; path: string;
  authorizationRequest?: string; qrCodeSvg?: string; report?: AnswerReport; autoRefresh?: boolean;
}): string {
  const t = translatorFor(ctx.lang);
  const { refresh: _refresh, ...kept } = ctx.query;
  const here = withLang(data.path, ctx.lang, kept);
  const refreshing = data.state === 'pending' && data.autoRefresh === true;
  let body: SafeHtml;
  if (data.state === 'pending') {
    body = html`${data.qrCodeSvg ? html`<p>${t('walletRequest.scan')}</p>
<figure class="qr">${trusted(data.qrCodeSvg)}</figure>` : html`<p data-qr="none">${t('walletRequest.noQrCode')}</p>`}
<p><a class="button" href="${data.authorizationRequest ?? ''}">${t('walletRequest.sameDevice')}</a></p>
<p class="note" role="status">${t('walletRequest.waiting', { date: formatDateTime(data.expiresAt, ctx.lang) })}</p>
<p><a class="button" href="${refreshing ? withLang(data.path, ctx.lang, { ...kept, refresh: 'auto' }) : here}">${t('walletRequest.refresh')}</a>
${refreshing ? html`<a href="${here}" data-refresh="auto">${t('walletRequest.refresh.stop')}</a>` : html`<a href="${withLang(data.path, ctx.lang, { ...kept, refresh: 'auto' })}">${t('walletRequest.refresh.auto')}</a>`}</p>`;
  } else if (data.state === 'expired') {
    body = html`<p class="gone" data-state="expired">${t('walletRequest.expired', { date: formatDateTime(data.expiresAt, ctx.lang) })}</p>
<p><a class="button" href="${withLang('/verify', ctx.lang)}#wallet-request">${t('walletRequest.again')}</a></p>`;
  } else if (data.report?.declined) {
    body = html`<p class="gone" data-state="declined">${t('walletRequest.declined')} <span dir="ltr" lang="en">(${data.report.declined.error})</span></p>
<p><a class="button" href="${withLang('/verify', ctx.lang)}#wallet-request">${t('walletRequest.again')}</a></p>`;
  } else {
    const form = frameworkForm(ctx, data.path, data.frameworks, data.framework);
    const report = data.report ?? { credentials: [], unanswered: [] };
    body = html`${report.credentials.length === 0 ? html`<p>${t('walletRequest.nothing')}</p>` : html`<p class="pass">${t('walletRequest.holderProof')}</p>`}
${report.unanswered.length > 0 ? html`<p class="fail" data-unanswered="${report.unanswered.map((ids) => ids.join('|')).join(' ')}">${t('walletRequest.unanswered')}</p>` : ''}
${report.credentials.map((answered) => answeredCredential(ctx, answered, form))}`;
  }
  return layout(ctx, {
    title: t('walletRequest.pageTitle'),
    ...(refreshing ? { refreshSeconds: WAITING_REFRESH_SECONDS } : {}),
    body: html`<h1>${t('walletRequest.pageTitle')}</h1>
${askedFor(ctx, data.preset)}
${body}`,
  });
}
