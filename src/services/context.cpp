#include "comptoir/services/context.hpp"

namespace comptoir::services {

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

}  // namespace comptoir::services
