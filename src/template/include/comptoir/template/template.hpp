// Liquid templates in the dialect Zendesk uses for placeholders: notification subjects and
// bodies, macro comments, webhook payloads, dynamic content. Parse once (Parse → Template),
// render many times (Template::Render). A Template is immutable and cheap to copy (copies
// share the parsed program); any number of threads may render it at once. No I/O: values
// come from a Context, "now" from RenderOptions::clock. Parse and Render never throw.
// The namespace is comptoir::liquid because `template` is a C++ keyword.
#pragma once

#include "comptoir/common/clock.hpp"
#include "comptoir/common/status.hpp"
#include "comptoir/template/context.hpp"

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace comptoir::liquid {

// Reasons of the Status values returned here; both come with ErrorCode::kValidation (422).
inline constexpr std::string_view kInvalidTemplate = "InvalidTemplate";   // Parse
inline constexpr std::string_view kRenderFailed = "TemplateRenderError";  // Render

struct ParseOptions {
  // Root objects the template may read, e.g. {"ticket", "current_user", "satisfaction"}.
  // nullopt: any. Names the template defines (assign, capture, for) and forloop are always
  // allowed. A placeholder with another root is a parse error naming it.
  std::optional<std::vector<std::string>> allowed_roots;
  std::size_t max_template_bytes = std::size_t{256} * 1024;
  // Blocks inside blocks ({% if %} in {% for %} ...), and brackets inside brackets.
  int max_nesting_depth = 100;
};

// How the value of each {{ ... }} is written (the template's own text never is escaped):
//   kNone  as is (plain-text e-mail, subjects);
//   kHtml  HTML-escaped (& < > " '), except values that are safe HTML already: the result
//          of the raw, escape, escape_once and newline_to_br filters (the last one escapes
//          its input itself), values the Context marks (MarkHtmlSafe, Resolved::html_safe),
//          and variables captured with {% capture %} (already escaped when captured);
//   kJson  escaped as the inside of a JSON string (" \ control characters, U+2028/2029,
//          invalid UTF-8 → U+FFFD), except the result of the raw filter and captures.
// Any other filter after one of those makes the value plain text again.
enum class Escape { kNone, kHtml, kJson };

struct RenderOptions {
  Escape escape = Escape::kNone;
  // The date filter shows times at this offset from UTC, named by %Z (empty: "UTC" at
  // offset 0, else "+hh:mm"). One offset for every date of the render.
  std::chrono::minutes utc_offset{0};
  std::string zone_name;
  const Clock* clock = nullptr;  // "now" and "today" in the date filter; nullptr: SystemClock
  // Limits; going over one fails the render with a message saying which.
  std::size_t max_output_bytes =
      std::size_t{1024} * 1024;                 // also the largest value a filter may build
  std::uint64_t max_loop_iterations = 100'000;  // all for loops and ranges of the render
  // Work units: 16 per tag, output or text, 32 per filter, 8 per part of a variable, 1 per
  // byte a filter or output reads or writes; the default is about 0.2 s of CPU at most.
  std::uint64_t max_work = 64ULL * 1024 * 1024;
  std::size_t max_resolver_calls = 1'000;  // distinct paths asked of the Resolver
};

namespace internal {
struct Program;
}  // namespace internal

class Template;

// The parsed template, or kValidation with reason kInvalidTemplate and a message naming the
// place and the problem: "line 3, column 5: unknown tag 'endiff'", "unclosed {% if %}
// opened at line 1, column 1", "line 1, column 3: unknown variable 'tikcet.id'" (with
// allowed_roots), "line 1, column 12: unknown filter 'upcasee'", limits.
Result<Template> Parse(std::string_view source, const ParseOptions& options = {});

class Template {
 public:
  Template();  // the empty template; renders ""

  // The text, or kValidation with reason kRenderFailed and "line L, column C: what" when
  // rendering fails: a limit of RenderOptions, a division by zero, a resolver that threw.
  // kInternal only when memory runs out. Unknown variables render as empty, as in Zendesk.
  Result<std::string> Render(const Context& context, const RenderOptions& options = {}) const;

  // Context paths the template reads, in order of first use, without its own variables:
  // "ticket.requester.first_name", "ticket.tags.size". A path stops before the first
  // numeric or computed index (ticket.comments[0].body → "ticket.comments"). Lets a caller
  // build only the context a template needs.
  const std::vector<std::string>& paths() const;

 private:
  friend Result<Template> Parse(std::string_view source, const ParseOptions& options);
  explicit Template(std::shared_ptr<const internal::Program> program);
  std::shared_ptr<const internal::Program> program_;
};

}  // namespace comptoir::liquid
