// Organizations, domain-name auto-join, organization fields, tags and memberships
// (reference §2.7, §2.8, §2.12).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, uniqueEmail, uniqueName, ISO_UTC, rejection } from './harness.mjs';

let srv;
let zd;

before(async () => {
  srv = await startServer();
  zd = srv.client({ throwOriginalException: true });
});
after(() => srv?.stop());

async function createOrg(attrs = {}) {
  const { result } = await zd.organizations.create({
    organization: { name: uniqueName('Org'), ...attrs },
  });
  return result;
}

test('create, show, update, list and delete an organization', async () => {
  const name = uniqueName('Acme');
  const res = await srv.post('/api/v2/organizations.json', {
    organization: { name, external_id: `ext-${name}`, notes: 'n', details: 'd', tags: ['gold'] },
  });
  assert.equal(res.status, 201, res.text);
  const o = res.json.organization;
  assert.equal(res.headers.get('location'), `${srv.apiUrl}/organizations/${o.id}.json`);
  assert.equal(o.url, `${srv.apiUrl}/organizations/${o.id}.json`);
  assert.equal(o.name, name);
  assert.equal(o.external_id, `ext-${name}`);
  assert.deepEqual(o.tags, ['gold']);
  assert.deepEqual(o.domain_names, []);
  assert.deepEqual(o.organization_fields, {});
  assert.equal(typeof o.shared_tickets, 'boolean');
  assert.equal(typeof o.shared_comments, 'boolean');
  assert.ok('group_id' in o);
  assert.match(o.created_at, ISO_UTC);

  const { result: shown } = await zd.organizations.show(o.id);
  assert.equal(shown.name, name);

  const { result: upd } = await zd.organizations.update(o.id, {
    organization: { notes: 'changed', domain_names: ['acme.example'] },
  });
  assert.equal(upd.notes, 'changed');
  assert.deepEqual(upd.domain_names, ['acme.example']);

  const all = await zd.organizations.list();
  assert.ok(all.some((x) => x.id === o.id));

  const del = await srv.del(`/api/v2/organizations/${o.id}.json`);
  assert.equal(del.status, 204);
  const gone = await srv.get(`/api/v2/organizations/${o.id}.json`);
  assert.equal(gone.status, 404);
  assert.equal(gone.json?.error, 'RecordNotFound');
});

test('a duplicate organization name → 422', async () => {
  const o = await createOrg();
  const res = await srv.post('/api/v2/organizations.json', { organization: { name: o.name } });
  assert.equal(res.status, 422, res.text);
  assert.equal(res.json.error, 'RecordInvalid');
  assert.ok(res.json.details?.name, res.text);
});

test('an organization without a name → 422', async () => {
  const res = await srv.post('/api/v2/organizations.json', { organization: { notes: 'x' } });
  assert.equal(res.status, 422, res.text);
  assert.ok(res.json.details?.name, res.text);
});

test('show_many and search by external_id and by name', async () => {
  const tag = Date.now().toString(36);
  const a = await createOrg({ external_id: `a-${tag}` });
  const b = await createOrg({ external_id: `b-${tag}` });
  const many = await zd.organizations.showMany([a.id, b.id]);
  assert.deepEqual(many.map((o) => o.id).sort((x, y) => x - y), [a.id, b.id].sort((x, y) => x - y));

  const byExt = await zd.organizations.search(`a-${tag}`);
  assert.deepEqual(byExt.map((o) => o.id), [a.id]);

  const byName = await srv.get(`/api/v2/organizations/search.json?name=${encodeURIComponent(b.name)}`);
  assert.equal(byName.status, 200, byName.text);
  assert.deepEqual(byName.json.organizations.map((o) => o.id), [b.id]);
});

test('a new end user whose email domain matches domain_names joins the organization', async () => {
  const domain = `joins-${Date.now().toString(36)}.example`;
  const org = await createOrg({ domain_names: [domain] });
  const joined = await srv.createUser({ email: uniqueEmail('member', domain) });
  assert.equal(joined.organization_id, org.id);

  const memberships = await zd.organizationmemberships.listByUser(joined.id);
  assert.ok(memberships.some((m) => m.organization_id === org.id));

  const members = await zd.users.listByOrganization(org.id);
  assert.ok(members.some((u) => u.id === joined.id));

  const outsider = await srv.createUser({ email: uniqueEmail('outsider', 'elsewhere.example') });
  assert.equal(outsider.organization_id, null);
});

test('domain matching ignores the case of the email', async () => {
  const domain = `case-${Date.now().toString(36)}.example`;
  const org = await createOrg({ domain_names: [domain] });
  const u = await srv.createUser({ email: uniqueEmail('Upper', domain.toUpperCase()) });
  assert.equal(u.organization_id, org.id);
});

test('organization fields: create, set a value, reject a wrong type', async () => {
  const key = `region_${Date.now().toString(36)}`;
  const created = await srv.post('/api/v2/organization_fields.json', {
    organization_field: { type: 'text', key, title: 'Region' },
  });
  assert.equal(created.status, 201, created.text);
  const field = created.json.organization_field;
  assert.equal(field.key, key);
  assert.equal(field.type, 'text');
  assert.equal(field.title, 'Region');

  const fields = await zd.organizationfields.list();
  assert.ok(fields.some((f) => f.id === field.id));

  const intKey = `seats_${Date.now().toString(36)}`;
  const intField = await srv.post('/api/v2/organization_fields.json', {
    organization_field: { type: 'integer', key: intKey, title: 'Seats' },
  });
  assert.equal(intField.status, 201, intField.text);

  const org = await createOrg({ organization_fields: { [key]: 'emea', [intKey]: 12 } });
  assert.equal(org.organization_fields[key], 'emea');
  assert.equal(Number(org.organization_fields[intKey]), 12);

  const bad = await srv.put(`/api/v2/organizations/${org.id}.json`, {
    organization: { organization_fields: { [intKey]: 'twelve' } },
  });
  assert.equal(bad.status, 422, bad.text);
  assert.equal(bad.json.error, 'RecordInvalid');
});

test('organization tags: set (POST), add (PUT), remove (DELETE)', async () => {
  const o = await createOrg();
  const set = await srv.post(`/api/v2/organizations/${o.id}/tags.json`, { tags: ['a', 'b'] });
  assert.ok(set.status === 200 || set.status === 201, set.text);
  assert.deepEqual([...set.json.tags].sort(), ['a', 'b']);
  const add = await srv.put(`/api/v2/organizations/${o.id}/tags.json`, { tags: ['c'] });
  assert.equal(add.status, 200, add.text);
  assert.deepEqual([...add.json.tags].sort(), ['a', 'b', 'c']);
  const rm = await srv.request('DELETE', `/api/v2/organizations/${o.id}/tags.json`, {
    body: { tags: ['a'] },
  });
  assert.ok(rm.status === 200 || rm.status === 204, rm.text);
  const list = await srv.get(`/api/v2/organizations/${o.id}/tags.json`);
  assert.deepEqual([...list.json.tags].sort(), ['b', 'c']);
});

test('organization memberships: create, duplicate, list, make default, delete', async () => {
  const o1 = await createOrg();
  const o2 = await createOrg();
  const u = await srv.createUser();

  const { response, result: m1 } = await zd.organizationmemberships.create({
    user_id: u.id,
    organization_id: o1.id,
  });
  assert.equal(response.status, 201);
  assert.equal(m1.user_id, u.id);
  assert.equal(m1.organization_id, o1.id);
  assert.equal(m1.organization_name, o1.name);
  assert.equal(m1.default, true, 'the first membership is the default');
  assert.equal(m1.url, `${srv.apiUrl}/organization_memberships/${m1.id}.json`);

  const dup = await rejection(() =>
    zd.organizationmemberships.create({ user_id: u.id, organization_id: o1.id }),
  );
  assert.equal(dup.statusCode, 422);

  const { result: m2 } = await zd.organizationmemberships.createByUser(u.id, {
    user_id: u.id,
    organization_id: o2.id,
  });
  assert.equal(m2.default, false);

  const byUser = await zd.organizationmemberships.listByUser(u.id);
  assert.deepEqual(byUser.map((m) => m.organization_id).sort((a, b) => a - b), [o1.id, o2.id].sort((a, b) => a - b));
  const byOrg = await zd.organizationmemberships.listByOrganization(o2.id);
  assert.deepEqual(byOrg.map((m) => m.user_id), [u.id]);

  const md = await srv.put(`/api/v2/users/${u.id}/organization_memberships/${m2.id}/make_default.json`);
  assert.equal(md.status, 200, md.text);
  const { result: user } = await zd.users.show(u.id);
  assert.equal(user.organization_id, o2.id);

  const del = await srv.del(`/api/v2/organization_memberships/${m1.id}.json`);
  assert.equal(del.status, 204);
  const gone = await srv.get(`/api/v2/organization_memberships/${m1.id}.json`);
  assert.equal(gone.status, 404);
  const after = await zd.organizationmemberships.listByUser(u.id);
  assert.deepEqual(after.map((m) => m.id), [m2.id]);
});

test('a membership for an unknown organization → 4xx, not 500', async () => {
  const u = await srv.createUser();
  const res = await srv.post('/api/v2/organization_memberships.json', {
    organization_membership: { user_id: u.id, organization_id: 999999999 },
  });
  assert.ok(res.status === 404 || res.status === 422, `${res.status} ${res.text}`);
});

test('users.listByUser organizations', async () => {
  const o = await createOrg();
  const u = await srv.createUser({ organization_id: o.id });
  const orgs = await zd.organizations.listByUser(u.id);
  assert.deepEqual(orgs.map((x) => x.id), [o.id]);
});
