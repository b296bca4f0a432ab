// The admin center's business rules, end to end: the real server (a temp SQLite file)
// serving the built app, chromium driven by playwright-core, an admin signed in. A trigger
// is built in the condition/action builder and seen firing on a ticket created through the
// API; an automation, a view and a macro are edited in the builder and checked through the
// API; rules are reordered from the keyboard; an SLA policy gets a targets grid (and a bad
// cell shows its error in the cell); a schedule gets a split shift and a holiday, and
// invalid ones show their errors next to the field. axe-core checks the editors.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, uniqueName } from '../api/harness.mjs';
import { launch, screenshot, seriousViolations, uiDir, recordErrors, signIn } from './browser.mjs';

let srv;
let chrome;
let context;
let page;
const consoleErrors = [];

async function api(method, path, body) {
  const r = await srv.request(method, path, body === undefined ? {} : { body });
  assert.ok(r.status < 300, `${method} ${path}: ${r.status} ${r.text}`);
  return r.json;
}

const idFromUrl = () => Number(/\/(\d+)(?:\?|$)/.exec(page.url())?.[1]);

before(async () => {
  srv = await startServer({ env: { COMPTOIR_UI_DIR: uiDir } });
  chrome = await launch();
  context = await chrome.browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-US' });
  page = await context.newPage();
  recordErrors(page, consoleErrors);
  page.on('dialog', (d) => void d.accept());
  await signIn(page, srv.url, { email: srv.adminEmail, password: srv.adminPassword });
});

after(async () => {
  await chrome?.close();
  await srv?.stop();
});

async function open(path) {
  await page.goto(`${srv.url}/agent${path}`);
}

test('a trigger built in the builder fires on a new ticket whose subject has the word', async () => {
  const word = `zebra${Date.now() % 100000}`;
  const tag = `${word}_seen`;
  await open('/admin/triggers');
  await page.getByRole('heading', { level: 1, name: 'Triggers' }).waitFor();
  await page.getByRole('link', { name: 'New trigger' }).click();
  await page.getByRole('heading', { level: 1, name: 'Triggers: new' }).waitFor();
  await page.getByLabel('Title', { exact: true }).fill(`Tag ${word} tickets`);

  const all = page.locator('fieldset[data-list="all"]');
  await all.getByRole('button', { name: 'Add an ALL condition' }).click();
  await all.getByLabel('Condition 1: field').selectOption({ label: 'Ticket is' });
  await all.getByLabel('Condition 1: operator').selectOption('is');
  await all.getByLabel('Row 1: value').selectOption('Create');
  await all.getByRole('button', { name: 'Add an ALL condition' }).click();
  await all.getByLabel('Condition 2: field').selectOption({ label: 'Subject text' });
  await all.getByLabel('Condition 2: operator').selectOption('includes');
  await all.getByLabel('Row 2: value').fill(word);

  const actions = page.locator('fieldset[data-list="actions"]');
  await actions.getByRole('button', { name: 'Add an action' }).click();
  await actions.getByLabel('Action 1', { exact: true }).selectOption('current_tags');
  await actions.getByLabel('Row 1: value').fill(tag);
  await actions.getByRole('button', { name: 'Add an action' }).click();
  await actions.getByLabel('Action 2', { exact: true }).selectOption('priority');
  await actions.getByLabel('Row 2: value').selectOption('high');

  assert.deepEqual(await seriousViolations(page), []);
  await screenshot(page, 'admin-trigger-editor');
  await page.getByRole('button', { name: 'Save' }).click();
  await page.waitForURL(/\/admin\/triggers\/\d+$/);
  const id = idFromUrl();
  const saved = (await api('GET', `/api/v2/triggers/${id}.json`)).trigger;
  assert.deepEqual(saved.conditions.all.map((c) => [c.field, c.operator, String(c.value)]), [
    ['update_type', 'is', 'Create'],
    ['subject_includes_word', 'includes', word],
  ]);
  assert.deepEqual(saved.actions.map((a) => [a.field, a.value]), [['current_tags', tag], ['priority', 'high']]);

  // It fires on a new ticket with the word in its subject, and not on one without.
  const hit = (await api('POST', '/api/v2/tickets.json', {
    ticket: { subject: `Printer ${word} again`, comment: { body: 'It jams.' }, priority: 'low' },
  })).ticket;
  const miss = (await api('POST', '/api/v2/tickets.json', {
    ticket: { subject: 'Printer again', comment: { body: 'It jams.' }, priority: 'low' },
  })).ticket;
  const after1 = (await api('GET', `/api/v2/tickets/${hit.id}.json`)).ticket;
  assert.ok(after1.tags.includes(tag), JSON.stringify(after1.tags));
  assert.equal(after1.priority, 'high');
  const after2 = (await api('GET', `/api/v2/tickets/${miss.id}.json`)).ticket;
  assert.ok(!after2.tags.includes(tag));
  assert.equal(after2.priority, 'low');
});

test('a 422 is shown next to the builder row it names', async () => {
  await open('/admin/triggers/new');
  await page.getByLabel('Title', { exact: true }).fill(uniqueName('Bad'));
  const all = page.locator('fieldset[data-list="all"]');
  await all.getByRole('button', { name: 'Add an ALL condition' }).click();
  await all.getByLabel('Condition 1: field').selectOption({ label: 'Ticket is' });
  await all.getByLabel('Row 1: value').selectOption('Create');
  const actions = page.locator('fieldset[data-list="actions"]');
  await actions.getByRole('button', { name: 'Add an action' }).click();
  await actions.getByLabel('Action 1', { exact: true }).selectOption('priority');
  await actions.getByRole('button', { name: 'Add an action' }).click();
  // The account has no webhook: the builder offers a box, and the API refuses the id.
  await actions.getByLabel('Action 2', { exact: true }).selectOption('notification_webhook');
  await actions.getByLabel('Action 2: recipient').fill('999999');
  await actions.getByLabel('Action 2: message').fill('{"id": "{{ticket.id}}"}');
  await page.getByRole('button', { name: 'Save' }).click();
  const row = actions.locator('li[data-row="1"]');
  await row.locator('.field-error').waitFor();
  assert.match(await row.locator('.field-error').innerText(), /actions\[1\].*999999/);
  assert.equal(await actions.locator('li[data-row="0"] .field-error').count(), 0);
  const described = await actions.getByLabel('Action 2', { exact: true }).getAttribute('aria-describedby');
  assert.ok(described, 'the action row is described by its error');
  assert.match(page.url(), /\/admin\/triggers\/new/);
  await screenshot(page, 'admin-trigger-422');
});

test('triggers: reorder from the keyboard, clone, deactivate, delete', async () => {
  const mk = async (title) => (await api('POST', '/api/v2/triggers.json', {
    trigger: { title, conditions: { all: [{ field: 'update_type', operator: 'is', value: 'Change' }] }, actions: [{ field: 'current_tags', value: 'x' }] },
  })).trigger;
  const a = await mk(uniqueName('First'));
  const b = await mk(uniqueName('Second'));
  await open('/admin/triggers');
  const rowB = page.locator(`tr[data-rule-id="${b.id}"]`);
  await rowB.waitFor();
  await rowB.getByRole('button', { name: `Move ${b.title} up` }).focus();
  await page.keyboard.press('Enter');
  await page.getByRole('status').filter({ hasText: `${b.title} is now number` }).waitFor({ state: 'attached' });
  const list = (await api('GET', '/api/v2/triggers.json?sort_by=position')).triggers.map((t) => t.id);
  assert.ok(list.indexOf(b.id) < list.indexOf(a.id), `${list}`);

  await rowB.getByRole('button', { name: `Deactivate ${b.title}` }).click();
  await rowB.getByText('Inactive', { exact: true }).waitFor();
  assert.equal((await api('GET', `/api/v2/triggers/${b.id}.json`)).trigger.active, false);

  await rowB.getByRole('link', { name: `Clone ${b.title}` }).click();
  const titleBox = page.getByLabel('Title', { exact: true });
  await titleBox.waitFor();
  for (let i = 0; i < 50 && !(await titleBox.inputValue()).startsWith('Copy of'); i++) await page.waitForTimeout(100);
  await page.getByRole('button', { name: 'Save' }).click();
  await page.waitForURL(/\/admin\/triggers\/\d+$/);
  const clone = (await api('GET', `/api/v2/triggers/${idFromUrl()}.json`)).trigger;
  assert.equal(clone.title, `Copy of ${b.title}`);
  assert.deepEqual(clone.conditions, b.conditions);

  await open('/admin/triggers');
  await page.locator(`tr[data-rule-id="${a.id}"]`).getByRole('button', { name: `Delete ${a.title}` }).click();
  await page.locator(`tr[data-rule-id="${a.id}"]`).waitFor({ state: 'detached' });
  const gone = await srv.request('GET', `/api/v2/triggers/${a.id}.json`);
  assert.equal(gone.status, 404);
});

test('an automation, a view and a macro edited in the builder', async () => {
  const tag = `aut_${Date.now() % 100000}`;
  const aut = (await api('POST', '/api/v2/automations.json', {
    automation: {
      title: uniqueName('Nudge'),
      conditions: { all: [
        { field: 'status', operator: 'is', value: 'pending' },
        { field: 'PENDING', operator: 'greater_than', value: '48' },
        { field: 'current_tags', operator: 'not_includes', value: tag },
      ] },
      actions: [{ field: 'current_tags', value: tag }],
    },
  })).automation;
  await open(`/admin/automations/${aut.id}`);
  const all = page.locator('fieldset[data-list="all"]');
  await all.getByLabel('Row 2: value').waitFor();
  assert.equal(await all.getByLabel('Row 2: value').inputValue(), '48');
  await all.getByLabel('Row 2: value').fill('72');
  const actions = page.locator('fieldset[data-list="actions"]');
  await actions.getByRole('button', { name: 'Add an action' }).click();
  await actions.getByLabel('Action 2', { exact: true }).selectOption('priority');
  await actions.getByLabel('Row 2: value').selectOption('urgent');
  await page.getByRole('button', { name: 'Save' }).click();
  await page.getByText('Saved.').waitFor();
  const a2 = (await api('GET', `/api/v2/automations/${aut.id}.json`)).automation;
  assert.equal(String(a2.conditions.all[1].value), '72');
  assert.deepEqual(a2.actions.map((x) => x.field), ['current_tags', 'priority']);

  const view = (await api('POST', '/api/v2/views.json', {
    view: { title: uniqueName('Pending'), all: [{ field: 'status', operator: 'is', value: 'pending' }], output: { columns: ['nice_id', 'description'] } },
  })).view;
  await open(`/admin/views/${view.id}`);
  const vall = page.locator('fieldset[data-list="all"]');
  await vall.getByLabel('Row 1: value').waitFor();
  await vall.getByLabel('Row 1: value').selectOption('open');
  await page.getByLabel('Add a column').selectOption('priority');
  await page.getByRole('button', { name: 'Add', exact: true }).click();
  await page.getByLabel('Sort by').selectOption('priority');
  await page.getByLabel('Order', { exact: true }).selectOption('asc');
  await page.getByRole('button', { name: 'Save' }).click();
  await page.getByText('Saved.').waitFor();
  const v2 = (await api('GET', `/api/v2/views/${view.id}.json`)).view;
  assert.deepEqual(v2.conditions.all, [{ field: 'status', operator: 'is', value: 'open' }]);
  assert.deepEqual(v2.execution.columns.map((c) => c.id), ['nice_id', 'description', 'priority']);
  assert.equal(v2.execution.sort_by, 'priority');
  assert.equal(v2.execution.sort_order, 'asc');

  const macro = (await api('POST', '/api/v2/macros.json', {
    macro: { title: uniqueName('Ask'), actions: [{ field: 'status', value: 'pending' }] },
  })).macro;
  await open(`/admin/macros/${macro.id}`);
  const mact = page.locator('fieldset[data-list="actions"]');
  await mact.getByLabel('Row 1: value').waitFor();
  assert.equal(await page.locator('fieldset[data-list="all"]').count(), 0);
  await mact.getByRole('button', { name: 'Add an action' }).click();
  await mact.getByLabel('Action 2', { exact: true }).selectOption('comment_value');
  await mact.getByLabel('Row 2: value').fill('Could you send the serial number?');
  await page.getByRole('button', { name: 'Save' }).click();
  await page.getByText('Saved.').waitFor();
  const m2 = (await api('GET', `/api/v2/macros/${macro.id}.json`)).macro;
  assert.deepEqual(m2.actions, [
    { field: 'status', value: 'pending' },
    { field: 'comment_value', value: 'Could you send the serial number?' },
  ]);
  await screenshot(page, 'admin-macro-editor');
});

test('an SLA policy with a targets grid; a bad cell shows its error in the cell', async () => {
  await open('/admin/slas/new');
  await page.getByRole('heading', { level: 1, name: 'SLA policies: new' }).waitFor();
  const title = uniqueName('Urgent incidents');
  await page.getByLabel('Title', { exact: true }).fill(title);
  const all = page.locator('fieldset[data-list="all"]');
  await all.getByRole('button', { name: 'Add an ALL condition' }).click();
  await all.getByLabel('Condition 1: field').selectOption('type');
  await all.getByLabel('Condition 1: operator').selectOption('is');
  await all.getByLabel('Row 1: value').selectOption('incident');
  await page.getByLabel('Target: First reply time, Urgent').fill('2');
  await page.getByLabel('Unit: First reply time, Urgent').selectOption('hours');
  await page.getByLabel('Target: First reply time, High').fill('30');
  await page.getByLabel('Unit: First reply time, High').selectOption('minutes');
  await page.getByLabel('Hours: First reply time, High').selectOption('calendar');
  await page.getByLabel('Target: Requester wait time, Urgent').fill('0');
  await page.getByRole('button', { name: 'Save' }).click();
  const bad = page.locator('td[data-cell="urgent/requester_wait_time"] .field-error');
  await bad.waitFor();
  assert.match(await bad.innerText(), /at least 1 minute/);
  assert.deepEqual(await seriousViolations(page), []);
  await screenshot(page, 'admin-sla-error');

  await page.getByLabel('Target: Requester wait time, Urgent').fill('8');
  await page.getByRole('button', { name: 'Save' }).click();
  await page.waitForURL(/\/admin\/slas\/\d+$/);
  const p = (await api('GET', `/api/v2/slas/policies/${idFromUrl()}.json`)).sla_policy;
  assert.equal(p.title, title);
  assert.deepEqual(p.filter.all, [{ field: 'type', operator: 'is', value: 'incident' }]);
  const got = p.policy_metrics.map((m) => `${m.priority}/${m.metric}/${m.target}/${m.business_hours}`).sort();
  assert.deepEqual(got, [
    'high/first_reply_time/30/false',
    'urgent/first_reply_time/120/true',
    'urgent/requester_wait_time/480/true',
  ]);
  // Reopened, the grid shows what was saved.
  await page.getByLabel('Target: First reply time, Urgent').waitFor();
  assert.equal(await page.getByLabel('Target: First reply time, Urgent').inputValue(), '2');
  assert.equal(await page.getByLabel('Unit: First reply time, Urgent').inputValue(), 'hours');
  await screenshot(page, 'admin-sla-editor');
});

test('a schedule with a split shift and a holiday; invalid ones show errors next to the field', async () => {
  await open('/admin/schedules/new');
  await page.getByRole('heading', { level: 1, name: 'Schedules: new' }).waitFor();
  const name = uniqueName('Paris desk');
  await page.getByLabel('Name', { exact: true }).fill(name);
  await page.getByLabel('Time zone').selectOption('Paris');
  // Monday: 09:00–12:00 and 13:00–17:00.
  await page.getByLabel('Monday, interval 1: end').fill('12:00');
  await page.getByRole('button', { name: 'Add an interval on Monday' }).click();
  await page.getByLabel('Monday, interval 2: start').fill('13:00');
  await page.getByLabel('Monday, interval 2: end').fill('17:00');
  // Tuesday overlaps: refused, the error next to the weekly hours.
  await page.getByRole('button', { name: 'Add an interval on Tuesday' }).click();
  await page.getByLabel('Tuesday, interval 2: start').fill('16:00');
  await page.getByLabel('Tuesday, interval 2: end').fill('18:00');
  await page.getByRole('button', { name: 'Add a holiday' }).click();
  await page.getByLabel('Holiday 1: name').fill('Christmas');
  await page.getByLabel('Holiday 1: first day').fill('2026-12-25');
  await page.getByLabel('Holiday 1: last day').fill('2026-12-26');
  assert.deepEqual(await seriousViolations(page), []);
  await page.getByRole('button', { name: 'Save' }).click();
  const weekErr = page.locator('fieldset.week > .field-error');
  await weekErr.waitFor();
  assert.match(await weekErr.innerText(), /overlap/i);
  const none = (await api('GET', '/api/v2/business_hours/schedules.json')).schedules.filter((s) => s.name === name);
  assert.equal(none.length, 0);
  await screenshot(page, 'admin-schedule-error');

  await page.getByRole('button', { name: 'Remove Tuesday, interval 2' }).click();
  await page.getByRole('button', { name: 'Save' }).click();
  await page.waitForURL(/\/admin\/schedules\/\d+$/);
  const id = idFromUrl();
  const s = (await api('GET', `/api/v2/business_hours/schedules/${id}.json`)).schedule;
  assert.equal(s.time_zone, 'Paris');
  const monday = s.intervals.filter((i) => i.start_time >= 1440 && i.start_time < 2880);
  assert.deepEqual(monday, [{ start_time: 1440 + 540, end_time: 1440 + 720 }, { start_time: 1440 + 780, end_time: 1440 + 1020 }]);
  assert.equal(s.intervals.length, 6);
  const h = (await api('GET', `/api/v2/business_hours/schedules/${id}/holidays.json`)).holidays;
  assert.deepEqual(h.map((x) => [x.name, x.start_date, x.end_date]), [['Christmas', '2026-12-25', '2026-12-26']]);

  // A holiday that ends before it starts: the error next to its last day.
  await page.getByLabel('Holiday 1: name').waitFor();
  await page.getByRole('button', { name: 'Add a holiday' }).click();
  await page.getByLabel('Holiday 2: name').fill('Backwards');
  await page.getByLabel('Holiday 2: first day').fill('2026-05-02');
  await page.getByLabel('Holiday 2: last day').fill('2026-05-01');
  await page.getByRole('button', { name: 'Save' }).click();
  const endErr = page.locator('li[data-holiday="1"] .field-error');
  await endErr.waitFor();
  assert.match(await endErr.innerText(), /before the start/);
  const described = await page.getByLabel('Holiday 2: last day').getAttribute('aria-describedby');
  assert.equal(await page.locator(`[id="${described}"]`).innerText(), await endErr.innerText());
  assert.deepEqual(await seriousViolations(page), []);
  await screenshot(page, 'admin-schedule-editor');
});

test('the rule editors are usable at 390 px wide', async () => {
  const phone = await chrome.browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'en-US', storageState: await context.storageState() });
  const p = await phone.newPage();
  try {
    await p.goto(`${srv.url}/agent/admin/triggers/new`);
    await p.getByRole('heading', { level: 1, name: 'Triggers: new' }).waitFor();
    await p.locator('fieldset[data-list="all"]').getByRole('button', { name: 'Add an ALL condition' }).click();
    const width = await p.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(width <= 392, `page is ${width}px wide`);
    await screenshot(p, 'admin-trigger-editor-390');
  } finally {
    await phone.close();
  }
});

test('no errors in the browser console', () => {
  assert.deepEqual(consoleErrors.filter((e) => !/status of 4\d\d/.test(e)), []);
});
