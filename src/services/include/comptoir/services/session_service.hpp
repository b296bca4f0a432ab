// SessionService: browser sessions. A sign-in with email and password creates a row
// holding the SHA-256 of a random cookie value (32 bytes, base64url) and a CSRF token;
// the rows live in the database, so every node accepts every session. A session
// unused for longer than the idle time-out is expired; last_seen_at/expires_at are
// written at most once per touch interval, not on every request. Sessions belong to
// one account and one user; a suspension, a new password, a new role, a deletion or a
// merge ends them (UserService, in the same transaction). Thread-safe.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "comptoir/services/auth_service.hpp"
#include "comptoir/services/context.hpp"
#include "comptoir/storage/page.hpp"

namespace comptoir::services {

struct SessionOptions {
  std::chrono::seconds idle_timeout{8 * 3600};
  // last_seen_at/expires_at are refreshed at most this often (and at least twice per
  // idle time-out, for very short time-outs).
  std::chrono::seconds touch_interval{60};
};

// A new session: the row, the cookie value (shown once, only its hash is stored) and
// the user who signed in.
struct NewSession {
  storage::Session session;
  std::string cookie;
  domain::Actor actor;
};

// The session a cookie names, and who it signs in.
struct ActiveSession {
  storage::Session session;
  domain::Actor actor;
};

class SessionService {
 public:
  SessionService(ServiceEnv env, AuthService& auth, SessionOptions options = {});

  const SessionOptions& options() const { return options_; }

  // Signs in with email and password (AuthService::WithPassword: failures count toward
  // the failed sign-in limit). kUnauthenticated for bad credentials, kResourceExhausted
  // (with retry-after) when the email has failed too often.
  Result<NewSession> Login(AccountId account, std::string_view email, std::string_view password,
                           std::string ip_address, std::string user_agent);
  // The live session of a cookie value in `account`: kUnauthenticated when unknown, of
  // another account, expired, or its user is inactive or suspended.
  Result<ActiveSession> Authenticate(AccountId account, std::string_view cookie);

  // A new CSRF token for the caller's session `id`. kNotFound when it is gone.
  Result<std::string> RenewCsrfToken(const Context& ctx, std::int64_t id);
  // Ends one session of the caller's account (logout). kNotFound when it is gone.
  Status End(const Context& ctx, std::int64_t id);

  // Sessions of the account (admins), or of `user` (admins, or the user themself).
  Result<storage::Page<storage::Session>> List(const Context& ctx, UserId user,
                                               const storage::PageRequest& page);
  // One session of `user`. kNotFound when it is not theirs or not there.
  Result<storage::Session> Get(const Context& ctx, UserId user, std::int64_t id);
  Status Delete(const Context& ctx, UserId user, std::int64_t id);
  // Every session of `user`.
  Status DeleteAll(const Context& ctx, UserId user);

 private:
  // Admins may manage anyone's sessions in their account; others only their own.
  Status CheckOwner(const Context& ctx, UserId user) const;

  ServiceEnv env_;
  AuthService& auth_;
  SessionOptions options_;
};

}  // namespace comptoir::services
