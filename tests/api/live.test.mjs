// Live pushes: GET /api/v2/live is a WebSocket that receives the ticket events its user
// may see (ids only), authenticated like any request (an Authorization header, or the
// session cookie with this host as Origin). With COMPTOIR_TEST_PG_URL the events travel
// through PostgreSQL's LISTEN/NOTIFY; cluster.test.mjs checks they cross nodes.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, openLive, USER_PASSWORD } from './harness.mjs';

let srv;
before(async () => {
  srv = await startServer();
});
after(() => srv?.stop());

test('the live connection needs credentials', async () => {
  const anon = await openLive(srv);
  assert.equal(anon.status, 401);
  const bad = await openLive(srv, { Authorization: srv.authHeader({ email: srv.adminEmail, password: 'nope' }) });
  assert.equal(bad.status, 401);
  const elsewhere = await openLive(srv, { Authorization: srv.authHeader('token') }, '/api/v2/not-live');
  assert.equal(elsewhere.status, 404);
});

test('an agent sees tickets being created and updated; ping is answered', async () => {
  const live = await openLive(srv, { Authorization: srv.authHeader('token') });
  assert.ok(live.ws, `refused: ${live.status}`);
  const hello = await live.next((m) => m.type === 'hello');
  assert.ok(hello.user_id > 0);
  const created = await srv.createRecord('/api/v2/tickets.json', 'ticket', {
    subject: 'live', comment: { body: 'pushed' },
  });
  const ev = await live.next((m) => m.ticket_id === created.id);
  assert.equal(ev.type, 'ticket.created');
  assert.match(ev.updated_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  assert.equal(Object.keys(ev).sort().join(','), 'assignee_id,ticket_id,type,updated_at', 'ids only');
  assert.equal(ev.assignee_id, null);
  const r = await srv.put(`/api/v2/tickets/${created.id}.json`, {
    ticket: { status: 'pending', assignee_id: hello.user_id },
  });
  assert.equal(r.status, 200, r.text);
  const updated = await live.next((m) => m.ticket_id === created.id);
  assert.equal(updated.type, 'ticket.updated');
  assert.equal(updated.assignee_id, hello.user_id, 'the assignee, for "assigned to me" notices');
  await srv.del(`/api/v2/tickets/${created.id}.json`);
  assert.equal((await live.next((m) => m.ticket_id === created.id)).type, 'ticket.deleted');
  live.ws.send('ping');
  assert.equal((await live.next((m) => m.text === 'pong')).text, 'pong');
  live.ws.close();
});

test('an end user only hears of their own requests', async () => {
  const { user, auth } = await srv.createUserWithPassword({ role: 'end-user' });
  const live = await openLive(srv, { Authorization: srv.authHeader(auth) });
  assert.ok(live.ws, `refused: ${live.status}`);
  await live.next((m) => m.type === 'hello');
  const other = await srv.createRecord('/api/v2/tickets.json', 'ticket', {
    subject: 'not theirs', comment: { body: 'x' },
  });
  const own = await srv.createRecord('/api/v2/tickets.json', 'ticket', {
    subject: 'theirs', requester_id: user.id, comment: { body: 'y' },
  });
  const ev = await live.next((m) => m.type?.startsWith('ticket.'));
  assert.equal(ev.ticket_id, own.id, `the first ticket event is their own, not ${other.id}`);
  live.ws.close();
});

test('an agent broadcast is announced to agents and admins, not to end users', async () => {
  const { auth: agentAuth } = await srv.createUserWithPassword({ role: 'agent' });
  const { auth: endAuth } = await srv.createUserWithPassword({ role: 'end-user' });
  const agent = await openLive(srv, { Authorization: srv.authHeader(agentAuth) });
  const endUser = await openLive(srv, { Authorization: srv.authHeader(endAuth) });
  assert.ok(agent.ws && endUser.ws);
  await agent.next((m) => m.type === 'hello');
  await endUser.next((m) => m.type === 'hello');
  const b = await srv.createRecord('/api/v2/agent_broadcasts.json', 'agent_broadcast', {
    subject: 'Disruption', message: 'Phones are down.',
  });
  const ev = await agent.next((m) => m.type === 'broadcast');
  assert.deepEqual(ev, { type: 'broadcast', broadcast_id: b.id }, 'ids only');
  // The end user hears of their own ticket, and of no broadcast before it.
  const own = await srv.createRecord('/api/v2/tickets.json', 'ticket', {
    subject: 'after the broadcast', requester_id: (await srv.get('/api/v2/users/me.json', { auth: endAuth })).json.user.id,
    comment: { body: 'z' },
  });
  const first = await endUser.next((m) => m.type !== 'hello');
  assert.equal(first.ticket_id, own.id, `not ${JSON.stringify(first)}`);
  agent.ws.close();
  endUser.ws.close();
});

test('a browser session connects from its own origin only', async () => {
  const { auth } = await srv.createUserWithPassword({ role: 'agent' });
  const res = await srv.post('/access/login', { email: auth.email, password: USER_PASSWORD }, { auth: 'none' });
  assert.equal(res.status, 200, res.text);
  const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0];
  assert.match(cookie, /^comptoir_session=/);
  const foreign = await openLive(srv, { Cookie: cookie, Origin: 'https://evil.example' });
  assert.equal(foreign.status, 403);
  const noOrigin = await openLive(srv, { Cookie: cookie });
  assert.equal(noOrigin.status, 403);
  const own = await openLive(srv, { Cookie: cookie, Origin: srv.url });
  assert.ok(own.ws, `refused: ${own.status}`);
  await own.next((m) => m.type === 'hello');
  own.ws.close();
});
