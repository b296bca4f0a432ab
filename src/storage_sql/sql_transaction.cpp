#include "comptoir/storage_sql/sql_transaction.hpp"

#include "repos_internal.hpp"

namespace comptoir::sql {

// Passes every statement to the adapter's connection and keeps the first failure of the
// database itself (kUnavailable: the connection or server is gone; kAborted: a
// serialization failure or deadlock), whatever the caller then does with it.
class SqlTransaction::Guard final : public Connection {
 public:
  explicit Guard(Connection& inner) : inner_(inner) {}
  Result<std::vector<Row>> Query(std::string_view sql, const Params& params) override {
    auto r = inner_.Query(sql, params);
    if (!r.ok()) Note(r.status());
    return r;
  }
  Result<std::int64_t> Exec(std::string_view sql, const Params& params) override {
    auto r = inner_.Exec(sql, params);
    if (!r.ok()) Note(r.status());
    return r;
  }
  Status ExecScript(std::string_view sql) override {
    Status st = inner_.ExecScript(sql);
    Note(st);
    return st;
  }
  Dialect dialect() const override { return inner_.dialect(); }
  const Status& first_error() const { return first_error_; }

 private:
  void Note(const Status& st) {
    if (!first_error_.ok()) return;
    if (st.code() == ErrorCode::kUnavailable || st.code() == ErrorCode::kAborted) {
      first_error_ = st;
    }
  }
  Connection& inner_;
  Status first_error_;
};

struct SqlTransaction::Repos {
  explicit Repos(Connection& c)
      : accounts(c),
        users(c),
        identities(c),
        organizations(c),
        org_memberships(c),
        groups(c),
        group_memberships(c),
        custom_roles(c),
        custom_fields(c),
        tokens(c),
        jobs(c),
        audit_logs(c),
        tickets(c),
        comments(c),
        audits(c),
        attachments(c),
        ticket_fields(c),
        ticket_forms(c),
        sessions(c),
        sign_in_failures(c),
        cluster(c),
        queue(c),
        trigger_categories(c),
        triggers(c),
        macros(c),
        delivery(c),
        views(c),
        automations(c),
        schedules(c),
        slas(c),
        exports(c),
        ticket_metrics(c),
        search(c) {}
  SqlAccounts accounts;
  SqlUsers users;
  SqlIdentities identities;
  SqlOrganizations organizations;
  SqlOrganizationMemberships org_memberships;
  SqlGroups groups;
  SqlGroupMemberships group_memberships;
  SqlCustomRoles custom_roles;
  SqlCustomFields custom_fields;
  SqlTokens tokens;
  SqlJobs jobs;
  SqlAuditLogs audit_logs;
  SqlTickets tickets;
  SqlComments comments;
  SqlAudits audits;
  SqlAttachments attachments;
  SqlTicketFields ticket_fields;
  SqlTicketForms ticket_forms;
  SqlSessions sessions;
  SqlSignInFailures sign_in_failures;
  SqlCluster cluster;
  SqlQueue queue;
  SqlTriggerCategories trigger_categories;
  SqlTriggers triggers;
  SqlMacros macros;
  SqlDelivery delivery;
  SqlViews views;
  SqlAutomations automations;
  SqlSchedules schedules;
  SqlSlas slas;
  SqlExports exports;
  SqlTicketMetrics ticket_metrics;
  SqlSearch search;
};

SqlTransaction::SqlTransaction(Connection& conn)
    : guard_(std::make_unique<Guard>(conn)), repos_(std::make_unique<Repos>(*guard_)) {}

Status SqlTransaction::DatabaseError() const { return guard_->first_error(); }
SqlTransaction::~SqlTransaction() = default;

storage::SessionRepository& SqlTransaction::sessions() { return repos_->sessions; }
storage::SignInFailureRepository& SqlTransaction::sign_in_failures() {
  return repos_->sign_in_failures;
}
storage::ClusterRepository& SqlTransaction::cluster() { return repos_->cluster; }
storage::QueueRepository& SqlTransaction::queue() { return repos_->queue; }
storage::DeliveryRepository& SqlTransaction::delivery() { return repos_->delivery; }
storage::AccountRepository& SqlTransaction::accounts() { return repos_->accounts; }
storage::UserRepository& SqlTransaction::users() { return repos_->users; }
storage::IdentityRepository& SqlTransaction::identities() { return repos_->identities; }
storage::OrganizationRepository& SqlTransaction::organizations() { return repos_->organizations; }
storage::OrganizationMembershipRepository& SqlTransaction::organization_memberships() {
  return repos_->org_memberships;
}
storage::GroupRepository& SqlTransaction::groups() { return repos_->groups; }
storage::GroupMembershipRepository& SqlTransaction::group_memberships() {
  return repos_->group_memberships;
}
storage::CustomRoleRepository& SqlTransaction::custom_roles() { return repos_->custom_roles; }
storage::CustomFieldRepository& SqlTransaction::custom_fields() { return repos_->custom_fields; }
storage::TokenRepository& SqlTransaction::tokens() { return repos_->tokens; }
storage::JobRepository& SqlTransaction::jobs() { return repos_->jobs; }
storage::AuditLogRepository& SqlTransaction::audit_logs() { return repos_->audit_logs; }
storage::TicketRepository& SqlTransaction::tickets() { return repos_->tickets; }
storage::CommentRepository& SqlTransaction::comments() { return repos_->comments; }
storage::AuditRepository& SqlTransaction::audits() { return repos_->audits; }
storage::AttachmentRepository& SqlTransaction::attachments() { return repos_->attachments; }
storage::TicketFieldRepository& SqlTransaction::ticket_fields() { return repos_->ticket_fields; }
storage::TicketFormRepository& SqlTransaction::ticket_forms() { return repos_->ticket_forms; }
storage::TriggerCategoryRepository& SqlTransaction::trigger_categories() {
  return repos_->trigger_categories;
}
storage::TriggerRepository& SqlTransaction::triggers() { return repos_->triggers; }
storage::MacroRepository& SqlTransaction::macros() { return repos_->macros; }
storage::ViewRepository& SqlTransaction::views() { return repos_->views; }
storage::AutomationRepository& SqlTransaction::automations() { return repos_->automations; }
storage::ScheduleRepository& SqlTransaction::schedules() { return repos_->schedules; }
storage::SlaRepository& SqlTransaction::slas() { return repos_->slas; }
storage::ExportRepository& SqlTransaction::exports() { return repos_->exports; }
storage::TicketMetricRepository& SqlTransaction::ticket_metrics() { return repos_->ticket_metrics; }
storage::SearchRepository& SqlTransaction::search() { return repos_->search; }

}  // namespace comptoir::sql
