// Bulk operations and job statuses (reference §1.9, §8.3 item 8): create_many,
// create_or_update_many, update_many, destroy_many, polled with node-zendesk's
// jobstatuses.watch().
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, uniqueEmail, uniqueName, watchJob } from './harness.mjs';

let srv;
let zd;

before(async () => {
  srv = await startServer();
  zd = srv.client({ throwOriginalException: true });
});
after(() => srv?.stop());

function assertJobStatus(js, total) {
  assert.equal(typeof js.id, 'string', 'job status ids are strings');
  assert.ok(js.id.length > 0);
  assert.equal(js.url, `${srv.apiUrl}/job_statuses/${js.id}.json`);
  assert.ok(['queued', 'working', 'completed'].includes(js.status), `status ${js.status}`);
  if (total !== undefined) assert.equal(js.total, total);
  for (const k of ['progress', 'message', 'results']) assert.ok(k in js, `missing ${k}`);
}

test('users.createMany → job_status → completed, users exist', async () => {
  const users = [0, 1, 2].map(() => ({ name: uniqueName('Bulk'), email: uniqueEmail('bulk') }));
  const { response, result } = await zd.users.createMany({ users });
  assert.equal(response.status, 200);
  assertJobStatus(result.job_status, 3);

  const done = await watchJob(zd, result.job_status);
  assert.equal(done.status, 'completed', JSON.stringify(done));
  assert.equal(done.total, 3);
  assert.equal(done.results.length, 3);
  const ids = done.results.map((r) => r.id);
  assert.ok(ids.every((id) => Number.isSafeInteger(id)), JSON.stringify(done.results));

  const { result: shown } = await zd.users.showMany(ids);
  assert.deepEqual(shown.map((u) => u.email).sort(), users.map((u) => u.email).sort());

  const again = await srv.get(`/api/v2/job_statuses/${result.job_status.id}.json`);
  assert.equal(again.status, 200);
  assert.equal(again.json.job_status.status, 'completed');
  assert.equal(again.json.job_status.id, result.job_status.id);
});

test('a create_many item that fails is reported in results, the others are created', async () => {
  const existing = await srv.createUser();
  const fresh = { name: uniqueName('Fresh'), email: uniqueEmail('fresh') };
  const { result } = await zd.users.createMany({
    users: [fresh, { name: uniqueName('Dup'), email: existing.email }],
  });
  const done = await watchJob(zd, result.job_status);
  assert.ok(['completed', 'failed'].includes(done.status), done.status);
  assert.equal(done.results.length, 2);
  assert.ok(done.results.some((r) => r.error || r.errors || r.success === false), JSON.stringify(done.results));
  const found = await zd.users.search({ query: fresh.email });
  assert.equal(found.length, 1);
});

test('users.updateMany with ids and one user object', async () => {
  const a = await srv.createUser();
  const b = await srv.createUser();
  // node-zendesk's updateMany(ids, body, …) needs a third argument to take the ids branch.
  const { result } = await zd.users.updateMany([a.id, b.id], { user: { notes: 'bulk-notes' } }, null);
  assertJobStatus(result.job_status);
  const done = await watchJob(zd, result.job_status);
  assert.equal(done.status, 'completed', JSON.stringify(done));
  assert.equal(done.results.length, 2);
  for (const r of done.results) {
    assert.ok([a.id, b.id].includes(r.id));
    assert.equal(r.success, true);
    assert.equal(r.action, 'update');
  }
  const { result: shown } = await zd.users.showMany([a.id, b.id]);
  assert.ok(shown.every((u) => u.notes === 'bulk-notes'));
});

test('users.updateMany with a users array (each its own change)', async () => {
  const a = await srv.createUser();
  const b = await srv.createUser();
  const { result } = await zd.users.updateMany(
    { users: [{ id: a.id, name: 'Renamed A' }, { id: b.id, name: 'Renamed B' }] },
    null,
  );
  const done = await watchJob(zd, result.job_status);
  assert.equal(done.status, 'completed', JSON.stringify(done));
  const { result: sa } = await zd.users.show(a.id);
  const { result: sb } = await zd.users.show(b.id);
  assert.equal(sa.name, 'Renamed A');
  assert.equal(sb.name, 'Renamed B');
});

test('users.createOrUpdateMany updates existing users and creates new ones', async () => {
  const existing = await srv.createUser();
  const newEmail = uniqueEmail('coum');
  const { result } = await zd.users.createOrUpdateMany({
    users: [
      { email: existing.email, name: 'Updated By Email' },
      { email: newEmail, name: 'Created By Upsert' },
    ],
  });
  const done = await watchJob(zd, result.job_status);
  assert.equal(done.status, 'completed', JSON.stringify(done));
  const { result: shown } = await zd.users.show(existing.id);
  assert.equal(shown.name, 'Updated By Email');
  const found = await zd.users.search({ query: newEmail });
  assert.equal(found.length, 1);
  assert.equal(found[0].name, 'Created By Upsert');
});

test('users.destroyMany soft-deletes every listed user', async () => {
  const a = await srv.createUser();
  const b = await srv.createUser();
  const { result } = await zd.users.destroyMany([a.id, b.id], null, null);
  const done = await watchJob(zd, result.job_status);
  assert.equal(done.status, 'completed', JSON.stringify(done));
  for (const r of done.results) assert.equal(r.success, true, JSON.stringify(r));
  for (const id of [a.id, b.id]) {
    const res = await srv.get(`/api/v2/users/${id}.json`);
    assert.equal(res.json?.user?.active, false, `user ${id}: ${res.status} ${res.text}`);
  }
});

test('organizations.createMany and bulkDelete', async () => {
  const names = [uniqueName('BulkOrg'), uniqueName('BulkOrg')];
  const { result } = await zd.organizations.createMany({ organizations: names.map((name) => ({ name })) });
  const done = await watchJob(zd, result.job_status);
  assert.equal(done.status, 'completed', JSON.stringify(done));
  const ids = done.results.map((r) => r.id);
  assert.equal(ids.length, 2);
  const shown = await zd.organizations.showMany(ids);
  assert.deepEqual(shown.map((o) => o.name).sort(), [...names].sort());

  const { result: del } = await zd.organizations.bulkDelete(ids);
  const deleted = await watchJob(zd, del.job_status);
  assert.equal(deleted.status, 'completed', JSON.stringify(deleted));
  for (const id of ids) {
    const res = await srv.get(`/api/v2/organizations/${id}.json`);
    assert.equal(res.status, 404);
  }
});

test('more than 100 items in one bulk request is refused', async () => {
  const users = Array.from({ length: 101 }, (_, i) => ({ name: `Too Many ${i}`, email: uniqueEmail('many') }));
  const res = await srv.post('/api/v2/users/create_many.json', { users });
  assert.ok(res.status === 400 || res.status === 422, `${res.status} ${res.text.slice(0, 300)}`);
});

test('job statuses: list, show_many and 404 for an unknown id', async () => {
  const { result } = await zd.users.createMany({
    users: [{ name: uniqueName('Job'), email: uniqueEmail('job') }],
  });
  await watchJob(zd, result.job_status);
  const list = await srv.get('/api/v2/job_statuses.json');
  assert.equal(list.status, 200, list.text);
  assert.ok(list.json.job_statuses.some((j) => j.id === result.job_status.id));

  const { result: many } = await zd.jobstatuses.showMany([result.job_status.id]);
  const arr = many.job_statuses ?? many;
  assert.ok(arr.some((j) => j.id === result.job_status.id), JSON.stringify(many));

  const missing = await srv.get('/api/v2/job_statuses/V3-doesnotexist.json');
  assert.equal(missing.status, 404);
  assert.equal(missing.json?.error, 'RecordNotFound');
});

test('bulk endpoints need an agent or admin', async () => {
  const endUser = await srv.createUserWithPassword();
  const res = await srv.post(
    '/api/v2/users/create_many.json',
    { users: [{ name: uniqueName(), email: uniqueEmail() }] },
    { auth: endUser.auth },
  );
  assert.equal(res.status, 403, res.text);
});
