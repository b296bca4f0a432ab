// /api/v2/job_statuses
#include "api_internal.hpp"

namespace comptoir::api {

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
}

}  // namespace comptoir::api
