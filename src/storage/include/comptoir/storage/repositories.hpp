// Repository interfaces: how services read and write each kind of record. Implemented
// once in SQL (storage_sql) for both SQLite and PostgreSQL. Every call is scoped by
// account. A repository is used only inside the Transaction that handed it out, on that
// transaction's thread.
//
// Errors: kNotFound for a missing row; kAlreadyExists for a unique-key violation
// (with the reason naming the key); kAborted/kUnavailable for database trouble.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "comptoir/common/status.hpp"
#include "comptoir/domain/people.hpp"
#include "comptoir/domain/rules.hpp"
#include "comptoir/domain/search_query.hpp"
#include "comptoir/domain/sla.hpp"
#include "comptoir/domain/ticket_metrics.hpp"
#include "comptoir/domain/tickets.hpp"
#include "comptoir/storage/page.hpp"

namespace comptoir::storage {

struct Account {
  AccountId id;
  std::string name;
  std::string settings;  // JSON text
  Timestamp created_at = 0;
  std::string subdomain;  // "acme" for acme.example.com; empty = none
};

class AccountRepository {
 public:
  virtual ~AccountRepository() = default;
  virtual Result<Account> Get(AccountId id) = 0;
  virtual Result<Account> FindBySubdomain(std::string_view subdomain) = 0;
  virtual Result<std::vector<Account>> List() = 0;
  virtual Result<AccountId> Insert(const Account& a) = 0;
  virtual Status Update(const Account& a) = 0;
};

struct UserFilter {
  std::vector<domain::Role> roles;  // any of these; empty = all
  std::string external_id;
  OrganizationId organization_id;  // members of this organisation
  GroupId group_id;                // members of this group
  std::string query;               // search: name, email, phone, external_id (substring)
  std::string name_prefix;         // autocomplete
  bool include_inactive = true;
};

class UserRepository {
 public:
  virtual ~UserRepository() = default;
  virtual Result<domain::User> Get(AccountId account, UserId id) = 0;
  virtual Result<std::vector<domain::User>> GetMany(AccountId account,
                                                    const std::vector<UserId>& ids) = 0;
  virtual Result<domain::User> FindByExternalId(AccountId account, std::string_view ext) = 0;
  virtual Result<Page<domain::User>> List(AccountId account, const UserFilter& filter,
                                          const PageRequest& page) = 0;
  virtual Result<std::int64_t> Count(AccountId account, const UserFilter& filter) = 0;
  virtual Result<UserId> Insert(const domain::User& u) = 0;
  virtual Status Update(const domain::User& u) = 0;
  virtual Status Delete(AccountId account, UserId id) = 0;  // permanent
};

class IdentityRepository {
 public:
  virtual ~IdentityRepository() = default;
  virtual Result<domain::Identity> Get(AccountId account, IdentityId id) = 0;
  virtual Result<std::vector<domain::Identity>> ListForUser(AccountId account, UserId user) = 0;
  virtual Result<std::vector<domain::Identity>> ListForUsers(AccountId account,
                                                             const std::vector<UserId>& users) = 0;
  virtual Result<domain::Identity> Find(AccountId account, domain::IdentityType type,
                                        std::string_view value) = 0;
  virtual Result<IdentityId> Insert(const domain::Identity& i) = 0;
  virtual Status Update(const domain::Identity& i) = 0;
  virtual Status Delete(AccountId account, IdentityId id) = 0;
};

struct OrganizationFilter {
  std::string name;         // exact, case-insensitive
  std::string name_prefix;  // autocomplete
  std::string external_id;
  std::string query;  // substring of name
};

class OrganizationRepository {
 public:
  virtual ~OrganizationRepository() = default;
  virtual Result<domain::Organization> Get(AccountId account, OrganizationId id) = 0;
  virtual Result<std::vector<domain::Organization>> GetMany(
      AccountId account, const std::vector<OrganizationId>& ids) = 0;
  // The organisation that claims this email domain, if any.
  virtual Result<domain::Organization> FindByDomain(AccountId account, std::string_view domain) = 0;
  virtual Result<Page<domain::Organization>> List(AccountId account,
                                                  const OrganizationFilter& filter,
                                                  const PageRequest& page) = 0;
  virtual Result<std::int64_t> Count(AccountId account, const OrganizationFilter& filter) = 0;
  virtual Result<OrganizationId> Insert(const domain::Organization& o) = 0;
  virtual Status Update(const domain::Organization& o) = 0;
  virtual Status Delete(AccountId account, OrganizationId id) = 0;
};

struct MembershipFilter {
  UserId user_id;
  OrganizationId organization_id;
  GroupId group_id;
};

class OrganizationMembershipRepository {
 public:
  virtual ~OrganizationMembershipRepository() = default;
  virtual Result<domain::OrganizationMembership> Get(AccountId account,
                                                     OrganizationMembershipId id) = 0;
  virtual Result<domain::OrganizationMembership> Find(AccountId account, UserId user,
                                                      OrganizationId org) = 0;
  virtual Result<Page<domain::OrganizationMembership>> List(AccountId account,
                                                            const MembershipFilter& filter,
                                                            const PageRequest& page) = 0;
  virtual Result<OrganizationMembershipId> Insert(const domain::OrganizationMembership& m) = 0;
  virtual Status Update(const domain::OrganizationMembership& m) = 0;
  virtual Status Delete(AccountId account, OrganizationMembershipId id) = 0;
};

struct GroupFilter {
  bool include_deleted = false;
};

class GroupRepository {
 public:
  virtual ~GroupRepository() = default;
  virtual Result<domain::Group> Get(AccountId account, GroupId id) = 0;
  virtual Result<std::vector<domain::Group>> GetMany(AccountId account,
                                                     const std::vector<GroupId>& ids) = 0;
  virtual Result<Page<domain::Group>> List(AccountId account, const GroupFilter& filter,
                                           const PageRequest& page) = 0;
  virtual Result<std::int64_t> Count(AccountId account, const GroupFilter& filter) = 0;
  virtual Result<GroupId> Insert(const domain::Group& g) = 0;
  virtual Status Update(const domain::Group& g) = 0;
};

class GroupMembershipRepository {
 public:
  virtual ~GroupMembershipRepository() = default;
  virtual Result<domain::GroupMembership> Get(AccountId account, GroupMembershipId id) = 0;
  virtual Result<domain::GroupMembership> Find(AccountId account, UserId user, GroupId group) = 0;
  virtual Result<Page<domain::GroupMembership>> List(AccountId account,
                                                     const MembershipFilter& filter,
                                                     const PageRequest& page) = 0;
  virtual Result<GroupMembershipId> Insert(const domain::GroupMembership& m) = 0;
  virtual Status Update(const domain::GroupMembership& m) = 0;
  virtual Status Delete(AccountId account, GroupMembershipId id) = 0;
};

class CustomRoleRepository {
 public:
  virtual ~CustomRoleRepository() = default;
  virtual Result<domain::CustomRole> Get(AccountId account, CustomRoleId id) = 0;
  virtual Result<std::vector<domain::CustomRole>> List(AccountId account) = 0;
  virtual Result<CustomRoleId> Insert(const domain::CustomRole& r) = 0;
  virtual Status Update(const domain::CustomRole& r) = 0;
  virtual Status Delete(AccountId account, CustomRoleId id) = 0;
};

class CustomFieldRepository {
 public:
  virtual ~CustomFieldRepository() = default;
  virtual Result<domain::CustomField> Get(AccountId account, domain::FieldOwner owner,
                                          FieldId id) = 0;
  // Ordered by position, then id.
  virtual Result<std::vector<domain::CustomField>> List(AccountId account,
                                                        domain::FieldOwner owner) = 0;
  virtual Result<FieldId> Insert(const domain::CustomField& f) = 0;
  virtual Status Update(const domain::CustomField& f) = 0;
  virtual Status Delete(AccountId account, domain::FieldOwner owner, FieldId id) = 0;
};

class TokenRepository {
 public:
  virtual ~TokenRepository() = default;
  // API tokens.
  virtual Result<domain::ApiToken> FindApiToken(std::string_view token_hash) = 0;
  virtual Result<std::vector<domain::ApiToken>> ListApiTokens(AccountId account) = 0;
  virtual Result<TokenId> InsertApiToken(const domain::ApiToken& t) = 0;
  virtual Status DeleteApiToken(AccountId account, TokenId id) = 0;
  // OAuth clients and access tokens.
  virtual Result<domain::OAuthClient> GetClient(AccountId account, OAuthClientId id) = 0;
  virtual Result<std::vector<domain::OAuthClient>> ListClients(AccountId account) = 0;
  virtual Result<OAuthClientId> InsertClient(const domain::OAuthClient& c) = 0;
  virtual Status UpdateClient(const domain::OAuthClient& c) = 0;
  virtual Status DeleteClient(AccountId account, OAuthClientId id) = 0;
  virtual Result<domain::OAuthToken> FindOAuthToken(std::string_view token_hash) = 0;
  virtual Result<domain::OAuthToken> GetOAuthToken(AccountId account, TokenId id) = 0;
  virtual Result<std::vector<domain::OAuthToken>> ListOAuthTokens(AccountId account) = 0;
  virtual Result<TokenId> InsertOAuthToken(const domain::OAuthToken& t) = 0;
  virtual Status DeleteOAuthToken(AccountId account, TokenId id) = 0;
};

class JobRepository {
 public:
  virtual ~JobRepository() = default;
  virtual Result<domain::JobStatus> Get(AccountId account, std::string_view id) = 0;
  virtual Result<std::vector<domain::JobStatus>> List(AccountId account, int limit) = 0;
  virtual Status Insert(const domain::JobStatus& j) = 0;
  virtual Status Update(const domain::JobStatus& j) = 0;
  // Jobs in state queued or working (to resume after a restart), oldest first.
  virtual Result<std::vector<domain::JobStatus>> ListUnfinished(int limit) = 0;
};

// Browser sessions (cookie): stored in the database so that every node knows them.
struct Session {
  std::int64_t id = 0;
  AccountId account_id;
  UserId user_id;
  std::string token_hash;  // SHA-256 of the cookie value
  std::string csrf_token;
  std::string ip_address;
  std::string user_agent;
  Timestamp created_at = 0;
  Timestamp last_seen_at = 0;
  Timestamp expires_at = 0;
};

// A password reset (POST /access/password_reset): single use, with an expiry. The token
// is minted by the e-mail job that sends it and only its SHA-256 is kept (empty until
// then); a retried e-mail mints a new one, which replaces the hash.
struct PasswordReset {
  std::int64_t id = 0;
  AccountId account_id;
  UserId user_id;
  std::string token_hash;
  Timestamp created_at = 0;
  Timestamp expires_at = 0;
  Timestamp used_at = 0;  // 0: not used
};

class SessionRepository {
 public:
  virtual ~SessionRepository() = default;
  virtual Result<Session> FindByTokenHash(std::string_view token_hash) = 0;
  virtual Result<Session> Get(AccountId account, std::int64_t id) = 0;
  virtual Result<std::vector<Session>> ListForUser(AccountId account, UserId user) = 0;
  // The sessions of the account (of `user` only when set), paged by id.
  virtual Result<Page<Session>> List(AccountId account, UserId user, const PageRequest& page) = 0;
  virtual Result<std::int64_t> Insert(const Session& s) = 0;
  virtual Status Touch(AccountId account, std::int64_t id, Timestamp last_seen_at,
                       Timestamp expires_at) = 0;
  // Replaces the session's CSRF token (renew).
  virtual Status SetCsrfToken(AccountId account, std::int64_t id, std::string_view csrf_token) = 0;
  virtual Status Delete(AccountId account, std::int64_t id) = 0;
  virtual Result<std::int64_t> DeleteForUser(AccountId account, UserId user) = 0;
  virtual Result<std::int64_t> DeleteExpired(Timestamp now) = 0;
  // Password resets.
  virtual Result<std::int64_t> InsertPasswordReset(const PasswordReset& r) = 0;
  virtual Result<PasswordReset> GetPasswordReset(AccountId account, std::int64_t id) = 0;
  // kNotFound for an empty or unknown hash.
  virtual Result<PasswordReset> FindPasswordReset(std::string_view token_hash) = 0;
  virtual Status SetPasswordResetToken(AccountId account, std::int64_t id,
                                       std::string_view token_hash) = 0;
  // Marks one reset used; kFailedPrecondition when it was used already (a race).
  virtual Status UsePasswordReset(AccountId account, std::int64_t id, Timestamp now) = 0;
  // Marks every unused reset of the user used (a new password makes them void).
  virtual Result<std::int64_t> UsePasswordResets(AccountId account, UserId user, Timestamp now) = 0;
  virtual Result<std::int64_t> DeletePasswordResetsBefore(Timestamp expires_before) = 0;
};

// Failed sign-ins, counted per account and per hashed key (the email) across all nodes.
class SignInFailureRepository {
 public:
  virtual ~SignInFailureRepository() = default;
  virtual Status Record(AccountId account, std::string_view key_hash, Timestamp at) = 0;
  virtual Result<std::int64_t> CountSince(AccountId account, std::string_view key_hash,
                                          Timestamp since) = 0;
  virtual Status Clear(AccountId account, std::string_view key_hash) = 0;
  virtual Result<std::int64_t> DeleteBefore(Timestamp before) = 0;
};

// The nodes (`comptoir serve` processes) sharing the database, and the once-per-period
// tasks they share. Not account-scoped: the cluster serves every account.
struct ClusterNode {
  std::string id;
  std::string hostname;
  std::int64_t pid = 0;
  std::string version;
  Timestamp started_at = 0;
  Timestamp heartbeat_at = 0;
};

struct PeriodRun {
  std::string task;
  Timestamp period_start = 0;
  std::string node_id;
  Timestamp started_at = 0;
  std::optional<Timestamp> finished_at;
};

class ClusterRepository {
 public:
  virtual ~ClusterRepository() = default;
  // Inserts the node or moves its heartbeat forward.
  virtual Status Heartbeat(const ClusterNode& node) = 0;
  virtual Result<std::vector<ClusterNode>> ListNodes() = 0;
  virtual Status RemoveNode(std::string_view id) = 0;
  virtual Result<std::int64_t> RemoveNodesBefore(Timestamp heartbeat_before) = 0;
  // Claims the period of a task for a node: true when this call inserted it, false when
  // another node (or an earlier call) already holds it.
  virtual Result<bool> ClaimPeriod(std::string_view task, Timestamp period_start,
                                   std::string_view node_id, Timestamp now) = 0;
  virtual Status FinishPeriod(std::string_view task, Timestamp period_start, Timestamp now) = 0;
  // The latest runs of a task, newest first.
  virtual Result<std::vector<PeriodRun>> ListPeriods(std::string_view task, int limit) = 0;
};

// The leased job queue. A job is queued with a unique idempotency key; a node leases
// ready jobs (status queued and due, or running with an expired lease) and must hold
// the lease to complete or retry them.
struct QueuedJob {
  std::int64_t id = 0;
  AccountId account_id;
  std::string kind;
  std::string payload;  // JSON text
  std::string idempotency_key;
  std::string status;  // queued, running, done, dead
  int attempts = 0;
  int max_attempts = 10;
  Timestamp run_at = 0;
  std::string lease_owner;
  Timestamp lease_expires_at = 0;
  std::string last_error;
  Timestamp created_at = 0;
  Timestamp updated_at = 0;
};

class QueueRepository {
 public:
  virtual ~QueueRepository() = default;
  // kAlreadyExists when a job with the same (account, idempotency_key) exists.
  virtual Result<std::int64_t> Enqueue(const QueuedJob& j) = 0;
  // Leases up to `limit` ready jobs for `node` until `lease_until` (attempts + 1). On
  // PostgreSQL the candidates are locked FOR UPDATE SKIP LOCKED, so concurrent nodes
  // never lease the same job.
  virtual Result<std::vector<QueuedJob>> Lease(std::string_view node, Timestamp now,
                                               Timestamp lease_until, int limit) = 0;
  // Whether Lease would find a job at `now` (a read: idle workers poll with it, so an
  // idle server writes nothing).
  virtual Result<bool> AnyReady(Timestamp now) = 0;
  // kFailedPrecondition when `node` no longer holds the lease.
  virtual Status Renew(std::int64_t id, std::string_view node, Timestamp lease_until) = 0;
  virtual Status Complete(std::int64_t id, std::string_view node, Timestamp now) = 0;
  // Back to queued at `run_at`, or dead when the attempts are spent.
  virtual Status Fail(std::int64_t id, std::string_view node, Timestamp run_at,
                      std::string_view error, Timestamp now) = 0;
  virtual Result<QueuedJob> Get(AccountId account, std::int64_t id) = 0;
  // Extends every lease `node` holds (a worker that leased a batch).
  virtual Status RenewAll(std::string_view node, Timestamp lease_until) = 0;
  // Gives a leased job back untouched (a stopping node): queued again at `now`, the
  // attempt the lease counted taken back.
  virtual Status Release(std::int64_t id, std::string_view node, Timestamp now) = 0;
  // The account's jobs, newest first; `status` "" = every status.
  virtual Result<Page<QueuedJob>> List(AccountId account, std::string_view status,
                                       const PageRequest& page) = 0;
  // A dead job queued again with its attempts reset; kNotFound unless it is dead.
  virtual Status Retry(AccountId account, std::int64_t id, Timestamp now) = 0;
  // Removes a job that is not running (dead or queued); kNotFound otherwise.
  virtual Status Delete(AccountId account, std::int64_t id) = 0;
  // Removes done jobs last updated before `before`; how many.
  virtual Result<std::int64_t> PurgeDone(Timestamp before) = 0;
  // Back to queued at `run_at` without spending an attempt (a handler that must wait:
  // an endpoint's open circuit, no SMTP server configured yet).
  virtual Status Postpone(std::int64_t id, std::string_view node, Timestamp run_at,
                          std::string_view reason, Timestamp now) = 0;
};

class AuditLogRepository {
 public:
  virtual ~AuditLogRepository() = default;
  virtual Status Insert(const domain::AuditLogEntry& e) = 0;
  virtual Result<Page<domain::AuditLogEntry>> List(AccountId account, std::string_view source_type,
                                                   std::int64_t source_id,
                                                   const PageRequest& page) = 0;
};

// Which tickets a list may return. `restricted` narrows it to what an agent with limited
// ticket access or an end user may see (see domain::CanViewTicket).
struct TicketFilter {
  UserId requester_id;
  UserId assignee_id;
  OrganizationId organization_id;
  GroupId group_id;
  UserId cc_user_id;  // collaborator or email CC
  std::string external_id;
  TicketId problem_id;  // incidents of a problem
  std::vector<domain::TicketStatus> statuses;
  bool deleted = false;  // soft-deleted tickets instead of live ones
  Timestamp updated_since = 0;

  bool restricted = false;
  bool restricted_is_staff = true;  // agent rules when true, end-user rules when false
  UserId restricted_user;
  std::vector<GroupId> restricted_groups;                       // agents: their groups
  std::vector<OrganizationId> restricted_shared_organizations;  // end users
  // Offset mode only: "id", "created_at", "updated_at", "status", "priority", "subject".
  std::string sort_by = "id";
};

// A view's or the automation sweep's question, answered by compiling the condition tree
// to SQL (the same tree `rules` evaluates in memory). `filter` narrows it first (the
// caller's access restriction; statuses for the sweep; its paging fields are unused).
// Time conditions count whole hours back from `now`; "current_user" / "current_groups"
// take the asking user's values.
struct TicketQuery {
  TicketFilter filter;
  domain::ConditionSet conditions;
  Timestamp now = 0;
  UserId current_user;
  std::vector<std::int64_t> current_groups;
  // A view column id ("created", "updated", "status", "priority", "nice_id", "type",
  // "due_date", "solved", "assigned", "updated_requester", "updated_assignee",
  // "requester", "assignee", "group", "organization", "satisfaction_score"); "" = created.
  std::string sort_by;
  bool sort_descending = true;
  std::string group_by;  // the same ids; "" = not grouped
  bool group_descending = false;
  // A plan hint for big results: read the rows in the sort column's index order and
  // stop at the page, rather than collect every match and sort it (the caller knows
  // how many match from its cached count).
  bool walk_sort_index = false;
};

class TicketRepository {
 public:
  virtual ~TicketRepository() = default;
  // Includes soft-deleted tickets (callers decide).
  virtual Result<domain::Ticket> Get(AccountId account, TicketId id) = 0;
  virtual Result<std::vector<domain::Ticket>> GetMany(AccountId account,
                                                      const std::vector<TicketId>& ids) = 0;
  virtual Result<Page<domain::Ticket>> List(AccountId account, const TicketFilter& filter,
                                            const PageRequest& page) = 0;
  virtual Result<std::int64_t> Count(AccountId account, const TicketFilter& filter) = 0;
  virtual Result<TicketId> Insert(const domain::Ticket& t) = 0;
  virtual Status Update(const domain::Ticket& t) = 0;
  // Permanently deletes the ticket with its comments, audits and attachments rows.
  virtual Status Delete(AccountId account, TicketId id) = 0;
  // Live tickets per tag, most used first.
  virtual Result<std::vector<std::pair<std::string, std::int64_t>>> TagCounts(AccountId account,
                                                                              int limit) = 0;
  // Moves requester / submitter / collaborator references from one user to another.
  virtual Status ReassignUser(AccountId account, UserId from, UserId to) = 0;
  // Live tickets matching `q`: offset pages in the query's order, or (page.cursor) pages
  // by ascending id after page.after_id (the automation sweep). kInvalidArgument for a
  // condition that cannot be compiled (unknown field or operator, bad value).
  virtual Result<Page<domain::Ticket>> ListMatching(AccountId account, const TicketQuery& q,
                                                    const PageRequest& page) = 0;
  virtual Result<std::int64_t> CountMatching(AccountId account, const TicketQuery& q) = 0;
  // The ids of the live tickets matching `q` (in no particular order), at most `limit`:
  // the automation sweep's candidates, read once and then processed in batches.
  virtual Result<std::vector<TicketId>> MatchingIds(AccountId account, const TicketQuery& q,
                                                    std::int64_t limit) = 0;
};

class CommentRepository {
 public:
  virtual ~CommentRepository() = default;
  virtual Result<domain::Comment> Get(AccountId account, CommentId id) = 0;
  virtual Result<Page<domain::Comment>> ListForTicket(AccountId account, TicketId ticket,
                                                      bool public_only,
                                                      const PageRequest& page) = 0;
  virtual Result<std::vector<domain::Comment>> ListForAudits(
      AccountId account, const std::vector<AuditId>& audits) = 0;
  virtual Result<CommentId> Insert(const domain::Comment& c) = 0;
  virtual Status Update(const domain::Comment& c) = 0;
  virtual Status ReassignAuthor(AccountId account, UserId from, UserId to) = 0;
};

class AuditRepository {
 public:
  virtual ~AuditRepository() = default;
  virtual Result<domain::Audit> Get(AccountId account, AuditId id) = 0;
  // ticket 0 = every ticket of the account.
  virtual Result<Page<domain::Audit>> List(AccountId account, TicketId ticket,
                                           const PageRequest& page) = 0;
  virtual Result<AuditId> Insert(const domain::Audit& a) = 0;
  virtual Status Update(const domain::Audit& a) = 0;
};

class AttachmentRepository {
 public:
  virtual ~AttachmentRepository() = default;
  virtual Result<domain::Attachment> Get(AccountId account, AttachmentId id) = 0;
  virtual Result<std::vector<domain::Attachment>> ListByToken(AccountId account,
                                                              std::string_view token) = 0;
  virtual Result<std::vector<domain::Attachment>> ListForComments(
      AccountId account, const std::vector<CommentId>& comments) = 0;
  virtual Result<AttachmentId> Insert(const domain::Attachment& a) = 0;
  virtual Status Update(const domain::Attachment& a) = 0;
  virtual Status Delete(AccountId account, AttachmentId id) = 0;
  virtual Result<std::vector<domain::Attachment>> ListForTicket(AccountId account,
                                                                TicketId ticket) = 0;
  // Uploads no comment claimed, created before `before`, oldest first (every account).
  virtual Result<std::vector<domain::Attachment>> ListUnclaimedBefore(Timestamp before,
                                                                      int limit) = 0;
  // How many attachment rows still point at a blob (to know when it may be removed).
  virtual Result<std::int64_t> CountByHash(std::string_view content_hash) = 0;
};

class TicketFieldRepository {
 public:
  virtual ~TicketFieldRepository() = default;
  virtual Result<domain::TicketField> Get(AccountId account, TicketFieldId id) = 0;
  // Ordered by position, then id.
  virtual Result<std::vector<domain::TicketField>> List(AccountId account) = 0;
  virtual Result<TicketFieldId> Insert(const domain::TicketField& f) = 0;
  virtual Status Update(const domain::TicketField& f) = 0;
  virtual Status Delete(AccountId account, TicketFieldId id) = 0;
};

class TicketFormRepository {
 public:
  virtual ~TicketFormRepository() = default;
  virtual Result<domain::TicketForm> Get(AccountId account, TicketFormId id) = 0;
  virtual Result<std::vector<domain::TicketForm>> List(AccountId account) = 0;
  virtual Result<TicketFormId> Insert(const domain::TicketForm& f) = 0;
  virtual Status Update(const domain::TicketForm& f) = 0;
  virtual Status Delete(AccountId account, TicketFormId id) = 0;
};

// Trigger categories and triggers (business rules). Lists are the whole account's, ordered
// by position then id (an account has at most a few thousand rules).
class TriggerCategoryRepository {
 public:
  virtual ~TriggerCategoryRepository() = default;
  virtual Result<domain::TriggerCategory> Get(AccountId account, domain::TriggerCategoryId id) = 0;
  virtual Result<std::vector<domain::TriggerCategory>> List(AccountId account) = 0;
  virtual Result<domain::TriggerCategoryId> Insert(const domain::TriggerCategory& c) = 0;
  virtual Status Update(const domain::TriggerCategory& c) = 0;
  virtual Status Delete(AccountId account, domain::TriggerCategoryId id) = 0;
};

class TriggerRepository {
 public:
  virtual ~TriggerRepository() = default;
  virtual Result<domain::Trigger> Get(AccountId account, domain::TriggerId id) = 0;
  virtual Result<std::vector<domain::Trigger>> List(AccountId account) = 0;
  virtual Result<domain::TriggerId> Insert(const domain::Trigger& t) = 0;
  virtual Status Update(const domain::Trigger& t) = 0;
  virtual Status Delete(AccountId account, domain::TriggerId id) = 0;
  // How many triggers name the category (a category in use cannot be deleted).
  virtual Result<std::int64_t> CountInCategory(AccountId account,
                                               domain::TriggerCategoryId category) = 0;
};

// Macros: the whole account's, ordered by position then id; who may use one is the
// service's business (restriction).
class MacroRepository {
 public:
  virtual ~MacroRepository() = default;
  virtual Result<domain::Macro> Get(AccountId account, domain::MacroId id) = 0;
  virtual Result<std::vector<domain::Macro>> List(AccountId account) = 0;
  virtual Result<domain::MacroId> Insert(const domain::Macro& m) = 0;
  virtual Status Update(const domain::Macro& m) = 0;
  virtual Status Delete(AccountId account, domain::MacroId id) = 0;
  // One more use (a macro applied to a ticket).
  virtual Status CountUse(AccountId account, domain::MacroId id) = 0;
};

// --- Side effects (migration 6): webhooks, targets, e-mail settings, sent e-mails and
// agent broadcasts. Structured settings are JSON text, read and checked by the services.

struct Webhook {
  std::int64_t id = 0;
  AccountId account_id;
  std::string name;
  std::string description;
  std::string status = "active";  // active, inactive
  std::string endpoint;
  std::string http_method = "POST";
  std::string request_format = "json";  // json, xml, form_encoded
  std::string subscriptions = "[]";     // JSON array of strings
  std::string authentication;           // JSON object ({type, data, add_position}) or ""
  std::string custom_headers = "{}";    // JSON object name → value
  std::string signing_secret;
  // The circuit breaker, shared by every node.
  int consecutive_failures = 0;
  Timestamp circuit_open_until = 0;
  UserId created_by;
  UserId updated_by;
  Timestamp created_at = 0;
  Timestamp updated_at = 0;
};

struct WebhookFilter {
  std::string name_contains;
  std::string status;
};

struct WebhookInvocation {
  std::int64_t id = 0;
  AccountId account_id;
  std::int64_t webhook_id = 0;
  std::string source;  // JSON object: what caused it (event, ticket, rule)
  std::string status;  // pending, success, failed, circuit_broken
  int latest_status_code = 0;
  Timestamp created_at = 0;
  Timestamp updated_at = 0;
};

struct WebhookAttempt {
  std::int64_t id = 0;
  AccountId account_id;
  std::int64_t invocation_id = 0;
  std::string status;  // success, failed, timed_out
  int status_code = 0;
  std::int64_t duration_ms = 0;
  std::string response;  // JSON object {headers, body} (capped)
  Timestamp created_at = 0;
};

struct Target {
  std::int64_t id = 0;
  AccountId account_id;
  std::string type;  // http_target, email_target (url_target_v2 is read as http_target)
  std::string title;
  bool active = true;
  std::string config = "{}";  // JSON object: target_url, method, content_type, username,
                              // password / email, subject
  Timestamp created_at = 0;
};

struct TargetFailure {
  std::int64_t id = 0;
  AccountId account_id;
  std::int64_t target_id = 0;
  int status_code = 0;
  std::string raw_request;
  std::string raw_response;
  Timestamp created_at = 0;
};

struct EmailSettings {
  AccountId account_id;
  std::string smtp_host;  // empty: not configured (mail waits in the queue)
  int smtp_port = 25;
  std::string security = "starttls";  // none, starttls, tls
  std::string username;
  std::string password;
  std::string support_address;
  std::string from_name;
  std::string html_template;  // Liquid, with {{content}}
  std::string text_template;  // Liquid, with {{content}}
  Timestamp updated_at = 0;
};

struct SentEmail {
  std::int64_t id = 0;
  AccountId account_id;
  TicketId ticket_id;
  std::string message_id;  // without angle brackets
  std::string recipient;
  std::string subject;
  Timestamp created_at = 0;
};

struct Broadcast {
  std::int64_t id = 0;
  AccountId account_id;
  UserId author_id;
  std::string subject;
  std::string message;
  std::vector<std::int64_t> group_ids;  // empty: every agent
  Timestamp created_at = 0;
  // Per reader (ListBroadcastsFor): when this user marked it read, 0 = unread.
  Timestamp read_at = 0;
};

class DeliveryRepository {
 public:
  virtual ~DeliveryRepository() = default;
  // Webhooks.
  virtual Result<Webhook> GetWebhook(AccountId account, std::int64_t id) = 0;
  virtual Result<Page<Webhook>> ListWebhooks(AccountId account, const WebhookFilter& filter,
                                             const PageRequest& page) = 0;
  virtual Result<std::int64_t> InsertWebhook(const Webhook& w) = 0;
  virtual Status UpdateWebhook(const Webhook& w) = 0;
  virtual Status DeleteWebhook(AccountId account, std::int64_t id) = 0;
  // The circuit breaker's state only (every node writes it after a delivery).
  virtual Status SetWebhookCircuit(AccountId account, std::int64_t id, int consecutive_failures,
                                   Timestamp open_until) = 0;
  virtual Result<std::int64_t> InsertInvocation(const WebhookInvocation& i) = 0;
  virtual Status UpdateInvocation(const WebhookInvocation& i) = 0;
  virtual Result<WebhookInvocation> GetInvocation(AccountId account, std::int64_t id) = 0;
  // Newest first.
  virtual Result<Page<WebhookInvocation>> ListInvocations(AccountId account,
                                                          std::int64_t webhook_id,
                                                          const PageRequest& page) = 0;
  virtual Result<std::int64_t> InsertAttempt(const WebhookAttempt& a) = 0;
  virtual Result<std::vector<WebhookAttempt>> ListAttempts(AccountId account,
                                                           std::int64_t invocation_id) = 0;
  // Targets.
  virtual Result<Target> GetTarget(AccountId account, std::int64_t id) = 0;
  virtual Result<std::vector<Target>> ListTargets(AccountId account) = 0;
  virtual Result<std::int64_t> InsertTarget(const Target& t) = 0;
  virtual Status UpdateTarget(const Target& t) = 0;
  virtual Status DeleteTarget(AccountId account, std::int64_t id) = 0;
  virtual Result<std::int64_t> InsertTargetFailure(const TargetFailure& f) = 0;
  virtual Result<TargetFailure> GetTargetFailure(AccountId account, std::int64_t id) = 0;
  // Newest first, at most `limit`.
  virtual Result<std::vector<TargetFailure>> ListTargetFailures(AccountId account, int limit) = 0;
  // E-mail settings: kNotFound when the account has none yet.
  virtual Result<EmailSettings> GetEmailSettings(AccountId account) = 0;
  virtual Status PutEmailSettings(const EmailSettings& s) = 0;
  // Sent e-mails (threading: the Message-IDs of a ticket's earlier notifications).
  // Idempotent: a message id already recorded for the account is left as it is.
  virtual Status RecordSentEmail(const SentEmail& e) = 0;
  // Oldest first, at most `limit`.
  virtual Result<std::vector<SentEmail>> ListSentEmails(AccountId account, TicketId ticket,
                                                        int limit) = 0;
  // Agent broadcasts and who they address.
  virtual Result<std::int64_t> InsertBroadcast(const Broadcast& b,
                                               const std::vector<UserId>& recipients) = 0;
  virtual Result<Broadcast> GetBroadcast(AccountId account, std::int64_t id) = 0;
  // The broadcasts addressed to `user`, newest first, with that user's read_at.
  virtual Result<Page<Broadcast>> ListBroadcastsFor(AccountId account, UserId user,
                                                    const PageRequest& page) = 0;
  // kNotFound when the broadcast does not address `user`.
  virtual Status MarkBroadcastRead(AccountId account, std::int64_t id, UserId user,
                                   Timestamp at) = 0;
  // Every broadcast of the account, newest first (read_at 0).
  virtual Result<Page<Broadcast>> ListAllBroadcasts(AccountId account, const PageRequest& page) = 0;
  // Removes a broadcast and its recipients; kNotFound when the account has none such.
  virtual Status DeleteBroadcast(AccountId account, std::int64_t id) = 0;
};

// Views, ordered by position then id. Visibility (restriction) is the service's call.
class ViewRepository {
 public:
  virtual ~ViewRepository() = default;
  virtual Result<domain::View> Get(AccountId account, domain::ViewId id) = 0;
  virtual Result<std::vector<domain::View>> List(AccountId account) = 0;
  virtual Result<domain::ViewId> Insert(const domain::View& v) = 0;
  virtual Status Update(const domain::View& v) = 0;
  virtual Status Delete(AccountId account, domain::ViewId id) = 0;
};

// One firing of an automation on a ticket: `period` is the ticket's updated_at when it
// matched, `result_at` its updated_at after the automation's change.
struct AutomationFiring {
  AccountId account_id;
  domain::AutomationId automation_id;
  TicketId ticket_id;
  Timestamp period = 0;
  Timestamp result_at = 0;
  Timestamp fired_at = 0;
};

class AutomationRepository {
 public:
  virtual ~AutomationRepository() = default;
  virtual Result<domain::Automation> Get(AccountId account, domain::AutomationId id) = 0;
  // Ordered by position, then id.
  virtual Result<std::vector<domain::Automation>> List(AccountId account) = 0;
  virtual Result<domain::AutomationId> Insert(const domain::Automation& a) = 0;
  virtual Status Update(const domain::Automation& a) = 0;
  virtual Status Delete(AccountId account, domain::AutomationId id) = 0;
  // Whether the automation already fired on the ticket in the state `updated_at`
  // (as the state it matched in, or the state its own change produced).
  virtual Result<bool> HasFired(AccountId account, domain::AutomationId automation, TicketId ticket,
                                Timestamp updated_at) = 0;
  // Records a firing: false when the same (automation, ticket, period) is already
  // recorded (another node got there first).
  virtual Result<bool> RecordFiring(const AutomationFiring& f) = 0;
  virtual Result<std::int64_t> CountFirings(AccountId account, domain::AutomationId automation) = 0;
};

// --- Business-hours schedules (migration 8). The zone is an IANA name; intervals are
// JSON text [[start_minute, end_minute], …] (minutes since Sunday 00:00 local); holiday
// dates "YYYY-MM-DD". The service validates them (calendar::Schedule::Make).
struct ScheduleRecord {
  std::int64_t id = 0;
  AccountId account_id;
  std::string name;
  std::string time_zone;
  std::string intervals = "[]";
  int position = 0;
  Timestamp created_at = 0;
  Timestamp updated_at = 0;
};

struct ScheduleHoliday {
  std::int64_t id = 0;
  AccountId account_id;
  std::int64_t schedule_id = 0;
  std::string name;
  std::string start_date;
  std::string end_date;
  Timestamp created_at = 0;
  Timestamp updated_at = 0;
};

class ScheduleRepository {
 public:
  virtual ~ScheduleRepository() = default;
  virtual Result<ScheduleRecord> Get(AccountId account, std::int64_t id) = 0;
  // Ordered by position, then id (the first is the account's default schedule).
  virtual Result<std::vector<ScheduleRecord>> List(AccountId account) = 0;
  virtual Result<std::int64_t> Insert(const ScheduleRecord& s) = 0;
  virtual Status Update(const ScheduleRecord& s) = 0;
  // Deletes the schedule and its holidays.
  virtual Status Delete(AccountId account, std::int64_t id) = 0;
  // The schedule's holidays, by start date then id.
  virtual Result<std::vector<ScheduleHoliday>> ListHolidays(AccountId account,
                                                            std::int64_t schedule) = 0;
  virtual Result<ScheduleHoliday> GetHoliday(AccountId account, std::int64_t schedule,
                                             std::int64_t id) = 0;
  virtual Result<std::int64_t> InsertHoliday(const ScheduleHoliday& h) = 0;
  virtual Status UpdateHoliday(const ScheduleHoliday& h) = 0;
  virtual Status DeleteHoliday(AccountId account, std::int64_t schedule, std::int64_t id) = 0;
};

// SLA policies, the per-ticket SLA clocks and the ticket metric events (reference §3.8,
// §2.16). Everything is scoped by account.
class SlaRepository {
 public:
  virtual ~SlaRepository() = default;
  virtual Result<domain::SlaPolicy> GetPolicy(AccountId account, domain::SlaPolicyId id) = 0;
  // Ordered by position, then id.
  virtual Result<std::vector<domain::SlaPolicy>> ListPolicies(AccountId account) = 0;
  virtual Result<domain::SlaPolicyId> InsertPolicy(const domain::SlaPolicy& p) = 0;
  virtual Status UpdatePolicy(const domain::SlaPolicy& p) = 0;
  virtual Status DeletePolicy(AccountId account, domain::SlaPolicyId id) = 0;
  // The ticket's SLA record (kNotFound when it has none).
  virtual Result<domain::TicketSlaRecord> GetTicketSla(AccountId account, TicketId ticket) = 0;
  // Inserts or replaces the record, and copies next/last breach to the ticket's columns
  // tickets.sla_next_breach_at / sla_last_breach_at (0 = none).
  virtual Status SaveTicketSla(const domain::TicketSlaRecord& r) = 0;
  // Records with a pending breach (next_breach_at > 0), ticket id > `after`, by ticket id;
  // with `schedules`, only the records of those schedule ids (0 = the account's default).
  virtual Result<std::vector<domain::TicketSlaRecord>> ListOpenTicketSlas(
      AccountId account, TicketId after, int limit,
      const std::vector<std::int64_t>& schedules = {}) = 0;
  virtual Status InsertMetricEvent(const domain::TicketMetricEvent& e) = 0;
  // Events with time >= start_time, by time then id, at most `limit`.
  virtual Result<std::vector<domain::TicketMetricEvent>> ListMetricEvents(AccountId account,
                                                                          Timestamp start_time,
                                                                          int limit) = 0;
  virtual Result<std::vector<domain::TicketMetricEvent>> ListTicketMetricEvents(
      AccountId account, TicketId ticket) = 0;
};

// --- Incremental exports and ticket metric sets (migration 10) ---

// A position in an export stream: items are ordered by (timestamp, id), the timestamp
// being a ticket's generated_timestamp, a user's or organisation's updated_at, an
// audit's created_at.
struct ExportPosition {
  Timestamp ts = 0;
  std::int64_t id = 0;
};

// Items strictly after `after` whose timestamp is below `until`, in stream order, at most
// `limit`. One index range scan per call ((account_id, <timestamp>, id) indexes).
struct ExportQuery {
  ExportPosition after;
  Timestamp until = 0;
  int limit = 1000;
  bool include_deleted = true;  // tickets: soft-deleted ones too
};

class ExportRepository {
 public:
  virtual ~ExportRepository() = default;
  virtual Result<std::vector<domain::Ticket>> Tickets(AccountId account, const ExportQuery& q) = 0;
  virtual Result<std::vector<domain::User>> Users(AccountId account, const ExportQuery& q) = 0;
  virtual Result<std::vector<domain::Organization>> Organizations(AccountId account,
                                                                  const ExportQuery& q) = 0;
  virtual Result<std::vector<domain::Audit>> Audits(AccountId account, const ExportQuery& q) = 0;
  // Ticket metric events, in (time, id) order.
  virtual Result<std::vector<domain::TicketMetricEvent>> MetricEvents(AccountId account,
                                                                      const ExportQuery& q) = 0;
};

// One metric set per ticket (ticket_metric_sets), written by the ticket's writes.
class TicketMetricRepository {
 public:
  virtual ~TicketMetricRepository() = default;
  virtual Result<domain::TicketMetricSet> Get(AccountId account, std::int64_t id) = 0;
  virtual Result<domain::TicketMetricSet> ForTicket(AccountId account, TicketId ticket) = 0;
  virtual Result<std::vector<domain::TicketMetricSet>> ForTickets(
      AccountId account, const std::vector<TicketId>& tickets) = 0;
  // The sets of the live tickets `filter` admits (its restriction fields), paged by id.
  virtual Result<Page<domain::TicketMetricSet>> List(AccountId account, const TicketFilter& filter,
                                                     const PageRequest& page) = 0;
  // Inserts (id 0) or updates the set of m.ticket_id; returns its id.
  virtual Result<std::int64_t> Put(const domain::TicketMetricSet& m) = 0;
};

// --- Full-text search (migration 9). Text arrives folded and split into words by the
// search module (search::IndexText: lower case, no accents, words joined by spaces); the
// repository stores and matches it as given, so SQLite and PostgreSQL answer alike.

// One search: the query's text values already folded the same way. `filter` carries
// the caller's ticket access (TicketFilter's restricted fields; the rest is unused).
struct SearchRequest {
  domain::SearchQuery query;
  TicketFilter filter;
  bool public_only = false;  // end users: subject and public comments only
  Timestamp now = 0;         // relative dates count back from it
  UserId current_user;       // `me`
  // "" = relevance (bm25 / ts_rank; created_at descending without text terms);
  // "created_at", "updated_at", "priority", "status", "ticket_type".
  std::string sort_by;
  bool sort_descending = true;
  // Export: rows ordered by (created_at, id) after this position (cursor pages).
  bool export_order = false;
  Timestamp after_created_at = 0;
  std::int64_t after_id = 0;
};

// Ids in the result's order; `total` when asked; `created_at` of each id (export cursors).
struct SearchPage {
  std::vector<std::int64_t> ids;
  std::vector<Timestamp> created_at;
  bool has_more = false;
  std::int64_t total = 0;
};

class SearchRepository {
 public:
  virtual ~SearchRepository() = default;
  // Replaces the ticket's entry (subject, public comments, private comments).
  virtual Status IndexTicket(AccountId account, TicketId id, std::string_view subject,
                             std::string_view public_text, std::string_view private_text) = 0;
  virtual Status RemoveTicket(AccountId account, TicketId id) = 0;
  virtual Status IndexUser(AccountId account, UserId id, std::string_view name,
                           std::string_view text) = 0;
  virtual Status RemoveUser(AccountId account, UserId id) = 0;
  virtual Status IndexOrganization(AccountId account, OrganizationId id, std::string_view name,
                                   std::string_view text) = 0;
  virtual Status RemoveOrganization(AccountId account, OrganizationId id) = 0;
  // Rows without an entry (every account), at most `limit`: the start-up backfill.
  // `kind` is "ticket", "user" or "organization"; returns (account, id) pairs.
  virtual Result<std::vector<std::pair<AccountId, std::int64_t>>> Unindexed(std::string_view kind,
                                                                            int limit) = 0;
  // Whether the start-up backfill is still to run: set by migration 12 (so a new or
  // copied database is backfilled once), cleared by BackfillDone.
  virtual Result<bool> BackfillPending() = 0;
  virtual Status BackfillDone() = 0;
  // Offset pages (page.offset, page.limit, page.count) in the request's order.
  // kInvalidArgument for a term the type cannot answer.
  virtual Result<SearchPage> Tickets(AccountId account, const SearchRequest& r,
                                     const PageRequest& page) = 0;
  virtual Result<SearchPage> Users(AccountId account, const SearchRequest& r,
                                   const PageRequest& page) = 0;
  virtual Result<SearchPage> Organizations(AccountId account, const SearchRequest& r,
                                           const PageRequest& page) = 0;
};

}  // namespace comptoir::storage
