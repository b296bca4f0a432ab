#include "live.hpp"

#include <algorithm>

#include <boost/json.hpp>

#include "comptoir/common/clock.hpp"

namespace comptoir::api {

namespace json = boost::json;

http::WebSocketAccept LiveHub::Accept(const domain::Actor& actor, std::vector<GroupId> groups,
                                      std::string name, CanViewFn can_view) {
  auto viewer = std::make_shared<Viewer>();
  viewer->actor = actor;
  viewer->scope.groups = std::move(groups);
  viewer->name = std::move(name);
  viewer->can_view = std::move(can_view);
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
  accept.on_message = [this, viewer](const http::WebSocketPtr& conn, std::string text) {
    if (std::string_view(text) == std::string_view("ping")) {
      conn->Send(std::string("pong"));
      return;
    }
    boost::system::error_code ec;
    json::value v = json::parse(text, ec);
    if (ec || !v.is_object()) return;
    const json::object& m = v.as_object();
    const json::value* type = m.if_contains("type");
    if (type == nullptr || !type->is_string() || type->as_string() != "viewing") return;
    const json::value* id = m.if_contains("ticket_id");
    std::int64_t ticket_id = id != nullptr && id->is_int64() ? id->as_int64() : 0;
    if (ticket_id < 0) ticket_id = 0;
    OnViewing(viewer, ticket_id);
  };
  accept.on_close = [this, viewer](const http::WebSocketPtr& conn) {
    std::lock_guard lock(mu_);
    const std::int64_t account = viewer->actor.account_id.value;
    auto it = viewers_.find(account);
    if (it == viewers_.end()) return;
    it->second.erase(conn->id());
    if (it->second.empty()) viewers_.erase(it);
    const std::int64_t was = viewer->viewing;
    viewer->viewing = 0;
    if (was != 0) SendPresenceLocked(account, was);
  };
  return accept;
}

void LiveHub::OnViewing(const std::shared_ptr<Viewer>& viewer, std::int64_t ticket_id) {
  // The check reads the store: outside the lock.
  if (ticket_id != 0 && (!viewer->can_view || !viewer->can_view(TicketId(ticket_id)))) {
    ticket_id = 0;  // not theirs to see: as if they showed no ticket
  }
  std::lock_guard lock(mu_);
  const std::int64_t was = viewer->viewing;
  if (was == ticket_id) {
    if (ticket_id != 0) SendPresenceLocked(viewer->actor.account_id.value, ticket_id);
    return;
  }
  viewer->viewing = ticket_id;
  if (was != 0) SendPresenceLocked(viewer->actor.account_id.value, was);
  if (ticket_id != 0) SendPresenceLocked(viewer->actor.account_id.value, ticket_id);
}

void LiveHub::SendPresenceLocked(std::int64_t account, std::int64_t ticket_id) {
  auto it = viewers_.find(account);
  if (it == viewers_.end()) return;
  json::array people;
  std::vector<std::int64_t> seen;
  for (const auto& [id, v] : it->second) {
    if (v->viewing != ticket_id) continue;
    const std::int64_t uid = v->actor.user_id.value;
    if (std::find(seen.begin(), seen.end(), uid) != seen.end()) continue;  // two tabs
    seen.push_back(uid);
    people.push_back(json::object{{"user_id", uid}, {"name", v->name}});
  }
  auto text = std::make_shared<const std::string>(json::serialize(json::object{
      {"type", "presence"}, {"ticket_id", ticket_id}, {"viewers", std::move(people)}}));
  for (const auto& [id, v] : it->second) {
    if (v->viewing == ticket_id) v->conn->Send(text);
  }
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
  auto id_of = [&](const char* key) -> std::int64_t {
    const json::value* f = e.if_contains(key);
    return f != nullptr && f->is_int64() ? f->as_int64() : 0;
  };
  if (*type == "broadcast") {
    // An agent broadcast: to the account's agents and admins; each reads its own list.
    auto text = std::make_shared<const std::string>(json::serialize(
        json::object{{"type", "broadcast"}, {"broadcast_id", id_of("broadcast_id")}}));
    std::lock_guard lock(mu_);
    auto it = viewers_.find(id_of("account_id"));
    if (it == viewers_.end()) return;
    for (const auto& [id, viewer] : it->second) {
      if (viewer->actor.is_staff()) viewer->conn->Send(text);
    }
    return;
  }
  if (*type != "ticket") return;
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
