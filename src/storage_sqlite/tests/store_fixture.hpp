// The fixture of the storage contract tests: one fresh store per test, SQLite always
// and PostgreSQL when COMPTOIR_TEST_PG_URL names a server (a maintenance URL, e.g.
// postgresql://postgres@127.0.0.1:55432/postgres). Each PostgreSQL case runs in a fresh
// database, dropped afterwards. The cases only use the storage::Store interface.
#pragma once

#include <gtest/gtest.h>
#include <libpq-fe.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>

#include "comptoir/storage_pg/pg_store.hpp"
#include "comptoir/storage_pg/testing.hpp"
#include "comptoir/storage_sqlite/sqlite_store.hpp"

namespace comptoir::testing {

using pg::testing::PgAdmin;
using pg::testing::PgUrl;
using pg::testing::WithDatabase;
using storage::Transaction;

class StoreContractTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (GetParam() == "postgres") {
      if (PgUrl() == nullptr) GTEST_SKIP() << "COMPTOIR_TEST_PG_URL is not set";
      static std::atomic<int> counter{0};
      pg_db_ = "comptoir_test_" + std::to_string(::getpid()) + "_" + std::to_string(++counter);
      std::string err = PgAdmin("CREATE DATABASE " + pg_db_);
      ASSERT_EQ(err, "");
    } else {
      std::string name = ::testing::UnitTest::GetInstance()->current_test_info()->name();
      for (auto& ch : name) {
        if (ch == '/') ch = '_';
      }
      dir_ = std::filesystem::temp_directory_path() /
             ("comptoir-store-" + std::to_string(::getpid()) + "-" + name);
      std::filesystem::remove_all(dir_);
      std::filesystem::create_directories(dir_);
    }
    ASSERT_NO_FATAL_FAILURE(OpenStore());
    ASSERT_TRUE(store_->Migrate().ok());
    ASSERT_TRUE(store_
                    ->Write([&](Transaction& tx) {
                      auto id = tx.accounts().Insert({AccountId(), "Test", "{}", 1});
                      if (!id.ok()) return id.status();
                      account_ = *id;
                      return Status::Ok();
                    })
                    .ok());
  }
  void TearDown() override {
    store_.reset();
    if (!pg_db_.empty()) {
      (void)PgAdmin("DROP DATABASE IF EXISTS " + pg_db_ + " WITH (FORCE)");
    }
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
  }

  // (Re)opens the store of this test.
  void OpenStore() {
    store_.reset();
    if (!pg_db_.empty()) {
      auto s = pg::PgStore::Open({WithDatabase(PgUrl(), pg_db_)});
      ASSERT_TRUE(s.ok()) << s.status().ToString();
      store_ = std::move(s).value();
    } else {
      auto s = sqlite::SqliteStore::Open({(dir_ / "test.db").string()});
      ASSERT_TRUE(s.ok()) << s.status().ToString();
      store_ = std::move(s).value();
    }
  }

  domain::User NewUser(std::string name, std::string email) {
    domain::User u;
    u.account_id = account_;
    u.name = std::move(name);
    u.email = std::move(email);
    u.created_at = u.updated_at = 1000;
    return u;
  }

  UserId Insert(const domain::User& u) {
    UserId id;
    EXPECT_TRUE(store_
                    ->Write([&](Transaction& tx) {
                      auto r = tx.users().Insert(u);
                      if (!r.ok()) return r.status();
                      id = *r;
                      return Status::Ok();
                    })
                    .ok());
    return id;
  }

  std::filesystem::path dir_;
  std::string pg_db_;
  std::unique_ptr<storage::Store> store_;
  AccountId account_;
};

// The store kinds every contract suite runs on.
inline std::string StoreName(const ::testing::TestParamInfo<std::string>& p) { return p.param; }

}  // namespace comptoir::testing
