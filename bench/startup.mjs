// Start-to-ready timing: spawns `comptoir serve --listen 127.0.0.1:0`, reads the port
// from the "listening" log line and polls /readyz until it answers 200. The time is
// measured from spawn to the first 200. Prints one JSON object:
//   {"cold_ms": [...], "warm_ms": [...]}
// cold = a fresh data dir each time (migrations + owner bootstrap included);
// warm = restarts on one existing data dir.
// Usage: node bench/startup.mjs <comptoir binary> [runs=5]
import { spawn } from 'node:child_process';
import http from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

const [bin, runsArg] = process.argv.slice(2);
const runs = Number(runsArg ?? 5);
if (!bin) {
  console.error('usage: node bench/startup.mjs <comptoir binary> [runs]');
  process.exit(2);
}

function env() {
  const e = { ...process.env, COMPTOIR_ADMIN_PASSWORD: 'Bench-Passw0rd-123', COMPTOIR_RATE_LIMIT: '0' };
  delete e.COMPTOIR_LISTEN;
  delete e.COMPTOIR_DATA_DIR;
  delete e.COMPTOIR_DATABASE_URL;
  return e;
}

// node:http rather than fetch: fetch's first call in a process costs tens of ms.
function status(url) {
  return new Promise((resolve) => {
    const req = http.get(url, { agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode));
    });
    req.on('error', () => resolve(0));
  });
}

async function once(dataDir) {
  const t0 = performance.now();
  const child = spawn(bin, ['serve', '--listen', '127.0.0.1:0', '--data', dataDir], {
    env: env(),
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise((r) => child.on('exit', (code, signal) => r({ code, signal })));
  let buf = '';
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no listening line in 20 s')), 20_000);
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (d) => {
      buf += d;
      const m = /"msg":"listening"[^\n]*"url":"([^"]+)"/.exec(buf) ?? /"url":"([^"]+)"[^\n]*"msg":"listening"/.exec(buf);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
      if (buf.length > 1 << 20) buf = buf.slice(-4096);
    });
    exited.then((e) => reject(new Error(`server exited before listening: ${JSON.stringify(e)}`)));
  });
  child.stdout.resume();
  let ms = null;
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    if ((await status(`${url}/readyz`)) === 200) {
      ms = performance.now() - t0;
      break;
    }
    await new Promise((r) => setTimeout(r, 1));
  }
  child.kill('SIGTERM');
  const exit = await exited;
  if (ms === null) throw new Error('/readyz never answered 200');
  if (exit.code !== 0) throw new Error(`server exit on SIGTERM: ${JSON.stringify(exit)}`);
  return Math.round(ms * 10) / 10;
}

const cold = [];
const warm = [];
const dirs = [];
try {
  for (let i = 0; i < runs; i++) {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'comptoir-bench-start-'));
    dirs.push(dir);
    cold.push(await once(dir));
  }
  for (let i = 0; i < runs; i++) warm.push(await once(dirs[0]));
} finally {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
}
console.log(JSON.stringify({ cold_ms: cold, warm_ms: warm }));
