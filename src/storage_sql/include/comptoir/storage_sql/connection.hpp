// The narrow SQL interface the shared repositories are written against. SQL text uses
// '?' placeholders and the portable subset of SQLite and PostgreSQL (INSERT …
// RETURNING, LIMIT/OFFSET, integer booleans, text JSON). Each adapter implements
// Connection over its driver and caches prepared statements by SQL text.
// A Connection is used by one thread at a time.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "comptoir/common/status.hpp"

namespace comptoir::sql {

enum class Dialect { kSqlite, kPostgres };

using Value = std::variant<std::monostate, std::int64_t, double, std::string>;

// Empty string → NULL (for nullable unique text columns).
inline Value TextOrNull(const std::string& s) { return s.empty() ? Value() : Value(s); }
inline Value IdOrNull(std::int64_t id) { return id == 0 ? Value() : Value(id); }
inline Value Bool(bool b) { return Value(static_cast<std::int64_t>(b ? 1 : 0)); }

class Row {
 public:
  explicit Row(std::vector<Value> cols) : cols_(std::move(cols)) {}
  std::size_t size() const { return cols_.size(); }
  bool IsNull(std::size_t i) const { return std::holds_alternative<std::monostate>(cols_[i]); }
  std::int64_t Int(std::size_t i) const;  // NULL → 0
  double Real(std::size_t i) const;       // NULL → 0
  std::string Text(std::size_t i) const;  // NULL → ""
  bool Bool(std::size_t i) const { return Int(i) != 0; }

 private:
  std::vector<Value> cols_;
};

using Params = std::vector<Value>;

class Connection {
 public:
  virtual ~Connection() = default;
  // Runs a statement that returns rows.
  virtual Result<std::vector<Row>> Query(std::string_view sql, const Params& params) = 0;
  // Runs a statement; returns the number of rows changed.
  virtual Result<std::int64_t> Exec(std::string_view sql, const Params& params) = 0;
  // Runs several statements without parameters (migrations).
  virtual Status ExecScript(std::string_view sql) = 0;
  // For the few statements that differ (row locks: FOR UPDATE SKIP LOCKED).
  virtual Dialect dialect() const = 0;
};

}  // namespace comptoir::sql
