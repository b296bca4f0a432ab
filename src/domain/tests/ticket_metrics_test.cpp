// The metric arithmetic of ticket metric sets, write by write on a fake timeline.
#include <gtest/gtest.h>

#include "comptoir/domain/ticket_metrics.hpp"

namespace comptoir::domain {
namespace {

constexpr Timestamp kT0 = 1'700'000'000;

class MetricTimeline : public ::testing::Test {
 protected:
  MetricTimeline() {
    t_.id = TicketId(7);
    t_.account_id = AccountId(1);
    t_.created_at = kT0;
    t_.status = TicketStatus::kNew;
    Write(kT0, /*create=*/true);
  }
  // One write at `at` of the ticket as it now stands in t_.
  void Write(Timestamp at, bool create = false, bool comment = false, bool reply = false) {
    TicketWrite w{create ? nullptr : &before_, &t_, comment, reply, at};
    ApplyTicketWrite(m_, w, business_);
    before_ = t_;
  }
  void Status(TicketStatus s, Timestamp at) {
    t_.status = s;
    Write(at);
  }
  Ticket t_;
  Ticket before_;
  TicketMetricSet m_;
  BusinessSeconds business_ = CalendarOnly();
};

TEST_F(MetricTimeline, NewSetStartsEmpty) {
  EXPECT_EQ(m_.ticket_id, TicketId(7));
  EXPECT_EQ(m_.created_at, kT0);
  EXPECT_FALSE(m_.reply_time.has_value());
  EXPECT_FALSE(m_.first_resolution_time.has_value());
  EXPECT_EQ(m_.replies, 0);
  EXPECT_EQ(m_.reopens, 0);
}

TEST_F(MetricTimeline, FirstReplyIsTheFirstPublicAgentComment) {
  Write(kT0 + 600, false, /*comment=*/true, /*reply=*/false);  // a private note
  EXPECT_FALSE(m_.reply_time.has_value());
  EXPECT_EQ(m_.latest_comment_added_at, kT0 + 600);
  Write(kT0 + 3 * 3600 + 30, false, true, /*reply=*/true);
  ASSERT_TRUE(m_.reply_time.has_value());
  EXPECT_EQ(Minutes(m_.reply_time->calendar), 180);
  EXPECT_EQ(m_.reply_time->calendar, 3 * 3600 + 30);
  Write(kT0 + 5 * 3600, false, true, true);  // a second reply does not move it
  EXPECT_EQ(Minutes(m_.reply_time->calendar), 180);
  EXPECT_EQ(m_.replies, 2);
}

TEST_F(MetricTimeline, ReopenKeepsFirstResolutionAndMovesFullResolution) {
  Status(TicketStatus::kOpen, kT0 + 60);
  Status(TicketStatus::kSolved, kT0 + 3600);
  ASSERT_TRUE(m_.first_resolution_time.has_value());
  EXPECT_EQ(Minutes(m_.first_resolution_time->calendar), 60);
  EXPECT_EQ(Minutes(m_.full_resolution_time->calendar), 60);
  EXPECT_EQ(m_.solved_at, kT0 + 3600);
  Status(TicketStatus::kOpen, kT0 + 7200);
  EXPECT_EQ(m_.reopens, 1);
  Status(TicketStatus::kSolved, kT0 + 5 * 3600);
  EXPECT_EQ(Minutes(m_.first_resolution_time->calendar), 60);
  EXPECT_EQ(Minutes(m_.full_resolution_time->calendar), 300);
  EXPECT_EQ(m_.solved_at, kT0 + 5 * 3600);
  // Closing a solved ticket is not a new resolution.
  Status(TicketStatus::kClosed, kT0 + 9 * 3600);
  EXPECT_EQ(Minutes(m_.full_resolution_time->calendar), 300);
  EXPECT_EQ(m_.reopens, 1);
}

TEST_F(MetricTimeline, PendingIsAgentWaitAndOnHoldIsRequesterWaitToo) {
  Status(TicketStatus::kOpen, kT0 + 600);      // new 10 min
  Status(TicketStatus::kPending, kT0 + 1800);  // open 20 min
  Status(TicketStatus::kOpen, kT0 + 5400);     // pending 60 min
  Status(TicketStatus::kHold, kT0 + 6000);     // open 10 min
  Status(TicketStatus::kPending, kT0 + 8400);  // on-hold 40 min
  Status(TicketStatus::kSolved, kT0 + 10200);  // pending 30 min
  EXPECT_EQ(Minutes(m_.agent_wait_time.calendar), 90);
  EXPECT_EQ(Minutes(m_.on_hold_time.calendar), 40);
  EXPECT_EQ(Minutes(m_.requester_wait_time.calendar), 10 + 20 + 10 + 40);
  // Solved time counts in none of them.
  Status(TicketStatus::kOpen, kT0 + 20000);
  EXPECT_EQ(Minutes(m_.requester_wait_time.calendar), 80);
  EXPECT_EQ(m_.status_updated_at, kT0 + 20000);
}

TEST_F(MetricTimeline, StationsCountEveryNewAssigneeAndGroup) {
  t_.group_id = GroupId(3);
  Write(kT0 + 10);
  t_.assignee_id = UserId(40);
  Write(kT0 + 20);
  t_.assignee_id = UserId(41);
  t_.group_id = GroupId(4);
  Write(kT0 + 30);
  t_.assignee_id = UserId();  // unassigned: not a station
  Write(kT0 + 40);
  t_.assignee_id = UserId(40);
  Write(kT0 + 50);
  EXPECT_EQ(m_.assignee_stations, 3);
  EXPECT_EQ(m_.group_stations, 2);
  EXPECT_EQ(m_.initially_assigned_at, kT0 + 20);
  EXPECT_EQ(m_.assigned_at, kT0 + 50);
}

TEST_F(MetricTimeline, BusinessTimeComesFromTheSchedule) {
  // A toy schedule: only the first half of each hour is open.
  business_ = [](Timestamp from, Timestamp to) {
    std::int64_t open = 0;
    for (Timestamp s = from; s < to; ++s) open += ((s - kT0) % 3600) < 1800 ? 1 : 0;
    return open;
  };
  Status(TicketStatus::kPending, kT0 + 7200);  // two hours new: one business hour
  EXPECT_EQ(Minutes(m_.requester_wait_time.calendar), 120);
  EXPECT_EQ(Minutes(m_.requester_wait_time.business), 60);
  Write(kT0 + 7200 + 2700, false, true, true);  // reply at 2h45
  EXPECT_EQ(Minutes(m_.reply_time->calendar), 165);
  EXPECT_EQ(Minutes(m_.reply_time->business), 90);
}

}  // namespace
}  // namespace comptoir::domain
