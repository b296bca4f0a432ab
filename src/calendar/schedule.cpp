// The calendar arithmetic. Every question is answered by one walk (Walk below) that yields
// the open UTC ranges from an instant onwards, in order: per UTC-offset segment of the zone
// (inside one segment local time is UTC plus a constant), per local day of that segment,
// per opening interval of that day's weekday, skipping holidays by whole ranges. So the
// cost is one tz lookup per offset change plus a few operations per day, never per minute.
#include "comptoir/calendar/schedule.hpp"

#include <date/date.h>
#include <date/tz.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <exception>
#include <limits>

namespace comptoir::calendar {

namespace {

constexpr std::int64_t kDay = 86'400;
constexpr int kMinutesPerDay = 1'440;
constexpr int kMinutesPerWeek = 7 * kMinutesPerDay;
// Instants outside [1900-01-01, 9999-12-31] are closed for zoned schedules: it keeps every
// sum below far from overflow and bounds every search.
constexpr Timestamp kMinTime = -2'208'988'800;
constexpr Timestamp kMaxTime = 253'402'300'799;
// A search for open time gives up after this long without any (about ten years).
constexpr Timestamp kHorizon = 3'653 * kDay;

std::int64_t FloorDiv(std::int64_t a, std::int64_t b) {
  std::int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return q;
}

// 1970-01-01 was a Thursday; Sunday is 0.
int WeekdayOf(std::int64_t day) { return static_cast<int>(((day % 7) + 7 + 4) % 7); }

// "YYYY-MM-DD" (years 1900–9999) to days since 1970-01-01.
std::optional<std::int64_t> ParseDate(std::string_view s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return std::nullopt;
  int parts[3] = {0, 0, 0};
  const std::size_t begins[3] = {0, 5, 8};
  const std::size_t lengths[3] = {4, 2, 2};
  for (int i = 0; i < 3; ++i) {
    for (std::size_t j = 0; j < lengths[i]; ++j) {
      const char c = s[begins[i] + j];
      if (c < '0' || c > '9') return std::nullopt;
      parts[i] = parts[i] * 10 + (c - '0');
    }
  }
  if (parts[0] < 1900) return std::nullopt;
  const date::year_month_day ymd{date::year{parts[0]}, date::month{static_cast<unsigned>(parts[1])},
                                 date::day{static_cast<unsigned>(parts[2])}};
  if (!ymd.ok()) return std::nullopt;
  return date::sys_days(ymd).time_since_epoch().count();
}

struct DayRange {  // open local seconds within a day, [start, end)
  std::int64_t start = 0;
  std::int64_t end = 0;
};

struct HolidayRange {  // local days, both included
  std::int64_t first = 0;
  std::int64_t last = 0;
};

}  // namespace

struct Schedule::Impl {
  std::string time_zone;
  const date::time_zone* zone = nullptr;      // null: always open
  std::vector<Interval> intervals;            // as given, sorted by start
  std::vector<Holiday> holidays;              // as given
  std::array<std::vector<DayRange>, 7> days;  // per weekday, sorted, adjacent ones joined
  std::vector<HolidayRange> closed;           // sorted, overlapping/adjacent ones joined
  bool full_week = false;                     // every minute of the week is in an interval

  bool always_open() const { return zone == nullptr; }

  // The holiday range containing local day `day`, if any.
  const HolidayRange* HolidayOn(std::int64_t day) const {
    auto it = std::upper_bound(closed.begin(), closed.end(), day,
                               [](std::int64_t d, const HolidayRange& r) { return d < r.first; });
    if (it == closed.begin()) return nullptr;
    --it;
    return day <= it->last ? &*it : nullptr;
  }

  // Calls f(a, b) for each open UTC range [a, b) within [from, limit), in increasing order
  // (consecutive ranges may touch: a range never spans two local days or two offset
  // segments) until f returns false. Returns false when f stopped it.
  template <typename F>
  bool Walk(Timestamp from, Timestamp limit, F&& f) const {
    from = std::max(from, kMinTime);
    limit = std::min(limit, kMaxTime + 1);
    Timestamp t = from;
    while (t < limit) {
      const date::sys_info info = zone->get_info(date::sys_seconds(std::chrono::seconds(t)));
      const std::int64_t offset = info.offset.count();
      Timestamp segment_end = limit;
      const std::int64_t info_end = info.end.time_since_epoch().count();
      if (info_end > t && info_end < segment_end) segment_end = info_end;
      const std::int64_t local_from = t + offset;
      const std::int64_t local_to = segment_end + offset;
      std::int64_t day = FloorDiv(local_from, kDay);
      while (day * kDay < local_to) {
        if (const HolidayRange* holiday = HolidayOn(day)) {
          day = holiday->last + 1;
          continue;
        }
        const std::int64_t day_start = day * kDay;
        for (const DayRange& r : days[static_cast<std::size_t>(WeekdayOf(day))]) {
          const std::int64_t a = std::max(day_start + r.start, local_from);
          const std::int64_t b = std::min(day_start + r.end, local_to);
          if (a < b && !f(a - offset, b - offset)) return false;
        }
        ++day;
      }
      t = segment_end;
    }
    return true;
  }

  // Walk in windows of kHorizon from `from` until f stops it; gives up (returns false)
  // after a window without any open time or past kMaxTime.
  template <typename F>
  bool WalkUntilStopped(Timestamp from, F&& f) const {
    Timestamp t = std::max(from, kMinTime);
    while (t <= kMaxTime) {
      bool any = false;
      const bool finished = !Walk(t, t + kHorizon, [&](Timestamp a, Timestamp b) {
        any = true;
        return f(a, b);
      });
      if (finished) return true;
      if (!any) return false;
      t += kHorizon;
    }
    return false;
  }
};

Result<Schedule> Schedule::Make(std::string_view iana_time_zone, std::vector<Interval> intervals,
                                std::vector<Holiday> holidays) {
  auto impl = std::make_shared<Impl>();
  Validation problems;
  impl->time_zone = std::string(iana_time_zone);
  if (iana_time_zone.empty() || iana_time_zone.size() > 64 ||
      iana_time_zone.find("..") != std::string_view::npos || iana_time_zone.front() == '/' ||
      iana_time_zone.starts_with("right/")) {
    problems.Add("time_zone", "InvalidValue", "Time zone is not a known time zone");
  } else {
    try {
      impl->zone = date::locate_zone(iana_time_zone);
      // Loads the zone's rules now, so a damaged file is a validation error, not a throw later.
      (void)impl->zone->get_info(date::sys_seconds(std::chrono::seconds(0)));
    } catch (const std::exception&) {
      problems.Add("time_zone", "InvalidValue", "Time zone is not a known time zone");
    }
  }

  std::sort(intervals.begin(), intervals.end(), [](const Interval& a, const Interval& b) {
    return a.start_minute != b.start_minute ? a.start_minute < b.start_minute
                                            : a.end_minute < b.end_minute;
  });
  bool intervals_ok = true;
  for (std::size_t i = 0; i < intervals.size() && intervals_ok; ++i) {
    const Interval& it = intervals[i];
    if (it.start_minute < 0 || it.end_minute > kMinutesPerWeek ||
        it.start_minute >= it.end_minute) {
      problems.Add("intervals", "InvalidValue",
                   "Intervals must start before they end, within the week (0 to 10080 minutes)");
      intervals_ok = false;
    } else if (it.start_minute / kMinutesPerDay != (it.end_minute - 1) / kMinutesPerDay) {
      problems.Add("intervals", "InvalidValue", "Intervals must not cross midnight");
      intervals_ok = false;
    } else if (i > 0 && intervals[i - 1].end_minute > it.start_minute) {
      problems.Add("intervals", "InvalidValue", "Intervals must not overlap");
      intervals_ok = false;
    }
  }

  for (const Holiday& h : holidays) {
    const std::optional<std::int64_t> first = ParseDate(h.start_date);
    const std::optional<std::int64_t> last = ParseDate(h.end_date);
    if (!first || !last) {
      problems.Add("holidays", "InvalidValue", "Holiday dates must be valid YYYY-MM-DD dates");
      break;
    }
    if (*last < *first) {
      problems.Add("holidays", "InvalidValue", "Holiday must not end before it starts");
      break;
    }
    impl->closed.push_back({*first, *last});
  }
  if (!problems.empty()) return problems.Finish();

  int covered = 0;
  for (const Interval& it : intervals) {
    const int weekday = it.start_minute / kMinutesPerDay;
    const std::int64_t start = (it.start_minute - weekday * kMinutesPerDay) * std::int64_t{60};
    const std::int64_t end = (it.end_minute - weekday * kMinutesPerDay) * std::int64_t{60};
    auto& day = impl->days[static_cast<std::size_t>(weekday)];
    if (!day.empty() && day.back().end == start) {
      day.back().end = end;
    } else {
      day.push_back({start, end});
    }
    covered += it.end_minute - it.start_minute;
  }
  impl->full_week = covered == kMinutesPerWeek;

  std::sort(impl->closed.begin(), impl->closed.end(),
            [](const HolidayRange& a, const HolidayRange& b) { return a.first < b.first; });
  std::vector<HolidayRange> joined;
  for (const HolidayRange& r : impl->closed) {
    if (!joined.empty() && r.first <= joined.back().last + 1) {
      joined.back().last = std::max(joined.back().last, r.last);
    } else {
      joined.push_back(r);
    }
  }
  impl->closed = std::move(joined);
  impl->intervals = std::move(intervals);
  impl->holidays = std::move(holidays);
  return Schedule(std::move(impl));
}

Schedule Schedule::AlwaysOpen() {
  static const std::shared_ptr<const Impl> kImpl = [] {
    auto impl = std::make_shared<Impl>();
    impl->full_week = true;
    return impl;
  }();
  return Schedule(kImpl);
}

bool Schedule::IsOpen(Timestamp t) const {
  const Impl& s = *impl_;
  if (s.always_open()) return true;
  if (t < kMinTime || t > kMaxTime) return false;
  const date::sys_info info = s.zone->get_info(date::sys_seconds(std::chrono::seconds(t)));
  const std::int64_t local = t + info.offset.count();
  const std::int64_t day = FloorDiv(local, kDay);
  if (s.HolidayOn(day) != nullptr) return false;
  const std::int64_t second = local - day * kDay;
  for (const DayRange& r : s.days[static_cast<std::size_t>(WeekdayOf(day))]) {
    if (second >= r.start && second < r.end) return true;
  }
  return false;
}

std::optional<Timestamp> Schedule::NextOpening(Timestamp t) const {
  const Impl& s = *impl_;
  if (s.always_open()) return t;
  if (s.intervals.empty()) return std::nullopt;
  std::optional<Timestamp> found;
  s.WalkUntilStopped(t, [&](Timestamp a, Timestamp) {
    found = a;
    return false;
  });
  return found;
}

std::optional<Timestamp> Schedule::NextClosing(Timestamp t) const {
  const Impl& s = *impl_;
  if (s.always_open()) return std::nullopt;
  if (t < kMinTime || t > kMaxTime) return t;
  if (!IsOpen(t)) return t;
  if (s.full_week) {
    // Only a holiday closes it: none ahead means never.
    const std::int64_t today = FloorDiv(t - kDay, kDay);  // a day before covers any offset
    if (s.closed.empty() || s.closed.back().last < today) return std::nullopt;
  }
  std::optional<Timestamp> end;
  bool closed = false;
  s.WalkUntilStopped(t, [&](Timestamp a, Timestamp b) {
    if (end && a != *end) {
      closed = true;
      return false;
    }
    end = b;
    return true;
  });
  if (closed) return end;
  // Open up to the end of what we may search: say closed there rather than never.
  if (end && *end > kMaxTime) return std::nullopt;
  return end;
}

std::optional<Timestamp> Schedule::AddBusinessSeconds(Timestamp t, std::int64_t seconds) const {
  const Impl& s = *impl_;
  if (seconds < 0) seconds = 0;
  if (s.always_open()) {
    Timestamp out = 0;
    if (__builtin_add_overflow(t, seconds, &out)) return std::nullopt;
    return out;
  }
  if (s.intervals.empty()) return std::nullopt;
  std::int64_t remaining = seconds;
  std::optional<Timestamp> found;
  s.WalkUntilStopped(t, [&](Timestamp a, Timestamp b) {
    if (remaining <= b - a) {
      found = a + remaining;
      return false;
    }
    remaining -= b - a;
    return true;
  });
  return found;
}

std::int64_t Schedule::BusinessSecondsBetween(Timestamp from, Timestamp to) const {
  const Impl& s = *impl_;
  if (to <= from) return 0;
  if (s.always_open()) {
    std::int64_t out = 0;
    if (__builtin_sub_overflow(to, from, &out)) return std::numeric_limits<std::int64_t>::max();
    return out;
  }
  std::int64_t total = 0;
  s.Walk(from, to, [&](Timestamp a, Timestamp b) {
    total += b - a;
    return true;
  });
  return total;
}

const std::string& Schedule::time_zone() const { return impl_->time_zone; }
const std::vector<Interval>& Schedule::intervals() const { return impl_->intervals; }
const std::vector<Holiday>& Schedule::holidays() const { return impl_->holidays; }

}  // namespace comptoir::calendar
