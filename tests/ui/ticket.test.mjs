// The ticket page end to end: attachments (file chooser and drag and drop, image
// previews, upload errors), CCs, custom fields by form, the SLA badge, the requester's
// other tickets, presence of another agent (a second browser context), a new ticket on
// behalf of a requester, and the page at phone size. The real server (temp SQLite),
// Debian's chromium through playwright-core; screenshots in tests/ui/artifacts/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, uniqueEmail } from '../api/harness.mjs';
import { launch, screenshot, seriousViolations, uiDir, recordErrors, signIn } from './browser.mjs';

const MAX_UPLOAD = 200_000;
// A 2×2 PNG (red).
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAFklEQVR4nGP8z8DAwMDAxMDAwMDAAAANHQEDasKb6QAAAABJRU5ErkJggg==',
  'base64',
);

let srv;
let chrome;
let page;
let alice; // agent {user, auth}
let bob;
let requester;
let carla;
let ticket;
let older;
let field;
let form;
const consoleErrors = [];

async function api(method, path, body) {
  const r = await srv.request(method, path, body === undefined ? {} : { body });
  assert.ok(r.status < 300, `${method} ${path}: ${r.status} ${r.text}`);
  return r.json;
}

before(async () => {
  srv = await startServer({ env: { COMPTOIR_UI_DIR: uiDir, COMPTOIR_MAX_UPLOAD_BYTES: String(MAX_UPLOAD) } });
  alice = await srv.createUserWithPassword({ role: 'agent', name: 'Alice Agent' });
  bob = await srv.createUserWithPassword({ role: 'agent', name: 'Bob Viewer' });
  requester = (await api('POST', '/api/v2/users.json', {
    user: { name: 'Rémi Requester', email: uniqueEmail('remi'), role: 'end-user' },
  })).user;
  carla = (await api('POST', '/api/v2/users.json', {
    user: { name: 'Carla Copy', email: uniqueEmail('carla'), role: 'end-user' },
  })).user;
  await api('POST', '/api/v2/slas/policies.json', {
    sla_policy: {
      title: 'Urgent contract',
      filter: { all: [{ field: 'current_tags', operator: 'includes', value: 'contract' }], any: [] },
      policy_metrics: [{ priority: 'urgent', metric: 'requester_wait_time', target: 240, business_hours: false }],
    },
  });
  field = (await api('POST', '/api/v2/ticket_fields.json', {
    ticket_field: { type: 'integer', title: 'Printer count' },
  })).ticket_field;
  form = (await api('POST', '/api/v2/ticket_forms.json', {
    ticket_form: { name: 'Hardware', display_name: 'Hardware', active: true, ticket_field_ids: [field.id] },
  })).ticket_form;
  older = (await api('POST', '/api/v2/tickets.json', {
    ticket: { subject: 'Old toner question', comment: { body: 'Which toner?' }, requester_id: requester.id },
  })).ticket;
  ticket = (await api('POST', '/api/v2/tickets.json', {
    ticket: {
      subject: 'Scanner shows a red light',
      comment: { body: 'The scanner on floor 2 blinks red.' },
      requester_id: requester.id,
      priority: 'urgent',
      tags: ['contract'],
    },
  })).ticket;
  chrome = await launch();
  const context = await chrome.browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-US' });
  page = await context.newPage();
  recordErrors(page, consoleErrors);
  await signIn(page, srv.url, alice.auth);
});

after(async () => {
  await chrome?.close();
  await srv?.stop();
});

test('the ticket page shows the SLA badge and the requester’s other tickets, and passes axe', async () => {
  await page.goto(`${srv.url}/agent/tickets/${ticket.id}`);
  const badge = page.locator('.sla-badge');
  await badge.waitFor();
  // Colour and words: the metric, the stage and the time left (240 minutes at most).
  assert.match(await badge.innerText(), /Requester wait: breach in (4 h 0|3 h \d+) min/);
  assert.equal(await badge.getAttribute('data-sla-stage'), 'active');
  const others = page.getByRole('region', { name: 'Requester’s other tickets' });
  await others.getByRole('link', { name: `#${older.id} Old toner question` }).waitFor();
  assert.equal(await others.getByRole('link', { name: new RegExp(`#${ticket.id} `) }).count(), 0);
  assert.deepEqual(await seriousViolations(page), []);
  await screenshot(page, 'ticket-sla-others');
});

test('an internal note with an attachment (file chooser) is private, carries the file, previews the image', async () => {
  await page.getByRole('radio', { name: 'Internal note' }).check();
  await page.getByLabel('Your message').fill('Photo of the scanner panel.');
  await page.locator('[data-testid=attach-input]').setInputFiles({ name: 'panel.png', mimeType: 'image/png', buffer: PNG });
  const pending = page.getByRole('list', { name: 'Files to send' });
  await pending.locator('li[data-pending=ready]').waitFor();
  await pending.getByRole('img', { name: 'Preview of panel.png' }).waitFor();
  await page.getByRole('button', { name: /Submit as/ }).click();
  const note = page.locator('.comment.internal', { hasText: 'Photo of the scanner panel.' });
  await note.waitFor();
  const img = note.getByRole('img', { name: 'Preview of panel.png' });
  await img.waitFor();
  await page.waitForFunction((el) => el.complete && el.naturalWidth === 2, await img.elementHandle());
  await note.getByRole('link', { name: /Download panel\.png/ }).waitFor();
  assert.equal(await page.getByRole('list', { name: 'Files to send' }).count(), 0, 'sent files leave the composer');
  const last = (await api('GET', `/api/v2/tickets/${ticket.id}/comments.json`)).comments.at(-1);
  assert.equal(last.body, 'Photo of the scanner panel.');
  assert.equal(last.public, false);
  assert.deepEqual(last.attachments.map((a) => [a.file_name, a.content_type, a.size]), [['panel.png', 'image/png', PNG.length]]);
  await screenshot(page, 'ticket-note-attachment');
});

test('files dropped on the composer are attached and can be removed; a too large file is refused next to the composer', async () => {
  const drop = (name, size) =>
    page.evaluate(
      ([n, s]) => {
        const dt = new DataTransfer();
        dt.items.add(new File([new Uint8Array(s).fill(65)], n, { type: 'text/plain' }));
        const target = document.querySelector('form.composer');
        target.dispatchEvent(new DragEvent('dragover', { dataTransfer: dt, bubbles: true, cancelable: true }));
        target.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
      },
      [name, size],
    );
  await drop('notes.txt', 40);
  const pending = page.getByRole('list', { name: 'Files to send' });
  await pending.locator('li[data-pending=ready]', { hasText: 'notes.txt' }).waitFor();
  await page.getByRole('button', { name: 'Remove notes.txt' }).click();
  assert.equal(await page.getByRole('list', { name: 'Files to send' }).count(), 0);
  await drop('huge.txt', MAX_UPLOAD + 1000);
  const err = page.locator('form.composer .upload-error');
  await err.waitFor();
  assert.match(await err.innerText(), /huge\.txt could not be attached: huge\.txt is too large\./);
  await screenshot(page, 'ticket-upload-error');
});

test('a CC is added from the people search', async () => {
  const ccs = page.locator('[data-people=email_ccs]');
  await ccs.getByLabel('Add a CC').fill('Carla');
  await ccs.getByRole('button', { name: /Carla Copy/ }).click();
  await ccs.locator('.chip', { hasText: 'Carla Copy' }).waitFor();
  const t = (await api('GET', `/api/v2/tickets/${ticket.id}.json`)).ticket;
  assert.deepEqual(t.email_cc_ids, [carla.id]);
  await screenshot(page, 'ticket-cc');
});

test('a custom field of the chosen form: a 422 is shown under the field, then the value is saved', async () => {
  const props = page.getByRole('complementary', { name: 'Properties' });
  await props.getByLabel('Form').selectOption(String(form.id));
  const input = props.getByLabel('Printer count');
  await input.fill('three');
  await page.getByRole('button', { name: /Submit as/ }).click();
  const err = props.locator('.cf-integer .field-error');
  await err.waitFor();
  assert.match(await err.innerText(), /must be a whole number/);
  await input.fill('3');
  await page.getByRole('button', { name: /Submit as/ }).click();
  await page.getByRole('status').filter({ hasText: `Ticket #${ticket.id} updated.` }).waitFor();
  const t = (await api('GET', `/api/v2/tickets/${ticket.id}.json`)).ticket;
  assert.equal(t.ticket_form_id, form.id);
  assert.deepEqual(t.custom_fields.find((f) => f.id === field.id)?.value, '3');
  // The history names the field by its title.
  await page.getByRole('region', { name: 'History' }).getByText('Printer count: — → 3').waitFor();
  await screenshot(page, 'ticket-custom-field');
});

test('another agent viewing the same ticket is shown, and their leaving too', async () => {
  const other = await chrome.browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-US' });
  const bobPage = await other.newPage();
  await signIn(bobPage, srv.url, bob.auth);
  await bobPage.goto(`${srv.url}/agent/tickets/${ticket.id}`);
  await bobPage.getByRole('heading', { name: 'Conversation' }).waitFor();
  const notice = page.locator('[data-presence]');
  await notice.waitFor();
  assert.match(await notice.innerText(), /Also viewing this ticket: Bob Viewer\./);
  await bobPage.locator('[data-presence]', { hasText: 'Alice Agent' }).waitFor();
  await screenshot(page, 'ticket-presence');
  await other.close();
  await notice.waitFor({ state: 'detached' });
});

test('a new ticket on behalf of a requester is created and opened', async () => {
  await page.goto(`${srv.url}/agent/`);
  await page.getByRole('link', { name: 'New ticket', exact: true }).click();
  await page.getByRole('heading', { name: 'New ticket on behalf of a requester' }).waitFor();
  assert.deepEqual(await seriousViolations(page), []);
  await page.getByRole('button', { name: 'Create ticket' }).click();
  await page.getByText('Choose a requester.').waitFor();
  await page.getByLabel('Requester (name or email)').fill('Rémi');
  await page.getByRole('button', { name: /Rémi Requester/ }).click();
  assert.equal(await page.getByText('Choose a requester.').count(), 0, 'the error goes once a requester is chosen');
  await page.getByLabel('Subject').fill('Phone call: badge reader broken');
  await page.getByLabel('First message').fill('Called in: the badge reader at the entrance is dead.');
  await page.getByLabel('Priority').selectOption('high');
  await screenshot(page, 'new-ticket');
  await page.getByRole('button', { name: 'Create ticket' }).click();
  await page.waitForURL(/\/agent\/tickets\/\d+$/);
  const id = Number(page.url().match(/tickets\/(\d+)/)[1]);
  await page.getByRole('heading', { name: /Phone call: badge reader broken/ }).waitFor();
  const t = (await api('GET', `/api/v2/tickets/${id}.json`)).ticket;
  assert.equal(t.requester_id, requester.id);
  assert.equal(t.submitter_id, alice.user.id);
  assert.equal(t.priority, 'high');
  const first = (await api('GET', `/api/v2/tickets/${id}/comments.json`)).comments[0];
  assert.equal(first.body, 'Called in: the badge reader at the entrance is dead.');
  assert.equal(first.public, true);
});

test('at phone size (390×844) the ticket page and composer fit the screen', async () => {
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto(`${srv.url}/agent/tickets/${ticket.id}`);
  await page.locator('.sla-badge').waitFor();
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 390, `no sideways scrolling (${width} px)`);
  const box = await page.getByLabel('Your message').boundingBox();
  assert.ok(box && box.x >= 0 && box.x + box.width <= 390, JSON.stringify(box));
  const submit = await page.getByRole('button', { name: /Submit as/ }).boundingBox();
  assert.ok(submit && submit.width >= 44 && submit.height >= 40);
  assert.deepEqual(await seriousViolations(page), []);
  await screenshot(page, 'ticket-phone-390x844');
  assert.deepEqual(consoleErrors.filter((e) => !/status of 4\d\d/.test(e)), []);
});
