import t from 'tap';
import { csvField, parseCsv } from '../../src/training/csv.js';
import { parseJsonLines } from '../../src/training/jsonLines.js';
import { batchCredentialId } from '../../src/training/credentialIds.js';

t.test('CSV: RFC 4180 quoting, BOM, CRLF/LF/CR, blank lines, semicolons', async (t) => {
  const parsed = await parseCsv('\uFEFFname,note\r\n"Diallo, Mamadou","dit ""Mamou"""\r\n\r\n"multi\r\nline",x\nlast,"y"\rend,z');
  t.same(parsed.problems, []);
  t.same(parsed.records, [
    { line: 1, fields: ['name', 'note'] },
    { line: 2, fields: ['Diallo, Mamadou', 'dit "Mamou"'] },
    { line: 4, fields: ['multi\r\nline', 'x'] },
    { line: 6, fields: ['last', 'y'] },
    { line: 7, fields: ['end', 'z'] },
  ]);
  const semicolons = await parseCsv('nom;courriel\r\nBenali, Aïcha;aicha@example.org\r\n;\r\n');
  t.equal(semicolons.delimiter, ';');
  t.same(semicolons.records.map((r) => r.fields), [['nom', 'courriel'], ['Benali, Aïcha', 'aicha@example.org']], 'a line of empty fields is skipped');
  const open = await parseCsv('a,b\n"never closed,1\n2\n');
  t.same(open.problems.map((p) => p.line), [2]);
  t.equal((await parseCsv('name\n"x\ny"\n' + 'a'.repeat(70_000) + '\n')).problems[0]?.line, 4, 'a record over 64 KB is refused at its line');
  t.equal(csvField('a "b", c'), '"a ""b"", c"');
  t.equal(csvField('plain'), 'plain');
});

t.test('CSV and JSON Lines stop at the record limit and say on which line', async (t) => {
  const csv = await parseCsv('name\n\na\n,\nb\nc\nd\n', { maxRecords: 3 });
  t.same(csv.records.map((r) => r.line), [1, 3, 5]);
  t.equal(csv.overflowLine, 6);
  const jsonLines = parseJsonLines('{}\n\nnot json\n{}\n{}', { maxLines: 3 });
  t.same([jsonLines.lines.length, jsonLines.problems.length, jsonLines.overflowLine], [2, 1, 5]);
  t.equal(parseJsonLines('{}\n{}', { maxLines: 2 }).overflowLine, undefined, 'exactly the limit is accepted');
});

t.test('JSON Lines: objects only, blank lines skipped, lines counted', async (t) => {
  const parsed = parseJsonLines('\uFEFF{"name":"A"}\r\n\r\n[1]\n{"name":\n{"name":"B"}');
  t.same(parsed.lines, [{ line: 1, value: { name: 'A' } }, { line: 5, value: { name: 'B' } }]);
  t.same(parsed.problems.map((p) => p.line), [3, 4]);
});

t.test('batch credential ids are stable version 5 UUIDs, different per organisation, achievement and key', async (t) => {
  const id = batchCredentialId('org-1', 'macon', 'key:42');
  t.match(id, /^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  t.equal(batchCredentialId('org-1', 'macon', 'key:42'), id);
  t.not(batchCredentialId('org-2', 'macon', 'key:42'), id);
  t.not(batchCredentialId('org-1', 'plombier', 'key:42'), id);
  t.not(batchCredentialId('org-1', 'macon', 'key:43'), id);
});
