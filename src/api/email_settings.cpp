// Comptoir extensions: the account's outbound e-mail settings and templates
// (/api/v2/comptoir/email_settings, admins; the SMTP password is write-only) and agent
// broadcasts (/api/v2/agent_broadcasts: admins send, list every one with ?scope=all and
// delete; agents read what addresses them).
#include "api_internal.hpp"

namespace comptoir::api {

namespace {

http::Response Fail(const ApiContext& c, const Status& st) {
  return ErrorResponse(st, c.req.request_id);
}

json::object SettingsJson(const storage::EmailSettings& s) {
  return {{"smtp_host", s.smtp_host},
          {"smtp_port", s.smtp_port},
          {"security", s.security},
          {"username", s.username},
          {"password_set", !s.password.empty()},
          {"support_address", s.support_address},
          {"from_name", s.from_name},
          {"html_template", s.html_template},
          {"text_template", s.text_template},
          {"updated_at", TimeOrNull(s.updated_at)}};
}

json::object BroadcastJson(const ApiContext& c, const storage::Broadcast& b) {
  json::array groups;
  for (auto g : b.group_ids) groups.push_back(g);
  return {{"id", b.id},
          {"url", c.base_url + "/agent_broadcasts/" + std::to_string(b.id) + ".json"},
          {"subject", b.subject},
          {"message", b.message},
          {"group_ids", std::move(groups)},
          {"author_id", b.author_id.value},
          {"read", b.read_at != 0},
          {"read_at", TimeOrNull(b.read_at)},
          {"created_at", Iso(b.created_at)}};
}

}  // namespace

void RegisterEmailRoutes(Routes& r) {
  r.Get("/api/v2/comptoir/email_settings", Access::kAdmin, [](ApiContext& c) {
    auto s = c.svc.delivery.GetEmailSettings(c.ctx);
    if (!s.ok()) return Fail(c, s.status());
    return Envelope("email_settings", SettingsJson(*s));
  });

  auto put = [](ApiContext& c) {
    auto body = ParseEnvelope(c, "email_settings");
    if (!body.ok()) return Fail(c, body.status());
    auto s = c.svc.delivery.UpdateEmailSettings(c.ctx, *body);
    if (!s.ok()) return Fail(c, s.status());
    return Envelope("email_settings", SettingsJson(*s));
  };
  r.Put("/api/v2/comptoir/email_settings", Access::kAdmin, put);
  r.Patch("/api/v2/comptoir/email_settings", Access::kAdmin, put);

  r.Get("/api/v2/agent_broadcasts", Access::kStaff, [](ApiContext& c) {
    auto paging = ParsePaging(c);
    if (!paging.ok()) return Fail(c, paging.status());
    // ?scope=all (admins, Comptoir extension): every broadcast of the account.
    const std::string* scope = c.req.Query("scope");
    if (scope != nullptr && *scope != "all" && *scope != "mine") {
      return Fail(c, Invalid("scope", "InvalidValue", "scope: must be all or mine"));
    }
    auto list = scope != nullptr && *scope == "all"
                    ? c.svc.delivery.ListAllBroadcasts(c.ctx, paging->req)
                    : c.svc.delivery.ListBroadcasts(c.ctx, paging->req);
    if (!list.ok()) return Fail(c, list.status());
    json::array items;
    for (const auto& b : list->items) items.push_back(BroadcastJson(c, b));
    json::object body{{"agent_broadcasts", std::move(items)}};
    AddPagination(body, c, *paging, list->has_more, list->has_before, list->total,
                  list->items.empty() ? 0 : list->items.front().id,
                  list->items.empty() ? 0 : list->items.back().id);
    return JsonResponse(200, body);
  });

  r.Post("/api/v2/agent_broadcasts", Access::kAdmin, [](ApiContext& c) {
    auto body = ParseEnvelope(c, "agent_broadcast");
    if (!body.ok()) return Fail(c, body.status());
    Validation v;
    Reader rd(*body, v);
    auto subject = rd.String("subject");
    auto message = rd.String("message");
    std::vector<std::int64_t> groups;
    if (const json::value* g = rd.Raw("group_ids"); g != nullptr && !g->is_null()) {
      if (!g->is_array()) {
        v.Add("group_ids", "InvalidValue", "group_ids: must be a list of group ids");
      } else {
        for (const auto& e : g->as_array()) {
          if (!e.is_int64() || e.as_int64() <= 0) {
            v.Add("group_ids", "InvalidValue", "group_ids: must be a list of group ids");
            break;
          }
          groups.push_back(e.as_int64());
        }
      }
    }
    if (Status st = v.Finish(); !st.ok()) return Fail(c, st);
    auto b =
        c.svc.delivery.CreateBroadcast(c.ctx, subject.value_or(""), message.value_or(""), groups);
    if (!b.ok()) return Fail(c, b.status());
    return Envelope("agent_broadcast", BroadcastJson(c, *b), 201,
                    c.base_url + "/agent_broadcasts/" + std::to_string(b->id) + ".json");
  });

  r.Delete("/api/v2/agent_broadcasts/{id}", Access::kAdmin, [](ApiContext& c) {
    auto id = PathId(c);
    if (!id.ok()) return Fail(c, id.status());
    Status st = c.svc.delivery.DeleteBroadcast(c.ctx, *id);
    if (!st.ok()) return Fail(c, st);
    return NoContent();
  });

  r.Put("/api/v2/agent_broadcasts/{id}/read", Access::kStaff, [](ApiContext& c) {
    auto id = PathId(c);
    if (!id.ok()) return Fail(c, id.status());
    Status st = c.svc.delivery.MarkBroadcastRead(c.ctx, *id);
    if (!st.ok()) return Fail(c, st);
    return NoContent();
  });
}

}  // namespace comptoir::api
