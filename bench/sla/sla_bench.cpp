// SLA recompute after a schedule change: seeds BENCH_TICKETS (default 100,000) open
// tickets, each with running business-hours targets, straight into a SQLite file, then
// changes the account's schedule (SlaService::OnScheduleChanged) and times the recompute
// jobs through the real job queue until every target is recomputed. Meanwhile a writer
// updates a ticket through TicketService every 20 ms and records how long each write
// took, to show that the recompute does not block the API's writes. Prints one JSON
// object. Usage: sla_bench [data dir]
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <boost/json.hpp>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <thread>

#include "comptoir/services/services.hpp"
#include "comptoir/services/sla_engine.hpp"
#include "comptoir/storage_fs/file_blob_store.hpp"
#include "comptoir/storage_sqlite/sqlite_store.hpp"

using namespace comptoir;
namespace sla = comptoir::services::sla;
namespace json = boost::json;

int main(int argc, char** argv) {
  const int n = std::getenv("BENCH_TICKETS") ? std::atoi(std::getenv("BENCH_TICKETS")) : 100000;
  const std::filesystem::path dir = argc > 1
                                        ? std::filesystem::path(argv[1])
                                        : std::filesystem::temp_directory_path() /
                                              ("comptoir-sla-bench-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  auto opened = sqlite::SqliteStore::Open({(dir / "comptoir.db").string()});
  if (!opened.ok()) {
    std::cerr << opened.status().ToString() << "\n";
    return 1;
  }
  auto store = std::move(opened).value();
  if (!store->Migrate().ok()) return 1;
  SystemClock clock;
  storage_fs::FileBlobStore blobs((dir / "blobs").string());
  services::ServicesOptions options;
  options.queue.workers = 2;
  services::Services svc(*store, clock, blobs, options);

  // Monday to Friday 09:00-17:00 in Paris, then the same with an extra evening hour.
  std::vector<calendar::Interval> week, longer;
  for (int day = 1; day <= 5; ++day) {
    week.push_back({day * 1440 + 540, day * 1440 + 1020});
    longer.push_back({day * 1440 + 540, day * 1440 + 1080});
  }
  auto before = calendar::Schedule::Make("Europe/Paris", week, {});
  auto after = calendar::Schedule::Make("Europe/Paris", longer, {});
  if (!before.ok() || !after.ok()) return 1;
  std::atomic<bool> changed{false};
  svc.slas.SetScheduleLookup(
      [&](storage::Transaction&, AccountId,
          std::optional<std::int64_t>) -> Result<std::optional<calendar::Schedule>> {
        return std::optional(changed.load() ? *after : *before);
      });

  // --- seed: an account, a requester, n open tickets with their SLA state ---
  const Timestamp now = clock.Now();
  AccountId account;
  UserId requester, admin;
  auto seed_start = std::chrono::steady_clock::now();
  Status st = store->Write([&](storage::Transaction& tx) -> Status {
    auto id = tx.accounts().Insert({AccountId(), "Bench", "{}", 1});
    if (!id.ok()) return id.status();
    account = *id;
    domain::User u;
    u.account_id = account;
    u.name = "Requester";
    u.created_at = u.updated_at = now;
    auto r = tx.users().Insert(u);
    if (!r.ok()) return r.status();
    requester = *r;
    u.name = "Admin";
    u.role = domain::Role::kAdmin;
    auto a = tx.users().Insert(u);
    if (!a.ok()) return a.status();
    admin = *a;
    return Status::Ok();
  });
  if (!st.ok()) return 1;
  sla::AppliedPolicy policy;
  policy.id = 1;
  policy.title = "Business";
  policy.targets["requester_wait_time"] = sla::Target{16 * 60, true};
  policy.targets["agent_work_time"] = sla::Target{8 * 60, true};
  sla::Bases bases;
  bases.business = sla::TimeBase::Business(*before);
  std::vector<TicketId> ids;
  ids.reserve(static_cast<std::size_t>(n));
  for (int done = 0; done < n;) {
    st = store->Write([&](storage::Transaction& tx) -> Status {
      for (int i = 0; i < 5000 && done < n; ++i, ++done) {
        domain::Ticket t;
        t.account_id = account;
        t.subject = "Ticket " + std::to_string(done);
        t.status = domain::TicketStatus::kOpen;
        t.priority = domain::TicketPriority::kHigh;
        t.requester_id = t.submitter_id = requester;
        t.created_at = t.updated_at = t.status_updated_at = now - (done % 7200);
        auto id = tx.tickets().Insert(t);
        if (!id.ok()) return id.status();
        sla::State state;
        std::vector<sla::Event> events;
        sla::Change ch;
        ch.now = t.created_at;
        ch.creating = true;
        ch.after = t.status;
        sla::Step(state, policy, ch, bases, events);
        domain::TicketSlaRecord rec{
            account, *id, 1, json::serialize(state.ToJson()), state.NextBreachAt(), 0, 0};
        COMPTOIR_RETURN_IF_ERROR(tx.slas().SaveTicketSla(rec));
        ids.push_back(*id);
      }
      return Status::Ok();
    });
    if (!st.ok()) {
      std::cerr << st.ToString() << "\n";
      return 1;
    }
  }
  const double seed_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - seed_start).count();

  // --- the schedule change, then the recompute jobs through the queue ---
  svc.queue.Start();
  services::Context ctx;
  ctx.actor.account_id = account;
  ctx.actor.user_id = admin;
  ctx.actor.role = domain::Role::kAdmin;
  std::atomic<bool> stop{false};
  std::vector<double> write_ms;
  std::thread writer([&] {
    int i = 0;
    while (!stop.load()) {
      services::TicketInput in;
      in.tags = std::vector<std::string>{"bench" + std::to_string(i)};
      auto t0 = std::chrono::steady_clock::now();
      auto r = svc.tickets.Update(ctx, ids[static_cast<std::size_t>(i) % ids.size()], in);
      write_ms.push_back(
          std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
      if (!r.ok()) std::cerr << r.status().ToString() << "\n";
      ++i;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  });
  auto t0 = std::chrono::steady_clock::now();
  changed = true;
  st = store->Write(
      [&](storage::Transaction& tx) { return svc.slas.OnScheduleChanged(tx, account, 1); });
  if (!st.ok()) return 1;
  svc.queue.Wake();
  // Done when no recompute job is queued or running.
  for (;;) {
    svc.queue.WaitIdle();
    std::int64_t pending = 0;
    (void)store->Read([&](storage::Transaction& tx) {
      storage::PageRequest page;
      page.limit = 10;
      auto q = tx.queue().List(account, "queued", page);
      if (q.ok()) {
        for (const auto& j : q->items) pending += j.kind == "sla_recompute";
      }
      auto r = tx.queue().List(account, "running", page);
      if (r.ok()) {
        for (const auto& j : r->items) pending += j.kind == "sla_recompute";
      }
      return Status::Ok();
    });
    if (pending == 0) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  const double recompute_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  stop = true;
  writer.join();
  svc.queue.Stop();

  // Check: every ticket's next breach moved to the new hours.
  std::int64_t checked = 0, wrong = 0;
  bases.business = sla::TimeBase::Business(*after);
  (void)store->Read([&](storage::Transaction& tx) {
    for (std::size_t i = 0; i < ids.size(); i += std::max<std::size_t>(1, ids.size() / 500)) {
      auto rec = tx.slas().GetTicketSla(account, ids[i]);
      if (!rec.ok()) continue;
      sla::State s = sla::State::FromJson(rec->state);
      const Timestamp stored = s.NextBreachAt();
      sla::Recompute(s, bases);
      ++checked;
      wrong += s.NextBreachAt() != stored;
    }
    return Status::Ok();
  });
  std::sort(write_ms.begin(), write_ms.end());
  auto pct = [&](double p) {
    if (write_ms.empty()) return 0.0;
    return write_ms[std::min(
        write_ms.size() - 1,
        static_cast<std::size_t>(p / 100 * static_cast<double>(write_ms.size())))];
  };
  json::object out{{"tickets", n},
                   {"seed_seconds", seed_s},
                   {"recompute_seconds", recompute_s},
                   {"tickets_per_second", n / recompute_s},
                   {"checked", checked},
                   {"wrong", wrong},
                   {"writes_during", write_ms.size()},
                   {"write_p50_ms", pct(50)},
                   {"write_p95_ms", pct(95)},
                   {"write_max_ms", write_ms.empty() ? 0.0 : write_ms.back()}};
  std::cout << json::serialize(out) << std::endl;
  std::filesystem::remove_all(dir);
  return wrong == 0 ? 0 : 2;
}
