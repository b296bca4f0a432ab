#include "comptoir/services/account_service.hpp"

#include "people_fixture.hpp"

namespace comptoir::services {
namespace {

constexpr const char* kPassword = "Passw0rd-for-accounts";

using AccountServiceTest = testing::PeopleFixture;

TEST_F(AccountServiceTest, ResolvesTheHostAndCachesMissesBriefly) {
  EXPECT_EQ(*svc_->accounts.Resolve("127.0.0.1:8080"), AccountId(1));
  EXPECT_EQ(*svc_->accounts.Resolve("acme.example.com"), AccountId(1));  // a miss, remembered
  NewAccount in;
  in.subdomain = "acme";
  in.name = "Acme";
  in.owner_email = "owner@acme.test";
  in.owner_password = kPassword;
  auto made = AccountService::Create(*store_, clock_, in);
  ASSERT_TRUE(made.ok()) << made.status().ToString();
  EXPECT_EQ(*svc_->accounts.Resolve("acme.example.com"), AccountId(1)) << "the miss is cached";
  clock_.Advance(std::chrono::seconds(6));
  EXPECT_EQ(*svc_->accounts.Resolve("ACME.example.com:443"), made->account);
  EXPECT_EQ(svc_->auth.WithPassword(made->account, "owner@acme.test", kPassword)->user_id,
            made->owner);
  EXPECT_EQ(svc_->auth.WithPassword(account_, "owner@acme.test", kPassword).status().code(),
            ErrorCode::kUnauthenticated);
}

TEST_F(AccountServiceTest, CreatesTheOwnerAndDefaultGroupAndRefusesBadSubdomains) {
  NewAccount in;
  in.subdomain = "beta";
  in.name = "Beta";
  in.owner_email = "Owner@Beta.test";
  in.owner_password = kPassword;
  auto made = AccountService::Create(*store_, clock_, in);
  ASSERT_TRUE(made.ok()) << made.status().ToString();
  ASSERT_TRUE(store_
                  ->Read([&](storage::Transaction& tx) {
                    auto owner = tx.users().Get(made->account, made->owner);
                    EXPECT_TRUE(owner.ok());
                    if (owner.ok()) {
                      EXPECT_EQ(owner->role, domain::Role::kAdmin);
                      EXPECT_EQ(owner->email, "owner@beta.test");
                      EXPECT_EQ(owner->default_group_id, made->group);
                    }
                    auto group = tx.groups().Get(made->account, made->group);
                    EXPECT_TRUE(group.ok() && group->is_default);
                    EXPECT_FALSE(tx.users().Get(account_, made->owner).ok());
                    return Status::Ok();
                  })
                  .ok());

  auto taken = AccountService::Create(*store_, clock_, in);
  EXPECT_EQ(taken.status().code(), ErrorCode::kValidation);
  EXPECT_TRUE(HasDetail(taken.status(), "subdomain", "DuplicateValue"));
  for (const char* bad : {"Not Valid", "www", "-beta", "42"}) {
    in.subdomain = bad;
    auto r = AccountService::Create(*store_, clock_, in);
    EXPECT_TRUE(HasDetail(r.status(), "subdomain", "InvalidValue")) << bad;
  }
  in.subdomain = "gamma";
  in.owner_password = "short";
  EXPECT_EQ(AccountService::Create(*store_, clock_, in).status().code(), ErrorCode::kValidation);
}

}  // namespace
}  // namespace comptoir::services
