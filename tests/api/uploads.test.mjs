// Uploads and attachments (reference §2.14, §2.2): raw-body uploads through node-zendesk
// and fetch, attachment metadata, the authenticated download URL, limits and redaction.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { startServer, ISO_UTC } from './harness.mjs';

// PNG signature + IHDR: enough for the server to know it is an image.
const PNG = Buffer.from('89504e470d0a1a0a0000000d494844520000000100000001080600000000', 'hex');

let srv;
let zd;
let tmp;

before(async () => {
  srv = await startServer();
  zd = srv.client({ throwOriginalException: true });
  tmp = await mkdtemp(path.join(os.tmpdir(), 'comptoir-uploads-'));
});
after(async () => {
  await srv?.stop();
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

function upload(bytes, filename, { auth = 'token', token, inline, contentType } = {}) {
  const q = new URLSearchParams({ filename });
  if (token) q.set('token', token);
  if (inline) q.set('inline', 'true');
  return srv.request('POST', `/api/v2/uploads.json?${q}`, {
    auth,
    body: bytes,
    headers: { 'Content-Type': contentType ?? 'application/binary' },
  });
}

function assertAttachmentShape(a) {
  for (const k of [
    'id', 'url', 'file_name', 'content_url', 'mapped_content_url', 'content_type', 'size',
    'width', 'height', 'inline', 'deleted', 'malware_access_override', 'malware_scan_result',
    'thumbnails',
  ]) {
    assert.ok(k in a, `attachment lacks ${k}`);
  }
  assert.equal(a.url, `${srv.apiUrl}/attachments/${a.id}.json`);
  assert.equal(a.malware_scan_result, 'not_scanned');
  assert.equal(a.malware_access_override, false);
  assert.deepEqual(a.thumbnails, []);
  assert.ok(a.content_url.startsWith(`${srv.url}/attachments/token/${a.id}/?name=`), a.content_url);
}

test('node-zendesk uploads a file from a path and from a stream', async () => {
  const file = path.join(tmp, 'crash.log');
  await writeFile(file, 'line one\nline two\n');
  const res = await zd.attachments.upload(file, { filename: 'crash.log' });
  const up = res.upload ?? res.result?.upload;
  assert.ok(up, JSON.stringify(res));
  assert.match(up.token, /^[A-Za-z0-9]{24}$/);
  assert.match(up.expires_at, ISO_UTC);
  assert.equal(up.attachment.file_name, 'crash.log');
  assert.equal(up.attachment.content_type, 'text/plain');
  assert.equal(up.attachment.size, 18);
  assert.equal(up.attachments.length, 1);
  assertAttachmentShape(up.attachment);

  const res2 = await zd.attachments.upload(Readable.from([PNG]), {
    filename: 'pixel.png',
    token: up.token,
  });
  const up2 = res2.upload ?? res2.result?.upload;
  assert.equal(up2.token, up.token);
  assert.equal(up2.attachment.content_type, 'image/png');
  assert.deepEqual(
    up2.attachments.map((a) => a.file_name),
    ['crash.log', 'pixel.png'],
  );
});

test('upload answers 201 with the type sniffed from the bytes', async () => {
  const r = await upload(PNG, 'C:\\Users\\me\\notes.txt', {
    contentType: 'text/plain',
    inline: true,
  });
  assert.equal(r.status, 201, r.text);
  const up = r.json.upload;
  assert.equal(up.attachment.file_name, 'notes.txt');
  assert.equal(up.attachment.content_type, 'image/png');
  assert.equal(up.attachment.inline, true);
  assert.equal(up.attachment.deleted, false);
  const expires = Date.parse(up.expires_at);
  assert.ok(Math.abs(expires - Date.now() - 3 * 86400_000) < 120_000, up.expires_at);

  const again = await upload(Buffer.from('hello'), 'b.txt', { token: up.token });
  assert.equal(again.status, 201, again.text);
  assert.equal(again.json.upload.attachments.length, 2);
  const bogus = await upload(Buffer.from('hello'), 'c.txt', { token: 'NoSuchToken123' });
  assert.equal(bogus.status, 422, bogus.text);
  assert.equal(bogus.json.error, 'RecordInvalid');
});

test('bad file names and empty bodies are 422', async () => {
  const noName = await srv.request('POST', '/api/v2/uploads.json', { body: Buffer.from('x') });
  assert.equal(noName.status, 422, noName.text);
  assert.ok(noName.json.details.filename);
  const ctl = await upload(Buffer.from('x'), 'a\u0001b.txt');
  assert.equal(ctl.status, 422, ctl.text);
  const empty = await upload(Buffer.alloc(0), 'empty.txt');
  assert.equal(empty.status, 422, empty.text);
  const anon = await upload(Buffer.from('x'), 'a.txt', { auth: 'none' });
  assert.equal(anon.status, 401);
});

test('attachment metadata and the authenticated download', async () => {
  const bytes = Buffer.from('quarterly "numbers"\n');
  const r = await upload(bytes, 'report "q1".txt');
  assert.equal(r.status, 201, r.text);
  const { id } = r.json.upload.attachment;

  const { result } = await zd.attachments.show(id);
  const shown = result.attachment ?? result;
  assertAttachmentShape(shown);
  assert.equal(shown.file_name, 'report "q1".txt');
  assert.equal(shown.size, bytes.length);

  const anon = await fetch(shown.content_url);
  assert.equal(anon.status, 401);
  const res = await fetch(shown.content_url, {
    headers: { Authorization: srv.authHeader('token') },
  });
  assert.equal(res.status, 200);
  assert.deepEqual(Buffer.from(await res.arrayBuffer()), bytes);
  assert.equal(res.headers.get('content-type'), 'text/plain');
  assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
  assert.equal(res.headers.get('content-security-policy'), 'sandbox');
  assert.equal(res.headers.get('cache-control'), 'private, max-age=300');
  const cd = res.headers.get('content-disposition');
  assert.ok(cd.startsWith('attachment; filename="report _q1_.txt"'), cd);
  assert.ok(cd.includes("filename*=UTF-8''report%20%22q1%22.txt"), cd);

  const missing = await srv.get('/api/v2/attachments/99999999.json');
  assert.equal(missing.status, 404);
});

test("an end user cannot see someone else's unclaimed upload", async () => {
  const alice = await srv.createUserWithPassword();
  const bob = await srv.createUserWithPassword();
  const r = await upload(Buffer.from('alice only'), 'alice.txt', { auth: alice.auth });
  assert.equal(r.status, 201, r.text);
  const a = r.json.upload.attachment;
  const own = await srv.get(a.content_url, { auth: alice.auth });
  assert.equal(own.status, 200);
  assert.equal(own.text, 'alice only');
  assert.equal((await srv.get(a.content_url, { auth: bob.auth })).status, 404);
  assert.equal((await srv.get(`/api/v2/attachments/${a.id}.json`, { auth: bob.auth })).status, 404);
  // Bob may not delete it either; Alice may.
  const token = r.json.upload.token;
  assert.equal((await srv.del(`/api/v2/uploads/${token}.json`, { auth: bob.auth })).status, 404);
  assert.equal((await srv.del(`/api/v2/uploads/${token}.json`, { auth: alice.auth })).status, 204);
  assert.equal((await srv.get(a.content_url, { auth: alice.auth })).status, 404);
});

test('deleteUpload through node-zendesk', async () => {
  const r = await upload(Buffer.from('temporary'), 'tmp.txt');
  const { token, attachment } = r.json.upload;
  // node-zendesk turns a 204 into an Error object it returns or throws.
  await zd.attachments.deleteUpload(token).catch((e) => assert.equal(e.statusCode, 204));
  assert.equal((await srv.get(`/api/v2/attachments/${attachment.id}.json`)).status, 404);
});

test('garbage bodies never crash the server', async () => {
  for (let i = 0; i < 20; i += 1) {
    const junk = randomBytes(1 + Math.floor(Math.random() * 4096));
    const up = await upload(junk, `junk${i}.bin`, { contentType: 'application/json' });
    assert.equal(up.status, 201, up.text);
    const json = await srv.request('POST', '/api/v2/users.json', {
      body: junk,
      headers: { 'Content-Type': 'application/json' },
    });
    assert.ok(json.status >= 400 && json.status < 500, `${json.status} ${json.text}`);
  }
  const me = await srv.get('/api/v2/users/me.json');
  assert.equal(me.status, 200);
});

test('JSON bodies stay limited to 10 MiB while uploads may be larger', async () => {
  const big = Buffer.alloc(11 * 1024 * 1024, 0x20);
  const json = await srv.request('POST', '/api/v2/users.json', { body: big });
  assert.equal(json.status, 413, json.text);
  assert.equal(json.json.error, 'RequestTooLarge');
  const up = await upload(big, 'spaces.txt');
  assert.equal(up.status, 201, up.text);
  assert.equal(up.json.upload.attachment.size, big.length);
});

test('COMPTOIR_MAX_UPLOAD_BYTES answers 413 above the limit', async () => {
  const small = await startServer({ env: { COMPTOIR_MAX_UPLOAD_BYTES: '1024' } });
  try {
    const post = (n) =>
      small.request('POST', '/api/v2/uploads.json?filename=x.bin', {
        body: Buffer.alloc(n, 0x41),
        headers: { 'Content-Type': 'application/binary' },
      });
    assert.equal((await post(1024)).status, 201);
    const over = await post(2048);
    assert.equal(over.status, 413, over.text);
    assert.equal(over.json.error, 'RequestTooLarge');
    assert.ok(over.json.description);
    // JSON requests are not bound by the upload limit.
    const user = await small.post('/api/v2/users.json', {
      user: { name: 'Long Notes', email: 'long@example.test', notes: 'n'.repeat(4000) },
    });
    assert.equal(user.status, 201, user.text);
  } finally {
    await small.stop();
  }
});

test('an upload used in a ticket comment is downloadable by the requester only', async (t) => {
  const probe = await srv.get('/api/v2/tickets.json');
  if (probe.status === 404) {
    t.skip('no tickets API');
    return;
  }
  const alice = await srv.createUserWithPassword();
  const bob = await srv.createUserWithPassword();
  const r = await upload(PNG, 'screenshot.png');
  assert.equal(r.status, 201, r.text);
  const created = await srv.post('/api/v2/tickets.json', {
    ticket: {
      subject: 'With a file',
      requester_id: alice.user.id,
      comment: { body: 'See the screenshot', uploads: [r.json.upload.token] },
    },
  });
  assert.equal(created.status, 201, created.text);
  const ticketId = created.json.ticket.id;
  const comments = await srv.get(`/api/v2/tickets/${ticketId}/comments.json`);
  assert.equal(comments.status, 200, comments.text);
  const comment = comments.json.comments[0];
  assert.equal(comment.attachments.length, 1);
  const a = comment.attachments[0];
  assertAttachmentShape(a);

  const mine = await fetch(a.content_url, {
    headers: { Authorization: srv.authHeader(alice.auth) },
  });
  assert.equal(mine.status, 200);
  assert.deepEqual(Buffer.from(await mine.arrayBuffer()), PNG);
  assert.equal(mine.headers.get('content-type'), 'image/png');
  assert.equal((await srv.get(a.content_url, { auth: bob.auth })).status, 404);
  assert.equal((await srv.get(`/api/v2/attachments/${a.id}.json`, { auth: bob.auth })).status, 404);

  // A token cannot be used twice.
  const reuse = await srv.post('/api/v2/tickets.json', {
    ticket: {
      subject: 'Again',
      requester_id: alice.user.id,
      comment: { body: 'x', uploads: [r.json.upload.token] },
    },
  });
  assert.equal(reuse.status, 422, reuse.text);
  assert.ok(reuse.json.details.uploads, reuse.text);

  // Redaction, as node-zendesk sends it (DELETE); Zendesk's PUT works too.
  const red = await zd.attachments.redactAttachmentComment(ticketId, comment.id, a.id);
  const redacted = red.attachment ?? red.result?.attachment;
  assert.equal(redacted.file_name, 'redacted.txt', JSON.stringify(red));
  assert.equal(redacted.deleted, true);
  const put = await srv.put(
    `/api/v2/tickets/${ticketId}/comments/${comment.id}/attachments/${a.id}/redact.json`,
    {},
  );
  assert.equal(put.status, 200, put.text);
  assert.equal((await srv.get(a.content_url, { auth: alice.auth })).status, 404);
  const enduser = await srv.put(
    `/api/v2/tickets/${ticketId}/comments/${comment.id}/attachments/${a.id}/redact.json`,
    {},
    { auth: alice.auth },
  );
  assert.equal(enduser.status, 403);
});
