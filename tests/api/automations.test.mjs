// Automations (reference §3.5): CRUD and Zendesk's validation (a time condition,
// nullification), the default "close 4 days after solved", the playbook's reminder to
// requesters, at most one firing per ticket per matching period, and the ticket import
// API that gives tests tickets with a past. The sweep runs every second here
// (COMPTOIR_AUTOMATION_SECONDS=1).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, uniqueName } from './harness.mjs';

let srv;
let zd;
let agent;
let requester;

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const daysAgo = (d) => new Date(Date.now() - d * 86400_000).toISOString().replace(/\.\d+Z$/, 'Z');

before(async () => {
  srv = await startServer({ env: { COMPTOIR_AUTOMATION_SECONDS: '1' } });
  zd = srv.client({ throwOriginalException: true });
  agent = await srv.createUser({ role: 'agent' });
  requester = await srv.createUser({ role: 'end-user' });
});
after(() => srv?.stop());

async function until(what, fn, ms = 15_000) {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(200);
  }
}

async function importTicket(ticket) {
  const { response, result } = await zd.ticketimport.import({ ticket });
  assert.equal(response.status, 201);
  return result.ticket; // node-zendesk unwraps "import"/"imports" only
}

const reminder = (tag, hours) => ({
  title: uniqueName('Remind requester'),
  conditions: {
    all: [
      { field: 'status', operator: 'is', value: 'pending' },
      { field: 'PENDING', operator: 'greater_than', value: String(hours) },
      { field: 'current_tags', operator: 'not_includes', value: tag },
    ],
    any: [],
  },
  actions: [
    { field: 'notification_user', value: ['requester_id', 'Still there?', 'We are waiting for your answer on {{ticket.title}}.'] },
    { field: 'current_tags', value: tag },
  ],
});

test('the default automation closes solved tickets after 4 days', async () => {
  const list = await zd.automations.list();
  const def = list.find((a) => a.title === 'Close ticket 4 days after status is set to solved');
  assert.ok(def, JSON.stringify(list.map((a) => a.title)));
  assert.equal(def.default, true);
  assert.equal(def.active, true);
  assert.deepEqual(def.conditions.all, [
    { field: 'status', operator: 'is', value: 'solved' },
    { field: 'SOLVED', operator: 'greater_than', value: '96' },
  ]);
  assert.deepEqual(def.actions, [{ field: 'status', value: 'closed' }]);

  const old = await importTicket({
    subject: uniqueName('Old solved'), requester_id: requester.id, assignee_id: agent.id,
    status: 'solved', created_at: daysAgo(9), updated_at: daysAgo(5), solved_at: daysAgo(5),
    comments: [
      { author_id: requester.id, value: 'It broke', created_at: daysAgo(9) },
      { author_id: agent.id, value: 'Fixed', created_at: daysAgo(5) },
    ],
  });
  assert.equal(old.status, 'solved');
  assert.equal(old.created_at, daysAgo(9));
  const recent = await importTicket({
    subject: uniqueName('Recently solved'), requester_id: requester.id, assignee_id: agent.id,
    status: 'solved', created_at: daysAgo(3), solved_at: daysAgo(2),
    comments: [{ author_id: requester.id, value: 'Hi', created_at: daysAgo(3) }],
  });

  await until('the old ticket to close', async () => (await zd.tickets.show(old.id)).result.status === 'closed');
  const audits = (await srv.get(`/api/v2/tickets/${old.id}/audits.json`)).json.audits;
  const rule = audits.find((a) => a.via.channel === 'rule');
  assert.ok(rule, 'the change is audited via rule');
  assert.equal(rule.via.source.rel, 'automation');
  assert.equal(rule.via.source.from.id, def.id);
  assert.ok(rule.events.some((e) => e.field_name === 'status' && e.value === 'closed' && e.previous_value === 'solved'));
  // Solved two days ago: not yet.
  await sleep(1500);
  assert.equal((await zd.tickets.show(recent.id)).result.status, 'solved');
});

test('the playbook: pending tickets without a requester answer get one reminder', async () => {
  const tag = `reminded_${Date.now()}`;
  const { response, result: auto } = await zd.automations.create({ automation: reminder(tag, 48) });
  assert.equal(response.status, 201);
  assert.equal(auto.active, true);

  const waiting = await importTicket({
    subject: uniqueName('Waiting'), requester_id: requester.id, assignee_id: agent.id, status: 'pending',
    created_at: daysAgo(6), updated_at: daysAgo(3),
    comments: [
      { author_id: requester.id, value: 'Question', created_at: daysAgo(6) },
      { author_id: agent.id, value: 'Can you send the logs?', created_at: daysAgo(3) },
    ],
  });
  const fresh = await importTicket({
    subject: uniqueName('Fresh'), requester_id: requester.id, assignee_id: agent.id, status: 'pending',
    created_at: daysAgo(2), updated_at: daysAgo(1),
    comments: [{ author_id: requester.id, value: 'Question', created_at: daysAgo(2) }],
  });

  await until('the reminder', async () => (await zd.tickets.show(waiting.id)).result.tags.includes(tag));
  const audits = (await srv.get(`/api/v2/tickets/${waiting.id}/audits.json`)).json.audits;
  const rule = audits.filter((a) => a.via.channel === 'rule' && a.via.source.from.id === auto.id);
  assert.equal(rule.length, 1);
  const note = rule[0].events.find((e) => e.type === 'Notification');
  assert.ok(note, JSON.stringify(rule[0].events));
  assert.deepEqual(note.recipients, [requester.id]);
  assert.equal(note.subject, 'Still there?');

  // Several more sweeps: still one firing, and the fresh ticket untouched.
  await sleep(3000);
  const firings = await srv.get(`/api/v2/automations/${auto.id}/firings.json`);
  assert.equal(firings.status, 200, firings.text);
  assert.equal(firings.json.count.value, 1);
  const again = (await srv.get(`/api/v2/tickets/${waiting.id}/audits.json`)).json.audits
    .filter((a) => a.via.channel === 'rule' && a.via.source.from.id === auto.id);
  assert.equal(again.length, 1);
  assert.ok(!(await zd.tickets.show(fresh.id)).result.tags.includes(tag));
  await zd.automations.update(auto.id, { automation: { active: false } });
});

test('an automation fires again only after the ticket changed and matches anew', async () => {
  // Nullified by its own action (priority set to high while it tests priority is not high).
  const { result: auto } = await zd.automations.create({
    automation: {
      title: uniqueName('Escalate'),
      conditions: {
        all: [
          { field: 'status', operator: 'is', value: 'open' },
          { field: 'OPEN', operator: 'greater_than', value: '24' },
          { field: 'priority', operator: 'is_not', value: 'high' },
        ],
      },
      actions: [{ field: 'priority', value: 'high' }],
    },
  });
  const t = await importTicket({
    subject: uniqueName('Stale'), requester_id: requester.id, assignee_id: agent.id, status: 'open',
    priority: 'low', created_at: daysAgo(3), updated_at: daysAgo(2),
    comments: [{ author_id: requester.id, value: 'Help', created_at: daysAgo(3) }],
  });
  await until('the escalation', async () => (await zd.tickets.show(t.id)).result.priority === 'high');
  await sleep(1500);
  assert.equal((await srv.get(`/api/v2/automations/${auto.id}/firings.json`)).json.count.value, 1);
  await zd.automations.delete(auto.id);
});

test('CRUD, search, update_many, reorder, definitions, destroy_many', async () => {
  const { result: a } = await zd.automations.create({ automation: reminder(`ra_${Date.now()}`, 24) });
  const { result: b } = await zd.automations.create({ automation: reminder(`rb_${Date.now()}`, 72) });
  const { result: shown } = await zd.automations.show(a.id);
  assert.equal(shown.title, a.title);
  const { result: upd } = await zd.automations.update(a.id, { automation: { title: `${a.title} renamed` } });
  assert.equal(upd.title, `${a.title} renamed`);
  const found = await srv.get(`/api/v2/automations/search.json?query=${encodeURIComponent('renamed')}`);
  assert.deepEqual(found.json.automations.map((x) => x.id), [a.id]);
  const many = await srv.put('/api/v2/automations/update_many.json', { automations: [{ id: b.id, active: false, position: 90 }] });
  assert.equal(many.status, 200, many.text);
  assert.equal(many.json.automations[0].active, false);
  const active = await zd.automations.listActive();
  assert.ok(!active.some((x) => x.id === b.id));
  const re = await srv.put('/api/v2/automations/reorder.json', { automation_ids: [b.id, a.id] });
  assert.equal(re.status, 200, re.text);
  const after = await zd.automations.list();
  assert.ok(after.find((x) => x.id === b.id).position < after.find((x) => x.id === a.id).position);
  const defs = await srv.get('/api/v2/automations/definitions.json');
  assert.equal(defs.status, 200, defs.text);
  assert.ok(defs.json.definitions.conditions_all.some((c) => c.subject === 'SOLVED' || c.subject === 'status'));
  const del = await srv.del(`/api/v2/automations/destroy_many.json?ids=${a.id},${b.id}`);
  assert.equal(del.status, 204);
  assert.equal((await srv.get(`/api/v2/automations/${a.id}.json`)).status, 404);
});

test('422: no time condition, a time condition in any, not nullifying; agents may not create', async () => {
  const noTime = await srv.post('/api/v2/automations.json', {
    automation: {
      title: 'x', conditions: { all: [{ field: 'status', operator: 'is', value: 'open' }] },
      actions: [{ field: 'status', value: 'pending' }],
    },
  });
  assert.equal(noTime.status, 422, noTime.text);
  assert.equal(noTime.json.error, 'RecordInvalid');

  const inAny = await srv.post('/api/v2/automations.json', {
    automation: {
      title: 'x',
      conditions: {
        all: [{ field: 'status', operator: 'is', value: 'open' }, { field: 'OPEN', operator: 'greater_than', value: '2' }],
        any: [{ field: 'PENDING', operator: 'greater_than', value: '2' }],
      },
      actions: [{ field: 'status', value: 'pending' }],
    },
  });
  assert.equal(inAny.status, 422, inAny.text);

  const notNullifying = await srv.post('/api/v2/automations.json', {
    automation: {
      title: 'x',
      conditions: { all: [{ field: 'status', operator: 'is', value: 'open' }, { field: 'OPEN', operator: 'greater_than', value: '2' }] },
      actions: [{ field: 'priority', value: 'high' }],
    },
  });
  assert.equal(notNullifying.status, 422, notNullifying.text);
  assert.match(notNullifying.text, /nullif|once/i);

  const badField = await srv.post('/api/v2/automations.json', {
    automation: { title: 'x', conditions: { all: [{ field: 'nope', operator: 'is', value: '1' }] }, actions: [] },
  });
  assert.equal(badField.status, 422);

  const user = await srv.createUserWithPassword({ role: 'agent' });
  const denied = await srv.post('/api/v2/automations.json', { automation: reminder('x', 24) }, { auth: user.auth });
  assert.equal(denied.status, 403);
  assert.equal((await srv.get('/api/v2/automations.json', { auth: user.auth })).status, 200);
  const imp = await srv.post('/api/v2/imports/tickets.json', { ticket: { subject: 'x', comments: [{ value: 'x' }] } }, { auth: user.auth });
  assert.equal(imp.status, 403);
});

test('imports: comments with their times, create_many, bad times → 422', async () => {
  const t = await importTicket({
    subject: uniqueName('History'), requester_id: requester.id, status: 'open', assignee_id: agent.id,
    created_at: daysAgo(10), tags: ['imported'],
    comments: [
      { author_id: requester.id, value: 'First', created_at: daysAgo(10) },
      { author_id: agent.id, value: 'Second', created_at: daysAgo(8), public: false },
      { author_id: requester.id, value: 'Third', created_at: daysAgo(7) },
    ],
  });
  assert.equal(t.updated_at, daysAgo(7));
  const comments = (await srv.get(`/api/v2/tickets/${t.id}/comments.json`)).json.comments;
  assert.deepEqual(comments.map((c) => [c.body, c.created_at, c.public]), [
    ['First', daysAgo(10), true], ['Second', daysAgo(8), false], ['Third', daysAgo(7), true],
  ]);
  const bulk = await srv.post('/api/v2/imports/tickets/create_many.json', {
    tickets: [
      { subject: 'a', requester_id: requester.id, comments: [{ value: 'a' }] },
      { subject: 'b', requester_id: requester.id, comments: [{ value: 'b', created_at: 'yesterday' }] },
    ],
  });
  assert.equal(bulk.status, 200, bulk.text);
  assert.equal(bulk.json.job_status.results[0].success, true);
  assert.ok(bulk.json.job_status.results[1].error || bulk.json.job_status.results[1].errors);
  const bad = await srv.post('/api/v2/imports/tickets.json', {
    ticket: { subject: 'x', requester_id: requester.id, created_at: daysAgo(-3), comments: [{ value: 'x' }] },
  });
  assert.equal(bad.status, 422, bad.text);
});
