// Private to the api module: live pushes to browsers (GET /api/v2/live, a WebSocket).
//
// Events come from Store::Subscribe — on PostgreSQL, from every node through
// LISTEN/NOTIFY — and go to the connections of the event's account whose user may see
// them: a ticket event to the users who may view the ticket (the same policy as the API,
// domain::CanViewTicket, with the agent's groups loaded when the connection opens). The
// messages carry ids only; a screen fetches what changed through the API.
//   {"type":"ticket.created"|"ticket.updated"|"ticket.deleted","ticket_id":42,
//    "updated_at":"2026-11-21T09:30:00Z"}
//   {"type":"broadcast","broadcast_id":9}   an agent broadcast was sent (agents and admins)
//   {"type":"resync"}   events may have been missed: refetch what is shown
//   {"type":"hello","user_id":7}   once, when the connection opens
// A client message "ping" is answered "pong".
//
// Presence (collision detection): a client says which ticket it shows,
//   {"type":"viewing","ticket_id":42}   (0 or null: none)
// and, when the user may see that ticket (the API's own check), every connection of the
// account viewing it is sent the people there, again whenever one arrives or leaves
// (another ticket, or the connection ends):
//   {"type":"presence","ticket_id":42,"viewers":[{"user_id":7,"name":"Ann"}]}
// A ticket the user may not see is ignored silently (no sign of whether it exists).
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "comptoir/domain/policy.hpp"
#include "comptoir/http/websocket.hpp"

namespace comptoir::api {

class LiveHub {
 public:
  // May the connection's user see this ticket? (Runs on the worker pool.)
  using CanViewFn = std::function<bool(TicketId)>;
  // Accepts a connection for `actor` (shown to others as `name`), who may see tickets of
  // `groups`; `can_view` decides presence requests.
  http::WebSocketAccept Accept(const domain::Actor& actor, std::vector<GroupId> groups,
                               std::string name, CanViewFn can_view);
  // One event published by any node (JSON text).
  void OnEvent(const std::string& event);

 private:
  struct Viewer {
    domain::Actor actor;
    domain::TicketScope scope;
    http::WebSocketPtr conn;
    std::string name;
    CanViewFn can_view;
    std::int64_t viewing = 0;  // the ticket this connection shows (guarded by mu_)
  };
  void OnViewing(const std::shared_ptr<Viewer>& viewer, std::int64_t ticket_id);
  // Sends the viewers of `ticket_id` to every connection of `account` viewing it. mu_ held.
  void SendPresenceLocked(std::int64_t account, std::int64_t ticket_id);
  mutable std::mutex mu_;
  // account id → connection id → viewer
  std::map<std::int64_t, std::map<std::uint64_t, std::shared_ptr<Viewer>>> viewers_;
};

}  // namespace comptoir::api
