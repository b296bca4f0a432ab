// rules: the business-rules engine. Pure functions over domain values (no I/O): the
// condition tree parsed from and written to Zendesk's JSON, validated against what the
// account has (a Catalog the caller loads), evaluated in memory for one ticket (triggers,
// automations), and actions applied to a ticket (triggers, automations, macros).
// Views and the automation sweep compile the same tree to SQL in the storage adapters.
//
// Side effects (emails, webhooks, targets) are not performed here: a firing returns
// Effects, whose templates the services render and enqueue in the same transaction.
#pragma once

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "comptoir/common/status.hpp"
#include "comptoir/domain/rules.hpp"
#include "comptoir/domain/tickets.hpp"

namespace comptoir::rules {

enum class RuleKind { kTrigger, kAutomation, kView, kMacro };

// What the account has, for validation and `definitions`: the ids a rule may name.
struct Catalog {
  struct Named {
    std::int64_t id = 0;
    std::string name;
  };
  std::vector<Named> groups;
  std::vector<Named> agents;  // agents and admins (assignee, notification_user)
  std::vector<Named> organizations;
  std::vector<Named> brands;
  std::vector<Named> ticket_forms;
  std::vector<Named> webhooks;  // active webhooks (notification_webhook)
  std::vector<Named> targets;   // active legacy targets (notification_target)
  std::vector<Named> schedules;
  std::vector<domain::TicketField> ticket_fields;  // custom fields: type and options
  // Whether a list above was loaded. Ids of a list that was not are not checked (a store
  // without that table yet); the ids of a loaded list must exist.
  bool organizations_loaded = true;
  bool brands_loaded = true;
  bool webhooks_loaded = true;
  bool targets_loaded = true;
  bool schedules_loaded = true;
};

// --- JSON ⇄ data -------------------------------------------------------------------
// Shape errors (not an object, a condition without "field", …) are kValidation naming
// the place ("conditions.all[2]: field is required").
Result<domain::ConditionSet> ParseConditions(const boost::json::value& v);
boost::json::object ConditionsToJson(const domain::ConditionSet& c);
Result<std::vector<domain::Action>> ParseActions(const boost::json::value& v);
boost::json::array ActionsToJson(const std::vector<domain::Action>& actions);

// --- validation ----------------------------------------------------------------------
// An unknown field, an operator the field does not take, a value that is not one of the
// field's values (or an id the account does not have), a template that does not parse:
// kValidation (422) naming the condition or action, e.g.
// "conditions.all[1]: status does not take the operator includes".
Status ValidateConditions(RuleKind kind, const domain::ConditionSet& c, const Catalog& catalog);
Status ValidateActions(RuleKind kind, const std::vector<domain::Action>& actions,
                       const Catalog& catalog);
// Zendesk's extra rules for automations: a time condition in `all` (none in `any`), a
// condition on status, type, group, assignee or requester, whole hours, and
// nullification (a condition its own actions make false, or one true only once).
Status ValidateAutomation(const domain::Automation& a, const Catalog& catalog);

// GET /{triggers,automations,views,macros}/definitions:
// {"actions":[…],"conditions_all":[…],"conditions_any":[…]} with subject, title, type,
// group, nullable, repeatable, operators and values, as Zendesk shows them.
boost::json::object Definitions(RuleKind kind, const Catalog& catalog);

// --- evaluation -------------------------------------------------------------------------
// The account's business-hours schedules at the update, computed by the caller (the rules
// do no calendar arithmetic): a ticket's schedule is its schedule_id when that is one of
// `schedule_ids`, else the default (the first); with no schedule at all the account works
// in calendar hours and "within business hours" is always true.
struct BusinessHoursFacts {
  std::vector<std::int64_t> schedule_ids;  // the default first
  std::vector<std::int64_t> open_now;      // those open at `UpdateFacts::now`
  // The schedule of `ticket` as above; 0 when the account has none.
  std::int64_t ScheduleOf(const domain::Ticket& ticket) const;
  bool InBusinessHours(const domain::Ticket& ticket) const;
};

// What a condition may ask about the update being made (triggers) besides the ticket.
struct UpdateFacts {
  bool is_create = false;
  domain::Ticket before;  // the ticket before this update (default-constructed on create)
  bool has_comment = false;
  bool comment_is_public = false;
  std::string comment_text;  // plain text of this update's comment
  bool has_attachment = false;
  std::string current_via = "api";  // channel of this update (domain via name)
  UserId current_user;
  std::string current_user_role = "end-user";  // "end-user", "agent", "admin"
  std::vector<std::int64_t> current_user_groups;
  std::string requester_role = "end-user";
  Timestamp now = 0;
  BusinessHoursFacts business_hours;
};

// Whether `ticket` matches `conditions` (all/any). Time conditions ("hours since") use
// `facts.now`; update conditions (update_type, comment_*, changed…) read `facts`.
bool Matches(const domain::ConditionSet& conditions, const domain::Ticket& ticket,
             const UpdateFacts& facts);

// A side effect asked for by a firing rule. Templates are not rendered here.
struct Effect {
  enum class Kind { kNotifyUser, kNotifyGroup, kWebhook, kTarget };
  Kind kind = Kind::kNotifyUser;
  // kNotifyUser: "requester_id", "assignee_id", "current_user", "requester_and_ccs",
  // "all_agents" or a user id; kNotifyGroup: a group id or "group_id" (the ticket's).
  std::string recipient;
  std::string target_id;  // webhook or target id
  std::string subject;    // Liquid template (notifications)
  std::string body;       // Liquid template (notification body, webhook payload, message)
  std::int64_t rule_id = 0;
  std::string rule_title;
};

// Applies actions to `ticket` (status, priority, type, group, assignee, tags, custom
// fields, cc, follower, satisfaction_score, …); notification actions become Effects.
// Special values ("current_user", "requester_id") resolve through `facts`.
void ApplyActions(std::span<const domain::Action> actions, domain::Ticket& ticket,
                  const UpdateFacts& facts, std::vector<Effect>& effects);

struct Firing {
  std::int64_t rule_id = 0;
  std::string title;
};

struct CycleResult {
  std::vector<Firing> fired;  // in firing order
  std::vector<Effect> effects;
  bool cut = false;  // stopped at the cycle limit (a rule set that would loop)
};

// Zendesk's trigger cycle over `ticket`, which already holds this update's changes:
// active triggers in order (category position, then position), each firing at most once
// per update; after a firing the pass restarts from the first trigger so that every
// trigger sees the new state; the cycle ends when a pass fires none, or at `max_passes`.
CycleResult RunTriggers(std::span<const domain::Trigger> triggers, domain::Ticket& ticket,
                        const UpdateFacts& facts, int max_passes = 100);

// The same cycle over triggers compiled once (field names, operators, ids, enums and words
// decoded): build it when the account's triggers are loaded or change, and run it for
// every update. Immutable; any number of threads may run it at once.
class CompiledTriggers;
std::shared_ptr<const CompiledTriggers> CompileTriggers(std::span<const domain::Trigger> triggers);
CycleResult RunTriggers(const CompiledTriggers& triggers, domain::Ticket& ticket,
                        const UpdateFacts& facts, int max_passes = 100);
// The trigger of a compiled set with this id (to replay a firing's actions), or null.
const domain::Trigger* FindTrigger(const CompiledTriggers& triggers, std::int64_t id);

// What a macro would do to a ticket (never saved by this call).
struct MacroResult {
  domain::Ticket ticket;               // the would-be ticket
  std::string comment_body;            // comment_value (template, unrendered); "" = none
  std::string comment_html;            // comment_value_html (template, unrendered)
  std::optional<bool> comment_public;  // comment_mode_is_public
  std::vector<Effect> effects;
};
MacroResult ApplyMacro(const domain::Macro& macro, const domain::Ticket& ticket,
                       const UpdateFacts& facts);

}  // namespace comptoir::rules
