// TicketMetrics: keeps each ticket's metric set (ticket_metric_sets) in step with its
// writes. TicketService calls OnTicketWritten inside the write's transaction; the
// arithmetic is domain::ApplyTicketWrite. Business minutes come from the ticket's
// schedule through an injected lookup; without one (or when the account has no
// schedule) business time is calendar time, as Zendesk counts it.
#pragma once

#include <functional>
#include <optional>

#include "comptoir/domain/ticket_metrics.hpp"
#include "comptoir/services/context.hpp"
#include "comptoir/storage/page.hpp"

namespace comptoir::services {

class TicketMetrics {
 public:
  // The business-time measure of a ticket's schedule (schedule_id: the ticket's own, or
  // nullopt for the account's default); nullopt = the account has no schedule. Wiring:
  // adapt ScheduleService::ForTicket with calendar::Schedule::BusinessSecondsBetween.
  using BusinessTimeLookup = std::function<Result<std::optional<domain::BusinessSeconds>>(
      storage::Transaction& tx, AccountId account, std::optional<std::int64_t> schedule_id)>;
  void SetBusinessTime(BusinessTimeLookup lookup) { lookup_ = std::move(lookup); }

  // Advances the ticket's set by one write (`before` nullptr: the ticket was created).
  Status OnTicketWritten(storage::Transaction& tx, const domain::Ticket* before,
                         const domain::Ticket& after, bool comment_added, bool agent_reply,
                         Timestamp now) const;

 private:
  BusinessTimeLookup lookup_;
};

class TicketService;

// The reads of /ticket_metrics: staff see the sets of the tickets they may see (kNotFound
// for the others and for deleted tickets).
class TicketMetricService {
 public:
  TicketMetricService(ServiceEnv env, TicketService& tickets) : env_(env), tickets_(tickets) {}
  Result<storage::Page<domain::TicketMetricSet>> List(const Context& ctx,
                                                      const storage::PageRequest& page);
  Result<domain::TicketMetricSet> Get(const Context& ctx, std::int64_t id);
  Result<domain::TicketMetricSet> ForTicket(const Context& ctx, TicketId ticket);
  // The sets of tickets the caller has already been shown (side-loads), by ticket.
  Result<std::vector<domain::TicketMetricSet>> ForTickets(const Context& ctx,
                                                          const std::vector<TicketId>& tickets);

 private:
  ServiceEnv env_;
  TicketService& tickets_;
};

}  // namespace comptoir::services
