import type { Lang } from './types.js';

/**
 * Search key for a label: lowercase, no diacritics ("maçon" -> "macon"), ligatures spelled out
 * ("manœuvre" -> "manoeuvre"), punctuation collapsed to single spaces ("chef d'équipe" -> "chef d equipe").
 */
export function normalizeLabel(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/œ/g, 'oe')
    .replace(/æ/g, 'ae')
    .replace(/ß/g, 'ss')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

/**
 * ESCO writes French and Spanish labels as "masculine/feminine" ("maçon/maçonne",
 * "arboricultor/arboricultora"); each form is indexed on its own so either one is an exact match.
 */
function labelForms(label: string): string[] {
  const forms = label.split(/\s*\/\s*/).filter((form) => form !== '');
  return forms.length > 1 ? [label, ...forms] : [label];
}

interface IndexedLabel {
  owner: number;
  lang: Lang;
  preferred: boolean;
  text: string;
  normalized: string;
  tokens: Set<string>;
}

export interface LabelMatch {
  /** Position of the concept in the array the index was built from. */
  owner: number;
  score: number;
  matched: { label: string; lang: Lang; preferred: boolean };
}

/** Ranking tiers: the whole label, then the label's beginning, then whole words, then word beginnings. */
const SCORE_EXACT = 100;
const SCORE_LABEL_PREFIX = 80;
const SCORE_WHOLE_WORDS = 60;
const SCORE_WORD_PREFIXES = 40;
/** Synonyms rank just below the preferred label of the same tier. */
const ALT_LABEL_PENALTY = 5;
/** The caller's language wins ties between languages, never a better tier. */
const REQUESTED_LANGUAGE_BONUS = 2;

/**
 * Token index over the preferred and alternative labels of a list of concepts. Labels are normalised once,
 * at build time; a query touches only the labels sharing a word prefix with every query word.
 */
export class LabelIndex {
  private readonly labels: IndexedLabel[] = [];
  private readonly postings = new Map<string, number[]>();
  private vocabulary: string[] = [];

  add(owner: number, lang: Lang, label: string, preferred: boolean): void {
    for (const form of labelForms(label)) {
      const normalized = normalizeLabel(form);
      if (normalized === '') continue;
      const tokens = new Set(normalized.split(' '));
      const id = this.labels.push({ owner, lang, preferred, text: form, normalized, tokens }) - 1;
      for (const token of tokens) {
        const ids = this.postings.get(token);
        if (ids) ids.push(id);
        else this.postings.set(token, [id]);
      }
    }
    this.vocabulary = [];
  }

  search(query: string, lang: Lang | undefined, limit: number): LabelMatch[] {
    const normalizedQuery = normalizeLabel(query);
    if (normalizedQuery === '') return [];
    const queryTokens = [...new Set(normalizedQuery.split(' '))];

    const best = new Map<number, { match: LabelMatch; length: number }>();
    for (const id of this.candidates(queryTokens)) {
      const label = this.labels[id]!;
      const score =
        tierOf(label, normalizedQuery, queryTokens) -
        (label.preferred ? 0 : ALT_LABEL_PENALTY) +
        (label.lang === lang ? REQUESTED_LANGUAGE_BONUS : 0);
      const current = best.get(label.owner);
      if (!current || score > current.match.score || (score === current.match.score && label.text.length < current.length)) {
        best.set(label.owner, {
          match: { owner: label.owner, score, matched: { label: label.text, lang: label.lang, preferred: label.preferred } },
          length: label.text.length,
        });
      }
    }
    return [...best.values()]
      .sort(
        (a, b) =>
          b.match.score - a.match.score ||
          a.length - b.length ||
          a.match.matched.label.localeCompare(b.match.matched.label),
      )
      .slice(0, limit)
      .map(({ match }) => match);
  }

  /** Ids of labels in which every query token starts some word. */
  private candidates(queryTokens: string[]): Set<number> {
    let result: Set<number> | undefined;
    for (const token of queryTokens) {
      const ids = new Set<number>();
      for (const word of this.wordsStartingWith(token)) {
        for (const id of this.postings.get(word)!) {
          if (!result || result.has(id)) ids.add(id);
        }
      }
      result = ids;
      if (result.size === 0) break;
    }
    return result ?? new Set();
  }

  private *wordsStartingWith(prefix: string): Generator<string> {
    if (this.vocabulary.length === 0) this.vocabulary = [...this.postings.keys()].sort();
    const words = this.vocabulary;
    let low = 0;
    let high = words.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (words[middle]! < prefix) low = middle + 1;
      else high = middle;
    }
    for (let i = low; i < words.length && words[i]!.startsWith(prefix); i++) yield words[i]!;
  }
}

function tierOf(label: IndexedLabel, normalizedQuery: string, queryTokens: string[]): number {
  if (label.normalized === normalizedQuery) return SCORE_EXACT;
  if (label.normalized.startsWith(normalizedQuery)) return SCORE_LABEL_PREFIX;
  if (queryTokens.every((token) => label.tokens.has(token))) return SCORE_WHOLE_WORDS;
  return SCORE_WORD_PREFIXES;
}
