// Authentication (reference §1.7): Basic email:password, Basic email/token:TOKEN,
// Bearer OAuth; API tokens and OAuth clients/tokens management; roles; failed
// sign-in throttling.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { startServer, uniqueName, uniqueEmail, USER_PASSWORD } from './harness.mjs';

const require = createRequire(import.meta.url);
const { createClient } = require('node-zendesk');

let srv;

before(async () => {
  srv = await startServer();
});
after(() => srv?.stop());

test('API token, password and node-zendesk clients all authenticate', async () => {
  const byToken = await srv.get('/api/v2/users/me.json', { auth: 'token' });
  assert.equal(byToken.status, 200);
  assert.equal(byToken.json.user.email, srv.adminEmail);
  const byPassword = await srv.get('/api/v2/users/me.json', { auth: 'password' });
  assert.equal(byPassword.status, 200);
  assert.equal(byPassword.json.user.id, byToken.json.user.id);

  const { result: viaToken } = await srv.client().users.me();
  assert.equal(viaToken.email, srv.adminEmail);
  const { result: viaPassword } = await srv.passwordClient(srv.adminEmail, srv.adminPassword).users.me();
  assert.equal(viaPassword.email, srv.adminEmail);
});

test('the email in Basic auth is case-insensitive', async () => {
  const res = await srv.get('/api/v2/users/me.json', {
    auth: { email: srv.adminEmail.toUpperCase(), token: srv.token },
  });
  assert.equal(res.status, 200, res.text);
});

test('anonymous GET /users/me answers 200 with an anonymous user (documented)', async () => {
  const res = await srv.get('/api/v2/users/me.json', { auth: 'none' });
  assert.equal(res.status, 200, res.text);
  assert.equal(res.json.user.id, null);
});

test('an end user may read /users/me but not agent endpoints', async () => {
  const { user, auth } = await srv.createUserWithPassword();
  const me = await srv.get('/api/v2/users/me.json', { auth });
  assert.equal(me.status, 200);
  assert.equal(me.json.user.id, user.id);
  assert.equal(me.json.user.role, 'end-user');
  for (const path of ['/api/v2/users.json', '/api/v2/organizations.json', '/api/v2/groups.json']) {
    const res = await srv.get(path, { auth });
    assert.equal(res.status, 403, `${path}: ${res.text}`);
    assert.equal(res.json?.error, 'Forbidden');
  }
  const create = await srv.post('/api/v2/users.json', { user: { name: uniqueName(), email: uniqueEmail() } }, { auth });
  assert.equal(create.status, 403);
});

test('an agent can read users but cannot make an admin', async () => {
  const { auth } = await srv.createUserWithPassword({ role: 'agent' });
  const list = await srv.get('/api/v2/users.json', { auth });
  assert.equal(list.status, 200);
  const res = await srv.post(
    '/api/v2/users.json',
    { user: { name: uniqueName(), email: uniqueEmail(), role: 'admin' } },
    { auth },
  );
  assert.equal(res.status, 403, res.text);
});

test('a suspended user cannot authenticate', async () => {
  const { user, auth } = await srv.createUserWithPassword({ role: 'agent' });
  const ok = await srv.get('/api/v2/users/me.json', { auth });
  assert.equal(ok.status, 200);
  const s = await srv.put(`/api/v2/users/${user.id}.json`, { user: { suspended: true } });
  assert.equal(s.status, 200);
  const res = await srv.get('/api/v2/users.json', { auth });
  assert.ok(res.status === 401 || res.status === 403, `${res.status} ${res.text}`);
});

test('a deleted user cannot authenticate', async () => {
  const { user, auth } = await srv.createUserWithPassword({ role: 'agent' });
  const del = await srv.del(`/api/v2/users/${user.id}.json`);
  assert.ok(del.status < 300);
  const res = await srv.get('/api/v2/users.json', { auth });
  assert.equal(res.status, 401, res.text);
});

test('API tokens: create, use, list, revoke', async () => {
  const created = await srv.post('/api/v2/api_tokens.json', { api_token: { description: 'ci token' } });
  assert.equal(created.status, 201, created.text);
  const t = created.json.api_token;
  assert.ok(Number.isSafeInteger(t.id));
  assert.equal(t.description, 'ci token');
  const value = t.full_token ?? t.token ?? t.value;
  assert.equal(typeof value, 'string', `token value missing: ${created.text}`);

  const me = await srv.get('/api/v2/users/me.json', { auth: { email: srv.adminEmail, token: value } });
  assert.equal(me.status, 200);

  const list = await srv.get('/api/v2/api_tokens.json');
  assert.equal(list.status, 200, list.text);
  const listed = list.json.api_tokens.find((x) => x.id === t.id);
  assert.ok(listed, 'new token listed');
  assert.ok(!JSON.stringify(list.json).includes(value), 'the full token is shown only once');

  const del = await srv.del(`/api/v2/api_tokens/${t.id}.json`);
  assert.equal(del.status, 204, del.text);
  const after = await srv.get('/api/v2/users/me.json', { auth: { email: srv.adminEmail, token: value } });
  assert.equal(after.status, 401);
  assert.deepEqual(after.json, { error: "Couldn't authenticate you" });
});

test('only admins manage API tokens', async () => {
  const { auth } = await srv.createUserWithPassword({ role: 'agent' });
  const res = await srv.get('/api/v2/api_tokens.json', { auth });
  assert.equal(res.status, 403, res.text);
});

test('OAuth: create a client and a token, use it as Bearer, revoke it', async () => {
  const identifier = `app_${Date.now().toString(36)}`;
  const client = await srv.post('/api/v2/oauth/clients.json', {
    client: { name: 'Test App', identifier },
  });
  assert.equal(client.status, 201, client.text);
  const c = client.json.client;
  assert.ok(Number.isSafeInteger(c.id));
  assert.equal(c.identifier, identifier);

  const clients = await srv.client().oauthclients.list();
  assert.ok(clients.some((x) => x.id === c.id), 'client listed');

  const created = await srv.post('/api/v2/oauth/tokens.json', {
    token: { client_id: c.id, scopes: ['read', 'write'] },
  });
  assert.equal(created.status, 201, created.text);
  const tok = created.json.token;
  assert.ok(Number.isSafeInteger(tok.id));
  assert.deepEqual([...tok.scopes].sort(), ['read', 'write']);
  const bearer = tok.full_token ?? tok.token;
  assert.equal(typeof bearer, 'string');

  const me = await srv.get('/api/v2/users/me.json', { auth: { bearer } });
  assert.equal(me.status, 200, me.text);
  assert.equal(me.json.user.email, srv.adminEmail);

  // node-zendesk with oauth: true sends the token as Bearer.
  const oauthClient = createClient({ token: bearer, oauth: true, endpointUri: srv.apiUrl });
  const { result } = await oauthClient.users.me();
  assert.equal(result.email, srv.adminEmail);

  const current = await srv.get('/api/v2/oauth/tokens/current.json', { auth: { bearer } });
  assert.equal(current.status, 200, current.text);
  assert.equal(current.json.token.id, tok.id);

  const list = await srv.get('/api/v2/oauth/tokens.json');
  assert.equal(list.status, 200, list.text);
  assert.ok(list.json.tokens.some((x) => x.id === tok.id));

  const revoke = await srv.del(`/api/v2/oauth/tokens/${tok.id}.json`);
  assert.equal(revoke.status, 204, revoke.text);
  const after = await srv.get('/api/v2/users/me.json', { auth: { bearer } });
  assert.equal(after.json?.user?.id ?? null, null, 'a revoked token is anonymous at best');
  const denied = await srv.get('/api/v2/users.json', { auth: { bearer } });
  assert.equal(denied.status, 401);
});

test('a read-only OAuth token cannot write', async () => {
  const client = await srv.post('/api/v2/oauth/clients.json', {
    client: { name: 'RO App', identifier: `ro_${Date.now().toString(36)}` },
  });
  assert.equal(client.status, 201, client.text);
  const created = await srv.post('/api/v2/oauth/tokens.json', {
    token: { client_id: client.json.client.id, scopes: ['read'] },
  });
  assert.equal(created.status, 201, created.text);
  const bearer = created.json.token.full_token ?? created.json.token.token;
  const read = await srv.get('/api/v2/users.json', { auth: { bearer } });
  assert.equal(read.status, 200);
  const write = await srv.post(
    '/api/v2/users.json',
    { user: { name: uniqueName(), email: uniqueEmail() } },
    { auth: { bearer } },
  );
  assert.equal(write.status, 403, write.text);
});

test('only admins manage OAuth clients and list OAuth tokens', async () => {
  const { auth } = await srv.createUserWithPassword({ role: 'agent' });
  const c = await srv.post(
    '/api/v2/oauth/clients.json',
    { client: { name: 'Nope', identifier: `nope_${Date.now()}` } },
    { auth },
  );
  assert.equal(c.status, 403, c.text);
  const t = await srv.get('/api/v2/oauth/tokens.json', { auth });
  assert.equal(t.status, 403, t.text);
});

test('after 5 failed sign-ins for one email within 5 minutes → 429', async () => {
  const { user } = await srv.createUserWithPassword({ role: 'agent' });
  const wrong = { email: user.email, password: 'definitely-wrong' };
  for (let i = 1; i <= 5; i++) {
    const res = await srv.get('/api/v2/users.json', { auth: wrong });
    assert.equal(res.status, 401, `attempt ${i}: ${res.status} ${res.text}`);
  }
  const sixth = await srv.get('/api/v2/users.json', { auth: wrong });
  assert.equal(sixth.status, 429, sixth.text);
  const retryAfter = Number(sixth.headers.get('retry-after'));
  assert.ok(Number.isInteger(retryAfter) && retryAfter > 0 && retryAfter <= 300, `Retry-After ${retryAfter}`);
  // The correct password is throttled too: this is what stops guessing.
  const right = await srv.get('/api/v2/users.json', { auth: { email: user.email, password: USER_PASSWORD } });
  assert.equal(right.status, 429);
  // Other accounts are unaffected.
  const admin = await srv.get('/api/v2/users/me.json', { auth: 'password' });
  assert.equal(admin.status, 200);
});
