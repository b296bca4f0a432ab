// PasswordResetService: "forgot password" by e-mail (POST /access/password_reset and
// /access/password_reset/confirm).
//
// Request: the same answer whether the address belongs to someone or not. For an active
// user with that e-mail identity, a `password_resets` row (expiry: `lifetime`) and a
// "password_reset_email" job are written in one transaction, so the promised e-mail goes
// out at least once, across a crash. The job mints the token when it sends the e-mail
// (32 random bytes, base64url) and stores only its SHA-256: the token is never at rest in
// the job queue nor in a log. A retried e-mail mints a new token (the older link stops
// working). Throttled per address (kResourceExhausted past `per_address_per_hour`) and
// per e-mail (past `per_email_per_hour` the request is accepted and nothing is sent),
// counted in `sign_in_failures` so that every node shares the counts.
// Confirm: a known, unused, unexpired token of an active user and a password meeting
// UserService::CheckPasswordPolicy → the new password; every reset of that user becomes
// void, their sessions end and their failed sign-ins are forgotten. Thread-safe.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "comptoir/services/auth_service.hpp"
#include "comptoir/services/context.hpp"
#include "comptoir/services/delivery_service.hpp"
#include "comptoir/services/job_queue.hpp"

namespace comptoir::services {

struct PasswordResetOptions {
  std::chrono::seconds lifetime{3600};
  int per_email_per_hour = 3;
  int per_address_per_hour = 20;
  // Where people reach Comptoir: the link is <public_url>/agent/password/reset?token=…
  std::string public_url = "http://localhost:8080";
};

class PasswordResetService {
 public:
  PasswordResetService(ServiceEnv env, JobQueue& queue, DeliveryService& delivery,
                       AuthService& auth, PasswordResetOptions options = {});

  // Registers the "password_reset_email" job handler (before the queue starts).
  void RegisterHandlers();

  // kValidation ("email") for a malformed address; kResourceExhausted (retry-after) when
  // `remote_address` asked too often; Ok otherwise, whether or not a user has the address.
  Status Request(AccountId account, std::string_view email, std::string_view remote_address);
  // kValidation naming "token" (unknown, used, expired) or "password" (the policy).
  Status Confirm(AccountId account, std::string_view token, const std::string& password);

  const PasswordResetOptions& options() const { return options_; }

 private:
  Status HandleEmail(const JobLease& lease);

  ServiceEnv env_;
  JobQueue& queue_;
  DeliveryService& delivery_;
  AuthService& auth_;
  PasswordResetOptions options_;
};

}  // namespace comptoir::services
