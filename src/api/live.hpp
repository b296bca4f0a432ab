// Private to the api module: live pushes to browsers (GET /api/v2/live, a WebSocket).
//
// Events come from Store::Subscribe — on PostgreSQL, from every node through
// LISTEN/NOTIFY — and go to the connections of the event's account whose user may see
// them: a ticket event to the users who may view the ticket (the same policy as the API,
// domain::CanViewTicket, with the agent's groups loaded when the connection opens). The
// messages carry ids only; a screen fetches what changed through the API.
//   {"type":"ticket.created"|"ticket.updated"|"ticket.deleted","ticket_id":42,
//    "updated_at":"2026-11-21T09:30:00Z"}
//   {"type":"resync"}   events may have been missed: refetch what is shown
//   {"type":"hello","user_id":7}   once, when the connection opens
// A client message "ping" is answered "pong".
#pragma once

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
  // Accepts a connection for `actor`, who may see tickets of `groups`.
  http::WebSocketAccept Accept(const domain::Actor& actor, std::vector<GroupId> groups);
  // One event published by any node (JSON text).
  void OnEvent(const std::string& event);

 private:
  struct Viewer {
    domain::Actor actor;
    domain::TicketScope scope;
    http::WebSocketPtr conn;
  };
  mutable std::mutex mu_;
  // account id → connection id → viewer
  std::map<std::int64_t, std::map<std::uint64_t, std::shared_ptr<Viewer>>> viewers_;
};

}  // namespace comptoir::api
