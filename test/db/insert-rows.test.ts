/**
 * Database.insertRows, as a batch upload uses it (BatchRepository.insert): every row stored as given, past
 * PostgreSQL's rows per statement, and all or nothing.
 */
import t from 'tap';
import type { BatchRowRecord } from '../../src/db/repositories/training.js';
import { queuedBatch } from '../helpers/batches.js';

const ROWS = 2_500; // PostgreSQL sends 1,818 rows of this table per statement: two statements.

t.test('a batch of 2,500 rows is stored row for row, JSON and nulls included', async (t) => {
  const { services, batch } = await queuedBatch(t, 1);
  const copy = { ...batch, id: crypto.randomUUID(), fileSha256: 'a'.repeat(64), totalRows: ROWS };
  const rows: BatchRowRecord[] = Array.from({ length: ROWS }, (_, i) => ({
    batchId: copy.id, line: i + 2, rowKey: `k-${i}`, credentialId: `urn:uuid:${crypto.randomUUID()}`,
    recipient: { name: `Stagiaire ${i}`, email: `s${i}@example.org`, note: i % 2 === 0 ? 'é ✓ "quoted"' : null },
    state: 'pending', outcome: i === 7 ? { code: 'kept', nested: [1, 'two'] } : null, document: null, finishedAt: null,
    leaseOwner: null, leaseExpiresAt: null,
  }));
  await services.repos.batches.insert(copy, rows);
  const stored = await services.repos.batches.rows(copy.id, { offset: 0, limit: ROWS + 1 });
  t.equal(stored.length, ROWS, 'every row');
  t.same(stored[0], rows[0], 'the first row as given');
  t.same(stored[7], rows[7], 'a JSON outcome kept');
  t.same(stored.at(-1), rows.at(-1), 'the last row as given');
});

t.test('a row that cannot be stored leaves neither the batch nor any of its rows', async (t) => {
  const { services, batch } = await queuedBatch(t, 1);
  const copy = { ...batch, id: crypto.randomUUID(), fileSha256: 'b'.repeat(64), totalRows: ROWS };
  const row = (line: number): BatchRowRecord => ({
    batchId: copy.id, line, rowKey: `k-${line}`, credentialId: `urn:uuid:${crypto.randomUUID()}`, recipient: { name: 'A' },
    state: 'pending', outcome: null, document: null, finishedAt: null, leaseOwner: null, leaseExpiresAt: null,
  });
  const rows = Array.from({ length: ROWS }, (_, i) => row(i + 2));
  rows.push({ ...row(ROWS + 2), rowKey: 'k-2' }); // the first row's key again: a unique index refuses it
  await t.rejects(services.repos.batches.insert(copy, rows), 'refused');
  t.equal(await services.repos.batches.byId(copy.id), undefined, 'no batch');
  t.equal((await services.repos.batches.rows(copy.id, { offset: 0, limit: 10 })).length, 0, 'no rows');
});
