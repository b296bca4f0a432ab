// Business-hours calendar: a weekly set of opening intervals in an IANA time zone, minus
// holidays, and the arithmetic SLAs and metrics need on it — "is t within hours", "next
// opening", "t plus N business minutes", "business time between t1 and t2". Pure (no
// storage, no clock); exact across DST changes in both directions, midnight, year ends,
// 24/7 schedules and zones with 30/45-minute offsets. Immutable once built, so one
// Schedule may be shared by threads.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "comptoir/common/clock.hpp"
#include "comptoir/common/status.hpp"

namespace comptoir::calendar {

// Minutes since Sunday 00:00 local time, [start_minute, end_minute) — Zendesk's format
// (Monday 09:00–17:00 is {1980, 2460}). 0 <= start < end <= 10080 and an interval does not
// cross midnight (end <= the next day's 00:00). Adjacent intervals (Monday ending at 1440*2,
// Tuesday starting there) join: a 24/7 schedule has no hole at midnight.
struct Interval {
  int start_minute = 0;
  int end_minute = 0;
  bool operator==(const Interval&) const = default;
};

// Closed all day from start_date to end_date, both included, in the schedule's zone.
// Dates are "YYYY-MM-DD".
struct Holiday {
  std::string name;
  std::string start_date;
  std::string end_date;
};

class Schedule {
 public:
  // Validates and builds. 422 (kValidation) naming the field ("time_zone", "intervals",
  // "holidays") for an unknown IANA zone, an interval out of range, crossing midnight,
  // empty or overlapping another, or a holiday with a bad date or ending before it starts.
  static Result<Schedule> Make(std::string_view iana_time_zone, std::vector<Interval> intervals,
                               std::vector<Holiday> holidays);
  // Open all the time (no zone needed): the arithmetic of "calendar hours".
  static Schedule AlwaysOpen();

  // Whether the schedule is open at instant t (UTC seconds): inside an interval and not on
  // a holiday.
  bool IsOpen(Timestamp t) const;
  // The first instant >= t at which it is open (t itself when open); nullopt when it is
  // never open again (no intervals).
  std::optional<Timestamp> NextOpening(Timestamp t) const;
  // The first instant >= t at which it is closed (t when closed); nullopt for always open.
  std::optional<Timestamp> NextClosing(Timestamp t) const;
  // The instant at which `seconds` of open time have elapsed since t (t itself for 0 when
  // open; the next opening for 0 when closed). nullopt when never open.
  std::optional<Timestamp> AddBusinessSeconds(Timestamp t, std::int64_t seconds) const;
  std::optional<Timestamp> AddBusinessMinutes(Timestamp t, std::int64_t minutes) const {
    return AddBusinessSeconds(t, minutes * 60);
  }
  // Open seconds in [from, to); 0 when to <= from.
  std::int64_t BusinessSecondsBetween(Timestamp from, Timestamp to) const;
  // Whole open minutes in [from, to) (seconds / 60, rounded down).
  std::int64_t BusinessMinutesBetween(Timestamp from, Timestamp to) const {
    return BusinessSecondsBetween(from, to) / 60;
  }

  const std::string& time_zone() const;
  const std::vector<Interval>& intervals() const;
  const std::vector<Holiday>& holidays() const;

 private:
  struct Impl;
  explicit Schedule(std::shared_ptr<const Impl> impl) : impl_(std::move(impl)) {}
  std::shared_ptr<const Impl> impl_;
};

}  // namespace comptoir::calendar
