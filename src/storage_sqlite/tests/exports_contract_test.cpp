// The storage contract of incremental exports (stream order, exact cursors when many
// items share a second, the upper bound, deleted tickets) and of ticket metric sets, on
// every store.
#include <set>

#include "store_fixture.hpp"

namespace comptoir {
namespace {

using storage::ExportPosition;
using storage::ExportQuery;
using storage::Transaction;

// Far enough ahead that the wall clock never wins: every ticket's generated_timestamp
// is its updated_at.
constexpr Timestamp kSecond = 4'000'000'000;

class ExportStoreTest : public testing::StoreContractTest {
 protected:
  domain::Ticket NewTicket(Timestamp updated_at) {
    domain::Ticket t;
    t.account_id = account_;
    t.subject = "s";
    t.requester_id = requester_;
    t.submitter_id = requester_;
    t.created_at = 1000;
    t.updated_at = updated_at;
    return t;
  }
  void SetUp() override {
    testing::StoreContractTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    requester_ = Insert(NewUser("Req", "req@example.test"));
  }
  std::vector<domain::Ticket> Page(const ExportQuery& q) {
    std::vector<domain::Ticket> out;
    EXPECT_TRUE(store_
                    ->Read([&](Transaction& tx) {
                      auto r = tx.exports().Tickets(account_, q);
                      if (!r.ok()) return r.status();
                      out = std::move(*r);
                      return Status::Ok();
                    })
                    .ok());
    return out;
  }
  // Follows the stream from `from` in pages of `limit`, as the cursor export does.
  std::vector<TicketId> Drain(ExportPosition from, Timestamp until, int limit,
                              bool include_deleted = true) {
    std::vector<TicketId> ids;
    ExportQuery q;
    q.after = from;
    q.until = until;
    q.limit = limit;
    q.include_deleted = include_deleted;
    for (int guard = 0; guard < 1000; ++guard) {
      auto page = Page(q);
      for (const auto& t : page) ids.push_back(t.id);
      if (static_cast<int>(page.size()) < limit) break;
      q.after = {page.back().generated_timestamp, page.back().id.value};
    }
    return ids;
  }
  UserId requester_;
};

TEST_P(ExportStoreTest, CursorPagesAreExactWhenThousandsShareASecond) {
  std::vector<TicketId> made;
  ASSERT_TRUE(store_
                  ->Write([&](Transaction& tx) {
                    for (int i = 0; i < 2500; ++i) {
                      auto id = tx.tickets().Insert(NewTicket(kSecond));
                      if (!id.ok()) return id.status();
                      made.push_back(*id);
                    }
                    for (int i = 0; i < 10; ++i) {
                      auto id = tx.tickets().Insert(NewTicket(kSecond + 5));
                      if (!id.ok()) return id.status();
                      made.push_back(*id);
                    }
                    return Status::Ok();
                  })
                  .ok());
  auto ids = Drain({kSecond, 0}, kSecond + 60, 1000);
  ASSERT_EQ(ids.size(), made.size());
  EXPECT_EQ(ids, made);  // (timestamp, id) order: all of the first second, then the rest
  EXPECT_EQ(std::set<TicketId>(ids.begin(), ids.end()).size(), made.size());
  // Odd page sizes cut inside the second: still every item once.
  EXPECT_EQ(Drain({kSecond, 0}, kSecond + 60, 7).size(), made.size());
  // The upper bound is exclusive: the later second is not visible below it.
  EXPECT_EQ(Drain({kSecond, 0}, kSecond + 5, 1000).size(), 2500u);
  // A start after the first second.
  EXPECT_EQ(Drain({kSecond + 1, 0}, kSecond + 60, 1000).size(), 10u);
  // Another account sees nothing.
  ExportQuery q;
  q.after = {0, 0};
  q.until = kSecond + 60;
  ASSERT_TRUE(store_
                  ->Read([&](Transaction& tx) {
                    EXPECT_TRUE(tx.exports().Tickets(AccountId(account_.value + 1), q)->empty());
                    return Status::Ok();
                  })
                  .ok());
}

TEST_P(ExportStoreTest, AWriteMovesTheTicketToTheEndAndDeletedOnesCanBeLeftOut) {
  std::vector<TicketId> made;
  ASSERT_TRUE(store_
                  ->Write([&](Transaction& tx) {
                    for (int i = 0; i < 3; ++i) {
                      auto id = tx.tickets().Insert(NewTicket(kSecond + i));
                      if (!id.ok()) return id.status();
                      made.push_back(*id);
                    }
                    return Status::Ok();
                  })
                  .ok());
  ASSERT_TRUE(store_
                  ->Write([&](Transaction& tx) {
                    auto t = tx.tickets().Get(account_, made[0]);
                    if (!t.ok()) return t.status();
                    EXPECT_EQ(t->generated_timestamp, kSecond);
                    t->deleted_at = kSecond + 10;  // soft delete: updated_at unchanged
                    return tx.tickets().Update(*t);
                  })
                  .ok());
  auto ids = Drain({0, 0}, kSecond + 60, 1000);
  EXPECT_EQ(ids, (std::vector<TicketId>{made[1], made[2], made[0]}));
  EXPECT_EQ(Drain({0, 0}, kSecond + 60, 1000, /*include_deleted=*/false),
            (std::vector<TicketId>{made[1], made[2]}));
  // A write never moves a ticket back (an update carrying an older updated_at).
  ASSERT_TRUE(store_
                  ->Write([&](Transaction& tx) {
                    auto t = tx.tickets().Get(account_, made[2]);
                    if (!t.ok()) return t.status();
                    t->updated_at = 5000;
                    return tx.tickets().Update(*t);
                  })
                  .ok());
  ASSERT_TRUE(store_
                  ->Read([&](Transaction& tx) {
                    EXPECT_EQ(tx.tickets().Get(account_, made[2])->generated_timestamp,
                              kSecond + 2);
                    return Status::Ok();
                  })
                  .ok());
}

TEST_P(ExportStoreTest, UsersStreamOnUpdatedAt) {
  auto a = NewUser("A", "a@example.test");
  a.updated_at = 3000;
  auto b = NewUser("B", "b@example.test");
  b.updated_at = 2000;
  UserId ida = Insert(a);
  UserId idb = Insert(b);
  ExportQuery q;
  q.after = {1500, 0};
  q.until = 10000;
  q.limit = 10;
  ASSERT_TRUE(store_
                  ->Read([&](Transaction& tx) {
                    auto users = tx.exports().Users(account_, q);
                    EXPECT_TRUE(users.ok());
                    if (!users.ok()) return users.status();
                    EXPECT_EQ(users->size(), 2u);
                    if (users->size() == 2) {
                      EXPECT_EQ((*users)[0].id, idb);
                      EXPECT_EQ((*users)[1].id, ida);
                    }
                    return Status::Ok();
                  })
                  .ok());
}

TEST_P(ExportStoreTest, MetricSetsReadBackAndListOnlyLiveTickets) {
  std::vector<TicketId> made;
  ASSERT_TRUE(store_
                  ->Write([&](Transaction& tx) {
                    for (int i = 0; i < 2; ++i) {
                      auto id = tx.tickets().Insert(NewTicket(kSecond));
                      if (!id.ok()) return id.status();
                      made.push_back(*id);
                      domain::TicketMetricSet m;
                      m.account_id = account_;
                      m.ticket_id = *id;
                      m.created_at = 1000;
                      m.replies = 2 + i;
                      m.reply_time = domain::MetricDuration{150, 90};
                      m.agent_wait_time = {600, 300};
                      m.status = domain::TicketStatus::kPending;
                      auto mid = tx.ticket_metrics().Put(m);
                      if (!mid.ok()) return mid.status();
                    }
                    auto t = tx.tickets().Get(account_, made[1]);
                    if (!t.ok()) return t.status();
                    t->deleted_at = kSecond;
                    return tx.tickets().Update(*t);
                  })
                  .ok());
  ASSERT_TRUE(
      store_
          ->Write([&](Transaction& tx) {
            auto m = tx.ticket_metrics().ForTicket(account_, made[0]);
            EXPECT_TRUE(m.ok());
            if (!m.ok()) return m.status();
            EXPECT_EQ(m->replies, 2);
            EXPECT_EQ(m->reply_time->calendar, 150);
            EXPECT_EQ(m->reply_time->business, 90);
            EXPECT_FALSE(m->first_resolution_time.has_value());
            EXPECT_EQ(m->agent_wait_time.business, 300);
            EXPECT_EQ(m->status, domain::TicketStatus::kPending);
            m->first_resolution_time = domain::MetricDuration{0, 0};
            m->reopens = 1;
            auto id = tx.ticket_metrics().Put(*m);
            if (!id.ok()) return id.status();
            EXPECT_EQ(*id, m->id);
            auto again = tx.ticket_metrics().Get(account_, m->id);
            EXPECT_EQ(again->reopens, 1);
            EXPECT_TRUE(again->first_resolution_time.has_value());
            EXPECT_EQ(tx.ticket_metrics().ForTickets(account_, made)->size(), 2u);
            EXPECT_EQ(tx.ticket_metrics().Get(AccountId(account_.value + 1), m->id).status().code(),
                      ErrorCode::kNotFound);
            storage::PageRequest p;
            p.count = true;
            auto list = tx.ticket_metrics().List(account_, storage::TicketFilter{}, p);
            EXPECT_TRUE(list.ok());
            EXPECT_EQ(list->items.size(), 1u);  // the deleted ticket's set is left out
            EXPECT_EQ(list->total, 1);
            return Status::Ok();
          })
          .ok());
}

INSTANTIATE_TEST_SUITE_P(Stores, ExportStoreTest, ::testing::Values("sqlite", "postgres"),
                         testing::StoreName);

}  // namespace
}  // namespace comptoir
