// Private helpers shared by the SQL repositories.
#pragma once

#include <boost/json.hpp>
#include <string>
#include <vector>

#include "comptoir/storage/page.hpp"
#include "comptoir/storage_sql/connection.hpp"

namespace comptoir::sql {

// JSON text ⇄ values for text columns.
std::string ToJson(const std::vector<std::string>& list);
std::vector<std::string> StringListFromJson(const std::string& text);
std::string ToJson(const boost::json::object& obj);
boost::json::object ObjectFromJson(const std::string& text);

// JSON arrays of ids (collaborators, form field ids) and of objects (custom fields,
// audit events) in text columns; malformed text reads as empty.
std::string IdsToJson(const std::vector<std::int64_t>& ids);
std::vector<std::int64_t> IdsFromJson(const std::string& text);
boost::json::array ArrayFromJson(const std::string& text);

// Lookups of many rows by id write the account check as `+account_id = ?`: the unary
// plus keeps the tenancy filter but stops the planner from scanning an index that starts
// with account_id instead of doing one primary-key lookup per id (valid in PostgreSQL too).

// "%text%" for LIKE with the wildcard characters of `text` escaped (use ESCAPE '\').
std::string LikeContains(std::string_view text);
std::string LikePrefix(std::string_view text);

// Runs "SELECT <cols> FROM <from> WHERE <where>" with paging by `id_col` and maps each
// row with `map`. Params are those of <where>.
template <typename T, typename Map>
Result<storage::Page<T>> RunPaged(Connection& c, const std::string& cols, const std::string& from,
                                  const std::string& where, Params params,
                                  const storage::PageRequest& p, const std::string& id_col,
                                  Map map) {
  storage::Page<T> page;
  if (p.count) {
    auto n = c.Query("SELECT COUNT(*) FROM " + from + " WHERE " + where, params);
    if (!n.ok()) return std::move(n).TakeStatus();
    page.total = n->empty() ? 0 : (*n)[0].Int(0);
  }
  const int limit = p.limit <= 0 ? 100 : p.limit;
  bool asc = !p.descending;
  std::string sql = "SELECT " + cols + " FROM " + from + " WHERE " + where;
  bool reverse = false;
  if (p.cursor && p.before_id != 0) {
    sql += " AND " + id_col + (asc ? " < ?" : " > ?");
    params.emplace_back(p.before_id);
    asc = !asc;
    reverse = true;
  } else if (p.cursor && p.after_id != 0) {
    sql += " AND " + id_col + (asc ? " > ?" : " < ?");
    params.emplace_back(p.after_id);
  }
  sql += " ORDER BY " + id_col + (asc ? " ASC" : " DESC") + " LIMIT ?";
  params.emplace_back(static_cast<std::int64_t>(limit + 1));
  if (!p.cursor && p.offset > 0) {
    sql += " OFFSET ?";
    params.emplace_back(static_cast<std::int64_t>(p.offset));
  }
  auto rows = c.Query(sql, params);
  if (!rows.ok()) return std::move(rows).TakeStatus();
  bool extra = static_cast<int>(rows->size()) > limit;
  if (extra) rows->pop_back();
  page.items.reserve(rows->size());
  for (const auto& r : *rows) page.items.push_back(map(r));
  if (reverse) {
    std::reverse(page.items.begin(), page.items.end());
    page.has_before = extra;
    page.has_more = true;
  } else {
    page.has_more = extra;
    page.has_before = p.cursor ? p.after_id != 0 : p.offset > 0;
  }
  return page;
}

// Maps a Query result's first row, or kNotFound.
template <typename T, typename Map>
Result<T> One(Result<std::vector<Row>> rows, Map map) {
  if (!rows.ok()) return std::move(rows).TakeStatus();
  if (rows->empty()) return NotFound();
  return map((*rows)[0]);
}

// Maps every row of a Query result.
template <typename T, typename Map>
Result<std::vector<T>> All(Result<std::vector<Row>> rows, Map map) {
  if (!rows.ok()) return std::move(rows).TakeStatus();
  std::vector<T> out;
  out.reserve(rows->size());
  for (const auto& r : *rows) out.push_back(map(r));
  return out;
}

// Runs an INSERT … RETURNING id and returns the id.
Result<std::int64_t> InsertReturningId(Connection& c, std::string_view sql, const Params& params);
// Exec that must change exactly one row (else kNotFound).
Status ExecOne(Connection& c, std::string_view sql, const Params& params);
// Exec whose count of changed rows does not matter.
Status ExecAny(Connection& c, std::string_view sql, const Params& params);
// "?,?,?" for n placeholders.
std::string Placeholders(std::size_t n);

}  // namespace comptoir::sql
