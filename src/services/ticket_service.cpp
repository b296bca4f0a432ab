#include "comptoir/services/ticket_service.hpp"
#include "comptoir/services/search_service.hpp"

#include <algorithm>
#include <boost/json.hpp>
#include <set>

#include "comptoir/domain/validation.hpp"
#include "comptoir/html/sanitize.hpp"

namespace comptoir::services {

using domain::TicketStatus;
using storage::Transaction;
namespace json = boost::json;

namespace {

constexpr std::size_t kMaxCommentBytes = 256 * 1024;

json::object Event(const char* type, std::string_view field, json::value value,
                   std::optional<json::value> previous = std::nullopt) {
  json::object e{{"type", type}, {"field_name", field}, {"value", std::move(value)}};
  if (previous) e["previous_value"] = std::move(*previous);
  return e;
}

json::value IdValue(std::int64_t id) { return id == 0 ? json::value(nullptr) : json::value(id); }
json::value NameValue(const char* s) { return *s == '\0' ? json::value(nullptr) : json::value(s); }
json::array TagArray(const std::vector<std::string>& tags) {
  json::array a;
  for (const auto& t : tags) a.emplace_back(t);
  return a;
}

// A trigger's side effect as an audit event, when no sink delivers it: the notification
// (recipients resolved where the ticket names them; templates as written) or the
// webhook/target call.
json::object EffectEvent(const rules::Effect& e, const domain::Ticket& t, const Context& ctx) {
  using K = rules::Effect::Kind;
  if (e.kind == K::kWebhook || e.kind == K::kTarget) {
    return {{"type", "External"},
            {"resource",
             std::string(e.kind == K::kWebhook ? "webhook:" : "target:").append(e.target_id)},
            {"body", e.body},
            {"success", nullptr}};
  }
  json::array to;
  auto add = [&](std::int64_t id) {
    if (id > 0) to.emplace_back(id);
  };
  if (e.kind == K::kNotifyUser) {
    if (e.recipient == "requester_id") {
      add(t.requester_id.value);
    } else if (e.recipient == "assignee_id") {
      add(t.assignee_id.value);
    } else if (e.recipient == "current_user") {
      add(ctx.actor.user_id.value);
    } else if (e.recipient == "requester_and_ccs") {
      add(t.requester_id.value);
      for (auto id : t.email_cc_ids) add(id);
    } else if (e.recipient != "all_agents") {
      try {
        add(std::stoll(e.recipient));
      } catch (...) {
      }
    }
  }
  json::object ev{{"type", "Notification"},
                  {"subject", e.subject},
                  {"body", e.body},
                  {"recipients", std::move(to)}};
  if (e.kind == K::kNotifyGroup || e.recipient == "all_agents") ev["recipient"] = e.recipient;
  return ev;
}

bool Has(const std::vector<std::int64_t>& ids, std::int64_t id) {
  return std::find(ids.begin(), ids.end(), id) != ids.end();
}

void AddUnique(std::vector<std::int64_t>& ids, std::int64_t id) {
  if (id != 0 && !Has(ids, id)) ids.push_back(id);
}

void AddTags(std::vector<std::string>& tags, const std::vector<std::string>& more) {
  for (const auto& t : domain::NormalizeTags(more)) {
    if (std::find(tags.begin(), tags.end(), t) == tags.end()) tags.push_back(t);
  }
}

void RemoveTags(std::vector<std::string>& tags, const std::vector<std::string>& less) {
  auto norm = domain::NormalizeTags(less);
  std::erase_if(tags, [&](const std::string& t) {
    return std::find(norm.begin(), norm.end(), t) != norm.end();
  });
}

Context SystemContext(const Context& ctx) {
  Context sys;
  sys.actor = domain::Actor::System(ctx.account());
  sys.ip_address = ctx.ip_address;
  return sys;
}

// Problems report whether incidents point at them (computed, not stored).
void MarkIncidents(Transaction& tx, AccountId account, domain::Ticket& t) {
  if (t.type != domain::TicketType::kProblem) return;
  storage::TicketFilter f;
  f.problem_id = t.id;
  auto n = tx.tickets().Count(account, f);
  t.has_incidents = n.ok() && *n > 0;
}

}  // namespace

domain::TicketScope TicketService::ScopeOf(Transaction& tx, const Context& ctx) {
  domain::TicketScope scope;
  if (ctx.actor.system || ctx.actor.user_id.value == 0) return scope;
  // Admins and agents who see all tickets need no scope (CanViewTicket and the list
  // restriction never read it for them): skip the membership queries on every read.
  if (ctx.actor.is_admin() ||
      (ctx.actor.is_staff() && ctx.actor.ticket_access == domain::TicketAccess::kAll)) {
    return scope;
  }
  storage::MembershipFilter f;
  f.user_id = ctx.actor.user_id;
  storage::PageRequest p;
  p.limit = 1000;
  if (ctx.actor.is_staff()) {
    if (auto gm = tx.group_memberships().List(ctx.account(), f, p); gm.ok()) {
      for (const auto& m : gm->items) scope.groups.push_back(m.group_id);
    }
  } else if (auto om = tx.organization_memberships().List(ctx.account(), f, p); om.ok()) {
    for (const auto& m : om->items) {
      auto org = tx.organizations().Get(ctx.account(), m.organization_id);
      if (org.ok() && org->shared_tickets) scope.shared_organizations.push_back(org->id);
    }
  }
  return scope;
}

Result<domain::Ticket> TicketService::LoadVisible(Transaction& tx, const Context& ctx,
                                                  TicketId id) {
  auto t = tx.tickets().Get(ctx.account(), id);
  if (!t.ok()) return t.status();
  if (t->deleted_at != 0) return NotFound();
  if (!domain::CanViewTicket(ctx.actor, *t, TicketScopeFor(tx, ctx, *t))) return NotFound();
  MarkIncidents(tx, ctx.account(), *t);
  return t;
}

Result<UserId> TicketService::ResolveUser(Transaction& tx, const Context& ctx, const UserRef& ref,
                                          const std::string& field) {
  if (ref.id != 0) {
    auto u = tx.users().Get(ctx.account(), UserId(ref.id));
    if (!u.ok() || !u->active) {
      return Invalid(field, "InvalidValue", "User " + std::to_string(ref.id) + " does not exist");
    }
    return u->id;
  }
  auto email = domain::NormalizeEmail(ref.email);
  if (!email) return Invalid(field, "InvalidValue", "Email: " + ref.email + " is not valid");
  auto identity = tx.identities().Find(ctx.account(), domain::IdentityType::kEmail, *email);
  if (identity.ok()) return identity->user_id;
  UserInput in;
  in.name = ref.name.empty() ? email->substr(0, email->find('@')) : ref.name;
  in.email = *email;
  auto u = users_.CreateInTransaction(tx, SystemContext(ctx), in);
  if (!u.ok()) return u.status();
  return u->id;
}

Result<TicketChange> TicketService::Apply(Transaction& tx, const Context& ctx, domain::Ticket& t,
                                          const TicketInput& in, bool creating) {
  const AccountId account = ctx.account();
  const bool staff = ctx.actor.is_staff();
  const Timestamp now = env_.clock.Now();
  const domain::Ticket before = t;
  Validation v;

  if (!creating && t.status == TicketStatus::kClosed) {
    return Invalid("status", "InvalidValue", "Status: closed prevents ticket update");
  }
  if (!creating && in.safe_update) {
    if (in.updated_stamp.empty() || ParseIso8601(in.updated_stamp) != t.updated_at) {
      return Status(ErrorCode::kConflict,
                    "Safe Update prevented the update due to outdated ticket data. Please fetch "
                    "the latest ticket data and try again.",
                    "UpdateConflict");
    }
  }
  if (!staff) {
    const bool forbidden =
        (in.status && !(*in.status == "solved" && t.requester_id == ctx.actor.user_id)) ||
        in.assignee_id || in.assignee_email || in.group_id || in.organization_id || in.tags ||
        !in.additional_tags.empty() || !in.remove_tags.empty() || in.requester_id ||
        in.submitter_id || in.external_id || in.problem_id || in.brand_id ||
        !in.followers.empty() || (!creating && in.subject);
    if (forbidden) return PermissionDenied("End users may only add comments to their requests");
  }

  // --- requester, submitter, organisation ---
  domain::User requester;
  if (creating) {
    UserId rid = ctx.actor.user_id;
    if (in.requester_id) {
      rid = UserId(*in.requester_id);
    } else if (in.requester) {
      auto r =
          ResolveUser(tx, ctx, {0, in.requester->email, in.requester->name, false}, "requester");
      if (!r.ok()) return r.status();
      rid = *r;
    }
    auto u = tx.users().Get(account, rid);
    if (!u.ok() || !u->active) {
      return Invalid("requester_id", "InvalidValue", "Requester: does not exist");
    }
    requester = *u;
    t.requester_id = rid;
    t.submitter_id = in.submitter_id ? UserId(*in.submitter_id) : ctx.actor.user_id;
    if (!t.submitter_id) t.submitter_id = rid;
    t.organization_id = requester.organization_id;
  } else if (in.requester_id || in.requester) {
    UserId rid;
    if (in.requester_id) {
      rid = UserId(*in.requester_id);
    } else {
      auto r =
          ResolveUser(tx, ctx, {0, in.requester->email, in.requester->name, false}, "requester");
      if (!r.ok()) return r.status();
      rid = *r;
    }
    auto u = tx.users().Get(account, rid);
    if (!u.ok() || !u->active) {
      return Invalid("requester_id", "InvalidValue", "Requester: does not exist");
    }
    requester = *u;
    if (rid != t.requester_id) t.organization_id = requester.organization_id;
    t.requester_id = rid;
  } else {
    auto u = tx.users().Get(account, t.requester_id);
    if (u.ok()) requester = *u;
  }
  if (in.organization_id) {
    if (*in.organization_id == 0) {
      t.organization_id = OrganizationId();
    } else {
      OrganizationId org(*in.organization_id);
      if (!tx.organizations().Get(account, org).ok()) {
        v.Add("organization_id", "InvalidValue", "Organization: does not exist");
      } else if (!tx.organization_memberships().Find(account, t.requester_id, org).ok()) {
        v.Add("organization_id", "InvalidValue",
              "Organization: the requester is not a member of it");
      } else {
        t.organization_id = org;
      }
    }
  }

  // --- simple properties ---
  if (in.subject) {
    if (in.subject->size() > 255 * 4) {
      v.Add("subject", "InvalidValue", "Subject: is too long");
    } else {
      t.subject = *in.subject;
      t.raw_subject = in.raw_subject.value_or(*in.subject);
    }
  }
  if (in.external_id) {
    if (!in.external_id->empty() && *in.external_id != t.external_id) {
      storage::TicketFilter f;
      f.external_id = *in.external_id;
      auto n = tx.tickets().Count(account, f);
      if (n.ok() && *n > 0) {
        v.Add("external_id", "DuplicateValue", "External ID: has already been taken");
      }
    }
    t.external_id = *in.external_id;
  }
  if (in.recipient) t.recipient = *in.recipient;
  if (in.priority) {
    if (in.priority->empty()) {
      t.priority = domain::TicketPriority::kNone;
    } else if (auto p = domain::ParsePriority(*in.priority)) {
      t.priority = *p;
    } else {
      v.Add("priority", "InvalidValue", "Priority: " + *in.priority + " is not valid");
    }
  }
  if (in.type) {
    if (in.type->empty()) {
      t.type = domain::TicketType::kNone;
    } else if (auto ty = domain::ParseType(*in.type)) {
      t.type = *ty;
    } else {
      v.Add("type", "InvalidValue", "Type: " + *in.type + " is not valid");
    }
  }
  if (in.problem_id) t.problem_id = TicketId(*in.problem_id);
  if (t.type != domain::TicketType::kIncident) t.problem_id = TicketId();
  if (t.problem_id) {
    auto p = tx.tickets().Get(account, t.problem_id);
    if (!p.ok() || p->deleted_at != 0 || p->type != domain::TicketType::kProblem) {
      v.Add("problem_id", "InvalidValue", "Problem: must be a ticket of type problem");
    }
  }
  if (in.due_at) {
    if (*in.due_at != 0 && t.type != domain::TicketType::kTask) {
      v.Add("due_at", "InvalidValue", "Due date: only tasks have a due date");
    } else {
      t.due_at = *in.due_at;
    }
  }
  if (t.type != domain::TicketType::kTask) t.due_at = 0;
  if (in.brand_id) t.brand_id = *in.brand_id;
  if (in.ticket_form_id) {
    if (*in.ticket_form_id != 0 &&
        !tx.ticket_forms().Get(account, TicketFormId(*in.ticket_form_id)).ok()) {
      v.Add("ticket_form_id", "InvalidValue", "Ticket form: does not exist");
    } else {
      t.ticket_form_id = TicketFormId(*in.ticket_form_id);
    }
  }

  // --- assignee and group ---
  std::optional<std::int64_t> assignee = in.assignee_id;
  if (in.assignee_email) {
    auto email = domain::NormalizeEmail(*in.assignee_email);
    auto id = email ? tx.identities().Find(account, domain::IdentityType::kEmail, *email)
                    : Result<domain::Identity>(NotFound());
    if (!id.ok()) {
      v.Add("assignee_email", "InvalidValue", "Assignee: no agent has that email");
    } else {
      assignee = id->user_id.value;
    }
  }
  domain::User assignee_user;
  if (assignee) {
    if (*assignee == 0) {
      t.assignee_id = UserId();
    } else {
      auto u = tx.users().Get(account, UserId(*assignee));
      if (!u.ok() || !u->active || !u->is_staff() || u->suspended) {
        v.Add("assignee_id", "InvalidValue", "Assignee: is not an agent");
      } else {
        assignee_user = *u;
        t.assignee_id = u->id;
      }
    }
  }
  if (in.group_id) {
    if (*in.group_id == 0) {
      t.group_id = GroupId();
    } else {
      auto g = tx.groups().Get(account, GroupId(*in.group_id));
      if (!g.ok() || g->deleted) {
        v.Add("group_id", "InvalidValue", "Group: does not exist");
      } else {
        t.group_id = g->id;
      }
    }
  }
  if (t.assignee_id && v.empty()) {
    if (t.group_id) {
      if (!tx.group_memberships().Find(account, t.assignee_id, t.group_id).ok()) {
        v.Add("assignee_id", "InvalidValue", "Assignee: is not a member of the group");
      }
    } else if (assignee) {
      t.group_id = assignee_user.default_group_id;
    }
  }

  // --- tags and custom fields ---
  if (in.tags) t.tags = domain::NormalizeTags(*in.tags);
  AddTags(t.tags, in.additional_tags);
  RemoveTags(t.tags, in.remove_tags);
  if (in.custom_fields) {
    std::vector<std::string> add, remove;
    auto merged =
        fields_.ValidateTicketValues(tx, account, *in.custom_fields, t.custom_fields, add, remove);
    if (!merged.ok()) {
      for (const auto& d : merged.status().details()) v.Add(d.field, d.error, d.description);
      if (merged.status().details().empty()) return merged.status();
    } else {
      t.custom_fields = *merged;
      RemoveTags(t.tags, remove);
      AddTags(t.tags, add);
    }
  }

  // --- collaborators, CCs, followers ---
  if (in.collaborators) {
    t.collaborator_ids.clear();
    for (const auto& r : *in.collaborators) {
      auto id = ResolveUser(tx, ctx, r, "collaborators");
      if (!id.ok()) return id.status();
      AddUnique(t.collaborator_ids, id->value);
    }
  }
  for (const auto& r : in.additional_collaborators) {
    auto id = ResolveUser(tx, ctx, r, "additional_collaborators");
    if (!id.ok()) return id.status();
    AddUnique(t.collaborator_ids, id->value);
  }
  for (const auto& r : in.email_ccs) {
    auto id = ResolveUser(tx, ctx, r, "email_ccs");
    if (!id.ok()) return id.status();
    if (r.remove) {
      std::erase(t.email_cc_ids, id->value);
    } else {
      AddUnique(t.email_cc_ids, id->value);
    }
  }
  for (const auto& r : in.followers) {
    auto id = ResolveUser(tx, ctx, r, "followers");
    if (!id.ok()) return id.status();
    auto u = tx.users().Get(account, *id);
    if (!u.ok() || !u->is_staff()) {
      return Invalid("followers", "InvalidValue", "Followers: only agents can follow tickets");
    }
    if (r.remove) {
      std::erase(t.follower_ids, id->value);
    } else {
      AddUnique(t.follower_ids, id->value);
    }
  }

  // --- the comment ---
  domain::Comment comment;
  bool has_comment = false;
  if (in.comment && ((in.comment->body && !in.comment->body->empty()) ||
                     (in.comment->html_body && !in.comment->html_body->empty()))) {
    const auto& c = *in.comment;
    std::size_t size = c.body ? c.body->size() : c.html_body->size();
    if (size > kMaxCommentBytes) {
      v.Add("comment", "InvalidValue", "Comment: is too long (at most 256 KiB)");
    }
    comment.author_id = ctx.actor.user_id;
    if (c.author_id != 0 && c.author_id != ctx.actor.user_id.value) {
      if (!staff) return PermissionDenied("End users comment as themselves");
      auto a = tx.users().Get(account, UserId(c.author_id));
      if (!a.ok() || !a->active) {
        v.Add("comment.author_id", "InvalidValue", "Author: does not exist");
      } else {
        comment.author_id = a->id;
      }
    }
    if (!comment.author_id) comment.author_id = t.requester_id;
    comment.is_public = staff ? c.is_public.value_or(true) : true;
    if (c.html_body && !c.html_body->empty()) {
      comment.html_body = html::WrapComment(html::SanitizeHtml(*c.html_body));
      comment.plain_body = html::HtmlToPlain(comment.html_body);
      comment.body = comment.plain_body;
    } else {
      comment.body = *c.body;
      comment.html_body = html::PlainToHtml(*c.body);
      comment.plain_body = html::HtmlToPlain(comment.html_body);
    }
    comment.via_channel = in.via_channel;
    json::object meta{{"system", json::object{{"ip_address", ctx.ip_address}}},
                      {"custom", c.metadata}};
    comment.metadata = json::serialize(meta);
    has_comment = true;
  } else if (creating) {
    v.Add("comment", "BlankValue", "Description: cannot be blank");
  }
  COMPTOIR_RETURN_IF_ERROR(v.Finish());

  // --- status rules ---
  TicketStatus status = t.status;
  if (in.status) {
    auto s = domain::ParseStatus(*in.status);
    if (!s) return Invalid("status", "InvalidValue", "Status: " + *in.status + " is not valid");
    if (*s == TicketStatus::kClosed && creating) {
      return Invalid("status", "InvalidValue", "Status: a new ticket cannot be closed");
    }
    if (*s == TicketStatus::kNew && !creating && t.status != TicketStatus::kNew) {
      return Invalid("status", "InvalidValue", "Status: cannot be changed back to new");
    }
    status = *s;
  } else if (creating) {
    status = t.assignee_id ? TicketStatus::kOpen : TicketStatus::kNew;
  } else if (staff && status == TicketStatus::kNew &&
             (has_comment || t.assignee_id != before.assignee_id)) {
    status = TicketStatus::kOpen;
  } else if (has_comment && comment.author_id == t.requester_id && !staff &&
             (status == TicketStatus::kPending || status == TicketStatus::kSolved)) {
    status = TicketStatus::kOpen;  // the requester answered
  }
  if (status == TicketStatus::kSolved || status == TicketStatus::kClosed) {
    if (!t.assignee_id) {
      if (!staff || ctx.actor.system) {
        return Invalid("assignee_id", "BlankValue", "Assignee: is required when solving");
      }
      t.assignee_id = ctx.actor.user_id;
      auto me = tx.users().Get(account, ctx.actor.user_id);
      if (me.ok() && !t.group_id) t.group_id = me->default_group_id;
    }
    if (before.status != TicketStatus::kSolved && before.status != TicketStatus::kClosed) {
      t.solved_at = now;
    }
  } else {
    t.solved_at = 0;
  }
  t.status = status;
  t.via_channel = creating ? in.via_channel : t.via_channel;
  t.updated_at = now;
  // --- the times that time-based rules (views, automations) measure from ---
  if (creating || t.status != before.status) t.status_updated_at = now;
  if (t.assignee_id && t.assignee_id != before.assignee_id) {
    if (!t.initially_assigned_at) t.initially_assigned_at = now;
    t.assigned_at = now;
  }
  if (!t.assignee_id) t.assigned_at = 0;
  if (!creating && before.status == TicketStatus::kSolved && t.status == TicketStatus::kOpen) {
    ++t.reopens;
  }
  {
    const UserId by = has_comment ? comment.author_id : ctx.actor.user_id;
    if (by && by == t.requester_id) t.requester_updated_at = now;
    if (by && by == t.assignee_id) t.assignee_updated_at = now;
    if (has_comment && comment.is_public && by != t.requester_id) {
      bool by_agent = staff && by == ctx.actor.user_id;
      if (!by_agent && by != ctx.actor.user_id) {
        auto author = tx.users().Get(account, by);
        by_agent = author.ok() && author->is_staff();
      }
      if (by_agent) ++t.replies;
    }
  }

  // --- triggers: the account's rules see this update's changes and may add their own ---
  if (creating && has_comment && !comment.is_public) t.is_public = false;
  const domain::Ticket user_t = t;  // the ticket with this update's own changes
  rules::CycleResult cycle;
  rules::UpdateFacts facts;
  TriggerSet trigger_set;
  if (triggers_ && in.run_triggers) {
    auto set = triggers_->Active(tx, account);
    if (!set.ok()) return set.status();
    trigger_set = *set;
  }
  if (trigger_set.count > 0) {
    facts.is_create = creating;
    facts.before = before;
    facts.has_comment = has_comment;
    facts.comment_is_public = has_comment && comment.is_public;
    if (has_comment) facts.comment_text = comment.plain_body;
    facts.has_attachment = has_comment && !in.comment->uploads.empty();
    facts.current_via = in.via_channel;
    facts.current_user = ctx.actor.user_id;
    facts.current_user_role =
        ctx.actor.system ? std::string("admin") : std::string(domain::RoleName(ctx.actor.role));
    facts.requester_role = domain::RoleName(requester.role);
    facts.now = now;
    if (business_hours_) {
      auto hours = business_hours_(tx, account, now);
      if (!hours.ok()) return hours.status();
      facts.business_hours = std::move(hours).value();
    }
    cycle = rules::RunTriggers(*trigger_set.compiled, t, facts, kMaxTriggerFirings);
    if (!cycle.fired.empty()) {
      const bool solved = t.status == TicketStatus::kSolved || t.status == TicketStatus::kClosed;
      const bool was_solved =
          user_t.status == TicketStatus::kSolved || user_t.status == TicketStatus::kClosed;
      if (solved && !was_solved) t.solved_at = now;
      if (!solved) t.solved_at = 0;
    }
  }

  // --- persist: ticket, audit, comment ---
  if (creating) {
    t.account_id = account;
    t.created_at = now;
    if (has_comment) t.description = comment.plain_body;
    if (t.is_public && has_comment && !comment.is_public) t.is_public = false;
    auto id = tx.tickets().Insert(t);
    if (!id.ok()) {
      if (id.status().code() == ErrorCode::kAlreadyExists) {
        return Invalid("external_id", "DuplicateValue", "External ID: has already been taken");
      }
      return id.status();
    }
    t.id = *id;
  } else {
    COMPTOIR_RETURN_IF_ERROR(tx.tickets().Update(t));
  }
  PublishTicketEvent(tx, creating ? "created" : "updated", t);
  // Ticket metric sets (ticket_metrics.cpp): a public agent comment is what raised replies.
  COMPTOIR_RETURN_IF_ERROR(metrics_.OnTicketWritten(tx, creating ? nullptr : &before, t,
                                                    has_comment, t.replies > before.replies, now));

  domain::Audit audit;
  audit.account_id = account;
  audit.ticket_id = t.id;
  audit.author_id = ctx.actor.user_id ? ctx.actor.user_id : t.requester_id;
  audit.via_channel = in.via_channel;
  audit.via_source = in.via_source;
  audit.created_at = now;
  json::object meta{{"system", json::object{{"ip_address", ctx.ip_address}}},
                    {"custom", in.metadata}};
  audit.metadata = json::serialize(meta);
  auto& ev = audit.events;
  // The events of one change of the ticket (prev → cur), appended to `out`.
  auto append_changes = [&](const domain::Ticket& cur, const domain::Ticket& prev, bool as_create,
                            json::array& out) {
    auto change = [&](std::string_view field, json::value now_v, json::value before_v) {
      if (as_create) {
        if (!now_v.is_null()) out.push_back(Event("Create", field, std::move(now_v)));
      } else if (now_v != before_v) {
        out.push_back(Event("Change", field, std::move(now_v), std::move(before_v)));
      }
    };
    change("subject", json::value(cur.subject), json::value(prev.subject));
    change("requester_id", IdValue(cur.requester_id.value), IdValue(prev.requester_id.value));
    change("status", json::value(domain::StatusName(cur.status)),
           as_create ? json::value(nullptr) : json::value(domain::StatusName(prev.status)));
    change("priority", NameValue(domain::PriorityName(cur.priority)),
           NameValue(domain::PriorityName(prev.priority)));
    change("type", NameValue(domain::TypeName(cur.type)), NameValue(domain::TypeName(prev.type)));
    change("assignee_id", IdValue(cur.assignee_id.value), IdValue(prev.assignee_id.value));
    change("group_id", IdValue(cur.group_id.value), IdValue(prev.group_id.value));
    change("organization_id", IdValue(cur.organization_id.value),
           IdValue(prev.organization_id.value));
    change("problem_id", IdValue(cur.problem_id.value), IdValue(prev.problem_id.value));
    change("due_at", cur.due_at ? json::value(FormatIso8601(cur.due_at)) : json::value(nullptr),
           prev.due_at ? json::value(FormatIso8601(prev.due_at)) : json::value(nullptr));
    if (as_create ? !cur.tags.empty() : cur.tags != prev.tags) {
      change("tags", TagArray(cur.tags), TagArray(prev.tags));
    }
    if (cur.custom_fields != prev.custom_fields) {
      for (const auto& f : cur.custom_fields) {
        if (!f.is_object() || !f.as_object().contains("id")) continue;
        const auto& id = f.as_object().at("id");
        json::value old = nullptr;
        for (const auto& o : prev.custom_fields) {
          if (o.is_object() && o.as_object().contains("id") && o.as_object().at("id") == id) {
            old = o.as_object().contains("value") ? o.as_object().at("value") : json::value();
          }
        }
        const json::value& val =
            f.as_object().contains("value") ? f.as_object().at("value") : json::value();
        std::string field = json::serialize(id);
        change(field, val, old);
      }
    }
    if (cur.collaborator_ids != prev.collaborator_ids || cur.email_cc_ids != prev.email_cc_ids) {
      json::array ids;
      for (auto id : cur.collaborator_ids) ids.emplace_back(id);
      for (auto id : cur.email_cc_ids) {
        if (!Has(cur.collaborator_ids, id)) ids.emplace_back(id);
      }
      out.push_back(json::object{{"type", "Cc"}, {"recipients", std::move(ids)}});
    }
    if (cur.follower_ids != prev.follower_ids) {
      json::array now_ids, old_ids;
      for (auto id : cur.follower_ids) now_ids.emplace_back(id);
      for (auto id : prev.follower_ids) old_ids.emplace_back(id);
      out.push_back(json::object{{"type", "FollowerChange"},
                                 {"current_followers", std::move(now_ids)},
                                 {"previous_followers", std::move(old_ids)}});
    }
  };
  append_changes(user_t, before, creating, ev);
  // Each firing: its changes and side effects, via the rule (as Zendesk shows them).
  if (!cycle.fired.empty()) {
    domain::Ticket state = user_t;
    for (const auto& f : cycle.fired) {
      const domain::Trigger* trig = rules::FindTrigger(*trigger_set.compiled, f.rule_id);
      json::value via = json::object{
          {"channel", "rule"},
          {"source",
           json::object{
               {"from", json::object{{"id", f.rule_id}, {"title", f.title}, {"deleted", false}}},
               {"to", json::object{}},
               {"rel", "trigger"}}}};
      json::array fe;
      std::vector<rules::Effect> effects;
      if (trig) {
        domain::Ticket prev = state;
        rules::ApplyActions(trig->actions, state, facts, effects);
        append_changes(state, prev, false, fe);
      }
      if (!sink_) {
        for (const auto& e : effects) fe.push_back(EffectEvent(e, state, ctx));
      }
      if (fe.empty()) fe.push_back(json::object{{"type", "Info"}, {"value", "Trigger fired"}});
      for (auto& e : fe) {
        e.as_object()["via"] = via;
        ev.push_back(std::move(e));
      }
    }
  }
  if (cycle.cut) {
    ev.push_back(json::object{
        {"type", "Error"},
        {"message", "The trigger cycle was stopped after " + std::to_string(cycle.fired.size()) +
                        " firings: the triggers would keep changing the ticket. Check their "
                        "conditions."},
        {"via", json::object{{"channel", "rule"},
                             {"source", json::object{{"from", json::object{}},
                                                     {"to", json::object{}},
                                                     {"rel", "trigger"}}}}}});
  }
  auto audit_id = tx.audits().Insert(audit);
  if (!audit_id.ok()) return audit_id.status();
  audit.id = *audit_id;
  if (has_comment) {
    comment.account_id = account;
    comment.ticket_id = t.id;
    comment.audit_id = audit.id;
    comment.created_at = now;
    auto cid = tx.comments().Insert(comment);
    if (!cid.ok()) return cid.status();
    comment.id = *cid;
    if (!in.comment->uploads.empty()) {
      auto claimed = uploads_.ClaimUploads(tx, ctx, in.comment->uploads, t.id, comment.id);
      if (!claimed.ok()) return claimed.status();
    }
    ev.insert(ev.begin(), json::object{{"type", "Comment"}, {"comment_id", comment.id.value}});
    COMPTOIR_RETURN_IF_ERROR(tx.audits().Update(audit));
  }
  if (ev.empty() && !creating) {
    // Nothing changed: Zendesk still answers 200 with the ticket; keep the empty audit
    // out of the history.
    COMPTOIR_RETURN_IF_ERROR(tx.audits().Update(audit));
  }
  // The firings' side effects go to the sink (in this transaction), with the saved audit.
  if (sink_ && !cycle.effects.empty()) {
    json::array extra;
    COMPTOIR_RETURN_IF_ERROR(sink_(tx, ctx, t, audit, cycle.effects, extra));
    if (!extra.empty()) {
      for (auto& e : extra) ev.push_back(std::move(e));
      COMPTOIR_RETURN_IF_ERROR(tx.audits().Update(audit));
    }
  }

  if (sla_hook_) {
    COMPTOIR_RETURN_IF_ERROR(sla_hook_(tx, before, t, creating, has_comment ? &comment : nullptr));
  }
  // Solving a problem solves its incidents.
  if (t.type == domain::TicketType::kProblem && t.status == TicketStatus::kSolved &&
      before.status != TicketStatus::kSolved) {
    storage::TicketFilter f;
    f.problem_id = t.id;
    storage::PageRequest p;
    p.limit = 1000;
    auto incidents = tx.tickets().List(account, f, p);
    if (!incidents.ok()) return incidents.status();
    for (auto& inc : incidents->items) {
      if (inc.status == TicketStatus::kSolved || inc.status == TicketStatus::kClosed) continue;
      TicketStatus prev = inc.status;
      const domain::Ticket inc_before = inc;
      inc.status = TicketStatus::kSolved;
      inc.solved_at = inc.updated_at = inc.status_updated_at = now;
      if (!inc.assignee_id) inc.assignee_id = t.assignee_id;
      COMPTOIR_RETURN_IF_ERROR(tx.tickets().Update(inc));
      if (sla_hook_) COMPTOIR_RETURN_IF_ERROR(sla_hook_(tx, inc_before, inc, false, nullptr));
      COMPTOIR_RETURN_IF_ERROR(metrics_.OnTicketWritten(tx, &inc, inc, false, false, now));
      domain::Audit a;
      a.account_id = account;
      a.ticket_id = inc.id;
      a.author_id = audit.author_id;
      a.via_channel = "rule";
      a.created_at = now;
      a.events.push_back(
          Event("Change", "status", json::value("solved"), json::value(domain::StatusName(prev))));
      COMPTOIR_RETURN_IF_ERROR(tx.audits().Insert(a).status());
    }
  }
  COMPTOIR_RETURN_IF_ERROR(IndexTicket(tx, account, t.id));  // search
  MarkIncidents(tx, account, t);
  return TicketChange{t, audit};
}

Result<TicketChange> TicketService::Create(const Context& ctx, const TicketInput& in) {
  Result<TicketChange> out = Internal("not run");
  Status st = env_.store.Write([&](Transaction& tx) -> Status {
    domain::Ticket t;
    out = Apply(tx, ctx, t, in, /*creating=*/true);
    return out.ok() ? Status::Ok() : out.status();
  });
  if (!st.ok()) return st;
  if (after_write_) after_write_(ctx.account());
  return out;
}

Result<TicketChange> TicketService::Update(const Context& ctx, TicketId id, const TicketInput& in) {
  Result<TicketChange> out = Internal("not run");
  Status st = env_.store.Write([&](Transaction& tx) -> Status {
    auto t = LoadVisible(tx, ctx, id);
    if (!t.ok()) return t.status();
    out = Apply(tx, ctx, *t, in, /*creating=*/false);
    return out.ok() ? Status::Ok() : out.status();
  });
  if (!st.ok()) return st;
  if (after_write_) after_write_(ctx.account());
  return out;
}

Result<domain::Ticket> TicketService::Get(const Context& ctx, TicketId id) {
  Result<domain::Ticket> out = NotFound();
  COMPTOIR_RETURN_IF_ERROR(env_.store.Read([&](Transaction& tx) {
    out = LoadVisible(tx, ctx, id);
    return Status::Ok();
  }));
  return out;
}

Result<std::vector<domain::Ticket>> TicketService::GetMany(const Context& ctx,
                                                           const std::vector<TicketId>& ids) {
  std::vector<domain::Ticket> out;
  COMPTOIR_RETURN_IF_ERROR(env_.store.Read([&](Transaction& tx) -> Status {
    auto all = tx.tickets().GetMany(ctx.account(), ids);
    if (!all.ok()) return all.status();
    auto scope = ScopeOf(tx, ctx);
    for (auto& t : *all) {
      if (t.deleted_at == 0 && domain::CanViewTicket(ctx.actor, t, scope)) {
        MarkIncidents(tx, ctx.account(), t);
        out.push_back(std::move(t));
      }
    }
    return Status::Ok();
  }));
  return out;
}

namespace {
void Restrict(storage::TicketFilter& f, const Context& ctx, const domain::TicketScope& scope) {
  if (ctx.actor.is_admin()) return;
  if (ctx.actor.is_staff() && ctx.actor.ticket_access == domain::TicketAccess::kAll) return;
  f.restricted = true;
  f.restricted_is_staff = ctx.actor.is_staff();
  f.restricted_user = ctx.actor.user_id;
  if (ctx.actor.is_staff() && ctx.actor.ticket_access == domain::TicketAccess::kWithinGroups) {
    f.restricted_groups = scope.groups;
  }
  f.restricted_shared_organizations = scope.shared_organizations;
}
}  // namespace

void TicketService::RestrictToCaller(Transaction& tx, const Context& ctx,
                                     storage::TicketFilter& filter) {
  Restrict(filter, ctx, ScopeOf(tx, ctx));
}

Result<storage::Page<domain::Ticket>> TicketService::List(const Context& ctx,
                                                          storage::TicketFilter filter,
                                                          const storage::PageRequest& page) {
  Result<storage::Page<domain::Ticket>> out = storage::Page<domain::Ticket>{};
  COMPTOIR_RETURN_IF_ERROR(env_.store.Read([&](Transaction& tx) {
    Restrict(filter, ctx, ScopeOf(tx, ctx));
    out = tx.tickets().List(ctx.account(), filter, page);
    if (out.ok()) {
      for (auto& t : out->items) MarkIncidents(tx, ctx.account(), t);
    }
    return Status::Ok();
  }));
  return out;
}

Result<std::int64_t> TicketService::Count(const Context& ctx, storage::TicketFilter filter) {
  Result<std::int64_t> out = std::int64_t{0};
  COMPTOIR_RETURN_IF_ERROR(env_.store.Read([&](Transaction& tx) {
    Restrict(filter, ctx, ScopeOf(tx, ctx));
    out = tx.tickets().Count(ctx.account(), filter);
    return Status::Ok();
  }));
  return out;
}

Status TicketService::Delete(const Context& ctx, TicketId id) {
  if (!ctx.actor.is_staff()) return PermissionDenied();
  return env_.store.Write([&](Transaction& tx) -> Status {
    auto t = LoadVisible(tx, ctx, id);
    if (!t.ok()) return t.status();
    if (!ctx.actor.is_admin() && !ctx.actor.can_edit_end_users &&
        ctx.actor.ticket_access != domain::TicketAccess::kAll) {
      return PermissionDenied("Your role may not delete tickets");
    }
    t->deleted_at = env_.clock.Now();
    COMPTOIR_RETURN_IF_ERROR(tx.tickets().Update(*t));
    PublishTicketEvent(tx, "deleted", *t);
    return RecordAudit(tx, ctx, t->deleted_at, "ticket", id.value, t->subject, "destroy",
                       "Ticket deleted");
  });
}

Result<domain::Ticket> TicketService::Restore(const Context& ctx, TicketId id) {
  if (!ctx.actor.is_staff()) return PermissionDenied();
  domain::Ticket out;
  Status st = env_.store.Write([&](Transaction& tx) -> Status {
    auto t = tx.tickets().Get(ctx.account(), id);
    if (!t.ok() || t->deleted_at == 0) return NotFound();
    t->deleted_at = 0;
    if (!domain::CanViewTicket(ctx.actor, *t, TicketScopeFor(tx, ctx, *t))) return NotFound();
    t->updated_at = env_.clock.Now();
    COMPTOIR_RETURN_IF_ERROR(tx.tickets().Update(*t));
    PublishTicketEvent(tx, "updated", *t);
    out = *t;
    return RecordAudit(tx, ctx, t->updated_at, "ticket", id.value, t->subject, "restore",
                       "Ticket restored");
  });
  if (!st.ok()) return st;
  return out;
}

Status TicketService::DeletePermanently(const Context& ctx, TicketId id) {
  if (!ctx.actor.is_admin()) return PermissionDenied();
  return env_.store.Write([&](Transaction& tx) -> Status {
    auto t = tx.tickets().Get(ctx.account(), id);
    if (!t.ok() || t->deleted_at == 0) return NotFound();
    auto files = tx.attachments().ListForTicket(ctx.account(), id);
    if (!files.ok()) return files.status();
    COMPTOIR_RETURN_IF_ERROR(UnindexTicket(tx, ctx.account(), id));  // search
    COMPTOIR_RETURN_IF_ERROR(tx.tickets().Delete(ctx.account(), id));
    std::vector<std::string> hashes;
    for (const auto& f : *files) hashes.push_back(f.content_hash);
    COMPTOIR_RETURN_IF_ERROR(uploads_.ReleaseBlobs(tx, hashes));
    return RecordAudit(tx, ctx, env_.clock.Now(), "ticket", id.value, t->subject, "purge",
                       "Ticket permanently deleted");
  });
}

Result<std::vector<std::string>> TicketService::ChangeTags(const Context& ctx, TicketId id,
                                                           TagOp op,
                                                           const std::vector<std::string>& tags,
                                                           const std::string& updated_stamp) {
  TicketInput in;
  switch (op) {
    case TagOp::kSet:
      in.tags = tags;
      break;
    case TagOp::kAdd:
      in.additional_tags = tags;
      break;
    case TagOp::kRemove:
      in.remove_tags = tags;
      break;
  }
  if (!updated_stamp.empty()) {
    in.safe_update = true;
    in.updated_stamp = updated_stamp;
  }
  auto r = Update(ctx, id, in);
  if (!r.ok()) return r.status();
  return r->ticket.tags;
}

Result<std::vector<std::pair<std::string, std::int64_t>>> TicketService::TagCounts(
    const Context& ctx, int limit) {
  if (!ctx.actor.is_staff()) return PermissionDenied();
  Result<std::vector<std::pair<std::string, std::int64_t>>> out =
      std::vector<std::pair<std::string, std::int64_t>>{};
  COMPTOIR_RETURN_IF_ERROR(env_.store.Read([&](Transaction& tx) {
    out = tx.tickets().TagCounts(ctx.account(), limit);
    return Status::Ok();
  }));
  return out;
}

Result<storage::Page<domain::Comment>> TicketService::Comments(const Context& ctx, TicketId id,
                                                               const storage::PageRequest& page) {
  Result<storage::Page<domain::Comment>> out = storage::Page<domain::Comment>{};
  COMPTOIR_RETURN_IF_ERROR(env_.store.Read([&](Transaction& tx) -> Status {
    auto t = LoadVisible(tx, ctx, id);
    if (!t.ok()) return t.status();
    out = tx.comments().ListForTicket(ctx.account(), id, !ctx.actor.is_staff(), page);
    return Status::Ok();
  }));
  return out;
}

Result<std::vector<domain::Attachment>> TicketService::AttachmentsOf(
    const Context& ctx, const std::vector<CommentId>& comments) {
  Result<std::vector<domain::Attachment>> out = std::vector<domain::Attachment>{};
  COMPTOIR_RETURN_IF_ERROR(env_.store.Read([&](Transaction& tx) {
    out = tx.attachments().ListForComments(ctx.account(), comments);
    return Status::Ok();
  }));
  return out;
}

Status TicketService::MakePrivate(const Context& ctx, TicketId id, CommentId comment) {
  if (!ctx.actor.is_staff()) return PermissionDenied();
  return env_.store.Write([&](Transaction& tx) -> Status {
    auto t = LoadVisible(tx, ctx, id);
    if (!t.ok()) return t.status();
    auto c = tx.comments().Get(ctx.account(), comment);
    if (!c.ok() || c->ticket_id != id) return NotFound();
    if (!c->is_public) return Status::Ok();
    c->is_public = false;
    COMPTOIR_RETURN_IF_ERROR(tx.comments().Update(*c));
    COMPTOIR_RETURN_IF_ERROR(IndexTicket(tx, ctx.account(), id));  // search
    domain::Audit a;
    a.account_id = ctx.account();
    a.ticket_id = id;
    a.author_id = ctx.actor.user_id;
    a.created_at = env_.clock.Now();
    a.events.push_back(json::object{
        {"type", "CommentPrivacyChange"}, {"comment_id", comment.value}, {"public", false}});
    return tx.audits().Insert(a).status();
  });
}

Result<domain::Comment> TicketService::Redact(const Context& ctx, TicketId id, CommentId comment,
                                              const std::string& text) {
  if (!ctx.actor.is_staff()) return PermissionDenied();
  if (text.empty()) return Invalid("text", "BlankValue", "Text: cannot be blank");
  domain::Comment out;
  Status st = env_.store.Write([&](Transaction& tx) -> Status {
    auto t = LoadVisible(tx, ctx, id);
    if (!t.ok()) return t.status();
    auto c = tx.comments().Get(ctx.account(), comment);
    if (!c.ok() || c->ticket_id != id) return NotFound();
    if (c->body.find(text) == std::string::npos && c->plain_body.find(text) == std::string::npos) {
      return Invalid("text", "InvalidValue", "Text: does not appear in the comment");
    }
    const std::string mark = "▇";
    auto redact = [&](std::string s, bool escaped) {
      std::string needle = escaped ? html::EscapeHtml(text) : text;
      if (needle.empty()) return s;
      for (auto pos = s.find(needle); pos != std::string::npos; pos = s.find(needle, pos)) {
        s.replace(pos, needle.size(), mark);
        pos += mark.size();
      }
      return s;
    };
    c->body = redact(c->body, false);
    c->plain_body = redact(c->plain_body, false);
    c->html_body = redact(c->html_body, true);
    COMPTOIR_RETURN_IF_ERROR(tx.comments().Update(*c));
    COMPTOIR_RETURN_IF_ERROR(IndexTicket(tx, ctx.account(), id));  // search
    domain::Audit a;
    a.account_id = ctx.account();
    a.ticket_id = id;
    a.author_id = ctx.actor.user_id;
    a.created_at = env_.clock.Now();
    a.events.push_back(
        json::object{{"type", "CommentRedactionEvent"}, {"comment_id", comment.value}});
    COMPTOIR_RETURN_IF_ERROR(tx.audits().Insert(a).status());
    out = *c;
    return Status::Ok();
  });
  if (!st.ok()) return st;
  return out;
}

Result<storage::Page<domain::Audit>> TicketService::Audits(const Context& ctx, TicketId id,
                                                           const storage::PageRequest& page) {
  if (!ctx.actor.is_staff()) return PermissionDenied();
  Result<storage::Page<domain::Audit>> out = storage::Page<domain::Audit>{};
  COMPTOIR_RETURN_IF_ERROR(env_.store.Read([&](Transaction& tx) -> Status {
    auto t = LoadVisible(tx, ctx, id);
    if (!t.ok()) return t.status();
    out = tx.audits().List(ctx.account(), id, page);
    return Status::Ok();
  }));
  return out;
}

Result<domain::Audit> TicketService::GetAudit(const Context& ctx, TicketId id, AuditId audit) {
  if (!ctx.actor.is_staff()) return PermissionDenied();
  Result<domain::Audit> out = NotFound();
  COMPTOIR_RETURN_IF_ERROR(env_.store.Read([&](Transaction& tx) -> Status {
    auto t = LoadVisible(tx, ctx, id);
    if (!t.ok()) return t.status();
    out = tx.audits().Get(ctx.account(), audit);
    if (out.ok() && out->ticket_id != id) out = NotFound();
    return Status::Ok();
  }));
  return out;
}

Result<storage::Page<domain::Audit>> TicketService::AllAudits(const Context& ctx,
                                                              const storage::PageRequest& page) {
  if (!ctx.actor.is_admin()) return PermissionDenied();
  Result<storage::Page<domain::Audit>> out = storage::Page<domain::Audit>{};
  COMPTOIR_RETURN_IF_ERROR(env_.store.Read([&](Transaction& tx) {
    out = tx.audits().List(ctx.account(), TicketId(), page);
    return Status::Ok();
  }));
  return out;
}

Result<std::vector<domain::Comment>> TicketService::CommentsOfAudits(
    const Context& ctx, const std::vector<AuditId>& audits) {
  Result<std::vector<domain::Comment>> out = std::vector<domain::Comment>{};
  COMPTOIR_RETURN_IF_ERROR(env_.store.Read([&](Transaction& tx) {
    out = tx.comments().ListForAudits(ctx.account(), audits);
    return Status::Ok();
  }));
  if (out.ok() && !ctx.actor.is_staff()) {
    std::erase_if(*out, [](const domain::Comment& c) { return !c.is_public; });
  }
  return out;
}

Result<domain::Ticket> TicketService::Merge(const Context& ctx, TicketId target,
                                            const MergeInput& in) {
  if (!ctx.actor.is_staff()) return PermissionDenied();
  if (in.source_ids.empty()) return Invalid("ids", "BlankValue", "Ids: name the tickets to merge");
  if (in.source_ids.size() > 100) return Invalid("ids", "InvalidValue", "Ids: at most 100");
  domain::Ticket out;
  Status st = env_.store.Write([&](Transaction& tx) -> Status {
    auto tgt = LoadVisible(tx, ctx, target);
    if (!tgt.ok()) return tgt.status();
    if (tgt->status == TicketStatus::kClosed) {
      return Invalid("id", "InvalidValue", "Target: a closed ticket cannot receive a merge");
    }
    std::vector<domain::Ticket> sources;
    for (auto sid : in.source_ids) {
      if (sid == target.value) {
        return Invalid("ids", "InvalidValue", "Ids: a ticket cannot be merged into itself");
      }
      auto s = LoadVisible(tx, ctx, TicketId(sid));
      if (!s.ok()) {
        return Invalid("ids", "InvalidValue", "Ticket " + std::to_string(sid) + " not found");
      }
      if (s->status == TicketStatus::kClosed) {
        return Invalid("ids", "InvalidValue",
                       "Ticket " + std::to_string(sid) + " is closed and cannot be merged");
      }
      sources.push_back(*s);
    }
    std::string list;
    for (const auto& s : sources) {
      TicketInput close;
      close.status = "solved";
      CommentInput c;
      c.body = in.source_comment.empty()
                   ? "This request was closed and merged into request #" +
                         std::to_string(target.value) + " \"" + tgt->subject + "\"."
                   : in.source_comment;
      c.is_public = in.source_comment_is_public;
      close.comment = c;
      close.via_channel = "merge";
      domain::Ticket copy = s;
      auto r = Apply(tx, ctx, copy, close, /*creating=*/false);
      if (!r.ok()) return r.status();
      // Merged sources end closed at once (Apply refuses to close directly).
      copy = r->ticket;
      copy.status = TicketStatus::kClosed;
      AddTags(copy.tags, {"closed_by_merge"});
      COMPTOIR_RETURN_IF_ERROR(tx.tickets().Update(copy));
      list += (list.empty() ? "#" : ", #") + std::to_string(s.id.value);
    }
    TicketInput upd;
    CommentInput c;
    c.body = in.target_comment.empty()
                 ? "Requests " + list + " were closed and merged into this request."
                 : in.target_comment;
    c.is_public = in.target_comment_is_public;
    upd.comment = c;
    upd.via_channel = "merge";
    for (const auto& s : sources) {
      if (s.requester_id != tgt->requester_id) {
        upd.additional_collaborators.push_back({s.requester_id.value, "", "", false});
      }
    }
    auto r = Apply(tx, ctx, *tgt, upd, /*creating=*/false);
    if (!r.ok()) return r.status();
    out = r->ticket;
    return Status::Ok();
  });
  if (!st.ok()) return st;
  return out;
}

}  // namespace comptoir::services
