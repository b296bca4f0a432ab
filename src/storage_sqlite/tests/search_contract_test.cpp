// The storage contract for the full-text search (SearchRepository), on every store: the
// same index entries and the same query give the same answer on SQLite (FTS5) and on
// PostgreSQL (tsvector). Text is written already folded, as the search module does.
#include <functional>

#include "store_fixture.hpp"

namespace comptoir {
namespace {

using domain::SearchOp;
using domain::SearchTerm;
using domain::SearchValueKind;
using storage::Transaction;

class SearchStoreTest : public testing::StoreContractTest {
 protected:
  TicketId AddTicket(const std::string& subject, domain::TicketStatus status, Timestamp created,
                     const std::string& pub, const std::string& priv,
                     std::vector<std::string> tags = {}) {
    TicketId id;
    EXPECT_TRUE(store_
                    ->Write([&](Transaction& tx) -> Status {
                      domain::Ticket t;
                      t.account_id = account_;
                      t.subject = subject;
                      t.status = status;
                      t.requester_id = UserId(1);
                      t.submitter_id = UserId(1);
                      t.via_channel = "api";
                      t.tags = tags;
                      t.created_at = t.updated_at = created;
                      auto r = tx.tickets().Insert(t);
                      if (!r.ok()) return r.status();
                      id = *r;
                      return tx.search().IndexTicket(account_, id, subject, pub, priv);
                    })
                    .ok());
    return id;
  }

  std::vector<std::int64_t> Find(std::vector<SearchTerm> terms, bool public_only = false,
                                 std::int64_t* total = nullptr, std::string sort_by = {}) {
    std::vector<std::int64_t> out;
    EXPECT_TRUE(store_
                    ->Read([&](Transaction& tx) -> Status {
                      storage::SearchRequest r;
                      r.query.terms = std::move(terms);
                      r.public_only = public_only;
                      r.now = 10'000;
                      r.sort_by = sort_by;
                      r.sort_descending = false;
                      storage::PageRequest page;
                      page.count = true;
                      auto res = tx.search().Tickets(account_, r, page);
                      if (!res.ok()) return res.status();
                      out = res->ids;
                      if (total) *total = res->total;
                      return Status::Ok();
                    })
                    .ok());
    return out;
  }
};

SearchTerm Text(std::string v, bool wildcard = false, bool negated = false) {
  SearchTerm t;
  t.value = std::move(v);
  t.wildcard = wildcard;
  t.negated = negated;
  return t;
}

SearchTerm Field(std::string field, SearchOp op, std::string v) {
  SearchTerm t;
  t.field = std::move(field);
  t.op = op;
  t.kind = SearchValueKind::kKeyword;
  t.value = std::move(v);
  return t;
}

TEST_P(SearchStoreTest, WordsPhrasesPrefixesAndFiltersAnswerAlike) {
  using S = domain::TicketStatus;
  const auto a = AddTicket("desactivation du compte", S::kOpen, 100, "l imprimante ne repond plus",
                           "note interne", {"vip"});
  const auto b = AddTicket("imprimante en panne", S::kSolved, 200, "принтер не працює", "");
  const auto c = AddTicket("autre chose", S::kPending, 300, "rien", "imprimante cachee");

  std::int64_t total = 0;
  EXPECT_EQ(Find({Text("imprimante")}, false, &total, "created_at"),
            (std::vector<std::int64_t>{a.value, b.value, c.value}));
  EXPECT_EQ(total, 3);
  // End users match the subject and public text only.
  EXPECT_EQ(Find({Text("imprimante")}, true, nullptr, "created_at"),
            (std::vector<std::int64_t>{a.value, b.value}));
  EXPECT_EQ(Find({Text("imprim", true)}, false, nullptr, "created_at").size(), 3u);
  EXPECT_EQ(Find({Text("ne repond")}), (std::vector<std::int64_t>{a.value}));
  EXPECT_TRUE(Find({Text("repond ne")}).empty());
  EXPECT_EQ(Find({Text("принтер")}), (std::vector<std::int64_t>{b.value}));
  EXPECT_EQ(Find({Text("imprimante"), Field("status", SearchOp::kLt, "solved")}, false, nullptr,
                 "created_at"),
            (std::vector<std::int64_t>{a.value, c.value}));
  EXPECT_EQ(Find({Text("imprimante"), Text("panne", false, true)}, false, nullptr, "created_at"),
            (std::vector<std::int64_t>{a.value, c.value}));
  EXPECT_EQ(Find({Field("tags", SearchOp::kEq, "vip")}), (std::vector<std::int64_t>{a.value}));
  auto not_vip = Field("tags", SearchOp::kEq, "vip");
  not_vip.negated = true;
  EXPECT_EQ(Find({not_vip}, false, nullptr, "created_at"),
            (std::vector<std::int64_t>{b.value, c.value}));
  // Two values of one field are ORed.
  EXPECT_EQ(
      Find({Field("status", SearchOp::kEq, "open"), Field("status", SearchOp::kEq, "pending")},
           false, nullptr, "created_at"),
      (std::vector<std::int64_t>{a.value, c.value}));
  // Relative dates count back from `now` (10,000): created within the last 9,850 s.
  SearchTerm recent = Field("created", SearchOp::kGt, "");
  recent.kind = SearchValueKind::kRelative;
  recent.seconds = 9'850;
  EXPECT_EQ(Find({recent}, false, nullptr, "created_at"),
            (std::vector<std::int64_t>{b.value, c.value}));
  // Re-indexing replaces the entry; removing it drops the ticket from text searches.
  ASSERT_TRUE(store_
                  ->Write([&](Transaction& tx) {
                    return tx.search().IndexTicket(account_, a, "nouveau sujet", "", "");
                  })
                  .ok());
  EXPECT_EQ(Find({Text("desactivation")}).size(), 0u);
  EXPECT_EQ(Find({Text("nouveau")}), (std::vector<std::int64_t>{a.value}));
  ASSERT_TRUE(
      store_->Write([&](Transaction& tx) { return tx.search().RemoveTicket(account_, b); }).ok());
  EXPECT_TRUE(Find({Text("принтер")}).empty());
  // The backfill sees the ticket without an entry.
  ASSERT_TRUE(store_
                  ->Read([&](Transaction& tx) -> Status {
                    auto rows = tx.search().Unindexed("ticket", 10);
                    EXPECT_TRUE(rows.ok());
                    if (rows.ok()) {
                      EXPECT_EQ(rows->size(), 1u);
                      if (!rows->empty()) {
                        EXPECT_EQ((*rows)[0].second, b.value);
                      }
                    }
                    return Status::Ok();
                  })
                  .ok());
}

TEST_P(SearchStoreTest, RelevanceRanksTheBetterMatchFirstAndAccountsStayApart) {
  using S = domain::TicketStatus;
  const auto weak = AddTicket("facture", S::kOpen, 100, "une question generale sur le compte", "");
  const auto strong =
      AddTicket("facture facture", S::kOpen, 200, "facture en double facture erronee", "");
  const auto ids = Find({Text("facture")});
  ASSERT_EQ(ids.size(), 2u);
  EXPECT_EQ(ids[0], strong.value);
  EXPECT_EQ(ids[1], weak.value);
  ASSERT_TRUE(store_
                  ->Read([&](Transaction& tx) -> Status {
                    storage::SearchRequest r;
                    r.query.terms = {Text("facture")};
                    storage::PageRequest page;
                    page.count = true;
                    auto res = tx.search().Tickets(AccountId(account_.value + 99), r, page);
                    EXPECT_TRUE(res.ok());
                    if (res.ok()) {
                      EXPECT_EQ(res->total, 0);
                      EXPECT_TRUE(res->ids.empty());
                    }
                    return Status::Ok();
                  })
                  .ok());
}

TEST_P(SearchStoreTest, UsersAndOrganizationsByNameAndText) {
  const auto jean = Insert(NewUser("Jean Dupont", "jean@example.com"));
  const auto ana = Insert(NewUser("Ana", "ana@example.com"));
  ASSERT_TRUE(store_
                  ->Write([&](Transaction& tx) -> Status {
                    COMPTOIR_RETURN_IF_ERROR(
                        tx.search().IndexUser(account_, jean, "jean dupont", "jean example com"));
                    return tx.search().IndexUser(account_, ana, "ana", "ana example com aime jean");
                  })
                  .ok());
  auto find = [&](std::vector<SearchTerm> terms) {
    std::vector<std::int64_t> out;
    EXPECT_TRUE(store_
                    ->Read([&](Transaction& tx) -> Status {
                      storage::SearchRequest r;
                      r.query.terms = std::move(terms);
                      r.sort_by = "created_at";
                      r.sort_descending = false;
                      auto res = tx.search().Users(account_, r, storage::PageRequest{});
                      if (!res.ok()) return res.status();
                      out = res->ids;
                      return Status::Ok();
                    })
                    .ok());
    return out;
  };
  EXPECT_EQ(find({Text("jean")}), (std::vector<std::int64_t>{jean.value, ana.value}));
  SearchTerm name = Text("jean");
  name.field = "name";
  EXPECT_EQ(find({name}), (std::vector<std::int64_t>{jean.value}));
  EXPECT_EQ(find({Field("email", SearchOp::kEq, "ANA@example.com")}),
            (std::vector<std::int64_t>{ana.value}));
}

TEST_P(SearchStoreTest, AStatusOrGroupChangeIsFoundByTheNextSearchAtOnce) {
  using S = domain::TicketStatus;
  GroupId support;
  GroupId billing;
  ASSERT_TRUE(store_
                  ->Write([&](Transaction& tx) -> Status {
                    domain::Group g;
                    g.account_id = account_;
                    g.name = "Support";
                    auto a = tx.groups().Insert(g);
                    if (!a.ok()) return a.status();
                    support = *a;
                    g.name = "Billing";
                    auto b = tx.groups().Insert(g);
                    if (!b.ok()) return b.status();
                    billing = *b;
                    return Status::Ok();
                  })
                  .ok());
  const auto id = AddTicket("imprimante en panne", S::kOpen, 100, "rien ne sort", "");
  const auto other = AddTicket("imprimante neuve", S::kOpen, 200, "", "");
  auto update = [&](S status, GroupId group) {
    // A ticket write alone, without re-indexing its text: the filters follow at once.
    ASSERT_TRUE(store_
                    ->Write([&](Transaction& tx) -> Status {
                      auto t = tx.tickets().Get(account_, id);
                      if (!t.ok()) return t.status();
                      t->status = status;
                      t->group_id = group;
                      return tx.tickets().Update(*t);
                    })
                    .ok());
  };
  const auto by_support = Field("group", SearchOp::kEq, "Support");
  const auto by_billing = Field("group", SearchOp::kEq, std::to_string(billing.value));
  const auto unsolved = Field("status", SearchOp::kLt, "solved");
  std::int64_t total = 0;
  EXPECT_TRUE(Find({Text("imprimante"), by_support}, false, &total).empty());
  EXPECT_EQ(total, 0);

  update(S::kPending, support);
  EXPECT_EQ(Find({Text("imprimante"), by_support, unsolved}, false, &total),
            (std::vector<std::int64_t>{id.value}));
  EXPECT_EQ(total, 1);
  EXPECT_EQ(Find({Text("imprimante"), Field("status", SearchOp::kEq, "pending")}),
            (std::vector<std::int64_t>{id.value}));

  update(S::kSolved, billing);
  EXPECT_TRUE(Find({Text("imprimante"), by_support}, false, &total).empty());
  EXPECT_EQ(total, 0);
  EXPECT_EQ(Find({Text("imprimante"), unsolved}, false, &total),
            (std::vector<std::int64_t>{other.value}));
  EXPECT_EQ(total, 1);
  EXPECT_EQ(Find({Text("panne"), by_billing, Field("status", SearchOp::kEq, "solved")}),
            (std::vector<std::int64_t>{id.value}));
  // Two groups named: ORed.
  EXPECT_EQ(Find({Text("panne"), by_support, by_billing}), (std::vector<std::int64_t>{id.value}));
}

// Tags, deletion and the account are tokens of the SQLite index (migration 12): a query
// whose every filter is a token is answered by the index alone. Each change is seen by the
// next search at once, counted and listed alike, on both stores.
TEST_P(SearchStoreTest, TagDeletionAndAccountChangesAreFoundByTheNextSearchAtOnce) {
  using S = domain::TicketStatus;
  const auto a = AddTicket("imprimante en panne", S::kOpen, 100, "", "", {"billing", "vip"});
  const auto b = AddTicket("imprimante neuve", S::kPending, 200, "", "", {"billing-2026"});
  const auto c = AddTicket("imprimante cassee", S::kSolved, 300, "", "", {"été"});
  auto count = [&](std::vector<SearchTerm> terms, bool deleted = false) {
    std::int64_t n = -1;
    EXPECT_TRUE(store_
                    ->Read([&](Transaction& tx) -> Status {
                      storage::SearchRequest r;
                      r.query.terms = std::move(terms);
                      r.filter.deleted = deleted;
                      storage::PageRequest page;
                      page.count = true;
                      page.limit = 0;
                      auto res = tx.search().Tickets(account_, r, page);
                      if (!res.ok()) return res.status();
                      n = res->total;
                      return Status::Ok();
                    })
                    .ok());
    return n;
  };
  auto write = [&](TicketId id, const std::function<void(domain::Ticket&)>& change) {
    ASSERT_TRUE(store_
                    ->Write([&](Transaction& tx) -> Status {
                      auto t = tx.tickets().Get(account_, id);
                      if (!t.ok()) return t.status();
                      change(*t);
                      return tx.tickets().Update(*t);
                    })
                    .ok());
  };
  const auto billing = Field("tags", SearchOp::kEq, "billing");
  std::int64_t total = 0;
  EXPECT_EQ(Find({Text("imprimante"), billing}, false, &total),
            (std::vector<std::int64_t>{a.value}));
  EXPECT_EQ(total, 1);
  EXPECT_EQ(count({Text("imprimante"), billing}), 1);
  // A tag with characters the tokenizer splits on, and one outside ASCII, exactly.
  EXPECT_EQ(Find({Text("imprimante"), Field("tags", SearchOp::kEq, "billing-2026")}),
            (std::vector<std::int64_t>{b.value}));
  EXPECT_EQ(count({Text("imprimante"), Field("tags", SearchOp::kEq, "2026")}), 0);
  EXPECT_EQ(Find({Text("imprimante"), Field("tags", SearchOp::kEq, "été")}),
            (std::vector<std::int64_t>{c.value}));
  // ORed tags, a tag and a status, and a prefix (the SQL filter) agree.
  EXPECT_EQ(count({Text("imprimante"), billing, Field("tags", SearchOp::kEq, "été")}), 2);
  EXPECT_EQ(count({Text("imprimante"), Field("tags", SearchOp::kEq, "vip"),
                   Field("status", SearchOp::kLt, "solved")}),
            1);
  auto prefix = Field("tags", SearchOp::kEq, "billing");
  prefix.wildcard = true;
  EXPECT_EQ(count({Text("imprimante"), prefix}), 2);

  // The tag is removed: gone from the next search; added to another ticket: found there.
  write(a, [](domain::Ticket& t) { t.tags = {"vip"}; });
  EXPECT_EQ(count({Text("imprimante"), billing}), 0);
  write(c, [](domain::Ticket& t) { t.tags = {"billing", "été"}; });
  EXPECT_EQ(Find({Text("imprimante"), billing}, false, &total),
            (std::vector<std::int64_t>{c.value}));
  EXPECT_EQ(total, 1);

  // Soft deletion: out of the live searches, in the deleted ones; restored: back.
  write(c, [](domain::Ticket& t) { t.deleted_at = 500; });
  EXPECT_EQ(count({Text("imprimante"), billing}), 0);
  EXPECT_EQ(count({Text("imprimante")}), 2);
  EXPECT_EQ(count({Text("imprimante"), billing}, /*deleted=*/true), 1);
  write(c, [](domain::Ticket& t) { t.deleted_at = 0; });
  EXPECT_EQ(count({Text("imprimante"), billing}), 1);
  EXPECT_EQ(count({Text("imprimante")}), 3);

  // Another account's search finds none of them, with or without a filter.
  ASSERT_TRUE(store_
                  ->Read([&](Transaction& tx) -> Status {
                    storage::SearchRequest r;
                    r.query.terms = {Text("imprimante"), Field("tags", SearchOp::kEq, "vip")};
                    storage::PageRequest page;
                    page.count = true;
                    auto res = tx.search().Tickets(AccountId(account_.value + 99), r, page);
                    EXPECT_TRUE(res.ok());
                    if (res.ok()) {
                      EXPECT_EQ(res->total, 0);
                      EXPECT_TRUE(res->ids.empty());
                    }
                    return Status::Ok();
                  })
                  .ok());

  // A ticket removed for good leaves the index with it.
  ASSERT_TRUE(store_
                  ->Write([&](Transaction& tx) -> Status {
                    COMPTOIR_RETURN_IF_ERROR(tx.search().RemoveTicket(account_, b));
                    return tx.tickets().Delete(account_, b);
                  })
                  .ok());
  EXPECT_EQ(count({Text("imprimante")}), 2);
  EXPECT_EQ(count({Text("neuve")}), 0);
}

TEST_P(SearchStoreTest, TheBackfillMarkerIsSetByTheMigrationAndCleared) {
  ASSERT_TRUE(store_
                  ->Write([&](Transaction& tx) -> Status {
                    auto p = tx.search().BackfillPending();
                    EXPECT_TRUE(p.ok() && *p);
                    COMPTOIR_RETURN_IF_ERROR(tx.search().BackfillDone());
                    auto q = tx.search().BackfillPending();
                    EXPECT_TRUE(q.ok() && !*q);
                    return Status::Ok();
                  })
                  .ok());
}

INSTANTIATE_TEST_SUITE_P(Stores, SearchStoreTest, ::testing::Values("sqlite", "postgres"),
                         testing::StoreName);

}  // namespace
}  // namespace comptoir
