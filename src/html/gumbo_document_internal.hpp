// Private to comptoir::html: a gumbo parse whose memory lives in an arena with a budget,
// and the element classes the sanitiser and the text extractor share.
#pragma once

#include <gumbo.h>

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

namespace comptoir::html::internal {

// One parsed document. Before parsing, every <svg> and <math> tag is renamed to
// kForeignStandIn so that gumbo never enters foreign content: gumbo 0.10.1 (unmaintained)
// aborts on an assertion for some foreign content in tables, e.g.
// "<table><math><select><mtext><select><tr>", and we drop svg and math with their content
// anyway. All of gumbo's memory comes from an arena owned here and freed at
// once: gumbo_destroy_output recurses on the tree depth, so it is never called. A parse
// that needs more than the budget is abandoned (longjmp out of gumbo, which is C and holds
// nothing else) and Body() returns nullptr with OverBudget() true. Not thread-safe; one
// object per parse.
class GumboDocument {
 public:
  // Budget: kBaseBudget plus kBudgetPerInputByte for each input byte.
  static constexpr std::size_t kBaseBudget = std::size_t{32} << 20;
  static constexpr std::size_t kBudgetPerInputByte = 64;
  // The element name <svg> and <math> become; dropped with its content. A tag gumbo
  // knows (gumbo matches all unknown end tags to any unknown element) and without
  // parsing rules of its own: the obsolete <multicol>.
  static constexpr std::string_view kForeignStandIn = "multicol";

  explicit GumboDocument(std::string_view html);
  ~GumboDocument();
  GumboDocument(const GumboDocument&) = delete;
  GumboDocument& operator=(const GumboDocument&) = delete;

  // The <body> element; nullptr when over budget or when the document has no body (a
  // <frameset> replaced it).
  [[nodiscard]] const GumboNode* Body() const { return body_; }
  [[nodiscard]] bool OverBudget() const { return over_budget_; }

  struct Arena;

 private:
  std::string source_;  // the renamed input when it had svg or math; the tree points into it
  std::unique_ptr<Arena> arena_;
  const GumboNode* body_ = nullptr;
  bool over_budget_ = false;
};

// Children of an element, template or document node; empty for the others.
const GumboVector& ChildrenOf(const GumboNode* node);

// Elements removed with everything inside them: active content, embedded documents, form
// controls, foreign content (svg, math, any namespace but HTML), head metadata, and
// raw-text elements whose content is code or hidden.
bool IsDroppedWithContent(const GumboElement& element);

}  // namespace comptoir::html::internal
