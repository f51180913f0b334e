/**
 * Left-to-right runs inside right-to-left text. A Latin name, acronym or title inside an Arabic sentence ("المستوى 5
 * من DQR", "الدبلوم الوطني العالي (Higher National Diploma, HND)") is wrapped in U+2068 FIRST STRONG ISOLATE …
 * U+2069 POP DIRECTIONAL ISOLATE, so the bidirectional algorithm keeps it in one piece and in place. Brackets stay
 * outside the isolate: paired with each other, they then take the sentence's direction and mirror correctly.
 */
const LATIN_RUN = /[A-Za-z\u00C0-\u024F][A-Za-z\u00C0-\u024F0-9 .,'’/:+&_-]*[A-Za-z\u00C0-\u024F0-9.]|[A-Za-z\u00C0-\u024F]/g;
const ARABIC = /[\u0600-\u06FF\u0750-\u077F\u08A0-\u08FF\uFB50-\uFDFF\uFE70-\uFEFF]/;

export function isolateLatinRuns(text: string): string {
  if (!ARABIC.test(text)) return text;
  return text.replace(LATIN_RUN, (run) => `\u2068${run}\u2069`);
}
