// /api/v2/custom_roles: custom agent roles (node-zendesk customagentroles).
#include "api_internal.hpp"

namespace comptoir::api {

namespace {

http::Response Fail(const ApiContext& c, const Status& st) {
  return ErrorResponse(st, c.req.request_id);
}

Result<services::CustomRoleInput> ParseRole(const json::object& o) {
  Validation v;
  Reader r(o, v);
  services::CustomRoleInput in;
  in.name = r.String("name");
  in.description = r.String("description");
  in.configuration = r.Object("configuration");
  COMPTOIR_RETURN_IF_ERROR(v.Finish());
  return in;
}

json::object RoleJson(const ApiContext& c, const services::CustomRoleRecord& rec) {
  const domain::CustomRole& r = rec.role;
  return {{"id", r.id.value},
          {"url", c.base_url + "/custom_roles/" + std::to_string(r.id.value) + ".json"},
          {"name", r.name},
          {"description", r.description},
          {"role_type", 0},
          {"configuration", r.configuration},
          {"team_member_count", rec.team_member_count},
          {"created_at", Iso(r.created_at)},
          {"updated_at", Iso(r.updated_at)}};
}

}  // namespace

void RegisterCustomRoleRoutes(Routes& r) {
  r.Get("/api/v2/custom_roles", Access::kStaff, [](ApiContext& c) {
    auto list = c.svc.custom_roles.List(c.ctx);
    if (!list.ok()) return Fail(c, list.status());
    json::array arr;
    for (const auto& rec : *list) arr.push_back(RoleJson(c, rec));
    return JsonResponse(200, json::object{{"custom_roles", std::move(arr)},
                                          {"next_page", nullptr},
                                          {"previous_page", nullptr},
                                          {"count", list->size()}});
  });

  r.Get("/api/v2/custom_roles/{id}", Access::kStaff, [](ApiContext& c) {
    auto id = PathId(c);
    if (!id.ok()) return Fail(c, id.status());
    auto rec = c.svc.custom_roles.Get(c.ctx, CustomRoleId(*id));
    if (!rec.ok()) return Fail(c, rec.status());
    return Envelope("custom_role", RoleJson(c, *rec));
  });

  r.Post("/api/v2/custom_roles", Access::kAdmin, [](ApiContext& c) {
    auto body = ParseEnvelope(c, "custom_role");
    if (!body.ok()) return Fail(c, body.status());
    auto in = ParseRole(*body);
    if (!in.ok()) return Fail(c, in.status());
    auto rec = c.svc.custom_roles.Create(c.ctx, *in);
    if (!rec.ok()) return Fail(c, rec.status());
    return Envelope("custom_role", RoleJson(c, *rec), 201,
                    c.base_url + "/custom_roles/" + std::to_string(rec->role.id.value) + ".json");
  });

  r.Put("/api/v2/custom_roles/{id}", Access::kAdmin, [](ApiContext& c) {
    auto id = PathId(c);
    if (!id.ok()) return Fail(c, id.status());
    auto body = ParseEnvelope(c, "custom_role");
    if (!body.ok()) return Fail(c, body.status());
    auto in = ParseRole(*body);
    if (!in.ok()) return Fail(c, in.status());
    auto rec = c.svc.custom_roles.Update(c.ctx, CustomRoleId(*id), *in);
    if (!rec.ok()) return Fail(c, rec.status());
    return Envelope("custom_role", RoleJson(c, *rec));
  });

  r.Delete("/api/v2/custom_roles/{id}", Access::kAdmin, [](ApiContext& c) {
    auto id = PathId(c);
    if (!id.ok()) return Fail(c, id.status());
    Status st = c.svc.custom_roles.Delete(c.ctx, CustomRoleId(*id));
    if (!st.ok()) return Fail(c, st);
    return NoContent();
  });
}

}  // namespace comptoir::api
