/**
 * The whole journey in a real browser (Chromium driven by playwright-core), at phone size: issue → claim → wallet →
 * share → an employer opens the link in a fresh browser → verdict and recognition; revocations; Arabic right to left;
 * a hostile credential name stays text. Screenshots go to test-output/screenshots/.
 */
import fs from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { CHROMIUM_ARGS, findChromium } from '../helpers/browser.js';
import { buildTestApp, openBadgeCredential } from '../helpers/app.js';
import { issueFor, pathOf, setStatus } from '../helpers/wallet.js';

const SCREENSHOTS = path.resolve('test-output/screenshots');
const PHONE = { width: 390, height: 844 };

const chromium = findChromium();
if (!chromium) {
  if (process.env.PASSERELLE_REQUIRE_BROWSER === '1') {
    t.fail('Chromium is required (PASSERELLE_REQUIRE_BROWSER=1) but `chromium` is not on the PATH: apt-get install -y chromium');
  } else {
    t.test('the browser journey', { skip: 'Chromium not found: install it with `apt-get install -y chromium` (Debian/Ubuntu) to run the browser tests' }, async () => {});
  }
} else {
  t.test('a returning worker claims, shares, and an employer reads the verdict in Arabic and French', async (t) => {
    const { chromium: playwright } = await import('playwright-core');
    fs.mkdirSync(SCREENSHOTS, { recursive: true });
    const ctx = await buildTestApp(t);
    const address = await ctx.app.listen({ host: '127.0.0.1', port: 0 });
    const { auth } = await ctx.issuer('ofppt-casa', { name: { fr: 'OFPPT Casablanca', ar: 'مكتب التكوين المهني الدار البيضاء', en: 'OFPPT Casablanca' } });
    const credential = openBadgeCredential();
    (credential.credentialSubject as any).achievement.alignment.push(
      { type: ['Alignment'], targetName: 'mix grouts', targetUrl: 'http://data.europa.eu/esco/skill/bfd96453-f2fd-43ea-afc1-fb2dc0d7367d' },
      { type: ['Alignment'], targetName: 'Bricklayers and related workers', targetFramework: 'ISCO-08', targetCode: '7112' },
    );
    const mason = await issueFor(ctx, auth, { credential, holder: { name: 'Fatima Zahra El Idrissi', phone: '+212 612 345 678' } });
    const hostileName = '<script>window.__xss = 1</script><img src=x onerror="window.__xss = 2">';
    const hostile = openBadgeCredential();
    (hostile.credentialSubject as any).achievement.name = hostileName;
    const injected = await issueFor(ctx, auth, { credential: hostile });

    const browser = await playwright.launch({ executablePath: chromium, args: CHROMIUM_ARGS });
    t.teardown(() => browser.close());
    const problems: string[] = [];
    const watch = (page: import('playwright-core').Page, who: string) => {
      page.on('dialog', (dialog) => { problems.push(`${who}: dialog ${dialog.message()}`); void dialog.dismiss(); });
      // The expected errors: the withdrawn link's 410, the refused share (400) and the wrong passphrase (401).
      page.on('console', (message) => { if (message.type() === 'error' && !/status of (400|401|410)/.test(message.text())) problems.push(`${who}: console ${message.text()}`); });
      page.on('request', (request) => { if (!request.url().startsWith(address)) problems.push(`${who}: third-party request ${request.url()}`); });
    };
    /** The whole page, and the first screen as the person sees it. */
    const shot = async (page: import('playwright-core').Page, name: string) => {
      await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });
      await page.screenshot({ path: path.join(SCREENSHOTS, `${name}-screen.png`) });
    };

    // The worker, on a phone, in French.
    const holder = await browser.newContext({ viewport: PHONE, locale: 'fr-FR', isMobile: true, hasTouch: true });
    const phone = await holder.newPage();
    watch(phone, 'holder');
    await phone.goto(`${address}${pathOf(mason.claimOffer.url)}`);
    t.equal(await phone.locator('html').getAttribute('lang'), 'fr');
    await shot(phone, 'claim-fr-phone');
    await phone.getByRole('button', { name: 'Créer mon portefeuille et l’ajouter' }).click();
    await phone.waitForURL(/\/w\/[A-Za-z0-9_-]{43}\?/);
    const walletUrl = phone.url().split('?')[0]!;
    t.match(await phone.locator('.keep-link').innerText(), 'Gardez ce lien pour vous');
    t.match(await phone.locator('.notice').innerText(), 'ajoutée');

    // The second credential, into the same wallet, through the claim page's "existing wallet" form.
    await phone.goto(`${address}${pathOf(injected.claimOffer.url)}`);
    await phone.locator('details.existing summary').click();
    await phone.locator('#wallet').fill(walletUrl);
    await phone.getByRole('button', { name: 'Ajouter à ce portefeuille' }).click();
    await phone.locator('.notice').waitFor();
    t.equal(phone.url(), `${walletUrl}?lang=fr`, 'the banner is not in the address');
    t.equal(await phone.locator('article.credential').count(), 2);
    t.ok(await phone.locator('article.credential h3', { hasText: '<script>window.__xss = 1</script>' }).count() > 0, 'the hostile name shows as text');

    // Share both, 30 days, for an employer.
    t.equal(await phone.locator('input[name=credential]:checked').count(), 0, 'nothing ticked in advance');
    await phone.locator('input[name=credential]').nth(0).check();
    await phone.locator('input[name=credential]').nth(1).check();
    await phone.locator('#label').fill('Entreprise Atlas BTP');
    await phone.getByRole('button', { name: 'Créer le lien' }).click();
    await phone.waitForURL(/#link-/);
    const shareUrl = (await phone.locator('details[open] .share-url').innerText()).trim();
    t.match(shareUrl, /\/s\/[A-Za-z0-9_-]{43}$/);
    t.ok(await phone.locator('details[open] .qr svg').isVisible(), 'the QR code is shown');
    await shot(phone, 'wallet-fr-phone');

    // The employer: a fresh browser, Arabic, Morocco.
    const employer = await browser.newContext({ viewport: PHONE, locale: 'ar-MA', extraHTTPHeaders: { 'accept-language': 'ar-MA,ar;q=0.9' } });
    const reader = await employer.newPage();
    watch(reader, 'employer');
    const sharePath = pathOf(shareUrl);
    const first = await reader.goto(`${address}${sharePath}`);
    t.equal(first?.status(), 200);
    t.equal(await reader.locator('html').getAttribute('dir'), 'rtl');
    t.equal(await reader.evaluate(() => getComputedStyle(document.body).direction), 'rtl', 'laid out right to left');
    // Both credentials were added at the same instant of the test clock: find the mason's card by its content.
    const masonCard = () => reader.locator('article.credential', { hasText: 'Maçon (CNC' });
    const card = masonCard();
    t.match(await card.locator('.verdict').innerText(), 'شهادة أصلية وسارية المفعول');
    t.match(await card.locator('.holder').innerText(), 'Fatima Zahra El Idrissi', 'whose credential it is');
    t.equal(await card.evaluate((el) => el.firstElementChild?.className), 'holder', 'said first');
    t.match(await card.locator('.recognition .answer').innerText(), 'المغرب', 'recognition in the Moroccan framework, chosen from ar-MA');
    t.equal(await card.locator('.recognition').getAttribute('data-outcome'), 'none', 'no published relation from an issuer-stated EQF level to the CNC');
    t.ok(await card.locator('.next-steps a').count() >= 1, 'and where to apply instead');
    t.ok(await card.locator('.skills li').count() >= 1, 'ESCO skills listed');
    t.match(await card.locator('.occupations').innerText(), '7112');
    t.equal(await reader.evaluate(() => (window as any).__xss), undefined, 'the hostile name did not run');
    t.ok(await reader.locator('article.credential h2', { hasText: '<img src=x' }).count() > 0);
    const overflow = await reader.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    t.ok(overflow <= 0, `no sideways scrolling on a phone (overflow ${overflow}px)`);
    await shot(reader, 'share-ar-phone');

    // The same page in French, with the Spanish framework chosen on the page.
    await reader.locator('nav.languages a[hreflang=fr]').click();
    await reader.waitForURL(/lang=fr/);
    t.equal(await reader.locator('html').getAttribute('dir'), 'ltr');
    await masonCard().locator('select[name=framework]').selectOption('es-mecu');
    await masonCard().getByRole('button', { name: 'Afficher' }).click();
    await reader.waitForURL(/framework=es-mecu/);
    t.match(await masonCard().locator('.recognition .answer').innerText(), /MECU|Espagne|espagnol/i);
    t.ok(await reader.locator('.recognition .sources a').count() >= 1, 'sources as links');
    const pageWidth = () => reader.evaluate(() => document.documentElement.scrollWidth);
    t.ok(await pageWidth() <= PHONE.width, `French employer page fits a ${PHONE.width} px phone (${await pageWidth()} px)`);
    await shot(reader, 'share-fr-phone');
    await reader.locator('nav.languages a[hreflang=es]').click();
    await reader.waitForURL(/lang=es/);
    t.match(await masonCard().locator('.recognition .answer').innerText(), /MECU/);
    t.ok(await pageWidth() <= PHONE.width, `Spanish employer page fits a ${PHONE.width} px phone (${await pageWidth()} px)`);
    await shot(reader, 'share-es-phone');

    // The issuer revokes the mason's credential: the employer sees it.
    await setStatus(ctx, auth, mason.vc.id, 'revocation', true);
    await reader.reload();
    t.equal(await masonCard().getAttribute('data-verdict'), 'revoked');
    t.match(await masonCard().locator('.verdict').innerText(), /Révoquée|Revocada/);
    t.equal(await masonCard().locator('.finding.ok').count(), 0, 'no green tick under a revoked verdict');
    t.equal(await masonCard().locator('.recognition').count(), 0, 'no recognition for a revoked credential');
    await shot(reader, 'share-fr-revoked-phone');

    // The worker withdraws the link: 410 for the employer.
    await phone.goto(walletUrl);
    // The revoked credential is set apart in the share form, behind a warning, and nothing is ticked.
    t.equal(await phone.locator('details.not-valid article, details.not-valid [data-state=revoked]').count(), 1, 'the revoked credential is set apart');
    t.equal(await phone.locator('input[name=credential]:checked').count(), 0);
    await phone.locator('details.not-valid summary').click();
    await phone.locator('details.not-valid input[name=credential]').check();
    await phone.getByRole('button', { name: 'Créer le lien' }).click();
    t.match(await phone.locator('.problem').innerText(), 'n’est plus valable', 'sharing it needs the holder to say they know');
    await shot(phone, 'share-revoked-refused-fr-phone');
    await phone.goto(walletUrl);
    await phone.getByRole('button', { name: 'Retirer ce lien' }).click();
    await phone.locator('.notice').waitFor();
    const gone = await reader.goto(`${address}${sharePath}?lang=ar`);
    t.equal(gone?.status(), 410);
    t.match(await reader.locator('.gone').innerText(), 'سحب');
    await shot(reader, 'share-ar-gone-phone');

    // The verify page, with a pasted credential.
    await reader.goto(`${address}/verify?lang=es`);
    await reader.locator('#credential').fill(JSON.stringify(injected.vc));
    await reader.getByRole('button', { name: 'Verificar' }).click();
    t.match(await reader.locator('.verdict').innerText(), 'Credencial auténtica y vigente');
    t.match(await reader.locator('.holder[data-holder=name]').innerText(), 'Credencial de: Fatima Zahra El Idrissi');
    const anonymous = (await ctx.app.inject({ method: 'POST', url: '/credentials/issue', headers: auth, payload: { credential: openBadgeCredential(), options: { issuer: 'organisation' } } })).json();
    await reader.locator('#credential').fill(JSON.stringify(anonymous.verifiableCredential));
    await reader.getByRole('button', { name: 'Verificar' }).click();
    t.match(await reader.locator('.holder[data-holder=nobody]').innerText(), 'no nombra a nadie', 'a credential naming nobody says so');
    t.equal(await reader.evaluate(() => (window as any).__xss), undefined);
    await shot(reader, 'verify-es-phone');

    // A credential naming its holder only hashed: the employer types the name on the ID card to check it.
    const coded = await issueFor(ctx, auth, { credential: openBadgeCredential(), holder: { name: 'Amina Tahiri', email: 'amina@example.org', nameInCredential: 'hashed' } });
    await reader.goto(`${address}/verify?lang=es`);
    await reader.locator('#credential').fill(JSON.stringify(coded.vc));
    await reader.getByRole('button', { name: 'Verificar' }).click();
    t.match(await reader.locator('.holder[data-holder=hashed]').innerText(), 'forma cifrada');
    await reader.locator('#holderName').fill('Amina  Tahiri');
    await reader.getByRole('button', { name: 'Verificar' }).click();
    t.equal(await reader.locator('.holder-check').getAttribute('data-matches'), 'true', 'the name on the ID card is the one hashed');
    await shot(reader, 'verify-es-holder-phone');
    await reader.locator('#holderName').fill('Amina Tahri');
    await reader.getByRole('button', { name: 'Verificar' }).click();
    t.equal(await reader.locator('.holder-check').getAttribute('data-matches'), 'false', 'another name is not');
    t.ok(await reader.evaluate(() => document.documentElement.scrollWidth) <= PHONE.width, 'the verify page fits the phone');

    // The worker protects the wallet; on another phone a mistyped passphrase gives the form back.
    await phone.goto(walletUrl);
    await phone.locator('#new-passphrase').fill('olive-harvest-2025');
    await phone.getByRole('button', { name: 'Enregistrer la phrase secrète' }).click();
    await phone.locator('.notice').waitFor();
    const other = await (await browser.newContext({ viewport: PHONE, locale: 'fr-FR' })).newPage();
    watch(other, 'second phone');
    const locked = await other.goto(walletUrl);
    t.equal(locked?.status(), 401);
    await other.locator('#passphrase').fill('olive-harvest-2024');
    await other.getByRole('button', { name: 'Ouvrir' }).click();
    t.match(await other.locator('.problem[data-code=wrong-passphrase]').innerText(), 'ne correspond pas', 'the reason');
    await shot(other, 'wallet-wrong-passphrase-fr-phone');
    await other.locator('#passphrase').fill('olive-harvest-2025');
    await other.getByRole('button', { name: 'Ouvrir' }).click();
    await other.locator('section.credentials').waitFor();
    t.equal(await other.locator('article.credential').count(), 2, 'the retry opens the wallet');

    t.same(problems, [], 'no dialogs, no console errors (CSP violations show there), no third-party requests');
  });
}
