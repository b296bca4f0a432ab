// Config: settings of the comptoir binary, from flags, then COMPTOIR_* environment
// variables, then defaults (in that order of precedence).
#pragma once

#include <cstdint>
#include <string>

#include "comptoir/common/status.hpp"

#ifndef COMPTOIR_DEFAULT_UI_DIR
#define COMPTOIR_DEFAULT_UI_DIR "ui/agent/dist"
#endif

namespace comptoir::app {

struct Config {
  std::string listen = "127.0.0.1:8080";
  std::string data_dir = "./var";
  std::string database_url;  // default: sqlite://<data_dir>/comptoir.db; or postgresql://…
  int db_pool_size = 16;     // PostgreSQL: connections per node at most (1…1000)
  std::string admin_email = "admin@comptoir.local";
  std::string admin_password;  // generated on first start when empty
  int rate_limit = 700;
  int workers = 16;
  bool access_log = true;
  std::int64_t max_upload_bytes = 50 * 1024 * 1024;  // largest file POST /uploads takes
  // Several nodes: the blob directory must be shared storage (NFS, CephFS …) that every
  // node mounts at the same path. Default: <data_dir>/blobs.
  std::string blob_dir;
  int sweep_seconds = 3600;             // period of the cluster-wide maintenance sweep
  int job_workers = 2;                  // job queue workers on this node
  int job_lease_seconds = 30;           // how long a leased job stays with a silent node
  int heartbeat_seconds = 5;            // node registry heartbeat
  int session_idle_seconds = 8 * 3600;  // a browser session unused this long expires
  int password_reset_seconds = 3600;    // a "forgot password" link works this long
  // Side effects (webhooks, e-mail). public_url: the address people reach Comptoir at,
  // used in notification links ({{ticket.link}}) and Message-IDs.
  std::string public_url;             // default: http://<listen>
  int webhook_timeout_ms = 12000;     // a webhook or target request, in total
  int circuit_failures = 5;           // consecutive failures that open a webhook's circuit
  int circuit_cooldown_seconds = 60;  // how long an open circuit stays open
  int smtp_timeout_ms = 60000;        // one SMTP conversation, in total
  bool smtp_verify_tls = true;        // check the smart host's certificate
  int automation_seconds = 3600;      // period of the cluster-wide automation sweep
  // The built agent workspace (ui/agent, `npm run build`) served at /agent/. Default: the
  // build output of the source tree the binary was built from (ui/agent/dist); an
  // installation points it at wherever it copied dist/ (--ui-dir, COMPTOIR_UI_DIR).
  std::string ui_dir = COMPTOIR_DEFAULT_UI_DIR;
  // Incremental exports (Zendesk's limits): requests per account per minute (0 = off),
  // sample requests per 20 minutes, and how many recent seconds a request leaves out.
  int export_rate_limit = 10;
  int export_sample_rate_limit = 10;
  int export_lag_seconds = 60;

  std::string BlobDir() const;

  // Fills unset fields from the environment (invalid numbers are ignored).
  void ApplyEnvironment(bool listen_set, bool data_set, bool database_set, bool pool_size_set,
                        bool ui_dir_set = false);
  // True for postgresql://… and postgres://… URLs (the PostgreSQL store).
  bool IsPostgres() const;
  // The SQLite file path of database_url; kInvalidArgument for other schemes.
  Result<std::string> SqlitePath() const;
  Result<std::pair<std::string, std::uint16_t>> ListenAddress() const;
};

}  // namespace comptoir::app
