#include "comptoir/services/macro_service.hpp"

#include <algorithm>
#include <boost/json.hpp>
#include <cctype>
#include <set>

#include "comptoir/domain/policy.hpp"
#include "comptoir/services/ticket_service.hpp"
#include "comptoir/services/trigger_service.hpp"
#include "comptoir/template/template.hpp"

namespace comptoir::services {

namespace json = boost::json;
using domain::Macro;
using domain::MacroId;
using domain::Restriction;
using storage::Transaction;

namespace {

constexpr std::size_t kMaxTitle = 255 * 4;
constexpr std::size_t kMaxMacros = 5000;

std::string LowerAscii(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// "Billing::Refunds::Partial refund" → "Billing"; "" when the title has no category.
std::string CategoryOf(const std::string& title) {
  auto pos = title.find("::");
  return pos == std::string::npos ? std::string() : title.substr(0, pos);
}

bool InGroups(const std::vector<std::int64_t>& groups, const Restriction& r) {
  return std::any_of(r.ids.begin(), r.ids.end(), [&](std::int64_t id) {
    return std::find(groups.begin(), groups.end(), id) != groups.end();
  });
}

Macro Default(AccountId account, Timestamp now, int position, std::string title,
              std::vector<domain::Action> actions) {
  Macro m;
  m.account_id = account;
  m.title = m.raw_title = std::move(title);
  m.is_default = true;
  m.position = position;
  m.actions = std::move(actions);
  m.created_at = m.updated_at = now;
  return m;
}

}  // namespace

bool MacroService::Visible(const Context& ctx, const std::vector<std::int64_t>& groups,
                           const Macro& m) const {
  if (ctx.actor.is_admin() || ctx.actor.system) return true;
  switch (m.restriction.type) {
    case Restriction::Type::kNone:
      return true;
    case Restriction::Type::kGroup:
      return InGroups(groups, m.restriction);
    case Restriction::Type::kUser:
      return std::find(m.restriction.ids.begin(), m.restriction.ids.end(),
                       ctx.actor.user_id.value) != m.restriction.ids.end();
  }
  return false;
}

bool MacroService::Editable(const Context& ctx, const Macro& m) const {
  if (domain::CanAdminister(ctx.actor)) return true;
  return m.restriction.type == Restriction::Type::kUser && m.restriction.ids.size() == 1 &&
         m.restriction.ids[0] == ctx.actor.user_id.value;
}

Result<std::vector<Macro>> MacroService::List(const Context& ctx, const MacroFilter& f) {
  if (!ctx.actor.is_staff()) return PermissionDenied();
  std::vector<Macro> out;
  COMPTOIR_RETURN_IF_ERROR(env_.store.Read([&](Transaction& tx) -> Status {
    auto all = tx.macros().List(ctx.account());
    if (!all.ok()) return all.status();
    auto groups = CallerGroupIds(tx, ctx);
    if (!groups.ok()) return groups.status();
    Context as_agent = ctx;
    if (f.only_viewable) as_agent.actor.role = domain::Role::kAgent;
    const std::string q = LowerAscii(f.query);
    for (auto& m : *all) {
      if (!Visible(as_agent, *groups, m)) continue;
      if (f.active && m.active != *f.active) continue;
      if (!q.empty() && LowerAscii(m.title).find(q) == std::string::npos) continue;
      if (!f.category.empty() && CategoryOf(m.title) != f.category) continue;
      const auto type = m.restriction.type;
      if (f.access == "personal" && type != Restriction::Type::kUser) continue;
      if (f.access == "agents" && type != Restriction::Type::kGroup) continue;
      if (f.access == "shared" && type != Restriction::Type::kNone) continue;
      if (f.group_id != 0 && (type != Restriction::Type::kGroup ||
                              std::find(m.restriction.ids.begin(), m.restriction.ids.end(),
                                        f.group_id) == m.restriction.ids.end())) {
        continue;
      }
      out.push_back(std::move(m));
    }
    return Status::Ok();
  }));
  const std::string& by = f.sort_by;
  bool desc = f.sort_order == "desc";
  if (by == "alphabetical" || by == "title") {
    std::stable_sort(out.begin(), out.end(), [](const Macro& a, const Macro& b) {
      return LowerAscii(a.title) < LowerAscii(b.title);
    });
  } else if (by == "created_at" || by == "updated_at") {
    if (f.sort_order.empty()) desc = true;
    const bool created = by == "created_at";
    std::stable_sort(out.begin(), out.end(), [&](const Macro& a, const Macro& b) {
      auto ta = created ? a.created_at : a.updated_at;
      auto tb = created ? b.created_at : b.updated_at;
      return ta != tb ? ta < tb : a.id < b.id;
    });
  } else if (by.starts_with("usage_")) {
    if (f.sort_order.empty()) desc = true;
    std::stable_sort(out.begin(), out.end(), [](const Macro& a, const Macro& b) {
      return a.usage_count != b.usage_count ? a.usage_count < b.usage_count : a.id < b.id;
    });
  }
  if (desc) std::reverse(out.begin(), out.end());
  return out;
}

Result<Macro> MacroService::Get(const Context& ctx, MacroId id) {
  if (!ctx.actor.is_staff()) return PermissionDenied();
  Result<Macro> out = NotFound();
  COMPTOIR_RETURN_IF_ERROR(env_.store.Read([&](Transaction& tx) -> Status {
    auto m = tx.macros().Get(ctx.account(), id);
    if (!m.ok()) return Status::Ok();
    auto groups = CallerGroupIds(tx, ctx);
    if (!groups.ok()) return groups.status();
    if (Visible(ctx, *groups, *m)) out = *m;
    return Status::Ok();
  }));
  return out;
}

Result<Macro> MacroService::Save(Transaction& tx, const Context& ctx, Macro m, const MacroInput& in,
                                 bool creating) {
  const AccountId account = ctx.account();
  const Timestamp now = env_.clock.Now();
  if (in.title) {
    m.title = *in.title;
    m.raw_title = *in.title;
  }
  if (in.description) m.description = *in.description;
  if (in.active) m.active = *in.active;
  if (in.actions) m.actions = *in.actions;
  if (in.restriction) m.restriction = *in.restriction;
  Validation v;
  if (m.title.find_first_not_of(" \t\r\n") == std::string::npos) {
    v.Add("title", "BlankValue", "Title: cannot be blank");
  } else if (m.title.size() > kMaxTitle) {
    v.Add("title", "InvalidValue", "Title: is too long");
  }
  if (m.actions.empty()) v.Add("actions", "BlankValue", "Actions: cannot be blank");
  // Agents make personal macros only; a personal macro belongs to one agent.
  if (!domain::CanAdminister(ctx.actor)) {
    if (creating && !in.restriction) {
      m.restriction = {Restriction::Type::kUser, {ctx.actor.user_id.value}};
    }
    if (!Editable(ctx, m)) {
      return PermissionDenied("Agents may only create and change their personal macros");
    }
  }
  if (m.restriction.type == Restriction::Type::kUser) {
    if (m.restriction.ids.size() != 1) {
      v.Add("restriction", "InvalidValue", "Restriction: a personal macro has one user");
    } else {
      auto u = tx.users().Get(account, UserId(m.restriction.ids[0]));
      if (!u.ok() || !u->is_staff()) {
        v.Add("restriction", "InvalidValue", "Restriction: the user is not an agent");
      }
    }
  } else if (m.restriction.type == Restriction::Type::kGroup) {
    if (m.restriction.ids.empty()) {
      v.Add("restriction", "InvalidValue", "Restriction: name at least one group");
    }
    for (auto id : m.restriction.ids) {
      auto g = tx.groups().Get(account, GroupId(id));
      if (!g.ok() || g->deleted) {
        v.Add("restriction", "InvalidValue",
              "Restriction: group " + std::to_string(id) + " does not exist");
        break;
      }
    }
  }
  COMPTOIR_RETURN_IF_ERROR(v.Finish());
  auto catalog = TriggerService::LoadCatalog(tx, account);
  if (!catalog.ok()) return catalog.status();
  COMPTOIR_RETURN_IF_ERROR(rules::ValidateActions(rules::RuleKind::kMacro, m.actions, *catalog));

  m.updated_at = now;
  if (creating) {
    auto all = tx.macros().List(account);
    if (!all.ok()) return all.status();
    if (all->size() >= kMaxMacros) {
      return Invalid("base", "InvalidValue", "An account has at most 5000 macros");
    }
    int last = -1;
    for (const auto& x : *all) last = std::max(last, x.position);
    m.position = in.position.value_or(last + 1);
    m.account_id = account;
    m.created_at = now;
    auto id = tx.macros().Insert(m);
    if (!id.ok()) return id.status();
    m.id = *id;
  } else {
    if (in.position) m.position = *in.position;
    COMPTOIR_RETURN_IF_ERROR(tx.macros().Update(m));
  }
  COMPTOIR_RETURN_IF_ERROR(
      RecordAudit(tx, ctx, now, "rule", m.id.value, m.title, creating ? "create" : "update",
                  std::string(creating ? "Created" : "Updated") + " macro: " + m.title));
  return m;
}

Result<Macro> MacroService::Create(const Context& ctx, const MacroInput& in) {
  if (!ctx.actor.is_staff()) return PermissionDenied();
  Result<Macro> out = Internal("not run");
  COMPTOIR_RETURN_IF_ERROR(env_.store.Write([&](Transaction& tx) -> Status {
    out = Save(tx, ctx, Macro{}, in, true);
    return out.status();
  }));
  return out;
}

Result<Macro> MacroService::Update(const Context& ctx, MacroId id, const MacroInput& in) {
  if (!ctx.actor.is_staff()) return PermissionDenied();
  Result<Macro> out = Internal("not run");
  COMPTOIR_RETURN_IF_ERROR(env_.store.Write([&](Transaction& tx) -> Status {
    auto m = tx.macros().Get(ctx.account(), id);
    if (!m.ok()) return m.status();
    auto groups = CallerGroupIds(tx, ctx);
    if (!groups.ok()) return groups.status();
    if (!Visible(ctx, *groups, *m)) return NotFound();
    if (!Editable(ctx, *m)) return PermissionDenied("Agents may only change their personal macros");
    out = Save(tx, ctx, *m, in, false);
    return out.status();
  }));
  return out;
}

Status MacroService::Delete(const Context& ctx, MacroId id) { return DestroyMany(ctx, {id}); }

Status MacroService::DestroyMany(const Context& ctx, const std::vector<MacroId>& ids) {
  if (!ctx.actor.is_staff()) return PermissionDenied();
  return env_.store.Write([&](Transaction& tx) -> Status {
    auto groups = CallerGroupIds(tx, ctx);
    if (!groups.ok()) return groups.status();
    const Timestamp now = env_.clock.Now();
    for (auto id : ids) {
      auto m = tx.macros().Get(ctx.account(), id);
      if (!m.ok() || !Visible(ctx, *groups, *m)) return NotFound();
      if (!Editable(ctx, *m))
        return PermissionDenied("Agents may only delete their personal macros");
      COMPTOIR_RETURN_IF_ERROR(tx.macros().Delete(ctx.account(), id));
      COMPTOIR_RETURN_IF_ERROR(RecordAudit(tx, ctx, now, "rule", id.value, m->title, "destroy",
                                           "Deleted macro: " + m->title));
    }
    return Status::Ok();
  });
}

Result<std::vector<Macro>> MacroService::UpdateMany(const Context& ctx,
                                                    const std::vector<MacroPatch>& patches) {
  if (!ctx.actor.is_staff()) return PermissionDenied();
  std::vector<Macro> out;
  COMPTOIR_RETURN_IF_ERROR(env_.store.Write([&](Transaction& tx) -> Status {
    auto groups = CallerGroupIds(tx, ctx);
    if (!groups.ok()) return groups.status();
    const Timestamp now = env_.clock.Now();
    for (const auto& p : patches) {
      auto m = tx.macros().Get(ctx.account(), p.id);
      if (!m.ok() || !Visible(ctx, *groups, *m)) return NotFound();
      if (!Editable(ctx, *m))
        return PermissionDenied("Agents may only change their personal macros");
      if (p.position) m->position = *p.position;
      if (p.active) m->active = *p.active;
      m->updated_at = now;
      COMPTOIR_RETURN_IF_ERROR(tx.macros().Update(*m));
      out.push_back(*m);
    }
    return Status::Ok();
  }));
  return out;
}

Result<std::vector<std::string>> MacroService::Categories(const Context& ctx) {
  auto all = List(ctx, {});
  if (!all.ok()) return all.status();
  std::set<std::string> cats;
  for (const auto& m : *all) {
    auto c = CategoryOf(m.title);
    if (!c.empty()) cats.insert(c);
  }
  return std::vector<std::string>(cats.begin(), cats.end());
}

Result<json::object> MacroService::Definitions(const Context& ctx) {
  if (!ctx.actor.is_staff()) return PermissionDenied();
  json::object out;
  COMPTOIR_RETURN_IF_ERROR(env_.store.Read([&](Transaction& tx) -> Status {
    auto c = TriggerService::LoadCatalog(tx, ctx.account());
    if (!c.ok()) return c.status();
    out = rules::Definitions(rules::RuleKind::kMacro, *c);
    return Status::Ok();
  }));
  return out;
}

Result<MacroApplication> MacroService::Apply(const Context& ctx, MacroId id, TicketId ticket_id) {
  auto macro = Get(ctx, id);
  if (!macro.ok()) return macro.status();
  MacroApplication out;
  if (ticket_id) {
    auto t = tickets_.Get(ctx, ticket_id);
    if (!t.ok()) return t.status();
    out.before = *t;
    out.has_ticket = true;
  }
  rules::UpdateFacts facts;
  facts.before = out.before;
  facts.current_user = ctx.actor.user_id;
  facts.current_user_role = domain::RoleName(ctx.actor.role);
  facts.now = env_.clock.Now();
  rules::MacroResult r = rules::ApplyMacro(*macro, out.before, facts);
  out.ticket = std::move(r.ticket);
  out.comment_body = std::move(r.comment_body);
  out.comment_html = std::move(r.comment_html);
  out.comment_public = r.comment_public;
  if (!out.has_ticket) return out;

  COMPTOIR_RETURN_IF_ERROR(env_.store.Write([&](Transaction& tx) -> Status {
    auto account = tx.accounts().Get(ctx.account());
    if (!account.ok()) return account.status();
    liquid::Context placeholders =
        TicketPlaceholders(tx, *account, out.ticket, ctx.actor.user_id, placeholders_);
    for (auto [text, escape] : {std::pair{&out.comment_body, liquid::Escape::kNone},
                                {&out.comment_html, liquid::Escape::kHtml}}) {
      if (text->empty()) continue;
      auto tpl = liquid::Parse(*text);
      if (!tpl.ok()) return tpl.status();
      liquid::RenderOptions ro;
      ro.escape = escape;
      auto rendered = tpl->Render(placeholders, ro);
      if (!rendered.ok()) return rendered.status();
      *text = std::move(rendered).value();
    }
    return tx.macros().CountUse(ctx.account(), id);
  }));
  return out;
}

Status MacroService::CreateDefaults(Transaction& tx, AccountId account, Timestamp now) {
  using domain::Action;
  std::vector<Macro> defaults;
  defaults.push_back(
      Default(account, now, 0, "Close and redirect to topics",
              {Action{"status", json::value("solved")},
               Action{"comment_value",
                      json::value("This ticket was closed because the topic is answered in our "
                                  "help center. Reply to reopen it if you need more help.")}}));
  defaults.push_back(
      Default(account, now, 1, "Downgrade and inform",
              {Action{"priority", json::value("low")},
               Action{"comment_value", json::value("We're currently experiencing unusually high "
                                                   "traffic. We'll get back to you as soon as "
                                                   "possible.")}}));
  defaults.push_back(Default(
      account, now, 2, "Customer not responding",
      {Action{"status", json::value("pending")},
       Action{
           "comment_value",
           json::value("Dear {{ticket.requester.first_name}},\n\nWe haven't heard back from you "
                       "in a while. Please reply if you still need help with \"{{ticket.title}}\"; "
                       "otherwise this request will be closed.")}}));
  defaults.push_back(
      Default(account, now, 3, "Take it!", {Action{"assignee_id", json::value("current_user")}}));
  for (auto& m : defaults) {
    auto id = tx.macros().Insert(m);
    if (!id.ok()) return id.status();
  }
  return Status::Ok();
}

}  // namespace comptoir::services
