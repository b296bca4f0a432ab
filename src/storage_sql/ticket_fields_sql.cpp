// SQL for ticket fields and ticket forms. A field's options and a form's field ids are
// small lists stored as JSON text in one column, like the options of custom fields.
#include "repos_internal.hpp"
#include "sql_util.hpp"

namespace comptoir::sql {

namespace {

constexpr const char* kTicketFieldCols =
    "id, account_id, type, title, description, title_in_portal, position, active, required, "
    "required_in_portal, visible_in_portal, editable_in_portal, removable, agent_can_edit, "
    "regexp_for_validation, tag, options, created_at, updated_at";

std::vector<domain::TicketFieldOption> OptionsFromJson(const std::string& text) {
  std::vector<domain::TicketFieldOption> out;
  boost::system::error_code ec;
  auto parsed = boost::json::parse(text, ec);
  if (ec || !parsed.is_array()) return out;
  for (const auto& e : parsed.get_array()) {
    if (!e.is_object()) continue;
    const auto& obj = e.get_object();
    domain::TicketFieldOption o;
    if (const auto* id = obj.if_contains("id"); id && id->is_int64()) o.id = id->get_int64();
    if (const auto* n = obj.if_contains("name"); n && n->is_string()) o.name = n->get_string();
    if (const auto* v = obj.if_contains("value"); v && v->is_string()) o.value = v->get_string();
    if (const auto* p = obj.if_contains("position"); p && p->is_int64()) {
      o.position = static_cast<int>(p->get_int64());
    }
    if (const auto* d = obj.if_contains("default"); d && d->is_bool()) o.is_default = d->get_bool();
    out.push_back(std::move(o));
  }
  return out;
}

std::string OptionsToJson(const std::vector<domain::TicketFieldOption>& options) {
  boost::json::array a;
  for (const auto& o : options) {
    a.push_back(boost::json::object{{"id", o.id},
                                    {"name", o.name},
                                    {"value", o.value},
                                    {"position", o.position},
                                    {"default", o.is_default}});
  }
  return boost::json::serialize(a);
}

domain::TicketField MapTicketField(const Row& r) {
  domain::TicketField f;
  f.id = TicketFieldId(r.Int(0));
  f.account_id = AccountId(r.Int(1));
  f.type = r.Text(2);
  f.title = r.Text(3);
  f.description = r.Text(4);
  f.title_in_portal = r.Text(5);
  f.position = static_cast<int>(r.Int(6));
  f.active = r.Bool(7);
  f.required = r.Bool(8);
  f.required_in_portal = r.Bool(9);
  f.visible_in_portal = r.Bool(10);
  f.editable_in_portal = r.Bool(11);
  f.removable = r.Bool(12);
  f.agent_can_edit = r.Bool(13);
  f.regexp_for_validation = r.Text(14);
  f.tag = r.Text(15);
  f.options = OptionsFromJson(r.Text(16));
  f.created_at = r.Int(17);
  f.updated_at = r.Int(18);
  return f;
}

constexpr const char* kTicketFormCols =
    "id, account_id, name, display_name, position, active, is_default, end_user_visible, "
    "in_all_brands, ticket_field_ids, created_at, updated_at";

domain::TicketForm MapTicketForm(const Row& r) {
  domain::TicketForm f;
  f.id = TicketFormId(r.Int(0));
  f.account_id = AccountId(r.Int(1));
  f.name = r.Text(2);
  f.display_name = r.Text(3);
  f.position = static_cast<int>(r.Int(4));
  f.active = r.Bool(5);
  f.is_default = r.Bool(6);
  f.end_user_visible = r.Bool(7);
  f.in_all_brands = r.Bool(8);
  f.ticket_field_ids = IdsFromJson(r.Text(9));
  f.created_at = r.Int(10);
  f.updated_at = r.Int(11);
  return f;
}

}  // namespace

// --- ticket fields ---

Result<domain::TicketField> SqlTicketFields::Get(AccountId account, TicketFieldId id) {
  return One<domain::TicketField>(
      c_.Query(std::string("SELECT ") + kTicketFieldCols +
                   " FROM ticket_fields WHERE account_id = ? AND id = ?",
               {account.value, id.value}),
      MapTicketField);
}

Result<std::vector<domain::TicketField>> SqlTicketFields::List(AccountId account) {
  auto rows = c_.Query(std::string("SELECT ") + kTicketFieldCols +
                           " FROM ticket_fields WHERE account_id = ? ORDER BY position, id",
                       {account.value});
  if (!rows.ok()) return std::move(rows).TakeStatus();
  std::vector<domain::TicketField> out;
  out.reserve(rows->size());
  for (const auto& r : *rows) out.push_back(MapTicketField(r));
  return out;
}

Result<TicketFieldId> SqlTicketFields::Insert(const domain::TicketField& f) {
  auto id = InsertReturningId(
      c_,
      "INSERT INTO ticket_fields (account_id, type, title, description, title_in_portal, "
      "position, active, required, required_in_portal, visible_in_portal, editable_in_portal, "
      "removable, agent_can_edit, regexp_for_validation, tag, options, created_at, updated_at) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
      {f.account_id.value, f.type, f.title, f.description, f.title_in_portal,
       static_cast<std::int64_t>(f.position), Bool(f.active), Bool(f.required),
       Bool(f.required_in_portal), Bool(f.visible_in_portal), Bool(f.editable_in_portal),
       Bool(f.removable), Bool(f.agent_can_edit), f.regexp_for_validation, f.tag,
       OptionsToJson(f.options), f.created_at, f.updated_at});
  if (!id.ok()) return std::move(id).TakeStatus();
  return TicketFieldId(*id);
}

Status SqlTicketFields::Update(const domain::TicketField& f) {
  return ExecOne(c_,
                 "UPDATE ticket_fields SET type = ?, title = ?, description = ?, "
                 "title_in_portal = ?, position = ?, active = ?, required = ?, "
                 "required_in_portal = ?, visible_in_portal = ?, editable_in_portal = ?, "
                 "removable = ?, agent_can_edit = ?, regexp_for_validation = ?, tag = ?, "
                 "options = ?, updated_at = ? WHERE account_id = ? AND id = ?",
                 {f.type, f.title, f.description, f.title_in_portal,
                  static_cast<std::int64_t>(f.position), Bool(f.active), Bool(f.required),
                  Bool(f.required_in_portal), Bool(f.visible_in_portal), Bool(f.editable_in_portal),
                  Bool(f.removable), Bool(f.agent_can_edit), f.regexp_for_validation, f.tag,
                  OptionsToJson(f.options), f.updated_at, f.account_id.value, f.id.value});
}

Status SqlTicketFields::Delete(AccountId account, TicketFieldId id) {
  return ExecOne(c_, "DELETE FROM ticket_fields WHERE account_id = ? AND id = ?",
                 {account.value, id.value});
}

// --- ticket forms ---

Result<domain::TicketForm> SqlTicketForms::Get(AccountId account, TicketFormId id) {
  return One<domain::TicketForm>(c_.Query(std::string("SELECT ") + kTicketFormCols +
                                              " FROM ticket_forms WHERE account_id = ? AND id = ?",
                                          {account.value, id.value}),
                                 MapTicketForm);
}

Result<std::vector<domain::TicketForm>> SqlTicketForms::List(AccountId account) {
  auto rows = c_.Query(std::string("SELECT ") + kTicketFormCols +
                           " FROM ticket_forms WHERE account_id = ? ORDER BY position, id",
                       {account.value});
  if (!rows.ok()) return std::move(rows).TakeStatus();
  std::vector<domain::TicketForm> out;
  out.reserve(rows->size());
  for (const auto& r : *rows) out.push_back(MapTicketForm(r));
  return out;
}

Result<TicketFormId> SqlTicketForms::Insert(const domain::TicketForm& f) {
  auto id = InsertReturningId(
      c_,
      "INSERT INTO ticket_forms (account_id, name, display_name, position, active, is_default, "
      "end_user_visible, in_all_brands, ticket_field_ids, created_at, updated_at) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
      {f.account_id.value, f.name, f.display_name, static_cast<std::int64_t>(f.position),
       Bool(f.active), Bool(f.is_default), Bool(f.end_user_visible), Bool(f.in_all_brands),
       IdsToJson(f.ticket_field_ids), f.created_at, f.updated_at});
  if (!id.ok()) return std::move(id).TakeStatus();
  return TicketFormId(*id);
}

Status SqlTicketForms::Update(const domain::TicketForm& f) {
  return ExecOne(c_,
                 "UPDATE ticket_forms SET name = ?, display_name = ?, position = ?, active = ?, "
                 "is_default = ?, end_user_visible = ?, in_all_brands = ?, ticket_field_ids = ?, "
                 "updated_at = ? WHERE account_id = ? AND id = ?",
                 {f.name, f.display_name, static_cast<std::int64_t>(f.position), Bool(f.active),
                  Bool(f.is_default), Bool(f.end_user_visible), Bool(f.in_all_brands),
                  IdsToJson(f.ticket_field_ids), f.updated_at, f.account_id.value, f.id.value});
}

Status SqlTicketForms::Delete(AccountId account, TicketFormId id) {
  return ExecOne(c_, "DELETE FROM ticket_forms WHERE account_id = ? AND id = ?",
                 {account.value, id.value});
}

}  // namespace comptoir::sql
