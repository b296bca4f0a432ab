#include "comptoir/services/cluster.hpp"

#include <unistd.h>

#include <array>

#include "comptoir/common/crypto.hpp"
#include "comptoir/common/log.hpp"

namespace comptoir::services {

namespace {

std::string HostName() {
  std::array<char, 256> buf{};
  if (gethostname(buf.data(), buf.size() - 1) != 0) return "localhost";
  return std::string(buf.data());
}

}  // namespace

Cluster::Cluster(ServiceEnv env, ClusterOptions options) : env_(env), options_(options) {
  self_.hostname = HostName();
  self_.pid = static_cast<std::int64_t>(getpid());
  self_.version = options_.version;
  node_id_ = self_.hostname;
  node_id_ += '-';
  node_id_ += std::to_string(self_.pid);
  node_id_ += '-';
  node_id_ += crypto::Sha256Hex(crypto::RandomToken(16)).substr(0, 8);
  self_.id = node_id_;
}

Cluster::~Cluster() { Stop(); }

void Cluster::Every(std::string task, std::chrono::seconds period, std::function<void()> fn) {
  std::lock_guard lock(mu_);
  tasks_.push_back(Task{std::move(task), std::max(period, std::chrono::seconds(1)), std::move(fn)});
}

int Cluster::LiveNodes() const { return live_nodes_.load(std::memory_order_relaxed); }

Status Cluster::Beat() {
  const Timestamp now = env_.clock.Now();
  self_.heartbeat_at = now;
  if (self_.started_at == 0) self_.started_at = now;
  int live = 0;
  Status st = env_.store.Write([&](storage::Transaction& tx) -> Status {
    COMPTOIR_RETURN_IF_ERROR(tx.cluster().Heartbeat(self_));
    auto nodes = tx.cluster().ListNodes();
    if (!nodes.ok()) return nodes.status();
    for (const auto& n : *nodes) {
      if (n.id == self_.id || n.heartbeat_at > now - options_.node_ttl.count()) ++live;
    }
    return Status::Ok();
  });
  if (st.ok()) live_nodes_.store(std::max(live, 1), std::memory_order_relaxed);
  return st;
}

Status Cluster::Start() {
  COMPTOIR_RETURN_IF_ERROR(Beat());
  std::lock_guard lock(mu_);
  if (thread_.joinable()) return Status::Ok();
  stopping_ = false;
  thread_ = std::thread([this] { Loop(); });
  log::Info("node joined the cluster", {{"node", node_id_}, {"live_nodes", LiveNodes()}});
  return Status::Ok();
}

void Cluster::Stop() {
  {
    std::lock_guard lock(mu_);
    if (!thread_.joinable()) return;
    stopping_ = true;
  }
  cv_.notify_all();
  thread_.join();
  (void)env_.store.Write(
      [&](storage::Transaction& tx) { return tx.cluster().RemoveNode(node_id_); });
}

void Cluster::Loop() {
  auto next_beat = std::chrono::steady_clock::now() + options_.heartbeat;
  std::unique_lock lock(mu_);
  while (!cv_.wait_for(lock, options_.tick, [&] { return stopping_; })) {
    lock.unlock();
    if (std::chrono::steady_clock::now() >= next_beat) {
      if (Status st = Beat(); !st.ok()) {
        log::Warn("heartbeat failed", {{"node", node_id_}, {"error", st.message()}});
      }
      next_beat = std::chrono::steady_clock::now() + options_.heartbeat;
    }
    RunDueTasks();
    lock.lock();
  }
}

void Cluster::RunDueTasks() {
  const Timestamp now = env_.clock.Now();
  // tasks_ only changes before Start, so it is read here without the lock.
  for (auto& task : tasks_) {
    const Timestamp period = task.period.count();
    const Timestamp start = now - (now % period);
    if (start == task.last_period) continue;
    auto won = Result<bool>(false);
    Status st = env_.store.Write([&](storage::Transaction& tx) -> Status {
      won = tx.cluster().ClaimPeriod(task.name, start, node_id_, now);
      return won.status();
    });
    if (!st.ok()) {
      log::Warn("periodic task claim failed", {{"task", task.name}, {"error", st.message()}});
      continue;  // try again on the next tick
    }
    task.last_period = start;
    if (!*won) continue;
    try {
      task.fn();
    } catch (const std::exception& e) {
      log::Error("periodic task failed", {{"task", task.name}, {"error", e.what()}});
    }
    Status done = env_.store.Write([&](storage::Transaction& tx) {
      return tx.cluster().FinishPeriod(task.name, start, env_.clock.Now());
    });
    if (!done.ok()) log::Warn("periodic task not marked finished", {{"task", task.name}});
  }
}

}  // namespace comptoir::services
