// Several accounts on one server. The Host header picks the account
// (acme.example.com → the account whose subdomain is "acme"; IPs, localhost and unknown
// subdomains → the default account). Account A (the default one) is filled with data
// carrying a unique marker in every text field; account B is made with
// `comptoir admin create-account`. Then, signed in to B, every route the server
// registers (`comptoir routes`) is called with A's ids in its path, body and query:
// no answer may carry A's marker or point at A's records, a route that addresses one of
// A's records answers 404 (exceptions below, with their reasons), and A's data reads
// back exactly as before. Credentials of one account never work on another's host.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { startServer, runCli, USER_PASSWORD } from './harness.mjs';

const MARK_A = `zqa${Math.random().toString(16).slice(2, 10)}`;
const MARK_B = `zqb${Math.random().toString(16).slice(2, 10)}`;
const SUB_B = `tenant${process.pid}`;

// Routes on A's records that answer something else than 404, for whom, and why. Every
// such answer must also be the one an id that exists in no account gets (checked).
const NOT_404 = [
  {
    route: 'PUT /api/v2/users/{id}/password',
    roles: ['admin', 'end-user'],
    statuses: [403],
    why: 'a password is only ever changed on your own id: 403 comes before any lookup',
  },
  ...[
    'GET /api/v2/users/{id}/organization_memberships',
    'GET /api/v2/users/{id}/requests',
    'GET /api/v2/users/{user_id}/sessions',
    'GET /api/v2/users/{user_id}/sessions/{id}',
    'DELETE /api/v2/users/{user_id}/sessions/{id}',
    'DELETE /api/v2/users/{user_id}/sessions',
  ].map((route) => ({
    route,
    roles: ['end-user'],
    statuses: [403],
    why: 'an end user may only name their own user id here: 403 comes before any lookup',
  })),
];

// Routes that take no record of anyone else: they act on the caller.
const CALLER_ONLY = new Set(['/access/login', '/access/logout']);

let srv;
let A; // {api, ids, ...}: the default account, its admin on host 127.0.0.1
let B; // the other account, on host `${SUB_B}.localhost`
let routes;

// --- helpers ---------------------------------------------------------------------

async function must(promise, statuses = [200, 201]) {
  const r = await promise;
  if (!statuses.includes(r.status)) {
    throw new Error(`expected ${statuses.join('/')}, got ${r.status}: ${r.text}`);
  }
  return r.json;
}

function sessionCookieOf(res) {
  const raw = res.headers.getSetCookie().find((c) => c.startsWith('comptoir_session='));
  return raw ? raw.split(';')[0] : null;
}

async function waitJob(api, id) {
  for (let i = 0; i < 200; i++) {
    const r = await api.get(`/api/v2/job_statuses/${id}.json`);
    if (r.status !== 200) return r;
    if (['completed', 'failed', 'killed'].includes(r.json.job_status.status)) return r;
    await sleep(50);
  }
  throw new Error(`job ${id} did not finish`);
}

// Fills an account through its admin API `api` with records whose every text field
// carries `m`. Resolves the ids (and secrets) made.
async function populate(api, m) {
  const ids = { m };
  const me = await must(api.get('/api/v2/users/me.json'));
  ids.owner = me.user.id;
  await must(api.put(`/api/v2/users/${ids.owner}.json`, { user: { name: `${m} Owner`, notes: `${m} owner notes` } }));
  const groups = await must(api.get('/api/v2/groups.json'));
  ids.defaultGroup = groups.groups[0].id;
  await must(api.put(`/api/v2/groups/${ids.defaultGroup}.json`, { group: { name: `${m} Support` } }));

  ids.role = (await must(api.post('/api/v2/custom_roles.json', {
    custom_role: { name: `${m} role`, description: `${m} role description`, configuration: { ticket_access: 'all' } },
  }))).custom_role.id;
  const uf = (await must(api.post('/api/v2/user_fields.json', {
    user_field: {
      type: 'dropdown', key: `${m}_plan`, title: `${m} plan`, description: `${m} plan description`,
      custom_field_options: [{ name: `${m} gold`, value: `${m}_gold` }],
    },
  }))).user_field;
  ids.userField = uf.id;
  ids.userFieldKey = uf.key;
  ids.userFieldOption = uf.custom_field_options[0].id;
  const ufText = (await must(api.post('/api/v2/user_fields.json', {
    user_field: { type: 'text', key: `${m}_nick`, title: `${m} nick` },
  }))).user_field;
  ids.userFieldText = ufText.id;
  const of = (await must(api.post('/api/v2/organization_fields.json', {
    organization_field: {
      type: 'dropdown', key: `${m}_tier`, title: `${m} tier`, description: `${m} tier description`,
      custom_field_options: [{ name: `${m} top`, value: `${m}_top` }],
    },
  }))).organization_field;
  ids.orgField = of.id;
  ids.orgFieldKey = of.key;
  ids.orgFieldOption = of.custom_field_options[0].id;
  const tf = (await must(api.post('/api/v2/ticket_fields.json', {
    ticket_field: {
      type: 'tagger', title: `${m} product`, description: `${m} product description`,
      custom_field_options: [{ name: `${m} widget`, value: `${m}_widget` }],
    },
  }))).ticket_field;
  ids.ticketField = tf.id;
  ids.ticketFieldOption = tf.custom_field_options[0].id;
  ids.ticketFieldText = (await must(api.post('/api/v2/ticket_fields.json', {
    ticket_field: { type: 'text', title: `${m} serial`, description: `${m} serial description` },
  }))).ticket_field.id;
  ids.form = (await must(api.post('/api/v2/ticket_forms.json', {
    ticket_form: { name: `${m} form`, display_name: `${m} form shown`, ticket_field_ids: [ids.ticketField, ids.ticketFieldText] },
  }))).ticket_form.id;

  ids.group = (await must(api.post('/api/v2/groups.json', {
    group: { name: `${m} group`, description: `${m} group description` },
  }))).group.id;
  ids.triggerCategory = (await must(api.post('/api/v2/trigger_categories.json', {
    trigger_category: { name: `${m} category` },
}))).trigger_category.id;
  ids.trigger = (await must(api.post('/api/v2/triggers.json', {
    trigger: {
      title: `${m} trigger`, description: `${m} trigger description`, category_id: ids.triggerCategory,
      conditions: { all: [{ field: 'current_tags', operator: 'includes', value: `${m}_never` }], any: [] },
      actions: [{ field: 'notification_user', value: ['requester_id', `${m} subject`, `${m} body`] }],
    },
  }))).trigger.id;
  ids.macro = (await must(api.post('/api/v2/macros.json', {
    macro: {
      title: `${m} macro`, description: `${m} macro description`,
      actions: [{ field: 'comment_value', value: `${m} macro comment` }, { field: 'group_id', value: String(ids.group) }],
      restriction: { type: 'Group', ids: [ids.group] },
    },
  }))).macro.id;
  ids.org = (await must(api.post('/api/v2/organizations.json', {
    organization: {
      name: `${m} org`, details: `${m} details`, notes: `${m} notes`, external_id: `${m}-org`,
      tags: [`${m}_otag`], domain_names: [`${m}.example`], group_id: ids.group,
      shared_tickets: true, shared_comments: true, organization_fields: { [ids.orgFieldKey]: `${m}_top` },
    },
  }))).organization.id;

  const person = (kind, extra = {}) => ({
    name: `${m} ${kind}`,
    email: `${m}-${kind}@${m}.example`,
    alias: `${m} alias`,
    details: `${m} details`,
    notes: `${m} notes`,
    external_id: `${m}-${kind}`,
    tags: [`${m}_utag`],
    user_fields: { [ids.userFieldKey]: `${m}_gold`, [`${m}_nick`]: `${m} nickname` },
    organization_id: ids.org,
    ...extra,
  });
  const agent = (await must(api.post('/api/v2/users.json', {
    user: person('agent', {
      role: 'agent', signature: `${m} signature`, custom_role_id: ids.role, default_group_id: ids.group,
      phone: '+15550001000',
    }),
  }))).user;
  ids.agent = agent.id;
  ids.agentEmail = agent.email;
  await must(api.post(`/api/v2/users/${ids.agent}/password.json`, { password: USER_PASSWORD }));
  const end = (await must(api.post('/api/v2/users.json', {
    user: person('end', {
      role: 'end-user',
      identities: [{ type: 'email', value: `${m}-alt@${m}.example` }, { type: 'phone_number', value: '+15550002000' }],
    }),
  }))).user;
  ids.endUser = end.id;
  ids.endUserEmail = end.email;
  ids.endUserExt = end.external_id;
  await must(api.post(`/api/v2/users/${ids.endUser}/password.json`, { password: USER_PASSWORD }));
  ids.identity = (await must(api.post(`/api/v2/users/${ids.endUser}/identities.json`, {
    identity: { type: 'email', value: `${m}-third@${m}.example` },
  }))).identity.id;
  await must(api.post(`/api/v2/users/${ids.endUser}/tags.json`, { tags: [`${m}_more`] }));
  ids.groupMembership = (await must(api.get(`/api/v2/users/${ids.agent}/group_memberships.json`)))
    .group_memberships.find((x) => x.group_id === ids.group).id;
  ids.orgMembership = (await must(api.get(`/api/v2/users/${ids.endUser}/organization_memberships.json`)))
    .organization_memberships[0].id;

  // A ticket with a comment carrying an attachment whose bytes carry the marker.
  const up = await must(api.request('POST', `/api/v2/uploads.json?filename=${m}-notes.txt`, {
    body: Buffer.from(`${m} attachment content`),
    headers: { 'Content-Type': 'application/binary' },
  }));
  const ticket = (await must(api.post('/api/v2/tickets.json', {
    ticket: {
      subject: `${m} subject`,
      comment: { body: `${m} first comment`, uploads: [up.upload.token] },
      requester_id: ids.endUser,
      assignee_id: ids.agent,
      group_id: ids.group,
      organization_id: ids.org,
      collaborator_ids: [ids.agent],
      external_id: `${m}-ticket`,
      tags: [`${m}_ttag`],
      type: 'problem',
      ticket_form_id: ids.form,
      custom_fields: [{ id: ids.ticketField, value: `${m}_widget` }, { id: ids.ticketFieldText, value: `${m} serial` }],
    },
  }))).ticket;
  ids.ticket = ticket.id;
  await must(api.put(`/api/v2/tickets/${ids.ticket}.json`, {
    ticket: { comment: { body: `${m} private note`, html_body: `<p>${m} html</p>`, public: false } },
  }));
  ids.incident = (await must(api.post('/api/v2/tickets.json', {
    ticket: { subject: `${m} incident`, comment: { body: `${m} incident body` }, type: 'incident', problem_id: ids.ticket, requester_id: ids.endUser },
  }))).ticket.id;
  const comments = await must(api.get(`/api/v2/tickets/${ids.ticket}/comments.json`));
  ids.comment = comments.comments[0].id;
  ids.attachment = comments.comments[0].attachments[0].id;
  ids.attachmentUrl = comments.comments[0].attachments[0].content_url;
  ids.audit = (await must(api.get(`/api/v2/tickets/${ids.ticket}/audits.json`))).audits[0].id;
  // An upload not yet claimed by a comment.
  const pending = await must(api.request('POST', `/api/v2/uploads.json?filename=${m}-pending.txt`, {
    body: Buffer.from(`${m} pending upload`),
    headers: { 'Content-Type': 'application/binary' },
  }));
  ids.uploadToken = pending.upload.token;

  const gone = (await must(api.post('/api/v2/tickets.json', {
    ticket: { subject: `${m} deleted`, comment: { body: `${m} deleted body` }, requester_id: ids.endUser },
  }))).ticket.id;
  await must(api.del(`/api/v2/tickets/${gone}.json`), [204]);
  ids.deletedTicket = gone;
  const goneUser = (await must(api.post('/api/v2/users.json', { user: person('gone', { organization_id: undefined }) }))).user.id;
  await must(api.del(`/api/v2/users/${goneUser}.json`));
  ids.deletedUser = goneUser;

  const tok = (await must(api.post('/api/v2/api_tokens.json', { api_token: { description: `${m} token` } }))).api_token;
  ids.apiToken = tok.id;
  ids.apiTokenSecret = tok.token;
  const client = (await must(api.post('/api/v2/oauth/clients.json', {
    client: { name: `${m} app`, identifier: `${m}_app`, description: `${m} app description`, redirect_uri: [`https://${m}.example/cb`] },
  }))).client;
  ids.client = client.id;
  const oauth = (await must(api.post('/api/v2/oauth/tokens.json', {
    token: { client_id: ids.client, scopes: ['read', 'write', 'impersonate'] },
  }))).token;
  ids.oauthToken = oauth.id;
  ids.bearer = oauth.full_token;

  const job = (await must(api.post('/api/v2/users/create_many.json', {
    users: [{ name: `${m} bulk`, email: `${m}-bulk@${m}.example`, notes: `${m} bulk notes` }],
  }))).job_status;
  ids.job = job.id;
  assert.equal((await waitJob(api, job.id)).json.job_status.status, 'completed');
  ids.queuedJob = (await must(api.get('/api/v2/queued_jobs.json'))).queued_jobs[0].id;

  // Business rules: a group view and an automation.
  ids.view = (await must(api.post('/api/v2/views.json', {
    view: {
      title: `${m} view`, description: `${m} view description`,
      all: [{ field: 'status', operator: 'less_than', value: 'solved' }, { field: 'current_tags', operator: 'includes', value: `${m}_ttag` }],
      restriction: { type: 'Group', ids: [ids.group] },
    },
  }))).view.id;
  ids.automation = (await must(api.post('/api/v2/automations.json', {
    automation: {
      title: `${m} automation`,
      conditions: { all: [{ field: 'status', operator: 'is', value: 'pending' }, { field: 'PENDING', operator: 'greater_than', value: '48' },
        { field: 'current_tags', operator: 'not_includes', value: `${m}_reminded` }] },
      actions: [{ field: 'current_tags', value: `${m}_reminded` }],
    },
  }))).automation.id;
  ids.slaPolicy = (await must(api.post('/api/v2/slas/policies', {
    sla_policy: {
      title: `${m} sla`, description: `${m} sla description`,
      filter: { all: [{ field: 'group_id', operator: 'is', value: String(ids.group) }], any: [] },
      policy_metrics: [{ priority: 'high', metric: 'first_reply_time', target: 60, business_hours: false }],
    },
  }))).sla_policy.id;

  // The end user files a request and signs in with a browser.
  const login = await api.post('/access/login', { email: ids.endUserEmail, password: USER_PASSWORD }, {
    auth: 'none',
    headers: { 'User-Agent': `${m} browser` },
  });
  assert.equal(login.status, 200, login.text);
  ids.cookie = sessionCookieOf(login);
  ids.csrf = login.json.csrf_token;
  const asEnd = { auth: 'none', headers: { Cookie: ids.cookie, 'X-CSRF-Token': ids.csrf } };
  ids.request = (await must(api.post('/api/v2/requests.json', {
    request: { subject: `${m} request`, comment: { body: `${m} request body` } },
  }, asEnd))).request.id;
  ids.session = (await must(api.get('/api/v2/users/me/session.json', asEnd))).session.id;
  ids.webhook = (await must(api.post('/api/v2/webhooks', {
    webhook: { name: `${m} hook`, endpoint: `http://127.0.0.1:9/${m}`, http_method: 'POST',
      request_format: 'json', custom_headers: { 'X-Mark': m } },
  }))).webhook.id;
  ids.target = (await must(api.post('/api/v2/targets.json', {
    target: { type: 'http_target', title: `${m} target`, target_url: `http://127.0.0.1:9/${m}` },
  }))).target.id;
  ids.broadcast = (await must(api.post('/api/v2/agent_broadcasts.json', {
    agent_broadcast: { subject: `${m} notice`, message: `${m} notice body` },
  }))).agent_broadcast.id;
  await must(api.put('/api/v2/comptoir/email_settings.json', {
    email_settings: { from_name: `${m} desk`, support_address: `${m}@example.test` },
  }));
  // A business-hours schedule with a holiday.
  ids.schedule = (await must(api.post('/api/v2/business_hours/schedules.json', {
    schedule: { name: `${m} hours`, time_zone: 'Paris' },
  }))).schedule.id;
  ids.holiday = (await must(api.post(`/api/v2/business_hours/schedules/${ids.schedule}/holidays.json`, {
    holiday: { name: `${m} holiday`, start_date: '2026-12-25', end_date: '2026-12-26' },
  }))).holiday.id;
  ids.ticketMetric = (await must(api.get(`/api/v2/tickets/${ids.ticket}/metrics.json`))).ticket_metric.id;
  return ids;
}

// Everything account A's admin can read, to compare before and after B's calls.
async function snapshot(api, ids) {
  const paths = [
    '/api/v2/users.json?per_page=100&include=identities,organizations,groups',
    '/api/v2/users/count.json',
    '/api/v2/organizations.json?per_page=100',
    '/api/v2/organization_memberships.json?per_page=100',
    '/api/v2/groups.json?per_page=100',
    '/api/v2/group_memberships.json?per_page=100',
    '/api/v2/custom_roles.json',
    '/api/v2/user_fields.json',
    '/api/v2/organization_fields.json',
    '/api/v2/ticket_fields.json',
    '/api/v2/ticket_forms.json',
    '/api/v2/tickets.json?per_page=100',
    '/api/v2/deleted_tickets.json?per_page=100',
    '/api/v2/tags.json',
    '/api/v2/api_tokens.json',
    '/api/v2/oauth/clients.json',
    '/api/v2/oauth/tokens.json',
    '/api/v2/job_statuses.json',
    '/api/v2/queued_jobs.json',
    '/api/v2/audit_logs.json?per_page=100',
    '/api/v2/sessions.json?per_page=100',
    '/api/v2/ticket_audits.json?per_page=100',
    '/api/v2/views.json',
    '/api/v2/automations.json',
    '/api/v2/business_hours/schedules.json',
    `/api/v2/business_hours/schedules/${ids.schedule}/holidays.json`,
    '/api/v2/slas/policies.json',
    `/api/v2/attachments/${ids.attachment}.json`,
    `/api/v2/users/${ids.endUser}/identities.json`,
    `/api/v2/users/${ids.agent}/identities.json`,
    `/api/v2/tickets/${ids.ticket}/comments.json`,
    `/api/v2/user_fields/${ids.userField}/options.json`,
    `/api/v2/organization_fields/${ids.orgField}/options.json`,
    `/api/v2/ticket_fields/${ids.ticketField}/options.json`,
  ];
  const out = {};
  for (const p of paths) {
    const r = await api.get(p);
    assert.equal(r.status, 200, `${p}: ${r.text}`);
    out[p] = JSON.parse(r.text, (k, v) => (k === 'refreshed_at' ? undefined : v));
  }
  const file = await api.get(ids.attachmentUrl);
  out.attachmentBytes = file.text;
  return out;
}

// The id sets of A's records, by the JSON key that holds them in answers.
function idSets(snap) {
  const sets = {};
  const add = (type, list) => {
    sets[type] ??= new Set();
    for (const x of list ?? []) if (x && x.id !== undefined && x.id !== null) sets[type].add(x.id);
  };
  const at = (suffix) => snap[Object.keys(snap).find((k) => k.startsWith(suffix))];
  add('users', at('/api/v2/users.json').users);
  add('identities', at('/api/v2/users.json').identities);
  for (const [k, v] of Object.entries(snap)) if (k.includes('/identities.json')) add('identities', v.identities);
  add('organizations', at('/api/v2/organizations.json').organizations);
  add('organization_memberships', at('/api/v2/organization_memberships.json').organization_memberships);
  add('groups', at('/api/v2/groups.json').groups);
  add('group_memberships', at('/api/v2/group_memberships.json').group_memberships);
  add('custom_roles', at('/api/v2/custom_roles.json').custom_roles);
  add('fields', at('/api/v2/user_fields.json').user_fields);
  add('fields', at('/api/v2/organization_fields.json').organization_fields);
  add('ticket_fields', at('/api/v2/ticket_fields.json').ticket_fields);
  add('ticket_forms', at('/api/v2/ticket_forms.json').ticket_forms);
  add('tickets', at('/api/v2/tickets.json').tickets);
  add('tickets', at('/api/v2/deleted_tickets.json').deleted_tickets);
  add('api_tokens', at('/api/v2/api_tokens.json').api_tokens);
  add('clients', at('/api/v2/oauth/clients.json').clients);
  add('tokens', at('/api/v2/oauth/tokens.json').tokens);
  add('sessions', at('/api/v2/sessions.json').sessions);
  add('queued_jobs', at('/api/v2/queued_jobs.json').queued_jobs);
  add('audit_logs', at('/api/v2/audit_logs.json').audit_logs);
  add('audits', at('/api/v2/ticket_audits.json').audits);
  add('schedules', at('/api/v2/business_hours/schedules.json').schedules);
  add('holidays', at('/api/v2/business_hours/schedules/').holidays);
  add('comments', at(`/api/v2/tickets/`).comments);
  for (const c of at('/api/v2/tickets/').comments) add('attachments', c.attachments);
  sets.job_statuses = new Set(at('/api/v2/job_statuses.json').job_statuses.map((j) => j.id));
  return sets;
}

// JSON keys whose value names a record of a type (ids must not be A's).
const KEY_TYPE = {
  user: 'users', users: 'users', end_user: 'users', requester: 'users',
  identity: 'identities', identities: 'identities',
  organization: 'organizations', organizations: 'organizations',
  organization_membership: 'organization_memberships', organization_memberships: 'organization_memberships',
  group: 'groups', groups: 'groups',
  group_membership: 'group_memberships', group_memberships: 'group_memberships',
  custom_role: 'custom_roles', custom_roles: 'custom_roles',
  user_field: 'fields', user_fields: 'fields', organization_field: 'fields', organization_fields: 'fields',
  ticket_field: 'ticket_fields', ticket_fields: 'ticket_fields',
  ticket_form: 'ticket_forms', ticket_forms: 'ticket_forms',
  ticket: 'tickets', tickets: 'tickets', request: 'tickets', requests: 'tickets', deleted_tickets: 'tickets',
  comment: 'comments', comments: 'comments',
  audit: 'audits', audits: 'audits',
  attachment: 'attachments', attachments: 'attachments',
  api_token: 'api_tokens', api_tokens: 'api_tokens',
  client: 'clients', clients: 'clients', token: 'tokens', tokens: 'tokens',
  session: 'sessions', sessions: 'sessions',
  audit_logs: 'audit_logs',
  job_status: 'job_statuses', job_statuses: 'job_statuses',
  queued_job: 'queued_jobs', queued_jobs: 'queued_jobs',
  schedule: 'schedules', schedules: 'schedules', holiday: 'holidays', holidays: 'holidays',
};
const REF_TYPE = {
  user_id: 'users', requester_id: 'users', submitter_id: 'users', assignee_id: 'users', author_id: 'users',
  actor_id: 'users', collaborator_ids: 'users', follower_ids: 'users', email_cc_ids: 'users',
  organization_id: 'organizations', group_id: 'groups', default_group_id: 'groups',
  custom_role_id: 'custom_roles', ticket_form_id: 'ticket_forms', ticket_field_ids: 'ticket_fields',
  problem_id: 'tickets', ticket_id: 'tickets', client_id: 'clients', audit_id: 'audits',
};

// Problems with one answer seen by B: A's marker anywhere, or a reference to one of A's
// records (an `id` under a typed key, or a typed `*_id(s)` field).
function leaks(res, aIds, sent = []) {
  const found = [];
  // What the request itself carried may come back (a 422 naming the unknown field, a
  // next_page link with the query): only the rest must be free of A's marker.
  let text = res.text.toLowerCase();
  for (const echo of sent) {
    assert.ok(echo.toLowerCase() !== MARK_A, 'a request must not send the bare marker');
    text = text.split(echo.toLowerCase()).join('');
  }
  if (text.includes(MARK_A)) found.push(`carries A's marker: ${res.text.slice(0, 300)}`);
  const walk = (v, type, path) => {
    if (Array.isArray(v)) {
      v.forEach((x, i) => walk(x, type, `${path}[${i}]`));
      return;
    }
    if (!v || typeof v !== 'object') return;
    for (const [k, x] of Object.entries(v)) {
      if (k === 'id' && type && aIds[type]?.has(x)) found.push(`${path}.id = ${x} is one of A's ${type}`);
      const refType = REF_TYPE[k];
      if (refType) {
        for (const id of Array.isArray(x) ? x : [x]) {
          if (aIds[refType]?.has(id)) found.push(`${path}.${k} = ${id} is one of A's ${refType}`);
        }
      }
      if (x && typeof x === 'object') walk(x, KEY_TYPE[k] ?? (Array.isArray(v) ? type : null), `${path}.${k}`);
    }
  };
  if (res.json) walk(res.json, null, '$');
  return found;
}

// The id of account `ids` a path parameter names: by parameter name, else by the
// literal segment before it.
function paramValue(segments, i, ids) {
  const name = segments[i].slice(1, -1);
  const prev = segments[i - 1];
  const byName = {
    user_id: ids.agent,
    ticket_id: ids.ticket,
    comment_id: ids.comment,
    organization_id: ids.org,
    token: ids.uploadToken,
    invocation_id: 1, // no invocation exists in A; the webhook's id already answers 404
    holiday_id: ids.holiday,
  };
  if (name in byName) return byName[name];
  if (name === 'option_id') {
    return { user_fields: ids.userFieldOption, organization_fields: ids.orgFieldOption, ticket_fields: ids.ticketFieldOption }[
      segments[i - 3]
    ];
  }
  const byPrev = {
    users: ids.agent,
    deleted_users: ids.deletedUser,
    organizations: ids.org,
    groups: ids.group,
    group_memberships: ids.groupMembership,
    organization_memberships: ids.orgMembership,
    identities: ids.identity,
    custom_roles: ids.role,
    user_fields: ids.userField,
    organization_fields: ids.orgField,
    ticket_fields: ids.ticketField,
    ticket_forms: ids.form,
    tickets: ids.ticket,
    requests: ids.request,
    comments: ids.comment,
    audits: ids.audit,
    attachments: ids.attachment,
    token: ids.attachment, // /attachments/token/{id}
    deleted_tickets: ids.deletedTicket,
    api_tokens: ids.apiToken,
    clients: ids.client,
    tokens: ids.oauthToken,
    job_statuses: ids.job,
    queued_jobs: ids.queuedJob,
    sessions: ids.session,
    triggers: ids.trigger,
    macros: ids.macro,
    trigger_categories: ids.triggerCategory,
    webhooks: ids.webhook,
    targets: ids.target,
    target_failures: ids.target, // none in A: any id answers 404 to B
    agent_broadcasts: ids.broadcast,
    views: ids.view,
    automations: ids.automation,
    schedules: ids.schedule,
    policies: ids.slaPolicy, // /slas/policies/{id}
    ticket_metrics: ids.ticketMetric,
  };
  if (name === 'id' && prev in byPrev) return byPrev[prev];
  return undefined;
}

function fill(pattern, ids) {
  const segments = pattern.split('/');
  return segments
    .map((s, i) => {
      if (!s.startsWith('{')) return s;
      const v = paramValue(segments, i, ids);
      if (v === undefined) throw new Error(`tenancy test: no id for ${s} in ${pattern}; extend paramValue()`);
      return encodeURIComponent(String(v));
    })
    .join('/');
}

// The query every call carries: A's ids and values wherever a route reads one.
function queryFor(pattern, a) {
  const resource = pattern.split('/')[3];
  const idsByResource = {
    users: [a.agent, a.endUser, a.owner],
    organizations: [a.org],
    tickets: [a.ticket, a.incident],
    deleted_tickets: [a.deletedTicket],
    job_statuses: [a.job],
    ticket_forms: [a.form],
    group_memberships: [a.groupMembership],
    organization_memberships: [a.orgMembership],
    triggers: [a.trigger],
    macros: [a.macro],
    views: [a.view],
    automations: [a.automation],
  };
  const q = new URLSearchParams({
    include: 'users,groups,organizations,identities,comment_count,last_audits,slas',
    ids: (idsByResource[resource] ?? [a.ticket]).join(','),
    external_ids: [a.endUserExt, `${a.m}-org`, `${a.m}-ticket`].join(','),
    external_id: resource === 'organizations' ? `${a.m}-org` : resource === 'tickets' ? `${a.m}-ticket` : a.endUserExt,
    // Searches that would find A's records (never the bare marker: what a request sends
    // may come back, and is not counted as a leak).
    query: resource === 'requests' ? `${a.m} subject` : `${a.m} agent`,
    name: resource === 'organizations' ? `${a.m} org` : `${a.m} agent`,
    tags: `${a.m}_ttag`,
    organization_id: String(a.org),
    'filter[source_type]': 'user',
    'filter[source_id]': String(a.agent),
    // /search/export needs a type (the search routes read `query` above).
    'filter[type]': 'ticket',
    filename: 'b-probe.txt',
    token: a.uploadToken,
  });
  return q.toString();
}

let probe = 0;
// One body for every write: each resource's envelope, pointing at A's records.
function bodyFor(a) {
  probe += 1;
  const n = `${process.pid}x${probe}`;
  return {
    user: {
      id: a.endUser, name: 'B probe', email: `probe-${n}@b.example`, organization_id: a.org,
      default_group_id: a.group, custom_role_id: a.role, user_fields: { [a.userFieldKey]: `${a.m}_gold` },
    },
    users: [{ id: a.endUser, name: 'B probe', email: `probes-${n}@b.example`, organization_id: a.org }],
    organization: { id: a.org, name: `B probe ${n}`, group_id: a.group, organization_fields: { [a.orgFieldKey]: `${a.m}_top` } },
    organizations: [{ id: a.org, name: `B probes ${n}`, group_id: a.group }],
    group: { name: `B probe ${n}` },
    group_membership: { user_id: a.agent, group_id: a.group },
    group_memberships: [{ user_id: a.agent, group_id: a.group }],
    organization_membership: { user_id: a.endUser, organization_id: a.org },
    organization_memberships: [{ user_id: a.endUser, organization_id: a.org }],
    identity: { type: 'email', value: `probe-${n}@b.example` },
    custom_role: { name: `B probe ${n}` },
    user_field: { type: 'text', key: `probe_${probe}`, title: 'B probe' },
    organization_field: { type: 'text', key: `probe_${probe}`, title: 'B probe' },
    ticket_field: { type: 'text', title: 'B probe' },
    ticket_form: { name: 'B probe', ticket_field_ids: [a.ticketField] },
    custom_field_option: { id: a.ticketFieldOption, name: 'B probe', value: `probe_${probe}` },
    ticket: {
      subject: 'B probe', comment: { body: 'B probe', uploads: [a.uploadToken] }, requester_id: a.endUser,
      submitter_id: a.endUser, assignee_id: a.agent, group_id: a.group, organization_id: a.org,
      collaborator_ids: [a.agent], ticket_form_id: a.form, problem_id: a.ticket,
      custom_fields: [{ id: a.ticketFieldText, value: 'B probe' }],
    },
    tickets: [{ id: a.ticket, subject: 'B probe', comment: { body: 'B probe' }, requester_id: a.endUser }],
    request: { subject: 'B probe', comment: { body: 'B probe', uploads: [a.uploadToken] }, collaborator_ids: [a.agent] },
    api_token: { description: 'B probe', user_id: a.agent },
    client: { name: 'B probe', identifier: `probe_${n}` },
    token: { client_id: a.client, user_id: a.agent, scopes: ['read'] },
    tags: ['b_probe'],
    ids: [a.ticket],
    target_comment: 'B probe',
    text: 'B probe',
    user_field_ids: [a.userField],
    organization_field_ids: [a.orgField],
    ticket_field_ids: [a.ticketField],
    ticket_form_ids: [a.form],
    trigger: {
      title: 'B probe', category_id: a.triggerCategory,
      conditions: { all: [{ field: 'group_id', operator: 'is', value: String(a.group) }], any: [] },
      actions: [{ field: 'assignee_id', value: String(a.agent) }],
    },
    triggers: [{ id: a.trigger, position: 0, active: false, category_id: a.triggerCategory }],
    trigger_ids: [a.trigger],
    macro: {
      title: 'B probe', actions: [{ field: 'group_id', value: String(a.group) }],
      restriction: { type: 'Group', ids: [a.group] },
    },
    macros: [{ id: a.macro, position: 0, active: false }],
    trigger_category: { name: 'B probe', position: 0 },
    job: {
      action: 'patch',
      items: { trigger_categories: [{ id: a.triggerCategory, position: 3 }], triggers: [{ id: a.trigger, active: false }] },
    },
    webhook: { name: 'B probe', endpoint: 'http://127.0.0.1:9/b', http_method: 'POST', request_format: 'json' },
    target: { title: 'B probe', type: 'http_target', target_url: 'http://127.0.0.1:9/b' },
    agent_broadcast: { subject: 'B probe', message: 'B probe', group_ids: [a.group] },
    email_settings: { from_name: 'B probe' },
    request: { endpoint: 'http://127.0.0.1:9/b', http_method: 'POST', request_format: 'json', payload: '{}' },
    password: 'Pr0be-Passw0rd-B',
    previous_password: USER_PASSWORD,
    email: a.agentEmail,
    view: { title: 'B probe', all: [{ field: 'status', operator: 'less_than', value: 'solved' }], restriction: { type: 'Group', ids: [a.group] } },
    views: [{ id: a.view, position: 1, active: false }],
    view_ids: [a.view],
    automation: { title: 'B probe', conditions: { all: [{ field: 'status', operator: 'is', value: 'open' }, { field: 'OPEN', operator: 'greater_than', value: '2' }, { field: 'group_id', operator: 'is', value: String(a.group) }] }, actions: [{ field: 'status', value: 'pending' }] },
    automations: [{ id: a.automation, position: 1, active: false }],
    automation_ids: [a.automation],
    schedule: { name: 'B probe', time_zone: 'Paris', intervals: [{ start_time: 1980, end_time: 2460 }] },
    workweek: { intervals: [{ start_time: 1980, end_time: 2460 }] },
    holiday: { name: 'B probe', start_date: '2026-12-24', end_date: '2026-12-24' },
    sla_policy: {
      title: 'B probe', filter: { all: [{ field: 'group_id', operator: 'is', value: String(a.group) }], any: [] },
      policy_metrics: [{ priority: 'high', metric: 'first_reply_time', target: 5 }],
    },
    sla_policy_ids: [a.slaPolicy],
  };
}

// Unsafe calls come last (deletes after writes), and the ones that end the caller's
// session last of all, so that one pass keeps its credentials to the end.
function ordered(list) {
  const rank = (r) =>
    r.path.includes('logout') ? 5 : r.path.endsWith('/sessions') ? 4 : { GET: 0, POST: 1, PUT: 2, PATCH: 2, DELETE: 3 }[r.method];
  return [...list].sort((x, y) => rank(x) - rank(y));
}

// The strings of a request (body and query) that carry A's marker.
function markedStrings(body, query) {
  const out = [];
  const walk = (v) => {
    if (typeof v === 'string') {
      if (v.toLowerCase().includes(MARK_A)) out.push(v);
    } else if (Array.isArray(v)) {
      v.forEach(walk);
    } else if (v && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) {
        walk(k);
        walk(x);
      }
    }
  };
  walk(body);
  for (const [, v] of new URLSearchParams(query)) for (const part of v.split(',')) walk(part);
  return out;
}

// Ids that exist in no account, shaped like `ids`.
function ghostsOf(ids) {
  const out = {};
  let n = 0;
  for (const [k, v] of Object.entries(ids)) {
    n += 1;
    out[k] = typeof v === 'number' ? 2_000_000_000 + n : `Ghost${n}x${Math.random().toString(36).slice(2, 12)}`;
  }
  return out;
}

// Calls every route on B's host, as `role`, through `api`: with A's ids in the path
// (pathIds = A's; each such answer is compared with the answer for ids that exist
// nowhere), or with B's own ids in the path (pathIds = B's). Bodies and queries always
// name A's records. Returns the problems found and the number of calls.
async function sweep(api, { pathIds, aIds, role, expect404 }) {
  const problems = [];
  const jobs = [];
  const ghosts = ghostsOf(pathIds);
  let called = 0;
  const call = async (route, ids) => {
    const path = fill(route.path, ids);
    const query = queryFor(route.path, A.ids);
    const target = `${path}${path.startsWith('/api/') ? '.json' : ''}?${query}`;
    const body = route.method === 'GET' ? undefined : bodyFor(A.ids);
    const res = await api.request(route.method, target, { body });
    called += 1;
    // A browser session's token changes when renewed.
    if (res.json?.authenticity_token && api.renewed) api.renewed(res.json.authenticity_token);
    return { res, sent: markedStrings(body, query) };
  };
  for (const route of ordered(routes)) {
    const hasParam = route.path.includes('{');
    if (!hasParam && !expect404) continue; // routes without ids: once, in the first passes
    const key = `${route.method} ${route.path}`;
    const { res, sent } = await call(route, pathIds);
    const where = `${role} ${key} → ${res.status}`;
    for (const p of leaks(res, aIds, sent)) problems.push(`${where}: ${p}`);
    if (res.status >= 500) problems.push(`${where}: server error ${res.text}`);
    if (route.path === '/access/login' && res.status !== 401) {
      problems.push(`${where}: A's email signed in on B's host`);
    }
    if (res.json?.job_status?.id) jobs.push([where, res.json.job_status.id, sent]);
    if (!expect404 || !hasParam || CALLER_ONLY.has(route.path)) continue;

    const restricted =
      (route.access === 'staff' && role === 'end-user') || (route.access === 'admin' && role !== 'admin');
    const exception = NOT_404.find((e) => e.route === key && e.roles.includes(role));
    const allowed = restricted ? [403] : (exception?.statuses ?? [404]);
    if (!allowed.includes(res.status)) {
      problems.push(`${where}: expected ${allowed.join('/')}: ${res.text.slice(0, 200)}`);
    }
    // Whatever the answer, it must not tell A's records from records that do not exist.
    const ghost = await call(route, ghosts);
    if (ghost.res.status !== res.status) {
      problems.push(`${where}, but ${ghost.res.status} for ids that exist nowhere: ${ghost.res.text.slice(0, 200)}`);
    }
    if (ghost.res.json?.job_status?.id) jobs.push([`${where} (ghost)`, ghost.res.json.job_status.id, ghost.sent]);
  }
  for (const [where, id, sent] of jobs) {
    const done = await waitJob(api, id);
    for (const p of leaks(done, aIds, sent)) problems.push(`${where} (job ${id}): ${p}`);
  }
  return { problems, called };
}

// --- setup --------------------------------------------------------------------------

before(async () => {
  srv = await startServer();
  const list = await runCli(['routes']);
  assert.equal(list.code, 0, list.stderr);
  routes = list.stdout.trim().split('\n').map((l) => JSON.parse(l));

  A = { api: srv.at('127.0.0.1', 'token') };
  A.ids = await populate(A.api, MARK_A);

  const owner = await srv.createAccount({ subdomain: SUB_B, name: 'Tenant B', ownerEmail: `owner@${SUB_B}.example` });
  B = { host: `${SUB_B}.localhost`, owner };
  B.auth = { email: owner.email, password: owner.password };
  B.api = srv.at(B.host, B.auth);
  B.ids = await populate(B.api, MARK_B);
  B.endAuth = { email: B.ids.endUserEmail, password: USER_PASSWORD };

  A.before = await snapshot(A.api, A.ids);
  A.idSets = idSets(A.before);
});
after(() => srv?.stop());

// --- tests ----------------------------------------------------------------------------

test('the route table lists every route, and every {param} maps to one of A\'s ids', () => {
  assert.ok(routes.length >= 200, `only ${routes.length} routes`);
  for (const r of routes) {
    assert.match(r.method, /^(GET|POST|PUT|PATCH|DELETE)$/);
    assert.ok(['public', 'signed_in', 'staff', 'admin'].includes(r.access), JSON.stringify(r));
    fill(r.path, A.ids); // throws for a parameter the test does not know
  }
  for (const { route } of NOT_404) {
    assert.ok(routes.some((r) => `${r.method} ${r.path}` === route), `stale exception ${route}`);
  }
});

test('create-account refuses a taken or invalid subdomain and prints the owner credentials', async () => {
  assert.equal(B.owner.subdomain, SUB_B);
  assert.ok(B.owner.account > 1);
  assert.ok(B.owner.password.length >= 8);
  const taken = await srv.cli(['admin', 'create-account', '--subdomain', SUB_B, '--name', 'Again', '--owner-email', 'x@y.example']);
  assert.notEqual(taken.code, 0);
  assert.match(taken.stderr, /already been taken/);
  for (const bad of ['Not_Valid', 'www', '-x', '123']) {
    const r = await srv.cli(['admin', 'create-account', '--subdomain', bad, '--name', 'Bad', '--owner-email', 'x@y.example']);
    assert.notEqual(r.code, 0, bad);
    assert.match(r.stderr, /Subdomain/, bad);
  }
  const chosen = await srv.cli([
    'admin', 'create-account', '--subdomain', `c${SUB_B}`, '--name', 'C', '--owner-email', 'Owner@C.example',
    '--owner-password', 'Chosen-Passw0rd',
  ]);
  assert.equal(chosen.code, 0, chosen.stderr);
  assert.match(chosen.stdout, /^Owner admin: owner@c\.example$/m);
  assert.match(chosen.stdout, /^Password: Chosen-Passw0rd$/m);
  // create-token --subdomain makes a token in that account.
  const token = await srv.cli(['admin', 'create-token', '--email', 'owner@c.example', '--subdomain', `c${SUB_B}`]);
  assert.equal(token.code, 0, token.stderr);
  const me = await srv.at(`c${SUB_B}.example.com`, { email: 'owner@c.example', token: token.stdout.trim() }).get('/api/v2/users/me.json');
  assert.equal(me.status, 200, me.text);
  assert.equal(me.json.user.email, 'owner@c.example');
});

test('the Host header picks the account; IPs, localhost and unknown subdomains get the default one', async () => {
  const meB = await B.api.get('/api/v2/users/me.json');
  assert.equal(meB.json.user.id, B.ids.owner);
  for (const host of [`${SUB_B}.example.com`, `${SUB_B.toUpperCase()}.Example.COM`, `${SUB_B}.localhost`]) {
    const r = await srv.at(host, B.auth).get('/api/v2/users/me.json');
    assert.equal(r.json?.user?.id, B.ids.owner, `${host}: ${r.text}`);
  }
  for (const host of ['127.0.0.1', 'localhost', 'nosuchaccount.example.com', 'www.example.com', '[::1]']) {
    const r = await srv.at(host, 'token').get('/api/v2/users/me.json');
    assert.equal(r.json?.user?.id, A.ids.owner, `${host}: ${r.text}`);
  }
});

test('credentials of one account are refused on another account\'s host', async () => {
  const onB = (auth, headers = {}) => srv.at(B.host, auth).get('/api/v2/users.json', { headers });
  const cases = [
    ['A password', { email: A.ids.agentEmail, password: USER_PASSWORD }],
    ['A owner API token', 'token'],
    ['A API token', { email: srv.adminEmail, token: A.ids.apiTokenSecret }],
    ['A OAuth token', { bearer: A.ids.bearer }],
  ];
  for (const [what, auth] of cases) {
    const r = await onB(auth);
    assert.equal(r.status, 401, `${what}: ${r.text}`);
  }
  const cookie = await onB('none', { Cookie: A.ids.cookie });
  assert.equal(cookie.status, 401, `A session cookie: ${cookie.text}`);
  // And the other way round: B's credentials on A's host (the default account).
  for (const host of ['127.0.0.1', 'localhost', 'unknown.example.com']) {
    const r = await srv.at(host, B.auth).get('/api/v2/users.json');
    assert.equal(r.status, 401, `B password on ${host}: ${r.text}`);
    const t = await srv.at(host, { bearer: B.ids.bearer }).get('/api/v2/users.json');
    assert.equal(t.status, 401, `B OAuth token on ${host}: ${t.text}`);
    const c = await srv.at(host, 'none').get('/api/v2/users/me/session.json', { headers: { Cookie: B.ids.cookie } });
    assert.equal(c.status, 401, `B cookie on ${host}: ${c.text}`);
  }
  // Signing in with A's credentials on B's host fails too.
  const login = await srv.at(B.host).post('/access/login', { email: A.ids.endUserEmail, password: USER_PASSWORD });
  assert.equal(login.status, 401, login.text);
  // B cannot add a file to A's pending upload (its token would attach it to A's ticket).
  const up = await srv.at(B.host, B.auth).request('POST', `/api/v2/uploads.json?filename=b.txt&token=${A.ids.uploadToken}`, {
    body: Buffer.from('from B'),
    headers: { 'Content-Type': 'application/binary' },
  });
  assert.equal(up.status, 422, up.text);
  // Impersonating one of A's users with B's impersonate token.
  const imp = await srv.at(B.host, { bearer: B.ids.bearer }).get('/api/v2/users/me.json', {
    headers: { 'X-On-Behalf-Of': A.ids.endUserEmail },
  });
  assert.equal(imp.status, 401, imp.text);
});

test('node-zendesk pointed at B sees only B', async () => {
  const zd = srv.at(B.host).client({ username: B.auth.email, password: B.auth.password });
  const lists = {
    users: await zd.users.list(),
    organizations: await zd.organizations.list(),
    groups: await zd.groups.list(),
    tickets: await zd.tickets.list(),
    user_fields: await zd.userfields.list(),
    ticket_fields: await zd.ticketfields.list(),
    sessions: await zd.sessions.list(),
  };
  const mine = {
    users: B.ids.endUser, organizations: B.ids.org, groups: B.ids.group, tickets: B.ids.ticket,
    user_fields: B.ids.userField, ticket_fields: B.ids.ticketField, sessions: B.ids.session,
  };
  for (const [key, list] of Object.entries(lists)) {
    assert.ok(Array.isArray(list), `${key}: ${JSON.stringify(list)}`);
    assert.ok(list.some((x) => x.id === mine[key]), `${key}: B's own record is listed`);
    const text = JSON.stringify(list);
    assert.ok(!text.toLowerCase().includes(MARK_A), `${key} carries A's marker`);
    const type = KEY_TYPE[key] ?? 'fields';
    assert.deepEqual(list.filter((x) => A.idSets[type]?.has(x.id)).map((x) => x.id), [], `${key}: A's ids`);
  }
  const { result: me } = await zd.users.me();
  assert.equal(me.id, B.ids.owner);
  for (const call of [() => zd.users.show(A.ids.agent), () => zd.tickets.show(A.ids.ticket), () => zd.organizations.show(A.ids.org)]) {
    await assert.rejects(call, /Zendesk Error \(404\)/);
  }
});

test('signed in to B, no route reaches A\'s data', async (t) => {
  const endCookie = await srv.at(B.host).post('/access/login', B.endAuth);
  assert.equal(endCookie.status, 200, endCookie.text);
  const endUser = srv.at(B.host, 'none');
  let csrf = endCookie.json.csrf_token;
  const endApi = {
    request: (method, p, o = {}) =>
      endUser.request(method, p, { ...o, headers: { Cookie: sessionCookieOf(endCookie), 'X-CSRF-Token': csrf } }),
    get: (p, o) => endApi.request('GET', p, o),
    renewed: (token) => {
      csrf = token;
    },
  };
  const passes = [
    // An end user signed in by a browser session, then the admin (password).
    ['end-user', endApi, A.ids, true],
    ['admin', B.api, A.ids, true],
    // B's own records in the path, A's ids in bodies and queries.
    ['admin', B.api, B.ids, false],
  ];
  const problems = [];
  let called = 0;
  for (const [role, api, pathIds, expect404] of passes) {
    const r = await sweep(api, { pathIds, aIds: A.idSets, role, expect404 });
    problems.push(...r.problems);
    called += r.called;
  }
  const withIds = routes.filter((r) => r.path.includes('{')).length;
  t.diagnostic(`${routes.length} routes (${withIds} with ids): ${called} calls, ${NOT_404.length} exceptions to 404`);
  assert.ok(called > 2 * routes.length, `called ${called} routes`);
  assert.deepEqual(problems, []);
});

test('A\'s data reads back exactly as before B\'s calls', async () => {
  const now = await snapshot(A.api, A.ids);
  for (const key of Object.keys(A.before)) {
    assert.deepEqual(now[key], A.before[key], `A's ${key} changed`);
  }
  // A's end user can still sign in on A's host (B's failed sign-ins count in B only).
  const login = await A.api.post('/access/login', { email: A.ids.endUserEmail, password: USER_PASSWORD }, { auth: 'none' });
  assert.equal(login.status, 200, login.text);
});

test('unique values are unique per account: B may reuse A\'s emails, names and keys', async () => {
  const m = MARK_A;
  const created = [
    ['/api/v2/users.json', { user: { name: 'Same email', email: A.ids.endUserEmail, external_id: A.ids.endUserExt } }],
    ['/api/v2/organizations.json', { organization: { name: `${m} org`, external_id: `${m}-org`, domain_names: [`${m}.example`] } }],
    ['/api/v2/user_fields.json', { user_field: { type: 'text', key: `${m}_nick`, title: 'Same key' } }],
    ['/api/v2/oauth/clients.json', { client: { name: 'Same', identifier: `${m}_app` } }],
    ['/api/v2/tickets.json', { ticket: { subject: 'Same', comment: { body: 'x' }, external_id: `${m}-ticket` } }],
  ];
  for (const [path, body] of created) {
    const r = await B.api.post(path, body);
    assert.equal(r.status, 201, `${path}: ${r.text}`);
  }
});
