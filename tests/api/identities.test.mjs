// User identities (reference §2.6) through node-zendesk's useridentities module.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, uniqueEmail, rejection } from './harness.mjs';

let srv;
let zd;

before(async () => {
  srv = await startServer();
  zd = srv.client({ throwOriginalException: true });
});
after(() => srv?.stop());

test('a new user has one primary email identity', async () => {
  const u = await srv.createUser();
  const list = await zd.useridentities.list(u.id);
  assert.equal(list.length, 1);
  const [i] = list;
  assert.equal(i.type, 'email');
  assert.equal(i.value, u.email);
  assert.equal(i.primary, true);
  assert.equal(i.user_id, u.id);
  assert.equal(i.url, `${srv.apiUrl}/users/${u.id}/identities/${i.id}.json`);
  for (const k of ['verified', 'created_at', 'updated_at']) assert.ok(k in i, `missing ${k}`);
});

test('create each supported identity type', async () => {
  const u = await srv.createUser();
  const cases = [
    { type: 'phone_number', value: '+15551234567' },
    { type: 'twitter', value: `tw${Date.now()}` },
    { type: 'facebook', value: `${Date.now()}` },
    { type: 'google', value: uniqueEmail('g', 'gmail.example') },
    { type: 'email', value: uniqueEmail('second') },
  ];
  for (const c of cases) {
    const { response, result } = await zd.useridentities.create(u.id, { identity: c });
    assert.equal(response.status, 201, JSON.stringify(c));
    assert.equal(result.type, c.type);
    assert.equal(result.value, c.value);
    assert.equal(result.user_id, u.id);
  }
  const list = await zd.useridentities.list(u.id);
  assert.equal(list.length, cases.length + 1);
  // The original email stays primary; the added email is not.
  const emails = list.filter((i) => i.type === 'email');
  assert.equal(emails.filter((i) => i.primary).length, 1);
  assert.equal(emails.find((i) => i.primary).value, u.email);
});

test('node-zendesk wraps a bare identity object in the envelope', async () => {
  const u = await srv.createUser();
  const { result } = await zd.useridentities.create(u.id, { type: 'phone_number', value: '+15557654321' });
  assert.equal(result.type, 'phone_number');
});

test('an unknown identity type → 422', async () => {
  const u = await srv.createUser();
  const res = await srv.post(`/api/v2/users/${u.id}/identities.json`, {
    identity: { type: 'carrier_pigeon', value: 'coo' },
  });
  assert.equal(res.status, 422, res.text);
  assert.equal(res.json.error, 'RecordInvalid');
});

test('an email identity already used by another user → 422', async () => {
  const a = await srv.createUser();
  const b = await srv.createUser();
  const res = await srv.post(`/api/v2/users/${b.id}/identities.json`, {
    identity: { type: 'email', value: a.email },
  });
  assert.equal(res.status, 422, res.text);
});

test('make_primary returns the whole list and moves the user email', async () => {
  const u = await srv.createUser();
  const second = uniqueEmail('primary');
  const { result: added } = await zd.useridentities.create(u.id, {
    identity: { type: 'email', value: second },
  });
  assert.equal(added.primary, false);
  const { result: list } = await zd.useridentities.makePrimary(u.id, added.id);
  assert.ok(Array.isArray(list), 'make_primary returns the identities list');
  assert.equal(list.find((i) => i.id === added.id).primary, true);
  assert.equal(list.find((i) => i.value === u.email).primary, false);
  const { result: user } = await zd.users.show(u.id);
  assert.equal(user.email, second);
});

test('verify marks an identity verified', async () => {
  const u = await srv.createUser();
  const { result: added } = await zd.useridentities.create(u.id, {
    identity: { type: 'email', value: uniqueEmail('verify') },
  });
  assert.equal(added.verified, false);
  const { result } = await zd.useridentities.verify(u.id, added.id);
  assert.equal(result.verified, true);
  const { result: shown } = await zd.useridentities.show(u.id, added.id);
  assert.equal(shown.verified, true);
});

test('update changes the value; delete removes the identity', async () => {
  const u = await srv.createUser();
  const { result: added } = await zd.useridentities.create(u.id, {
    identity: { type: 'phone_number', value: '+15550000001' },
  });
  const { result: updated } = await zd.useridentities.update(u.id, added.id, {
    identity: { value: '+15550000002' },
  });
  assert.equal(updated.value, '+15550000002');

  const del = await srv.del(`/api/v2/users/${u.id}/identities/${added.id}.json`);
  assert.equal(del.status, 204);
  assert.equal(del.text, '');
  const list = await zd.useridentities.list(u.id);
  assert.ok(!list.some((i) => i.id === added.id));
  const err = await rejection(() => zd.useridentities.show(u.id, added.id));
  assert.equal(err.statusCode, 404);
});

test("another user's identity is not reachable under a different user → 404", async () => {
  const a = await srv.createUser();
  const b = await srv.createUser();
  const [ia] = await zd.useridentities.list(a.id);
  const res = await srv.get(`/api/v2/users/${b.id}/identities/${ia.id}.json`);
  assert.equal(res.status, 404);
  assert.equal(res.json?.error, 'RecordNotFound');
});

test('identities of an unknown user → 404', async () => {
  const res = await srv.get('/api/v2/users/999999999/identities.json');
  assert.equal(res.status, 404);
});

test('an end user cannot read another user’s identities', async () => {
  const { auth } = await srv.createUserWithPassword();
  const other = await srv.createUser();
  const res = await srv.get(`/api/v2/users/${other.id}/identities.json`, { auth });
  // 403, or 404 to hide that the user exists.
  assert.ok(res.status === 403 || res.status === 404, `${res.status} ${res.text}`);
});
