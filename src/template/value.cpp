#include "value_internal.hpp"

#include "text_internal.hpp"

#include <boost/json/serialize.hpp>

#include <charconv>
#include <cmath>
#include <limits>

namespace comptoir::liquid::internal {

namespace json = boost::json;

namespace {

bool IsNumber(const json::value& v) { return v.is_int64() || v.is_uint64() || v.is_double(); }

// Exact for every int64 and uint64 (64-bit mantissa on x86-64; elsewhere close enough).
long double AsLongDouble(const json::value& v) {
  if (v.is_int64()) return static_cast<long double>(v.get_int64());
  if (v.is_uint64()) return static_cast<long double>(v.get_uint64());
  return static_cast<long double>(v.get_double());
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// "-?\d+\.\d+" exactly.
bool LooksLikeFloat(std::string_view s) {
  std::size_t i = 0;
  if (i < s.size() && s[i] == '-') ++i;
  const std::size_t int_start = i;
  while (i < s.size() && IsDigit(s[i])) ++i;
  if (i == int_start || i >= s.size() || s[i] != '.') return false;
  const std::size_t frac_start = ++i;
  while (i < s.size() && IsDigit(s[i])) ++i;
  return i > frac_start && i == s.size();
}

double ParseDouble(std::string_view s) {
  double d = 0;
  // from_chars does not take a leading '+'; callers never pass one.
  std::from_chars(s.data(), s.data() + s.size(), d);
  return d;
}

// Ruby's to_i on a stripped string: an optional sign and the digits that follow.
Number LeadingInteger(std::string_view s) {
  std::size_t i = 0;
  bool negative = false;
  if (i < s.size() && (s[i] == '-' || s[i] == '+')) negative = s[i++] == '-';
  const std::size_t start = i;
  while (i < s.size() && IsDigit(s[i])) ++i;
  const std::string_view digits = s.substr(start, i - start);
  Number n;
  if (digits.empty()) return n;
  std::int64_t value = 0;
  const auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
  if (ec == std::errc() && ptr == digits.data() + digits.size()) {
    n.i = negative ? -value : value;
    return n;
  }
  n.is_int = false;  // beyond int64: Ruby would make a Bignum
  n.d = ParseDouble(digits) * (negative ? -1 : 1);
  return n;
}

int Rank(const json::value& v) {
  switch (v.kind()) {
    case json::kind::int64:
    case json::kind::uint64:
    case json::kind::double_:
      return 0;
    case json::kind::string:
      return 1;
    case json::kind::bool_:
      return 2;
    case json::kind::array:
      return 3;
    case json::kind::object:
      return 4;
    case json::kind::null:
      return 5;
  }
  return 5;
}

}  // namespace

Value Value::Nil() {
  static const json::value kNull;
  return Borrow(kNull);
}

Value Value::Own(json::value j, Trust trust) {
  return {std::make_shared<const json::value>(std::move(j)), trust};
}

Value Value::Borrow(const json::value& j, Trust trust) {
  return {std::shared_ptr<const json::value>(std::shared_ptr<const void>(), &j), trust};
}

Value Value::Child(const json::value& child) const {
  return {std::shared_ptr<const json::value>(v, &child), Trust::kText};
}

Number ToNumber(const json::value& v) {
  Number n;
  if (v.is_int64()) {
    n.i = v.get_int64();
  } else if (v.is_uint64()) {
    if (v.get_uint64() <= static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
      n.i = static_cast<std::int64_t>(v.get_uint64());
    } else {
      n.is_int = false;
      n.d = static_cast<double>(v.get_uint64());
    }
  } else if (v.is_double()) {
    n.is_int = false;
    n.d = v.get_double();
  } else if (v.is_string()) {
    const std::string_view s = Strip(v.get_string());
    if (LooksLikeFloat(s)) {
      n.is_int = false;
      n.d = ParseDouble(s);
    } else {
      n = LeadingInteger(s);
    }
  }
  return n;
}

json::value FromNumber(const Number& n) {
  if (n.is_int) return json::value(n.i);
  return json::value(n.d);
}

std::optional<std::int64_t> ToInteger(const json::value& v) {
  const auto from_double = [](double d) -> std::optional<std::int64_t> {
    if (std::isnan(d)) return std::nullopt;
    if (d >= 9.2e18) return std::numeric_limits<std::int64_t>::max();
    if (d <= -9.2e18) return std::numeric_limits<std::int64_t>::min();
    return static_cast<std::int64_t>(d);
  };
  if (v.is_int64()) return v.get_int64();
  if (v.is_uint64()) {
    return v.get_uint64() > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())
               ? std::numeric_limits<std::int64_t>::max()
               : static_cast<std::int64_t>(v.get_uint64());
  }
  if (v.is_double()) return from_double(v.get_double());
  if (v.is_string()) {
    const std::string_view s = Strip(v.get_string());
    if (LooksLikeFloat(s)) return from_double(ParseDouble(s));
    std::size_t i = (!s.empty() && (s[0] == '-' || s[0] == '+')) ? 1 : 0;
    if (i == s.size()) return std::nullopt;
    for (; i < s.size(); ++i) {
      if (!IsDigit(s[i])) return std::nullopt;
    }
    const Number n = LeadingInteger(s);
    return n.is_int ? n.i : *from_double(n.d);
  }
  return std::nullopt;
}

std::string FormatDouble(double d) {
  if (std::isnan(d)) return "NaN";
  if (std::isinf(d)) return d > 0 ? "Infinity" : "-Infinity";
  if (d == 0) return std::signbit(d) ? "-0.0" : "0.0";
  char buf[64];
  const auto res = std::to_chars(buf, buf + sizeof buf, d, std::chars_format::scientific);
  const std::string_view sci(buf, static_cast<std::size_t>(res.ptr - buf));  // -1.2345e+02
  const std::size_t e_at = sci.find('e');
  std::string digits;
  for (const char c : sci.substr(0, e_at)) {
    if (IsDigit(c)) digits += c;
  }
  int exponent = 0;
  const std::string_view exp_text = sci.substr(e_at + 1);
  std::from_chars(exp_text.data() + (exp_text[0] == '+' ? 1 : 0), exp_text.data() + exp_text.size(),
                  exponent);
  std::string out;
  if (d < 0) out += '-';
  if (exponent >= -4 && exponent < 16) {
    if (exponent >= 0) {
      const auto int_len = static_cast<std::size_t>(exponent) + 1;
      if (digits.size() <= int_len) {
        out += digits;
        out.append(int_len - digits.size(), '0');
        out += ".0";
      } else {
        out.append(digits, 0, int_len);
        out += '.';
        out.append(digits, int_len);
      }
    } else {
      out += "0.";
      out.append(static_cast<std::size_t>(-exponent - 1), '0');
      out += digits;
    }
    return out;
  }
  out += digits[0];
  out += '.';
  if (digits.size() > 1) {
    out.append(digits, 1);
  } else {
    out += '0';
  }
  out += 'e';
  out += exponent < 0 ? '-' : '+';
  const int magnitude = exponent < 0 ? -exponent : exponent;
  if (magnitude < 10) out += '0';
  out += std::to_string(magnitude);
  return out;
}

void AppendText(std::string& out, const json::value& v) {
  switch (v.kind()) {
    case json::kind::null:
      return;
    case json::kind::bool_:
      out += v.get_bool() ? "true" : "false";
      return;
    case json::kind::int64:
      out += std::to_string(v.get_int64());
      return;
    case json::kind::uint64:
      out += std::to_string(v.get_uint64());
      return;
    case json::kind::double_:
      out += FormatDouble(v.get_double());
      return;
    case json::kind::string:
      out.append(v.get_string().data(), v.get_string().size());
      return;
    case json::kind::array:
      for (const json::value& item : v.get_array()) AppendText(out, item);
      return;
    case json::kind::object:
      out += json::serialize(v);
      return;
  }
}

std::string ToText(const json::value& v) {
  if (v.is_string()) return std::string(v.get_string());
  std::string out;
  AppendText(out, v);
  return out;
}

std::string Describe(const json::value& v) {
  if (v.is_null()) return "nil";
  std::string out = "'";
  out += Excerpt(ToText(v));
  out += '\'';
  return out;
}

bool IsTruthy(const json::value& v) { return !v.is_null() && !(v.is_bool() && !v.get_bool()); }

bool IsEmpty(const json::value& v) {
  return (v.is_string() && v.get_string().empty()) || (v.is_array() && v.get_array().empty()) ||
         (v.is_object() && v.get_object().empty());
}

bool IsBlank(const json::value& v) {
  if (v.is_string()) return Strip(v.get_string()).empty();
  return !IsTruthy(v) || IsEmpty(v);
}

bool Equals(const json::value& a, const json::value& b) {
  if (IsNumber(a) && IsNumber(b)) return AsLongDouble(a) == AsLongDouble(b);
  if (a.kind() != b.kind()) return false;
  switch (a.kind()) {
    case json::kind::null:
      return true;
    case json::kind::bool_:
      return a.get_bool() == b.get_bool();
    case json::kind::string:
      return a.get_string() == b.get_string();
    case json::kind::array: {
      const json::array& x = a.get_array();
      const json::array& y = b.get_array();
      if (x.size() != y.size()) return false;
      for (std::size_t i = 0; i < x.size(); ++i) {
        if (!Equals(x[i], y[i])) return false;
      }
      return true;
    }
    case json::kind::object: {
      const json::object& x = a.get_object();
      const json::object& y = b.get_object();
      if (x.size() != y.size()) return false;
      for (const auto& [key, value] : x) {
        const auto it = y.find(key);
        if (it == y.end() || !Equals(value, it->value())) return false;
      }
      return true;
    }
    default:
      return false;
  }
}

std::optional<int> Order(const json::value& a, const json::value& b) {
  if (IsNumber(a) && IsNumber(b)) {
    const long double x = AsLongDouble(a);
    const long double y = AsLongDouble(b);
    if (std::isnan(x) || std::isnan(y)) return std::nullopt;
    return x < y ? -1 : (x > y ? 1 : 0);
  }
  if (a.is_string() && b.is_string()) {
    const int c = std::string_view(a.get_string()).compare(std::string_view(b.get_string()));
    return c < 0 ? -1 : (c > 0 ? 1 : 0);
  }
  return std::nullopt;
}

bool SortLess(const json::value& a, const json::value& b) {
  const int ra = Rank(a);
  const int rb = Rank(b);
  if (ra != rb) return ra < rb;
  switch (ra) {
    case 0: {
      const long double x = AsLongDouble(a);
      const long double y = AsLongDouble(b);
      if (std::isnan(x)) return false;  // NaN after every number
      if (std::isnan(y)) return true;
      return x < y;
    }
    case 1:
      return std::string_view(a.get_string()) < std::string_view(b.get_string());
    case 2:
      return !a.get_bool() && b.get_bool();
    default:
      return false;
  }
}

}  // namespace comptoir::liquid::internal
