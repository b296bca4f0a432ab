// "Forgot password" (Comptoir's own /access/password_reset and /confirm): the e-mail goes
// through a real SMTP conversation on loopback; the link works once, expires, follows the
// password policy; the answer is the same for an unknown address; requests are throttled;
// the promised e-mail survives a crash; the token is never in the server's output.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { startServer, uniqueEmail } from './harness.mjs';
import { startSmtpSink, freePort, waitFor } from './receivers.mjs';

let srv;
let smtp;
const LIFETIME = 4; // seconds: COMPTOIR_PASSWORD_RESET_SECONDS
const NEW_PASSWORD = 'N3w-passw0rd-after-reset';

async function configureSmtp(s, port) {
  const r = await s.put('/api/v2/comptoir/email_settings.json', {
    email_settings: { smtp_host: '127.0.0.1', smtp_port: port, security: 'none', support_address: 'support@helpdesk.test' },
  });
  assert.equal(r.status, 200, r.text);
}

before(async () => {
  smtp = await startSmtpSink();
  srv = await startServer({ env: { COMPTOIR_PASSWORD_RESET_SECONDS: String(LIFETIME) } });
  await configureSmtp(srv, smtp.port);
});

after(async () => {
  await srv?.stop();
  await smtp?.close();
});

const ask = (s, email, headers = {}) =>
  s.request('POST', '/access/password_reset', { auth: 'none', body: { email }, headers });
const confirm = (s, token, password) =>
  s.request('POST', '/access/password_reset/confirm', { auth: 'none', body: { token, password } });

function tokenOf(message) {
  const m = /\/agent\/password\/reset\?token=([A-Za-z0-9_-]+)/.exec(message.mail.text);
  assert.ok(m, `a reset link in ${message.mail.text}`);
  return m[1];
}

async function mailFor(sink, email, after = 0) {
  return waitFor(() => sink.messages.slice(after).find((m) => m.to.includes(email)), {
    timeoutMs: 20_000,
    what: `the reset e-mail to ${email}`,
  });
}

test('the link sets a new password once; sessions end; the old password stops working', async () => {
  const { user, auth } = await srv.createUserWithPassword({ role: 'agent', email: uniqueEmail('forgot') });
  const signedIn = await srv.request('POST', '/access/login', { auth: 'none', body: auth });
  assert.equal(signedIn.status, 200, signedIn.text);
  const cookie = signedIn.headers.get('set-cookie').split(';')[0];

  const before = smtp.messages.length;
  const r = await ask(srv, user.email.toUpperCase());
  assert.equal(r.status, 202, r.text);
  assert.equal(r.headers.get('cache-control'), 'no-store');
  const msg = await mailFor(smtp, user.email, before);
  assert.equal(msg.mail.subject, 'Reset your password');
  assert.match(msg.mail.html, /<a href="[^"]+\/agent\/password\/reset\?token=/);
  const token = tokenOf(msg);
  assert.ok(token.length >= 40);

  // The policy applies, next to the field; the token stays usable after a refusal.
  const weak = await confirm(srv, token, 'short');
  assert.equal(weak.status, 422, weak.text);
  assert.equal(weak.json.error, 'RecordInvalid');
  assert.ok(weak.json.details.password, weak.text);
  const same = await confirm(srv, token, user.email);
  assert.equal(same.status, 422);

  const ok = await confirm(srv, token, NEW_PASSWORD);
  assert.equal(ok.status, 204, ok.text);
  // Single use.
  const again = await confirm(srv, token, 'An0ther-passw0rd-x');
  assert.equal(again.status, 422);
  assert.ok(again.json.details.token, again.text);

  // The new password signs in, the old one does not, the old session is gone.
  assert.equal((await srv.request('POST', '/access/login', { auth: 'none', body: { email: user.email, password: NEW_PASSWORD } })).status, 200);
  assert.equal((await srv.request('POST', '/access/login', { auth: 'none', body: auth })).status, 401);
  const me = await srv.request('GET', '/api/v2/users/me.json', { auth: 'none', headers: { Cookie: cookie } });
  assert.notEqual(me.json?.user?.id, user.id, 'the session of before the reset has ended');

  // The token is nowhere in the server's output (access log, job log).
  assert.ok(!srv.output().includes(token), 'the token is not logged');
  assert.ok(!JSON.stringify(srv.jsonLines).includes(token));
});

test('the link expires', async () => {
  const { user } = await srv.createUserWithPassword({ email: uniqueEmail('expires') });
  const before = smtp.messages.length;
  assert.equal((await ask(srv, user.email)).status, 202);
  const token = tokenOf(await mailFor(smtp, user.email, before));
  await sleep((LIFETIME + 1) * 1000);
  const late = await confirm(srv, token, NEW_PASSWORD);
  assert.equal(late.status, 422, late.text);
  assert.ok(late.json.details.token);
});

test('a password set by an admin, or a suspension, voids the links already sent', async () => {
  const { user } = await srv.createUserWithPassword({ role: 'agent', email: uniqueEmail('voided') });
  let before = smtp.messages.length;
  assert.equal((await ask(srv, user.email)).status, 202);
  const first = tokenOf(await mailFor(smtp, user.email, before));
  const set = await srv.post(`/api/v2/users/${user.id}/password.json`, { password: 'Adm1n-chosen-passw0rd' });
  assert.equal(set.status, 200, set.text);
  const stale = await confirm(srv, first, NEW_PASSWORD);
  assert.equal(stale.status, 422, stale.text);
  assert.ok(stale.json.details.token, stale.text);

  before = smtp.messages.length;
  assert.equal((await ask(srv, user.email)).status, 202);
  const second = tokenOf(await mailFor(smtp, user.email, before));
  assert.equal((await srv.put(`/api/v2/users/${user.id}.json`, { user: { suspended: true } })).status, 200);
  assert.equal((await confirm(srv, second, NEW_PASSWORD)).status, 422);
  // The admin's password still signs in once the user is active again.
  assert.equal((await srv.put(`/api/v2/users/${user.id}.json`, { user: { suspended: false } })).status, 200);
  const login = await srv.request('POST', '/access/login', {
    auth: 'none',
    body: { email: user.email, password: 'Adm1n-chosen-passw0rd' },
  });
  assert.equal(login.status, 200, login.text);
});

test('an unknown, suspended or malformed address: the same answer, no e-mail; bad tokens are refused', async () => {
  const unknown = uniqueEmail('nobody');
  const suspended = await srv.createUser({ email: uniqueEmail('suspended') });
  assert.equal((await srv.put(`/api/v2/users/${suspended.id}.json`, { user: { suspended: true } })).status, 200);
  const known = await srv.createUser({ email: uniqueEmail('known') });
  const rUnknown = await ask(srv, unknown);
  const rSuspended = await ask(srv, suspended.email);
  const rKnown = await ask(srv, known.email);
  assert.equal(rUnknown.status, 202);
  assert.equal(rSuspended.status, 202);
  assert.equal(rKnown.status, 202);
  assert.equal(rUnknown.text, rKnown.text, 'the answer does not tell whether the address exists');
  await mailFor(smtp, known.email);
  await sleep(1000);
  assert.ok(!smtp.messages.some((m) => m.to.includes(unknown) || m.to.includes(suspended.email)));

  const bad = await ask(srv, 'not an address');
  assert.equal(bad.status, 422);
  assert.ok(bad.json.details.email);
  assert.equal((await srv.request('POST', '/access/password_reset', { auth: 'none', body: '{' })).status, 400);
  for (const token of ['', 'x', 'A'.repeat(43), 'A'.repeat(5000)]) {
    const r = await confirm(srv, token, NEW_PASSWORD);
    assert.equal(r.status, 422, `${token.length}: ${r.text}`);
    assert.ok(r.json.details.token);
  }
});

test('throttled: three e-mails an hour per address, then 429 for a caller asking too often', async () => {
  const s = await startServer();
  const sink = await startSmtpSink();
  try {
    await configureSmtp(s, sink.port);
    const u = await s.createUser({ email: uniqueEmail('throttle') });
    for (let i = 0; i < 5; i++) assert.equal((await ask(s, u.email)).status, 202);
    await waitFor(() => sink.messages.filter((m) => m.to.includes(u.email)).length >= 3, { what: 'three e-mails' });
    await sleep(1000);
    assert.equal(sink.messages.filter((m) => m.to.includes(u.email)).length, 3, 'no more than three an hour');
    let last;
    for (let i = 0; i < 20; i++) last = await ask(s, uniqueEmail('spray'));
    assert.equal(last.status, 429, last.text);
    assert.ok(Number(last.headers.get('retry-after')) > 0);
  } finally {
    await s.stop();
    await sink.close();
  }
});

test('crash right after the 202: the e-mail still arrives after the restart, and its link works', async () => {
  const env = { COMPTOIR_JOB_LEASE_SECONDS: '3' };
  const s = await startServer({ env });
  let s2;
  const port = await freePort();
  try {
    await configureSmtp(s, port); // nothing listens yet
    const u = await s.createUser({ email: uniqueEmail('crash') });
    assert.equal((await ask(s, u.email)).status, 202);
    await s.crash();
    const sink = await startSmtpSink({ port });
    try {
      s2 = await startServer({ dataDir: s.dataDir, env });
      const msg = await waitFor(() => sink.messages.find((m) => m.to.includes(u.email)), {
        timeoutMs: 40_000,
        what: 'the reset e-mail after the restart',
      });
      const r = await confirm(s2, tokenOf(msg), NEW_PASSWORD);
      assert.equal(r.status, 204, r.text);
    } finally {
      await sink.close();
    }
  } finally {
    await s2?.stop();
    await s.stop();
  }
});
