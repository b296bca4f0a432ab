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

struct WebSocketRoute {
  UpgradeHandler fn;
  std::vector<std::string> param_names;
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
  std::unique_ptr<WebSocketRoute> websocket;

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

Router::Node* Router::Insert(std::string_view pattern, std::vector<std::string>& names) {
  assert(root_ && "Add on a moved-from Router");
  Node* node = root_.get();
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
  return node;
}

void Router::Add(std::string_view method, std::string_view pattern, HandlerFn fn) {
  std::vector<std::string> names;
  Node* node = Insert(pattern, names);
  for (auto& r : node->routes) {
    if (r.method == method) {  // a later registration replaces an earlier one
      r.fn = std::move(fn);
      r.param_names = std::move(names);
      return;
    }
  }
  node->routes.push_back({std::string(method), std::move(fn), std::move(names)});
}

void Router::AddWebSocket(std::string_view pattern, UpgradeHandler fn) {
  std::vector<std::string> names;
  Node* node = Insert(pattern, names);
  node->websocket =
      std::make_unique<WebSocketRoute>(WebSocketRoute{std::move(fn), std::move(names)});
}

namespace {

struct Search {
  const std::vector<std::string_view>& segments;
  std::string_view method;
  bool websocket = false;                // looking for a WebSocket route, not a method
  std::vector<std::string_view> values;  // parameter values along the current branch
  const Route* found = nullptr;
  const WebSocketRoute* found_websocket = nullptr;
  std::vector<std::string_view> found_values;
  std::vector<std::string_view> allow;  // methods of nodes that matched the path
};

template <typename NodeT>
void Walk(const NodeT& node, std::size_t depth, Search& s) {
  if (s.found || s.found_websocket) return;
  if (depth == s.segments.size()) {
    if (s.websocket) {
      if (node.websocket) {
        s.found_websocket = node.websocket.get();
        s.found_values = s.values;
      }
      return;
    }
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
    if (s.found || s.found_websocket) return;
  }
  if (node.param) {
    s.values.push_back(segment);
    Walk(*node.param, depth + 1, s);
    s.values.pop_back();
  }
}

void FillParams(const std::vector<std::string>& names, const std::vector<std::string_view>& values,
                Request& req) {
  req.params.reserve(names.size());
  for (std::size_t i = 0; i < names.size() && i < values.size(); ++i) {
    req.params.emplace_back(names[i], std::string(values[i]));
  }
}

}  // namespace

Router::Match Router::Find(Request& req) const {
  Match match;
  req.params.clear();
  if (!root_) return match;
  std::vector<std::string_view> segments = Split(req.path);
  Search s{segments, req.method, false, {}, nullptr, nullptr, {}, {}};
  Walk(*root_, 0, s);
  if (s.found) {
    match.handler = &s.found->fn;
    FillParams(s.found->param_names, s.found_values, req);
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

const UpgradeHandler* Router::FindWebSocket(Request& req) const {
  req.params.clear();
  if (!root_) return nullptr;
  std::vector<std::string_view> segments = Split(req.path);
  Search s{segments, req.method, true, {}, nullptr, nullptr, {}, {}};
  Walk(*root_, 0, s);
  if (!s.found_websocket) return nullptr;
  FillParams(s.found_websocket->param_names, s.found_values, req);
  return &s.found_websocket->fn;
}

}  // namespace comptoir::http
