// Macros (reference §3.7): CRUD with node-zendesk, categories, search, update_many,
// destroy_many, 422 naming the action, who sees and changes which macro (shared, group,
// personal), and apply — on its own (only the changes) and on a ticket (the whole
// would-be ticket, placeholders rendered) — which never saves the ticket.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, uniqueName, ISO_UTC } from './harness.mjs';

let srv;
let zd;

before(async () => {
  srv = await startServer();
  zd = srv.client({ throwOriginalException: true });
});
after(() => srv?.stop());

const act = (field, value) => ({ field, value });

async function createMacro(attrs, auth) {
  const r = await srv.request('POST', '/api/v2/macros.json', { body: { macro: attrs }, auth });
  assert.equal(r.status, 201, r.text);
  return r.json.macro;
}

test('a new account has Zendesk-style default macros', async () => {
  const r = await srv.get('/api/v2/macros.json');
  assert.equal(r.status, 200, r.text);
  const titles = r.json.macros.map((m) => m.title);
  for (const t of ['Take it!', 'Customer not responding', 'Downgrade and inform']) {
    assert.ok(titles.includes(t), `missing default macro ${t}: ${titles}`);
  }
  const take = r.json.macros.find((m) => m.title === 'Take it!');
  assert.equal(take.default, true);
  assert.deepEqual(take.actions, [act('assignee_id', 'current_user')]);
});

test('create, show, update, search, categories, update_many and delete with node-zendesk', async () => {
  const title = `Billing::Refunds::${uniqueName('Refund')}`;
  const { response, result } = await zd.macros.create({
    macro: {
      title,
      description: 'Refund accepted',
      actions: [act('status', 'pending'), act('current_tags', 'refund'), act('comment_value', 'Refunded.')],
    },
  });
  assert.equal(response.status, 201);
  const macro = result.macro ?? result;
  assert.equal(macro.title, title);
  assert.equal(macro.active, true);
  assert.equal(macro.restriction, null);
  assert.match(macro.created_at, ISO_UTC);
  assert.equal(macro.url, `${srv.apiUrl}/macros/${macro.id}.json`);

  const shown = await zd.macros.show(macro.id);
  assert.equal((shown.result.macro ?? shown.result).id, macro.id);

  const upd = await zd.macros.update(macro.id, { macro: { title: `${title} v2`, active: false } });
  const updated = upd.result.macro ?? upd.result;
  assert.equal(updated.title, `${title} v2`);
  assert.equal(updated.active, false);
  assert.deepEqual(updated.actions, macro.actions, 'actions kept when not given');

  const active = await srv.get('/api/v2/macros/active.json');
  assert.ok(!active.json.macros.some((m) => m.id === macro.id), 'inactive macros are not active');
  const search = await srv.get(`/api/v2/macros/search.json?query=${encodeURIComponent('refunds::refund')}`);
  assert.equal(search.status, 200, search.text);
  assert.deepEqual(search.json.macros.map((m) => m.id), [macro.id]);

  const cats = await srv.get('/api/v2/macros/categories.json');
  assert.equal(cats.status, 200);
  assert.ok(cats.json.categories.includes('Billing'), cats.text);

  const many = await srv.put('/api/v2/macros/update_many.json', {
    macros: [{ id: macro.id, active: true, position: 0 }],
  });
  assert.equal(many.status, 200, many.text);
  assert.equal(many.json.macros[0].active, true);
  assert.equal(many.json.macros[0].position, 0);

  const byCategory = await srv.get('/api/v2/macros.json?category=Billing');
  assert.deepEqual(byCategory.json.macros.map((m) => m.id), [macro.id]);

  const del = await srv.del(`/api/v2/macros/${macro.id}.json`);
  assert.equal(del.status, 204);
  assert.equal((await srv.get(`/api/v2/macros/${macro.id}.json`)).status, 404);
});

test('destroy_many removes all or nothing', async () => {
  const a = await createMacro({ title: uniqueName('A'), actions: [act('priority', 'low')] });
  const b = await createMacro({ title: uniqueName('B'), actions: [act('priority', 'high')] });
  const bad = await srv.del(`/api/v2/macros/destroy_many.json?ids=${a.id},999999`);
  assert.equal(bad.status, 404, bad.text);
  assert.equal((await srv.get(`/api/v2/macros/${a.id}.json`)).status, 200, 'nothing removed');
  const ok = await srv.del(`/api/v2/macros/destroy_many.json?ids=${a.id},${b.id}`);
  assert.equal(ok.status, 204);
  assert.equal((await srv.get(`/api/v2/macros/${b.id}.json`)).status, 404);
});

test('bad macros are 422s naming the action', async () => {
  const cases = [
    [{ title: 'x', actions: [act('no_such_field', 'x')] }, /no_such_field/],
    [{ title: 'x', actions: [act('status', 'exploded')] }, /status/],
    [{ title: 'x', actions: [act('comment_value', 'Hello {{ ticket.title ')] }, /comment_value/],
    [{ title: '', actions: [act('status', 'open')] }, /Title/],
    [{ title: 'x', actions: [] }, /Actions/],
    [{ title: 'x', actions: [act('status', 'open')], restriction: { type: 'Planet', id: 1 } }, /Restriction/],
  ];
  for (const [body, re] of cases) {
    const r = await srv.post('/api/v2/macros.json', { macro: body });
    assert.equal(r.status, 422, `${JSON.stringify(body)} → ${r.status} ${r.text}`);
    assert.equal(r.json.error, 'RecordInvalid');
    assert.match(JSON.stringify(r.json), re);
  }
});

test('apply alone returns only the changes; apply on a ticket the would-be ticket, unsaved', async () => {
  const requester = await srv.createUser({ name: 'Jeanne Martin' });
  const t = await srv.post('/api/v2/tickets.json', {
    ticket: {
      subject: 'Carte refusée',
      comment: { body: 'Ma carte est refusée' },
      requester_id: requester.id,
      tags: ['vip'],
      priority: 'normal',
    },
  });
  assert.equal(t.status, 201, t.text);
  const ticket = t.json.ticket;
  const macro = await createMacro({
    title: uniqueName('Answer'),
    actions: [
      act('status', 'pending'),
      act('priority', 'high'),
      act('current_tags', 'card_issue'),
      act('comment_value', 'Bonjour {{ticket.requester.first_name}}, au sujet de « {{ticket.title}} » (#{{ticket.id}}).'),
      act('comment_mode_is_public', 'false'),
    ],
  });

  const alone = await zd.macros.apply(macro.id);
  const changes = alone.result.result?.ticket ?? alone.result.ticket;
  assert.equal(changes.status, 'pending');
  assert.equal(changes.priority, 'high');
  assert.deepEqual(changes.tags, ['card_issue']);
  assert.equal(changes.comment.public, false);
  assert.match(changes.comment.body, /\{\{ticket\.title\}\}/, 'no ticket: placeholders left as written');
  assert.ok(!('subject' in changes), 'only what the macro changes');

  const applied = await zd.macros.applyTicket(ticket.id, macro.id);
  const would = applied.result.result?.ticket ?? applied.result.ticket;
  assert.equal(would.id, ticket.id);
  assert.equal(would.subject, 'Carte refusée');
  assert.equal(would.status, 'pending');
  assert.equal(would.priority, 'high');
  assert.deepEqual([...would.tags].sort(), ['card_issue', 'vip']);
  assert.equal(would.comment.body, `Bonjour Jeanne, au sujet de « Carte refusée » (#${ticket.id}).`);
  assert.equal(would.comment.public, false);
  assert.deepEqual(would.comment.scoped_body, [['channel:all', would.comment.body]]);

  // Nothing was saved; the use was counted.
  const after = (await srv.get(`/api/v2/tickets/${ticket.id}.json`)).json.ticket;
  assert.equal(after.status, ticket.status);
  assert.equal(after.priority, 'normal');
  assert.deepEqual(after.tags, ['vip']);
  const counted = (await srv.get(`/api/v2/macros/${macro.id}.json`)).json.macro;
  assert.equal(counted.usage_count, 1);

  // The client saves what it got back: an ordinary update.
  const saved = await srv.put(`/api/v2/tickets/${ticket.id}.json`, {
    ticket: { status: would.status, priority: would.priority, tags: would.tags, comment: { body: would.comment.body, public: would.comment.public } },
  });
  assert.equal(saved.status, 200, saved.text);
  assert.equal(saved.json.ticket.status, 'pending');

  assert.equal((await srv.get(`/api/v2/tickets/999999/macros/${macro.id}/apply.json`)).status, 404);
});

test('shared, group and personal macros: who sees and who changes them', async () => {
  const g1 = (await srv.post('/api/v2/groups.json', { group: { name: uniqueName('Billing') } })).json.group;
  const member = await srv.createUserWithPassword({ role: 'agent' });
  const outsider = await srv.createUserWithPassword({ role: 'agent' });
  const gm = await srv.post('/api/v2/group_memberships.json', {
    group_membership: { user_id: member.user.id, group_id: g1.id },
  });
  assert.equal(gm.status, 201, gm.text);

  const shared = await createMacro({ title: uniqueName('Shared'), actions: [act('priority', 'low')] });
  const grouped = await createMacro({
    title: uniqueName('Group'),
    actions: [act('priority', 'low')],
    restriction: { type: 'Group', ids: [g1.id] },
  });
  assert.equal(grouped.restriction.type, 'Group');
  assert.deepEqual(grouped.restriction.ids, [g1.id]);

  // An agent's new macro is personal.
  const mine = await createMacro({ title: uniqueName('Mine'), actions: [act('priority', 'high')] }, member.auth);
  assert.deepEqual(mine.restriction, { type: 'User', id: member.user.id });

  const seen = async (who) =>
    (await srv.request('GET', '/api/v2/macros.json?per_page=100', { auth: who.auth })).json.macros.map((m) => m.id);
  const memberSees = await seen(member);
  assert.ok(memberSees.includes(shared.id) && memberSees.includes(grouped.id) && memberSees.includes(mine.id));
  const outsiderSees = await seen(outsider);
  assert.ok(outsiderSees.includes(shared.id));
  assert.ok(!outsiderSees.includes(grouped.id), 'group macros are for the group');
  assert.ok(!outsiderSees.includes(mine.id), 'personal macros are personal');
  assert.equal((await srv.request('GET', `/api/v2/macros/${mine.id}.json`, { auth: outsider.auth })).status, 404);

  const personal = await srv.request('GET', '/api/v2/macros.json?access=personal', { auth: member.auth });
  assert.deepEqual(personal.json.macros.map((m) => m.id), [mine.id]);

  // Agents change their own macros only.
  const edit = await srv.request('PUT', `/api/v2/macros/${mine.id}.json`, {
    auth: member.auth,
    body: { macro: { title: 'Mine, renamed' } },
  });
  assert.equal(edit.status, 200, edit.text);
  const forbidden = await srv.request('PUT', `/api/v2/macros/${shared.id}.json`, {
    auth: member.auth,
    body: { macro: { title: 'Hijacked' } },
  });
  assert.equal(forbidden.status, 403, forbidden.text);
  const sharedByAgent = await srv.request('POST', '/api/v2/macros.json', {
    auth: member.auth,
    body: { macro: { title: 'Shared by an agent', actions: [act('priority', 'low')], restriction: { type: 'Group', ids: [g1.id] } } },
  });
  assert.equal(sharedByAgent.status, 403, sharedByAgent.text);

  const endUser = await srv.createUserWithPassword({ role: 'end-user' });
  assert.equal((await srv.request('GET', '/api/v2/macros.json', { auth: endUser.auth })).status, 403);
});

test('definitions list the actions a macro may use', async () => {
  const r = await srv.get('/api/v2/macros/definitions.json');
  assert.equal(r.status, 200, r.text);
  const fields = r.json.definitions.actions.map((a) => a.subject);
  for (const f of ['status', 'priority', 'comment_value', 'comment_mode_is_public', 'set_tags']) {
    assert.ok(fields.includes(f), `missing ${f}: ${fields}`);
  }
  const actions = await srv.get('/api/v2/macros/actions.json');
  assert.equal(actions.status, 200);
  assert.equal(actions.json.actions.length, r.json.definitions.actions.length);
});
