// /api/v2/ticket_fields and /api/v2/ticket_forms (reference §2.11): field definitions
// with the options of tagger and multiselect fields, and ticket forms (reorder, clone).
#include "api_internal.hpp"

namespace comptoir::api {

namespace {

constexpr const char* kFields = "/api/v2/ticket_fields";
constexpr const char* kForms = "/api/v2/ticket_forms";

http::Response Fail(const ApiContext& c, const Status& st) {
  return ErrorResponse(st, c.req.request_id);
}

std::optional<int> SmallInt(Reader& r, std::string_view key, Validation& v) {
  auto n = r.Int(key, /*null_is_zero=*/false);
  if (!n) return std::nullopt;
  if (*n > 1'000'000) {
    v.Add(std::string(key), "InvalidValue", std::string(key) + ": is too large");
    return std::nullopt;
  }
  return static_cast<int>(*n);
}

// A list of ids given as numbers or numeric strings; nullopt (and a problem) otherwise.
std::optional<std::vector<std::int64_t>> IdArray(const json::value& value, const std::string& key,
                                                 Validation& v) {
  std::vector<std::int64_t> out;
  if (value.is_null()) return out;
  if (!value.is_array()) {
    v.Add(key, "InvalidValue", key + ": must be a list of ids");
    return std::nullopt;
  }
  for (const auto& e : value.get_array()) {
    if (e.is_int64() && e.get_int64() > 0) {
      out.push_back(e.get_int64());
    } else if (e.is_string()) {
      auto parsed = IdList(e.get_string());
      if (!parsed.ok() || parsed->size() != 1) {
        v.Add(key, "InvalidValue", key + ": must be a list of ids");
        return std::nullopt;
      }
      out.push_back(parsed->front());
    } else {
      v.Add(key, "InvalidValue", key + ": must be a list of ids");
      return std::nullopt;
    }
  }
  return out;
}

// --- ticket fields ---

services::TicketFieldOptionInput ParseOption(const json::value& value, Validation& v) {
  if (!value.is_object()) {
    v.Add("custom_field_options", "InvalidValue", "custom_field_options: each must be an object");
    return services::TicketFieldOptionInput{};
  }
  Reader r(value.get_object(), v);
  services::TicketFieldOptionInput in;
  if (auto id = r.Int("id", /*null_is_zero=*/false); id && *id > 0) in.id = *id;
  in.name = r.String("name").value_or("");
  if (in.name.empty()) in.name = r.String("raw_name").value_or("");
  in.value = r.String("value").value_or("");
  in.position = SmallInt(r, "position", v);
  in.is_default = r.Bool("default");
  return in;
}

Result<services::TicketFieldInput> ParseField(const json::object& o) {
  Validation v;
  Reader r(o, v);
  services::TicketFieldInput in;
  in.type = r.String("type");
  in.title = r.String("title");
  if (!in.title && r.Has("raw_title")) in.title = r.String("raw_title");
  in.description = r.String("description");
  if (!in.description && r.Has("raw_description")) in.description = r.String("raw_description");
  in.title_in_portal = r.String("title_in_portal");
  if (!in.title_in_portal && r.Has("raw_title_in_portal")) {
    in.title_in_portal = r.String("raw_title_in_portal");
  }
  in.regexp_for_validation = r.String("regexp_for_validation");
  in.tag = r.String("tag");
  in.position = SmallInt(r, "position", v);
  in.active = r.Bool("active");
  in.required = r.Bool("required");
  in.required_in_portal = r.Bool("required_in_portal");
  in.visible_in_portal = r.Bool("visible_in_portal");
  in.editable_in_portal = r.Bool("editable_in_portal");
  if (const auto* opts = r.Raw("custom_field_options"); opts && !opts->is_null()) {
    if (!opts->is_array()) {
      v.Add("custom_field_options", "InvalidValue", "custom_field_options: must be a list");
    } else {
      in.options.emplace();
      for (const auto& e : opts->get_array()) in.options->push_back(ParseOption(e, v));
    }
  }
  COMPTOIR_RETURN_IF_ERROR(v.Finish());
  return in;
}

std::string FieldUrl(const ApiContext& c, TicketFieldId id) {
  return c.base_url + "/ticket_fields/" + std::to_string(id.value) + ".json";
}

json::object OptionJson(const ApiContext& c, TicketFieldId field,
                        const domain::TicketFieldOption& o) {
  return {{"id", o.id},
          {"url", c.base_url + "/ticket_fields/" + std::to_string(field.value) + "/options/" +
                      std::to_string(o.id) + ".json"},
          {"name", o.name},
          {"raw_name", o.name},
          {"value", o.value},
          {"position", o.position},
          {"default", o.is_default}};
}

// The fixed choices of the status, priority and type system fields.
json::array SystemOptions(std::string_view type) {
  using Pair = std::pair<const char*, const char*>;
  static constexpr Pair kStatus[] = {{"New", "new"},
                                     {"Open", "open"},
                                     {"Pending", "pending"},
                                     {"On-hold", "hold"},
                                     {"Solved", "solved"}};
  static constexpr Pair kPriority[] = {
      {"Low", "low"}, {"Normal", "normal"}, {"High", "high"}, {"Urgent", "urgent"}};
  static constexpr Pair kType[] = {
      {"Question", "question"}, {"Incident", "incident"}, {"Problem", "problem"}, {"Task", "task"}};
  json::array out;
  auto add = [&](const auto& list) {
    for (const auto& [name, value] : list)
      out.push_back(json::object{{"name", name}, {"value", value}});
  };
  if (type == "status") add(kStatus);
  if (type == "priority") add(kPriority);
  if (type == "tickettype") add(kType);
  return out;
}

json::object FieldJson(const ApiContext& c, const domain::TicketField& f) {
  const std::string& portal_title = f.title_in_portal.empty() ? f.title : f.title_in_portal;
  json::object o{
      {"id", f.id.value},
      {"url", FieldUrl(c, f.id)},
      {"type", f.type},
      {"title", f.title},
      {"raw_title", f.title},
      {"description", f.description},
      {"raw_description", f.description},
      {"position", f.position},
      {"active", f.active},
      {"required", f.required},
      {"collapsed_for_agents", false},
      {"regexp_for_validation", StringOrNull(f.regexp_for_validation)},
      {"title_in_portal", portal_title},
      {"raw_title_in_portal", portal_title},
      {"visible_in_portal", f.visible_in_portal},
      {"editable_in_portal", f.editable_in_portal},
      {"required_in_portal", f.required_in_portal},
      {"tag", StringOrNull(f.tag)},
      {"created_at", Iso(f.created_at)},
      {"updated_at", Iso(f.updated_at)},
      {"removable", f.removable},
      {"key", nullptr},
      {"agent_description", nullptr},
  };
  if (f.type == "tagger" || f.type == "multiselect") {
    json::array opts;
    for (const auto& opt : f.options) opts.push_back(OptionJson(c, f.id, opt));
    o["custom_field_options"] = std::move(opts);
  }
  if (f.type == "status" || f.type == "priority" || f.type == "tickettype") {
    o["system_field_options"] = SystemOptions(f.type);
  }
  return o;
}

json::object FieldsBody(const ApiContext& c, const std::vector<domain::TicketField>& list) {
  json::array arr;
  for (const auto& f : list) arr.push_back(FieldJson(c, f));
  return {{"ticket_fields", std::move(arr)},
          {"next_page", nullptr},
          {"previous_page", nullptr},
          {"count", list.size()}};
}

void RegisterFieldRoutes(Routes& r) {
  const std::string base = kFields;
  r.Get(base, Access::kSignedIn, [](ApiContext& c) {
    auto list = c.svc.ticket_fields.List(c.ctx);
    if (!list.ok()) return Fail(c, list.status());
    return JsonResponse(200, FieldsBody(c, *list));
  });

  r.Get(base + "/count", Access::kSignedIn, [](ApiContext& c) {
    auto list = c.svc.ticket_fields.List(c.ctx);
    if (!list.ok()) return Fail(c, list.status());
    return CountResponse(c, static_cast<std::int64_t>(list->size()));
  });

  r.Post(base, Access::kAdmin, [](ApiContext& c) {
    auto body = ParseEnvelope(c, "ticket_field");
    if (!body.ok()) return Fail(c, body.status());
    auto in = ParseField(*body);
    if (!in.ok()) return Fail(c, in.status());
    auto f = c.svc.ticket_fields.Create(c.ctx, *in);
    if (!f.ok()) return Fail(c, f.status());
    return Envelope("ticket_field", FieldJson(c, *f), 201, FieldUrl(c, f->id));
  });

  // Not in Zendesk's API (positions are set per field there); mirrors user_fields/reorder.
  r.Put(base + "/reorder", Access::kAdmin, [](ApiContext& c) {
    auto body = ParseBody(c);
    if (!body.ok()) return Fail(c, body.status());
    const auto* raw = body->if_contains("ticket_field_ids");
    Validation v;
    auto ids = raw ? IdArray(*raw, "ticket_field_ids", v) : std::nullopt;
    if (!ids) return Fail(c, InvalidArgument("ticket_field_ids must be a list of ids"));
    std::vector<TicketFieldId> order;
    for (auto id : *ids) order.emplace_back(id);
    auto list = c.svc.ticket_fields.Reorder(c.ctx, order);
    if (!list.ok()) return Fail(c, list.status());
    return JsonResponse(200, FieldsBody(c, *list));
  });

  r.Get(base + "/{id}", Access::kSignedIn, [](ApiContext& c) {
    auto id = PathId(c);
    if (!id.ok()) return Fail(c, id.status());
    auto f = c.svc.ticket_fields.Get(c.ctx, TicketFieldId(*id));
    if (!f.ok()) return Fail(c, f.status());
    return Envelope("ticket_field", FieldJson(c, *f));
  });

  r.Put(base + "/{id}", Access::kAdmin, [](ApiContext& c) {
    auto id = PathId(c);
    if (!id.ok()) return Fail(c, id.status());
    auto body = ParseEnvelope(c, "ticket_field");
    if (!body.ok()) return Fail(c, body.status());
    auto in = ParseField(*body);
    if (!in.ok()) return Fail(c, in.status());
    auto f = c.svc.ticket_fields.Update(c.ctx, TicketFieldId(*id), *in);
    if (!f.ok()) return Fail(c, f.status());
    return Envelope("ticket_field", FieldJson(c, *f));
  });

  r.Delete(base + "/{id}", Access::kAdmin, [](ApiContext& c) {
    auto id = PathId(c);
    if (!id.ok()) return Fail(c, id.status());
    Status st = c.svc.ticket_fields.Delete(c.ctx, TicketFieldId(*id));
    if (!st.ok()) return Fail(c, st);
    return NoContent();
  });

  r.Get(base + "/{id}/options", Access::kSignedIn, [](ApiContext& c) {
    auto id = PathId(c);
    if (!id.ok()) return Fail(c, id.status());
    auto opts = c.svc.ticket_fields.Options(c.ctx, TicketFieldId(*id));
    if (!opts.ok()) return Fail(c, opts.status());
    json::array arr;
    for (const auto& o : *opts) arr.push_back(OptionJson(c, TicketFieldId(*id), o));
    return JsonResponse(200, json::object{{"custom_field_options", std::move(arr)},
                                          {"next_page", nullptr},
                                          {"previous_page", nullptr},
                                          {"count", opts->size()}});
  });

  r.Post(base + "/{id}/options", Access::kAdmin, [](ApiContext& c) {
    auto id = PathId(c);
    if (!id.ok()) return Fail(c, id.status());
    auto body = ParseBody(c);
    if (!body.ok()) return Fail(c, body.status());
    // {"custom_field_option": {...}}; a bare option object is accepted too.
    json::value option(*body);
    if (const auto* inner = body->if_contains("custom_field_option")) option = *inner;
    Validation v;
    auto in = ParseOption(option, v);
    if (!v.empty()) return Fail(c, v.Finish());
    auto res = c.svc.ticket_fields.UpsertOption(c.ctx, TicketFieldId(*id), in);
    if (!res.ok()) return Fail(c, res.status());
    const auto& [opt, created] = *res;
    std::string loc = created ? c.base_url + "/ticket_fields/" + std::to_string(*id) + "/options/" +
                                    std::to_string(opt.id) + ".json"
                              : std::string();
    return Envelope("custom_field_option", OptionJson(c, TicketFieldId(*id), opt), 200, loc);
  });

  r.Get(base + "/{id}/options/{option_id}", Access::kSignedIn, [](ApiContext& c) {
    auto id = PathId(c);
    if (!id.ok()) return Fail(c, id.status());
    auto oid = PathId(c, "option_id");
    if (!oid.ok()) return Fail(c, oid.status());
    auto opt = c.svc.ticket_fields.GetOption(c.ctx, TicketFieldId(*id), *oid);
    if (!opt.ok()) return Fail(c, opt.status());
    return Envelope("custom_field_option", OptionJson(c, TicketFieldId(*id), *opt));
  });

  r.Delete(base + "/{id}/options/{option_id}", Access::kAdmin, [](ApiContext& c) {
    auto id = PathId(c);
    if (!id.ok()) return Fail(c, id.status());
    auto oid = PathId(c, "option_id");
    if (!oid.ok()) return Fail(c, oid.status());
    Status st = c.svc.ticket_fields.DeleteOption(c.ctx, TicketFieldId(*id), *oid);
    if (!st.ok()) return Fail(c, st);
    return NoContent();
  });
}

// --- ticket forms ---

Result<services::TicketFormInput> ParseForm(const json::object& o) {
  Validation v;
  Reader r(o, v);
  services::TicketFormInput in;
  in.name = r.String("name");
  if (!in.name && r.Has("raw_name")) in.name = r.String("raw_name");
  in.display_name = r.String("display_name");
  if (!in.display_name && r.Has("raw_display_name")) {
    in.display_name = r.String("raw_display_name");
  }
  in.position = SmallInt(r, "position", v);
  in.active = r.Bool("active");
  in.is_default = r.Bool("default");
  in.end_user_visible = r.Bool("end_user_visible");
  in.in_all_brands = r.Bool("in_all_brands");
  if (const auto* ids = r.Raw("ticket_field_ids")) {
    in.ticket_field_ids = IdArray(*ids, "ticket_field_ids", v);
  }
  COMPTOIR_RETURN_IF_ERROR(v.Finish());
  return in;
}

std::string FormUrl(const ApiContext& c, TicketFormId id) {
  return c.base_url + "/ticket_forms/" + std::to_string(id.value) + ".json";
}

json::object FormJson(const ApiContext& c, const domain::TicketForm& f) {
  const std::string& display = f.display_name.empty() ? f.name : f.display_name;
  json::array field_ids;
  for (auto id : f.ticket_field_ids) field_ids.push_back(id);
  return {{"id", f.id.value},
          {"url", FormUrl(c, f.id)},
          {"name", f.name},
          {"raw_name", f.name},
          {"display_name", display},
          {"raw_display_name", display},
          {"end_user_visible", f.end_user_visible},
          {"position", f.position},
          {"ticket_field_ids", std::move(field_ids)},
          {"active", f.active},
          {"default", f.is_default},
          {"in_all_brands", f.in_all_brands},
          {"restricted_brand_ids", json::array()},
          {"agent_conditions", json::array()},
          {"end_user_conditions", json::array()},
          {"created_at", Iso(f.created_at)},
          {"updated_at", Iso(f.updated_at)}};
}

http::Response FormsResponse(const ApiContext& c, const std::vector<domain::TicketForm>& list) {
  json::array arr;
  for (const auto& f : list) arr.push_back(FormJson(c, f));
  return JsonResponse(200, json::object{{"ticket_forms", std::move(arr)},
                                        {"next_page", nullptr},
                                        {"previous_page", nullptr},
                                        {"count", list.size()}});
}

void RegisterFormRoutes(Routes& r) {
  const std::string base = kForms;
  r.Get(base, Access::kSignedIn, [](ApiContext& c) {
    services::TicketFormFilter filter;
    auto active = QueryBool(c, "active");
    if (!active.ok()) return Fail(c, active.status());
    auto visible = QueryBool(c, "end_user_visible");
    if (!visible.ok()) return Fail(c, visible.status());
    filter.active = *active;
    filter.end_user_visible = *visible;
    auto list = c.svc.ticket_fields.ListForms(c.ctx, filter);
    if (!list.ok()) return Fail(c, list.status());
    return FormsResponse(c, *list);
  });

  r.Get(base + "/show_many", Access::kSignedIn, [](ApiContext& c) {
    const std::string* raw = c.req.Query("ids");
    if (raw == nullptr) return Fail(c, InvalidArgument("ids is required"));
    auto ids = IdList(*raw);
    if (!ids.ok()) return Fail(c, ids.status());
    std::vector<TicketFormId> wanted;
    for (auto id : *ids) wanted.emplace_back(id);
    auto list = c.svc.ticket_fields.GetForms(c.ctx, wanted);
    if (!list.ok()) return Fail(c, list.status());
    return FormsResponse(c, *list);
  });

  r.Post(base, Access::kAdmin, [](ApiContext& c) {
    auto body = ParseEnvelope(c, "ticket_form");
    if (!body.ok()) return Fail(c, body.status());
    auto in = ParseForm(*body);
    if (!in.ok()) return Fail(c, in.status());
    auto f = c.svc.ticket_fields.CreateForm(c.ctx, *in);
    if (!f.ok()) return Fail(c, f.status());
    return Envelope("ticket_form", FormJson(c, *f), 201, FormUrl(c, f->id));
  });

  r.Put(base + "/reorder", Access::kAdmin, [](ApiContext& c) {
    auto body = ParseBody(c);
    if (!body.ok()) return Fail(c, body.status());
    const auto* raw = body->if_contains("ticket_form_ids");
    Validation v;
    auto ids = raw ? IdArray(*raw, "ticket_form_ids", v) : std::nullopt;
    if (!ids) return Fail(c, InvalidArgument("ticket_form_ids must be a list of ids"));
    std::vector<TicketFormId> order;
    for (auto id : *ids) order.emplace_back(id);
    auto list = c.svc.ticket_fields.ReorderForms(c.ctx, order);
    if (!list.ok()) return Fail(c, list.status());
    return FormsResponse(c, *list);
  });

  r.Get(base + "/{id}", Access::kSignedIn, [](ApiContext& c) {
    auto id = PathId(c);
    if (!id.ok()) return Fail(c, id.status());
    auto f = c.svc.ticket_fields.GetForm(c.ctx, TicketFormId(*id));
    if (!f.ok()) return Fail(c, f.status());
    return Envelope("ticket_form", FormJson(c, *f));
  });

  r.Put(base + "/{id}", Access::kAdmin, [](ApiContext& c) {
    auto id = PathId(c);
    if (!id.ok()) return Fail(c, id.status());
    auto body = ParseEnvelope(c, "ticket_form");
    if (!body.ok()) return Fail(c, body.status());
    auto in = ParseForm(*body);
    if (!in.ok()) return Fail(c, in.status());
    auto f = c.svc.ticket_fields.UpdateForm(c.ctx, TicketFormId(*id), *in);
    if (!f.ok()) return Fail(c, f.status());
    return Envelope("ticket_form", FormJson(c, *f));
  });

  r.Delete(base + "/{id}", Access::kAdmin, [](ApiContext& c) {
    auto id = PathId(c);
    if (!id.ok()) return Fail(c, id.status());
    Status st = c.svc.ticket_fields.DeleteForm(c.ctx, TicketFormId(*id));
    if (!st.ok()) return Fail(c, st);
    return NoContent();
  });

  r.Post(base + "/{id}/clone", Access::kAdmin, [](ApiContext& c) {
    auto id = PathId(c);
    if (!id.ok()) return Fail(c, id.status());
    bool prepend = false;
    if (!c.req.body.empty()) {
      auto body = ParseBody(c);
      if (!body.ok()) return Fail(c, body.status());
      Validation v;
      Reader rd(*body, v);
      prepend = rd.Bool("prepend_clone_title").value_or(false);
      if (!v.empty()) return Fail(c, v.Finish());
    }
    auto f = c.svc.ticket_fields.CloneForm(c.ctx, TicketFormId(*id), prepend);
    if (!f.ok()) return Fail(c, f.status());
    return Envelope("ticket_form", FormJson(c, *f));
  });
}

}  // namespace

void RegisterTicketFieldRoutes(Routes& r) {
  RegisterFieldRoutes(r);
  RegisterFormRoutes(r);
}

}  // namespace comptoir::api
