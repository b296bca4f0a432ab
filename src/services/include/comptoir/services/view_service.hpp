// ViewService: views (saved ticket lists). Who sees a view: everybody on the staff
// (shared), the members of its groups (group-restricted; admins see them all), or its
// one user (personal). Admins manage shared and group views and their own personal
// views; agents manage their personal views. Executing a view compiles its condition
// tree to SQL (TicketRepository::ListMatching), narrowed to the tickets the caller may
// see. Counts are cached per (view, user, ticket generation of the account): a ticket
// change on any node (the store's events) makes the next count fresh.
// Errors: kNotFound for a view the caller may not see, kPermissionDenied for one it may
// see but not change, kValidation naming the condition. Thread-safe.
#pragma once

#include <boost/json/object.hpp>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "comptoir/domain/rules.hpp"
#include "comptoir/services/auth_service.hpp"
#include "comptoir/services/context.hpp"
#include "comptoir/services/ticket_service.hpp"

namespace comptoir::services {

struct ViewInput {
  std::optional<std::string> title, description;
  std::optional<bool> active;
  std::optional<int> position;
  std::optional<domain::Restriction> restriction;  // kNone = shared
  std::optional<std::vector<domain::Condition>> all, any;
  std::optional<domain::ViewOutput> output;
};

struct ViewExecuteOptions {
  std::string sort_by;     // overrides the view's output
  std::string sort_order;  // "asc" / "desc"; "" = the view's
  storage::PageRequest page;
};

struct ViewExecution {
  domain::View view;
  storage::Page<domain::Ticket> tickets;
  std::vector<domain::User> users;  // requesters, submitters, assignees of the rows
  std::vector<domain::Group> groups;
  std::vector<domain::Organization> organizations;
};

struct ViewCount {
  domain::ViewId view_id;
  std::int64_t value = 0;
  bool fresh = true;
  bool active = true;
};

struct ViewFilter {
  std::optional<bool> active;
  std::string access;  // "personal", "shared", "account" (group views); "" = all
  std::string query;   // search: substring of the title
};

class ViewService {
 public:
  ViewService(ServiceEnv env, TicketService& tickets) : env_(env), tickets_(tickets) {}

  Result<std::vector<domain::View>> List(const Context& ctx, const ViewFilter& filter);
  Result<domain::View> Get(const Context& ctx, domain::ViewId id);
  Result<domain::View> Create(const Context& ctx, const ViewInput& in);
  Result<domain::View> Update(const Context& ctx, domain::ViewId id, const ViewInput& in);
  Status Delete(const Context& ctx, domain::ViewId id);
  // Positions follow the order of `ids` (views the caller may not change: 403/404).
  Status Reorder(const Context& ctx, const std::vector<std::int64_t>& ids);
  // {"actions":[],"conditions_all":[…],"conditions_any":[…]}: what a view's conditions
  // may test (GET /views/definitions), as the triggers' definitions show them.
  Result<boost::json::object> Definitions(const Context& ctx);

  Result<ViewExecution> Execute(const Context& ctx, domain::ViewId id,
                                const ViewExecuteOptions& opts);
  // A view that is not saved (preview): `in` needs `all`.
  Result<ViewExecution> Preview(const Context& ctx, const ViewInput& in,
                                const ViewExecuteOptions& opts);
  Result<std::int64_t> PreviewCount(const Context& ctx, const ViewInput& in);
  Result<ViewCount> Count(const Context& ctx, domain::ViewId id);
  Result<std::vector<ViewCount>> CountMany(const Context& ctx,
                                           const std::vector<std::int64_t>& ids);

  // Zendesk's default views for a new account.
  static Status InsertDefaults(storage::Transaction& tx, AccountId account, Timestamp now);
  // A ticket of `account` changed (a store event): its cached counts are stale.
  void TicketsChanged(AccountId account);

 private:
  bool CanSee(const Context& ctx, const domain::View& v,
              const std::vector<std::int64_t>& groups) const;
  bool CanManage(const Context& ctx, const domain::View& v) const;
  Status Check(storage::Transaction& tx, const Context& ctx, const domain::View& v);
  storage::TicketQuery QueryFor(storage::Transaction& tx, const Context& ctx, const domain::View& v,
                                const std::vector<std::int64_t>& groups);
  Result<ViewExecution> Run(storage::Transaction& tx, const Context& ctx, domain::View v,
                            const std::vector<std::int64_t>& groups,
                            const ViewExecuteOptions& opts);
  // The view's count, and whether it is fresh: a count that took long to compute is
  // served stale (fresh = false) for up to a minute after a ticket change, as Zendesk does.
  Result<std::pair<std::int64_t, bool>> CachedCount(storage::Transaction& tx, const Context& ctx,
                                                    const domain::View& v,
                                                    const std::vector<std::int64_t>& groups);

  ServiceEnv env_;
  TicketService& tickets_;
  struct CacheKey {
    std::int64_t account, view, user;
    Timestamp minute;  // views with time conditions: one entry per minute
    auto operator<=>(const CacheKey&) const = default;
  };
  struct CacheEntry {
    std::int64_t value = 0;
    std::uint64_t generation = 0;
    Timestamp view_updated_at = 0;
    Timestamp computed_at = 0;
    std::int64_t compute_ms = 0;
  };
  std::mutex mu_;
  std::map<std::int64_t, std::uint64_t> generation_;  // per account
  std::map<CacheKey, CacheEntry> counts_;
};

}  // namespace comptoir::services
