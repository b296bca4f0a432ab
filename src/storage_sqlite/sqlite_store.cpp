#include "comptoir/storage_sqlite/sqlite_store.hpp"

#include <condition_variable>
#include <deque>
#include <future>
#include <mutex>
#include <thread>

#include "comptoir/common/clock.hpp"
#include "comptoir/common/log.hpp"
#include "comptoir/storage/write_attachment.hpp"
#include "comptoir/storage_sql/migrations.hpp"
#include "comptoir/storage_sql/sql_transaction.hpp"
#include "sqlite_connection.hpp"

namespace comptoir::sqlite {

namespace {

struct WriteJob {
  const storage::TxFn* fn;             // a write, grouped with others
  const std::function<Status()>* raw;  // or work run alone on the writer connection
  std::promise<Status> done;
};

Status RunGuarded(const storage::TxFn& fn, storage::Transaction& tx) {
  try {
    return fn(tx);
  } catch (const std::exception& e) {
    return Internal(std::string("unexpected exception in a write: ") + e.what());
  }
}

}  // namespace

struct SqliteStore::Impl {
  SqliteOptions options;
  std::unique_ptr<SqliteConnection> writer;

  std::mutex queue_mu;
  std::condition_variable queue_cv;
  std::deque<WriteJob*> queue;
  bool stopping = false;
  std::thread writer_thread;
  std::thread::id writer_id;

  std::mutex readers_mu;
  std::vector<std::unique_ptr<SqliteConnection>> readers;

  // One process owns a SQLite file, so published events go to the local subscribers
  // after the commit, in commit order, on a notifier thread of their own (the writer
  // only queues them).
  std::mutex subscribers_mu;
  std::vector<std::function<void(const std::string&)>> subscribers;
  std::mutex events_mu;
  std::condition_variable events_cv;
  std::deque<std::string> pending_events;
  bool events_stopping = false;
  std::thread notifier;
  void Deliver(std::vector<std::string>& batch);
  void NotifierLoop();

  void WriterLoop();
  void RunBatch(std::vector<WriteJob*>& batch);
  Status Submit(WriteJob& job);
  Result<std::unique_ptr<SqliteConnection>> AcquireReader();
  void ReleaseReader(std::unique_ptr<SqliteConnection> c);
};

void SqliteStore::Impl::WriterLoop() {
  std::vector<WriteJob*> batch;
  for (;;) {
    {
      std::unique_lock lock(queue_mu);
      queue_cv.wait(lock, [&] { return stopping || !queue.empty(); });
      if (queue.empty() && stopping) return;
      if (queue.front()->raw != nullptr) {
        batch.push_back(queue.front());
        queue.pop_front();
      } else {
        while (!queue.empty() && queue.front()->raw == nullptr &&
               batch.size() < options.max_batch) {
          batch.push_back(queue.front());
          queue.pop_front();
        }
      }
    }
    if (batch.front()->raw != nullptr) {
      Status st;
      try {
        st = (*batch.front()->raw)();
      } catch (const std::exception& e) {
        st = Internal(e.what());
      }
      batch.front()->done.set_value(std::move(st));
    } else {
      RunBatch(batch);
    }
    batch.clear();
  }
}

void SqliteStore::Impl::RunBatch(std::vector<WriteJob*>& batch) {
  std::vector<Status> results(batch.size());
  std::vector<std::vector<std::function<void()>>> callbacks(batch.size());
  std::vector<std::vector<std::string>> events(batch.size());
  Status begin = writer->ExecScript("BEGIN IMMEDIATE");
  if (!begin.ok()) {
    for (auto* job : batch) job->done.set_value(begin);
    return;
  }
  for (std::size_t i = 0; i < batch.size(); ++i) {
    Status sp = writer->ExecScript("SAVEPOINT w");
    if (!sp.ok()) {
      results[i] = sp;
      continue;
    }
    sql::SqlTransaction tx(*writer);
    results[i] = RunGuarded(*batch[i]->fn, tx);
    if (Status db = tx.DatabaseError(); !db.ok()) results[i] = db;
    if (results[i].ok()) {
      callbacks[i] = tx.TakeOnCommit();
      events[i] = tx.TakePublished();
      Status rel = writer->ExecScript("RELEASE w");
      if (!rel.ok()) results[i] = rel;
    } else {
      Status rb = writer->ExecScript("ROLLBACK TO w; RELEASE w");
      if (!rb.ok()) log::Error("savepoint rollback failed", {{"error", rb.message()}});
    }
  }
  Status commit = writer->ExecScript("COMMIT");
  if (!commit.ok()) {
    log::Error("commit failed", {{"error", commit.message()}});
    (void)writer->ExecScript("ROLLBACK");
    for (auto& r : results) {
      if (r.ok())
        r = Status(ErrorCode::kUnavailable, "the database could not commit", "DatabaseUnavailable");
    }
  }
  for (std::size_t i = 0; i < batch.size(); ++i) {
    if (results[i].ok()) {
      for (auto& cb : callbacks[i]) cb();
      if (!events[i].empty()) Deliver(events[i]);
    }
    batch[i]->done.set_value(std::move(results[i]));
  }
}

void SqliteStore::Impl::Deliver(std::vector<std::string>& batch) {
  {
    std::lock_guard lock(subscribers_mu);
    if (subscribers.empty()) return;
  }
  {
    std::lock_guard lock(events_mu);
    for (auto& e : batch) pending_events.push_back(std::move(e));
  }
  events_cv.notify_one();
}

void SqliteStore::Impl::NotifierLoop() {
  std::unique_lock lock(events_mu);
  for (;;) {
    events_cv.wait(lock, [&] { return events_stopping || !pending_events.empty(); });
    if (pending_events.empty()) return;  // stopping, and everything was delivered
    std::string e = std::move(pending_events.front());
    pending_events.pop_front();
    lock.unlock();
    {
      std::lock_guard subs(subscribers_mu);
      for (const auto& fn : subscribers) {
        try {
          fn(e);
        } catch (const std::exception& ex) {
          log::Error("event subscriber failed", {{"error", ex.what()}});
        }
      }
    }
    lock.lock();
  }
}

Result<std::unique_ptr<SqliteConnection>> SqliteStore::Impl::AcquireReader() {
  {
    std::lock_guard lock(readers_mu);
    if (!readers.empty()) {
      auto c = std::move(readers.back());
      readers.pop_back();
      return c;
    }
  }
  return SqliteConnection::Open(options.path, /*read_only=*/true);
}

void SqliteStore::Impl::ReleaseReader(std::unique_ptr<SqliteConnection> c) {
  std::lock_guard lock(readers_mu);
  if (readers.size() < 64) readers.push_back(std::move(c));
}

Result<std::unique_ptr<SqliteStore>> SqliteStore::Open(const SqliteOptions& options) {
  auto impl = std::make_unique<Impl>();
  impl->options = options;
  auto writer = SqliteConnection::Open(options.path, /*read_only=*/false);
  if (!writer.ok()) return std::move(writer).TakeStatus();
  impl->writer = std::move(writer).value();
  auto store = std::unique_ptr<SqliteStore>(new SqliteStore(std::move(impl)));
  return store;
}

SqliteStore::SqliteStore(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {
  impl_->writer_thread = std::thread([this] { impl_->WriterLoop(); });
  impl_->writer_id = impl_->writer_thread.get_id();
  impl_->notifier = std::thread([this] { impl_->NotifierLoop(); });
}

SqliteStore::~SqliteStore() {
  {
    std::lock_guard lock(impl_->queue_mu);
    impl_->stopping = true;
  }
  impl_->queue_cv.notify_all();
  if (impl_->writer_thread.joinable()) impl_->writer_thread.join();
  {
    std::lock_guard lock(impl_->events_mu);
    impl_->events_stopping = true;
  }
  impl_->events_cv.notify_all();
  if (impl_->notifier.joinable()) impl_->notifier.join();
}

Status SqliteStore::Migrate() {
  // Runs on the writer thread, outside any grouped transaction.
  std::function<Status()> migrate = [this]() -> Status {
    auto& w = *impl_->writer;
    COMPTOIR_RETURN_IF_ERROR(
        w.ExecScript("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, "
                     "name TEXT NOT NULL, applied_at BIGINT NOT NULL)"));
    for (const auto& m : sql::Migrations(sql::Dialect::kSqlite)) {
      auto rows = w.Query("SELECT 1 FROM schema_migrations WHERE version = ?",
                          {static_cast<std::int64_t>(m.version)});
      if (!rows.ok()) return std::move(rows).TakeStatus();
      if (!rows->empty()) continue;
      COMPTOIR_RETURN_IF_ERROR(w.ExecScript("BEGIN IMMEDIATE"));
      Status st = w.ExecScript(m.sql);
      if (st.ok()) {
        auto ins =
            w.Exec("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
                   {static_cast<std::int64_t>(m.version), m.name, SystemClock().Now()});
        if (!ins.ok()) st = std::move(ins).TakeStatus();
      }
      if (!st.ok()) {
        (void)w.ExecScript("ROLLBACK");
        return Status(
            ErrorCode::kInternal,
            "migration " + std::to_string(m.version) + " (" + m.name + ") failed: " + st.message(),
            "MigrationFailed");
      }
      COMPTOIR_RETURN_IF_ERROR(w.ExecScript("COMMIT"));
      log::Info("migration applied", {{"version", m.version}, {"name", m.name}});
    }
    return Status::Ok();
  };
  WriteJob job{nullptr, &migrate, {}};
  return impl_->Submit(job);
}

Status SqliteStore::Impl::Submit(WriteJob& job) {
  if (std::this_thread::get_id() == writer_id) return Internal("nested Store::Write");
  auto fut = job.done.get_future();
  {
    std::lock_guard lock(queue_mu);
    if (stopping) return Status(ErrorCode::kUnavailable, "shutting down", "ServiceUnavailable");
    queue.push_back(&job);
  }
  queue_cv.notify_one();
  return fut.get();
}

Status SqliteStore::Write(const storage::TxFn& fn) {
  auto attached = storage::WriteAttachment::Wrap(fn);
  WriteJob job{attached ? &*attached : &fn, nullptr, {}};
  return impl_->Submit(job);
}

void SqliteStore::Subscribe(std::function<void(const std::string& event)> fn) {
  std::lock_guard lock(impl_->subscribers_mu);
  impl_->subscribers.push_back(std::move(fn));
}

Status SqliteStore::Read(const storage::TxFn& fn) {
  auto conn = impl_->AcquireReader();
  if (!conn.ok()) return std::move(conn).TakeStatus();
  auto c = std::move(conn).value();
  Status st = c->ExecScript("BEGIN");
  if (st.ok()) {
    sql::SqlTransaction tx(*c);
    st = RunGuarded(fn, tx);
    if (Status db = tx.DatabaseError(); !db.ok()) st = db;
    (void)c->ExecScript("COMMIT");
  }
  impl_->ReleaseReader(std::move(c));
  return st;
}

Status SqliteStore::Ping() {
  return Read([](storage::Transaction& tx) {
    auto a = tx.accounts().Get(AccountId(1));
    if (!a.ok() && a.status().code() != ErrorCode::kNotFound) return a.status();
    return Status::Ok();
  });
}

std::string SqliteStore::Describe() const { return "sqlite:" + impl_->options.path; }

}  // namespace comptoir::sqlite
