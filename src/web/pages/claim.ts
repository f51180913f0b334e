import { html, trusted } from '../html.js';
import { countryName, formatDate } from '../i18n.js';
import type { ClaimOffer } from '../../db/repositories/wallet.js';
import type { Organisation } from '../../db/repositories/organisations.js';
import { pickText } from '../dataText.js';
import type { CredentialReport } from '../../wallet/credentialReport.js';
import { layout, translatorFor, withLang, type PageContext } from './layout.js';
import { credentialTitle, issuerName, stateBadge } from './report.js';

/** The same offer for a wallet app (OpenID4VCI): its openid-credential-offer:// link and that link's QR code. */
export interface WalletAppOffer { url: string; qrSvg: string }

export function claimPage(ctx: PageContext, data: { code: string; offer: ClaimOffer; report: CredentialReport; walletApp?: WalletAppOffer }): string {
  const t = translatorFor(ctx.lang);
  const action = withLang(`/claim/${data.code}`, ctx.lang);
  const holderName = data.offer.holder.name;
  return layout(ctx, {
    title: t('claim.title'),
    body: html`<h1>${t('claim.title')}</h1>
<article class="credential compact">
  <h2>${credentialTitle(data.report, ctx.lang)}</h2>
  <p>${stateBadge(ctx.lang, data.report.state)}</p>
  <p>${t('claim.intro', { issuer: issuerName(data.report, ctx.lang) })}</p>
  ${holderName ? html`<p dir="auto">${t('claim.for', { name: holderName })}${data.offer.holder.contactHint ? html` <span dir="ltr">(${data.offer.holder.contactHint})</span>` : ''}</p>` : ''}
  <p class="note">${t('claim.validUntil', { date: formatDate(data.offer.expiresAt, ctx.lang) })}</p>
</article>
<form method="post" action="${action}" class="primary">
  <input type="hidden" name="action" value="new">
  <button type="submit" class="big">${t('claim.newWallet')}</button>
</form>
${data.walletApp ? html`<section class="wallet-app">
  <h2>${t('claim.walletApp.title')}</h2>
  <p>${t('claim.walletApp.intro')}</p>
  <p><a class="button" href="${data.walletApp.url}" data-offer>${t('claim.walletApp.open')}</a></p>
  <p>${t('claim.walletApp.scan')}</p>
  <div class="qr">${trusted(data.walletApp.qrSvg)}</div>
  ${data.offer.txCodeHash ? html`<p class="note" data-tx-code>${t('claim.walletApp.txCode', { issuer: issuerName(data.report, ctx.lang) })}</p>` : ''}
  <p class="note">${t('claim.walletApp.once')}</p>
</section>` : ''}
<details class="existing">
  <summary>${t('claim.existingWallet')}</summary>
  <form method="post" action="${action}">
    <input type="hidden" name="action" value="existing">
    <label for="wallet">${t('claim.walletLink')}</label>
    <input id="wallet" name="wallet" type="text" inputmode="url" autocomplete="off" required dir="ltr">
    <label for="passphrase">${t('claim.passphraseIfAny')}</label>
    <input id="passphrase" name="passphrase" type="password" autocomplete="current-password">
    <button type="submit">${t('claim.addToWallet')}</button>
  </form>
</details>`,
  });
}

/**
 * A claim link that was used or has expired: what to do next, in words. Used: open the wallet it went into with the
 * wallet link kept then; lost, or expired: ask the issuing organisation (named) for a new claim link.
 */
export function claimGonePage(ctx: PageContext, data: { reason: 'used' | 'expired'; date: string; issuer?: Organisation }): string {
  const t = translatorFor(ctx.lang);
  const issuer = data.issuer ? pickText(data.issuer.name, ctx.lang).text : undefined;
  const askIssuer = issuer ? t('claim.gone.askIssuer', { issuer, country: countryName(data.issuer!.country, ctx.lang) }) : t('claim.gone.askUnknownIssuer');
  return layout(ctx, {
    title: t('claim.gone.title'),
    body: html`<h1>${t('claim.gone.title')}</h1>
<p class="gone" data-code="claim-${data.reason}" data-reason="${data.reason}">${data.reason === 'used' ? t('claim.gone.used', { date: formatDate(data.date, ctx.lang) }) : t('claim.gone.expired', { date: formatDate(data.date, ctx.lang) })}</p>
<h2>${t('claim.gone.whatNow')}</h2>
<ul class="next-steps">
  ${data.reason === 'used' ? html`<li>${t('claim.gone.openWallet')}</li>` : ''}
  <li>${askIssuer}</li>
</ul>`,
  });
}
