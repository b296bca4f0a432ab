// Test harness for the API tests: starts a real `comptoir serve` on a free loopback
// port with a fresh temporary data dir, and hands out a node-zendesk client and raw
// HTTP helpers. One server per test file:
//
//   let srv;
//   before(async () => { srv = await startServer(); });
//   after(() => srv?.stop());
//
// The binary comes from $COMPTOIR_BIN (scripts/test sets it to build/test/comptoir);
// without it the harness falls back to build/test/comptoir relative to the repo root.
// Set COMPTOIR_TEST_VERBOSE=1 to echo the server's output to stderr.
// Several accounts: srv.createAccount({subdomain, ownerEmail}) runs `comptoir admin
// create-account`; srv.at('acme.localhost', auth) sends requests (and hands out a
// node-zendesk client) with that Host header, through node:http since fetch cannot set it.
// Set COMPTOIR_TEST_PG_URL (a maintenance URL, e.g. postgresql://postgres@127.0.0.1:PORT/postgres)
// to run on PostgreSQL: each data dir then gets a fresh database (made with psql), passed
// to serve and create-token as COMPTOIR_DATABASE_URL.

import { spawn, execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import http from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { createClient } = require('node-zendesk');
const WebSocket = require('ws');

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '..', '..');

export const ADMIN_EMAIL = 'admin@comptoir.test';
export const ADMIN_PASSWORD = 'Adm1n-Passw0rd-For-Tests';
// A password every test user gets when a test needs to sign in as them.
export const USER_PASSWORD = 'Us3r-Passw0rd-For-Tests';

const START_TIMEOUT_MS = 20_000;
const STOP_TIMEOUT_MS = 15_000;
const OUTPUT_LINES_KEPT = 400;

export function comptoirBin() {
  const fromEnv = process.env.COMPTOIR_BIN;
  const bin = fromEnv ? path.resolve(fromEnv) : path.join(repoRoot, 'build', 'test', 'comptoir');
  if (!existsSync(bin)) {
    throw new Error(`comptoir binary not found at ${bin} (build it, or set COMPTOIR_BIN)`);
  }
  return bin;
}

// Environment for a child: the caller's, minus Comptoir settings that would leak
// into a hermetic test, plus `overrides` (a value of undefined removes the variable).
function childEnv(overrides) {
  const env = { ...process.env };
  for (const k of Object.keys(env)) {
    if (k.startsWith('COMPTOIR_') && k !== 'COMPTOIR_BIN') delete env[k];
  }
  for (const [k, v] of Object.entries(overrides)) {
    if (v === undefined || v === null) delete env[k];
    else env[k] = String(v);
  }
  return env;
}

// Runs `comptoir <args...>` to completion; resolves {code, stdout, stderr}.
export function runCli(args, { env = {}, timeoutMs = 20_000 } = {}) {
  return new Promise((resolve) => {
    execFile(
      comptoirBin(),
      args,
      { env: childEnv(env), timeout: timeoutMs, maxBuffer: 4 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

export function basicAuth(user, secret) {
  return 'Basic ' + Buffer.from(`${user}:${secret}`).toString('base64');
}
export function tokenAuth(email, token) {
  return basicAuth(`${email}/token`, token);
}

const pgDatabases = new Map(); // data dir → database URL
let pgCounter = 0;

function psql(url, sql) {
  return new Promise((resolve, reject) => {
    execFile('psql', [url, '-X', '-q', '-v', 'ON_ERROR_STOP=1', '-c', sql], { timeout: 30_000 },
      (error, stdout, stderr) => (error ? reject(new Error(`psql ${sql}: ${stderr || error.message}`)) : resolve()));
  });
}

// The PostgreSQL URL of the database of data dir `dir` (created on first use), or
// undefined when COMPTOIR_TEST_PG_URL is not set.
export async function pgDatabaseFor(dir) {
  const admin = process.env.COMPTOIR_TEST_PG_URL;
  if (!admin) return undefined;
  if (pgDatabases.has(dir)) return pgDatabases.get(dir);
  pgCounter += 1;
  const name = `comptoir_api_${process.pid}_${Date.now().toString(36)}_${pgCounter}`;
  await psql(admin, `CREATE DATABASE ${name}`);
  const u = new URL(admin);
  u.pathname = `/${name}`;
  pgDatabases.set(dir, u.toString());
  return u.toString();
}

async function pgDropFor(dir) {
  const admin = process.env.COMPTOIR_TEST_PG_URL;
  const url = pgDatabases.get(dir);
  if (!admin || !url) return;
  pgDatabases.delete(dir);
  const name = new URL(url).pathname.slice(1);
  await psql(admin, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => {});
}

// Runs one query with psql; resolves its rows as arrays of strings (unaligned, `|`-split).
export function psqlRows(url, sql) {
  return new Promise((resolve, reject) => {
    execFile('psql', [url, '-X', '-q', '-A', '-t', '-F', '|', '-v', 'ON_ERROR_STOP=1', '-c', sql],
      { timeout: 30_000, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error) return reject(new Error(`psql ${sql}: ${stderr || error.message}`));
        resolve(stdout.split('\n').filter((l) => l.length > 0).map((l) => l.split('|')));
      });
  });
}

let uniqueCounter = 0;
// A unique, lowercase, valid email for this process.
export function uniqueEmail(prefix = 'user', domain = 'example.test') {
  uniqueCounter += 1;
  return `${prefix}-${process.pid}-${Date.now().toString(36)}-${uniqueCounter}@${domain}`;
}
export function uniqueName(prefix = 'Name') {
  uniqueCounter += 1;
  return `${prefix} ${process.pid} ${Date.now().toString(36)} ${uniqueCounter}`;
}

/**
 * Starts a server. Options:
 *   env       extra environment (COMPTOIR_RATE_LIMIT defaults to 0; undefined removes a var)
 *   dataDir   reuse this data dir (it is then not removed by stop())
 *   admin     {email, password} for the first-start bootstrap
 *   createToken  false to skip `comptoir admin create-token`
 *   serveArgs  arguments after `serve` (default: --listen 127.0.0.1:0 --data <dir>)
 */
export async function startServer({
  env = {},
  dataDir,
  admin = { email: ADMIN_EMAIL, password: ADMIN_PASSWORD },
  createToken = true,
  serveArgs,
} = {}) {
  const bin = comptoirBin();
  const ownDataDir = !dataDir;
  const dir = dataDir ?? (await mkdtemp(path.join(os.tmpdir(), 'comptoir-api-')));
  const pgUrl = await pgDatabaseFor(dir);
  const dbEnv = pgUrl ? { COMPTOIR_DATABASE_URL: pgUrl } : {};
  const serverEnv = {
    ...dbEnv,
    COMPTOIR_ADMIN_EMAIL: admin.email,
    COMPTOIR_ADMIN_PASSWORD: admin.password,
    COMPTOIR_RATE_LIMIT: '0',
    ...env,
  };

  const lines = []; // recent output, both streams
  const jsonLines = []; // every stdout line that parsed as a JSON object
  const plainLines = []; // every stdout line that did not
  const stderrLines = []; // the first lines of stderr
  let echo = process.env.COMPTOIR_TEST_VERBOSE === '1';
  const spawnedAt = performance.now();
  const args = serveArgs ?? ['--listen', '127.0.0.1:0', '--data', dir];
  const child = spawn(bin, ['serve', ...args], {
    env: childEnv(serverEnv),
    stdio: ['ignore', 'pipe', 'pipe'],
  });

  let exitInfo = null;
  const exited = new Promise((resolve) => {
    child.on('exit', (code, signal) => {
      exitInfo = { code, signal };
      resolve(exitInfo);
    });
    child.on('error', (err) => {
      exitInfo = { code: -1, signal: null, error: err };
      resolve(exitInfo);
    });
  });

  const keep = (stream, line) => {
    lines.push(`[${stream}] ${line}`);
    if (lines.length > OUTPUT_LINES_KEPT) lines.shift();
    if (echo) process.stderr.write(`[comptoir ${stream}] ${line}\n`);
  };
  const output = () => lines.join('\n');

  let onListening;
  const listening = new Promise((resolve) => (onListening = resolve));
  // Always drain both pipes: the access log is on stdout and a full pipe would block the server.
  const splitter = (stream, onLine) => {
    let buf = '';
    child[stream].setEncoding('utf8');
    child[stream].on('data', (chunk) => {
      buf += chunk;
      let i;
      while ((i = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, i).replace(/\r$/, '');
        buf = buf.slice(i + 1);
        keep(stream, line);
        onLine(line);
      }
    });
  };
  splitter('stdout', (line) => {
    let obj = null;
    if (line.startsWith('{')) {
      try {
        obj = JSON.parse(line);
      } catch {
        obj = null;
      }
    }
    if (obj && typeof obj === 'object') {
      jsonLines.push(obj);
      if (jsonLines.length > 5000) jsonLines.splice(0, 1000);
      if (obj.msg === 'listening' && typeof obj.url === 'string') onListening(obj.url);
    } else {
      plainLines.push(line);
    }
  });
  splitter('stderr', (line) => {
    if (stderrLines.length < 1000) stderrLines.push(line);
  });

  let timer;
  const timeout = new Promise((resolve) => {
    timer = setTimeout(() => resolve(null), START_TIMEOUT_MS);
  });
  const url = await Promise.race([listening, exited.then(() => null), timeout]);
  clearTimeout(timer);
  if (!url) {
    const why = exitInfo
      ? `exited early (${JSON.stringify(exitInfo)})`
      : `printed no "listening" line within ${START_TIMEOUT_MS} ms`;
    if (!exitInfo) child.kill('SIGKILL');
    await exited;
    if (ownDataDir) await rm(dir, { recursive: true, force: true });
    throw new Error(`comptoir serve ${why}. Output:\n${output()}`);
  }
  const listeningAfterMs = performance.now() - spawnedAt;

  const server = {
    url,
    apiUrl: `${url}/api/v2`,
    dataDir: dir,
    databaseUrl: pgUrl, // the PostgreSQL database, when running on PostgreSQL
    adminEmail: admin.email,
    adminPassword: admin.password,
    token: null,
    pid: child.pid,
    listeningAfterMs,
    output,
    jsonLines,
    plainLines,
    stderrLines,
    get exitInfo() {
      return exitInfo;
    },
    setEcho(on) {
      echo = on;
    },

    /** A node-zendesk client as the admin (API token), options merged in. */
    client(options = {}) {
      return createClient({
        username: server.adminEmail,
        token: server.token,
        endpointUri: server.apiUrl,
        ...options,
      });
    },

    /** A node-zendesk client with email + password. */
    passwordClient(email, password, options = {}) {
      return createClient({ username: email, password, endpointUri: server.apiUrl, ...options });
    },

    /**
     * Raw HTTP with fetch. `target` is a path ("/api/v2/users.json") or an absolute URL.
     * auth: 'token' (admin API token, default) | 'password' (admin) | 'none' |
     *       {email, password} | {email, token} | {bearer} | {header: 'raw value'}.
     * body: an object (sent as JSON) or a string/Buffer sent as is.
     * Resolves {status, headers, text, json} (json is null when the body is not JSON).
     */
    async request(
      method,
      target,
      { auth = 'token', body, headers = {}, redirect = 'manual', host } = {},
    ) {
      const h = { Accept: 'application/json', ...headers };
      const authHeader = server.authHeader(auth);
      if (authHeader) h.Authorization = authHeader;
      let payload;
      if (body !== undefined) {
        if (typeof body === 'string' || body instanceof Uint8Array) {
          payload = body;
        } else {
          payload = JSON.stringify(body);
        }
        if (!Object.keys(h).some((k) => k.toLowerCase() === 'content-type')) {
          h['Content-Type'] = 'application/json';
        }
      }
      const full = target.startsWith('http') ? target : url + target;
      // fetch may not set Host: a request for another account's host goes through node:http.
      if (host !== undefined) {
        h.Host = host.includes(':') ? host : `${host}:${new URL(url).port}`;
        return httpRequest(full, { method, headers: h, body: payload });
      }
      const res = await fetch(full, {
        method,
        headers: h,
        body: payload,
        redirect,
      });
      const text = await res.text();
      let json = null;
      try {
        json = text.length ? JSON.parse(text) : null;
      } catch {
        json = null;
      }
      return { status: res.status, headers: res.headers, text, json };
    },
    /**
     * The same helpers bound to one Host header (an account's subdomain, e.g.
     * 'acme.localhost') and a default auth: at('acme.localhost', {email, password}).get(...).
     */
    at(host, auth = 'none') {
      const req = (method, p, o = {}) => server.request(method, p, { auth, ...o, host });
      return {
        host,
        request: req,
        get: (p, o) => req('GET', p, o),
        post: (p, body, o = {}) => req('POST', p, { ...o, body }),
        put: (p, body, o = {}) => req('PUT', p, { ...o, body }),
        patch: (p, body, o = {}) => req('PATCH', p, { ...o, body }),
        del: (p, o) => req('DELETE', p, o),
        /** A node-zendesk client for this host (its transport sets the Host header). */
        client(options = {}) {
          return createClient({
            endpointUri: server.apiUrl,
            transportConfig: hostTransport(`${host}:${new URL(url).port}`),
            ...options,
          });
        },
      };
    },
    /** Runs `comptoir <args...> --data <dir>` against this server's database. */
    cli(args, options = {}) {
      return runCli([...args, '--data', dir], { ...options, env: { ...dbEnv, ...(options.env ?? {}) } });
    },
    /**
     * `comptoir admin create-account`; resolves {account, subdomain, email, password}.
     */
    async createAccount({ subdomain, name = `Account ${subdomain}`, ownerEmail, ownerPassword }) {
      const args = ['admin', 'create-account', '--subdomain', subdomain, '--name', name,
        '--owner-email', ownerEmail];
      if (ownerPassword) args.push('--owner-password', ownerPassword);
      const r = await server.cli(args);
      // On a fresh data dir the first-start bootstrap prints account 1's owner first.
      const out = r.stdout.slice(Math.max(0, r.stdout.indexOf('Account: ')));
      const field = (label) => new RegExp(`^${label}: (.*)$`, 'm').exec(out)?.[1];
      if (r.code !== 0 || !field('Account')) {
        throw new Error(`create-account failed (code ${r.code}): ${r.stdout} ${r.stderr}`);
      }
      return {
        account: Number(field('Account')),
        subdomain: field('Subdomain'),
        email: field('Owner admin'),
        password: field('Password'),
      };
    },
    get: (p, o) => server.request('GET', p, o),
    post: (p, body, o = {}) => server.request('POST', p, { ...o, body }),
    put: (p, body, o = {}) => server.request('PUT', p, { ...o, body }),
    patch: (p, body, o = {}) => server.request('PATCH', p, { ...o, body }),
    del: (p, o) => server.request('DELETE', p, o),

    authHeader(auth) {
      if (auth === 'none' || auth === null) return null;
      if (auth === 'token') return tokenAuth(server.adminEmail, server.token);
      if (auth === 'password') return basicAuth(server.adminEmail, server.adminPassword);
      if (typeof auth === 'object') {
        if (auth.header !== undefined) return auth.header;
        if (auth.bearer !== undefined) return `Bearer ${auth.bearer}`;
        if (auth.token !== undefined) return tokenAuth(auth.email, auth.token);
        if (auth.password !== undefined) return basicAuth(auth.email, auth.password);
      }
      throw new Error(`unknown auth ${JSON.stringify(auth)}`);
    },

    /**
     * Raw bytes over a TCP socket, for what fetch cannot send (huge headers, bodies
     * the server refuses half-way). `chunks` are Buffers/strings written in order, or
     * {pause: ms} to wait that long (sending stops early once a response arrives, so a
     * server that answers before reading everything does not reset the connection
     * under our response). Resolves {status, headers (lowercase keys), text, json} as
     * soon as one complete response is in, or whatever arrived when the peer closes.
     */
    raw(chunks, { timeoutMs = 15_000 } = {}) {
      return rawHttp(new URL(url), chunks, timeoutMs);
    },

    /** POSTs {key: attrs} to path as admin, expects 201; resolves the created object. */
    async createRecord(path, key, attrs) {
      const r = await server.post(path, { [key]: attrs });
      if (r.status !== 201 || !r.json?.[key]) {
        throw new Error(`POST ${path} failed: ${r.status} ${r.text}`);
      }
      return r.json[key];
    },

    /** Creates a user through the API as admin; resolves the user object. */
    async createUser(attrs = {}) {
      const user = { name: uniqueName('User'), email: uniqueEmail(), ...attrs };
      const r = await server.post('/api/v2/users.json', { user });
      if (r.status !== 201) {
        throw new Error(`create user failed: ${r.status} ${r.text}`);
      }
      return r.json.user;
    },

    /** Sets a user's password as admin (POST /users/{id}/password). */
    async setPassword(userId, password = USER_PASSWORD) {
      const r = await server.post(`/api/v2/users/${userId}/password.json`, { password });
      if (r.status >= 300) throw new Error(`set password failed: ${r.status} ${r.text}`);
      return password;
    },

    /** Creates a user and gives it a password; resolves {user, auth} for request(). */
    async createUserWithPassword(attrs = {}) {
      const user = await server.createUser(attrs);
      const password = await server.setPassword(user.id);
      return { user, auth: { email: user.email, password } };
    },

    /** SIGKILL (a crash: nothing is drained or flushed); resolves once it has exited. */
    async crash() {
      if (!exitInfo) child.kill('SIGKILL');
      return exited;
    },

    /** SIGTERM, await exit; resolves {code, signal}. Removes the temp data dir. */
    async stop({ keepData = false } = {}) {
      if (!exitInfo) {
        child.kill('SIGTERM');
        let t;
        const timedOut = await Promise.race([
          exited.then(() => false),
          new Promise((r) => (t = setTimeout(() => r(true), STOP_TIMEOUT_MS))),
        ]);
        clearTimeout(t);
        if (timedOut) {
          child.kill('SIGKILL');
          await exited;
          exitInfo = { ...exitInfo, timedOut: true };
        }
      }
      if (ownDataDir && !keepData) {
        await rm(dir, { recursive: true, force: true });
        await pgDropFor(dir);
      }
      if (exitInfo.code !== 0 || exitInfo.timedOut) {
        process.stderr.write(
          `comptoir serve ended with ${JSON.stringify(exitInfo)}; last output:\n${output()}\n`,
        );
      }
      return exitInfo;
    },
  };

  if (createToken) {
    const r = await runCli(['admin', 'create-token', '--email', admin.email, '--data', dir], {
      env: dbEnv,
    });
    const token = r.stdout.trim();
    if (r.code !== 0 || !/^\S+$/.test(token)) {
      await server.stop();
      throw new Error(
        `comptoir admin create-token failed (code ${r.code}): stdout=${JSON.stringify(r.stdout)} ` +
          `stderr=${JSON.stringify(r.stderr)}`,
      );
    }
    server.token = token;
  }
  return server;
}

/**
 * One request with node:http, which (unlike fetch) sends the Host header it is given.
 * Resolves like server.request: {status, headers (a Headers), text, json}.
 */
export function httpRequest(target, { method = 'GET', headers = {}, body } = {}) {
  return new Promise((resolve, reject) => {
    const req = http.request(target, { method, headers, agent: false }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('error', reject);
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        const h = new Headers();
        for (let i = 0; i < res.rawHeaders.length; i += 2) h.append(res.rawHeaders[i], res.rawHeaders[i + 1]);
        let json = null;
        try {
          json = text.length ? JSON.parse(text) : null;
        } catch {
          json = null;
        }
        resolve({ status: res.statusCode, headers: h, text, json });
      });
    });
    req.on('error', reject);
    if (body !== undefined && body !== null) req.write(body);
    req.end();
  });
}

// A node-zendesk transport (transportConfig) that sends every request with `host` as
// its Host header.
function hostTransport(host) {
  return {
    async transportFn(uri, options) {
      const r = await httpRequest(uri, {
        method: options.method,
        headers: { ...options.headers, Host: host },
        body: options.body,
      });
      const noBody = r.status === 204 || r.status === 304;
      return new Response(noBody ? null : r.text, { status: r.status, headers: r.headers });
    },
    responseAdapter(res) {
      return {
        json: () => res.json(),
        status: res.status,
        headers: { get: (name) => res.headers.get(name) },
        statusText: res.statusText,
      };
    },
  };
}

function rawHttp(u, chunks, timeoutMs) {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: u.hostname, port: Number(u.port) });
    let data = Buffer.alloc(0);
    let done = false;
    const finish = (err) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      const parsed = parseResponse(data);
      if (parsed) resolve(parsed);
      else reject(err ?? new Error(`no HTTP response (got ${data.length} bytes)`));
    };
    const timer = setTimeout(() => finish(new Error('raw HTTP timeout')), timeoutMs);
    socket.on('data', (d) => {
      data = Buffer.concat([data, d]);
      const parsed = parseResponse(data);
      if (parsed && parsed.complete) finish();
    });
    socket.on('end', () => finish());
    socket.on('close', () => finish());
    // The server may answer and close before it has read everything we send: that is
    // the behaviour under test (413/431), so write errors are not failures.
    socket.on('error', (err) => {
      if (data.length === 0 && !['EPIPE', 'ECONNRESET'].includes(err.code)) finish(err);
    });
    socket.on('connect', async () => {
      for (const c of chunks) {
        if (done || socket.destroyed || data.length > 0) return;
        if (c && typeof c === 'object' && 'pause' in c) {
          const until = Date.now() + c.pause;
          while (Date.now() < until && data.length === 0 && !done) {
            await new Promise((r) => setTimeout(r, 10));
          }
          continue;
        }
        const ok = socket.write(c);
        if (!ok) await new Promise((r) => socket.once('drain', r).once('close', r));
      }
    });
  });
}

function parseResponse(buf) {
  const headEnd = buf.indexOf('\r\n\r\n');
  if (headEnd < 0) return null;
  const head = buf.subarray(0, headEnd).toString('latin1').split('\r\n');
  const m = /^HTTP\/1\.[01] (\d{3})/.exec(head[0]);
  if (!m) return null;
  const headers = {};
  for (const line of head.slice(1)) {
    const i = line.indexOf(':');
    if (i > 0) headers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
  }
  const body = buf.subarray(headEnd + 4);
  const len = headers['content-length'] !== undefined ? Number(headers['content-length']) : null;
  const complete = len !== null ? body.length >= len : false;
  const text = (len !== null ? body.subarray(0, len) : body).toString('utf8');
  let json = null;
  try {
    json = JSON.parse(text);
  } catch {
    json = null;
  }
  return { status: Number(m[1]), headers, text, json, complete };
}

/**
 * Polls a job status with node-zendesk's watch() (every 200 ms) and returns the
 * terminal job_status. watch() itself never gives up while the job stays queued, so
 * this fails after `timeoutMs` and stops the client's polling timer.
 */
export async function watchJob(client, jobStatus, timeoutMs = 20_000) {
  assertJobStatusShape(jobStatus);
  // watch() starts its setInterval synchronously: capture the handle to clear it on timeout.
  const realSetInterval = globalThis.setInterval;
  const handles = [];
  globalThis.setInterval = (...args) => {
    const h = realSetInterval(...args);
    handles.push(h);
    return h;
  };
  let watching;
  try {
    watching = client.jobstatuses.watch(jobStatus.id, 200, 10);
  } finally {
    globalThis.setInterval = realSetInterval;
  }
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`job ${jobStatus.id} not finished after ${timeoutMs} ms`)),
      timeoutMs,
    );
  });
  try {
    return await Promise.race([watching, timeout]);
  } finally {
    clearTimeout(timer);
    for (const h of handles) clearInterval(h);
  }
}

export function assertJobStatusShape(js) {
  if (!js || typeof js.id !== 'string' || !js.id) {
    throw new Error(`not a job_status: ${JSON.stringify(js)}`);
  }
}

/** ISO-8601 UTC, second precision, with Z (reference §1.8). */
export const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;

/** Runs fn and returns the error it throws (fails if it does not). */
export async function rejection(fn) {
  try {
    await fn();
  } catch (err) {
    return err;
  }
  throw new Error('expected a rejection, got success');
}

// Opens the live WebSocket (ws package) with these headers; resolves {ws, next(pred, ms)} once open, or {status} when refused.
export function openLive(server, headers = {}, path = '/api/v2/live') {
  const url = server.url.replace(/^http/, 'ws') + path;
  return new Promise((resolve) => {
    const ws = new WebSocket(url, { headers });
    const inbox = [];
    const waiters = [];
    ws.on('message', (data) => {
      const msg = JSON.parse(String(data).startsWith('{') ? String(data) : JSON.stringify({ text: String(data) }));
      inbox.push(msg);
      for (const w of [...waiters]) w();
    });
    ws.on('unexpected-response', (_req, res) => resolve({ status: res.statusCode }));
    ws.on('error', () => resolve({ status: -1 }));
    ws.on('open', () =>
      resolve({
        ws,
        inbox,
        // The first message (from now on, or already received) that matches.
        next(pred, ms = 5000) {
          return new Promise((ok, fail) => {
            const check = () => {
              const i = inbox.findIndex(pred);
              if (i < 0) return false;
              const [m] = inbox.splice(i, 1);
              clearTimeout(timer);
              waiters.splice(waiters.indexOf(check), 1);
              ok(m);
              return true;
            };
            const timer = setTimeout(() => {
              waiters.splice(waiters.indexOf(check), 1);
              fail(new Error(`no matching message within ${ms} ms; got ${JSON.stringify(inbox)}`));
            }, ms);
            waiters.push(check);
            check();
          });
        },
      }),
    );
  });
}
