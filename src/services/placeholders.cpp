#include "comptoir/services/placeholders.hpp"

#include <algorithm>
#include <boost/json.hpp>
#include <map>
#include <memory>

#include "comptoir/common/clock.hpp"
#include "comptoir/html/sanitize.hpp"

namespace comptoir::services {

namespace json = boost::json;

namespace {

std::string FirstName(const std::string& name) {
  auto sp = name.find(' ');
  return sp == std::string::npos ? name : name.substr(0, sp);
}

std::string LastName(const std::string& name) {
  auto sp = name.rfind(' ');
  return sp == std::string::npos ? std::string() : name.substr(sp + 1);
}

json::object Person(const domain::User& u) {
  return {{"id", u.id.value},
          {"name", u.name},
          {"first_name", FirstName(u.name)},
          {"last_name", LastName(u.name)},
          {"email", u.email},
          {"phone", u.phone},
          {"language", u.locale},
          {"details", u.details},
          {"notes", u.notes},
          {"external_id", u.external_id},
          {"role", domain::RoleName(u.role)}};
}

std::string DateText(Timestamp t) {
  if (t == 0) return {};
  std::string iso = FormatIso8601(t);  // 2026-11-21T11:29:42Z
  if (iso.size() >= 16) return iso.substr(0, 10) + " " + iso.substr(11, 5);
  return iso;
}

// Lazily loaded: the ticket's comments and their authors' names (oldest first).
struct Thread {
  bool loaded = false;
  std::vector<domain::Comment> comments;
  std::map<std::int64_t, std::string> authors;
};

void Load(storage::Transaction& tx, const domain::Ticket& t, Thread& th) {
  if (th.loaded) return;
  th.loaded = true;
  storage::PageRequest page;
  page.limit = 1000;
  auto list = tx.comments().ListForTicket(t.account_id, t.id, false, page);
  if (!list.ok()) return;
  th.comments = std::move(list->items);
  std::vector<UserId> ids;
  for (const auto& c : th.comments) ids.push_back(c.author_id);
  auto users = tx.users().GetMany(t.account_id, ids);
  if (users.ok()) {
    for (const auto& u : *users) th.authors[u.id.value] = u.name;
  }
}

std::string Formatted(const Thread& th, const domain::Comment& c) {
  auto a = th.authors.find(c.author_id.value);
  std::string who = a == th.authors.end() ? std::string() : a->second;
  return "----------------------------------------------\n\n" + who + ", " +
         DateText(c.created_at) + "\n\n" + (c.plain_body.empty() ? c.body : c.plain_body) + "\n\n";
}

std::string FormattedHtml(const Thread& th, const domain::Comment& c) {
  auto a = th.authors.find(c.author_id.value);
  std::string who = a == th.authors.end() ? std::string() : a->second;
  return "<div class=\"comptoir-comment\"><p><strong>" + html::EscapeHtml(who) + "</strong>, " +
         html::EscapeHtml(DateText(c.created_at)) + "</p>" +
         (c.html_body.empty() ? "<p>" + html::EscapeHtml(c.body) + "</p>" : c.html_body) + "</div>";
}

}  // namespace

std::string AccountUrl(const storage::Account& account, const PlaceholderOptions& options) {
  std::string url = options.public_url;
  while (!url.empty() && url.back() == '/') url.pop_back();
  if (!account.subdomain.empty()) {
    auto scheme = url.find("://");
    std::size_t at = scheme == std::string::npos ? 0 : scheme + 3;
    url.insert(at, account.subdomain + ".");
  }
  return url;
}

const std::vector<std::string>& PlaceholderRoots() {
  static const std::vector<std::string> roots = {"ticket", "current_user", "satisfaction",
                                                 "account", "content"};
  return roots;
}

liquid::Context TicketPlaceholders(storage::Transaction& tx, const storage::Account& account,
                                   const domain::Ticket& t, UserId current_user,
                                   const PlaceholderOptions& options) {
  const std::string base = AccountUrl(account, options);
  const std::string link = base + "/agent/tickets/" + std::to_string(t.id.value);
  auto host_of = [](const std::string& url) {
    auto s = url.find("://");
    return s == std::string::npos ? url : url.substr(s + 3);
  };
  json::object ticket{
      {"id", t.id.value},
      {"title", t.subject},
      {"subject", t.subject},
      {"description", t.description},
      {"url", host_of(link)},
      {"link", link},
      {"status", domain::StatusName(t.status)},
      {"priority", domain::PriorityName(t.priority)},
      {"ticket_type", domain::TypeName(t.type)},
      {"via", t.via_channel},
      {"external_id", t.external_id},
      {"created_at", DateText(t.created_at)},
      {"updated_at", DateText(t.updated_at)},
      {"due_date", t.due_at == 0 ? std::string() : FormatIso8601(t.due_at).substr(0, 10)},
      {"account", account.name}};
  {
    std::string tags;
    for (const auto& tag : t.tags) {
      if (!tags.empty()) tags += ' ';
      tags += tag;
    }
    ticket["tags"] = tags;
  }
  for (const auto& f : t.custom_fields) {
    const auto* o = f.if_object();
    if (o == nullptr || !o->contains("id")) continue;
    const json::value& id = o->at("id");
    std::string key =
        "ticket_field_" + (id.is_int64() ? std::to_string(id.as_int64()) : json::serialize(id));
    const json::value* v = o->if_contains("value");
    if (v == nullptr || v->is_null()) {
      ticket[key] = "";
    } else if (v->is_string()) {
      ticket[key] = v->as_string();
    } else {
      ticket[key] = *v;
    }
  }
  // People.
  std::vector<UserId> ids{t.requester_id, t.assignee_id, current_user};
  for (auto c : t.email_cc_ids) ids.emplace_back(c);
  for (auto c : t.collaborator_ids) ids.emplace_back(c);
  std::map<std::int64_t, domain::User> people;
  if (auto users = tx.users().GetMany(t.account_id, ids); users.ok()) {
    for (auto& u : *users) people[u.id.value] = std::move(u);
  }
  auto person = [&](UserId id) -> json::value {
    auto it = people.find(id.value);
    if (it == people.end()) return json::object{};
    return Person(it->second);
  };
  ticket["requester"] = person(t.requester_id);
  ticket["assignee"] = person(t.assignee_id);
  {
    std::string names;
    json::array ccs;
    std::vector<std::int64_t> cc_ids = t.email_cc_ids;
    for (auto c : t.collaborator_ids) {
      if (std::find(cc_ids.begin(), cc_ids.end(), c) == cc_ids.end()) cc_ids.push_back(c);
    }
    for (auto c : cc_ids) {
      auto it = people.find(c);
      if (it == people.end()) continue;
      if (!names.empty()) names += ", ";
      names += it->second.name;
      ccs.push_back(Person(it->second));
    }
    ticket["cc_names"] = names;
    ticket["ccs"] = std::move(ccs);
  }
  if (t.group_id) {
    if (auto g = tx.groups().Get(t.account_id, t.group_id); g.ok()) {
      ticket["group"] = json::object{{"id", g->id.value}, {"name", g->name}};
    }
  }
  if (t.organization_id) {
    if (auto o = tx.organizations().Get(t.account_id, t.organization_id); o.ok()) {
      ticket["organization"] = json::object{
          {"id", o->id.value}, {"name", o->name}, {"details", o->details}, {"notes", o->notes}};
    }
  }
  json::object root{{"ticket", std::move(ticket)},
                    {"current_user", person(current_user)},
                    {"satisfaction", json::object{{"rating_url", link + "/satisfaction"},
                                                  {"current_rating", t.satisfaction_score}}}};

  // Comment values, built on demand.
  auto thread = std::make_shared<Thread>();
  storage::Transaction* txp = &tx;
  const domain::Ticket ticket_copy = t;
  liquid::Resolver resolver =
      [thread, txp, ticket_copy](std::string_view path) -> std::optional<liquid::Resolved> {
    static const std::vector<std::string_view> known = {"ticket.latest_comment",
                                                        "ticket.latest_comment_formatted",
                                                        "ticket.latest_comment_html",
                                                        "ticket.latest_public_comment",
                                                        "ticket.latest_public_comment_formatted",
                                                        "ticket.latest_public_comment_html",
                                                        "ticket.comments_formatted",
                                                        "ticket.public_comments_formatted",
                                                        "ticket.comments",
                                                        "ticket.public_comments"};
    if (std::find(known.begin(), known.end(), path) == known.end()) return std::nullopt;
    Load(*txp, ticket_copy, *thread);
    const auto& cs = thread->comments;
    const domain::Comment* latest = cs.empty() ? nullptr : &cs.back();
    const domain::Comment* latest_public = nullptr;
    for (auto it = cs.rbegin(); it != cs.rend(); ++it) {
      if (it->is_public) {
        latest_public = &*it;
        break;
      }
    }
    auto text = [](const domain::Comment* c) {
      return c == nullptr ? std::string() : (c->plain_body.empty() ? c->body : c->plain_body);
    };
    if (path == "ticket.latest_comment") return liquid::Resolved{json::string(text(latest))};
    if (path == "ticket.latest_public_comment") {
      return liquid::Resolved{json::string(text(latest_public))};
    }
    if (path == "ticket.latest_comment_formatted") {
      return liquid::Resolved{json::string(latest ? Formatted(*thread, *latest) : "")};
    }
    if (path == "ticket.latest_public_comment_formatted") {
      return liquid::Resolved{
          json::string(latest_public ? Formatted(*thread, *latest_public) : "")};
    }
    if (path == "ticket.latest_comment_html") {
      return liquid::Resolved{json::string(latest ? FormattedHtml(*thread, *latest) : ""), true};
    }
    if (path == "ticket.latest_public_comment_html") {
      return liquid::Resolved{
          json::string(latest_public ? FormattedHtml(*thread, *latest_public) : ""), true};
    }
    const bool only_public =
        path == "ticket.public_comments_formatted" || path == "ticket.public_comments";
    if (path == "ticket.comments" || path == "ticket.public_comments") {
      json::array list;
      for (auto it = cs.rbegin(); it != cs.rend(); ++it) {
        if (only_public && !it->is_public) continue;
        auto a = thread->authors.find(it->author_id.value);
        list.push_back(json::object{
            {"id", it->id.value},
            {"value", text(&*it)},
            {"body", text(&*it)},
            {"is_public", it->is_public},
            {"public", it->is_public},
            {"created_at", DateText(it->created_at)},
            {"author", json::object{{"id", it->author_id.value},
                                    {"name", a == thread->authors.end() ? "" : a->second}}}});
      }
      return liquid::Resolved{std::move(list)};
    }
    std::string all;
    for (auto it = cs.rbegin(); it != cs.rend(); ++it) {
      if (only_public && !it->is_public) continue;
      all += Formatted(*thread, *it);
    }
    return liquid::Resolved{json::string(all)};
  };
  return liquid::Context(std::move(root), std::move(resolver));
}

}  // namespace comptoir::services
