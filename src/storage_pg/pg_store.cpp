#include "comptoir/storage_pg/pg_store.hpp"

#include <chrono>
#include <thread>
#include <vector>

#include "comptoir/common/clock.hpp"
#include "comptoir/common/log.hpp"
#include "comptoir/storage/write_attachment.hpp"
#include "comptoir/storage_sql/migrations.hpp"
#include "comptoir/storage_sql/sql_transaction.hpp"
#include "connection_pool.hpp"
#include "pg_connection.hpp"
#include "pg_listener.hpp"

namespace comptoir::pg {

namespace {

constexpr int kMaxAttempts = 5;
// pg_advisory_xact_lock key held while migrating ("comptoir" in ASCII, truncated).
constexpr std::int64_t kMigrationLock = 0x636f6d70746f6972;

Status RunGuarded(const storage::TxFn& fn, storage::Transaction& tx) {
  try {
    return fn(tx);
  } catch (const std::exception& e) {
    return Internal(std::string("unexpected exception in a transaction: ") + e.what());
  }
}

}  // namespace

std::string RedactUrl(const std::string& url) {
  auto scheme = url.find("://");
  if (scheme == std::string::npos) return url;
  auto start = scheme + 3;
  auto at = url.find('@', start);
  auto slash = url.find('/', start);
  if (at == std::string::npos || (slash != std::string::npos && slash < at)) return url;
  auto colon = url.find(':', start);
  if (colon == std::string::npos || colon > at) return url;
  return url.substr(0, colon) + url.substr(at);
}

struct PgStore::Impl {
  using Pool = ConnectionPool<PgConnection>;

  explicit Impl(const PgOptions& o)
      : options(o),
        pool({o.pool_size, o.acquire_timeout, o.check_idle_after},
             {[url = o.url] { return PgConnection::Open(url); },
              [](const PgConnection& c) { return c.Healthy(); },
              [](PgConnection& c) { return c.Check(); }}) {}

  PgOptions options;
  Pool pool;
  std::unique_ptr<PgListener> listener;

  // A lost connection most likely means a restarted or unreachable server: the idle ones
  // are dropped too, so that the next callers open fresh connections.
  // (A pool that ran out of connections says nothing about the server.)
  void Observe(const Status& st) {
    if (st.code() != ErrorCode::kUnavailable) return;
    if (st.reason() == "DatabasePoolExhausted") {
      log::Warn("database pool exhausted", {{"pool_size", options.pool_size}});
    } else {
      pool.DropIdle();
    }
  }

  // BEGIN <begin>; fn; COMMIT — ROLLBACK on error. Runs the OnCommit callbacks.
  Status RunTx(const char* begin, const storage::TxFn& fn) {
    std::vector<std::function<void()>> callbacks;
    Status st = [&]() -> Status {
      auto lease = pool.Acquire();
      if (!lease.ok()) return std::move(lease).TakeStatus();
      auto& c = *lease;
      Status s = c->ExecScript(begin);
      if (s.code() == ErrorCode::kUnavailable) {
        // An idle connection the server dropped (restart, idle timeout) only shows as
        // broken once used: nothing ran yet, so start over once on a new connection.
        pool.DropIdle();
        COMPTOIR_RETURN_IF_ERROR(c.Reconnect());
        s = c->ExecScript(begin);
      }
      if (!s.ok()) return s;
      sql::SqlTransaction tx(*c);
      s = RunGuarded(fn, tx);
      if (Status db = tx.DatabaseError(); !db.ok()) s = db;
      // Events go out with the commit: PostgreSQL delivers a NOTIFY to the listeners
      // of every node when, and only if, the transaction commits.
      for (const auto& event : tx.TakePublished()) {
        if (!s.ok()) break;
        auto sent = c->Query("SELECT pg_notify(?, ?)", {std::string(kEventsChannel), event});
        if (!sent.ok()) s = std::move(sent).TakeStatus();
      }
      if (s.ok()) {
        s = c->ExecScript("COMMIT");
        if (s.ok()) callbacks = tx.TakeOnCommit();
      }
      // A failed ROLLBACK leaves the connection in a transaction: the lease then closes it.
      if (!s.ok()) (void)c->ExecScript("ROLLBACK");
      return s;
    }();  // the lease ends here: the connection is back before the callbacks run
    Observe(st);
    for (auto& cb : callbacks) cb();
    return st;
  }

  Status WithRetry(const char* begin, const storage::TxFn& fn) {
    Status st;
    for (int attempt = 1; attempt <= kMaxAttempts; ++attempt) {
      st = RunTx(begin, fn);
      if (st.code() != ErrorCode::kAborted) return st;
      std::this_thread::sleep_for(std::chrono::milliseconds(5 * attempt * attempt));
    }
    return st;
  }
};

PgStore::PgStore(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
PgStore::~PgStore() { impl_->listener->Stop(); }

Result<std::unique_ptr<PgStore>> PgStore::Open(const PgOptions& options) {
  auto impl = std::make_unique<Impl>(options);
  impl->listener = std::make_unique<PgListener>(options.url);
  {
    auto first = impl->pool.Acquire();  // checks the URL; kept as the first idle connection
    if (!first.ok()) return std::move(first).TakeStatus();
  }
  return std::unique_ptr<PgStore>(new PgStore(std::move(impl)));
}

Status PgStore::Migrate() {
  auto lease = impl_->pool.Acquire();
  if (!lease.ok()) return std::move(lease).TakeStatus();
  auto& c = *lease;
  auto run = [&]() -> Status {
    COMPTOIR_RETURN_IF_ERROR(c->ExecScript("BEGIN"));
    auto lock = c->Query("SELECT pg_advisory_xact_lock(?::bigint)", {kMigrationLock});
    if (!lock.ok()) return std::move(lock).TakeStatus();
    COMPTOIR_RETURN_IF_ERROR(
        c->ExecScript("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, "
                      "name TEXT NOT NULL, applied_at BIGINT NOT NULL)"));
    for (const auto& m : sql::Migrations(sql::Dialect::kPostgres)) {
      auto rows = c->Query("SELECT 1 FROM schema_migrations WHERE version = ?",
                           {static_cast<std::int64_t>(m.version)});
      if (!rows.ok()) return std::move(rows).TakeStatus();
      if (!rows->empty()) continue;
      Status st = c->ExecScript(m.sql);
      if (st.ok()) {
        auto ins =
            c->Exec("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
                    {static_cast<std::int64_t>(m.version), m.name, SystemClock().Now()});
        if (!ins.ok()) st = std::move(ins).TakeStatus();
      }
      if (!st.ok()) {
        return Status(
            ErrorCode::kInternal,
            "migration " + std::to_string(m.version) + " (" + m.name + ") failed: " + st.message(),
            "MigrationFailed");
      }
      log::Info("migration applied", {{"version", m.version}, {"name", m.name}});
    }
    return c->ExecScript("COMMIT");
  };
  Status st = run();
  if (!st.ok()) (void)c->ExecScript("ROLLBACK");
  return st;
}

// REPEATABLE READ: a write that updates a row another transaction changed since its
// snapshot fails with 40001 and is run again (no lost updates of read-modify-write), while
// inserts of distinct rows never conflict. Uniqueness races end in 23505 (DuplicateValue).
Status PgStore::Write(const storage::TxFn& fn) {
  auto attached = storage::WriteAttachment::Wrap(fn);
  return impl_->WithRetry("BEGIN ISOLATION LEVEL REPEATABLE READ", attached ? *attached : fn);
}

void PgStore::Subscribe(std::function<void(const std::string& event)> fn) {
  impl_->listener->Subscribe(std::move(fn));
}

Status PgStore::Read(const storage::TxFn& fn) {
  return impl_->WithRetry("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", fn);
}

Status PgStore::Ping() {
  Status st;
  for (int attempt = 0; attempt < 2; ++attempt) {  // a stale pooled connection, then a new one
    {
      auto lease = impl_->pool.Acquire();
      if (!lease.ok()) return std::move(lease).TakeStatus();
      auto r = (*lease)->Query("SELECT 1", {});
      if (r.ok()) return Status::Ok();
      st = std::move(r).TakeStatus();
    }
    impl_->Observe(st);
    if (st.code() != ErrorCode::kUnavailable) break;
  }
  return st;
}

std::string PgStore::Describe() const { return RedactUrl(impl_->options.url); }

PgPoolStats PgStore::PoolStats() const { return impl_->pool.Stats(); }

}  // namespace comptoir::pg
