#include "comptoir/services/session_service.hpp"

#include "comptoir/common/crypto.hpp"
#include "people_fixture.hpp"

namespace comptoir::services {
namespace {

constexpr const char* kPassword = "Passw0rd-for-sessions";

class SessionServiceTest : public testing::PeopleFixture {
 protected:
  void SetUp() override {
    PeopleFixture::SetUp();
    UserInput in;
    in.name = "Browser user";
    in.email = "browser@example.com";
    in.role = "agent";
    in.password = kPassword;
    auto u = svc_->users.Create(admin_, in);
    ASSERT_TRUE(u.ok()) << u.status().ToString();
    user_ = u->id;
  }

  storage::Session Row(std::int64_t id) {
    storage::Session s;
    EXPECT_TRUE(store_
                    ->Read([&](storage::Transaction& tx) {
                      auto r = tx.sessions().Get(account_, id);
                      if (!r.ok()) return r.status();
                      s = *r;
                      return Status::Ok();
                    })
                    .ok());
    return s;
  }

  UserId user_;
};

TEST_F(SessionServiceTest, LoginStoresOnlyTheHashOfTheCookie) {
  auto s = svc_->sessions.Login(account_, "Browser@Example.com", kPassword, "10.0.0.1", "agent");
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ(s->actor.user_id, user_);
  EXPECT_GE(s->cookie.size(), 43U);  // 32 bytes, base64url
  const storage::Session row = Row(s->session.id);
  EXPECT_EQ(row.token_hash, crypto::Sha256Hex(s->cookie));
  EXPECT_NE(row.token_hash, s->cookie);
  EXPECT_EQ(row.csrf_token, s->session.csrf_token);
  EXPECT_EQ(row.expires_at, clock_.Now() + 8 * 3600);
  EXPECT_EQ(LoadUser(user_).last_login_at, clock_.Now());

  auto bad = svc_->sessions.Login(account_, "browser@example.com", "wrong-passw0rd", "", "");
  EXPECT_EQ(bad.status().code(), ErrorCode::kUnauthenticated);
}

TEST_F(SessionServiceTest, LastSeenIsWrittenAtMostOncePerMinute) {
  auto s = svc_->sessions.Login(account_, "browser@example.com", kPassword, "", "");
  ASSERT_TRUE(s.ok());
  const Timestamp start = clock_.Now();
  clock_.Advance(std::chrono::seconds(30));
  ASSERT_TRUE(svc_->sessions.Authenticate(account_, s->cookie).ok());
  EXPECT_EQ(Row(s->session.id).last_seen_at, start) << "no write within the minute";
  clock_.Advance(std::chrono::seconds(31));
  auto a = svc_->sessions.Authenticate(account_, s->cookie);
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->session.last_seen_at, start + 61);
  EXPECT_EQ(Row(s->session.id).last_seen_at, start + 61);
  EXPECT_EQ(Row(s->session.id).expires_at, start + 61 + 8 * 3600);
}

TEST_F(SessionServiceTest, IdleSessionsExpire) {
  auto s = svc_->sessions.Login(account_, "browser@example.com", kPassword, "", "");
  ASSERT_TRUE(s.ok());
  clock_.Advance(std::chrono::hours(8) - std::chrono::seconds(1));
  ASSERT_TRUE(svc_->sessions.Authenticate(account_, s->cookie).ok());  // refreshed
  clock_.Advance(std::chrono::hours(8) - std::chrono::seconds(1));
  EXPECT_TRUE(svc_->sessions.Authenticate(account_, s->cookie).ok());
  clock_.Advance(std::chrono::hours(8));
  EXPECT_EQ(svc_->sessions.Authenticate(account_, s->cookie).status().code(),
            ErrorCode::kUnauthenticated);
}

TEST_F(SessionServiceTest, ASessionIsUnknownInAnotherAccount) {
  auto s = svc_->sessions.Login(account_, "browser@example.com", kPassword, "", "");
  ASSERT_TRUE(s.ok());
  const AccountId other(account_.value + 1);
  EXPECT_EQ(svc_->sessions.Authenticate(other, s->cookie).status().code(),
            ErrorCode::kUnauthenticated);
  EXPECT_EQ(svc_->sessions.Login(other, "browser@example.com", kPassword, "", "").status().code(),
            ErrorCode::kUnauthenticated);
  EXPECT_EQ(svc_->sessions.Authenticate(account_, "not-a-cookie-of-ours-at-all").status().code(),
            ErrorCode::kUnauthenticated);
}

TEST_F(SessionServiceTest, SuspensionPasswordAndRoleChangesEndSessions) {
  auto run = [&](const UserInput& change) {
    auto s = svc_->sessions.Login(account_, "browser@example.com", kPassword, "", "");
    EXPECT_TRUE(s.ok());
    if (!s.ok()) return;
    auto u = svc_->users.Update(admin_, user_, change);
    EXPECT_TRUE(u.ok()) << u.status().ToString();
    EXPECT_EQ(svc_->sessions.Authenticate(account_, s->cookie).status().code(),
              ErrorCode::kUnauthenticated);
    auto list = svc_->sessions.List(admin_, user_, storage::PageRequest{});
    ASSERT_TRUE(list.ok());
    EXPECT_TRUE(list->items.empty());
  };
  UserInput role;
  role.role = "admin";
  run(role);
  UserInput password;
  password.password = kPassword;  // the same value still counts as a new password
  run(password);
  UserInput suspend;
  suspend.suspended = true;
  run(suspend);

  UserInput unsuspend;
  unsuspend.suspended = false;
  ASSERT_TRUE(svc_->users.Update(admin_, user_, unsuspend).ok());
  auto s = svc_->sessions.Login(account_, "browser@example.com", kPassword, "", "");
  ASSERT_TRUE(s.ok());
  UserInput notes;
  notes.notes = "unrelated";
  ASSERT_TRUE(svc_->users.Update(admin_, user_, notes).ok());
  EXPECT_TRUE(svc_->sessions.Authenticate(account_, s->cookie).ok());
}

TEST_F(SessionServiceTest, OnlyAdminsManageOtherPeoplesSessions) {
  auto s = svc_->sessions.Login(account_, "browser@example.com", kPassword, "", "");
  ASSERT_TRUE(s.ok());
  const Context self = ContextFor(user_, domain::Role::kAgent);
  const UserId other = NewUser("Other", domain::Role::kAgent);
  const Context stranger = ContextFor(other, domain::Role::kAgent);
  EXPECT_TRUE(svc_->sessions.Get(self, user_, s->session.id).ok());
  EXPECT_EQ(svc_->sessions.Get(stranger, user_, s->session.id).status().code(),
            ErrorCode::kPermissionDenied);
  EXPECT_EQ(svc_->sessions.List(stranger, UserId(), {}).status().code(),
            ErrorCode::kPermissionDenied);
  EXPECT_EQ(svc_->sessions.Get(admin_, other, s->session.id).status().code(), ErrorCode::kNotFound);
  EXPECT_EQ(svc_->sessions.End(stranger, s->session.id).code(), ErrorCode::kNotFound);
  auto renewed = svc_->sessions.RenewCsrfToken(self, s->session.id);
  ASSERT_TRUE(renewed.ok());
  EXPECT_NE(*renewed, s->session.csrf_token);
  EXPECT_EQ(Row(s->session.id).csrf_token, *renewed);
  EXPECT_TRUE(svc_->sessions.Delete(admin_, user_, s->session.id).ok());
  EXPECT_EQ(svc_->sessions.Authenticate(account_, s->cookie).status().code(),
            ErrorCode::kUnauthenticated);
}

}  // namespace
}  // namespace comptoir::services
