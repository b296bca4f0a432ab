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

constexpr const char* kConnectTimeoutSeconds = "5";

class PgConnection final : public sql::Connection {
 public:
  // Connects to `url`. Unless the URL sets connect_timeout, giving up after
  // kConnectTimeoutSeconds. kUnavailable when the server cannot be reached.
  static Result<std::unique_ptr<PgConnection>> Open(const std::string& url);
  ~PgConnection() override;

  Result<std::vector<sql::Row>> Query(std::string_view sql, const sql::Params& params) override;
  Result<std::int64_t> Exec(std::string_view sql, const sql::Params& params) override;
  Status ExecScript(std::string_view sql) override;
  sql::Dialect dialect() const override { return sql::Dialect::kPostgres; }

  // True while the connection is usable and outside a transaction, as far as libpq knows
  // (no I/O: a server that went away unnoticed still looks healthy).
  bool Healthy() const;
  // One round trip (an empty query): true when the server answered.
  bool Check();

 private:
  explicit PgConnection(PGconn* conn) : conn_(conn) {}
  Result<PGresult*> Run(std::string_view sql, const sql::Params& params);
  Status Error(const PGresult* res, std::string_view what) const;

  PGconn* conn_;
  std::unordered_map<std::string, std::string> cache_;  // SQL text → statement name
};

}  // namespace comptoir::pg
