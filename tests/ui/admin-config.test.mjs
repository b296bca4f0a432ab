// The admin center's configuration pages end to end: the real server (a temp SQLite
// file) serving the built app, Debian's chromium through playwright-core, an admin
// signed in through the form. End users imported from a CSV (progress bar, per-row
// report), a group and an agent in it, a drop-down ticket field and a form using it, a
// webhook called by its test and by a trigger (a real HTTP receiver on loopback) with its
// invocation log, an API token shown once, email settings, a broadcast; axe on the main
// pages, screenshots in tests/ui/artifacts (one at 390x844).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { startServer, uniqueEmail, ADMIN_EMAIL, ADMIN_PASSWORD } from '../api/harness.mjs';
import { launch, screenshot, seriousViolations, uiDir, signIn } from './browser.mjs';

let srv;
let chrome;
let page;
let hook; // {url, requests}
const consoleErrors = [];
const stamp = Date.now().toString(36);

async function api(method, path, body, opts = {}) {
  const r = await srv.request(method, path, body === undefined ? opts : { ...opts, body });
  assert.ok(r.status < 300, `${method} ${path}: ${r.status} ${r.text}`);
  return r.json;
}

async function waitFor(fn, what, timeoutMs = 20_000) {
  const start = Date.now();
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function receiver() {
  const requests = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      requests.push({ method: req.method, url: req.url, headers: req.headers, body });
      res.writeHead(200, { 'Content-Type': 'text/plain' });
      res.end('received');
    });
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${server.address().port}`, requests, close: () => new Promise((r) => server.close(r)) };
}

async function open(section) {
  await page.goto(`${srv.url}/agent/admin/${section}`);
}

before(async () => {
  srv = await startServer({ env: { COMPTOIR_UI_DIR: uiDir } });
  hook = await receiver();
  chrome = await launch();
  const context = await chrome.browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-US' });
  page = await context.newPage();
  page.on('dialog', (d) => void d.accept()); // the confirmations before deleting
  page.on('pageerror', (e) => consoleErrors.push(String(e)));
  await signIn(page, srv.url, { email: ADMIN_EMAIL, password: ADMIN_PASSWORD });
});

after(async () => {
  await chrome?.close();
  await hook?.close();
  await srv?.stop();
});

test('end users: a CSV of 30 rows, 2 of them bad, is imported with a progress bar and a report of the 2', async () => {
  const lines = ['name,email,organization,tags,external_id'];
  const bad = new Map([[11, 'not-an-email'], [24, `jo..doe.${stamp}@example.test`]]); // spreadsheet rows
  const good = [];
  for (let row = 2; row <= 31; row++) {
    const email = bad.get(row) ?? `csv${row}.${stamp}@example.test`;
    const name = row === 2 ? `"Dupont, Léa ${stamp}"` : `Person ${row} ${stamp}`;
    lines.push(`${name},${email},Acme ${stamp},vip csv${stamp},ext-${stamp}-${row}`);
    if (!bad.has(row)) good.push({ row, email, ext: `ext-${stamp}-${row}` });
  }
  await open('end-users');
  await page.getByRole('heading', { level: 1, name: 'End users' }).waitFor();
  await page.getByLabel('CSV file', { exact: true }).setInputFiles({
    name: 'users.csv',
    mimeType: 'text/csv',
    buffer: Buffer.from(lines.join('\r\n') + '\r\n'),
  });
  await page.getByText('30 rows to import').waitFor();
  await page.getByRole('button', { name: 'Import 30 users' }).click();
  const bar = page.getByRole('progressbar', { name: 'Import progress' });
  await bar.waitFor();
  await page.getByText('28 users imported, 2 rows not imported.').waitFor();
  assert.equal(await bar.getAttribute('value'), '30');

  const report = page.getByRole('table', { name: 'Rows not imported' });
  const rows = await report.locator('tbody tr').evaluateAll((trs) =>
    trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent)),
  );
  assert.deepEqual(rows.map((r) => [Number(r[0]), r[1]]), [[11, 'not-an-email'], [24, bad.get(24)]]);
  for (const r of rows) assert.match(r[2], /not properly formatted/);

  // The API has the 28 users, with their organization, tags and external id.
  const ids = good.map((g) => g.ext);
  const found = (await api('GET', `/api/v2/users/show_many?external_ids=${ids.join(',')}`)).users;
  assert.equal(found.length, 28);
  assert.deepEqual(found.map((u) => u.email).sort(), good.map((g) => g.email).sort());
  const lea = found.find((u) => u.external_id === `ext-${stamp}-2`);
  assert.equal(lea.name, `Dupont, Léa ${stamp}`);
  assert.equal(lea.role, 'end-user');
  assert.deepEqual([...lea.tags].sort(), [`csv${stamp}`, 'vip']);
  const org = (await api('GET', `/api/v2/organizations/${lea.organization_id}`)).organization;
  assert.equal(org.name, `Acme ${stamp}`);
  assert.ok(found.every((u) => u.organization_id === org.id));

  assert.deepEqual(await seriousViolations(page), []);
  await screenshot(page, 'admin-users-import');
});

test('groups and agents: a group, an agent in it, a bad email refused next to the field, role and deactivation', async () => {
  const groupName = `Tier 2 ${stamp}`;
  await open('groups');
  await page.getByLabel('Name', { exact: true }).fill(groupName);
  await page.getByRole('button', { name: 'Create the group' }).click();
  await page.getByRole('status').filter({ hasText: `Group ${groupName} created.` }).waitFor();
  const group = (await api('GET', '/api/v2/groups?per_page=100')).groups.find((g) => g.name === groupName);
  assert.ok(group);

  await open('agents');
  await page.getByRole('heading', { level: 1, name: 'Agents and roles' }).waitFor();
  const form = page.getByRole('form', { name: 'Add an agent' });
  await form.getByLabel('Name', { exact: true }).fill(`Agnès Agent ${stamp}`);
  await form.getByLabel('Email', { exact: true }).fill('agnes..x@example.test');
  await form.getByLabel('Group', { exact: true }).selectOption({ label: groupName });
  await form.getByRole('button', { name: 'Add the agent' }).click();
  // The API's 422 is shown next to the email field (aria-describedby).
  const email = form.getByLabel('Email', { exact: true });
  await form.locator('.field-error').filter({ hasText: 'not properly formatted' }).waitFor();
  assert.equal(await email.getAttribute('aria-invalid'), 'true');
  const describedBy = await email.getAttribute('aria-describedby');
  assert.match(await page.locator(`[id="${describedBy}"]`).innerText(), /not properly formatted/);

  const address = uniqueEmail('agnes');
  await email.fill(address);
  await form.getByRole('button', { name: 'Add the agent' }).click();
  await page.getByRole('status').filter({ hasText: `Agnès Agent ${stamp} is added.` }).waitFor();
  const agent = (await api('GET', `/api/v2/users/search?query=${encodeURIComponent(address)}`)).users[0];
  assert.equal(agent.role, 'agent');
  const memberships = (await api('GET', `/api/v2/users/${agent.id}/group_memberships`)).group_memberships;
  assert.deepEqual(memberships.map((m) => m.group_id), [group.id]);

  // Role and deactivation from the list.
  await page.getByLabel(`Role of Agnès Agent ${stamp}`, { exact: true }).selectOption('admin');
  await page.getByRole('status').filter({ hasText: `The role of Agnès Agent ${stamp} is changed.` }).waitFor();
  assert.equal((await api('GET', `/api/v2/users/${agent.id}`)).user.role, 'admin');
  await page.getByRole('button', { name: `Deactivate Agnès Agent ${stamp}` }).click();
  await page.getByRole('button', { name: `Reactivate Agnès Agent ${stamp}` }).waitFor();
  assert.equal((await api('GET', `/api/v2/users/${agent.id}`)).user.suspended, true);

  // The group's page lists the agent.
  await open(`groups/${group.id}`);
  await page.getByRole('list', { name: 'Members' }).getByText(`Agnès Agent ${stamp}`, { exact: true }).waitFor();
  await screenshot(page, 'admin-group');
});

test('ticket fields and forms: a drop-down with its choices, and a form using it in order', async () => {
  await open('ticket-fields/new');
  await page.getByLabel('Type', { exact: true }).selectOption('tagger');
  await page.getByLabel('Title', { exact: true }).fill(`Product ${stamp}`);
  for (const [i, name] of ['Printer', 'Scanner', 'Copier'].entries()) {
    await page.getByRole('button', { name: 'Add a choice' }).click();
    await page.getByLabel(`Choice ${i + 1}: name`, { exact: true }).fill(name);
  }
  // Order: Copier before Scanner.
  await page.getByRole('button', { name: 'Move up Copier' }).click();
  await page.getByRole('button', { name: 'Create', exact: true }).click();
  await page.waitForURL(/\/admin\/ticket-fields\/\d+$/);
  const fieldId = Number(page.url().match(/(\d+)$/)[1]);
  const field = (await api('GET', `/api/v2/ticket_fields/${fieldId}`)).ticket_field;
  assert.equal(field.type, 'tagger');
  assert.equal(field.title, `Product ${stamp}`);
  assert.deepEqual(field.custom_field_options.map((o) => o.name), ['Printer', 'Copier', 'Scanner']);
  assert.ok(field.custom_field_options.every((o) => o.value));
  await open('ticket-fields');
  await page.getByRole('link', { name: `Product ${stamp}` }).waitFor();
  assert.deepEqual(await seriousViolations(page), []);
  await screenshot(page, 'admin-ticket-fields');

  const other = (await api('POST', '/api/v2/ticket_fields', { ticket_field: { type: 'text', title: `Serial ${stamp}` } })).ticket_field;
  await open('ticket-forms/new');
  await page.getByLabel('Name', { exact: true }).fill(`Hardware ${stamp}`);
  for (const title of [`Product ${stamp}`, `Serial ${stamp}`]) {
    await page.getByLabel('Field to add', { exact: true }).selectOption({ label: title });
    await page.getByRole('button', { name: 'Add the field' }).click();
  }
  await page.getByRole('button', { name: `Move up Serial ${stamp}` }).click();
  await page.getByRole('button', { name: 'Create', exact: true }).click();
  await page.waitForURL(/\/admin\/ticket-forms\/\d+$/);
  const formId = Number(page.url().match(/(\d+)$/)[1]);
  const form = (await api('GET', `/api/v2/ticket_forms/${formId}`)).ticket_form;
  assert.equal(form.name, `Hardware ${stamp}`);
  assert.deepEqual(form.ticket_field_ids, [other.id, fieldId]);
  await screenshot(page, 'admin-ticket-form');
});

test('webhooks: a test request reaches the loopback receiver; a trigger call shows in the invocation log', async () => {
  await open('webhooks/new');
  await page.getByLabel('Name', { exact: true }).fill(`Orders ${stamp}`);
  await page.getByLabel('Endpoint URL', { exact: true }).fill(`${hook.url}/orders`);
  await page.getByRole('button', { name: 'Create', exact: true }).click();
  await page.waitForURL(/\/admin\/webhooks\/\d+$/);
  const id = page.url().match(/(\d+)$/)[1];

  await page.getByLabel('Request body', { exact: true }).fill(`{"probe":"${stamp}"}`);
  await page.getByRole('button', { name: 'Send the test' }).click();
  await page.getByRole('status').filter({ hasText: 'The endpoint answered HTTP 200.' }).waitFor();
  const got = hook.requests.find((r) => r.url === '/orders' && r.body === `{"probe":"${stamp}"}`);
  assert.ok(got, 'the receiver got the test request');
  assert.ok(got.headers['x-zendesk-webhook-signature']);

  await page.getByRole('button', { name: 'Reveal the secret' }).click();
  const secret = (await api('GET', `/api/v2/webhooks/${id}/signing_secret`)).signing_secret.secret;
  assert.equal(await page.getByLabel('Secret value', { exact: true }).inputValue(), secret);

  // A trigger calls the webhook when a ticket is created with our tag.
  const tag = `hook${stamp}`;
  await api('POST', '/api/v2/triggers', {
    trigger: {
      title: `Call orders ${stamp}`,
      conditions: { all: [{ field: 'update_type', operator: 'is', value: 'Create' }, { field: 'current_tags', operator: 'includes', value: tag }], any: [] },
      actions: [{ field: 'notification_webhook', value: [id, '{"ticket":"{{ticket.id}}"}'] }],
    },
  });
  const ticket = (await api('POST', '/api/v2/tickets', { ticket: { subject: 'Order stuck', comment: { body: 'Help' }, tags: [tag] } })).ticket;
  await waitFor(() => hook.requests.find((r) => r.body === `{"ticket":"${ticket.id}"}`), 'the trigger call');
  const inv = await waitFor(
    async () => (await api('GET', `/api/v2/webhooks/${id}/invocations`)).invocations.find((i) => i.status === 'success'),
    'a successful invocation',
  );
  await page.getByRole('button', { name: 'Refresh' }).click();
  const log = page.getByRole('table', { name: 'Invocation log' });
  await log.getByRole('cell', { name: 'success' }).waitFor();
  await log.getByRole('button', { name: `Attempts of invocation ${inv.id}` }).click();
  await log.getByText(/HTTP 200 \(success\)/).waitFor();
  assert.deepEqual(await seriousViolations(page), []);
  await screenshot(page, 'admin-webhook');
});

test('API tokens: the new token is shown once, works, and is revoked', async () => {
  await open('api-tokens');
  await page.getByLabel('Description', { exact: true }).fill(`CI ${stamp}`);
  await page.getByRole('button', { name: 'Create', exact: true }).click();
  const value = await page.getByLabel('Token value', { exact: true }).inputValue();
  assert.ok(value.length >= 20, value);
  const me = await srv.request('GET', '/api/v2/users/me', { auth: { email: ADMIN_EMAIL, token: value } });
  assert.equal(me.status, 200, me.text);
  assert.equal(me.json.user.email, ADMIN_EMAIL);
  await screenshot(page, 'admin-api-token');
  // Once: after "I have copied it" or a reload, the value is nowhere on the page.
  await page.getByRole('button', { name: 'I have copied it' }).click();
  assert.ok(!(await page.content()).includes(value));
  await page.reload();
  await page.getByRole('button', { name: `Revoke CI ${stamp}` }).waitFor();
  assert.ok(!(await page.content()).includes(value));
  await page.getByRole('button', { name: `Revoke CI ${stamp}` }).click();
  await page.getByRole('status').filter({ hasText: `The token CI ${stamp} is revoked.` }).waitFor();
  const after = await srv.request('GET', '/api/v2/users/me', { auth: { email: ADMIN_EMAIL, token: value } });
  assert.equal(after.status, 401);
});

test('email settings keep the password write-only; a broadcast is sent, listed and deleted', async () => {
  await open('email');
  await page.getByLabel('SMTP server', { exact: true }).fill('smtp.example.test');
  await page.getByLabel('Port', { exact: true }).fill('70000');
  await page.getByLabel('Password', { exact: true }).fill('s3cret-smtp');
  await page.getByRole('button', { name: 'Save' }).click();
  await page.locator('.field-error').filter({ hasText: 'smtp_port' }).waitFor();
  await page.getByLabel('Port', { exact: true }).fill('2525');
  await page.getByRole('button', { name: 'Save' }).click();
  await page.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
  const s = (await api('GET', '/api/v2/comptoir/email_settings')).email_settings;
  assert.equal(s.smtp_port, 2525);
  assert.equal(s.password_set, true);
  await page.getByText('A password is stored').waitFor();
  assert.equal(await page.getByLabel('Password', { exact: true }).inputValue(), '');
  assert.ok(!(await page.content()).includes('s3cret-smtp'));

  await open('broadcasts');
  await page.getByLabel('Subject', { exact: true }).fill(`Maintenance ${stamp}`);
  await page.getByLabel('Message', { exact: true }).fill('Tonight at 22:00.');
  await page.getByRole('button', { name: 'Send to agents' }).click();
  await page.getByRole('article', { name: `Maintenance ${stamp}` }).waitFor();
  const all = (await api('GET', '/api/v2/agent_broadcasts?scope=all')).agent_broadcasts;
  const b = all.find((x) => x.subject === `Maintenance ${stamp}`);
  assert.ok(b);
  await page.getByRole('button', { name: `Delete Maintenance ${stamp}` }).click();
  await page.getByRole('status').filter({ hasText: 'is deleted' }).waitFor();
  assert.ok(!(await api('GET', '/api/v2/agent_broadcasts?scope=all')).agent_broadcasts.some((x) => x.id === b.id));
});

test('at 390x844 the import and webhook pages fit the screen', async () => {
  await page.setViewportSize({ width: 390, height: 844 });
  for (const section of ['end-users', 'webhooks', 'agents']) {
    await open(section);
    await page.getByRole('heading', { level: 1 }).waitFor();
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(width <= 390, `${section}: the page is ${width} px wide`);
  }
  await open('end-users');
  await page.getByLabel('CSV file', { exact: true }).waitFor();
  await screenshot(page, 'admin-users-390');
  assert.deepEqual(consoleErrors, []);
});
