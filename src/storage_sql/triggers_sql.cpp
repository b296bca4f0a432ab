// SQL for trigger categories and triggers. Conditions and actions are stored as Zendesk's
// JSON text ({"all":[…],"any":[…]} and [{"field","value"}]), read back unchanged.
#include <boost/json.hpp>

#include "repos_internal.hpp"
#include "sql_util.hpp"

namespace comptoir::sql {

namespace {

namespace json = boost::json;

std::string ConditionsText(const domain::ConditionSet& c) {
  auto list = [](const std::vector<domain::Condition>& l) {
    json::array a;
    for (const auto& x : l) {
      a.push_back(json::object{{"field", x.field}, {"operator", x.op}, {"value", x.value}});
    }
    return a;
  };
  return json::serialize(json::object{{"all", list(c.all)}, {"any", list(c.any)}});
}

domain::ConditionSet ConditionsFromText(const std::string& text) {
  domain::ConditionSet out;
  boost::system::error_code ec;
  auto v = json::parse(text, ec);
  if (ec || !v.is_object()) return out;
  auto read = [](const json::value* l, std::vector<domain::Condition>& dst) {
    if (!l || !l->is_array()) return;
    for (const auto& e : l->get_array()) {
      if (!e.is_object()) continue;
      const auto& o = e.get_object();
      domain::Condition c;
      if (const auto* f = o.if_contains("field"); f && f->is_string()) c.field = f->get_string();
      if (const auto* op = o.if_contains("operator"); op && op->is_string()) {
        c.op = op->get_string();
      }
      if (const auto* val = o.if_contains("value")) c.value = *val;
      dst.push_back(std::move(c));
    }
  };
  read(v.get_object().if_contains("all"), out.all);
  read(v.get_object().if_contains("any"), out.any);
  return out;
}

std::string ActionsText(const std::vector<domain::Action>& actions) {
  json::array a;
  for (const auto& x : actions) a.push_back(json::object{{"field", x.field}, {"value", x.value}});
  return json::serialize(a);
}

std::vector<domain::Action> ActionsFromText(const std::string& text) {
  std::vector<domain::Action> out;
  boost::system::error_code ec;
  auto v = json::parse(text, ec);
  if (ec || !v.is_array()) return out;
  for (const auto& e : v.get_array()) {
    if (!e.is_object()) continue;
    const auto& o = e.get_object();
    domain::Action a;
    if (const auto* f = o.if_contains("field"); f && f->is_string()) a.field = f->get_string();
    if (const auto* val = o.if_contains("value")) a.value = *val;
    out.push_back(std::move(a));
  }
  return out;
}

constexpr const char* kCategoryCols = "id, account_id, name, position, created_at, updated_at";

domain::TriggerCategory MapCategory(const Row& r) {
  domain::TriggerCategory c;
  c.id = domain::TriggerCategoryId(r.Int(0));
  c.account_id = AccountId(r.Int(1));
  c.name = r.Text(2);
  c.position = static_cast<int>(r.Int(3));
  c.created_at = r.Int(4);
  c.updated_at = r.Int(5);
  return c;
}

constexpr const char* kTriggerCols =
    "id, account_id, title, raw_title, description, active, is_default, position, category_id, "
    "conditions, actions, created_at, updated_at";

domain::Trigger MapTrigger(const Row& r) {
  domain::Trigger t;
  t.id = domain::TriggerId(r.Int(0));
  t.account_id = AccountId(r.Int(1));
  t.title = r.Text(2);
  t.raw_title = r.Text(3);
  t.description = r.Text(4);
  t.active = r.Bool(5);
  t.is_default = r.Bool(6);
  t.position = static_cast<int>(r.Int(7));
  t.category_id = domain::TriggerCategoryId(r.Int(8));
  t.conditions = ConditionsFromText(r.Text(9));
  t.actions = ActionsFromText(r.Text(10));
  t.created_at = r.Int(11);
  t.updated_at = r.Int(12);
  return t;
}

}  // namespace

// --- categories ---

Result<domain::TriggerCategory> SqlTriggerCategories::Get(AccountId account,
                                                          domain::TriggerCategoryId id) {
  return One<domain::TriggerCategory>(
      c_.Query(std::string("SELECT ") + kCategoryCols +
                   " FROM trigger_categories WHERE account_id = ? AND id = ?",
               {account.value, id.value}),
      MapCategory);
}

Result<std::vector<domain::TriggerCategory>> SqlTriggerCategories::List(AccountId account) {
  return All<domain::TriggerCategory>(
      c_.Query(std::string("SELECT ") + kCategoryCols +
                   " FROM trigger_categories WHERE account_id = ? ORDER BY position, id",
               {account.value}),
      MapCategory);
}

Result<domain::TriggerCategoryId> SqlTriggerCategories::Insert(const domain::TriggerCategory& c) {
  auto id = InsertReturningId(
      c_,
      "INSERT INTO trigger_categories (account_id, name, position, created_at, updated_at) "
      "VALUES (?, ?, ?, ?, ?) RETURNING id",
      {c.account_id.value, c.name, static_cast<std::int64_t>(c.position), c.created_at,
       c.updated_at});
  if (!id.ok()) return std::move(id).TakeStatus();
  return domain::TriggerCategoryId(*id);
}

Status SqlTriggerCategories::Update(const domain::TriggerCategory& c) {
  return ExecOne(c_,
                 "UPDATE trigger_categories SET name = ?, position = ?, updated_at = ? "
                 "WHERE account_id = ? AND id = ?",
                 {c.name, static_cast<std::int64_t>(c.position), c.updated_at, c.account_id.value,
                  c.id.value});
}

Status SqlTriggerCategories::Delete(AccountId account, domain::TriggerCategoryId id) {
  return ExecOne(c_, "DELETE FROM trigger_categories WHERE account_id = ? AND id = ?",
                 {account.value, id.value});
}

// --- triggers ---

Result<domain::Trigger> SqlTriggers::Get(AccountId account, domain::TriggerId id) {
  return One<domain::Trigger>(c_.Query(std::string("SELECT ") + kTriggerCols +
                                           " FROM triggers WHERE account_id = ? AND id = ?",
                                       {account.value, id.value}),
                              MapTrigger);
}

Result<std::vector<domain::Trigger>> SqlTriggers::List(AccountId account) {
  return All<domain::Trigger>(c_.Query(std::string("SELECT ") + kTriggerCols +
                                           " FROM triggers WHERE account_id = ? ORDER BY "
                                           "position, id",
                                       {account.value}),
                              MapTrigger);
}

Result<domain::TriggerId> SqlTriggers::Insert(const domain::Trigger& t) {
  auto id = InsertReturningId(
      c_,
      "INSERT INTO triggers (account_id, title, raw_title, description, active, is_default, "
      "position, category_id, conditions, actions, created_at, updated_at) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
      {t.account_id.value, t.title, t.raw_title, t.description, Bool(t.active), Bool(t.is_default),
       static_cast<std::int64_t>(t.position), t.category_id.value, ConditionsText(t.conditions),
       ActionsText(t.actions), t.created_at, t.updated_at});
  if (!id.ok()) return std::move(id).TakeStatus();
  return domain::TriggerId(*id);
}

Status SqlTriggers::Update(const domain::Trigger& t) {
  return ExecOne(
      c_,
      "UPDATE triggers SET title = ?, raw_title = ?, description = ?, active = ?, "
      "is_default = ?, position = ?, category_id = ?, conditions = ?, actions = ?, "
      "updated_at = ? WHERE account_id = ? AND id = ?",
      {t.title, t.raw_title, t.description, Bool(t.active), Bool(t.is_default),
       static_cast<std::int64_t>(t.position), t.category_id.value, ConditionsText(t.conditions),
       ActionsText(t.actions), t.updated_at, t.account_id.value, t.id.value});
}

Status SqlTriggers::Delete(AccountId account, domain::TriggerId id) {
  return ExecOne(c_, "DELETE FROM triggers WHERE account_id = ? AND id = ?",
                 {account.value, id.value});
}

Result<std::int64_t> SqlTriggers::CountInCategory(AccountId account,
                                                  domain::TriggerCategoryId category) {
  auto rows = c_.Query("SELECT COUNT(*) FROM triggers WHERE account_id = ? AND category_id = ?",
                       {account.value, category.value});
  if (!rows.ok()) return std::move(rows).TakeStatus();
  if (rows->empty()) return std::int64_t{0};
  return (*rows)[0].Int(0);
}

}  // namespace comptoir::sql
