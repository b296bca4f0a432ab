// The automation sweep: fires once per ticket per matching period, also when two
// services sweep the same store at once; ticket times kept by TicketService.
#include <thread>

#include "people_fixture.hpp"

namespace comptoir::services {
namespace {

using testing::PeopleFixture;

class AutomationSweepTest : public PeopleFixture {
 protected:
  void TearDown() override {
    // The second node's services go after the store (whose notifier may still call them).
    svc_.reset();
    store_.reset();
    other_.reset();
    PeopleFixture::TearDown();
  }
  std::unique_ptr<Services> other_;

  // A ticket solved `days` ago, assigned to `agent`.
  TicketId SolvedTicket(UserId requester, UserId agent, int days) {
    domain::Ticket t;
    t.account_id = account_;
    t.subject = "old";
    t.status = domain::TicketStatus::kSolved;
    t.requester_id = t.submitter_id = requester;
    t.assignee_id = agent;
    t.created_at = clock_.Now() - (days + 1) * 86400;
    t.updated_at = t.solved_at = t.status_updated_at = clock_.Now() - days * 86400;
    TicketId id;
    EXPECT_TRUE(store_
                    ->Write([&](storage::Transaction& tx) {
                      auto r = tx.tickets().Insert(t);
                      if (!r.ok()) return r.status();
                      id = *r;
                      return Status::Ok();
                    })
                    .ok());
    return id;
  }
  domain::Ticket Load(TicketId id) {
    domain::Ticket t;
    EXPECT_TRUE(store_
                    ->Read([&](storage::Transaction& tx) {
                      auto r = tx.tickets().Get(account_, id);
                      if (!r.ok()) return r.status();
                      t = *r;
                      return Status::Ok();
                    })
                    .ok());
    return t;
  }
  domain::AutomationId DefaultAutomation() {
    domain::AutomationId id;
    EXPECT_TRUE(store_
                    ->Write([&](storage::Transaction& tx) -> Status {
                      COMPTOIR_RETURN_IF_ERROR(
                          AutomationService::InsertDefaults(tx, account_, clock_.Now()));
                      auto list = tx.automations().List(account_);
                      if (!list.ok()) return list.status();
                      id = list->front().id;
                      return Status::Ok();
                    })
                    .ok());
    return id;
  }
};

TEST_F(AutomationSweepTest, ClosesSolvedTicketsAfterFourDaysOnce) {
  auto automation = DefaultAutomation();
  UserId requester = NewUser("Req", domain::Role::kEndUser);
  UserId agent = NewUser("Agent", domain::Role::kAgent);
  TicketId old = SolvedTicket(requester, agent, 5);
  TicketId recent = SolvedTicket(requester, agent, 2);

  auto r = svc_->automations.Sweep(clock_.Now());
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->fired, 1);
  EXPECT_EQ(Load(old).status, domain::TicketStatus::kClosed);
  EXPECT_EQ(Load(recent).status, domain::TicketStatus::kSolved);

  // Later sweeps: the closed ticket is no candidate; the recent one closes once due.
  auto again = svc_->automations.Sweep(clock_.Now());
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->fired, 0);
  clock_.Advance(std::chrono::hours(3 * 24));
  auto later = svc_->automations.Sweep(clock_.Now());
  ASSERT_TRUE(later.ok());
  EXPECT_EQ(later->fired, 1);
  EXPECT_EQ(Load(recent).status, domain::TicketStatus::kClosed);
  auto n = svc_->automations.CountFirings(admin_, automation);
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(*n, 2);
}

TEST_F(AutomationSweepTest, TwoSweepersAtOnceFireOncePerTicket) {
  auto automation = DefaultAutomation();
  UserId requester = NewUser("Req", domain::Role::kEndUser);
  UserId agent = NewUser("Agent", domain::Role::kAgent);
  std::vector<TicketId> ids;
  for (int i = 0; i < 60; ++i) ids.push_back(SolvedTicket(requester, agent, 5 + i % 3));
  // A second node: its own services over the same store.
  other_ = std::make_unique<Services>(*store_, clock_, *blobs_);
  Services& other = *other_;
  std::int64_t fired_a = 0, fired_b = 0;
  std::thread a([&] {
    auto r = svc_->automations.Sweep(clock_.Now());
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    fired_a = r->fired;
  });
  std::thread b([&] {
    auto r = other.automations.Sweep(clock_.Now());
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    fired_b = r->fired;
  });
  a.join();
  b.join();
  EXPECT_EQ(fired_a + fired_b, 60);
  auto n = svc_->automations.CountFirings(admin_, automation);
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(*n, 60);
  for (auto id : ids) {
    EXPECT_EQ(Load(id).status, domain::TicketStatus::kClosed);
    // One rule audit per ticket.
    int rule_audits = 0;
    ASSERT_TRUE(store_
                    ->Read([&](storage::Transaction& tx) {
                      storage::PageRequest p;
                      auto audits = tx.audits().List(account_, id, p);
                      if (!audits.ok()) return audits.status();
                      for (const auto& au : audits->items) rule_audits += au.via_channel == "rule";
                      return Status::Ok();
                    })
                    .ok());
    EXPECT_EQ(rule_audits, 1);
  }
}

TEST_F(AutomationSweepTest, TicketUpdatesKeepTheTimesRulesMeasureFrom) {
  UserId requester = NewUser("Req", domain::Role::kEndUser);
  UserId agent = NewUser("Agent", domain::Role::kAgent);
  Context as_requester = ContextFor(requester, domain::Role::kEndUser);
  Context as_agent = ContextFor(agent, domain::Role::kAgent);
  TicketInput in;
  in.subject = "Help";
  in.comment = CommentInput{};
  in.comment->body = "It broke";
  auto made = svc_->tickets.Create(as_requester, in);
  ASSERT_TRUE(made.ok()) << made.status().ToString();
  const TicketId id = made->ticket.id;
  const Timestamp t0 = clock_.Now();
  EXPECT_EQ(made->ticket.status_updated_at, t0);
  EXPECT_EQ(made->ticket.requester_updated_at, t0);
  EXPECT_EQ(made->ticket.assigned_at, 0);

  clock_.Advance(std::chrono::hours(1));
  TicketInput reply;
  reply.assignee_id = agent.value;
  reply.status = "solved";
  reply.comment = CommentInput{};
  reply.comment->body = "Fixed";
  auto solved = svc_->tickets.Update(admin_, id, reply);
  ASSERT_TRUE(solved.ok()) << solved.status().ToString();
  EXPECT_EQ(solved->ticket.initially_assigned_at, t0 + 3600);
  EXPECT_EQ(solved->ticket.assigned_at, t0 + 3600);
  EXPECT_EQ(solved->ticket.status_updated_at, t0 + 3600);
  EXPECT_EQ(solved->ticket.replies, 1);  // a public comment by staff
  EXPECT_EQ(solved->ticket.requester_updated_at, t0);

  clock_.Advance(std::chrono::hours(1));
  TicketInput answer;
  answer.comment = CommentInput{};
  answer.comment->body = "Still broken";
  auto reopened = svc_->tickets.Update(as_requester, id, answer);
  ASSERT_TRUE(reopened.ok()) << reopened.status().ToString();
  EXPECT_EQ(reopened->ticket.status, domain::TicketStatus::kOpen);
  EXPECT_EQ(reopened->ticket.reopens, 1);
  EXPECT_EQ(reopened->ticket.requester_updated_at, t0 + 7200);
  EXPECT_EQ(reopened->ticket.status_updated_at, t0 + 7200);

  clock_.Advance(std::chrono::hours(1));
  TicketInput note;
  note.comment = CommentInput{};
  note.comment->body = "Looking";
  note.comment->is_public = false;
  auto noted = svc_->tickets.Update(as_agent, id, note);
  ASSERT_TRUE(noted.ok()) << noted.status().ToString();
  EXPECT_EQ(noted->ticket.assignee_updated_at, t0 + 3 * 3600);
  EXPECT_EQ(noted->ticket.replies, 1);  // private notes are no replies
  EXPECT_EQ(noted->ticket.assigned_at, t0 + 3600);
}

}  // namespace
}  // namespace comptoir::services
