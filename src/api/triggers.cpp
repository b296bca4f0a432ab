// /api/v2/triggers and /api/v2/trigger_categories (reference §3.4): business rules run on
// every ticket create and update. Agents read; admins change. Lists are ordered as the
// triggers run (category position, then position) and paged by offset or cursor.
#include <algorithm>

#include "api_internal.hpp"
#include "comptoir/rules/rules.hpp"

namespace comptoir::api {

namespace {

constexpr const char* kTriggers = "/api/v2/triggers";
constexpr const char* kCategories = "/api/v2/trigger_categories";

http::Response Fail(const ApiContext& c, const Status& st) {
  return ErrorResponse(st, c.req.request_id);
}

json::value CategoryIdJson(domain::TriggerCategoryId id) {
  return id ? json::value(std::to_string(id.value)) : json::value(nullptr);
}

json::object TriggerJson(const ApiContext& c, const domain::Trigger& t) {
  return {{"url", c.base_url + "/triggers/" + std::to_string(t.id.value) + ".json"},
          {"id", t.id.value},
          {"title", t.title},
          {"raw_title", t.raw_title.empty() ? t.title : t.raw_title},
          {"description", StringOrNull(t.description)},
          {"active", t.active},
          {"position", t.position},
          {"default", t.is_default},
          {"category_id", CategoryIdJson(t.category_id)},
          {"conditions", rules::ConditionsToJson(t.conditions)},
          {"actions", rules::ActionsToJson(t.actions)},
          {"created_at", Iso(t.created_at)},
          {"updated_at", Iso(t.updated_at)}};
}

json::object CategoryJson(const domain::TriggerCategory& cat) {
  return {{"id", std::to_string(cat.id.value)},
          {"name", cat.name},
          {"position", cat.position},
          {"created_at", Iso(cat.created_at)},
          {"updated_at", Iso(cat.updated_at)}};
}

Result<services::TriggerInput> ParseTrigger(const json::object& o) {
  services::TriggerInput in;
  Validation v;
  Reader r(o, v);
  in.title = r.String("title");
  in.description = r.String("description");
  in.active = r.Bool("active");
  if (const auto* p = o.if_contains("position"); p && !p->is_null()) {
    in.position = PositionOf(*p);
    if (!in.position) v.Add("position", "InvalidValue", "Position: must be a whole number");
  }
  if (const auto* cid = o.if_contains("category_id")) {
    if (cid->is_null() || (cid->is_string() && cid->get_string().empty())) {
      in.category_id = 0;
    } else if (auto id = IdOf(*cid)) {
      in.category_id = *id;
    } else {
      v.Add("category_id", "InvalidValue", "Category: must be an id");
    }
  }
  if (const auto* cat = o.if_contains("category"); cat && !cat->is_null()) {
    if (!cat->is_object()) {
      v.Add("category", "InvalidValue", "Category: must be an object");
    } else {
      const auto& co = cat->get_object();
      const auto* name = co.if_contains("name");
      if (name && name->is_string()) in.new_category_name = std::string(name->get_string());
      if (const auto* p = co.if_contains("position"); p && !p->is_null()) {
        in.new_category_position = PositionOf(*p);
      }
      if (!in.new_category_name) v.Add("category", "BlankValue", "Category name: is required");
    }
  }
  COMPTOIR_RETURN_IF_ERROR(v.Finish());
  if (const auto* c = o.if_contains("conditions")) {
    auto parsed = rules::ParseConditions(*c);
    if (!parsed.ok()) return parsed.status();
    in.conditions = *parsed;
  }
  if (const auto* a = o.if_contains("actions")) {
    auto parsed = rules::ParseActions(*a);
    if (!parsed.ok()) return parsed.status();
    in.actions = *parsed;
  }
  return in;
}

http::Response ListTriggers(ApiContext& c, services::TriggerFilter f) {
  auto active = QueryBool(c, "active");
  if (!active.ok()) return Fail(c, active.status());
  if (*active) f.active = *active;
  if (const auto* cat = c.req.Query("category_id"); cat && !cat->empty()) {
    auto id = IdOf(json::value(*cat));
    if (!id) return Fail(c, InvalidArgument("category_id must be an id"));
    f.category_id = *id;
  }
  const std::string* sort_by = c.req.Query("sort_by");
  if (!sort_by) sort_by = c.req.Query("sort");
  if (sort_by && !sort_by->empty()) {
    static const std::string_view kSorts[] = {"position", "alphabetical", "title", "created_at",
                                              "updated_at"};
    std::string s = *sort_by;
    if (!s.empty() && s[0] == '-') {
      s.erase(0, 1);
      f.sort_order = "desc";
    }
    // usage_1h, usage_24h, usage_7d, usage_30d: usage is not counted; position order.
    const bool usage = s == "usage_1h" || s == "usage_24h" || s == "usage_7d" || s == "usage_30d";
    if (!usage && std::find(std::begin(kSorts), std::end(kSorts), s) == std::end(kSorts)) {
      return Fail(c, InvalidArgument("sort_by must be one of position, alphabetical, "
                                     "created_at, updated_at, usage_1h, usage_24h, usage_7d, "
                                     "usage_30d"));
    }
    f.sort_by = usage ? "position" : s;
  }
  if (const auto* o = c.req.Query("sort_order"); o && !o->empty()) {
    if (*o != "asc" && *o != "desc")
      return Fail(c, InvalidArgument("sort_order must be asc or desc"));
    f.sort_order = *o;
  }
  auto list = c.svc.triggers.List(c.ctx, f);
  if (!list.ok()) return Fail(c, list.status());
  return PagedList(c, "triggers", *list,
                   [&](const domain::Trigger& t) { return TriggerJson(c, t); });
}

// `required` false: no "triggers" (or null) is no patch (the batch of categories).
Result<std::vector<services::TriggerPatch>> ParsePatches(const json::object& body,
                                                         bool required = true) {
  if (!required) {
    const auto* v = body.if_contains("triggers");
    if (v == nullptr || v->is_null()) return std::vector<services::TriggerPatch>{};
  }
  auto patches = ParseRulePatches(body, "triggers");
  if (!patches.ok()) return patches.status();
  std::vector<services::TriggerPatch> out;
  for (const auto& rp : *patches) {
    services::TriggerPatch p;
    p.id = domain::TriggerId(rp.id);
    p.position = rp.position;
    p.active = rp.active;
    if (const auto* cid = rp.item->if_contains("category_id")) {
      if (cid->is_null()) {
        p.category_id = 0;
      } else if (auto x = IdOf(*cid)) {
        p.category_id = *x;
      } else {
        return Invalid("category_id", "InvalidValue", "Category: must be an id");
      }
    }
    out.push_back(p);
  }
  return out;
}

void RegisterTriggerRoutesImpl(Routes& r) {
  const std::string base = kTriggers;
  r.Get(base, Access::kStaff, [](ApiContext& c) { return ListTriggers(c, {}); });

  r.Get(base + "/active", Access::kStaff, [](ApiContext& c) {
    services::TriggerFilter f;
    f.active = true;
    return ListTriggers(c, f);
  });

  r.Get(base + "/search", Access::kStaff, [](ApiContext& c) {
    services::TriggerFilter f;
    const std::string* q = c.req.Query("query");
    if (q) f.query = *q;
    // filter[json]={"title": "…", "active": true}: the same, as JSON.
    if (const std::string* fj = c.req.Query("filter[json]"); fj && !fj->empty()) {
      boost::system::error_code ec;
      auto v = json::parse(*fj, ec);
      if (ec || !v.is_object()) return Fail(c, InvalidArgument("filter[json] must be an object"));
      if (const auto* t = v.get_object().if_contains("title"); t && t->is_string()) {
        f.query = std::string(t->get_string());
      }
      if (const auto* a = v.get_object().if_contains("active"); a && a->is_bool()) {
        f.active = a->get_bool();
      }
    } else if (!q) {
      return Fail(c, InvalidArgument("query is required"));
    }
    return ListTriggers(c, f);
  });

  r.Get(base + "/definitions", Access::kStaff, [](ApiContext& c) {
    auto d = c.svc.triggers.Definitions(c.ctx);
    if (!d.ok()) return Fail(c, d.status());
    return JsonResponse(200, json::object{{"definitions", std::move(*d)}});
  });

  r.Post(base, Access::kAdmin, [](ApiContext& c) {
    auto body = ParseEnvelope(c, "trigger");
    if (!body.ok()) return Fail(c, body.status());
    auto in = ParseTrigger(*body);
    if (!in.ok()) return Fail(c, in.status());
    if (!in->title) return Fail(c, Invalid("title", "BlankValue", "Title: cannot be blank"));
    if (!in->actions) return Fail(c, Invalid("actions", "BlankValue", "Actions: cannot be blank"));
    auto t = c.svc.triggers.Create(c.ctx, *in);
    if (!t.ok()) return Fail(c, t.status());
    return Envelope("trigger", TriggerJson(c, *t), 201,
                    c.base_url + "/triggers/" + std::to_string(t->id.value) + ".json");
  });

  r.Put(base + "/update_many", Access::kAdmin, [](ApiContext& c) {
    auto body = ParseBody(c);
    if (!body.ok()) return Fail(c, body.status());
    auto patches = ParsePatches(*body);
    if (!patches.ok()) return Fail(c, patches.status());
    auto list = c.svc.triggers.UpdateMany(c.ctx, *patches);
    if (!list.ok()) return Fail(c, list.status());
    json::array items;
    for (const auto& t : *list) items.push_back(TriggerJson(c, t));
    return JsonResponse(200, json::object{{"triggers", std::move(items)}});
  });

  r.Put(base + "/reorder", Access::kAdmin, [](ApiContext& c) {
    auto body = ParseBody(c);
    if (!body.ok()) return Fail(c, body.status());
    const auto* raw = body->if_contains("trigger_ids");
    if (!raw || !raw->is_array()) {
      return Fail(c, InvalidArgument("trigger_ids must be a list of ids"));
    }
    std::vector<domain::TriggerId> ids;
    for (const auto& e : raw->get_array()) {
      auto id = IdOf(e);
      if (!id) return Fail(c, InvalidArgument("trigger_ids must be a list of ids"));
      ids.emplace_back(*id);
    }
    auto list = c.svc.triggers.Reorder(c.ctx, ids);
    if (!list.ok()) return Fail(c, list.status());
    json::array items;
    for (const auto& t : *list) items.push_back(TriggerJson(c, t));
    return JsonResponse(200, json::object{{"triggers", std::move(items)}});
  });

  r.Delete(base + "/destroy_many", Access::kAdmin, [](ApiContext& c) {
    auto ids = DestroyManyIds(c);
    if (!ids.ok()) return Fail(c, ids.status());
    std::vector<domain::TriggerId> list;
    for (auto id : *ids) list.emplace_back(id);
    Status st = c.svc.triggers.DestroyMany(c.ctx, list);
    if (!st.ok()) return Fail(c, st);
    return NoContent();
  });

  r.Get(base + "/{id}", Access::kStaff, [](ApiContext& c) {
    auto id = PathId(c);
    if (!id.ok()) return Fail(c, id.status());
    auto t = c.svc.triggers.Get(c.ctx, domain::TriggerId(*id));
    if (!t.ok()) return Fail(c, t.status());
    return Envelope("trigger", TriggerJson(c, *t));
  });

  r.Put(base + "/{id}", Access::kAdmin, [](ApiContext& c) {
    auto id = PathId(c);
    if (!id.ok()) return Fail(c, id.status());
    auto body = ParseEnvelope(c, "trigger");
    if (!body.ok()) return Fail(c, body.status());
    auto in = ParseTrigger(*body);
    if (!in.ok()) return Fail(c, in.status());
    auto t = c.svc.triggers.Update(c.ctx, domain::TriggerId(*id), *in);
    if (!t.ok()) return Fail(c, t.status());
    return Envelope("trigger", TriggerJson(c, *t));
  });

  r.Delete(base + "/{id}", Access::kAdmin, [](ApiContext& c) {
    auto id = PathId(c);
    if (!id.ok()) return Fail(c, id.status());
    Status st = c.svc.triggers.Delete(c.ctx, domain::TriggerId(*id));
    if (!st.ok()) return Fail(c, st);
    return NoContent();
  });
}

Result<services::CategoryInput> ParseCategory(const json::object& o) {
  services::CategoryInput in;
  Validation v;
  Reader r(o, v);
  in.name = r.String("name");
  if (const auto* p = o.if_contains("position"); p && !p->is_null()) {
    in.position = PositionOf(*p);
    if (!in.position) v.Add("position", "InvalidValue", "Position: must be a whole number");
  }
  COMPTOIR_RETURN_IF_ERROR(v.Finish());
  return in;
}

void RegisterCategoryRoutes(Routes& r) {
  const std::string base = kCategories;
  r.Get(base, Access::kStaff, [](ApiContext& c) {
    auto list = c.svc.triggers.ListCategories(c.ctx);
    if (!list.ok()) return Fail(c, list.status());
    return PagedList(c, "trigger_categories", *list,
                     [](const domain::TriggerCategory& cat) { return CategoryJson(cat); });
  });

  r.Post(base, Access::kAdmin, [](ApiContext& c) {
    auto body = ParseEnvelope(c, "trigger_category");
    if (!body.ok()) return Fail(c, body.status());
    auto in = ParseCategory(*body);
    if (!in.ok()) return Fail(c, in.status());
    auto cat = c.svc.triggers.CreateCategory(c.ctx, *in);
    if (!cat.ok()) return Fail(c, cat.status());
    return Envelope("trigger_category", CategoryJson(*cat), 201);
  });

  r.Post(base + "/jobs", Access::kAdmin, [](ApiContext& c) {
    auto body = ParseEnvelope(c, "job");
    if (!body.ok()) return Fail(c, body.status());
    const auto* action = body->if_contains("action");
    if (!action || !action->is_string() || action->get_string() != "patch") {
      return Fail(c, Invalid("action", "InvalidValue", "Action: must be patch"));
    }
    const auto* items = body->if_contains("items");
    if (!items || !items->is_object()) {
      return Fail(c, Invalid("items", "InvalidValue", "Items: must be an object"));
    }
    std::vector<services::TriggerService::CategoryPatch> cats;
    if (const auto* l = items->get_object().if_contains("trigger_categories"); l && l->is_array()) {
      for (const auto& e : l->get_array()) {
        const auto* id = e.is_object() ? e.get_object().if_contains("id") : nullptr;
        auto parsed = id ? IdOf(*id) : std::nullopt;
        if (!parsed)
          return Fail(c, Invalid("trigger_categories", "InvalidValue", "each needs an id"));
        services::TriggerService::CategoryPatch p;
        p.id = domain::TriggerCategoryId(*parsed);
        if (const auto* pos = e.get_object().if_contains("position"); pos && !pos->is_null()) {
          p.position = PositionOf(*pos);
        }
        cats.push_back(p);
      }
    }
    auto patches = ParsePatches(items->get_object(), /*required=*/false);
    if (!patches.ok()) return Fail(c, patches.status());
    Status st = c.svc.triggers.PatchMany(c.ctx, cats, *patches);
    if (!st.ok()) {
      if (st.code() == ErrorCode::kPermissionDenied) return Fail(c, st);
      std::string msg =
          st.code() == ErrorCode::kNotFound ? "A trigger or category was not found" : st.message();
      if (!st.details().empty()) msg = st.details().front().description;
      return JsonResponse(
          200, json::object{
                   {"status", "failed"},
                   {"results", nullptr},
                   {"errors", json::array{json::object{{"title", "Invalid"}, {"message", msg}}}}});
    }
    auto list = c.svc.triggers.ListCategories(c.ctx);
    if (!list.ok()) return Fail(c, list.status());
    json::array out_cats;
    for (const auto& cat : *list) out_cats.push_back(CategoryJson(cat));
    auto trig = c.svc.triggers.List(c.ctx, {});
    if (!trig.ok()) return Fail(c, trig.status());
    json::array out_triggers;
    for (const auto& t : *trig) {
      bool patched = std::any_of(patches->begin(), patches->end(),
                                 [&](const services::TriggerPatch& p) { return p.id == t.id; });
      if (patched) out_triggers.push_back(TriggerJson(c, t));
    }
    return JsonResponse(200, json::object{{"status", "complete"},
                                          {"results", json::object{{"trigger_categories", out_cats},
                                                                   {"triggers", out_triggers}}}});
  });

  r.Get(base + "/{id}", Access::kStaff, [](ApiContext& c) {
    auto id = PathId(c);
    if (!id.ok()) return Fail(c, id.status());
    auto cat = c.svc.triggers.GetCategory(c.ctx, domain::TriggerCategoryId(*id));
    if (!cat.ok()) return Fail(c, cat.status());
    return Envelope("trigger_category", CategoryJson(*cat));
  });

  r.Patch(base + "/{id}", Access::kAdmin, [](ApiContext& c) {
    auto id = PathId(c);
    if (!id.ok()) return Fail(c, id.status());
    auto body = ParseEnvelope(c, "trigger_category");
    if (!body.ok()) return Fail(c, body.status());
    auto in = ParseCategory(*body);
    if (!in.ok()) return Fail(c, in.status());
    auto cat = c.svc.triggers.UpdateCategory(c.ctx, domain::TriggerCategoryId(*id), *in);
    if (!cat.ok()) return Fail(c, cat.status());
    return Envelope("trigger_category", CategoryJson(*cat));
  });

  r.Delete(base + "/{id}", Access::kAdmin, [](ApiContext& c) {
    auto id = PathId(c);
    if (!id.ok()) return Fail(c, id.status());
    Status st = c.svc.triggers.DeleteCategory(c.ctx, domain::TriggerCategoryId(*id));
    if (!st.ok()) return Fail(c, st);
    return NoContent();
  });
}

}  // namespace

void RegisterTriggerRoutes(Routes& r) {
  RegisterTriggerRoutesImpl(r);
  RegisterCategoryRoutes(r);
}

}  // namespace comptoir::api
