// Store and Transaction: the unit of work. Store::Write runs a function inside one
// database transaction and returns only once it is durably committed (or rolled back
// when the function returns an error). Store::Read runs a function on a consistent
// snapshot. Implementations may group concurrent writes into one commit (SQLite), each
// write still being all-or-nothing. Store is thread-safe; a Transaction is not and must
// not escape its function.
#pragma once

#include <functional>
#include <string>

#include "comptoir/common/status.hpp"
#include "comptoir/storage/repositories.hpp"

namespace comptoir::storage {

class Transaction {
 public:
  virtual ~Transaction() = default;
  virtual AccountRepository& accounts() = 0;
  virtual UserRepository& users() = 0;
  virtual IdentityRepository& identities() = 0;
  virtual OrganizationRepository& organizations() = 0;
  virtual OrganizationMembershipRepository& organization_memberships() = 0;
  virtual GroupRepository& groups() = 0;
  virtual GroupMembershipRepository& group_memberships() = 0;
  virtual CustomRoleRepository& custom_roles() = 0;
  virtual CustomFieldRepository& custom_fields() = 0;
  virtual TokenRepository& tokens() = 0;
  virtual JobRepository& jobs() = 0;
  virtual AuditLogRepository& audit_logs() = 0;
  virtual TicketRepository& tickets() = 0;
  virtual CommentRepository& comments() = 0;
  virtual AuditRepository& audits() = 0;
  virtual AttachmentRepository& attachments() = 0;
  virtual TicketFieldRepository& ticket_fields() = 0;
  virtual TicketFormRepository& ticket_forms() = 0;
  virtual SessionRepository& sessions() = 0;
  virtual SignInFailureRepository& sign_in_failures() = 0;
  virtual ClusterRepository& cluster() = 0;
  virtual QueueRepository& queue() = 0;
  virtual TriggerCategoryRepository& trigger_categories() = 0;
  virtual TriggerRepository& triggers() = 0;
  virtual MacroRepository& macros() = 0;
  virtual DeliveryRepository& delivery() = 0;
  virtual ViewRepository& views() = 0;
  virtual AutomationRepository& automations() = 0;
  virtual ScheduleRepository& schedules() = 0;
  virtual SlaRepository& slas() = 0;
  virtual ExportRepository& exports() = 0;
  virtual TicketMetricRepository& ticket_metrics() = 0;
  virtual SearchRepository& search() = 0;
  // Runs `fn` after the transaction commits (never when it rolls back).
  virtual void OnCommit(std::function<void()> fn) = 0;
  // Publishes an event (small JSON text, at most 7 KiB) to the subscribers of every node
  // sharing the database, once the transaction commits (never when it rolls back).
  virtual void Publish(std::string event) = 0;
};

using TxFn = std::function<Status(Transaction&)>;

class Store {
 public:
  virtual ~Store() = default;
  // Applies pending migrations. Safe to call on every start.
  virtual Status Migrate() = 0;
  // Runs fn in a write transaction; fn's error rolls back all it did.
  virtual Status Write(const TxFn& fn) = 0;
  // Runs fn on a read-only snapshot.
  virtual Status Read(const TxFn& fn) = 0;
  // Registers a subscriber to the events published by every node (Transaction::Publish).
  // It is called on a notification thread, in commit order per node; it must be quick.
  // Register subscribers before serving.
  virtual void Subscribe(std::function<void(const std::string& event)> fn) = 0;
  // Cheap liveness check of the database (for /readyz).
  virtual Status Ping() = 0;
  virtual std::string Describe() const = 0;  // "sqlite:/path/comptoir.db" (no secrets)
};

}  // namespace comptoir::storage
