#include "comptoir/services/job_service.hpp"

#include <boost/json.hpp>

#include "comptoir/common/crypto.hpp"
#include "comptoir/common/log.hpp"
#include "comptoir/services/auth_service.hpp"
#include "comptoir/storage/write_attachment.hpp"

namespace comptoir::services {

namespace {

constexpr const char* kBulkKind = "bulk";

// What the results hold for an item whose write committed but whose node stopped
// before it could record the item's own result.
boost::json::object AppliedItem(int index) {
  return {{"index", index}, {"success", true}, {"status", "Completed"}};
}

}  // namespace

JobService::JobService(ServiceEnv env, JobQueue& queue) : env_(env), queue_(queue) {
  queue_.Register(kBulkKind, [this](const JobLease& lease) { return RunBulk(lease); });
}

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
  j.status = "queued";
  j.total = static_cast<int>(items.size());
  boost::json::object payload{{"items", std::move(items)}, {"ip", ctx.ip_address}};
  j.payload = boost::json::serialize(payload);
  j.created_at = j.updated_at = env_.clock.Now();
  Status st = env_.store.Write([&](storage::Transaction& tx) -> Status {
    COMPTOIR_RETURN_IF_ERROR(tx.jobs().Insert(j));
    return queue_.Enqueue(
        tx, {j.account_id, kBulkKind, boost::json::serialize(boost::json::object{{"id", j.id}}),
             "bulk:" + j.id, 0, 5});
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

Status JobService::RunBulk(const JobLease& lease) {
  const storage::QueuedJob& queued = lease.job();
  boost::system::error_code ec;
  auto ref = boost::json::parse(queued.payload, ec);
  if (ec || !ref.is_object() || !ref.as_object().contains("id") ||
      !ref.as_object().at("id").is_string()) {
    return Internal("bulk job without a job status id");
  }
  const std::string id(ref.as_object().at("id").as_string());
  domain::JobStatus job;
  COMPTOIR_RETURN_IF_ERROR(env_.store.Read([&](storage::Transaction& tx) -> Status {
    auto j = tx.jobs().Get(queued.account_id, id);
    if (!j.ok()) return j.status();
    job = std::move(j).value();
    return Status::Ok();
  }));
  if (job.status == "completed" || job.status == "failed") return Status::Ok();

  // Saves the job status and checks the lease in `tx`.
  auto save_in = [&](storage::Transaction& tx) -> Status {
    COMPTOIR_RETURN_IF_ERROR(lease.Check(tx));
    return tx.jobs().Update(job);
  };
  auto save = [&]() { return env_.store.Write(save_in); };
  auto fail = [&](const std::string& why) {
    job.status = "failed";
    job.message = why;
    job.updated_at = env_.clock.Now();
    return save();
  };

  auto payload = boost::json::parse(job.payload, ec);
  auto handler = handlers_.find(job.kind);
  if (ec || !payload.is_object() || !payload.as_object().contains("items") ||
      !payload.as_object().at("items").is_array() || handler == handlers_.end()) {
    return fail("The job could not be read");
  }
  Context ctx;
  if (const auto* ip = payload.as_object().if_contains("ip"); ip && ip->is_string()) {
    ctx.ip_address = std::string(ip->as_string());
  }
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
  // An item whose write committed on a node that then died: its progress is saved but
  // its result is not.
  while (static_cast<int>(results.size()) < job.progress) {
    results.push_back(AppliedItem(static_cast<int>(results.size())));
  }
  job.status = "working";
  for (int i = job.progress; i < static_cast<int>(items.size()); ++i) {
    // The item's own write (if it makes one) also saves "item i done" and checks the
    // lease, in the same transaction.
    job.progress = i + 1;
    results.push_back(AppliedItem(i));
    job.results = boost::json::serialize(results);
    job.updated_at = env_.clock.Now();
    boost::json::object r;
    bool attached = false;
    {
      storage::WriteAttachment attachment(save_in);
      r = handler->second(ctx, items[static_cast<std::size_t>(i)], i);
      attached = attachment.committed();
    }
    if (lease.lost()) return Status(ErrorCode::kFailedPrecondition, "lease lost", "LeaseLost");
    results.back() = std::move(r);
    job.results = boost::json::serialize(results);
    if (!attached) {
      // The item wrote nothing (it failed validation, or it had nothing to change):
      // record it on its own.
      COMPTOIR_RETURN_IF_ERROR(save());
    }
  }
  job.status = "completed";
  job.updated_at = env_.clock.Now();
  job.message = "Completed at " + FormatIso8601(job.updated_at);
  return save();
}

}  // namespace comptoir::services
