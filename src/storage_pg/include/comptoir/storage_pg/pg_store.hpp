// PgStore: the storage::Store on PostgreSQL through libpq. A pool of connections;
// each Write runs in its own REPEATABLE READ transaction, retried whole (up to 5 times)
// on a serialization failure or deadlock; each Read runs in a REPEATABLE READ, READ ONLY
// transaction (one consistent snapshot). Migrate holds an advisory lock so several
// nodes may start at once. Thread-safe. Never call Write from inside a Write function.
#pragma once

#include <memory>
#include <string>

#include "comptoir/storage/store.hpp"

namespace comptoir::pg {

struct PgOptions {
  std::string url;    // postgresql://user[:password]@host[:port]/dbname[?…]
  int pool_size = 8;  // connections kept open at most
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

  struct Impl;

 private:
  explicit PgStore(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// The URL with its password removed (for logs and Describe).
std::string RedactUrl(const std::string& url);

}  // namespace comptoir::pg
