// /api/v2/search, /search/count, /search/export and /portal/search (reference §4), and
// the query-language path of /users/search (users.cpp calls SearchUsers).
#include <map>
#include <mutex>

#include "api_internal.hpp"
#include "comptoir/search/search.hpp"

namespace comptoir::api {

namespace {

constexpr int kResultCap = 1000;          // offset results per query
constexpr int kExportPerMinute = 100;     // /search/export requests per account
constexpr int kExportMaxPageSize = 1000;  // page[size]

http::Response QueryError(const ApiContext& c, const search::ParseError& e) {
  (void)c;
  return JsonResponse(
      400, json::object{{"error", "invalid"},
                        {"description", e.message + " at position " + std::to_string(e.position)},
                        {"position", e.position}});
}

// The ?query= parameter parsed, or the 400 to answer.
std::variant<domain::SearchQuery, http::Response> ParsedQuery(const ApiContext& c) {
  const std::string* q = c.req.Query("query");
  if (q == nullptr) {
    return ErrorResponse(InvalidArgument("query is required"), c.req.request_id);
  }
  search::ParseError error;
  auto parsed = search::Parse(*q, &error);
  if (!parsed.ok()) return QueryError(c, error);
  return std::move(*parsed);
}

const char* TypeName(const services::SearchItem& item) {
  switch (item.index()) {
    case 0:
      return "ticket";
    case 1:
      return "user";
    case 2:
      return "organization";
    default:
      return "group";
  }
}

json::object ItemJson(const ApiContext& c, const services::SearchItem& item) {
  json::object o;
  if (const auto* t = std::get_if<domain::Ticket>(&item)) {
    o = TicketJson(c, *t);
  } else if (const auto* u = std::get_if<domain::User>(&item)) {
    o = UserJson(c, *u);
  } else if (const auto* org = std::get_if<domain::Organization>(&item)) {
    o = OrganizationJson(c, *org);
  } else {
    o = GroupJson(c, std::get<domain::Group>(item));
  }
  o["result_type"] = TypeName(item);
  return o;
}

// sort_by / sort_order parameters: 400 for values Zendesk does not know.
Result<services::SearchOptions> SortOptions(const ApiContext& c) {
  services::SearchOptions o;
  if (const auto* s = c.req.Query("sort_by"); s && !s->empty()) {
    static const std::map<std::string, std::string, std::less<>> kSorts = {
        {"created_at", "created_at"},
        {"updated_at", "updated_at"},
        {"priority", "priority"},
        {"status", "status"},
        {"ticket_type", "ticket_type"}};
    auto it = kSorts.find(*s);
    if (it == kSorts.end()) {
      return InvalidArgument(
          "sort_by must be updated_at, created_at, priority, status or "
          "ticket_type");
    }
    o.sort_by = it->second;
  }
  if (const auto* s = c.req.Query("sort_order"); s && !s->empty()) {
    if (*s != "asc" && *s != "desc") return InvalidArgument("sort_order must be asc or desc");
    o.sort_order = *s;
  }
  return o;
}

// One offset page of a search, capped at 1,000 results; `key` names the list.
http::Response SearchPage(ApiContext& c, domain::SearchQuery q, std::string_view key) {
  auto p = ParsePaging(c);
  if (!p.ok()) return ErrorResponse(p.status(), c.req.request_id);
  if (p->cursor) {
    return ErrorResponse(InvalidArgument("Search pages by page and per_page only; use "
                                         "/search/export for cursor pages"),
                         c.req.request_id);
  }
  auto options = SortOptions(c);
  if (!options.ok()) return ErrorResponse(options.status(), c.req.request_id);
  if (p->req.offset >= kResultCap) {
    return ErrorResponse(
        Status(ErrorCode::kFailedPrecondition,
               "Search returns at most 1,000 results: narrow the query or use /search/export"),
        c.req.request_id);
  }
  options->offset = p->req.offset;
  options->limit = std::min(p->req.limit, kResultCap - p->req.offset);
  auto res = c.svc.search.Search(c.ctx, std::move(q), *options);
  if (!res.ok()) return ErrorResponse(res.status(), c.req.request_id);
  json::array items;
  for (const auto& item : res->items) items.push_back(ItemJson(c, item));
  json::object body;
  body[key] = std::move(items);
  if (key == "results") body["facets"] = nullptr;
  const bool more = res->has_more && p->req.offset + options->limit < kResultCap;
  AddPagination(body, c, *p, more, p->req.offset > 0, res->count, 0, 0);
  return JsonResponse(200, body);
}

// Requests per minute and account to /search/export, counted on this node.
class ExportLimiter {
 public:
  // Seconds to wait, or 0 when the request may go.
  int Take(AccountId account, Timestamp now) {
    const Timestamp window = now - now % 60;
    std::lock_guard lock(mu_);
    if (windows_.size() > 100000) windows_.clear();
    auto& w = windows_[account.value];
    if (w.first != window) w = {window, 0};
    if (w.second >= kExportPerMinute) return static_cast<int>(window + 60 - now);
    ++w.second;
    return 0;
  }

 private:
  std::mutex mu_;
  std::map<std::int64_t, std::pair<Timestamp, int>> windows_;
};

ExportLimiter& Limiter() {
  static ExportLimiter limiter;
  return limiter;
}

http::Response Export(ApiContext& c) {
  if (int wait = Limiter().Take(c.ctx.account(), c.svc.env.clock.Now()); wait > 0) {
    Status st(ErrorCode::kResourceExhausted, "Rate limit exceeded", "TooManyRequests");
    st.WithRetryAfter(wait);
    return ErrorResponse(st, c.req.request_id);
  }
  auto parsed = ParsedQuery(c);
  if (auto* r = std::get_if<http::Response>(&parsed)) return std::move(*r);
  auto q = std::get<domain::SearchQuery>(std::move(parsed));
  const std::string* type = c.req.Query("filter[type]");
  static const std::map<std::string, domain::SearchType, std::less<>> kTypes = {
      {"ticket", domain::SearchType::kTicket},
      {"user", domain::SearchType::kUser},
      {"organization", domain::SearchType::kOrganization},
      {"group", domain::SearchType::kGroup}};
  if (type == nullptr || !kTypes.contains(*type)) {
    return ErrorResponse(
        InvalidArgument("filter[type] is required: ticket, user, organization or group"),
        c.req.request_id);
  }
  if (q.type != domain::SearchType::kAny) {
    return ErrorResponse(InvalidArgument("type: is not allowed in an export query; use "
                                         "filter[type]"),
                         c.req.request_id);
  }
  int size = 100;
  if (const auto* s = c.req.Query("page[size]")) {
    try {
      std::size_t used = 0;
      size = std::stoi(*s, &used);
      if (used != s->size()) size = 0;
    } catch (const std::exception&) {
      size = 0;
    }
    if (size < 1 || size > kExportMaxPageSize) {
      return ErrorResponse(InvalidArgument("page[size] must be between 1 and 1000"),
                           c.req.request_id);
    }
  }
  std::string cursor;
  if (const auto* a = c.req.Query("page[after]")) cursor = *a;
  auto page = c.svc.search.Export(c.ctx, std::move(q), kTypes.at(*type), cursor, size);
  if (!page.ok()) return ErrorResponse(page.status(), c.req.request_id);
  json::array items;
  for (const auto& item : page->items) items.push_back(ItemJson(c, item));
  json::value next = nullptr;
  if (page->has_more) {
    next = json::value(LinkWith(c, {{"page[after]", page->after_cursor}}, {}));
  }
  return JsonResponse(
      200,
      json::object{{"results", std::move(items)},
                   {"facets", nullptr},
                   {"meta", json::object{{"has_more", page->has_more},
                                         {"after_cursor", page->after_cursor.empty()
                                                              ? json::value(nullptr)
                                                              : json::value(page->after_cursor)},
                                         {"before_cursor", nullptr}}},
                   {"links", json::object{{"next", next}, {"prev", nullptr}}}});
}

}  // namespace

http::Response SearchUsers(ApiContext& c) {
  auto parsed = ParsedQuery(c);
  if (auto* r = std::get_if<http::Response>(&parsed)) return std::move(*r);
  auto q = std::get<domain::SearchQuery>(std::move(parsed));
  if (q.type != domain::SearchType::kAny && q.type != domain::SearchType::kUser) {
    return ErrorResponse(InvalidArgument("/users/search finds users only"), c.req.request_id);
  }
  q.type = domain::SearchType::kUser;
  return SearchPage(c, std::move(q), "users");
}

void RegisterSearchRoutes(Routes& r) {
  r.Get("/api/v2/search", Access::kSignedIn, [](ApiContext& c) {
    auto parsed = ParsedQuery(c);
    if (auto* resp = std::get_if<http::Response>(&parsed)) return std::move(*resp);
    return SearchPage(c, std::get<domain::SearchQuery>(std::move(parsed)), "results");
  });
  // The Help Center search of anonymous visitors is not kept: signed-in callers get the
  // same answer as /search.
  r.Get("/api/v2/portal/search", Access::kSignedIn, [](ApiContext& c) {
    auto parsed = ParsedQuery(c);
    if (auto* resp = std::get_if<http::Response>(&parsed)) return std::move(*resp);
    return SearchPage(c, std::get<domain::SearchQuery>(std::move(parsed)), "results");
  });
  r.Get("/api/v2/search/count", Access::kSignedIn, [](ApiContext& c) {
    auto parsed = ParsedQuery(c);
    if (auto* resp = std::get_if<http::Response>(&parsed)) return std::move(*resp);
    services::SearchOptions o;
    o.count_only = true;
    auto res = c.svc.search.Search(c.ctx, std::get<domain::SearchQuery>(std::move(parsed)), o);
    if (!res.ok()) return ErrorResponse(res.status(), c.req.request_id);
    return JsonResponse(200, json::object{{"count", res->count}});
  });
  r.Get("/api/v2/search/export", Access::kSignedIn, Export);
}

}  // namespace comptoir::api
