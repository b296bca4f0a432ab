#include "comptoir/services/sla_service.hpp"

#include <algorithm>
#include <atomic>
#include <boost/json.hpp>
#include <map>
#include <random>
#include <set>

#include "comptoir/domain/policy.hpp"
#include "comptoir/rules/rules.hpp"
#include "comptoir/services/trigger_service.hpp"

namespace comptoir::services {

namespace json = boost::json;
using domain::SlaPolicy;
using domain::SlaPolicyId;
using storage::Transaction;

namespace {

constexpr std::string_view kPolicyMetrics[] = {"first_reply_time",     "next_reply_time",
                                               "periodic_update_time", "pausable_update_time",
                                               "requester_wait_time",  "agent_work_time"};
constexpr std::string_view kPriorities[] = {"low", "normal", "high", "urgent"};

template <typename List>
bool OneOf(const List& list, std::string_view s) {
  return std::find(std::begin(list), std::end(list), s) != std::end(list);
}

Status CheckMetrics(const std::vector<domain::SlaPolicyMetric>& metrics) {
  std::set<std::pair<std::string, std::string>> seen;
  for (std::size_t i = 0; i < metrics.size(); ++i) {
    const auto& m = metrics[i];
    const std::string at = "policy_metrics[" + std::to_string(i) + "]";
    if (!OneOf(kPriorities, m.priority)) {
      return Invalid("policy_metrics", "InvalidValue",
                     at + ": priority must be one of low, normal, high, urgent");
    }
    if (!OneOf(kPolicyMetrics, m.metric)) {
      return Invalid("policy_metrics", "InvalidValue",
                     at + ": metric " + m.metric + " is not an SLA metric");
    }
    if (m.target < 1) {
      return Invalid("policy_metrics", "InvalidValue", at + ": target must be at least 1 minute");
    }
    if (m.target > 60LL * 24 * 365 * 10) {
      return Invalid("policy_metrics", "InvalidValue", at + ": target is too large");
    }
    if (!seen.insert({m.priority, m.metric}).second) {
      return Invalid("policy_metrics", "DuplicateValue",
                     at + ": " + m.metric + " is given twice for priority " + m.priority);
    }
  }
  return Status::Ok();
}

std::vector<sla::PolicyMetricRow> Rows(const SlaPolicy& p) {
  std::vector<sla::PolicyMetricRow> rows;
  for (const auto& m : p.policy_metrics) {
    rows.push_back({m.priority, m.metric, m.target, m.business_hours});
  }
  return rows;
}

std::string UniqueSuffix() {
  static std::atomic<std::uint64_t> counter{0};
  static const std::uint64_t seed = std::random_device{}();
  return std::to_string(seed) + "-" + std::to_string(counter.fetch_add(1));
}

}  // namespace

// --- policies ---

Result<std::vector<SlaPolicy>> SlaService::List(const Context& ctx) {
  if (!ctx.actor.is_staff()) return PermissionDenied();
  std::vector<SlaPolicy> out;
  COMPTOIR_RETURN_IF_ERROR(env_.store.Read([&](Transaction& tx) -> Status {
    auto all = tx.slas().ListPolicies(ctx.account());
    if (!all.ok()) return all.status();
    out = std::move(all).value();
    return Status::Ok();
  }));
  return out;
}

Result<SlaPolicy> SlaService::Get(const Context& ctx, SlaPolicyId id) {
  if (!ctx.actor.is_staff()) return PermissionDenied();
  SlaPolicy out;
  COMPTOIR_RETURN_IF_ERROR(env_.store.Read([&](Transaction& tx) -> Status {
    auto p = tx.slas().GetPolicy(ctx.account(), id);
    if (!p.ok()) return p.status();
    out = std::move(p).value();
    return Status::Ok();
  }));
  return out;
}

Result<SlaPolicy> SlaService::Save(Transaction& tx, const Context& ctx, SlaPolicy p,
                                   const SlaPolicyInput& in, bool creating) {
  const Timestamp now = env_.clock.Now();
  if (in.title) p.title = *in.title;
  if (in.description) p.description = *in.description;
  if (in.filter) p.filter = *in.filter;
  if (in.policy_metrics) p.policy_metrics = *in.policy_metrics;
  if (p.title.empty()) return Invalid("title", "BlankValue", "Title: cannot be blank");
  if (p.title.size() > 255) return Invalid("title", "InvalidValue", "Title: is too long");
  if (creating && !in.filter) return Invalid("filter", "BlankValue", "Filter: cannot be blank");
  auto catalog = TriggerService::LoadCatalog(tx, ctx.account());
  if (!catalog.ok()) return catalog.status();
  if (Status st = rules::ValidateConditions(rules::RuleKind::kView, p.filter, *catalog); !st.ok()) {
    return Invalid("filter", "InvalidValue", "Filter: " + st.message());
  }
  COMPTOIR_RETURN_IF_ERROR(CheckMetrics(p.policy_metrics));
  auto all = tx.slas().ListPolicies(ctx.account());
  if (!all.ok()) return all.status();
  if (creating && all->size() >= 1000) {
    return Invalid("base", "InvalidValue", "An account has at most 1000 SLA policies");
  }
  p.updated_at = now;
  if (creating) {
    p.account_id = ctx.account();
    p.created_at = now;
    int last = -1;
    for (const auto& o : *all) last = std::max(last, o.position);
    p.position = in.position ? *in.position : last + 1;
    auto id = tx.slas().InsertPolicy(p);
    if (!id.ok()) return id.status();
    p.id = *id;
  } else {
    if (in.position) p.position = *in.position;
    COMPTOIR_RETURN_IF_ERROR(tx.slas().UpdatePolicy(p));
  }
  COMPTOIR_RETURN_IF_ERROR(
      RecordAudit(tx, ctx, now, "sla_policy", p.id.value, p.title, creating ? "create" : "update",
                  (creating ? "Created SLA policy: " : "Updated SLA policy: ") + p.title));
  return p;
}

Result<SlaPolicy> SlaService::Create(const Context& ctx, const SlaPolicyInput& in) {
  if (!domain::CanAdminister(ctx.actor)) return PermissionDenied();
  SlaPolicy out;
  COMPTOIR_RETURN_IF_ERROR(env_.store.Write([&](Transaction& tx) -> Status {
    auto p = Save(tx, ctx, SlaPolicy{}, in, true);
    if (!p.ok()) return p.status();
    out = std::move(p).value();
    return Status::Ok();
  }));
  return out;
}

Result<SlaPolicy> SlaService::Update(const Context& ctx, SlaPolicyId id, const SlaPolicyInput& in) {
  if (!domain::CanAdminister(ctx.actor)) return PermissionDenied();
  SlaPolicy out;
  COMPTOIR_RETURN_IF_ERROR(env_.store.Write([&](Transaction& tx) -> Status {
    auto old = tx.slas().GetPolicy(ctx.account(), id);
    if (!old.ok()) return old.status();
    auto p = Save(tx, ctx, std::move(old).value(), in, false);
    if (!p.ok()) return p.status();
    out = std::move(p).value();
    return Status::Ok();
  }));
  return out;
}

Status SlaService::Delete(const Context& ctx, SlaPolicyId id) {
  if (!domain::CanAdminister(ctx.actor)) return PermissionDenied();
  return env_.store.Write([&](Transaction& tx) -> Status {
    auto old = tx.slas().GetPolicy(ctx.account(), id);
    if (!old.ok()) return old.status();
    COMPTOIR_RETURN_IF_ERROR(tx.slas().DeletePolicy(ctx.account(), id));
    return RecordAudit(tx, ctx, env_.clock.Now(), "sla_policy", id.value, old->title, "destroy",
                       "Deleted SLA policy: " + old->title);
  });
}

Result<std::vector<SlaPolicy>> SlaService::Reorder(const Context& ctx,
                                                   const std::vector<SlaPolicyId>& ids) {
  if (!domain::CanAdminister(ctx.actor)) return PermissionDenied();
  std::vector<SlaPolicy> out;
  COMPTOIR_RETURN_IF_ERROR(env_.store.Write([&](Transaction& tx) -> Status {
    auto all = tx.slas().ListPolicies(ctx.account());
    if (!all.ok()) return all.status();
    const Timestamp now = env_.clock.Now();
    std::vector<SlaPolicy> rest = std::move(all).value();
    std::vector<SlaPolicy> ordered;
    for (auto id : ids) {
      auto it =
          std::find_if(rest.begin(), rest.end(), [&](const SlaPolicy& p) { return p.id == id; });
      if (it == rest.end()) {
        if (std::any_of(ordered.begin(), ordered.end(),
                        [&](const SlaPolicy& p) { return p.id == id; })) {
          continue;
        }
        return Invalid("sla_policy_ids", "InvalidValue",
                       std::to_string(id.value) + " does not exist");
      }
      ordered.push_back(std::move(*it));
      rest.erase(it);
    }
    for (auto& p : rest) ordered.push_back(std::move(p));
    for (std::size_t i = 0; i < ordered.size(); ++i) {
      if (ordered[i].position == static_cast<int>(i)) continue;
      ordered[i].position = static_cast<int>(i);
      ordered[i].updated_at = now;
      COMPTOIR_RETURN_IF_ERROR(tx.slas().UpdatePolicy(ordered[i]));
    }
    out = std::move(ordered);
    return RecordAudit(tx, ctx, now, "sla_policy", 0, "", "update", "SLA policies reordered");
  }));
  return out;
}

Result<json::object> SlaService::Definitions(const Context& ctx) {
  if (!ctx.actor.is_staff()) return PermissionDenied();
  json::object out;
  COMPTOIR_RETURN_IF_ERROR(env_.store.Read([&](Transaction& tx) -> Status {
    auto catalog = TriggerService::LoadCatalog(tx, ctx.account());
    if (!catalog.ok()) return catalog.status();
    auto defs = rules::Definitions(rules::RuleKind::kView, *catalog);
    json::object d;
    d["all"] = defs.contains("conditions_all") ? defs["conditions_all"] : json::array();
    d["any"] = defs.contains("conditions_any") ? defs["conditions_any"] : json::array();
    out["definitions"] = std::move(d);
    return Status::Ok();
  }));
  return out;
}

// --- clocks ---

Result<sla::Bases> SlaService::BasesFor(Transaction& tx, AccountId account,
                                        std::optional<std::int64_t> schedule_id) {
  sla::Bases b;
  if (schedules_) {
    // The ticket's own schedule (set_schedule), else the account's default.
    auto schedule = schedules_(tx, account, schedule_id);
    if (!schedule.ok()) return schedule.status();
    if (schedule->has_value()) b.business = sla::TimeBase::Business(**schedule);
  }
  return b;
}

Status SlaService::Save(Transaction& tx, AccountId account, TicketId ticket,
                        std::int64_t schedule_id, const sla::State& st,
                        const std::vector<sla::Event>& events, bool enqueue,
                        const sla::State* previous) {
  domain::TicketSlaRecord r;
  r.account_id = account;
  r.ticket_id = ticket;
  r.schedule_id = schedule_id;
  r.policy_id = st.policy_id;
  r.state = json::serialize(st.ToJson());
  r.next_breach_at = st.NextBreachAt();
  r.last_breach_at = st.last_breach_at;
  COMPTOIR_RETURN_IF_ERROR(tx.slas().SaveTicketSla(r));
  for (const auto& e : events) {
    domain::TicketMetricEvent row;
    row.account_id = account;
    row.ticket_id = ticket;
    row.metric = e.metric;
    row.instance_id = e.instance;
    row.type = e.type;
    row.time = e.time;
    row.extra = e.extra.empty() ? std::string() : json::serialize(e.extra);
    COMPTOIR_RETURN_IF_ERROR(tx.slas().InsertMetricEvent(row));
  }
  if (!enqueue) return Status::Ok();
  // One job per pending breach; a target moved later gets a new job (the old one finds
  // nothing due when it runs).
  for (const auto& c : st.clocks) {
    if (!c.running || c.breached || c.breach_at <= 0) continue;
    // Its job was enqueued by an earlier write.
    if (previous != nullptr &&
        std::any_of(previous->clocks.begin(), previous->clocks.end(), [&](const auto& p) {
          return p.metric == c.metric && p.instance == c.instance && p.running &&
                 p.breach_at == c.breach_at;
        })) {
      continue;
    }
    JobQueue::NewJob job;
    job.account = account;
    job.kind = "sla_breach";
    job.payload = json::serialize(json::object{{"ticket_id", ticket.value}});
    job.idempotency_key = "sla-breach:" + std::to_string(ticket.value) + ":" + c.metric + ":" +
                          std::to_string(c.instance) + ":" + std::to_string(c.breach_at);
    job.run_at = c.breach_at;
    COMPTOIR_RETURN_IF_ERROR(queue_.Enqueue(tx, job));
  }
  return Status::Ok();
}

Status SlaService::OnTicketWritten(Transaction& tx, const domain::Ticket& before,
                                   const domain::Ticket& after, bool creating,
                                   const domain::Comment* comment) {
  const AccountId account = after.account_id;
  const Timestamp now = env_.clock.Now();
  sla::Change ch;
  ch.now = now;
  ch.creating = creating;
  ch.before = before.status;
  ch.after = after.status;
  if (comment != nullptr && comment->is_public) {
    auto author = tx.users().Get(account, comment->author_id);
    const bool staff = author.ok() && author->is_staff();
    if (staff && comment->author_id != after.requester_id) {
      ch.agent_public_comment = !creating;
    } else if (!staff) {
      ch.requester_public_comment = true;
    }
  }
  // The first policy (by position) whose filter the ticket matches.
  auto policies = tx.slas().ListPolicies(account);
  if (!policies.ok()) return policies.status();
  sla::AppliedPolicy applied;
  rules::UpdateFacts facts;
  facts.now = now;
  for (const auto& p : *policies) {
    if (!rules::Matches(p.filter, after, facts)) continue;
    applied = sla::Reduce(p.id.value, p.title, p.description, Rows(p),
                          domain::PriorityName(after.priority));
    break;
  }
  sla::State st;
  if (!creating) {
    auto rec = tx.slas().GetTicketSla(account, after.id);
    if (rec.ok()) {
      st = sla::State::FromJson(rec->state);
    } else if (rec.status().code() != ErrorCode::kNotFound) {
      return rec.status();
    } else {
      // A ticket older than the SLA tables: its clocks start now.
      ch.creating = true;
    }
  }
  auto bases = BasesFor(tx, account, after.schedule_id);
  if (!bases.ok()) return bases.status();
  std::vector<sla::Event> events;
  const sla::State previous = st;
  sla::Step(st, applied, ch, *bases, events);
  return Save(tx, account, after.id, after.schedule_id.value_or(0), st, events, true, &previous);
}

Status SlaService::CheckBreaches(AccountId account, TicketId ticket, const JobLease* lease) {
  return env_.store.Write([&](Transaction& tx) -> Status {
    if (lease != nullptr) COMPTOIR_RETURN_IF_ERROR(lease->Check(tx));
    auto rec = tx.slas().GetTicketSla(account, ticket);
    if (!rec.ok()) {
      return rec.status().code() == ErrorCode::kNotFound ? Status::Ok() : rec.status();
    }
    // A deleted ticket's clocks stop where they are.
    auto ticket_row = tx.tickets().Get(account, ticket);
    if (!ticket_row.ok() || ticket_row->deleted_at != 0) return Status::Ok();
    sla::State st = sla::State::FromJson(rec->state);
    std::vector<sla::Event> events;
    sla::CheckBreaches(st, env_.clock.Now(), events);
    if (events.empty()) return Status::Ok();
    // A breach is not a ticket update (Zendesk): updated_at stays; only the SLA columns.
    return Save(tx, account, ticket, ticket_row->schedule_id.value_or(0), st, events, false);
  });
}

Status SlaService::OnScheduleChanged(Transaction& tx, AccountId account, std::int64_t schedule_id) {
  JobQueue::NewJob job;
  job.account = account;
  job.kind = "sla_recompute";
  job.payload = json::serialize(json::object{{"schedule_id", schedule_id}, {"after", 0}});
  job.idempotency_key = "sla-recompute:" + std::to_string(schedule_id) + ":" + UniqueSuffix();
  return queue_.Enqueue(tx, job);
}

Result<std::int64_t> SlaService::RecomputeBatch(AccountId account, std::int64_t after, int batch,
                                                const JobLease* lease,
                                                std::optional<std::int64_t> schedule_id) {
  std::int64_t last = 0;
  COMPTOIR_RETURN_IF_ERROR(env_.store.Write([&](Transaction& tx) -> Status {
    if (lease != nullptr) COMPTOIR_RETURN_IF_ERROR(lease->Check(tx));
    // The changed schedule's tickets and the default's (the change may be to the default,
    // or its deletion may move tickets to it).
    std::vector<std::int64_t> schedules;
    if (schedule_id) schedules = {*schedule_id, 0};
    auto recs = tx.slas().ListOpenTicketSlas(account, TicketId(after), batch, schedules);
    if (!recs.ok()) return recs.status();
    // Each ticket's time base is that of its schedule, kept on its SLA record (most share
    // the default one).
    std::map<std::int64_t, sla::Bases> bases_by_schedule;  // 0 = the account's default
    for (const auto& r : *recs) {
      const std::int64_t key = r.schedule_id;
      auto it = bases_by_schedule.find(key);
      if (it == bases_by_schedule.end()) {
        auto bases =
            BasesFor(tx, account, key == 0 ? std::nullopt : std::optional<std::int64_t>(key));
        if (!bases.ok()) return bases.status();
        it = bases_by_schedule.emplace(key, std::move(*bases)).first;
      }
      sla::State st = sla::State::FromJson(r.state);
      const Timestamp old_next = st.NextBreachAt();
      sla::Recompute(st, it->second);
      if (st.NextBreachAt() != old_next) {
        COMPTOIR_RETURN_IF_ERROR(Save(tx, account, r.ticket_id, key, st, {}, true));
      }
    }
    if (static_cast<int>(recs->size()) == batch) last = recs->back().ticket_id.value;
    if (lease != nullptr && last != 0) {
      // The next batch is its own job, so that the API's writes interleave.
      JobQueue::NewJob job;
      job.account = account;
      job.kind = "sla_recompute";
      json::object payload{{"after", last}};
      if (schedule_id) payload["schedule_id"] = *schedule_id;
      job.payload = json::serialize(payload);
      job.idempotency_key = "sla-recompute:" + UniqueSuffix();
      COMPTOIR_RETURN_IF_ERROR(queue_.Enqueue(tx, job));
    }
    return Status::Ok();
  }));
  return last;
}

void SlaService::RegisterHandlers() {
  queue_.Register("sla_breach", [this](const JobLease& lease) -> Status {
    boost::system::error_code ec;
    auto v = json::parse(lease.job().payload, ec);
    if (ec || !v.is_object() || !v.get_object().contains("ticket_id")) return Status::Ok();
    const auto& id = v.get_object().at("ticket_id");
    if (!id.is_int64()) return Status::Ok();
    return CheckBreaches(lease.job().account_id, TicketId(id.get_int64()), &lease);
  });
  queue_.Register("sla_recompute", [this](const JobLease& lease) -> Status {
    boost::system::error_code ec;
    auto v = json::parse(lease.job().payload, ec);
    std::int64_t after = 0;
    std::optional<std::int64_t> schedule_id;
    if (!ec && v.is_object()) {
      if (const auto* a = v.get_object().if_contains("after"); a && a->is_int64()) {
        after = a->get_int64();
      }
      if (const auto* s = v.get_object().if_contains("schedule_id"); s && s->is_int64()) {
        schedule_id = s->get_int64();
      }
    }
    return RecomputeBatch(lease.job().account_id, after, kRecomputeBatch, &lease, schedule_id)
        .status();
  });
}

Result<std::vector<std::pair<std::int64_t, std::vector<SlaMetricView>>>> SlaService::MetricsOf(
    const Context& ctx, const std::vector<TicketId>& tickets) {
  std::vector<std::pair<std::int64_t, std::vector<SlaMetricView>>> out;
  if (!ctx.actor.is_staff()) return out;
  COMPTOIR_RETURN_IF_ERROR(env_.store.Read([&](Transaction& tx) -> Status {
    for (auto id : tickets) {
      std::vector<SlaMetricView> views;
      auto rec = tx.slas().GetTicketSla(ctx.account(), id);
      if (rec.ok()) {
        sla::State st = sla::State::FromJson(rec->state);
        for (const auto& c : st.clocks) {
          if (c.target.minutes <= 0 || c.PolicyMetric().empty()) continue;
          views.push_back(SlaMetricView{c.PolicyMetric(), c.Stage(), c.breach_at, c.target.minutes,
                                        c.target.business_hours});
        }
      } else if (rec.status().code() != ErrorCode::kNotFound) {
        return rec.status();
      }
      out.emplace_back(id.value, std::move(views));
    }
    return Status::Ok();
  }));
  return out;
}

}  // namespace comptoir::services
