#include "text_internal.hpp"

#include <cstring>

namespace comptoir::liquid::internal {

namespace {

constexpr char kHex[] = "0123456789ABCDEF";
constexpr char kHexLower[] = "0123456789abcdef";
constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD

char32_t Decode(std::string_view s, std::size_t i, std::size_t len) {
  const auto b = [&](std::size_t k) { return static_cast<unsigned char>(s[i + k]); };
  switch (len) {
    case 1:
      return b(0);
    case 2:
      return (char32_t{b(0)} & 0x1F) << 6 | (b(1) & 0x3F);
    case 3:
      return (char32_t{b(0)} & 0x0F) << 12 | (char32_t{b(1)} & 0x3F) << 6 | (b(2) & 0x3F);
    default:
      return (char32_t{b(0)} & 0x07) << 18 | (char32_t{b(1)} & 0x3F) << 12 |
             (char32_t{b(2)} & 0x3F) << 6 | (b(3) & 0x3F);
  }
}

void Encode(std::string& out, char32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

// Latin Extended-A pairs upper/lower on even/odd code points, except two runs shifted by
// one (U+0139–U+0148, U+0179–U+017E); U+0130, U+0131, U+0138 and U+0149 have no pair here.
bool LatinExtAUpperIsEven(char32_t cp) {
  return !((cp >= 0x139 && cp <= 0x148) || (cp >= 0x179 && cp <= 0x17E));
}
bool InLatinExtAPairs(char32_t cp) {
  return cp >= 0x100 && cp <= 0x17E && cp != 0x130 && cp != 0x131 && cp != 0x138 && cp != 0x149;
}

char32_t ToUpper(char32_t cp) {
  if (cp >= 'a' && cp <= 'z') return cp - 32;
  if (cp < 0x80) return cp;
  if (cp >= 0xE0 && cp <= 0xFE && cp != 0xF7) return cp - 32;
  if (cp == 0xFF) return 0x178;
  if (InLatinExtAPairs(cp)) {
    const bool is_upper = ((cp % 2) == 0) == LatinExtAUpperIsEven(cp);
    return is_upper ? cp : cp - 1;
  }
  if (cp >= 0x3B1 && cp <= 0x3C9) return cp == 0x3C2 ? 0x3A3 : cp - 32;
  if (cp == 0x3AC) return 0x386;
  if (cp >= 0x3AD && cp <= 0x3AF) return cp - 37;
  if (cp == 0x3CC) return 0x38C;
  if (cp == 0x3CD || cp == 0x3CE) return cp - 63;
  if (cp >= 0x430 && cp <= 0x44F) return cp - 32;
  if (cp >= 0x450 && cp <= 0x45F) return cp - 80;
  return cp;
}

char32_t ToLower(char32_t cp) {
  if (cp >= 'A' && cp <= 'Z') return cp + 32;
  if (cp < 0x80) return cp;
  if (cp >= 0xC0 && cp <= 0xDE && cp != 0xD7) return cp + 32;
  if (cp == 0x178) return 0xFF;
  if (InLatinExtAPairs(cp)) {
    const bool is_upper = ((cp % 2) == 0) == LatinExtAUpperIsEven(cp);
    return is_upper ? cp + 1 : cp;
  }
  if (cp >= 0x391 && cp <= 0x3A9 && cp != 0x3A2) return cp + 32;
  if (cp == 0x386) return 0x3AC;
  if (cp >= 0x388 && cp <= 0x38A) return cp + 37;
  if (cp == 0x38C) return 0x3CC;
  if (cp == 0x38E || cp == 0x38F) return cp + 63;
  if (cp >= 0x410 && cp <= 0x42F) return cp + 32;
  if (cp >= 0x400 && cp <= 0x40F) return cp + 80;
  return cp;
}

enum class CaseMode { kUpper, kLower, kCapital };

std::string MapCase(std::string_view s, CaseMode mode) {
  std::string out;
  out.reserve(s.size());
  bool first = true;
  for (std::size_t i = 0; i < s.size();) {
    const std::size_t len = Utf8Length(s, i);
    if (len == 0) {
      out += s[i++];
      first = false;
      continue;
    }
    const char32_t cp = Decode(s, i, len);
    const bool up = mode == CaseMode::kUpper || (mode == CaseMode::kCapital && first);
    Encode(out, up ? ToUpper(cp) : ToLower(cp));
    i += len;
    first = false;
  }
  return out;
}

bool IsAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsHexDigit(char c) { return IsDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }
char Lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; }

// `s` at `i` starts with the lower-case ASCII `word`, ignoring case.
bool StartsWithNoCase(std::string_view s, std::size_t i, std::string_view word) {
  if (s.size() - i < word.size()) return false;
  for (std::size_t k = 0; k < word.size(); ++k) {
    if (Lower(s[i + k]) != word[k]) return false;
  }
  return true;
}

std::size_t FindNoCase(std::string_view s, std::string_view word, std::size_t from) {
  for (std::size_t i = from; i < s.size(); ++i) {
    if (StartsWithNoCase(s, i, word)) return i;
  }
  return std::string_view::npos;
}

// The next occurrence of one needle, remembered: searching again from a later position
// reuses the last answer while it is still ahead, so a scan stays linear however many
// unclosed "<script" the input holds.
class CachedFinder {
 public:
  CachedFinder(std::string_view s, std::string_view needle, bool no_case)
      : s_(s), needle_(needle), no_case_(no_case) {}
  std::size_t From(std::size_t from) {
    if (!searched_ || (found_ != std::string_view::npos && found_ < from)) {
      found_ = no_case_ ? FindNoCase(s_, needle_, from) : Find(s_, needle_, from);
      searched_ = true;
    }
    return found_;
  }

 private:
  std::string_view s_;
  std::string_view needle_;
  bool no_case_;
  bool searched_ = false;
  std::size_t found_ = std::string_view::npos;
};

}  // namespace

bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r' || c == '\0';
}

std::string_view StripLeft(std::string_view s) {
  while (!s.empty() && IsSpace(s.front())) s.remove_prefix(1);
  return s;
}
std::string_view StripRight(std::string_view s) {
  while (!s.empty() && IsSpace(s.back())) s.remove_suffix(1);
  return s;
}
std::string_view Strip(std::string_view s) { return StripRight(StripLeft(s)); }

std::size_t Utf8Length(std::string_view s, std::size_t i) {
  const auto at = [&](std::size_t k) -> unsigned {
    return i + k < s.size() ? static_cast<unsigned char>(s[i + k]) : 0U;
  };
  const auto cont = [&](std::size_t k) { return (at(k) & 0xC0) == 0x80; };
  const unsigned c = at(0);
  if (i >= s.size()) return 0;
  if (c < 0x80) return 1;
  if (c < 0xC2) return 0;
  if (c < 0xE0) return cont(1) ? 2 : 0;
  if (c < 0xF0) {
    if (!cont(1) || !cont(2)) return 0;
    if (c == 0xE0 && at(1) < 0xA0) return 0;   // overlong
    if (c == 0xED && at(1) >= 0xA0) return 0;  // surrogates
    return 3;
  }
  if (c < 0xF5) {
    if (!cont(1) || !cont(2) || !cont(3)) return 0;
    if (c == 0xF0 && at(1) < 0x90) return 0;   // overlong
    if (c == 0xF4 && at(1) >= 0x90) return 0;  // above U+10FFFF
    return 4;
  }
  return 0;
}

std::size_t CharLength(std::string_view s, std::size_t i) {
  const std::size_t len = Utf8Length(s, i);
  return len == 0 ? 1 : len;
}

std::size_t CharCount(std::string_view s) {
  std::size_t n = 0;
  for (std::size_t i = 0; i < s.size(); i += CharLength(s, i)) ++n;
  return n;
}

std::size_t ByteOffset(std::string_view s, std::size_t chars) {
  std::size_t i = 0;
  for (std::size_t n = 0; n < chars && i < s.size(); ++n) i += CharLength(s, i);
  return i;
}

std::string Upcase(std::string_view s) { return MapCase(s, CaseMode::kUpper); }
std::string Downcase(std::string_view s) { return MapCase(s, CaseMode::kLower); }
std::string Capitalize(std::string_view s) { return MapCase(s, CaseMode::kCapital); }

void AppendHtmlEscaped(std::string& out, std::string_view s) {
  for (const char c : s) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      case '\0':
        out += kReplacement;
        break;
      default:
        out += c;
    }
  }
}

void AppendJsonEscaped(std::string& out, std::string_view s) {
  for (std::size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x80) {
      const std::size_t len = Utf8Length(s, i);
      if (len == 0) {
        out += "\\ufffd";
        ++i;
      } else if (len == 3 && c == 0xE2 && static_cast<unsigned char>(s[i + 1]) == 0x80 &&
                 (static_cast<unsigned char>(s[i + 2]) == 0xA8 ||
                  static_cast<unsigned char>(s[i + 2]) == 0xA9)) {
        // U+2028 and U+2029 are valid JSON but end a line in JavaScript.
        out += static_cast<unsigned char>(s[i + 2]) == 0xA8 ? "\\u2028" : "\\u2029";
        i += 3;
      } else {
        out.append(s.substr(i, len));
        i += len;
      }
      continue;
    }
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (c < 0x20 || c == 0x7F) {
          out += "\\u00";
          out += kHexLower[c >> 4];
          out += kHexLower[c & 15];
        } else {
          out += static_cast<char>(c);
        }
    }
    ++i;
  }
}

std::string EscapeOnce(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (c != '&') {
      AppendHtmlEscaped(out, s.substr(i, 1));
      continue;
    }
    // An entity already: &name; &#123; &#x1F;
    std::size_t j = i + 1;
    bool entity = false;
    if (j < s.size() && IsAlpha(s[j])) {
      while (j < s.size() && (IsAlpha(s[j]) || IsDigit(s[j]))) ++j;
      entity = j < s.size() && s[j] == ';';
    } else if (j < s.size() && s[j] == '#') {
      ++j;
      const bool hex = j < s.size() && (s[j] == 'x' || s[j] == 'X');
      if (hex) ++j;
      const std::size_t digits = j;
      while (j < s.size() && (hex ? IsHexDigit(s[j]) : IsDigit(s[j]))) ++j;
      entity = j > digits && j < s.size() && s[j] == ';';
    }
    out += entity ? "&" : "&amp;";
  }
  return out;
}

std::string UrlEncode(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (const char c : s) {
    if (IsAlpha(c) || IsDigit(c) || c == '_' || c == '.' || c == '-' || c == '~') {
      out += c;
    } else if (c == ' ') {
      out += '+';
    } else {
      const auto b = static_cast<unsigned char>(c);
      out += '%';
      out += kHex[b >> 4];
      out += kHex[b & 15];
    }
  }
  return out;
}

std::string StripHtml(std::string_view s) {
  // As Liquid: first <script>…</script>, <!--…--> and <style>…</style> blocks, then every
  // <…> in what is left (a '<' with no '>' after it stays).
  std::string blocks_removed;
  blocks_removed.reserve(s.size());
  CachedFinder script_end(s, "</script>", true);
  CachedFinder comment_end(s, "-->", false);
  CachedFinder style_end(s, "</style>", true);
  for (std::size_t i = 0; i < s.size();) {
    const std::size_t lt = s.find('<', i);
    if (lt == std::string_view::npos) {
      blocks_removed.append(s.substr(i));
      break;
    }
    blocks_removed.append(s.substr(i, lt - i));
    std::size_t end = std::string_view::npos;
    if (StartsWithNoCase(s, lt, "<script")) {
      end = script_end.From(lt + 7);
      if (end != std::string_view::npos) end += 9;
    }
    if (end == std::string_view::npos && s.substr(lt, 4) == "<!--") {
      end = comment_end.From(lt + 4);
      if (end != std::string_view::npos) end += 3;
    }
    if (end == std::string_view::npos && StartsWithNoCase(s, lt, "<style")) {
      end = style_end.From(lt + 6);
      if (end != std::string_view::npos) end += 8;
    }
    if (end == std::string_view::npos) {
      blocks_removed += '<';
      i = lt + 1;
    } else {
      i = end;
    }
  }
  const std::string_view t = blocks_removed;
  std::string out;
  out.reserve(t.size());
  for (std::size_t i = 0; i < t.size();) {
    const std::size_t lt = t.find('<', i);
    if (lt == std::string_view::npos) {
      out.append(t.substr(i));
      break;
    }
    out.append(t.substr(i, lt - i));
    const std::size_t gt = t.find('>', lt + 1);
    if (gt == std::string_view::npos) {
      out.append(t.substr(lt));
      break;
    }
    i = gt + 1;
  }
  return out;
}

std::string Excerpt(std::string_view s, std::size_t max_chars) {
  std::string out;
  std::size_t chars = 0;
  std::size_t i = 0;
  for (; i < s.size() && chars < max_chars; ++chars) {
    const std::size_t len = Utf8Length(s, i);
    if (len == 0) {
      out += kReplacement;
      ++i;
    } else if (len == 1 && (static_cast<unsigned char>(s[i]) < 0x20 || s[i] == 0x7F)) {
      out += ' ';
      ++i;
    } else {
      out.append(s.substr(i, len));
      i += len;
    }
  }
  if (i < s.size()) out += "...";
  return out;
}

std::size_t Find(std::string_view haystack, std::string_view needle, std::size_t from) {
  if (from > haystack.size() || haystack.size() - from < needle.size()) {
    return std::string_view::npos;
  }
  if (needle.empty()) return from;
  const void* hit =
      memmem(haystack.data() + from, haystack.size() - from, needle.data(), needle.size());
  return hit == nullptr ? std::string_view::npos
                        : static_cast<std::size_t>(static_cast<const char*>(hit) - haystack.data());
}

}  // namespace comptoir::liquid::internal
