// SLA policies (reference §3.8) through node-zendesk's `policies` client and raw HTTP:
// CRUD, reorder, definitions, the 422s, who may do what, the `slas` side-load of
// tickets, views sorted and filtered on the next breach, and the ticket metric events
// export (§5).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { startServer, uniqueName, uniqueEmail, ISO_UTC, rejection } from './harness.mjs';

let srv;
let zd;
let agent; // {user, auth}

const metric = (priority, name, target, business_hours = false) => ({ priority, metric: name, target, business_hours });

function policyBody(tag, metrics, title = uniqueName('SLA')) {
  return {
    title,
    description: 'Support contract',
    filter: { all: [{ field: 'current_tags', operator: 'includes', value: tag }], any: [] },
    policy_metrics: metrics,
  };
}

async function createPolicy(body) {
  const r = await srv.post('/api/v2/slas/policies.json', { sla_policy: body });
  assert.equal(r.status, 201, r.text);
  return r.json.sla_policy;
}

// Filed for an end user (the admin's own tickets would make the admin the requester,
// whose comments are not replies).
async function ticket(attrs) {
  const r = await srv.post('/api/v2/tickets.json', {
    ticket: {
      subject: uniqueName('Subject'), comment: { body: 'Hello' },
      requester: { name: 'Customer', email: uniqueEmail('sla') }, ...attrs,
    },
  });
  assert.equal(r.status, 201, r.text);
  return r.json.ticket;
}

// node-zendesk's list() gives the body (its key list does not name sla_policies).
function policiesOf(listed) {
  const all = [];
  const walk = (v) => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') {
      if (Array.isArray(v.sla_policies)) all.push(...v.sla_policies);
      else if ('policy_metrics' in v && 'filter' in v) all.push(v);
    }
  };
  walk(listed);
  return all;
}

before(async () => {
  // Metric events export like every incremental export: no lag, no budget in tests.
  srv = await startServer({ env: { COMPTOIR_EXPORT_LAG_SECONDS: '0', COMPTOIR_EXPORT_RATE_LIMIT: '0' } });
  zd = srv.client({ throwOriginalException: true });
  agent = await srv.createUserWithPassword({ role: 'agent' });
});
after(() => srv?.stop());

test('CRUD, reorder and definitions with node-zendesk', async () => {
  const tag = `sla${Date.now()}`;
  const { result: created } = await zd.policies.create({
    sla_policy: policyBody(tag, [metric('urgent', 'first_reply_time', 30), metric('urgent', 'requester_wait_time', 240, true)], 'Gold'),
  });
  const gold = created.sla_policy ?? created;
  assert.equal(gold.title, 'Gold');
  assert.equal(gold.description, 'Support contract');
  assert.deepEqual(gold.filter, { all: [{ field: 'current_tags', operator: 'includes', value: tag }], any: [] });
  assert.deepEqual(gold.policy_metrics, [metric('urgent', 'first_reply_time', 30), metric('urgent', 'requester_wait_time', 240, true)]);
  assert.match(gold.created_at, ISO_UTC);
  assert.match(gold.url, new RegExp(`/api/v2/slas/policies/${gold.id}\\.json$`));

  const { result: shown } = await zd.policies.show(gold.id);
  assert.equal((shown.sla_policy ?? shown).id, gold.id);

  const silver = await createPolicy(policyBody(tag, [metric('high', 'next_reply_time', 60)], 'Silver'));
  assert.equal(silver.position, gold.position + 1, 'a new policy goes last');

  const listed = policiesOf(await zd.policies.list());
  assert.deepEqual(listed.filter((p) => [gold.id, silver.id].includes(p.id)).map((p) => p.title), ['Gold', 'Silver']);

  const { result: updated } = await zd.policies.update(gold.id, {
    sla_policy: { title: 'Gold plus', policy_metrics: [metric('urgent', 'first_reply_time', 15)] },
  });
  const up = updated.sla_policy ?? updated;
  assert.equal(up.title, 'Gold plus');
  assert.deepEqual(up.policy_metrics, [metric('urgent', 'first_reply_time', 15)]);
  assert.equal(up.filter.all[0].value, tag, 'the filter is kept when not given');

  await zd.policies.reorder([silver.id, gold.id]);
  const after = (await srv.get('/api/v2/slas/policies.json')).json.sla_policies;
  const order = after.filter((p) => [gold.id, silver.id].includes(p.id)).map((p) => p.id);
  assert.deepEqual(order, [silver.id, gold.id]);

  const { result: defs } = await zd.policies.getDefinitions();
  const d = defs.definitions ?? defs;
  assert.ok(Array.isArray(d.all) && d.all.length > 5, JSON.stringify(defs).slice(0, 200));
  assert.ok(d.all.some((c) => c.value === 'priority' || c.subject === 'priority'));

  await zd.policies.delete(silver.id);
  assert.equal((await srv.get(`/api/v2/slas/policies/${silver.id}.json`)).status, 404);
  await zd.policies.delete(gold.id);
});

test('422 for bad policies, naming the field; agents read, only admins write', async () => {
  const tag = 'x';
  const bad = [
    [{ ...policyBody(tag, [metric('high', 'first_reply_time', 0)]) }, 'policy_metrics', /at least 1 minute/],
    [{ ...policyBody(tag, [metric('high', 'first_reply_time', 0.5)]) }, 'policy_metrics', /whole minutes/],
    [{ ...policyBody(tag, [metric('high', 'pagerduty_time', 10)]) }, 'policy_metrics', /not an SLA metric/],
    [{ ...policyBody(tag, [metric('critical', 'first_reply_time', 10)]) }, 'policy_metrics', /priority/],
    [{ ...policyBody(tag, [metric('high', 'first_reply_time', 10), metric('high', 'first_reply_time', 20)]) }, 'policy_metrics', /twice/],
    [{ ...policyBody(tag, []), filter: { all: [{ field: 'colour', operator: 'is', value: 'red' }] } }, 'filter', /colour/],
    [{ ...policyBody(tag, []), filter: { all: [{ field: 'status', operator: 'includes', value: 'open' }] } }, 'filter', /operator/],
    [{ ...policyBody(tag, []), filter: 'status is open' }, 'filter', /./],
    [{ ...policyBody(tag, []), title: '' }, 'title', /blank/],
    [{ ...policyBody(tag, [{ priority: 'high', metric: 'first_reply_time', target: 'soon' }]) }, 'policy_metrics', /minutes/],
    [{ ...policyBody(tag, []), filter: undefined }, 'filter', /blank/],
  ];
  for (const [body, field, message] of bad) {
    const r = await srv.post('/api/v2/slas/policies.json', { sla_policy: body });
    assert.equal(r.status, 422, `${JSON.stringify(body)} → ${r.text}`);
    assert.equal(r.json.error, 'RecordInvalid');
    assert.ok(r.json.details?.[field], `${field} named in ${r.text}`);
    assert.match(JSON.stringify(r.json.details[field]), message);
  }
  assert.equal((await srv.post('/api/v2/slas/policies.json', { nope: {} })).status, 400);
  assert.equal((await srv.put('/api/v2/slas/policies/reorder.json', { sla_policy_ids: 'x' })).status, 400);
  assert.equal((await srv.get('/api/v2/slas/policies/999999999.json')).status, 404);

  const p = await createPolicy(policyBody(tag, [metric('low', 'agent_work_time', 600)]));
  const asAgent = { auth: agent.auth };
  assert.equal((await srv.get('/api/v2/slas/policies.json', asAgent)).status, 200);
  assert.equal((await srv.get(`/api/v2/slas/policies/${p.id}.json`, asAgent)).status, 200);
  assert.equal((await srv.get('/api/v2/slas/policies/definitions.json', asAgent)).status, 200);
  assert.equal((await srv.post('/api/v2/slas/policies.json', { sla_policy: policyBody(tag, []) }, asAgent)).status, 403);
  assert.equal((await srv.put(`/api/v2/slas/policies/${p.id}.json`, { sla_policy: { title: 'x' } }, asAgent)).status, 403);
  assert.equal((await srv.del(`/api/v2/slas/policies/${p.id}.json`, asAgent)).status, 403);
  const agentZd = srv.passwordClient(agent.auth.email, agent.auth.password, { throwOriginalException: true });
  const err = await rejection(() => agentZd.policies.delete(p.id));
  assert.ok(err, 'an agent cannot delete a policy');
  assert.equal((await srv.del(`/api/v2/slas/policies/${p.id}.json`)).status, 204);
});

test('include=slas: targets, breach_at and stage of each metric; a public agent reply achieves it', async () => {
  const tag = `slainc${Date.now()}`;
  await createPolicy(policyBody(tag, [metric('urgent', 'first_reply_time', 30), metric('urgent', 'agent_work_time', 1500)]));
  const t = await ticket({ priority: 'urgent', tags: [tag], status: 'open' });
  const created = Date.parse(t.created_at);
  let r = await srv.get(`/api/v2/tickets/${t.id}.json?include=slas`);
  assert.equal(r.status, 200, r.text);
  const metrics = r.json.ticket.slas.policy_metrics;
  const first = metrics.find((m) => m.metric === 'first_reply_time');
  assert.equal(first.stage, 'active');
  assert.match(first.breach_at, ISO_UTC);
  assert.equal(Date.parse(first.breach_at) - created, 30 * 60 * 1000);
  assert.deepEqual([first.days, first.hours, first.minutes], [0, 0, 30]);
  // Minutes left before the breach (a Comptoir extension): at most the target.
  assert.ok(first.remaining_minutes >= 28 && first.remaining_minutes <= 30, String(first.remaining_minutes));
  const work = metrics.find((m) => m.metric === 'agent_work_time');
  assert.deepEqual([work.days, work.hours, work.minutes], [1, 1, 0]);

  // Pending pauses agent work; the list side-load shows it too.
  const pend = await srv.put(`/api/v2/tickets/${t.id}.json`, { ticket: { status: 'pending' } });
  assert.equal(pend.status, 200, pend.text);
  r = await srv.get(`/api/v2/tickets.json?include=slas&per_page=100`);
  const listed = r.json.tickets.find((x) => x.id === t.id);
  const paused = listed.slas.policy_metrics.find((m) => m.metric === 'agent_work_time');
  assert.equal(paused.stage, 'paused');
  assert.equal(paused.breach_at, null);
  assert.equal(paused.remaining_minutes, null);

  const reply = await srv.put(`/api/v2/tickets/${t.id}.json`, {
    ticket: { status: 'open', comment: { body: 'We are on it', public: true } },
  });
  assert.equal(reply.status, 200, reply.text);
  r = await srv.get(`/api/v2/tickets/${t.id}.json?include=slas`);
  const done = r.json.ticket.slas.policy_metrics.find((m) => m.metric === 'first_reply_time');
  assert.equal(done.stage, 'achieved');
  assert.equal(done.breach_at, null);
  // Without the include there is no slas member.
  assert.equal((await srv.get(`/api/v2/tickets/${t.id}.json`)).json.ticket.slas, undefined);
});

test('views: the next-breach column, sort and conditions', async () => {
  const tag = `slaview${Date.now()}`;
  await createPolicy(policyBody(tag, [metric('urgent', 'first_reply_time', 10), metric('high', 'first_reply_time', 120)]));
  const none = await ticket({ priority: 'low', tags: [tag] });
  const high = await ticket({ priority: 'high', tags: [tag] });
  const urgent = await ticket({ priority: 'urgent', tags: [tag] });
  const v = await srv.post('/api/v2/views.json', {
    view: {
      title: uniqueName('By breach'),
      all: [{ field: 'status', operator: 'less_than', value: 'solved' }, { field: 'current_tags', operator: 'includes', value: tag }],
      output: { columns: ['nice_id', 'sla_next_breach_at', 'priority'], sort_by: 'sla_next_breach_at', sort_order: 'asc' },
    },
  });
  assert.equal(v.status, 201, v.text);
  const x = await srv.get(`/api/v2/views/${v.json.view.id}/execute.json`);
  assert.equal(x.status, 200, x.text);
  assert.deepEqual(x.json.rows.map((row) => row.ticket.id), [urgent.id, high.id, none.id]);
  assert.equal(x.json.columns.find((c) => c.id === 'sla_next_breach_at').title, 'Next SLA breach');
  assert.match(x.json.rows[0].sla_next_breach_at, ISO_UTC);
  assert.equal(x.json.rows[2].sla_next_breach_at, null);

  // Hours until the next breach: under 1 hour → the urgent ticket only.
  const soon = await srv.post('/api/v2/views/preview.json', {
    view: {
      all: [{ field: 'status', operator: 'less_than', value: 'solved' }, { field: 'current_tags', operator: 'includes', value: tag },
        { field: 'until_sla_next_breach_at', operator: 'less_than', value: '1' }],
      output: { columns: ['nice_id'] },
    },
  });
  assert.equal(soon.status, 200, soon.text);
  assert.deepEqual(soon.json.rows.map((row) => row.ticket.id), [urgent.id]);
  // Never breached: "hours since last breach" matches nothing.
  const since = await srv.post('/api/v2/views/preview.json', {
    view: {
      all: [{ field: 'status', operator: 'less_than', value: 'solved' }, { field: 'current_tags', operator: 'includes', value: tag },
        { field: 'sla_next_breach_at', operator: 'greater_than', value: '0' }],
      output: { columns: ['nice_id'] },
    },
  });
  assert.equal(since.status, 200, since.text);
  assert.deepEqual(since.json.rows, []);
  // A trigger may test it too.
  const trig = await srv.post('/api/v2/triggers.json', {
    trigger: {
      title: uniqueName('Near breach'),
      conditions: { all: [{ field: 'until_sla_next_breach_at', operator: 'less_than', value: '2' }, { field: 'current_tags', operator: 'includes', value: tag }] },
      actions: [{ field: 'current_tags', value: `${tag}_near` }],
    },
  });
  assert.equal(trig.status, 201, trig.text);
  const upd = await srv.put(`/api/v2/tickets/${urgent.id}.json`, { ticket: { comment: { body: 'note', public: false } } });
  assert.equal(upd.status, 200, upd.text);
  assert.ok(upd.json.ticket.tags.includes(`${tag}_near`), JSON.stringify(upd.json.ticket.tags));
  const sorted = await srv.get(`/api/v2/views/${v.json.view.id}/execute.json?sort_by=sla_next_breach_at&sort_order=desc`);
  assert.equal(sorted.status, 200, sorted.text);
  assert.equal(sorted.json.rows.length, 3);
});

test('incremental ticket_metric_events: pages by time, events in Zendesk shape, admins only', async () => {
  const since = Math.floor(Date.now() / 1000) - 1;
  const tag = `slaexp${Date.now()}`;
  const p = await createPolicy(policyBody(tag, [metric('high', 'first_reply_time', 45)]));
  const t = await ticket({ priority: 'high', tags: [tag] });
  await sleep(1100); // a request sees the seconds before its own
  const first = await srv.get(`/api/v2/incremental/ticket_metric_events.json?start_time=${since}`);
  assert.equal(first.status, 200, first.text);
  const mine = first.json.ticket_metric_events.filter((e) => e.ticket_id === t.id);
  const metrics = new Set(mine.filter((e) => e.type === 'activate').map((e) => e.metric));
  assert.deepEqual([...metrics].sort(), ['agent_work_time', 'pausable_update_time', 'periodic_update_time', 'reply_time', 'requester_wait_time', 'resolution_time']);
  const apply = mine.find((e) => e.type === 'apply_sla');
  assert.equal(apply.metric, 'reply_time');
  assert.equal(apply.instance_id, 1);
  assert.deepEqual(apply.sla, { target: 45, business_hours: false, policy: { id: p.id, title: p.title, description: 'Support contract' } });
  for (const e of mine) {
    assert.match(e.time, ISO_UTC);
    assert.equal(typeof e.id, 'number');
  }
  assert.equal(first.json.end_of_stream, true);
  assert.equal(first.json.count, first.json.ticket_metric_events.length);
  assert.match(first.json.next_page, /\/api\/v2\/incremental\/ticket_metric_events\.json\?start_time=\d+$/);
  assert.equal(typeof first.json.end_time, 'number');

  // Solving fulfils, with the measure in update_status.
  const solved = await srv.put(`/api/v2/tickets/${t.id}.json`, { ticket: { status: 'solved', comment: { body: 'Done', public: true } } });
  assert.equal(solved.status, 200, solved.text);
  // Page by 2 from the start: every event once, in time order, nothing lost.
  await sleep(1100);
  const seen = [];
  let start = 0;
  for (let i = 0; i < 500; i++) {
    const r = await srv.get(`/api/v2/incremental/ticket_metric_events.json?start_time=${start}&per_page=2`);
    assert.equal(r.status, 200, r.text);
    seen.push(...r.json.ticket_metric_events);
    if (r.json.end_of_stream) break;
    assert.ok(r.json.end_time > start || r.json.ticket_metric_events.length > 0);
    start = r.json.end_time;
  }
  const ids = seen.map((e) => e.id);
  assert.equal(new Set(ids).size, ids.length, 'no event twice');
  const all = (await srv.get('/api/v2/incremental/ticket_metric_events.json?start_time=0')).json.ticket_metric_events;
  assert.deepEqual(ids.sort((a, b) => a - b), all.map((e) => e.id).sort((a, b) => a - b));
  const status = all.find((e) => e.ticket_id === t.id && e.type === 'update_status' && e.metric === 'reply_time');
  assert.deepEqual(Object.keys(status.status).sort(), ['business', 'calendar']);
  assert.ok(all.some((e) => e.ticket_id === t.id && e.type === 'fulfill' && e.metric === 'resolution_time'));

  assert.equal((await srv.get('/api/v2/incremental/ticket_metric_events.json')).status, 400);
  assert.equal((await srv.get('/api/v2/incremental/ticket_metric_events.json?start_time=abc')).status, 400);
  assert.equal((await srv.get('/api/v2/incremental/ticket_metric_events.json?start_time=0', { auth: agent.auth })).status, 403);
});
