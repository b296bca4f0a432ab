// One fuzz input through Parse and Render (every escape mode) with a fixed context, checking
// what must hold for any input: no crash (the sanitizers watch), only the documented error
// kinds, output within the limit, the same output twice. Shared by the libFuzzer target
// (template_fuzzer.cpp) and the unit test that replays the corpus (tests/corpus_test.cpp).
#pragma once

#include "comptoir/template/template.hpp"

#include <boost/json/parse.hpp>

#include <stdexcept>
#include <string>
#include <string_view>

namespace comptoir::liquid::fuzz {

inline std::string Problem(std::string_view what, const Status& status) {
  std::string out(what);
  out += ": ";
  out += status.ToString();
  return out;
}

inline const Context& FuzzContext() {
  static const Context kContext = [] {
    boost::json::object data = boost::json::parse(R"({
      "ticket": {
        "id": 123, "title": "Printer <b>on fire</b> & \"smoking\"", "status": "open",
        "priority": null, "is_public": true, "score": 4.5, "big": 18446744073709551615,
        "negative": -9223372036854775808, "tags": ["printer", "fire", "urgent", "fire"],
        "created_at": "2024-03-05T14:07:09Z", "due_at": 1709647629,
        "ticket_field_123": "Blue", "empty": "", "spaces": "   ",
        "latest_comment_html": "<p>Hello<br>there</p>",
        "requester": {"name": "Élodie Martin", "first_name": "Élodie", "email": "e@example.com"},
        "comments": [
          {"author": {"name": "Élodie"}, "value": "It is on fire.\nHelp!", "public": true},
          {"author": {"name": "Ada"}, "value": "On my way.", "public": false}
        ],
        "custom": {"size": 7, "first": "f", "nested": {"deep": [1, [2, [3]]]}}
      },
      "current_user": {"name": "Ada Agent", "first_name": "Ada"},
      "satisfaction": {"rating_url": "https://example.com/rate?a=1&b=2"},
      "numbers": [5, 3.5, -1, "10", null, true]
    })")
                                   .as_object();
    Context context(std::move(data), [](std::string_view path) -> std::optional<Resolved> {
      if (path == "ticket.comments_formatted") {
        return Resolved{boost::json::value("----\n\nÉlodie, Mar 5\n\nIt is <on> fire."), false};
      }
      if (path.substr(0, 3) == "dc.") {
        std::string text = "dynamic <";
        text.append(path.substr(3));
        text += ">";
        return Resolved{boost::json::value(std::move(text)), path.ends_with("_html")};
      }
      if (path == "explode") throw std::runtime_error("resolver failure");
      return std::nullopt;
    });
    context.MarkHtmlSafe("ticket.latest_comment_html");
    return context;
  }();
  return kContext;
}

// Empty when every check holds, else what broke.
inline std::string FuzzOne(std::string_view source) {
  static const FakeClock kClock(1'709'647'629);
  const Result<Template> parsed = Parse(source);
  if (!parsed.ok()) {
    const Status& s = parsed.status();
    if (s.code() != ErrorCode::kValidation || s.reason() != kInvalidTemplate ||
        s.message().empty()) {
      return Problem("Parse failed with an unexpected status", s);
    }
    return {};
  }
  ParseOptions restricted;
  restricted.allowed_roots = {"ticket", "current_user", "satisfaction", "dc"};
  const Result<Template> checked = Parse(source, restricted);
  if (!checked.ok() && checked.status().message().find("unknown variable") == std::string::npos) {
    return Problem("allowed_roots changed a parse result", checked.status());
  }
  for (const Escape escape : {Escape::kNone, Escape::kHtml, Escape::kJson}) {
    RenderOptions options;
    options.escape = escape;
    options.clock = &kClock;
    options.utc_offset = std::chrono::minutes(90);
    options.max_output_bytes = 64 * 1024;
    options.max_loop_iterations = 5'000;
    options.max_work = 1 << 20;
    const Result<std::string> out = parsed->Render(FuzzContext(), options);
    if (!out.ok()) {
      const Status& s = out.status();
      if (s.code() != ErrorCode::kValidation || s.reason() != kRenderFailed ||
          s.message().empty()) {
        return Problem("Render failed with an unexpected status", s);
      }
      continue;
    }
    if (out->size() > options.max_output_bytes) return "output over max_output_bytes";
    if (escape == Escape::kNone) {
      const Result<std::string> again = parsed->Render(FuzzContext(), options);
      if (!again.ok() || *again != *out) return "two renders differ";
    }
  }
  return {};
}

}  // namespace comptoir::liquid::fuzz
