#include "comptoir/services/trigger_service.hpp"

#include <algorithm>
#include <boost/json.hpp>
#include <cctype>

#include "comptoir/domain/policy.hpp"

namespace comptoir::services {

namespace json = boost::json;
using domain::Trigger;
using domain::TriggerCategory;
using domain::TriggerCategoryId;
using domain::TriggerId;
using storage::Transaction;

namespace {

constexpr std::size_t kMaxTitle = 255 * 4;
constexpr std::size_t kMaxRules = 5000;  // triggers per account

std::string LowerAscii(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// Evaluation order: category position (no category first), position, id.
void SortForEvaluation(std::vector<Trigger>& ts, const std::vector<TriggerCategory>& cats) {
  auto cat_pos = [&](TriggerCategoryId id) -> std::int64_t {
    if (!id) return -1;
    for (const auto& c : cats) {
      if (c.id == id) return c.position;
    }
    return -1;
  };
  std::stable_sort(ts.begin(), ts.end(), [&](const Trigger& a, const Trigger& b) {
    auto ca = cat_pos(a.category_id);
    auto cb = cat_pos(b.category_id);
    if (ca != cb) return ca < cb;
    if (a.position != b.position) return a.position < b.position;
    return a.id < b.id;
  });
}

domain::Condition C(std::string f, std::string op, json::value v) {
  return {std::move(f), std::move(op), std::move(v)};
}

domain::Action Notify(std::string to, std::string subject, std::string body) {
  return {"notification_user",
          json::array{json::value(to), json::value(subject), json::value(body)}};
}

}  // namespace

TriggerService::TriggerService(ServiceEnv env) : env_(env) {}

// --- the rule set for ticket writes ---

void TriggerService::NoteChange(Transaction& tx, AccountId account) {
  tx.Publish(json::serialize(json::object{{"type", "triggers"}, {"account_id", account.value}}));
}

void TriggerService::Invalidate(AccountId account) {
  std::lock_guard lock(mu_);
  ++generation_[account];
  cache_.erase(account);
}

Result<TriggerSet> TriggerService::Active(Transaction& tx, AccountId account) {
  std::uint64_t gen = 0;
  {
    std::lock_guard lock(mu_);
    if (auto it = cache_.find(account); it != cache_.end()) return it->second.set;
    gen = generation_[account];
  }
  auto all = tx.triggers().List(account);
  if (!all.ok()) return all.status();
  auto cats = tx.trigger_categories().List(account);
  if (!cats.ok()) return cats.status();
  std::vector<Trigger> active;
  for (auto& t : *all) {
    if (t.active) active.push_back(std::move(t));
  }
  SortForEvaluation(active, *cats);
  TriggerSet set;
  set.count = active.size();
  set.compiled = rules::CompileTriggers(active);
  std::lock_guard lock(mu_);
  if (generation_[account] == gen) cache_[account] = Cached{set, gen};
  return set;
}

// --- catalog ---

Result<rules::Catalog> TriggerService::LoadCatalog(Transaction& tx, AccountId account) {
  rules::Catalog c;
  storage::PageRequest page;
  page.limit = 10000;
  auto groups = tx.groups().List(account, storage::GroupFilter{}, page);
  if (!groups.ok()) return groups.status();
  for (const auto& g : groups->items) c.groups.push_back({g.id.value, g.name});
  storage::UserFilter uf;
  uf.roles = {domain::Role::kAgent, domain::Role::kAdmin};
  uf.include_inactive = false;
  auto agents = tx.users().List(account, uf, page);
  if (!agents.ok()) return agents.status();
  for (const auto& u : agents->items) c.agents.push_back({u.id.value, u.name});
  auto forms = tx.ticket_forms().List(account);
  if (!forms.ok()) return forms.status();
  for (const auto& f : *forms) c.ticket_forms.push_back({f.id.value, f.name});
  auto fields = tx.ticket_fields().List(account);
  if (!fields.ok()) return fields.status();
  for (auto& f : *fields) {
    if (f.removable) c.ticket_fields.push_back(std::move(f));  // custom fields only
  }
  // Organisations are many: the ids a rule names are looked up by the caller.
  c.organizations_loaded = false;
  // Active webhooks and targets (notification_webhook, notification_target).
  storage::WebhookFilter wf;
  wf.status = "active";
  auto hooks = tx.delivery().ListWebhooks(account, wf, page);
  if (!hooks.ok()) return hooks.status();
  for (const auto& w : hooks->items) c.webhooks.push_back({w.id, w.name});
  auto targets = tx.delivery().ListTargets(account);
  if (!targets.ok()) return targets.status();
  for (const auto& t : *targets) {
    if (t.active) c.targets.push_back({t.id, t.title});
  }
  // Business-hours schedules (set_schedule, within_schedule).
  auto schedules = tx.schedules().List(account);
  if (!schedules.ok()) return schedules.status();
  for (const auto& s : *schedules) c.schedules.push_back({s.id, s.name});
  // Not in this build's store yet: brands.
  c.brands_loaded = false;
  return c;
}

// --- triggers ---

Result<std::vector<Trigger>> TriggerService::List(const Context& ctx, const TriggerFilter& f) {
  if (!ctx.actor.is_staff()) return PermissionDenied();
  std::vector<Trigger> out;
  COMPTOIR_RETURN_IF_ERROR(env_.store.Read([&](Transaction& tx) -> Status {
    auto all = tx.triggers().List(ctx.account());
    if (!all.ok()) return all.status();
    auto cats = tx.trigger_categories().List(ctx.account());
    if (!cats.ok()) return cats.status();
    const std::string q = LowerAscii(f.query);
    for (auto& t : *all) {
      if (f.active && t.active != *f.active) continue;
      if (f.category_id && t.category_id.value != *f.category_id) continue;
      if (!q.empty() && LowerAscii(t.title).find(q) == std::string::npos) continue;
      out.push_back(std::move(t));
    }
    SortForEvaluation(out, *cats);
    return Status::Ok();
  }));
  const std::string& by = f.sort_by;
  bool desc = f.sort_order == "desc";
  if (by == "alphabetical" || by == "title") {
    std::stable_sort(out.begin(), out.end(), [](const Trigger& a, const Trigger& b) {
      return LowerAscii(a.title) < LowerAscii(b.title);
    });
  } else if (by == "created_at" || by == "updated_at") {
    if (f.sort_order.empty()) desc = true;
    const bool created = by == "created_at";
    std::stable_sort(out.begin(), out.end(), [&](const Trigger& a, const Trigger& b) {
      auto ta = created ? a.created_at : a.updated_at;
      auto tb = created ? b.created_at : b.updated_at;
      return ta != tb ? ta < tb : a.id < b.id;
    });
  }
  if (desc) std::reverse(out.begin(), out.end());
  return out;
}

Result<Trigger> TriggerService::Get(const Context& ctx, TriggerId id) {
  if (!ctx.actor.is_staff()) return PermissionDenied();
  Result<Trigger> out = NotFound();
  COMPTOIR_RETURN_IF_ERROR(env_.store.Read([&](Transaction& tx) -> Status {
    out = tx.triggers().Get(ctx.account(), id);
    return Status::Ok();
  }));
  return out;
}

Result<Trigger> TriggerService::Save(Transaction& tx, const Context& ctx, Trigger t,
                                     const TriggerInput& in, bool creating) {
  const AccountId account = ctx.account();
  const Timestamp now = env_.clock.Now();
  if (in.title) {
    t.title = *in.title;
    t.raw_title = *in.title;
  }
  if (in.description) t.description = *in.description;
  if (in.active) t.active = *in.active;
  if (in.conditions) t.conditions = *in.conditions;
  if (in.actions) t.actions = *in.actions;
  Validation v;
  if (t.title.find_first_not_of(" \t\r\n") == std::string::npos) {
    v.Add("title", "BlankValue", "Title: cannot be blank");
  } else if (t.title.size() > kMaxTitle) {
    v.Add("title", "InvalidValue", "Title: is too long");
  }
  if (t.actions.empty()) v.Add("actions", "BlankValue", "Actions: cannot be blank");
  COMPTOIR_RETURN_IF_ERROR(v.Finish());

  auto catalog = LoadCatalog(tx, account);
  if (!catalog.ok()) return catalog.status();
  catalog->organizations_loaded = true;
  for (const auto* list : {&t.conditions.all, &t.conditions.any}) {
    for (const auto& c : *list) {
      if (c.field != "organization_id") continue;
      std::string text = c.value.is_string()  ? std::string(c.value.get_string())
                         : c.value.is_int64() ? std::to_string(c.value.get_int64())
                                              : "";
      std::int64_t id = 0;
      try {
        id = text.empty() ? 0 : std::stoll(text);
      } catch (...) {
        id = 0;
      }
      if (id <= 0) continue;
      auto o = tx.organizations().Get(account, OrganizationId(id));
      if (o.ok()) catalog->organizations.push_back({id, o->name});
    }
  }
  COMPTOIR_RETURN_IF_ERROR(
      rules::ValidateConditions(rules::RuleKind::kTrigger, t.conditions, *catalog));
  COMPTOIR_RETURN_IF_ERROR(rules::ValidateActions(rules::RuleKind::kTrigger, t.actions, *catalog));

  // The category: an inline new one, an existing one, or none.
  if (in.new_category_name) {
    if (in.new_category_name->find_first_not_of(" \t") == std::string::npos) {
      return Invalid("category", "BlankValue", "Category name: cannot be blank");
    }
    TriggerCategory c;
    c.account_id = account;
    c.name = *in.new_category_name;
    c.created_at = c.updated_at = now;
    auto cats = tx.trigger_categories().List(account);
    if (!cats.ok()) return cats.status();
    c.position = in.new_category_position.value_or(static_cast<int>(cats->size()));
    auto id = tx.trigger_categories().Insert(c);
    if (!id.ok()) return id.status();
    t.category_id = *id;
  } else if (in.category_id) {
    if (*in.category_id != 0 &&
        !tx.trigger_categories().Get(account, TriggerCategoryId(*in.category_id)).ok()) {
      return Invalid("category_id", "InvalidValue", "Category: does not exist");
    }
    t.category_id = TriggerCategoryId(*in.category_id);
  }

  t.updated_at = now;
  if (creating) {
    auto all = tx.triggers().List(account);
    if (!all.ok()) return all.status();
    if (all->size() >= kMaxRules) {
      return Invalid("base", "InvalidValue", "An account has at most 5000 triggers");
    }
    int last = -1;
    for (const auto& x : *all) last = std::max(last, x.position);
    t.position = in.position.value_or(last + 1);  // new triggers go last
    t.account_id = account;
    t.created_at = now;
    auto id = tx.triggers().Insert(t);
    if (!id.ok()) return id.status();
    t.id = *id;
  } else {
    if (in.position) t.position = *in.position;
    COMPTOIR_RETURN_IF_ERROR(tx.triggers().Update(t));
  }
  NoteChange(tx, account);
  COMPTOIR_RETURN_IF_ERROR(
      RecordAudit(tx, ctx, now, "rule", t.id.value, t.title, creating ? "create" : "update",
                  std::string(creating ? "Created" : "Updated") + " trigger: " + t.title));
  return t;
}

Result<Trigger> TriggerService::Create(const Context& ctx, const TriggerInput& in) {
  if (!domain::CanAdminister(ctx.actor)) return PermissionDenied();
  Result<Trigger> out = Internal("not run");
  COMPTOIR_RETURN_IF_ERROR(env_.store.Write([&](Transaction& tx) -> Status {
    out = Save(tx, ctx, Trigger{}, in, true);
    return out.status();
  }));
  Invalidate(ctx.account());
  return out;
}

Result<Trigger> TriggerService::Update(const Context& ctx, TriggerId id, const TriggerInput& in) {
  if (!domain::CanAdminister(ctx.actor)) return PermissionDenied();
  Result<Trigger> out = Internal("not run");
  COMPTOIR_RETURN_IF_ERROR(env_.store.Write([&](Transaction& tx) -> Status {
    auto t = tx.triggers().Get(ctx.account(), id);
    if (!t.ok()) return t.status();
    out = Save(tx, ctx, *t, in, false);
    return out.status();
  }));
  Invalidate(ctx.account());
  return out;
}

Status TriggerService::Delete(const Context& ctx, TriggerId id) { return DestroyMany(ctx, {id}); }

Status TriggerService::DestroyMany(const Context& ctx, const std::vector<TriggerId>& ids) {
  if (!domain::CanAdminister(ctx.actor)) return PermissionDenied();
  COMPTOIR_RETURN_IF_ERROR(env_.store.Write([&](Transaction& tx) -> Status {
    const Timestamp now = env_.clock.Now();
    for (auto id : ids) {
      auto t = tx.triggers().Get(ctx.account(), id);
      if (!t.ok()) return t.status();
      COMPTOIR_RETURN_IF_ERROR(tx.triggers().Delete(ctx.account(), id));
      COMPTOIR_RETURN_IF_ERROR(RecordAudit(tx, ctx, now, "rule", id.value, t->title, "destroy",
                                           "Deleted trigger: " + t->title));
    }
    NoteChange(tx, ctx.account());
    return Status::Ok();
  }));
  Invalidate(ctx.account());
  return Status::Ok();
}

namespace {

Status ApplyPatch(Transaction& tx, AccountId account, const TriggerPatch& p, Timestamp now,
                  Trigger* out) {
  auto t = tx.triggers().Get(account, p.id);
  if (!t.ok()) return t.status();
  if (p.position) t->position = *p.position;
  if (p.active) t->active = *p.active;
  if (p.category_id) {
    if (*p.category_id != 0 &&
        !tx.trigger_categories().Get(account, TriggerCategoryId(*p.category_id)).ok()) {
      return Invalid("category_id", "InvalidValue", "Category: does not exist");
    }
    t->category_id = TriggerCategoryId(*p.category_id);
  }
  t->updated_at = now;
  COMPTOIR_RETURN_IF_ERROR(tx.triggers().Update(*t));
  if (out) *out = *t;
  return Status::Ok();
}

}  // namespace

Result<std::vector<Trigger>> TriggerService::UpdateMany(const Context& ctx,
                                                        const std::vector<TriggerPatch>& patches) {
  if (!domain::CanAdminister(ctx.actor)) return PermissionDenied();
  std::vector<Trigger> out;
  COMPTOIR_RETURN_IF_ERROR(env_.store.Write([&](Transaction& tx) -> Status {
    const Timestamp now = env_.clock.Now();
    for (const auto& p : patches) {
      Trigger t;
      COMPTOIR_RETURN_IF_ERROR(ApplyPatch(tx, ctx.account(), p, now, &t));
      out.push_back(std::move(t));
    }
    NoteChange(tx, ctx.account());
    return RecordAudit(tx, ctx, now, "rule", 0, "", "update", "Triggers updated");
  }));
  Invalidate(ctx.account());
  return out;
}

Result<std::vector<Trigger>> TriggerService::Reorder(const Context& ctx,
                                                     const std::vector<TriggerId>& ids) {
  if (!domain::CanAdminister(ctx.actor)) return PermissionDenied();
  std::vector<Trigger> out;
  COMPTOIR_RETURN_IF_ERROR(env_.store.Write([&](Transaction& tx) -> Status {
    auto all = tx.triggers().List(ctx.account());
    if (!all.ok()) return all.status();
    const Timestamp now = env_.clock.Now();
    std::vector<Trigger> rest = std::move(all).value();
    std::vector<Trigger> ordered;
    for (auto id : ids) {
      auto it =
          std::find_if(rest.begin(), rest.end(), [&](const Trigger& t) { return t.id == id; });
      if (it == rest.end()) {
        if (std::any_of(ordered.begin(), ordered.end(),
                        [&](const Trigger& t) { return t.id == id; })) {
          continue;
        }
        return Invalid("trigger_ids", "InvalidValue", std::to_string(id.value) + " does not exist");
      }
      ordered.push_back(std::move(*it));
      rest.erase(it);
    }
    for (auto& t : rest) ordered.push_back(std::move(t));
    for (std::size_t i = 0; i < ordered.size(); ++i) {
      if (ordered[i].position == static_cast<int>(i)) continue;
      ordered[i].position = static_cast<int>(i);
      ordered[i].updated_at = now;
      COMPTOIR_RETURN_IF_ERROR(tx.triggers().Update(ordered[i]));
    }
    out = std::move(ordered);
    NoteChange(tx, ctx.account());
    return RecordAudit(tx, ctx, now, "rule", 0, "", "update", "Triggers reordered");
  }));
  Invalidate(ctx.account());
  return out;
}

Result<json::object> TriggerService::Definitions(const Context& ctx) {
  if (!ctx.actor.is_staff()) return PermissionDenied();
  json::object out;
  COMPTOIR_RETURN_IF_ERROR(env_.store.Read([&](Transaction& tx) -> Status {
    auto c = LoadCatalog(tx, ctx.account());
    if (!c.ok()) return c.status();
    out = rules::Definitions(rules::RuleKind::kTrigger, *c);
    return Status::Ok();
  }));
  return out;
}

// --- categories ---

Result<std::vector<TriggerCategory>> TriggerService::ListCategories(const Context& ctx) {
  if (!ctx.actor.is_staff()) return PermissionDenied();
  std::vector<TriggerCategory> out;
  COMPTOIR_RETURN_IF_ERROR(env_.store.Read([&](Transaction& tx) -> Status {
    auto l = tx.trigger_categories().List(ctx.account());
    if (!l.ok()) return l.status();
    out = std::move(l).value();
    return Status::Ok();
  }));
  return out;
}

Result<TriggerCategory> TriggerService::GetCategory(const Context& ctx, TriggerCategoryId id) {
  if (!ctx.actor.is_staff()) return PermissionDenied();
  Result<TriggerCategory> out = NotFound();
  COMPTOIR_RETURN_IF_ERROR(env_.store.Read([&](Transaction& tx) -> Status {
    out = tx.trigger_categories().Get(ctx.account(), id);
    return Status::Ok();
  }));
  return out;
}

Result<TriggerCategory> TriggerService::CreateCategory(const Context& ctx,
                                                       const CategoryInput& in) {
  if (!domain::CanAdminister(ctx.actor)) return PermissionDenied();
  if (!in.name || in.name->find_first_not_of(" \t\r\n") == std::string::npos) {
    return Invalid("name", "BlankValue", "Name: cannot be blank");
  }
  TriggerCategory c;
  COMPTOIR_RETURN_IF_ERROR(env_.store.Write([&](Transaction& tx) -> Status {
    auto all = tx.trigger_categories().List(ctx.account());
    if (!all.ok()) return all.status();
    const Timestamp now = env_.clock.Now();
    c.account_id = ctx.account();
    c.name = *in.name;
    c.position = in.position.value_or(static_cast<int>(all->size()));
    c.created_at = c.updated_at = now;
    auto id = tx.trigger_categories().Insert(c);
    if (!id.ok()) return id.status();
    c.id = *id;
    NoteChange(tx, ctx.account());
    return RecordAudit(tx, ctx, now, "rule", 0, c.name, "create", "Created trigger category");
  }));
  Invalidate(ctx.account());
  return c;
}

Result<TriggerCategory> TriggerService::UpdateCategory(const Context& ctx, TriggerCategoryId id,
                                                       const CategoryInput& in) {
  if (!domain::CanAdminister(ctx.actor)) return PermissionDenied();
  if (in.name && in.name->find_first_not_of(" \t\r\n") == std::string::npos) {
    return Invalid("name", "BlankValue", "Name: cannot be blank");
  }
  TriggerCategory c;
  COMPTOIR_RETURN_IF_ERROR(env_.store.Write([&](Transaction& tx) -> Status {
    auto got = tx.trigger_categories().Get(ctx.account(), id);
    if (!got.ok()) return got.status();
    c = *got;
    if (in.name) c.name = *in.name;
    if (in.position) c.position = *in.position;
    c.updated_at = env_.clock.Now();
    COMPTOIR_RETURN_IF_ERROR(tx.trigger_categories().Update(c));
    NoteChange(tx, ctx.account());
    return Status::Ok();
  }));
  Invalidate(ctx.account());
  return c;
}

Status TriggerService::DeleteCategory(const Context& ctx, TriggerCategoryId id) {
  if (!domain::CanAdminister(ctx.actor)) return PermissionDenied();
  COMPTOIR_RETURN_IF_ERROR(env_.store.Write([&](Transaction& tx) -> Status {
    auto got = tx.trigger_categories().Get(ctx.account(), id);
    if (!got.ok()) return got.status();
    auto n = tx.triggers().CountInCategory(ctx.account(), id);
    if (!n.ok()) return n.status();
    if (*n > 0) {
      return Invalid(
          "base", "InvalidValue",
          "Category: cannot be deleted while it has triggers (" + std::to_string(*n) + ")");
    }
    COMPTOIR_RETURN_IF_ERROR(tx.trigger_categories().Delete(ctx.account(), id));
    NoteChange(tx, ctx.account());
    return Status::Ok();
  }));
  Invalidate(ctx.account());
  return Status::Ok();
}

Status TriggerService::PatchMany(const Context& ctx, const std::vector<CategoryPatch>& categories,
                                 const std::vector<TriggerPatch>& triggers) {
  if (!domain::CanAdminister(ctx.actor)) return PermissionDenied();
  COMPTOIR_RETURN_IF_ERROR(env_.store.Write([&](Transaction& tx) -> Status {
    const Timestamp now = env_.clock.Now();
    for (const auto& p : categories) {
      auto c = tx.trigger_categories().Get(ctx.account(), p.id);
      if (!c.ok()) return c.status();
      if (p.position) c->position = *p.position;
      c->updated_at = now;
      COMPTOIR_RETURN_IF_ERROR(tx.trigger_categories().Update(*c));
    }
    for (const auto& p : triggers) {
      COMPTOIR_RETURN_IF_ERROR(ApplyPatch(tx, ctx.account(), p, now, nullptr));
    }
    NoteChange(tx, ctx.account());
    return Status::Ok();
  }));
  Invalidate(ctx.account());
  return Status::Ok();
}

// --- defaults ---

Status TriggerService::CreateDefaults(Transaction& tx, AccountId account, Timestamp now) {
  const std::string kSeparator = "----------------------------------------------\n\n";
  struct Def {
    std::string title;
    std::string description;
    domain::ConditionSet conditions;
    std::vector<domain::Action> actions;
  };
  std::vector<Def> defs;
  defs.push_back(
      {"Notify requester and CCs of received request",
       "Sends the requester and CCs an email confirming that their request was received.",
       {{C("update_type", "is", "Create"), C("status", "is_not", "solved"),
         C("ticket_is_public", "is", "public")},
        {}},
       {Notify("requester_and_ccs", "[{{ticket.account}}] Re: {{ticket.title}}",
               "Your request ({{ticket.id}}) has been received and is being reviewed by our "
               "support staff.\n\nTo add additional comments, reply to this email.\n\n" +
                   kSeparator + "{{ticket.comments_formatted}}")}});
  defs.push_back({"Notify requester and CCs of comment update",
                  "Sends the requester and CCs an email when a public comment is added.",
                  {{C("update_type", "is", "Change"), C("comment_is_public", "is", "true"),
                    C("requester_id", "is_not", "current_user")},
                   {}},
                  {Notify("requester_and_ccs", "[{{ticket.account}}] Re: {{ticket.title}}",
                          "Your request ({{ticket.id}}) has been updated. To add additional "
                          "comments, reply to this email.\n" +
                              kSeparator + "{{ticket.comments_formatted}}")}});
  defs.push_back({"Notify assignee of comment update",
                  "Sends the assignee an email when someone else comments on their ticket.",
                  {{C("update_type", "is", "Change"), C("comment_is_public", "is", "not_relevant"),
                    C("assignee_id", "is_not", "current_user"), C("assignee_id", "is_not", "")},
                   {}},
                  {Notify("assignee_id", "[{{ticket.account}}] Re: {{ticket.title}}",
                          "This ticket (#{{ticket.id}}) has been updated.\n\n" + kSeparator +
                              "{{ticket.comments_formatted}}")}});
  defs.push_back({"Notify assignee of assignment",
                  "Sends an agent an email when a ticket is assigned to them.",
                  {{C("assignee_id", "changed", nullptr),
                    C("assignee_id", "is_not", "current_user"), C("assignee_id", "is_not", "")},
                   {}},
                  {Notify("assignee_id", "[{{ticket.account}}] Assignment: {{ticket.title}}",
                          "You have been assigned to this ticket (#{{ticket.id}}).\n\n" +
                              kSeparator + "{{ticket.comments_formatted}}")}});
  defs.push_back({"Notify assignee of reopened ticket",
                  "Sends the assignee an email when their solved ticket is reopened.",
                  {{C("assignee_id", "is_not", "current_user"), C("assignee_id", "is_not", ""),
                    C("status", "value_previous", "solved"), C("status", "is_not", "closed")},
                   {}},
                  {Notify("assignee_id", "[{{ticket.account}}] Re: {{ticket.title}}",
                          "The ticket (#{{ticket.id}}) has been reopened. We will keep you "
                          "posted.\n\n" +
                              kSeparator + "{{ticket.comments_formatted}}")}});
  defs.push_back({"Notify group of assignment",
                  "Sends the group an email when a ticket is assigned to it without an assignee.",
                  {{C("group_id", "changed", nullptr), C("assignee_id", "is", ""),
                    C("group_id", "is_not", "")},
                   {}},
                  {{"notification_group",
                    json::array{"group_id", "[{{ticket.account}}] Assignment: {{ticket.title}}",
                                "A ticket (#{{ticket.id}}) by {{ticket.requester.name}} has been "
                                "assigned to group '{{ticket.group.name}}', of which you are a "
                                "member.\n\n" +
                                    kSeparator + "{{ticket.comments_formatted}}"}}}});
  defs.push_back({"Notify all agents of received request",
                  "Sends every agent an email when a new ticket arrives.",
                  {{C("update_type", "is", "Create")}, {}},
                  {Notify("all_agents", "[{{ticket.account}}] {{ticket.title}}",
                          "A ticket (#{{ticket.id}}) by {{ticket.requester.name}} has been "
                          "received. It is unassigned.\n\n" +
                              kSeparator + "{{ticket.comments_formatted}}")}});
  int position = 0;
  for (auto& d : defs) {
    Trigger t;
    t.account_id = account;
    t.title = t.raw_title = d.title;
    t.description = d.description;
    t.active = true;
    t.is_default = true;
    t.position = position++;
    t.conditions = std::move(d.conditions);
    t.actions = std::move(d.actions);
    t.created_at = t.updated_at = now;
    auto id = tx.triggers().Insert(t);
    if (!id.ok()) return id.status();
  }
  NoteChange(tx, account);
  return Status::Ok();
}

}  // namespace comptoir::services
