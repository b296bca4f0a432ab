// SQL for SLA policies, the per-ticket SLA state and the ticket metric events. The
// filter is Zendesk's condition JSON, policy_metrics a JSON array, both read back as
// they were written.
#include <boost/json.hpp>

#include "repos_internal.hpp"
#include "rules_text.hpp"
#include "sql_util.hpp"

namespace comptoir::sql {

namespace {

namespace json = boost::json;

constexpr const char* kPolicyCols =
    "id, account_id, title, description, position, filter, policy_metrics, created_at, "
    "updated_at";

std::string MetricsText(const std::vector<domain::SlaPolicyMetric>& metrics) {
  json::array a;
  for (const auto& m : metrics) {
    a.push_back(json::object{{"priority", m.priority},
                             {"metric", m.metric},
                             {"target", m.target},
                             {"business_hours", m.business_hours}});
  }
  return json::serialize(a);
}

std::vector<domain::SlaPolicyMetric> MetricsFromText(const std::string& text) {
  std::vector<domain::SlaPolicyMetric> out;
  boost::system::error_code ec;
  auto v = json::parse(text, ec);
  if (ec || !v.is_array()) return out;
  for (const auto& item : v.get_array()) {
    if (!item.is_object()) continue;
    const auto& o = item.get_object();
    domain::SlaPolicyMetric m;
    if (const auto* p = o.if_contains("priority"); p && p->is_string())
      m.priority = p->get_string();
    if (const auto* p = o.if_contains("metric"); p && p->is_string()) m.metric = p->get_string();
    if (const auto* p = o.if_contains("target"); p && p->is_int64()) m.target = p->get_int64();
    if (const auto* p = o.if_contains("business_hours"); p && p->is_bool()) {
      m.business_hours = p->get_bool();
    }
    out.push_back(std::move(m));
  }
  return out;
}

domain::SlaPolicy MapPolicy(const Row& r) {
  domain::SlaPolicy p;
  p.id = domain::SlaPolicyId(r.Int(0));
  p.account_id = AccountId(r.Int(1));
  p.title = r.Text(2);
  p.description = r.Text(3);
  p.position = static_cast<int>(r.Int(4));
  p.filter = ConditionsFromText(r.Text(5));
  p.policy_metrics = MetricsFromText(r.Text(6));
  p.created_at = r.Int(7);
  p.updated_at = r.Int(8);
  return p;
}

constexpr const char* kSlaCols =
    "account_id, ticket_id, policy_id, state, next_breach_at, last_breach_at, schedule_id";

domain::TicketSlaRecord MapSla(const Row& r) {
  domain::TicketSlaRecord s;
  s.account_id = AccountId(r.Int(0));
  s.ticket_id = TicketId(r.Int(1));
  s.policy_id = r.Int(2);
  s.state = r.Text(3);
  s.next_breach_at = r.Int(4);
  s.last_breach_at = r.Int(5);
  s.schedule_id = r.Int(6);
  return s;
}

constexpr const char* kEventCols =
    "id, account_id, ticket_id, metric, instance_id, type, time, extra";

domain::TicketMetricEvent MapEvent(const Row& r) {
  domain::TicketMetricEvent e;
  e.id = r.Int(0);
  e.account_id = AccountId(r.Int(1));
  e.ticket_id = TicketId(r.Int(2));
  e.metric = r.Text(3);
  e.instance_id = static_cast<int>(r.Int(4));
  e.type = r.Text(5);
  e.time = r.Int(6);
  e.extra = r.Text(7);
  return e;
}

}  // namespace

Result<domain::SlaPolicy> SqlSlas::GetPolicy(AccountId account, domain::SlaPolicyId id) {
  return One<domain::SlaPolicy>(c_.Query(std::string("SELECT ") + kPolicyCols +
                                             " FROM sla_policies WHERE account_id = ? AND id = ?",
                                         {account.value, id.value}),
                                MapPolicy);
}

Result<std::vector<domain::SlaPolicy>> SqlSlas::ListPolicies(AccountId account) {
  return All<domain::SlaPolicy>(
      c_.Query(std::string("SELECT ") + kPolicyCols +
                   " FROM sla_policies WHERE account_id = ? ORDER BY position, id",
               {account.value}),
      MapPolicy);
}

Result<domain::SlaPolicyId> SqlSlas::InsertPolicy(const domain::SlaPolicy& p) {
  auto id = InsertReturningId(
      c_,
      "INSERT INTO sla_policies (account_id, title, description, position, filter, "
      "policy_metrics, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
      {p.account_id.value, p.title, p.description, static_cast<std::int64_t>(p.position),
       ConditionsText(p.filter), MetricsText(p.policy_metrics), p.created_at, p.updated_at});
  if (!id.ok()) return std::move(id).TakeStatus();
  return domain::SlaPolicyId(*id);
}

Status SqlSlas::UpdatePolicy(const domain::SlaPolicy& p) {
  return ExecOne(
      c_,
      "UPDATE sla_policies SET title = ?, description = ?, position = ?, filter = ?, "
      "policy_metrics = ?, updated_at = ? WHERE account_id = ? AND id = ?",
      {p.title, p.description, static_cast<std::int64_t>(p.position), ConditionsText(p.filter),
       MetricsText(p.policy_metrics), p.updated_at, p.account_id.value, p.id.value});
}

Status SqlSlas::DeletePolicy(AccountId account, domain::SlaPolicyId id) {
  return ExecOne(c_, "DELETE FROM sla_policies WHERE account_id = ? AND id = ?",
                 {account.value, id.value});
}

Result<domain::TicketSlaRecord> SqlSlas::GetTicketSla(AccountId account, TicketId ticket) {
  return One<domain::TicketSlaRecord>(
      c_.Query(std::string("SELECT ") + kSlaCols +
                   " FROM ticket_slas WHERE account_id = ? AND ticket_id = ?",
               {account.value, ticket.value}),
      MapSla);
}

Status SqlSlas::SaveTicketSla(const domain::TicketSlaRecord& r) {
  COMPTOIR_RETURN_IF_ERROR(
      ExecAny(c_,
              "INSERT INTO ticket_slas (account_id, ticket_id, policy_id, state, next_breach_at, "
              "last_breach_at, schedule_id) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (account_id, "
              "ticket_id) DO UPDATE SET policy_id = excluded.policy_id, state = excluded.state, "
              "next_breach_at = excluded.next_breach_at, last_breach_at = excluded.last_breach_at, "
              "schedule_id = excluded.schedule_id",
              {r.account_id.value, r.ticket_id.value, r.policy_id, r.state, r.next_breach_at,
               r.last_breach_at, r.schedule_id}));
  return ExecAny(c_,
                 "UPDATE tickets SET sla_next_breach_at = ?, sla_last_breach_at = ? "
                 "WHERE account_id = ? AND id = ?",
                 {r.next_breach_at, r.last_breach_at, r.account_id.value, r.ticket_id.value});
}

Result<std::vector<domain::TicketSlaRecord>> SqlSlas::ListOpenTicketSlas(
    AccountId account, TicketId after, int limit, const std::vector<std::int64_t>& schedules) {
  Params p{account.value, after.value};
  std::string sql = std::string("SELECT ") + kSlaCols +
                    " FROM ticket_slas WHERE account_id = ? AND ticket_id > ? AND next_breach_at "
                    "> 0";
  if (!schedules.empty()) {
    sql += " AND schedule_id IN (" + Placeholders(schedules.size()) + ")";
    for (auto s : schedules) p.emplace_back(s);
  }
  sql += " ORDER BY ticket_id LIMIT ?";
  p.emplace_back(static_cast<std::int64_t>(limit));
  return All<domain::TicketSlaRecord>(c_.Query(sql, p), MapSla);
}

Status SqlSlas::InsertMetricEvent(const domain::TicketMetricEvent& e) {
  return InsertReturningId(c_,
                           "INSERT INTO ticket_metric_events (account_id, ticket_id, metric, "
                           "instance_id, type, time, extra) VALUES (?, ?, ?, ?, ?, ?, ?) "
                           "RETURNING id",
                           {e.account_id.value, e.ticket_id.value, e.metric,
                            static_cast<std::int64_t>(e.instance_id), e.type, e.time, e.extra})
      .status();
}

Result<std::vector<domain::TicketMetricEvent>> SqlSlas::ListMetricEvents(AccountId account,
                                                                         Timestamp start_time,
                                                                         int limit) {
  return All<domain::TicketMetricEvent>(
      c_.Query(std::string("SELECT ") + kEventCols +
                   " FROM ticket_metric_events WHERE account_id = ? AND time >= ? ORDER BY "
                   "time, id LIMIT ?",
               {account.value, start_time, static_cast<std::int64_t>(limit)}),
      MapEvent);
}

// The incremental export's range on ticket_metric_events_time (account_id, time, id),
// written as exports_sql.cpp writes the others.
Result<std::vector<domain::TicketMetricEvent>> SqlExports::MetricEvents(AccountId account,
                                                                        const ExportQuery& q) {
  return All<domain::TicketMetricEvent>(
      c_.Query(std::string("SELECT ") + kEventCols +
                   " FROM ticket_metric_events WHERE account_id = ? AND time >= ? AND (time > ? "
                   "OR id > ?) AND time < ? ORDER BY time, id LIMIT ?",
               {account.value, q.after.ts, q.after.ts, q.after.id, q.until,
                static_cast<std::int64_t>(std::max(1, q.limit))}),
      MapEvent);
}

Result<std::vector<domain::TicketMetricEvent>> SqlSlas::ListTicketMetricEvents(AccountId account,
                                                                               TicketId ticket) {
  return All<domain::TicketMetricEvent>(
      c_.Query(std::string("SELECT ") + kEventCols +
                   " FROM ticket_metric_events WHERE account_id = ? AND ticket_id = ? ORDER BY "
                   "id",
               {account.value, ticket.value}),
      MapEvent);
}

}  // namespace comptoir::sql
