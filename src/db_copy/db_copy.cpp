#include "comptoir/db_copy/db_copy.hpp"

#include <openssl/evp.h>

#include <chrono>
#include <cstdio>
#include <memory>
#include <sstream>

#include "comptoir/storage_pg/pg_connection_factory.hpp"
#include "comptoir/storage_pg/pg_store.hpp"
#include "comptoir/storage_sql/connection.hpp"
#include "comptoir/storage_sqlite/sqlite_connection_factory.hpp"

namespace comptoir::db_copy {

namespace {

using Clock = std::chrono::steady_clock;

// One column of a table, as PRAGMA table_info describes it.
struct Column {
  std::string name;
  bool text = false;  // declared TEXT: keys on it compare bytewise (COLLATE "C" on PG)
  int pk = 0;         // position in the primary key, 0 when not part of it
};

struct Table {
  std::string name;
  std::vector<Column> columns;
  std::vector<std::size_t> keys;  // indexes into columns, in key order
  bool has_id = false;            // an integer `id` primary key (an identity on PG)
};

std::string Quote(const std::string& ident) {
  std::string out = "\"";
  for (char ch : ident) {
    if (ch == '"') out += '"';
    out += ch;
  }
  out += '"';
  return out;
}

std::string Hex(std::string_view bytes) {
  static const char* digits = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char ch : bytes) {
    out += digits[ch >> 4];
    out += digits[ch & 15];
  }
  return out;
}

std::string Unhex(std::string_view hex) {
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return 0;
  };
  std::string out;
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2) {
    out += static_cast<char>(nibble(hex[i]) * 16 + nibble(hex[i + 1]));
  }
  return out;
}

// The key of a row as stored in db_copy_progress.last_key: per key column "i<decimal>"
// or "t<hex>", separated by ','.
std::string EncodeKey(const Table& t, const sql::Row& row) {
  std::string out;
  for (std::size_t k = 0; k < t.keys.size(); ++k) {
    if (k > 0) out += ',';
    const std::size_t i = t.keys[k];
    if (t.columns[i].text) {
      out += 't';
      out += Hex(row.Text(i));
    } else {
      out += 'i';
      out += std::to_string(row.Int(i));
    }
  }
  return out;
}

sql::Params DecodeKey(const std::string& key) {
  sql::Params out;
  std::size_t start = 0;
  while (start <= key.size()) {
    auto end = key.find(',', start);
    if (end == std::string::npos) end = key.size();
    std::string part = key.substr(start, end - start);
    if (!part.empty() && part[0] == 't') {
      out.emplace_back(Unhex(std::string_view(part).substr(1)));
    } else if (!part.empty()) {
      out.emplace_back(static_cast<std::int64_t>(std::stoll(part.substr(1))));
    }
    start = end + 1;
  }
  return out;
}

// SELECT of `limit` rows of `t` after `after` (a decoded key; empty: from the start),
// in key order. On PostgreSQL text keys compare bytewise, as SQLite's BINARY does.
std::string PageSql(const Table& t, bool postgres, bool after, int limit) {
  std::string cols;
  for (std::size_t i = 0; i < t.columns.size(); ++i) {
    if (i > 0) cols += ", ";
    cols += Quote(t.columns[i].name);
  }
  std::string keys;
  std::string marks;
  for (std::size_t k = 0; k < t.keys.size(); ++k) {
    if (k > 0) {
      keys += ", ";
      marks += ", ";
    }
    const Column& c = t.columns[t.keys[k]];
    keys += Quote(c.name);
    if (postgres && c.text) keys += " COLLATE \"C\"";
    marks += '?';
  }
  std::string sql = "SELECT ";
  sql += cols;
  sql += " FROM ";
  sql += Quote(t.name);
  if (after) {
    sql += t.keys.size() == 1 ? " WHERE " : " WHERE (";
    sql += keys;
    sql += t.keys.size() == 1 ? " > " : ") > (";
    sql += marks;
    if (t.keys.size() > 1) sql += ')';
  }
  sql += " ORDER BY ";
  sql += keys;
  sql += " LIMIT ";
  sql += std::to_string(limit);
  return sql;
}

Result<std::vector<sql::Row>> Page(sql::Connection& c, const Table& t, bool postgres,
                                   const std::string& last_key, int limit) {
  sql::Params params;
  if (!last_key.empty()) params = DecodeKey(last_key);
  return c.Query(PageSql(t, postgres, !last_key.empty(), limit), params);
}

Result<std::int64_t> Count(sql::Connection& c, const std::string& table) {
  std::string sql = "SELECT COUNT(*) FROM ";
  sql += Quote(table);
  auto rows = c.Query(sql, {});
  if (!rows.ok()) return std::move(rows).TakeStatus();
  return rows->empty() ? 0 : (*rows)[0].Int(0);
}

Result<std::string> Checksum(sql::Connection& c, const Table& t, bool postgres) {
  RowHasher hasher;
  std::string last;
  std::vector<std::string> values(t.columns.size());
  std::vector<bool> nulls(t.columns.size());
  for (;;) {
    auto rows = Page(c, t, postgres, last, 5000);
    if (!rows.ok()) return std::move(rows).TakeStatus();
    for (const auto& row : *rows) {
      for (std::size_t i = 0; i < t.columns.size(); ++i) {
        nulls[i] = row.IsNull(i);
        values[i] = nulls[i] ? std::string() : row.Text(i);
      }
      hasher.AddRow(values, nulls);
    }
    if (rows->size() < 5000) break;
    last = EncodeKey(t, rows->back());
  }
  return hasher.HexDigest();
}

Result<std::vector<Table>> ListTables(sql::Connection& src) {
  // Creation order: a table is created after the tables its foreign keys name.
  auto names = src.Query(
      "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
      "AND name <> 'schema_migrations' "
      // The target keeps its own backfill marker (migration 12): its index is rebuilt.
      "AND name <> 'search_backfill' "
      // The full-text index (FTS5 tables and their shadow tables) is not copied: the
      // target's own index is rebuilt by the server's start-up backfill.
      "AND sql NOT LIKE 'CREATE VIRTUAL TABLE%' AND name NOT LIKE '%\\_fts\\_%' ESCAPE '\\' "
      "ORDER BY rowid",
      {});
  if (!names.ok()) return std::move(names).TakeStatus();
  std::vector<Table> tables;
  for (const auto& n : *names) {
    Table t;
    t.name = n.Text(0);
    std::string sql = "PRAGMA table_info(";
    sql += Quote(t.name);
    sql += ")";
    auto info = src.Query(sql, {});
    if (!info.ok()) return std::move(info).TakeStatus();
    for (const auto& r : *info) {  // cid, name, type, notnull, dflt_value, pk
      Column c;
      c.name = r.Text(1);
      std::string type = r.Text(2);
      for (auto& ch : type) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
      if (type.find("REAL") != std::string::npos || type.find("FLOA") != std::string::npos ||
          type.find("DOUB") != std::string::npos || type.find("BLOB") != std::string::npos) {
        std::string msg = "db copy: column ";
        msg += t.name;
        msg += ".";
        msg += c.name;
        msg += " has type ";
        msg += type;
        msg += " (only integer and text columns are supported)";
        return Status(ErrorCode::kFailedPrecondition, msg, "UnsupportedColumn");
      }
      c.text = type.find("CHAR") != std::string::npos || type.find("TEXT") != std::string::npos ||
               type.find("CLOB") != std::string::npos;
      c.pk = static_cast<int>(r.Int(5));
      t.columns.push_back(std::move(c));
    }
    for (int pos = 1;; ++pos) {
      bool found = false;
      for (std::size_t i = 0; i < t.columns.size(); ++i) {
        if (t.columns[i].pk == pos) {
          t.keys.push_back(i);
          found = true;
        }
      }
      if (!found) break;
    }
    if (t.keys.empty()) {
      std::string msg = "db copy: table ";
      msg += t.name;
      msg += " has no primary key";
      return Status(ErrorCode::kFailedPrecondition, msg, "UnsupportedTable");
    }
    t.has_id =
        t.keys.size() == 1 && t.columns[t.keys[0]].name == "id" && !t.columns[t.keys[0]].text;
    tables.push_back(std::move(t));
  }
  return tables;
}

// "\r  tickets      12000 / 20000  [#########.........]  60%"
class ProgressBar {
 public:
  ProgressBar(std::ostream* out, const std::string& name, std::int64_t total)
      : out_(out), name_(name), total_(total) {}
  void Update(std::int64_t done, bool force = false) {
    if (out_ == nullptr) return;
    auto now = Clock::now();
    if (!force && now - last_ < std::chrono::milliseconds(100)) return;
    last_ = now;
    const int pct = total_ > 0 ? static_cast<int>(done * 100 / total_) : 100;
    const int width = 30;
    const int filled = pct * width / 100;
    char head[96];
    std::snprintf(head, sizeof head, "\r  %-26s %10lld / %-10lld [", name_.c_str(),
                  static_cast<long long>(done), static_cast<long long>(total_));
    std::string line = head;
    line.append(static_cast<std::size_t>(filled), '#');
    line.append(static_cast<std::size_t>(width - filled), '.');
    line += "] ";
    line += std::to_string(pct);
    line += "%";
    *out_ << line << std::flush;
  }
  void Finish(std::int64_t done, const char* note) {
    if (out_ == nullptr) return;
    Update(done, true);
    *out_ << "  " << note << "\n" << std::flush;
  }

 private:
  std::ostream* out_;
  std::string name_;
  std::int64_t total_;
  Clock::time_point last_{};
};

std::string ParseSqlitePath(const std::string& url) {
  const std::string scheme = "sqlite://";
  if (url.rfind(scheme, 0) == 0) return url.substr(scheme.size());
  return url;
}

Status Rollback(sql::Connection& c, Status st) {
  (void)c.ExecScript("ROLLBACK");
  return st;
}

}  // namespace

RowHasher::RowHasher() : ctx_(EVP_MD_CTX_new()) {
  EVP_DigestInit_ex(static_cast<EVP_MD_CTX*>(ctx_), EVP_sha256(), nullptr);
}

RowHasher::~RowHasher() { EVP_MD_CTX_free(static_cast<EVP_MD_CTX*>(ctx_)); }

void RowHasher::AddRow(const std::vector<std::string>& values, const std::vector<bool>& nulls) {
  auto* ctx = static_cast<EVP_MD_CTX*>(ctx_);
  static const char kNull = '\x00', kField = '\x1f', kRow = '\x1e';
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (i > 0) EVP_DigestUpdate(ctx, &kField, 1);
    if (nulls[i]) {
      EVP_DigestUpdate(ctx, &kNull, 1);
    } else {
      EVP_DigestUpdate(ctx, values[i].data(), values[i].size());
    }
  }
  EVP_DigestUpdate(ctx, &kRow, 1);
}

std::string RowHasher::HexDigest() {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_DigestFinal_ex(static_cast<EVP_MD_CTX*>(ctx_), md, &len);
  return Hex(std::string_view(reinterpret_cast<const char*>(md), len));
}

bool CopyReport::ok() const {
  for (const auto& t : tables) {
    if (!t.ok()) return false;
  }
  return true;
}

Result<CopyReport> CopyDatabase(const CopyOptions& options) {
  const auto started = Clock::now();
  const std::string path = ParseSqlitePath(options.from);
  if (path.empty()) return InvalidArgument("db copy: --from must be sqlite:///path/to/comptoir.db");
  if (options.to.rfind("postgresql://", 0) != 0 && options.to.rfind("postgres://", 0) != 0) {
    return InvalidArgument("db copy: --to must be a postgresql:// URL");
  }
  // The schema on the target, as the server would create it.
  {
    auto store = pg::PgStore::Open({options.to});
    if (!store.ok()) return std::move(store).TakeStatus();
    COMPTOIR_RETURN_IF_ERROR((*store)->Migrate());
  }
  auto src_r = sqlite::OpenSqliteConnection(path, /*read_only=*/true);
  if (!src_r.ok()) return std::move(src_r).TakeStatus();
  auto src = std::move(src_r).value();
  auto dst_r = pg::OpenPgConnection(options.to);
  if (!dst_r.ok()) return std::move(dst_r).TakeStatus();
  auto dst = std::move(dst_r).value();

  // One snapshot of the source for the whole copy and its verification.
  COMPTOIR_RETURN_IF_ERROR(src->ExecScript("BEGIN"));
  auto tables_r = ListTables(*src);
  if (!tables_r.ok()) return std::move(tables_r).TakeStatus();
  const auto& tables = *tables_r;

  COMPTOIR_RETURN_IF_ERROR(
      dst->ExecScript("CREATE TABLE IF NOT EXISTS db_copy_progress (table_name TEXT PRIMARY KEY, "
                      "last_key TEXT, rows BIGINT NOT NULL DEFAULT 0, done INTEGER NOT NULL "
                      "DEFAULT 0)"));

  struct State {
    bool known = false;  // a row in db_copy_progress
    std::string last_key;
    std::int64_t rows = 0;
    bool done = false;
  };
  std::vector<State> states(tables.size());
  for (std::size_t ti = 0; ti < tables.size(); ++ti) {
    auto rows = dst->Query("SELECT last_key, rows, done FROM db_copy_progress WHERE table_name = ?",
                           {tables[ti].name});
    if (!rows.ok()) return std::move(rows).TakeStatus();
    if (!rows->empty()) {
      states[ti] = {true, (*rows)[0].Text(0), (*rows)[0].Int(1), (*rows)[0].Int(2) != 0};
      continue;
    }
    auto n = Count(*dst, tables[ti].name);
    if (!n.ok()) return std::move(n).TakeStatus();
    if (*n > 0) {
      std::string msg = "db copy: the target table ";
      msg += tables[ti].name;
      msg += " already holds rows that no earlier copy wrote; copy into an empty database";
      return Status(ErrorCode::kFailedPrecondition, msg, "TargetNotEmpty");
    }
  }

  CopyReport report;
  int batches = 0;
  for (std::size_t ti = 0; ti < tables.size(); ++ti) {
    const Table& t = tables[ti];
    State& s = states[ti];
    TableReport tr;
    tr.name = t.name;
    auto total = Count(*src, t.name);
    if (!total.ok()) return std::move(total).TakeStatus();
    tr.source_rows = *total;
    ProgressBar bar(options.progress, t.name, *total);
    if (s.done) {
      tr.skipped = true;
      bar.Finish(s.rows, "done earlier");
    } else {
      // PostgreSQL takes at most 65535 parameters per statement.
      const int batch =
          std::max(1, std::min(options.batch_size, static_cast<int>(65535 / t.columns.size())));
      std::string head = "INSERT INTO ";
      head += Quote(t.name);
      head += " (";
      std::string tuple = "(";
      for (std::size_t i = 0; i < t.columns.size(); ++i) {
        if (i > 0) {
          head += ", ";
          tuple += ", ";
        }
        head += Quote(t.columns[i].name);
        tuple += '?';
      }
      head += ") VALUES ";
      tuple += ')';
      std::string full_sql;  // the statement for a full batch, built once
      bar.Update(s.rows, true);
      for (;;) {
        auto rows = Page(*src, t, false, s.last_key, batch);
        if (!rows.ok()) return std::move(rows).TakeStatus();
        if (rows->empty()) break;
        std::string partial_sql;
        std::string* sql = &full_sql;
        if (static_cast<int>(rows->size()) != batch) sql = &partial_sql;
        if (sql->empty()) {
          *sql = head;
          for (std::size_t r = 0; r < rows->size(); ++r) {
            if (r > 0) *sql += ", ";
            *sql += tuple;
          }
        }
        sql::Params params;
        params.reserve(rows->size() * t.columns.size());
        for (const auto& row : *rows) {
          for (std::size_t i = 0; i < t.columns.size(); ++i) {
            if (row.IsNull(i)) {
              params.emplace_back();
            } else {
              params.emplace_back(row.Text(i));
            }
          }
        }
        const std::string key = EncodeKey(t, rows->back());
        const std::int64_t copied = s.rows + static_cast<std::int64_t>(rows->size());
        COMPTOIR_RETURN_IF_ERROR(dst->ExecScript("BEGIN"));
        auto ins = dst->Exec(*sql, params);
        if (!ins.ok()) return Rollback(*dst, std::move(ins).TakeStatus());
        auto prog = dst->Exec(
            "INSERT INTO db_copy_progress (table_name, last_key, rows, done) VALUES (?, ?, ?, 0) "
            "ON CONFLICT (table_name) DO UPDATE SET last_key = excluded.last_key, "
            "rows = excluded.rows, done = 0",
            {t.name, key, copied});
        if (!prog.ok()) return Rollback(*dst, std::move(prog).TakeStatus());
        COMPTOIR_RETURN_IF_ERROR(dst->ExecScript("COMMIT"));
        s.last_key = key;
        s.rows = copied;
        tr.copied += static_cast<std::int64_t>(rows->size());
        report.rows_copied += static_cast<std::int64_t>(rows->size());
        bar.Update(s.rows);
        if (options.stop_after_batches > 0 && ++batches >= options.stop_after_batches) {
          if (options.progress != nullptr) *options.progress << "\n";
          return Status(ErrorCode::kAborted, "db copy: stopped after the requested batches",
                        "Stopped");
        }
        if (static_cast<int>(rows->size()) < batch) break;
      }
      auto done = dst->Exec(
          "INSERT INTO db_copy_progress (table_name, last_key, rows, done) VALUES (?, ?, ?, 1) "
          "ON CONFLICT (table_name) DO UPDATE SET done = 1",
          {t.name, s.last_key, s.rows});
      if (!done.ok()) return std::move(done).TakeStatus();
      s.done = true;
      bar.Finish(s.rows, tr.copied == s.rows ? "copied" : "resumed");
    }
    if (t.has_id) {
      // Inserted ids do not move an identity's sequence: start it after the largest id.
      std::string sql = "SELECT setval(pg_get_serial_sequence('";
      sql += t.name;
      sql += "', 'id'), COALESCE(MAX(id), 1), MAX(id) IS NOT NULL) FROM ";
      sql += Quote(t.name);
      auto r = dst->Query(sql, {});
      if (!r.ok()) return std::move(r).TakeStatus();
    }
    report.tables.push_back(std::move(tr));
  }

  // Verification: counts and checksums on both sides.
  if (options.progress != nullptr) *options.progress << "verifying…\n" << std::flush;
  for (std::size_t ti = 0; ti < tables.size(); ++ti) {
    TableReport& tr = report.tables[ti];
    auto n = Count(*dst, tables[ti].name);
    if (!n.ok()) return std::move(n).TakeStatus();
    tr.target_rows = *n;
    auto a = Checksum(*src, tables[ti], false);
    if (!a.ok()) return std::move(a).TakeStatus();
    tr.source_checksum = *a;
    auto b = Checksum(*dst, tables[ti], true);
    if (!b.ok()) return std::move(b).TakeStatus();
    tr.target_checksum = *b;
  }
  (void)src->ExecScript("COMMIT");
  report.seconds = std::chrono::duration<double>(Clock::now() - started).count();
  return report;
}

std::string FormatReport(const CopyReport& report) {
  std::ostringstream out;
  char line[160];
  std::snprintf(line, sizeof line, "%-28s %12s %12s  %s\n", "table", "source rows", "target rows",
                "checksum");
  out << line;
  for (const auto& t : report.tables) {
    std::snprintf(line, sizeof line, "%-28s %12lld %12lld  %s\n", t.name.c_str(),
                  static_cast<long long>(t.source_rows), static_cast<long long>(t.target_rows),
                  t.ok() ? "OK" : "MISMATCH");
    out << line;
  }
  std::snprintf(line, sizeof line, "%lld rows copied in %.1f s: %s\n",
                static_cast<long long>(report.rows_copied), report.seconds,
                report.ok() ? "all tables verified" : "VERIFICATION FAILED");
  out << line;
  return out.str();
}

}  // namespace comptoir::db_copy
