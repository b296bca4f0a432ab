// Ticket metric sets (reference §2.16): /ticket_metrics (offset and cursor pages),
// /ticket_metrics/{id}, /tickets/{id}/metrics, include=metric_sets, through node-zendesk
// and raw HTTP; who may read them. Without a schedule business minutes equal calendar.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, uniqueName, uniqueEmail } from './harness.mjs';

let srv;
let zd;

before(async () => {
  srv = await startServer();
  zd = srv.client({ throwOriginalException: true });
});
after(() => srv?.stop());

async function createTicket(attrs = {}) {
  const res = await srv.post('/api/v2/tickets.json', {
    ticket: {
      subject: uniqueName('Metrics'),
      comment: { body: 'Help please' },
      requester: { name: 'Req', email: uniqueEmail('metrics') },
      ...attrs,
    },
  });
  assert.equal(res.status, 201, res.text);
  return res.json.ticket;
}

const update = async (id, ticket) => {
  const res = await srv.put(`/api/v2/tickets/${id}.json`, { ticket });
  assert.equal(res.status, 200, res.text);
};

async function metricsOf(id) {
  const res = await srv.get(`/api/v2/tickets/${id}/metrics.json`);
  assert.equal(res.status, 200, res.text);
  return res.json.ticket_metric;
}

test('a new ticket has a metric set with nothing measured yet', async () => {
  const t = await createTicket();
  const m = await metricsOf(t.id);
  assert.equal(m.ticket_id, t.id);
  assert.equal(m.replies, 0);
  assert.equal(m.reopens, 0);
  assert.equal(m.assignee_stations, 0);
  assert.deepEqual(m.reply_time_in_minutes, { calendar: null, business: null });
  assert.deepEqual(m.reply_time_in_seconds, { calendar: null });
  assert.deepEqual(m.first_resolution_time_in_minutes, { calendar: null, business: null });
  assert.deepEqual(m.agent_wait_time_in_minutes, { calendar: 0, business: 0 });
  assert.equal(m.solved_at, null);
  assert.match(m.url, /\/api\/v2\/ticket_metrics\/\d+\.json$/);
});

test('replies, reopens, resolutions and stations follow the ticket', async () => {
  const me = (await srv.get('/api/v2/users/me.json')).json.user;
  const group = (await srv.get('/api/v2/groups.json')).json.groups[0];
  const t = await createTicket();
  await update(t.id, { comment: { body: 'private note', public: false } });
  let m = await metricsOf(t.id);
  assert.equal(m.replies, 0, 'a private note is not a reply');
  assert.ok(m.latest_comment_added_at);
  await update(t.id, { comment: { body: 'We are on it', public: true }, assignee_id: me.id, group_id: group.id });
  m = await metricsOf(t.id);
  assert.equal(m.replies, 1);
  assert.equal(m.reply_time_in_minutes.calendar, 0);
  assert.equal(m.reply_time_in_minutes.business, 0, 'no schedule: business = calendar');
  assert.equal(typeof m.reply_time_in_seconds.calendar, 'number');
  assert.equal(m.assignee_stations, 1);
  assert.equal(m.group_stations, 1);
  assert.ok(m.initially_assigned_at);
  await update(t.id, { status: 'pending' });
  await update(t.id, { status: 'solved' });
  m = await metricsOf(t.id);
  assert.ok(m.solved_at);
  assert.deepEqual(m.first_resolution_time_in_minutes, { calendar: 0, business: 0 });
  await update(t.id, { status: 'open', comment: { body: 'Still broken', public: true, author_id: t.requester_id } });
  await update(t.id, { status: 'solved' });
  m = await metricsOf(t.id);
  assert.equal(m.reopens, 1);
  assert.notEqual(m.full_resolution_time_in_minutes.calendar, null);
  assert.equal(m.status_updated_at, m.solved_at);
});

test('node-zendesk ticketmetrics.list / show / listAll, and the metric id route', async () => {
  const t = await createTicket();
  const listed = await zd.ticketmetrics.list(t.id);
  const set = listed.result?.ticket_metric ?? listed.ticket_metric ?? listed.result;
  assert.equal(set.ticket_id, t.id);
  const shown = await zd.ticketmetrics.show(set.id);
  const again = shown.result?.ticket_metric ?? shown.ticket_metric ?? shown.result;
  assert.equal(again.id, set.id);
  const all = await zd.ticketmetrics.listAll();
  assert.ok(all.some((m) => m.ticket_id === t.id), 'listAll follows the cursor pages');
  // Offset pages and cursor pages by hand.
  const offset = await srv.get('/api/v2/ticket_metrics.json?per_page=1');
  assert.equal(offset.status, 200, offset.text);
  assert.equal(offset.json.ticket_metrics.length, 1);
  assert.ok(offset.json.count >= 1);
  const cursor = await srv.get('/api/v2/ticket_metrics.json?page[size]=1');
  assert.equal(cursor.status, 200, cursor.text);
  assert.equal(cursor.json.meta.has_more, true);
  const next = await srv.get(cursor.json.links.next);
  assert.equal(next.status, 200);
  assert.notEqual(next.json.ticket_metrics[0].id, cursor.json.ticket_metrics[0].id);
  assert.equal((await srv.get('/api/v2/ticket_metrics/999999999.json')).status, 404);
  assert.equal((await srv.get('/api/v2/tickets/999999999/metrics.json')).status, 404);
});

test('include=metric_sets on ticket lists', async () => {
  const t = await createTicket();
  const res = await srv.get(`/api/v2/tickets/show_many.json?ids=${t.id}&include=metric_sets`);
  assert.equal(res.status, 200, res.text);
  const list = await srv.get('/api/v2/tickets.json?include=metric_sets&sort_order=desc');
  assert.equal(list.status, 200, list.text);
  assert.ok(Array.isArray(list.json.metric_sets));
  assert.ok(list.json.metric_sets.some((m) => m.ticket_id === t.id));
});

test('agents read the metrics of tickets they may see; end users get 403; deleted tickets 404', async () => {
  const t = await createTicket();
  const agent = await srv.createUserWithPassword({ role: 'agent' });
  assert.equal((await srv.get(`/api/v2/tickets/${t.id}/metrics.json`, { auth: agent.auth })).status, 200);
  const end = await srv.createUserWithPassword({ role: 'end-user' });
  assert.equal((await srv.get(`/api/v2/tickets/${t.id}/metrics.json`, { auth: end.auth })).status, 403);
  assert.equal((await srv.get('/api/v2/ticket_metrics.json', { auth: end.auth })).status, 403);
  // An agent restricted to their groups' tickets does not see another group's.
  const role = await srv.createRecord('/api/v2/custom_roles.json', 'custom_role', {
    name: uniqueName('Group only'),
    configuration: { ticket_access: 'within-groups' },
  });
  const narrow = await srv.createUserWithPassword({ role: 'agent' });
  await srv.put(`/api/v2/users/${narrow.user.id}.json`, { user: { custom_role_id: role.id } });
  const m = await metricsOf(t.id);
  assert.equal((await srv.get(`/api/v2/ticket_metrics/${m.id}.json`, { auth: narrow.auth })).status, 404);
  const visible = await srv.get('/api/v2/ticket_metrics.json', { auth: narrow.auth });
  assert.equal(visible.status, 200, visible.text);
  assert.ok(!visible.json.ticket_metrics.some((x) => x.ticket_id === t.id));
  assert.equal((await srv.request('DELETE', `/api/v2/tickets/${t.id}.json`)).status, 204);
  assert.equal((await srv.get(`/api/v2/tickets/${t.id}/metrics.json`)).status, 404);
});
