// The Requests API (reference §2.4): the end-user view of tickets, driven through
// node-zendesk as an end user (password) and with raw HTTP.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, uniqueName, ISO_UTC, rejection, USER_PASSWORD } from './harness.mjs';

let srv;
let zd;
let admin;

before(async () => {
  srv = await startServer();
  zd = srv.client({ throwOriginalException: true });
  admin = (await srv.get('/api/v2/users/me.json')).json.user;
});
after(() => srv?.stop());

const word = () => Math.random().toString(36).slice(2, 10);

// An end user with a password and a node-zendesk client of their own.
async function endUser(attrs = {}) {
  const u = await srv.createUserWithPassword(attrs);
  u.client = srv.passwordClient(u.user.email, USER_PASSWORD, { throwOriginalException: true });
  return u;
}

async function fileRequest(who, attrs = {}) {
  const request = { subject: uniqueName('Request'), comment: { body: 'My thing is broken' }, ...attrs };
  const res = await srv.post('/api/v2/requests.json', { request }, { auth: who.auth });
  assert.equal(res.status, 201, res.text);
  return res.json.request;
}

async function adminUpdate(id, ticket) {
  const res = await srv.put(`/api/v2/tickets/${id}.json`, { ticket });
  assert.equal(res.status, 200, res.text);
  return res.json.ticket;
}

const REQUEST_FIELDS = [
  'id', 'url', 'subject', 'description', 'status', 'priority', 'type', 'organization_id',
  'requester_id', 'assignee_id', 'group_id', 'collaborator_ids', 'email_cc_ids', 'custom_fields',
  'ticket_form_id', 'due_at', 'can_be_solved_by_me', 'solved', 'is_public', 'via', 'recipient',
  'followup_source_id', 'created_at', 'updated_at',
];

test('an end user creates a request: they are the requester, staff-only fields are ignored', async () => {
  const eu = await endUser();
  const agent = await srv.createUser({ role: 'agent' });
  const group = await srv.createRecord('/api/v2/groups.json', 'group', { name: uniqueName('G') });
  const { response, result: r } = await eu.client.requests.create({
    request: {
      subject: 'My printer',
      comment: { body: 'It prints nothing', public: false },
      priority: 'high',
      type: 'incident',
      assignee_id: agent.id,
      group_id: group.id,
      status: 'solved',
      tags: ['vip'],
      requester_id: admin.id,
    },
  });
  assert.equal(response.status, 201);
  assert.equal(response.headers.get('location'), `${srv.apiUrl}/requests/${r.id}.json`);
  for (const k of REQUEST_FIELDS) assert.ok(k in r, `request.${k} missing`);
  assert.equal(r.url, `${srv.apiUrl}/requests/${r.id}.json`);
  assert.equal(r.subject, 'My printer');
  assert.equal(r.description, 'It prints nothing');
  assert.equal(r.requester_id, eu.user.id);
  assert.equal(r.priority, 'high');
  assert.equal(r.type, 'incident');
  assert.equal(r.assignee_id, null);
  assert.equal(r.group_id, null);
  assert.equal(r.status, 'new');
  assert.equal(r.solved, false);
  assert.equal(r.can_be_solved_by_me, false, 'nobody works on it yet');
  assert.equal(r.is_public, true);
  assert.equal(r.followup_source_id, null);
  assert.equal(typeof r.via?.channel, 'string');
  assert.match(r.created_at, ISO_UTC);
  assert.match(r.updated_at, ISO_UTC);
  assert.ok(!('tags' in r) || r.tags.length === 0);

  const t = (await srv.get(`/api/v2/tickets/${r.id}.json`)).json.ticket;
  assert.deepEqual(t.tags, []);
  assert.equal(t.requester_id, eu.user.id);
  const comments = (await srv.get(`/api/v2/tickets/${r.id}/comments.json`)).json.comments;
  assert.equal(comments.length, 1);
  assert.equal(comments[0].public, true, "an end user's comment is always public");
  assert.equal(comments[0].author_id, eu.user.id);
});

test('a request needs a comment; a bad priority is 422; anonymous is 401', async () => {
  const eu = await endUser();
  const none = await srv.post('/api/v2/requests.json', { request: { subject: 'no comment' } }, { auth: eu.auth });
  assert.equal(none.status, 422, none.text);
  const bad = await srv.post(
    '/api/v2/requests.json',
    { request: { subject: 'x', comment: { body: 'x' }, priority: 'sky-high' } },
    { auth: eu.auth },
  );
  assert.equal(bad.status, 422, bad.text);
  assert.ok(bad.json.details?.priority, bad.text);
  const anon = await srv.get('/api/v2/requests.json', { auth: 'none' });
  assert.equal(anon.status, 401);
  const noEnvelope = await srv.post('/api/v2/requests.json', { subject: 'x' }, { auth: eu.auth });
  assert.equal(noEnvelope.status, 400, noEnvelope.text);
});

test('list, show, open, solved and ?status= filters', async () => {
  const eu = await endUser();
  const other = await endUser();
  const a = await fileRequest(eu);
  const b = await fileRequest(eu);
  const foreign = await fileRequest(other);
  await adminUpdate(b.id, { status: 'solved', comment: { body: 'Done' } });

  const all = await eu.client.requests.list();
  assert.deepEqual(all.map((r) => r.id).sort((x, y) => x - y), [a.id, b.id].sort((x, y) => x - y));
  assert.ok(!all.some((r) => r.id === foreign.id));

  const { result: shown } = await eu.client.requests.show(a.id);
  assert.equal(shown.id, a.id);
  assert.equal(shown.subject, a.subject);
  const notMine = await srv.get(`/api/v2/requests/${foreign.id}.json`, { auth: eu.auth });
  assert.equal(notMine.status, 404);
  assert.equal(notMine.json.error, 'RecordNotFound');

  const open = await eu.client.requests.listOpen();
  assert.deepEqual(open.map((r) => r.id), [a.id]);
  const solved = await eu.client.requests.listSolved();
  assert.deepEqual(solved.map((r) => r.id), [b.id]);
  assert.equal(solved[0].solved, true);
  assert.equal(solved[0].can_be_solved_by_me, false);

  const filtered = await srv.get('/api/v2/requests.json?status=solved,closed', { auth: eu.auth });
  assert.equal(filtered.status, 200, filtered.text);
  assert.deepEqual(filtered.json.requests.map((r) => r.id), [b.id]);
  const newOnes = await srv.get('/api/v2/requests.json?status=new', { auth: eu.auth });
  assert.deepEqual(newOnes.json.requests.map((r) => r.id), [a.id]);
  assert.equal(newOnes.json.count, 1);

  const sorted = await srv.get('/api/v2/requests.json?sort_order=desc', { auth: eu.auth });
  assert.deepEqual(sorted.json.requests.map((r) => r.id), [b.id, a.id]);
});

test('an agent listing /requests gets the tickets they requested', async () => {
  const eu = await endUser();
  const fromEndUser = await fileRequest(eu);
  const res = await srv.post('/api/v2/tickets.json', { ticket: { subject: 'Admin own', comment: { body: 'mine' } } });
  assert.equal(res.status, 201, res.text);
  const own = res.json.ticket;
  const list = await zd.requests.list();
  assert.ok(list.some((r) => r.id === own.id));
  assert.ok(!list.some((r) => r.id === fromEndUser.id));
  // Staff may still read any request they can see as a ticket.
  const { result } = await zd.requests.show(fromEndUser.id);
  assert.equal(result.id, fromEndUser.id);
  assert.equal(result.can_be_solved_by_me, false, 'only the requester can solve it');
});

test("comments: public only, with the authors side-loaded; a user's reply is public", async () => {
  const eu = await endUser();
  const agent = await srv.createUser({ role: 'agent', name: uniqueName('Agent Smith') });
  const r = await fileRequest(eu);
  await adminUpdate(r.id, { comment: { body: 'Internal: check logs', public: false } });
  await adminUpdate(r.id, { comment: { body: 'Have you tried turning it off?', author_id: agent.id } });
  const reply = await srv.put(
    `/api/v2/requests/${r.id}.json`,
    { request: { comment: { body: 'Yes, twice', public: false } } },
    { auth: eu.auth },
  );
  assert.equal(reply.status, 200, reply.text);
  assert.equal(reply.json.request.id, r.id);

  const res = await srv.get(`/api/v2/requests/${r.id}/comments.json`, { auth: eu.auth });
  assert.equal(res.status, 200, res.text);
  const bodies = res.json.comments.map((c) => c.body);
  assert.deepEqual(bodies, ['My thing is broken', 'Have you tried turning it off?', 'Yes, twice']);
  for (const c of res.json.comments) {
    assert.equal(c.public, true);
    assert.ok(Number.isSafeInteger(c.id));
    assert.equal(typeof c.html_body, 'string');
    assert.ok(Array.isArray(c.attachments));
    assert.match(c.created_at, ISO_UTC);
  }
  assert.equal(res.json.comments[1].author_id, agent.id);
  assert.equal(res.json.comments[2].author_id, eu.user.id);
  const users = Object.fromEntries(res.json.users.map((u) => [u.id, u]));
  assert.equal(users[agent.id]?.name, agent.name);
  assert.equal(users[agent.id]?.agent, true);
  assert.equal(users[eu.user.id]?.agent, false);

  const one = await srv.get(`/api/v2/requests/${r.id}/comments/${res.json.comments[1].id}.json`, { auth: eu.auth });
  assert.equal(one.status, 200, one.text);
  assert.equal(one.json.comment.body, 'Have you tried turning it off?');
  const [page] = await eu.client.requests.getComment(r.id, res.json.comments[0].id);
  assert.equal(page.comment.body, 'My thing is broken');

  // The ticket's own view: the end user's reply is public and theirs.
  const all = (await srv.get(`/api/v2/tickets/${r.id}/comments.json`)).json.comments;
  const theirs = all.find((c) => c.body === 'Yes, twice');
  assert.equal(theirs.public, true);
  assert.equal(theirs.author_id, eu.user.id);

  // Cursor paging, as node-zendesk does it.
  const small = await srv.get(`/api/v2/requests/${r.id}/comments.json?page[size]=2`, { auth: eu.auth });
  assert.equal(small.status, 200, small.text);
  assert.equal(small.json.comments.length, 2);
  assert.equal(small.json.meta.has_more, true);
  const rest = await srv.get(small.json.links.next, { auth: eu.auth });
  assert.deepEqual(rest.json.comments.map((c) => c.body), ['Yes, twice']);
  assert.equal(rest.json.links.next, null);
});

test('solved: true solves a request the user can solve; a reply re-opens it', async () => {
  const eu = await endUser();
  const r = await fileRequest(eu);
  const unassigned = await srv.put(`/api/v2/requests/${r.id}.json`, { request: { solved: true } }, { auth: eu.auth });
  assert.equal(unassigned.status, 422, 'a request nobody works on cannot be solved');
  await adminUpdate(r.id, { status: 'pending', assignee_id: admin.id, comment: { body: 'Did that help?' } });
  const { result: mine } = await eu.client.requests.show(r.id);
  assert.equal(mine.can_be_solved_by_me, true);
  const { result: solved } = await eu.client.requests.update(r.id, {
    request: { solved: true, comment: { body: 'Works now, thanks' } },
  });
  assert.equal(solved.status, 'solved');
  assert.equal(solved.solved, true);
  assert.equal(solved.can_be_solved_by_me, false);
  assert.ok((await eu.client.requests.listSolved()).some((x) => x.id === r.id));

  const { result: reopened } = await eu.client.requests.update(r.id, {
    request: { comment: { body: 'Actually it broke again' } },
  });
  assert.equal(reopened.status, 'open');
  assert.equal(reopened.can_be_solved_by_me, true);

  const wrongType = await srv.put(`/api/v2/requests/${r.id}.json`, { request: { solved: 'yes' } }, { auth: eu.auth });
  assert.equal(wrongType.status, 422, wrongType.text);
});

test('only the requester can solve; CC\'d users see the request in /requests/ccd', async () => {
  const eu = await endUser();
  const cc = await endUser();
  const r = await fileRequest(eu, { email_ccs: [{ user_id: cc.user.id, action: 'put' }] });
  assert.ok(r.email_cc_ids.includes(cc.user.id), JSON.stringify(r));

  const ccd = await cc.client.requests.listCCD();
  assert.deepEqual(ccd.map((x) => x.id), [r.id]);
  assert.ok((await cc.client.requests.list()).some((x) => x.id === r.id), 'copied requests are listed');
  await adminUpdate(r.id, { assignee_id: admin.id });
  assert.equal((await eu.client.requests.show(r.id)).result.can_be_solved_by_me, true);
  const { result: seen } = await cc.client.requests.show(r.id);
  assert.equal(seen.can_be_solved_by_me, false);
  const res = await srv.put(`/api/v2/requests/${r.id}.json`, { request: { solved: true } }, { auth: cc.auth });
  assert.equal(res.status, 422, res.text);
  assert.ok(res.json.details?.solved, res.text);
  assert.equal((await srv.get(`/api/v2/tickets/${r.id}.json`)).json.ticket.status, 'open');
  // A CC'd end user may still answer.
  const answer = await srv.put(`/api/v2/requests/${r.id}.json`, { request: { comment: { body: 'Same here' } } }, { auth: cc.auth });
  assert.equal(answer.status, 200, answer.text);

  // email_ccs on update adds another CC.
  const third = await srv.createUser();
  const add = await srv.put(
    `/api/v2/requests/${r.id}.json`,
    { request: { email_ccs: [{ user_id: third.id, action: 'put' }] } },
    { auth: eu.auth },
  );
  assert.equal(add.status, 200, add.text);
  assert.ok(add.json.request.email_cc_ids.includes(third.id), add.text);
});

test('search finds the caller\'s requests by subject or description', async () => {
  const eu = await endUser();
  const other = await endUser();
  const w = word();
  const bySubject = await fileRequest(eu, { subject: `Keyboard ${w} sticky` });
  const byBody = await fileRequest(eu, { comment: { body: `The ${w.toUpperCase()} key fell off` } });
  await fileRequest(eu, { subject: 'Unrelated' });
  const foreign = await fileRequest(other, { subject: `Keyboard ${w} too` });

  const { result } = await eu.client.requests.search({ query: w });
  const ids = result.map((r) => r.id).sort((x, y) => x - y);
  assert.deepEqual(ids, [bySubject.id, byBody.id].sort((x, y) => x - y));
  assert.ok(!ids.includes(foreign.id));
  const raw = await srv.get(`/api/v2/requests/search.json?query=${encodeURIComponent(w)}`, { auth: eu.auth });
  assert.equal(raw.status, 200, raw.text);
  assert.equal(raw.json.count, 2);
  const missing = await srv.get('/api/v2/requests/search.json', { auth: eu.auth });
  assert.equal(missing.status, 400, missing.text);
});

test('/users/{id}/requests and /organizations/{id}/requests', async () => {
  const { result: org } = await zd.organizations.create({ organization: { name: uniqueName('ReqOrg') } });
  const eu = await endUser({ organization_id: org.id });
  const other = await endUser();
  const r = await fileRequest(eu);
  assert.equal(r.organization_id, org.id);

  const mine = await eu.client.requests.listByUser(eu.user.id);
  assert.deepEqual(mine.map((x) => x.id), [r.id]);
  const theirs = await srv.get(`/api/v2/users/${eu.user.id}/requests.json`, { auth: other.auth });
  assert.equal(theirs.status, 403, theirs.text);
  const byAdmin = await zd.requests.listByUser(eu.user.id);
  assert.deepEqual(byAdmin.map((x) => x.id), [r.id]);
  const byOrg = await zd.requests.listByOrganization(org.id);
  assert.deepEqual(byOrg.map((x) => x.id), [r.id]);
});

test('a closed request cannot be updated (422)', async () => {
  const eu = await endUser();
  const r = await fileRequest(eu);
  await adminUpdate(r.id, { status: 'closed' });
  const res = await srv.put(`/api/v2/requests/${r.id}.json`, { request: { comment: { body: 'Hello?' } } }, { auth: eu.auth });
  assert.equal(res.status, 422, res.text);
  const err = await rejection(() => eu.client.requests.update(r.id, { request: { comment: { body: 'Hello?' } } }));
  assert.equal(err.statusCode, 422);
});

test('side-loads users and organizations on request lists', async () => {
  const { result: org } = await zd.organizations.create({ organization: { name: uniqueName('SideReqOrg') } });
  const eu = await endUser({ organization_id: org.id });
  const r = await fileRequest(eu);
  const res = await srv.get('/api/v2/requests.json?include=users,organizations', { auth: eu.auth });
  assert.equal(res.status, 200, res.text);
  assert.ok(res.json.users.some((u) => u.id === eu.user.id));
  assert.ok(res.json.organizations.some((o) => o.id === org.id));
  assert.deepEqual(res.json.requests.map((x) => x.id), [r.id]);
});

test('an end user attaches an upload to a request comment', async () => {
  const eu = await endUser();
  const up = await srv.request('POST', '/api/v2/uploads.json?filename=notes.txt', {
    auth: eu.auth,
    body: 'plain text notes\n',
    headers: { 'Content-Type': 'application/binary' },
  });
  assert.equal(up.status, 201, up.text);
  const token = up.json.upload.token;
  const r = await fileRequest(eu, { comment: { body: 'See attached', uploads: [token] } });
  const res = await srv.get(`/api/v2/requests/${r.id}/comments.json`, { auth: eu.auth });
  assert.equal(res.status, 200, res.text);
  const [c] = res.json.comments;
  assert.equal(c.attachments.length, 1, res.text);
  assert.equal(c.attachments[0].file_name, 'notes.txt');
  assert.ok(c.attachments[0].content_url, res.text);
});
