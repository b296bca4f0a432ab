// WebSocket connections for the layer above the transport. A GET with
// "Upgrade: websocket" goes to the application's UpgradeHandler (on a worker thread, like
// any handler), which refuses with an ordinary Response or accepts with a WebSocketAccept;
// the server then does the handshake, framing, pings, limits and closing, and reports the
// connection's events to the accepted callbacks. Messages are UTF-8 text.
// Thread safety: a WebSocketConnection may be used from any thread. The callbacks of one
// connection run on the worker pool one at a time, in order: on_open, each on_message,
// on_close (on_close runs exactly once, and only when on_open ran).
#pragma once

#include <any>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <variant>

#include "comptoir/http/message.hpp"

namespace comptoir::http {

// Close codes (RFC 6455 §7.4.1). Applications may also use 4000–4999.
enum WebSocketCloseCode : std::uint16_t {
  kCloseNormal = 1000,
  kCloseGoingAway = 1001,        // the server stops
  kCloseUnsupportedData = 1003,  // a binary message arrived
  kClosePolicyViolation = 1008,  // the client does not read what it is sent
  kCloseMessageTooBig = 1009,    // an incoming message over max_message_bytes
  kCloseInternalError = 1011,    // a callback threw
};

struct WebSocketOptions {
  // Incoming messages larger than this close the connection with 1009.
  std::size_t max_message_bytes = 64 * 1024;
  // Outgoing backlog per connection (queued and being written). A Send that would go
  // over either bound is refused and closes the connection with 1008: a client that
  // does not read cannot make the server hold more.
  std::size_t max_queued_bytes = 1024 * 1024;
  std::size_t max_queued_messages = 1000;
  // The server pings after this much time; a client that sends nothing (not even the
  // pong) during the following interval is disconnected.
  std::chrono::seconds ping_interval{30};
  // Time limit for the closing handshake (and for writing the 101 response); after it
  // the TCP connection is closed.
  std::chrono::seconds close_timeout{5};
};

// One open WebSocket. Owned by shared_ptr: the server holds it while the connection
// lives, the application may keep it (e.g. in a subscription list) and should drop it in
// on_close. Once the connection has ended, Send() returns false and Close() does nothing.
class WebSocketConnection {
 public:
  virtual ~WebSocketConnection();
  WebSocketConnection(const WebSocketConnection&) = delete;
  WebSocketConnection& operator=(const WebSocketConnection&) = delete;

  // Unique among the connections of one server run (1, 2, …).
  std::uint64_t id() const { return id_; }
  const std::string& remote_address() const { return remote_address_; }
  const std::string& request_id() const { return request_id_; }  // of the upgrade request

  // Queues a text message; writes happen in Send order. Returns false when it was not
  // queued: the connection is closing or closed, or the outgoing backlog would exceed
  // WebSocketOptions::max_queued_bytes / max_queued_messages, in which case the
  // connection is also closed with kClosePolicyViolation.
  bool Send(std::string text);
  // The same for a message shared by many connections (a broadcast is copied once).
  // A null pointer is refused (false).
  bool Send(std::shared_ptr<const std::string> text);
  // Starts the closing handshake after the messages already queued; the client's answer
  // (or WebSocketOptions::close_timeout) ends the connection and on_close runs. Calls
  // after the first do nothing. `reason` is cut to the 123 bytes a close frame can carry.
  void Close(std::uint16_t code = kCloseNormal, std::string_view reason = {});
  // False once closing has begun, from either side.
  bool is_open() const;

  // The application's data about this connection (who is connected, subscriptions…).
  // Starts as WebSocketAccept::user_data. Thread-safe; UserData() returns a copy.
  void SetUserData(std::any data);
  std::any UserData() const;

 protected:
  WebSocketConnection(std::uint64_t id, std::string remote_address, std::string request_id,
                      std::any user_data);

 private:
  virtual bool DoSend(std::shared_ptr<const std::string> text) = 0;
  virtual void DoClose(std::uint16_t code, std::string reason) = 0;
  virtual bool IsOpen() const = 0;

  const std::uint64_t id_;
  const std::string remote_address_;
  const std::string request_id_;
  mutable std::mutex user_data_mu_;
  std::any user_data_;  // guarded by user_data_mu_
};

using WebSocketPtr = std::shared_ptr<WebSocketConnection>;

// An UpgradeHandler's acceptance. Every callback is optional. They run on a worker
// thread (see the top of this file) and may block it briefly; they may call Send() and
// Close() on any connection, but never Server::Stop(). A callback that throws is logged
// and the connection is closed with kCloseInternalError.
struct WebSocketAccept {
  std::function<void(const WebSocketPtr& conn)> on_open;
  std::function<void(const WebSocketPtr& conn, std::string text)> on_message;
  std::function<void(const WebSocketPtr& conn)> on_close;
  std::any user_data;       // the connection's initial UserData()
  std::string subprotocol;  // echoed in Sec-WebSocket-Protocol when not empty
};

// A Response refuses the upgrade (sent as an ordinary response; the connection stays
// open for further requests unless the response or the request says close).
using UpgradeResult = std::variant<Response, WebSocketAccept>;

// Called on a worker thread with a complete upgrade request whose handshake headers are
// valid (Host, Sec-WebSocket-Key, Sec-WebSocket-Version 13; otherwise the server answers
// 400 or 426 itself). An exception is answered with 500, as for a Handler.
using UpgradeHandler = std::function<UpgradeResult(Request&)>;

}  // namespace comptoir::http
