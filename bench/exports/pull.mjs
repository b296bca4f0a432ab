// Pulls the whole incremental ticket stream through the cursor export and reports
// tickets/s: node bench/exports/pull.mjs URL AUTH. Each page is fetched and parsed; a
// ticket written while the stream is read (the server's start-up automation sweep) comes
// again later in the stream, as Zendesk's exports do: `distinct` counts each once.
// Prints one JSON line.
const [url, auth] = process.argv.slice(2);
const seen = new Set();
let items = 0;
let next = `${url}/api/v2/incremental/tickets/cursor.json?start_time=0`;
let pages = 0;
let bytes = 0;
let slowest = 0;
const t0 = performance.now();
for (;;) {
  const p0 = performance.now();
  const res = await fetch(next, { headers: { Authorization: auth, Accept: 'application/json' } });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`${res.status} ${text.slice(0, 300)}`);
  bytes += text.length;
  const body = JSON.parse(text);
  for (const t of body.tickets) seen.add(t.id);
  items += body.tickets.length;
  pages++;
  slowest = Math.max(slowest, performance.now() - p0);
  if (body.end_of_stream) break;
  next = body.after_url;
}
const seconds = (performance.now() - t0) / 1000;
console.log(JSON.stringify({
  tickets: items,
  distinct: seen.size,
  pages,
  seconds: Number(seconds.toFixed(2)),
  tickets_per_second: Math.round(items / seconds),
  mb: Number((bytes / 1e6).toFixed(1)),
  slowest_page_ms: Math.round(slowest),
}));
