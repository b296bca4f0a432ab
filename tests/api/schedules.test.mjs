// Business-hours schedules (reference §3.9): CRUD, the default workweek, /workweek,
// holidays, the 422s of bad input, agents read-only, and a trigger that sets a ticket's
// schedule (set_schedule) with the business-hours conditions seen on the ticket.
// node-zendesk 6.x has no schedules module: raw requests through the harness.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, uniqueName, ISO_UTC } from './harness.mjs';

let srv;
let agent;
let requester;

const BASE = '/api/v2/business_hours/schedules';
const WEEKDAYS = [1, 2, 3, 4, 5].map((d) => ({ start_time: d * 1440 + 540, end_time: d * 1440 + 1020 }));
const ALWAYS = [0, 1, 2, 3, 4, 5, 6].map((d) => ({ start_time: d * 1440, end_time: (d + 1) * 1440 }));

before(async () => {
  srv = await startServer();
  agent = await srv.createUserWithPassword({ role: 'agent' });
  requester = await srv.createUser({ role: 'end-user' });
});
after(() => srv?.stop());

async function create(schedule) {
  const r = await srv.post(`${BASE}.json`, { schedule });
  assert.equal(r.status, 201, r.text);
  return r.json.schedule;
}

function assert422(r, field) {
  assert.equal(r.status, 422, r.text);
  assert.equal(r.json.error, 'RecordInvalid');
  assert.equal(typeof r.json.description, 'string');
  assert.ok(r.json.details[field], `details name ${field}: ${r.text}`);
  assert.equal(typeof r.json.details[field][0].description, 'string');
}

// First: the account's default schedule is the first one made, so this test makes it.
test('a trigger sets the schedule and sees business hours on the ticket', async () => {
  const never = await create({ name: uniqueName('Never open'), time_zone: 'UTC' });
  const ww = await srv.put(`${BASE}/${never.id}/workweek.json`, { workweek: { intervals: [] } });
  assert.equal(ww.status, 200, ww.text);
  const always = await create({ name: uniqueName('Always open'), time_zone: 'Europe/Paris', intervals: ALWAYS });
  const trigger = async (title, all, actions) => {
    const r = await srv.post('/api/v2/triggers.json', { trigger: { title, conditions: { all, any: [] }, actions } });
    assert.equal(r.status, 201, r.text);
    return r.json.trigger;
  };
  const vip = await trigger(uniqueName('VIP hours'), [
    { field: 'update_type', operator: 'is', value: 'Create' },
    { field: 'current_tags', operator: 'includes', value: 'vip' },
  ], [{ field: 'set_schedule', value: String(always.id) }]);
  const outside = await trigger(uniqueName('Outside hours'), [{ field: 'in_business_hours', operator: 'is', value: 'false' }],
    [{ field: 'current_tags', value: 'after_hours' }]);
  const inside = await trigger(uniqueName('Inside hours'), [{ field: 'is_business_hours', operator: 'is', value: 'true' }],
    [{ field: 'current_tags', value: 'in_hours' }]);
  const within = await trigger(uniqueName('Within always'), [{ field: 'within_schedule', operator: 'is', value: String(always.id) }],
    [{ field: 'current_tags', value: 'always_schedule' }]);

  const make = async (tags) => {
    const r = await srv.post('/api/v2/tickets.json', {
      ticket: { subject: 'Hours?', comment: { body: 'When are you open?' }, requester_id: requester.id, tags },
    });
    assert.equal(r.status, 201, r.text);
    return r.json.ticket;
  };
  const plain = await make([]);
  assert.ok(plain.tags.includes('after_hours'), plain.tags.join(' '));
  assert.ok(!plain.tags.includes('in_hours'));
  assert.ok(!plain.tags.includes('always_schedule'));
  assert.equal(plain.schedule_id, undefined); // not part of Zendesk's ticket
  const special = await make(['vip']);
  assert.ok(special.tags.includes('in_hours'), special.tags.join(' '));
  assert.ok(special.tags.includes('always_schedule'));
  assert.ok(!special.tags.includes('after_hours'));
  // The schedule stays with the ticket: a later update still sees it.
  const upd = await srv.put(`/api/v2/tickets/${special.id}.json`, { ticket: { comment: { body: 'Thanks', public: false } } });
  assert.equal(upd.status, 200, upd.text);
  assert.ok(upd.json.ticket.tags.includes('in_hours'));

  // The definitions list the conditions and the action, with the account's schedules.
  const defs = await srv.get('/api/v2/triggers/definitions.json');
  assert.equal(defs.status, 200, defs.text);
  const d = defs.json.definitions;
  const action = d.actions.find((a) => a.subject === 'set_schedule');
  assert.ok(action, 'set_schedule in the actions');
  assert.ok(action.values.some((v) => v.value === String(always.id)), JSON.stringify(action.values));
  assert.ok(d.conditions_all.some((c) => c.subject === 'in_business_hours'));
  assert.ok(d.conditions_all.some((c) => c.subject === 'within_schedule'));

  // An unknown schedule is a 422 naming the action.
  const bad = await srv.post('/api/v2/triggers.json', {
    trigger: { title: 'Bad', conditions: { all: [{ field: 'update_type', operator: 'is', value: 'Create' }], any: [] },
      actions: [{ field: 'set_schedule', value: '987654321' }] },
  });
  assert.equal(bad.status, 422, bad.text);
  assert.match(bad.text, /set_schedule 987654321 does not exist/);
  for (const t of [vip, outside, inside, within]) {
    assert.equal((await srv.del(`/api/v2/triggers/${t.id}.json`)).status, 204);
  }
});

test('create, show, list, update and delete; the default workweek; Rails and IANA zones', async () => {
  const s = await create({ name: uniqueName('EMEA'), time_zone: 'Paris' });
  assert.equal(s.time_zone, 'Paris');
  assert.deepEqual(s.intervals, WEEKDAYS); // Zendesk's default: Monday–Friday 09:00–17:00
  assert.match(s.created_at, ISO_UTC);
  assert.match(s.updated_at, ISO_UTC);
  const iana = await create({ name: uniqueName('Kathmandu'), time_zone: 'Asia/Kathmandu' });
  assert.equal(iana.time_zone, 'Kathmandu'); // answered with the Rails name

  const shown = await srv.get(`${BASE}/${s.id}.json`);
  assert.equal(shown.status, 200, shown.text);
  assert.deepEqual(shown.json.schedule, s);
  const list = await srv.get(`${BASE}.json`);
  assert.equal(list.status, 200);
  assert.ok(list.json.schedules.some((x) => x.id === s.id));

  const renamed = await srv.put(`${BASE}/${s.id}.json`, {
    schedule: { name: 'EMEA renamed', time_zone: 'Eastern Time (US & Canada)', intervals: [{ start_time: 0, end_time: 60 }] },
  });
  assert.equal(renamed.status, 200, renamed.text);
  assert.equal(renamed.json.schedule.name, 'EMEA renamed');
  assert.equal(renamed.json.schedule.time_zone, 'Eastern Time (US & Canada)');
  assert.deepEqual(renamed.json.schedule.intervals, WEEKDAYS); // only /workweek sets intervals

  assert.equal((await srv.del(`${BASE}/${iana.id}.json`)).status, 204);
  assert.equal((await srv.get(`${BASE}/${iana.id}.json`)).status, 404);
  assert.equal((await srv.del(`${BASE}/${iana.id}.json`)).status, 404);
});

test('the workweek: split shifts, sorted, adjacent intervals across midnight', async () => {
  const s = await create({ name: uniqueName('Split'), time_zone: 'America/New_York' });
  const intervals = [
    { start_time: 3420 + 300, end_time: 3420 + 480 }, // Tuesday 14:00–17:00
    { start_time: 3420, end_time: 3420 + 180 }, //        Tuesday 09:00–12:00
    { start_time: 2760, end_time: 2880 }, //              Monday 22:00–24:00
    { start_time: 2880, end_time: 3000 }, //              Tuesday 00:00–02:00
  ];
  const r = await srv.put(`${BASE}/${s.id}/workweek.json`, { workweek: { intervals } });
  assert.equal(r.status, 200, r.text);
  const sorted = [...intervals].sort((a, b) => a.start_time - b.start_time);
  assert.deepEqual(r.json.workweek.intervals, sorted);
  assert.deepEqual((await srv.get(`${BASE}/${s.id}.json`)).json.schedule.intervals, sorted);
});

test('bad input is a 422 in Zendesk\'s RecordInvalid shape', async () => {
  const s = await create({ name: uniqueName('Strict'), time_zone: 'UTC' });
  const ww = (intervals) => srv.put(`${BASE}/${s.id}/workweek.json`, { workweek: { intervals } });
  assert422(await ww([{ start_time: 1980, end_time: 2460 }, { start_time: 2400, end_time: 2500 }]), 'intervals');
  assert422(await ww([{ start_time: -5, end_time: 60 }]), 'intervals');
  assert422(await ww([{ start_time: 10000, end_time: 10081 }]), 'intervals');
  assert422(await ww([{ start_time: 1400, end_time: 1500 }]), 'intervals'); // across midnight
  assert422(await ww([{ start_time: 600, end_time: 600 }]), 'intervals');
  assert422(await ww([{ start_time: '9am', end_time: 600 }]), 'intervals');
  assert422(await ww('Monday'), 'intervals');
  assert.deepEqual((await srv.get(`${BASE}/${s.id}.json`)).json.schedule.intervals, WEEKDAYS);

  assert422(await srv.post(`${BASE}.json`, { schedule: { name: 'Mars', time_zone: 'Mars/Olympus_Mons' } }), 'time_zone');
  assert422(await srv.post(`${BASE}.json`, { schedule: { name: 'No zone' } }), 'time_zone');
  assert422(await srv.post(`${BASE}.json`, { schedule: { name: '', time_zone: 'UTC' } }), 'name');
  assert422(await srv.put(`${BASE}/${s.id}.json`, { schedule: { time_zone: 'Nowhere/Special' } }), 'time_zone');
  assert422(await srv.post(`${BASE}.json`, { schedule: 'x' }), 'schedule');
  assert.equal((await srv.post(`${BASE}.json`, { name: 'no envelope' })).status, 400);
  assert.equal((await srv.request('POST', `${BASE}.json`, { body: '{not json', headers: { 'Content-Type': 'application/json' } })).status, 400);

  const hol = (holiday) => srv.post(`${BASE}/${s.id}/holidays.json`, { holiday });
  assert422(await hol({ name: 'Backwards', start_date: '2026-12-26', end_date: '2026-12-25' }), 'end_date');
  assert422(await hol({ name: 'No such day', start_date: '2026-02-30', end_date: '2026-03-01' }), 'start_date');
  assert422(await hol({ name: 'Words', start_date: 'tomorrow', end_date: '2026-03-01' }), 'start_date');
  assert422(await hol({ start_date: '2026-03-01', end_date: '2026-03-01' }), 'name');
});

test('holidays: single and multi-day, CRUD, scoped to their schedule', async () => {
  const s = await create({ name: uniqueName('Holidays'), time_zone: 'Europe/Paris' });
  const other = await create({ name: uniqueName('Other'), time_zone: 'Europe/Paris' });
  const mk = async (holiday) => {
    const r = await srv.post(`${BASE}/${s.id}/holidays.json`, { holiday });
    assert.equal(r.status, 201, r.text);
    return r.json.holiday;
  };
  const xmas = await mk({ name: 'Christmas', start_date: '2026-12-24', end_date: '2027-01-01' });
  assert.equal(xmas.start_date, '2026-12-24');
  assert.equal(xmas.end_date, '2027-01-01');
  const may = await mk({ name: 'May Day', start_date: '2026-05-01', end_date: '2026-05-01' });
  const list = await srv.get(`${BASE}/${s.id}/holidays.json`);
  assert.equal(list.status, 200);
  assert.deepEqual(list.json.holidays.map((h) => h.id), [may.id, xmas.id]); // by start date
  assert.deepEqual((await srv.get(`${BASE}/${other.id}/holidays.json`)).json.holidays, []);
  assert.equal((await srv.get(`${BASE}/${other.id}/holidays/${may.id}.json`)).status, 404);

  const upd = await srv.put(`${BASE}/${s.id}/holidays/${may.id}.json`, { holiday: { end_date: '2026-05-02' } });
  assert.equal(upd.status, 200, upd.text);
  assert.equal(upd.json.holiday.end_date, '2026-05-02');
  assert.equal(upd.json.holiday.name, 'May Day');
  assert422(await srv.put(`${BASE}/${s.id}/holidays/${may.id}.json`, { holiday: { end_date: '2026-04-30' } }), 'end_date');
  const got = await srv.get(`${BASE}/${s.id}/holidays/${may.id}.json`);
  assert.equal(got.json.holiday.end_date, '2026-05-02');

  assert.equal((await srv.del(`${BASE}/${s.id}/holidays/${may.id}.json`)).status, 204);
  assert.equal((await srv.get(`${BASE}/${s.id}/holidays/${may.id}.json`)).status, 404);
  // Deleting the schedule takes its holidays.
  assert.equal((await srv.del(`${BASE}/${s.id}.json`)).status, 204);
  assert.equal((await srv.get(`${BASE}/${s.id}/holidays.json`)).status, 404);
  assert.equal((await srv.get(`${BASE}/${s.id}/holidays/${xmas.id}.json`)).status, 404);
});

test('agents read schedules and holidays; only admins change them; end users see nothing', async () => {
  const s = await create({ name: uniqueName('Read only'), time_zone: 'UTC' });
  const h = await srv.post(`${BASE}/${s.id}/holidays.json`, { holiday: { name: 'H', start_date: '2026-07-14', end_date: '2026-07-14' } });
  assert.equal(h.status, 201);
  const as = (method, p, body) => srv.request(method, p, { auth: agent.auth, body });
  assert.equal((await as('GET', `${BASE}.json`)).status, 200);
  assert.equal((await as('GET', `${BASE}/${s.id}.json`)).status, 200);
  assert.equal((await as('GET', `${BASE}/${s.id}/holidays.json`)).status, 200);
  assert.equal((await as('GET', `${BASE}/${s.id}/holidays/${h.json.holiday.id}.json`)).status, 200);
  assert.equal((await as('POST', `${BASE}.json`, { schedule: { name: 'X', time_zone: 'UTC' } })).status, 403);
  assert.equal((await as('PUT', `${BASE}/${s.id}.json`, { schedule: { name: 'X' } })).status, 403);
  assert.equal((await as('PUT', `${BASE}/${s.id}/workweek.json`, { workweek: { intervals: [] } })).status, 403);
  assert.equal((await as('DELETE', `${BASE}/${s.id}.json`)).status, 403);
  assert.equal((await as('POST', `${BASE}/${s.id}/holidays.json`, { holiday: { name: 'X', start_date: '2026-01-01', end_date: '2026-01-01' } })).status, 403);
  assert.equal((await as('DELETE', `${BASE}/${s.id}/holidays/${h.json.holiday.id}.json`)).status, 403);
  const end = await srv.createUserWithPassword({ role: 'end-user' });
  assert.equal((await srv.request('GET', `${BASE}.json`, { auth: end.auth })).status, 403);
  assert.equal((await srv.get(`${BASE}/${s.id}.json`)).json.schedule.name, s.name); // unchanged
});
