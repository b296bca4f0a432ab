// Several nodes in one process: Cluster and JobQueue instances sharing one SQLite store,
// each standing for a `comptoir serve` node. Periodic tasks run once per period across
// them; jobs run once; a bulk job left by a dead node resumes after its last committed
// item; a node that lost its lease cannot commit an item.
#include <boost/json.hpp>
#include <chrono>
#include <thread>

#include "comptoir/services/cluster.hpp"
#include "comptoir/services/job_queue.hpp"
#include "comptoir/storage/write_attachment.hpp"
#include "people_fixture.hpp"

namespace comptoir::services {
namespace {

using namespace std::chrono_literals;

class ClusterTest : public testing::PeopleFixture {
 protected:
  ServiceEnv Env() { return ServiceEnv{*store_, clock_}; }

  // Waits (real time) until `done` holds or 5 s pass.
  template <typename F>
  static bool Eventually(F done) {
    for (int i = 0; i < 500; ++i) {
      if (done()) return true;
      std::this_thread::sleep_for(10ms);
    }
    return done();
  }

  std::vector<storage::QueuedJob> QueueRows() {
    std::vector<storage::QueuedJob> out;
    EXPECT_TRUE(store_
                    ->Read([&](storage::Transaction& tx) {
                      for (std::int64_t id = 1; id < 1000; ++id) {
                        auto j = tx.queue().Get(account_, id);
                        if (!j.ok()) break;
                        out.push_back(*j);
                      }
                      return Status::Ok();
                    })
                    .ok());
    return out;
  }

  void EnqueueJobs(JobQueue& q, const std::string& kind, int n) {
    ASSERT_TRUE(store_
                    ->Write([&](storage::Transaction& tx) -> Status {
                      for (int i = 0; i < n; ++i) {
                        COMPTOIR_RETURN_IF_ERROR(q.Enqueue(
                            tx, {account_, kind, "{}", kind + "-" + std::to_string(i), 0, 3}));
                      }
                      return Status::Ok();
                    })
                    .ok());
  }
};

TEST_F(ClusterTest, APeriodicTaskRunsOncePerPeriodAcrossNodes) {
  ClusterOptions opts;
  opts.tick = 5ms;
  clock_.Set(3600 * 1000);  // on an hour boundary
  std::atomic<int> runs{0};
  std::atomic<int> runs_a{0};
  Cluster a(Env(), opts);
  Cluster b(Env(), opts);
  a.Every("sweep", 3600s, [&] {
    ++runs;
    ++runs_a;
  });
  b.Every("sweep", 3600s, [&] { ++runs; });
  ASSERT_TRUE(a.Start().ok());
  ASSERT_TRUE(b.Start().ok());
  EXPECT_EQ(a.LiveNodes() + b.LiveNodes(), 3) << "the second node to start sees two";
  ASSERT_TRUE(Eventually([&] { return runs.load() == 1; }));
  std::this_thread::sleep_for(50ms);
  EXPECT_EQ(runs.load(), 1) << "both nodes tick many times within one period";
  clock_.Advance(1800s);
  std::this_thread::sleep_for(50ms);
  EXPECT_EQ(runs.load(), 1);
  clock_.Advance(1800s);  // the next hour
  ASSERT_TRUE(Eventually([&] { return runs.load() == 2; }));
  a.Stop();  // one node leaves: the other carries on alone
  clock_.Advance(3600s);
  ASSERT_TRUE(Eventually([&] { return runs.load() == 3; }));
  std::this_thread::sleep_for(50ms);
  EXPECT_EQ(runs.load(), 3);
  b.Stop();
}

TEST_F(ClusterTest, JobsRunOnceAcrossNodes) {
  QueueOptions opts;
  opts.poll = 5ms;
  JobQueue a(Env(), "node-a", opts);
  JobQueue b(Env(), "node-b", opts);
  std::mutex mu;
  std::map<std::int64_t, int> ran;
  auto handler = [&](const JobLease& lease) {
    std::lock_guard lock(mu);
    ++ran[lease.job().id];
    return Status::Ok();
  };
  a.Register("count", handler);
  b.Register("count", handler);
  EnqueueJobs(a, "count", 60);
  a.Start();
  b.Start();
  ASSERT_TRUE(Eventually([&] {
    std::lock_guard lock(mu);
    return ran.size() == 60;
  }));
  a.Stop();
  b.Stop();
  for (const auto& [id, n] : ran) EXPECT_EQ(n, 1) << "job " << id;
  for (const auto& j : QueueRows()) EXPECT_EQ(j.status, "done");
}

TEST_F(ClusterTest, AFailedJobIsRetriedAfterItsBackoff) {
  QueueOptions opts;
  opts.poll = 5ms;
  JobQueue q(Env(), "node", opts);
  std::atomic<int> attempts{0};
  q.Register("flaky", [&](const JobLease&) {
    return ++attempts == 1 ? Internal("the receiver is down") : Status::Ok();
  });
  EnqueueJobs(q, "flaky", 1);
  q.Start();
  ASSERT_TRUE(Eventually([&] { return attempts.load() == 1; }));
  std::this_thread::sleep_for(50ms);
  EXPECT_EQ(attempts.load(), 1) << "not before the back-off";
  EXPECT_EQ(QueueRows().at(0).last_error, "the receiver is down");
  clock_.Advance(JobQueue::Backoff(1) + JobQueue::Backoff(1) / 4);  // with the jitter
  ASSERT_TRUE(Eventually([&] { return QueueRows().at(0).status == "done"; }));
  q.Stop();
  EXPECT_EQ(attempts.load(), 2);
  EXPECT_EQ(QueueRows().at(0).attempts, 2);
}

TEST_F(ClusterTest, QuickJobsAreLeasedInBatchesAndEachRunsOnce) {
  QueueOptions opts;
  opts.poll = 5ms;
  opts.workers = 2;
  JobQueue q(Env(), "node", opts);
  std::mutex mu;
  std::map<std::int64_t, int> ran;
  q.Register("noop", [&](const JobLease& lease) {
    std::lock_guard lock(mu);
    ++ran[lease.job().id];
    return Status::Ok();
  });
  EnqueueJobs(q, "noop", 500);
  q.Start();
  q.WaitIdle();
  q.Stop();
  ASSERT_EQ(ran.size(), 500u);
  for (const auto& [id, n] : ran) EXPECT_EQ(n, 1) << "job " << id;
  int running = 0;
  for (const auto& j : QueueRows()) running += j.status != "done";
  EXPECT_EQ(running, 0);
}

TEST_F(ClusterTest, ACleanStopReleasesTheLeasesOfJobsItDidNotStart) {
  QueueOptions opts;
  opts.poll = 5ms;
  opts.workers = 1;
  JobQueue q(Env(), "node", opts);
  std::atomic<bool> hold{false};
  std::atomic<bool> holding{false};
  std::atomic<int> ran{0};
  q.Register("noop", [&](const JobLease&) {
    ++ran;
    return Status::Ok();
  });
  q.Register("hold", [&](const JobLease&) {
    holding = true;
    while (hold.load()) std::this_thread::sleep_for(1ms);
    return Status::Ok();
  });
  // Quick jobs first, so that the worker grows its batch.
  EnqueueJobs(q, "noop", 8);
  q.Start();
  q.WaitIdle();
  ASSERT_EQ(ran.load(), 8);
  hold = true;
  clock_.Advance(10s);
  const Timestamp enqueued = clock_.Now();
  ASSERT_TRUE(store_
                  ->Write([&](storage::Transaction& tx) -> Status {
                    COMPTOIR_RETURN_IF_ERROR(q.Enqueue(tx, {account_, "hold", "{}", "hold", 0, 3}));
                    for (int i = 0; i < 7; ++i) {
                      COMPTOIR_RETURN_IF_ERROR(q.Enqueue(
                          tx, {account_, "noop", "{}", "after-" + std::to_string(i), 0, 3}));
                    }
                    return Status::Ok();
                  })
                  .ok());
  q.Wake();
  ASSERT_TRUE(Eventually([&] { return holding.load(); }));
  clock_.Advance(5s);
  std::thread stopper([&] { q.Stop(); });
  std::this_thread::sleep_for(20ms);
  hold = false;  // the running job finishes; Stop returns
  stopper.join();
  EXPECT_EQ(ran.load(), 8) << "nothing new started after Stop";
  int released = 0;
  for (const auto& j : QueueRows()) {
    if (j.kind == "hold") {
      EXPECT_EQ(j.status, "done");
      continue;
    }
    if (j.created_at < enqueued) continue;
    EXPECT_EQ(j.status, "queued") << j.idempotency_key;
    EXPECT_EQ(j.attempts, 0) << j.idempotency_key;
    EXPECT_TRUE(j.lease_owner.empty()) << j.idempotency_key;
    if (j.updated_at > enqueued) ++released;
  }
  EXPECT_GE(released, 1) << "the batch leased with the held job was given back";
}

TEST_F(ClusterTest, DeadJobsAreListedRetriedAndRemovedByAdmins) {
  QueueOptions opts;
  opts.poll = 5ms;
  JobQueue q(Env(), "node", opts);
  std::atomic<bool> fail{true};
  q.Register("fragile", [&](const JobLease&) {
    return fail.load() ? Internal("connection refused") : Status::Ok();
  });
  ASSERT_TRUE(store_
                  ->Write([&](storage::Transaction& tx) {
                    return q.Enqueue(tx, {account_, "fragile", "{}", "f1", 0, 1});
                  })
                  .ok());
  q.Start();
  ASSERT_TRUE(Eventually([&] { return QueueRows().at(0).status == "dead"; }));
  auto dead = q.List(admin_, "dead", {});
  ASSERT_TRUE(dead.ok()) << dead.status().ToString();
  ASSERT_EQ(dead->items.size(), 1u);
  EXPECT_EQ(dead->items[0].last_error, "connection refused");
  EXPECT_TRUE(q.List(admin_, "done", {})->items.empty());
  EXPECT_EQ(q.List(admin_, "bogus", {}).status().code(), ErrorCode::kValidation);

  Context agent = ContextFor(NewUser("Agent", domain::Role::kAgent), domain::Role::kAgent);
  EXPECT_EQ(q.List(agent, "dead", {}).status().code(), ErrorCode::kPermissionDenied);
  EXPECT_EQ(q.Retry(agent, dead->items[0].id).status().code(), ErrorCode::kPermissionDenied);

  fail = false;
  auto again = q.Retry(admin_, dead->items[0].id);
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(again->attempts, 0);
  ASSERT_TRUE(Eventually([&] { return QueueRows().at(0).status == "done"; }));
  EXPECT_EQ(q.Retry(admin_, dead->items[0].id).status().code(), ErrorCode::kValidation)
      << "only dead jobs are retried";
  EXPECT_EQ(q.Delete(admin_, dead->items[0].id).code(), ErrorCode::kValidation);
  q.Stop();
}

// A bulk job whose node died after committing two of its four items.
class BulkResumeTest : public ClusterTest {
 protected:
  void SetUp() override {
    ClusterTest::SetUp();
    svc_->jobs.Register("tags", [this](const Context& ctx, const boost::json::value& item, int) {
      ++runs_;
      auto id = OrganizationId(item.as_int64());
      auto org = svc_->organizations.Get(ctx, id);
      if (!org.ok()) return boost::json::object{{"error", "NotFound"}};
      OrganizationInput in;
      in.notes = "touched";
      auto st = svc_->organizations.Update(ctx, id, in);
      if (!st.ok()) return boost::json::object{{"error", st.status().message()}};
      return boost::json::object{{"id", id.value}, {"status", "Updated"}};
    });
    for (int i = 0; i < 4; ++i) {
      OrganizationInput in;
      in.name = "Org " + std::to_string(i);
      auto org = svc_->organizations.Create(admin_, in);
      ASSERT_TRUE(org.ok()) << org.status().ToString();
      orgs_.push_back(org->id);
    }
    boost::json::array items;
    for (auto id : orgs_) items.push_back(id.value);
    auto job = svc_->jobs.Enqueue(admin_, "tags", items);
    ASSERT_TRUE(job.ok()) << job.status().ToString();
    job_id_ = job->id;
  }

  std::string Notes(OrganizationId id) { return svc_->organizations.Get(admin_, id)->notes; }
  domain::JobStatus Job() { return *svc_->jobs.Get(admin_, job_id_); }

  std::vector<OrganizationId> orgs_;
  std::string job_id_;
  std::atomic<int> runs_{0};
};

TEST_F(BulkResumeTest, AnotherNodeResumesAfterTheLastCommittedItem) {
  // The dead node leased the job and committed items 0 and 1 (effects and progress
  // together), then vanished without a word.
  std::vector<storage::QueuedJob> leased;
  ASSERT_TRUE(store_
                  ->Write([&](storage::Transaction& tx) {
                    auto r = tx.queue().Lease("dead-node", clock_.Now(), clock_.Now() + 30, 1);
                    if (!r.ok()) return r.status();
                    leased = *r;
                    return Status::Ok();
                  })
                  .ok());
  ASSERT_EQ(leased.size(), 1U);
  {
    // Items 0 and 1 as the dead node ran them: each effect with its progress.
    domain::JobStatus j = Job();
    for (int i = 0; i < 2; ++i) {
      j.progress = i + 1;
      j.status = "working";
      storage::WriteAttachment progress(
          [&](storage::Transaction& tx) { return tx.jobs().Update(j); });
      OrganizationInput in;
      in.notes = "touched by the dead node";
      ASSERT_TRUE(svc_->organizations.Update(admin_, orgs_[static_cast<std::size_t>(i)], in).ok());
      ASSERT_TRUE(progress.committed());
    }
  }
  QueueOptions opts;
  opts.poll = 5ms;
  JobQueue survivor(Env(), "survivor", opts);
  // The survivor runs the same handlers as every node.
  JobService jobs(Env(), survivor);
  jobs.Register("tags", [this](const Context& ctx, const boost::json::value& item, int) {
    ++runs_;
    OrganizationInput in;
    in.notes = "touched";
    auto st = svc_->organizations.Update(ctx, OrganizationId(item.as_int64()), in);
    return st.ok() ? boost::json::object{{"status", "Updated"}}
                   : boost::json::object{{"error", st.status().message()}};
  });
  survivor.Start();
  std::this_thread::sleep_for(50ms);
  EXPECT_EQ(runs_.load(), 0) << "the dead node's lease has not expired yet";
  clock_.Advance(31s);
  ASSERT_TRUE(Eventually([&] { return Job().status == "completed"; }));
  survivor.Stop();
  EXPECT_EQ(runs_.load(), 2) << "items 2 and 3 only";
  EXPECT_EQ(Notes(orgs_[0]), "touched by the dead node");
  EXPECT_EQ(Notes(orgs_[1]), "touched by the dead node");
  EXPECT_EQ(Notes(orgs_[2]), "touched");
  EXPECT_EQ(Notes(orgs_[3]), "touched");
  domain::JobStatus done = Job();
  EXPECT_EQ(done.progress, 4);
  auto results = boost::json::parse(done.results).as_array();
  ASSERT_EQ(results.size(), 4U);
  EXPECT_EQ(results[0].as_object().at("status"), "Completed");  // applied, result not kept
  EXPECT_EQ(results[3].as_object().at("status"), "Updated");
}

TEST_F(BulkResumeTest, ANodeThatLostItsLeaseCannotCommitAnItem) {
  QueueOptions opts;
  opts.poll = 5ms;
  opts.workers = 1;  // the thief is another node, not a sibling worker
  JobQueue slow(Env(), "slow-node", opts);
  JobService jobs(Env(), slow);
  std::atomic<bool> stolen{false};
  jobs.Register("tags", [&](const Context& ctx, const boost::json::value& item, int index) {
    if (index == 1 && !stolen) {
      // The node stalls past its lease and another node takes the job over (on its own
      // thread: a write on this thread would carry the item's attachment).
      clock_.Advance(31s);
      std::thread thief([&] {
        Status st = store_->Write([&](storage::Transaction& tx) {
          auto r = tx.queue().Lease("thief", clock_.Now(), clock_.Now() + 30, 1);
          if (r.ok()) {
            EXPECT_EQ(r->size(), 1U);
          }
          return r.status();
        });
        EXPECT_TRUE(st.ok()) << st.ToString();
      });
      thief.join();
      stolen = true;
    }
    OrganizationInput in;
    in.notes = "touched by the slow node";
    auto st = svc_->organizations.Update(ctx, OrganizationId(item.as_int64()), in);
    return st.ok() ? boost::json::object{{"status", "Updated"}}
                   : boost::json::object{{"error", st.status().message()}};
  });
  slow.Start();
  ASSERT_TRUE(Eventually([&] { return stolen.load(); }));
  std::this_thread::sleep_for(100ms);
  slow.Stop();
  EXPECT_EQ(Notes(orgs_[0]), "touched by the slow node");
  EXPECT_EQ(Notes(orgs_[1]), "") << "the item's write rolled back with the lost lease";
  EXPECT_EQ(Job().progress, 1);
  storage::QueuedJob row = QueueRows().at(0);
  EXPECT_EQ(row.lease_owner, "thief") << "no sibling worker of the slow node took it back";
  EXPECT_EQ(row.status, "running");
}

}  // namespace
}  // namespace comptoir::services
