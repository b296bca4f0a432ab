// A WebSocket test client on Boost.Beast, one io_context per client, driven from the
// test's thread. Every operation is bounded by a timeout (the socket is closed when it
// runs out) so that a broken server fails the test instead of hanging it.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/stream_traits.hpp>
#include <boost/beast/websocket/stream.hpp>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace comptoir::http::testing {

class WsClient {
 public:
  using error_code = boost::system::error_code;
  using Stream = boost::beast::websocket::stream<boost::asio::ip::tcp::socket>;

  // Connects to 127.0.0.1:port. A small `receive_buffer` makes a client that does not
  // read fill up quickly.
  explicit WsClient(std::uint16_t port, int receive_buffer = 0) : ws_(ioc_) {
    namespace net = boost::asio;
    auto& socket = boost::beast::get_lowest_layer(ws_);
    error_code ec;
    socket.open(net::ip::tcp::v4(), ec);
    if (receive_buffer > 0) {
      socket.set_option(net::socket_base::receive_buffer_size(receive_buffer), ec);
    }
    socket.connect({net::ip::make_address_v4("127.0.0.1"), port}, ec);
    connected_ = !ec;
    ws_.control_callback([this](boost::beast::websocket::frame_type kind, std::string_view) {
      if (kind == boost::beast::websocket::frame_type::ping) ++pings_;
    });
  }

  bool connected() const { return connected_; }
  Stream& stream() { return ws_; }

  // The opening handshake; false when refused (see response()) or failed.
  bool Handshake(std::string_view target = "/live",
                 std::vector<std::pair<std::string, std::string>> headers = {}) {
    ws_.set_option(boost::beast::websocket::stream_base::decorator(
        [headers](boost::beast::websocket::request_type& req) {
          for (const auto& [name, value] : headers) req.set(name, value);
        }));
    last_error_ = Run([&](auto done) {
      ws_.async_handshake(response_, "127.0.0.1", std::string(target), std::move(done));
    });
    return !last_error_;
  }
  const boost::beast::websocket::response_type& response() const { return response_; }

  bool Write(std::string_view text) {
    last_error_ = Run([&](auto done) {
      ws_.async_write(boost::asio::buffer(text.data(), text.size()), std::move(done));
    });
    return !last_error_;
  }

  // One message; nullopt on close, error or timeout (then see last_error(), close_code()).
  std::optional<std::string> Read(std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
    buffer_.consume(buffer_.size());
    last_error_ = Run([&](auto done) { ws_.async_read(buffer_, std::move(done)); }, timeout);
    if (last_error_) return std::nullopt;
    return boost::beast::buffers_to_string(buffer_.data());
  }

  bool Close(std::uint16_t code = 1000) {
    last_error_ = Run([&](auto done) {
      ws_.async_close(boost::beast::websocket::close_reason(code), std::move(done));
    });
    return !last_error_;
  }

  error_code last_error() const { return last_error_; }
  // The code of the close frame the server sent (0 when none arrived).
  std::uint16_t close_code() const { return ws_.reason().code; }
  std::string close_reason() const { return std::string(ws_.reason().reason.c_str()); }
  int pings() const { return pings_.load(); }

 private:
  template <typename Start>
  error_code Run(Start start, std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
    error_code result;
    bool done = false;
    start([&](const error_code& ec, auto&&...) {
      result = ec;
      done = true;
    });
    ioc_.restart();
    ioc_.run_for(timeout);
    if (!done) {
      error_code ignored;
      boost::beast::get_lowest_layer(ws_).close(ignored);
      ioc_.restart();
      ioc_.run();  // the operation ends with an error
      return boost::beast::error::timeout;
    }
    return result;
  }

  boost::asio::io_context ioc_;
  Stream ws_;
  boost::beast::flat_buffer buffer_;
  boost::beast::websocket::response_type response_;
  error_code last_error_;
  bool connected_ = false;
  std::atomic<int> pings_{0};
};

}  // namespace comptoir::http::testing
