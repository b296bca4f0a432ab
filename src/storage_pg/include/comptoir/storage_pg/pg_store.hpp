// PgStore: the storage::Store on PostgreSQL through libpq. A bounded pool of connections
// (at most pool_size; a caller waits up to acquire_timeout for one, then gets kUnavailable;
// lost connections are replaced). Each Write runs in its own REPEATABLE READ transaction,
// retried whole (up to 5 times) on a serialization failure or deadlock; each Read runs in a
// REPEATABLE READ, READ ONLY transaction (one consistent snapshot). Migrate holds an
// advisory lock so several nodes may start at once. Thread-safe. Never open a Write or Read
// from inside a Write or Read function (with a bounded pool it can wait for itself).
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "comptoir/storage/store.hpp"

namespace comptoir::pg {

struct PgOptions {
  std::string url;     // postgresql://user[:password]@host[:port]/dbname[?…]
  int pool_size = 16;  // connections open at most (per node; count them against max_connections)
  // How long a caller waits for a free connection before kUnavailable (HTTP 503).
  std::chrono::milliseconds acquire_timeout{5000};
  // An idle connection unused for longer than this is checked (one round trip) when taken.
  std::chrono::milliseconds check_idle_after{30000};
};

// A snapshot of the pool, for tests and diagnostics.
struct PgPoolStats {
  int pool_size = 0;
  int open = 0;  // idle + in use + being opened
  int idle = 0;
  int waiting = 0;            // callers waiting for a connection
  std::int64_t opened = 0;    // since Open
  std::int64_t dropped = 0;   // broken connections closed
  std::int64_t timeouts = 0;  // waits that ended in kUnavailable
};

class PgStore final : public storage::Store {
 public:
  // Connects once to check the URL. kUnavailable when the server cannot be reached.
  static Result<std::unique_ptr<PgStore>> Open(const PgOptions& options);
  ~PgStore() override;

  Status Migrate() override;
  Status Write(const storage::TxFn& fn) override;
  Status Read(const storage::TxFn& fn) override;
  void Subscribe(std::function<void(const std::string& event)> fn) override;
  Status Ping() override;
  std::string Describe() const override;

  PgPoolStats PoolStats() const;

  struct Impl;

 private:
  explicit PgStore(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// The URL with its password removed (for logs and Describe).
std::string RedactUrl(const std::string& url);

}  // namespace comptoir::pg
