#include "pg_connection.hpp"

#include "comptoir/storage_pg/pg_connection_factory.hpp"

#include <cstdio>
#include <cstdlib>

namespace comptoir::pg {

namespace {

struct ResultDeleter {
  void operator()(PGresult* r) const { PQclear(r); }
};
using ResultPtr = std::unique_ptr<PGresult, ResultDeleter>;

std::string ParamText(const sql::Value& v) {
  if (const auto* n = std::get_if<std::int64_t>(&v)) return std::to_string(*n);
  if (const auto* d = std::get_if<double>(&v)) {
    char buf[32];  // round-trips (std::to_string keeps only 6 decimals)
    std::snprintf(buf, sizeof buf, "%.17g", *d);
    return buf;
  }
  return std::get<std::string>(v);
}

}  // namespace

std::string RewritePlaceholders(std::string_view sql) {
  std::string out;
  out.reserve(sql.size() + 16);
  int n = 0;
  bool quoted = false;
  for (char ch : sql) {
    if (ch == '\'') quoted = !quoted;  // '' inside a literal toggles twice: still quoted
    if (ch == '?' && !quoted) {
      out += '$';
      out += std::to_string(++n);
    } else {
      out += ch;
    }
  }
  return out;
}

Result<std::unique_ptr<PgConnection>> PgConnection::Open(const std::string& url) {
  // Array entries before the expanded URL are defaults the URL may override.
  const char* const keys[] = {"connect_timeout", "dbname", nullptr};
  const char* const values[] = {kConnectTimeoutSeconds, url.c_str(), nullptr};
  PGconn* conn = PQconnectdbParams(keys, values, /*expand_dbname=*/1);
  if (conn == nullptr || PQstatus(conn) != CONNECTION_OK) {
    std::string msg = conn ? PQerrorMessage(conn) : "out of memory";
    while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' ')) msg.pop_back();
    PQfinish(conn);
    return Status(ErrorCode::kUnavailable, "cannot connect to PostgreSQL: " + msg,
                  "DatabaseUnavailable");
  }
  auto c = std::unique_ptr<PgConnection>(new PgConnection(conn));
  COMPTOIR_RETURN_IF_ERROR(
      c->ExecScript("SET client_min_messages = warning; SET standard_conforming_strings = on; "
                    "SET client_encoding = 'UTF8'"));
  return c;
}

PgConnection::~PgConnection() { PQfinish(conn_); }

bool PgConnection::Healthy() const {
  return PQstatus(conn_) == CONNECTION_OK && PQtransactionStatus(conn_) == PQTRANS_IDLE;
}

bool PgConnection::Check() {
  ResultPtr res(PQexec(conn_, ""));
  return res && PQresultStatus(res.get()) == PGRES_EMPTY_QUERY && Healthy();
}

Status PgConnection::Error(const PGresult* res, std::string_view what) const {
  std::string msg = std::string(what) + ": ";
  const char* text = res ? PQresultErrorMessage(res) : nullptr;
  msg += (text != nullptr && *text != '\0') ? text : PQerrorMessage(conn_);
  while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' ')) msg.pop_back();
  const char* state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : nullptr;
  std::string code = state ? state : "";
  if (PQstatus(conn_) != CONNECTION_OK || code.rfind("08", 0) == 0) {
    return {ErrorCode::kUnavailable, msg, "DatabaseUnavailable"};
  }
  if (code == "23505") return {ErrorCode::kAlreadyExists, msg, "DuplicateValue"};
  if (code == "23503") return {ErrorCode::kFailedPrecondition, msg, "InvalidReference"};
  if (code == "40001" || code == "40P01") return {ErrorCode::kAborted, msg, "DatabaseBusy"};
  if (code == "57P01" || code == "57P02" || code == "57P03") {
    return {ErrorCode::kUnavailable, msg, "DatabaseUnavailable"};
  }
  return {ErrorCode::kInternal, msg, "DatabaseError"};
}

Result<PGresult*> PgConnection::Run(std::string_view sql, const sql::Params& params) {
  std::string key(sql);
  auto it = cache_.find(key);
  if (it == cache_.end()) {
    // Appended, not `"s" + std::to_string(…)`: that trips GCC 12's -Wrestrict at -O3.
    std::string name = "s";
    name += std::to_string(cache_.size() + 1);
    std::string text = RewritePlaceholders(sql);
    ResultPtr prep(PQprepare(conn_, name.c_str(), text.c_str(), 0, nullptr));
    if (!prep || PQresultStatus(prep.get()) != PGRES_COMMAND_OK)
      return Error(prep.get(), "prepare");
    it = cache_.emplace(std::move(key), std::move(name)).first;
  }
  std::vector<std::string> texts(params.size());
  std::vector<const char*> values(params.size(), nullptr);
  for (std::size_t i = 0; i < params.size(); ++i) {
    if (std::holds_alternative<std::monostate>(params[i])) continue;
    texts[i] = ParamText(params[i]);
    values[i] = texts[i].c_str();
  }
  PGresult* res = PQexecPrepared(conn_, it->second.c_str(), static_cast<int>(params.size()),
                                 values.data(), nullptr, nullptr, 0);
  ExecStatusType st = res ? PQresultStatus(res) : PGRES_FATAL_ERROR;
  if (st != PGRES_TUPLES_OK && st != PGRES_COMMAND_OK) {
    Status err = Error(res, "query");
    PQclear(res);
    return err;
  }
  return res;
}

Result<std::vector<sql::Row>> PgConnection::Query(std::string_view sql, const sql::Params& params) {
  auto r = Run(sql, params);
  if (!r.ok()) return std::move(r).TakeStatus();
  ResultPtr res(*r);
  const int nrows = PQntuples(res.get());
  const int ncols = PQnfields(res.get());
  std::vector<sql::Row> rows;
  rows.reserve(static_cast<std::size_t>(nrows));
  for (int i = 0; i < nrows; ++i) {
    std::vector<sql::Value> cols;
    cols.reserve(static_cast<std::size_t>(ncols));
    for (int j = 0; j < ncols; ++j) {
      if (PQgetisnull(res.get(), i, j)) {
        cols.emplace_back();
      } else {
        cols.emplace_back(std::string(PQgetvalue(res.get(), i, j),
                                      static_cast<std::size_t>(PQgetlength(res.get(), i, j))));
      }
    }
    rows.emplace_back(std::move(cols));
  }
  return rows;
}

Result<std::int64_t> PgConnection::Exec(std::string_view sql, const sql::Params& params) {
  auto r = Run(sql, params);
  if (!r.ok()) return std::move(r).TakeStatus();
  ResultPtr res(*r);
  const char* n = PQcmdTuples(res.get());
  return static_cast<std::int64_t>(n && *n ? std::strtoll(n, nullptr, 10) : 0);
}

Status PgConnection::ExecScript(std::string_view sql) {
  std::string text(sql);
  ResultPtr res(PQexec(conn_, text.c_str()));
  ExecStatusType st = res ? PQresultStatus(res.get()) : PGRES_FATAL_ERROR;
  if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK && st != PGRES_EMPTY_QUERY) {
    return Error(res.get(), "exec");
  }
  return Status::Ok();
}

}  // namespace comptoir::pg

namespace comptoir::pg {

Result<std::unique_ptr<sql::Connection>> OpenPgConnection(const std::string& url) {
  auto c = PgConnection::Open(url);
  if (!c.ok()) return std::move(c).TakeStatus();
  return std::unique_ptr<sql::Connection>(std::move(c).value());
}

}  // namespace comptoir::pg
