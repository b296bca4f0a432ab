// PgStore's pool against a real server: the bound as PostgreSQL sees it, the wait that ends
// in kUnavailable, connections the server terminated being replaced. Skipped unless
// COMPTOIR_TEST_PG_URL names a server (a maintenance URL, e.g.
// postgresql://postgres@127.0.0.1:55432/postgres); each case gets a fresh database.
// A connect failure needs no server and always runs.
#include "comptoir/storage_pg/pg_store.hpp"
#include "comptoir/storage_pg/testing.hpp"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <libpq-fe.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <condition_variable>
#include <cstdlib>
#include <future>
#include <mutex>
#include <thread>

#include "comptoir/storage_sql/migrations.hpp"
#include "pg_connection.hpp"

namespace comptoir::pg {
namespace {

using pg::testing::PgAdmin;
using pg::testing::PgUrl;
using pg::testing::WithDatabase;

using namespace std::chrono_literals;
using storage::Transaction;

// A loopback port nothing listens on (bound, then released).
int ClosedPort() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof a;
  ::bind(fd, reinterpret_cast<sockaddr*>(&a), len);
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  ::close(fd);
  return ntohs(a.sin_port);
}

TEST(PgStoreConnectTest, AnUnreachableServerIsUnavailable) {
  std::string url = "postgresql://postgres@127.0.0.1:";
  url += std::to_string(ClosedPort());
  url += "/postgres";
  auto s = PgStore::Open({url});
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().code(), ErrorCode::kUnavailable) << s.status().ToString();
}

class PgStorePoolTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (PgUrl() == nullptr) GTEST_SKIP() << "COMPTOIR_TEST_PG_URL is not set";
    static std::atomic<int> counter{0};
    db_ = "comptoir_pool_" + std::to_string(::getpid()) + "_" + std::to_string(++counter);
    ASSERT_EQ(PgAdmin("CREATE DATABASE " + db_), "");
  }
  void TearDown() override {
    store_.reset();
    if (!db_.empty()) (void)PgAdmin("DROP DATABASE IF EXISTS " + db_ + " WITH (FORCE)");
  }

  void Open(PgOptions o) {
    o.url = WithDatabase(PgUrl(), db_);
    auto s = PgStore::Open(o);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(s).value();
    ASSERT_TRUE(store_->Migrate().ok());
  }

  // Connections the server has open to this test's database.
  int ServerConnections() {
    return std::atoi(
        PgAdmin("SELECT count(*) FROM pg_stat_activity WHERE datname = '" + db_ + "'").c_str());
  }

  // Terminates every session on this test's database and waits until they are gone.
  void TerminateSessions() {
    ASSERT_EQ(PgAdmin("SELECT count(pg_terminate_backend(pid)) >= 0 FROM pg_stat_activity "
                      "WHERE datname = '" +
                      db_ + "'"),
              "t");
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    while (ServerConnections() > 0) {  // pg_terminate_backend only signals the backend
      ASSERT_LT(std::chrono::steady_clock::now(), deadline) << "sessions still alive";
      std::this_thread::sleep_for(10ms);
    }
  }

  // One read transaction with one query (no account exists: kNotFound is success here).
  Status ReadAccounts() {
    return store_->Read([](Transaction& tx) {
      auto a = tx.accounts().Get(AccountId(1));
      return a.ok() || a.status().code() == ErrorCode::kNotFound ? Status::Ok() : a.status();
    });
  }

  std::string db_;
  std::unique_ptr<PgStore> store_;
};

TEST_F(PgStorePoolTest, HoldsAtMostPoolSizeConnectionsAndTimesOutWithUnavailable) {
  PgOptions o;
  o.pool_size = 2;
  o.acquire_timeout = 200ms;
  ASSERT_NO_FATAL_FAILURE(Open(o));
  // Two reads hold both connections until released.
  std::mutex mu;
  std::condition_variable cv;
  int inside = 0;
  bool release = false;
  auto hold = [&] {
    return store_->Read([&](Transaction&) {
      std::unique_lock lock(mu);
      ++inside;
      cv.notify_all();
      cv.wait(lock, [&] { return release; });
      return Status::Ok();
    });
  };
  auto a = std::async(std::launch::async, hold);
  auto b = std::async(std::launch::async, hold);
  {
    std::unique_lock lock(mu);
    cv.wait(lock, [&] { return inside == 2; });
  }
  EXPECT_EQ(ServerConnections(), 2);
  Status third = ReadAccounts();
  EXPECT_EQ(third.code(), ErrorCode::kUnavailable);
  EXPECT_EQ(third.reason(), "DatabasePoolExhausted");
  {
    std::lock_guard lock(mu);
    release = true;
  }
  cv.notify_all();
  EXPECT_TRUE(a.get().ok());
  EXPECT_TRUE(b.get().ok());
  EXPECT_TRUE(ReadAccounts().ok());
  EXPECT_EQ(store_->PoolStats().timeouts, 1);
  EXPECT_EQ(store_->PoolStats().open, 2);
}

TEST_F(PgStorePoolTest, ReplacesConnectionsTheServerTerminated) {
  PgOptions o;
  o.pool_size = 4;
  ASSERT_NO_FATAL_FAILURE(Open(o));
  ASSERT_TRUE(ReadAccounts().ok());
  const auto before = store_->PoolStats();
  ASSERT_GE(before.idle, 1);
  // The server ends every session of the database (as a restart or an idle timeout would).
  ASSERT_NO_FATAL_FAILURE(TerminateSessions());
  // The pool notices on use and replaces the connection: the caller sees nothing.
  EXPECT_TRUE(ReadAccounts().ok());
  EXPECT_TRUE(store_->Ping().ok());
  const auto after = store_->PoolStats();
  EXPECT_GE(after.dropped, 1);
  EXPECT_GT(after.opened, before.opened);
  EXPECT_LE(after.open, 4);
}

TEST_F(PgStorePoolTest, TheIdleCheckFindsAConnectionTheServerTerminated) {
  auto c = PgConnection::Open(WithDatabase(PgUrl(), db_));
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_TRUE((*c)->Check());
  ASSERT_NO_FATAL_FAILURE(TerminateSessions());
  EXPECT_TRUE((*c)->Healthy());  // libpq cannot know without a round trip…
  EXPECT_FALSE((*c)->Check());   // …which the pool makes for a connection idle a while
  EXPECT_FALSE((*c)->Healthy());
}

}  // namespace
}  // namespace comptoir::pg

namespace comptoir::pg {
namespace {

// Several nodes starting at once on an empty database: each runs every migration under
// the advisory lock; they all succeed and each migration is applied once.
TEST_F(PgStorePoolTest, NodesMigratingAtOnceApplyEachMigrationOnce) {
  const std::string url = WithDatabase(PgUrl(), db_);
  constexpr int kNodes = 4;
  std::vector<std::unique_ptr<PgStore>> nodes;
  for (int i = 0; i < kNodes; ++i) {
    auto s = PgStore::Open({url});
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    nodes.push_back(std::move(s).value());
  }
  std::vector<Status> results(kNodes);
  std::vector<std::thread> threads;
  for (int i = 0; i < kNodes; ++i) {
    threads.emplace_back([&, i] { results[static_cast<std::size_t>(i)] = nodes[i]->Migrate(); });
  }
  for (auto& t : threads) t.join();
  for (const auto& st : results) EXPECT_TRUE(st.ok()) << st.ToString();
  const std::string applied = PgAdmin(
      "SELECT count(*) || '/' || count(DISTINCT version) FROM schema_migrations", url.c_str());
  const auto n = std::to_string(sql::Migrations(sql::Dialect::kPostgres).size());
  EXPECT_EQ(applied, n + "/" + n);
}

}  // namespace
}  // namespace comptoir::pg
