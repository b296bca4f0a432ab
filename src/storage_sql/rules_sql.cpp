// SQL for business-rule records: views and automations (conditions, actions and output
// kept as JSON text), and the automation firings.
#include "repos_internal.hpp"
#include "rules_text.hpp"
#include "sql_util.hpp"

namespace comptoir::sql {

namespace {

namespace json = boost::json;

std::string OutputText(const domain::ViewOutput& o) {
  json::array cols;
  for (const auto& c : o.columns) cols.emplace_back(c);
  return json::serialize(json::object{{"columns", std::move(cols)},
                                      {"group_by", o.group_by},
                                      {"group_order", o.group_order},
                                      {"sort_by", o.sort_by},
                                      {"sort_order", o.sort_order}});
}

domain::ViewOutput OutputFromText(const std::string& text) {
  json::object o = ObjectFromJson(text);
  domain::ViewOutput out;
  auto str = [&](const char* key, std::string& dst) {
    if (const auto* v = o.if_contains(key); v && v->is_string()) dst = v->as_string();
  };
  if (const auto* cols = o.if_contains("columns"); cols && cols->is_array()) {
    for (const auto& c : cols->as_array()) {
      if (c.is_string()) out.columns.emplace_back(c.as_string());
    }
  }
  str("group_by", out.group_by);
  str("group_order", out.group_order);
  str("sort_by", out.sort_by);
  str("sort_order", out.sort_order);
  return out;
}

constexpr const char* kViewCols =
    "id, account_id, title, raw_title, description, active, is_default, position, "
    "restriction_type, restriction_ids, conditions, output, created_at, updated_at";

domain::View MapView(const Row& r) {
  domain::View v;
  v.id = domain::ViewId(r.Int(0));
  v.account_id = AccountId(r.Int(1));
  v.title = r.Text(2);
  v.raw_title = r.Text(3);
  v.description = r.Text(4);
  v.active = r.Bool(5);
  v.is_default = r.Bool(6);
  v.position = static_cast<int>(r.Int(7));
  v.restriction.type = static_cast<domain::Restriction::Type>(r.Int(8));
  v.restriction.ids = IdsFromJson(r.Text(9));
  v.conditions = ConditionsFromText(r.Text(10));
  v.output = OutputFromText(r.Text(11));
  v.created_at = r.Int(12);
  v.updated_at = r.Int(13);
  return v;
}

Params ViewValues(const domain::View& v) {
  return {v.account_id.value,
          v.title,
          v.raw_title,
          v.description,
          Bool(v.active),
          Bool(v.is_default),
          static_cast<std::int64_t>(v.position),
          static_cast<std::int64_t>(v.restriction.type),
          IdsToJson(v.restriction.ids),
          ConditionsText(v.conditions),
          OutputText(v.output),
          v.created_at,
          v.updated_at};
}

constexpr const char* kAutomationCols =
    "id, account_id, title, raw_title, active, is_default, position, conditions, actions, "
    "created_at, updated_at";

domain::Automation MapAutomation(const Row& r) {
  domain::Automation a;
  a.id = domain::AutomationId(r.Int(0));
  a.account_id = AccountId(r.Int(1));
  a.title = r.Text(2);
  a.raw_title = r.Text(3);
  a.active = r.Bool(4);
  a.is_default = r.Bool(5);
  a.position = static_cast<int>(r.Int(6));
  a.conditions = ConditionsFromText(r.Text(7));
  a.actions = ActionsFromText(r.Text(8));
  a.created_at = r.Int(9);
  a.updated_at = r.Int(10);
  return a;
}

Params AutomationValues(const domain::Automation& a) {
  return {a.account_id.value,
          a.title,
          a.raw_title,
          Bool(a.active),
          Bool(a.is_default),
          static_cast<std::int64_t>(a.position),
          ConditionsText(a.conditions),
          ActionsText(a.actions),
          a.created_at,
          a.updated_at};
}

}  // namespace

// --- views ---

Result<domain::View> SqlViews::Get(AccountId account, domain::ViewId id) {
  return One<domain::View>(
      c_.Query(std::string("SELECT ") + kViewCols + " FROM views WHERE account_id = ? AND id = ?",
               {account.value, id.value}),
      MapView);
}

Result<std::vector<domain::View>> SqlViews::List(AccountId account) {
  return All<domain::View>(c_.Query(std::string("SELECT ") + kViewCols +
                                        " FROM views WHERE account_id = ? ORDER BY position, id",
                                    {account.value}),
                           MapView);
}

Result<domain::ViewId> SqlViews::Insert(const domain::View& v) {
  auto id = InsertReturningId(
      c_,
      "INSERT INTO views (account_id, title, raw_title, description, active, is_default, "
      "position, restriction_type, restriction_ids, conditions, output, created_at, "
      "updated_at) VALUES (" +
          Placeholders(13) + ") RETURNING id",
      ViewValues(v));
  if (!id.ok()) return std::move(id).TakeStatus();
  return domain::ViewId(*id);
}

Status SqlViews::Update(const domain::View& v) {
  Params p = ViewValues(v);
  p.emplace_back(v.account_id.value);
  p.emplace_back(v.id.value);
  return ExecOne(c_,
                 "UPDATE views SET account_id = ?, title = ?, raw_title = ?, description = ?, "
                 "active = ?, is_default = ?, position = ?, restriction_type = ?, "
                 "restriction_ids = ?, conditions = ?, output = ?, created_at = ?, "
                 "updated_at = ? WHERE account_id = ? AND id = ?",
                 p);
}

Status SqlViews::Delete(AccountId account, domain::ViewId id) {
  return ExecOne(c_, "DELETE FROM views WHERE account_id = ? AND id = ?",
                 {account.value, id.value});
}

// --- automations ---

Result<domain::Automation> SqlAutomations::Get(AccountId account, domain::AutomationId id) {
  return One<domain::Automation>(c_.Query(std::string("SELECT ") + kAutomationCols +
                                              " FROM automations WHERE account_id = ? AND id = ?",
                                          {account.value, id.value}),
                                 MapAutomation);
}

Result<std::vector<domain::Automation>> SqlAutomations::List(AccountId account) {
  return All<domain::Automation>(
      c_.Query(std::string("SELECT ") + kAutomationCols +
                   " FROM automations WHERE account_id = ? ORDER BY position, id",
               {account.value}),
      MapAutomation);
}

Result<domain::AutomationId> SqlAutomations::Insert(const domain::Automation& a) {
  auto id = InsertReturningId(
      c_,
      "INSERT INTO automations (account_id, title, raw_title, active, is_default, position, "
      "conditions, actions, created_at, updated_at) VALUES (" +
          Placeholders(10) + ") RETURNING id",
      AutomationValues(a));
  if (!id.ok()) return std::move(id).TakeStatus();
  return domain::AutomationId(*id);
}

Status SqlAutomations::Update(const domain::Automation& a) {
  Params p = AutomationValues(a);
  p.emplace_back(a.account_id.value);
  p.emplace_back(a.id.value);
  return ExecOne(c_,
                 "UPDATE automations SET account_id = ?, title = ?, raw_title = ?, active = ?, "
                 "is_default = ?, position = ?, conditions = ?, actions = ?, created_at = ?, "
                 "updated_at = ? WHERE account_id = ? AND id = ?",
                 p);
}

Status SqlAutomations::Delete(AccountId account, domain::AutomationId id) {
  COMPTOIR_RETURN_IF_ERROR(
      ExecAny(c_, "DELETE FROM automation_firings WHERE account_id = ? AND automation_id = ?",
              {account.value, id.value}));
  return ExecOne(c_, "DELETE FROM automations WHERE account_id = ? AND id = ?",
                 {account.value, id.value});
}

Result<bool> SqlAutomations::HasFired(AccountId account, domain::AutomationId automation,
                                      TicketId ticket, Timestamp updated_at) {
  auto rows = c_.Query(
      "SELECT 1 FROM automation_firings WHERE account_id = ? AND ticket_id = ? AND "
      "automation_id = ? AND (period = ? OR result_at = ?) LIMIT 1",
      {account.value, ticket.value, automation.value, updated_at, updated_at});
  if (!rows.ok()) return std::move(rows).TakeStatus();
  return !rows->empty();
}

Result<bool> SqlAutomations::RecordFiring(const AutomationFiring& f) {
  auto n = c_.Exec(
      "INSERT INTO automation_firings (account_id, automation_id, ticket_id, period, "
      "result_at, fired_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
      {f.account_id.value, f.automation_id.value, f.ticket_id.value, f.period, f.result_at,
       f.fired_at});
  if (!n.ok()) return std::move(n).TakeStatus();
  return *n == 1;
}

Result<std::int64_t> SqlAutomations::CountFirings(AccountId account,
                                                  domain::AutomationId automation) {
  auto rows =
      c_.Query("SELECT COUNT(*) FROM automation_firings WHERE account_id = ? AND automation_id = ?",
               {account.value, automation.value});
  if (!rows.ok()) return std::move(rows).TakeStatus();
  return (*rows)[0].Int(0);
}

}  // namespace comptoir::sql
