#include "comptoir/http/server.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <future>
#include <mutex>
#include <stdexcept>
#include <thread>

#include "tests/raw_client.hpp"

namespace comptoir::http {
namespace {

using namespace std::chrono_literals;
using testing::Get;
using testing::RawClient;
using testing::Reply;

Response Echo(Request& req) {
  Response res;
  res.content_type = "text/plain";
  res.body = req.method + " " + req.path;
  return res;
}

// Renders transport errors as {"error":"<status>","description":"<message>"}; records
// the thread it ran on (the I/O thread for parse errors).
struct Renderer {
  std::shared_ptr<std::atomic<std::thread::id>> thread =
      std::make_shared<std::atomic<std::thread::id>>();
  Response operator()(unsigned status, std::string_view message) const {
    thread->store(std::this_thread::get_id());
    Response res;
    res.status = status;
    res.body = R"({"error":")" + std::to_string(status) + R"(","description":")" +
               std::string(message) + "\"}";
    return res;
  }
};

class TestServer {
 public:
  explicit TestServer(Handler handler, ServerOptions options = {}, Renderer renderer = {}) {
    options.address = "127.0.0.1";
    options.port = 0;
    options.access_log = false;
    if (options.worker_threads == 16) options.worker_threads = 4;
    server_ = std::make_unique<Server>(options, std::move(handler), renderer);
    Status st = server_->Start();
    EXPECT_TRUE(st.ok()) << st.message();
  }
  std::uint16_t port() const { return server_->port(); }
  Server& server() { return *server_; }

 private:
  std::unique_ptr<Server> server_;
};

TEST(ServerTest, KeepAliveServesTwoRequestsOnOneConnection) {
  TestServer srv(Echo);
  RawClient c(srv.port());
  ASSERT_TRUE(c.connected());
  ASSERT_TRUE(c.Send(Get("/a")));
  auto r1 = c.Read();
  ASSERT_TRUE(r1);
  EXPECT_EQ(r1->status, 200u);
  EXPECT_EQ(r1->body, "GET /a");
  EXPECT_EQ(r1->Header("Server"), "Comptoir");
  EXPECT_EQ(r1->Header("Content-Type"), "text/plain");
  EXPECT_FALSE(r1->HasHeader("Retry-After"));
  ASSERT_TRUE(c.Send(Get("/b")));
  auto r2 = c.Read();
  ASSERT_TRUE(r2);
  EXPECT_EQ(r2->body, "GET /b");
}

TEST(ServerTest, PipelinedRequestsAreAnsweredInOrder) {
  // The first handler waits until the second has finished, so the responses complete
  // out of order; the wire order must still follow the requests.
  std::promise<void> second_done;
  std::shared_future<void> second = second_done.get_future().share();
  TestServer srv([&](Request& req) {
    if (req.path == "/first") second.wait_for(5s);
    Response res = Echo(req);
    if (req.path == "/second") second_done.set_value();
    return res;
  });
  RawClient c(srv.port());
  ASSERT_TRUE(c.Send(Get("/first") + Get("/second") + Get("/third")));
  for (std::string_view want : {"GET /first", "GET /second", "GET /third"}) {
    auto r = c.Read();
    ASSERT_TRUE(r) << want;
    EXPECT_EQ(r->body, want);
  }
}

TEST(ServerTest, PipelineBeyondLimitIsServedInOrderWithBackpressure) {
  ServerOptions o;
  o.pipeline_limit = 2;
  TestServer srv(Echo, o);
  RawClient c(srv.port());
  std::string batch;
  for (int i = 0; i < 50; ++i) batch += Get("/r" + std::to_string(i));
  ASSERT_TRUE(c.Send(batch));
  for (int i = 0; i < 50; ++i) {
    auto r = c.Read();
    ASSERT_TRUE(r) << i;
    EXPECT_EQ(r->body, "GET /r" + std::to_string(i));
  }
}

TEST(ServerTest, HalfClosedClientStillGetsItsResponses) {
  TestServer srv(Echo);
  RawClient c(srv.port());
  ASSERT_TRUE(c.Send(Get("/a") + Get("/b")));
  c.ShutdownWrite();
  auto r1 = c.Read();
  auto r2 = c.Read();
  ASSERT_TRUE(r1 && r2);
  EXPECT_EQ(r2->body, "GET /b");
  EXPECT_TRUE(c.ReadEof());
}

TEST(ServerTest, ConnectionCloseFromClientClosesAfterResponse) {
  TestServer srv(Echo);
  RawClient c(srv.port());
  ASSERT_TRUE(c.Send(Get("/a", "Connection: close\r\n")));
  auto r = c.Read();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->Header("Connection"), "close");
  EXPECT_TRUE(c.ReadEof());
}

TEST(ServerTest, ResponseCloseClosesAfterWrite) {
  TestServer srv([](Request& req) {
    Response res = Echo(req);
    res.close = true;
    return res;
  });
  RawClient c(srv.port());
  ASSERT_TRUE(c.Send(Get("/a")));
  auto r = c.Read();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->Header("Connection"), "close");
  EXPECT_TRUE(c.ReadEof());
}

TEST(ServerTest, HeaderOverLimitGets431) {
  TestServer srv(Echo);
  RawClient c(srv.port());
  ASSERT_TRUE(c.Send(Get("/a", "X-Big: " + std::string(20 * 1024, 'x') + "\r\n")));
  auto r = c.Read();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 431u);
  EXPECT_NE(r->body.find("\"error\":\"431\""), std::string::npos);
  EXPECT_EQ(r->Header("Connection"), "close");
  EXPECT_FALSE(r->Header("X-Request-Id").empty());
  EXPECT_TRUE(c.ReadEof());
}

TEST(ServerTest, ContentLengthOverLimitGets413BeforeTheBody) {
  ServerOptions o;
  o.body_limit = 1024;
  TestServer srv(Echo, o);
  RawClient c(srv.port());
  ASSERT_TRUE(c.Send("POST /a HTTP/1.1\r\nHost: t\r\nContent-Length: 2048\r\n\r\n"));
  auto r = c.Read();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 413u);
  EXPECT_TRUE(c.ReadEof());
}

TEST(ServerTest, ChunkedBodyOverLimitGets413) {
  ServerOptions o;
  o.body_limit = 1024;
  TestServer srv(Echo, o);
  RawClient c(srv.port());
  std::string chunk = "200\r\n" + std::string(0x200, 'a') + "\r\n";
  ASSERT_TRUE(c.Send("POST /a HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n" + chunk +
                     chunk + chunk));
  auto r = c.Read();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 413u);
}

TEST(ServerTest, BodyLimitCanDependOnThePath) {
  ServerOptions o;
  o.body_limit = 1 << 20;
  o.body_limit_for = [](std::string_view path) -> std::size_t {
    return path == "/big" ? 4096 : 1024;
  };
  TestServer srv(Echo, o);
  {
    RawClient c(srv.port());
    ASSERT_TRUE(c.Send("POST /big HTTP/1.1\r\nHost: t\r\nContent-Length: 2048\r\n\r\n" +
                       std::string(2048, 'a')));
    auto r = c.Read();
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200u);
  }
  RawClient c(srv.port());
  ASSERT_TRUE(c.Send("POST /small.json HTTP/1.1\r\nHost: t\r\nContent-Length: 2048\r\n\r\n"));
  auto r = c.Read();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 413u);
}

TEST(ServerTest, ChunkedBodyIsAssembled) {
  TestServer srv([](Request& req) {
    Response res;
    res.body = req.body;
    return res;
  });
  RawClient c(srv.port());
  ASSERT_TRUE(
      c.Send("POST /a HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n"
             "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n"));
  auto r = c.Read();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->body, "hello world");
}

TEST(ServerTest, BodyWithContentLengthIsDelivered) {
  TestServer srv([](Request& req) {
    Response res;
    res.body = std::string(req.Header("content-type")) + ":" + req.body;
    return res;
  });
  RawClient c(srv.port());
  std::string body(100000, 'z');
  ASSERT_TRUE(c.Send("PUT /a HTTP/1.1\r\nHost: t\r\nContent-Type: x/y\r\nContent-Length: " +
                     std::to_string(body.size()) + "\r\n\r\n" + body));
  auto r = c.Read();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->body, "x/y:" + body);
}

TEST(ServerTest, GarbageGets400) {
  TestServer srv(Echo);
  RawClient c(srv.port());
  ASSERT_TRUE(c.Send("\x01\x02 this is not http\r\n\r\n"));
  auto r = c.Read();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400u);
  EXPECT_TRUE(c.ReadEof());
}

TEST(ServerTest, DotDotPathGets400) {
  TestServer srv(Echo);
  RawClient c(srv.port());
  ASSERT_TRUE(c.Send(Get("/api/%2e%2e/secret")));
  auto r = c.Read();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400u);
  EXPECT_NE(r->body.find(".."), std::string::npos);
}

TEST(ServerTest, NormalisesPathAndQuery) {
  TestServer srv([](Request& req) {
    Response res;
    res.body = req.path + (req.json_suffix ? " json" : " bare");
    for (const auto& [k, v] : req.query) res.body += " " + k + "=" + v;
    return res;
  });
  RawClient c(srv.port());
  ASSERT_TRUE(c.Send(Get("/api/v2//tickets/show_many.json?ids=1%2C2&page%5Bsize%5D=100")));
  auto r = c.Read();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->body, "/api/v2/tickets/show_many json ids=1,2 page[size]=100");
}

TEST(ServerTest, SlowClientIsCutOffAfterReadTimeout) {
  ServerOptions o;
  o.read_timeout = 1s;
  o.idle_timeout = 10s;
  TestServer srv(Echo, o);
  RawClient c(srv.port());
  auto start = std::chrono::steady_clock::now();
  // Trickle a never-ending header, one byte per 100 ms, until the server answers.
  std::string header = "GET /slow HTTP/1.1\r\nX-Slow: ";
  ASSERT_TRUE(c.Send(header));
  while (!c.Readable(100)) {
    ASSERT_LT(std::chrono::steady_clock::now() - start, 5s) << "never cut off";
    if (!c.Send("a")) break;
  }
  auto elapsed = std::chrono::steady_clock::now() - start;
  auto r = c.Read();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 408u);
  EXPECT_EQ(r->Header("Connection"), "close");
  EXPECT_GE(elapsed, 900ms);
  EXPECT_LT(elapsed, 3s);
  EXPECT_TRUE(c.ReadEof());
}

TEST(ServerTest, IdleKeepAliveConnectionIsClosed) {
  ServerOptions o;
  o.read_timeout = 5s;
  o.idle_timeout = 1s;
  TestServer srv(Echo, o);
  RawClient c(srv.port());
  ASSERT_TRUE(c.Send(Get("/a")));
  ASSERT_TRUE(c.Read());
  auto start = std::chrono::steady_clock::now();
  EXPECT_TRUE(c.ReadEof());
  auto elapsed = std::chrono::steady_clock::now() - start;
  EXPECT_GE(elapsed, 800ms);
  EXPECT_LT(elapsed, 3s);
}

TEST(ServerTest, SlowHandlerIsNotCutByIdleTimeout) {
  ServerOptions o;
  o.read_timeout = 1s;
  o.idle_timeout = 1s;
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  std::promise<void> entered;
  TestServer srv(
      [&](Request& req) {
        entered.set_value();
        released.wait_for(5s);
        return Echo(req);
      },
      o);
  RawClient c(srv.port());
  ASSERT_TRUE(c.Send(Get("/slow")));
  ASSERT_EQ(entered.get_future().wait_for(5s), std::future_status::ready);
  // Longer than both timeouts: the connection waits on us, not on the client.
  EXPECT_FALSE(c.Readable(2500));
  release.set_value();
  auto r = c.Read();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200u);
}

TEST(ServerTest, HandlerExceptionIsRendered500) {
  Renderer renderer;
  TestServer srv([](Request&) -> Response { throw std::runtime_error("boom"); }, {}, renderer);
  RawClient c(srv.port());
  ASSERT_TRUE(c.Send(Get("/a", "X-Request-Id: abc-123\r\n")));
  auto r = c.Read();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 500u);
  EXPECT_NE(r->body.find("\"error\":\"500\""), std::string::npos);
  EXPECT_EQ(r->body.find("boom"), std::string::npos);  // no internal detail
  EXPECT_EQ(r->Header("X-Request-Id"), "abc-123");
  // The connection stays usable.
  ASSERT_TRUE(c.Send(Get("/b")));
  EXPECT_TRUE(c.Read());
}

TEST(ServerTest, RequestIdIsEchoedOrGenerated) {
  TestServer srv([](Request& req) {
    Response res;
    res.body = req.request_id;
    return res;
  });
  RawClient c(srv.port());
  ASSERT_TRUE(c.Send(Get("/a", "X-Request-Id: my.id_1-2\r\n")));
  auto r1 = c.Read();
  ASSERT_TRUE(r1);
  EXPECT_EQ(r1->Header("X-Request-Id"), "my.id_1-2");
  EXPECT_EQ(r1->body, "my.id_1-2");

  ASSERT_TRUE(c.Send(Get("/a", "X-Request-Id: not valid!\r\n")));
  auto r2 = c.Read();
  ASSERT_TRUE(r2);
  EXPECT_NE(r2->Header("X-Request-Id"), "not valid!");
  EXPECT_EQ(r2->Header("X-Request-Id").size(), 16u);
  EXPECT_EQ(r2->body, r2->Header("X-Request-Id"));

  ASSERT_TRUE(c.Send(Get("/a")));
  auto r3 = c.Read();
  ASSERT_TRUE(r3);
  EXPECT_EQ(r3->Header("X-Request-Id").size(), 16u);
  EXPECT_NE(r3->Header("X-Request-Id"), r2->Header("X-Request-Id"));
}

TEST(ServerTest, RemoteAddressIsPeerIp) {
  TestServer srv([](Request& req) {
    Response res;
    res.body = req.remote_address;
    return res;
  });
  RawClient c(srv.port());
  ASSERT_TRUE(c.Send(Get("/a")));
  auto r = c.Read();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->body, "127.0.0.1");
}

TEST(ServerTest, HandlerRunsOffTheIoThread) {
  Renderer renderer;
  std::atomic<std::thread::id> handler_thread;
  TestServer srv(
      [&](Request& req) {
        handler_thread = std::this_thread::get_id();
        return Echo(req);
      },
      {}, renderer);
  RawClient c(srv.port());
  ASSERT_TRUE(c.Send(Get("/a")));
  ASSERT_TRUE(c.Read());
  // Parse errors are rendered on the I/O thread: that tells us which thread it is.
  RawClient bad(srv.port());
  ASSERT_TRUE(bad.Send("garbage\r\n\r\n"));
  ASSERT_TRUE(bad.Read());
  std::thread::id io = renderer.thread->load();
  EXPECT_NE(io, std::thread::id());
  EXPECT_NE(handler_thread.load(), std::thread::id());
  EXPECT_NE(handler_thread.load(), io);
  EXPECT_NE(handler_thread.load(), std::this_thread::get_id());
}

TEST(ServerTest, HeadSendsHeadersWithoutBody) {
  TestServer srv([](Request& req) {
    Response res;
    res.body = "hello";
    res.Header("X-Method", req.method);
    return res;
  });
  RawClient c(srv.port());
  ASSERT_TRUE(c.Send("HEAD /a HTTP/1.1\r\nHost: t\r\n\r\n" + Get("/a")));
  auto head = c.Read(/*head_request=*/true);
  ASSERT_TRUE(head);
  EXPECT_EQ(head->Header("Content-Length"), "5");
  EXPECT_EQ(head->Header("X-Method"), "HEAD");
  auto get = c.Read();  // framing intact: the HEAD response carried no body
  ASSERT_TRUE(get);
  EXPECT_EQ(get->body, "hello");
}

TEST(ServerTest, ExpectContinueGets100) {
  TestServer srv([](Request& req) {
    Response res;
    res.body = req.body;
    return res;
  });
  RawClient c(srv.port());
  ASSERT_TRUE(
      c.Send("POST /a HTTP/1.1\r\nHost: t\r\nExpect: 100-continue\r\n"
             "Content-Length: 3\r\n\r\n"));
  auto interim = c.Read();
  ASSERT_TRUE(interim);
  EXPECT_EQ(interim->status, 100u);
  ASSERT_TRUE(c.Send("abc"));
  auto r = c.Read();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->body, "abc");
}

TEST(ServerTest, OverMaxConnectionsGets503) {
  ServerOptions o;
  o.max_connections = 1;
  TestServer srv(Echo, o);
  RawClient first(srv.port());
  ASSERT_TRUE(first.Send(Get("/a")));
  ASSERT_TRUE(first.Read());  // registered
  RawClient second(srv.port());
  auto r = second.Read();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 503u);
  EXPECT_FALSE(r->Header("Retry-After").empty());
}

TEST(ServerTest, StopDeliversInFlightResponse) {
  std::promise<void> entered;
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  TestServer srv([&](Request& req) {
    if (req.path == "/slow") {
      entered.set_value();
      released.wait_for(5s);
    }
    return Echo(req);
  });
  RawClient busy(srv.port());
  RawClient idle(srv.port());
  ASSERT_TRUE(idle.Send(Get("/idle")));
  ASSERT_TRUE(idle.Read());
  ASSERT_TRUE(busy.Send(Get("/slow")));
  ASSERT_EQ(entered.get_future().wait_for(5s), std::future_status::ready);
  auto stopped = std::async(std::launch::async, [&] { srv.server().Stop(); });
  // The idle connection is closed by the drain; then the slow handler may finish.
  EXPECT_TRUE(idle.ReadEof());
  release.set_value();
  auto r = busy.Read();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200u);
  EXPECT_EQ(r->body, "GET /slow");
  EXPECT_EQ(r->Header("Connection"), "close");
  EXPECT_EQ(stopped.wait_for(10s), std::future_status::ready);
  EXPECT_TRUE(busy.ReadEof());
  srv.server().Stop();  // a second call is harmless
}

TEST(ServerTest, StartFailsWhenPortInUse) {
  TestServer first(Echo);
  ServerOptions o;
  o.address = "127.0.0.1";
  o.port = first.port();
  Server second(o, Echo, Renderer{});
  Status st = second.Start();
  EXPECT_FALSE(st.ok());
  EXPECT_EQ(st.code(), ErrorCode::kUnavailable);
  EXPECT_NE(st.message().find(std::to_string(first.port())), std::string::npos);
}

TEST(ServerTest, StartFailsOnInvalidAddress) {
  ServerOptions o;
  o.address = "not an address";
  o.port = 0;
  Server s(o, Echo, Renderer{});
  Status st = s.Start();
  EXPECT_EQ(st.code(), ErrorCode::kUnavailable);
}

}  // namespace
}  // namespace comptoir::http
