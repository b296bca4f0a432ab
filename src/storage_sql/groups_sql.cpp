// SQL for groups, group memberships, custom roles and custom fields.
#include "repos_internal.hpp"
#include "sql_util.hpp"

namespace comptoir::sql {

namespace {

constexpr const char* kGroupCols =
    "id, account_id, name, description, is_default, is_public, deleted, created_at, updated_at";

domain::Group MapGroup(const Row& r) {
  domain::Group g;
  g.id = GroupId(r.Int(0));
  g.account_id = AccountId(r.Int(1));
  g.name = r.Text(2);
  g.description = r.Text(3);
  g.is_default = r.Bool(4);
  g.is_public = r.Bool(5);
  g.deleted = r.Bool(6);
  g.created_at = r.Int(7);
  g.updated_at = r.Int(8);
  return g;
}

constexpr const char* kGroupMemberCols =
    "id, account_id, user_id, group_id, is_default, created_at, updated_at";

domain::GroupMembership MapGroupMember(const Row& r) {
  domain::GroupMembership m;
  m.id = GroupMembershipId(r.Int(0));
  m.account_id = AccountId(r.Int(1));
  m.user_id = UserId(r.Int(2));
  m.group_id = GroupId(r.Int(3));
  m.is_default = r.Bool(4);
  m.created_at = r.Int(5);
  m.updated_at = r.Int(6);
  return m;
}

constexpr const char* kRoleCols =
    "id, account_id, name, description, ticket_access, end_user_profile_edit, configuration, "
    "created_at, updated_at";

domain::CustomRole MapRole(const Row& r) {
  domain::CustomRole c;
  c.id = CustomRoleId(r.Int(0));
  c.account_id = AccountId(r.Int(1));
  c.name = r.Text(2);
  c.description = r.Text(3);
  c.ticket_access = static_cast<domain::TicketAccess>(r.Int(4));
  c.end_user_profile_edit = r.Bool(5);
  c.configuration = ObjectFromJson(r.Text(6));
  c.created_at = r.Int(7);
  c.updated_at = r.Int(8);
  return c;
}

constexpr const char* kFieldCols =
    "id, account_id, owner, field_key, type, title, description, position, active, "
    "regexp_for_validation, tag, options, created_at, updated_at";

domain::CustomField MapField(const Row& r) {
  domain::CustomField f;
  f.id = FieldId(r.Int(0));
  f.account_id = AccountId(r.Int(1));
  f.owner = static_cast<domain::FieldOwner>(r.Int(2));
  f.key = r.Text(3);
  f.type = r.Text(4);
  f.title = r.Text(5);
  f.description = r.Text(6);
  f.position = static_cast<int>(r.Int(7));
  f.active = r.Bool(8);
  f.regexp_for_validation = r.Text(9);
  f.tag = r.Text(10);
  boost::system::error_code ec;
  auto opts = boost::json::parse(r.Text(11), ec);
  if (!ec && opts.is_array()) {
    for (const auto& o : opts.get_array()) {
      if (!o.is_object()) continue;
      const auto& obj = o.get_object();
      domain::FieldOption opt;
      if (const auto* id = obj.if_contains("id"); id && id->is_int64()) opt.id = id->get_int64();
      if (const auto* n = obj.if_contains("name"); n && n->is_string()) opt.name = n->get_string();
      if (const auto* v = obj.if_contains("value"); v && v->is_string()) {
        opt.value = v->get_string();
      }
      if (const auto* p = obj.if_contains("position"); p && p->is_int64()) {
        opt.position = static_cast<int>(p->get_int64());
      }
      f.options.push_back(std::move(opt));
    }
  }
  f.created_at = r.Int(12);
  f.updated_at = r.Int(13);
  return f;
}

std::string OptionsJson(const std::vector<domain::FieldOption>& options) {
  boost::json::array a;
  for (const auto& o : options) {
    a.push_back(boost::json::object{
        {"id", o.id}, {"name", o.name}, {"value", o.value}, {"position", o.position}});
  }
  return boost::json::serialize(a);
}

}  // namespace

// --- groups ---

Result<domain::Group> SqlGroups::Get(AccountId account, GroupId id) {
  return One<domain::Group>(
      c_.Query(std::string("SELECT ") + kGroupCols + " FROM groups WHERE account_id = ? AND id = ?",
               {account.value, id.value}),
      MapGroup);
}

Result<std::vector<domain::Group>> SqlGroups::GetMany(AccountId account,
                                                      const std::vector<GroupId>& ids) {
  std::vector<domain::Group> out;
  if (ids.empty()) return out;
  Params params{account.value};
  for (auto id : ids) params.emplace_back(id.value);
  auto rows = c_.Query(std::string("SELECT ") + kGroupCols +
                           " FROM groups WHERE +account_id = ? AND id IN (" +
                           Placeholders(ids.size()) + ") ORDER BY id",
                       params);
  if (!rows.ok()) return std::move(rows).TakeStatus();
  for (const auto& r : *rows) out.push_back(MapGroup(r));
  return out;
}

Result<Page<domain::Group>> SqlGroups::List(AccountId account, const GroupFilter& filter,
                                            const PageRequest& page) {
  std::string where = "account_id = ?";
  if (!filter.include_deleted) where += " AND deleted = 0";
  return RunPaged<domain::Group>(c_, kGroupCols, "groups", where, {account.value}, page, "id",
                                 MapGroup);
}

Result<std::int64_t> SqlGroups::Count(AccountId account, const GroupFilter& filter) {
  std::string sql = "SELECT COUNT(*) FROM groups WHERE account_id = ?";
  if (!filter.include_deleted) sql += " AND deleted = 0";
  auto rows = c_.Query(sql, {account.value});
  if (!rows.ok()) return std::move(rows).TakeStatus();
  return (*rows)[0].Int(0);
}

Result<GroupId> SqlGroups::Insert(const domain::Group& g) {
  auto id = InsertReturningId(
      c_,
      "INSERT INTO groups (account_id, name, description, is_default, is_public, deleted, "
      "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
      {g.account_id.value, g.name, g.description, Bool(g.is_default), Bool(g.is_public),
       Bool(g.deleted), g.created_at, g.updated_at});
  if (!id.ok()) return std::move(id).TakeStatus();
  return GroupId(*id);
}

Status SqlGroups::Update(const domain::Group& g) {
  return ExecOne(c_,
                 "UPDATE groups SET name = ?, description = ?, is_default = ?, is_public = ?, "
                 "deleted = ?, updated_at = ? WHERE account_id = ? AND id = ?",
                 {g.name, g.description, Bool(g.is_default), Bool(g.is_public), Bool(g.deleted),
                  g.updated_at, g.account_id.value, g.id.value});
}

// --- group memberships ---

Result<domain::GroupMembership> SqlGroupMemberships::Get(AccountId account, GroupMembershipId id) {
  return One<domain::GroupMembership>(
      c_.Query(std::string("SELECT ") + kGroupMemberCols +
                   " FROM group_memberships WHERE account_id = ? AND id = ?",
               {account.value, id.value}),
      MapGroupMember);
}

Result<domain::GroupMembership> SqlGroupMemberships::Find(AccountId account, UserId user,
                                                          GroupId group) {
  return One<domain::GroupMembership>(
      c_.Query(std::string("SELECT ") + kGroupMemberCols +
                   " FROM group_memberships WHERE account_id = ? AND user_id = ? AND group_id = ?",
               {account.value, user.value, group.value}),
      MapGroupMember);
}

Result<Page<domain::GroupMembership>> SqlGroupMemberships::List(AccountId account,
                                                                const MembershipFilter& f,
                                                                const PageRequest& page) {
  std::string where = "account_id = ?";
  Params params{account.value};
  if (f.user_id) {
    where += " AND user_id = ?";
    params.emplace_back(f.user_id.value);
  }
  if (f.group_id) {
    where += " AND group_id = ?";
    params.emplace_back(f.group_id.value);
  }
  return RunPaged<domain::GroupMembership>(c_, kGroupMemberCols, "group_memberships", where,
                                           std::move(params), page, "id", MapGroupMember);
}

Result<GroupMembershipId> SqlGroupMemberships::Insert(const domain::GroupMembership& m) {
  auto id = InsertReturningId(
      c_,
      "INSERT INTO group_memberships (account_id, user_id, group_id, is_default, created_at, "
      "updated_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
      {m.account_id.value, m.user_id.value, m.group_id.value, Bool(m.is_default), m.created_at,
       m.updated_at});
  if (!id.ok()) return std::move(id).TakeStatus();
  return GroupMembershipId(*id);
}

Status SqlGroupMemberships::Update(const domain::GroupMembership& m) {
  return ExecOne(c_,
                 "UPDATE group_memberships SET is_default = ?, updated_at = ? "
                 "WHERE account_id = ? AND id = ?",
                 {Bool(m.is_default), m.updated_at, m.account_id.value, m.id.value});
}

Status SqlGroupMemberships::Delete(AccountId account, GroupMembershipId id) {
  return ExecOne(c_, "DELETE FROM group_memberships WHERE account_id = ? AND id = ?",
                 {account.value, id.value});
}

// --- custom roles ---

Result<domain::CustomRole> SqlCustomRoles::Get(AccountId account, CustomRoleId id) {
  return One<domain::CustomRole>(c_.Query(std::string("SELECT ") + kRoleCols +
                                              " FROM custom_roles WHERE account_id = ? AND id = ?",
                                          {account.value, id.value}),
                                 MapRole);
}

Result<std::vector<domain::CustomRole>> SqlCustomRoles::List(AccountId account) {
  auto rows = c_.Query(
      std::string("SELECT ") + kRoleCols + " FROM custom_roles WHERE account_id = ? ORDER BY id",
      {account.value});
  if (!rows.ok()) return std::move(rows).TakeStatus();
  std::vector<domain::CustomRole> out;
  for (const auto& r : *rows) out.push_back(MapRole(r));
  return out;
}

Result<CustomRoleId> SqlCustomRoles::Insert(const domain::CustomRole& r) {
  auto id = InsertReturningId(
      c_,
      "INSERT INTO custom_roles (account_id, name, description, ticket_access, "
      "end_user_profile_edit, configuration, created_at, updated_at) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
      {r.account_id.value, r.name, r.description, static_cast<std::int64_t>(r.ticket_access),
       Bool(r.end_user_profile_edit), ToJson(r.configuration), r.created_at, r.updated_at});
  if (!id.ok()) return std::move(id).TakeStatus();
  return CustomRoleId(*id);
}

Status SqlCustomRoles::Update(const domain::CustomRole& r) {
  return ExecOne(c_,
                 "UPDATE custom_roles SET name = ?, description = ?, ticket_access = ?, "
                 "end_user_profile_edit = ?, configuration = ?, updated_at = ? "
                 "WHERE account_id = ? AND id = ?",
                 {r.name, r.description, static_cast<std::int64_t>(r.ticket_access),
                  Bool(r.end_user_profile_edit), ToJson(r.configuration), r.updated_at,
                  r.account_id.value, r.id.value});
}

Status SqlCustomRoles::Delete(AccountId account, CustomRoleId id) {
  return ExecOne(c_, "DELETE FROM custom_roles WHERE account_id = ? AND id = ?",
                 {account.value, id.value});
}

// --- custom fields ---

Result<domain::CustomField> SqlCustomFields::Get(AccountId account, domain::FieldOwner owner,
                                                 FieldId id) {
  return One<domain::CustomField>(
      c_.Query(std::string("SELECT ") + kFieldCols +
                   " FROM custom_fields WHERE account_id = ? AND owner = ? AND id = ?",
               {account.value, static_cast<std::int64_t>(owner), id.value}),
      MapField);
}

Result<std::vector<domain::CustomField>> SqlCustomFields::List(AccountId account,
                                                               domain::FieldOwner owner) {
  auto rows = c_.Query(std::string("SELECT ") + kFieldCols +
                           " FROM custom_fields WHERE account_id = ? AND owner = ? "
                           "ORDER BY position, id",
                       {account.value, static_cast<std::int64_t>(owner)});
  if (!rows.ok()) return std::move(rows).TakeStatus();
  std::vector<domain::CustomField> out;
  for (const auto& r : *rows) out.push_back(MapField(r));
  return out;
}

Result<FieldId> SqlCustomFields::Insert(const domain::CustomField& f) {
  auto id = InsertReturningId(
      c_,
      "INSERT INTO custom_fields (account_id, owner, field_key, type, title, description, "
      "position, active, regexp_for_validation, tag, options, created_at, updated_at) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
      {f.account_id.value, static_cast<std::int64_t>(f.owner), f.key, f.type, f.title,
       f.description, static_cast<std::int64_t>(f.position), Bool(f.active),
       f.regexp_for_validation, f.tag, OptionsJson(f.options), f.created_at, f.updated_at});
  if (!id.ok()) return std::move(id).TakeStatus();
  return FieldId(*id);
}

Status SqlCustomFields::Update(const domain::CustomField& f) {
  return ExecOne(
      c_,
      "UPDATE custom_fields SET field_key = ?, type = ?, title = ?, description = ?, "
      "position = ?, active = ?, regexp_for_validation = ?, tag = ?, options = ?, "
      "updated_at = ? WHERE account_id = ? AND owner = ? AND id = ?",
      {f.key, f.type, f.title, f.description, static_cast<std::int64_t>(f.position), Bool(f.active),
       f.regexp_for_validation, f.tag, OptionsJson(f.options), f.updated_at, f.account_id.value,
       static_cast<std::int64_t>(f.owner), f.id.value});
}

Status SqlCustomFields::Delete(AccountId account, domain::FieldOwner owner, FieldId id) {
  return ExecOne(c_, "DELETE FROM custom_fields WHERE account_id = ? AND owner = ? AND id = ?",
                 {account.value, static_cast<std::int64_t>(owner), id.value});
}

}  // namespace comptoir::sql
