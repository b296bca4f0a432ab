// /api/v2/user_fields and /api/v2/organization_fields (reference §2.12): definitions,
// reorder and the options of dropdown fields. Both resources share one set of handlers.
#include "api_internal.hpp"

namespace comptoir::api {

namespace {

using domain::FieldOwner;

http::Response Fail(const ApiContext& c, const Status& st) {
  return ErrorResponse(st, c.req.request_id);
}

// The names one owner's fields go by on the wire.
struct Names {
  FieldOwner owner;
  std::string plural;    // "user_fields"
  std::string singular;  // "user_field"
  std::string base;      // "/api/v2/user_fields"
};

std::optional<int> SmallInt(Reader& r, std::string_view key, Validation& v) {
  auto n = r.Int(key, /*null_is_zero=*/false);
  if (!n) return std::nullopt;
  if (*n > 1'000'000) {
    v.Add(std::string(key), "InvalidValue", std::string(key) + ": is too large");
    return std::nullopt;
  }
  return static_cast<int>(*n);
}

services::FieldOptionInput ParseOption(const json::value& value, Validation& v) {
  if (!value.is_object()) {
    v.Add("custom_field_options", "InvalidValue", "custom_field_options: each must be an object");
    return services::FieldOptionInput{};
  }
  Reader r(value.get_object(), v);
  services::FieldOptionInput in;
  if (auto id = r.Int("id", /*null_is_zero=*/false); id && *id > 0) in.id = *id;
  in.name = r.String("name").value_or("");
  in.value = r.String("value").value_or("");
  in.position = SmallInt(r, "position", v);
  return in;
}

Result<services::CustomFieldInput> ParseField(const json::object& o) {
  Validation v;
  Reader r(o, v);
  services::CustomFieldInput in;
  in.key = r.String("key");
  in.type = r.String("type");
  in.title = r.String("title");
  in.description = r.String("description");
  in.regexp_for_validation = r.String("regexp_for_validation");
  in.tag = r.String("tag");
  in.position = SmallInt(r, "position", v);
  in.active = r.Bool("active");
  if (const auto* opts = r.Raw("custom_field_options"); opts && !opts->is_null()) {
    if (!opts->is_array()) {
      v.Add("custom_field_options", "InvalidValue", "custom_field_options: must be a list");
    } else {
      in.options.emplace();
      for (const auto& e : opts->get_array()) {
        in.options->push_back(ParseOption(e, v));
      }
    }
  }
  COMPTOIR_RETURN_IF_ERROR(v.Finish());
  return in;
}

json::object OptionJson(const ApiContext& c, const Names& n, FieldId field,
                        const domain::FieldOption& o) {
  return {{"id", o.id},
          {"url", c.base_url + "/" + n.plural + "/" + std::to_string(field.value) + "/options/" +
                      std::to_string(o.id) + ".json"},
          {"name", o.name},
          {"raw_name", o.name},
          {"value", o.value},
          {"position", o.position}};
}

json::object FieldJson(const ApiContext& c, const Names& n, const domain::CustomField& f) {
  json::object o{
      {"id", f.id.value},
      {"url", c.base_url + "/" + n.plural + "/" + std::to_string(f.id.value) + ".json"},
      {"key", f.key},
      {"type", f.type},
      {"title", f.title},
      {"raw_title", f.title},
      {"description", f.description},
      {"raw_description", f.description},
      {"position", f.position},
      {"active", f.active},
      {"system", false},
      {"regexp_for_validation", StringOrNull(f.regexp_for_validation)},
      {"tag", StringOrNull(f.tag)},
      {"created_at", Iso(f.created_at)},
      {"updated_at", Iso(f.updated_at)},
  };
  if (f.type == "dropdown") {
    json::array opts;
    for (const auto& opt : f.options) opts.push_back(OptionJson(c, n, f.id, opt));
    o["custom_field_options"] = std::move(opts);
  }
  return o;
}

void RegisterFor(Routes& r, const Names& names) {
  const std::string& base = names.base;
  // Handlers copy `names`: Routes keeps them beyond this call.
  r.Get(base, Access::kStaff, [names](ApiContext& c) {
    auto list = c.svc.custom_fields.List(c.ctx, names.owner);
    if (!list.ok()) return Fail(c, list.status());
    json::array arr;
    for (const auto& f : *list) arr.push_back(FieldJson(c, names, f));
    return JsonResponse(200, json::object{{names.plural, std::move(arr)},
                                          {"next_page", nullptr},
                                          {"previous_page", nullptr},
                                          {"count", list->size()}});
  });

  r.Post(base, Access::kAdmin, [names](ApiContext& c) {
    auto body = ParseEnvelope(c, names.singular);
    if (!body.ok()) return Fail(c, body.status());
    auto in = ParseField(*body);
    if (!in.ok()) return Fail(c, in.status());
    auto f = c.svc.custom_fields.Create(c.ctx, names.owner, *in);
    if (!f.ok()) return Fail(c, f.status());
    return Envelope(names.singular, FieldJson(c, names, *f), 201,
                    c.base_url + "/" + names.plural + "/" + std::to_string(f->id.value) + ".json");
  });

  r.Put(base + "/reorder", Access::kAdmin, [names](ApiContext& c) {
    auto body = ParseBody(c);
    if (!body.ok()) return Fail(c, body.status());
    const std::string key = names.singular + "_ids";
    const auto* ids = body->if_contains(key);
    if (!ids || !ids->is_array()) return Fail(c, InvalidArgument(key + " must be a list of ids"));
    std::vector<FieldId> order;
    for (const auto& e : ids->get_array()) {
      if (e.is_int64() && e.get_int64() > 0) {
        order.emplace_back(e.get_int64());
      } else if (e.is_string()) {
        auto parsed = IdList(e.get_string());
        if (!parsed.ok() || parsed->size() != 1) {
          return Fail(c, InvalidArgument(key + " must be a list of ids"));
        }
        order.emplace_back(parsed->front());
      } else {
        return Fail(c, InvalidArgument(key + " must be a list of ids"));
      }
    }
    auto list = c.svc.custom_fields.Reorder(c.ctx, names.owner, order);
    if (!list.ok()) return Fail(c, list.status());
    json::array arr;
    for (const auto& f : *list) arr.push_back(FieldJson(c, names, f));
    return JsonResponse(200, json::object{{names.plural, std::move(arr)}});
  });

  r.Get(base + "/{id}", Access::kStaff, [names](ApiContext& c) {
    auto id = PathId(c);
    if (!id.ok()) return Fail(c, id.status());
    auto f = c.svc.custom_fields.Get(c.ctx, names.owner, FieldId(*id));
    if (!f.ok()) return Fail(c, f.status());
    return Envelope(names.singular, FieldJson(c, names, *f));
  });

  r.Put(base + "/{id}", Access::kAdmin, [names](ApiContext& c) {
    auto id = PathId(c);
    if (!id.ok()) return Fail(c, id.status());
    auto body = ParseEnvelope(c, names.singular);
    if (!body.ok()) return Fail(c, body.status());
    auto in = ParseField(*body);
    if (!in.ok()) return Fail(c, in.status());
    auto f = c.svc.custom_fields.Update(c.ctx, names.owner, FieldId(*id), *in);
    if (!f.ok()) return Fail(c, f.status());
    return Envelope(names.singular, FieldJson(c, names, *f));
  });

  r.Delete(base + "/{id}", Access::kAdmin, [names](ApiContext& c) {
    auto id = PathId(c);
    if (!id.ok()) return Fail(c, id.status());
    Status st = c.svc.custom_fields.Delete(c.ctx, names.owner, FieldId(*id));
    if (!st.ok()) return Fail(c, st);
    return NoContent();
  });

  // --- options of dropdown fields ---
  r.Get(base + "/{id}/options", Access::kStaff, [names](ApiContext& c) {
    auto id = PathId(c);
    if (!id.ok()) return Fail(c, id.status());
    auto opts = c.svc.custom_fields.Options(c.ctx, names.owner, FieldId(*id));
    if (!opts.ok()) return Fail(c, opts.status());
    json::array arr;
    for (const auto& o : *opts) arr.push_back(OptionJson(c, names, FieldId(*id), o));
    return JsonResponse(200, json::object{{"custom_field_options", std::move(arr)},
                                          {"next_page", nullptr},
                                          {"previous_page", nullptr},
                                          {"count", opts->size()}});
  });

  r.Post(base + "/{id}/options", Access::kAdmin, [names](ApiContext& c) {
    auto id = PathId(c);
    if (!id.ok()) return Fail(c, id.status());
    auto body = ParseEnvelope(c, "custom_field_option");
    if (!body.ok()) return Fail(c, body.status());
    Validation v;
    auto in = ParseOption(json::value(*body), v);
    if (!v.empty()) return Fail(c, v.Finish());
    auto res = c.svc.custom_fields.UpsertOption(c.ctx, names.owner, FieldId(*id), in);
    if (!res.ok()) return Fail(c, res.status());
    const auto& [opt, created] = *res;
    std::string loc = created ? c.base_url + "/" + names.plural + "/" + std::to_string(*id) +
                                    "/options/" + std::to_string(opt.id) + ".json"
                              : std::string();
    return Envelope("custom_field_option", OptionJson(c, names, FieldId(*id), opt), 200, loc);
  });

  r.Get(base + "/{id}/options/{option_id}", Access::kStaff, [names](ApiContext& c) {
    auto id = PathId(c);
    if (!id.ok()) return Fail(c, id.status());
    auto oid = PathId(c, "option_id");
    if (!oid.ok()) return Fail(c, oid.status());
    auto opt = c.svc.custom_fields.GetOption(c.ctx, names.owner, FieldId(*id), *oid);
    if (!opt.ok()) return Fail(c, opt.status());
    return Envelope("custom_field_option", OptionJson(c, names, FieldId(*id), *opt));
  });

  r.Delete(base + "/{id}/options/{option_id}", Access::kAdmin, [names](ApiContext& c) {
    auto id = PathId(c);
    if (!id.ok()) return Fail(c, id.status());
    auto oid = PathId(c, "option_id");
    if (!oid.ok()) return Fail(c, oid.status());
    Status st = c.svc.custom_fields.DeleteOption(c.ctx, names.owner, FieldId(*id), *oid);
    if (!st.ok()) return Fail(c, st);
    return NoContent();
  });
}

}  // namespace

void RegisterCustomFieldRoutes(Routes& r) {
  RegisterFor(r, {FieldOwner::kUser, "user_fields", "user_field", "/api/v2/user_fields"});
  RegisterFor(r, {FieldOwner::kOrganization, "organization_fields", "organization_field",
                  "/api/v2/organization_fields"});
}

}  // namespace comptoir::api
