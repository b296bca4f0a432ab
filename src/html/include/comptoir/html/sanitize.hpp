// Comment bodies as HTML: allow-list sanitising of user HTML (parsed with gumbo), the
// Zendesk rendering of plain-text comments, and the text of an HTML body for plain_body.
// Pure functions on strings, no I/O; thread-safe. Cost is linear in the input except for
// pathological markup (gumbo is quadratic in nesting depth), so callers cap the size of
// what they pass (the API caps comment bodies); nothing here recurses on the tree depth.
#pragma once

#include <string>
#include <string_view>

namespace comptoir::html {

// `rel` given to every link we emit, so a linked page gets no handle on ours and no
// ranking from us.
inline constexpr std::string_view kLinkRel = "noopener noreferrer nofollow";

// Safe HTML for a browser from untrusted HTML: the body of the parsed document rebuilt
// from allow-listed elements and attributes only (see README.md for the lists). Unknown
// and formatting elements are replaced by their content; script, style, iframe, object,
// embed, form controls, svg, math, template, noscript and head content are dropped with
// their content. URLs keep only http, https, mailto, tel, cid, relative URLs and (img src)
// base64 PNG/JPEG/GIF/WebP data; links get rel=kLinkRel. Text and attribute values are
// re-escaped. Deterministic and idempotent: SanitizeHtml(SanitizeHtml(x)) == SanitizeHtml(x).
// When parsing would take more than a fixed memory budget (crafted markup can make an
// HTML parser allocate gigabytes), the whole input is returned escaped as text instead.
std::string SanitizeHtml(std::string_view untrusted);

// A plain-text comment as Zendesk renders it: escaped text in
// <div class="zd-comment" dir="auto">, one <p dir="auto"> per paragraph (split on blank
// lines), <br> for single newlines, http(s) URLs as links.
std::string PlainToHtml(std::string_view text);

// Sanitised HTML inside the zd-comment wrapper div. Input that already starts with the
// wrapper is returned unchanged: SanitizeHtml never emits `class`, so only this module
// can have produced it.
std::string WrapComment(std::string_view sanitized_html);

// Text of an HTML body (plain_body): blocks and <br> become newlines, list items start
// with "- ", links keep their text, whitespace is collapsed (kept inside <pre>), at most
// one blank line in a row, trimmed. Script, style and the other dropped elements give no
// text.
std::string HtmlToPlain(std::string_view html);

// Text escaped for HTML content or a quoted attribute value: & < > " ' become entities;
// NUL becomes U+FFFD.
std::string EscapeHtml(std::string_view text);

}  // namespace comptoir::html
