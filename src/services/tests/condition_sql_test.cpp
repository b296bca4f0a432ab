// The condition tree compiled to SQL (views, the automation sweep) agrees with
// the engine's in-memory evaluation (rules::Matches): random tickets in a real
// SQLite store, random condition sets over the fields both sides take, the ids
// each side selects compared. Also: the ticket times TicketService maintains.
#include <gtest/gtest.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <filesystem>
#include <random>
#include <set>

#include "comptoir/rules/rules.hpp"
#include "comptoir/storage_pg/pg_store.hpp"
#include "comptoir/storage_pg/testing.hpp"
#include "comptoir/storage_sqlite/sqlite_store.hpp"

namespace comptoir {
namespace {

namespace json = boost::json;
using domain::Condition;
using domain::TicketStatus;

constexpr Timestamp kNow = 1'800'000'000;

// Runs on SQLite, and on PostgreSQL when COMPTOIR_TEST_PG_URL names a server.
class ConditionSqlTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (GetParam() == "postgresql") {
      if (pg::testing::PgUrl() == nullptr) GTEST_SKIP() << "COMPTOIR_TEST_PG_URL is not set";
      db_ = "comptoir_condsql_" + std::to_string(::getpid());
      (void)pg::testing::PgAdmin("DROP DATABASE IF EXISTS " + db_ + " WITH (FORCE)");
      ASSERT_EQ(pg::testing::PgAdmin("CREATE DATABASE " + db_), "");
      pg::PgOptions o;
      o.url = pg::testing::WithDatabase(pg::testing::PgUrl(), db_);
      auto s = pg::PgStore::Open(o);
      ASSERT_TRUE(s.ok()) << s.status().ToString();
      store_ = std::move(s).value();
    } else {
      dir_ = std::filesystem::temp_directory_path() /
             ("comptoir-condsql-" + std::to_string(::getpid()));
      std::filesystem::remove_all(dir_);
      std::filesystem::create_directories(dir_);
      auto s = sqlite::SqliteStore::Open({(dir_ / "test.db").string()});
      ASSERT_TRUE(s.ok()) << s.status().ToString();
      store_ = std::move(s).value();
    }
    ASSERT_TRUE(store_->Migrate().ok());
  }
  void TearDown() override {
    store_.reset();
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
    if (!db_.empty())
      (void)pg::testing::PgAdmin("DROP DATABASE IF EXISTS " + db_ + " WITH (FORCE)");
  }

  std::filesystem::path dir_;
  std::string db_;
  std::unique_ptr<storage::Store> store_;
};

const std::vector<std::string> kTags = {"vip", "billing", "bug", "refund", "later"};
const std::vector<std::string> kVia = {"web", "email", "api", "rule", "chat", "help_center"};
const std::vector<std::string> kScores = {"unoffered", "offered", "good", "bad"};
constexpr std::int64_t kField = 77;

domain::Ticket RandomTicket(std::mt19937_64& rng, AccountId account) {
  auto pick = [&](int n) { return static_cast<int>(rng() % static_cast<std::uint64_t>(n)); };
  auto some_time = [&]() -> Timestamp {
    // Within ~10 days before now, on and around whole hours, sometimes unset.
    if (pick(8) == 0) return 0;
    return kNow - pick(240) * 3600 - (pick(3) == 0 ? pick(3) - 1 : pick(3600));
  };
  domain::Ticket t;
  t.account_id = account;
  t.subject = "s";
  t.status = static_cast<TicketStatus>(pick(6));
  t.priority = static_cast<domain::TicketPriority>(pick(5));
  t.type = static_cast<domain::TicketType>(pick(5));
  t.requester_id = UserId(1 + pick(3));
  t.submitter_id = t.requester_id;
  if (pick(3) != 0) t.assignee_id = UserId(1 + pick(4));
  if (pick(3) != 0) t.group_id = GroupId(10 + pick(3));
  if (pick(2) != 0) t.organization_id = OrganizationId(20 + pick(2));
  for (const auto& tag : kTags) {
    if (pick(3) == 0) t.tags.push_back(tag);
  }
  if (pick(2) == 0) {
    t.custom_fields.push_back(json::object{{"id", kField}, {"value", pick(2) ? "gold" : "silver"}});
  }
  t.via_channel = kVia[pick(static_cast<int>(kVia.size()))];
  t.recipient = pick(2) ? "help@x.test" : "";
  t.is_public = pick(4) != 0;
  t.satisfaction_score = kScores[pick(static_cast<int>(kScores.size()))];
  t.reopens = pick(3);
  t.replies = pick(4);
  t.created_at = kNow - 300 * 3600 + pick(3600);
  t.updated_at = std::max<Timestamp>(t.created_at, some_time());
  t.status_updated_at = std::max<Timestamp>(t.created_at, some_time());  // never 0 when stored
  if (t.status >= TicketStatus::kSolved) t.solved_at = t.status_updated_at;
  if (t.assignee_id) t.initially_assigned_at = t.assigned_at = some_time();
  t.requester_updated_at = some_time();
  t.assignee_updated_at = some_time();
  if (t.type == domain::TicketType::kTask && pick(2)) {
    t.due_at = kNow + (pick(2) ? 1 : -1) * (pick(100) * 3600 + pick(3600));
  }
  // SLA columns (written by the SLA repository after the insert).
  if (pick(2) == 0)
    t.sla_next_breach_at = kNow + (pick(2) ? 1 : -1) * (pick(100) * 3600 + pick(3600));
  if (pick(3) == 0) t.sla_last_breach_at = kNow - pick(100) * 3600 - pick(3600);
  return t;
}

Condition RandomCondition(std::mt19937_64& rng) {
  auto pick = [&](int n) { return static_cast<int>(rng() % static_cast<std::uint64_t>(n)); };
  auto of = [&](std::initializer_list<const char*> list) {
    return std::string(*(list.begin() + pick(static_cast<int>(list.size()))));
  };
  auto hours = [&]() { return json::value(std::to_string(pick(200))); };
  switch (pick(18)) {
    case 0:
      return {"status", of({"is", "is_not", "less_than", "greater_than"}),
              json::value(of({"new", "open", "pending", "hold", "solved", "closed"}))};
    case 1:
      return {"priority", of({"is", "is_not", "less_than", "greater_than"}),
              json::value(of({"low", "normal", "high", "urgent"}))};
    case 2:
      return {"type", of({"is", "is_not"}),
              json::value(of({"question", "incident", "problem", "task"}))};
    case 3:
      return {"assignee_id", of({"is", "is_not"}),
              json::value(of({"", "1", "2", "current_user", "requester_id"}))};
    case 4:
      return {"group_id", of({"is", "is_not"}),
              json::value(of({"", "10", "11", "current_groups"}))};
    case 5:
      return {"requester_id", of({"is", "is_not"}), json::value(of({"1", "2", "current_user"}))};
    case 6:
      return {"organization_id", of({"is", "is_not"}), json::value(of({"", "20", "21"}))};
    case 7:
      return {"current_tags", of({"includes", "not_includes"}),
              json::value(of({"vip", "bug refund", "later billing vip"}))};
    case 8:
      return {"via_id", of({"is", "is_not"}), json::value(of({"0", "4", "5", "8", "29", "50"}))};
    case 9:
      return {"custom_fields_" + std::to_string(kField),
              of({"is", "is_not", "present", "not_present"}), json::value(of({"gold", "silver"}))};
    case 10:
      return {"satisfaction_score", of({"is", "is_not"}),
              json::value(of({"offered", "good", "bad"}))};
    case 11:
      return {"ticket_is_public", "is", json::value(of({"public", "private"}))};
    case 12:
      return {of({"NEW", "OPEN", "PENDING", "HOLD", "SOLVED", "CLOSED"}),
              of({"is", "less_than", "greater_than"}), hours()};
    case 13:
      return {of({"assigned_at", "updated_at", "requester_updated_at", "assignee_updated_at"}),
              of({"is", "less_than", "greater_than"}), hours()};
    case 14:
      return {of({"due_date", "until_due_date"}), of({"is", "less_than", "greater_than"}), hours()};
    case 15:
      return {"recipient", of({"is", "is_not"}), json::value(of({"help@x.test", ""}))};
    case 16:
      return {of({"sla_next_breach_at", "until_sla_next_breach_at"}),
              of({"is", "less_than", "greater_than"}), hours()};
    default:
      return {"brand_id", of({"is", "is_not"}), json::value(of({"", "5"}))};
  }
}

TEST_P(ConditionSqlTest, SqlSelectsWhatTheEngineMatches) {
  std::mt19937_64 rng(20261121);
  AccountId account;
  std::vector<domain::Ticket> tickets;
  ASSERT_TRUE(store_
                  ->Write([&](storage::Transaction& tx) {
                    auto id = tx.accounts().Insert({AccountId(), "T", "{}", 1});
                    if (!id.ok()) return id.status();
                    account = *id;
                    for (int i = 0; i < 400; ++i) {
                      auto t = RandomTicket(rng, account);
                      auto tid = tx.tickets().Insert(t);
                      if (!tid.ok()) return tid.status();
                      t.id = *tid;
                      domain::TicketSlaRecord sla{
                          account, t.id, 0, "{}", t.sla_next_breach_at, t.sla_last_breach_at, 0};
                      if (Status st = tx.slas().SaveTicketSla(sla); !st.ok()) return st;
                      tickets.push_back(t);
                    }
                    return Status::Ok();
                  })
                  .ok());
  const UserId me(2);
  const std::vector<std::int64_t> my_groups = {11};
  int checked = 0, nonempty = 0;
  for (int round = 0; round < 600; ++round) {
    domain::ConditionSet set;
    const int n_all = 1 + static_cast<int>(rng() % 3);
    for (int i = 0; i < n_all; ++i) set.all.push_back(RandomCondition(rng));
    const int n_any = static_cast<int>(rng() % 3);
    for (int i = 0; i < n_any; ++i) set.any.push_back(RandomCondition(rng));

    storage::TicketQuery q;
    q.conditions = set;
    q.now = kNow;
    q.current_user = me;
    q.current_groups = my_groups;
    // Both plans (index walk or collect-and-sort) and a few orders select the same rows.
    q.walk_sort_index = round % 2 == 1;
    q.sort_by = round % 3 == 0
                    ? "updated"
                    : (round % 3 == 1 ? (round % 2 ? "priority" : "sla_next_breach_at") : "");
    std::set<std::int64_t> by_sql;
    Status read = store_->Read([&](storage::Transaction& tx) {
      storage::PageRequest page;
      page.limit = 1000;
      auto r = tx.tickets().ListMatching(account, q, page);
      if (!r.ok()) return r.status();
      for (const auto& t : r->items) by_sql.insert(t.id.value);
      auto n = tx.tickets().CountMatching(account, q);
      if (!n.ok()) return n.status();
      EXPECT_EQ(*n, static_cast<std::int64_t>(by_sql.size()));
      auto ids = tx.tickets().MatchingIds(account, q, 100000);
      if (!ids.ok()) return ids.status();
      std::set<std::int64_t> by_ids;
      for (auto id : *ids) by_ids.insert(id.value);
      EXPECT_EQ(by_ids, by_sql);
      return Status::Ok();
    });
    ASSERT_TRUE(read.ok()) << read.ToString() << " "
                           << json::serialize(rules::ConditionsToJson(set));
    std::set<std::int64_t> by_engine;
    for (const auto& t : tickets) {
      rules::UpdateFacts facts;
      facts.before = t;
      facts.now = kNow;
      facts.current_user = me;
      facts.current_user_groups = my_groups;
      facts.current_user_role = "agent";
      if (rules::Matches(set, t, facts)) by_engine.insert(t.id.value);
    }
    ASSERT_EQ(by_sql, by_engine) << json::serialize(rules::ConditionsToJson(set));
    ++checked;
    if (!by_sql.empty()) ++nonempty;
  }
  EXPECT_EQ(checked, 600);
  EXPECT_GT(nonempty, 200) << "the random sets should select something often";
}

INSTANTIATE_TEST_SUITE_P(Stores, ConditionSqlTest, ::testing::Values("sqlite", "postgresql"),
                         [](const ::testing::TestParamInfo<std::string>& p) { return p.param; });

}  // namespace
}  // namespace comptoir
