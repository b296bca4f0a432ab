// The date filter's clock arithmetic (private): what a value means as a time, and strftime.
#pragma once

#include "comptoir/common/clock.hpp"

#include <boost/json/value.hpp>

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace comptoir::liquid::internal {

// Years 1 to 9999; the date filter leaves other times alone.
inline constexpr Timestamp kMinTime = -62135596800;  // 0001-01-01T00:00:00Z
inline constexpr Timestamp kMaxTime = 253402300799;  // 9999-12-31T23:59:59Z

// A time from "now"/"today" (`now`), Unix seconds (a number or a string of digits) or an
// ISO-8601 string; nullopt when the value is none of these or out of range.
std::optional<Timestamp> ToTime(const boost::json::value& v, Timestamp now);

// strftime for `t` shown at `offset` from UTC: %Y %y %m %d %e %j %H %I %l %M %S %p %P %b %B
// %a %A %Z %z %s %F %T %D %%; a '-' after '%' drops the padding (%-d). Other directives are
// written as they are. The result of t + offset must stay within kMinTime..kMaxTime + 1 day.
std::string FormatTime(Timestamp t, std::string_view format, std::chrono::minutes offset,
                       std::string_view zone_name);

}  // namespace comptoir::liquid::internal
