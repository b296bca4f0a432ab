// SearchService and the index hooks.
#include "comptoir/services/search_service.hpp"

#include <algorithm>
#include <charconv>

#include "comptoir/search/search.hpp"

namespace comptoir::services {

using domain::SearchType;
using domain::SearchValueKind;
using storage::Transaction;

namespace {

void Append(std::string& out, std::string_view text) {
  if (text.empty()) return;
  const std::string words = search::IndexText(text);
  if (words.empty()) return;
  if (!out.empty()) out += ' ';
  out += words;
}

// Folds the text terms' values the way documents are folded.
void FoldQuery(domain::SearchQuery& q) {
  for (auto& t : q.terms) {
    if (t.kind == SearchValueKind::kText) t.value = search::IndexText(t.value);
  }
}

bool Applies(const domain::SearchQuery& q, SearchType type) {
  return std::all_of(q.terms.begin(), q.terms.end(),
                     [&](const domain::SearchTerm& t) { return search::AppliesTo(t, type); });
}

// Groups are few: matched in memory on their folded name.
bool GroupMatches(const domain::Group& g, const domain::SearchQuery& q, Timestamp now) {
  const auto words = search::Words(search::Fold(g.name));
  for (const auto& t : q.terms) {
    bool hit = true;
    if (t.kind == SearchValueKind::kText) {
      const auto want = search::Words(t.value);
      for (std::size_t i = 0; i < want.size() && hit; ++i) {
        const bool last = i + 1 == want.size();
        hit = std::any_of(words.begin(), words.end(), [&](const std::string& w) {
          return (t.wildcard && last) ? w.rfind(want[i], 0) == 0 : w == want[i];
        });
      }
    } else if (t.field == "created" || t.field == "updated") {
      const Timestamp v = t.field == "created" ? g.created_at : g.updated_at;
      const Timestamp at = t.kind == SearchValueKind::kRelative ? now - t.seconds : t.seconds;
      switch (t.op) {
        case domain::SearchOp::kEq:
          hit = v >= at && v < at + 86400;
          break;
        case domain::SearchOp::kLt:
          hit = v < at;
          break;
        case domain::SearchOp::kLe:
          hit = v <= at;
          break;
        case domain::SearchOp::kGt:
          hit = v > at;
          break;
        case domain::SearchOp::kGe:
          hit = v >= at;
          break;
      }
    }
    if (hit == t.negated) return false;
  }
  return true;
}

storage::SearchRequest RequestFor(Transaction& tx, const Context& ctx, TicketService& tickets,
                                  const domain::SearchQuery& q, Timestamp now) {
  storage::SearchRequest r;
  r.query = q;
  r.now = now;
  r.current_user = ctx.actor.user_id;
  r.public_only = !ctx.actor.is_staff();
  tickets.RestrictToCaller(tx, ctx, r.filter);
  return r;
}

Result<std::vector<SearchItem>> Load(Transaction& tx, AccountId account, SearchType type,
                                     const std::vector<std::int64_t>& ids) {
  std::vector<SearchItem> out;
  auto place = [&](auto&& all) -> Result<std::vector<SearchItem>> {
    if (!all.ok()) return all.status();
    for (auto id : ids) {
      for (auto& x : *all) {
        if (x.id.value == id) {
          out.emplace_back(std::move(x));
          break;
        }
      }
    }
    return std::move(out);
  };
  switch (type) {
    case SearchType::kTicket: {
      std::vector<TicketId> v(ids.begin(), ids.end());
      return place(tx.tickets().GetMany(account, v));
    }
    case SearchType::kUser: {
      std::vector<UserId> v(ids.begin(), ids.end());
      return place(tx.users().GetMany(account, v));
    }
    case SearchType::kOrganization: {
      std::vector<OrganizationId> v(ids.begin(), ids.end());
      return place(tx.organizations().GetMany(account, v));
    }
    default:
      return out;
  }
}

Result<storage::SearchPage> RunOne(Transaction& tx, AccountId account, SearchType type,
                                   const storage::SearchRequest& r,
                                   const storage::PageRequest& page) {
  switch (type) {
    case SearchType::kTicket:
      return tx.search().Tickets(account, r, page);
    case SearchType::kUser:
      return tx.search().Users(account, r, page);
    case SearchType::kOrganization:
      return tx.search().Organizations(account, r, page);
    default:
      return InvalidArgument("unsupported type");
  }
}

}  // namespace

Status IndexTicket(Transaction& tx, AccountId account, TicketId id) {
  auto t = tx.tickets().Get(account, id);
  if (!t.ok()) return t.status();
  std::string pub;
  std::string priv;
  storage::PageRequest page;
  page.cursor = true;
  page.limit = 500;
  bool any_comment = false;
  while (true) {
    auto comments = tx.comments().ListForTicket(account, id, /*public_only=*/false, page);
    if (!comments.ok()) return comments.status();
    for (const auto& c : comments->items) {
      any_comment = true;
      Append(c.is_public ? pub : priv, c.plain_body.empty() ? c.body : c.plain_body);
      page.after_id = c.id.value;
    }
    if (!comments->has_more || comments->items.empty()) break;
  }
  if (!any_comment) Append(pub, t->description);
  return tx.search().IndexTicket(account, id, search::IndexText(t->subject), pub, priv);
}

Status UnindexTicket(Transaction& tx, AccountId account, TicketId id) {
  return tx.search().RemoveTicket(account, id);
}

Status IndexUser(Transaction& tx, const domain::User& u) {
  std::string body;
  for (std::string_view s :
       {std::string_view(u.email), std::string_view(u.phone), std::string_view(u.external_id),
        std::string_view(u.alias), std::string_view(u.notes), std::string_view(u.details)}) {
    Append(body, s);
  }
  for (const auto& tag : u.tags) Append(body, tag);
  return tx.search().IndexUser(u.account_id, u.id, search::IndexText(u.name), body);
}

Status UnindexUser(Transaction& tx, AccountId account, UserId id) {
  return tx.search().RemoveUser(account, id);
}

Status IndexOrganization(Transaction& tx, const domain::Organization& o) {
  std::string body;
  for (std::string_view s :
       {std::string_view(o.external_id), std::string_view(o.notes), std::string_view(o.details)}) {
    Append(body, s);
  }
  for (const auto& tag : o.tags) Append(body, tag);
  for (const auto& d : o.domain_names) Append(body, d);
  return tx.search().IndexOrganization(o.account_id, o.id, search::IndexText(o.name), body);
}

Status UnindexOrganization(Transaction& tx, AccountId account, OrganizationId id) {
  return tx.search().RemoveOrganization(account, id);
}

Result<SearchResults> SearchService::Search(const Context& ctx, domain::SearchQuery q,
                                            const SearchOptions& options) {
  FoldQuery(q);
  const bool staff = ctx.actor.is_staff();
  std::vector<SearchType> types;
  if (q.type != SearchType::kAny) {
    types.push_back(q.type);
  } else {
    for (auto t :
         {SearchType::kTicket, SearchType::kUser, SearchType::kOrganization, SearchType::kGroup}) {
      if (Applies(q, t)) types.push_back(t);
    }
  }
  // End users find tickets only.
  if (!staff) std::erase_if(types, [](SearchType t) { return t != SearchType::kTicket; });
  const Timestamp now = env_.clock.Now();
  SearchResults out;
  COMPTOIR_RETURN_IF_ERROR(env_.store.Read([&](Transaction& tx) -> Status {
    storage::SearchRequest r = RequestFor(tx, ctx, tickets_, q, now);
    r.sort_by = options.sort_by.empty() ? q.order_by : options.sort_by;
    const std::string order = options.sort_order.empty() ? q.sort_order : options.sort_order;
    r.sort_descending = order != "asc";
    std::int64_t skip = options.offset;
    std::int64_t want = options.count_only ? 0 : options.limit;
    for (auto type : types) {
      if (!Applies(q, type)) continue;  // an explicit type: a keyword it has not: no match
      if (type == SearchType::kGroup) {
        storage::GroupFilter gf;
        storage::PageRequest gp;
        gp.limit = 10000;
        auto groups = tx.groups().List(ctx.account(), gf, gp);
        if (!groups.ok()) return groups.status();
        for (auto& g : groups->items) {
          if (!GroupMatches(g, q, now)) continue;
          ++out.count;
          if (skip > 0) {
            --skip;
          } else if (want > 0) {
            out.items.emplace_back(std::move(g));
            --want;
          } else {
            out.has_more = true;
          }
        }
        continue;
      }
      storage::PageRequest page;
      page.count = true;
      page.offset = static_cast<int>(skip);
      page.limit = static_cast<int>(want);
      if (want == 0) {
        page.limit = 0;
        page.offset = 0;
      }
      auto res = RunOne(tx, ctx.account(), type, r, page);
      if (!res.ok()) return res.status();
      out.count += res->total;
      if (want == 0) {
        if (res->total > skip) out.has_more = true;
        skip = std::max<std::int64_t>(0, skip - res->total);
        continue;
      }
      skip = std::max<std::int64_t>(0, skip - res->total);
      auto items = Load(tx, ctx.account(), type, res->ids);
      if (!items.ok()) return items.status();
      want -= static_cast<std::int64_t>(items->size());
      for (auto& it : *items) out.items.push_back(std::move(it));
      if (res->has_more) out.has_more = true;
    }
    return Status::Ok();
  }));
  if (options.count_only) out.has_more = false;
  return out;
}

Result<SearchExportPage> SearchService::Export(const Context& ctx, domain::SearchQuery q,
                                               SearchType type, const std::string& cursor,
                                               int limit) {
  FoldQuery(q);
  Timestamp after_created = 0;
  std::int64_t after_id = 0;
  if (!cursor.empty()) {
    const auto dot = cursor.find('.');
    if (dot == std::string::npos) return InvalidArgument("The cursor is not valid");
    auto a = std::from_chars(cursor.data(), cursor.data() + dot, after_created);
    auto b = std::from_chars(cursor.data() + dot + 1, cursor.data() + cursor.size(), after_id);
    if (a.ec != std::errc() || b.ec != std::errc() || a.ptr != cursor.data() + dot ||
        b.ptr != cursor.data() + cursor.size()) {
      return InvalidArgument("The cursor is not valid");
    }
  }
  SearchExportPage out;
  if (!ctx.actor.is_staff() && type != SearchType::kTicket) return out;
  const Timestamp now = env_.clock.Now();
  COMPTOIR_RETURN_IF_ERROR(env_.store.Read([&](Transaction& tx) -> Status {
    if (!Applies(q, type)) return Status::Ok();
    if (type == SearchType::kGroup) {
      storage::GroupFilter gf;
      storage::PageRequest gp;
      gp.limit = 10000;
      auto groups = tx.groups().List(ctx.account(), gf, gp);
      if (!groups.ok()) return groups.status();
      std::vector<domain::Group> all;
      for (auto& g : groups->items) {
        if (GroupMatches(g, q, now)) all.push_back(std::move(g));
      }
      std::sort(all.begin(), all.end(), [](const auto& x, const auto& y) {
        return std::pair(x.created_at, x.id.value) < std::pair(y.created_at, y.id.value);
      });
      for (auto& g : all) {
        if (std::pair(g.created_at, g.id.value) <= std::pair(after_created, after_id)) continue;
        if (static_cast<int>(out.items.size()) == limit) {
          out.has_more = true;
          break;
        }
        out.after_cursor = std::to_string(g.created_at) + "." + std::to_string(g.id.value);
        out.items.emplace_back(std::move(g));
      }
      return Status::Ok();
    }
    storage::SearchRequest r = RequestFor(tx, ctx, tickets_, q, now);
    r.export_order = true;
    r.after_created_at = after_created;
    r.after_id = after_id;
    storage::PageRequest page;
    page.limit = limit;
    auto res = RunOne(tx, ctx.account(), type, r, page);
    if (!res.ok()) return res.status();
    auto items = Load(tx, ctx.account(), type, res->ids);
    if (!items.ok()) return items.status();
    out.items = std::move(*items);
    out.has_more = res->has_more;
    if (!res->ids.empty()) {
      out.after_cursor =
          std::to_string(res->created_at.back()) + "." + std::to_string(res->ids.back());
    }
    return Status::Ok();
  }));
  return out;
}

Result<std::int64_t> SearchService::Backfill(int batch) {
  std::int64_t done = 0;
  // Once per database (the marker of migration 12): a start does not scan a million rows.
  bool pending = false;
  COMPTOIR_RETURN_IF_ERROR(env_.store.Read([&](Transaction& tx) -> Status {
    auto p = tx.search().BackfillPending();
    if (!p.ok()) return p.status();
    pending = *p;
    return Status::Ok();
  }));
  if (!pending) return done;
  // Each kind is drained before the next: a short batch means none is left (the scan
  // for rows without an entry reads the whole table once per batch).
  for (const char* kind : {"ticket", "user", "organization"}) {
    for (bool more = true; more;) {
      Status st = env_.store.Write([&](Transaction& tx) -> Status {
        auto rows = tx.search().Unindexed(kind, batch);
        if (!rows.ok()) return rows.status();
        more = static_cast<int>(rows->size()) == batch;
        for (const auto& [account, id] : *rows) {
          const std::string_view k(kind);
          if (k == "ticket") {
            COMPTOIR_RETURN_IF_ERROR(IndexTicket(tx, account, TicketId(id)));
          } else if (k == "user") {
            auto u = tx.users().Get(account, UserId(id));
            if (!u.ok()) return u.status();
            COMPTOIR_RETURN_IF_ERROR(IndexUser(tx, *u));
          } else {
            auto o = tx.organizations().Get(account, OrganizationId(id));
            if (!o.ok()) return o.status();
            COMPTOIR_RETURN_IF_ERROR(IndexOrganization(tx, *o));
          }
          ++done;
        }
        return Status::Ok();
      });
      if (!st.ok()) return st;
    }
  }
  COMPTOIR_RETURN_IF_ERROR(
      env_.store.Write([&](Transaction& tx) -> Status { return tx.search().BackfillDone(); }));
  return done;
}

}  // namespace comptoir::services
