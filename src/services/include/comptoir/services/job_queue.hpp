// JobQueue: the durable, leased job queue every background side effect goes through.
//
// A job is a `queued_jobs` row written in the same transaction as the change that
// caused it (Enqueue takes the caller's transaction), with an idempotency key unique
// per account, so enqueueing twice is harmless and a 2xx answer means the job exists.
// Worker threads on every node lease ready jobs — on PostgreSQL with FOR UPDATE SKIP
// LOCKED, so no job is leased by two nodes at once — and run the handler registered for
// the job's kind. The lease expires: a node that dies (SIGKILL, power loss) leaves its
// jobs to be leased again by another node once the lease runs out. A handler that works
// longer than a lease renews it (JobLease::Renew), and checks it inside its writes
// (JobLease::Check), so a node that lost its lease cannot commit work another node
// has taken over. Failures are retried with exponential back-off until the job's
// attempts are spent (then it is `dead`, kept for an administrator to see).
// Events: an enqueue publishes {"type":"queue"} so that idle workers of every node
// wake at once instead of at their next poll.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "comptoir/services/context.hpp"

namespace comptoir::services {

struct QueueOptions {
  int workers = 2;
  std::chrono::seconds lease{30};
  std::chrono::milliseconds poll{1000};  // how often an idle worker looks for due jobs
  // A worker leases up to this many jobs in one transaction while its jobs are quick
  // (under ~2 ms each), and one at a time once they are slow (webhooks, mail), so that a
  // slow batch never holds jobs other workers could run.
  int max_batch = 64;
};

// What a handler holds while it runs a job.
class JobLease {
 public:
  JobLease(storage::Store& store, const Clock& clock, const storage::QueuedJob& job,
           std::string node, std::chrono::seconds length)
      : store_(store), clock_(clock), job_(job), node_(std::move(node)), length_(length) {}
  const storage::QueuedJob& job() const { return job_; }
  // The lease owner: "<node id>/w<worker>".
  const std::string& node() const { return node_; }
  // Extends the lease inside `tx`; kFailedPrecondition when it was lost (the transaction
  // must then roll back).
  Status Check(storage::Transaction& tx) const;
  // Extends the lease in its own transaction.
  Status Renew() const;
  bool lost() const { return lost_.load(); }
  void MarkLost() const { lost_.store(true); }
  // Asks the queue to put the job back until `run_at` without spending an attempt (an
  // endpoint's open circuit, no SMTP server yet); the handler then returns Ok.
  void PostponeUntil(Timestamp run_at, std::string reason) const {
    postpone_until_ = run_at;
    postpone_reason_ = std::move(reason);
  }
  Timestamp postponed_until() const { return postpone_until_; }
  const std::string& postpone_reason() const { return postpone_reason_; }

 private:
  storage::Store& store_;
  const Clock& clock_;
  storage::QueuedJob job_;
  std::string node_;
  std::chrono::seconds length_;
  mutable std::atomic<bool> lost_{false};
  mutable Timestamp postpone_until_ = 0;
  mutable std::string postpone_reason_;
};

// Runs one job. Ok → done; an error → retried later (kFailedPrecondition with reason
// "LeaseLost" → left alone: another node holds it now).
using QueueHandler = std::function<Status(const JobLease& lease)>;

class JobQueue {
 public:
  JobQueue(ServiceEnv env, std::string node_id, QueueOptions options = {});
  ~JobQueue();
  JobQueue(const JobQueue&) = delete;
  JobQueue& operator=(const JobQueue&) = delete;

  // Registers the handler of a kind (before Start).
  void Register(std::string kind, QueueHandler handler);

  struct NewJob {
    AccountId account;
    std::string kind;
    std::string payload;          // JSON text
    std::string idempotency_key;  // unique per account; a duplicate enqueue is a no-op
    Timestamp run_at = 0;         // 0 = now
    int max_attempts = 10;
  };
  // Enqueues inside the caller's transaction. A job with the same key is left as it is.
  Status Enqueue(storage::Transaction& tx, const NewJob& job) const;

  void Start();
  // Stops leasing: the job each worker is running finishes, the jobs it had leased but
  // not started are released (queued again at once, their attempt not counted), and its
  // finished jobs are recorded. Nothing is left for a lease to time out.
  void Stop();
  // Wakes the idle workers (an enqueue on any node; called by the event subscriber).
  void Wake();
  // Blocks until no job is due or running on this node (tests, bulk waits).
  void WaitIdle();

  // Administration, for the account's admins (others: kPermissionDenied): the jobs by
  // status ("queued", "running", "done", "dead"; "" = all), newest first; one job; a
  // dead job run again (attempts reset); a job that is not running removed.
  Result<storage::Page<storage::QueuedJob>> List(const Context& ctx, std::string_view status,
                                                 storage::PageRequest page) const;
  Result<storage::QueuedJob> Get(const Context& ctx, std::int64_t id) const;
  Result<storage::QueuedJob> Retry(const Context& ctx, std::int64_t id) const;
  Status Delete(const Context& ctx, std::int64_t id) const;
  // Removes done jobs older than `older_than` (the maintenance sweep); how many.
  Result<std::int64_t> PurgeDone(std::chrono::seconds older_than) const;

  const std::string& node_id() const { return node_id_; }
  // Retry delay after `attempts` failed runs: 2^attempts seconds, at most an hour (plus
  // a random jitter of up to a quarter of it).
  static std::chrono::seconds Backoff(int attempts);

 private:
  void Worker(int index);
  // Leases a batch for `owner` and runs it; false when nothing was ready.
  bool RunBatch(const std::string& owner, int& batch);
  bool Stopping();

  ServiceEnv env_;
  std::string node_id_;
  QueueOptions options_;
  std::map<std::string, QueueHandler> handlers_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::condition_variable idle_cv_;
  bool stopping_ = false;
  std::uint64_t wakes_ = 0;
  int busy_ = 0;
  bool maybe_more_ = true;
  std::vector<std::thread> workers_;
};

}  // namespace comptoir::services
