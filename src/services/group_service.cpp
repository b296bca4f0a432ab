#include "comptoir/services/group_service.hpp"

#include <algorithm>

namespace comptoir::services {

using storage::Transaction;

namespace {

constexpr int kAll = 100000;  // upper bound when a use case reads a whole small table

std::string Trim(std::string s) {
  s.erase(0, s.find_first_not_of(" \t\r\n"));
  s.erase(s.find_last_not_of(" \t\r\n") + 1);
  return s;
}

storage::PageRequest Everything() {
  storage::PageRequest p;
  p.limit = kAll;
  return p;
}

Result<std::vector<domain::GroupMembership>> MembershipsOf(Transaction& tx, AccountId account,
                                                           UserId user) {
  storage::MembershipFilter f;
  f.user_id = user;
  auto page = tx.group_memberships().List(account, f, Everything());
  if (!page.ok()) return std::move(page).TakeStatus();
  return std::move(page->items);
}

}  // namespace

Result<domain::Group> GroupService::LoadLive(Transaction& tx, const Context& ctx, GroupId id) {
  auto g = tx.groups().Get(ctx.account(), id);
  if (!g.ok()) return g.status();
  if (g->deleted) return NotFound();
  return g;
}

Status GroupService::ClearOtherDefaults(Transaction& tx, const Context& ctx, GroupId keep) {
  storage::GroupFilter f;
  f.include_deleted = true;
  auto all = tx.groups().List(ctx.account(), f, Everything());
  if (!all.ok()) return all.status();
  for (auto& g : all->items) {
    if (g.id != keep && g.is_default) {
      g.is_default = false;
      g.updated_at = env_.clock.Now();
      COMPTOIR_RETURN_IF_ERROR(tx.groups().Update(g));
    }
  }
  return Status::Ok();
}

Status GroupService::SetUserDefault(Transaction& tx, const Context& ctx, UserId user,
                                    GroupMembershipId membership, Timestamp now) {
  auto list = MembershipsOf(tx, ctx.account(), user);
  if (!list.ok()) return list.status();
  GroupId group;
  for (auto& m : *list) {
    const bool is_default = m.id == membership;
    if (is_default) group = m.group_id;
    if (m.is_default != is_default) {
      m.is_default = is_default;
      m.updated_at = now;
      COMPTOIR_RETURN_IF_ERROR(tx.group_memberships().Update(m));
    }
  }
  auto u = tx.users().Get(ctx.account(), user);
  if (!u.ok()) return u.status();
  if (u->default_group_id != group) {
    u->default_group_id = group;
    u->updated_at = now;
    COMPTOIR_RETURN_IF_ERROR(tx.users().Update(*u));
  }
  return Status::Ok();
}

Status GroupService::RemoveMembership(Transaction& tx, const Context& ctx,
                                      const domain::GroupMembership& m, Timestamp now) {
  COMPTOIR_RETURN_IF_ERROR(tx.group_memberships().Delete(ctx.account(), m.id));
  auto rest = MembershipsOf(tx, ctx.account(), m.user_id);
  if (!rest.ok()) return rest.status();
  auto current =
      std::find_if(rest->begin(), rest->end(), [](const auto& x) { return x.is_default; });
  if (current != rest->end()) return SetUserDefault(tx, ctx, m.user_id, current->id, now);
  // The default went away: the oldest remaining membership takes over, if any.
  return SetUserDefault(tx, ctx, m.user_id, rest->empty() ? GroupMembershipId() : rest->front().id,
                        now);
}

// --- groups ---

Result<storage::Page<domain::Group>> GroupService::List(const Context& ctx,
                                                        const storage::GroupFilter& filter,
                                                        const storage::PageRequest& page) {
  if (!domain::CanViewDirectory(ctx.actor)) return PermissionDenied();
  Result<storage::Page<domain::Group>> out = storage::Page<domain::Group>{};
  COMPTOIR_RETURN_IF_ERROR(env_.store.Read([&](Transaction& tx) {
    out = tx.groups().List(ctx.account(), filter, page);
    return Status::Ok();
  }));
  return out;
}

Result<std::int64_t> GroupService::Count(const Context& ctx) {
  if (!domain::CanViewDirectory(ctx.actor)) return PermissionDenied();
  Result<std::int64_t> out = std::int64_t{0};
  COMPTOIR_RETURN_IF_ERROR(env_.store.Read([&](Transaction& tx) {
    out = tx.groups().Count(ctx.account(), storage::GroupFilter{});
    return Status::Ok();
  }));
  return out;
}

Result<domain::Group> GroupService::Get(const Context& ctx, GroupId id) {
  if (!domain::CanViewDirectory(ctx.actor)) return PermissionDenied();
  Result<domain::Group> out = NotFound();
  COMPTOIR_RETURN_IF_ERROR(env_.store.Read([&](Transaction& tx) {
    out = tx.groups().Get(ctx.account(), id);
    return Status::Ok();
  }));
  return out;
}

Result<std::vector<domain::Group>> GroupService::GetMany(const Context& ctx,
                                                         const std::vector<GroupId>& ids) {
  if (!domain::CanViewDirectory(ctx.actor)) return PermissionDenied();
  Result<std::vector<domain::Group>> out = std::vector<domain::Group>{};
  COMPTOIR_RETURN_IF_ERROR(env_.store.Read([&](Transaction& tx) {
    out = tx.groups().GetMany(ctx.account(), ids);
    return Status::Ok();
  }));
  return out;
}

Result<std::vector<domain::Group>> GroupService::ListForUser(const Context& ctx, UserId user) {
  if (!domain::CanViewDirectory(ctx.actor)) return PermissionDenied();
  std::vector<domain::Group> out;
  COMPTOIR_RETURN_IF_ERROR(env_.store.Read([&](Transaction& tx) -> Status {
    auto u = tx.users().Get(ctx.account(), user);
    if (!u.ok()) return u.status();
    auto memberships = MembershipsOf(tx, ctx.account(), user);
    if (!memberships.ok()) return memberships.status();
    std::vector<GroupId> ids;
    for (const auto& m : *memberships) ids.push_back(m.group_id);
    auto groups = tx.groups().GetMany(ctx.account(), ids);
    if (!groups.ok()) return groups.status();
    for (auto& g : *groups) {
      if (!g.deleted) out.push_back(std::move(g));
    }
    return Status::Ok();
  }));
  return out;
}

Result<domain::Group> GroupService::Create(const Context& ctx, const GroupInput& in) {
  if (!domain::CanAdminister(ctx.actor)) return PermissionDenied();
  Validation v;
  std::string name = Trim(in.name.value_or(""));
  if (name.empty()) {
    v.Add("name", "BlankValue", "Name: cannot be blank");
  } else if (name.size() > 255) {
    v.Add("name", "InvalidValue", "Name: is too long (maximum is 255 characters)");
  }
  if (in.description && in.description->size() > 65536) {
    v.Add("description", "InvalidValue", "Description: is too long");
  }
  COMPTOIR_RETURN_IF_ERROR(v.Finish());
  domain::Group g;
  Status st = env_.store.Write([&](Transaction& tx) -> Status {
    g = domain::Group();
    g.account_id = ctx.account();
    g.name = name;
    g.description = in.description.value_or("");
    g.is_public = in.is_public.value_or(true);
    g.is_default = in.is_default.value_or(false);
    if (!g.is_default) {
      // The first group of an account becomes its default.
      auto live = tx.groups().List(ctx.account(), storage::GroupFilter{}, Everything());
      if (!live.ok()) return live.status();
      g.is_default = std::none_of(live->items.begin(), live->items.end(),
                                  [](const auto& x) { return x.is_default; });
    }
    g.created_at = g.updated_at = env_.clock.Now();
    auto id = tx.groups().Insert(g);
    if (!id.ok()) return id.status();
    g.id = *id;
    if (g.is_default) COMPTOIR_RETURN_IF_ERROR(ClearOtherDefaults(tx, ctx, g.id));
    return RecordAudit(tx, ctx, g.created_at, "group", g.id.value, g.name, "create",
                       "Group created");
  });
  if (!st.ok()) return st;
  return g;
}

Result<domain::Group> GroupService::Update(const Context& ctx, GroupId id, const GroupInput& in) {
  if (!domain::CanAdminister(ctx.actor)) return PermissionDenied();
  domain::Group g;
  Status st = env_.store.Write([&](Transaction& tx) -> Status {
    auto loaded = LoadLive(tx, ctx, id);
    if (!loaded.ok()) return loaded.status();
    g = std::move(loaded).value();
    Validation v;
    if (in.name) {
      std::string name = Trim(*in.name);
      if (name.empty()) {
        v.Add("name", "BlankValue", "Name: cannot be blank");
      } else if (name.size() > 255) {
        v.Add("name", "InvalidValue", "Name: is too long (maximum is 255 characters)");
      } else {
        g.name = name;
      }
    }
    if (in.description) {
      if (in.description->size() > 65536) {
        v.Add("description", "InvalidValue", "Description: is too long");
      } else {
        g.description = *in.description;
      }
    }
    bool became_default = false;
    if (in.is_default) {
      if (!*in.is_default && g.is_default) {
        v.Add("default", "InvalidValue",
              "Default: the account needs a default group; make another group the default");
      } else if (*in.is_default && !g.is_default) {
        g.is_default = became_default = true;
      }
    }
    if (in.is_public) g.is_public = *in.is_public;
    COMPTOIR_RETURN_IF_ERROR(v.Finish());
    g.updated_at = env_.clock.Now();
    COMPTOIR_RETURN_IF_ERROR(tx.groups().Update(g));
    if (became_default) COMPTOIR_RETURN_IF_ERROR(ClearOtherDefaults(tx, ctx, g.id));
    return RecordAudit(tx, ctx, g.updated_at, "group", g.id.value, g.name, "update",
                       became_default ? "Group updated; now the default group" : "Group updated");
  });
  if (!st.ok()) return st;
  return g;
}

Status GroupService::Delete(const Context& ctx, GroupId id) {
  if (!domain::CanAdminister(ctx.actor)) return PermissionDenied();
  return env_.store.Write([&](Transaction& tx) -> Status {
    auto g = LoadLive(tx, ctx, id);
    if (!g.ok()) return g.status();
    if (g->is_default) {
      return Invalid("base", "InvalidValue", "The default group cannot be deleted");
    }
    const Timestamp now = env_.clock.Now();
    storage::MembershipFilter f;
    f.group_id = id;
    auto members = tx.group_memberships().List(ctx.account(), f, Everything());
    if (!members.ok()) return members.status();
    for (const auto& m : members->items) {
      COMPTOIR_RETURN_IF_ERROR(RemoveMembership(tx, ctx, m, now));
    }
    g->deleted = true;
    g->updated_at = now;
    COMPTOIR_RETURN_IF_ERROR(tx.groups().Update(*g));
    return RecordAudit(
        tx, ctx, now, "group", id.value, g->name, "destroy",
        "Group deleted; " + std::to_string(members->items.size()) + " memberships removed");
  });
}

// --- memberships ---

Result<storage::Page<domain::GroupMembership>> GroupService::ListMemberships(
    const Context& ctx, const storage::MembershipFilter& filter, const storage::PageRequest& page) {
  if (!domain::CanViewDirectory(ctx.actor)) return PermissionDenied();
  Result<storage::Page<domain::GroupMembership>> out = storage::Page<domain::GroupMembership>{};
  COMPTOIR_RETURN_IF_ERROR(env_.store.Read([&](Transaction& tx) -> Status {
    if (filter.group_id) {
      auto g = tx.groups().Get(ctx.account(), filter.group_id);
      if (!g.ok()) return g.status();
    }
    if (filter.user_id) {
      auto u = tx.users().Get(ctx.account(), filter.user_id);
      if (!u.ok()) return u.status();
    }
    out = tx.group_memberships().List(ctx.account(), filter, page);
    return Status::Ok();
  }));
  return out;
}

Result<domain::GroupMembership> GroupService::GetMembership(const Context& ctx,
                                                            GroupMembershipId id, UserId user) {
  if (!domain::CanViewDirectory(ctx.actor)) return PermissionDenied();
  Result<domain::GroupMembership> out = NotFound();
  COMPTOIR_RETURN_IF_ERROR(env_.store.Read([&](Transaction& tx) {
    out = tx.group_memberships().Get(ctx.account(), id);
    if (out.ok() && user && out->user_id != user) out = NotFound();
    return Status::Ok();
  }));
  return out;
}

Result<domain::GroupMembership> GroupService::CreateMembership(const Context& ctx,
                                                               const GroupMembershipInput& in) {
  if (!domain::CanAdminister(ctx.actor)) return PermissionDenied();
  domain::GroupMembership m;
  Status st = env_.store.Write([&](Transaction& tx) -> Status {
    const AccountId account = ctx.account();
    Validation v;
    domain::User user;
    if (!in.user_id) {
      v.Add("user_id", "BlankValue", "User: cannot be blank");
    } else if (auto u = tx.users().Get(account, in.user_id); !u.ok() || !u->active) {
      v.Add("user_id", "InvalidValue", "User: does not exist");
    } else if (!u->is_staff()) {
      v.Add("user_id", "InvalidValue", "User: only agents and admins can be group members");
    } else {
      user = std::move(u).value();
    }
    domain::Group group;
    if (!in.group_id) {
      v.Add("group_id", "BlankValue", "Group: cannot be blank");
    } else if (auto g = tx.groups().Get(account, in.group_id); !g.ok() || g->deleted) {
      v.Add("group_id", "InvalidValue", "Group: does not exist");
    } else {
      group = std::move(g).value();
    }
    COMPTOIR_RETURN_IF_ERROR(v.Finish());
    auto duplicate = [&] {
      return Invalid("user_id", "DuplicateValue",
                     "User: " + user.name + " is already a member of " + group.name);
    };
    if (tx.group_memberships().Find(account, user.id, group.id).ok()) return duplicate();
    auto existing = MembershipsOf(tx, account, user.id);
    if (!existing.ok()) return existing.status();
    const Timestamp now = env_.clock.Now();
    m = domain::GroupMembership();
    m.account_id = account;
    m.user_id = user.id;
    m.group_id = group.id;
    m.created_at = m.updated_at = now;
    const bool make_default = existing->empty() || in.is_default.value_or(false);
    auto id = tx.group_memberships().Insert(m);
    if (!id.ok()) {
      if (id.status().code() == ErrorCode::kAlreadyExists) return duplicate();
      return id.status();
    }
    m.id = *id;
    if (make_default) {
      COMPTOIR_RETURN_IF_ERROR(SetUserDefault(tx, ctx, user.id, m.id, now));
      m.is_default = true;
    }
    return RecordAudit(tx, ctx, now, "group_membership", m.id.value, group.name, "create",
                       "Added " + user.name + " to group " + group.name);
  });
  if (!st.ok()) return st;
  return m;
}

Result<std::vector<domain::GroupMembership>> GroupService::MakeDefault(const Context& ctx,
                                                                       UserId user,
                                                                       GroupMembershipId id) {
  if (!domain::CanAdminister(ctx.actor)) return PermissionDenied();
  std::vector<domain::GroupMembership> out;
  Status st = env_.store.Write([&](Transaction& tx) -> Status {
    auto m = tx.group_memberships().Get(ctx.account(), id);
    if (!m.ok()) return m.status();
    if (m->user_id != user) return NotFound();
    const Timestamp now = env_.clock.Now();
    COMPTOIR_RETURN_IF_ERROR(SetUserDefault(tx, ctx, user, id, now));
    auto list = MembershipsOf(tx, ctx.account(), user);
    if (!list.ok()) return list.status();
    out = std::move(list).value();
    return RecordAudit(tx, ctx, now, "group_membership", id.value, "", "update",
                       "Made the default group of user " + std::to_string(user.value));
  });
  if (!st.ok()) return st;
  return out;
}

Status GroupService::DeleteMembership(const Context& ctx, GroupMembershipId id, UserId user) {
  if (!domain::CanAdminister(ctx.actor)) return PermissionDenied();
  return env_.store.Write([&](Transaction& tx) -> Status {
    auto m = tx.group_memberships().Get(ctx.account(), id);
    if (!m.ok()) return m.status();
    if (user && m->user_id != user) return NotFound();
    const Timestamp now = env_.clock.Now();
    COMPTOIR_RETURN_IF_ERROR(RemoveMembership(tx, ctx, *m, now));
    return RecordAudit(tx, ctx, now, "group_membership", id.value, "", "destroy",
                       "Removed user " + std::to_string(m->user_id.value) + " from group " +
                           std::to_string(m->group_id.value));
  });
}

}  // namespace comptoir::services
