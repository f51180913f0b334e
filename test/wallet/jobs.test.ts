import t, { type Test } from 'tap';
import { buildTestApp } from '../helpers/app.js';
import { BRICKLAYING_SKILLS, INTERPRET_2D_PLANS, bricklayerCredential } from '../helpers/bricklayer.js';
import { claimIntoNewWallet, HTML, issueFor, JSON_ACCEPT, setStatus } from '../helpers/wallet.js';
import { problemOf } from '../helpers/problems.js';

type Json = Record<string, any>;

const PLANS_ACHIEVEMENT = {
  id: 'lecture-plans', language: 'fr',
  name: { fr: 'Lecture de plans de construction', en: 'Reading construction plans' },
  description: { fr: 'Lire et interpréter des plans en 2D.', en: 'Reading and interpreting 2D plans.' },
  criteria: { narrative: { fr: 'Exercice pratique.', en: 'Practical exercise.' } },
  skills: [INTERPRET_2D_PLANS],
};

async function bricklayerWallet(t: Test) {
  const ctx = await buildTestApp(t);
  const { auth } = await ctx.issuer('ofppt-casa');
  const created = await ctx.app.inject({ method: 'POST', url: '/orgs/ofppt-casa/achievements', headers: auth, payload: PLANS_ACHIEVEMENT });
  t.equal(created.statusCode, 201, 'achievement created', { body: created.body });
  const issued = await issueFor(ctx, auth, { credential: bricklayerCredential() });
  return { ctx, auth, issued, walletPath: await claimIntoNewWallet(ctx, issued.claimOffer.url) };
}

t.test('a bricklayer\'s wallet: 7112 at home and abroad, the missing essential skills and who certifies them', async (t) => {
  const { ctx, walletPath } = await bricklayerWallet(t);
  const json = (await ctx.app.inject({ method: 'GET', url: `${walletPath}/jobs?home=MA&abroad=BE`, headers: JSON_ACCEPT })).json() as Json;
  const best = json.matches[0];
  t.equal(best.occupation.iscoGroup, '7112');
  t.equal(best.covered, BRICKLAYING_SKILLS.length);
  t.same([json.home.country, json.home.data, json.abroad.country, json.abroad.data], ['MA', 'none-published', 'BE', 'listed']);
  t.same(best.shortage.abroad.map((m: Json) => m.listId), ['be-wal-forem-2022']);
  const plans = best.missingEssential.find((s: Json) => s.uri === INTERPRET_2D_PLANS);
  t.same(plans.offeredBy.map((o: Json) => [o.achievementId, o.organisationName]), [['lecture-plans', 'Centre ofppt-casa']]);

  const fr = (await ctx.app.inject({ method: 'GET', url: `${walletPath}/jobs?home=MA&abroad=BE&lang=fr`, headers: HTML })).body;
  t.match(fr, '<h3 lang="fr" dir="auto">maçon/maçonne</h3>', 'the occupation in French');
  t.match(fr, 'Groupe CITP-08 7112');
  t.match(fr, 'Maroc : aucune liste publiée');
  t.match(fr, '(Belgique) : sur la liste de pénurie, sous « Maçon – Maçonne »', 'on Wallonia\'s list');
  t.match(fr, '14 compétences essentielles manquantes');
  t.match(fr, 'interpréter des plans en 2D');
  t.match(fr, 'Certifiée par : Lecture de plans de construction (Centre ofppt-casa)');
  t.match(fr, 'href="https://batichronique.be/', 'the source is linked');
  const ar = (await ctx.app.inject({ method: 'GET', url: `${walletPath}/jobs?home=MA&abroad=BE&lang=ar`, headers: HTML })).body;
  t.match(ar, '<h3 lang="en" dir="auto">bricklayer</h3>', 'ESCO has no Arabic: English, marked as such');
  t.match(ar, 'مهن تناسب مهاراتك');
  const es = (await ctx.app.inject({ method: 'GET', url: `${walletPath}/jobs?home=MA&abroad=ES&lang=es`, headers: HTML })).body;
  t.match(es, 'albañil');
  t.match(es, 'España: listas de ocupaciones con escasez');
  const wallet = (await ctx.app.inject({ method: 'GET', url: `${walletPath}?lang=en`, headers: HTML })).body;
  t.match(wallet, `<a href="${walletPath}/jobs?lang=en">The jobs your certified skills fit, at home and abroad</a>`, 'linked from the wallet');
});

t.test('abroad defaults to the issuing organisation\'s country, home to none; choices are kept', async (t) => {
  const { ctx, walletPath } = await bricklayerWallet(t);
  const json = (await ctx.app.inject({ method: 'GET', url: `${walletPath}/jobs`, headers: JSON_ACCEPT })).json() as Json;
  t.same([json.home.country, json.abroad.country], [undefined, 'MA']);
  const page = (await ctx.app.inject({ method: 'GET', url: `${walletPath}/jobs?home=SN&abroad=&lang=en`, headers: HTML })).body;
  t.match(page, '<option value="SN" selected>Senegal</option>');
  t.match(page, /<select id="abroad" name="abroad"><option value="" selected>/, 'an emptied choice stays empty');
});

t.test('only credentials in force count; errors are problems with codes', async (t) => {
  const { ctx, auth, issued, walletPath } = await bricklayerWallet(t);
  await setStatus(ctx, auth, issued.vc.id, 'revocation', true);
  const json = (await ctx.app.inject({ method: 'GET', url: `${walletPath}/jobs?home=MA`, headers: JSON_ACCEPT })).json() as Json;
  t.same(json.matches, [], 'a revoked credential matches nothing');
  const page = (await ctx.app.inject({ method: 'GET', url: `${walletPath}/jobs?lang=en`, headers: HTML })).body;
  t.match(page, 'Your credentials in force name no ESCO skills');
  t.same(problemOf(await ctx.app.inject({ method: 'GET', url: `${walletPath}/jobs?home=Morocco`, headers: JSON_ACCEPT })), { status: 400, code: 'invalid-country' });
  const protect = await ctx.app.inject({ method: 'POST', url: `${walletPath}/passphrase`, headers: JSON_ACCEPT, payload: { passphrase: 'olive-harvest-2025' } });
  t.equal(protect.statusCode, 200);
  t.same(problemOf(await ctx.app.inject({ method: 'GET', url: `${walletPath}/jobs`, headers: JSON_ACCEPT })), { status: 401, code: 'wallet-locked' });
});
