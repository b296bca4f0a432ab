// Private: sql::Connection over one libpq connection, with a prepared-statement cache.
#pragma once

#include <libpq-fe.h>

#include <memory>
#include <string>
#include <unordered_map>

#include "comptoir/storage_sql/connection.hpp"

namespace comptoir::pg {

// "?" placeholders → "$1".."$n" ("?" inside single-quoted literals is kept).
std::string RewritePlaceholders(std::string_view sql);

class PgConnection final : public sql::Connection {
 public:
  static Result<std::unique_ptr<PgConnection>> Open(const std::string& url);
  ~PgConnection() override;

  Result<std::vector<sql::Row>> Query(std::string_view sql, const sql::Params& params) override;
  Result<std::int64_t> Exec(std::string_view sql, const sql::Params& params) override;
  Status ExecScript(std::string_view sql) override;
  sql::Dialect dialect() const override { return sql::Dialect::kPostgres; }

  // True while the server connection is usable.
  bool Healthy() const;

 private:
  explicit PgConnection(PGconn* conn) : conn_(conn) {}
  Result<PGresult*> Run(std::string_view sql, const sql::Params& params);
  Status Error(const PGresult* res, std::string_view what) const;

  PGconn* conn_;
  std::unordered_map<std::string, std::string> cache_;  // SQL text → statement name
};

}  // namespace comptoir::pg
