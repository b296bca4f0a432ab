// The CSV reader of the end-user import (ui/agent/src/pages/admin/config/csv.js), in node.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseCsv, usersFromCsv, mapColumns, batches } from '../../ui/agent/src/pages/admin/config/csv.js';

const fields = (text) => parseCsv(text).map((r) => r.fields);

test('plain records, CRLF, LF and CR line ends, a BOM, blank lines skipped', () => {
  assert.deepEqual(fields('\ufeffa,b\r\n1,2\n\n3,4\r5,6'), [['a', 'b'], ['1', '2'], ['3', '4'], ['5', '6']]);
  assert.deepEqual(parseCsv('a\n\nb\n').map((r) => r.row), [1, 2]);
});

test('quoted fields hold separators, line breaks and doubled quotes', () => {
  const recs = parseCsv('name,notes\n"Dupont, Léa","line 1\nline 2 ""quoted"""\nx,y');
  assert.deepEqual(recs.map((r) => r.fields), [
    ['name', 'notes'],
    ['Dupont, Léa', 'line 1\nline 2 "quoted"'],
    ['x', 'y'],
  ]);
  // Row numbers count records (the header is 1); lines count the file's lines.
  assert.deepEqual(recs.map((r) => [r.row, r.line]), [[1, 1], [2, 2], [3, 4]]);
  assert.deepEqual(fields('"",  " a ", b '), [['', ' a ', 'b']]);
  assert.deepEqual(fields('a,'), [['a', '']]);
});

test('a semicolon header (French spreadsheets) sets the separator', () => {
  assert.deepEqual(fields('nom;courriel\n"Martin; Jo";jo@x.test'), [['nom', 'courriel'], ['Martin; Jo', 'jo@x.test']]);
  assert.deepEqual(fields('a,b;c\n1,2;3'), [['a', 'b;c'], ['1', '2;3']]);
});

test('columns are found by name in any case and order, with aliases', () => {
  assert.deepEqual(mapColumns(['Email', 'External ID', 'NAME', 'Company', 'Tags', 'other']), {
    email: 0, external_id: 1, name: 2, organization: 3, tags: 4,
  });
});

test('rows become users; a row without name nor email is a problem; missing columns are named', () => {
  const out = usersFromCsv('email,name,organization,tags,external_id\nlea@x.test,Léa,Acme,"vip, billing",L-1\n,,,\nbad-email,Bob,,,\nno-name@x.test,,,,');
  assert.deepEqual(out.missing, []);
  assert.deepEqual(out.users, [
    { row: 2, email: 'lea@x.test', user: { name: 'Léa', role: 'end-user', email: 'lea@x.test', organization: { name: 'Acme' }, tags: ['vip', 'billing'], external_id: 'L-1' } },
    { row: 4, email: 'bad-email', user: { name: 'Bob', role: 'end-user', email: 'bad-email' } },
    { row: 5, email: 'no-name@x.test', user: { name: 'no-name@x.test', role: 'end-user', email: 'no-name@x.test' } },
  ]);
  assert.deepEqual(out.problems, [{ row: 3, email: '', error: 'NoNameNorEmail' }]);
  assert.deepEqual(usersFromCsv('nom;telephone\nA;1').missing, ['email']);
  assert.deepEqual(usersFromCsv('').missing, ['name', 'email']);
});

test('batches of at most 100', () => {
  const b = batches(Array.from({ length: 230 }, (_, i) => i));
  assert.deepEqual(b.map((x) => x.length), [100, 100, 30]);
  assert.equal(b[2][0], 200);
  assert.deepEqual(batches([]), []);
});
