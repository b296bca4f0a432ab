// WebSockets end to end: a real Server on 127.0.0.1:0, Beast's WebSocket client (and the
// raw HTTP client for what a WebSocket client cannot send).
#include "comptoir/http/websocket.hpp"

#include <gtest/gtest.h>

#include <any>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "comptoir/http/router.hpp"
#include "comptoir/http/server.hpp"
#include "tests/raw_client.hpp"
#include "tests/ws_client.hpp"

namespace comptoir::http {
namespace {

using namespace std::chrono_literals;
using testing::Get;
using testing::RawClient;
using testing::WsClient;
namespace websocket = boost::beast::websocket;

Response Echo(Request& req) {
  Response res;
  res.content_type = "text/plain";
  res.body = req.method + " " + req.path;
  return res;
}

Response Text(unsigned status, std::string body) {
  Response res;
  res.status = status;
  res.content_type = "text/plain";
  res.body = std::move(body);
  return res;
}

// What the callbacks saw, for the test's thread to wait on.
struct Events {
  std::mutex mu;
  std::condition_variable cv;
  std::vector<WebSocketPtr> opened;
  std::vector<std::string> messages;
  std::vector<std::uint64_t> closed;
  std::atomic<int> upgrades{0};

  bool WaitFor(const std::function<bool()>& done, std::chrono::milliseconds timeout = 5s) {
    std::unique_lock lock(mu);
    return cv.wait_for(lock, timeout, done);
  }
  WebSocketPtr Opened(std::size_t i) {
    std::lock_guard lock(mu);
    return opened.at(i);
  }
  std::size_t ClosedCount() {
    std::lock_guard lock(mu);
    return closed.size();
  }
};

// Records the events; answers every message with "echo:<message>".
WebSocketAccept Recording(Events& ev) {
  WebSocketAccept a;
  a.on_open = [&ev](const WebSocketPtr& conn) {
    std::lock_guard lock(ev.mu);
    ev.opened.push_back(conn);
    ev.cv.notify_all();
  };
  a.on_message = [&ev](const WebSocketPtr& conn, std::string text) {
    std::string reply = "echo:";
    reply += text;
    conn->Send(std::move(reply));
    std::lock_guard lock(ev.mu);
    ev.messages.push_back(std::move(text));
    ev.cv.notify_all();
  };
  a.on_close = [&ev](const WebSocketPtr& conn) {
    std::lock_guard lock(ev.mu);
    ev.closed.push_back(conn->id());
    ev.cv.notify_all();
  };
  return a;
}

class WsServer {
 public:
  WsServer(UpgradeHandler upgrade, ServerOptions options = {}, Handler handler = Echo) {
    options.address = "127.0.0.1";
    options.port = 0;
    options.access_log = false;
    options.worker_threads = 4;
    options.upgrade_handler = std::move(upgrade);
    server_ = std::make_unique<Server>(options, std::move(handler), nullptr);
    Status st = server_->Start();
    EXPECT_TRUE(st.ok()) << st.message();
  }
  std::uint16_t port() const { return server_->port(); }
  Server& server() { return *server_; }

 private:
  std::unique_ptr<Server> server_;
};

// Accepts every upgrade, recording into `ev`.
UpgradeHandler AcceptAll(Events& ev) {
  return [&ev](Request&) -> UpgradeResult {
    ++ev.upgrades;
    return Recording(ev);
  };
}

std::string RawUpgrade(std::string_view path, std::string_view extra = {}) {
  std::string r = "GET ";
  r += path;
  r += " HTTP/1.1\r\nHost: test\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n";
  r += extra;
  r += "\r\n";
  return r;
}
constexpr std::string_view kKeyAndVersion =
    "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n";

TEST(WebSocketTest, UpgradeIsAcceptedAndOnOpenGetsTheConnection) {
  Events ev;
  std::string seen;
  WsServer srv([&](Request& req) -> UpgradeResult {
    seen = req.method + " " + req.path + " " + std::string(req.Header("Authorization"));
    WebSocketAccept a = Recording(ev);
    a.user_data = std::string("agent-7");
    a.subprotocol = "comptoir.live";
    return a;
  });
  WsClient c(srv.port());
  ASSERT_TRUE(c.Handshake("/api/v2/live.json?x=1", {{"Authorization", "Bearer t"},
                                                    {"Sec-WebSocket-Protocol", "comptoir.live"}}))
      << c.last_error().message();
  EXPECT_EQ(c.response().result_int(), 101);
  EXPECT_EQ(c.response()[boost::beast::http::field::server], "Comptoir");
  EXPECT_EQ(c.response()[boost::beast::http::field::sec_websocket_protocol], "comptoir.live");
  EXPECT_EQ(seen, "GET /api/v2/live Bearer t");
  ASSERT_TRUE(ev.WaitFor([&] { return ev.opened.size() == 1; }));
  WebSocketPtr conn = ev.Opened(0);
  EXPECT_GE(conn->id(), 1u);
  EXPECT_EQ(conn->remote_address(), "127.0.0.1");
  EXPECT_EQ(conn->request_id().size(), 16u);
  EXPECT_TRUE(conn->is_open());
  EXPECT_EQ(std::any_cast<std::string>(conn->UserData()), "agent-7");
  conn->SetUserData(42);
  EXPECT_EQ(std::any_cast<int>(conn->UserData()), 42);
}

TEST(WebSocketTest, EchoesTextThroughOnMessageAndSend) {
  Events ev;
  WsServer srv(AcceptAll(ev));
  WsClient c(srv.port());
  ASSERT_TRUE(c.Handshake());
  for (const std::string& text :
       std::vector<std::string>{"hello", "", "ünïcödé", std::string(60000, 'x')}) {
    ASSERT_TRUE(c.Write(text));
    auto reply = c.Read();
    ASSERT_TRUE(reply) << c.last_error().message();
    EXPECT_EQ(*reply, "echo:" + text);
  }
  // Messages from one client reach on_message in order.
  for (int i = 0; i < 50; ++i) ASSERT_TRUE(c.Write(std::to_string(i)));
  for (int i = 0; i < 50; ++i) {
    auto reply = c.Read();
    ASSERT_TRUE(reply) << i << " " << c.last_error().message() << " " << c.close_code();
    EXPECT_EQ(*reply, "echo:" + std::to_string(i));
  }
}

TEST(WebSocketTest, SlowOnMessagePausesReadingWithoutLosingMessages) {
  Events ev;
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  WsServer srv([&](Request&) -> UpgradeResult {
    WebSocketAccept a = Recording(ev);
    auto echo = std::move(a.on_message);
    a.on_message = [echo, released](const WebSocketPtr& conn, std::string text) {
      released.wait_for(5s);  // the first call holds up this connection's messages
      echo(conn, std::move(text));
    };
    return a;
  });
  WsClient c(srv.port());
  ASSERT_TRUE(c.Handshake());
  // More than the server keeps waiting for on_message: it stops reading meanwhile.
  for (int i = 0; i < 100; ++i) ASSERT_TRUE(c.Write(std::to_string(i)));
  release.set_value();
  for (int i = 0; i < 100; ++i) {
    auto reply = c.Read();
    ASSERT_TRUE(reply) << i << " " << c.last_error().message();
    EXPECT_EQ(*reply, "echo:" + std::to_string(i));
  }
}

TEST(WebSocketTest, PushesFromAnotherThreadToManyConnections) {
  Events ev;
  WsServer srv(AcceptAll(ev));
  constexpr std::size_t kClients = 20;
  std::vector<std::unique_ptr<WsClient>> clients;
  for (std::size_t i = 0; i < kClients; ++i) {
    clients.push_back(std::make_unique<WsClient>(srv.port()));
    ASSERT_TRUE(clients.back()->Handshake());
  }
  ASSERT_TRUE(ev.WaitFor([&] { return ev.opened.size() == kClients; }));
  std::thread pusher([&] {
    auto shared = std::make_shared<const std::string>("ticket 42 updated");
    for (std::size_t i = 0; i < kClients; ++i) {
      WebSocketPtr conn = ev.Opened(i);
      EXPECT_TRUE(conn->Send(shared));
      EXPECT_TRUE(conn->Send("for " + std::to_string(conn->id())));
    }
  });
  pusher.join();
  std::set<std::string> addressed;
  for (auto& c : clients) {
    auto first = c->Read();
    auto second = c->Read();
    ASSERT_TRUE(first && second);
    EXPECT_EQ(*first, "ticket 42 updated");
    addressed.insert(*second);
  }
  EXPECT_EQ(addressed.size(), kClients);  // each got its own
}

TEST(WebSocketTest, RefusalReturnsTheHandlersResponse) {
  Events ev;
  WsServer srv([&](Request&) -> UpgradeResult {
    ++ev.upgrades;
    return Text(403, "not for you");
  });
  WsClient c(srv.port());
  EXPECT_FALSE(c.Handshake());
  EXPECT_EQ(c.last_error(), websocket::error::upgrade_declined);
  EXPECT_EQ(c.response().result_int(), 403);
  EXPECT_EQ(c.response().body(), "not for you");
  EXPECT_EQ(ev.upgrades.load(), 1);
}

TEST(WebSocketTest, RefusedUpgradeLeavesTheConnectionToHttp) {
  WsServer srv([](Request&) -> UpgradeResult { return Text(401, "sign in"); });
  RawClient c(srv.port());
  ASSERT_TRUE(c.Send(RawUpgrade("/live", kKeyAndVersion)));
  auto refused = c.Read();
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, 401u);
  EXPECT_EQ(refused->body, "sign in");
  ASSERT_TRUE(c.Send(Get("/after")));
  auto next = c.Read();
  ASSERT_TRUE(next);
  EXPECT_EQ(next->body, "GET /after");
}

TEST(WebSocketTest, UpgradeHandlerThatThrowsGets500) {
  WsServer srv([](Request&) -> UpgradeResult { throw std::runtime_error("boom"); });
  WsClient c(srv.port());
  EXPECT_FALSE(c.Handshake());
  EXPECT_EQ(c.response().result_int(), 500);
}

TEST(WebSocketTest, InvalidHandshakeIsAnsweredWithoutTheHandler) {
  Events ev;
  WsServer srv(AcceptAll(ev));
  {
    RawClient c(srv.port());
    ASSERT_TRUE(c.Send(RawUpgrade("/live", "Sec-WebSocket-Version: 13\r\n")));
    auto r = c.Read();
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 400u);
  }
  RawClient c(srv.port());
  ASSERT_TRUE(c.Send(RawUpgrade("/live",
                                "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                                "Sec-WebSocket-Version: 8\r\n")));
  auto r = c.Read();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 426u);
  EXPECT_EQ(r->Header("Sec-WebSocket-Version"), "13");
  EXPECT_EQ(ev.upgrades.load(), 0);
}

TEST(WebSocketTest, WithoutAnUpgradeHandlerAnUpgradeIsAnOrdinaryRequest) {
  ServerOptions o;
  o.address = "127.0.0.1";
  o.port = 0;
  o.access_log = false;
  Server srv(o, Echo, nullptr);
  ASSERT_TRUE(srv.Start().ok());
  RawClient c(srv.port());
  ASSERT_TRUE(c.Send(RawUpgrade("/live", kKeyAndVersion)));
  auto r = c.Read();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200u);
  EXPECT_EQ(r->body, "GET /live");
}

// The api module's shape: one Router holds the GET routes and the WebSocket routes.
TEST(WebSocketTest, PlainGetOnTheWebSocketPathIsRoutedNormally) {
  Events ev;
  Router router;
  router.Add("GET", "/live/{channel}",
             [](Request& req) { return Text(200, "page " + std::string(req.Param("channel"))); });
  router.AddWebSocket("/live/{channel}", [&](Request& req) -> UpgradeResult {
    if (req.Param("channel") != "tickets") return Text(404, "no such channel");
    return Recording(ev);
  });
  WsServer srv(
      [&router](Request& req) -> UpgradeResult {
        if (const UpgradeHandler* fn = router.FindWebSocket(req)) return (*fn)(req);
        return Text(404, "not a websocket");
      },
      {},
      [&router](Request& req) {
        auto match = router.Find(req);
        return match.handler ? (*match.handler)(req) : Text(404, "not found");
      });
  {
    RawClient http(srv.port());
    ASSERT_TRUE(http.Send(Get("/live/tickets")));
    auto r = http.Read();
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200u);
    EXPECT_EQ(r->body, "page tickets");
  }
  WsClient ws(srv.port());
  ASSERT_TRUE(ws.Handshake("/live/tickets"));
  ASSERT_TRUE(ws.Write("hi"));
  EXPECT_EQ(ws.Read().value_or(""), "echo:hi");
  WsClient other(srv.port());
  EXPECT_FALSE(other.Handshake("/live/users"));
  EXPECT_EQ(other.response().result_int(), 404);
  WsClient nowhere(srv.port());
  EXPECT_FALSE(nowhere.Handshake("/elsewhere"));
  EXPECT_EQ(nowhere.response().body(), "not a websocket");
}

TEST(WebSocketTest, OversizedMessageClosesWith1009) {
  Events ev;
  ServerOptions o;
  o.websocket.max_message_bytes = 1024;
  WsServer srv(AcceptAll(ev), o);
  WsClient c(srv.port());
  ASSERT_TRUE(c.Handshake());
  ASSERT_TRUE(c.Write(std::string(1024, 'a')));  // at the limit: fine
  EXPECT_TRUE(c.Read());
  ASSERT_TRUE(c.Write(std::string(1025, 'a')));
  EXPECT_FALSE(c.Read());
  EXPECT_EQ(c.last_error(), websocket::error::closed);
  EXPECT_EQ(c.close_code(), kCloseMessageTooBig);
  ASSERT_TRUE(ev.WaitFor([&] { return ev.closed.size() == 1; }));
  EXPECT_EQ(ev.messages.size(), 1u);
}

TEST(WebSocketTest, BinaryMessageClosesWith1003) {
  Events ev;
  WsServer srv(AcceptAll(ev));
  WsClient c(srv.port());
  ASSERT_TRUE(c.Handshake());
  c.stream().binary(true);
  ASSERT_TRUE(c.Write("\x01\x02"));
  EXPECT_FALSE(c.Read());
  EXPECT_EQ(c.close_code(), kCloseUnsupportedData);
  ASSERT_TRUE(ev.WaitFor([&] { return ev.closed.size() == 1; }));
  EXPECT_TRUE(ev.messages.empty());
}

TEST(WebSocketTest, SlowConsumerIsClosedWithPolicyViolation) {
  Events ev;
  ServerOptions o;
  o.websocket.max_queued_bytes = 256 * 1024;
  WsServer srv(AcceptAll(ev), o);
  WsClient c(srv.port(), /*receive_buffer=*/4096);
  ASSERT_TRUE(c.Handshake());
  ASSERT_TRUE(ev.WaitFor([&] { return ev.opened.size() == 1; }));
  WebSocketPtr conn = ev.Opened(0);
  // The client reads nothing while the server pushes: the backlog reaches the bound.
  auto message = std::make_shared<const std::string>(16 * 1024, 'm');
  int accepted = 0;
  bool refused = false;
  for (int i = 0; i < 100000 && !refused; ++i) {
    if (conn->Send(message)) {
      ++accepted;
    } else {
      refused = true;
    }
  }
  ASSERT_TRUE(refused);
  EXPECT_FALSE(conn->is_open());
  EXPECT_FALSE(conn->Send("more"));
  // Reading now: what was written before the bound, then the close frame.
  int received = 0;
  while (auto m = c.Read()) {
    EXPECT_EQ(m->size(), message->size());
    ++received;
  }
  EXPECT_EQ(c.last_error(), websocket::error::closed);
  EXPECT_EQ(c.close_code(), kClosePolicyViolation);
  EXPECT_LE(received, accepted);
  ASSERT_TRUE(ev.WaitFor([&] { return ev.closed.size() == 1; }));
}

TEST(WebSocketTest, MessageCountIsBoundedToo) {
  Events ev;
  ServerOptions o;
  o.websocket.max_queued_messages = 10;
  WsServer srv(AcceptAll(ev), o);
  WsClient c(srv.port());
  ASSERT_TRUE(c.Handshake());
  ASSERT_TRUE(ev.WaitFor([&] { return ev.opened.size() == 1; }));
  WebSocketPtr conn = ev.Opened(0);
  bool refused = false;
  for (int i = 0; i < 100000 && !refused; ++i) refused = !conn->Send("x");
  EXPECT_TRUE(refused);
  while (c.Read()) {
  }
  EXPECT_EQ(c.close_code(), kClosePolicyViolation);
}

TEST(WebSocketTest, ApplicationCloseSendsQueuedMessagesFirst) {
  Events ev;
  WsServer srv([&](Request&) -> UpgradeResult {
    WebSocketAccept a = Recording(ev);
    auto record_open = std::move(a.on_open);
    a.on_open = [record_open](const WebSocketPtr& conn) {
      for (int i = 0; i < 100; ++i) conn->Send(std::to_string(i));
      conn->Close(kCloseNormal, "bye");
      EXPECT_FALSE(conn->is_open());
      EXPECT_FALSE(conn->Send("after close"));
      record_open(conn);
    };
    return a;
  });
  WsClient c(srv.port());
  ASSERT_TRUE(c.Handshake());
  for (int i = 0; i < 100; ++i) {
    auto m = c.Read();
    ASSERT_TRUE(m) << i << " " << c.last_error().message();
    EXPECT_EQ(*m, std::to_string(i));
  }
  EXPECT_FALSE(c.Read());
  EXPECT_EQ(c.last_error(), websocket::error::closed);
  EXPECT_EQ(c.close_code(), kCloseNormal);
  EXPECT_EQ(c.close_reason(), "bye");
  ASSERT_TRUE(ev.WaitFor([&] { return ev.closed.size() == 1; }));
}

TEST(WebSocketTest, ClientCloseRunsOnCloseOnce) {
  Events ev;
  WsServer srv(AcceptAll(ev));
  WsClient c(srv.port());
  ASSERT_TRUE(c.Handshake());
  ASSERT_TRUE(ev.WaitFor([&] { return ev.opened.size() == 1; }));
  WebSocketPtr conn = ev.Opened(0);
  ASSERT_TRUE(c.Close(kCloseNormal));
  ASSERT_TRUE(ev.WaitFor([&] { return ev.closed.size() == 1; }));
  EXPECT_EQ(ev.closed[0], conn->id());
  EXPECT_FALSE(conn->is_open());
  EXPECT_FALSE(conn->Send("gone"));
  conn->Close();  // harmless
}

TEST(WebSocketTest, CallbackThatThrowsClosesWith1011) {
  Events ev;
  WsServer srv([&](Request&) -> UpgradeResult {
    WebSocketAccept a = Recording(ev);
    a.on_message = [](const WebSocketPtr&, std::string) { throw std::runtime_error("bug"); };
    return a;
  });
  WsClient c(srv.port());
  ASSERT_TRUE(c.Handshake());
  ASSERT_TRUE(c.Write("hi"));
  EXPECT_FALSE(c.Read());
  EXPECT_EQ(c.close_code(), kCloseInternalError);
  ASSERT_TRUE(ev.WaitFor([&] { return ev.closed.size() == 1; }));
}

TEST(WebSocketTest, StopClosesClientsWithGoingAway) {
  Events ev;
  WsServer srv(AcceptAll(ev));
  std::vector<std::unique_ptr<WsClient>> clients;
  for (int i = 0; i < 3; ++i) {
    clients.push_back(std::make_unique<WsClient>(srv.port()));
    ASSERT_TRUE(clients.back()->Handshake());
  }
  ASSERT_TRUE(ev.WaitFor([&] { return ev.opened.size() == 3; }));
  auto start = std::chrono::steady_clock::now();
  auto stopped = std::async(std::launch::async, [&] { srv.server().Stop(); });
  for (auto& c : clients) {
    EXPECT_FALSE(c->Read());
    EXPECT_EQ(c->last_error(), websocket::error::closed);
    EXPECT_EQ(c->close_code(), kCloseGoingAway);
  }
  ASSERT_EQ(stopped.wait_for(5s), std::future_status::ready);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 3s);
  EXPECT_EQ(ev.ClosedCount(), 3u);  // every on_close ran before Stop() returned
  EXPECT_FALSE(ev.Opened(0)->Send("after stop"));
}

TEST(WebSocketTest, StopDoesNotWaitLongForAClientThatNeverAnswers) {
  Events ev;
  ServerOptions o;
  o.websocket.close_timeout = 1s;
  o.drain_timeout = 10s;
  WsServer srv(AcceptAll(ev), o);
  WsClient silent(srv.port());
  ASSERT_TRUE(silent.Handshake());  // and never reads again
  ASSERT_TRUE(ev.WaitFor([&] { return ev.opened.size() == 1; }));
  auto start = std::chrono::steady_clock::now();
  srv.server().Stop();
  EXPECT_LT(std::chrono::steady_clock::now() - start, 4s);
  EXPECT_EQ(ev.ClosedCount(), 1u);
}

TEST(WebSocketTest, WebSocketsCountTowardsMaxConnections) {
  Events ev;
  ServerOptions o;
  o.max_connections = 1;
  WsServer srv(AcceptAll(ev), o);
  WsClient ws(srv.port());
  ASSERT_TRUE(ws.Handshake());
  ASSERT_TRUE(ev.WaitFor([&] { return ev.opened.size() == 1; }));
  RawClient second(srv.port());
  auto r = second.Read();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 503u);
  // The WebSocket still works.
  ASSERT_TRUE(ws.Write("still"));
  EXPECT_EQ(ws.Read().value_or(""), "echo:still");
}

TEST(WebSocketTest, ClientThatAnswersPingsStaysOpen) {
  Events ev;
  ServerOptions o;
  o.websocket.ping_interval = 1s;
  WsServer srv(AcceptAll(ev), o);
  WsClient c(srv.port());
  ASSERT_TRUE(c.Handshake());
  ASSERT_TRUE(ev.WaitFor([&] { return ev.opened.size() == 1; }));
  // Longer than two ping intervals of client silence; Beast's client answers the pings
  // while it waits in Read().
  std::thread later([&] {
    std::this_thread::sleep_for(2500ms);
    ev.Opened(0)->Send("still here");
  });
  auto m = c.Read();
  later.join();
  ASSERT_TRUE(m) << c.last_error().message();
  EXPECT_EQ(*m, "still here");
  EXPECT_GE(c.pings(), 1);
}

TEST(WebSocketTest, ClientThatDoesNotAnswerPingsIsDisconnected) {
  Events ev;
  ServerOptions o;
  o.websocket.ping_interval = 1s;
  WsServer srv(AcceptAll(ev), o);
  WsClient c(srv.port());
  ASSERT_TRUE(c.Handshake());  // and reads nothing, so never sees the ping
  auto start = std::chrono::steady_clock::now();
  ASSERT_TRUE(ev.WaitFor([&] { return ev.closed.size() == 1; }, 6s));
  auto elapsed = std::chrono::steady_clock::now() - start;
  EXPECT_GE(elapsed, 1500ms);
  EXPECT_LT(elapsed, 4s);
}

}  // namespace
}  // namespace comptoir::http
