// Ticket fields and ticket forms (reference §2.11): system fields, custom field
// definitions with their options, forms with one default, reorder and clone.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, rejection, ISO_UTC } from './harness.mjs';

let srv;
let zd;
const suffix = Date.now().toString(36);
const tag = (t) => `${t}_${suffix}`;

before(async () => {
  srv = await startServer();
  zd = srv.client({ throwOriginalException: true });
});
after(() => srv?.stop());

const SYSTEM_TYPES = ['subject', 'description', 'status', 'tickettype', 'priority', 'group', 'assignee'];

test('a new account lists its seven system fields in Zendesk shape', async () => {
  const fields = await zd.ticketfields.list();
  const system = fields.filter((f) => SYSTEM_TYPES.includes(f.type));
  assert.deepEqual(system.map((f) => f.type), SYSTEM_TYPES);
  assert.deepEqual(system.map((f) => f.title), [
    'Subject', 'Description', 'Status', 'Type', 'Priority', 'Group', 'Assignee',
  ]);
  for (const f of system) {
    assert.equal(f.removable, false, f.type);
    assert.equal(f.url, `${srv.apiUrl}/ticket_fields/${f.id}.json`);
    assert.match(f.created_at, ISO_UTC);
    for (const k of ['raw_title', 'description', 'raw_description', 'position', 'active', 'required',
      'collapsed_for_agents', 'regexp_for_validation', 'title_in_portal', 'raw_title_in_portal',
      'visible_in_portal', 'editable_in_portal', 'required_in_portal', 'tag', 'updated_at', 'key',
      'agent_description']) {
      assert.ok(k in f, `${f.type} has ${k}`);
    }
  }
  const subject = system[0];
  assert.equal(subject.visible_in_portal, true);
  assert.equal(subject.editable_in_portal, true);
  assert.equal(subject.required_in_portal, true);
  const status = system.find((f) => f.type === 'status');
  assert.deepEqual(status.system_field_options.map((o) => o.value), ['new', 'open', 'pending', 'hold', 'solved']);
  const priority = system.find((f) => f.type === 'priority');
  assert.deepEqual(priority.system_field_options.map((o) => o.value), ['low', 'normal', 'high', 'urgent']);

  const count = await srv.get('/api/v2/ticket_fields/count.json');
  assert.equal(count.status, 200, count.text);
  assert.equal(count.json.count.value, fields.length);

  const del = await srv.del(`/api/v2/ticket_fields/${subject.id}.json`);
  assert.equal(del.status, 422, del.text);
  const retype = await srv.put(`/api/v2/ticket_fields/${status.id}.json`, { ticket_field: { type: 'text' } });
  assert.equal(retype.status, 422, retype.text);
  assert.ok(retype.json.details.type, retype.text);
});

test('custom fields: create, show, update, delete', async () => {
  const { result: created } = await zd.ticketfields.create({
    ticket_field: {
      type: 'tagger',
      title: 'Plan',
      custom_field_options: [
        { name: 'Gold', value: tag('Gold') },
        { name: 'Silver', value: tag('silver'), default: true },
      ],
    },
  });
  assert.equal(created.type, 'tagger');
  assert.equal(created.removable, true);
  assert.deepEqual(created.custom_field_options.map((o) => o.value), [tag('gold'), tag('silver')]);
  const opt = created.custom_field_options[1];
  for (const k of ['id', 'name', 'raw_name', 'value', 'default']) assert.ok(k in opt, k);
  assert.equal(opt.default, true);
  assert.equal(created.system_field_options, undefined);

  const { result: shown } = await zd.ticketfields.show(created.id);
  assert.equal(shown.title, 'Plan');
  const { result: updated } = await zd.ticketfields.update(created.id, {
    ticket_field: { title: 'Plan level', visible_in_portal: true },
  });
  assert.equal(updated.title, 'Plan level');
  assert.equal(updated.visible_in_portal, true);
  assert.equal(updated.title_in_portal, 'Plan level');

  const raw = await srv.post('/api/v2/ticket_fields.json', {
    ticket_field: { type: 'checkbox', title: 'VIP', tag: 'Very Important' },
  });
  assert.equal(raw.status, 201, raw.text);
  assert.equal(raw.headers.get('location'), `${srv.apiUrl}/ticket_fields/${raw.json.ticket_field.id}.json`);
  assert.equal(raw.json.ticket_field.tag, 'very_important');
  const del = await srv.del(`/api/v2/ticket_fields/${raw.json.ticket_field.id}.json`);
  assert.equal(del.status, 204);
  const gone = await srv.get(`/api/v2/ticket_fields/${raw.json.ticket_field.id}.json`);
  assert.equal(gone.status, 404);
  assert.equal(gone.json.error, 'RecordNotFound');
});

test('invalid definitions → 422', async () => {
  const cases = [
    { type: 'hologram', title: 'X' },
    { title: 'No type' },
    { type: 'text', title: '' },
    { type: 'regexp', title: 'Code', regexp_for_validation: '([A-Z' },
    { type: 'tagger', title: 'Empty' },
    { type: 'multiselect', title: 'Nameless', custom_field_options: [{ value: 'x' }] },
  ];
  for (const c of cases) {
    const res = await srv.post('/api/v2/ticket_fields.json', { ticket_field: c });
    assert.equal(res.status, 422, `${JSON.stringify(c)} → ${res.status} ${res.text}`);
    assert.equal(res.json.error, 'RecordInvalid');
  }
  const err = await rejection(() => zd.ticketfields.create({ ticket_field: { type: 'date' } }));
  assert.equal(err.statusCode, 422);
  const f = await srv.createRecord('/api/v2/ticket_fields.json', 'ticket_field', { type: 'integer', title: 'Seats' });
  const retype = await srv.put(`/api/v2/ticket_fields/${f.id}.json`, { ticket_field: { type: 'decimal' } });
  assert.equal(retype.status, 422, retype.text);
});

test('options: list, create or update, show, delete; values unique across fields', async () => {
  const field = await srv.createRecord('/api/v2/ticket_fields.json', 'ticket_field', {
    type: 'multiselect',
    title: 'Products',
    custom_field_options: [{ name: 'Widget', value: tag('widget') }],
  });
  // node-zendesk unwraps only ticket_field(s): option answers keep their envelope.
  const optionOf = (r) => r.result.custom_field_option ?? r.result;
  const added = optionOf(
    await zd.ticketfields.createOrUpdateOption(field.id, {
      custom_field_option: { name: 'Gadget', value: tag('gadget') },
    }),
  );
  assert.equal(added.value, tag('gadget'));
  const renamed = optionOf(
    await zd.ticketfields.createOrUpdateOption(field.id, {
      custom_field_option: { id: added.id, name: 'Gadget Pro', value: tag('gadget') },
    }),
  );
  assert.equal(renamed.id, added.id);
  assert.equal(renamed.name, 'Gadget Pro');

  const options = await zd.ticketfields.listOptions(field.id);
  const list = Array.isArray(options) ? options : (options.result.custom_field_options ?? options.result);
  assert.deepEqual(list.map((o) => o.name), ['Widget', 'Gadget Pro']);
  const one = optionOf(await zd.ticketfields.showOption(field.id, added.id));
  assert.equal(one.raw_name, 'Gadget Pro');

  const raw = await srv.post(`/api/v2/ticket_fields/${field.id}/options.json`, {
    custom_field_option: { name: 'Gizmo', value: tag('gizmo') },
  });
  assert.equal(raw.status, 201, raw.text);
  assert.ok(raw.headers.get('location').endsWith(`/options/${raw.json.custom_field_option.id}.json`));

  const del = await srv.del(`/api/v2/ticket_fields/${field.id}/options/${added.id}.json`);
  assert.equal(del.status, 204);
  const missing = await srv.get(`/api/v2/ticket_fields/${field.id}/options/${added.id}.json`);
  assert.equal(missing.status, 404);

  // Another field may not reuse a value (Zendesk: option values are ticket tags).
  const clash = await srv.post('/api/v2/ticket_fields.json', {
    ticket_field: { type: 'tagger', title: 'Clash', custom_field_options: [{ name: 'W', value: tag('widget') }] },
  });
  assert.equal(clash.status, 422, clash.text);
  assert.equal(clash.json.details.custom_field_options[0].error, 'DuplicateValue');
  const text = await srv.createRecord('/api/v2/ticket_fields.json', 'ticket_field', { type: 'text', title: 'Plain' });
  const noOpts = await srv.get(`/api/v2/ticket_fields/${text.id}/options.json`);
  assert.equal(noOpts.status, 404);
});

test('ticket forms: the default form, create, show_many, update, reorder, clone, delete', async () => {
  const forms = await zd.ticketforms.list();
  assert.equal(forms.length, 1);
  const def = forms[0];
  assert.equal(def.name, 'Default Ticket Form');
  assert.equal(def.default, true);
  assert.equal(def.url, `${srv.apiUrl}/ticket_forms/${def.id}.json`);
  for (const k of ['raw_name', 'display_name', 'raw_display_name', 'end_user_visible', 'position',
    'active', 'in_all_brands', 'restricted_brand_ids', 'created_at', 'updated_at']) {
    assert.ok(k in def, k);
  }
  const fields = await zd.ticketfields.list();
  const systemIds = fields.filter((f) => SYSTEM_TYPES.includes(f.type)).map((f) => f.id);
  assert.deepEqual(def.ticket_field_ids, systemIds);

  const bad = await srv.post('/api/v2/ticket_forms.json', { ticket_form: { name: 'Bad', ticket_field_ids: [987654321] } });
  assert.equal(bad.status, 422, bad.text);
  assert.match(bad.json.details.ticket_field_ids[0].description, /987654321/);

  const { result: billing } = await zd.ticketforms.create({
    ticket_form: { name: 'Billing', display_name: 'Billing questions', ticket_field_ids: systemIds.slice(0, 2) },
  });
  assert.equal(billing.default, false);
  assert.equal(billing.display_name, 'Billing questions');
  assert.deepEqual(billing.ticket_field_ids, systemIds.slice(0, 2));

  const many = await srv.get(`/api/v2/ticket_forms/show_many.json?ids=${def.id},${billing.id}`);
  assert.equal(many.status, 200, many.text);
  assert.deepEqual(many.json.ticket_forms.map((f) => f.id).sort(), [def.id, billing.id].sort());

  const { result: made } = await zd.ticketforms.update(billing.id, { ticket_form: { default: true } });
  assert.equal(made.default, true);
  const { result: oldDefault } = await zd.ticketforms.show(def.id);
  assert.equal(oldDefault.default, false);
  const cannot = await srv.del(`/api/v2/ticket_forms/${billing.id}.json`);
  assert.equal(cannot.status, 422, cannot.text);

  const { result: reordered } = await zd.ticketforms.reorder([billing.id, def.id]);
  const order = Array.isArray(reordered) ? reordered : reordered.ticket_forms;
  assert.deepEqual(order.map((f) => f.id), [billing.id, def.id]);

  const { result: clone } = await zd.ticketforms.clone(billing.id, true);
  assert.equal(clone.name, 'Clone of Billing');
  assert.equal(clone.default, false);
  assert.notEqual(clone.id, billing.id);
  const del = await srv.del(`/api/v2/ticket_forms/${clone.id}.json`);
  assert.equal(del.status, 204);
  assert.equal((await srv.get(`/api/v2/ticket_forms/${clone.id}.json`)).status, 404);
});

test('end users see portal fields and visible forms only; agents cannot define them', async () => {
  const visible = await srv.createRecord('/api/v2/ticket_fields.json', 'ticket_field', {
    type: 'text', title: 'Order number', visible_in_portal: true, editable_in_portal: true,
  });
  const hidden = await srv.createRecord('/api/v2/ticket_fields.json', 'ticket_field', { type: 'text', title: 'Internal' });
  await srv.createRecord('/api/v2/ticket_forms.json', 'ticket_form', { name: 'Agents only', end_user_visible: false });

  const endUser = await srv.createUserWithPassword({ role: 'end-user' });
  const list = await srv.get('/api/v2/ticket_fields.json', { auth: endUser.auth });
  assert.equal(list.status, 200, list.text);
  const ids = list.json.ticket_fields.map((f) => f.id);
  assert.ok(ids.includes(visible.id));
  assert.ok(!ids.includes(hidden.id));
  assert.deepEqual(
    list.json.ticket_fields.filter((f) => SYSTEM_TYPES.includes(f.type)).map((f) => f.type),
    ['subject', 'description'],
  );
  const hiddenShow = await srv.get(`/api/v2/ticket_fields/${hidden.id}.json`, { auth: endUser.auth });
  assert.equal(hiddenShow.status, 404);
  const forms = await srv.get('/api/v2/ticket_forms.json', { auth: endUser.auth });
  assert.equal(forms.status, 200, forms.text);
  assert.ok(forms.json.ticket_forms.every((f) => f.end_user_visible && f.active), forms.text);
  const staffForms = await srv.get('/api/v2/ticket_forms.json?end_user_visible=false');
  assert.ok(staffForms.json.ticket_forms.some((f) => f.name === 'Agents only'));

  const agent = await srv.createUserWithPassword({ role: 'agent' });
  const res = await srv.post('/api/v2/ticket_fields.json', { ticket_field: { type: 'text', title: 'x' } }, { auth: agent.auth });
  assert.equal(res.status, 403, res.text);
  const formRes = await srv.post('/api/v2/ticket_forms.json', { ticket_form: { name: 'x' } }, { auth: agent.auth });
  assert.equal(formRes.status, 403, formRes.text);
  const anon = await srv.get('/api/v2/ticket_fields.json', { auth: 'none' });
  assert.equal(anon.status, 401);
});
