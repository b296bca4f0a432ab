// The trigger cycle for one ticket update against 500 active triggers of the kinds an
// account has (update type, status, priority, tags, group, comment words, custom fields,
// channel), a few of which fire. Target: ≤ 50 µs per update.
#include <benchmark/benchmark.h>

#include <boost/json.hpp>
#include <string>
#include <vector>

#include "comptoir/rules/rules.hpp"

namespace {

namespace json = boost::json;
using comptoir::rules::CompileTriggers;
using comptoir::rules::RunTriggers;
using comptoir::rules::UpdateFacts;
namespace domain = comptoir::domain;

domain::Condition C(std::string f, std::string op, std::nullptr_t) {
  return {std::move(f), std::move(op), json::value(nullptr)};
}
domain::Condition C(std::string f, std::string op, const std::string& v) {
  return {std::move(f), std::move(op), json::value(v)};
}
domain::Condition C(std::string f, std::string op, const char* v) {
  return {std::move(f), std::move(op), json::value(v)};
}
domain::Action A(std::string f, json::value v) { return {std::move(f), std::move(v)}; }

std::vector<domain::Trigger> Triggers(int n) {
  std::vector<domain::Trigger> out;
  static const char* kWords[] = {"refund",  "invoice", "password", "outage",  "cancel",
                                 "upgrade", "crash",   "login",    "billing", "shipping"};
  for (int i = 0; i < n; ++i) {
    domain::Trigger t;
    t.id = domain::TriggerId(i + 1);
    t.title = "Trigger " + std::to_string(i + 1);
    t.position = i;
    const std::string tag = "tag_" + std::to_string(i);
    switch (i % 6) {
      case 0:  // default-like notification on create
        t.conditions.all = {C("update_type", "is", "Create"), C("status", "is_not", "solved"),
                            C("ticket_is_public", "is", "public")};
        t.actions = {A("notification_user", json::array{"requester_id", "[{{ticket.id}}]",
                                                        "Received {{ticket.title}}"})};
        break;
      case 1:  // status change on update
        t.conditions.all = {C("update_type", "is", "Change"),
                            C("status", "value", i % 12 == 1 ? "solved" : "hold"),
                            C("current_tags", "not_includes", tag)};
        t.actions = {A("current_tags", tag.c_str())};
        break;
      case 2:  // tags and group
        t.conditions.all = {C("current_tags", "includes", "vip_" + std::to_string(i)),
                            C("group_id", "is", std::to_string(1000 + i % 7))};
        t.actions = {A("priority", "urgent")};
        break;
      case 3:  // comment words
        t.conditions.all = {
            C("comment_is_public", "is", "true"),
            C("comment_includes_word", "includes",
              std::string(kWords[i % 10]) + "_" + std::to_string(i) + " x" + std::to_string(i))};
        t.conditions.any = {C("priority", "is", "urgent"), C("priority", "is", "high")};
        t.actions = {A("group_id", "1001")};
        break;
      case 4:  // custom field and channel
        t.conditions.all = {
            C("custom_fields_" + std::to_string(500 + i % 5), "is", "option_" + std::to_string(i)),
            C("via_id", "is", "4")};
        t.actions = {A("custom_fields_600", "routed")};
        break;
      case 5:  // assignee / priority change
        t.conditions.all = {C("update_type", "is", "Change"), C("priority", "changed", nullptr),
                            C("assignee_id", "is", std::to_string(2000 + i))};
        t.actions = {A("notification_user", json::array{"assignee_id", "s", "b"})};
        break;
    }
    out.push_back(std::move(t));
  }
  // A few that fire on this update.
  out[10].conditions.all = {C("update_type", "is", "Change"),
                            C("comment_includes_word", "includes", "refund chargeback")};
  out[10].actions = {A("current_tags", "refund_request")};
  out[20].conditions.all = {C("current_tags", "includes", "refund_request"),
                            C("current_tags", "not_includes", "billing_routed")};
  out[20].actions = {A("group_id", "1002"), A("current_tags", "billing_routed")};
  out[30].conditions.all = {C("status", "value", "pending"), C("requester_role", "is", "end-user")};
  out[30].actions = {
      A("notification_user", json::array{"requester_id", "Pending", "{{ticket.id}}"})};
  return out;
}

domain::Ticket Ticket() {
  domain::Ticket t;
  t.id = comptoir::TicketId(42);
  t.subject = "Charged twice for my order";
  t.status = domain::TicketStatus::kPending;
  t.priority = domain::TicketPriority::kNormal;
  t.requester_id = comptoir::UserId(7);
  t.group_id = comptoir::GroupId(1000);
  t.tags = {"order", "web", "returning_customer"};
  for (int f = 500; f < 505; ++f) {
    t.custom_fields.push_back(json::object{{"id", f}, {"value", "other"}});
  }
  t.via_channel = "web";
  return t;
}

UpdateFacts Facts() {
  UpdateFacts f;
  f.before = Ticket();
  f.before.status = domain::TicketStatus::kOpen;
  f.has_comment = true;
  f.comment_is_public = true;
  f.comment_text =
      "Hello, I was charged twice for order 1234 last week. I would like a refund for the "
      "second payment please. Thank you!";
  f.current_user = comptoir::UserId(7);
  f.current_user_role = "end-user";
  f.now = 1'800'000'000;
  return f;
}

void BM_TriggerCycle500Compiled(benchmark::State& state) {
  auto triggers = Triggers(static_cast<int>(state.range(0)));
  auto compiled = CompileTriggers(triggers);
  const UpdateFacts facts = Facts();
  const domain::Ticket base = Ticket();
  std::size_t fired = 0;
  for (auto _ : state) {
    domain::Ticket t = base;
    auto r = RunTriggers(*compiled, t, facts);
    fired = r.fired.size();
    benchmark::DoNotOptimize(r);
  }
  state.counters["fired"] = static_cast<double>(fired);
}
BENCHMARK(BM_TriggerCycle500Compiled)->Arg(500)->Unit(benchmark::kMicrosecond);

void BM_TriggerCycle500FromRecords(benchmark::State& state) {
  auto triggers = Triggers(static_cast<int>(state.range(0)));
  const UpdateFacts facts = Facts();
  const domain::Ticket base = Ticket();
  for (auto _ : state) {
    domain::Ticket t = base;
    auto r = RunTriggers(triggers, t, facts);
    benchmark::DoNotOptimize(r);
  }
}
BENCHMARK(BM_TriggerCycle500FromRecords)->Arg(500)->Unit(benchmark::kMicrosecond);

void BM_Compile500(benchmark::State& state) {
  auto triggers = Triggers(static_cast<int>(state.range(0)));
  for (auto _ : state) {
    auto c = CompileTriggers(triggers);
    benchmark::DoNotOptimize(c);
  }
}
BENCHMARK(BM_Compile500)->Arg(500)->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
