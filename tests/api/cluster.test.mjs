// Several nodes on one PostgreSQL database, one of them killed with SIGKILL under load.
// Runs only on PostgreSQL (COMPTOIR_TEST_PG_URL; the `pg` stage of ./scripts/test).
//
// Three `comptoir serve` processes share a database. Clients create and update tickets
// through all of them and start bulk jobs (tickets/create_many). Halfway, a node caught
// holding bulk jobs' leases is frozen (SIGSTOP, to know which jobs it holds) and killed
// (SIGKILL). Afterwards: every acknowledged ticket and
// comment exists, every bulk job completed with each item applied exactly once (the
// surviving nodes took the job over after its lease expired and resumed after the
// last committed item), the queue is empty, and the cluster-wide maintenance sweep ran
// once in every period, before and after the kill.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { startServer, psqlRows, uniqueName, openLive } from './harness.mjs';

const onPg = Boolean(process.env.COMPTOIR_TEST_PG_URL);
const SWEEP_SECONDS = 2;
const LEASE_SECONDS = 3;
const nodeEnv = {
  COMPTOIR_JOB_LEASE_SECONDS: String(LEASE_SECONDS),
  COMPTOIR_HEARTBEAT_SECONDS: '1',
  COMPTOIR_SWEEP_SECONDS: String(SWEEP_SECONDS),
  COMPTOIR_JOB_WORKERS: '2',
  COMPTOIR_ACCESS_LOG: 'off',
};

// Each node has its own data dir; they share the database and the blob directory only.
let nodes = [];
let blobs;
before(async () => {
  if (!onPg) return;
  blobs = await mkdtemp(path.join(os.tmpdir(), 'comptoir-shared-blobs-'));
  const first = await startServer({ env: { ...nodeEnv, COMPTOIR_BLOB_DIR: blobs } });
  nodes.push(first);
  for (let i = 0; i < 2; i++) {
    const n = await startServer({
      env: { ...nodeEnv, COMPTOIR_BLOB_DIR: blobs, COMPTOIR_DATABASE_URL: first.databaseUrl },
      createToken: false,
    });
    n.token = first.token;
    nodes.push(n);
  }
});
after(async () => {
  // The first node owns the database: stop it last.
  for (const n of nodes.slice(1)) await n.stop();
  await nodes[0]?.stop();
  if (blobs) await rm(blobs, { recursive: true, force: true });
});

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const q = (sql) => psqlRows(nodes[0].databaseUrl, sql);
const sqlText = (s) => `'${s.replace(/'/g, "''")}'`;

test('nodes register in the cluster and see each other', { skip: !onPg }, async () => {
  let rows = [];
  for (let i = 0; i < 50 && rows.length < 3; i++) {
    rows = await q('SELECT id, pid FROM cluster_nodes ORDER BY id');
    if (rows.length < 3) await sleep(100);
  }
  assert.equal(rows.length, 3);
  assert.deepEqual(rows.map((r) => Number(r[1])).sort(), nodes.map((n) => n.pid).sort());
});

test('a change made on one node is pushed to live screens on the others', { skip: !onPg }, async () => {
  const screens = [];
  for (const n of nodes.slice(1)) {
    const live = await openLive(n, { Authorization: n.authHeader('token') });
    assert.ok(live.ws, `refused: ${live.status}`);
    await live.next((m) => m.type === 'hello');
    screens.push(live);
  }
  const created = await nodes[0].createRecord('/api/v2/tickets.json', 'ticket', {
    subject: 'seen everywhere', comment: { body: 'x' },
  });
  for (const live of screens) {
    const ev = await live.next((m) => m.ticket_id === created.id);
    assert.equal(ev.type, 'ticket.created');
    live.ws.close();
  }
});

test('a browser session made on one node works on the others, and ends everywhere', { skip: !onPg }, async () => {
  const { password, email } = { password: 'Sess1on-Passw0rd-Cluster', email: `cluster-${Date.now()}@example.test` };
  const user = await nodes[0].createUser({ email, role: 'agent' });
  await nodes[0].setPassword(user.id, password);
  const login = await nodes[1].post('/access/login', { email, password }, { auth: 'none' });
  assert.equal(login.status, 200, login.text);
  const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0];
  const me = await nodes[2].get('/api/v2/users/me.json', { auth: 'none', headers: { Cookie: cookie } });
  assert.equal(me.json?.user?.id, user.id);
  const out = await nodes[0].post('/access/logout', {}, {
    auth: 'none', headers: { Cookie: cookie, 'X-CSRF-Token': login.json.csrf_token },
  });
  assert.ok(out.status < 300, out.text);
  const after = await nodes[2].get('/api/v2/users/me.json', { auth: 'none', headers: { Cookie: cookie } });
  assert.equal(after.json?.user?.id ?? null, null, 'signed out on every node');
});

test('a file uploaded to one node is attached on another and downloaded from a third', { skip: !onPg }, async () => {
  const bytes = Buffer.from(`shared blob ${Date.now()}\n`);
  const up = await nodes[0].request('POST', '/api/v2/uploads.json?filename=shared.txt', {
    body: bytes,
    headers: { 'Content-Type': 'application/binary' },
  });
  assert.equal(up.status, 201, up.text);
  const created = await nodes[1].post('/api/v2/tickets.json', {
    ticket: { subject: 'with a file', comment: { body: 'see attached', uploads: [up.json.upload.token] } },
  });
  assert.equal(created.status, 201, created.text);
  const comments = await nodes[2].get(`/api/v2/tickets/${created.json.ticket.id}/comments.json`);
  const attachment = comments.json.comments[0].attachments[0];
  assert.ok(attachment, comments.text);
  const content = new URL(attachment.content_url);
  const res = await fetch(nodes[2].url + content.pathname + content.search, {
    headers: { Authorization: nodes[2].authHeader('token') },
  });
  assert.equal(res.status, 200);
  assert.deepEqual(Buffer.from(await res.arrayBuffer()), bytes);
});

test('a node killed under load loses no acknowledged write and no job', { skip: !onPg, timeout: 120_000 }, async () => {
  const started = Math.floor(Date.now() / 1000);
  const marker = uniqueName('crash').replace(/\s+/g, '-');
  const acked = { tickets: new Map(), comments: [], jobs: new Map() };
  const alive = new Set(nodes.map((_, i) => i));
  let stop = false;
  let requests = 0;

  // Each client loop spreads its requests over the live nodes.
  const client = async (k) => {
    let n = k;
    while (!stop) {
      const live = [...alive];
      const node = nodes[live[n++ % live.length]];
      try {
        const ids = [...acked.tickets.keys()];
        if (ids.length > 0 && n % 3 === 0) {
          const id = ids[(n * 7) % ids.length];
          const body = `${marker} comment ${k}-${n}`;
          const r = await node.put(`/api/v2/tickets/${id}.json`, {
            ticket: { comment: { body, public: false } },
          });
          if (r.status === 200) acked.comments.push({ id, body });
        } else {
          const subject = `${marker} ticket ${k}-${n}`;
          const r = await node.post('/api/v2/tickets.json', {
            ticket: { subject, comment: { body: 'created under load' } },
          });
          if (r.status === 201) acked.tickets.set(r.json.ticket.id, subject);
        }
        requests++;
      } catch {
        // The killed node refuses connections: not acknowledged, nothing to check.
      }
    }
  };
  const bulk = async (node, j) => {
    const tickets = [];
    for (let i = 0; i < 100; i++) {
      tickets.push({ subject: `${marker} bulk ${j} item ${i}`, comment: { body: 'bulk item' } });
    }
    const r = await node.post('/api/v2/tickets/create_many.json', { tickets });
    assert.equal(r.status, 200, r.text);
    acked.jobs.set(r.json.job_status.id, { j, items: tickets.length });
  };

  const clients = Array.from({ length: 8 }, (_, k) => client(k));
  let victim = -1;
  let victimJobs = [];
  let killedAt = 0;
  try {
    await sleep(1500);
    // Freeze (SIGSTOP) a node while it holds bulk jobs' leases, note which, then kill it
    // (SIGKILL): its in-flight transactions die with it and its leases must expire.
    for (let round = 0; round < 100 && victim < 0; round++) {
      if (round % 10 === 0) {
        for (let j = 0; j < 3; j++) await bulk(nodes[(round + j) % nodes.length], acked.jobs.size);
      }
      const running = await q("SELECT lease_owner FROM queued_jobs WHERE status = 'running' AND kind = 'bulk'");
      const pid = running.map(([owner]) => Number(owner.split('/')[0].split('-').at(-2)))
        .find((p) => nodes.some((n) => n.pid === p));
      if (pid === undefined) {
        await sleep(20);
        continue;
      }
      process.kill(pid, 'SIGSTOP');
      const held = await q(
        `SELECT id FROM queued_jobs WHERE status = 'running' AND kind = 'bulk' AND lease_owner LIKE '%-${pid}-%'`,
      );
      if (held.length === 0) {
        process.kill(pid, 'SIGCONT'); // it finished just before: try again
        continue;
      }
      victim = nodes.findIndex((n) => n.pid === pid);
      victimJobs = held.map(([id]) => Number(id));
    }
    assert.ok(victim >= 0, 'a node was caught holding a bulk job');
    killedAt = Math.floor(Date.now() / 1000);
    alive.delete(victim);
    await nodes[victim].crash();
    await sleep(2000);
  } finally {
    stop = true;
    await Promise.all(clients);
  }
  assert.ok(requests > 100, `the load ran (${requests} requests acknowledged)`);

  // Every bulk job completes: the survivors take the victim's lease over once it expires.
  const survivor = nodes[[...alive][0]];
  const deadline = Date.now() + 60_000;
  for (const id of acked.jobs.keys()) {
    let status;
    do {
      const r = await survivor.get(`/api/v2/job_statuses/${id}.json`);
      status = r.json?.job_status?.status;
      if (status !== 'completed') await sleep(250);
    } while (status !== 'completed' && Date.now() < deadline);
    assert.equal(status, 'completed', `job ${id} completed`);
  }

  // Every acknowledged ticket and comment exists.
  const subjects = await q(`SELECT id, subject FROM tickets WHERE subject LIKE ${sqlText(marker + ' ticket %')}`);
  const stored = new Map(subjects.map(([id, subject]) => [Number(id), subject]));
  for (const [id, subject] of acked.tickets) assert.equal(stored.get(id), subject, `ticket ${id}`);
  const comments = new Set(
    (await q(`SELECT ticket_id || ':' || body FROM ticket_comments WHERE body LIKE ${sqlText(marker + ' comment %')}`)).map((r) => r[0]),
  );
  for (const c of acked.comments) assert.ok(comments.has(`${c.id}:${c.body}`), `comment on ${c.id}`);

  // Each bulk item exists exactly once.
  const items = await q(
    `SELECT subject, COUNT(*) FROM tickets WHERE subject LIKE ${sqlText(marker + ' bulk %')} GROUP BY subject`,
  );
  const counts = new Map(items.map(([s, n]) => [s, Number(n)]));
  for (const { j, items: total } of acked.jobs.values()) {
    for (let i = 0; i < total; i++) {
      assert.equal(counts.get(`${marker} bulk ${j} item ${i}`), 1, `bulk ${j} item ${i} once`);
    }
  }

  // The jobs the victim held were taken over by other nodes, and nothing is left queued.
  for (const id of victimJobs) {
    const [taken] = await q(`SELECT status, attempts, lease_owner IS NULL FROM queued_jobs WHERE id = ${id}`);
    assert.equal(taken[0], 'done');
    assert.ok(Number(taken[1]) >= 2, `the killed node's job ${id} was leased again (attempts ${taken[1]})`);
  }
  // (E-mail notifications of the default triggers wait for an SMTP server, which this
  // test does not configure: they stay queued, none dead.)
  const left = await q("SELECT COUNT(*) FROM queued_jobs WHERE status <> 'done' AND kind <> 'email'");
  assert.equal(Number(left[0][0]), 0);
  const deadMail = await q("SELECT COUNT(*) FROM queued_jobs WHERE kind = 'email' AND status = 'dead'");
  assert.equal(Number(deadMail[0][0]), 0);

  // The maintenance sweep ran once in every period, before and after the kill (wait for
  // a period that started after the kill to be swept by a survivor).
  for (let i = 0; i < 100; i++) {
    const [[n]] = await q(
      `SELECT COUNT(*) FROM cluster_periods WHERE task = 'maintenance' AND period_start > ${killedAt + 1}`,
    );
    if (Number(n) >= 2) break;
    await sleep(100);
  }
  const ended = Math.floor(Date.now() / 1000);
  const periods = await q(
    `SELECT period_start, node_id, finished_at FROM cluster_periods WHERE task = 'maintenance' ` +
      `AND period_start >= ${started} AND period_start <= ${ended - SWEEP_SECONDS} ORDER BY period_start`,
  );
  const starts = periods.map((p) => Number(p[0]));
  const first = starts[0];
  assert.ok(first <= started + SWEEP_SECONDS, 'a sweep ran at the start');
  for (let t = first; t <= ended - 2 * SWEEP_SECONDS; t += SWEEP_SECONDS) {
    assert.ok(starts.includes(t), `a sweep ran in the period starting at ${t}`);
  }
  assert.ok(starts.some((t) => t > killedAt), 'sweeps went on after the kill');
  const victimPid = nodes[victim].pid;
  const afterKill = periods.filter((p) => Number(p[0]) > killedAt + 1);
  for (const p of afterKill) assert.ok(!p[1].includes(`-${victimPid}-`), 'only live nodes sweep');
});

test('the per-user rate limit is divided between the live nodes', { skip: !onPg }, async () => {
  const limitEnv = { ...nodeEnv, COMPTOIR_RATE_LIMIT: '10' };
  const a = await startServer({ env: limitEnv });
  const b = await startServer({
    env: { ...limitEnv, COMPTOIR_DATABASE_URL: a.databaseUrl },
    createToken: false,
  });
  b.token = a.token;
  try {
    // Wait for the first node to see the second one (heartbeats every second).
    let remaining;
    for (let i = 0; i < 50; i++) {
      const r = await psqlRows(a.databaseUrl, 'SELECT COUNT(*) FROM cluster_nodes');
      if (Number(r[0][0]) === 2) break;
      await sleep(100);
    }
    await sleep(1200);
    // Each node allows ceil(10 / 2) = 5 requests per minute to this user; the headers
    // report the cluster-wide figures. (A minute boundary resets the windows: retry once.)
    for (let attempt = 0; attempt < 2; attempt++) {
      const statuses = [];
      for (const node of [a, b]) {
        for (let i = 0; i < 6; i++) {
          const r = await node.get('/api/v2/users/me.json');
          statuses.push(r.status);
          if (i === 0) remaining = Number(r.headers.get('x-rate-limit-remaining'));
          if (r.status === 200) assert.equal(r.headers.get('x-rate-limit'), '10');
        }
      }
      const ok = statuses.filter((s) => s === 200).length;
      if (ok === 10 && statuses[5] === 429 && statuses[11] === 429) break;
      assert.ok(attempt === 0, `statuses ${statuses.join(',')}`);
      await sleep(61_000 - (Date.now() % 60_000));
    }
    assert.ok(remaining <= 8, `remaining after the first request reports the cluster (${remaining})`);
  } finally {
    await b.stop();
    await a.stop();
  }
});
