// Browser sessions: /access/login and /access/logout (the cookie), "forgot password"
// (/access/password_reset and /confirm, Comptoir's own), and Zendesk's
// Sessions API (/api/v2/sessions, /api/v2/users/{user_id}/sessions, /users/me/session,
// /users/me/logout).
#include "api_internal.hpp"

namespace comptoir::api {

namespace {

json::object SessionJson(const ApiContext& c, const storage::Session& s) {
  return {{"id", s.id},
          {"user_id", s.user_id.value},
          {"authenticated_at", Iso(s.created_at)},
          {"last_seen_at", Iso(s.last_seen_at)},
          {"url", c.base_url + "/users/" + std::to_string(s.user_id.value) + "/sessions/" +
                      std::to_string(s.id) + ".json"}};
}

// The cookie attributes: HttpOnly (no script reads it), SameSite=Lax (no cross-site
// POST carries it), Secure when the client reached us over HTTPS (per the proxy).
std::string CookieHeader(const ApiContext& c, std::string_view value, bool clear) {
  std::string h(kSessionCookie);
  h += '=';
  h += value;
  h += "; Path=/; HttpOnly; SameSite=Lax";
  if (clear) h += "; Max-Age=0";
  if (c.req.Header("X-Forwarded-Proto") == "https") h += "; Secure";
  return h;
}

int HexValue(char ch) {
  if (ch >= '0' && ch <= '9') return ch - '0';
  if (ch >= 'a' && ch <= 'f') return ch - 'a' + 10;
  if (ch >= 'A' && ch <= 'F') return ch - 'A' + 10;
  return -1;
}

// application/x-www-form-urlencoded: "+" is a space, %XX a byte.
std::string FormDecode(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '+') {
      out += ' ';
    } else if (s[i] == '%' && i + 2 < s.size() && HexValue(s[i + 1]) >= 0 &&
               HexValue(s[i + 2]) >= 0) {
      out += static_cast<char>(HexValue(s[i + 1]) * 16 + HexValue(s[i + 2]));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

struct Credentials {
  std::string email;
  std::string password;
};

// {"email","password"} as JSON, or the same fields form-encoded.
Result<Credentials> ParseCredentials(const ApiContext& c) {
  Credentials out;
  std::string_view type = c.req.Header("Content-Type");
  if (type.substr(0, 33) == "application/x-www-form-urlencoded") {
    std::string_view body = c.req.body;
    while (!body.empty()) {
      auto amp = body.find('&');
      std::string_view pair = body.substr(0, amp);
      body = amp == std::string_view::npos ? std::string_view() : body.substr(amp + 1);
      auto eq = pair.find('=');
      if (eq == std::string_view::npos) continue;
      std::string name = FormDecode(pair.substr(0, eq));
      if (name == "email") out.email = FormDecode(pair.substr(eq + 1));
      if (name == "password") out.password = FormDecode(pair.substr(eq + 1));
    }
    return out;
  }
  auto body = ParseBody(c);
  if (!body.ok()) return body.status();
  Validation v;
  Reader r(*body, v);
  out.email = r.String("email").value_or("");
  out.password = r.String("password").value_or("");
  COMPTOIR_RETURN_IF_ERROR(v.Finish());
  return out;
}

// {user_id} of a sessions path: an id, or "me" for the caller.
Result<UserId> PathUser(const ApiContext& c) {
  if (c.req.Param("user_id") == "me") return c.actor().user_id;
  auto id = PathId(c, "user_id");
  if (!id.ok()) return id.status();
  return UserId(*id);
}

http::Response SessionList(ApiContext& c, UserId user) {
  auto p = ParsePaging(c);
  if (!p.ok()) return ErrorResponse(p.status(), c.req.request_id);
  auto page = c.svc.sessions.List(c.ctx, user, p->req);
  if (!page.ok()) return ErrorResponse(page.status(), c.req.request_id);
  json::array items;
  for (const auto& s : page->items) items.push_back(SessionJson(c, s));
  json::object body{{"sessions", std::move(items)}};
  const std::int64_t first = page->items.empty() ? 0 : page->items.front().id;
  const std::int64_t last = page->items.empty() ? 0 : page->items.back().id;
  AddPagination(body, c, *p, page->has_more, page->has_before, page->total, first, last);
  return JsonResponse(200, body);
}

// Ends the caller's current browser session (if the request came with one) and tells
// the browser to drop the cookie.
http::Response Logout(ApiContext& c) {
  if (c.session) {
    Status st = c.svc.sessions.End(c.ctx, c.session->id);
    if (!st.ok() && st.code() != ErrorCode::kNotFound) {
      return ErrorResponse(st, c.req.request_id);
    }
  }
  http::Response r = NoContent();
  r.Header("Set-Cookie", CookieHeader(c, "", /*clear=*/true));
  return r;
}

}  // namespace

void RegisterSessionRoutes(Routes& r) {
  r.Post("/access/login", Access::kPublic, [](ApiContext& c) {
    auto creds = ParseCredentials(c);
    if (!creds.ok()) return ErrorResponse(creds.status(), c.req.request_id);
    auto made = c.svc.sessions.Login(c.ctx.account(), creds->email, creds->password,
                                     c.req.remote_address, std::string(c.req.Header("User-Agent")));
    if (!made.ok()) return ErrorResponse(made.status(), c.req.request_id);
    c.ctx.actor = made->actor;
    c.authenticated = true;
    auto user = c.svc.users.Get(c.ctx, made->actor.user_id);
    if (!user.ok()) return ErrorResponse(user.status(), c.req.request_id);
    http::Response resp = JsonResponse(
        200, json::object{{"user", UserJson(c, *user)}, {"csrf_token", made->session.csrf_token}});
    resp.Header("Set-Cookie", CookieHeader(c, made->cookie, /*clear=*/false));
    resp.Header("Cache-Control", "no-store");
    return resp;
  });
  r.Post("/access/logout", Access::kPublic, Logout);

  // Comptoir's own: "forgot password". The same answer whether a user has the address.
  r.Post("/access/password_reset", Access::kPublic, [](ApiContext& c) {
    auto body = ParseBody(c);
    if (!body.ok()) return ErrorResponse(body.status(), c.req.request_id);
    Validation v;
    Reader rd(*body, v);
    const std::string email = rd.String("email").value_or("");
    if (Status st = v.Finish(); !st.ok()) return ErrorResponse(st, c.req.request_id);
    Status st = c.svc.password_resets.Request(c.ctx.account(), email, c.req.remote_address);
    if (!st.ok()) return ErrorResponse(st, c.req.request_id);
    http::Response resp = JsonResponse(
        202, json::object{{"message",
                           "If a user has this address, an e-mail with a link to reset the "
                           "password is on its way."}});
    resp.Header("Cache-Control", "no-store");
    return resp;
  });
  r.Post("/access/password_reset/confirm", Access::kPublic, [](ApiContext& c) {
    auto body = ParseBody(c);
    if (!body.ok()) return ErrorResponse(body.status(), c.req.request_id);
    Validation v;
    Reader rd(*body, v);
    const std::string token = rd.String("token").value_or("");
    const std::string password = rd.String("password").value_or("");
    if (Status st = v.Finish(); !st.ok()) return ErrorResponse(st, c.req.request_id);
    Status st = c.svc.password_resets.Confirm(c.ctx.account(), token, password);
    if (!st.ok()) return ErrorResponse(st, c.req.request_id);
    return NoContent();
  });
  r.Delete("/api/v2/users/me/logout", Access::kSignedIn, Logout);

  r.Get("/api/v2/users/me/session", Access::kSignedIn, [](ApiContext& c) {
    if (!c.session) return ErrorResponse(NotFound(), c.req.request_id);
    return Envelope("session", SessionJson(c, *c.session));
  });
  r.Get("/api/v2/users/me/session/renew", Access::kSignedIn, [](ApiContext& c) {
    if (!c.session) return ErrorResponse(NotFound(), c.req.request_id);
    auto token = c.svc.sessions.RenewCsrfToken(c.ctx, c.session->id);
    if (!token.ok()) return ErrorResponse(token.status(), c.req.request_id);
    http::Response resp = JsonResponse(200, json::object{{"authenticity_token", *token}});
    resp.Header("Cache-Control", "no-store");
    return resp;
  });

  r.Get("/api/v2/sessions", Access::kAdmin, [](ApiContext& c) { return SessionList(c, UserId()); });
  r.Get("/api/v2/users/{user_id}/sessions", Access::kSignedIn, [](ApiContext& c) {
    auto user = PathUser(c);
    if (!user.ok()) return ErrorResponse(user.status(), c.req.request_id);
    return SessionList(c, *user);
  });
  r.Get("/api/v2/users/{user_id}/sessions/{id}", Access::kSignedIn, [](ApiContext& c) {
    auto user = PathUser(c);
    if (!user.ok()) return ErrorResponse(user.status(), c.req.request_id);
    auto id = PathId(c);
    if (!id.ok()) return ErrorResponse(id.status(), c.req.request_id);
    auto s = c.svc.sessions.Get(c.ctx, *user, *id);
    if (!s.ok()) return ErrorResponse(s.status(), c.req.request_id);
    return Envelope("session", SessionJson(c, *s));
  });
  r.Delete("/api/v2/users/{user_id}/sessions/{id}", Access::kSignedIn, [](ApiContext& c) {
    auto user = PathUser(c);
    if (!user.ok()) return ErrorResponse(user.status(), c.req.request_id);
    auto id = PathId(c);
    if (!id.ok()) return ErrorResponse(id.status(), c.req.request_id);
    Status st = c.svc.sessions.Delete(c.ctx, *user, *id);
    if (!st.ok()) return ErrorResponse(st, c.req.request_id);
    return NoContent();
  });
  r.Delete("/api/v2/users/{user_id}/sessions", Access::kSignedIn, [](ApiContext& c) {
    auto user = PathUser(c);
    if (!user.ok()) return ErrorResponse(user.status(), c.req.request_id);
    Status st = c.svc.sessions.DeleteAll(c.ctx, *user);
    if (!st.ok()) return ErrorResponse(st, c.req.request_id);
    return NoContent();
  });
}

}  // namespace comptoir::api
