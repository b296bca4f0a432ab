#include "comptoir/http/router.hpp"

#include <algorithm>
#include <cassert>
#include <map>
#include <vector>

namespace comptoir::http {

namespace {

struct Route {
  std::string method;
  HandlerFn fn;
  std::vector<std::string> param_names;  // in path order
};

bool IsParam(std::string_view segment) {
  return segment.size() >= 2 && segment.front() == '{' && segment.back() == '}';
}

// Splits "/a/b/c" into segments; empty segments are skipped.
std::vector<std::string_view> Split(std::string_view path) {
  std::vector<std::string_view> out;
  while (!path.empty()) {
    std::size_t slash = path.find('/');
    std::string_view segment = path.substr(0, slash);
    path = slash == std::string_view::npos ? std::string_view() : path.substr(slash + 1);
    if (!segment.empty()) out.push_back(segment);
  }
  return out;
}

}  // namespace

struct Router::Node {
  std::map<std::string, std::unique_ptr<Node>, std::less<>> literals;
  std::unique_ptr<Node> param;
  std::vector<Route> routes;  // handlers ending at this node, one per method

  const Route* ForMethod(std::string_view method) const {
    for (const auto& r : routes) {
      if (r.method == method) return &r;
    }
    return nullptr;
  }
};

Router::Router() : root_(std::make_unique<Node>()) {}
Router::~Router() = default;
Router::Router(Router&&) noexcept = default;
Router& Router::operator=(Router&&) noexcept = default;

void Router::Add(std::string_view method, std::string_view pattern, HandlerFn fn) {
  assert(root_ && "Add on a moved-from Router");
  Node* node = root_.get();
  std::vector<std::string> names;
  for (std::string_view segment : Split(pattern)) {
    if (IsParam(segment)) {
      names.emplace_back(segment.substr(1, segment.size() - 2));
      if (!node->param) node->param = std::make_unique<Node>();
      node = node->param.get();
    } else {
      auto it = node->literals.find(segment);
      if (it == node->literals.end()) {
        it = node->literals.emplace(std::string(segment), std::make_unique<Node>()).first;
      }
      node = it->second.get();
    }
  }
  for (auto& r : node->routes) {
    if (r.method == method) {  // a later registration replaces an earlier one
      r.fn = std::move(fn);
      r.param_names = std::move(names);
      return;
    }
  }
  node->routes.push_back({std::string(method), std::move(fn), std::move(names)});
}

namespace {

struct Search {
  const std::vector<std::string_view>& segments;
  std::string_view method;
  std::vector<std::string_view> values;  // parameter values along the current branch
  const Route* found = nullptr;
  std::vector<std::string_view> found_values;
  std::vector<std::string_view> allow;  // methods of nodes that matched the path
};

template <typename NodeT>
void Walk(const NodeT& node, std::size_t depth, Search& s) {
  if (s.found) return;
  if (depth == s.segments.size()) {
    if (node.routes.empty()) return;
    const Route* r = node.ForMethod(s.method);
    // HEAD is served by the GET handler when there is no explicit HEAD route.
    if (!r && s.method == "HEAD") r = node.ForMethod("GET");
    if (r) {
      s.found = r;
      s.found_values = s.values;
      return;
    }
    for (const auto& route : node.routes) {
      s.allow.push_back(route.method);
      if (route.method == "GET") s.allow.push_back("HEAD");
    }
    return;
  }
  std::string_view segment = s.segments[depth];
  // Literal first: "/users/me" beats "/users/{id}"; fall back to the parameter branch
  // when the literal branch does not lead to a match.
  if (auto it = node.literals.find(segment); it != node.literals.end()) {
    Walk(*it->second, depth + 1, s);
    if (s.found) return;
  }
  if (node.param) {
    s.values.push_back(segment);
    Walk(*node.param, depth + 1, s);
    s.values.pop_back();
  }
}

}  // namespace

Router::Match Router::Find(Request& req) const {
  Match match;
  req.params.clear();
  if (!root_) return match;
  std::vector<std::string_view> segments = Split(req.path);
  Search s{segments, req.method, {}, nullptr, {}, {}};
  Walk(*root_, 0, s);
  if (s.found) {
    match.handler = &s.found->fn;
    const auto& names = s.found->param_names;
    req.params.reserve(names.size());
    for (std::size_t i = 0; i < names.size() && i < s.found_values.size(); ++i) {
      req.params.emplace_back(names[i], std::string(s.found_values[i]));
    }
    return match;
  }
  if (!s.allow.empty()) {
    match.path_known = true;
    std::sort(s.allow.begin(), s.allow.end());
    s.allow.erase(std::unique(s.allow.begin(), s.allow.end()), s.allow.end());
    for (std::string_view m : s.allow) {
      if (!match.allow.empty()) match.allow += ", ";
      match.allow += m;
    }
  }
  return match;
}

}  // namespace comptoir::http
