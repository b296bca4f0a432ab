// /api/v2/organizations and /api/v2/organization_memberships: organisations, their
// tags, members and bulk jobs, and the memberships that tie users to them.
#include "api_internal.hpp"

namespace comptoir::api {

namespace {

using services::MembershipInput;
using services::OrganizationInput;
using services::OrganizationMembershipView;

// Zendesk accepts domain_names as a list or as one space-separated string.
std::vector<std::string> SplitDomains(const std::vector<std::string>& raw) {
  std::vector<std::string> out;
  for (const auto& s : raw) {
    std::string cur;
    for (char ch : s) {
      if (ch == ' ' || ch == ',' || ch == '\t' || ch == '\n') {
        if (!cur.empty()) out.push_back(std::move(cur));
        cur.clear();
      } else {
        cur += ch;
      }
    }
    if (!cur.empty()) out.push_back(std::move(cur));
  }
  return out;
}

// Fills an OrganizationInput from {"organization": {...}}; type errors become 422s.
Result<OrganizationInput> ParseOrganization(const json::object& o) {
  Validation v;
  Reader r(o, v);
  OrganizationInput in;
  in.name = r.String("name", /*null_is_empty=*/true);
  in.external_id = r.String("external_id");
  in.details = r.String("details");
  in.notes = r.String("notes");
  in.group_id = r.Int("group_id");
  in.shared_tickets = r.Bool("shared_tickets");
  in.shared_comments = r.Bool("shared_comments");
  in.tags = r.Strings("tags");
  if (auto d = r.Strings("domain_names")) in.domain_names = SplitDomains(*d);
  in.organization_fields = r.Object("organization_fields");
  COMPTOIR_RETURN_IF_ERROR(v.Finish());
  return in;
}

Result<MembershipInput> ParseMembership(const json::object& o) {
  Validation v;
  Reader r(o, v);
  MembershipInput in;
  in.user_id = r.Int("user_id").value_or(0);
  in.organization_id = r.Int("organization_id").value_or(0);
  in.is_default = r.Bool("default");
  in.view_tickets = r.Bool("view_tickets");
  COMPTOIR_RETURN_IF_ERROR(v.Finish());
  return in;
}

std::string OrganizationUrl(const ApiContext& c, OrganizationId id) {
  return c.base_url + "/organizations/" + std::to_string(id.value) + ".json";
}

std::string MembershipUrl(const ApiContext& c, OrganizationMembershipId id) {
  return c.base_url + "/organization_memberships/" + std::to_string(id.value) + ".json";
}

json::object MembershipJson(const ApiContext& c, const OrganizationMembershipView& m) {
  return {{"id", m.id.value},
          {"url", MembershipUrl(c, m.id)},
          {"user_id", m.user_id.value},
          {"organization_id", m.organization_id.value},
          {"organization_name", m.organization_name},
          {"default", m.is_default},
          {"view_tickets", m.view_tickets},
          {"created_at", Iso(m.created_at)},
          {"updated_at", Iso(m.updated_at)}};
}

http::Response Fail(const ApiContext& c, const Status& st) {
  return ErrorResponse(st, c.req.request_id);
}

http::Response OrganizationList(ApiContext& c, const Paging& paging,
                                const Result<storage::Page<domain::Organization>>& page) {
  if (!page.ok()) return Fail(c, page.status());
  return ListResponse(c, "organizations", paging, *page,
                      [&](const domain::Organization& o) { return OrganizationJson(c, o); });
}

http::Response ListOrganizations(ApiContext& c, const storage::OrganizationFilter& f) {
  auto paging = ParsePaging(c);
  if (!paging.ok()) return Fail(c, paging.status());
  return OrganizationList(c, *paging, c.svc.organizations.List(c.ctx, f, paging->req));
}

http::Response ListMemberships(ApiContext& c, const storage::MembershipFilter& f) {
  auto paging = ParsePaging(c);
  if (!paging.ok()) return Fail(c, paging.status());
  auto page = c.svc.organizations.ListMemberships(c.ctx, f, paging->req);
  if (!page.ok()) return Fail(c, page.status());
  return ListResponse(c, "organization_memberships", *paging, *page,
                      [&](const OrganizationMembershipView& m) { return MembershipJson(c, m); });
}

http::Response MembershipEnvelope(ApiContext& c, const OrganizationMembershipView& m,
                                  bool created) {
  return Envelope("organization_membership", MembershipJson(c, m), 200,
                  created ? MembershipUrl(c, m.id) : std::string());
}

http::Response MembershipList(ApiContext& c,
                              const Result<std::vector<OrganizationMembershipView>>& list) {
  if (!list.ok()) return Fail(c, list.status());
  json::array arr;
  for (const auto& m : *list) arr.push_back(MembershipJson(c, m));
  return Envelope("organization_memberships", std::move(arr));
}

// The tags of an organisation: GET list, POST replace, PUT add, DELETE remove.
ApiHandler TagsHandler(services::OrganizationService::TagOp op, bool read_only) {
  return [op, read_only](ApiContext& c) {
    auto id = PathId(c);
    if (!id.ok()) return Fail(c, id.status());
    if (read_only) {
      auto tags = c.svc.organizations.Tags(c.ctx, OrganizationId(*id));
      if (!tags.ok()) return Fail(c, tags.status());
      return Envelope("tags", StringArray(*tags));
    }
    std::vector<std::string> list;
    if (!c.req.body.empty()) {
      auto body = ParseBody(c);
      if (!body.ok()) return Fail(c, body.status());
      Validation v;
      Reader rd(*body, v);
      list = rd.Strings("tags").value_or(std::vector<std::string>{});
      if (!v.empty()) return Fail(c, v.Finish());
    } else if (const auto* q = c.req.Query("tags")) {
      list = SplitCsv(*q);
    }
    auto result = c.svc.organizations.ChangeTags(c.ctx, OrganizationId(*id), op, list);
    if (!result.ok()) return Fail(c, result.status());
    return Envelope("tags", StringArray(*result));
  };
}

void RegisterOrganizationResourceRoutes(Routes& r) {
  r.Get("/api/v2/organizations", Access::kStaff,
        [](ApiContext& c) { return ListOrganizations(c, {}); });

  r.Get("/api/v2/organizations/count", Access::kStaff, [](ApiContext& c) {
    auto n = c.svc.organizations.Count(c.ctx, {});
    if (!n.ok()) return Fail(c, n.status());
    return CountResponse(c, *n);
  });

  r.Get("/api/v2/organizations/show_many", Access::kStaff, [](ApiContext& c) {
    Result<std::vector<domain::Organization>> orgs = std::vector<domain::Organization>{};
    if (const auto* ids = c.req.Query("ids")) {
      auto list = IdList(*ids);
      if (!list.ok()) return Fail(c, list.status());
      std::vector<OrganizationId> oids;
      for (auto id : *list) oids.emplace_back(id);
      orgs = c.svc.organizations.GetMany(c.ctx, oids);
    } else if (const auto* ext = c.req.Query("external_ids")) {
      orgs = c.svc.organizations.GetManyByExternalIds(c.ctx, SplitCsv(*ext));
    } else {
      return Fail(c, InvalidArgument("ids or external_ids is required"));
    }
    if (!orgs.ok()) return Fail(c, orgs.status());
    json::array arr;
    for (const auto& o : *orgs) arr.push_back(OrganizationJson(c, o));
    return JsonResponse(200, json::object{{"organizations", std::move(arr)},
                                          {"next_page", nullptr},
                                          {"previous_page", nullptr},
                                          {"count", orgs->size()}});
  });

  r.Get("/api/v2/organizations/search", Access::kStaff, [](ApiContext& c) {
    storage::OrganizationFilter f;
    if (const auto* ext = c.req.Query("external_id")) f.external_id = *ext;
    if (const auto* name = c.req.Query("name")) f.name = *name;
    if (f.external_id.empty() && f.name.empty()) {
      return Fail(c, InvalidArgument("external_id or name is required"));
    }
    return ListOrganizations(c, f);
  });

  r.Get("/api/v2/organizations/autocomplete", Access::kStaff, [](ApiContext& c) {
    const std::string* name = c.req.Query("name");
    auto paging = ParsePaging(c);
    if (!paging.ok()) return Fail(c, paging.status());
    return OrganizationList(
        c, *paging, c.svc.organizations.Autocomplete(c.ctx, name ? *name : "", paging->req));
  });

  r.Post("/api/v2/organizations", Access::kStaff, [](ApiContext& c) {
    auto body = ParseEnvelope(c, "organization");
    if (!body.ok()) return Fail(c, body.status());
    auto in = ParseOrganization(*body);
    if (!in.ok()) return Fail(c, in.status());
    auto o = c.svc.organizations.Create(c.ctx, *in);
    if (!o.ok()) return Fail(c, o.status());
    return Envelope("organization", OrganizationJson(c, *o), 201, OrganizationUrl(c, o->id));
  });

  r.Post("/api/v2/organizations/create_or_update", Access::kStaff, [](ApiContext& c) {
    auto body = ParseEnvelope(c, "organization");
    if (!body.ok()) return Fail(c, body.status());
    Validation v;
    Reader rd(*body, v);
    auto id = rd.Int("id");
    if (!v.empty()) return Fail(c, v.Finish());
    auto in = ParseOrganization(*body);
    if (!in.ok()) return Fail(c, in.status());
    auto o = c.svc.organizations.CreateOrUpdate(c.ctx, OrganizationId(id.value_or(0)), *in);
    if (!o.ok()) return Fail(c, o.status());
    const auto& [org, created] = *o;
    return Envelope("organization", OrganizationJson(c, org), 200,
                    created ? OrganizationUrl(c, org.id) : std::string());
  });

  r.Post("/api/v2/organizations/create_many", Access::kStaff, [](ApiContext& c) {
    auto body = ParseBody(c);
    if (!body.ok()) return Fail(c, body.status());
    const auto* orgs = body->if_contains("organizations");
    if (!orgs || !orgs->is_array()) {
      return Fail(c, InvalidArgument("organizations must be a list"));
    }
    return EnqueueJob(c, "organizations.create_many", orgs->get_array());
  });

  r.Put("/api/v2/organizations/update_many", Access::kStaff, [](ApiContext& c) {
    auto body = ParseBody(c);
    if (!body.ok()) return Fail(c, body.status());
    if (c.req.Query("ids") || c.req.Query("external_ids")) {
      const auto* org = body->if_contains("organization");
      if (!org || !org->is_object()) {
        return Fail(c, InvalidArgument("organization must be an object"));
      }
      auto items = TargetItems(c, org->get_object());
      if (!items.ok()) return Fail(c, items.status());
      return EnqueueJob(c, "organizations.update_many", std::move(items).value());
    }
    const auto* orgs = body->if_contains("organizations");
    if (!orgs || !orgs->is_array()) {
      return Fail(c, InvalidArgument("ids with organization, or organizations, is required"));
    }
    return EnqueueJob(c, "organizations.update_many", orgs->get_array());
  });

  r.Delete("/api/v2/organizations/destroy_many", Access::kStaff, [](ApiContext& c) {
    auto items = TargetItems(c, {});
    if (!items.ok()) return Fail(c, items.status());
    return EnqueueJob(c, "organizations.destroy_many", std::move(items).value());
  });

  r.Get("/api/v2/organizations/{id}", Access::kSignedIn, [](ApiContext& c) {
    auto id = PathId(c);
    if (!id.ok()) return Fail(c, id.status());
    auto o = c.svc.organizations.Get(c.ctx, OrganizationId(*id));
    if (!o.ok()) return Fail(c, o.status());
    return Envelope("organization", OrganizationJson(c, *o));
  });

  r.Put("/api/v2/organizations/{id}", Access::kStaff, [](ApiContext& c) {
    auto id = PathId(c);
    if (!id.ok()) return Fail(c, id.status());
    auto body = ParseEnvelope(c, "organization");
    if (!body.ok()) return Fail(c, body.status());
    auto in = ParseOrganization(*body);
    if (!in.ok()) return Fail(c, in.status());
    auto o = c.svc.organizations.Update(c.ctx, OrganizationId(*id), *in);
    if (!o.ok()) return Fail(c, o.status());
    return Envelope("organization", OrganizationJson(c, *o));
  });

  r.Delete("/api/v2/organizations/{id}", Access::kStaff, [](ApiContext& c) {
    auto id = PathId(c);
    if (!id.ok()) return Fail(c, id.status());
    Status st = c.svc.organizations.Delete(c.ctx, OrganizationId(*id));
    if (!st.ok()) return Fail(c, st);
    return NoContent();
  });

  r.Get("/api/v2/organizations/{id}/related", Access::kStaff, [](ApiContext& c) {
    auto id = PathId(c);
    if (!id.ok()) return Fail(c, id.status());
    auto rel = c.svc.organizations.Related(c.ctx, OrganizationId(*id));
    if (!rel.ok()) return Fail(c, rel.status());
    return Envelope("organization_related", json::object{{"tickets_count", rel->tickets_count},
                                                         {"users_count", rel->users_count}});
  });

  r.Get("/api/v2/organizations/{id}/users", Access::kStaff, [](ApiContext& c) {
    auto id = PathId(c);
    if (!id.ok()) return Fail(c, id.status());
    auto o = c.svc.organizations.Get(c.ctx, OrganizationId(*id));
    if (!o.ok()) return Fail(c, o.status());
    auto paging = ParsePaging(c);
    if (!paging.ok()) return Fail(c, paging.status());
    storage::UserFilter f;
    f.organization_id = o->id;
    auto page = c.svc.users.List(c.ctx, f, paging->req);
    if (!page.ok()) return Fail(c, page.status());
    return ListResponse(c, "users", *paging, *page,
                        [&](const domain::User& u) { return UserJson(c, u); });
  });

  using Op = services::OrganizationService::TagOp;
  r.Get("/api/v2/organizations/{id}/tags", Access::kStaff, TagsHandler(Op::kSet, true));
  r.Post("/api/v2/organizations/{id}/tags", Access::kStaff, TagsHandler(Op::kSet, false));
  r.Put("/api/v2/organizations/{id}/tags", Access::kStaff, TagsHandler(Op::kAdd, false));
  r.Delete("/api/v2/organizations/{id}/tags", Access::kStaff, TagsHandler(Op::kRemove, false));

  r.Get("/api/v2/users/{id}/organizations", Access::kSignedIn, [](ApiContext& c) {
    auto id = PathId(c);
    if (!id.ok()) return Fail(c, id.status());
    auto paging = ParsePaging(c);
    if (!paging.ok()) return Fail(c, paging.status());
    return OrganizationList(c, *paging,
                            c.svc.organizations.ListForUser(c.ctx, UserId(*id), paging->req));
  });

  r.Get("/api/v2/users/{id}/organizations/count", Access::kSignedIn, [](ApiContext& c) {
    auto id = PathId(c);
    if (!id.ok()) return Fail(c, id.status());
    auto n = c.svc.organizations.CountForUser(c.ctx, UserId(*id));
    if (!n.ok()) return Fail(c, n.status());
    return CountResponse(c, *n);
  });
}

void RegisterMembershipRoutes(Routes& r) {
  // End users see only their own memberships here.
  r.Get("/api/v2/organization_memberships", Access::kSignedIn, [](ApiContext& c) {
    storage::MembershipFilter f;
    if (!c.actor().is_staff()) f.user_id = c.actor().user_id;
    return ListMemberships(c, f);
  });

  r.Get("/api/v2/organization_memberships/{id}", Access::kSignedIn, [](ApiContext& c) {
    auto id = PathId(c);
    if (!id.ok()) return Fail(c, id.status());
    auto m = c.svc.organizations.GetMembership(c.ctx, OrganizationMembershipId(*id));
    if (!m.ok()) return Fail(c, m.status());
    return MembershipEnvelope(c, *m, false);
  });

  auto create = [](bool user_in_path) {
    return [user_in_path](ApiContext& c) {
      auto body = ParseEnvelope(c, "organization_membership");
      if (!body.ok()) return Fail(c, body.status());
      auto in = ParseMembership(*body);
      if (!in.ok()) return Fail(c, in.status());
      if (user_in_path) {
        auto uid = PathId(c, "user_id");
        if (!uid.ok()) return Fail(c, uid.status());
        // The user of the path is a resource: 404 when unknown, like every {user_id} route.
        if (auto u = c.svc.users.Get(c.ctx, UserId(*uid)); !u.ok()) return Fail(c, u.status());
        in->user_id = *uid;
      }
      auto m = c.svc.organizations.CreateMembership(c.ctx, *in);
      if (!m.ok()) return Fail(c, m.status());
      return MembershipEnvelope(c, *m, true);
    };
  };
  r.Post("/api/v2/organization_memberships", Access::kStaff, create(false));
  r.Post("/api/v2/users/{user_id}/organization_memberships", Access::kStaff, create(true));

  auto remove = [](bool user_in_path) {
    return [user_in_path](ApiContext& c) {
      auto id = PathId(c);
      if (!id.ok()) return Fail(c, id.status());
      UserId user;
      if (user_in_path) {
        auto uid = PathId(c, "user_id");
        if (!uid.ok()) return Fail(c, uid.status());
        user = UserId(*uid);
      }
      Status st = c.svc.organizations.DeleteMembership(c.ctx, OrganizationMembershipId(*id), user);
      if (!st.ok()) return Fail(c, st);
      return NoContent();
    };
  };
  r.Delete("/api/v2/organization_memberships/{id}", Access::kStaff, remove(false));
  r.Delete("/api/v2/users/{user_id}/organization_memberships/{id}", Access::kStaff, remove(true));

  r.Post("/api/v2/organization_memberships/create_many", Access::kStaff, [](ApiContext& c) {
    auto body = ParseBody(c);
    if (!body.ok()) return Fail(c, body.status());
    const auto* list = body->if_contains("organization_memberships");
    if (!list || !list->is_array()) {
      return Fail(c, InvalidArgument("organization_memberships must be a list"));
    }
    return EnqueueJob(c, "organization_memberships.create_many", list->get_array());
  });

  r.Delete("/api/v2/organization_memberships/destroy_many", Access::kStaff, [](ApiContext& c) {
    const auto* ids = c.req.Query("ids");
    if (!ids) return Fail(c, InvalidArgument("ids is required"));
    auto list = IdList(*ids);
    if (!list.ok()) return Fail(c, list.status());
    json::array items;
    for (auto id : *list) items.push_back(json::object{{"id", id}});
    return EnqueueJob(c, "organization_memberships.destroy_many", std::move(items));
  });

  r.Get("/api/v2/users/{id}/organization_memberships", Access::kSignedIn, [](ApiContext& c) {
    auto id = PathId(c);
    if (!id.ok()) return Fail(c, id.status());
    storage::MembershipFilter f;
    f.user_id = UserId(*id);
    return ListMemberships(c, f);
  });

  r.Get("/api/v2/users/{user_id}/organization_memberships/{id}", Access::kSignedIn,
        [](ApiContext& c) {
          auto uid = PathId(c, "user_id");
          if (!uid.ok()) return Fail(c, uid.status());
          auto id = PathId(c);
          if (!id.ok()) return Fail(c, id.status());
          auto m =
              c.svc.organizations.GetMembership(c.ctx, OrganizationMembershipId(*id), UserId(*uid));
          if (!m.ok()) return Fail(c, m.status());
          return MembershipEnvelope(c, *m, false);
        });

  r.Get("/api/v2/organizations/{id}/organization_memberships", Access::kStaff, [](ApiContext& c) {
    auto id = PathId(c);
    if (!id.ok()) return Fail(c, id.status());
    storage::MembershipFilter f;
    f.organization_id = OrganizationId(*id);
    return ListMemberships(c, f);
  });

  r.Put("/api/v2/users/{user_id}/organization_memberships/{id}/make_default", Access::kStaff,
        [](ApiContext& c) {
          auto uid = PathId(c, "user_id");
          if (!uid.ok()) return Fail(c, uid.status());
          auto id = PathId(c);
          if (!id.ok()) return Fail(c, id.status());
          return MembershipList(c, c.svc.organizations.MakeDefault(c.ctx, UserId(*uid),
                                                                   OrganizationMembershipId(*id)));
        });

  r.Put("/api/v2/users/{user_id}/organizations/{organization_id}/make_default", Access::kStaff,
        [](ApiContext& c) {
          auto uid = PathId(c, "user_id");
          if (!uid.ok()) return Fail(c, uid.status());
          auto oid = PathId(c, "organization_id");
          if (!oid.ok()) return Fail(c, oid.status());
          auto all = c.svc.organizations.MakeDefaultOrganization(c.ctx, UserId(*uid),
                                                                 OrganizationId(*oid));
          if (!all.ok()) return Fail(c, all.status());
          for (const auto& m : *all) {
            if (m.is_default) return MembershipEnvelope(c, m, false);
          }
          return Fail(c, NotFound());
        });

  r.Delete(
      "/api/v2/users/{user_id}/organizations/{organization_id}", Access::kStaff, [](ApiContext& c) {
        auto uid = PathId(c, "user_id");
        if (!uid.ok()) return Fail(c, uid.status());
        auto oid = PathId(c, "organization_id");
        if (!oid.ok()) return Fail(c, oid.status());
        Status st =
            c.svc.organizations.RemoveFromOrganization(c.ctx, UserId(*uid), OrganizationId(*oid));
        if (!st.ok()) return Fail(c, st);
        return NoContent();
      });
}

// Result objects of bulk items.
json::object Created(OrganizationId id, int index) {
  return {{"id", id.value}, {"index", index}, {"status", "Created"}};
}
json::object Done(std::int64_t id, int index, const char* action, const char* status) {
  return {{"id", id}, {"index", index}, {"action", action}, {"status", status}, {"success", true}};
}

// An item's target organisation: "id", or "external_id_lookup" from ?external_ids=.
Result<OrganizationId> TargetOf(services::Services& svc, const services::Context& ctx,
                                const json::object& o) {
  if (const auto* id = o.if_contains("id")) {
    if (id->is_int64() && id->get_int64() > 0) return OrganizationId(id->get_int64());
    if (id->is_uint64()) return OrganizationId(static_cast<std::int64_t>(id->get_uint64()));
    return Invalid("id", "InvalidValue", "id must be an organization id");
  }
  if (const auto* ext = o.if_contains("external_id_lookup"); ext && ext->is_string()) {
    auto orgs = svc.organizations.GetManyByExternalIds(ctx, {std::string(ext->get_string())});
    if (!orgs.ok()) return orgs.status();
    if (orgs->empty()) return NotFound();
    return orgs->front().id;
  }
  return Invalid("id", "BlankValue", "id is required");
}

}  // namespace

json::object OrganizationJson(const ApiContext& c, const domain::Organization& o) {
  return {{"id", o.id.value},
          {"url", OrganizationUrl(c, o.id)},
          {"name", o.name},
          {"shared_tickets", o.shared_tickets},
          {"shared_comments", o.shared_comments},
          {"external_id", StringOrNull(o.external_id)},
          {"created_at", Iso(o.created_at)},
          {"updated_at", Iso(o.updated_at)},
          {"domain_names", StringArray(o.domain_names)},
          {"details", StringOrNull(o.details)},
          {"notes", StringOrNull(o.notes)},
          {"group_id", IdOrNull(o.group_id.value)},
          {"tags", StringArray(o.tags)},
          {"organization_fields", o.organization_fields}};
}

void RegisterOrganizationRoutes(Routes& r) {
  RegisterOrganizationResourceRoutes(r);
  RegisterMembershipRoutes(r);
}

void RegisterOrganizationJobs(services::Services& svc) {
  svc.jobs.Register("organizations.create_many", [&svc](const services::Context& ctx,
                                                        const json::value& item, int index) {
    if (!item.is_object()) {
      return ItemError(index, InvalidArgument("each organization must be an object"));
    }
    auto in = ParseOrganization(item.get_object());
    if (!in.ok()) return ItemError(index, in.status());
    auto o = svc.organizations.Create(ctx, *in);
    if (!o.ok()) return ItemError(index, o.status());
    return Created(o->id, index);
  });

  svc.jobs.Register("organizations.update_many", [&svc](const services::Context& ctx,
                                                        const json::value& item, int index) {
    if (!item.is_object()) {
      return ItemError(index, InvalidArgument("each organization must be an object"));
    }
    json::object o = item.get_object();
    auto target = TargetOf(svc, ctx, o);
    if (!target.ok()) return ItemError(index, target.status());
    o.erase("id");
    o.erase("external_id_lookup");
    auto in = ParseOrganization(o);
    if (!in.ok()) return ItemError(index, in.status());
    auto updated = svc.organizations.Update(ctx, *target, *in);
    if (!updated.ok()) return ItemError(index, updated.status());
    return Done(target->value, index, "update", "Updated");
  });

  svc.jobs.Register("organizations.destroy_many",
                    [&svc](const services::Context& ctx, const json::value& item, int index) {
                      if (!item.is_object()) return ItemError(index, InvalidArgument("bad item"));
                      auto target = TargetOf(svc, ctx, item.get_object());
                      if (!target.ok()) return ItemError(index, target.status());
                      Status st = svc.organizations.Delete(ctx, *target);
                      if (!st.ok()) return ItemError(index, st);
                      return Done(target->value, index, "delete", "Deleted");
                    });

  svc.jobs.Register(
      "organization_memberships.create_many",
      [&svc](const services::Context& ctx, const json::value& item, int index) {
        if (!item.is_object()) {
          return ItemError(index, InvalidArgument("each membership must be an object"));
        }
        auto in = ParseMembership(item.get_object());
        if (!in.ok()) return ItemError(index, in.status());
        auto m = svc.organizations.CreateMembership(ctx, *in);
        if (!m.ok()) return ItemError(index, m.status());
        return json::object{{"id", m->id.value}, {"index", index}, {"status", "Created"}};
      });

  svc.jobs.Register("organization_memberships.destroy_many", [&svc](const services::Context& ctx,
                                                                    const json::value& item,
                                                                    int index) {
    const auto* id = item.is_object() ? item.get_object().if_contains("id") : nullptr;
    if (!id || !id->is_int64()) {
      return ItemError(index, InvalidArgument("bad item"));
    }
    Status st = svc.organizations.DeleteMembership(ctx, OrganizationMembershipId(id->get_int64()));
    if (!st.ok()) return ItemError(index, st);
    return Done(id->get_int64(), index, "delete", "Deleted");
  });
}

}  // namespace comptoir::api
