import { html } from '../html.js';
import type { CredentialReport } from '../../wallet/credentialReport.js';
import { layout, translatorFor, withLang, type PageContext } from './layout.js';
import { reportCard } from './report.js';
import { walletRequestForm } from './presentationRequest.js';
import type { FrameworkChoice } from './share.js';

/** `walletRequest`: the frameworks and the default one for the form that asks a wallet app instead (OpenID4VP). */
export function verifyPage(ctx: PageContext, data: { input?: string; holderName?: string; report?: CredentialReport; walletRequest: { frameworks: FrameworkChoice[]; framework: string } }): string {
  const t = translatorFor(ctx.lang);
  return layout(ctx, {
    title: t('verify.title'),
    body: html`<h1>${t('verify.title')}</h1>
<p>${t('verify.intro')}</p>
<form method="post" action="${withLang('/verify', ctx.lang)}" enctype="multipart/form-data" class="verify">
  <label for="credential">${t('verify.paste')}</label>
  <textarea id="credential" name="credential" rows="8" dir="ltr" spellcheck="false">${data.input ?? ''}</textarea>
  <label for="file">${t('verify.file')}</label>
  <input id="file" name="file" type="file" accept=".json,.jwt,.txt,application/json,application/ld+json,text/plain">
  <label for="holderName">${t('verify.holderName')}</label>
  <input id="holderName" name="holderName" maxlength="200" autocomplete="off" dir="auto" value="${data.holderName ?? ''}">
  <button type="submit" class="big">${t('verify.submit')}</button>
</form>
${walletRequestForm(ctx, data.walletRequest.frameworks, data.walletRequest.framework)}
${data.report ? html`<section class="result"><h2 class="visually-hidden">${t('verify.result')}</h2>${reportCard(ctx.lang, data.report, { holderForm: html`<p class="note">${t('verify.holderNameHint')}</p>` })}</section>` : ''}`,
  });
}
