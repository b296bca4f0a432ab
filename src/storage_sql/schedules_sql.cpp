// SQL for business-hours schedules and their holidays (migration 8).
#include "repos_internal.hpp"
#include "sql_util.hpp"

namespace comptoir::sql {

namespace {

constexpr const char* kScheduleCols =
    "id, account_id, name, time_zone, intervals, position, created_at, updated_at";
constexpr const char* kHolidayCols =
    "id, account_id, schedule_id, name, start_date, end_date, created_at, updated_at";

ScheduleRecord MapSchedule(const Row& r) {
  ScheduleRecord s;
  s.id = r.Int(0);
  s.account_id = AccountId(r.Int(1));
  s.name = r.Text(2);
  s.time_zone = r.Text(3);
  s.intervals = r.Text(4);
  s.position = static_cast<int>(r.Int(5));
  s.created_at = r.Int(6);
  s.updated_at = r.Int(7);
  return s;
}

ScheduleHoliday MapHoliday(const Row& r) {
  ScheduleHoliday h;
  h.id = r.Int(0);
  h.account_id = AccountId(r.Int(1));
  h.schedule_id = r.Int(2);
  h.name = r.Text(3);
  h.start_date = r.Text(4);
  h.end_date = r.Text(5);
  h.created_at = r.Int(6);
  h.updated_at = r.Int(7);
  return h;
}

}  // namespace

Result<ScheduleRecord> SqlSchedules::Get(AccountId account, std::int64_t id) {
  return One<ScheduleRecord>(c_.Query(std::string("SELECT ") + kScheduleCols +
                                          " FROM schedules WHERE account_id = ? AND id = ?",
                                      {account.value, id}),
                             MapSchedule);
}

Result<std::vector<ScheduleRecord>> SqlSchedules::List(AccountId account) {
  return All<ScheduleRecord>(
      c_.Query(std::string("SELECT ") + kScheduleCols +
                   " FROM schedules WHERE account_id = ? ORDER BY position, id",
               {account.value}),
      MapSchedule);
}

Result<std::int64_t> SqlSchedules::Insert(const ScheduleRecord& s) {
  return InsertReturningId(c_,
                           "INSERT INTO schedules (account_id, name, time_zone, intervals, "
                           "position, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?) "
                           "RETURNING id",
                           {s.account_id.value, s.name, s.time_zone, s.intervals,
                            static_cast<std::int64_t>(s.position), s.created_at, s.updated_at});
}

Status SqlSchedules::Update(const ScheduleRecord& s) {
  return ExecOne(c_,
                 "UPDATE schedules SET name = ?, time_zone = ?, intervals = ?, position = ?, "
                 "updated_at = ? WHERE account_id = ? AND id = ?",
                 {s.name, s.time_zone, s.intervals, static_cast<std::int64_t>(s.position),
                  s.updated_at, s.account_id.value, s.id});
}

Status SqlSchedules::Delete(AccountId account, std::int64_t id) {
  COMPTOIR_RETURN_IF_ERROR(
      ExecAny(c_, "DELETE FROM schedule_holidays WHERE account_id = ? AND schedule_id = ?",
              {account.value, id}));
  return ExecOne(c_, "DELETE FROM schedules WHERE account_id = ? AND id = ?", {account.value, id});
}

Result<std::vector<ScheduleHoliday>> SqlSchedules::ListHolidays(AccountId account,
                                                                std::int64_t schedule) {
  return All<ScheduleHoliday>(
      c_.Query(std::string("SELECT ") + kHolidayCols +
                   " FROM schedule_holidays WHERE account_id = ? AND schedule_id = ? "
                   "ORDER BY start_date, id",
               {account.value, schedule}),
      MapHoliday);
}

Result<ScheduleHoliday> SqlSchedules::GetHoliday(AccountId account, std::int64_t schedule,
                                                 std::int64_t id) {
  return One<ScheduleHoliday>(
      c_.Query(std::string("SELECT ") + kHolidayCols +
                   " FROM schedule_holidays WHERE account_id = ? AND schedule_id = ? AND id = ?",
               {account.value, schedule, id}),
      MapHoliday);
}

Result<std::int64_t> SqlSchedules::InsertHoliday(const ScheduleHoliday& h) {
  return InsertReturningId(c_,
                           "INSERT INTO schedule_holidays (account_id, schedule_id, name, "
                           "start_date, end_date, created_at, updated_at) VALUES (?, ?, ?, ?, ?, "
                           "?, ?) RETURNING id",
                           {h.account_id.value, h.schedule_id, h.name, h.start_date, h.end_date,
                            h.created_at, h.updated_at});
}

Status SqlSchedules::UpdateHoliday(const ScheduleHoliday& h) {
  return ExecOne(
      c_,
      "UPDATE schedule_holidays SET name = ?, start_date = ?, end_date = ?, "
      "updated_at = ? WHERE account_id = ? AND schedule_id = ? AND id = ?",
      {h.name, h.start_date, h.end_date, h.updated_at, h.account_id.value, h.schedule_id, h.id});
}

Status SqlSchedules::DeleteHoliday(AccountId account, std::int64_t schedule, std::int64_t id) {
  return ExecOne(
      c_, "DELETE FROM schedule_holidays WHERE account_id = ? AND schedule_id = ? AND id = ?",
      {account.value, schedule, id});
}

}  // namespace comptoir::sql
