// (to be written)
#include "api_internal.hpp"

namespace comptoir::api {

void RegisterOrganizationRoutes(Routes& /*r*/) {}

}  // namespace comptoir::api

namespace comptoir::api {
void RegisterOrganizationJobs(services::Services& /*svc*/) {}
json::object OrganizationJson(const ApiContext& /*c*/, const domain::Organization& o) {
  return {{"id", o.id.value}, {"name", o.name}};
}
}  // namespace comptoir::api
