// Who sees which ticket: agents by their custom role's ticket_access (all, within their
// groups, assigned only), end users only through the Requests API (their own, those
// they are copied on, their organisation's when it shares tickets). A ticket the caller
// may not see answers 404, never 403. Merging users moves their tickets.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, uniqueName, USER_PASSWORD } from './harness.mjs';

let srv;
let zd;

before(async () => {
  srv = await startServer();
  zd = srv.client({ throwOriginalException: true });
});
after(() => srv?.stop());

async function createTicket(attrs = {}, { auth } = {}) {
  const ticket = { subject: uniqueName('Access'), comment: { body: 'Please help' }, ...attrs };
  const res = await srv.post('/api/v2/tickets.json', { ticket }, auth ? { auth } : {});
  assert.equal(res.status, 201, res.text);
  return res.json.ticket;
}

async function createGroup() {
  return srv.createRecord('/api/v2/groups.json', 'group', { name: uniqueName('Group') });
}

async function addToGroup(userId, groupId) {
  const res = await srv.post('/api/v2/group_memberships.json', {
    group_membership: { user_id: userId, group_id: groupId },
  });
  assert.equal(res.status, 201, res.text);
}

async function agentWithAccess(ticketAccess) {
  const role = await srv.createRecord('/api/v2/custom_roles.json', 'custom_role', {
    name: uniqueName(`Role ${ticketAccess}`),
    configuration: { ticket_access: ticketAccess },
  });
  const agent = await srv.createUserWithPassword({ role: 'agent' });
  const res = await srv.put(`/api/v2/users/${agent.user.id}.json`, { user: { custom_role_id: role.id } });
  assert.equal(res.status, 200, res.text);
  return agent;
}

// Every ticket id the caller can list, following offset pages.
async function listedIds(path, auth) {
  const ids = [];
  let next = `${path}${path.includes('?') ? '&' : '?'}per_page=100`;
  while (next) {
    const res = await srv.get(next, { auth });
    assert.equal(res.status, 200, `${next}: ${res.text}`);
    const key = Object.keys(res.json).find((k) => Array.isArray(res.json[k]) && (k === 'tickets' || k === 'requests'));
    ids.push(...res.json[key].map((t) => t.id));
    next = res.json.next_page;
  }
  return ids;
}

test('an agent whose role gives "within-groups" access sees only their groups\' tickets', async () => {
  const g1 = await createGroup();
  const g2 = await createGroup();
  const agent = await agentWithAccess('within-groups');
  await addToGroup(agent.user.id, g1.id);
  const mine = await createTicket({ group_id: g1.id });
  const theirs = await createTicket({ group_id: g2.id });
  const ungrouped = await createTicket();
  const requester = await srv.createUser();
  const theirsForRequester = await createTicket({ group_id: g2.id, requester_id: requester.id });

  const auth = agent.auth;
  assert.equal((await srv.get(`/api/v2/tickets/${mine.id}.json`, { auth })).status, 200);
  for (const t of [theirs, ungrouped]) {
    const res = await srv.get(`/api/v2/tickets/${t.id}.json`, { auth });
    assert.equal(res.status, 404, `ticket ${t.id}: ${res.text}`);
    assert.equal(res.json.error, 'RecordNotFound');
    const upd = await srv.put(`/api/v2/tickets/${t.id}.json`, { ticket: { subject: 'hijack' } }, { auth });
    assert.equal(upd.status, 404, upd.text);
    assert.equal((await srv.get(`/api/v2/tickets/${t.id}/comments.json`, { auth })).status, 404);
    assert.equal((await srv.get(`/api/v2/tickets/${t.id}/audits.json`, { auth })).status, 404);
    assert.equal((await srv.get(`/api/v2/tickets/${t.id}/tags.json`, { auth })).status, 404);
    assert.equal((await srv.del(`/api/v2/tickets/${t.id}.json`, { auth })).status, 404);
  }
  const listed = await listedIds('/api/v2/tickets.json', auth);
  assert.ok(listed.includes(mine.id));
  assert.ok(!listed.includes(theirs.id));
  assert.ok(!listed.includes(ungrouped.id));

  const many = await srv.get(`/api/v2/tickets/show_many.json?ids=${mine.id},${theirs.id}`, { auth });
  assert.equal(many.status, 200, many.text);
  assert.deepEqual(many.json.tickets.map((t) => t.id), [mine.id]);
  const count = await srv.get('/api/v2/tickets/count.json', { auth });
  assert.equal(count.json.count.value, listed.length);
  const requested = await listedIds(`/api/v2/users/${requester.id}/tickets/requested.json`, auth);
  assert.ok(!requested.includes(theirsForRequester.id));

  // Moving the ticket into the agent's group makes it visible.
  await srv.put(`/api/v2/tickets/${theirs.id}.json`, { ticket: { group_id: g1.id } });
  assert.equal((await srv.get(`/api/v2/tickets/${theirs.id}.json`, { auth })).status, 200);
});

test('an agent whose role gives "assigned-only" access sees only tickets assigned to them', async () => {
  const agent = await agentWithAccess('assigned-only');
  const assigned = await createTicket({ assignee_id: agent.user.id });
  const other = await createTicket();
  const auth = agent.auth;
  assert.equal((await srv.get(`/api/v2/tickets/${assigned.id}.json`, { auth })).status, 200);
  assert.equal((await srv.get(`/api/v2/tickets/${other.id}.json`, { auth })).status, 404);
  const listed = await listedIds('/api/v2/tickets.json', auth);
  assert.ok(listed.includes(assigned.id));
  assert.ok(!listed.includes(other.id));
  const upd = await srv.put(`/api/v2/tickets/${assigned.id}.json`, { ticket: { comment: { body: 'On it' } } }, { auth });
  assert.equal(upd.status, 200, upd.text);

  // A plain agent (no custom role) sees everything.
  const plain = await srv.createUserWithPassword({ role: 'agent' });
  assert.equal((await srv.get(`/api/v2/tickets/${other.id}.json`, { auth: plain.auth })).status, 200);
});

test('an end user sees their own tickets through /requests only; /tickets is 403', async () => {
  const alice = await srv.createUserWithPassword();
  const bob = await srv.createUserWithPassword();
  const hers = await createTicket({ requester_id: alice.user.id });
  const his = await createTicket({ requester_id: bob.user.id });

  assert.equal((await srv.get('/api/v2/tickets.json', { auth: alice.auth })).status, 403);
  const listed = await listedIds('/api/v2/requests.json', alice.auth);
  assert.ok(listed.includes(hers.id));
  assert.ok(!listed.includes(his.id));
  assert.equal((await srv.get(`/api/v2/requests/${hers.id}.json`, { auth: alice.auth })).status, 200);
  const other = await srv.get(`/api/v2/requests/${his.id}.json`, { auth: alice.auth });
  assert.equal(other.status, 404, other.text);
  const reply = await srv.put(`/api/v2/requests/${his.id}.json`, { request: { comment: { body: 'me too' } } }, { auth: alice.auth });
  assert.equal(reply.status, 404, reply.text);
  assert.equal((await srv.get(`/api/v2/requests/${his.id}/comments.json`, { auth: alice.auth })).status, 404);
});

test('an end user never sees internal notes through /requests/{id}/comments', async () => {
  const enduser = await srv.createUserWithPassword();
  const ticket = await createTicket({ requester_id: enduser.user.id });
  await srv.put(`/api/v2/tickets/${ticket.id}.json`, { ticket: { comment: { body: 'Secret internal note', public: false } } });
  await srv.put(`/api/v2/tickets/${ticket.id}.json`, { ticket: { comment: { body: 'A public answer', public: true } } });

  const res = await srv.get(`/api/v2/requests/${ticket.id}/comments.json`, { auth: enduser.auth });
  assert.equal(res.status, 200, res.text);
  const bodies = res.json.comments.map((c) => c.body);
  assert.deepEqual(bodies, ['Please help', 'A public answer']);
  assert.ok(!res.text.includes('Secret internal note'));

  const all = (await srv.get(`/api/v2/tickets/${ticket.id}/comments.json`)).json.comments;
  const note = all.find((c) => c.body === 'Secret internal note');
  const one = await srv.get(`/api/v2/requests/${ticket.id}/comments/${note.id}.json`, { auth: enduser.auth });
  assert.equal(one.status, 404, one.text);

  // Through node-zendesk as the end user as well.
  const client = srv.passwordClient(enduser.user.email, USER_PASSWORD, { throwOriginalException: true });
  const pages = await client.requests.listComments(ticket.id);
  const viaClient = pages.flatMap((p) => p.comments ?? []);
  assert.deepEqual(viaClient.map((c) => c.body), ['Please help', 'A public answer']);
  // The request's description is the first comment, never a note.
  const shown = await srv.get(`/api/v2/requests/${ticket.id}.json`, { auth: enduser.auth });
  assert.equal(shown.json.request.description, 'Please help');
});

test('an organization that shares tickets lets its members see each other\'s requests', async () => {
  const { result: shared } = await zd.organizations.create({
    organization: { name: uniqueName('Shared'), shared_tickets: true },
  });
  const { result: closed } = await zd.organizations.create({
    organization: { name: uniqueName('Private'), shared_tickets: false },
  });
  const a = await srv.createUserWithPassword({ organization_id: shared.id });
  const b = await srv.createUserWithPassword({ organization_id: shared.id });
  const c = await srv.createUserWithPassword({ organization_id: closed.id });
  const d = await srv.createUserWithPassword({ organization_id: closed.id });
  const outsider = await srv.createUserWithPassword();

  const ta = await createTicket({ requester_id: a.user.id });
  assert.equal(ta.organization_id, shared.id);
  const tc = await createTicket({ requester_id: c.user.id });

  assert.equal((await srv.get(`/api/v2/requests/${ta.id}.json`, { auth: b.auth })).status, 200);
  assert.ok((await listedIds('/api/v2/requests.json', b.auth)).includes(ta.id));
  assert.ok((await listedIds(`/api/v2/organizations/${shared.id}/requests.json`, b.auth)).includes(ta.id));
  assert.equal((await srv.get(`/api/v2/requests/${ta.id}.json`, { auth: outsider.auth })).status, 404);
  assert.ok(!(await listedIds('/api/v2/requests.json', outsider.auth)).includes(ta.id));

  assert.equal((await srv.get(`/api/v2/requests/${tc.id}.json`, { auth: d.auth })).status, 404);
  assert.ok(!(await listedIds('/api/v2/requests.json', d.auth)).includes(tc.id));
  assert.ok(!(await listedIds(`/api/v2/organizations/${closed.id}/requests.json`, d.auth)).includes(tc.id));
});

test('merging users moves their tickets (requester, submitter, CC) and comment authorship', async () => {
  const source = await srv.createUserWithPassword();
  const target = await srv.createUser();
  const requested = await createTicket({ requester_id: source.user.id });
  const copied = await createTicket({ email_ccs: [{ user_id: source.user.id, action: 'put' }] });
  assert.ok(copied.email_cc_ids.includes(source.user.id), JSON.stringify(copied));
  // The source files a request and comments on it themselves.
  const own = await srv.post(
    '/api/v2/requests.json',
    { request: { subject: 'Filed by the source', comment: { body: 'Written by the source' } } },
    { auth: source.auth },
  );
  assert.equal(own.status, 201, own.text);
  const filed = own.json.request;

  const { result } = await zd.users.merge(source.user.id, target.id);
  assert.equal(result.id, target.id);

  const t1 = (await srv.get(`/api/v2/tickets/${requested.id}.json`)).json.ticket;
  assert.equal(t1.requester_id, target.id);
  const t2 = (await srv.get(`/api/v2/tickets/${copied.id}.json`)).json.ticket;
  const ccs = [...t2.collaborator_ids, ...t2.email_cc_ids];
  assert.ok(ccs.includes(target.id), JSON.stringify(t2));
  assert.ok(!ccs.includes(source.user.id), JSON.stringify(t2));
  const t3 = (await srv.get(`/api/v2/tickets/${filed.id}.json`)).json.ticket;
  assert.equal(t3.requester_id, target.id);
  assert.equal(t3.submitter_id, target.id);
  const comments = (await srv.get(`/api/v2/tickets/${filed.id}/comments.json`)).json.comments;
  assert.equal(comments[0].author_id, target.id);

  const byTarget = await zd.tickets.listByUserRequested(target.id);
  assert.deepEqual(byTarget.map((t) => t.id).sort((x, y) => x - y), [requested.id, filed.id].sort((x, y) => x - y));
  const ccd = await zd.tickets.listByUserCCD(target.id);
  assert.ok(ccd.some((t) => t.id === copied.id));
});
