// Search keywords beyond the first set (reference §4): a bare number is also the ticket
// with that id; commenter:, cc:, form:, has_attachment:; and Comptoir's SLA extension
// sla_next_breach (docs/sla.md). Through node-zendesk's search.queryAll, raw HTTP for
// the 400 of a bad value.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, uniqueEmail } from './harness.mjs';

let srv;
let zd;
const word = `zk${Date.now().toString(36)}`; // a word no other test writes
const t = {};
let agent;
let ccUser;
let form;

async function createTicket(ticket, auth = 'token') {
  const res = await srv.request('POST', '/api/v2/tickets.json', { auth, body: { ticket } });
  assert.equal(res.status, 201, res.text);
  return res.json.ticket;
}

const ids = (list) => list.map((x) => x.id).sort((a, b) => a - b);
const q = async (s) => ids(await zd.search.queryAll(`${s} type:ticket ${word}`));

before(async () => {
  srv = await startServer();
  zd = srv.client({ throwOriginalException: true });
  agent = await srv.createUserWithPassword({ role: 'agent', name: `Agathe ${word}` });
  ccUser = await srv.createUser({ name: `Copie ${word}`, email: uniqueEmail('cc') });
  const f = await srv.post('/api/v2/ticket_forms.json', { ticket_form: { name: `Remboursement ${word}` } });
  assert.equal(f.status, 201, f.text);
  form = f.json.ticket_form;
  const up = await srv.request('POST', '/api/v2/uploads.json?filename=facture.txt', {
    body: Buffer.from('facture 42'),
    headers: { 'Content-Type': 'text/plain' },
  });
  assert.equal(up.status, 201, up.text);
  t.plain = await createTicket({ subject: `Simple ${word}`, comment: { body: 'rien' } });
  t.attached = await createTicket({
    subject: `Pièce jointe ${word}`,
    comment: { body: 'voir la facture', uploads: [up.json.upload.token] },
    ticket_form_id: form.id,
  });
  t.copied = await createTicket({
    subject: `Copie ${word}`,
    comment: { body: 'en copie' },
    collaborator_ids: [ccUser.id],
  });
  // The agent comments on t.copied only.
  const r = await srv.request('PUT', `/api/v2/tickets/${t.copied.id}.json`, {
    auth: agent.auth,
    body: { ticket: { comment: { body: 'réponse', public: true } } },
  });
  assert.equal(r.status, 200, r.text);
  // An SLA on tickets tagged with the word's tag: 30 minutes to the first reply.
  const tag = `${word}sla`;
  const p = await srv.post('/api/v2/slas/policies.json', {
    sla_policy: {
      title: `SLA ${word}`,
      filter: { all: [{ field: 'current_tags', operator: 'includes', value: tag }], any: [] },
      policy_metrics: [{ priority: 'urgent', metric: 'first_reply_time', target: 30, business_hours: false }],
    },
  });
  assert.equal(p.status, 201, p.text);
  t.sla = await createTicket({
    subject: `Urgent ${word}`,
    comment: { body: 'vite' },
    priority: 'urgent',
    tags: [tag],
    requester: { name: 'Client', email: uniqueEmail('sla') },
  });
});
after(() => srv?.stop());

test('a bare number finds the ticket with that id as well as the word', async () => {
  const found = ids(await zd.search.queryAll(`${t.attached.id}`));
  assert.ok(found.includes(t.attached.id), JSON.stringify(found));
  // With other terms it is ANDed like any term: the id and the word of another ticket.
  assert.deepEqual(await q(`${t.attached.id} Simple`), []);
  assert.deepEqual(await q(`${t.attached.id}`), [t.attached.id]);
  const count = await srv.get(`/api/v2/search/count.json?query=${encodeURIComponent(`${t.plain.id} ${word}`)}`);
  assert.equal(count.status, 200, count.text);
  assert.equal(count.json.count, 1);
});

test('commenter: by name, e-mail, id and me', async () => {
  assert.deepEqual(await q(`commenter:"Agathe ${word}"`), [t.copied.id]);
  assert.deepEqual(await q(`commenter:${agent.user.email}`), [t.copied.id]);
  assert.deepEqual(await q(`commenter:${agent.user.id}`), [t.copied.id]);
  // The admin wrote every description: commenter:me is all four; negated, none.
  assert.deepEqual(await q('commenter:me'), ids(Object.values(t)));
  assert.deepEqual(await q('-commenter:me'), []);
  const asAgent = await srv.request('GET', `/api/v2/search.json?query=${encodeURIComponent(`commenter:me ${word}`)}`, { auth: agent.auth });
  assert.equal(asAgent.status, 200, asAgent.text);
  assert.deepEqual(ids(asAgent.json.results), [t.copied.id]);
});

test('cc: the copied user; cc:none the others', async () => {
  assert.deepEqual(await q(`cc:${ccUser.email}`), [t.copied.id]);
  assert.deepEqual(await q(`cc:${ccUser.id}`), [t.copied.id]);
  assert.deepEqual(await q('cc:none'), ids([t.plain, t.attached, t.sla]));
});

test('form: by name or id; has_attachment:true|false', async () => {
  assert.deepEqual(await q(`form:"Remboursement ${word}"`), [t.attached.id]);
  assert.deepEqual(await q(`form:${form.id}`), [t.attached.id]);
  assert.deepEqual(await q('has_attachment:true'), [t.attached.id]);
  assert.deepEqual(await q('has_attachment:false'), ids([t.plain, t.copied, t.sla]));
  const bad = await srv.get(`/api/v2/search.json?query=${encodeURIComponent('has_attachment:maybe')}`);
  assert.equal(bad.status, 400, bad.text);
  assert.equal(bad.json.position, 15);
});

test('sla_next_breach (extension): within a window, breached, none', async () => {
  assert.deepEqual(await q('sla_next_breach<2hours'), [t.sla.id]);
  assert.deepEqual(await q('sla_next_breach>10minutes'), [t.sla.id]);
  assert.deepEqual(await q('sla_next_breach<10minutes'), []);
  assert.deepEqual(await q('sla_next_breach<now'), []);
  assert.deepEqual(await q('sla_next_breach:none'), ids([t.plain, t.attached, t.copied]));
  const bad = await srv.get(`/api/v2/search.json?query=${encodeURIComponent('sla_next_breach<soon')}`);
  assert.equal(bad.status, 400, bad.text);
});
