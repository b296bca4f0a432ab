// ConnectionPool with fake connections and a fake idle clock: the bound, the wait and its
// time-out, the idle check, replacing broken connections, DropIdle. No server needed.
#include "connection_pool.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <thread>

namespace comptoir::pg {
namespace {

using namespace std::chrono_literals;

struct FakeConnection {
  int id = 0;
  bool usable = true;  // what the driver knows without I/O
  bool alive = true;   // what a round trip would find
  int checks = 0;
};

class ConnectionPoolTest : public ::testing::Test {
 protected:
  using Pool = ConnectionPool<FakeConnection>;

  std::unique_ptr<Pool> MakePool(PoolOptions options) {
    Pool::Hooks hooks;
    hooks.open = [this]() -> Result<std::unique_ptr<FakeConnection>> {
      if (refuse_) return Status(ErrorCode::kUnavailable, "refused", "DatabaseUnavailable");
      auto c = std::make_unique<FakeConnection>();
      c->id = ++opened_;
      return c;
    };
    hooks.usable = [](const FakeConnection& c) { return c.usable; };
    hooks.check = [](FakeConnection& c) {
      ++c.checks;
      return c.alive;
    };
    hooks.now = [this] { return now_; };
    return std::make_unique<Pool>(options, std::move(hooks));
  }

  std::atomic<bool> refuse_{false};
  std::atomic<int> opened_{0};
  Pool::Clock::time_point now_{};
};

TEST_F(ConnectionPoolTest, ReusesAReturnedConnection) {
  auto pool = MakePool({});
  int first = 0;
  {
    auto a = pool->Acquire();
    ASSERT_TRUE(a.ok());
    first = (*a)->id;
  }
  auto b = pool->Acquire();
  ASSERT_TRUE(b.ok());
  EXPECT_EQ((*b)->id, first);
  EXPECT_EQ(pool->Stats().opened, 1);
}

TEST_F(ConnectionPoolTest, NeverOpensMoreThanMaxSizeAndTimesOutWithUnavailable) {
  auto pool = MakePool({2, 50ms, 30s});
  auto a = pool->Acquire();
  auto b = pool->Acquire();
  ASSERT_TRUE(a.ok() && b.ok());
  const auto start = std::chrono::steady_clock::now();
  auto c = pool->Acquire();
  const auto waited = std::chrono::steady_clock::now() - start;
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().code(), ErrorCode::kUnavailable);
  EXPECT_EQ(c.status().reason(), "DatabasePoolExhausted");
  EXPECT_GE(waited, 50ms);
  const auto stats = pool->Stats();
  EXPECT_EQ(stats.open, 2);
  EXPECT_EQ(stats.opened, 2);
  EXPECT_EQ(stats.timeouts, 1);
}

TEST_F(ConnectionPoolTest, AWaitingCallerGetsTheConnectionReturnedFirst) {
  auto pool = MakePool({1, 10s, 30s});
  auto held = std::make_unique<Result<Pool::Lease>>(pool->Acquire());
  ASSERT_TRUE(held->ok());
  const int id = (**held)->id;
  auto waiter = std::async(std::launch::async, [&] {
    auto l = pool->Acquire();
    return l.ok() ? (*l)->id : -1;
  });
  while (pool->Stats().waiting == 0) std::this_thread::yield();  // the waiter is parked
  held.reset();  // the lease ends: the waiter is woken with this connection
  EXPECT_EQ(waiter.get(), id);
  EXPECT_EQ(pool->Stats().opened, 1);
}

TEST_F(ConnectionPoolTest, ChecksAConnectionOnlyAfterItWasIdleAWhile) {
  auto pool = MakePool({4, 1s, 30s});
  FakeConnection* raw = nullptr;
  {
    auto a = pool->Acquire();
    raw = &**a;
  }
  now_ += 10s;
  {
    auto a = pool->Acquire();
    EXPECT_EQ(&**a, raw);
  }
  EXPECT_EQ(raw->checks, 0);  // recently used: taken as is
  now_ += 31s;
  {
    auto a = pool->Acquire();
    EXPECT_EQ(&**a, raw);
  }
  EXPECT_EQ(raw->checks, 1);
}

TEST_F(ConnectionPoolTest, ReplacesAnIdleConnectionThatFailsItsCheck) {
  auto pool = MakePool({1, 1s, 30s});
  {
    auto a = pool->Acquire();
    (*a)->alive = false;  // the server went away while it sat idle
  }
  now_ += 1min;
  auto b = pool->Acquire();
  ASSERT_TRUE(b.ok());
  EXPECT_EQ((*b)->id, 2);
  const auto stats = pool->Stats();
  EXPECT_EQ(stats.open, 1);
  EXPECT_EQ(stats.dropped, 1);
}

TEST_F(ConnectionPoolTest, ABrokenConnectionFreesItsSlotWhenReturned) {
  auto pool = MakePool({1, 50ms, 30s});
  {
    auto a = pool->Acquire();
    (*a)->usable = false;
  }
  EXPECT_EQ(pool->Stats().open, 0);
  auto b = pool->Acquire();
  ASSERT_TRUE(b.ok());
  EXPECT_EQ((*b)->id, 2);
}

TEST_F(ConnectionPoolTest, AFailedConnectIsUnavailableAndFreesItsSlot) {
  auto pool = MakePool({1, 50ms, 30s});
  refuse_ = true;
  auto a = pool->Acquire();
  ASSERT_FALSE(a.ok());
  EXPECT_EQ(a.status().code(), ErrorCode::kUnavailable);
  EXPECT_EQ(a.status().reason(), "DatabaseUnavailable");  // the open error, not a time-out
  EXPECT_EQ(pool->Stats().open, 0);
  refuse_ = false;  // the server is back
  EXPECT_TRUE(pool->Acquire().ok());
}

TEST_F(ConnectionPoolTest, ReconnectKeepsTheSlot) {
  auto pool = MakePool({1, 50ms, 30s});
  auto a = pool->Acquire();
  ASSERT_TRUE(a.ok());
  ASSERT_TRUE(a->Reconnect().ok());
  EXPECT_EQ((*a)->id, 2);
  EXPECT_EQ(pool->Stats().open, 1);
  refuse_ = true;
  EXPECT_EQ(a->Reconnect().code(), ErrorCode::kUnavailable);
  EXPECT_EQ(pool->Stats().open, 0);  // given back even though the lease is still in scope
}

TEST_F(ConnectionPoolTest, DropIdleClosesOnlyIdleConnections) {
  auto pool = MakePool({3, 50ms, 30s});
  auto held = pool->Acquire();
  {
    auto a = pool->Acquire();
    auto b = pool->Acquire();
  }
  EXPECT_EQ(pool->Stats().idle, 2);
  pool->DropIdle();
  const auto stats = pool->Stats();
  EXPECT_EQ(stats.idle, 0);
  EXPECT_EQ(stats.open, 1);
  EXPECT_EQ(stats.dropped, 2);
}

TEST_F(ConnectionPoolTest, ManyThreadsShareABoundedPool) {
  auto pool = MakePool({3, 10s, 30s});
  std::atomic<int> in_use{0};
  std::atomic<int> most{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 200; ++i) {
        auto l = pool->Acquire();
        ASSERT_TRUE(l.ok());
        int now = ++in_use;
        int seen = most.load();
        while (now > seen && !most.compare_exchange_weak(seen, now)) {
        }
        std::this_thread::yield();
        --in_use;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_LE(most.load(), 3);
  EXPECT_LE(pool->Stats().opened, 3);
  EXPECT_EQ(pool->Stats().timeouts, 0);
}

}  // namespace
}  // namespace comptoir::pg
