// SQL for side effects: webhooks (invocations, attempts, circuit), targets, e-mail
// settings, sent e-mails and agent broadcasts (migration 6).
#include <cctype>

#include "repos_internal.hpp"
#include "sql_util.hpp"

namespace comptoir::sql {

namespace {

constexpr const char* kWebhookCols =
    "id, account_id, name, description, status, endpoint, http_method, request_format, "
    "subscriptions, authentication, custom_headers, signing_secret, consecutive_failures, "
    "circuit_open_until, created_by, updated_by, created_at, updated_at";

Webhook MapWebhook(const Row& r) {
  Webhook w;
  w.id = r.Int(0);
  w.account_id = AccountId(r.Int(1));
  w.name = r.Text(2);
  w.description = r.Text(3);
  w.status = r.Text(4);
  w.endpoint = r.Text(5);
  w.http_method = r.Text(6);
  w.request_format = r.Text(7);
  w.subscriptions = r.Text(8);
  w.authentication = r.Text(9);
  w.custom_headers = r.Text(10);
  w.signing_secret = r.Text(11);
  w.consecutive_failures = static_cast<int>(r.Int(12));
  w.circuit_open_until = r.Int(13);
  w.created_by = UserId(r.Int(14));
  w.updated_by = UserId(r.Int(15));
  w.created_at = r.Int(16);
  w.updated_at = r.Int(17);
  return w;
}

constexpr const char* kInvocationCols =
    "id, account_id, webhook_id, source, status, latest_status_code, created_at, updated_at";

WebhookInvocation MapInvocation(const Row& r) {
  WebhookInvocation i;
  i.id = r.Int(0);
  i.account_id = AccountId(r.Int(1));
  i.webhook_id = r.Int(2);
  i.source = r.Text(3);
  i.status = r.Text(4);
  i.latest_status_code = static_cast<int>(r.Int(5));
  i.created_at = r.Int(6);
  i.updated_at = r.Int(7);
  return i;
}

constexpr const char* kAttemptCols =
    "id, account_id, invocation_id, status, status_code, duration_ms, response, created_at";

WebhookAttempt MapAttempt(const Row& r) {
  WebhookAttempt a;
  a.id = r.Int(0);
  a.account_id = AccountId(r.Int(1));
  a.invocation_id = r.Int(2);
  a.status = r.Text(3);
  a.status_code = static_cast<int>(r.Int(4));
  a.duration_ms = r.Int(5);
  a.response = r.Text(6);
  a.created_at = r.Int(7);
  return a;
}

constexpr const char* kTargetCols = "id, account_id, type, title, active, config, created_at";

Target MapTarget(const Row& r) {
  Target t;
  t.id = r.Int(0);
  t.account_id = AccountId(r.Int(1));
  t.type = r.Text(2);
  t.title = r.Text(3);
  t.active = r.Bool(4);
  t.config = r.Text(5);
  t.created_at = r.Int(6);
  return t;
}

constexpr const char* kFailureCols =
    "id, account_id, target_id, status_code, raw_request, raw_response, created_at";

TargetFailure MapFailure(const Row& r) {
  TargetFailure f;
  f.id = r.Int(0);
  f.account_id = AccountId(r.Int(1));
  f.target_id = r.Int(2);
  f.status_code = static_cast<int>(r.Int(3));
  f.raw_request = r.Text(4);
  f.raw_response = r.Text(5);
  f.created_at = r.Int(6);
  return f;
}

constexpr const char* kSettingsCols =
    "account_id, smtp_host, smtp_port, security, username, password, support_address, "
    "from_name, html_template, text_template, updated_at";

EmailSettings MapSettings(const Row& r) {
  EmailSettings s;
  s.account_id = AccountId(r.Int(0));
  s.smtp_host = r.Text(1);
  s.smtp_port = static_cast<int>(r.Int(2));
  s.security = r.Text(3);
  s.username = r.Text(4);
  s.password = r.Text(5);
  s.support_address = r.Text(6);
  s.from_name = r.Text(7);
  s.html_template = r.Text(8);
  s.text_template = r.Text(9);
  s.updated_at = r.Int(10);
  return s;
}

constexpr const char* kSentCols =
    "id, account_id, ticket_id, message_id, recipient, subject, created_at";

SentEmail MapSent(const Row& r) {
  SentEmail e;
  e.id = r.Int(0);
  e.account_id = AccountId(r.Int(1));
  e.ticket_id = TicketId(r.Int(2));
  e.message_id = r.Text(3);
  e.recipient = r.Text(4);
  e.subject = r.Text(5);
  e.created_at = r.Int(6);
  return e;
}

constexpr const char* kBroadcastCols =
    "b.id, b.account_id, b.author_id, b.subject, b.message, b.group_ids, b.created_at, r.read_at";

Broadcast MapBroadcast(const Row& r) {
  Broadcast b;
  b.id = r.Int(0);
  b.account_id = AccountId(r.Int(1));
  b.author_id = UserId(r.Int(2));
  b.subject = r.Text(3);
  b.message = r.Text(4);
  b.group_ids = IdsFromJson(r.Text(5));
  b.created_at = r.Int(6);
  b.read_at = r.Int(7);
  return b;
}

}  // namespace

// --- webhooks ---

Result<Webhook> SqlDelivery::GetWebhook(AccountId account, std::int64_t id) {
  return One<Webhook>(c_.Query(std::string("SELECT ") + kWebhookCols +
                                   " FROM webhooks WHERE account_id = ? AND id = ?",
                               {account.value, id}),
                      MapWebhook);
}

Result<Page<Webhook>> SqlDelivery::ListWebhooks(AccountId account, const WebhookFilter& filter,
                                                const PageRequest& page) {
  std::string where = "account_id = ?";
  Params params{account.value};
  if (!filter.name_contains.empty()) {
    where += " AND LOWER(name) LIKE ? ESCAPE '\\'";
    std::string lower = filter.name_contains;
    for (char& ch : lower) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    params.emplace_back(LikeContains(lower));
  }
  if (!filter.status.empty()) {
    where += " AND status = ?";
    params.emplace_back(filter.status);
  }
  return RunPaged<Webhook>(c_, kWebhookCols, "webhooks", where, std::move(params), page, "id",
                           MapWebhook);
}

Result<std::int64_t> SqlDelivery::InsertWebhook(const Webhook& w) {
  return InsertReturningId(
      c_,
      "INSERT INTO webhooks (account_id, name, description, status, endpoint, http_method, "
      "request_format, subscriptions, authentication, custom_headers, signing_secret, "
      "consecutive_failures, circuit_open_until, created_by, updated_by, created_at, updated_at) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
      {w.account_id.value, w.name, w.description, w.status, w.endpoint, w.http_method,
       w.request_format, w.subscriptions, w.authentication, w.custom_headers, w.signing_secret,
       static_cast<std::int64_t>(w.consecutive_failures), w.circuit_open_until,
       IdOrNull(w.created_by.value), IdOrNull(w.updated_by.value), w.created_at, w.updated_at});
}

Status SqlDelivery::UpdateWebhook(const Webhook& w) {
  return ExecOne(c_,
                 "UPDATE webhooks SET name = ?, description = ?, status = ?, endpoint = ?, "
                 "http_method = ?, request_format = ?, subscriptions = ?, authentication = ?, "
                 "custom_headers = ?, signing_secret = ?, updated_by = ?, updated_at = ? "
                 "WHERE account_id = ? AND id = ?",
                 {w.name, w.description, w.status, w.endpoint, w.http_method, w.request_format,
                  w.subscriptions, w.authentication, w.custom_headers, w.signing_secret,
                  IdOrNull(w.updated_by.value), w.updated_at, w.account_id.value, w.id});
}

Status SqlDelivery::DeleteWebhook(AccountId account, std::int64_t id) {
  COMPTOIR_RETURN_IF_ERROR(
      ExecOne(c_, "DELETE FROM webhooks WHERE account_id = ? AND id = ?", {account.value, id}));
  COMPTOIR_RETURN_IF_ERROR(ExecAny(c_,
                                   "DELETE FROM webhook_attempts WHERE account_id = ? AND "
                                   "invocation_id IN (SELECT id FROM webhook_invocations WHERE "
                                   "account_id = ? AND webhook_id = ?)",
                                   {account.value, account.value, id}));
  return ExecAny(c_, "DELETE FROM webhook_invocations WHERE account_id = ? AND webhook_id = ?",
                 {account.value, id});
}

Status SqlDelivery::SetWebhookCircuit(AccountId account, std::int64_t id, int consecutive_failures,
                                      Timestamp open_until) {
  return ExecAny(c_,
                 "UPDATE webhooks SET consecutive_failures = ?, circuit_open_until = ? "
                 "WHERE account_id = ? AND id = ?",
                 {static_cast<std::int64_t>(consecutive_failures), open_until, account.value, id});
}

Result<std::int64_t> SqlDelivery::InsertInvocation(const WebhookInvocation& i) {
  return InsertReturningId(
      c_,
      "INSERT INTO webhook_invocations (account_id, webhook_id, source, status, "
      "latest_status_code, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
      {i.account_id.value, i.webhook_id, i.source, i.status,
       static_cast<std::int64_t>(i.latest_status_code), i.created_at, i.updated_at});
}

Status SqlDelivery::UpdateInvocation(const WebhookInvocation& i) {
  return ExecOne(c_,
                 "UPDATE webhook_invocations SET status = ?, latest_status_code = ?, "
                 "updated_at = ? WHERE account_id = ? AND id = ?",
                 {i.status, static_cast<std::int64_t>(i.latest_status_code), i.updated_at,
                  i.account_id.value, i.id});
}

Result<WebhookInvocation> SqlDelivery::GetInvocation(AccountId account, std::int64_t id) {
  return One<WebhookInvocation>(
      c_.Query(std::string("SELECT ") + kInvocationCols +
                   " FROM webhook_invocations WHERE account_id = ? AND id = ?",
               {account.value, id}),
      MapInvocation);
}

Result<Page<WebhookInvocation>> SqlDelivery::ListInvocations(AccountId account,
                                                             std::int64_t webhook_id,
                                                             const PageRequest& page) {
  PageRequest p = page;
  p.descending = true;
  return RunPaged<WebhookInvocation>(c_, kInvocationCols, "webhook_invocations",
                                     "account_id = ? AND webhook_id = ?",
                                     {account.value, webhook_id}, p, "id", MapInvocation);
}

Result<std::int64_t> SqlDelivery::InsertAttempt(const WebhookAttempt& a) {
  return InsertReturningId(
      c_,
      "INSERT INTO webhook_attempts (account_id, invocation_id, status, status_code, "
      "duration_ms, response, created_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
      {a.account_id.value, a.invocation_id, a.status, static_cast<std::int64_t>(a.status_code),
       a.duration_ms, a.response, a.created_at});
}

Result<std::vector<WebhookAttempt>> SqlDelivery::ListAttempts(AccountId account,
                                                              std::int64_t invocation_id) {
  return All<WebhookAttempt>(
      c_.Query(std::string("SELECT ") + kAttemptCols +
                   " FROM webhook_attempts WHERE account_id = ? AND invocation_id = ? "
                   "ORDER BY id",
               {account.value, invocation_id}),
      MapAttempt);
}

// --- targets ---

Result<Target> SqlDelivery::GetTarget(AccountId account, std::int64_t id) {
  return One<Target>(c_.Query(std::string("SELECT ") + kTargetCols +
                                  " FROM targets WHERE account_id = ? AND id = ?",
                              {account.value, id}),
                     MapTarget);
}

Result<std::vector<Target>> SqlDelivery::ListTargets(AccountId account) {
  return All<Target>(c_.Query(std::string("SELECT ") + kTargetCols +
                                  " FROM targets WHERE account_id = ? ORDER BY id",
                              {account.value}),
                     MapTarget);
}

Result<std::int64_t> SqlDelivery::InsertTarget(const Target& t) {
  return InsertReturningId(
      c_,
      "INSERT INTO targets (account_id, type, title, active, config, "
      "created_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
      {t.account_id.value, t.type, t.title, Bool(t.active), t.config, t.created_at});
}

Status SqlDelivery::UpdateTarget(const Target& t) {
  return ExecOne(c_,
                 "UPDATE targets SET title = ?, active = ?, config = ? WHERE account_id = ? AND "
                 "id = ?",
                 {t.title, Bool(t.active), t.config, t.account_id.value, t.id});
}

Status SqlDelivery::DeleteTarget(AccountId account, std::int64_t id) {
  return ExecOne(c_, "DELETE FROM targets WHERE account_id = ? AND id = ?", {account.value, id});
}

Result<std::int64_t> SqlDelivery::InsertTargetFailure(const TargetFailure& f) {
  return InsertReturningId(
      c_,
      "INSERT INTO target_failures (account_id, target_id, status_code, "
      "raw_request, raw_response, created_at) VALUES (?, ?, ?, ?, ?, ?) "
      "RETURNING id",
      {f.account_id.value, f.target_id, static_cast<std::int64_t>(f.status_code), f.raw_request,
       f.raw_response, f.created_at});
}

Result<TargetFailure> SqlDelivery::GetTargetFailure(AccountId account, std::int64_t id) {
  return One<TargetFailure>(c_.Query(std::string("SELECT ") + kFailureCols +
                                         " FROM target_failures WHERE account_id = ? AND id = ?",
                                     {account.value, id}),
                            MapFailure);
}

Result<std::vector<TargetFailure>> SqlDelivery::ListTargetFailures(AccountId account, int limit) {
  return All<TargetFailure>(
      c_.Query(std::string("SELECT ") + kFailureCols +
                   " FROM target_failures WHERE account_id = ? ORDER BY id DESC LIMIT ?",
               {account.value, static_cast<std::int64_t>(limit)}),
      MapFailure);
}

// --- e-mail ---

Result<EmailSettings> SqlDelivery::GetEmailSettings(AccountId account) {
  return One<EmailSettings>(
      c_.Query(std::string("SELECT ") + kSettingsCols + " FROM email_settings WHERE account_id = ?",
               {account.value}),
      MapSettings);
}

Status SqlDelivery::PutEmailSettings(const EmailSettings& s) {
  return ExecAny(
      c_,
      "INSERT INTO email_settings (account_id, smtp_host, smtp_port, security, username, "
      "password, support_address, from_name, html_template, text_template, updated_at) VALUES "
      "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (account_id) DO UPDATE SET "
      "smtp_host = excluded.smtp_host, smtp_port = excluded.smtp_port, "
      "security = excluded.security, username = excluded.username, "
      "password = excluded.password, support_address = excluded.support_address, "
      "from_name = excluded.from_name, html_template = excluded.html_template, "
      "text_template = excluded.text_template, updated_at = excluded.updated_at",
      {s.account_id.value, s.smtp_host, static_cast<std::int64_t>(s.smtp_port), s.security,
       s.username, s.password, s.support_address, s.from_name, s.html_template, s.text_template,
       s.updated_at});
}

Status SqlDelivery::RecordSentEmail(const SentEmail& e) {
  return ExecAny(
      c_,
      "INSERT INTO sent_emails (account_id, ticket_id, message_id, recipient, subject, "
      "created_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (account_id, message_id) DO "
      "NOTHING",
      {e.account_id.value, e.ticket_id.value, e.message_id, e.recipient, e.subject, e.created_at});
}

Result<std::vector<SentEmail>> SqlDelivery::ListSentEmails(AccountId account, TicketId ticket,
                                                           int limit) {
  return All<SentEmail>(
      c_.Query(std::string("SELECT ") + kSentCols +
                   " FROM sent_emails WHERE account_id = ? AND ticket_id = ? ORDER BY id LIMIT ?",
               {account.value, ticket.value, static_cast<std::int64_t>(limit)}),
      MapSent);
}

// --- broadcasts ---

Result<std::int64_t> SqlDelivery::InsertBroadcast(const Broadcast& b,
                                                  const std::vector<UserId>& recipients) {
  auto id = InsertReturningId(c_,
                              "INSERT INTO agent_broadcasts (account_id, author_id, subject, "
                              "message, group_ids, created_at) VALUES (?, ?, ?, ?, ?, ?) "
                              "RETURNING id",
                              {b.account_id.value, b.author_id.value, b.subject, b.message,
                               IdsToJson(b.group_ids), b.created_at});
  if (!id.ok()) return id;
  for (UserId u : recipients) {
    COMPTOIR_RETURN_IF_ERROR(ExecAny(c_,
                                     "INSERT INTO agent_broadcast_recipients (account_id, "
                                     "broadcast_id, user_id, read_at) VALUES (?, ?, ?, 0) "
                                     "ON CONFLICT (broadcast_id, user_id) DO NOTHING",
                                     {b.account_id.value, *id, u.value}));
  }
  return id;
}

Result<Broadcast> SqlDelivery::GetBroadcast(AccountId account, std::int64_t id) {
  return One<Broadcast>(
      c_.Query(std::string("SELECT ") + kBroadcastCols +
                   " FROM agent_broadcasts b LEFT JOIN agent_broadcast_recipients r ON "
                   "r.broadcast_id = b.id AND r.user_id = 0 WHERE b.account_id = ? AND b.id = ?",
               {account.value, id}),
      MapBroadcast);
}

Result<Page<Broadcast>> SqlDelivery::ListBroadcastsFor(AccountId account, UserId user,
                                                       const PageRequest& page) {
  PageRequest p = page;
  p.descending = true;
  return RunPaged<Broadcast>(c_, kBroadcastCols,
                             "agent_broadcasts b JOIN agent_broadcast_recipients r ON "
                             "r.broadcast_id = b.id",
                             "b.account_id = ? AND r.account_id = ? AND r.user_id = ?",
                             {account.value, account.value, user.value}, p, "b.id", MapBroadcast);
}

Status SqlDelivery::MarkBroadcastRead(AccountId account, std::int64_t id, UserId user,
                                      Timestamp at) {
  return ExecOne(c_,
                 "UPDATE agent_broadcast_recipients SET read_at = CASE WHEN read_at = 0 THEN ? "
                 "ELSE read_at END WHERE account_id = ? AND broadcast_id = ? AND user_id = ?",
                 {at, account.value, id, user.value});
}

Result<Page<Broadcast>> SqlDelivery::ListAllBroadcasts(AccountId account, const PageRequest& page) {
  PageRequest p = page;
  p.descending = true;
  return RunPaged<Broadcast>(c_, kBroadcastCols,
                             "agent_broadcasts b LEFT JOIN agent_broadcast_recipients r ON "
                             "r.broadcast_id = b.id AND r.user_id = 0",
                             "b.account_id = ?", {account.value}, p, "b.id", MapBroadcast);
}

Status SqlDelivery::DeleteBroadcast(AccountId account, std::int64_t id) {
  COMPTOIR_RETURN_IF_ERROR(ExecOne(
      c_, "DELETE FROM agent_broadcasts WHERE account_id = ? AND id = ?", {account.value, id}));
  return ExecAny(c_,
                 "DELETE FROM agent_broadcast_recipients WHERE account_id = ? AND broadcast_id = ?",
                 {account.value, id});
}

}  // namespace comptoir::sql
