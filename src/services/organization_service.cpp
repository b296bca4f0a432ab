#include "comptoir/services/organization_service.hpp"
#include "comptoir/services/search_service.hpp"

#include <algorithm>
#include <map>
#include <set>

#include "comptoir/domain/validation.hpp"

namespace comptoir::services {

using domain::Organization;
using domain::OrganizationMembership;
using storage::Transaction;

namespace {

// Memberships of one user or organisation are few; read them in one page.
constexpr int kAllMemberships = 10000;

std::string Trimmed(const std::string& s) {
  const auto first = s.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) return {};
  return s.substr(first, s.find_last_not_of(" \t\r\n") - first + 1);
}

// A unique-key violation that slipped past the checks (a concurrent write): name the
// field the key belongs to.
Status DuplicateFromStore(const Status& st) {
  const std::string& m = st.message();
  if (m.find("organization_domains") != std::string::npos) {
    return Invalid("domain_names", "DuplicateValue",
                   "Domain names: one of them is already used by another organization");
  }
  if (m.find("external_id") != std::string::npos) {
    return Invalid("external_id", "DuplicateValue", "External ID: has already been taken");
  }
  return Invalid("name", "DuplicateValue", "Name: has already been taken");
}

storage::PageRequest AllRows() {
  storage::PageRequest p;
  p.limit = kAllMemberships;
  return p;
}

Result<std::vector<OrganizationMembership>> MembershipsOf(Transaction& tx, AccountId account,
                                                          UserId user, OrganizationId org) {
  storage::MembershipFilter f;
  f.user_id = user;
  f.organization_id = org;
  auto page = tx.organization_memberships().List(account, f, AllRows());
  if (!page.ok()) return page.status();
  return std::move(page->items);
}

}  // namespace

// --- helpers ---

Result<Organization> OrganizationService::Load(Transaction& tx, const Context& ctx,
                                               OrganizationId id) {
  auto o = tx.organizations().Get(ctx.account(), id);
  if (!o.ok()) return o.status();
  if (!domain::CanViewDirectory(ctx.actor)) {
    auto member = tx.organization_memberships().Find(ctx.account(), ctx.actor.user_id, id);
    if (!member.ok()) return NotFound();
  }
  return o;
}

Status OrganizationService::Present(Transaction& tx, std::vector<Organization>& orgs) {
  if (orgs.empty()) return Status::Ok();
  auto defs = tx.custom_fields().List(orgs.front().account_id, domain::FieldOwner::kOrganization);
  if (!defs.ok()) return defs.status();
  for (auto& o : orgs) {
    boost::json::object fields;
    for (const auto& d : *defs) {
      const auto* v = o.organization_fields.if_contains(d.key);
      fields[d.key] = v != nullptr ? *v : boost::json::value(nullptr);
    }
    o.organization_fields = std::move(fields);
  }
  return Status::Ok();
}

Status OrganizationService::CheckCanSeeUser(Transaction& tx, const Context& ctx, UserId user) {
  auto u = tx.users().Get(ctx.account(), user);
  if (!u.ok()) return u.status();
  if (!domain::CanViewUser(ctx.actor, *u)) return NotFound();
  return Status::Ok();
}

Result<std::vector<OrganizationMembershipView>> OrganizationService::Views(
    Transaction& tx, const Context& ctx, const std::vector<OrganizationMembership>& ms) {
  std::vector<OrganizationId> ids;
  for (const auto& m : ms) ids.push_back(m.organization_id);
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  auto orgs = tx.organizations().GetMany(ctx.account(), ids);
  if (!orgs.ok()) return orgs.status();
  std::map<OrganizationId, std::string> names;
  for (const auto& o : *orgs) names[o.id] = o.name;
  std::vector<OrganizationMembershipView> out;
  out.reserve(ms.size());
  for (const auto& m : ms) {
    OrganizationMembershipView v;
    static_cast<OrganizationMembership&>(v) = m;
    v.organization_name = names[m.organization_id];
    out.push_back(std::move(v));
  }
  return out;
}

// --- organisations ---

Status OrganizationService::Apply(Transaction& tx, const Context& ctx, Organization& o,
                                  const OrganizationInput& in, bool creating) {
  const AccountId account = ctx.account();
  Validation v;
  if (in.name || creating) {
    std::string name = Trimmed(in.name.value_or(""));
    if (name.empty()) {
      v.Add("name", "BlankValue", "Name: cannot be blank");
    } else if (name.size() > 255) {
      v.Add("name", "InvalidValue", "Name: is too long (maximum is 255 characters)");
    } else {
      storage::OrganizationFilter f;
      f.name = name;
      storage::PageRequest p;
      p.limit = 1;
      auto same = tx.organizations().List(account, f, p);
      if (!same.ok()) return same.status();
      if (!same->items.empty() && same->items.front().id != o.id) {
        v.Add("name", "DuplicateValue", "Name: " + name + " has already been taken");
      }
      o.name = name;
    }
  }
  if (in.external_id) {
    if (in.external_id->size() > 255) {
      v.Add("external_id", "InvalidValue", "External ID: is too long");
    } else if (!in.external_id->empty() && *in.external_id != o.external_id) {
      storage::OrganizationFilter f;
      f.external_id = *in.external_id;
      storage::PageRequest p;
      p.limit = 1;
      auto same = tx.organizations().List(account, f, p);
      if (!same.ok()) return same.status();
      if (!same->items.empty() && same->items.front().id != o.id) {
        v.Add("external_id", "DuplicateValue",
              "External ID: " + *in.external_id + " has already been taken");
      }
    }
    o.external_id = *in.external_id;
  }
  for (auto [opt, dst, label] :
       {std::tuple{&in.details, &o.details, "details"}, std::tuple{&in.notes, &o.notes, "notes"}}) {
    if (*opt) {
      if ((*opt)->size() > 65536) {
        v.Add(label, "InvalidValue", std::string(label) + ": is too long");
      } else {
        *dst = **opt;
      }
    }
  }
  if (in.group_id) {
    if (*in.group_id == 0) {
      o.group_id = GroupId();
    } else {
      auto g = tx.groups().Get(account, GroupId(*in.group_id));
      if (!g.ok() || g->deleted) {
        v.Add("group_id", "InvalidValue", "Group: does not exist");
      } else {
        o.group_id = g->id;
      }
    }
  }
  if (in.shared_tickets) o.shared_tickets = *in.shared_tickets;
  if (in.shared_comments) o.shared_comments = *in.shared_comments;
  if (in.tags) o.tags = domain::NormalizeTags(*in.tags);
  if (in.domain_names) {
    std::vector<std::string> domains;
    for (const auto& raw : *in.domain_names) {
      if (Trimmed(raw).empty()) continue;
      auto d = domain::NormalizeDomain(raw);
      if (!d) {
        v.Add("domain_names", "InvalidValue", "Domain names: " + raw + " is not a valid domain");
        continue;
      }
      if (std::find(domains.begin(), domains.end(), *d) != domains.end()) continue;
      auto owner = tx.organizations().FindByDomain(account, *d);
      if (owner.ok() && owner->id != o.id) {
        v.Add("domain_names", "DuplicateValue",
              "Domain names: " + *d + " is already used by another organization");
        continue;
      }
      if (!owner.ok() && owner.status().code() != ErrorCode::kNotFound) return owner.status();
      domains.push_back(*d);
    }
    o.domain_names = std::move(domains);
  }
  if (in.organization_fields) {
    auto defs = tx.custom_fields().List(account, domain::FieldOwner::kOrganization);
    if (!defs.ok()) return defs.status();
    for (const auto& [key, value] : *in.organization_fields) {
      auto def =
          std::find_if(defs->begin(), defs->end(), [&](const auto& f) { return f.key == key; });
      std::string path = "organization_fields." + std::string(key);
      if (def == defs->end()) {
        v.Add(path, "InvalidValue", "Organization field " + std::string(key) + " does not exist");
        continue;
      }
      auto checked = domain::ValidateFieldValue(*def, value, path);
      if (!checked.ok()) {
        for (const auto& d : checked.status().details()) v.Add(d.field, d.error, d.description);
        continue;
      }
      if (checked->is_null()) {
        o.organization_fields.erase(key);
      } else {
        o.organization_fields[key] = *checked;
      }
    }
  }
  return v.Finish();
}

Result<Organization> OrganizationService::Save(Transaction& tx, const Context& ctx, Organization& o,
                                               const OrganizationInput& in, bool creating) {
  if (!domain::CanEditOrganizations(ctx.actor)) return PermissionDenied();
  COMPTOIR_RETURN_IF_ERROR(Apply(tx, ctx, o, in, creating));
  const Timestamp now = env_.clock.Now();
  o.updated_at = now;
  if (creating) {
    o.account_id = ctx.account();
    o.created_at = now;
    auto id = tx.organizations().Insert(o);
    if (!id.ok()) {
      if (id.status().code() == ErrorCode::kAlreadyExists) return DuplicateFromStore(id.status());
      return id.status();
    }
    o.id = *id;
  } else {
    Status st = tx.organizations().Update(o);
    if (!st.ok()) {
      if (st.code() == ErrorCode::kAlreadyExists) return DuplicateFromStore(st);
      return st;
    }
  }
  COMPTOIR_RETURN_IF_ERROR(IndexOrganization(tx, o));  // search
  COMPTOIR_RETURN_IF_ERROR(RecordAudit(tx, ctx, now, "organization", o.id.value, o.name,
                                       creating ? "create" : "update",
                                       creating ? "Organization created" : "Organization updated"));
  std::vector<Organization> one{o};
  COMPTOIR_RETURN_IF_ERROR(Present(tx, one));
  return one.front();
}

Result<Organization> OrganizationService::Create(const Context& ctx, const OrganizationInput& in) {
  if (!domain::CanEditOrganizations(ctx.actor)) return PermissionDenied();
  Result<Organization> out = NotFound();
  Status st = env_.store.Write([&](Transaction& tx) -> Status {
    Organization o;
    out = Save(tx, ctx, o, in, /*creating=*/true);
    return out.status();
  });
  if (!st.ok()) return st;
  return out;
}

Result<std::pair<Organization, bool>> OrganizationService::CreateOrUpdate(
    const Context& ctx, OrganizationId id, const OrganizationInput& in) {
  if (!domain::CanEditOrganizations(ctx.actor)) return PermissionDenied();
  Result<Organization> out = NotFound();
  bool created = false;
  Status st = env_.store.Write([&](Transaction& tx) -> Status {
    const AccountId account = ctx.account();
    std::optional<Organization> existing;
    if (id) {
      auto o = tx.organizations().Get(account, id);
      if (o.ok()) existing = std::move(o).value();
    }
    auto find = [&](storage::OrganizationFilter f) -> Status {
      storage::PageRequest p;
      p.limit = 1;
      auto page = tx.organizations().List(account, f, p);
      if (!page.ok()) return page.status();
      if (!page->items.empty()) existing = page->items.front();
      return Status::Ok();
    };
    if (!existing && in.external_id && !in.external_id->empty()) {
      storage::OrganizationFilter f;
      f.external_id = *in.external_id;
      COMPTOIR_RETURN_IF_ERROR(find(f));
    }
    if (!existing && in.name && !Trimmed(*in.name).empty()) {
      storage::OrganizationFilter f;
      f.name = Trimmed(*in.name);
      COMPTOIR_RETURN_IF_ERROR(find(f));
    }
    created = !existing;
    Organization o = existing.value_or(Organization());
    out = Save(tx, ctx, o, in, created);
    return out.status();
  });
  if (!st.ok()) return st;
  return std::make_pair(std::move(out).value(), created);
}

Result<Organization> OrganizationService::Update(const Context& ctx, OrganizationId id,
                                                 const OrganizationInput& in) {
  Result<Organization> out = NotFound();
  Status st = env_.store.Write([&](Transaction& tx) -> Status {
    auto o = Load(tx, ctx, id);
    if (!o.ok()) return o.status();
    out = Save(tx, ctx, *o, in, /*creating=*/false);
    return out.status();
  });
  if (!st.ok()) return st;
  return out;
}

Result<Organization> OrganizationService::Get(const Context& ctx, OrganizationId id) {
  Result<Organization> out = NotFound();
  COMPTOIR_RETURN_IF_ERROR(env_.store.Read([&](Transaction& tx) -> Status {
    auto o = Load(tx, ctx, id);
    if (!o.ok()) return o.status();
    std::vector<Organization> one{std::move(o).value()};
    COMPTOIR_RETURN_IF_ERROR(Present(tx, one));
    out = std::move(one.front());
    return Status::Ok();
  }));
  return out;
}

Result<std::vector<Organization>> OrganizationService::GetMany(
    const Context& ctx, const std::vector<OrganizationId>& ids) {
  std::vector<Organization> out;
  COMPTOIR_RETURN_IF_ERROR(env_.store.Read([&](Transaction& tx) -> Status {
    auto all = tx.organizations().GetMany(ctx.account(), ids);
    if (!all.ok()) return all.status();
    out = std::move(all).value();
    if (!domain::CanViewDirectory(ctx.actor)) {
      auto mine = MembershipsOf(tx, ctx.account(), ctx.actor.user_id, OrganizationId());
      if (!mine.ok()) return mine.status();
      std::erase_if(out, [&](const Organization& o) {
        return std::none_of(mine->begin(), mine->end(),
                            [&](const auto& m) { return m.organization_id == o.id; });
      });
    }
    return Present(tx, out);
  }));
  return out;
}

Result<std::vector<Organization>> OrganizationService::GetManyByExternalIds(
    const Context& ctx, const std::vector<std::string>& external_ids) {
  if (!domain::CanViewDirectory(ctx.actor)) return PermissionDenied();
  std::vector<Organization> out;
  COMPTOIR_RETURN_IF_ERROR(env_.store.Read([&](Transaction& tx) -> Status {
    for (const auto& e : external_ids) {
      if (e.empty()) continue;
      storage::OrganizationFilter f;
      f.external_id = e;
      storage::PageRequest p;
      p.limit = 1;
      auto page = tx.organizations().List(ctx.account(), f, p);
      if (!page.ok()) return page.status();
      for (auto& o : page->items) out.push_back(std::move(o));
    }
    return Present(tx, out);
  }));
  return out;
}

Result<storage::Page<Organization>> OrganizationService::List(const Context& ctx,
                                                              const storage::OrganizationFilter& f,
                                                              const storage::PageRequest& p) {
  if (!domain::CanViewDirectory(ctx.actor)) return PermissionDenied();
  Result<storage::Page<Organization>> out = storage::Page<Organization>{};
  COMPTOIR_RETURN_IF_ERROR(env_.store.Read([&](Transaction& tx) -> Status {
    out = tx.organizations().List(ctx.account(), f, p);
    if (!out.ok()) return out.status();
    return Present(tx, out->items);
  }));
  return out;
}

Result<std::int64_t> OrganizationService::Count(const Context& ctx,
                                                const storage::OrganizationFilter& f) {
  if (!domain::CanViewDirectory(ctx.actor)) return PermissionDenied();
  Result<std::int64_t> out = std::int64_t{0};
  COMPTOIR_RETURN_IF_ERROR(env_.store.Read([&](Transaction& tx) -> Status {
    out = tx.organizations().Count(ctx.account(), f);
    return Status::Ok();
  }));
  return out;
}

Result<storage::Page<Organization>> OrganizationService::Autocomplete(
    const Context& ctx, const std::string& prefix, const storage::PageRequest& p) {
  if (!domain::CanViewDirectory(ctx.actor)) return PermissionDenied();
  std::string name = Trimmed(prefix);
  if (name.size() < 2) return InvalidArgument("name must have at least 2 characters");
  storage::OrganizationFilter f;
  f.name_prefix = name;
  return List(ctx, f, p);
}

Result<storage::Page<Organization>> OrganizationService::ListForUser(
    const Context& ctx, UserId user, const storage::PageRequest& p) {
  Result<storage::Page<Organization>> out = storage::Page<Organization>{};
  COMPTOIR_RETURN_IF_ERROR(env_.store.Read([&](Transaction& tx) -> Status {
    COMPTOIR_RETURN_IF_ERROR(CheckCanSeeUser(tx, ctx, user));
    auto ms = MembershipsOf(tx, ctx.account(), user, OrganizationId());
    if (!ms.ok()) return ms.status();
    std::vector<OrganizationId> ids;
    for (const auto& m : *ms) ids.push_back(m.organization_id);
    auto orgs = tx.organizations().GetMany(ctx.account(), ids);
    if (!orgs.ok()) return orgs.status();
    // A user belongs to few organisations: page in memory, in id order.
    auto& all = *orgs;
    if (p.descending) std::reverse(all.begin(), all.end());
    auto before = [&](const Organization& o) {
      return p.descending ? o.id.value > p.after_id : o.id.value < p.after_id;
    };
    storage::Page<Organization> page;
    page.total = static_cast<std::int64_t>(all.size());
    std::size_t start = 0;
    if (p.cursor && p.after_id != 0) {
      while (start < all.size() && (before(all[start]) || all[start].id.value == p.after_id)) {
        ++start;
      }
    } else if (!p.cursor) {
      start = std::min<std::size_t>(all.size(), static_cast<std::size_t>(p.offset));
    }
    const std::size_t end = std::min(all.size(), start + static_cast<std::size_t>(p.limit));
    page.items.assign(all.begin() + static_cast<std::ptrdiff_t>(start),
                      all.begin() + static_cast<std::ptrdiff_t>(end));
    page.has_more = end < all.size();
    page.has_before = start > 0;
    COMPTOIR_RETURN_IF_ERROR(Present(tx, page.items));
    out = std::move(page);
    return Status::Ok();
  }));
  return out;
}

Result<std::int64_t> OrganizationService::CountForUser(const Context& ctx, UserId user) {
  Result<std::int64_t> out = std::int64_t{0};
  COMPTOIR_RETURN_IF_ERROR(env_.store.Read([&](Transaction& tx) -> Status {
    COMPTOIR_RETURN_IF_ERROR(CheckCanSeeUser(tx, ctx, user));
    auto ms = MembershipsOf(tx, ctx.account(), user, OrganizationId());
    if (!ms.ok()) return ms.status();
    out = static_cast<std::int64_t>(ms->size());
    return Status::Ok();
  }));
  return out;
}

Status OrganizationService::Delete(const Context& ctx, OrganizationId id) {
  if (!domain::CanEditOrganizations(ctx.actor)) return PermissionDenied();
  return env_.store.Write([&](Transaction& tx) -> Status {
    const AccountId account = ctx.account();
    auto o = Load(tx, ctx, id);
    if (!o.ok()) return o.status();
    auto members = MembershipsOf(tx, account, UserId(), id);
    if (!members.ok()) return members.status();
    // Removes the domains and memberships, and clears users.organization_id where it
    // pointed here.
    COMPTOIR_RETURN_IF_ERROR(UnindexOrganization(tx, account, id));  // search
    COMPTOIR_RETURN_IF_ERROR(tx.organizations().Delete(account, id));
    const Timestamp now = env_.clock.Now();
    for (const auto& m : *members) {
      if (!m.is_default) continue;
      // Keep "organization_id = the default membership's organisation": promote the
      // user's oldest remaining membership, if any.
      auto rest = MembershipsOf(tx, account, m.user_id, OrganizationId());
      if (!rest.ok()) return rest.status();
      auto u = tx.users().Get(account, m.user_id);
      if (!u.ok()) return u.status();
      if (!rest->empty()) {
        auto next = rest->front();
        next.is_default = true;
        next.updated_at = now;
        COMPTOIR_RETURN_IF_ERROR(tx.organization_memberships().Update(next));
        u->organization_id = next.organization_id;
      } else {
        u->organization_id = OrganizationId();
      }
      u->updated_at = now;
      COMPTOIR_RETURN_IF_ERROR(tx.users().Update(*u));
    }
    return RecordAudit(tx, ctx, now, "organization", id.value, o->name, "destroy",
                       "Organization deleted");
  });
}

Result<OrganizationRelated> OrganizationService::Related(const Context& ctx, OrganizationId id) {
  Result<OrganizationRelated> out = OrganizationRelated{};
  COMPTOIR_RETURN_IF_ERROR(env_.store.Read([&](Transaction& tx) -> Status {
    auto o = Load(tx, ctx, id);
    if (!o.ok()) return o.status();
    storage::UserFilter f;
    f.organization_id = id;
    auto users = tx.users().Count(ctx.account(), f);
    if (!users.ok()) return users.status();
    OrganizationRelated r;
    r.users_count = *users;
    // Tickets do not exist yet; tickets_count stays 0 until they do.
    r.tickets_count = 0;
    out = r;
    return Status::Ok();
  }));
  return out;
}

Result<std::vector<std::string>> OrganizationService::Tags(const Context& ctx, OrganizationId id) {
  auto o = Get(ctx, id);
  if (!o.ok()) return o.status();
  return o->tags;
}

Result<std::vector<std::string>> OrganizationService::ChangeTags(
    const Context& ctx, OrganizationId id, TagOp op, const std::vector<std::string>& tags) {
  if (!domain::CanEditOrganizations(ctx.actor)) return PermissionDenied();
  std::vector<std::string> result;
  Status st = env_.store.Write([&](Transaction& tx) -> Status {
    auto o = Load(tx, ctx, id);
    if (!o.ok()) return o.status();
    auto norm = domain::NormalizeTags(tags);
    switch (op) {
      case TagOp::kSet:
        o->tags = norm;
        break;
      case TagOp::kAdd:
        for (auto& t : norm) {
          if (std::find(o->tags.begin(), o->tags.end(), t) == o->tags.end()) o->tags.push_back(t);
        }
        break;
      case TagOp::kRemove:
        std::erase_if(o->tags, [&](const std::string& t) {
          return std::find(norm.begin(), norm.end(), t) != norm.end();
        });
        break;
    }
    o->updated_at = env_.clock.Now();
    result = o->tags;
    COMPTOIR_RETURN_IF_ERROR(tx.organizations().Update(*o));
    COMPTOIR_RETURN_IF_ERROR(IndexOrganization(tx, *o));  // search
    return RecordAudit(tx, ctx, o->updated_at, "organization", id.value, o->name, "update",
                       "Tags changed");
  });
  if (!st.ok()) return st;
  return result;
}

// --- memberships ---

Result<storage::Page<OrganizationMembershipView>> OrganizationService::ListMemberships(
    const Context& ctx, const storage::MembershipFilter& f, const storage::PageRequest& p) {
  if (!domain::CanViewDirectory(ctx.actor) && f.user_id != ctx.actor.user_id) {
    return PermissionDenied();
  }
  Result<storage::Page<OrganizationMembershipView>> out =
      storage::Page<OrganizationMembershipView>{};
  COMPTOIR_RETURN_IF_ERROR(env_.store.Read([&](Transaction& tx) -> Status {
    if (f.user_id) COMPTOIR_RETURN_IF_ERROR(CheckCanSeeUser(tx, ctx, f.user_id));
    if (f.organization_id) {
      auto o = Load(tx, ctx, f.organization_id);
      if (!o.ok()) return o.status();
    }
    auto page = tx.organization_memberships().List(ctx.account(), f, p);
    if (!page.ok()) return page.status();
    auto views = Views(tx, ctx, page->items);
    if (!views.ok()) return views.status();
    storage::Page<OrganizationMembershipView> v;
    v.items = std::move(views).value();
    v.has_more = page->has_more;
    v.has_before = page->has_before;
    v.total = page->total;
    out = std::move(v);
    return Status::Ok();
  }));
  return out;
}

Result<OrganizationMembershipView> OrganizationService::GetMembership(const Context& ctx,
                                                                      OrganizationMembershipId id,
                                                                      UserId user) {
  Result<OrganizationMembershipView> out = NotFound();
  COMPTOIR_RETURN_IF_ERROR(env_.store.Read([&](Transaction& tx) -> Status {
    auto m = tx.organization_memberships().Get(ctx.account(), id);
    if (!m.ok()) return m.status();
    if (user && m->user_id != user) return NotFound();
    if (!domain::CanViewDirectory(ctx.actor) && m->user_id != ctx.actor.user_id) {
      return NotFound();
    }
    auto views = Views(tx, ctx, {*m});
    if (!views.ok()) return views.status();
    out = std::move(views->front());
    return Status::Ok();
  }));
  return out;
}

Status OrganizationService::SetDefault(Transaction& tx, const Context& ctx, UserId user,
                                       OrganizationMembershipId id) {
  const AccountId account = ctx.account();
  const Timestamp now = env_.clock.Now();
  auto all = MembershipsOf(tx, account, user, OrganizationId());
  if (!all.ok()) return all.status();
  OrganizationId org;
  for (auto& m : *all) {
    const bool want = m.id == id;
    if (want) org = m.organization_id;
    if (m.is_default != want) {
      m.is_default = want;
      m.updated_at = now;
      COMPTOIR_RETURN_IF_ERROR(tx.organization_memberships().Update(m));
    }
  }
  auto u = tx.users().Get(account, user);
  if (!u.ok()) return u.status();
  if (u->organization_id != org) {
    u->organization_id = org;
    u->updated_at = now;
    COMPTOIR_RETURN_IF_ERROR(tx.users().Update(*u));
  }
  return Status::Ok();
}

Status OrganizationService::RemoveMembership(Transaction& tx, const Context& ctx,
                                             const OrganizationMembership& m) {
  const AccountId account = ctx.account();
  COMPTOIR_RETURN_IF_ERROR(tx.organization_memberships().Delete(account, m.id));
  auto u = tx.users().Get(account, m.user_id);
  if (!u.ok()) return u.status();
  if (m.is_default || u->organization_id == m.organization_id) {
    auto rest = MembershipsOf(tx, account, m.user_id, OrganizationId());
    if (!rest.ok()) return rest.status();
    COMPTOIR_RETURN_IF_ERROR(SetDefault(
        tx, ctx, m.user_id, rest->empty() ? OrganizationMembershipId() : rest->front().id));
  }
  return RecordAudit(tx, ctx, env_.clock.Now(), "organization_membership", m.id.value, u->name,
                     "destroy",
                     "Removed from organization " + std::to_string(m.organization_id.value));
}

Result<OrganizationMembershipView> OrganizationService::CreateMembership(
    const Context& ctx, const MembershipInput& in) {
  if (!domain::CanEditOrganizations(ctx.actor)) return PermissionDenied();
  Result<OrganizationMembershipView> out = NotFound();
  Status st = env_.store.Write([&](Transaction& tx) -> Status {
    const AccountId account = ctx.account();
    Validation v;
    auto u = in.user_id > 0 ? tx.users().Get(account, UserId(in.user_id))
                            : Result<domain::User>(NotFound());
    if (!u.ok() || !u->active) v.Add("user_id", "InvalidValue", "User: does not exist");
    auto o = in.organization_id > 0
                 ? tx.organizations().Get(account, OrganizationId(in.organization_id))
                 : Result<Organization>(NotFound());
    if (!o.ok()) v.Add("organization_id", "InvalidValue", "Organization: does not exist");
    COMPTOIR_RETURN_IF_ERROR(v.Finish());
    if (tx.organization_memberships().Find(account, u->id, o->id).ok()) {
      return Invalid("user_id", "DuplicateValue",
                     "User: is already a member of organization " + o->name);
    }
    auto existing = MembershipsOf(tx, account, u->id, OrganizationId());
    if (!existing.ok()) return existing.status();
    const bool has_default =
        std::any_of(existing->begin(), existing->end(), [](const auto& m) { return m.is_default; });
    const Timestamp now = env_.clock.Now();
    OrganizationMembership m;
    m.account_id = account;
    m.user_id = u->id;
    m.organization_id = o->id;
    m.view_tickets = in.view_tickets.value_or(true);
    m.created_at = m.updated_at = now;
    auto id = tx.organization_memberships().Insert(m);
    if (!id.ok()) {
      if (id.status().code() == ErrorCode::kAlreadyExists) {
        return Invalid("user_id", "DuplicateValue", "User: is already a member");
      }
      return id.status();
    }
    m.id = *id;
    if (!has_default || in.is_default.value_or(false)) {
      COMPTOIR_RETURN_IF_ERROR(SetDefault(tx, ctx, u->id, m.id));
      m.is_default = true;
    }
    COMPTOIR_RETURN_IF_ERROR(RecordAudit(tx, ctx, now, "organization_membership", m.id.value,
                                         u->name, "create", "Added to organization " + o->name));
    OrganizationMembershipView view;
    static_cast<OrganizationMembership&>(view) = m;
    view.organization_name = o->name;
    out = std::move(view);
    return Status::Ok();
  });
  if (!st.ok()) return st;
  return out;
}

Status OrganizationService::DeleteMembership(const Context& ctx, OrganizationMembershipId id,
                                             UserId user) {
  return env_.store.Write([&](Transaction& tx) -> Status {
    auto m = tx.organization_memberships().Get(ctx.account(), id);
    if (!m.ok()) return m.status();
    if (user && m->user_id != user) return NotFound();
    if (!domain::CanViewDirectory(ctx.actor) && m->user_id != ctx.actor.user_id) {
      return NotFound();
    }
    if (!domain::CanEditOrganizations(ctx.actor)) return PermissionDenied();
    return RemoveMembership(tx, ctx, *m);
  });
}

Status OrganizationService::RemoveFromOrganization(const Context& ctx, UserId user,
                                                   OrganizationId org) {
  return env_.store.Write([&](Transaction& tx) -> Status {
    COMPTOIR_RETURN_IF_ERROR(CheckCanSeeUser(tx, ctx, user));
    auto m = tx.organization_memberships().Find(ctx.account(), user, org);
    if (!m.ok()) return m.status();
    if (!domain::CanEditOrganizations(ctx.actor)) return PermissionDenied();
    return RemoveMembership(tx, ctx, *m);
  });
}

Result<std::vector<OrganizationMembershipView>> OrganizationService::MakeDefault(
    const Context& ctx, UserId user, OrganizationMembershipId id) {
  Result<std::vector<OrganizationMembershipView>> out = std::vector<OrganizationMembershipView>{};
  Status st = env_.store.Write([&](Transaction& tx) -> Status {
    COMPTOIR_RETURN_IF_ERROR(CheckCanSeeUser(tx, ctx, user));
    auto m = tx.organization_memberships().Get(ctx.account(), id);
    if (!m.ok()) return m.status();
    if (m->user_id != user) return NotFound();
    if (!domain::CanEditOrganizations(ctx.actor)) return PermissionDenied();
    COMPTOIR_RETURN_IF_ERROR(SetDefault(tx, ctx, user, id));
    auto all = MembershipsOf(tx, ctx.account(), user, OrganizationId());
    if (!all.ok()) return all.status();
    out = Views(tx, ctx, *all);
    return out.status();
  });
  if (!st.ok()) return st;
  return out;
}

Result<std::vector<OrganizationMembershipView>> OrganizationService::MakeDefaultOrganization(
    const Context& ctx, UserId user, OrganizationId org) {
  OrganizationMembershipId id;
  COMPTOIR_RETURN_IF_ERROR(env_.store.Read([&](Transaction& tx) -> Status {
    COMPTOIR_RETURN_IF_ERROR(CheckCanSeeUser(tx, ctx, user));
    auto m = tx.organization_memberships().Find(ctx.account(), user, org);
    if (!m.ok()) return m.status();
    id = m->id;
    return Status::Ok();
  }));
  return MakeDefault(ctx, user, id);
}

}  // namespace comptoir::services
