// Placeholders: the Liquid context of a ticket, as Zendesk's notification subjects and
// bodies, webhook payloads and macro comments read it ({{ticket.id}},
// {{ticket.requester.first_name}}, {{ticket.latest_comment_formatted}},
// {{current_user.name}}, {{satisfaction.rating_url}} …). One plain function so that
// every renderer (notifications, webhooks, macros) sees the same names.
//
// The cheap values are in the tree; the comment lists (ticket.comments,
// ticket.comments_formatted, ticket.public_comments_formatted) are built by the resolver
// only when a template reads them. ticket.latest_comment_html and the *_formatted values
// that hold HTML are marked safe: Escape::kHtml writes them as they are (sanitised HTML).
// The resolver reads through `tx`: render inside the transaction that built the context.
#pragma once

#include <string>

#include "comptoir/domain/tickets.hpp"
#include "comptoir/storage/store.hpp"
#include "comptoir/template/context.hpp"

namespace comptoir::services {

struct PlaceholderOptions {
  // The agent interface's address ("https://help.example.com"); an account with a
  // subdomain gets "https://<subdomain>.help.example.com".
  std::string public_url = "http://localhost:8080";
};

// The address of the account's agent interface, without a trailing slash.
std::string AccountUrl(const storage::Account& account, const PlaceholderOptions& options);

// The placeholder context of `ticket` for `current_user` (0: none, e.g. an automation).
liquid::Context TicketPlaceholders(storage::Transaction& tx, const storage::Account& account,
                                   const domain::Ticket& ticket, UserId current_user,
                                   const PlaceholderOptions& options = {});

// The root names a ticket template may read (for liquid::ParseOptions::allowed_roots).
const std::vector<std::string>& PlaceholderRoots();

}  // namespace comptoir::services
