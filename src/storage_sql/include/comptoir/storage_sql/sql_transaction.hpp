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
  void OnCommit(std::function<void()> fn) override { on_commit_.push_back(std::move(fn)); }

  // Moves the collected callbacks out (the adapter runs them after COMMIT).
  std::vector<std::function<void()>> TakeOnCommit() { return std::move(on_commit_); }

 private:
  struct Repos;
  Connection& conn_;
  std::unique_ptr<Repos> repos_;
  std::vector<std::function<void()>> on_commit_;
};

}  // namespace comptoir::sql
