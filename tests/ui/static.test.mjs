// /agent/ as served by `comptoir serve`: content types, cache headers, gzip, the
// index.html fallback for client routes, and path traversal refused.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { startServer } from '../api/harness.mjs';
import { uiDir } from './browser.mjs';

let srv;
before(async () => {
  srv = await startServer({ env: { COMPTOIR_UI_DIR: uiDir }, createToken: false });
});
after(() => srv?.stop());

// Raw GET (fetch would normalise "..", and decompress).
function get(target, headers = {}) {
  const u = new URL(srv.url);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: u.hostname, port: u.port, path: target, headers }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end();
  });
}

test('index.html: no-cache, ETag, CSP, and 304 on revalidation', async () => {
  const r = await get('/agent/');
  assert.equal(r.status, 200);
  assert.equal(r.headers['content-type'], 'text/html; charset=utf-8');
  assert.equal(r.headers['cache-control'], 'no-cache');
  assert.match(r.headers['content-security-policy'], /default-src 'self'/);
  assert.ok(r.headers.etag);
  const again = await get('/agent/', { 'If-None-Match': r.headers.etag });
  assert.equal(again.status, 304);
  const bare = await get('/agent');
  assert.equal(bare.status, 301);
  assert.equal(bare.headers.location, '/agent/');
});

test('client routes fall back to index.html; missing assets are 404', async () => {
  const index = await readFile(path.join(uiDir, 'index.html'));
  const r = await get('/agent/tickets/42');
  assert.equal(r.status, 200);
  assert.deepEqual(r.body, index);
  assert.equal((await get('/agent/assets/nope-123.js')).status, 404);
});

test('hashed assets are immutable, typed, and gzipped when the client accepts it', async () => {
  const html = (await get('/agent/')).body.toString();
  const js = html.match(/src="(\/agent\/assets\/[^"]+\.js)"/)[1];
  const plain = await get(js);
  assert.equal(plain.status, 200);
  assert.equal(plain.headers['content-type'], 'text/javascript; charset=utf-8');
  assert.equal(plain.headers['cache-control'], 'public, max-age=31536000, immutable');
  assert.equal(plain.headers['content-encoding'], undefined);
  const gz = await get(js, { 'Accept-Encoding': 'gzip, deflate, br' });
  assert.equal(gz.headers['content-encoding'], 'gzip');
  assert.equal(gz.headers.vary, 'Accept-Encoding');
  assert.ok(gz.body.length < plain.body.length / 2, `${gz.body.length} vs ${plain.body.length}`);
  assert.deepEqual(gunzipSync(gz.body), plain.body);
  const css = html.match(/href="(\/agent\/assets\/[^"]+\.css)"/)[1];
  assert.equal((await get(css)).headers['content-type'], 'text/css; charset=utf-8');
});

test('path traversal is refused', async () => {
  for (const t of ['/agent/../../etc/passwd', '/agent/%2e%2e/%2e%2e/etc/passwd', '/agent/assets/..%2f..%2f..%2fpackage.json',
    '/agent/..%5c..%5cpackage.json', '/agent/.vite/manifest.json']) {
    const r = await get(t);
    assert.ok(r.status === 404 || r.status === 400, `${t}: ${r.status}`);
    assert.ok(!r.body.toString().includes('root:'), t);
  }
});

test('HEAD answers the headers without a body', async () => {
  const r = await srv.request('HEAD', '/agent/tickets/1', { auth: 'none' });
  assert.equal(r.status, 200);
  assert.equal(r.headers.get('content-type'), 'text/html; charset=utf-8');
  assert.equal(r.text, '');
});

test('only GET and HEAD', async () => {
  const r = await srv.request('POST', '/agent/', { auth: 'none', body: {} });
  assert.equal(r.status, 405);
});

test('the API still answers beside /agent/', async () => {
  const r = await srv.request('GET', '/api/v2/users/me.json', { auth: 'none' });
  assert.equal(r.status, 200);
  assert.equal(r.json.user.id, null);
});
