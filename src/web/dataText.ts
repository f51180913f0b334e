/**
 * Reference-data text (framework names, level titles, source titles) on pages: the reader's language when the data
 * has it, else English, and always isolated (`<bdi>`) so that a Latin title inside Arabic, or Arabic inside French,
 * keeps its own direction and does not reorder the sentence around it.
 */
import type { Text } from '../frameworks/types.js';
import { html, type SafeHtml } from './html.js';
import type { PageLang } from './i18n.js';
import { isolateLatinRuns } from './bidi.js';

export interface PickedText { text: string; lang: string }

export function pickText(text: Text, lang: PageLang): PickedText {
  const own = text[lang];
  if (own) return { text: own, lang };
  return text.en ? { text: text.en, lang: 'en' } : { text: Object.values(text)[0] ?? '', lang: Object.keys(text)[0] ?? 'en' };
}

export function dataText(text: Text, lang: PageLang): SafeHtml {
  const picked = pickText(text, lang);
  const shown = picked.lang === 'ar' ? isolateLatinRuns(picked.text) : picked.text;
  return html`<bdi${picked.lang !== lang ? html` lang="${picked.lang}"` : ''}>${shown}</bdi>`;
}
