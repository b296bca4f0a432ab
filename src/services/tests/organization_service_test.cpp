// OrganizationService against a real SQLite store in a temp dir.
#include "comptoir/services/organization_service.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>

#include "comptoir/storage_sqlite/sqlite_store.hpp"

namespace comptoir::services {
namespace {

using storage::Transaction;

class OrganizationServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("comptoir-orgsvc-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    auto s = sqlite::SqliteStore::Open({(dir_ / "test.db").string()});
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(s).value();
    ASSERT_TRUE(store_->Migrate().ok());
    ASSERT_TRUE(store_
                    ->Write([&](Transaction& tx) {
                      auto id = tx.accounts().Insert({AccountId(), "Test", "{}", 1});
                      if (!id.ok()) return id.status();
                      account_ = *id;
                      return Status::Ok();
                    })
                    .ok());
    auth_ = std::make_unique<AuthService>(ServiceEnv{*store_, clock_});
    svc_ = std::make_unique<OrganizationService>(ServiceEnv{*store_, clock_}, *auth_);
    admin_ = ContextFor(NewUser("Admin", domain::Role::kAdmin));
  }
  void TearDown() override {
    svc_.reset();
    auth_.reset();
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
                    ->Write([&](Transaction& tx) {
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
                    ->Read([&](Transaction& tx) {
                      auto r = tx.users().Get(account_, id);
                      if (!r.ok()) return r.status();
                      u = *r;
                      return Status::Ok();
                    })
                    .ok());
    return u;
  }

  Context ContextFor(UserId user, domain::Role role = domain::Role::kAdmin,
                     bool can_edit_end_users = true) {
    Context c;
    c.actor.account_id = account_;
    c.actor.user_id = user;
    c.actor.role = role;
    c.actor.can_edit_end_users = can_edit_end_users;
    return c;
  }

  domain::Organization MakeOrg(const std::string& name, std::vector<std::string> domains = {}) {
    OrganizationInput in;
    in.name = name;
    if (!domains.empty()) in.domain_names = std::move(domains);
    auto o = svc_->Create(admin_, in);
    EXPECT_TRUE(o.ok()) << o.status().ToString();
    return o.ok() ? *o : domain::Organization();
  }

  OrganizationMembershipView Join(UserId user, OrganizationId org) {
    auto m = svc_->CreateMembership(admin_, {user.value, org.value, std::nullopt, std::nullopt});
    EXPECT_TRUE(m.ok()) << m.status().ToString();
    return m.ok() ? *m : OrganizationMembershipView();
  }

  static bool HasDetail(const Status& st, const std::string& field, const std::string& error) {
    for (const auto& d : st.details()) {
      if (d.field == field && d.error == error) return true;
    }
    return false;
  }

  std::filesystem::path dir_;
  FakeClock clock_;
  std::unique_ptr<storage::Store> store_;
  std::unique_ptr<AuthService> auth_;
  std::unique_ptr<OrganizationService> svc_;
  AccountId account_;
  Context admin_;
};

TEST_F(OrganizationServiceTest, RejectsADuplicateNameIgnoringCase) {
  MakeOrg("Acme");
  OrganizationInput in;
  in.name = "  ACME ";
  auto dup = svc_->Create(admin_, in);
  ASSERT_FALSE(dup.ok());
  EXPECT_EQ(dup.status().code(), ErrorCode::kValidation);
  EXPECT_TRUE(HasDetail(dup.status(), "name", "DuplicateValue")) << dup.status().ToString();
}

TEST_F(OrganizationServiceTest, RequiresAName) {
  OrganizationInput in;
  in.notes = "no name";
  auto o = svc_->Create(admin_, in);
  ASSERT_FALSE(o.ok());
  EXPECT_TRUE(HasDetail(o.status(), "name", "BlankValue")) << o.status().ToString();
}

TEST_F(OrganizationServiceTest, RejectsADomainClaimedByAnotherOrganization) {
  auto first = MakeOrg("First", {"Example.COM"});
  EXPECT_EQ(first.domain_names, std::vector<std::string>{"example.com"});
  OrganizationInput in;
  in.name = "Second";
  in.domain_names = std::vector<std::string>{"example.com"};
  auto second = svc_->Create(admin_, in);
  ASSERT_FALSE(second.ok());
  EXPECT_TRUE(HasDetail(second.status(), "domain_names", "DuplicateValue"))
      << second.status().ToString();

  // The owner itself may keep (re-send) its domain.
  OrganizationInput same;
  same.domain_names = std::vector<std::string>{"example.com", "other.example"};
  auto updated = svc_->Update(admin_, first.id, same);
  ASSERT_TRUE(updated.ok()) << updated.status().ToString();
  EXPECT_EQ(updated->domain_names.size(), 2u);
}

TEST_F(OrganizationServiceTest, RejectsAnInvalidDomain) {
  OrganizationInput in;
  in.name = "Bad";
  in.domain_names = std::vector<std::string>{"not a domain"};
  auto o = svc_->Create(admin_, in);
  ASSERT_FALSE(o.ok());
  EXPECT_TRUE(HasDetail(o.status(), "domain_names", "InvalidValue")) << o.status().ToString();
}

TEST_F(OrganizationServiceTest, FirstMembershipBecomesTheDefault) {
  auto a = MakeOrg("A");
  auto b = MakeOrg("B");
  UserId u = NewUser("Customer", domain::Role::kEndUser);

  auto m1 = Join(u, a.id);
  EXPECT_TRUE(m1.is_default);
  EXPECT_EQ(m1.organization_name, "A");
  EXPECT_EQ(LoadUser(u).organization_id, a.id);

  auto m2 = Join(u, b.id);
  EXPECT_FALSE(m2.is_default);
  EXPECT_EQ(LoadUser(u).organization_id, a.id);

  auto dup = svc_->CreateMembership(admin_, {u.value, a.id.value, std::nullopt, std::nullopt});
  ASSERT_FALSE(dup.ok());
  EXPECT_TRUE(HasDetail(dup.status(), "user_id", "DuplicateValue")) << dup.status().ToString();

  auto all = svc_->MakeDefault(admin_, u, m2.id);
  ASSERT_TRUE(all.ok()) << all.status().ToString();
  for (const auto& m : *all) EXPECT_EQ(m.is_default, m.id == m2.id);
  EXPECT_EQ(LoadUser(u).organization_id, b.id);
}

TEST_F(OrganizationServiceTest, DeletingTheDefaultMembershipPromotesAnother) {
  auto a = MakeOrg("A");
  auto b = MakeOrg("B");
  UserId u = NewUser("Customer", domain::Role::kEndUser);
  auto m1 = Join(u, a.id);
  auto m2 = Join(u, b.id);

  ASSERT_TRUE(svc_->DeleteMembership(admin_, m1.id).ok());
  EXPECT_EQ(LoadUser(u).organization_id, b.id);
  auto left = svc_->GetMembership(admin_, m2.id);
  ASSERT_TRUE(left.ok());
  EXPECT_TRUE(left->is_default);

  ASSERT_TRUE(svc_->RemoveFromOrganization(admin_, u, b.id).ok());
  EXPECT_FALSE(LoadUser(u).organization_id);
}

TEST_F(OrganizationServiceTest, MembershipNeedsAnExistingUserAndOrganization) {
  auto a = MakeOrg("A");
  UserId u = NewUser("Customer", domain::Role::kEndUser);
  auto no_org = svc_->CreateMembership(admin_, {u.value, 424242, std::nullopt, std::nullopt});
  ASSERT_FALSE(no_org.ok());
  EXPECT_TRUE(HasDetail(no_org.status(), "organization_id", "InvalidValue"));
  auto no_user = svc_->CreateMembership(admin_, {424242, a.id.value, std::nullopt, std::nullopt});
  ASSERT_FALSE(no_user.ok());
  EXPECT_TRUE(HasDetail(no_user.status(), "user_id", "InvalidValue"));
}

TEST_F(OrganizationServiceTest, DeleteRemovesMembershipsAndClearsUsersOrganization) {
  auto a = MakeOrg("A", {"a.example"});
  auto b = MakeOrg("B");
  UserId only_a = NewUser("Only A", domain::Role::kEndUser);
  UserId both = NewUser("Both", domain::Role::kEndUser);
  Join(only_a, a.id);
  Join(both, a.id);
  Join(both, b.id);

  ASSERT_TRUE(svc_->Delete(admin_, a.id).ok());
  EXPECT_EQ(svc_->Get(admin_, a.id).status().code(), ErrorCode::kNotFound);
  EXPECT_FALSE(LoadUser(only_a).organization_id);
  EXPECT_EQ(LoadUser(both).organization_id, b.id);

  storage::MembershipFilter f;
  f.user_id = only_a;
  auto left = svc_->ListMemberships(admin_, f, {});
  ASSERT_TRUE(left.ok());
  EXPECT_TRUE(left->items.empty());

  // The domain is free again.
  MakeOrg("C", {"a.example"});
}

TEST_F(OrganizationServiceTest, AgentWithoutEditPermissionIsDenied) {
  auto a = MakeOrg("A");
  Context agent = ContextFor(NewUser("Agent", domain::Role::kAgent), domain::Role::kAgent,
                             /*can_edit_end_users=*/false);
  OrganizationInput in;
  in.name = "Nope";
  EXPECT_EQ(svc_->Create(agent, in).status().code(), ErrorCode::kPermissionDenied);
  EXPECT_EQ(svc_->Update(agent, a.id, in).status().code(), ErrorCode::kPermissionDenied);
  EXPECT_EQ(svc_->Delete(agent, a.id).code(), ErrorCode::kPermissionDenied);
  UserId u = NewUser("Customer", domain::Role::kEndUser);
  EXPECT_EQ(svc_->CreateMembership(agent, {u.value, a.id.value, std::nullopt, std::nullopt})
                .status()
                .code(),
            ErrorCode::kPermissionDenied);
  // Reading is fine.
  EXPECT_TRUE(svc_->Get(agent, a.id).ok());
  EXPECT_TRUE(svc_->List(agent, {}, {}).ok());

  Context editor = ContextFor(NewUser("Editor", domain::Role::kAgent), domain::Role::kAgent);
  in.name = "Yes";
  EXPECT_TRUE(svc_->Create(editor, in).ok());
}

TEST_F(OrganizationServiceTest, EndUserSeesOnlyTheirOwn) {
  auto mine = MakeOrg("Mine");
  auto other = MakeOrg("Other");
  UserId u = NewUser("Customer", domain::Role::kEndUser);
  UserId someone = NewUser("Someone", domain::Role::kEndUser);
  Join(u, mine.id);
  auto theirs = Join(someone, other.id);
  Context end_user = ContextFor(u, domain::Role::kEndUser);

  EXPECT_EQ(svc_->List(end_user, {}, {}).status().code(), ErrorCode::kPermissionDenied);
  EXPECT_EQ(svc_->Count(end_user, {}).status().code(), ErrorCode::kPermissionDenied);
  EXPECT_TRUE(svc_->Get(end_user, mine.id).ok());
  EXPECT_EQ(svc_->Get(end_user, other.id).status().code(), ErrorCode::kNotFound);

  storage::MembershipFilter own;
  own.user_id = u;
  auto memberships = svc_->ListMemberships(end_user, own, {});
  ASSERT_TRUE(memberships.ok()) << memberships.status().ToString();
  ASSERT_EQ(memberships->items.size(), 1u);
  EXPECT_EQ(memberships->items[0].organization_id, mine.id);
  EXPECT_EQ(svc_->ListMemberships(end_user, {}, {}).status().code(), ErrorCode::kPermissionDenied);
  EXPECT_EQ(svc_->GetMembership(end_user, theirs.id).status().code(), ErrorCode::kNotFound);

  auto orgs = svc_->ListForUser(end_user, u, {});
  ASSERT_TRUE(orgs.ok());
  ASSERT_EQ(orgs->items.size(), 1u);
  EXPECT_EQ(orgs->items[0].id, mine.id);

  OrganizationInput in;
  in.notes = "x";
  EXPECT_EQ(svc_->Update(end_user, mine.id, in).status().code(), ErrorCode::kPermissionDenied);
}

TEST_F(OrganizationServiceTest, ValidatesOrganizationFieldsAndListsEveryDefinedKey) {
  ASSERT_TRUE(
      store_
          ->Write([&](Transaction& tx) {
            for (auto [key, type] : {std::pair{"seats", "integer"}, std::pair{"region", "text"}}) {
              domain::CustomField f;
              f.account_id = account_;
              f.owner = domain::FieldOwner::kOrganization;
              f.key = key;
              f.type = type;
              f.title = key;
              auto id = tx.custom_fields().Insert(f);
              if (!id.ok()) return id.status();
            }
            return Status::Ok();
          })
          .ok());
  OrganizationInput in;
  in.name = "Fields";
  in.organization_fields = boost::json::object{{"seats", "12"}};
  auto o = svc_->Create(admin_, in);
  ASSERT_TRUE(o.ok()) << o.status().ToString();
  EXPECT_EQ(o->organization_fields.at("seats"), boost::json::value(12));
  EXPECT_TRUE(o->organization_fields.at("region").is_null());

  OrganizationInput bad;
  bad.organization_fields = boost::json::object{{"seats", "twelve"}};
  EXPECT_EQ(svc_->Update(admin_, o->id, bad).status().code(), ErrorCode::kValidation);
  OrganizationInput unknown;
  unknown.organization_fields = boost::json::object{{"nope", 1}};
  auto st = svc_->Update(admin_, o->id, unknown).status();
  EXPECT_TRUE(HasDetail(st, "organization_fields.nope", "InvalidValue")) << st.ToString();
}

TEST_F(OrganizationServiceTest, CreateOrUpdateMatchesByExternalIdThenName) {
  OrganizationInput in;
  in.name = "Match";
  in.external_id = "ext-1";
  auto first = svc_->CreateOrUpdate(admin_, OrganizationId(), in);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_TRUE(first->second);

  OrganizationInput by_ext;
  by_ext.external_id = "ext-1";
  by_ext.notes = "found by external id";
  auto second = svc_->CreateOrUpdate(admin_, OrganizationId(), by_ext);
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  EXPECT_FALSE(second->second);
  EXPECT_EQ(second->first.id, first->first.id);
  EXPECT_EQ(second->first.notes, "found by external id");

  OrganizationInput by_name;
  by_name.name = "match";
  auto third = svc_->CreateOrUpdate(admin_, OrganizationId(), by_name);
  ASSERT_TRUE(third.ok()) << third.status().ToString();
  EXPECT_FALSE(third->second);
  EXPECT_EQ(third->first.id, first->first.id);
}

TEST_F(OrganizationServiceTest, TagsSetAddRemove) {
  auto o = MakeOrg("Tagged");
  using Op = OrganizationService::TagOp;
  auto set = svc_->ChangeTags(admin_, o.id, Op::kSet, {"Gold", "vip"});
  ASSERT_TRUE(set.ok());
  EXPECT_EQ(*set, (std::vector<std::string>{"gold", "vip"}));
  auto add = svc_->ChangeTags(admin_, o.id, Op::kAdd, {"vip", "new"});
  ASSERT_TRUE(add.ok());
  EXPECT_EQ(*add, (std::vector<std::string>{"gold", "vip", "new"}));
  auto removed = svc_->ChangeTags(admin_, o.id, Op::kRemove, {"gold"});
  ASSERT_TRUE(removed.ok());
  EXPECT_EQ(*removed, (std::vector<std::string>{"vip", "new"}));
}

TEST_F(OrganizationServiceTest, AutocompleteNeedsTwoCharacters) {
  MakeOrg("Alpha");
  MakeOrg("Alpine");
  MakeOrg("Beta");
  EXPECT_EQ(svc_->Autocomplete(admin_, "a", {}).status().code(), ErrorCode::kInvalidArgument);
  auto found = svc_->Autocomplete(admin_, "AL", {});
  ASSERT_TRUE(found.ok());
  EXPECT_EQ(found->items.size(), 2u);
}

TEST_F(OrganizationServiceTest, RecordsCreateUpdateAndDestroyInTheAuditLog) {
  auto o = MakeOrg("Audited");
  OrganizationInput in;
  in.notes = "changed";
  ASSERT_TRUE(svc_->Update(admin_, o.id, in).ok());
  ASSERT_TRUE(svc_->Delete(admin_, o.id).ok());
  std::vector<std::string> actions;
  ASSERT_TRUE(store_
                  ->Read([&](Transaction& tx) {
                    auto page = tx.audit_logs().List(account_, "organization", o.id.value, {});
                    if (!page.ok()) return page.status();
                    for (const auto& e : page->items) actions.push_back(e.action);
                    return Status::Ok();
                  })
                  .ok());
  std::sort(actions.begin(), actions.end());
  EXPECT_EQ(actions, (std::vector<std::string>{"create", "destroy", "update"}));
}

}  // namespace
}  // namespace comptoir::services
