#include "comptoir/services/session_service.hpp"

#include <algorithm>

#include "comptoir/common/crypto.hpp"

namespace comptoir::services {

namespace {

constexpr std::size_t kCookieBytes = 32;
constexpr std::size_t kCsrfBytes = 32;
constexpr std::size_t kMaxUserAgent = 512;

}  // namespace

SessionService::SessionService(ServiceEnv env, AuthService& auth, SessionOptions options)
    : env_(env), auth_(auth), options_(options) {
  // Short time-outs (tests) still refresh the session well before it expires.
  const auto half = std::max<std::chrono::seconds::rep>(1, options_.idle_timeout.count() / 2);
  options_.touch_interval = std::min(options_.touch_interval, std::chrono::seconds(half));
}

Result<NewSession> SessionService::Login(AccountId account, std::string_view email,
                                         std::string_view password, std::string ip_address,
                                         std::string user_agent) {
  auto actor = auth_.WithPassword(account, email, password);
  if (!actor.ok()) return actor.status();
  NewSession out;
  out.actor = *actor;
  out.cookie = crypto::RandomToken(kCookieBytes);
  const Timestamp now = env_.clock.Now();
  storage::Session& s = out.session;
  s.account_id = account;
  s.user_id = actor->user_id;
  s.token_hash = crypto::Sha256Hex(out.cookie);
  s.csrf_token = crypto::RandomToken(kCsrfBytes);
  s.ip_address = std::move(ip_address);
  if (user_agent.size() > kMaxUserAgent) user_agent.resize(kMaxUserAgent);
  s.user_agent = std::move(user_agent);
  s.created_at = s.last_seen_at = now;
  s.expires_at = now + options_.idle_timeout.count();
  COMPTOIR_RETURN_IF_ERROR(env_.store.Write([&](storage::Transaction& tx) -> Status {
    auto id = tx.sessions().Insert(s);
    if (!id.ok()) return id.status();
    s.id = *id;
    auto u = tx.users().Get(account, s.user_id);
    if (!u.ok()) return u.status();
    u->last_login_at = now;
    return tx.users().Update(*u);
  }));
  return out;
}

Result<ActiveSession> SessionService::Authenticate(AccountId account, std::string_view cookie) {
  if (cookie.size() < 20 || cookie.size() > 200) return Unauthenticated();
  const std::string hash = crypto::Sha256Hex(cookie);
  const Timestamp now = env_.clock.Now();
  ActiveSession out;
  COMPTOIR_RETURN_IF_ERROR(env_.store.Read([&](storage::Transaction& tx) -> Status {
    auto s = tx.sessions().FindByTokenHash(hash);
    if (!s.ok()) {
      return s.status().code() == ErrorCode::kNotFound ? Unauthenticated() : s.status();
    }
    // A session of another account is unknown here, whatever the user.
    if (s->account_id != account || s->expires_at <= now) return Unauthenticated();
    auto u = tx.users().Get(account, s->user_id);
    if (!u.ok() || !u->active || u->suspended) return Unauthenticated();
    auto a = AuthService::ActorOf(tx, *u);
    if (!a.ok()) return a.status();
    out.session = std::move(s).value();
    out.actor = *a;
    return Status::Ok();
  }));
  // One write per session per touch interval, not one per request.
  if (now - out.session.last_seen_at >= options_.touch_interval.count()) {
    const Timestamp expires = now + options_.idle_timeout.count();
    Status st = env_.store.Write([&](storage::Transaction& tx) {
      return tx.sessions().Touch(account, out.session.id, now, expires);
    });
    if (st.code() == ErrorCode::kNotFound) return Unauthenticated();  // ended meanwhile
    if (!st.ok()) return st;
    out.session.last_seen_at = now;
    out.session.expires_at = expires;
  }
  return out;
}

Result<std::string> SessionService::RenewCsrfToken(const Context& ctx, std::int64_t id) {
  std::string token = crypto::RandomToken(kCsrfBytes);
  COMPTOIR_RETURN_IF_ERROR(env_.store.Write([&](storage::Transaction& tx) -> Status {
    auto s = tx.sessions().Get(ctx.account(), id);
    if (!s.ok()) return s.status();
    if (s->user_id != ctx.actor.user_id) return NotFound();
    return tx.sessions().SetCsrfToken(ctx.account(), id, token);
  }));
  return token;
}

Status SessionService::End(const Context& ctx, std::int64_t id) {
  return env_.store.Write([&](storage::Transaction& tx) -> Status {
    auto s = tx.sessions().Get(ctx.account(), id);
    if (!s.ok()) return s.status();
    if (s->user_id != ctx.actor.user_id) return NotFound();
    return tx.sessions().Delete(ctx.account(), id);
  });
}

Status SessionService::CheckOwner(const Context& ctx, UserId user) const {
  if (ctx.actor.is_admin() || ctx.actor.user_id == user) return Status::Ok();
  return PermissionDenied("You may only see and end your own sessions");
}

namespace {

// The user must exist in the caller's account (a 404 for anyone else's id).
Status UserExists(storage::Transaction& tx, const Context& ctx, UserId user) {
  auto u = tx.users().Get(ctx.account(), user);
  return u.ok() ? Status::Ok() : u.status();
}

}  // namespace

Result<storage::Page<storage::Session>> SessionService::List(const Context& ctx, UserId user,
                                                             const storage::PageRequest& page) {
  if (user) {
    COMPTOIR_RETURN_IF_ERROR(CheckOwner(ctx, user));
  } else if (!ctx.actor.is_admin()) {
    return PermissionDenied();
  }
  Result<storage::Page<storage::Session>> out = storage::Page<storage::Session>{};
  COMPTOIR_RETURN_IF_ERROR(env_.store.Read([&](storage::Transaction& tx) -> Status {
    if (user) COMPTOIR_RETURN_IF_ERROR(UserExists(tx, ctx, user));
    out = tx.sessions().List(ctx.account(), user, page);
    return Status::Ok();
  }));
  return out;
}

Result<storage::Session> SessionService::Get(const Context& ctx, UserId user, std::int64_t id) {
  COMPTOIR_RETURN_IF_ERROR(CheckOwner(ctx, user));
  Result<storage::Session> out = NotFound();
  COMPTOIR_RETURN_IF_ERROR(env_.store.Read([&](storage::Transaction& tx) -> Status {
    out = tx.sessions().Get(ctx.account(), id);
    if (out.ok() && out->user_id != user) out = NotFound();
    return Status::Ok();
  }));
  return out;
}

Status SessionService::Delete(const Context& ctx, UserId user, std::int64_t id) {
  COMPTOIR_RETURN_IF_ERROR(CheckOwner(ctx, user));
  return env_.store.Write([&](storage::Transaction& tx) -> Status {
    auto s = tx.sessions().Get(ctx.account(), id);
    if (!s.ok()) return s.status();
    if (s->user_id != user) return NotFound();
    COMPTOIR_RETURN_IF_ERROR(tx.sessions().Delete(ctx.account(), id));
    if (user == ctx.actor.user_id) return Status::Ok();
    std::string what = "Session ";
    what += std::to_string(id);
    what += " ended by an admin";
    return RecordAudit(tx, ctx, env_.clock.Now(), "user", user.value, "", "update", what);
  });
}

Status SessionService::DeleteAll(const Context& ctx, UserId user) {
  COMPTOIR_RETURN_IF_ERROR(CheckOwner(ctx, user));
  return env_.store.Write([&](storage::Transaction& tx) -> Status {
    COMPTOIR_RETURN_IF_ERROR(UserExists(tx, ctx, user));
    auto n = tx.sessions().DeleteForUser(ctx.account(), user);
    if (!n.ok()) return n.status();
    if (user == ctx.actor.user_id || *n == 0) return Status::Ok();
    return RecordAudit(tx, ctx, env_.clock.Now(), "user", user.value, "", "update",
                       "All sessions ended by an admin");
  });
}

}  // namespace comptoir::services
