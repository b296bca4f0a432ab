// Working the queue end to end (issue 7 §3, §8, §9): the real server (a temp SQLite file)
// and Debian's chromium. Multi-select and the bulk edit bar (20 tickets: status + tag,
// then a macro), the job's progress bar and per-ticket results; the header search box
// (words, filters, people; a query the server cannot parse shown under the box, in the
// user's language); the keyboard shortcut sheet; the same screens 390 px wide. Each test
// saves a screenshot in tests/ui/artifacts/; axe-core checks the table with the bulk bar
// open and the search page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, uniqueEmail } from '../api/harness.mjs';
import path from 'node:path';
import { artifactsDir, launch, screenshot, seriousViolations, uiDir, recordErrors, signIn } from './browser.mjs';

let srv;
let chrome;
let context;
let page;
let agent;
let requester;
let macro;
const tickets = [];
const consoleErrors = [];
const word = `quokka${Date.now() % 100000}`;
const personName = `Zéphyrin Quillard ${Date.now() % 100000}`;

async function api(method, path, body) {
  const r = await srv.request(method, path, body === undefined ? {} : { body });
  assert.ok(r.status < 300, `${method} ${path}: ${r.status} ${r.text}`);
  return r.json;
}

before(async () => {
  srv = await startServer({ env: { COMPTOIR_UI_DIR: uiDir } });
  agent = await srv.createUserWithPassword({ role: 'agent', name: 'Quentin Queue' });
  requester = (
    await api('POST', '/api/v2/users.json', {
      user: { name: personName, email: uniqueEmail('zephyrin'), role: 'end-user' },
    })
  ).user;
  for (let i = 1; i <= 22; i++) {
    const subject = i === 7 ? `The ${word} in the server room` : `Queue ticket ${i}`;
    const t = await api('POST', '/api/v2/tickets.json', {
      ticket: { subject, comment: { body: `Body of ticket ${i}` }, requester_id: requester.id, priority: 'normal' },
    });
    tickets.push(t.ticket);
  }
  macro = (
    await api('POST', '/api/v2/macros.json', {
      macro: {
        title: 'Escalate to urgent',
        actions: [
          { field: 'priority', value: 'urgent' },
          { field: 'comment_value', value: 'Escalated by the queue.' },
          { field: 'current_tags', value: 'escalated' },
        ],
      },
    })
  ).macro;
  chrome = await launch();
  context = await chrome.browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-US' });
  page = await context.newPage();
  recordErrors(page, consoleErrors);
  await signIn(page, srv.url, agent.auth);
});

after(async () => {
  await chrome?.close();
  await srv?.stop();
});

async function openUnsolved(p = page) {
  await p.getByRole('link', { name: /All unsolved tickets/ }).click();
  await p.getByRole('heading', { level: 1, name: 'All unsolved tickets' }).waitFor();
  await p.locator('table.tickets tbody tr').first().waitFor();
}

const selectedIds = async () =>
  (await page.locator('table.tickets tbody tr.selected').evaluateAll((rows) => rows.map((r) => Number(r.dataset.ticket))));

test('20 tickets are selected (keyboard and checkboxes) and bulk-updated: status and a tag, with progress', async () => {
  await openUnsolved();
  const rows = page.locator('table.tickets tbody tr');
  assert.equal(await rows.count(), 22);
  // Keyboard: j focuses the first row, x selects it, j moves on, x selects the second.
  await page.locator('main h1').click();
  await page.keyboard.press('j');
  await page.keyboard.press('x');
  await page.keyboard.press('j');
  await page.keyboard.press('x');
  assert.equal((await selectedIds()).length, 2);
  await page.getByRole('status').filter({ hasText: '2 selected' }).waitFor();
  await page.keyboard.press('x'); // toggles the focused (second) row off again
  assert.equal((await selectedIds()).length, 1);
  // Select every ticket on the page, then leave out the last two.
  await page.getByLabel('Select every ticket on this page').check();
  assert.equal((await selectedIds()).length, 22);
  const all = await rows.evaluateAll((rs) => rs.map((r) => Number(r.dataset.ticket)));
  for (const id of all.slice(20)) await page.getByRole('checkbox', { name: `Select ticket #${id}`, exact: true }).uncheck();
  const chosen = await selectedIds();
  assert.equal(chosen.length, 20);
  await page.getByRole('status').filter({ hasText: '20 selected' }).waitFor();

  const bar = page.getByRole('form', { name: 'Change the selected tickets' });
  await bar.getByLabel('Status').selectOption('pending');
  await bar.getByLabel('Add tags').fill('bulk_done');
  assert.deepEqual(await seriousViolations(page), []);
  await screenshot(page, 'queue-bulk-bar');

  await bar.getByRole('button', { name: 'Update 20 tickets' }).click();
  const progress = page.getByRole('progressbar', { name: 'Updating tickets' });
  await progress.waitFor();
  await page.getByRole('status').filter({ hasText: 'Done: 20 of 20 tickets updated.' }).waitFor({ timeout: 20_000 });
  assert.equal(await progress.getAttribute('max'), '20');
  assert.equal(await progress.getAttribute('value'), '20');
  assert.equal(await progress.getAttribute('data-job-status'), 'completed');
  assert.deepEqual(await seriousViolations(page), []);
  await screenshot(page, 'queue-bulk-done');

  for (const t of tickets) {
    const now = (await api('GET', `/api/v2/tickets/${t.id}.json`)).ticket;
    if (chosen.includes(t.id)) {
      assert.equal(now.status, 'pending', `#${t.id}`);
      assert.ok(now.tags.includes('bulk_done'), `#${t.id}: ${now.tags}`);
    } else {
      assert.notEqual(now.status, 'pending', `#${t.id} was not selected`);
      assert.ok(!now.tags.includes('bulk_done'));
    }
  }
  // The selection is cleared and the table refreshed with the new statuses.
  assert.equal((await selectedIds()).length, 0);
  await page.locator(`table.tickets tr[data-ticket="${chosen[0]}"]`, { hasText: 'Pending' }).waitFor();
  // Per-ticket results.
  await page.getByText('Results', { exact: true }).click();
  await page.locator('.bulk-results li.ok').first().waitFor();
  assert.equal(await page.locator('.bulk-results li.ok').count(), 20);
});

test('a macro is applied to the selected tickets, each with its own changes', async () => {
  const ids = [];
  for (const t of tickets) {
    if ((await api('GET', `/api/v2/tickets/${t.id}.json`)).ticket.status !== 'pending') ids.push(t.id);
  }
  assert.equal(ids.length, 2);
  for (const id of ids) await page.getByRole('checkbox', { name: `Select ticket #${id}`, exact: true }).check();
  const bar = page.getByRole('form', { name: 'Change the selected tickets' });
  await bar.getByLabel('Apply a macro').selectOption(String(macro.id));
  await bar.getByLabel('Add tags').fill('from_bulk');
  await bar.getByRole('button', { name: 'Update 2 tickets' }).click();
  await page.getByRole('status').filter({ hasText: 'Done: 2 of 2 tickets updated.' }).waitFor({ timeout: 20_000 });
  for (const id of ids) {
    const t = (await api('GET', `/api/v2/tickets/${id}.json`)).ticket;
    assert.equal(t.priority, 'urgent');
    assert.ok(t.tags.includes('escalated') && t.tags.includes('from_bulk'), JSON.stringify(t.tags));
    const last = (await api('GET', `/api/v2/tickets/${id}/comments.json`)).comments.at(-1);
    assert.equal(last.body, 'Escalated by the queue.');
  }
  await screenshot(page, 'queue-bulk-macro');
});

test('a ticket that cannot change is reported on its own line and stays selected', async () => {
  // A view that keeps closed tickets (all of this requester's), and one closed ticket.
  const view = (
    await api('POST', '/api/v2/views.json', {
      view: {
        title: 'Everything from Zéphyrin',
        all: [{ field: 'requester_id', operator: 'is', value: requester.id }],
        output: { columns: ['status', 'subject', 'priority'] },
      },
    })
  ).view;
  const [a, b] = [tickets[0].id, tickets[1].id];
  await api('PUT', `/api/v2/tickets/${a}.json`, { ticket: { status: 'solved' } });
  await api('PUT', `/api/v2/tickets/${a}.json`, { ticket: { status: 'closed' } });
  await page.goto(`${srv.url}/agent/views/${view.id}`);
  await page.getByRole('heading', { level: 1, name: view.title }).waitFor();
  await page.getByRole('checkbox', { name: `Select ticket #${a}`, exact: true }).check();
  await page.getByRole('checkbox', { name: `Select ticket #${b}`, exact: true }).check();
  const bar = page.getByRole('form', { name: 'Change the selected tickets' });
  await bar.getByLabel('Priority').selectOption('high');
  await bar.getByRole('button', { name: 'Update 2 tickets' }).click();
  await page.getByRole('status').filter({ hasText: 'Done: 1 of 2 tickets updated, 1 failed.' }).waitFor({ timeout: 20_000 });
  const failed = page.locator('.bulk-results li.failed');
  assert.equal(await failed.count(), 1);
  assert.match(await failed.innerText(), new RegExp(`Ticket #${a}: .*closed`));
  assert.deepEqual(await selectedIds(), [a]);
  assert.equal((await api('GET', `/api/v2/tickets/${b}.json`)).ticket.priority, 'high');
  await screenshot(page, 'queue-bulk-failure');
  await page.locator('main h1').click();
  await page.keyboard.press('Escape');
  assert.deepEqual(await selectedIds(), []);
});

test('the search box finds a ticket by a word and by filters, and shows people', async () => {
  await page.locator('main h1').click();
  await page.keyboard.press('/');
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'search-box');
  await page.keyboard.type(word);
  await page.keyboard.press('Enter');
  await page.waitForURL(/\/agent\/search\?q=/);
  const ticketsSection = page.getByRole('region', { name: /Tickets/ });
  await ticketsSection.getByRole('link', { name: new RegExp(word) }).waitFor();
  await screenshot(page, 'search-word');

  let expected = 0;
  for (const t of tickets) {
    const now = (await api('GET', `/api/v2/tickets/${t.id}.json`)).ticket;
    if (now.status === 'pending' && now.tags.includes('bulk_done')) expected++;
  }
  assert.ok(expected >= 19);
  await page.getByRole('searchbox', { name: 'Search' }).fill('status:pending tags:bulk_done');
  await page.getByRole('searchbox', { name: 'Search' }).press('Enter');
  await page.getByRole('status').filter({ hasText: new RegExp(`^${expected} results$`) }).waitFor();
  assert.equal(await page.locator('li[data-result-type="ticket"]').count(), expected);

  await page.getByRole('searchbox', { name: 'Search' }).fill(`"${personName}"`);
  await page.getByRole('searchbox', { name: 'Search' }).press('Enter');
  const people = page.getByRole('region', { name: /People/ });
  await people.getByText(personName).waitFor();
  assert.deepEqual(await seriousViolations(page), []);
  await screenshot(page, 'search-people');
  // A person found opens their profile.
  await people.getByRole('link', { name: personName }).click();
  await page.waitForURL(/\/agent\/users\/\d+$/);
  await page.getByRole('heading', { name: personName }).first().waitFor();
  await page.goBack();
});

test('a query the server cannot parse is shown under the box with its position, in French too', async () => {
  const box = page.getByRole('searchbox', { name: 'Search' });
  await box.fill('printer status:sometimes');
  await box.press('Enter');
  const err = page.locator('#search-error');
  await err.waitFor();
  assert.match(await err.innerText(), /cannot be read at character 16: status takes new, open/);
  assert.equal(await box.getAttribute('aria-invalid'), 'true');
  assert.equal(await box.getAttribute('aria-describedby'), 'search-error');
  assert.equal(await err.locator('mark').innerText(), 's');
  assert.deepEqual(await seriousViolations(page), []);
  await screenshot(page, 'search-error');
  await page.getByLabel('Language').selectOption('fr');
  await page.locator('#search-error', { hasText: 'illisible au caractère 16 : status prend new' }).waitFor();
  await screenshot(page, 'search-error-fr');
  await page.getByLabel('Langue').selectOption('en');
  // A good query clears it.
  await box.fill(word);
  await box.press('Enter');
  await page.getByRole('region', { name: /Tickets/ }).waitFor();
  assert.equal(await page.locator('#search-error').count(), 0);
});

test('the shortcut sheet opens with ? and closes with Esc; g v goes to the views', async () => {
  await page.locator('main h1').click();
  await page.keyboard.press('?');
  const sheet = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
  await sheet.waitFor();
  await sheet.getByRole('cell', { name: 'Select or unselect the focused ticket' }).waitFor();
  assert.deepEqual(await seriousViolations(page), []);
  await screenshot(page, 'shortcut-sheet');
  await page.keyboard.press('Escape');
  await sheet.waitFor({ state: 'hidden' });
  // The same from its button.
  await page.getByRole('button', { name: 'Keyboard shortcuts (?)' }).click();
  await sheet.waitFor();
  await sheet.getByRole('button', { name: 'Close' }).click();
  await sheet.waitFor({ state: 'hidden' });
  await page.locator('main h1').click();
  await page.keyboard.press('g');
  await page.keyboard.press('v');
  assert.match(await page.evaluate(() => document.activeElement?.closest('nav')?.className ?? ''), /sidebar/);
  await page.keyboard.press('Enter');
  await page.waitForURL(/\/agent\/views\/\d+/);
  await page.locator('section.view').waitFor();
});

test('phone, 390 × 844: the views, selection with the bulk bar, and search results fit', async () => {
  const phone = await context.newPage();
  try {
    await phone.setViewportSize({ width: 390, height: 844 });
    await phone.goto(`${srv.url}/agent/`);
    await openUnsolved(phone);
    const ids = await phone.locator('table.tickets tbody tr').evaluateAll((rs) => rs.slice(0, 2).map((r) => Number(r.dataset.ticket)));
    for (const id of ids) await phone.getByRole('checkbox', { name: `Select ticket #${id}`, exact: true }).check();
    await phone.getByRole('form', { name: 'Change the selected tickets' }).getByLabel('Status').waitFor();
    const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `view wider than the screen by ${overflow}px`);
    assert.deepEqual(await seriousViolations(phone), []);
    await screenshot(phone, 'phone-queue-bulk');
    await phone.screenshot({ path: path.join(artifactsDir, 'phone-queue-bulk-390x844.png') });
    await phone.getByRole('searchbox', { name: 'Search' }).fill(`"${personName}"`);
    await phone.getByRole('searchbox', { name: 'Search' }).press('Enter');
    await phone.getByRole('region', { name: /People/ }).waitFor();
    const overflowSearch = await phone.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflowSearch <= 0, `search wider than the screen by ${overflowSearch}px`);
    await screenshot(phone, 'phone-search');
    await phone.screenshot({ path: path.join(artifactsDir, 'phone-search-390x844.png') });
  } finally {
    await phone.close();
  }
});

test('no script errors', () => {
  const real = consoleErrors.filter((e) => !/401|403|Failed to load resource/.test(e));
  assert.deepEqual(real, []);
});
