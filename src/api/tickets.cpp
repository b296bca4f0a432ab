// /api/v2/tickets: tickets, comments, audits, tags, deleted tickets, merges, bulk jobs.
#include <charconv>
#include <set>

#include "api_internal.hpp"

namespace comptoir::api {

namespace {

using services::TicketInput;

std::string Url(const ApiContext& c, std::string_view path, std::int64_t id) {
  return c.base_url + std::string(path) + std::to_string(id) + ".json";
}

json::object Via(const std::string& channel, const std::string& source) {
  json::value src =
      json::object{{"from", json::object{}}, {"to", json::object{}}, {"rel", nullptr}};
  if (!source.empty()) {
    boost::system::error_code ec;
    auto parsed = json::parse(source, ec);
    if (!ec) src = std::move(parsed);
  }
  return {{"channel", channel}, {"source", std::move(src)}};
}

json::array Ids(const std::vector<std::int64_t>& ids) {
  json::array a;
  for (auto id : ids) a.emplace_back(id);
  return a;
}

Result<std::vector<services::UserRef>> ParseUserRefs(const json::value& v, const char* field,
                                                     bool with_action) {
  std::vector<services::UserRef> out;
  if (!v.is_array()) return Invalid(field, "InvalidValue", std::string(field) + ": must be a list");
  for (const auto& e : v.get_array()) {
    services::UserRef r;
    if (e.is_int64()) {
      r.id = e.get_int64();
    } else if (e.is_string()) {
      r.email = std::string(e.get_string());
    } else if (e.is_object()) {
      const auto& o = e.get_object();
      if (const auto* id = o.if_contains("user_id"); id && id->is_int64()) r.id = id->get_int64();
      if (const auto* id = o.if_contains("id"); id && id->is_int64()) r.id = id->get_int64();
      for (const char* k : {"user_email", "email"}) {
        if (const auto* s = o.if_contains(k); s && s->is_string()) r.email = s->get_string();
      }
      for (const char* k : {"user_name", "name"}) {
        if (const auto* s = o.if_contains(k); s && s->is_string()) r.name = s->get_string();
      }
      if (with_action) {
        if (const auto* a = o.if_contains("action"); a && a->is_string()) {
          if (a->get_string() == "delete") {
            r.remove = true;
          } else if (a->get_string() != "put") {
            return Invalid(field, "InvalidValue",
                           std::string(field) + ": action must be put or delete");
          }
        }
      }
    } else {
      return Invalid(field, "InvalidValue",
                     std::string(field) + ": entries must be ids, emails or objects");
    }
    if (r.id == 0 && r.email.empty()) {
      return Invalid(field, "InvalidValue",
                     std::string(field) + ": each entry needs an id or an email");
    }
    out.push_back(std::move(r));
  }
  return out;
}

// Side-loads on ticket lists: users, groups, organizations, comment_count, slas,
// last_audits.
void SideLoad(ApiContext& c, json::object& body, json::array& tickets_json,
              const std::vector<domain::Ticket>& tickets) {
  if (Includes(c, "users")) {
    std::set<std::int64_t> ids;
    for (const auto& t : tickets) {
      for (auto id : {t.requester_id.value, t.submitter_id.value, t.assignee_id.value}) {
        if (id) ids.insert(id);
      }
      for (auto id : t.collaborator_ids) ids.insert(id);
      for (auto id : t.email_cc_ids) ids.insert(id);
      for (auto id : t.follower_ids) ids.insert(id);
    }
    std::vector<UserId> v;
    for (auto id : ids) v.emplace_back(id);
    json::array arr;
    if (auto users = c.svc.users.GetMany(c.ctx, v); users.ok()) {
      for (const auto& u : *users) arr.push_back(UserJson(c, u));
    }
    body["users"] = std::move(arr);
  }
  if (Includes(c, "groups") && c.actor().is_staff()) {
    std::set<std::int64_t> ids;
    for (const auto& t : tickets) {
      if (t.group_id) ids.insert(t.group_id.value);
    }
    json::array arr;
    (void)c.svc.env.store.Read([&](storage::Transaction& tx) {
      std::vector<GroupId> v;
      for (auto id : ids) v.emplace_back(id);
      if (auto gs = tx.groups().GetMany(c.ctx.account(), v); gs.ok()) {
        for (const auto& g : *gs) arr.push_back(GroupJson(c, g));
      }
      return Status::Ok();
    });
    body["groups"] = std::move(arr);
  }
  if (Includes(c, "organizations")) {
    std::vector<OrganizationId> v;
    std::set<std::int64_t> ids;
    for (const auto& t : tickets) {
      if (t.organization_id) ids.insert(t.organization_id.value);
    }
    for (auto id : ids) v.emplace_back(id);
    json::array arr;
    if (auto orgs = c.svc.organizations.GetMany(c.ctx, v); orgs.ok()) {
      for (const auto& o : *orgs) arr.push_back(OrganizationJson(c, o));
    }
    body["organizations"] = std::move(arr);
  }
  if (Includes(c, "comment_count")) {
    for (std::size_t i = 0; i < tickets.size(); ++i) {
      storage::PageRequest p;
      p.limit = 1;
      p.count = true;
      auto page = c.svc.tickets.Comments(c.ctx, tickets[i].id, p);
      tickets_json[i].as_object()["comment_count"] = page.ok() ? page->total : 0;
    }
  }
  if (Includes(c, "slas") && c.actor().is_staff()) {
    std::vector<TicketId> ids;
    for (const auto& t : tickets) ids.push_back(t.id);
    if (auto slas = c.svc.slas.MetricsOf(c.ctx, ids); slas.ok()) {
      for (std::size_t i = 0; i < slas->size() && i < tickets_json.size(); ++i) {
        tickets_json[i].as_object()["slas"] = SlasJson((*slas)[i].second, c.svc.env.clock.Now());
      }
    }
  }
  if (Includes(c, "last_audits") && c.actor().is_staff()) {
    json::array arr;
    for (const auto& t : tickets) {
      storage::PageRequest p;
      p.limit = 1;
      p.descending = true;
      auto page = c.svc.tickets.Audits(c.ctx, t.id, p);
      if (!page.ok() || page->items.empty()) continue;
      auto comments = c.svc.tickets.CommentsOfAudits(c.ctx, {page->items[0].id});
      arr.push_back(
          AuditJson(c, page->items[0], comments.ok() ? *comments : std::vector<domain::Comment>{}));
    }
    body["audits"] = std::move(arr);
  }
  if (Includes(c, "metric_sets")) body["metric_sets"] = MetricSetsOf(c, tickets);
}

http::Response TicketList(ApiContext& c, storage::TicketFilter f) {
  auto paging = ParsePaging(c);
  if (!paging.ok()) return ErrorResponse(paging.status(), c.req.request_id);
  if (const auto* sort = c.req.Query("sort_by")) {
    static const std::set<std::string> kSorts = {"id",     "created_at", "updated_at",
                                                 "status", "priority",   "subject"};
    if (!kSorts.contains(*sort)) {
      return ErrorResponse(InvalidArgument("sort_by must be one of id, created_at, updated_at, "
                                           "status, priority, subject"),
                           c.req.request_id);
    }
    f.sort_by = *sort;
  }
  if (const auto* ext = c.req.Query("external_id")) f.external_id = *ext;
  auto page = c.svc.tickets.List(c.ctx, f, paging->req);
  if (!page.ok()) return ErrorResponse(page.status(), c.req.request_id);
  json::array items;
  for (const auto& t : page->items) items.push_back(TicketJson(c, t));
  json::object body;
  SideLoad(c, body, items, page->items);
  body["tickets"] = std::move(items);
  std::int64_t first = page->items.empty() ? 0 : page->items.front().id.value;
  std::int64_t last = page->items.empty() ? 0 : page->items.back().id.value;
  AddPagination(body, c, *paging, page->has_more, page->has_before, page->total, first, last);
  return JsonResponse(200, body);
}

http::Response ChangeResponse(ApiContext& c, const services::TicketChange& ch, unsigned status) {
  std::vector<AuditId> ids{ch.audit.id};
  auto comments = c.svc.tickets.CommentsOfAudits(c.ctx, ids);
  json::object body{
      {"ticket", TicketJson(c, ch.ticket)},
      {"audit",
       AuditJson(c, ch.audit, comments.ok() ? *comments : std::vector<domain::Comment>{})}};
  http::Response r = JsonResponse(status, body);
  if (status == 201) r.Header("Location", Url(c, "/tickets/", ch.ticket.id.value));
  return r;
}

Result<TicketId> TicketParam(const ApiContext& c, std::string_view name = "id") {
  auto id = PathId(c, name);
  if (!id.ok()) return id.status();
  return TicketId(*id);
}

json::object TicketResult(const Result<services::TicketChange>& r, int index, const char* action,
                          const char* status) {
  if (!r.ok()) return ItemError(index, r.status());
  json::object o{
      {"id", r->ticket.id.value}, {"index", index}, {"success", true}, {"status", status}};
  if (std::string_view(action) != "create") o["action"] = action;
  return o;
}

http::Response UsersOf(ApiContext& c, const std::vector<std::int64_t>& ids) {
  std::vector<UserId> v;
  for (auto id : ids) v.emplace_back(id);
  auto users = c.svc.users.GetMany(c.ctx, v);
  if (!users.ok()) return ErrorResponse(users.status(), c.req.request_id);
  json::array arr;
  for (const auto& u : *users) arr.push_back(UserJson(c, u));
  std::size_t n = arr.size();
  return JsonResponse(200, json::object{{"users", std::move(arr)},
                                        {"next_page", nullptr},
                                        {"previous_page", nullptr},
                                        {"count", n}});
}

}  // namespace

void TicketSideLoads(ApiContext& c, json::object& body, json::array& tickets_json,
                     const std::vector<domain::Ticket>& tickets) {
  SideLoad(c, body, tickets_json, tickets);
}

Result<services::CommentInput> ParseCommentInput(const json::value& v) {
  services::CommentInput c;
  if (v.is_string()) {
    c.body = std::string(v.get_string());
    return c;
  }
  if (!v.is_object()) return Invalid("comment", "InvalidValue", "Comment: must be an object");
  Validation val;
  Reader r(v.get_object(), val);
  c.body = r.String("body", false);
  if (!c.body) c.body = r.String("value", false);  // Zendesk's older name
  c.html_body = r.String("html_body", false);
  c.is_public = r.Bool("public");
  if (auto a = r.Int("author_id")) c.author_id = *a;
  if (auto ups = r.Strings("uploads")) c.uploads = *ups;
  if (auto m = r.Object("metadata")) c.metadata = *m;
  COMPTOIR_RETURN_IF_ERROR(val.Finish());
  return c;
}

Result<TicketInput> ParseTicketInput(const json::object& o) {
  Validation v;
  Reader r(o, v);
  TicketInput in;
  in.subject = r.String("subject");
  in.raw_subject = r.String("raw_subject", false);
  in.external_id = r.String("external_id");
  in.recipient = r.String("recipient");
  in.status = r.String("status", false);
  in.priority = r.String("priority");
  in.type = r.String("type");
  in.assignee_email = r.String("assignee_email", false);
  in.requester_id = r.Int("requester_id", false);
  in.submitter_id = r.Int("submitter_id", false);
  in.assignee_id = r.Int("assignee_id");
  in.group_id = r.Int("group_id");
  in.organization_id = r.Int("organization_id");
  in.brand_id = r.Int("brand_id");
  in.ticket_form_id = r.Int("ticket_form_id");
  in.problem_id = r.Int("problem_id");
  in.tags = r.Strings("tags");
  if (auto t = r.Strings("additional_tags")) in.additional_tags = *t;
  if (auto t = r.Strings("remove_tags")) in.remove_tags = *t;
  for (const char* key : {"custom_fields", "fields"}) {
    if (const auto* cf = r.Raw(key)) {
      if (!cf->is_array()) {
        v.Add("custom_fields", "InvalidValue", "Custom fields: must be a list of {id, value}");
      } else {
        in.custom_fields = cf->get_array();
      }
    }
  }
  if (const auto* due = r.Raw("due_at")) {
    if (due->is_null()) {
      in.due_at = 0;
    } else if (!due->is_string() || !ParseIso8601(due->get_string())) {
      v.Add("due_at", "InvalidValue", "Due date: must be an ISO-8601 time");
    } else {
      in.due_at = *ParseIso8601(due->get_string());
    }
  }
  if (auto req = r.Object("requester")) {
    Reader rr(*req, v);
    services::RequesterInput ri;
    ri.name = rr.String("name").value_or("");
    ri.email = rr.String("email").value_or("");
    ri.locale = rr.String("locale").value_or("");
    if (ri.email.empty()) v.Add("requester", "BlankValue", "Requester: email is required");
    in.requester = ri;
  }
  auto refs = [&](const char* key, bool action) -> std::optional<std::vector<services::UserRef>> {
    const auto* raw = r.Raw(key);
    if (!raw || raw->is_null()) return std::nullopt;
    auto parsed = ParseUserRefs(*raw, key, action);
    if (!parsed.ok()) {
      for (const auto& d : parsed.status().details()) v.Add(d.field, d.error, d.description);
      return std::nullopt;
    }
    return *parsed;
  };
  if (auto c = refs("collaborator_ids", false)) in.collaborators = *c;
  if (auto c = refs("collaborators", false)) in.collaborators = *c;
  if (auto c = refs("additional_collaborators", false)) in.additional_collaborators = *c;
  if (auto c = refs("email_ccs", true)) in.email_ccs = *c;
  if (auto c = refs("followers", true)) in.followers = *c;
  if (const auto* c = r.Raw("comment")) {
    auto ci = ParseCommentInput(*c);
    if (!ci.ok()) {
      for (const auto& d : ci.status().details()) v.Add(d.field, d.error, d.description);
    } else {
      in.comment = *ci;
    }
  } else if (auto desc = r.String("description", false)) {
    services::CommentInput ci;
    ci.body = *desc;
    in.comment = ci;
  }
  if (auto su = r.Bool("safe_update")) in.safe_update = *su;
  if (auto stamp = r.String("updated_stamp", false)) in.updated_stamp = *stamp;
  if (auto meta = r.Object("metadata")) in.metadata = *meta;
  COMPTOIR_RETURN_IF_ERROR(v.Finish());
  return in;
}

namespace {

// The ticket's fields, in order, given to a sink: the one list behind both the JSON
// document (TicketJson) and the text written straight into a response (AppendTicketJson).
// `deleted_status`: a deleted ticket's status reads "deleted" (incremental exports).
template <typename Sink>
void TicketFields(const ApiContext& c, const domain::Ticket& t, bool deleted_status, Sink& w) {
  w.Int("id", t.id.value);
  w.Str("url", Url(c, "/tickets/", t.id.value));
  w.StrOrNull("external_id", t.external_id);
  w.Value("via", Via(t.via_channel, t.via_source));
  w.Str("created_at", Iso(t.created_at));
  w.Str("updated_at", Iso(t.updated_at));
  w.Int("generated_timestamp", t.generated_timestamp ? t.generated_timestamp : t.updated_at);
  w.StrOrNull("type", domain::TypeName(t.type));
  w.Str("subject", t.subject);
  w.Str("raw_subject", t.raw_subject.empty() ? t.subject : t.raw_subject);
  w.Str("description", t.description);
  w.StrOrNull("priority", domain::PriorityName(t.priority));
  w.Str("status", deleted_status && t.deleted_at != 0
                      ? std::string_view("deleted")
                      : std::string_view(domain::StatusName(t.status)));
  w.Null("custom_status_id");
  w.StrOrNull("recipient", t.recipient);
  w.Int("requester_id", t.requester_id.value);
  w.Int("submitter_id", t.submitter_id.value);
  w.IdOrNull("assignee_id", t.assignee_id.value);
  w.IdOrNull("organization_id", t.organization_id.value);
  w.IdOrNull("group_id", t.group_id.value);
  w.Ids("collaborator_ids", t.collaborator_ids);
  w.Ids("follower_ids", t.follower_ids);
  w.Ids("email_cc_ids", t.email_cc_ids);
  w.Null("forum_topic_id");
  w.IdOrNull("problem_id", t.problem_id.value);
  w.Bool("has_incidents", t.has_incidents);
  w.Bool("is_public", t.is_public);
  if (t.due_at == 0) {
    w.Null("due_at");
  } else {
    w.Str("due_at", Iso(t.due_at));
  }
  w.Strings("tags", t.tags);
  w.Array("custom_fields", t.custom_fields);
  w.Array("fields", t.custom_fields);
  w.Null("satisfaction_rating");
  w.Array("sharing_agreement_ids", {});
  w.Array("followup_ids", {});
  w.IdOrNull("ticket_form_id", t.ticket_form_id.value);
  w.IdOrNull("brand_id", t.brand_id);
  w.Bool("allow_channelback", false);
  w.Bool("allow_attachments", true);
  w.Bool("from_messaging_channel", false);
}

// Builds the JSON document.
struct DomSink {
  json::object o;
  void Int(std::string_view k, std::int64_t v) { o[k] = v; }
  void Bool(std::string_view k, bool v) { o[k] = v; }
  void Null(std::string_view k) { o[k] = nullptr; }
  void Str(std::string_view k, std::string_view v) { o[k] = v; }
  void StrOrNull(std::string_view k, std::string_view v) {
    o[k] = v.empty() ? json::value(nullptr) : json::value(v);
  }
  void IdOrNull(std::string_view k, std::int64_t v) { o[k] = api::IdOrNull(v); }
  void Ids(std::string_view k, const std::vector<std::int64_t>& v) { o[k] = api::Ids(v); }
  void Strings(std::string_view k, const std::vector<std::string>& v) { o[k] = StringArray(v); }
  void Array(std::string_view k, const json::array& v) { o[k] = v; }
  void Value(std::string_view k, json::value v) { o[k] = std::move(v); }
};

// Appends the serialised JSON (the same text json::serialize gives for the document).
struct TextSink {
  std::string& out;
  bool first = true;
  void Key(std::string_view k) {
    out += first ? "{\"" : ",\"";
    first = false;
    out += k;  // the keys above are plain ASCII
    out += "\":";
  }
  void Int(std::string_view k, std::int64_t v) {
    Key(k);
    char buf[24];
    auto r = std::to_chars(buf, buf + sizeof buf, v);
    out.append(buf, r.ptr);
  }
  void Bool(std::string_view k, bool v) {
    Key(k);
    out += v ? "true" : "false";
  }
  void Null(std::string_view k) {
    Key(k);
    out += "null";
  }
  void Quoted(std::string_view v) {
    for (unsigned char ch : v) {
      if (ch < 0x20 || ch == '"' || ch == '\\') {
        out += json::serialize(json::string_view(v.data(), v.size()));
        return;
      }
    }
    out += '"';
    out += v;
    out += '"';
  }
  void Str(std::string_view k, std::string_view v) {
    Key(k);
    Quoted(v);
  }
  void StrOrNull(std::string_view k, std::string_view v) {
    if (v.empty()) return Null(k);
    Str(k, v);
  }
  void IdOrNull(std::string_view k, std::int64_t v) {
    if (v == 0) return Null(k);
    Int(k, v);
  }
  void Ids(std::string_view k, const std::vector<std::int64_t>& v) {
    Key(k);
    out += '[';
    char buf[24];
    for (std::size_t i = 0; i < v.size(); ++i) {
      if (i) out += ',';
      auto r = std::to_chars(buf, buf + sizeof buf, v[i]);
      out.append(buf, r.ptr);
    }
    out += ']';
  }
  void Strings(std::string_view k, const std::vector<std::string>& v) {
    Key(k);
    out += '[';
    for (std::size_t i = 0; i < v.size(); ++i) {
      if (i) out += ',';
      Quoted(v[i]);
    }
    out += ']';
  }
  void Array(std::string_view k, const json::array& v) {
    Key(k);
    out += v.empty() ? std::string_view("[]") : std::string_view(json::serialize(v));
  }
  void Value(std::string_view k, const json::value& v) {
    Key(k);
    out += json::serialize(v);
  }
};

}  // namespace

json::object TicketJson(const ApiContext& c, const domain::Ticket& t, bool deleted_status) {
  DomSink w;
  w.o.reserve(40);
  TicketFields(c, t, deleted_status, w);
  return std::move(w.o);
}

json::object TicketJson(const ApiContext& c, const domain::Ticket& t) {
  return TicketJson(c, t, false);
}

void AppendTicketJson(std::string& out, const ApiContext& c, const domain::Ticket& t,
                      bool deleted_status) {
  TextSink w{out};
  TicketFields(c, t, deleted_status, w);
  out += '}';
}

json::object CommentJson(const ApiContext& c, const domain::Comment& cm,
                         const std::vector<domain::Attachment>& attachments) {
  json::array files;
  for (const auto& a : attachments) {
    if (a.comment_id == cm.id) files.push_back(AttachmentJson(c, a));
  }
  json::value meta = json::object{};
  if (!cm.metadata.empty()) {
    boost::system::error_code ec;
    auto parsed = json::parse(cm.metadata, ec);
    if (!ec) meta = std::move(parsed);
  }
  return {{"id", cm.id.value},
          {"type", "Comment"},
          {"author_id", cm.author_id.value},
          {"body", cm.body},
          {"html_body", cm.html_body},
          {"plain_body", cm.plain_body},
          {"public", cm.is_public},
          {"attachments", std::move(files)},
          {"audit_id", cm.audit_id.value},
          {"via", Via(cm.via_channel, "")},
          {"created_at", Iso(cm.created_at)},
          {"metadata", std::move(meta)}};
}

json::object AuditJson(const ApiContext& c, const domain::Audit& a,
                       const std::vector<domain::Comment>& comments) {
  json::array events;
  std::int64_t n = 0;
  for (const auto& e : a.events) {
    if (!e.is_object()) continue;
    json::object ev = e.as_object();
    ev["id"] = a.id.value * 1000 + n++;  // stable: the audit id and the event's place
    if (ev["type"] == "Comment") {
      std::int64_t cid = ev.contains("comment_id") ? ev["comment_id"].as_int64() : 0;
      auto it = std::find_if(comments.begin(), comments.end(),
                             [&](const auto& cm) { return cm.id.value == cid; });
      if (it == comments.end()) continue;  // not visible to the caller
      json::object cj = CommentJson(c, *it, {});
      for (auto& [k, v] : cj) {
        if (k != "id") ev[k] = v;
      }
      ev.erase("comment_id");
      ev["id"] = cid;
    }
    events.push_back(std::move(ev));
  }
  json::value meta = json::object{};
  if (!a.metadata.empty()) {
    boost::system::error_code ec;
    auto parsed = json::parse(a.metadata, ec);
    if (!ec) meta = std::move(parsed);
  }
  return {{"id", a.id.value},
          {"ticket_id", a.ticket_id.value},
          {"created_at", Iso(a.created_at)},
          {"author_id", a.author_id.value},
          {"metadata", std::move(meta)},
          {"via", Via(a.via_channel, a.via_source)},
          {"events", std::move(events)}};
}

void RegisterTicketRoutes(Routes& r) {
  r.Get("/api/v2/tickets", Access::kStaff, [](ApiContext& c) { return TicketList(c, {}); });
  r.Get("/api/v2/tickets/recent", Access::kStaff, [](ApiContext& c) {
    storage::TicketFilter f;
    f.updated_since = c.svc.env.clock.Now() - 7 * 86400;
    return TicketList(c, f);
  });
  r.Get("/api/v2/tickets/count", Access::kStaff, [](ApiContext& c) {
    auto n = c.svc.tickets.Count(c.ctx, {});
    if (!n.ok()) return ErrorResponse(n.status(), c.req.request_id);
    return CountResponse(c, *n);
  });
  r.Get("/api/v2/tickets/show_many", Access::kStaff, [](ApiContext& c) {
    const auto* ids = c.req.Query("ids");
    if (!ids) return ErrorResponse(InvalidArgument("ids is required"), c.req.request_id);
    auto list = IdList(*ids);
    if (!list.ok()) return ErrorResponse(list.status(), c.req.request_id);
    std::vector<TicketId> v;
    for (auto id : *list) v.emplace_back(id);
    auto tickets = c.svc.tickets.GetMany(c.ctx, v);
    if (!tickets.ok()) return ErrorResponse(tickets.status(), c.req.request_id);
    json::array items;
    for (const auto& t : *tickets) items.push_back(TicketJson(c, t));
    json::object body;
    SideLoad(c, body, items, *tickets);
    std::size_t n = items.size();
    body["tickets"] = std::move(items);
    body["next_page"] = nullptr;
    body["previous_page"] = nullptr;
    body["count"] = n;
    return JsonResponse(200, body);
  });
  // Lists of a user's, organisation's, group's or problem ticket's tickets: 404 when that
  // record is unknown (in this account).
  auto by = [](std::string_view param, auto set) {
    return [param = std::string(param), set](ApiContext& c) {
      auto id = PathId(c, param);
      if (!id.ok()) return ErrorResponse(id.status(), c.req.request_id);
      Status exists = Status::Ok();
      const std::string_view path = c.req.path;
      if (path.starts_with("/api/v2/users/")) {
        exists = c.svc.users.Get(c.ctx, UserId(*id)).status();
      } else if (path.starts_with("/api/v2/organizations/")) {
        auto orgs = c.svc.organizations.GetMany(c.ctx, {OrganizationId(*id)});
        if (!orgs.ok() || orgs->empty()) exists = NotFound();
      } else if (path.starts_with("/api/v2/groups/")) {
        exists = c.svc.env.store.Read([&](storage::Transaction& tx) {
          return tx.groups().Get(c.ctx.account(), GroupId(*id)).status();
        });
      } else if (path.starts_with("/api/v2/tickets/")) {
        exists = c.svc.tickets.Get(c.ctx, TicketId(*id)).status();
      }
      if (!exists.ok()) return ErrorResponse(exists, c.req.request_id);
      storage::TicketFilter f;
      set(f, *id);
      return TicketList(c, f);
    };
  };
  r.Get("/api/v2/users/{id}/tickets/requested", Access::kStaff,
        by("id", [](storage::TicketFilter& f, std::int64_t id) { f.requester_id = UserId(id); }));
  r.Get("/api/v2/users/{id}/tickets/assigned", Access::kStaff,
        by("id", [](storage::TicketFilter& f, std::int64_t id) { f.assignee_id = UserId(id); }));
  r.Get("/api/v2/users/{id}/tickets/ccd", Access::kStaff,
        by("id", [](storage::TicketFilter& f, std::int64_t id) { f.cc_user_id = UserId(id); }));
  r.Get("/api/v2/organizations/{id}/tickets", Access::kStaff,
        by("id", [](storage::TicketFilter& f, std::int64_t id) {
          f.organization_id = OrganizationId(id);
        }));
  r.Get("/api/v2/groups/{id}/tickets", Access::kStaff,
        by("id", [](storage::TicketFilter& f, std::int64_t id) { f.group_id = GroupId(id); }));

  r.Get("/api/v2/tickets/{id}", Access::kStaff, [](ApiContext& c) {
    auto id = TicketParam(c);
    if (!id.ok()) return ErrorResponse(id.status(), c.req.request_id);
    auto t = c.svc.tickets.Get(c.ctx, *id);
    if (!t.ok()) return ErrorResponse(t.status(), c.req.request_id);
    json::array items{TicketJson(c, *t)};
    json::object body;
    SideLoad(c, body, items, {*t});
    body["ticket"] = std::move(items[0]);
    return JsonResponse(200, body);
  });

  r.Post("/api/v2/tickets", Access::kStaff, [](ApiContext& c) {
    auto body = ParseEnvelope(c, "ticket");
    if (!body.ok()) return ErrorResponse(body.status(), c.req.request_id);
    auto in = ParseTicketInput(*body);
    if (!in.ok()) return ErrorResponse(in.status(), c.req.request_id);
    auto ch = c.svc.tickets.Create(c.ctx, *in);
    if (!ch.ok()) return ErrorResponse(ch.status(), c.req.request_id);
    return ChangeResponse(c, *ch, 201);
  });

  r.Put("/api/v2/tickets/{id}", Access::kStaff, [](ApiContext& c) {
    auto id = TicketParam(c);
    if (!id.ok()) return ErrorResponse(id.status(), c.req.request_id);
    auto body = ParseEnvelope(c, "ticket");
    if (!body.ok()) return ErrorResponse(body.status(), c.req.request_id);
    auto in = ParseTicketInput(*body);
    if (!in.ok()) return ErrorResponse(in.status(), c.req.request_id);
    auto ch = c.svc.tickets.Update(c.ctx, *id, *in);
    if (!ch.ok()) return ErrorResponse(ch.status(), c.req.request_id);
    return ChangeResponse(c, *ch, 200);
  });

  r.Delete("/api/v2/tickets/{id}", Access::kStaff, [](ApiContext& c) {
    auto id = TicketParam(c);
    if (!id.ok()) return ErrorResponse(id.status(), c.req.request_id);
    Status st = c.svc.tickets.Delete(c.ctx, *id);
    if (!st.ok()) return ErrorResponse(st, c.req.request_id);
    return NoContent();
  });

  // Bulk: jobs through the same service.
  r.Post("/api/v2/tickets/create_many", Access::kStaff, [](ApiContext& c) {
    auto body = ParseBody(c);
    if (!body.ok()) return ErrorResponse(body.status(), c.req.request_id);
    const auto* list = body->if_contains("tickets");
    if (!list || !list->is_array()) {
      return ErrorResponse(InvalidArgument("tickets must be a list"), c.req.request_id);
    }
    return EnqueueJob(c, "tickets.create_many", list->get_array());
  });
  r.Put("/api/v2/tickets/update_many", Access::kStaff, [](ApiContext& c) {
    auto body = ParseBody(c);
    if (!body.ok()) return ErrorResponse(body.status(), c.req.request_id);
    if (c.req.Query("ids")) {
      const auto* t = body->if_contains("ticket");
      if (!t || !t->is_object()) {
        return ErrorResponse(InvalidArgument("ticket must be an object"), c.req.request_id);
      }
      auto items = TargetItems(c, t->get_object());
      if (!items.ok()) return ErrorResponse(items.status(), c.req.request_id);
      return EnqueueJob(c, "tickets.update_many", std::move(items).value());
    }
    const auto* list = body->if_contains("tickets");
    if (!list || !list->is_array()) {
      return ErrorResponse(InvalidArgument("ids with ticket, or tickets, is required"),
                           c.req.request_id);
    }
    return EnqueueJob(c, "tickets.update_many", list->get_array());
  });
  r.Delete("/api/v2/tickets/destroy_many", Access::kStaff, [](ApiContext& c) {
    if (!c.req.Query("ids")) {
      return ErrorResponse(InvalidArgument("ids is required"), c.req.request_id);
    }
    auto items = TargetItems(c, {});
    if (!items.ok()) return ErrorResponse(items.status(), c.req.request_id);
    return EnqueueJob(c, "tickets.destroy_many", std::move(items).value());
  });
  r.Post("/api/v2/tickets/{id}/merge", Access::kStaff, [](ApiContext& c) {
    auto id = TicketParam(c);
    if (!id.ok()) return ErrorResponse(id.status(), c.req.request_id);
    auto body = ParseBody(c);
    if (!body.ok()) return ErrorResponse(body.status(), c.req.request_id);
    if (!c.svc.tickets.Get(c.ctx, *id).ok()) {
      return ErrorResponse(NotFound(), c.req.request_id);
    }
    json::object item = *body;
    item["target_id"] = id->value;
    return EnqueueJob(c, "tickets.merge", json::array{std::move(item)});
  });

  // Tags.
  auto tags = [](services::TicketService::TagOp op, bool read_only) {
    return [op, read_only](ApiContext& c) {
      auto id = TicketParam(c);
      if (!id.ok()) return ErrorResponse(id.status(), c.req.request_id);
      if (read_only) {
        auto t = c.svc.tickets.Get(c.ctx, *id);
        if (!t.ok()) return ErrorResponse(t.status(), c.req.request_id);
        return Envelope("tags", StringArray(t->tags));
      }
      auto tags_in = ParseTagRequest(c);
      if (!tags_in.ok()) return ErrorResponse(tags_in.status(), c.req.request_id);
      auto result = c.svc.tickets.ChangeTags(c.ctx, *id, op, tags_in->tags, tags_in->updated_stamp);
      if (!result.ok()) return ErrorResponse(result.status(), c.req.request_id);
      return Envelope("tags", StringArray(*result));
    };
  };
  using Op = services::TicketService::TagOp;
  r.Get("/api/v2/tickets/{id}/tags", Access::kStaff, tags(Op::kSet, true));
  r.Post("/api/v2/tickets/{id}/tags", Access::kStaff, tags(Op::kSet, false));
  r.Put("/api/v2/tickets/{id}/tags", Access::kStaff, tags(Op::kAdd, false));
  r.Delete("/api/v2/tickets/{id}/tags", Access::kStaff, tags(Op::kRemove, false));
  r.Get("/api/v2/tags", Access::kStaff, [](ApiContext& c) {
    auto counts = c.svc.tickets.TagCounts(c.ctx, 20000);
    if (!counts.ok()) return ErrorResponse(counts.status(), c.req.request_id);
    json::array arr;
    for (const auto& [name, n] : *counts) arr.push_back(json::object{{"name", name}, {"count", n}});
    std::size_t total = arr.size();
    return JsonResponse(200, json::object{{"tags", std::move(arr)},
                                          {"next_page", nullptr},
                                          {"previous_page", nullptr},
                                          {"count", total}});
  });
  r.Get("/api/v2/tags/count", Access::kStaff, [](ApiContext& c) {
    auto counts = c.svc.tickets.TagCounts(c.ctx, 20000);
    if (!counts.ok()) return ErrorResponse(counts.status(), c.req.request_id);
    return CountResponse(c, static_cast<std::int64_t>(counts->size()));
  });

  // People around a ticket.
  auto people = [](int which) {
    return [which](ApiContext& c) {
      auto id = TicketParam(c);
      if (!id.ok()) return ErrorResponse(id.status(), c.req.request_id);
      auto t = c.svc.tickets.Get(c.ctx, *id);
      if (!t.ok()) return ErrorResponse(t.status(), c.req.request_id);
      return UsersOf(c, which == 0   ? t->collaborator_ids
                        : which == 1 ? t->email_cc_ids
                                     : t->follower_ids);
    };
  };
  r.Get("/api/v2/tickets/{id}/collaborators", Access::kStaff, people(0));
  r.Get("/api/v2/tickets/{id}/email_ccs", Access::kStaff, people(1));
  r.Get("/api/v2/tickets/{id}/followers", Access::kStaff, people(2));
  r.Get("/api/v2/tickets/{id}/incidents", Access::kStaff,
        by("id", [](storage::TicketFilter& f, std::int64_t id) { f.problem_id = TicketId(id); }));

  // Comments.
  r.Get("/api/v2/tickets/{id}/comments", Access::kStaff, [](ApiContext& c) {
    auto id = TicketParam(c);
    if (!id.ok()) return ErrorResponse(id.status(), c.req.request_id);
    auto paging = ParsePaging(c);
    if (!paging.ok()) return ErrorResponse(paging.status(), c.req.request_id);
    if (const auto* sort = c.req.Query("sort")) paging->req.descending = *sort == "-created_at";
    auto page = c.svc.tickets.Comments(c.ctx, *id, paging->req);
    if (!page.ok()) return ErrorResponse(page.status(), c.req.request_id);
    std::vector<CommentId> ids;
    for (const auto& cm : page->items) ids.push_back(cm.id);
    auto files = c.svc.tickets.AttachmentsOf(c.ctx, ids);
    std::vector<domain::Attachment> attachments =
        files.ok() ? *files : std::vector<domain::Attachment>{};
    return ListResponse(
        c, "comments", *paging, *page,
        [&](const domain::Comment& cm) { return CommentJson(c, cm, attachments); },
        [&](json::object& body) {
          if (!Includes(c, "users")) return;
          std::set<std::int64_t> authors;
          for (const auto& cm : page->items) authors.insert(cm.author_id.value);
          std::vector<UserId> v;
          for (auto a : authors) v.emplace_back(a);
          json::array arr;
          if (auto users = c.svc.users.GetMany(c.ctx, v); users.ok()) {
            for (const auto& u : *users) arr.push_back(UserJson(c, u));
          }
          body["users"] = std::move(arr);
        });
  });
  r.Get("/api/v2/tickets/{id}/comments/count", Access::kStaff, [](ApiContext& c) {
    auto id = TicketParam(c);
    if (!id.ok()) return ErrorResponse(id.status(), c.req.request_id);
    storage::PageRequest p;
    p.limit = 1;
    p.count = true;
    auto page = c.svc.tickets.Comments(c.ctx, *id, p);
    if (!page.ok()) return ErrorResponse(page.status(), c.req.request_id);
    return CountResponse(c, page->total);
  });
  r.Put("/api/v2/tickets/{ticket_id}/comments/{id}/make_private", Access::kStaff,
        [](ApiContext& c) {
          auto tid = TicketParam(c, "ticket_id");
          auto cid = PathId(c);
          if (!tid.ok() || !cid.ok()) return ErrorResponse(NotFound(), c.req.request_id);
          Status st = c.svc.tickets.MakePrivate(c.ctx, *tid, CommentId(*cid));
          if (!st.ok()) return ErrorResponse(st, c.req.request_id);
          return JsonResponse(200, json::object{});
        });
  r.Put("/api/v2/tickets/{ticket_id}/comments/{id}/redact", Access::kStaff, [](ApiContext& c) {
    auto tid = TicketParam(c, "ticket_id");
    auto cid = PathId(c);
    if (!tid.ok() || !cid.ok()) return ErrorResponse(NotFound(), c.req.request_id);
    auto body = ParseBody(c);
    if (!body.ok()) return ErrorResponse(body.status(), c.req.request_id);
    Validation v;
    Reader rd(*body, v);
    std::string text = rd.String("text").value_or("");
    if (!v.empty()) return ErrorResponse(v.Finish(), c.req.request_id);
    auto cm = c.svc.tickets.Redact(c.ctx, *tid, CommentId(*cid), text);
    if (!cm.ok()) return ErrorResponse(cm.status(), c.req.request_id);
    auto files = c.svc.tickets.AttachmentsOf(c.ctx, {cm->id});
    return Envelope("comment",
                    CommentJson(c, *cm, files.ok() ? *files : std::vector<domain::Attachment>{}));
  });

  // Audits.
  auto audit_list = [](ApiContext& c, Result<storage::Page<domain::Audit>> page,
                       const Paging& paging) {
    if (!page.ok()) return ErrorResponse(page.status(), c.req.request_id);
    std::vector<AuditId> ids;
    for (const auto& a : page->items) ids.push_back(a.id);
    auto comments = c.svc.tickets.CommentsOfAudits(c.ctx, ids);
    std::vector<domain::Comment> cms = comments.ok() ? *comments : std::vector<domain::Comment>{};
    return ListResponse(c, "audits", paging, *page,
                        [&](const domain::Audit& a) { return AuditJson(c, a, cms); });
  };
  r.Get("/api/v2/tickets/{id}/audits", Access::kStaff, [audit_list](ApiContext& c) {
    auto id = TicketParam(c);
    if (!id.ok()) return ErrorResponse(id.status(), c.req.request_id);
    auto paging = ParsePaging(c);
    if (!paging.ok()) return ErrorResponse(paging.status(), c.req.request_id);
    return audit_list(c, c.svc.tickets.Audits(c.ctx, *id, paging->req), *paging);
  });
  r.Get("/api/v2/tickets/{id}/audits/count", Access::kStaff, [](ApiContext& c) {
    auto id = TicketParam(c);
    if (!id.ok()) return ErrorResponse(id.status(), c.req.request_id);
    storage::PageRequest p;
    p.limit = 1;
    p.count = true;
    auto page = c.svc.tickets.Audits(c.ctx, *id, p);
    if (!page.ok()) return ErrorResponse(page.status(), c.req.request_id);
    return CountResponse(c, page->total);
  });
  r.Get("/api/v2/tickets/{ticket_id}/audits/{id}", Access::kStaff, [](ApiContext& c) {
    auto tid = TicketParam(c, "ticket_id");
    auto aid = PathId(c);
    if (!tid.ok() || !aid.ok()) return ErrorResponse(NotFound(), c.req.request_id);
    auto a = c.svc.tickets.GetAudit(c.ctx, *tid, AuditId(*aid));
    if (!a.ok()) return ErrorResponse(a.status(), c.req.request_id);
    auto comments = c.svc.tickets.CommentsOfAudits(c.ctx, {a->id});
    return Envelope("audit",
                    AuditJson(c, *a, comments.ok() ? *comments : std::vector<domain::Comment>{}));
  });
  r.Get("/api/v2/ticket_audits", Access::kAdmin, [audit_list](ApiContext& c) {
    auto paging = ParsePaging(c);
    if (!paging.ok()) return ErrorResponse(paging.status(), c.req.request_id);
    if (!paging->cursor) {
      paging->cursor = true;
      paging->req.cursor = true;
      paging->req.count = false;
      paging->req.descending = true;
    }
    return audit_list(c, c.svc.tickets.AllAudits(c.ctx, paging->req), *paging);
  });

  // Deleted tickets.
  r.Get("/api/v2/deleted_tickets", Access::kStaff, [](ApiContext& c) {
    auto paging = ParsePaging(c);
    if (!paging.ok()) return ErrorResponse(paging.status(), c.req.request_id);
    storage::TicketFilter f;
    f.deleted = true;
    auto page = c.svc.tickets.List(c.ctx, f, paging->req);
    if (!page.ok()) return ErrorResponse(page.status(), c.req.request_id);
    return ListResponse(c, "deleted_tickets", *paging, *page, [&](const domain::Ticket& t) {
      return json::object{{"id", t.id.value},
                          {"subject", t.subject},
                          {"description", t.description},
                          {"actor", nullptr},
                          {"previous_state", domain::StatusName(t.status)},
                          {"deleted_at", Iso(t.deleted_at)}};
    });
  });
  r.Put("/api/v2/deleted_tickets/{id}/restore", Access::kStaff, [](ApiContext& c) {
    auto id = TicketParam(c);
    if (!id.ok()) return ErrorResponse(id.status(), c.req.request_id);
    auto t = c.svc.tickets.Restore(c.ctx, *id);
    if (!t.ok()) return ErrorResponse(t.status(), c.req.request_id);
    return JsonResponse(200, json::object{});
  });
  r.Put("/api/v2/deleted_tickets/restore_many", Access::kStaff, [](ApiContext& c) {
    const auto* ids = c.req.Query("ids");
    if (!ids) return ErrorResponse(InvalidArgument("ids is required"), c.req.request_id);
    auto list = IdList(*ids);
    if (!list.ok()) return ErrorResponse(list.status(), c.req.request_id);
    for (auto id : *list) {
      auto t = c.svc.tickets.Restore(c.ctx, TicketId(id));
      if (!t.ok()) return ErrorResponse(t.status(), c.req.request_id);
    }
    return JsonResponse(200, json::object{});
  });
  r.Delete("/api/v2/deleted_tickets/{id}", Access::kAdmin, [](ApiContext& c) {
    auto id = TicketParam(c);
    if (!id.ok()) return ErrorResponse(id.status(), c.req.request_id);
    Status st = c.svc.tickets.DeletePermanently(c.ctx, *id);
    if (!st.ok()) return ErrorResponse(st, c.req.request_id);
    return NoContent();
  });
}

void RegisterTicketJobs(services::Services& svc) {
  svc.jobs.Register("tickets.create_many",
                    [&svc](const services::Context& ctx, const json::value& item, int index) {
                      if (!item.is_object())
                        return ItemError(index, InvalidArgument("each ticket must be an object"));
                      auto in = ParseTicketInput(item.get_object());
                      if (!in.ok()) return ItemError(index, in.status());
                      return TicketResult(svc.tickets.Create(ctx, *in), index, "create", "Created");
                    });
  svc.jobs.Register("tickets.update_many", [&svc](const services::Context& ctx,
                                                  const json::value& item, int index) {
    if (!item.is_object())
      return ItemError(index, InvalidArgument("each ticket must be an object"));
    json::object o = item.get_object();
    const auto* id = o.if_contains("id");
    if (!id || !id->is_int64())
      return ItemError(index, Invalid("id", "BlankValue", "id is required"));
    TicketId tid(id->get_int64());
    o.erase("id");
    auto in = ParseTicketInput(o);
    if (!in.ok()) return ItemError(index, in.status());
    return TicketResult(svc.tickets.Update(ctx, tid, *in), index, "update", "Updated");
  });
  svc.jobs.Register("tickets.destroy_many", [&svc](const services::Context& ctx,
                                                   const json::value& item, int index) {
    const auto* id = item.is_object() ? item.get_object().if_contains("id") : nullptr;
    if (!id || !id->is_int64()) return ItemError(index, InvalidArgument("bad item"));
    Status st = svc.tickets.Delete(ctx, TicketId(id->get_int64()));
    if (!st.ok()) return ItemError(index, st);
    return json::object{{"id", id->get_int64()},
                        {"index", index},
                        {"action", "delete"},
                        {"status", "Deleted"},
                        {"success", true}};
  });
  svc.jobs.Register(
      "tickets.merge", [&svc](const services::Context& ctx, const json::value& item, int index) {
        if (!item.is_object()) return ItemError(index, InvalidArgument("bad item"));
        const auto& o = item.get_object();
        Validation v;
        Reader rd(o, v);
        services::MergeInput in;
        if (const auto* ids = o.if_contains("ids"); ids && ids->is_array()) {
          for (const auto& e : ids->get_array()) {
            if (e.is_int64()) in.source_ids.push_back(e.get_int64());
          }
        }
        in.target_comment = rd.String("target_comment").value_or("");
        in.source_comment = rd.String("source_comment").value_or("");
        in.target_comment_is_public = rd.Bool("target_comment_is_public").value_or(false);
        in.source_comment_is_public = rd.Bool("source_comment_is_public").value_or(false);
        if (!v.empty()) return ItemError(index, v.Finish());
        auto target = rd.Int("target_id").value_or(0);
        auto t = svc.tickets.Merge(ctx, TicketId(target), in);
        if (!t.ok()) return ItemError(index, t.status());
        return json::object{{"id", t->id.value},
                            {"index", index},
                            {"action", "merge"},
                            {"status", "Merged"},
                            {"success", true}};
      });
}

}  // namespace comptoir::api
