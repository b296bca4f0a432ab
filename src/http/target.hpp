// Request-target parsing: turns the raw target of a request line into the normalised
// path, the ".json" flag and the decoded query parameters of a Request. Pure functions,
// no I/O; private to the http module.
#pragma once

#include <string>
#include <string_view>

#include "comptoir/common/status.hpp"
#include "comptoir/http/message.hpp"

namespace comptoir::http {

// Fills req.path, req.json_suffix and req.query from `target` (origin form
// "/a/b?x=1", or absolute form "http://host/a/b?x=1").
// The path is percent-decoded, duplicate slashes collapsed, a trailing slash dropped
// ("/" stays "/"), "." segments dropped and a ".json" suffix of the last segment
// removed. Query names and values are percent-decoded with '+' as a space.
// Returns kInvalidArgument when the target is not a path, has a bad percent escape in
// the path, or decodes to a NUL byte or a ".." segment.
Status ParseTarget(std::string_view target, Request& req);

// Percent-decodes `in` onto `out`. With `plus_is_space`, '+' becomes ' '. A '%' not
// followed by two hex digits is kept as is when `lenient`, else the call returns false.
bool PercentDecode(std::string_view in, std::string& out, bool plus_is_space, bool lenient);

}  // namespace comptoir::http
