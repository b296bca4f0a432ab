// /api/v2/webhooks (with invocations, attempts, the signing secret and the test
// endpoint), the legacy /api/v2/targets and /api/v2/target_failures. Admins only.
// Secrets (passwords, tokens, API key values, the signing secret) are never rendered
// here except by the signing_secret endpoint.
#include "api_internal.hpp"

namespace comptoir::api {

namespace {

http::Response Fail(const ApiContext& c, const Status& st) {
  return ErrorResponse(st, c.req.request_id);
}

json::object ParseStored(const std::string& text) {
  if (text.empty()) return {};
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  if (ec || !v.is_object()) return {};
  return v.as_object();
}

json::value ParseArray(const std::string& text) {
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  if (ec || !v.is_array()) return json::array{};
  return v;
}

// The authentication without its secret parts.
json::value AuthenticationJson(const std::string& stored) {
  json::object a = ParseStored(stored);
  if (a.empty()) return nullptr;
  json::object data;
  const json::value* d = a.if_contains("data");
  const json::value* type = a.if_contains("type");
  std::string t = type != nullptr && type->is_string() ? std::string(type->as_string()) : "";
  if (d != nullptr && d->is_object()) {
    if (t == "basic_auth" && d->as_object().contains("username")) {
      data["username"] = d->as_object().at("username");
    } else if (t == "api_key" && d->as_object().contains("name")) {
      data["name"] = d->as_object().at("name");
    }
  }
  return json::object{{"type", t}, {"add_position", "header"}, {"data", data}};
}

json::object WebhookJson(const storage::Webhook& w) {
  return {{"id", std::to_string(w.id)},
          {"name", w.name},
          {"description", w.description},
          {"status", w.status},
          {"endpoint", w.endpoint},
          {"http_method", w.http_method},
          {"request_format", w.request_format},
          {"subscriptions", ParseArray(w.subscriptions)},
          {"authentication", AuthenticationJson(w.authentication)},
          {"custom_headers", ParseStored(w.custom_headers)},
          {"created_at", Iso(w.created_at)},
          {"created_by", std::to_string(w.created_by.value)},
          {"updated_at", Iso(w.updated_at)},
          {"updated_by", std::to_string(w.updated_by.value)}};
}

json::object InvocationJson(const storage::WebhookInvocation& i) {
  return {{"id", std::to_string(i.id)},
          {"webhook", json::object{{"id", std::to_string(i.webhook_id)}}},
          {"status", i.status},
          {"status_code",
           i.latest_status_code == 0 ? json::value(nullptr) : json::value(i.latest_status_code)},
          {"source", ParseStored(i.source)},
          {"created_at", Iso(i.created_at)},
          {"latest_completed_at", Iso(i.updated_at)}};
}

json::object AttemptJson(const storage::WebhookAttempt& a) {
  json::object response = ParseStored(a.response);
  response["status_code"] = a.status_code;
  return {{"id", std::to_string(a.id)},
          {"invocation_id", std::to_string(a.invocation_id)},
          {"status", a.status},
          {"status_code", a.status_code},
          {"duration", a.duration_ms},
          {"response", response},
          {"completed_at", Iso(a.created_at)}};
}

// A webhook id from the path: ids are strings in the API, digits here.
Result<std::int64_t> WebhookId(const ApiContext& c, std::string_view name = "id") {
  return PathId(c, name);
}

Result<storage::PageRequest> CursorPage(const ApiContext& c, Paging& paging) {
  auto p = ParsePaging(c);
  if (!p.ok()) return p.status();
  paging = *p;
  if (!paging.cursor) {
    paging.cursor = true;
    paging.req.cursor = true;
    paging.req.offset = 0;
  }
  return paging.req;
}

json::object TargetJson(const ApiContext& c, const storage::Target& t) {
  json::object cfg = ParseStored(t.config);
  json::object o{
      {"id", t.id},         {"url", c.base_url + "/targets/" + std::to_string(t.id) + ".json"},
      {"title", t.title},   {"type", t.type},
      {"active", t.active}, {"created_at", Iso(t.created_at)}};
  for (const char* k :
       {"target_url", "method", "content_type", "username", "email", "subject", "attribute"}) {
    if (cfg.contains(k)) o[k] = cfg.at(k);
  }
  return o;
}

json::object FailureJson(const ApiContext& c, const storage::TargetFailure& f,
                         const std::string& target_name, bool raw) {
  json::object o{{"id", f.id},
                 {"url", c.base_url + "/target_failures/" + std::to_string(f.id) + ".json"},
                 {"target_name", target_name},
                 {"status_code", f.status_code},
                 {"created_at", Iso(f.created_at)}};
  if (raw) {
    o["raw_request"] = f.raw_request;
    o["raw_response"] = f.raw_response;
  }
  return o;
}

}  // namespace

void RegisterWebhookRoutes(Routes& r) {
  r.Get("/api/v2/webhooks", Access::kAdmin, [](ApiContext& c) {
    Paging paging;
    auto page = CursorPage(c, paging);
    if (!page.ok()) return Fail(c, page.status());
    storage::WebhookFilter filter;
    if (const auto* n = c.req.Query("filter[name_contains]")) filter.name_contains = *n;
    if (const auto* s = c.req.Query("filter[status]")) {
      if (*s != "active" && *s != "inactive") {
        return Fail(c, Invalid("filter[status]", "InvalidValue",
                               "filter[status]: must be active or inactive"));
      }
      filter.status = *s;
    }
    auto list = c.svc.delivery.ListWebhooks(c.ctx, filter, *page);
    if (!list.ok()) return Fail(c, list.status());
    json::array items;
    for (const auto& w : list->items) items.push_back(WebhookJson(w));
    json::object body{{"webhooks", std::move(items)}};
    AddPagination(body, c, paging, list->has_more, list->has_before, list->total,
                  list->items.empty() ? 0 : list->items.front().id,
                  list->items.empty() ? 0 : list->items.back().id);
    return JsonResponse(200, body);
  });

  r.Post("/api/v2/webhooks", Access::kAdmin, [](ApiContext& c) {
    auto body = ParseEnvelope(c, "webhook");
    if (!body.ok()) return Fail(c, body.status());
    auto w = c.svc.delivery.CreateWebhook(c.ctx, *body);
    if (!w.ok()) return Fail(c, w.status());
    return Envelope("webhook", WebhookJson(*w), 201,
                    c.base_url + "/webhooks/" + std::to_string(w->id));
  });

  r.Post("/api/v2/webhooks/test", Access::kAdmin, [](ApiContext& c) {
    auto body = ParseEnvelope(c, "request");
    if (!body.ok()) return Fail(c, body.status());
    std::int64_t webhook_id = 0;
    if (const auto* id = c.req.Query("webhook_id")) {
      webhook_id = std::atoll(id->c_str());
      if (webhook_id <= 0) return Fail(c, NotFound());
    }
    auto res = c.svc.delivery.TestWebhook(c.ctx, *body, webhook_id);
    if (!res.ok()) return Fail(c, res.status());
    json::array headers;
    for (const auto& [k, v] : res->headers)
      headers.push_back(json::object{{"key", k}, {"value", v}});
    return JsonResponse(200, json::object{{"response", json::object{{"status", res->status},
                                                                    {"headers", headers},
                                                                    {"body", res->body}}}});
  });

  r.Get("/api/v2/webhooks/{id}", Access::kAdmin, [](ApiContext& c) {
    auto id = WebhookId(c);
    if (!id.ok()) return Fail(c, id.status());
    auto w = c.svc.delivery.GetWebhook(c.ctx, *id);
    if (!w.ok()) return Fail(c, w.status());
    return Envelope("webhook", WebhookJson(*w));
  });

  auto update = [](bool patch) {
    return [patch](ApiContext& c) {
      auto id = WebhookId(c);
      if (!id.ok()) return Fail(c, id.status());
      auto body = ParseEnvelope(c, "webhook");
      if (!body.ok()) return Fail(c, body.status());
      auto w = c.svc.delivery.UpdateWebhook(c.ctx, *id, *body, patch);
      if (!w.ok()) return Fail(c, w.status());
      // Zendesk answers 204 to an update.
      return NoContent();
    };
  };
  r.Put("/api/v2/webhooks/{id}", Access::kAdmin, update(false));
  r.Patch("/api/v2/webhooks/{id}", Access::kAdmin, update(true));

  r.Delete("/api/v2/webhooks/{id}", Access::kAdmin, [](ApiContext& c) {
    auto id = WebhookId(c);
    if (!id.ok()) return Fail(c, id.status());
    Status st = c.svc.delivery.DeleteWebhook(c.ctx, *id);
    if (!st.ok()) return Fail(c, st);
    return NoContent();
  });

  auto secret = [](bool reset) {
    return [reset](ApiContext& c) {
      auto id = WebhookId(c);
      if (!id.ok()) return Fail(c, id.status());
      auto s = c.svc.delivery.SigningSecret(c.ctx, *id, reset);
      if (!s.ok()) return Fail(c, s.status());
      return Envelope("signing_secret", json::object{{"algorithm", "SHA256"}, {"secret", *s}},
                      reset ? 201 : 200);
    };
  };
  r.Get("/api/v2/webhooks/{id}/signing_secret", Access::kAdmin, secret(false));
  r.Post("/api/v2/webhooks/{id}/signing_secret", Access::kAdmin, secret(true));

  r.Get("/api/v2/webhooks/{id}/invocations", Access::kAdmin, [](ApiContext& c) {
    auto id = WebhookId(c);
    if (!id.ok()) return Fail(c, id.status());
    Paging paging;
    auto page = CursorPage(c, paging);
    if (!page.ok()) return Fail(c, page.status());
    auto list = c.svc.delivery.ListInvocations(c.ctx, *id, *page);
    if (!list.ok()) return Fail(c, list.status());
    json::array items;
    for (const auto& i : list->items) items.push_back(InvocationJson(i));
    json::object body{{"invocations", std::move(items)}};
    AddPagination(body, c, paging, list->has_more, list->has_before, list->total,
                  list->items.empty() ? 0 : list->items.front().id,
                  list->items.empty() ? 0 : list->items.back().id);
    return JsonResponse(200, body);
  });

  r.Get("/api/v2/webhooks/{id}/invocations/{invocation_id}/attempts", Access::kAdmin,
        [](ApiContext& c) {
          auto id = WebhookId(c);
          if (!id.ok()) return Fail(c, id.status());
          auto iid = PathId(c, "invocation_id");
          if (!iid.ok()) return Fail(c, iid.status());
          auto list = c.svc.delivery.ListAttempts(c.ctx, *id, *iid);
          if (!list.ok()) return Fail(c, list.status());
          json::array items;
          for (const auto& a : *list) items.push_back(AttemptJson(a));
          return JsonResponse(200, json::object{{"attempts", std::move(items)},
                                                {"meta", json::object{{"has_more", false}}}});
        });
}

void RegisterTargetRoutes(Routes& r) {
  r.Get("/api/v2/targets", Access::kAdmin, [](ApiContext& c) {
    auto list = c.svc.delivery.ListTargets(c.ctx);
    if (!list.ok()) return Fail(c, list.status());
    json::array items;
    for (const auto& t : *list) items.push_back(TargetJson(c, t));
    const std::size_t n = items.size();
    return JsonResponse(200, json::object{{"targets", std::move(items)},
                                          {"next_page", nullptr},
                                          {"previous_page", nullptr},
                                          {"count", n}});
  });

  r.Get("/api/v2/targets/{id}", Access::kAdmin, [](ApiContext& c) {
    auto id = PathId(c);
    if (!id.ok()) return Fail(c, id.status());
    auto t = c.svc.delivery.GetTarget(c.ctx, *id);
    if (!t.ok()) return Fail(c, t.status());
    return Envelope("target", TargetJson(c, *t));
  });

  r.Post("/api/v2/targets", Access::kAdmin, [](ApiContext& c) {
    auto body = ParseEnvelope(c, "target");
    if (!body.ok()) return Fail(c, body.status());
    auto t = c.svc.delivery.CreateTarget(c.ctx, *body);
    if (!t.ok()) return Fail(c, t.status());
    return Envelope("target", TargetJson(c, *t), 201,
                    c.base_url + "/targets/" + std::to_string(t->id) + ".json");
  });

  r.Put("/api/v2/targets/{id}", Access::kAdmin, [](ApiContext& c) {
    auto id = PathId(c);
    if (!id.ok()) return Fail(c, id.status());
    auto body = ParseEnvelope(c, "target");
    if (!body.ok()) return Fail(c, body.status());
    auto t = c.svc.delivery.UpdateTarget(c.ctx, *id, *body);
    if (!t.ok()) return Fail(c, t.status());
    return Envelope("target", TargetJson(c, *t));
  });

  r.Delete("/api/v2/targets/{id}", Access::kAdmin, [](ApiContext& c) {
    auto id = PathId(c);
    if (!id.ok()) return Fail(c, id.status());
    Status st = c.svc.delivery.DeleteTarget(c.ctx, *id);
    if (!st.ok()) return Fail(c, st);
    return NoContent();
  });

  r.Get("/api/v2/target_failures", Access::kAdmin, [](ApiContext& c) {
    auto list = c.svc.delivery.ListTargetFailures(c.ctx);
    if (!list.ok()) return Fail(c, list.status());
    auto targets = c.svc.delivery.ListTargets(c.ctx);
    if (!targets.ok()) return Fail(c, targets.status());
    json::array items;
    for (const auto& f : *list) {
      std::string name;
      for (const auto& t : *targets) {
        if (t.id == f.target_id) name = t.title;
      }
      items.push_back(FailureJson(c, f, name, false));
    }
    return JsonResponse(200, json::object{{"target_failures", std::move(items)}});
  });

  r.Get("/api/v2/target_failures/{id}", Access::kAdmin, [](ApiContext& c) {
    auto id = PathId(c);
    if (!id.ok()) return Fail(c, id.status());
    auto f = c.svc.delivery.GetTargetFailure(c.ctx, *id);
    if (!f.ok()) return Fail(c, f.status());
    std::string name;
    if (auto t = c.svc.delivery.GetTarget(c.ctx, f->target_id); t.ok()) name = t->title;
    return Envelope("target_failure", FailureJson(c, *f, name, true));
  });
}

}  // namespace comptoir::api
