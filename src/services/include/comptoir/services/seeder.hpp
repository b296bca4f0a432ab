// Seeder: fills an account with realistic data for benchmarks and demos — end users,
// organisations and tickets with French and English comments — in large batched
// transactions straight through the repositories (no rules, no per-ticket audit trail
// beyond the creation audit). Not for production data. Thread-compatible.
#pragma once

#include <cstdint>
#include <functional>

#include "comptoir/services/context.hpp"

namespace comptoir::services {

struct SeedOptions {
  std::int64_t tickets = 1000;
  std::int64_t users = 10000;
  int comments_per_ticket = 3;
  // One ticket receives this many comments (the "long conversation" of the benchmarks).
  int long_ticket_comments = 200;
  std::uint32_t random_seed = 42;
  int batch = 2000;  // tickets per transaction
};

struct SeedReport {
  std::int64_t users = 0;
  std::int64_t tickets = 0;
  std::int64_t comments = 0;
  std::int64_t long_ticket_id = 0;
};

class Seeder {
 public:
  explicit Seeder(ServiceEnv env) : env_(env) {}
  // `progress` is called after each batch with the tickets written so far.
  Result<SeedReport> Run(AccountId account, const SeedOptions& options,
                         const std::function<void(std::int64_t)>& progress = {});

 private:
  ServiceEnv env_;
};

}  // namespace comptoir::services
