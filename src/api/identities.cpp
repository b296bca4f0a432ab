// /api/v2/users/{user_id}/identities
#include "api_internal.hpp"

namespace comptoir::api {

namespace {

Result<std::pair<UserId, IdentityId>> Ids(const ApiContext& c) {
  auto user = PathId(c, "user_id");
  if (!user.ok()) return user.status();
  auto id = PathId(c, "id");
  if (!id.ok()) return id.status();
  return std::make_pair(UserId(*user), IdentityId(*id));
}

http::Response List(ApiContext& c, const std::vector<domain::Identity>& list) {
  json::array arr;
  for (const auto& i : list) arr.push_back(IdentityJson(c, i));
  std::size_t n = arr.size();
  return JsonResponse(200, json::object{{"identities", std::move(arr)},
                                        {"next_page", nullptr},
                                        {"previous_page", nullptr},
                                        {"count", n}});
}

}  // namespace

void RegisterIdentityRoutes(Routes& r) {
  r.Get("/api/v2/users/{user_id}/identities", Access::kSignedIn, [](ApiContext& c) {
    auto user = PathId(c, "user_id");
    if (!user.ok()) return ErrorResponse(user.status(), c.req.request_id);
    auto list = c.svc.users.Identities(c.ctx, UserId(*user));
    if (!list.ok()) return ErrorResponse(list.status(), c.req.request_id);
    return List(c, *list);
  });
  r.Get("/api/v2/users/{user_id}/identities/{id}", Access::kSignedIn, [](ApiContext& c) {
    auto ids = Ids(c);
    if (!ids.ok()) return ErrorResponse(ids.status(), c.req.request_id);
    auto i = c.svc.users.GetIdentity(c.ctx, ids->first, ids->second);
    if (!i.ok()) return ErrorResponse(i.status(), c.req.request_id);
    return Envelope("identity", IdentityJson(c, *i));
  });
  r.Post("/api/v2/users/{user_id}/identities", Access::kSignedIn, [](ApiContext& c) {
    auto user = PathId(c, "user_id");
    if (!user.ok()) return ErrorResponse(user.status(), c.req.request_id);
    auto body = ParseEnvelope(c, "identity");
    if (!body.ok()) return ErrorResponse(body.status(), c.req.request_id);
    Validation v;
    Reader rd(*body, v);
    services::IdentityInput in;
    in.type = rd.String("type").value_or("");
    in.value = rd.String("value").value_or("");
    in.verified = rd.Bool("verified").value_or(false);
    in.primary = rd.Bool("primary").value_or(false);
    if (in.type.empty()) v.Add("type", "BlankValue", "Type: cannot be blank");
    if (in.value.empty()) v.Add("value", "BlankValue", "Value: cannot be blank");
    if (!v.empty()) return ErrorResponse(v.Finish(), c.req.request_id);
    auto i = c.svc.users.AddIdentity(c.ctx, UserId(*user), in);
    if (!i.ok()) return ErrorResponse(i.status(), c.req.request_id);
    return Envelope("identity", IdentityJson(c, *i), 201,
                    c.base_url + "/users/" + std::to_string(*user) + "/identities/" +
                        std::to_string(i->id.value) + ".json");
  });
  r.Put("/api/v2/users/{user_id}/identities/{id}", Access::kSignedIn, [](ApiContext& c) {
    auto ids = Ids(c);
    if (!ids.ok()) return ErrorResponse(ids.status(), c.req.request_id);
    auto body = ParseEnvelope(c, "identity");
    if (!body.ok()) return ErrorResponse(body.status(), c.req.request_id);
    Validation v;
    Reader rd(*body, v);
    auto value = rd.String("value", false);
    auto verified = rd.Bool("verified");
    if (!v.empty()) return ErrorResponse(v.Finish(), c.req.request_id);
    auto i = c.svc.users.UpdateIdentity(c.ctx, ids->first, ids->second, value, verified);
    if (!i.ok()) return ErrorResponse(i.status(), c.req.request_id);
    return Envelope("identity", IdentityJson(c, *i));
  });
  r.Put("/api/v2/users/{user_id}/identities/{id}/make_primary", Access::kSignedIn,
        [](ApiContext& c) {
          auto ids = Ids(c);
          if (!ids.ok()) return ErrorResponse(ids.status(), c.req.request_id);
          auto list = c.svc.users.MakePrimary(c.ctx, ids->first, ids->second);
          if (!list.ok()) return ErrorResponse(list.status(), c.req.request_id);
          return List(c, *list);
        });
  r.Put("/api/v2/users/{user_id}/identities/{id}/verify", Access::kStaff, [](ApiContext& c) {
    auto ids = Ids(c);
    if (!ids.ok()) return ErrorResponse(ids.status(), c.req.request_id);
    auto i = c.svc.users.UpdateIdentity(c.ctx, ids->first, ids->second, std::nullopt, true);
    if (!i.ok()) return ErrorResponse(i.status(), c.req.request_id);
    return Envelope("identity", IdentityJson(c, *i));
  });
  r.Put("/api/v2/users/{user_id}/identities/{id}/request_verification", Access::kStaff,
        [](ApiContext& c) {
          auto ids = Ids(c);
          if (!ids.ok()) return ErrorResponse(ids.status(), c.req.request_id);
          auto i = c.svc.users.GetIdentity(c.ctx, ids->first, ids->second);
          if (!i.ok()) return ErrorResponse(i.status(), c.req.request_id);
          // Verification emails are sent once outbound email exists; the identity is valid.
          return Envelope("identity", IdentityJson(c, *i));
        });
  r.Delete("/api/v2/users/{user_id}/identities/{id}", Access::kSignedIn, [](ApiContext& c) {
    auto ids = Ids(c);
    if (!ids.ok()) return ErrorResponse(ids.status(), c.req.request_id);
    Status st = c.svc.users.DeleteIdentity(c.ctx, ids->first, ids->second);
    if (!st.ok()) return ErrorResponse(st, c.req.request_id);
    return NoContent();
  });
}

}  // namespace comptoir::api
