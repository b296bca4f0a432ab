// CustomFieldService against a real SQLite store in a temp dir.
#include "comptoir/services/custom_field_service.hpp"

#include "people_fixture.hpp"

namespace comptoir::services {
namespace {

using domain::FieldOwner;

class CustomFieldServiceTest : public testing::PeopleFixture {
 protected:
  static CustomFieldInput Field(const std::string& key, const std::string& type) {
    CustomFieldInput in;
    in.key = key;
    in.type = type;
    in.title = key;
    return in;
  }
  static FieldOptionInput Option(const std::string& name, const std::string& value) {
    FieldOptionInput o;
    o.name = name;
    o.value = value;
    return o;
  }
};

TEST_F(CustomFieldServiceTest, CreatesAndListsFieldsInOrder) {
  auto a = svc_->custom_fields.Create(admin_, FieldOwner::kUser, Field("plan", "text"));
  auto b = svc_->custom_fields.Create(admin_, FieldOwner::kUser, Field("seats", "integer"));
  ASSERT_TRUE(a.ok() && b.ok()) << a.status().ToString() << b.status().ToString();
  EXPECT_LT(a->position, b->position);
  auto list = svc_->custom_fields.List(admin_, FieldOwner::kUser);
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[0].key, "plan");
  EXPECT_TRUE(svc_->custom_fields.List(admin_, FieldOwner::kOrganization)->empty());
}

TEST_F(CustomFieldServiceTest, KeyIsRequiredValidAndUniquePerOwner) {
  CustomFieldInput no_key = Field("x", "text");
  no_key.key.reset();
  EXPECT_TRUE(HasDetail(svc_->custom_fields.Create(admin_, FieldOwner::kUser, no_key).status(),
                        "key", "BlankValue"));
  EXPECT_TRUE(HasDetail(
      svc_->custom_fields.Create(admin_, FieldOwner::kUser, Field("9lives", "text")).status(),
      "key", "InvalidValue"));
  ASSERT_TRUE(svc_->custom_fields.Create(admin_, FieldOwner::kUser, Field("plan", "text")).ok());
  auto dup = svc_->custom_fields.Create(admin_, FieldOwner::kUser, Field("plan", "integer"));
  ASSERT_FALSE(dup.ok());
  EXPECT_TRUE(HasDetail(dup.status(), "key", "DuplicateValue"));
  // The same key is free for the other owner.
  EXPECT_TRUE(
      svc_->custom_fields.Create(admin_, FieldOwner::kOrganization, Field("plan", "text")).ok());
}

TEST_F(CustomFieldServiceTest, UnknownTypeIsRejected) {
  auto f = svc_->custom_fields.Create(admin_, FieldOwner::kUser, Field("holo", "hologram"));
  EXPECT_TRUE(HasDetail(f.status(), "type", "InvalidValue"));
}

TEST_F(CustomFieldServiceTest, TypeAndKeyCannotChange) {
  auto f = svc_->custom_fields.Create(admin_, FieldOwner::kUser, Field("plan", "text"));
  ASSERT_TRUE(f.ok());
  CustomFieldInput change;
  change.type = "integer";
  EXPECT_TRUE(
      HasDetail(svc_->custom_fields.Update(admin_, FieldOwner::kUser, f->id, change).status(),
                "type", "InvalidValue"));
  CustomFieldInput rename;
  rename.key = "tier";
  EXPECT_TRUE(
      HasDetail(svc_->custom_fields.Update(admin_, FieldOwner::kUser, f->id, rename).status(),
                "key", "InvalidValue"));
  CustomFieldInput same;
  same.type = "text";
  same.title = "Plan";
  auto ok = svc_->custom_fields.Update(admin_, FieldOwner::kUser, f->id, same);
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  EXPECT_EQ(ok->title, "Plan");
}

TEST_F(CustomFieldServiceTest, RegexpFieldsNeedAValidPattern) {
  auto missing = svc_->custom_fields.Create(admin_, FieldOwner::kUser, Field("code", "regexp"));
  EXPECT_TRUE(HasDetail(missing.status(), "regexp_for_validation", "BlankValue"));
  auto bad_in = Field("code", "regexp");
  bad_in.regexp_for_validation = "([A-Z";
  EXPECT_TRUE(HasDetail(svc_->custom_fields.Create(admin_, FieldOwner::kUser, bad_in).status(),
                        "regexp_for_validation", "InvalidValue"));
  auto good_in = Field("code", "regexp");
  good_in.regexp_for_validation = "^[A-Z]{3}$";
  auto good = svc_->custom_fields.Create(admin_, FieldOwner::kUser, good_in);
  ASSERT_TRUE(good.ok()) << good.status().ToString();
  EXPECT_EQ(good->regexp_for_validation, "^[A-Z]{3}$");
}

TEST_F(CustomFieldServiceTest, DropdownsNeedOptionsAndGetIdsFromOne) {
  auto empty = svc_->custom_fields.Create(admin_, FieldOwner::kUser, Field("plan", "dropdown"));
  EXPECT_TRUE(HasDetail(empty.status(), "custom_field_options", "BlankValue"));

  auto in = Field("plan", "dropdown");
  in.options = {Option("Gold", "Gold Plan"), Option("Silver", "silver")};
  auto f = svc_->custom_fields.Create(admin_, FieldOwner::kUser, in);
  ASSERT_TRUE(f.ok()) << f.status().ToString();
  ASSERT_EQ(f->options.size(), 2u);
  EXPECT_EQ(f->options[0].id, 1);
  EXPECT_EQ(f->options[1].id, 2);
  EXPECT_EQ(f->options[0].value, "gold_plan");

  // Replacing the list keeps the ids of options with the same value; new ones get max+1.
  CustomFieldInput upd;
  upd.options = {Option("Silver!", "silver"), Option("Bronze", "bronze")};
  auto u = svc_->custom_fields.Update(admin_, FieldOwner::kUser, f->id, upd);
  ASSERT_TRUE(u.ok()) << u.status().ToString();
  ASSERT_EQ(u->options.size(), 2u);
  EXPECT_EQ(u->options[0].id, 2);
  EXPECT_EQ(u->options[0].name, "Silver!");
  EXPECT_EQ(u->options[1].id, 3);

  auto added = svc_->custom_fields.UpsertOption(admin_, FieldOwner::kUser, f->id,
                                                Option("Platinum", "platinum"));
  ASSERT_TRUE(added.ok()) << added.status().ToString();
  EXPECT_TRUE(added->second);
  EXPECT_EQ(added->first.id, 4);
  auto renamed = svc_->custom_fields.UpsertOption(admin_, FieldOwner::kUser, f->id,
                                                  Option("Plat.", "platinum"));
  ASSERT_TRUE(renamed.ok());
  EXPECT_FALSE(renamed->second);
  EXPECT_EQ(renamed->first.id, 4);
  EXPECT_EQ(svc_->custom_fields.Options(admin_, FieldOwner::kUser, f->id)->size(), 3u);

  ASSERT_TRUE(svc_->custom_fields.DeleteOption(admin_, FieldOwner::kUser, f->id, 2).ok());
  EXPECT_EQ(svc_->custom_fields.GetOption(admin_, FieldOwner::kUser, f->id, 2).status().code(),
            ErrorCode::kNotFound);
}

TEST_F(CustomFieldServiceTest, OptionsWithoutNameOrValueAreRejected) {
  auto in = Field("plan", "dropdown");
  in.options = {Option("", "gold")};
  auto f = svc_->custom_fields.Create(admin_, FieldOwner::kUser, in);
  EXPECT_TRUE(HasDetail(f.status(), "custom_field_options", "BlankValue"));
}

TEST_F(CustomFieldServiceTest, ReorderFollowsTheGivenIds) {
  auto a = svc_->custom_fields.Create(admin_, FieldOwner::kOrganization, Field("a", "text"));
  auto b = svc_->custom_fields.Create(admin_, FieldOwner::kOrganization, Field("b", "text"));
  auto c = svc_->custom_fields.Create(admin_, FieldOwner::kOrganization, Field("c", "text"));
  ASSERT_TRUE(a.ok() && b.ok() && c.ok());
  auto list = svc_->custom_fields.Reorder(admin_, FieldOwner::kOrganization, {c->id, a->id});
  ASSERT_TRUE(list.ok()) << list.status().ToString();
  auto stored = svc_->custom_fields.List(admin_, FieldOwner::kOrganization);
  ASSERT_EQ(stored->size(), 3u);
  EXPECT_EQ((*stored)[0].key, "c");
  EXPECT_EQ((*stored)[1].key, "a");
  EXPECT_EQ((*stored)[2].key, "b");
  EXPECT_EQ(svc_->custom_fields.Reorder(admin_, FieldOwner::kOrganization, {FieldId(999)})
                .status()
                .code(),
            ErrorCode::kValidation);
}

TEST_F(CustomFieldServiceTest, OnlyAdminsDefineFields) {
  auto agent = ContextFor(NewUser("Agent", domain::Role::kAgent), domain::Role::kAgent);
  EXPECT_EQ(
      svc_->custom_fields.Create(agent, FieldOwner::kUser, Field("x", "text")).status().code(),
      ErrorCode::kPermissionDenied);
  EXPECT_TRUE(svc_->custom_fields.List(agent, FieldOwner::kUser).ok());
  auto customer = ContextFor(NewUser("C", domain::Role::kEndUser), domain::Role::kEndUser);
  EXPECT_EQ(svc_->custom_fields.List(customer, FieldOwner::kUser).status().code(),
            ErrorCode::kPermissionDenied);
}

}  // namespace
}  // namespace comptoir::services
