// The database going away under a running server, and coming back. PostgreSQL only: the
// `pg` stage of scripts/test sets COMPTOIR_TEST_PG_URL, and COMPTOIR_TEST_PG_CTL (scripts/pg)
// and COMPTOIR_TEST_PG_DIR (the throw-away cluster's directory), with which this file stops
// and starts the cluster (`scripts/pg stop|start DIR`; a restart keeps the port). Skipped
// otherwise.
//
// While the database is down: API requests answer 503 with Retry-After and Zendesk's error
// body (also for a caller whose credentials are not cached, so the database is needed to
// authenticate: never a 401), /readyz is 503, /healthz is 200, the process stays up. Once
// the database is back, the same process answers again and what was written before the
// outage is still there. The cluster is always started again in `after`, so the files that
// run next find it up.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { startServer, uniqueName } from './harness.mjs';

const adminUrl = process.env.COMPTOIR_TEST_PG_URL;
const pgCtl = process.env.COMPTOIR_TEST_PG_CTL;
const pgDir = process.env.COMPTOIR_TEST_PG_DIR;
const skip = !adminUrl
  ? 'COMPTOIR_TEST_PG_URL is not set'
  : !pgCtl || !pgDir
    ? 'COMPTOIR_TEST_PG_CTL / COMPTOIR_TEST_PG_DIR are not set (scripts/test stage pg sets them)'
    : false;

// `scripts/pg stop|start DIR`; resolves its stdout (start prints the cluster's URL).
function pg(cmd) {
  return new Promise((resolve, reject) => {
    execFile(pgCtl, [cmd, pgDir], { timeout: 120_000 }, (error, stdout, stderr) =>
      error ? reject(new Error(`scripts/pg ${cmd}: ${stderr || error.message}`)) : resolve(stdout.trim()),
    );
  });
}

function assertUnavailable(res, what) {
  assert.equal(res.status, 503, `${what}: ${res.status} ${res.text}`);
  assert.equal(res.headers.get('retry-after'), '5', `${what}: Retry-After`);
  assert.match(res.headers.get('content-type') ?? '', /^application\/json/, `${what}: content type`);
  assert.ok(res.json, `${what}: a JSON body, got ${res.text}`);
  assert.equal(res.json.error, 'ServiceUnavailable', `${what}: ${res.text}`);
  assert.equal(typeof res.json.description, 'string', `${what}: ${res.text}`);
}

function assertAlive(srv) {
  assert.equal(srv.exitInfo, null, `the server exited: ${JSON.stringify(srv.exitInfo)}\n${srv.output()}`);
  process.kill(srv.pid, 0); // throws when the process is gone
}

describe('PostgreSQL outage', { skip }, () => {
  let srv;
  let pgStopped = false;
  let ticket; // created before the outage
  let agent; // {user, auth}: password credentials never used before the outage (not cached)
  const timings = {};

  before(async () => {
    srv = await startServer();
  });
  after(async () => {
    if (pgStopped) {
      await pg('start');
      pgStopped = false;
    }
    if (srv) {
      const exit = await srv.stop();
      assert.equal(exit.code, 0, `comptoir serve ended with ${JSON.stringify(exit)}`);
    }
    if (Object.keys(timings).length) {
      process.stderr.write(`pg_outage timings (ms): ${JSON.stringify(timings)}\n`);
    }
  });

  test('before the outage: a ticket and an agent are created', async () => {
    const res = await srv.post('/api/v2/tickets.json', {
      ticket: { subject: uniqueName('Before the outage'), comment: { body: 'Written before' } },
    });
    assert.equal(res.status, 201, res.text);
    ticket = res.json.ticket;
    agent = await srv.createUserWithPassword({ role: 'agent' });
    assert.equal((await srv.get('/readyz', { auth: 'none' })).status, 200);
  });

  test('the database stops under load: every answer is 2xx or 503, never 500', async () => {
    // Eight clients read and write without pause; the cluster is stopped (fast shutdown:
    // the server terminates the sessions in use) while they run, so some requests lose the
    // database in the middle of their transaction.
    const statuses = new Map();
    const bad = [];
    let running = true;
    let sent = 0;
    let afterStop = 0;
    const client = async (i) => {
      while (running) {
        sent += 1;
        const res =
          i % 2
            ? await srv.post('/api/v2/tickets.json', {
                ticket: { subject: uniqueName('Under load'), comment: { body: 'Load' } },
              })
            : await srv.get(`/api/v2/tickets/${ticket.id}.json`);
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        if (pgStopped) afterStop += 1;
        const ok = [200, 201].includes(res.status) || (res.status === 503 && res.headers.get('retry-after') === '5');
        if (!ok) bad.push(`${res.status} ${res.text}`);
      }
    };
    const clients = Array.from({ length: 8 }, (_, i) => client(i));
    while (sent < 40) await new Promise((r) => setTimeout(r, 5)); // the load is under way
    const t = performance.now();
    await pg('stop');
    pgStopped = true;
    timings.stop = Math.round(performance.now() - t);
    while (afterStop < 40) await new Promise((r) => setTimeout(r, 5));
    running = false;
    await Promise.all(clients);
    timings.load_statuses = Object.fromEntries(statuses);
    assert.deepEqual(bad, [], `unexpected answers: ${bad.slice(0, 5).join('\n')}`);
    assert.ok(statuses.get(503) > 0, `no 503 at all: ${JSON.stringify(timings.load_statuses)}`);
    assertAlive(srv);
  });

  test('while the database is down: 503 + Retry-After, /readyz 503, the process lives', async () => {
    assert.ok(pgStopped, 'the previous test stopped the cluster');
    let t = performance.now();
    assertUnavailable(await srv.get(`/api/v2/tickets/${ticket.id}.json`), 'GET ticket');
    timings.first_503 = Math.round(performance.now() - t);
    assertUnavailable(
      await srv.post('/api/v2/tickets.json', {
        ticket: { subject: uniqueName('During the outage'), comment: { body: 'Lost' } },
      }),
      'POST ticket',
    );
    assertUnavailable(await srv.get('/api/v2/users/me.json', { auth: agent.auth }), 'sign-in needing the database');
    assertUnavailable(await srv.get('/api/v2/tickets.json'), 'list tickets');

    // Many at once: every worker hits the dead database; all answer, none hangs.
    t = performance.now();
    const burst = await Promise.all(
      Array.from({ length: 32 }, (_, i) =>
        i % 2 ? srv.get(`/api/v2/tickets/${ticket.id}.json`) : srv.get('/api/v2/users.json'),
      ),
    );
    timings.burst_32 = Math.round(performance.now() - t);
    burst.forEach((res, i) => assertUnavailable(res, `burst request ${i}`));

    const ready = await srv.get('/readyz', { auth: 'none' });
    assert.equal(ready.status, 503, ready.text);
    assert.equal(ready.headers.get('retry-after'), '5');
    assert.equal(ready.json?.status, 'unavailable', ready.text);
    const health = await srv.get('/healthz', { auth: 'none' });
    assert.equal(health.status, 200, 'the process itself is healthy');
    assertAlive(srv);
  });

  test('after the database is back: the same process serves again, data intact', async () => {
    assert.ok(pgStopped, 'the cluster was stopped');
    let t = performance.now();
    const url = await pg('start');
    pgStopped = false;
    timings.start = Math.round(performance.now() - t);
    assert.equal(url, adminUrl, 'the restarted cluster must keep its port for the server to reconnect');

    t = performance.now();
    const again = await srv.get(`/api/v2/tickets/${ticket.id}.json`);
    timings.first_after = Math.round(performance.now() - t);
    assert.equal(again.status, 200, again.text);
    assert.equal(again.json.ticket.subject, ticket.subject);
    assert.equal((await srv.get('/readyz', { auth: 'none' })).status, 200);

    const created = await srv.post('/api/v2/tickets.json', {
      ticket: { subject: uniqueName('After the outage'), comment: { body: 'Written after' } },
    });
    assert.equal(created.status, 201, created.text);
    const me = await srv.get('/api/v2/users/me.json', { auth: agent.auth });
    assert.equal(me.status, 200, me.text);
    assert.equal(me.json.user.id, agent.user.id);
    const list = await srv.get('/api/v2/tickets.json');
    assert.equal(list.status, 200, list.text);
    const ids = list.json.tickets.map((x) => x.id);
    assert.ok(ids.includes(ticket.id) && ids.includes(created.json.ticket.id), JSON.stringify(ids));
    assertAlive(srv);
  });
});
