#include "comptoir/domain/ticket_metrics.hpp"

namespace comptoir::domain {

BusinessSeconds CalendarOnly() {
  return [](Timestamp from, Timestamp to) { return to > from ? to - from : 0; };
}

namespace {

MetricDuration Measure(Timestamp from, Timestamp to, const BusinessSeconds& business) {
  MetricDuration d;
  if (to <= from) return d;
  d.calendar = to - from;
  d.business = business ? business(from, to) : d.calendar;
  return d;
}

void Add(MetricDuration& total, const MetricDuration& d) {
  total.calendar += d.calendar;
  total.business += d.business;
}

bool IsSolved(TicketStatus s) { return s == TicketStatus::kSolved || s == TicketStatus::kClosed; }

}  // namespace

void ApplyTicketWrite(TicketMetricSet& m, const TicketWrite& w, const BusinessSeconds& business) {
  const Ticket& t = *w.after;
  const Timestamp now = w.now;
  if (w.before == nullptr) {
    m.account_id = t.account_id;
    m.ticket_id = t.id;
    m.created_at = t.created_at ? t.created_at : now;
    m.status = t.status;
    m.status_since = now;
    m.status_updated_at = now;
    if (t.group_id) m.group_stations = 1;
    if (t.assignee_id) {
      m.assignee_stations = 1;
      m.initially_assigned_at = m.assigned_at = now;
    }
    if (IsSolved(t.status)) {
      m.solved_at = now;
      m.first_resolution_time = MetricDuration{};
      m.full_resolution_time = MetricDuration{};
    }
  } else {
    const Ticket& b = *w.before;
    if (t.assignee_id && t.assignee_id != b.assignee_id) {
      ++m.assignee_stations;
      m.assigned_at = now;
      if (!m.initially_assigned_at) m.initially_assigned_at = now;
    }
    if (t.group_id && t.group_id != b.group_id) ++m.group_stations;
    if (t.status != m.status) {
      // Close the interval spent in the status left.
      const MetricDuration spent = Measure(m.status_since, now, business);
      switch (m.status) {
        case TicketStatus::kNew:
        case TicketStatus::kOpen:
          Add(m.requester_wait_time, spent);
          break;
        case TicketStatus::kHold:
          Add(m.requester_wait_time, spent);
          Add(m.on_hold_time, spent);
          break;
        case TicketStatus::kPending:
          Add(m.agent_wait_time, spent);
          break;
        case TicketStatus::kSolved:
        case TicketStatus::kClosed:
          break;
      }
      const bool was_solved = IsSolved(m.status);
      if (t.status == TicketStatus::kSolved || (t.status == TicketStatus::kClosed && !was_solved)) {
        if (!was_solved) {
          m.solved_at = now;
          const MetricDuration since_creation = Measure(m.created_at, now, business);
          if (!m.first_resolution_time) m.first_resolution_time = since_creation;
          m.full_resolution_time = since_creation;
        }
      } else if (was_solved && !IsSolved(t.status)) {
        ++m.reopens;
      }
      m.status = t.status;
      m.status_since = now;
      m.status_updated_at = now;
    }
  }
  if (w.agent_reply && w.before != nullptr) {
    ++m.replies;
    if (!m.reply_time) m.reply_time = Measure(m.created_at, now, business);
  }
  if (w.comment_added) m.latest_comment_added_at = now;
  m.requester_updated_at = t.requester_updated_at;
  m.assignee_updated_at = t.assignee_updated_at;
  m.custom_status_updated_at = m.status_updated_at;
  m.updated_at = now;
}

}  // namespace comptoir::domain
