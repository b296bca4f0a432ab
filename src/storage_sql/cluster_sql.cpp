// SQL for what several nodes share: browser sessions, failed sign-ins, the node
// registry, once-per-period tasks and the leased job queue.
#include <algorithm>

#include "repos_internal.hpp"
#include "sql_util.hpp"

namespace comptoir::sql {

namespace {

constexpr const char* kSessionCols =
    "id, account_id, user_id, token_hash, csrf_token, ip_address, user_agent, created_at, "
    "last_seen_at, expires_at";

Session MapSession(const Row& r) {
  Session s;
  s.id = r.Int(0);
  s.account_id = AccountId(r.Int(1));
  s.user_id = UserId(r.Int(2));
  s.token_hash = r.Text(3);
  s.csrf_token = r.Text(4);
  s.ip_address = r.Text(5);
  s.user_agent = r.Text(6);
  s.created_at = r.Int(7);
  s.last_seen_at = r.Int(8);
  s.expires_at = r.Int(9);
  return s;
}

constexpr const char* kNodeCols = "id, hostname, pid, version, started_at, heartbeat_at";

ClusterNode MapNode(const Row& r) {
  return ClusterNode{r.Text(0), r.Text(1), r.Int(2), r.Text(3), r.Int(4), r.Int(5)};
}

constexpr const char* kQueueCols =
    "id, account_id, kind, payload, idempotency_key, status, attempts, max_attempts, run_at, "
    "lease_owner, lease_expires_at, last_error, created_at, updated_at";

QueuedJob MapQueued(const Row& r) {
  QueuedJob j;
  j.id = r.Int(0);
  j.account_id = AccountId(r.Int(1));
  j.kind = r.Text(2);
  j.payload = r.Text(3);
  j.idempotency_key = r.Text(4);
  j.status = r.Text(5);
  j.attempts = static_cast<int>(r.Int(6));
  j.max_attempts = static_cast<int>(r.Int(7));
  j.run_at = r.Int(8);
  j.lease_owner = r.Text(9);
  j.lease_expires_at = r.Int(10);
  j.last_error = r.Text(11);
  j.created_at = r.Int(12);
  j.updated_at = r.Int(13);
  return j;
}

// A changed-row count of zero on a leased job: the lease was lost (expired and taken).
Status LeaseHeld(Result<std::int64_t> n) {
  if (!n.ok()) return std::move(n).TakeStatus();
  if (*n == 0) {
    return Status(ErrorCode::kFailedPrecondition, "the job lease is no longer held by this node",
                  "LeaseLost");
  }
  return Status::Ok();
}

}  // namespace

// --- sessions ---

Result<Session> SqlSessions::FindByTokenHash(std::string_view token_hash) {
  return One<Session>(
      c_.Query(std::string("SELECT ") + kSessionCols + " FROM sessions WHERE token_hash = ?",
               {std::string(token_hash)}),
      MapSession);
}

Result<Session> SqlSessions::Get(AccountId account, std::int64_t id) {
  return One<Session>(c_.Query(std::string("SELECT ") + kSessionCols +
                                   " FROM sessions WHERE account_id = ? AND id = ?",
                               {account.value, id}),
                      MapSession);
}

Result<std::vector<Session>> SqlSessions::ListForUser(AccountId account, UserId user) {
  return All<Session>(c_.Query(std::string("SELECT ") + kSessionCols +
                                   " FROM sessions WHERE account_id = ? AND user_id = ? "
                                   "ORDER BY id",
                               {account.value, user.value}),
                      MapSession);
}

Result<Page<Session>> SqlSessions::List(AccountId account, UserId user, const PageRequest& page) {
  std::string where = "account_id = ?";
  Params params{account.value};
  if (user) {
    where += " AND user_id = ?";
    params.emplace_back(user.value);
  }
  return RunPaged<Session>(c_, kSessionCols, "sessions", where, std::move(params), page, "id",
                           MapSession);
}

Result<std::int64_t> SqlSessions::Insert(const Session& s) {
  return InsertReturningId(
      c_,
      "INSERT INTO sessions (account_id, user_id, token_hash, csrf_token, ip_address, "
      "user_agent, created_at, last_seen_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
      "RETURNING id",
      {s.account_id.value, s.user_id.value, s.token_hash, s.csrf_token, s.ip_address, s.user_agent,
       s.created_at, s.last_seen_at, s.expires_at});
}

Status SqlSessions::Touch(AccountId account, std::int64_t id, Timestamp last_seen_at,
                          Timestamp expires_at) {
  return ExecOne(c_,
                 "UPDATE sessions SET last_seen_at = ?, expires_at = ? "
                 "WHERE account_id = ? AND id = ?",
                 {last_seen_at, expires_at, account.value, id});
}

Status SqlSessions::SetCsrfToken(AccountId account, std::int64_t id, std::string_view csrf_token) {
  return ExecOne(c_, "UPDATE sessions SET csrf_token = ? WHERE account_id = ? AND id = ?",
                 {std::string(csrf_token), account.value, id});
}

Status SqlSessions::Delete(AccountId account, std::int64_t id) {
  return ExecOne(c_, "DELETE FROM sessions WHERE account_id = ? AND id = ?", {account.value, id});
}

Result<std::int64_t> SqlSessions::DeleteForUser(AccountId account, UserId user) {
  return c_.Exec("DELETE FROM sessions WHERE account_id = ? AND user_id = ?",
                 {account.value, user.value});
}

Result<std::int64_t> SqlSessions::DeleteExpired(Timestamp now) {
  return c_.Exec("DELETE FROM sessions WHERE expires_at <= ?", {now});
}

// --- failed sign-ins ---

Status SqlSignInFailures::Record(AccountId account, std::string_view key_hash, Timestamp at) {
  return ExecAny(c_,
                 "INSERT INTO sign_in_failures (account_id, key_hash, created_at) VALUES (?, ?, ?)",
                 {account.value, std::string(key_hash), at});
}

Result<std::int64_t> SqlSignInFailures::CountSince(AccountId account, std::string_view key_hash,
                                                   Timestamp since) {
  auto rows = c_.Query(
      "SELECT COUNT(*) FROM sign_in_failures WHERE account_id = ? AND key_hash = ? AND "
      "created_at >= ?",
      {account.value, std::string(key_hash), since});
  if (!rows.ok()) return std::move(rows).TakeStatus();
  return rows->empty() ? 0 : (*rows)[0].Int(0);
}

Status SqlSignInFailures::Clear(AccountId account, std::string_view key_hash) {
  return ExecAny(c_, "DELETE FROM sign_in_failures WHERE account_id = ? AND key_hash = ?",
                 {account.value, std::string(key_hash)});
}

Result<std::int64_t> SqlSignInFailures::DeleteBefore(Timestamp before) {
  return c_.Exec("DELETE FROM sign_in_failures WHERE created_at < ?", {before});
}

// --- cluster ---

Status SqlCluster::Heartbeat(const ClusterNode& n) {
  return ExecAny(c_,
                 "INSERT INTO cluster_nodes (id, hostname, pid, version, started_at, heartbeat_at) "
                 "VALUES (?, ?, ?, ?, ?, ?) "
                 "ON CONFLICT (id) DO UPDATE SET heartbeat_at = excluded.heartbeat_at",
                 {n.id, n.hostname, n.pid, n.version, n.started_at, n.heartbeat_at});
}

Result<std::vector<ClusterNode>> SqlCluster::ListNodes() {
  return All<ClusterNode>(
      c_.Query(std::string("SELECT ") + kNodeCols + " FROM cluster_nodes ORDER BY started_at, id",
               {}),
      MapNode);
}

Status SqlCluster::RemoveNode(std::string_view id) {
  return ExecAny(c_, "DELETE FROM cluster_nodes WHERE id = ?", {std::string(id)});
}

Result<std::int64_t> SqlCluster::RemoveNodesBefore(Timestamp heartbeat_before) {
  return c_.Exec("DELETE FROM cluster_nodes WHERE heartbeat_at < ?", {heartbeat_before});
}

Result<bool> SqlCluster::ClaimPeriod(std::string_view task, Timestamp period_start,
                                     std::string_view node_id, Timestamp now) {
  auto n = c_.Exec(
      "INSERT INTO cluster_periods (task, period_start, node_id, started_at) VALUES (?, ?, ?, ?) "
      "ON CONFLICT (task, period_start) DO NOTHING",
      {std::string(task), period_start, std::string(node_id), now});
  if (!n.ok()) return std::move(n).TakeStatus();
  return *n == 1;
}

Status SqlCluster::FinishPeriod(std::string_view task, Timestamp period_start, Timestamp now) {
  return ExecOne(c_,
                 "UPDATE cluster_periods SET finished_at = ? WHERE task = ? AND period_start = ?",
                 {now, std::string(task), period_start});
}

Result<std::vector<PeriodRun>> SqlCluster::ListPeriods(std::string_view task, int limit) {
  return All<PeriodRun>(
      c_.Query("SELECT task, period_start, node_id, started_at, finished_at FROM "
               "cluster_periods WHERE task = ? ORDER BY period_start DESC LIMIT ?",
               {std::string(task), static_cast<std::int64_t>(limit)}),
      [](const Row& r) {
        PeriodRun p{r.Text(0), r.Int(1), r.Text(2), r.Int(3), std::nullopt};
        if (!r.IsNull(4)) p.finished_at = r.Int(4);
        return p;
      });
}

// --- the job queue ---

Result<std::int64_t> SqlQueue::Enqueue(const QueuedJob& j) {
  // A duplicate key inserts nothing (no error: on PostgreSQL an error would abort the
  // caller's whole transaction) and is reported as kAlreadyExists.
  auto rows = c_.Query(
      "INSERT INTO queued_jobs (account_id, kind, payload, idempotency_key, status, attempts, "
      "max_attempts, run_at, created_at, updated_at) VALUES (?, ?, ?, ?, 'queued', 0, ?, ?, ?, "
      "?) ON CONFLICT (account_id, idempotency_key) DO NOTHING RETURNING id",
      {j.account_id.value, j.kind, j.payload, j.idempotency_key,
       static_cast<std::int64_t>(j.max_attempts), j.run_at, j.created_at, j.created_at});
  if (!rows.ok()) return std::move(rows).TakeStatus();
  if (rows->empty()) {
    return Status(ErrorCode::kAlreadyExists, "a job with this idempotency key exists",
                  "DuplicateValue");
  }
  return (*rows)[0].Int(0);
}

Result<std::vector<QueuedJob>> SqlQueue::Lease(std::string_view node, Timestamp now,
                                               Timestamp lease_until, int limit) {
  // Ready: running under a lease that expired (its node died), then queued and due, each
  // in (run_at, id) order — two statements, so that each walks its own part of the
  // (status, run_at) index instead of sorting every ready row on each lease.
  // PostgreSQL locks the candidates and skips rows another node is leasing right now;
  // SQLite has one writer, so the sub-select and the update cannot interleave.
  const bool pg = c_.dialect() == Dialect::kPostgres;
  auto lease = [&](const char* ready, Timestamp bound,
                   std::int64_t n) -> Result<std::vector<QueuedJob>> {
    std::string sql =
        "UPDATE queued_jobs SET status = 'running', lease_owner = ?, lease_expires_at = ?, "
        "attempts = attempts + 1, updated_at = ? WHERE id IN (SELECT id FROM queued_jobs WHERE ";
    sql += ready;
    sql += " ORDER BY run_at, id LIMIT ?";
    if (pg) sql += " FOR UPDATE SKIP LOCKED";
    sql += ") RETURNING ";
    sql += kQueueCols;
    return All<QueuedJob>(c_.Query(sql, {std::string(node), lease_until, now, bound, n}),
                          MapQueued);
  };
  auto jobs = lease("status = 'running' AND lease_expires_at < ?", now, limit);
  if (!jobs.ok()) return jobs;
  if (static_cast<int>(jobs->size()) < limit) {
    auto queued = lease("status = 'queued' AND run_at <= ?", now,
                        limit - static_cast<std::int64_t>(jobs->size()));
    if (!queued.ok()) return queued;
    jobs->insert(jobs->end(), queued->begin(), queued->end());
  }
  std::sort(jobs->begin(), jobs->end(), [](const QueuedJob& a, const QueuedJob& b) {
    return a.run_at != b.run_at ? a.run_at < b.run_at : a.id < b.id;
  });
  return jobs;
}

Result<bool> SqlQueue::AnyReady(Timestamp now) {
  auto rows = c_.Query(
      "SELECT 1 FROM queued_jobs WHERE (status = 'queued' AND run_at <= ?) OR "
      "(status = 'running' AND lease_expires_at < ?) LIMIT 1",
      {now, now});
  if (!rows.ok()) return std::move(rows).TakeStatus();
  return !rows->empty();
}

Status SqlQueue::Renew(std::int64_t id, std::string_view node, Timestamp lease_until) {
  return LeaseHeld(
      c_.Exec("UPDATE queued_jobs SET lease_expires_at = ? WHERE id = ? AND lease_owner = ? AND "
              "status = 'running'",
              {lease_until, id, std::string(node)}));
}

Status SqlQueue::Complete(std::int64_t id, std::string_view node, Timestamp now) {
  return LeaseHeld(c_.Exec(
      "UPDATE queued_jobs SET status = 'done', lease_owner = NULL, lease_expires_at = NULL, "
      "updated_at = ? WHERE id = ? AND lease_owner = ? AND status = 'running'",
      {now, id, std::string(node)}));
}

Status SqlQueue::Fail(std::int64_t id, std::string_view node, Timestamp run_at,
                      std::string_view error, Timestamp now) {
  return LeaseHeld(c_.Exec(
      "UPDATE queued_jobs SET status = CASE WHEN attempts >= max_attempts THEN 'dead' ELSE "
      "'queued' END, run_at = ?, last_error = ?, lease_owner = NULL, lease_expires_at = NULL, "
      "updated_at = ? WHERE id = ? AND lease_owner = ? AND status = 'running'",
      {run_at, std::string(error), now, id, std::string(node)}));
}

Result<QueuedJob> SqlQueue::Get(AccountId account, std::int64_t id) {
  return One<QueuedJob>(c_.Query(std::string("SELECT ") + kQueueCols +
                                     " FROM queued_jobs WHERE account_id = ? AND id = ?",
                                 {account.value, id}),
                        MapQueued);
}

Status SqlQueue::Postpone(std::int64_t id, std::string_view node, Timestamp run_at,
                          std::string_view reason, Timestamp now) {
  return LeaseHeld(
      c_.Exec("UPDATE queued_jobs SET status = 'queued', attempts = CASE WHEN attempts > 0 THEN "
              "attempts - 1 ELSE 0 END, run_at = ?, last_error = ?, lease_owner = NULL, "
              "lease_expires_at = NULL, updated_at = ? WHERE id = ? AND lease_owner = ? AND "
              "status = 'running'",
              {run_at, std::string(reason), now, id, std::string(node)}));
}

}  // namespace comptoir::sql

namespace comptoir::sql {

Status SqlQueue::RenewAll(std::string_view node, Timestamp lease_until) {
  return ExecAny(c_,
                 "UPDATE queued_jobs SET lease_expires_at = ? WHERE lease_owner = ? AND "
                 "status = 'running'",
                 {lease_until, std::string(node)});
}

Status SqlQueue::Release(std::int64_t id, std::string_view node, Timestamp now) {
  return LeaseHeld(
      c_.Exec("UPDATE queued_jobs SET status = 'queued', attempts = attempts - 1, run_at = ?, "
              "lease_owner = NULL, lease_expires_at = NULL, updated_at = ? WHERE id = ? AND "
              "lease_owner = ? AND status = 'running'",
              {now, now, id, std::string(node)}));
}

Result<Page<QueuedJob>> SqlQueue::List(AccountId account, std::string_view status,
                                       const PageRequest& page) {
  std::string where = "account_id = ?";
  Params params{account.value};
  if (!status.empty()) {
    where += " AND status = ?";
    params.emplace_back(std::string(status));
  }
  return RunPaged<QueuedJob>(c_, kQueueCols, "queued_jobs", where, std::move(params), page, "id",
                             MapQueued);
}

Status SqlQueue::Retry(AccountId account, std::int64_t id, Timestamp now) {
  return ExecOne(c_,
                 "UPDATE queued_jobs SET status = 'queued', attempts = 0, run_at = ?, "
                 "updated_at = ? WHERE account_id = ? AND id = ? AND status = 'dead'",
                 {now, now, account.value, id});
}

Status SqlQueue::Delete(AccountId account, std::int64_t id) {
  return ExecOne(c_,
                 "DELETE FROM queued_jobs WHERE account_id = ? AND id = ? AND status IN "
                 "('dead', 'queued')",
                 {account.value, id});
}

Result<std::int64_t> SqlQueue::PurgeDone(Timestamp before) {
  return c_.Exec("DELETE FROM queued_jobs WHERE status = 'done' AND updated_at < ?", {before});
}

}  // namespace comptoir::sql
