// The numbered migrations (storage_sql/migrations.cpp) give the same schema on SQLite and on
// PostgreSQL: both stores migrate a fresh database, then each side is read back from its
// catalog (sqlite_master and PRAGMAs; pg_catalog and information_schema) and compared per
// table: the tables, column names in order, a normalised type, NOT NULL, whether a default
// exists, auto-increment, the primary key, the indexes (name, columns, unique, partial) and
// the foreign keys. `comptoir db copy` relies on this (it copies columns by name).
// The PostgreSQL case is skipped unless COMPTOIR_TEST_PG_URL names a server (a maintenance
// URL, e.g. postgresql://postgres@127.0.0.1:55432/postgres); it migrates a fresh database,
// dropped afterwards. The case that checks the report itself needs SQLite only.
#include <gtest/gtest.h>
#include <libpq-fe.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <set>

#include "comptoir/storage_pg/pg_connection_factory.hpp"
#include "comptoir/storage_pg/pg_store.hpp"
#include "comptoir/storage_pg/testing.hpp"
#include "comptoir/storage_sqlite/sqlite_connection_factory.hpp"
#include "comptoir/storage_sqlite/sqlite_store.hpp"

namespace comptoir {
namespace {

using pg::testing::PgAdmin;
using pg::testing::PgUrl;
using pg::testing::WithDatabase;

struct ColumnShape {
  std::string name;
  std::string type;  // normalised: integer, text, real, blob, boolean, numeric, or the raw name
  bool not_null = false;
  bool has_default = false;  // an auto-increment/identity column does not count as a default
  bool auto_increment = false;
};

struct IndexShape {
  std::string columns;  // "account_id,email"
  bool unique = false;
  bool partial = false;
};

struct TableShape {
  std::vector<ColumnShape> columns;
  std::vector<std::string> primary_key;
  // By name for CREATE INDEX; "UNIQUE(columns)" for an inline UNIQUE constraint, whose index
  // each engine names its own way (sqlite_autoindex_t_1, t_col_key).
  std::map<std::string, IndexShape> indexes;
  std::set<std::string> foreign_keys;  // "user_id -> users(id)"
};

using Schema = std::map<std::string, TableShape>;

std::string Upper(std::string s) {
  for (auto& ch : s) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  return s;
}

// SQLite's type-affinity rules, applied to both sides' declared type names.
std::string NormalType(const std::string& declared) {
  const std::string t = Upper(declared);
  auto has = [&](const char* part) { return t.find(part) != std::string::npos; };
  if (has("INT")) return "integer";  // INTEGER, BIGINT, SMALLINT
  if (has("CHAR") || has("CLOB") || has("TEXT")) return "text";
  if (has("BOOL")) return "boolean";
  if (has("REAL") || has("FLOA") || has("DOUB")) return "real";
  if (t.empty() || has("BLOB") || has("BYTEA")) return "blob";
  if (has("NUMERIC") || has("DECIMAL")) return "numeric";
  std::string raw = declared;
  for (auto& ch : raw) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return raw;
}

std::string Joined(const std::vector<std::string>& parts) {
  std::string out;
  for (const auto& p : parts) {
    if (!out.empty()) out += ",";
    out += p;
  }
  return out;
}

// Primary-key columns are NOT NULL on both sides. (SQLite lets a PRIMARY KEY column other
// than an INTEGER PRIMARY KEY hold NULL, a legacy quirk; PostgreSQL never does; our code
// never inserts a NULL key.)
void PrimaryKeyIsNotNull(TableShape& t) {
  for (auto& c : t.columns) {
    if (std::find(t.primary_key.begin(), t.primary_key.end(), c.name) != t.primary_key.end()) {
      c.not_null = true;
    }
  }
}

// The key of an inline UNIQUE constraint's index (appended: `"…" + std::string` trips GCC 12's
// -Wrestrict).
std::string UniqueKey(const std::string& columns) {
  std::string key = "UNIQUE(";
  key += columns;
  key += ")";
  return key;
}

std::string Parenthesised(const std::vector<std::string>& columns) {
  std::string out = "(";
  out += Joined(columns);
  out += ")";
  return out;
}

std::string Quoted(const std::string& name) {
  std::string q = "\"";
  for (char ch : name) {
    if (ch == '"') q += '"';
    q += ch;
  }
  q += '"';
  return q;
}

Result<Schema> SqliteSchema(sql::Connection& db) {
  Schema schema;
  auto tables = db.Query(
      "SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'", {});
  if (!tables.ok()) return std::move(tables).TakeStatus();
  for (const auto& row : *tables) {
    const std::string name = row.Text(0);
    const bool autoincrement = Upper(row.Text(1)).find("AUTOINCREMENT") != std::string::npos;
    TableShape& t = schema[name];
    std::string q = "PRAGMA table_info(";
    q += Quoted(name);
    q += ")";
    auto cols = db.Query(q, {});  // cid, name, type, notnull, dflt_value, pk
    if (!cols.ok()) return std::move(cols).TakeStatus();
    std::map<std::int64_t, std::string> pk;
    for (const auto& c : *cols) {
      ColumnShape col{c.Text(1), NormalType(c.Text(2)), c.Int(3) != 0, !c.IsNull(4), false};
      if (c.Int(5) > 0) pk[c.Int(5)] = col.name;
      t.columns.push_back(std::move(col));
    }
    for (const auto& [pos, column] : pk) t.primary_key.push_back(column);
    // AUTOINCREMENT only applies to the one INTEGER PRIMARY KEY column (the rowid).
    for (auto& c : t.columns) {
      c.auto_increment = autoincrement && t.primary_key.size() == 1 && t.primary_key[0] == c.name &&
                         c.type == "integer";
    }
    PrimaryKeyIsNotNull(t);

    q = "PRAGMA index_list(";
    q += Quoted(name);
    q += ")";
    auto indexes = db.Query(q, {});  // seq, name, unique, origin (c, u, pk), partial
    if (!indexes.ok()) return std::move(indexes).TakeStatus();
    for (const auto& ix : *indexes) {
      const std::string origin = ix.Text(3);
      if (origin == "pk") continue;  // compared as primary_key
      std::string iq = "PRAGMA index_info(";
      iq += Quoted(ix.Text(1));
      iq += ")";
      auto info = db.Query(iq, {});  // seqno, cid, name
      if (!info.ok()) return std::move(info).TakeStatus();
      std::map<std::int64_t, std::string> ordered;
      for (const auto& i : *info) ordered[i.Int(0)] = i.Text(2);
      std::vector<std::string> names;
      for (const auto& [seq, column] : ordered) names.push_back(column);
      IndexShape shape{Joined(names), ix.Int(2) != 0, ix.Int(4) != 0};
      std::string key = origin == "u" ? UniqueKey(shape.columns) : ix.Text(1);
      t.indexes[key] = shape;
    }

    q = "PRAGMA foreign_key_list(";
    q += Quoted(name);
    q += ")";
    auto fks = db.Query(q, {});  // id, seq, table, from, to, on_update, on_delete, match
    if (!fks.ok()) return std::move(fks).TakeStatus();
    std::map<std::int64_t, std::pair<std::string, std::vector<std::pair<std::string, std::string>>>>
        by_id;
    for (const auto& f : *fks) {
      auto& entry = by_id[f.Int(0)];
      entry.first = f.Text(2);
      entry.second.emplace_back(f.Text(3), f.Text(4));
    }
    for (const auto& [id, fk] : by_id) {
      std::vector<std::string> from, to;
      for (const auto& [f, tcol] : fk.second) {
        from.push_back(f);
        to.push_back(tcol);
      }
      std::string s = Joined(from);
      s += " -> ";
      s += fk.first;
      s += "(";
      s += Joined(to);
      s += ")";
      t.foreign_keys.insert(std::move(s));
    }
  }
  return schema;
}

Result<Schema> PgSchema(sql::Connection& db) {
  Schema schema;
  auto tables = db.Query(
      "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() "
      "AND table_type = 'BASE TABLE'",
      {});
  if (!tables.ok()) return std::move(tables).TakeStatus();
  for (const auto& row : *tables) schema[row.Text(0)];

  auto cols = db.Query(
      "SELECT table_name, column_name, data_type, is_nullable, column_default, is_identity "
      "FROM information_schema.columns WHERE table_schema = current_schema() "
      "ORDER BY table_name, ordinal_position",
      {});
  if (!cols.ok()) return std::move(cols).TakeStatus();
  for (const auto& c : *cols) {
    auto it = schema.find(c.Text(0));
    if (it == schema.end()) continue;  // a view
    const std::string dflt = c.Text(4);
    const bool serial = dflt.rfind("nextval(", 0) == 0;
    ColumnShape col{c.Text(1), NormalType(c.Text(2)), c.Text(3) == "NO", !c.IsNull(4) && !serial,
                    c.Text(5) == "YES" || serial};
    it->second.columns.push_back(std::move(col));
  }

  // Primary keys and indexes, columns in index order (expression columns show as "?").
  auto indexes = db.Query(
      "SELECT t.relname, ic.relname, i.indisprimary, i.indisunique, i.indpred IS NOT NULL, "
      "  EXISTS (SELECT 1 FROM pg_constraint con WHERE con.conindid = i.indexrelid "
      "          AND con.contype = 'u'), "
      "  (SELECT string_agg(coalesce(a.attname, '?'), ',' ORDER BY k.ord) "
      "     FROM unnest(i.indkey::smallint[]) WITH ORDINALITY AS k(attnum, ord) "
      "     LEFT JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum) "
      "FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid "
      "JOIN pg_class ic ON ic.oid = i.indexrelid "
      "JOIN pg_namespace n ON n.oid = t.relnamespace "
      "WHERE n.nspname = current_schema()",
      {});
  if (!indexes.ok()) return std::move(indexes).TakeStatus();
  for (const auto& ix : *indexes) {
    auto it = schema.find(ix.Text(0));
    if (it == schema.end()) continue;
    TableShape& t = it->second;
    const std::string columns = ix.Text(6);
    if (ix.Text(2) == "t") {
      std::string part;
      for (char ch : columns + ",") {
        if (ch == ',') {
          t.primary_key.push_back(part);
          part.clear();
        } else {
          part += ch;
        }
      }
      continue;
    }
    IndexShape shape{columns, ix.Text(3) == "t", ix.Text(4) == "t"};
    std::string key = ix.Text(5) == "t" ? UniqueKey(columns) : ix.Text(1);
    t.indexes[key] = shape;
  }
  for (auto& [name, t] : schema) PrimaryKeyIsNotNull(t);

  auto fks = db.Query(
      "SELECT t.relname, rt.relname, "
      "  string_agg(a.attname, ',' ORDER BY k.ord), string_agg(ra.attname, ',' ORDER BY k.ord) "
      "FROM pg_constraint con "
      "JOIN pg_class t ON t.oid = con.conrelid "
      "JOIN pg_class rt ON rt.oid = con.confrelid "
      "JOIN pg_namespace n ON n.oid = t.relnamespace "
      "CROSS JOIN LATERAL unnest(con.conkey, con.confkey) WITH ORDINALITY AS k(attnum, rattnum, "
      "ord) "
      "JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum "
      "JOIN pg_attribute ra ON ra.attrelid = con.confrelid AND ra.attnum = k.rattnum "
      "WHERE con.contype = 'f' AND n.nspname = current_schema() "
      "GROUP BY con.oid, t.relname, rt.relname",
      {});
  if (!fks.ok()) return std::move(fks).TakeStatus();
  for (const auto& f : *fks) {
    auto it = schema.find(f.Text(0));
    if (it == schema.end()) continue;
    std::string s = f.Text(2);
    s += " -> ";
    s += f.Text(1);
    s += "(";
    s += f.Text(3);
    s += ")";
    it->second.foreign_keys.insert(std::move(s));
  }
  return schema;
}

std::string YesNo(bool b) { return b ? "yes" : "no"; }

// Every difference, one line each, naming the table (and column or index): empty when
// the schemas are equivalent. `a` and `b` name the two sides in the messages.
std::vector<std::string> Differences(const Schema& left, const Schema& right, const std::string& a,
                                     const std::string& b) {
  std::vector<std::string> out;
  auto add = [&](const std::string& where, const std::string& what, const std::string& va,
                 const std::string& vb) {
    std::string line = where;
    line += ": ";
    line += what;
    line += " is ";
    line += va;
    line += " on ";
    line += a;
    line += " but ";
    line += vb;
    line += " on ";
    line += b;
    out.push_back(std::move(line));
  };
  std::set<std::string> names;
  for (const auto& [n, t] : left) names.insert(n);
  for (const auto& [n, t] : right) names.insert(n);
  for (const auto& name : names) {
    std::string where = "table ";
    where += name;
    auto l = left.find(name);
    auto r = right.find(name);
    if (l == left.end() || r == right.end()) {
      add(where, "presence", YesNo(l != left.end()), YesNo(r != right.end()));
      continue;
    }
    const TableShape& x = l->second;
    const TableShape& y = r->second;
    const std::size_t n = std::max(x.columns.size(), y.columns.size());
    for (std::size_t i = 0; i < n; ++i) {
      std::string at = where;
      at += ", column #";
      at += std::to_string(i + 1);
      if (i >= x.columns.size() || i >= y.columns.size()) {
        add(at, "name", i < x.columns.size() ? x.columns[i].name : "(none)",
            i < y.columns.size() ? y.columns[i].name : "(none)");
        continue;
      }
      const ColumnShape& cx = x.columns[i];
      const ColumnShape& cy = y.columns[i];
      if (cx.name != cy.name) {
        add(at, "name", cx.name, cy.name);
        continue;
      }
      at = where;
      at += ", column ";
      at += cx.name;
      if (cx.type != cy.type) add(at, "type", cx.type, cy.type);
      if (cx.not_null != cy.not_null) add(at, "NOT NULL", YesNo(cx.not_null), YesNo(cy.not_null));
      if (cx.has_default != cy.has_default) {
        add(at, "a default", YesNo(cx.has_default), YesNo(cy.has_default));
      }
      if (cx.auto_increment != cy.auto_increment) {
        add(at, "auto-increment", YesNo(cx.auto_increment), YesNo(cy.auto_increment));
      }
    }
    if (x.primary_key != y.primary_key) {
      add(where, "the primary key", Parenthesised(x.primary_key), Parenthesised(y.primary_key));
    }
    std::set<std::string> index_names;
    for (const auto& [k, v] : x.indexes) index_names.insert(k);
    for (const auto& [k, v] : y.indexes) index_names.insert(k);
    for (const auto& ix : index_names) {
      std::string at = where;
      at += ", index ";
      at += ix;
      auto ix_l = x.indexes.find(ix);
      auto ix_r = y.indexes.find(ix);
      if (ix_l == x.indexes.end() || ix_r == y.indexes.end()) {
        add(at, "presence", YesNo(ix_l != x.indexes.end()), YesNo(ix_r != y.indexes.end()));
        continue;
      }
      if (ix_l->second.columns != ix_r->second.columns) {
        add(at, "columns", ix_l->second.columns, ix_r->second.columns);
      }
      if (ix_l->second.unique != ix_r->second.unique) {
        add(at, "unique", YesNo(ix_l->second.unique), YesNo(ix_r->second.unique));
      }
      if (ix_l->second.partial != ix_r->second.partial) {
        add(at, "partial", YesNo(ix_l->second.partial), YesNo(ix_r->second.partial));
      }
    }
    std::set<std::string> fks(x.foreign_keys.begin(), x.foreign_keys.end());
    fks.insert(y.foreign_keys.begin(), y.foreign_keys.end());
    for (const auto& fk : fks) {
      const bool in_x = x.foreign_keys.contains(fk);
      const bool in_y = y.foreign_keys.contains(fk);
      if (in_x != in_y) add(where + ", foreign key " + fk, "presence", YesNo(in_x), YesNo(in_y));
    }
  }
  return out;
}

std::string Lines(const std::vector<std::string>& lines) {
  std::string out;
  for (const auto& l : lines) {
    out += "  ";
    out += l;
    out += "\n";
  }
  return out;
}

class SchemaEquivalenceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("comptoir-schema-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override {
    if (!pg_db_.empty()) (void)PgAdmin("DROP DATABASE IF EXISTS " + pg_db_ + " WITH (FORCE)");
    std::filesystem::remove_all(dir_);
  }

  // A fresh SQLite file migrated by SqliteStore, then `extra` run on it; its schema.
  Schema MigratedSqlite(const std::string& file, const std::string& extra = "") {
    const std::string path = (dir_ / file).string();
    {
      auto store = sqlite::SqliteStore::Open({path});
      EXPECT_TRUE(store.ok()) << store.status().ToString();
      if (!store.ok()) return {};
      Status st = (*store)->Migrate();
      EXPECT_TRUE(st.ok()) << st.ToString();
    }
    auto db = sqlite::OpenSqliteConnection(path, /*read_only=*/extra.empty());
    EXPECT_TRUE(db.ok()) << db.status().ToString();
    if (!db.ok()) return {};
    if (!extra.empty()) {
      Status st = (*db)->ExecScript(extra);
      EXPECT_TRUE(st.ok()) << st.ToString();
    }
    auto schema = SqliteSchema(**db);
    EXPECT_TRUE(schema.ok()) << schema.status().ToString();
    return schema.ok() ? *schema : Schema{};
  }

  std::filesystem::path dir_;
  std::string pg_db_;
};

TEST_F(SchemaEquivalenceTest, MigrationsGiveTheSameSchemaOnSqliteAndPostgres) {
  if (PgUrl() == nullptr) GTEST_SKIP() << "COMPTOIR_TEST_PG_URL is not set";
  pg_db_ = "comptoir_schema_" + std::to_string(::getpid());
  ASSERT_EQ(PgAdmin("CREATE DATABASE " + pg_db_), "");
  const std::string url = WithDatabase(PgUrl(), pg_db_);
  {
    auto store = pg::PgStore::Open({url});
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    Status st = (*store)->Migrate();
    ASSERT_TRUE(st.ok()) << st.ToString();
  }
  auto pg_conn = pg::OpenPgConnection(url);
  ASSERT_TRUE(pg_conn.ok()) << pg_conn.status().ToString();
  auto pg_schema = PgSchema(**pg_conn);
  ASSERT_TRUE(pg_schema.ok()) << pg_schema.status().ToString();
  const Schema sqlite_schema = MigratedSqlite("comptoir.db");

  // The comparison saw the whole schema, not two empty maps.
  ASSERT_TRUE(sqlite_schema.contains("tickets"));
  ASSERT_TRUE(pg_schema->contains("queued_jobs"));
  EXPECT_GE(sqlite_schema.size(), 25u);
  EXPECT_EQ(pg_schema->at("tickets").primary_key, std::vector<std::string>{"id"});
  EXPECT_TRUE(pg_schema->at("tickets").columns.front().auto_increment);
  EXPECT_TRUE(pg_schema->at("api_tokens").indexes.contains("UNIQUE(token_hash)"));
  EXPECT_EQ(pg_schema->at("ticket_tags").primary_key,
            (std::vector<std::string>{"account_id", "ticket_id", "tag"}));

  // The full-text index differs by design (migration 9: FTS5 virtual tables on SQLite,
  // tsvector tables on PostgreSQL) and is not copied; the rest must be the same.
  Schema sqlite_rest = sqlite_schema;
  std::erase_if(sqlite_rest,
                [](const auto& t) { return t.first.find("_fts") != std::string::npos; });
  for (const char* name : {"ticket_search", "user_search", "organization_search"}) {
    EXPECT_TRUE(pg_schema->erase(name) == 1) << name;
  }
  auto diffs = Differences(sqlite_rest, *pg_schema, "SQLite", "PostgreSQL");
  EXPECT_TRUE(diffs.empty()) << "the migrations give different schemas:\n" << Lines(diffs);
}

// The report names the table and the column (or index) that differ; SQLite only.
TEST_F(SchemaEquivalenceTest, ReportsTheTableAndColumnThatDiffer) {
  const Schema a = MigratedSqlite("a.db",
                                  "CREATE TABLE probe (id INTEGER PRIMARY KEY AUTOINCREMENT, "
                                  "n BIGINT NOT NULL, s TEXT DEFAULT '');"
                                  "CREATE INDEX probe_n ON probe(n)");
  const Schema b = MigratedSqlite("b.db",
                                  "CREATE TABLE probe (id INTEGER PRIMARY KEY AUTOINCREMENT, "
                                  "n TEXT, s TEXT);"
                                  "CREATE UNIQUE INDEX probe_n ON probe(n, s);"
                                  "ALTER TABLE users ADD COLUMN nickname TEXT");
  EXPECT_TRUE(Differences(a, a, "A", "A").empty());
  auto diffs = Differences(a, b, "A", "B");
  const std::string all = Lines(diffs);
  std::string added = "table users, column #";
  added += std::to_string(a.at("users").columns.size() + 1);
  added += ": name is (none) on A but nickname on B";
  const std::vector<std::string> expected = {
      "table probe, column n: type is integer on A but text on B",
      "table probe, column n: NOT NULL is yes on A but no on B",
      "table probe, column s: a default is yes on A but no on B",
      "table probe, index probe_n: columns is n on A but n,s on B",
      "table probe, index probe_n: unique is no on A but yes on B",
      added,
  };
  for (const auto& line : expected) {
    EXPECT_NE(all.find(line), std::string::npos) << "missing: " << line << "\nreport:\n" << all;
  }
  EXPECT_EQ(diffs.size(), expected.size()) << all;
}

}  // namespace
}  // namespace comptoir
