import type { Text } from '../../frameworks/types.js';
import { html, type SafeHtml } from '../html.js';
import type { PageLang } from '../i18n.js';

/**
 * A source as a link whose text is its title, with the title in the other form beside it: the reader's language when
 * the data translates it (`titleTranslated`), or the original when the title given is a translation (`titleOriginal`).
 */
export interface SourceLike { title: string; titleOriginal?: string; titleTranslated?: Text; url: string | null; reference?: string }

export function sourceItem(source: SourceLike, lang: PageLang, after: SafeHtml | string = ''): SafeHtml {
  const translated = source.titleTranslated?.[lang] ?? source.titleOriginal;
  // The title as published is a proper name (in <cite>); the translation beside it is in the reader's language.
  const title = html`<cite><bdi>${source.title}</bdi></cite>${translated && translated !== source.title ? html` (<bdi>${translated}</bdi>)` : ''}`;
  return html`<li class="source">${source.url ? html`<a href="${source.url}" rel="noreferrer noopener">${title}</a>` : html`${title}${source.reference ? html`, <bdi>${source.reference}</bdi>` : ''}`}${after}</li>`;
}

