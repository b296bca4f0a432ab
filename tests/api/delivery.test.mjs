// Side effects: webhooks (CRUD, validation, signing, authentication, the test endpoint),
// targets, the e-mail settings, agent broadcasts e-mailed through a real SMTP
// conversation on loopback, mail that waits for a dead SMTP server, and a server killed
// right after its 2xx whose mail still arrives after the restart.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { startServer, uniqueEmail } from './harness.mjs';
import { startSmtpSink, startHttpReceiver, freePort, waitFor } from './receivers.mjs';

let srv;
let smtp;
let hook;

const SUPPORT = 'support@helpdesk.test';

before(async () => {
  smtp = await startSmtpSink();
  const seen = new Map();
  hook = await startHttpReceiver({
    respond: (r) => {
      const n = (seen.get(r.url) ?? 0) + 1;
      seen.set(r.url, n);
      if (r.url.startsWith('/fail')) return { status: 500, body: 'nope' };
      if (r.url.startsWith('/flaky') && n === 1) return { status: 503, body: 'busy' };
      return { status: 200 };
    },
  });
  srv = await startServer();
});

after(async () => {
  await srv?.stop();
  await smtp?.close();
  await hook?.close();
});

async function agent(attrs = {}) {
  return srv.createUser({ role: 'agent', ...attrs });
}

async function configureSmtp(s, port, extra = {}) {
  const r = await s.put('/api/v2/comptoir/email_settings.json', {
    email_settings: {
      smtp_host: '127.0.0.1',
      smtp_port: port,
      security: 'none',
      support_address: SUPPORT,
      from_name: 'Helpdesk',
      ...extra,
    },
  });
  assert.equal(r.status, 200, r.text);
  return r.json.email_settings;
}

test('webhooks: create, read, list, update, delete; secrets never shown', async () => {
  const bad = [
    [{ name: 'x', endpoint: 'ftp://example.test/', http_method: 'POST', request_format: 'json' }, 'endpoint'],
    [{ name: 'x', endpoint: 'not a url', http_method: 'POST', request_format: 'json' }, 'endpoint'],
    [{ name: 'x', endpoint: `${hook.url}/a`, http_method: 'TRACE', request_format: 'json' }, 'http_method'],
    [{ name: 'x', endpoint: `${hook.url}/a`, http_method: 'POST', request_format: 'yaml' }, 'request_format'],
    [{ name: '', endpoint: `${hook.url}/a`, http_method: 'POST', request_format: 'json' }, 'name'],
    [{ name: 'x', endpoint: `${hook.url}/a`, http_method: 'POST', request_format: 'json',
      authentication: { type: 'oauth', data: {} } }, 'authentication'],
    [{ name: 'x', endpoint: `${hook.url}/a`, http_method: 'POST', request_format: 'json',
      authentication: { type: 'basic_auth', data: { username: 'u' } } }, 'authentication'],
    [{ name: 'x', endpoint: `${hook.url}/a`, http_method: 'POST', request_format: 'json',
      custom_headers: { Authorization: 'x' } }, 'custom_headers'],
    [{ name: 'x', endpoint: `${hook.url}/a`, http_method: 'POST', request_format: 'json',
      status: 'paused' }, 'status'],
  ];
  for (const [webhook, field] of bad) {
    const r = await srv.post('/api/v2/webhooks', { webhook });
    assert.equal(r.status, 422, `${JSON.stringify(webhook)} → ${r.text}`);
    assert.equal(r.json.error, 'RecordInvalid');
    assert.ok(r.json.details[field], `details name ${field}: ${r.text}`);
  }

  const created = await srv.post('/api/v2/webhooks', {
    webhook: {
      name: 'Orders hook',
      endpoint: `${hook.url}/orders`,
      http_method: 'POST',
      request_format: 'json',
      subscriptions: ['conditional_ticket_events'],
      authentication: { type: 'basic_auth', add_position: 'header', data: { username: 'bob', password: 's3cret-pw' } },
      custom_headers: { 'X-Team': 'billing' },
    },
  });
  assert.equal(created.status, 201, created.text);
  const w = created.json.webhook;
  assert.equal(typeof w.id, 'string');
  assert.equal(w.status, 'active');
  assert.deepEqual(w.authentication, { type: 'basic_auth', add_position: 'header', data: { username: 'bob' } });
  assert.deepEqual(w.custom_headers, { 'X-Team': 'billing' });
  assert.ok(!created.text.includes('s3cret-pw'), 'the password is never returned');
  assert.ok(!('signing_secret' in w));

  const got = await srv.get(`/api/v2/webhooks/${w.id}`);
  assert.equal(got.status, 200);
  assert.equal(got.json.webhook.name, 'Orders hook');
  assert.ok(!got.text.includes('s3cret-pw'));

  const other = await srv.post('/api/v2/webhooks', {
    webhook: { name: 'Other', endpoint: `${hook.url}/other`, http_method: 'GET', request_format: 'form_encoded', status: 'inactive' },
  });
  assert.equal(other.status, 201, other.text);
  const list = await srv.get('/api/v2/webhooks?filter[name_contains]=orders');
  assert.equal(list.status, 200);
  assert.deepEqual(list.json.webhooks.map((x) => x.id), [w.id]);
  assert.equal(list.json.meta.has_more, false);
  const inactive = await srv.get('/api/v2/webhooks?filter[status]=inactive');
  assert.ok(inactive.json.webhooks.every((x) => x.status === 'inactive'));
  assert.ok(inactive.json.webhooks.some((x) => x.id === other.json.webhook.id));
  assert.equal((await srv.get('/api/v2/webhooks?filter[status]=nope')).status, 422);

  // PATCH changes what it names; PUT without data keeps the stored password.
  const patched = await srv.patch(`/api/v2/webhooks/${w.id}`, { webhook: { name: 'Orders hook 2' } });
  assert.equal(patched.status, 204, patched.text);
  const again = await srv.get(`/api/v2/webhooks/${w.id}.json`);
  assert.equal(again.json.webhook.name, 'Orders hook 2');
  assert.equal(again.json.webhook.authentication.type, 'basic_auth');

  // The signing secret: read, reset.
  const s1 = await srv.get(`/api/v2/webhooks/${w.id}/signing_secret`);
  assert.equal(s1.status, 200);
  assert.equal(s1.json.signing_secret.algorithm, 'SHA256');
  assert.ok(s1.json.signing_secret.secret.length >= 32);
  const s2 = await srv.post(`/api/v2/webhooks/${w.id}/signing_secret`, {});
  assert.equal(s2.status, 201);
  assert.notEqual(s2.json.signing_secret.secret, s1.json.signing_secret.secret);

  // Agents may not manage webhooks.
  const { auth } = await srv.createUserWithPassword({ role: 'agent' });
  assert.equal((await srv.request('GET', '/api/v2/webhooks', { auth })).status, 403);
  assert.equal((await srv.request('POST', '/api/v2/webhooks', { auth, body: { webhook: { name: 'x' } } })).status, 403);

  assert.equal((await srv.del(`/api/v2/webhooks/${other.json.webhook.id}`)).status, 204);
  assert.equal((await srv.get(`/api/v2/webhooks/${other.json.webhook.id}`)).status, 404);
  assert.equal((await srv.get('/api/v2/webhooks/999999999')).status, 404);
  assert.equal((await srv.get(`/api/v2/webhooks/${w.id}/invocations`)).json.invocations.length, 0);
});

test('webhooks: the test endpoint signs, authenticates and adds the custom headers', async () => {
  const created = await srv.post('/api/v2/webhooks', {
    webhook: {
      name: 'Signed',
      endpoint: `${hook.url}/signed`,
      http_method: 'POST',
      request_format: 'json',
      authentication: { type: 'bearer_token', data: { token: 'tok-123' } },
      custom_headers: { 'X-Env': 'test' },
    },
  });
  assert.equal(created.status, 201, created.text);
  const id = created.json.webhook.id;
  const secret = (await srv.get(`/api/v2/webhooks/${id}/signing_secret`)).json.signing_secret.secret;
  const payload = JSON.stringify({ hello: 'wörld' });
  const before = hook.requests.length;
  const r = await srv.post(`/api/v2/webhooks/test?webhook_id=${id}`, {
    request: { payload, headers: [{ key: 'X-Extra', value: 'one' }] },
  });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.response.status, 200);
  assert.equal(r.json.response.body, 'ok');
  assert.ok(r.json.response.headers.some((h) => h.key.toLowerCase() === 'x-receiver'));
  const got = hook.requests.slice(before).find((q) => q.url === '/signed');
  assert.ok(got, 'the receiver got the request');
  assert.equal(got.method, 'POST');
  assert.equal(got.body, payload);
  assert.equal(got.headers['content-type'], 'application/json');
  assert.equal(got.headers.authorization, 'Bearer tok-123');
  assert.equal(got.headers['x-env'], 'test');
  assert.equal(got.headers['x-extra'], 'one');
  const ts = got.headers['x-zendesk-webhook-signature-timestamp'];
  assert.match(ts, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  const expected = crypto.createHmac('sha256', secret).update(ts + got.body).digest('base64');
  assert.equal(got.headers['x-zendesk-webhook-signature'], expected);

  // An ad-hoc test (no webhook): api_key authentication, a failing endpoint.
  const r2 = await srv.post('/api/v2/webhooks/test', {
    request: { endpoint: `${hook.url}/fail`, http_method: 'PUT', request_format: 'xml', payload: '<a/>' },
  });
  assert.equal(r2.status, 200, r2.text);
  assert.equal(r2.json.response.status, 500);
  assert.equal(r2.json.response.body, 'nope');
  const r3 = await srv.post('/api/v2/webhooks/test', { request: { endpoint: 'nope', http_method: 'POST' } });
  assert.equal(r3.status, 422);
  // Nothing listening: an answer, not a hang or a crash.
  const dead = await freePort();
  const r4 = await srv.post('/api/v2/webhooks/test', {
    request: { endpoint: `http://127.0.0.1:${dead}/x`, http_method: 'POST', request_format: 'json', payload: '{}' },
  });
  assert.equal(r4.status, 200, r4.text);
  assert.equal(r4.json.response.status, 502);
});

test('targets: http and email targets, validation, secrets hidden', async () => {
  const bad = await srv.post('/api/v2/targets.json', { target: { type: 'http_target', title: 'x', target_url: 'nope' } });
  assert.equal(bad.status, 422);
  assert.equal((await srv.post('/api/v2/targets.json', { target: { type: 'twitter_target', title: 'x' } })).status, 422);
  const t = await srv.post('/api/v2/targets.json', {
    target: { type: 'url_target_v2', title: 'CRM', target_url: `${hook.url}/crm`, method: 'post',
      content_type: 'application/json', username: 'u', password: 'target-pw' },
  });
  assert.equal(t.status, 201, t.text);
  assert.equal(t.json.target.type, 'http_target');
  assert.ok(!t.text.includes('target-pw'));
  const e = await srv.post('/api/v2/targets', { target: { type: 'email_target', title: 'Ops', email: 'ops@example.test', subject: 'Hi' } });
  assert.equal(e.status, 201, e.text);
  const list = await srv.get('/api/v2/targets.json');
  assert.ok(list.json.targets.length >= 2);
  const up = await srv.put(`/api/v2/targets/${t.json.target.id}.json`, { target: { active: false } });
  assert.equal(up.status, 200);
  assert.equal(up.json.target.active, false);
  assert.equal((await srv.del(`/api/v2/targets/${e.json.target.id}.json`)).status, 204);
  assert.equal((await srv.get(`/api/v2/targets/${e.json.target.id}.json`)).status, 404);
  assert.equal((await srv.get('/api/v2/target_failures.json')).status, 200);
});

test('email settings: validated, the password is write-only', async () => {
  const defaults = await srv.get('/api/v2/comptoir/email_settings.json');
  assert.equal(defaults.status, 200);
  assert.match(defaults.json.email_settings.html_template, /\{\{content\}\}/);
  for (const [body, field] of [
    [{ smtp_port: 70000 }, 'smtp_port'],
    [{ security: 'ssl3' }, 'security'],
    [{ support_address: 'not-an-address' }, 'support_address'],
    [{ html_template: '{% if %}' }, 'html_template'],
    [{ text_template: 'no placeholder' }, 'text_template'],
    [{ smtp_host: 'smtp.example.test/x' }, 'smtp_host'],
  ]) {
    const r = await srv.put('/api/v2/comptoir/email_settings.json', { email_settings: body });
    assert.equal(r.status, 422, `${JSON.stringify(body)}: ${r.text}`);
    assert.ok(r.json.details[field], r.text);
  }
  const s = await configureSmtp(srv, smtp.port, { username: 'mailer', password: 'smtp-pw-1' });
  assert.equal(s.password_set, true);
  assert.equal(s.username, 'mailer');
  assert.ok(!('password' in s));
  const read = await srv.get('/api/v2/comptoir/email_settings');
  assert.ok(!read.text.includes('smtp-pw-1'));
  // Back to no AUTH for the sink.
  await configureSmtp(srv, smtp.port, { username: '', password: '' });
  const { auth } = await srv.createUserWithPassword({ role: 'agent' });
  assert.equal((await srv.request('GET', '/api/v2/comptoir/email_settings', { auth })).status, 403);
});

test('agent broadcast: e-mailed to the active agents of a group (multipart, headers), listed, marked read', async () => {
  await configureSmtp(srv, smtp.port);
  const group = await srv.createRecord('/api/v2/groups.json', 'group', { name: `Broadcast ${Date.now()}` });
  const a1 = await srv.createUserWithPassword({ role: 'agent', name: 'Ana Ferreira' });
  const a2 = await agent({ name: 'Suspended Sam' });
  const a3 = await agent({ name: 'Loop Guard', email: SUPPORT });
  const outsider = await agent({ name: 'Other Group' });
  for (const u of [a1.user, a2, a3]) {
    const m = await srv.post('/api/v2/group_memberships.json', { group_membership: { user_id: u.id, group_id: group.id } });
    assert.equal(m.status, 201, m.text);
  }
  const susp = await srv.put(`/api/v2/users/${a2.id}.json`, { user: { suspended: true } });
  assert.equal(susp.status, 200, susp.text);

  const bad = await srv.post('/api/v2/agent_broadcasts', { agent_broadcast: { message: '' } });
  assert.equal(bad.status, 422);
  assert.equal((await srv.post('/api/v2/agent_broadcasts', { agent_broadcast: { message: 'x', group_ids: [99999999] } })).status, 422);
  assert.equal((await srv.request('POST', '/api/v2/agent_broadcasts', { auth: a1.auth, body: { agent_broadcast: { message: 'x' } } })).status, 403);

  const r = await srv.post('/api/v2/agent_broadcasts.json', {
    agent_broadcast: { subject: 'Maintenance ce soir — à 22 h', message: 'Bonjour,\nla plateforme <sera> coupée.', group_ids: [group.id] },
  });
  assert.equal(r.status, 201, r.text);
  const msg = await smtp.waitFor(a1.user.email);
  const mail = msg.mail;
  assert.equal(msg.from, SUPPORT);
  assert.equal(mail.subject, 'Maintenance ce soir — à 22 h');
  assert.match(mail.headers['content-type'], /^multipart\/alternative/);
  assert.match(mail.text, /la plateforme <sera> coupée\./);
  assert.match(mail.html, /la plateforme &lt;sera&gt; coupée\./);
  assert.match(mail.html, /<br>/);
  assert.equal(mail.from, `"Helpdesk" <${SUPPORT}>`);
  assert.match(mail.headers['reply-to'], new RegExp(SUPPORT));
  assert.match(mail.headers['message-id'], /^<comptoir\.[0-9a-f]+@helpdesk\.test>$/);
  assert.ok(mail.headers.date);
  // Give the queue a moment: nothing for the suspended agent, the support address or
  // an agent outside the group.
  await sleep(1500);
  for (const u of [a2, a3, outsider]) {
    assert.ok(!smtp.messages.some((m) => m.to.includes(u.email)), `no mail to ${u.name}`);
  }
  assert.equal(smtp.messages.filter((m) => m.to.includes(a1.user.email)).length, 1);

  const mine = await srv.request('GET', '/api/v2/agent_broadcasts.json', { auth: a1.auth });
  assert.equal(mine.status, 200, mine.text);
  const b = mine.json.agent_broadcasts.find((x) => x.id === r.json.agent_broadcast.id);
  assert.ok(b);
  assert.equal(b.read, false);
  assert.equal((await srv.request('PUT', `/api/v2/agent_broadcasts/${b.id}/read.json`, { auth: a1.auth })).status, 204);
  const after = await srv.request('GET', '/api/v2/agent_broadcasts.json', { auth: a1.auth });
  assert.equal(after.json.agent_broadcasts.find((x) => x.id === b.id).read, true);
  // Not addressed to the outsider.
  const { auth: outsiderAuth } = { auth: { email: outsider.email, password: await srv.setPassword(outsider.id) } };
  const theirs = await srv.request('GET', '/api/v2/agent_broadcasts.json', { auth: outsiderAuth });
  assert.ok(!theirs.json.agent_broadcasts.some((x) => x.id === b.id));
  assert.equal((await srv.request('PUT', `/api/v2/agent_broadcasts/${b.id}/read.json`, { auth: outsiderAuth })).status, 404);

  // Admins list every broadcast (?scope=all, even those not addressed to them) and delete one.
  assert.ok(!(await srv.get('/api/v2/agent_broadcasts.json')).json.agent_broadcasts.some((x) => x.id === b.id));
  const all = await srv.get('/api/v2/agent_broadcasts.json?scope=all');
  assert.equal(all.status, 200, all.text);
  assert.deepEqual(all.json.agent_broadcasts.find((x) => x.id === b.id).group_ids, [group.id]);
  assert.equal((await srv.get('/api/v2/agent_broadcasts.json?scope=nope')).status, 422);
  assert.equal((await srv.request('GET', '/api/v2/agent_broadcasts.json?scope=all', { auth: a1.auth })).status, 403);
  assert.equal((await srv.request('DELETE', `/api/v2/agent_broadcasts/${b.id}.json`, { auth: a1.auth })).status, 403);
  assert.equal((await srv.del(`/api/v2/agent_broadcasts/${b.id}.json`)).status, 204);
  assert.equal((await srv.del(`/api/v2/agent_broadcasts/${b.id}.json`)).status, 404);
  const gone = await srv.request('GET', '/api/v2/agent_broadcasts.json', { auth: a1.auth });
  assert.ok(!gone.json.agent_broadcasts.some((x) => x.id === b.id));
  assert.ok(!(await srv.get('/api/v2/agent_broadcasts.json?scope=all')).json.agent_broadcasts.some((x) => x.id === b.id));
});

async function createTrigger(s, title, tag, actions) {
  const r = await s.post('/api/v2/triggers.json', {
    trigger: {
      title,
      conditions: {
        all: [
          { field: 'update_type', operator: 'is', value: 'Create' },
          { field: 'current_tags', operator: 'includes', value: tag },
        ],
        any: [],
      },
      actions,
    },
  });
  assert.equal(r.status, 201, r.text);
  return r.json.trigger;
}

test('a trigger e-mails the requester and calls a webhook when a ticket is created', async () => {
  await configureSmtp(srv, smtp.port);
  const w = (await srv.post('/api/v2/webhooks', {
    webhook: { name: 'Trigger hook', endpoint: `${hook.url}/flaky-e2e`, http_method: 'POST', request_format: 'json' },
  })).json.webhook;
  const secret = (await srv.get(`/api/v2/webhooks/${w.id}/signing_secret`)).json.signing_secret.secret;
  const tag = `e2e${Date.now()}`;
  await createTrigger(srv, 'Notify and call', tag, [
    { field: 'notification_user', value: ['requester_id', '[{{ticket.id}}] {{ticket.title}}',
      'Hello {{ticket.requester.first_name}},\n{{ticket.latest_comment}}\n{{ticket.link}}'] },
    { field: 'notification_webhook', value: [w.id, '{"id":"{{ticket.id}}","title":"{{ticket.title}}","status":"{{ticket.status}}"}'] },
  ]);
  const requester = await srv.createUser({ name: 'Léa Dupont', email: uniqueEmail('lea') });
  const created = await srv.post('/api/v2/tickets.json', {
    ticket: { subject: 'Écran "noir"', comment: { body: 'Mon écran <b>reste</b> noir' }, requester_id: requester.id, tags: [tag] },
  });
  assert.equal(created.status, 201, created.text);
  const id = created.json.ticket.id;

  // (The account's default triggers may write to the requester too: pick ours.)
  const msg = await waitFor(
    () => smtp.messages.find((m) => m.to.includes(requester.email) && m.mail.subject.startsWith(`[${id}]`)),
    { what: 'the trigger\'s mail' },
  );
  const mail = msg.mail;
  assert.equal(mail.subject, `[${id}] Écran "noir"`);
  assert.match(mail.text, /Hello Léa,/);
  assert.match(mail.text, new RegExp(`/agent/tickets/${id}`));
  assert.match(mail.html, /Hello Léa,<br>/);
  assert.ok(!/<b>reste<\/b>/.test(mail.html), 'the comment is escaped in the HTML part');
  assert.match(mail.headers['message-id'], new RegExp(`^<comptoir\\.t${id}\\.`));
  assert.equal(mail.headers['x-comptoir-ticket-id'], String(id));
  assert.equal(msg.from, SUPPORT);

  // The webhook: refused once (503), retried by the queue, then delivered, signed.
  const ok = await waitFor(async () => {
    const inv = await srv.get(`/api/v2/webhooks/${w.id}/invocations`);
    return inv.json.invocations.find((i) => i.status === 'success');
  }, { timeoutMs: 30_000, stepMs: 200, what: 'a successful invocation' });
  assert.equal(ok.status_code, 200);
  const attempts = await srv.get(`/api/v2/webhooks/${w.id}/invocations/${ok.id}/attempts`);
  assert.equal(attempts.status, 200);
  assert.deepEqual(attempts.json.attempts.map((a) => a.status_code), [503, 200]);
  const calls = hook.requests.filter((r) => r.url === '/flaky-e2e');
  assert.equal(calls.length, 2);
  const last = calls[1];
  assert.deepEqual(JSON.parse(last.body), { id: String(id), title: 'Écran "noir"', status: 'new' });
  const ts = last.headers['x-zendesk-webhook-signature-timestamp'];
  assert.equal(last.headers['x-zendesk-webhook-signature'],
    crypto.createHmac('sha256', secret).update(ts + last.body).digest('base64'));

  // The ticket's audit shows the notification and the webhook call.
  const audits = await srv.get(`/api/v2/tickets/${id}/audits.json`);
  const events = audits.json.audits.flatMap((a) => a.events);
  const note = events.find((e) => e.type === 'Notification');
  assert.ok(note, JSON.stringify(events));
  assert.deepEqual(note.recipients, [requester.id]);
  assert.equal(note.via.channel, 'rule');
  assert.ok(events.some((e) => e.type === 'WebhookNotification' && e.webhook_id === w.id));
});

test('a dead SMTP server delays mail but loses none', async () => {
  const port = await freePort();
  await configureSmtp(srv, port);
  const a = await agent();
  const group = await srv.createRecord('/api/v2/groups.json', 'group', { name: `Late ${Date.now()}` });
  await srv.post('/api/v2/group_memberships.json', { group_membership: { user_id: a.id, group_id: group.id } });
  const r = await srv.post('/api/v2/agent_broadcasts.json', { agent_broadcast: { message: 'later', group_ids: [group.id] } });
  assert.equal(r.status, 201, r.text);
  await sleep(2500); // at least one failed attempt
  const late = await startSmtpSink({ port });
  try {
    const msg = await late.waitFor(a.email, { timeoutMs: 30_000 });
    assert.match(msg.mail.text, /later/);
  } finally {
    await late.close();
    await configureSmtp(srv, smtp.port);
  }
});

test('crash after the 2xx: the mail and the webhook still arrive after the restart', async () => {
  // A short lease: a job the killed node was running is taken over soon.
  const env = { COMPTOIR_JOB_LEASE_SECONDS: '3' };
  const s = await startServer({ env });
  let s2;
  const smtpPort = await freePort();
  const httpPort = await freePort();
  try {
    await configureSmtp(s, smtpPort);
    const w = (await s.post('/api/v2/webhooks', {
      webhook: { name: 'Crash hook', endpoint: `http://127.0.0.1:${httpPort}/crash`, http_method: 'POST', request_format: 'json' },
    })).json.webhook;
    await createTrigger(s, 'Crash', 'crashme', [
      { field: 'notification_user', value: ['requester_id', 'Crash {{ticket.id}}', 'survives'] },
      { field: 'notification_webhook', value: [w.id, '{"id":"{{ticket.id}}"}'] },
    ]);
    const requester = await s.createUser({ email: uniqueEmail('crash') });
    const a = await s.createUser({ role: 'agent' });
    const group = await s.createRecord('/api/v2/groups.json', 'group', { name: 'Crash' });
    await s.post('/api/v2/group_memberships.json', { group_membership: { user_id: a.id, group_id: group.id } });
    const b = await s.post('/api/v2/agent_broadcasts.json', { agent_broadcast: { message: 'survives too', group_ids: [group.id] } });
    assert.equal(b.status, 201, b.text);
    const t = await s.post('/api/v2/tickets.json', {
      ticket: { subject: 'Crash', comment: { body: 'x' }, requester_id: requester.id, tags: ['crashme'] },
    });
    assert.equal(t.status, 201, t.text);
    await s.crash(); // SIGKILL right after the answers, receivers still down
    const sink = await startSmtpSink({ port: smtpPort });
    const rx = await startHttpReceiver({ port: httpPort });
    try {
      s2 = await startServer({ dataDir: s.dataDir, env });
      const mail = await waitFor(
        () => sink.messages.find((m) => m.to.includes(requester.email) && /survives/.test(m.mail.text)),
        { timeoutMs: 40_000, what: 'the trigger\'s mail after the restart' },
      );
      assert.match(mail.mail.subject, /^Crash \d+$/);
      const notice = await waitFor(
        () => sink.messages.find((m) => m.to.includes(a.email) && /survives too/.test(m.mail.text)),
        { timeoutMs: 40_000, what: 'the broadcast after the restart' },
      );
      assert.equal(notice.to.length, 1);
      const call = await rx.waitFor((r) => r.url === '/crash', { timeoutMs: 40_000 });
      assert.deepEqual(JSON.parse(call.body), { id: String(t.json.ticket.id) });
    } finally {
      await sink.close();
      await rx.close();
    }
  } finally {
    await s2?.stop();
    await s.stop();
  }
});

test('a hanging endpoint does not delay another webhook; a failing one opens its circuit', async (t) => {
  const rx = await startHttpReceiver({
    respond: (r) => {
      if (r.url === '/hang') return { hang: true };
      if (r.url === '/down') return { status: 500, body: 'down' };
      return { status: 200 };
    },
  });
  const s = await startServer({
    env: {
      COMPTOIR_WEBHOOK_TIMEOUT_MS: '2000',
      COMPTOIR_CIRCUIT_FAILURES: '2',
      COMPTOIR_CIRCUIT_COOLDOWN_SECONDS: '60',
      COMPTOIR_JOB_WORKERS: '3',
    },
  });
  try {
    const hookFor = async (name, path) => (await s.post('/api/v2/webhooks', {
      webhook: { name, endpoint: `${rx.url}${path}`, http_method: 'POST', request_format: 'json' },
    })).json.webhook;
    const hang = await hookFor('Hang', '/hang');
    const fast = await hookFor('Fast', '/fast');
    const down = await hookFor('Down', '/down');
    await createTrigger(s, 'Fan out', 'fan', [
      { field: 'notification_webhook', value: [hang.id, '{"n":1}'] },
      { field: 'notification_webhook', value: [hang.id, '{"n":2}'] },
      { field: 'notification_webhook', value: [hang.id, '{"n":3}'] },
      { field: 'notification_webhook', value: [fast.id, '{"n":4}'] },
    ]);
    await createTrigger(s, 'Down', 'down', [{ field: 'notification_webhook', value: [down.id, '{}'] }]);

    const start = Date.now();
    const fan = await s.post('/api/v2/tickets.json', { ticket: { subject: 'Fan', comment: { body: 'x' }, tags: ['fan'] } });
    assert.equal(fan.status, 201, fan.text);
    const got = await rx.waitFor((r) => r.url === '/fast', { timeoutMs: 10_000 });
    t.diagnostic(`the healthy webhook arrived ${got.at - start} ms after the request (hanging: 2000 ms time-out)`);
    // The hanging endpoint's time-out is 2 s: the healthy webhook did not wait for it.
    assert.ok(got.at - start < 1500, `the healthy webhook waited ${got.at - start} ms`);
    // One request at a time to the hanging endpoint.
    assert.equal(rx.requests.filter((r) => r.url === '/hang').length, 1);

    for (let i = 0; i < 4; i++) {
      const d = await s.post('/api/v2/tickets.json', { ticket: { subject: `Down ${i}`, comment: { body: 'x' }, tags: ['down'] } });
      assert.equal(d.status, 201, d.text);
    }
    await waitFor(() => rx.requests.filter((r) => r.url === '/down').length >= 2, { what: 'two failures' });
    // The circuit is open for 60 s: retries (due after 2 s) and the other deliveries wait.
    await sleep(5000);
    assert.equal(rx.requests.filter((r) => r.url === '/down').length, 2);
    const inv = await s.get(`/api/v2/webhooks/${down.id}/invocations`);
    assert.equal(inv.json.invocations.length, 4);
    assert.ok(inv.json.invocations.every((i) => i.status !== 'success'));
    assert.equal(inv.json.invocations.filter((i) => i.status_code === 500).length, 2);
  } finally {
    await s.stop();
    await rx.close();
  }
});
