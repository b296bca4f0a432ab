// The filters (private): the table the parser checks names and argument counts against,
// and their implementations. Errors carry a bare message; the renderer adds the position.
#pragma once

#include "ast_internal.hpp"
#include "value_internal.hpp"

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace comptoir::liquid::internal {

struct FilterSpec {
  std::string_view name;
  FilterId id;
  int min_args;
  int max_args;
  std::string_view keyword;  // the one named argument it takes (allow_false), or empty
};

// nullptr for a name that is not a filter.
const FilterSpec* FindFilter(std::string_view name);

// The work budget of one render (RenderOptions::max_work).
class Budget {
 public:
  explicit Budget(std::uint64_t limit) : limit_(limit) {}
  // False, and stays false, once the total goes over the limit.
  bool Spend(std::uint64_t n) {
    if (n > limit_ - used_) {
      used_ = limit_;
      exhausted_ = true;
    } else {
      used_ += n;
    }
    return !exhausted_;
  }
  std::uint64_t limit() const { return limit_; }

 private:
  std::uint64_t limit_;
  std::uint64_t used_ = 0;
  bool exhausted_ = false;
};

std::string TooMuchWork(std::uint64_t limit);  // the message when Spend fails

struct FilterEnv {
  Escape escape = Escape::kNone;
  std::chrono::minutes utc_offset{0};
  std::string_view zone_name;
  Timestamp now = 0;
  std::size_t max_value_bytes = 0;
  Budget* budget = nullptr;
};

// `allow_false` is the named argument of default, or nullptr.
Result<Value> ApplyFilter(FilterId id, const Value& input, const std::vector<Value>& args,
                          const Value* allow_false, const FilterEnv& env);

}  // namespace comptoir::liquid::internal
