// Context: who is calling and from where, passed to every use case; and ServiceEnv:
// what every service is built on. Plain values; a Context belongs to one request.
#pragma once

#include <string>
#include <vector>

#include "comptoir/common/clock.hpp"
#include "comptoir/domain/policy.hpp"
#include "comptoir/storage/store.hpp"

namespace comptoir::services {

struct Context {
  domain::Actor actor;
  std::string ip_address;
  AccountId account() const { return actor.account_id; }
};

struct ServiceEnv {
  storage::Store& store;
  const Clock& clock;
};

// The caller's ticket scope as far as one ticket goes: whether an agent is in its group,
// whether an end user belongs to its organisation and that organisation shares tickets.
// Two point lookups at most; lists use TicketService::ScopeOf instead.
domain::TicketScope TicketScopeFor(storage::Transaction& tx, const Context& ctx,
                                   const domain::Ticket& ticket);

// Publishes a ticket event to every node's live connections, with the commit of `tx`:
// {"type":"ticket","action":"created|updated|deleted","account_id":…,"ticket_id":…,
//  "group_id":…,"assignee_id":…,"requester_id":…,"organization_id":…,"updated_at":…}.
// Ids only: a screen that cares fetches the ticket through the API, which checks access.
void PublishTicketEvent(storage::Transaction& tx, std::string_view action, const domain::Ticket& t);

// The ids of the groups the caller belongs to (none for the system or an anonymous
// caller): what "current_groups" and group-restricted views and macros mean.
Result<std::vector<std::int64_t>> CallerGroupIds(storage::Transaction& tx, const Context& ctx);

// Records one entry of the account's audit log inside `tx`.
Status RecordAudit(storage::Transaction& tx, const Context& ctx, Timestamp now,
                   std::string source_type, std::int64_t source_id, std::string label,
                   std::string action, std::string description);

}  // namespace comptoir::services
