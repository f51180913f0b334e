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
  if (/<[a-z][^<>]*\son\w+=/i.test(page)) problems.push('an event handler attribute');
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
  const { slug, auth } = await ctx.issuer('centre-hostile', { name: { fr: hostile('organisation'), en: hostile('organisation') } });
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
  const { body: wallet } = await walletJson(ctx, walletPath);
  const { response: shared, body: link } = await createShare(ctx, walletPath, { credentials: wallet.credentials.map((c) => c.id), label: hostile('share-label') });
  t.equal(shared.statusCode, 201, 'a share link with a hostile label is created', { body: link });

  // The wallet page after the share exists: it lists the label beside each credential.
  await page('wallet page', walletPath, ['organisation', 'share-label', 'achievement-name', 'catalogue-name']);
  await page('wallet page in Arabic', `${walletPath}?lang=ar`, ['organisation', 'share-label', 'achievement-name']);
  await page('share page', pathOf(link.url), ['organisation', 'share-label', 'achievement-name', 'achievement-description', 'achievement-criteria', 'catalogue-description']);
  await page('wallet page with a hostile framework choice', `${walletPath}?framework=${encodeURIComponent(hostile('framework-query'))}`, []);
  await page('share page with a hostile framework choice', `${pathOf(link.url)}?framework=${encodeURIComponent(hostile('framework-query'))}`, []);
  await page('level page with hostile query values', `/frameworks/eqf/levels/3?framework=${encodeURIComponent(hostile('framework-query'))}&lang=${encodeURIComponent(hostile('lang-query'))}`, []);
  await page('level page of a hostile level code', `/frameworks/eqf/levels/${encodeURIComponent(hostile('level-code'))}`, []);

  const fromBatch = wallet.credentials.find((c) => c.credentialId === batch.rows[0].credentialId)!;
  const batchCredential = (await ctx.app.inject({ method: 'GET', url: `${walletPath}/credentials/${fromBatch.id}/credential.json` })).json();
  for (const [name, verifiableCredential, mustShow] of [
    ['/verify report of the credential', vc, ['organisation', 'achievement-name', 'achievement-description', 'achievement-criteria']],
    ['/verify report of the batch credential', batchCredential, ['organisation', 'catalogue-name', 'catalogue-description']],
  ] as const) {
    const response = await ctx.app.inject({ method: 'POST', url: '/verify', headers: FORM, payload: new URLSearchParams({ credential: JSON.stringify(verifiableCredential) }).toString() });
    pages.push([`${name} (${response.statusCode})`, response.body, [...mustShow]]);
  }

  for (const [name, body, mustShow] of pages) t.same(problemsOf(body, mustShow), [], name);
});
