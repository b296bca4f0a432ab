// /api/v2/users: profiles, search, bulk jobs, passwords, tags and merge.
#include <map>
#include <set>

#include "api_internal.hpp"
#include "comptoir/domain/validation.hpp"

namespace comptoir::api {

namespace {

using services::UserInput;

// Fills a UserInput from {"user": {...}}; type errors become 422 problems.
Result<UserInput> ParseUser(const json::object& o) {
  Validation v;
  Reader r(o, v);
  UserInput in;
  in.name = r.String("name");
  in.email = r.String("email");
  in.phone = r.String("phone");
  in.external_id = r.String("external_id");
  in.alias = r.String("alias");
  in.details = r.String("details");
  in.notes = r.String("notes");
  in.signature = r.String("signature");
  in.locale = r.String("locale");
  if (!in.locale && o.contains("locale_id")) in.locale = "en-US";
  in.time_zone = r.String("time_zone");
  if (!in.time_zone) in.time_zone = r.String("iana_time_zone");
  in.role = r.String("role");
  in.custom_role_id = r.Int("custom_role_id");
  in.organization_id = r.Int("organization_id");
  in.default_group_id = r.Int("default_group_id");
  if (auto org = r.Object("organization"); org && org->contains("name")) {
    Reader orr(*org, v);
    in.organization_name = orr.String("name");
  }
  in.verified = r.Bool("verified");
  in.suspended = r.Bool("suspended");
  in.shared = r.Bool("shared");
  in.moderator = r.Bool("moderator");
  in.only_private_comments = r.Bool("only_private_comments");
  in.restricted_agent = r.Bool("restricted_agent");
  in.tags = r.Strings("tags");
  in.user_fields = r.Object("user_fields");
  in.password = r.String("password", /*null_is_empty=*/false);
  if (const auto* ids = r.Raw("identities")) {
    if (!ids->is_array()) {
      v.Add("identities", "InvalidValue", "identities: must be a list");
    } else {
      for (const auto& e : ids->get_array()) {
        if (!e.is_object()) {
          v.Add("identities", "InvalidValue", "identities: each must be an object");
          continue;
        }
        Reader ir(e.get_object(), v);
        services::IdentityInput id;
        id.type = ir.String("type").value_or("");
        id.value = ir.String("value").value_or("");
        id.verified = ir.Bool("verified").value_or(false);
        id.primary = ir.Bool("primary").value_or(false);
        in.identities.push_back(std::move(id));
      }
    }
  }
  COMPTOIR_RETURN_IF_ERROR(v.Finish());
  return in;
}

// Every defined user field appears in user_fields, null when the user has no value.
json::object FieldsWithDefinitions(const ApiContext& c, const json::object& values) {
  if (!c.user_field_keys) {
    std::vector<std::string> keys;
    (void)c.svc.env.store.Read([&](storage::Transaction& tx) {
      if (auto defs = tx.custom_fields().List(c.ctx.account(), domain::FieldOwner::kUser);
          defs.ok()) {
        for (const auto& f : *defs) keys.push_back(f.key);
      }
      return Status::Ok();
    });
    c.user_field_keys = std::move(keys);
  }
  json::object out;
  for (const auto& k : *c.user_field_keys) {
    const auto* v = values.if_contains(k);
    out[k] = v ? *v : json::value(nullptr);
  }
  return out;
}

http::Response UserEnvelope(ApiContext& c, const domain::User& u, unsigned status = 200,
                            bool created = false) {
  std::string loc = created ? c.base_url + "/users/" + std::to_string(u.id.value) + ".json" : "";
  return Envelope("user", UserJson(c, u), status, loc);
}

// Adds the side-loads Zendesk offers on users: identities, organizations, groups.
void SideLoad(ApiContext& c, json::object& body, const std::vector<domain::User>& users) {
  std::vector<UserId> ids;
  for (const auto& u : users) ids.push_back(u.id);
  if (Includes(c, "identities")) {
    json::array arr;
    if (auto list = c.svc.users.IdentitiesOf(c.ctx, ids); list.ok()) {
      for (const auto& i : *list) arr.push_back(IdentityJson(c, i));
    }
    body["identities"] = std::move(arr);
  }
  if (Includes(c, "organizations") && c.actor().is_staff()) {
    std::set<std::int64_t> org_ids;
    for (const auto& u : users) {
      if (u.organization_id) org_ids.insert(u.organization_id.value);
    }
    json::array arr;
    std::vector<OrganizationId> v;
    for (auto id : org_ids) v.emplace_back(id);
    if (auto orgs = c.svc.organizations.GetMany(c.ctx, v); orgs.ok()) {
      for (const auto& o : *orgs) arr.push_back(OrganizationJson(c, o));
    }
    body["organizations"] = std::move(arr);
  }
  if (Includes(c, "groups") && c.actor().is_staff()) {
    std::set<std::int64_t> group_ids;
    json::array arr;
    (void)c.svc.env.store.Read([&](storage::Transaction& tx) {
      for (const auto& u : users) {
        storage::MembershipFilter f;
        f.user_id = u.id;
        storage::PageRequest p;
        p.limit = 1000;
        if (auto ms = tx.group_memberships().List(c.ctx.account(), f, p); ms.ok()) {
          for (const auto& m : ms->items) group_ids.insert(m.group_id.value);
        }
      }
      std::vector<GroupId> v;
      for (auto id : group_ids) v.emplace_back(id);
      if (auto groups = tx.groups().GetMany(c.ctx.account(), v); groups.ok()) {
        for (const auto& g : *groups) arr.push_back(GroupJson(c, g));
      }
      return Status::Ok();
    });
    body["groups"] = std::move(arr);
  }
}

Result<storage::UserFilter> ParseFilter(const ApiContext& c) {
  storage::UserFilter f;
  for (const auto& [k, v] : c.req.query) {
    if (k == "role" || k == "role[]") {
      for (const auto& name : SplitCsv(v)) {
        auto role = domain::ParseRole(name);
        if (!role) return InvalidArgument("Unknown role: " + name);
        f.roles.push_back(*role);
      }
    }
  }
  if (const auto* ext = c.req.Query("external_id")) f.external_id = *ext;
  return f;
}

http::Response ListUsers(ApiContext& c, storage::UserFilter f) {
  auto paging = ParsePaging(c);
  if (!paging.ok()) return ErrorResponse(paging.status(), c.req.request_id);
  auto page = c.svc.users.List(c.ctx, f, paging->req);
  if (!page.ok()) return ErrorResponse(page.status(), c.req.request_id);
  return ListResponse(
      c, "users", *paging, *page, [&](const domain::User& u) { return UserJson(c, u); },
      [&](json::object& body) { SideLoad(c, body, page->items); });
}

json::object UserResult(const Result<domain::User>& u, int index, const char* action,
                        const char* status) {
  if (!u.ok()) return ItemError(index, u.status());
  json::object r{{"id", u->id.value}, {"index", index}, {"status", status}, {"success", true}};
  if (std::string_view(action) != "create") r["action"] = action;
  return r;
}

}  // namespace

json::object UserJson(const ApiContext& c, const domain::User& u) {
  const bool staff_view = c.actor().is_staff();
  json::object o{
      {"id", u.id.value},
      {"url", c.base_url + "/users/" + std::to_string(u.id.value) + ".json"},
      {"name", u.name},
      {"email", StringOrNull(u.email)},
      {"created_at", Iso(u.created_at)},
      {"updated_at", Iso(u.updated_at)},
      {"time_zone", domain::ToRailsTimeZone(u.time_zone)},
      {"iana_time_zone", u.time_zone == "UTC" ? std::string("Etc/UTC") : u.time_zone},
      {"phone", StringOrNull(u.phone)},
      {"shared_phone_number", nullptr},
      {"photo", nullptr},
      {"locale_id", 1},
      {"locale", u.locale},
      {"organization_id", IdOrNull(u.organization_id.value)},
      {"role", domain::RoleName(u.role)},
      {"verified", u.verified},
      {"external_id", StringOrNull(u.external_id)},
      {"tags", StringArray(u.tags)},
      {"alias", StringOrNull(u.alias)},
      {"active", u.active},
      {"shared", u.shared},
      {"shared_agent", false},
      {"last_login_at", TimeOrNull(u.last_login_at)},
      {"two_factor_auth_enabled", false},
      {"signature", StringOrNull(u.signature)},
      {"details", StringOrNull(staff_view ? u.details : std::string())},
      {"notes", StringOrNull(staff_view ? u.notes : std::string())},
      {"role_type", u.role == domain::Role::kAdmin ? json::value(4)
                    : u.custom_role_id             ? json::value(0)
                                                   : json::value(nullptr)},
      {"custom_role_id", IdOrNull(u.custom_role_id.value)},
      {"moderator", u.moderator},
      {"ticket_restriction",
       u.role == domain::Role::kEndUser ? json::value("requested") : json::value(nullptr)},
      {"only_private_comments", u.only_private_comments},
      {"restricted_agent", u.role == domain::Role::kAgent && u.restricted_agent},
      {"suspended", u.suspended},
      {"chat_only", false},
      {"default_group_id", IdOrNull(u.default_group_id.value)},
      {"report_csv", u.role == domain::Role::kAdmin},
      {"user_fields", FieldsWithDefinitions(c, u.user_fields)},
  };
  return o;
}

json::object IdentityJson(const ApiContext& c, const domain::Identity& i) {
  return {{"id", i.id.value},
          {"url", c.base_url + "/users/" + std::to_string(i.user_id.value) + "/identities/" +
                      std::to_string(i.id.value) + ".json"},
          {"user_id", i.user_id.value},
          {"type", domain::IdentityTypeName(i.type)},
          {"value", i.value},
          {"verified", i.verified},
          {"primary", i.primary},
          {"deliverable_state", i.type == domain::IdentityType::kEmail ? json::value("deliverable")
                                                                       : json::value(nullptr)},
          {"undeliverable_count", 0},
          {"created_at", Iso(i.created_at)},
          {"updated_at", Iso(i.updated_at)}};
}

void RegisterUserRoutes(Routes& r) {
  r.Get("/api/v2/users/me", Access::kPublic, [](ApiContext& c) {
    if (!c.authenticated) {
      return Envelope("user", json::object{{"id", nullptr},
                                           {"url", nullptr},
                                           {"name", "Anonymous user"},
                                           {"email", "invalid@example.com"},
                                           {"role", "end-user"},
                                           {"locale", "en-US"},
                                           {"time_zone", "UTC"},
                                           {"active", true},
                                           {"verified", false},
                                           {"user_fields", json::object{}}});
    }
    auto u = c.svc.users.Get(c.ctx, c.actor().user_id);
    if (!u.ok()) return ErrorResponse(u.status(), c.req.request_id);
    json::object body{{"user", UserJson(c, *u)}};
    SideLoad(c, body, {*u});
    return JsonResponse(200, body);
  });

  r.Get("/api/v2/users", Access::kStaff, [](ApiContext& c) {
    auto f = ParseFilter(c);
    if (!f.ok()) return ErrorResponse(f.status(), c.req.request_id);
    return ListUsers(c, *f);
  });

  r.Get("/api/v2/users/count", Access::kStaff, [](ApiContext& c) {
    auto f = ParseFilter(c);
    if (!f.ok()) return ErrorResponse(f.status(), c.req.request_id);
    auto n = c.svc.users.Count(c.ctx, *f);
    if (!n.ok()) return ErrorResponse(n.status(), c.req.request_id);
    return CountResponse(c, *n);
  });

  r.Get("/api/v2/users/search", Access::kStaff, [](ApiContext& c) {
    // ?query= is the search language (search.cpp); ?external_id= an exact lookup.
    if (const std::string* sq = c.req.Query("query"); sq && !sq->empty()) return SearchUsers(c);
    storage::UserFilter f;
    const std::string* q = c.req.Query("query");
    const std::string* ext = c.req.Query("external_id");
    if (ext) f.external_id = *ext;
    if (q) {
      std::string query = *q;
      // Zendesk-style field prefixes are accepted: email:x, name:x, phone:x, external_id:x.
      for (const char* prefix : {"email:", "name:", "phone:", "external_id:", "user:"}) {
        if (query.rfind(prefix, 0) == 0) query = query.substr(std::strlen(prefix));
      }
      if (query.size() >= 2 && query.front() == '"' && query.back() == '"') {
        query = query.substr(1, query.size() - 2);
      }
      f.query = query;
    }
    if ((!q || f.query.empty()) && !ext) {
      return ErrorResponse(InvalidArgument("query or external_id is required"), c.req.request_id);
    }
    return ListUsers(c, f);
  });

  r.Get("/api/v2/users/autocomplete", Access::kStaff, [](ApiContext& c) {
    const std::string* name = c.req.Query("name");
    if (!name || name->size() < 2) {
      return ErrorResponse(InvalidArgument("name must have at least 2 characters"),
                           c.req.request_id);
    }
    storage::UserFilter f;
    f.name_prefix = *name;
    return ListUsers(c, f);
  });

  r.Get("/api/v2/users/show_many", Access::kStaff, [](ApiContext& c) {
    Result<std::vector<domain::User>> users = std::vector<domain::User>{};
    if (const auto* ids = c.req.Query("ids")) {
      auto list = IdList(*ids);
      if (!list.ok()) return ErrorResponse(list.status(), c.req.request_id);
      std::vector<UserId> uids;
      for (auto id : *list) uids.emplace_back(id);
      users = c.svc.users.GetMany(c.ctx, uids);
    } else if (const auto* ext = c.req.Query("external_ids")) {
      users = c.svc.users.GetManyByExternalIds(c.ctx, SplitCsv(*ext));
    } else {
      return ErrorResponse(InvalidArgument("ids or external_ids is required"), c.req.request_id);
    }
    if (!users.ok()) return ErrorResponse(users.status(), c.req.request_id);
    json::array arr;
    for (const auto& u : *users) arr.push_back(UserJson(c, u));
    json::object body{{"users", std::move(arr)},
                      {"next_page", nullptr},
                      {"previous_page", nullptr},
                      {"count", users->size()}};
    SideLoad(c, body, *users);
    return JsonResponse(200, body);
  });

  r.Get("/api/v2/users/{id}", Access::kSignedIn, [](ApiContext& c) {
    auto id = PathId(c);
    if (!id.ok()) return ErrorResponse(id.status(), c.req.request_id);
    auto u = c.svc.users.Get(c.ctx, UserId(*id));
    if (!u.ok()) return ErrorResponse(u.status(), c.req.request_id);
    json::object body{{"user", UserJson(c, *u)}};
    SideLoad(c, body, {*u});
    return JsonResponse(200, body);
  });

  r.Get("/api/v2/users/{id}/related", Access::kStaff, [](ApiContext& c) {
    auto id = PathId(c);
    if (!id.ok()) return ErrorResponse(id.status(), c.req.request_id);
    auto u = c.svc.users.Get(c.ctx, UserId(*id));
    if (!u.ok()) return ErrorResponse(u.status(), c.req.request_id);
    std::int64_t orgs = 0;
    (void)c.svc.env.store.Read([&](storage::Transaction& tx) {
      storage::MembershipFilter f;
      f.user_id = u->id;
      storage::PageRequest p;
      p.count = true;
      p.limit = 1;
      if (auto l = tx.organization_memberships().List(c.ctx.account(), f, p); l.ok()) {
        orgs = l->total;
      }
      return Status::Ok();
    });
    auto count = [&](auto set) -> std::int64_t {
      storage::TicketFilter f;
      set(f);
      auto n = c.svc.tickets.Count(c.ctx, f);
      return n.ok() ? *n : 0;
    };
    return Envelope(
        "user_related",
        json::object{
            {"assigned_tickets", count([&](storage::TicketFilter& f) { f.assignee_id = u->id; })},
            {"requested_tickets", count([&](storage::TicketFilter& f) { f.requester_id = u->id; })},
            {"ccd_tickets", count([&](storage::TicketFilter& f) { f.cc_user_id = u->id; })},
            {"organization_subscriptions", 0},
            {"organizations", orgs}});
  });

  r.Post("/api/v2/users", Access::kStaff, [](ApiContext& c) {
    auto body = ParseEnvelope(c, "user");
    if (!body.ok()) return ErrorResponse(body.status(), c.req.request_id);
    auto in = ParseUser(*body);
    if (!in.ok()) return ErrorResponse(in.status(), c.req.request_id);
    auto u = c.svc.users.Create(c.ctx, *in);
    if (!u.ok()) return ErrorResponse(u.status(), c.req.request_id);
    return UserEnvelope(c, *u, 201, true);
  });

  r.Post("/api/v2/users/create_or_update", Access::kStaff, [](ApiContext& c) {
    auto body = ParseEnvelope(c, "user");
    if (!body.ok()) return ErrorResponse(body.status(), c.req.request_id);
    auto in = ParseUser(*body);
    if (!in.ok()) return ErrorResponse(in.status(), c.req.request_id);
    auto u = c.svc.users.CreateOrUpdate(c.ctx, *in);
    if (!u.ok()) return ErrorResponse(u.status(), c.req.request_id);
    return UserEnvelope(c, u->first, u->second ? 201 : 200, u->second);
  });

  auto bulk = [](std::string kind) {
    return [kind](ApiContext& c) {
      auto body = ParseBody(c);
      if (!body.ok()) return ErrorResponse(body.status(), c.req.request_id);
      const auto* users = body->if_contains("users");
      if (!users || !users->is_array()) {
        return ErrorResponse(InvalidArgument("users must be a list"), c.req.request_id);
      }
      return EnqueueJob(c, kind, users->get_array());
    };
  };
  r.Post("/api/v2/users/create_many", Access::kStaff, bulk("users.create_many"));
  r.Post("/api/v2/users/create_or_update_many", Access::kStaff,
         bulk("users.create_or_update_many"));

  r.Put("/api/v2/users/update_many", Access::kStaff, [](ApiContext& c) {
    auto body = ParseBody(c);
    if (!body.ok()) return ErrorResponse(body.status(), c.req.request_id);
    if (c.req.Query("ids") || c.req.Query("external_ids")) {
      const auto* user = body->if_contains("user");
      if (!user || !user->is_object()) {
        return ErrorResponse(InvalidArgument("user must be an object"), c.req.request_id);
      }
      auto items = TargetItems(c, user->get_object());
      if (!items.ok()) return ErrorResponse(items.status(), c.req.request_id);
      return EnqueueJob(c, "users.update_many", std::move(items).value());
    }
    const auto* users = body->if_contains("users");
    if (!users || !users->is_array()) {
      return ErrorResponse(InvalidArgument("ids with user, or users, is required"),
                           c.req.request_id);
    }
    return EnqueueJob(c, "users.update_many", users->get_array());
  });

  r.Delete("/api/v2/users/destroy_many", Access::kStaff, [](ApiContext& c) {
    auto items = TargetItems(c, {});
    if (!items.ok()) return ErrorResponse(items.status(), c.req.request_id);
    return EnqueueJob(c, "users.destroy_many", std::move(items).value());
  });

  r.Put("/api/v2/users/{id}", Access::kSignedIn, [](ApiContext& c) {
    auto id = PathId(c);
    if (!id.ok()) return ErrorResponse(id.status(), c.req.request_id);
    auto body = ParseEnvelope(c, "user");
    if (!body.ok()) return ErrorResponse(body.status(), c.req.request_id);
    auto in = ParseUser(*body);
    if (!in.ok()) return ErrorResponse(in.status(), c.req.request_id);
    auto u = c.svc.users.Update(c.ctx, UserId(*id), *in);
    if (!u.ok()) return ErrorResponse(u.status(), c.req.request_id);
    return UserEnvelope(c, *u);
  });

  r.Delete("/api/v2/users/{id}", Access::kStaff, [](ApiContext& c) {
    auto id = PathId(c);
    if (!id.ok()) return ErrorResponse(id.status(), c.req.request_id);
    auto u = c.svc.users.Delete(c.ctx, UserId(*id));
    if (!u.ok()) return ErrorResponse(u.status(), c.req.request_id);
    return UserEnvelope(c, *u);
  });

  r.Delete("/api/v2/deleted_users/{id}", Access::kAdmin, [](ApiContext& c) {
    auto id = PathId(c);
    if (!id.ok()) return ErrorResponse(id.status(), c.req.request_id);
    Status st = c.svc.users.DeletePermanently(c.ctx, UserId(*id));
    if (!st.ok()) return ErrorResponse(st, c.req.request_id);
    return NoContent();
  });

  r.Put("/api/v2/users/{id}/merge", Access::kStaff, [](ApiContext& c) {
    auto id = PathId(c);
    if (!id.ok()) return ErrorResponse(id.status(), c.req.request_id);
    auto body = ParseEnvelope(c, "user");
    if (!body.ok()) return ErrorResponse(body.status(), c.req.request_id);
    Validation v;
    Reader rd(*body, v);
    auto target = rd.Int("id", /*null_is_zero=*/false);
    if (!v.empty()) return ErrorResponse(v.Finish(), c.req.request_id);
    if (!target || *target == 0) {
      return ErrorResponse(Invalid("id", "BlankValue", "Target user id is required"),
                           c.req.request_id);
    }
    auto u = c.svc.users.Merge(c.ctx, UserId(*id), UserId(*target));
    if (!u.ok()) return ErrorResponse(u.status(), c.req.request_id);
    return UserEnvelope(c, *u);
  });

  // Passwords: POST by an admin sets it; PUT by the user changes their own.
  r.Post("/api/v2/users/{id}/password", Access::kAdmin, [](ApiContext& c) {
    auto id = PathId(c);
    if (!id.ok()) return ErrorResponse(id.status(), c.req.request_id);
    auto body = ParseBody(c);
    if (!body.ok()) return ErrorResponse(body.status(), c.req.request_id);
    Validation v;
    Reader rd(*body, v);
    auto pw = rd.String("password", false);
    if (!pw) v.Add("password", "BlankValue", "Password: cannot be blank");
    if (!v.empty()) return ErrorResponse(v.Finish(), c.req.request_id);
    Status st = c.svc.users.SetPassword(c.ctx, UserId(*id), *pw);
    if (!st.ok()) return ErrorResponse(st, c.req.request_id);
    return JsonResponse(200, json::object{});
  });
  r.Put("/api/v2/users/{id}/password", Access::kSignedIn, [](ApiContext& c) {
    auto id = PathId(c);
    if (!id.ok()) return ErrorResponse(id.status(), c.req.request_id);
    auto body = ParseBody(c);
    if (!body.ok()) return ErrorResponse(body.status(), c.req.request_id);
    Validation v;
    Reader rd(*body, v);
    auto prev = rd.String("previous_password", false);
    auto pw = rd.String("password", false);
    if (!pw) v.Add("password", "BlankValue", "Password: cannot be blank");
    if (!v.empty()) return ErrorResponse(v.Finish(), c.req.request_id);
    Status st = c.svc.users.ChangePassword(c.ctx, UserId(*id), prev.value_or(""), *pw);
    if (!st.ok()) return ErrorResponse(st, c.req.request_id);
    return JsonResponse(200, json::object{});
  });
  r.Get("/api/v2/users/{id}/password/requirements", Access::kSignedIn, [](ApiContext& c) {
    auto id = PathId(c);
    if (!id.ok()) return ErrorResponse(id.status(), c.req.request_id);
    if (auto u = c.svc.users.Get(c.ctx, UserId(*id)); !u.ok()) {
      return ErrorResponse(u.status(), c.req.request_id);
    }
    return Envelope("requirements", json::array{"must be at least 8 characters",
                                                "must mix letters with digits or symbols",
                                                "must not be your email address"});
  });

  // Tags: GET list, POST replace, PUT add, DELETE remove.
  auto tags = [](services::UserService::TagOp op, bool read_only) {
    return [op, read_only](ApiContext& c) {
      auto id = PathId(c);
      if (!id.ok()) return ErrorResponse(id.status(), c.req.request_id);
      if (read_only) {
        auto u = c.svc.users.Get(c.ctx, UserId(*id));
        if (!u.ok()) return ErrorResponse(u.status(), c.req.request_id);
        return Envelope("tags", StringArray(u->tags));
      }
      auto tags_in = ParseTagRequest(c);
      if (!tags_in.ok()) return ErrorResponse(tags_in.status(), c.req.request_id);
      auto result = c.svc.users.ChangeTags(c.ctx, UserId(*id), op, tags_in->tags);
      if (!result.ok()) return ErrorResponse(result.status(), c.req.request_id);
      return Envelope("tags", StringArray(*result));
    };
  };
  using Op = services::UserService::TagOp;
  r.Get("/api/v2/users/{id}/tags", Access::kStaff, tags(Op::kSet, true));
  r.Post("/api/v2/users/{id}/tags", Access::kStaff, tags(Op::kSet, false));
  r.Put("/api/v2/users/{id}/tags", Access::kStaff, tags(Op::kAdd, false));
  r.Delete("/api/v2/users/{id}/tags", Access::kStaff, tags(Op::kRemove, false));

  r.Get("/api/v2/audit_logs", Access::kAdmin, [](ApiContext& c) {
    auto paging = ParsePaging(c);
    if (!paging.ok()) return ErrorResponse(paging.status(), c.req.request_id);
    paging->req.descending = true;
    std::string type;
    std::int64_t source_id = 0;
    if (const auto* t = c.req.Query("filter[source_type]")) type = *t;
    if (const auto* s = c.req.Query("filter[source_id]")) source_id = std::atoll(s->c_str());
    Result<storage::Page<domain::AuditLogEntry>> page = storage::Page<domain::AuditLogEntry>{};
    (void)c.svc.env.store.Read([&](storage::Transaction& tx) {
      page = tx.audit_logs().List(c.ctx.account(), type, source_id, paging->req);
      return Status::Ok();
    });
    if (!page.ok()) return ErrorResponse(page.status(), c.req.request_id);
    json::array items;
    std::int64_t first = 0, last = 0;
    for (const auto& e : page->items) {
      if (!first) first = e.id;
      last = e.id;
      items.push_back(
          json::object{{"id", e.id},
                       {"url", c.base_url + "/audit_logs/" + std::to_string(e.id) + ".json"},
                       {"actor_id", IdOrNull(e.actor_id.value)},
                       {"source_id", e.source_id},
                       {"source_type", e.source_type},
                       {"source_label", e.source_label},
                       {"action", e.action},
                       {"change_description", e.change_description},
                       {"ip_address", StringOrNull(e.ip_address)},
                       {"created_at", Iso(e.created_at)}});
    }
    json::object body{{"audit_logs", std::move(items)}};
    AddPagination(body, c, *paging, page->has_more, page->has_before, page->total, first, last);
    return JsonResponse(200, body);
  });
}

void RegisterUserJobs(services::Services& svc) {
  // Resolves an item's target user id (by "id" or by external id for the *_many forms).
  auto target_of = [&svc](const services::Context& ctx, const json::object& o) -> Result<UserId> {
    if (const auto* id = o.if_contains("id"); id && id->is_int64()) return UserId(id->get_int64());
    if (const auto* ext = o.if_contains("external_id_lookup"); ext && ext->is_string()) {
      auto users = svc.users.GetManyByExternalIds(ctx, {std::string(ext->get_string())});
      if (!users.ok()) return users.status();
      if (users->empty()) return NotFound();
      return users->front().id;
    }
    return Invalid("id", "BlankValue", "id is required");
  };
  svc.jobs.Register("users.create_many",
                    [&svc](const services::Context& ctx, const json::value& item, int index) {
                      if (!item.is_object())
                        return ItemError(index, InvalidArgument("each user must be an object"));
                      auto in = ParseUser(item.get_object());
                      if (!in.ok()) return ItemError(index, in.status());
                      return UserResult(svc.users.Create(ctx, *in), index, "create", "Created");
                    });
  svc.jobs.Register("users.create_or_update_many",
                    [&svc](const services::Context& ctx, const json::value& item, int index) {
                      if (!item.is_object())
                        return ItemError(index, InvalidArgument("each user must be an object"));
                      auto in = ParseUser(item.get_object());
                      if (!in.ok()) return ItemError(index, in.status());
                      auto r = svc.users.CreateOrUpdate(ctx, *in);
                      if (!r.ok()) return ItemError(index, r.status());
                      return UserResult(r->first, index, r->second ? "create" : "update",
                                        r->second ? "Created" : "Updated");
                    });
  svc.jobs.Register("users.update_many", [&svc, target_of](const services::Context& ctx,
                                                           const json::value& item, int index) {
    if (!item.is_object()) return ItemError(index, InvalidArgument("each user must be an object"));
    json::object o = item.get_object();
    auto target = target_of(ctx, o);
    if (!target.ok()) return ItemError(index, target.status());
    o.erase("id");
    o.erase("external_id_lookup");
    auto in = ParseUser(o);
    if (!in.ok()) return ItemError(index, in.status());
    return UserResult(svc.users.Update(ctx, *target, *in), index, "update", "Updated");
  });
  svc.jobs.Register("users.destroy_many", [&svc, target_of](const services::Context& ctx,
                                                            const json::value& item, int index) {
    if (!item.is_object()) return ItemError(index, InvalidArgument("bad item"));
    auto target = target_of(ctx, item.get_object());
    if (!target.ok()) return ItemError(index, target.status());
    return UserResult(svc.users.Delete(ctx, *target), index, "delete", "Deleted");
  });
}

}  // namespace comptoir::api
