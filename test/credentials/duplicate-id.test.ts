import t from 'tap';
import { buildTestApp, plainCredential, type TestApp, sqlCount } from '../helpers/app.js';
import { DuplicateCredentialIdError, IndexTakenError } from '../../src/db/repositories/credentials.js';

type Json = Record<string, any>;

const issue = (ctx: TestApp, auth: Json, credential: Json, options: Json = {}) =>
  ctx.app.inject({ method: 'POST', url: '/credentials/issue', headers: auth, payload: { credential, options: { issuer: 'organisation', ...options } } });

async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  return undefined;
}

/** What an issuance leaves behind for an organisation: its audit entries and the status indexes taken in its lists. */
async function footprint(ctx: TestApp, slug: string) {
  const organisation = (await ctx.services.repos.organisations.bySlug(slug))!;
  const audit = (await ctx.services.audit.page(organisation.id, 0, 1_000)).length;
  const allocated = await sqlCount(ctx.services, `select coalesce(sum(allocated), 0) as n from status_lists where organisation_id = '${organisation.id}'`);
  const entries = await sqlCount(ctx.services, `select count(*) as n from status_entries e join status_lists l on l.id = e.list_id where l.organisation_id = '${organisation.id}'`);
  return { audit, allocated, entries };
}

t.test('a reused credential id is 409 duplicate-credential-id, from the same or another organisation, and writes nothing', async (t) => {
  const ctx = await buildTestApp(t);
  const first = await ctx.issuer('first-centre');
  const second = await ctx.issuer('second-centre');
  const id = 'urn:uuid:0b5e4c1e-8d55-4a55-9c1a-6f2f4d6a1b01';
  t.equal((await issue(ctx, first.auth, plainCredential({ id }))).statusCode, 201);
  const before = { first: await footprint(ctx, 'first-centre'), second: await footprint(ctx, 'second-centre') };
  const attempts: Array<[string, Json, Json, Json]> = [
    ['same organisation, credential.id', first.auth, plainCredential({ id }), {}],
    ['same organisation, options.credentialId', first.auth, plainCredential(), { credentialId: id }],
    ['another organisation, credential.id', second.auth, plainCredential({ id }), {}],
    ['another organisation, vc+jwt', second.auth, plainCredential({ id }), { format: 'vc+jwt' }],
  ];
  for (const [what, auth, credential, options] of attempts) {
    const response = await issue(ctx, auth, credential, options);
    t.equal(response.statusCode, 409, `${what}: 409`);
    t.equal(response.json().code, 'duplicate-credential-id', `${what}: code`);
    t.equal(response.json().credentialId, id, `${what}: names the id`);
  }
  t.same({ first: await footprint(ctx, 'first-centre'), second: await footprint(ctx, 'second-centre') }, before, 'no audit entry, no status index taken');
  t.equal((await issue(ctx, second.auth, plainCredential())).statusCode, 201, 'the organisation still issues');
});

t.test('50 parallel issuances of one id: exactly one 201, 49 × 409, no 5xx', async (t) => {
  const ctx = await buildTestApp(t);
  const { auth } = await ctx.issuer();
  const id = 'urn:uuid:4b7e2b9a-51a5-4f0c-8f5e-2d8b6f0c9a77';
  const responses = await Promise.all(Array.from({ length: 50 }, () => issue(ctx, auth, plainCredential({ id }))));
  const statuses = responses.map((r) => r.statusCode);
  t.equal(statuses.filter((s) => s === 201).length, 1, 'one issued');
  t.equal(statuses.filter((s) => s === 409).length, 49, 'the others refused');
  t.ok(responses.filter((r) => r.statusCode === 409).every((r) => r.json().code === 'duplicate-credential-id'), 'all as duplicate-credential-id');
  t.equal((await footprint(ctx, 'ofppt-casa')).entries, 1, 'one status index taken');
});

t.test('the repository tells a reused credential id from a taken status index by the key SQLite names', async (t) => {
  const ctx = await buildTestApp(t);
  const { auth } = await ctx.issuer();
  const issued = (await issue(ctx, auth, plainCredential())).json().verifiableCredential as Json;
  const { credentials } = ctx.services.repos;
  const record = (await credentials.byId(issued.id))!;
  const [entry] = await credentials.statusEntriesOf(issued.id);
  const now = new Date().toISOString();
  t.ok(await rejectionOf(credentials.recordIssued(record, [], now)) instanceof DuplicateCredentialIdError, 'the same id: DuplicateCredentialIdError');
  const taken = [{ listId: entry!.listId, statusIndex: entry!.statusIndex, purpose: 'revocation' }];
  t.ok(await rejectionOf(credentials.recordIssued({ ...record, id: 'urn:uuid:other' }, taken, now)) instanceof IndexTakenError, 'the same index: IndexTakenError');
  t.equal(await credentials.byId('urn:uuid:other'), undefined, 'the credential row was rolled back with the status entry');
});
