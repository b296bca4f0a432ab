// TicketService: the ticket use cases — create (finding or creating the requester),
// update with a comment, Zendesk's status rules, safe updates, tags, soft delete and
// restore, merge, comments (make private, redact), audits, and the end-user view of
// tickets (requests). Every change is one transaction that writes the ticket, the
// comment and one audit with an event per changed property.
// Errors: kNotFound for tickets the caller may not see (never 403), kValidation with the
// field named, kConflict for a safe update that lost the race. Thread-safe.
#pragma once

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "comptoir/rules/rules.hpp"
#include "comptoir/services/auth_service.hpp"
#include "comptoir/services/context.hpp"
#include "comptoir/services/ticket_field_service.hpp"
#include "comptoir/services/ticket_metrics.hpp"
#include "comptoir/services/trigger_service.hpp"
#include "comptoir/services/upload_service.hpp"
#include "comptoir/services/user_service.hpp"

namespace comptoir::services {

struct CommentInput {
  std::optional<std::string> body;
  std::optional<std::string> html_body;
  std::optional<bool> is_public;  // default true; end users always public
  std::int64_t author_id = 0;     // default: the caller
  std::vector<std::string> uploads;
  boost::json::object metadata;  // stored as metadata.custom
};

struct RequesterInput {
  std::string name;
  std::string email;
  std::string locale;
};

// A user named by id, by email, or by name + email (collaborators, email CCs).
struct UserRef {
  std::int64_t id = 0;
  std::string email;
  std::string name;
  bool remove = false;  // email_ccs/followers "action": "delete"
};

struct TicketInput {
  // Business rules (triggers) run on this write; false for imports, as in Zendesk.
  bool run_triggers = true;
  std::optional<std::string> subject, raw_subject, external_id, recipient, status, priority, type,
      assignee_email;
  std::optional<std::int64_t> requester_id, submitter_id, assignee_id, group_id, organization_id,
      brand_id, ticket_form_id, problem_id;
  std::optional<RequesterInput> requester;
  std::optional<std::vector<std::string>> tags;
  std::vector<std::string> additional_tags, remove_tags;
  std::optional<boost::json::array> custom_fields;
  std::optional<Timestamp> due_at;                    // 0 clears
  std::optional<std::vector<UserRef>> collaborators;  // replaces
  std::vector<UserRef> additional_collaborators;
  std::vector<UserRef> email_ccs;  // put / delete actions
  std::vector<UserRef> followers;  // put / delete actions
  std::optional<CommentInput> comment;
  bool safe_update = false;
  std::string updated_stamp;  // ISO-8601 updated_at the client last saw
  std::string via_channel = "api";
  boost::json::object metadata;  // audit metadata.custom
  std::string via_source;        // audit via source JSON ("" = the default)
};

struct TicketChange {
  domain::Ticket ticket;
  domain::Audit audit;
};

// The rule a change comes from, for the audit's via source:
// {"rel":"automation","from":{"id":…,"title":…},"to":{}}.
struct RuleSource {
  std::string rel = "automation";
  std::int64_t id = 0;
  std::string title;
};

// A ticket imported with its history (POST /imports/tickets): times as given, comments
// in order with their authors and times; no rules run.
struct ImportComment {
  std::optional<std::string> body, html_body;
  bool is_public = true;
  std::int64_t author_id = 0;  // default: the requester
  Timestamp created_at = 0;    // default: the ticket's created_at
};
struct TicketImportInput {
  TicketInput ticket;  // subject, requester, assignee, group, status, tags, fields, …
  std::vector<ImportComment> comments;
  Timestamp created_at = 0;  // default: now
  Timestamp updated_at = 0;  // default: the last comment's time, else created_at
  Timestamp solved_at = 0;   // default (solved / closed): updated_at
};

struct MergeInput {
  std::vector<std::int64_t> source_ids;
  std::string target_comment;
  std::string source_comment;
  bool target_comment_is_public = false;
  bool source_comment_is_public = false;
};

class TicketService {
 public:
  // `triggers`: the account's triggers run on every create and update (none when null).
  TicketService(ServiceEnv env, UserService& users, UploadService& uploads,
                TicketFieldService& fields, TriggerService* triggers = nullptr)
      : env_(env), users_(users), uploads_(uploads), fields_(fields), triggers_(triggers) {}

  // Where the side effects of the triggers that fired on a write go (notifications,
  // webhooks, targets): called inside the write's transaction, after its audit is stored,
  // with the ticket as saved; it may enqueue jobs with `tx` and append audit events
  // ("Notification", "Webhook", …) to `audit_events`, which are then saved with the audit.
  // An error rolls the whole write back. Without a sink, each effect is recorded as an
  // audit event only. Set it before serving.
  using EffectSink = std::function<Status(storage::Transaction& tx, const Context& ctx,
                                          const domain::Ticket& ticket, const domain::Audit& audit,
                                          const std::vector<rules::Effect>& effects,
                                          boost::json::array& audit_events)>;
  void SetEffectSink(EffectSink sink) { sink_ = std::move(sink); }
  // Called on this node once a create or update has committed (other nodes learn of it
  // through the ticket event): caches that must read their own writes (view counts).
  void SetAfterWrite(std::function<void(AccountId)> fn) { after_write_ = std::move(fn); }
  // The account's business-hours facts at the update, for the triggers' in_business_hours
  // and within_schedule conditions (none set: calendar hours). Set it before serving.
  using BusinessHoursFn = std::function<Result<rules::BusinessHoursFacts>(
      storage::Transaction& tx, AccountId account, Timestamp now)>;
  void SetBusinessHours(BusinessHoursFn fn) { business_hours_ = std::move(fn); }
  // The SLA clocks (SlaService::OnTicketWritten), called inside every create and update's
  // transaction after the triggers, with the ticket before and as saved, and the write's
  // comment (nullptr when none). An error rolls the write back.
  using SlaHook = std::function<Status(storage::Transaction& tx, const domain::Ticket& before,
                                       const domain::Ticket& after, bool creating,
                                       const domain::Comment* comment)>;
  void SetSlaHook(SlaHook fn) { sla_hook_ = std::move(fn); }
  // The metric sets every write keeps (ticket_metrics.hpp); set its schedule lookup
  // before serving.
  TicketMetrics& metrics() { return metrics_; }
  // At most this many trigger firings per write (then the cycle is cut with an audit note).
  static constexpr int kMaxTriggerFirings = 100;

  Result<TicketChange> Create(const Context& ctx, const TicketInput& in);
  Result<TicketChange> Update(const Context& ctx, TicketId id, const TicketInput& in);
  Result<domain::Ticket> Get(const Context& ctx, TicketId id);
  Result<std::vector<domain::Ticket>> GetMany(const Context& ctx, const std::vector<TicketId>& ids);
  // Applies the caller's access restriction to `filter` before listing.
  Result<storage::Page<domain::Ticket>> List(const Context& ctx, storage::TicketFilter filter,
                                             const storage::PageRequest& page);
  Result<std::int64_t> Count(const Context& ctx, storage::TicketFilter filter);

  Status Delete(const Context& ctx, TicketId id);  // soft
  Result<domain::Ticket> Restore(const Context& ctx, TicketId id);
  Status DeletePermanently(const Context& ctx, TicketId id);

  enum class TagOp { kSet, kAdd, kRemove };
  Result<std::vector<std::string>> ChangeTags(const Context& ctx, TicketId id, TagOp op,
                                              const std::vector<std::string>& tags,
                                              const std::string& updated_stamp);
  Result<std::vector<std::pair<std::string, std::int64_t>>> TagCounts(const Context& ctx,
                                                                      int limit);

  // Comments, oldest first unless page.descending; end users see public ones only.
  Result<storage::Page<domain::Comment>> Comments(const Context& ctx, TicketId id,
                                                  const storage::PageRequest& page);
  Result<std::vector<domain::Attachment>> AttachmentsOf(const Context& ctx,
                                                        const std::vector<CommentId>& comments);
  Status MakePrivate(const Context& ctx, TicketId id, CommentId comment);
  Result<domain::Comment> Redact(const Context& ctx, TicketId id, CommentId comment,
                                 const std::string& text);

  Result<storage::Page<domain::Audit>> Audits(const Context& ctx, TicketId id,
                                              const storage::PageRequest& page);
  Result<domain::Audit> GetAudit(const Context& ctx, TicketId id, AuditId audit);
  // Every audit of the account (admins).
  Result<storage::Page<domain::Audit>> AllAudits(const Context& ctx,
                                                 const storage::PageRequest& page);
  // The comments that belong to these audits (for Comment events).
  Result<std::vector<domain::Comment>> CommentsOfAudits(const Context& ctx,
                                                        const std::vector<AuditId>& audits);

  // Merges the source tickets into `target`: comments on both sides, sources closed.
  Result<domain::Ticket> Merge(const Context& ctx, TicketId target, const MergeInput& in);

  // The ticket access scope of the caller (their groups, or shared organisations).
  domain::TicketScope ScopeOf(storage::Transaction& tx, const Context& ctx);
  // Applies what a rule made of a ticket: the fields of `desired` that differ from the
  // stored ticket `id` are written as one update by the system through the ordinary
  // ticket rules (via "rule", the audit's source naming the rule); `extra_events` (e.g.
  // Notification events) are added to that audit. Used by the automation sweep.
  Result<TicketChange> ApplyAsRule(storage::Transaction& tx, const Context& ctx, TicketId id,
                                   const domain::Ticket& desired, const RuleSource& source,
                                   const boost::json::array& extra_events);
  // Imports a ticket with its past (admins): kValidation as Create, kPermissionDenied.
  Result<TicketChange> Import(const Context& ctx, const TicketImportInput& in);
  // Narrows `filter` to the tickets the caller may see (lists, views).
  void RestrictToCaller(storage::Transaction& tx, const Context& ctx,
                        storage::TicketFilter& filter);

 private:
  Result<TicketChange> Apply(storage::Transaction& tx, const Context& ctx, domain::Ticket& t,
                             const TicketInput& in, bool creating);
  Result<domain::Ticket> LoadVisible(storage::Transaction& tx, const Context& ctx, TicketId id);
  Result<UserId> ResolveUser(storage::Transaction& tx, const Context& ctx, const UserRef& ref,
                             const std::string& field);

  ServiceEnv env_;
  UserService& users_;
  UploadService& uploads_;
  TicketFieldService& fields_;
  TriggerService* triggers_ = nullptr;
  EffectSink sink_;
  std::function<void(AccountId)> after_write_;
  BusinessHoursFn business_hours_;
  SlaHook sla_hook_;
  TicketMetrics metrics_;
};

}  // namespace comptoir::services
