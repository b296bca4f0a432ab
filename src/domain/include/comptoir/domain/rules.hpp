// Business rules as data: the condition tree and the actions that triggers, automations,
// views, macros (and later SLA policies) are made of, and the rule records themselves.
// One condition tree for all of them: `rules` evaluates it in memory (triggers,
// automations), the storage adapters compile it to SQL (views, the automation sweep).
// Plain values; no I/O. Field, operator and action names are Zendesk's
// (reference §3.1–3.3), kept as strings so that a rule round-trips unchanged.
#pragma once

#include <boost/json/value.hpp>
#include <string>
#include <vector>

#include "comptoir/common/clock.hpp"
#include "comptoir/common/ids.hpp"

namespace comptoir::domain {

using TriggerId = Id<struct TriggerTag>;
using TriggerCategoryId = Id<struct TriggerCategoryTag>;
using AutomationId = Id<struct AutomationTag>;
using ViewId = Id<struct ViewTag>;
using MacroId = Id<struct MacroTag>;

// {"field":"status","operator":"less_than","value":"solved"}. `value` is a string, an
// array, a number or null, as the client sent it (ids as strings, e.g. "296220096").
struct Condition {
  std::string field;
  std::string op;
  boost::json::value value;
  friend bool operator==(const Condition&, const Condition&) = default;
};

// {"all":[…],"any":[…]}: every `all` holds and, when `any` is non-empty, one `any` holds.
struct ConditionSet {
  std::vector<Condition> all;
  std::vector<Condition> any;
  bool empty() const { return all.empty() && any.empty(); }
  friend bool operator==(const ConditionSet&, const ConditionSet&) = default;
};

// {"field":"status","value":"open"}; `value` a string, an array (notification_user:
// [recipient, subject, body]) or a number.
struct Action {
  std::string field;
  boost::json::value value;
  friend bool operator==(const Action&, const Action&) = default;
};

// Who may see and use a view or macro: everybody (kNone), the members of groups, or one user.
struct Restriction {
  enum class Type { kNone, kGroup, kUser };
  Type type = Type::kNone;
  std::vector<std::int64_t> ids;  // group ids (kGroup) or the one user id (kUser)
  friend bool operator==(const Restriction&, const Restriction&) = default;
};

struct TriggerCategory {
  TriggerCategoryId id;
  AccountId account_id;
  std::string name;
  int position = 0;
  Timestamp created_at = 0;
  Timestamp updated_at = 0;
};

struct Trigger {
  TriggerId id;
  AccountId account_id;
  std::string title;
  std::string raw_title;
  std::string description;
  bool active = true;
  bool is_default = false;  // one of the account's default triggers (still editable)
  int position = 0;
  TriggerCategoryId category_id;
  ConditionSet conditions;
  std::vector<Action> actions;
  Timestamp created_at = 0;
  Timestamp updated_at = 0;
};

struct Automation {
  AutomationId id;
  AccountId account_id;
  std::string title;
  std::string raw_title;
  bool active = true;
  bool is_default = false;
  int position = 0;
  ConditionSet conditions;
  std::vector<Action> actions;
  Timestamp created_at = 0;
  Timestamp updated_at = 0;
};

// A view's `output`/`execution`: columns, grouping and sorting.
struct ViewOutput {
  std::vector<std::string> columns;  // column ids ("status", "requester", "nice_id", …
                                     // or a custom field id as a string)
  std::string group_by;              // "" = not grouped
  std::string group_order = "asc";
  std::string sort_by;  // "" = the default order (created, descending by id)
  std::string sort_order = "desc";
  friend bool operator==(const ViewOutput&, const ViewOutput&) = default;
};

struct View {
  ViewId id;
  AccountId account_id;
  std::string title;
  std::string raw_title;
  std::string description;
  bool active = true;
  bool is_default = false;
  int position = 0;
  Restriction restriction;
  ConditionSet conditions;
  ViewOutput output;
  Timestamp created_at = 0;
  Timestamp updated_at = 0;
};

struct Macro {
  MacroId id;
  AccountId account_id;
  std::string title;  // "Category::Sub::Name" splits into categories as Zendesk does
  std::string raw_title;
  std::string description;
  bool active = true;
  bool is_default = false;
  int position = 0;
  Restriction restriction;
  std::vector<Action> actions;
  std::int64_t usage_count = 0;
  Timestamp created_at = 0;
  Timestamp updated_at = 0;
};

}  // namespace comptoir::domain
