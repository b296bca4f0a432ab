// Search (reference §4) through node-zendesk (search.query, queryAll, showResultsCount,
// exportResults; users.search), with raw HTTP for the errors: 400 with the position of a
// query that does not parse, 422 past the 1,000-result cap, export without filter[type].
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, uniqueEmail, USER_PASSWORD } from './harness.mjs';

let srv;
let zd;
const word = `zs${Date.now().toString(36)}`; // a word no other test writes
const tickets = {};
let groupSupport;
let enduser;

async function createTicket(ticket) {
  const res = await srv.post('/api/v2/tickets.json', { ticket });
  assert.equal(res.status, 201, res.text);
  return res.json.ticket;
}

const ids = (list) => list.map((x) => x.id).sort((a, b) => a - b);

before(async () => {
  srv = await startServer();
  zd = srv.client({ throwOriginalException: true });
  const g = await srv.post('/api/v2/groups.json', { group: { name: `Support ${word}` } });
  assert.equal(g.status, 201, g.text);
  groupSupport = g.json.group;
  enduser = await srv.createUserWithPassword({ name: `Client ${word}` });
  tickets.fr = await createTicket({
    subject: `Désactivation du compte ${word}`,
    comment: { body: "L'imprimante ne répond plus après la mise à jour." },
    group_id: groupSupport.id,
    tags: ['vip', word],
    priority: 'high',
  });
  tickets.plain = await createTicket({
    subject: `desactivation demandee ${word}`,
    comment: { body: 'Merci de désactiver mon accès.' },
    requester_id: enduser.user.id,
    priority: 'low',
  });
  tickets.uk = await createTicket({
    subject: `Принтер не працює ${word}`,
    comment: { body: 'ПРИНТЕР НЕ ДРУКУЄ з понеділка' },
    status: 'solved',
  });
  // A private note on the end user's ticket: agents find it, the end user does not.
  const upd = await srv.put(`/api/v2/tickets/${tickets.plain.id}.json`, {
    ticket: { comment: { body: `note interne confidentielle ${word}`, public: false } },
  });
  assert.equal(upd.status, 200, upd.text);
});
after(() => srv?.stop());

test('accents and case fold both ways: désactivation finds desactivation and the reverse', async () => {
  const a = await zd.search.queryAll(`désactivation ${word}`);
  assert.deepEqual(ids(a), ids([tickets.fr, tickets.plain]));
  assert.ok(a.every((r) => r.result_type === 'ticket'));
  const b = await zd.search.queryAll(`DESACTIVATION ${word}`);
  assert.deepEqual(ids(b), ids([tickets.fr, tickets.plain]));
});

test('Ukrainian text is found whatever its case; comments are indexed as soon as written', async () => {
  const r = await zd.search.queryAll(`принтер друкує ${word}`);
  assert.deepEqual(ids(r), [tickets.uk.id]);
  const { result } = await zd.search.query(`ПРАЦЮЄ type:ticket ${word}`);
  assert.deepEqual(ids(result), [tickets.uk.id]);
});

test('filters: status<solved, group:, priority>, tags:, negation, phrase, wildcard', async () => {
  const q = async (s) => ids(await zd.search.queryAll(`${s} ${word}`));
  assert.deepEqual(await q('status<solved'), ids([tickets.fr, tickets.plain]));
  assert.deepEqual(await q(`imprimante status<solved group:"Support ${word}"`), [tickets.fr.id]);
  assert.deepEqual(await q(`group:${groupSupport.id}`), [tickets.fr.id]);
  assert.deepEqual(await q('priority>normal'), [tickets.fr.id]);
  assert.deepEqual(await q('tags:vip'), [tickets.fr.id]);
  assert.deepEqual(await q('-tags:vip type:ticket'), ids([tickets.plain, tickets.uk]));
  assert.deepEqual(await q('"mise à jour"'), [tickets.fr.id]);
  assert.deepEqual(await q('"jour mise"'), []);
  assert.deepEqual(await q('imprim*'), [tickets.fr.id]);
  assert.deepEqual(await q(`requester:${enduser.user.email}`), [tickets.plain.id]);
  // Solving assigned the solved ticket to the caller.
  assert.deepEqual(await q('assignee:none type:ticket'), ids([tickets.fr, tickets.plain]));
  assert.deepEqual(await q('assignee:me type:ticket'), [tickets.uk.id]);
  assert.deepEqual(await q('created>1hours type:ticket'), ids([tickets.fr, tickets.plain, tickets.uk]));
  assert.deepEqual(await q('created<2000-01-01'), []);
  // An unknown keyword is free text.
  assert.deepEqual(await q('compte:désactivation'), []);
  assert.deepEqual(await q('du:compte'), [tickets.fr.id]);
});

test('sort_by and the inline order_by: keep the requested order', async () => {
  const asc = await zd.search.queryAll(`type:ticket ${word} order_by:created sort:asc`);
  assert.deepEqual(asc.map((t) => t.id), [tickets.fr.id, tickets.plain.id, tickets.uk.id]);
  const res = await srv.get(`/api/v2/search.json?query=${encodeURIComponent(`type:ticket ${word}`)}&sort_by=created_at&sort_order=desc`);
  assert.equal(res.status, 200, res.text);
  assert.deepEqual(res.json.results.map((t) => t.id), [tickets.uk.id, tickets.plain.id, tickets.fr.id]);
  assert.equal(res.json.facets, null);
  assert.equal(res.json.count, 3);
});

test('private comments: agents match them, end users do not, and see only their tickets', async () => {
  const agent = await zd.search.queryAll(`confidentielle ${word}`);
  assert.deepEqual(ids(agent), [tickets.plain.id]);
  const eu = srv.passwordClient(enduser.user.email, USER_PASSWORD, { throwOriginalException: true });
  assert.deepEqual(await eu.search.queryAll(`confidentielle ${word}`), []);
  assert.deepEqual(ids(await eu.search.queryAll(`desactivation ${word}`)), [tickets.plain.id]);
  // Users are not found by end users.
  assert.deepEqual(await eu.search.queryAll(`Client ${word}`), []);
});

test('search/count and users: mixed results carry result_type', async () => {
  const { result } = await zd.search.showResultsCount(`désactivation ${word}`);
  assert.equal(result.count, 2);
  const mixed = await zd.search.queryAll(word);
  const types = new Set(mixed.map((r) => r.result_type));
  assert.ok(types.has('ticket') && types.has('user') && types.has('group'), [...types].join());
  const users = await zd.users.search({ query: `client ${word}` });
  assert.deepEqual(users.map((u) => u.id), [enduser.user.id]);
  const byEmail = await zd.users.search({ query: `email:${enduser.user.email}` });
  assert.deepEqual(byEmail.map((u) => u.id), [enduser.user.id]);
  const byRole = await zd.search.queryAll(`type:user role:end-user ${word}`);
  assert.deepEqual(byRole.map((u) => u.id), [enduser.user.id]);
});

test('a query that does not parse is 400 with the position of the error', async () => {
  const res = await srv.get(`/api/v2/search.json?query=${encodeURIComponent('imprimante "non fermé')}`);
  assert.equal(res.status, 400, res.text);
  assert.equal(res.json.error, 'invalid');
  assert.equal(res.json.position, 11);
  assert.match(res.json.description, /at position 11/);
  const bad = await srv.get(`/api/v2/search/count.json?query=${encodeURIComponent('status<urgent')}`);
  assert.equal(bad.status, 400, bad.text);
  assert.equal(bad.json.position, 7);
  const users = await srv.get(`/api/v2/users/search.json?query=${encodeURIComponent('created>demain')}`);
  assert.equal(users.status, 400, users.text);
});

test('offset pages stop at 1,000 results: 422 past it, count stays the true total', async () => {
  const res = await srv.get(`/api/v2/search.json?query=${word}&page=11&per_page=100`);
  assert.equal(res.status, 422, res.text);
  const cursor = await srv.get(`/api/v2/search.json?query=${word}&page[size]=10`);
  assert.equal(cursor.status, 400, cursor.text);
  const one = await srv.get(`/api/v2/search.json?query=${encodeURIComponent(`type:ticket ${word}`)}&per_page=1`);
  assert.equal(one.status, 200, one.text);
  assert.equal(one.json.results.length, 1);
  assert.equal(one.json.count, 3);
  assert.ok(one.json.next_page.includes('page=2'), one.json.next_page);
});

test('search/export: cursor pages by created_at, type required, type: refused', async () => {
  const all = await zd.search.exportResults(word, 'ticket', 1);
  assert.deepEqual(all.map((t) => t.id), [tickets.fr.id, tickets.plain.id, tickets.uk.id]);
  const raw = await srv.get(`/api/v2/search/export.json?query=${word}&filter[type]=ticket&page[size]=2`);
  assert.equal(raw.status, 200, raw.text);
  assert.equal(raw.json.meta.has_more, true);
  assert.equal(raw.json.links.prev, null);
  assert.ok(!('count' in raw.json));
  const noType = await srv.get(`/api/v2/search/export.json?query=${word}`);
  assert.equal(noType.status, 400, noType.text);
  const inQuery = await srv.get(`/api/v2/search/export.json?query=${encodeURIComponent(`type:ticket ${word}`)}&filter[type]=ticket`);
  assert.equal(inQuery.status, 400, inQuery.text);
  const users = await zd.search.exportResults(`client ${word}`, 'user');
  assert.deepEqual(users.map((u) => u.id), [enduser.user.id]);
});

test('writes are searchable at once: subject change, new user, deleted ticket gone', async () => {
  const t = await createTicket({ subject: 'avant', comment: { body: 'texte' } });
  const upd = await srv.put(`/api/v2/tickets/${t.id}.json`, { ticket: { subject: `Après ${word}x` } });
  assert.equal(upd.status, 200, upd.text);
  assert.deepEqual(ids(await zd.search.queryAll(`apres ${word}x`)), [t.id]);
  const del = await srv.del(`/api/v2/tickets/${t.id}.json`);
  assert.equal(del.status, 204, del.text);
  assert.deepEqual(await zd.search.queryAll(`apres ${word}x`), []);
  const email = uniqueEmail('fresh');
  const u = await srv.createUser({ name: `Élodie Fraîche ${word}`, email });
  assert.deepEqual((await zd.users.search({ query: `elodie fraiche ${word}` })).map((x) => x.id), [u.id]);
  const org = await srv.post('/api/v2/organizations.json', { organization: { name: `Société Générale ${word}` } });
  assert.equal(org.status, 201, org.text);
  const orgs = await zd.search.queryAll(`type:organization societe ${word}`);
  assert.deepEqual(orgs.map((o) => o.id), [org.json.organization.id]);
  assert.equal(orgs[0].result_type, 'organization');
});

test('tag, status, group changes and deletion are seen by the next search and count at once', async () => {
  const w = `${word}tok`;
  const t = await createTicket({
    subject: `Facture ${w}`,
    comment: { body: 'texte' },
    group_id: groupSupport.id,
    tags: ['billing-2026'],
  });
  const query = `${w} tags:billing-2026 status<solved group:"Support ${word}"`;
  const count = async (q = query) => {
    const res = await srv.get(`/api/v2/search/count.json?query=${encodeURIComponent(q)}`);
    assert.equal(res.status, 200, res.text);
    return res.json.count;
  };
  const put = async (ticket) => {
    const res = await srv.put(`/api/v2/tickets/${t.id}.json`, { ticket });
    assert.equal(res.status, 200, res.text);
  };
  assert.equal(await count(), 1);
  assert.deepEqual(ids(await zd.search.queryAll(query)), [t.id]);
  assert.equal(await count(`${w} tags:2026`), 0); // a tag is one value, not its words
  await put({ tags: ['autre'] });
  assert.equal(await count(), 0);
  assert.deepEqual(ids(await zd.search.queryAll(`${w} tags:autre`)), [t.id]);
  await put({ tags: ['billing-2026'], status: 'solved' });
  assert.equal(await count(), 0);
  assert.equal(await count(`${w} tags:billing-2026 status:solved`), 1);
  await put({ status: 'open', group_id: null });
  assert.equal(await count(), 0);
  assert.equal(await count(`${w} group:none`), 1);
  await put({ group_id: groupSupport.id, assignee_id: null });
  assert.equal(await count(), 1);
  const del = await srv.del(`/api/v2/tickets/${t.id}.json`);
  assert.equal(del.status, 204, del.text);
  assert.equal(await count(), 0);
  assert.deepEqual(await zd.search.queryAll(query), []);
});
