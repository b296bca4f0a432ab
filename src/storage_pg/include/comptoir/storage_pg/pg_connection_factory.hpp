// A bare sql::Connection on a PostgreSQL database, for tools that read or write tables
// directly (comptoir db copy). The server uses PgStore instead.
#pragma once

#include <memory>
#include <string>

#include "comptoir/common/status.hpp"
#include "comptoir/storage_sql/connection.hpp"

namespace comptoir::pg {

// Connects to `url` (postgresql://…). kUnavailable when the server cannot be reached.
Result<std::unique_ptr<sql::Connection>> OpenPgConnection(const std::string& url);

}  // namespace comptoir::pg
