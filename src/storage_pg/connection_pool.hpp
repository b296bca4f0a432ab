// Private: the bounded connection pool of PgStore. Generic over the connection type so that
// its rules are tested with a fake (tests/connection_pool_test.cpp); PgStore instantiates it
// with PgConnection. At most `max_size` connections exist at once (idle + leased + being
// opened); Acquire waits up to `acquire_timeout` for one, then fails with kUnavailable.
// A connection idle for longer than `check_idle_after` is checked (one round trip) before
// it is handed out; a broken one is closed and its slot reused. Thread-safe.
#pragma once

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "comptoir/common/status.hpp"
#include "comptoir/storage_pg/pg_store.hpp"  // PgPoolStats

namespace comptoir::pg {

struct PoolOptions {
  int max_size = 16;
  std::chrono::milliseconds acquire_timeout{5000};
  std::chrono::milliseconds check_idle_after{30000};
};

template <typename Conn>
class ConnectionPool {
 public:
  using Clock = std::chrono::steady_clock;
  struct Hooks {
    std::function<Result<std::unique_ptr<Conn>>()> open;  // a new connection, or why not
    std::function<bool(const Conn&)> usable;              // the driver's own state, no I/O
    std::function<bool(Conn&)> check;                     // a round trip to the server
    std::function<Clock::time_point()> now = [] { return Clock::now(); };  // idle times
  };

  // A connection on loan; returned to the pool (or closed, when no longer usable) when
  // the lease ends. Move-only.
  class Lease {
   public:
    Lease(Lease&& other) noexcept
        : pool_(std::exchange(other.pool_, nullptr)), conn_(std::move(other.conn_)) {}
    Lease& operator=(Lease&&) = delete;
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    ~Lease() {
      if (pool_ != nullptr) pool_->Return(std::move(conn_));
    }

    Conn& operator*() const { return *conn_; }
    Conn* operator->() const { return conn_.get(); }

    // Closes this connection (the server dropped it) and opens a new one in the same slot.
    // kUnavailable (the open hook's error) when that fails; the lease then holds nothing
    // and must not be used.
    Status Reconnect() {
      conn_.reset();
      auto fresh = pool_->hooks_.open();
      if (!fresh.ok()) {
        pool_->Return(nullptr);
        pool_ = nullptr;
        return std::move(fresh).TakeStatus();
      }
      pool_->CountOpened(/*dropped=*/1);
      conn_ = std::move(fresh).value();
      return Status::Ok();
    }

   private:
    friend class ConnectionPool;
    Lease(ConnectionPool* pool, std::unique_ptr<Conn> conn) : pool_(pool), conn_(std::move(conn)) {}
    ConnectionPool* pool_;
    std::unique_ptr<Conn> conn_;
  };

  ConnectionPool(PoolOptions options, Hooks hooks) : options_(options), hooks_(std::move(hooks)) {
    options_.max_size = std::max(1, options_.max_size);
  }
  // Every lease must have ended.
  ~ConnectionPool() = default;
  ConnectionPool(const ConnectionPool&) = delete;
  ConnectionPool& operator=(const ConnectionPool&) = delete;

  // An idle connection (checked first when it has been idle a while), else a new one while
  // fewer than max_size exist, else the first one returned within acquire_timeout.
  // kUnavailable when opening fails or nothing was returned in time ("DatabasePoolExhausted").
  Result<Lease> Acquire() {
    const auto deadline = Clock::now() + options_.acquire_timeout;
    std::unique_lock lock(mu_);
    for (;;) {
      if (!idle_.empty()) {
        Idle e = std::move(idle_.back());  // the most recently used: likely still warm
        idle_.pop_back();
        lock.unlock();
        const bool fresh = hooks_.now() - e.since < options_.check_idle_after;
        if (hooks_.usable(*e.conn) && (fresh || hooks_.check(*e.conn))) {
          return Lease(this, std::move(e.conn));
        }
        e.conn.reset();  // closed outside the lock; its slot is free again
        lock.lock();
        --open_;
        ++dropped_;
        continue;
      }
      if (open_ < options_.max_size) {
        ++open_;
        lock.unlock();
        auto c = hooks_.open();
        lock.lock();
        if (!c.ok()) {
          --open_;
          cv_.notify_one();
          return std::move(c).TakeStatus();
        }
        ++opened_;
        return Lease(this, std::move(c).value());
      }
      ++waiting_;
      const bool got = cv_.wait_until(lock, deadline,
                                      [&] { return !idle_.empty() || open_ < options_.max_size; });
      --waiting_;
      if (!got) {
        ++timeouts_;
        std::string msg = "no free database connection within ";
        msg += std::to_string(options_.acquire_timeout.count());
        msg += " ms (pool of ";
        msg += std::to_string(options_.max_size);
        msg += ")";
        return Status(ErrorCode::kUnavailable, msg, "DatabasePoolExhausted");
      }
    }
  }

  // Closes every idle connection. After one connection was lost, the others most likely
  // were too (a server restart): better to open new ones than to discover each one broken.
  void DropIdle() {
    std::vector<Idle> doomed;
    {
      std::lock_guard lock(mu_);
      doomed.swap(idle_);
      open_ -= static_cast<int>(doomed.size());
      dropped_ += static_cast<std::int64_t>(doomed.size());
      if (!doomed.empty()) cv_.notify_all();
    }
  }

  PgPoolStats Stats() const {
    std::lock_guard lock(mu_);
    PgPoolStats s;
    s.pool_size = options_.max_size;
    s.open = open_;
    s.idle = static_cast<int>(idle_.size());
    s.waiting = waiting_;
    s.opened = opened_;
    s.dropped = dropped_;
    s.timeouts = timeouts_;
    return s;
  }

 private:
  struct Idle {
    std::unique_ptr<Conn> conn;
    Clock::time_point since;
  };

  // The end of a lease: a usable connection goes back to the idle list, anything else
  // (broken, inside a transaction, or none after a failed Reconnect) frees its slot.
  void Return(std::unique_ptr<Conn> c) {
    const bool keep = c != nullptr && hooks_.usable(*c);
    if (!keep && c != nullptr) c.reset();  // close outside the lock
    std::lock_guard lock(mu_);
    if (keep) {
      idle_.push_back({std::move(c), hooks_.now()});
    } else {
      --open_;
      ++dropped_;
    }
    cv_.notify_one();
  }

  void CountOpened(int dropped) {
    std::lock_guard lock(mu_);
    ++opened_;
    dropped_ += dropped;
  }

  PoolOptions options_;
  Hooks hooks_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::vector<Idle> idle_;
  int open_ = 0;
  int waiting_ = 0;
  std::int64_t opened_ = 0;
  std::int64_t dropped_ = 0;
  std::int64_t timeouts_ = 0;
};

}  // namespace comptoir::pg
