/**
 * An employer asks a wallet app from /verify in a real browser (Chromium, phone size, the pages' strict CSP): the QR
 * code page waits and, when the employer turns on its refresh, shows the report by itself once the wallet has
 * answered (a meta refresh: the pages run no script).
 */
import t from 'tap';
import { CHROMIUM_ARGS, findChromium } from '../helpers/browser.js';
import { buildTestApp, openBadgeCredential } from '../helpers/app.js';
import { SimulatedWallet } from '../helpers/oid4vpWallet.js';

const chromium = findChromium();
if (!chromium) {
  if (process.env.PASSERELLE_REQUIRE_BROWSER === '1') {
    t.fail('Chromium is required (PASSERELLE_REQUIRE_BROWSER=1) but `chromium` is not on the PATH: apt-get install -y chromium');
  } else {
    t.test('asking a wallet app in a browser', { skip: 'Chromium not found: install it with `apt-get install -y chromium` (Debian/Ubuntu) to run the browser tests' }, async () => {});
  }
} else {
  t.test('the employer asks from /verify; the waiting page turns into the report once the wallet answers', async (t) => {
    const { chromium: playwright } = await import('playwright-core');
    const ctx = await buildTestApp(t);
    const address = await ctx.app.listen({ host: '127.0.0.1', port: 0 });
    const { auth } = await ctx.issuer('ofppt-casa');
    const issued = await ctx.app.inject({ method: 'POST', url: '/credentials/issue', headers: auth, payload: { credential: openBadgeCredential(), options: { issuer: 'organisation' } } });
    const vc = issued.json().verifiableCredential;

    const browser = await playwright.launch({ executablePath: chromium, args: CHROMIUM_ARGS });
    t.teardown(() => browser.close());
    const page = await (await browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'fr', isMobile: true })).newPage();
    const blocked: string[] = [];
    page.on('console', (message) => { if (message.type() === 'error') blocked.push(message.text()); });

    await page.goto(`${address}/verify?lang=fr`);
    await page.locator('#wallet-request input[value="achievement-level"]').check();
    await page.locator('#wallet-request select[name="level"]').selectOption('3');
    await page.locator('#wallet-request button[type=submit]').click();
    await page.locator('figure.qr svg').waitFor();
    t.match(page.url(), /\/presentation-requests\/[A-Za-z0-9_-]{43}\?lang=fr$/, 'the request\'s own page');
    const link = await page.locator('a[href^="openid4vp://"]').getAttribute('href');
    t.ok(link, 'a same-device link to the wallet app');
    await page.locator('a[href*="refresh=auto"]').last().click();
    await page.locator('[data-refresh="auto"]').waitFor();

    const wallet = new SimulatedWallet(ctx.app);
    const request = await wallet.open(link!);
    const answer = await wallet.answer(request, {
      vp_token: { achievement: [wallet.dataIntegrityPresentation([vc], { challenge: request.payload.nonce, domain: request.clientId })] },
    });
    t.equal(answer.statusCode, 200, 'the wallet answered');

    // Nobody touches the page: its refresh brings the report.
    await page.locator('article.credential[data-verdict="valid"]').waitFor({ timeout: 20_000 });
    t.equal(await page.locator('[data-requirement]').getAttribute('data-requirement'), 'not-accredited', 'the requirement line');
    t.equal(await page.locator('meta[http-equiv="refresh"]').count(), 0, 'the answered page stops refreshing');
    t.same(blocked, [], 'nothing blocked by the Content-Security-Policy');
  });
}
