// Per-user rate limit (reference §1.6): COMPTOIR_RATE_LIMIT requests per minute per
// user, X-Rate-Limit / X-Rate-Limit-Remaining on responses, 429 + Retry-After.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './harness.mjs';

const LIMIT = 5;
let srv;

before(async () => {
  srv = await startServer({ env: { COMPTOIR_RATE_LIMIT: String(LIMIT) } });
});
after(() => srv?.stop());

test('headers count down, then 429 with Retry-After; other users are unaffected', async () => {
  // An agent with a password, made first (these admin requests count against the admin).
  const agent = await srv.createUserWithPassword({ role: 'agent' });

  const remaining = [];
  let limited = null;
  for (let i = 0; i < LIMIT + 3 && !limited; i++) {
    const res = await srv.get('/api/v2/users/me.json');
    if (res.status === 429) {
      limited = res;
      break;
    }
    assert.equal(res.status, 200, res.text);
    assert.equal(res.headers.get('x-rate-limit'), String(LIMIT));
    const r = res.headers.get('x-rate-limit-remaining');
    assert.match(r ?? '', /^\d+$/, 'X-Rate-Limit-Remaining present');
    remaining.push(Number(r));
  }
  assert.ok(limited, `no 429 after ${LIMIT + 3} requests (remaining: ${remaining})`);
  for (let i = 1; i < remaining.length; i++) {
    assert.equal(remaining[i], remaining[i - 1] - 1, `remaining: ${remaining}`);
  }
  assert.equal(remaining.at(-1), 0, `the last allowed request shows 0 remaining: ${remaining}`);

  const retryAfter = limited.headers.get('retry-after');
  assert.match(retryAfter ?? '', /^\d+$/, 'Retry-After in seconds');
  assert.ok(Number(retryAfter) >= 1 && Number(retryAfter) <= 60, `Retry-After ${retryAfter}`);
  assert.equal(limited.headers.get('x-rate-limit'), String(LIMIT));

  // Another user has a bucket of their own.
  const other = await srv.get('/api/v2/users/me.json', { auth: agent.auth });
  assert.equal(other.status, 200, other.text);
  assert.equal(other.headers.get('x-rate-limit-remaining'), String(LIMIT - 1));

  // node-zendesk treats a response with Retry-After as "rate limited" and returns an
  // Error as the result instead of throwing.
  const { result } = await srv.client().users.me();
  assert.ok(result instanceof Error, 'node-zendesk sees the 429');
  assert.equal(result.statusCode, 429);
});

test('health endpoints are not rate limited', async () => {
  for (let i = 0; i < LIMIT + 2; i++) {
    const res = await srv.get('/healthz', { auth: 'none' });
    assert.equal(res.status, 200);
  }
});
