// Private to the api module: the per-request ApiContext, route registration, JSON
// input readers, renderers and pagination shared by the resource files.
#pragma once

#include <boost/json.hpp>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "comptoir/api/api.hpp"
#include "comptoir/http/router.hpp"
#include "comptoir/storage/page.hpp"

namespace comptoir::api {

namespace json = boost::json;

enum class Access {
  kPublic,    // no credentials needed
  kSignedIn,  // any authenticated user, end users included
  kStaff,     // agents and admins (end users get 403)
  kAdmin,     // admins (agents and end users get 403)
};

struct ApiContext {
  http::Request& req;
  services::Services& svc;
  services::Context ctx;  // actor + ip
  bool authenticated = false;
  std::string base_url;  // "http://host:port/api/v2", as the client addressed us
  // Keys of the account's user fields, loaded once per request when a user is rendered.
  mutable std::optional<std::vector<std::string>> user_field_keys;
  // The browser session when the request was signed in by its cookie (no Authorization).
  std::optional<storage::Session> session;

  const domain::Actor& actor() const { return ctx.actor; }
};

using ApiHandler = std::function<http::Response(ApiContext&)>;

// Registers the routes of one resource file. `Route(method, pattern, access, fn)`.
class Routes {
 public:
  using Add = std::function<void(std::string_view method, std::string_view pattern, Access access,
                                 ApiHandler fn)>;
  explicit Routes(Add add) : add_(std::move(add)) {}
  void Get(std::string_view p, Access a, ApiHandler fn) { add_("GET", p, a, std::move(fn)); }
  void Post(std::string_view p, Access a, ApiHandler fn) { add_("POST", p, a, std::move(fn)); }
  void Put(std::string_view p, Access a, ApiHandler fn) { add_("PUT", p, a, std::move(fn)); }
  void Patch(std::string_view p, Access a, ApiHandler fn) { add_("PATCH", p, a, std::move(fn)); }
  void Delete(std::string_view p, Access a, ApiHandler fn) { add_("DELETE", p, a, std::move(fn)); }

 private:
  Add add_;
};

// One function per resource file, called once at start-up.
void RegisterSystemRoutes(Routes& r);
void RegisterUserRoutes(Routes& r);
void RegisterIdentityRoutes(Routes& r);
void RegisterTokenRoutes(Routes& r);
void RegisterJobRoutes(Routes& r);
void RegisterOrganizationRoutes(Routes& r);
void RegisterGroupRoutes(Routes& r);
void RegisterCustomRoleRoutes(Routes& r);
void RegisterCustomFieldRoutes(Routes& r);
void RegisterUploadRoutes(Routes& r);       // uploads.cpp: /uploads, /attachments
void RegisterTicketFieldRoutes(Routes& r);  // ticket_fields.cpp: /ticket_fields, /ticket_forms
void RegisterTicketRoutes(Routes& r);       // tickets.cpp: tickets, comments, audits, tags
void RegisterRequestRoutes(Routes& r);      // requests.cpp: the end-user view of tickets
void RegisterSessionRoutes(Routes& r);      // sessions.cpp: /access/login, logout, /sessions
void RegisterTriggerRoutes(Routes& r);      // triggers.cpp: /triggers, /trigger_categories
void RegisterMacroRoutes(Routes& r);        // macros.cpp: /macros, /tickets/{id}/macros/{id}/apply
void RegisterWebhookRoutes(Routes& r);      // webhooks.cpp: /webhooks
void RegisterTargetRoutes(Routes& r);       // webhooks.cpp: /targets, /target_failures
void RegisterEmailRoutes(Routes& r);  // email_settings.cpp: /comptoir/email_settings, broadcasts
void RegisterViewRoutes(Routes& r);   // views.cpp: /views
void RegisterAutomationRoutes(Routes& r);  // automations.cpp: /automations, /imports/tickets
void RegisterScheduleRoutes(Routes& r);    // schedules.cpp: /business_hours/schedules
void RegisterSlaRoutes(Routes& r);         // slas.cpp: /slas/policies
// The `slas` side-load of one ticket (slas.cpp).
json::object SlasJson(const std::vector<services::SlaMetricView>& metrics, Timestamp now);
// incremental.cpp: /incremental/..., and /ticket_metrics, /tickets/{id}/metrics.
void RegisterExportRoutes(Routes& r);
void RegisterTicketMetricRoutes(Routes& r);
void RegisterSearchRoutes(Routes& r);  // search.cpp: /search, /search/count, /search/export
// GET /users/search?query= in the search language (search.cpp).
http::Response SearchUsers(ApiContext& c);
// Every resource's routes, in order (api.cpp).
void RegisterAllRoutes(Routes& r);
// The name of the session cookie.
inline constexpr std::string_view kSessionCookie = "comptoir_session";
// The value of the session cookie of a request, or "".
std::string_view SessionCookie(const http::Request& req);
// Bulk job handlers (JobService kinds) of each resource.
void RegisterUserJobs(services::Services& svc);
void RegisterOrganizationJobs(services::Services& svc);
void RegisterGroupJobs(services::Services& svc);
void RegisterTicketJobs(services::Services& svc);

// --- responses ---
http::Response JsonResponse(unsigned status, const json::value& body);
// {"user": {...}} with 200, or 201 + Location when `created_url` is given.
http::Response Envelope(std::string_view key, json::value value, unsigned status = 200,
                        const std::string& created_url = {});
http::Response NoContent();
// Renders an error Status in Zendesk's shape (the one place that does).
http::Response ErrorResponse(const Status& st, std::string_view request_id = {});
// {"job_status": {...}}
json::object JobStatusJson(const ApiContext& c, const domain::JobStatus& j);

// --- input ---
// Parses the body as a JSON object: 400 when it is not JSON or not an object.
Result<json::object> ParseBody(const ApiContext& c);
// The object under `key` of the body ({"user": {...}}): 400 when missing.
Result<json::object> ParseEnvelope(const ApiContext& c, std::string_view key);

// Typed readers: record a 422 problem in `v` when present with the wrong type.
class Reader {
 public:
  Reader(const json::object& obj, Validation& v) : obj_(obj), v_(v) {}
  bool Has(std::string_view key) const { return obj_.contains(key); }
  std::optional<std::string> String(std::string_view key, bool null_is_empty = true);
  std::optional<bool> Bool(std::string_view key);
  std::optional<std::int64_t> Int(std::string_view key, bool null_is_zero = true);
  std::optional<std::vector<std::string>> Strings(std::string_view key);
  std::optional<json::object> Object(std::string_view key);
  const json::value* Raw(std::string_view key) const { return obj_.if_contains(key); }

 private:
  void Wrong(std::string_view key, const char* expected);
  const json::object& obj_;
  Validation& v_;
};

// The tags of a /tags request: {"tags": [...]} in the body (DELETE bodies may be absent:
// then ?tags=a,b). Fills `updated_stamp` when the body asks for a safe update.
struct TagRequest {
  std::vector<std::string> tags;
  std::string updated_stamp;
};
Result<TagRequest> ParseTagRequest(const ApiContext& c);

// Bulk requests: ?ids=1,2 → [{"id":1},…]; ?external_ids=a,b →
// [{"external_id_lookup":"a"},…], each merged into `base`; 400 when neither is given.
Result<json::array> TargetItems(const ApiContext& c, const json::object& base);
// Enqueues a bulk job of `items` and answers {"job_status": …}.
http::Response EnqueueJob(ApiContext& c, const std::string& kind, json::array items);

// Path parameter as a positive id, or 404.
Result<std::int64_t> PathId(const ApiContext& c, std::string_view name = "id");
// "1,2,3" → ids (400 on garbage, at most 100).
Result<std::vector<std::int64_t>> IdList(std::string_view csv);
std::vector<std::string> SplitCsv(std::string_view csv);
// ?include=a,b
bool Includes(const ApiContext& c, std::string_view what);

// --- pagination ---
struct Paging {
  storage::PageRequest req;
  bool cursor = false;
  int page = 1;
  int per_page = 100;
};
// Cursor mode when page[size], page[after] or page[before] is present; else offset
// (page, per_page). 400 for bad values or an offset past 10,000 records.
Result<Paging> ParsePaging(const ApiContext& c, int max_per_page = 100);
// Adds next_page/previous_page/count (offset) or meta/links (cursor) to `body`.
void AddPagination(json::object& body, const ApiContext& c, const Paging& p, bool has_more,
                   bool has_before, std::int64_t total, std::int64_t first_id,
                   std::int64_t last_id);

template <typename T, typename Render>
http::Response ListResponse(const ApiContext& c, std::string_view key, const Paging& p,
                            const storage::Page<T>& page, Render render,
                            const std::function<void(json::object&)>& extra = {}) {
  json::array items;
  items.reserve(page.items.size());
  for (const auto& item : page.items) items.push_back(render(item));
  json::object body;
  body[key] = std::move(items);
  std::int64_t first = page.items.empty() ? 0 : page.items.front().id.value;
  std::int64_t last = page.items.empty() ? 0 : page.items.back().id.value;
  AddPagination(body, c, p, page.has_more, page.has_before, page.total, first, last);
  if (extra) extra(body);
  return JsonResponse(200, body);
}

// The request URL with the given query parameters replaced (others kept).
std::string LinkWith(const ApiContext& c,
                     const std::vector<std::pair<std::string, std::string>>& set,
                     const std::vector<std::string>& drop);

// {"count": {"value": n, "refreshed_at": "…"}}
http::Response CountResponse(const ApiContext& c, std::int64_t n);

// --- rules (triggers, automations, views, macros) ---
// A positive id given as a number or a numeric string ("296220096").
std::optional<std::int64_t> IdOf(const json::value& v);
// A position: a whole number from 0 to 1,000,000.
std::optional<int> PositionOf(const json::value& v);
// ?name=true|false (absent or empty: nullopt; anything else: 400).
Result<std::optional<bool>> QueryBool(const ApiContext& c, std::string_view name);

// One page of an in-memory list kept in its own order: offset pages, or cursor pages
// whose cursors are the ids at the page's ends.
template <typename T, typename Render>
http::Response PagedList(const ApiContext& c, std::string_view key, const std::vector<T>& all,
                         Render render) {
  auto p = ParsePaging(c);
  if (!p.ok()) return ErrorResponse(p.status(), c.req.request_id);
  std::size_t begin = 0;
  std::size_t end = all.size();
  auto index_of = [&](std::int64_t id) -> std::optional<std::size_t> {
    for (std::size_t i = 0; i < all.size(); ++i) {
      if (all[i].id.value == id) return i;
    }
    return std::nullopt;
  };
  const std::size_t limit = static_cast<std::size_t>(p->req.limit);
  if (p->cursor) {
    if (p->req.after_id) {
      auto i = index_of(p->req.after_id);
      begin = i ? *i + 1 : all.size();
      end = std::min(all.size(), begin + limit);
    } else if (p->req.before_id) {
      auto i = index_of(p->req.before_id);
      end = i ? *i : 0;
      begin = end > limit ? end - limit : 0;
    } else {
      end = std::min(all.size(), limit);
    }
  } else {
    begin = std::min(all.size(), static_cast<std::size_t>(p->req.offset));
    end = std::min(all.size(), begin + limit);
  }
  json::array items;
  for (std::size_t i = begin; i < end; ++i) items.push_back(render(all[i]));
  json::object body;
  body[key] = std::move(items);
  std::int64_t first = begin < end ? all[begin].id.value : 0;
  std::int64_t last = begin < end ? all[end - 1].id.value : 0;
  AddPagination(body, c, *p, end<all.size(), begin> 0, static_cast<std::int64_t>(all.size()), first,
                last);
  return JsonResponse(200, body);
}

// --- renderers shared by several resources ---
std::string Iso(Timestamp t);  // "" → null handled by TimeOrNull
json::value TimeOrNull(Timestamp t);
json::value IdOrNull(std::int64_t id);
json::value StringOrNull(const std::string& s);
json::array StringArray(const std::vector<std::string>& v);
json::object UserJson(const ApiContext& c, const domain::User& u);
json::object IdentityJson(const ApiContext& c, const domain::Identity& i);
json::object OrganizationJson(const ApiContext& c, const domain::Organization& o);
json::object GroupJson(const ApiContext& c, const domain::Group& g);
json::object AttachmentJson(const ApiContext& c, const domain::Attachment& a);  // uploads.cpp
// Tickets (tickets.cpp).
json::object TicketJson(const ApiContext& c, const domain::Ticket& t);
// `deleted_status`: a deleted ticket's status reads "deleted" (incremental exports).
json::object TicketJson(const ApiContext& c, const domain::Ticket& t, bool deleted_status);
// Appends the same ticket JSON as text, without building the document (its fields come
// from the same list as TicketJson's).
void AppendTicketJson(std::string& out, const ApiContext& c, const domain::Ticket& t,
                      bool deleted_status);
json::object CommentJson(const ApiContext& c, const domain::Comment& cm,
                         const std::vector<domain::Attachment>& attachments);
json::object AuditJson(const ApiContext& c, const domain::Audit& a,
                       const std::vector<domain::Comment>& comments);
// The side-loads of ticket lists (?include=users,groups,organizations,metric_sets,…).
void TicketSideLoads(ApiContext& c, json::object& body, json::array& tickets_json,
                     const std::vector<domain::Ticket>& tickets);
// Ticket metric sets (incremental.cpp): one set, and the sets of shown tickets.
json::object TicketMetricJson(const ApiContext& c, const domain::TicketMetricSet& m);
json::array MetricSetsOf(ApiContext& c, const std::vector<domain::Ticket>& tickets);
// Parses a {"ticket": {...}} body into the service input (422 for wrong types).
Result<services::TicketInput> ParseTicketInput(const json::object& o);
Result<services::CommentInput> ParseCommentInput(const json::value& v);
// Result object of a failed bulk item.
json::object ItemError(int index, const Status& st);

// --- rules: update_many / destroy_many (rule_bulk.cpp) ---
struct RulePatch {
  std::int64_t id = 0;
  std::optional<int> position;
  std::optional<bool> active;
  const json::object* item = nullptr;  // the item, for a rule's own fields (category_id)
};
// {"<key>": [{"id", "position"?, "active"?}, …]} (422 naming `key` otherwise).
Result<std::vector<RulePatch>> ParseRulePatches(const json::object& body, const char* key);
// ?ids=1,2,3 (400 when absent).
Result<std::vector<std::int64_t>> DestroyManyIds(const ApiContext& c);

// --- views and macros: `restriction` (restriction.cpp) ---
json::value RestrictionJson(const domain::Restriction& r);
// null: no restriction; a Group (ids, and id taken as one of them) or a User (id).
Result<domain::Restriction> ParseRestriction(const json::value& v);

}  // namespace comptoir::api
