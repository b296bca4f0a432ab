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
  std::unique_lock lock(mu_);
  while (!stopping_) {
    const std::uint64_t seen = wakes_;
    ++busy_;
    lock.unlock();
    bool ran = false;
    try {
      ran = RunOne(owner);
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

bool JobQueue::RunOne(const std::string& owner) {
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
    auto jobs = tx.queue().Lease(owner, now, now + options_.lease.count(), 1);
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
  const storage::QueuedJob& job = leased.front();
  JobLease lease(env_.store, env_.clock, job, owner, options_.lease);

  Status result;
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
  if (lease.lost() || result.reason() == "LeaseLost") {
    log::Warn("job lease lost; another node has the job", {{"job", job.id}, {"kind", job.kind}});
    return true;
  }
  const Timestamp end = env_.clock.Now();
  Status fin = env_.store.Write([&](storage::Transaction& tx) {
    if (result.ok() && lease.postponed_until() != 0) {
      return tx.queue().Postpone(job.id, owner, lease.postponed_until(), lease.postpone_reason(),
                                 end);
    }
    if (result.ok()) return tx.queue().Complete(job.id, owner, end);
    // Jitter (up to a quarter more) spreads the retries of jobs that failed together.
    const std::int64_t backoff = Backoff(job.attempts).count();
    const std::int64_t jitter = crypto::RandomBelow(static_cast<std::uint32_t>(backoff / 4 + 1));
    return tx.queue().Fail(job.id, owner, end + backoff + jitter, result.message(), end);
  });
  if (!result.ok()) {
    log::Warn("job failed", {{"job", job.id},
                             {"kind", job.kind},
                             {"attempt", job.attempts},
                             {"error", result.message()}});
  }
  if (!fin.ok()) log::Warn("job state not saved", {{"job", job.id}, {"error", fin.message()}});
  return true;
}

}  // namespace comptoir::services
