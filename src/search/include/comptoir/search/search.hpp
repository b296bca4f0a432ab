// The search module: Zendesk's search language (reference §4) parsed into the
// domain::SearchQuery AST, and the one text folding used for both indexed documents and
// queries (accents and case removed with ICU, so "Désactivation" and "desactivation"
// fold alike, Cyrillic included). Pure: no I/O. See src/search/README.md for the grammar.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "comptoir/common/status.hpp"
#include "comptoir/domain/search_query.hpp"

namespace comptoir::search {

// Why a query does not parse: `position` is the 0-based byte offset in the query.
struct ParseError {
  int position = 0;
  std::string message;
};

// The query as an AST, or kInvalidArgument (reason "InvalidQuery") whose message ends
// with "at position N"; `error`, when given, receives the position and message.
Result<domain::SearchQuery> Parse(std::string_view query, ParseError* error = nullptr);

// NFD, combining marks removed, Unicode case folding, NFC. Invalid UTF-8 bytes become
// U+FFFD. Deterministic and locale-independent.
std::string Fold(std::string_view text);

// The words of folded text: maximal runs of letters and digits (any script; `_` and
// the apostrophe split words). What the index stores and what a query term matches.
std::vector<std::string> Words(std::string_view folded);

// Fold(text) split into Words and joined by single spaces: the text the index stores.
std::string IndexText(std::string_view text);

// The AST as compact JSON (golden tests and debugging).
std::string Dump(const domain::SearchQuery& q);

// Which result types a term can apply to (free text: all of them).
bool AppliesTo(const domain::SearchTerm& t, domain::SearchType type);

}  // namespace comptoir::search
