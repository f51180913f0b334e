import t from 'tap';
import { IssuanceRecorder, type AuditedIssuance } from '../../src/audit/issuanceRecorder.js';
import { DuplicateCredentialIdError, type CredentialRecord } from '../../src/db/repositories/credentials.js';
import type { Database } from '../../src/db/database.js';
import { buildTestApp, openBadgeCredential, type TestApp } from '../helpers/app.js';

type Json = Record<string, any>;

/** A recorder over the app's database that counts the transactions it opens (each one group of issuances). */
function countingRecorder(ctx: TestApp) {
  const { database, repos, audit } = ctx.services;
  let transactions = 0;
  const counted: Pick<Database, 'transaction'> = { transaction: (work) => { transactions++; return database.transaction(work); } };
  const recorder = new IssuanceRecorder({ database: counted, credentials: repos.credentials, audit });
  return { recorder, transactions: () => transactions };
}

async function organisationId(ctx: TestApp, slug: string): Promise<string> {
  return (await ctx.services.repos.organisations.bySlug(slug))!.id;
}

function issuance(organisationId: string, id: string, actorTokenId: string | null): AuditedIssuance {
  const record: CredentialRecord = {
    id, organisationId, types: ['VerifiableCredential'], subjectId: null, format: 'eddsa-rdfc-2022', sha256: '0'.repeat(64), issuedAt: '2026-12-04T00:00:00Z',
  };
  return { record, reservations: [], actorTokenId };
}

async function issuedEntries(ctx: TestApp, organisationId: string) {
  const entries = await ctx.services.audit.page(organisationId, 0, 1000);
  return entries.filter((e) => e.action === 'credential.issued');
}

t.test('issuances arriving while one is written share the next transaction, each with its own audit entry', async (t) => {
  const ctx = await buildTestApp(t);
  const { slug } = await ctx.issuer();
  const orgId = await organisationId(ctx, slug);
  const { recorder, transactions } = countingRecorder(ctx);
  const ids = Array.from({ length: 12 }, (_, i) => `urn:uuid:00000000-0000-4000-8000-${String(i).padStart(12, '0')}`);
  await Promise.all(ids.map((id, i) => recorder.record(issuance(orgId, id, i % 2 === 0 ? 'token-a' : 'token-b'), '2026-12-04T00:00:00Z')));

  t.equal(transactions(), 2, 'the first alone, the eleven that waited together');
  const entries = await issuedEntries(ctx, orgId);
  t.same(entries.map((e) => e.subject), ids, 'one entry per credential, in arrival order');
  t.same(entries.map((e) => e.actorTokenId), ids.map((_, i) => (i % 2 === 0 ? 'token-a' : 'token-b')), 'each entry names its own issuer token');
  t.same((await ctx.services.repos.credentials.recordedAmong(ids)).size, ids.length, 'every credential recorded');
  t.equal((await ctx.services.audit.verify(orgId)).valid, true, 'the chain verifies');
});

t.test('a failing issuance in a group fails alone: the others are recorded', async (t) => {
  const ctx = await buildTestApp(t);
  const { slug } = await ctx.issuer();
  const orgId = await organisationId(ctx, slug);
  const { recorder, transactions } = countingRecorder(ctx);
  const id = (n: number) => `urn:uuid:00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
  // The first is written alone; the other four wait together, and the group holds a reused id.
  const outcomes = await Promise.allSettled([1, 2, 3, 1, 4].map((n) => recorder.record(issuance(orgId, id(n), null), '2026-12-04T00:00:00Z')));

  t.same(outcomes.map((o) => o.status), ['fulfilled', 'fulfilled', 'fulfilled', 'rejected', 'fulfilled'], 'only the reused id is refused');
  const refusal = (outcomes[3] as PromiseRejectedResult).reason;
  t.ok(refusal instanceof DuplicateCredentialIdError, 'refused as a duplicate credential id');
  t.same((refusal as DuplicateCredentialIdError).message.includes(id(2)), false, 'the refusal names no other credential');
  t.same((await issuedEntries(ctx, orgId)).map((e) => e.subject), [1, 2, 3, 4].map(id), 'one entry per recorded credential');
  t.equal(transactions(), 1 + 1 + 4, 'the group failed, then each of its four was written alone');
  t.equal((await ctx.services.audit.verify(orgId)).valid, true, 'the chain verifies');

  const before = transactions();
  const alone = await recorder.record(issuance(orgId, id(4), null), '2026-12-04T00:00:00Z').then(() => undefined, (error: unknown) => error);
  t.ok(alone instanceof DuplicateCredentialIdError, 'alone, a reused id is refused');
  t.equal(transactions() - before, 1, 'an issuance that failed alone is not written again');
});

t.test('concurrent issuance requests: each answered with its own credential, one audit entry each', async (t) => {
  const ctx = await buildTestApp(t);
  const { slug, auth } = await ctx.issuer();
  const otherAuth = { authorization: `Bearer ${await ctx.tokenFor(slug, ['issue'])}` };
  const requests = Array.from({ length: 10 }, (_, i) => ctx.app.inject({
    method: 'POST', url: '/credentials/issue', headers: i % 2 === 0 ? auth : otherAuth,
    payload: { credential: openBadgeCredential(), options: { issuer: 'organisation' } },
  }));
  const responses = await Promise.all(requests);
  t.same(responses.map((r) => r.statusCode), Array(10).fill(201), 'every request issued');
  const issuedIds = responses.map((r) => (r.json() as Json).verifiableCredential.id as string);
  t.equal(new Set(issuedIds).size, 10, 'ten distinct credentials');
  const entries = await issuedEntries(ctx, await organisationId(ctx, slug));
  t.same(entries.map((e) => e.subject).sort(), [...issuedIds].sort(), 'one audit entry per credential');
  t.equal(new Set(entries.map((e) => e.actorTokenId)).size, 2, 'entries name the two tokens that issued');
  const verified = await Promise.all(responses.map((r) => ctx.app.inject({
    method: 'POST', url: '/credentials/verify', payload: { verifiableCredential: (r.json() as Json).verifiableCredential },
  })));
  t.same(verified.map((r) => (r.json() as Json).verified), Array(10).fill(true), 'each verifies, with its own status entry');
});
