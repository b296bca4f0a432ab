#include "comptoir/services/auth_service.hpp"

#include <algorithm>

#include "comptoir/common/crypto.hpp"
#include "comptoir/domain/validation.hpp"

namespace comptoir::services {

namespace {

Status TooManyFailures(int retry_after) {
  Status s(ErrorCode::kResourceExhausted, "Too many failed sign-in attempts", "TooManyRequests");
  s.WithRetryAfter(retry_after);
  return s;
}

}  // namespace

AuthService::AuthService(ServiceEnv env, AuthOptions options)
    : env_(env), options_(options), cache_key_secret_(crypto::RandomToken(32)) {}

Result<domain::Actor> AuthService::ActorOf(storage::Transaction& tx, const domain::User& u) {
  if (u.role == domain::Role::kAgent && u.custom_role_id) {
    auto role = tx.custom_roles().Get(u.account_id, u.custom_role_id);
    if (role.ok()) return domain::ActorFor(u, &*role);
  }
  return domain::ActorFor(u, nullptr);
}

Result<domain::Actor> AuthService::Cached(const std::string& key) {
  std::lock_guard lock(mu_);
  auto it = cache_.find(key);
  if (it == cache_.end()) return Unauthenticated();
  if (it->second.expires < env_.clock.Now()) {
    cache_.erase(it);
    return Unauthenticated();
  }
  return it->second.actor;
}

void AuthService::Remember(const std::string& key, const domain::Actor& actor) {
  std::lock_guard lock(mu_);
  if (cache_.size() > 50000) cache_.clear();
  cache_[key] = {actor, env_.clock.Now() + options_.cache_ttl.count()};
}

void AuthService::Invalidate(UserId user) {
  std::lock_guard lock(mu_);
  std::erase_if(cache_, [&](const auto& kv) { return kv.second.actor.user_id == user; });
}

void AuthService::InvalidateAll() {
  std::lock_guard lock(mu_);
  cache_.clear();
}

// Failed sign-ins are rows in the database, so the limit holds across every node.
// Only the hash of the email is stored.
Status AuthService::CheckThrottle(AccountId account, std::string_view email) {
  const Timestamp now = env_.clock.Now();
  const Timestamp since = now - options_.failure_window.count() + 1;
  const std::string key = crypto::Sha256Hex(email);
  std::int64_t count = 0;
  COMPTOIR_RETURN_IF_ERROR(env_.store.Read([&](storage::Transaction& tx) -> Status {
    auto n = tx.sign_in_failures().CountSince(account, key, since);
    if (!n.ok()) return n.status();
    count = *n;
    return Status::Ok();
  }));
  if (count >= options_.max_failures) {
    return TooManyFailures(static_cast<int>(options_.failure_window.count()));
  }
  return Status::Ok();
}

void AuthService::RecordFailure(AccountId account, std::string_view email) {
  const std::string key = crypto::Sha256Hex(email);
  const Timestamp now = env_.clock.Now();
  (void)env_.store.Write(
      [&](storage::Transaction& tx) { return tx.sign_in_failures().Record(account, key, now); });
}

Result<domain::Actor> AuthService::WithPassword(AccountId account, std::string_view raw_email,
                                                std::string_view password) {
  auto email = domain::NormalizeEmail(raw_email);
  if (!email || password.empty()) return Unauthenticated();
  // The account is part of every cache key: the same email may exist in several accounts.
  std::string key = "pw:";
  key += std::to_string(account.value);
  key += ':';
  key += crypto::Sha256Hex(
      crypto::HmacSha256(cache_key_secret_, *email + '\0' + std::string(password)));
  if (auto hit = Cached(key); hit.ok() && hit->account_id == account) return hit;
  COMPTOIR_RETURN_IF_ERROR(CheckThrottle(account, *email));

  domain::User user;
  domain::Actor actor;
  Status st = env_.store.Read([&](storage::Transaction& tx) -> Status {
    auto id = tx.identities().Find(account, domain::IdentityType::kEmail, *email);
    if (!id.ok()) return Unauthenticated();
    auto u = tx.users().Get(account, id->user_id);
    if (!u.ok()) return Unauthenticated();
    user = std::move(u).value();
    auto a = ActorOf(tx, user);
    if (!a.ok()) return a.status();
    actor = *a;
    return Status::Ok();
  });
  // Argon2 runs outside the read transaction.
  if (!st.ok() || !user.active || user.suspended || user.password_hash.empty() ||
      !crypto::VerifyPassword(user.password_hash, password)) {
    if (st.ok() || st.code() == ErrorCode::kUnauthenticated) RecordFailure(account, *email);
    return st.ok() || st.code() == ErrorCode::kUnauthenticated ? Unauthenticated() : st;
  }
  Remember(key, actor);
  return actor;
}

Result<domain::Actor> AuthService::WithApiToken(AccountId account, std::string_view raw_email,
                                                std::string_view token) {
  auto email = domain::NormalizeEmail(raw_email);
  if (!email || token.size() < 20 || token.size() > 200) return Unauthenticated();
  const std::string hash = crypto::Sha256Hex(token);
  std::string key = "tok:";
  key += std::to_string(account.value);
  key += ':';
  key += *email;
  key += ':';
  key += hash;
  if (auto hit = Cached(key); hit.ok() && hit->account_id == account) return hit;
  COMPTOIR_RETURN_IF_ERROR(CheckThrottle(account, *email));
  domain::Actor actor;
  Status st = env_.store.Read([&](storage::Transaction& tx) -> Status {
    auto t = tx.tokens().FindApiToken(hash);
    if (!t.ok() || !t->active || t->account_id != account) return Unauthenticated();
    auto id = tx.identities().Find(account, domain::IdentityType::kEmail, *email);
    if (!id.ok() || id->user_id != t->user_id) return Unauthenticated();
    auto u = tx.users().Get(account, t->user_id);
    if (!u.ok() || !u->active || u->suspended) return Unauthenticated();
    auto a = ActorOf(tx, *u);
    if (!a.ok()) return a.status();
    actor = *a;
    return Status::Ok();
  });
  if (!st.ok()) {
    if (st.code() == ErrorCode::kUnauthenticated) RecordFailure(account, *email);
    return st;
  }
  Remember(key, actor);
  return actor;
}

Result<domain::Actor> AuthService::WithBearer(AccountId account, std::string_view token) {
  if (token.size() < 20 || token.size() > 200) return Unauthenticated();
  const std::string hash = crypto::Sha256Hex(token);
  std::string key = "bearer:";
  key += std::to_string(account.value);
  key += ':';
  key += hash;
  if (auto hit = Cached(key); hit.ok() && hit->account_id == account) return hit;
  domain::Actor actor;
  Timestamp expires = 0;
  Status st = env_.store.Read([&](storage::Transaction& tx) -> Status {
    auto t = tx.tokens().FindOAuthToken(hash);
    if (!t.ok() || t->account_id != account) return Unauthenticated();
    if (t->expires_at != 0 && t->expires_at <= env_.clock.Now()) return Unauthenticated();
    auto u = tx.users().Get(account, t->user_id);
    if (!u.ok() || !u->active || u->suspended) return Unauthenticated();
    auto a = ActorOf(tx, *u);
    if (!a.ok()) return a.status();
    actor = *a;
    actor.scopes = t->scopes;
    actor.oauth_token_id = t->id.value;
    expires = t->expires_at;
    return Status::Ok();
  });
  if (!st.ok()) return st;
  if (expires == 0 || expires > env_.clock.Now() + options_.cache_ttl.count()) {
    Remember(key, actor);
  }
  return actor;
}

Result<CreatedSecret> AuthService::CreateApiToken(const Context& ctx, UserId user,
                                                  std::string description) {
  if (!ctx.actor.is_admin() && ctx.actor.user_id != user) return PermissionDenied();
  if (description.size() > 255) {
    return Invalid("description", "InvalidValue", "Description: is too long");
  }
  CreatedSecret out;
  out.secret = crypto::RandomAlnum(40);
  Status st = env_.store.Write([&](storage::Transaction& tx) -> Status {
    auto u = tx.users().Get(ctx.account(), user);
    if (!u.ok()) return u.status();
    if (!u->is_staff()) {
      return Invalid("user_id", "InvalidValue", "API tokens can only belong to agents and admins");
    }
    domain::ApiToken t;
    t.account_id = ctx.account();
    t.user_id = user;
    t.token_hash = crypto::Sha256Hex(out.secret);
    t.description = std::move(description);
    t.created_at = env_.clock.Now();
    auto id = tx.tokens().InsertApiToken(t);
    if (!id.ok()) return id.status();
    out.id = id->value;
    return RecordAudit(tx, ctx, t.created_at, "api_token", out.id, t.description, "create",
                       "API token created for user " + std::to_string(user.value));
  });
  if (!st.ok()) return st;
  return out;
}

Result<std::vector<domain::ApiToken>> AuthService::ListApiTokens(const Context& ctx) {
  std::vector<domain::ApiToken> out;
  Status st = env_.store.Read([&](storage::Transaction& tx) -> Status {
    auto all = tx.tokens().ListApiTokens(ctx.account());
    if (!all.ok()) return all.status();
    for (auto& t : *all) {
      if (ctx.actor.is_admin() || t.user_id == ctx.actor.user_id) out.push_back(std::move(t));
    }
    return Status::Ok();
  });
  if (!st.ok()) return st;
  return out;
}

Status AuthService::DeleteApiToken(const Context& ctx, TokenId id) {
  UserId owner;
  Status st = env_.store.Write([&](storage::Transaction& tx) -> Status {
    auto all = tx.tokens().ListApiTokens(ctx.account());
    if (!all.ok()) return all.status();
    auto it = std::find_if(all->begin(), all->end(), [&](const auto& t) { return t.id == id; });
    if (it == all->end() || (!ctx.actor.is_admin() && it->user_id != ctx.actor.user_id)) {
      return NotFound();
    }
    owner = it->user_id;
    COMPTOIR_RETURN_IF_ERROR(tx.tokens().DeleteApiToken(ctx.account(), id));
    return RecordAudit(tx, ctx, env_.clock.Now(), "api_token", id.value, it->description, "destroy",
                       "API token revoked");
  });
  if (st.ok()) Invalidate(owner);
  return st;
}

Result<std::pair<domain::OAuthClient, std::string>> AuthService::CreateClient(
    const Context& ctx, domain::OAuthClient c) {
  if (!ctx.actor.is_admin()) return PermissionDenied();
  Validation v;
  if (c.name.empty()) v.Add("name", "BlankValue", "Name: cannot be blank");
  if (c.identifier.empty()) v.Add("identifier", "BlankValue", "Identifier: cannot be blank");
  COMPTOIR_RETURN_IF_ERROR(v.Finish());
  std::string secret = crypto::RandomToken(32);
  c.account_id = ctx.account();
  c.user_id = ctx.actor.user_id;
  c.secret_hash = crypto::Sha256Hex(secret);
  c.created_at = c.updated_at = env_.clock.Now();
  Status st = env_.store.Write([&](storage::Transaction& tx) -> Status {
    auto id = tx.tokens().InsertClient(c);
    if (!id.ok()) {
      if (id.status().code() == ErrorCode::kAlreadyExists) {
        return Invalid("identifier", "DuplicateValue",
                       "Identifier: " + c.identifier + " has already been taken");
      }
      return id.status();
    }
    c.id = *id;
    return RecordAudit(tx, ctx, c.created_at, "oauth_client", c.id.value, c.name, "create",
                       "OAuth client created");
  });
  if (!st.ok()) return st;
  return std::make_pair(c, secret);
}

Result<domain::OAuthClient> AuthService::UpdateClient(const Context& ctx, domain::OAuthClient c) {
  if (!ctx.actor.is_admin()) return PermissionDenied();
  if (c.name.empty()) return Invalid("name", "BlankValue", "Name: cannot be blank");
  Status st = env_.store.Write([&](storage::Transaction& tx) -> Status {
    c.updated_at = env_.clock.Now();
    return tx.tokens().UpdateClient(c);
  });
  if (!st.ok()) return st;
  return c;
}

Result<domain::OAuthClient> AuthService::GetClient(const Context& ctx, OAuthClientId id) {
  if (!ctx.actor.is_admin()) return PermissionDenied();
  Result<domain::OAuthClient> out = NotFound();
  Status st = env_.store.Read([&](storage::Transaction& tx) {
    out = tx.tokens().GetClient(ctx.account(), id);
    return Status::Ok();
  });
  if (!st.ok()) return st;
  return out;
}

Result<std::vector<domain::OAuthClient>> AuthService::ListClients(const Context& ctx) {
  if (!ctx.actor.is_admin()) return PermissionDenied();
  Result<std::vector<domain::OAuthClient>> out = std::vector<domain::OAuthClient>{};
  Status st = env_.store.Read([&](storage::Transaction& tx) {
    out = tx.tokens().ListClients(ctx.account());
    return Status::Ok();
  });
  if (!st.ok()) return st;
  return out;
}

Status AuthService::DeleteClient(const Context& ctx, OAuthClientId id) {
  if (!ctx.actor.is_admin()) return PermissionDenied();
  Status st = env_.store.Write([&](storage::Transaction& tx) -> Status {
    COMPTOIR_RETURN_IF_ERROR(tx.tokens().DeleteClient(ctx.account(), id));
    return RecordAudit(tx, ctx, env_.clock.Now(), "oauth_client", id.value, "", "destroy",
                       "OAuth client deleted with its tokens");
  });
  if (st.ok()) {
    std::lock_guard lock(mu_);
    cache_.clear();
  }
  return st;
}

Result<std::pair<domain::OAuthToken, std::string>> AuthService::CreateOAuthToken(
    const Context& ctx, OAuthClientId client, UserId user, std::vector<std::string> scopes,
    Timestamp expires_at) {
  if (!ctx.actor.is_admin()) return PermissionDenied();
  static const std::vector<std::string> kKnown = {"read", "write", "impersonate"};
  Validation v;
  if (scopes.empty()) v.Add("scopes", "BlankValue", "Scopes: cannot be blank");
  for (const auto& s : scopes) {
    bool known = std::find(kKnown.begin(), kKnown.end(), s) != kKnown.end();
    auto colon = s.find(':');
    if (!known && (colon == std::string::npos ||
                   (s.substr(colon + 1) != "read" && s.substr(colon + 1) != "write"))) {
      v.Add("scopes", "InvalidValue", "Scopes: " + s + " is not a valid scope");
    }
  }
  if (expires_at != 0 && expires_at <= env_.clock.Now()) {
    v.Add("expires_at", "InvalidValue", "Expires at: must be in the future");
  }
  COMPTOIR_RETURN_IF_ERROR(v.Finish());
  std::string secret = crypto::RandomToken(30);
  domain::OAuthToken t;
  t.account_id = ctx.account();
  t.client_id = client;
  t.user_id = user ? user : ctx.actor.user_id;
  t.token_hash = crypto::Sha256Hex(secret);
  t.scopes = std::move(scopes);
  t.created_at = env_.clock.Now();
  t.expires_at = expires_at;
  Status st = env_.store.Write([&](storage::Transaction& tx) -> Status {
    auto c = tx.tokens().GetClient(ctx.account(), client);
    if (!c.ok()) return Invalid("client_id", "InvalidValue", "Client: does not exist");
    auto u = tx.users().Get(ctx.account(), t.user_id);
    if (!u.ok()) return Invalid("user_id", "InvalidValue", "User: does not exist");
    auto id = tx.tokens().InsertOAuthToken(t);
    if (!id.ok()) return id.status();
    t.id = *id;
    return RecordAudit(tx, ctx, t.created_at, "oauth_token", t.id.value, c->name, "create",
                       "OAuth token created for user " + std::to_string(t.user_id.value));
  });
  if (!st.ok()) return st;
  return std::make_pair(t, secret);
}

Result<domain::OAuthToken> AuthService::GetOAuthToken(const Context& ctx, TokenId id) {
  Result<domain::OAuthToken> out = NotFound();
  Status st = env_.store.Read([&](storage::Transaction& tx) {
    out = tx.tokens().GetOAuthToken(ctx.account(), id);
    return Status::Ok();
  });
  if (!st.ok()) return st;
  if (out.ok() && !ctx.actor.is_admin() && out->user_id != ctx.actor.user_id) return NotFound();
  return out;
}

Result<std::vector<domain::OAuthToken>> AuthService::ListOAuthTokens(const Context& ctx) {
  if (!ctx.actor.is_admin()) return PermissionDenied();
  Result<std::vector<domain::OAuthToken>> out = std::vector<domain::OAuthToken>{};
  Status st = env_.store.Read([&](storage::Transaction& tx) {
    out = tx.tokens().ListOAuthTokens(ctx.account());
    return Status::Ok();
  });
  if (!st.ok()) return st;
  return out;
}

Status AuthService::RevokeOAuthToken(const Context& ctx, TokenId id) {
  Status st = env_.store.Write([&](storage::Transaction& tx) -> Status {
    auto t = tx.tokens().GetOAuthToken(ctx.account(), id);
    if (!t.ok()) return t.status();
    if (!ctx.actor.is_admin() && t->user_id != ctx.actor.user_id) return NotFound();
    COMPTOIR_RETURN_IF_ERROR(tx.tokens().DeleteOAuthToken(ctx.account(), id));
    return RecordAudit(tx, ctx, env_.clock.Now(), "oauth_token", id.value, "", "destroy",
                       "OAuth token revoked");
  });
  if (st.ok()) {
    std::lock_guard lock(mu_);
    cache_.clear();  // the hash is not known here; revocations are rare
  }
  return st;
}

}  // namespace comptoir::services
