// The request pipeline: route → authenticate → check access → rate limit → handler,
// with every failure rendered in Zendesk's shape.
#include "comptoir/api/api.hpp"

#include <mutex>
#include <unordered_map>

#include "api_internal.hpp"
#include "comptoir/common/crypto.hpp"
#include "comptoir/common/log.hpp"
#include "live.hpp"

namespace comptoir::api {

namespace {

// Fixed one-minute windows per caller.
// Per-user requests per minute, counted on this node. With N live nodes sharing the
// database each node allows ceil(L / N) (docs/scaling.md has the maths): with an even
// load balancer a user gets about L per minute across the cluster, never much more;
// with a sticky one, ceil(L / N) on the node they stick to. The headers report the
// cluster-wide figures (L, and this node's remainder times N, at most L).
class RateLimiter {
 public:
  explicit RateLimiter(int per_minute) : limit_(per_minute) {}
  int limit() const { return limit_; }

  struct Decision {
    bool allowed = true;
    int remaining = 0;
    int reset_in = 60;
  };
  Decision Take(const std::string& key, Timestamp now, int nodes) {
    Decision d;
    if (limit_ <= 0) return d;
    nodes = std::max(nodes, 1);
    const int node_limit = (limit_ + nodes - 1) / nodes;
    const Timestamp window = now - now % 60;
    std::lock_guard lock(mu_);
    if (windows_.size() > 100000) windows_.clear();
    auto& w = windows_[key];
    if (w.start != window) {
      w.start = window;
      w.used = 0;
    }
    d.reset_in = static_cast<int>(window + 60 - now);
    if (w.used >= node_limit) {
      d.allowed = false;
      return d;
    }
    ++w.used;
    d.remaining = std::min(limit_, (node_limit - w.used) * nodes);
    return d;
  }

 private:
  struct Window {
    Timestamp start = 0;
    int used = 0;
  };
  int limit_;
  std::mutex mu_;
  std::unordered_map<std::string, Window> windows_;
};

struct Route {
  Access access;
  ApiHandler fn;
};

const char* AccessName(Access a) {
  switch (a) {
    case Access::kPublic:
      return "public";
    case Access::kSignedIn:
      return "signed_in";
    case Access::kStaff:
      return "staff";
    case Access::kAdmin:
      return "admin";
  }
  return "unknown";
}

bool IsSafeMethod(std::string_view method) {
  return method == "GET" || method == "HEAD" || method == "OPTIONS";
}

}  // namespace

std::string_view SessionCookie(const http::Request& req) {
  std::string_view header = req.Header("Cookie");
  while (!header.empty()) {
    auto semi = header.find(';');
    std::string_view pair = header.substr(0, semi);
    header = semi == std::string_view::npos ? std::string_view() : header.substr(semi + 1);
    while (!pair.empty() && pair.front() == ' ') pair.remove_prefix(1);
    auto eq = pair.find('=');
    if (eq == std::string_view::npos || pair.substr(0, eq) != kSessionCookie) continue;
    std::string_view value = pair.substr(eq + 1);
    while (!value.empty() && value.back() == ' ') value.remove_suffix(1);
    if (value.size() >= 2 && value.front() == '"' && value.back() == '"') {
      value = value.substr(1, value.size() - 2);
    }
    return value;
  }
  return {};
}

void RegisterAllRoutes(Routes& r) {
  RegisterSystemRoutes(r);
  RegisterUserRoutes(r);
  RegisterIdentityRoutes(r);
  RegisterTokenRoutes(r);
  RegisterJobRoutes(r);
  RegisterOrganizationRoutes(r);
  RegisterGroupRoutes(r);
  RegisterCustomRoleRoutes(r);
  RegisterCustomFieldRoutes(r);
  RegisterUploadRoutes(r);
  RegisterTicketFieldRoutes(r);
  RegisterTicketRoutes(r);
  RegisterRequestRoutes(r);
  RegisterSessionRoutes(r);
  RegisterTriggerRoutes(r);
  RegisterMacroRoutes(r);
  RegisterWebhookRoutes(r);
  RegisterTargetRoutes(r);
  RegisterEmailRoutes(r);
  RegisterViewRoutes(r);
  RegisterAutomationRoutes(r);
  RegisterScheduleRoutes(r);
  RegisterSlaRoutes(r);
  RegisterExportRoutes(r);
  RegisterTicketMetricRoutes(r);
  RegisterSearchRoutes(r);
}

struct Api::Impl {
  Impl(services::Services& s, ApiOptions o)
      : svc(s), options(std::move(o)), limiter(options.rate_limit_per_minute) {}

  services::Services& svc;
  ApiOptions options;
  RateLimiter limiter;
  http::Router router;
  LiveHub live;

  // Fills the caller of `c`: address, the account the Host header addresses, and who
  // signs the request (every credential is checked against that account).
  Status Identify(const http::Request& req, ApiContext& c);
  Status Authenticate(const http::Request& req, ApiContext& c);
};

Api::Api(services::Services& services, ApiOptions options)
    : impl_(std::make_unique<Impl>(services, std::move(options))) {
  // Each route's handler builds the ApiContext, authenticates, checks the access level
  // and the rate limit, then calls the resource handler.
  Routes add([this](std::string_view method, std::string_view pattern, Access access,
                    ApiHandler fn) {
    auto route = std::make_shared<Route>(Route{access, std::move(fn)});
    impl_->router.Add(method, pattern, [this, route](http::Request& req) -> http::Response {
      ApiContext c{req, impl_->svc, {}, false, {}, {}};
      std::string_view host = req.Header("Host");
      std::string_view proto = req.Header("X-Forwarded-Proto");
      c.base_url = std::string(proto == "https" ? "https" : "http") + "://" +
                   std::string(host.empty() ? "localhost" : host) + "/api/v2";
      if (Status st = impl_->Identify(req, c); !st.ok()) return ErrorResponse(st, req.request_id);
      // A browser session signs unsafe requests with its CSRF token: a cookie alone is
      // what a cross-site form would send.
      if (c.session && !IsSafeMethod(req.method)) {
        std::string_view token = req.Header("X-CSRF-Token");
        if (token.size() != c.session->csrf_token.size() ||
            !crypto::ConstantTimeEquals(token, c.session->csrf_token)) {
          return ErrorResponse(PermissionDenied("Missing or invalid X-CSRF-Token header"),
                               req.request_id);
        }
      }
      if (!c.authenticated && route->access != Access::kPublic) {
        return ErrorResponse(Unauthenticated(), req.request_id);
      }
      if (c.authenticated) {
        if (route->access == Access::kStaff && !c.actor().is_staff()) {
          return ErrorResponse(PermissionDenied(), req.request_id);
        }
        if (route->access == Access::kAdmin && !c.actor().is_admin()) {
          return ErrorResponse(PermissionDenied(), req.request_id);
        }
        const bool write = req.method != "GET" && req.method != "HEAD";
        if (!domain::HasScope(c.actor(), write, "users")) {
          return ErrorResponse(PermissionDenied("The OAuth token lacks the needed scope"),
                               req.request_id);
        }
      }
      const std::string key = c.authenticated ? "u:" + std::to_string(c.actor().user_id.value)
                                              : "ip:" + req.remote_address;
      // Health checks are never limited: load balancers poll them.
      const bool limited = req.path.rfind("/api/", 0) == 0 || req.path.rfind("/access/", 0) == 0;
      auto d =
          limited ? impl_->limiter.Take(key, impl_->svc.env.clock.Now(),
                                        impl_->options.live_nodes ? impl_->options.live_nodes() : 1)
                  : RateLimiter::Decision{};
      http::Response resp;
      if (!d.allowed) {
        Status st(ErrorCode::kResourceExhausted, "Rate limit exceeded", "TooManyRequests");
        st.WithRetryAfter(d.reset_in);
        resp = ErrorResponse(st, req.request_id);
      } else {
        try {
          resp = route->fn(c);
        } catch (const std::exception& e) {
          resp = ErrorResponse(Internal(e.what()), req.request_id);
        }
      }
      if (limited && impl_->limiter.limit() > 0) {
        const std::string limit = std::to_string(impl_->limiter.limit());
        const std::string remaining = std::to_string(d.remaining);
        resp.Header("X-Rate-Limit", limit);
        resp.Header("X-Rate-Limit-Remaining", remaining);
        resp.Header("ratelimit-limit", limit);
        resp.Header("ratelimit-remaining", remaining);
        resp.Header("ratelimit-reset", std::to_string(d.reset_in));
      }
      return resp;
    });
  });
  RegisterAllRoutes(add);
  RegisterUserJobs(services);
  RegisterOrganizationJobs(services);
  RegisterGroupJobs(services);
  RegisterTicketJobs(services);
  services.env.store.Subscribe([this](const std::string& event) { impl_->live.OnEvent(event); });
}

http::UpgradeResult Api::HandleUpgrade(http::Request& req) {
  if (req.path != "/api/v2/live") {
    return ErrorResponse(NotFound("No WebSocket at this address"), req.request_id);
  }
  ApiContext c{req, impl_->svc, {}, false, {}, {}};
  if (Status st = impl_->Identify(req, c); !st.ok()) return ErrorResponse(st, req.request_id);
  // Signed in by the session cookie: a browser, which sends the page's Origin. Another
  // site's page would carry the cookie too (cross-site WebSocket hijacking), so the
  // Origin must be this host.
  if (c.session) {
    std::string_view host = req.Header("Host");
    std::string_view origin = req.Header("Origin");
    auto scheme = origin.find("://");
    if (scheme == std::string_view::npos || origin.substr(scheme + 3) != host) {
      return ErrorResponse(PermissionDenied("The Origin of a cookie-signed connection must be "
                                            "this host"),
                           req.request_id);
    }
  }
  if (!c.authenticated) return ErrorResponse(Unauthenticated(), req.request_id);
  std::vector<GroupId> groups;
  if (c.actor().is_staff()) {
    auto mine = impl_->svc.groups.ListForUser(c.ctx, c.actor().user_id);
    if (!mine.ok()) return ErrorResponse(mine.status(), req.request_id);
    for (const auto& g : *mine) groups.push_back(g.id);
  }
  std::string name;
  if (auto me = impl_->svc.users.Get(c.ctx, c.actor().user_id); me.ok()) name = me->name;
  // Presence requests: the same visibility check as GET /tickets/{id}.
  auto can_view = [svc = &impl_->svc, ctx = c.ctx](TicketId id) {
    return svc->tickets.Get(ctx, id).ok();
  };
  return impl_->live.Accept(c.actor(), std::move(groups), std::move(name), std::move(can_view));
}

Api::~Api() = default;

std::vector<Api::RouteInfo> Api::ListRoutes() {
  std::vector<RouteInfo> out;
  Routes add([&out](std::string_view method, std::string_view pattern, Access access, ApiHandler) {
    out.push_back({std::string(method), std::string(pattern), AccessName(access)});
  });
  RegisterAllRoutes(add);
  return out;
}

Status Api::Impl::Identify(const http::Request& req, ApiContext& c) {
  c.ctx.ip_address = req.remote_address;
  auto account = svc.accounts.Resolve(req.Header("Host"));
  if (!account.ok()) return account.status();
  c.ctx.actor.account_id = *account;
  return Authenticate(req, c);
}

// Credentials, in order: the Authorization header (Basic password, Basic API token,
// Bearer OAuth token), else the session cookie. Each is checked against the account
// the request addressed. A cookie that names no live session of this account counts as
// no credential (browsers keep stale cookies); a bad Authorization header is a 401.
Status Api::Impl::Authenticate(const http::Request& req, ApiContext& c) {
  const AccountId account = c.ctx.account();
  std::string_view header = req.Header("Authorization");
  if (header.empty()) {
    std::string_view cookie = SessionCookie(req);
    // Signing in again must not need the CSRF token of the session it replaces.
    if (cookie.empty() || req.path == "/access/login") return Status::Ok();
    auto s = svc.sessions.Authenticate(account, cookie);
    if (!s.ok()) {
      return s.status().code() == ErrorCode::kUnauthenticated ? Status::Ok() : s.status();
    }
    c.ctx.actor = s->actor;
    c.session = std::move(s->session);
    c.authenticated = true;
    return Status::Ok();
  }
  auto starts = [&](std::string_view prefix) {
    return header.size() > prefix.size() && http::IEquals(header.substr(0, prefix.size()), prefix);
  };
  Result<domain::Actor> actor = Unauthenticated();
  if (starts("Basic ")) {
    auto decoded = crypto::Base64Decode(header.substr(6));
    if (!decoded.ok()) return Unauthenticated();
    std::string_view creds = *decoded;
    auto colon = creds.find(':');
    if (colon == std::string_view::npos) return Unauthenticated();
    std::string_view user = creds.substr(0, colon);
    std::string_view secret = creds.substr(colon + 1);
    constexpr std::string_view kTokenSuffix = "/token";
    if (user.size() > kTokenSuffix.size() && user.ends_with(kTokenSuffix)) {
      actor = svc.auth.WithApiToken(account, user.substr(0, user.size() - 6), secret);
    } else {
      actor = svc.auth.WithPassword(account, user, secret);
    }
  } else if (starts("Bearer ")) {
    actor = svc.auth.WithBearer(account, header.substr(7));
  } else {
    return Unauthenticated();
  }
  if (!actor.ok()) return actor.status();
  if (actor->account_id != account) return Unauthenticated();  // AuthService checks it too
  c.ctx.actor = *actor;
  c.authenticated = true;
  // Impersonation with an OAuth token that has the impersonate scope.
  std::string_view on_behalf = req.Header("X-On-Behalf-Of");
  if (!on_behalf.empty()) {
    const auto& scopes = c.ctx.actor.scopes;
    if (!c.ctx.actor.is_admin() ||
        std::find(scopes.begin(), scopes.end(), "impersonate") == scopes.end()) {
      return PermissionDenied("Impersonation needs an admin OAuth token with impersonate scope");
    }
    domain::Actor impersonated;
    Status st = svc.env.store.Read([&](storage::Transaction& tx) -> Status {
      auto id = tx.identities().Find(account, domain::IdentityType::kEmail, std::string(on_behalf));
      if (!id.ok()) return Unauthenticated();
      auto u = tx.users().Get(account, id->user_id);
      if (!u.ok() || !u->active || u->suspended || u->is_staff()) return Unauthenticated();
      auto a = services::AuthService::ActorOf(tx, *u);
      if (!a.ok()) return a.status();
      impersonated = *a;
      return Status::Ok();
    });
    if (!st.ok()) return st;
    impersonated.scopes = scopes;
    c.ctx.actor = impersonated;
  }
  return Status::Ok();
}

http::Response Api::Handle(http::Request& req) {
  auto match = impl_->router.Find(req);
  if (match.handler == nullptr) {
    if (match.path_known) {
      http::Response r = JsonResponse(
          405, json::object{{"error", "MethodNotAllowed"},
                            {"description", "This endpoint does not accept " + req.method}});
      r.Header("Allow", match.allow);
      return r;
    }
    return JsonResponse(404,
                        json::object{{"error", "InvalidEndpoint"}, {"description", "Not found"}});
  }
  return (*match.handler)(req);
}

http::Response Api::RenderTransportError(unsigned status, std::string_view message) {
  switch (status) {
    case 413:
      return JsonResponse(413,
                          json::object{{"error", "RequestTooLarge"}, {"description", message}});
    case 431:
      return JsonResponse(
          431, json::object{{"error", "RequestHeaderFieldsTooLarge"}, {"description", message}});
    case 408:
      return JsonResponse(408, json::object{{"error", "RequestTimeout"}, {"description", message}});
    case 503: {
      http::Response r = JsonResponse(
          503, json::object{{"error", "ServiceUnavailable"}, {"description", message}});
      r.Header("Retry-After", "5");
      return r;
    }
    case 500:
      return JsonResponse(
          500, json::object{{"error", "InternalError"}, {"description", "Something went wrong"}});
    default:
      return JsonResponse(
          status == 0 ? 400 : status,
          json::object{{"error", json::object{{"title", "Bad request"}, {"message", message}}}});
  }
}

// --- system routes ---

void RegisterSystemRoutes(Routes& r) {
  r.Get("/healthz", Access::kPublic, [](ApiContext&) {
    return JsonResponse(200, json::object{{"status", "ok"}});
  });
  r.Get("/readyz", Access::kPublic, [](ApiContext& c) {
    Status st = c.svc.env.store.Ping();
    if (!st.ok()) {
      http::Response resp = JsonResponse(503, json::object{{"status", "unavailable"}});
      resp.Header("Retry-After", "5");
      return resp;
    }
    return JsonResponse(200, json::object{{"status", "ready"}});
  });
}

}  // namespace comptoir::api
