#include "comptoir/services/automation_service.hpp"

#include <algorithm>
#include <boost/json.hpp>

#include "comptoir/common/log.hpp"
#include "comptoir/rules/rules.hpp"
#include "rules_catalog.hpp"

namespace comptoir::services {

using storage::Transaction;
namespace json = boost::json;

namespace {

constexpr int kAll = 100000;
// Candidates read per automation and sweep; the rest wait for the next sweep.
constexpr std::int64_t kMaxCandidates = 2'000'000;

storage::PageRequest Everything() {
  storage::PageRequest p;
  p.limit = kAll;
  return p;
}

// "status less_than solved": the statuses a rule's candidates may have (never closed).
std::vector<domain::TicketStatus> OpenStatuses() {
  return {domain::TicketStatus::kNew, domain::TicketStatus::kOpen, domain::TicketStatus::kPending,
          domain::TicketStatus::kHold, domain::TicketStatus::kSolved};
}

json::object NotificationEvent(const rules::Effect& e, const domain::Ticket& t,
                               const domain::Automation& a) {
  json::array recipients;
  if (e.recipient == "requester_id" || e.recipient == "requester_and_ccs") {
    recipients.emplace_back(t.requester_id.value);
    if (e.recipient == "requester_and_ccs") {
      for (auto id : t.email_cc_ids) recipients.emplace_back(id);
    }
  } else if (e.recipient == "assignee_id") {
    if (t.assignee_id) recipients.emplace_back(t.assignee_id.value);
  } else {
    try {
      recipients.emplace_back(std::stoll(e.recipient));
    } catch (...) {
      // "all_agents", "current_user": resolved by the delivery, not here.
    }
  }
  return {
      {"type", e.kind == rules::Effect::Kind::kNotifyGroup ? "NotificationGroup" : "Notification"},
      {"subject", e.subject},
      {"body", e.body},
      {"recipient", e.recipient},
      {"recipients", std::move(recipients)},
      {"via",
       json::object{
           {"channel", "rule"},
           {"source", json::object{{"to", json::object{}},
                                   {"from", json::object{{"id", a.id.value}, {"title", a.title}}},
                                   {"rel", "automation"}}}}}};
}

}  // namespace

Result<rules::Catalog> LoadRulesCatalog(Transaction& tx, AccountId account) {
  rules::Catalog cat;
  auto groups = tx.groups().List(account, storage::GroupFilter{}, Everything());
  if (!groups.ok()) return groups.status();
  for (const auto& g : groups->items) cat.groups.push_back({g.id.value, g.name});
  storage::UserFilter uf;
  uf.roles = {domain::Role::kAgent, domain::Role::kAdmin};
  auto agents = tx.users().List(account, uf, Everything());
  if (!agents.ok()) return agents.status();
  for (const auto& u : agents->items) cat.agents.push_back({u.id.value, u.name});
  auto orgs = tx.organizations().List(account, storage::OrganizationFilter{}, Everything());
  if (!orgs.ok()) return orgs.status();
  for (const auto& o : orgs->items) cat.organizations.push_back({o.id.value, o.name});
  auto forms = tx.ticket_forms().List(account);
  if (!forms.ok()) return forms.status();
  for (const auto& f : *forms) cat.ticket_forms.push_back({f.id.value, f.name});
  auto fields = tx.ticket_fields().List(account);
  if (!fields.ok()) return fields.status();
  cat.ticket_fields = std::move(*fields);
  cat.brands_loaded = false;
  cat.webhooks_loaded = false;
  cat.targets_loaded = false;
  cat.schedules_loaded = false;
  return cat;
}

Status AutomationService::InsertDefaults(Transaction& tx, AccountId account, Timestamp now) {
  domain::Automation a;
  a.account_id = account;
  a.title = a.raw_title = "Close ticket 4 days after status is set to solved";
  a.active = true;
  a.is_default = true;
  a.position = 1;
  a.conditions.all = {
      domain::Condition{"status", "is", json::value("solved")},
      domain::Condition{"SOLVED", "greater_than", json::value("96")},
  };
  a.actions = {domain::Action{"status", json::value("closed")}};
  a.created_at = a.updated_at = now;
  return tx.automations().Insert(a).status();
}

Status AutomationService::Validate(Transaction& tx, const Context& ctx,
                                   const domain::Automation& a) {
  if (a.title.empty()) return Invalid("title", "BlankValue", "Title: cannot be blank");
  auto cat = LoadRulesCatalog(tx, ctx.account());
  if (!cat.ok()) return cat.status();
  Status st = rules::ValidateConditions(rules::RuleKind::kAutomation, a.conditions, *cat);
  if (st.ok()) st = rules::ValidateActions(rules::RuleKind::kAutomation, a.actions, *cat);
  if (st.ok()) st = rules::ValidateAutomation(a, *cat);
  if (!st.ok()) {
    if (st.code() == ErrorCode::kValidation || st.code() == ErrorCode::kInvalidArgument) {
      if (!st.details().empty()) return st;
      return Invalid("base", "InvalidValue", std::string(st.message()));
    }
    return st;
  }
  // The SQL side must be able to compile it too (the sweep finds candidates with it).
  storage::TicketQuery q;
  q.filter.external_id = std::string("\x01automation-check");
  q.conditions = a.conditions;
  q.now = env_.clock.Now();
  auto probe = tx.tickets().ListMatching(ctx.account(), q, storage::PageRequest{});
  if (!probe.ok()) {
    if (probe.status().code() == ErrorCode::kInvalidArgument) {
      return Invalid("conditions", "InvalidValue", std::string(probe.status().message()));
    }
    return probe.status();
  }
  // Active automations may not be identical.
  auto all = tx.automations().List(ctx.account());
  if (!all.ok()) return all.status();
  for (const auto& other : *all) {
    if (other.id != a.id && other.active && a.active && other.conditions == a.conditions &&
        other.actions == a.actions) {
      return Invalid("base", "InvalidValue",
                     "Automation: an active automation with the same conditions and actions "
                     "exists (" +
                         other.title + ")");
    }
  }
  return Status::Ok();
}

Result<std::vector<domain::Automation>> AutomationService::List(const Context& ctx,
                                                                std::optional<bool> active,
                                                                const std::string& query) {
  if (!ctx.actor.is_staff()) return PermissionDenied();
  Result<std::vector<domain::Automation>> out = std::vector<domain::Automation>{};
  COMPTOIR_RETURN_IF_ERROR(env_.store.Read([&](Transaction& tx) -> Status {
    auto all = tx.automations().List(ctx.account());
    if (!all.ok()) return all.status();
    std::string q = query;
    std::transform(q.begin(), q.end(), q.begin(), ::tolower);
    for (auto& a : *all) {
      if (active && a.active != *active) continue;
      if (!q.empty()) {
        std::string title = a.title;
        std::transform(title.begin(), title.end(), title.begin(), ::tolower);
        if (title.find(q) == std::string::npos) continue;
      }
      out->push_back(std::move(a));
    }
    return Status::Ok();
  }));
  return out;
}

Result<domain::Automation> AutomationService::Get(const Context& ctx, domain::AutomationId id) {
  if (!ctx.actor.is_staff()) return PermissionDenied();
  Result<domain::Automation> out = NotFound();
  COMPTOIR_RETURN_IF_ERROR(env_.store.Read([&](Transaction& tx) -> Status {
    out = tx.automations().Get(ctx.account(), id);
    return Status::Ok();
  }));
  return out;
}

namespace {
void ApplyInput(domain::Automation& a, const AutomationInput& in) {
  if (in.title) a.title = a.raw_title = *in.title;
  if (in.active) a.active = *in.active;
  if (in.position) a.position = *in.position;
  if (in.conditions) a.conditions = *in.conditions;
  if (in.actions) a.actions = *in.actions;
}
}  // namespace

Result<domain::Automation> AutomationService::Create(const Context& ctx,
                                                     const AutomationInput& in) {
  if (!ctx.actor.is_admin()) return PermissionDenied();
  Result<domain::Automation> out = NotFound();
  COMPTOIR_RETURN_IF_ERROR(env_.store.Write([&](Transaction& tx) -> Status {
    domain::Automation a;
    a.account_id = ctx.account();
    ApplyInput(a, in);
    if (!in.position) {
      auto all = tx.automations().List(ctx.account());
      if (!all.ok()) return all.status();
      int max = 0;
      for (const auto& x : *all) max = std::max(max, x.position);
      a.position = max + 1;
    }
    COMPTOIR_RETURN_IF_ERROR(Validate(tx, ctx, a));
    a.created_at = a.updated_at = env_.clock.Now();
    auto id = tx.automations().Insert(a);
    if (!id.ok()) return id.status();
    a.id = *id;
    out = a;
    return Status::Ok();
  }));
  return out;
}

Result<domain::Automation> AutomationService::Update(const Context& ctx, domain::AutomationId id,
                                                     const AutomationInput& in) {
  if (!ctx.actor.is_admin()) return PermissionDenied();
  Result<domain::Automation> out = NotFound();
  COMPTOIR_RETURN_IF_ERROR(env_.store.Write([&](Transaction& tx) -> Status {
    auto a = tx.automations().Get(ctx.account(), id);
    if (!a.ok()) return a.status();
    ApplyInput(*a, in);
    COMPTOIR_RETURN_IF_ERROR(Validate(tx, ctx, *a));
    a->updated_at = env_.clock.Now();
    COMPTOIR_RETURN_IF_ERROR(tx.automations().Update(*a));
    out = std::move(*a);
    return Status::Ok();
  }));
  return out;
}

Status AutomationService::Delete(const Context& ctx, domain::AutomationId id) {
  if (!ctx.actor.is_admin()) return PermissionDenied();
  return env_.store.Write(
      [&](Transaction& tx) -> Status { return tx.automations().Delete(ctx.account(), id); });
}

Status AutomationService::Reorder(const Context& ctx, const std::vector<std::int64_t>& ids) {
  if (!ctx.actor.is_admin()) return PermissionDenied();
  return env_.store.Write([&](Transaction& tx) -> Status {
    int position = 0;
    const Timestamp now = env_.clock.Now();
    for (auto raw : ids) {
      auto a = tx.automations().Get(ctx.account(), domain::AutomationId(raw));
      if (!a.ok()) return a.status();
      a->position = ++position;
      a->updated_at = now;
      COMPTOIR_RETURN_IF_ERROR(tx.automations().Update(*a));
    }
    return Status::Ok();
  });
}

Result<json::object> AutomationService::Definitions(const Context& ctx) {
  if (!ctx.actor.is_staff()) return PermissionDenied();
  Result<json::object> out = json::object{};
  COMPTOIR_RETURN_IF_ERROR(env_.store.Read([&](Transaction& tx) -> Status {
    auto cat = LoadRulesCatalog(tx, ctx.account());
    if (!cat.ok()) return cat.status();
    out = rules::Definitions(rules::RuleKind::kAutomation, *cat);
    return Status::Ok();
  }));
  return out;
}

Result<std::int64_t> AutomationService::CountFirings(const Context& ctx, domain::AutomationId id) {
  if (!ctx.actor.is_admin()) return PermissionDenied();
  Result<std::int64_t> out = std::int64_t{0};
  COMPTOIR_RETURN_IF_ERROR(env_.store.Read([&](Transaction& tx) -> Status {
    auto a = tx.automations().Get(ctx.account(), id);
    if (!a.ok()) return a.status();
    out = tx.automations().CountFirings(ctx.account(), id);
    return Status::Ok();
  }));
  return out;
}

Result<SweepReport> AutomationService::Sweep(Timestamp now) {
  std::vector<storage::Account> accounts;
  COMPTOIR_RETURN_IF_ERROR(env_.store.Read([&](Transaction& tx) -> Status {
    auto list = tx.accounts().List();
    if (!list.ok()) return list.status();
    accounts = std::move(*list);
    return Status::Ok();
  }));
  SweepReport total;
  for (const auto& acc : accounts) {
    auto r = SweepAccount(acc.id, now);
    if (!r.ok()) return r.status();
    total.automations += r->automations;
    total.candidates += r->candidates;
    total.fired += r->fired;
    total.failed += r->failed;
  }
  return total;
}

Result<SweepReport> AutomationService::SweepAccount(AccountId account, Timestamp now) {
  std::vector<domain::Automation> automations;
  COMPTOIR_RETURN_IF_ERROR(env_.store.Read([&](Transaction& tx) -> Status {
    auto list = tx.automations().List(account);
    if (!list.ok()) return list.status();
    automations = std::move(*list);
    return Status::Ok();
  }));
  SweepReport report;
  for (const auto& a : automations) {
    if (!a.active) continue;
    ++report.automations;
    COMPTOIR_RETURN_IF_ERROR(RunOne(account, a, now, report));
  }
  return report;
}

Status AutomationService::RunOne(AccountId account, const domain::Automation& a, Timestamp now,
                                 SweepReport& report) {
  storage::TicketQuery q;
  q.filter.statuses = OpenStatuses();
  q.conditions = a.conditions;
  q.now = now;
  Context ctx;
  ctx.actor = domain::Actor::System(account);
  // The candidates' ids in one read (the planner picks the index; no sort), then a batch
  // at a time: each batch is checked and written in one transaction, so a sweep holds no
  // long transaction, and a sweep that stopped half-way is simply run again (the firings
  // already recorded are skipped).
  std::vector<TicketId> all_ids;
  COMPTOIR_RETURN_IF_ERROR(env_.store.Read([&](Transaction& tx) -> Status {
    auto found = tx.tickets().MatchingIds(account, q, kMaxCandidates);
    if (!found.ok()) return found.status();
    all_ids = std::move(*found);
    return Status::Ok();
  }));
  report.candidates += static_cast<std::int64_t>(all_ids.size());
  const std::size_t batch = static_cast<std::size_t>(std::max(1, options_.batch));
  for (std::size_t from = 0; from < all_ids.size(); from += batch) {
    const std::vector<TicketId> ids(
        all_ids.begin() + static_cast<std::ptrdiff_t>(from),
        all_ids.begin() + static_cast<std::ptrdiff_t>(std::min(all_ids.size(), from + batch)));
    COMPTOIR_RETURN_IF_ERROR(env_.store.Write([&](Transaction& tx) -> Status {
      for (auto id : ids) {
        auto t = tx.tickets().Get(account, id);
        if (!t.ok()) {
          if (t.status().code() == ErrorCode::kNotFound) continue;
          return t.status();
        }
        if (t->deleted_at != 0 || t->status == domain::TicketStatus::kClosed) continue;
        rules::UpdateFacts facts;
        facts.before = *t;
        facts.now = now;
        facts.current_via = "rule";
        facts.current_user_role = "admin";
        if (!rules::Matches(a.conditions, *t, facts)) continue;
        auto fired = tx.automations().HasFired(account, a.id, id, t->updated_at);
        if (!fired.ok()) return fired.status();
        if (*fired) continue;
        domain::Ticket desired = *t;
        std::vector<rules::Effect> effects;
        rules::ApplyActions(a.actions, desired, facts, effects);
        for (auto& e : effects) {
          e.rule_id = a.id.value;
          e.rule_title = a.title;
        }
        json::array events;
        if (!sink_) {
          for (const auto& e : effects) {
            if (e.kind == rules::Effect::Kind::kNotifyUser ||
                e.kind == rules::Effect::Kind::kNotifyGroup) {
              events.push_back(NotificationEvent(e, *t, a));
            }
          }
        }
        const Timestamp period = t->updated_at;
        auto change = tickets_.ApplyAsRule(tx, ctx, id, desired,
                                           RuleSource{"automation", a.id.value, a.title}, events);
        if (!change.ok()) {
          if (change.status().code() == ErrorCode::kValidation ||
              change.status().code() == ErrorCode::kPermissionDenied) {
            // The rule asks for what the ticket cannot take (e.g. solving without an
            // assignee): skip this ticket, as Zendesk does, and record the firing so
            // the next sweep does not try again until the ticket changes.
            ++report.failed;
            log::Warn("automation skipped a ticket", {{"automation", a.id.value},
                                                      {"ticket", id.value},
                                                      {"error", change.status().message()}});
            auto rec = tx.automations().RecordFiring({account, a.id, id, period, period, now});
            if (!rec.ok()) return rec.status();
            continue;
          }
          return change.status();
        }
        auto rec = tx.automations().RecordFiring(
            {account, a.id, id, period, change->ticket.updated_at, now});
        if (!rec.ok()) return rec.status();
        if (!*rec) return Status(ErrorCode::kAborted, "automation firing raced", "Conflict");
        // Effects become jobs with this transaction; the sink's audit events join the
        // firing's audit.
        if (sink_ && !effects.empty()) {
          json::array more;
          COMPTOIR_RETURN_IF_ERROR(sink_(tx, ctx, change->ticket, change->audit, effects, more));
          if (!more.empty()) {
            domain::Audit audit = change->audit;
            for (auto& e : more) audit.events.push_back(std::move(e));
            COMPTOIR_RETURN_IF_ERROR(tx.audits().Update(audit));
          }
        }
        ++report.fired;
      }
      return Status::Ok();
    }));
  }
  return Status::Ok();
}

}  // namespace comptoir::services
