// /api/v2/automations (reference §3.5) and the ticket import API
// (POST /api/v2/imports/tickets, /imports/tickets/create_many): tickets with
// their past.
#include "api_internal.hpp"
#include "comptoir/rules/rules.hpp"

namespace comptoir::api {

namespace {

using services::AutomationInput;

http::Response Fail(const ApiContext& c, const Status& st) {
  return ErrorResponse(st, c.req.request_id);
}

json::object AutomationJson(const ApiContext& c, const domain::Automation& a) {
  return {{"id", a.id.value},
          {"url", c.base_url + "/automations/" + std::to_string(a.id.value) + ".json"},
          {"title", a.title},
          {"raw_title", a.raw_title.empty() ? a.title : a.raw_title},
          {"active", a.active},
          {"position", a.position},
          {"default", a.is_default},
          {"conditions", rules::ConditionsToJson(a.conditions)},
          {"actions", rules::ActionsToJson(a.actions)},
          {"created_at", Iso(a.created_at)},
          {"updated_at", Iso(a.updated_at)}};
}

Result<AutomationInput> ParseAutomation(const json::object& o) {
  Validation v;
  Reader r(o, v);
  AutomationInput in;
  in.title = r.String("title");
  in.active = r.Bool("active");
  if (auto p = r.Int("position")) in.position = static_cast<int>(*p);
  COMPTOIR_RETURN_IF_ERROR(v.Finish());
  if (const auto* c = o.if_contains("conditions")) {
    auto parsed = rules::ParseConditions(*c);
    if (!parsed.ok()) return Invalid("conditions", "InvalidValue", parsed.status().message());
    in.conditions = std::move(*parsed);
  } else if (o.contains("all") || o.contains("any")) {
    json::object both;
    if (const auto* all = o.if_contains("all")) both["all"] = *all;
    if (const auto* any = o.if_contains("any")) both["any"] = *any;
    auto parsed = rules::ParseConditions(both);
    if (!parsed.ok()) return Invalid("conditions", "InvalidValue", parsed.status().message());
    in.conditions = std::move(*parsed);
  }
  if (const auto* a = o.if_contains("actions")) {
    auto parsed = rules::ParseActions(*a);
    if (!parsed.ok()) return Invalid("actions", "InvalidValue", parsed.status().message());
    in.actions = std::move(*parsed);
  }
  return in;
}

http::Response ListAutomations(ApiContext& c, std::optional<bool> active,
                               const std::string& query = {}) {
  if (const auto* a = c.req.Query("active")) active = *a == "true";
  auto list = c.svc.automations.List(c.ctx, active, query);
  if (!list.ok()) return Fail(c, list.status());
  json::array out;
  for (const auto& a : *list) out.push_back(AutomationJson(c, a));
  return JsonResponse(200, json::object{{"automations", std::move(out)},
                                        {"next_page", nullptr},
                                        {"previous_page", nullptr},
                                        {"count", list->size()}});
}

Result<std::vector<std::int64_t>> IdsOf(const json::value* v, const char* name) {
  if (!v || !v->is_array()) return InvalidArgument(std::string(name) + " is required");
  std::vector<std::int64_t> out;
  for (const auto& x : v->as_array()) {
    if (x.is_int64()) {
      out.push_back(x.as_int64());
    } else if (x.is_string()) {
      auto one = IdList(std::string(x.as_string()));
      if (!one.ok() || one->size() != 1) return InvalidArgument(std::string(name) + " are ids");
      out.push_back(one->front());
    } else {
      return InvalidArgument(std::string(name) + " are ids");
    }
  }
  return out;
}

// --- imports ---

Result<Timestamp> TimeField(const json::object& o, const char* key) {
  const auto* v = o.if_contains(key);
  if (!v || v->is_null()) return Timestamp{0};
  if (!v->is_string()) return Invalid(key, "InvalidValue", std::string(key) + ": is not a time");
  auto t = ParseIso8601(v->as_string());
  if (!t) return Invalid(key, "InvalidValue", std::string(key) + ": is not a time");
  return *t;
}

Result<services::TicketImportInput> ParseImport(const json::object& o) {
  services::TicketImportInput in;
  json::object rest = o;
  rest.erase("comments");
  rest.erase("created_at");
  rest.erase("updated_at");
  rest.erase("solved_at");
  auto base = ParseTicketInput(rest);
  if (!base.ok()) return base.status();
  in.ticket = std::move(*base);
  for (const char* key : {"created_at", "updated_at", "solved_at"}) {
    auto t = TimeField(o, key);
    if (!t.ok()) return t.status();
    (std::string_view(key) == "created_at"   ? in.created_at
     : std::string_view(key) == "updated_at" ? in.updated_at
                                             : in.solved_at) = *t;
  }
  if (const auto* cs = o.if_contains("comments"); cs && !cs->is_null()) {
    if (!cs->is_array()) return Invalid("comments", "InvalidValue", "Comments: must be an array");
    for (const auto& cv : cs->as_array()) {
      if (!cv.is_object()) return Invalid("comments", "InvalidValue", "Comments: are objects");
      const auto& co = cv.as_object();
      Validation v;
      Reader r(co, v);
      services::ImportComment ic;
      ic.body = r.String("value");
      if (!ic.body) ic.body = r.String("body");
      ic.html_body = r.String("html_body");
      ic.is_public = r.Bool("public").value_or(true);
      ic.author_id = r.Int("author_id").value_or(0);
      COMPTOIR_RETURN_IF_ERROR(v.Finish());
      auto t = TimeField(co, "created_at");
      if (!t.ok()) return t.status();
      ic.created_at = *t;
      in.comments.push_back(std::move(ic));
    }
  }
  return in;
}

}  // namespace

void RegisterAutomationRoutes(Routes& r) {
  r.Get("/api/v2/automations", Access::kStaff,
        [](ApiContext& c) { return ListAutomations(c, std::nullopt); });
  r.Get("/api/v2/automations/active", Access::kStaff,
        [](ApiContext& c) { return ListAutomations(c, true); });
  r.Get("/api/v2/automations/search", Access::kStaff, [](ApiContext& c) {
    const auto* q = c.req.Query("query");
    if (!q) return Fail(c, InvalidArgument("query is required"));
    return ListAutomations(c, std::nullopt, *q);
  });
  r.Get("/api/v2/automations/definitions", Access::kStaff, [](ApiContext& c) {
    auto d = c.svc.automations.Definitions(c.ctx);
    if (!d.ok()) return Fail(c, d.status());
    return JsonResponse(200, json::object{{"definitions", std::move(*d)}});
  });
  r.Post("/api/v2/automations", Access::kAdmin, [](ApiContext& c) {
    auto body = ParseEnvelope(c, "automation");
    if (!body.ok()) return Fail(c, body.status());
    auto in = ParseAutomation(*body);
    if (!in.ok()) return Fail(c, in.status());
    auto a = c.svc.automations.Create(c.ctx, *in);
    if (!a.ok()) return Fail(c, a.status());
    return Envelope("automation", AutomationJson(c, *a), 201,
                    c.base_url + "/automations/" + std::to_string(a->id.value) + ".json");
  });
  r.Put("/api/v2/automations/update_many", Access::kAdmin, [](ApiContext& c) {
    auto body = ParseBody(c);
    if (!body.ok()) return Fail(c, body.status());
    auto patches = ParseRulePatches(*body, "automations");
    if (!patches.ok()) return Fail(c, patches.status());
    json::array out;
    for (const auto& p : *patches) {
      AutomationInput in;
      in.active = p.active;
      in.position = p.position;
      auto a = c.svc.automations.Update(c.ctx, domain::AutomationId(p.id), in);
      if (!a.ok()) return Fail(c, a.status());
      out.push_back(AutomationJson(c, *a));
    }
    return JsonResponse(200, json::object{{"automations", std::move(out)}});
  });
  r.Put("/api/v2/automations/reorder", Access::kAdmin, [](ApiContext& c) {
    auto body = ParseBody(c);
    if (!body.ok()) return Fail(c, body.status());
    const json::value* ids = body->if_contains("automation_ids");
    if (!ids) ids = body->if_contains("automation_order");
    auto list = IdsOf(ids, "automation_ids");
    if (!list.ok()) return Fail(c, list.status());
    if (Status st = c.svc.automations.Reorder(c.ctx, *list); !st.ok()) return Fail(c, st);
    return ListAutomations(c, std::nullopt);
  });
  r.Delete("/api/v2/automations/destroy_many", Access::kAdmin, [](ApiContext& c) {
    auto ids = DestroyManyIds(c);
    if (!ids.ok()) return Fail(c, ids.status());
    for (auto id : *ids) {
      if (Status st = c.svc.automations.Delete(c.ctx, domain::AutomationId(id)); !st.ok()) {
        return Fail(c, st);
      }
    }
    return NoContent();
  });
  r.Get("/api/v2/automations/{id}", Access::kStaff, [](ApiContext& c) {
    auto id = PathId(c);
    if (!id.ok()) return Fail(c, id.status());
    auto a = c.svc.automations.Get(c.ctx, domain::AutomationId(*id));
    if (!a.ok()) return Fail(c, a.status());
    return Envelope("automation", AutomationJson(c, *a));
  });
  r.Put("/api/v2/automations/{id}", Access::kAdmin, [](ApiContext& c) {
    auto id = PathId(c);
    if (!id.ok()) return Fail(c, id.status());
    auto body = ParseEnvelope(c, "automation");
    if (!body.ok()) return Fail(c, body.status());
    auto in = ParseAutomation(*body);
    if (!in.ok()) return Fail(c, in.status());
    auto a = c.svc.automations.Update(c.ctx, domain::AutomationId(*id), *in);
    if (!a.ok()) return Fail(c, a.status());
    return Envelope("automation", AutomationJson(c, *a));
  });
  r.Delete("/api/v2/automations/{id}", Access::kAdmin, [](ApiContext& c) {
    auto id = PathId(c);
    if (!id.ok()) return Fail(c, id.status());
    if (Status st = c.svc.automations.Delete(c.ctx, domain::AutomationId(*id)); !st.ok()) {
      return Fail(c, st);
    }
    return NoContent();
  });
  r.Get("/api/v2/automations/{id}/firings", Access::kAdmin, [](ApiContext& c) {
    // Comptoir's own: how many times the automation fired (tests, operations).
    auto id = PathId(c);
    if (!id.ok()) return Fail(c, id.status());
    auto n = c.svc.automations.CountFirings(c.ctx, domain::AutomationId(*id));
    if (!n.ok()) return Fail(c, n.status());
    return CountResponse(c, *n);
  });

  // --- ticket import ---
  r.Post("/api/v2/imports/tickets", Access::kAdmin, [](ApiContext& c) {
    auto body = ParseEnvelope(c, "ticket");
    if (!body.ok()) return Fail(c, body.status());
    auto in = ParseImport(*body);
    if (!in.ok()) return Fail(c, in.status());
    auto t = c.svc.tickets.Import(c.ctx, *in);
    if (!t.ok()) return Fail(c, t.status());
    return Envelope("ticket", TicketJson(c, t->ticket), 201,
                    c.base_url + "/tickets/" + std::to_string(t->ticket.id.value) + ".json");
  });
  r.Post("/api/v2/imports/tickets/create_many", Access::kAdmin, [](ApiContext& c) {
    // Zendesk answers with a job; the import here is synchronous (at most
    // 100 tickets) and answers the job status already completed.
    auto body = ParseBody(c);
    if (!body.ok()) return Fail(c, body.status());
    const auto* list = body->if_contains("tickets");
    if (!list || !list->is_array()) return Fail(c, InvalidArgument("tickets is required"));
    if (list->as_array().size() > 100) return Fail(c, InvalidArgument("at most 100 tickets"));
    json::array results;
    int index = 0;
    for (const auto& item : list->as_array()) {
      if (!item.is_object()) return Fail(c, InvalidArgument("tickets are objects"));
      auto in = ParseImport(item.as_object());
      Result<services::TicketChange> t =
          in.ok() ? c.svc.tickets.Import(c.ctx, *in) : Result<services::TicketChange>(in.status());
      if (t.ok()) {
        results.push_back(json::object{{"id", t->ticket.id.value},
                                       {"index", index},
                                       {"status", "Created"},
                                       {"success", true}});
      } else {
        results.push_back(ItemError(index, t.status()));
      }
      ++index;
    }
    return JsonResponse(
        200, json::object{{"job_status", json::object{{"id", "import"},
                                                      {"status", "completed"},
                                                      {"total", index},
                                                      {"progress", index},
                                                      {"results", std::move(results)}}}});
  });
}

}  // namespace comptoir::api
