// GET /api/v2/incremental/ticket_metric_events (reference §5, §2.16): the account's
// ticket metric events from `start_time` (Unix seconds), oldest first, up to 1,000 a page
// (`per_page` may lower it). Time-based: `end_time` is the next page's start_time,
// `next_page` is always given, `end_of_stream` tells the client to stop. A page never
// splits one second's events, so that paging by end_time loses none. Admins only; the same
// per-minute budget and lag (the last COMPTOIR_EXPORT_LAG_SECONDS left out) as every
// incremental export (ExportService).
#include <charconv>

#include "api_internal.hpp"

namespace comptoir::api {

namespace {

constexpr int kMaxPage = 1000;

std::optional<std::int64_t> QueryInt(const ApiContext& c, std::string_view name) {
  const std::string* q = c.req.Query(name);
  if (q == nullptr || q->empty()) return std::nullopt;
  std::int64_t v = 0;
  auto [p, ec] = std::from_chars(q->data(), q->data() + q->size(), v);
  if (ec != std::errc() || p != q->data() + q->size() || v < 0) return -1;
  return v;
}

json::object EventJson(const domain::TicketMetricEvent& e) {
  json::object o{{"id", e.id},         {"ticket_id", e.ticket_id.value},
                 {"metric", e.metric}, {"instance_id", e.instance_id},
                 {"type", e.type},     {"time", Iso(e.time)}};
  if (!e.extra.empty()) {
    boost::system::error_code ec;
    auto extra = json::parse(e.extra, ec);
    if (!ec && extra.is_object()) {
      for (const auto& kv : extra.get_object()) o[kv.key()] = kv.value();
    }
  }
  return o;
}

}  // namespace

void RegisterTicketMetricEventRoutes(Routes& r) {
  r.Get("/api/v2/incremental/ticket_metric_events", Access::kAdmin, [](ApiContext& c) {
    // The same budget and lag as every incremental export (ExportService).
    if (Status st = c.svc.exports.Admit(c.ctx, false); !st.ok()) {
      return ErrorResponse(st, c.req.request_id);
    }
    auto start = QueryInt(c, "start_time");
    if (!start || *start < 0) {
      return ErrorResponse(InvalidArgument("start_time is required: a Unix time in seconds"),
                           c.req.request_id);
    }
    int limit = kMaxPage;
    if (auto pp = QueryInt(c, "per_page"); pp) {
      if (*pp < 1) {
        return ErrorResponse(InvalidArgument("per_page must be a whole number from 1 to 1000"),
                             c.req.request_id);
      }
      limit = static_cast<int>(std::min<std::int64_t>(*pp, kMaxPage));
    }
    // One more than a page tells whether the stream goes on.
    auto events = c.svc.slas.Events(c.ctx, *start, limit + 1);
    if (!events.ok()) return ErrorResponse(events.status(), c.req.request_id);
    auto& items = *events;
    // Events of the last lag seconds are left for a later request (ordered by time).
    const Timestamp bound = c.svc.exports.Bound();
    bool cut = false;
    while (!items.empty() && items.back().time >= bound) {
      items.pop_back();
      cut = true;
    }
    bool end_of_stream = cut || static_cast<int>(items.size()) <= limit;
    if (!end_of_stream) {
      items.resize(static_cast<std::size_t>(limit));
      // Keep the last second whole for the next page, unless it is the whole page: then
      // take every event of that second now.
      const Timestamp last = items.back().time;
      std::size_t keep = items.size();
      while (keep > 0 && items[keep - 1].time == last) --keep;
      if (keep > 0) {
        items.resize(keep);
      } else {
        auto same = c.svc.slas.Events(c.ctx, last, 100000);
        if (!same.ok()) return ErrorResponse(same.status(), c.req.request_id);
        items.clear();
        for (auto& e : *same) {
          if (e.time == last) items.push_back(std::move(e));
        }
        // The next page starts after that second.
        json::array arr;
        for (const auto& e : items) arr.push_back(EventJson(e));
        const std::int64_t end_time = last + 1;
        return JsonResponse(200,
                            json::object{{"ticket_metric_events", std::move(arr)},
                                         {"next_page", c.base_url +
                                                           "/incremental/ticket_metric_events.json?"
                                                           "start_time=" +
                                                           std::to_string(end_time)},
                                         {"count", items.size()},
                                         {"end_time", end_time},
                                         {"end_of_stream", false}});
      }
    }
    std::int64_t end_time = items.empty() ? *start : items.back().time;
    if (!end_of_stream) end_time = items.back().time + 1;
    json::array arr;
    for (const auto& e : items) arr.push_back(EventJson(e));
    return JsonResponse(
        200, json::object{
                 {"ticket_metric_events", std::move(arr)},
                 {"next_page", c.base_url + "/incremental/ticket_metric_events.json?start_time=" +
                                   std::to_string(end_time)},
                 {"count", items.size()},
                 {"end_time", end_time},
                 {"end_of_stream", end_of_stream}});
  });
}

}  // namespace comptoir::api
