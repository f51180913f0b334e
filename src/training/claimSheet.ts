import { html, trusted } from '../web/html.js';
import { directionOf, isPageLang, translate, type PageLang } from '../web/i18n.js';
import { qrCodeSvg } from '../web/qr.js';

/** One trainee's line of a batch: who, and the link that adds their credential to a wallet. */
export interface ClaimEntry { name: string; claimUrl: string }

/**
 * A printable page per trainee (name, credential title, the claim link as a QR code and in full), for a trainer to hand
 * out at the end of a course. One self-contained HTML file: QR codes inline as SVG, styles inline, nothing fetched.
 */
export async function claimSheetHtml(args: { lang: PageLang; credentialTitle: string; issuerName?: string; entries: ClaimEntry[] }): Promise<string> {
  const { lang, credentialTitle, entries } = args;
  const t = (key: Parameters<typeof translate>[1], params?: Record<string, string | number>) => translate(lang, key, params);
  const pages = await Promise.all(entries.map(async ({ name, claimUrl }) => html`<section class="trainee">
  <h1>${name}</h1>
  <p class="credential">${credentialTitle}</p>
  ${args.issuerName ? html`<p>${t('sheet.issuer', { issuer: args.issuerName })}</p>` : ''}
  <div class="qr">${trusted(await qrCodeSvg(claimUrl))}</div>
  <p>${t('sheet.scan')}</p>
  <p>${t('sheet.orOpen')} <span class="url" dir="ltr">${claimUrl}</span></p>
  <p class="once">${t('sheet.once')}</p>
</section>`));
  return `<!doctype html>\n${html`<html lang="${lang}" dir="${directionOf(lang)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex, nofollow">
<title>${t('sheet.title', { credential: credentialTitle, count: entries.length })}</title>
<style>
body { font-family: system-ui, sans-serif; margin: 0; color: #000; }
.trainee { padding: 2rem; max-width: 40rem; margin: 0 auto; break-after: page; page-break-after: always; }
.trainee:last-child { break-after: auto; page-break-after: auto; }
h1 { font-size: 1.8rem; margin: 0 0 .5rem; overflow-wrap: anywhere; }
.credential { font-size: 1.3rem; margin: 0 0 1rem; }
.qr svg { width: 18rem; max-width: 100%; height: auto; }
.url { font-family: monospace; overflow-wrap: anywhere; }
.once { font-size: .9rem; }
</style>
</head>
<body>
${pages}
</body>
</html>`}\n`;
}

/** The language of a credential's achievement name (its first language-tagged value), when it is one of the pages'. */
export function credentialLanguage(credential: Record<string, any>): PageLang | undefined {
  const name = credential.credentialSubject?.achievement?.name;
  const tag = Array.isArray(name) ? name[0]?.['@language'] : undefined;
  return typeof tag === 'string' && isPageLang(tag) ? tag : undefined;
}
