// AutomationService: time-based rules (reference §3.5). Admins manage them (agents may
// read); each is validated by rules::ValidateAutomation (a time condition, a condition on
// status/type/group/assignee/requester, nullification) before it is saved.
//
// The sweep (Sweep) runs once per period across the cluster (Cluster::Every): for each
// account, each active automation in position order finds its candidates with the
// condition tree compiled to SQL (never closed tickets), checks each with rules::Matches,
// and writes the actions through TicketService::ApplyAsRule, a batch of tickets per
// transaction. A firing is recorded per (automation, ticket, the ticket's updated_at),
// so an automation fires at most once on a ticket until the ticket changes and matches
// anew — also when two nodes sweep at once or a sweep is interrupted and run again.
// Errors: kNotFound, kPermissionDenied, kValidation naming the condition. Thread-safe.
#pragma once

#include <boost/json/object.hpp>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "comptoir/domain/rules.hpp"
#include "comptoir/services/context.hpp"
#include "comptoir/services/ticket_service.hpp"

namespace comptoir::services {

struct AutomationInput {
  std::optional<std::string> title;
  std::optional<bool> active;
  std::optional<int> position;
  std::optional<domain::ConditionSet> conditions;
  std::optional<std::vector<domain::Action>> actions;
};

struct AutomationOptions {
  int batch = 200;  // tickets per transaction in the sweep
};

struct SweepReport {
  std::int64_t automations = 0;
  std::int64_t candidates = 0;  // tickets the SQL found
  std::int64_t fired = 0;       // firings written
  std::int64_t failed = 0;      // tickets whose update was refused (logged, skipped)
};

// A firing's side effects (notifications, webhooks) for whoever delivers them.
class AutomationService {
 public:
  AutomationService(ServiceEnv env, TicketService& tickets, AutomationOptions options = {})
      : env_(env), tickets_(tickets), options_(options) {}

  Result<std::vector<domain::Automation>> List(const Context& ctx, std::optional<bool> active,
                                               const std::string& query = {});
  Result<domain::Automation> Get(const Context& ctx, domain::AutomationId id);
  Result<domain::Automation> Create(const Context& ctx, const AutomationInput& in);
  Result<domain::Automation> Update(const Context& ctx, domain::AutomationId id,
                                    const AutomationInput& in);
  Status Delete(const Context& ctx, domain::AutomationId id);
  Status Reorder(const Context& ctx, const std::vector<std::int64_t>& ids);
  // {"actions":[…],"conditions_all":[…],"conditions_any":[…]}
  Result<boost::json::object> Definitions(const Context& ctx);
  Result<std::int64_t> CountFirings(const Context& ctx, domain::AutomationId id);

  // One sweep over every account at `now`.
  Result<SweepReport> Sweep(Timestamp now);
  Result<SweepReport> SweepAccount(AccountId account, Timestamp now);

  // Where the effects of a firing go (notifications, webhooks, targets): the same sink as
  // the triggers', called in the firing's transaction. Without one, notifications are
  // recorded as Notification audit events only.
  void SetEffectSink(TicketService::EffectSink sink) { sink_ = std::move(sink); }

  // Zendesk's default automation for a new account: close solved tickets after 4 days.
  static Status InsertDefaults(storage::Transaction& tx, AccountId account, Timestamp now);

 private:
  Status Validate(storage::Transaction& tx, const Context& ctx, const domain::Automation& a);
  Status RunOne(AccountId account, const domain::Automation& a, Timestamp now, SweepReport& report);

  ServiceEnv env_;
  TicketService& tickets_;
  AutomationOptions options_;
  TicketService::EffectSink sink_;
};

}  // namespace comptoir::services
