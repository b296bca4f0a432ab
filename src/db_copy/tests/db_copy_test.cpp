// CopyDatabase on a real SQLite file and a real PostgreSQL server: skipped unless
// COMPTOIR_TEST_PG_URL names a server (a maintenance URL, e.g.
// postgresql://postgres@127.0.0.1:55432/postgres). Each case copies into a fresh
// database, dropped afterwards.
#include "comptoir/db_copy/db_copy.hpp"
#include "comptoir/storage_pg/testing.hpp"

#include <gtest/gtest.h>
#include <libpq-fe.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>

#include "comptoir/storage_pg/pg_connection_factory.hpp"
#include "comptoir/storage_sqlite/sqlite_store.hpp"

namespace comptoir {
namespace {

using pg::testing::PgAdmin;
using pg::testing::PgUrl;
using pg::testing::WithDatabase;

using storage::Transaction;

class DbCopyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (PgUrl() == nullptr) GTEST_SKIP() << "COMPTOIR_TEST_PG_URL is not set";
    static std::atomic<int> counter{0};
    pg_db_ = "comptoir_copy_" + std::to_string(::getpid()) + "_" + std::to_string(++counter);
    ASSERT_EQ(PgAdmin("CREATE DATABASE " + pg_db_), "");
    dir_ = std::filesystem::temp_directory_path() /
           ("comptoir-copy-" + std::to_string(::getpid()) + "-" + std::to_string(counter));
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    ASSERT_NO_FATAL_FAILURE(Seed());
  }
  void TearDown() override {
    if (!pg_db_.empty()) PgAdmin("DROP DATABASE IF EXISTS " + pg_db_ + " WITH (FORCE)");
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
  }

  std::string DbPath() const { return (dir_ / "comptoir.db").string(); }

  // An account, an organisation, users, and tickets with two comments each.
  void Seed() {
    auto store = sqlite::SqliteStore::Open({DbPath()});
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    ASSERT_TRUE((*store)->Migrate().ok());
    Status st = (*store)->Write([&](Transaction& tx) -> Status {
      auto account = tx.accounts().Insert({AccountId(), "Test", "{}", 1});
      if (!account.ok()) return account.status();
      domain::Organization o;
      o.account_id = *account;
      o.name = "Acme";
      o.domain_names = {"acme.com", "acme.org"};
      auto org = tx.organizations().Insert(o);
      if (!org.ok()) return org.status();
      std::vector<UserId> users;
      for (int i = 0; i < 30; ++i) {
        domain::User u;
        u.account_id = *account;
        u.name = "User " + std::to_string(i);
        u.email = "user" + std::to_string(i) + "@acme.com";
        if (i % 3 == 0) u.organization_id = *org;
        u.created_at = u.updated_at = 1000 + i;
        auto id = tx.users().Insert(u);
        if (!id.ok()) return id.status();
        users.push_back(*id);
      }
      for (int i = 0; i < 120; ++i) {
        domain::Ticket t;
        t.account_id = *account;
        t.subject = "Ticket \xc3\xa9t\xc3\xa9 " + std::to_string(i);
        t.requester_id = users[static_cast<std::size_t>(i) % users.size()];
        t.submitter_id = t.requester_id;
        t.created_at = t.updated_at = 2000 + i;
        auto tid = tx.tickets().Insert(t);
        if (!tid.ok()) return tid.status();
        for (int k = 0; k < 2; ++k) {
          domain::Comment c;
          c.account_id = *account;
          c.ticket_id = *tid;
          c.author_id = t.requester_id;
          c.body = "comment " + std::to_string(k) + "\nwith 'quotes' and \"more\"";
          c.is_public = k == 0;
          c.created_at = 3000 + i;
          auto cid = tx.comments().Insert(c);
          if (!cid.ok()) return cid.status();
        }
      }
      return Status::Ok();
    });
    ASSERT_TRUE(st.ok()) << st.ToString();
  }

  db_copy::CopyOptions Options(int batch = 1000) const {
    db_copy::CopyOptions o;
    o.from = "sqlite://" + DbPath();
    o.to = WithDatabase(PgUrl(), pg_db_);
    o.batch_size = batch;
    return o;
  }

  const db_copy::TableReport* Find(const db_copy::CopyReport& r, const std::string& name) {
    for (const auto& t : r.tables) {
      if (t.name == name) return &t;
    }
    return nullptr;
  }

  std::string pg_db_;
  std::filesystem::path dir_;
};

TEST_F(DbCopyTest, CopiesVerifiesAndASecondRunIsANoOp) {
  auto first = db_copy::CopyDatabase(Options());
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_TRUE(first->ok()) << db_copy::FormatReport(*first);
  ASSERT_NE(Find(*first, "users"), nullptr);
  EXPECT_EQ(Find(*first, "users")->target_rows, 30);
  EXPECT_EQ(Find(*first, "tickets")->target_rows, 120);
  EXPECT_EQ(Find(*first, "ticket_comments")->target_rows, 240);
  EXPECT_EQ(Find(*first, "organization_domains")->target_rows, 2);
  EXPECT_EQ(Find(*first, "schema_migrations"), nullptr);
  EXPECT_EQ(Find(*first, "tickets")->source_checksum, Find(*first, "tickets")->target_checksum);
  EXPECT_EQ(Find(*first, "tickets")->source_checksum.size(), 64u);

  auto second = db_copy::CopyDatabase(Options());
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  EXPECT_TRUE(second->ok());
  EXPECT_EQ(second->rows_copied, 0);
  for (const auto& t : second->tables) EXPECT_TRUE(t.skipped) << t.name;

  // New rows get ids after the copied ones (the identity sequences were moved on).
  auto conn = pg::OpenPgConnection(Options().to);
  ASSERT_TRUE(conn.ok());
  auto id = (*conn)->Query(
      "INSERT INTO accounts (name, settings, created_at) VALUES ('B', '{}', 1) RETURNING id", {});
  ASSERT_TRUE(id.ok()) << id.status().ToString();
  EXPECT_EQ((*id)[0].Int(0), 2);
}

TEST_F(DbCopyTest, ResumesAfterAnInterruption) {
  auto opts = Options(/*batch=*/7);
  opts.stop_after_batches = 10;
  auto stopped = db_copy::CopyDatabase(opts);
  ASSERT_FALSE(stopped.ok());
  EXPECT_EQ(stopped.status().code(), ErrorCode::kAborted);

  opts.stop_after_batches = 0;
  auto resumed = db_copy::CopyDatabase(opts);
  ASSERT_TRUE(resumed.ok()) << resumed.status().ToString();
  EXPECT_TRUE(resumed->ok()) << db_copy::FormatReport(*resumed);
  std::int64_t total = 0;
  for (const auto& t : resumed->tables) total += t.source_rows;
  EXPECT_GT(resumed->rows_copied, 0);
  EXPECT_LT(resumed->rows_copied, total);  // the first 10 batches were not copied again
  EXPECT_EQ(Find(*resumed, "ticket_comments")->target_rows, 240);
}

TEST_F(DbCopyTest, RefusesATargetThatAlreadyHoldsRows) {
  ASSERT_TRUE(db_copy::CopyDatabase(Options()).ok());
  auto conn = pg::OpenPgConnection(Options().to);
  ASSERT_TRUE(conn.ok());
  ASSERT_TRUE((*conn)->ExecScript("DELETE FROM db_copy_progress").ok());
  auto again = db_copy::CopyDatabase(Options());
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.status().code(), ErrorCode::kFailedPrecondition);
}

TEST_F(DbCopyTest, ReportsAMismatch) {
  ASSERT_TRUE(db_copy::CopyDatabase(Options()).ok());
  auto conn = pg::OpenPgConnection(Options().to);
  ASSERT_TRUE(conn.ok());
  ASSERT_TRUE((*conn)->ExecScript("UPDATE tickets SET subject = 'changed' WHERE id = 5").ok());
  auto again = db_copy::CopyDatabase(Options());
  ASSERT_TRUE(again.ok());
  EXPECT_FALSE(again->ok());
  EXPECT_FALSE(Find(*again, "tickets")->ok());
  EXPECT_TRUE(Find(*again, "users")->ok());
  EXPECT_NE(db_copy::FormatReport(*again).find("MISMATCH"), std::string::npos);
}

TEST(RowHasherTest, DistinguishesNullFromEmptyAndFieldBoundaries) {
  auto digest = [](std::vector<std::string> v, std::vector<bool> n) {
    db_copy::RowHasher h;
    h.AddRow(v, n);
    return h.HexDigest();
  };
  EXPECT_NE(digest({""}, {true}), digest({""}, {false}));
  EXPECT_NE(digest({"ab", "c"}, {false, false}), digest({"a", "bc"}, {false, false}));
  EXPECT_EQ(digest({"1"}, {false}), digest({"1"}, {false}));
}

}  // namespace
}  // namespace comptoir
