#include <gtest/gtest.h>

#include "comptoir/domain/policy.hpp"
#include "comptoir/domain/validation.hpp"

namespace comptoir::domain {
namespace {

TEST(NormalizeEmailTest, LowerCasesAndTrims) {
  EXPECT_EQ(NormalizeEmail("  Jane.Doe@Example.COM "), "jane.doe@example.com");
}

TEST(NormalizeEmailTest, RejectsMalformedAddresses) {
  for (const char* bad :
       {"", "plain", "@example.com", "a@", "a@b", "a b@example.com", "a..b@example.com",
        ".a@example.com", "a@-example.com", "a@example..com", "a<b>@example.com"}) {
    EXPECT_FALSE(NormalizeEmail(bad).has_value()) << bad;
  }
}

TEST(SubdomainTest, AcceptsDnsLabelsAndRefusesReservedOrNumericOnes) {
  const std::string longest(63, 'a');
  const std::string too_long(64, 'a');
  for (const std::string& good : {std::string("acme"), std::string("a"), std::string("acme-2"),
                                  std::string("2acme"), longest}) {
    EXPECT_TRUE(IsValidSubdomain(good)) << good;
  }
  for (const std::string& bad :
       {std::string(), std::string("-acme"), std::string("acme-"), std::string("Acme"),
        std::string("ac_me"), std::string("ac.me"), std::string("123"), std::string("www"),
        std::string("localhost"), too_long}) {
    EXPECT_FALSE(IsValidSubdomain(bad)) << bad;
  }
}

TEST(SubdomainTest, TakesTheFirstLabelOfTheHostHeader) {
  EXPECT_EQ(SubdomainOfHost("acme.example.com"), "acme");
  EXPECT_EQ(SubdomainOfHost("Acme.Example.com:8080"), "acme");
  EXPECT_EQ(SubdomainOfHost("b.localhost:41234"), "b");
  EXPECT_EQ(SubdomainOfHost("acme.example.com."), "acme");
  for (const char* none :
       {"", "localhost", "localhost:8080", "127.0.0.1", "127.0.0.1:8080", "[::1]:8080", "::1",
        "intranet", "www.example.com", "under_score.example.com"}) {
    EXPECT_FALSE(SubdomainOfHost(none).has_value()) << none;
  }
}

TEST(NormalizePhoneTest, KeepsDigitsAndLeadingPlus) {
  EXPECT_EQ(NormalizePhone("+33 (1) 23-45.67.89"), "+33123456789");
  EXPECT_FALSE(NormalizePhone("12").has_value());
  EXPECT_FALSE(NormalizePhone("call me").has_value());
  EXPECT_FALSE(NormalizePhone("1+2345").has_value());
}

TEST(NormalizeTagsTest, LowerCasesSplitsOnSpacesAndDropsDuplicates) {
  EXPECT_EQ(NormalizeTags({"VIP Client", "vip", "beta"}),
            (std::vector<std::string>{"vip", "client", "beta"}));
}

TEST(TimeZoneTest, MapsRailsNamesBothWays) {
  EXPECT_EQ(ToIanaTimeZone("Paris"), "Europe/Paris");
  EXPECT_EQ(ToIanaTimeZone("Eastern Time (US & Canada)"), "America/New_York");
  EXPECT_EQ(ToIanaTimeZone("Asia/Kolkata"), "Asia/Kolkata");
  EXPECT_FALSE(ToIanaTimeZone("not a zone").has_value());
  EXPECT_EQ(ToRailsTimeZone("Europe/Paris"), "Paris");
  EXPECT_EQ(ToRailsTimeZone("Etc/UTC"), "UTC");
}

CustomField Field(std::string type) {
  CustomField f;
  f.type = std::move(type);
  f.title = "F";
  return f;
}

TEST(ValidateFieldValueTest, ChecksEachType) {
  EXPECT_TRUE(ValidateFieldValue(Field("integer"), boost::json::value(42), "f").ok());
  EXPECT_TRUE(ValidateFieldValue(Field("integer"), boost::json::value("42"), "f").ok());
  EXPECT_FALSE(ValidateFieldValue(Field("integer"), boost::json::value("4.2"), "f").ok());
  EXPECT_FALSE(ValidateFieldValue(Field("checkbox"), boost::json::value("yes"), "f").ok());
  EXPECT_TRUE(ValidateFieldValue(Field("decimal"), boost::json::value(1.5), "f").ok());
  EXPECT_FALSE(ValidateFieldValue(Field("date"), boost::json::value("2023-02-29"), "f").ok());
  auto dd = Field("dropdown");
  dd.options.push_back({1, "Gold", "gold", 0});
  EXPECT_TRUE(ValidateFieldValue(dd, boost::json::value("gold"), "f").ok());
  auto bad = ValidateFieldValue(dd, boost::json::value("silver"), "user_fields.plan");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().details().at(0).field, "user_fields.plan");
  auto re = Field("regexp");
  re.regexp_for_validation = "^[A-Z]{3}$";
  EXPECT_TRUE(ValidateFieldValue(re, boost::json::value("ABC"), "f").ok());
  EXPECT_FALSE(ValidateFieldValue(re, boost::json::value("abcd"), "f").ok());
}

User MakeUser(Role role, std::int64_t id) {
  User u;
  u.id = UserId(id);
  u.account_id = AccountId(1);
  u.role = role;
  return u;
}

TEST(PolicyTest, EndUsersSeeOnlyThemselves) {
  Actor a = ActorFor(MakeUser(Role::kEndUser, 5), nullptr);
  EXPECT_TRUE(CanViewUser(a, MakeUser(Role::kEndUser, 5)));
  EXPECT_FALSE(CanViewUser(a, MakeUser(Role::kEndUser, 6)));
  EXPECT_FALSE(CanCreateUserWithRole(a, Role::kEndUser));
}

TEST(PolicyTest, CustomRoleCanForbidEditingEndUsers) {
  CustomRole readonly;
  readonly.end_user_profile_edit = false;
  Actor a = ActorFor(MakeUser(Role::kAgent, 2), &readonly);
  EXPECT_TRUE(CanViewUser(a, MakeUser(Role::kEndUser, 9)));
  EXPECT_FALSE(CanEditUser(a, MakeUser(Role::kEndUser, 9)));
  EXPECT_FALSE(CanEditOrganizations(a));
  Actor plain = ActorFor(MakeUser(Role::kAgent, 3), nullptr);
  EXPECT_TRUE(CanEditUser(plain, MakeUser(Role::kEndUser, 9)));
  EXPECT_FALSE(CanEditUser(plain, MakeUser(Role::kAdmin, 1)));
  EXPECT_FALSE(CanCreateUserWithRole(plain, Role::kAdmin));
}

TEST(PolicyTest, OtherAccountsAreInvisible) {
  Actor admin = ActorFor(MakeUser(Role::kAdmin, 1), nullptr);
  User other = MakeUser(Role::kEndUser, 7);
  other.account_id = AccountId(2);
  EXPECT_FALSE(CanViewUser(admin, other));
  EXPECT_FALSE(CanEditUser(admin, other));
}

TEST(PolicyTest, OAuthScopesLimitReadsAndWrites) {
  Actor a = ActorFor(MakeUser(Role::kAdmin, 1), nullptr);
  EXPECT_TRUE(HasScope(a, true, "users"));
  a.scopes = {"read"};
  EXPECT_TRUE(HasScope(a, false, "users"));
  EXPECT_FALSE(HasScope(a, true, "users"));
  a.scopes = {"users:write"};
  EXPECT_TRUE(HasScope(a, true, "users"));
}

}  // namespace
}  // namespace comptoir::domain
