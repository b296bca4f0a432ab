// The values a template reads: a JSON object tree ({"ticket": {...}, "current_user": {...}})
// and an optional resolver for values that are costly to build (ticket.comments_formatted),
// asked only when a template reads them. A Context owns its tree; it is not changed by
// rendering, so one Context may serve several Render calls, from several threads at once
// when its resolver is thread-safe.
#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace comptoir::liquid {

// A value produced by a Resolver. html_safe: the value is HTML the caller has already made
// safe (e.g. a sanitised comment body), so Escape::kHtml output does not escape it again.
struct Resolved {
  boost::json::value value;
  bool html_safe = false;
};

// Called with the dotted path of a value the tree does not have ("ticket.comments_formatted",
// "dc.welcome_text"); returns the value, or nullopt when there is none (the placeholder then
// renders empty). While a lookup a.b.c misses, the resolver is asked for "a", then "a.b",
// then "a.b.c" (shortest first), and the walk goes on inside the first answer. Paths are
// built from names and string keys (ticket["x"] is "ticket.x"); a walk through a numeric
// index (list[0]) or a template variable (assign, for) never reaches the resolver. Each
// path is asked at most once per Render call (answers, nullopt too, are cached for that
// call); a resolver that throws fails that Render call.
using Resolver = std::function<std::optional<Resolved>(std::string_view path)>;

class Context {
 public:
  Context() = default;
  explicit Context(boost::json::object data, Resolver resolver = {})
      : data_(std::move(data)), resolver_(std::move(resolver)) {}

  // Marks the value at a dotted path from the root ("ticket.latest_comment_html") as safe
  // HTML: Escape::kHtml output writes it as is. Only that exact path; a value reached
  // through a template variable ({% for c in ... %}{{ c.html }}) is escaped.
  Context& MarkHtmlSafe(std::string path);

  const boost::json::object& data() const { return data_; }
  const Resolver& resolver() const { return resolver_; }
  bool IsHtmlSafe(std::string_view path) const;

 private:
  boost::json::object data_;
  Resolver resolver_;
  std::vector<std::string> html_safe_paths_;
};

}  // namespace comptoir::liquid
