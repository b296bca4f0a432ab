// Tickets and what hangs off them: comments, audits (with their events), attachments,
// custom ticket fields and ticket forms. Plain values; no I/O.
#pragma once

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "comptoir/common/clock.hpp"
#include "comptoir/common/ids.hpp"

namespace comptoir::domain {

// Ordered: rules compare statuses with less_than / greater_than on this order.
enum class TicketStatus { kNew, kOpen, kPending, kHold, kSolved, kClosed };
enum class TicketPriority { kNone, kLow, kNormal, kHigh, kUrgent };
enum class TicketType { kNone, kProblem, kIncident, kQuestion, kTask };

const char* StatusName(TicketStatus s);  // "new", "open", …
std::optional<TicketStatus> ParseStatus(std::string_view s);
const char* PriorityName(TicketPriority p);  // "" for kNone (rendered as null)
std::optional<TicketPriority> ParsePriority(std::string_view s);
const char* TypeName(TicketType t);  // "" for kNone
std::optional<TicketType> ParseType(std::string_view s);

struct Ticket {
  TicketId id;
  AccountId account_id;
  std::string external_id;
  std::string subject;
  std::string raw_subject;
  std::string description;  // the first comment's plain text
  std::string recipient;
  TicketStatus status = TicketStatus::kNew;
  TicketPriority priority = TicketPriority::kNone;
  TicketType type = TicketType::kNone;
  UserId requester_id;
  UserId submitter_id;
  UserId assignee_id;
  OrganizationId organization_id;
  GroupId group_id;
  std::int64_t brand_id = 0;
  TicketFormId ticket_form_id;
  TicketId problem_id;  // incidents: the problem they belong to
  std::vector<std::int64_t> collaborator_ids;
  std::vector<std::int64_t> follower_ids;
  std::vector<std::int64_t> email_cc_ids;
  std::vector<std::string> tags;
  boost::json::array custom_fields;  // [{"id": field id, "value": …}]
  std::string via_channel = "api";
  std::string via_source;  // JSON {"from":{},"to":{},"rel":null}; "" = default
  bool is_public = true;
  Timestamp due_at = 0;
  Timestamp created_at = 0;
  Timestamp updated_at = 0;
  Timestamp solved_at = 0;
  Timestamp deleted_at = 0;  // soft-deleted when non-zero
  // What time-based rules (automations, views: "hours since …") measure from.
  Timestamp status_updated_at = 0;               // the current status was set
  Timestamp initially_assigned_at = 0;           // first given an assignee
  Timestamp assigned_at = 0;                     // last given an assignee
  Timestamp requester_updated_at = 0;            // last comment or change by the requester
  Timestamp assignee_updated_at = 0;             // last comment or change by the assignee
  int reopens = 0;                               // solved → open transitions
  int replies = 0;                               // public agent comments
  std::string satisfaction_score = "unoffered";  // offered, good, bad, …
  bool has_incidents = false;                    // problems: computed when read, not stored
  // The business-hours schedule a trigger set (set_schedule); nullopt = the account's
  // default schedule. Not part of Zendesk's ticket JSON.
  std::optional<std::int64_t> schedule_id;
  // SLA (kept by the SLA clocks, never written by a ticket update): the earliest breach
  // of a running target (past when overdue) and the latest breach recorded; 0 = none.
  Timestamp sla_next_breach_at = 0;
  Timestamp sla_last_breach_at = 0;
  // Incremental exports: the stream position of the last write (read only; the store
  // sets it on every write, see storage_sql README).
  Timestamp generated_timestamp = 0;
};

struct Comment {
  CommentId id;
  AccountId account_id;
  TicketId ticket_id;
  AuditId audit_id;
  UserId author_id;
  std::string body;        // plain text as given (or derived from html_body)
  std::string html_body;   // sanitised HTML, wrapped as Zendesk does
  std::string plain_body;  // text content
  bool is_public = true;
  std::string via_channel = "api";
  std::string metadata;  // JSON {"system":{…},"custom":{…}}
  Timestamp created_at = 0;
};

// One change of a ticket: who, through which channel, and its events (JSON objects
// {"id","type","field_name","value","previous_value"} and {"type":"Comment",…}).
struct Audit {
  AuditId id;
  AccountId account_id;
  TicketId ticket_id;
  UserId author_id;
  std::string via_channel = "api";
  std::string via_source;
  std::string metadata;  // JSON
  boost::json::array events;
  Timestamp created_at = 0;
};

struct Attachment {
  AttachmentId id;
  AccountId account_id;
  std::string upload_token;  // the token of the upload that brought it
  CommentId comment_id;      // 0 until a comment uses the upload
  TicketId ticket_id;
  UserId uploader_id;
  std::string file_name;
  std::string content_type;  // detected from the bytes, never trusted from the client
  std::string content_hash;  // SHA-256 hex: the blob's address
  std::int64_t size = 0;
  bool is_inline = false;
  bool redacted = false;
  Timestamp created_at = 0;
};

struct TicketFieldOption {
  std::int64_t id = 0;
  std::string name;
  std::string value;  // the tag set on the ticket when chosen
  int position = 0;
  bool is_default = false;
};

struct TicketField {
  TicketFieldId id;
  AccountId account_id;
  std::string type;  // text, textarea, checkbox, date, integer, decimal, regexp, tagger,
                     // multiselect, partialcreditcard; system: subject, description,
                     // status, tickettype, priority, group, assignee
  std::string title;
  std::string description;
  std::string title_in_portal;
  int position = 0;
  bool active = true;
  bool required = false;            // for agents
  bool required_in_portal = false;  // for end users
  bool visible_in_portal = false;
  bool editable_in_portal = false;
  bool removable = true;  // false for system fields
  bool agent_can_edit = true;
  std::string regexp_for_validation;
  std::string tag;                         // checkbox: tag added when checked
  std::vector<TicketFieldOption> options;  // tagger / multiselect
  Timestamp created_at = 0;
  Timestamp updated_at = 0;
};

struct TicketForm {
  TicketFormId id;
  AccountId account_id;
  std::string name;
  std::string display_name;
  int position = 0;
  bool active = true;
  bool is_default = false;
  bool end_user_visible = true;
  bool in_all_brands = true;
  std::vector<std::int64_t> ticket_field_ids;
  Timestamp created_at = 0;
  Timestamp updated_at = 0;
};

}  // namespace comptoir::domain
