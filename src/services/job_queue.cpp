#include "comptoir/services/job_queue.hpp"

#include "comptoir/common/crypto.hpp"
#include "comptoir/common/log.hpp"

namespace comptoir::services {

Status JobLease::Check(storage::Transaction& tx) const {
  Status st = tx.queue().Renew(job_.id, node_, clock_.Now() + length_.count());
  if (st.code() == ErrorCode::kFailedPrecondition) MarkLost();
  return st;
}

Status JobLease::Renew() const {
  return store_.Write([&](storage::Transaction& tx) { return Check(tx); });
}

JobQueue::JobQueue(ServiceEnv env, std::string node_id, QueueOptions options)
    : env_(env), node_id_(std::move(node_id)), options_(options) {
  if (options_.workers < 1) options_.workers = 1;
}

JobQueue::~JobQueue() { Stop(); }

void JobQueue::Register(std::string kind, QueueHandler handler) {
  handlers_[std::move(kind)] = std::move(handler);
}

std::chrono::seconds JobQueue::Backoff(int attempts) {
  if (attempts >= 12) return std::chrono::hours(1);
  return std::min<std::chrono::seconds>(std::chrono::seconds(1LL << std::max(attempts, 0)),
                                        std::chrono::hours(1));
}

Status JobQueue::Enqueue(storage::Transaction& tx, const NewJob& job) const {
  storage::QueuedJob row;
  row.account_id = job.account;
  row.kind = job.kind;
  row.payload = job.payload;
  row.idempotency_key = job.idempotency_key;
  row.max_attempts = job.max_attempts;
  row.created_at = env_.clock.Now();
  row.run_at = job.run_at == 0 ? row.created_at : job.run_at;
  auto id = tx.queue().Enqueue(row);
  if (!id.ok() && id.status().code() == ErrorCode::kAlreadyExists) return Status::Ok();
  if (!id.ok()) return id.status();
  tx.Publish(R"({"type":"queue"})");
  return Status::Ok();
}

namespace {
Status RequireAdmin(const Context& ctx) {
  if (ctx.actor.system || ctx.actor.is_admin()) return Status::Ok();
  return PermissionDenied();
}
}  // namespace

Result<storage::Page<storage::QueuedJob>> JobQueue::List(const Context& ctx,
                                                         std::string_view status,
                                                         storage::PageRequest page) const {
  COMPTOIR_RETURN_IF_ERROR(RequireAdmin(ctx));
  if (!status.empty() && status != "queued" && status != "running" && status != "done" &&
      status != "dead") {
    return Invalid("status", "InvalidValue", "Status: must be one of queued, running, done, dead");
  }
  page.descending = true;
  Result<storage::Page<storage::QueuedJob>> out = NotFound();
  COMPTOIR_RETURN_IF_ERROR(env_.store.Read([&](storage::Transaction& tx) {
    out = tx.queue().List(ctx.account(), status, page);
    return out.status();
  }));
  return out;
}

Result<storage::QueuedJob> JobQueue::Get(const Context& ctx, std::int64_t id) const {
  COMPTOIR_RETURN_IF_ERROR(RequireAdmin(ctx));
  Result<storage::QueuedJob> out = NotFound();
  COMPTOIR_RETURN_IF_ERROR(env_.store.Read([&](storage::Transaction& tx) {
    out = tx.queue().Get(ctx.account(), id);
    return out.status();
  }));
  return out;
}

Result<storage::QueuedJob> JobQueue::Retry(const Context& ctx, std::int64_t id) const {
  COMPTOIR_RETURN_IF_ERROR(RequireAdmin(ctx));
  Result<storage::QueuedJob> out = NotFound();
  COMPTOIR_RETURN_IF_ERROR(env_.store.Write([&](storage::Transaction& tx) -> Status {
    auto job = tx.queue().Get(ctx.account(), id);
    if (!job.ok()) return job.status();
    if (job->status != "dead") {
      return Invalid("status", "InvalidValue", "Status: only a dead job can be retried");
    }
    COMPTOIR_RETURN_IF_ERROR(tx.queue().Retry(ctx.account(), id, env_.clock.Now()));
    out = tx.queue().Get(ctx.account(), id);
    if (out.ok()) tx.Publish(R"({"type":"queue"})");
    return out.status();
  }));
  return out;
}

Status JobQueue::Delete(const Context& ctx, std::int64_t id) const {
  COMPTOIR_RETURN_IF_ERROR(RequireAdmin(ctx));
  return env_.store.Write([&](storage::Transaction& tx) -> Status {
    auto job = tx.queue().Get(ctx.account(), id);
    if (!job.ok()) return job.status();
    if (job->status == "running" || job->status == "done") {
      return Invalid("status", "InvalidValue",
                     "Status: a running or finished job cannot be removed");
    }
    return tx.queue().Delete(ctx.account(), id);
  });
}

Result<std::int64_t> JobQueue::PurgeDone(std::chrono::seconds older_than) const {
  Result<std::int64_t> out = NotFound();
  COMPTOIR_RETURN_IF_ERROR(env_.store.Write([&](storage::Transaction& tx) {
    out = tx.queue().PurgeDone(env_.clock.Now() - older_than.count());
    return out.status();
  }));
  return out;
}

void JobQueue::Start() {
  std::lock_guard lock(mu_);
  if (!workers_.empty()) return;
  stopping_ = false;
  maybe_more_ = true;
  for (int i = 0; i < options_.workers; ++i) workers_.emplace_back([this, i] { Worker(i); });
}

void JobQueue::Stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  idle_cv_.notify_all();
  for (auto& t : workers_) t.join();
  workers_.clear();
}

void JobQueue::Wake() {
  {
    std::lock_guard lock(mu_);
    ++wakes_;
    maybe_more_ = true;
  }
  cv_.notify_all();
}

void JobQueue::WaitIdle() {
  std::unique_lock lock(mu_);
  idle_cv_.wait(lock, [&] { return (!maybe_more_ && busy_ == 0) || stopping_; });
}

void JobQueue::Worker(int index) {
  // Each worker leases under its own name: a job whose lease ran out while one worker
  // was stalled may be leased again by a sibling on the same node, and the stalled
  // worker must then find its lease gone.
  std::string owner = node_id_;
  owner += "/w";
  owner += std::to_string(index);
  int batch = 1;
  std::unique_lock lock(mu_);
  while (!stopping_) {
    const std::uint64_t seen = wakes_;
    ++busy_;
    lock.unlock();
    bool ran = false;
    try {
      ran = RunBatch(owner, batch);
    } catch (const std::exception& e) {
      log::Error("job worker failed", {{"error", e.what()}});
    }
    lock.lock();
    --busy_;
    if (ran) continue;
    if (wakes_ == seen) maybe_more_ = false;
    if (busy_ == 0 && !maybe_more_) idle_cv_.notify_all();
    cv_.wait_for(lock, options_.poll, [&] { return stopping_ || wakes_ != seen; });
  }
}

bool JobQueue::Stopping() {
  std::lock_guard lock(mu_);
  return stopping_;
}

bool JobQueue::RunBatch(const std::string& owner, int& batch) {
  const Timestamp now = env_.clock.Now();
  // Look before leasing: an idle poll is a read, not a write (no fsync on an idle server).
  bool ready = false;
  Status seen = env_.store.Read([&](storage::Transaction& tx) -> Status {
    auto any = tx.queue().AnyReady(now);
    if (!any.ok()) return any.status();
    ready = *any;
    return Status::Ok();
  });
  if (seen.ok() && !ready) return false;
  std::vector<storage::QueuedJob> leased;
  Status st = env_.store.Write([&](storage::Transaction& tx) -> Status {
    auto jobs = tx.queue().Lease(owner, now, now + options_.lease.count(), batch);
    if (!jobs.ok()) return jobs.status();
    leased = std::move(jobs).value();
    return Status::Ok();
  });
  if (!st.ok()) {
    // Contention between nodes (serialization failures) or the database being away.
    log::Warn("job lease failed", {{"worker", owner}, {"error", st.message()}});
    return false;
  }
  if (leased.empty()) return false;

  // Finished jobs are recorded together, in one transaction per flush: a crash before
  // the flush runs them again (at least once), never loses them.
  struct Outcome {
    const storage::QueuedJob* job;
    Status result;
    Timestamp postpone_until = 0;  // JobLease::PostponeUntil: back to the queue, no attempt spent
    std::string postpone_reason;
  };
  std::vector<Outcome> finished;
  auto flush = [&] {
    if (finished.empty()) return;
    const Timestamp end = env_.clock.Now();
    Status fin = env_.store.Write([&](storage::Transaction& tx) -> Status {
      for (const auto& o : finished) {
        Status one;
        if (o.result.ok() && o.postpone_until != 0) {
          one = tx.queue().Postpone(o.job->id, owner, o.postpone_until, o.postpone_reason, end);
        } else if (o.result.ok()) {
          one = tx.queue().Complete(o.job->id, owner, end);
        } else {
          // Jitter (up to a quarter more) spreads the retries of jobs that failed together.
          const std::int64_t backoff = Backoff(o.job->attempts).count();
          const std::int64_t jitter =
              crypto::RandomBelow(static_cast<std::uint32_t>(backoff / 4 + 1));
          one = tx.queue().Fail(o.job->id, owner, end + backoff + jitter, o.result.message(), end);
        }
        // A lease lost meanwhile belongs to another node now: leave that job alone.
        if (!one.ok() && one.reason() != "LeaseLost") return one;
      }
      return Status::Ok();
    });
    if (!fin.ok()) log::Warn("job states not saved", {{"error", fin.message()}});
    finished.clear();
  };

  auto last_flush = std::chrono::steady_clock::now();
  Timestamp leased_at = now;
  std::size_t ran = 0;
  std::chrono::steady_clock::duration in_handlers{};
  bool give_back = false;
  for (std::size_t i = 0; i < leased.size(); ++i) {
    if (give_back || Stopping()) {
      // A clean shutdown gives back what it has not started; so does a batch whose jobs
      // turned out slow (other workers may run them meanwhile).
      Status rel = env_.store.Write([&](storage::Transaction& tx) -> Status {
        const Timestamp at = env_.clock.Now();
        for (std::size_t k = i; k < leased.size(); ++k) {
          Status one = tx.queue().Release(leased[k].id, owner, at);
          if (!one.ok() && one.reason() != "LeaseLost") return one;
        }
        return Status::Ok();
      });
      if (!rel.ok()) log::Warn("job leases not released", {{"error", rel.message()}});
      break;
    }
    // Keep the rest of a batch leased while it waits for its turn.
    if (i > 0 && env_.clock.Now() - leased_at >= options_.lease.count() / 2) {
      leased_at = env_.clock.Now();
      Status renewed = env_.store.Write([&](storage::Transaction& tx) {
        return tx.queue().RenewAll(owner, leased_at + options_.lease.count());
      });
      if (!renewed.ok()) log::Warn("job leases not renewed", {{"error", renewed.message()}});
    }
    const storage::QueuedJob& job = leased[i];
    JobLease lease(env_.store, env_.clock, job, owner, options_.lease);
    Status result;
    const auto handler_start = std::chrono::steady_clock::now();
    auto handler = handlers_.find(job.kind);
    if (job.attempts > job.max_attempts) {
      result = Internal("the job's attempts are spent");
    } else if (handler == handlers_.end()) {
      result = Internal("no handler for job kind " + job.kind);
    } else {
      try {
        result = handler->second(lease);
      } catch (const std::exception& e) {
        result = Internal(std::string("unexpected exception: ") + e.what());
      }
    }
    ++ran;
    const auto spent = std::chrono::steady_clock::now() - handler_start;
    in_handlers += spent;
    if (spent > std::chrono::milliseconds(250)) give_back = true;
    if (lease.lost() || result.reason() == "LeaseLost") {
      log::Warn("job lease lost; another node has the job", {{"job", job.id}, {"kind", job.kind}});
      continue;
    }
    if (!result.ok()) {
      log::Warn("job failed", {{"job", job.id},
                               {"kind", job.kind},
                               {"attempt", job.attempts},
                               {"error", result.message()}});
    }
    finished.push_back({&job, std::move(result), lease.postponed_until(), lease.postpone_reason()});
    const auto t = std::chrono::steady_clock::now();
    if (t - last_flush > std::chrono::milliseconds(200)) {
      flush();
      last_flush = t;
    }
  }
  flush();

  // Quick jobs (handlers under 2 ms each on average): lease more at a time; slow ones:
  // one at a time. Only the handlers' time counts, not the queue's own commits.
  if (ran > 0 && in_handlers < std::chrono::milliseconds(2) * static_cast<int>(ran)) {
    batch = std::min(batch * 2, std::max(options_.max_batch, 1));
  } else {
    batch = 1;
  }
  return true;
}

}  // namespace comptoir::services
