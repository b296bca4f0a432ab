#include "config.hpp"

#include <charconv>
#include <cstdlib>

namespace comptoir::app {

namespace {
const char* Env(const char* name) {
  const char* v = std::getenv(name);
  return (v != nullptr && *v != '\0') ? v : nullptr;
}
}  // namespace

void Config::ApplyEnvironment(bool listen_set, bool data_set, bool database_set, bool pool_size_set,
                              bool ui_dir_set) {
  if (!ui_dir_set) {
    if (const char* v = Env("COMPTOIR_UI_DIR")) ui_dir = v;
  }
  if (!listen_set) {
    if (const char* v = Env("COMPTOIR_LISTEN")) listen = v;
  }
  if (!data_set) {
    if (const char* v = Env("COMPTOIR_DATA_DIR")) data_dir = v;
  }
  if (!database_set) {
    if (const char* v = Env("COMPTOIR_DATABASE_URL")) database_url = v;
  }
  if (!pool_size_set) {
    if (const char* v = Env("COMPTOIR_DB_POOL_SIZE")) {
      int n = 0;
      std::string_view sv(v);
      auto [end, ec] = std::from_chars(sv.data(), sv.data() + sv.size(), n);
      if (ec == std::errc() && end == sv.data() + sv.size() && n >= 1 && n <= 1000) {
        db_pool_size = n;
      }
    }
  }
  if (const char* v = Env("COMPTOIR_ADMIN_EMAIL")) admin_email = v;
  if (const char* v = Env("COMPTOIR_ADMIN_PASSWORD")) admin_password = v;
  if (const char* v = Env("COMPTOIR_RATE_LIMIT")) rate_limit = std::atoi(v);
  if (const char* v = Env("COMPTOIR_WORKERS")) workers = std::max(1, std::atoi(v));
  if (const char* v = Env("COMPTOIR_MAX_UPLOAD_BYTES")) {
    std::int64_t n = 0;
    std::string_view sv(v);
    auto [end, ec] = std::from_chars(sv.data(), sv.data() + sv.size(), n);
    if (ec == std::errc() && end == sv.data() + sv.size() && n > 0) max_upload_bytes = n;
  }
  if (const char* v = Env("COMPTOIR_BLOB_DIR")) blob_dir = v;
  auto positive = [](const char* name, int& out) {
    if (const char* v = Env(name)) {
      int n = std::atoi(v);
      if (n > 0) out = n;
    }
  };
  positive("COMPTOIR_SWEEP_SECONDS", sweep_seconds);
  positive("COMPTOIR_JOB_WORKERS", job_workers);
  positive("COMPTOIR_JOB_LEASE_SECONDS", job_lease_seconds);
  positive("COMPTOIR_HEARTBEAT_SECONDS", heartbeat_seconds);
  positive("COMPTOIR_SESSION_IDLE_SECONDS", session_idle_seconds);
  positive("COMPTOIR_PASSWORD_RESET_SECONDS", password_reset_seconds);
  if (const char* v = Env("COMPTOIR_PUBLIC_URL")) public_url = v;
  positive("COMPTOIR_WEBHOOK_TIMEOUT_MS", webhook_timeout_ms);
  positive("COMPTOIR_CIRCUIT_FAILURES", circuit_failures);
  positive("COMPTOIR_CIRCUIT_COOLDOWN_SECONDS", circuit_cooldown_seconds);
  positive("COMPTOIR_SMTP_TIMEOUT_MS", smtp_timeout_ms);
  if (const char* v = Env("COMPTOIR_SMTP_VERIFY_TLS")) {
    smtp_verify_tls = std::string(v) != "off" && std::string(v) != "0";
  }
  positive("COMPTOIR_AUTOMATION_SECONDS", automation_seconds);
  // Zero allowed: no limit / no lag (tests).
  auto non_negative = [](const char* name, int& out) {
    if (const char* v = Env(name)) {
      char* end = nullptr;
      long n = std::strtol(v, &end, 10);
      if (end != v && *end == '\0' && n >= 0 && n <= 1000000) out = static_cast<int>(n);
    }
  };
  non_negative("COMPTOIR_EXPORT_RATE_LIMIT", export_rate_limit);
  non_negative("COMPTOIR_EXPORT_SAMPLE_RATE_LIMIT", export_sample_rate_limit);
  non_negative("COMPTOIR_EXPORT_LAG_SECONDS", export_lag_seconds);
  if (const char* v = Env("COMPTOIR_ACCESS_LOG")) {
    access_log = std::string(v) != "off" && std::string(v) != "0";
  }
}

std::string Config::BlobDir() const {
  if (!blob_dir.empty()) return blob_dir;
  std::string dir = data_dir;
  dir += "/blobs";
  return dir;
}

bool Config::IsPostgres() const {
  return database_url.rfind("postgresql://", 0) == 0 || database_url.rfind("postgres://", 0) == 0;
}

Result<std::string> Config::SqlitePath() const {
  if (database_url.empty()) return data_dir + "/comptoir.db";
  constexpr std::string_view kScheme = "sqlite://";
  if (database_url.rfind(kScheme, 0) == 0) return database_url.substr(kScheme.size());
  if (IsPostgres()) {
    return InvalidArgument("not a SQLite database URL: " + database_url);
  }
  if (database_url.find("://") == std::string::npos) return database_url;  // a plain path
  return InvalidArgument("unknown database URL scheme: " + database_url);
}

Result<std::pair<std::string, std::uint16_t>> Config::ListenAddress() const {
  auto colon = listen.rfind(':');
  if (colon == std::string::npos) return InvalidArgument("--listen must be HOST:PORT: " + listen);
  std::string host = listen.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  unsigned port = 0;
  std::string_view p(listen.data() + colon + 1, listen.size() - colon - 1);
  auto [end, ec] = std::from_chars(p.data(), p.data() + p.size(), port);
  if (ec != std::errc() || end != p.data() + p.size() || port > 65535 || host.empty()) {
    return InvalidArgument("--listen must be HOST:PORT: " + listen);
  }
  return std::make_pair(host, static_cast<std::uint16_t>(port));
}

}  // namespace comptoir::app
