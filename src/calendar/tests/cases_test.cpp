// Runs the data cases in tests/cases/*.json: each file holds cases of one schedule (or an
// expected validation error) and queries with their expected answers, instants in ISO 8601.
// Every answered "add" is also checked against "between" (Between(t, Add(t, n)) == n).
#include "comptoir/calendar/schedule.hpp"

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace comptoir::calendar {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;

Timestamp Instant(const json::value& v) {
  const std::optional<Timestamp> t = ParseIso8601(v.as_string());
  if (!t) throw std::runtime_error("bad instant in case file: " + json::serialize(v));
  return *t;
}

std::string Show(std::optional<Timestamp> t) { return t ? FormatIso8601(*t) : "null"; }

std::string Expected(const json::value& v) {
  return v.is_null() ? "null" : FormatIso8601(Instant(v));
}

Result<Schedule> Build(const json::object& c) {
  if (c.contains("always_open")) return Schedule::AlwaysOpen();
  const json::object& s = c.at("schedule").as_object();
  std::vector<Interval> intervals;
  for (const json::value& i : s.at("intervals").as_array()) {
    intervals.push_back({static_cast<int>(i.as_array().at(0).as_int64()),
                         static_cast<int>(i.as_array().at(1).as_int64())});
  }
  std::vector<Holiday> holidays;
  if (s.contains("holidays")) {
    for (const json::value& h : s.at("holidays").as_array()) {
      holidays.push_back({std::string(h.at("name").as_string()),
                          std::string(h.at("start_date").as_string()),
                          std::string(h.at("end_date").as_string())});
    }
  }
  return Schedule::Make(std::string(s.at("time_zone").as_string()), intervals, holidays);
}

void RunQuery(const Schedule& s, const json::object& q) {
  SCOPED_TRACE(json::serialize(q));
  if (q.contains("is_open")) {
    EXPECT_EQ(s.IsOpen(Instant(q.at("is_open"))), q.at("expect").as_bool());
  } else if (q.contains("next_opening")) {
    EXPECT_EQ(Show(s.NextOpening(Instant(q.at("next_opening")))), Expected(q.at("expect")));
  } else if (q.contains("next_closing")) {
    EXPECT_EQ(Show(s.NextClosing(Instant(q.at("next_closing")))), Expected(q.at("expect")));
  } else if (q.contains("add_minutes") || q.contains("add_seconds")) {
    const bool minutes = q.contains("add_minutes");
    const std::int64_t n = (minutes ? q.at("add_minutes") : q.at("add_seconds")).as_int64();
    const Timestamp from = Instant(q.at("from"));
    const std::optional<Timestamp> got =
        minutes ? s.AddBusinessMinutes(from, n) : s.AddBusinessSeconds(from, n);
    EXPECT_EQ(Show(got), Expected(q.at("expect")));
    if (got) {
      EXPECT_EQ(s.BusinessSecondsBetween(from, *got), minutes ? n * 60 : n);
    }
  } else if (q.contains("between")) {
    const json::array& range = q.at("between").as_array();
    const Timestamp from = Instant(range.at(0));
    const Timestamp to = Instant(range.at(1));
    const std::int64_t expected = q.at("expect_seconds").as_int64();
    EXPECT_EQ(s.BusinessSecondsBetween(from, to), expected);
    EXPECT_EQ(s.BusinessMinutesBetween(from, to), expected / 60);
  } else {
    ADD_FAILURE() << "unknown query";
  }
}

TEST(CalendarCasesTest, EveryCaseFileHolds) {
  std::size_t files = 0;
  std::size_t queries = 0;
  for (const auto& entry : fs::directory_iterator(COMPTOIR_CALENDAR_CASES_DIR)) {
    if (entry.path().extension() != ".json") continue;
    ++files;
    std::ifstream in(entry.path());
    std::ostringstream text;
    text << in.rdbuf();
    const json::value doc = json::parse(text.str());
    for (const json::value& cv : doc.at("cases").as_array()) {
      const json::object& c = cv.as_object();
      SCOPED_TRACE(entry.path().filename().string() + ": " + std::string(c.at("name").as_string()));
      const Result<Schedule> s = Build(c);
      if (c.contains("expect_error")) {
        ASSERT_FALSE(s.ok());
        EXPECT_EQ(s.status().code(), ErrorCode::kValidation);
        ASSERT_FALSE(s.status().details().empty());
        EXPECT_EQ(s.status().details().front().field, c.at("expect_error").as_string());
        continue;
      }
      ASSERT_TRUE(s.ok()) << s.status().ToString();
      if (!c.contains("queries")) continue;
      for (const json::value& q : c.at("queries").as_array()) {
        RunQuery(*s, q.as_object());
        ++queries;
      }
    }
  }
  EXPECT_GE(files, 7U);
  EXPECT_GE(queries, 100U);
}

}  // namespace
}  // namespace comptoir::calendar
