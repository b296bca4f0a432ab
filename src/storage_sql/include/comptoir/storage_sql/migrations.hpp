// The numbered schema migrations, written once for both dialects. "{{ID}}" stands for
// the auto-increment primary key column type of the dialect.
#pragma once

#include <string>
#include <vector>

#include "comptoir/storage_sql/connection.hpp"

namespace comptoir::sql {

struct Migration {
  int version;
  std::string name;
  std::string sql;  // dialect-specific text, several statements
};

// Every migration, in order, rendered for the dialect.
std::vector<Migration> Migrations(Dialect dialect);

}  // namespace comptoir::sql
