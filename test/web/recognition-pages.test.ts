import t from 'tap';
import { buildTestApp, openBadgeCredential, type TestApp } from '../helpers/app.js';
import { claimIntoNewWallet, createShare, FORM, HTML, issueFor, pathOf, setStatus, walletJson } from '../helpers/wallet.js';
import { translate } from '../../src/web/i18n.js';
import { recognitionAnswer, type RecognitionAnswer } from '../../src/web/pages/recognitionAnswer.js';

type Json = Record<string, any>;
const LANGS = ['fr', 'es', 'ar', 'en'] as const;

/** A French bricklaying credential aligned to Morocco's CNC level 3 and EQF level 3, shared from a wallet. */
async function sharedCredential(ctx: TestApp, credential: Json = cncCredential()) {
  const { auth } = await ctx.issuer();
  const issued = await issueFor(ctx, auth, { credential });
  const walletPath = await claimIntoNewWallet(ctx, issued.claimOffer.url);
  const { body } = await walletJson(ctx, walletPath);
  const { body: link } = await createShare(ctx, walletPath, { credentials: [body.credentials[0]!.id] });
  return { auth, vc: issued.vc, sharePath: pathOf(link.url) };
}

function cncCredential(): Json {
  const credential = openBadgeCredential() as Json;
  credential.credentialSubject.achievement.alignment = [
    { type: ['Alignment'], targetName: 'CNC niveau 3', targetFramework: 'ma-cnc', targetCode: '3' },
    { type: ['Alignment'], targetName: 'EQF level 3', targetUrl: 'http://data.europa.eu/snb/eqf/3', targetFramework: 'EQF', targetCode: '3' },
  ];
  return credential;
}

/** What a reader sees: the text without markup, the language switcher and publication titles (proper names). */
function visibleText(body: string): string {
  return body
    .replace(/<nav class="languages"[\s\S]*?<\/nav>/, '')
    .replace(/<cite>[\s\S]*?<\/cite>/g, '')
    .replace(/<details class="technical">[\s\S]*?<\/details>/g, '')
    .replace(/<(script|style|title)[\s\S]*?<\/\1>/g, '')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&[a-z#0-9]+;/g, ' ');
}

/** English words that are no word of French or Spanish: finding one in a fr/es/ar page means an untranslated text. */
const ENGLISH = ['the', 'level', 'framework', 'basis', 'path', 'equivalent', 'country', 'issuer', 'stated',
  'corresponds', 'known', 'with', 'which', 'this', 'only', 'from', 'european', 'certificate', 'diploma', 'skills', 'verified', 'indicative only',
  'official', 'referencing', 'agreement', 'unverified', 'national'];
const FRENCH_OR_SPANISH_HOMOGRAPHS = new Set(['national']);

function englishWords(text: string, lang: string): string[] {
  const words = new Set(text.toLowerCase().match(/[\p{L}-]+/gu) ?? []);
  return ENGLISH.filter((w) => !w.includes(' ') && words.has(w) && !(lang === 'fr' && FRENCH_OR_SPANISH_HOMOGRAPHS.has(w)));
}

t.test('the employer page names levels by their titles, never by internal ids, in every language', async (t) => {
  const ctx = await buildTestApp(t);
  const { sharePath } = await sharedCredential(ctx);
  for (const lang of LANGS) {
    for (const framework of ['es-mecu', 'eqf', 'de-dqr']) {
      const page = await ctx.app.inject({ url: `${sharePath}?lang=${lang}&framework=${framework}`, headers: HTML });
      t.equal(page.statusCode, 200);
      const text = visibleText(page.body);
      t.notMatch(text, /\b(eqf|ma-cnc|es-mecu|de-dqr|fr-cnp):[0-9A-Za-z]/, `${lang} ${framework}: no level ids`);
      t.notMatch(text, /\[[a-z-]+:/, `${lang} ${framework}: no bracketed ids`);
      if (lang !== 'en') t.same(englishWords(text, lang), [], `${lang} ${framework}: no English words`);
      if (lang !== 'en') t.notMatch(page.body, /\slang="en"(?![^>]*hreflang)/, `${lang} ${framework}: nothing falls back to English`);
    }
  }
  const eqf = await ctx.app.inject({ url: `${sharePath}?lang=en&framework=eqf`, headers: HTML });
  t.match(eqf.body, '<h3>European level (EQF)</h3>', 'the EQF is not a country');
  t.notMatch(eqf.body, 'Equivalent in another country');
  const spain = await ctx.app.inject({ url: `${sharePath}?lang=es&framework=es-mecu`, headers: HTML });
  t.match(spain.body, '<h3>Lo que vale (España)</h3>');
  t.match(spain.body, 'Nivel 3 del MECU');
  t.notMatch(spain.body, /Fundamento|Camino/, 'one Spanish word per concept: Base, Ruta');
  t.match(spain.body, /<ul class="sources"><li class="source"><a href="https:\/\//, 'sources as a list of links');
});

t.test('the framework choice lists every framework name in the reader\'s language', async (t) => {
  const ctx = await buildTestApp(t);
  const { sharePath } = await sharedCredential(ctx);
  for (const lang of ['es', 'ar'] as const) {
    const page = await ctx.app.inject({ url: `${sharePath}?lang=${lang}`, headers: HTML });
    const options = [...page.body.matchAll(/<option value="([a-z-]+)"[^>]*>([^<]+)<\/option>/g)].map((m) => m[2]!);
    t.ok(options.length >= 17, `${lang}: the frameworks are listed`);
    t.same(options.filter((name) => englishWords(name, lang).length > 0), [], `${lang}: no English framework name`);
  }
});

t.test('Arabic answers isolate left-to-right runs so they are not reordered', async (t) => {
  const ctx = await buildTestApp(t);
  const { sharePath } = await sharedCredential(ctx);
  const page = await ctx.app.inject({ url: `${sharePath}?lang=ar&framework=es-mecu`, headers: HTML });
  const recognition = /<div class="recognition"[\s\S]*?<\/div>/.exec(page.body)![0];
  t.match(recognition, '\u2068', 'isolates in the answer');
  const outsideIsolates = recognition.replace(/<bdi[^>]*>[\s\S]*?<\/bdi>/g, '').replace(/\u2068[^\u2069]*\u2069/g, '')
    .replace(/<[^>]+>/g, '').replace(/&[a-z#0-9]+;/g, '');
  t.notMatch(outsideIsolates, /[A-Za-z]/, 'every Latin run sits in an isolate');
  t.match(recognition, /<bdi>[^<]*MECU/);
});

t.test('a tampered or revoked credential shows its failing verdict and no good news', async (t) => {
  const ctx = await buildTestApp(t);
  const { auth, vc, sharePath } = await sharedCredential(ctx);
  const tampered = structuredClone(vc);
  tampered.credentialSubject.achievement.name = 'Ingénieur (CNC niveau 7)';
  const verify = await ctx.app.inject({ method: 'POST', url: '/verify?lang=fr', headers: FORM, payload: new URLSearchParams({ credential: JSON.stringify(tampered) }).toString() });
  t.match(verify.body, 'data-verdict="invalid"');
  await setStatus(ctx, auth, vc.id, 'revocation', true);
  const share = await ctx.app.inject({ url: `${sharePath}?lang=fr&framework=es-mecu`, headers: HTML });
  t.match(share.body, 'data-verdict="revoked"');
  for (const [what, body] of [['tampered', verify.body], ['revoked', share.body]] as const) {
    t.notMatch(body, 'class="finding ok"', `${what}: no green tick`);
    t.notMatch(body, /class="recognition/, `${what}: no recognition block`);
    t.notMatch(body, /Niveau 3 du/, `${what}: no level shown`);
  }
});

t.test('values placed into a sentence of the other direction are isolated (FSI … PDI)', async (t) => {
  t.equal(translate('ar', 'claim.for', { name: 'Maçon (CNC niveau 3)' }), 'لفائدة: \u2068Maçon (CNC niveau 3)\u2069');
  t.equal(translate('fr', 'claim.for', { name: 'فاطمة الزهراء' }), 'Pour : \u2068فاطمة الزهراء\u2069');
  t.equal(translate('fr', 'claim.for', { name: 'Fatima' }), 'Pour : Fatima', 'same direction: left as it is');
  const ctx = await buildTestApp(t);
  const { auth } = await ctx.issuer();
  const issued = await issueFor(ctx, auth, { credential: cncCredential() });
  const walletPath = await claimIntoNewWallet(ctx, issued.claimOffer.url);
  const wallet = await ctx.app.inject({ url: `${walletPath}?lang=ar`, headers: HTML });
  t.match(wallet.body, /صادرة عن \u2068Centre ofppt-casa\u2069، /, 'issuer isolated, Arabic comma before the date');
});

t.test('a recognition answer leads with the answer, says on whose word, the next step, then sources as links', async (t) => {
  const source = { title: 'Nuffic: education system Morocco', url: 'https://www.nuffic.nl/en/education-systems/morocco', date: '2024-02-01', dateKind: 'published' as const, verified: true };
  const answer: RecognitionAnswer = {
    outcome: 'indicative', outcomeText: 'indicatif', relationText: null, levels: [], basisText: 'classement par un organisme d’évaluation des diplômes (Nuffic)',
    verified: true, explanation: 'Le Technicien spécialisé correspond, à titre indicatif, au niveau 5 du CEC.',
    paths: [{ basis: 'credential-evaluation-body', relation: 'exact', verified: true, steps: [{
      from: 'qualification-type:ma-ts', to: 'eqf:5', relation: 'exact', basis: 'credential-evaluation-body', inverse: false, verified: true,
      text: 'Nuffic (Pays-Bas) le classe au niveau 5 du CEC', source,
    }] }],
    placements: [],
    nextSteps: [{
      id: 'es-homologacion', jurisdiction: 'ES', country: 'ES', route: 'academic', reason: 'certification professionnelle', title: 'Homologation',
      body: 'ministère de l’Éducation', bodyOriginal: 'Ministerio de Educación, Formación Profesional y Deportes', summary: 'Demande en ligne.',
      url: 'https://www.educacionfpydeportes.gob.es/', fees: null, duration: null, sources: [source], verified: true,
    }],
    sources: [source],
  };
  const fr = recognitionAnswer('fr', answer).value;
  t.match(fr, /^<div class="recognition" data-outcome="indicative">\s*<p class="answer">Le Technicien spécialisé/, 'the answer first');
  t.match(fr, 'Sur la parole de qui');
  t.match(fr, '<h4>Que faire maintenant</h4>');
  t.match(fr, '<a href="https://www.educacionfpydeportes.gob.es/" rel="noreferrer noopener">Où faire la demande</a>');
  t.match(fr, /<li class="source"><a href="https:\/\/www.nuffic.nl[^"]*"[^>]*><cite>.*<\/cite><\/a> <span class="source-date">publié : 1 février 2024<\/span><\/li>/);
  const ar = recognitionAnswer('ar', { ...answer, explanation: 'يقابل Technicien spécialisé المستوى 5' }).value;
  t.match(ar, 'يقابل \u2068Technicien spécialisé\u2069 المستوى 5', 'Latin runs inside Arabic are isolated');
  t.match(ar, 'بناءً على قول مَن');
});

t.test('an accreditation is worded in the reader\'s language: the level\'s title, not the service\'s English label', async (t) => {
  const ctx = await buildTestApp(t);
  const centre = await ctx.issuer();
  await ctx.createOrganisation('incual', { kind: 'recognition-authority', country: 'ES', name: { es: 'INCUAL', en: 'INCUAL (Spain)' } });
  const agencyAuth = { authorization: `Bearer ${await ctx.tokenFor('incual', ['issue'])}` };
  const until = new Date(ctx.clock.current.getTime() + 365 * 86_400_000).toISOString();
  const granted = await ctx.app.inject({ method: 'POST', url: '/orgs/incual/accreditations', headers: agencyAuth, payload: { issuer: centre.did, scope: { level: 'eqf:3' }, validUntil: until } });
  t.equal(granted.statusCode, 201, 'accreditation granted', { body: granted.body });
  const vc = (await ctx.app.inject({ method: 'POST', url: '/credentials/issue', headers: centre.auth, payload: { credential: openBadgeCredential({ issuer: centre.did }) } })).json().verifiableCredential;
  const expected: Record<string, string> = { fr: 'pour Niveau 3 du CEC', es: 'para Nivel 3 del MEC', ar: 'لـ المستوى 3 من الإطار الأوروبي للمؤهلات' };
  for (const [lang, words] of Object.entries(expected)) {
    const page = await ctx.app.inject({ method: 'POST', url: `/verify?lang=${lang}`, headers: FORM, payload: new URLSearchParams({ credential: JSON.stringify(vc) }).toString() });
    const accredited = /data-check="trust"[\s\S]*?<\/li>/.exec(page.body)![0];
    t.match(accredited, words, `${lang}: the level by its title`);
    t.notMatch(accredited, /EQF level|every level/, `${lang}: no English label`);
  }
});

t.test('ESCO labels on an Arabic page are marked English and said to be', async (t) => {
  const ctx = await buildTestApp(t);
  const credential = cncCredential();
  credential.credentialSubject.achievement.alignment.push({ type: ['Alignment'], targetName: 'mix grouts', targetUrl: 'http://data.europa.eu/esco/skill/bfd96453-f2fd-43ea-afc1-fb2dc0d7367d' });
  const { sharePath } = await sharedCredential(ctx, credential);
  const page = await ctx.app.inject({ url: `${sharePath}?lang=ar`, headers: HTML });
  t.match(page.body, /<section class="skills">[\s\S]*<bdi lang="en">[^<]+<\/bdi>[\s\S]*لا يتوفر تصنيفا ESCO/);
});
