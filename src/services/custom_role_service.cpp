#include "comptoir/services/custom_role_service.hpp"

#include <algorithm>
#include <cctype>
#include <unordered_map>

namespace comptoir::services {

using storage::Transaction;

namespace {

std::string Trim(std::string s) {
  s.erase(0, s.find_first_not_of(" \t\r\n"));
  s.erase(s.find_last_not_of(" \t\r\n") + 1);
  return s;
}

bool SameName(std::string_view a, std::string_view b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
    return std::tolower(static_cast<unsigned char>(x)) ==
           std::tolower(static_cast<unsigned char>(y));
  });
}

// Active agents per custom role.
Result<std::unordered_map<CustomRoleId, std::int64_t>> TeamCounts(Transaction& tx,
                                                                  AccountId account) {
  storage::UserFilter f;
  f.roles = {domain::Role::kAgent};
  f.include_inactive = false;
  storage::PageRequest p;
  p.cursor = true;
  p.limit = 1000;
  std::unordered_map<CustomRoleId, std::int64_t> counts;
  for (;;) {
    auto page = tx.users().List(account, f, p);
    if (!page.ok()) return std::move(page).TakeStatus();
    for (const auto& u : page->items) {
      if (u.custom_role_id && u.active) ++counts[u.custom_role_id];
    }
    if (!page->has_more || page->items.empty()) break;
    p.after_id = page->items.back().id.value;
  }
  return counts;
}

}  // namespace

Status CustomRoleService::Apply(Transaction& tx, const Context& ctx, domain::CustomRole& r,
                                const CustomRoleInput& in, bool creating) {
  Validation v;
  if (in.name || creating) {
    std::string name = Trim(in.name.value_or(""));
    if (name.empty()) {
      v.Add("name", "BlankValue", "Name: cannot be blank");
    } else if (name.size() > 255) {
      v.Add("name", "InvalidValue", "Name: is too long (maximum is 255 characters)");
    } else {
      auto all = tx.custom_roles().List(ctx.account());
      if (!all.ok()) return all.status();
      bool taken = std::any_of(all->begin(), all->end(), [&](const domain::CustomRole& other) {
        return other.id != r.id && SameName(other.name, name);
      });
      if (taken) {
        v.Add("name", "DuplicateValue", "Name: " + name + " has already been taken");
      } else {
        r.name = name;
      }
    }
  }
  if (in.description) {
    if (in.description->size() > 65536) {
      v.Add("description", "InvalidValue", "Description: is too long");
    } else {
      r.description = *in.description;
    }
  }
  if (in.configuration) {
    for (const auto& [key, value] : *in.configuration) {
      if (key == "ticket_access") {
        std::optional<domain::TicketAccess> access;
        if (value.is_string()) access = domain::ParseTicketAccess(value.get_string());
        if (!access) {
          v.Add("configuration.ticket_access", "InvalidValue",
                "Ticket access: must be all, within-groups or assigned-only");
          continue;
        }
        r.ticket_access = *access;
      } else if (key == "end_user_profile_access") {
        std::string_view s = value.is_string() ? std::string_view(value.get_string()) : "";
        if (s == "edit" || s == "full") {
          r.end_user_profile_edit = true;
        } else if (s == "readonly") {
          r.end_user_profile_edit = false;
        } else {
          v.Add("configuration.end_user_profile_access", "InvalidValue",
                "End user profile access: must be edit, full or readonly");
          continue;
        }
        r.configuration[key] = value;
      } else {
        r.configuration[key] = value;
      }
    }
  }
  COMPTOIR_RETURN_IF_ERROR(v.Finish());
  // The keys the policy reads are always present, in their canonical spelling.
  r.configuration["ticket_access"] = domain::TicketAccessName(r.ticket_access);
  if (!r.configuration.contains("end_user_profile_access")) {
    r.configuration["end_user_profile_access"] = r.end_user_profile_edit ? "edit" : "readonly";
  }
  return Status::Ok();
}

Result<std::vector<CustomRoleRecord>> CustomRoleService::List(const Context& ctx) {
  if (!domain::CanViewDirectory(ctx.actor)) return PermissionDenied();
  std::vector<CustomRoleRecord> out;
  COMPTOIR_RETURN_IF_ERROR(env_.store.Read([&](Transaction& tx) -> Status {
    auto roles = tx.custom_roles().List(ctx.account());
    if (!roles.ok()) return roles.status();
    auto counts = TeamCounts(tx, ctx.account());
    if (!counts.ok()) return counts.status();
    for (auto& r : *roles) {
      auto it = counts->find(r.id);
      out.push_back({std::move(r), it == counts->end() ? 0 : it->second});
    }
    return Status::Ok();
  }));
  return out;
}

Result<CustomRoleRecord> CustomRoleService::Get(const Context& ctx, CustomRoleId id) {
  if (!domain::CanViewDirectory(ctx.actor)) return PermissionDenied();
  CustomRoleRecord out;
  COMPTOIR_RETURN_IF_ERROR(env_.store.Read([&](Transaction& tx) -> Status {
    auto r = tx.custom_roles().Get(ctx.account(), id);
    if (!r.ok()) return r.status();
    auto counts = TeamCounts(tx, ctx.account());
    if (!counts.ok()) return counts.status();
    out.role = std::move(r).value();
    auto it = counts->find(id);
    out.team_member_count = it == counts->end() ? 0 : it->second;
    return Status::Ok();
  }));
  return out;
}

Result<CustomRoleRecord> CustomRoleService::Create(const Context& ctx, const CustomRoleInput& in) {
  if (!domain::CanAdminister(ctx.actor)) return PermissionDenied();
  domain::CustomRole r;
  Status st = env_.store.Write([&](Transaction& tx) -> Status {
    r = domain::CustomRole();
    r.account_id = ctx.account();
    COMPTOIR_RETURN_IF_ERROR(Apply(tx, ctx, r, in, /*creating=*/true));
    r.created_at = r.updated_at = env_.clock.Now();
    auto id = tx.custom_roles().Insert(r);
    if (!id.ok()) return id.status();
    r.id = *id;
    return RecordAudit(tx, ctx, r.created_at, "custom_role", r.id.value, r.name, "create",
                       "Custom role created");
  });
  if (!st.ok()) return st;
  return CustomRoleRecord{std::move(r), 0};
}

Result<CustomRoleRecord> CustomRoleService::Update(const Context& ctx, CustomRoleId id,
                                                   const CustomRoleInput& in) {
  if (!domain::CanAdminister(ctx.actor)) return PermissionDenied();
  CustomRoleRecord out;
  Status st = env_.store.Write([&](Transaction& tx) -> Status {
    auto r = tx.custom_roles().Get(ctx.account(), id);
    if (!r.ok()) return r.status();
    COMPTOIR_RETURN_IF_ERROR(Apply(tx, ctx, *r, in, /*creating=*/false));
    r->updated_at = env_.clock.Now();
    COMPTOIR_RETURN_IF_ERROR(tx.custom_roles().Update(*r));
    auto counts = TeamCounts(tx, ctx.account());
    if (!counts.ok()) return counts.status();
    out.role = std::move(r).value();
    auto it = counts->find(id);
    out.team_member_count = it == counts->end() ? 0 : it->second;
    return RecordAudit(tx, ctx, out.role.updated_at, "custom_role", id.value, out.role.name,
                       "update", "Custom role updated");
  });
  if (!st.ok()) return st;
  // Agents of this role may now see or edit more or less: rebuild their actors.
  auth_.InvalidateAll();
  return out;
}

Status CustomRoleService::Delete(const Context& ctx, CustomRoleId id) {
  if (!domain::CanAdminister(ctx.actor)) return PermissionDenied();
  Status st = env_.store.Write([&](Transaction& tx) -> Status {
    auto r = tx.custom_roles().Get(ctx.account(), id);
    if (!r.ok()) return r.status();
    auto counts = TeamCounts(tx, ctx.account());
    if (!counts.ok()) return counts.status();
    if (auto it = counts->find(id); it != counts->end() && it->second > 0) {
      return Invalid("base", "InvalidValue",
                     "Custom role: " + r->name + " is assigned to " + std::to_string(it->second) +
                         " agents; give them another role first");
    }
    COMPTOIR_RETURN_IF_ERROR(tx.custom_roles().Delete(ctx.account(), id));
    return RecordAudit(tx, ctx, env_.clock.Now(), "custom_role", id.value, r->name, "destroy",
                       "Custom role deleted");
  });
  if (st.ok()) auth_.InvalidateAll();
  return st;
}

}  // namespace comptoir::services
