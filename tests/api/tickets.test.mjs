// Tickets (reference §2.1), comments (§2.2), audits (§2.3), tags (§2.13) and the ticket
// bulk jobs (§1.9), driven through node-zendesk and raw HTTP as the admin and agents.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, uniqueEmail, uniqueName, ISO_UTC, rejection, watchJob, USER_PASSWORD } from './harness.mjs';

let srv;
let zd;
let admin; // the admin user

before(async () => {
  srv = await startServer();
  zd = srv.client({ throwOriginalException: true });
  admin = (await srv.get('/api/v2/users/me.json')).json.user;
});
after(() => srv?.stop());

const word = () => Math.random().toString(36).slice(2, 10);

// POST /tickets as the admin (or `auth`); expects 201 and resolves {ticket, audit}.
async function createTicket(attrs = {}, { auth } = {}) {
  const ticket = { subject: uniqueName('Subject'), comment: { body: 'The first comment' }, ...attrs };
  const res = await srv.post('/api/v2/tickets.json', { ticket }, auth ? { auth } : {});
  assert.equal(res.status, 201, res.text);
  return res.json;
}

async function showTicket(id) {
  const res = await srv.get(`/api/v2/tickets/${id}.json`);
  assert.equal(res.status, 200, res.text);
  return res.json.ticket;
}

async function updateTicket(id, attrs, { auth } = {}) {
  return srv.put(`/api/v2/tickets/${id}.json`, { ticket: attrs }, auth ? { auth } : {});
}

async function commentsOf(id) {
  const res = await srv.get(`/api/v2/tickets/${id}/comments.json`);
  assert.equal(res.status, 200, res.text);
  return res.json.comments;
}

async function createAgent(attrs = {}) {
  return srv.createUserWithPassword({ role: 'agent', ...attrs });
}

async function createGroup(name = uniqueName('Group')) {
  return srv.createRecord('/api/v2/groups.json', 'group', { name });
}

async function addToGroup(userId, groupId) {
  const res = await srv.post('/api/v2/group_memberships.json', {
    group_membership: { user_id: userId, group_id: groupId },
  });
  assert.equal(res.status, 201, res.text);
}

const TICKET_FIELDS = [
  'id', 'url', 'external_id', 'via', 'created_at', 'updated_at', 'type', 'subject', 'raw_subject',
  'description', 'priority', 'status', 'recipient', 'requester_id', 'submitter_id', 'assignee_id',
  'organization_id', 'group_id', 'collaborator_ids', 'follower_ids', 'email_cc_ids', 'forum_topic_id',
  'problem_id', 'has_incidents', 'is_public', 'due_at', 'tags', 'custom_fields', 'satisfaction_rating',
  'sharing_agreement_ids', 'followup_ids', 'ticket_form_id', 'brand_id', 'allow_channelback',
  'allow_attachments', 'from_messaging_channel',
];

test('create with a requester {name, email} creates the end user, then reuses it', async () => {
  const email = uniqueEmail('requester');
  const name = uniqueName('Requester');
  const res = await srv.post('/api/v2/tickets.json', {
    ticket: { subject: 'Printer on fire', comment: { body: 'It is on fire.' }, requester: { name, email } },
  });
  assert.equal(res.status, 201, res.text);
  const t = res.json.ticket;
  for (const k of TICKET_FIELDS) assert.ok(k in t, `ticket.${k} missing`);
  assert.equal(res.headers.get('location'), `${srv.apiUrl}/tickets/${t.id}.json`);
  assert.equal(t.url, `${srv.apiUrl}/tickets/${t.id}.json`);
  assert.ok(Number.isSafeInteger(t.id));
  assert.equal(t.subject, 'Printer on fire');
  assert.equal(t.description, 'It is on fire.');
  assert.equal(t.status, 'new');
  assert.equal(t.priority, null);
  assert.equal(t.type, null);
  assert.equal(t.assignee_id, null);
  assert.equal(t.submitter_id, admin.id);
  assert.equal(t.via.channel, 'api');
  assert.deepEqual(t.tags, []);
  assert.ok(Array.isArray(t.custom_fields));
  assert.deepEqual(t.collaborator_ids, []);
  assert.equal(t.is_public, true);
  assert.match(t.created_at, ISO_UTC);
  assert.match(t.updated_at, ISO_UTC);
  assert.ok(res.json.audit, 'create returns the audit');
  assert.equal(res.json.audit.ticket_id, t.id);

  const { result: requester } = await zd.users.show(t.requester_id);
  assert.equal(requester.email, email);
  assert.equal(requester.name, name);
  assert.equal(requester.role, 'end-user');

  // Known by the same email (any case): reused, not duplicated.
  const { ticket: again } = await createTicket({ requester: { name: 'Other Name', email: email.toUpperCase() } });
  assert.equal(again.requester_id, t.requester_id);
  const found = await zd.users.search({ query: email });
  assert.equal(found.length, 1);

  // Known by a secondary identity: that user is the requester.
  const secondary = uniqueEmail('secondary');
  await zd.useridentities.create(requester.id, { identity: { type: 'email', value: secondary } });
  const { ticket: third } = await createTicket({ requester: { name: 'X', email: secondary } });
  assert.equal(third.requester_id, requester.id);
});

test('requester_id given; without a requester the submitter is the requester', async () => {
  const user = await srv.createUser();
  const { ticket } = await createTicket({ requester_id: user.id });
  assert.equal(ticket.requester_id, user.id);
  const { ticket: own } = await createTicket();
  assert.equal(own.requester_id, admin.id);
});

test("the organization defaults to the requester's default organization", async () => {
  const { result: org } = await zd.organizations.create({ organization: { name: uniqueName('Org') } });
  const user = await srv.createUser({ organization_id: org.id });
  const { ticket } = await createTicket({ requester_id: user.id });
  assert.equal(ticket.organization_id, org.id);
  const lonely = await srv.createUser();
  const { ticket: none } = await createTicket({ requester_id: lonely.id });
  assert.equal(none.organization_id, null);
});

test('a ticket without a first comment → 422', async () => {
  const res = await srv.post('/api/v2/tickets.json', { ticket: { subject: 'No comment' } });
  assert.equal(res.status, 422, res.text);
  assert.equal(res.json.error, 'RecordInvalid');
  assert.ok(res.json.details && Object.keys(res.json.details).length > 0, res.text);
  const blank = await srv.post('/api/v2/tickets.json', { ticket: { subject: 'Blank', comment: { body: '' } } });
  assert.equal(blank.status, 422, blank.text);
});

test('node-zendesk create/show/update round trip returns ticket and audit', async () => {
  const { response, result } = await zd.tickets.create({
    ticket: { subject: 'Via node-zendesk', comment: { body: 'hello' }, priority: 'high', type: 'question' },
  });
  assert.equal(response.status, 201);
  assert.equal(result.subject, 'Via node-zendesk');
  assert.equal(result.priority, 'high');
  assert.equal(result.type, 'question');
  const { result: shown } = await zd.tickets.show(result.id);
  assert.equal(shown.id, result.id);
  const { result: upd } = await zd.tickets.update(result.id, { ticket: { subject: 'Renamed', priority: 'low' } });
  assert.equal(upd.subject, 'Renamed');
  assert.equal(upd.priority, 'low');
  const raw = await updateTicket(result.id, { subject: 'Renamed again' });
  assert.equal(raw.status, 200, raw.text);
  assert.ok(raw.json.ticket && raw.json.audit, 'update returns {ticket, audit}');
});

test('a public reply and an internal note, with author_id', async () => {
  const { ticket } = await createTicket();
  const agent = await createAgent();
  let res = await updateTicket(ticket.id, { comment: { body: 'Public reply', public: true } });
  assert.equal(res.status, 200, res.text);
  res = await updateTicket(ticket.id, { comment: { body: 'Internal note', public: false, author_id: agent.user.id } });
  assert.equal(res.status, 200, res.text);
  const comments = await zd.tickets.getComments(ticket.id);
  assert.equal(comments.length, 3);
  assert.equal(comments[0].body, 'The first comment');
  assert.equal(comments[1].body, 'Public reply');
  assert.equal(comments[1].public, true);
  assert.equal(comments[1].author_id, admin.id);
  assert.equal(comments[2].body, 'Internal note');
  assert.equal(comments[2].public, false);
  assert.equal(comments[2].author_id, agent.user.id);
  for (const c of comments) {
    assert.equal(c.type, 'Comment');
    assert.ok(Number.isSafeInteger(c.id));
    assert.ok(Number.isSafeInteger(c.audit_id));
    assert.ok(Array.isArray(c.attachments));
    assert.match(c.created_at, ISO_UTC);
  }
  const count = await srv.get(`/api/v2/tickets/${ticket.id}/comments/count.json`);
  assert.equal(count.status, 200, count.text);
  assert.equal(count.json.count.value, 3);
});

test('status: a new ticket becomes open when an agent updates it', async () => {
  const { ticket } = await createTicket();
  assert.equal(ticket.status, 'new');
  const res = await updateTicket(ticket.id, { comment: { body: 'Looking into it' } });
  assert.equal(res.status, 200, res.text);
  assert.equal(res.json.ticket.status, 'open');
});

test('status: solving a ticket without assignee assigns the acting agent', async () => {
  const agent = await createAgent();
  const { ticket } = await createTicket();
  assert.equal(ticket.assignee_id, null);
  const res = await updateTicket(ticket.id, { status: 'solved', comment: { body: 'Fixed' } }, { auth: agent.auth });
  assert.equal(res.status, 200, res.text);
  assert.equal(res.json.ticket.status, 'solved');
  assert.equal(res.json.ticket.assignee_id, agent.user.id);
});

test('status: a closed ticket is read-only (422)', async () => {
  const { ticket } = await createTicket();
  let res = await updateTicket(ticket.id, { status: 'closed' });
  assert.equal(res.status, 200, res.text);
  assert.equal(res.json.ticket.status, 'closed');
  res = await updateTicket(ticket.id, { subject: 'Changed after close' });
  assert.equal(res.status, 422, res.text);
  assert.equal(res.json.error, 'RecordInvalid');
  assert.ok(res.json.details?.status, res.text);
  res = await updateTicket(ticket.id, { comment: { body: 'Too late' } });
  assert.equal(res.status, 422, res.text);
  res = await updateTicket(ticket.id, { status: 'open' });
  assert.equal(res.status, 422, res.text);
  assert.equal((await showTicket(ticket.id)).subject, ticket.subject);
  const tags = await srv.put(`/api/v2/tickets/${ticket.id}/tags.json`, { tags: ['late'] });
  assert.equal(tags.status, 422, tags.text);
});

test("status: an end user's reply re-opens a pending or solved ticket", async () => {
  const enduser = await srv.createUserWithPassword();
  for (const status of ['pending', 'solved']) {
    const { ticket } = await createTicket({ requester_id: enduser.user.id });
    const res = await updateTicket(ticket.id, { status, comment: { body: `Now ${status}` } });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.json.ticket.status, status);
    const reply = await srv.put(
      `/api/v2/requests/${ticket.id}.json`,
      { request: { comment: { body: 'It is still broken' } } },
      { auth: enduser.auth },
    );
    assert.equal(reply.status, 200, reply.text);
    assert.equal((await showTicket(ticket.id)).status, 'open', `${status} → open`);
  }
});

test('agents cannot set a ticket back to new', async () => {
  const { ticket } = await createTicket();
  await updateTicket(ticket.id, { status: 'open' });
  const res = await updateTicket(ticket.id, { status: 'new' });
  assert.equal(res.status, 422, res.text);
  assert.ok(res.json.details?.status, res.text);
});

test('an assignee who is not an agent → 422 naming assignee_id', async () => {
  const enduser = await srv.createUser();
  const res = await srv.post('/api/v2/tickets.json', {
    ticket: { subject: 'x', comment: { body: 'x' }, assignee_id: enduser.id },
  });
  assert.equal(res.status, 422, res.text);
  assert.ok(res.json.details?.assignee_id, res.text);
  const { ticket } = await createTicket();
  const upd = await updateTicket(ticket.id, { assignee_id: enduser.id });
  assert.equal(upd.status, 422, upd.text);
  assert.ok(upd.json.details?.assignee_id, upd.text);
  const unknown = await updateTicket(ticket.id, { assignee_id: 987654321 });
  assert.equal(unknown.status, 422, unknown.text);
  assert.ok(unknown.json.details?.assignee_id, unknown.text);
});

test('an unknown group → 422 naming group_id', async () => {
  const res = await srv.post('/api/v2/tickets.json', {
    ticket: { subject: 'x', comment: { body: 'x' }, group_id: 987654321 },
  });
  assert.equal(res.status, 422, res.text);
  assert.ok(res.json.details?.group_id, res.text);
});

test('an assignee who is not in the group → 422', async () => {
  const group = await createGroup();
  const agent = await createAgent();
  const res = await srv.post('/api/v2/tickets.json', {
    ticket: { subject: 'x', comment: { body: 'x' }, group_id: group.id, assignee_id: agent.user.id },
  });
  assert.equal(res.status, 422, res.text);
  assert.ok(res.json.details?.assignee_id || res.json.details?.group_id, res.text);
  await addToGroup(agent.user.id, group.id);
  const ok = await srv.post('/api/v2/tickets.json', {
    ticket: { subject: 'x', comment: { body: 'x' }, group_id: group.id, assignee_id: agent.user.id },
  });
  assert.equal(ok.status, 201, ok.text);
  assert.equal(ok.json.ticket.group_id, group.id);
  assert.equal(ok.json.ticket.assignee_id, agent.user.id);
  assert.equal(ok.json.ticket.status, 'open', 'an assigned ticket is open');
});

test('unknown enum values and wrong types → 422', async () => {
  const { ticket } = await createTicket();
  for (const [attrs, field] of [
    [{ priority: 'sky-high' }, 'priority'],
    [{ status: 'bogus' }, 'status'],
    [{ type: 'complaint' }, 'type'],
    [{ subject: { text: 'x' } }, 'subject'],
    [{ tags: { not: 'a list' } }, 'tags'],
    [{ assignee_id: 'abc' }, 'assignee_id'],
  ]) {
    const res = await updateTicket(ticket.id, attrs);
    assert.equal(res.status, 422, `${JSON.stringify(attrs)}: ${res.text}`);
    assert.equal(res.json.error, 'RecordInvalid');
    assert.ok(res.json.details?.[field], `${field} named: ${res.text}`);
  }
  const create = await srv.post('/api/v2/tickets.json', {
    ticket: { subject: 'x', comment: { body: 'x' }, priority: 'sky-high' },
  });
  assert.equal(create.status, 422, create.text);
  const err = await rejection(() => zd.tickets.update(ticket.id, { ticket: { priority: 'nope' } }));
  assert.equal(err.statusCode, 422);
});

test('unknown ticket → 404 RecordNotFound', async () => {
  const res = await srv.get('/api/v2/tickets/987654321.json');
  assert.equal(res.status, 404);
  assert.equal(res.json.error, 'RecordNotFound');
  const upd = await updateTicket(987654321, { subject: 'x' });
  assert.equal(upd.status, 404);
});

test('show_many returns the requested tickets', async () => {
  const { ticket: a } = await createTicket();
  const { ticket: b } = await createTicket();
  const { result: many } = await zd.tickets.showMany([a.id, b.id]);
  assert.deepEqual(many.map((t) => t.id).sort((x, y) => x - y), [a.id, b.id].sort((x, y) => x - y));
  const raw = await srv.get(`/api/v2/tickets/show_many.json?ids=${a.id},987654321`);
  assert.equal(raw.status, 200, raw.text);
  assert.deepEqual(raw.json.tickets.map((t) => t.id), [a.id]);
});

test('list: node-zendesk follows cursor pages (page[size]) through every ticket', async () => {
  for (let i = 0; i < 5; i++) await createTicket();
  const byOffset = [];
  for (let page = 1; ; page++) {
    const res = await srv.get(`/api/v2/tickets.json?per_page=100&page=${page}`);
    assert.equal(res.status, 200, res.text);
    byOffset.push(...res.json.tickets.map((t) => t.id));
    if (!res.json.next_page) break;
  }
  const small = srv.client({ throwOriginalException: true, query: { page: { size: 2 } } });
  const all = await small.tickets.list();
  const ids = all.map((t) => t.id);
  assert.ok(ids.length >= 5);
  assert.equal(new Set(ids).size, ids.length, 'no duplicates across pages');
  assert.deepEqual([...ids].sort((a, b) => a - b), [...byOffset].sort((a, b) => a - b));

  const first = await srv.get('/api/v2/tickets.json?page[size]=2');
  assert.equal(first.status, 200, first.text);
  assert.equal(first.json.tickets.length, 2);
  assert.equal(first.json.meta.has_more, true);
  assert.ok(first.json.links.next.startsWith(`${srv.apiUrl}/tickets.json?`), first.json.links.next);
});

test('list: offset pagination with sort_by / sort_order and count', async () => {
  for (let i = 0; i < 3; i++) await createTicket();
  const desc = await srv.get('/api/v2/tickets.json?per_page=2&page=1&sort_order=desc');
  assert.equal(desc.status, 200, desc.text);
  const ids = desc.json.tickets.map((t) => t.id);
  assert.equal(ids.length, 2);
  assert.ok(ids[0] > ids[1], `descending: ${ids}`);
  assert.ok(desc.json.next_page.startsWith(`${srv.apiUrl}/tickets.json?`), desc.json.next_page);
  assert.equal(desc.json.previous_page, null);
  assert.ok(desc.json.count >= 3);
  const page2 = await srv.get(desc.json.next_page);
  assert.equal(page2.status, 200, page2.text);
  assert.ok(page2.json.tickets[0].id < ids[1], 'page 2 continues the descending order');

  const byCreated = await srv.get('/api/v2/tickets.json?sort_by=created_at&sort_order=asc');
  const created = byCreated.json.tickets.map((t) => t.created_at);
  assert.deepEqual(created, [...created].sort());
  const byUpdated = await srv.get('/api/v2/tickets.json?sort_by=updated_at&sort_order=desc');
  const updated = byUpdated.json.tickets.map((t) => t.updated_at);
  assert.deepEqual(updated, [...updated].sort().reverse());

  const count = await srv.get('/api/v2/tickets/count.json');
  assert.equal(count.status, 200, count.text);
  assert.equal(count.json.count.value, desc.json.count);
  assert.match(count.json.count.refreshed_at, ISO_UTC);
});

test('recent tickets include one just viewed', async () => {
  const { ticket } = await createTicket();
  await showTicket(ticket.id);
  const recent = await zd.tickets.listRecent();
  assert.ok(recent.some((t) => t.id === ticket.id), 'recently viewed ticket listed');
});

test('/users/{id}/tickets/requested|ccd|assigned and /organizations/{id}/tickets', async () => {
  const { result: org } = await zd.organizations.create({ organization: { name: uniqueName('TicketsOrg') } });
  const requester = await srv.createUser({ organization_id: org.id });
  const cc = await srv.createUser();
  const agent = await createAgent();
  const { ticket } = await createTicket({
    requester_id: requester.id,
    assignee_id: agent.user.id,
    email_ccs: [{ user_id: cc.id, action: 'put' }],
  });
  assert.ok(ticket.email_cc_ids.includes(cc.id), JSON.stringify(ticket));
  const { ticket: other } = await createTicket();

  const requested = await zd.tickets.listByUserRequested(requester.id);
  assert.deepEqual(requested.map((t) => t.id), [ticket.id]);
  const ccd = await zd.tickets.listByUserCCD(cc.id);
  assert.deepEqual(ccd.map((t) => t.id), [ticket.id]);
  const assigned = await zd.tickets.listAssigned(agent.user.id);
  assert.deepEqual(assigned.map((t) => t.id), [ticket.id]);
  const byOrg = await zd.tickets.listByOrganization(org.id);
  assert.deepEqual(byOrg.map((t) => t.id), [ticket.id]);
  assert.ok(!byOrg.some((t) => t.id === other.id));
});

test('soft delete, /deleted_tickets, restore and permanent delete', async () => {
  const { ticket } = await createTicket();
  const del = await srv.del(`/api/v2/tickets/${ticket.id}.json`);
  assert.equal(del.status, 204, del.text);
  assert.equal((await srv.get(`/api/v2/tickets/${ticket.id}.json`)).status, 404);
  const list = await srv.get('/api/v2/tickets.json');
  assert.ok(!list.json.tickets.some((t) => t.id === ticket.id), 'not in the live list');
  const deleted = await srv.get('/api/v2/deleted_tickets.json');
  assert.equal(deleted.status, 200, deleted.text);
  const entry = deleted.json.deleted_tickets.find((t) => t.id === ticket.id);
  assert.ok(entry, deleted.text);
  assert.equal(entry.subject, ticket.subject);

  const restore = await srv.put(`/api/v2/deleted_tickets/${ticket.id}/restore.json`, {});
  assert.equal(restore.status, 200, restore.text);
  assert.equal((await showTicket(ticket.id)).id, ticket.id);
  const after = await srv.get('/api/v2/deleted_tickets.json');
  assert.ok(!after.json.deleted_tickets.some((t) => t.id === ticket.id));

  // Only soft-deleted tickets can be deleted permanently.
  const early = await srv.del(`/api/v2/deleted_tickets/${ticket.id}.json`);
  assert.equal(early.status, 404, early.text);
  assert.equal((await srv.del(`/api/v2/tickets/${ticket.id}.json`)).status, 204);
  const perm = await srv.del(`/api/v2/deleted_tickets/${ticket.id}.json`);
  assert.ok([200, 204].includes(perm.status), `${perm.status} ${perm.text}`);
  const gone = await srv.get('/api/v2/deleted_tickets.json');
  assert.ok(!gone.json.deleted_tickets.some((t) => t.id === ticket.id));
  assert.equal((await srv.put(`/api/v2/deleted_tickets/${ticket.id}/restore.json`, {})).status, 404);
  assert.equal((await srv.get(`/api/v2/tickets/${ticket.id}.json`)).status, 404);
});

test('safe_update with a stale updated_stamp → 409; with the current one → 200', async () => {
  const { ticket } = await createTicket();
  const stale = await updateTicket(ticket.id, {
    subject: 'Lost the race',
    safe_update: true,
    updated_stamp: '2001-01-01T00:00:00Z',
  });
  assert.equal(stale.status, 409, stale.text);
  assert.ok(stale.json?.error, stale.text);
  assert.equal((await showTicket(ticket.id)).subject, ticket.subject);
  const current = await showTicket(ticket.id);
  const ok = await updateTicket(ticket.id, {
    subject: 'Won the race',
    safe_update: true,
    updated_stamp: current.updated_at,
  });
  assert.equal(ok.status, 200, ok.text);
  assert.equal(ok.json.ticket.subject, 'Won the race');
  const err = await rejection(() =>
    zd.tickets.update(ticket.id, { ticket: { subject: 'x', safe_update: true, updated_stamp: '2001-01-01T00:00:00Z' } }),
  );
  assert.equal(err.statusCode, 409);
});

test('tags: set, add, remove, list, and /tags counts', async () => {
  const w = word();
  const [a, b, c] = [`alpha-${w}`, `beta-${w}`, `gamma-${w}`];
  const { ticket } = await createTicket({ tags: [a] });
  assert.deepEqual(ticket.tags, [a]);
  let res = await srv.post(`/api/v2/tickets/${ticket.id}/tags.json`, { tags: [b, c] });
  assert.equal(res.status, 200, res.text);
  assert.deepEqual([...res.json.tags].sort(), [b, c].sort(), 'POST replaces');
  res = await srv.put(`/api/v2/tickets/${ticket.id}/tags.json`, { tags: [a] });
  assert.equal(res.status, 200, res.text);
  assert.deepEqual([...res.json.tags].sort(), [a, b, c].sort(), 'PUT adds');
  res = await srv.del(`/api/v2/tickets/${ticket.id}/tags.json`, { body: { tags: [b] } });
  assert.equal(res.status, 200, res.text);
  assert.deepEqual([...res.json.tags].sort(), [a, c].sort(), 'DELETE removes');
  res = await srv.get(`/api/v2/tickets/${ticket.id}/tags.json`);
  assert.deepEqual([...res.json.tags].sort(), [a, c].sort());
  assert.deepEqual([...(await showTicket(ticket.id)).tags].sort(), [a, c].sort());

  // Tags are lowercased.
  const { ticket: second } = await createTicket({ tags: [c.toUpperCase()] });
  assert.deepEqual(second.tags, [c]);
  // node-zendesk addTags (PUT).
  await zd.tickets.addTags(second.id, { tags: [b] });
  assert.deepEqual([...(await showTicket(second.id)).tags].sort(), [b, c].sort());

  const counts = await srv.get('/api/v2/tags.json');
  assert.equal(counts.status, 200, counts.text);
  const byName = Object.fromEntries(counts.json.tags.map((t) => [t.name, t.count]));
  assert.equal(byName[c], 2);
  assert.equal(byName[a], 1);
  assert.equal(byName[b], 1);
});

test('merge tickets: sources closed with a comment, the target gets one', async () => {
  const { ticket: target } = await createTicket({ subject: 'Target' });
  const { ticket: s1 } = await createTicket({ subject: 'Source one' });
  const { ticket: s2 } = await createTicket({ subject: 'Source two' });
  const { result } = await zd.tickets.merge(target.id, {
    ids: [s1.id, s2.id],
    target_comment: 'Merged two tickets into this one',
    source_comment: 'Closing: merged into the target',
    target_comment_is_public: true,
  });
  assert.ok(result.job_status, JSON.stringify(result));
  const job = await watchJob(zd, result.job_status);
  assert.equal(job.status, 'completed', JSON.stringify(job));
  for (const s of [s1, s2]) {
    const shown = await showTicket(s.id);
    assert.equal(shown.status, 'closed');
    const last = (await commentsOf(s.id)).at(-1);
    assert.equal(last.body, 'Closing: merged into the target');
    assert.equal(last.public, false);
  }
  const last = (await commentsOf(target.id)).at(-1);
  assert.equal(last.body, 'Merged two tickets into this one');
  assert.equal(last.public, true);
  assert.notEqual((await showTicket(target.id)).status, 'closed');
});

test('comment bodies: user HTML is sanitised, plain text rendered as safe HTML', async () => {
  const { ticket } = await createTicket({
    comment: { html_body: '<p>Hello <b>world</b><script>alert(1)</script><img src="x" onerror="alert(2)"></p>' },
  });
  let [c] = await commentsOf(ticket.id);
  assert.ok(!/<script/i.test(c.html_body), c.html_body);
  assert.ok(!/onerror/i.test(c.html_body), c.html_body);
  assert.ok(c.html_body.includes('<b>world</b>'), c.html_body);
  assert.equal(typeof c.plain_body, 'string');
  assert.ok(c.plain_body.includes('Hello'), c.plain_body);
  assert.ok(!c.plain_body.includes('alert'), c.plain_body);

  const { ticket: plain } = await createTicket({ comment: { body: 'Is 1 < 2 & "3" > 0?\n\n<script>x()</script>' } });
  [c] = await commentsOf(plain.id);
  assert.equal(c.body, 'Is 1 < 2 & "3" > 0?\n\n<script>x()</script>');
  assert.ok(c.html_body.includes('zd-comment'), c.html_body);
  assert.ok(c.html_body.includes('&lt;') && c.html_body.includes('&amp;'), c.html_body);
  assert.ok(!c.html_body.includes('<script'), c.html_body);
  assert.equal(typeof c.plain_body, 'string');
  assert.ok(c.plain_body.includes('Is 1'), c.plain_body);
});

test('make_private and redact a comment', async () => {
  const { ticket } = await createTicket();
  const upd = await updateTicket(ticket.id, { comment: { body: 'My card is 4111111111111111, thanks' } });
  assert.equal(upd.status, 200, upd.text);
  let c = (await commentsOf(ticket.id))[1];
  assert.equal(c.public, true);
  const priv = await srv.put(`/api/v2/tickets/${ticket.id}/comments/${c.id}/make_private.json`, {});
  assert.ok([200, 204].includes(priv.status), `${priv.status} ${priv.text}`);
  c = (await commentsOf(ticket.id))[1];
  assert.equal(c.public, false);
  assert.equal((await commentsOf(ticket.id))[0].public, true, 'only that comment');

  const red = await srv.put(`/api/v2/tickets/${ticket.id}/comments/${c.id}/redact.json`, { text: '4111111111111111' });
  assert.equal(red.status, 200, red.text);
  c = (await commentsOf(ticket.id))[1];
  assert.ok(!c.body.includes('4111111111111111'), c.body);
  assert.ok(!c.html_body.includes('4111111111111111'), c.html_body);
  assert.ok(!c.plain_body.includes('4111111111111111'), c.plain_body);
  assert.ok(c.body.includes('▇'), c.body);
  assert.ok(c.body.startsWith('My card is '), c.body);
  const absent = await srv.put(`/api/v2/tickets/${ticket.id}/comments/${c.id}/redact.json`, { text: 'not there' });
  assert.ok([200, 422].includes(absent.status), absent.text);
  const unknown = await srv.put(`/api/v2/tickets/${ticket.id}/comments/987654321/make_private.json`, {});
  assert.equal(unknown.status, 404, unknown.text);
});

test('audits: Create, Change (with previous_value) and Comment events rebuild the history', async () => {
  const { ticket, audit: first } = await createTicket({ priority: 'low', tags: ['audited'] });
  assert.ok(Array.isArray(first.events));
  await updateTicket(ticket.id, { priority: 'high', comment: { body: 'Bumped', public: false } });
  await updateTicket(ticket.id, { status: 'pending', subject: 'Waiting' });

  const audits = await zd.tickets.exportAudit(ticket.id);
  assert.equal(audits.length, 3);
  for (const a of audits) {
    assert.equal(a.ticket_id, ticket.id);
    assert.ok(Number.isSafeInteger(a.id));
    assert.equal(a.author_id, admin.id);
    assert.match(a.created_at, ISO_UTC);
    assert.ok(a.via && a.via.channel, JSON.stringify(a));
    assert.ok(a.metadata && typeof a.metadata === 'object');
  }
  const creates = audits[0].events.filter((e) => e.type === 'Create');
  const created = Object.fromEntries(creates.map((e) => [e.field_name, e.value]));
  assert.equal(created.subject, ticket.subject);
  assert.equal(created.status, 'new');
  assert.equal(created.priority, 'low');
  assert.equal(String(created.requester_id), String(admin.id));
  const firstComment = audits[0].events.find((e) => e.type === 'Comment');
  assert.ok(firstComment, JSON.stringify(audits[0].events));
  assert.equal(firstComment.body, 'The first comment');
  assert.equal(firstComment.public, true);

  const change = audits[1].events.find((e) => e.type === 'Change' && e.field_name === 'priority');
  assert.ok(change, JSON.stringify(audits[1].events));
  assert.equal(change.value, 'high');
  assert.equal(change.previous_value, 'low');
  const note = audits[1].events.find((e) => e.type === 'Comment');
  assert.equal(note.body, 'Bumped');
  assert.equal(note.public, false);

  // Replaying the events gives the ticket as it is now.
  const state = {};
  for (const a of audits) {
    for (const e of a.events) {
      if (e.type === 'Create' || e.type === 'Change') state[e.field_name] = e.value;
    }
  }
  const now = await showTicket(ticket.id);
  assert.equal(state.subject, now.subject);
  assert.equal(state.status, now.status);
  assert.equal(state.priority, now.priority);
  assert.equal(now.status, 'pending');
  const statusChange = audits[2].events.find((e) => e.field_name === 'status');
  assert.equal(statusChange.previous_value, 'open', 'new → open by the agent update, then → pending');

  const one = await srv.get(`/api/v2/tickets/${ticket.id}/audits/${audits[1].id}.json`);
  assert.equal(one.status, 200, one.text);
  assert.equal(one.json.audit.id, audits[1].id);
  const count = await srv.get(`/api/v2/tickets/${ticket.id}/audits/count.json`);
  assert.equal(count.json.count.value, 3);
  const viaModule = await zd.ticketaudits.list(ticket.id);
  assert.equal(viaModule.length, 3);
});

test('side-loads: users, groups, organizations, comment_count, last_audits', async () => {
  const { result: org } = await zd.organizations.create({ organization: { name: uniqueName('SideOrg') } });
  const requester = await srv.createUser({ organization_id: org.id });
  const group = await createGroup();
  const agent = await createAgent();
  await addToGroup(agent.user.id, group.id);
  const { ticket } = await createTicket({ requester_id: requester.id, group_id: group.id, assignee_id: agent.user.id });
  await updateTicket(ticket.id, { comment: { body: 'Second' } });

  const inc = 'include=users,groups,organizations,comment_count,last_audits';
  const res = await srv.get(`/api/v2/tickets/${ticket.id}.json?${inc}`);
  assert.equal(res.status, 200, res.text);
  const userIds = res.json.users.map((u) => u.id);
  for (const id of [requester.id, agent.user.id, admin.id]) assert.ok(userIds.includes(id), `user ${id} side-loaded`);
  assert.deepEqual(res.json.groups.map((g) => g.id), [group.id]);
  assert.deepEqual(res.json.organizations.map((o) => o.id), [org.id]);
  assert.equal(res.json.ticket.comment_count, 2);

  const list = await srv.get(`/api/v2/tickets/show_many.json?ids=${ticket.id}&${inc}`);
  assert.equal(list.status, 200, list.text);
  assert.equal(list.json.tickets[0].comment_count, 2);
  assert.ok(list.json.users.some((u) => u.id === requester.id));
  // Zendesk names the side-loaded collection after the records it holds ("audits").
  const lastAudits = list.json.last_audits ?? list.json.audits;
  assert.ok(Array.isArray(lastAudits), list.text);
  const lastAudit = lastAudits.find((a) => a.ticket_id === ticket.id);
  assert.ok(lastAudit, list.text);
  assert.ok(lastAudit.events.some((e) => e.type === 'Comment' && e.body === 'Second'));

  // node-zendesk decorates tickets from the side-loaded users.
  const side = srv.client({ throwOriginalException: true });
  side.tickets.setSideLoad(['users', 'organizations']);
  const { result } = await side.tickets.show(ticket.id);
  assert.equal(result.requester?.id, requester.id);
  assert.equal(result.organization?.id, org.id);
});

test('bulk: create_many, update_many (both forms) and destroy_many report per item', async () => {
  const w = word();
  const { result: created } = await zd.tickets.createMany({
    tickets: [
      { subject: `bulk one ${w}`, comment: { body: 'one' } },
      { subject: `bulk bad ${w}` }, // no comment: fails
      { subject: `bulk two ${w}`, comment: { body: 'two' }, priority: 'urgent' },
    ],
  });
  let job = await watchJob(zd, created.job_status);
  assert.equal(job.status, 'completed', JSON.stringify(job));
  assert.equal(job.total, 3);
  assert.equal(job.results.length, 3);
  const failed = job.results.find((r) => r.index === 1);
  assert.ok(failed && failed.error && !failed.id, JSON.stringify(job.results));
  const okItems = job.results.filter((r) => r.index !== 1);
  assert.equal(okItems.length, 2);
  const [idA, idB] = okItems.sort((x, y) => x.index - y.index).map((r) => r.id);
  assert.equal((await showTicket(idA)).subject, `bulk one ${w}`);
  assert.equal((await showTicket(idB)).priority, 'urgent');

  // Same change to many ids.
  const { result: same } = await zd.tickets.updateMany([idA, idB], {
    ticket: { status: 'pending', additional_tags: [`bulk-${w}`] },
  });
  job = await watchJob(zd, same.job_status);
  assert.equal(job.status, 'completed', JSON.stringify(job));
  assert.equal(job.results.length, 2);
  assert.ok(job.results.every((r) => r.success === true && r.action === 'update'), JSON.stringify(job.results));
  for (const id of [idA, idB]) {
    const t = await showTicket(id);
    assert.equal(t.status, 'pending');
    assert.ok(t.tags.includes(`bulk-${w}`));
  }

  // A different change each, one of them for a ticket that does not exist.
  const each = await srv.put('/api/v2/tickets/update_many.json', {
    tickets: [
      { id: idA, priority: 'low' },
      { id: 987654321, priority: 'low' },
      { id: idB, priority: 'high', subject: `renamed ${w}` },
    ],
  });
  assert.equal(each.status, 200, each.text);
  job = await watchJob(zd, each.json.job_status);
  assert.equal(job.status, 'completed', JSON.stringify(job));
  assert.equal(job.results.length, 3);
  const missing = job.results.find((r) => r.id === 987654321 || r.index === 1);
  assert.ok(missing && missing.error, JSON.stringify(job.results));
  assert.equal((await showTicket(idA)).priority, 'low');
  const b = await showTicket(idB);
  assert.equal(b.priority, 'high');
  assert.equal(b.subject, `renamed ${w}`);

  // The same rules apply to each item: an invalid enum fails only that item.
  const rules = await srv.put(`/api/v2/tickets/update_many.json?ids=${idA},${idB}`, { ticket: { priority: 'bogus' } });
  assert.ok([200, 422].includes(rules.status), rules.text);
  if (rules.status === 200) {
    job = await watchJob(zd, rules.json.job_status);
    assert.ok(job.results.every((r) => r.error), JSON.stringify(job.results));
  }

  // At most 100 per call.
  const ids = Array.from({ length: 101 }, (_, i) => i + 1).join(',');
  const tooMany = await srv.del(`/api/v2/tickets/destroy_many.json?ids=${ids}`);
  assert.equal(tooMany.status, 400, tooMany.text);

  const { result: destroyed } = await zd.tickets.deleteMany([idA, idB]);
  job = await watchJob(zd, destroyed.job_status);
  assert.equal(job.status, 'completed', JSON.stringify(job));
  for (const id of [idA, idB]) assert.equal((await srv.get(`/api/v2/tickets/${id}.json`)).status, 404);
});

test('an end user gets 403 on /api/v2/tickets; unauthenticated gets 401', async () => {
  const enduser = await srv.createUserWithPassword();
  const res = await srv.get('/api/v2/tickets.json', { auth: enduser.auth });
  assert.equal(res.status, 403, res.text);
  const anon = await srv.get('/api/v2/tickets.json', { auth: 'none' });
  assert.equal(anon.status, 401, anon.text);
  const pw = srv.passwordClient(enduser.user.email, USER_PASSWORD, { throwOriginalException: true });
  const err = await rejection(() => pw.tickets.create({ ticket: { subject: 'x', comment: { body: 'x' } } }));
  assert.equal(err.statusCode, 403);
});
