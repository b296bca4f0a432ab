// Test fixture for the people services (groups, custom roles, custom fields): a real
// SQLite store in a temp dir per test, one account, an admin and a fake clock.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <memory>

#include "comptoir/services/services.hpp"
#include "comptoir/storage_fs/file_blob_store.hpp"
#include "comptoir/storage_sqlite/sqlite_store.hpp"

namespace comptoir::services::testing {

class PeopleFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("comptoir-people-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_suite()->name() + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    auto s = sqlite::SqliteStore::Open({(dir_ / "test.db").string()});
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(s).value();
    ASSERT_TRUE(store_->Migrate().ok());
    ASSERT_TRUE(store_
                    ->Write([&](storage::Transaction& tx) {
                      auto id = tx.accounts().Insert({AccountId(), "Test", "{}", 1});
                      if (!id.ok()) return id.status();
                      account_ = *id;
                      return Status::Ok();
                    })
                    .ok());
    blobs_ = std::make_unique<storage_fs::FileBlobStore>((dir_ / "blobs").string());
    svc_ = std::make_unique<Services>(*store_, clock_, *blobs_);
    admin_id_ = NewUser("Admin", domain::Role::kAdmin);
    admin_ = ContextFor(admin_id_, domain::Role::kAdmin);
  }
  void TearDown() override {
    svc_.reset();
    store_.reset();
    std::filesystem::remove_all(dir_);
  }

  UserId NewUser(const std::string& name, domain::Role role) {
    domain::User u;
    u.account_id = account_;
    u.name = name;
    u.role = role;
    u.created_at = u.updated_at = clock_.Now();
    UserId id;
    EXPECT_TRUE(store_
                    ->Write([&](storage::Transaction& tx) {
                      auto r = tx.users().Insert(u);
                      if (!r.ok()) return r.status();
                      id = *r;
                      return Status::Ok();
                    })
                    .ok());
    return id;
  }

  domain::User LoadUser(UserId id) {
    domain::User u;
    EXPECT_TRUE(store_
                    ->Read([&](storage::Transaction& tx) {
                      auto r = tx.users().Get(account_, id);
                      if (!r.ok()) return r.status();
                      u = *r;
                      return Status::Ok();
                    })
                    .ok());
    return u;
  }

  Context ContextFor(UserId user, domain::Role role) {
    Context c;
    c.actor.account_id = account_;
    c.actor.user_id = user;
    c.actor.role = role;
    return c;
  }

  // The field names of a 422's details.
  static std::vector<std::string> Fields(const Status& st) {
    std::vector<std::string> out;
    for (const auto& d : st.details()) out.push_back(d.field);
    return out;
  }
  static bool HasDetail(const Status& st, std::string_view field, std::string_view error) {
    for (const auto& d : st.details()) {
      if (d.field == field && d.error == error) return true;
    }
    return false;
  }

  std::filesystem::path dir_;
  std::unique_ptr<storage::Store> store_;
  FakeClock clock_;
  AccountId account_;
  std::unique_ptr<storage_fs::FileBlobStore> blobs_;
  std::unique_ptr<Services> svc_;
  UserId admin_id_;
  Context admin_;
};

}  // namespace comptoir::services::testing
