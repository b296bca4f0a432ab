// Values while rendering (private): a JSON value, borrowed from the Context or a variable
// or owned, with how far it may skip output escaping; and the Liquid semantics of values:
// truth, emptiness, equality and order, numbers, and the text a value renders as.
#pragma once

#include <boost/json/value.hpp>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace comptoir::liquid::internal {

// What output escaping may skip for a value (see Escape in template.hpp).
enum class Trust : std::uint8_t {
  kText,      // escaped in kHtml and kJson
  kHtmlSafe,  // written as is in kHtml, escaped in kJson
  kVerbatim,  // written as is in every mode
};

struct Value {
  // Never null. Borrowed values alias their owner (a Context's tree has none: it outlives
  // the render), so a value stays valid after the variable that held it is reassigned.
  std::shared_ptr<const boost::json::value> v;
  Trust trust = Trust::kText;

  const boost::json::value& json() const { return *v; }

  static Value Nil();
  static Value Own(boost::json::value j, Trust trust = Trust::kText);
  static Value Borrow(const boost::json::value& j, Trust trust = Trust::kText);
  // A value inside this one, sharing its ownership.
  Value Child(const boost::json::value& child) const;
};

// A number as Liquid computes with it: an integer or a float.
struct Number {
  bool is_int = true;
  std::int64_t i = 0;
  double d = 0;
  double AsDouble() const { return is_int ? static_cast<double>(i) : d; }
};

// Numbers as they are; numeric strings parsed ("3", " -2.5 "; "12abc" is 12 as Ruby's
// to_i); anything else 0.
Number ToNumber(const boost::json::value& v);
boost::json::value FromNumber(const Number& n);
// Integers; floats truncated (clamped); strings holding an integer or a float. nullopt else.
std::optional<std::int64_t> ToInteger(const boost::json::value& v);

// As Ruby prints a Float: 1.0, 0.1, 1.0e+16, 1.5e-05, NaN, Infinity.
std::string FormatDouble(double d);
// What {{ value }} writes: nil "", true, 42, 1.5, strings as they are, arrays their items
// joined, objects as JSON.
void AppendText(std::string& out, const boost::json::value& v);
std::string ToText(const boost::json::value& v);
// A value for an error message: nil, or its text quoted and cut short.
std::string Describe(const boost::json::value& v);

bool IsTruthy(const boost::json::value& v);  // all but nil and false
bool IsEmpty(const boost::json::value& v);   // "", [], {}
bool IsBlank(const boost::json::value& v);   // nil, false, empty, whitespace-only string
bool Equals(const boost::json::value& a, const boost::json::value& b);
// <0, 0 or >0 when a and b are both numbers or both strings; nullopt otherwise (and NaN).
std::optional<int> Order(const boost::json::value& a, const boost::json::value& b);
// A strict weak order over all values, for sort: numbers, strings, booleans, arrays,
// objects, nil; arrays and objects compare equal among themselves.
bool SortLess(const boost::json::value& a, const boost::json::value& b);

}  // namespace comptoir::liquid::internal
