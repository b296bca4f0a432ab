// DeliveryService: every outbound side effect — webhooks, legacy targets, e-mail
// notifications and agent broadcasts — and their administration.
//
// Nothing is sent inside a request: the use case enqueues a job (JobQueue) in its own
// transaction, with an idempotency key, so a 2xx answer means the side effect will
// happen at least once. The job handlers ("email", "webhook", "target") send with
// time-outs; a failure is retried with the queue's back-off.
//  * email: no SMTP server configured → the job is postponed (never lost); a temporary
//    failure (no connection, 4xx) → retried; a permanent one (5xx) → recorded on the
//    ticket's audits ("DeliveryFailure" event) and the job completes. Never sent to a
//    suspended or inactive user, nor to the account's own support address (loop guard).
//  * webhook: each delivery is an invocation with its attempts (status, duration, capped
//    response). 2xx → success; anything else → retried. Circuit breaker, shared by all
//    nodes through the webhook row: after `circuit_failures` consecutive failures the
//    circuit opens for `circuit_cooldown`; its jobs are postponed (no attempt spent) and,
//    once the cool-down is over, one probe goes through (half-open): success closes it,
//    failure opens it again. One delivery per webhook at a time on a node: a hanging
//    endpoint holds one worker at most, its other jobs wait their turn.
#pragma once

#include <boost/json.hpp>
#include <chrono>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "comptoir/rules/rules.hpp"
#include "comptoir/services/context.hpp"
#include "comptoir/services/job_queue.hpp"
#include "comptoir/services/placeholders.hpp"

namespace comptoir::services {

struct DeliveryOptions {
  PlaceholderOptions placeholders;
  std::chrono::milliseconds webhook_connect_timeout{5'000};
  std::chrono::milliseconds webhook_timeout{12'000};
  int circuit_failures = 5;
  std::chrono::seconds circuit_cooldown{60};
  int webhook_max_attempts = 8;
  std::chrono::milliseconds smtp_connect_timeout{10'000};
  std::chrono::milliseconds smtp_timeout{60'000};
  bool smtp_verify_peer = true;
  // No SMTP server configured yet: an e-mail job looks again after this long.
  std::chrono::seconds smtp_unconfigured_wait{30};
  int email_max_attempts = 20;
};

// The answer of POST /webhooks/test.
struct WebhookTestResult {
  int status = 0;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
};

struct WebhookDetail {
  storage::WebhookInvocation invocation;
  std::vector<storage::WebhookAttempt> attempts;
};

class DeliveryService {
 public:
  DeliveryService(ServiceEnv env, JobQueue& queue, DeliveryOptions options = {});

  // Registers the "email", "webhook" and "target" job handlers (before the queue starts).
  void RegisterHandlers();

  // The trigger/automation effect sink: renders the effects' templates against the
  // ticket, resolves recipients and enqueues one job per e-mail and per webhook/target,
  // inside `tx`; appends Zendesk's audit events ("Notification", "WebhookNotification",
  // "External") to `audit_events`.
  Status ApplyEffects(storage::Transaction& tx, const Context& ctx, const domain::Ticket& ticket,
                      const domain::Audit& audit, const std::vector<rules::Effect>& effects,
                      boost::json::array& audit_events);

  // --- webhooks (admins) ---
  Result<storage::Page<storage::Webhook>> ListWebhooks(const Context& ctx,
                                                       const storage::WebhookFilter& filter,
                                                       const storage::PageRequest& page);
  Result<storage::Webhook> GetWebhook(const Context& ctx, std::int64_t id);
  // `in` is the API's webhook object; kValidation (422) names the bad fields.
  Result<storage::Webhook> CreateWebhook(const Context& ctx, const boost::json::object& in);
  // PUT replaces (`patch` false); PATCH changes the fields given.
  Result<storage::Webhook> UpdateWebhook(const Context& ctx, std::int64_t id,
                                         const boost::json::object& in, bool patch);
  Status DeleteWebhook(const Context& ctx, std::int64_t id);
  Result<std::string> SigningSecret(const Context& ctx, std::int64_t id, bool reset);
  // Sends one request now (not queued) and answers what the endpoint said. `request`:
  // {endpoint, http_method, request_format, headers:[{key,value}], payload}; with
  // `webhook_id` the webhook's authentication and secret apply.
  Result<WebhookTestResult> TestWebhook(const Context& ctx, const boost::json::object& request,
                                        std::int64_t webhook_id);
  Result<storage::Page<storage::WebhookInvocation>> ListInvocations(
      const Context& ctx, std::int64_t webhook_id, const storage::PageRequest& page);
  Result<std::vector<storage::WebhookAttempt>> ListAttempts(const Context& ctx,
                                                            std::int64_t webhook_id,
                                                            std::int64_t invocation_id);
  // Enqueues a delivery of `body` (already rendered) to the webhook, inside `tx`.
  Status EnqueueWebhook(storage::Transaction& tx, AccountId account, std::int64_t webhook_id,
                        const std::string& body, const boost::json::object& source,
                        const std::string& idempotency_key);

  // --- targets (admins) ---
  Result<std::vector<storage::Target>> ListTargets(const Context& ctx);
  Result<storage::Target> GetTarget(const Context& ctx, std::int64_t id);
  Result<storage::Target> CreateTarget(const Context& ctx, const boost::json::object& in);
  Result<storage::Target> UpdateTarget(const Context& ctx, std::int64_t id,
                                       const boost::json::object& in);
  Status DeleteTarget(const Context& ctx, std::int64_t id);
  Result<std::vector<storage::TargetFailure>> ListTargetFailures(const Context& ctx);
  Result<storage::TargetFailure> GetTargetFailure(const Context& ctx, std::int64_t id);

  // --- e-mail settings (admins) ---
  // The settings (defaults when never saved).
  Result<storage::EmailSettings> GetEmailSettings(const Context& ctx);
  Result<storage::EmailSettings> UpdateEmailSettings(const Context& ctx,
                                                     const boost::json::object& in);
  static const char* DefaultHtmlTemplate();
  static const char* DefaultTextTemplate();

  // --- agent broadcasts ---
  // Admins: stores the notice for every active agent of `group_ids` (all agents when
  // empty) and enqueues one e-mail per agent.
  Result<storage::Broadcast> CreateBroadcast(const Context& ctx, const std::string& subject,
                                             const std::string& message,
                                             const std::vector<std::int64_t>& group_ids);
  // Staff: the broadcasts addressed to the caller.
  Result<storage::Page<storage::Broadcast>> ListBroadcasts(const Context& ctx,
                                                           const storage::PageRequest& page);
  Status MarkBroadcastRead(const Context& ctx, std::int64_t id);
  // Admins: every broadcast of the account, and removing one (its notices go too).
  Result<storage::Page<storage::Broadcast>> ListAllBroadcasts(const Context& ctx,
                                                              const storage::PageRequest& page);
  Status DeleteBroadcast(const Context& ctx, std::int64_t id);

  // An e-mail job for one recipient, inside `tx` (the recipient checks are done when the
  // job runs, on the user's state then). payload: {to_user_id | to_email, subject, text,
  // html, ticket_id}.
  Status EnqueueEmail(storage::Transaction& tx, AccountId account, const boost::json::object& mail,
                      const std::string& idempotency_key);
  // Sends one e-mail now for the job `lease` holds (what the "email" handler does with its
  // payload): for handlers of other kinds that compose the mail when it is sent. The
  // payload's "message_token" fixes the Message-ID.
  Status SendEmail(const JobLease& lease, const boost::json::object& payload);

 private:
  Status HandleEmail(const JobLease& lease);
  Status HandleWebhook(const JobLease& lease);
  Status HandleTarget(const JobLease& lease);
  Status Postpone(const JobLease& lease, Timestamp until, std::string reason);

  ServiceEnv env_;
  JobQueue& queue_;
  DeliveryOptions options_;
  std::mutex busy_mu_;
  std::set<std::pair<std::int64_t, std::int64_t>> busy_webhooks_;  // (account, webhook)
};

}  // namespace comptoir::services
