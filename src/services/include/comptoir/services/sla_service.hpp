// SlaService: SLA policies (reference §3.8: CRUD, reorder, definitions) and the metric
// clocks of every ticket (sla_engine.hpp): on each ticket write, inside its transaction,
// the first matching policy (by position) gives the clocks their targets, the events go
// to ticket_metric_events and each target's breach becomes a timed job ("sla_breach") that
// fires at the breach minute and records it if the target is still running. A schedule
// change enqueues "sla_recompute", which recomputes the open targets in batches of 1,000
// tickets per transaction. Agents read policies; admins change them. Errors: kNotFound,
// kPermissionDenied, kValidation (422 naming the field). Thread-safe.
#pragma once

#include <boost/json/object.hpp>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "comptoir/domain/sla.hpp"
#include "comptoir/services/context.hpp"
#include "comptoir/services/job_queue.hpp"
#include "comptoir/services/sla_engine.hpp"

namespace comptoir::services {

struct SlaPolicyInput {
  std::optional<std::string> title;
  std::optional<std::string> description;
  std::optional<int> position;
  std::optional<domain::ConditionSet> filter;
  std::optional<std::vector<domain::SlaPolicyMetric>> policy_metrics;
};

// One metric of the `include=slas` side-load.
struct SlaMetricView {
  std::string metric;  // first_reply_time, …
  std::string stage;   // active, paused, achieved, breached
  Timestamp breach_at = 0;
  std::int64_t target = 0;  // minutes
  bool business_hours = false;
};

class SlaService {
 public:
  // The schedule of a ticket (ScheduleService::ForTicket): its own, else the account's
  // default, or nullopt when the account has none (then business hours are calendar
  // time). Wired by Services to the schedules; without it every target counts calendar
  // time.
  using ScheduleLookup = std::function<Result<std::optional<calendar::Schedule>>(
      storage::Transaction& tx, AccountId account, std::optional<std::int64_t> schedule_id)>;

  SlaService(ServiceEnv env, JobQueue& queue) : env_(env), queue_(queue) {}
  void SetScheduleLookup(ScheduleLookup fn) { schedules_ = std::move(fn); }
  // Registers the "sla_breach" and "sla_recompute" job handlers (before the queue starts).
  void RegisterHandlers();

  // --- policies ---
  Result<std::vector<domain::SlaPolicy>> List(const Context& ctx);
  Result<domain::SlaPolicy> Get(const Context& ctx, domain::SlaPolicyId id);
  Result<domain::SlaPolicy> Create(const Context& ctx, const SlaPolicyInput& in);
  Result<domain::SlaPolicy> Update(const Context& ctx, domain::SlaPolicyId id,
                                   const SlaPolicyInput& in);
  Status Delete(const Context& ctx, domain::SlaPolicyId id);
  // Positions follow `ids`; policies not listed keep their order after them.
  Result<std::vector<domain::SlaPolicy>> Reorder(const Context& ctx,
                                                 const std::vector<domain::SlaPolicyId>& ids);
  // {"definitions":{"all":[…],"any":[…]}}: the conditions a filter may use.
  Result<boost::json::object> Definitions(const Context& ctx);

  // --- clocks ---
  // The ticket write hook (TicketService), inside its transaction: `comment` is the
  // write's comment (nullptr when none).
  Status OnTicketWritten(storage::Transaction& tx, const domain::Ticket& before,
                         const domain::Ticket& after, bool creating,
                         const domain::Comment* comment);
  // The SLA metrics of tickets the caller may already see (targets only), by ticket id.
  Result<std::vector<std::pair<std::int64_t, std::vector<SlaMetricView>>>> MetricsOf(
      const Context& ctx, const std::vector<TicketId>& tickets);
  // A schedule changed (zone, intervals, holidays, deletion): enqueues the recompute of
  // every open target of the account, inside the caller's transaction.
  Status OnScheduleChanged(storage::Transaction& tx, AccountId account, std::int64_t schedule_id);
  // Runs one recompute batch of `account` from ticket id `after` in its own transaction;
  // the last ticket id done, or 0 when there are no more (the job and the benchmark).
  // With `schedule_id`, only the tickets of that schedule and of the account's default
  // (ticket_slas.schedule_id 0), selected by the SLA records without reading the tickets.
  Result<std::int64_t> RecomputeBatch(AccountId account, std::int64_t after, int batch = 1000,
                                      const JobLease* lease = nullptr,
                                      std::optional<std::int64_t> schedule_id = std::nullopt);
  // Records the breaches due now on `ticket` (the breach job).
  Status CheckBreaches(AccountId account, TicketId ticket, const JobLease* lease = nullptr);

  static constexpr int kRecomputeBatch = 1000;

 private:
  Result<sla::Bases> BasesFor(storage::Transaction& tx, AccountId account,
                              std::optional<std::int64_t> schedule_id);
  // Stores the state and events; with `enqueue`, a breach job for each pending breach
  // that `previous` (the state before this write) did not already have.
  Status Save(storage::Transaction& tx, AccountId account, TicketId ticket,
              std::int64_t schedule_id, const sla::State& st, const std::vector<sla::Event>& events,
              bool enqueue, const sla::State* previous = nullptr);
  Result<domain::SlaPolicy> Save(storage::Transaction& tx, const Context& ctx, domain::SlaPolicy p,
                                 const SlaPolicyInput& in, bool creating);

  ServiceEnv env_;
  JobQueue& queue_;
  ScheduleLookup schedules_;
};

}  // namespace comptoir::services
