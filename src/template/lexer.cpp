#include "lexer_internal.hpp"

#include <optional>
#include <string>

namespace comptoir::liquid::internal {

namespace {

bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}
bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsIdentStart(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool IsIdentChar(char c) { return IsIdentStart(c) || IsDigit(c) || c == '-'; }

Status Error(Pos pos, std::string_view what) { return ErrorAt(pos, what, kInvalidTemplate); }

// The first word of a tag's markup: "if", "endraw", "#" (an inline comment), or empty.
std::string_view TagName(std::string_view markup) {
  std::size_t i = 0;
  while (i < markup.size() && IsSpace(markup[i])) ++i;
  if (i < markup.size() && markup[i] == '#') return markup.substr(i, 1);
  std::size_t j = i;
  while (j < markup.size() && (IsIdentStart(markup[j]) || IsDigit(markup[j]))) ++j;
  return markup.substr(i, j - i);
}

// One {% ... %} found in the source: [begin, end) with the markup between the delimiters.
struct RawTag {
  std::size_t begin = 0;
  std::size_t end = 0;
  std::string_view markup;
  bool trim_left = false;
  bool trim_right = false;
};

// The first {% ... %} at or after `from`, or nullopt.
std::optional<RawTag> FindTag(std::string_view src, std::size_t from) {
  const std::size_t open = src.find("{%", from);
  if (open == std::string_view::npos) return std::nullopt;
  const std::size_t close = src.find("%}", open + 2);
  if (close == std::string_view::npos) return std::nullopt;
  RawTag tag;
  tag.begin = open;
  tag.end = close + 2;
  tag.markup = src.substr(open + 2, close - open - 2);
  if (!tag.markup.empty() && tag.markup.front() == '-') {
    tag.trim_left = true;
    tag.markup.remove_prefix(1);
  }
  if (!tag.markup.empty() && tag.markup.back() == '-') {
    tag.trim_right = true;
    tag.markup.remove_suffix(1);
  }
  return tag;
}

std::string_view TrimLeft(std::string_view s) {
  while (!s.empty() && IsSpace(s.front())) s.remove_prefix(1);
  return s;
}
std::string_view TrimRight(std::string_view s) {
  while (!s.empty() && IsSpace(s.back())) s.remove_suffix(1);
  return s;
}

// Appends a token, applying whitespace control: `trim_left` strips the text token before
// it, and the previous token's trim_right (`trim_next`) strips this one if it is text.
class TokenSink {
 public:
  explicit TokenSink(std::vector<Token>& out) : out_(out) {}

  void Text(std::string_view text, Pos pos, TokenKind kind = TokenKind::kText) {
    if (kind == TokenKind::kText && trim_next_) text = TrimLeft(text);
    trim_next_ = false;
    out_.push_back({kind, text, pos, pos});
  }
  void Markup(TokenKind kind, std::string_view markup, Pos pos, Pos markup_pos, bool trim_left,
              bool trim_right) {
    if (trim_left && !out_.empty() && out_.back().kind == TokenKind::kText) {
      out_.back().text = TrimRight(out_.back().text);
    }
    out_.push_back({kind, markup, pos, markup_pos});
    trim_next_ = trim_right;
  }

 private:
  std::vector<Token>& out_;
  bool trim_next_ = false;
};

}  // namespace

Pos Advance(Pos pos, std::string_view text) {
  for (const char c : text) {
    if (c == '\n') {
      ++pos.line;
      pos.column = 1;
    } else {
      ++pos.column;
    }
  }
  return pos;
}

Status Tokenize(std::string_view src, std::vector<Token>& out) {
  TokenSink sink(out);
  std::size_t i = 0;
  Pos pos;
  // Moves `i` (and `pos`) to `to`.
  const auto move_to = [&](std::size_t to) {
    pos = Advance(pos, src.substr(i, to - i));
    i = to;
  };
  while (i < src.size()) {
    std::size_t open = i;
    while (true) {
      open = src.find('{', open);
      if (open == std::string_view::npos || open + 1 >= src.size()) {
        open = std::string_view::npos;
        break;
      }
      if (src[open + 1] == '{' || src[open + 1] == '%') break;
      ++open;
    }
    if (open == std::string_view::npos) {
      sink.Text(src.substr(i), pos);
      break;
    }
    if (open > i) sink.Text(src.substr(i, open - i), pos);
    move_to(open);
    const Pos start = pos;
    const bool output = src[open + 1] == '{';
    const std::size_t close = src.find(output ? "}}" : "%}", open + 2);
    if (close == std::string_view::npos) {
      return Error(start, output ? "'{{' is not closed by '}}'" : "'{%' is not closed by '%}'");
    }
    std::string_view markup = src.substr(open + 2, close - open - 2);
    bool trim_left = false;
    bool trim_right = false;
    if (!markup.empty() && markup.front() == '-') {
      trim_left = true;
      markup.remove_prefix(1);
    }
    if (!markup.empty() && markup.back() == '-') {
      trim_right = true;
      markup.remove_suffix(1);
    }
    const Pos markup_pos = Advance(start, src.substr(open, trim_left ? 3 : 2));
    move_to(close + 2);
    if (output) {
      sink.Markup(TokenKind::kOutput, markup, start, markup_pos, trim_left, trim_right);
      continue;
    }
    const std::string_view name = TagName(markup);
    if (name == "raw") {
      // Everything up to {% endraw %} is text, tags and all; the raw tag's own '-' trims
      // outside the block only.
      sink.Markup(TokenKind::kTag, markup, start, markup_pos, trim_left, false);
      std::optional<RawTag> end = FindTag(src, i);
      while (end && TagName(end->markup) != "endraw") end = FindTag(src, end->begin + 2);
      if (!end) {
        std::string what = "unclosed {% raw %} opened at line ";
        what += std::to_string(start.line);
        what += ", column ";
        what += std::to_string(start.column);
        return Status(ErrorCode::kValidation, std::move(what), std::string(kInvalidTemplate));
      }
      sink.Text(src.substr(i, end->begin - i), pos, TokenKind::kRaw);
      move_to(end->begin);
      const Pos end_pos = pos;
      const Pos end_markup_pos = Advance(end_pos, src.substr(end->begin, end->trim_left ? 3 : 2));
      move_to(end->end);
      sink.Markup(TokenKind::kTag, end->markup, end_pos, end_markup_pos, false, end->trim_right);
      continue;
    }
    if (name == "comment") {
      // The body is skipped unparsed; comments nest.
      sink.Markup(TokenKind::kTag, markup, start, markup_pos, trim_left, trim_right);
      int depth = 1;
      std::optional<RawTag> end = FindTag(src, i);
      while (end) {
        const std::string_view inner = TagName(end->markup);
        if (inner == "comment") ++depth;
        if (inner == "endcomment" && --depth == 0) break;
        end = FindTag(src, end->begin + 2);
      }
      if (!end) {
        std::string what = "unclosed {% comment %} opened at line ";
        what += std::to_string(start.line);
        what += ", column ";
        what += std::to_string(start.column);
        return Status(ErrorCode::kValidation, std::move(what), std::string(kInvalidTemplate));
      }
      move_to(end->begin);
      const Pos end_pos = pos;
      const Pos end_markup_pos = Advance(end_pos, src.substr(end->begin, end->trim_left ? 3 : 2));
      move_to(end->end);
      sink.Markup(TokenKind::kTag, end->markup, end_pos, end_markup_pos, end->trim_left,
                  end->trim_right);
      continue;
    }
    sink.Markup(TokenKind::kTag, markup, start, markup_pos, trim_left, trim_right);
  }
  return Status::Ok();
}

Status LexMarkup(std::string_view m, Pos start, std::vector<MarkupToken>& out) {
  std::size_t i = 0;
  Pos pos = start;
  const auto move_to = [&](std::size_t to) {
    pos = Advance(pos, m.substr(i, to - i));
    i = to;
  };
  const auto push = [&](Tk kind, std::size_t len, std::size_t skip_front = 0,
                        std::size_t skip_back = 0) {
    out.push_back({kind, m.substr(i + skip_front, len - skip_front - skip_back), pos});
    move_to(i + len);
  };
  while (true) {
    std::size_t j = i;
    while (j < m.size() && IsSpace(m[j])) ++j;
    move_to(j);
    if (i >= m.size()) break;
    const char c = m[i];
    const char next = i + 1 < m.size() ? m[i + 1] : '\0';
    if (IsIdentStart(c)) {
      j = i + 1;
      while (j < m.size() && IsIdentChar(m[j])) ++j;
      if (j < m.size() && m[j] == '?') ++j;
      push(Tk::kIdent, j - i);
    } else if (IsDigit(c) || (c == '-' && IsDigit(next))) {
      j = i + 1;
      while (j < m.size() && IsDigit(m[j])) ++j;
      if (j + 1 < m.size() && m[j] == '.' && IsDigit(m[j + 1])) {
        j += 2;
        while (j < m.size() && IsDigit(m[j])) ++j;
      }
      push(Tk::kNumber, j - i);
    } else if (c == '"' || c == '\'') {
      const std::size_t close = m.find(c, i + 1);
      if (close == std::string_view::npos) return Error(pos, "unterminated string");
      push(Tk::kString, close + 1 - i, 1, 1);
    } else if (c == '.') {
      if (next == '.') {
        push(Tk::kDotDot, 2);
      } else {
        push(Tk::kDot, 1);
      }
    } else if (c == '[') {
      push(Tk::kLBracket, 1);
    } else if (c == ']') {
      push(Tk::kRBracket, 1);
    } else if (c == '(') {
      push(Tk::kLParen, 1);
    } else if (c == ')') {
      push(Tk::kRParen, 1);
    } else if (c == '|') {
      push(Tk::kPipe, 1);
    } else if (c == ':') {
      push(Tk::kColon, 1);
    } else if (c == ',') {
      push(Tk::kComma, 1);
    } else if (c == '=') {
      push(next == '=' ? Tk::kCompare : Tk::kAssign, next == '=' ? 2 : 1);
    } else if (c == '!' && next == '=') {
      push(Tk::kCompare, 2);
    } else if (c == '<') {
      push(Tk::kCompare, next == '=' || next == '>' ? 2 : 1);
    } else if (c == '>') {
      push(Tk::kCompare, next == '=' ? 2 : 1);
    } else {
      std::string what = "unexpected character '";
      if (static_cast<unsigned char>(c) >= 0x20 && static_cast<unsigned char>(c) < 0x7f) {
        what += c;
      } else {
        static constexpr char kHex[] = "0123456789abcdef";
        what += "\\x";
        what += kHex[static_cast<unsigned char>(c) >> 4];
        what += kHex[static_cast<unsigned char>(c) & 15];
      }
      what += '\'';
      return Error(pos, what);
    }
  }
  out.push_back({Tk::kEnd, {}, pos});
  return Status::Ok();
}

}  // namespace comptoir::liquid::internal
