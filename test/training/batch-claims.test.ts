import t from 'tap';
import { buildTestApp, sqlRows } from '../helpers/app.js';
import { claimIntoNewWallet, pathOf, walletJson } from '../helpers/wallet.js';
import { MASONRY_ACHIEVEMENT, cohort, toCsv } from '../fixtures/batches/cohort.js';
import { waitForBatch } from '../helpers/batches.js';

type Json = Record<string, any>;

t.test('each issued batch row shows its recipient\'s claim link, which adds the credential to a wallet', async (t) => {
  const ctx = await buildTestApp(t);
  const { auth } = await ctx.issuer('ofppt-casa');
  await ctx.app.inject({ method: 'POST', url: '/orgs/ofppt-casa/achievements', headers: auth, payload: MASONRY_ACHIEVEMENT });
  const accepted = await ctx.app.inject({ method: 'POST', url: '/batches?achievement=macon-cnc3', headers: { ...auth, 'content-type': 'text/csv' }, payload: toCsv(cohort(3)) });
  t.equal(accepted.statusCode, 202, 'accepted status', { body: accepted.body });
  const { id } = accepted.json() as Json;
  const batch = await waitForBatch(ctx.app, auth, id);
  t.equal(batch.rows.length, 3);
  const links = batch.rows.map((row: Json) => row.claimUrl as string);
  t.ok(links.every((link: string) => /\/claim\/[A-Za-z0-9_-]{43}$/.test(link)), 'every issued row has a claim link');
  t.equal(new Set(links).size, 3, 'one link per recipient');
  const again = (await ctx.app.inject({ method: 'GET', url: `/batches/${id}`, headers: auth })).json();
  t.same(again.rows.map((row: Json) => row.claimUrl), links, 'the same links are shown again');

  const rows = await sqlRows(ctx.services, 'select * from claim_offers');
  t.notOk(JSON.stringify(rows).includes(pathOf(links[0]!).split('/').pop()!), 'the database holds only hashes of the codes');

  const walletPath = await claimIntoNewWallet(ctx, links[0]!);
  const { body } = await walletJson(ctx, walletPath);
  t.equal(body.credentials.length, 1);
  t.equal(body.credentials[0]!.credentialId, batch.rows[0].credentialId);
});
