// Presence on the live WebSocket (collision detection): a connection says which ticket it
// shows ({"type":"viewing","ticket_id":…}); the connections of the same account viewing
// that ticket are told who is there, and again when someone leaves or disconnects. A
// ticket the user may not see is ignored, and other accounts never hear of it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, openLive } from './harness.mjs';

let srv;
before(async () => {
  srv = await startServer();
});
after(() => srv?.stop());

const names = (m) => m.viewers.map((v) => v.name).sort();

test('agents viewing the same ticket see each other, and who leaves', async () => {
  const ticket = await srv.createRecord('/api/v2/tickets.json', 'ticket', {
    subject: 'presence', comment: { body: 'who is here' },
  });
  const other = await srv.createRecord('/api/v2/tickets.json', 'ticket', {
    subject: 'elsewhere', comment: { body: 'x' },
  });
  const { user: ann, auth: annAuth } = await srv.createUserWithPassword({ role: 'admin', name: 'Ann Presence' });
  const { user: bob, auth: bobAuth } = await srv.createUserWithPassword({ role: 'admin', name: 'Bob Presence' });
  const a = await openLive(srv, { Authorization: srv.authHeader(annAuth) });
  const b = await openLive(srv, { Authorization: srv.authHeader(bobAuth) });
  assert.ok(a.ws && b.ws);
  await a.next((m) => m.type === 'hello');
  await b.next((m) => m.type === 'hello');

  a.ws.send(JSON.stringify({ type: 'viewing', ticket_id: ticket.id }));
  const alone = await a.next((m) => m.type === 'presence' && m.ticket_id === ticket.id);
  assert.deepEqual(alone.viewers, [{ user_id: ann.id, name: 'Ann Presence' }]);

  b.ws.send(JSON.stringify({ type: 'viewing', ticket_id: ticket.id }));
  const both = await a.next((m) => m.type === 'presence' && m.viewers.length === 2);
  assert.deepEqual(names(both), ['Ann Presence', 'Bob Presence']);
  const bothB = await b.next((m) => m.type === 'presence' && m.viewers.length === 2);
  assert.equal(bothB.ticket_id, ticket.id);

  // Bob moves to another ticket: Ann is alone again.
  b.ws.send(JSON.stringify({ type: 'viewing', ticket_id: other.id }));
  const left = await a.next((m) => m.type === 'presence' && m.viewers.length === 1);
  assert.equal(left.viewers[0].user_id, ann.id);
  // Bob comes back, then disconnects: Ann hears of it.
  b.ws.send(JSON.stringify({ type: 'viewing', ticket_id: ticket.id }));
  await a.next((m) => m.type === 'presence' && m.viewers.length === 2);
  b.ws.close();
  const gone = await a.next((m) => m.type === 'presence' && m.viewers.length === 1);
  assert.deepEqual(gone.viewers.map((v) => v.user_id), [ann.id]);
  assert.ok(!a.inbox.some((m) => m.type === 'presence' && m.ticket_id === other.id), 'only the ticket Ann views');
  void bob;
  a.ws.close();
});

test('a ticket the user may not see is ignored; bad messages do not close the socket', async () => {
  const ticket = await srv.createRecord('/api/v2/tickets.json', 'ticket', {
    subject: 'private', comment: { body: 'not for end users' },
  });
  const { auth: annAuth } = await srv.createUserWithPassword({ role: 'admin', name: 'Ann Two' });
  const { auth: endAuth } = await srv.createUserWithPassword({ role: 'end-user', name: 'Eve Outsider' });
  const a = await openLive(srv, { Authorization: srv.authHeader(annAuth) });
  const e = await openLive(srv, { Authorization: srv.authHeader(endAuth) });
  await a.next((m) => m.type === 'hello');
  await e.next((m) => m.type === 'hello');
  a.ws.send(JSON.stringify({ type: 'viewing', ticket_id: ticket.id }));
  await a.next((m) => m.type === 'presence' && m.viewers.length === 1);
  for (const bad of ['{', '[]', '{"type":"viewing","ticket_id":"x"}', '{"type":"viewing","ticket_id":-4}',
    '{"type":"other"}', JSON.stringify({ type: 'viewing', ticket_id: 99999999 })]) {
    e.ws.send(bad);
  }
  e.ws.send(JSON.stringify({ type: 'viewing', ticket_id: ticket.id }));
  e.ws.send('ping');
  await e.next((m) => m.text === 'pong');
  await new Promise((r) => setTimeout(r, 300));
  assert.ok(!e.inbox.some((m) => m.type === 'presence'), `the end user hears nothing: ${JSON.stringify(e.inbox)}`);
  assert.ok(!a.inbox.some((m) => m.type === 'presence'), `Ann is not told of Eve: ${JSON.stringify(a.inbox)}`);
  a.ws.close();
  e.ws.close();
});

test('another account never sees who views a ticket', async () => {
  const ticket = await srv.createRecord('/api/v2/tickets.json', 'ticket', {
    subject: 'account one', comment: { body: 'x' },
  });
  const acct = await srv.createAccount({ subdomain: 'presenceother', ownerEmail: 'owner@presenceother.test' });
  const port = new URL(srv.url).port;
  const outsider = await openLive(srv, {
    Host: `presenceother.localhost:${port}`,
    Authorization: srv.authHeader({ email: acct.email, password: acct.password }),
  });
  assert.ok(outsider.ws, `refused: ${outsider.status}`);
  await outsider.next((m) => m.type === 'hello');
  const { auth } = await srv.createUserWithPassword({ role: 'admin', name: 'Ann Three' });
  const a = await openLive(srv, { Authorization: srv.authHeader(auth) });
  await a.next((m) => m.type === 'hello');
  a.ws.send(JSON.stringify({ type: 'viewing', ticket_id: ticket.id }));
  await a.next((m) => m.type === 'presence');
  // The same id in the other account is not theirs (404 there): ignored, and they are
  // not told of Ann.
  outsider.ws.send(JSON.stringify({ type: 'viewing', ticket_id: ticket.id }));
  outsider.ws.send('ping');
  await outsider.next((m) => m.text === 'pong');
  await new Promise((r) => setTimeout(r, 300));
  assert.ok(!outsider.inbox.some((m) => m.type === 'presence'), JSON.stringify(outsider.inbox));
  assert.ok(!a.inbox.some((m) => m.type === 'presence'), JSON.stringify(a.inbox));
  a.ws.close();
  outsider.ws.close();
});
