// Unit tests for the parts the golden cases do not show well: JSON round trips,
// definitions, robustness against odd values, the cycle limit's accounting.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "comptoir/rules/rules.hpp"

namespace comptoir::rules {
namespace {

namespace json = boost::json;

TEST(RulesJson, ConditionsRoundTrip) {
  json::value in = json::parse(
      R"({"all":[{"field":"status","operator":"less_than","value":"solved"},
                 {"field":"group_id","operator":"is","value":"296220096"}],
          "any":[{"field":"current_tags","operator":"includes","value":"a b"},
                 {"field":"status","operator":"changed","value":null}]})");
  auto c = ParseConditions(in);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->all.size(), 2u);
  EXPECT_EQ(c->any.size(), 2u);
  EXPECT_EQ(json::value(ConditionsToJson(*c)), in);
  auto again = ParseConditions(json::value(ConditionsToJson(*c)));
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, *c);
}

TEST(RulesJson, MissingListsAreEmpty) {
  auto c = ParseConditions(json::parse(R"({"all":[]})"));
  ASSERT_TRUE(c.ok());
  EXPECT_TRUE(c->empty());
  EXPECT_TRUE(ParseConditions(json::value(nullptr)).ok());
}

TEST(RulesJson, ActionsRoundTrip) {
  json::value in = json::parse(
      R"([{"field":"status","value":"solved"},
          {"field":"notification_user","value":["requester_id","Subject","Body {{ticket.id}}"]},
          {"field":"custom_fields_12","value":["a","b"]}])");
  auto a = ParseActions(in);
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  EXPECT_EQ(json::value(ActionsToJson(*a)), in);
}

TEST(RulesJson, ShapeErrorsNameThePlace) {
  auto c = ParseConditions(json::parse(R"({"all":[{"field":"status","operator":"is"},{"x":1}]})"));
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().code(), ErrorCode::kValidation);
  EXPECT_EQ(c.status().message(), "conditions.all[1]: field is required");
  ASSERT_EQ(c.status().details().size(), 1u);
  EXPECT_EQ(c.status().details()[0].field, "conditions");
}

TEST(RulesEval, UnknownFieldOrOperatorNeverMatches) {
  domain::ConditionSet c;
  c.all = {{"colour", "is", json::value("red")}};
  EXPECT_FALSE(Matches(c, domain::Ticket{}, UpdateFacts{}));
  c.all = {{"status", "resembles", json::value("new")}};
  EXPECT_FALSE(Matches(c, domain::Ticket{}, UpdateFacts{}));
}

TEST(RulesEval, OddValuesDoNotCrash) {
  domain::Ticket t;
  t.custom_fields.push_back(json::object{{"id", 5}, {"value", json::object{{"x", 1}}}});
  t.custom_fields.push_back(json::value("garbage"));
  UpdateFacts f;
  for (const char* field : {"status", "group_id", "custom_fields_5", "custom_fields_x",
                            "current_tags", "via_id", "SOLVED", "comment_includes_word"}) {
    for (const char* op : {"is", "less_than", "includes", "changed", "value", "present"}) {
      for (json::value v : {json::value(nullptr), json::value(json::array{1, "a"}),
                            json::value(json::object{}), json::value(3.5), json::value("")}) {
        domain::ConditionSet c;
        c.all = {{field, op, v}};
        (void)Matches(c, t, f);
      }
    }
  }
  std::vector<Effect> effects;
  std::vector<domain::Action> actions = {
      {"status", json::value(nullptr)},       {"group_id", json::value(json::object{})},
      {"notification_user", json::value(1)},  {"notification_webhook", json::array{}},
      {"custom_fields_x", json::value("a")},  {"set_tags", json::array{1, 2}},
      {"assignee_id", json::value("nobody")}, {"remove_tags", json::value(nullptr)},
  };
  ApplyActions(actions, t, f, effects);
  EXPECT_EQ(effects.size(), 2u);
}

TEST(RulesCycle, LoopIsCutAtTheLimitAndReported) {
  std::vector<domain::Trigger> ts;
  for (int i = 1; i <= 5; ++i) {
    domain::Trigger t;
    t.id = domain::TriggerId(i);
    t.title = "T" + std::to_string(i);
    t.actions = {{"current_tags", json::value("t" + std::to_string(i))}};
    ts.push_back(t);
  }
  domain::Ticket ticket;
  auto r = RunTriggers(ts, ticket, UpdateFacts{}, 3);
  EXPECT_TRUE(r.cut);
  ASSERT_EQ(r.fired.size(), 3u);
  EXPECT_EQ(r.fired[2].title, "T3");
  EXPECT_EQ(ticket.tags, (std::vector<std::string>{"t1", "t2", "t3"}));
  domain::Ticket ticket2;
  auto r2 = RunTriggers(ts, ticket2, UpdateFacts{});
  EXPECT_FALSE(r2.cut);
  EXPECT_EQ(r2.fired.size(), 5u);
}

TEST(RulesDefinitions, ListsFieldsForTheKind) {
  Catalog cat;
  cat.groups = {{10, "Support"}};
  domain::TicketField f;
  f.id = TicketFieldId(77);
  f.type = "tagger";
  f.title = "Product";
  f.options = {{1, "A", "a", 0, false}};
  cat.ticket_fields = {f};
  auto d = Definitions(RuleKind::kTrigger, cat);
  auto has = [](const json::array& a, std::string_view subject) {
    for (const auto& e : a) {
      if (e.at("subject").as_string() == subject) return true;
    }
    return false;
  };
  EXPECT_TRUE(has(d.at("conditions_all").as_array(), "update_type"));
  EXPECT_TRUE(has(d.at("conditions_all").as_array(), "custom_fields_77"));
  EXPECT_FALSE(has(d.at("conditions_all").as_array(), "SOLVED"));
  EXPECT_TRUE(has(d.at("actions").as_array(), "notification_user"));
  EXPECT_FALSE(has(d.at("actions").as_array(), "comment_value"));
  const auto& status = d.at("conditions_all").as_array()[1].as_object();
  EXPECT_EQ(status.at("subject").as_string(), "status");
  EXPECT_FALSE(status.at("operators").as_array().empty());
  EXPECT_EQ(status.at("values").as_array().size(), 6u);

  auto a = Definitions(RuleKind::kAutomation, cat);
  EXPECT_TRUE(has(a.at("conditions_all").as_array(), "SOLVED"));
  EXPECT_FALSE(has(a.at("conditions_any").as_array(), "SOLVED"));
  EXPECT_FALSE(has(a.at("conditions_all").as_array(), "update_type"));
  auto m = Definitions(RuleKind::kMacro, cat);
  EXPECT_TRUE(has(m.at("actions").as_array(), "comment_value"));
}

TEST(RulesValidation, CatalogListsNotLoadedAreNotChecked) {
  Catalog cat;
  std::vector<domain::Action> a = {{"notification_webhook", json::array{"123", "{}"}}};
  EXPECT_FALSE(ValidateActions(RuleKind::kTrigger, a, cat).ok());
  cat.webhooks_loaded = false;
  EXPECT_TRUE(ValidateActions(RuleKind::kTrigger, a, cat).ok());
}

TEST(RulesMacro, DoesNotChangeTheInput) {
  domain::Macro m;
  m.actions = {{"status", json::value("solved")}, {"comment_value", json::value("Done")}};
  domain::Ticket t;
  t.status = domain::TicketStatus::kOpen;
  auto r = ApplyMacro(m, t, UpdateFacts{});
  EXPECT_EQ(t.status, domain::TicketStatus::kOpen);
  EXPECT_EQ(r.ticket.status, domain::TicketStatus::kSolved);
  EXPECT_EQ(r.comment_body, "Done");
}

}  // namespace
}  // namespace comptoir::rules
