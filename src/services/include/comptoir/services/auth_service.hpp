// AuthService: turns credentials into an Actor, and manages API tokens, OAuth clients
// and OAuth access tokens. API and OAuth tokens are random 30-byte secrets stored as
// SHA-256 hashes, so checking one costs one hash and (on a cache miss) one indexed read;
// passwords are Argon2id and a successful check is remembered for a short time under a
// keyed hash, so Basic password auth does not pay Argon2 on every request.
// Failed sign-ins are throttled per email. Thread-safe.
#pragma once

#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "comptoir/services/context.hpp"

namespace comptoir::services {

struct AuthOptions {
  int max_failures = 5;  // per email within the window → 429
  std::chrono::seconds failure_window{300};
  std::chrono::seconds cache_ttl{60};  // verified credentials remembered
};

struct CreatedSecret {
  std::int64_t id = 0;
  std::string secret;  // shown once
};

class AuthService {
 public:
  AuthService(ServiceEnv env, AuthOptions options = {});

  // Each checks that the credential belongs to `account` (the account the request
  // addressed): a user, token or OAuth token of another account is kUnauthenticated.
  // kUnauthenticated for bad credentials; kResourceExhausted (with retry-after) when
  // too many failures for that email; kPermissionDenied for a suspended user.
  Result<domain::Actor> WithPassword(AccountId account, std::string_view email,
                                     std::string_view password);
  Result<domain::Actor> WithApiToken(AccountId account, std::string_view email,
                                     std::string_view token);
  Result<domain::Actor> WithBearer(AccountId account, std::string_view token);

  // API tokens of a user (admins may create for anyone; others for themselves only).
  Result<CreatedSecret> CreateApiToken(const Context& ctx, UserId user, std::string description);
  Result<std::vector<domain::ApiToken>> ListApiTokens(const Context& ctx);
  Status DeleteApiToken(const Context& ctx, TokenId id);

  // OAuth clients (admins).
  Result<std::pair<domain::OAuthClient, std::string>> CreateClient(const Context& ctx,
                                                                   domain::OAuthClient c);
  Result<domain::OAuthClient> UpdateClient(const Context& ctx, domain::OAuthClient c);
  Result<domain::OAuthClient> GetClient(const Context& ctx, OAuthClientId id);
  Result<std::vector<domain::OAuthClient>> ListClients(const Context& ctx);
  Status DeleteClient(const Context& ctx, OAuthClientId id);
  // OAuth access tokens (admins; "current" for anyone signed in with one).
  Result<std::pair<domain::OAuthToken, std::string>> CreateOAuthToken(
      const Context& ctx, OAuthClientId client, UserId user, std::vector<std::string> scopes,
      Timestamp expires_at);
  Result<domain::OAuthToken> GetOAuthToken(const Context& ctx, TokenId id);
  Result<std::vector<domain::OAuthToken>> ListOAuthTokens(const Context& ctx);
  Status RevokeOAuthToken(const Context& ctx, TokenId id);

  // Forget cached credentials of a user (password changed, suspended, merged, deleted).
  void Invalidate(UserId user);
  // Forget every cached credential (a custom role changed what its agents may do).
  void InvalidateAll();
  // Builds the actor of a user (with their custom role) inside a transaction.
  static Result<domain::Actor> ActorOf(storage::Transaction& tx, const domain::User& u);

 private:
  struct CacheEntry {
    domain::Actor actor;
    Timestamp expires = 0;
  };
  Result<domain::Actor> Cached(const std::string& key);
  void Remember(const std::string& key, const domain::Actor& actor);
  Status CheckThrottle(AccountId account, std::string_view email);
  void RecordFailure(AccountId account, std::string_view email);

  ServiceEnv env_;
  AuthOptions options_;
  std::string cache_key_secret_;
  std::mutex mu_;
  std::unordered_map<std::string, CacheEntry> cache_;
};

}  // namespace comptoir::services
