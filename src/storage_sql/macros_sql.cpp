// SQL for macros. Actions are Zendesk's JSON text; the restriction a type and a JSON
// list of ids.
#include <boost/json.hpp>

#include "repos_internal.hpp"
#include "rules_text.hpp"
#include "sql_util.hpp"

namespace comptoir::sql {

namespace {

namespace json = boost::json;
using domain::Restriction;

constexpr const char* kMacroCols =
    "id, account_id, title, raw_title, description, active, is_default, position, "
    "restriction_type, restriction_ids, actions, usage_count, created_at, updated_at";

std::string RestrictionType(const Restriction& r) {
  switch (r.type) {
    case Restriction::Type::kGroup:
      return "Group";
    case Restriction::Type::kUser:
      return "User";
    case Restriction::Type::kNone:
      break;
  }
  return "";
}

std::string RestrictionIds(const Restriction& r) {
  json::array a;
  for (auto id : r.ids) a.emplace_back(id);
  return json::serialize(a);
}

Restriction RestrictionFrom(std::string_view type, const std::string& ids) {
  Restriction r;
  if (type == "Group") r.type = Restriction::Type::kGroup;
  if (type == "User") r.type = Restriction::Type::kUser;
  boost::system::error_code ec;
  auto v = json::parse(ids, ec);
  if (!ec && v.is_array()) {
    for (const auto& e : v.get_array()) {
      if (e.is_int64()) r.ids.push_back(e.get_int64());
    }
  }
  return r;
}

domain::Macro MapMacro(const Row& r) {
  domain::Macro m;
  m.id = domain::MacroId(r.Int(0));
  m.account_id = AccountId(r.Int(1));
  m.title = r.Text(2);
  m.raw_title = r.Text(3);
  m.description = r.Text(4);
  m.active = r.Bool(5);
  m.is_default = r.Bool(6);
  m.position = static_cast<int>(r.Int(7));
  m.restriction = RestrictionFrom(r.Text(8), r.Text(9));
  m.actions = ActionsFromText(r.Text(10));
  m.usage_count = r.Int(11);
  m.created_at = r.Int(12);
  m.updated_at = r.Int(13);
  return m;
}

}  // namespace

Result<domain::Macro> SqlMacros::Get(AccountId account, domain::MacroId id) {
  return One<domain::Macro>(
      c_.Query(std::string("SELECT ") + kMacroCols + " FROM macros WHERE account_id = ? AND id = ?",
               {account.value, id.value}),
      MapMacro);
}

Result<std::vector<domain::Macro>> SqlMacros::List(AccountId account) {
  return All<domain::Macro>(c_.Query(std::string("SELECT ") + kMacroCols +
                                         " FROM macros WHERE account_id = ? ORDER BY position, id",
                                     {account.value}),
                            MapMacro);
}

Result<domain::MacroId> SqlMacros::Insert(const domain::Macro& m) {
  auto id = InsertReturningId(
      c_,
      "INSERT INTO macros (account_id, title, raw_title, description, active, is_default, "
      "position, restriction_type, restriction_ids, actions, usage_count, created_at, "
      "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
      {m.account_id.value, m.title, m.raw_title, m.description, Bool(m.active), Bool(m.is_default),
       static_cast<std::int64_t>(m.position), RestrictionType(m.restriction),
       RestrictionIds(m.restriction), ActionsText(m.actions), m.usage_count, m.created_at,
       m.updated_at});
  if (!id.ok()) return std::move(id).TakeStatus();
  return domain::MacroId(*id);
}

Status SqlMacros::Update(const domain::Macro& m) {
  return ExecOne(c_,
                 "UPDATE macros SET title = ?, raw_title = ?, description = ?, active = ?, "
                 "is_default = ?, position = ?, restriction_type = ?, restriction_ids = ?, "
                 "actions = ?, updated_at = ? WHERE account_id = ? AND id = ?",
                 {m.title, m.raw_title, m.description, Bool(m.active), Bool(m.is_default),
                  static_cast<std::int64_t>(m.position), RestrictionType(m.restriction),
                  RestrictionIds(m.restriction), ActionsText(m.actions), m.updated_at,
                  m.account_id.value, m.id.value});
}

Status SqlMacros::Delete(AccountId account, domain::MacroId id) {
  return ExecOne(c_, "DELETE FROM macros WHERE account_id = ? AND id = ?",
                 {account.value, id.value});
}

Status SqlMacros::CountUse(AccountId account, domain::MacroId id) {
  return ExecOne(c_,
                 "UPDATE macros SET usage_count = usage_count + 1 WHERE account_id = ? AND id = ?",
                 {account.value, id.value});
}

}  // namespace comptoir::sql
