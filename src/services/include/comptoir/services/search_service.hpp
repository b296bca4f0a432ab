// SearchService: Zendesk's unified search (reference §4) over the full-text index of
// migration 9 — tickets (what the caller may see; end users their own and their shared
// organisations' tickets, matching public text only), users, organisations and groups
// (staff only). And the index's writers: the Index* hooks run inside the transaction
// that writes a ticket, user or organisation, so a record is searchable as soon as that
// write commits; Backfill indexes rows written before the index existed.
#pragma once

#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "comptoir/domain/search_query.hpp"
#include "comptoir/services/context.hpp"
#include "comptoir/services/ticket_service.hpp"

namespace comptoir::services {

// --- the index hooks (called by TicketService, UserService, OrganizationService) ---
// Re-reads the ticket and its comments in `tx` and replaces its index entry.
Status IndexTicket(storage::Transaction& tx, AccountId account, TicketId id);
Status UnindexTicket(storage::Transaction& tx, AccountId account, TicketId id);
Status IndexUser(storage::Transaction& tx, const domain::User& u);
Status UnindexUser(storage::Transaction& tx, AccountId account, UserId id);
Status IndexOrganization(storage::Transaction& tx, const domain::Organization& o);
Status UnindexOrganization(storage::Transaction& tx, AccountId account, OrganizationId id);

using SearchItem = std::variant<domain::Ticket, domain::User, domain::Organization, domain::Group>;

struct SearchResults {
  std::vector<SearchItem> items;
  std::int64_t count = 0;  // every match (not capped)
  bool has_more = false;
};

struct SearchOptions {
  std::string sort_by;     // "" = the query's order_by:, else relevance
  std::string sort_order;  // "" = the query's sort:, else "desc"
  int offset = 0;
  int limit = 100;
  bool count_only = false;
};

struct SearchExportPage {
  std::vector<SearchItem> items;
  bool has_more = false;
  std::string after_cursor;  // of the last item ("" when none)
};

class SearchService {
 public:
  SearchService(ServiceEnv env, TicketService& tickets) : env_(env), tickets_(tickets) {}

  // A parsed query (search::Parse): offset pages of mixed results — tickets, then users,
  // organisations and groups — each type in the requested order.
  Result<SearchResults> Search(const Context& ctx, domain::SearchQuery q,
                               const SearchOptions& options);
  // Export: one type, ordered by created_at then id, after `cursor` ("" = the start).
  // kInvalidArgument for a malformed cursor.
  Result<SearchExportPage> Export(const Context& ctx, domain::SearchQuery q,
                                  domain::SearchType type, const std::string& cursor, int limit);
  // Indexes every row of each kind that has no entry, `batch` rows per transaction;
  // how many it indexed.
  Result<std::int64_t> Backfill(int batch);

 private:
  ServiceEnv env_;
  TicketService& tickets_;
};

}  // namespace comptoir::services
