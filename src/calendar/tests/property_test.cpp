// Property test: random schedules (zones with DST both ways, 30/45-minute offsets, split
// shifts, 24/7 weeks cut in pieces, holidays) against a brute-force reference that decides
// each minute of a two-week window on its own (date::time_zone::to_local, the weekday and
// the holiday dates, the intervals as given). Every query answer must match the reference,
// and the answers must agree with each other: Between(t, Add(t, n)) == n.
#include "comptoir/calendar/schedule.hpp"

#include <date/date.h>
#include <date/tz.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <random>

namespace comptoir::calendar {
namespace {

constexpr const char* kZones[] = {"Europe/Paris",
                                  "America/New_York",
                                  "Australia/Lord_Howe",
                                  "Asia/Kolkata",
                                  "Asia/Kathmandu",
                                  "Australia/Eucla",
                                  "Pacific/Chatham",
                                  "America/St_Johns",
                                  "America/Santiago",
                                  "Europe/London",
                                  "UTC",
                                  "Asia/Tehran",
                                  "America/Havana",
                                  "Pacific/Apia",
                                  "Africa/Casablanca",
                                  "Australia/Adelaide"};

struct Case {
  std::string zone;
  std::vector<Interval> intervals;
  std::vector<Holiday> holidays;
};

std::string DateString(date::sys_days d) {
  const date::year_month_day ymd(d);
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
  return buf;
}

// Minute by minute, knowing nothing of the implementation.
bool ReferenceOpen(const Case& c, const date::time_zone* zone, Timestamp t) {
  const auto local = zone->to_local(date::sys_seconds(std::chrono::seconds(t)));
  const auto local_day = date::floor<date::days>(local);
  const std::string day = DateString(date::sys_days(local_day.time_since_epoch()));
  for (const Holiday& h : c.holidays) {
    if (h.start_date <= day && day <= h.end_date) return false;
  }
  const int weekday = static_cast<int>(date::weekday(local_day).c_encoding());
  const auto minute = std::chrono::duration_cast<std::chrono::minutes>(local - local_day).count();
  const int week_minute = weekday * 1440 + static_cast<int>(minute);
  for (const Interval& i : c.intervals) {
    if (i.start_minute <= week_minute && week_minute < i.end_minute) return true;
  }
  return false;
}

Case RandomCase(std::mt19937_64& rng, date::sys_days window_start) {
  Case c;
  c.zone = kZones[rng() % std::size(kZones)];
  const int kind = static_cast<int>(rng() % 4);
  if (kind == 0) {  // 24/7, each day possibly cut in two adjacent pieces
    for (int d = 0; d < 7; ++d) {
      if (rng() % 2 == 0) {
        c.intervals.push_back({d * 1440, (d + 1) * 1440});
      } else {
        const int cut = d * 1440 + 1 + static_cast<int>(rng() % 1439);
        c.intervals.push_back({d * 1440, cut});
        c.intervals.push_back({cut, (d + 1) * 1440});
      }
    }
  } else {
    // Per day 0–3 intervals at random cut points (minute or half-hour grain), sometimes
    // touching midnight on both sides.
    const int grain = kind == 1 ? 1 : 30;
    for (int d = 0; d < 7; ++d) {
      const int count = static_cast<int>(rng() % 4);
      std::vector<int> cuts;
      for (int i = 0; i < count * 2; ++i) {
        cuts.push_back(static_cast<int>(rng() % (1440 / grain + 1)) * grain);
      }
      if (kind == 3 && count > 0) {
        cuts.front() = 0;
        cuts.back() = 1440;
      }
      std::sort(cuts.begin(), cuts.end());
      for (std::size_t i = 0; i + 1 < cuts.size(); i += 2) {
        if (cuts[i] < cuts[i + 1]) {
          c.intervals.push_back({d * 1440 + cuts[i], d * 1440 + cuts[i + 1]});
        }
      }
    }
    // Overlaps from equal cut points: drop them.
    std::vector<Interval> kept;
    for (const Interval& i : c.intervals) {
      if (kept.empty() || kept.back().end_minute <= i.start_minute) kept.push_back(i);
    }
    c.intervals = kept;
  }
  const int holidays = static_cast<int>(rng() % 3);
  for (int i = 0; i < holidays; ++i) {
    const auto first = window_start + date::days(static_cast<int>(rng() % 16) - 1);
    const auto last = first + date::days(static_cast<int>(rng() % 3));
    c.holidays.push_back({"h", DateString(first), DateString(last)});
  }
  return c;
}

TEST(CalendarPropertyTest, MatchesMinuteByMinuteReference) {
  std::mt19937_64 rng(20261121);
  constexpr int kSchedules = 160;
  constexpr int kMinutes = 14 * 1440;
  int checked = 0;
  for (int round = 0; round < kSchedules; ++round) {
    // Windows around the zone's DST changes of 2026 half of the time, anywhere else otherwise.
    date::sys_days start =
        date::sys_days(date::year{2025} / 1 / 1) + date::days(static_cast<int>(rng() % (3 * 365)));
    Case c = RandomCase(rng, start);
    const date::time_zone* zone = date::locate_zone(c.zone);
    if (rng() % 2 == 0) {
      const auto info = zone->get_info(date::sys_seconds(start.time_since_epoch()));
      if (info.end.time_since_epoch().count() < 4'000'000'000) {
        start = date::floor<date::days>(info.end) - date::days(static_cast<int>(rng() % 10));
      }
    }
    const Result<Schedule> made = Schedule::Make(c.zone, c.intervals, c.holidays);
    ASSERT_TRUE(made.ok()) << made.status().ToString();
    const Schedule& s = *made;
    SCOPED_TRACE(c.zone + " from " + DateString(start) + " round " + std::to_string(round));

    const Timestamp w0 = start.time_since_epoch().count() * 86'400;
    const Timestamp w1 = w0 + kMinutes * 60;
    std::vector<bool> open(kMinutes);
    for (int m = 0; m < kMinutes; ++m) open[m] = ReferenceOpen(c, zone, w0 + m * 60);
    auto open_at = [&](Timestamp t) { return open[static_cast<std::size_t>((t - w0) / 60)]; };
    auto ref_between = [&](Timestamp a, Timestamp b) {
      std::int64_t total = 0;
      for (Timestamp m = w0 + (a - w0) / 60 * 60; m < b; m += 60) {
        if (!open_at(m)) continue;
        total += std::min(b, m + 60) - std::max(a, m);
      }
      return total;
    };

    for (int q = 0; q < 40; ++q) {
      const Timestamp t = w0 + static_cast<Timestamp>(rng() % (kMinutes * 60 - 1));
      const Timestamp u = t + static_cast<Timestamp>(rng() % static_cast<std::uint64_t>(w1 - t));
      SCOPED_TRACE("t=" + FormatIso8601(t) + " u=" + FormatIso8601(u));
      ASSERT_EQ(s.IsOpen(t), open_at(t));

      // NextOpening / NextClosing: the first minute boundary where the state changes.
      std::optional<Timestamp> ref_opening;
      std::optional<Timestamp> ref_closing;
      if (open_at(t)) {
        ref_opening = t;
      } else {
        ref_closing = t;
      }
      for (Timestamp m = t - (t - w0) % 60 + 60; m < w1 && (!ref_opening || !ref_closing);
           m += 60) {
        if (!ref_opening && open_at(m)) ref_opening = m;
        if (!ref_closing && !open_at(m)) ref_closing = m;
      }
      const std::optional<Timestamp> opening = s.NextOpening(t);
      if (ref_opening) {
        ASSERT_EQ(opening, ref_opening);
      } else if (opening) {
        ASSERT_GE(*opening, w1);
      }
      const std::optional<Timestamp> closing = s.NextClosing(t);
      if (ref_closing) {
        ASSERT_EQ(closing, ref_closing);
      } else if (closing) {
        ASSERT_GE(*closing, w1);
      }

      const std::int64_t between = s.BusinessSecondsBetween(t, u);
      ASSERT_EQ(between, ref_between(t, u));
      ASSERT_EQ(s.BusinessSecondsBetween(t, u), s.BusinessSecondsBetween(t, (t + u) / 2) +
                                                    s.BusinessSecondsBetween((t + u) / 2, u));

      // Add: n within what the window holds, so the reference can answer.
      const std::int64_t n = between == 0 ? 0 : static_cast<std::int64_t>(rng() % (between + 1));
      const std::optional<Timestamp> added = s.AddBusinessSeconds(t, n);
      if (n > 0) {
        ASSERT_TRUE(added.has_value());
        ASSERT_LE(*added, u);
        ASSERT_EQ(ref_between(t, *added), n);
        ASSERT_EQ(ref_between(t, *added - 1), n - 1);  // the first such instant
      } else if (ref_opening) {
        ASSERT_EQ(added, ref_opening);
      }
      if (added) {
        ASSERT_EQ(s.BusinessSecondsBetween(t, *added), n);
      }
      ++checked;
    }
  }
  EXPECT_EQ(checked, kSchedules * 40);
}

TEST(CalendarPropertyTest, LongTargetsAreCheap) {
  // 10,000 business minutes on a weekday schedule: a walk of days, answered at once.
  std::vector<Interval> weekdays;
  for (int d = 1; d <= 5; ++d) {
    weekdays.push_back({d * 1440 + 540, d * 1440 + 720});
    weekdays.push_back({d * 1440 + 780, d * 1440 + 1080});
  }
  const Result<Schedule> s = Schedule::Make("Europe/Paris", weekdays, {});
  ASSERT_TRUE(s.ok());
  const Timestamp t = *ParseIso8601("2026-11-23T08:00:00Z");
  for (int i = 0; i < 2000; ++i) {
    const std::optional<Timestamp> due = s->AddBusinessMinutes(t + i * 60, 10'000);
    ASSERT_TRUE(due.has_value());
    ASSERT_EQ(s->BusinessMinutesBetween(t + i * 60, *due), 10'000);
  }
}

}  // namespace
}  // namespace comptoir::calendar
