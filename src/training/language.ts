/** Text per language (BCP 47 tag), e.g. {"fr": "Maçon", "ar": "بنّاء"}. */
export type LocalisedText = Record<string, string>;

/**
 * Several languages become JSON-LD language-tagged values, the default language first (VC Data Model 2.0, section 11.1);
 * a single language stays a plain string, which every Open Badges consumer reads.
 */
export function localised(text: LocalisedText, defaultLanguage: string): string | Array<{ '@value': string; '@language': string }> {
  const languages = Object.keys(text).sort((a, b) => Number(b === defaultLanguage) - Number(a === defaultLanguage));
  if (languages.length === 1) return text[languages[0]!]!;
  return languages.map((language) => ({ '@value': text[language]!, '@language': language }));
}

/** The text in the default language, else English, else any: for places that take one string (credential name). */
export const textIn = (text: LocalisedText, language: string): string => text[language] ?? text.en ?? Object.values(text)[0] ?? '';
