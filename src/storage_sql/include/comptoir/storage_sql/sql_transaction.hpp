// SqlTransaction: the storage::Transaction whose repositories run the shared SQL on one
// Connection. The adapter opens/commits the database transaction around it and runs the
// OnCommit callbacks after a successful commit.
#pragma once

#include <functional>
#include <memory>
#include <vector>

#include "comptoir/storage/store.hpp"
#include "comptoir/storage_sql/connection.hpp"

namespace comptoir::sql {

class SqlTransaction final : public storage::Transaction {
 public:
  explicit SqlTransaction(Connection& conn);
  ~SqlTransaction() override;

  storage::AccountRepository& accounts() override;
  storage::UserRepository& users() override;
  storage::IdentityRepository& identities() override;
  storage::OrganizationRepository& organizations() override;
  storage::OrganizationMembershipRepository& organization_memberships() override;
  storage::GroupRepository& groups() override;
  storage::GroupMembershipRepository& group_memberships() override;
  storage::CustomRoleRepository& custom_roles() override;
  storage::CustomFieldRepository& custom_fields() override;
  storage::TokenRepository& tokens() override;
  storage::JobRepository& jobs() override;
  storage::AuditLogRepository& audit_logs() override;
  storage::TicketRepository& tickets() override;
  storage::CommentRepository& comments() override;
  storage::AuditRepository& audits() override;
  storage::AttachmentRepository& attachments() override;
  storage::TicketFieldRepository& ticket_fields() override;
  storage::TicketFormRepository& ticket_forms() override;
  storage::SessionRepository& sessions() override;
  storage::SignInFailureRepository& sign_in_failures() override;
  storage::ClusterRepository& cluster() override;
  storage::QueueRepository& queue() override;
  storage::TriggerCategoryRepository& trigger_categories() override;
  storage::TriggerRepository& triggers() override;
  storage::MacroRepository& macros() override;
  storage::DeliveryRepository& delivery() override;
  storage::ViewRepository& views() override;
  storage::AutomationRepository& automations() override;
  storage::ScheduleRepository& schedules() override;
  storage::SlaRepository& slas() override;
  storage::ExportRepository& exports() override;
  storage::TicketMetricRepository& ticket_metrics() override;
  storage::SearchRepository& search() override;
  void OnCommit(std::function<void()> fn) override { on_commit_.push_back(std::move(fn)); }
  void Publish(std::string event) override { published_.push_back(std::move(event)); }

  // Moves the collected callbacks out (the adapter runs them after COMMIT).
  std::vector<std::function<void()>> TakeOnCommit() { return std::move(on_commit_); }
  // Moves the published events out (the adapter delivers them: on PostgreSQL with
  // pg_notify before COMMIT, on SQLite to the local subscribers after it).
  std::vector<std::string> TakePublished() { return std::move(published_); }

  // The first failure of the database itself met by any statement of this transaction
  // (kUnavailable: connection or server gone; kAborted: serialization failure or
  // deadlock), Ok when none. It wins over the function's own result: a use case that
  // read "not found" from a lost connection must not answer 422, and a swallowed
  // serialization failure must still be retried. Adapters return it instead.
  Status DatabaseError() const;

 private:
  struct Repos;
  class Guard;
  std::unique_ptr<Guard> guard_;
  std::unique_ptr<Repos> repos_;
  std::vector<std::function<void()>> on_commit_;
  std::vector<std::string> published_;
};

}  // namespace comptoir::sql
