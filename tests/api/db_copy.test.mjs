// `comptoir db copy`: a SQLite install, filled through the API, copied into a fresh
// PostgreSQL database, then served from it. Runs only with COMPTOIR_TEST_PG_URL (the
// `pg` stage of scripts/test).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { startServer, runCli, pgDatabaseFor, uniqueEmail, uniqueName } from './harness.mjs';

const adminUrl = process.env.COMPTOIR_TEST_PG_URL;
const dirs = [];
let pgUrl;

after(async () => {
  if (pgUrl) {
    const name = new URL(pgUrl).pathname.slice(1);
    await new Promise((resolve) =>
      execFile('psql', [adminUrl, '-X', '-q', '-c', `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`], () =>
        resolve(),
      ),
    );
  }
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

test('db copy moves a SQLite install to PostgreSQL', { skip: !adminUrl && 'COMPTOIR_TEST_PG_URL is not set' }, async () => {
  const sqliteDir = await mkdtemp(path.join(os.tmpdir(), 'comptoir-copy-src-'));
  const pgDir = await mkdtemp(path.join(os.tmpdir(), 'comptoir-copy-dst-'));
  dirs.push(sqliteDir, pgDir);

  // 1. A SQLite server (the harness would use PostgreSQL while the variable is set).
  delete process.env.COMPTOIR_TEST_PG_URL;
  let src;
  try {
    src = await startServer({ dataDir: sqliteDir });
  } finally {
    process.env.COMPTOIR_TEST_PG_URL = adminUrl;
  }
  const users = [];
  const tickets = [];
  try {
    for (let i = 0; i < 5; i++) {
      users.push(await src.createUser({ name: uniqueName('Copied'), email: uniqueEmail('copied') }));
    }
    for (let i = 0; i < 5; i++) {
      const res = await src.post('/api/v2/tickets.json', {
        ticket: {
          subject: uniqueName('Copied ticket'),
          requester_id: users[i].id,
          tags: ['copied', `t${i}`],
          comment: { body: `First comment ${i} — é` },
        },
      });
      assert.equal(res.status, 201, res.text);
      const id = res.json.ticket.id;
      const upd = await src.put(`/api/v2/tickets/${id}.json`, {
        ticket: { comment: { body: 'A second, private comment', public: false } },
      });
      assert.equal(upd.status, 200, upd.text);
      tickets.push((await src.get(`/api/v2/tickets/${id}.json`)).json.ticket);
    }
  } finally {
    await src.stop();
  }
  const oldToken = src.token;

  // 2. The copy, then a second run that only verifies.
  pgUrl = await pgDatabaseFor(pgDir);
  const from = `sqlite://${path.join(sqliteDir, 'comptoir.db')}`;
  const copy = await runCli(['db', 'copy', '--from', from, '--to', pgUrl], { timeoutMs: 60_000 });
  assert.equal(copy.code, 0, `stdout=${copy.stdout} stderr=${copy.stderr}`);
  assert.match(copy.stdout, /all tables verified/);
  assert.match(copy.stdout, /^tickets\s+5\s+5\s+OK$/m);
  assert.doesNotMatch(copy.stdout, /MISMATCH/);
  const again = await runCli(['db', 'copy', '--from', from, '--to', pgUrl], { timeoutMs: 60_000 });
  assert.equal(again.code, 0, again.stderr);
  assert.match(again.stdout, /^0 rows copied/m);

  // 3. A server on the PostgreSQL database serves the same data.
  const dst = await startServer({ dataDir: pgDir });
  try {
    for (const u of users) {
      const res = await dst.get(`/api/v2/users/${u.id}.json`);
      assert.equal(res.status, 200, res.text);
      assert.equal(res.json.user.email, u.email);
      assert.equal(res.json.user.name, u.name);
    }
    for (const t of tickets) {
      const res = await dst.get(`/api/v2/tickets/${t.id}.json`);
      assert.equal(res.status, 200, res.text);
      assert.equal(res.json.ticket.subject, t.subject);
      assert.deepEqual(res.json.ticket.tags, t.tags);
      assert.equal(res.json.ticket.requester_id, t.requester_id);
      const comments = await dst.get(`/api/v2/tickets/${t.id}/comments.json`);
      assert.equal(comments.status, 200, comments.text);
      assert.equal(comments.json.comments.length, 2);
    }
    // The SQLite install's API token still works, and new rows get fresh ids.
    const me = await dst.get('/api/v2/users/me.json', { auth: { email: src.adminEmail, token: oldToken } });
    assert.equal(me.status, 200, me.text);
    const created = await dst.post('/api/v2/tickets.json', {
      ticket: { subject: 'After the move', comment: { body: 'hello' } },
    });
    assert.equal(created.status, 201, created.text);
    assert.ok(created.json.ticket.id > Math.max(...tickets.map((t) => t.id)));
  } finally {
    await dst.stop();
  }
});
