// Error shapes, transport limits and URL conventions, over raw HTTP
// (reference §1.1, §1.5, §8.3).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, uniqueEmail, uniqueName } from './harness.mjs';

let srv;
let endUser; // {user, auth}

before(async () => {
  srv = await startServer();
  endUser = await srv.createUserWithPassword({ role: 'end-user' });
});
after(() => srv?.stop());

function assertJsonContentType(res) {
  const ct = res.headers.get('content-type') ?? '';
  assert.match(ct, /^application\/json/, `content-type was ${ct}`);
}

test('401 without credentials on an agent endpoint, in Zendesk shape', async () => {
  const res = await srv.get('/api/v2/users.json', { auth: 'none' });
  assert.equal(res.status, 401);
  assertJsonContentType(res);
  assert.deepEqual(res.json, { error: "Couldn't authenticate you" });
});

test('401 with a wrong API token, a wrong password and an unknown email', async () => {
  const cases = [
    { email: srv.adminEmail, token: 'x'.repeat(40) },
    { email: srv.adminEmail, password: 'not-the-password' },
    { email: 'nobody@example.test', password: 'whatever' },
    { email: 'nobody@example.test', token: srv.token },
    { header: 'Bearer not-a-real-oauth-token' },
    { header: 'Basic !!!not-base64!!!' },
    { header: 'Digest username="x"' },
  ];
  for (const auth of cases) {
    const res = await srv.get('/api/v2/users.json', { auth });
    assert.equal(res.status, 401, `auth ${JSON.stringify(auth)} → ${res.status} ${res.text}`);
    assert.deepEqual(res.json, { error: "Couldn't authenticate you" });
  }
});

test('node-zendesk without a token sends "/token:undefined", which is rejected', async () => {
  const res = await srv.get('/api/v2/users.json', {
    auth: { header: 'Basic ' + Buffer.from(`${srv.adminEmail}/token:undefined`).toString('base64') },
  });
  assert.equal(res.status, 401);
});

test('403 for an end user on an agent endpoint', async () => {
  const res = await srv.get('/api/v2/users.json', { auth: endUser.auth });
  assert.equal(res.status, 403);
  assertJsonContentType(res);
  assert.equal(res.json?.error, 'Forbidden');
  assert.equal(typeof res.json?.description, 'string');
});

test('404 RecordNotFound for an unknown record', async () => {
  for (const path of ['/api/v2/users/999999999.json', '/api/v2/users/999999999']) {
    const res = await srv.get(path);
    assert.equal(res.status, 404, path);
    assertJsonContentType(res);
    assert.deepEqual(res.json, { error: 'RecordNotFound', description: 'Not found' });
  }
  for (const path of ['/api/v2/organizations/999999999.json', '/api/v2/groups/999999999.json']) {
    const res = await srv.get(path);
    assert.equal(res.status, 404, path);
    assert.equal(res.json?.error, 'RecordNotFound', path);
  }
});

test('404 InvalidEndpoint for an unknown route', async () => {
  for (const path of ['/api/v2/no_such_resource.json', '/api/v2/users/1/no_such_thing.json']) {
    const res = await srv.get(path);
    assert.equal(res.status, 404, path);
    assertJsonContentType(res);
    assert.equal(res.json?.error, 'InvalidEndpoint', `${path}: ${res.text}`);
  }
});

test('400 for a malformed JSON body', async () => {
  const res = await srv.post('/api/v2/users.json', '{"user": {"name": "half', {});
  assert.equal(res.status, 400);
  assertJsonContentType(res);
  assert.ok(res.json && 'error' in res.json, `body: ${res.text}`);
});

test('422 RecordInvalid with DuplicateValue for a duplicate email', async () => {
  const email = uniqueEmail('dup');
  const first = await srv.post('/api/v2/users.json', { user: { name: uniqueName(), email } });
  assert.equal(first.status, 201, first.text);
  const res = await srv.post('/api/v2/users.json', { user: { name: uniqueName(), email } });
  assert.equal(res.status, 422);
  assertJsonContentType(res);
  assert.equal(res.json.error, 'RecordInvalid');
  assert.equal(res.json.description, 'Record validation errors');
  assert.ok(Array.isArray(res.json.details?.email), `details: ${res.text}`);
  assert.equal(res.json.details.email[0].error, 'DuplicateValue');
  assert.equal(typeof res.json.details.email[0].description, 'string');
});

test('duplicate email is detected case-insensitively', async () => {
  const email = uniqueEmail('case');
  const first = await srv.post('/api/v2/users.json', { user: { name: uniqueName(), email } });
  assert.equal(first.status, 201, first.text);
  const res = await srv.post('/api/v2/users.json', {
    user: { name: uniqueName(), email: email.toUpperCase() },
  });
  assert.equal(res.status, 422, res.text);
  assert.equal(res.json.details?.email?.[0]?.error, 'DuplicateValue');
});

test('422 with per-field details for a missing name and an invalid email', async () => {
  const noName = await srv.post('/api/v2/users.json', { user: { email: uniqueEmail() } });
  assert.equal(noName.status, 422, noName.text);
  assert.equal(noName.json.error, 'RecordInvalid');
  assert.ok(noName.json.details?.name, `details: ${noName.text}`);

  const badEmail = await srv.post('/api/v2/users.json', {
    user: { name: uniqueName(), email: 'not-an-email' },
  });
  assert.equal(badEmail.status, 422, badEmail.text);
  assert.ok(badEmail.json.details?.email, `details: ${badEmail.text}`);

  const badRole = await srv.post('/api/v2/users.json', {
    user: { name: uniqueName(), email: uniqueEmail(), role: 'overlord' },
  });
  assert.equal(badRole.status, 422, badRole.text);
  assert.ok(badRole.json.details?.role, `details: ${badRole.text}`);
});

test('a body without the envelope is rejected, not half-created', async () => {
  const res = await srv.post('/api/v2/users.json', { name: uniqueName(), email: uniqueEmail() });
  assert.ok(res.status === 400 || res.status === 422, `${res.status} ${res.text}`);
});

test('413 for an 11 MiB body', async () => {
  const size = 11 * 1024 * 1024;
  const head =
    `POST /api/v2/users.json HTTP/1.1\r\nHost: 127.0.0.1\r\n` +
    `Authorization: ${srv.authHeader('token')}\r\nContent-Type: application/json\r\n` +
    `Content-Length: ${size}\r\n\r\n`;
  // The Content-Length alone is over the limit: a server may answer before the body.
  const chunks = [head, { pause: 1000 }];
  const mib = Buffer.alloc(1024 * 1024, 0x20);
  for (let i = 0; i < 11; i++) chunks.push(mib, { pause: 20 });
  const res = await srv.raw(chunks);
  assert.equal(res.status, 413, res.text);
});

test('413 also for a chunked body that grows past the limit', async () => {
  const head =
    `POST /api/v2/users.json HTTP/1.1\r\nHost: 127.0.0.1\r\n` +
    `Authorization: ${srv.authHeader('token')}\r\nContent-Type: application/json\r\n` +
    `Transfer-Encoding: chunked\r\n\r\n`;
  const mib = Buffer.alloc(1024 * 1024, 0x20);
  const chunks = [head];
  for (let i = 0; i < 10; i++) {
    chunks.push(`${mib.length.toString(16)}\r\n`, mib, '\r\n');
  }
  // 64 KiB past the 10 MiB limit, then no more: the server has read all we sent when
  // it refuses, so its close cannot reset the connection under the response.
  chunks.push(`${(64 * 1024).toString(16)}\r\n`, Buffer.alloc(64 * 1024, 0x20), '\r\n');
  const res = await srv.raw(chunks);
  assert.equal(res.status, 413, res.text);
});

test('431 for a 20 KiB header', async () => {
  const head =
    `GET /api/v2/users/me.json HTTP/1.1\r\nHost: 127.0.0.1\r\n` +
    `Authorization: ${srv.authHeader('token')}\r\nX-Padding: `;
  // 17 KiB first (already past a 16 KiB limit), a pause for an early answer, then the rest.
  const res = await srv.raw([head + 'a'.repeat(17 * 1024), { pause: 1000 }, 'a'.repeat(3 * 1024) + '\r\n\r\n']);
  assert.equal(res.status, 431, res.text);
});

test('the server still answers after the limit errors', async () => {
  const res = await srv.get('/api/v2/users/me.json');
  assert.equal(res.status, 200);
});

test('paths work with and without .json', async () => {
  const a = await srv.get('/api/v2/users/me.json');
  const b = await srv.get('/api/v2/users/me');
  assert.equal(a.status, 200);
  assert.equal(b.status, 200);
  assert.equal(a.json.user.id, b.json.user.id);
  const id = a.json.user.id;
  const c = await srv.get(`/api/v2/users/${id}.json`);
  const d = await srv.get(`/api/v2/users/${id}`);
  assert.equal(c.status, 200);
  assert.equal(d.status, 200);
  assert.deepEqual(c.json, d.json);
  const e = await srv.get('/api/v2/users.json');
  const f = await srv.get('/api/v2/users');
  assert.equal(e.status, 200);
  assert.equal(f.status, 200);
});

test('duplicate slashes in the path are collapsed', async () => {
  const res = await srv.get('/api/v2//users/me.json');
  assert.equal(res.status, 200, res.text);
  assert.equal(res.json.user.email, srv.adminEmail);
});

test('percent-encoded page%5Bsize%5D selects cursor pagination', async () => {
  const res = await srv.get('/api/v2/users.json?page%5Bsize%5D=1');
  assert.equal(res.status, 200, res.text);
  assert.equal(res.json.users.length, 1);
  assert.equal(typeof res.json.meta?.has_more, 'boolean');
});

test('JSON responses declare application/json; charset=utf-8', async () => {
  for (const [path, auth] of [
    ['/api/v2/users/me.json', 'token'],
    ['/api/v2/users.json', 'none'],
    ['/api/v2/users/999999999.json', 'token'],
  ]) {
    const res = await srv.get(path, { auth });
    assert.equal(res.headers.get('content-type'), 'application/json; charset=utf-8', path);
  }
});

test('Retry-After appears only on 429/503', async () => {
  for (const path of ['/api/v2/users/me.json', '/api/v2/users/999999999.json', '/api/v2/nope.json']) {
    const res = await srv.get(path);
    assert.equal(res.headers.get('retry-after'), null, path);
  }
});

test('health endpoints answer without credentials', async () => {
  for (const path of ['/healthz', '/readyz']) {
    const res = await srv.get(path, { auth: 'none' });
    assert.equal(res.status, 200, path);
  }
});

test('unknown id forms are 404, not 500', async () => {
  for (const path of ['/api/v2/users/abc.json', '/api/v2/users/-1.json', '/api/v2/users/99999999999999999999999.json']) {
    const res = await srv.get(path);
    assert.equal(res.status, 404, `${path}: ${res.status} ${res.text}`);
  }
});
