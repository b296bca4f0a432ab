// Plain text ⇄ comment HTML: PlainToHtml renders a plain comment the way Zendesk does,
// HtmlToPlain extracts the text of an HTML body for plain_body (iteratively, like the
// sanitiser, so deep nesting costs no stack).
#include <algorithm>
#include <cstddef>
#include <string>
#include <vector>

#include "comptoir/html/sanitize.hpp"
#include "gumbo_document_internal.hpp"

namespace comptoir::html {

namespace {

using internal::ChildrenOf;

bool IsAsciiAlnum(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

bool StartsWithNoCase(std::string_view text, std::string_view prefix) {
  if (text.size() < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    const char c = text[i];
    const char lower = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
    if (lower != prefix[i]) return false;
  }
  return true;
}

// Length of the http(s) URL at the start of `text`, 0 when there is none. A URL runs to
// whitespace or < > "; trailing punctuation and unbalanced closing brackets are prose.
std::size_t UrlLength(std::string_view text) {
  std::size_t scheme = 0;
  if (StartsWithNoCase(text, "http://")) scheme = 7;
  if (StartsWithNoCase(text, "https://")) scheme = 8;
  if (scheme == 0) return 0;
  std::size_t end = scheme;
  while (end < text.size()) {
    const auto u = static_cast<unsigned char>(text[end]);
    if (u <= 0x20 || u == 0x7f || u == '<' || u == '>' || u == '"') break;
    ++end;
  }
  for (;;) {
    if (end <= scheme) return 0;
    const char last = text[end - 1];
    if (std::string_view(".,;:!?'*").find(last) != std::string_view::npos) {
      --end;
      continue;
    }
    const std::string_view url = text.substr(0, end);
    const auto unbalanced = [&](char open, char close) {
      return last == close &&
             std::count(url.begin(), url.end(), close) > std::count(url.begin(), url.end(), open);
    };
    if (unbalanced('(', ')') || unbalanced('[', ']') || unbalanced('{', '}')) {
      --end;
      continue;
    }
    return end;
  }
}

void AppendLinkified(std::string& out, std::string_view line) {
  std::size_t plain_start = 0;
  std::size_t i = 0;
  while (i < line.size()) {
    const std::size_t length =
        (i == 0 || !IsAsciiAlnum(line[i - 1])) ? UrlLength(line.substr(i)) : 0;
    if (length == 0) {
      ++i;
      continue;
    }
    out += EscapeHtml(line.substr(plain_start, i - plain_start));
    const std::string url = EscapeHtml(line.substr(i, length));
    out += R"(<a href=")" + url + R"(" rel=")";
    out += kLinkRel;
    out += R"(">)" + url + "</a>";
    i += length;
    plain_start = i;
  }
  out += EscapeHtml(line.substr(plain_start));
}

bool IsBlankLine(std::string_view line) {
  return line.find_first_not_of(" \t\f\v") == std::string_view::npos;
}

// Break strength between blocks of text.
constexpr int kLine = 1;       // a newline
constexpr int kParagraph = 2;  // a blank line

int BlockBreak(GumboTag tag) {
  switch (tag) {
    case GUMBO_TAG_P:
    case GUMBO_TAG_H1:
    case GUMBO_TAG_H2:
    case GUMBO_TAG_H3:
    case GUMBO_TAG_H4:
    case GUMBO_TAG_H5:
    case GUMBO_TAG_H6:
    case GUMBO_TAG_BLOCKQUOTE:
    case GUMBO_TAG_PRE:
      return kParagraph;
    case GUMBO_TAG_DIV:
    case GUMBO_TAG_LI:
    case GUMBO_TAG_UL:
    case GUMBO_TAG_OL:
    case GUMBO_TAG_DL:
    case GUMBO_TAG_DT:
    case GUMBO_TAG_DD:
    case GUMBO_TAG_TABLE:
    case GUMBO_TAG_TR:
    case GUMBO_TAG_CAPTION:
    case GUMBO_TAG_HR:
    case GUMBO_TAG_FIGURE:
    case GUMBO_TAG_FIGCAPTION:
    case GUMBO_TAG_ADDRESS:
    case GUMBO_TAG_ARTICLE:
    case GUMBO_TAG_ASIDE:
    case GUMBO_TAG_SECTION:
    case GUMBO_TAG_HEADER:
    case GUMBO_TAG_FOOTER:
    case GUMBO_TAG_NAV:
    case GUMBO_TAG_MAIN:
    case GUMBO_TAG_CENTER:
    case GUMBO_TAG_DETAILS:
    case GUMBO_TAG_SUMMARY:
    case GUMBO_TAG_FIELDSET:
    case GUMBO_TAG_LISTING:
    case GUMBO_TAG_XMP:
    case GUMBO_TAG_PLAINTEXT:
      return kLine;
    default:
      return 0;
  }
}

// Collects words and breaks; a break or space is written only between two words, so the
// result is trimmed and never has more than one blank line in a row.
class PlainWriter {
 public:
  void Break(int strength) { pending_break_ = std::max(pending_break_, strength); }
  void LineBreak() { pending_break_ = std::min(pending_break_ + 1, kParagraph); }
  void Space() { pending_space_ = true; }
  void ListItem() {
    Break(kLine);
    prefix_ = "- ";
  }

  // Text whose whitespace collapses; NBSP counts as whitespace.
  void Collapsed(std::string_view text) {
    std::size_t i = 0;
    while (i < text.size()) {
      const std::size_t space = SpaceLength(text, i);
      if (space > 0) {
        pending_space_ = true;
        i += space;
        continue;
      }
      std::size_t end = i;
      while (end < text.size() && SpaceLength(text, end) == 0) ++end;
      Word(text.substr(i, end - i));
      i = end;
    }
  }

  // Text inside <pre>: spaces kept, newlines are line breaks.
  void Preformatted(std::string_view text) {
    std::size_t start = 0;
    for (;;) {
      const std::size_t newline = text.find('\n', start);
      const std::string_view line = text.substr(start, newline - start);
      if (!IsBlankLine(line)) Word(line);
      if (newline == std::string_view::npos) return;
      LineBreak();
      start = newline + 1;
    }
  }

  std::string Take() { return std::move(out_); }

 private:
  static std::size_t SpaceLength(std::string_view text, std::size_t i) {
    const char c = text[i];
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') return 1;
    if (text.substr(i, 2) == "\xC2\xA0") return 2;
    return 0;
  }

  void Word(std::string_view word) {
    if (!out_.empty()) {
      if (pending_break_ > 0) {
        out_.append(static_cast<std::size_t>(pending_break_), '\n');
      } else if (pending_space_ && out_.back() != ' ') {
        out_ += ' ';
      }
    }
    pending_break_ = 0;
    pending_space_ = false;
    out_ += prefix_;
    prefix_.clear();
    out_ += word;
  }

  std::string out_;
  std::string prefix_;
  int pending_break_ = 0;
  bool pending_space_ = false;
};

}  // namespace

std::string PlainToHtml(std::string_view text) {
  std::string body;
  bool in_paragraph = false;
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t end = text.find_first_of("\r\n", start);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view line = text.substr(start, end - start);
    if (IsBlankLine(line)) {
      if (in_paragraph) body += "</p>";
      in_paragraph = false;
    } else {
      body += in_paragraph ? "<br>" : R"(<p dir="auto">)";
      in_paragraph = true;
      AppendLinkified(body, line);
    }
    if (end == text.size()) break;
    start = end + ((text[end] == '\r' && end + 1 < text.size() && text[end + 1] == '\n') ? 2 : 1);
  }
  if (in_paragraph) body += "</p>";
  return WrapComment(body);
}

std::string HtmlToPlain(std::string_view html) {
  const internal::GumboDocument document(html);
  if (document.Body() == nullptr) return {};
  struct Frame {
    const GumboNode* node;
    unsigned next_child;
  };
  PlainWriter writer;
  int pre_depth = 0;
  std::vector<Frame> frames;
  frames.push_back({document.Body(), 0});
  while (!frames.empty()) {
    Frame& frame = frames.back();
    const GumboVector& children = ChildrenOf(frame.node);
    if (frame.next_child >= children.length) {
      if (frame.node->type == GUMBO_NODE_ELEMENT) {
        const GumboTag tag = frame.node->v.element.tag;
        writer.Break(BlockBreak(tag));
        if (tag == GUMBO_TAG_TD || tag == GUMBO_TAG_TH) writer.Space();
        if (tag == GUMBO_TAG_PRE) --pre_depth;
      }
      frames.pop_back();
      continue;
    }
    const auto* child = static_cast<const GumboNode*>(children.data[frame.next_child++]);
    switch (child->type) {
      case GUMBO_NODE_TEXT:
      case GUMBO_NODE_WHITESPACE:
      case GUMBO_NODE_CDATA:
        if (pre_depth > 0) {
          writer.Preformatted(child->v.text.text);
        } else {
          writer.Collapsed(child->v.text.text);
        }
        break;
      case GUMBO_NODE_ELEMENT: {
        const GumboTag tag = child->v.element.tag;
        if (internal::IsDroppedWithContent(child->v.element)) break;
        if (tag == GUMBO_TAG_BR) {
          writer.LineBreak();
          break;
        }
        writer.Break(BlockBreak(tag));
        if (tag == GUMBO_TAG_LI) writer.ListItem();
        if (tag == GUMBO_TAG_PRE) ++pre_depth;
        frames.push_back({child, 0});
        break;
      }
      default:  // comments, templates
        break;
    }
  }
  return writer.Take();
}

}  // namespace comptoir::html
