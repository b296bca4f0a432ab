// Cluster: this node among the `comptoir serve` processes sharing one database.
//
// Every node has an id (host, pid and a random part) and a row in `cluster_nodes` whose
// heartbeat it moves forward every few seconds; nodes whose heartbeat is older than the
// time-to-live are not counted as live (and are removed after a day). LiveNodes() is
// what per-node limits divide by.
//
// Periodic tasks (Every) run once per period across the cluster, not once per node:
// each node wakes every second and, when a task's current period has not been claimed
// yet, tries to insert (task, period_start) into `cluster_periods`; the insert that
// wins runs the task, the others skip it. Periods are aligned on the Unix epoch
// (hourly tasks start on the hour on every node). A period whose node died while
// running it is not run again; the next period is.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "comptoir/services/context.hpp"

namespace comptoir::services {

struct ClusterOptions {
  std::chrono::seconds heartbeat{5};
  std::chrono::seconds node_ttl{30};
  std::chrono::milliseconds tick{1000};
  std::string version;
};

class Cluster {
 public:
  Cluster(ServiceEnv env, ClusterOptions options = {});
  ~Cluster();
  Cluster(const Cluster&) = delete;
  Cluster& operator=(const Cluster&) = delete;

  const std::string& node_id() const { return node_id_; }

  // Registers a task run once per `period` across the cluster (before Start).
  void Every(std::string task, std::chrono::seconds period, std::function<void()> fn);

  // Nodes with a recent heartbeat, this one included (at least 1).
  int LiveNodes() const;

  // Registers this node and starts the heartbeat and the periodic tasks.
  Status Start();
  // Stops the thread and removes this node's row (its leases expire by themselves).
  void Stop();

 private:
  struct Task {
    std::string name;
    std::chrono::seconds period;
    std::function<void()> fn;
    Timestamp last_period = -1;
  };
  void Loop();
  Status Beat();
  void RunDueTasks();

  ServiceEnv env_;
  ClusterOptions options_;
  std::string node_id_;
  storage::ClusterNode self_;
  std::vector<Task> tasks_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  std::atomic<int> live_nodes_{1};  // read by every rate-limited request
  std::thread thread_;
};

}  // namespace comptoir::services
