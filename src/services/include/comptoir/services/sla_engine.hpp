// sla_engine: the metric clocks of one ticket, as pure functions of its changes (no I/O,
// no clock of its own: every instant is given). SlaService stores the state, writes the
// events and schedules the breach jobs; the tests drive it with data files.
//
// Six clocks run on every ticket, as Zendesk's ticket metric events name them:
//   reply_time            instance 1 from creation to the first public agent comment
//                         (first_reply_time); instance n > 1 from a public comment of the
//                         requester to the next public agent comment (next_reply_time)
//   requester_wait_time   runs in new/open/hold, paused in pending
//   agent_work_time       runs in new/open, paused in pending and on-hold
//   periodic_update_time  from creation (then from each public agent comment) to the next
//                         public agent comment
//   pausable_update_time  as periodic_update_time, paused in pending
//   resolution_time       from creation (or reopening) to solved
// Solving fulfils every clock; reopening resumes the requester wait and agent work clocks
// (same instance, their time kept), and starts new update and resolution instances.
// An SLA policy gives a clock a target (minutes, in calendar or business time) by the
// ticket's priority; a change of policy, priority or target re-applies it to the running
// instance (its elapsed time is kept).
#pragma once

#include <boost/json/object.hpp>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "comptoir/calendar/schedule.hpp"
#include "comptoir/common/clock.hpp"
#include "comptoir/domain/tickets.hpp"

namespace comptoir::services::sla {

// Time arithmetic of a measure: calendar time, or a schedule's business hours.
struct TimeBase {
  // The instant `seconds` of counted time after `from` (0 when it never comes).
  std::function<Timestamp(Timestamp from, std::int64_t seconds)> add;
  // Counted seconds between two instants (from <= to).
  std::function<std::int64_t(Timestamp from, Timestamp to)> between;
  static TimeBase Calendar();
  // A schedule's business time (the schedule is copied; it is cheap and immutable).
  static TimeBase Business(const calendar::Schedule& schedule);
};

struct Target {
  std::int64_t minutes = 0;  // 0 = no target
  bool business_hours = false;
  friend bool operator==(const Target&, const Target&) = default;
};

// The policy that applies to the ticket now, reduced to the ticket's priority.
struct AppliedPolicy {
  std::int64_t id = 0;  // 0 = none
  std::string title;
  std::string description;
  std::map<std::string, Target> targets;  // by policy metric name (first_reply_time, …)
};

// One instance of a clock.
struct MetricClock {
  std::string metric;  // reply_time, requester_wait_time, …
  int instance = 1;
  bool running = false;
  bool paused = false;
  bool fulfilled = false;
  Timestamp since = 0;           // the current run began (running)
  std::int64_t elapsed_cal = 0;  // seconds counted before `since`
  std::int64_t elapsed_bus = 0;  // business seconds counted before `since`
  Target target;                 // of the applied policy
  std::int64_t policy_id = 0;    // the policy the target came from
  Timestamp breach_at = 0;       // running with a target: when it is breached
  bool breached = false;         // a breach was recorded for this instance and target
  // The policy metric name this instance answers to ("" for resolution_time).
  std::string PolicyMetric() const;
  // active | paused | achieved | breached
  std::string Stage() const;
};

struct State {
  std::int64_t policy_id = 0;
  std::vector<MetricClock> clocks;  // the latest instance of each metric
  Timestamp last_breach_at = 0;
  // The earliest breach of a running clock with a target (past when overdue), or 0.
  Timestamp NextBreachAt() const;
  boost::json::object ToJson() const;
  static State FromJson(const std::string& text);
};

struct Event {
  std::string metric;
  int instance = 1;
  std::string type;  // activate, pause, fulfill, apply_sla, breach, update_status
  Timestamp time = 0;
  boost::json::object extra;  // {"sla":{…}} or {"status":{…}}
};

// What a ticket write did, as far as the clocks care.
struct Change {
  Timestamp now = 0;
  bool creating = false;
  domain::TicketStatus before = domain::TicketStatus::kNew;
  domain::TicketStatus after = domain::TicketStatus::kNew;
  bool agent_public_comment = false;      // a public comment by an agent or admin
  bool requester_public_comment = false;  // a public comment by an end user
};

struct Bases {
  TimeBase calendar = TimeBase::Calendar();
  TimeBase business = TimeBase::Calendar();  // the ticket's schedule (calendar without one)
};

// Applies one ticket write to `state`: breaches due by `change.now` first, then comments,
// status, the policy's targets, and the new breach instants. Appends the events.
void Step(State& state, const AppliedPolicy& policy, const Change& change, const Bases& bases,
          std::vector<Event>& events);
// Records the breaches due by `now` (the breach job).
void CheckBreaches(State& state, Timestamp now, std::vector<Event>& events);
// Recomputes the breach instants of the running clocks with `bases` (a schedule change):
// the time of earlier runs stays as counted; the current run is counted under the new
// hours from its start.
void Recompute(State& state, const Bases& bases);

// The policy metrics of `policy` for a ticket of `priority`.
struct PolicyMetricRow {
  std::string priority, metric;
  std::int64_t target = 0;
  bool business_hours = false;
};
AppliedPolicy Reduce(std::int64_t id, const std::string& title, const std::string& description,
                     const std::vector<PolicyMetricRow>& metrics, const std::string& priority);

}  // namespace comptoir::services::sla
