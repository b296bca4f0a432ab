// Clock: where "now" comes from. SystemClock reads the wall clock; FakeClock is set
// by tests. Times are UTC seconds since the Unix epoch (the API's precision).
// Both implementations are thread-safe.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace comptoir {

using Timestamp = std::int64_t;  // Unix seconds, UTC

class Clock {
 public:
  virtual ~Clock() = default;
  virtual Timestamp Now() const = 0;
};

class SystemClock final : public Clock {
 public:
  Timestamp Now() const override;
};

class FakeClock final : public Clock {
 public:
  explicit FakeClock(Timestamp start = 1'700'000'000) : now_(start) {}
  Timestamp Now() const override { return now_.load(); }
  void Set(Timestamp t) { now_.store(t); }
  void Advance(std::chrono::seconds d) { now_.fetch_add(d.count()); }

 private:
  std::atomic<Timestamp> now_;
};

// "2026-11-21T09:30:00Z".
std::string FormatIso8601(Timestamp t);
// Accepts "2026-11-21T09:30:00Z", "2026-11-21T09:30:00+01:00" and "2026-11-21"; nullopt
// when it is not a valid date.
std::optional<Timestamp> ParseIso8601(std::string_view s);

}  // namespace comptoir
