// Golden cases: every tests/cases/*.json holds {"cases":[…]}; a case is one of
//   match:      conditions + ticket (+ before, facts, now) → "match": true|false
//   triggers:   triggers + ticket (+ before, facts) → expect {fired, ticket, effects, cut}
//   macro:      macro actions + ticket → expect {ticket, comment_body, comment_public, …}
//   validate:   kind + conditions/actions → "error" (the 422 message) or "ok": true
//   automation: conditions + actions → ValidateAutomation: "error" or "ok": true
// Tickets are written with the fields of tests/cases/README.md; expected tickets list only
// the fields they check. The catalog is the fixed one below.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "comptoir/rules/rules.hpp"

namespace comptoir::rules {
namespace {

namespace json = boost::json;

Catalog TestCatalog() {
  Catalog c;
  c.groups = {{10, "Support"}, {11, "Billing"}};
  c.agents = {{100, "Alice Agent"}, {101, "Bob Admin"}};
  c.organizations = {{40, "Acme"}};
  c.brands = {{50, "Main"}};
  c.ticket_forms = {{30, "Default"}};
  c.webhooks = {{60, "Slack"}};
  c.targets = {{70, "Legacy"}};
  c.schedules = {{80, "EMEA"}, {81, "Americas"}};
  domain::TicketField product;
  product.id = TicketFieldId(500);
  product.type = "tagger";
  product.title = "Product";
  product.options = {{1, "Product A", "product_a", 0, false},
                     {2, "Product B", "product_b", 1, false}};
  domain::TicketField vip;
  vip.id = TicketFieldId(501);
  vip.type = "checkbox";
  vip.title = "VIP";
  vip.tag = "vip";
  domain::TicketField seats;
  seats.id = TicketFieldId(502);
  seats.type = "integer";
  seats.title = "Seats";
  domain::TicketField order;
  order.id = TicketFieldId(503);
  order.type = "text";
  order.title = "Order";
  domain::TicketField regions;
  regions.id = TicketFieldId(504);
  regions.type = "multiselect";
  regions.title = "Regions";
  regions.options = {
      {3, "EU", "eu", 0, false}, {4, "US", "us", 1, false}, {5, "Asia", "asia", 2, false}};
  c.ticket_fields = {product, vip, seats, order, regions};
  return c;
}

std::int64_t Int(const json::object& o, std::string_view k, std::int64_t def = 0) {
  auto* v = o.if_contains(k);
  if (!v) return def;
  if (v->is_int64()) return v->get_int64();
  if (v->is_string()) return std::stoll(std::string(v->get_string()));
  return def;
}

std::string Str(const json::object& o, std::string_view k, std::string def = "") {
  auto* v = o.if_contains(k);
  return v && v->is_string() ? std::string(v->get_string()) : def;
}

std::vector<std::int64_t> Ids(const json::object& o, std::string_view k) {
  std::vector<std::int64_t> out;
  if (auto* v = o.if_contains(k); v && v->is_array()) {
    for (const auto& e : v->get_array()) out.push_back(e.as_int64());
  }
  return out;
}

domain::Ticket TicketFrom(const json::value* v) {
  domain::Ticket t;
  if (!v || !v->is_object()) return t;
  const auto& o = v->get_object();
  t.id = TicketId(Int(o, "id", 1));
  t.subject = Str(o, "subject");
  t.description = Str(o, "description");
  t.recipient = Str(o, "recipient");
  t.status = domain::ParseStatus(Str(o, "status", "new")).value();
  t.priority = domain::ParsePriority(Str(o, "priority")).value_or(domain::TicketPriority::kNone);
  t.type = domain::ParseType(Str(o, "type")).value_or(domain::TicketType::kNone);
  t.requester_id = UserId(Int(o, "requester_id"));
  t.assignee_id = UserId(Int(o, "assignee_id"));
  t.group_id = GroupId(Int(o, "group_id"));
  t.organization_id = OrganizationId(Int(o, "organization_id"));
  t.brand_id = Int(o, "brand_id");
  t.ticket_form_id = TicketFormId(Int(o, "ticket_form_id"));
  if (auto* tags = o.if_contains("tags")) {
    for (const auto& e : tags->as_array()) t.tags.emplace_back(e.as_string());
  }
  if (auto* cf = o.if_contains("custom_fields")) t.custom_fields = cf->as_array();
  t.via_channel = Str(o, "via", "api");
  if (auto* p = o.if_contains("is_public")) t.is_public = p->as_bool();
  t.satisfaction_score = Str(o, "satisfaction_score", "unoffered");
  t.reopens = static_cast<int>(Int(o, "reopens"));
  t.replies = static_cast<int>(Int(o, "replies"));
  t.created_at = Int(o, "created_at");
  t.updated_at = Int(o, "updated_at");
  t.solved_at = Int(o, "solved_at");
  t.due_at = Int(o, "due_at");
  t.sla_next_breach_at = Int(o, "sla_next_breach_at");
  t.sla_last_breach_at = Int(o, "sla_last_breach_at");
  t.status_updated_at = Int(o, "status_updated_at");
  t.assigned_at = Int(o, "assigned_at");
  t.requester_updated_at = Int(o, "requester_updated_at");
  t.assignee_updated_at = Int(o, "assignee_updated_at");
  t.email_cc_ids = Ids(o, "email_cc_ids");
  t.follower_ids = Ids(o, "follower_ids");
  if (auto* s = o.if_contains("schedule_id"); s && !s->is_null()) t.schedule_id = s->as_int64();
  return t;
}

json::object TicketJson(const domain::Ticket& t) {
  json::array tags;
  for (const auto& s : t.tags) tags.emplace_back(s);
  json::array ccs;
  for (auto id : t.email_cc_ids) ccs.emplace_back(id);
  json::array followers;
  for (auto id : t.follower_ids) followers.emplace_back(id);
  return {{"status", domain::StatusName(t.status)},
          {"priority", domain::PriorityName(t.priority)},
          {"type", domain::TypeName(t.type)},
          {"group_id", t.group_id.value},
          {"assignee_id", t.assignee_id.value},
          {"requester_id", t.requester_id.value},
          {"organization_id", t.organization_id.value},
          {"brand_id", t.brand_id},
          {"ticket_form_id", t.ticket_form_id.value},
          {"tags", tags},
          {"custom_fields", t.custom_fields},
          {"satisfaction_score", t.satisfaction_score},
          {"subject", t.subject},
          {"email_cc_ids", ccs},
          {"follower_ids", followers},
          {"schedule_id", t.schedule_id ? json::value(*t.schedule_id) : json::value(nullptr)}};
}

UpdateFacts FactsFrom(const json::object& c) {
  UpdateFacts f;
  f.before = TicketFrom(c.if_contains("before"));
  f.now = Int(c, "now");
  if (auto* v = c.if_contains("facts"); v && v->is_object()) {
    const auto& o = v->get_object();
    if (auto* x = o.if_contains("is_create")) f.is_create = x->as_bool();
    if (auto* x = o.if_contains("comment")) {
      f.has_comment = true;
      f.comment_text = x->as_string();
      f.comment_is_public = true;
    }
    if (auto* x = o.if_contains("comment_public")) f.comment_is_public = x->as_bool();
    if (auto* x = o.if_contains("attachment")) f.has_attachment = x->as_bool();
    f.current_via = Str(o, "via", "api");
    f.current_user = UserId(Int(o, "current_user"));
    f.current_user_role = Str(o, "role", "end-user");
    f.requester_role = Str(o, "requester_role", "end-user");
    f.current_user_groups = Ids(o, "groups");
    f.business_hours.schedule_ids = Ids(o, "schedules");
    f.business_hours.open_now = Ids(o, "open_schedules");
  }
  if (f.is_create) f.before = domain::Ticket{};
  return f;
}

RuleKind KindFrom(const json::object& c) {
  std::string k = Str(c, "kind", "trigger");
  if (k == "automation") return RuleKind::kAutomation;
  if (k == "view") return RuleKind::kView;
  if (k == "macro") return RuleKind::kMacro;
  return RuleKind::kTrigger;
}

// Every key of `want` equals the same key of `have`.
void ExpectSubset(const json::object& want, const json::object& have, const std::string& what) {
  for (const auto& [k, v] : want) {
    auto* h = have.if_contains(k);
    ASSERT_NE(h, nullptr) << what << ": no " << k;
    EXPECT_EQ(json::serialize(v), json::serialize(*h)) << what << ": " << k;
  }
}

json::object EffectJson(const Effect& e) {
  const char* kind = e.kind == Effect::Kind::kNotifyUser    ? "notify_user"
                     : e.kind == Effect::Kind::kNotifyGroup ? "notify_group"
                     : e.kind == Effect::Kind::kWebhook     ? "webhook"
                                                            : "target";
  return {{"kind", kind},         {"recipient", e.recipient}, {"target_id", e.target_id},
          {"subject", e.subject}, {"body", e.body},           {"rule_id", e.rule_id}};
}

void RunCase(const json::object& c, const std::string& name) {
  const Catalog catalog = TestCatalog();
  const std::string type = Str(c, "type");
  if (type == "match") {
    auto conds = ParseConditions(c.at("conditions"));
    ASSERT_TRUE(conds.ok()) << name << ": " << conds.status().ToString();
    ASSERT_TRUE(ValidateConditions(KindFrom(c), *conds, catalog).ok())
        << name << ": " << ValidateConditions(KindFrom(c), *conds, catalog).ToString();
    domain::Ticket t = TicketFrom(c.if_contains("ticket"));
    UpdateFacts f = FactsFrom(c);
    EXPECT_EQ(Matches(*conds, t, f), c.at("match").as_bool()) << name;
  } else if (type == "triggers") {
    std::vector<domain::Trigger> triggers;
    std::int64_t next_id = 1;
    for (const auto& tv : c.at("triggers").as_array()) {
      const auto& o = tv.as_object();
      domain::Trigger tr;
      tr.id = domain::TriggerId(Int(o, "id", next_id));
      next_id = tr.id.value + 1;
      tr.title = Str(o, "title", "Trigger " + std::to_string(tr.id.value));
      if (auto* a = o.if_contains("active")) tr.active = a->as_bool();
      auto conds = ParseConditions(o.at("conditions"));
      ASSERT_TRUE(conds.ok()) << name << ": " << conds.status().ToString();
      auto actions = ParseActions(o.at("actions"));
      ASSERT_TRUE(actions.ok()) << name << ": " << actions.status().ToString();
      ASSERT_TRUE(ValidateConditions(RuleKind::kTrigger, *conds, catalog).ok())
          << name << ": " << ValidateConditions(RuleKind::kTrigger, *conds, catalog).ToString();
      ASSERT_TRUE(ValidateActions(RuleKind::kTrigger, *actions, catalog).ok())
          << name << ": " << ValidateActions(RuleKind::kTrigger, *actions, catalog).ToString();
      tr.conditions = *conds;
      tr.actions = *actions;
      triggers.push_back(std::move(tr));
    }
    domain::Ticket t = TicketFrom(c.if_contains("ticket"));
    UpdateFacts f = FactsFrom(c);
    int max_passes = static_cast<int>(Int(c, "max_passes", 100));
    domain::Ticket t2 = t;
    CycleResult r = RunTriggers(triggers, t, f, max_passes);
    // The compiled path gives the same result.
    auto compiled = CompileTriggers(triggers);
    CycleResult r2 = RunTriggers(*compiled, t2, f, max_passes);
    EXPECT_EQ(json::serialize(TicketJson(t)), json::serialize(TicketJson(t2))) << name;
    EXPECT_EQ(r.fired.size(), r2.fired.size()) << name;
    const auto& want = c.at("expect").as_object();
    json::array fired;
    for (const auto& x : r.fired) fired.emplace_back(x.rule_id);
    if (auto* w = want.if_contains("fired")) {
      EXPECT_EQ(json::serialize(*w), json::serialize(fired)) << name << ": fired";
    }
    if (auto* w = want.if_contains("ticket")) ExpectSubset(w->as_object(), TicketJson(t), name);
    if (auto* w = want.if_contains("effects")) {
      const auto& we = w->as_array();
      ASSERT_EQ(we.size(), r.effects.size()) << name << ": effects";
      for (std::size_t i = 0; i < we.size(); ++i) {
        ExpectSubset(we[i].as_object(), EffectJson(r.effects[i]), name + " effect");
      }
    }
    bool cut = false;
    if (auto* w = want.if_contains("cut")) cut = w->as_bool();
    EXPECT_EQ(r.cut, cut) << name << ": cut";
  } else if (type == "macro") {
    domain::Macro m;
    m.id = domain::MacroId(9);
    auto actions = ParseActions(c.at("actions"));
    ASSERT_TRUE(actions.ok()) << name;
    ASSERT_TRUE(ValidateActions(RuleKind::kMacro, *actions, catalog).ok())
        << name << ": " << ValidateActions(RuleKind::kMacro, *actions, catalog).ToString();
    m.actions = *actions;
    domain::Ticket t = TicketFrom(c.if_contains("ticket"));
    UpdateFacts f = FactsFrom(c);
    MacroResult r = ApplyMacro(m, t, f);
    const auto& want = c.at("expect").as_object();
    if (auto* w = want.if_contains("ticket"))
      ExpectSubset(w->as_object(), TicketJson(r.ticket), name);
    EXPECT_EQ(Str(want, "comment_body"), r.comment_body) << name;
    EXPECT_EQ(Str(want, "comment_html"), r.comment_html) << name;
    if (auto* w = want.if_contains("comment_public")) {
      ASSERT_TRUE(r.comment_public.has_value()) << name;
      EXPECT_EQ(w->as_bool(), *r.comment_public) << name;
    } else {
      EXPECT_FALSE(r.comment_public.has_value()) << name;
    }
    // The input ticket is not changed.
    EXPECT_EQ(json::serialize(TicketJson(t)),
              json::serialize(TicketJson(TicketFrom(c.if_contains("ticket")))))
        << name;
  } else if (type == "validate" || type == "automation") {
    Status st;
    domain::ConditionSet conds;
    std::vector<domain::Action> actions;
    if (auto* v = c.if_contains("conditions")) {
      auto p = ParseConditions(*v);
      if (!p.ok()) st = p.status();
      if (p.ok()) conds = *p;
    }
    if (auto* v = c.if_contains("actions"); v && st.ok()) {
      auto p = ParseActions(*v);
      if (!p.ok()) st = p.status();
      if (p.ok()) actions = *p;
    }
    if (st.ok()) {
      if (type == "automation") {
        domain::Automation a;
        a.conditions = conds;
        a.actions = actions;
        st = ValidateAutomation(a, catalog);
      } else {
        st = ValidateConditions(KindFrom(c), conds, catalog);
        if (st.ok()) st = ValidateActions(KindFrom(c), actions, catalog);
      }
    }
    if (auto* e = c.if_contains("error")) {
      EXPECT_EQ(st.code(), ErrorCode::kValidation) << name;
      EXPECT_EQ(st.message(), std::string(e->as_string())) << name;
      EXPECT_FALSE(st.details().empty()) << name;
    } else {
      EXPECT_TRUE(st.ok()) << name << ": " << st.ToString();
    }
  } else {
    FAIL() << name << ": unknown case type '" << type << "'";
  }
}

TEST(RulesGolden, AllCases) {
  int count = 0;
  std::vector<std::filesystem::path> files;
  for (const auto& e : std::filesystem::directory_iterator(COMPTOIR_RULES_CASES_DIR)) {
    if (e.path().extension() == ".json") files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  ASSERT_FALSE(files.empty());
  for (const auto& p : files) {
    std::ifstream in(p);
    std::stringstream ss;
    ss << in.rdbuf();
    boost::system::error_code ec;
    json::value doc = json::parse(ss.str(), ec);
    ASSERT_FALSE(ec) << p.filename() << ": " << ec.message();
    for (const auto& c : doc.at("cases").as_array()) {
      const auto& o = c.as_object();
      std::string name = p.filename().string() + ": " + Str(o, "name");
      SCOPED_TRACE(name);
      RunCase(o, name);
      ++count;
    }
  }
  EXPECT_GE(count, 100);
  std::cout << "[ rules ] " << count << " golden cases\n";
}

}  // namespace
}  // namespace comptoir::rules
