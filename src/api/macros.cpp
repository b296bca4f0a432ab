// /api/v2/macros (reference §3.7): canned responses agents apply to tickets. Agents see
// the shared macros, their groups' and their own; admins all. Applying never saves: the
// answer is the would-be ticket and comment, which the client saves with a ticket update.
// Attachments on macros (/macros/{id}/attachments) are not served yet.
#include <algorithm>

#include "api_internal.hpp"
#include "comptoir/rules/rules.hpp"

namespace comptoir::api {

namespace {

using domain::Restriction;

constexpr const char* kMacros = "/api/v2/macros";

http::Response Fail(const ApiContext& c, const Status& st) {
  return ErrorResponse(st, c.req.request_id);
}

json::object MacroJson(const ApiContext& c, const domain::Macro& m) {
  return {{"url", c.base_url + "/macros/" + std::to_string(m.id.value) + ".json"},
          {"id", m.id.value},
          {"title", m.title},
          {"raw_title", m.raw_title.empty() ? m.title : m.raw_title},
          {"description", StringOrNull(m.description)},
          {"active", m.active},
          {"position", m.position},
          {"default", m.is_default},
          {"restriction", RestrictionJson(m.restriction)},
          {"actions", rules::ActionsToJson(m.actions)},
          {"usage_count", m.usage_count},
          {"created_at", Iso(m.created_at)},
          {"updated_at", Iso(m.updated_at)}};
}

Result<services::MacroInput> ParseMacro(const json::object& o) {
  services::MacroInput in;
  Validation v;
  Reader r(o, v);
  in.title = r.String("title");
  in.description = r.String("description");
  in.active = r.Bool("active");
  if (const auto* p = o.if_contains("position"); p && !p->is_null()) {
    in.position = PositionOf(*p);
    if (!in.position) v.Add("position", "InvalidValue", "Position: must be a whole number");
  }
  COMPTOIR_RETURN_IF_ERROR(v.Finish());
  if (const auto* rs = o.if_contains("restriction")) {
    auto parsed = ParseRestriction(*rs);
    if (!parsed.ok()) return parsed.status();
    in.restriction = *parsed;
  }
  if (const auto* a = o.if_contains("actions")) {
    auto parsed = rules::ParseActions(*a);
    if (!parsed.ok()) return parsed.status();
    in.actions = *parsed;
  }
  return in;
}

http::Response ListMacros(ApiContext& c, services::MacroFilter f) {
  auto active = QueryBool(c, "active");
  if (!active.ok()) return Fail(c, active.status());
  if (*active) f.active = *active;
  auto viewable = QueryBool(c, "only_viewable");
  if (!viewable.ok()) return Fail(c, viewable.status());
  f.only_viewable = viewable->value_or(false);
  if (const auto* a = c.req.Query("access"); a && !a->empty()) {
    if (*a != "personal" && *a != "agents" && *a != "shared" && *a != "account") {
      return Fail(c, InvalidArgument("access must be personal, agents, shared or account"));
    }
    f.access = *a;
  }
  if (const auto* cat = c.req.Query("category"); cat) f.category = *cat;
  if (const auto* g = c.req.Query("group_id"); g && !g->empty()) {
    auto id = IdOf(json::value(*g));
    if (!id) return Fail(c, InvalidArgument("group_id must be an id"));
    f.group_id = *id;
  }
  if (const auto* s = c.req.Query("sort_by"); s && !s->empty()) {
    static const std::string_view kSorts[] = {"position",   "alphabetical", "created_at",
                                              "updated_at", "usage_1h",     "usage_24h",
                                              "usage_7d",   "usage_30d"};
    if (std::find(std::begin(kSorts), std::end(kSorts), *s) == std::end(kSorts)) {
      return Fail(c, InvalidArgument("sort_by must be one of alphabetical, created_at, "
                                     "updated_at, usage_1h, usage_24h, usage_7d, usage_30d, "
                                     "position"));
    }
    f.sort_by = *s;
  }
  if (const auto* o = c.req.Query("sort_order"); o && !o->empty()) {
    if (*o != "asc" && *o != "desc") {
      return Fail(c, InvalidArgument("sort_order must be asc or desc"));
    }
    f.sort_order = *o;
  }
  auto list = c.svc.macros.List(c.ctx, f);
  if (!list.ok()) return Fail(c, list.status());
  return PagedList(c, "macros", *list, [&](const domain::Macro& m) { return MacroJson(c, m); });
}

// The comment part of an application: {"body","html_body","public","scoped_body"}.
json::object CommentJsonOf(const services::MacroApplication& a) {
  json::object o;
  std::string body = a.comment_body;
  if (body.empty() && !a.comment_html.empty()) body = a.comment_html;
  o["body"] = body;
  o["html_body"] = a.comment_html.empty() ? json::value(body) : json::value(a.comment_html);
  o["public"] = a.comment_public.value_or(true);
  o["scoped_body"] = json::array{json::array{"channel:all", json::value(body)}};
  return o;
}

// Only what the macro changes (GET /macros/{id}/apply).
json::object ChangesJson(const ApiContext& c, const domain::Macro& m,
                         const services::MacroApplication& a) {
  json::object full = TicketJson(c, a.ticket);
  json::object out;
  for (const auto& act : m.actions) {
    const std::string& f = act.field;
    if (f == "status" || f == "priority" || f == "type" || f == "group_id" || f == "assignee_id" ||
        f == "subject" || f == "ticket_form_id" || f == "brand_id") {
      if (const auto* v = full.if_contains(f)) out[f] = *v;
    } else if (f == "set_tags" || f == "current_tags" || f == "remove_tags") {
      out["tags"] = full.at("tags");
    } else if (f.starts_with("custom_fields_")) {
      out["fields"] = full.at("custom_fields");
      out["custom_fields"] = full.at("custom_fields");
    } else if (f == "follower" || f == "cc") {
      if (const auto* v = full.if_contains("follower_ids")) out["follower_ids"] = *v;
      if (const auto* v = full.if_contains("email_cc_ids")) out["email_cc_ids"] = *v;
    }
  }
  return out;
}

http::Response Apply(ApiContext& c, TicketId ticket) {
  auto id = PathId(c);
  if (!id.ok()) return Fail(c, id.status());
  auto macro = c.svc.macros.Get(c.ctx, domain::MacroId(*id));
  if (!macro.ok()) return Fail(c, macro.status());
  auto applied = c.svc.macros.Apply(c.ctx, domain::MacroId(*id), ticket);
  if (!applied.ok()) return Fail(c, applied.status());
  json::object t = ticket ? TicketJson(c, applied->ticket) : ChangesJson(c, *macro, *applied);
  if (!applied->comment_body.empty() || !applied->comment_html.empty()) {
    t["comment"] = CommentJsonOf(*applied);
  }
  return JsonResponse(200, json::object{{"result", json::object{{"ticket", std::move(t)}}}});
}

}  // namespace

void RegisterMacroRoutes(Routes& r) {
  const std::string base = kMacros;
  r.Get(base, Access::kStaff, [](ApiContext& c) { return ListMacros(c, {}); });
  r.Get(base + "/active", Access::kStaff, [](ApiContext& c) {
    services::MacroFilter f;
    f.active = true;
    return ListMacros(c, f);
  });
  r.Get(base + "/search", Access::kStaff, [](ApiContext& c) {
    const std::string* q = c.req.Query("query");
    if (!q || q->empty()) return Fail(c, InvalidArgument("query is required"));
    services::MacroFilter f;
    f.query = *q;
    return ListMacros(c, f);
  });
  r.Get(base + "/categories", Access::kStaff, [](ApiContext& c) {
    auto cats = c.svc.macros.Categories(c.ctx);
    if (!cats.ok()) return Fail(c, cats.status());
    return JsonResponse(200, json::object{{"categories", StringArray(*cats)}});
  });
  r.Get(base + "/definitions", Access::kStaff, [](ApiContext& c) {
    auto d = c.svc.macros.Definitions(c.ctx);
    if (!d.ok()) return Fail(c, d.status());
    json::object defs{{"actions", d->contains("actions") ? d->at("actions") : json::array()}};
    return JsonResponse(200, json::object{{"definitions", std::move(defs)}});
  });
  r.Get(base + "/actions", Access::kStaff, [](ApiContext& c) {
    auto d = c.svc.macros.Definitions(c.ctx);
    if (!d.ok()) return Fail(c, d.status());
    return JsonResponse(
        200, json::object{{"actions", d->contains("actions") ? d->at("actions") : json::array()}});
  });
  r.Post(base, Access::kStaff, [](ApiContext& c) {
    auto body = ParseEnvelope(c, "macro");
    if (!body.ok()) return Fail(c, body.status());
    auto in = ParseMacro(*body);
    if (!in.ok()) return Fail(c, in.status());
    auto m = c.svc.macros.Create(c.ctx, *in);
    if (!m.ok()) return Fail(c, m.status());
    return Envelope("macro", MacroJson(c, *m), 201);
  });
  r.Put(base + "/update_many", Access::kStaff, [](ApiContext& c) {
    auto body = ParseBody(c);
    if (!body.ok()) return Fail(c, body.status());
    auto parsed = ParseRulePatches(*body, "macros");
    if (!parsed.ok()) return Fail(c, parsed.status());
    std::vector<services::MacroPatch> patches;
    for (const auto& rp : *parsed) {
      patches.push_back(services::MacroPatch{domain::MacroId(rp.id), rp.position, rp.active});
    }
    auto out = c.svc.macros.UpdateMany(c.ctx, patches);
    if (!out.ok()) return Fail(c, out.status());
    json::array arr;
    for (const auto& m : *out) arr.push_back(MacroJson(c, m));
    return JsonResponse(200, json::object{{"macros", std::move(arr)}});
  });
  r.Delete(base + "/destroy_many", Access::kStaff, [](ApiContext& c) {
    auto list = DestroyManyIds(c);
    if (!list.ok()) return Fail(c, list.status());
    std::vector<domain::MacroId> mids;
    for (auto id : *list) mids.emplace_back(id);
    Status st = c.svc.macros.DestroyMany(c.ctx, mids);
    if (!st.ok()) return Fail(c, st);
    return NoContent();
  });
  r.Get(base + "/{id}", Access::kStaff, [](ApiContext& c) {
    auto id = PathId(c);
    if (!id.ok()) return Fail(c, id.status());
    auto m = c.svc.macros.Get(c.ctx, domain::MacroId(*id));
    if (!m.ok()) return Fail(c, m.status());
    return Envelope("macro", MacroJson(c, *m));
  });
  r.Put(base + "/{id}", Access::kStaff, [](ApiContext& c) {
    auto id = PathId(c);
    if (!id.ok()) return Fail(c, id.status());
    auto body = ParseEnvelope(c, "macro");
    if (!body.ok()) return Fail(c, body.status());
    auto in = ParseMacro(*body);
    if (!in.ok()) return Fail(c, in.status());
    auto m = c.svc.macros.Update(c.ctx, domain::MacroId(*id), *in);
    if (!m.ok()) return Fail(c, m.status());
    return Envelope("macro", MacroJson(c, *m));
  });
  r.Delete(base + "/{id}", Access::kStaff, [](ApiContext& c) {
    auto id = PathId(c);
    if (!id.ok()) return Fail(c, id.status());
    Status st = c.svc.macros.Delete(c.ctx, domain::MacroId(*id));
    if (!st.ok()) return Fail(c, st);
    return NoContent();
  });
  r.Get(base + "/{id}/apply", Access::kStaff, [](ApiContext& c) { return Apply(c, TicketId()); });
  r.Get("/api/v2/tickets/{ticket_id}/macros/{id}/apply", Access::kStaff, [](ApiContext& c) {
    auto tid = PathId(c, "ticket_id");
    if (!tid.ok()) return Fail(c, tid.status());
    return Apply(c, TicketId(*tid));
  });
}

}  // namespace comptoir::api
