// Browser sessions: POST /access/login sets an HttpOnly cookie whose hash is stored in
// the database; unsafe requests signed in by the cookie need X-CSRF-Token; logout,
// the Zendesk Sessions API (/sessions, /users/{id}/sessions, /users/me/session[/renew],
// /users/me/logout), idle expiry, sessions ended by suspension / password / role
// changes, the failed sign-in limit, and a second node on the same database.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { startServer, uniqueEmail, uniqueName } from './harness.mjs';

let srv;

before(async () => {
  srv = await startServer();
});
after(() => srv?.stop());

// The comptoir_session cookie of a response: {value, attributes (lower case), raw}.
function sessionCookie(res) {
  const raw = res.headers.getSetCookie().find((c) => c.startsWith('comptoir_session='));
  if (!raw) return null;
  const [pair, ...attrs] = raw.split(';').map((s) => s.trim());
  return { value: pair.slice('comptoir_session='.length), attributes: attrs.map((a) => a.toLowerCase()), raw };
}

// Signs in; resolves {cookie (the Cookie header), csrf, user, res}.
async function login(email, password, { server = srv, headers = {} } = {}) {
  const res = await server.post('/access/login', { email, password }, { auth: 'none', headers });
  assert.equal(res.status, 200, res.text);
  const c = sessionCookie(res);
  assert.ok(c, `no session cookie in ${JSON.stringify([...res.headers])}`);
  return { cookie: `comptoir_session=${c.value}`, csrf: res.json.csrf_token, user: res.json.user, res };
}

// Options for server.request signed in by a session (no Authorization header).
function bySession(s, { csrf = false, headers = {} } = {}) {
  const h = { Cookie: s.cookie, ...headers };
  if (csrf) h['X-CSRF-Token'] = typeof csrf === 'string' ? csrf : s.csrf;
  return { auth: 'none', headers: h };
}

async function agentWithPassword(attrs = {}) {
  return srv.createUserWithPassword({ role: 'agent', ...attrs });
}

test('login sets an HttpOnly SameSite=Lax cookie and answers the user and a CSRF token', async () => {
  const { user, auth } = await agentWithPassword();
  const s = await login(auth.email, auth.password);
  assert.equal(s.user.id, user.id);
  assert.equal(s.user.email, user.email);
  assert.match(s.csrf, /^[A-Za-z0-9_-]{40,}$/);
  const c = sessionCookie(s.res);
  // 32 random bytes, base64url without padding.
  assert.match(c.value, /^[A-Za-z0-9_-]{43}$/);
  assert.ok(c.attributes.includes('httponly'), c.raw);
  assert.ok(c.attributes.includes('samesite=lax'), c.raw);
  assert.ok(c.attributes.includes('path=/'), c.raw);
  assert.ok(!c.attributes.includes('secure'), 'no Secure over plain HTTP');
  assert.equal(s.res.headers.get('cache-control'), 'no-store');

  const me = await srv.get('/api/v2/users/me.json', bySession(s));
  assert.equal(me.status, 200, me.text);
  assert.equal(me.json.user.id, user.id);
});

test('behind an HTTPS proxy the cookie is Secure; form-encoded logins work', async () => {
  const { auth } = await agentWithPassword();
  const secure = await login(auth.email, auth.password, { headers: { 'X-Forwarded-Proto': 'https' } });
  assert.ok(sessionCookie(secure.res).attributes.includes('secure'));

  const form = new URLSearchParams({ email: auth.email, password: auth.password }).toString();
  const res = await srv.post('/access/login', form, {
    auth: 'none',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
  });
  assert.equal(res.status, 200, res.text);
  assert.ok(sessionCookie(res));
});

test('unsafe methods signed in by the cookie need the X-CSRF-Token header', async () => {
  const { auth } = await agentWithPassword();
  const s = await login(auth.email, auth.password);
  const body = { organization: { name: uniqueName('Session org') } };

  const missing = await srv.post('/api/v2/organizations.json', body, bySession(s));
  assert.equal(missing.status, 403, missing.text);
  assert.equal(missing.json.error, 'Forbidden');
  const wrong = await srv.post('/api/v2/organizations.json', body, bySession(s, { csrf: 'x'.repeat(43) }));
  assert.equal(wrong.status, 403, wrong.text);
  const ok = await srv.post('/api/v2/organizations.json', body, bySession(s, { csrf: true }));
  assert.equal(ok.status, 201, ok.text);

  for (const [method, path] of [
    ['PUT', `/api/v2/organizations/${ok.json.organization.id}.json`],
    ['DELETE', `/api/v2/organizations/${ok.json.organization.id}.json`],
  ]) {
    const res = await srv.request(method, path, { ...bySession(s), body: { organization: { notes: 'x' } } });
    assert.equal(res.status, 403, `${method} ${path}: ${res.text}`);
  }
  // GET needs none; an Authorization header takes precedence over the cookie (and then
  // needs no CSRF token: a cross-site form cannot send one).
  assert.equal((await srv.get('/api/v2/organizations.json', bySession(s))).status, 200);
  const byToken = await srv.post('/api/v2/organizations.json', { organization: { name: uniqueName() } }, {
    headers: { Cookie: s.cookie },
  });
  assert.equal(byToken.status, 201, byToken.text);
});

test('the current session, CSRF renewal and logout (POST /access/logout)', async () => {
  const { user, auth } = await agentWithPassword();
  const s = await login(auth.email, auth.password);
  const cur = await srv.get('/api/v2/users/me/session.json', bySession(s));
  assert.equal(cur.status, 200, cur.text);
  const session = cur.json.session;
  assert.equal(session.user_id, user.id);
  assert.ok(Number.isInteger(session.id));
  assert.match(session.authenticated_at, /Z$/);
  assert.match(session.last_seen_at, /Z$/);
  assert.ok(session.url.endsWith(`/users/${user.id}/sessions/${session.id}.json`), session.url);
  // Signed in by an API token there is no current session.
  assert.equal((await srv.get('/api/v2/users/me/session.json')).status, 404);

  const renew = await srv.get('/api/v2/users/me/session/renew.json', bySession(s));
  assert.equal(renew.status, 200, renew.text);
  const fresh = renew.json.authenticity_token;
  assert.ok(fresh && fresh !== s.csrf);
  const body = { organization: { name: uniqueName() } };
  assert.equal((await srv.post('/api/v2/organizations.json', body, bySession(s, { csrf: true }))).status, 403);
  assert.equal((await srv.post('/api/v2/organizations.json', body, bySession(s, { csrf: fresh }))).status, 201);

  const noCsrf = await srv.post('/access/logout', undefined, bySession(s));
  assert.equal(noCsrf.status, 403, 'logout is an unsafe request too');
  const out = await srv.post('/access/logout', undefined, bySession(s, { csrf: fresh }));
  assert.equal(out.status, 204, out.text);
  const cleared = sessionCookie(out);
  assert.equal(cleared.value, '');
  assert.ok(cleared.attributes.includes('max-age=0'));
  const after = await srv.get('/api/v2/users/me/session.json', bySession(s));
  assert.equal(after.status, 401, after.text);
  assert.equal((await srv.get('/api/v2/organizations.json', bySession(s))).status, 401);
  // A stale cookie on a public endpoint is an anonymous request, not an error.
  const anon = await srv.get('/api/v2/users/me.json', bySession(s));
  assert.equal(anon.status, 200);
  assert.equal(anon.json.user.id, null);
});

test('DELETE /users/me/logout ends the current session', async () => {
  const { auth } = await agentWithPassword();
  const s = await login(auth.email, auth.password);
  const other = await login(auth.email, auth.password);
  const out = await srv.del('/api/v2/users/me/logout.json', bySession(s, { csrf: true }));
  assert.equal(out.status, 204, out.text);
  assert.equal((await srv.get('/api/v2/users/me/session.json', bySession(s))).status, 401);
  // Only that one: the other browser stays signed in.
  assert.equal((await srv.get('/api/v2/users/me/session.json', bySession(other))).status, 200);
});

test('admins list and end sessions; users see and end only their own', async () => {
  const a = await agentWithPassword();
  const b = await srv.createUserWithPassword();
  const a1 = await login(a.auth.email, a.auth.password, { headers: { 'User-Agent': 'browser one' } });
  const a2 = await login(a.auth.email, a.auth.password);
  const b1 = await login(b.auth.email, b.auth.password);

  // GET /sessions: admins only, paginated like every list.
  const page = await srv.get('/api/v2/sessions.json?per_page=1');
  assert.equal(page.status, 200, page.text);
  assert.equal(page.json.sessions.length, 1);
  assert.ok(page.json.count >= 3, page.text);
  assert.ok(page.json.next_page, 'a next page');
  const cursor = await srv.get('/api/v2/sessions.json?page[size]=2');
  assert.equal(cursor.status, 200);
  assert.equal(cursor.json.meta.has_more, true);
  assert.equal((await srv.get('/api/v2/sessions.json', bySession(a1))).status, 403);
  const viaClient = await srv.client().sessions.list();
  assert.ok(viaClient.some((s) => s.user_id === a.user.id));

  const mine = await srv.get(`/api/v2/users/${a.user.id}/sessions.json`, bySession(a1));
  assert.equal(mine.status, 200, mine.text);
  assert.equal(mine.json.sessions.length, 2);
  const me = await srv.get('/api/v2/users/me/sessions.json', bySession(a1));
  assert.deepEqual(me.json.sessions.map((s) => s.id), mine.json.sessions.map((s) => s.id));
  const theirs = await srv.get(`/api/v2/users/${b.user.id}/sessions.json`, bySession(a1));
  assert.equal(theirs.status, 403, theirs.text);
  const byAdmin = await srv.get(`/api/v2/users/${b.user.id}/sessions.json`);
  assert.equal(byAdmin.status, 200);
  assert.equal(byAdmin.json.sessions.length, 1);
  const b1Id = byAdmin.json.sessions[0].id;
  const one = await srv.get(`/api/v2/users/${b.user.id}/sessions/${b1Id}.json`);
  assert.equal(one.status, 200);
  assert.equal(one.json.session.user_id, b.user.id);
  // A session id under the wrong user is not found.
  assert.equal((await srv.get(`/api/v2/users/${a.user.id}/sessions/${b1Id}.json`)).status, 404);
  assert.equal(
    (await srv.del(`/api/v2/users/${b.user.id}/sessions/${b1Id}.json`, bySession(a1, { csrf: true }))).status,
    403,
  );

  // An admin ends B's session: B's cookie stops working at once.
  assert.equal((await srv.del(`/api/v2/users/${b.user.id}/sessions/${b1Id}.json`)).status, 204);
  assert.equal((await srv.get('/api/v2/users/me/session.json', bySession(b1))).status, 401);
  // A user ends all their own sessions (node-zendesk's sessions.bulkDeleteByUserId path).
  const all = await srv.del(`/api/v2/users/${a.user.id}/sessions.json`, bySession(a2, { csrf: true }));
  assert.equal(all.status, 204, all.text);
  for (const s of [a1, a2]) {
    assert.equal((await srv.get('/api/v2/users/me/session.json', bySession(s))).status, 401);
  }
});

test('suspension, a new password and a new role end the user\'s sessions', async () => {
  const changes = [
    ['suspension', (id) => srv.put(`/api/v2/users/${id}.json`, { user: { suspended: true } })],
    ['password set by an admin', (id) => srv.post(`/api/v2/users/${id}/password.json`, { password: 'An0ther-Passw0rd!' })],
    ['role change', (id) => srv.put(`/api/v2/users/${id}.json`, { user: { role: 'end-user' } })],
    ['deletion', (id) => srv.del(`/api/v2/users/${id}.json`)],
  ];
  for (const [what, change] of changes) {
    const { user, auth } = await agentWithPassword();
    const s = await login(auth.email, auth.password);
    assert.equal((await srv.get('/api/v2/users/me/session.json', bySession(s))).status, 200);
    const r = await change(user.id);
    assert.ok(r.status < 300, `${what}: ${r.status} ${r.text}`);
    const list = await srv.get(`/api/v2/users/${user.id}/sessions.json`);
    if (list.status === 200) assert.equal(list.json.sessions.length, 0, `${what}: ${list.text}`);
    const after = await srv.get('/api/v2/users/me/session.json', bySession(s));
    assert.equal(after.status, 401, `${what}: ${after.text}`);
  }
  // A change that is none of these keeps the session.
  const { user, auth } = await agentWithPassword();
  const s = await login(auth.email, auth.password);
  assert.equal((await srv.put(`/api/v2/users/${user.id}.json`, { user: { notes: 'kept' } })).status, 200);
  assert.equal((await srv.get('/api/v2/users/me/session.json', bySession(s))).status, 200);
  // A user changing their own password ends their sessions too.
  const own = await srv.put(
    `/api/v2/users/${user.id}/password.json`,
    { previous_password: auth.password, password: 'Y3t-Another-Passw0rd' },
    bySession(s, { csrf: true }),
  );
  assert.equal(own.status, 200, own.text);
  assert.equal((await srv.get('/api/v2/users/me/session.json', bySession(s))).status, 401);
});

test('failed logins answer 401 and count toward the failed sign-in limit', async () => {
  const { auth } = await agentWithPassword();
  const bad = await srv.post('/access/login', { email: auth.email, password: 'wrong-password-1' }, { auth: 'none' });
  assert.equal(bad.status, 401, bad.text);
  assert.deepEqual(bad.json, { error: "Couldn't authenticate you" });
  assert.equal(sessionCookie(bad), null);
  const unknown = await srv.post('/access/login', { email: uniqueEmail(), password: 'whatever-1' }, { auth: 'none' });
  assert.equal(unknown.status, 401);
  const empty = await srv.post('/access/login', {}, { auth: 'none' });
  assert.equal(empty.status, 401);
  const notJson = await srv.post('/access/login', 'not json', { auth: 'none' });
  assert.equal(notJson.status, 400);
  for (let i = 0; i < 4; i++) {
    await srv.post('/access/login', { email: auth.email, password: `wrong-password-${i + 2}` }, { auth: 'none' });
  }
  // Five failures: even the right password is refused for a while, over Basic auth too.
  const locked = await srv.post('/access/login', { email: auth.email, password: auth.password }, { auth: 'none' });
  assert.equal(locked.status, 429, locked.text);
  assert.ok(Number(locked.headers.get('retry-after')) > 0);
  assert.equal((await srv.get('/api/v2/users.json', { auth })).status, 429);
});

test('a session unused for longer than the idle time-out expires; use keeps it alive', async (t) => {
  // Times are whole seconds: a 3 s time-out used every 1.5 s never lapses.
  const idle = await startServer({ env: { COMPTOIR_SESSION_IDLE_SECONDS: '3' } });
  t.after(() => idle.stop());
  const s = await login(idle.adminEmail, idle.adminPassword, { server: idle });
  const alive = () => idle.get('/api/v2/users/me/session.json', bySession(s));
  // Used every 1.5 s, the session outlives its first 3 s (last_seen_at moves on)...
  for (let i = 0; i < 3; i++) {
    await sleep(1500);
    const r = await alive();
    assert.equal(r.status, 200, `use ${i}: ${r.text}`);
  }
  // ...and left alone for longer than 3 s, it expires.
  await sleep(4200);
  assert.equal((await alive()).status, 401);
});

test('sessions live in the database: a second node accepts and ends them', async (t) => {
  const second = await startServer({ dataDir: srv.dataDir, createToken: false });
  t.after(() => second.stop());
  const { auth } = await agentWithPassword();
  const s = await login(auth.email, auth.password);
  const there = await second.get('/api/v2/users/me/session.json', bySession(s));
  assert.equal(there.status, 200, there.text);
  const out = await second.post('/access/logout', undefined, bySession(s, { csrf: true }));
  assert.equal(out.status, 204);
  assert.equal((await srv.get('/api/v2/users/me/session.json', bySession(s))).status, 401);
});

test('a session belongs to its account: its cookie on another account\'s host is refused', async () => {
  const acme = await srv.createAccount({
    subdomain: `sess${process.pid}`,
    ownerEmail: uniqueEmail('owner'),
  });
  const host = `${acme.subdomain}.localhost`;
  const there = srv.at(host);
  const theirs = await there.post('/access/login', { email: acme.email, password: acme.password });
  assert.equal(theirs.status, 200, theirs.text);
  const theirCookie = `comptoir_session=${sessionCookie(theirs).value}`;
  assert.equal((await there.get('/api/v2/users/me/session.json', { headers: { Cookie: theirCookie } })).status, 200);
  // The same cookie sent to the default account (another Host): unknown there.
  const elsewhere = await srv.get('/api/v2/users/me/session.json', { auth: 'none', headers: { Cookie: theirCookie } });
  assert.equal(elsewhere.status, 401, elsewhere.text);
  // A default-account user cannot sign in on the other account's host.
  const wrong = await there.post('/access/login', { email: srv.adminEmail, password: srv.adminPassword });
  assert.equal(wrong.status, 401, wrong.text);
  // And its admin sees only its own sessions.
  const list = await there.get('/api/v2/sessions.json', { auth: { email: acme.email, password: acme.password } });
  assert.equal(list.status, 200, list.text);
  assert.ok(list.json.sessions.every((x) => x.user_id !== undefined));
  const ours = await srv.get('/api/v2/sessions.json?per_page=100');
  const ourIds = new Set(ours.json.sessions.map((x) => x.id));
  assert.ok(list.json.sessions.length >= 1);
  assert.ok(list.json.sessions.every((x) => !ourIds.has(x.id)), 'no session of the default account');
});
