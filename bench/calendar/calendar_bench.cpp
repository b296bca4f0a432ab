// The business-hours arithmetic SLAs run on every target: AddBusinessMinutes for targets of
// 60, 480 and 10,000 business minutes, and BusinessSecondsBetween over a month, on a split
// shift (Monday–Friday 09:00–12:00 and 13:30–18:00, Europe/Paris) with a dozen holidays
// including a multi-day one, from start instants spread over a year (so DST changes are
// crossed). Target: microseconds, not milliseconds.
#include <benchmark/benchmark.h>

#include <vector>

#include "comptoir/calendar/schedule.hpp"

namespace {

using comptoir::Timestamp;
namespace calendar = comptoir::calendar;

const calendar::Schedule& SplitShift() {
  static const calendar::Schedule kSchedule = [] {
    std::vector<calendar::Interval> intervals;
    for (int d = 1; d <= 5; ++d) {
      intervals.push_back({d * 1440 + 540, d * 1440 + 720});
      intervals.push_back({d * 1440 + 810, d * 1440 + 1080});
    }
    std::vector<calendar::Holiday> holidays = {
        {"New year", "2026-01-01", "2026-01-01"},   {"Easter", "2026-04-06", "2026-04-06"},
        {"Labour", "2026-05-01", "2026-05-01"},     {"Victory", "2026-05-08", "2026-05-08"},
        {"Ascension", "2026-05-14", "2026-05-15"},  {"Whit", "2026-05-25", "2026-05-25"},
        {"Bastille", "2026-07-14", "2026-07-14"},   {"Summer", "2026-08-10", "2026-08-21"},
        {"All saints", "2026-11-01", "2026-11-01"}, {"Armistice", "2026-11-11", "2026-11-11"},
        {"Winter", "2026-12-24", "2027-01-01"}};
    return calendar::Schedule::Make("Europe/Paris", intervals, holidays).value();
  }();
  return kSchedule;
}

// Start instants over 2026, every 7 h 13 min (open and closed times, both DST changes).
std::vector<Timestamp> Starts() {
  std::vector<Timestamp> out;
  for (Timestamp t = 1'767'225'600; t < 1'798'761'600; t += 7 * 3600 + 13 * 60) out.push_back(t);
  return out;
}

void BM_AddBusinessMinutes(benchmark::State& state) {
  const calendar::Schedule& s = SplitShift();
  const std::vector<Timestamp> starts = Starts();
  const std::int64_t minutes = state.range(0);
  std::size_t i = 0;
  for (auto _ : state) {
    auto due = s.AddBusinessMinutes(starts[i], minutes);
    benchmark::DoNotOptimize(due);
    if (++i == starts.size()) i = 0;
  }
}
BENCHMARK(BM_AddBusinessMinutes)->Arg(60)->Arg(480)->Arg(10'000);

void BM_BusinessSecondsBetweenMonth(benchmark::State& state) {
  const calendar::Schedule& s = SplitShift();
  const std::vector<Timestamp> starts = Starts();
  std::size_t i = 0;
  for (auto _ : state) {
    auto n = s.BusinessSecondsBetween(starts[i], starts[i] + 31 * 86'400);
    benchmark::DoNotOptimize(n);
    if (++i == starts.size()) i = 0;
  }
}
BENCHMARK(BM_BusinessSecondsBetweenMonth);

void BM_IsOpen(benchmark::State& state) {
  const calendar::Schedule& s = SplitShift();
  const std::vector<Timestamp> starts = Starts();
  std::size_t i = 0;
  for (auto _ : state) {
    bool open = s.IsOpen(starts[i]);
    benchmark::DoNotOptimize(open);
    if (++i == starts.size()) i = 0;
  }
}
BENCHMARK(BM_IsOpen);

}  // namespace

BENCHMARK_MAIN();
