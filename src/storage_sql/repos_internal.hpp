// Private: the SQL repository classes behind SqlTransaction.
#pragma once

#include "comptoir/storage/repositories.hpp"
#include "comptoir/storage_sql/connection.hpp"

namespace comptoir::sql {

using namespace comptoir::storage;  // NOLINT(google-build-using-namespace): private header

class SqlAccounts final : public AccountRepository {
 public:
  explicit SqlAccounts(Connection& c) : c_(c) {}
  Result<Account> Get(AccountId id) override;
  Result<Account> FindBySubdomain(std::string_view subdomain) override;
  Result<std::vector<Account>> List() override;
  Result<AccountId> Insert(const Account& a) override;
  Status Update(const Account& a) override;

 private:
  Connection& c_;
};

class SqlUsers final : public UserRepository {
 public:
  explicit SqlUsers(Connection& c) : c_(c) {}
  Result<domain::User> Get(AccountId account, UserId id) override;
  Result<std::vector<domain::User>> GetMany(AccountId account,
                                            const std::vector<UserId>& ids) override;
  Result<domain::User> FindByExternalId(AccountId account, std::string_view ext) override;
  Result<Page<domain::User>> List(AccountId account, const UserFilter& filter,
                                  const PageRequest& page) override;
  Result<std::int64_t> Count(AccountId account, const UserFilter& filter) override;
  Result<UserId> Insert(const domain::User& u) override;
  Status Update(const domain::User& u) override;
  Status Delete(AccountId account, UserId id) override;

 private:
  Connection& c_;
};

class SqlIdentities final : public IdentityRepository {
 public:
  explicit SqlIdentities(Connection& c) : c_(c) {}
  Result<domain::Identity> Get(AccountId account, IdentityId id) override;
  Result<std::vector<domain::Identity>> ListForUser(AccountId account, UserId user) override;
  Result<std::vector<domain::Identity>> ListForUsers(AccountId account,
                                                     const std::vector<UserId>& users) override;
  Result<domain::Identity> Find(AccountId account, domain::IdentityType type,
                                std::string_view value) override;
  Result<IdentityId> Insert(const domain::Identity& i) override;
  Status Update(const domain::Identity& i) override;
  Status Delete(AccountId account, IdentityId id) override;

 private:
  Connection& c_;
};

class SqlOrganizations final : public OrganizationRepository {
 public:
  explicit SqlOrganizations(Connection& c) : c_(c) {}
  Result<domain::Organization> Get(AccountId account, OrganizationId id) override;
  Result<std::vector<domain::Organization>> GetMany(
      AccountId account, const std::vector<OrganizationId>& ids) override;
  Result<domain::Organization> FindByDomain(AccountId account, std::string_view domain) override;
  Result<Page<domain::Organization>> List(AccountId account, const OrganizationFilter& filter,
                                          const PageRequest& page) override;
  Result<std::int64_t> Count(AccountId account, const OrganizationFilter& filter) override;
  Result<OrganizationId> Insert(const domain::Organization& o) override;
  Status Update(const domain::Organization& o) override;
  Status Delete(AccountId account, OrganizationId id) override;

 private:
  Status WriteDomains(const domain::Organization& o);
  Connection& c_;
};

class SqlOrganizationMemberships final : public OrganizationMembershipRepository {
 public:
  explicit SqlOrganizationMemberships(Connection& c) : c_(c) {}
  Result<domain::OrganizationMembership> Get(AccountId account,
                                             OrganizationMembershipId id) override;
  Result<domain::OrganizationMembership> Find(AccountId account, UserId user,
                                              OrganizationId org) override;
  Result<Page<domain::OrganizationMembership>> List(AccountId account,
                                                    const MembershipFilter& filter,
                                                    const PageRequest& page) override;
  Result<OrganizationMembershipId> Insert(const domain::OrganizationMembership& m) override;
  Status Update(const domain::OrganizationMembership& m) override;
  Status Delete(AccountId account, OrganizationMembershipId id) override;

 private:
  Connection& c_;
};

class SqlGroups final : public GroupRepository {
 public:
  explicit SqlGroups(Connection& c) : c_(c) {}
  Result<domain::Group> Get(AccountId account, GroupId id) override;
  Result<std::vector<domain::Group>> GetMany(AccountId account,
                                             const std::vector<GroupId>& ids) override;
  Result<Page<domain::Group>> List(AccountId account, const GroupFilter& filter,
                                   const PageRequest& page) override;
  Result<std::int64_t> Count(AccountId account, const GroupFilter& filter) override;
  Result<GroupId> Insert(const domain::Group& g) override;
  Status Update(const domain::Group& g) override;

 private:
  Connection& c_;
};

class SqlGroupMemberships final : public GroupMembershipRepository {
 public:
  explicit SqlGroupMemberships(Connection& c) : c_(c) {}
  Result<domain::GroupMembership> Get(AccountId account, GroupMembershipId id) override;
  Result<domain::GroupMembership> Find(AccountId account, UserId user, GroupId group) override;
  Result<Page<domain::GroupMembership>> List(AccountId account, const MembershipFilter& filter,
                                             const PageRequest& page) override;
  Result<GroupMembershipId> Insert(const domain::GroupMembership& m) override;
  Status Update(const domain::GroupMembership& m) override;
  Status Delete(AccountId account, GroupMembershipId id) override;

 private:
  Connection& c_;
};

class SqlCustomRoles final : public CustomRoleRepository {
 public:
  explicit SqlCustomRoles(Connection& c) : c_(c) {}
  Result<domain::CustomRole> Get(AccountId account, CustomRoleId id) override;
  Result<std::vector<domain::CustomRole>> List(AccountId account) override;
  Result<CustomRoleId> Insert(const domain::CustomRole& r) override;
  Status Update(const domain::CustomRole& r) override;
  Status Delete(AccountId account, CustomRoleId id) override;

 private:
  Connection& c_;
};

class SqlCustomFields final : public CustomFieldRepository {
 public:
  explicit SqlCustomFields(Connection& c) : c_(c) {}
  Result<domain::CustomField> Get(AccountId account, domain::FieldOwner owner, FieldId id) override;
  Result<std::vector<domain::CustomField>> List(AccountId account,
                                                domain::FieldOwner owner) override;
  Result<FieldId> Insert(const domain::CustomField& f) override;
  Status Update(const domain::CustomField& f) override;
  Status Delete(AccountId account, domain::FieldOwner owner, FieldId id) override;

 private:
  Connection& c_;
};

class SqlTokens final : public TokenRepository {
 public:
  explicit SqlTokens(Connection& c) : c_(c) {}
  Result<domain::ApiToken> FindApiToken(std::string_view token_hash) override;
  Result<std::vector<domain::ApiToken>> ListApiTokens(AccountId account) override;
  Result<TokenId> InsertApiToken(const domain::ApiToken& t) override;
  Status DeleteApiToken(AccountId account, TokenId id) override;
  Result<domain::OAuthClient> GetClient(AccountId account, OAuthClientId id) override;
  Result<std::vector<domain::OAuthClient>> ListClients(AccountId account) override;
  Result<OAuthClientId> InsertClient(const domain::OAuthClient& c) override;
  Status UpdateClient(const domain::OAuthClient& c) override;
  Status DeleteClient(AccountId account, OAuthClientId id) override;
  Result<domain::OAuthToken> FindOAuthToken(std::string_view token_hash) override;
  Result<domain::OAuthToken> GetOAuthToken(AccountId account, TokenId id) override;
  Result<std::vector<domain::OAuthToken>> ListOAuthTokens(AccountId account) override;
  Result<TokenId> InsertOAuthToken(const domain::OAuthToken& t) override;
  Status DeleteOAuthToken(AccountId account, TokenId id) override;

 private:
  Connection& c_;
};

class SqlJobs final : public JobRepository {
 public:
  explicit SqlJobs(Connection& c) : c_(c) {}
  Result<domain::JobStatus> Get(AccountId account, std::string_view id) override;
  Result<std::vector<domain::JobStatus>> List(AccountId account, int limit) override;
  Status Insert(const domain::JobStatus& j) override;
  Status Update(const domain::JobStatus& j) override;
  Result<std::vector<domain::JobStatus>> ListUnfinished(int limit) override;

 private:
  Connection& c_;
};

class SqlSessions final : public SessionRepository {
 public:
  explicit SqlSessions(Connection& c) : c_(c) {}
  Result<Session> FindByTokenHash(std::string_view token_hash) override;
  Result<Session> Get(AccountId account, std::int64_t id) override;
  Result<std::vector<Session>> ListForUser(AccountId account, UserId user) override;
  Result<Page<Session>> List(AccountId account, UserId user, const PageRequest& page) override;
  Result<std::int64_t> Insert(const Session& s) override;
  Status Touch(AccountId account, std::int64_t id, Timestamp last_seen_at,
               Timestamp expires_at) override;
  Status SetCsrfToken(AccountId account, std::int64_t id, std::string_view csrf_token) override;
  Status Delete(AccountId account, std::int64_t id) override;
  Result<std::int64_t> DeleteForUser(AccountId account, UserId user) override;
  Result<std::int64_t> DeleteExpired(Timestamp now) override;
  Result<std::int64_t> InsertPasswordReset(const PasswordReset& r) override;
  Result<PasswordReset> GetPasswordReset(AccountId account, std::int64_t id) override;
  Result<PasswordReset> FindPasswordReset(std::string_view token_hash) override;
  Status SetPasswordResetToken(AccountId account, std::int64_t id,
                               std::string_view token_hash) override;
  Status UsePasswordReset(AccountId account, std::int64_t id, Timestamp now) override;
  Result<std::int64_t> UsePasswordResets(AccountId account, UserId user, Timestamp now) override;
  Result<std::int64_t> DeletePasswordResetsBefore(Timestamp expires_before) override;

 private:
  Connection& c_;
};

class SqlSignInFailures final : public SignInFailureRepository {
 public:
  explicit SqlSignInFailures(Connection& c) : c_(c) {}
  Status Record(AccountId account, std::string_view key_hash, Timestamp at) override;
  Result<std::int64_t> CountSince(AccountId account, std::string_view key_hash,
                                  Timestamp since) override;
  Status Clear(AccountId account, std::string_view key_hash) override;
  Result<std::int64_t> DeleteBefore(Timestamp before) override;

 private:
  Connection& c_;
};

class SqlCluster final : public ClusterRepository {
 public:
  explicit SqlCluster(Connection& c) : c_(c) {}
  Status Heartbeat(const ClusterNode& node) override;
  Result<std::vector<ClusterNode>> ListNodes() override;
  Status RemoveNode(std::string_view id) override;
  Result<std::int64_t> RemoveNodesBefore(Timestamp heartbeat_before) override;
  Result<bool> ClaimPeriod(std::string_view task, Timestamp period_start, std::string_view node_id,
                           Timestamp now) override;
  Status FinishPeriod(std::string_view task, Timestamp period_start, Timestamp now) override;
  Result<std::vector<PeriodRun>> ListPeriods(std::string_view task, int limit) override;

 private:
  Connection& c_;
};

class SqlQueue final : public QueueRepository {
 public:
  explicit SqlQueue(Connection& c) : c_(c) {}
  Result<std::int64_t> Enqueue(const QueuedJob& j) override;
  Result<std::vector<QueuedJob>> Lease(std::string_view node, Timestamp now, Timestamp lease_until,
                                       int limit) override;
  Result<bool> AnyReady(Timestamp now) override;
  Status Renew(std::int64_t id, std::string_view node, Timestamp lease_until) override;
  Status Complete(std::int64_t id, std::string_view node, Timestamp now) override;
  Status Fail(std::int64_t id, std::string_view node, Timestamp run_at, std::string_view error,
              Timestamp now) override;
  Result<QueuedJob> Get(AccountId account, std::int64_t id) override;
  Status RenewAll(std::string_view node, Timestamp lease_until) override;
  Status Release(std::int64_t id, std::string_view node, Timestamp now) override;
  Result<Page<QueuedJob>> List(AccountId account, std::string_view status,
                               const PageRequest& page) override;
  Status Retry(AccountId account, std::int64_t id, Timestamp now) override;
  Status Delete(AccountId account, std::int64_t id) override;
  Result<std::int64_t> PurgeDone(Timestamp before) override;
  Status Postpone(std::int64_t id, std::string_view node, Timestamp run_at, std::string_view reason,
                  Timestamp now) override;

 private:
  Connection& c_;
};

class SqlAuditLogs final : public AuditLogRepository {
 public:
  explicit SqlAuditLogs(Connection& c) : c_(c) {}
  Status Insert(const domain::AuditLogEntry& e) override;
  Result<Page<domain::AuditLogEntry>> List(AccountId account, std::string_view source_type,
                                           std::int64_t source_id,
                                           const PageRequest& page) override;

 private:
  Connection& c_;
};

class SqlTickets final : public TicketRepository {
 public:
  explicit SqlTickets(Connection& c) : c_(c) {}
  Result<domain::Ticket> Get(AccountId account, TicketId id) override;
  Result<std::vector<domain::Ticket>> GetMany(AccountId account,
                                              const std::vector<TicketId>& ids) override;
  Result<Page<domain::Ticket>> List(AccountId account, const TicketFilter& filter,
                                    const PageRequest& page) override;
  Result<std::int64_t> Count(AccountId account, const TicketFilter& filter) override;
  Result<TicketId> Insert(const domain::Ticket& t) override;
  Status Update(const domain::Ticket& t) override;
  Status Delete(AccountId account, TicketId id) override;
  Result<std::vector<std::pair<std::string, std::int64_t>>> TagCounts(AccountId account,
                                                                      int limit) override;
  Status ReassignUser(AccountId account, UserId from, UserId to) override;
  Result<Page<domain::Ticket>> ListMatching(AccountId account, const TicketQuery& q,
                                            const PageRequest& page) override;
  Result<std::int64_t> CountMatching(AccountId account, const TicketQuery& q) override;
  Result<std::vector<TicketId>> MatchingIds(AccountId account, const TicketQuery& q,
                                            std::int64_t limit) override;

 private:
  Status WriteSideTables(const domain::Ticket& t);
  Connection& c_;
};

class SqlComments final : public CommentRepository {
 public:
  explicit SqlComments(Connection& c) : c_(c) {}
  Result<domain::Comment> Get(AccountId account, CommentId id) override;
  Result<Page<domain::Comment>> ListForTicket(AccountId account, TicketId ticket, bool public_only,
                                              const PageRequest& page) override;
  Result<std::vector<domain::Comment>> ListForAudits(AccountId account,
                                                     const std::vector<AuditId>& audits) override;
  Result<CommentId> Insert(const domain::Comment& c) override;
  Status Update(const domain::Comment& c) override;
  Status ReassignAuthor(AccountId account, UserId from, UserId to) override;

 private:
  Connection& c_;
};

class SqlAudits final : public AuditRepository {
 public:
  explicit SqlAudits(Connection& c) : c_(c) {}
  Result<domain::Audit> Get(AccountId account, AuditId id) override;
  Result<Page<domain::Audit>> List(AccountId account, TicketId ticket,
                                   const PageRequest& page) override;
  Result<AuditId> Insert(const domain::Audit& a) override;
  Status Update(const domain::Audit& a) override;

 private:
  Connection& c_;
};

class SqlAttachments final : public AttachmentRepository {
 public:
  explicit SqlAttachments(Connection& c) : c_(c) {}
  Result<domain::Attachment> Get(AccountId account, AttachmentId id) override;
  Result<std::vector<domain::Attachment>> ListByToken(AccountId account,
                                                      std::string_view token) override;
  Result<std::vector<domain::Attachment>> ListForComments(
      AccountId account, const std::vector<CommentId>& comments) override;
  Result<AttachmentId> Insert(const domain::Attachment& a) override;
  Status Update(const domain::Attachment& a) override;
  Status Delete(AccountId account, AttachmentId id) override;
  Result<std::int64_t> CountByHash(std::string_view content_hash) override;
  Result<std::vector<domain::Attachment>> ListForTicket(AccountId account,
                                                        TicketId ticket) override;
  Result<std::vector<domain::Attachment>> ListUnclaimedBefore(Timestamp before, int limit) override;

 private:
  Connection& c_;
};

// Implemented in ticket_fields_sql.cpp.
class SqlTicketFields final : public TicketFieldRepository {
 public:
  explicit SqlTicketFields(Connection& c) : c_(c) {}
  Result<domain::TicketField> Get(AccountId account, TicketFieldId id) override;
  Result<std::vector<domain::TicketField>> List(AccountId account) override;
  Result<TicketFieldId> Insert(const domain::TicketField& f) override;
  Status Update(const domain::TicketField& f) override;
  Status Delete(AccountId account, TicketFieldId id) override;

 private:
  Connection& c_;
};

class SqlTicketForms final : public TicketFormRepository {
 public:
  explicit SqlTicketForms(Connection& c) : c_(c) {}
  Result<domain::TicketForm> Get(AccountId account, TicketFormId id) override;
  Result<std::vector<domain::TicketForm>> List(AccountId account) override;
  Result<TicketFormId> Insert(const domain::TicketForm& f) override;
  Status Update(const domain::TicketForm& f) override;
  Status Delete(AccountId account, TicketFormId id) override;

 private:
  Connection& c_;
};

// Implemented in triggers_sql.cpp.
class SqlTriggerCategories final : public TriggerCategoryRepository {
 public:
  explicit SqlTriggerCategories(Connection& c) : c_(c) {}
  Result<domain::TriggerCategory> Get(AccountId account, domain::TriggerCategoryId id) override;
  Result<std::vector<domain::TriggerCategory>> List(AccountId account) override;
  Result<domain::TriggerCategoryId> Insert(const domain::TriggerCategory& c) override;
  Status Update(const domain::TriggerCategory& c) override;
  Status Delete(AccountId account, domain::TriggerCategoryId id) override;

 private:
  Connection& c_;
};

class SqlViews final : public ViewRepository {
 public:
  explicit SqlViews(Connection& c) : c_(c) {}
  Result<domain::View> Get(AccountId account, domain::ViewId id) override;
  Result<std::vector<domain::View>> List(AccountId account) override;
  Result<domain::ViewId> Insert(const domain::View& v) override;
  Status Update(const domain::View& v) override;
  Status Delete(AccountId account, domain::ViewId id) override;

 private:
  Connection& c_;
};

class SqlTriggers final : public TriggerRepository {
 public:
  explicit SqlTriggers(Connection& c) : c_(c) {}
  Result<domain::Trigger> Get(AccountId account, domain::TriggerId id) override;
  Result<std::vector<domain::Trigger>> List(AccountId account) override;
  Result<domain::TriggerId> Insert(const domain::Trigger& t) override;
  Status Update(const domain::Trigger& t) override;
  Status Delete(AccountId account, domain::TriggerId id) override;
  Result<std::int64_t> CountInCategory(AccountId account,
                                       domain::TriggerCategoryId category) override;

 private:
  Connection& c_;
};

// Implemented in macros_sql.cpp.
class SqlMacros final : public MacroRepository {
 public:
  explicit SqlMacros(Connection& c) : c_(c) {}
  Result<domain::Macro> Get(AccountId account, domain::MacroId id) override;
  Result<std::vector<domain::Macro>> List(AccountId account) override;
  Result<domain::MacroId> Insert(const domain::Macro& m) override;
  Status Update(const domain::Macro& m) override;
  Status Delete(AccountId account, domain::MacroId id) override;
  Status CountUse(AccountId account, domain::MacroId id) override;

 private:
  Connection& c_;
};

class SqlDelivery final : public DeliveryRepository {
 public:
  explicit SqlDelivery(Connection& c) : c_(c) {}
  Result<Webhook> GetWebhook(AccountId account, std::int64_t id) override;
  Result<Page<Webhook>> ListWebhooks(AccountId account, const WebhookFilter& filter,
                                     const PageRequest& page) override;
  Result<std::int64_t> InsertWebhook(const Webhook& w) override;
  Status UpdateWebhook(const Webhook& w) override;
  Status DeleteWebhook(AccountId account, std::int64_t id) override;
  Status SetWebhookCircuit(AccountId account, std::int64_t id, int consecutive_failures,
                           Timestamp open_until) override;
  Result<std::int64_t> InsertInvocation(const WebhookInvocation& i) override;
  Status UpdateInvocation(const WebhookInvocation& i) override;
  Result<WebhookInvocation> GetInvocation(AccountId account, std::int64_t id) override;
  Result<Page<WebhookInvocation>> ListInvocations(AccountId account, std::int64_t webhook_id,
                                                  const PageRequest& page) override;
  Result<std::int64_t> InsertAttempt(const WebhookAttempt& a) override;
  Result<std::vector<WebhookAttempt>> ListAttempts(AccountId account,
                                                   std::int64_t invocation_id) override;
  Result<Target> GetTarget(AccountId account, std::int64_t id) override;
  Result<std::vector<Target>> ListTargets(AccountId account) override;
  Result<std::int64_t> InsertTarget(const Target& t) override;
  Status UpdateTarget(const Target& t) override;
  Status DeleteTarget(AccountId account, std::int64_t id) override;
  Result<std::int64_t> InsertTargetFailure(const TargetFailure& f) override;
  Result<TargetFailure> GetTargetFailure(AccountId account, std::int64_t id) override;
  Result<std::vector<TargetFailure>> ListTargetFailures(AccountId account, int limit) override;
  Result<EmailSettings> GetEmailSettings(AccountId account) override;
  Status PutEmailSettings(const EmailSettings& s) override;
  Status RecordSentEmail(const SentEmail& e) override;
  Result<std::vector<SentEmail>> ListSentEmails(AccountId account, TicketId ticket,
                                                int limit) override;
  Result<std::int64_t> InsertBroadcast(const Broadcast& b,
                                       const std::vector<UserId>& recipients) override;
  Result<Broadcast> GetBroadcast(AccountId account, std::int64_t id) override;
  Result<Page<Broadcast>> ListBroadcastsFor(AccountId account, UserId user,
                                            const PageRequest& page) override;
  Status MarkBroadcastRead(AccountId account, std::int64_t id, UserId user, Timestamp at) override;
  Result<Page<Broadcast>> ListAllBroadcasts(AccountId account, const PageRequest& page) override;
  Status DeleteBroadcast(AccountId account, std::int64_t id) override;

 private:
  Connection& c_;
};

class SqlAutomations final : public AutomationRepository {
 public:
  explicit SqlAutomations(Connection& c) : c_(c) {}
  Result<domain::Automation> Get(AccountId account, domain::AutomationId id) override;
  Result<std::vector<domain::Automation>> List(AccountId account) override;
  Result<domain::AutomationId> Insert(const domain::Automation& a) override;
  Status Update(const domain::Automation& a) override;
  Status Delete(AccountId account, domain::AutomationId id) override;
  Result<bool> HasFired(AccountId account, domain::AutomationId automation, TicketId ticket,
                        Timestamp updated_at) override;
  Result<bool> RecordFiring(const AutomationFiring& f) override;
  Result<std::int64_t> CountFirings(AccountId account, domain::AutomationId automation) override;

 private:
  Connection& c_;
};

class SqlSchedules final : public ScheduleRepository {
 public:
  explicit SqlSchedules(Connection& c) : c_(c) {}
  Result<ScheduleRecord> Get(AccountId account, std::int64_t id) override;
  Result<std::vector<ScheduleRecord>> List(AccountId account) override;
  Result<std::int64_t> Insert(const ScheduleRecord& s) override;
  Status Update(const ScheduleRecord& s) override;
  Status Delete(AccountId account, std::int64_t id) override;
  Result<std::vector<ScheduleHoliday>> ListHolidays(AccountId account,
                                                    std::int64_t schedule) override;
  Result<ScheduleHoliday> GetHoliday(AccountId account, std::int64_t schedule,
                                     std::int64_t id) override;
  Result<std::int64_t> InsertHoliday(const ScheduleHoliday& h) override;
  Status UpdateHoliday(const ScheduleHoliday& h) override;
  Status DeleteHoliday(AccountId account, std::int64_t schedule, std::int64_t id) override;

 private:
  Connection& c_;
};

// --- incremental exports and ticket metric sets (exports_sql.cpp) ---

// Shared with tickets_sql.cpp: the ticket columns and row mapping, the audit ones, and
// the WHERE clause of a TicketFilter.
extern const char* const kTicketColumns;
domain::Ticket MapTicket(const Row& r);
extern const char* const kAuditColumns;
domain::Audit MapTicketAudit(const Row& r);
std::string TicketWhere(AccountId account, const TicketFilter& f, Params& params);

class SqlExports final : public ExportRepository {
 public:
  explicit SqlExports(Connection& c) : c_(c) {}
  Result<std::vector<domain::Ticket>> Tickets(AccountId account, const ExportQuery& q) override;
  Result<std::vector<domain::User>> Users(AccountId account, const ExportQuery& q) override;
  Result<std::vector<domain::Organization>> Organizations(AccountId account,
                                                          const ExportQuery& q) override;
  Result<std::vector<domain::Audit>> Audits(AccountId account, const ExportQuery& q) override;
  Result<std::vector<domain::TicketMetricEvent>> MetricEvents(AccountId account,
                                                              const ExportQuery& q) override;

 private:
  Connection& c_;
};

// Implemented in slas_sql.cpp.
class SqlSlas final : public SlaRepository {
 public:
  explicit SqlSlas(Connection& c) : c_(c) {}
  Result<domain::SlaPolicy> GetPolicy(AccountId account, domain::SlaPolicyId id) override;
  Result<std::vector<domain::SlaPolicy>> ListPolicies(AccountId account) override;
  Result<domain::SlaPolicyId> InsertPolicy(const domain::SlaPolicy& p) override;
  Status UpdatePolicy(const domain::SlaPolicy& p) override;
  Status DeletePolicy(AccountId account, domain::SlaPolicyId id) override;
  Result<domain::TicketSlaRecord> GetTicketSla(AccountId account, TicketId ticket) override;
  Status SaveTicketSla(const domain::TicketSlaRecord& r) override;
  Result<std::vector<domain::TicketSlaRecord>> ListOpenTicketSlas(
      AccountId account, TicketId after, int limit,
      const std::vector<std::int64_t>& schedules) override;
  Status InsertMetricEvent(const domain::TicketMetricEvent& e) override;
  Result<std::vector<domain::TicketMetricEvent>> ListMetricEvents(AccountId account,
                                                                  Timestamp start_time,
                                                                  int limit) override;
  Result<std::vector<domain::TicketMetricEvent>> ListTicketMetricEvents(AccountId account,
                                                                        TicketId ticket) override;

 private:
  Connection& c_;
};

class SqlTicketMetrics final : public TicketMetricRepository {
 public:
  explicit SqlTicketMetrics(Connection& c) : c_(c) {}
  Result<domain::TicketMetricSet> Get(AccountId account, std::int64_t id) override;
  Result<domain::TicketMetricSet> ForTicket(AccountId account, TicketId ticket) override;
  Result<std::vector<domain::TicketMetricSet>> ForTickets(
      AccountId account, const std::vector<TicketId>& tickets) override;
  Result<Page<domain::TicketMetricSet>> List(AccountId account, const TicketFilter& filter,
                                             const PageRequest& page) override;
  Result<std::int64_t> Put(const domain::TicketMetricSet& m) override;

 private:
  Connection& c_;
};

// The WHERE of a ticket list (unqualified columns of `tickets`): account, live or
// deleted, the TicketFilter's fields and its access restriction (tickets_sql.cpp).
std::string TicketAccessWhere(AccountId account, const TicketFilter& f, Params& params);

// Full-text search (search_sql.cpp): FTS5 on SQLite, tsvector + GIN on PostgreSQL.
class SqlSearch final : public SearchRepository {
 public:
  explicit SqlSearch(Connection& c) : c_(c) {}
  Status IndexTicket(AccountId account, TicketId id, std::string_view subject,
                     std::string_view public_text, std::string_view private_text) override;
  Status RemoveTicket(AccountId account, TicketId id) override;
  Status IndexUser(AccountId account, UserId id, std::string_view name,
                   std::string_view text) override;
  Status RemoveUser(AccountId account, UserId id) override;
  Status IndexOrganization(AccountId account, OrganizationId id, std::string_view name,
                           std::string_view text) override;
  Status RemoveOrganization(AccountId account, OrganizationId id) override;
  Result<std::vector<std::pair<AccountId, std::int64_t>>> Unindexed(std::string_view kind,
                                                                    int limit) override;
  Result<bool> BackfillPending() override;
  Status BackfillDone() override;
  Result<SearchPage> Tickets(AccountId account, const SearchRequest& r,
                             const PageRequest& page) override;
  Result<SearchPage> Users(AccountId account, const SearchRequest& r,
                           const PageRequest& page) override;
  Result<SearchPage> Organizations(AccountId account, const SearchRequest& r,
                                   const PageRequest& page) override;

 private:
  Connection& c_;
};

}  // namespace comptoir::sql
