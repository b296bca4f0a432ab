// Real receivers on loopback for the side-effect tests: an SMTP server (a real SMTP
// conversation over node's net module: EHLO, MAIL, RCPT, DATA, QUIT) that keeps the
// messages it accepts, a small MIME reader for what it received, and an HTTP receiver
// for webhooks whose answer each test scripts (status, delay, hang).
import net from 'node:net';
import http from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';

/** Waits until fn() is truthy (polling); resolves its value or throws after timeoutMs. */
export async function waitFor(fn, { timeoutMs = 20_000, stepMs = 50, what = 'condition' } = {}) {
  const start = Date.now();
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await sleep(stepMs);
  }
}

/** A free TCP port on 127.0.0.1 (bound then released). */
export async function freePort() {
  const s = net.createServer();
  await new Promise((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address();
  await new Promise((r) => s.close(r));
  return port;
}

function decodeQp(s) {
  const bytes = [];
  const src = s.replace(/=\r?\n/g, '');
  for (let i = 0; i < src.length; i++) {
    if (src[i] === '=' && /^[0-9A-F]{2}$/i.test(src.slice(i + 1, i + 3))) {
      bytes.push(parseInt(src.slice(i + 1, i + 3), 16));
      i += 2;
    } else {
      bytes.push(...Buffer.from(src[i], 'latin1'));
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

function decodeWords(v) {
  return v
    .replace(/\?=\s+=\?/g, '?==?')
    .replace(/=\?UTF-8\?B\?([^?]*)\?=/gi, (_, b) => Buffer.from(b, 'base64').toString('utf8'));
}

function parseHeaders(block) {
  const headers = {};
  const unfolded = block.replace(/\r\n[ \t]+/g, ' ');
  for (const line of unfolded.split('\r\n')) {
    const i = line.indexOf(':');
    if (i > 0) headers[line.slice(0, i).toLowerCase()] = line.slice(i + 1).trim();
  }
  return headers;
}

function decodeBody(headers, body) {
  const cte = (headers['content-transfer-encoding'] ?? '').toLowerCase();
  if (cte === 'quoted-printable') return decodeQp(body).replace(/\r\n/g, '\n');
  if (cte === 'base64') return Buffer.from(body, 'base64').toString('utf8');
  return body.replace(/\r\n/g, '\n');
}

/** Parses a message: {headers, subject, text, html, parts}. */
export function parseMail(raw) {
  const split = raw.indexOf('\r\n\r\n');
  const headers = parseHeaders(raw.slice(0, split));
  const body = raw.slice(split + 4);
  const out = { raw, headers, subject: decodeWords(headers.subject ?? ''), text: null, html: null };
  out.from = decodeWords(headers.from ?? '');
  const ct = headers['content-type'] ?? 'text/plain';
  const m = /boundary="([^"]+)"/.exec(ct);
  if (ct.startsWith('multipart/') && m) {
    out.parts = [];
    const pieces = body.split(`--${m[1]}`);
    for (const piece of pieces.slice(1)) {
      if (piece.startsWith('--')) break;
      const p = piece.replace(/^\r\n/, '');
      const i = p.indexOf('\r\n\r\n');
      const ph = parseHeaders(p.slice(0, i));
      const content = decodeBody(ph, p.slice(i + 4).replace(/\r\n$/, ''));
      out.parts.push({ headers: ph, content });
      if ((ph['content-type'] ?? '').startsWith('text/plain')) out.text = content;
      if ((ph['content-type'] ?? '').startsWith('text/html')) out.html = content;
    }
  } else {
    out.text = decodeBody(headers, body);
  }
  return out;
}

/**
 * An SMTP server on 127.0.0.1 (port 0 = any). messages: [{from, to, raw, mail}] where
 * mail = parseMail(raw). rcptReply(address) may answer another line than "250 ok".
 */
export async function startSmtpSink({ port = 0, rcptReply } = {}) {
  const messages = [];
  const sockets = new Set();
  const server = net.createServer((sock) => {
    sockets.add(sock);
    sock.on('close', () => sockets.delete(sock));
    sock.on('error', () => {});
    let buf = '';
    let inData = false;
    let cur = { from: null, to: [] };
    const send = (line) => sock.write(`${line}\r\n`);
    send('220 sink.test ESMTP ready');
    sock.setEncoding('latin1');
    sock.on('data', (chunk) => {
      buf += chunk;
      for (;;) {
        if (inData) {
          const end = buf.indexOf('\r\n.\r\n');
          if (end < 0) return;
          let raw = buf.slice(0, end + 2);
          buf = buf.slice(end + 5);
          inData = false;
          raw = raw.replace(/\r\n\.\./g, '\r\n.'); // undo dot-stuffing
          const rawUtf8 = Buffer.from(raw, 'latin1').toString('utf8');
          messages.push({ ...cur, raw: rawUtf8, mail: parseMail(rawUtf8) });
          cur = { from: null, to: [] };
          send('250 2.0.0 queued');
          continue;
        }
        const eol = buf.indexOf('\r\n');
        if (eol < 0) return;
        const line = buf.slice(0, eol);
        buf = buf.slice(eol + 2);
        const verb = line.slice(0, 4).toUpperCase();
        if (verb === 'EHLO') {
          send('250-sink.test');
          send('250-8BITMIME');
          send('250 SIZE 10000000');
        } else if (verb === 'HELO') {
          send('250 sink.test');
        } else if (verb === 'MAIL') {
          cur.from = /<([^>]*)>/.exec(line)?.[1] ?? '';
          send('250 ok');
        } else if (verb === 'RCPT') {
          const addr = /<([^>]*)>/.exec(line)?.[1] ?? '';
          const reply = rcptReply ? rcptReply(addr) : null;
          if (reply && !reply.startsWith('2')) {
            send(reply);
          } else {
            cur.to.push(addr);
            send('250 ok');
          }
        } else if (verb === 'DATA') {
          inData = true;
          send('354 end with <CRLF>.<CRLF>');
        } else if (verb === 'QUIT') {
          send('221 bye');
          sock.end();
        } else if (verb === 'RSET') {
          cur = { from: null, to: [] };
          send('250 ok');
        } else {
          send('250 ok');
        }
      }
    });
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  return {
    port: server.address().port,
    messages,
    /** Resolves the first message to `address` (waiting for it). */
    waitFor(address, opts = {}) {
      return waitFor(() => messages.find((m) => m.to.includes(address)), {
        what: `a message to ${address}`,
        ...opts,
      });
    },
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise((r) => server.close(r));
    },
  };
}

/**
 * An HTTP receiver on 127.0.0.1. requests: [{method, url, headers, body, at}].
 * respond(req) → {status = 200, body = 'ok', delayMs = 0, hang = false} (hang: never
 * answers until close()).
 */
export async function startHttpReceiver({ port = 0, respond } = {}) {
  const requests = [];
  const sockets = new Set();
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', async () => {
      const entry = {
        method: req.method,
        url: req.url,
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
        at: Date.now(),
      };
      requests.push(entry);
      const r = (respond ? respond(entry) : null) ?? {};
      if (r.hang) return;
      if (r.delayMs) await sleep(r.delayMs);
      res.writeHead(r.status ?? 200, { 'Content-Type': 'text/plain', 'X-Receiver': 'yes' });
      res.end(r.body ?? 'ok');
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  const base = `http://127.0.0.1:${server.address().port}`;
  return {
    port: server.address().port,
    url: base,
    requests,
    waitFor(pred, opts = {}) {
      return waitFor(() => requests.find(pred), { what: 'a webhook request', ...opts });
    },
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise((r) => server.close(r));
    },
  };
}
