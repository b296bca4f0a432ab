// String helpers of the renderer and the filters (private): UTF-8 walking (invalid bytes
// count as one character each, so nothing here fails on bad input), simple case mapping,
// the escapes of the three output modes, url_encode, strip_html and a linear-time search.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace comptoir::liquid::internal {

// Whitespace as Ruby's strip sees it (plus NUL, which strip also removes).
bool IsSpace(char c);
std::string_view Strip(std::string_view s);
std::string_view StripLeft(std::string_view s);
std::string_view StripRight(std::string_view s);

// Length of the valid UTF-8 sequence at s[i], or 0 when s[i] does not start one.
std::size_t Utf8Length(std::string_view s, std::size_t i);
// Length of the character at s[i]: its sequence, or 1 for a byte that is not valid UTF-8.
std::size_t CharLength(std::string_view s, std::size_t i);
std::size_t CharCount(std::string_view s);
// Byte offset after the first `chars` characters (s.size() when there are fewer).
std::size_t ByteOffset(std::string_view s, std::size_t chars);

// Letters of ASCII, Latin-1, Latin Extended-A, Greek and Cyrillic; others are unchanged.
std::string Upcase(std::string_view s);
std::string Downcase(std::string_view s);
std::string Capitalize(std::string_view s);  // first character up, the rest down

void AppendHtmlEscaped(std::string& out, std::string_view s);  // & < > " ' and NUL
void AppendJsonEscaped(std::string& out, std::string_view s);  // the inside of a JSON string
std::string EscapeOnce(std::string_view s);  // as escape, but entities already there stay
std::string UrlEncode(std::string_view s);   // as Ruby's CGI.escape: ' ' → '+'
std::string StripHtml(std::string_view s);   // tags, comments, <script> and <style> blocks

// At most `max_chars` characters of `s` for an error message, "..." added when cut: valid
// UTF-8 only (other bytes become U+FFFD) and no control characters (they become spaces).
std::string Excerpt(std::string_view s, std::size_t max_chars = 40);

// Position of needle in haystack at or after `from`, or npos; linear time (memmem).
std::size_t Find(std::string_view haystack, std::string_view needle, std::size_t from = 0);

}  // namespace comptoir::liquid::internal
