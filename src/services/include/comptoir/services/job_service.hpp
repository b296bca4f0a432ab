// JobService: bulk requests (create_many, update_many, destroy_many …) run as durable
// background jobs. Enqueue stores the job status with its items and a `bulk` job of the
// leased queue (JobQueue) in one transaction before the request is answered. Whichever
// node leases it runs the items through the registered handler (the same use cases as
// single requests). Each item's write also records the job's progress and checks the
// lease in the same transaction (storage::WriteAttachment), so an item's effect and
// "item done" commit together: when a node dies mid-job, the node that takes the job
// over resumes after the last committed item and no item runs twice.
// Thread-safe; Register every kind before the queue starts.
#pragma once

#include <boost/json/array.hpp>
#include <boost/json/value.hpp>
#include <functional>
#include <map>

#include "comptoir/services/context.hpp"
#include "comptoir/services/job_queue.hpp"

namespace comptoir::services {

// Runs one item; returns its result object ({"id":…, "status":"Created"} or with
// "error"/"details"). Must not throw.
using JobHandler = std::function<boost::json::object(const Context& ctx,
                                                     const boost::json::value& item, int index)>;

class JobService {
 public:
  JobService(ServiceEnv env, JobQueue& queue);

  void Register(std::string kind, JobHandler handler);
  // Stores a queued job of `items` (at most 100).
  Result<domain::JobStatus> Enqueue(const Context& ctx, const std::string& kind,
                                    boost::json::array items);
  Result<domain::JobStatus> Get(const Context& ctx, const std::string& id);
  Result<std::vector<domain::JobStatus>> List(const Context& ctx);

 private:
  Status RunBulk(const JobLease& lease);

  ServiceEnv env_;
  JobQueue& queue_;
  std::map<std::string, JobHandler> handlers_;
};

}  // namespace comptoir::services
