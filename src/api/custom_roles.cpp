// (to be written)
#include "api_internal.hpp"

namespace comptoir::api {

void RegisterCustomRoleRoutes(Routes& /*r*/) {}

}  // namespace comptoir::api
