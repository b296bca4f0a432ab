// Views (reference §3.6): CRUD, visibility of shared / group / personal views, execute
// with columns, sort and group, tickets, counts, previews, reorder, 422s.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, uniqueName, ISO_UTC, rejection } from './harness.mjs';

let srv;
let zd;
let agent; // {user, auth}
let other; // {user, auth}: another agent
let group;

const unsolved = [{ field: 'status', operator: 'less_than', value: 'solved' }];

async function ticket(attrs) {
  const r = await srv.post('/api/v2/tickets.json', {
    ticket: { subject: uniqueName('Subject'), comment: { body: 'Hello' }, ...attrs },
  });
  assert.equal(r.status, 201, r.text);
  return r.json.ticket;
}

async function createView(view, auth) {
  const r = await srv.post('/api/v2/views.json', { view }, auth ? { auth } : {});
  assert.equal(r.status, 201, r.text);
  return r.json.view;
}

before(async () => {
  srv = await startServer();
  zd = srv.client({ throwOriginalException: true });
  group = (await srv.post('/api/v2/groups.json', { group: { name: uniqueName('Tier') } })).json.group;
  agent = await srv.createUserWithPassword({ role: 'agent' });
  other = await srv.createUserWithPassword({ role: 'agent' });
  const m = await srv.post('/api/v2/group_memberships.json', {
    group_membership: { user_id: agent.user.id, group_id: group.id },
  });
  assert.equal(m.status, 201, m.text);
});
after(() => srv?.stop());

test('a new account has the default views', async () => {
  const views = await zd.views.list();
  const titles = views.map((v) => v.title);
  for (const t of ['Your unsolved tickets', 'Unassigned tickets', 'All unsolved tickets',
    'Recently updated tickets', 'Pending tickets', 'Recently solved tickets']) {
    assert.ok(titles.includes(t), `${t} in ${titles}`);
  }
  const v = views.find((x) => x.title === 'Your unsolved tickets');
  assert.equal(v.default, true);
  assert.equal(v.restriction, null);
  assert.deepEqual(v.conditions.all.map((c) => c.field), ['status', 'assignee_id']);
  assert.ok(Array.isArray(v.execution.columns));
  assert.match(v.created_at, ISO_UTC);
});

test('create, show, update and delete a view through node-zendesk', async () => {
  const title = uniqueName('Urgent');
  const { response, result: v } = await zd.views.create({
    view: {
      title,
      all: [...unsolved, { field: 'priority', operator: 'is', value: 'urgent' }],
      any: [],
      output: { columns: ['status', 'requester', 'assignee'], sort_by: 'updated', sort_order: 'asc' },
    },
  });
  assert.equal(response.status, 201);
  assert.equal(v.title, title);
  assert.equal(v.active, true);
  assert.deepEqual(v.conditions.all[1], { field: 'priority', operator: 'is', value: 'urgent' });
  assert.deepEqual(v.execution.columns.map((c) => c.id), ['status', 'requester', 'assignee']);
  assert.equal(v.execution.sort_by, 'updated');
  assert.equal(v.execution.sort_order, 'asc');

  const { result: shown } = await zd.views.show(v.id);
  assert.equal(shown.id, v.id);
  const { result: upd } = await zd.views.update(v.id, { view: { title: `${title} 2`, active: false } });
  assert.equal(upd.title, `${title} 2`);
  assert.equal(upd.active, false);
  const active = await zd.views.listActive();
  assert.ok(!active.some((x) => x.id === v.id), 'inactive views are not in /views/active');
  const compact = await zd.views.listCompact();
  assert.ok(compact.length <= 32);

  const search = await srv.get(`/api/v2/views/search.json?query=${encodeURIComponent(title)}`);
  assert.equal(search.status, 200);
  assert.deepEqual(search.json.views.map((x) => x.id), [v.id]);
  const many = await srv.get(`/api/v2/views/show_many.json?ids=${v.id}`);
  assert.deepEqual(many.json.views.map((x) => x.id), [v.id]);

  // node-zendesk 6.0.1's views.delete calls itself; the raw DELETE instead.
  assert.equal((await srv.del(`/api/v2/views/${v.id}.json`)).status, 204);
  const gone = await srv.get(`/api/v2/views/${v.id}.json`);
  assert.equal(gone.status, 404);
  assert.equal(gone.json.error, 'RecordNotFound');
});

test('422 naming the problem: no status/type/group/assignee/requester condition, unknown field, bad value', async () => {
  const noKey = await srv.post('/api/v2/views.json', {
    view: { title: 'x', all: [{ field: 'priority', operator: 'is', value: 'high' }] },
  });
  assert.equal(noKey.status, 422, noKey.text);
  assert.equal(noKey.json.error, 'RecordInvalid');
  assert.match(JSON.stringify(noKey.json.details), /status, type, group, assignee or requester/);

  const unknown = await srv.post('/api/v2/views.json', {
    view: { title: 'x', all: [...unsolved, { field: 'no_such_field', operator: 'is', value: '1' }] },
  });
  assert.equal(unknown.status, 422, unknown.text);
  assert.match(JSON.stringify(unknown.json.details), /conditions\.all\[1\]: .*no_such_field/);

  const badOp = await srv.post('/api/v2/views.json', {
    view: { title: 'x', all: [{ field: 'status', operator: 'includes', value: 'open' }] },
  });
  assert.equal(badOp.status, 422);
  assert.match(JSON.stringify(badOp.json.details), /status does not take the operator includes/);

  const badValue = await srv.post('/api/v2/views.json', {
    view: { title: 'x', all: [{ field: 'status', operator: 'is', value: 'sleeping' }] },
  });
  assert.equal(badValue.status, 422);

  const noTitle = await srv.post('/api/v2/views.json', { view: { all: unsolved } });
  assert.equal(noTitle.status, 422);
  assert.ok(noTitle.json.details.title);

  const badSort = await srv.post('/api/v2/views.json', {
    view: { title: 'x', all: unsolved, output: { sort_by: 'description' } },
  });
  assert.equal(badSort.status, 422, badSort.text);

  const notJson = await srv.post('/api/v2/views.json', { view: { title: 'x', all: 'status' } });
  assert.equal(notJson.status, 422);
});

test('execute: rows with the columns, sort and group; tickets; sideloads', async () => {
  const tag = `vx${Date.now()}`;
  const low = await ticket({ priority: 'low', tags: [tag], assignee_id: agent.user.id });
  const high = await ticket({ priority: 'high', tags: [tag], group_id: group.id });
  const urgent = await ticket({ priority: 'urgent', tags: [tag], status: 'pending', assignee_id: agent.user.id });
  await ticket({ priority: 'urgent', tags: ['other'] });
  const v = await createView({
    title: uniqueName('Tagged'),
    all: [...unsolved, { field: 'current_tags', operator: 'includes', value: tag }],
    output: { columns: ['nice_id', 'description', 'priority', 'requester', 'assignee'], sort_by: 'priority', sort_order: 'desc' },
  });
  const x = await srv.get(`/api/v2/views/${v.id}/execute.json`);
  assert.equal(x.status, 200, x.text);
  assert.deepEqual(x.json.rows.map((r) => r.ticket.id), [urgent.id, high.id, low.id]);
  assert.deepEqual(x.json.columns.map((c) => c.id), ['nice_id', 'description', 'priority', 'requester', 'assignee']);
  const row = x.json.rows[0];
  assert.equal(row.priority, 'urgent');
  assert.equal(row.subject, urgent.subject);
  assert.equal(row.assignee_id, agent.user.id);
  assert.equal(row.nice_id, urgent.id);
  assert.equal(x.json.count, 3);
  assert.ok(x.json.users.some((u) => u.id === agent.user.id), 'assignees are sideloaded');
  assert.ok(x.json.groups.some((g) => g.id === group.id), 'groups are sideloaded');
  assert.equal(x.json.view.id, v.id);

  // sort_by / sort_order override the view's output.
  const asc = await srv.get(`/api/v2/views/${v.id}/execute.json?sort_by=priority&sort_order=asc`);
  assert.deepEqual(asc.json.rows.map((r) => r.ticket.id), [low.id, high.id, urgent.id]);
  // node-zendesk execute follows the pages.
  const viaClient = await zd.views.execute(v.id, { sort_by: 'nice_id', sort_order: 'asc' });
  assert.ok(Array.isArray(viaClient));

  // Paging.
  const p1 = await srv.get(`/api/v2/views/${v.id}/execute.json?per_page=2&sort_by=nice_id&sort_order=asc`);
  assert.deepEqual(p1.json.rows.map((r) => r.ticket.id), [low.id, high.id]);
  assert.ok(p1.json.next_page);
  const p2 = await srv.get(`/api/v2/views/${v.id}/execute.json?per_page=2&page=2&sort_by=nice_id&sort_order=asc`);
  assert.deepEqual(p2.json.rows.map((r) => r.ticket.id), [urgent.id]);

  // Grouped by status: pending before open when grouped descending.
  const grouped = await createView({
    title: uniqueName('Grouped'),
    all: [...unsolved, { field: 'current_tags', operator: 'includes', value: tag }],
    output: { columns: ['status'], group_by: 'status', group_order: 'desc', sort_by: 'nice_id', sort_order: 'asc' },
  });
  const g = await srv.get(`/api/v2/views/${grouped.id}/execute.json`);
  assert.deepEqual(g.json.rows.map((r) => r.ticket.id), [urgent.id, low.id, high.id]);
  assert.equal(g.json.view.execution.group_by, 'status');

  const t = await srv.get(`/api/v2/views/${v.id}/tickets.json`);
  assert.equal(t.status, 200);
  assert.equal(t.json.tickets.length, 3);
  assert.equal(t.json.tickets[0].id, urgent.id);
  assert.ok(t.json.tickets[0].description !== undefined);

  const bad = await srv.get(`/api/v2/views/${v.id}/execute.json?sort_by=nonsense`);
  assert.equal(bad.status, 400, bad.text);
});

test('conditions: current_user, current_groups, none, tags not_includes, time since', async () => {
  const tag = `cu${Date.now()}`;
  const mine = await ticket({ tags: [tag], assignee_id: agent.user.id });
  const inGroup = await ticket({ tags: [tag], group_id: group.id });
  const unassigned = await ticket({ tags: [tag, 'skipme'] });
  const base = [...unsolved, { field: 'current_tags', operator: 'includes', value: tag }];
  const ids = async (all, auth) => {
    const v = await createView({ title: uniqueName('C'), all: [...base, ...all] });
    const x = await srv.get(`/api/v2/views/${v.id}/execute.json?sort_by=nice_id&sort_order=asc`, auth ? { auth } : {});
    assert.equal(x.status, 200, x.text);
    return x.json.rows.map((r) => r.ticket.id);
  };
  assert.deepEqual(await ids([{ field: 'assignee_id', operator: 'is', value: 'current_user' }], agent.auth), [mine.id]);
  // `mine` got the agent's default group with the agent.
  assert.deepEqual(await ids([{ field: 'group_id', operator: 'is', value: 'current_groups' }], agent.auth), [mine.id, inGroup.id]);
  assert.deepEqual(await ids([{ field: 'group_id', operator: 'is', value: 'current_groups' }], other.auth), []);
  assert.deepEqual(await ids([{ field: 'current_tags', operator: 'not_includes', value: 'skipme' }]), [mine.id, inGroup.id]);
  assert.deepEqual(await ids([{ field: 'updated_at', operator: 'less_than', value: '1' }]), [mine.id, inGroup.id, unassigned.id]);
  assert.deepEqual(await ids([{ field: 'updated_at', operator: 'greater_than', value: '1' }]), []);
  assert.deepEqual(await ids([{ field: 'NEW', operator: 'less_than', value: '2' }]), [mine.id, inGroup.id, unassigned.id]);
  assert.deepEqual(await ids([{ field: 'OPEN', operator: 'less_than', value: '2' }]), [mine.id]);
  assert.deepEqual(await ids([{ field: 'OPEN', operator: 'greater_than', value: '0' }]), []);
  assert.deepEqual(await ids([{ field: 'via_id', operator: 'is', value: 5 }]), [mine.id, inGroup.id, unassigned.id]);
  assert.deepEqual(await ids([{ field: 'via_id', operator: 'is', value: '4' }]), []);
});

test('counts: one view, count_many (cached, fresh after a ticket change), preview count', async () => {
  const tag = `cn${Date.now()}`;
  await ticket({ tags: [tag] });
  const v1 = await createView({ title: uniqueName('N1'), all: [...unsolved, { field: 'current_tags', operator: 'includes', value: tag }] });
  const v2 = await createView({ title: uniqueName('N2'), all: [{ field: 'status', operator: 'is', value: 'solved' }, { field: 'current_tags', operator: 'includes', value: tag }] });
  const { result: { view_count: one } } = await zd.views.showCount(v1.id);
  assert.equal(one.view_id, v1.id);
  assert.equal(one.value, 1);
  assert.equal(one.fresh, true);
  assert.equal(one.pretty, '1');

  await ticket({ tags: [tag] });
  const { result: { view_counts: many } } = await zd.views.showCounts([v1.id, v2.id]);
  assert.deepEqual(many.map((c) => [c.view_id, c.value]), [[v1.id, 2], [v2.id, 0]]);

  const tooMany = await srv.get(`/api/v2/views/count_many.json?ids=${Array.from({ length: 21 }, (_, i) => i + 1).join(',')}`);
  assert.equal(tooMany.status, 400);

  const pc = await srv.post('/api/v2/views/preview/count.json', {
    view: { all: [...unsolved, { field: 'current_tags', operator: 'includes', value: tag }] },
  });
  assert.equal(pc.status, 200, pc.text);
  assert.equal(pc.json.view_count.value, 2);
  const pv = await srv.post('/api/v2/views/preview.json', {
    view: { all: [...unsolved, { field: 'current_tags', operator: 'includes', value: tag }], output: { columns: ['status'] } },
  });
  assert.equal(pv.status, 200, pv.text);
  assert.equal(pv.json.rows.length, 2);
  assert.equal(pv.json.rows[0].status, 'new');

  const ex = await srv.get(`/api/v2/views/${v1.id}/export.json`);
  assert.equal(ex.status, 200);
  assert.equal(ex.json.export.view_id, v1.id);
});

test('visibility: personal views are their user’s, group views their members’; agents manage only their own', async () => {
  const personal = await createView({ title: uniqueName('Mine'), all: unsolved }, agent.auth);
  assert.equal(personal.restriction.type, 'User');
  assert.equal(personal.restriction.id, agent.user.id);

  const seen = await srv.get(`/api/v2/views/${personal.id}.json`, { auth: other.auth });
  assert.equal(seen.status, 404, 'another agent does not see a personal view');
  const exec = await srv.get(`/api/v2/views/${personal.id}/execute.json`, { auth: other.auth });
  assert.equal(exec.status, 404);
  const otherList = await srv.get('/api/v2/views.json', { auth: other.auth });
  assert.ok(!otherList.json.views.some((v) => v.id === personal.id));
  const mineList = await srv.get('/api/v2/views.json?access=personal', { auth: agent.auth });
  assert.deepEqual(mineList.json.views.map((v) => v.id), [personal.id]);
  const upd = await srv.put(`/api/v2/views/${personal.id}.json`, { view: { title: 'renamed' } }, { auth: agent.auth });
  assert.equal(upd.status, 200, upd.text);

  const groupView = await createView({ title: uniqueName('Tier view'), all: unsolved, restriction: { type: 'Group', ids: [group.id] } });
  assert.equal(groupView.restriction.type, 'Group');
  assert.deepEqual(groupView.restriction.ids, [group.id]);
  assert.equal((await srv.get(`/api/v2/views/${groupView.id}.json`, { auth: agent.auth })).status, 200);
  assert.equal((await srv.get(`/api/v2/views/${groupView.id}.json`, { auth: other.auth })).status, 404);
  // Members may use a group view, not change it.
  const change = await srv.put(`/api/v2/views/${groupView.id}.json`, { view: { title: 'x' } }, { auth: agent.auth });
  assert.equal(change.status, 403);
  // Agents may not make shared views.
  const shared = await srv.post('/api/v2/views.json', { view: { title: 'shared', all: unsolved, restriction: null } }, { auth: agent.auth });
  assert.equal(shared.status, 403, shared.text);

  const endUser = await srv.createUserWithPassword({ role: 'end-user' });
  assert.equal((await srv.get('/api/v2/views.json', { auth: endUser.auth })).status, 403);

  const badGroup = await srv.post('/api/v2/views.json', { view: { title: 'x', all: unsolved, restriction: { type: 'Group', ids: [999999] } } });
  assert.equal(badGroup.status, 422);
});

test('reorder (node-zendesk) and update_many set positions; destroy_many', async () => {
  const a = await createView({ title: uniqueName('A'), all: unsolved });
  const b = await createView({ title: uniqueName('B'), all: unsolved });
  await zd.views.reorder([b.id, a.id]);
  const after = await zd.views.list();
  const pos = (id) => after.find((v) => v.id === id).position;
  assert.ok(pos(b.id) < pos(a.id), 'b comes first');
  const r = await srv.put('/api/v2/views/reorder.json', { view_ids: [a.id, b.id] });
  assert.equal(r.status, 200, r.text);
  const um = await srv.put('/api/v2/views/update_many.json', { views: [{ id: a.id, position: 40, active: false }] });
  assert.equal(um.status, 200, um.text);
  assert.equal(um.json.views[0].position, 40);
  assert.equal(um.json.views[0].active, false);
  const del = await srv.del(`/api/v2/views/destroy_many.json?ids=${a.id},${b.id}`);
  assert.equal(del.status, 204);
  assert.equal((await srv.get(`/api/v2/views/${a.id}.json`)).status, 404);
  const err = await rejection(() => zd.views.show(a.id));
  assert.ok(err);
});

test('definitions: the conditions a view may test (with the account\'s groups) and its columns', async () => {
  const r = await srv.get('/api/v2/views/definitions.json', { auth: agent.auth });
  assert.equal(r.status, 200, r.text);
  const d = r.json.definitions;
  for (const k of ['actions', 'conditions_all', 'conditions_any', 'columns']) assert.ok(Array.isArray(d[k]), k);
  assert.deepEqual(d.actions, []);
  const status = d.conditions_all.find((x) => x.subject === 'status');
  assert.ok(status.operators.some((o) => o.value === 'less_than'), JSON.stringify(status));
  assert.ok(status.values.some((v) => v.value === 'pending'));
  const groupId = d.conditions_all.find((x) => x.subject === 'group_id');
  assert.ok(groupId.values.some((v) => String(v.value) === String(group.id)), JSON.stringify(groupId.values));
  // Trigger-only conditions are not offered.
  assert.ok(!d.conditions_all.some((x) => x.subject === 'update_type'));
  const cols = Object.fromEntries(d.columns.map((c) => [c.id, c]));
  assert.equal(cols.status.sortable, true);
  assert.equal(cols.description.sortable, false);
  assert.equal(cols.nice_id.title, 'ID');
  // The columns it lists are accepted by a view's output.
  const v = await createView({
    title: uniqueName('Cols'),
    all: unsolved,
    output: { columns: ['nice_id', 'description', 'priority'], sort_by: 'priority', sort_order: 'desc' },
  });
  assert.deepEqual(v.execution.columns.map((c) => c.id), ['nice_id', 'description', 'priority']);
  // End users may not read them.
  const endUser = await srv.createUserWithPassword({ role: 'end-user' });
  const denied = await srv.get('/api/v2/views/definitions.json', { auth: endUser.auth });
  assert.equal(denied.status, 403, denied.text);
});
