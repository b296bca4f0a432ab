// TriggerService and the trigger cycle in TicketService on a real SQLite store: access,
// validation, the compiled set's cache, audit events, the effect sink.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <chrono>
#include <thread>

#include "people_fixture.hpp"

namespace comptoir::services {
namespace {

namespace json = boost::json;

class TriggerServiceTest : public testing::PeopleFixture {
 protected:
  void SetUp() override {
    PeopleFixture::SetUp();
    agent_id_ = NewUser("Agent", domain::Role::kAgent);
    agent_ = ContextFor(agent_id_, domain::Role::kAgent);
    requester_id_ = NewUser("Requester", domain::Role::kEndUser);
  }

  TriggerInput Trigger(std::string title, domain::ConditionSet c, std::vector<domain::Action> a) {
    TriggerInput in;
    in.title = std::move(title);
    in.conditions = std::move(c);
    in.actions = std::move(a);
    return in;
  }

  TicketInput NewTicket(std::string body = "It is broken") {
    TicketInput in;
    in.subject = "Help";
    in.requester_id = requester_id_.value;
    CommentInput c;
    c.body = std::move(body);
    in.comment = c;
    return in;
  }

  UserId agent_id_, requester_id_;
  Context agent_;
};

domain::Condition C(std::string f, std::string op, std::string v) {
  return {std::move(f), std::move(op), json::value(v)};
}
domain::Action A(std::string f, json::value v) { return {std::move(f), std::move(v)}; }

TEST_F(TriggerServiceTest, AgentsReadAdminsChange) {
  auto in = Trigger("T", {{C("update_type", "is", "Create")}, {}}, {A("priority", "high")});
  auto denied = svc_->triggers.Create(agent_, in);
  ASSERT_FALSE(denied.ok());
  EXPECT_EQ(denied.status().code(), ErrorCode::kPermissionDenied);
  auto t = svc_->triggers.Create(admin_, in);
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_EQ(t->position, 0);
  auto list = svc_->triggers.List(agent_, {});
  ASSERT_TRUE(list.ok());
  EXPECT_EQ(list->size(), 1u);
  auto end_user = ContextFor(requester_id_, domain::Role::kEndUser);
  EXPECT_EQ(svc_->triggers.List(end_user, {}).status().code(), ErrorCode::kPermissionDenied);
  auto second = svc_->triggers.Create(admin_, in);
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(second->position, 1);  // new triggers go last
}

TEST_F(TriggerServiceTest, ValidationNamesTheCondition) {
  auto t = svc_->triggers.Create(
      admin_, Trigger("T", {{C("update_type", "is", "Create"), C("group_id", "is", "4242")}, {}},
                      {A("priority", "high")}));
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.status().code(), ErrorCode::kValidation);
  EXPECT_EQ(t.status().message(),
            "conditions.all[1]: group_id 4242 does not exist in this account");
}

TEST_F(TriggerServiceTest, ChangesTakeEffectOnTheNextWrite) {
  auto t0 = svc_->tickets.Create(admin_, NewTicket());
  ASSERT_TRUE(t0.ok());
  EXPECT_EQ(t0->ticket.priority, domain::TicketPriority::kNone);  // cached: no triggers

  auto trig = svc_->triggers.Create(
      admin_,
      Trigger("Urgent", {{C("update_type", "is", "Create")}, {}}, {A("priority", "urgent")}));
  ASSERT_TRUE(trig.ok()) << trig.status().ToString();
  auto t1 = svc_->tickets.Create(admin_, NewTicket());
  ASSERT_TRUE(t1.ok());
  EXPECT_EQ(t1->ticket.priority, domain::TicketPriority::kUrgent);
  // The audit: the update's events, then the trigger's change with the rule in `via`.
  const auto& events = t1->audit.events;
  auto fired = std::find_if(events.begin(), events.end(), [](const json::value& e) {
    return e.as_object().contains("via") && e.at("field_name") == "priority";
  });
  ASSERT_NE(fired, events.end()) << json::serialize(events);
  EXPECT_EQ(fired->at("via").at("channel"), "rule");
  EXPECT_EQ(fired->at("via").at("source").at("from").at("id"), trig->id.value);
  EXPECT_EQ(fired->at("via").at("source").at("rel"), "trigger");

  TriggerInput off;
  off.active = false;
  ASSERT_TRUE(svc_->triggers.Update(admin_, trig->id, off).ok());
  auto t2 = svc_->tickets.Create(admin_, NewTicket());
  ASSERT_TRUE(t2.ok());
  EXPECT_EQ(t2->ticket.priority, domain::TicketPriority::kNone);
}

TEST_F(TriggerServiceTest, AChangeWrittenElsewhereDropsTheCacheThroughTheEvent) {
  ASSERT_TRUE(store_
                  ->Read([&](storage::Transaction& tx) {
                    auto s = svc_->triggers.Active(tx, account_);
                    EXPECT_EQ(s->count, 0u);
                    return Status::Ok();
                  })
                  .ok());
  // Another node's write: only the published event tells this node.
  ASSERT_TRUE(store_
                  ->Write([&](storage::Transaction& tx) {
                    domain::Trigger t;
                    t.account_id = account_;
                    t.title = "elsewhere";
                    t.actions = {A("priority", "low")};
                    COMPTOIR_RETURN_IF_ERROR(tx.triggers().Insert(t).status());
                    TriggerService::NoteChange(tx, account_);
                    return Status::Ok();
                  })
                  .ok());
  std::size_t count = 0;
  for (int i = 0; i < 200 && count == 0; ++i) {
    ASSERT_TRUE(store_
                    ->Read([&](storage::Transaction& tx) {
                      count = svc_->triggers.Active(tx, account_)->count;
                      return Status::Ok();
                    })
                    .ok());
    if (count == 0) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_EQ(count, 1u);
}

TEST_F(TriggerServiceTest, EffectsGoToTheSinkInTheSameTransaction) {
  auto trig = svc_->triggers.Create(
      admin_, Trigger("Notify", {{C("update_type", "is", "Create")}, {}},
                      {A("notification_user",
                         json::array{"requester_id", "Got it", "Ticket {{ticket.id}}"}),
                       A("current_tags", "notified")}));
  ASSERT_TRUE(trig.ok()) << trig.status().ToString();
  std::vector<rules::Effect> seen;
  bool fail = false;
  svc_->tickets.SetEffectSink([&](storage::Transaction&, const Context&, const domain::Ticket& t,
                                  const domain::Audit& audit,
                                  const std::vector<rules::Effect>& effects, json::array& events) {
    EXPECT_NE(audit.id.value, 0);
    EXPECT_NE(t.id.value, 0);
    seen = effects;
    if (fail) return Status(ErrorCode::kUnavailable, "queue down");
    events.push_back(json::object{{"type", "Notification"}, {"subject", "sent"}});
    return Status::Ok();
  });
  auto t = svc_->tickets.Create(admin_, NewTicket());
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].recipient, "requester_id");
  EXPECT_EQ(seen[0].body, "Ticket {{ticket.id}}");
  EXPECT_EQ(seen[0].rule_id, trig->id.value);
  auto audit = svc_->tickets.GetAudit(admin_, t->ticket.id, t->audit.id);
  ASSERT_TRUE(audit.ok());
  int sent = 0;
  for (const auto& e : audit->events) {
    if (e.at("type") == "Notification") {
      EXPECT_EQ(e.at("subject"), "sent");  // the sink's, not the fallback's
      ++sent;
    }
  }
  EXPECT_EQ(sent, 1);

  // The sink's error rolls the whole write back.
  fail = true;
  auto before = svc_->tickets.Count(admin_, {});
  auto r = svc_->tickets.Create(admin_, NewTicket());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), ErrorCode::kUnavailable);
  EXPECT_EQ(*svc_->tickets.Count(admin_, {}), *before);
}

TEST_F(TriggerServiceTest, WithoutASinkEffectsAreAuditEvents) {
  svc_->tickets.SetEffectSink({});  // the composition sets DeliveryService's sink
  ASSERT_TRUE(
      svc_->triggers
          .Create(admin_, Trigger("Notify", {{C("update_type", "is", "Create")}, {}},
                                  {A("notification_user", json::array{"requester_id", "S", "B"})}))
          .ok());
  auto t = svc_->tickets.Create(admin_, NewTicket());
  ASSERT_TRUE(t.ok());
  bool found = false;
  for (const auto& e : t->audit.events) {
    if (e.at("type") == "Notification") {
      found = true;
      EXPECT_EQ(e.at("recipients"), (json::array{requester_id_.value}));
      EXPECT_EQ(e.at("body"), "B");
    }
  }
  EXPECT_TRUE(found) << json::serialize(t->audit.events);
}

TEST_F(TriggerServiceTest, DefaultTriggersAreCreatedWithAnAccount) {
  ASSERT_TRUE(store_
                  ->Write([&](storage::Transaction& tx) {
                    return TriggerService::CreateDefaults(tx, account_, 100);
                  })
                  .ok());
  auto list = svc_->triggers.List(admin_, {});
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 7u);
  EXPECT_EQ((*list)[0].title, "Notify requester and CCs of received request");
  for (const auto& t : *list) {
    EXPECT_TRUE(t.is_default);
    // Each default is valid for its account.
    ASSERT_TRUE(
        store_
            ->Read([&](storage::Transaction& tx) {
              auto cat = TriggerService::LoadCatalog(tx, account_);
              EXPECT_TRUE(
                  rules::ValidateConditions(rules::RuleKind::kTrigger, t.conditions, *cat).ok())
                  << t.title;
              EXPECT_TRUE(rules::ValidateActions(rules::RuleKind::kTrigger, t.actions, *cat).ok())
                  << t.title;
              return Status::Ok();
            })
            .ok());
  }
}

}  // namespace
}  // namespace comptoir::services
