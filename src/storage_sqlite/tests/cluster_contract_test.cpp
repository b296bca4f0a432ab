// The storage contract of what several nodes share: the leased job queue, once-per-period
// claims, sessions, failed sign-ins, events published with the commit and write
// attachments. Runs on SQLite and, with COMPTOIR_TEST_PG_URL, on PostgreSQL, where
// concurrent "nodes" are threads with their own connections.
#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "comptoir/storage/write_attachment.hpp"
#include "store_fixture.hpp"

namespace comptoir {
namespace {

using storage::QueuedJob;
using storage::Transaction;

class ClusterContractTest : public testing::StoreContractTest {
 protected:
  std::int64_t Enqueue(const std::string& key, int max_attempts = 3, Timestamp run_at = 100) {
    QueuedJob j;
    j.account_id = account_;
    j.kind = "test";
    j.payload = "{}";
    j.idempotency_key = key;
    j.max_attempts = max_attempts;
    j.run_at = run_at;
    j.created_at = run_at;
    std::int64_t id = 0;
    EXPECT_TRUE(store_
                    ->Write([&](Transaction& tx) {
                      auto r = tx.queue().Enqueue(j);
                      if (!r.ok()) return r.status();
                      id = *r;
                      return Status::Ok();
                    })
                    .ok());
    return id;
  }

  std::vector<QueuedJob> Lease(const std::string& node, Timestamp now, Timestamp until,
                               int limit = 1) {
    std::vector<QueuedJob> out;
    Status st = store_->Write([&](Transaction& tx) {
      auto r = tx.queue().Lease(node, now, until, limit);
      if (!r.ok()) return r.status();
      out = std::move(r).value();
      return Status::Ok();
    });
    EXPECT_TRUE(st.ok()) << st.ToString();
    return out;
  }

  Status OnQueue(const std::function<Status(storage::QueueRepository&)>& fn) {
    return store_->Write([&](Transaction& tx) { return fn(tx.queue()); });
  }

  QueuedJob Get(std::int64_t id) {
    QueuedJob j;
    EXPECT_TRUE(store_
                    ->Read([&](Transaction& tx) {
                      auto r = tx.queue().Get(account_, id);
                      if (!r.ok()) return r.status();
                      j = *r;
                      return Status::Ok();
                    })
                    .ok());
    return j;
  }
};

TEST_P(ClusterContractTest, DuplicateIdempotencyKeyIsRefused) {
  Enqueue("k1");
  QueuedJob j;
  j.account_id = account_;
  j.kind = "test";
  j.payload = "{}";
  j.idempotency_key = "k1";
  j.created_at = j.run_at = 100;
  Status st = store_->Write([&](Transaction& tx) { return tx.queue().Enqueue(j).status(); });
  EXPECT_EQ(st.code(), ErrorCode::kAlreadyExists);
}

TEST_P(ClusterContractTest, OnlyDueJobsAreLeasedOldestFirst) {
  auto any_ready = [&](Timestamp now) {
    bool ready = false;
    EXPECT_TRUE(store_
                    ->Read([&](Transaction& tx) {
                      auto r = tx.queue().AnyReady(now);
                      if (!r.ok()) return r.status();
                      ready = *r;
                      return Status::Ok();
                    })
                    .ok());
    return ready;
  };
  EXPECT_FALSE(any_ready(1000)) << "an empty queue";
  std::int64_t later = Enqueue("later", 3, 500);
  EXPECT_FALSE(any_ready(499));
  EXPECT_TRUE(any_ready(500));
  std::int64_t first = Enqueue("first", 3, 100);
  std::int64_t second = Enqueue("second", 3, 200);
  auto got = Lease("node-a", 300, 330, 10);
  ASSERT_EQ(got.size(), 2U);
  EXPECT_EQ(got[0].id, first);
  EXPECT_EQ(got[1].id, second);
  EXPECT_EQ(got[0].status, "running");
  EXPECT_EQ(got[0].lease_owner, "node-a");
  EXPECT_EQ(got[0].lease_expires_at, 330);
  EXPECT_EQ(got[0].attempts, 1);
  EXPECT_EQ(Get(later).status, "queued");
  EXPECT_FALSE(any_ready(329)) << "leased jobs are not ready until their lease expires";
  EXPECT_TRUE(any_ready(331));
}

TEST_P(ClusterContractTest, ExpiredLeaseIsTakenOverAndTheOldOwnerIsFenced) {
  std::int64_t id = Enqueue("job");
  ASSERT_EQ(Lease("node-a", 100, 130).size(), 1U);
  EXPECT_TRUE(Lease("node-b", 120, 150).empty()) << "a live lease must not be taken";
  auto taken = Lease("node-b", 131, 161);
  ASSERT_EQ(taken.size(), 1U);
  EXPECT_EQ(taken[0].id, id);
  EXPECT_EQ(taken[0].attempts, 2);
  // The node that lost the lease can neither renew nor complete the job.
  Status renew = OnQueue([&](auto& q) { return q.Renew(id, "node-a", 200); });
  EXPECT_EQ(renew.code(), ErrorCode::kFailedPrecondition);
  Status complete = OnQueue([&](auto& q) { return q.Complete(id, "node-a", 140); });
  EXPECT_EQ(complete.code(), ErrorCode::kFailedPrecondition);
  EXPECT_TRUE(OnQueue([&](auto& q) { return q.Renew(id, "node-b", 190); }).ok());
  EXPECT_TRUE(OnQueue([&](auto& q) { return q.Complete(id, "node-b", 150); }).ok());
  QueuedJob done = Get(id);
  EXPECT_EQ(done.status, "done");
  EXPECT_TRUE(Lease("node-c", 1000, 1030).empty()) << "a done job is never leased again";
}

TEST_P(ClusterContractTest, FailedJobIsRetriedLaterThenDies) {
  std::int64_t id = Enqueue("flaky", /*max_attempts=*/2);
  ASSERT_EQ(Lease("n", 100, 130).size(), 1U);
  ASSERT_TRUE(OnQueue([&](auto& q) { return q.Fail(id, "n", 110, "boom", 102); }).ok());
  QueuedJob j = Get(id);
  EXPECT_EQ(j.status, "queued");
  EXPECT_EQ(j.last_error, "boom");
  EXPECT_TRUE(Lease("n", 105, 135).empty()) << "not before its back-off";
  ASSERT_EQ(Lease("n", 110, 140).size(), 1U);
  ASSERT_TRUE(OnQueue([&](auto& q) { return q.Fail(id, "n", 200, "boom again", 111); }).ok());
  EXPECT_EQ(Get(id).status, "dead");
  EXPECT_TRUE(Lease("n", 10000, 10030).empty());
}

TEST_P(ClusterContractTest, ExpiredLeasesComeBeforeQueuedJobsInOneLease) {
  std::int64_t first = Enqueue("first", 3, 100);
  ASSERT_EQ(Lease("dead-node", 100, 110).size(), 1U);
  std::int64_t second = Enqueue("second", 3, 100);
  std::int64_t third = Enqueue("third", 3, 100);
  auto batch = Lease("n", 200, 230, 10);
  ASSERT_EQ(batch.size(), 3U);
  EXPECT_EQ(batch[0].id, first) << "the expired lease is taken over";
  EXPECT_EQ(batch[0].attempts, 2);
  EXPECT_EQ(batch[1].id, second);
  EXPECT_EQ(batch[2].id, third);
}

TEST_P(ClusterContractTest, ReleaseRenewAllListRetryDeleteAndPurge) {
  std::int64_t a = Enqueue("a");
  std::int64_t b = Enqueue("b");
  std::int64_t c = Enqueue("c", /*max_attempts=*/1);
  ASSERT_EQ(Lease("n", 100, 130, 3).size(), 3U);
  // RenewAll extends every lease of the owner.
  ASSERT_TRUE(OnQueue([&](auto& q) { return q.RenewAll("n", 500); }).ok());
  EXPECT_EQ(Get(a).lease_expires_at, 500);
  EXPECT_EQ(Get(b).lease_expires_at, 500);
  // Release gives a job back untouched; only its owner can.
  EXPECT_EQ(OnQueue([&](auto& q) { return q.Release(b, "other", 120); }).code(),
            ErrorCode::kFailedPrecondition);
  ASSERT_TRUE(OnQueue([&](auto& q) { return q.Release(b, "n", 120); }).ok());
  QueuedJob released = Get(b);
  EXPECT_EQ(released.status, "queued");
  EXPECT_EQ(released.attempts, 0);
  EXPECT_EQ(released.run_at, 120);
  EXPECT_TRUE(released.lease_owner.empty());
  // c dies; a is done.
  ASSERT_TRUE(OnQueue([&](auto& q) { return q.Fail(c, "n", 200, "refused", 121); }).ok());
  ASSERT_TRUE(OnQueue([&](auto& q) { return q.Complete(a, "n", 122); }).ok());
  std::vector<QueuedJob> dead;
  ASSERT_TRUE(store_
                  ->Read([&](Transaction& tx) {
                    auto r = tx.queue().List(account_, "dead", {});
                    if (!r.ok()) return r.status();
                    dead = r->items;
                    return Status::Ok();
                  })
                  .ok());
  ASSERT_EQ(dead.size(), 1U);
  EXPECT_EQ(dead[0].id, c);
  EXPECT_EQ(dead[0].last_error, "refused");
  // Retry: dead only.
  EXPECT_EQ(OnQueue([&](auto& q) { return q.Retry(account_, a, 130); }).code(),
            ErrorCode::kNotFound);
  ASSERT_TRUE(OnQueue([&](auto& q) { return q.Retry(account_, c, 130); }).ok());
  EXPECT_EQ(Get(c).status, "queued");
  EXPECT_EQ(Get(c).attempts, 0);
  // Delete: not a done job; a queued one.
  EXPECT_EQ(OnQueue([&](auto& q) { return q.Delete(account_, a); }).code(), ErrorCode::kNotFound);
  ASSERT_TRUE(OnQueue([&](auto& q) { return q.Delete(account_, c); }).ok());
  // Purge: done jobs older than the bound.
  std::int64_t purged = -1;
  ASSERT_TRUE(OnQueue([&](auto& q) {
                auto n = q.PurgeDone(123);
                if (!n.ok()) return n.status();
                purged = *n;
                return Status::Ok();
              }).ok());
  EXPECT_EQ(purged, 1);
  EXPECT_EQ(Get(b).status, "queued");
}

TEST_P(ClusterContractTest, ConcurrentNodesNeverLeaseTheSameJob) {
  constexpr int kJobs = 120;
  for (int i = 0; i < kJobs; ++i) Enqueue("job-" + std::to_string(i));
  std::mutex mu;
  std::map<std::int64_t, int> leased;
  std::vector<std::thread> nodes;
  for (int n = 0; n < 4; ++n) {
    nodes.emplace_back([&, n] {
      const std::string node = "node-" + std::to_string(n);
      int empty_rounds = 0;
      while (empty_rounds < 3) {
        std::vector<QueuedJob> got;
        Status st = store_->Write([&](Transaction& tx) {
          auto r = tx.queue().Lease(node, 1000, 2000, 2);
          if (!r.ok()) return r.status();
          got = std::move(r).value();
          return Status::Ok();
        });
        if (!st.ok()) continue;  // contention: try again
        if (got.empty()) {
          ++empty_rounds;
          continue;
        }
        std::lock_guard lock(mu);
        for (const auto& j : got) ++leased[j.id];
      }
    });
  }
  for (auto& t : nodes) t.join();
  EXPECT_EQ(leased.size(), static_cast<std::size_t>(kJobs));
  for (const auto& [id, times] : leased) EXPECT_EQ(times, 1) << "job " << id;
}

TEST_P(ClusterContractTest, APeriodIsClaimedByExactlyOneNode) {
  constexpr int kNodes = 6;
  std::atomic<int> winners{0};
  std::vector<std::thread> nodes;
  for (int n = 0; n < kNodes; ++n) {
    nodes.emplace_back([&, n] {
      for (int attempt = 0; attempt < 10; ++attempt) {
        Result<bool> won = false;
        Status st = store_->Write([&](Transaction& tx) {
          won = tx.cluster().ClaimPeriod("sweep", 3600, "node-" + std::to_string(n), 3601);
          return won.status();
        });
        if (st.ok()) {
          if (*won) ++winners;
          return;
        }
      }
      ADD_FAILURE() << "claim kept failing";
    });
  }
  for (auto& t : nodes) t.join();
  EXPECT_EQ(winners.load(), 1);
  std::vector<storage::PeriodRun> runs;
  ASSERT_TRUE(store_
                  ->Write([&](Transaction& tx) {
                    COMPTOIR_RETURN_IF_ERROR(tx.cluster().FinishPeriod("sweep", 3600, 3650));
                    auto r = tx.cluster().ListPeriods("sweep", 10);
                    if (!r.ok()) return r.status();
                    runs = *r;
                    return Status::Ok();
                  })
                  .ok());
  ASSERT_EQ(runs.size(), 1U);
  EXPECT_EQ(runs[0].period_start, 3600);
  ASSERT_TRUE(runs[0].finished_at.has_value());
  EXPECT_EQ(*runs[0].finished_at, 3650);
}

TEST_P(ClusterContractTest, NodeRegistryKeepsTheLatestHeartbeat) {
  storage::ClusterNode a{"a", "host", 1, "0.1", 100, 100};
  storage::ClusterNode b{"b", "host", 2, "0.1", 100, 100};
  std::vector<storage::ClusterNode> nodes;
  ASSERT_TRUE(store_
                  ->Write([&](Transaction& tx) {
                    COMPTOIR_RETURN_IF_ERROR(tx.cluster().Heartbeat(a));
                    COMPTOIR_RETURN_IF_ERROR(tx.cluster().Heartbeat(b));
                    a.heartbeat_at = 200;
                    COMPTOIR_RETURN_IF_ERROR(tx.cluster().Heartbeat(a));
                    auto removed = tx.cluster().RemoveNodesBefore(150);
                    if (!removed.ok()) return removed.status();
                    EXPECT_EQ(*removed, 1);
                    auto r = tx.cluster().ListNodes();
                    if (!r.ok()) return r.status();
                    nodes = *r;
                    return Status::Ok();
                  })
                  .ok());
  ASSERT_EQ(nodes.size(), 1U);
  EXPECT_EQ(nodes[0].id, "a");
  EXPECT_EQ(nodes[0].heartbeat_at, 200);
  EXPECT_EQ(nodes[0].started_at, 100);
}

TEST_P(ClusterContractTest, SessionsAndSignInFailures) {
  UserId user = Insert(NewUser("Agent", "agent@example.com"));
  storage::Session s;
  s.account_id = account_;
  s.user_id = user;
  s.token_hash = "hash-1";
  s.csrf_token = "csrf";
  s.created_at = s.last_seen_at = 100;
  s.expires_at = 500;
  std::int64_t id = 0;
  ASSERT_TRUE(store_
                  ->Write([&](Transaction& tx) {
                    auto r = tx.sessions().Insert(s);
                    if (!r.ok()) return r.status();
                    id = *r;
                    COMPTOIR_RETURN_IF_ERROR(tx.sessions().Touch(account_, id, 200, 600));
                    for (Timestamp t : {100, 200, 300}) {
                      COMPTOIR_RETURN_IF_ERROR(tx.sign_in_failures().Record(account_, "k", t));
                    }
                    return Status::Ok();
                  })
                  .ok());
  ASSERT_TRUE(
      store_
          ->Write([&](Transaction& tx) {
            auto found = tx.sessions().FindByTokenHash("hash-1");
            if (!found.ok()) return found.status();
            EXPECT_EQ(found->id, id);
            EXPECT_EQ(found->last_seen_at, 200);
            EXPECT_EQ(found->expires_at, 600);
            EXPECT_EQ(*tx.sign_in_failures().CountSince(account_, "k", 200), 2);
            EXPECT_EQ(*tx.sign_in_failures().CountSince(AccountId(account_.value + 1), "k", 0), 0);
            EXPECT_EQ(*tx.sessions().DeleteExpired(599), 0);
            EXPECT_EQ(*tx.sessions().DeleteExpired(600), 1);
            EXPECT_EQ(tx.sessions().FindByTokenHash("hash-1").status().code(),
                      ErrorCode::kNotFound);
            return Status::Ok();
          })
          .ok());
}

TEST_P(ClusterContractTest, PasswordResetsAreUsedOnce) {
  UserId user = Insert(NewUser("Forgetful", "forgetful@example.com"));
  storage::PasswordReset r;
  r.account_id = account_;
  r.user_id = user;
  r.created_at = 100;
  r.expires_at = 200;
  std::int64_t first = 0, second = 0;
  ASSERT_TRUE(store_
                  ->Write([&](Transaction& tx) {
                    auto a = tx.sessions().InsertPasswordReset(r);
                    if (!a.ok()) return a.status();
                    first = *a;
                    auto b = tx.sessions().InsertPasswordReset(r);
                    if (!b.ok()) return b.status();
                    second = *b;
                    return tx.sessions().SetPasswordResetToken(account_, first, "hash-a");
                  })
                  .ok());
  ASSERT_TRUE(
      store_
          ->Write([&](Transaction& tx) {
            auto found = tx.sessions().FindPasswordReset("hash-a");
            if (!found.ok()) return found.status();
            EXPECT_EQ(found->id, first);
            EXPECT_EQ(found->user_id, user);
            EXPECT_EQ(found->expires_at, 200);
            EXPECT_EQ(found->used_at, 0);
            // An unminted row is never found by its empty hash.
            EXPECT_EQ(tx.sessions().FindPasswordReset("").status().code(), ErrorCode::kNotFound);
            EXPECT_EQ(tx.sessions()
                          .SetPasswordResetToken(AccountId(account_.value + 1), first, "x")
                          .code(),
                      ErrorCode::kNotFound);
            EXPECT_TRUE(tx.sessions().UsePasswordReset(account_, first, 150).ok());
            EXPECT_EQ(tx.sessions().UsePasswordReset(account_, first, 151).code(),
                      ErrorCode::kFailedPrecondition);
            EXPECT_EQ(*tx.sessions().UsePasswordResets(account_, user, 152), 1);  // the second
            auto second_row = tx.sessions().GetPasswordReset(account_, second);
            if (!second_row.ok()) return second_row.status();
            EXPECT_EQ(second_row->used_at, 152);
            EXPECT_EQ(*tx.sessions().DeletePasswordResetsBefore(200), 0);
            EXPECT_EQ(*tx.sessions().DeletePasswordResetsBefore(201), 2);
            return Status::Ok();
          })
          .ok());
}

// Collects published events; Wait blocks until `n` arrived (PostgreSQL delivers them
// asynchronously through LISTEN).
class Events {
 public:
  void Add(const std::string& e) {
    std::lock_guard lock(mu_);
    got_.push_back(e);
    cv_.notify_all();
  }
  std::vector<std::string> Wait(std::size_t n) {
    std::unique_lock lock(mu_);
    cv_.wait_for(lock, std::chrono::seconds(5), [&] { return got_.size() >= n; });
    return got_;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::string> got_;
};

TEST_P(ClusterContractTest, EventsAreDeliveredOnlyWhenTheWriteCommits) {
  auto events = std::make_shared<Events>();
  store_->Subscribe([events](const std::string& e) { events->Add(e); });
  std::this_thread::sleep_for(std::chrono::milliseconds(200));  // LISTEN is in place
  Status rolled_back = store_->Write([](Transaction& tx) {
    tx.Publish(R"({"n":1})");
    return Internal("rolled back");
  });
  EXPECT_FALSE(rolled_back.ok());
  ASSERT_TRUE(store_
                  ->Write([](Transaction& tx) {
                    tx.Publish(R"({"n":2})");
                    tx.Publish(R"({"n":3})");
                    return Status::Ok();
                  })
                  .ok());
  auto got = events->Wait(2);
  EXPECT_EQ(got, (std::vector<std::string>{R"({"n":2})", R"({"n":3})"}));
}

TEST_P(ClusterContractTest, WriteAttachmentCommitsWithTheNextSuccessfulWrite) {
  std::int64_t id = Enqueue("attached");
  storage::WriteAttachment attachment([&](Transaction& tx) {
    return tx.queue().Fail(id, "nobody", 0, "", 0);  // fails: nobody holds the lease
  });
  // The attachment fails, so the write it rides on rolls back as a whole.
  UserId none;
  Status st = store_->Write([&](Transaction& tx) {
    auto r = tx.users().Insert(NewUser("Rolled back", "rb@example.com"));
    if (r.ok()) none = *r;
    return r.status();
  });
  EXPECT_EQ(st.code(), ErrorCode::kFailedPrecondition);
  EXPECT_FALSE(attachment.committed());
  Status read =
      store_->Read([&](Transaction& tx) { return tx.users().Get(account_, none).status(); });
  EXPECT_EQ(read.code(), ErrorCode::kNotFound);
}

TEST_P(ClusterContractTest, WriteAttachmentRunsOnceInsideTheFirstCommittedWrite) {
  std::int64_t id = Enqueue("progress");
  ASSERT_EQ(Lease("me", 100, 130).size(), 1U);
  int runs = 0;
  {
    storage::WriteAttachment attachment([&](Transaction& tx) {
      ++runs;
      return tx.queue().Renew(id, "me", 999);
    });
    Status failing = store_->Write([](Transaction&) { return Internal("the item failed"); });
    EXPECT_FALSE(failing.ok());
    EXPECT_FALSE(attachment.committed()) << "a failed write leaves the attachment";
    ASSERT_TRUE(store_->Write([](Transaction&) { return Status::Ok(); }).ok());
    EXPECT_TRUE(attachment.committed());
    ASSERT_TRUE(store_->Write([](Transaction&) { return Status::Ok(); }).ok());
  }
  EXPECT_EQ(runs, 1);
  EXPECT_EQ(Get(id).lease_expires_at, 999);
}

INSTANTIATE_TEST_SUITE_P(Stores, ClusterContractTest, ::testing::Values("sqlite", "postgres"),
                         testing::StoreName);

}  // namespace
}  // namespace comptoir
