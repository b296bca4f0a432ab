// SLA policies (reference §3.8) and the per-ticket state of their metric clocks.
// Plain values; no I/O.
#pragma once

#include <string>
#include <vector>

#include "comptoir/common/clock.hpp"
#include "comptoir/common/ids.hpp"
#include "comptoir/domain/rules.hpp"

namespace comptoir::domain {

using SlaPolicyId = Id<struct SlaPolicyTag>;

// One target: for tickets of `priority`, `metric` must be met within `target` minutes,
// counted in business hours (the ticket's schedule) or calendar hours.
struct SlaPolicyMetric {
  std::string priority;     // low, normal, high, urgent
  std::string metric;       // first_reply_time, next_reply_time, periodic_update_time,
                            // pausable_update_time, requester_wait_time, agent_work_time
  std::int64_t target = 0;  // minutes, >= 1
  bool business_hours = false;
  friend bool operator==(const SlaPolicyMetric&, const SlaPolicyMetric&) = default;
};

struct SlaPolicy {
  SlaPolicyId id;
  AccountId account_id;
  std::string title;
  std::string description;
  int position = 0;
  ConditionSet filter;
  std::vector<SlaPolicyMetric> policy_metrics;
  Timestamp created_at = 0;
  Timestamp updated_at = 0;
};

// A row of ticket_metric_events (Zendesk's shape): `metric` is one of the six clocks
// (agent_work_time, pausable_update_time, periodic_update_time, reply_time,
// requester_wait_time, resolution_time), `type` one of activate, pause, fulfill,
// apply_sla, breach, update_status, measure. `extra` is the JSON text of the type's own
// member ({"sla":{…}} for apply_sla, {"status":{…}} for update_status), or "".
struct TicketMetricEvent {
  std::int64_t id = 0;
  AccountId account_id;
  TicketId ticket_id;
  std::string metric;
  int instance_id = 1;
  std::string type;
  Timestamp time = 0;
  std::string extra;
};

// What is stored per ticket: the policy applied last and its clocks as JSON text
// (services' SLA engine owns the format), with the next breach for lookups.
struct TicketSlaRecord {
  AccountId account_id;
  TicketId ticket_id;
  std::int64_t policy_id = 0;
  std::string state;  // JSON
  Timestamp next_breach_at = 0;
  Timestamp last_breach_at = 0;
  // The ticket's schedule when the record was written (0 = the account's default), so
  // that a schedule change recomputes its tickets without reading them.
  std::int64_t schedule_id = 0;
};

}  // namespace comptoir::domain
