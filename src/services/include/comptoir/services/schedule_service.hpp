// ScheduleService: the account's business-hours schedules and their holidays (reference
// §3.9) — CRUD, the workweek, holidays — and the compiled calendar::Schedule of a ticket
// (its own schedule, else the account's default: the first by position, then id), cached
// per account and dropped on every change on any node. Agents read; admins change. Each
// call is one transaction. Errors: kNotFound (also for another account's ids),
// kPermissionDenied, kValidation (422 naming time_zone, intervals, holidays, name).
// Thread-safe.
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "comptoir/calendar/schedule.hpp"
#include "comptoir/rules/rules.hpp"
#include "comptoir/services/context.hpp"

namespace comptoir::services {

// Fields a request may set; nullopt = leave unchanged (or default on create).
struct ScheduleInput {
  std::optional<std::string> name;
  std::optional<std::string> time_zone;  // Rails ("Paris") or IANA ("Europe/Paris")
  std::optional<std::vector<calendar::Interval>> intervals;
  std::optional<int> position;
};

struct HolidayInput {
  std::optional<std::string> name;
  std::optional<std::string> start_date;  // "YYYY-MM-DD"
  std::optional<std::string> end_date;
};

// A schedule as stored, with its intervals decoded.
struct ScheduleView {
  storage::ScheduleRecord record;
  std::vector<calendar::Interval> intervals;
};

class ScheduleService {
 public:
  // Called inside the writing transaction after any change of a schedule's zone,
  // intervals or holidays, its deletion, or the creation of a schedule that becomes the
  // account's default (SLA targets are recomputed from it).
  using ChangeHook =
      std::function<Status(storage::Transaction&, AccountId, std::int64_t schedule_id)>;

  explicit ScheduleService(ServiceEnv env);

  Result<std::vector<ScheduleView>> List(const Context& ctx);
  Result<ScheduleView> Get(const Context& ctx, std::int64_t id);
  // Without intervals, Zendesk's default workweek: Monday to Friday, 09:00–17:00.
  Result<ScheduleView> Create(const Context& ctx, const ScheduleInput& in);
  Result<ScheduleView> Update(const Context& ctx, std::int64_t id, const ScheduleInput& in);
  // PUT /{id}/workweek: replaces the intervals.
  Result<ScheduleView> SetWorkweek(const Context& ctx, std::int64_t id,
                                   const std::vector<calendar::Interval>& intervals);
  Status Delete(const Context& ctx, std::int64_t id);

  Result<std::vector<storage::ScheduleHoliday>> ListHolidays(const Context& ctx,
                                                             std::int64_t schedule);
  Result<storage::ScheduleHoliday> GetHoliday(const Context& ctx, std::int64_t schedule,
                                              std::int64_t id);
  Result<storage::ScheduleHoliday> CreateHoliday(const Context& ctx, std::int64_t schedule,
                                                 const HolidayInput& in);
  Result<storage::ScheduleHoliday> UpdateHoliday(const Context& ctx, std::int64_t schedule,
                                                 std::int64_t id, const HolidayInput& in);
  Status DeleteHoliday(const Context& ctx, std::int64_t schedule, std::int64_t id);

  // --- for other services ---
  // The ticket's schedule: `schedule_id`'s, or the account's default when it is empty or
  // names a deleted schedule; nullopt when the account has none (calendar time, then).
  Result<std::optional<calendar::Schedule>> ForTicket(
      storage::Transaction& tx, AccountId account, std::optional<std::int64_t> schedule_id) const;
  // The account's schedules (the default first) and those open at `now`: what the
  // triggers' business-hours conditions read.
  Result<rules::BusinessHoursFacts> FactsAt(storage::Transaction& tx, AccountId account,
                                            Timestamp now) const;
  // Whether `schedule_id` is one of the account's schedules.
  static Result<bool> Exists(storage::Transaction& tx, AccountId account, std::int64_t schedule_id);
  void SetChangeHook(ChangeHook hook) { change_hook_ = std::move(hook); }
  // Drops the compiled schedules of `account` (called on every node when they change).
  void Invalidate(AccountId account) const;

 private:
  struct Compiled {
    std::vector<std::pair<std::int64_t, calendar::Schedule>> ordered;  // position, id
  };
  Result<ScheduleView> Save(storage::Transaction& tx, const Context& ctx,
                            storage::ScheduleRecord record, const ScheduleInput& in, bool creating);
  Status Changed(storage::Transaction& tx, AccountId account, std::int64_t schedule_id,
                 bool calendar_changed);
  Result<std::shared_ptr<const Compiled>> Load(storage::Transaction& tx, AccountId account) const;

  ServiceEnv env_;
  ChangeHook change_hook_;
  mutable std::mutex mu_;
  mutable std::unordered_map<AccountId, std::shared_ptr<const Compiled>> cache_;
  mutable std::unordered_map<AccountId, std::uint64_t> generation_;
};

}  // namespace comptoir::services
