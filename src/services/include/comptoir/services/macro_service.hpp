// MacroService: the account's macros (reference §3.7) — shared, group and personal canned
// responses an agent applies to a ticket — and what applying one would do. Applying
// never saves: the would-be ticket and comment go back to the client, which saves them
// with an ordinary ticket update (Zendesk's model). Each call is one transaction.
//
// Who sees a macro: admins all; an agent the macros without restriction, those restricted
// to one of their groups, and their own personal ones. Who changes one: admins any; an
// agent only their personal macros. End users: kPermissionDenied.
// Errors: kNotFound (also for a macro the caller may not see), kPermissionDenied,
// kValidation (422 naming the action). Thread-safe.
#pragma once

#include <boost/json/object.hpp>
#include <optional>
#include <string>
#include <vector>

#include "comptoir/rules/rules.hpp"
#include "comptoir/services/context.hpp"
#include "comptoir/services/placeholders.hpp"

namespace comptoir::services {

class TicketService;

// Fields a request may set; nullopt = leave unchanged (or default on create).
struct MacroInput {
  std::optional<std::string> title;
  std::optional<std::string> description;
  std::optional<bool> active;
  std::optional<int> position;
  std::optional<domain::Restriction> restriction;
  std::optional<std::vector<domain::Action>> actions;
};

struct MacroFilter {
  std::optional<bool> active;
  std::string access;    // "personal", "agents" (group-restricted), "shared", "account"
  std::string category;  // the first part of "Category::Name" titles
  std::int64_t group_id = 0;
  bool only_viewable = false;        // admins: only the ones they could use as an agent
  std::string query;                 // search: title contains (case-insensitive)
  std::string sort_by = "position";  // position, alphabetical, created_at, updated_at,
                                     // usage_1h, usage_24h, usage_7d, usage_30d
  std::string sort_order;            // asc | desc ("" = asc, except dates and usage: desc)
};

// One item of update_many.
struct MacroPatch {
  domain::MacroId id;
  std::optional<int> position;
  std::optional<bool> active;
};

// What applying a macro would do. Comments are rendered with the ticket's placeholders
// when a ticket is given, left as written otherwise.
struct MacroApplication {
  domain::Ticket before;
  domain::Ticket ticket;  // the would-be ticket
  bool has_ticket = false;
  std::string comment_body;  // "" = no comment
  std::string comment_html;
  std::optional<bool> comment_public;
};

class MacroService {
 public:
  // `placeholders`: how comments applied to a ticket are rendered (the notifications'
  // placeholders, services/placeholders.hpp).
  MacroService(ServiceEnv env, TicketService& tickets, PlaceholderOptions placeholders = {})
      : env_(env), tickets_(tickets), placeholders_(std::move(placeholders)) {}

  Result<std::vector<domain::Macro>> List(const Context& ctx, const MacroFilter& filter);
  Result<domain::Macro> Get(const Context& ctx, domain::MacroId id);
  Result<domain::Macro> Create(const Context& ctx, const MacroInput& in);
  // Actions, when given, replace the old ones wholesale.
  Result<domain::Macro> Update(const Context& ctx, domain::MacroId id, const MacroInput& in);
  Status Delete(const Context& ctx, domain::MacroId id);
  // All or nothing: kNotFound when one id is not the caller's to change.
  Status DestroyMany(const Context& ctx, const std::vector<domain::MacroId>& ids);
  Result<std::vector<domain::Macro>> UpdateMany(const Context& ctx,
                                                const std::vector<MacroPatch>& patches);
  // The categories of the macros the caller sees ("A" of "A::B::name"), sorted.
  Result<std::vector<std::string>> Categories(const Context& ctx);
  // {"actions":[…]} as /macros/definitions shows them; Actions() the bare list.
  Result<boost::json::object> Definitions(const Context& ctx);

  // What the macro would do, on its own or to the ticket `ticket` (0 = none; the caller
  // must be able to see it). Counts one use when applied to a ticket.
  Result<MacroApplication> Apply(const Context& ctx, domain::MacroId id, TicketId ticket);

  // Zendesk's default macros, created with a new account (inside its transaction).
  static Status CreateDefaults(storage::Transaction& tx, AccountId account, Timestamp now);

 private:
  bool Visible(const Context& ctx, const std::vector<std::int64_t>& groups,
               const domain::Macro& m) const;
  bool Editable(const Context& ctx, const domain::Macro& m) const;
  Result<domain::Macro> Save(storage::Transaction& tx, const Context& ctx, domain::Macro m,
                             const MacroInput& in, bool creating);

  ServiceEnv env_;
  TicketService& tickets_;
  PlaceholderOptions placeholders_;
};

}  // namespace comptoir::services
