// GroupService against a real SQLite store in a temp dir.
#include "comptoir/services/group_service.hpp"

#include "people_fixture.hpp"

namespace comptoir::services {
namespace {

using domain::Role;

class GroupServiceTest : public testing::PeopleFixture {
 protected:
  domain::Group NewGroup(const std::string& name, bool is_default = false) {
    GroupInput in;
    in.name = name;
    if (is_default) in.is_default = true;
    auto g = svc_->groups.Create(admin_, in);
    EXPECT_TRUE(g.ok()) << g.status().ToString();
    return g.ok() ? *g : domain::Group();
  }
  Result<domain::GroupMembership> Join(UserId user, GroupId group) {
    return svc_->groups.CreateMembership(admin_, {user, group, std::nullopt});
  }
};

TEST_F(GroupServiceTest, FirstGroupBecomesTheDefault) {
  auto first = NewGroup("Support");
  auto second = NewGroup("Billing");
  EXPECT_TRUE(first.is_default);
  EXPECT_FALSE(second.is_default);
}

TEST_F(GroupServiceTest, NameIsRequired) {
  auto g = svc_->groups.Create(admin_, GroupInput{});
  ASSERT_FALSE(g.ok());
  EXPECT_EQ(g.status().code(), ErrorCode::kValidation);
  EXPECT_TRUE(HasDetail(g.status(), "name", "BlankValue"));
}

TEST_F(GroupServiceTest, AgentsCannotCreateGroups) {
  auto agent = ContextFor(NewUser("Agent", Role::kAgent), Role::kAgent);
  GroupInput in;
  in.name = "Nope";
  EXPECT_EQ(svc_->groups.Create(agent, in).status().code(), ErrorCode::kPermissionDenied);
  EXPECT_TRUE(svc_->groups.List(agent, {}, {}).ok());
}

TEST_F(GroupServiceTest, MakingAGroupDefaultUnsetsThePreviousOne) {
  auto a = NewGroup("A");
  auto b = NewGroup("B");
  GroupInput in;
  in.is_default = true;
  auto updated = svc_->groups.Update(admin_, b.id, in);
  ASSERT_TRUE(updated.ok()) << updated.status().ToString();
  EXPECT_TRUE(updated->is_default);
  EXPECT_FALSE(svc_->groups.Get(admin_, a.id)->is_default);
  auto c = NewGroup("C", /*is_default=*/true);
  EXPECT_FALSE(svc_->groups.Get(admin_, b.id)->is_default);
  EXPECT_TRUE(svc_->groups.Get(admin_, c.id)->is_default);
}

TEST_F(GroupServiceTest, TheDefaultGroupCannotBeUnsetOrDeleted) {
  auto a = NewGroup("A");
  GroupInput in;
  in.is_default = false;
  EXPECT_EQ(svc_->groups.Update(admin_, a.id, in).status().code(), ErrorCode::kValidation);
  Status st = svc_->groups.Delete(admin_, a.id);
  EXPECT_EQ(st.code(), ErrorCode::kValidation);
  EXPECT_FALSE(svc_->groups.Get(admin_, a.id)->deleted);
}

TEST_F(GroupServiceTest, DeleteIsSoftAndRemovesMemberships) {
  NewGroup("Default");
  auto g = NewGroup("Doomed");
  UserId agent = NewUser("Agent", Role::kAgent);
  ASSERT_TRUE(Join(agent, g.id).ok());
  EXPECT_EQ(LoadUser(agent).default_group_id, g.id);
  ASSERT_TRUE(svc_->groups.Delete(admin_, g.id).ok());
  auto shown = svc_->groups.Get(admin_, g.id);
  ASSERT_TRUE(shown.ok());
  EXPECT_TRUE(shown->deleted);
  auto listed = svc_->groups.List(admin_, {}, {});
  ASSERT_TRUE(listed.ok());
  for (const auto& x : listed->items) EXPECT_NE(x.id, g.id);
  EXPECT_EQ(*svc_->groups.Count(admin_), 1);
  storage::MembershipFilter f;
  f.user_id = agent;
  EXPECT_TRUE(svc_->groups.ListMemberships(admin_, f, {})->items.empty());
  EXPECT_FALSE(LoadUser(agent).default_group_id);
  EXPECT_EQ(svc_->groups.Delete(admin_, g.id).code(), ErrorCode::kNotFound);
}

TEST_F(GroupServiceTest, EndUserCannotJoinAGroup) {
  auto g = NewGroup("Support");
  auto m = Join(NewUser("Customer", Role::kEndUser), g.id);
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.status().code(), ErrorCode::kValidation);
  EXPECT_EQ(Fields(m.status()), std::vector<std::string>{"user_id"});
}

TEST_F(GroupServiceTest, UnknownUserOrGroupIsNamedInTheError) {
  auto g = NewGroup("Support");
  auto no_user = Join(UserId(9999), g.id);
  EXPECT_EQ(Fields(no_user.status()), std::vector<std::string>{"user_id"});
  auto no_group = Join(NewUser("Agent", Role::kAgent), GroupId(9999));
  EXPECT_EQ(Fields(no_group.status()), std::vector<std::string>{"group_id"});
}

TEST_F(GroupServiceTest, DuplicateMembershipIsADuplicateValue) {
  auto g = NewGroup("Support");
  UserId agent = NewUser("Agent", Role::kAgent);
  ASSERT_TRUE(Join(agent, g.id).ok());
  auto again = Join(agent, g.id);
  ASSERT_FALSE(again.ok());
  EXPECT_TRUE(HasDetail(again.status(), "user_id", "DuplicateValue"));
}

TEST_F(GroupServiceTest, FirstMembershipIsDefaultAndMakeDefaultMovesIt) {
  auto g1 = NewGroup("One");
  auto g2 = NewGroup("Two");
  UserId agent = NewUser("Agent", Role::kAgent);
  auto m1 = Join(agent, g1.id);
  auto m2 = Join(agent, g2.id);
  ASSERT_TRUE(m1.ok() && m2.ok());
  EXPECT_TRUE(m1->is_default);
  EXPECT_FALSE(m2->is_default);
  EXPECT_EQ(LoadUser(agent).default_group_id, g1.id);

  auto list = svc_->groups.MakeDefault(admin_, agent, m2->id);
  ASSERT_TRUE(list.ok()) << list.status().ToString();
  ASSERT_EQ(list->size(), 2u);
  for (const auto& m : *list) EXPECT_EQ(m.is_default, m.id == m2->id);
  EXPECT_EQ(LoadUser(agent).default_group_id, g2.id);

  // Another user's membership id is not found under this user.
  UserId other = NewUser("Other", Role::kAgent);
  EXPECT_EQ(svc_->groups.MakeDefault(admin_, other, m2->id).status().code(), ErrorCode::kNotFound);
}

TEST_F(GroupServiceTest, DeletingTheDefaultMembershipMovesTheDefault) {
  auto g1 = NewGroup("One");
  auto g2 = NewGroup("Two");
  UserId agent = NewUser("Agent", Role::kAgent);
  auto m1 = Join(agent, g1.id);
  auto m2 = Join(agent, g2.id);
  ASSERT_TRUE(m1.ok() && m2.ok());
  ASSERT_TRUE(svc_->groups.DeleteMembership(admin_, m1->id).ok());
  EXPECT_EQ(LoadUser(agent).default_group_id, g2.id);
  EXPECT_TRUE(svc_->groups.GetMembership(admin_, m2->id)->is_default);
  ASSERT_TRUE(svc_->groups.DeleteMembership(admin_, m2->id, agent).ok());
  EXPECT_FALSE(LoadUser(agent).default_group_id);
}

TEST_F(GroupServiceTest, ListsGroupsOfAUser) {
  auto g1 = NewGroup("One");
  NewGroup("Two");
  UserId agent = NewUser("Agent", Role::kAgent);
  ASSERT_TRUE(Join(agent, g1.id).ok());
  auto groups = svc_->groups.ListForUser(admin_, agent);
  ASSERT_TRUE(groups.ok());
  ASSERT_EQ(groups->size(), 1u);
  EXPECT_EQ(groups->front().id, g1.id);
  EXPECT_EQ(svc_->groups.ListForUser(admin_, UserId(9999)).status().code(), ErrorCode::kNotFound);
}

}  // namespace
}  // namespace comptoir::services
