// SQL for API tokens, OAuth clients and tokens, job statuses and the audit log.
#include "repos_internal.hpp"
#include "sql_util.hpp"

namespace comptoir::sql {

namespace {

constexpr const char* kApiTokenCols =
    "id, account_id, user_id, token_hash, description, active, created_at";

domain::ApiToken MapApiToken(const Row& r) {
  return {TokenId(r.Int(0)), AccountId(r.Int(1)), UserId(r.Int(2)), r.Text(3),
          r.Text(4),         r.Bool(5),           r.Int(6)};
}

constexpr const char* kClientCols =
    "id, account_id, user_id, name, identifier, secret_hash, description, redirect_uri, "
    "created_at, updated_at";

domain::OAuthClient MapClient(const Row& r) {
  domain::OAuthClient c;
  c.id = OAuthClientId(r.Int(0));
  c.account_id = AccountId(r.Int(1));
  c.user_id = UserId(r.Int(2));
  c.name = r.Text(3);
  c.identifier = r.Text(4);
  c.secret_hash = r.Text(5);
  c.description = r.Text(6);
  c.redirect_uri = StringListFromJson(r.Text(7));
  c.created_at = r.Int(8);
  c.updated_at = r.Int(9);
  return c;
}

constexpr const char* kOAuthTokenCols =
    "id, account_id, client_id, user_id, token_hash, scopes, created_at, expires_at";

domain::OAuthToken MapOAuthToken(const Row& r) {
  domain::OAuthToken t;
  t.id = TokenId(r.Int(0));
  t.account_id = AccountId(r.Int(1));
  t.client_id = OAuthClientId(r.Int(2));
  t.user_id = UserId(r.Int(3));
  t.token_hash = r.Text(4);
  t.scopes = StringListFromJson(r.Text(5));
  t.created_at = r.Int(6);
  t.expires_at = r.Int(7);
  return t;
}

constexpr const char* kJobCols =
    "id, account_id, user_id, kind, payload, status, total, progress, message, results, "
    "created_at, updated_at";

domain::JobStatus MapJob(const Row& r) {
  domain::JobStatus j;
  j.id = r.Text(0);
  j.account_id = AccountId(r.Int(1));
  j.user_id = UserId(r.Int(2));
  j.kind = r.Text(3);
  j.payload = r.Text(4);
  j.status = r.Text(5);
  j.total = static_cast<int>(r.Int(6));
  j.progress = static_cast<int>(r.Int(7));
  j.message = r.Text(8);
  j.results = r.Text(9);
  j.created_at = r.Int(10);
  j.updated_at = r.Int(11);
  return j;
}

constexpr const char* kAuditCols =
    "id, account_id, actor_id, source_type, source_id, source_label, action, "
    "change_description, ip_address, created_at";

domain::AuditLogEntry MapAudit(const Row& r) {
  domain::AuditLogEntry e;
  e.id = r.Int(0);
  e.account_id = AccountId(r.Int(1));
  e.actor_id = UserId(r.Int(2));
  e.source_type = r.Text(3);
  e.source_id = r.Int(4);
  e.source_label = r.Text(5);
  e.action = r.Text(6);
  e.change_description = r.Text(7);
  e.ip_address = r.Text(8);
  e.created_at = r.Int(9);
  return e;
}

}  // namespace

Result<domain::ApiToken> SqlTokens::FindApiToken(std::string_view token_hash) {
  return One<domain::ApiToken>(
      c_.Query(std::string("SELECT ") + kApiTokenCols + " FROM api_tokens WHERE token_hash = ?",
               {std::string(token_hash)}),
      MapApiToken);
}

Result<std::vector<domain::ApiToken>> SqlTokens::ListApiTokens(AccountId account) {
  return All<domain::ApiToken>(c_.Query(std::string("SELECT ") + kApiTokenCols +
                                            " FROM api_tokens WHERE account_id = ? ORDER BY id",
                                        {account.value}),
                               MapApiToken);
}

Result<TokenId> SqlTokens::InsertApiToken(const domain::ApiToken& t) {
  auto id = InsertReturningId(
      c_,
      "INSERT INTO api_tokens (account_id, user_id, token_hash, description, active, created_at) "
      "VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
      {t.account_id.value, t.user_id.value, t.token_hash, t.description, Bool(t.active),
       t.created_at});
  if (!id.ok()) return std::move(id).TakeStatus();
  return TokenId(*id);
}

Status SqlTokens::DeleteApiToken(AccountId account, TokenId id) {
  return ExecOne(c_, "DELETE FROM api_tokens WHERE account_id = ? AND id = ?",
                 {account.value, id.value});
}

Result<domain::OAuthClient> SqlTokens::GetClient(AccountId account, OAuthClientId id) {
  return One<domain::OAuthClient>(
      c_.Query(std::string("SELECT ") + kClientCols +
                   " FROM oauth_clients WHERE account_id = ? AND id = ?",
               {account.value, id.value}),
      MapClient);
}

Result<std::vector<domain::OAuthClient>> SqlTokens::ListClients(AccountId account) {
  return All<domain::OAuthClient>(
      c_.Query(std::string("SELECT ") + kClientCols +
                   " FROM oauth_clients WHERE account_id = ? ORDER BY id",
               {account.value}),
      MapClient);
}

Result<OAuthClientId> SqlTokens::InsertClient(const domain::OAuthClient& c) {
  auto id = InsertReturningId(
      c_,
      "INSERT INTO oauth_clients (account_id, user_id, name, identifier, secret_hash, "
      "description, redirect_uri, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
      "RETURNING id",
      {c.account_id.value, c.user_id.value, c.name, c.identifier, c.secret_hash, c.description,
       ToJson(c.redirect_uri), c.created_at, c.updated_at});
  if (!id.ok()) return std::move(id).TakeStatus();
  return OAuthClientId(*id);
}

Status SqlTokens::UpdateClient(const domain::OAuthClient& c) {
  return ExecOne(
      c_,
      "UPDATE oauth_clients SET name = ?, identifier = ?, secret_hash = ?, "
      "description = ?, redirect_uri = ?, updated_at = ? WHERE account_id = ? AND id = ?",
      {c.name, c.identifier, c.secret_hash, c.description, ToJson(c.redirect_uri), c.updated_at,
       c.account_id.value, c.id.value});
}

Status SqlTokens::DeleteClient(AccountId account, OAuthClientId id) {
  auto n = c_.Exec("DELETE FROM oauth_tokens WHERE account_id = ? AND client_id = ?",
                   {account.value, id.value});
  if (!n.ok()) return std::move(n).TakeStatus();
  return ExecOne(c_, "DELETE FROM oauth_clients WHERE account_id = ? AND id = ?",
                 {account.value, id.value});
}

Result<domain::OAuthToken> SqlTokens::FindOAuthToken(std::string_view token_hash) {
  return One<domain::OAuthToken>(
      c_.Query(std::string("SELECT ") + kOAuthTokenCols + " FROM oauth_tokens WHERE token_hash = ?",
               {std::string(token_hash)}),
      MapOAuthToken);
}

Result<domain::OAuthToken> SqlTokens::GetOAuthToken(AccountId account, TokenId id) {
  return One<domain::OAuthToken>(c_.Query(std::string("SELECT ") + kOAuthTokenCols +
                                              " FROM oauth_tokens WHERE account_id = ? AND id = ?",
                                          {account.value, id.value}),
                                 MapOAuthToken);
}

Result<std::vector<domain::OAuthToken>> SqlTokens::ListOAuthTokens(AccountId account) {
  return All<domain::OAuthToken>(c_.Query(std::string("SELECT ") + kOAuthTokenCols +
                                              " FROM oauth_tokens WHERE account_id = ? ORDER BY id",
                                          {account.value}),
                                 MapOAuthToken);
}

Result<TokenId> SqlTokens::InsertOAuthToken(const domain::OAuthToken& t) {
  auto id = InsertReturningId(
      c_,
      "INSERT INTO oauth_tokens (account_id, client_id, user_id, token_hash, scopes, created_at, "
      "expires_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
      {t.account_id.value, t.client_id.value, t.user_id.value, t.token_hash, ToJson(t.scopes),
       t.created_at, t.expires_at});
  if (!id.ok()) return std::move(id).TakeStatus();
  return TokenId(*id);
}

Status SqlTokens::DeleteOAuthToken(AccountId account, TokenId id) {
  return ExecOne(c_, "DELETE FROM oauth_tokens WHERE account_id = ? AND id = ?",
                 {account.value, id.value});
}

// --- job statuses ---

Result<domain::JobStatus> SqlJobs::Get(AccountId account, std::string_view id) {
  return One<domain::JobStatus>(c_.Query(std::string("SELECT ") + kJobCols +
                                             " FROM job_statuses WHERE account_id = ? AND id = ?",
                                         {account.value, std::string(id)}),
                                MapJob);
}

Result<std::vector<domain::JobStatus>> SqlJobs::List(AccountId account, int limit) {
  return All<domain::JobStatus>(
      c_.Query(std::string("SELECT ") + kJobCols +
                   " FROM job_statuses WHERE account_id = ? ORDER BY created_at DESC, id LIMIT ?",
               {account.value, static_cast<std::int64_t>(limit)}),
      MapJob);
}

Status SqlJobs::Insert(const domain::JobStatus& j) {
  auto n = c_.Exec(
      "INSERT INTO job_statuses (id, account_id, user_id, kind, payload, status, total, "
      "progress, message, results, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
      "?, ?)",
      {j.id, j.account_id.value, j.user_id.value, j.kind, j.payload, j.status,
       static_cast<std::int64_t>(j.total), static_cast<std::int64_t>(j.progress), j.message,
       j.results, j.created_at, j.updated_at});
  if (!n.ok()) return std::move(n).TakeStatus();
  return Status::Ok();
}

Status SqlJobs::Update(const domain::JobStatus& j) {
  return ExecOne(
      c_,
      "UPDATE job_statuses SET status = ?, total = ?, progress = ?, message = ?, "
      "results = ?, updated_at = ? WHERE account_id = ? AND id = ?",
      {j.status, static_cast<std::int64_t>(j.total), static_cast<std::int64_t>(j.progress),
       j.message, j.results, j.updated_at, j.account_id.value, j.id});
}

Result<std::vector<domain::JobStatus>> SqlJobs::ListUnfinished(int limit) {
  return All<domain::JobStatus>(
      c_.Query(std::string("SELECT ") + kJobCols +
                   " FROM job_statuses WHERE status IN ('queued', 'working') "
                   "ORDER BY created_at, id LIMIT ?",
               {static_cast<std::int64_t>(limit)}),
      MapJob);
}

// --- audit log ---

Status SqlAuditLogs::Insert(const domain::AuditLogEntry& e) {
  auto n = c_.Exec(
      "INSERT INTO audit_logs (account_id, actor_id, source_type, source_id, source_label, "
      "action, change_description, ip_address, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
      {e.account_id.value, e.actor_id.value, e.source_type, e.source_id, e.source_label, e.action,
       e.change_description, e.ip_address, e.created_at});
  if (!n.ok()) return std::move(n).TakeStatus();
  return Status::Ok();
}

Result<Page<domain::AuditLogEntry>> SqlAuditLogs::List(AccountId account,
                                                       std::string_view source_type,
                                                       std::int64_t source_id,
                                                       const PageRequest& page) {
  std::string where = "account_id = ?";
  Params params{account.value};
  if (!source_type.empty()) {
    where += " AND source_type = ?";
    params.emplace_back(std::string(source_type));
  }
  if (source_id != 0) {
    where += " AND source_id = ?";
    params.emplace_back(source_id);
  }
  return RunPaged<domain::AuditLogEntry>(c_, kAuditCols, "audit_logs", where, std::move(params),
                                         page, "id", MapAudit);
}

}  // namespace comptoir::sql
