#include "comptoir/services/schedule_service.hpp"

#include <algorithm>
#include <boost/json.hpp>

#include "comptoir/domain/validation.hpp"

namespace comptoir::services {

namespace json = boost::json;
using storage::ScheduleHoliday;
using storage::ScheduleRecord;
using storage::Transaction;

namespace {

constexpr std::size_t kMaxName = 255 * 4;
constexpr std::size_t kMaxSchedules = 200;  // per account
constexpr std::size_t kMaxHolidays = 1000;  // per schedule
constexpr std::size_t kMaxIntervals = 7 * 48;

std::string IntervalsText(const std::vector<calendar::Interval>& intervals) {
  json::array a;
  for (const auto& i : intervals) a.push_back(json::array{i.start_minute, i.end_minute});
  return json::serialize(a);
}

std::vector<calendar::Interval> IntervalsFrom(const std::string& text) {
  std::vector<calendar::Interval> out;
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  if (ec || !v.is_array()) return out;
  for (const auto& e : v.get_array()) {
    const auto* pair = e.if_array();
    if (pair == nullptr || pair->size() != 2 || !(*pair)[0].is_int64() || !(*pair)[1].is_int64()) {
      continue;
    }
    out.push_back(
        {static_cast<int>((*pair)[0].get_int64()), static_cast<int>((*pair)[1].get_int64())});
  }
  return out;
}

// Zendesk's default workweek: Monday to Friday, 09:00–17:00.
std::vector<calendar::Interval> DefaultWorkweek() {
  std::vector<calendar::Interval> out;
  for (int day = 1; day <= 5; ++day) out.push_back({day * 1440 + 540, day * 1440 + 1020});
  return out;
}

std::vector<calendar::Holiday> CalendarHolidays(const std::vector<ScheduleHoliday>& hs) {
  std::vector<calendar::Holiday> out;
  out.reserve(hs.size());
  for (const auto& h : hs) out.push_back({h.name, h.start_date, h.end_date});
  return out;
}

ScheduleView ViewOf(ScheduleRecord r) {
  ScheduleView v;
  v.intervals = IntervalsFrom(r.intervals);
  v.record = std::move(r);
  return v;
}

bool ValidDate(const std::string& d) {
  return calendar::Schedule::Make("UTC", {}, {{"", d, d}}).ok();
}

}  // namespace

ScheduleService::ScheduleService(ServiceEnv env) : env_(env) {}

// --- cache ---

void ScheduleService::Invalidate(AccountId account) const {
  std::lock_guard lock(mu_);
  ++generation_[account];
  cache_.erase(account);
}

Result<std::shared_ptr<const ScheduleService::Compiled>> ScheduleService::Load(
    Transaction& tx, AccountId account) const {
  std::uint64_t gen = 0;
  {
    std::lock_guard lock(mu_);
    if (auto it = cache_.find(account); it != cache_.end()) return it->second;
    gen = generation_[account];
  }
  auto list = tx.schedules().List(account);
  if (!list.ok()) return list.status();
  auto compiled = std::make_shared<Compiled>();
  for (const auto& r : *list) {
    auto holidays = tx.schedules().ListHolidays(account, r.id);
    if (!holidays.ok()) return holidays.status();
    auto s = calendar::Schedule::Make(r.time_zone, IntervalsFrom(r.intervals),
                                      CalendarHolidays(*holidays));
    if (!s.ok()) continue;  // stored data is validated on write; skip rather than fail
    compiled->ordered.emplace_back(r.id, std::move(s).value());
  }
  std::shared_ptr<const Compiled> out = compiled;
  std::lock_guard lock(mu_);
  if (generation_[account] == gen) cache_[account] = out;
  return out;
}

Result<std::optional<calendar::Schedule>> ScheduleService::ForTicket(
    Transaction& tx, AccountId account, std::optional<std::int64_t> schedule_id) const {
  auto compiled = Load(tx, account);
  if (!compiled.ok()) return compiled.status();
  const auto& ordered = (*compiled)->ordered;
  if (ordered.empty()) return std::optional<calendar::Schedule>();
  if (schedule_id) {
    for (const auto& [id, s] : ordered) {
      if (id == *schedule_id) return std::optional<calendar::Schedule>(s);
    }
  }
  return std::optional<calendar::Schedule>(ordered.front().second);
}

Result<rules::BusinessHoursFacts> ScheduleService::FactsAt(Transaction& tx, AccountId account,
                                                           Timestamp now) const {
  auto compiled = Load(tx, account);
  if (!compiled.ok()) return compiled.status();
  rules::BusinessHoursFacts facts;
  for (const auto& [id, s] : (*compiled)->ordered) {
    facts.schedule_ids.push_back(id);
    if (s.IsOpen(now)) facts.open_now.push_back(id);
  }
  return facts;
}

Result<bool> ScheduleService::Exists(Transaction& tx, AccountId account, std::int64_t schedule_id) {
  auto s = tx.schedules().Get(account, schedule_id);
  if (s.ok()) return true;
  if (s.status().code() == ErrorCode::kNotFound) return false;
  return s.status();
}

Status ScheduleService::Changed(Transaction& tx, AccountId account, std::int64_t schedule_id,
                                bool calendar_changed) {
  tx.Publish(json::serialize(json::object{{"type", "schedules"}, {"account_id", account.value}}));
  tx.OnCommit([this, account] { Invalidate(account); });
  if (calendar_changed && change_hook_) return change_hook_(tx, account, schedule_id);
  return Status::Ok();
}

// --- schedules ---

Result<std::vector<ScheduleView>> ScheduleService::List(const Context& ctx) {
  if (!ctx.actor.is_staff()) return PermissionDenied();
  std::vector<ScheduleView> out;
  COMPTOIR_RETURN_IF_ERROR(env_.store.Read([&](Transaction& tx) -> Status {
    auto list = tx.schedules().List(ctx.account());
    if (!list.ok()) return list.status();
    for (auto& r : *list) out.push_back(ViewOf(std::move(r)));
    return Status::Ok();
  }));
  return out;
}

Result<ScheduleView> ScheduleService::Get(const Context& ctx, std::int64_t id) {
  if (!ctx.actor.is_staff()) return PermissionDenied();
  ScheduleView out;
  COMPTOIR_RETURN_IF_ERROR(env_.store.Read([&](Transaction& tx) -> Status {
    auto r = tx.schedules().Get(ctx.account(), id);
    if (!r.ok()) return r.status();
    out = ViewOf(std::move(r).value());
    return Status::Ok();
  }));
  return out;
}

Result<ScheduleView> ScheduleService::Save(Transaction& tx, const Context& ctx, ScheduleRecord r,
                                           const ScheduleInput& in, bool creating) {
  Validation v;
  if (in.name) r.name = *in.name;
  if (r.name.empty()) v.Add("name", "BlankValue", "Name: cannot be blank");
  if (r.name.size() > kMaxName) v.Add("name", "InvalidValue", "Name: is too long");
  const std::string old_zone = r.time_zone;
  if (in.time_zone) {
    auto iana = domain::ToIanaTimeZone(*in.time_zone);
    if (!iana) {
      v.Add("time_zone", "InvalidValue", "Time zone: is not a known time zone");
    } else {
      r.time_zone = *iana;
    }
  } else if (creating) {
    v.Add("time_zone", "BlankValue", "Time zone: cannot be blank");
  }
  if (in.position) r.position = *in.position;
  const std::string old_intervals = r.intervals;
  std::vector<calendar::Interval> intervals = IntervalsFrom(r.intervals);
  if (in.intervals) {
    intervals = *in.intervals;
    if (intervals.size() > kMaxIntervals) {
      v.Add("intervals", "InvalidValue", "Intervals: at most 336 intervals");
    }
  } else if (creating) {
    intervals = DefaultWorkweek();
  }
  COMPTOIR_RETURN_IF_ERROR(v.Finish());

  std::vector<ScheduleHoliday> holidays;
  if (!creating) {
    auto hs = tx.schedules().ListHolidays(ctx.account(), r.id);
    if (!hs.ok()) return hs.status();
    holidays = std::move(hs).value();
  }
  auto made = calendar::Schedule::Make(r.time_zone, intervals, CalendarHolidays(holidays));
  if (!made.ok()) return made.status();
  // Stored sorted, as Make orders them.
  r.intervals = IntervalsText(made->intervals());
  const Timestamp now = env_.clock.Now();
  r.updated_at = now;
  if (creating) {
    auto existing = tx.schedules().List(ctx.account());
    if (!existing.ok()) return existing.status();
    if (existing->size() >= kMaxSchedules) {
      return Invalid("base", "InvalidValue", "An account may have at most 200 schedules");
    }
    if (!in.position) {
      int last = -1;
      for (const auto& e : *existing) last = std::max(last, e.position);
      r.position = last + 1;
    }
    r.account_id = ctx.account();
    r.created_at = now;
    auto id = tx.schedules().Insert(r);
    if (!id.ok()) return id.status();
    r.id = *id;
    // The first schedule becomes the account's default: tickets move from calendar time
    // to its hours.
    auto now_listed = tx.schedules().List(ctx.account());
    if (!now_listed.ok()) return now_listed.status();
    const bool is_default = !now_listed->empty() && now_listed->front().id == r.id;
    COMPTOIR_RETURN_IF_ERROR(Changed(tx, ctx.account(), r.id, is_default));
  } else {
    COMPTOIR_RETURN_IF_ERROR(tx.schedules().Update(r));
    const bool calendar_changed = r.time_zone != old_zone || r.intervals != old_intervals;
    COMPTOIR_RETURN_IF_ERROR(Changed(tx, ctx.account(), r.id, calendar_changed));
  }
  return ViewOf(std::move(r));
}

Result<ScheduleView> ScheduleService::Create(const Context& ctx, const ScheduleInput& in) {
  if (!domain::CanAdminister(ctx.actor)) return PermissionDenied();
  Result<ScheduleView> out = Status(ErrorCode::kInternal, "not run");
  COMPTOIR_RETURN_IF_ERROR(env_.store.Write([&](Transaction& tx) -> Status {
    out = Save(tx, ctx, ScheduleRecord{}, in, true);
    return out.status();
  }));
  return out;
}

Result<ScheduleView> ScheduleService::Update(const Context& ctx, std::int64_t id,
                                             const ScheduleInput& in) {
  if (!domain::CanAdminister(ctx.actor)) return PermissionDenied();
  Result<ScheduleView> out = Status(ErrorCode::kInternal, "not run");
  COMPTOIR_RETURN_IF_ERROR(env_.store.Write([&](Transaction& tx) -> Status {
    auto r = tx.schedules().Get(ctx.account(), id);
    if (!r.ok()) return r.status();
    out = Save(tx, ctx, std::move(r).value(), in, false);
    return out.status();
  }));
  return out;
}

Result<ScheduleView> ScheduleService::SetWorkweek(
    const Context& ctx, std::int64_t id, const std::vector<calendar::Interval>& intervals) {
  ScheduleInput in;
  in.intervals = intervals;
  return Update(ctx, id, in);
}

Status ScheduleService::Delete(const Context& ctx, std::int64_t id) {
  if (!domain::CanAdminister(ctx.actor)) return PermissionDenied();
  return env_.store.Write([&](Transaction& tx) -> Status {
    COMPTOIR_RETURN_IF_ERROR(tx.schedules().Delete(ctx.account(), id));
    return Changed(tx, ctx.account(), id, true);
  });
}

// --- holidays ---

Result<std::vector<ScheduleHoliday>> ScheduleService::ListHolidays(const Context& ctx,
                                                                   std::int64_t schedule) {
  if (!ctx.actor.is_staff()) return PermissionDenied();
  std::vector<ScheduleHoliday> out;
  COMPTOIR_RETURN_IF_ERROR(env_.store.Read([&](Transaction& tx) -> Status {
    auto s = tx.schedules().Get(ctx.account(), schedule);
    if (!s.ok()) return s.status();
    auto hs = tx.schedules().ListHolidays(ctx.account(), schedule);
    if (!hs.ok()) return hs.status();
    out = std::move(hs).value();
    return Status::Ok();
  }));
  return out;
}

Result<ScheduleHoliday> ScheduleService::GetHoliday(const Context& ctx, std::int64_t schedule,
                                                    std::int64_t id) {
  if (!ctx.actor.is_staff()) return PermissionDenied();
  ScheduleHoliday out;
  COMPTOIR_RETURN_IF_ERROR(env_.store.Read([&](Transaction& tx) -> Status {
    auto h = tx.schedules().GetHoliday(ctx.account(), schedule, id);
    if (!h.ok()) return h.status();
    out = std::move(h).value();
    return Status::Ok();
  }));
  return out;
}

namespace {

Status CheckHoliday(const ScheduleHoliday& h) {
  Validation v;
  if (h.name.empty()) v.Add("name", "BlankValue", "Name: cannot be blank");
  if (h.name.size() > kMaxName) v.Add("name", "InvalidValue", "Name: is too long");
  const bool start_ok = ValidDate(h.start_date);
  const bool end_ok = ValidDate(h.end_date);
  if (!start_ok) v.Add("start_date", "InvalidValue", "Start date: must be a date (YYYY-MM-DD)");
  if (!end_ok) v.Add("end_date", "InvalidValue", "End date: must be a date (YYYY-MM-DD)");
  if (start_ok && end_ok && h.end_date < h.start_date) {
    v.Add("end_date", "InvalidValue", "End date: cannot be before the start date");
  }
  return v.Finish();
}

void Apply(ScheduleHoliday& h, const HolidayInput& in) {
  if (in.name) h.name = *in.name;
  if (in.start_date) h.start_date = *in.start_date;
  if (in.end_date) h.end_date = *in.end_date;
}

}  // namespace

Result<ScheduleHoliday> ScheduleService::CreateHoliday(const Context& ctx, std::int64_t schedule,
                                                       const HolidayInput& in) {
  if (!domain::CanAdminister(ctx.actor)) return PermissionDenied();
  ScheduleHoliday h;
  COMPTOIR_RETURN_IF_ERROR(env_.store.Write([&](Transaction& tx) -> Status {
    auto s = tx.schedules().Get(ctx.account(), schedule);
    if (!s.ok()) return s.status();
    auto existing = tx.schedules().ListHolidays(ctx.account(), schedule);
    if (!existing.ok()) return existing.status();
    if (existing->size() >= kMaxHolidays) {
      return Invalid("base", "InvalidValue", "A schedule may have at most 1000 holidays");
    }
    Apply(h, in);
    COMPTOIR_RETURN_IF_ERROR(CheckHoliday(h));
    h.account_id = ctx.account();
    h.schedule_id = schedule;
    h.created_at = h.updated_at = env_.clock.Now();
    auto id = tx.schedules().InsertHoliday(h);
    if (!id.ok()) return id.status();
    h.id = *id;
    return Changed(tx, ctx.account(), schedule, true);
  }));
  return h;
}

Result<ScheduleHoliday> ScheduleService::UpdateHoliday(const Context& ctx, std::int64_t schedule,
                                                       std::int64_t id, const HolidayInput& in) {
  if (!domain::CanAdminister(ctx.actor)) return PermissionDenied();
  ScheduleHoliday h;
  COMPTOIR_RETURN_IF_ERROR(env_.store.Write([&](Transaction& tx) -> Status {
    auto got = tx.schedules().GetHoliday(ctx.account(), schedule, id);
    if (!got.ok()) return got.status();
    h = std::move(got).value();
    Apply(h, in);
    COMPTOIR_RETURN_IF_ERROR(CheckHoliday(h));
    h.updated_at = env_.clock.Now();
    COMPTOIR_RETURN_IF_ERROR(tx.schedules().UpdateHoliday(h));
    return Changed(tx, ctx.account(), schedule, true);
  }));
  return h;
}

Status ScheduleService::DeleteHoliday(const Context& ctx, std::int64_t schedule, std::int64_t id) {
  if (!domain::CanAdminister(ctx.actor)) return PermissionDenied();
  return env_.store.Write([&](Transaction& tx) -> Status {
    COMPTOIR_RETURN_IF_ERROR(tx.schedules().DeleteHoliday(ctx.account(), schedule, id));
    return Changed(tx, ctx.account(), schedule, true);
  });
}

}  // namespace comptoir::services
