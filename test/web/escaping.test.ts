import t from 'tap';
import { buildTestApp, BASE_URL, openBadgeCredential } from '../helpers/app.js';
import { FORM, HTML, claimIntoNewWallet, createShare, issueFor, pathOf, walletJson } from '../helpers/wallet.js';
import { waitForBatch } from '../helpers/batches.js';
import { MASONRY_ACHIEVEMENT, cohort, toCsv } from '../fixtures/batches/cohort.js';
import { escapeHtml } from '../../src/web/html.js';

type Json = Record<string, any>;

const RLO = '\u202E';
const PDI = '\u2069';

/** A value that is live markup if rendered raw, breaks out of an attribute, and reverses the text after it. */
const hostile = (field: string) => `<script>x("${field}")</script>"><img src=x onerror=x("${field}")>${RLO}${field}`;
/** How a field looks once escaped: the part that proves it reached the page as text. */
const shown = (field: string) => escapeHtml(`<script>x("${field}")</script>`);

/**
 * What is wrong with a page: live markup, and right-to-left overrides that are not isolated (a U+2069 before the end
 * of their text, or an element with `dir` or `<bdi>` around them) and so reverse the text after the value.
 */
function problemsOf(page: string, mustShow: string[]): string[] {
  const problems: string[] = [];
  if (/<script/i.test(page)) problems.push('live <script>');
  if (/<img/i.test(page)) problems.push('live <img>');
  // Attributes as a browser reads them: an escaped value may hold the text " onerror=", a real attribute may not.
  for (const [, attributes] of page.matchAll(/<[a-z][a-z0-9-]*((?:\s+[^\s"'>/=]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'=<>`]+))?)*)\s*\/?>/gi)) {
    const names = [...attributes!.matchAll(/([^\s"'>/=]+)(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'=<>`]+))?/g)].map((m) => m[1]!);
    if (names.some((name) => /^on/i.test(name))) problems.push('an event handler attribute');
  }
  for (let at = page.indexOf(RLO); at !== -1; at = page.indexOf(RLO, at + 1)) {
    const textEnd = page.indexOf('<', at);
    if (page.slice(at, textEnd === -1 ? undefined : textEnd).includes(PDI)) continue;
    const tagStart = page.lastIndexOf('<', at);
    const tag = page.slice(tagStart, page.indexOf('>', tagStart) + 1);
    if (/^<(bdi|bdo)\b|^<[a-z][^>]*\sdir="/i.test(tag)) continue;
    problems.push(`a right-to-left override outside an isolate: ${JSON.stringify(page.slice(tagStart, at).replace(/&lt;script.*$/, '…'))}`);
  }
  for (const field of mustShow) if (!page.includes(shown(field))) problems.push(`${field} is not shown as text`);
  return problems;
}

t.test('every user-controlled field, hostile, is text on every page', async (t) => {
  const ctx = await buildTestApp(t);
  const { slug, auth, did } = await ctx.issuer('centre-hostile', { name: { fr: hostile('organisation'), en: hostile('organisation') } });
  // A recognition authority with a hostile name accredits the centre: the pages name it in the accreditation line.
  const authority = await ctx.createOrganisation('agency-hostile', { kind: 'recognition-authority', country: 'ES', name: { fr: hostile('authority-name'), en: hostile('authority-name') } });
  const accredited = await ctx.app.inject({
    method: 'POST', url: `/orgs/${authority.slug}/accreditations`, headers: { authorization: `Bearer ${await ctx.tokenFor(authority.slug, ['issue'])}` },
    payload: { issuer: did, scope: { level: 'eqf:3' }, validUntil: new Date(ctx.clock.current.getTime() + 365 * 86_400_000).toISOString() },
  });
  t.equal(accredited.statusCode, 201, 'the hostile authority accredits the centre', { body: accredited.body });
  const achievement = {
    ...MASONRY_ACHIEVEMENT,
    name: { fr: hostile('catalogue-name') }, description: { fr: hostile('catalogue-description') }, criteria: { narrative: { fr: hostile('catalogue-criteria') } },
  };
  const created = await ctx.app.inject({ method: 'POST', url: `/orgs/${slug}/achievements`, headers: auth, payload: achievement });
  t.equal(created.statusCode, 201, 'a hostile catalogue achievement is stored as given', { body: created.body });

  // A batch whose recipient name cell is hostile: its claim page names the recipient.
  const [row] = cohort(1);
  const accepted = await ctx.app.inject({
    method: 'POST', url: '/batches?achievement=macon-cnc3', headers: { ...auth, 'content-type': 'text/csv' }, payload: toCsv([{ ...row!, name: hostile('csv-name') }]),
  });
  t.equal(accepted.statusCode, 202, 'the batch is accepted', { body: accepted.body });
  const batch = await waitForBatch(ctx.app, auth, accepted.json().id);
  const batchClaim = pathOf(batch.rows[0].claimUrl);

  // A credential sent whole: its own texts, evidence and holder name are hostile.
  const credential = openBadgeCredential({ name: hostile('credential-name'), evidence: [{ type: ['Evidence'], name: hostile('evidence-name'), description: hostile('evidence-description') }] });
  Object.assign((credential.credentialSubject as Json).achievement, {
    name: hostile('achievement-name'), description: hostile('achievement-description'), criteria: { narrative: hostile('achievement-criteria') },
  });
  const { vc, claimOffer } = await issueFor(ctx, auth, { credential, holder: { name: hostile('holder-name'), email: 'x@example.org' } });
  const directClaim = pathOf(claimOffer.url);

  const pages: Array<[string, string, string[]]> = [];
  const page = async (name: string, url: string, mustShow: string[]) => {
    const response = await ctx.app.inject({ method: 'GET', url, headers: HTML });
    pages.push([`${name} (${response.statusCode})`, response.body, mustShow]);
  };
  await page('claim page of the batch row', batchClaim, ['organisation', 'csv-name']);
  await page('claim page of the credential', directClaim, ['organisation', 'holder-name', 'achievement-name']);
  await page('claim page in Arabic', `${directClaim}?lang=ar`, ['organisation', 'holder-name', 'achievement-name']);

  const walletPath = await claimIntoNewWallet(ctx, batchClaim);
  const intoExisting = await ctx.app.inject({
    method: 'POST', url: directClaim, headers: FORM, payload: new URLSearchParams({ action: 'existing', wallet: `${BASE_URL}${walletPath}` }).toString(),
  });
  t.equal(intoExisting.statusCode, 303, 'the second credential joins the wallet', { body: intoExisting.body });
  // A third credential whose holder name is hashed: its report asks the reader to type the name to compare.
  const hashed = await issueFor(ctx, auth, { holder: { name: hostile('hashed-holder-name'), email: 'y@example.org', nameInCredential: 'hashed' } });
  const intoWallet = await ctx.app.inject({
    method: 'POST', url: pathOf(hashed.claimOffer.url), headers: FORM, payload: new URLSearchParams({ action: 'existing', wallet: `${BASE_URL}${walletPath}` }).toString(),
  });
  t.equal(intoWallet.statusCode, 303, 'the credential with a hashed name joins the wallet', { body: intoWallet.body });
  const { body: wallet } = await walletJson(ctx, walletPath);
  const { response: shared, body: link } = await createShare(ctx, walletPath, { credentials: wallet.credentials.map((c) => c.id), label: hostile('share-label') });
  t.equal(shared.statusCode, 201, 'a share link with a hostile label is created', { body: link });

  // The wallet page after the share exists: it lists the label beside each credential.
  await page('wallet page', walletPath, ['organisation', 'share-label', 'achievement-name', 'catalogue-name']);
  await page('wallet page in Arabic', `${walletPath}?lang=ar`, ['organisation', 'share-label', 'achievement-name']);
  await page('jobs page of the wallet', `${walletPath}/jobs`, []);
  await page('share page', pathOf(link.url), ['organisation', 'share-label', 'achievement-name', 'achievement-description', 'achievement-criteria', 'catalogue-description', 'authority-name']);
  await page('share page with a hostile holder name to compare', `${pathOf(link.url)}?holderName=${encodeURIComponent(hostile('holder-query'))}`, ['holder-query']);
  await page('wallet page with a hostile framework choice', `${walletPath}?framework=${encodeURIComponent(hostile('framework-query'))}`, []);
  await page('share page with a hostile framework choice', `${pathOf(link.url)}?framework=${encodeURIComponent(hostile('framework-query'))}`, []);
  await page('level page with hostile query values', `/frameworks/eqf/levels/3?framework=${encodeURIComponent(hostile('framework-query'))}&lang=${encodeURIComponent(hostile('lang-query'))}`, []);
  await page('level page of a hostile level code', `/frameworks/eqf/levels/${encodeURIComponent(hostile('level-code'))}`, []);

  // A statistics release the administrator titled: the statistics page heads its figures with the title.
  const release = await ctx.app.inject({ method: 'POST', url: '/statistics/releases', headers: ctx.admin, payload: { title: hostile('release-title') } });
  t.equal(release.statusCode, 201, 'a release with a hostile title is published', { body: release.body });
  await page('statistics page of the release', `/statistics/charts?release=${release.json().id}`, ['release-title']);
  await page('statistics page of a hostile release id', `/statistics/charts?release=${encodeURIComponent(hostile('release-query'))}`, []);

  const fromBatch = wallet.credentials.find((c) => c.credentialId === batch.rows[0].credentialId)!;
  const batchCredential = (await ctx.app.inject({ method: 'GET', url: `${walletPath}/credentials/${fromBatch.id}/credential.json` })).json();
  for (const [name, verifiableCredential, mustShow] of [
    ['/verify report of the credential', vc, ['organisation', 'achievement-name', 'achievement-description', 'achievement-criteria', 'authority-name']],
    ['/verify report of the batch credential', batchCredential, ['organisation', 'catalogue-name', 'catalogue-description']],
  ] as const) {
    const response = await ctx.app.inject({ method: 'POST', url: '/verify', headers: FORM, payload: new URLSearchParams({ credential: JSON.stringify(verifiableCredential) }).toString() });
    pages.push([`${name} (${response.statusCode})`, response.body, [...mustShow]]);
  }
  // What the reader types into /verify: a holder name to compare comes back in the form, text that is no credential gets an error page.
  const typed = await ctx.app.inject({
    method: 'POST', url: '/verify', headers: FORM, payload: new URLSearchParams({ credential: JSON.stringify(vc), holderName: hostile('verify-holder-name') }).toString(),
  });
  pages.push([`/verify report with a hostile holder name (${typed.statusCode})`, typed.body, ['verify-holder-name']]);
  const notACredential = await ctx.app.inject({ method: 'POST', url: '/verify', headers: FORM, payload: new URLSearchParams({ credential: `</textarea>${hostile('verify-input')}` }).toString() });
  pages.push([`/verify with hostile text that is no credential (${notACredential.statusCode})`, notACredential.body, []]);

  for (const [name, body, mustShow] of pages) t.same(problemsOf(body, mustShow), [], name);
});

t.test('a validation case typed hostile (candidate, units, outcomes, evidence, assessors, comments, decision) is text on every page of its credential', async (t) => {
  const ctx = await buildTestApp(t);
  const { slug, auth } = await ctx.issuer('cfp-hostile', { kind: 'assessment-body' });
  const post = async (path: string, payload: Json, status: number) => {
    const response = await ctx.app.inject({ method: 'POST', url: `/orgs/${slug}${path}`, headers: auth, payload });
    t.equal(response.statusCode, status, `POST ${path.replace(/[0-9a-f-]{36}/, '{id}')}`, { body: response.body });
    return response.json() as Json;
  };
  await post('/achievements', MASONRY_ACHIEVEMENT, 201);
  const opened = await post('/assessments', {
    candidate: { name: hostile('candidate-name') }, reference: { achievement: 'macon-cnc3' },
    units: [
      { id: 'UC1', name: hostile('unit-name'), outcomes: [{ id: 'LO1', statement: hostile('outcome-statement') }] },
      { id: 'UC2', name: hostile('other-unit-name'), outcomes: [{ id: 'LO1', statement: hostile('other-outcome-statement') }] },
    ],
  }, 201);
  const path = `/assessments/${opened.id}`;
  await post(`${path}/stage`, { to: 'documentation', note: hostile('stage-note') }, 200);
  await post(`${path}/evidence`, {
    kind: 'employer-attestation', title: hostile('evidence-title'), description: hostile('evidence-description'), attestedBy: hostile('evidence-attested-by'),
    sha256: 'a'.repeat(64), outcomes: ['UC1'],
  }, 201);
  await post(`${path}/stage`, { to: 'assessment' }, 200);
  await post(`${path}/results`, {
    assessors: [{ name: hostile('assessor-name'), role: 'assessor' }],
    results: [
      { unit: 'UC1', outcome: 'LO1', method: 'observation', result: 'demonstrated', comment: hostile('assessor-comment') },
      { unit: 'UC2', outcome: 'LO1', method: 'interview', result: 'not-demonstrated' },
    ],
  }, 200);
  await post(`${path}/decision`, { decision: 'partial', rationale: hostile('decision-rationale'), gapTraining: [{ unit: 'UC2', advice: hostile('gap-advice') }] }, 200);
  const certified = await post(`${path}/certify`, { holder: { email: 'candidate@example.org' } }, 201);

  const pages: Array<[string, string, string[]]> = [];
  const page = async (name: string, url: string, mustShow: string[]) => {
    const response = await ctx.app.inject({ method: 'GET', url, headers: HTML });
    pages.push([`${name} (${response.statusCode})`, response.body, mustShow]);
  };
  const claimPath = pathOf(certified.claimOffer.url);
  await page('claim page', claimPath, ['candidate-name', 'unit-name']);
  const walletPath = await claimIntoNewWallet(ctx, claimPath);
  const { body: wallet } = await walletJson(ctx, walletPath);
  const { body: link } = await createShare(ctx, walletPath, { credentials: wallet.credentials.map((c) => c.id) });
  await page('wallet page', walletPath, ['unit-name']);
  await page('share page', pathOf(link.url), ['candidate-name', 'unit-name']);
  await page('share page in Arabic', `${pathOf(link.url)}?lang=ar`, ['candidate-name', 'unit-name']);
  const report = await ctx.app.inject({ method: 'POST', url: '/verify', headers: FORM, payload: new URLSearchParams({ credential: JSON.stringify(certified.verifiableCredential) }).toString() });
  pages.push([`/verify report (${report.statusCode})`, report.body, ['candidate-name', 'unit-name']]);

  for (const [name, body, mustShow] of pages) t.same(problemsOf(body, mustShow), [], name);
});
