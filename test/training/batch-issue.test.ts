import t from 'tap';
import { buildTestApp, type TestApp, sqlCount, sqlRows } from '../helpers/app.js';
import { verifyCredential } from '../../src/credentials/verify.js';
import { MASONRY_ACHIEVEMENT, cohort, toCsv } from '../fixtures/batches/cohort.js';
import { waitForBatch } from '../helpers/batches.js';

type Json = Record<string, any>;

const count = (ctx: TestApp, sql: string) => sqlCount(ctx.services, sql);

t.test('a valid 1,000-row batch completes, every credential verifies, and sending it again issues nothing new', async (t) => {
  const ctx = await buildTestApp(t);
  const { auth, did } = await ctx.issuer('ofppt-casa');
  await ctx.app.inject({ method: 'POST', url: '/orgs/ofppt-casa/achievements', headers: auth, payload: MASONRY_ACHIEVEMENT });
  const rows = cohort(1000);
  const csv = toCsv(rows, { bom: true });

  const started = Date.now();
  const accepted = await ctx.app.inject({ method: 'POST', url: '/batches?achievement=macon-cnc3', headers: { ...auth, 'content-type': 'text/csv' }, payload: csv });
  t.equal(accepted.statusCode, 202, 'accepted status', { body: accepted.body });
  const { id } = accepted.json() as Json;
  t.equal(accepted.headers.location, `/batches/${id}`);
  t.equal(accepted.json().counts.total, 1000);

  const done = await waitForBatch(ctx.app, auth, id, { query: '?limit=0' });
  const seconds = (Date.now() - started) / 1000;
  t.comment(`1,000 rows issued (eddsa-rdfc-2022) in ${seconds.toFixed(1)} s: ${(1000 / seconds).toFixed(1)} credentials/s`);
  t.same(done.counts, { total: 1000, pending: 0, issued: 1000, skipped: 0, failed: 0 });
  t.equal(done.estimatedSecondsLeft, 0);

  const page = (await ctx.app.inject({ method: 'GET', url: `/batches/${id}?offset=998&limit=5`, headers: auth })).json() as Json;
  t.same(page.rows.map((r: Json) => r.line), [1000, 1001], 'rows carry their file line (header is line 1)');
  t.match(page.rows[1], { key: 'key:c-01000', state: 'issued', credentialId: /^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-5/ });

  const download = await ctx.app.inject({ method: 'GET', url: `/batches/${id}/credentials`, headers: auth });
  t.match(download.headers['content-type'], /application\/x-ndjson/);
  const issued = download.body.trim().split('\n').map((line) => JSON.parse(line) as Json);
  t.equal(issued.length, 1000);

  // Every credential is verified in-process (the same function POST /credentials/verify runs), which skips 1,000 HTTP round trips.
  const verifyStarted = Date.now();
  let verified = 0;
  const failures: string[] = [];
  for (const { verifiableCredential: vc, key } of issued) {
    const result = await verifyCredential(ctx.services.verifyDeps, vc);
    if (result.verified) verified += 1;
    else failures.push(`${key}: ${JSON.stringify(result.checks)}`);
  }
  t.comment(`1,000 credentials verified in ${((Date.now() - verifyStarted) / 1000).toFixed(1)} s`);
  t.equal(verified, 1000, failures.slice(0, 3).join('\n'));
  const one = issued[0]!.verifiableCredential as Json;
  t.equal(one.issuer, did);
  t.equal(one.credentialSubject.identifier[0].identityHash, rows[0]!.name);
  t.equal(one.credentialSubject.identifier[1].identityType, 'emailAddress');
  t.notOk(JSON.stringify(one).includes(rows[0]!.email), 'the e-mail address is only present hashed');
  t.match(one.credentialSubject.result[0].achievedLevel, /#result-practical-level-merit$/);
  const overHttp = await ctx.app.inject({ method: 'POST', url: '/credentials/verify', payload: { verifiableCredential: issued[999]!.verifiableCredential } });
  t.equal(overHttp.json().verified, true, 'and through POST /credentials/verify');

  t.equal(await count(ctx, 'select count(*) as n from credentials'), 1000);
  t.equal(await count(ctx, 'select count(distinct list_id || \':\' || status_index) as n from status_entries'), 1000, '1,000 distinct status indexes');
  t.equal(await count(ctx, 'select count(distinct status_index) as n from status_entries'), 1000);

  const again = await ctx.app.inject({ method: 'POST', url: '/batches?achievement=macon-cnc3', headers: { ...auth, 'content-type': 'text/csv' }, payload: csv });
  t.equal(again.statusCode, 200, 'the same file is the same batch');
  t.equal(again.json().id, id);
  t.equal(again.json().resubmitted, true);

  // The cohort list re-exported with one more trainee (a different file): only the newcomer is issued.
  const extended = await ctx.app.inject({
    method: 'POST', url: '/batches?achievement=macon-cnc3', headers: { ...auth, 'content-type': 'text/csv' },
    payload: toCsv([...rows.slice(0, 200).reverse(), ...cohort(1, 'late')]),
  });
  t.equal(extended.statusCode, 202);
  const second = await waitForBatch(ctx.app, auth, extended.json().id, { query: '?limit=0' });
  t.same(second.counts, { total: 201, pending: 0, issued: 1, skipped: 200, failed: 0 });
  const skipped = (await ctx.app.inject({ method: 'GET', url: `/batches/${second.id}?state=skipped&limit=1`, headers: auth })).json() as Json;
  t.match(skipped.rows[0].outcome, { code: 'already-issued', batchId: id });
  t.equal(await count(ctx, 'select count(*) as n from credentials'), 1001, 'nothing issued twice');

  const audit = await count(ctx, 'select count(*) as n from audit_entries where action = \'credential.issued\'');
  t.equal(audit, 1001, 'every batch credential is in the audit log');
  const organisation = (await ctx.services.repos.organisations.bySlug('ofppt-casa'))!;
  const [sender] = await ctx.services.repos.tokens.listFor(organisation.id);
  const actors = await sqlRows<{ actor: string | null }>(ctx.services, 'select distinct actor_token_id as actor from audit_entries where action = \'credential.issued\'');
  t.same(actors.map((row) => row.actor), [sender!.id], 'the token that sent the files is named as their issuer');
});
