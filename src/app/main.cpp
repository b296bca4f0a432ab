// comptoir: serve | migrate | admin create-account | admin create-user | admin create-token |
// admin seed | db copy | routes (hidden: the route table as JSON lines)
#include <CLI/CLI.hpp>
#include <algorithm>
#include <boost/json.hpp>
#include <condition_variable>
#include <csignal>
#include <filesystem>
#include <iostream>
#include <mutex>
#include <thread>

#include "comptoir/api/api.hpp"
#include "comptoir/common/crypto.hpp"
#include "comptoir/common/log.hpp"
#include "comptoir/db_copy/db_copy.hpp"
#include "comptoir/domain/validation.hpp"
#include "comptoir/http/server.hpp"
#include "comptoir/http/static_files.hpp"
#include "comptoir/services/seeder.hpp"
#include "comptoir/services/services.hpp"
#include "comptoir/storage_fs/file_blob_store.hpp"
#include "comptoir/storage_pg/pg_store.hpp"
#include "comptoir/storage_sqlite/sqlite_store.hpp"
#include "config.hpp"

namespace comptoir::app {
namespace {

int Fail(const Status& st) {
  std::string message = st.message();
  for (const auto& d : st.details()) {
    message += "; ";
    message += d.description;
  }
  log::Error("startup failed", {{"error", message}});
  std::cerr << "comptoir: " << message << "\n";
  return 1;
}

Result<std::unique_ptr<storage::Store>> OpenStore(const Config& cfg) {
  std::error_code ec;
  std::filesystem::create_directories(cfg.data_dir, ec);
  std::filesystem::create_directories(std::filesystem::path(cfg.data_dir) / "blobs", ec);
  if (cfg.IsPostgres()) {
    pg::PgOptions options;
    options.url = cfg.database_url;
    options.pool_size = cfg.db_pool_size;
    auto pg_store = pg::PgStore::Open(options);
    if (!pg_store.ok()) return pg_store.status();
    COMPTOIR_RETURN_IF_ERROR((*pg_store)->Migrate());
    return std::unique_ptr<storage::Store>(std::move(pg_store).value());
  }
  auto path = cfg.SqlitePath();
  if (!path.ok()) return path.status();
  auto parent = std::filesystem::path(*path).parent_path();
  if (!parent.empty()) std::filesystem::create_directories(parent, ec);
  auto store = sqlite::SqliteStore::Open({*path});
  if (!store.ok()) return store.status();
  COMPTOIR_RETURN_IF_ERROR((*store)->Migrate());
  return std::unique_ptr<storage::Store>(std::move(store).value());
}

// First start: the account, its owner admin and a default group.
Status Bootstrap(storage::Store& store, const Clock& clock, const Config& cfg) {
  std::string password = cfg.admin_password.empty() ? crypto::RandomPassword() : cfg.admin_password;
  auto created = services::UserService::Bootstrap(store, clock, cfg.admin_email, "Owner", password);
  if (!created.ok()) return created.status();
  if (*created) {
    std::cout << "Owner admin: " << cfg.admin_email << "\n"
              << "Password: " << password << "\n"
              << std::flush;
  }
  return Status::Ok();
}

// The cluster-wide maintenance sweep, once per period whatever the number of nodes:
// uploads no comment claimed within 72 hours, expired sessions, old failed sign-ins,
// nodes silent for a day and finished jobs older than a week.
void RegisterMaintenance(services::Services& services, std::chrono::seconds period) {
  services.cluster.Every("maintenance", period, [&services] {
    auto n = services.uploads.PurgeUnclaimed(std::chrono::hours(72));
    if (!n.ok()) {
      log::Warn("upload purge failed", {{"error", n.status().message()}});
    } else if (*n > 0) {
      log::Info("purged unclaimed uploads", {{"count", *n}});
    }
    auto jobs = services.queue.PurgeDone(std::chrono::hours(24 * 7));
    if (!jobs.ok()) log::Warn("job purge failed", {{"error", jobs.status().message()}});
    const Timestamp now = services.env.clock.Now();
    Status st = services.env.store.Write([&](storage::Transaction& tx) -> Status {
      auto sessions = tx.sessions().DeleteExpired(now);
      if (!sessions.ok()) return sessions.status();
      auto failures = tx.sign_in_failures().DeleteBefore(now - 86400);
      if (!failures.ok()) return failures.status();
      auto resets = tx.sessions().DeletePasswordResetsBefore(now - 86400);
      if (!resets.ok()) return resets.status();
      auto nodes = tx.cluster().RemoveNodesBefore(now - 86400);
      return nodes.status();
    });
    if (!st.ok()) log::Warn("maintenance sweep failed", {{"error", st.message()}});
  });
}

// The automations sweep, once per period across the cluster (Zendesk: hourly).
void RegisterAutomations(services::Services& services, std::chrono::seconds period) {
  services.cluster.Every("automations", period, [&services] {
    const auto started = std::chrono::steady_clock::now();
    auto r = services.automations.Sweep(services.env.clock.Now());
    if (!r.ok()) {
      log::Warn("automation sweep failed", {{"error", r.status().message()}});
      return;
    }
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                        std::chrono::steady_clock::now() - started)
                        .count();
    if (r->fired > 0 || r->failed > 0 || ms > 1000) {
      log::Info("automation sweep", {{"automations", r->automations},
                                     {"candidates", r->candidates},
                                     {"fired", r->fired},
                                     {"failed", r->failed},
                                     {"ms", static_cast<std::int64_t>(ms)}});
    }
  });
}

int Serve(const Config& cfg) {
  const auto started = std::chrono::steady_clock::now();
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);  // threads inherit the mask

  auto listen = cfg.ListenAddress();
  if (!listen.ok()) return Fail(listen.status());
  auto store = OpenStore(cfg);
  if (!store.ok()) return Fail(store.status());
  SystemClock clock;
  if (Status st = Bootstrap(**store, clock, cfg); !st.ok()) return Fail(st);

  storage_fs::FileBlobStore blobs(cfg.BlobDir());
  services::ServicesOptions service_options;
  service_options.cluster.version = api::ApiOptions{}.version;
  service_options.cluster.heartbeat = std::chrono::seconds(cfg.heartbeat_seconds);
  service_options.cluster.node_ttl = std::chrono::seconds(std::max(30, 3 * cfg.heartbeat_seconds));
  service_options.queue.workers = cfg.job_workers;
  service_options.queue.lease = std::chrono::seconds(cfg.job_lease_seconds);
  service_options.sessions.idle_timeout = std::chrono::seconds(cfg.session_idle_seconds);
  service_options.password_resets.lifetime = std::chrono::seconds(cfg.password_reset_seconds);
  service_options.delivery.placeholders.public_url =
      cfg.public_url.empty() ? "http://" + cfg.listen : cfg.public_url;
  service_options.delivery.webhook_timeout = std::chrono::milliseconds(cfg.webhook_timeout_ms);
  service_options.delivery.webhook_connect_timeout =
      std::chrono::milliseconds(std::min(5000, cfg.webhook_timeout_ms));
  service_options.delivery.circuit_failures = cfg.circuit_failures;
  service_options.delivery.circuit_cooldown = std::chrono::seconds(cfg.circuit_cooldown_seconds);
  service_options.delivery.smtp_timeout = std::chrono::milliseconds(cfg.smtp_timeout_ms);
  service_options.delivery.smtp_connect_timeout =
      std::chrono::milliseconds(std::min(10000, cfg.smtp_timeout_ms));
  service_options.delivery.smtp_verify_peer = cfg.smtp_verify_tls;
  service_options.exports.per_minute = cfg.export_rate_limit;
  service_options.exports.sample_per_20_minutes = cfg.export_sample_rate_limit;
  service_options.exports.lag_seconds = cfg.export_lag_seconds;
  services::Services services(**store, clock, blobs, service_options);
  services.uploads.SetMaxBytes(cfg.max_upload_bytes);
  api::ApiOptions api_options;
  api_options.rate_limit_per_minute = cfg.rate_limit;
  api_options.live_nodes = [&services] { return services.cluster.LiveNodes(); };
  api::Api api(services, api_options);
  RegisterMaintenance(services, std::chrono::seconds(cfg.sweep_seconds));
  RegisterAutomations(services, std::chrono::seconds(cfg.automation_seconds));
  if (Status st = services.Start(); !st.ok()) return Fail(st);

  http::ServerOptions options;
  options.address = listen->first;
  options.port = listen->second;
  options.worker_threads = static_cast<std::size_t>(cfg.workers);
  options.access_log = cfg.access_log;
  // JSON bodies stop at 10 MiB; uploads (raw bytes) may be as large as the upload limit.
  const auto upload_limit = static_cast<std::size_t>(cfg.max_upload_bytes);
  options.body_limit_for = [upload_limit](std::string_view path) -> std::size_t {
    constexpr std::size_t kJsonLimit = 10 * 1024 * 1024;
    return path == "/api/v2/uploads" ? std::max(upload_limit, kJsonLimit) : kJsonLimit;
  };
  options.upgrade_handler = [&api](http::Request& req) { return api.HandleUpgrade(req); };
  // The agent workspace (ui/agent's build output) at /agent/; everything else is the API.
  http::StaticFiles agent_ui("/agent", cfg.ui_dir);
  http::Server server(
      options,
      [&api, &agent_ui](http::Request& req) {
        if (agent_ui.Matches(req.path)) return agent_ui.Serve(req);
        return api.Handle(req);
      },
      [](unsigned status, std::string_view message) {
        return api::Api::RenderTransportError(status, message);
      });
  if (Status st = server.Start(); !st.ok()) return Fail(st);
  std::string host =
      listen->first.find(':') != std::string::npos ? "[" + listen->first + "]" : listen->first;
  const std::string url = "http://" + host + ":" + std::to_string(server.port());
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                      std::chrono::steady_clock::now() - started)
                      .count();
  log::Info("listening", {{"url", url},
                          {"database", (*store)->Describe()},
                          {"db_pool_size", cfg.IsPostgres() ? cfg.db_pool_size : 0},
                          {"startup_ms", static_cast<std::int64_t>(ms)}});

  int sig = 0;
  sigwait(&signals, &sig);
  log::Info("shutting down", {{"signal", sig}});
  server.Stop();
  services.Stop();
  log::Info("stopped");
  return 0;
}

}  // namespace
}  // namespace comptoir::app

int main(int argc, char** argv) {
  using namespace comptoir;  // NOLINT(google-build-using-namespace)
  if (!crypto::InitCrypto().ok()) return 1;
  app::Config cfg;
  CLI::App cli{"Comptoir: a self-hosted help desk with a Zendesk-compatible API"};
  cli.require_subcommand(1);
  auto add_storage = [&](CLI::App* sub) {
    sub->add_option("--data", cfg.data_dir, "Data directory (database, blobs)");
    sub->add_option("--database", cfg.database_url,
                    "Database URL (sqlite://PATH or postgresql://USER@HOST:PORT/DB)");
    sub->add_option("--db-pool-size", cfg.db_pool_size,
                    "PostgreSQL: connections this process opens at most (default 16)")
        ->check(CLI::Range(1, 1000));
  };
  auto* serve = cli.add_subcommand("serve", "Run the API server");
  serve->add_option("--listen", cfg.listen, "HOST:PORT to listen on (port 0 = any)");
  serve->add_option("--ui-dir", cfg.ui_dir,
                    "Directory of the built agent workspace, served at /agent/ "
                    "(default: ui/agent/dist of the source tree)");
  add_storage(serve);
  auto* migrate = cli.add_subcommand("migrate", "Create or upgrade the database schema");
  add_storage(migrate);
  auto* admin = cli.add_subcommand("admin", "Administration commands");
  admin->require_subcommand(1);
  std::string email, name, role = "admin", password, description = "created from the command line";
  std::string subdomain, account_name;
  auto* create_account = admin->add_subcommand(
      "create-account",
      "Create an account (tenant) with its owner admin and default group. Requests whose Host\n"
      "is <subdomain>.<any domain> go to it; prints the owner's credentials.");
  create_account->add_option("--subdomain", subdomain, "Subdomain: a-z, 0-9 and '-'")->required();
  create_account->add_option("--name", account_name, "Account name")->required();
  create_account->add_option("--owner-email", email, "The owner admin's email")->required();
  create_account->add_option("--owner-password", password,
                             "The owner's password (else one is generated and printed)");
  add_storage(create_account);
  auto* create_user = admin->add_subcommand("create-user", "Create a user");
  create_user->add_option("--email", email, "Email address")->required();
  create_user->add_option("--name", name, "Full name")->required();
  create_user->add_option("--role", role, "end-user, agent or admin");
  create_user->add_option("--password", password, "Password (else none: sign-in by token)");
  create_user->add_option("--subdomain", subdomain, "The account's subdomain (default: account 1)");
  add_storage(create_user);
  services::SeedOptions seed;
  auto* seed_cmd = admin->add_subcommand("seed",
                                         "Fill the account with generated data "
                                         "(benchmarks, demos)");
  seed_cmd->add_option("--tickets", seed.tickets, "Tickets to create");
  seed_cmd->add_option("--users", seed.users, "End users to create");
  seed_cmd->add_option("--comments", seed.comments_per_ticket, "Comments per ticket");
  seed_cmd->add_option("--long-ticket-comments", seed.long_ticket_comments,
                       "Comments on the first (long) ticket");
  add_storage(seed_cmd);
  auto* sweep_cmd = admin->add_subcommand(
      "sweep-automations", "Run the automations sweep once now, print what it did (JSON)");
  add_storage(sweep_cmd);
  auto* create_token = admin->add_subcommand("create-token", "Create an API token for a user");
  create_token->add_option("--email", email, "The user's email address")->required();
  create_token->add_option("--description", description, "What the token is for");
  create_token->add_option("--subdomain", subdomain,
                           "The account's subdomain (default: account 1)");
  add_storage(create_token);
  auto* routes = cli.add_subcommand("routes", "Print every API route as JSON lines");
  routes->group("");  // hidden: for tests and tooling
  auto* db = cli.add_subcommand("db", "Database commands");
  db->require_subcommand(1);
  db_copy::CopyOptions copy;
  auto* copy_cmd = db->add_subcommand(
      "copy",
      "Copy every table of a SQLite install into an empty PostgreSQL database.\n"
      "The source is read in one snapshot (the server may keep running); the target schema is\n"
      "created as `comptoir migrate` would. Rows go in batches, each committed with its\n"
      "progress (table db_copy_progress): after an interruption, run the same command again to\n"
      "resume. Every table is then verified (row count and SHA-256 of its rows); the command\n"
      "exits non-zero on a mismatch. Re-running a finished copy only verifies.");
  copy_cmd->add_option("--from", copy.from, "Source: sqlite:///path/to/comptoir.db")->required();
  copy_cmd->add_option("--to", copy.to, "Target: postgresql://USER@HOST:PORT/DB")->required();
  copy_cmd->add_option("--batch", copy.batch_size, "Rows per INSERT and transaction")
      ->check(CLI::Range(1, 100000));
  CLI11_PARSE(cli, argc, argv);

  if (routes->parsed()) {
    for (const auto& r : api::Api::ListRoutes()) {
      std::cout << boost::json::serialize(boost::json::object{
                       {"method", r.method}, {"path", r.pattern}, {"access", r.access}})
                << "\n";
    }
    return 0;
  }

  if (copy_cmd->parsed()) {
    log::SetLevel(log::Level::kOff);
    copy.progress = &std::cerr;
    auto report = db_copy::CopyDatabase(copy);
    if (!report.ok()) return app::Fail(report.status());
    std::cout << db_copy::FormatReport(*report) << std::flush;
    return report->ok() ? 0 : 1;
  }

  auto was_set = [](CLI::App* sub, const char* opt) {
    return sub->get_option_no_throw(opt) != nullptr && sub->count(opt) > 0;
  };
  CLI::App* used = serve->parsed()            ? serve
                   : migrate->parsed()        ? migrate
                   : create_account->parsed() ? create_account
                   : create_user->parsed()    ? create_user
                   : seed_cmd->parsed()       ? seed_cmd
                   : sweep_cmd->parsed()      ? sweep_cmd
                                              : create_token;
  cfg.ApplyEnvironment(was_set(used, "--listen"), was_set(used, "--data"),
                       was_set(used, "--database"), was_set(used, "--db-pool-size"),
                       was_set(used, "--ui-dir"));

  if (serve->parsed()) return app::Serve(cfg);

  log::SetLevel(log::Level::kOff);  // stdout carries only the command's answer
  auto store = app::OpenStore(cfg);
  if (!store.ok()) return app::Fail(store.status());
  if (migrate->parsed()) {
    std::cout << "database is up to date: " << (*store)->Describe() << "\n";
    return 0;
  }
  SystemClock clock;
  if (Status st = app::Bootstrap(**store, clock, cfg); !st.ok()) return app::Fail(st);
  storage_fs::FileBlobStore blobs(cfg.BlobDir());
  if (create_account->parsed()) {
    services::NewAccount in;
    in.subdomain = subdomain;
    in.name = account_name;
    in.owner_email = email;
    in.owner_password = password.empty() ? crypto::RandomPassword() : password;
    auto made = services::AccountService::Create(**store, clock, in);
    if (!made.ok()) return app::Fail(made.status());
    std::cout << "Account: " << made->account.value << "\n"
              << "Subdomain: " << subdomain << "\n"
              << "Owner admin: " << *domain::NormalizeEmail(email) << "\n"
              << "Password: " << in.owner_password << "\n"
              << std::flush;
    return 0;
  }
  services::Services services(**store, clock, blobs);
  // The account of create-user / create-token: account 1, or the one of --subdomain.
  AccountId account(1);
  if (!subdomain.empty()) {
    Status st = (*store)->Read([&](storage::Transaction& tx) -> Status {
      auto a = tx.accounts().FindBySubdomain(subdomain);
      if (!a.ok()) {
        std::string message = "no account with subdomain ";
        message += subdomain;
        return NotFound(message);
      }
      account = a->id;
      return Status::Ok();
    });
    if (!st.ok()) return app::Fail(st);
  }
  services::Context system;
  system.actor = domain::Actor::System(account);
  system.ip_address = "cli";
  if (create_user->parsed()) {
    services::UserInput in;
    in.name = name;
    in.email = email;
    in.role = role;
    in.verified = true;
    if (!password.empty()) in.password = password;
    auto u = services.users.Create(system, in);
    if (!u.ok()) return app::Fail(u.status());
    std::cout << "created user " << u->id.value << " <" << u->email << "> as "
              << domain::RoleName(u->role) << "\n";
    return 0;
  }
  if (seed_cmd->parsed()) {
    services::Seeder seeder(services.env);
    const auto started = std::chrono::steady_clock::now();
    auto report = seeder.Run(AccountId(1), seed, [&](std::int64_t n) {
      std::cerr << "\rseeded " << n << " / " << seed.tickets << " tickets" << std::flush;
    });
    std::cerr << "\n";
    if (!report.ok()) return app::Fail(report.status());
    const double secs =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    std::cout << "{\"users\":" << report->users << ",\"tickets\":" << report->tickets
              << ",\"comments\":" << report->comments
              << ",\"long_ticket_id\":" << report->long_ticket_id << ",\"seconds\":" << secs
              << "}\n";
    return 0;
  }
  if (sweep_cmd->parsed()) {
    const auto started = std::chrono::steady_clock::now();
    auto report = services.automations.Sweep(clock.Now());
    if (!report.ok()) return app::Fail(report.status());
    const double secs =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    std::cout << "{\"automations\":" << report->automations
              << ",\"candidates\":" << report->candidates << ",\"fired\":" << report->fired
              << ",\"failed\":" << report->failed << ",\"seconds\":" << secs << "}\n";
    return 0;
  }
  // create-token
  UserId user;
  Status st = (*store)->Read([&](storage::Transaction& tx) -> Status {
    auto normalized = email;
    for (auto& ch : normalized)
      ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    auto id = tx.identities().Find(account, domain::IdentityType::kEmail, normalized);
    if (!id.ok()) return NotFound("no user with email " + email);
    user = id->user_id;
    return Status::Ok();
  });
  if (!st.ok()) return app::Fail(st);
  auto token = services.auth.CreateApiToken(system, user, description);
  if (!token.ok()) return app::Fail(token.status());
  std::cout << token->secret << "\n";
  return 0;
}
