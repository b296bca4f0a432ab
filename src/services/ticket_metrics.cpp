#include "comptoir/services/ticket_metrics.hpp"

#include "comptoir/services/ticket_service.hpp"

namespace comptoir::services {

Status TicketMetrics::OnTicketWritten(storage::Transaction& tx, const domain::Ticket* before,
                                      const domain::Ticket& after, bool comment_added,
                                      bool agent_reply, Timestamp now) const {
  domain::BusinessSeconds business = domain::CalendarOnly();
  if (lookup_) {
    auto b = lookup_(tx, after.account_id, after.schedule_id);
    if (!b.ok()) return b.status();
    if (*b) business = **b;
  }
  domain::TicketMetricSet m;
  auto existing = tx.ticket_metrics().ForTicket(after.account_id, after.id);
  if (existing.ok()) {
    m = *existing;
  } else if (existing.status().code() != ErrorCode::kNotFound) {
    return existing.status();
  } else if (before != nullptr) {
    // A ticket written without a set (imported rows): start it from the ticket as it was.
    domain::TicketWrite start{nullptr, before, false, false, before->created_at};
    domain::ApplyTicketWrite(m, start, business);
  }
  domain::TicketWrite w{m.id == 0 && before == nullptr ? nullptr : before, &after, comment_added,
                        agent_reply, now};
  domain::ApplyTicketWrite(m, w, business);
  return tx.ticket_metrics().Put(m).status();
}

Result<storage::Page<domain::TicketMetricSet>> TicketMetricService::List(
    const Context& ctx, const storage::PageRequest& page) {
  if (!ctx.actor.is_staff()) return PermissionDenied();
  Result<storage::Page<domain::TicketMetricSet>> out = storage::Page<domain::TicketMetricSet>{};
  COMPTOIR_RETURN_IF_ERROR(env_.store.Read([&](storage::Transaction& tx) {
    storage::TicketFilter filter;
    tickets_.RestrictToCaller(tx, ctx, filter);
    out = tx.ticket_metrics().List(ctx.account(), filter, page);
    return Status::Ok();
  }));
  return out;
}

Result<domain::TicketMetricSet> TicketMetricService::Get(const Context& ctx, std::int64_t id) {
  if (!ctx.actor.is_staff()) return PermissionDenied();
  Result<domain::TicketMetricSet> m = NotFound();
  COMPTOIR_RETURN_IF_ERROR(env_.store.Read([&](storage::Transaction& tx) {
    m = tx.ticket_metrics().Get(ctx.account(), id);
    return Status::Ok();
  }));
  if (!m.ok()) return m;
  auto t = tickets_.Get(ctx, m->ticket_id);  // the caller may see the ticket
  if (!t.ok()) return t.status();
  return m;
}

Result<domain::TicketMetricSet> TicketMetricService::ForTicket(const Context& ctx,
                                                               TicketId ticket) {
  if (!ctx.actor.is_staff()) return PermissionDenied();
  auto t = tickets_.Get(ctx, ticket);
  if (!t.ok()) return t.status();
  Result<domain::TicketMetricSet> m = NotFound();
  COMPTOIR_RETURN_IF_ERROR(env_.store.Read([&](storage::Transaction& tx) {
    m = tx.ticket_metrics().ForTicket(ctx.account(), ticket);
    return Status::Ok();
  }));
  return m;
}

Result<std::vector<domain::TicketMetricSet>> TicketMetricService::ForTickets(
    const Context& ctx, const std::vector<TicketId>& tickets) {
  if (!ctx.actor.is_staff()) return std::vector<domain::TicketMetricSet>{};
  Result<std::vector<domain::TicketMetricSet>> out = std::vector<domain::TicketMetricSet>{};
  COMPTOIR_RETURN_IF_ERROR(env_.store.Read([&](storage::Transaction& tx) {
    for (std::size_t i = 0; i < tickets.size(); i += 500) {
      std::vector<TicketId> chunk(
          tickets.begin() + static_cast<std::ptrdiff_t>(i),
          tickets.begin() + static_cast<std::ptrdiff_t>(std::min(tickets.size(), i + 500)));
      auto part = tx.ticket_metrics().ForTickets(ctx.account(), chunk);
      if (!part.ok()) {
        out = part.status();
        return Status::Ok();
      }
      for (auto& m : *part) out->push_back(std::move(m));
    }
    return Status::Ok();
  }));
  return out;
}

}  // namespace comptoir::services
