#include "comptoir/services/view_service.hpp"

#include <algorithm>
#include <chrono>
#include <set>

#include "comptoir/rules/rules.hpp"
#include "rules_catalog.hpp"

namespace comptoir::services {

using storage::Transaction;
namespace json = boost::json;

namespace {

bool Has(const std::vector<std::int64_t>& v, std::int64_t x) {
  return std::find(v.begin(), v.end(), x) != v.end();
}

bool UsesCaller(const domain::ConditionSet& c) {
  auto uses = [](const std::vector<domain::Condition>& list) {
    for (const auto& x : list) {
      if (x.value.is_string()) {
        std::string_view s = x.value.as_string();
        if (s == "current_user" || s == "current_groups") return true;
      }
    }
    return false;
  };
  return uses(c.all) || uses(c.any);
}

bool HasTimeCondition(const domain::ConditionSet& c) {
  static const std::set<std::string, std::less<>> kTime = {"NEW",
                                                           "OPEN",
                                                           "PENDING",
                                                           "HOLD",
                                                           "SOLVED",
                                                           "CLOSED",
                                                           "assigned_at",
                                                           "updated_at",
                                                           "requester_updated_at",
                                                           "assignee_updated_at",
                                                           "due_date",
                                                           "until_due_date",
                                                           "sla_next_breach_at",
                                                           "until_sla_next_breach_at"};
  auto has = [&](const std::vector<domain::Condition>& list) {
    return std::any_of(list.begin(), list.end(),
                       [&](const domain::Condition& x) { return kTime.count(x.field) > 0; });
  };
  return has(c.all) || has(c.any);
}

domain::Condition Cond(std::string field, std::string op, std::string value) {
  return domain::Condition{std::move(field), std::move(op), json::value(std::move(value))};
}

// From this many matching tickets a view reads its sort index in order (see Run).
constexpr std::int64_t kWalkThreshold = 5000;
// A count that took this long may be served stale for kStaleSeconds after a change.
constexpr std::int64_t kSlowCountMs = 50;
constexpr Timestamp kStaleSeconds = 60;

const std::vector<std::string> kDefaultColumns = {"status",  "description", "requester",
                                                  "created", "type",        "priority"};

}  // namespace

Status ViewService::InsertDefaults(Transaction& tx, AccountId account, Timestamp now) {
  struct Default {
    const char* title;
    std::vector<domain::Condition> all;
    const char* sort_by;
    const char* sort_order;
    const char* group_by;
  };
  const std::vector<Default> defaults = {
      {"Your unsolved tickets",
       {Cond("status", "less_than", "solved"), Cond("assignee_id", "is", "current_user")},
       "updated",
       "desc",
       ""},
      {"Unassigned tickets",
       {Cond("status", "less_than", "solved"), Cond("assignee_id", "is", "")},
       "created",
       "asc",
       ""},
      {"All unsolved tickets", {Cond("status", "less_than", "solved")}, "updated", "desc", ""},
      {"Unsolved tickets in your groups",
       {Cond("status", "less_than", "solved"), Cond("group_id", "is", "current_groups")},
       "updated",
       "desc",
       ""},
      {"New tickets in your groups",
       {Cond("status", "is", "new"), Cond("group_id", "is", "current_groups")},
       "created",
       "desc",
       ""},
      {"Recently updated tickets",
       {Cond("status", "less_than", "closed"), Cond("updated_at", "less_than", "24")},
       "updated",
       "desc",
       ""},
      {"Pending tickets", {Cond("status", "is", "pending")}, "updated", "desc", ""},
      {"Recently solved tickets",
       {Cond("status", "is", "solved"), Cond("SOLVED", "less_than", "168")},
       "solved",
       "desc",
       ""},
  };
  int position = 0;
  for (const auto& d : defaults) {
    domain::View v;
    v.account_id = account;
    v.title = v.raw_title = d.title;
    v.active = true;
    v.is_default = true;
    v.position = ++position;
    v.conditions.all = d.all;
    v.output.columns = kDefaultColumns;
    v.output.sort_by = d.sort_by;
    v.output.sort_order = d.sort_order;
    v.output.group_by = d.group_by;
    v.created_at = v.updated_at = now;
    COMPTOIR_RETURN_IF_ERROR(tx.views().Insert(v).status());
  }
  return Status::Ok();
}

void ViewService::TicketsChanged(AccountId account) {
  std::lock_guard lock(mu_);
  ++generation_[account.value];
}

bool ViewService::CanSee(const Context& ctx, const domain::View& v,
                         const std::vector<std::int64_t>& groups) const {
  if (!ctx.actor.is_staff()) return false;
  switch (v.restriction.type) {
    case domain::Restriction::Type::kNone:
      return true;
    case domain::Restriction::Type::kGroup:
      if (ctx.actor.is_admin()) return true;
      return std::any_of(v.restriction.ids.begin(), v.restriction.ids.end(),
                         [&](std::int64_t g) { return Has(groups, g); });
    case domain::Restriction::Type::kUser:
      return Has(v.restriction.ids, ctx.actor.user_id.value);
  }
  return false;
}

bool ViewService::CanManage(const Context& ctx, const domain::View& v) const {
  if (v.restriction.type == domain::Restriction::Type::kUser &&
      Has(v.restriction.ids, ctx.actor.user_id.value)) {
    return ctx.actor.is_staff();
  }
  return ctx.actor.is_admin();
}

Status ViewService::Check(Transaction& tx, const Context& ctx, const domain::View& v) {
  Validation val;
  if (v.title.empty()) val.Add("title", "BlankValue", "Title: cannot be blank");
  static const std::set<std::string, std::less<>> kRequired = {"status", "type", "group_id",
                                                               "assignee_id", "requester_id"};
  if (!std::any_of(v.conditions.all.begin(), v.conditions.all.end(),
                   [](const domain::Condition& c) { return kRequired.count(c.field) > 0; })) {
    val.Add("conditions", "InvalidValue",
            "Invalid conditions: You must select at least one condition in all that tests "
            "status, type, group, assignee or requester");
  }
  if (v.output.columns.size() > 10) {
    val.Add("output", "InvalidValue", "Output: at most 10 columns");
  }
  if (v.restriction.type == domain::Restriction::Type::kGroup) {
    if (v.restriction.ids.empty()) {
      val.Add("restriction", "InvalidValue", "Restriction: a group restriction needs ids");
    }
    for (auto g : v.restriction.ids) {
      auto grp = tx.groups().Get(ctx.account(), GroupId(g));
      if (!grp.ok() || grp->deleted) {
        val.Add("restriction", "InvalidValue",
                "Restriction: group " + std::to_string(g) + " does not exist");
      }
    }
  } else if (v.restriction.type == domain::Restriction::Type::kUser) {
    if (v.restriction.ids.size() != 1) {
      val.Add("restriction", "InvalidValue", "Restriction: a user restriction names one user");
    } else {
      auto u = tx.users().Get(ctx.account(), UserId(v.restriction.ids[0]));
      if (!u.ok() || !u->is_staff()) {
        val.Add("restriction", "InvalidValue", "Restriction: the user is not an agent");
      }
    }
  }
  COMPTOIR_RETURN_IF_ERROR(val.Finish());
  auto catalog = LoadRulesCatalog(tx, ctx.account());
  if (!catalog.ok()) return catalog.status();
  Status valid = rules::ValidateConditions(rules::RuleKind::kView, v.conditions, *catalog);
  if (!valid.ok()) {
    if (valid.code() != ErrorCode::kValidation && valid.code() != ErrorCode::kInvalidArgument) {
      return valid;
    }
    if (!valid.details().empty()) return valid;
    return Invalid("conditions", "InvalidValue", valid.message());
  }
  // Compile the conditions once against a query that matches nothing (an external id no
  // ticket has: one unique-index probe) so that a condition without SQL form is a 422.
  storage::TicketQuery q;
  q.filter.external_id = std::string("\x01view-check");
  q.conditions = v.conditions;
  q.now = env_.clock.Now();
  q.current_user = ctx.actor.user_id;
  q.sort_by = v.output.sort_by;
  q.group_by = v.output.group_by;
  auto probe = tx.tickets().ListMatching(ctx.account(), q, storage::PageRequest{});
  if (!probe.ok()) {
    if (probe.status().code() == ErrorCode::kInvalidArgument) {
      const std::string msg(probe.status().message());
      const bool output = msg.rfind("sort_by", 0) == 0 || msg.rfind("group_by", 0) == 0;
      return Invalid(output ? "output" : "conditions", "InvalidValue", msg);
    }
    return probe.status();
  }
  return Status::Ok();
}

storage::TicketQuery ViewService::QueryFor(Transaction& tx, const Context& ctx,
                                           const domain::View& v,
                                           const std::vector<std::int64_t>& groups) {
  storage::TicketQuery q;
  tickets_.RestrictToCaller(tx, ctx, q.filter);
  q.conditions = v.conditions;
  q.now = env_.clock.Now();
  q.current_user = ctx.actor.user_id;
  q.current_groups = groups;
  q.sort_by = v.output.sort_by;
  q.sort_descending = v.output.sort_order != "asc";
  q.group_by = v.output.group_by;
  q.group_descending = v.output.group_order == "desc";
  return q;
}

namespace {

void ApplyInput(domain::View& v, const ViewInput& in) {
  if (in.title) v.title = v.raw_title = *in.title;
  if (in.description) v.description = *in.description;
  if (in.active) v.active = *in.active;
  if (in.position) v.position = *in.position;
  if (in.restriction) v.restriction = *in.restriction;
  if (in.all) v.conditions.all = *in.all;
  if (in.any) v.conditions.any = *in.any;
  if (in.output) v.output = *in.output;
}

}  // namespace

Result<std::vector<domain::View>> ViewService::List(const Context& ctx, const ViewFilter& filter) {
  if (!ctx.actor.is_staff()) return PermissionDenied();
  Result<std::vector<domain::View>> out = std::vector<domain::View>{};
  COMPTOIR_RETURN_IF_ERROR(env_.store.Read([&](Transaction& tx) -> Status {
    auto groups = CallerGroupIds(tx, ctx);
    if (!groups.ok()) return groups.status();
    auto all = tx.views().List(ctx.account());
    if (!all.ok()) return all.status();
    std::string query = filter.query;
    std::transform(query.begin(), query.end(), query.begin(), ::tolower);
    for (auto& v : *all) {
      if (!CanSee(ctx, v, *groups)) continue;
      if (filter.active && v.active != *filter.active) continue;
      using T = domain::Restriction::Type;
      if (filter.access == "personal" && v.restriction.type != T::kUser) continue;
      if (filter.access == "shared" && v.restriction.type != T::kNone) continue;
      if (filter.access == "account" && v.restriction.type != T::kGroup) continue;
      if (!query.empty()) {
        std::string title = v.title;
        std::transform(title.begin(), title.end(), title.begin(), ::tolower);
        if (title.find(query) == std::string::npos) continue;
      }
      out->push_back(std::move(v));
    }
    return Status::Ok();
  }));
  return out;
}

Result<domain::View> ViewService::Get(const Context& ctx, domain::ViewId id) {
  if (!ctx.actor.is_staff()) return PermissionDenied();
  Result<domain::View> out = NotFound();
  COMPTOIR_RETURN_IF_ERROR(env_.store.Read([&](Transaction& tx) -> Status {
    auto groups = CallerGroupIds(tx, ctx);
    if (!groups.ok()) return groups.status();
    auto v = tx.views().Get(ctx.account(), id);
    if (!v.ok()) return v.status();
    if (!CanSee(ctx, *v, *groups)) return NotFound();
    out = std::move(*v);
    return Status::Ok();
  }));
  return out;
}

Result<domain::View> ViewService::Create(const Context& ctx, const ViewInput& in) {
  if (!ctx.actor.is_staff()) return PermissionDenied();
  Result<domain::View> out = NotFound();
  COMPTOIR_RETURN_IF_ERROR(env_.store.Write([&](Transaction& tx) -> Status {
    domain::View v;
    v.account_id = ctx.account();
    if (!ctx.actor.is_admin()) {
      // Agents keep personal views.
      v.restriction = {domain::Restriction::Type::kUser, {ctx.actor.user_id.value}};
    }
    ApplyInput(v, in);
    if (!in.all) {
      return Invalid("conditions", "InvalidValue",
                     "Invalid conditions: You must select at least one condition in all");
    }
    if (!CanManage(ctx, v)) return PermissionDenied("Agents may only create personal views");
    auto existing = tx.views().List(ctx.account());
    if (!existing.ok()) return existing.status();
    if (!in.position) {
      int max = 0;
      for (const auto& e : *existing) max = std::max(max, e.position);
      v.position = max + 1;
    }
    COMPTOIR_RETURN_IF_ERROR(Check(tx, ctx, v));
    v.created_at = v.updated_at = env_.clock.Now();
    auto id = tx.views().Insert(v);
    if (!id.ok()) return id.status();
    v.id = *id;
    out = v;
    return Status::Ok();
  }));
  return out;
}

Result<domain::View> ViewService::Update(const Context& ctx, domain::ViewId id,
                                         const ViewInput& in) {
  if (!ctx.actor.is_staff()) return PermissionDenied();
  Result<domain::View> out = NotFound();
  COMPTOIR_RETURN_IF_ERROR(env_.store.Write([&](Transaction& tx) -> Status {
    auto groups = CallerGroupIds(tx, ctx);
    if (!groups.ok()) return groups.status();
    auto v = tx.views().Get(ctx.account(), id);
    if (!v.ok()) return v.status();
    if (!CanSee(ctx, *v, *groups)) return NotFound();
    if (!CanManage(ctx, *v)) return PermissionDenied("You may not change this view");
    ApplyInput(*v, in);
    if (!CanManage(ctx, *v)) return PermissionDenied("Agents may only keep personal views");
    COMPTOIR_RETURN_IF_ERROR(Check(tx, ctx, *v));
    v->updated_at = env_.clock.Now();
    COMPTOIR_RETURN_IF_ERROR(tx.views().Update(*v));
    out = std::move(*v);
    return Status::Ok();
  }));
  return out;
}

Status ViewService::Delete(const Context& ctx, domain::ViewId id) {
  if (!ctx.actor.is_staff()) return PermissionDenied();
  return env_.store.Write([&](Transaction& tx) -> Status {
    auto groups = CallerGroupIds(tx, ctx);
    if (!groups.ok()) return groups.status();
    auto v = tx.views().Get(ctx.account(), id);
    if (!v.ok()) return v.status();
    if (!CanSee(ctx, *v, *groups)) return NotFound();
    if (!CanManage(ctx, *v)) return PermissionDenied("You may not delete this view");
    return tx.views().Delete(ctx.account(), id);
  });
}

Result<boost::json::object> ViewService::Definitions(const Context& ctx) {
  if (!ctx.actor.is_staff()) return PermissionDenied();
  boost::json::object out;
  COMPTOIR_RETURN_IF_ERROR(env_.store.Read([&](storage::Transaction& tx) -> Status {
    auto catalog = LoadRulesCatalog(tx, ctx.account());
    if (!catalog.ok()) return catalog.status();
    out = rules::Definitions(rules::RuleKind::kView, *catalog);
    return Status::Ok();
  }));
  return out;
}

Status ViewService::Reorder(const Context& ctx, const std::vector<std::int64_t>& ids) {
  if (!ctx.actor.is_staff()) return PermissionDenied();
  return env_.store.Write([&](Transaction& tx) -> Status {
    auto groups = CallerGroupIds(tx, ctx);
    if (!groups.ok()) return groups.status();
    const Timestamp now = env_.clock.Now();
    int position = 0;
    for (auto raw : ids) {
      auto v = tx.views().Get(ctx.account(), domain::ViewId(raw));
      if (!v.ok()) return v.status();
      if (!CanSee(ctx, *v, *groups)) return NotFound();
      if (!CanManage(ctx, *v)) return PermissionDenied("You may not reorder this view");
      v->position = ++position;
      v->updated_at = now;
      COMPTOIR_RETURN_IF_ERROR(tx.views().Update(*v));
    }
    return Status::Ok();
  });
}

Result<ViewExecution> ViewService::Run(Transaction& tx, const Context& ctx, domain::View v,
                                       const std::vector<std::int64_t>& groups,
                                       const ViewExecuteOptions& opts) {
  if (!opts.sort_by.empty()) v.output.sort_by = opts.sort_by;
  if (!opts.sort_order.empty()) v.output.sort_order = opts.sort_order;
  storage::TicketQuery q = QueryFor(tx, ctx, v, groups);
  // How many match decides the plan: many → read the sort index in order and stop at the
  // page; few → collect the matches and sort them. Saved views count from the cache.
  storage::PageRequest page_req = opts.page;
  page_req.count = false;
  Result<std::int64_t> total = std::int64_t{0};
  if (v.id) {
    auto cached = CachedCount(tx, ctx, v, groups);
    total =
        cached.ok() ? Result<std::int64_t>(cached->first) : Result<std::int64_t>(cached.status());
  } else {
    total = tx.tickets().CountMatching(ctx.account(), q);
  }
  if (!total.ok()) {
    if (total.status().code() == ErrorCode::kInvalidArgument) {
      return Status(ErrorCode::kInvalidArgument, std::string(total.status().message()),
                    "InvalidValue");
    }
    return total.status();
  }
  q.walk_sort_index = *total >= kWalkThreshold;
  auto page = tx.tickets().ListMatching(ctx.account(), q, page_req);
  if (!page.ok()) {
    if (page.status().code() == ErrorCode::kInvalidArgument) {
      return Status(ErrorCode::kInvalidArgument, std::string(page.status().message()),
                    "InvalidValue");
    }
    return page.status();
  }
  ViewExecution out;
  out.view = std::move(v);
  out.tickets = std::move(*page);
  out.tickets.total = *total;
  std::set<std::int64_t> users, grps, orgs;
  for (const auto& t : out.tickets.items) {
    for (auto u : {t.requester_id.value, t.submitter_id.value, t.assignee_id.value}) {
      if (u) users.insert(u);
    }
    if (t.group_id) grps.insert(t.group_id.value);
    if (t.organization_id) orgs.insert(t.organization_id.value);
  }
  std::vector<UserId> uids;
  for (auto u : users) uids.emplace_back(u);
  std::vector<GroupId> gids;
  for (auto g : grps) gids.emplace_back(g);
  std::vector<OrganizationId> oids;
  for (auto o : orgs) oids.emplace_back(o);
  auto us = tx.users().GetMany(ctx.account(), uids);
  if (!us.ok()) return us.status();
  out.users = std::move(*us);
  auto gs = tx.groups().GetMany(ctx.account(), gids);
  if (!gs.ok()) return gs.status();
  out.groups = std::move(*gs);
  auto os = tx.organizations().GetMany(ctx.account(), oids);
  if (!os.ok()) return os.status();
  out.organizations = std::move(*os);
  return out;
}

Result<ViewExecution> ViewService::Execute(const Context& ctx, domain::ViewId id,
                                           const ViewExecuteOptions& opts) {
  if (!ctx.actor.is_staff()) return PermissionDenied();
  Result<ViewExecution> out = NotFound();
  COMPTOIR_RETURN_IF_ERROR(env_.store.Read([&](Transaction& tx) -> Status {
    auto groups = CallerGroupIds(tx, ctx);
    if (!groups.ok()) return groups.status();
    auto v = tx.views().Get(ctx.account(), id);
    if (!v.ok()) return v.status();
    if (!CanSee(ctx, *v, *groups)) return NotFound();
    out = Run(tx, ctx, std::move(*v), *groups, opts);
    return Status::Ok();
  }));
  return out;
}

Result<ViewExecution> ViewService::Preview(const Context& ctx, const ViewInput& in,
                                           const ViewExecuteOptions& opts) {
  if (!ctx.actor.is_staff()) return PermissionDenied();
  Result<ViewExecution> out = NotFound();
  COMPTOIR_RETURN_IF_ERROR(env_.store.Read([&](Transaction& tx) -> Status {
    domain::View v;
    v.account_id = ctx.account();
    v.title = "Preview";
    ApplyInput(v, in);
    COMPTOIR_RETURN_IF_ERROR(Check(tx, ctx, v));
    auto groups = CallerGroupIds(tx, ctx);
    if (!groups.ok()) return groups.status();
    out = Run(tx, ctx, std::move(v), *groups, opts);
    return Status::Ok();
  }));
  return out;
}

Result<std::int64_t> ViewService::PreviewCount(const Context& ctx, const ViewInput& in) {
  if (!ctx.actor.is_staff()) return PermissionDenied();
  Result<std::int64_t> out = std::int64_t{0};
  COMPTOIR_RETURN_IF_ERROR(env_.store.Read([&](Transaction& tx) -> Status {
    domain::View v;
    v.account_id = ctx.account();
    v.title = "Preview";
    ApplyInput(v, in);
    COMPTOIR_RETURN_IF_ERROR(Check(tx, ctx, v));
    auto groups = CallerGroupIds(tx, ctx);
    if (!groups.ok()) return groups.status();
    out = tx.tickets().CountMatching(ctx.account(), QueryFor(tx, ctx, v, *groups));
    return Status::Ok();
  }));
  return out;
}

Result<std::pair<std::int64_t, bool>> ViewService::CachedCount(
    Transaction& tx, const Context& ctx, const domain::View& v,
    const std::vector<std::int64_t>& groups) {
  storage::TicketQuery q = QueryFor(tx, ctx, v, groups);
  const bool per_user = UsesCaller(v.conditions) || q.filter.restricted;
  CacheKey key{ctx.account().value, v.id.value, per_user ? ctx.actor.user_id.value : 0,
               HasTimeCondition(v.conditions) ? q.now / 60 : 0};
  std::uint64_t generation = 0;
  {
    std::lock_guard lock(mu_);
    generation = generation_[key.account];
    auto it = counts_.find(key);
    if (it != counts_.end() && it->second.view_updated_at == v.updated_at) {
      if (it->second.generation == generation) return std::make_pair(it->second.value, true);
      if (it->second.compute_ms >= kSlowCountMs && q.now - it->second.computed_at < kStaleSeconds) {
        return std::make_pair(it->second.value, false);
      }
    }
  }
  const auto started = std::chrono::steady_clock::now();
  auto n = tx.tickets().CountMatching(ctx.account(), q);
  if (!n.ok()) return n.status();
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                      std::chrono::steady_clock::now() - started)
                      .count();
  std::lock_guard lock(mu_);
  if (counts_.size() > 100000) counts_.clear();  // bounded: start again rather than grow
  counts_[key] = CacheEntry{*n, generation, v.updated_at, q.now, static_cast<std::int64_t>(ms)};
  return std::make_pair(*n, true);
}

Result<ViewCount> ViewService::Count(const Context& ctx, domain::ViewId id) {
  auto many = CountMany(ctx, {id.value});
  if (!many.ok()) return many.status();
  if (many->empty()) return NotFound();
  return many->front();
}

Result<std::vector<ViewCount>> ViewService::CountMany(const Context& ctx,
                                                      const std::vector<std::int64_t>& ids) {
  if (!ctx.actor.is_staff()) return PermissionDenied();
  if (ids.size() > 20) {
    return Status(ErrorCode::kInvalidArgument, "count_many takes at most 20 ids", "InvalidValue");
  }
  Result<std::vector<ViewCount>> out = std::vector<ViewCount>{};
  COMPTOIR_RETURN_IF_ERROR(env_.store.Read([&](Transaction& tx) -> Status {
    auto groups = CallerGroupIds(tx, ctx);
    if (!groups.ok()) return groups.status();
    for (auto raw : ids) {
      auto v = tx.views().Get(ctx.account(), domain::ViewId(raw));
      if (!v.ok()) {
        if (v.status().code() == ErrorCode::kNotFound && ids.size() > 1) continue;
        return v.status();
      }
      if (!CanSee(ctx, *v, *groups)) {
        if (ids.size() > 1) continue;
        return NotFound();
      }
      auto n = CachedCount(tx, ctx, *v, *groups);
      if (!n.ok()) return n.status();
      out->push_back(ViewCount{v->id, n->first, n->second, v->active});
    }
    return Status::Ok();
  }));
  return out;
}

}  // namespace comptoir::services
