// People, notices and "forgot password" end to end: the real server serving the built
// app, an SMTP sink on loopback for the reset e-mail, Debian's chromium through
// playwright-core. An agent reads and marks an agent broadcast from the banner, edits a
// user field with a bad value (the 422 shows next to the field), merges an end user into
// another (the confirmation shows the ticket that moves; the API says it moved), opens an
// organization and a group; then someone signed out resets their password from the
// e-mailed link. axe-core checks the profile, organization and reset pages; screenshots
// go to tests/ui/artifacts/ (one 390 px wide).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, uniqueEmail } from '../api/harness.mjs';
import { startSmtpSink, waitFor } from '../api/receivers.mjs';
import { launch, screenshot, seriousViolations, uiDir, signIn } from './browser.mjs';

let srv;
let smtp;
let chrome;
let page;
let agent;
let source;
let target;
let ticket;
let org;
let group;
let broadcast;
const FIELD_KEY = `seats_${process.pid}`;
const consoleErrors = [];

async function api(method, path, body) {
  const r = await srv.request(method, path, body === undefined ? {} : { body });
  assert.ok(r.status < 300, `${method} ${path}: ${r.status} ${r.text}`);
  return r.json;
}

before(async () => {
  smtp = await startSmtpSink();
  srv = await startServer({ env: { COMPTOIR_UI_DIR: uiDir } });
  await api('PUT', '/api/v2/comptoir/email_settings.json', {
    email_settings: { smtp_host: '127.0.0.1', smtp_port: smtp.port, security: 'none', support_address: 'support@helpdesk.test' },
  });
  agent = await srv.createUserWithPassword({ role: 'agent', name: 'Paula People' });
  await api('POST', '/api/v2/user_fields.json', { user_field: { type: 'integer', key: FIELD_KEY, title: 'Seats' } });
  source = (await api('POST', '/api/v2/users.json', { user: { name: 'Sam Duplicate', email: uniqueEmail('sam'), role: 'end-user' } })).user;
  target = (await api('POST', '/api/v2/users.json', { user: { name: 'Zoé Keeper', email: uniqueEmail('zoe'), role: 'end-user' } })).user;
  ticket = (
    await api('POST', '/api/v2/tickets.json', {
      ticket: { subject: 'Invoice copy please', comment: { body: 'Could I get a copy?' }, requester_id: source.id },
    })
  ).ticket;
  org = (await api('POST', '/api/v2/organizations.json', { organization: { name: `Fromagerie ${process.pid}`, details: 'Rue du Lait 1' } })).organization;
  await api('POST', '/api/v2/organization_memberships.json', { organization_membership: { user_id: target.id, organization_id: org.id } });
  group = (await api('POST', '/api/v2/groups.json', { group: { name: 'Billing desk' } })).group;
  await api('POST', '/api/v2/group_memberships.json', { group_membership: { user_id: agent.user.id, group_id: group.id } });
  broadcast = (
    await api('POST', '/api/v2/agent_broadcasts.json', {
      agent_broadcast: { subject: 'Maintenance tonight', message: 'The help desk restarts at 22:00.' },
    })
  ).agent_broadcast;

  chrome = await launch();
  const context = await chrome.browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-US' });
  // A stand-in for the browser's Notification API that records what is shown (headless
  // chromium shows nothing); permission starts as "default", as in a fresh profile.
  await context.addInitScript(() => {
    window.__notifications = [];
    window.__permissionAsked = 0;
    class FakeNotification {
      static permission = 'default';
      static async requestPermission() {
        window.__permissionAsked += 1;
        FakeNotification.permission = 'granted';
        return 'granted';
      }
      constructor(title, options) {
        window.__notifications.push({ title, body: options?.body ?? '' });
      }
      close() {}
    }
    window.Notification = FakeNotification;
  });
  page = await context.newPage();
  page.on('pageerror', (e) => consoleErrors.push(String(e)));
  await signIn(page, srv.url, agent.auth);
});

after(async () => {
  await chrome?.close();
  await srv?.stop();
  await smtp?.close();
});

test('an unread broadcast shows as a banner and goes away once marked read', async () => {
  const banner = page.locator(`.broadcast-banner[data-broadcast="${broadcast.id}"]`);
  await banner.getByRole('heading', { name: 'Maintenance tonight' }).waitFor();
  await banner.getByText('The help desk restarts at 22:00.').waitFor();
  await screenshot(page, 'people-broadcast-banner');
  await banner.getByRole('button', { name: 'Mark as read' }).click();
  await banner.waitFor({ state: 'detached' });
  const mine = await srv.request('GET', '/api/v2/agent_broadcasts.json', { auth: agent.auth });
  assert.equal(mine.json.agent_broadcasts.find((b) => b.id === broadcast.id).read, true);
  // The notices page lists it, read.
  await page.getByRole('link', { name: 'Notices' }).click();
  await page.getByRole('heading', { level: 1, name: 'Notices' }).waitFor();
  await page.getByRole('heading', { name: 'Maintenance tonight' }).waitFor();
  assert.equal(await page.getByRole('button', { name: 'Mark as read' }).count(), 0);
});

test('a broadcast sent while the workspace is open shows at once (live channel, not the minute poll)', async () => {
  const sentAt = Date.now();
  const now = (
    await api('POST', '/api/v2/agent_broadcasts.json', {
      agent_broadcast: { subject: 'Phones are down', message: 'Answer by e-mail until further notice.' },
    })
  ).agent_broadcast;
  const banner = page.locator(`.broadcast-banner[data-broadcast="${now.id}"]`);
  await banner.getByRole('heading', { name: 'Phones are down' }).waitFor({ timeout: 15_000 });
  assert.ok(Date.now() - sentAt < 30_000, 'well before the 60 s poll');
  await banner.getByRole('button', { name: 'Mark as read' }).click();
  await banner.waitFor({ state: 'detached' });
});

test('the profile shows identities, tickets and fields; a bad field value is refused next to the field', async () => {
  await page.goto(`${srv.url}/agent/users/${source.id}`);
  await page.getByRole('heading', { level: 1, name: 'Sam Duplicate' }).waitFor();
  await page.getByText(source.email, { exact: true }).first().waitFor();
  await page.getByRole('link', { name: 'Invoice copy please' }).waitFor();
  assert.deepEqual(await seriousViolations(page), []);
  await screenshot(page, 'people-profile');

  const seats = page.getByLabel('Seats');
  await seats.fill('forty-two');
  await page.getByRole('button', { name: 'Save changes' }).click();
  const err = page.getByRole('alert').filter({ hasText: /seats|integer|number/i });
  await err.waitFor();
  assert.equal(await seats.getAttribute('aria-invalid'), 'true');
  const describedBy = await seats.getAttribute('aria-describedby');
  assert.equal(await err.getAttribute('id'), describedBy, 'the error is tied to the field');
  await screenshot(page, 'people-field-error');
  // A good value is saved.
  await seats.fill('42');
  await page.getByRole('button', { name: 'Save changes' }).click();
  await page.getByRole('status').filter({ hasText: 'Changes saved.' }).waitFor();
  const u = await api('GET', `/api/v2/users/${source.id}.json`);
  assert.equal(u.user.user_fields[FIELD_KEY], 42);
});

test('merging a user: pick the target, the confirmation shows what moves, land on the target', async () => {
  const box = page.getByRole('combobox', { name: 'User to merge into' });
  await box.fill('Zoé K');
  await page.getByRole('option', { name: /Zoé Keeper/ }).waitFor();
  await box.press('ArrowDown');
  await box.press('Enter');
  await page.getByRole('button', { name: 'Review the merge…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Confirm the merge' });
  await dialog.waitFor();
  assert.equal((await dialog.locator('[data-move="requested"]').innerText()).trim(), 'Tickets requested: 1');
  assert.match(await dialog.locator('[data-move="identities"]').innerText(), /Identities: [1-9]/);
  await screenshot(page, 'people-merge-confirm');
  await dialog.getByRole('button', { name: 'Merge into Zoé Keeper' }).click();
  await page.waitForURL(new RegExp(`/agent/users/${target.id}\\?merged=${source.id}$`));
  await page.getByRole('heading', { level: 1, name: 'Zoé Keeper' }).waitFor();
  await page.getByRole('link', { name: 'Invoice copy please' }).waitFor();

  const gone = await api('GET', `/api/v2/users/${source.id}.json`);
  assert.equal(gone.user.active, false, 'the source is gone');
  const t = await api('GET', `/api/v2/tickets/${ticket.id}.json`);
  assert.equal(t.ticket.requester_id, target.id, 'its ticket now belongs to the target');
});

test('an organization with its users and tickets; groups with their agents; the profile at 390 px', async () => {
  await page.getByRole('link', { name: org.name }).click();
  await page.getByRole('heading', { level: 1, name: org.name }).waitFor();
  await page.getByRole('link', { name: 'Zoé Keeper' }).waitFor();
  await page.getByText('Rue du Lait 1').waitFor();
  assert.deepEqual(await seriousViolations(page), []);
  await screenshot(page, 'people-organization');

  await page.getByRole('navigation', { name: 'People and notices' }).getByRole('link', { name: 'Groups' }).click();
  await page.getByRole('link', { name: 'Billing desk' }).click();
  await page.getByRole('heading', { level: 1, name: 'Billing desk' }).waitFor();
  await page.getByRole('link', { name: 'Paula People' }).waitFor();
  await screenshot(page, 'people-group');

  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto(`${srv.url}/agent/users/${target.id}`);
  await page.getByRole('heading', { level: 1, name: 'Zoé Keeper' }).waitFor();
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `no sideways scrolling at 390 px (${overflow})`);
  assert.deepEqual(await seriousViolations(page), []);
  await screenshot(page, 'people-profile-390');
  await page.setViewportSize({ width: 1280, height: 900 });
});

test('organizations on a profile: one added by its name, made the default, the other removed', async () => {
  const second = (await api('POST', '/api/v2/organizations.json', { organization: { name: `Crèmerie ${process.pid}` } })).organization;
  await page.goto(`${srv.url}/agent/users/${target.id}`);
  await page.getByRole('heading', { level: 1, name: 'Zoé Keeper' }).waitFor();
  const box = page.getByLabel('Organization', { exact: true });
  // A name that is no organization is refused next to the field.
  await box.fill('Nowhere at all');
  await page.getByRole('button', { name: 'Add to the organization' }).click();
  await page.getByText('Choose an organization from the list.').waitFor();
  await box.fill(second.name.slice(0, 6));
  await box.fill(second.name);
  await page.waitForFunction(
    (name) => [...document.querySelectorAll('datalist option')].some((o) => o.value === name),
    second.name,
  );
  await page.getByRole('button', { name: 'Add to the organization' }).click();
  await page.getByRole('link', { name: second.name }).waitFor();
  await page.getByRole('button', { name: `Make ${second.name} the default organization` }).click();
  await page.getByRole('button', { name: `Make ${org.name} the default organization` }).waitFor();
  assert.equal((await api('GET', `/api/v2/users/${target.id}.json`)).user.organization_id, second.id);
  await screenshot(page, 'people-organizations');

  await page.getByRole('button', { name: `Remove from ${org.name}` }).click();
  await page.getByRole('link', { name: org.name }).waitFor({ state: 'detached' });
  const left = (await api('GET', `/api/v2/users/${target.id}/organizations.json`)).organizations.map((o) => o.id);
  assert.deepEqual(left, [second.id]);
  assert.deepEqual(await seriousViolations(page), []);
  // Back as it was for the tests after this one.
  await api('POST', '/api/v2/organization_memberships.json', { organization_membership: { user_id: target.id, organization_id: org.id } });
});

test('forgot password: the e-mailed link sets a new password once, then sign in', async () => {
  const who = await srv.createUserWithPassword({ role: 'agent', name: 'Oubli Agent' });
  const context = await chrome.browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-US' });
  const p = await context.newPage();
  p.on('pageerror', (e) => consoleErrors.push(String(e)));
  try {
    await p.goto(`${srv.url}/agent/signin`);
    await p.getByRole('link', { name: 'Forgot password?' }).click();
    await p.getByRole('heading', { level: 1, name: 'Reset your password' }).waitFor();
    await p.getByLabel('Email').fill(who.auth.email);
    await p.getByRole('button', { name: 'Send the link' }).click();
    await p.getByRole('status').filter({ hasText: 'an email with a link is on its way' }).waitFor();
    const msg = await waitFor(() => smtp.messages.find((m) => m.to.includes(who.auth.email)), { what: 'the reset e-mail' });
    const token = /\/agent\/password\/reset\?token=([A-Za-z0-9_-]+)/.exec(msg.mail.text)[1];
    const link = `${srv.url}/agent/password/reset?token=${token}`;

    await p.goto(link);
    await p.getByRole('heading', { level: 1, name: 'Choose a new password' }).waitFor();
    assert.deepEqual(await seriousViolations(p), []);
    await screenshot(p, 'people-password-reset');
    await p.getByLabel('New password', { exact: true }).fill('short');
    await p.getByLabel('New password, again').fill('short');
    await p.getByRole('button', { name: 'Set the password' }).click();
    const err = p.getByRole('alert').filter({ hasText: 'at least 8 characters' });
    await err.waitFor();
    assert.equal(await err.getAttribute('id'), 'reset-password-error');
    await screenshot(p, 'people-password-policy');

    const fresh = 'Fr3sh-passw0rd-from-link';
    await p.getByLabel('New password', { exact: true }).fill(fresh);
    await p.getByLabel('New password, again').fill(fresh);
    await p.getByRole('button', { name: 'Set the password' }).click();
    await p.waitForURL(/\/agent\/signin\?password_reset=1/);
    await p.getByRole('status').filter({ hasText: 'Your password was changed' }).waitFor();
    await p.getByLabel('Email').fill(who.auth.email);
    await p.getByLabel('Password').fill(fresh);
    await p.getByRole('button', { name: 'Sign in' }).click();
    await p.waitForURL(/\/agent\/views\/\d+/);

    // The link works once.
    await p.goto(link);
    await p.getByLabel('New password', { exact: true }).fill('An0ther-passw0rd-x');
    await p.getByLabel('New password, again').fill('An0ther-passw0rd-x');
    await p.getByRole('button', { name: 'Set the password' }).click();
    await p.getByRole('alert').filter({ hasText: 'was used already or has expired' }).waitFor();
    await p.getByRole('link', { name: 'Ask for a new link' }).waitFor();
  } finally {
    await context.close();
  }
});

test('a ticket assigned to me by someone else raises a browser notification, once permitted', async () => {
  await page.goto(`${srv.url}/agent/notices`);
  await page.getByRole('heading', { level: 1, name: 'Notices' }).waitFor();
  assert.equal(await page.evaluate(() => window.__permissionAsked), 0, 'never asked on load');
  await page.getByRole('button', { name: 'Notify me of tickets assigned to me' }).click();
  await page.getByRole('button', { name: 'Notify me of tickets assigned to me' }).waitFor({ state: 'detached' });
  assert.equal(await page.evaluate(() => window.__permissionAsked), 1);
  const tk = (
    await api('POST', '/api/v2/tickets.json', {
      ticket: { subject: 'Refund for order 991', comment: { body: 'Please refund.' }, requester_id: target.id },
    })
  ).ticket;
  await api('PUT', `/api/v2/tickets/${tk.id}.json`, { ticket: { assignee_id: agent.user.id, group_id: group.id } });
  await page.waitForFunction(() => window.__notifications.length > 0, null, { timeout: 15000 });
  const shown = await page.evaluate(() => window.__notifications);
  assert.deepEqual(shown, [{ title: `Ticket #${tk.id} was assigned to you`, body: 'Refund for order 991' }]);
});

test('no script errors on the way', () => {
  assert.deepEqual(consoleErrors, []);
});
