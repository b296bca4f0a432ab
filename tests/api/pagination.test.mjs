// Offset and cursor pagination (reference §1.2, §1.3, §8.3): node-zendesk's list*
// methods follow links.next / next_page verbatim, so links must be absolute, start
// with the client's endpointUri, carry the original query and end with null.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, uniqueName } from './harness.mjs';

let srv;
let zd;
const word = `pg${Date.now().toString(36)}`;
const created = [];

before(async () => {
  srv = await startServer();
  zd = srv.client({ throwOriginalException: true });
  for (let i = 0; i < 7; i++) created.push(await srv.createUser({ name: `Page ${word} ${i}` }));
  for (let i = 0; i < 5; i++) {
    const r = await srv.post('/api/v2/organizations.json', { organization: { name: uniqueName(`PgOrg ${word}`) } });
    if (r.status !== 201) throw new Error(r.text);
  }
});
after(() => srv?.stop());

// A client whose every request is recorded (node-zendesk's transportConfig hook).
function recordingClient(options = {}) {
  const urls = [];
  const client = srv.client({
    throwOriginalException: true,
    ...options,
    transportConfig: {
      transportFn(url, init) {
        urls.push(url);
        return fetch(url, init);
      },
      responseAdapter(res) {
        return {
          json: () => res.json(),
          status: res.status,
          headers: { get: (h) => res.headers.get(h) },
          statusText: res.statusText,
        };
      },
    },
  });
  return { client, urls };
}

async function allUserIdsByOffset() {
  const res = await srv.get('/api/v2/users.json?per_page=100');
  assert.equal(res.status, 200, res.text);
  assert.equal(res.json.next_page, null, 'fewer than 100 users in this test');
  return res.json.users.map((u) => u.id);
}

test('cursor pagination over raw HTTP: meta, links, no duplicates, null at the end', async () => {
  const expected = await allUserIdsByOffset();
  let next = `${srv.apiUrl}/users.json?page[size]=3`;
  const seen = [];
  let pages = 0;
  while (next) {
    assert.ok(next.startsWith(`${srv.apiUrl}/users`), `link ${next} must start with ${srv.apiUrl}`);
    const res = await srv.get(next);
    assert.equal(res.status, 200, res.text);
    const { users, meta, links } = res.json;
    assert.ok(users.length <= 3);
    assert.equal(typeof meta.has_more, 'boolean');
    assert.ok('after_cursor' in meta && 'before_cursor' in meta);
    assert.ok('next' in links && 'prev' in links);
    seen.push(...users.map((u) => u.id));
    pages += 1;
    if (meta.has_more) {
      assert.equal(typeof meta.after_cursor, 'string');
      assert.equal(typeof links.next, 'string');
      assert.ok(users.length === 3, 'only the last page may be short');
    } else {
      assert.equal(links.next, null, 'links.next is null on the last page');
    }
    next = links.next;
    assert.ok(pages < 50, 'runaway pagination');
  }
  assert.ok(pages >= 3, `expected several pages, got ${pages}`);
  assert.equal(new Set(seen).size, seen.length, 'no duplicates across pages');
  assert.deepEqual([...seen].sort((a, b) => a - b), [...expected].sort((a, b) => a - b));
});

test('cursor pagination backwards with page[before]', async () => {
  const first = await srv.get('/api/v2/users.json?page[size]=2');
  const second = await srv.get(first.json.links.next);
  assert.equal(second.status, 200);
  assert.equal(typeof second.json.links.prev, 'string');
  const back = await srv.get(second.json.links.prev);
  assert.equal(back.status, 200, back.text);
  assert.deepEqual(back.json.users.map((u) => u.id), first.json.users.map((u) => u.id));
});

test('node-zendesk users.list() follows cursor pages (query page[size]=2)', async () => {
  const expected = await allUserIdsByOffset();
  const { client, urls } = recordingClient({ query: { page: { size: 2 } } });
  const users = await client.users.list();
  const ids = users.map((u) => u.id);
  assert.equal(new Set(ids).size, ids.length, 'no duplicates');
  assert.deepEqual([...ids].sort((a, b) => a - b), [...expected].sort((a, b) => a - b));
  assert.ok(urls.length >= Math.ceil(expected.length / 2), `requests: ${urls.join('\n')}`);
  assert.ok(urls.every((u) => u.startsWith(srv.apiUrl)));
  // The client sends the size percent-encoded; follow-up links reuse the server's links.
  assert.match(urls[0], /page%5Bsize%5D=2/);
});

test('node-zendesk default list (page[size]=100) is one page here and terminates', async () => {
  const expected = await allUserIdsByOffset();
  const { client, urls } = recordingClient();
  const users = await client.users.list();
  assert.equal(users.length, expected.length);
  assert.equal(urls.length, 1, urls.join('\n'));
  assert.match(urls[0], /page%5Bsize%5D=100/);
});

test('node-zendesk organizations.list() follows cursor pages', async () => {
  const res = await srv.get('/api/v2/organizations.json?per_page=100');
  const expected = res.json.organizations.map((o) => o.id);
  assert.ok(expected.length >= 5);
  const { client, urls } = recordingClient({ query: { page: { size: 2 } } });
  const orgs = await client.organizations.list();
  assert.deepEqual(orgs.map((o) => o.id).sort((a, b) => a - b), [...expected].sort((a, b) => a - b));
  assert.ok(urls.length >= 3);
});

test('cursor links keep the original filters', async () => {
  let next = `${srv.apiUrl}/users.json?role=end-user&page%5Bsize%5D=2`;
  const roles = new Set();
  let pages = 0;
  while (next) {
    const res = await srv.get(next);
    assert.equal(res.status, 200, res.text);
    res.json.users.forEach((u) => roles.add(u.role));
    if (res.json.links.next) {
      assert.match(decodeURIComponent(res.json.links.next), /role=end-user/);
    }
    next = res.json.links.next;
    pages += 1;
    assert.ok(pages < 50);
  }
  assert.ok(pages >= 3);
  assert.deepEqual([...roles], ['end-user']);
});

test('offset pagination: per_page, page, count, absolute next/previous', async () => {
  const total = (await allUserIdsByOffset()).length;
  const res = await srv.get('/api/v2/users.json?per_page=3&page=2');
  assert.equal(res.status, 200, res.text);
  assert.equal(res.json.users.length, 3);
  assert.equal(res.json.count, total);
  assert.ok(res.json.next_page.startsWith(`${srv.apiUrl}/users`), res.json.next_page);
  assert.match(res.json.next_page, /[?&]page=3(&|$)/);
  assert.match(res.json.next_page, /per_page=3/);
  assert.ok(res.json.previous_page.startsWith(`${srv.apiUrl}/users`));
  assert.match(res.json.previous_page, /[?&]page=1(&|$)/);

  const first = await srv.get('/api/v2/users.json?per_page=3&page=1');
  assert.equal(first.json.previous_page, null);
  const ids1 = first.json.users.map((u) => u.id);
  const ids2 = res.json.users.map((u) => u.id);
  assert.ok(ids2.every((id) => !ids1.includes(id)), 'pages do not overlap');

  const lastPage = Math.ceil(total / 3);
  const last = await srv.get(`/api/v2/users.json?per_page=3&page=${lastPage}`);
  assert.equal(last.json.next_page, null);
  assert.equal(last.json.users.length, total - 3 * (lastPage - 1));

  const beyond = await srv.get(`/api/v2/users.json?per_page=3&page=${lastPage + 5}`);
  assert.equal(beyond.status, 200);
  assert.deepEqual(beyond.json.users, []);
  assert.equal(beyond.json.next_page, null);
});

test('offset pages walked by next_page cover everything once', async () => {
  const expected = await allUserIdsByOffset();
  let next = `${srv.apiUrl}/users.json?per_page=4`;
  const seen = [];
  while (next) {
    const res = await srv.get(next);
    assert.equal(res.status, 200);
    seen.push(...res.json.users.map((u) => u.id));
    next = res.json.next_page;
    assert.ok(seen.length <= expected.length, 'runaway');
  }
  assert.deepEqual([...seen].sort((a, b) => a - b), [...expected].sort((a, b) => a - b));
});

test('node-zendesk users.search() follows next_page across pages', async () => {
  const { client, urls } = recordingClient();
  const found = await client.users.search({ query: word, per_page: 2 });
  assert.deepEqual(found.map((u) => u.id).sort((a, b) => a - b), created.map((u) => u.id).sort((a, b) => a - b));
  assert.ok(urls.length >= 4, `expected ≥4 requests, got ${urls.length}`);
});

test('page[size] above the maximum is capped or refused, never ignored silently', async () => {
  const res = await srv.get('/api/v2/users.json?page[size]=1000');
  if (res.status === 200) {
    assert.ok(res.json.users.length <= 100);
    assert.ok('meta' in res.json);
  } else {
    assert.equal(res.status, 400, res.text);
  }
});

test('an invalid cursor is a 400, not a 500', async () => {
  const res = await srv.get('/api/v2/users.json?page[size]=2&page[after]=%%%garbage%%%');
  assert.equal(res.status, 400, res.text);
});

test('cursor pagination with sort=name and sort=-id keeps the order across pages', async () => {
  // Several users share one name so the cursor must break ties.
  for (let i = 0; i < 3; i++) await srv.createUser({ name: `Same ${word}` });
  const expected = await allUserIdsByOffset();
  for (const sort of ['name', '-id']) {
    let next = `${srv.apiUrl}/users.json?page[size]=2&sort=${sort}`;
    const users = [];
    let pages = 0;
    while (next) {
      const res = await srv.get(next);
      assert.equal(res.status, 200, res.text);
      users.push(...res.json.users);
      if (res.json.links.next) assert.match(decodeURIComponent(res.json.links.next), new RegExp(`sort=${sort}`));
      next = res.json.links.next;
      assert.ok(++pages < 100, 'runaway');
    }
    const ids = users.map((u) => u.id);
    assert.equal(new Set(ids).size, ids.length, `${sort}: duplicates`);
    assert.deepEqual([...ids].sort((a, b) => a - b), [...expected].sort((a, b) => a - b), `${sort}: all users`);
    if (sort === '-id') {
      assert.deepEqual(ids, [...ids].sort((a, b) => b - a), 'descending ids');
    } else {
      const names = users.map((u) => u.name);
      const sorted = [...names].sort((a, b) => a.localeCompare(b, 'en', { sensitivity: 'base' }));
      assert.deepEqual(
        names.map((n) => n.toLowerCase()),
        sorted.map((n) => n.toLowerCase()),
        'ascending names',
      );
    }
  }
});
