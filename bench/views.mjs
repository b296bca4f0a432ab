// Latency of the views endpoints on a seeded database: GET /views/{id}/execute for each
// view (sequential requests, one connection), GET /views/count_many for 12 views warm
// (cached counts) and cold (right after a ticket change, which makes every count
// fresh). Prints one JSON object. Usage: node bench/views.mjs URL AUTH_HEADER [N]
const [url, auth, nArg] = process.argv.slice(2);
const n = Number(nArg ?? 100);
const headers = { Authorization: auth, Accept: 'application/json', 'Content-Type': 'application/json' };

async function call(method, path, body) {
  const t0 = performance.now();
  const res = await fetch(url + path, { method, headers, body: body ? JSON.stringify(body) : undefined });
  const text = await res.text();
  const ms = performance.now() - t0;
  if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${text.slice(0, 300)}`);
  return { ms, json: text ? JSON.parse(text) : null };
}

const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
};
const round = (x) => Math.round(x * 100) / 100;

// A data dir seeded before automations existed lacks the default one: add it.
const autos = (await call('GET', '/api/v2/automations.json')).json.automations;
if (!autos.some((a) => a.default || a.title === 'Close ticket 4 days after status is set to solved')) {
  await call('POST', '/api/v2/automations.json', {
    automation: {
      title: 'Close ticket 4 days after status is set to solved',
      conditions: { all: [{ field: 'status', operator: 'is', value: 'solved' }, { field: 'SOLVED', operator: 'greater_than', value: '96' }] },
      actions: [{ field: 'status', value: 'closed' }],
    },
  });
}

let views = (await call('GET', '/api/v2/views.json')).json.views;
// Twelve views: the defaults and a few of the kind agents add.
const extra = [
  { title: 'Urgent unsolved', all: [{ field: 'status', operator: 'less_than', value: 'solved' }, { field: 'priority', operator: 'is', value: 'urgent' }] },
  { title: 'Billing', all: [{ field: 'status', operator: 'less_than', value: 'solved' }, { field: 'current_tags', operator: 'includes', value: 'billing' }] },
  { title: 'Open by email', all: [{ field: 'status', operator: 'is', value: 'open' }, { field: 'via_id', operator: 'is', value: '4' }] },
  { title: 'Waiting a week', all: [{ field: 'status', operator: 'is', value: 'pending' }, { field: 'PENDING', operator: 'greater_than', value: '168' }] },
];
for (const v of extra) {
  if (views.length >= 12) break;
  if (!views.some((x) => x.title === v.title)) await call('POST', '/api/v2/views.json', { view: { ...v, output: { columns: ['status', 'description', 'requester', 'updated', 'priority'], sort_by: 'updated' } } });
  views = (await call('GET', '/api/v2/views.json')).json.views;
}
views = views.slice(0, 12);

if (process.env.BENCH_ONLY_SETUP) {
  console.log('{}');
  process.exit(0);
}

const execute = {};
for (const v of views) {
  const times = [];
  let count = null;
  for (let i = 0; i < n; i++) {
    const r = await call('GET', `/api/v2/views/${v.id}/execute.json?per_page=30`);
    times.push(r.ms);
    count = r.json.count;
  }
  const first = times[0];
  execute[v.title] = { p50: round(pct(times, 50)), p95: round(pct(times, 95)), first: round(first), rows: count };
}
const ids = views.map((v) => v.id).join(',');
const warm = [];
for (let i = 0; i < n; i++) warm.push((await call('GET', `/api/v2/views/count_many.json?ids=${ids}`)).ms);
// Cold: a ticket changes before each call, so every count is computed again.
const unsolved = views.find((v) => v.title === 'All unsolved tickets') ?? views[0];
const someTicket = (await call('GET', `/api/v2/views/${unsolved.id}/execute.json?per_page=1`)).json.rows[0].ticket.id;
const cold = [];
for (let i = 0; i < Math.min(n, 20); i++) {
  await call('PUT', `/api/v2/tickets/${someTicket}.json`, { ticket: { tags: [`bench${i}`] } });
  await new Promise((r) => setTimeout(r, 50)); // the change event reaches the count cache
  cold.push((await call('GET', `/api/v2/views/count_many.json?ids=${ids}`)).ms);
}
const allExec = Object.values(execute).map((e) => e.p95);
console.log(JSON.stringify({
  views: views.length,
  execute,
  execute_p95_max: round(Math.max(...allExec)),
  count_many_warm: { p50: round(pct(warm, 50)), p95: round(pct(warm, 95)) },
  count_many_cold: { p50: round(pct(cold, 50)), p95: round(pct(cold, 95)) },
}));
