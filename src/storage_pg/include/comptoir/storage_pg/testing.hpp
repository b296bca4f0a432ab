// For tests that run on PostgreSQL: COMPTOIR_TEST_PG_URL names a server (a maintenance
// URL, e.g. postgresql://postgres@127.0.0.1:55432/postgres; ./scripts/test stage pg sets
// it), and tests make and drop their own databases on it. Header-only, for test
// binaries that link libpq.
#pragma once

#include <libpq-fe.h>

#include <cstdlib>
#include <string>

namespace comptoir::pg::testing {

// The maintenance URL, or nullptr when PostgreSQL tests are to be skipped.
inline const char* PgUrl() {
  const char* v = std::getenv("COMPTOIR_TEST_PG_URL");
  return (v != nullptr && *v != '\0') ? v : nullptr;
}

// Runs one statement on `url` (default: the maintenance database). Returns the first
// value of the first row ("" for a statement without rows), or "error: …".
inline std::string PgAdmin(const std::string& statement, const char* url = nullptr) {
  PGconn* c = PQconnectdb(url != nullptr ? url : PgUrl());
  std::string out;
  if (PQstatus(c) != CONNECTION_OK) {
    out = "error: ";
    out += PQerrorMessage(c);
  } else {
    PGresult* r = PQexec(c, statement.c_str());
    const auto st = PQresultStatus(r);
    if (st == PGRES_TUPLES_OK) {
      if (PQntuples(r) > 0) out = PQgetvalue(r, 0, 0);
    } else if (st != PGRES_COMMAND_OK) {
      out = "error: ";
      out += PQresultErrorMessage(r);
    }
    PQclear(r);
  }
  PQfinish(c);
  return out;
}

// `url` with its database name replaced by `db` (query parameters kept).
inline std::string WithDatabase(const std::string& url, const std::string& db) {
  auto scheme = url.find("://");
  auto slash = url.find('/', scheme == std::string::npos ? 0 : scheme + 3);
  std::string out = url.substr(0, slash == std::string::npos ? url.size() : slash);
  out += "/";
  out += db;
  if (slash != std::string::npos) {
    auto query = url.find('?', slash);
    if (query != std::string::npos) out += url.substr(query);
  }
  return out;
}

}  // namespace comptoir::pg::testing
