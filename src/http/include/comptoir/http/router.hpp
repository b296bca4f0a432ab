// Router: maps (method, normalised path) to a handler. Patterns are literal segments
// and "{name}" parameters: "/api/v2/users/{id}/identities/{identity_id}". A literal
// segment wins over a parameter at the same position ("/users/me" before
// "/users/{id}"). A path may also have a WebSocket route (AddWebSocket), found apart from
// the method routes by FindWebSocket. Build it once at start-up, then Find() and
// FindWebSocket() are safe from many threads.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "comptoir/http/message.hpp"
#include "comptoir/http/websocket.hpp"

namespace comptoir::http {

using HandlerFn = std::function<Response(Request&)>;

class Router {
 public:
  Router();
  ~Router();
  Router(Router&&) noexcept;
  Router& operator=(Router&&) noexcept;

  void Add(std::string_view method, std::string_view pattern, HandlerFn fn);

  struct Match {
    const HandlerFn* handler = nullptr;  // null when nothing matched
    bool path_known = false;             // path matched but not the method (→ 405)
    std::string allow;                   // "GET, PUT" for the Allow header on 405
  };
  // Finds the handler for req.method + req.path and fills req.params.
  Match Find(Request& req) const;

  // Registers the upgrade handler of a WebSocket endpoint (same pattern syntax). It does
  // not answer ordinary requests: a GET route on the same pattern may coexist.
  void AddWebSocket(std::string_view pattern, UpgradeHandler fn);
  // The upgrade handler for req.path (req.method is not looked at), filling req.params;
  // null when the path has none.
  const UpgradeHandler* FindWebSocket(Request& req) const;

 private:
  struct Node;
  // The node for `pattern`, created as needed; appends its parameter names to `names`.
  Node* Insert(std::string_view pattern, std::vector<std::string>& names);
  std::unique_ptr<Node> root_;
};

}  // namespace comptoir::http
