import t from 'tap';
import { buildTestApp } from '../helpers/app.js';
import { claimIntoNewWallet, createShare, FORM, HTML, issueFor, pathOf, setStatus, walletJson } from '../helpers/wallet.js';
import { problemOf } from '../helpers/problems.js';

type Json = Record<string, any>;

const noticeCookie = (setCookie: string | string[] | undefined) =>
  [setCookie ?? []].flat().map((c) => c.split(';')[0]!).find((c) => c.startsWith('passerelle_notice='));

t.test('banners come once, in a one-time cookie, never in the address the holder bookmarks', async (t) => {
  const ctx = await buildTestApp(t);
  const { auth } = await ctx.issuer();
  const { claimOffer } = await issueFor(ctx, auth);
  const claimed = await ctx.app.inject({ method: 'POST', url: `${pathOf(claimOffer.url)}?lang=fr`, headers: FORM, payload: 'action=new' });
  t.equal(claimed.statusCode, 303);
  const location = String(claimed.headers.location);
  t.match(location, /^\/w\/[A-Za-z0-9_-]{43}\?lang=fr$/, 'no done=added or new=1 in the address');
  const cookie = noticeCookie(claimed.headers['set-cookie']);
  t.equal(cookie, 'passerelle_notice=added-new');
  const first = await ctx.app.inject({ method: 'GET', url: location, headers: { ...HTML, cookie: cookie! } });
  t.match(first.body, 'class="notice"', 'the banner, once');
  t.match(first.body, '<details class="wallet-link" open>', 'a new wallet shows its link open');
  t.match(noticeCookie(first.headers['set-cookie']), 'passerelle_notice=', 'and clears the notice');
  const bookmarked = await ctx.app.inject({ method: 'GET', url: location, headers: HTML });
  t.notMatch(bookmarked.body, 'class="notice"', 'the bookmarked address shows no banner');
  t.match(bookmarked.body, '<details class="wallet-link">', 'the wallet link stays one tap away');
  t.match(bookmarked.body, /<div class="qr"><svg role="img"/, 'with its QR code');
  t.match(bookmarked.body, `href="sms:?&amp;body=${encodeURIComponent(`http://passerelle.test${pathOf(location)}`)}"`);
});

t.test('the share form ticks nothing, shows issuer, date and state, and sets apart a revoked credential behind a warning', async (t) => {
  const ctx = await buildTestApp(t);
  const { auth } = await ctx.issuer();
  const first = await issueFor(ctx, auth);
  const walletPath = await claimIntoNewWallet(ctx, first.claimOffer.url);
  const second = await issueFor(ctx, auth);
  await ctx.app.inject({ method: 'POST', url: pathOf(second.claimOffer.url), headers: FORM, payload: `action=existing&wallet=${encodeURIComponent(`http://passerelle.test${walletPath}`)}` });
  await setStatus(ctx, auth, first.vc.id, 'revocation', true);
  const page = (await ctx.app.inject({ method: 'GET', url: `${walletPath}?lang=en`, headers: HTML })).body;
  t.notMatch(page, /name="credential"[^>]*checked/, 'nothing pre-ticked');
  const revokedSection = page.slice(page.indexOf('<details class="not-valid">'));
  t.match(revokedSection, '1 credential no longer valid');
  t.match(revokedSection, 'data-state="revoked"', 'the revoked one is in the set-apart section');
  t.match(revokedSection, 'name="notValidConfirmed"');
  t.match(page, /class="choice-detail" dir="auto">Centre ofppt-casa/, 'each choice names its issuer');

  const { body } = await walletJson(ctx, walletPath);
  const revokedId = body.credentials.find((c: Json) => c.credentialId === first.vc.id)!.id;
  const unconfirmed = await ctx.app.inject({ method: 'POST', url: `${walletPath}/shares?lang=en`, headers: FORM, payload: `credential=${revokedId}&days=30` });
  t.same(problemOf(unconfirmed), { status: 400, code: 'not-valid-credential-unconfirmed' });
  t.match(unconfirmed.body, 'the employer will see it as not valid');
  const confirmed = await ctx.app.inject({ method: 'POST', url: `${walletPath}/shares?lang=en`, headers: FORM, payload: `credential=${revokedId}&days=30&notValidConfirmed=yes` });
  t.equal(confirmed.statusCode, 303, 'shared once the holder said they know');
  const api = await createShare(ctx, walletPath, { credentials: [revokedId] });
  t.equal(api.response.statusCode, 201, 'software sharing through the API decides for itself');
});

t.test('a wrong passphrase shows the form again with the reason', async (t) => {
  const ctx = await buildTestApp(t);
  const { auth } = await ctx.issuer();
  const walletPath = await claimIntoNewWallet(ctx, (await issueFor(ctx, auth)).claimOffer.url);
  t.equal((await ctx.app.inject({ method: 'POST', url: `${walletPath}/passphrase`, headers: FORM, payload: 'passphrase=olive-harvest-2025' })).statusCode, 303);
  const wrong = await ctx.app.inject({ method: 'POST', url: `${walletPath}/unlock?lang=es`, headers: FORM, payload: 'passphrase=olive-harvest-2024' });
  t.equal(wrong.statusCode, 401);
  t.match(wrong.body, 'data-code="wrong-passphrase"');
  t.match(wrong.body, 'name="passphrase"', 'the form is there to try again');
  t.match(wrong.body, `action="${walletPath}/unlock?lang=es"`);
  const right = await ctx.app.inject({ method: 'POST', url: `${walletPath}/unlock?lang=es`, headers: FORM, payload: 'passphrase=olive-harvest-2025' });
  t.equal(right.statusCode, 303);
  const api = await ctx.app.inject({ method: 'POST', url: `${walletPath}/unlock`, headers: { accept: 'application/json' }, payload: { passphrase: 'nope-nope-nope' } });
  t.same(problemOf(api), { status: 401, code: 'wrong-passphrase' }, 'API clients still get problem+json');
});

t.test('a used claim link says what to do, naming the issuer', async (t) => {
  const ctx = await buildTestApp(t);
  const { auth } = await ctx.issuer('anapec-tanger', { name: { fr: 'ANAPEC Tanger', es: 'ANAPEC Tánger' } });
  const { claimOffer } = await issueFor(ctx, auth);
  await claimIntoNewWallet(ctx, claimOffer.url);
  const used = await ctx.app.inject({ method: 'GET', url: `${pathOf(claimOffer.url)}?lang=es`, headers: HTML });
  t.same(problemOf(used), { status: 410, code: 'claim-used' }, 'the used claim page');
  t.match(used.body, 'abra su cartera con el enlace que guardó');
  t.match(used.body, 'pida un nuevo enlace de recepción a ANAPEC Tánger (Marruecos)');
  const api = await ctx.app.inject({ method: 'GET', url: pathOf(claimOffer.url), headers: { accept: 'application/json' } });
  t.same(problemOf(api), { status: 410, code: 'claim-used' });
});

t.test('views count people: not HEAD requests, not link previews', async (t) => {
  const ctx = await buildTestApp(t);
  const { auth } = await ctx.issuer();
  const walletPath = await claimIntoNewWallet(ctx, (await issueFor(ctx, auth)).claimOffer.url);
  const { body } = await walletJson(ctx, walletPath);
  const link = (await createShare(ctx, walletPath, { credentials: [body.credentials[0]!.id] })).body;
  const open = (headers: Json, method: 'GET' | 'HEAD' = 'GET') => ctx.app.inject({ method, url: pathOf(link.url), headers: { ...HTML, ...headers } });
  t.equal((await open({}, 'HEAD')).statusCode, 200);
  for (const agent of ['WhatsApp/2.23.20.0 A', 'facebookexternalhit/1.1', 'Mozilla/5.0 (compatible; Discordbot/2.0)', 'TelegramBot (like TwitterBot)', 'Slackbot-LinkExpanding 1.0']) {
    t.equal((await open({ 'user-agent': agent })).statusCode, 200, agent);
  }
  await open({ 'user-agent': 'Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 Chrome/126.0 Mobile Safari/537.36' });
  const after = (await walletJson(ctx, walletPath)).body.shareLinks[0]!;
  t.equal(after.views, 1, 'one person opened it');
  const page = (await ctx.app.inject({ method: 'GET', url: `${walletPath}?lang=en`, headers: HTML })).body;
  t.match(page, 'Opened once');
});

t.test('each credential in the wallet says what it corresponds to in the country the holder picks', async (t) => {
  const ctx = await buildTestApp(t);
  const { auth } = await ctx.issuer();
  const kept = await issueFor(ctx, auth);
  const walletPath = await claimIntoNewWallet(ctx, kept.claimOffer.url);
  const answerOf = (body: string) => /<p class="answer">[^<]*<\/p>/.exec(body)?.[0];

  const spain = await ctx.app.inject({ method: 'GET', url: `${walletPath}?lang=es&framework=es-mecu`, headers: HTML });
  t.equal(spain.statusCode, 200);
  t.match(spain.body, `<form method="get" action="${walletPath}" class="framework-choice">`, 'a form that works without script');
  t.match(spain.body, '<option value="es-mecu" selected>', 'the choice stays chosen');
  const card = spain.body.slice(spain.body.indexOf('<article class="credential compact"'), spain.body.indexOf('</article>'));
  t.match(card, '<h4>Lo que vale (España)</h4>');
  t.match(card, /<p class="basis"><strong>Según quién: <\/strong>\S/, 'its basis, in words');
  const { body: wallet } = await walletJson(ctx, walletPath);
  const link = (await createShare(ctx, walletPath, { credentials: [wallet.credentials[0]!.id] })).body;
  const share = await ctx.app.inject({ method: 'GET', url: `${pathOf(link.url)}?lang=es&framework=es-mecu`, headers: HTML });
  t.ok(answerOf(share.body), 'the share page answers');
  t.equal(answerOf(card), answerOf(share.body), 'the same sentence as the employer reads');
  t.notMatch(answerOf(card), /\b(eqf|ma-cnc|es-mecu):/, 'no internal ids');

  const unchosen = await ctx.app.inject({ method: 'GET', url: `${walletPath}?lang=fr`, headers: HTML });
  t.equal(unchosen.statusCode, 200, 'without a choice the page still works');
  t.match(unchosen.body, '<option value="fr-cnp" selected>', 'the reader\'s usual framework by default');
  t.match(unchosen.body, '<h4>Ce qu’elle vaut (France)</h4>');
  const switched = await ctx.app.inject({ method: 'GET', url: `${walletPath}?lang=fr&framework=es-mecu`, headers: HTML });
  t.match(switched.body, `href="${walletPath}?framework=es-mecu&amp;lang=es"`, 'the language switcher keeps the choice');

  await setStatus(ctx, auth, kept.vc.id, 'revocation', true);
  const revoked = await ctx.app.inject({ method: 'GET', url: `${walletPath}?lang=es&framework=es-mecu`, headers: HTML });
  t.notMatch(revoked.body, 'class="recognition-brief"', 'a revoked credential shows no recognition');

  const unknown = await ctx.app.inject({ method: 'GET', url: `${walletPath}?framework=atlantis`, headers: { accept: 'application/json' } });
  t.same(problemOf(unknown), { status: 400, code: 'unknown-framework' });
});
