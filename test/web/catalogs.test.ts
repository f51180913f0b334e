import fs from 'node:fs';
import t from 'tap';
import IntlMessageFormat from 'intl-messageformat';
import { PAGE_LANGUAGES, translate, type PageLang } from '../../src/web/i18n.js';

/** The parts of intl-messageformat's syntax tree a check needs: arguments (with a name) and their plural options. */
interface MessageNode { type: number; value?: unknown; options?: Record<string, { value: MessageNode[] }> }
const ARGUMENT_TYPES = new Set([1, 2, 3, 4, 5, 6]); // argument, number, date, time, select, plural
const PLURAL = 6;

const catalogs = Object.fromEntries(PAGE_LANGUAGES.map((lang) =>
  [lang, JSON.parse(fs.readFileSync(new URL(`../../locales/${lang}.json`, import.meta.url), 'utf8')) as Record<string, unknown>])) as Record<PageLang, Record<string, unknown>>;

/** Argument names of a message, and every plural in it with the categories it gives. */
function shape(message: string): { args: Set<string>; plurals: Array<{ arg: string; categories: string[] }> } {
  const args = new Set<string>();
  const plurals: Array<{ arg: string; categories: string[] }> = [];
  const walk = (nodes: MessageNode[]) => {
    for (const node of nodes) {
      if (ARGUMENT_TYPES.has(node.type)) args.add(String(node.value));
      if (node.type === PLURAL) plurals.push({ arg: String(node.value), categories: Object.keys(node.options ?? {}) });
      for (const option of Object.values(node.options ?? {})) walk(option.value);
    }
  };
  walk(new IntlMessageFormat(message, undefined, undefined, { ignoreTag: true }).getAst() as unknown as MessageNode[]);
  return { args, plurals };
}

t.test('every key exists in every language, with text that parses and the same arguments', async (t) => {
  const keys = new Set(PAGE_LANGUAGES.flatMap((lang) => Object.keys(catalogs[lang])));
  const problems: string[] = [];
  for (const key of keys) {
    const shapes = new Map<PageLang, ReturnType<typeof shape>>();
    for (const lang of PAGE_LANGUAGES) {
      const message = catalogs[lang][key];
      if (typeof message !== 'string' || !message.trim()) { problems.push(`${key}: missing in ${lang}`); continue; }
      try { shapes.set(lang, shape(message)); } catch (error) { problems.push(`${key} in ${lang}: ${(error as Error).message}`); }
    }
    const [first, ...others] = [...shapes.entries()];
    for (const [lang, { args }] of others) {
      if ([...args].sort().join() !== [...first![1].args].sort().join()) problems.push(`${key}: ${lang} has arguments {${[...args]}}, ${first![0]} has {${[...first![1].args]}}`);
    }
  }
  t.same(problems, [], 'no key missing, unreadable or with other arguments');
  t.ok(keys.size > 150, 'the catalogs were read');
});

t.test('every plural gives every category the language has', async (t) => {
  const problems: string[] = [];
  let plurals = 0;
  for (const lang of PAGE_LANGUAGES) {
    const required = new Intl.PluralRules(lang).resolvedOptions().pluralCategories;
    for (const [key, message] of Object.entries(catalogs[lang])) {
      for (const plural of shape(String(message)).plurals) {
        plurals += 1;
        const missing = required.filter((category) => !plural.categories.includes(category));
        if (missing.length > 0) problems.push(`${key} in ${lang}: {${plural.arg}} lacks ${missing.join(', ')}`);
      }
    }
  }
  t.same(problems, [], 'no plural lacks a category');
  t.ok(plurals >= 8, 'the counted sentences are plurals in all four languages');
  t.same(new Intl.PluralRules('ar').resolvedOptions().pluralCategories.length, 6, 'Arabic has six categories');
});

t.test('counts read naturally in each language', async (t) => {
  const views = (lang: PageLang, n: number) => translate(lang, 'wallet.links.views', { n });
  t.same([0, 1, 2, 3, 11, 100].map((n) => views('ar', n)), ['لم يُفتح بعد', 'فُتح مرة واحدة', 'فُتح مرتين', 'فُتح 3 مرات', 'فُتح 11 مرة', 'فُتح 100 مرة']);
  t.same([0, 1, 2].map((n) => views('en', n)), ['Not opened yet', 'Opened once', 'Opened 2 times']);
  t.same([0, 1, 2].map((n) => views('fr', n)), ['Pas encore ouvert', 'Ouvert une fois', 'Ouvert 2 fois']);
  t.same([1, 2].map((n) => views('es', n)), ['Abierto una vez', 'Abierto 2 veces']);
  const days = (lang: PageLang, n: number) => translate(lang, 'wallet.share.days', { n });
  t.same([1, 2, 7, 30, 100].map((n) => days('ar', n)), ['يوم واحد', 'يومان', '7 أيام', '30 يوماً', '100 يوم']);
  t.same([1, 30].map((n) => days('fr', n)), ['1 jour', '30 jours']);
  t.same([1, 30].map((n) => days('es', n)), ['1 día', '30 días']);
  t.same([1, 30].map((n) => days('en', n)), ['1 day', '30 days']);
});
