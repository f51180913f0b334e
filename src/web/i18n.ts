import fs from 'node:fs';
import IntlMessageFormat from 'intl-messageformat';

/**
 * The pages' languages (French, Arabic, Spanish, English), how one is chosen, and every sentence the pages say.
 * The sentences live in locales/<lang>.json (ICU MessageFormat), where translators can work on them.
 */
export const PAGE_LANGUAGES = ['fr', 'ar', 'es', 'en'] as const;
export type PageLang = (typeof PAGE_LANGUAGES)[number];

export const LANGUAGE_NAMES: Record<PageLang, string> = { fr: 'Français', ar: 'العربية', es: 'Español', en: 'English' };
export const directionOf = (lang: PageLang): 'rtl' | 'ltr' => (lang === 'ar' ? 'rtl' : 'ltr');
/** Locales for dates: Morocco's Arabic keeps Latin digits, as Moroccan documents do. */
const LOCALES: Record<PageLang, string> = { fr: 'fr-FR', ar: 'ar-MA', es: 'es-ES', en: 'en-GB' };

export const isPageLang = (value: string): value is PageLang => (PAGE_LANGUAGES as readonly string[]).includes(value);

/** `?lang=` wins, then the first supported language of Accept-Language (by quality), then French. */
export function chooseLanguage(queryLang: unknown, acceptLanguage: string | undefined): PageLang {
  if (typeof queryLang === 'string' && isPageLang(queryLang)) return queryLang;
  return acceptedLanguage(acceptLanguage) ?? 'fr';
}

/** The first supported language of Accept-Language (by quality), if any: API messages default to English without one. */
export function acceptedLanguage(acceptLanguage: string | undefined): PageLang | undefined {
  for (const { tag } of parseAcceptLanguage(acceptLanguage)) {
    const base = tag.split('-')[0]!;
    if (isPageLang(base)) return base;
  }
  return undefined;
}

/** The first region named in Accept-Language for the chosen language (fr-MA gives MA), if any. */
export function regionOf(acceptLanguage: string | undefined, lang: PageLang): string | undefined {
  for (const { tag } of parseAcceptLanguage(acceptLanguage)) {
    const [base, region] = tag.split('-');
    if (base === lang && region && /^[A-Za-z]{2}$/.test(region)) return region.toUpperCase();
  }
  return undefined;
}

function parseAcceptLanguage(header: string | undefined): Array<{ tag: string; q: number }> {
  if (!header) return [];
  return header.split(',').slice(0, 20).map((part) => {
    const [tag = '', ...params] = part.trim().split(';');
    const q = Number(params.find((p) => p.trim().startsWith('q='))?.trim().slice(2) ?? 1);
    return { tag: tag.toLowerCase(), q: Number.isFinite(q) ? q : 0 };
  }).filter((l) => l.tag && l.q > 0).sort((a, b) => b.q - a.q);
}

export function formatDate(iso: string | undefined, lang: PageLang): string {
  if (!iso) return '';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return new Intl.DateTimeFormat(LOCALES[lang], { dateStyle: 'long', timeZone: 'UTC' }).format(date);
}

export function formatDateTime(iso: string | undefined, lang: PageLang): string {
  if (!iso) return '';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return new Intl.DateTimeFormat(LOCALES[lang], { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' }).format(date) + ' UTC';
}

/** French puts a space before a colon. */
export const colon = (lang: PageLang) => (lang === 'fr' ? '\u00a0: ' : ': ');

/** Between items of a list: Arabic has its own comma. */
export const listSeparator = (lang: PageLang): string => (lang === 'ar' ? '، ' : ', ');

const LATIN = /[A-Za-z\u00C0-\u024F]/;
const RIGHT_TO_LEFT = /[\u0590-\u08FF\uFB1D-\uFDFF\uFE70-\uFEFF]/;
/** Explicit bidirectional formatting: embeddings, overrides (U+202A–U+202E) and isolates (U+2066–U+2069). */
const BIDI_CONTROLS = /[\u202A-\u202E\u2066-\u2069]/;

/**
 * A value placed into a sentence, isolated (U+2068 FIRST STRONG ISOLATE … U+2069 POP DIRECTIONAL ISOLATE) when its
 * direction may differ from the sentence's: "Maçon (CNC niveau 3)" inside Arabic, an Arabic name inside French.
 * Without it the bidirectional algorithm reorders the brackets and numbers around it.
 */
export function isolateForLang(value: string, lang: PageLang): string {
  // An override or embedding in a value (a name with U+202E, say) would reorder the sentence after it: it is isolated
  // too, and the value's own isolate marks are dropped so that none of them closes this isolate early.
  if (BIDI_CONTROLS.test(value)) return `\u2068${value.replace(/[\u2066-\u2069]/g, '')}\u2069`;
  const foreign = directionOf(lang) === 'rtl' ? LATIN : RIGHT_TO_LEFT;
  return foreign.test(value) ? `\u2068${value}\u2069` : value;
}

/** A country's name in the page's language (ISO 3166-1 alpha-2 in, "Espagne" out). */
export function countryName(code: string, lang: PageLang): string {
  return new Intl.DisplayNames([LOCALES[lang]], { type: 'region' }).of(code.toUpperCase()) ?? code;
}

/** The sentences the pages say, one ICU MessageFormat catalog per language (locales/<lang>.json), read once. */
const CATALOG_DIR = new URL('../../locales/', import.meta.url);
type Catalog = Record<string, string>;
const CATALOGS = Object.fromEntries(PAGE_LANGUAGES.map((lang) =>
  [lang, JSON.parse(fs.readFileSync(new URL(`${lang}.json`, CATALOG_DIR), 'utf8')) as Catalog])) as Record<PageLang, Catalog>;

export type MessageKey = keyof typeof import('../../locales/fr.json', { with: { type: 'json' } });

// A catalog missing a sentence stops the service at start, not a page at the moment it needs that sentence.
const incomplete = PAGE_LANGUAGES.flatMap((lang) =>
  Object.keys(CATALOGS.fr).filter((key) => typeof CATALOGS[lang][key] !== 'string').map((key) => `${key} in locales/${lang}.json`));
if (incomplete.length > 0) throw new Error(`Translations missing: ${incomplete.join(', ')}`);

export const hasMessage = (key: string): key is MessageKey => Object.hasOwn(CATALOGS.fr, key);

/** Compiled on first use: a page uses a few dozen of the sentences. */
const formatters = new Map<string, IntlMessageFormat>();

function formatterOf(lang: PageLang, key: MessageKey): IntlMessageFormat {
  const cacheKey = `${lang}\u0000${key}`;
  let formatter = formatters.get(cacheKey);
  if (!formatter) {
    // Tags stay text: a sentence never carries markup, the html template escapes what it is given.
    formatter = new IntlMessageFormat(CATALOGS[lang][key]!, LOCALES[lang], undefined, { ignoreTag: true });
    formatters.set(cacheKey, formatter);
  }
  return formatter;
}

/**
 * The sentence in `lang`, with its arguments filled: numbers choose the plural form (Intl.PluralRules: one/other in
 * English, one/many/other in French and Spanish, six forms in Arabic); text values are isolated when their direction
 * may differ from the sentence's (and escaped later, by the html template).
 */
export function translate(lang: PageLang, key: MessageKey, params: Record<string, string | number> = {}): string {
  const values = Object.fromEntries(Object.entries(params).map(([name, value]) => [name, typeof value === 'string' ? isolateForLang(value, lang) : value]));
  return String(formatterOf(lang, key).format(values));
}
