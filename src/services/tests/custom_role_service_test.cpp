// CustomRoleService against a real SQLite store in a temp dir.
#include "comptoir/services/custom_role_service.hpp"

#include "people_fixture.hpp"

namespace comptoir::services {
namespace {

class CustomRoleServiceTest : public testing::PeopleFixture {
 protected:
  static CustomRoleInput Role(const std::string& name, boost::json::object config = {}) {
    CustomRoleInput in;
    in.name = name;
    in.configuration = std::move(config);
    return in;
  }
};

TEST_F(CustomRoleServiceTest, ParsesTicketAccessAndKeepsTheConfiguration) {
  auto r =
      svc_->custom_roles.Create(admin_, Role("Tier 1", {{"ticket_access", "within-groups"},
                                                        {"end_user_profile_access", "readonly"},
                                                        {"macro_access", "readonly"}}));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->role.ticket_access, domain::TicketAccess::kWithinGroups);
  EXPECT_FALSE(r->role.end_user_profile_edit);
  EXPECT_EQ(r->role.configuration.at("macro_access"), "readonly");
  auto got = svc_->custom_roles.Get(admin_, r->role.id);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->role.configuration.at("ticket_access"), "within-groups");
  EXPECT_EQ(got->role.configuration.at("macro_access"), "readonly");
}

TEST_F(CustomRoleServiceTest, BadTicketAccessIsRejected) {
  auto r = svc_->custom_roles.Create(admin_, Role("Odd", {{"ticket_access", "everything"}}));
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(HasDetail(r.status(), "configuration.ticket_access", "InvalidValue"));
  auto p = svc_->custom_roles.Create(admin_, Role("Odd", {{"end_user_profile_access", "x"}}));
  EXPECT_TRUE(HasDetail(p.status(), "configuration.end_user_profile_access", "InvalidValue"));
}

TEST_F(CustomRoleServiceTest, NameIsRequiredAndUnique) {
  EXPECT_TRUE(HasDetail(svc_->custom_roles.Create(admin_, CustomRoleInput{}).status(), "name",
                        "BlankValue"));
  ASSERT_TRUE(svc_->custom_roles.Create(admin_, Role("Light")).ok());
  EXPECT_TRUE(HasDetail(svc_->custom_roles.Create(admin_, Role("light")).status(), "name",
                        "DuplicateValue"));
}

TEST_F(CustomRoleServiceTest, ARoleInUseCannotBeDeleted) {
  auto r = svc_->custom_roles.Create(admin_, Role("Light"));
  ASSERT_TRUE(r.ok());
  UserId agent = NewUser("Agent", domain::Role::kAgent);
  auto u = LoadUser(agent);
  u.custom_role_id = r->role.id;
  ASSERT_TRUE(store_->Write([&](storage::Transaction& tx) { return tx.users().Update(u); }).ok());
  EXPECT_EQ(svc_->custom_roles.Get(admin_, r->role.id)->team_member_count, 1);
  EXPECT_EQ(svc_->custom_roles.Delete(admin_, r->role.id).code(), ErrorCode::kValidation);
  u.custom_role_id = CustomRoleId();
  ASSERT_TRUE(store_->Write([&](storage::Transaction& tx) { return tx.users().Update(u); }).ok());
  EXPECT_TRUE(svc_->custom_roles.Delete(admin_, r->role.id).ok());
  EXPECT_EQ(svc_->custom_roles.Get(admin_, r->role.id).status().code(), ErrorCode::kNotFound);
}

TEST_F(CustomRoleServiceTest, UpdateMergesConfigurationAndAgentsCannotWrite) {
  auto r = svc_->custom_roles.Create(admin_, Role("Light", {{"macro_access", "full"}}));
  ASSERT_TRUE(r.ok());
  auto u = svc_->custom_roles.Update(admin_, r->role.id,
                                     Role("Lighter", {{"ticket_access", "assigned-only"}}));
  ASSERT_TRUE(u.ok()) << u.status().ToString();
  EXPECT_EQ(u->role.name, "Lighter");
  EXPECT_EQ(u->role.ticket_access, domain::TicketAccess::kAssignedOnly);
  EXPECT_EQ(u->role.configuration.at("macro_access"), "full");
  auto agent = ContextFor(NewUser("Agent", domain::Role::kAgent), domain::Role::kAgent);
  EXPECT_EQ(svc_->custom_roles.Update(agent, r->role.id, Role("X")).status().code(),
            ErrorCode::kPermissionDenied);
  EXPECT_TRUE(svc_->custom_roles.List(agent).ok());
}

}  // namespace
}  // namespace comptoir::services
