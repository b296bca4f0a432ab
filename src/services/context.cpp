#include "comptoir/services/context.hpp"

#include <boost/json.hpp>

namespace comptoir::services {

domain::TicketScope TicketScopeFor(storage::Transaction& tx, const Context& ctx,
                                   const domain::Ticket& ticket) {
  domain::TicketScope scope;
  const domain::Actor& actor = ctx.actor;
  if (actor.system || !actor.user_id) return scope;
  if (actor.is_staff()) {
    if (actor.ticket_access == domain::TicketAccess::kWithinGroups && ticket.group_id &&
        tx.group_memberships().Find(ctx.account(), actor.user_id, ticket.group_id).ok()) {
      scope.groups.push_back(ticket.group_id);
    }
  } else if (ticket.organization_id &&
             tx.organization_memberships()
                 .Find(ctx.account(), actor.user_id, ticket.organization_id)
                 .ok()) {
    auto org = tx.organizations().Get(ctx.account(), ticket.organization_id);
    if (org.ok() && org->shared_tickets) scope.shared_organizations.push_back(org->id);
  }
  return scope;
}

void PublishTicketEvent(storage::Transaction& tx, std::string_view action,
                        const domain::Ticket& t) {
  boost::json::object e{{"type", "ticket"},
                        {"action", action},
                        {"account_id", t.account_id.value},
                        {"ticket_id", t.id.value},
                        {"group_id", t.group_id.value},
                        {"assignee_id", t.assignee_id.value},
                        {"requester_id", t.requester_id.value},
                        {"organization_id", t.organization_id.value},
                        {"updated_at", t.updated_at}};
  tx.Publish(boost::json::serialize(e));
}

Status RecordAudit(storage::Transaction& tx, const Context& ctx, Timestamp now,
                   std::string source_type, std::int64_t source_id, std::string label,
                   std::string action, std::string description) {
  domain::AuditLogEntry e;
  e.account_id = ctx.account();
  e.actor_id = ctx.actor.user_id;
  e.source_type = std::move(source_type);
  e.source_id = source_id;
  e.source_label = std::move(label);
  e.action = std::move(action);
  e.change_description = std::move(description);
  e.ip_address = ctx.ip_address;
  e.created_at = now;
  return tx.audit_logs().Insert(e);
}

Result<std::vector<std::int64_t>> CallerGroupIds(storage::Transaction& tx, const Context& ctx) {
  std::vector<std::int64_t> out;
  if (!ctx.actor.user_id) return out;
  storage::MembershipFilter f;
  f.user_id = ctx.actor.user_id;
  storage::PageRequest p;
  p.limit = 1000;
  auto gm = tx.group_memberships().List(ctx.account(), f, p);
  if (!gm.ok()) return gm.status();
  for (const auto& m : gm->items) out.push_back(m.group_id.value);
  return out;
}

}  // namespace comptoir::services
