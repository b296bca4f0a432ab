#include "comptoir/services/export_service.hpp"

#include <limits>
#include <type_traits>

namespace comptoir::services {

namespace {

// Every item of `all`'s last second, read in pages after the last one.
constexpr int kSecondChunk = 10000;

template <typename T>
Timestamp TsOf(const T& item);
template <>
Timestamp TsOf(const domain::Ticket& t) {
  return t.generated_timestamp;
}
template <>
Timestamp TsOf(const domain::User& u) {
  return u.updated_at;
}
template <>
Timestamp TsOf(const domain::Organization& o) {
  return o.updated_at;
}
template <>
Timestamp TsOf(const domain::Audit& a) {
  return a.created_at;
}
template <>
Timestamp TsOf(const domain::TicketMetricEvent& e) {
  return e.time;
}

// The item's id in the stream position (metric events have a plain integer id).
template <typename T>
std::int64_t IdOf(const T& item) {
  if constexpr (std::is_same_v<T, domain::TicketMetricEvent>) {
    return item.id;
  } else {
    return item.id.value;
  }
}

template <typename T, typename Read>
Result<ExportPage<T>> ReadPage(storage::Store& store, storage::ExportPosition after, int limit,
                               Timestamp bound, bool whole_seconds, Read read) {
  ExportPage<T> page;
  page.bound = bound;
  page.last = after;
  limit = std::clamp(limit, 1, ExportService::kMaxPage);
  COMPTOIR_RETURN_IF_ERROR(store.Read([&](storage::Transaction& tx) -> Status {
    storage::ExportQuery q;
    q.after = after;
    q.until = bound;
    q.limit = limit;
    auto items = read(tx, q);
    if (!items.ok()) return items.status();
    page.items = std::move(*items);
    page.end_of_stream = static_cast<int>(page.items.size()) < limit;
    if (whole_seconds && !page.end_of_stream) {
      // Finish the last second (Zendesk's time-based pages also run past 1,000 then).
      const Timestamp second = TsOf(page.items.back());
      for (;;) {
        q.after = {second, IdOf(page.items.back())};
        q.until = std::min(bound, second + 1);
        q.limit = kSecondChunk;
        auto more = read(tx, q);
        if (!more.ok()) return more.status();
        for (auto& item : *more) page.items.push_back(std::move(item));
        if (static_cast<int>(more->size()) < kSecondChunk) break;
      }
    }
    return Status::Ok();
  }));
  if (!page.items.empty()) page.last = {TsOf(page.items.back()), IdOf(page.items.back())};
  return page;
}

}  // namespace

Status ExportService::Admit(const Context& ctx, bool sample) {
  if (!ctx.actor.is_admin()) return PermissionDenied();
  const int limit = sample ? options_.sample_per_20_minutes : options_.per_minute;
  if (limit <= 0) return Status::Ok();
  const Timestamp period = sample ? 1200 : 60;
  const Timestamp now = env_.clock.Now();
  const Timestamp start = now - now % period;
  std::lock_guard lock(mu_);
  if (windows_.size() > 100000) windows_.clear();
  auto& w = windows_[(sample ? "s:" : "e:") + std::to_string(ctx.account().value)];
  if (w.start != start) {
    w.start = start;
    w.used = 0;
  }
  if (w.used >= limit) {
    Status st(ErrorCode::kResourceExhausted, "Too many requests to incremental exports",
              "TooManyRequests");
    st.WithRetryAfter(static_cast<int>(start + period - now));
    return st;
  }
  ++w.used;
  return Status::Ok();
}

Result<ExportPage<domain::Ticket>> ExportService::Tickets(const Context& ctx,
                                                          storage::ExportPosition after, int limit,
                                                          bool include_deleted,
                                                          bool whole_seconds) {
  const AccountId account = ctx.account();
  return ReadPage<domain::Ticket>(env_.store, after, limit, Bound(), whole_seconds,
                                  [&](storage::Transaction& tx, storage::ExportQuery q) {
                                    q.include_deleted = include_deleted;
                                    return tx.exports().Tickets(account, q);
                                  });
}

Result<ExportPage<domain::User>> ExportService::Users(const Context& ctx,
                                                      storage::ExportPosition after, int limit,
                                                      bool whole_seconds) {
  const AccountId account = ctx.account();
  return ReadPage<domain::User>(env_.store, after, limit, Bound(), whole_seconds,
                                [&](storage::Transaction& tx, const storage::ExportQuery& q) {
                                  return tx.exports().Users(account, q);
                                });
}

Result<ExportPage<domain::Organization>> ExportService::Organizations(const Context& ctx,
                                                                      storage::ExportPosition after,
                                                                      int limit,
                                                                      bool whole_seconds) {
  const AccountId account = ctx.account();
  return ReadPage<domain::Organization>(
      env_.store, after, limit, Bound(), whole_seconds,
      [&](storage::Transaction& tx, const storage::ExportQuery& q) {
        return tx.exports().Organizations(account, q);
      });
}

Result<ExportPage<domain::Audit>> ExportService::Audits(const Context& ctx,
                                                        storage::ExportPosition after, int limit,
                                                        bool whole_seconds) {
  const AccountId account = ctx.account();
  return ReadPage<domain::Audit>(env_.store, after, limit, Bound(), whole_seconds,
                                 [&](storage::Transaction& tx, const storage::ExportQuery& q) {
                                   return tx.exports().Audits(account, q);
                                 });
}

Result<ExportPage<domain::TicketMetricEvent>> ExportService::MetricEvents(
    const Context& ctx, storage::ExportPosition after, int limit, bool whole_seconds) {
  const AccountId account = ctx.account();
  return ReadPage<domain::TicketMetricEvent>(
      env_.store, after, limit, Bound(), whole_seconds,
      [&](storage::Transaction& tx, const storage::ExportQuery& q) {
        return tx.exports().MetricEvents(account, q);
      });
}

}  // namespace comptoir::services
