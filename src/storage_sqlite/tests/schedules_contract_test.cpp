// The storage contract for business-hours schedules, their holidays and a ticket's
// schedule_id, on every store.
#include "store_fixture.hpp"

namespace comptoir {
namespace {

using storage::ScheduleHoliday;
using storage::ScheduleRecord;
using storage::Transaction;

class ScheduleStoreTest : public testing::StoreContractTest {};

ScheduleRecord Sample(AccountId account, std::string name, int position) {
  ScheduleRecord s;
  s.account_id = account;
  s.name = std::move(name);
  s.time_zone = "Europe/Paris";
  s.intervals = "[[1980,2460],[3420,3900]]";
  s.position = position;
  s.created_at = 100;
  s.updated_at = 200;
  return s;
}

TEST_P(ScheduleStoreTest, SchedulesAndHolidaysReadBackScopedByAccount) {
  std::int64_t first = 0;
  std::int64_t second = 0;
  std::int64_t holiday = 0;
  ASSERT_TRUE(store_
                  ->Write([&](Transaction& tx) {
                    auto a = tx.schedules().Insert(Sample(account_, "Second", 2));
                    if (!a.ok()) return a.status();
                    second = *a;
                    auto b = tx.schedules().Insert(Sample(account_, "First", 1));
                    if (!b.ok()) return b.status();
                    first = *b;
                    ScheduleHoliday h;
                    h.account_id = account_;
                    h.schedule_id = first;
                    h.name = "Noël";
                    h.start_date = "2026-12-25";
                    h.end_date = "2026-12-26";
                    h.created_at = h.updated_at = 300;
                    auto hid = tx.schedules().InsertHoliday(h);
                    if (!hid.ok()) return hid.status();
                    holiday = *hid;
                    h.name = "New year";
                    h.start_date = "2026-01-01";
                    h.end_date = "2026-01-01";
                    return tx.schedules().InsertHoliday(h).status();
                  })
                  .ok());
  const AccountId other(account_.value + 99);
  ASSERT_TRUE(store_
                  ->Read([&](Transaction& tx) {
                    auto got = tx.schedules().Get(account_, first);
                    EXPECT_TRUE(got.ok());
                    if (!got.ok()) return got.status();
                    EXPECT_EQ(got->name, "First");
                    EXPECT_EQ(got->time_zone, "Europe/Paris");
                    EXPECT_EQ(got->intervals, "[[1980,2460],[3420,3900]]");
                    EXPECT_EQ(got->position, 1);
                    EXPECT_EQ(got->created_at, 100);
                    EXPECT_EQ(got->updated_at, 200);
                    auto list = tx.schedules().List(account_);
                    EXPECT_EQ(list->size(), 2u);
                    EXPECT_EQ((*list)[0].id, first);  // by position
                    auto hs = tx.schedules().ListHolidays(account_, first);
                    EXPECT_EQ(hs->size(), 2u);
                    EXPECT_EQ((*hs)[0].name, "New year");  // by start date
                    EXPECT_EQ((*hs)[1].name, "Noël");
                    EXPECT_EQ((*hs)[1].end_date, "2026-12-26");
                    EXPECT_TRUE(tx.schedules().ListHolidays(account_, second)->empty());
                    // Other accounts, and the other schedule, see nothing.
                    EXPECT_EQ(tx.schedules().Get(other, first).status().code(),
                              ErrorCode::kNotFound);
                    EXPECT_TRUE(tx.schedules().List(other)->empty());
                    EXPECT_TRUE(tx.schedules().ListHolidays(other, first)->empty());
                    EXPECT_EQ(tx.schedules().GetHoliday(other, first, holiday).status().code(),
                              ErrorCode::kNotFound);
                    EXPECT_EQ(tx.schedules().GetHoliday(account_, second, holiday).status().code(),
                              ErrorCode::kNotFound);
                    return Status::Ok();
                  })
                  .ok());
  ASSERT_TRUE(store_
                  ->Write([&](Transaction& tx) {
                    auto s = tx.schedules().Get(account_, first);
                    if (!s.ok()) return s.status();
                    s->name = "Renamed";
                    s->time_zone = "Asia/Kathmandu";
                    s->intervals = "[]";
                    s->updated_at = 500;
                    COMPTOIR_RETURN_IF_ERROR(tx.schedules().Update(*s));
                    auto h = tx.schedules().GetHoliday(account_, first, holiday);
                    if (!h.ok()) return h.status();
                    h->end_date = "2026-12-31";
                    COMPTOIR_RETURN_IF_ERROR(tx.schedules().UpdateHoliday(*h));
                    ScheduleRecord stranger = *s;
                    stranger.account_id = other;
                    EXPECT_EQ(tx.schedules().Update(stranger).code(), ErrorCode::kNotFound);
                    EXPECT_EQ(tx.schedules().Delete(other, first).code(), ErrorCode::kNotFound);
                    EXPECT_EQ(tx.schedules().DeleteHoliday(other, first, holiday).code(),
                              ErrorCode::kNotFound);
                    return Status::Ok();
                  })
                  .ok());
  ASSERT_TRUE(store_
                  ->Read([&](Transaction& tx) {
                    auto s = tx.schedules().Get(account_, first);
                    EXPECT_EQ(s->name, "Renamed");
                    EXPECT_EQ(s->time_zone, "Asia/Kathmandu");
                    EXPECT_EQ(s->intervals, "[]");
                    EXPECT_EQ(tx.schedules().GetHoliday(account_, first, holiday)->end_date,
                              "2026-12-31");
                    return Status::Ok();
                  })
                  .ok());
  ASSERT_TRUE(store_
                  ->Write([&](Transaction& tx) {
                    COMPTOIR_RETURN_IF_ERROR(
                        tx.schedules().DeleteHoliday(account_, first, holiday));
                    EXPECT_EQ(tx.schedules().ListHolidays(account_, first)->size(), 1u);
                    COMPTOIR_RETURN_IF_ERROR(tx.schedules().Delete(account_, first));
                    EXPECT_TRUE(tx.schedules().ListHolidays(account_, first)->empty());
                    EXPECT_EQ(tx.schedules().List(account_)->size(), 1u);
                    return Status::Ok();
                  })
                  .ok());
}

TEST_P(ScheduleStoreTest, TicketScheduleIdIsNullableAndReadBack) {
  const UserId requester = Insert(NewUser("Req", "req@example.com"));
  TicketId id;
  ASSERT_TRUE(store_
                  ->Write([&](Transaction& tx) {
                    domain::Ticket t;
                    t.account_id = account_;
                    t.subject = "Hours";
                    t.requester_id = requester;
                    t.submitter_id = requester;
                    t.created_at = t.updated_at = 1000;
                    auto r = tx.tickets().Insert(t);
                    if (!r.ok()) return r.status();
                    id = *r;
                    return Status::Ok();
                  })
                  .ok());
  ASSERT_TRUE(store_
                  ->Write([&](Transaction& tx) {
                    auto t = tx.tickets().Get(account_, id);
                    if (!t.ok()) return t.status();
                    EXPECT_FALSE(t->schedule_id.has_value());
                    t->schedule_id = 42;
                    return tx.tickets().Update(*t);
                  })
                  .ok());
  ASSERT_TRUE(store_
                  ->Write([&](Transaction& tx) {
                    auto t = tx.tickets().Get(account_, id);
                    if (!t.ok()) return t.status();
                    EXPECT_EQ(t->schedule_id, std::optional<std::int64_t>(42));
                    t->schedule_id.reset();
                    COMPTOIR_RETURN_IF_ERROR(tx.tickets().Update(*t));
                    EXPECT_FALSE(tx.tickets().Get(account_, id)->schedule_id.has_value());
                    return Status::Ok();
                  })
                  .ok());
}

INSTANTIATE_TEST_SUITE_P(Stores, ScheduleStoreTest, ::testing::Values("sqlite", "postgres"),
                         [](const ::testing::TestParamInfo<std::string>& p) { return p.param; });

}  // namespace
}  // namespace comptoir
