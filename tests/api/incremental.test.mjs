// Incremental exports (reference §5): time-based and cursor tickets, users (+ cursor),
// organisations, ticket events, samples; deleted tickets, side-loads, paging to the end
// of the stream with raw fetch (node-zendesk's incremental helpers read one page only,
// §8), admin only, bad input, and the per-account rate limit with 429 + Retry-After.
// The server runs with COMPTOIR_EXPORT_LAG_SECONDS=0: a request sees every write made
// before its own second (the production default leaves out the last minute).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { startServer, uniqueName, uniqueEmail } from './harness.mjs';

let srv;
let zd;
let t0; // a second before anything this file makes

before(async () => {
  srv = await startServer({ env: { COMPTOIR_EXPORT_LAG_SECONDS: '0', COMPTOIR_EXPORT_RATE_LIMIT: '0' } });
  zd = srv.client({ throwOriginalException: true });
  t0 = Math.floor(Date.now() / 1000) - 1;
});
after(() => srv?.stop());

async function createTicket(attrs = {}) {
  const res = await srv.post('/api/v2/tickets.json', {
    ticket: { subject: uniqueName('Export'), comment: { body: 'First comment' }, ...attrs },
  });
  assert.equal(res.status, 201, res.text);
  return res.json.ticket;
}

// Writes are visible from the next second on.
const settle = () => sleep(1100);

// Follows next_page (time-based) or after_url (cursor) until end_of_stream.
async function drain(first, key) {
  const items = [];
  let url = first;
  let pages = 0;
  for (;;) {
    const res = await srv.get(url);
    assert.equal(res.status, 200, res.text);
    items.push(...res.json[key]);
    pages++;
    assert.ok(pages < 200, 'the stream ends');
    if (res.json.end_of_stream) return { items, pages, last: res.json };
    url = res.json.next_page ?? res.json.after_url;
    assert.ok(url.startsWith(srv.apiUrl), `next link ${url} keeps the client's address`);
  }
}

test('time-based ticket export pages through every ticket once and ends', async () => {
  const made = [];
  for (let i = 0; i < 25; i++) made.push((await createTicket()).id);
  await settle();
  const { items, pages, last } = await drain(`/api/v2/incremental/tickets.json?start_time=${t0}&per_page=10`, 'tickets');
  const ids = items.map((t) => t.id);
  for (const id of made) assert.equal(ids.filter((x) => x === id).length, 1, `ticket ${id} exactly once`);
  // Pages end on whole seconds (a full page takes the rest of its last second), so 25
  // tickets made within a second or two may come in fewer pages than 10 a page suggests.
  assert.ok(pages >= 2, `pages: ${pages}`);
  assert.equal(typeof last.end_time, 'number');
  assert.equal(typeof last.count, 'number');
  assert.match(last.next_page, /incremental\/tickets\.json\?start_time=\d+/);
  for (const t of items) {
    assert.equal(typeof t.generated_timestamp, 'number');
    assert.ok(t.generated_timestamp >= t0);
  }
  // Stream order: generated_timestamp never goes back.
  for (let i = 1; i < items.length; i++) assert.ok(items[i].generated_timestamp >= items[i - 1].generated_timestamp);

  // The next poll from end_time sees only what changed since.
  await srv.put(`/api/v2/tickets/${made[3]}.json`, { ticket: { priority: 'high' } });
  await settle();
  const again = await srv.get(`/api/v2/incremental/tickets.json?start_time=${last.end_time}`);
  assert.equal(again.status, 200, again.text);
  assert.deepEqual(again.json.tickets.map((t) => t.id), [made[3]]);
  assert.equal(again.json.tickets[0].priority, 'high');
  assert.equal(again.json.end_of_stream, true);
});

test('cursor export is exact, tolerates page[size], and ends with an after_cursor to poll', async () => {
  const made = [];
  for (let i = 0; i < 12; i++) made.push((await createTicket()).id);
  await settle();
  const { items, pages, last } = await drain(
    `/api/v2/incremental/tickets/cursor.json?start_time=${t0}&per_page=5&page[size]=100`,
    'tickets',
  );
  const ids = items.map((t) => t.id);
  assert.equal(new Set(ids).size, ids.length, 'no duplicates in a cursor stream');
  for (const id of made) assert.ok(ids.includes(id), `ticket ${id} exported`);
  assert.ok(pages > 2);
  assert.equal(last.before_url, null);
  assert.equal(last.before_cursor, null);
  assert.equal(typeof last.after_cursor, 'string');
  // Polling the last cursor later returns only newer writes.
  const newer = await createTicket();
  await settle();
  const poll = await srv.get(`/api/v2/incremental/tickets/cursor.json?cursor=${encodeURIComponent(last.after_cursor)}`);
  assert.equal(poll.status, 200, poll.text);
  assert.deepEqual(poll.json.tickets.map((t) => t.id), [newer.id]);
  assert.equal(poll.json.end_of_stream, true);
});

test('deleted tickets appear with status "deleted" unless exclude_deleted=true', async () => {
  const start = Math.floor(Date.now() / 1000);
  const t = await createTicket();
  const keep = await createTicket();
  assert.equal((await srv.request('DELETE', `/api/v2/tickets/${t.id}.json`)).status, 204);
  await settle();
  const all = await srv.get(`/api/v2/incremental/tickets/cursor.json?start_time=${start}`);
  const deleted = all.json.tickets.find((x) => x.id === t.id);
  assert.ok(deleted, 'the deleted ticket is exported');
  assert.equal(deleted.status, 'deleted');
  const live = await srv.get(`/api/v2/incremental/tickets.json?start_time=${start}&exclude_deleted=true`);
  assert.equal(live.status, 200, live.text);
  assert.ok(!live.json.tickets.some((x) => x.id === t.id));
  assert.ok(live.json.tickets.some((x) => x.id === keep.id));
});

test('exported tickets are the same JSON as GET /tickets/{id} (custom fields, tags, via, escapes, deleted)', async () => {
  const start = Math.floor(Date.now() / 1000);
  const field = await srv.post('/api/v2/ticket_fields.json', {
    ticket_field: { type: 'text', title: uniqueName('Serial') },
  });
  assert.equal(field.status, 201, field.text);
  const fid = field.json.ticket_field.id;
  const groups = (await srv.get('/api/v2/groups.json')).json.groups;
  const made = [
    await createTicket(),
    await createTicket({
      subject: 'Quote " backslash \\ tab \t newline \n control \u0001 é ü 日本 😀 </script>',
      tags: ['alpha', 'béta', 'with"quote'],
      custom_fields: [{ id: fid, value: 'SN "42"\n' }],
      priority: 'high',
      type: 'task',
      group_id: groups[0].id,
      external_id: 'ext-\u00e9',
      due_at: '2030-01-02T03:04:05Z',
      collaborator_ids: [],
      requester: { name: 'Exp Req', email: uniqueEmail('exportjson') },
    }),
    await createTicket({ tags: [], comment: { body: 'Body with "quotes"\r\nand lines', public: false } }),
  ];
  const gone = await createTicket({ tags: ['to_delete'] });
  const goneBefore = (await srv.get(`/api/v2/tickets/${gone.id}.json`)).json.ticket;
  assert.equal((await srv.request('DELETE', `/api/v2/tickets/${gone.id}.json`)).status, 204);
  await settle();
  for (const url of [
    `/api/v2/incremental/tickets/cursor.json?start_time=${start}`,
    `/api/v2/incremental/tickets.json?start_time=${start}`,
  ]) {
    const res = await srv.get(url);
    assert.equal(res.status, 200, res.text);
    for (const t of made) {
      const shown = (await srv.get(`/api/v2/tickets/${t.id}.json`)).json.ticket;
      const exported = res.json.tickets.find((x) => x.id === t.id);
      assert.ok(exported, `ticket ${t.id} exported`);
      assert.deepEqual(Object.keys(exported), Object.keys(shown), 'same fields in the same order');
      assert.deepEqual(exported, shown);
    }
    const d = res.json.tickets.find((x) => x.id === gone.id);
    assert.ok(d, 'the deleted ticket is exported');
    assert.deepEqual(Object.keys(d), Object.keys(goneBefore));
    assert.equal(d.status, 'deleted');
    for (const k of Object.keys(goneBefore)) {
      if (['status', 'updated_at', 'generated_timestamp'].includes(k)) continue;
      assert.deepEqual(d[k], goneBefore[k], k);
    }
  }
  // The special characters came back as sent.
  const res = await srv.get(`/api/v2/incremental/tickets/cursor.json?start_time=${start}`);
  const odd = res.json.tickets.find((x) => x.id === made[1].id);
  for (const part of ['"', '\\', '日本', '😀']) assert.ok(odd.subject.includes(part), part);
  assert.ok(odd.tags.includes('alpha'));
  assert.deepEqual(odd.custom_fields.find((f) => f.id === fid)?.value, 'SN "42"\n');
});

test('side-loads: users, groups, organizations, metric_sets', async () => {
  const start = Math.floor(Date.now() / 1000);
  const groups = (await srv.get('/api/v2/groups.json')).json.groups;
  const t = await createTicket({ group_id: groups[0].id, requester: { name: 'Side Load', email: uniqueEmail('side') } });
  await settle();
  const res = await srv.get(`/api/v2/incremental/tickets.json?start_time=${start}&include=users,groups,organizations,metric_sets`);
  assert.equal(res.status, 200, res.text);
  const ticket = res.json.tickets.find((x) => x.id === t.id);
  assert.ok(ticket);
  assert.ok(res.json.users.some((u) => u.id === ticket.requester_id), 'requester side-loaded');
  assert.ok(res.json.groups.some((g) => g.id === groups[0].id), 'group side-loaded');
  assert.ok(Array.isArray(res.json.organizations));
  const m = res.json.metric_sets.find((x) => x.ticket_id === t.id);
  assert.ok(m, 'metric set side-loaded');
  assert.equal(m.group_stations, 1);
  assert.match(res.json.next_page, /include=users,groups,organizations,metric_sets/);
});

test('users (time-based and cursor) and organizations exports', async () => {
  const start = Math.floor(Date.now() / 1000);
  const u = await srv.createUser({ name: uniqueName('Exported'), email: uniqueEmail('exp') });
  const org = (await srv.post('/api/v2/organizations.json', { organization: { name: uniqueName('ExpOrg') } })).json.organization;
  await settle();
  const users = await drain(`/api/v2/incremental/users.json?start_time=${start}`, 'users');
  assert.ok(users.items.some((x) => x.id === u.id));
  const cursor = await drain(`/api/v2/incremental/users/cursor.json?start_time=${start}&per_page=1`, 'users');
  assert.ok(cursor.items.some((x) => x.id === u.id));
  const orgs = await drain(`/api/v2/incremental/organizations.json?start_time=${start}`, 'organizations');
  assert.deepEqual(orgs.items.map((o) => o.id), [org.id]);
});

test('ticket events: audits with child_events; comment events only with include=comment_events', async () => {
  const start = Math.floor(Date.now() / 1000);
  const t = await createTicket({ comment: { body: 'event body text' } });
  await srv.put(`/api/v2/tickets/${t.id}.json`, { ticket: { status: 'pending' } });
  await settle();
  const plain = await drain(`/api/v2/incremental/ticket_events.json?start_time=${start}`, 'ticket_events');
  const mine = plain.items.filter((e) => e.ticket_id === t.id);
  assert.equal(mine.length, 2, 'one event per audit');
  for (const e of mine) {
    assert.equal(e.event_type, 'Audit');
    assert.equal(typeof e.timestamp, 'number');
    assert.ok(Array.isArray(e.child_events));
  }
  assert.ok(!mine[0].child_events.some((c) => c.event_type === 'Comment'));
  assert.ok(mine[0].child_events.some((c) => c.event_type === 'Create' && c.comment_present === true));
  const change = mine[1].child_events.find((c) => c.event_type === 'Change' && 'status' in c);
  assert.ok(change, JSON.stringify(mine[1].child_events));
  assert.equal(change.status, 'pending');
  assert.equal(change.previous_value, 'new');
  const withComments = await srv.get(`/api/v2/incremental/ticket_events.json?start_time=${start}&include=comment_events`);
  const created = withComments.json.ticket_events.find((e) => e.ticket_id === t.id);
  const comment = created.child_events.find((c) => c.event_type === 'Comment');
  assert.ok(comment);
  assert.equal(comment.body, 'event body text');
  assert.equal(comment.public, true);
});

test('samples return at most 50 items', async () => {
  for (const kind of ['tickets', 'users', 'organizations', 'ticket_events']) {
    const res = await srv.get(`/api/v2/incremental/${kind}/sample.json?start_time=${t0}`);
    assert.equal(res.status, 200, `${kind}: ${res.text}`);
    assert.ok(res.json[kind].length <= 50);
    assert.ok(res.json[kind].length > 0, `${kind} sample has items`);
  }
});

test('node-zendesk: tickets.incremental, ticketexport, users/organizations/ticketevents.incremental', async () => {
  const t = await createTicket();
  await settle();
  const tickets = await zd.tickets.incremental(t0);
  assert.ok(tickets.some((x) => x.id === t.id), 'tickets.incremental finds the ticket');
  const exp = await zd.ticketexport.exportCursor(t0);
  assert.ok(exp.result.tickets || exp.result, 'exportCursor answers');
  const page = exp.result.tickets ?? exp.result;
  assert.ok(Array.isArray(page) && page.length > 0);
  const users = await zd.users.incremental(t0);
  assert.ok(users.length > 0);
  const orgs = await zd.organizations.incremental(t0);
  assert.ok(Array.isArray(orgs));
  const events = await zd.ticketevents.incremental(t0);
  assert.ok(events);
});

test('agents get 403; bad start_time, future start_time and bad cursors get 400', async () => {
  const agent = await srv.createUserWithPassword({ role: 'agent' });
  for (const path of ['tickets.json', 'tickets/cursor.json', 'users.json', 'organizations.json', 'ticket_events.json', 'tickets/sample.json']) {
    const res = await srv.get(`/api/v2/incremental/${path}?start_time=${t0}`, { auth: agent.auth });
    assert.equal(res.status, 403, `${path}: ${res.text}`);
  }
  const future = Math.floor(Date.now() / 1000) + 3600;
  for (const q of ['', 'start_time=abc', 'start_time=-5', `start_time=${future}`, 'per_page=0&start_time=1']) {
    const res = await srv.get(`/api/v2/incremental/tickets.json?${q}`);
    assert.equal(res.status, 400, `${q}: ${res.status} ${res.text}`);
  }
  const bad = await srv.get('/api/v2/incremental/tickets/cursor.json?cursor=not-a-cursor!');
  assert.equal(bad.status, 400, bad.text);
});

test('rate limit: COMPTOIR_EXPORT_RATE_LIMIT requests a minute per account, then 429 + Retry-After', async () => {
  const limited = await startServer({ env: { COMPTOIR_EXPORT_LAG_SECONDS: '0', COMPTOIR_EXPORT_RATE_LIMIT: '3' } });
  try {
    const statuses = [];
    let last;
    for (let i = 0; i < 5; i++) {
      last = await limited.get('/api/v2/incremental/tickets.json?start_time=0');
      statuses.push(last.status);
    }
    // The window is a calendar minute: at most one roll-over within 5 quick requests.
    assert.ok(statuses.filter((s) => s === 429).length >= 1, `statuses: ${statuses}`);
    assert.equal(last.status, 429, `statuses: ${statuses}`);
    assert.match(last.headers.get('retry-after') ?? '', /^\d+$/);
    // Other endpoints are not counted against it.
    assert.equal((await limited.get('/api/v2/tickets.json')).status, 200);
  } finally {
    await limited.stop();
  }
});
