// The SLA clocks against data files (tests/sla_cases/*.json): a policy, optional
// business hours, and a sequence of ticket changes at given instants, each with the
// events it must produce and the clocks' stages and breach instants after it.
//
// Business hours are either a small test schedule ("hours": weekdays, one interval a
// day, a fixed UTC offset) computed minute by minute, so the engine's arithmetic is
// checked against an independent count, or a real calendar::Schedule ("schedule": zone,
// weekly intervals, holidays) for DST and holidays.
#include <gtest/gtest.h>

#include <algorithm>
#include <boost/json.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "comptoir/services/sla_engine.hpp"

namespace comptoir::services::sla {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;
using domain::TicketStatus;

struct TestHours {
  int offset_minutes = 0;  // local = UTC + offset
  int open = 9 * 60;       // minute of the local day
  int close = 17 * 60;
  bool IsOpen(Timestamp t) const {
    const Timestamp local = t + offset_minutes * 60;
    const Timestamp day = local >= 0 ? local / 86400 : (local - 86399) / 86400;
    const int weekday = static_cast<int>((day + 4) % 7);  // 1970-01-01 was a Thursday; 0 = Sunday
    const int minute = static_cast<int>((local - day * 86400) / 60);
    return weekday >= 1 && weekday <= 5 && minute >= open && minute < close;
  }
  TimeBase Base() const {
    TestHours h = *this;
    return TimeBase{[h](Timestamp from, std::int64_t seconds) -> Timestamp {
                      // Whole minutes only in these cases.
                      Timestamp t = from;
                      std::int64_t left = seconds;
                      for (int guard = 0; guard < 60 * 24 * 400 && left > 0; ++guard) {
                        const Timestamp next = (t / 60 + 1) * 60;
                        if (h.IsOpen(t)) left -= next - t;
                        t = next;
                      }
                      return left > 0 ? 0 : t + left;
                    },
                    [h](Timestamp from, Timestamp to) -> std::int64_t {
                      std::int64_t n = 0;
                      for (Timestamp t = from; t < to;) {
                        const Timestamp next = std::min<Timestamp>((t / 60 + 1) * 60, to);
                        if (h.IsOpen(t)) n += next - t;
                        t = next;
                      }
                      return n;
                    }};
  }
};

Timestamp At(const json::value& v) {
  auto t = ParseIso8601(std::string(v.as_string()));
  EXPECT_TRUE(t.has_value()) << v;
  return t.value_or(0);
}

TicketStatus StatusOf(std::string_view s) {
  auto st = domain::ParseStatus(s);
  EXPECT_TRUE(st.has_value()) << s;
  return st.value_or(TicketStatus::kOpen);
}

std::string Describe(const Event& e, Timestamp step) {
  std::string s = e.metric + "#" + std::to_string(e.instance) + " " + e.type;
  if (e.type == "apply_sla") {
    const auto& sla = e.extra.at("sla").as_object();
    s += " target=" + std::to_string(sla.at("target").as_int64());
    if (sla.at("business_hours").as_bool()) s += " business";
  }
  if (e.type == "update_status") {
    const auto& st = e.extra.at("status").as_object();
    s += " calendar=" + std::to_string(st.at("calendar").as_int64()) +
         " business=" + std::to_string(st.at("business").as_int64());
  }
  if (e.time != step) s += " @" + FormatIso8601(e.time);
  return s;
}

std::vector<PolicyMetricRow> MetricsOf(const json::object& policy) {
  std::vector<PolicyMetricRow> rows;
  for (const auto& m : policy.at("policy_metrics").as_array()) {
    const auto& o = m.as_object();
    rows.push_back({std::string(o.at("priority").as_string()),
                    std::string(o.at("metric").as_string()), o.at("target").as_int64(),
                    o.contains("business_hours") && o.at("business_hours").as_bool()});
  }
  return rows;
}

TestHours HoursOf(const json::value& v) {
  TestHours h;
  const auto& o = v.as_object();
  if (o.contains("offset_minutes"))
    h.offset_minutes = static_cast<int>(o.at("offset_minutes").as_int64());
  h.open = static_cast<int>(o.at("open").as_int64());
  h.close = static_cast<int>(o.at("close").as_int64());
  return h;
}

// {"time_zone": "Europe/Paris", "intervals": [[start, end], …], "holidays": [[from, to], …]}
// as a calendar::Schedule's business time.
TimeBase ScheduleOf(const json::value& v) {
  const auto& o = v.as_object();
  std::vector<calendar::Interval> intervals;
  for (const auto& i : o.at("intervals").as_array()) {
    intervals.push_back({static_cast<int>(i.as_array()[0].as_int64()),
                         static_cast<int>(i.as_array()[1].as_int64())});
  }
  std::vector<calendar::Holiday> holidays;
  if (o.contains("holidays")) {
    for (const auto& h : o.at("holidays").as_array()) {
      holidays.push_back({"holiday", std::string(h.as_array()[0].as_string()),
                          std::string(h.as_array()[1].as_string())});
    }
  }
  auto s =
      calendar::Schedule::Make(std::string(o.at("time_zone").as_string()), intervals, holidays);
  EXPECT_TRUE(s.ok()) << s.status().ToString();
  return s.ok() ? TimeBase::Business(*s) : TimeBase::Calendar();
}

void RunCase(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  json::value doc = json::parse(ss.str());
  const auto& c = doc.as_object();
  json::object policy = c.contains("policy") ? c.at("policy").as_object() : json::object{};
  Bases bases;
  if (c.contains("hours")) bases.business = HoursOf(c.at("hours")).Base();
  if (c.contains("schedule")) bases.business = ScheduleOf(c.at("schedule"));
  State state;
  TicketStatus status = TicketStatus::kNew;
  std::string priority = "normal";
  int index = 0;
  for (const auto& sv : c.at("steps").as_array()) {
    const auto& s = sv.as_object();
    SCOPED_TRACE(path.filename().string() + " step " + std::to_string(index++));
    const Timestamp now = At(s.at("at"));
    std::vector<Event> events;
    if (s.contains("policy"))
      policy = s.at("policy").is_null() ? json::object{} : s.at("policy").as_object();
    if (s.contains("hours_change") || s.contains("schedule_change")) {
      bases.business = s.contains("hours_change") ? HoursOf(s.at("hours_change")).Base()
                                                  : ScheduleOf(s.at("schedule_change"));
      Recompute(state, bases);
    } else if (s.contains("check_breaches")) {
      CheckBreaches(state, now, events);
    } else {
      Change ch;
      ch.now = now;
      ch.creating = s.contains("create") && s.at("create").as_bool();
      ch.before = status;
      if (s.contains("status")) status = StatusOf(s.at("status").as_string());
      ch.after = status;
      if (s.contains("priority")) priority = std::string(s.at("priority").as_string());
      if (s.contains("comment")) {
        const std::string who(s.at("comment").as_string());
        ch.agent_public_comment = who == "agent";
        ch.requester_public_comment = who == "requester";
      }
      AppliedPolicy applied;
      if (!policy.empty()) {
        applied = Reduce(policy.at("id").as_int64(), std::string(policy.at("title").as_string()),
                         "", MetricsOf(policy), priority);
      }
      Step(state, applied, ch, bases, events);
    }
    if (s.contains("events")) {
      std::vector<std::string> got, want;
      for (const auto& e : events) got.push_back(Describe(e, now));
      for (const auto& e : s.at("events").as_array()) want.emplace_back(e.as_string());
      EXPECT_EQ(got, want);
    }
    if (s.contains("expect")) {
      for (const auto& kv : s.at("expect").as_object()) {
        const MetricClock* clock = nullptr;
        for (const auto& m : state.clocks) {
          if (m.metric == kv.key()) clock = &m;
        }
        ASSERT_NE(clock, nullptr) << kv.key();
        const auto& e = kv.value().as_object();
        if (e.contains("instance")) {
          EXPECT_EQ(clock->instance, e.at("instance").as_int64()) << kv.key();
        }
        if (e.contains("stage")) {
          EXPECT_EQ(clock->Stage(), e.at("stage").as_string()) << kv.key();
        }
        if (e.contains("breach_at")) {
          const Timestamp want = e.at("breach_at").is_null() ? 0 : At(e.at("breach_at"));
          EXPECT_EQ(FormatIso8601(clock->breach_at), FormatIso8601(want)) << kv.key();
        }
      }
    }
    if (s.contains("next_breach_at")) {
      const Timestamp want = s.at("next_breach_at").is_null() ? 0 : At(s.at("next_breach_at"));
      EXPECT_EQ(FormatIso8601(state.NextBreachAt()), FormatIso8601(want));
    }
    // The state survives its storage format.
    State round = State::FromJson(json::serialize(state.ToJson()));
    EXPECT_EQ(json::serialize(round.ToJson()), json::serialize(state.ToJson()));
  }
}

TEST(SlaEngineCases, AllCases) {
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(COMPTOIR_SLA_CASES_DIR)) {
    if (e.path().extension() == ".json") files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  ASSERT_GE(files.size(), 8u);
  for (const auto& f : files) RunCase(f);
}

TEST(SlaEngine, TestHoursCountOnlyWeekdayHours) {
  TestHours h;
  TimeBase b = h.Base();
  // Friday 2026-03-06 16:00Z + 2 business hours = Monday 10:00Z.
  EXPECT_EQ(FormatIso8601(b.add(*ParseIso8601("2026-03-06T16:00:00Z"), 7200)),
            "2026-03-09T10:00:00Z");
  EXPECT_EQ(b.between(*ParseIso8601("2026-03-06T16:00:00Z"), *ParseIso8601("2026-03-09T10:00:00Z")),
            7200);
}

}  // namespace
}  // namespace comptoir::services::sla
