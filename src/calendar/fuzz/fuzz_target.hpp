// One fuzz input: bytes become a schedule (zone, intervals, holidays — often invalid) and a
// list of queries; checks what must hold for any input: Make fails only with a validation
// error naming a known field, and the answers agree with each other (IsOpen with
// NextOpening/NextClosing, Between additive, Between(t, Add(t, n)) == n with Add the first
// such instant). Shared by the libFuzzer target (calendar_fuzzer.cpp) and the unit test that
// replays the corpus (tests/corpus_test.cpp).
#pragma once

#include "comptoir/calendar/schedule.hpp"

#include <cstdint>
#include <string>
#include <string_view>

namespace comptoir::calendar::fuzz {

class Bytes {
 public:
  explicit Bytes(std::string_view data) : data_(data) {}
  bool empty() const { return pos_ >= data_.size(); }
  std::uint32_t Next(int count) {
    std::uint32_t v = 0;
    for (int i = 0; i < count; ++i) {
      v = (v << 8) | (pos_ < data_.size() ? static_cast<unsigned char>(data_[pos_]) : 0U);
      ++pos_;
    }
    return v;
  }

 private:
  std::string_view data_;
  std::size_t pos_ = 0;
};

inline std::string Date(std::int64_t days_since_epoch) {
  // Civil from days (Howard Hinnant's algorithm), years 1900–9999 here.
  std::int64_t z = days_since_epoch + 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const std::int64_t doe = z - era * 146097;
  const std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  std::int64_t y = yoe + era * 400;
  const std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const std::int64_t mp = (5 * doy + 2) / 153;
  const std::int64_t d = doy - (153 * mp + 2) / 5 + 1;
  const std::int64_t m = mp < 10 ? mp + 3 : mp - 9;
  if (m <= 2) ++y;
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", static_cast<int>(y), static_cast<int>(m),
                static_cast<int>(d));
  return buf;
}

// Empty when every check holds, else what broke.
inline std::string FuzzOne(std::string_view input) {
  static constexpr const char* kZones[] = {"Europe/Paris",
                                           "America/New_York",
                                           "Australia/Lord_Howe",
                                           "Asia/Kolkata",
                                           "Asia/Kathmandu",
                                           "Australia/Eucla",
                                           "Pacific/Chatham",
                                           "UTC",
                                           "America/Santiago",
                                           "Mars/Olympus",
                                           "",
                                           "right/UTC"};
  constexpr Timestamp kBase = 1'780'272'000;  // 2026-06-01T00:00:00Z
  constexpr std::int64_t kBaseDay = kBase / 86'400;
  Bytes in(input);
  const std::string zone = kZones[in.Next(1) % std::size(kZones)];
  std::vector<Interval> intervals;
  const int interval_count = static_cast<int>(in.Next(1) % 16);
  for (int i = 0; i < interval_count; ++i) {
    const int start = static_cast<int>(in.Next(2) % 10'200) - 60;
    const int length = static_cast<int>(in.Next(2) % 1'600) - 20;
    intervals.push_back({start, start + length});
  }
  std::vector<Holiday> holidays;
  const int holiday_count = static_cast<int>(in.Next(1) % 5);
  for (int i = 0; i < holiday_count; ++i) {
    const std::int64_t first = kBaseDay + static_cast<std::int8_t>(in.Next(1)) * 3;
    const std::int64_t length = static_cast<std::int64_t>(in.Next(1) % 40) - 2;
    holidays.push_back({"h", Date(first), Date(first + length)});
  }
  const Result<Schedule> made = Schedule::Make(zone, intervals, holidays);
  if (!made.ok()) {
    const Status& s = made.status();
    if (s.code() != ErrorCode::kValidation || s.details().empty()) {
      return "Make failed without a validation error: " + s.ToString();
    }
    for (const FieldError& f : s.details()) {
      if (f.field != "time_zone" && f.field != "intervals" && f.field != "holidays") {
        return "Make named an unknown field: " + f.field;
      }
    }
    return {};
  }
  const bool always = in.Next(1) % 8 == 0;
  const Schedule s = always ? Schedule::AlwaysOpen() : *made;
  for (int q = 0; q < 16 && !in.empty(); ++q) {
    const Timestamp t = kBase + static_cast<std::int32_t>(in.Next(4)) / 8;
    const std::int64_t n = in.Next(2);
    const Timestamp u = t + static_cast<Timestamp>(in.Next(2)) * 97;
    const bool open = s.IsOpen(t);
    const std::optional<Timestamp> opening = s.NextOpening(t);
    if (open != (opening == t)) return "IsOpen disagrees with NextOpening at " + FormatIso8601(t);
    if (opening &&
        (*opening < t || !s.IsOpen(*opening) || s.BusinessSecondsBetween(t, *opening) != 0)) {
      return "NextOpening is not the first open instant after " + FormatIso8601(t);
    }
    const std::optional<Timestamp> closing = s.NextClosing(t);
    if (open == (closing == t)) return "IsOpen disagrees with NextClosing at " + FormatIso8601(t);
    if (closing && (*closing < t || s.IsOpen(*closing) ||
                    s.BusinessSecondsBetween(t, *closing) != *closing - t)) {
      return "NextClosing is not the first closed instant after " + FormatIso8601(t);
    }
    const std::int64_t between = s.BusinessSecondsBetween(t, u);
    if (between < 0 || between > u - t) return "Between out of range";
    const Timestamp mid = t + (u - t) / 3;
    if (between != s.BusinessSecondsBetween(t, mid) + s.BusinessSecondsBetween(mid, u)) {
      return "Between is not additive";
    }
    const std::optional<Timestamp> added = s.AddBusinessMinutes(t, n);
    if (added) {
      if (*added < t || s.BusinessSecondsBetween(t, *added) != n * 60) {
        return "Between(t, Add(t, n)) != n at " + FormatIso8601(t);
      }
      if (n > 0 && s.BusinessSecondsBetween(t, *added - 1) != n * 60 - 1) {
        return "Add is not the first instant at " + FormatIso8601(t);
      }
    } else if (opening && n == 0) {
      return "Add of 0 failed while open later";
    }
  }
  return {};
}

}  // namespace comptoir::calendar::fuzz
