// The durable job queue seen by admins (`/api/v2/queued_jobs`, a Comptoir extension):
// every side effect is a job; admins list them by status, see a dead job's last error,
// retry or remove it. Agents and end users get 403.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, uniqueEmail, uniqueName, watchJob, ISO_UTC } from './harness.mjs';

let srv;
let zd;

before(async () => {
  srv = await startServer();
  zd = srv.client({ throwOriginalException: true });
});
after(() => srv?.stop());

test('a finished bulk job is listed as a done queued job with its attempts', async () => {
  const { result } = await zd.users.createMany({
    users: [{ name: uniqueName('Queued'), email: uniqueEmail('queued') }],
  });
  const done = await watchJob(zd, result.job_status);
  assert.equal(done.status, 'completed');

  const all = await srv.request('GET', '/api/v2/queued_jobs.json');
  assert.equal(all.status, 200, all.text);
  const job = all.json.queued_jobs.find((j) => j.kind === 'bulk');
  assert.ok(job, all.text);
  assert.equal(job.status, 'done');
  assert.equal(job.attempts, 1);
  assert.match(job.created_at, ISO_UTC);
  assert.equal(job.leased_by, null, 'a finished job holds no lease');
  assert.equal(job.url, `${srv.apiUrl}/queued_jobs/${job.id}.json`);

  const one = await srv.request('GET', `/api/v2/queued_jobs/${job.id}`);
  assert.equal(one.status, 200);
  assert.equal(one.json.queued_job.id, job.id);

  const dead = await srv.request('GET', '/api/v2/queued_jobs.json?status=dead');
  assert.equal(dead.status, 200);
  assert.ok(dead.json.queued_jobs.every((j) => j.status === 'dead'));

  // Only dead jobs are retried; running or finished ones are not removed.
  const retry = await srv.request('POST', `/api/v2/queued_jobs/${job.id}/retry.json`);
  assert.equal(retry.status, 422, retry.text);
  assert.equal(retry.json.error, 'RecordInvalid');
  const del = await srv.request('DELETE', `/api/v2/queued_jobs/${job.id}.json`);
  assert.equal(del.status, 422, del.text);
});

test('bad status filter is a 422; unknown job a 404', async () => {
  const bad = await srv.request('GET', '/api/v2/queued_jobs.json?status=sleeping');
  assert.equal(bad.status, 422, bad.text);
  assert.ok(bad.json.details.status, bad.text);
  const missing = await srv.request('GET', '/api/v2/queued_jobs/987654321.json');
  assert.equal(missing.status, 404);
  assert.equal(missing.json.error, 'RecordNotFound');
});

test('agents and end users may not see the queue', async () => {
  const agent = await srv.createUserWithPassword({ role: 'agent' });
  const r = await srv.request('GET', '/api/v2/queued_jobs.json', { auth: agent.auth });
  assert.equal(r.status, 403, r.text);
  const endUser = await srv.createUserWithPassword({ role: 'end-user' });
  const e = await srv.request('GET', '/api/v2/queued_jobs.json', { auth: endUser.auth });
  assert.equal(e.status, 403, e.text);
});
