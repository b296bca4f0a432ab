// Private: sql::Connection over one sqlite3 handle, with a prepared-statement cache.
#pragma once

#include <sqlite3.h>

#include <memory>
#include <string>
#include <unordered_map>

#include "comptoir/storage_sql/connection.hpp"

namespace comptoir::sqlite {

class SqliteConnection final : public sql::Connection {
 public:
  static Result<std::unique_ptr<SqliteConnection>> Open(const std::string& path, bool read_only);
  ~SqliteConnection() override;

  Result<std::vector<sql::Row>> Query(std::string_view sql, const sql::Params& params) override;
  Result<std::int64_t> Exec(std::string_view sql, const sql::Params& params) override;
  Status ExecScript(std::string_view sql) override;
  sql::Dialect dialect() const override { return sql::Dialect::kSqlite; }

 private:
  explicit SqliteConnection(sqlite3* db) : db_(db) {}
  Result<sqlite3_stmt*> Prepare(std::string_view sql, const sql::Params& params);
  Status Error(int rc, std::string_view what) const;

  sqlite3* db_;
  std::unordered_map<std::string, sqlite3_stmt*> cache_;
};

}  // namespace comptoir::sqlite
