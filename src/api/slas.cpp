// /api/v2/slas/policies (reference §3.8): SLA policies — a filter (the rules' condition
// tree, all/any) and targets per priority and metric. Agents read; admins write.
#include "api_internal.hpp"
#include "comptoir/rules/rules.hpp"

namespace comptoir::api {

namespace {

constexpr const char* kBase = "/api/v2/slas/policies";

http::Response Fail(const ApiContext& c, const Status& st) {
  return ErrorResponse(st, c.req.request_id);
}

json::object PolicyJson(const ApiContext& c, const domain::SlaPolicy& p) {
  json::array metrics;
  for (const auto& m : p.policy_metrics) {
    metrics.push_back(json::object{{"priority", m.priority},
                                   {"metric", m.metric},
                                   {"target", m.target},
                                   {"business_hours", m.business_hours}});
  }
  return {{"url", c.base_url + "/slas/policies/" + std::to_string(p.id.value) + ".json"},
          {"id", p.id.value},
          {"title", p.title},
          {"description", p.description},
          {"position", p.position},
          {"filter", rules::ConditionsToJson(p.filter)},
          {"policy_metrics", std::move(metrics)},
          {"created_at", Iso(p.created_at)},
          {"updated_at", Iso(p.updated_at)}};
}

Result<std::vector<domain::SlaPolicyMetric>> ParseMetrics(const json::value& v) {
  if (!v.is_array()) {
    return Invalid("policy_metrics", "InvalidValue", "Policy metrics: must be a list");
  }
  std::vector<domain::SlaPolicyMetric> out;
  const auto& a = v.get_array();
  for (std::size_t i = 0; i < a.size(); ++i) {
    const std::string at = "policy_metrics[" + std::to_string(i) + "]";
    if (!a[i].is_object()) {
      return Invalid("policy_metrics", "InvalidValue", at + ": must be an object");
    }
    const auto& o = a[i].get_object();
    domain::SlaPolicyMetric m;
    const auto* pr = o.if_contains("priority");
    const auto* me = o.if_contains("metric");
    const auto* ta = o.if_contains("target");
    const auto* bh = o.if_contains("business_hours");
    if (pr == nullptr || !pr->is_string()) {
      return Invalid("policy_metrics", "InvalidValue", at + ": priority is required");
    }
    if (me == nullptr || !me->is_string()) {
      return Invalid("policy_metrics", "InvalidValue", at + ": metric is required");
    }
    m.priority = std::string(pr->get_string());
    m.metric = std::string(me->get_string());
    if (ta != nullptr && ta->is_int64()) {
      m.target = ta->get_int64();
    } else if (ta != nullptr && ta->is_uint64()) {
      m.target = ta->get_uint64() > 1'000'000'000ULL ? 1'000'000'000LL
                                                     : static_cast<std::int64_t>(ta->get_uint64());
    } else if (ta != nullptr && ta->is_double() && ta->get_double() >= 0 &&
               ta->get_double() < 1e9) {
      // 0.5 minutes is under a minute: kept below 1 so the service refuses it.
      m.target = static_cast<std::int64_t>(ta->get_double());
      if (static_cast<double>(m.target) != ta->get_double()) {
        return Invalid("policy_metrics", "InvalidValue", at + ": target must be whole minutes");
      }
    } else {
      return Invalid("policy_metrics", "InvalidValue", at + ": target must be a number of minutes");
    }
    if (bh != nullptr && !bh->is_null()) {
      if (!bh->is_bool()) {
        return Invalid("policy_metrics", "InvalidValue", at + ": business_hours must be a boolean");
      }
      m.business_hours = bh->get_bool();
    }
    out.push_back(std::move(m));
  }
  return out;
}

Result<services::SlaPolicyInput> ParseInput(const json::object& o) {
  services::SlaPolicyInput in;
  Validation v;
  Reader r(o, v);
  in.title = r.String("title");
  in.description = r.String("description");
  if (const auto* p = o.if_contains("position"); p && !p->is_null()) {
    in.position = PositionOf(*p);
    if (!in.position) v.Add("position", "InvalidValue", "Position: must be a whole number");
  }
  COMPTOIR_RETURN_IF_ERROR(v.Finish());
  if (const auto* f = o.if_contains("filter"); f && !f->is_null()) {
    auto parsed = rules::ParseConditions(*f);
    if (!parsed.ok())
      return Invalid("filter", "InvalidValue", "Filter: " + parsed.status().message());
    in.filter = *parsed;
  }
  if (const auto* m = o.if_contains("policy_metrics"); m && !m->is_null()) {
    auto parsed = ParseMetrics(*m);
    if (!parsed.ok()) return parsed.status();
    in.policy_metrics = *parsed;
  }
  return in;
}

}  // namespace

void RegisterSlaRoutes(Routes& r) {
  const std::string base = kBase;
  r.Get(base, Access::kStaff, [](ApiContext& c) {
    auto list = c.svc.slas.List(c.ctx);
    if (!list.ok()) return Fail(c, list.status());
    json::array items;
    for (const auto& p : *list) items.push_back(PolicyJson(c, p));
    return JsonResponse(200, json::object{{"sla_policies", std::move(items)},
                                          {"next_page", nullptr},
                                          {"previous_page", nullptr},
                                          {"count", list->size()}});
  });
  r.Get(base + "/definitions", Access::kStaff, [](ApiContext& c) {
    auto d = c.svc.slas.Definitions(c.ctx);
    if (!d.ok()) return Fail(c, d.status());
    return JsonResponse(200, *d);
  });
  r.Post(base, Access::kAdmin, [](ApiContext& c) {
    auto o = ParseEnvelope(c, "sla_policy");
    if (!o.ok()) return Fail(c, o.status());
    auto in = ParseInput(*o);
    if (!in.ok()) return Fail(c, in.status());
    auto p = c.svc.slas.Create(c.ctx, *in);
    if (!p.ok()) return Fail(c, p.status());
    return Envelope("sla_policy", PolicyJson(c, *p), 201,
                    c.base_url + "/slas/policies/" + std::to_string(p->id.value) + ".json");
  });
  r.Put(base + "/reorder", Access::kAdmin, [](ApiContext& c) {
    auto body = ParseBody(c);
    if (!body.ok()) return Fail(c, body.status());
    const auto* raw = body->if_contains("sla_policy_ids");
    if (!raw || !raw->is_array()) {
      return Fail(c, InvalidArgument("sla_policy_ids must be a list of ids"));
    }
    std::vector<domain::SlaPolicyId> ids;
    for (const auto& e : raw->get_array()) {
      auto id = IdOf(e);
      if (!id) return Fail(c, InvalidArgument("sla_policy_ids must be a list of ids"));
      ids.emplace_back(*id);
    }
    auto list = c.svc.slas.Reorder(c.ctx, ids);
    if (!list.ok()) return Fail(c, list.status());
    json::array items;
    for (const auto& p : *list) items.push_back(PolicyJson(c, p));
    return JsonResponse(200,
                        json::object{{"sla_policies", std::move(items)}, {"count", list->size()}});
  });
  r.Get(base + "/{id}", Access::kStaff, [](ApiContext& c) {
    auto id = PathId(c);
    if (!id.ok()) return Fail(c, id.status());
    auto p = c.svc.slas.Get(c.ctx, domain::SlaPolicyId(*id));
    if (!p.ok()) return Fail(c, p.status());
    return Envelope("sla_policy", PolicyJson(c, *p));
  });
  r.Put(base + "/{id}", Access::kAdmin, [](ApiContext& c) {
    auto id = PathId(c);
    if (!id.ok()) return Fail(c, id.status());
    auto o = ParseEnvelope(c, "sla_policy");
    if (!o.ok()) return Fail(c, o.status());
    auto in = ParseInput(*o);
    if (!in.ok()) return Fail(c, in.status());
    auto p = c.svc.slas.Update(c.ctx, domain::SlaPolicyId(*id), *in);
    if (!p.ok()) return Fail(c, p.status());
    return Envelope("sla_policy", PolicyJson(c, *p));
  });
  r.Delete(base + "/{id}", Access::kAdmin, [](ApiContext& c) {
    auto id = PathId(c);
    if (!id.ok()) return Fail(c, id.status());
    if (Status st = c.svc.slas.Delete(c.ctx, domain::SlaPolicyId(*id)); !st.ok())
      return Fail(c, st);
    return NoContent();
  });
}

// {"policy_metrics":[{"breach_at","stage","metric","days","hours","minutes"}]}: the
// target of each metric, split into days, hours and minutes; breach_at null unless the
// clock runs.
json::object SlasJson(const std::vector<services::SlaMetricView>& metrics, Timestamp now) {
  json::array items;
  for (const auto& m : metrics) {
    // Whole minutes left before the breach while the clock runs (negative once overdue):
    // a Comptoir extension beside Zendesk's fields; null when paused or done.
    json::value remaining = nullptr;
    if (m.stage == "active" && m.breach_at != 0) {
      const std::int64_t left = m.breach_at - now;
      remaining = left >= 0 ? left / 60 : -((-left + 59) / 60);
    }
    const std::int64_t days = m.target / (24 * 60);
    const std::int64_t hours = (m.target % (24 * 60)) / 60;
    const std::int64_t minutes = m.target % 60;
    items.push_back(json::object{{"breach_at", TimeOrNull(m.breach_at)},
                                 {"stage", m.stage},
                                 {"metric", m.metric},
                                 {"days", days},
                                 {"hours", hours},
                                 {"minutes", minutes},
                                 {"business_hours", m.business_hours},
                                 {"remaining_minutes", std::move(remaining)}});
  }
  return json::object{{"policy_metrics", std::move(items)}};
}

}  // namespace comptoir::api
