// TicketService use cases for business rules and history: a rule's change written as an
// ordinary update by the system (ApplyAsRule), and tickets imported with their past
// (Import).
#include <algorithm>
#include <boost/json.hpp>

#include "comptoir/html/sanitize.hpp"
#include "comptoir/services/search_service.hpp"
#include "comptoir/services/ticket_service.hpp"

namespace comptoir::services {

using domain::TicketStatus;
using storage::Transaction;
namespace json = boost::json;

Result<TicketChange> TicketService::ApplyAsRule(Transaction& tx, const Context& ctx, TicketId id,
                                                const domain::Ticket& desired,
                                                const RuleSource& source,
                                                const json::array& extra_events) {
  auto current = tx.tickets().Get(ctx.account(), id);
  if (!current.ok()) return current.status();
  domain::Ticket t = *current;
  TicketInput in;
  in.via_channel = "rule";
  in.via_source = json::serialize(
      json::object{{"to", json::object{}},
                   {"from", json::object{{"id", source.id}, {"title", source.title}}},
                   {"rel", source.rel}});
  if (desired.status != t.status) in.status = domain::StatusName(desired.status);
  if (desired.priority != t.priority) in.priority = domain::PriorityName(desired.priority);
  if (desired.type != t.type) in.type = domain::TypeName(desired.type);
  if (desired.group_id != t.group_id) in.group_id = desired.group_id.value;
  if (desired.assignee_id != t.assignee_id) in.assignee_id = desired.assignee_id.value;
  if (desired.tags != t.tags) in.tags = desired.tags;
  if (desired.custom_fields != t.custom_fields) in.custom_fields = desired.custom_fields;
  if (desired.due_at != t.due_at) in.due_at = desired.due_at;
  if (desired.collaborator_ids != t.collaborator_ids) {
    std::vector<UserRef> refs;
    for (auto u : desired.collaborator_ids) refs.push_back(UserRef{u, "", "", false});
    in.collaborators = refs;
  }
  for (auto u : desired.follower_ids) {
    if (std::find(t.follower_ids.begin(), t.follower_ids.end(), u) == t.follower_ids.end()) {
      in.followers.push_back(UserRef{u, "", "", false});
    }
  }
  Context sys;
  sys.actor = domain::Actor::System(ctx.account());
  sys.ip_address = ctx.ip_address;
  auto change = Apply(tx, sys, t, in, /*creating=*/false);
  if (!change.ok()) return change;
  // satisfaction_score is not an input of an update: a rule sets it directly.
  if (desired.satisfaction_score != change->ticket.satisfaction_score) {
    change->ticket.satisfaction_score = desired.satisfaction_score;
    COMPTOIR_RETURN_IF_ERROR(tx.tickets().Update(change->ticket));
  }
  if (!extra_events.empty()) {
    for (const auto& e : extra_events) change->audit.events.push_back(e);
    COMPTOIR_RETURN_IF_ERROR(tx.audits().Update(change->audit));
  }
  return change;
}

Result<TicketChange> TicketService::Import(const Context& ctx, const TicketImportInput& in) {
  if (!ctx.actor.is_admin()) return PermissionDenied("Only admins may import tickets");
  const Timestamp now = env_.clock.Now();
  const Timestamp created = in.created_at ? in.created_at : now;
  if (created > now + 60 || (in.updated_at && in.updated_at < created)) {
    return Invalid("created_at", "InvalidValue",
                   "Created at: must be in the past and before updated_at");
  }
  Result<TicketChange> out = NotFound();
  COMPTOIR_RETURN_IF_ERROR(env_.store.Write([&](Transaction& tx) -> Status {
    TicketInput first = in.ticket;
    first.run_triggers = false;  // imports run no business rules (no auto-reply)
    first.via_channel = "api";
    const bool closed = first.status && *first.status == "closed";
    if (closed) first.status = "solved";
    CommentInput c;
    if (!in.comments.empty()) {
      c.body = in.comments[0].body;
      c.html_body = in.comments[0].html_body;
      c.is_public = in.comments[0].is_public;
      c.author_id = in.comments[0].author_id;
      first.comment = c;
    } else if (!first.comment) {
      return Invalid("comments", "BlankValue", "Comments: an imported ticket needs one");
    }
    domain::Ticket t;
    auto change = Apply(tx, ctx, t, first, /*creating=*/true);
    if (!change.ok()) return change.status();
    t = change->ticket;
    if (!first.comment->author_id) first.comment->author_id = t.requester_id.value;

    // The first comment and its audit move to the ticket's creation; the others follow.
    change->audit.created_at = created;
    COMPTOIR_RETURN_IF_ERROR(tx.audits().Update(change->audit));
    auto firsts = tx.comments().ListForAudits(ctx.account(), {change->audit.id});
    if (!firsts.ok()) return firsts.status();
    std::vector<domain::Comment> comments;
    for (auto cm : *firsts) {
      cm.created_at =
          in.comments.empty() || !in.comments[0].created_at ? created : in.comments[0].created_at;
      COMPTOIR_RETURN_IF_ERROR(tx.comments().Update(cm));
      comments.push_back(cm);
    }
    for (std::size_t i = 1; i < in.comments.size(); ++i) {
      const auto& ic = in.comments[i];
      domain::Comment cm;
      cm.account_id = ctx.account();
      cm.ticket_id = t.id;
      cm.author_id = UserId(ic.author_id ? ic.author_id : t.requester_id.value);
      auto author = tx.users().Get(ctx.account(), cm.author_id);
      if (!author.ok()) {
        return Invalid("comments", "InvalidValue",
                       "Comments[" + std::to_string(i) + "]: the author does not exist");
      }
      cm.is_public = ic.is_public;
      if (ic.html_body && !ic.html_body->empty()) {
        cm.html_body = html::WrapComment(html::SanitizeHtml(*ic.html_body));
        cm.plain_body = html::HtmlToPlain(cm.html_body);
        cm.body = cm.plain_body;
      } else if (ic.body && !ic.body->empty()) {
        cm.body = *ic.body;
        cm.html_body = html::PlainToHtml(*ic.body);
        cm.plain_body = html::HtmlToPlain(cm.html_body);
      } else {
        return Invalid("comments", "BlankValue",
                       "Comments[" + std::to_string(i) + "]: body cannot be blank");
      }
      cm.via_channel = "api";
      cm.metadata = "{}";
      cm.created_at = ic.created_at ? ic.created_at : created;
      if (cm.created_at < created || cm.created_at > now + 60) {
        return Invalid("comments", "InvalidValue",
                       "Comments[" + std::to_string(i) + "]: created_at is out of range");
      }
      domain::Audit a;
      a.account_id = ctx.account();
      a.ticket_id = t.id;
      a.author_id = cm.author_id;
      a.via_channel = "api";
      a.created_at = cm.created_at;
      auto aid = tx.audits().Insert(a);
      if (!aid.ok()) return aid.status();
      a.id = *aid;
      cm.audit_id = a.id;
      auto cid = tx.comments().Insert(cm);
      if (!cid.ok()) return cid.status();
      cm.id = *cid;
      a.events.push_back(json::object{{"type", "Comment"}, {"comment_id", cm.id.value}});
      COMPTOIR_RETURN_IF_ERROR(tx.audits().Update(a));
      comments.push_back(cm);
    }

    // The times rules measure from, as of the history given.
    Timestamp last = created;
    for (const auto& cm : comments) last = std::max(last, cm.created_at);
    t.created_at = created;
    t.updated_at = in.updated_at ? in.updated_at : last;
    if (closed) t.status = TicketStatus::kClosed;
    const bool done = t.status == TicketStatus::kSolved || t.status == TicketStatus::kClosed;
    t.solved_at = done ? (in.solved_at ? in.solved_at : t.updated_at) : 0;
    t.status_updated_at = done ? t.solved_at : t.updated_at;
    t.initially_assigned_at = t.assigned_at = t.assignee_id ? created : 0;
    t.requester_updated_at = 0;
    t.assignee_updated_at = 0;
    t.replies = 0;
    for (const auto& cm : comments) {
      if (cm.author_id == t.requester_id) {
        t.requester_updated_at = std::max(t.requester_updated_at, cm.created_at);
      }
      if (t.assignee_id && cm.author_id == t.assignee_id) {
        t.assignee_updated_at = std::max(t.assignee_updated_at, cm.created_at);
      }
      if (cm.is_public && cm.author_id != t.requester_id) {
        auto u = tx.users().Get(ctx.account(), cm.author_id);
        if (u.ok() && u->is_staff()) ++t.replies;
      }
    }
    COMPTOIR_RETURN_IF_ERROR(tx.tickets().Update(t));
    COMPTOIR_RETURN_IF_ERROR(IndexTicket(tx, ctx.account(), t.id));  // search
    PublishTicketEvent(tx, "updated", t);
    change->ticket = t;
    out = std::move(*change);
    return Status::Ok();
  }));
  return out;
}

}  // namespace comptoir::services
