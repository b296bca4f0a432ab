#include "comptoir/storage_sql/migrations.hpp"

namespace comptoir::sql {

namespace {

// Migration 1: accounts and people. Every table carries account_id; booleans are
// integers 0/1, times are Unix seconds, lists and maps are JSON text.
constexpr const char* kPeople = R"SQL(
CREATE TABLE accounts (
  id {{ID}},
  name TEXT NOT NULL,
  settings TEXT NOT NULL DEFAULT '{}',
  created_at BIGINT NOT NULL
);
CREATE TABLE users (
  id {{ID}},
  account_id BIGINT NOT NULL REFERENCES accounts(id),
  name TEXT NOT NULL,
  email TEXT,
  phone TEXT,
  role INTEGER NOT NULL,
  custom_role_id BIGINT,
  organization_id BIGINT,
  default_group_id BIGINT,
  external_id TEXT,
  alias TEXT NOT NULL DEFAULT '',
  details TEXT NOT NULL DEFAULT '',
  notes TEXT NOT NULL DEFAULT '',
  signature TEXT NOT NULL DEFAULT '',
  locale TEXT NOT NULL,
  time_zone TEXT NOT NULL,
  active INTEGER NOT NULL,
  suspended INTEGER NOT NULL,
  verified INTEGER NOT NULL,
  shared INTEGER NOT NULL,
  moderator INTEGER NOT NULL,
  only_private_comments INTEGER NOT NULL,
  restricted_agent INTEGER NOT NULL,
  tags TEXT NOT NULL DEFAULT '[]',
  user_fields TEXT NOT NULL DEFAULT '{}',
  password_hash TEXT NOT NULL DEFAULT '',
  password_changed_at BIGINT NOT NULL DEFAULT 0,
  last_login_at BIGINT NOT NULL DEFAULT 0,
  merged_into_id BIGINT,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX users_external_id ON users(account_id, external_id);
CREATE INDEX users_role ON users(account_id, role, id);
CREATE INDEX users_email ON users(account_id, email);
CREATE INDEX users_name ON users(account_id, name);
CREATE TABLE user_identities (
  id {{ID}},
  account_id BIGINT NOT NULL,
  user_id BIGINT NOT NULL REFERENCES users(id),
  type INTEGER NOT NULL,
  value TEXT NOT NULL,
  verified INTEGER NOT NULL,
  is_primary INTEGER NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX user_identities_value ON user_identities(account_id, type, value);
CREATE INDEX user_identities_user ON user_identities(account_id, user_id);
CREATE TABLE organizations (
  id {{ID}},
  account_id BIGINT NOT NULL,
  name TEXT NOT NULL,
  name_key TEXT NOT NULL,
  external_id TEXT,
  details TEXT NOT NULL DEFAULT '',
  notes TEXT NOT NULL DEFAULT '',
  group_id BIGINT,
  shared_tickets INTEGER NOT NULL,
  shared_comments INTEGER NOT NULL,
  tags TEXT NOT NULL DEFAULT '[]',
  domain_names TEXT NOT NULL DEFAULT '[]',
  organization_fields TEXT NOT NULL DEFAULT '{}',
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX organizations_name ON organizations(account_id, name_key);
CREATE UNIQUE INDEX organizations_external_id ON organizations(account_id, external_id);
CREATE TABLE organization_domains (
  account_id BIGINT NOT NULL,
  domain TEXT NOT NULL,
  organization_id BIGINT NOT NULL REFERENCES organizations(id),
  PRIMARY KEY (account_id, domain)
);
CREATE INDEX organization_domains_org ON organization_domains(organization_id);
CREATE TABLE organization_memberships (
  id {{ID}},
  account_id BIGINT NOT NULL,
  user_id BIGINT NOT NULL REFERENCES users(id),
  organization_id BIGINT NOT NULL REFERENCES organizations(id),
  is_default INTEGER NOT NULL,
  view_tickets INTEGER NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX organization_memberships_pair
  ON organization_memberships(account_id, user_id, organization_id);
CREATE INDEX organization_memberships_org ON organization_memberships(account_id, organization_id);
CREATE TABLE groups (
  id {{ID}},
  account_id BIGINT NOT NULL,
  name TEXT NOT NULL,
  description TEXT NOT NULL DEFAULT '',
  is_default INTEGER NOT NULL,
  is_public INTEGER NOT NULL,
  deleted INTEGER NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE TABLE group_memberships (
  id {{ID}},
  account_id BIGINT NOT NULL,
  user_id BIGINT NOT NULL REFERENCES users(id),
  group_id BIGINT NOT NULL REFERENCES groups(id),
  is_default INTEGER NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX group_memberships_pair ON group_memberships(account_id, user_id, group_id);
CREATE INDEX group_memberships_group ON group_memberships(account_id, group_id);
CREATE TABLE custom_roles (
  id {{ID}},
  account_id BIGINT NOT NULL,
  name TEXT NOT NULL,
  description TEXT NOT NULL DEFAULT '',
  ticket_access INTEGER NOT NULL,
  end_user_profile_edit INTEGER NOT NULL,
  configuration TEXT NOT NULL DEFAULT '{}',
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE TABLE custom_fields (
  id {{ID}},
  account_id BIGINT NOT NULL,
  owner INTEGER NOT NULL,
  field_key TEXT NOT NULL,
  type TEXT NOT NULL,
  title TEXT NOT NULL,
  description TEXT NOT NULL DEFAULT '',
  position INTEGER NOT NULL,
  active INTEGER NOT NULL,
  regexp_for_validation TEXT NOT NULL DEFAULT '',
  tag TEXT NOT NULL DEFAULT '',
  options TEXT NOT NULL DEFAULT '[]',
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX custom_fields_key ON custom_fields(account_id, owner, field_key);
CREATE TABLE api_tokens (
  id {{ID}},
  account_id BIGINT NOT NULL,
  user_id BIGINT NOT NULL REFERENCES users(id),
  token_hash TEXT NOT NULL UNIQUE,
  description TEXT NOT NULL DEFAULT '',
  active INTEGER NOT NULL,
  created_at BIGINT NOT NULL
);
CREATE TABLE oauth_clients (
  id {{ID}},
  account_id BIGINT NOT NULL,
  user_id BIGINT NOT NULL,
  name TEXT NOT NULL,
  identifier TEXT NOT NULL,
  secret_hash TEXT NOT NULL,
  description TEXT NOT NULL DEFAULT '',
  redirect_uri TEXT NOT NULL DEFAULT '[]',
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX oauth_clients_identifier ON oauth_clients(account_id, identifier);
CREATE TABLE oauth_tokens (
  id {{ID}},
  account_id BIGINT NOT NULL,
  client_id BIGINT NOT NULL REFERENCES oauth_clients(id),
  user_id BIGINT NOT NULL REFERENCES users(id),
  token_hash TEXT NOT NULL UNIQUE,
  scopes TEXT NOT NULL DEFAULT '[]',
  created_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL
);
CREATE TABLE job_statuses (
  id TEXT PRIMARY KEY,
  account_id BIGINT NOT NULL,
  user_id BIGINT NOT NULL,
  kind TEXT NOT NULL,
  payload TEXT NOT NULL,
  status TEXT NOT NULL,
  total INTEGER NOT NULL,
  progress INTEGER NOT NULL,
  message TEXT NOT NULL DEFAULT '',
  results TEXT NOT NULL DEFAULT '',
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX job_statuses_status ON job_statuses(status, created_at);
CREATE INDEX job_statuses_account ON job_statuses(account_id, created_at);
CREATE TABLE audit_logs (
  id {{ID}},
  account_id BIGINT NOT NULL,
  actor_id BIGINT NOT NULL,
  source_type TEXT NOT NULL,
  source_id BIGINT NOT NULL,
  source_label TEXT NOT NULL DEFAULT '',
  action TEXT NOT NULL,
  change_description TEXT NOT NULL DEFAULT '',
  ip_address TEXT NOT NULL DEFAULT '',
  created_at BIGINT NOT NULL
);
CREATE INDEX audit_logs_source ON audit_logs(account_id, source_type, source_id);
)SQL";

// Migration 2: tickets, their comments, audits and attachments, custom ticket fields
// and forms. Tags and collaborators are kept as JSON on the ticket for rendering and in
// side tables for lookups (per-tag counts, "tickets I am copied on").
constexpr const char* kTickets = R"SQL(
CREATE TABLE tickets (
  id {{ID}},
  account_id BIGINT NOT NULL,
  external_id TEXT,
  subject TEXT NOT NULL DEFAULT '',
  raw_subject TEXT NOT NULL DEFAULT '',
  description TEXT NOT NULL DEFAULT '',
  recipient TEXT NOT NULL DEFAULT '',
  status INTEGER NOT NULL,
  priority INTEGER NOT NULL,
  type INTEGER NOT NULL,
  requester_id BIGINT NOT NULL,
  submitter_id BIGINT NOT NULL,
  assignee_id BIGINT,
  organization_id BIGINT,
  group_id BIGINT,
  brand_id BIGINT,
  ticket_form_id BIGINT,
  problem_id BIGINT,
  collaborator_ids TEXT NOT NULL DEFAULT '[]',
  follower_ids TEXT NOT NULL DEFAULT '[]',
  email_cc_ids TEXT NOT NULL DEFAULT '[]',
  tags TEXT NOT NULL DEFAULT '[]',
  custom_fields TEXT NOT NULL DEFAULT '[]',
  via_channel TEXT NOT NULL,
  via_source TEXT NOT NULL DEFAULT '',
  is_public INTEGER NOT NULL,
  due_at BIGINT NOT NULL DEFAULT 0,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  solved_at BIGINT NOT NULL DEFAULT 0,
  deleted_at BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX tickets_live ON tickets(account_id, deleted_at, id);
CREATE INDEX tickets_requester ON tickets(account_id, requester_id, id);
CREATE INDEX tickets_submitter ON tickets(account_id, submitter_id);
CREATE INDEX tickets_assignee ON tickets(account_id, assignee_id, id);
CREATE INDEX tickets_organization ON tickets(account_id, organization_id, id);
CREATE INDEX tickets_group ON tickets(account_id, group_id, id);
CREATE INDEX tickets_status ON tickets(account_id, status, id);
CREATE INDEX tickets_updated ON tickets(account_id, updated_at);
CREATE INDEX tickets_problem ON tickets(account_id, problem_id);
CREATE UNIQUE INDEX tickets_external_id ON tickets(account_id, external_id);
CREATE TABLE ticket_collaborators (
  account_id BIGINT NOT NULL,
  ticket_id BIGINT NOT NULL REFERENCES tickets(id),
  user_id BIGINT NOT NULL,
  kind INTEGER NOT NULL,
  PRIMARY KEY (account_id, ticket_id, kind, user_id)
);
CREATE INDEX ticket_collaborators_user ON ticket_collaborators(account_id, user_id, kind, ticket_id);
CREATE TABLE ticket_tags (
  account_id BIGINT NOT NULL,
  ticket_id BIGINT NOT NULL REFERENCES tickets(id),
  tag TEXT NOT NULL,
  PRIMARY KEY (account_id, ticket_id, tag)
);
CREATE INDEX ticket_tags_tag ON ticket_tags(account_id, tag);
CREATE TABLE ticket_audits (
  id {{ID}},
  account_id BIGINT NOT NULL,
  ticket_id BIGINT NOT NULL REFERENCES tickets(id),
  author_id BIGINT NOT NULL,
  via_channel TEXT NOT NULL,
  via_source TEXT NOT NULL DEFAULT '',
  metadata TEXT NOT NULL DEFAULT '{}',
  events TEXT NOT NULL DEFAULT '[]',
  created_at BIGINT NOT NULL
);
CREATE INDEX ticket_audits_ticket ON ticket_audits(account_id, ticket_id, id);
CREATE INDEX ticket_audits_author ON ticket_audits(account_id, author_id);
CREATE TABLE ticket_comments (
  id {{ID}},
  account_id BIGINT NOT NULL,
  ticket_id BIGINT NOT NULL REFERENCES tickets(id),
  audit_id BIGINT NOT NULL,
  author_id BIGINT NOT NULL,
  body TEXT NOT NULL,
  html_body TEXT NOT NULL,
  plain_body TEXT NOT NULL,
  is_public INTEGER NOT NULL,
  via_channel TEXT NOT NULL,
  metadata TEXT NOT NULL DEFAULT '{}',
  created_at BIGINT NOT NULL
);
CREATE INDEX ticket_comments_ticket ON ticket_comments(account_id, ticket_id, id);
CREATE INDEX ticket_comments_author ON ticket_comments(account_id, author_id);
CREATE INDEX ticket_comments_audit ON ticket_comments(account_id, audit_id);
CREATE TABLE attachments (
  id {{ID}},
  account_id BIGINT NOT NULL,
  upload_token TEXT NOT NULL,
  comment_id BIGINT,
  ticket_id BIGINT,
  uploader_id BIGINT NOT NULL,
  file_name TEXT NOT NULL,
  content_type TEXT NOT NULL,
  content_hash TEXT NOT NULL,
  size BIGINT NOT NULL,
  is_inline INTEGER NOT NULL,
  redacted INTEGER NOT NULL,
  created_at BIGINT NOT NULL
);
CREATE INDEX attachments_token ON attachments(account_id, upload_token);
CREATE INDEX attachments_comment ON attachments(account_id, comment_id);
CREATE INDEX attachments_hash ON attachments(content_hash);
CREATE INDEX attachments_ticket ON attachments(account_id, ticket_id);
CREATE INDEX attachments_unclaimed ON attachments(comment_id, created_at);
CREATE TABLE ticket_fields (
  id {{ID}},
  account_id BIGINT NOT NULL,
  type TEXT NOT NULL,
  title TEXT NOT NULL,
  description TEXT NOT NULL DEFAULT '',
  title_in_portal TEXT NOT NULL DEFAULT '',
  position INTEGER NOT NULL,
  active INTEGER NOT NULL,
  required INTEGER NOT NULL,
  required_in_portal INTEGER NOT NULL,
  visible_in_portal INTEGER NOT NULL,
  editable_in_portal INTEGER NOT NULL,
  removable INTEGER NOT NULL,
  agent_can_edit INTEGER NOT NULL,
  regexp_for_validation TEXT NOT NULL DEFAULT '',
  tag TEXT NOT NULL DEFAULT '',
  options TEXT NOT NULL DEFAULT '[]',
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE TABLE ticket_forms (
  id {{ID}},
  account_id BIGINT NOT NULL,
  name TEXT NOT NULL,
  display_name TEXT NOT NULL DEFAULT '',
  position INTEGER NOT NULL,
  active INTEGER NOT NULL,
  is_default INTEGER NOT NULL,
  end_user_visible INTEGER NOT NULL,
  in_all_brands INTEGER NOT NULL,
  ticket_field_ids TEXT NOT NULL DEFAULT '[]',
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
)SQL";

// Migration 3: running several nodes on one database. Accounts get a subdomain (the
// Host header picks the account); browser sessions and failed sign-ins live in the
// database so that every node sees them; `cluster_nodes` is the registry of live nodes
// (heartbeats), `cluster_periods` makes a periodic task run once per period across the
// cluster (the first node to insert the period runs it), and `queued_jobs` is the
// leased job queue (FOR UPDATE SKIP LOCKED on PostgreSQL; a dead node's lease expires).
constexpr const char* kCluster = R"SQL(
ALTER TABLE accounts ADD COLUMN subdomain TEXT;
CREATE UNIQUE INDEX accounts_subdomain ON accounts(subdomain);
CREATE TABLE sessions (
  id {{ID}},
  account_id BIGINT NOT NULL,
  user_id BIGINT NOT NULL REFERENCES users(id),
  token_hash TEXT NOT NULL UNIQUE,
  csrf_token TEXT NOT NULL,
  ip_address TEXT NOT NULL DEFAULT '',
  user_agent TEXT NOT NULL DEFAULT '',
  created_at BIGINT NOT NULL,
  last_seen_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL
);
CREATE INDEX sessions_user ON sessions(account_id, user_id);
CREATE TABLE sign_in_failures (
  id {{ID}},
  account_id BIGINT NOT NULL,
  key_hash TEXT NOT NULL,
  created_at BIGINT NOT NULL
);
CREATE INDEX sign_in_failures_key ON sign_in_failures(account_id, key_hash, created_at);
CREATE TABLE cluster_nodes (
  id TEXT PRIMARY KEY,
  hostname TEXT NOT NULL,
  pid BIGINT NOT NULL,
  version TEXT NOT NULL,
  started_at BIGINT NOT NULL,
  heartbeat_at BIGINT NOT NULL
);
CREATE TABLE cluster_periods (
  task TEXT NOT NULL,
  period_start BIGINT NOT NULL,
  node_id TEXT NOT NULL,
  started_at BIGINT NOT NULL,
  finished_at BIGINT,
  PRIMARY KEY (task, period_start)
);
CREATE TABLE queued_jobs (
  id {{ID}},
  account_id BIGINT NOT NULL,
  kind TEXT NOT NULL,
  payload TEXT NOT NULL,
  idempotency_key TEXT NOT NULL,
  status TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  max_attempts INTEGER NOT NULL,
  run_at BIGINT NOT NULL,
  lease_owner TEXT,
  lease_expires_at BIGINT,
  last_error TEXT NOT NULL DEFAULT '',
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX queued_jobs_key ON queued_jobs(account_id, idempotency_key);
CREATE INDEX queued_jobs_ready ON queued_jobs(status, run_at);
)SQL";

// Migration 4: views and automations. Tickets get the times that time-based rules
// measure from (existing rows start from what they have: the status and assignee as of
// their last update, the requester as of creation); indexes that let a view page in
// updated_at / created_at order (carrying the status, so that skipping closed tickets
// stays in the index; they replace tickets_updated) and the automation sweep find its
// candidates without a full scan. `tickets_grouped` is partial (tickets with a group):
// its statistics stay true when most tickets have none, so "in your groups" views use
// it. `automation_firings` remembers which automation fired on which ticket and for
// which state of it (`period`: the ticket's updated_at before the firing, `result_at`:
// after it), so that each automation fires at most once per matching period.
constexpr const char* kViews = R"SQL(
ALTER TABLE tickets ADD COLUMN status_updated_at BIGINT NOT NULL DEFAULT 0;
ALTER TABLE tickets ADD COLUMN initially_assigned_at BIGINT NOT NULL DEFAULT 0;
ALTER TABLE tickets ADD COLUMN assigned_at BIGINT NOT NULL DEFAULT 0;
ALTER TABLE tickets ADD COLUMN requester_updated_at BIGINT NOT NULL DEFAULT 0;
ALTER TABLE tickets ADD COLUMN assignee_updated_at BIGINT NOT NULL DEFAULT 0;
ALTER TABLE tickets ADD COLUMN reopens INTEGER NOT NULL DEFAULT 0;
ALTER TABLE tickets ADD COLUMN replies INTEGER NOT NULL DEFAULT 0;
ALTER TABLE tickets ADD COLUMN satisfaction_score TEXT NOT NULL DEFAULT 'unoffered';
UPDATE tickets SET status_updated_at = updated_at, requester_updated_at = created_at,
  initially_assigned_at = CASE WHEN assignee_id IS NULL THEN 0 ELSE updated_at END,
  assigned_at = CASE WHEN assignee_id IS NULL THEN 0 ELSE updated_at END;
DROP INDEX tickets_updated;
CREATE INDEX tickets_live_updated ON tickets(account_id, deleted_at, updated_at, status);
CREATE INDEX tickets_live_created ON tickets(account_id, deleted_at, created_at, status);
CREATE INDEX tickets_live_status ON tickets(account_id, deleted_at, status, updated_at);
CREATE INDEX tickets_status_since ON tickets(account_id, status, status_updated_at);
CREATE INDEX tickets_live_solved ON tickets(account_id, deleted_at, solved_at);
CREATE INDEX tickets_grouped ON tickets(account_id, group_id, status)
  WHERE group_id IS NOT NULL;
CREATE TABLE views (
  id {{ID}},
  account_id BIGINT NOT NULL,
  title TEXT NOT NULL,
  raw_title TEXT NOT NULL DEFAULT '',
  description TEXT NOT NULL DEFAULT '',
  active INTEGER NOT NULL,
  is_default INTEGER NOT NULL,
  position INTEGER NOT NULL,
  restriction_type INTEGER NOT NULL,
  restriction_ids TEXT NOT NULL DEFAULT '[]',
  conditions TEXT NOT NULL DEFAULT '{}',
  output TEXT NOT NULL DEFAULT '{}',
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX views_account ON views(account_id, position, id);
CREATE TABLE automations (
  id {{ID}},
  account_id BIGINT NOT NULL,
  title TEXT NOT NULL,
  raw_title TEXT NOT NULL DEFAULT '',
  active INTEGER NOT NULL,
  is_default INTEGER NOT NULL,
  position INTEGER NOT NULL,
  conditions TEXT NOT NULL DEFAULT '{}',
  actions TEXT NOT NULL DEFAULT '[]',
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX automations_account ON automations(account_id, position, id);
CREATE TABLE automation_firings (
  account_id BIGINT NOT NULL,
  automation_id BIGINT NOT NULL,
  ticket_id BIGINT NOT NULL,
  period BIGINT NOT NULL,
  result_at BIGINT NOT NULL,
  fired_at BIGINT NOT NULL,
  PRIMARY KEY (account_id, automation_id, ticket_id, period)
);
CREATE INDEX automation_firings_ticket ON automation_firings(account_id, ticket_id);
)SQL";

// Triggers (issue 5): categories and the rules themselves; conditions and actions are
// Zendesk's JSON, stored as text.
constexpr const char* kTriggers = R"SQL(
CREATE TABLE trigger_categories (
  id {{ID}},
  account_id BIGINT NOT NULL,
  name TEXT NOT NULL,
  position INTEGER NOT NULL DEFAULT 0,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX trigger_categories_account ON trigger_categories(account_id, position);
CREATE TABLE triggers (
  id {{ID}},
  account_id BIGINT NOT NULL,
  title TEXT NOT NULL,
  raw_title TEXT NOT NULL DEFAULT '',
  description TEXT NOT NULL DEFAULT '',
  active INTEGER NOT NULL DEFAULT 1,
  is_default INTEGER NOT NULL DEFAULT 0,
  position INTEGER NOT NULL DEFAULT 0,
  category_id BIGINT NOT NULL DEFAULT 0,
  conditions TEXT NOT NULL,
  actions TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX triggers_account ON triggers(account_id, position);
)SQL";

// Migration 6: side effects — webhooks with their invocations and attempts (the circuit
// breaker's state is on the webhook row, shared by every node), legacy targets and their
// failures, the account's e-mail (SMTP) settings and templates, the e-mails sent per
// ticket (Message-IDs for threading) and agent broadcasts with their recipients.
constexpr const char* kDelivery = R"SQL(
CREATE TABLE webhooks (
  id {{ID}},
  account_id BIGINT NOT NULL,
  name TEXT NOT NULL,
  description TEXT NOT NULL DEFAULT '',
  status TEXT NOT NULL,
  endpoint TEXT NOT NULL,
  http_method TEXT NOT NULL,
  request_format TEXT NOT NULL,
  subscriptions TEXT NOT NULL DEFAULT '[]',
  authentication TEXT NOT NULL DEFAULT '',
  custom_headers TEXT NOT NULL DEFAULT '{}',
  signing_secret TEXT NOT NULL,
  consecutive_failures INTEGER NOT NULL DEFAULT 0,
  circuit_open_until BIGINT NOT NULL DEFAULT 0,
  created_by BIGINT,
  updated_by BIGINT,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX webhooks_account ON webhooks(account_id, id);
CREATE TABLE webhook_invocations (
  id {{ID}},
  account_id BIGINT NOT NULL,
  webhook_id BIGINT NOT NULL,
  source TEXT NOT NULL DEFAULT '{}',
  status TEXT NOT NULL,
  latest_status_code INTEGER NOT NULL DEFAULT 0,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX webhook_invocations_webhook ON webhook_invocations(account_id, webhook_id, id);
CREATE TABLE webhook_attempts (
  id {{ID}},
  account_id BIGINT NOT NULL,
  invocation_id BIGINT NOT NULL,
  status TEXT NOT NULL,
  status_code INTEGER NOT NULL DEFAULT 0,
  duration_ms BIGINT NOT NULL DEFAULT 0,
  response TEXT NOT NULL DEFAULT '{}',
  created_at BIGINT NOT NULL
);
CREATE INDEX webhook_attempts_invocation ON webhook_attempts(account_id, invocation_id, id);
CREATE TABLE targets (
  id {{ID}},
  account_id BIGINT NOT NULL,
  type TEXT NOT NULL,
  title TEXT NOT NULL,
  active INTEGER NOT NULL,
  config TEXT NOT NULL DEFAULT '{}',
  created_at BIGINT NOT NULL
);
CREATE INDEX targets_account ON targets(account_id, id);
CREATE TABLE target_failures (
  id {{ID}},
  account_id BIGINT NOT NULL,
  target_id BIGINT NOT NULL,
  status_code INTEGER NOT NULL DEFAULT 0,
  raw_request TEXT NOT NULL DEFAULT '',
  raw_response TEXT NOT NULL DEFAULT '',
  created_at BIGINT NOT NULL
);
CREATE INDEX target_failures_account ON target_failures(account_id, id);
CREATE TABLE email_settings (
  account_id BIGINT PRIMARY KEY,
  smtp_host TEXT NOT NULL DEFAULT '',
  smtp_port INTEGER NOT NULL,
  security TEXT NOT NULL,
  username TEXT NOT NULL DEFAULT '',
  password TEXT NOT NULL DEFAULT '',
  support_address TEXT NOT NULL DEFAULT '',
  from_name TEXT NOT NULL DEFAULT '',
  html_template TEXT NOT NULL DEFAULT '',
  text_template TEXT NOT NULL DEFAULT '',
  updated_at BIGINT NOT NULL
);
CREATE TABLE sent_emails (
  id {{ID}},
  account_id BIGINT NOT NULL,
  ticket_id BIGINT NOT NULL,
  message_id TEXT NOT NULL,
  recipient TEXT NOT NULL,
  subject TEXT NOT NULL DEFAULT '',
  created_at BIGINT NOT NULL
);
CREATE INDEX sent_emails_ticket ON sent_emails(account_id, ticket_id, id);
CREATE UNIQUE INDEX sent_emails_message ON sent_emails(account_id, message_id);
CREATE TABLE agent_broadcasts (
  id {{ID}},
  account_id BIGINT NOT NULL,
  author_id BIGINT NOT NULL,
  subject TEXT NOT NULL,
  message TEXT NOT NULL,
  group_ids TEXT NOT NULL DEFAULT '[]',
  created_at BIGINT NOT NULL
);
CREATE TABLE agent_broadcast_recipients (
  account_id BIGINT NOT NULL,
  broadcast_id BIGINT NOT NULL,
  user_id BIGINT NOT NULL,
  read_at BIGINT NOT NULL DEFAULT 0,
  PRIMARY KEY (broadcast_id, user_id)
);
CREATE INDEX agent_broadcast_recipients_user ON agent_broadcast_recipients(account_id, user_id, broadcast_id);
)SQL";

// Migration 7: macros (reference §3.7). The restriction is a type ("" everybody, "Group",
// "User") and its ids as JSON text; actions are Zendesk's JSON text.
constexpr const char* kMacros = R"SQL(
CREATE TABLE macros (
  id {{ID}},
  account_id BIGINT NOT NULL,
  title TEXT NOT NULL,
  raw_title TEXT NOT NULL DEFAULT '',
  description TEXT NOT NULL DEFAULT '',
  active INTEGER NOT NULL DEFAULT 1,
  is_default INTEGER NOT NULL DEFAULT 0,
  position INTEGER NOT NULL DEFAULT 0,
  restriction_type TEXT NOT NULL DEFAULT '',
  restriction_ids TEXT NOT NULL DEFAULT '[]',
  actions TEXT NOT NULL,
  usage_count BIGINT NOT NULL DEFAULT 0,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX macros_account ON macros(account_id, position);
)SQL";

// Migration 8: business-hours schedules (reference §3.9). The zone is an IANA name,
// intervals JSON text [[start, end], …] in minutes since Sunday 00:00 local; holidays are
// whole local dates. A ticket's schedule (set by a trigger) is schedule_id; NULL means the
// account's default schedule (the first by position, then id).
constexpr const char* kSchedules = R"SQL(
CREATE TABLE schedules (
  id {{ID}},
  account_id BIGINT NOT NULL,
  name TEXT NOT NULL,
  time_zone TEXT NOT NULL,
  intervals TEXT NOT NULL DEFAULT '[]',
  position INTEGER NOT NULL DEFAULT 0,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX schedules_account ON schedules(account_id, position, id);
CREATE TABLE schedule_holidays (
  id {{ID}},
  account_id BIGINT NOT NULL,
  schedule_id BIGINT NOT NULL,
  name TEXT NOT NULL,
  start_date TEXT NOT NULL,
  end_date TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX schedule_holidays_schedule ON schedule_holidays(account_id, schedule_id, start_date);
ALTER TABLE tickets ADD COLUMN schedule_id BIGINT;
)SQL";

// Migration 11: SLA policies (reference §3.8), each ticket's SLA clocks (JSON state
// owned by the services' SLA engine) and the ticket metric events (§2.16); the ticket's
// next and last breach are copied to the tickets table for views and rules (0 = none).
constexpr const char* kSlas = R"SQL(
CREATE TABLE sla_policies (
  id {{ID}},
  account_id BIGINT NOT NULL,
  title TEXT NOT NULL,
  description TEXT NOT NULL DEFAULT '',
  position INTEGER NOT NULL DEFAULT 0,
  filter TEXT NOT NULL,
  policy_metrics TEXT NOT NULL DEFAULT '[]',
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX sla_policies_account ON sla_policies(account_id, position, id);
CREATE TABLE ticket_slas (
  account_id BIGINT NOT NULL,
  ticket_id BIGINT NOT NULL,
  policy_id BIGINT NOT NULL DEFAULT 0,
  state TEXT NOT NULL,
  next_breach_at BIGINT NOT NULL DEFAULT 0,
  last_breach_at BIGINT NOT NULL DEFAULT 0,
  PRIMARY KEY (account_id, ticket_id)
);
CREATE INDEX ticket_slas_open ON ticket_slas(account_id, ticket_id) WHERE next_breach_at > 0;
CREATE TABLE ticket_metric_events (
  id {{ID}},
  account_id BIGINT NOT NULL,
  ticket_id BIGINT NOT NULL,
  metric TEXT NOT NULL,
  instance_id INTEGER NOT NULL,
  type TEXT NOT NULL,
  time BIGINT NOT NULL,
  extra TEXT NOT NULL DEFAULT ''
);
CREATE INDEX ticket_metric_events_time ON ticket_metric_events(account_id, time, id);
CREATE INDEX ticket_metric_events_ticket ON ticket_metric_events(account_id, ticket_id, id);
ALTER TABLE tickets ADD COLUMN sla_next_breach_at BIGINT NOT NULL DEFAULT 0;
ALTER TABLE tickets ADD COLUMN sla_last_breach_at BIGINT NOT NULL DEFAULT 0;
CREATE INDEX tickets_sla_next_breach ON tickets(account_id, sla_next_breach_at) WHERE sla_next_breach_at > 0;
)SQL";

// Migration 10: incremental exports and ticket metric sets. generated_timestamp is a
// ticket's position in the export stream (every write moves it to the write's second, see
// tickets_sql.cpp); existing tickets start at their last update or deletion. Users and
// organisations stream on updated_at, audits (ticket events) on created_at. One metric
// set per ticket; durations in seconds, -1 = not reached (rendered null). Existing
// tickets get a set from what the ticket row stores (see src/services/README.md).
constexpr const char* kExports = R"SQL(
ALTER TABLE tickets ADD COLUMN generated_timestamp BIGINT NOT NULL DEFAULT 0;
UPDATE tickets SET generated_timestamp = CASE WHEN deleted_at > updated_at THEN deleted_at ELSE updated_at END;
CREATE INDEX tickets_generated ON tickets(account_id, generated_timestamp, id);
CREATE INDEX users_updated ON users(account_id, updated_at, id);
CREATE INDEX organizations_updated ON organizations(account_id, updated_at, id);
CREATE INDEX ticket_audits_created ON ticket_audits(account_id, created_at, id);
CREATE TABLE ticket_metric_sets (
  id {{ID}},
  account_id BIGINT NOT NULL,
  ticket_id BIGINT NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  reopens INTEGER NOT NULL DEFAULT 0,
  replies INTEGER NOT NULL DEFAULT 0,
  assignee_stations INTEGER NOT NULL DEFAULT 0,
  group_stations INTEGER NOT NULL DEFAULT 0,
  assigned_at BIGINT NOT NULL DEFAULT 0,
  initially_assigned_at BIGINT NOT NULL DEFAULT 0,
  solved_at BIGINT NOT NULL DEFAULT 0,
  status_updated_at BIGINT NOT NULL DEFAULT 0,
  latest_comment_added_at BIGINT NOT NULL DEFAULT 0,
  requester_updated_at BIGINT NOT NULL DEFAULT 0,
  assignee_updated_at BIGINT NOT NULL DEFAULT 0,
  custom_status_updated_at BIGINT NOT NULL DEFAULT 0,
  reply_cal BIGINT NOT NULL DEFAULT -1,
  reply_bus BIGINT NOT NULL DEFAULT -1,
  first_resolution_cal BIGINT NOT NULL DEFAULT -1,
  first_resolution_bus BIGINT NOT NULL DEFAULT -1,
  full_resolution_cal BIGINT NOT NULL DEFAULT -1,
  full_resolution_bus BIGINT NOT NULL DEFAULT -1,
  agent_wait_cal BIGINT NOT NULL DEFAULT 0,
  agent_wait_bus BIGINT NOT NULL DEFAULT 0,
  requester_wait_cal BIGINT NOT NULL DEFAULT 0,
  requester_wait_bus BIGINT NOT NULL DEFAULT 0,
  on_hold_cal BIGINT NOT NULL DEFAULT 0,
  on_hold_bus BIGINT NOT NULL DEFAULT 0,
  status INTEGER NOT NULL DEFAULT 0,
  status_since BIGINT NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX ticket_metric_sets_ticket ON ticket_metric_sets(account_id, ticket_id);
CREATE INDEX ticket_metric_sets_account ON ticket_metric_sets(account_id, id);
INSERT INTO ticket_metric_sets (account_id, ticket_id, created_at, updated_at, reopens, replies,
  assignee_stations, group_stations, assigned_at, initially_assigned_at, solved_at,
  status_updated_at, latest_comment_added_at, requester_updated_at, assignee_updated_at,
  custom_status_updated_at, first_resolution_cal, first_resolution_bus, full_resolution_cal,
  full_resolution_bus, status, status_since)
SELECT account_id, id, created_at, updated_at, reopens, replies,
  CASE WHEN initially_assigned_at > 0 THEN 1 ELSE 0 END,
  CASE WHEN group_id IS NOT NULL THEN 1 ELSE 0 END,
  assigned_at, initially_assigned_at, solved_at, status_updated_at,
  COALESCE((SELECT MAX(c.created_at) FROM ticket_comments c WHERE c.account_id = tickets.account_id AND c.ticket_id = tickets.id), 0),
  requester_updated_at, assignee_updated_at, status_updated_at,
  CASE WHEN solved_at > 0 THEN solved_at - created_at ELSE -1 END,
  CASE WHEN solved_at > 0 THEN solved_at - created_at ELSE -1 END,
  CASE WHEN solved_at > 0 THEN solved_at - created_at ELSE -1 END,
  CASE WHEN solved_at > 0 THEN solved_at - created_at ELSE -1 END,
  status, status_updated_at
FROM tickets;
)SQL";

// Migration 9: full-text search. The text is folded and split into words before it is
// written (search::IndexText), so the tables hold words separated by spaces. SQLite: FTS5
// tables whose rowid is the record's id (tickets: subject, public comments, private
// comments kept apart). PostgreSQL: tsvector columns ('simple': no stemming, no stop
// words) with GIN indexes. Rows that exist before this migration are indexed by the
// start-up backfill (SearchService::Backfill), which folds with the same code.
// SQLite tickets also carry `meta`: their filterable attributes as tokens (xa<account>,
// xs<status>, xp<priority>, xt<type>, xg<group id>|xgn), so that filters intersect posting
// lists in FTS5; the trigger rewrites it in the same transaction as any ticket write that
// changes one, and tickets_search_filters checks the exact filters on a narrow row.
// Databases indexed before `meta` existed: scripts/reindex-search-sqlite.
constexpr const char* kSearchSqlite = R"SQL(
CREATE VIRTUAL TABLE ticket_fts USING fts5(subject, public_text, private_text, meta,
  tokenize = 'unicode61 remove_diacritics 0');
CREATE TRIGGER tickets_fts_meta AFTER UPDATE OF account_id, status, priority, type, group_id
  ON tickets BEGIN
  UPDATE ticket_fts SET meta = 'xa' || NEW.account_id || ' xs' || NEW.status || ' xp' ||
    NEW.priority || ' xt' || NEW.type || ' xg' || COALESCE(NEW.group_id, 'n')
    WHERE rowid = NEW.id;
END;
CREATE INDEX tickets_search_filters ON tickets(id, account_id, deleted_at, status, group_id,
  priority, type, organization_id, assignee_id, requester_id, is_public, created_at);
CREATE VIRTUAL TABLE user_fts USING fts5(name, body, tokenize = 'unicode61 remove_diacritics 0');
CREATE VIRTUAL TABLE organization_fts USING fts5(name, body,
  tokenize = 'unicode61 remove_diacritics 0');
CREATE INDEX tickets_created ON tickets(account_id, created_at);
)SQL";

constexpr const char* kSearchPostgres = R"SQL(
CREATE TABLE ticket_search (
  ticket_id BIGINT PRIMARY KEY,
  account_id BIGINT NOT NULL,
  subject_tsv TSVECTOR NOT NULL,
  public_tsv TSVECTOR NOT NULL,
  all_tsv TSVECTOR NOT NULL
);
CREATE INDEX ticket_search_subject ON ticket_search USING GIN (subject_tsv);
CREATE INDEX ticket_search_public ON ticket_search USING GIN (public_tsv);
CREATE INDEX ticket_search_all ON ticket_search USING GIN (all_tsv);
-- The same narrow row of filter columns as on SQLite (the schemas stay equivalent; the
-- planner may use it to check filters of the text matches).
CREATE INDEX tickets_search_filters ON tickets(id, account_id, deleted_at, status, group_id,
  priority, type, organization_id, assignee_id, requester_id, is_public, created_at);
CREATE TABLE user_search (
  user_id BIGINT PRIMARY KEY,
  account_id BIGINT NOT NULL,
  name_tsv TSVECTOR NOT NULL,
  all_tsv TSVECTOR NOT NULL
);
CREATE INDEX user_search_name ON user_search USING GIN (name_tsv);
CREATE INDEX user_search_all ON user_search USING GIN (all_tsv);
CREATE TABLE organization_search (
  organization_id BIGINT PRIMARY KEY,
  account_id BIGINT NOT NULL,
  name_tsv TSVECTOR NOT NULL,
  all_tsv TSVECTOR NOT NULL
);
CREATE INDEX organization_search_name ON organization_search USING GIN (name_tsv);
CREATE INDEX organization_search_all ON organization_search USING GIN (all_tsv);
CREATE INDEX tickets_created ON tickets(account_id, created_at);
)SQL";

// Migration 12: search on large accounts. SQLite: the `meta` tokens of ticket_fts also say
// the deletion state (xd1) and the tags (xk<hex of the tag>), so that a query whose every
// filter is a token is answered by the MATCH alone (storage_sql/search_sql.cpp,
// kTicketMetaSql holds the same expression). ticket_fts is rebuilt from its own text (any
// earlier shape, with or without `meta`); the trigger now follows deletions and tags and
// rewrites `meta` only when a token changes; a hard-deleted ticket leaves the index.
// Both dialects: `search_backfill`, the marker of the start-up backfill (it runs once per
// database, then deletes the row; `comptoir db copy` leaves the target's own marker).
// Databases whose migration 9 predates the narrow filter index get it (IF NOT EXISTS).
constexpr const char* kSearchTokensSqlite = R"SQL(
DROP TRIGGER IF EXISTS tickets_fts_meta;
CREATE VIRTUAL TABLE ticket_fts_rebuilt USING fts5(subject, public_text, private_text, meta,
  tokenize = 'unicode61 remove_diacritics 0');
INSERT INTO ticket_fts_rebuilt (rowid, subject, public_text, private_text, meta)
  SELECT f.rowid, f.subject, f.public_text, f.private_text,
    'xa' || t.account_id || ' xs' || t.status || ' xp' || t.priority || ' xt' || t.type ||
    ' xg' || COALESCE(t.group_id, 'n') || CASE WHEN t.deleted_at <> 0 THEN ' xd1' ELSE '' END ||
    COALESCE((SELECT ' ' || group_concat('xk' || lower(hex(j.value)), ' ')
      FROM json_each(CASE WHEN json_valid(t.tags) THEN t.tags ELSE '[]' END) j
      WHERE j.type = 'text'), '')
  FROM ticket_fts f JOIN tickets t ON t.id = f.rowid ORDER BY f.rowid;
DROP TABLE ticket_fts;
ALTER TABLE ticket_fts_rebuilt RENAME TO ticket_fts;
INSERT INTO ticket_fts (ticket_fts) VALUES ('optimize');
CREATE TRIGGER tickets_fts_meta AFTER UPDATE OF account_id, status, priority, type, group_id,
  deleted_at, tags ON tickets
  WHEN OLD.account_id IS NOT NEW.account_id OR OLD.status IS NOT NEW.status
    OR OLD.priority IS NOT NEW.priority OR OLD.type IS NOT NEW.type
    OR OLD.group_id IS NOT NEW.group_id OR (OLD.deleted_at <> 0) IS NOT (NEW.deleted_at <> 0)
    OR OLD.tags IS NOT NEW.tags
BEGIN
  UPDATE ticket_fts SET meta = (SELECT 'xa' || t.account_id || ' xs' || t.status || ' xp' || t.priority || ' xt' || t.type ||
      ' xg' || COALESCE(t.group_id, 'n') || CASE WHEN t.deleted_at <> 0 THEN ' xd1' ELSE '' END ||
      COALESCE((SELECT ' ' || group_concat('xk' || lower(hex(j.value)), ' ')
        FROM json_each(CASE WHEN json_valid(t.tags) THEN t.tags ELSE '[]' END) j
        WHERE j.type = 'text'), '') FROM tickets t WHERE t.id = NEW.id)
    WHERE rowid = NEW.id;
END;
CREATE TRIGGER tickets_fts_delete AFTER DELETE ON tickets BEGIN
  DELETE FROM ticket_fts WHERE rowid = OLD.id;
END;
CREATE TABLE search_backfill (pending INTEGER NOT NULL);
INSERT INTO search_backfill (pending) VALUES (1);
DROP INDEX IF EXISTS tickets_search_filter;
CREATE INDEX IF NOT EXISTS tickets_search_filters ON tickets(id, account_id, deleted_at, status,
  group_id, priority, type, organization_id, assignee_id, requester_id, is_public, created_at);
)SQL";

constexpr const char* kSearchTokensPostgres = R"SQL(
CREATE TABLE search_backfill (pending INTEGER NOT NULL);
INSERT INTO search_backfill (pending) VALUES (1);
)SQL";

// Migration 15: password resets. One row per request: the SHA-256 of the token the
// e-mail carries (minted when the e-mail is sent, '' until then), the expiry, and when it
// was used (0: not yet). Rows are purged a day after they expire.
constexpr const char* kPasswordResets = R"SQL(
CREATE TABLE password_resets (
  id {{ID}},
  account_id BIGINT NOT NULL,
  user_id BIGINT NOT NULL,
  token_hash TEXT NOT NULL DEFAULT '',
  created_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL,
  used_at BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX password_resets_token ON password_resets(token_hash);
CREATE INDEX password_resets_user ON password_resets(account_id, user_id);
)SQL";

// The ticket's schedule on its SLA record (0 = the account's default), copied from the
// ticket, so that a schedule change recomputes the records of that schedule directly.
constexpr const char* kSlaSchedules = R"SQL(
ALTER TABLE ticket_slas ADD COLUMN schedule_id BIGINT NOT NULL DEFAULT 0;
UPDATE ticket_slas SET schedule_id = COALESCE((SELECT t.schedule_id FROM tickets t
  WHERE t.account_id = ticket_slas.account_id AND t.id = ticket_slas.ticket_id), 0);
CREATE INDEX ticket_slas_schedule ON ticket_slas(account_id, schedule_id, ticket_id)
  WHERE next_breach_at > 0;
)SQL";

std::string Render(const char* text, Dialect d) {
  std::string s(text);
  const std::string id = d == Dialect::kSqlite
                             ? "INTEGER PRIMARY KEY AUTOINCREMENT"
                             : "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY";
  for (auto pos = s.find("{{ID}}"); pos != std::string::npos; pos = s.find("{{ID}}", pos)) {
    s.replace(pos, 6, id);
  }
  return s;
}

}  // namespace

std::vector<Migration> Migrations(Dialect dialect) {
  // One migration per line, in version order.
  // clang-format off
  return {
      {1, "people", Render(kPeople, dialect)},
      {2, "tickets", Render(kTickets, dialect)},
      {3, "cluster", Render(kCluster, dialect)},
      {4, "views", Render(kViews, dialect)},
      {5, "triggers", Render(kTriggers, dialect)},
      {6, "delivery", Render(kDelivery, dialect)},
      {7, "macros", Render(kMacros, dialect)},
      {8, "schedules", Render(kSchedules, dialect)},
      {9, "search", dialect == Dialect::kSqlite ? kSearchSqlite : kSearchPostgres},
      {10, "exports", Render(kExports, dialect)},
      {11, "slas", Render(kSlas, dialect)},
      {12, "search tokens", dialect == Dialect::kSqlite ? kSearchTokensSqlite : kSearchTokensPostgres},
      {13, "sla_schedules", Render(kSlaSchedules, dialect)},
      {15, "password_resets", Render(kPasswordResets, dialect)},
  };
  // clang-format on
}

}  // namespace comptoir::sql
