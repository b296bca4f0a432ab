// Server: the HTTP/1.1 listener on Boost.Beast/Asio. I/O threads read and write;
// every handler call runs on a separate worker pool, never on an I/O thread.
// Start() binds and returns; Stop() stops accepting, lets in-flight requests finish
// (up to drain_timeout), closes open WebSockets with 1001, and joins every thread.
// Start/Stop from one thread only, never from a handler or a WebSocket callback.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "comptoir/common/status.hpp"
#include "comptoir/http/message.hpp"
#include "comptoir/http/websocket.hpp"

namespace comptoir::http {

struct ServerOptions {
  std::string address = "127.0.0.1";
  std::uint16_t port = 8080;  // 0 = any free port; see Server::port()
  std::size_t io_threads = 1;
  std::size_t worker_threads = 16;
  std::size_t header_limit = 16 * 1024;       // → 431 when exceeded
  std::size_t body_limit = 10 * 1024 * 1024;  // → 413 when exceeded
  // When set, gives the body limit of a request from its normalised path (uploads take
  // more than JSON); body_limit applies otherwise.
  std::function<std::size_t(std::string_view path)> body_limit_for;
  // A request's header and body must arrive within this time (slow clients) → 408/close.
  std::chrono::seconds read_timeout{30};
  std::chrono::seconds idle_timeout{75};  // keep-alive connection with no request
  std::size_t pipeline_limit = 16;        // queued requests per connection
  std::size_t max_connections = 10000;
  std::chrono::seconds drain_timeout{10};
  bool access_log = true;  // one JSON line per request (and per WebSocket when it closes)
  // When set, a GET with "Upgrade: websocket" goes here instead of to the Handler (see
  // websocket.hpp); when not set, such a request is an ordinary request. WebSockets count
  // towards max_connections.
  UpgradeHandler upgrade_handler;
  WebSocketOptions websocket;
};

// Called on a worker thread for every complete request.
using Handler = std::function<Response(Request&)>;
// Renders a transport-level error (400, 408, 413, 431, 500, 503) in the API's shape.
using ErrorRenderer = std::function<Response(unsigned status, std::string_view message)>;

class Server {
 public:
  Server(ServerOptions options, Handler handler, ErrorRenderer error_renderer);
  ~Server();  // calls Stop()
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds and starts the threads. kUnavailable when the address is in use.
  Status Start();
  // The bound port (useful with port 0).
  std::uint16_t port() const;
  void Stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace comptoir::http
