#include "sql_util.hpp"

#include <charconv>

namespace comptoir::sql {

std::int64_t Row::Int(std::size_t i) const {
  const Value& v = cols_[i];
  if (const auto* n = std::get_if<std::int64_t>(&v)) return *n;
  if (const auto* d = std::get_if<double>(&v)) return static_cast<std::int64_t>(*d);
  if (const auto* s = std::get_if<std::string>(&v)) return s->empty() ? 0 : std::stoll(*s);
  return 0;
}

double Row::Real(std::size_t i) const {
  const Value& v = cols_[i];
  if (const auto* d = std::get_if<double>(&v)) return *d;
  if (const auto* n = std::get_if<std::int64_t>(&v)) return static_cast<double>(*n);
  if (const auto* s = std::get_if<std::string>(&v)) return s->empty() ? 0 : std::stod(*s);
  return 0;
}

std::string Row::Text(std::size_t i) const {
  const Value& v = cols_[i];
  if (const auto* s = std::get_if<std::string>(&v)) return *s;
  if (const auto* n = std::get_if<std::int64_t>(&v)) return std::to_string(*n);
  if (const auto* d = std::get_if<double>(&v)) return std::to_string(*d);
  return {};
}

std::string ToJson(const std::vector<std::string>& list) {
  boost::json::array a;
  for (const auto& s : list) a.emplace_back(s);
  return boost::json::serialize(a);
}

std::vector<std::string> StringListFromJson(const std::string& text) {
  std::vector<std::string> out;
  if (text.empty() || text == "[]") return out;  // most rows: no parse
  boost::system::error_code ec;
  auto v = boost::json::parse(text, ec);
  if (ec || !v.is_array()) return out;
  for (const auto& e : v.get_array()) {
    if (e.is_string()) out.emplace_back(e.get_string());
  }
  return out;
}

std::string ToJson(const boost::json::object& obj) { return boost::json::serialize(obj); }

boost::json::object ObjectFromJson(const std::string& text) {
  if (text.empty()) return {};
  boost::system::error_code ec;
  auto v = boost::json::parse(text, ec);
  if (ec || !v.is_object()) return {};
  return std::move(v.get_object());
}

std::string IdsToJson(const std::vector<std::int64_t>& ids) {
  boost::json::array a;
  for (auto id : ids) a.emplace_back(id);
  return boost::json::serialize(a);
}

std::vector<std::int64_t> IdsFromJson(const std::string& text) {
  std::vector<std::int64_t> out;
  // As written by IdsToJson ("[]", "[1,2]"): read without building a document.
  if (text.size() >= 2 && text.front() == '[' && text.back() == ']') {
    const char* p = text.data() + 1;
    const char* end = text.data() + text.size() - 1;
    bool plain = true;
    while (p < end) {
      std::int64_t id = 0;
      auto [next, err] = std::from_chars(p, end, id);
      if (err != std::errc() || (next != end && *next != ',')) {
        plain = false;
        break;
      }
      out.push_back(id);
      p = next == end ? end : next + 1;
      if (p == end && next != end) plain = false;  // a trailing comma
    }
    if (plain) return out;
    out.clear();
  }
  boost::system::error_code ec;
  auto v = boost::json::parse(text, ec);
  if (ec || !v.is_array()) return out;
  for (const auto& e : v.get_array()) {
    if (e.is_int64()) out.push_back(e.get_int64());
  }
  return out;
}

boost::json::array ArrayFromJson(const std::string& text) {
  if (text == "[]") return {};
  boost::system::error_code ec;
  auto v = boost::json::parse(text, ec);
  if (ec || !v.is_array()) return {};
  return std::move(v.get_array());
}

namespace {
std::string EscapeLike(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '%' || c == '_' || c == '\\') out += '\\';
    out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}
}  // namespace

// Built by appending: `"%" + std::string` trips GCC 12's -Wrestrict at -O3.
std::string LikeContains(std::string_view text) {
  std::string out = "%";
  out.append(EscapeLike(text));
  out.push_back('%');
  return out;
}
std::string LikePrefix(std::string_view text) {
  std::string out = EscapeLike(text);
  out.push_back('%');
  return out;
}

Result<std::int64_t> InsertReturningId(Connection& c, std::string_view sql, const Params& params) {
  auto rows = c.Query(sql, params);
  if (!rows.ok()) return std::move(rows).TakeStatus();
  if (rows->empty()) return Internal("INSERT returned no id");
  return (*rows)[0].Int(0);
}

Status ExecAny(Connection& c, std::string_view sql, const Params& params) {
  auto n = c.Exec(sql, params);
  return n.ok() ? Status::Ok() : std::move(n).TakeStatus();
}

Status ExecOne(Connection& c, std::string_view sql, const Params& params) {
  auto n = c.Exec(sql, params);
  if (!n.ok()) return std::move(n).TakeStatus();
  if (*n == 0) return NotFound();
  return Status::Ok();
}

std::string Placeholders(std::size_t n) {
  std::string s;
  for (std::size_t i = 0; i < n; ++i) s += i == 0 ? "?" : ",?";
  return s;
}

}  // namespace comptoir::sql
