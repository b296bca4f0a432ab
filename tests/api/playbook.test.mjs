// The disruption playbook (docs/playbook.md) end to end: the calls the page shows, on
// one server with a real SMTP server and a real HTTP receiver, each rule firing once —
// the notice in the auto-reply, the reminder after N days, the views, the macro, the
// webhook, the broadcast — and nothing lost when the server is killed right after a 2xx
// while the SMTP server is down.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { startServer, uniqueEmail, uniqueName } from './harness.mjs';
import { startSmtpSink, startHttpReceiver, waitFor } from './receivers.mjs';

const SUPPORT = 'support@playbook.test';
const NOTICE = 'Because of the current disruption, answers will take longer than usual.';
const REMINDER_DAYS = 3;
// The sweep runs every second; a job a killed node held is taken over after 3 s.
const ENV = { COMPTOIR_AUTOMATION_SECONDS: '1', COMPTOIR_JOB_LEASE_SECONDS: '3' };

let srv;
let crashed; // the first server once killed (its data dir is removed at the end)
let zd;
let smtp;
let hook;
let smtpPort;
const state = {}; // what the rules set up, for the restart test

const daysAgo = (d) => new Date(Date.now() - d * 86400_000).toISOString().replace(/\.\d+Z$/, 'Z');
const mailsTo = (sink, email) => sink.messages.filter((m) => m.to.includes(email));

before(async () => {
  smtp = await startSmtpSink();
  smtpPort = smtp.port;
  hook = await startHttpReceiver();
  srv = await startServer({ env: ENV });
  zd = srv.client({ throwOriginalException: true });
  const r = await srv.put('/api/v2/comptoir/email_settings.json', {
    email_settings: { smtp_host: '127.0.0.1', smtp_port: smtpPort, security: 'none', support_address: SUPPORT, from_name: 'Support' },
  });
  assert.equal(r.status, 200, r.text);
});

after(async () => {
  await srv?.stop();
  await crashed?.stop();
  await smtp?.close();
  await hook?.close();
});

test('1. a disruption notice in the auto-reply: one confirmation e-mail that carries it', async () => {
  const [received] = (await zd.triggers.search('Notify requester and CCs of received request')).result;
  assert.ok(received, 'the default trigger exists');
  assert.equal(received.title, 'Notify requester and CCs of received request');
  const saved = received.actions;
  const [notify] = saved.filter((a) => a.field === 'notification_user');
  const [to, subject, body] = notify.value;
  const { result: edited } = await zd.triggers.update(received.id, { trigger: { actions: [
    { field: 'notification_user', value: [to, subject, `${NOTICE}\n\n${body}`] },
  ] } });
  assert.ok(edited.actions[0].value[2].startsWith(NOTICE));
  state.received = { id: received.id, saved };

  const requester = await srv.createUser({ name: 'Léa Dupont', email: uniqueEmail('lea') });
  const { result: ticket } = await zd.tickets.create({
    ticket: { subject: 'Commande bloquée', comment: { body: 'Ma commande ne part pas' }, requester_id: requester.id },
  });
  const msg = await smtp.waitFor(requester.email);
  assert.ok(msg.mail.text.startsWith(NOTICE), msg.mail.text);
  assert.match(msg.mail.text, new RegExp(`Your request \\(${ticket.id}\\) has been received`));
  assert.match(msg.mail.subject, /^\[.*\] Re: Commande bloquée$/);
  await sleep(1000);
  assert.equal(mailsTo(smtp, requester.email).length, 1, 'exactly one auto-reply');

  // Undo and redo: the saved actions come back as they were.
  const { result: undone } = await zd.triggers.update(received.id, { trigger: { actions: saved } });
  assert.deepEqual(undone.actions, saved);
  await zd.triggers.update(received.id, { trigger: { actions: [
    { field: 'notification_user', value: [to, subject, `${NOTICE}\n\n${body}`] },
  ] } });
});

const reminderAutomation = () => ({
  title: uniqueName('Disruption: remind requesters'),
  conditions: {
    all: [
      { field: 'status', operator: 'is', value: 'pending' },
      { field: 'PENDING', operator: 'greater_than', value: String(REMINDER_DAYS * 24) },
      { field: 'requester_updated_at', operator: 'greater_than', value: String(REMINDER_DAYS * 24) },
      { field: 'current_tags', operator: 'not_includes', value: 'disruption_reminded' },
    ],
    any: [],
  },
  actions: [
    { field: 'notification_user', value: ['requester_id', 'Still waiting on {{ticket.title}}?',
      'Support is slowed down by the current disruption. We are still waiting for your answer on request {{ticket.id}}.'] },
    { field: 'current_tags', value: 'disruption_reminded' },
  ],
});

async function importPending(requester, agent, days) {
  const { response, result } = await zd.ticketimport.import({
    ticket: {
      subject: uniqueName('Waiting'), requester_id: requester.id, assignee_id: agent.id, status: 'pending',
      created_at: daysAgo(days + 1), updated_at: daysAgo(days),
      comments: [
        { author_id: requester.id, value: 'My parcel is late', created_at: daysAgo(days + 1) },
        { author_id: agent.id, value: 'Can you send the tracking number?', created_at: daysAgo(days) },
      ],
    },
  });
  assert.equal(response.status, 201);
  return result.ticket;
}

test('2. a reminder after N days without a reply: one e-mail, and no second one on later sweeps', async () => {
  const agent = await srv.createUser({ role: 'agent' });
  const requester = await srv.createUser({ name: 'Paul Martin', email: uniqueEmail('paul') });
  const fresh = await srv.createUser({ name: 'Fresh Requester', email: uniqueEmail('fresh') });
  const { result: reminder } = await zd.automations.create({ automation: reminderAutomation() });
  assert.equal(reminder.active, true);
  state.reminder = reminder;

  const waiting = await importPending(requester, agent, REMINDER_DAYS + 1);
  const recent = await importPending(fresh, agent, REMINDER_DAYS - 1);

  // The rule fires: the tag is on the ticket, the audit names the automation and carries
  // the notification; more sweeps do not fire it again; the fresh ticket is not due.
  await waitFor(async () => (await zd.tickets.show(waiting.id)).result.tags.includes('disruption_reminded'),
    { timeoutMs: 15_000, stepMs: 200, what: 'the reminder automation to fire' });
  await sleep(3000); // three more sweeps
  const audits = (await srv.get(`/api/v2/tickets/${waiting.id}/audits.json`)).json.audits;
  const fired = audits.filter((a) => a.via.channel === 'rule' && a.via.source?.from?.id === reminder.id);
  assert.equal(fired.length, 1);
  const note = fired[0].events.find((e) => e.type === 'Notification');
  assert.ok(note, JSON.stringify(fired[0].events));
  assert.deepEqual(note.recipients, [requester.id]);
  const firings = await srv.get(`/api/v2/automations/${reminder.id}/firings.json`);
  assert.equal(firings.json.count.value, 1);
  assert.ok(!(await zd.tickets.show(recent.id)).result.tags.includes('disruption_reminded'), 'not yet due');
  const { result: off } = await zd.automations.update(reminder.id, { automation: { active: false } }); // the undo
  assert.equal(off.active, false);

  // …and the requester gets the reminder e-mail, once.
  const msg = await waitFor(
    () => mailsTo(smtp, requester.email).find((m) => m.mail.subject.startsWith('Still waiting on')),
    { timeoutMs: 5_000, what: 'the reminder e-mail (the firing above was recorded)' });
  assert.equal(msg.mail.subject, `Still waiting on ${waiting.subject}?`);
  assert.match(msg.mail.text, new RegExp(`waiting for your answer on request ${waiting.id}\\.`));
  const reminders = mailsTo(smtp, requester.email).filter((m) => m.mail.subject.startsWith('Still waiting on'));
  assert.equal(reminders.length, 1, 'one reminder, not one per sweep');
  assert.equal(mailsTo(smtp, fresh.email).filter((m) => m.mail.subject.startsWith('Still waiting on')).length, 0);
});

test('2b. importing the past tickets sends no auto-reply (business rules do not run on imports)', async () => {
  const agent = await srv.createUser({ role: 'agent' });
  const requester = await srv.createUser({ email: uniqueEmail('imported') });
  const t = await importPending(requester, agent, 1);
  await sleep(1500);
  const got = mailsTo(smtp, requester.email);
  assert.equal(got.length, 0, `e-mails to an imported ticket's requester: ${got.map((m) => m.mail.subject).join(' | ')}`);
  const audits = (await srv.get(`/api/v2/tickets/${t.id}/audits.json`)).json.audits;
  assert.ok(!audits.some((a) => a.events.some((e) => e.via?.source?.rel === 'trigger')),
    'no trigger fired on the import');
});

test('3. views to prioritise: urgent then high, longest waiting first; count_many agrees', async () => {
  const requester = await srv.createUser({ email: uniqueEmail('prio') });
  const tag = `prio${Date.now()}`;
  const make = async (priority, days, status = 'open') => {
    const { result } = await zd.ticketimport.import({
      ticket: {
        subject: uniqueName(`${priority} ${days}d`), requester_id: requester.id, priority, status,
        tags: [tag], created_at: daysAgo(days + 1), updated_at: daysAgo(days),
        comments: [{ author_id: requester.id, value: 'Help', created_at: daysAgo(days + 1) }],
      },
    });
    return result.ticket;
  };
  const highOld = await make('high', 5);
  const urgentNew = await make('urgent', 1);
  const highNew = await make('high', 2);
  const urgentOld = await make('urgent', 4);
  await make('normal', 9); // not urgent or high
  await make('urgent', 8, 'solved'); // solved

  const { result: view } = await zd.views.create({
    view: {
      title: uniqueName('Disruption: urgent and high first'),
      all: [
        { field: 'status', operator: 'less_than', value: 'solved' },
        { field: 'current_tags', operator: 'includes', value: tag }, // this test's tickets only
      ],
      any: [
        { field: 'priority', operator: 'is', value: 'urgent' },
        { field: 'priority', operator: 'is', value: 'high' },
      ],
      output: { columns: ['nice_id', 'subject', 'priority', 'requester', 'updated'],
        group_by: 'priority', group_order: 'desc', sort_by: 'updated', sort_order: 'asc' },
    },
  });
  const x = await srv.get(`/api/v2/views/${view.id}/execute.json`);
  assert.equal(x.status, 200, x.text);
  assert.deepEqual(x.json.rows.map((r) => r.ticket.id), [urgentOld.id, urgentNew.id, highOld.id, highNew.id],
    JSON.stringify(x.json.rows.map((r) => [r.ticket.id, r.priority, r.updated])));
  assert.equal(x.json.count, 4);

  const { result: { view_counts: counts } } = await zd.views.showCounts([view.id]);
  assert.deepEqual(counts.map((c) => [c.view_id, c.value]), [[view.id, 4]]);
  // One more urgent ticket: the count follows.
  await make('urgent', 3);
  const { result: { view_counts: after1 } } = await zd.views.showCounts([view.id]);
  assert.equal(after1[0].value, 5);

  // The undo. (node-zendesk 6.0.1's views.delete calls itself forever: raw DELETE.)
  const { result: off } = await zd.views.update(view.id, { view: { active: false } });
  assert.equal(off.active, false);
  assert.equal((await srv.del(`/api/v2/views/${view.id}.json`)).status, 204);
  assert.equal((await srv.get(`/api/v2/views/${view.id}.json`)).status, 404);
});

test('4. a macro for the standard answer: rendered on apply, saved by the update', async () => {
  const requester = await srv.createUser({ name: 'Jeanne Moreau', email: uniqueEmail('jeanne') });
  const { result: ticket } = await zd.tickets.create({
    ticket: { subject: 'Remboursement', comment: { body: 'Où en est mon remboursement ?' }, requester_id: requester.id },
  });
  const { result: { macro } } = await zd.macros.create({
    macro: {
      title: uniqueName('Disruption: standard answer'),
      actions: [
        { field: 'comment_value', value: 'Hello {{ticket.requester.first_name}},\n\nbecause of the current disruption we need more time than usual to answer request {{ticket.id}}. We will come back to you as soon as we can.' },
        { field: 'comment_mode_is_public', value: 'true' },
        { field: 'status', value: 'pending' },
        { field: 'current_tags', value: 'disruption_answered' },
      ],
    },
  });
  const { result: { result: { ticket: would } } } = await zd.macros.applyTicket(ticket.id, macro.id);
  const expected = `Hello Jeanne,\n\nbecause of the current disruption we need more time than usual to answer request ${ticket.id}. We will come back to you as soon as we can.`;
  assert.equal(would.comment.public, true);
  assert.equal(would.status, 'pending');
  assert.ok(would.tags.includes('disruption_answered'));
  // Nothing saved by apply.
  const unchanged = (await zd.tickets.show(ticket.id)).result;
  assert.equal(unchanged.status, ticket.status);
  assert.ok(!unchanged.tags.includes('disruption_answered'));

  const { result: saved } = await zd.tickets.update(ticket.id, { ticket: {
    status: would.status, tags: would.tags,
    comment: { body: would.comment.body, public: would.comment.public },
  } });
  assert.equal(saved.status, 'pending');
  assert.ok(saved.tags.includes('disruption_answered'));
  const comments = (await srv.get(`/api/v2/tickets/${ticket.id}/comments.json`)).json.comments;
  assert.equal(comments.length, 2);
  assert.equal(comments[1].body, would.comment.body);
  assert.equal(comments[1].public, true);
  assert.equal((await srv.get(`/api/v2/macros/${macro.id}.json`)).json.macro.usage_count, 1);
  const { result: { macro: off } } = await zd.macros.update(macro.id, { macro: { active: false } }); // the undo
  assert.equal(off.active, false);
  // The comment the agent got (and saved) has the ticket's placeholders filled in.
  assert.equal(would.comment.body, expected);
});

test('5. a webhook to an external system: one signed call with the rendered body', async () => {
  const { result: webhook } = await zd.webhooks.create({
    webhook: { name: 'Incident tool', endpoint: `${hook.url}/hooks/support`, http_method: 'POST',
      request_format: 'json', status: 'active', subscriptions: ['conditional_ticket_events'] },
  });
  const { result: { signing_secret: { secret } } } = await zd.webhooks.getSigningSecret(webhook.id);
  const { result: trigger } = await zd.triggers.create({
    trigger: {
      title: uniqueName('Disruption: send outage tickets to the incident tool'),
      conditions: { all: [
        { field: 'update_type', operator: 'is', value: 'Create' },
        { field: 'current_tags', operator: 'includes', value: 'outage' },
      ] },
      actions: [{ field: 'notification_webhook', value: [webhook.id,
        '{"ticket":"{{ticket.id}}","subject":"{{ticket.title}}","priority":"{{ticket.priority}}"}'] }],
    },
  });
  state.webhook = { id: webhook.id, secret, trigger: trigger.id };

  const requester = await srv.createUser({ email: uniqueEmail('outage') });
  const { result: ticket } = await zd.tickets.create({
    ticket: { subject: 'Site "down"', comment: { body: 'Nothing loads' }, requester_id: requester.id,
      priority: 'urgent', tags: ['outage'] },
  });
  const call = await hook.waitFor((r) => r.url === '/hooks/support');
  assert.equal(call.method, 'POST');
  assert.deepEqual(JSON.parse(call.body), { ticket: String(ticket.id), subject: 'Site "down"', priority: 'urgent' });
  const ts = call.headers['x-zendesk-webhook-signature-timestamp'];
  assert.equal(call.headers['x-zendesk-webhook-signature'],
    crypto.createHmac('sha256', secret).update(ts + call.body).digest('base64'));
  // A ticket without the tag calls nothing; one call in all.
  await zd.tickets.create({ ticket: { subject: 'Other', comment: { body: 'x' }, requester_id: requester.id } });
  await sleep(1000);
  assert.equal(hook.requests.filter((r) => r.url === '/hooks/support').length, 1);
  const inv = await srv.get(`/api/v2/webhooks/${webhook.id}/invocations`);
  assert.deepEqual(inv.json.invocations.map((i) => i.status), ['success']);
});

test('6. a broadcast to agents: one e-mail each, listed for each', async () => {
  const group = await srv.createRecord('/api/v2/groups.json', 'group', { name: uniqueName('Front line') });
  const agents = [];
  for (const name of ['Ana Ferreira', 'Bruno Costa']) {
    const a = await srv.createUserWithPassword({ role: 'agent', name });
    const m = await srv.post('/api/v2/group_memberships.json', { group_membership: { user_id: a.user.id, group_id: group.id } });
    assert.equal(m.status, 201, m.text);
    agents.push(a);
  }
  const r = await srv.post('/api/v2/agent_broadcasts.json', {
    agent_broadcast: { subject: 'Disruption: how we work this week',
      message: 'Phones are off. Take the Disruption view first and answer with the macro.', group_ids: [group.id] },
  });
  assert.equal(r.status, 201, r.text);
  const id = r.json.agent_broadcast.id;
  for (const a of agents) {
    const msg = await smtp.waitFor(a.user.email);
    assert.equal(msg.mail.subject, 'Disruption: how we work this week');
    assert.match(msg.mail.text, /Phones are off\./);
  }
  await sleep(1000);
  for (const a of agents) {
    assert.equal(mailsTo(smtp, a.user.email).length, 1, `one e-mail to ${a.user.name}`);
    const list = await srv.request('GET', '/api/v2/agent_broadcasts.json', { auth: a.auth });
    assert.equal(list.status, 200, list.text);
    const b = list.json.agent_broadcasts.find((x) => x.id === id);
    assert.ok(b, `${a.user.name} sees the broadcast`);
    assert.equal(b.read, false);
  }
});

test('nothing lost across a restart: killed after the 2xx with the SMTP server down, the auto-reply and the webhook arrive once each', async () => {
  assert.ok(state.received && state.webhook, 'the rules of tests 1 and 5 are in place');
  await smtp.close(); // the relay is down
  const requester = await srv.createUser({ name: 'Nina Roux', email: uniqueEmail('nina') });
  const created = await srv.post('/api/v2/tickets.json', {
    ticket: { subject: 'Panne générale', comment: { body: 'Rien ne marche' }, requester_id: requester.id,
      priority: 'high', tags: ['outage'] },
  });
  assert.equal(created.status, 201, created.text);
  const ticketId = created.json.ticket.id;
  await srv.crash(); // SIGKILL: nothing drained
  crashed = srv;

  smtp = await startSmtpSink({ port: smtpPort });
  srv = await startServer({ dataDir: srv.dataDir, env: ENV });
  const mail = await smtp.waitFor(requester.email, { timeoutMs: 30_000 });
  assert.ok(mail.mail.text.startsWith(NOTICE), mail.mail.text);
  assert.match(mail.mail.text, new RegExp(`Your request \\(${ticketId}\\) has been received`));
  const call = await hook.waitFor((r) => r.url === '/hooks/support' && JSON.parse(r.body).ticket === String(ticketId),
    { timeoutMs: 30_000 });
  const ts = call.headers['x-zendesk-webhook-signature-timestamp'];
  assert.equal(call.headers['x-zendesk-webhook-signature'],
    crypto.createHmac('sha256', state.webhook.secret).update(ts + call.body).digest('base64'));
  await sleep(2000);
  assert.equal(mailsTo(smtp, requester.email).length, 1, 'one auto-reply');
  const calls = hook.requests.filter((r) => r.url === '/hooks/support' && JSON.parse(r.body).ticket === String(ticketId));
  assert.equal(calls.length, 1, 'one webhook call');

  // The undos work on the restarted server: the notice goes, the webhook stops.
  const zd2 = srv.client({ throwOriginalException: true });
  const { result: undone } = await zd2.triggers.update(state.received.id, { trigger: { actions: state.received.saved } });
  assert.deepEqual(undone.actions, state.received.saved);
  const { result: off } = await zd2.triggers.update(state.webhook.trigger, { trigger: { active: false } });
  assert.equal(off.active, false);
  await zd2.webhooks.patch(state.webhook.id, { webhook: { status: 'inactive' } });
  assert.equal((await zd2.webhooks.show(state.webhook.id)).result.status, 'inactive');
  const later = await srv.post('/api/v2/tickets.json', {
    ticket: { subject: 'Après', comment: { body: 'x' }, requester_id: requester.id, tags: ['outage'] },
  });
  assert.equal(later.status, 201, later.text);
  await waitFor(() => mailsTo(smtp, requester.email).length === 2, { what: 'the second auto-reply' });
  const second = mailsTo(smtp, requester.email)[1];
  assert.ok(!second.mail.text.includes(NOTICE), 'the notice is gone');
  await sleep(1000);
  assert.ok(!hook.requests.some((r) => r.url === '/hooks/support' && JSON.parse(r.body).ticket === String(later.json.ticket.id)),
    'no call once the trigger is off');
});
