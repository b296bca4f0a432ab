// Custom agent roles (`/api/v2/custom_roles`, node-zendesk customagentroles).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, uniqueName, rejection } from './harness.mjs';

let srv;
let zd;

before(async () => {
  srv = await startServer();
  zd = srv.client({ throwOriginalException: true });
});
after(() => srv?.stop());

// customagentroles' jsonAPINames is ["custom_roles"], so single-object calls return the
// raw body {custom_role: {...}}.
const unwrap = (result) => result.custom_role ?? result;

test('create, list, show, update and delete a custom role', async () => {
  const name = uniqueName('Role');
  const { response, result } = await zd.customagentroles.create({
    name,
    description: 'Answers tickets in their groups',
    configuration: { ticket_access: 'within-groups' },
  });
  assert.equal(response.status, 201);
  const role = unwrap(result);
  assert.ok(Number.isSafeInteger(role.id));
  assert.equal(role.name, name);
  assert.equal(role.description, 'Answers tickets in their groups');
  assert.equal(typeof role.configuration, 'object');
  assert.equal(role.configuration.ticket_access, 'within-groups');

  const list = await zd.customagentroles.list();
  assert.ok(list.some((r) => r.id === role.id));

  const { result: shown } = await zd.customagentroles.show(role.id);
  assert.equal(unwrap(shown).name, name);

  const { result: upd } = await zd.customagentroles.update(role.id, { name: `${name} v2` });
  assert.equal(unwrap(upd).name, `${name} v2`);

  const del = await srv.del(`/api/v2/custom_roles/${role.id}.json`);
  assert.equal(del.status, 204);
  const gone = await srv.get(`/api/v2/custom_roles/${role.id}.json`);
  assert.equal(gone.status, 404);
});

test('a custom role without a name → 422', async () => {
  const res = await srv.post('/api/v2/custom_roles.json', { custom_role: { description: 'x' } });
  assert.equal(res.status, 422, res.text);
  assert.equal(res.json.error, 'RecordInvalid');
});

test('an agent can be given a custom role', async () => {
  const role = unwrap((await zd.customagentroles.create({ name: uniqueName('Light') })).result);
  const agent = await srv.createUser({ role: 'agent' });
  const { result } = await zd.users.update(agent.id, { user: { custom_role_id: role.id } });
  assert.equal(result.custom_role_id, role.id);
  const { result: shown } = await zd.users.show(agent.id);
  assert.equal(shown.custom_role_id, role.id);
});

test('a custom role that does not exist cannot be assigned', async () => {
  const agent = await srv.createUser({ role: 'agent' });
  const res = await srv.put(`/api/v2/users/${agent.id}.json`, { user: { custom_role_id: 999999999 } });
  assert.ok(res.status === 422 || res.status === 404, `${res.status} ${res.text}`);
});

test('only admins manage custom roles → 403 for an agent', async () => {
  const agent = await srv.createUserWithPassword({ role: 'agent' });
  const res = await srv.post(
    '/api/v2/custom_roles.json',
    { custom_role: { name: uniqueName() } },
    { auth: agent.auth },
  );
  assert.equal(res.status, 403, res.text);
});

test('unknown custom role → 404 through node-zendesk', async () => {
  const err = await rejection(() => zd.customagentroles.show(999999999));
  assert.equal(err.statusCode, 404);
});
