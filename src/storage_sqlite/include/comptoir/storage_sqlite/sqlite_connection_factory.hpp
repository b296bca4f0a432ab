// A bare sql::Connection on a SQLite file, for tools that read or write tables
// directly (comptoir db copy). The server uses SqliteStore instead.
#pragma once

#include <memory>
#include <string>

#include "comptoir/common/status.hpp"
#include "comptoir/storage_sql/connection.hpp"

namespace comptoir::sqlite {

// Opens `path` (read-only: never created, never written). kUnavailable on failure.
Result<std::unique_ptr<sql::Connection>> OpenSqliteConnection(const std::string& path,
                                                              bool read_only);

}  // namespace comptoir::sqlite
