// /api/v2/groups and /api/v2/group_memberships (reference §2.9), with the per-user and
// per-group views and the bulk membership jobs.
#include "api_internal.hpp"

namespace comptoir::api {

namespace {

using services::GroupInput;
using services::GroupMembershipInput;

http::Response Fail(const ApiContext& c, const Status& st) {
  return ErrorResponse(st, c.req.request_id);
}

Result<GroupInput> ParseGroup(const json::object& o) {
  Validation v;
  Reader r(o, v);
  GroupInput in;
  in.name = r.String("name", /*null_is_empty=*/true);
  in.description = r.String("description");
  in.is_default = r.Bool("default");
  in.is_public = r.Bool("is_public");
  COMPTOIR_RETURN_IF_ERROR(v.Finish());
  return in;
}

Result<GroupMembershipInput> ParseMembership(const json::object& o) {
  Validation v;
  Reader r(o, v);
  GroupMembershipInput in;
  in.user_id = UserId(r.Int("user_id").value_or(0));
  in.group_id = GroupId(r.Int("group_id").value_or(0));
  in.is_default = r.Bool("default");
  COMPTOIR_RETURN_IF_ERROR(v.Finish());
  return in;
}

json::object MembershipJson(const ApiContext& c, const domain::GroupMembership& m) {
  return {{"id", m.id.value},
          {"url", c.base_url + "/group_memberships/" + std::to_string(m.id.value) + ".json"},
          {"user_id", m.user_id.value},
          {"group_id", m.group_id.value},
          {"default", m.is_default},
          {"created_at", Iso(m.created_at)},
          {"updated_at", Iso(m.updated_at)}};
}

http::Response GroupEnvelope(const ApiContext& c, const domain::Group& g, bool created = false) {
  std::string loc =
      created ? c.base_url + "/groups/" + std::to_string(g.id.value) + ".json" : std::string();
  return Envelope("group", GroupJson(c, g), 200, loc);
}

http::Response ListGroups(ApiContext& c) {
  auto paging = ParsePaging(c);
  if (!paging.ok()) return Fail(c, paging.status());
  auto page = c.svc.groups.List(c.ctx, storage::GroupFilter{}, paging->req);
  if (!page.ok()) return Fail(c, page.status());
  return ListResponse(c, "groups", *paging, *page,
                      [&](const domain::Group& g) { return GroupJson(c, g); });
}

// One page of memberships matching `f`.
http::Response ListMemberships(ApiContext& c, storage::MembershipFilter f) {
  auto paging = ParsePaging(c);
  if (!paging.ok()) return Fail(c, paging.status());
  auto page = c.svc.groups.ListMemberships(c.ctx, f, paging->req);
  if (!page.ok()) return Fail(c, page.status());
  return ListResponse(c, "group_memberships", *paging, *page,
                      [&](const domain::GroupMembership& m) { return MembershipJson(c, m); });
}

http::Response CreateMembership(ApiContext& c, UserId path_user) {
  auto body = ParseEnvelope(c, "group_membership");
  if (!body.ok()) return Fail(c, body.status());
  auto in = ParseMembership(*body);
  if (!in.ok()) return Fail(c, in.status());
  if (path_user) in->user_id = path_user;
  auto m = c.svc.groups.CreateMembership(c.ctx, *in);
  if (!m.ok()) return Fail(c, m.status());
  return Envelope("group_membership", MembershipJson(c, *m), 201,
                  c.base_url + "/group_memberships/" + std::to_string(m->id.value) + ".json");
}

json::object JobResult(const Status& st, std::int64_t id, int index, const char* action,
                       const char* status) {
  if (!st.ok()) return ItemError(index, st);
  json::object r{{"id", id}, {"index", index}, {"status", status}, {"success", true}};
  if (std::string_view(action) != "create") r["action"] = action;
  return r;
}

}  // namespace

json::object GroupJson(const ApiContext& c, const domain::Group& g) {
  return {{"id", g.id.value},
          {"url", c.base_url + "/groups/" + std::to_string(g.id.value) + ".json"},
          {"name", g.name},
          {"description", g.description},
          {"default", g.is_default},
          {"deleted", g.deleted},
          {"is_public", g.is_public},
          {"created_at", Iso(g.created_at)},
          {"updated_at", Iso(g.updated_at)}};
}

void RegisterGroupRoutes(Routes& r) {
  // --- groups ---
  r.Get("/api/v2/groups", Access::kStaff, ListGroups);
  r.Get("/api/v2/groups/assignable", Access::kStaff, ListGroups);

  r.Get("/api/v2/groups/count", Access::kStaff, [](ApiContext& c) {
    auto n = c.svc.groups.Count(c.ctx);
    if (!n.ok()) return Fail(c, n.status());
    return CountResponse(c, *n);
  });

  r.Get("/api/v2/groups/{id}", Access::kStaff, [](ApiContext& c) {
    auto id = PathId(c);
    if (!id.ok()) return Fail(c, id.status());
    auto g = c.svc.groups.Get(c.ctx, GroupId(*id));
    if (!g.ok()) return Fail(c, g.status());
    return GroupEnvelope(c, *g);
  });

  r.Post("/api/v2/groups", Access::kAdmin, [](ApiContext& c) {
    auto body = ParseEnvelope(c, "group");
    if (!body.ok()) return Fail(c, body.status());
    auto in = ParseGroup(*body);
    if (!in.ok()) return Fail(c, in.status());
    auto g = c.svc.groups.Create(c.ctx, *in);
    if (!g.ok()) return Fail(c, g.status());
    return GroupEnvelope(c, *g, /*created=*/true);
  });

  r.Put("/api/v2/groups/{id}", Access::kAdmin, [](ApiContext& c) {
    auto id = PathId(c);
    if (!id.ok()) return Fail(c, id.status());
    auto body = ParseEnvelope(c, "group");
    if (!body.ok()) return Fail(c, body.status());
    auto in = ParseGroup(*body);
    if (!in.ok()) return Fail(c, in.status());
    auto g = c.svc.groups.Update(c.ctx, GroupId(*id), *in);
    if (!g.ok()) return Fail(c, g.status());
    return GroupEnvelope(c, *g);
  });

  r.Delete("/api/v2/groups/{id}", Access::kAdmin, [](ApiContext& c) {
    auto id = PathId(c);
    if (!id.ok()) return Fail(c, id.status());
    Status st = c.svc.groups.Delete(c.ctx, GroupId(*id));
    if (!st.ok()) return Fail(c, st);
    return NoContent();
  });

  r.Get("/api/v2/users/{id}/groups", Access::kStaff, [](ApiContext& c) {
    auto id = PathId(c);
    if (!id.ok()) return Fail(c, id.status());
    auto groups = c.svc.groups.ListForUser(c.ctx, UserId(*id));
    if (!groups.ok()) return Fail(c, groups.status());
    json::array arr;
    for (const auto& g : *groups) arr.push_back(GroupJson(c, g));
    return JsonResponse(200, json::object{{"groups", std::move(arr)},
                                          {"next_page", nullptr},
                                          {"previous_page", nullptr},
                                          {"count", groups->size()}});
  });

  r.Get("/api/v2/users/{id}/groups/count", Access::kStaff, [](ApiContext& c) {
    auto id = PathId(c);
    if (!id.ok()) return Fail(c, id.status());
    auto groups = c.svc.groups.ListForUser(c.ctx, UserId(*id));
    if (!groups.ok()) return Fail(c, groups.status());
    return CountResponse(c, static_cast<std::int64_t>(groups->size()));
  });

  r.Get("/api/v2/groups/{id}/users", Access::kStaff, [](ApiContext& c) {
    auto id = PathId(c);
    if (!id.ok()) return Fail(c, id.status());
    auto g = c.svc.groups.Get(c.ctx, GroupId(*id));
    if (!g.ok()) return Fail(c, g.status());
    auto paging = ParsePaging(c);
    if (!paging.ok()) return Fail(c, paging.status());
    storage::UserFilter f;
    f.group_id = g->id;
    auto page = c.svc.users.List(c.ctx, f, paging->req);
    if (!page.ok()) return Fail(c, page.status());
    return ListResponse(c, "users", *paging, *page,
                        [&](const domain::User& u) { return UserJson(c, u); });
  });

  // --- memberships ---
  auto all = [](ApiContext& c) { return ListMemberships(c, {}); };
  r.Get("/api/v2/group_memberships", Access::kStaff, all);
  r.Get("/api/v2/group_memberships/assignable", Access::kStaff, all);

  auto by_group = [](ApiContext& c) {
    auto id = PathId(c);
    if (!id.ok()) return Fail(c, id.status());
    storage::MembershipFilter f;
    f.group_id = GroupId(*id);
    return ListMemberships(c, f);
  };
  r.Get("/api/v2/groups/{id}/memberships", Access::kStaff, by_group);
  r.Get("/api/v2/groups/{id}/memberships/assignable", Access::kStaff, by_group);

  r.Get("/api/v2/users/{id}/group_memberships", Access::kStaff, [](ApiContext& c) {
    auto id = PathId(c);
    if (!id.ok()) return Fail(c, id.status());
    storage::MembershipFilter f;
    f.user_id = UserId(*id);
    return ListMemberships(c, f);
  });

  auto show = [](bool by_user) {
    return [by_user](ApiContext& c) {
      auto id = PathId(c);
      if (!id.ok()) return Fail(c, id.status());
      UserId user;
      if (by_user) {
        auto uid = PathId(c, "user_id");
        if (!uid.ok()) return Fail(c, uid.status());
        user = UserId(*uid);
      }
      auto m = c.svc.groups.GetMembership(c.ctx, GroupMembershipId(*id), user);
      if (!m.ok()) return Fail(c, m.status());
      return Envelope("group_membership", MembershipJson(c, *m));
    };
  };
  r.Get("/api/v2/group_memberships/{id}", Access::kStaff, show(false));
  r.Get("/api/v2/users/{user_id}/group_memberships/{id}", Access::kStaff, show(true));

  auto remove = [](bool by_user) {
    return [by_user](ApiContext& c) {
      auto id = PathId(c);
      if (!id.ok()) return Fail(c, id.status());
      UserId user;
      if (by_user) {
        auto uid = PathId(c, "user_id");
        if (!uid.ok()) return Fail(c, uid.status());
        user = UserId(*uid);
      }
      Status st = c.svc.groups.DeleteMembership(c.ctx, GroupMembershipId(*id), user);
      if (!st.ok()) return Fail(c, st);
      return NoContent();
    };
  };
  r.Delete("/api/v2/group_memberships/{id}", Access::kAdmin, remove(false));
  r.Delete("/api/v2/users/{user_id}/group_memberships/{id}", Access::kAdmin, remove(true));

  r.Post("/api/v2/group_memberships", Access::kAdmin,
         [](ApiContext& c) { return CreateMembership(c, UserId()); });
  r.Post("/api/v2/users/{user_id}/group_memberships", Access::kAdmin, [](ApiContext& c) {
    auto uid = PathId(c, "user_id");
    if (!uid.ok()) return Fail(c, uid.status());
    // The user of the path is a resource: 404 when unknown, like every {user_id} route.
    if (auto u = c.svc.users.Get(c.ctx, UserId(*uid)); !u.ok()) return Fail(c, u.status());
    return CreateMembership(c, UserId(*uid));
  });

  r.Put("/api/v2/users/{user_id}/group_memberships/{id}/make_default", Access::kAdmin,
        [](ApiContext& c) {
          auto uid = PathId(c, "user_id");
          if (!uid.ok()) return Fail(c, uid.status());
          auto id = PathId(c);
          if (!id.ok()) return Fail(c, id.status());
          auto list = c.svc.groups.MakeDefault(c.ctx, UserId(*uid), GroupMembershipId(*id));
          if (!list.ok()) return Fail(c, list.status());
          json::array arr;
          for (const auto& m : *list) arr.push_back(MembershipJson(c, m));
          return Envelope("group_memberships", std::move(arr));
        });

  r.Post("/api/v2/group_memberships/create_many", Access::kAdmin, [](ApiContext& c) {
    auto body = ParseBody(c);
    if (!body.ok()) return Fail(c, body.status());
    const auto* items = body->if_contains("group_memberships");
    if (!items || !items->is_array()) {
      return Fail(c, InvalidArgument("group_memberships must be a list"));
    }
    return EnqueueJob(c, "group_memberships.create_many", items->get_array());
  });

  r.Delete("/api/v2/group_memberships/destroy_many", Access::kAdmin, [](ApiContext& c) {
    if (!c.req.Query("ids")) return Fail(c, InvalidArgument("ids is required"));
    auto items = TargetItems(c, {});
    if (!items.ok()) return Fail(c, items.status());
    return EnqueueJob(c, "group_memberships.destroy_many", std::move(items).value());
  });
}

void RegisterGroupJobs(services::Services& svc) {
  svc.jobs.Register("group_memberships.create_many", [&svc](const services::Context& ctx,
                                                            const json::value& item, int index) {
    if (!item.is_object()) {
      return ItemError(index, InvalidArgument("each group membership must be an object"));
    }
    auto in = ParseMembership(item.get_object());
    if (!in.ok()) return ItemError(index, in.status());
    auto m = svc.groups.CreateMembership(ctx, *in);
    if (!m.ok()) return ItemError(index, m.status());
    return JobResult(Status::Ok(), m->id.value, index, "create", "Created");
  });
  svc.jobs.Register("group_memberships.destroy_many", [&svc](const services::Context& ctx,
                                                             const json::value& item, int index) {
    const json::value* id = item.is_object() ? item.get_object().if_contains("id") : nullptr;
    if (!id || !id->is_int64()) return ItemError(index, InvalidArgument("id is required"));
    const std::int64_t mid = id->get_int64();
    return JobResult(svc.groups.DeleteMembership(ctx, GroupMembershipId(mid)), mid, index, "delete",
                     "Deleted");
  });
}

}  // namespace comptoir::api
