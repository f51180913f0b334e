/**
 * The statistics page in Chromium, in the four languages: charts drawn on the server (SVG named and described), a
 * table beside each, no horizontal scroll at 360 and 390 px, axe-core (WCAG 2.1 A/AA) without a violation, nothing
 * fetched from elsewhere and no script.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import t from 'tap';
import { CHROMIUM_ARGS, findChromium } from '../helpers/browser.js';
import { buildTestApp } from '../helpers/app.js';
import { issueProgrammeCredentials } from '../fixtures/statistics.js';

const LANGUAGES = ['fr', 'ar', 'es', 'en'] as const;
const WCAG_21_AA = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
const axeSource = fs.readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

const chromium = findChromium();
t.test('the statistics page', { skip: chromium ? false : 'Chromium not found: apt-get install -y chromium' }, async (t) => {
  const { chromium: playwright } = await import('playwright-core');
  const ctx = await buildTestApp(t);
  await issueProgrammeCredentials(ctx);
  const address = await ctx.app.listen({ host: '127.0.0.1', port: 0 });
  const empty = await ctx.app.inject({ method: 'GET', url: '/statistics/charts?lang=en' });
  t.match(empty.body, /Nothing has been published yet/, 'before any release');
  const published = await ctx.app.inject({ method: 'POST', url: '/statistics/releases', headers: ctx.admin, payload: { title: 'Corridors, by quarter', period: 'quarter', by: 'corridor,isco' } });
  t.equal(published.statusCode, 201);
  t.equal((await ctx.app.inject({ method: 'GET', url: '/statistics/charts?release=nope&lang=en' })).statusCode, 404, 'an unknown release');

  const browser = await playwright.launch({ executablePath: chromium!, args: CHROMIUM_ARGS });
  t.teardown(() => browser.close());
  for (const lang of LANGUAGES) {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, locale: lang, isMobile: true, hasTouch: true });
    const page = await context.newPage();
    const elsewhere: string[] = [];
    page.on('request', (request) => { if (!request.url().startsWith(address)) elsewhere.push(request.url()); });
    const response = await page.goto(`${address}/statistics/charts?lang=${lang}`);
    t.equal(response?.status(), 200, `${lang} answers 200`);
    const charts = await page.evaluate(() => Array.from(document.querySelectorAll('svg.chart')).map((svg) => {
      const [titleId, descId] = (svg.getAttribute('aria-labelledby') ?? '').split(' ');
      return { role: svg.getAttribute('role'), title: document.getElementById(titleId!)?.textContent ?? '', desc: document.getElementById(descId!)?.textContent ?? '', table: !!svg.closest('section')?.querySelector('table') };
    }));
    t.equal(charts.length, 2, `${lang}: two charts`);
    t.ok(charts.every((c) => c.role === 'img' && c.title.length > 10 && c.desc.length > 30 && c.table), `${lang}: each chart named, described, with a table`);
    t.equal(await page.locator('script').count(), 0, `${lang}: no script`);
    t.match(await page.locator('main').innerText(), /ISCO 7112/, `${lang}: the bricklayers are in the table`);

    await page.evaluate(axeSource);
    const violations = await page.evaluate(async (tags) => {
      const results = await (window as any).axe.run(document, { runOnly: { type: 'tag', values: tags } });
      return (results.violations as Array<{ id: string; nodes: Array<{ target: unknown[] }> }>).map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
    }, WCAG_21_AA);
    t.same(violations, [], `${lang}: axe-core`);
    for (const width of [360, 390]) {
      await page.setViewportSize({ width, height: 844 });
      const measured = await page.evaluate(() => ({ scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth }));
      t.ok(measured.scrollWidth <= measured.innerWidth && measured.innerWidth === width, `${lang} ${width} px: no horizontal scroll`, measured);
    }
    t.same(elsewhere, [], `${lang}: nothing fetched elsewhere`);
    await context.close();
  }
});
