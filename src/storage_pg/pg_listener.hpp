// Private: the LISTEN side of Store::Subscribe on PostgreSQL. One dedicated libpq
// connection per node LISTENs on the events channel; a thread waits on its socket and
// hands each notification to the subscribers. Publishing is `pg_notify` inside the
// writing transaction (see PgStore), so PostgreSQL delivers an event to every node
// exactly when, and only if, the transaction commits. When the connection drops, the
// thread reconnects with back-off; events sent meanwhile are not replayed: the
// subscribers get {"type":"resync"} instead (pushes are hints; a screen refetches what
// it shows).
#pragma once

#include <atomic>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace comptoir::pg {

inline constexpr const char* kEventsChannel = "comptoir_events";
inline constexpr const char* kResyncEvent = R"({"type":"resync"})";

class PgListener {
 public:
  explicit PgListener(std::string url) : url_(std::move(url)) {}
  ~PgListener() { Stop(); }
  PgListener(const PgListener&) = delete;
  PgListener& operator=(const PgListener&) = delete;

  // Adds a subscriber; the first one starts the listening thread.
  void Subscribe(std::function<void(const std::string&)> fn);
  void Stop();

 private:
  void Loop();
  void Dispatch(const std::string& payload);

  std::string url_;
  std::mutex mu_;
  std::vector<std::function<void(const std::string&)>> subscribers_;
  std::atomic<bool> stopping_{false};
  int wake_fd_[2] = {-1, -1};  // a pipe that interrupts poll() on Stop
  std::thread thread_;
};

}  // namespace comptoir::pg
