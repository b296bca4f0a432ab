#include "comptoir/services/sla_engine.hpp"

#include <algorithm>
#include <boost/json.hpp>

namespace comptoir::services::sla {

namespace json = boost::json;
using domain::TicketStatus;

namespace {

constexpr const char* kMetrics[] = {"reply_time",           "requester_wait_time",
                                    "agent_work_time",      "periodic_update_time",
                                    "pausable_update_time", "resolution_time"};

bool IsSolved(TicketStatus s) { return s == TicketStatus::kSolved || s == TicketStatus::kClosed; }

// Whether the clock of `metric` runs (rather than pauses) in status `s` (not solved).
bool RunsIn(std::string_view metric, TicketStatus s) {
  if (metric == "requester_wait_time") return s != TicketStatus::kPending;
  if (metric == "agent_work_time") return s == TicketStatus::kNew || s == TicketStatus::kOpen;
  if (metric == "pausable_update_time") return s != TicketStatus::kPending;
  return true;
}

const TimeBase& BaseOf(const MetricClock& c, const Bases& b) {
  return c.target.business_hours ? b.business : b.calendar;
}

MetricClock* Find(State& st, std::string_view metric) {
  for (auto& c : st.clocks) {
    if (c.metric == metric) return &c;
  }
  return nullptr;
}

void Emit(std::vector<Event>& out, const MetricClock& c, std::string type, Timestamp t,
          json::object extra = {}) {
  out.push_back(Event{c.metric, c.instance, std::move(type), t, std::move(extra)});
}

// Starts (or resumes) the clock at `now`.
void Activate(MetricClock& c, Timestamp now, std::vector<Event>& out) {
  c.running = true;
  c.paused = false;
  c.fulfilled = false;
  c.since = now;
  Emit(out, c, "activate", now);
}

void Fold(MetricClock& c, Timestamp now, const Bases& b) {
  if (!c.running || now <= c.since) return;
  c.elapsed_cal += b.calendar.between(c.since, now);
  c.elapsed_bus += b.business.between(c.since, now);
}

void Pause(MetricClock& c, Timestamp now, const Bases& b, std::vector<Event>& out) {
  Fold(c, now, b);
  c.running = false;
  c.paused = true;
  c.breach_at = 0;
  Emit(out, c, "pause", now);
}

void Fulfill(MetricClock& c, Timestamp now, const Bases& b, std::vector<Event>& out) {
  if (c.fulfilled) return;
  Fold(c, now, b);
  c.running = false;
  c.paused = false;
  c.fulfilled = true;
  c.breach_at = 0;
  Emit(out, c, "fulfill", now);
  Emit(out, c, "update_status", now,
       json::object{{"status", json::object{{"calendar", c.elapsed_cal / 60},
                                            {"business", c.elapsed_bus / 60}}}});
}

// A new instance of `metric` (instance + 1 of the last, or 1), started at `now`.
MetricClock& Start(State& st, std::string_view metric, Timestamp now, std::vector<Event>& out) {
  MetricClock* c = Find(st, metric);
  int instance = 1;
  if (c == nullptr) {
    st.clocks.push_back(MetricClock{});
    c = &st.clocks.back();
  } else {
    instance = c->instance + 1;
  }
  *c = MetricClock{};
  c->metric = std::string(metric);
  c->instance = instance;
  Activate(*c, now, out);
  return *c;
}

void Breach(State& st, MetricClock& c, Timestamp at, std::vector<Event>& out) {
  c.breached = true;
  st.last_breach_at = std::max(st.last_breach_at, at);
  Emit(out, c, "breach", at);
}

// The breach instant of a running clock with a target.
void Schedule(MetricClock& c, const Bases& b) {
  c.breach_at = 0;
  if (!c.running || c.target.minutes <= 0) return;
  const std::int64_t counted = c.target.business_hours ? c.elapsed_bus : c.elapsed_cal;
  const std::int64_t remaining = c.target.minutes * 60 - counted;
  if (remaining <= 0) {
    c.breach_at = c.since;  // already past its target when this run began
    return;
  }
  c.breach_at = BaseOf(c, b).add(c.since, remaining);
}

}  // namespace

TimeBase TimeBase::Calendar() {
  return TimeBase{[](Timestamp from, std::int64_t seconds) { return from + seconds; },
                  [](Timestamp from, Timestamp to) { return to > from ? to - from : 0; }};
}

TimeBase TimeBase::Business(const calendar::Schedule& schedule) {
  return TimeBase{[schedule](Timestamp from, std::int64_t seconds) -> Timestamp {
                    return schedule.AddBusinessSeconds(from, seconds).value_or(0);
                  },
                  [schedule](Timestamp from, Timestamp to) -> std::int64_t {
                    return to > from ? schedule.BusinessSecondsBetween(from, to) : 0;
                  }};
}

std::string MetricClock::PolicyMetric() const {
  if (metric == "reply_time") return instance == 1 ? "first_reply_time" : "next_reply_time";
  if (metric == "resolution_time") return "";
  return metric;
}

std::string MetricClock::Stage() const {
  if (breached) return "breached";
  if (fulfilled) return "achieved";
  if (paused) return "paused";
  return "active";
}

Timestamp State::NextBreachAt() const {
  Timestamp next = 0;
  for (const auto& c : clocks) {
    if (!c.running || c.breach_at == 0) continue;
    if (next == 0 || c.breach_at < next) next = c.breach_at;
  }
  return next;
}

json::object State::ToJson() const {
  json::array a;
  for (const auto& c : clocks) {
    a.push_back(json::object{{"metric", c.metric},
                             {"instance", c.instance},
                             {"running", c.running},
                             {"paused", c.paused},
                             {"fulfilled", c.fulfilled},
                             {"since", c.since},
                             {"elapsed_cal", c.elapsed_cal},
                             {"elapsed_bus", c.elapsed_bus},
                             {"target", c.target.minutes},
                             {"business_hours", c.target.business_hours},
                             {"policy_id", c.policy_id},
                             {"breach_at", c.breach_at},
                             {"breached", c.breached}});
  }
  return json::object{
      {"policy_id", policy_id}, {"last_breach_at", last_breach_at}, {"clocks", std::move(a)}};
}

State State::FromJson(const std::string& text) {
  State st;
  boost::system::error_code ec;
  auto v = json::parse(text, ec);
  if (ec || !v.is_object()) return st;
  const auto& o = v.get_object();
  auto num = [](const json::object& obj, std::string_view k) -> std::int64_t {
    const auto* p = obj.if_contains(k);
    return p && p->is_int64() ? p->get_int64() : 0;
  };
  auto flag = [](const json::object& obj, std::string_view k) {
    const auto* p = obj.if_contains(k);
    return p && p->is_bool() && p->get_bool();
  };
  st.policy_id = num(o, "policy_id");
  st.last_breach_at = num(o, "last_breach_at");
  if (const auto* cs = o.if_contains("clocks"); cs && cs->is_array()) {
    for (const auto& item : cs->get_array()) {
      if (!item.is_object()) continue;
      const auto& c = item.get_object();
      MetricClock m;
      if (const auto* p = c.if_contains("metric"); p && p->is_string()) m.metric = p->get_string();
      m.instance = static_cast<int>(num(c, "instance"));
      m.running = flag(c, "running");
      m.paused = flag(c, "paused");
      m.fulfilled = flag(c, "fulfilled");
      m.since = num(c, "since");
      m.elapsed_cal = num(c, "elapsed_cal");
      m.elapsed_bus = num(c, "elapsed_bus");
      m.target.minutes = num(c, "target");
      m.target.business_hours = flag(c, "business_hours");
      m.policy_id = num(c, "policy_id");
      m.breach_at = num(c, "breach_at");
      m.breached = flag(c, "breached");
      st.clocks.push_back(std::move(m));
    }
  }
  return st;
}

void CheckBreaches(State& state, Timestamp now, std::vector<Event>& events) {
  for (auto& c : state.clocks) {
    if (c.running && !c.breached && c.breach_at > 0 && c.breach_at <= now) {
      Breach(state, c, c.breach_at, events);
    }
  }
}

void Step(State& st, const AppliedPolicy& policy, const Change& ch, const Bases& b,
          std::vector<Event>& out) {
  const Timestamp now = ch.now;
  CheckBreaches(st, now, out);

  if (ch.creating) {
    for (const char* m : kMetrics) Start(st, m, now, out);
  }
  // Comments.
  if (ch.agent_public_comment) {
    if (auto* c = Find(st, "reply_time"); c && !c->fulfilled) Fulfill(*c, now, b, out);
    for (const char* m : {"periodic_update_time", "pausable_update_time"}) {
      auto* c = Find(st, m);
      if (c && !c->fulfilled) Fulfill(*c, now, b, out);
      if (!IsSolved(ch.after)) Start(st, m, now, out);
    }
  }
  if (ch.requester_public_comment && !ch.creating && !IsSolved(ch.after)) {
    auto* c = Find(st, "reply_time");
    if (c == nullptr || c->fulfilled) Start(st, "reply_time", now, out);
  }
  // Status.
  if (IsSolved(ch.after)) {
    for (auto& c : st.clocks) {
      if (!c.fulfilled) Fulfill(c, now, b, out);
    }
  } else {
    if (!ch.creating && IsSolved(ch.before)) {
      // Reopened: the wait and work clocks resume; new update and resolution instances.
      for (const char* m : {"requester_wait_time", "agent_work_time"}) {
        if (auto* c = Find(st, m); c && c->fulfilled) Activate(*c, now, out);
      }
      for (const char* m : {"periodic_update_time", "pausable_update_time", "resolution_time"}) {
        auto* c = Find(st, m);
        if (c == nullptr || c->fulfilled) Start(st, m, now, out);
      }
    }
    for (auto& c : st.clocks) {
      if (c.fulfilled) continue;
      const bool runs = RunsIn(c.metric, ch.after);
      if (c.running && !runs) Pause(c, now, b, out);
      if (c.paused && runs) Activate(c, now, out);
    }
  }
  // Targets of the applied policy.
  st.policy_id = policy.id;
  for (auto& c : st.clocks) {
    if (c.fulfilled) continue;
    Target want;
    const std::string name = c.PolicyMetric();
    if (auto it = policy.targets.find(name); !name.empty() && it != policy.targets.end()) {
      want = it->second;
    }
    if (want == c.target && (want.minutes == 0 || c.policy_id == policy.id)) continue;
    c.target = want;
    c.policy_id = want.minutes > 0 ? policy.id : 0;
    c.breached = false;
    if (want.minutes > 0) {
      Emit(out, c, "apply_sla", now,
           json::object{{"sla", json::object{{"target", want.minutes},
                                             {"business_hours", want.business_hours},
                                             {"policy", json::object{
                                                            {"id", policy.id},
                                                            {"title", policy.title},
                                                            {"description", policy.description},
                                                        }}}}});
    }
  }
  for (auto& c : st.clocks) {
    if (c.fulfilled) continue;
    Schedule(c, b);
  }
  // A target already passed (a shorter one applied late) is breached at once.
  for (auto& c : st.clocks) {
    if (c.running && !c.breached && c.breach_at > 0 && c.breach_at <= now) {
      Breach(st, c, std::max(c.breach_at, c.since), out);
    }
  }
}

void Recompute(State& state, const Bases& bases) {
  for (auto& c : state.clocks) {
    if (c.fulfilled || !c.running) continue;
    Schedule(c, bases);
  }
}

AppliedPolicy Reduce(std::int64_t id, const std::string& title, const std::string& description,
                     const std::vector<PolicyMetricRow>& metrics, const std::string& priority) {
  AppliedPolicy p;
  p.id = id;
  p.title = title;
  p.description = description;
  for (const auto& m : metrics) {
    if (m.priority != priority) continue;
    p.targets[m.metric] = Target{m.target, m.business_hours};
  }
  return p;
}

}  // namespace comptoir::services::sla
