#include "sqlite_connection.hpp"

#include "comptoir/storage_sqlite/sqlite_connection_factory.hpp"

#include <cmath>
#include <memory>
#include <vector>

#include "comptoir/common/log.hpp"

namespace comptoir::sqlite {

namespace {

// text_rank(fts_table, n, w0, w1, …): FTS5's bm25 (same k1, b, IDF and row length) over
// the first `n` phrases of the MATCH only, the column weights after `n`. bm25 itself
// computes the IDF of every phrase by reading its whole posting list, also of the filter
// tokens of ticket_fts.meta (column weight 0: they add nothing to the score), which on a
// large account costs more than the ranking; with the text phrases first in the MATCH,
// text_rank gives the same scores without those reads.
struct TextRankData {
  int phrases = 0;
  double avgdl = 1.0;
  std::vector<double> idf;
};

int CountRow(const Fts5ExtensionApi* /*api*/, Fts5Context* /*fts*/, void* user) {
  ++*static_cast<sqlite3_int64*>(user);
  return SQLITE_OK;
}

void TextRank(const Fts5ExtensionApi* api, Fts5Context* fts, sqlite3_context* ctx, int nval,
              sqlite3_value** vals) {
  const int all = api->xPhraseCount(fts);
  int n = nval > 0 ? sqlite3_value_int(vals[0]) : all;
  if (n < 0 || n > all) n = all;
  auto* data = static_cast<TextRankData*>(api->xGetAuxdata(fts, 0));
  if (data == nullptr) {
    auto owned = std::make_unique<TextRankData>();
    owned->phrases = n;
    sqlite3_int64 rows = 0;
    sqlite3_int64 tokens = 0;
    int rc = api->xRowCount(fts, &rows);
    if (rc == SQLITE_OK) rc = api->xColumnTotalSize(fts, -1, &tokens);
    if (rows > 0) owned->avgdl = static_cast<double>(tokens) / static_cast<double>(rows);
    for (int i = 0; rc == SQLITE_OK && i < n; ++i) {
      sqlite3_int64 hits = 0;
      rc = api->xQueryPhrase(fts, i, &hits, CountRow);
      double idf =
          std::log((static_cast<double>(rows - hits) + 0.5) / (static_cast<double>(hits) + 0.5));
      owned->idf.push_back(idf <= 0.0 ? 1e-6 : idf);
    }
    if (rc != SQLITE_OK) {
      sqlite3_result_error_code(ctx, rc);
      return;
    }
    data = owned.get();
    rc = api->xSetAuxdata(fts, owned.release(),
                          [](void* p) { delete static_cast<TextRankData*>(p); });
    if (rc != SQLITE_OK) {
      sqlite3_result_error_code(ctx, rc);
      return;
    }
  }
  constexpr double kK1 = 1.2;
  constexpr double kB = 0.75;
  // Each text phrase's own positions (xPhraseFirst/Next), not xInst: xInstCount decodes
  // the positions of every phrase of the MATCH, the filter tokens' included.
  std::vector<double> freq(static_cast<std::size_t>(data->phrases), 0.0);
  int rc = SQLITE_OK;
  for (int i = 0; rc == SQLITE_OK && i < data->phrases; ++i) {
    Fts5PhraseIter it;
    int column = 0;
    int offset = 0;
    rc = api->xPhraseFirst(fts, i, &it, &column, &offset);
    for (; rc == SQLITE_OK && column >= 0; api->xPhraseNext(fts, &it, &column, &offset)) {
      freq[static_cast<std::size_t>(i)] +=
          nval > column + 1 ? sqlite3_value_double(vals[column + 1]) : 1.0;
    }
  }
  int row_tokens = 0;
  if (rc == SQLITE_OK) rc = api->xColumnSize(fts, -1, &row_tokens);
  if (rc != SQLITE_OK) {
    sqlite3_result_error_code(ctx, rc);
    return;
  }
  double score = 0.0;
  for (int i = 0; i < data->phrases; ++i) {
    const double f = freq[static_cast<std::size_t>(i)];
    score += data->idf[static_cast<std::size_t>(i)] * (f * (kK1 + 1.0)) /
             (f + kK1 * (1.0 - kB + kB * row_tokens / data->avgdl));
  }
  sqlite3_result_double(ctx, -score);
}

// Registers text_rank with the connection's FTS5.
void RegisterTextRank(sqlite3* db) {
  fts5_api* api = nullptr;
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v2(db, "SELECT fts5(?1)", -1, &stmt, nullptr) != SQLITE_OK) return;
  sqlite3_bind_pointer(stmt, 1, static_cast<void*>(&api), "fts5_api_ptr", nullptr);
  sqlite3_step(stmt);
  sqlite3_finalize(stmt);
  if (api != nullptr) api->xCreateFunction(api, "text_rank", nullptr, TextRank, nullptr);
}

}  // namespace

Result<std::unique_ptr<SqliteConnection>> SqliteConnection::Open(const std::string& path,
                                                                 bool read_only) {
  sqlite3* db = nullptr;
  int flags = SQLITE_OPEN_NOMUTEX |
              (read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  int rc = sqlite3_open_v2(path.c_str(), &db, flags, nullptr);
  if (rc != SQLITE_OK) {
    std::string msg = db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
    sqlite3_close(db);
    return Status(ErrorCode::kUnavailable, "cannot open database " + path + ": " + msg,
                  "DatabaseUnavailable");
  }
  sqlite3_extended_result_codes(db, 1);
  sqlite3_busy_timeout(db, 10000);
  RegisterTextRank(db);
  auto conn = std::unique_ptr<SqliteConnection>(new SqliteConnection(db));
  // The writer keeps a large page cache: with many indexes on tickets, a small cache turns
  // every insert into page reads once the tables outgrow it. Readers share the OS page
  // cache through mmap.
  std::string pragmas =
      "PRAGMA foreign_keys = ON; PRAGMA synchronous = FULL; PRAGMA mmap_size = 1073741824;";
  pragmas += read_only ? " PRAGMA cache_size = -16384;"
                       : " PRAGMA journal_mode = WAL; PRAGMA cache_size = -262144;";
  COMPTOIR_RETURN_IF_ERROR(conn->ExecScript(pragmas));
  return conn;
}

SqliteConnection::~SqliteConnection() {
  for (auto& [sql, stmt] : cache_) sqlite3_finalize(stmt);
  sqlite3_close_v2(db_);
}

Status SqliteConnection::Error(int rc, std::string_view what) const {
  std::string msg = std::string(what) + ": " + sqlite3_errmsg(db_);
  switch (rc) {
    case SQLITE_CONSTRAINT_UNIQUE:
    case SQLITE_CONSTRAINT_PRIMARYKEY:
      return {ErrorCode::kAlreadyExists, msg, "DuplicateValue"};
    case SQLITE_CONSTRAINT_FOREIGNKEY:
      return {ErrorCode::kFailedPrecondition, msg, "InvalidReference"};
    default:
      break;
  }
  switch (rc & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return {ErrorCode::kAborted, msg, "DatabaseBusy"};
    case SQLITE_FULL:
    case SQLITE_IOERR:
    case SQLITE_CANTOPEN:
      return {ErrorCode::kUnavailable, msg, "DatabaseUnavailable"};
    default:
      return {ErrorCode::kInternal, msg, "DatabaseError"};
  }
}

Result<sqlite3_stmt*> SqliteConnection::Prepare(std::string_view sql, const sql::Params& params) {
  sqlite3_stmt* stmt = nullptr;
  auto it = cache_.find(std::string(sql));
  if (it != cache_.end()) {
    stmt = it->second;
  } else {
    int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()),
                                SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
    if (rc != SQLITE_OK) return Error(rc, "prepare");
    cache_.emplace(std::string(sql), stmt);
  }
  if (static_cast<std::size_t>(sqlite3_bind_parameter_count(stmt)) != params.size()) {
    return Internal("parameter count mismatch for: " + std::string(sql));
  }
  for (std::size_t i = 0; i < params.size(); ++i) {
    int idx = static_cast<int>(i + 1);
    int rc = SQLITE_OK;
    const auto& v = params[i];
    if (std::holds_alternative<std::monostate>(v)) {
      rc = sqlite3_bind_null(stmt, idx);
    } else if (const auto* n = std::get_if<std::int64_t>(&v)) {
      rc = sqlite3_bind_int64(stmt, idx, *n);
    } else if (const auto* d = std::get_if<double>(&v)) {
      rc = sqlite3_bind_double(stmt, idx, *d);
    } else {
      const auto& s = std::get<std::string>(v);
      rc = sqlite3_bind_text(stmt, idx, s.data(), static_cast<int>(s.size()), SQLITE_TRANSIENT);
    }
    if (rc != SQLITE_OK) {
      sqlite3_reset(stmt);
      return Error(rc, "bind");
    }
  }
  return stmt;
}

Result<std::vector<sql::Row>> SqliteConnection::Query(std::string_view sql,
                                                      const sql::Params& params) {
  auto prepared = Prepare(sql, params);
  if (!prepared.ok()) return std::move(prepared).TakeStatus();
  sqlite3_stmt* stmt = *prepared;
  std::vector<sql::Row> rows;
  const int ncols = sqlite3_column_count(stmt);
  int rc;
  while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
    std::vector<sql::Value> cols;
    cols.reserve(static_cast<std::size_t>(ncols));
    for (int i = 0; i < ncols; ++i) {
      switch (sqlite3_column_type(stmt, i)) {
        case SQLITE_INTEGER:
          cols.emplace_back(sqlite3_column_int64(stmt, i));
          break;
        case SQLITE_FLOAT:
          cols.emplace_back(sqlite3_column_double(stmt, i));
          break;
        case SQLITE_NULL:
          cols.emplace_back();
          break;
        default: {
          const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt, i));
          cols.emplace_back(
              std::string(text, static_cast<std::size_t>(sqlite3_column_bytes(stmt, i))));
        }
      }
    }
    rows.emplace_back(std::move(cols));
  }
  Status st = rc == SQLITE_DONE ? Status::Ok() : Error(rc, "query");
  sqlite3_reset(stmt);
  sqlite3_clear_bindings(stmt);
  if (!st.ok()) return st;
  return rows;
}

Result<std::int64_t> SqliteConnection::Exec(std::string_view sql, const sql::Params& params) {
  auto prepared = Prepare(sql, params);
  if (!prepared.ok()) return std::move(prepared).TakeStatus();
  sqlite3_stmt* stmt = *prepared;
  int rc;
  while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
  }
  Status st = rc == SQLITE_DONE ? Status::Ok() : Error(rc, "exec");
  sqlite3_reset(stmt);
  sqlite3_clear_bindings(stmt);
  if (!st.ok()) return st;
  return static_cast<std::int64_t>(sqlite3_changes(db_));
}

Status SqliteConnection::ExecScript(std::string_view sql) {
  std::string text(sql);
  char* err = nullptr;
  int rc = sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &err);
  if (rc != SQLITE_OK) {
    Status st = Error(rc, err ? err : "exec");
    sqlite3_free(err);
    return st;
  }
  return Status::Ok();
}

}  // namespace comptoir::sqlite

namespace comptoir::sqlite {

Result<std::unique_ptr<sql::Connection>> OpenSqliteConnection(const std::string& path,
                                                              bool read_only) {
  auto c = SqliteConnection::Open(path, read_only);
  if (!c.ok()) return std::move(c).TakeStatus();
  return std::unique_ptr<sql::Connection>(std::move(c).value());
}

}  // namespace comptoir::sqlite
