// User fields (reference §2.12): definitions, and values on users validated by type.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, rejection } from './harness.mjs';

let srv;
let zd;
const suffix = Date.now().toString(36);
const key = (k) => `${k}_${suffix}`;

before(async () => {
  srv = await startServer();
  zd = srv.client({ throwOriginalException: true });
  // One field of each type used below.
  const defs = [
    { type: 'text', key: key('nickname'), title: 'Nickname' },
    { type: 'integer', key: key('seats'), title: 'Seats' },
    { type: 'decimal', key: key('score'), title: 'Score' },
    { type: 'checkbox', key: key('vip'), title: 'VIP' },
    { type: 'date', key: key('birthday'), title: 'Birthday' },
    {
      type: 'dropdown',
      key: key('plan'),
      title: 'Plan',
      custom_field_options: [
        { name: 'Gold', value: 'gold' },
        { name: 'Silver', value: 'silver' },
      ],
    },
    { type: 'regexp', key: key('code'), title: 'Code', regexp_for_validation: '^[A-Z]{3}$' },
  ];
  for (const d of defs) {
    const res = await srv.post('/api/v2/user_fields.json', { user_field: d });
    if (res.status !== 201) throw new Error(`create user field ${d.type}: ${res.status} ${res.text}`);
  }
});
after(() => srv?.stop());

test('user field definitions: list, show, update, delete', async () => {
  const fields = await zd.userfields.list();
  const nick = fields.find((f) => f.key === key('nickname'));
  assert.ok(nick, 'created field is listed');
  assert.equal(nick.type, 'text');
  assert.equal(nick.title, 'Nickname');
  assert.equal(nick.active, true);
  assert.equal(typeof nick.position, 'number');
  assert.equal(nick.url, `${srv.apiUrl}/user_fields/${nick.id}.json`);

  const plan = fields.find((f) => f.key === key('plan'));
  assert.deepEqual(plan.custom_field_options.map((o) => o.value), ['gold', 'silver']);

  const { result: shown } = await zd.userfields.show(nick.id);
  assert.equal(shown.key, key('nickname'));
  const { result: upd } = await zd.userfields.update(nick.id, { user_field: { title: 'Nick' } });
  assert.equal(upd.title, 'Nick');

  const tmp = await srv.post('/api/v2/user_fields.json', {
    user_field: { type: 'text', key: key('temp'), title: 'Temp' },
  });
  assert.equal(tmp.status, 201, tmp.text);
  const del = await srv.del(`/api/v2/user_fields/${tmp.json.user_field.id}.json`);
  assert.equal(del.status, 204);
  const gone = await srv.get(`/api/v2/user_fields/${tmp.json.user_field.id}.json`);
  assert.equal(gone.status, 404);
});

test('a duplicate key or an unknown type → 422', async () => {
  const dup = await srv.post('/api/v2/user_fields.json', {
    user_field: { type: 'text', key: key('nickname'), title: 'Again' },
  });
  assert.equal(dup.status, 422, dup.text);
  const badType = await srv.post('/api/v2/user_fields.json', {
    user_field: { type: 'hologram', key: key('holo'), title: 'Holo' },
  });
  assert.equal(badType.status, 422, badType.text);
  const noKey = await srv.post('/api/v2/user_fields.json', { user_field: { type: 'text', title: 'No key' } });
  assert.equal(noKey.status, 422, noKey.text);
});

test('valid values of each type are stored and returned in user_fields', async () => {
  const u = await srv.createUser({
    user_fields: {
      [key('nickname')]: 'Bob',
      [key('seats')]: 42,
      [key('score')]: 1.5,
      [key('vip')]: true,
      [key('birthday')]: '2024-02-29',
      [key('plan')]: 'gold',
      [key('code')]: 'ABC',
    },
  });
  const f = u.user_fields;
  assert.equal(f[key('nickname')], 'Bob');
  assert.equal(Number(f[key('seats')]), 42);
  assert.equal(Number(f[key('score')]), 1.5);
  assert.equal(f[key('vip')], true);
  // Zendesk renders dates either as 2024-02-29 or 2024-02-29T00:00:00Z.
  assert.match(String(f[key('birthday')]), /^2024-02-29/);
  assert.equal(f[key('plan')], 'gold');
  assert.equal(f[key('code')], 'ABC');

  const { result: shown } = await zd.users.show(u.id);
  assert.equal(shown.user_fields[key('nickname')], 'Bob');
  // Every defined field appears, unset ones as null.
  const again = await srv.createUser();
  assert.ok(key('nickname') in again.user_fields, JSON.stringify(again.user_fields));
  assert.equal(again.user_fields[key('nickname')], null);
});

test('an update merges user_fields instead of wiping the others', async () => {
  const u = await srv.createUser({ user_fields: { [key('nickname')]: 'Keep', [key('seats')]: 3 } });
  const { result } = await zd.users.update(u.id, { user: { user_fields: { [key('seats')]: 4 } } });
  assert.equal(result.user_fields[key('nickname')], 'Keep');
  assert.equal(Number(result.user_fields[key('seats')]), 4);
});

test('invalid values are rejected with 422 per type', async () => {
  const cases = [
    [key('seats'), 'forty-two'],
    [key('seats'), 1.5],
    [key('score'), 'abc'],
    [key('vip'), 'maybe'],
    [key('birthday'), '2023-02-29'],
    [key('birthday'), 'yesterday'],
    [key('plan'), 'platinum'],
    [key('code'), 'abcd'],
  ];
  const u = await srv.createUser();
  for (const [k, v] of cases) {
    const res = await srv.put(`/api/v2/users/${u.id}.json`, { user: { user_fields: { [k]: v } } });
    assert.equal(res.status, 422, `${k}=${JSON.stringify(v)} → ${res.status} ${res.text}`);
    assert.equal(res.json.error, 'RecordInvalid');
  }
  const created = await srv.post('/api/v2/users.json', {
    user: { name: 'Bad Field', email: `bad-${suffix}@example.test`, user_fields: { [key('seats')]: 'x' } },
  });
  assert.equal(created.status, 422, created.text);
  const err = await rejection(() =>
    zd.users.update(u.id, { user: { user_fields: { [key('plan')]: 'bronze' } } }),
  );
  assert.equal(err.statusCode, 422);
});

test('only admins define user fields → 403 for an agent', async () => {
  const agent = await srv.createUserWithPassword({ role: 'agent' });
  const res = await srv.post(
    '/api/v2/user_fields.json',
    { user_field: { type: 'text', key: key('agentmade'), title: 'x' } },
    { auth: agent.auth },
  );
  assert.equal(res.status, 403, res.text);
});
