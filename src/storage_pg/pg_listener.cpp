#include "pg_listener.hpp"

#include <libpq-fe.h>
#include <poll.h>
#include <unistd.h>

#include <chrono>

#include "comptoir/common/log.hpp"

namespace comptoir::pg {

void PgListener::Subscribe(std::function<void(const std::string&)> fn) {
  std::lock_guard lock(mu_);
  subscribers_.push_back(std::move(fn));
  if (!thread_.joinable()) {
    if (pipe(wake_fd_) != 0) {
      log::Error("cannot create the listener's wake pipe", {});
      return;
    }
    thread_ = std::thread([this] { Loop(); });
  }
}

void PgListener::Stop() {
  if (stopping_.exchange(true)) return;
  if (wake_fd_[1] >= 0) (void)!write(wake_fd_[1], "x", 1);
  if (thread_.joinable()) thread_.join();
  for (int& fd : wake_fd_) {
    if (fd >= 0) close(fd);
    fd = -1;
  }
}

void PgListener::Dispatch(const std::string& payload) {
  std::lock_guard lock(mu_);
  for (const auto& fn : subscribers_) {
    try {
      fn(payload);
    } catch (const std::exception& e) {
      log::Error("event subscriber failed", {{"error", e.what()}});
    }
  }
}

void PgListener::Loop() {
  int backoff_ms = 100;
  bool connected_before = false;
  while (!stopping_) {
    PGconn* conn = PQconnectdb(url_.c_str());
    PGresult* res = nullptr;
    if (PQstatus(conn) == CONNECTION_OK) {
      res = PQexec(conn, (std::string("LISTEN ") + kEventsChannel).c_str());
    }
    if (res == nullptr || PQresultStatus(res) != PGRES_COMMAND_OK) {
      log::Warn("event listener cannot connect; retrying",
                {{"error", std::string(PQerrorMessage(conn))}});
      PQclear(res);
      PQfinish(conn);
      pollfd p{wake_fd_[0], POLLIN, 0};
      (void)poll(&p, 1, backoff_ms);
      backoff_ms = std::min(backoff_ms * 2, 5000);
      continue;
    }
    PQclear(res);
    backoff_ms = 100;
    if (connected_before) Dispatch(kResyncEvent);  // events may have been missed meanwhile
    connected_before = true;
    bool broken = false;
    while (!stopping_ && !broken) {
      pollfd fds[2] = {{PQsocket(conn), POLLIN, 0}, {wake_fd_[0], POLLIN, 0}};
      int n = poll(fds, 2, 30000);
      if (n < 0) continue;
      if (fds[1].revents != 0) break;
      if (n == 0) {
        // Quiet for 30 s: check that the server is still there.
        PGresult* ping = PQexec(conn, "SELECT 1");
        broken = PQresultStatus(ping) != PGRES_TUPLES_OK;
        PQclear(ping);
      } else if (PQconsumeInput(conn) == 0) {
        broken = true;
      }
      while (PGnotify* note = PQnotifies(conn)) {
        std::string payload = note->extra != nullptr ? note->extra : "";
        PQfreemem(note);
        Dispatch(payload);
      }
    }
    if (broken) log::Warn("event listener lost its connection; reconnecting", {});
    PQfinish(conn);
  }
}

}  // namespace comptoir::pg
