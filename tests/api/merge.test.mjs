// User merge (reference §2.5): PUT /users/{source}/merge {"user":{"id":target}} merges
// the source end user into the target and returns the target.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, uniqueName, rejection, USER_PASSWORD } from './harness.mjs';

let srv;
let zd;

before(async () => {
  srv = await startServer();
  zd = srv.client({ throwOriginalException: true });
});
after(() => srv?.stop());

test('identities, memberships and tags move to the target; the source is gone', async () => {
  const org = (await zd.organizations.create({ organization: { name: uniqueName('MergeOrg') } })).result;
  const source = await srv.createUser({ tags: ['from-source'] });
  const target = await srv.createUser({ tags: ['keep'] });
  await zd.useridentities.create(source.id, { identity: { type: 'phone_number', value: '+15559990001' } });
  await zd.organizationmemberships.create({ user_id: source.id, organization_id: org.id });
  const sourcePassword = await srv.setPassword(source.id, USER_PASSWORD);
  await srv.setPassword(target.id, 'Target-Passw0rd-For-Tests');

  // Sanity: the source can sign in before the merge.
  const before = await srv.get('/api/v2/users/me.json', {
    auth: { email: source.email, password: sourcePassword },
  });
  assert.equal(before.status, 200);

  const { response, result } = await zd.users.merge(source.id, target.id);
  assert.equal(response.status, 200);
  assert.equal(result.id, target.id, 'merge returns the target user');

  const identities = await zd.useridentities.list(target.id);
  const values = identities.map((i) => i.value);
  assert.ok(values.includes(target.email), 'target keeps its email');
  assert.ok(values.includes(source.email), 'source email moved');
  assert.ok(values.includes('+15559990001'), 'source phone moved');
  assert.equal(identities.filter((i) => i.type === 'email' && i.primary).length, 1);
  assert.equal(identities.find((i) => i.primary && i.type === 'email').value, target.email);

  const { result: t } = await zd.users.show(target.id);
  assert.deepEqual([...t.tags].sort(), ['from-source', 'keep']);

  const memberships = await zd.organizationmemberships.listByUser(target.id);
  assert.ok(memberships.some((m) => m.organization_id === org.id), 'membership moved');

  const s = await srv.get(`/api/v2/users/${source.id}.json`);
  assert.equal(s.status, 200, s.text);
  assert.equal(s.json.user.active, false, 'source is inactive');
  const sourceIdentities = await srv.get(`/api/v2/users/${source.id}/identities.json`);
  assert.ok(
    sourceIdentities.status === 404 || sourceIdentities.json.identities.length === 0,
    `source still has identities: ${sourceIdentities.text}`,
  );

  const after = await srv.get('/api/v2/users/me.json', {
    auth: { email: source.email, password: sourcePassword },
  });
  assert.equal(after.status, 401, 'the source can no longer authenticate');
});

test('merging an agent is refused (422 or 403)', async () => {
  const agent = await srv.createUser({ role: 'agent' });
  const target = await srv.createUser();
  const err = await rejection(() => zd.users.merge(agent.id, target.id));
  assert.ok([403, 422].includes(err.statusCode), `status ${err.statusCode}`);
  const { result } = await zd.users.show(agent.id);
  assert.equal(result.active, true, 'nothing happened to the agent');
});

test('merging into an agent is refused (422 or 403)', async () => {
  const source = await srv.createUser();
  const agent = await srv.createUser({ role: 'agent' });
  const res = await srv.put(`/api/v2/users/${source.id}/merge.json`, { user: { id: agent.id } });
  assert.ok([403, 422].includes(res.status), `${res.status} ${res.text}`);
  const { result } = await zd.users.show(source.id);
  assert.equal(result.active, true);
});

test('merging a user into itself → 422', async () => {
  const u = await srv.createUser();
  const res = await srv.put(`/api/v2/users/${u.id}/merge.json`, { user: { id: u.id } });
  assert.equal(res.status, 422, res.text);
});

test('merging into an unknown user → 404 or 422', async () => {
  const u = await srv.createUser();
  const res = await srv.put(`/api/v2/users/${u.id}/merge.json`, { user: { id: 999999999 } });
  assert.ok([404, 422].includes(res.status), `${res.status} ${res.text}`);
});

test('an end user cannot merge other users', async () => {
  const { auth } = await srv.createUserWithPassword();
  const a = await srv.createUser();
  const b = await srv.createUser();
  const res = await srv.put(`/api/v2/users/${a.id}/merge.json`, { user: { id: b.id } }, { auth });
  assert.equal(res.status, 403, res.text);
});
