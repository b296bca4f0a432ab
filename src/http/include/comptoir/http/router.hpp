// Router: maps (method, normalised path) to a handler. Patterns are literal segments
// and "{name}" parameters: "/api/v2/users/{id}/identities/{identity_id}". A literal
// segment wins over a parameter at the same position ("/users/me" before
// "/users/{id}"). Build it once at start-up, then Find() is safe from many threads.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "comptoir/http/message.hpp"

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

 private:
  struct Node;
  std::unique_ptr<Node> root_;
};

}  // namespace comptoir::http
