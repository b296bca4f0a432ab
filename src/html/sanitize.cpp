// SanitizeHtml: walks gumbo's tree iteratively and re-serialises only what the allow-list
// keeps. Besides the allow-list, the writer keeps its output stable under re-parsing
// (idempotence): it tracks the elements it has opened and unwraps an allowed element that
// an HTML parser would not nest where it stands (a block inside a <p>, <li> in <li>, <a> in
// <a>, a heading right inside a heading). Such nestings only arise from parser quirks or
// from the elements we unwrap, so nothing a user could see is lost but the tag.
#include <array>
#include <cstddef>
#include <string>
#include <vector>

#include "comptoir/html/sanitize.hpp"
#include "gumbo_document_internal.hpp"

namespace comptoir::html {

namespace {

using internal::ChildrenOf;

constexpr std::string_view kWrapOpen = R"(<div class="zd-comment" dir="auto">)";
constexpr std::string_view kWrapClose = "</div>";

bool IsAllowedElement(GumboTag tag) {
  switch (tag) {
    case GUMBO_TAG_P:
    case GUMBO_TAG_BR:
    case GUMBO_TAG_DIV:
    case GUMBO_TAG_SPAN:
    case GUMBO_TAG_A:
    case GUMBO_TAG_B:
    case GUMBO_TAG_STRONG:
    case GUMBO_TAG_I:
    case GUMBO_TAG_EM:
    case GUMBO_TAG_U:
    case GUMBO_TAG_S:
    case GUMBO_TAG_STRIKE:
    case GUMBO_TAG_DEL:
    case GUMBO_TAG_INS:
    case GUMBO_TAG_SUB:
    case GUMBO_TAG_SUP:
    case GUMBO_TAG_SMALL:
    case GUMBO_TAG_BLOCKQUOTE:
    case GUMBO_TAG_Q:
    case GUMBO_TAG_CITE:
    case GUMBO_TAG_CODE:
    case GUMBO_TAG_PRE:
    case GUMBO_TAG_KBD:
    case GUMBO_TAG_SAMP:
    case GUMBO_TAG_HR:
    case GUMBO_TAG_H1:
    case GUMBO_TAG_H2:
    case GUMBO_TAG_H3:
    case GUMBO_TAG_H4:
    case GUMBO_TAG_H5:
    case GUMBO_TAG_H6:
    case GUMBO_TAG_UL:
    case GUMBO_TAG_OL:
    case GUMBO_TAG_LI:
    case GUMBO_TAG_DL:
    case GUMBO_TAG_DT:
    case GUMBO_TAG_DD:
    case GUMBO_TAG_TABLE:
    case GUMBO_TAG_THEAD:
    case GUMBO_TAG_TBODY:
    case GUMBO_TAG_TFOOT:
    case GUMBO_TAG_TR:
    case GUMBO_TAG_TH:
    case GUMBO_TAG_TD:
    case GUMBO_TAG_CAPTION:
    case GUMBO_TAG_COLGROUP:
    case GUMBO_TAG_COL:
    case GUMBO_TAG_IMG:
    case GUMBO_TAG_ABBR:
    case GUMBO_TAG_MARK:
    case GUMBO_TAG_FIGURE:
    case GUMBO_TAG_FIGCAPTION:
      return true;
    default:
      return false;
  }
}

bool IsVoid(GumboTag tag) {
  return tag == GUMBO_TAG_BR || tag == GUMBO_TAG_HR || tag == GUMBO_TAG_IMG || tag == GUMBO_TAG_COL;
}

bool IsHeading(GumboTag tag) { return tag >= GUMBO_TAG_H1 && tag <= GUMBO_TAG_H6; }

// Allowed start tags before which the parser closes an open <p> in button scope. <table>
// does not: output has no doctype, so it is parsed in quirks mode.
bool ClosesParagraph(GumboTag tag) {
  switch (tag) {
    case GUMBO_TAG_P:
    case GUMBO_TAG_DIV:
    case GUMBO_TAG_BLOCKQUOTE:
    case GUMBO_TAG_PRE:
    case GUMBO_TAG_HR:
    case GUMBO_TAG_UL:
    case GUMBO_TAG_OL:
    case GUMBO_TAG_LI:
    case GUMBO_TAG_DL:
    case GUMBO_TAG_DT:
    case GUMBO_TAG_DD:
    case GUMBO_TAG_FIGURE:
    case GUMBO_TAG_FIGCAPTION:
      return true;
    default:
      return IsHeading(tag);
  }
}

// Allowed elements that bound the parser's scopes and reset its formatting list.
bool IsScopeBoundary(GumboTag tag) {
  return tag == GUMBO_TAG_TABLE || tag == GUMBO_TAG_TD || tag == GUMBO_TAG_TH ||
         tag == GUMBO_TAG_CAPTION;
}

// The "special" allowed elements (HTML spec) that stop the <li>/<dd>/<dt> search, other
// than div and p, which do not.
bool StopsListItemSearch(GumboTag tag) {
  switch (tag) {
    case GUMBO_TAG_BLOCKQUOTE:
    case GUMBO_TAG_CAPTION:
    case GUMBO_TAG_COLGROUP:
    case GUMBO_TAG_DL:
    case GUMBO_TAG_FIGCAPTION:
    case GUMBO_TAG_FIGURE:
    case GUMBO_TAG_OL:
    case GUMBO_TAG_UL:
    case GUMBO_TAG_PRE:
    case GUMBO_TAG_TABLE:
    case GUMBO_TAG_TBODY:
    case GUMBO_TAG_THEAD:
    case GUMBO_TAG_TFOOT:
    case GUMBO_TAG_TR:
    case GUMBO_TAG_TD:
    case GUMBO_TAG_TH:
      return true;
    default:
      return IsHeading(tag);
  }
}

bool IsAllowedAttribute(GumboTag tag, std::string_view name) {
  switch (tag) {
    case GUMBO_TAG_A:
      return name == "href" || name == "title" || name == "name";
    case GUMBO_TAG_IMG:
      return name == "src" || name == "alt" || name == "title" || name == "width" ||
             name == "height";
    case GUMBO_TAG_TD:
    case GUMBO_TAG_TH:
      return name == "colspan" || name == "rowspan" || name == "align";
    case GUMBO_TAG_OL:
      return name == "start";
    case GUMBO_TAG_SPAN:
    case GUMBO_TAG_DIV:
    case GUMBO_TAG_P:
      return name == "dir";
    case GUMBO_TAG_ABBR:
      return name == "title";
    default:
      return false;
  }
}

char AsciiLower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

// Whether a URL attribute value may stay. Browsers ignore whitespace and control
// characters in a scheme, so they are removed before the scheme is read; gumbo has
// already decoded character references. Anything with a colon before the first / ? #
// has a scheme and must name an allowed one.
bool IsSafeUrl(std::string_view value, bool allow_data_image) {
  std::string probe;
  probe.reserve(value.size());
  for (const char c : value) {
    const auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u == 0x7f) continue;
    probe.push_back(AsciiLower(c));
  }
  const std::size_t colon = probe.find(':');
  if (colon == std::string::npos) return true;
  const std::size_t delimiter = probe.find_first_of("/?#");
  if (delimiter < colon) return true;  // a relative URL with ':' in its path or query
  const std::string_view scheme = std::string_view(probe).substr(0, colon);
  if (scheme == "http" || scheme == "https" || scheme == "mailto" || scheme == "tel" ||
      scheme == "cid") {
    return true;
  }
  if (!allow_data_image || scheme != "data") return false;
  static constexpr std::array<std::string_view, 4> kImages = {
      "data:image/png;base64,", "data:image/jpeg;base64,", "data:image/gif;base64,",
      "data:image/webp;base64,"};
  for (const std::string_view prefix : kImages) {
    if (probe.starts_with(prefix)) {
      // Lower-cased base64 still has base64's alphabet.
      return probe.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789+/=", prefix.size()) ==
             std::string::npos;
    }
  }
  return false;
}

bool IsParserWhitespace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r';
}

// Code points an HTML parser turns into U+FFFD when they appear raw (gumbo's list: C0
// controls but TAB LF FF CR, DEL and C1 controls, noncharacters). Character references
// can still put them in gumbo's tree, so they are replaced on the way out to keep the
// output stable when parsed again.
bool IsReplacedByParser(char32_t c) {
  return (c <= 0x08) || c == 0x0B || (c >= 0x0E && c <= 0x1F) || (c >= 0x7F && c <= 0x9F) ||
         (c >= 0xFDD0 && c <= 0xFDEF) || (c & 0xFFFE) == 0xFFFE;
}

// Length of the well-formed UTF-8 sequence at text[i] (1-4) with its code point in `cp`,
// or 0 when the bytes there are not well-formed UTF-8.
std::size_t DecodeUtf8(std::string_view text, std::size_t i, char32_t& cp) {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[i + k]); };
  const unsigned char b0 = byte(0);
  std::size_t length = 0;
  char32_t min = 0;
  if (b0 < 0x80) {
    cp = b0;
    return 1;
  }
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    length = 2, cp = b0 & 0x1Fu, min = 0x80;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    length = 3, cp = b0 & 0x0Fu, min = 0x800;
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    length = 4, cp = b0 & 0x07u, min = 0x10000;
  } else {
    return 0;
  }
  if (i + length > text.size()) return 0;
  for (std::size_t k = 1; k < length; ++k) {
    if ((byte(k) & 0xC0u) != 0x80u) return 0;
    cp = (cp << 6) | (byte(k) & 0x3Fu);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  return length;
}

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";

// Escapes for text and double-quoted attribute values. Output is well-formed UTF-8:
// malformed bytes and the code points above become U+FFFD.
void AppendEscaped(std::string& out, std::string_view text) {
  std::size_t i = 0;
  while (i < text.size()) {
    const char c = text[i];
    switch (c) {
      case '&':
        out += "&amp;";
        ++i;
        continue;
      case '<':
        out += "&lt;";
        ++i;
        continue;
      case '>':
        out += "&gt;";
        ++i;
        continue;
      case '"':
        out += "&quot;";
        ++i;
        continue;
      case '\'':
        out += "&#39;";
        ++i;
        continue;
      case '\r':  // a parser reads a raw CR as LF
        out += "&#13;";
        ++i;
        continue;
      case '\t':
      case '\n':
      case '\f':
        out.push_back(c);
        ++i;
        continue;
      default:
        break;
    }
    char32_t cp = 0;
    const std::size_t length = DecodeUtf8(text, i, cp);
    if (length == 0 || IsReplacedByParser(cp)) {
      out += kReplacement;
      i += length == 0 ? 1 : length;
    } else {
      out.append(text.substr(i, length));
      i += length;
    }
  }
}

// What the parser would know about the elements we have opened, kept per level so that
// each check is O(1) however deep the nesting.
struct OpenElement {
  GumboTag tag;
  bool p_in_button_scope;  // a <p> is open and no scope boundary since
  bool list_item_open;     // an <li> would be closed by a new <li>
  bool definition_open;    // a <dd>/<dt> would be closed by a new <dd>/<dt>
  bool link_open;          // an <a> is open since the last formatting marker
};

class Writer {
 public:
  std::string Run(const GumboNode* body) {
    struct Frame {
      const GumboNode* node;
      unsigned next_child;
      bool emitted;
    };
    std::vector<Frame> frames;
    frames.push_back({body, 0, false});
    while (!frames.empty()) {
      Frame& frame = frames.back();
      const GumboVector& children = ChildrenOf(frame.node);
      if (frame.next_child >= children.length) {
        if (frame.emitted) Close();
        frames.pop_back();
        continue;
      }
      const auto* child = static_cast<const GumboNode*>(children.data[frame.next_child++]);
      switch (child->type) {
        case GUMBO_NODE_TEXT:
        case GUMBO_NODE_WHITESPACE:
        case GUMBO_NODE_CDATA:
          Text(child->v.text.text);
          break;
        case GUMBO_NODE_ELEMENT:
        case GUMBO_NODE_TEMPLATE: {
          const GumboElement& element = child->v.element;
          if (internal::IsDroppedWithContent(element)) break;
          const bool emitted = IsAllowedElement(element.tag) && Fits(element.tag);
          if (emitted) Open(element);
          if (!emitted || !IsVoid(element.tag)) frames.push_back({child, 0, emitted});
          break;
        }
        default:  // comments; documents do not nest
          break;
      }
    }
    return std::move(out_);
  }

 private:
  // Whether the parser, reading our output, would nest `tag` in the current element.
  [[nodiscard]] bool Fits(GumboTag tag) const {
    if (open_.empty()) return true;
    const OpenElement& top = open_.back();
    if (ClosesParagraph(tag) && top.p_in_button_scope) return false;
    if (IsHeading(tag) && IsHeading(top.tag)) return false;
    if (tag == GUMBO_TAG_LI && top.list_item_open) return false;
    if ((tag == GUMBO_TAG_DD || tag == GUMBO_TAG_DT) && top.definition_open) return false;
    if (tag == GUMBO_TAG_A && top.link_open) return false;
    return true;
  }

  void Open(const GumboElement& element) {
    const GumboTag tag = element.tag;
    out_ += '<';
    out_ += gumbo_normalized_tagname(tag);
    bool has_href = false;
    for (unsigned i = 0; i < element.attributes.length; ++i) {
      const auto* attribute = static_cast<const GumboAttribute*>(element.attributes.data[i]);
      const std::string_view name = attribute->name;
      if (!IsAllowedAttribute(tag, name)) continue;
      if ((name == "href" || name == "src") &&
          !IsSafeUrl(attribute->value, tag == GUMBO_TAG_IMG && name == "src")) {
        continue;
      }
      has_href = has_href || name == "href";
      out_ += ' ';
      out_ += name;
      out_ += "=\"";
      AppendEscaped(out_, attribute->value);
      out_ += '"';
    }
    if (tag == GUMBO_TAG_A && has_href) {
      out_ += R"( rel=")";
      out_ += kLinkRel;
      out_ += '"';
    }
    out_ += '>';
    after_pre_start_ = tag == GUMBO_TAG_PRE;
    if (IsVoid(tag)) return;

    const OpenElement parent =
        open_.empty() ? OpenElement{GUMBO_TAG_BODY, false, false, false, false} : open_.back();
    const bool boundary = IsScopeBoundary(tag);
    const bool stops_items = StopsListItemSearch(tag);
    open_.push_back(OpenElement{
        tag,
        tag == GUMBO_TAG_P || (!boundary && parent.p_in_button_scope),
        tag == GUMBO_TAG_LI || (!stops_items && parent.list_item_open),
        tag == GUMBO_TAG_DD || tag == GUMBO_TAG_DT || (!stops_items && parent.definition_open),
        tag == GUMBO_TAG_A || (!boundary && parent.link_open),
    });
  }

  void Close() {
    out_ += "</";
    out_ += gumbo_normalized_tagname(open_.back().tag);
    out_ += '>';
    open_.pop_back();
    after_pre_start_ = false;
  }

  void Text(std::string_view text) {
    // The parser drops whitespace before the first content of a document, and one
    // newline right after <pre>.
    if (out_.empty()) {
      while (!text.empty() && IsParserWhitespace(text.front())) text.remove_prefix(1);
    }
    if (text.empty()) return;
    if (after_pre_start_ && text.front() == '\n') out_ += '\n';
    after_pre_start_ = false;
    AppendEscaped(out_, text);
  }

  std::string out_;
  std::vector<OpenElement> open_;
  bool after_pre_start_ = false;
};

}  // namespace

std::string EscapeHtml(std::string_view text) {
  std::string out;
  out.reserve(text.size() + text.size() / 8);
  AppendEscaped(out, text);
  return out;
}

std::string SanitizeHtml(std::string_view untrusted) {
  const internal::GumboDocument document(untrusted);
  if (document.OverBudget()) return EscapeHtml(untrusted);
  if (document.Body() == nullptr) return {};
  return Writer().Run(document.Body());
}

std::string WrapComment(std::string_view sanitized_html) {
  if (sanitized_html.starts_with(kWrapOpen)) return std::string(sanitized_html);
  std::string out;
  out.reserve(kWrapOpen.size() + sanitized_html.size() + kWrapClose.size());
  out += kWrapOpen;
  out += sanitized_html;
  out += kWrapClose;
  return out;
}

}  // namespace comptoir::html
