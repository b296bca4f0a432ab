// Job queue throughput: how many jobs per second the leased queue moves through a
// handler that does nothing, on a real SQLite file (WAL, synchronous=FULL), so what is
// measured is the queue itself: leasing, completing, its transactions and fsyncs.
//
//   Drain/<workers>          jobs already queued, drained by one node's workers
//   EnqueueAndDrain/<workers> eight writers enqueue one job per transaction (as ticket
//                            writes do) while the workers drain them
//
// Run: build/release/bench/queue_bench (bench/run does, and records the figures).
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "comptoir/services/job_queue.hpp"
#include "comptoir/storage_sqlite/sqlite_store.hpp"

namespace {

using namespace comptoir;

struct Bed {
  std::filesystem::path dir;
  std::unique_ptr<storage::Store> store;
  SystemClock clock;
  AccountId account;
  std::atomic<std::int64_t> handled{0};
  std::unique_ptr<services::JobQueue> queue;
  std::int64_t next_key = 0;

  explicit Bed(int workers) {
    dir = std::filesystem::temp_directory_path() /
          ("comptoir-queue-bench-" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    auto s = sqlite::SqliteStore::Open({(dir / "bench.db").string()});
    if (!s.ok()) throw std::runtime_error(s.status().ToString());
    store = std::move(s).value();
    if (!store->Migrate().ok()) throw std::runtime_error("migrate failed");
    Status st = store->Write([&](storage::Transaction& tx) {
      auto id = tx.accounts().Insert({AccountId(), "Bench", "{}", 1});
      if (!id.ok()) return id.status();
      account = *id;
      return Status::Ok();
    });
    if (!st.ok()) throw std::runtime_error(st.ToString());
    services::QueueOptions opts;
    opts.workers = workers;
    opts.poll = std::chrono::milliseconds(5);
    queue =
        std::make_unique<services::JobQueue>(services::ServiceEnv{*store, clock}, "bench", opts);
    queue->Register("noop", [this](const services::JobLease&) {
      handled.fetch_add(1, std::memory_order_relaxed);
      return Status::Ok();
    });
  }
  ~Bed() {
    queue.reset();
    store.reset();
    std::filesystem::remove_all(dir);
  }

  // `n` jobs in transactions of `per_tx`.
  void Enqueue(int n, int per_tx) {
    for (int done = 0; done < n; done += per_tx) {
      Status st = store->Write([&](storage::Transaction& tx) -> Status {
        for (int i = 0; i < per_tx && done + i < n; ++i) {
          std::string key = "k";
          key += std::to_string(next_key++);
          COMPTOIR_RETURN_IF_ERROR(queue->Enqueue(tx, {account, "noop", "{}", key, 0, 3}));
        }
        return Status::Ok();
      });
      if (!st.ok()) throw std::runtime_error(st.ToString());
    }
  }
};

void Drain(benchmark::State& state) {
  Bed bed(static_cast<int>(state.range(0)));
  constexpr int kJobs = 20000;
  std::int64_t total = 0;
  for (auto _ : state) {
    state.PauseTiming();
    bed.Enqueue(kJobs, 1000);  // workers stopped: nothing runs before the clock does
    state.ResumeTiming();
    bed.queue->Start();
    bed.queue->WaitIdle();
    state.PauseTiming();
    bed.queue->Stop();
    state.ResumeTiming();
    total += kJobs;
  }
  if (bed.handled.load() != total) state.SkipWithError("not every job ran");
  state.counters["jobs_per_s"] =
      benchmark::Counter(static_cast<double>(total), benchmark::Counter::kIsRate);
}

void EnqueueAndDrain(benchmark::State& state) {
  Bed bed(static_cast<int>(state.range(0)));
  bed.queue->Start();
  constexpr int kProducers = 8;
  constexpr int kPerProducer = 1000;
  std::int64_t total = 0;
  for (auto _ : state) {
    // Eight writers, one job per transaction, as concurrent ticket writes enqueue them
    // (SQLite commits concurrent writers together).
    std::vector<std::thread> producers;
    std::atomic<std::int64_t> key{bed.next_key};
    for (int p = 0; p < kProducers; ++p) {
      producers.emplace_back([&] {
        for (int i = 0; i < kPerProducer; ++i) {
          Status st = bed.store->Write([&](storage::Transaction& tx) {
            std::string k = "p";
            k += std::to_string(key.fetch_add(1));
            return bed.queue->Enqueue(tx, {bed.account, "noop", "{}", k, 0, 3});
          });
          if (!st.ok()) std::abort();
        }
      });
    }
    for (auto& t : producers) t.join();
    bed.next_key = key.load();
    bed.queue->Wake();
    bed.queue->WaitIdle();
    total += kProducers * kPerProducer;
  }
  bed.queue->Stop();
  if (bed.handled.load() != total) state.SkipWithError("not every job ran");
  state.counters["jobs_per_s"] =
      benchmark::Counter(static_cast<double>(total), benchmark::Counter::kIsRate);
}

BENCHMARK(Drain)
    ->Arg(1)
    ->Arg(2)
    ->Arg(4)
    ->Iterations(3)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();
BENCHMARK(EnqueueAndDrain)->Arg(2)->Iterations(2)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
