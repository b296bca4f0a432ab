// /api/v2/views (reference §3.6): views, their execution (rows with the view's columns,
// groups and sideloads), tickets, counts, previews.
#include <algorithm>
#include <map>

#include "api_internal.hpp"

namespace comptoir::api {

namespace {

using services::ViewInput;

http::Response Fail(const ApiContext& c, const Status& st) {
  return ErrorResponse(st, c.req.request_id);
}

const std::map<std::string, std::string, std::less<>>& ColumnTitles() {
  static const std::map<std::string, std::string, std::less<>> kTitles = {
      {"assigned", "Assigned"},
      {"assignee", "Assignee"},
      {"brand", "Brand"},
      {"created", "Requested"},
      {"custom_status_id", "Ticket status"},
      {"description", "Subject"},
      {"due_date", "Due date"},
      {"group", "Group"},
      {"locale_id", "Language"},
      {"nice_id", "ID"},
      {"organization", "Organization"},
      {"priority", "Priority"},
      {"requester", "Requester"},
      {"satisfaction_score", "Satisfaction"},
      {"sla_next_breach_at", "Next SLA breach"},
      {"solved", "Solved"},
      {"status", "Status"},
      {"submitter", "Submitter"},
      {"ticket_form", "Ticket form"},
      {"type", "Type"},
      {"updated", "Updated"},
      {"updated_assignee", "Assignee updated"},
      {"updated_by_type", "Latest update by"},
      {"updated_requester", "Requester updated"},
  };
  return kTitles;
}

std::string ColumnTitle(const std::string& id) {
  auto it = ColumnTitles().find(id);
  if (it != ColumnTitles().end()) return it->second;
  return "Field " + id;
}

bool IsFieldId(std::string_view id) {
  return !id.empty() &&
         std::all_of(id.begin(), id.end(), [](char ch) { return ch >= '0' && ch <= '9'; });
}

json::object ColumnJson(const std::string& id) {
  return {{"id", IsFieldId(id) ? json::value(std::stoll(id)) : json::value(id)},
          {"title", ColumnTitle(id)}};
}

json::array ConditionList(const std::vector<domain::Condition>& list) {
  json::array out;
  for (const auto& c : list) {
    out.push_back(json::object{{"field", c.field}, {"operator", c.op}, {"value", c.value}});
  }
  return out;
}

json::object ExecutionJson(const domain::ViewOutput& o) {
  json::array columns, fields, custom;
  for (const auto& id : o.columns) {
    if (IsFieldId(id)) {
      custom.push_back(ColumnJson(id));
    } else {
      fields.push_back(ColumnJson(id));
    }
    columns.push_back(ColumnJson(id));
  }
  const std::string sort_by = o.sort_by.empty() ? "created" : o.sort_by;
  json::object out{
      {"group_by", o.group_by.empty() ? json::value(nullptr) : json::value(o.group_by)},
      {"group_order", o.group_order},
      {"sort_by", sort_by},
      {"sort_order", o.sort_order},
      {"sort",
       json::object{{"id", sort_by}, {"title", ColumnTitle(sort_by)}, {"order", o.sort_order}}},
      {"columns", std::move(columns)},
      {"fields", std::move(fields)},
      {"custom_fields", std::move(custom)}};
  out["group"] =
      o.group_by.empty()
          ? json::value(nullptr)
          : json::value(json::object{
                {"id", o.group_by}, {"title", ColumnTitle(o.group_by)}, {"order", o.group_order}});
  return out;
}

json::object ViewJson(const ApiContext& c, const domain::View& v) {
  return {{"id", v.id.value},
          {"url", c.base_url + "/views/" + std::to_string(v.id.value) + ".json"},
          {"title", v.title},
          {"raw_title", v.raw_title.empty() ? v.title : v.raw_title},
          {"description", StringOrNull(v.description)},
          {"active", v.active},
          {"position", v.position},
          {"default", v.is_default},
          {"restriction", RestrictionJson(v.restriction)},
          {"watchable", true},
          {"conditions", json::object{{"all", ConditionList(v.conditions.all)},
                                      {"any", ConditionList(v.conditions.any)}}},
          {"execution", ExecutionJson(v.output)},
          {"created_at", Iso(v.created_at)},
          {"updated_at", Iso(v.updated_at)}};
}

Result<std::vector<domain::Condition>> ParseConditionList(const json::value& v,
                                                          const std::string& where) {
  std::vector<domain::Condition> out;
  if (v.is_null()) return out;
  if (!v.is_array()) return Invalid(where, "InvalidValue", where + ": must be an array");
  for (std::size_t i = 0; i < v.as_array().size(); ++i) {
    const auto& e = v.as_array()[i];
    const std::string place = where + "[" + std::to_string(i) + "]";
    if (!e.is_object()) return Invalid(where, "InvalidValue", place + ": must be an object");
    const auto& o = e.as_object();
    domain::Condition cond;
    const auto* f = o.if_contains("field");
    if (!f || !f->is_string() || f->as_string().empty()) {
      return Invalid(where, "InvalidValue", place + ": field is required");
    }
    cond.field = f->as_string();
    const auto* op = o.if_contains("operator");
    if (!op || !op->is_string() || op->as_string().empty()) {
      return Invalid(where, "InvalidValue", place + ": operator is required");
    }
    cond.op = op->as_string();
    if (const auto* val = o.if_contains("value")) cond.value = *val;
    out.push_back(std::move(cond));
  }
  return out;
}

Result<domain::ViewOutput> ParseOutput(const json::value& v) {
  domain::ViewOutput out;
  if (!v.is_object()) return Invalid("output", "InvalidValue", "Output: must be an object");
  const auto& o = v.as_object();
  if (const auto* cols = o.if_contains("columns"); cols && !cols->is_null()) {
    if (!cols->is_array()) return Invalid("output", "InvalidValue", "Output: columns is an array");
    for (const auto& col : cols->as_array()) {
      if (col.is_string()) {
        out.columns.emplace_back(col.as_string());
      } else if (col.is_int64()) {
        out.columns.push_back(std::to_string(col.as_int64()));
      } else {
        return Invalid("output", "InvalidValue", "Output: a column is a name or a field id");
      }
    }
  }
  for (auto [key, dst] : {std::pair<const char*, std::string*>{"group_by", &out.group_by},
                          {"group_order", &out.group_order},
                          {"sort_by", &out.sort_by},
                          {"sort_order", &out.sort_order}}) {
    if (const auto* x = o.if_contains(key); x && !x->is_null()) {
      if (!x->is_string()) {
        return Invalid("output", "InvalidValue", std::string("Output: ") + key + " is a string");
      }
      *dst = x->as_string();
    }
  }
  for (const std::string* order : {&out.group_order, &out.sort_order}) {
    if (*order != "asc" && *order != "desc") {
      return Invalid("output", "InvalidValue", "Output: an order is asc or desc");
    }
  }
  return out;
}

Result<ViewInput> ParseView(const json::object& o) {
  Validation v;
  Reader r(o, v);
  ViewInput in;
  in.title = r.String("title");
  in.description = r.String("description");
  in.active = r.Bool("active");
  if (auto p = r.Int("position")) in.position = static_cast<int>(*p);
  COMPTOIR_RETURN_IF_ERROR(v.Finish());
  const json::object* conds = nullptr;
  if (const auto* c = o.if_contains("conditions"); c && c->is_object()) conds = &c->as_object();
  for (const char* key : {"all", "any"}) {
    const json::value* val = o.if_contains(key);
    if (!val && conds) val = conds->if_contains(key);
    if (!val) continue;
    auto list = ParseConditionList(*val, std::string("conditions.") + key);
    if (!list.ok()) return list.status();
    (std::string_view(key) == "all" ? in.all : in.any) = std::move(*list);
  }
  if (const auto* rs = o.if_contains("restriction")) {
    auto res = ParseRestriction(*rs);
    if (!res.ok()) return res.status();
    in.restriction = *res;
  }
  const json::value* out = o.if_contains("output");
  if (!out) out = o.if_contains("execution");
  if (out && !out->is_null()) {
    auto parsed = ParseOutput(*out);
    if (!parsed.ok()) return parsed.status();
    in.output = *parsed;
  }
  return in;
}

json::value TimeValue(Timestamp t) { return TimeOrNull(t); }

// One execute row: the requested columns and a partial ticket.
json::object RowJson(const ApiContext& c, const domain::Ticket& t,
                     const std::vector<std::string>& columns) {
  json::object row;
  row["ticket"] = json::object{
      {"id", t.id.value},
      {"url", c.base_url + "/tickets/" + std::to_string(t.id.value) + ".json"},
      {"subject", t.subject},
      {"description", t.description.substr(0, 300)},
      {"status", domain::StatusName(t.status)},
      {"type", StringOrNull(domain::TypeName(t.type))},
      {"priority", StringOrNull(domain::PriorityName(t.priority))},
      {"is_public", t.is_public},
  };
  json::array custom;
  for (const auto& col : columns) {
    if (col == "status")
      row["status"] = domain::StatusName(t.status);
    else if (col == "priority")
      row["priority"] = StringOrNull(domain::PriorityName(t.priority));
    else if (col == "type")
      row["type"] = StringOrNull(domain::TypeName(t.type));
    else if (col == "description")
      row["subject"] = t.subject;
    else if (col == "requester")
      row["requester_id"] = t.requester_id.value;
    else if (col == "submitter")
      row["submitter_id"] = t.submitter_id.value;
    else if (col == "assignee")
      row["assignee_id"] = IdOrNull(t.assignee_id.value);
    else if (col == "group")
      row["group_id"] = IdOrNull(t.group_id.value);
    else if (col == "organization")
      row["organization_id"] = IdOrNull(t.organization_id.value);
    else if (col == "created")
      row["created"] = TimeValue(t.created_at);
    else if (col == "updated")
      row["updated"] = TimeValue(t.updated_at);
    else if (col == "solved")
      row["solved"] = TimeValue(t.solved_at);
    else if (col == "assigned")
      row["assigned"] = TimeValue(t.assigned_at);
    else if (col == "due_date")
      row["due_date"] = TimeValue(t.due_at);
    else if (col == "sla_next_breach_at")
      row["sla_next_breach_at"] = TimeValue(t.sla_next_breach_at);
    else if (col == "updated_requester")
      row["updated_requester"] = TimeValue(t.requester_updated_at);
    else if (col == "updated_assignee")
      row["updated_assignee"] = TimeValue(t.assignee_updated_at);
    else if (col == "nice_id")
      row["nice_id"] = t.id.value;
    else if (col == "satisfaction_score")
      row["satisfaction_score"] = t.satisfaction_score;
    else if (col == "ticket_form")
      row["ticket_form_id"] = IdOrNull(t.ticket_form_id.value);
    else if (col == "brand")
      row["brand_id"] = IdOrNull(t.brand_id);
    else if (IsFieldId(col)) {
      json::value value = nullptr;
      const std::int64_t fid = std::stoll(col);
      for (const auto& f : t.custom_fields) {
        if (!f.is_object()) continue;
        const auto* id = f.as_object().if_contains("id");
        if (id && id->is_int64() && id->as_int64() == fid) {
          if (const auto* val = f.as_object().if_contains("value")) value = *val;
        }
      }
      custom.push_back(json::object{{"id", fid}, {"value", value}});
    }
  }
  row["custom_fields"] = std::move(custom);
  return row;
}

Result<services::ViewExecuteOptions> ExecuteOptions(const ApiContext& c, Paging& paging) {
  services::ViewExecuteOptions opts;
  if (const auto* s = c.req.Query("sort_by")) opts.sort_by = *s;
  if (const auto* s = c.req.Query("sort_order")) {
    if (*s != "asc" && *s != "desc") return InvalidArgument("sort_order is asc or desc");
    opts.sort_order = *s;
  }
  // Views page by offset in their own order.
  paging.cursor = false;
  paging.req.cursor = false;
  paging.req.count = true;
  opts.page = paging.req;
  return opts;
}

http::Response ExecutionResponse(ApiContext& c, const Paging& paging,
                                 const services::ViewExecution& x) {
  // Rows come in the view's order (grouped first when it groups); the groups, users and
  // organizations the rows name are sideloaded.
  const auto& columns = x.view.output.columns;
  json::array rows, cols, users, grps, orgs;
  for (const auto& t : x.tickets.items) rows.push_back(RowJson(c, t, columns));
  for (const auto& col : columns) cols.push_back(ColumnJson(col));
  for (const auto& u : x.users) {
    users.push_back(
        json::object{{"id", u.id.value},
                     {"name", u.name},
                     {"url", c.base_url + "/users/" + std::to_string(u.id.value) + ".json"}});
  }
  for (const auto& g : x.groups) {
    grps.push_back(
        json::object{{"id", g.id.value},
                     {"name", g.name},
                     {"url", c.base_url + "/groups/" + std::to_string(g.id.value) + ".json"}});
  }
  for (const auto& o : x.organizations) {
    orgs.push_back(json::object{
        {"id", o.id.value},
        {"name", o.name},
        {"url", c.base_url + "/organizations/" + std::to_string(o.id.value) + ".json"}});
  }
  json::object body{{"view", ViewJson(c, x.view)}, {"rows", std::move(rows)},
                    {"columns", std::move(cols)},  {"groups", std::move(grps)},
                    {"users", std::move(users)},   {"organizations", std::move(orgs)}};
  std::int64_t first = x.tickets.items.empty() ? 0 : x.tickets.items.front().id.value;
  std::int64_t last = x.tickets.items.empty() ? 0 : x.tickets.items.back().id.value;
  AddPagination(body, c, paging, x.tickets.has_more, x.tickets.has_before, x.tickets.total, first,
                last);
  return JsonResponse(200, body);
}

json::object CountJson(const ApiContext& c, const services::ViewCount& n) {
  return {{"view_id", n.view_id.value},
          {"url", c.base_url + "/views/" + std::to_string(n.view_id.value) + "/count.json"},
          {"value", n.value},
          {"pretty", n.value >= 100000 ? std::string("~") + std::to_string(n.value / 1000) + "k"
                                       : std::to_string(n.value)},
          {"fresh", n.fresh},
          {"active", n.active}};
}

http::Response ListViews(ApiContext& c, std::optional<bool> active, bool compact) {
  services::ViewFilter f;
  f.active = active;
  if (const auto* a = c.req.Query("active")) f.active = *a == "true";
  if (const auto* a = c.req.Query("access")) f.access = *a;
  if (const auto* q = c.req.Query("query")) f.query = *q;
  auto list = c.svc.views.List(c.ctx, f);
  if (!list.ok()) return Fail(c, list.status());
  if (compact && list->size() > 32) list->resize(32);
  json::array views;
  for (const auto& v : *list) views.push_back(ViewJson(c, v));
  return JsonResponse(200, json::object{{"views", std::move(views)},
                                        {"next_page", nullptr},
                                        {"previous_page", nullptr},
                                        {"count", list->size()}});
}

Result<std::vector<std::int64_t>> QueryIds(const ApiContext& c) {
  const std::string* ids = c.req.Query("ids");
  if (!ids) return InvalidArgument("ids is required");
  return IdList(*ids);
}

Result<ViewInput> ParsePreview(const ApiContext& c) {
  auto body = ParseEnvelope(c, "view");
  if (!body.ok()) return body.status();
  return ParseView(*body);
}

}  // namespace

void RegisterViewRoutes(Routes& r) {
  r.Get("/api/v2/views", Access::kStaff, [](ApiContext& c) { return ListViews(c, {}, false); });
  r.Get("/api/v2/views/active", Access::kStaff,
        [](ApiContext& c) { return ListViews(c, true, false); });
  r.Get("/api/v2/views/compact", Access::kStaff,
        [](ApiContext& c) { return ListViews(c, true, true); });
  r.Get("/api/v2/views/search", Access::kStaff, [](ApiContext& c) {
    if (!c.req.Query("query")) return Fail(c, InvalidArgument("query is required"));
    return ListViews(c, {}, false);
  });
  r.Get("/api/v2/views/count", Access::kStaff, [](ApiContext& c) {
    auto list = c.svc.views.List(c.ctx, {});
    if (!list.ok()) return Fail(c, list.status());
    return CountResponse(c, static_cast<std::int64_t>(list->size()));
  });
  r.Get("/api/v2/views/show_many", Access::kStaff, [](ApiContext& c) {
    auto ids = QueryIds(c);
    if (!ids.ok()) return Fail(c, ids.status());
    json::array views;
    for (auto id : *ids) {
      auto v = c.svc.views.Get(c.ctx, domain::ViewId(id));
      if (v.ok()) views.push_back(ViewJson(c, *v));
    }
    return JsonResponse(200, json::object{{"views", std::move(views)}});
  });
  r.Get("/api/v2/views/count_many", Access::kStaff, [](ApiContext& c) {
    auto ids = QueryIds(c);
    if (!ids.ok()) return Fail(c, ids.status());
    auto counts = c.svc.views.CountMany(c.ctx, *ids);
    if (!counts.ok()) return Fail(c, counts.status());
    json::array out;
    for (const auto& n : *counts) out.push_back(CountJson(c, n));
    return JsonResponse(200, json::object{{"view_counts", std::move(out)}});
  });
  r.Get("/api/v2/views/definitions", Access::kStaff, [](ApiContext& c) {
    // As /triggers/definitions, plus Comptoir's "columns": what `output` may name
    // (a custom field by its id), and whether it can sort or group.
    auto d = c.svc.views.Definitions(c.ctx);
    if (!d.ok()) return Fail(c, d.status());
    json::array columns;
    for (const auto& [id, title] : ColumnTitles()) {
      const bool sortable = id != "description" && id != "submitter" && id != "custom_status_id" &&
                            id != "locale_id" && id != "updated_by_type";
      columns.push_back(json::object{{"id", id}, {"title", title}, {"sortable", sortable}});
    }
    if (const auto* all = d->if_contains("conditions_all"); all && all->is_array()) {
      for (const auto& e : all->get_array()) {
        const auto& o = e.as_object();
        const std::string_view subject = o.at("subject").as_string();
        if (!subject.starts_with("custom_fields_")) continue;
        columns.push_back(json::object{
            {"id", subject.substr(14)}, {"title", o.at("title")}, {"sortable", false}});
      }
    }
    (*d)["columns"] = std::move(columns);
    return JsonResponse(200, json::object{{"definitions", std::move(*d)}});
  });
  r.Post("/api/v2/views", Access::kStaff, [](ApiContext& c) {
    auto body = ParseEnvelope(c, "view");
    if (!body.ok()) return Fail(c, body.status());
    auto in = ParseView(*body);
    if (!in.ok()) return Fail(c, in.status());
    auto v = c.svc.views.Create(c.ctx, *in);
    if (!v.ok()) return Fail(c, v.status());
    return Envelope("view", ViewJson(c, *v), 201,
                    c.base_url + "/views/" + std::to_string(v->id.value) + ".json");
  });
  r.Post("/api/v2/views/preview", Access::kStaff, [](ApiContext& c) {
    auto in = ParsePreview(c);
    if (!in.ok()) return Fail(c, in.status());
    auto paging = ParsePaging(c);
    if (!paging.ok()) return Fail(c, paging.status());
    auto opts = ExecuteOptions(c, *paging);
    if (!opts.ok()) return Fail(c, opts.status());
    auto x = c.svc.views.Preview(c.ctx, *in, *opts);
    if (!x.ok()) return Fail(c, x.status());
    return ExecutionResponse(c, *paging, *x);
  });
  r.Post("/api/v2/views/preview/count", Access::kStaff, [](ApiContext& c) {
    auto in = ParsePreview(c);
    if (!in.ok()) return Fail(c, in.status());
    auto n = c.svc.views.PreviewCount(c.ctx, *in);
    if (!n.ok()) return Fail(c, n.status());
    return JsonResponse(200,
                        json::object{{"view_count", json::object{{"view_id", nullptr},
                                                                 {"url", nullptr},
                                                                 {"value", *n},
                                                                 {"pretty", std::to_string(*n)},
                                                                 {"fresh", true}}}});
  });
  r.Put("/api/v2/views/reorder", Access::kStaff, [](ApiContext& c) {
    auto body = ParseBody(c);
    if (!body.ok()) return Fail(c, body.status());
    const auto* ids = body->if_contains("view_ids");
    if (!ids) ids = body->if_contains("view_order");  // node-zendesk
    if (!ids || !ids->is_array()) return Fail(c, InvalidArgument("view_ids is required"));
    std::vector<std::int64_t> list;
    for (const auto& x : ids->as_array()) {
      if (x.is_int64()) {
        list.push_back(x.as_int64());
      } else if (x.is_string()) {
        auto one = IdList(std::string(x.as_string()));
        if (!one.ok() || one->size() != 1) return Fail(c, InvalidArgument("view_ids are ids"));
        list.push_back(one->front());
      } else {
        return Fail(c, InvalidArgument("view_ids are ids"));
      }
    }
    Status st = c.svc.views.Reorder(c.ctx, list);
    if (!st.ok()) return Fail(c, st);
    return ListViews(c, {}, false);
  });
  r.Put("/api/v2/views/update_many", Access::kStaff, [](ApiContext& c) {
    auto body = ParseBody(c);
    if (!body.ok()) return Fail(c, body.status());
    auto patches = ParseRulePatches(*body, "views");
    if (!patches.ok()) return Fail(c, patches.status());
    json::array out;
    for (const auto& p : *patches) {
      ViewInput in;
      in.active = p.active;
      in.position = p.position;
      auto updated = c.svc.views.Update(c.ctx, domain::ViewId(p.id), in);
      if (!updated.ok()) return Fail(c, updated.status());
      out.push_back(ViewJson(c, *updated));
    }
    return JsonResponse(200, json::object{{"views", std::move(out)}});
  });
  r.Delete("/api/v2/views/destroy_many", Access::kStaff, [](ApiContext& c) {
    auto ids = DestroyManyIds(c);
    if (!ids.ok()) return Fail(c, ids.status());
    for (auto id : *ids) {
      Status st = c.svc.views.Delete(c.ctx, domain::ViewId(id));
      if (!st.ok()) return Fail(c, st);
    }
    return NoContent();
  });
  r.Get("/api/v2/views/{id}", Access::kStaff, [](ApiContext& c) {
    auto id = PathId(c);
    if (!id.ok()) return Fail(c, id.status());
    auto v = c.svc.views.Get(c.ctx, domain::ViewId(*id));
    if (!v.ok()) return Fail(c, v.status());
    return Envelope("view", ViewJson(c, *v));
  });
  r.Put("/api/v2/views/{id}", Access::kStaff, [](ApiContext& c) {
    auto id = PathId(c);
    if (!id.ok()) return Fail(c, id.status());
    auto body = ParseEnvelope(c, "view");
    if (!body.ok()) return Fail(c, body.status());
    auto in = ParseView(*body);
    if (!in.ok()) return Fail(c, in.status());
    auto v = c.svc.views.Update(c.ctx, domain::ViewId(*id), *in);
    if (!v.ok()) return Fail(c, v.status());
    return Envelope("view", ViewJson(c, *v));
  });
  r.Delete("/api/v2/views/{id}", Access::kStaff, [](ApiContext& c) {
    auto id = PathId(c);
    if (!id.ok()) return Fail(c, id.status());
    Status st = c.svc.views.Delete(c.ctx, domain::ViewId(*id));
    if (!st.ok()) return Fail(c, st);
    return NoContent();
  });
  r.Get("/api/v2/views/{id}/execute", Access::kStaff, [](ApiContext& c) {
    auto id = PathId(c);
    if (!id.ok()) return Fail(c, id.status());
    auto paging = ParsePaging(c);
    if (!paging.ok()) return Fail(c, paging.status());
    auto opts = ExecuteOptions(c, *paging);
    if (!opts.ok()) return Fail(c, opts.status());
    auto x = c.svc.views.Execute(c.ctx, domain::ViewId(*id), *opts);
    if (!x.ok()) return Fail(c, x.status());
    return ExecutionResponse(c, *paging, *x);
  });
  r.Get("/api/v2/views/{id}/tickets", Access::kStaff, [](ApiContext& c) {
    auto id = PathId(c);
    if (!id.ok()) return Fail(c, id.status());
    auto paging = ParsePaging(c);
    if (!paging.ok()) return Fail(c, paging.status());
    auto opts = ExecuteOptions(c, *paging);
    if (!opts.ok()) return Fail(c, opts.status());
    auto x = c.svc.views.Execute(c.ctx, domain::ViewId(*id), *opts);
    if (!x.ok()) return Fail(c, x.status());
    return ListResponse(c, "tickets", *paging, x->tickets,
                        [&](const domain::Ticket& t) { return TicketJson(c, t); });
  });
  r.Get("/api/v2/views/{id}/count", Access::kStaff, [](ApiContext& c) {
    auto id = PathId(c);
    if (!id.ok()) return Fail(c, id.status());
    auto n = c.svc.views.Count(c.ctx, domain::ViewId(*id));
    if (!n.ok()) return Fail(c, n.status());
    return JsonResponse(200, json::object{{"view_count", CountJson(c, *n)}});
  });
  r.Get("/api/v2/views/{id}/export", Access::kStaff, [](ApiContext& c) {
    auto id = PathId(c);
    if (!id.ok()) return Fail(c, id.status());
    auto v = c.svc.views.Get(c.ctx, domain::ViewId(*id));
    if (!v.ok()) return Fail(c, v.status());
    return JsonResponse(
        200,
        json::object{{"export", json::object{{"view_id", v->id.value}, {"status", "starting"}}}});
  });
}

}  // namespace comptoir::api
