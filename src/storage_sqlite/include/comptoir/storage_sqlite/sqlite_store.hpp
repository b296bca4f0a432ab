// SqliteStore: the embedded storage::Store on one SQLite file in WAL mode with
// synchronous=FULL. One writer thread runs every Write; concurrent writes are grouped
// into one transaction and one fsync (group commit), each inside its own SAVEPOINT so a
// failing write rolls back alone. Reads run on a pool of read-only connections, each in
// its own snapshot. Thread-safe. Never call Write from inside a Write function.
#pragma once

#include <memory>
#include <string>

#include "comptoir/storage/store.hpp"

namespace comptoir::sqlite {

struct SqliteOptions {
  std::string path;             // database file; created when absent
  std::size_t max_batch = 256;  // writes grouped into one commit at most
};

class SqliteStore final : public storage::Store {
 public:
  // Opens (or creates) the database. kUnavailable when the file cannot be opened.
  static Result<std::unique_ptr<SqliteStore>> Open(const SqliteOptions& options);
  ~SqliteStore() override;

  Status Migrate() override;
  Status Write(const storage::TxFn& fn) override;
  Status Read(const storage::TxFn& fn) override;
  void Subscribe(std::function<void(const std::string& event)> fn) override;
  Status Ping() override;
  std::string Describe() const override;

  struct Impl;

 private:
  explicit SqliteStore(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace comptoir::sqlite
