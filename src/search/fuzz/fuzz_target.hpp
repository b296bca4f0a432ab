// One fuzz input through Parse, Dump and Fold, checking what must hold for any input: no
// crash (the sanitizers watch), only kInvalidArgument errors with a position inside the
// query, positions of terms inside the query, folding idempotent. Shared by the libFuzzer
// target (search_fuzzer.cpp) and the unit test replaying the corpus (tests/corpus_test.cpp).
#pragma once

#include <string>
#include <string_view>

#include "comptoir/search/search.hpp"

namespace comptoir::search::fuzz {

// Empty when every check holds, else what broke.
inline std::string FuzzOne(std::string_view input) {
  ParseError error;
  const auto q = Parse(input, &error);
  if (!q.ok()) {
    if (q.status().code() != ErrorCode::kInvalidArgument || q.status().reason() != "InvalidQuery") {
      return "unexpected status: " + q.status().ToString();
    }
    if (error.position < 0 || static_cast<std::size_t>(error.position) > input.size()) {
      return "error position outside the query";
    }
    if (error.message.empty()) return "error without a message";
  } else {
    for (const auto& t : q->terms) {
      if (t.position < 0 || static_cast<std::size_t>(t.position) >= input.size()) {
        return "term position outside the query";
      }
    }
    if (Dump(*q).empty()) return "empty dump";
    const auto again = Parse(input);
    if (!again.ok() || !(*again == *q)) return "two parses differ";
  }
  const std::string once = Fold(input);
  if (Fold(once) != once) return "Fold is not idempotent";
  const std::string indexed = IndexText(input);
  if (IndexText(indexed) != indexed) return "IndexText is not idempotent";
  return {};
}

}  // namespace comptoir::search::fuzz
