// Latency of the search endpoints on a seeded database: GET /search with free text and
// two filters (e.g. `imprimante status<solved group:Support`) and GET /search/count,
// sequential requests on one connection, over a rotation of words (French, English,
// Ukrainian) and groups. Prints one JSON object.
// Usage: node bench/search.mjs URL AUTH_HEADER [N]
const [url, auth, nArg] = process.argv.slice(2);
const n = Number(nArg ?? 200);
const headers = { Authorization: auth, Accept: 'application/json' };

const words = [
  'imprimante', 'printer', 'facture', 'invoice', 'routeur', 'router', 'désactivation',
  'deactivation', 'ecran', 'screen', 'принтер', 'рахунку', 'sauvegarde', 'backup', 'licence',
  'colis', 'parcel', 'serveur', 'server', 'webcam', 'клавіатура', 'réseau', 'network', 'badge',
];
const groups = ['Support', 'Facturation', 'Technique', '"Niveau 2"', 'Logistique', 'Ventes'];
const filters = ['status<solved', 'priority>normal', 'status:open', 'tags:billing'];

async function call(path) {
  const t0 = performance.now();
  const res = await fetch(url + path, { headers });
  const text = await res.text();
  const ms = performance.now() - t0;
  if (res.status !== 200) throw new Error(`${path}: ${res.status} ${text.slice(0, 300)}`);
  return { ms, json: JSON.parse(text) };
}

const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
};
const round = (x) => Math.round(x * 100) / 100;
const stats = (xs) => ({ p50: round(pct(xs, 50)), p95: round(pct(xs, 95)), p99: round(pct(xs, 99)), max: round(Math.max(...xs)) });

function query(i) {
  const w = words[i % words.length];
  const g = groups[Math.floor(i / words.length) % groups.length];
  const f = filters[Math.floor(i / (words.length * groups.length)) % filters.length];
  return `${w} ${f} group:${g}`;
}

// Warm-up (page cache): one pass over the words.
for (let i = 0; i < words.length; i++) await call(`/api/v2/search/count.json?query=${encodeURIComponent(query(i))}`);

const search = [];
const count = [];
const textOnly = [];
let results = 0;
let counts = 0;
for (let i = 0; i < n; i++) {
  const q = encodeURIComponent(query(i * 7 + 3));
  const s = await call(`/api/v2/search.json?query=${q}`);
  search.push(s.ms);
  results += s.json.count;
  const c = await call(`/api/v2/search/count.json?query=${encodeURIComponent(query(i * 5 + 1))}`);
  count.push(c.ms);
  counts += c.json.count;
}
for (let i = 0; i < Math.min(n, 100); i++) {
  const t = await call(`/api/v2/search.json?query=${encodeURIComponent(words[i % words.length])}&per_page=25`);
  textOnly.push(t.ms);
}
console.log(JSON.stringify({
  calls: n,
  search: { ...stats(search), mean_count: Math.round(results / n) },
  count: { ...stats(count), mean_count: Math.round(counts / n) },
  text_only: stats(textOnly),
  example: query(3),
}));
