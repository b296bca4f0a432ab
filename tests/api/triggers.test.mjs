// Triggers and trigger categories (reference §3.4): CRUD with node-zendesk, order,
// definitions, search, 422 naming the condition, and the trigger cycle seen through
// tickets and their audits (firing on create and update, once per update, restart,
// the cycle limit), plus the default triggers of a new account.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, rejection, ISO_UTC } from './harness.mjs';

let srv;
let zd;
const suffix = Date.now().toString(36);
const tag = (t) => `${t}_${suffix}`;

before(async () => {
  srv = await startServer();
  zd = srv.client({ throwOriginalException: true });
});
after(() => srv?.stop());

const DEFAULT_TITLES = [
  'Notify requester and CCs of received request',
  'Notify requester and CCs of comment update',
  'Notify assignee of comment update',
  'Notify assignee of assignment',
  'Notify assignee of reopened ticket',
  'Notify group of assignment',
  'Notify all agents of received request',
];

const cond = (field, operator, value = null) => ({ field, operator, value });
const act = (field, value) => ({ field, value });

async function createTrigger(attrs) {
  const r = await srv.post('/api/v2/triggers.json', { trigger: attrs });
  assert.equal(r.status, 201, r.text);
  return r.json.trigger;
}

async function ticketAudits(id) {
  const r = await srv.get(`/api/v2/tickets/${id}/audits.json`);
  assert.equal(r.status, 200, r.text);
  return r.json.audits;
}

// The events of `audits` that a trigger made, with its id.
function firedEvents(audits, triggerId) {
  return audits.flatMap((a) => a.events).filter(
    (e) => e.via?.channel === 'rule' && e.via.source?.rel === 'trigger' && e.via.source.from?.id === triggerId,
  );
}

// Deactivates every trigger that is not in `keep`, so that a test sees only its own.
async function onlyActive(keep) {
  const all = await srv.get('/api/v2/triggers.json?per_page=100');
  const updates = all.json.triggers.map((t) => ({ id: t.id, active: keep.includes(t.id) }));
  const r = await srv.put('/api/v2/triggers/update_many.json', { triggers: updates });
  assert.equal(r.status, 200, r.text);
}

async function newTicket(attrs = {}) {
  const r = await srv.post('/api/v2/tickets.json', {
    ticket: { subject: `Trigger test ${suffix}`, comment: { body: 'Hello there' }, ...attrs },
  });
  assert.equal(r.status, 201, r.text);
  return r.json.ticket;
}

test('a new account has Zendesk\'s default triggers, editable and deletable', async () => {
  const list = await zd.triggers.list();
  const defaults = list.filter((t) => t.default);
  assert.deepEqual(defaults.map((t) => t.title), DEFAULT_TITLES);
  const received = defaults[0];
  assert.equal(received.active, true);
  assert.deepEqual(received.conditions.all[0], { field: 'update_type', operator: 'is', value: 'Create' });
  assert.equal(received.actions[0].field, 'notification_user');
  assert.equal(received.actions[0].value[0], 'requester_and_ccs');
  assert.match(received.actions[0].value[2], /\{\{ticket\.id\}\}/);
  assert.equal(received.url, `${srv.apiUrl}/triggers/${received.id}.json`);
  assert.match(received.created_at, ISO_UTC);

  // A second account gets its own copy.
  const sub = `trg${process.pid}`;
  const acc = await srv.createAccount({ subdomain: sub, ownerEmail: `owner-${suffix}@trg.example` });
  const r = await srv.at(`${sub}.localhost`, { email: acc.email, password: acc.password })
    .get('/api/v2/triggers.json');
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.json.triggers.filter((t) => t.default).map((t) => t.title), DEFAULT_TITLES);
  assert.ok(r.json.triggers.every((t) => !list.some((x) => x.id === t.id)), 'their own rows');

  // Editable and deletable.
  const { result: edited } = await zd.triggers.update(defaults[6].id, { trigger: { active: false } });
  assert.equal(edited.active, false);
  assert.equal(edited.default, true);
  await zd.triggers.delete(defaults[6].id);
  const gone = await srv.get(`/api/v2/triggers/${defaults[6].id}.json`);
  assert.equal(gone.status, 404, gone.text);
});

test('CRUD with node-zendesk: create goes last, show, update replaces conditions and actions, delete', async () => {
  const before = await zd.triggers.list();
  const { result: t } = await zd.triggers.create({
    trigger: {
      title: tag('Tag VIP'),
      description: 'adds a tag',
      conditions: { all: [cond('update_type', 'is', 'Create'), cond('priority', 'is', 'urgent')], any: [] },
      actions: [act('current_tags', 'vip')],
    },
  });
  assert.equal(t.title, tag('Tag VIP'));
  assert.equal(t.raw_title, tag('Tag VIP'));
  assert.equal(t.active, true);
  assert.equal(t.default, false);
  assert.equal(t.category_id, null);
  assert.equal(t.position, Math.max(...before.map((x) => x.position)) + 1, 'new triggers go last');
  assert.deepEqual(t.conditions, {
    all: [cond('update_type', 'is', 'Create'), cond('priority', 'is', 'urgent')],
    any: [],
  });

  const { result: shown } = await zd.triggers.show(t.id);
  assert.deepEqual(shown, t);

  const { result: updated } = await zd.triggers.update(t.id, {
    trigger: { conditions: { all: [cond('status', 'less_than', 'solved')] }, actions: [act('priority', 'high')] },
  });
  assert.deepEqual(updated.conditions, { all: [cond('status', 'less_than', 'solved')], any: [] });
  assert.deepEqual(updated.actions, [act('priority', 'high')]);
  assert.equal(updated.title, tag('Tag VIP'));

  await zd.triggers.delete(t.id);
  const err = await rejection(() => zd.triggers.show(t.id));
  assert.equal(err.statusCode, 404);
  const gone = await srv.get(`/api/v2/triggers/${t.id}.json`);
  assert.equal(gone.status, 404);
});

test('agents read triggers; only admins change them; end users get 403', async () => {
  const agent = await srv.createUserWithPassword({ role: 'agent' });
  const end = await srv.createUserWithPassword({ role: 'end-user' });
  const list = await srv.get('/api/v2/triggers.json', { auth: agent.auth });
  assert.equal(list.status, 200, list.text);
  const defs = await srv.get('/api/v2/triggers/definitions.json', { auth: agent.auth });
  assert.equal(defs.status, 200, defs.text);
  const post = await srv.post('/api/v2/triggers.json', {
    trigger: { title: 'nope', conditions: { all: [] }, actions: [act('priority', 'low')] },
  }, { auth: agent.auth });
  assert.equal(post.status, 403, post.text);
  const endList = await srv.get('/api/v2/triggers.json', { auth: end.auth });
  assert.equal(endList.status, 403, endList.text);
});

test('validation: 422 naming the condition or action', async () => {
  const cases = [
    [{ conditions: { all: [cond('update_type', 'is', 'Create'), cond('colour', 'is', 'red')] }, actions: [act('priority', 'low')] },
      'conditions.all[1]: unknown field colour'],
    [{ conditions: { all: [cond('status', 'includes', 'open')] }, actions: [act('priority', 'low')] },
      'conditions.all[0]: status does not take the operator includes'],
    [{ conditions: { any: [cond('status', 'is', 'opened')] }, actions: [act('priority', 'low')] },
      "conditions.any[0]: 'opened' is not a valid value for status"],
    [{ conditions: { all: [cond('group_id', 'is', '999999')] }, actions: [act('priority', 'low')] },
      'conditions.all[0]: group_id 999999 does not exist in this account'],
    [{ conditions: { all: [] }, actions: [act('notification_user', ['requester_id', 'Hi', 'Body {% if ticket.id %}'])] },
      'actions[0]: notification_user body: unclosed {% if %} opened at line 1, column 6'],
    [{ conditions: { all: [] }, actions: [act('launch', 'now')] }, 'actions[0]: unknown action launch'],
    [{ conditions: { all: [{ operator: 'is', value: 'x' }] }, actions: [act('priority', 'low')] },
      'conditions.all[0]: field is required'],
  ];
  for (const [attrs, message] of cases) {
    const r = await srv.post('/api/v2/triggers.json', { trigger: { title: tag('bad'), ...attrs } });
    assert.equal(r.status, 422, r.text);
    assert.equal(r.json.error, 'RecordInvalid');
    const details = Object.values(r.json.details).flat().map((d) => d.description);
    assert.ok(details.includes(message), `${message} in ${r.text}`);
  }
  const blank = await srv.post('/api/v2/triggers.json', { trigger: { conditions: { all: [] }, actions: [act('priority', 'low')] } });
  assert.equal(blank.status, 422, blank.text);
  assert.ok(blank.json.details.title, blank.text);
  const noActions = await srv.post('/api/v2/triggers.json', { trigger: { title: 'x', conditions: { all: [] } } });
  assert.equal(noActions.status, 422, noActions.text);
  const notJson = await srv.post('/api/v2/triggers.json', { trigger: { title: 'x', conditions: 'status', actions: [] } });
  assert.equal(notJson.status, 422, notJson.text);
});

test('definitions, search, active list, reorder, update_many, destroy_many', async () => {
  const defs = await srv.get('/api/v2/triggers/definitions.json');
  assert.equal(defs.status, 200, defs.text);
  const d = defs.json.definitions;
  for (const k of ['actions', 'conditions_all', 'conditions_any']) assert.ok(Array.isArray(d[k]), k);
  const status = d.conditions_all.find((x) => x.subject === 'status');
  assert.ok(status.operators.some((o) => o.value === 'less_than'));
  assert.deepEqual(status.values.map((v) => v.value), ['new', 'open', 'pending', 'hold', 'solved', 'closed']);
  for (const k of ['subject', 'title', 'type', 'group', 'nullable', 'repeatable', 'operators', 'values']) {
    assert.ok(k in status, k);
  }
  assert.ok(d.conditions_all.some((x) => x.subject === 'update_type'));
  assert.ok(d.actions.some((x) => x.subject === 'notification_user'));
  const groups = d.actions.find((x) => x.subject === 'group_id').values;
  assert.ok(groups.some((v) => v.title === 'Support'), JSON.stringify(groups));

  const a = await createTrigger({ title: tag('Alpha search'), conditions: { all: [cond('priority', 'is', 'low')] }, actions: [act('current_tags', 'a')] });
  const b = await createTrigger({ title: tag('Beta search'), active: false, conditions: { all: [cond('priority', 'is', 'low')] }, actions: [act('current_tags', 'b')] });
  const c = await createTrigger({ title: tag('Gamma'), conditions: { all: [cond('priority', 'is', 'low')] }, actions: [act('current_tags', 'c')] });

  const { result: found } = await zd.triggers.search(`SEARCH_${suffix}`);
  assert.deepEqual(found.map((t) => t.id).sort(), [a.id, b.id].sort());
  const s = await srv.get(`/api/v2/triggers/search.json?query=${encodeURIComponent('SEARCH_' + suffix)}`);
  assert.equal(s.status, 200, s.text);
  assert.deepEqual(s.json.triggers.map((t) => t.id).sort(), [a.id, b.id].sort());
  const s2 = await srv.get(`/api/v2/triggers/search.json?query=alpha%20search_${suffix}`);
  assert.deepEqual(s2.json.triggers.map((t) => t.id), [a.id]);

  const active = await srv.get('/api/v2/triggers/active.json?per_page=100');
  assert.equal(active.status, 200, active.text);
  assert.ok(active.json.triggers.every((t) => t.active));
  assert.ok(!active.json.triggers.some((t) => t.id === b.id));
  const inactive = await srv.get('/api/v2/triggers.json?active=false&per_page=100');
  assert.ok(inactive.json.triggers.some((t) => t.id === b.id));

  // Reorder: c, a first; the rest keep their order after them.
  const r = await srv.put('/api/v2/triggers/reorder.json', { trigger_ids: [c.id, a.id] });
  assert.equal(r.status, 200, r.text);
  const list = await srv.get('/api/v2/triggers.json?per_page=100');
  assert.deepEqual(list.json.triggers.slice(0, 2).map((t) => t.id), [c.id, a.id]);
  assert.deepEqual(list.json.triggers.map((t) => t.position), list.json.triggers.map((_, i) => i));
  const badOrder = await srv.put('/api/v2/triggers/reorder.json', { trigger_ids: [999999] });
  assert.equal(badOrder.status, 422, badOrder.text);

  // Offset and cursor pages follow the same order.
  const p1 = await srv.get('/api/v2/triggers.json?per_page=2');
  assert.deepEqual(p1.json.triggers.map((t) => t.id), [c.id, a.id]);
  assert.ok(p1.json.next_page);
  assert.equal(p1.json.count, list.json.triggers.length);
  const c1 = await srv.get('/api/v2/triggers.json?page[size]=2');
  assert.deepEqual(c1.json.triggers.map((t) => t.id), [c.id, a.id]);
  assert.equal(c1.json.meta.has_more, true);
  const c2 = await srv.get(`/api/v2/triggers.json?page[size]=2&page[after]=${c1.json.meta.after_cursor}`);
  assert.deepEqual(c2.json.triggers.map((t) => t.id), list.json.triggers.slice(2, 4).map((t) => t.id));

  await zd.triggers.updateMany([{ id: a.id, active: false }, { id: c.id, position: 40 }]);
  const aNow = await srv.get(`/api/v2/triggers/${a.id}.json`);
  assert.equal(aNow.json.trigger.active, false);
  const cNow = await srv.get(`/api/v2/triggers/${c.id}.json`);
  assert.equal(cNow.json.trigger.position, 40);

  // Sorting.
  const alpha = await srv.get('/api/v2/triggers.json?sort_by=alphabetical&per_page=100');
  const titles = alpha.json.triggers.map((t) => t.title.toLowerCase());
  assert.deepEqual(titles, [...titles].sort());
  const newest = await srv.get('/api/v2/triggers.json?sort_by=created_at&per_page=100');
  assert.equal(newest.json.triggers[0].id, Math.max(...newest.json.triggers.map((t) => t.id)));
  const usage = await srv.get('/api/v2/triggers.json?sort_by=usage_24h');
  assert.equal(usage.status, 200, usage.text);
  const bogus = await srv.get('/api/v2/triggers.json?sort_by=colour');
  assert.equal(bogus.status, 400, bogus.text);

  const del = await srv.del(`/api/v2/triggers/destroy_many.json?ids=${a.id},${b.id},${c.id}`);
  assert.equal(del.status, 204, del.text);
  for (const t of [a, b, c]) {
    assert.equal((await srv.get(`/api/v2/triggers/${t.id}.json`)).status, 404);
  }
});

test('trigger categories: CRUD with PATCH, inline category on create, jobs, order across categories', async () => {
  const cat1 = await srv.post('/api/v2/trigger_categories.json', { trigger_category: { name: tag('Routing'), position: 5 } });
  assert.equal(cat1.status, 201, cat1.text);
  const routing = cat1.json.trigger_category;
  assert.equal(typeof routing.id, 'string');
  assert.equal(routing.position, 5);
  const patched = await srv.patch(`/api/v2/trigger_categories/${routing.id}.json`, { trigger_category: { name: tag('Routing 2') } });
  assert.equal(patched.status, 200, patched.text);
  assert.equal(patched.json.trigger_category.name, tag('Routing 2'));

  const t = await createTrigger({
    title: tag('in a new category'),
    category: { name: tag('Notifications'), position: 1 },
    conditions: { all: [cond('priority', 'is', 'low')] },
    actions: [act('current_tags', 'x')],
  });
  assert.ok(t.category_id);
  const u = await createTrigger({
    title: tag('in routing'), category_id: routing.id,
    conditions: { all: [cond('priority', 'is', 'low')] }, actions: [act('current_tags', 'y')],
  });
  assert.equal(u.category_id, routing.id);
  const cats = await srv.get('/api/v2/trigger_categories.json');
  assert.equal(cats.status, 200, cats.text);
  assert.ok(cats.json.trigger_categories.some((c) => c.id === t.category_id));

  // Category order first: Notifications (1) before Routing (5).
  let list = (await srv.get('/api/v2/triggers.json?per_page=100')).json.triggers;
  assert.ok(list.findIndex((x) => x.id === t.id) < list.findIndex((x) => x.id === u.id));
  const byCat = await srv.get(`/api/v2/triggers.json?category_id=${routing.id}`);
  assert.deepEqual(byCat.json.triggers.map((x) => x.id), [u.id]);

  const job = await srv.post('/api/v2/trigger_categories/jobs.json', {
    job: { action: 'patch', items: { trigger_categories: [{ id: routing.id, position: 0 }], triggers: [{ id: t.id, active: false }] } },
  });
  assert.equal(job.status, 200, job.text);
  assert.equal(job.json.status, 'complete');
  list = (await srv.get('/api/v2/triggers.json?per_page=100')).json.triggers;
  assert.ok(list.findIndex((x) => x.id === u.id) < list.findIndex((x) => x.id === t.id));
  assert.equal(list.find((x) => x.id === t.id).active, false);
  const failed = await srv.post('/api/v2/trigger_categories/jobs.json', {
    job: { action: 'patch', items: { triggers: [{ id: 999999, active: false }] } },
  });
  assert.equal(failed.json.status, 'failed', failed.text);

  const inUse = await srv.del(`/api/v2/trigger_categories/${routing.id}.json`);
  assert.equal(inUse.status, 422, inUse.text);
  await srv.del(`/api/v2/triggers/${u.id}.json`);
  const del = await srv.del(`/api/v2/trigger_categories/${routing.id}.json`);
  assert.equal(del.status, 204, del.text);
  assert.equal((await srv.get(`/api/v2/trigger_categories/${routing.id}.json`)).status, 404);
  await srv.del(`/api/v2/triggers/${t.id}.json`);
});

test('a trigger fires on create and on update; the audit shows the firing with the trigger\'s id', async () => {
  const onCreate = await createTrigger({
    title: tag('Urgent on refund'),
    conditions: { all: [cond('update_type', 'is', 'Create'), cond('comment_includes_word', 'includes', 'refund')] },
    actions: [act('priority', 'urgent'), act('current_tags', 'refund_request'), act('status', 'open')],
  });
  const onUpdate = await createTrigger({
    title: tag('Pending when waiting'),
    conditions: { all: [cond('update_type', 'is', 'Change'), cond('current_tags', 'includes', 'waiting')] },
    actions: [act('status', 'pending'), act('remove_tags', 'waiting'), act('current_tags', 'waited')],
  });
  await onlyActive([onCreate.id, onUpdate.id]);

  const t = await newTicket({ comment: { body: 'I would like a REFUND please.' } });
  assert.equal(t.priority, 'urgent');
  assert.equal(t.status, 'open');
  assert.ok(t.tags.includes('refund_request'), JSON.stringify(t.tags));
  let audits = await ticketAudits(t.id);
  const ev = firedEvents(audits, onCreate.id);
  assert.ok(ev.some((e) => e.type === 'Change' && e.field_name === 'priority' && e.value === 'urgent'), JSON.stringify(audits));
  assert.equal(ev[0].via.source.from.title, tag('Urgent on refund'));

  const plain = await newTicket({ comment: { body: 'Just a question' } });
  assert.equal(plain.priority, null);
  assert.equal(plain.status, 'new');

  const up = await srv.put(`/api/v2/tickets/${t.id}.json`, { ticket: { additional_tags: ['waiting'] } });
  assert.equal(up.status, 200, up.text);
  assert.equal(up.json.ticket.status, 'pending');
  assert.ok(up.json.ticket.tags.includes('waited'));
  assert.ok(!up.json.ticket.tags.includes('waiting'));
  audits = await ticketAudits(t.id);
  const last = audits[audits.length - 1];
  const mine = last.events.filter((e) => e.via?.source?.from?.id === onUpdate.id);
  assert.ok(mine.some((e) => e.field_name === 'status' && e.value === 'pending' && e.previous_value === 'open'), JSON.stringify(last));
  // The user's own change is not attributed to the trigger.
  assert.ok(last.events.some((e) => e.field_name === 'tags' && !e.via), JSON.stringify(last));
  // Tags through the tags endpoint run the triggers too.
  const tagged = await srv.put(`/api/v2/tickets/${t.id}/tags.json`, { tags: ['waiting'] });
  assert.equal(tagged.status, 200, tagged.text);
  const again = await srv.get(`/api/v2/tickets/${t.id}.json`);
  assert.ok(again.json.ticket.tags.includes('waited'), JSON.stringify(again.json.ticket.tags));

  for (const x of [onCreate, onUpdate]) await srv.del(`/api/v2/triggers/${x.id}.json`);
});

test('each trigger fires at most once per update, and the cycle restarts after a firing', async () => {
  // B (later) sets a tag that A (earlier) waits for: A fires after B, on the restart.
  const a = await createTrigger({
    title: tag('A escalate'),
    conditions: { all: [cond('current_tags', 'includes', 'escalate')] },
    actions: [act('priority', 'high'), act('current_tags', 'a_fired')],
  });
  const b = await createTrigger({
    title: tag('B tag angry'),
    conditions: { all: [cond('comment_includes_word', 'includes', 'angry')] },
    actions: [act('current_tags', 'escalate')],
  });
  // C always matches: fires once per update only (its tag shows how often).
  const c = await createTrigger({
    title: tag('C counter'),
    conditions: { all: [cond('status', 'less_than', 'closed')] },
    actions: [act('current_tags', 'c_fired'), act('type', 'question')],
  });
  await onlyActive([a.id, b.id, c.id]);
  const t = await newTicket({ comment: { body: 'I am angry' } });
  assert.equal(t.priority, 'high');
  assert.ok(['escalate', 'a_fired', 'c_fired'].every((x) => t.tags.includes(x)), JSON.stringify(t.tags));
  const audits = await ticketAudits(t.id);
  const order = audits[0].events.filter((e) => e.via?.channel === 'rule').map((e) => e.via.source.from.id);
  const firstOf = (id) => order.indexOf(id);
  assert.ok(firstOf(b.id) < firstOf(a.id), `B before A: ${order}`);
  assert.equal(audits[0].events.filter((e) => e.via?.source?.from?.id === c.id && e.field_name === 'type').length, 1);
  // On the next update each fires again (once).
  const up = await srv.put(`/api/v2/tickets/${t.id}.json`, { ticket: { comment: { body: 'still angry', public: true } } });
  assert.equal(up.status, 200, up.text);
  const later = await ticketAudits(t.id);
  const fired = new Set(later[later.length - 1].events.filter((e) => e.via?.channel === 'rule').map((e) => e.via.source.from.id));
  assert.ok(fired.has(c.id), 'C fires again on the next update');
  for (const x of [a, b, c]) await srv.del(`/api/v2/triggers/${x.id}.json`);
});

test('a looping pair fires once each; a chain longer than the limit is cut with an audit note', async () => {
  const x = await createTrigger({
    title: tag('loop x'),
    conditions: { all: [cond('current_tags', 'not_includes', 'x')] },
    actions: [act('current_tags', 'x'), act('remove_tags', 'y')],
  });
  const y = await createTrigger({
    title: tag('loop y'),
    conditions: { all: [cond('current_tags', 'not_includes', 'y')] },
    actions: [act('current_tags', 'y'), act('remove_tags', 'x')],
  });
  await onlyActive([x.id, y.id]);
  const t = await newTicket();
  const audits = await ticketAudits(t.id);
  const firings = audits[0].events.filter((e) => e.via?.channel === 'rule' && e.field_name === 'tags');
  assert.deepEqual(firings.map((e) => e.via.source.from.id), [x.id, y.id]);
  assert.deepEqual(t.tags, ['y']);
  assert.ok(!audits[0].events.some((e) => e.type === 'Error'));
  await srv.del(`/api/v2/triggers/destroy_many.json?ids=${x.id},${y.id}`);

  // 101 triggers that each add their own tag: the cycle stops at 100 firings.
  const ids = [];
  for (let i = 0; i < 101; i += 1) {
    ids.push((await createTrigger({
      title: tag(`chain ${i}`),
      conditions: { all: [cond('current_tags', 'not_includes', `chain_${i}`)] },
      actions: [act('current_tags', `chain_${i}`)],
    })).id);
  }
  await onlyActive(ids);
  const u = await newTicket();
  assert.equal(u.tags.filter((g) => g.startsWith('chain_')).length, 100);
  const ua = await ticketAudits(u.id);
  const note = ua[0].events.find((e) => e.type === 'Error');
  assert.ok(note, JSON.stringify(ua[0].events.slice(-2)));
  assert.match(note.message, /stopped after 100 firings/);
  assert.equal(note.via.channel, 'rule');
  for (const part of [ids.slice(0, 100), ids.slice(100)]) {
    const del = await srv.del(`/api/v2/triggers/destroy_many.json?ids=${part.join(',')}`);
    assert.equal(del.status, 204, del.text);
  }
});

test('notifications of firing triggers are recorded in the audit', async () => {
  const all = await srv.get('/api/v2/triggers.json?per_page=100');
  const received = all.json.triggers.find((t) => t.title === DEFAULT_TITLES[0]);
  await onlyActive([received.id]);
  const t = await newTicket();
  const audits = await ticketAudits(t.id);
  const n = audits[0].events.find((e) => e.type === 'Notification');
  assert.ok(n, JSON.stringify(audits[0].events));
  assert.equal(n.via.source.from.id, received.id);
  assert.equal(n.via.source.rel, 'trigger');
  assert.deepEqual(n.recipients, [t.requester_id]);
  assert.match(n.body, /has been received/);
});
