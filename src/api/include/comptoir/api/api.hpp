// Api: the Zendesk-compatible HTTP API. Turns an http::Request into a call of one
// service and renders the result in Zendesk's JSON shapes. Also the one place where a
// Status becomes an HTTP error. Build once at start-up; Handle() is thread-safe.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "comptoir/http/message.hpp"
#include "comptoir/http/websocket.hpp"
#include "comptoir/services/services.hpp"

namespace comptoir::api {

// The account of a request comes from its Host header (services::AccountService).
struct ApiOptions {
  int rate_limit_per_minute = 700;  // per user (or per IP when anonymous); 0 = off
  std::string version = "0.1.0";
  // The number of live nodes sharing the database (rate limits are divided by it).
  std::function<int()> live_nodes;
};

class Api {
 public:
  Api(services::Services& services, ApiOptions options);
  ~Api();
  Api(const Api&) = delete;
  Api& operator=(const Api&) = delete;

  http::Response Handle(http::Request& req);
  // A WebSocket upgrade (GET /api/v2/live): authenticated like any request, then the
  // connection receives the live events its user may see (see src/api/live.hpp).
  http::UpgradeResult HandleUpgrade(http::Request& req);

  // One registered route: "GET", "/api/v2/users/{id}", and who may call it ("public",
  // "signed_in", "staff", "admin").
  struct RouteInfo {
    std::string method;
    std::string pattern;
    std::string access;
  };
  // Every route the API registers, in registration order (for `comptoir routes` and the
  // tests that must call every route). Needs no services.
  static std::vector<RouteInfo> ListRoutes();
  // Renders a transport-level failure (413, 431, 400 …) in Zendesk's shape.
  static http::Response RenderTransportError(unsigned status, std::string_view message);

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace comptoir::api
