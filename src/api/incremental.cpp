// /api/v2/incremental/…: Zendesk's incremental exports (reference §5: tickets, users,
// organizations, ticket_events, ticket_metric_events), and the ticket metric sets (/ticket_metrics,
// /tickets/{id}/metrics, the metric_sets side-load).
//
// Time-based pages ({"tickets":[…],"count","end_time","next_page","end_of_stream"}) end
// on a whole second: a page that reaches its size is extended with the rest of its last
// second, and end_time is the second after it, so following next_page (or passing
// end_time as the next start_time) neither loses nor repeats an item. At the end of the
// stream end_time is the first second the request could not see yet (now minus the
// export lag). Cursor pages ({"tickets":[…],"after_url","after_cursor","before_url":null,
// "before_cursor":null,"end_of_stream"}) are exact: the cursor is the last item's
// (timestamp, id).
#include <cctype>
#include <charconv>
#include <set>

#include "api_internal.hpp"
#include "comptoir/common/crypto.hpp"

namespace comptoir::api {

namespace {

using storage::ExportPosition;

Result<std::int64_t> IntParam(const ApiContext& c, const char* name, std::int64_t min,
                              std::int64_t max) {
  const std::string* v = c.req.Query(name);
  if (v == nullptr || v->empty()) return NotFound();
  std::int64_t n = 0;
  auto [end, ec] = std::from_chars(v->data(), v->data() + v->size(), n);
  if (ec != std::errc() || end != v->data() + v->size() || n < min || n > max) {
    return InvalidArgument(std::string(name) + " must be a whole number from " +
                           std::to_string(min) + " to " + std::to_string(max));
  }
  return n;
}

std::string ExportCursor(const ExportPosition& p) {
  return crypto::Base64Encode(std::to_string(p.ts) + "." + std::to_string(p.id), true);
}

Result<ExportPosition> ParseExportCursor(std::string_view cursor) {
  auto bad = [] { return InvalidArgument("cursor is not one this server gave"); };
  auto raw = crypto::Base64Decode(cursor, true);
  if (!raw.ok()) return bad();
  const std::string& s = *raw;
  auto dot = s.find('.');
  if (dot == std::string::npos) return bad();
  ExportPosition p;
  auto r1 = std::from_chars(s.data(), s.data() + dot, p.ts);
  auto r2 = std::from_chars(s.data() + dot + 1, s.data() + s.size(), p.id);
  if (r1.ec != std::errc() || r1.ptr != s.data() + dot || r2.ec != std::errc() ||
      r2.ptr != s.data() + s.size() || p.ts < 0 || p.id < 0) {
    return bad();
  }
  return p;
}

std::string Escape(std::string_view v) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char ch : v) {
    if (std::isalnum(ch) || ch == '-' || ch == '_' || ch == '.' || ch == '~' || ch == ',') {
      out += static_cast<char>(ch);
    } else {
      out += '%';
      out += hex[ch >> 4];
      out += hex[ch & 15];
    }
  }
  return out;
}

// The query parameters a next page carries over.
std::string Carry(const ApiContext& c) {
  std::string q;
  for (const char* k : {"per_page", "include", "exclude_deleted"}) {
    if (const std::string* v = c.req.Query(k); v && !v->empty()) {
      std::string part = std::string("&") + k + "=" + Escape(*v);
      q += part;
    }
  }
  return q;
}

enum class Kind { kTickets, kUsers, kOrganizations, kTicketEvents, kMetricEvents };

struct Request {
  ExportPosition after;
  int limit = services::ExportService::kMaxPage;
  bool include_deleted = true;
};

// start_time (or, for cursor exports, cursor) and per_page.
Result<Request> ParseRequest(ApiContext& c, bool cursor_mode, bool sample) {
  Request r;
  const std::string* cursor = cursor_mode ? c.req.Query("cursor") : nullptr;
  // node-zendesk's exportCursor(start_time) sends the literal "undefined" for no cursor.
  if (cursor && (*cursor == "undefined" || *cursor == "null")) cursor = nullptr;
  if (cursor && !cursor->empty()) {
    auto p = ParseExportCursor(*cursor);
    if (!p.ok()) return p.status();
    r.after = *p;
  } else {
    auto start = IntParam(c, "start_time", 0, std::int64_t{1} << 40);
    if (!start.ok()) {
      if (start.status().code() == ErrorCode::kNotFound) {
        return InvalidArgument(cursor_mode ? "start_time or cursor is required"
                                           : "start_time is required");
      }
      return start.status();
    }
    const Timestamp bound = c.svc.exports.Bound();
    if (*start > bound) {
      return InvalidArgument("Too recent start_time. Use a start_time at least " +
                             std::to_string(c.svc.env.clock.Now() - bound) +
                             " seconds in the past");
    }
    r.after = {*start, 0};
  }
  if (sample) {
    r.limit = services::ExportService::kSamplePage;
  } else if (auto per = IntParam(c, "per_page", 1, services::ExportService::kMaxPage); per.ok()) {
    r.limit = static_cast<int>(*per);
  } else if (per.status().code() != ErrorCode::kNotFound) {
    return per.status();
  }
  if (auto ex = QueryBool(c, "exclude_deleted"); !ex.ok()) {
    return ex.status();
  } else if (ex->value_or(false)) {
    r.include_deleted = false;
  }
  return r;
}

// child_events of one audit in Zendesk's ticket_events shape.
json::object TicketEventJson(const ApiContext& c, const domain::Audit& a,
                             const std::vector<domain::Comment>& comments, bool comment_events) {
  bool has_comment = false;
  bool comment_public = false;
  for (const auto& e : a.events) {
    if (e.is_object() && e.as_object().contains("type") && e.as_object().at("type") == "Comment") {
      has_comment = true;
      const auto* id = e.as_object().if_contains("comment_id");
      for (const auto& cm : comments) {
        if (id && id->is_int64() && cm.id.value == id->get_int64()) comment_public = cm.is_public;
      }
    }
  }
  json::array children;
  std::int64_t n = 0;
  for (const auto& e : a.events) {
    if (!e.is_object()) continue;
    const json::object& ev = e.as_object();
    const std::int64_t child_id = a.id.value * 1000 + n++;
    const json::value* type = ev.if_contains("type");
    const std::string_view type_name =
        type && type->is_string() ? std::string_view(type->get_string()) : std::string_view();
    json::object child{{"id", child_id},
                       {"via", a.via_channel},
                       {"via_reference_id", nullptr},
                       {"comment_present", has_comment},
                       {"comment_public", comment_public},
                       {"event_type", type_name}};
    if (type_name == "Comment") {
      if (!comment_events) continue;
      const auto* id = ev.if_contains("comment_id");
      auto it = std::find_if(comments.begin(), comments.end(), [&](const domain::Comment& cm) {
        return id && id->is_int64() && cm.id.value == id->get_int64();
      });
      if (it == comments.end()) continue;
      json::object cj = CommentJson(c, *it, {});
      for (auto& [k, v] : cj) {
        if (k != "id" && k != "type" && k != "via") child[k] = v;
      }
      child["id"] = it->id.value;
    } else if (const auto* field = ev.if_contains("field_name"); field && field->is_string()) {
      child[field->get_string()] = ev.contains("value") ? ev.at("value") : json::value(nullptr);
      if (type_name == "Change") {
        child["previous_value"] =
            ev.contains("previous_value") ? ev.at("previous_value") : json::value(nullptr);
      }
    } else {
      for (const auto& [k, v] : ev) {
        if (k != "type" && k != "id") child[k] = v;
      }
    }
    children.push_back(std::move(child));
  }
  json::value system = json::object{};
  json::value meta = json::object{};
  if (!a.metadata.empty()) {
    boost::system::error_code ec;
    auto parsed = json::parse(a.metadata, ec);
    if (!ec && parsed.is_object()) {
      meta = parsed;
      if (const auto* s = parsed.as_object().if_contains("system")) system = *s;
    }
  }
  return {{"id", a.id.value},
          {"ticket_id", a.ticket_id.value},
          {"timestamp", a.created_at},
          {"created_at", Iso(a.created_at)},
          {"updater_id", a.author_id.value},
          {"via", a.via_channel},
          {"system", std::move(system)},
          {"metadata", std::move(meta)},
          {"event_type", "Audit"},
          {"child_events", std::move(children)},
          {"merged_ticket_ids", json::array{}}};
}

// The pagination fields that follow a page's items.
template <typename T>
void PageFields(const ApiContext& c, const services::ExportPage<T>& page, bool cursor_mode,
                const std::string& path, json::object& body) {
  if (cursor_mode) {
    const std::string cursor = ExportCursor(page.last);
    body["after_url"] = c.base_url + path + ".json?cursor=" + cursor + Carry(c);
    body["after_cursor"] = cursor;
    body["before_url"] = nullptr;
    body["before_cursor"] = nullptr;
  } else {
    const Timestamp end_time =
        page.end_of_stream ? std::max(page.bound, page.last.ts) : page.last.ts + 1;
    body["count"] = page.items.size();
    body["end_time"] = end_time;
    body["next_page"] =
        c.base_url + path + ".json?start_time=" + std::to_string(end_time) + Carry(c);
  }
  body["end_of_stream"] = page.end_of_stream;
}

// A ticket page written straight into the response body: each ticket's JSON is appended
// as text (AppendTicketJson, the same fields as TicketJson) rather than built as a
// document; the side-loads and the pagination fields are small documents.
http::Response RenderTickets(ApiContext& c, const services::ExportPage<domain::Ticket>& page,
                             bool cursor_mode, const std::string& path) {
  json::object rest;
  json::array unused;  // the side-loads offered by exports do not change the tickets
  TicketSideLoads(c, rest, unused, page.items);
  PageFields(c, page, cursor_mode, path, rest);
  http::Response r;
  r.status = 200;
  std::string& out = r.body;
  out.reserve(page.items.size() * 1400 + 512);
  out += "{\"tickets\":[";
  for (std::size_t i = 0; i < page.items.size(); ++i) {
    if (i) out += ',';
    AppendTicketJson(out, c, page.items[i], true);
  }
  out += ']';
  for (const auto& [k, v] : rest) {
    out += ',';
    out += json::serialize(json::string_view(k));
    out += ':';
    out += json::serialize(v);
  }
  out += '}';
  return r;
}

// One ticket metric event in Zendesk's shape: the `extra` JSON (sla, status…) merged in.
json::object MetricEventJson(const domain::TicketMetricEvent& e) {
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

// Renders one page (items, side-loads) under `key`, then the pagination fields.
template <typename T>
http::Response Render(ApiContext& c, Kind kind, const services::ExportPage<T>& page,
                      bool cursor_mode, const std::string& path) {
  json::object body;
  json::array items;
  items.reserve(page.items.size());
  const char* key = "tickets";
  if constexpr (std::is_same_v<T, domain::Ticket>) {
    return RenderTickets(c, page, cursor_mode, path);
  } else if constexpr (std::is_same_v<T, domain::User>) {
    key = "users";
    for (const auto& u : page.items) items.push_back(UserJson(c, u));
  } else if constexpr (std::is_same_v<T, domain::Organization>) {
    key = "organizations";
    for (const auto& o : page.items) items.push_back(OrganizationJson(c, o));
  } else if constexpr (std::is_same_v<T, domain::TicketMetricEvent>) {
    key = "ticket_metric_events";
    for (const auto& e : page.items) items.push_back(MetricEventJson(e));
  } else {
    key = "ticket_events";
    const bool with_comments = Includes(c, "comment_events");
    std::vector<AuditId> ids;
    for (const auto& a : page.items) ids.push_back(a.id);
    auto comments = c.svc.tickets.CommentsOfAudits(c.ctx, ids);
    const std::vector<domain::Comment> none;
    for (const auto& a : page.items) {
      items.push_back(TicketEventJson(c, a, comments.ok() ? *comments : none, with_comments));
    }
  }
  (void)kind;
  body[key] = std::move(items);
  PageFields(c, page, cursor_mode, path, body);
  return JsonResponse(200, body);
}

ApiHandler Export(Kind kind, bool cursor_mode, bool sample, std::string path) {
  return [kind, cursor_mode, sample, path](ApiContext& c) -> http::Response {
    if (Status st = c.svc.exports.Admit(c.ctx, sample); !st.ok()) {
      return ErrorResponse(st, c.req.request_id);
    }
    // Only the side-loads Zendesk's exports offer (and that cost one query a page): not
    // last_audits or comment_count, which would read per ticket.
    for (auto& [name, value] : c.req.query) {
      if (name != "include") continue;
      std::string kept;
      for (const auto& part : SplitCsv(value)) {
        if (part == "users" || part == "groups" || part == "organizations" ||
            part == "metric_sets" || part == "comment_events") {
          if (!kept.empty()) kept += ',';
          kept += part;
        }
      }
      value = kept;
    }
    auto r = ParseRequest(c, cursor_mode, sample);
    if (!r.ok()) return ErrorResponse(r.status(), c.req.request_id);
    const bool whole = !cursor_mode;
    auto fail = [&](const Status& st) { return ErrorResponse(st, c.req.request_id); };
    switch (kind) {
      case Kind::kTickets: {
        auto page =
            c.svc.exports.Tickets(c.ctx, r->after, r->limit, r->include_deleted, whole && !sample);
        if (!page.ok()) return fail(page.status());
        return Render(c, kind, *page, cursor_mode, path);
      }
      case Kind::kUsers: {
        auto page = c.svc.exports.Users(c.ctx, r->after, r->limit, whole && !sample);
        if (!page.ok()) return fail(page.status());
        return Render(c, kind, *page, cursor_mode, path);
      }
      case Kind::kOrganizations: {
        auto page = c.svc.exports.Organizations(c.ctx, r->after, r->limit, whole && !sample);
        if (!page.ok()) return fail(page.status());
        return Render(c, kind, *page, cursor_mode, path);
      }
      case Kind::kTicketEvents: {
        auto page = c.svc.exports.Audits(c.ctx, r->after, r->limit, whole && !sample);
        if (!page.ok()) return fail(page.status());
        return Render(c, kind, *page, cursor_mode, path);
      }
      case Kind::kMetricEvents: {
        auto page = c.svc.exports.MetricEvents(c.ctx, r->after, r->limit, whole);
        if (!page.ok()) return fail(page.status());
        return Render(c, kind, *page, cursor_mode, path);
      }
    }
    return fail(Internal("unknown export"));
  };
}

json::value Pair(const std::optional<domain::MetricDuration>& d) {
  if (!d) return json::object{{"calendar", nullptr}, {"business", nullptr}};
  return json::object{{"calendar", domain::Minutes(d->calendar)},
                      {"business", domain::Minutes(d->business)}};
}

json::value Pair(const domain::MetricDuration& d) {
  return json::object{{"calendar", domain::Minutes(d.calendar)},
                      {"business", domain::Minutes(d.business)}};
}

}  // namespace

json::object TicketMetricJson(const ApiContext& c, const domain::TicketMetricSet& m) {
  return {{"url", c.base_url + "/ticket_metrics/" + std::to_string(m.id) + ".json"},
          {"id", m.id},
          {"ticket_id", m.ticket_id.value},
          {"created_at", Iso(m.created_at)},
          {"updated_at", Iso(m.updated_at)},
          {"group_stations", m.group_stations},
          {"assignee_stations", m.assignee_stations},
          {"reopens", m.reopens},
          {"replies", m.replies},
          {"assignee_updated_at", TimeOrNull(m.assignee_updated_at)},
          {"requester_updated_at", TimeOrNull(m.requester_updated_at)},
          {"status_updated_at", TimeOrNull(m.status_updated_at)},
          {"initially_assigned_at", TimeOrNull(m.initially_assigned_at)},
          {"assigned_at", TimeOrNull(m.assigned_at)},
          {"solved_at", TimeOrNull(m.solved_at)},
          {"latest_comment_added_at", TimeOrNull(m.latest_comment_added_at)},
          {"custom_status_updated_at", TimeOrNull(m.custom_status_updated_at)},
          {"reply_time_in_minutes", Pair(m.reply_time)},
          {"reply_time_in_seconds",
           json::object{{"calendar", m.reply_time ? json::value(m.reply_time->calendar)
                                                  : json::value(nullptr)}}},
          {"first_resolution_time_in_minutes", Pair(m.first_resolution_time)},
          {"full_resolution_time_in_minutes", Pair(m.full_resolution_time)},
          {"agent_wait_time_in_minutes", Pair(m.agent_wait_time)},
          {"requester_wait_time_in_minutes", Pair(m.requester_wait_time)},
          {"on_hold_time_in_minutes", Pair(m.on_hold_time)}};
}

json::array MetricSetsOf(ApiContext& c, const std::vector<domain::Ticket>& tickets) {
  std::vector<TicketId> ids;
  ids.reserve(tickets.size());
  for (const auto& t : tickets) ids.push_back(t.id);
  json::array arr;
  if (auto sets = c.svc.ticket_metrics.ForTickets(c.ctx, ids); sets.ok()) {
    for (const auto& m : *sets) arr.push_back(TicketMetricJson(c, m));
  }
  return arr;
}

void RegisterExportRoutes(Routes& r) {
  // Admin only (Zendesk): agents and end users get 403 before any work.
  const std::string base = "/incremental/";
  for (auto [name, kind] : {std::pair{"tickets", Kind::kTickets},
                            {"users", Kind::kUsers},
                            {"organizations", Kind::kOrganizations},
                            {"ticket_events", Kind::kTicketEvents}}) {
    const std::string path = base + name;
    r.Get("/api/v2" + path, Access::kAdmin, Export(kind, false, false, path));
    r.Get("/api/v2" + path + "/sample", Access::kAdmin, Export(kind, false, true, path));
    if (kind == Kind::kTickets || kind == Kind::kUsers) {
      r.Get("/api/v2" + path + "/cursor", Access::kAdmin,
            Export(kind, true, false, path + "/cursor"));
    }
  }
  // Ticket metric events: time-based only (no sample in Zendesk), the same paging.
  r.Get("/api/v2/incremental/ticket_metric_events", Access::kAdmin,
        Export(Kind::kMetricEvents, false, false, "/incremental/ticket_metric_events"));
}

void RegisterTicketMetricRoutes(Routes& r) {
  r.Get("/api/v2/ticket_metrics", Access::kStaff, [](ApiContext& c) {
    auto paging = ParsePaging(c);
    if (!paging.ok()) return ErrorResponse(paging.status(), c.req.request_id);
    auto page = c.svc.ticket_metrics.List(c.ctx, paging->req);
    if (!page.ok()) return ErrorResponse(page.status(), c.req.request_id);
    json::array items;
    for (const auto& m : page->items) items.push_back(TicketMetricJson(c, m));
    json::object body;
    body["ticket_metrics"] = std::move(items);
    std::int64_t first = page->items.empty() ? 0 : page->items.front().id;
    std::int64_t last = page->items.empty() ? 0 : page->items.back().id;
    AddPagination(body, c, *paging, page->has_more, page->has_before, page->total, first, last);
    return JsonResponse(200, body);
  });
  r.Get("/api/v2/ticket_metrics/{id}", Access::kStaff, [](ApiContext& c) {
    auto id = PathId(c);
    if (!id.ok()) return ErrorResponse(id.status(), c.req.request_id);
    auto m = c.svc.ticket_metrics.Get(c.ctx, *id);
    if (!m.ok()) return ErrorResponse(m.status(), c.req.request_id);
    return Envelope("ticket_metric", TicketMetricJson(c, *m));
  });
  r.Get("/api/v2/tickets/{id}/metrics", Access::kStaff, [](ApiContext& c) {
    auto id = PathId(c);
    if (!id.ok()) return ErrorResponse(id.status(), c.req.request_id);
    auto m = c.svc.ticket_metrics.ForTicket(c.ctx, TicketId(*id));
    if (!m.ok()) return ErrorResponse(m.status(), c.req.request_id);
    return Envelope("ticket_metric", TicketMetricJson(c, *m));
  });
}

}  // namespace comptoir::api
