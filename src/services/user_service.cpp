#include "comptoir/services/user_service.hpp"
#include "comptoir/services/search_service.hpp"

#include <algorithm>
#include <set>

#include "comptoir/common/crypto.hpp"
#include "comptoir/domain/validation.hpp"
#include "comptoir/services/account_service.hpp"

namespace comptoir::services {

using domain::IdentityType;
using domain::Role;
using storage::Transaction;

namespace {

Status Duplicate(const std::string& field, const std::string& label, const std::string& value) {
  return Invalid(field, "DuplicateValue",
                 label + ": " + value + " is already being used by another user");
}

bool EndUserMayChange(const UserInput& in) {
  return !in.role && !in.custom_role_id && !in.organization_id && !in.organization_name &&
         !in.default_group_id && !in.external_id && !in.notes && !in.details && !in.tags &&
         !in.user_fields && !in.verified && !in.suspended && !in.shared && !in.moderator &&
         !in.only_private_comments && !in.restricted_agent && !in.email && !in.password &&
         in.identities.empty();
}

// Signs a user out of every browser: suspension, deletion, merge, a new password or a
// new role end their sessions in the transaction that makes the change.
// Ends the user's sessions and voids their unused password reset links (a password set
// by someone, a suspension, a role change or a deletion makes an e-mailed link stale).
Status EndSessions(Transaction& tx, AccountId account, UserId user, Timestamp now) {
  auto n = tx.sessions().DeleteForUser(account, user);
  if (!n.ok()) return n.status();
  return tx.sessions().UsePasswordResets(account, user, now).status();
}

}  // namespace

Result<domain::User> UserService::Load(Transaction& tx, const Context& ctx, UserId id) {
  auto u = tx.users().Get(ctx.account(), id);
  if (!u.ok()) return u.status();
  if (!domain::CanViewUser(ctx.actor, *u)) return PermissionDenied();
  return u;
}

Status UserService::AddIdentityTx(Transaction& tx, domain::User& u, const IdentityInput& in,
                                  const std::string& field) {
  auto type = domain::ParseIdentityType(in.type);
  if (!type) {
    return Invalid(field + ".type", "InvalidValue", "Type: " + in.type + " is not valid");
  }
  auto value = domain::NormalizeIdentityValue(*type, in.value);
  if (!value) {
    return Invalid(field, "InvalidValue",
                   "Value: " + in.value + " is not a valid " + domain::IdentityTypeName(*type));
  }
  auto existing = tx.identities().Find(u.account_id, *type, *value);
  if (existing.ok()) {
    if (existing->user_id == u.id) return Status::Ok();
    return Duplicate(field == "identities" ? "value" : field,
                     *type == IdentityType::kEmail ? "Email" : "Value", *value);
  }
  auto all = tx.identities().ListForUser(u.account_id, u.id);
  if (!all.ok()) return all.status();
  bool has_primary_of_type = std::any_of(
      all->begin(), all->end(), [&](const auto& i) { return i.type == *type && i.primary; });
  if (in.primary && has_primary_of_type) {
    for (auto& i : *all) {
      if (i.type == *type && i.primary) {
        i.primary = false;
        i.updated_at = env_.clock.Now();
        COMPTOIR_RETURN_IF_ERROR(tx.identities().Update(i));
      }
    }
  }
  domain::Identity id;
  id.account_id = u.account_id;
  id.user_id = u.id;
  id.type = *type;
  id.value = *value;
  id.verified = in.verified;
  id.primary = in.primary || !has_primary_of_type;
  id.created_at = id.updated_at = env_.clock.Now();
  auto ins = tx.identities().Insert(id);
  if (!ins.ok()) {
    if (ins.status().code() == ErrorCode::kAlreadyExists) return Duplicate(field, "Value", *value);
    return ins.status();
  }
  return Status::Ok();
}

Status UserService::SyncPrimaryContacts(Transaction& tx, domain::User& u) {
  auto all = tx.identities().ListForUser(u.account_id, u.id);
  if (!all.ok()) return all.status();
  auto pick = [&](IdentityType t) -> std::string {
    const domain::Identity* first = nullptr;
    for (const auto& i : *all) {
      if (i.type != t) continue;
      if (i.primary) return i.value;
      if (!first) first = &i;
    }
    return first ? first->value : std::string();
  };
  u.email = pick(IdentityType::kEmail);
  std::string phone = pick(IdentityType::kPhoneNumber);
  if (!phone.empty()) u.phone = phone;
  return Status::Ok();
}

Status UserService::JoinOrganization(Transaction& tx, const domain::User& u, OrganizationId org,
                                     bool make_default) {
  auto existing = tx.organization_memberships().Find(u.account_id, u.id, org);
  const Timestamp now = env_.clock.Now();
  if (make_default) {
    storage::MembershipFilter f;
    f.user_id = u.id;
    storage::PageRequest p;
    p.limit = 1000;
    auto list = tx.organization_memberships().List(u.account_id, f, p);
    if (!list.ok()) return list.status();
    for (auto& m : list->items) {
      if (m.is_default && m.organization_id != org) {
        m.is_default = false;
        m.updated_at = now;
        COMPTOIR_RETURN_IF_ERROR(tx.organization_memberships().Update(m));
      }
    }
  }
  if (existing.ok()) {
    if (make_default && !existing->is_default) {
      existing->is_default = true;
      existing->updated_at = now;
      return tx.organization_memberships().Update(*existing);
    }
    return Status::Ok();
  }
  domain::OrganizationMembership m;
  m.account_id = u.account_id;
  m.user_id = u.id;
  m.organization_id = org;
  m.is_default = make_default;
  m.created_at = m.updated_at = now;
  return tx.organization_memberships().Insert(m).status();
}

Status UserService::Apply(Transaction& tx, const Context& ctx, domain::User& u, const UserInput& in,
                          bool creating) {
  const AccountId account = ctx.account();
  const bool self = !creating && ctx.actor.user_id == u.id;
  if (!ctx.actor.is_staff() && !EndUserMayChange(in)) {
    return PermissionDenied("End users may only change their name, phone, locale and time zone");
  }
  Validation v;
  if (in.name) {
    std::string name = *in.name;
    name.erase(0, name.find_first_not_of(" \t\r\n"));
    name.erase(name.find_last_not_of(" \t\r\n") + 1);
    if (name.empty()) {
      v.Add("name", "BlankValue", "Name: cannot be blank");
    } else if (name.size() > 255) {
      v.Add("name", "InvalidValue", "Name: is too long (maximum is 255 characters)");
    } else {
      u.name = name;
    }
  }
  if (in.role) {
    auto role = domain::ParseRole(*in.role);
    if (!role) {
      v.Add("role", "InvalidValue", "Role: " + *in.role + " is not valid");
    } else if (*role != u.role || creating) {
      if (creating ? !domain::CanCreateUserWithRole(ctx.actor, *role) : !ctx.actor.is_admin()) {
        return PermissionDenied("You may not give that role");
      }
      if (self && *role != Role::kAdmin && u.role == Role::kAdmin) {
        return Invalid("role", "InvalidValue", "Role: admins cannot demote themselves");
      }
      // Only agents and admins belong to groups: a demotion leaves them.
      if (*role == Role::kEndUser && u.role != Role::kEndUser && !creating) {
        storage::MembershipFilter f;
        f.user_id = u.id;
        storage::PageRequest p;
        p.limit = 10000;
        auto gm = tx.group_memberships().List(account, f, p);
        if (!gm.ok()) return gm.status();
        for (const auto& m : gm->items) {
          COMPTOIR_RETURN_IF_ERROR(tx.group_memberships().Delete(account, m.id));
        }
        u.default_group_id = GroupId();
      }
      u.role = *role;
    }
  }
  if (in.locale) {
    if (!domain::IsValidLocale(*in.locale)) {
      v.Add("locale", "InvalidValue", "Locale: " + *in.locale + " is not valid");
    } else {
      u.locale = *in.locale;
    }
  }
  if (in.time_zone) {
    auto tz = domain::ToIanaTimeZone(*in.time_zone);
    if (!tz) {
      v.Add("time_zone", "InvalidValue", "Time zone: " + *in.time_zone + " is not valid");
    } else {
      u.time_zone = *tz;
    }
  }
  if (in.external_id) {
    if (in.external_id->size() > 255) {
      v.Add("external_id", "InvalidValue", "External ID: is too long");
    } else if (!in.external_id->empty() && *in.external_id != u.external_id) {
      auto other = tx.users().FindByExternalId(account, *in.external_id);
      if (other.ok() && other->id != u.id) {
        v.Add("external_id", "DuplicateValue",
              "External ID: " + *in.external_id + " has already been taken");
      }
    }
    u.external_id = *in.external_id;
  }
  for (auto [opt, dst, label] :
       {std::tuple{&in.alias, &u.alias, "alias"}, std::tuple{&in.details, &u.details, "details"},
        std::tuple{&in.notes, &u.notes, "notes"},
        std::tuple{&in.signature, &u.signature, "signature"}}) {
    if (*opt) {
      if ((*opt)->size() > 65536) {
        v.Add(label, "InvalidValue", std::string(label) + ": is too long");
      } else {
        *dst = **opt;
      }
    }
  }
  if (in.custom_role_id) {
    if (*in.custom_role_id == 0) {
      u.custom_role_id = CustomRoleId();
    } else if (!ctx.actor.is_admin()) {
      return PermissionDenied("Only admins assign roles");
    } else if (!tx.custom_roles().Get(account, CustomRoleId(*in.custom_role_id)).ok()) {
      v.Add("custom_role_id", "InvalidValue", "Custom role: does not exist");
    } else {
      u.custom_role_id = CustomRoleId(*in.custom_role_id);
    }
  }
  if (u.role != Role::kAgent) u.custom_role_id = CustomRoleId();
  if (in.suspended) {
    if (*in.suspended && self) {
      v.Add("suspended", "InvalidValue", "Suspended: you cannot suspend yourself");
    } else if (u.role != Role::kEndUser && !ctx.actor.is_admin()) {
      return PermissionDenied("Only admins suspend agents");
    } else {
      u.suspended = *in.suspended;
    }
  }
  if (in.verified) u.verified = *in.verified;
  if (in.shared) u.shared = *in.shared;
  if (in.moderator) u.moderator = *in.moderator;
  if (in.only_private_comments) u.only_private_comments = *in.only_private_comments;
  if (in.restricted_agent) u.restricted_agent = *in.restricted_agent;
  if (in.tags) u.tags = domain::NormalizeTags(*in.tags);
  if (in.user_fields) {
    auto defs = tx.custom_fields().List(account, domain::FieldOwner::kUser);
    if (!defs.ok()) return defs.status();
    for (const auto& [key, value] : *in.user_fields) {
      auto def =
          std::find_if(defs->begin(), defs->end(), [&](const auto& f) { return f.key == key; });
      std::string path = "user_fields." + std::string(key);
      if (def == defs->end()) {
        v.Add(path, "InvalidValue", "User field " + std::string(key) + " does not exist");
        continue;
      }
      auto checked = domain::ValidateFieldValue(*def, value, path);
      if (!checked.ok()) {
        for (const auto& d : checked.status().details()) v.Add(d.field, d.error, d.description);
        continue;
      }
      u.user_fields[key] = *checked;
    }
  }
  std::optional<std::string> email;
  if (in.email && !in.email->empty()) {
    email = domain::NormalizeEmail(*in.email);
    if (!email)
      v.Add("email", "InvalidValue", "Email: " + *in.email + " is not properly formatted");
  }
  std::optional<std::string> phone;
  if (in.phone) {
    if (in.phone->empty()) {
      u.phone.clear();
    } else {
      phone = domain::NormalizePhone(*in.phone);
      if (!phone) v.Add("phone", "InvalidValue", "Phone: " + *in.phone + " is not valid");
    }
  }
  if (creating && !in.name) v.Add("name", "BlankValue", "Name: cannot be blank");
  if (in.password) {
    Status policy = CheckPasswordPolicy(*in.password, email.value_or(u.email));
    for (const auto& d : policy.details()) v.Add(d.field, d.error, d.description);
  }
  COMPTOIR_RETURN_IF_ERROR(v.Finish());

  const Timestamp now = env_.clock.Now();
  u.updated_at = now;
  if (creating) {
    u.account_id = account;
    u.created_at = now;
    auto id = tx.users().Insert(u);
    if (!id.ok()) {
      if (id.status().code() == ErrorCode::kAlreadyExists) {
        return Invalid("external_id", "DuplicateValue", "External ID: has already been taken");
      }
      return id.status();
    }
    u.id = *id;
  }
  if (email && *email != u.email) {
    COMPTOIR_RETURN_IF_ERROR(AddIdentityTx(tx, u, {"email", *email, false, true}, "email"));
  }
  if (phone && *phone != u.phone) {
    COMPTOIR_RETURN_IF_ERROR(AddIdentityTx(tx, u, {"phone_number", *phone, false, true}, "phone"));
    u.phone = *phone;
  }
  for (std::size_t i = 0; i < in.identities.size(); ++i) {
    COMPTOIR_RETURN_IF_ERROR(AddIdentityTx(tx, u, in.identities[i], "identities"));
  }
  COMPTOIR_RETURN_IF_ERROR(SyncPrimaryContacts(tx, u));

  // Organisation: explicit id, by name (created when new), or by email domain.
  OrganizationId org;
  if (in.organization_id) {
    if (*in.organization_id != 0) {
      auto o = tx.organizations().Get(account, OrganizationId(*in.organization_id));
      if (!o.ok())
        return Invalid("organization_id", "InvalidValue", "Organization: does not exist");
      org = o->id;
    } else {
      u.organization_id = OrganizationId();
    }
  } else if (in.organization_name && !in.organization_name->empty()) {
    storage::OrganizationFilter f;
    f.name = *in.organization_name;
    storage::PageRequest p;
    p.limit = 1;
    auto found = tx.organizations().List(account, f, p);
    if (!found.ok()) return found.status();
    if (!found->items.empty()) {
      org = found->items[0].id;
    } else {
      if (!domain::CanEditOrganizations(ctx.actor)) {
        return PermissionDenied("You may not create organizations");
      }
      domain::Organization o;
      o.account_id = account;
      o.name = *in.organization_name;
      o.created_at = o.updated_at = now;
      auto id = tx.organizations().Insert(o);
      if (!id.ok()) return id.status();
      org = *id;
      o.id = *id;
      COMPTOIR_RETURN_IF_ERROR(IndexOrganization(tx, o));  // search
    }
  } else if (creating && !u.email.empty()) {
    auto o = tx.organizations().FindByDomain(account, domain::EmailDomain(u.email));
    if (o.ok()) org = o->id;
  }
  if (org) {
    COMPTOIR_RETURN_IF_ERROR(JoinOrganization(tx, u, org, true));
    u.organization_id = org;
  }

  if (in.default_group_id) {
    if (*in.default_group_id == 0) {
      u.default_group_id = GroupId();
    } else {
      GroupId g(*in.default_group_id);
      auto group = tx.groups().Get(account, g);
      if (!group.ok() || group->deleted) {
        return Invalid("default_group_id", "InvalidValue", "Default group: does not exist");
      }
      if (!u.is_staff()) {
        return Invalid("default_group_id", "InvalidValue",
                       "Default group: only agents and admins belong to groups");
      }
      auto member = tx.group_memberships().Find(account, u.id, g);
      if (!member.ok()) {
        domain::GroupMembership m;
        m.account_id = account;
        m.user_id = u.id;
        m.group_id = g;
        m.is_default = true;
        m.created_at = m.updated_at = now;
        auto ins = tx.group_memberships().Insert(m);
        if (!ins.ok()) return ins.status();
      }
      u.default_group_id = g;
    }
  }
  COMPTOIR_RETURN_IF_ERROR(tx.users().Update(u));
  return IndexUser(tx, u);  // search
}

Result<domain::User> UserService::Create(const Context& ctx, const UserInput& in) {
  if (!ctx.actor.is_staff()) return PermissionDenied();
  std::string hash;
  if (in.password) {
    COMPTOIR_RETURN_IF_ERROR(CheckPasswordPolicy(*in.password, in.email.value_or("")));
    if (!ctx.actor.is_admin()) return PermissionDenied("Only admins set passwords");
    auto h = crypto::HashPassword(*in.password);
    if (!h.ok()) return h.status();
    hash = *h;
  }
  domain::User u;
  Status st = env_.store.Write([&](Transaction& tx) -> Status {
    u = domain::User();
    if (!hash.empty()) {
      u.password_hash = hash;
      u.password_changed_at = env_.clock.Now();
    }
    COMPTOIR_RETURN_IF_ERROR(Apply(tx, ctx, u, in, /*creating=*/true));
    return RecordAudit(tx, ctx, u.created_at, "user", u.id.value, u.name, "create",
                       std::string("Created ") + domain::RoleName(u.role));
  });
  if (!st.ok()) return st;
  return u;
}

Result<domain::User> UserService::CreateInTransaction(Transaction& tx, const Context& ctx,
                                                      const UserInput& in) {
  if (in.password) return Internal("CreateInTransaction does not set passwords");
  domain::User u;
  COMPTOIR_RETURN_IF_ERROR(Apply(tx, ctx, u, in, /*creating=*/true));
  COMPTOIR_RETURN_IF_ERROR(RecordAudit(tx, ctx, u.created_at, "user", u.id.value, u.name, "create",
                                       std::string("Created ") + domain::RoleName(u.role)));
  return u;
}

Result<std::pair<domain::User, bool>> UserService::CreateOrUpdate(const Context& ctx,
                                                                  const UserInput& in) {
  if (!ctx.actor.is_staff()) return PermissionDenied();
  UserId existing;
  Status st = env_.store.Read([&](Transaction& tx) -> Status {
    if (in.external_id && !in.external_id->empty()) {
      auto u = tx.users().FindByExternalId(ctx.account(), *in.external_id);
      if (u.ok()) existing = u->id;
    }
    if (!existing && in.email) {
      if (auto e = domain::NormalizeEmail(*in.email)) {
        auto i = tx.identities().Find(ctx.account(), IdentityType::kEmail, *e);
        if (i.ok()) existing = i->user_id;
      }
    }
    return Status::Ok();
  });
  if (!st.ok()) return st;
  if (existing) {
    auto u = Update(ctx, existing, in);
    if (!u.ok()) return u.status();
    return std::make_pair(std::move(u).value(), false);
  }
  auto u = Create(ctx, in);
  if (!u.ok()) return u.status();
  return std::make_pair(std::move(u).value(), true);
}

Result<domain::User> UserService::Update(const Context& ctx, UserId id, const UserInput& in) {
  std::string hash;
  if (in.password) {
    auto h = crypto::HashPassword(*in.password);
    if (!h.ok()) return h.status();
    hash = *h;
  }
  domain::User u;
  Status st = env_.store.Write([&](Transaction& tx) -> Status {
    auto loaded = Load(tx, ctx, id);
    if (!loaded.ok()) return loaded.status();
    u = std::move(loaded).value();
    if (!u.active) return Invalid("base", "InvalidValue", "User: is deleted or merged");
    if (!domain::CanEditUser(ctx.actor, u)) return PermissionDenied();
    if (in.password && !ctx.actor.is_admin()) return PermissionDenied("Only admins set passwords");
    if (!hash.empty()) {
      u.password_hash = hash;
      u.password_changed_at = env_.clock.Now();
    }
    const bool was_suspended = u.suspended;
    const Role was_role = u.role;
    COMPTOIR_RETURN_IF_ERROR(Apply(tx, ctx, u, in, /*creating=*/false));
    if (!hash.empty() || (u.suspended && !was_suspended) || u.role != was_role) {
      COMPTOIR_RETURN_IF_ERROR(EndSessions(tx, ctx.account(), id, env_.clock.Now()));
    }
    return RecordAudit(tx, ctx, u.updated_at, "user", u.id.value, u.name, "update",
                       "Profile updated");
  });
  if (!st.ok()) return st;
  auth_.Invalidate(id);
  return u;
}

Result<domain::User> UserService::Get(const Context& ctx, UserId id) {
  Result<domain::User> out = NotFound();
  COMPTOIR_RETURN_IF_ERROR(env_.store.Read([&](Transaction& tx) {
    out = Load(tx, ctx, id);
    return Status::Ok();
  }));
  return out;
}

Result<std::vector<domain::User>> UserService::GetMany(const Context& ctx,
                                                       const std::vector<UserId>& ids) {
  std::vector<domain::User> out;
  COMPTOIR_RETURN_IF_ERROR(env_.store.Read([&](Transaction& tx) -> Status {
    auto all = tx.users().GetMany(ctx.account(), ids);
    if (!all.ok()) return all.status();
    for (auto& u : *all) {
      if (domain::CanViewUser(ctx.actor, u)) out.push_back(std::move(u));
    }
    return Status::Ok();
  }));
  return out;
}

Result<std::vector<domain::User>> UserService::GetManyByExternalIds(
    const Context& ctx, const std::vector<std::string>& ids) {
  std::vector<domain::User> out;
  COMPTOIR_RETURN_IF_ERROR(env_.store.Read([&](Transaction& tx) -> Status {
    for (const auto& e : ids) {
      auto u = tx.users().FindByExternalId(ctx.account(), e);
      if (u.ok() && domain::CanViewUser(ctx.actor, *u)) out.push_back(std::move(u).value());
    }
    return Status::Ok();
  }));
  return out;
}

Result<storage::Page<domain::User>> UserService::List(const Context& ctx,
                                                      const storage::UserFilter& f,
                                                      const storage::PageRequest& p) {
  if (!ctx.actor.is_staff()) return PermissionDenied();
  Result<storage::Page<domain::User>> out = storage::Page<domain::User>{};
  COMPTOIR_RETURN_IF_ERROR(env_.store.Read([&](Transaction& tx) {
    out = tx.users().List(ctx.account(), f, p);
    return Status::Ok();
  }));
  return out;
}

Result<std::int64_t> UserService::Count(const Context& ctx, const storage::UserFilter& f) {
  if (!ctx.actor.is_staff()) return PermissionDenied();
  Result<std::int64_t> out = std::int64_t{0};
  COMPTOIR_RETURN_IF_ERROR(env_.store.Read([&](Transaction& tx) {
    out = tx.users().Count(ctx.account(), f);
    return Status::Ok();
  }));
  return out;
}

Result<domain::User> UserService::Delete(const Context& ctx, UserId id) {
  domain::User u;
  Status st = env_.store.Write([&](Transaction& tx) -> Status {
    auto loaded = Load(tx, ctx, id);
    if (!loaded.ok()) return loaded.status();
    u = std::move(loaded).value();
    if (!ctx.actor.is_staff() || !domain::CanEditUser(ctx.actor, u)) return PermissionDenied();
    if (u.id == ctx.actor.user_id) {
      return Invalid("base", "InvalidValue", "You cannot delete yourself");
    }
    auto ids = tx.identities().ListForUser(ctx.account(), id);
    if (!ids.ok()) return ids.status();
    for (const auto& i : *ids)
      COMPTOIR_RETURN_IF_ERROR(tx.identities().Delete(ctx.account(), i.id));
    storage::MembershipFilter f;
    f.user_id = id;
    storage::PageRequest p;
    p.limit = 10000;
    auto om = tx.organization_memberships().List(ctx.account(), f, p);
    if (!om.ok()) return om.status();
    for (const auto& m : om->items) {
      COMPTOIR_RETURN_IF_ERROR(tx.organization_memberships().Delete(ctx.account(), m.id));
    }
    auto gm = tx.group_memberships().List(ctx.account(), f, p);
    if (!gm.ok()) return gm.status();
    for (const auto& m : gm->items) {
      COMPTOIR_RETURN_IF_ERROR(tx.group_memberships().Delete(ctx.account(), m.id));
    }
    u.active = false;
    u.email.clear();
    u.password_hash.clear();
    u.organization_id = OrganizationId();
    u.default_group_id = GroupId();
    u.updated_at = env_.clock.Now();
    COMPTOIR_RETURN_IF_ERROR(tx.users().Update(u));
    COMPTOIR_RETURN_IF_ERROR(IndexUser(tx, u));  // search
    COMPTOIR_RETURN_IF_ERROR(EndSessions(tx, ctx.account(), id, env_.clock.Now()));
    return RecordAudit(tx, ctx, u.updated_at, "user", u.id.value, u.name, "destroy",
                       "User deleted");
  });
  if (!st.ok()) return st;
  auth_.Invalidate(id);
  return u;
}

Status UserService::DeletePermanently(const Context& ctx, UserId id) {
  if (!ctx.actor.is_admin()) return PermissionDenied();
  return env_.store.Write([&](Transaction& tx) -> Status {
    auto u = tx.users().Get(ctx.account(), id);
    if (!u.ok()) return u.status();
    if (u->active) {
      return Invalid("base", "InvalidValue", "User: must be deleted before it is purged");
    }
    COMPTOIR_RETURN_IF_ERROR(EndSessions(tx, ctx.account(), id, env_.clock.Now()));
    COMPTOIR_RETURN_IF_ERROR(UnindexUser(tx, ctx.account(), id));  // search
    COMPTOIR_RETURN_IF_ERROR(tx.users().Delete(ctx.account(), id));
    return RecordAudit(tx, ctx, env_.clock.Now(), "user", id.value, u->name, "purge",
                       "User permanently deleted");
  });
}

Status UserService::CheckPasswordPolicy(const std::string& password, const std::string& email) {
  Validation v;
  if (password.size() < 8) {
    v.Add("password", "InvalidValue", "Password: must be at least 8 characters");
  }
  if (password.size() > 128) {
    v.Add("password", "InvalidValue", "Password: must be at most 128 characters");
  }
  bool letter = std::any_of(password.begin(), password.end(),
                            [](unsigned char c) { return std::isalpha(c) || c >= 0x80; });
  bool other = std::any_of(password.begin(), password.end(),
                           [](unsigned char c) { return !std::isalpha(c) && c < 0x80; });
  if (!letter || !other) {
    v.Add("password", "InvalidValue", "Password: must mix letters with digits or symbols");
  }
  if (!email.empty() && password == email) {
    v.Add("password", "InvalidValue", "Password: must not be your email address");
  }
  return v.Finish();
}

Status UserService::SetPassword(const Context& ctx, UserId id, const std::string& password) {
  if (!ctx.actor.is_admin()) return PermissionDenied();
  std::string email;
  COMPTOIR_RETURN_IF_ERROR(env_.store.Read([&](Transaction& tx) -> Status {
    auto u = Load(tx, ctx, id);
    if (!u.ok()) return u.status();
    email = u->email;
    return Status::Ok();
  }));
  COMPTOIR_RETURN_IF_ERROR(CheckPasswordPolicy(password, email));
  auto hash = crypto::HashPassword(password);
  if (!hash.ok()) return hash.status();
  Status st = env_.store.Write([&](Transaction& tx) -> Status {
    auto u = Load(tx, ctx, id);
    if (!u.ok()) return u.status();
    u->password_hash = *hash;
    u->password_changed_at = u->updated_at = env_.clock.Now();
    COMPTOIR_RETURN_IF_ERROR(tx.users().Update(*u));
    COMPTOIR_RETURN_IF_ERROR(EndSessions(tx, ctx.account(), id, env_.clock.Now()));
    return RecordAudit(tx, ctx, u->updated_at, "user", id.value, u->name, "update",
                       "Password set by an admin");
  });
  if (st.ok()) auth_.Invalidate(id);
  return st;
}

Status UserService::ChangePassword(const Context& ctx, UserId id, const std::string& previous,
                                   const std::string& password) {
  if (ctx.actor.user_id != id) return PermissionDenied("You can only change your own password");
  domain::User u;
  COMPTOIR_RETURN_IF_ERROR(env_.store.Read([&](Transaction& tx) -> Status {
    auto loaded = Load(tx, ctx, id);
    if (!loaded.ok()) return loaded.status();
    u = std::move(loaded).value();
    return Status::Ok();
  }));
  if (!u.password_hash.empty() && !crypto::VerifyPassword(u.password_hash, previous)) {
    return Invalid("previous_password", "InvalidValue", "Previous password: is incorrect");
  }
  if (password == previous) {
    return Invalid("password", "InvalidValue", "Password: must differ from the previous one");
  }
  COMPTOIR_RETURN_IF_ERROR(CheckPasswordPolicy(password, u.email));
  auto hash = crypto::HashPassword(password);
  if (!hash.ok()) return hash.status();
  Status st = env_.store.Write([&](Transaction& tx) -> Status {
    auto fresh = tx.users().Get(ctx.account(), id);
    if (!fresh.ok()) return fresh.status();
    fresh->password_hash = *hash;
    fresh->password_changed_at = fresh->updated_at = env_.clock.Now();
    COMPTOIR_RETURN_IF_ERROR(tx.users().Update(*fresh));
    COMPTOIR_RETURN_IF_ERROR(EndSessions(tx, ctx.account(), id, env_.clock.Now()));
    return RecordAudit(tx, ctx, fresh->updated_at, "user", id.value, fresh->name, "update",
                       "Password changed");
  });
  if (st.ok()) auth_.Invalidate(id);
  return st;
}

Result<std::vector<std::string>> UserService::ChangeTags(const Context& ctx, UserId id, TagOp op,
                                                         const std::vector<std::string>& tags) {
  std::vector<std::string> result;
  Status st = env_.store.Write([&](Transaction& tx) -> Status {
    auto u = Load(tx, ctx, id);
    if (!u.ok()) return u.status();
    if (op != TagOp::kSet || !tags.empty() || true) {
      if (!ctx.actor.is_staff() || !domain::CanEditUser(ctx.actor, *u)) return PermissionDenied();
    }
    auto norm = domain::NormalizeTags(tags);
    switch (op) {
      case TagOp::kSet:
        u->tags = norm;
        break;
      case TagOp::kAdd:
        for (auto& t : norm) {
          if (std::find(u->tags.begin(), u->tags.end(), t) == u->tags.end()) u->tags.push_back(t);
        }
        break;
      case TagOp::kRemove:
        std::erase_if(u->tags, [&](const std::string& t) {
          return std::find(norm.begin(), norm.end(), t) != norm.end();
        });
        break;
    }
    u->updated_at = env_.clock.Now();
    result = u->tags;
    COMPTOIR_RETURN_IF_ERROR(tx.users().Update(*u));
    return IndexUser(tx, *u);  // search
  });
  if (!st.ok()) return st;
  return result;
}

Result<domain::User> UserService::Merge(const Context& ctx, UserId source_id, UserId target_id) {
  if (!ctx.actor.is_staff()) return PermissionDenied();
  domain::User target;
  MergeReport report;
  Status st = env_.store.Write([&](Transaction& tx) -> Status {
    const AccountId account = ctx.account();
    auto source = Load(tx, ctx, source_id);
    if (!source.ok()) return source.status();
    auto tgt = tx.users().Get(account, target_id);
    if (!tgt.ok()) return Invalid("id", "InvalidValue", "Target user: does not exist");
    target = std::move(tgt).value();
    if (source_id == target_id) {
      return Invalid("id", "InvalidValue", "A user cannot be merged into itself");
    }
    if (source->is_staff() || target.is_staff()) {
      return Invalid("base", "InvalidValue", "Agents and admins cannot be merged");
    }
    if (!source->active || !target.active) {
      return Invalid("base", "InvalidValue", "Deleted or merged users cannot be merged");
    }
    if (!domain::CanEditUser(ctx.actor, *source) || !domain::CanEditUser(ctx.actor, target)) {
      return PermissionDenied();
    }
    const Timestamp now = env_.clock.Now();
    // Identities move; the target keeps its primary ones.
    auto target_ids = tx.identities().ListForUser(account, target_id);
    if (!target_ids.ok()) return target_ids.status();
    auto source_ids = tx.identities().ListForUser(account, source_id);
    if (!source_ids.ok()) return source_ids.status();
    for (auto& i : *source_ids) {
      bool has_primary = std::any_of(target_ids->begin(), target_ids->end(),
                                     [&](const auto& t) { return t.type == i.type && t.primary; });
      i.user_id = target_id;
      i.primary = !has_primary && i.primary;
      if (i.primary) target_ids->push_back(i);
      i.updated_at = now;
      COMPTOIR_RETURN_IF_ERROR(tx.identities().Update(i));
      ++report.identities;
    }
    // Organisation memberships move unless the target already has them.
    storage::MembershipFilter f;
    f.user_id = source_id;
    storage::PageRequest p;
    p.limit = 10000;
    auto memberships = tx.organization_memberships().List(account, f, p);
    if (!memberships.ok()) return memberships.status();
    for (const auto& m : memberships->items) {
      COMPTOIR_RETURN_IF_ERROR(tx.organization_memberships().Delete(account, m.id));
      if (!tx.organization_memberships().Find(account, target_id, m.organization_id).ok()) {
        COMPTOIR_RETURN_IF_ERROR(
            JoinOrganization(tx, target, m.organization_id, !target.organization_id));
        if (!target.organization_id) target.organization_id = m.organization_id;
        ++report.organization_memberships;
      }
    }
    for (const auto& t : source->tags) {
      if (std::find(target.tags.begin(), target.tags.end(), t) == target.tags.end()) {
        target.tags.push_back(t);
        ++report.tags;
      }
    }
    for (const auto& [k, val] : source->user_fields) {
      if (!target.user_fields.contains(k) || target.user_fields.at(k).is_null()) {
        target.user_fields[k] = val;
        ++report.user_fields;
      }
    }
    // Tickets: requester and submitter, CC/collaborator/follower lists, comment authorship.
    COMPTOIR_RETURN_IF_ERROR(tx.tickets().ReassignUser(account, source_id, target_id));
    COMPTOIR_RETURN_IF_ERROR(tx.comments().ReassignAuthor(account, source_id, target_id));
    {
      storage::TicketFilter tf;
      tf.cc_user_id = source_id;
      storage::PageRequest tp;
      tp.limit = 500;
      tp.cursor = true;
      for (;;) {
        auto page = tx.tickets().List(account, tf, tp);
        if (!page.ok()) return page.status();
        for (auto& t : page->items) {
          for (auto* list : {&t.collaborator_ids, &t.email_cc_ids, &t.follower_ids}) {
            bool had = std::erase(*list, source_id.value) > 0;
            if (had && std::find(list->begin(), list->end(), target_id.value) == list->end()) {
              list->push_back(target_id.value);
            }
          }
          COMPTOIR_RETURN_IF_ERROR(tx.tickets().Update(t));
          ++report.tickets;
        }
        if (!page->has_more || page->items.empty()) break;
        tp.after_id = page->items.back().id.value;
      }
      storage::TicketFilter rf;
      rf.requester_id = target_id;
      auto requested = tx.tickets().Count(account, rf);
      if (requested.ok()) report.tickets += static_cast<int>(*requested);
    }
    if (target.external_id.empty()) target.external_id.swap(source->external_id);
    if (target.phone.empty()) target.phone = source->phone;
    if (!source->notes.empty()) {
      target.notes += (target.notes.empty() ? "" : "\n") + source->notes;
    }
    COMPTOIR_RETURN_IF_ERROR(SyncPrimaryContacts(tx, target));
    target.updated_at = now;
    // The source stays as an inactive tombstone pointing at the target.
    source->active = false;
    source->email.clear();
    source->phone.clear();
    source->external_id.clear();
    source->password_hash.clear();
    source->organization_id = OrganizationId();
    source->merged_into = target_id;
    source->updated_at = now;
    COMPTOIR_RETURN_IF_ERROR(tx.users().Update(*source));
    COMPTOIR_RETURN_IF_ERROR(tx.users().Update(target));
    COMPTOIR_RETURN_IF_ERROR(IndexUser(tx, *source));  // search
    COMPTOIR_RETURN_IF_ERROR(IndexUser(tx, target));   // search
    COMPTOIR_RETURN_IF_ERROR(EndSessions(tx, account, source_id, env_.clock.Now()));
    std::string what = "Merged user " + std::to_string(source_id.value) + " (" + source->name +
                       ") into " + std::to_string(target_id.value) + ": moved " +
                       std::to_string(report.identities) + " identities, " +
                       std::to_string(report.organization_memberships) +
                       " organization memberships, " + std::to_string(report.tags) + " tags, " +
                       std::to_string(report.user_fields) + " user fields; the target now has " +
                       std::to_string(report.tickets) + " tickets";
    COMPTOIR_RETURN_IF_ERROR(
        RecordAudit(tx, ctx, now, "user", source_id.value, source->name, "merge", what));
    return RecordAudit(tx, ctx, now, "user", target_id.value, target.name, "merge", what);
  });
  if (!st.ok()) return st;
  auth_.Invalidate(source_id);
  return target;
}

// --- identities ---

Result<std::vector<domain::Identity>> UserService::Identities(const Context& ctx, UserId user) {
  Result<std::vector<domain::Identity>> out = std::vector<domain::Identity>{};
  COMPTOIR_RETURN_IF_ERROR(env_.store.Read([&](Transaction& tx) -> Status {
    auto u = Load(tx, ctx, user);
    if (!u.ok()) return u.status();
    out = tx.identities().ListForUser(ctx.account(), user);
    return Status::Ok();
  }));
  return out;
}

Result<std::vector<domain::Identity>> UserService::IdentitiesOf(const Context& ctx,
                                                                const std::vector<UserId>& users) {
  Result<std::vector<domain::Identity>> out = std::vector<domain::Identity>{};
  COMPTOIR_RETURN_IF_ERROR(env_.store.Read([&](Transaction& tx) -> Status {
    out = tx.identities().ListForUsers(ctx.account(), users);
    return Status::Ok();
  }));
  if (out.ok() && !ctx.actor.is_staff()) {
    std::erase_if(*out, [&](const auto& i) { return i.user_id != ctx.actor.user_id; });
  }
  return out;
}

Result<domain::Identity> UserService::GetIdentity(const Context& ctx, UserId user, IdentityId id) {
  Result<domain::Identity> out = NotFound();
  COMPTOIR_RETURN_IF_ERROR(env_.store.Read([&](Transaction& tx) -> Status {
    auto u = Load(tx, ctx, user);
    if (!u.ok()) return u.status();
    out = tx.identities().Get(ctx.account(), id);
    if (out.ok() && out->user_id != user) out = NotFound();
    return Status::Ok();
  }));
  return out;
}

Result<domain::Identity> UserService::AddIdentity(const Context& ctx, UserId user,
                                                  const IdentityInput& in) {
  domain::Identity created;
  Status st = env_.store.Write([&](Transaction& tx) -> Status {
    auto u = Load(tx, ctx, user);
    if (!u.ok()) return u.status();
    if (!domain::CanEditUser(ctx.actor, *u)) return PermissionDenied();
    auto type = domain::ParseIdentityType(in.type);
    if (!type) return Invalid("type", "InvalidValue", "Type: " + in.type + " is not valid");
    auto value = domain::NormalizeIdentityValue(*type, in.value);
    if (!value) return Invalid("value", "InvalidValue", "Value: " + in.value + " is not valid");
    IdentityInput fixed = in;
    fixed.verified = in.verified && ctx.actor.is_staff();
    COMPTOIR_RETURN_IF_ERROR(AddIdentityTx(tx, *u, fixed, "value"));
    auto made = tx.identities().Find(ctx.account(), *type, *value);
    if (!made.ok()) return made.status();
    created = *made;
    COMPTOIR_RETURN_IF_ERROR(SyncPrimaryContacts(tx, *u));
    u->updated_at = env_.clock.Now();
    return tx.users().Update(*u);
  });
  if (!st.ok()) return st;
  return created;
}

Result<domain::Identity> UserService::UpdateIdentity(const Context& ctx, UserId user, IdentityId id,
                                                     std::optional<std::string> value,
                                                     std::optional<bool> verified) {
  domain::Identity out;
  Status st = env_.store.Write([&](Transaction& tx) -> Status {
    auto u = Load(tx, ctx, user);
    if (!u.ok()) return u.status();
    if (!domain::CanEditUser(ctx.actor, *u)) return PermissionDenied();
    auto i = tx.identities().Get(ctx.account(), id);
    if (!i.ok() || i->user_id != user) return NotFound();
    if (value) {
      auto v = domain::NormalizeIdentityValue(i->type, *value);
      if (!v) return Invalid("value", "InvalidValue", "Value: " + *value + " is not valid");
      auto other = tx.identities().Find(ctx.account(), i->type, *v);
      if (other.ok() && other->id != id) return Duplicate("value", "Value", *v);
      i->value = *v;
    }
    if (verified) {
      if (!ctx.actor.is_staff()) return PermissionDenied();
      i->verified = *verified;
    }
    i->updated_at = env_.clock.Now();
    COMPTOIR_RETURN_IF_ERROR(tx.identities().Update(*i));
    out = *i;
    COMPTOIR_RETURN_IF_ERROR(SyncPrimaryContacts(tx, *u));
    u->updated_at = out.updated_at;
    return tx.users().Update(*u);
  });
  if (!st.ok()) return st;
  auth_.Invalidate(user);
  return out;
}

Result<std::vector<domain::Identity>> UserService::MakePrimary(const Context& ctx, UserId user,
                                                               IdentityId id) {
  std::vector<domain::Identity> out;
  Status st = env_.store.Write([&](Transaction& tx) -> Status {
    auto u = Load(tx, ctx, user);
    if (!u.ok()) return u.status();
    if (!domain::CanEditUser(ctx.actor, *u)) return PermissionDenied();
    auto all = tx.identities().ListForUser(ctx.account(), user);
    if (!all.ok()) return all.status();
    auto it = std::find_if(all->begin(), all->end(), [&](const auto& i) { return i.id == id; });
    if (it == all->end()) return NotFound();
    const auto type = it->type;
    const Timestamp now = env_.clock.Now();
    for (auto& i : *all) {
      if (i.type != type) continue;
      bool primary = i.id == id;
      if (i.primary != primary) {
        i.primary = primary;
        i.updated_at = now;
        COMPTOIR_RETURN_IF_ERROR(tx.identities().Update(i));
      }
    }
    out = *all;
    COMPTOIR_RETURN_IF_ERROR(SyncPrimaryContacts(tx, *u));
    u->updated_at = now;
    return tx.users().Update(*u);
  });
  if (!st.ok()) return st;
  return out;
}

Status UserService::DeleteIdentity(const Context& ctx, UserId user, IdentityId id) {
  Status st = env_.store.Write([&](Transaction& tx) -> Status {
    auto u = Load(tx, ctx, user);
    if (!u.ok()) return u.status();
    if (!domain::CanEditUser(ctx.actor, *u)) return PermissionDenied();
    auto all = tx.identities().ListForUser(ctx.account(), user);
    if (!all.ok()) return all.status();
    auto it = std::find_if(all->begin(), all->end(), [&](const auto& i) { return i.id == id; });
    if (it == all->end()) return NotFound();
    if (u->is_staff() && it->type == IdentityType::kEmail &&
        std::count_if(all->begin(), all->end(),
                      [](const auto& i) { return i.type == IdentityType::kEmail; }) == 1) {
      return Invalid("base", "InvalidValue", "An agent must keep one email identity");
    }
    COMPTOIR_RETURN_IF_ERROR(tx.identities().Delete(ctx.account(), id));
    // Promote another identity of the same type when the primary one goes.
    if (it->primary) {
      for (auto& i : *all) {
        if (i.id != id && i.type == it->type) {
          i.primary = true;
          i.updated_at = env_.clock.Now();
          COMPTOIR_RETURN_IF_ERROR(tx.identities().Update(i));
          break;
        }
      }
    }
    COMPTOIR_RETURN_IF_ERROR(SyncPrimaryContacts(tx, *u));
    u->updated_at = env_.clock.Now();
    return tx.users().Update(*u);
  });
  if (st.ok()) auth_.Invalidate(user);
  return st;
}

Result<bool> UserService::Bootstrap(storage::Store& store, const Clock& clock,
                                    const std::string& email, const std::string& name,
                                    const std::string& password) {
  auto normalized = domain::NormalizeEmail(email);
  if (!normalized) return Invalid("email", "InvalidValue", "Owner email is not valid: " + email);
  COMPTOIR_RETURN_IF_ERROR(CheckPasswordPolicy(password, *normalized));
  bool needed = false;
  COMPTOIR_RETURN_IF_ERROR(store.Read([&](Transaction& tx) -> Status {
    auto a = tx.accounts().Get(AccountId(1));
    if (a.ok()) return Status::Ok();
    if (a.status().code() != ErrorCode::kNotFound) return a.status();
    needed = true;
    return Status::Ok();
  }));
  if (!needed) return false;
  auto hash = crypto::HashPassword(password);
  if (!hash.ok()) return hash.status();
  bool created = false;
  COMPTOIR_RETURN_IF_ERROR(store.Write([&](Transaction& tx) -> Status {
    if (tx.accounts().Get(AccountId(1)).ok()) return Status::Ok();  // lost a race
    NewAccount account;
    account.name = "Comptoir";
    account.owner_email = *normalized;
    account.owner_name = name;
    auto made = AccountService::CreateInTransaction(tx, clock.Now(), account, *hash);
    if (!made.ok()) return made.status();
    created = true;
    return Status::Ok();
  }));
  return created;
}

}  // namespace comptoir::services
