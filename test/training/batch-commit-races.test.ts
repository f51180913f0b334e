import t from 'tap';
import { BatchRunner } from '../../src/training/batchRunner.js';
import { issueDepsActingAs } from '../../src/audit/actingAs.js';
import { StatusListService } from '../../src/credentials/statusLists.js';
import { verifyCredential } from '../../src/credentials/verify.js';
import type { CredentialRecord, CredentialRepository } from '../../src/db/repositories/credentials.js';
import { BASE_URL, sqlCount } from '../helpers/app.js';
import { queuedBatch } from '../helpers/batches.js';

type Json = Record<string, any>;

/**
 * A batch runner signs a lease of rows outside any transaction and writes them in one. Meanwhile another instance
 * (here: the same repositories and a status list service of its own, as a second process has) records a credential
 * with a status index the runner reserved, and credentials with the ids of rows being signed.
 */
t.test('rows another instance writes over while they are being signed: issued once, signed again or skipped', async (t) => {
  const ROWS = 40;
  const { services, organisation, batch } = await queuedBatch(t, ROWS);
  const { repos, now } = services;
  const rows = await repos.batches.rows(batch.id, { offset: 0, limit: ROWS });

  const otherInstance = new StatusListService({ ...services.issueDeps, statusLists: repos.statusLists, credentials: repos.credentials, organisations: repos.organisations });
  const recordElsewhere = async (id: string, reservations: Array<{ listId: string; statusIndex: number; purpose: string }>) => {
    const record: CredentialRecord = { id, organisationId: organisation.id, types: ['VerifiableCredential'], subjectId: null, format: 'eddsa-rdfc-2022', sha256: '0'.repeat(64), issuedAt: now().toISOString() };
    await repos.credentials.recordIssued(record, reservations, record.issuedAt);
  };
  // Every fifth row's first status index is taken by the other instance right after the runner reserved it.
  const stolen: number[] = [];
  let reservations = 0;
  const statusLists: StatusListService = Object.create(services.statusLists);
  statusLists.reserve = async (...args) => {
    const reserved = await services.statusLists.reserve(...args);
    if (reservations++ % 5 === 0) {
      await recordElsewhere(`urn:uuid:elsewhere-${reservations}`, reserved);
      stolen.push(reserved[0]!.statusIndex);
    }
    return reserved;
  };
  // Rows 3 and 30 are issued by the other instance (its lease on them ran out) while this runner signs them.
  const issuedElsewhere = new Set([rows[3]!.credentialId, rows[30]!.credentialId]);
  const audited = issueDepsActingAs(services, null);
  const credentials: CredentialRepository = Object.create(audited.credentials);
  credentials.byId = async (id) => {
    const found = await audited.credentials.byId(id);
    if (!found && issuedElsewhere.has(id)) await recordElsewhere(id, await otherInstance.reserve(organisation, ['revocation']));
    return found;
  };

  const errors: unknown[] = [];
  const runner = new BatchRunner({
    database: services.database, batches: repos.batches, achievements: repos.achievements, organisations: repos.organisations,
    issueDepsFor: () => ({ ...audited, statusLists, credentials }), baseUrl: BASE_URL, now,
    onError: (error) => errors.push(error),
  });
  runner.start();
  await runner.idle();
  await runner.stop();

  t.same(errors, [], 'no error');
  const counts = await repos.batches.counts(batch.id);
  t.same(counts, { total: ROWS, pending: 0, issued: ROWS - 2, skipped: 2, failed: 0 }, 'the rows issued elsewhere are skipped, every other row issued');
  t.equal((await repos.batches.byId(batch.id))!.state, 'completed');
  const skipped = await repos.batches.rows(batch.id, { offset: 0, limit: ROWS, state: 'skipped' });
  t.same(skipped.map((row) => row.credentialId).sort(), [...issuedElsewhere].sort(), 'skipped: the rows issued elsewhere');
  t.match(skipped[0]!.outcome, { code: 'already-issued' });
  t.ok(stolen.length >= 8, `${stolen.length} status indexes taken by the other instance`);
  const issued = await repos.batches.rows(batch.id, { offset: 0, limit: ROWS, state: 'issued' });
  const indexesOf = (row: { document: string | null }) => [JSON.parse(row.document!).credentialStatus].flat().map((entry: Json) => Number(entry.statusListIndex));
  t.same(issued.flatMap(indexesOf).filter((index) => stolen.includes(index)), [], 'no issued row carries an index taken elsewhere: those rows were signed again');
  const entries = await sqlCount(services, 'select count(*) as n from status_entries');
  t.equal(await sqlCount(services, 'select count(*) as n from (select distinct list_id, status_index from status_entries) d'), entries, 'no status index shared');
  t.equal(await sqlCount(services, 'select count(*) as n from credentials'), ROWS - 2 + stolen.length + 2, 'one credential per issued row, besides those recorded elsewhere');
  t.equal(await sqlCount(services, 'select coalesce(sum(allocated), 0) as n from status_lists'), entries, 'the lists count exactly the entries');
  t.equal(await sqlCount(services, 'select count(*) as n from audit_entries where action = \'credential.issued\''), ROWS - 2, 'one audit entry per row issued');
  t.match(await services.audit.verify(organisation.id), { valid: true, entries: ROWS - 2 }, 'the audit chain is whole');
  const resigned = issued.find((row) => row.line === rows[0]!.line)!;
  t.equal((await verifyCredential(services.verifyDeps, JSON.parse(resigned.document!) as Json)).verified, true, 'a row signed again verifies');
});
