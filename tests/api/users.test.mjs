// Users through node-zendesk (reference §2.5, §8.4 "users"), with raw HTTP where
// status codes and headers matter.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startServer,
  uniqueEmail,
  uniqueName,
  ISO_UTC,
  USER_PASSWORD,
  rejection,
} from './harness.mjs';

let srv;
let zd;

before(async () => {
  srv = await startServer();
  zd = srv.client({ throwOriginalException: true });
});
after(() => srv?.stop());

test('users.me returns the authenticated admin', async () => {
  const { response, result } = await zd.users.me();
  assert.equal(response.status, 200);
  assert.equal(result.email, srv.adminEmail);
  assert.equal(result.role, 'admin');
  assert.equal(result.active, true);
  assert.ok(Number.isSafeInteger(result.id) && result.id > 0);
  const { result: again } = await zd.users.auth();
  assert.equal(again.id, result.id);
});

test('create answers 201 with a Location header and the full user object', async () => {
  const email = uniqueEmail('create');
  const name = uniqueName('Create');
  const res = await srv.post('/api/v2/users.json', { user: { name, email } });
  assert.equal(res.status, 201, res.text);
  const u = res.json.user;
  assert.equal(res.headers.get('location'), `${srv.apiUrl}/users/${u.id}.json`);
  assert.ok(Number.isSafeInteger(u.id) && u.id > 0);
  assert.equal(u.url, `${srv.apiUrl}/users/${u.id}.json`);
  assert.equal(u.name, name);
  assert.equal(u.email, email);
  assert.equal(u.role, 'end-user');
  assert.equal(u.active, true);
  assert.equal(u.suspended, false);
  assert.equal(typeof u.verified, 'boolean');
  assert.deepEqual(u.tags, []);
  assert.deepEqual(u.user_fields, {});
  assert.match(u.created_at, ISO_UTC);
  assert.match(u.updated_at, ISO_UTC);
  assert.equal(u.locale, 'en-US');
  // Absent optional values are null, not missing (reference §1.8).
  for (const k of ['external_id', 'organization_id', 'phone', 'notes', 'details', 'custom_role_id']) {
    assert.ok(k in u, `missing key ${k}`);
    assert.equal(u[k], null, `${k} should be null`);
  }
});

test('create with every attribute of the issue round-trips', async () => {
  const email = uniqueEmail('full');
  const external = `ext-${email}`;
  const { response, result: u } = await zd.users.create({
    user: {
      name: 'Émilie Dupont',
      email,
      role: 'agent',
      tags: ['vip', 'beta'],
      notes: 'Prefers email',
      details: 'Paris office',
      external_id: external,
      locale: 'fr',
      time_zone: 'Paris',
      phone: '+33123456789',
    },
  });
  assert.equal(response.status, 201);
  assert.equal(u.name, 'Émilie Dupont');
  assert.equal(u.role, 'agent');
  assert.deepEqual([...u.tags].sort(), ['beta', 'vip']);
  assert.equal(u.notes, 'Prefers email');
  assert.equal(u.details, 'Paris office');
  assert.equal(u.external_id, external);
  assert.equal(u.locale, 'fr');
  assert.equal(u.time_zone, 'Paris');
  assert.equal(u.iana_time_zone, 'Europe/Paris');
  assert.equal(u.phone, '+33123456789');

  const { result: shown } = await zd.users.show(u.id);
  assert.equal(shown.email, email);
  assert.equal(shown.external_id, external);
  assert.equal(shown.time_zone, 'Paris');
});

test('update changes fields and replaces tags', async () => {
  const u = await srv.createUser({ tags: ['one'] });
  const { result } = await zd.users.update(u.id, {
    user: { name: 'Renamed Person', notes: 'n2', tags: ['two', 'three'], locale: 'de' },
  });
  assert.equal(result.id, u.id);
  assert.equal(result.name, 'Renamed Person');
  assert.equal(result.notes, 'n2');
  assert.deepEqual([...result.tags].sort(), ['three', 'two']);
  assert.equal(result.locale, 'de');
  assert.equal(result.email, u.email, 'untouched fields stay');
  assert.ok(result.updated_at >= u.updated_at);
});

test('update to an email that another user has → 422 DuplicateValue', async () => {
  const a = await srv.createUser();
  const b = await srv.createUser();
  const res = await srv.put(`/api/v2/users/${b.id}.json`, { user: { email: a.email } });
  assert.equal(res.status, 422, res.text);
  assert.equal(res.json.details?.email?.[0]?.error, 'DuplicateValue');
});

test('suspend and unsuspend (node-zendesk sends PUT suspended)', async () => {
  const u = await srv.createUser();
  const { result: s } = await zd.users.suspend(u.id);
  assert.equal(s.suspended, true);
  const { result: shown } = await zd.users.show(u.id);
  assert.equal(shown.suspended, true);
  const { result: us } = await zd.users.unsuspend(u.id);
  assert.equal(us.suspended, false);
});

test('delete is a soft delete: 200 with active=false, still shown as inactive', async () => {
  const u = await srv.createUser();
  const res = await srv.del(`/api/v2/users/${u.id}.json`);
  assert.equal(res.status, 200, res.text);
  assert.equal(res.json.user.id, u.id);
  assert.equal(res.json.user.active, false);
  const shown = await srv.get(`/api/v2/users/${u.id}.json`);
  assert.equal(shown.status, 200);
  assert.equal(shown.json.user.active, false);
});

test('show_many by ids and by external_ids', async () => {
  const a = await srv.createUser({ external_id: `sm-a-${Date.now()}` });
  const b = await srv.createUser({ external_id: `sm-b-${Date.now()}` });
  const { result } = await zd.users.showMany([a.id, b.id]);
  assert.deepEqual(result.map((u) => u.id).sort((x, y) => x - y), [a.id, b.id].sort((x, y) => x - y));

  const res = await srv.get(
    `/api/v2/users/show_many.json?external_ids=${encodeURIComponent(`${a.external_id},${b.external_id}`)}`,
  );
  assert.equal(res.status, 200, res.text);
  assert.deepEqual(res.json.users.map((u) => u.id).sort((x, y) => x - y), [a.id, b.id].sort((x, y) => x - y));
});

test('search by query (name word and email) and by external_id', async () => {
  const word = `zq${Date.now().toString(36)}`;
  const a = await srv.createUser({ name: `Alice ${word}` });
  const b = await srv.createUser({ name: `Bob ${word}`, external_id: `ext-${word}` });
  await srv.createUser({ name: 'Someone Else' });

  const found = await zd.users.search({ query: word });
  assert.deepEqual(found.map((u) => u.id).sort((x, y) => x - y), [a.id, b.id].sort((x, y) => x - y));

  const byEmail = await zd.users.search({ query: a.email });
  assert.deepEqual(byEmail.map((u) => u.id), [a.id]);

  const res = await srv.get(`/api/v2/users/search.json?external_id=ext-${word}`);
  assert.equal(res.status, 200, res.text);
  assert.deepEqual(res.json.users.map((u) => u.id), [b.id]);
  assert.ok('count' in res.json && 'next_page' in res.json, 'offset envelope');
});

test('create_or_update creates (201) then updates (200) by email', async () => {
  const email = uniqueEmail('cou');
  const first = await srv.post('/api/v2/users/create_or_update.json', {
    user: { name: 'First Name', email },
  });
  assert.equal(first.status, 201, first.text);
  assert.ok(first.headers.get('location')?.endsWith(`/users/${first.json.user.id}.json`));
  const second = await srv.post('/api/v2/users/create_or_update.json', {
    user: { name: 'Second Name', email },
  });
  assert.equal(second.status, 200, second.text);
  assert.equal(second.json.user.id, first.json.user.id);
  assert.equal(second.json.user.name, 'Second Name');

  const { result } = await zd.users.createOrUpdate({ user: { name: 'Third Name', email } });
  assert.equal(result.id, first.json.user.id);
  assert.equal(result.name, 'Third Name');
});

test('list filters by role and role[]', async () => {
  const agent = await srv.createUser({ role: 'agent' });
  const agents = await zd.users.listWithFilter('role', 'agent');
  assert.ok(agents.length >= 1);
  assert.ok(agents.every((u) => u.role === 'agent'), 'only agents');
  assert.ok(agents.some((u) => u.id === agent.id));

  const res = await srv.get('/api/v2/users.json?role[]=agent&role[]=admin');
  assert.equal(res.status, 200, res.text);
  const roles = new Set(res.json.users.map((u) => u.role));
  assert.ok(roles.has('agent') && roles.has('admin'));
  assert.ok(!roles.has('end-user'));
});

test('side-loads organizations, identities and groups', async () => {
  const org = await srv.createRecord('/api/v2/organizations.json', 'organization', {
    name: uniqueName('SideOrg'),
  });
  const group = await srv.createRecord('/api/v2/groups.json', 'group', { name: uniqueName('SideGroup') });
  const agent = await srv.createUser({ role: 'agent', organization_id: org.id });
  const gm = await srv.post('/api/v2/group_memberships.json', {
    group_membership: { user_id: agent.id, group_id: group.id },
  });
  assert.equal(gm.status, 201, gm.text);

  const res = await srv.get(`/api/v2/users/${agent.id}.json?include=organizations,identities,groups`);
  assert.equal(res.status, 200, res.text);
  assert.ok(res.json.organizations.some((o) => o.id === org.id), 'organizations side-loaded');
  assert.ok(
    res.json.identities.some((i) => i.user_id === agent.id && i.type === 'email' && i.value === agent.email),
    'identities side-loaded',
  );
  assert.ok(res.json.groups.some((g) => g.id === group.id), 'groups side-loaded');

  // The same through node-zendesk, which decorates the record from the side-loads.
  const c = srv.client();
  c.users.setSideLoad(['organizations', 'identities', 'groups']);
  const { result } = await c.users.show(agent.id);
  assert.equal(result.organization?.id, org.id);
  assert.ok(Array.isArray(result.identity) && result.identity[0].value === agent.email);
});

test('admin sets a password (POST); the user signs in with it', async () => {
  const u = await srv.createUser();
  const set = await srv.post(`/api/v2/users/${u.id}/password.json`, { password: USER_PASSWORD });
  assert.ok(set.status === 200 || set.status === 204, `${set.status} ${set.text}`);
  const me = await srv.get('/api/v2/users/me.json', { auth: { email: u.email, password: USER_PASSWORD } });
  assert.equal(me.status, 200, me.text);
  assert.equal(me.json.user.id, u.id);
});

test('a user changes their own password (PUT with previous_password)', async () => {
  const u = await srv.createUser({ role: 'agent' });
  await srv.setPassword(u.id, USER_PASSWORD);
  const userClient = srv.passwordClient(u.email, USER_PASSWORD, { throwOriginalException: true });
  const newPassword = 'N3w-Passw0rd-For-Tests';
  const { response } = await userClient.users.password(u.id, USER_PASSWORD, newPassword);
  assert.ok(response.status === 200 || response.status === 204, `status ${response.status}`);

  const old = await srv.get('/api/v2/users/me.json', { auth: { email: u.email, password: USER_PASSWORD } });
  assert.equal(old.status, 401, 'old password no longer works');
  const fresh = await srv.get('/api/v2/users/me.json', { auth: { email: u.email, password: newPassword } });
  assert.equal(fresh.status, 200);
  assert.equal(fresh.json.user.id, u.id);
});

test('changing a password with a wrong previous_password fails and changes nothing', async () => {
  const u = await srv.createUser({ role: 'agent' });
  await srv.setPassword(u.id, USER_PASSWORD);
  const res = await srv.put(
    `/api/v2/users/${u.id}/password.json`,
    { previous_password: 'wrong-previous', password: 'Another-Passw0rd-123' },
    { auth: { email: u.email, password: USER_PASSWORD } },
  );
  assert.ok(res.status >= 400 && res.status < 500, `${res.status} ${res.text}`);
  const still = await srv.get('/api/v2/users/me.json', { auth: { email: u.email, password: USER_PASSWORD } });
  assert.equal(still.status, 200);
});

test('node-zendesk surfaces a 404 as an error with statusCode', async () => {
  const err = await rejection(() => zd.users.show(999999999));
  assert.equal(err.statusCode, 404);
  assert.equal(err.result?.error, 'RecordNotFound');
});

test('node-zendesk surfaces a duplicate email as 422 with details', async () => {
  const u = await srv.createUser();
  const err = await rejection(() => zd.users.create({ user: { name: uniqueName(), email: u.email } }));
  assert.equal(err.statusCode, 422);
  assert.equal(err.result?.details?.email?.[0]?.error, 'DuplicateValue');
});

test('create_or_update matches an existing user by external_id', async () => {
  const external = `cou-ext-${Date.now().toString(36)}`;
  const u = await srv.createUser({ external_id: external });
  const res = await srv.post('/api/v2/users/create_or_update.json', {
    user: { external_id: external, name: 'Matched By External Id' },
  });
  assert.equal(res.status, 200, res.text);
  assert.equal(res.json.user.id, u.id);
  assert.equal(res.json.user.name, 'Matched By External Id');
  assert.equal(res.json.user.email, u.email);
});

test('concurrent creates with one email: exactly one wins, the others get DuplicateValue', async () => {
  const email = uniqueEmail('race');
  const results = await Promise.all(
    Array.from({ length: 16 }, (_, i) =>
      srv.post('/api/v2/users.json', { user: { name: `Racer ${i}`, email } }),
    ),
  );
  const statuses = results.map((r) => r.status);
  assert.equal(statuses.filter((s) => s === 201).length, 1, `statuses: ${statuses}`);
  for (const r of results.filter((x) => x.status !== 201)) {
    assert.equal(r.status, 422, r.text);
    assert.equal(r.json.details?.email?.[0]?.error, 'DuplicateValue');
  }
  const found = await zd.users.search({ query: email });
  assert.equal(found.length, 1);
});

test('concurrent creates with distinct emails all succeed with distinct ids', async () => {
  const results = await Promise.all(
    Array.from({ length: 32 }, (_, i) =>
      srv.post('/api/v2/users.json', { user: { name: `Parallel ${i}`, email: uniqueEmail('par') } }),
    ),
  );
  assert.deepEqual([...new Set(results.map((r) => r.status))], [201]);
  const ids = results.map((r) => r.json.user.id);
  assert.equal(new Set(ids).size, ids.length);
});
