// The binary itself: first-start bootstrap, JSON-lines logs, graceful shutdown,
// restart on the same data dir, environment variables and the admin subcommands.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { startServer, runCli, basicAuth, tokenAuth } from './harness.mjs';

async function tmpDir() {
  return mkdtemp(path.join(os.tmpdir(), 'comptoir-cli-'));
}

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

async function getMe(url, authorization) {
  const res = await fetch(`${url}/api/v2/users/me.json`, { headers: { Authorization: authorization } });
  return { status: res.status, json: await res.json().catch(() => null) };
}

test('first start creates the owner admin with a generated password and prints it', async (t) => {
  const dir = await tmpDir();
  t.after(() => rm(dir, { recursive: true, force: true }));
  const email = 'owner@comptoir.test';
  const srv = await startServer({
    dataDir: dir,
    admin: { email, password: undefined },
    createToken: false,
  });
  try {
    const all = [...srv.plainLines, ...srv.stderrLines];
    const ownerLine = all.find((l) => l.startsWith('Owner admin: '));
    const passwordLine = all.find((l) => l.startsWith('Password: '));
    assert.equal(ownerLine, `Owner admin: ${email}`, srv.output());
    assert.ok(passwordLine, srv.output());
    const password = passwordLine.slice('Password: '.length);
    assert.ok(password.length >= 12, 'a generated password is long');

    const me = await getMe(srv.url, basicAuth(email, password));
    assert.equal(me.status, 200);
    assert.equal(me.json.user.role, 'admin');
    assert.equal(me.json.user.email, email);

    // The data dir holds the SQLite database and the blob store.
    await stat(path.join(dir, 'comptoir.db'));
    await stat(path.join(dir, 'blobs'));
  } finally {
    const exit = await srv.stop();
    assert.equal(exit.code, 0, `graceful exit on SIGTERM: ${JSON.stringify(exit)}`);
  }

  // A second start on the same data dir prints no credentials and keeps the admin.
  const again = await startServer({
    dataDir: dir,
    admin: { email: 'someone-else@comptoir.test', password: 'Other-Passw0rd-123' },
    createToken: false,
  });
  try {
    const all = [...again.plainLines, ...again.stderrLines];
    assert.ok(!all.some((l) => l.startsWith('Password: ')), 'no credentials on later starts');
    const other = await getMe(again.url, basicAuth('someone-else@comptoir.test', 'Other-Passw0rd-123'));
    assert.notEqual(other.json?.user?.role, 'admin', 'no second owner is created');
  } finally {
    assert.equal((await again.stop()).code, 0);
  }
});

test('COMPTOIR_ADMIN_PASSWORD sets the owner password; logs are JSON lines', async () => {
  const srv = await startServer();
  try {
    const me = await getMe(srv.url, basicAuth(srv.adminEmail, srv.adminPassword));
    assert.equal(me.status, 200);
    await getMe(srv.url, tokenAuth(srv.adminEmail, srv.token));
    const listening = srv.jsonLines.find((l) => l.msg === 'listening');
    assert.ok(listening);
    assert.equal(listening.level, 'info');
    assert.match(listening.ts, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}/);
    assert.match(listening.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    // Every stdout line is JSON except the first-start credential lines.
    const stray = srv.plainLines.filter(
      (l) => l.trim() !== '' && !l.startsWith('Owner admin: ') && !l.startsWith('Password: '),
    );
    assert.deepEqual(stray, [], 'non-JSON lines on stdout');
    for (const l of srv.jsonLines) {
      assert.equal(typeof l.ts, 'string');
      assert.equal(typeof l.level, 'string');
      assert.equal(typeof l.msg, 'string');
    }
    // Secrets never reach the log.
    assert.ok(!srv.output().includes(srv.token), 'API token in the log');
  } finally {
    assert.equal((await srv.stop()).code, 0);
  }
});

test('/readyz and /healthz answer 200 once listening', async () => {
  const srv = await startServer({ createToken: false });
  try {
    for (const p of ['/readyz', '/healthz']) {
      const res = await fetch(srv.url + p);
      assert.equal(res.status, 200, p);
    }
  } finally {
    await srv.stop();
  }
});

test('SIGINT also shuts down gracefully', async () => {
  const srv = await startServer({ createToken: false });
  process.kill(srv.pid, 'SIGINT');
  const exit = await srv.stop();
  assert.equal(exit.code, 0, JSON.stringify(exit));
});

test('COMPTOIR_LISTEN and COMPTOIR_DATA_DIR replace the flags', async (t) => {
  const dir = await tmpDir();
  t.after(() => rm(dir, { recursive: true, force: true }));
  const port = await freePort();
  const srv = await startServer({
    dataDir: dir,
    serveArgs: [],
    env: { COMPTOIR_LISTEN: `127.0.0.1:${port}`, COMPTOIR_DATA_DIR: dir },
  });
  try {
    assert.equal(srv.url, `http://127.0.0.1:${port}`);
    await stat(path.join(dir, 'comptoir.db'));
    const me = await getMe(srv.url, tokenAuth(srv.adminEmail, srv.token));
    assert.equal(me.status, 200);
  } finally {
    await srv.stop();
  }
});

test('a port in use is a clear start-up failure with a non-zero exit', async (t) => {
  const first = await startServer({ createToken: false });
  t.after(() => first.stop());
  const dir = await tmpDir();
  t.after(() => rm(dir, { recursive: true, force: true }));
  const hostPort = first.url.replace('http://', '');
  const err = await startServer({ dataDir: dir, serveArgs: ['--listen', hostPort, '--data', dir] }).then(
    (s) => s.stop().then(() => null),
    (e) => e,
  );
  assert.ok(err instanceof Error, 'second server on the same port must not start');
  assert.match(err.message, /exited early \(\{"code":[1-9]/, err.message);
});

test('migrate, admin create-user and admin create-token work offline', async (t) => {
  const dir = await tmpDir();
  t.after(() => rm(dir, { recursive: true, force: true }));

  const m1 = await runCli(['migrate', '--data', dir]);
  assert.equal(m1.code, 0, m1.stderr + m1.stdout);
  const m2 = await runCli(['migrate', '--data', dir]);
  assert.equal(m2.code, 0, 'migrate is idempotent: ' + m2.stderr + m2.stdout);

  const email = 'cli-admin@comptoir.test';
  const password = 'Cli-Passw0rd-For-Tests';
  const cu = await runCli([
    'admin', 'create-user', '--email', email, '--name', 'CLI Admin', '--role', 'admin',
    '--password', password, '--data', dir,
  ]);
  assert.equal(cu.code, 0, cu.stderr + cu.stdout);

  const dup = await runCli([
    'admin', 'create-user', '--email', email, '--name', 'Again', '--role', 'admin', '--data', dir,
  ]);
  assert.notEqual(dup.code, 0, 'a duplicate email is refused');

  const ct = await runCli(['admin', 'create-token', '--email', email, '--data', dir]);
  assert.equal(ct.code, 0, ct.stderr);
  // 40 URL-safe characters alone on stdout (usable after "/token:" in Basic auth).
  assert.match(ct.stdout, /^[A-Za-z0-9_-]{40}\n?$/, `the token alone on stdout: ${JSON.stringify(ct.stdout)}`);
  const token = ct.stdout.trim();

  const unknown = await runCli(['admin', 'create-token', '--email', 'nobody@comptoir.test', '--data', dir]);
  assert.notEqual(unknown.code, 0);
  assert.equal(unknown.stdout.trim(), '', 'no token printed on failure');

  // Users exist already: the server does not bootstrap another owner.
  const srv = await startServer({ dataDir: dir, createToken: false });
  try {
    const all = [...srv.plainLines, ...srv.stderrLines];
    assert.ok(!all.some((l) => l.startsWith('Owner admin: ')), srv.output());
    const byPassword = await getMe(srv.url, basicAuth(email, password));
    assert.equal(byPassword.status, 200);
    assert.equal(byPassword.json.user.role, 'admin');
    const byToken = await getMe(srv.url, tokenAuth(email, token));
    assert.equal(byToken.status, 200);
    assert.equal(byToken.json.user.email, email);
  } finally {
    await srv.stop();
  }
});

test('a token created while the server runs works at once', async () => {
  const srv = await startServer();
  try {
    const ct = await runCli(['admin', 'create-token', '--email', srv.adminEmail, '--data', srv.dataDir]);
    assert.equal(ct.code, 0, ct.stderr);
    const me = await getMe(srv.url, tokenAuth(srv.adminEmail, ct.stdout.trim()));
    assert.equal(me.status, 200);
  } finally {
    await srv.stop();
  }
});

test('unknown subcommands and bad flags exit non-zero', async (t) => {
  const dir = await tmpDir();
  t.after(() => rm(dir, { recursive: true, force: true }));
  const r1 = await runCli(['frobnicate', '--data', dir]);
  assert.notEqual(r1.code, 0);
  const r2 = await runCli(['serve', '--listen', 'not-an-address', '--data', dir], { timeoutMs: 5000 });
  assert.notEqual(r2.code, 0);
});

test('--database sqlite://PATH puts the database there; an unknown scheme is refused', async (t) => {
  const dir = await tmpDir();
  t.after(() => rm(dir, { recursive: true, force: true }));
  const dbPath = path.join(dir, 'elsewhere', 'custom.db');
  const dataDir = path.join(dir, 'data');
  const mk = await runCli(['migrate', '--data', dataDir, '--database', `sqlite://${path.dirname(dbPath)}/init.db`]);
  assert.equal(mk.code, 0, mk.stderr + mk.stdout);
  const srv = await startServer({
    dataDir,
    serveArgs: ['--listen', '127.0.0.1:0', '--data', dataDir, '--database', `sqlite://${dbPath}`],
    createToken: false,
  });
  try {
    await stat(dbPath);
    const me = await getMe(srv.url, basicAuth(srv.adminEmail, srv.adminPassword));
    assert.equal(me.status, 200);
  } finally {
    await srv.stop();
  }
  await assert.rejects(stat(path.join(dataDir, 'comptoir.db')), 'no database in the data dir');

  const bad = await runCli(['serve', '--listen', '127.0.0.1:0', '--data', dataDir, '--database', 'mysql://x/y'], {
    timeoutMs: 5000,
  });
  assert.notEqual(bad.code, 0);
});

test('the rate limit defaults to 700 per minute; COMPTOIR_RATE_LIMIT=0 disables it', async () => {
  const byDefault = await startServer({ env: { COMPTOIR_RATE_LIMIT: undefined } });
  try {
    const res = await fetch(`${byDefault.url}/api/v2/users/me.json`, {
      headers: { Authorization: tokenAuth(byDefault.adminEmail, byDefault.token) },
    });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('x-rate-limit'), '700');
    assert.equal(res.headers.get('x-rate-limit-remaining'), '699');
  } finally {
    await byDefault.stop();
  }

  const unlimited = await startServer(); // the harness sets COMPTOIR_RATE_LIMIT=0
  try {
    const auth = tokenAuth(unlimited.adminEmail, unlimited.token);
    const statuses = await Promise.all(
      Array.from({ length: 120 }, () =>
        fetch(`${unlimited.url}/api/v2/users/me.json`, { headers: { Authorization: auth } }).then(async (r) => {
          await r.arrayBuffer();
          return r.status;
        }),
      ),
    );
    assert.deepEqual([...new Set(statuses)], [200]);
  } finally {
    await unlimited.stop();
  }
});
