import { html, type SafeHtml } from '../html.js';
import { directionOf, LANGUAGE_NAMES, PAGE_LANGUAGES, translate, type MessageKey, type PageLang } from '../i18n.js';

/** What every page needs to know about the request it answers. */
export interface PageContext {
  lang: PageLang;
  /** The path the language switcher links back to (same page, other language). */
  path: string;
  /** Query parameters the switcher keeps (everything but lang). */
  query: Record<string, string>;
}

export const STYLESHEET_PATH = '/assets/passerelle.css';

/** A translator bound to the page's language. */
export const translatorFor = (lang: PageLang) => (key: MessageKey, params?: Record<string, string | number>) => translate(lang, key, params);

/** Adds ?lang= to a same-site URL (keeps the page's language across forms and links). */
export function withLang(url: string, lang: PageLang, extra: Record<string, string> = {}): string {
  const [path, hash] = url.split('#');
  const [base, query] = path!.split('?');
  const params = new URLSearchParams(query);
  params.set('lang', lang);
  for (const [k, v] of Object.entries(extra)) params.set(k, v);
  return `${base}?${params.toString()}${hash ? `#${hash}` : ''}`;
}

function languageSwitcher(ctx: PageContext): SafeHtml {
  const t = translatorFor(ctx.lang);
  return html`<nav class="languages" aria-label="${t('nav.language')}"><ul>${PAGE_LANGUAGES.map((lang) => {
    const href = withLang(`${ctx.path}?${new URLSearchParams(ctx.query).toString()}`, lang);
    return html`<li><a href="${href}" lang="${lang}" hreflang="${lang}"${lang === ctx.lang ? html` aria-current="true"` : ''}>${LANGUAGE_NAMES[lang]}</a></li>`;
  })}</ul></nav>`;
}

/** `refreshSeconds`: the page reloads itself (a page waiting for something that happens elsewhere; no script needed). */
export function layout(ctx: PageContext, options: { title: string; body: SafeHtml; refreshSeconds?: number }): string {
  const t = translatorFor(ctx.lang);
  return `<!doctype html>\n${html`<html lang="${ctx.lang}" dir="${directionOf(ctx.lang)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<meta name="robots" content="noindex, nofollow">
${options.refreshSeconds ? html`<meta http-equiv="refresh" content="${options.refreshSeconds}">\n` : ''}<title>${options.title} · Passerelle</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="${STYLESHEET_PATH}">
</head>
<body>
<header class="site">
  <div class="brand"><a href="${withLang('/verify', ctx.lang)}">Passerelle</a><span class="tagline">${t('site.tagline')}</span></div>
  ${languageSwitcher(ctx)}
</header>
<main>
${options.body}
</main>
<footer class="site">
  <p><a href="${withLang('/verify', ctx.lang)}">${t('nav.verify')}</a></p>
  <p>${t('footer.attribution')}</p>
  <p>${t('footer.privacy')}</p>
</footer>
</body>
</html>`}\n`;
}
