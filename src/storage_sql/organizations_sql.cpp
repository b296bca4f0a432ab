// SQL for organisations, their domains and memberships.
#include <algorithm>

#include "repos_internal.hpp"
#include "sql_util.hpp"

namespace comptoir::sql {

namespace {

constexpr const char* kOrgCols =
    "id, account_id, name, external_id, details, notes, group_id, shared_tickets, "
    "shared_comments, tags, domain_names, organization_fields, created_at, updated_at";

domain::Organization MapOrg(const Row& r) {
  domain::Organization o;
  o.id = OrganizationId(r.Int(0));
  o.account_id = AccountId(r.Int(1));
  o.name = r.Text(2);
  o.external_id = r.Text(3);
  o.details = r.Text(4);
  o.notes = r.Text(5);
  o.group_id = GroupId(r.Int(6));
  o.shared_tickets = r.Bool(7);
  o.shared_comments = r.Bool(8);
  o.tags = StringListFromJson(r.Text(9));
  o.domain_names = StringListFromJson(r.Text(10));
  o.organization_fields = ObjectFromJson(r.Text(11));
  o.created_at = r.Int(12);
  o.updated_at = r.Int(13);
  return o;
}

std::string NameKey(const std::string& name) {
  std::string k = name;
  std::transform(k.begin(), k.end(), k.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return k;
}

Params OrgValues(const domain::Organization& o) {
  return {o.account_id.value,
          o.name,
          NameKey(o.name),
          TextOrNull(o.external_id),
          o.details,
          o.notes,
          IdOrNull(o.group_id.value),
          Bool(o.shared_tickets),
          Bool(o.shared_comments),
          ToJson(o.tags),
          ToJson(o.domain_names),
          ToJson(o.organization_fields),
          o.created_at,
          o.updated_at};
}

std::string OrgWhere(AccountId account, const OrganizationFilter& f, Params& params) {
  std::string where = "account_id = ?";
  params.emplace_back(account.value);
  if (!f.name.empty()) {
    where += " AND name_key = ?";
    params.emplace_back(NameKey(f.name));
  }
  if (!f.name_prefix.empty()) {
    where += " AND name_key LIKE ? ESCAPE '\\'";
    params.emplace_back(LikePrefix(f.name_prefix));
  }
  if (!f.external_id.empty()) {
    where += " AND external_id = ?";
    params.emplace_back(f.external_id);
  }
  if (!f.query.empty()) {
    where += " AND name_key LIKE ? ESCAPE '\\'";
    params.emplace_back(LikeContains(f.query));
  }
  return where;
}

constexpr const char* kOrgMemberCols =
    "id, account_id, user_id, organization_id, is_default, view_tickets, created_at, updated_at";

domain::OrganizationMembership MapOrgMember(const Row& r) {
  domain::OrganizationMembership m;
  m.id = OrganizationMembershipId(r.Int(0));
  m.account_id = AccountId(r.Int(1));
  m.user_id = UserId(r.Int(2));
  m.organization_id = OrganizationId(r.Int(3));
  m.is_default = r.Bool(4);
  m.view_tickets = r.Bool(5);
  m.created_at = r.Int(6);
  m.updated_at = r.Int(7);
  return m;
}

}  // namespace

Result<domain::Organization> SqlOrganizations::Get(AccountId account, OrganizationId id) {
  return One<domain::Organization>(
      c_.Query(
          std::string("SELECT ") + kOrgCols + " FROM organizations WHERE account_id = ? AND id = ?",
          {account.value, id.value}),
      MapOrg);
}

Result<std::vector<domain::Organization>> SqlOrganizations::GetMany(
    AccountId account, const std::vector<OrganizationId>& ids) {
  std::vector<domain::Organization> out;
  if (ids.empty()) return out;
  Params params{account.value};
  for (auto id : ids) params.emplace_back(id.value);
  auto rows = c_.Query(std::string("SELECT ") + kOrgCols +
                           " FROM organizations WHERE +account_id = ? AND id IN (" +
                           Placeholders(ids.size()) + ") ORDER BY id",
                       params);
  if (!rows.ok()) return std::move(rows).TakeStatus();
  for (const auto& r : *rows) out.push_back(MapOrg(r));
  return out;
}

Result<domain::Organization> SqlOrganizations::FindByDomain(AccountId account,
                                                            std::string_view domain) {
  return One<domain::Organization>(
      c_.Query(std::string("SELECT ") + kOrgCols +
                   " FROM organizations WHERE account_id = ? AND id = (SELECT organization_id "
                   "FROM organization_domains WHERE account_id = ? AND domain = ?)",
               {account.value, account.value, std::string(domain)}),
      MapOrg);
}

Result<Page<domain::Organization>> SqlOrganizations::List(AccountId account,
                                                          const OrganizationFilter& filter,
                                                          const PageRequest& page) {
  Params params;
  std::string where = OrgWhere(account, filter, params);
  return RunPaged<domain::Organization>(c_, kOrgCols, "organizations", where, std::move(params),
                                        page, "id", MapOrg);
}

Result<std::int64_t> SqlOrganizations::Count(AccountId account, const OrganizationFilter& filter) {
  Params params;
  std::string where = OrgWhere(account, filter, params);
  auto rows = c_.Query("SELECT COUNT(*) FROM organizations WHERE " + where, params);
  if (!rows.ok()) return std::move(rows).TakeStatus();
  return (*rows)[0].Int(0);
}

Status SqlOrganizations::WriteDomains(const domain::Organization& o) {
  auto n = c_.Exec("DELETE FROM organization_domains WHERE account_id = ? AND organization_id = ?",
                   {o.account_id.value, o.id.value});
  if (!n.ok()) return std::move(n).TakeStatus();
  for (const auto& d : o.domain_names) {
    auto ins = c_.Exec(
        "INSERT INTO organization_domains (account_id, domain, organization_id) VALUES (?, ?, ?)",
        {o.account_id.value, d, o.id.value});
    if (!ins.ok()) return std::move(ins).TakeStatus();
  }
  return Status::Ok();
}

Result<OrganizationId> SqlOrganizations::Insert(const domain::Organization& o) {
  auto id = InsertReturningId(
      c_,
      "INSERT INTO organizations (account_id, name, name_key, external_id, details, notes, "
      "group_id, shared_tickets, shared_comments, tags, domain_names, organization_fields, "
      "created_at, updated_at) VALUES (" +
          Placeholders(14) + ") RETURNING id",
      OrgValues(o));
  if (!id.ok()) return std::move(id).TakeStatus();
  domain::Organization copy = o;
  copy.id = OrganizationId(*id);
  COMPTOIR_RETURN_IF_ERROR(WriteDomains(copy));
  return copy.id;
}

Status SqlOrganizations::Update(const domain::Organization& o) {
  Params p = OrgValues(o);
  p.emplace_back(o.account_id.value);
  p.emplace_back(o.id.value);
  COMPTOIR_RETURN_IF_ERROR(ExecOne(
      c_,
      "UPDATE organizations SET account_id = ?, name = ?, name_key = ?, external_id = ?, "
      "details = ?, notes = ?, group_id = ?, shared_tickets = ?, shared_comments = ?, tags = ?, "
      "domain_names = ?, organization_fields = ?, created_at = ?, updated_at = ? "
      "WHERE account_id = ? AND id = ?",
      p));
  return WriteDomains(o);
}

Status SqlOrganizations::Delete(AccountId account, OrganizationId id) {
  for (const char* sql :
       {"DELETE FROM organization_domains WHERE account_id = ? AND organization_id = ?",
        "DELETE FROM organization_memberships WHERE account_id = ? AND organization_id = ?",
        "UPDATE users SET organization_id = NULL WHERE account_id = ? AND organization_id = ?"}) {
    auto n = c_.Exec(sql, {account.value, id.value});
    if (!n.ok()) return std::move(n).TakeStatus();
  }
  return ExecOne(c_, "DELETE FROM organizations WHERE account_id = ? AND id = ?",
                 {account.value, id.value});
}

// --- organisation memberships ---

Result<domain::OrganizationMembership> SqlOrganizationMemberships::Get(
    AccountId account, OrganizationMembershipId id) {
  return One<domain::OrganizationMembership>(
      c_.Query(std::string("SELECT ") + kOrgMemberCols +
                   " FROM organization_memberships WHERE account_id = ? AND id = ?",
               {account.value, id.value}),
      MapOrgMember);
}

Result<domain::OrganizationMembership> SqlOrganizationMemberships::Find(AccountId account,
                                                                        UserId user,
                                                                        OrganizationId org) {
  return One<domain::OrganizationMembership>(
      c_.Query(std::string("SELECT ") + kOrgMemberCols +
                   " FROM organization_memberships WHERE account_id = ? AND user_id = ? AND "
                   "organization_id = ?",
               {account.value, user.value, org.value}),
      MapOrgMember);
}

Result<Page<domain::OrganizationMembership>> SqlOrganizationMemberships::List(
    AccountId account, const MembershipFilter& f, const PageRequest& page) {
  std::string where = "account_id = ?";
  Params params{account.value};
  if (f.user_id) {
    where += " AND user_id = ?";
    params.emplace_back(f.user_id.value);
  }
  if (f.organization_id) {
    where += " AND organization_id = ?";
    params.emplace_back(f.organization_id.value);
  }
  return RunPaged<domain::OrganizationMembership>(c_, kOrgMemberCols, "organization_memberships",
                                                  where, std::move(params), page, "id",
                                                  MapOrgMember);
}

Result<OrganizationMembershipId> SqlOrganizationMemberships::Insert(
    const domain::OrganizationMembership& m) {
  auto id = InsertReturningId(
      c_,
      "INSERT INTO organization_memberships (account_id, user_id, organization_id, is_default, "
      "view_tickets, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
      {m.account_id.value, m.user_id.value, m.organization_id.value, Bool(m.is_default),
       Bool(m.view_tickets), m.created_at, m.updated_at});
  if (!id.ok()) return std::move(id).TakeStatus();
  return OrganizationMembershipId(*id);
}

Status SqlOrganizationMemberships::Update(const domain::OrganizationMembership& m) {
  return ExecOne(c_,
                 "UPDATE organization_memberships SET user_id = ?, organization_id = ?, "
                 "is_default = ?, view_tickets = ?, updated_at = ? WHERE account_id = ? AND id = ?",
                 {m.user_id.value, m.organization_id.value, Bool(m.is_default),
                  Bool(m.view_tickets), m.updated_at, m.account_id.value, m.id.value});
}

Status SqlOrganizationMemberships::Delete(AccountId account, OrganizationMembershipId id) {
  return ExecOne(c_, "DELETE FROM organization_memberships WHERE account_id = ? AND id = ?",
                 {account.value, id.value});
}

}  // namespace comptoir::sql
