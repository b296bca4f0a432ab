// JobService: bulk requests (create_many, update_many, destroy_many …) run as durable
// background jobs. Enqueue stores the job with its items in the database before the
// request is answered; one worker thread runs queued jobs item by item through the
// registered handler (the same use cases as single requests), saving progress and the
// per-item result after each item, so a restart resumes where it stopped.
// Thread-safe; Register every kind before Start().
#pragma once

#include <boost/json/array.hpp>
#include <boost/json/value.hpp>
#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <thread>

#include "comptoir/services/context.hpp"

namespace comptoir::services {

// Runs one item; returns its result object ({"id":…, "status":"Created"} or with
// "error"/"details"). Must not throw.
using JobHandler = std::function<boost::json::object(const Context& ctx,
                                                     const boost::json::value& item, int index)>;

class JobService {
 public:
  explicit JobService(ServiceEnv env) : env_(env) {}
  ~JobService();

  void Register(std::string kind, JobHandler handler);
  // Stores a queued job of `items` (at most 100) and wakes the worker.
  Result<domain::JobStatus> Enqueue(const Context& ctx, const std::string& kind,
                                    boost::json::array items);
  Result<domain::JobStatus> Get(const Context& ctx, const std::string& id);
  Result<std::vector<domain::JobStatus>> List(const Context& ctx);

  void Start();
  void Stop();  // finishes the current item, leaves the rest queued
  // Blocks until no job is queued or running (tests and shutdown).
  void WaitIdle();

 private:
  void Loop();
  bool RunOne();

  ServiceEnv env_;
  std::map<std::string, JobHandler> handlers_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::condition_variable idle_cv_;
  bool stopping_ = false;
  bool wake_ = false;
  bool busy_ = false;
  std::thread worker_;
};

}  // namespace comptoir::services
