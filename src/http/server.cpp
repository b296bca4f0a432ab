// The HTTP/1.1 transport. One Session per connection lives on its own strand of the
// I/O context: it parses requests with a Beast basic_parser straight into Request
// values, hands each one to the worker pool, and writes the responses back in request
// order. A per-session ring of response slots bounds pipelining; reading stops while
// the ring is full. One lazy timer per session enforces the idle, read and write
// deadlines without re-arming on every request. A WebSocket upgrade request pauses
// reading; once accepted and every earlier response is written, the socket moves to a
// WebSocketSession (websocket.cpp).
#include "comptoir/http/server.hpp"

#include <boost/asio/bind_executor.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/basic_parser.hpp>
#include <boost/beast/http/error.hpp>

#include <algorithm>
#include <array>
#include <cassert>
#include <optional>
#include <variant>

#include "comptoir/common/log.hpp"
#include "server_state.hpp"
#include "target.hpp"
#include "wire.hpp"

namespace comptoir::http {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using SteadyClock = std::chrono::steady_clock;
using error_code = boost::system::error_code;

namespace {

constexpr std::size_t kReadChunk = 16 * 1024;
constexpr std::size_t kInlineBodyMax = 8 * 1024;  // smaller bodies are copied after the head
// After an error answer the rest of the request is read and dropped (bounded by time too),
// so that a client still sending a large body reads the answer instead of a reset.
constexpr std::size_t kLingerMaxBytes = 64 * 1024 * 1024;
constexpr SteadyClock::time_point kNever = SteadyClock::time_point::max();

// Parses one request straight into a Request (no intermediate Beast message).
class RequestParser final : public bhttp::basic_parser<true> {
 public:
  Request req;
  int version = 11;
  bool expect_continue = false;
  bool continue_sent = false;
  std::string target_error;  // why the target was rejected
  // Chooses the body limit once the path is known (e.g. larger for uploads).
  const std::function<std::size_t(std::string_view)>* body_limit_for = nullptr;

 private:
  void on_request_impl(bhttp::verb, beast::string_view method, beast::string_view target, int v,
                       error_code& ec) override {
    req.method.assign(method.data(), method.size());
    req.target.assign(target.data(), target.size());
    version = v;
    Status st = ParseTarget(req.target, req);
    if (!st.ok()) {
      target_error = st.message();
      ec = bhttp::error::bad_target;
      return;
    }
    if (body_limit_for != nullptr && *body_limit_for) {
      body_limit(static_cast<std::uint64_t>((*body_limit_for)(req.path)));
    }
  }
  void on_response_impl(int, beast::string_view, int, error_code&) override {}
  void on_field_impl(bhttp::field f, beast::string_view name, beast::string_view value,
                     error_code&) override {
    if (req.headers.empty()) req.headers.reserve(16);
    auto& [n, v] = req.headers.emplace_back();
    n.assign(name.data(), name.size());
    v.assign(value.data(), value.size());
    if (f == bhttp::field::expect && IEquals(v, "100-continue")) {
      expect_continue = true;
    } else if (req.request_id.empty() && IEquals(n, "X-Request-Id") && ValidRequestId(v)) {
      req.request_id = v;
    }
  }
  void on_header_impl(error_code&) override {}
  void on_body_init_impl(const boost::optional<std::uint64_t>& length, error_code&) override {
    // Beast has already checked the length against body_limit.
    if (length) req.body.reserve(static_cast<std::size_t>(*length));
  }
  std::size_t on_body_impl(beast::string_view body, error_code&) override {
    req.body.append(body.data(), body.size());
    return body.size();
  }
  void on_chunk_header_impl(std::uint64_t, beast::string_view, error_code&) override {}
  std::size_t on_chunk_body_impl(std::uint64_t, beast::string_view body, error_code&) override {
    req.body.append(body.data(), body.size());
    return body.size();
  }
  void on_finish_impl(error_code&) override {}
};

std::chrono::seconds AtLeastOneSecond(std::chrono::seconds s) {
  return std::max(s, std::chrono::seconds(1));
}

// A finished response, serialised on the worker thread and handed to the session.
struct Rendered {
  std::string head;  // status line + headers (+ the body when small)
  std::string body;  // the body when large (sent without copying)
  bool close = false;
};

// An accepted upgrade waiting for the earlier responses to be written.
struct PendingUpgrade {
  Request req;
  WebSocketAccept accept;
};

}  // namespace

ServerState::ServerState(ServerOptions o, Handler h, ErrorRenderer r)
    : options(std::move(o)), handler(std::move(h)), renderer(std::move(r)) {
  options.read_timeout = AtLeastOneSecond(options.read_timeout);
  options.idle_timeout = AtLeastOneSecond(options.idle_timeout);
  options.pipeline_limit = std::max<std::size_t>(options.pipeline_limit, 1);
  options.io_threads = std::max<std::size_t>(options.io_threads, 1);
  options.worker_threads = std::max<std::size_t>(options.worker_threads, 1);
  options.header_limit = std::clamp<std::size_t>(options.header_limit, 256, 1u << 30);
  timer_step = std::min(options.read_timeout, options.idle_timeout);
  WebSocketOptions& ws = options.websocket;
  ws.max_message_bytes = std::max<std::size_t>(ws.max_message_bytes, 1);  // 0 is "no limit"
  ws.max_queued_bytes = std::max<std::size_t>(ws.max_queued_bytes, 1);
  ws.max_queued_messages = std::max<std::size_t>(ws.max_queued_messages, 1);
  ws.ping_interval = AtLeastOneSecond(ws.ping_interval);
  ws.close_timeout = AtLeastOneSecond(ws.close_timeout);
}

Response ServerState::RenderError(unsigned status, std::string_view message) const {
  Response res;
  try {
    res = renderer ? renderer(status, message) : Response{};
    if (!renderer) {
      res.content_type = "text/plain; charset=utf-8";
      res.body = std::string(message);
    }
  } catch (const std::exception& e) {
    log::Error("http error renderer threw", {{"error", e.what()}});
    res = Response{};
    res.content_type = "text/plain; charset=utf-8";
    res.body = std::string(message);
  }
  res.status = status;
  if (status == 503 && std::none_of(res.headers.begin(), res.headers.end(), [](const auto& h) {
        return IEquals(h.first, "Retry-After");
      })) {
    res.Header("Retry-After", "1");
  }
  return res;
}

class Session final : public Connection, public std::enable_shared_from_this<Session> {
 public:
  Session(ServerState& srv, Socket socket)
      : srv_(srv),
        strand_(socket.get_executor()),
        socket_(std::move(socket)),
        timer_(strand_),
        buffer_(srv.options.header_limit + kReadChunk),
        ring_(srv.options.pipeline_limit + 2) {
    error_code ec;
    auto ep = socket_.remote_endpoint(ec);
    if (!ec) {
      auto addr = ep.address();
      if (addr.is_v6() && addr.to_v6().is_v4_mapped()) {
        addr = net::ip::make_address_v4(net::ip::v4_mapped, addr.to_v6());
      }
      remote_ = addr.to_string();
    }
  }

  ~Session() override { srv_.Unregister(this); }

  const Strand& strand() const override { return strand_; }

  void Start() {
    if (srv_.draining.load()) {  // accepted just as Stop() began
      Close();
      return;
    }
    NewRequest();
    ReadLoop();
  }

  // Stop() began: close now if idle, else finish the work in progress and close.
  void Drain() override {
    if (closed_) return;
    if (lingering_ || (ring_count_ == 0 && !writing_ && !request_started_)) Close();
  }

  void ForceClose() override { Close(); }

 private:
  struct Slot {
    std::string head;
    std::string body;
    bool ready = false;
    bool close = false;
    bool head_only = false;  // a HEAD request: the body is not sent
    bool error = false;      // a transport error: the client may still be sending
    bool upgrade = false;    // a WebSocket upgrade request: reading waits for its answer
    std::unique_ptr<PendingUpgrade> websocket;  // accepted: hand the socket over
  };

  // ----- reading -----

  void NewRequest() {
    parser_.emplace();
    parser_->header_limit(static_cast<std::uint32_t>(srv_.options.header_limit));
    parser_->body_limit(static_cast<std::uint64_t>(srv_.options.body_limit));
    parser_->body_limit_for = &srv_.options.body_limit_for;
    parser_->eager(true);
    request_started_ = buffer_.size() > 0;
    if (request_started_) {
      read_deadline_ = SteadyClock::now() + srv_.options.read_timeout;
    } else if (ring_count_ == 0 && !writing_) {
      // A fresh connection gets no longer than a request would to start sending.
      auto limit = first_request_ ? std::min(srv_.options.idle_timeout, srv_.options.read_timeout)
                                  : srv_.options.idle_timeout;
      read_deadline_ = SteadyClock::now() + limit;
    } else {
      read_deadline_ = kNever;  // the client is waiting for us, not idle
    }
  }

  void ReadLoop() {
    while (!read_closed_ && !closed_ && !upgrade_pending_) {
      if (!parser_) {
        // Backpressure: parse no further request while the ring is full; OnWrite resumes.
        if (ring_count_ >= srv_.options.pipeline_limit) return;
        NewRequest();
      }
      if (buffer_.size() > 0) {
        error_code ec;
        std::size_t n = parser_->put(buffer_.data(), ec);
        buffer_.consume(n);
        if (ec && ec != bhttp::error::need_more) {
          OnParseError(ec);
          return;
        }
        if (parser_->is_done()) {
          OnRequest();
          continue;
        }
        if (!ec && n > 0 && buffer_.size() > 0) continue;
        MaybeSendContinue();
      }
      StartRead();
      return;
    }
  }

  void StartRead() {
    if (reading_ || closed_) return;
    std::size_t room = buffer_.max_size() - buffer_.size();
    if (room == 0) {  // cannot happen: the parser reports header_limit first
      OnParseError(bhttp::error::header_limit);
      return;
    }
    reading_ = true;
    auto mb = buffer_.prepare(std::min(kReadChunk, room));
    socket_.async_read_some(mb, [self = shared_from_this()](const error_code& ec, std::size_t n) {
      self->OnRead(ec, n);
    });
    ArmTimer();
  }

  void OnRead(const error_code& ec, std::size_t n) {
    reading_ = false;
    if (closed_) return;
    if (lingering_) {
      linger_bytes_ += n;
      buffer_.consume(buffer_.size());
      if (ec || linger_bytes_ > kLingerMaxBytes) {
        Close();
      } else {
        StartRead();
      }
      return;
    }
    if (read_timed_out_) {  // even if the read raced the cancel and succeeded
      read_closed_ = true;
      PushError(408, "Request timeout: the request did not arrive in time.");
      DoWrite();
      return;
    }
    if (ec) {
      read_closed_ = true;
      parser_.reset();
      request_started_ = false;
      // A half-closed client still gets the responses to what it sent.
      if (ec == net::error::eof && (ring_count_ > 0 || writing_)) return;
      Close();
      return;
    }
    buffer_.commit(n);
    if (!request_started_) {
      request_started_ = true;
      read_deadline_ = SteadyClock::now() + srv_.options.read_timeout;
    }
    ReadLoop();
  }

  void MaybeSendContinue() {
    RequestParser& p = *parser_;
    if (!p.expect_continue || p.continue_sent || p.version < 11 || !p.is_header_done()) return;
    p.continue_sent = true;
    Slot& s = PushSlot();
    s.head = "HTTP/1.1 100 Continue\r\n\r\n";
    s.ready = true;
    DoWrite();
  }

  void OnRequest() {
    RequestParser& p = *parser_;
    bool keep_alive = p.keep_alive();
    int version = p.version;
    Request req = std::move(p.req);
    parser_.reset();
    request_started_ = false;
    first_request_ = false;
    if (req.request_id.empty()) req.request_id = NewRequestId();
    req.remote_address = remote_;
    bool head_only = req.method == "HEAD";
    bool upgrade = srv_.options.upgrade_handler && IsWebSocketUpgrade(req, version);
    if (!keep_alive) read_closed_ = true;

    std::uint64_t seq = first_seq_ + ring_count_;
    Slot& slot = PushSlot();
    slot.head_only = head_only;

    if (srv_.draining.load(std::memory_order_relaxed)) {
      read_closed_ = true;
      Response res = srv_.RenderError(503, "The server is shutting down.");
      LogAccess(req, res.status, res.body.size(), 0);
      FillError(slot, res, req.request_id);
      DoWrite();
      return;
    }

    if (upgrade) {
      OnUpgradeRequest(slot, seq, keep_alive, version, std::move(req));
      return;
    }

    auto job = [self = shared_from_this(), seq, keep_alive, version, head_only,
                req = std::move(req)]() mutable {
      self->RunHandler(seq, keep_alive, version, head_only, req);
    };
    net::post(srv_.workers->get_executor(), std::move(job));
  }

  // Checks the handshake headers, then asks the application on a worker thread. Nothing
  // more is read from the client until the answer: a refusal resumes reading, an
  // acceptance hands the socket over.
  void OnUpgradeRequest(Slot& slot, std::uint64_t seq, bool keep_alive, int version, Request req) {
    HandshakeCheck check = CheckWebSocketHandshake(req);
    if (check.status != 0) {
      read_closed_ = true;
      Response res = srv_.RenderError(check.status, check.message);
      if (check.status == 426) res.Header("Sec-WebSocket-Version", "13");
      LogAccess(req, res.status, res.body.size(), 0);
      FillError(slot, res, req.request_id);
      DoWrite();
      return;
    }
    slot.upgrade = true;
    upgrade_pending_ = true;
    auto job = [self = shared_from_this(), seq, keep_alive, version,
                req = std::move(req)]() mutable {
      self->RunUpgradeHandler(seq, keep_alive, version, req);
    };
    net::post(srv_.workers->get_executor(), std::move(job));
  }

  void OnParseError(const error_code& ec) {
    read_closed_ = true;
    unsigned status = 400;
    std::string_view message = "Malformed HTTP request.";
    std::string target_error;
    if (ec == bhttp::error::header_limit) {
      status = 431;
      message = "Request header fields too large.";
    } else if (ec == bhttp::error::body_limit) {
      status = 413;
      message = "Request body too large.";
    } else if (ec == bhttp::error::bad_target && parser_ && !parser_->target_error.empty()) {
      target_error = std::move(parser_->target_error);
      message = target_error;
    }
    Request req;
    if (parser_) req = std::move(parser_->req);
    parser_.reset();
    request_started_ = false;
    if (req.request_id.empty()) req.request_id = NewRequestId();
    req.remote_address = remote_;
    PushError(status, message, &req);
    DoWrite();
  }

  // Queues a transport error response that closes the connection.
  void PushError(unsigned status, std::string_view message, Request* req = nullptr) {
    Request fallback;
    if (!req) {
      if (parser_) fallback = std::move(parser_->req);
      parser_.reset();
      request_started_ = false;
      fallback.request_id = fallback.request_id.empty() ? NewRequestId() : fallback.request_id;
      fallback.remote_address = remote_;
      req = &fallback;
    }
    Response res = srv_.RenderError(status, message);
    LogAccess(*req, status, res.body.size(), 0);
    Slot& slot = PushSlot();
    FillError(slot, res, req->request_id);
  }

  void FillError(Slot& slot, Response& res, std::string_view request_id) {
    slot.head.clear();
    SerializeHead(res, request_id, HeadOptions{.close = true}, slot.head);
    if (!slot.head_only && BodyAllowed(res.status)) slot.body = std::move(res.body);
    slot.close = true;
    slot.error = true;
    slot.ready = true;
  }

  void LogAccess(const Request& req, unsigned status, std::size_t bytes,
                 std::int64_t duration_us) const {
    if (!srv_.options.access_log) return;
    log::Info("request", {{"request_id", req.request_id},
                          {"method", req.method},
                          {"path", req.path},
                          {"status", status},
                          {"bytes", static_cast<std::uint64_t>(bytes)},
                          {"duration_us", duration_us},
                          {"remote", req.remote_address}});
  }

  // ----- the worker side -----

  // Runs on a worker thread; touches only immutable session state and the strand.
  void RunHandler(std::uint64_t seq, bool keep_alive, int version, bool head_only, Request& req) {
    auto start = SteadyClock::now();
    Response res;
    try {
      res = srv_.handler(req);
    } catch (const std::exception& e) {
      log::Error("handler threw",
                 {{"request_id", req.request_id}, {"path", req.path}, {"error", e.what()}});
      res = srv_.RenderError(500, "Internal Server Error");
    } catch (...) {
      log::Error("handler threw", {{"request_id", req.request_id}, {"path", req.path}});
      res = srv_.RenderError(500, "Internal Server Error");
    }
    Deliver(seq, keep_alive, version, head_only, req, res, start);
  }

  // Runs on a worker thread, like RunHandler, for a WebSocket upgrade request.
  void RunUpgradeHandler(std::uint64_t seq, bool keep_alive, int version, Request& req) {
    auto start = SteadyClock::now();
    UpgradeResult result;
    try {
      result = srv_.options.upgrade_handler(req);
    } catch (const std::exception& e) {
      log::Error("upgrade handler threw",
                 {{"request_id", req.request_id}, {"path", req.path}, {"error", e.what()}});
      result = srv_.RenderError(500, "Internal Server Error");
    } catch (...) {
      log::Error("upgrade handler threw", {{"request_id", req.request_id}, {"path", req.path}});
      result = srv_.RenderError(500, "Internal Server Error");
    }
    if (auto* accept = std::get_if<WebSocketAccept>(&result)) {
      if (!srv_.draining.load(std::memory_order_relaxed)) {
        if (srv_.options.access_log) {
          auto us =
              std::chrono::duration_cast<std::chrono::microseconds>(SteadyClock::now() - start);
          LogAccess(req, 101, 0, static_cast<std::int64_t>(us.count()));
        }
        auto pending =
            std::make_unique<PendingUpgrade>(PendingUpgrade{std::move(req), std::move(*accept)});
        net::post(strand_, [self = shared_from_this(), seq, p = std::move(pending)]() mutable {
          self->OnUpgradeAccepted(seq, std::move(p));
        });
        return;
      }
      result = srv_.RenderError(503, "The server is shutting down.");
    }
    Deliver(seq, keep_alive, version, /*head_only=*/false, req, std::get<Response>(result), start);
  }

  // Serialises a handler's response on the worker thread and hands it to the strand.
  void Deliver(std::uint64_t seq, bool keep_alive, int version, bool head_only, const Request& req,
               Response& res, SteadyClock::time_point start) {
    Rendered out;
    out.close = !keep_alive || WantsClose(res) || srv_.draining.load(std::memory_order_relaxed);
    if (!BodyAllowed(res.status)) res.body.clear();
    out.head.reserve(256 + (res.body.size() <= kInlineBodyMax ? res.body.size() : 0));
    SerializeHead(res, req.request_id,
                  HeadOptions{.close = out.close, .keep_alive_10 = version < 11 && keep_alive},
                  out.head);
    std::size_t body_bytes = res.body.size();
    if (!head_only) {
      if (res.body.size() <= kInlineBodyMax) {
        out.head += res.body;
      } else {
        out.body = std::move(res.body);
      }
    }
    if (srv_.options.access_log) {
      auto us = std::chrono::duration_cast<std::chrono::microseconds>(SteadyClock::now() - start);
      LogAccess(req, res.status, body_bytes, static_cast<std::int64_t>(us.count()));
    }
    net::post(strand_, [self = shared_from_this(), seq, out = std::move(out)]() mutable {
      self->OnResponse(seq, std::move(out));
    });
  }

  // ----- writing -----

  Slot& SlotAt(std::size_t i) { return ring_[(ring_first_ + i) % ring_.size()]; }

  Slot& PushSlot() {
    assert(ring_count_ < ring_.size());
    Slot& s = SlotAt(ring_count_);
    ++ring_count_;
    s.ready = false;
    s.close = false;
    s.head_only = false;
    s.error = false;
    s.upgrade = false;
    s.websocket.reset();
    s.head.clear();
    s.body.clear();
    return s;
  }

  void PopSlot() {
    Slot& s = ring_[ring_first_];
    s.ready = false;
    s.websocket.reset();
    if (s.head.capacity() > 64 * 1024) std::string().swap(s.head);
    if (s.body.capacity() > 0) std::string().swap(s.body);
    ring_first_ = (ring_first_ + 1) % ring_.size();
    --ring_count_;
    ++first_seq_;
  }

  void OnResponse(std::uint64_t seq, Rendered out) {
    if (closed_ || seq < first_seq_ || seq - first_seq_ >= ring_count_) return;
    Slot& s = SlotAt(static_cast<std::size_t>(seq - first_seq_));
    s.head = std::move(out.head);
    s.body = std::move(out.body);
    s.close = out.close;
    s.ready = true;
    if (s.upgrade) upgrade_pending_ = false;  // refused: reading resumes after the write
    if (out.close) read_closed_ = true;
    DoWrite();
  }

  void OnUpgradeAccepted(std::uint64_t seq, std::unique_ptr<PendingUpgrade> pending) {
    if (closed_ || seq < first_seq_ || seq - first_seq_ >= ring_count_) return;
    Slot& s = SlotAt(static_cast<std::size_t>(seq - first_seq_));
    s.websocket = std::move(pending);
    s.ready = true;
    DoWrite();
  }

  // The accepted upgrade is first in line: every earlier response has been written.
  void HandOver() {
    Slot& s = SlotAt(0);
    if (srv_.draining.load(std::memory_order_relaxed)) {
      Request req = std::move(s.websocket->req);
      s.websocket.reset();
      upgrade_pending_ = false;
      read_closed_ = true;
      Response res = srv_.RenderError(503, "The server is shutting down.");
      LogAccess(req, res.status, res.body.size(), 0);
      FillError(s, res, req.request_id);
      DoWrite();
      return;
    }
    std::unique_ptr<PendingUpgrade> pending = std::move(s.websocket);
    PopSlot();
    assert(ring_count_ == 0);
    // This session ends here; the socket lives on in the WebSocket session.
    closed_ = true;
    timer_.cancel();
    if (buffer_.size() > 0) {
      // Bytes after the upgrade request, before our 101: not a WebSocket client.
      error_code ignored;
      socket_.shutdown(tcp::socket::shutdown_both, ignored);
      socket_.close(ignored);
      return;
    }
    StartWebSocket(srv_, std::move(socket_), remote_, std::move(pending->req),
                   std::move(pending->accept));
  }

  void DoWrite() {
    if (writing_ || closed_ || lingering_ || ring_count_ == 0 || !SlotAt(0).ready) return;
    if (SlotAt(0).websocket) {
      HandOver();
      return;
    }
    batch_ = 0;
    gather_.clear();
    for (std::size_t i = 0; i < ring_count_; ++i) {
      Slot& s = SlotAt(i);
      if (!s.ready || s.websocket) break;
      gather_.emplace_back(s.head.data(), s.head.size());
      if (!s.head_only && !s.body.empty()) gather_.emplace_back(s.body.data(), s.body.size());
      ++batch_;
      if (s.close) break;
    }
    writing_ = true;
    write_deadline_ = SteadyClock::now() + srv_.options.read_timeout;
    auto on_write = [self = shared_from_this()](const error_code& ec, std::size_t) {
      self->OnWrite(ec);
    };
    if (gather_.size() == 1) {
      net::async_write(socket_, net::const_buffer(gather_[0]), std::move(on_write));
    } else if (gather_.size() == 2) {
      net::async_write(socket_, std::array<net::const_buffer, 2>{gather_[0], gather_[1]},
                       std::move(on_write));
    } else {
      net::async_write(socket_, gather_, std::move(on_write));
    }
    ArmTimer();
  }

  void OnWrite(const error_code& ec) {
    writing_ = false;
    write_deadline_ = kNever;
    if (closed_) return;
    if (ec) {
      Close();
      return;
    }
    bool close = false;
    bool error = false;
    for (std::size_t i = 0; i < batch_; ++i) {
      close = close || SlotAt(0).close;
      error = error || SlotAt(0).error;
      PopSlot();
    }
    if (close) {
      error_code ignored;
      if (error || buffer_.size() > 0 || socket_.available(ignored) > 0) {
        Linger();
      } else {
        Close();  // nothing unread: closing sends a clean FIN
      }
      return;
    }
    bool draining = srv_.draining.load(std::memory_order_relaxed);
    if (ring_count_ == 0 && !request_started_ && (read_closed_ || draining)) {
      Close();
      return;
    }
    if (!reading_ && !read_closed_) {
      ReadLoop();  // the ring had been full
    } else if (reading_ && ring_count_ == 0 && !request_started_) {
      read_deadline_ = SteadyClock::now() + srv_.options.idle_timeout;  // idle again
      ArmTimer();
    }
    DoWrite();
  }

  // After the last response: stop sending, then read and drop what the client still
  // sends for a moment, so that closing does not reset the connection before the
  // client has read the response.
  void Linger() {
    error_code ignored;
    socket_.shutdown(tcp::socket::shutdown_send, ignored);
    lingering_ = true;
    read_closed_ = true;
    parser_.reset();
    buffer_.consume(buffer_.size());
    ForceArm(SteadyClock::now() +
             std::min<SteadyClock::duration>(srv_.options.read_timeout, std::chrono::seconds(2)));
    if (!reading_) StartRead();
  }

  void Close() {
    if (closed_) return;
    closed_ = true;
    error_code ignored;
    socket_.shutdown(tcp::socket::shutdown_both, ignored);
    socket_.close(ignored);
    timer_.cancel();
  }

  // ----- deadlines -----

  // The timer is never set further ahead than timer_step (the shortest timeout), so a
  // deadline set later can never be earlier than the pending expiry: no re-arming per
  // request.
  void ArmTimer() {
    if (timer_armed_ || closed_) return;
    auto next = std::min(reading_ ? read_deadline_ : kNever, writing_ ? write_deadline_ : kNever);
    if (next == kNever) return;
    next = std::min(next, SteadyClock::now() + srv_.timer_step);
    WaitUntil(next);
  }

  void ForceArm(SteadyClock::time_point when) {
    linger_deadline_ = when;
    WaitUntil(when);
  }

  void WaitUntil(SteadyClock::time_point when) {
    timer_armed_ = true;
    std::uint64_t gen = ++timer_gen_;
    timer_.expires_at(when);
    timer_.async_wait([self = shared_from_this(), gen](const error_code&) { self->OnTimer(gen); });
  }

  void OnTimer(std::uint64_t gen) {
    if (gen != timer_gen_) return;  // superseded by a later WaitUntil
    timer_armed_ = false;
    if (closed_) return;
    auto now = SteadyClock::now();
    if (lingering_) {
      if (now >= linger_deadline_) {
        Close();
      } else {
        WaitUntil(linger_deadline_);
      }
      return;
    }
    if (writing_ && now >= write_deadline_) {
      Close();  // the client does not read its responses
      return;
    }
    if (reading_ && now >= read_deadline_) {
      if (!request_started_) {
        Close();  // idle keep-alive connection
        return;
      }
      // A slow client: cancel the read (OnRead queues a 408), unless a write is also in
      // progress, which cancel() would abort too.
      read_timed_out_ = true;
      if (writing_) {
        Close();
        return;
      }
      error_code ignored;
      socket_.cancel(ignored);
      read_deadline_ = kNever;
    }
    ArmTimer();
  }

  ServerState& srv_;
  const Strand strand_;
  Socket socket_;
  Timer timer_;
  beast::flat_buffer buffer_;
  std::optional<RequestParser> parser_;
  std::string remote_;

  std::vector<Slot> ring_;
  std::size_t ring_first_ = 0;
  std::size_t ring_count_ = 0;
  std::uint64_t first_seq_ = 0;
  std::vector<net::const_buffer> gather_;
  std::size_t batch_ = 0;

  bool reading_ = false;
  bool writing_ = false;
  bool read_closed_ = false;      // no further requests are read on this connection
  bool upgrade_pending_ = false;  // an upgrade request waits for the application's answer
  bool request_started_ = false;
  bool first_request_ = true;
  bool read_timed_out_ = false;
  bool lingering_ = false;
  bool closed_ = false;
  std::size_t linger_bytes_ = 0;

  bool timer_armed_ = false;
  std::uint64_t timer_gen_ = 0;
  SteadyClock::time_point read_deadline_ = kNever;
  SteadyClock::time_point write_deadline_ = kNever;
  SteadyClock::time_point linger_deadline_ = kNever;
};

// ----- Impl -----

void ServerState::Register(const std::shared_ptr<Connection>& c) {
  std::lock_guard lock(mu);
  sessions.emplace(c.get(), c);
  connections.fetch_add(1, std::memory_order_relaxed);
}

void ServerState::Unregister(Connection* c) {
  std::lock_guard lock(mu);
  if (sessions.erase(c) > 0) connections.fetch_sub(1, std::memory_order_relaxed);
  if (sessions.empty()) cv.notify_all();
}

void ServerState::WebSocketStarted() {
  std::lock_guard lock(mu);
  ++websockets_live;
}

void ServerState::WebSocketEnded() {
  std::lock_guard lock(mu);
  if (--websockets_live == 0) cv.notify_all();
}

std::vector<std::shared_ptr<Connection>> ServerState::Snapshot() {
  std::vector<std::shared_ptr<Connection>> out;
  std::lock_guard lock(mu);
  out.reserve(sessions.size());
  for (auto& [ptr, weak] : sessions) {
    if (auto s = weak.lock()) out.push_back(std::move(s));
  }
  return out;
}

void ServerState::DoAccept() {
  acceptor->async_accept(net::make_strand(*ioc), [this](const error_code& ec, Socket socket) {
    OnAccept(ec, std::move(socket));
  });
}

void ServerState::OnAccept(const error_code& ec, Socket socket) {
  if (draining.load() || !acceptor->is_open()) return;
  if (ec) {
    if (ec == net::error::operation_aborted) return;
    // Usually EMFILE: back off instead of spinning on the listening socket.
    log::Warn("http accept failed", {{"error", ec.message()}});
    accept_retry->expires_after(std::chrono::milliseconds(100));
    accept_retry->async_wait([this](const error_code& e) {
      if (!e && !draining.load()) DoAccept();
    });
    return;
  }
  if (connections.load(std::memory_order_relaxed) >= options.max_connections) {
    Reject(socket);
    DoAccept();
    return;
  }
  error_code ignored;
  socket.set_option(tcp::no_delay(true), ignored);
  auto session = std::make_shared<Session>(*this, std::move(socket));
  Register(session);
  net::post(session->strand(), [session] { session->Start(); });
  DoAccept();
}

// Over max_connections: a best-effort 503 without reading the request, then close.
void ServerState::Reject(Socket& socket) {
  Response res = RenderError(503, "Too many connections.");
  std::string wire;
  SerializeHead(res, NewRequestId(), HeadOptions{.close = true}, wire);
  wire += res.body;
  error_code ignored;
  socket.non_blocking(true, ignored);
  socket.write_some(net::buffer(wire), ignored);
  socket.shutdown(tcp::socket::shutdown_send, ignored);
  socket.close(ignored);
  log::Warn("http connection rejected", {{"reason", "max_connections"}});
}

// ----- Server -----

struct Server::Impl : ServerState {
  using ServerState::ServerState;
};

Server::Server(ServerOptions options, Handler handler, ErrorRenderer error_renderer)
    : impl_(std::make_unique<Impl>(std::move(options), std::move(handler),
                                   std::move(error_renderer))) {}

Server::~Server() { Stop(); }

Status Server::Start() {
  Impl& d = *impl_;
  if (d.started) return Status(ErrorCode::kFailedPrecondition, "The server was already started.");
  d.ioc = std::make_unique<net::io_context>(static_cast<int>(d.options.io_threads));

  error_code ec;
  tcp::endpoint endpoint;
  auto address = net::ip::make_address(d.options.address, ec);
  if (!ec) {
    endpoint = tcp::endpoint(address, d.options.port);
  } else {
    tcp::resolver resolver(*d.ioc);
    auto results = resolver.resolve(d.options.address, std::to_string(d.options.port),
                                    tcp::resolver::passive, ec);
    if (ec || results.empty()) {
      d.ioc.reset();
      return Status(ErrorCode::kUnavailable,
                    "Invalid listen address '" + d.options.address + "': " + ec.message());
    }
    endpoint = results.begin()->endpoint();
  }

  std::string where = d.options.address + ":" + std::to_string(d.options.port);
  d.acceptor.emplace(net::make_strand(*d.ioc));
  auto fail = [&](std::string_view what) {
    d.acceptor.reset();
    d.ioc.reset();
    return Status(ErrorCode::kUnavailable,
                  "Cannot listen on " + where + ": " + std::string(what) + ": " + ec.message());
  };
  if (d.acceptor->open(endpoint.protocol(), ec)) return fail("open");
  if (d.acceptor->set_option(net::socket_base::reuse_address(true), ec))
    return fail("SO_REUSEADDR");
  if (d.acceptor->bind(endpoint, ec)) return fail("bind");
  if (d.acceptor->listen(net::socket_base::max_listen_connections, ec)) return fail("listen");
  d.bound_port = d.acceptor->local_endpoint(ec).port();
  d.accept_retry.emplace(d.acceptor->get_executor());

  d.workers = std::make_unique<net::thread_pool>(d.options.worker_threads);
  d.work.emplace(d.ioc->get_executor());
  d.started = true;
  net::post(d.acceptor->get_executor(), [&d] { d.DoAccept(); });
  for (std::size_t i = 0; i < d.options.io_threads; ++i) {
    d.io_threads.emplace_back([&d] {
      for (;;) {
        try {
          d.ioc->run();
          return;
        } catch (const std::exception& e) {
          log::Error("http io thread caught", {{"error", e.what()}});
        }
      }
    });
  }
  return Status::Ok();
}

std::uint16_t Server::port() const { return impl_->bound_port; }

void Server::Stop() {
  Impl& d = *impl_;
  if (!d.started || d.stopped) return;
  d.stopped = true;
  d.draining.store(true);

  // Stop accepting, then let every connection finish what it has started.
  net::post(d.acceptor->get_executor(), [&d] {
    error_code ignored;
    d.acceptor->close(ignored);
    d.accept_retry->cancel();
  });
  for (auto& s : d.Snapshot()) {
    net::post(s->strand(), [s] { s->Drain(); });
  }
  {
    std::unique_lock lock(d.mu);
    d.cv.wait_for(lock, d.options.drain_timeout, [&d] { return d.sessions.empty(); });
  }
  for (auto& s : d.Snapshot()) {
    net::post(s->strand(), [s] { s->ForceClose(); });
  }
  {
    // A force-closed WebSocket hands its on_close to the workers at once; wait for that,
    // so that join() below runs it.
    std::unique_lock lock(d.mu);
    d.cv.wait_for(lock, std::chrono::seconds(2), [&d] { return d.websockets_live == 0; });
  }

  // Handlers still running finish (their responses are dropped), then the I/O stops.
  d.workers->join();
  d.work.reset();
  d.ioc->stop();
  for (auto& t : d.io_threads) t.join();
  d.io_threads.clear();
  for (auto& s : d.Snapshot()) s->Detach();
  d.accept_retry.reset();
  d.acceptor.reset();
  d.ioc.reset();  // destroys queued handlers and with them the last sessions
  d.workers.reset();
}

}  // namespace comptoir::http
