// /api/v2/job_statuses (bulk jobs, Zendesk's) and /api/v2/queued_jobs (Comptoir
// extension: the durable job queue behind every side effect, for admins — dead jobs with
// their last error, retried or removed).
#include "api_internal.hpp"

namespace comptoir::api {

namespace {

http::Response Fail(const ApiContext& c, const Status& st) {
  return ErrorResponse(st, c.req.request_id);
}

json::object QueuedJobJson(const ApiContext& c, const storage::QueuedJob& j) {
  json::value payload;
  std::error_code ec;
  payload = json::parse(j.payload, ec);
  if (ec) payload = json::value(j.payload);
  return json::object{{"id", j.id},
                      {"url", c.base_url + "/queued_jobs/" + std::to_string(j.id) + ".json"},
                      {"kind", j.kind},
                      {"status", j.status},
                      {"attempts", j.attempts},
                      {"max_attempts", j.max_attempts},
                      {"run_at", TimeOrNull(j.run_at)},
                      {"leased_by", StringOrNull(j.lease_owner)},
                      {"lease_expires_at", TimeOrNull(j.lease_expires_at)},
                      {"last_error", StringOrNull(j.last_error)},
                      {"payload", std::move(payload)},
                      {"created_at", TimeOrNull(j.created_at)},
                      {"updated_at", TimeOrNull(j.updated_at)}};
}

}  // namespace

void RegisterJobRoutes(Routes& r) {
  r.Get("/api/v2/job_statuses", Access::kStaff, [](ApiContext& c) {
    auto list = c.svc.jobs.List(c.ctx);
    if (!list.ok()) return ErrorResponse(list.status(), c.req.request_id);
    json::array arr;
    for (const auto& j : *list) arr.push_back(JobStatusJson(c, j));
    return JsonResponse(200, json::object{{"job_statuses", std::move(arr)},
                                          {"next_page", nullptr},
                                          {"previous_page", nullptr}});
  });
  r.Get("/api/v2/job_statuses/show_many", Access::kStaff, [](ApiContext& c) {
    const std::string* ids = c.req.Query("ids");
    if (!ids) return ErrorResponse(InvalidArgument("ids is required"), c.req.request_id);
    json::array arr;
    for (const auto& id : SplitCsv(*ids)) {
      if (auto j = c.svc.jobs.Get(c.ctx, id); j.ok()) arr.push_back(JobStatusJson(c, *j));
    }
    return Envelope("job_statuses", std::move(arr));
  });
  r.Get("/api/v2/job_statuses/{id}", Access::kStaff, [](ApiContext& c) {
    auto j = c.svc.jobs.Get(c.ctx, std::string(c.req.Param("id")));
    if (!j.ok()) return ErrorResponse(j.status(), c.req.request_id);
    return Envelope("job_status", JobStatusJson(c, *j));
  });

  r.Get("/api/v2/queued_jobs", Access::kAdmin, [](ApiContext& c) {
    auto paging = ParsePaging(c);
    if (!paging.ok()) return Fail(c, paging.status());
    const std::string* status = c.req.Query("status");
    auto page = c.svc.queue.List(c.ctx, status ? *status : std::string(), paging->req);
    if (!page.ok()) return Fail(c, page.status());
    json::array items;
    for (const auto& j : page->items) items.push_back(QueuedJobJson(c, j));
    json::object body{{"queued_jobs", std::move(items)}};
    AddPagination(body, c, *paging, page->has_more, page->has_before, page->total,
                  page->items.empty() ? 0 : page->items.front().id,
                  page->items.empty() ? 0 : page->items.back().id);
    return JsonResponse(200, body);
  });
  r.Get("/api/v2/queued_jobs/{id}", Access::kAdmin, [](ApiContext& c) {
    auto id = PathId(c);
    if (!id.ok()) return Fail(c, id.status());
    auto j = c.svc.queue.Get(c.ctx, *id);
    if (!j.ok()) return Fail(c, j.status());
    return Envelope("queued_job", QueuedJobJson(c, *j));
  });
  r.Post("/api/v2/queued_jobs/{id}/retry", Access::kAdmin, [](ApiContext& c) {
    auto id = PathId(c);
    if (!id.ok()) return Fail(c, id.status());
    auto j = c.svc.queue.Retry(c.ctx, *id);
    if (!j.ok()) return Fail(c, j.status());
    return Envelope("queued_job", QueuedJobJson(c, *j));
  });
  r.Delete("/api/v2/queued_jobs/{id}", Access::kAdmin, [](ApiContext& c) {
    auto id = PathId(c);
    if (!id.ok()) return Fail(c, id.status());
    Status st = c.svc.queue.Delete(c.ctx, *id);
    if (!st.ok()) return Fail(c, st);
    return NoContent();
  });
}

}  // namespace comptoir::api
