import { frameworkForCountry, listFrameworks } from '../frameworks/registry.js';
import { regionOf, type PageLang } from './i18n.js';
import type { FrameworkChoice } from './pages/share.js';

/** Framework a viewer most likely thinks in: the region of their Accept-Language, else their language's usual one. */
export const FRAMEWORK_BY_LANGUAGE: Record<PageLang, string> = { ar: 'ma-cnc', fr: 'fr-cnp', es: 'es-mecu', en: 'eqf' };

export function defaultFramework(lang: PageLang, acceptLanguage: string | undefined): string {
  const region = regionOf(acceptLanguage, lang);
  if (region) {
    try {
      const framework = frameworkForCountry(region);
      if (framework) return framework.id;
    } catch {
      // A country with several frameworks and no default: fall back to the language's.
    }
  }
  return FRAMEWORK_BY_LANGUAGE[lang];
}

export function frameworkChoices(lang: PageLang): FrameworkChoice[] {
  return listFrameworks().filter((f) => f.kind !== 'language').map((f) => ({
    id: f.id, title: f.name[lang] ?? f.name.en ?? f.acronym,
  })).sort((a, b) => a.title.localeCompare(b.title, lang));
}

