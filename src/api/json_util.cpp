// Responses, errors, input readers and pagination shared by every resource file.
#include <charconv>

#include "api_internal.hpp"
#include "comptoir/common/crypto.hpp"
#include "comptoir/common/log.hpp"

namespace comptoir::api {

http::Response JsonResponse(unsigned status, const json::value& body) {
  http::Response r;
  r.status = status;
  r.body = json::serialize(body);
  return r;
}

http::Response Envelope(std::string_view key, json::value value, unsigned status,
                        const std::string& created_url) {
  json::object body;
  body[key] = std::move(value);
  http::Response r = JsonResponse(created_url.empty() ? status : 201, body);
  if (!created_url.empty()) r.Header("Location", created_url);
  return r;
}

http::Response NoContent() {
  http::Response r;
  r.status = 204;
  r.content_type.clear();
  return r;
}

http::Response ErrorResponse(const Status& st, std::string_view request_id) {
  auto simple = [](unsigned status, std::string_view error, std::string_view description) {
    return JsonResponse(status, json::object{{"error", error}, {"description", description}});
  };
  switch (st.code()) {
    case ErrorCode::kOk:
      return JsonResponse(200, json::object{});
    case ErrorCode::kInvalidArgument:
      if (st.reason() == "PayloadTooLarge") return simple(413, "RequestTooLarge", st.message());
      return JsonResponse(400, json::object{{"error", json::object{{"title", "Invalid attribute"},
                                                                   {"message", st.message()}}}});
    case ErrorCode::kValidation:
    case ErrorCode::kAlreadyExists:
    case ErrorCode::kFailedPrecondition: {
      json::object details;
      for (const auto& d : st.details()) {
        auto& list = details[d.field];
        if (!list.is_array()) list = json::array();
        list.as_array().push_back(json::object{{"description", d.description}, {"error", d.error}});
      }
      if (details.empty()) {
        details["base"] = json::array{json::object{
            {"description", st.message()},
            {"error", st.code() == ErrorCode::kAlreadyExists ? "DuplicateValue" : "InvalidValue"}}};
      }
      return JsonResponse(422, json::object{{"error", "RecordInvalid"},
                                            {"description", "Record validation errors"},
                                            {"details", std::move(details)}});
    }
    case ErrorCode::kNotFound:
      return simple(404, "RecordNotFound", "Not found");
    case ErrorCode::kUnauthenticated:
      return JsonResponse(401, json::object{{"error", "Couldn't authenticate you"}});
    case ErrorCode::kPermissionDenied:
      return simple(403, "Forbidden",
                    st.message().empty() ? "You do not have access to this page." : st.message());
    case ErrorCode::kConflict:
      return simple(409, "UpdateConflict", st.message());
    case ErrorCode::kResourceExhausted: {
      http::Response r;
      r.status = 429;
      r.content_type = "text/plain; charset=utf-8";
      r.body = st.message().empty() ? "Too Many Requests" : st.message();
      r.Header("Retry-After", std::to_string(std::max(1, st.retry_after_seconds().value_or(60))));
      return r;
    }
    case ErrorCode::kUnavailable:
    case ErrorCode::kAborted: {
      // The database is down or unreachable, its pool stayed full, or a write kept
      // conflicting: the client retries; the cause goes to the log only.
      log::Warn("service unavailable",
                {{"request_id", request_id}, {"reason", st.reason()}, {"error", st.message()}});
      http::Response r = simple(503, "ServiceUnavailable", "Please retry shortly");
      r.Header("Retry-After", "5");
      return r;
    }
    case ErrorCode::kInternal:
      break;
  }
  log::Error("internal error", {{"request_id", request_id}, {"error", st.message()}});
  return simple(500, "InternalError",
                "Something went wrong. Request id: " + std::string(request_id));
}

json::object JobStatusJson(const ApiContext& c, const domain::JobStatus& j) {
  json::value results = nullptr;
  if (!j.results.empty()) {
    boost::system::error_code ec;
    results = json::parse(j.results, ec);
    if (ec) results = nullptr;
  }
  return {{"id", j.id},
          {"url", c.base_url + "/job_statuses/" + j.id + ".json"},
          {"total", j.total},
          {"progress", j.status == "queued" ? json::value(nullptr) : json::value(j.progress)},
          {"status", j.status},
          {"message", StringOrNull(j.message)},
          {"results", std::move(results)},
          {"job_type", j.kind}};
}

// --- input ---

Result<json::object> ParseBody(const ApiContext& c) {
  if (c.req.body.empty()) return InvalidArgument("The request body is empty; JSON was expected");
  // The transport admits bodies up to the upload limit; JSON stays at 10 MiB.
  constexpr std::size_t kMaxJsonBody = 10 * 1024 * 1024;
  if (c.req.body.size() > kMaxJsonBody) {
    return Status(ErrorCode::kInvalidArgument, "The JSON body is larger than 10 MiB",
                  "PayloadTooLarge");
  }
  boost::system::error_code ec;
  json::parse_options opts;
  opts.max_depth = 64;
  json::value v = json::parse(c.req.body, ec, {}, opts);
  if (ec) return InvalidArgument("The request body is not valid JSON: " + ec.message());
  if (!v.is_object()) return InvalidArgument("The request body must be a JSON object");
  return std::move(v.as_object());
}

Result<json::object> ParseEnvelope(const ApiContext& c, std::string_view key) {
  auto body = ParseBody(c);
  if (!body.ok()) return body;
  auto* inner = body->if_contains(key);
  if (inner == nullptr) {
    return InvalidArgument("Missing parameter: " + std::string(key));
  }
  if (!inner->is_object()) {
    return Invalid(std::string(key), "InvalidValue", std::string(key) + ": must be an object");
  }
  return std::move(inner->as_object());
}

void Reader::Wrong(std::string_view key, const char* expected) {
  v_.Add(std::string(key), "InvalidValue", std::string(key) + ": must be " + expected);
}

std::optional<std::string> Reader::String(std::string_view key, bool null_is_empty) {
  const auto* v = obj_.if_contains(key);
  if (v == nullptr) return std::nullopt;
  if (v->is_string()) return std::string(v->get_string());
  if (v->is_null() && null_is_empty) return std::string();
  if (v->is_int64()) return std::to_string(v->get_int64());
  Wrong(key, "a string");
  return std::nullopt;
}

std::optional<bool> Reader::Bool(std::string_view key) {
  const auto* v = obj_.if_contains(key);
  if (v == nullptr || v->is_null()) return std::nullopt;
  if (v->is_bool()) return v->get_bool();
  if (v->is_string() && (v->get_string() == "true" || v->get_string() == "false")) {
    return v->get_string() == "true";
  }
  Wrong(key, "true or false");
  return std::nullopt;
}

std::optional<std::int64_t> Reader::Int(std::string_view key, bool null_is_zero) {
  const auto* v = obj_.if_contains(key);
  if (v == nullptr) return std::nullopt;
  if (v->is_null()) return null_is_zero ? std::optional<std::int64_t>(0) : std::nullopt;
  if (v->is_int64() && v->get_int64() >= 0) return v->get_int64();
  if (v->is_uint64() && v->get_uint64() < (1ULL << 62)) {
    return static_cast<std::int64_t>(v->get_uint64());
  }
  if (v->is_string()) {
    std::int64_t n = 0;
    const auto& s = v->get_string();
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
    if (ec == std::errc() && p == s.data() + s.size() && n >= 0) return n;
  }
  Wrong(key, "an id (a positive whole number)");
  return std::nullopt;
}

std::optional<std::vector<std::string>> Reader::Strings(std::string_view key) {
  const auto* v = obj_.if_contains(key);
  if (v == nullptr) return std::nullopt;
  if (v->is_null()) return std::vector<std::string>{};
  if (v->is_string()) return std::vector<std::string>{std::string(v->get_string())};
  if (!v->is_array()) {
    Wrong(key, "a list of strings");
    return std::nullopt;
  }
  std::vector<std::string> out;
  for (const auto& e : v->get_array()) {
    if (!e.is_string()) {
      Wrong(key, "a list of strings");
      return std::nullopt;
    }
    out.emplace_back(e.get_string());
  }
  return out;
}

std::optional<json::object> Reader::Object(std::string_view key) {
  const auto* v = obj_.if_contains(key);
  if (v == nullptr) return std::nullopt;
  if (v->is_null()) return json::object{};
  if (!v->is_object()) {
    Wrong(key, "an object");
    return std::nullopt;
  }
  return v->get_object();
}

Result<TagRequest> ParseTagRequest(const ApiContext& c) {
  TagRequest out;
  if (c.req.body.empty()) {
    if (const auto* q = c.req.Query("tags")) out.tags = SplitCsv(*q);
    return out;
  }
  auto body = ParseBody(c);
  if (!body.ok()) return body.status();
  Validation v;
  Reader rd(*body, v);
  out.tags = rd.Strings("tags").value_or(std::vector<std::string>{});
  if (rd.Bool("safe_update").value_or(false))
    out.updated_stamp = rd.String("updated_stamp").value_or("");
  COMPTOIR_RETURN_IF_ERROR(v.Finish());
  return out;
}

http::Response EnqueueJob(ApiContext& c, const std::string& kind, json::array items) {
  auto job = c.svc.jobs.Enqueue(c.ctx, kind, std::move(items));
  if (!job.ok()) return ErrorResponse(job.status(), c.req.request_id);
  return Envelope("job_status", JobStatusJson(c, *job));
}

Result<json::array> TargetItems(const ApiContext& c, const json::object& base) {
  json::array items;
  if (const auto* ids = c.req.Query("ids")) {
    auto list = IdList(*ids);
    if (!list.ok()) return list.status();
    for (auto id : *list) {
      json::object item = base;
      item["id"] = id;
      items.push_back(std::move(item));
    }
    return items;
  }
  if (const auto* ext = c.req.Query("external_ids")) {
    auto list = SplitCsv(*ext);
    if (list.empty()) return InvalidArgument("external_ids is required");
    if (list.size() > 100) return InvalidArgument("At most 100 external ids can be given");
    for (const auto& e : list) {
      json::object item = base;
      item["external_id_lookup"] = e;
      items.push_back(std::move(item));
    }
    return items;
  }
  return InvalidArgument("ids or external_ids is required");
}

Result<std::int64_t> PathId(const ApiContext& c, std::string_view name) {
  std::string_view s = c.req.Param(name);
  std::int64_t n = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
  if (ec != std::errc() || p != s.data() + s.size() || n <= 0) return NotFound();
  return n;
}

std::vector<std::string> SplitCsv(std::string_view csv) {
  std::vector<std::string> out;
  while (!csv.empty()) {
    auto comma = csv.find(',');
    std::string_view part = csv.substr(0, comma);
    while (!part.empty() && part.front() == ' ') part.remove_prefix(1);
    while (!part.empty() && part.back() == ' ') part.remove_suffix(1);
    if (!part.empty()) out.emplace_back(part);
    if (comma == std::string_view::npos) break;
    csv.remove_prefix(comma + 1);
  }
  return out;
}

Result<std::vector<std::int64_t>> IdList(std::string_view csv) {
  std::vector<std::int64_t> ids;
  for (const auto& part : SplitCsv(csv)) {
    std::int64_t n = 0;
    auto [p, ec] = std::from_chars(part.data(), part.data() + part.size(), n);
    if (ec != std::errc() || p != part.data() + part.size() || n <= 0) {
      return InvalidArgument("ids must be a comma-separated list of ids");
    }
    ids.push_back(n);
  }
  if (ids.empty()) return InvalidArgument("ids is required");
  if (ids.size() > 100) return InvalidArgument("At most 100 ids can be given");
  return ids;
}

bool Includes(const ApiContext& c, std::string_view what) {
  const std::string* inc = c.req.Query("include");
  if (inc == nullptr) return false;
  for (const auto& s : SplitCsv(*inc)) {
    if (s == what) return true;
  }
  return false;
}

// --- pagination ---

namespace {

bool ParseInt(const std::string& s, int& out) {
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && p == s.data() + s.size();
}

std::string EncodeCursor(std::int64_t id) {
  return crypto::Base64Encode("id:" + std::to_string(id), /*url_safe=*/true);
}

Result<std::int64_t> DecodeCursor(const std::string& cursor) {
  auto raw = crypto::Base64Decode(cursor, /*url_safe=*/true);
  if (!raw.ok() || raw->rfind("id:", 0) != 0) {
    return InvalidArgument("The cursor is not valid");
  }
  std::int64_t n = 0;
  auto [p, ec] = std::from_chars(raw->data() + 3, raw->data() + raw->size(), n);
  if (ec != std::errc() || p != raw->data() + raw->size() || n <= 0) {
    return InvalidArgument("The cursor is not valid");
  }
  return n;
}

std::string PercentEncode(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char ch : s) {
    if (std::isalnum(ch) || ch == '-' || ch == '_' || ch == '.' || ch == '~' || ch == ',') {
      out += static_cast<char>(ch);
    } else {
      out += '%';
      out += kHex[ch >> 4];
      out += kHex[ch & 15];
    }
  }
  return out;
}

}  // namespace

// The request URL with the given query parameters replaced (others kept).
std::string LinkWith(const ApiContext& c,
                     const std::vector<std::pair<std::string, std::string>>& set,
                     const std::vector<std::string>& drop) {
  std::string path = c.req.path;
  constexpr std::string_view kPrefix = "/api/v2";
  if (path.rfind(kPrefix, 0) == 0) path = path.substr(kPrefix.size());
  std::string url = c.base_url + path + (c.req.json_suffix ? ".json" : "");
  std::string query;
  auto append = [&](const std::string& k, const std::string& v) {
    query += query.empty() ? "?" : "&";
    query += PercentEncode(k) + "=" + PercentEncode(v);
  };
  for (const auto& [k, v] : c.req.query) {
    bool replaced =
        std::any_of(set.begin(), set.end(), [&](const auto& s) { return s.first == k; });
    if (replaced || std::find(drop.begin(), drop.end(), k) != drop.end()) continue;
    append(k, v);
  }
  for (const auto& [k, v] : set) append(k, v);
  return url + query;
}

Result<Paging> ParsePaging(const ApiContext& c, int max_per_page) {
  Paging p;
  const std::string* size = c.req.Query("page[size]");
  const std::string* after = c.req.Query("page[after]");
  const std::string* before = c.req.Query("page[before]");
  if (size || after || before) {
    p.cursor = true;
    p.req.cursor = true;
    int n = 100;
    if (size && !ParseInt(*size, n)) return InvalidArgument("page[size] must be a number");
    if (n < 1 || n > max_per_page) {
      return InvalidArgument("page[size] must be between 1 and " + std::to_string(max_per_page));
    }
    p.per_page = n;
    p.req.limit = n;
    if (after && !after->empty()) {
      auto id = DecodeCursor(*after);
      if (!id.ok()) return id.status();
      p.req.after_id = *id;
    } else if (before && !before->empty()) {
      auto id = DecodeCursor(*before);
      if (!id.ok()) return id.status();
      p.req.before_id = *id;
    }
  } else {
    const std::string* page = c.req.Query("page");
    const std::string* per_page = c.req.Query("per_page");
    if (page && !ParseInt(*page, p.page)) return InvalidArgument("page must be a number");
    if (per_page && !ParseInt(*per_page, p.per_page)) {
      return InvalidArgument("per_page must be a number");
    }
    if (p.page < 1) return InvalidArgument("page must be 1 or more");
    if (p.per_page < 1) return InvalidArgument("per_page must be 1 or more");
    p.per_page = std::min(p.per_page, max_per_page);
    if (static_cast<std::int64_t>(p.page - 1) * p.per_page >= 10000) {
      return InvalidArgument(
          "Offset pagination is limited to the first 10,000 records; use cursor pagination");
    }
    p.req.limit = p.per_page;
    p.req.offset = (p.page - 1) * p.per_page;
    p.req.count = true;
  }
  const std::string* order = c.req.Query("sort_order");
  const std::string* sort = c.req.Query("sort");
  p.req.descending = (order && *order == "desc") || (sort && *sort == "-id");
  return p;
}

void AddPagination(json::object& body, const ApiContext& c, const Paging& p, bool has_more,
                   bool has_before, std::int64_t total, std::int64_t first_id,
                   std::int64_t last_id) {
  if (p.cursor) {
    bool empty = first_id == 0;
    std::string after = empty ? "" : EncodeCursor(last_id);
    std::string before = empty ? "" : EncodeCursor(first_id);
    body["meta"] =
        json::object{{"has_more", has_more && !empty},
                     {"after_cursor", empty ? json::value(nullptr) : json::value(after)},
                     {"before_cursor", empty ? json::value(nullptr) : json::value(before)}};
    body["links"] = json::object{
        {"next", has_more && !empty
                     ? json::value(LinkWith(c, {{"page[after]", after}}, {"page[before]"}))
                     : json::value(nullptr)},
        {"prev", has_before && !empty
                     ? json::value(LinkWith(c, {{"page[before]", before}}, {"page[after]"}))
                     : json::value(nullptr)}};
  } else {
    std::string per = std::to_string(p.per_page);
    body["next_page"] = has_more
                            ? json::value(LinkWith(
                                  c, {{"page", std::to_string(p.page + 1)}, {"per_page", per}}, {}))
                            : json::value(nullptr);
    body["previous_page"] =
        p.page > 1 ? json::value(
                         LinkWith(c, {{"page", std::to_string(p.page - 1)}, {"per_page", per}}, {}))
                   : json::value(nullptr);
    body["count"] = total;
  }
}

http::Response CountResponse(const ApiContext& c, std::int64_t n) {
  return JsonResponse(
      200, json::object{{"count", json::object{{"value", n},
                                               {"refreshed_at", Iso(c.svc.env.clock.Now())}}}});
}

// --- renderers ---

std::string Iso(Timestamp t) { return FormatIso8601(t); }
json::value TimeOrNull(Timestamp t) { return t == 0 ? json::value(nullptr) : json::value(Iso(t)); }
json::value IdOrNull(std::int64_t id) { return id == 0 ? json::value(nullptr) : json::value(id); }
json::value StringOrNull(const std::string& s) {
  return s.empty() ? json::value(nullptr) : json::value(s);
}
json::array StringArray(const std::vector<std::string>& v) {
  json::array a;
  for (const auto& s : v) a.emplace_back(s);
  return a;
}

json::object ItemError(int index, const Status& st) {
  json::object r{{"index", index},
                 {"success", false},
                 {"status", "Failed"},
                 {"error", st.reason().empty() ? "Error" : st.reason()}};
  std::string details;
  for (const auto& d : st.details()) details += (details.empty() ? "" : " ") + d.description;
  r["details"] = details.empty() ? st.message() : details;
  return r;
}

// A positive id given as a number or a numeric string.
std::optional<std::int64_t> IdOf(const json::value& v) {
  if (v.is_int64() && v.get_int64() > 0) return v.get_int64();
  if (v.is_uint64() && v.get_uint64() <= static_cast<std::uint64_t>(INT64_MAX)) {
    return static_cast<std::int64_t>(v.get_uint64());
  }
  if (v.is_string()) {
    auto ids = IdList(v.get_string());
    if (ids.ok() && ids->size() == 1) return ids->front();
  }
  return std::nullopt;
}

std::optional<int> PositionOf(const json::value& v) {
  if (v.is_int64() && v.get_int64() >= 0 && v.get_int64() <= 1'000'000) {
    return static_cast<int>(v.get_int64());
  }
  return std::nullopt;
}

// ?name=true|false
Result<std::optional<bool>> QueryBool(const ApiContext& c, std::string_view name) {
  const std::string* q = c.req.Query(name);
  if (q == nullptr || q->empty()) return std::optional<bool>();
  if (*q == "true" || *q == "1") return std::optional<bool>(true);
  if (*q == "false" || *q == "0") return std::optional<bool>(false);
  return InvalidArgument(std::string(name) + " must be true or false");
}

}  // namespace comptoir::api
