// SQL for accounts, users and identities.
#include "repos_internal.hpp"
#include "sql_util.hpp"

namespace comptoir::sql {

namespace {

constexpr const char* kUserCols =
    "id, account_id, name, email, phone, role, custom_role_id, organization_id, "
    "default_group_id, external_id, alias, details, notes, signature, locale, time_zone, "
    "active, suspended, verified, shared, moderator, only_private_comments, restricted_agent, "
    "tags, user_fields, password_hash, password_changed_at, last_login_at, merged_into_id, "
    "created_at, updated_at";

domain::User MapUser(const Row& r) {
  domain::User u;
  u.id = UserId(r.Int(0));
  u.account_id = AccountId(r.Int(1));
  u.name = r.Text(2);
  u.email = r.Text(3);
  u.phone = r.Text(4);
  u.role = static_cast<domain::Role>(r.Int(5));
  u.custom_role_id = CustomRoleId(r.Int(6));
  u.organization_id = OrganizationId(r.Int(7));
  u.default_group_id = GroupId(r.Int(8));
  u.external_id = r.Text(9);
  u.alias = r.Text(10);
  u.details = r.Text(11);
  u.notes = r.Text(12);
  u.signature = r.Text(13);
  u.locale = r.Text(14);
  u.time_zone = r.Text(15);
  u.active = r.Bool(16);
  u.suspended = r.Bool(17);
  u.verified = r.Bool(18);
  u.shared = r.Bool(19);
  u.moderator = r.Bool(20);
  u.only_private_comments = r.Bool(21);
  u.restricted_agent = r.Bool(22);
  u.tags = StringListFromJson(r.Text(23));
  u.user_fields = ObjectFromJson(r.Text(24));
  u.password_hash = r.Text(25);
  u.password_changed_at = r.Int(26);
  u.last_login_at = r.Int(27);
  u.merged_into = UserId(r.Int(28));
  u.created_at = r.Int(29);
  u.updated_at = r.Int(30);
  return u;
}

// The values of every column but id, in kUserCols order.
Params UserValues(const domain::User& u) {
  return {u.account_id.value,
          u.name,
          TextOrNull(u.email),
          TextOrNull(u.phone),
          static_cast<std::int64_t>(u.role),
          IdOrNull(u.custom_role_id.value),
          IdOrNull(u.organization_id.value),
          IdOrNull(u.default_group_id.value),
          TextOrNull(u.external_id),
          u.alias,
          u.details,
          u.notes,
          u.signature,
          u.locale,
          u.time_zone,
          Bool(u.active),
          Bool(u.suspended),
          Bool(u.verified),
          Bool(u.shared),
          Bool(u.moderator),
          Bool(u.only_private_comments),
          Bool(u.restricted_agent),
          ToJson(u.tags),
          ToJson(u.user_fields),
          u.password_hash,
          u.password_changed_at,
          u.last_login_at,
          IdOrNull(u.merged_into.value),
          u.created_at,
          u.updated_at};
}

std::string UserWhere(AccountId account, const UserFilter& f, Params& params) {
  std::string where = "account_id = ?";
  params.emplace_back(account.value);
  if (!f.roles.empty()) {
    where += " AND role IN (" + Placeholders(f.roles.size()) + ")";
    for (auto r : f.roles) params.emplace_back(static_cast<std::int64_t>(r));
  }
  if (!f.external_id.empty()) {
    where += " AND external_id = ?";
    params.emplace_back(f.external_id);
  }
  if (f.organization_id) {
    where +=
        " AND id IN (SELECT user_id FROM organization_memberships WHERE account_id = ? AND "
        "organization_id = ?)";
    params.emplace_back(account.value);
    params.emplace_back(f.organization_id.value);
  }
  if (f.group_id) {
    where +=
        " AND id IN (SELECT user_id FROM group_memberships WHERE account_id = ? AND "
        "group_id = ?)";
    params.emplace_back(account.value);
    params.emplace_back(f.group_id.value);
  }
  if (!f.query.empty()) {
    std::string like = LikeContains(f.query);
    where +=
        " AND (LOWER(name) LIKE ? ESCAPE '\\' OR LOWER(COALESCE(external_id, '')) LIKE ? "
        "ESCAPE '\\' OR id IN (SELECT user_id FROM user_identities WHERE account_id = ? AND "
        "LOWER(value) LIKE ? ESCAPE '\\'))";
    params.emplace_back(like);
    params.emplace_back(like);
    params.emplace_back(account.value);
    params.emplace_back(like);
  }
  if (!f.name_prefix.empty()) {
    where += " AND LOWER(name) LIKE ? ESCAPE '\\'";
    params.emplace_back(LikePrefix(f.name_prefix));
  }
  if (!f.include_inactive) where += " AND active = 1";
  return where;
}

}  // namespace

// --- accounts ---

namespace {
constexpr const char* kAccountCols = "id, name, settings, created_at, subdomain";
Account MapAccount(const Row& r) {
  return Account{AccountId(r.Int(0)), r.Text(1), r.Text(2), r.Int(3), r.Text(4)};
}
}  // namespace

Result<Account> SqlAccounts::Get(AccountId id) {
  return One<Account>(
      c_.Query(std::string("SELECT ") + kAccountCols + " FROM accounts WHERE id = ?", {id.value}),
      MapAccount);
}

Result<Account> SqlAccounts::FindBySubdomain(std::string_view subdomain) {
  return One<Account>(
      c_.Query(std::string("SELECT ") + kAccountCols + " FROM accounts WHERE subdomain = ?",
               {std::string(subdomain)}),
      MapAccount);
}

Result<std::vector<Account>> SqlAccounts::List() {
  return All<Account>(
      c_.Query(std::string("SELECT ") + kAccountCols + " FROM accounts ORDER BY id", {}),
      MapAccount);
}

Result<AccountId> SqlAccounts::Insert(const Account& a) {
  auto id = InsertReturningId(c_,
                              "INSERT INTO accounts (name, settings, created_at, subdomain) "
                              "VALUES (?, ?, ?, ?) RETURNING id",
                              {a.name, a.settings.empty() ? std::string("{}") : a.settings,
                               a.created_at, TextOrNull(a.subdomain)});
  if (!id.ok()) return std::move(id).TakeStatus();
  return AccountId(*id);
}

Status SqlAccounts::Update(const Account& a) {
  return ExecOne(c_, "UPDATE accounts SET name = ?, settings = ?, subdomain = ? WHERE id = ?",
                 {a.name, a.settings, TextOrNull(a.subdomain), a.id.value});
}

// --- users ---

Result<domain::User> SqlUsers::Get(AccountId account, UserId id) {
  return One<domain::User>(
      c_.Query(std::string("SELECT ") + kUserCols + " FROM users WHERE account_id = ? AND id = ?",
               {account.value, id.value}),
      MapUser);
}

Result<std::vector<domain::User>> SqlUsers::GetMany(AccountId account,
                                                    const std::vector<UserId>& ids) {
  std::vector<domain::User> out;
  if (ids.empty()) return out;
  Params params{account.value};
  for (auto id : ids) params.emplace_back(id.value);
  auto rows = c_.Query(std::string("SELECT ") + kUserCols +
                           " FROM users WHERE +account_id = ? AND id IN (" +
                           Placeholders(ids.size()) + ") ORDER BY id",
                       params);
  if (!rows.ok()) return std::move(rows).TakeStatus();
  for (const auto& r : *rows) out.push_back(MapUser(r));
  return out;
}

Result<domain::User> SqlUsers::FindByExternalId(AccountId account, std::string_view ext) {
  return One<domain::User>(c_.Query(std::string("SELECT ") + kUserCols +
                                        " FROM users WHERE account_id = ? AND external_id = ?",
                                    {account.value, std::string(ext)}),
                           MapUser);
}

Result<Page<domain::User>> SqlUsers::List(AccountId account, const UserFilter& filter,
                                          const PageRequest& page) {
  Params params;
  std::string where = UserWhere(account, filter, params);
  return RunPaged<domain::User>(c_, kUserCols, "users", where, std::move(params), page, "id",
                                MapUser);
}

Result<std::int64_t> SqlUsers::Count(AccountId account, const UserFilter& filter) {
  Params params;
  std::string where = UserWhere(account, filter, params);
  auto rows = c_.Query("SELECT COUNT(*) FROM users WHERE " + where, params);
  if (!rows.ok()) return std::move(rows).TakeStatus();
  return (*rows)[0].Int(0);
}

Result<UserId> SqlUsers::Insert(const domain::User& u) {
  auto id = InsertReturningId(
      c_,
      "INSERT INTO users (account_id, name, email, phone, role, custom_role_id, organization_id, "
      "default_group_id, external_id, alias, details, notes, signature, locale, time_zone, "
      "active, suspended, verified, shared, moderator, only_private_comments, restricted_agent, "
      "tags, user_fields, password_hash, password_changed_at, last_login_at, merged_into_id, "
      "created_at, updated_at) VALUES (" +
          Placeholders(30) + ") RETURNING id",
      UserValues(u));
  if (!id.ok()) return std::move(id).TakeStatus();
  return UserId(*id);
}

Status SqlUsers::Update(const domain::User& u) {
  Params p = UserValues(u);
  p.emplace_back(u.id.value);
  p.emplace_back(u.account_id.value);
  return ExecOne(
      c_,
      "UPDATE users SET account_id = ?, name = ?, email = ?, phone = ?, role = ?, "
      "custom_role_id = ?, organization_id = ?, default_group_id = ?, external_id = ?, "
      "alias = ?, details = ?, notes = ?, signature = ?, locale = ?, time_zone = ?, active = ?, "
      "suspended = ?, verified = ?, shared = ?, moderator = ?, only_private_comments = ?, "
      "restricted_agent = ?, tags = ?, user_fields = ?, password_hash = ?, "
      "password_changed_at = ?, last_login_at = ?, merged_into_id = ?, created_at = ?, "
      "updated_at = ? WHERE id = ? AND account_id = ?",
      p);
}

Status SqlUsers::Delete(AccountId account, UserId id) {
  for (const char* sql : {"DELETE FROM user_identities WHERE account_id = ? AND user_id = ?",
                          "DELETE FROM organization_memberships WHERE account_id = ? AND "
                          "user_id = ?",
                          "DELETE FROM group_memberships WHERE account_id = ? AND user_id = ?",
                          "DELETE FROM api_tokens WHERE account_id = ? AND user_id = ?",
                          "DELETE FROM oauth_tokens WHERE account_id = ? AND user_id = ?"}) {
    auto n = c_.Exec(sql, {account.value, id.value});
    if (!n.ok()) return std::move(n).TakeStatus();
  }
  return ExecOne(c_, "DELETE FROM users WHERE account_id = ? AND id = ?",
                 {account.value, id.value});
}

// --- identities ---

namespace {

constexpr const char* kIdentityCols =
    "id, account_id, user_id, type, value, verified, is_primary, created_at, updated_at";

domain::Identity MapIdentity(const Row& r) {
  domain::Identity i;
  i.id = IdentityId(r.Int(0));
  i.account_id = AccountId(r.Int(1));
  i.user_id = UserId(r.Int(2));
  i.type = static_cast<domain::IdentityType>(r.Int(3));
  i.value = r.Text(4);
  i.verified = r.Bool(5);
  i.primary = r.Bool(6);
  i.created_at = r.Int(7);
  i.updated_at = r.Int(8);
  return i;
}

}  // namespace

Result<domain::Identity> SqlIdentities::Get(AccountId account, IdentityId id) {
  return One<domain::Identity>(c_.Query(std::string("SELECT ") + kIdentityCols +
                                            " FROM user_identities WHERE account_id = ? AND id = ?",
                                        {account.value, id.value}),
                               MapIdentity);
}

Result<std::vector<domain::Identity>> SqlIdentities::ListForUser(AccountId account, UserId user) {
  return ListForUsers(account, {user});
}

Result<std::vector<domain::Identity>> SqlIdentities::ListForUsers(
    AccountId account, const std::vector<UserId>& users) {
  std::vector<domain::Identity> out;
  if (users.empty()) return out;
  Params params{account.value};
  for (auto u : users) params.emplace_back(u.value);
  auto rows = c_.Query(std::string("SELECT ") + kIdentityCols +
                           " FROM user_identities WHERE account_id = ? AND user_id IN (" +
                           Placeholders(users.size()) + ") ORDER BY id",
                       params);
  if (!rows.ok()) return std::move(rows).TakeStatus();
  for (const auto& r : *rows) out.push_back(MapIdentity(r));
  return out;
}

Result<domain::Identity> SqlIdentities::Find(AccountId account, domain::IdentityType type,
                                             std::string_view value) {
  return One<domain::Identity>(
      c_.Query(std::string("SELECT ") + kIdentityCols +
                   " FROM user_identities WHERE account_id = ? AND type = ? AND value = ?",
               {account.value, static_cast<std::int64_t>(type), std::string(value)}),
      MapIdentity);
}

Result<IdentityId> SqlIdentities::Insert(const domain::Identity& i) {
  auto id = InsertReturningId(
      c_,
      "INSERT INTO user_identities (account_id, user_id, type, value, verified, is_primary, "
      "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
      {i.account_id.value, i.user_id.value, static_cast<std::int64_t>(i.type), i.value,
       Bool(i.verified), Bool(i.primary), i.created_at, i.updated_at});
  if (!id.ok()) return std::move(id).TakeStatus();
  return IdentityId(*id);
}

Status SqlIdentities::Update(const domain::Identity& i) {
  return ExecOne(c_,
                 "UPDATE user_identities SET user_id = ?, type = ?, value = ?, verified = ?, "
                 "is_primary = ?, updated_at = ? WHERE account_id = ? AND id = ?",
                 {i.user_id.value, static_cast<std::int64_t>(i.type), i.value, Bool(i.verified),
                  Bool(i.primary), i.updated_at, i.account_id.value, i.id.value});
}

Status SqlIdentities::Delete(AccountId account, IdentityId id) {
  return ExecOne(c_, "DELETE FROM user_identities WHERE account_id = ? AND id = ?",
                 {account.value, id.value});
}

}  // namespace comptoir::sql
