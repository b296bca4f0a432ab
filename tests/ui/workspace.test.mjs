// The agent workspace end to end: the real server (a temp SQLite file) serving the built
// app at /agent/, Debian's chromium driven by playwright-core. One browser and one page
// go through an agent's day in order: sign in, a view, a ticket, a public reply, an
// internal note, a macro, an expired session, sign out; then an end user. Each test
// saves a screenshot in tests/ui/artifacts/; axe-core checks the sign-in, queue and
// ticket pages for serious or critical violations.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { startServer, uniqueEmail } from '../api/harness.mjs';
import { launch, screenshot, seriousViolations, uiDir } from './browser.mjs';

let srv;
let chrome;
let context;
let page;
let agent; // {user, auth}
let tickets = []; // created tickets, oldest first
let macro;
let keptDir; // the data dir kept across the restart of the lost-connection test
const consoleErrors = [];

async function api(method, path, body) {
  const r = await srv.request(method, path, body === undefined ? {} : { body });
  assert.ok(r.status < 300, `${method} ${path}: ${r.status} ${r.text}`);
  return r.json;
}

before(async () => {
  srv = await startServer({ env: { COMPTOIR_UI_DIR: uiDir } });
  agent = await srv.createUserWithPassword({ role: 'agent', name: 'Alice Agent' });
  const requester = await api('POST', '/api/v2/users.json', {
    user: { name: 'Rémi Requester', email: uniqueEmail('requester'), role: 'end-user' },
  });
  for (let i = 1; i <= 3; i++) {
    const t = await api('POST', '/api/v2/tickets.json', {
      ticket: {
        subject: `Printer on floor ${i} is jammed`,
        comment: { body: `The printer on floor ${i} shows error E${i}.` },
        requester_id: requester.user.id,
        priority: 'normal',
      },
    });
    tickets.push(t.ticket);
  }
  macro = (
    await api('POST', '/api/v2/macros.json', {
      macro: {
        title: 'Ask for the serial number',
        actions: [
          { field: 'status', value: 'pending' },
          { field: 'priority', value: 'high' },
          { field: 'comment_value', value: 'Could you send us the serial number of the printer?' },
          { field: 'current_tags', value: 'needs_serial' },
        ],
      },
    })
  ).macro;
  chrome = await launch();
  context = await chrome.browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-US' });
  page = await context.newPage();
  page.on('console', (m) => m.type() === 'error' && consoleErrors.push(m.text()));
  page.on('pageerror', (e) => consoleErrors.push(String(e)));
});

after(async () => {
  await chrome?.close();
  await srv?.stop();
  if (keptDir) await rm(keptDir, { recursive: true, force: true });
});

test('the sign-in page is served at /agent/ and passes axe', async () => {
  await page.goto(`${srv.url}/agent/`);
  await page.getByLabel('Email').waitFor();
  assert.match(page.url(), /\/agent\/signin\?return=/);
  assert.deepEqual(await seriousViolations(page), []);
  await screenshot(page, 'signin');
});

test('a wrong password is refused next to the form', async () => {
  await page.getByLabel('Email').fill(agent.auth.email);
  await page.getByLabel('Password').fill('not-the-password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('alert').filter({ hasText: 'incorrect' }).waitFor();
  await screenshot(page, 'signin-refused');
});

test('an agent signs in and lands on the first view, with counts in the sidebar', async () => {
  await page.getByLabel('Password').fill(agent.auth.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('navigation', { name: 'Views' }).waitFor();
  await page.waitForURL(/\/agent\/views\/\d+/);
  // The counts arrive from /views/count_many.
  const unsolved = page.getByRole('link', { name: /All unsolved tickets/ });
  await unsolved.locator('.count').filter({ hasText: /^\d+$/ }).waitFor();
  // The session cookie is HttpOnly: no script sees it.
  assert.equal(await page.evaluate(() => document.cookie.includes('comptoir_session')), false);
  // A write with the cookie but without the session's X-CSRF-Token is refused.
  const id = tickets[0].id;
  const status = await page.evaluate(async (tid) => {
    const r = await fetch(`/api/v2/tickets/${tid}.json`, {
      method: 'PUT',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ ticket: { priority: 'urgent' } }),
    });
    return r.status;
  }, id);
  assert.equal(status, 403);
  await screenshot(page, 'signed-in');
});

test('opening a view lists its tickets with the view columns; arrow keys and Enter open one', async () => {
  await page.getByRole('link', { name: /All unsolved tickets/ }).click();
  await page.getByRole('heading', { level: 1, name: 'All unsolved tickets' }).waitFor();
  const table = page.locator('table.tickets');
  await table.waitFor();
  for (const t of tickets) await table.getByText(t.subject).waitFor();
  const headers = await table.locator('thead th').allInnerTexts();
  assert.ok(headers.length >= 3, `columns: ${headers}`);
  assert.deepEqual(await seriousViolations(page), []);
  await screenshot(page, 'view');

  // Keyboard: focus the first row, move down, Enter.
  const links = table.locator('a.ticket-link');
  await links.first().focus();
  await page.keyboard.press('ArrowDown');
  const focused = await page.evaluate(() => document.activeElement?.textContent);
  assert.equal(focused, await links.nth(1).textContent());
  await page.keyboard.press('Enter');
  await page.waitForURL(/\/agent\/tickets\/\d+/);
});

test('the ticket page shows the conversation and properties, and passes axe', async () => {
  const id = Number(page.url().match(/tickets\/(\d+)/)[1]);
  assert.ok(tickets.some((t) => t.id === id));
  await page.getByRole('heading', { name: 'Conversation' }).waitFor();
  await page.locator('.comment.public').first().waitFor();
  await page.getByRole('complementary', { name: 'Properties' }).getByLabel('Status').waitFor();
  assert.deepEqual(await seriousViolations(page), []);
  await screenshot(page, 'ticket');
});

function currentTicketId() {
  return Number(page.url().match(/tickets\/(\d+)/)[1]);
}

test('a public reply is sent with "Submit as Pending" and shown as public', async () => {
  const id = currentTicketId();
  await page.getByRole('radio', { name: 'Public reply' }).check();
  await page.getByLabel('Your message').fill('We are sending a technician today.');
  await page.getByLabel('Status').selectOption('pending');
  await page.getByRole('button', { name: 'Submit as Pending' }).click();
  await page.getByRole('status').filter({ hasText: `Ticket #${id} updated.` }).waitFor();
  const reply = page.locator('.comment.public', { hasText: 'We are sending a technician today.' });
  await reply.waitFor();
  assert.match(await reply.innerText(), /Public reply/);
  const comments = (await api('GET', `/api/v2/tickets/${id}/comments.json`)).comments;
  const last = comments.at(-1);
  assert.equal(last.body, 'We are sending a technician today.');
  assert.equal(last.public, true);
  assert.equal(last.author_id, agent.user.id);
  assert.equal((await api('GET', `/api/v2/tickets/${id}.json`)).ticket.status, 'pending');
  await screenshot(page, 'public-reply');
});

test('an internal note is sent private and shown apart from public replies', async () => {
  const id = currentTicketId();
  await page.getByRole('radio', { name: 'Internal note' }).check();
  await page.getByLabel('Your message').fill('Toner supplier contract expires soon.');
  await page.getByRole('button', { name: /Submit as/ }).click();
  const note = page.locator('.comment.internal', { hasText: 'Toner supplier contract expires soon.' });
  await note.waitFor();
  assert.match(await note.innerText(), /Internal note/);
  const last = (await api('GET', `/api/v2/tickets/${id}/comments.json`)).comments.at(-1);
  assert.equal(last.public, false);
  // The history lists both comments.
  await page.getByRole('region', { name: 'History' }).getByText('Internal note added').waitFor();
  await screenshot(page, 'internal-note');
});

test('a macro is previewed into the form, then submitted', async () => {
  const id = currentTicketId();
  await page.getByLabel('Apply a macro').selectOption(String(macro.id));
  await page.getByRole('status').filter({ hasText: 'Ask for the serial number' }).waitFor();
  assert.equal(await page.getByLabel('Your message').inputValue(), 'Could you send us the serial number of the printer?');
  assert.equal(await page.getByLabel('Priority').inputValue(), 'high');
  assert.match(await page.getByLabel('Tags').inputValue(), /needs_serial/);
  // Previewed only: the ticket is unchanged until the agent submits.
  assert.notEqual((await api('GET', `/api/v2/tickets/${id}.json`)).ticket.priority, 'high');
  await screenshot(page, 'macro-preview');
  await page.getByRole('button', { name: 'Submit as Pending' }).click();
  await page.locator('.comment.public', { hasText: 'serial number of the printer' }).waitFor();
  const t = (await api('GET', `/api/v2/tickets/${id}.json`)).ticket;
  assert.equal(t.priority, 'high');
  assert.equal(t.status, 'pending');
  assert.ok(t.tags.includes('needs_serial'), JSON.stringify(t.tags));
  await screenshot(page, 'macro-applied');
});

test('an expired session sends the agent to sign in, then back to the ticket, draft kept', async () => {
  const id = currentTicketId();
  await page.getByLabel('Your message').fill('Half-written answer');
  // End every session of the agent (as an expiry would).
  await api('DELETE', `/api/v2/users/${agent.user.id}/sessions.json`);
  // Submitting meets the 401, unless a background call (counts, a live refresh) met it
  // first and the sign-in page is already there.
  await page.getByRole('button', { name: /Submit as/ }).click({ timeout: 3000 }).catch(() => {});
  await page.waitForURL(/\/agent\/signin\?expired=1&return=/);
  await page.getByText('Your session has ended').waitFor();
  await screenshot(page, 'session-expired');
  await page.getByLabel('Email').fill(agent.auth.email);
  await page.getByLabel('Password').fill(agent.auth.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(new RegExp(`/agent/tickets/${id}$`));
  await page.getByText('Your unsent draft was restored.').waitFor();
  assert.equal(await page.getByLabel('Your message').inputValue(), 'Half-written answer');
  await page.getByLabel('Your message').fill('');
});

test('a change made by someone else is announced on the open ticket', async () => {
  const id = currentTicketId();
  await api('PUT', `/api/v2/tickets/${id}.json`, { ticket: { comment: { body: 'Update from a colleague', public: false } } });
  await page.getByText('Someone else has just changed this ticket.').waitFor({ timeout: 10_000 });
  await page.getByRole('button', { name: 'Show the changes' }).click();
  await page.locator('.comment.internal', { hasText: 'Update from a colleague' }).waitFor();
  await screenshot(page, 'live-change');
});

test('a lost connection is shown; the half-written reply survives it and is sent once the server is back', async () => {
  const id = currentTicketId();
  const port = new URL(srv.url).port;
  keptDir = srv.dataDir;
  await page.getByLabel('Your message').fill('Written while the server was away');
  const errorsBefore = consoleErrors.length;
  await srv.stop({ keepData: true });
  await page.getByText('Connection to the server lost.').waitFor({ timeout: 15_000 });
  // Sending now fails next to the action; the text stays in the composer.
  await page.getByRole('button', { name: /Submit as/ }).click();
  await page.getByText('The server cannot be reached.').waitFor();
  assert.equal(await page.getByLabel('Your message').inputValue(), 'Written while the server was away');
  await screenshot(page, 'connection-lost');

  // The same server comes back on the same address and data: the banner goes by itself.
  srv = await startServer({
    env: { COMPTOIR_UI_DIR: uiDir },
    dataDir: keptDir,
    serveArgs: ['--listen', `127.0.0.1:${port}`, '--data', keptDir],
  });
  await page.getByText('Connection to the server lost.').waitFor({ state: 'hidden', timeout: 40_000 });
  // The browser's own reports of the refused connections are expected, not script errors.
  const during = consoleErrors.splice(errorsBefore);
  for (const e of during) {
    if (!/ERR_CONNECTION_REFUSED|WebSocket connection|Failed to load resource|Failed to fetch/.test(e)) consoleErrors.push(e);
  }
  await page.getByRole('button', { name: /Submit as/ }).click();
  await page.locator('.comment.public', { hasText: 'Written while the server was away' }).waitFor();
  const comments = (await api('GET', `/api/v2/tickets/${id}/comments.json`)).comments;
  assert.equal(comments.filter((c) => c.body === 'Written while the server was away').length, 1);
});

test('the workspace is usable 390 px wide, in French', async () => {
  const phone = await context.newPage();
  try {
    await phone.setViewportSize({ width: 390, height: 844 });
    await phone.goto(`${srv.url}/agent/tickets/${tickets[0].id}`);
    await phone.getByLabel('Language').selectOption('fr');
    await phone.getByRole('heading', { name: 'Conversation' }).waitFor();
    await phone.getByRole('button', { name: /Envoyer comme/ }).waitFor();
    const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `page wider than the screen by ${overflow}px`);
    assert.deepEqual(await seriousViolations(phone), []);
    await screenshot(phone, 'phone-ticket-fr');
    await phone.getByRole('link', { name: /Retour à la vue/ }).click();
    await phone.getByRole('link', { name: /All unsolved tickets/ }).click();
    await phone.locator('table.tickets').waitFor();
    await phone.getByRole('button', { name: 'Page suivante' }).or(phone.getByText('Les flèches haut et bas')).first().waitFor();
    const overflowView = await phone.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflowView <= 0, `view wider than the screen by ${overflowView}px`);
    await screenshot(phone, 'phone-view-fr');
  } finally {
    await phone.evaluate(() => localStorage.removeItem('comptoir.lang')).catch(() => {});
    await phone.close();
  }
});

test('a view pages by 30 tickets', async () => {
  const requesterId = tickets[0].requester_id;
  for (let i = 0; i < 31; i++) {
    await api('POST', '/api/v2/tickets.json', {
      ticket: { subject: `Batch ticket ${i}`, comment: { body: 'batch' }, requester_id: requesterId },
    });
  }
  await page.getByRole('link', { name: /All unsolved tickets/ }).click();
  await page.getByText('Page 1 of 2').waitFor();
  assert.equal(await page.locator('table.tickets tbody tr').count(), 30);
  await page.getByRole('button', { name: 'Next page' }).click();
  await page.waitForURL(/\/views\/\d+\?page=2$/);
  await page.getByText('Page 2 of 2').waitFor();
  assert.equal(await page.locator('table.tickets tbody tr').count(), 34 - 30);
  await screenshot(page, 'view-page-2');
});

test('sign out ends the session', async () => {
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.waitForURL(/\/agent\/signin\?signed_out=1/);
  const me = await page.evaluate(async () => (await fetch('/api/v2/users/me')).json());
  assert.equal(me.user.id, null);
  await screenshot(page, 'signed-out');
});

test('an end user who signs in is sent to their requests, not the workspace', async () => {
  // The requester of the tickets above.
  const requester = (await api('GET', `/api/v2/users/${tickets[0].requester_id}.json`)).user;
  const password = await srv.setPassword(requester.id);
  await page.goto(`${srv.url}/agent/signin`);
  await page.getByLabel('Email').fill(requester.email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(/\/agent\/requests$/);
  await page.getByRole('heading', { name: 'My requests' }).waitFor();
  await page.getByRole('cell', { name: tickets[1].subject }).waitFor();
  assert.deepEqual(await seriousViolations(page), []);
  assert.equal(await page.getByRole('navigation', { name: 'Views' }).count(), 0);
  await page.goto(`${srv.url}/agent/views/1`);
  await page.waitForURL(/\/agent\/requests$/);
  await screenshot(page, 'end-user');
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.waitForURL(/signin/);
});

test('the page loaded without script errors or CSP violations', () => {
  // 401s of an expired session are expected network errors; anything else is a bug.
  const real = consoleErrors.filter((e) => !/401|403|Failed to load resource/.test(e));
  assert.deepEqual(real, []);
});
