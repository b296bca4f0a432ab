// (to be written)
#include "api_internal.hpp"

namespace comptoir::api {

void RegisterCustomFieldRoutes(Routes& /*r*/) {}

}  // namespace comptoir::api
