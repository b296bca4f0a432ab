// The arena behind GumboDocument. Allocation callbacks are called from gumbo's C code, so
// they never throw: a failed or over-budget allocation longjmps back to Parse(), whose
// frame holds only trivially destructible objects.
#include <algorithm>
#include <csetjmp>
#include <cstdlib>

#include "gumbo_document_internal.hpp"

namespace comptoir::html::internal {

namespace {

constexpr std::size_t kBlockSize = std::size_t{64} << 10;
constexpr std::size_t kAlign = alignof(std::max_align_t);

struct BlockHeader {
  BlockHeader* next;
};
constexpr std::size_t kHeaderSize = (sizeof(BlockHeader) + kAlign - 1) / kAlign * kAlign;

}  // namespace

struct GumboDocument::Arena {
  BlockHeader* blocks = nullptr;  // intrusive list: no C++ allocation inside callbacks
  char* cursor = nullptr;
  std::size_t left = 0;
  std::size_t total = 0;
  std::size_t budget = 0;
  std::jmp_buf on_exhausted{};

  Arena() = default;
  Arena(const Arena&) = delete;
  Arena& operator=(const Arena&) = delete;
  ~Arena() {
    while (blocks != nullptr) {
      BlockHeader* next = blocks->next;
      std::free(blocks);
      blocks = next;
    }
  }

  char* NewBlock(std::size_t payload) {
    const std::size_t bytes = kHeaderSize + payload;
    if (total + bytes > budget) std::longjmp(on_exhausted, 1);
    void* raw = std::malloc(bytes);
    if (raw == nullptr) std::longjmp(on_exhausted, 1);
    auto* header = static_cast<BlockHeader*>(raw);
    header->next = blocks;
    blocks = header;
    total += bytes;
    return static_cast<char*>(raw) + kHeaderSize;
  }

  void* Allocate(std::size_t size) {
    size = std::max<std::size_t>((size + kAlign - 1) / kAlign * kAlign, kAlign);
    if (size > left) {
      if (size >= kBlockSize / 4) return NewBlock(size);  // big: its own block
      cursor = NewBlock(kBlockSize);
      left = kBlockSize;
    }
    char* p = cursor;
    cursor += size;
    left -= size;
    return p;
  }
};

namespace {

bool IsTagNameEnd(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r' || c == '/' || c == '>';
}

bool EqualsNoCase(std::string_view text, std::string_view lower) {
  return text.size() == lower.size() &&
         std::equal(text.begin(), text.end(), lower.begin(), [](char a, char b) {
           return (a >= 'A' && a <= 'Z' ? static_cast<char>(a - 'A' + 'a') : a) == b;
         });
}

// Length of the "svg" or "math" tag name at html[i], as the tokenizer reads names (ASCII
// case-insensitive, ended by whitespace, '/' or '>'); 0 when there is none.
std::size_t ForeignTagNameLength(std::string_view html, std::size_t i) {
  for (const std::string_view name : {std::string_view("svg"), std::string_view("math")}) {
    const std::size_t end = i + name.size();
    if (end <= html.size() && EqualsNoCase(html.substr(i, name.size()), name) &&
        (end == html.size() || IsTagNameEnd(html[end]))) {
      return name.size();
    }
  }
  return 0;
}

// The input with every <svg>, </svg>, <math>, </math> renamed to kForeignStandIn; empty
// when there is none. Also renames such text in attribute values and raw-text elements:
// harmless, those either keep a "<svg" that reads differently or are dropped.
std::string RenameForeignTags(std::string_view html) {
  std::string out;
  std::size_t copied = 0;
  for (std::size_t i = html.find('<'); i != std::string_view::npos; i = html.find('<', i + 1)) {
    const std::size_t name_start = (i + 1 < html.size() && html[i + 1] == '/') ? i + 2 : i + 1;
    const std::size_t length = ForeignTagNameLength(html, name_start);
    if (length == 0) continue;
    out.append(html.substr(copied, name_start - copied));
    out.append(GumboDocument::kForeignStandIn);
    copied = name_start + length;
  }
  if (copied == 0) return {};
  out.append(html.substr(copied));
  return out;
}

void* ArenaAllocate(void* userdata, std::size_t size) {
  return static_cast<GumboDocument::Arena*>(userdata)->Allocate(size);
}

void ArenaDeallocate(void* /*userdata*/, void* /*ptr*/) {}  // freed with the arena

// Kept apart so that the frame between setjmp and longjmp has nothing to destroy.
GumboOutput* Parse(GumboDocument::Arena* arena, const char* data, std::size_t size) {
  GumboOptions options = kGumboDefaultOptions;
  options.allocator = &ArenaAllocate;
  options.deallocator = &ArenaDeallocate;
  options.userdata = arena;
  options.max_errors = 0;  // we never read parse errors; don't record them
  if (setjmp(arena->on_exhausted) != 0) return nullptr;
  return gumbo_parse_with_options(&options, data, size);
}

}  // namespace

GumboDocument::GumboDocument(std::string_view html)
    : source_(RenameForeignTags(html)), arena_(std::make_unique<Arena>()) {
  if (!source_.empty()) html = source_;
  arena_->budget = kBaseBudget + html.size() * kBudgetPerInputByte;
  const GumboOutput* output = Parse(arena_.get(), html.data(), html.size());
  if (output == nullptr) {
    over_budget_ = true;
    return;
  }
  const GumboVector& top = ChildrenOf(output->root);
  for (unsigned i = 0; i < top.length; ++i) {
    const auto* node = static_cast<const GumboNode*>(top.data[i]);
    if (node->type == GUMBO_NODE_ELEMENT && node->v.element.tag == GUMBO_TAG_BODY) {
      body_ = node;
      break;
    }
  }
}

GumboDocument::~GumboDocument() = default;

const GumboVector& ChildrenOf(const GumboNode* node) {
  static const GumboVector kNone{nullptr, 0, 0};
  switch (node->type) {
    case GUMBO_NODE_DOCUMENT:
      return node->v.document.children;
    case GUMBO_NODE_ELEMENT:
    case GUMBO_NODE_TEMPLATE:
      return node->v.element.children;
    default:
      return kNone;
  }
}

bool IsDroppedWithContent(const GumboElement& element) {
  if (element.tag_namespace != GUMBO_NAMESPACE_HTML) return true;
  switch (element.tag) {
    case GUMBO_TAG_SCRIPT:
    case GUMBO_TAG_STYLE:
    case GUMBO_TAG_IFRAME:
    case GUMBO_TAG_OBJECT:
    case GUMBO_TAG_EMBED:
    case GUMBO_TAG_APPLET:
    case GUMBO_TAG_PARAM:
    case GUMBO_TAG_NOSCRIPT:
    case GUMBO_TAG_NOEMBED:
    case GUMBO_TAG_NOFRAMES:
    case GUMBO_TAG_FRAME:
    case GUMBO_TAG_FRAMESET:
    case GUMBO_TAG_TEMPLATE:
    case GUMBO_TAG_SVG:
    case GUMBO_TAG_MATH:
    case GUMBO_TAG_FORM:
    case GUMBO_TAG_INPUT:
    case GUMBO_TAG_BUTTON:
    case GUMBO_TAG_TEXTAREA:
    case GUMBO_TAG_SELECT:
    case GUMBO_TAG_DATALIST:
    case GUMBO_TAG_KEYGEN:
    case GUMBO_TAG_HEAD:
    case GUMBO_TAG_TITLE:
    case GUMBO_TAG_META:
    case GUMBO_TAG_LINK:
    case GUMBO_TAG_BASE:
    case GUMBO_TAG_MULTICOL:  // kForeignStandIn
      return true;
    default:
      return false;
  }
}

}  // namespace comptoir::html::internal
