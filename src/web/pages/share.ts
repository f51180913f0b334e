import { html, type SafeHtml } from '../html.js';
import { formatDate } from '../i18n.js';
import type { CredentialReport } from '../../wallet/credentialReport.js';
import { layout, translatorFor, type PageContext } from './layout.js';
import { reportCard } from './report.js';

export interface FrameworkChoice { id: string; title: string }

/** A GET form choosing the framework (country) recognition is given for: works without script, kept in the address. */
export function frameworkForm(ctx: PageContext, action: string, frameworks: FrameworkChoice[], chosen: string): SafeHtml {
  const t = translatorFor(ctx.lang);
  return html`<form method="get" action="${action}" class="framework-choice">
    <input type="hidden" name="lang" value="${ctx.lang}">
    <label>${t('recognition.choose')}
    <select name="framework">${frameworks.map((f) => html`<option value="${f.id}"${f.id === chosen ? html` selected` : ''}>${f.title}</option>`)}</select></label>
    <button type="submit">${t('recognition.show')}</button>
  </form>`;
}

export function sharePage(ctx: PageContext, data: {
  label: string | null; expiresAt: string; reports: CredentialReport[]; frameworks: FrameworkChoice[]; framework: string; sharePath: string;
  holderName?: string;
}): string {
  const t = translatorFor(ctx.lang);
  const form = frameworkForm(ctx, data.sharePath, data.frameworks, data.framework);
  const holderForm: SafeHtml = html`<form method="get" action="${data.sharePath}" class="holder-form">
    <input type="hidden" name="lang" value="${ctx.lang}"><input type="hidden" name="framework" value="${data.framework}">
    <label>${t('credential.holder.typeName')} <input name="holderName" maxlength="200" autocomplete="off" dir="auto" value="${data.holderName ?? ''}"></label>
    <button type="submit">${t('credential.holder.check')}</button>
  </form>`;
  return layout(ctx, {
    title: t('share.title'),
    body: html`<h1>${t('share.title')}</h1>
${data.label ? html`<p class="label" dir="auto">${t('share.forLabel', { label: data.label })}</p>` : ''}
<p class="link-validity">${t('share.linkValidity', { date: formatDate(data.expiresAt, ctx.lang) })}</p>
${data.reports.length === 0 ? html`<p>${t('share.nothing')}</p>` : ''}
${data.reports.map((report) => reportCard(ctx.lang, report, { recognitionForm: form, holderForm }))}
<p class="note machine">${t('share.machine')}</p>`,
  });
}

export function goneSharePage(ctx: PageContext, data: { reason: 'expired' | 'revoked'; date: string }): string {
  const t = translatorFor(ctx.lang);
  return layout(ctx, {
    title: t('share.gone.title'),
    body: html`<h1>${t('share.gone.title')}</h1>
<p class="gone" data-reason="${data.reason}">${t(data.reason === 'expired' ? 'share.gone.expired' : 'share.gone.revoked', { date: formatDate(data.date, ctx.lang) })}</p>`,
  });
}
