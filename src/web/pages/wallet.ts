import { html, trusted } from '../html.js';
import { colon, formatDate, formatDateTime, listSeparator, type MessageKey } from '../i18n.js';
import type { WalletCredential } from '../../db/repositories/wallet.js';
import type { CredentialReport } from '../../wallet/credentialReport.js';
import type { ShareLinkView } from '../../wallet/walletService.js';
import { layout, translatorFor, withLang, type PageContext } from './layout.js';
import { credentialTitle, issuerName, levelTitle, recognitionBriefSection, stateBadge } from './report.js';
import { frameworkForm, type FrameworkChoice } from './share.js';

export interface WalletItem { credential: WalletCredential; report: CredentialReport }
export interface WalletLinkItem { link: ShareLinkView; qrSvg: string; names: string[] }

export interface WalletPageData {
  walletPath: string;
  walletUrl: string;
  /** The wallet link as a QR code: to open it on another phone, or photograph it. */
  walletQrSvg: string;
  items: WalletItem[];
  links: WalletLinkItem[];
  hasPassphrase: boolean;
  notice?: MessageKey;
  /** Show the wallet link prominently (just created). */
  isNew: boolean;
  /** The share link to show open (just created). */
  openLinkId?: string;
  /** The framework (country) each credential's recognition is given for, and the others the holder can pick. */
  frameworks: FrameworkChoice[];
  framework: string;
}

export const SHARE_DAY_CHOICES = [1, 7, 30, 90, 180, 365] as const;

export function walletPage(ctx: PageContext, data: WalletPageData): string {
  const t = translatorFor(ctx.lang);
  const days = (n: number) => (n === 365 ? t('wallet.share.oneYear') : t('wallet.share.days', { n }));
  const activeLinks = data.links.filter((l) => l.link.state === 'active');
  const linkName = (link: ShareLinkView) => link.label ?? `${t('wallet.unlabelled')} (${formatDate(link.createdAt, ctx.lang)})`;
  // Nothing is ticked: the holder chooses. Credentials no longer in force are set apart, behind a warning.
  const inForce = data.items.filter(({ report }) => report.state === 'valid');
  const notInForce = data.items.filter(({ report }) => report.state !== 'valid');
  const shareChoice = (credential: WalletCredential, report: CredentialReport) => html`<label class="check"><input type="checkbox" name="credential" value="${credential.id}">
    <span>${credentialTitle(report, ctx.lang)} ${stateBadge(ctx.lang, report.state)}<span class="choice-detail" dir="auto">${issuerName(report, ctx.lang)}${report.summary?.validFrom ? `${listSeparator(ctx.lang)}${formatDate(report.summary.validFrom, ctx.lang)}` : ''}</span></span></label>`;
  return layout(ctx, {
    title: t('wallet.title'),
    body: html`<h1>${t('wallet.title')}</h1>
${data.notice ? html`<p class="notice" role="status">${t(data.notice)}</p>` : ''}
${data.isNew ? html`<section class="keep-link"><p>${t('wallet.keepLink')}</p></section>` : ''}
<details class="wallet-link"${data.isNew ? html` open` : ''}>
  <summary>${t('wallet.link.show')}</summary>
  <p>${t('wallet.link.explain')}</p>
  <label for="wallet-url">${t('wallet.link.label')}</label>
  <input id="wallet-url" class="secret-link" type="text" readonly value="${data.walletUrl}" dir="ltr">
  <p class="actions">
    <a class="button" href="mailto:?subject=${encodeURIComponent(t('wallet.title'))}&amp;body=${encodeURIComponent(data.walletUrl)}">${t('wallet.link.email')}</a>
    <a class="button" href="sms:?&amp;body=${encodeURIComponent(data.walletUrl)}">${t('wallet.link.sms')}</a>
  </p>
  <div class="qr">${trusted(data.walletQrSvg)}</div>
</details>

<section class="credentials">
<h2>${t('wallet.credentials')}</h2>
${data.items.length === 0 ? html`<p>${t('wallet.empty')}</p>` : html`<p>${t('wallet.recognition.explain')}</p>${frameworkForm(ctx, data.walletPath, data.frameworks, data.framework)}`}
${data.items.map(({ credential, report }) => {
  const sharedIn = activeLinks.filter((l) => l.link.walletCredentialIds.includes(credential.id)).map((l) => linkName(l.link));
  const base = `${data.walletPath}/credentials/${credential.id}`;
  return html`<article class="credential compact" id="credential-${credential.id}" data-state="${report.state}">
  <h3>${credentialTitle(report, ctx.lang)}</h3>
  <p>${stateBadge(ctx.lang, report.state)}</p>
  <p dir="auto">${t('wallet.issuedBy', { issuer: issuerName(report, ctx.lang) })}${report.summary?.validFrom ? `${listSeparator(ctx.lang)}${formatDate(report.summary.validFrom, ctx.lang)}` : ''}</p>
  ${report.mapping && report.mapping.levels.length > 0 ? html`<p class="level">${t('wallet.level')}${colon(ctx.lang)}${report.mapping.levels.map((l, i) => html`${i > 0 ? listSeparator(ctx.lang) : ''}${levelTitle(l.ref, ctx.lang)}`)}</p>` : ''}
  ${recognitionBriefSection(ctx.lang, report)}
  <p class="shared-in">${sharedIn.length > 0 ? t('wallet.sharedIn', { links: sharedIn.join(listSeparator(ctx.lang)) }) : t('wallet.notShared')}</p>
  <p class="actions">
    <a class="button" href="${base}/credential.json" download>${t('wallet.downloadJson')}</a>
    ${credential.jwt ? html`<a class="button" href="${base}/credential.jwt" download>${t('wallet.downloadJwt')}</a>` : ''}
  </p>
  <form method="post" action="${withLang(`${base}/delete`, ctx.lang)}" class="inline"><button type="submit" class="danger">${t('wallet.delete')}</button></form>
</article>`;
})}
${inForce.length > 0 ? html`<p class="jobs-link"><a href="${withLang(`${data.walletPath}/jobs`, ctx.lang)}">${t('wallet.jobs.link')}</a></p>` : ''}
</section>

${data.items.length > 0 ? html`<section class="share">
<h2>${t('wallet.share.title')}</h2>
<form method="post" action="${withLang(`${data.walletPath}/shares`, ctx.lang)}">
  <fieldset><legend>${t('wallet.share.choose')}</legend>
  ${inForce.map(({ credential, report }) => shareChoice(credential, report))}
  ${inForce.length === 0 ? html`<p>${t('wallet.share.noneValid')}</p>` : ''}
  ${notInForce.length > 0 ? html`<details class="not-valid">
    <summary>${t('wallet.share.notValid', { n: notInForce.length })}</summary>
    <p class="warning">${t('wallet.share.notValidWarning')}</p>
    ${notInForce.map(({ credential, report }) => shareChoice(credential, report))}
    <label class="check"><input type="checkbox" name="notValidConfirmed" value="yes"> ${t('wallet.share.notValidConfirm')}</label>
  </details>` : ''}
  </fieldset>
  <label for="days">${t('wallet.share.expiry')}</label>
  <select id="days" name="days">${SHARE_DAY_CHOICES.map((n) => html`<option value="${n}"${n === 30 ? html` selected` : ''}>${days(n)}</option>`)}</select>
  <label for="label">${t('wallet.share.label')}</label>
  <input id="label" name="label" type="text" maxlength="100" dir="auto">
  <button type="submit" class="big">${t('wallet.share.create')}</button>
</form>
</section>` : ''}

<section class="links">
<h2>${t('wallet.links.title')}</h2>
${data.links.length === 0 ? html`<p>${t('wallet.links.none')}</p>` : ''}
${data.links.map(({ link, qrSvg, names }) => html`<article class="share-link" id="link-${link.id}" data-state="${link.state}">
  <h3 dir="auto">${linkName(link)}</h3>
  <p>${link.state === 'active' ? html`<span class="badge ok">${t('wallet.links.active', { date: formatDate(link.expiresAt, ctx.lang) })}</span>`
    : link.state === 'expired' ? html`<span class="badge bad">${t('wallet.links.expired', { date: formatDate(link.expiresAt, ctx.lang) })}</span>`
      : html`<span class="badge bad">${t('wallet.links.revoked', { date: formatDate(link.revokedAt ?? undefined, ctx.lang) })}</span>`}</p>
  <p>${t('wallet.links.contains', { names: names.join(listSeparator(ctx.lang)) })}</p>
  <p class="views">${t('wallet.links.views', { n: link.views })}${link.lastViewedAt ? `${listSeparator(ctx.lang)}${t('wallet.links.lastView', { date: formatDateTime(link.lastViewedAt, ctx.lang) })}` : ''}</p>
  ${link.state === 'active' ? html`<details${data.openLinkId === link.id ? html` open` : ''}>
    <summary>${t('wallet.links.showQr')}</summary>
    ${data.openLinkId === link.id ? html`<p class="notice">${t('wallet.links.created')}</p>` : ''}
    <p><a class="share-url" href="${link.url}" dir="ltr">${link.url}</a></p>
    <div class="qr">${trusted(qrSvg)}</div>
  </details>
  <form method="post" action="${withLang(`${data.walletPath}/shares/${link.id}/revoke`, ctx.lang)}" class="inline"><button type="submit" class="danger">${t('wallet.links.revoke')}</button></form>` : ''}
</article>`)}
</section>

<section class="passphrase">
<h2>${t('wallet.passphrase.title')}</h2>
<p>${data.hasPassphrase ? t('wallet.passphrase.isSet') : t('wallet.passphrase.explain')}</p>
<form method="post" action="${withLang(`${data.walletPath}/passphrase`, ctx.lang)}">
  <label for="new-passphrase">${t('wallet.passphrase.label')}</label>
  <input id="new-passphrase" name="passphrase" type="password" minlength="8" maxlength="200" autocomplete="new-password" required>
  <button type="submit">${data.hasPassphrase ? t('wallet.passphrase.change') : t('wallet.passphrase.set')}</button>
</form>
</section>`,
  });
}

export function lockedWalletPage(ctx: PageContext, walletPath: string, options: { error?: 'wrong-passphrase' | 'too-many-attempts' | 'invalid-passphrase' } = {}): string {
  const t = translatorFor(ctx.lang);
  return layout(ctx, {
    title: t('wallet.locked.title'),
    body: html`<h1>${t('wallet.locked.title')}</h1>
${options.error ? html`<p class="problem" role="alert" data-code="${options.error}">${t(`error.${options.error}`)}</p>` : ''}
<p${options.error ? '' : html` data-code="wallet-locked"`}>${t('wallet.locked.explain')}</p>
<form method="post" action="${withLang(`${walletPath}/unlock`, ctx.lang)}">
  <label for="passphrase">${t('wallet.passphrase.label')}</label>
  <input id="passphrase" name="passphrase" type="password" autocomplete="current-password" required>
  <button type="submit" class="big">${t('wallet.locked.unlock')}</button>
</form>`,
  });
}
