// /api/v2/api_tokens, /api/v2/oauth/clients, /api/v2/oauth/tokens
#include "api_internal.hpp"

namespace comptoir::api {

namespace {

json::object ApiTokenJson(const domain::ApiToken& t) {
  return {{"id", t.id.value},
          {"user_id", t.user_id.value},
          {"description", t.description},
          {"active", t.active},
          {"created_at", Iso(t.created_at)}};
}

json::object ClientJson(const ApiContext& c, const domain::OAuthClient& o) {
  return {{"id", o.id.value},
          {"url", c.base_url + "/oauth/clients/" + std::to_string(o.id.value) + ".json"},
          {"name", o.name},
          {"identifier", o.identifier},
          {"description", StringOrNull(o.description)},
          {"user_id", o.user_id.value},
          {"redirect_uri", StringArray(o.redirect_uri)},
          {"kind", "confidential"},
          {"created_at", Iso(o.created_at)},
          {"updated_at", Iso(o.updated_at)}};
}

json::object OAuthTokenJson(const ApiContext& c, const domain::OAuthToken& t) {
  return {{"id", t.id.value},
          {"url", c.base_url + "/oauth/tokens/" + std::to_string(t.id.value) + ".json"},
          {"user_id", t.user_id.value},
          {"client_id", t.client_id.value},
          {"token", "*****"},
          {"scopes", StringArray(t.scopes)},
          {"created_at", Iso(t.created_at)},
          {"expires_at", TimeOrNull(t.expires_at)}};
}

Result<domain::OAuthClient> ParseClient(const json::object& o, domain::OAuthClient c) {
  Validation v;
  Reader r(o, v);
  if (auto s = r.String("name")) c.name = *s;
  if (auto s = r.String("identifier")) c.identifier = *s;
  if (auto s = r.String("description")) c.description = *s;
  if (auto list = r.Strings("redirect_uri")) c.redirect_uri = *list;
  COMPTOIR_RETURN_IF_ERROR(v.Finish());
  return c;
}

}  // namespace

void RegisterTokenRoutes(Routes& r) {
  r.Get("/api/v2/api_tokens", Access::kAdmin, [](ApiContext& c) {
    auto list = c.svc.auth.ListApiTokens(c.ctx);
    if (!list.ok()) return ErrorResponse(list.status(), c.req.request_id);
    json::array arr;
    for (const auto& t : *list) arr.push_back(ApiTokenJson(t));
    return Envelope("api_tokens", std::move(arr));
  });
  r.Post("/api/v2/api_tokens", Access::kAdmin, [](ApiContext& c) {
    UserId user = c.actor().user_id;
    std::string description;
    if (!c.req.body.empty()) {
      auto body = ParseEnvelope(c, "api_token");
      if (!body.ok()) return ErrorResponse(body.status(), c.req.request_id);
      Validation v;
      Reader rd(*body, v);
      description = rd.String("description").value_or("");
      if (auto u = rd.Int("user_id"); u && *u) user = UserId(*u);
      if (!v.empty()) return ErrorResponse(v.Finish(), c.req.request_id);
    }
    auto made = c.svc.auth.CreateApiToken(c.ctx, user, description);
    if (!made.ok()) return ErrorResponse(made.status(), c.req.request_id);
    json::object t{{"id", made->id},
                   {"user_id", user.value},
                   {"description", description},
                   {"active", true},
                   {"token", made->secret}};
    return Envelope("api_token", std::move(t), 201,
                    c.base_url + "/api_tokens/" + std::to_string(made->id) + ".json");
  });
  r.Delete("/api/v2/api_tokens/{id}", Access::kAdmin, [](ApiContext& c) {
    auto id = PathId(c);
    if (!id.ok()) return ErrorResponse(id.status(), c.req.request_id);
    Status st = c.svc.auth.DeleteApiToken(c.ctx, TokenId(*id));
    if (!st.ok()) return ErrorResponse(st, c.req.request_id);
    return NoContent();
  });

  r.Get("/api/v2/oauth/clients", Access::kAdmin, [](ApiContext& c) {
    auto list = c.svc.auth.ListClients(c.ctx);
    if (!list.ok()) return ErrorResponse(list.status(), c.req.request_id);
    json::array arr;
    for (const auto& o : *list) arr.push_back(ClientJson(c, o));
    std::size_t n = arr.size();
    return JsonResponse(200, json::object{{"clients", std::move(arr)},
                                          {"next_page", nullptr},
                                          {"previous_page", nullptr},
                                          {"count", n}});
  });
  r.Get("/api/v2/oauth/clients/{id}", Access::kAdmin, [](ApiContext& c) {
    auto id = PathId(c);
    if (!id.ok()) return ErrorResponse(id.status(), c.req.request_id);
    auto o = c.svc.auth.GetClient(c.ctx, OAuthClientId(*id));
    if (!o.ok()) return ErrorResponse(o.status(), c.req.request_id);
    return Envelope("client", ClientJson(c, *o));
  });
  r.Post("/api/v2/oauth/clients", Access::kAdmin, [](ApiContext& c) {
    auto body = ParseEnvelope(c, "client");
    if (!body.ok()) return ErrorResponse(body.status(), c.req.request_id);
    auto in = ParseClient(*body, {});
    if (!in.ok()) return ErrorResponse(in.status(), c.req.request_id);
    auto made = c.svc.auth.CreateClient(c.ctx, *in);
    if (!made.ok()) return ErrorResponse(made.status(), c.req.request_id);
    json::object o = ClientJson(c, made->first);
    o["secret"] = made->second;
    return Envelope(
        "client", std::move(o), 201,
        c.base_url + "/oauth/clients/" + std::to_string(made->first.id.value) + ".json");
  });
  r.Put("/api/v2/oauth/clients/{id}", Access::kAdmin, [](ApiContext& c) {
    auto id = PathId(c);
    if (!id.ok()) return ErrorResponse(id.status(), c.req.request_id);
    auto existing = c.svc.auth.GetClient(c.ctx, OAuthClientId(*id));
    if (!existing.ok()) return ErrorResponse(existing.status(), c.req.request_id);
    auto body = ParseEnvelope(c, "client");
    if (!body.ok()) return ErrorResponse(body.status(), c.req.request_id);
    auto in = ParseClient(*body, *existing);
    if (!in.ok()) return ErrorResponse(in.status(), c.req.request_id);
    auto o = c.svc.auth.UpdateClient(c.ctx, *in);
    if (!o.ok()) return ErrorResponse(o.status(), c.req.request_id);
    return Envelope("client", ClientJson(c, *o));
  });
  r.Delete("/api/v2/oauth/clients/{id}", Access::kAdmin, [](ApiContext& c) {
    auto id = PathId(c);
    if (!id.ok()) return ErrorResponse(id.status(), c.req.request_id);
    Status st = c.svc.auth.DeleteClient(c.ctx, OAuthClientId(*id));
    if (!st.ok()) return ErrorResponse(st, c.req.request_id);
    return NoContent();
  });

  r.Get("/api/v2/oauth/tokens", Access::kAdmin, [](ApiContext& c) {
    auto list = c.svc.auth.ListOAuthTokens(c.ctx);
    if (!list.ok()) return ErrorResponse(list.status(), c.req.request_id);
    json::array arr;
    for (const auto& t : *list) arr.push_back(OAuthTokenJson(c, t));
    std::size_t n = arr.size();
    return JsonResponse(200, json::object{{"tokens", std::move(arr)},
                                          {"next_page", nullptr},
                                          {"previous_page", nullptr},
                                          {"count", n}});
  });
  r.Get("/api/v2/oauth/tokens/current", Access::kSignedIn, [](ApiContext& c) {
    if (c.actor().oauth_token_id == 0) return ErrorResponse(NotFound(), c.req.request_id);
    auto t = c.svc.auth.GetOAuthToken(c.ctx, TokenId(c.actor().oauth_token_id));
    if (!t.ok()) return ErrorResponse(t.status(), c.req.request_id);
    return Envelope("token", OAuthTokenJson(c, *t));
  });
  r.Get("/api/v2/oauth/tokens/{id}", Access::kSignedIn, [](ApiContext& c) {
    auto id = PathId(c);
    if (!id.ok()) return ErrorResponse(id.status(), c.req.request_id);
    auto t = c.svc.auth.GetOAuthToken(c.ctx, TokenId(*id));
    if (!t.ok()) return ErrorResponse(t.status(), c.req.request_id);
    return Envelope("token", OAuthTokenJson(c, *t));
  });
  r.Post("/api/v2/oauth/tokens", Access::kAdmin, [](ApiContext& c) {
    auto body = ParseEnvelope(c, "token");
    if (!body.ok()) return ErrorResponse(body.status(), c.req.request_id);
    Validation v;
    Reader rd(*body, v);
    auto client = rd.Int("client_id", false);
    auto user = rd.Int("user_id");
    auto scopes = rd.Strings("scopes");
    Timestamp expires = 0;
    if (auto e = rd.String("expires_at"); e && !e->empty()) {
      auto t = ParseIso8601(*e);
      if (!t)
        v.Add("expires_at", "InvalidValue", "Expires at: is not a date");
      else
        expires = *t;
    }
    if (!client) v.Add("client_id", "BlankValue", "Client: cannot be blank");
    if (!v.empty()) return ErrorResponse(v.Finish(), c.req.request_id);
    auto made = c.svc.auth.CreateOAuthToken(c.ctx, OAuthClientId(*client), UserId(user.value_or(0)),
                                            scopes.value_or(std::vector<std::string>{}), expires);
    if (!made.ok()) return ErrorResponse(made.status(), c.req.request_id);
    json::object t = OAuthTokenJson(c, made->first);
    t["full_token"] = made->second;
    t["token"] = made->second.substr(0, 10);
    return Envelope("token", std::move(t), 201,
                    c.base_url + "/oauth/tokens/" + std::to_string(made->first.id.value) + ".json");
  });
  r.Delete("/api/v2/oauth/tokens/{id}", Access::kSignedIn, [](ApiContext& c) {
    auto id = PathId(c);
    if (!id.ok()) return ErrorResponse(id.status(), c.req.request_id);
    Status st = c.svc.auth.RevokeOAuthToken(c.ctx, TokenId(*id));
    if (!st.ok()) return ErrorResponse(st, c.req.request_id);
    return NoContent();
  });
}

}  // namespace comptoir::api
