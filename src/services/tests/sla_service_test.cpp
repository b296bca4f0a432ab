// SlaService on a real SQLite store with a fake clock: policies (validation, order,
// accounts), the clocks driven by ticket writes, and the breach job firing at the minute.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "people_fixture.hpp"

namespace comptoir::services::testing {
namespace {

namespace json = boost::json;

class SlaServiceTest : public PeopleFixture {
 protected:
  void SetUp() override {
    PeopleFixture::SetUp();
    ServicesOptions o;
    o.queue.workers = 1;
    o.queue.poll = std::chrono::milliseconds(20);
    svc_.reset();
    store_.reset();
    auto s = sqlite::SqliteStore::Open({(dir_ / "test.db").string()});
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(s).value();
    svc_ = std::make_unique<Services>(*store_, clock_, *blobs_, o);
  }
  void TearDown() override {
    svc_->queue.Stop();
    PeopleFixture::TearDown();
  }

  SlaPolicyInput Policy(const std::string& title, std::int64_t target) {
    SlaPolicyInput in;
    in.title = title;
    in.filter = domain::ConditionSet{};
    in.filter->all.push_back({"priority", "is", json::value("high")});
    in.policy_metrics =
        std::vector<domain::SlaPolicyMetric>{{"high", "first_reply_time", target, false}};
    return in;
  }

  std::vector<domain::TicketMetricEvent> Events(TicketId ticket) {
    std::vector<domain::TicketMetricEvent> out;
    EXPECT_TRUE(store_
                    ->Read([&](storage::Transaction& tx) {
                      auto r = tx.slas().ListTicketMetricEvents(account_, ticket);
                      if (!r.ok()) return r.status();
                      out = *r;
                      return Status::Ok();
                    })
                    .ok());
    return out;
  }
  static int Count(const std::vector<domain::TicketMetricEvent>& evs, std::string_view metric,
                   std::string_view type) {
    int n = 0;
    for (const auto& e : evs) n += e.metric == metric && e.type == type;
    return n;
  }
  domain::Ticket LoadTicket(TicketId id) {
    auto t = svc_->tickets.Get(admin_, id);
    EXPECT_TRUE(t.ok()) << t.status().ToString();
    return t.ok() ? *t : domain::Ticket{};
  }
  Timestamp NextBreach(TicketId id) {
    Timestamp v = -1;
    EXPECT_TRUE(store_
                    ->Read([&](storage::Transaction& tx) {
                      auto r = tx.slas().GetTicketSla(account_, id);
                      if (!r.ok()) return r.status();
                      v = r->next_breach_at;
                      return Status::Ok();
                    })
                    .ok());
    return v;
  }
};

TEST_F(SlaServiceTest, RefusesBadPolicies) {
  auto in = Policy("Gold", 0);
  auto r = svc_->slas.Create(admin_, in);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), ErrorCode::kValidation);
  EXPECT_EQ(Fields(r.status()), std::vector<std::string>{"policy_metrics"});

  in = Policy("Gold", 10);
  (*in.policy_metrics)[0].metric = "pagerduty_time";
  EXPECT_EQ(Fields(svc_->slas.Create(admin_, in).status()),
            std::vector<std::string>{"policy_metrics"});
  in = Policy("Gold", 10);
  (*in.policy_metrics)[0].priority = "critical";
  EXPECT_EQ(Fields(svc_->slas.Create(admin_, in).status()),
            std::vector<std::string>{"policy_metrics"});
  in = Policy("Gold", 10);
  in.filter->all[0].field = "no_such_field";
  EXPECT_EQ(Fields(svc_->slas.Create(admin_, in).status()), std::vector<std::string>{"filter"});
  in = Policy("", 10);
  EXPECT_EQ(Fields(svc_->slas.Create(admin_, in).status()), std::vector<std::string>{"title"});

  UserId agent = NewUser("Agent", domain::Role::kAgent);
  auto as_agent = ContextFor(agent, domain::Role::kAgent);
  EXPECT_EQ(svc_->slas.Create(as_agent, Policy("Gold", 10)).status().code(),
            ErrorCode::kPermissionDenied);
  ASSERT_TRUE(svc_->slas.Create(admin_, Policy("Gold", 10)).ok());
  auto list = svc_->slas.List(as_agent);
  ASSERT_TRUE(list.ok());
  EXPECT_EQ(list->size(), 1u);
}

TEST_F(SlaServiceTest, ReorderAndFirstMatchingPolicyWins) {
  auto a = svc_->slas.Create(admin_, Policy("A", 60));
  auto b = svc_->slas.Create(admin_, Policy("B", 10));
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a->position, 0);
  EXPECT_EQ(b->position, 1);
  auto order = svc_->slas.Reorder(admin_, {b->id});
  ASSERT_TRUE(order.ok());
  ASSERT_EQ(order->size(), 2u);
  EXPECT_EQ((*order)[0].id, b->id);
  EXPECT_EQ((*order)[1].position, 1);

  TicketInput in;
  in.subject = "Help";
  in.priority = "high";
  in.comment = CommentInput{};
  in.comment->body = "It broke";
  auto made = svc_->tickets.Create(admin_, in);
  ASSERT_TRUE(made.ok()) << made.status().ToString();
  // B (10 minutes) is first now.
  EXPECT_EQ(NextBreach(made->ticket.id), clock_.Now() + 600);
  EXPECT_EQ(LoadTicket(made->ticket.id).updated_at, clock_.Now());
}

TEST_F(SlaServiceTest, BreachJobFiresAtTheMinuteAndRecordsOnce) {
  ASSERT_TRUE(svc_->slas.Create(admin_, Policy("Gold", 30)).ok());
  UserId requester = NewUser("Req", domain::Role::kEndUser);
  TicketInput in;
  in.subject = "Help";
  in.priority = "high";
  in.comment = CommentInput{};
  in.comment->body = "It broke";
  auto made = svc_->tickets.Create(ContextFor(requester, domain::Role::kEndUser), in);
  ASSERT_TRUE(made.ok()) << made.status().ToString();
  const TicketId id = made->ticket.id;
  const Timestamp t0 = clock_.Now();
  EXPECT_EQ(NextBreach(id), t0 + 1800);
  EXPECT_EQ(Count(Events(id), "reply_time", "apply_sla"), 1);

  svc_->queue.Start();
  // One second before the target: nothing.
  clock_.Set(t0 + 1799);
  svc_->queue.Wake();
  svc_->queue.WaitIdle();
  EXPECT_EQ(Count(Events(id), "reply_time", "breach"), 0);
  // At the minute: the breach, once, at the breach instant; the ticket is not updated.
  clock_.Set(t0 + 1800);
  svc_->queue.Wake();
  svc_->queue.WaitIdle();
  for (int i = 0; i < 100 && Count(Events(id), "reply_time", "breach") == 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    svc_->queue.WaitIdle();
  }
  auto evs = Events(id);
  ASSERT_EQ(Count(evs, "reply_time", "breach"), 1);
  for (const auto& e : evs) {
    if (e.type == "breach") {
      EXPECT_EQ(e.time, t0 + 1800);
    }
  }
  EXPECT_EQ(LoadTicket(id).updated_at, t0);
  // Running the check again records nothing more.
  clock_.Set(t0 + 2000);
  ASSERT_TRUE(svc_->slas.CheckBreaches(account_, id).ok());
  EXPECT_EQ(Count(Events(id), "reply_time", "breach"), 1);
}

TEST_F(SlaServiceTest, AReplyBeforeTheTargetLeavesTheJobNothingToDo) {
  ASSERT_TRUE(svc_->slas.Create(admin_, Policy("Gold", 30)).ok());
  UserId requester = NewUser("Req", domain::Role::kEndUser);
  TicketInput in;
  in.subject = "Help";
  in.priority = "high";
  in.comment = CommentInput{};
  in.comment->body = "It broke";
  auto made = svc_->tickets.Create(ContextFor(requester, domain::Role::kEndUser), in);
  ASSERT_TRUE(made.ok());
  const TicketId id = made->ticket.id;
  const Timestamp t0 = clock_.Now();
  clock_.Set(t0 + 600);
  TicketInput reply;
  reply.status = "open";
  reply.comment = CommentInput{};
  reply.comment->body = "On it";
  ASSERT_TRUE(svc_->tickets.Update(admin_, id, reply).ok());
  EXPECT_EQ(NextBreach(id), 0);
  EXPECT_EQ(Count(Events(id), "reply_time", "fulfill"), 1);
  clock_.Set(t0 + 1800);
  ASSERT_TRUE(svc_->slas.CheckBreaches(account_, id).ok());
  EXPECT_EQ(Count(Events(id), "reply_time", "breach"), 0);
}

TEST_F(SlaServiceTest, RecomputeVisitsEveryOpenTargetInBatches) {
  auto policy = Policy("Gold", 60);
  (*policy.policy_metrics)[0].business_hours = true;
  ASSERT_TRUE(svc_->slas.Create(admin_, policy).ok());
  std::vector<TicketId> ids;
  for (int i = 0; i < 5; ++i) {
    TicketInput in;
    in.subject = "T" + std::to_string(i);
    in.priority = "high";
    in.comment = CommentInput{};
    in.comment->body = "x";
    auto made = svc_->tickets.Create(admin_, in);
    ASSERT_TRUE(made.ok());
    ids.push_back(made->ticket.id);
  }
  const Timestamp t0 = clock_.Now();  // 2023-11-14T22:13:20Z, a Tuesday
  // Monday to Friday, 09:00-17:00 UTC: a 60-minute target moves to Wednesday 10:00.
  std::vector<calendar::Interval> week;
  for (int day = 1; day <= 5; ++day) week.push_back({day * 1440 + 540, day * 1440 + 1020});
  auto schedule = calendar::Schedule::Make("UTC", week, {});
  ASSERT_TRUE(schedule.ok()) << schedule.status().ToString();
  const Timestamp wednesday_10 = *ParseIso8601("2023-11-15T10:00:00Z");
  svc_->slas.SetScheduleLookup(
      [s = *schedule](storage::Transaction&, AccountId,
                      std::optional<std::int64_t>) -> Result<std::optional<calendar::Schedule>> {
        return std::optional(s);
      });
  EXPECT_EQ(NextBreach(ids[0]), t0 + 3600);  // no schedule yet: calendar time
  auto last = svc_->slas.RecomputeBatch(account_, 0, 2);
  ASSERT_TRUE(last.ok());
  EXPECT_EQ(*last, ids[1].value);
  EXPECT_EQ(NextBreach(ids[0]), wednesday_10);
  EXPECT_EQ(NextBreach(ids[1]), wednesday_10);
  EXPECT_EQ(NextBreach(ids[2]), t0 + 3600);  // the next batch's
  last = svc_->slas.RecomputeBatch(account_, *last, 2);
  ASSERT_TRUE(last.ok());
  last = svc_->slas.RecomputeBatch(account_, *last, 2);
  ASSERT_TRUE(last.ok());
  EXPECT_EQ(*last, 0);
  for (auto id : ids) EXPECT_EQ(NextBreach(id), wednesday_10);
}

TEST_F(SlaServiceTest, RecomputeOfOneScheduleSelectsItsRecordsWithoutTheTickets) {
  auto policy = Policy("Gold", 60);
  (*policy.policy_metrics)[0].business_hours = true;
  ASSERT_TRUE(svc_->slas.Create(admin_, policy).ok());
  auto make = [&](const std::string& subject) {
    TicketInput in;
    in.subject = subject;
    in.priority = "high";
    in.comment = CommentInput{};
    in.comment->body = "x";
    auto made = svc_->tickets.Create(admin_, in);
    EXPECT_TRUE(made.ok());
    return made.ok() ? made->ticket.id : TicketId(0);
  };
  const TicketId on7 = make("On schedule 7");
  const TicketId plain = make("On the default schedule");
  const Timestamp t0 = clock_.Now();  // 2023-11-14T22:13:20Z, a Tuesday
  // Ticket `on7` moves to schedule 7 (as set_schedule does); its next write records it.
  ASSERT_TRUE(store_
                  ->Write([&](storage::Transaction& tx) -> Status {
                    auto t = tx.tickets().Get(account_, on7);
                    if (!t.ok()) return t.status();
                    t->schedule_id = 7;
                    return tx.tickets().Update(*t);
                  })
                  .ok());
  TicketInput touch;
  touch.tags = std::vector<std::string>{"moved"};
  ASSERT_TRUE(svc_->tickets.Update(admin_, on7, touch).ok());
  std::int64_t recorded = -1;
  ASSERT_TRUE(store_
                  ->Read([&](storage::Transaction& tx) -> Status {
                    auto r = tx.slas().GetTicketSla(account_, on7);
                    if (!r.ok()) return r.status();
                    recorded = r->schedule_id;
                    return Status::Ok();
                  })
                  .ok());
  EXPECT_EQ(recorded, 7);
  // Schedule 7 becomes Monday to Friday, 09:00-17:00 UTC; the default stays calendar.
  std::vector<calendar::Interval> week;
  for (int day = 1; day <= 5; ++day) week.push_back({day * 1440 + 540, day * 1440 + 1020});
  auto schedule = calendar::Schedule::Make("UTC", week, {});
  ASSERT_TRUE(schedule.ok()) << schedule.status().ToString();
  svc_->slas.SetScheduleLookup(
      [s = *schedule](storage::Transaction&, AccountId,
                      std::optional<std::int64_t> id) -> Result<std::optional<calendar::Schedule>> {
        if (id == 7) return std::optional(s);
        return std::optional<calendar::Schedule>();
      });
  // Another schedule's change reads the default's records only: `on7` keeps its target.
  ASSERT_TRUE(svc_->slas.RecomputeBatch(account_, 0, 10, nullptr, 99).ok());
  EXPECT_EQ(NextBreach(on7), t0 + 3600);
  EXPECT_EQ(NextBreach(plain), t0 + 3600);
  // Schedule 7's change: its ticket moves to Wednesday 10:00; the default's stays.
  ASSERT_TRUE(svc_->slas.RecomputeBatch(account_, 0, 10, nullptr, 7).ok());
  EXPECT_EQ(NextBreach(on7), *ParseIso8601("2023-11-15T10:00:00Z"));
  EXPECT_EQ(NextBreach(plain), t0 + 3600);
}

}  // namespace
}  // namespace comptoir::services::testing
