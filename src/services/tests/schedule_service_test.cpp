// ScheduleService on a real SQLite store: access, validation, the default workweek, the
// ticket's schedule lookup and its cache, the change hook, and the triggers'
// set_schedule action with the business-hours conditions.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "people_fixture.hpp"

namespace comptoir::services {
namespace {

namespace json = boost::json;

class ScheduleServiceTest : public testing::PeopleFixture {
 protected:
  void SetUp() override {
    PeopleFixture::SetUp();
    agent_ = ContextFor(NewUser("Agent", domain::Role::kAgent), domain::Role::kAgent);
    requester_id_ = NewUser("Requester", domain::Role::kEndUser);
  }

  ScheduleView Make(std::string name, std::string zone,
                    std::optional<std::vector<calendar::Interval>> intervals = std::nullopt) {
    ScheduleInput in;
    in.name = std::move(name);
    in.time_zone = std::move(zone);
    in.intervals = std::move(intervals);
    auto s = svc_->schedules.Create(admin_, in);
    EXPECT_TRUE(s.ok()) << s.status().ToString();
    return s.ok() ? *s : ScheduleView{};
  }

  std::optional<calendar::Schedule> ForTicket(std::optional<std::int64_t> id) {
    std::optional<calendar::Schedule> out;
    EXPECT_TRUE(store_
                    ->Read([&](storage::Transaction& tx) -> Status {
                      auto s = svc_->schedules.ForTicket(tx, account_, id);
                      if (!s.ok()) return s.status();
                      out = *s;
                      return Status::Ok();
                    })
                    .ok());
    return out;
  }

  Context agent_;
  UserId requester_id_;
};

TEST_F(ScheduleServiceTest, AgentsReadAdminsChangeWithTheDefaultWorkweek) {
  ScheduleInput in;
  in.name = "EMEA";
  in.time_zone = "Paris";  // Rails name, stored as IANA
  EXPECT_EQ(svc_->schedules.Create(agent_, in).status().code(), ErrorCode::kPermissionDenied);
  auto s = svc_->schedules.Create(admin_, in);
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ(s->record.time_zone, "Europe/Paris");
  ASSERT_EQ(s->intervals.size(), 5u);  // Monday to Friday, 09:00–17:00
  EXPECT_EQ(s->intervals[0], (calendar::Interval{1980, 2460}));
  EXPECT_EQ(s->intervals[4], (calendar::Interval{7740, 8220}));
  auto list = svc_->schedules.List(agent_);
  ASSERT_TRUE(list.ok());
  EXPECT_EQ(list->size(), 1u);
  EXPECT_EQ(svc_->schedules.SetWorkweek(agent_, s->record.id, {}).status().code(),
            ErrorCode::kPermissionDenied);
  auto end_user = ContextFor(requester_id_, domain::Role::kEndUser);
  EXPECT_EQ(svc_->schedules.List(end_user).status().code(), ErrorCode::kPermissionDenied);
  EXPECT_EQ(svc_->schedules.Get(admin_, s->record.id + 1000).status().code(), ErrorCode::kNotFound);
}

TEST_F(ScheduleServiceTest, BadInputIs422NamingTheField) {
  ScheduleInput in;
  in.name = "X";
  in.time_zone = "Mars/Olympus";
  auto zone = svc_->schedules.Create(admin_, in);
  ASSERT_EQ(zone.status().code(), ErrorCode::kValidation);
  EXPECT_EQ(zone.status().details().at(0).field, "time_zone");
  in.time_zone = "Europe/Paris";
  in.name = "";
  EXPECT_EQ(svc_->schedules.Create(admin_, in).status().details().at(0).field, "name");
  const ScheduleView s = Make("S", "Europe/Paris");
  for (const auto& bad : std::vector<std::vector<calendar::Interval>>{
           {{1980, 2460}, {2400, 2500}},  // overlapping
           {{-10, 60}},                   // out of range
           {{10000, 10081}},              // past the week
           {{1400, 1500}},                // across midnight
       }) {
    auto r = svc_->schedules.SetWorkweek(admin_, s.record.id, bad);
    ASSERT_EQ(r.status().code(), ErrorCode::kValidation);
    EXPECT_EQ(r.status().details().at(0).field, "intervals");
  }
  HolidayInput h;
  h.name = "Backwards";
  h.start_date = "2026-12-26";
  h.end_date = "2026-12-25";
  auto hol = svc_->schedules.CreateHoliday(admin_, s.record.id, h);
  ASSERT_EQ(hol.status().code(), ErrorCode::kValidation);
  EXPECT_EQ(hol.status().details().at(0).field, "end_date");
  h.end_date = "2026-02-30";
  EXPECT_EQ(svc_->schedules.CreateHoliday(admin_, s.record.id, h).status().details().at(0).field,
            "end_date");
  // The schedule is unchanged by the failures.
  EXPECT_EQ(svc_->schedules.Get(admin_, s.record.id)->intervals.size(), 5u);
}

TEST_F(ScheduleServiceTest, ForTicketUsesTheTicketsScheduleElseTheDefault) {
  EXPECT_FALSE(ForTicket(std::nullopt).has_value());  // no schedule: calendar hours
  const ScheduleView paris = Make("Paris", "Europe/Paris");
  const ScheduleView tokyo = Make("Tokyo", "Asia/Tokyo");
  EXPECT_EQ(ForTicket(std::nullopt)->time_zone(), "Europe/Paris");  // first is the default
  EXPECT_EQ(ForTicket(tokyo.record.id)->time_zone(), "Asia/Tokyo");
  EXPECT_EQ(ForTicket(tokyo.record.id + 1000)->time_zone(), "Europe/Paris");  // deleted
  // A change is seen at once (the cache is dropped on commit).
  ASSERT_TRUE(svc_->schedules.SetWorkweek(admin_, tokyo.record.id, {{0, 1440}}).ok());
  EXPECT_EQ(ForTicket(tokyo.record.id)->intervals().size(), 1u);
  HolidayInput h;
  h.name = "Sunday off";
  h.start_date = "2026-11-22";
  h.end_date = "2026-11-22";
  ASSERT_TRUE(svc_->schedules.CreateHoliday(admin_, tokyo.record.id, h).ok());
  EXPECT_FALSE(ForTicket(tokyo.record.id)->IsOpen(*ParseIso8601("2026-11-22T03:00:00Z")));
  ASSERT_TRUE(svc_->schedules.Delete(admin_, paris.record.id).ok());
  EXPECT_EQ(ForTicket(std::nullopt)->time_zone(), "Asia/Tokyo");
}

TEST_F(ScheduleServiceTest, TheChangeHookSeesCalendarChangesOnly) {
  std::vector<std::int64_t> seen;
  svc_->schedules.SetChangeHook([&](storage::Transaction&, AccountId account, std::int64_t id) {
    EXPECT_EQ(account, account_);
    seen.push_back(id);
    return Status::Ok();
  });
  const ScheduleView s = Make("S", "Europe/Paris");  // the first: the new default
  EXPECT_EQ(seen, std::vector<std::int64_t>{s.record.id});
  const ScheduleView second = Make("Second", "Europe/Paris");  // not the default
  EXPECT_EQ(seen.size(), 1u);
  ScheduleInput rename;
  rename.name = "Renamed";
  ASSERT_TRUE(svc_->schedules.Update(admin_, s.record.id, rename).ok());
  EXPECT_EQ(seen.size(), 1u);
  ScheduleInput zone;
  zone.time_zone = "America/New_York";
  ASSERT_TRUE(svc_->schedules.Update(admin_, s.record.id, zone).ok());
  ASSERT_TRUE(svc_->schedules.SetWorkweek(admin_, s.record.id, {{1980, 2000}}).ok());
  HolidayInput h;
  h.name = "H";
  h.start_date = h.end_date = "2026-12-25";
  auto hol = svc_->schedules.CreateHoliday(admin_, s.record.id, h);
  ASSERT_TRUE(hol.ok());
  ASSERT_TRUE(svc_->schedules.DeleteHoliday(admin_, s.record.id, hol->id).ok());
  ASSERT_TRUE(svc_->schedules.Delete(admin_, s.record.id).ok());
  EXPECT_EQ(seen, std::vector<std::int64_t>(6, s.record.id));
  // A failing hook rolls the change back.
  const ScheduleView& t = second;
  svc_->schedules.SetChangeHook([](storage::Transaction&, AccountId, std::int64_t) {
    return Status(ErrorCode::kUnavailable, "recompute queue down");
  });
  EXPECT_FALSE(svc_->schedules.SetWorkweek(admin_, t.record.id, {{0, 60}}).ok());
  EXPECT_EQ(svc_->schedules.Get(admin_, t.record.id)->intervals.size(), 5u);
}

TEST_F(ScheduleServiceTest, TriggersSetTheScheduleAndSeeBusinessHours) {
  // Saturday 2026-11-21 12:00 UTC: the weekday schedule is closed, the 24/7 one open.
  clock_.Set(*ParseIso8601("2026-11-21T12:00:00Z"));
  const ScheduleView weekdays = Make("Weekdays", "Europe/Paris");
  std::vector<calendar::Interval> always;
  for (int d = 0; d < 7; ++d) always.push_back({d * 1440, (d + 1) * 1440});
  const ScheduleView open = Make("Always", "UTC", always);
  const std::string wid = std::to_string(weekdays.record.id);
  const std::string oid = std::to_string(open.record.id);
  auto cond = [](std::string f, std::string op, std::string v) {
    return domain::Condition{std::move(f), std::move(op), json::value(v)};
  };
  auto trigger = [&](std::string title, domain::ConditionSet c, std::vector<domain::Action> a) {
    TriggerInput in;
    in.title = std::move(title);
    in.conditions = std::move(c);
    in.actions = std::move(a);
    auto t = svc_->triggers.Create(admin_, in);
    ASSERT_TRUE(t.ok()) << t.status().ToString();
  };
  trigger("VIP to always open",
          {{cond("update_type", "is", "Create"), cond("current_tags", "includes", "vip")}, {}},
          {{"set_schedule", json::value(oid)}});
  trigger("Outside hours", {{cond("in_business_hours", "is", "false")}, {}},
          {{"current_tags", json::value("after_hours")}});
  trigger("Within always", {{cond("within_schedule", "is", oid)}, {}},
          {{"current_tags", json::value("on_always")}});
  // An unknown schedule is a 422.
  TriggerInput bad;
  bad.title = "Bad";
  bad.conditions = domain::ConditionSet{{cond("update_type", "is", "Create")}, {}};
  bad.actions = std::vector<domain::Action>{{"set_schedule", json::value("999999")}};
  EXPECT_EQ(svc_->triggers.Create(admin_, bad).status().code(), ErrorCode::kValidation);

  TicketInput plain;
  plain.subject = "Help";
  plain.requester_id = requester_id_.value;
  plain.comment = CommentInput{};
  plain.comment->body = "Hello";
  auto t1 = svc_->tickets.Create(admin_, plain);
  ASSERT_TRUE(t1.ok()) << t1.status().ToString();
  EXPECT_FALSE(t1->ticket.schedule_id.has_value());
  auto has = [](const domain::Ticket& t, std::string_view tag) {
    return std::find(t.tags.begin(), t.tags.end(), tag) != t.tags.end();
  };
  EXPECT_TRUE(has(t1->ticket, "after_hours"));  // the default (weekdays) is closed
  EXPECT_FALSE(has(t1->ticket, "on_always"));

  TicketInput vip = plain;
  vip.tags = std::vector<std::string>{"vip"};
  auto t2 = svc_->tickets.Create(admin_, vip);
  ASSERT_TRUE(t2.ok()) << t2.status().ToString();
  EXPECT_EQ(t2->ticket.schedule_id, std::optional<std::int64_t>(open.record.id));
  EXPECT_TRUE(has(t2->ticket, "on_always"));
  EXPECT_FALSE(has(t2->ticket, "after_hours"));  // the 24/7 schedule is open
  auto stored = svc_->tickets.Get(admin_, t2->ticket.id);
  ASSERT_TRUE(stored.ok());
  EXPECT_EQ(stored->schedule_id, std::optional<std::int64_t>(open.record.id));
}

}  // namespace
}  // namespace comptoir::services
