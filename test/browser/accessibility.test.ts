/**
 * axe-core on every server-rendered page, in every language, at phone size, with realistic data (long names, an
 * Arabic organisation name, a revoked credential, a withdrawn link, a tampered credential): WCAG 2.1 A and AA, zero
 * violations. axe is evaluated through the DevTools protocol, which the pages' strict CSP does not apply to.
 * The same pages are measured at 360 and 390 px wide: none may scroll sideways.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import t from 'tap';
import { CHROMIUM_ARGS, findChromium } from '../helpers/browser.js';
import { buildTestApp, openBadgeCredential } from '../helpers/app.js';
import { FORM, claimIntoNewWallet, createShare, issueFor, pathOf, setStatus, walletJson } from '../helpers/wallet.js';
import { SimulatedWallet } from '../helpers/oid4vpWallet.js';

const PHONE = { width: 390, height: 844 };
/** Narrow phones first; the last width is PHONE's, the one axe runs at. */
const PHONE_WIDTHS = [360, 390] as const;
const LANGUAGES = ['fr', 'ar', 'es', 'en'] as const;
const WCAG_21_AA = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
const axeSource = fs.readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

const chromium = findChromium();
if (!chromium) {
  if (process.env.PASSERELLE_REQUIRE_BROWSER === '1') {
    t.fail('Chromium is required (PASSERELLE_REQUIRE_BROWSER=1) but `chromium` is not on the PATH: apt-get install -y chromium');
  } else {
    t.test('axe-core on every page', { skip: 'Chromium not found: install it with `apt-get install -y chromium` (Debian/Ubuntu) to run the browser tests' }, async () => {});
  }
} else {
  t.test('axe-core finds no WCAG 2.1 A/AA violation on any page in any language', async (t) => {
    const { chromium: playwright } = await import('playwright-core');
    const ctx = await buildTestApp(t);
    const address = await ctx.app.listen({ host: '127.0.0.1', port: 0 });
    const { auth } = await ctx.issuer('ofppt-casa', { name: { fr: 'Office de la formation professionnelle et de la promotion du travail, Casablanca', ar: 'مكتب التكوين المهني وإنعاش الشغل الدار البيضاء' } });
    const longName = 'Fatima Zahra Bent Mohammed Ben Abdelkader El Idrissi El Alaoui';
    const aligned = openBadgeCredential();
    (aligned.credentialSubject as any).achievement.alignment.push(
      { type: ['Alignment'], targetName: 'mix grouts', targetUrl: 'http://data.europa.eu/esco/skill/bfd96453-f2fd-43ea-afc1-fb2dc0d7367d' },
      { type: ['Alignment'], targetName: 'Bricklayers and related workers', targetFramework: 'ISCO-08', targetCode: '7112' },
    );

    // A claim link nobody used, and one already used.
    const offered = await issueFor(ctx, auth, { credential: aligned, holder: { name: longName, phone: '+212 612 345 678' } });
    const kept = await issueFor(ctx, auth, { credential: aligned, holder: { name: longName, phone: '+212 612 345 678' } });
    const walletPath = await claimIntoNewWallet(ctx, kept.claimOffer.url);
    // A second credential, revoked after it was shared.
    const revoked = await issueFor(ctx, auth, { holder: { name: longName, email: 'fatima@example.org' } });
    const added = await ctx.app.inject({ method: 'POST', url: pathOf(revoked.claimOffer.url), headers: FORM, payload: `wallet=${encodeURIComponent(`${address}${walletPath}`)}` });
    t.equal(added.statusCode, 303, 'second credential claimed into the wallet');
    const { body: wallet } = await walletJson(ctx, walletPath);
    const ids = wallet.credentials.map((c) => c.id as string);
    const share = await createShare(ctx, walletPath, { credentials: ids, expiresInDays: 30, label: 'Entreprise Atlas BTP — chantier de Aïn Sebaâ' });
    const withdrawn = await createShare(ctx, walletPath, { credentials: ids.slice(0, 1), label: 'Ancien employeur' });
    const revokedLink = await ctx.app.inject({ method: 'POST', url: `${walletPath}/shares/${withdrawn.body.id}/revoke`, headers: { accept: 'application/json' } });
    t.equal(revokedLink.statusCode, 200, 'a share link withdrawn');
    await setStatus(ctx, auth, revoked.vc.id, 'revocation', true);
    // A wallet protected by a passphrase.
    const lockedWallet = await claimIntoNewWallet(ctx, (await issueFor(ctx, auth)).claimOffer.url);
    const protect = await ctx.app.inject({ method: 'POST', url: `${lockedWallet}/passphrase`, headers: { accept: 'application/json' }, payload: { passphrase: 'olive-harvest-2025' } });
    t.equal(protect.statusCode, 200, 'passphrase set');
    // Credentials to paste into /verify: a genuine one, a tampered one, one naming its holder only hashed.
    const tampered = structuredClone(kept.vc);
    (tampered.credentialSubject as any).achievement.name = 'Ingénieur en chef';
    const hashed = await issueFor(ctx, auth, { holder: { name: 'Amina Tahiri', email: 'amina@example.org', nameInCredential: 'hashed' } });
    // A claim link and a share link left to expire: two days later.
    const lapsed = await issueFor(ctx, auth, { holder: { name: longName, phone: '+212 612 345 678', claimValidForDays: 1 } });
    const shortShare = await createShare(ctx, walletPath, { credentials: ids.slice(0, 1), expiresInDays: 1 });
    const askWallet = async () => (await ctx.app.inject({
      method: 'POST', url: '/presentation-requests', headers: { accept: 'application/json' }, payload: { preset: { id: 'achievement-level', value: '3' } },
    })).json() as { url: string; authorizationRequest: string };
    ctx.clock.advance(2 * 24 * 3600 * 1000);
    // Asking a wallet app (OpenID4VP): the employer's page with the report.
    const answered = await askWallet();
    const holderWallet = new SimulatedWallet(ctx.app);
    const walletRequest = await holderWallet.open(answered.authorizationRequest);
    const walletAnswer = await holderWallet.answer(walletRequest, {
      vp_token: { achievement: [holderWallet.dataIntegrityPresentation([kept.vc], { challenge: walletRequest.payload.nonce, domain: walletRequest.clientId })] },
    });
    t.equal(walletAnswer.statusCode, 200, 'a wallet app answered');

    const browser = await playwright.launch({ executablePath: chromium, args: CHROMIUM_ARGS });
    t.teardown(() => browser.close());

    for (const lang of LANGUAGES) {
      const context = await browser.newContext({ viewport: PHONE, locale: lang, isMobile: true, hasTouch: true });
      const page = await context.newPage();
      const thirdParty: string[] = [];
      page.on('request', (request) => { if (!request.url().startsWith(address)) thirdParty.push(request.url()); });

      const check = async (name: string) => {
        if (!await page.evaluate(() => 'axe' in window)) await page.evaluate(axeSource);
        const violations = await page.evaluate(async (tags) => {
          const results = await (window as any).axe.run(document, { runOnly: { type: 'tag', values: tags } });
          return (results.violations as Array<{ id: string; nodes: Array<{ target: unknown[] }> }>)
            .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
        }, WCAG_21_AA);
        t.same(violations, [], `${name} ${lang}`);
        await measureWidths(name);
      };
      /**
       * No sideways scroll; on failure, the element reaching furthest past the screen's edge (either side: RTL). A phone
       * zooms out to fit a page wider than its screen, which widens innerWidth with it: both are held to the screen's width.
       */
      const measureWidths = async (name: string) => {
        for (const width of PHONE_WIDTHS) {
          await page.setViewportSize({ width, height: PHONE.height });
          const measured = await page.evaluate((viewport) => {
            let widest = { selector: '', width: 0, overflow: 0 };
            // An element overflows by its box, or by content wider than its box (an unbroken URL); the deepest one wins ties.
            // Positions are taken from the page's own box (the screen's width), where a zoomed-out RTL page does not start at 0.
            const screen = document.documentElement.getBoundingClientRect();
            for (const element of Array.from(document.body.querySelectorAll('*'))) {
              const box = element.getBoundingClientRect();
              const width = Math.max(box.width, element.scrollWidth);
              const start = getComputedStyle(element).direction === 'rtl' ? box.right - width : box.left;
              const overflow = Math.max(start + width - screen.left - viewport, screen.left - start);
              if (overflow > 0 && overflow >= widest.overflow) {
                const classes = Array.from(element.classList).map((c) => `.${c}`).join('');
                widest = { selector: `${element.tagName.toLowerCase()}${element.id ? `#${element.id}` : ''}${classes}`, width: Math.round(width), overflow };
              }
            }
            return { scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth, widest: `${widest.selector} (${widest.width} px)` };
          }, width);
          t.ok(measured.scrollWidth <= measured.innerWidth && measured.innerWidth === width, `${name} ${lang} ${width}`,
            { scrollWidth: measured.scrollWidth, innerWidth: measured.innerWidth, widest: measured.widest });
        }
      };
      const visit = async (path: string, name: string, status = 200) => {
        const response = await page.goto(`${address}${path}${path.includes('?') ? '&' : '?'}lang=${lang}`);
        t.equal(response?.status(), status, `${name} ${lang} answers ${status}`);
        await check(name);
      };
      const verifyPasted = async (credential: unknown, name: string) => {
        await page.goto(`${address}/verify?lang=${lang}`);
        await page.locator('#credential').fill(JSON.stringify(credential));
        await page.locator('form button[type=submit]').first().click();
        await page.locator('.verdict').first().waitFor();
        await check(name);
      };

      await visit(pathOf(offered.claimOffer.url), 'claim');
      await visit(pathOf(kept.claimOffer.url), 'used claim', 410);
      await visit(pathOf(lapsed.claimOffer.url), 'expired claim', 410);
      await visit(walletPath, 'wallet');
      await page.locator('details summary').first().click();
      await check('wallet, a disclosure open');
      await visit(`${walletPath}/jobs?home=MA&abroad=BE`, 'wallet jobs');
      await page.locator('.job details summary').first().click();
      await check('wallet jobs, missing skills open');
      await visit(lockedWallet, 'locked wallet', 401);
      await page.locator('#passphrase').fill('not-the-passphrase');
      await page.locator('#passphrase').press('Enter');
      await page.locator('.problem').waitFor();
      await check('wrong passphrase');
      await visit(pathOf(share.body.url), 'share');
      await visit(pathOf(withdrawn.body.url), 'withdrawn share', 410);
      await visit(pathOf(shortShare.body.url), 'expired share', 410);
      await visit('/verify', 'verify form');
      await verifyPasted(kept.vc, 'verify valid');
      await verifyPasted(tampered, 'verify tampered');
      await verifyPasted(hashed.vc, 'verify hashed name');
      // Still on /verify: its other form asks a wallet app.
      await page.locator('#wallet-request button[type=submit]').click();
      await page.locator('figure.qr svg').waitFor();
      await check('presentation request waiting');
      await visit(pathOf(answered.url), 'presentation request answered');
      await visit('/frameworks/ma-cnc', 'framework');
      await visit('/frameworks/ma-cnc/levels/5', 'level');
      await visit('/frameworks/no-such-framework', 'error page', 404);
      t.same(thirdParty, [], `no third-party request ${lang}`);
      await context.close();
    }
  });
}
