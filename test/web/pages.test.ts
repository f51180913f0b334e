import { Writable } from 'node:stream';
import t from 'tap';
import { buildApp } from '../../src/app.js';
import { buildTestApp, openBadgeCredential, plainCredential } from '../helpers/app.js';
import { claimIntoNewWallet, createShare, HTML, issueFor, pathOf, walletJson } from '../helpers/wallet.js';
import { chooseLanguage, regionOf } from '../../src/web/i18n.js';
import { escapeHtml, html } from '../../src/web/html.js';
import { textIn } from '../../src/wallet/credentialText.js';
import { redactUrl } from '../../src/web/logging.js';

t.test('language: ?lang= wins, then Accept-Language by quality, then French; the region picks the framework country', async (t) => {
  t.equal(chooseLanguage('ar', 'es'), 'ar');
  t.equal(chooseLanguage('de', 'de-DE, es;q=0.8, en;q=0.9'), 'en');
  t.equal(chooseLanguage(undefined, undefined), 'fr');
  t.equal(regionOf('fr-MA,fr;q=0.9', 'fr'), 'MA');
  t.equal(regionOf('fr', 'fr'), undefined);
});

t.test('text from credentials: language maps and {@value, @language} values in the reader\'s language', async (t) => {
  const values = [{ '@value': 'Maçon', '@language': 'fr' }, { '@value': 'بنّاء', '@language': 'ar' }, { '@value': 'Albañil', '@language': 'es' }];
  t.same(textIn(values, 'ar'), { text: 'بنّاء', lang: 'ar' });
  t.same(textIn(values, 'en'), { text: 'Maçon', lang: 'fr' }, 'no English: the first given');
  t.same(textIn({ fr: 'Maçon', en: 'Bricklayer' }, 'en'), { text: 'Bricklayer', lang: 'en' });
  t.same(textIn('Maçon', 'ar'), { text: 'Maçon' });
  t.equal(textIn(42, 'fr'), undefined);
  t.equal(escapeHtml('<a href="x">\'&'), '&lt;a href=&quot;x&quot;&gt;&#39;&amp;');
  t.equal(html`<p>${'<script>'}</p>`.value, '<p>&lt;script&gt;</p>');
});

t.test('pages: strict CSP, no script, nothing third-party, switcher in four languages, Arabic right to left', async (t) => {
  const ctx = await buildTestApp(t);
  const response = await ctx.app.inject({ method: 'GET', url: '/verify?lang=ar', headers: HTML });
  t.equal(response.statusCode, 200);
  const csp = String(response.headers['content-security-policy']);
  t.match(csp, "default-src 'none'");
  t.match(csp, "style-src 'self'");
  t.notMatch(csp, 'unsafe-inline');
  t.equal(response.headers['referrer-policy'], 'no-referrer');
  t.equal(response.headers['x-frame-options'], 'DENY');
  t.match(response.body, '<html lang="ar" dir="rtl">');
  t.notMatch(response.body, /<script|\sstyle=|\son\w+=/i, 'no script, inline style or handler');
  t.notMatch(response.body, /(src|href)="(https?:)?\/\/(?!passerelle\.test)/, 'no third-party resource');
  for (const lang of ['fr', 'ar', 'es', 'en']) t.match(response.body, `hreflang="${lang}"`);
  const spanish = await ctx.app.inject({ method: 'GET', url: '/verify', headers: { ...HTML, 'accept-language': 'es-ES,es;q=0.9' } });
  t.match(spanish.body, '<html lang="es" dir="ltr">');
  const css = await ctx.app.inject({ method: 'GET', url: '/assets/passerelle.css' });
  t.equal(css.statusCode, 200);
  t.match(css.headers['content-type'], 'text/css');
  t.notMatch(css.body, /@import|url\(/, 'the stylesheet fetches nothing');
});

t.test('a credential named <script> renders as text on every page', async (t) => {
  const ctx = await buildTestApp(t);
  const { auth } = await ctx.issuer();
  const payload = '<script>alert(1)</script>"><img src=x onerror=alert(2)>';
  const credential = openBadgeCredential({ name: payload });
  (credential.credentialSubject as any).achievement.name = payload;
  (credential.credentialSubject as any).achievement.description = payload;
  const { vc, claimOffer } = await issueFor(ctx, auth, { credential, holder: { name: payload, email: 'x@example.org' } });
  const claim = await ctx.app.inject({ method: 'GET', url: pathOf(claimOffer.url), headers: HTML });
  const walletPath = await claimIntoNewWallet(ctx, claimOffer.url);
  const { body } = await walletJson(ctx, walletPath);
  const { body: link } = await createShare(ctx, walletPath, { credentials: [body.credentials[0]!.id], label: payload });
  // After the share exists, so that the wallet page shows the hostile label too.
  const wallet = await ctx.app.inject({ method: 'GET', url: walletPath, headers: HTML });
  const share = await ctx.app.inject({ method: 'GET', url: pathOf(link.url), headers: HTML });
  const verify = await ctx.app.inject({
    method: 'POST', url: '/verify', headers: { ...HTML, 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({ credential: JSON.stringify(vc) }).toString(),
  });
  for (const [page, response] of [['claim', claim], ['wallet', wallet], ['share', share], ['verify', verify]] as const) {
    t.equal(response.statusCode, 200, page);
    t.notMatch(response.body, /<script|<img/i, `${page}: no live markup from the credential`);
    t.match(response.body, '&lt;script&gt;alert(1)&lt;/script&gt;', `${page}: shown as text`);
  }
});

t.test('credential text given per language shows in the viewer\'s language', async (t) => {
  const ctx = await buildTestApp(t);
  const { auth } = await ctx.issuer();
  const credential = openBadgeCredential();
  (credential.credentialSubject as any).achievement.name = [
    { '@value': 'Maçon qualifié', '@language': 'fr' }, { '@value': 'بنّاء مؤهل', '@language': 'ar' }, { '@value': 'Albañil cualificado', '@language': 'es' },
  ];
  const { claimOffer } = await issueFor(ctx, auth, { credential });
  const walletPath = await claimIntoNewWallet(ctx, claimOffer.url);
  const { body } = await walletJson(ctx, walletPath);
  const { body: link } = await createShare(ctx, walletPath, { credentials: [body.credentials[0]!.id] });
  const expected = { ar: 'بنّاء مؤهل', es: 'Albañil cualificado', fr: 'Maçon qualifié', en: 'Maçon qualifié' };
  for (const [lang, name] of Object.entries(expected)) {
    const page = await ctx.app.inject({ method: 'GET', url: `${pathOf(link.url)}?lang=${lang}`, headers: HTML });
    t.match(page.body, `<span dir="auto" lang="${lang === 'en' ? 'fr' : lang}">${name}</span>`, lang);
  }
});

t.test('the verify page: paste JSON or a JWT, or upload a file (multipart); unreadable input is a page with a stable code', async (t) => {
  const ctx = await buildTestApp(t);
  const { auth } = await ctx.issuer();
  const jwtIssue = await ctx.app.inject({ method: 'POST', url: '/credentials/issue', headers: auth, payload: { credential: plainCredential(), options: { format: 'vc+jwt', issuer: 'organisation' } } });
  const jwt = String(jwtIssue.json().verifiableCredential.id).slice('data:application/vc+jwt,'.length);
  const form = (fields: Record<string, string>) => ({ method: 'POST' as const, url: '/verify?lang=en', headers: { ...HTML, 'content-type': 'application/x-www-form-urlencoded' }, payload: new URLSearchParams(fields).toString() });
  const pasted = await ctx.app.inject(form({ credential: jwt }));
  t.equal(pasted.statusCode, 200);
  t.match(pasted.body, 'data-verdict="valid"');
  const boundary = '----passerelle-test';
  const issued = await ctx.app.inject({ method: 'POST', url: '/credentials/issue', headers: auth, payload: { credential: openBadgeCredential(), options: { issuer: 'organisation' } } });
  const file = JSON.stringify(issued.json());
  const multipart = [
    `--${boundary}`, 'Content-Disposition: form-data; name="credential"', '', '',
    `--${boundary}`, 'Content-Disposition: form-data; name="file"; filename="credential.json"', 'Content-Type: application/json', '', file,
    `--${boundary}--`, '',
  ].join('\r\n');
  const uploaded = await ctx.app.inject({ method: 'POST', url: '/verify?lang=fr', headers: { ...HTML, 'content-type': `multipart/form-data; boundary=${boundary}` }, payload: multipart });
  t.equal(uploaded.statusCode, 200);
  t.match(uploaded.body, 'Attestation authentique et en vigueur');
  t.match(uploaded.body, 'class="recognition"', 'with its recognition in the framework of the viewer\'s language');
  const tampered = structuredClone(issued.json().verifiableCredential);
  tampered.credentialSubject.achievement.name = 'Chef de chantier';
  const forged = await ctx.app.inject(form({ credential: JSON.stringify(tampered) }));
  t.match(forged.body, 'data-verdict="invalid"');
  t.match(forged.body, 'Signature: does not match.');
  for (const [input, code] of [['', 'empty-credential'], ['{not json', 'unreadable-credential'], ['[1,2]', 'invalid-credential']] as const) {
    const response = await ctx.app.inject(form({ credential: input }));
    t.equal(response.statusCode, 400, input);
    t.match(response.body, `data-code="${code}"`);
  }
  const api = await ctx.app.inject({ method: 'POST', url: '/verify', headers: { accept: 'application/json', 'content-type': 'application/x-www-form-urlencoded' }, payload: 'credential=' });
  t.equal(api.headers['content-type'], 'application/problem+json; charset=utf-8');
  t.equal(api.json().code, 'empty-credential');
});

t.test('wallet, share and claim secrets never reach the request log', async (t) => {
  t.equal(redactUrl('/w/abc/credentials/x/credential.json'), '/w/[redacted]/credentials/x/credential.json');
  t.equal(redactUrl('/s/abc?lang=fr&challenge=x'), '/s/[redacted]');
  t.equal(redactUrl('/presentation-requests/abc?lang=fr'), '/presentation-requests/[redacted]', 'an employer\'s result page');
  t.equal(redactUrl('/verify?lang=fr'), '/verify?lang=fr');
  t.equal(redactUrl('/skills/search?q=Amina%20Tahiri&lang=fr&limit=5'), '/skills/search?q=[redacted]&lang=fr&limit=5', 'only allow-listed values are logged');
  t.equal(redactUrl('/health?access_token=abc&eyJhbGciOiJFZERTQSJ9.eyJzdWIiOiIxIn0.c2ln&new'), '/health?access_token=[redacted]&[redacted]&new');
  const lines: string[] = [];
  const stream = new Writable({ write(chunk, _encoding, done) { lines.push(String(chunk)); done(); } });
  const ctx = await buildTestApp(t);
  const logged = await buildApp({ services: ctx.services, logger: { level: 'info', stream } as any });
  t.teardown(() => logged.close());
  const { auth } = await ctx.issuer();
  const { claimOffer } = await issueFor(ctx, auth);
  const code = pathOf(claimOffer.url).split('/')[2]!;
  await logged.inject({ method: 'GET', url: pathOf(claimOffer.url), headers: HTML });
  const claimed = await logged.inject({ method: 'POST', url: pathOf(claimOffer.url), headers: { ...HTML, 'content-type': 'application/x-www-form-urlencoded' }, payload: 'action=new' });
  const walletPath = pathOf(String(claimed.headers.location));
  const { body } = await walletJson(ctx, walletPath);
  const { body: link } = await createShare(ctx, walletPath, { credentials: [body.credentials[0]!.id] });
  await logged.inject({ method: 'GET', url: `${walletPath}?lang=ar`, headers: HTML });
  await logged.inject({ method: 'GET', url: `${pathOf(link.url)}?lang=fr`, headers: HTML });
  await logged.inject({ method: 'GET', url: `/s/${'x'.repeat(43)}`, headers: HTML });
  await logged.inject({ method: 'GET', url: '/verify?lang=fr&token=tok-in-a-query-8f3a2b&framework=eqf', headers: HTML });
  await logged.inject({ method: 'GET', url: '/orgs?authorization=Bearer%20tok-in-a-query-8f3a2b' });
  const log = lines.join('');
  t.notOk(log.includes('tok-in-a-query-8f3a2b'), 'a token in a query string never reaches the log');
  t.match(log, '/verify?lang=fr&token=[redacted]&framework=eqf', 'harmless parameters stay readable');
  t.match(log, '/s/[redacted]', 'requests are logged, with the secret replaced');
  for (const [what, secret] of [['claim code', code], ['wallet secret', walletPath.split('/')[2]!], ['share token', pathOf(link.url).split('/')[2]!]] as const) {
    t.notOk(log.includes(secret), `${what} not in the log`);
  }
});
