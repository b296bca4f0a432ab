// /api/v2/requests: the end-user view of tickets (reference §2.4). Everything goes
// through TicketService, which applies the caller's access: an end user sees the
// tickets they requested or are copied on, and their organisations' when those share
// tickets; agents asking here get the tickets they requested. Comments are public only.
#include <algorithm>
#include <cctype>
#include <set>

#include "api_internal.hpp"

namespace comptoir::api {

namespace {

using domain::TicketStatus;

bool IsSolved(const domain::Ticket& t) {
  return t.status == TicketStatus::kSolved || t.status == TicketStatus::kClosed;
}

// The requester may mark their request solved once an agent has it (solving needs an
// assignee, as in Zendesk's help center).
bool CanBeSolvedBy(const ApiContext& c, const domain::Ticket& t) {
  return c.actor().user_id && t.requester_id == c.actor().user_id && t.assignee_id && !IsSolved(t);
}

json::array IdArray(const std::vector<std::int64_t>& ids) {
  json::array a;
  for (auto id : ids) a.push_back(id);
  return a;
}

json::value EnumOrNull(const char* name) {
  return name == nullptr || *name == '\0' ? json::value(nullptr) : json::value(name);
}

json::object RequestJson(const ApiContext& c, const domain::Ticket& t) {
  // The ticket renderer knows how via and custom_status_id look; reuse them.
  json::object tj = TicketJson(c, t);
  auto pick = [&](std::string_view key) -> json::value {
    if (const auto* v = tj.if_contains(key)) return *v;
    return nullptr;
  };
  return {
      {"id", t.id.value},
      {"url", c.base_url + "/requests/" + std::to_string(t.id.value) + ".json"},
      {"subject", t.subject},
      {"description", t.description},
      {"status", domain::StatusName(t.status)},
      {"priority", EnumOrNull(domain::PriorityName(t.priority))},
      {"type", EnumOrNull(domain::TypeName(t.type))},
      {"organization_id", IdOrNull(t.organization_id.value)},
      {"requester_id", IdOrNull(t.requester_id.value)},
      {"assignee_id", IdOrNull(t.assignee_id.value)},
      {"group_id", IdOrNull(t.group_id.value)},
      {"collaborator_ids", IdArray(t.collaborator_ids)},
      {"email_cc_ids", IdArray(t.email_cc_ids)},
      {"custom_fields", t.custom_fields},
      {"custom_status_id", pick("custom_status_id")},
      {"ticket_form_id", IdOrNull(t.ticket_form_id.value)},
      {"due_at", TimeOrNull(t.due_at)},
      {"can_be_solved_by_me", CanBeSolvedBy(c, t)},
      {"solved", IsSolved(t)},
      {"is_public", t.is_public},
      {"via", pick("via")},
      {"recipient", StringOrNull(t.recipient)},
      {"followup_source_id", nullptr},
      {"created_at", Iso(t.created_at)},
      {"updated_at", Iso(t.updated_at)},
  };
}

// A system context for reading the few user and organisation attributes a request
// shows about people the caller may not list (the agent who answered, for example).
services::Context SystemContext(const ApiContext& c) {
  services::Context sys;
  sys.actor = domain::Actor::System(c.ctx.account());
  sys.ip_address = c.ctx.ip_address;
  return sys;
}

// Users as the Requests API side-loads them: staff get the full user, end users the
// public attributes Zendesk shows in the portal.
json::array UsersJson(const ApiContext& c, const std::set<std::int64_t>& ids) {
  json::array arr;
  std::vector<UserId> v;
  for (auto id : ids) {
    if (id != 0) v.emplace_back(id);
  }
  if (v.empty()) return arr;
  auto users = c.svc.users.GetMany(SystemContext(c), v);
  if (!users.ok()) return arr;
  for (const auto& u : *users) {
    if (c.actor().is_staff()) {
      arr.push_back(UserJson(c, u));
      continue;
    }
    arr.push_back(json::object{{"id", u.id.value},
                               {"name", u.name},
                               {"photo", nullptr},
                               {"agent", u.role != domain::Role::kEndUser},
                               {"organization_id", IdOrNull(u.organization_id.value)}});
  }
  return arr;
}

json::array OrganizationsJson(const ApiContext& c, const std::set<std::int64_t>& ids) {
  json::array arr;
  std::vector<OrganizationId> v;
  for (auto id : ids) {
    if (id != 0) v.emplace_back(id);
  }
  if (v.empty()) return arr;
  auto orgs = c.svc.organizations.GetMany(SystemContext(c), v);
  if (!orgs.ok()) return arr;
  for (const auto& o : *orgs) {
    if (c.actor().is_staff()) {
      arr.push_back(OrganizationJson(c, o));
    } else {
      arr.push_back(json::object{
          {"id", o.id.value},
          {"url", c.base_url + "/organizations/" + std::to_string(o.id.value) + ".json"},
          {"name", o.name}});
    }
  }
  return arr;
}

// ?include=users,organizations on request lists.
void SideLoad(const ApiContext& c, json::object& body, const std::vector<domain::Ticket>& ts) {
  if (Includes(c, "users")) {
    std::set<std::int64_t> ids;
    for (const auto& t : ts) {
      ids.insert(t.requester_id.value);
      ids.insert(t.assignee_id.value);
    }
    body["users"] = UsersJson(c, ids);
  }
  if (Includes(c, "organizations")) {
    std::set<std::int64_t> ids;
    for (const auto& t : ts) ids.insert(t.organization_id.value);
    body["organizations"] = OrganizationsJson(c, ids);
  }
}

// The caller's requests: end users get what the service lets them see (their own,
// those they are copied on, their shared organisations'); staff the ones they requested.
storage::TicketFilter MineFilter(const ApiContext& c) {
  storage::TicketFilter f;
  if (c.actor().is_staff()) f.requester_id = c.actor().user_id;
  return f;
}

// ?status=open,pending narrows `f` (intersecting with what the endpoint already asks).
Status ApplyStatusQuery(const ApiContext& c, storage::TicketFilter& f) {
  const std::string* q = c.req.Query("status");
  if (q == nullptr || q->empty()) return Status::Ok();
  std::vector<TicketStatus> wanted;
  for (const auto& name : SplitCsv(*q)) {
    auto s = domain::ParseStatus(name);
    if (!s) return InvalidArgument("Unknown status: " + name);
    wanted.push_back(*s);
  }
  if (f.statuses.empty()) {
    f.statuses = std::move(wanted);
  } else {
    std::vector<TicketStatus> both;
    for (auto s : f.statuses) {
      if (std::find(wanted.begin(), wanted.end(), s) != wanted.end()) both.push_back(s);
    }
    // Nothing in common: keep a filter that matches nothing rather than everything.
    if (both.empty()) return NotFound("No requests match");
    f.statuses = std::move(both);
  }
  return Status::Ok();
}

http::Response EmptyList(ApiContext& c, const Paging& p) {
  json::object body{{"requests", json::array()}};
  AddPagination(body, c, p, false, false, 0, 0, 0);
  return JsonResponse(200, body);
}

http::Response ListRequests(ApiContext& c, storage::TicketFilter f) {
  auto paging = ParsePaging(c);
  if (!paging.ok()) return ErrorResponse(paging.status(), c.req.request_id);
  if (auto st = ApplyStatusQuery(c, f); !st.ok()) {
    if (st.code() == ErrorCode::kNotFound) return EmptyList(c, *paging);
    return ErrorResponse(st, c.req.request_id);
  }
  if (const std::string* sort = c.req.Query("sort_by")) {
    if (*sort == "created_at" || *sort == "updated_at") f.sort_by = *sort;
  }
  auto page = c.svc.tickets.List(c.ctx, f, paging->req);
  if (!page.ok()) return ErrorResponse(page.status(), c.req.request_id);
  return ListResponse(
      c, "requests", *paging, *page, [&](const domain::Ticket& t) { return RequestJson(c, t); },
      [&](json::object& body) { SideLoad(c, body, page->items); });
}

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
  return s;
}

// GET /requests/search?query=: a case-insensitive substring of the subject or the
// description, among the caller's requests (optionally narrowed by status and
// organization_id). Offset pagination over the matches.
http::Response SearchRequests(ApiContext& c) {
  const std::string* q = c.req.Query("query");
  if (q == nullptr || q->empty()) {
    return ErrorResponse(InvalidArgument("query is required"), c.req.request_id);
  }
  std::string needle = *q;
  if (needle.size() >= 2 && needle.front() == '"' && needle.back() == '"') {
    needle = needle.substr(1, needle.size() - 2);
  }
  needle = Lower(needle);
  auto paging = ParsePaging(c);
  if (!paging.ok()) return ErrorResponse(paging.status(), c.req.request_id);
  Paging p = *paging;
  if (p.cursor) {  // search pages by offset only
    p.cursor = false;
    p.page = 1;
  }
  storage::TicketFilter f = MineFilter(c);
  if (auto st = ApplyStatusQuery(c, f); !st.ok()) {
    if (st.code() == ErrorCode::kNotFound) return EmptyList(c, p);
    return ErrorResponse(st, c.req.request_id);
  }
  if (const std::string* org = c.req.Query("organization_id")) {
    std::int64_t id = 0;
    try {
      id = std::stoll(*org);
    } catch (...) {
      return ErrorResponse(InvalidArgument("organization_id must be an id"), c.req.request_id);
    }
    f.organization_id = OrganizationId(id);
  }

  std::vector<domain::Ticket> matches;
  storage::PageRequest scan;
  scan.cursor = true;
  scan.limit = 100;
  constexpr int kMaxScanned = 10000;
  for (int scanned = 0; scanned < kMaxScanned;) {
    auto page = c.svc.tickets.List(c.ctx, f, scan);
    if (!page.ok()) return ErrorResponse(page.status(), c.req.request_id);
    if (page->items.empty()) break;
    const std::int64_t last = page->items.back().id.value;
    for (auto& t : page->items) {
      if (Lower(t.subject).find(needle) != std::string::npos ||
          Lower(t.description).find(needle) != std::string::npos) {
        matches.push_back(std::move(t));
      }
    }
    scanned += static_cast<int>(page->items.size());
    if (!page->has_more) break;
    scan.after_id = last;
  }

  const auto total = static_cast<std::int64_t>(matches.size());
  const auto from =
      std::min<std::int64_t>(total, static_cast<std::int64_t>(p.page - 1) * p.per_page);
  const auto to = std::min<std::int64_t>(total, from + p.per_page);
  std::vector<domain::Ticket> slice(matches.begin() + from, matches.begin() + to);
  json::array items;
  for (const auto& t : slice) items.push_back(RequestJson(c, t));
  json::object body{{"requests", std::move(items)}};
  AddPagination(body, c, p, to<total, from> 0, total, slice.empty() ? 0 : slice.front().id.value,
                slice.empty() ? 0 : slice.back().id.value);
  SideLoad(c, body, slice);
  return JsonResponse(200, body);
}

// Copies the keys of a request body that the Requests API lets the caller write, so
// the ticket parser sees nothing else (assignee, group, status and tags are not
// settable here).
json::object Writable(const json::object& in, std::initializer_list<std::string_view> keys) {
  json::object out;
  for (auto k : keys) {
    if (const auto* v = in.if_contains(k)) out[k] = *v;
  }
  return out;
}

// An end user's comment is always public and always theirs.
void OwnComment(const ApiContext& c, services::TicketInput& in) {
  if (!in.comment || c.actor().is_staff()) return;
  in.comment->is_public = true;
  in.comment->author_id = c.actor().user_id.value;
}

Result<std::vector<domain::Attachment>> AttachmentsFor(const ApiContext& c,
                                                       const std::vector<domain::Comment>& cms) {
  std::vector<CommentId> ids;
  for (const auto& cm : cms) ids.push_back(cm.id);
  if (ids.empty()) return std::vector<domain::Attachment>{};
  return c.svc.tickets.AttachmentsOf(c.ctx, ids);
}

json::object RequestCommentJson(const ApiContext& c, const domain::Comment& cm,
                                const std::vector<domain::Attachment>& all) {
  std::vector<domain::Attachment> mine;
  for (const auto& a : all) {
    if (a.comment_id == cm.id) mine.push_back(a);
  }
  json::object o = CommentJson(c, cm, mine);
  // The request view of a comment: no audit, channel or client metadata.
  o.erase("audit_id");
  o.erase("metadata");
  o.erase("via");
  o["request_id"] = cm.ticket_id.value;
  return o;
}

http::Response ListComments(ApiContext& c) {
  auto id = PathId(c);
  if (!id.ok()) return ErrorResponse(id.status(), c.req.request_id);
  auto paging = ParsePaging(c);
  if (!paging.ok()) return ErrorResponse(paging.status(), c.req.request_id);
  auto page = c.svc.tickets.Comments(c.ctx, TicketId(*id), paging->req);
  if (!page.ok()) return ErrorResponse(page.status(), c.req.request_id);
  const std::int64_t first = page->items.empty() ? 0 : page->items.front().id.value;
  const std::int64_t last = page->items.empty() ? 0 : page->items.back().id.value;
  // Internal notes never show here, whoever asks.
  std::vector<domain::Comment> shown;
  for (auto& cm : page->items) {
    if (cm.is_public) shown.push_back(std::move(cm));
  }
  auto attachments = AttachmentsFor(c, shown);
  if (!attachments.ok()) return ErrorResponse(attachments.status(), c.req.request_id);
  json::array items;
  std::set<std::int64_t> authors;
  for (const auto& cm : shown) {
    items.push_back(RequestCommentJson(c, cm, *attachments));
    authors.insert(cm.author_id.value);
  }
  json::object body{{"comments", std::move(items)}};
  body["users"] = UsersJson(c, authors);
  AddPagination(body, c, *paging, page->has_more, page->has_before, page->total, first, last);
  return JsonResponse(200, body);
}

http::Response ShowComment(ApiContext& c) {
  auto id = PathId(c);
  if (!id.ok()) return ErrorResponse(id.status(), c.req.request_id);
  auto cid = PathId(c, "comment_id");
  if (!cid.ok()) return ErrorResponse(cid.status(), c.req.request_id);
  storage::PageRequest scan;
  scan.cursor = true;
  scan.limit = 100;
  for (;;) {
    auto page = c.svc.tickets.Comments(c.ctx, TicketId(*id), scan);
    if (!page.ok()) return ErrorResponse(page.status(), c.req.request_id);
    for (const auto& cm : page->items) {
      if (cm.id.value != *cid) continue;
      if (!cm.is_public) return ErrorResponse(NotFound(), c.req.request_id);
      auto attachments = AttachmentsFor(c, {cm});
      if (!attachments.ok()) return ErrorResponse(attachments.status(), c.req.request_id);
      json::object body{{"comment", RequestCommentJson(c, cm, *attachments)}};
      body["users"] = UsersJson(c, {cm.author_id.value});
      return JsonResponse(200, body);
    }
    if (!page->has_more || page->items.empty()) break;
    scan.after_id = page->items.back().id.value;
  }
  return ErrorResponse(NotFound(), c.req.request_id);
}

http::Response CreateRequest(ApiContext& c) {
  auto body = ParseEnvelope(c, "request");
  if (!body.ok()) return ErrorResponse(body.status(), c.req.request_id);
  json::object writable =
      Writable(*body, {"subject", "comment", "priority", "type", "custom_fields", "fields",
                       "due_at", "ticket_form_id", "recipient", "brand_id", "email_ccs",
                       "collaborators", "collaborator_ids"});
  // Staff may file a request for someone else; an end user is always the requester
  // (the service makes the caller the requester when none is given).
  if (c.actor().is_staff()) {
    for (auto k : {"requester", "requester_id"}) {
      if (const auto* v = body->if_contains(k)) writable[k] = *v;
    }
  }
  auto in = ParseTicketInput(writable);
  if (!in.ok()) return ErrorResponse(in.status(), c.req.request_id);
  OwnComment(c, *in);
  auto change = c.svc.tickets.Create(c.ctx, *in);
  if (!change.ok()) return ErrorResponse(change.status(), c.req.request_id);
  const auto& t = change->ticket;
  return Envelope("request", RequestJson(c, t), 201,
                  c.base_url + "/requests/" + std::to_string(t.id.value) + ".json");
}

http::Response UpdateRequest(ApiContext& c) {
  auto id = PathId(c);
  if (!id.ok()) return ErrorResponse(id.status(), c.req.request_id);
  auto body = ParseEnvelope(c, "request");
  if (!body.ok()) return ErrorResponse(body.status(), c.req.request_id);
  Validation v;
  Reader r(*body, v);
  const std::optional<bool> solved = r.Bool("solved");
  if (auto st = v.Finish(); !st.ok()) return ErrorResponse(st, c.req.request_id);
  json::object writable =
      Writable(*body, {"comment", "email_ccs", "collaborators", "additional_collaborators"});
  auto in = ParseTicketInput(writable);
  if (!in.ok()) return ErrorResponse(in.status(), c.req.request_id);
  OwnComment(c, *in);
  auto current = c.svc.tickets.Get(c.ctx, TicketId(*id));
  if (!current.ok()) return ErrorResponse(current.status(), c.req.request_id);
  if (solved.value_or(false) && !IsSolved(*current)) {
    if (!CanBeSolvedBy(c, *current)) {
      return ErrorResponse(
          Invalid("solved", "InvalidValue", "Solved: this request cannot be solved by you"),
          c.req.request_id);
    }
    in->status = "solved";
  }
  auto change = c.svc.tickets.Update(c.ctx, TicketId(*id), *in);
  if (!change.ok()) return ErrorResponse(change.status(), c.req.request_id);
  return Envelope("request", RequestJson(c, change->ticket));
}

}  // namespace

void RegisterRequestRoutes(Routes& r) {
  r.Get("/api/v2/requests", Access::kSignedIn,
        [](ApiContext& c) { return ListRequests(c, MineFilter(c)); });
  r.Get("/api/v2/requests/open", Access::kSignedIn, [](ApiContext& c) {
    auto f = MineFilter(c);
    f.statuses = {TicketStatus::kNew, TicketStatus::kOpen, TicketStatus::kPending,
                  TicketStatus::kHold};
    return ListRequests(c, f);
  });
  r.Get("/api/v2/requests/solved", Access::kSignedIn, [](ApiContext& c) {
    auto f = MineFilter(c);
    f.statuses = {TicketStatus::kSolved, TicketStatus::kClosed};
    return ListRequests(c, f);
  });
  r.Get("/api/v2/requests/ccd", Access::kSignedIn, [](ApiContext& c) {
    storage::TicketFilter f;
    f.cc_user_id = c.actor().user_id;
    return ListRequests(c, f);
  });
  r.Get("/api/v2/requests/search", Access::kSignedIn, SearchRequests);
  r.Get("/api/v2/requests/{id}", Access::kSignedIn, [](ApiContext& c) {
    auto id = PathId(c);
    if (!id.ok()) return ErrorResponse(id.status(), c.req.request_id);
    auto t = c.svc.tickets.Get(c.ctx, TicketId(*id));
    if (!t.ok()) return ErrorResponse(t.status(), c.req.request_id);
    json::object body{{"request", RequestJson(c, *t)}};
    SideLoad(c, body, {*t});
    return JsonResponse(200, body);
  });
  r.Post("/api/v2/requests", Access::kSignedIn, CreateRequest);
  r.Put("/api/v2/requests/{id}", Access::kSignedIn, UpdateRequest);
  r.Get("/api/v2/requests/{id}/comments", Access::kSignedIn, ListComments);
  r.Get("/api/v2/requests/{id}/comments/{comment_id}", Access::kSignedIn, ShowComment);
  r.Get("/api/v2/users/{id}/requests", Access::kSignedIn, [](ApiContext& c) {
    auto id = PathId(c);
    if (!id.ok()) return ErrorResponse(id.status(), c.req.request_id);
    if (!c.actor().is_staff() && c.actor().user_id.value != *id) {
      return ErrorResponse(PermissionDenied(), c.req.request_id);
    }
    if (auto u = c.svc.users.Get(c.ctx, UserId(*id)); !u.ok()) {
      return ErrorResponse(u.status(), c.req.request_id);
    }
    storage::TicketFilter f;
    f.requester_id = UserId(*id);
    return ListRequests(c, f);
  });
  r.Get("/api/v2/organizations/{id}/requests", Access::kSignedIn, [](ApiContext& c) {
    auto id = PathId(c);
    if (!id.ok()) return ErrorResponse(id.status(), c.req.request_id);
    if (auto o = c.svc.organizations.Get(c.ctx, OrganizationId(*id)); !o.ok()) {
      return ErrorResponse(o.status(), c.req.request_id);
    }
    storage::TicketFilter f;
    f.organization_id = OrganizationId(*id);
    return ListRequests(c, f);
  });
}

}  // namespace comptoir::api
