// Ticket metric sets (Zendesk's /ticket_metrics): one per ticket, advanced by every
// write of the ticket. Plain values and arithmetic; no I/O. Durations are kept in
// seconds (calendar and business) and rendered in whole minutes; a duration that has
// not happened yet (no reply, never solved) is std::nullopt (null in JSON).
// The definitions are in src/services/README.md ("Ticket metrics").
#pragma once

#include <cstdint>
#include <functional>
#include <optional>

#include "comptoir/common/clock.hpp"
#include "comptoir/common/ids.hpp"
#include "comptoir/domain/tickets.hpp"

namespace comptoir::domain {

// A calendar and a business measure of one duration, in seconds.
struct MetricDuration {
  std::int64_t calendar = 0;
  std::int64_t business = 0;
};

struct TicketMetricSet {
  std::int64_t id = 0;
  AccountId account_id;
  TicketId ticket_id;
  Timestamp created_at = 0;
  Timestamp updated_at = 0;
  int reopens = 0;
  int replies = 0;
  int assignee_stations = 0;
  int group_stations = 0;
  Timestamp assigned_at = 0;
  Timestamp initially_assigned_at = 0;
  Timestamp solved_at = 0;
  Timestamp status_updated_at = 0;
  Timestamp latest_comment_added_at = 0;
  Timestamp requester_updated_at = 0;
  Timestamp assignee_updated_at = 0;
  Timestamp custom_status_updated_at = 0;
  std::optional<MetricDuration> reply_time;             // creation → first public agent reply
  std::optional<MetricDuration> first_resolution_time;  // creation → first solve
  std::optional<MetricDuration> full_resolution_time;   // creation → latest solve
  MetricDuration agent_wait_time;                       // time spent pending
  MetricDuration requester_wait_time;                   // time spent new, open or on-hold
  MetricDuration on_hold_time;                          // time spent on-hold
  // Where the clocks stand: the status the set last saw and since when.
  TicketStatus status = TicketStatus::kNew;
  Timestamp status_since = 0;
};

// Business seconds in [from, to) of the ticket's schedule; calendar seconds when the
// account has no schedule.
using BusinessSeconds = std::function<std::int64_t(Timestamp from, Timestamp to)>;
BusinessSeconds CalendarOnly();

// One write of a ticket, as the metrics see it.
struct TicketWrite {
  const Ticket* before = nullptr;  // nullptr: the ticket was created by this write
  const Ticket* after = nullptr;
  bool comment_added = false;  // any comment, public or private
  bool agent_reply = false;    // a public comment by an agent (not the ticket's first)
  Timestamp now = 0;
};

// Advances `m` by one write (a new set when w.before is nullptr).
void ApplyTicketWrite(TicketMetricSet& m, const TicketWrite& w, const BusinessSeconds& business);

// Whole minutes of a duration (rounded down), as Zendesk renders them.
inline std::int64_t Minutes(std::int64_t seconds) { return seconds / 60; }

}  // namespace comptoir::domain
