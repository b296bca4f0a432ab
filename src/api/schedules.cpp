// /api/v2/business_hours/schedules (reference §3.9): business-hours schedules, their
// workweek and holidays. Agents read; admins change. Zones are answered with Zendesk's
// Rails names ("Paris") and accepted as Rails or IANA names; intervals are minutes since
// Sunday 00:00 in the schedule's zone and are set through /workweek (on create too, as
// an extension: without them a schedule gets Monday–Friday 09:00–17:00).
#include "api_internal.hpp"
#include "comptoir/domain/validation.hpp"

namespace comptoir::api {

namespace {

constexpr const char* kSchedules = "/api/v2/business_hours/schedules";

http::Response Fail(const ApiContext& c, const Status& st) {
  return ErrorResponse(st, c.req.request_id);
}

json::object ScheduleJson(const services::ScheduleView& s) {
  json::array intervals;
  for (const auto& i : s.intervals) {
    intervals.push_back(json::object{{"start_time", i.start_minute}, {"end_time", i.end_minute}});
  }
  return {{"id", s.record.id},
          {"name", s.record.name},
          {"time_zone", domain::ToRailsTimeZone(s.record.time_zone)},
          {"intervals", std::move(intervals)},
          {"created_at", Iso(s.record.created_at)},
          {"updated_at", Iso(s.record.updated_at)}};
}

json::object HolidayJson(const storage::ScheduleHoliday& h) {
  return {{"id", h.id},
          {"name", h.name},
          {"start_date", h.start_date},
          {"end_date", h.end_date},
          {"created_at", Iso(h.created_at)},
          {"updated_at", Iso(h.updated_at)}};
}

// [{"start_time": 1980, "end_time": 2460}, …]; whole minutes. Ranges are checked by the
// service (calendar::Schedule::Make).
Result<std::vector<calendar::Interval>> ParseIntervals(const json::value& v) {
  auto bad = [] {
    return Invalid("intervals", "InvalidValue",
                   "Intervals: must be a list of {\"start_time\": minutes, \"end_time\": minutes}");
  };
  if (!v.is_array()) return bad();
  std::vector<calendar::Interval> out;
  for (const auto& e : v.get_array()) {
    const auto* o = e.if_object();
    if (o == nullptr) return bad();
    const auto* s = o->if_contains("start_time");
    const auto* t = o->if_contains("end_time");
    if (s == nullptr || t == nullptr || !s->is_int64() || !t->is_int64()) return bad();
    const std::int64_t start = s->get_int64();
    const std::int64_t end = t->get_int64();
    if (start < -1'000'000 || start > 1'000'000 || end < -1'000'000 || end > 1'000'000) {
      return Invalid("intervals", "InvalidValue",
                     "Intervals: times are minutes from 0 to 10080 since Sunday 00:00");
    }
    out.push_back({static_cast<int>(start), static_cast<int>(end)});
  }
  return out;
}

Result<services::ScheduleInput> ParseSchedule(const json::object& o) {
  services::ScheduleInput in;
  Validation v;
  Reader r(o, v);
  in.name = r.String("name");
  in.time_zone = r.String("time_zone");
  COMPTOIR_RETURN_IF_ERROR(v.Finish());
  if (const auto* i = o.if_contains("intervals"); i && !i->is_null()) {
    auto parsed = ParseIntervals(*i);
    if (!parsed.ok()) return parsed.status();
    in.intervals = std::move(parsed).value();
  }
  return in;
}

Result<services::HolidayInput> ParseHoliday(const json::object& o) {
  services::HolidayInput in;
  Validation v;
  Reader r(o, v);
  in.name = r.String("name");
  in.start_date = r.String("start_date");
  in.end_date = r.String("end_date");
  COMPTOIR_RETURN_IF_ERROR(v.Finish());
  return in;
}

}  // namespace

void RegisterScheduleRoutes(Routes& r) {
  const std::string base = kSchedules;
  r.Get(base, Access::kStaff, [](ApiContext& c) {
    auto list = c.svc.schedules.List(c.ctx);
    if (!list.ok()) return Fail(c, list.status());
    json::array arr;
    for (const auto& s : *list) arr.push_back(ScheduleJson(s));
    return JsonResponse(200, json::object{{"schedules", std::move(arr)}});
  });
  r.Post(base, Access::kAdmin, [](ApiContext& c) {
    auto body = ParseEnvelope(c, "schedule");
    if (!body.ok()) return Fail(c, body.status());
    auto in = ParseSchedule(*body);
    if (!in.ok()) return Fail(c, in.status());
    auto s = c.svc.schedules.Create(c.ctx, *in);
    if (!s.ok()) return Fail(c, s.status());
    return Envelope("schedule", ScheduleJson(*s), 201);
  });
  r.Get(base + "/{id}", Access::kStaff, [](ApiContext& c) {
    auto id = PathId(c);
    if (!id.ok()) return Fail(c, id.status());
    auto s = c.svc.schedules.Get(c.ctx, *id);
    if (!s.ok()) return Fail(c, s.status());
    return Envelope("schedule", ScheduleJson(*s));
  });
  r.Put(base + "/{id}", Access::kAdmin, [](ApiContext& c) {
    auto id = PathId(c);
    if (!id.ok()) return Fail(c, id.status());
    auto body = ParseEnvelope(c, "schedule");
    if (!body.ok()) return Fail(c, body.status());
    auto in = ParseSchedule(*body);
    if (!in.ok()) return Fail(c, in.status());
    in->intervals.reset();  // writable only through /workweek, as Zendesk
    auto s = c.svc.schedules.Update(c.ctx, *id, *in);
    if (!s.ok()) return Fail(c, s.status());
    return Envelope("schedule", ScheduleJson(*s));
  });
  r.Delete(base + "/{id}", Access::kAdmin, [](ApiContext& c) {
    auto id = PathId(c);
    if (!id.ok()) return Fail(c, id.status());
    Status st = c.svc.schedules.Delete(c.ctx, *id);
    if (!st.ok()) return Fail(c, st);
    return NoContent();
  });
  r.Put(base + "/{id}/workweek", Access::kAdmin, [](ApiContext& c) {
    auto id = PathId(c);
    if (!id.ok()) return Fail(c, id.status());
    auto body = ParseEnvelope(c, "workweek");
    if (!body.ok()) return Fail(c, body.status());
    const auto* iv = body->if_contains("intervals");
    if (iv == nullptr) {
      return Fail(c, Invalid("intervals", "BlankValue", "Intervals: a list is required"));
    }
    auto intervals = ParseIntervals(*iv);
    if (!intervals.ok()) return Fail(c, intervals.status());
    auto s = c.svc.schedules.SetWorkweek(c.ctx, *id, *intervals);
    if (!s.ok()) return Fail(c, s.status());
    json::array arr;
    for (const auto& i : s->intervals) {
      arr.push_back(json::object{{"start_time", i.start_minute}, {"end_time", i.end_minute}});
    }
    return JsonResponse(200, json::object{{"workweek", json::object{{"intervals", arr}}}});
  });

  // --- holidays ---
  r.Get(base + "/{id}/holidays", Access::kStaff, [](ApiContext& c) {
    auto id = PathId(c);
    if (!id.ok()) return Fail(c, id.status());
    auto list = c.svc.schedules.ListHolidays(c.ctx, *id);
    if (!list.ok()) return Fail(c, list.status());
    json::array arr;
    for (const auto& h : *list) arr.push_back(HolidayJson(h));
    return JsonResponse(200, json::object{{"holidays", std::move(arr)}});
  });
  r.Post(base + "/{id}/holidays", Access::kAdmin, [](ApiContext& c) {
    auto id = PathId(c);
    if (!id.ok()) return Fail(c, id.status());
    auto body = ParseEnvelope(c, "holiday");
    if (!body.ok()) return Fail(c, body.status());
    auto in = ParseHoliday(*body);
    if (!in.ok()) return Fail(c, in.status());
    auto h = c.svc.schedules.CreateHoliday(c.ctx, *id, *in);
    if (!h.ok()) return Fail(c, h.status());
    return Envelope("holiday", HolidayJson(*h), 201);
  });
  r.Get(base + "/{id}/holidays/{holiday_id}", Access::kStaff, [](ApiContext& c) {
    auto id = PathId(c);
    if (!id.ok()) return Fail(c, id.status());
    auto hid = PathId(c, "holiday_id");
    if (!hid.ok()) return Fail(c, hid.status());
    auto h = c.svc.schedules.GetHoliday(c.ctx, *id, *hid);
    if (!h.ok()) return Fail(c, h.status());
    return Envelope("holiday", HolidayJson(*h));
  });
  r.Put(base + "/{id}/holidays/{holiday_id}", Access::kAdmin, [](ApiContext& c) {
    auto id = PathId(c);
    if (!id.ok()) return Fail(c, id.status());
    auto hid = PathId(c, "holiday_id");
    if (!hid.ok()) return Fail(c, hid.status());
    auto body = ParseEnvelope(c, "holiday");
    if (!body.ok()) return Fail(c, body.status());
    auto in = ParseHoliday(*body);
    if (!in.ok()) return Fail(c, in.status());
    auto h = c.svc.schedules.UpdateHoliday(c.ctx, *id, *hid, *in);
    if (!h.ok()) return Fail(c, h.status());
    return Envelope("holiday", HolidayJson(*h));
  });
  r.Delete(base + "/{id}/holidays/{holiday_id}", Access::kAdmin, [](ApiContext& c) {
    auto id = PathId(c);
    if (!id.ok()) return Fail(c, id.status());
    auto hid = PathId(c, "holiday_id");
    if (!hid.ok()) return Fail(c, hid.status());
    Status st = c.svc.schedules.DeleteHoliday(c.ctx, *id, *hid);
    if (!st.ok()) return Fail(c, st);
    return NoContent();
  });
}

}  // namespace comptoir::api
