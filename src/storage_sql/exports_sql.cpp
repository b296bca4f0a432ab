// SQL for incremental exports (keyset scans in stream order) and ticket metric sets.
#include <algorithm>
#include <unordered_map>

#include "repos_internal.hpp"
#include "sql_util.hpp"

namespace comptoir::sql {

namespace {

// "<ts> >= ? AND (<ts> > ? OR id > ?) AND <ts> < ?": a range on the (account_id, ts, id)
// index, the row-value comparison written so that both SQLite and PostgreSQL use it.
std::string After(const std::string& ts, const ExportQuery& q, Params& params) {
  params.emplace_back(q.after.ts);
  params.emplace_back(q.after.ts);
  params.emplace_back(q.after.id);
  params.emplace_back(q.until);
  return " AND " + ts + " >= ? AND (" + ts + " > ? OR id > ?) AND " + ts + " < ?";
}

std::int64_t Limit(const ExportQuery& q) { return std::max(1, q.limit); }

// The ids of a stream page, then the records (one query each), in stream order.
Result<std::vector<std::int64_t>> StreamIds(Connection& c, const char* table, AccountId account,
                                            const ExportQuery& q) {
  Params params{account.value};
  std::string sql = std::string("SELECT id FROM ") + table + " WHERE account_id = ?" +
                    After("updated_at", q, params) + " ORDER BY updated_at, id LIMIT ?";
  params.emplace_back(Limit(q));
  auto rows = c.Query(sql, params);
  if (!rows.ok()) return std::move(rows).TakeStatus();
  std::vector<std::int64_t> ids;
  ids.reserve(rows->size());
  for (const auto& r : *rows) ids.push_back(r.Int(0));
  return ids;
}

template <typename T>
std::vector<T> InOrder(const std::vector<std::int64_t>& ids, std::vector<T> items) {
  std::unordered_map<std::int64_t, std::size_t> at;
  for (std::size_t i = 0; i < ids.size(); ++i) at[ids[i]] = i;
  std::sort(items.begin(), items.end(),
            [&](const T& a, const T& b) { return at[a.id.value] < at[b.id.value]; });
  return items;
}

constexpr const char* kMetricCols =
    "id, account_id, ticket_id, created_at, updated_at, reopens, replies, assignee_stations, "
    "group_stations, assigned_at, initially_assigned_at, solved_at, status_updated_at, "
    "latest_comment_added_at, requester_updated_at, assignee_updated_at, "
    "custom_status_updated_at, reply_cal, reply_bus, first_resolution_cal, "
    "first_resolution_bus, full_resolution_cal, full_resolution_bus, agent_wait_cal, "
    "agent_wait_bus, requester_wait_cal, requester_wait_bus, on_hold_cal, on_hold_bus, status, "
    "status_since";

std::optional<domain::MetricDuration> OptDuration(const Row& r, int i) {
  if (r.Int(i) < 0) return std::nullopt;
  return domain::MetricDuration{r.Int(i), r.Int(i + 1)};
}

domain::TicketMetricSet MapMetrics(const Row& r) {
  domain::TicketMetricSet m;
  m.id = r.Int(0);
  m.account_id = AccountId(r.Int(1));
  m.ticket_id = TicketId(r.Int(2));
  m.created_at = r.Int(3);
  m.updated_at = r.Int(4);
  m.reopens = static_cast<int>(r.Int(5));
  m.replies = static_cast<int>(r.Int(6));
  m.assignee_stations = static_cast<int>(r.Int(7));
  m.group_stations = static_cast<int>(r.Int(8));
  m.assigned_at = r.Int(9);
  m.initially_assigned_at = r.Int(10);
  m.solved_at = r.Int(11);
  m.status_updated_at = r.Int(12);
  m.latest_comment_added_at = r.Int(13);
  m.requester_updated_at = r.Int(14);
  m.assignee_updated_at = r.Int(15);
  m.custom_status_updated_at = r.Int(16);
  m.reply_time = OptDuration(r, 17);
  m.first_resolution_time = OptDuration(r, 19);
  m.full_resolution_time = OptDuration(r, 21);
  m.agent_wait_time = {r.Int(23), r.Int(24)};
  m.requester_wait_time = {r.Int(25), r.Int(26)};
  m.on_hold_time = {r.Int(27), r.Int(28)};
  m.status = static_cast<domain::TicketStatus>(r.Int(29));
  m.status_since = r.Int(30);
  return m;
}

Params MetricValues(const domain::TicketMetricSet& m) {
  auto cal = [](const std::optional<domain::MetricDuration>& d) {
    return d ? d->calendar : std::int64_t{-1};
  };
  auto bus = [](const std::optional<domain::MetricDuration>& d) {
    return d ? d->business : std::int64_t{-1};
  };
  return {m.created_at,
          m.updated_at,
          static_cast<std::int64_t>(m.reopens),
          static_cast<std::int64_t>(m.replies),
          static_cast<std::int64_t>(m.assignee_stations),
          static_cast<std::int64_t>(m.group_stations),
          m.assigned_at,
          m.initially_assigned_at,
          m.solved_at,
          m.status_updated_at,
          m.latest_comment_added_at,
          m.requester_updated_at,
          m.assignee_updated_at,
          m.custom_status_updated_at,
          cal(m.reply_time),
          bus(m.reply_time),
          cal(m.first_resolution_time),
          bus(m.first_resolution_time),
          cal(m.full_resolution_time),
          bus(m.full_resolution_time),
          m.agent_wait_time.calendar,
          m.agent_wait_time.business,
          m.requester_wait_time.calendar,
          m.requester_wait_time.business,
          m.on_hold_time.calendar,
          m.on_hold_time.business,
          static_cast<std::int64_t>(m.status),
          m.status_since};
}

}  // namespace

// --- exports ---

Result<std::vector<domain::Ticket>> SqlExports::Tickets(AccountId account, const ExportQuery& q) {
  Params params{account.value};
  std::string sql = std::string("SELECT ") + kTicketColumns + " FROM tickets WHERE account_id = ?" +
                    After("generated_timestamp", q, params);
  if (!q.include_deleted) sql += " AND deleted_at = 0";
  sql += " ORDER BY generated_timestamp, id LIMIT ?";
  params.emplace_back(Limit(q));
  return All<domain::Ticket>(c_.Query(sql, params), MapTicket);
}

Result<std::vector<domain::User>> SqlExports::Users(AccountId account, const ExportQuery& q) {
  auto ids = StreamIds(c_, "users", account, q);
  if (!ids.ok()) return std::move(ids).TakeStatus();
  std::vector<UserId> v;
  for (auto id : *ids) v.emplace_back(id);
  auto users = SqlUsers(c_).GetMany(account, v);
  if (!users.ok()) return users;
  return InOrder(*ids, std::move(*users));
}

Result<std::vector<domain::Organization>> SqlExports::Organizations(AccountId account,
                                                                    const ExportQuery& q) {
  auto ids = StreamIds(c_, "organizations", account, q);
  if (!ids.ok()) return std::move(ids).TakeStatus();
  std::vector<OrganizationId> v;
  for (auto id : *ids) v.emplace_back(id);
  auto orgs = SqlOrganizations(c_).GetMany(account, v);
  if (!orgs.ok()) return orgs;
  return InOrder(*ids, std::move(*orgs));
}

Result<std::vector<domain::Audit>> SqlExports::Audits(AccountId account, const ExportQuery& q) {
  Params params{account.value};
  std::string sql = std::string("SELECT ") + kAuditColumns +
                    " FROM ticket_audits WHERE account_id = ?" + After("created_at", q, params) +
                    " ORDER BY created_at, id LIMIT ?";
  params.emplace_back(Limit(q));
  return All<domain::Audit>(c_.Query(sql, params), MapTicketAudit);
}

// --- ticket metric sets ---

Result<domain::TicketMetricSet> SqlTicketMetrics::Get(AccountId account, std::int64_t id) {
  return One<domain::TicketMetricSet>(
      c_.Query(std::string("SELECT ") + kMetricCols +
                   " FROM ticket_metric_sets WHERE account_id = ? AND id = ?",
               {account.value, id}),
      MapMetrics);
}

Result<domain::TicketMetricSet> SqlTicketMetrics::ForTicket(AccountId account, TicketId ticket) {
  return One<domain::TicketMetricSet>(
      c_.Query(std::string("SELECT ") + kMetricCols +
                   " FROM ticket_metric_sets WHERE account_id = ? AND ticket_id = ?",
               {account.value, ticket.value}),
      MapMetrics);
}

Result<std::vector<domain::TicketMetricSet>> SqlTicketMetrics::ForTickets(
    AccountId account, const std::vector<TicketId>& tickets) {
  if (tickets.empty()) return std::vector<domain::TicketMetricSet>{};
  Params params{account.value};
  for (auto t : tickets) params.emplace_back(t.value);
  return All<domain::TicketMetricSet>(
      c_.Query(std::string("SELECT ") + kMetricCols +
                   " FROM ticket_metric_sets WHERE account_id = ? AND ticket_id IN (" +
                   Placeholders(tickets.size()) + ") ORDER BY ticket_id",
               params),
      MapMetrics);
}

Result<Page<domain::TicketMetricSet>> SqlTicketMetrics::List(AccountId account,
                                                             const TicketFilter& filter,
                                                             const PageRequest& page) {
  Params params{account.value};
  std::string where = "account_id = ? AND ticket_id IN (SELECT id FROM tickets WHERE " +
                      TicketWhere(account, filter, params) + ")";
  return RunPaged<domain::TicketMetricSet>(c_, kMetricCols, "ticket_metric_sets", where,
                                           std::move(params), page, "id", MapMetrics);
}

Result<std::int64_t> SqlTicketMetrics::Put(const domain::TicketMetricSet& m) {
  Params p = MetricValues(m);
  if (m.id != 0) {
    p.emplace_back(m.account_id.value);
    p.emplace_back(m.id);
    COMPTOIR_RETURN_IF_ERROR(ExecOne(
        c_,
        "UPDATE ticket_metric_sets SET created_at = ?, updated_at = ?, reopens = ?, replies = ?, "
        "assignee_stations = ?, group_stations = ?, assigned_at = ?, initially_assigned_at = ?, "
        "solved_at = ?, status_updated_at = ?, latest_comment_added_at = ?, "
        "requester_updated_at = ?, assignee_updated_at = ?, custom_status_updated_at = ?, "
        "reply_cal = ?, reply_bus = ?, first_resolution_cal = ?, first_resolution_bus = ?, "
        "full_resolution_cal = ?, full_resolution_bus = ?, agent_wait_cal = ?, "
        "agent_wait_bus = ?, requester_wait_cal = ?, requester_wait_bus = ?, on_hold_cal = ?, "
        "on_hold_bus = ?, status = ?, status_since = ? WHERE account_id = ? AND id = ?",
        p));
    return m.id;
  }
  Params ins{m.account_id.value, m.ticket_id.value};
  for (auto& v : p) ins.push_back(std::move(v));
  return InsertReturningId(
      c_,
      "INSERT INTO ticket_metric_sets (account_id, ticket_id, created_at, updated_at, reopens, "
      "replies, assignee_stations, group_stations, assigned_at, initially_assigned_at, "
      "solved_at, status_updated_at, latest_comment_added_at, requester_updated_at, "
      "assignee_updated_at, custom_status_updated_at, reply_cal, reply_bus, "
      "first_resolution_cal, first_resolution_bus, full_resolution_cal, full_resolution_bus, "
      "agent_wait_cal, agent_wait_bus, requester_wait_cal, requester_wait_bus, on_hold_cal, "
      "on_hold_bus, status, status_since) VALUES (" +
          Placeholders(30) + ") RETURNING id",
      ins);
}

}  // namespace comptoir::sql
