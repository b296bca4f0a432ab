#include "filters_internal.hpp"

#include "date_internal.hpp"
#include "text_internal.hpp"

#include <boost/json/serialize.hpp>

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <limits>
#include <unordered_set>

namespace comptoir::liquid::internal {

namespace json = boost::json;

namespace {

constexpr std::array kFilters = {
    FilterSpec{"abs", FilterId::kAbs, 0, 0, {}},
    FilterSpec{"append", FilterId::kAppend, 1, 1, {}},
    FilterSpec{"capitalize", FilterId::kCapitalize, 0, 0, {}},
    FilterSpec{"ceil", FilterId::kCeil, 0, 0, {}},
    FilterSpec{"date", FilterId::kDate, 1, 1, {}},
    FilterSpec{"default", FilterId::kDefault, 1, 1, "allow_false"},
    FilterSpec{"divided_by", FilterId::kDividedBy, 1, 1, {}},
    FilterSpec{"downcase", FilterId::kDowncase, 0, 0, {}},
    FilterSpec{"escape", FilterId::kEscape, 0, 0, {}},
    FilterSpec{"escape_once", FilterId::kEscapeOnce, 0, 0, {}},
    FilterSpec{"first", FilterId::kFirst, 0, 0, {}},
    FilterSpec{"floor", FilterId::kFloor, 0, 0, {}},
    FilterSpec{"join", FilterId::kJoin, 0, 1, {}},
    FilterSpec{"last", FilterId::kLast, 0, 0, {}},
    FilterSpec{"lstrip", FilterId::kLstrip, 0, 0, {}},
    FilterSpec{"minus", FilterId::kMinus, 1, 1, {}},
    FilterSpec{"modulo", FilterId::kModulo, 1, 1, {}},
    FilterSpec{"newline_to_br", FilterId::kNewlineToBr, 0, 0, {}},
    FilterSpec{"plus", FilterId::kPlus, 1, 1, {}},
    FilterSpec{"prepend", FilterId::kPrepend, 1, 1, {}},
    FilterSpec{"raw", FilterId::kRaw, 0, 0, {}},
    FilterSpec{"remove", FilterId::kRemove, 1, 1, {}},
    FilterSpec{"remove_first", FilterId::kRemoveFirst, 1, 1, {}},
    FilterSpec{"replace", FilterId::kReplace, 1, 2, {}},
    FilterSpec{"replace_first", FilterId::kReplaceFirst, 1, 2, {}},
    FilterSpec{"reverse", FilterId::kReverse, 0, 0, {}},
    FilterSpec{"round", FilterId::kRound, 0, 1, {}},
    FilterSpec{"rstrip", FilterId::kRstrip, 0, 0, {}},
    FilterSpec{"size", FilterId::kSize, 0, 0, {}},
    FilterSpec{"slice", FilterId::kSlice, 1, 2, {}},
    FilterSpec{"sort", FilterId::kSort, 0, 1, {}},
    FilterSpec{"split", FilterId::kSplit, 1, 1, {}},
    FilterSpec{"strip", FilterId::kStrip, 0, 0, {}},
    FilterSpec{"strip_html", FilterId::kStripHtml, 0, 0, {}},
    FilterSpec{"times", FilterId::kTimes, 1, 1, {}},
    FilterSpec{"truncate", FilterId::kTruncate, 0, 2, {}},
    FilterSpec{"truncatewords", FilterId::kTruncateWords, 0, 2, {}},
    FilterSpec{"uniq", FilterId::kUniq, 0, 1, {}},
    FilterSpec{"upcase", FilterId::kUpcase, 0, 0, {}},
    FilterSpec{"url_encode", FilterId::kUrlEncode, 0, 0, {}},
};

// Work charged per array item a filter builds: an item costs memory beyond its bytes, and
// this keeps arrays of a million one-character strings out of reach of one render.
constexpr std::uint64_t kItemCost = 64;

constexpr std::int64_t kInt64Max = std::numeric_limits<std::int64_t>::max();
constexpr std::int64_t kInt64Min = std::numeric_limits<std::int64_t>::min();

Status Fail(std::string message) {
  return Status(ErrorCode::kValidation, std::move(message), std::string(kRenderFailed));
}

std::string TooLarge(std::size_t limit) {
  std::string m = "value too large (more than ";
  m += std::to_string(limit);
  m += " bytes)";
  return m;
}

// Filter implementations share this: the budget, the size limit and the arguments.
class Call {
 public:
  Call(const Value& input, const std::vector<Value>& args, const FilterEnv& env)
      : input_(input), args_(args), env_(env) {}

  const json::value& in() const { return input_.json(); }
  const Value& input() const { return input_; }
  bool has(std::size_t i) const { return i < args_.size(); }
  const json::value& arg(std::size_t i) const { return args_[i].json(); }
  const Value& arg_value(std::size_t i) const { return args_[i]; }
  const FilterEnv& env() const { return env_; }

  // Text of the input (or an argument); charges its length.
  std::string_view Text(const json::value& v, std::string& scratch) {
    if (v.is_string()) {
      Spend(v.get_string().size());
      return v.get_string();
    }
    scratch = ToText(v);
    Spend(scratch.size());
    return scratch;
  }

  bool Spend(std::uint64_t n) {
    if (!env_.budget->Spend(n)) failed_ = true;
    return !failed_;
  }

  // The result of a filter that builds a string: checked against the limits.
  Result<Value> String(std::string_view s, Trust trust = Trust::kText) {
    if (s.size() > env_.max_value_bytes) return Fail(TooLarge(env_.max_value_bytes));
    Spend(s.size());
    if (failed_) return Fail(TooMuchWork(env_.budget->limit()));
    return Value::Own(json::value(s), trust);
  }
  Result<Value> Json(json::value v) {
    if (failed_) return Fail(TooMuchWork(env_.budget->limit()));
    return Value::Own(std::move(v));
  }
  Result<Value> Same(Trust trust) {
    if (failed_) return Fail(TooMuchWork(env_.budget->limit()));
    Value v = input_;
    v.trust = trust;
    return v;
  }
  // Checks a string being built, so a runaway one stops early.
  bool Fits(const std::string& s) const { return s.size() <= env_.max_value_bytes; }
  Result<Value> TooBig() const { return Fail(TooLarge(env_.max_value_bytes)); }

 private:
  const Value& input_;
  const std::vector<Value>& args_;
  const FilterEnv& env_;
  bool failed_ = false;
};

// Rounds a float result to 15 significant digits: Liquid computes with decimals, so
// 0.1 plus 0.2 is 0.3 there; this gives the same for sums, differences and products.
double Round15(double d) {
  if (!std::isfinite(d) || d == 0) return d;
  char buf[64];
  const auto res = std::to_chars(buf, buf + sizeof buf, d, std::chars_format::general, 15);
  double out = d;
  std::from_chars(buf, res.ptr, out);
  return out;
}

Number IntOrDouble(double d) {
  Number n;
  if (std::isfinite(d) && d > -9.2e18 && d < 9.2e18) {
    n.i = static_cast<std::int64_t>(d);
  } else {
    n.is_int = false;
    n.d = d;
  }
  return n;
}

Number Double(double d) {
  Number n;
  n.is_int = false;
  n.d = d;
  return n;
}

Result<Number> Arithmetic(FilterId op, const Number& a, const Number& b) {
  if (a.is_int && b.is_int) {
    std::int64_t r = 0;
    switch (op) {
      case FilterId::kPlus:
        if (!__builtin_add_overflow(a.i, b.i, &r)) return Number{true, r, 0};
        break;
      case FilterId::kMinus:
        if (!__builtin_sub_overflow(a.i, b.i, &r)) return Number{true, r, 0};
        break;
      case FilterId::kTimes:
        if (!__builtin_mul_overflow(a.i, b.i, &r)) return Number{true, r, 0};
        break;
      case FilterId::kDividedBy:
        if (b.i == 0) return Fail("divided by 0");
        if (a.i == kInt64Min && b.i == -1) break;
        // Ruby's integer division rounds toward negative infinity.
        r = a.i / b.i;
        if (a.i % b.i != 0 && ((a.i < 0) != (b.i < 0))) --r;
        return Number{true, r, 0};
      default:  // modulo, with the sign of the divisor as in Ruby
        if (b.i == 0) return Fail("divided by 0");
        if (b.i == -1) return Number{true, 0, 0};
        r = a.i % b.i;
        if (r != 0 && ((r < 0) != (b.i < 0))) r += b.i;
        return Number{true, r, 0};
    }
    // Past int64 (Ruby would use a Bignum): the float result, not rounded to 15 digits.
    const double x = a.AsDouble();
    const double y = b.AsDouble();
    switch (op) {
      case FilterId::kPlus:
        return Double(x + y);
      case FilterId::kMinus:
        return Double(x - y);
      case FilterId::kTimes:
        return Double(x * y);
      default:  // INT64_MIN divided by -1
        return Double(-x);
    }
  }
  const double x = a.AsDouble();
  const double y = b.AsDouble();
  switch (op) {
    case FilterId::kPlus:
      return Double(Round15(x + y));
    case FilterId::kMinus:
      return Double(Round15(x - y));
    case FilterId::kTimes:
      return Double(Round15(x * y));
    case FilterId::kDividedBy:
      if (y == 0) return Fail("divided by 0");
      return Double(x / y);
    default: {
      if (y == 0) return Fail("divided by 0");
      double r = std::fmod(x, y);
      if (r != 0 && ((r < 0) != (y < 0))) r += y;
      return Double(Round15(r));
    }
  }
}

Number RoundNumber(const Number& n, std::int64_t digits) {
  digits = std::clamp<std::int64_t>(digits, -20, 20);
  if (n.is_int) {
    if (digits >= 0) return n;
    if (digits < -18) return Number{true, 0, 0};
    std::int64_t p = 1;
    for (std::int64_t k = 0; k < -digits; ++k) p *= 10;
    std::int64_t q = n.i / p;
    const std::int64_t r = n.i % p;
    // Half away from zero; |r| * 2 cannot overflow as |r| < p <= 1e18.
    if ((r < 0 ? -r : r) * 2 >= p) q += n.i < 0 ? -1 : 1;
    std::int64_t out = 0;
    if (__builtin_mul_overflow(q, p, &out))
      return Double(static_cast<double>(q) * static_cast<double>(p));
    return Number{true, out, 0};
  }
  if (!std::isfinite(n.d)) return n;
  if (digits == 0) return IntOrDouble(std::round(n.d));
  const double scale = std::pow(10.0, static_cast<double>(digits < 0 ? -digits : digits));
  if (digits > 0) {
    const double scaled = n.d * scale;
    if (!std::isfinite(scaled)) return n;
    return Double(Round15(std::round(scaled) / scale));
  }
  return IntOrDouble(std::round(n.d / scale) * scale);
}

Result<std::int64_t> IntegerArg(const json::value& v, std::string_view filter) {
  const std::optional<std::int64_t> n = ToInteger(v);
  if (!n) {
    std::string m = "filter '";
    m += filter;
    m += "' needs an integer, not ";
    m += Describe(v);
    return Fail(std::move(m));
  }
  return *n;
}

// Ruby's split: " " splits on runs of whitespace and drops leading ones; "" splits into
// characters; anything else is a literal separator. Trailing empty fields are dropped.
std::vector<std::string_view> Split(std::string_view s, std::string_view sep) {
  std::vector<std::string_view> out;
  if (sep == " ") {
    std::size_t i = 0;
    while (true) {
      while (i < s.size() && IsSpace(s[i]) && s[i] != '\0') ++i;
      if (i >= s.size()) break;
      std::size_t j = i;
      while (j < s.size() && !(IsSpace(s[j]) && s[j] != '\0')) ++j;
      out.push_back(s.substr(i, j - i));
      i = j;
    }
    return out;
  }
  if (sep.empty()) {
    for (std::size_t i = 0; i < s.size();) {
      const std::size_t len = CharLength(s, i);
      out.push_back(s.substr(i, len));
      i += len;
    }
    return out;
  }
  std::size_t i = 0;
  while (true) {
    const std::size_t at = Find(s, sep, i);
    if (at == std::string_view::npos) {
      out.push_back(s.substr(i));
      break;
    }
    out.push_back(s.substr(i, at - i));
    i = at + sep.size();
  }
  while (!out.empty() && out.back().empty()) out.pop_back();
  return out;
}

// gsub/sub with a literal pattern; an empty pattern matches before every character and at
// the end, as in Ruby.
Result<Value> Replace(Call& c, std::string_view s, std::string_view from, std::string_view to,
                      bool first_only) {
  std::string out;
  if (from.empty()) {
    out.append(to);
    if (first_only) {
      out.append(s);
      return c.String(out);
    }
    for (std::size_t i = 0; i < s.size();) {
      const std::size_t len = CharLength(s, i);
      out.append(s.substr(i, len));
      out.append(to);
      if (!c.Fits(out)) return c.TooBig();
      i += len;
    }
    return c.String(out);
  }
  std::size_t i = 0;
  while (true) {
    const std::size_t at = Find(s, from, i);
    if (at == std::string_view::npos) break;
    out.append(s.substr(i, at - i));
    out.append(to);
    if (!c.Fits(out)) return c.TooBig();
    i = at + from.size();
    if (first_only) break;
  }
  out.append(s.substr(i));
  return c.String(out);
}

// Ruby's slice(offset, length) on a sequence of `size` items: [begin, end), or nullopt.
std::optional<std::pair<std::size_t, std::size_t>> SliceRange(std::size_t size, std::int64_t offset,
                                                              std::int64_t length) {
  const auto n = static_cast<std::int64_t>(std::min<std::size_t>(size, kInt64Max));
  if (offset < 0) {
    if (offset < -n) return std::nullopt;
    offset += n;
  }
  if (offset > n || length < 0) return std::nullopt;
  const std::int64_t end = length > n - offset ? n : offset + length;
  return std::make_pair(static_cast<std::size_t>(offset), static_cast<std::size_t>(end));
}

// The value at a property of an object item (sort and uniq by property), or nil.
const json::value& Property(const json::value& item, const json::value* property) {
  static const json::value kNull;
  if (property == nullptr) return item;
  if (!item.is_object() || !property->is_string()) return kNull;
  const auto* found = item.get_object().if_contains(property->get_string());
  return found == nullptr ? kNull : *found;
}

}  // namespace

const FilterSpec* FindFilter(std::string_view name) {
  for (const FilterSpec& f : kFilters) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

std::string TooMuchWork(std::uint64_t limit) {
  std::string m = "too much work (more than ";
  m += std::to_string(limit);
  m += " units)";
  return m;
}

Result<Value> ApplyFilter(FilterId id, const Value& input, const std::vector<Value>& args,
                          const Value* allow_false, const FilterEnv& env) {
  Call c(input, args, env);
  std::string scratch;
  std::string scratch2;
  std::string scratch3;
  switch (id) {
    case FilterId::kRaw:
      return c.Same(Trust::kVerbatim);
    case FilterId::kUpcase:
      return c.String(Upcase(c.Text(c.in(), scratch)));
    case FilterId::kDowncase:
      return c.String(Downcase(c.Text(c.in(), scratch)));
    case FilterId::kCapitalize:
      return c.String(Capitalize(c.Text(c.in(), scratch)));
    case FilterId::kStrip:
    case FilterId::kLstrip:
    case FilterId::kRstrip: {
      const std::string_view s = c.Text(c.in(), scratch);
      const std::string_view t = id == FilterId::kStrip    ? Strip(s)
                                 : id == FilterId::kLstrip ? StripLeft(s)
                                                           : StripRight(s);
      return c.String(t, input.trust);
    }
    case FilterId::kEscape: {
      std::string out;
      AppendHtmlEscaped(out, c.Text(c.in(), scratch));
      return c.String(out, Trust::kHtmlSafe);
    }
    case FilterId::kEscapeOnce:
      return c.String(EscapeOnce(c.Text(c.in(), scratch)), Trust::kHtmlSafe);
    case FilterId::kUrlEncode:
      return c.String(UrlEncode(c.Text(c.in(), scratch)));
    case FilterId::kStripHtml:
      return c.String(StripHtml(c.Text(c.in(), scratch)));
    case FilterId::kNewlineToBr: {
      // In HTML output, plain text is escaped first so the <br /> are the only markup.
      std::string_view s = c.Text(c.in(), scratch);
      const bool html = env.escape == Escape::kHtml && input.trust == Trust::kText;
      if (html) {
        AppendHtmlEscaped(scratch2, s);
        s = scratch2;
      }
      std::string out;
      for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '\r' && i + 1 < s.size() && s[i + 1] == '\n') continue;
        if (s[i] == '\n') {
          out += "<br />\n";
          if (!c.Fits(out)) return c.TooBig();
        } else {
          out += s[i];
        }
      }
      return c.String(out, env.escape == Escape::kHtml ? Trust::kHtmlSafe : Trust::kText);
    }
    case FilterId::kAppend:
    case FilterId::kPrepend: {
      const std::string_view a = c.Text(c.in(), scratch);
      const std::string_view b = c.Text(c.arg(0), scratch2);
      if (a.size() + b.size() > env.max_value_bytes) return c.TooBig();
      std::string out;
      out.reserve(a.size() + b.size());
      out.append(id == FilterId::kAppend ? a : b);
      out.append(id == FilterId::kAppend ? b : a);
      return c.String(out);
    }
    case FilterId::kReplace:
    case FilterId::kReplaceFirst:
    case FilterId::kRemove:
    case FilterId::kRemoveFirst: {
      const bool remove = id == FilterId::kRemove || id == FilterId::kRemoveFirst;
      const std::string_view to =
          remove || !c.has(1) ? std::string_view() : c.Text(c.arg(1), scratch3);
      return Replace(c, c.Text(c.in(), scratch), c.Text(c.arg(0), scratch2), to,
                     id == FilterId::kReplaceFirst || id == FilterId::kRemoveFirst);
    }
    case FilterId::kTruncate: {
      if (c.in().is_null()) return c.Same(Trust::kText);
      const std::string_view s = c.Text(c.in(), scratch);
      std::int64_t length = 50;
      if (c.has(0)) {
        COMPTOIR_ASSIGN_OR_RETURN(length, IntegerArg(c.arg(0), "truncate"));
      }
      const std::string_view ellipsis = c.has(1) ? c.Text(c.arg(1), scratch2) : "...";
      const std::size_t chars = CharCount(s);
      if (length >= 0 && chars <= static_cast<std::uint64_t>(length)) {
        return c.String(s);
      }
      const std::int64_t keep = length - static_cast<std::int64_t>(CharCount(ellipsis));
      std::string out(s.substr(0, ByteOffset(s, keep < 0 ? 0 : static_cast<std::size_t>(keep))));
      out.append(ellipsis);
      return c.String(out);
    }
    case FilterId::kTruncateWords: {
      if (c.in().is_null()) return c.Same(Trust::kText);
      const std::string_view s = c.Text(c.in(), scratch);
      std::int64_t words = 15;
      if (c.has(0)) {
        COMPTOIR_ASSIGN_OR_RETURN(words, IntegerArg(c.arg(0), "truncatewords"));
      }
      if (words <= 0) words = 1;
      const std::string_view ellipsis = c.has(1) ? c.Text(c.arg(1), scratch2) : "...";
      const std::vector<std::string_view> list = Split(s, " ");
      if (list.size() <= static_cast<std::uint64_t>(words)) return c.String(s);
      std::string out;
      for (std::size_t i = 0; i < static_cast<std::size_t>(words); ++i) {
        if (i > 0) out += ' ';
        out.append(list[i]);
      }
      out.append(ellipsis);
      return c.String(out);
    }
    case FilterId::kSplit: {
      const std::string_view s = c.Text(c.in(), scratch);
      const std::string_view sep = c.arg(0).is_null() ? " " : c.Text(c.arg(0), scratch2);
      const std::vector<std::string_view> parts = Split(s, sep);
      if (!c.Spend(parts.size() * kItemCost)) return c.Json(json::value());
      json::array out;
      out.reserve(parts.size());
      for (const std::string_view p : parts) out.emplace_back(p);
      return c.Json(std::move(out));
    }
    case FilterId::kJoin: {
      if (c.in().is_null()) return c.String({});
      if (!c.in().is_array()) return c.String(c.Text(c.in(), scratch));
      const std::string_view sep = c.has(0) ? c.Text(c.arg(0), scratch2) : " ";
      std::string out;
      bool first = true;
      for (const json::value& item : c.in().get_array()) {
        if (!first) out.append(sep);
        first = false;
        AppendText(out, item);
        if (!c.Fits(out)) return c.TooBig();
      }
      return c.String(out);
    }
    case FilterId::kSize: {
      std::int64_t n = 0;
      if (c.in().is_string()) {
        c.Spend(c.in().get_string().size());
        n = static_cast<std::int64_t>(CharCount(c.in().get_string()));
      } else if (c.in().is_array()) {
        n = static_cast<std::int64_t>(c.in().get_array().size());
      } else if (c.in().is_object()) {
        n = static_cast<std::int64_t>(c.in().get_object().size());
      }
      return c.Json(json::value(n));
    }
    case FilterId::kFirst:
    case FilterId::kLast: {
      if (!c.in().is_array() || c.in().get_array().empty()) return c.Json(json::value());
      const json::array& a = c.in().get_array();
      return input.Child(id == FilterId::kFirst ? a.front() : a.back());
    }
    case FilterId::kReverse: {
      if (!c.in().is_array()) return c.Same(input.trust);
      const json::array& a = c.in().get_array();
      c.Spend(a.size() * kItemCost);
      return c.Json(json::array(a.rbegin(), a.rend()));
    }
    case FilterId::kSort: {
      if (!c.in().is_array()) return c.Same(input.trust);
      const json::array& a = c.in().get_array();
      const json::value* property = c.has(0) ? &c.arg(0) : nullptr;
      const std::size_t n = a.size();
      std::size_t log = 1;
      while ((std::size_t{1} << log) < n) ++log;
      if (!c.Spend(n * (log + kItemCost))) return c.Json(json::value());
      std::vector<const json::value*> order;
      order.reserve(n);
      for (const json::value& item : a) order.push_back(&item);
      std::stable_sort(order.begin(), order.end(), [&](const json::value* x, const json::value* y) {
        return SortLess(Property(*x, property), Property(*y, property));
      });
      json::array out;
      out.reserve(n);
      for (const json::value* item : order) out.push_back(*item);
      return c.Json(std::move(out));
    }
    case FilterId::kUniq: {
      if (!c.in().is_array()) return c.Same(input.trust);
      const json::array& a = c.in().get_array();
      const json::value* property = c.has(0) ? &c.arg(0) : nullptr;
      std::unordered_set<std::string> seen;
      json::array out;
      for (const json::value& item : a) {
        std::string key = json::serialize(Property(item, property));
        if (!c.Spend(key.size() + kItemCost)) return c.Json(json::value());
        if (seen.insert(std::move(key)).second) out.push_back(item);
      }
      return c.Json(std::move(out));
    }
    case FilterId::kSlice: {
      std::int64_t offset = 0;
      std::int64_t length = 1;
      COMPTOIR_ASSIGN_OR_RETURN(offset, IntegerArg(c.arg(0), "slice"));
      if (c.has(1)) {
        COMPTOIR_ASSIGN_OR_RETURN(length, IntegerArg(c.arg(1), "slice"));
      }
      if (c.in().is_array()) {
        const json::array& a = c.in().get_array();
        const auto range = SliceRange(a.size(), offset, length);
        if (!range) return c.Json(json::array());
        c.Spend((range->second - range->first) * kItemCost);
        return c.Json(json::array(a.begin() + static_cast<std::ptrdiff_t>(range->first),
                                  a.begin() + static_cast<std::ptrdiff_t>(range->second)));
      }
      const std::string_view s = c.Text(c.in(), scratch);
      const auto range = SliceRange(CharCount(s), offset, length);
      if (!range) return c.String({});
      const std::size_t begin = ByteOffset(s, range->first);
      const std::size_t end = begin + ByteOffset(s.substr(begin), range->second - range->first);
      return c.String(s.substr(begin, end - begin));
    }
    case FilterId::kDefault: {
      const bool keep_false = allow_false != nullptr && IsTruthy(allow_false->json());
      const json::value& v = c.in();
      const bool missing = keep_false ? v.is_null() : !IsTruthy(v);
      if (missing || IsEmpty(v)) return c.arg_value(0);
      return input;
    }
    case FilterId::kDate: {
      if (c.arg(0).is_null() || (c.arg(0).is_string() && c.arg(0).get_string().empty())) {
        return input;
      }
      if (c.in().is_string() && c.in().get_string().empty()) return input;
      const std::optional<Timestamp> t = ToTime(c.in(), env.now);
      if (!t) return input;
      const std::string_view format = c.Text(c.arg(0), scratch);
      std::string out = FormatTime(*t, format, env.utc_offset, env.zone_name);
      return c.String(out);
    }
    case FilterId::kPlus:
    case FilterId::kMinus:
    case FilterId::kTimes:
    case FilterId::kDividedBy:
    case FilterId::kModulo: {
      COMPTOIR_ASSIGN_OR_RETURN(const Number n,
                                Arithmetic(id, ToNumber(c.in()), ToNumber(c.arg(0))));
      return c.Json(FromNumber(n));
    }
    case FilterId::kRound: {
      std::int64_t digits = 0;
      if (c.has(0)) {
        COMPTOIR_ASSIGN_OR_RETURN(digits, IntegerArg(c.arg(0), "round"));
      }
      return c.Json(FromNumber(RoundNumber(ToNumber(c.in()), digits)));
    }
    case FilterId::kCeil:
    case FilterId::kFloor: {
      const Number n = ToNumber(c.in());
      if (n.is_int || !std::isfinite(n.d)) return c.Json(FromNumber(n));
      return c.Json(
          FromNumber(IntOrDouble(id == FilterId::kCeil ? std::ceil(n.d) : std::floor(n.d))));
    }
    case FilterId::kAbs: {
      const Number n = ToNumber(c.in());
      if (n.is_int) {
        if (n.i == kInt64Min) return c.Json(json::value(-static_cast<double>(n.i)));
        return c.Json(json::value(n.i < 0 ? -n.i : n.i));
      }
      return c.Json(json::value(std::fabs(n.d)));
    }
  }
  return Fail("unknown filter");
}

}  // namespace comptoir::liquid::internal
