// WebSockets after the upgrade. A WebSocketSession owns the Beast stream and lives on the
// connection's strand: it writes the 101 response, reads messages and hands each one to
// the worker pool through a per-connection strand (so callbacks run in order, one at a
// time), writes the queued messages one at a time, and closes. The application holds a
// WebSocketHandle, which only refers to the session weakly: a handle kept after the
// connection ended, or after Server::Stop(), is inert.
#include "comptoir/http/websocket.hpp"

#include <boost/asio/post.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/stream_traits.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/websocket/stream.hpp>

#include <algorithm>
#include <deque>
#include <exception>
#include <utility>

#include "comptoir/common/log.hpp"
#include "server_state.hpp"

namespace comptoir::http {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace websocket = boost::beast::websocket;
using error_code = boost::system::error_code;
using SteadyClock = std::chrono::steady_clock;

// ----- WebSocketConnection -----

WebSocketConnection::WebSocketConnection(std::uint64_t id, std::string remote_address,
                                         std::string request_id, std::any user_data)
    : id_(id),
      remote_address_(std::move(remote_address)),
      request_id_(std::move(request_id)),
      user_data_(std::move(user_data)) {}

WebSocketConnection::~WebSocketConnection() = default;

bool WebSocketConnection::Send(std::string text) {
  return DoSend(std::make_shared<const std::string>(std::move(text)));
}

bool WebSocketConnection::Send(std::shared_ptr<const std::string> text) {
  if (!text) return false;
  return DoSend(std::move(text));
}

void WebSocketConnection::Close(std::uint16_t code, std::string_view reason) {
  constexpr std::size_t kMaxReason = 123;  // 125 bytes of payload minus the code
  DoClose(code, std::string(reason.substr(0, std::min(reason.size(), kMaxReason))));
}

bool WebSocketConnection::is_open() const { return IsOpen(); }

void WebSocketConnection::SetUserData(std::any data) {
  std::lock_guard lock(user_data_mu_);
  user_data_ = std::move(data);
}

std::any WebSocketConnection::UserData() const {
  std::lock_guard lock(user_data_mu_);
  return user_data_;
}

// ----- handshake checks -----

namespace {

// Whether the comma-separated header values of `name` contain `token` (case-insensitive).
bool HeaderHasToken(const Request& req, std::string_view name, std::string_view token) {
  for (const auto& [n, v] : req.headers) {
    if (!IEquals(n, name)) continue;
    std::string_view list = v;
    while (!list.empty()) {
      std::size_t comma = list.find(',');
      std::string_view item = list.substr(0, comma);
      list = comma == std::string_view::npos ? std::string_view() : list.substr(comma + 1);
      while (!item.empty() && (item.front() == ' ' || item.front() == '\t')) item.remove_prefix(1);
      while (!item.empty() && (item.back() == ' ' || item.back() == '\t')) item.remove_suffix(1);
      if (IEquals(item, token)) return true;
    }
  }
  return false;
}

bool HasHeader(const Request& req, std::string_view name) {
  return std::any_of(req.headers.begin(), req.headers.end(),
                     [&](const auto& h) { return IEquals(h.first, name); });
}

// RFC 6455 §7.4: the codes an endpoint may send.
std::uint16_t SendableCloseCode(std::uint16_t code) {
  bool ok = (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) ||
            (code >= 3000 && code <= 4999);
  return ok ? code : static_cast<std::uint16_t>(kCloseNormal);
}

}  // namespace

bool IsWebSocketUpgrade(const Request& req, int version) {
  return version == 11 && req.method == "GET" && HeaderHasToken(req, "Upgrade", "websocket") &&
         HeaderHasToken(req, "Connection", "upgrade");
}

HandshakeCheck CheckWebSocketHandshake(const Request& req) {
  if (!HasHeader(req, "Host")) return {400, "Missing Host header."};
  std::string_view key = req.Header("Sec-WebSocket-Key");
  // A key is 16 random bytes in base64 (24 characters); Beast accepts up to 24.
  if (key.empty() || key.size() > 24) return {400, "Missing or invalid Sec-WebSocket-Key."};
  if (!HasHeader(req, "Sec-WebSocket-Version")) return {400, "Missing Sec-WebSocket-Version."};
  if (req.Header("Sec-WebSocket-Version") != "13") {
    return {426, "Unsupported WebSocket version: use 13."};
  }
  return {};
}

// ----- the session -----

namespace {

class WebSocketSession;

// What the application holds. Send() and Close() post to the session's strand; the
// outgoing backlog is counted here, before posting, so that a producer outpacing the
// client meets the bound at once rather than after the posts pile up.
class WebSocketHandle final : public WebSocketConnection {
 public:
  WebSocketHandle(std::uint64_t id, std::string remote_address, std::string request_id,
                  std::any user_data, const WebSocketOptions& options)
      : WebSocketConnection(id, std::move(remote_address), std::move(request_id),
                            std::move(user_data)),
        max_bytes_(options.max_queued_bytes),
        max_messages_(options.max_queued_messages) {}

  void Attach(std::weak_ptr<WebSocketSession> session) {
    std::lock_guard lock(mu_);
    session_ = std::move(session);
  }

  void Detach() {
    std::lock_guard lock(mu_);
    open_.store(false);
    session_.reset();
  }

  void MarkClosing() { open_.store(false); }

  // A queued message was written or dropped.
  void Release(std::size_t bytes) {
    queued_bytes_.fetch_sub(bytes);
    queued_messages_.fetch_sub(1);
  }

 private:
  bool DoSend(std::shared_ptr<const std::string> text) override;
  void DoClose(std::uint16_t code, std::string reason) override;
  bool IsOpen() const override { return open_.load(); }

  // Posts fn(session) to the session's strand; false when the session is gone.
  template <typename Fn>
  bool Post(Fn fn);

  const std::size_t max_bytes_;
  const std::size_t max_messages_;
  std::atomic<bool> open_{true};
  std::atomic<std::size_t> queued_bytes_{0};
  std::atomic<std::size_t> queued_messages_{0};
  std::mutex mu_;
  std::weak_ptr<WebSocketSession> session_;  // guarded by mu_
};

using WorkerStrand = net::strand<net::thread_pool::executor_type>;

// At most this many received messages wait for on_message; reading pauses beyond.
constexpr std::size_t kMaxPendingIncoming = 16;

class WebSocketSession final : public Connection,
                               public std::enable_shared_from_this<WebSocketSession> {
 public:
  WebSocketSession(ServerState& srv, Socket socket, std::string remote_address, Request req,
                   WebSocketAccept accept)
      : srv_(srv),
        options_(srv.options.websocket),
        strand_(socket.get_executor()),
        ws_(std::move(socket)),
        close_timer_(strand_),
        workers_(net::make_strand(srv.workers->get_executor())),
        path_(req.path),
        subprotocol_(std::move(accept.subprotocol)) {
    handle_ = std::make_shared<WebSocketHandle>(srv.last_websocket_id.fetch_add(1) + 1,
                                                std::move(remote_address), req.request_id,
                                                std::move(accept.user_data), options_);
    callbacks_ =
        std::make_shared<const WebSocketAccept>(WebSocketAccept{std::move(accept.on_open),
                                                                std::move(accept.on_message),
                                                                std::move(accept.on_close),
                                                                {},
                                                                {}});
    upgrade_.method_string(req.method);
    upgrade_.target(req.target);
    upgrade_.version(11);
    for (const auto& [name, value] : req.headers) upgrade_.insert(name, value);
    srv_.WebSocketStarted();
  }

  ~WebSocketSession() override {
    if (!finished_) srv_.WebSocketEnded();
    srv_.Unregister(this);
  }

  const Strand& strand() const override { return strand_; }

  // On the strand, once registered.
  void Start() {
    handle_->Attach(weak_from_this());
    if (srv_.draining.load()) {  // Stop() began while the upgrade was on its way
      Finish();
      return;
    }
    auto timeouts = websocket::stream_base::timeout::suggested(beast::role_type::server);
    timeouts.handshake_timeout = options_.close_timeout;
    timeouts.idle_timeout = 2 * options_.ping_interval;  // a ping at half of it
    timeouts.keep_alive_pings = true;
    ws_.set_option(timeouts);
    ws_.set_option(websocket::stream_base::decorator(
        [subprotocol = subprotocol_](websocket::response_type& res) {
          res.set(bhttp::field::server, "Comptoir");
          if (!subprotocol.empty()) res.set(bhttp::field::sec_websocket_protocol, subprotocol);
        }));
    ws_.read_message_max(options_.max_message_bytes);
    ws_.auto_fragment(false);
    ws_.text(true);
    ws_.async_accept(upgrade_,
                     [self = shared_from_this()](const error_code& ec) { self->OnHandshake(ec); });
  }

  void Drain() override { StartClose(kCloseGoingAway, "The server is shutting down.", false); }
  void ForceClose() override { Finish(); }
  void Detach() override { handle_->Detach(); }

  // ----- called through the handle, on the strand -----

  void Enqueue(std::shared_ptr<const std::string> text) {
    if (finished_ || close_started_) {
      handle_->Release(text->size());
      return;
    }
    queue_.push_back(std::move(text));
    WriteNext();
  }

  // Closes with `code`: after the queued messages when `flush`, else dropping them.
  void StartClose(std::uint16_t code, std::string reason, bool flush) {
    if (finished_ || close_started_) return;
    if (!accepted_) {  // no handshake yet: nobody to say goodbye to
      Finish();
      return;
    }
    close_started_ = true;
    handle_->MarkClosing();
    close_code_ = code;
    close_reason_ = std::move(reason);
    end_code_ = code;
    if (!flush) DropQueued();
    // A client that reads nothing would hold the close frame behind its unread messages.
    close_timer_.expires_after(options_.close_timeout);
    close_timer_.async_wait([self = shared_from_this()](const error_code& ec) {
      if (!ec) self->Finish();
    });
    WriteNext();  // the close frame goes once nothing is left to write
  }

 private:
  void OnHandshake(const error_code& ec) {
    upgrade_ = {};
    if (finished_) return;
    if (ec) {
      Finish();
      return;
    }
    accepted_ = true;
    opened_ = true;
    opened_at_ = SteadyClock::now();
    net::post(workers_, [conn = WebSocketPtr(handle_), cb = callbacks_] {
      Invoke("on_open", conn, [&] {
        if (cb->on_open) cb->on_open(conn);
      });
    });
    DoRead();
  }

  // Runs a callback on a worker thread; an exception closes the connection.
  template <typename Fn>
  static void Invoke(std::string_view callback, const WebSocketPtr& conn, Fn&& fn) {
    try {
      fn();
    } catch (const std::exception& e) {
      log::Error("websocket callback threw",
                 {{"callback", callback}, {"request_id", conn->request_id()}, {"error", e.what()}});
      conn->Close(kCloseInternalError, "Internal error");
    } catch (...) {
      log::Error("websocket callback threw",
                 {{"callback", callback}, {"request_id", conn->request_id()}});
      conn->Close(kCloseInternalError, "Internal error");
    }
  }

  // ----- reading -----

  void DoRead() {
    if (reading_ || finished_ || close_started_) return;
    if (incoming_pending_ >= kMaxPendingIncoming) {
      // Paused: no read holds the session now, and the workers' jobs only refer to it
      // weakly (a job left in the pool at Stop() must not own I/O objects).
      paused_ = shared_from_this();
      return;
    }
    reading_ = true;
    ws_.async_read(read_buffer_, [self = shared_from_this()](const error_code& ec, std::size_t) {
      self->OnRead(ec);
    });
  }

  void OnRead(const error_code& ec) {
    reading_ = false;
    if (finished_) return;
    if (ec) {
      if (ec == websocket::error::message_too_big) {
        end_code_ = kCloseMessageTooBig;  // Beast has sent the close frame
      } else if (ec == websocket::error::closed) {
        end_code_ = ws_.reason().code;
      }
      // Our own close ends in its handler (or at close_timeout).
      if (!close_in_flight_) Finish();
      return;
    }
    if (close_started_) {  // arrived after we began closing: dropped
      read_buffer_.consume(read_buffer_.size());
      return;
    }
    if (!ws_.got_text()) {
      read_buffer_.consume(read_buffer_.size());
      StartClose(kCloseUnsupportedData, "Only text messages are accepted.", false);
      return;
    }
    std::string text = beast::buffers_to_string(read_buffer_.data());
    read_buffer_.consume(read_buffer_.size());
    ++messages_in_;
    ++incoming_pending_;
    net::post(workers_, [conn = WebSocketPtr(handle_), cb = callbacks_, text = std::move(text),
                         weak = weak_from_this()]() mutable {
      Invoke("on_message", conn, [&] {
        if (cb->on_message) cb->on_message(conn, std::move(text));
      });
      if (auto self = weak.lock()) {
        const Strand strand = self->strand_;
        net::post(strand, [self = std::move(self)] { self->OnMessageHandled(); });
      }
    });
    DoRead();
  }

  void OnMessageHandled() {
    --incoming_pending_;
    auto resumed = std::move(paused_);  // the caller's reference keeps us alive meanwhile
    DoRead();
  }

  // ----- writing -----

  void WriteNext() {
    if (writing_ || finished_ || !accepted_) return;
    if (queue_.empty()) {
      if (close_started_ && !close_in_flight_ && !close_sent_) SendClose();
      return;
    }
    writing_ = true;
    ws_.async_write(
        net::buffer(*queue_.front()),
        [self = shared_from_this()](const error_code& ec, std::size_t) { self->OnWrite(ec); });
  }

  void OnWrite(const error_code& ec) {
    writing_ = false;
    if (!queue_.empty()) {  // the message just written (kept alive until now)
      handle_->Release(queue_.front()->size());
      queue_.pop_front();
    }
    if (finished_) return;
    if (ec) {
      Finish();
      return;
    }
    ++messages_out_;
    WriteNext();
  }

  // Drops the messages not yet being written.
  void DropQueued() {
    std::size_t keep = writing_ ? 1 : 0;
    while (queue_.size() > keep) {
      handle_->Release(queue_.back()->size());
      queue_.pop_back();
    }
  }

  void SendClose() {
    close_sent_ = true;
    close_in_flight_ = true;
    ws_.async_close(
        websocket::close_reason(static_cast<websocket::close_code>(SendableCloseCode(close_code_)),
                                close_reason_),
        [self = shared_from_this()](const error_code&) {
          self->close_in_flight_ = false;
          self->Finish();
        });
  }

  // The end, from any path: the socket is closed, on_close goes to the workers.
  void Finish() {
    if (finished_) return;
    finished_ = true;
    auto unpaused = std::move(paused_);  // released on return (callers hold a reference)
    handle_->MarkClosing();
    DropQueued();
    close_timer_.cancel();
    error_code ignored;
    auto& socket = beast::get_lowest_layer(ws_);
    socket.shutdown(tcp::socket::shutdown_both, ignored);
    socket.close(ignored);
    if (opened_) {
      net::post(workers_, [conn = WebSocketPtr(handle_), cb = callbacks_] {
        Invoke("on_close", conn, [&] {
          if (cb->on_close) cb->on_close(conn);
        });
      });
      if (srv_.options.access_log) {
        auto ms =
            std::chrono::duration_cast<std::chrono::milliseconds>(SteadyClock::now() - opened_at_);
        log::Info("websocket closed", {{"request_id", handle_->request_id()},
                                       {"connection_id", handle_->id()},
                                       {"path", path_},
                                       {"code", static_cast<unsigned>(end_code_)},
                                       {"messages_in", messages_in_},
                                       {"messages_out", messages_out_},
                                       {"duration_ms", static_cast<std::int64_t>(ms.count())},
                                       {"remote", handle_->remote_address()}});
      }
    }
    srv_.WebSocketEnded();
  }

  ServerState& srv_;
  const WebSocketOptions& options_;
  const Strand strand_;
  websocket::stream<Socket> ws_;
  Timer close_timer_;
  WorkerStrand workers_;
  std::shared_ptr<WebSocketHandle> handle_;
  std::shared_ptr<const WebSocketAccept> callbacks_;  // the callbacks only
  bhttp::request<bhttp::empty_body> upgrade_;         // until the handshake is done
  std::string path_;
  std::string subprotocol_;

  beast::flat_buffer read_buffer_;
  std::deque<std::shared_ptr<const std::string>> queue_;  // front is being written
  std::size_t incoming_pending_ = 0;                      // messages with the workers
  std::shared_ptr<WebSocketSession> paused_;  // self, while reading waits for the workers
  std::uint64_t messages_in_ = 0;
  std::uint64_t messages_out_ = 0;
  SteadyClock::time_point opened_at_;

  bool accepted_ = false;  // handshake done
  bool opened_ = false;    // on_open posted: on_close is owed
  bool reading_ = false;
  bool writing_ = false;
  bool close_started_ = false;
  bool close_sent_ = false;
  bool close_in_flight_ = false;
  bool finished_ = false;
  std::uint16_t close_code_ = kCloseNormal;
  std::string close_reason_;
  std::uint16_t end_code_ = 1006;  // for the log: "closed abnormally" unless known
};

template <typename Fn>
bool WebSocketHandle::Post(Fn fn) {
  std::lock_guard lock(mu_);
  std::shared_ptr<WebSocketSession> session = session_.lock();
  if (!session) return false;
  // The strand is copied first: the lambda takes the only strong reference with it.
  const Strand strand = session->strand();
  net::post(strand, [session = std::move(session), fn = std::move(fn)]() mutable { fn(*session); });
  return true;
}

bool WebSocketHandle::DoSend(std::shared_ptr<const std::string> text) {
  if (!open_.load()) return false;
  const std::size_t size = text->size();
  const std::size_t messages = queued_messages_.fetch_add(1) + 1;
  const std::size_t bytes = queued_bytes_.fetch_add(size) + size;
  if (messages > max_messages_ || bytes > max_bytes_) {
    Release(size);
    log::Warn("websocket client too slow", {{"request_id", request_id()},
                                            {"connection_id", id()},
                                            {"queued_messages", messages - 1},
                                            {"queued_bytes", bytes - size}});
    if (open_.exchange(false)) {
      Post([](WebSocketSession& s) {
        s.StartClose(kClosePolicyViolation, "The client does not read its messages.", false);
      });
    }
    return false;
  }
  bool posted =
      Post([text = std::move(text)](WebSocketSession& s) mutable { s.Enqueue(std::move(text)); });
  if (!posted) Release(size);
  return posted;
}

void WebSocketHandle::DoClose(std::uint16_t code, std::string reason) {
  if (!open_.exchange(false)) return;
  Post([code, reason = std::move(reason)](WebSocketSession& s) mutable {
    s.StartClose(code, std::move(reason), true);
  });
}

}  // namespace

void StartWebSocket(ServerState& srv, Socket socket, std::string remote_address, Request req,
                    WebSocketAccept accept) {
  auto session = std::make_shared<WebSocketSession>(
      srv, std::move(socket), std::move(remote_address), std::move(req), std::move(accept));
  srv.Register(session);
  session->Start();
}

}  // namespace comptoir::http
