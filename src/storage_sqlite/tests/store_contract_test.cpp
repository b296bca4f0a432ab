// The storage contract, run against every store (see store_fixture.hpp).
#include <thread>

#include "store_fixture.hpp"

namespace comptoir {
namespace {

using storage::Transaction;
using testing::StoreContractTest;

TEST_P(StoreContractTest, InsertedUserReadsBackWithEveryField) {
  auto u = NewUser("Ada", "ada@example.com");
  u.tags = {"vip", "beta"};
  u.user_fields["plan"] = "gold";
  u.role = domain::Role::kAgent;
  u.external_id = "ext-1";
  UserId id = Insert(u);
  ASSERT_TRUE(id);
  domain::User got;
  ASSERT_TRUE(store_
                  ->Read([&](Transaction& tx) {
                    auto r = tx.users().Get(account_, id);
                    if (!r.ok()) return r.status();
                    got = *r;
                    return Status::Ok();
                  })
                  .ok());
  EXPECT_EQ(got.name, "Ada");
  EXPECT_EQ(got.email, "ada@example.com");
  EXPECT_EQ(got.tags, (std::vector<std::string>{"vip", "beta"}));
  EXPECT_EQ(got.user_fields.at("plan").as_string(), "gold");
  EXPECT_EQ(got.role, domain::Role::kAgent);
  EXPECT_EQ(got.external_id, "ext-1");
}

TEST_P(StoreContractTest, FailedWriteRollsBackEverythingItDid) {
  Status st = store_->Write([&](Transaction& tx) {
    auto r = tx.users().Insert(NewUser("Ghost", "ghost@example.com"));
    if (!r.ok()) return r.status();
    return Invalid("name", "InvalidValue", "no");
  });
  EXPECT_EQ(st.code(), ErrorCode::kValidation);
  std::int64_t n = -1;
  ASSERT_TRUE(store_
                  ->Read([&](Transaction& tx) {
                    auto c = tx.users().Count(account_, {});
                    n = c.ok() ? *c : -1;
                    return Status::Ok();
                  })
                  .ok());
  EXPECT_EQ(n, 0);
}

TEST_P(StoreContractTest, DuplicateExternalIdIsAlreadyExists) {
  auto u = NewUser("A", "a@example.com");
  u.external_id = "same";
  Insert(u);
  Status st = store_->Write([&](Transaction& tx) { return tx.users().Insert(u).status(); });
  EXPECT_EQ(st.code(), ErrorCode::kAlreadyExists);
}

TEST_P(StoreContractTest, ConcurrentWritesAreAllDurableAndIsolated) {
  constexpr int kThreads = 8, kEach = 25;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        auto u = NewUser("u", "");
        u.external_id = std::to_string(t) + "-" + std::to_string(i);
        // Every third write fails and must leave nothing behind.
        Status st = store_->Write([&](Transaction& tx) -> Status {
          auto r = tx.users().Insert(u);
          if (!r.ok()) return r.status();
          if (i % 3 == 0) return Invalid("x", "InvalidValue", "rejected");
          return Status::Ok();
        });
        EXPECT_EQ(st.ok(), i % 3 != 0);
      }
    });
  }
  for (auto& th : threads) th.join();
  std::int64_t n = 0;
  ASSERT_TRUE(store_
                  ->Read([&](Transaction& tx) {
                    n = *tx.users().Count(account_, {});
                    return Status::Ok();
                  })
                  .ok());
  EXPECT_EQ(n, kThreads * (kEach - (kEach + 2) / 3));
}

TEST_P(StoreContractTest, CursorPagingWalksForwardAndBack) {
  std::vector<UserId> ids;
  for (int i = 0; i < 5; ++i) ids.push_back(Insert(NewUser("p" + std::to_string(i), "")));
  storage::PageRequest p;
  p.cursor = true;
  p.limit = 2;
  storage::Page<domain::User> page;
  ASSERT_TRUE(store_
                  ->Read([&](Transaction& tx) {
                    page = *tx.users().List(account_, {}, p);
                    return Status::Ok();
                  })
                  .ok());
  ASSERT_EQ(page.items.size(), 2u);
  EXPECT_TRUE(page.has_more);
  p.after_id = page.items.back().id.value;
  ASSERT_TRUE(store_
                  ->Read([&](Transaction& tx) {
                    page = *tx.users().List(account_, {}, p);
                    return Status::Ok();
                  })
                  .ok());
  EXPECT_EQ(page.items.front().id, ids[2]);
  p.after_id = ids[3].value;
  ASSERT_TRUE(store_
                  ->Read([&](Transaction& tx) {
                    page = *tx.users().List(account_, {}, p);
                    return Status::Ok();
                  })
                  .ok());
  ASSERT_EQ(page.items.size(), 1u);
  EXPECT_FALSE(page.has_more);
  p.after_id = 0;
  p.before_id = ids[4].value;
  ASSERT_TRUE(store_
                  ->Read([&](Transaction& tx) {
                    page = *tx.users().List(account_, {}, p);
                    return Status::Ok();
                  })
                  .ok());
  ASSERT_EQ(page.items.size(), 2u);
  EXPECT_EQ(page.items[0].id, ids[2]);
  EXPECT_EQ(page.items[1].id, ids[3]);
  EXPECT_TRUE(page.has_before);
}

TEST_P(StoreContractTest, SearchFindsByIdentityValueAndName) {
  UserId id = Insert(NewUser("Marie Curie", "marie@example.com"));
  ASSERT_TRUE(store_
                  ->Write([&](Transaction& tx) {
                    domain::Identity i;
                    i.account_id = account_;
                    i.user_id = id;
                    i.value = "marie@example.com";
                    return tx.identities().Insert(i).status();
                  })
                  .ok());
  for (std::string q : {"curie", "MARIE@", "example.com"}) {
    storage::UserFilter f;
    f.query = q;
    std::int64_t n = 0;
    ASSERT_TRUE(store_
                    ->Read([&](Transaction& tx) {
                      n = *tx.users().Count(account_, f);
                      return Status::Ok();
                    })
                    .ok());
    EXPECT_EQ(n, 1) << q;
  }
}

TEST_P(StoreContractTest, OrganizationDomainsAreUniqueAndFindable) {
  domain::Organization o;
  o.account_id = account_;
  o.name = "Acme";
  o.domain_names = {"acme.com"};
  ASSERT_TRUE(
      store_->Write([&](Transaction& tx) { return tx.organizations().Insert(o).status(); }).ok());
  o.name = "Other";
  EXPECT_EQ(
      store_->Write([&](Transaction& tx) { return tx.organizations().Insert(o).status(); }).code(),
      ErrorCode::kAlreadyExists);
  std::string found;
  ASSERT_TRUE(store_
                  ->Read([&](Transaction& tx) {
                    auto r = tx.organizations().FindByDomain(account_, "acme.com");
                    if (!r.ok()) return r.status();
                    found = r->name;
                    return Status::Ok();
                  })
                  .ok());
  EXPECT_EQ(found, "Acme");
}

TEST_P(StoreContractTest, DataSurvivesReopen) {
  UserId id = Insert(NewUser("Persisted", "p@example.com"));
  ASSERT_NO_FATAL_FAILURE(OpenStore());
  ASSERT_TRUE(store_->Migrate().ok());  // idempotent
  std::string name;
  ASSERT_TRUE(store_
                  ->Read([&](Transaction& tx) {
                    name = tx.users().Get(account_, id)->name;
                    return Status::Ok();
                  })
                  .ok());
  EXPECT_EQ(name, "Persisted");
}

TEST_P(StoreContractTest, AccountsAreFoundBySubdomainWhichIsUnique) {
  AccountId acme;
  ASSERT_TRUE(store_
                  ->Write([&](Transaction& tx) {
                    auto id = tx.accounts().Insert({AccountId(), "Acme", "{}", 1, "acme"});
                    if (!id.ok()) return id.status();
                    acme = *id;
                    return Status::Ok();
                  })
                  .ok());
  EXPECT_EQ(store_
                ->Write([&](Transaction& tx) {
                  return tx.accounts().Insert({AccountId(), "Copy", "{}", 1, "acme"}).status();
                })
                .code(),
            ErrorCode::kAlreadyExists);
  ASSERT_TRUE(
      store_
          ->Read([&](Transaction& tx) {
            auto a = tx.accounts().FindBySubdomain("acme");
            EXPECT_TRUE(a.ok());
            if (a.ok()) {
              EXPECT_EQ(a->id, acme);
            }
            EXPECT_EQ(tx.accounts().FindBySubdomain("other").status().code(), ErrorCode::kNotFound);
            // The account of the fixture has no subdomain: an empty one finds nothing.
            EXPECT_EQ(tx.accounts().FindBySubdomain("").status().code(), ErrorCode::kNotFound);
            return Status::Ok();
          })
          .ok());
}

TEST_P(StoreContractTest, SessionsAreScopedByAccountPagedTouchedAndDeleted) {
  UserId user = Insert(NewUser("Browser", "b@example.com"));
  UserId other_user = Insert(NewUser("Other", "o@example.com"));
  auto session = [&](UserId u, std::string hash) {
    storage::Session s;
    s.account_id = account_;
    s.user_id = u;
    s.token_hash = std::move(hash);
    s.csrf_token = "csrf";
    s.created_at = s.last_seen_at = 100;
    s.expires_at = 200;
    return s;
  };
  std::vector<std::int64_t> ids;
  ASSERT_TRUE(store_
                  ->Write([&](Transaction& tx) -> Status {
                    for (auto [u, h] : {std::pair{user, "h1"}, std::pair{user, "h2"},
                                        std::pair{other_user, "h3"}}) {
                      auto id = tx.sessions().Insert(session(u, h));
                      if (!id.ok()) return id.status();
                      ids.push_back(*id);
                    }
                    return Status::Ok();
                  })
                  .ok());
  EXPECT_EQ(store_
                ->Write([&](Transaction& tx) {
                  return tx.sessions().Insert(session(user, "h1")).status();
                })
                .code(),
            ErrorCode::kAlreadyExists);
  const AccountId elsewhere(account_.value + 1000);
  ASSERT_TRUE(store_
                  ->Write([&](Transaction& tx) -> Status {
                    auto found = tx.sessions().FindByTokenHash("h2");
                    EXPECT_TRUE(found.ok());
                    if (found.ok()) {
                      EXPECT_EQ(found->id, ids[1]);
                      EXPECT_EQ(found->account_id, account_);
                    }
                    EXPECT_EQ(tx.sessions().Get(elsewhere, ids[0]).status().code(),
                              ErrorCode::kNotFound);
                    storage::PageRequest p;
                    p.limit = 2;
                    p.count = true;
                    auto all = tx.sessions().List(account_, UserId(), p);
                    EXPECT_TRUE(all.ok());
                    if (all.ok()) {
                      EXPECT_EQ(all->items.size(), 2U);
                      EXPECT_TRUE(all->has_more);
                      EXPECT_EQ(all->total, 3);
                    }
                    auto mine = tx.sessions().List(account_, user, storage::PageRequest{});
                    EXPECT_TRUE(mine.ok());
                    if (mine.ok()) {
                      EXPECT_EQ(mine->items.size(), 2U);
                    }
                    auto none = tx.sessions().List(elsewhere, UserId(), storage::PageRequest{});
                    EXPECT_TRUE(none.ok());
                    if (none.ok()) {
                      EXPECT_TRUE(none->items.empty());
                    }
                    // Writes with the wrong account change nothing.
                    EXPECT_EQ(tx.sessions().Touch(elsewhere, ids[0], 150, 250).code(),
                              ErrorCode::kNotFound);
                    EXPECT_EQ(tx.sessions().SetCsrfToken(elsewhere, ids[0], "x").code(),
                              ErrorCode::kNotFound);
                    EXPECT_EQ(tx.sessions().Delete(elsewhere, ids[0]).code(), ErrorCode::kNotFound);
                    EXPECT_TRUE(tx.sessions().Touch(account_, ids[0], 150, 250).ok());
                    EXPECT_TRUE(tx.sessions().SetCsrfToken(account_, ids[0], "fresh").ok());
                    auto touched = tx.sessions().Get(account_, ids[0]);
                    EXPECT_TRUE(touched.ok());
                    if (touched.ok()) {
                      EXPECT_EQ(touched->last_seen_at, 150);
                      EXPECT_EQ(touched->expires_at, 250);
                      EXPECT_EQ(touched->csrf_token, "fresh");
                    }
                    auto removed = tx.sessions().DeleteForUser(elsewhere, user);
                    EXPECT_TRUE(removed.ok() && *removed == 0);
                    removed = tx.sessions().DeleteForUser(account_, other_user);
                    EXPECT_TRUE(removed.ok() && *removed == 1);
                    // ids[1] expires at 200; ids[0] was moved to 250.
                    removed = tx.sessions().DeleteExpired(200);
                    EXPECT_TRUE(removed.ok() && *removed == 1);
                    EXPECT_TRUE(tx.sessions().Get(account_, ids[0]).ok());
                    EXPECT_TRUE(tx.sessions().Delete(account_, ids[0]).ok());
                    return Status::Ok();
                  })
                  .ok());
}

INSTANTIATE_TEST_SUITE_P(Stores, StoreContractTest, ::testing::Values("sqlite", "postgres"),
                         [](const ::testing::TestParamInfo<std::string>& p) { return p.param; });

}  // namespace
}  // namespace comptoir
