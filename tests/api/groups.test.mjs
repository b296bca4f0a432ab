// Groups and group memberships (reference §2.9).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, uniqueName, ISO_UTC, rejection } from './harness.mjs';

let srv;
let zd;

before(async () => {
  srv = await startServer();
  zd = srv.client({ throwOriginalException: true });
});
after(() => srv?.stop());

async function createGroup(attrs = {}) {
  const { result } = await zd.groups.create({ group: { name: uniqueName('Group'), ...attrs } });
  return result;
}

test('create, show, update, list and delete a group', async () => {
  const name = uniqueName('Support');
  const res = await srv.post('/api/v2/groups.json', { group: { name, description: 'Tier 1' } });
  assert.equal(res.status, 201, res.text);
  const g = res.json.group;
  assert.equal(res.headers.get('location'), `${srv.apiUrl}/groups/${g.id}.json`);
  assert.equal(g.url, `${srv.apiUrl}/groups/${g.id}.json`);
  assert.equal(g.name, name);
  assert.equal(g.description, 'Tier 1');
  assert.equal(g.deleted, false);
  assert.equal(typeof g.default, 'boolean');
  assert.match(g.created_at, ISO_UTC);

  const { result: shown } = await zd.groups.show(g.id);
  assert.equal(shown.name, name);
  const { result: upd } = await zd.groups.update(g.id, { group: { description: 'Tier 2' } });
  assert.equal(upd.description, 'Tier 2');

  const all = await zd.groups.list();
  assert.ok(all.some((x) => x.id === g.id));

  const del = await srv.del(`/api/v2/groups/${g.id}.json`);
  assert.equal(del.status, 204);
  const after = await zd.groups.list();
  assert.ok(!after.some((x) => x.id === g.id), 'a deleted group is not listed');
});

test('a group without a name → 422', async () => {
  const res = await srv.post('/api/v2/groups.json', { group: { description: 'x' } });
  assert.equal(res.status, 422, res.text);
  assert.equal(res.json.error, 'RecordInvalid');
});

test('agents can be group members; the membership is listed everywhere', async () => {
  const g = await createGroup();
  const agent = await srv.createUser({ role: 'agent' });
  const { response, result: m } = await zd.groupmemberships.create({
    group_membership: { user_id: agent.id, group_id: g.id },
  });
  assert.equal(response.status, 201);
  assert.equal(m.user_id, agent.id);
  assert.equal(m.group_id, g.id);
  assert.equal(m.url, `${srv.apiUrl}/group_memberships/${m.id}.json`);
  assert.equal(typeof m.default, 'boolean');

  const byGroup = await zd.groupmemberships.listByGroup(g.id);
  assert.deepEqual(byGroup.map((x) => x.user_id), [agent.id]);
  const byUser = await zd.groupmemberships.listByUser(agent.id);
  assert.deepEqual(byUser.map((x) => x.group_id), [g.id]);
  const all = await zd.groupmemberships.list();
  assert.ok(all.some((x) => x.id === m.id));

  const groupsOfUser = await srv.get(`/api/v2/users/${agent.id}/groups.json`);
  assert.equal(groupsOfUser.status, 200, groupsOfUser.text);
  assert.deepEqual(groupsOfUser.json.groups.map((x) => x.id), [g.id]);

  const usersOfGroup = await zd.users.listByGroup(g.id);
  assert.deepEqual(usersOfGroup.map((u) => u.id), [agent.id]);

  const assignable = await zd.groups.assignable();
  assert.ok(assignable.some((x) => x.id === g.id));
});

test('admins can be group members too', async () => {
  const g = await createGroup();
  const admin = await srv.createUser({ role: 'admin' });
  const { response } = await zd.groupmemberships.create({
    group_membership: { user_id: admin.id, group_id: g.id },
  });
  assert.equal(response.status, 201);
});

test('an end user cannot be a group member → 422', async () => {
  const g = await createGroup();
  const endUser = await srv.createUser({ role: 'end-user' });
  const err = await rejection(() =>
    zd.groupmemberships.create({ group_membership: { user_id: endUser.id, group_id: g.id } }),
  );
  assert.equal(err.statusCode, 422);
  assert.equal(err.result?.error, 'RecordInvalid');
});

test('a duplicate group membership → 422', async () => {
  const g = await createGroup();
  const agent = await srv.createUser({ role: 'agent' });
  await zd.groupmemberships.create({ group_membership: { user_id: agent.id, group_id: g.id } });
  const err = await rejection(() =>
    zd.groupmemberships.create({ group_membership: { user_id: agent.id, group_id: g.id } }),
  );
  assert.equal(err.statusCode, 422);
});

test('make_default and delete a group membership', async () => {
  const g1 = await createGroup();
  const g2 = await createGroup();
  const agent = await srv.createUser({ role: 'agent' });
  const { result: m1 } = await zd.groupmemberships.createByUser(agent.id, {
    group_membership: { user_id: agent.id, group_id: g1.id },
  });
  const { result: m2 } = await zd.groupmemberships.createByUser(agent.id, {
    group_membership: { user_id: agent.id, group_id: g2.id },
  });
  const { result } = await zd.groupmemberships.makeDefault(agent.id, m2.id);
  const list = Array.isArray(result) ? result : [result];
  const d = list.find((x) => x.id === m2.id);
  assert.equal(d?.default, true, JSON.stringify(result));
  const { result: user } = await zd.users.show(agent.id);
  assert.equal(user.default_group_id, g2.id);

  const del = await srv.del(`/api/v2/group_memberships/${m1.id}.json`);
  assert.equal(del.status, 204);
  const left = await zd.groupmemberships.listByUser(agent.id);
  assert.deepEqual(left.map((x) => x.id), [m2.id]);
});

test('demoting an agent to end user leaves no end user in a group', async () => {
  // Zendesk removes an agent's group memberships when the role becomes end-user; either
  // way no end user may remain a group member.
  const g = await createGroup();
  const agent = await srv.createUser({ role: 'agent' });
  await zd.groupmemberships.create({ group_membership: { user_id: agent.id, group_id: g.id } });
  const res = await srv.put(`/api/v2/users/${agent.id}.json`, { user: { role: 'end-user' } });
  if (res.status === 200) {
    const members = await zd.groupmemberships.listByGroup(g.id);
    assert.ok(!members.some((m) => m.user_id === agent.id), 'end user left in a group');
  } else {
    assert.equal(res.status, 422, res.text);
  }
});

test('an agent cannot create groups (admin only) → 403', async () => {
  const agent = await srv.createUserWithPassword({ role: 'agent' });
  const res = await srv.post('/api/v2/groups.json', { group: { name: uniqueName() } }, { auth: agent.auth });
  assert.equal(res.status, 403, res.text);
});
