// ExportService: Zendesk's incremental exports (reference §5) — tickets, users,
// organisations, ticket events (audits) and ticket metric events read in stream order, (timestamp,
// id), from one index range per page. Admin only. Rate limited per account on this node: Zendesk's
// 10 requests a minute (sample exports: 10 per 20 minutes), answered kResourceExhausted
// with a Retry-After. Items written within the last `lag_seconds` (Zendesk: one minute)
// are left for a later request, so that a stream never passes a write still in flight.
#pragma once

#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "comptoir/services/context.hpp"

namespace comptoir::services {

struct ExportOptions {
  int per_minute = 10;             // requests per account per minute; 0 = unlimited
  int sample_per_20_minutes = 10;  // sample requests per account per 20 minutes; 0 = unlimited
  int lag_seconds = 60;            // the last minute is excluded (0 in tests)
};

template <typename T>
struct ExportPage {
  std::vector<T> items;
  bool end_of_stream = false;
  storage::ExportPosition last;  // the position of the last item (the request's when none)
  Timestamp bound = 0;           // items below this second were visible to this request
};

class ExportService {
 public:
  ExportService(ServiceEnv env, ExportOptions options) : env_(env), options_(options) {}

  static constexpr int kMaxPage = 1000;
  static constexpr int kSamplePage = 50;

  // 403 for non-admins, then one request of the account's budget (429 when spent).
  Status Admit(const Context& ctx, bool sample);
  // The first second a request made now may not see yet (now - lag).
  Timestamp Bound() const { return env_.clock.Now() - options_.lag_seconds; }

  // Up to `limit` items after `after`. `whole_seconds` (time-based exports): the page is
  // extended with every remaining item of its last second, so that the next page may
  // start at the following second without losing or repeating any.
  Result<ExportPage<domain::Ticket>> Tickets(const Context& ctx, storage::ExportPosition after,
                                             int limit, bool include_deleted, bool whole_seconds);
  Result<ExportPage<domain::User>> Users(const Context& ctx, storage::ExportPosition after,
                                         int limit, bool whole_seconds);
  Result<ExportPage<domain::Organization>> Organizations(const Context& ctx,
                                                         storage::ExportPosition after, int limit,
                                                         bool whole_seconds);
  Result<ExportPage<domain::Audit>> Audits(const Context& ctx, storage::ExportPosition after,
                                           int limit, bool whole_seconds);
  Result<ExportPage<domain::TicketMetricEvent>> MetricEvents(const Context& ctx,
                                                             storage::ExportPosition after,
                                                             int limit, bool whole_seconds);

 private:
  struct Window {
    Timestamp start = 0;
    int used = 0;
  };
  ServiceEnv env_;
  ExportOptions options_;
  std::mutex mu_;
  std::unordered_map<std::string, Window> windows_;
};

}  // namespace comptoir::services
