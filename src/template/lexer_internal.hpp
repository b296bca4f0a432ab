// Two lexers (private): the template one cuts the source into text, {{ output }} and
// {% tag %} tokens (skipping comment bodies and keeping raw bodies verbatim, applying the
// whitespace control of {{- -}} {%- -%}); the markup one cuts what is inside the
// delimiters into words, literals and punctuation. Both keep line and column.
#pragma once

#include "ast_internal.hpp"

#include <string_view>
#include <vector>

namespace comptoir::liquid::internal {

enum class TokenKind { kText, kRaw, kOutput, kTag };

struct Token {
  TokenKind kind = TokenKind::kText;
  std::string_view text;  // the text, or the markup inside the delimiters (without '-')
  Pos pos;                // where the token starts
  Pos markup_pos;         // where `text` starts
};

// Fills `out`; an unclosed {{, {%, {% raw %} or {% comment %} is an error.
Status Tokenize(std::string_view source, std::vector<Token>& out);

enum class Tk {
  kEnd,
  kIdent,
  kString,
  kNumber,
  kDot,
  kDotDot,
  kLBracket,
  kRBracket,
  kLParen,
  kRParen,
  kPipe,
  kColon,
  kComma,
  kCompare,
  kAssign,
};

struct MarkupToken {
  Tk kind = Tk::kEnd;
  std::string_view text;  // a string literal without its quotes
  Pos pos;
};

// Fills `out` and ends it with a kEnd token (at the end of the markup).
Status LexMarkup(std::string_view markup, Pos start, std::vector<MarkupToken>& out);

// The position after `text` when it starts at `pos`.
Pos Advance(Pos pos, std::string_view text);

}  // namespace comptoir::liquid::internal
