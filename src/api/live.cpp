#include "live.hpp"

#include <boost/json.hpp>

#include "comptoir/common/clock.hpp"

namespace comptoir::api {

namespace json = boost::json;

http::WebSocketAccept LiveHub::Accept(const domain::Actor& actor, std::vector<GroupId> groups) {
  auto viewer = std::make_shared<Viewer>();
  viewer->actor = actor;
  viewer->scope.groups = std::move(groups);
  http::WebSocketAccept accept;
  accept.on_open = [this, viewer](const http::WebSocketPtr& conn) {
    viewer->conn = conn;
    {
      std::lock_guard lock(mu_);
      viewers_[viewer->actor.account_id.value][conn->id()] = viewer;
    }
    conn->Send(
        json::serialize(json::object{{"type", "hello"}, {"user_id", viewer->actor.user_id.value}}));
  };
  accept.on_message = [](const http::WebSocketPtr& conn, std::string text) {
    if (std::string_view(text) == std::string_view("ping")) conn->Send(std::string("pong"));
  };
  accept.on_close = [this, viewer](const http::WebSocketPtr& conn) {
    std::lock_guard lock(mu_);
    auto it = viewers_.find(viewer->actor.account_id.value);
    if (it == viewers_.end()) return;
    it->second.erase(conn->id());
    if (it->second.empty()) viewers_.erase(it);
  };
  return accept;
}

void LiveHub::OnEvent(const std::string& event) {
  {
    std::lock_guard lock(mu_);
    if (viewers_.empty()) return;  // nobody is watching: no need to read the event
  }
  boost::system::error_code ec;
  json::value v = json::parse(event, ec);
  if (ec || !v.is_object()) return;
  const json::object& e = v.as_object();
  const json::value* type = e.if_contains("type");
  if (type == nullptr || !type->is_string()) return;
  if (*type == "resync") {
    auto text = std::make_shared<const std::string>(R"({"type":"resync"})");
    std::lock_guard lock(mu_);
    for (const auto& [account, conns] : viewers_) {
      for (const auto& [id, viewer] : conns) viewer->conn->Send(text);
    }
    return;
  }
  if (*type != "ticket") return;
  auto id_of = [&](const char* key) -> std::int64_t {
    const json::value* f = e.if_contains(key);
    return f != nullptr && f->is_int64() ? f->as_int64() : 0;
  };
  domain::Ticket t;
  t.account_id = AccountId(id_of("account_id"));
  t.id = TicketId(id_of("ticket_id"));
  t.group_id = GroupId(id_of("group_id"));
  t.assignee_id = UserId(id_of("assignee_id"));
  t.requester_id = UserId(id_of("requester_id"));
  t.organization_id = OrganizationId(id_of("organization_id"));
  const json::value* action = e.if_contains("action");
  std::string kind = "ticket.updated";
  if (action != nullptr && action->is_string()) {
    kind.resize(7);  // "ticket."
    kind.append(action->as_string().data(), action->as_string().size());
  }
  auto text = std::make_shared<const std::string>(json::serialize(json::object{
      {"type", kind},
      {"ticket_id", t.id.value},
      {"assignee_id", t.assignee_id ? json::value(t.assignee_id.value) : json::value(nullptr)},
      {"updated_at", FormatIso8601(id_of("updated_at"))}}));
  std::lock_guard lock(mu_);
  auto it = viewers_.find(t.account_id.value);
  if (it == viewers_.end()) return;
  for (const auto& [id, viewer] : it->second) {
    if (domain::CanViewTicket(viewer->actor, t, viewer->scope)) viewer->conn->Send(text);
  }
}

}  // namespace comptoir::api
