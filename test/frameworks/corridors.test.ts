/**
 * The corridors' commonest qualification types, asked as a holder would (GET /recognition) for Spain, Lithuania,
 * Germany and both Belgian communities, in the four answer languages: a sourced placement or an honest "none", on whose
 * word each step rests, and where to apply. Expected values come from the source notes, written out here.
 */
import t from 'tap';
import { buildTestApp } from '../helpers/app.js';

type Json = Record<string, any>;

const DESTINATIONS: Array<[string, string, string]> = [
  // query, target framework, jurisdiction of the next step
  ['country=ES', 'es-mecu', 'ES'], ['country=LT', 'lt-ltks', 'LT'], ['country=DE', 'de-dqr', 'DE'], ['to=be-fr', 'be-fr', 'BE-fr'], ['to=be-fl', 'be-fl', 'BE-fl'],
];

/** type -> placed EQF levels (Nuffic), or [] when nothing is published. */
const FACTS: Array<[string, number[]]> = [
  ['ma-technicien-specialise', [5]],
  ['ke-tvet-diploma', [2, 3, 4]],
  ['gh-hnd', [5]],
  ['sn-bts', []],
];

const NONE: Record<string, RegExp> = { en: /^No published relation links/, fr: /^Aucune relation publiée/, es: /^Ninguna relación publicada/, ar: /^لا توجد علاقة منشورة/ };
const INDICATIVE: Record<string, RegExp> = { en: /^Indicative, not official/, fr: /^Indicatif, non officiel/, es: /^Indicativo, no oficial/, ar: /^إرشادي وغير رسمي/ };
/** English words that are no French or Spanish word: one of them in a fr/es/ar answer is an untranslated text. */
const ENGLISH = ['the', 'and', 'of', 'level', 'framework', 'basis', 'path', 'country', 'issuer', 'stated', 'corresponds', 'known', 'with',
  'which', 'this', 'only', 'from', 'european', 'official', 'referencing', 'agreement', 'where', 'apply', 'placed', 'binding', 'body'];
const englishWords = (text: string) => {
  const words = new Set(text.toLowerCase().match(/[\p{L}-]+/gu) ?? []);
  return ENGLISH.filter((w) => words.has(w));
};

const APPLY: Record<string, RegExp> = { en: /Where to apply: /, fr: /Où déposer la demande : /, es: /Dónde solicitarlo: /, ar: /أين تقدّم الطلب: / };

t.test('four qualification types x five destinations x four languages', async (t) => {
  const ctx = await buildTestApp(t);
  // One assertion per property, listing the cases where it does not hold.
  const counterExamples = new Map<string, string[]>();
  const expect = (property: string, holds: boolean, counterExample: string) => {
    const list = counterExamples.get(property) ?? [];
    if (!holds) list.push(counterExample);
    counterExamples.set(property, list);
  };
  for (const [type, eqf] of FACTS) {
    for (const [query, framework, jurisdiction] of DESTINATIONS) {
      for (const lang of ['en', 'fr', 'es', 'ar']) {
        const name = `${type} ${query} ${lang}`;
        const response = await ctx.app.inject({ method: 'GET', url: `/recognition?qualificationType=${type}&${query}&lang=${lang}` });
        expect('answered 200', response.statusCode === 200, `${name}: ${response.statusCode} ${response.body.slice(0, 200)}`);
        if (response.statusCode !== 200) continue;
        const r = response.json() as Json;
        expect('the destination framework', r.destination.framework === framework, `${name}: ${r.destination.framework}`);
        if (eqf.length === 0) {
          expect('nothing published: outcome none, no level, no placement', r.outcome === 'none' && r.levels.length === 0 && r.placements.length === 0,
            `${name}: ${r.outcome}, levels ${r.levels.map((l: Json) => l.ref)}, ${r.placements.length} placements`);
          expect('nothing published: the explanation says so', NONE[lang]!.test(r.explanation), `${name}: ${r.explanation.slice(0, 80)}`);
        } else {
          const levels = r.levels.map((l: Json) => l.ref).join(', ');
          expect('placed: indicative, on a credential evaluation body\'s word, at the published levels',
            r.outcome === 'indicative' && r.basis === 'credential-evaluation-body' && levels === eqf.map((n) => `${framework}:${n}`).join(', '), `${name}: ${r.outcome} ${r.basis} ${levels}`);
          expect('placed: the explanation says indicative', INDICATIVE[lang]!.test(r.explanation), `${name}: ${r.explanation.slice(0, 80)}`);
          expect('placed by Nuffic (NL)', r.placements[0]?.by?.name === 'Nuffic' && r.placements[0]?.by?.country === 'NL' && r.placements[0]?.basis === 'credential-evaluation-body',
            `${name}: ${JSON.stringify(r.placements[0])}`);
          expect('on whose word each step rests', r.paths.every((p: Json) => p.steps[0].basis === 'credential-evaluation-body' && p.steps.slice(1).every((s: Json) => s.basis === 'official-referencing')),
            `${name}: ${r.paths.map((p: Json) => p.steps.map((s: Json) => s.basis).join(' > ')).join('; ')}`);
          expect('each step says who and cites', r.paths.every((p: Json) => p.steps.every((s: Json) => s.text.length > 0 && s.source.url && s.source.date)), name);
        }
        expect('a next step in the destination\'s jurisdiction, with a web address', r.nextSteps[0]?.jurisdiction === jurisdiction && /^https?:\/\//.test(r.nextSteps[0]?.url),
          `${name}: ${r.nextSteps[0]?.jurisdiction} ${r.nextSteps[0]?.url}`);
        expect('the explanation says where to apply', APPLY[lang]!.test(r.explanation), `${name}: ${r.explanation.slice(-80)}`);
        const ids = /https?:|\b[a-z]+(-[a-z]+)*:\d+\b/.exec(r.explanation);
        expect('no URLs or ids in the explanation', ids === null, `${name}: ${ids?.[0]}`);
        if (lang === 'ar') expect('Arabic: Latin runs isolated', r.explanation.includes('\u2068'), name);
        if (lang !== 'en') {
          // Proper names stay in their language: the qualification's own name is not a translation to check.
          const text = [r.explanation, ...r.sources.map((x: Json) => x.translatedTitle ?? x.title), ...r.nextSteps.map((n: Json) => `${n.title} ${n.summary} ${n.body}`)].join(' ')
            .split(r.origin.qualificationType.originalName).join(' ');
          const english = englishWords(text);
          expect('fr, es, ar: no English words', english.length === 0, `${name}: ${english.join(', ')}`);
        }
      }
    }
  }
  for (const [property, list] of counterExamples) t.same(list, [], property);
});

t.test('where to apply follows the destination and the kind of qualification', async (t) => {
  const ctx = await buildTestApp(t);
  const first = async (q: string) => ((await ctx.app.inject({ method: 'GET', url: `/recognition?${q}` })).json() as Json).nextSteps.map((n: Json) => n.id);
  t.equal((await first('qualificationType=ma-technicien-specialise&country=ES'))[0], 'es-fp-homologacion', 'Spain: vocational homologation');
  t.equal((await first('qualificationType=gh-hnd&country=DE'))[0], 'de-zab', 'Germany, higher education: ZAB');
  t.ok((await first('qualificationType=ke-tvet-diploma&country=LT')).includes('lt-vet-institutions'), 'Lithuania: VET institutions since 2024');
  t.equal((await first('qualificationType=sn-bts&to=be-fr'))[0], 'be-fr-equisup-level', 'BE-fr: level equivalence');
  t.same(await first('from=de-dqr:4&to=eqf'), [], 'no destination country, no procedure');
});

t.test('qualification types are listed and shown with their placements', async (t) => {
  const ctx = await buildTestApp(t);
  const list = (await ctx.app.inject({ method: 'GET', url: '/qualification-types' })).json() as Json;
  t.ok(list.qualificationTypes.some((q: Json) => q.id === 'ke-tvet-diploma'));
  const one = (await ctx.app.inject({ method: 'GET', url: '/qualification-types/gh-hnd' })).json() as Json;
  t.match(one, { originalName: 'Higher National Diploma (HND)', originLevel: 'gh-ntvetqf:5', placements: [{ to: ['eqf:5'], by: { name: 'Nuffic' } }] });
  const missing = await ctx.app.inject({ method: 'GET', url: '/qualification-types/xx-diploma' });
  t.equal(missing.statusCode, 404);
  t.equal(missing.json().code, 'unknown-qualification-type');
  const nothing = await ctx.app.inject({ method: 'GET', url: '/recognition?country=ES' });
  t.equal(nothing.statusCode, 400);
  t.equal(nothing.json().code, 'missing-recognition-origin');
});
