#include "comptoir/services/job_service.hpp"

#include <boost/json.hpp>

#include "comptoir/common/crypto.hpp"
#include "comptoir/common/log.hpp"
#include "comptoir/services/auth_service.hpp"

namespace comptoir::services {

JobService::~JobService() { Stop(); }

void JobService::Register(std::string kind, JobHandler handler) {
  handlers_[std::move(kind)] = std::move(handler);
}

Result<domain::JobStatus> JobService::Enqueue(const Context& ctx, const std::string& kind,
                                              boost::json::array items) {
  if (items.empty()) return Invalid("base", "BlankValue", "No items were given");
  if (items.size() > 100) {
    return Invalid("base", "InvalidValue", "At most 100 items can be processed in one job");
  }
  if (!handlers_.contains(kind)) return Internal("no handler for job kind " + kind);
  domain::JobStatus j;
  j.id = "V3-" + crypto::Sha256Hex(crypto::RandomToken(16)).substr(0, 32);
  j.account_id = ctx.account();
  j.user_id = ctx.actor.user_id;
  j.kind = kind;
  j.total = static_cast<int>(items.size());
  boost::json::object payload{{"items", std::move(items)}, {"ip", ctx.ip_address}};
  j.payload = boost::json::serialize(payload);
  j.created_at = j.updated_at = env_.clock.Now();
  Status st = env_.store.Write([&](storage::Transaction& tx) {
    tx.OnCommit([this] {
      std::lock_guard lock(mu_);
      wake_ = true;
      cv_.notify_all();
    });
    return tx.jobs().Insert(j);
  });
  if (!st.ok()) return st;
  return j;
}

Result<domain::JobStatus> JobService::Get(const Context& ctx, const std::string& id) {
  Result<domain::JobStatus> out = NotFound();
  COMPTOIR_RETURN_IF_ERROR(env_.store.Read([&](storage::Transaction& tx) {
    out = tx.jobs().Get(ctx.account(), id);
    return Status::Ok();
  }));
  if (out.ok() && !ctx.actor.is_admin() && out->user_id != ctx.actor.user_id) return NotFound();
  return out;
}

Result<std::vector<domain::JobStatus>> JobService::List(const Context& ctx) {
  Result<std::vector<domain::JobStatus>> out = std::vector<domain::JobStatus>{};
  COMPTOIR_RETURN_IF_ERROR(env_.store.Read([&](storage::Transaction& tx) {
    out = tx.jobs().List(ctx.account(), 100);
    return Status::Ok();
  }));
  if (out.ok() && !ctx.actor.is_admin()) {
    std::erase_if(*out, [&](const auto& j) { return j.user_id != ctx.actor.user_id; });
  }
  return out;
}

void JobService::Start() {
  std::lock_guard lock(mu_);
  if (worker_.joinable()) return;
  stopping_ = false;
  wake_ = true;  // resume anything left from a previous run
  worker_ = std::thread([this] { Loop(); });
}

void JobService::Stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
    cv_.notify_all();
  }
  if (worker_.joinable()) worker_.join();
}

void JobService::WaitIdle() {
  std::unique_lock lock(mu_);
  idle_cv_.wait(lock, [&] { return (!wake_ && !busy_) || stopping_; });
}

void JobService::Loop() {
  for (;;) {
    {
      std::unique_lock lock(mu_);
      cv_.wait(lock, [&] { return stopping_ || wake_; });
      if (stopping_) return;
      wake_ = false;
      busy_ = true;
    }
    while (RunOne()) {
      std::lock_guard lock(mu_);
      if (stopping_) break;
    }
    std::lock_guard lock(mu_);
    busy_ = false;
    idle_cv_.notify_all();
  }
}

bool JobService::RunOne() {
  domain::JobStatus job;
  bool found = false;
  Status st = env_.store.Read([&](storage::Transaction& tx) -> Status {
    auto list = tx.jobs().ListUnfinished(1);
    if (!list.ok()) return list.status();
    if (list->empty()) return Status::Ok();
    job = list->front();
    found = true;
    return Status::Ok();
  });
  if (!st.ok()) {
    log::Error("job queue read failed", {{"error", st.message()}});
    return false;
  }
  if (!found) return false;

  auto fail = [&](const std::string& why) {
    job.status = "failed";
    job.message = why;
    job.updated_at = env_.clock.Now();
    Status w = env_.store.Write([&](storage::Transaction& tx) { return tx.jobs().Update(job); });
    if (!w.ok()) log::Error("job update failed", {{"job", job.id}, {"error", w.message()}});
    return true;
  };
  boost::system::error_code ec;
  auto payload = boost::json::parse(job.payload, ec);
  auto handler = handlers_.find(job.kind);
  if (ec || !payload.is_object() || handler == handlers_.end()) {
    return fail("The job could not be read");
  }
  Context ctx;
  ctx.ip_address = payload.as_object().contains("ip")
                       ? std::string(payload.as_object().at("ip").as_string())
                       : std::string();
  Status actor_st = env_.store.Read([&](storage::Transaction& tx) -> Status {
    auto u = tx.users().Get(job.account_id, job.user_id);
    if (!u.ok()) return u.status();
    auto a = AuthService::ActorOf(tx, *u);
    if (!a.ok()) return a.status();
    ctx.actor = *a;
    return Status::Ok();
  });
  if (!actor_st.ok()) return fail("The user who started the job no longer exists");

  const auto& items = payload.as_object().at("items").as_array();
  boost::json::array results;
  if (!job.results.empty()) {
    auto prev = boost::json::parse(job.results, ec);
    if (!ec && prev.is_array()) results = prev.as_array();
  }
  job.status = "working";
  for (int i = job.progress; i < static_cast<int>(items.size()); ++i) {
    {
      std::lock_guard lock(mu_);
      if (stopping_) return false;
    }
    boost::json::object r = handler->second(ctx, items[static_cast<std::size_t>(i)], i);
    results.push_back(std::move(r));
    job.progress = i + 1;
    job.results = boost::json::serialize(results);
    job.updated_at = env_.clock.Now();
    if (job.progress == job.total) {
      job.status = "completed";
      job.message = "Completed at " + FormatIso8601(job.updated_at);
    }
    Status w = env_.store.Write([&](storage::Transaction& tx) { return tx.jobs().Update(job); });
    if (!w.ok()) {
      log::Error("job progress not saved", {{"job", job.id}, {"error", w.message()}});
      return false;
    }
  }
  if (job.status != "completed") {
    job.status = "completed";
    job.message = "Completed at " + FormatIso8601(env_.clock.Now());
    (void)env_.store.Write([&](storage::Transaction& tx) { return tx.jobs().Update(job); });
  }
  return true;
}

}  // namespace comptoir::services
