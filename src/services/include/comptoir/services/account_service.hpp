// AccountService: the accounts (tenants) of one server. Creates an account with its
// owner admin and default group, and resolves the account a request addresses from its
// Host header ("acme.example.com" → the account whose subdomain is "acme"; anything
// else → the default account 1). Resolutions are cached in memory, bounded, with a
// short life for misses so that an account created by another process (the CLI, another
// node) is found soon. Thread-safe.
#pragma once

#include <chrono>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "comptoir/services/context.hpp"

namespace comptoir::services {

struct AccountOptions {
  AccountId default_account{1};
  std::chrono::seconds hit_ttl{300};  // subdomain → account id remembered
  std::chrono::seconds miss_ttl{5};   // unknown subdomain remembered
  std::size_t max_entries = 10000;    // the cache is emptied when it grows past this
};

struct NewAccount {
  std::string subdomain;  // empty: no subdomain (the default account)
  std::string name;
  std::string owner_email;
  std::string owner_name = "Owner";
  std::string owner_password;
};

struct CreatedAccount {
  AccountId account;
  UserId owner;
  GroupId group;
};

class AccountService {
 public:
  explicit AccountService(ServiceEnv env, AccountOptions options = {});

  // Creates the account, its owner admin (email identity, password) and its default
  // group "Support", in one transaction. kValidation for an invalid or taken subdomain,
  // a blank name, an invalid owner email or a password that fails the policy.
  static Result<CreatedAccount> Create(storage::Store& store, const Clock& clock,
                                       const NewAccount& in);
  // The same inside `tx`, with the password already hashed (Argon2 runs outside writes).
  static Result<CreatedAccount> CreateInTransaction(storage::Transaction& tx, Timestamp now,
                                                    const NewAccount& in,
                                                    const std::string& password_hash);

  // The account a Host header addresses. Fails only when the database does (kUnavailable).
  Result<AccountId> Resolve(std::string_view host);
  // Forgets every cached resolution (tests; an account's subdomain changed).
  void ForgetResolutions();

 private:
  struct Entry {
    AccountId account;  // the default account for a miss
    Timestamp expires = 0;
  };

  ServiceEnv env_;
  AccountOptions options_;
  std::mutex mu_;
  std::unordered_map<std::string, Entry> cache_;
};

}  // namespace comptoir::services
