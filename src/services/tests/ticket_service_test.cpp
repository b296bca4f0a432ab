// TicketService on a real SQLite store: Zendesk's status rules, validation of people
// on a ticket, access by role, audits and merges.
#include <gtest/gtest.h>

#include "people_fixture.hpp"

namespace comptoir::services {
namespace {

class TicketServiceTest : public testing::PeopleFixture {
 protected:
  void SetUp() override {
    PeopleFixture::SetUp();
    agent_id_ = NewUser("Agent", domain::Role::kAgent);
    agent_ = ContextFor(agent_id_, domain::Role::kAgent);
    requester_id_ = NewUser("Requester", domain::Role::kEndUser);
    requester_ = ContextFor(requester_id_, domain::Role::kEndUser);
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

  domain::Ticket Create(const Context& ctx, TicketInput in) {
    auto r = svc_->tickets.Create(ctx, in);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? r->ticket : domain::Ticket{};
  }

  static TicketInput Reply(std::string body, bool is_public = true) {
    TicketInput in;
    CommentInput c;
    c.body = std::move(body);
    c.is_public = is_public;
    in.comment = c;
    return in;
  }

  UserId agent_id_, requester_id_;
  Context agent_, requester_;
};

TEST_F(TicketServiceTest, NewTicketWithoutCommentIsRejected) {
  TicketInput in = NewTicket();
  in.comment.reset();
  auto r = svc_->tickets.Create(admin_, in);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), ErrorCode::kValidation);
  EXPECT_TRUE(HasDetail(r.status(), "comment", "BlankValue"));
}

TEST_F(TicketServiceTest, StatusIsNewUntilAnAgentActsThenOpen) {
  auto t = Create(admin_, NewTicket());
  EXPECT_EQ(t.status, domain::TicketStatus::kNew);
  auto r = svc_->tickets.Update(agent_, t.id, Reply("Looking"));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->ticket.status, domain::TicketStatus::kOpen);
}

TEST_F(TicketServiceTest, SolvingWithoutAssigneeAssignsTheActingAgent) {
  auto t = Create(admin_, NewTicket());
  TicketInput in;
  in.status = "solved";
  auto r = svc_->tickets.Update(agent_, t.id, in);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->ticket.assignee_id, agent_id_);
  EXPECT_NE(r->ticket.solved_at, 0);
}

TEST_F(TicketServiceTest, ClosedTicketIsReadOnly) {
  auto t = Create(admin_, NewTicket());
  TicketInput solve;
  solve.status = "solved";
  ASSERT_TRUE(svc_->tickets.Update(agent_, t.id, solve).ok());
  TicketInput close;
  close.status = "closed";
  ASSERT_TRUE(svc_->tickets.Update(agent_, t.id, close).ok());
  auto r = svc_->tickets.Update(agent_, t.id, Reply("one more thing"));
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(HasDetail(r.status(), "status", "InvalidValue"));
}

TEST_F(TicketServiceTest, RequesterReplyReopensPendingAndSolvedButNotHold) {
  auto t = Create(admin_, NewTicket());
  for (const char* from : {"pending", "solved"}) {
    TicketInput set;
    set.status = from;
    ASSERT_TRUE(svc_->tickets.Update(agent_, t.id, set).ok());
    auto r = svc_->tickets.Update(requester_, t.id, Reply("still broken"));
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_EQ(r->ticket.status, domain::TicketStatus::kOpen) << from;
  }
  TicketInput hold;
  hold.status = "hold";
  ASSERT_TRUE(svc_->tickets.Update(agent_, t.id, hold).ok());
  auto r = svc_->tickets.Update(requester_, t.id, Reply("hello?"));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->ticket.status, domain::TicketStatus::kHold);
}

TEST_F(TicketServiceTest, EndUserCannotChangePropertiesOrWritePrivateNotes) {
  auto t = Create(admin_, NewTicket());
  TicketInput in;
  in.status = "open";
  EXPECT_EQ(svc_->tickets.Update(requester_, t.id, in).status().code(),
            ErrorCode::kPermissionDenied);
  TicketInput tags;
  tags.tags = std::vector<std::string>{"vip"};
  EXPECT_EQ(svc_->tickets.Update(requester_, t.id, tags).status().code(),
            ErrorCode::kPermissionDenied);
  auto r = svc_->tickets.Update(requester_, t.id, Reply("secret?", /*is_public=*/false));
  ASSERT_TRUE(r.ok());
  storage::PageRequest p;
  auto comments = svc_->tickets.Comments(admin_, t.id, p);
  ASSERT_TRUE(comments.ok());
  EXPECT_TRUE(comments->items.back().is_public);
}

TEST_F(TicketServiceTest, AssigneeMustBeAnAgentInTheGroup) {
  TicketInput in = NewTicket();
  in.assignee_id = requester_id_.value;
  auto r = svc_->tickets.Create(admin_, in);
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(HasDetail(r.status(), "assignee_id", "InvalidValue"));

  GroupId group;
  ASSERT_TRUE(store_
                  ->Write([&](storage::Transaction& tx) {
                    domain::Group g;
                    g.account_id = account_;
                    g.name = "Billing";
                    auto id = tx.groups().Insert(g);
                    if (!id.ok()) return id.status();
                    group = *id;
                    return Status::Ok();
                  })
                  .ok());
  in.assignee_id = agent_id_.value;
  in.group_id = group.value;
  r = svc_->tickets.Create(admin_, in);
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(HasDetail(r.status(), "assignee_id", "InvalidValue"));
  in.group_id = 999;
  r = svc_->tickets.Create(admin_, in);
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(HasDetail(r.status(), "group_id", "InvalidValue"));
}

TEST_F(TicketServiceTest, RequesterByEmailIsCreatedOnceThenReused) {
  TicketInput in = NewTicket();
  in.requester_id.reset();
  in.requester = RequesterInput{"New Person", "New.Person@Example.com", ""};
  auto a = Create(agent_, in);
  auto b = Create(agent_, in);
  EXPECT_TRUE(a.requester_id);
  EXPECT_EQ(a.requester_id, b.requester_id);
  EXPECT_EQ(LoadUser(a.requester_id).email, "new.person@example.com");
}

TEST_F(TicketServiceTest, SafeUpdateWithStaleStampConflicts) {
  auto t = Create(admin_, NewTicket());
  TicketInput in = Reply("racing");
  in.safe_update = true;
  in.updated_stamp = FormatIso8601(t.updated_at - 60);
  EXPECT_EQ(svc_->tickets.Update(agent_, t.id, in).status().code(), ErrorCode::kConflict);
  in.updated_stamp = FormatIso8601(t.updated_at);
  EXPECT_TRUE(svc_->tickets.Update(agent_, t.id, in).ok());
}

TEST_F(TicketServiceTest, HostileHtmlIsSanitisedAndPlainTextRendered) {
  TicketInput in = NewTicket();
  in.comment->body.reset();
  in.comment->html_body = "<p onclick=\"x()\">Hi<script>steal()</script></p>";
  auto t = Create(admin_, in);
  storage::PageRequest p;
  auto comments = svc_->tickets.Comments(admin_, t.id, p);
  ASSERT_TRUE(comments.ok());
  const auto& c = comments->items.at(0);
  EXPECT_EQ(c.html_body.find("script"), std::string::npos);
  EXPECT_EQ(c.html_body.find("onclick"), std::string::npos);
  EXPECT_EQ(c.plain_body, "Hi");
}

TEST_F(TicketServiceTest, AuditsRecordCreateAndChangeWithPreviousValues) {
  auto t = Create(admin_, NewTicket());
  TicketInput in;
  in.priority = "urgent";
  ASSERT_TRUE(svc_->tickets.Update(agent_, t.id, in).ok());
  storage::PageRequest p;
  auto audits = svc_->tickets.Audits(admin_, t.id, p);
  ASSERT_TRUE(audits.ok());
  ASSERT_EQ(audits->items.size(), 2u);
  bool found = false;
  for (const auto& e : audits->items[1].events) {
    const auto& o = e.as_object();
    if (o.at("field_name") == "priority") {
      EXPECT_EQ(o.at("type"), "Change");
      EXPECT_EQ(o.at("value"), "urgent");
      EXPECT_TRUE(o.at("previous_value").is_null());
      found = true;
    }
  }
  EXPECT_TRUE(found);
}

TEST_F(TicketServiceTest, AgentWithGroupAccessSeesOnlyTheirGroupsTickets) {
  domain::CustomRole role;
  role.ticket_access = domain::TicketAccess::kWithinGroups;
  Context limited = agent_;
  limited.actor.ticket_access = domain::TicketAccess::kWithinGroups;
  auto t = Create(admin_, NewTicket());
  EXPECT_EQ(svc_->tickets.Get(limited, t.id).status().code(), ErrorCode::kNotFound);
  auto list = svc_->tickets.List(limited, {}, {});
  ASSERT_TRUE(list.ok());
  EXPECT_TRUE(list->items.empty());
  EXPECT_TRUE(svc_->tickets.Get(agent_, t.id).ok());
}

TEST_F(TicketServiceTest, EndUserSeesOnlyOwnTicketsAndPublicComments) {
  auto mine = Create(admin_, NewTicket());
  ASSERT_TRUE(svc_->tickets.Update(agent_, mine.id, Reply("internal", false)).ok());
  UserId other = NewUser("Other", domain::Role::kEndUser);
  TicketInput theirs = NewTicket();
  theirs.requester_id = other.value;
  auto t2 = Create(admin_, theirs);
  EXPECT_EQ(svc_->tickets.Get(requester_, t2.id).status().code(), ErrorCode::kNotFound);
  storage::PageRequest p;
  auto comments = svc_->tickets.Comments(requester_, mine.id, p);
  ASSERT_TRUE(comments.ok());
  for (const auto& c : comments->items) EXPECT_TRUE(c.is_public);
  EXPECT_EQ(comments->items.size(), 1u);
}

TEST_F(TicketServiceTest, SoftDeleteHidesAndRestoreBringsBack) {
  auto t = Create(admin_, NewTicket());
  ASSERT_TRUE(svc_->tickets.Delete(agent_, t.id).ok());
  EXPECT_EQ(svc_->tickets.Get(agent_, t.id).status().code(), ErrorCode::kNotFound);
  ASSERT_TRUE(svc_->tickets.Restore(agent_, t.id).ok());
  EXPECT_TRUE(svc_->tickets.Get(agent_, t.id).ok());
}

TEST_F(TicketServiceTest, MergeClosesSourcesAndCommentsOnBothSides) {
  auto target = Create(admin_, NewTicket("first"));
  auto source = Create(admin_, NewTicket("duplicate"));
  MergeInput in;
  in.source_ids = {source.id.value};
  auto r = svc_->tickets.Merge(agent_, target.id, in);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  auto src = svc_->tickets.Get(admin_, source.id);
  ASSERT_TRUE(src.ok());
  EXPECT_EQ(src->status, domain::TicketStatus::kClosed);
  storage::PageRequest p;
  auto tc = svc_->tickets.Comments(admin_, target.id, p);
  ASSERT_TRUE(tc.ok());
  EXPECT_EQ(tc->items.size(), 2u);
  EXPECT_NE(tc->items.back().body.find(std::to_string(source.id.value)), std::string::npos);
}

TEST_F(TicketServiceTest, SolvingAProblemSolvesItsIncidents) {
  TicketInput problem = NewTicket("outage");
  problem.type = "problem";
  auto p = Create(admin_, problem);
  TicketInput incident = NewTicket("me too");
  incident.type = "incident";
  incident.problem_id = p.id.value;
  auto i = Create(admin_, incident);
  auto shown = svc_->tickets.Get(agent_, p.id);
  ASSERT_TRUE(shown.ok());
  EXPECT_TRUE(shown->has_incidents);
  TicketInput not_problem = NewTicket();
  not_problem.type = "incident";
  not_problem.problem_id = i.id.value;  // an incident cannot be a problem
  auto bad = svc_->tickets.Create(admin_, not_problem);
  ASSERT_FALSE(bad.ok());
  EXPECT_TRUE(HasDetail(bad.status(), "problem_id", "InvalidValue"));
  TicketInput solve;
  solve.status = "solved";
  ASSERT_TRUE(svc_->tickets.Update(agent_, p.id, solve).ok());
  auto after = svc_->tickets.Get(admin_, i.id);
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(after->status, domain::TicketStatus::kSolved);
}

TEST_F(TicketServiceTest, MergingUsersMovesTheirTickets) {
  auto t = Create(admin_, NewTicket());
  UserId dup = NewUser("Dup", domain::Role::kEndUser);
  TicketInput in = NewTicket();
  in.requester_id = dup.value;
  auto t2 = Create(admin_, in);
  ASSERT_TRUE(svc_->users.Merge(admin_, dup, requester_id_).ok());
  auto moved = svc_->tickets.Get(admin_, t2.id);
  ASSERT_TRUE(moved.ok());
  EXPECT_EQ(moved->requester_id, requester_id_);
  (void)t;
}

}  // namespace
}  // namespace comptoir::services
