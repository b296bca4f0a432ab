// What the HTTP server shares with its connections: the options, the I/O context and
// worker pool, and the registry of open connections (HTTP sessions and WebSockets alike)
// that max_connections counts and Stop() drains. Private to the http module.
#pragma once

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "comptoir/http/message.hpp"
#include "comptoir/http/server.hpp"
#include "comptoir/http/websocket.hpp"

namespace comptoir::http {

namespace net = boost::asio;
using tcp = net::ip::tcp;
using Strand = net::strand<net::io_context::executor_type>;
using Socket = tcp::socket::rebind_executor<Strand>::other;
using Timer = net::steady_timer::rebind_executor<Strand>::other;

// An open connection as the server sees it. Drain() and ForceClose() run on strand().
class Connection {
 public:
  virtual ~Connection() = default;
  virtual const Strand& strand() const = 0;
  // Stop() began: finish what is in progress, then close.
  virtual void Drain() = 0;
  // The drain time is over: close now.
  virtual void ForceClose() = 0;
  // Called by Stop() once the I/O threads have ended, before the I/O context is
  // destroyed: nothing from outside (an application's WebSocket Send) may post to it
  // any more.
  virtual void Detach() {}
};

struct ServerState {
  ServerState(ServerOptions o, Handler h, ErrorRenderer r);

  // Renders a transport error through the API's renderer; never throws.
  Response RenderError(unsigned status, std::string_view message) const;

  void DoAccept();
  void OnAccept(const boost::system::error_code& ec, Socket socket);
  void Reject(Socket& socket);
  void Register(const std::shared_ptr<Connection>& c);
  void Unregister(Connection* c);
  std::vector<std::shared_ptr<Connection>> Snapshot();
  // A WebSocket has started / has ended (its on_close, if any, is with the workers).
  void WebSocketStarted();
  void WebSocketEnded();

  ServerOptions options;
  Handler handler;
  ErrorRenderer renderer;
  std::chrono::seconds timer_step{1};

  // Declared before everything that holds I/O objects; reset explicitly in Stop().
  std::unique_ptr<net::io_context> ioc;
  std::optional<net::executor_work_guard<net::io_context::executor_type>> work;
  std::unique_ptr<net::thread_pool> workers;
  std::optional<tcp::acceptor> acceptor;
  std::optional<net::steady_timer> accept_retry;
  std::vector<std::thread> io_threads;
  std::uint16_t bound_port = 0;
  bool started = false;
  bool stopped = false;

  std::atomic<bool> draining{false};
  std::atomic<std::size_t> connections{0};
  std::atomic<std::uint64_t> last_websocket_id{0};
  std::mutex mu;
  std::condition_variable cv;
  std::unordered_map<Connection*, std::weak_ptr<Connection>> sessions;  // guarded by mu
  std::size_t websockets_live = 0;                                      // guarded by mu
};

// Whether `req` asks for a WebSocket: GET, HTTP/1.1, "Upgrade: websocket" and
// "Connection: upgrade" (tokens, case-insensitive).
bool IsWebSocketUpgrade(const Request& req, int version);

// For an upgrade request: 0 when its handshake headers are usable; else the status to
// answer (400, or 426 for a Sec-WebSocket-Version other than 13) and why.
struct HandshakeCheck {
  unsigned status = 0;
  std::string_view message;
};
HandshakeCheck CheckWebSocketHandshake(const Request& req);

// Takes over an upgraded connection (called on its strand, with nothing read past the
// request): writes the 101 response, then runs the WebSocket until it closes.
void StartWebSocket(ServerState& srv, Socket socket, std::string remote_address, Request req,
                    WebSocketAccept accept);

}  // namespace comptoir::http
