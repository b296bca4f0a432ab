// DeliveryService on a real SQLite store with the real job queue, a real HTTP receiver
// and a real SMTP conversation on loopback: the effect sink (placeholders, recipients,
// loop guard, audit events), webhook delivery (signature, retries, invocations and
// attempts), the circuit breaker, a hanging endpoint next to a healthy one, and e-mail.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

#include "comptoir/common/crypto.hpp"
#include "comptoir/webhooks/http_client.hpp"
#include "people_fixture.hpp"

namespace comptoir::services {
namespace {

namespace json = boost::json;

// A loopback TCP server running `serve(fd, request_text)` per connection on its own
// thread. Stop() closes the listener and every open connection.
class Loopback {
 public:
  using Serve = std::function<void(int fd)>;
  explicit Loopback(Serve serve) : serve_(std::move(serve)) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    ::setsockopt(fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a);
    ::listen(fd_, 16);
    socklen_t len = sizeof a;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len);
    port_ = ntohs(a.sin_port);
    accept_ = std::thread([this] {
      for (;;) {
        int c = ::accept(fd_, nullptr, nullptr);
        if (c < 0) return;
        std::lock_guard lock(mu_);
        conns_.push_back(c);
        threads_.emplace_back([this, c] { serve_(c); });
      }
    });
  }
  ~Loopback() {
    ::shutdown(fd_, SHUT_RDWR);
    ::close(fd_);
    accept_.join();
    {
      std::lock_guard lock(mu_);
      for (int c : conns_) ::shutdown(c, SHUT_RDWR);
    }
    for (auto& t : threads_) t.join();
    for (int c : conns_) ::close(c);
  }
  int port() const { return port_; }

 private:
  Serve serve_;
  int fd_ = -1;
  int port_ = 0;
  std::thread accept_;
  std::mutex mu_;
  std::vector<int> conns_;
  std::vector<std::thread> threads_;
};

struct HttpSeen {
  std::string method, path, body;
  std::map<std::string, std::string> headers;  // lower-case names
  std::chrono::steady_clock::time_point at;
};

// An HTTP/1.1 receiver: `answer(path)` gives the status (0 = hang until closed).
class Receiver {
 public:
  explicit Receiver(std::function<int(const std::string& path)> answer)
      : answer_(std::move(answer)), server_([this](int c) { Serve(c); }) {}
  std::string url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(server_.port()) + path;
  }
  std::vector<HttpSeen> seen() {
    std::lock_guard lock(mu_);
    return seen_;
  }
  std::size_t count(const std::string& path) {
    std::lock_guard lock(mu_);
    std::size_t n = 0;
    for (const auto& s : seen_) n += s.path == path ? 1 : 0;
    return n;
  }

 private:
  void Serve(int c) {
    std::string buf;
    char tmp[4096];
    std::size_t head_end = std::string::npos;
    while (head_end == std::string::npos) {
      ssize_t n = ::read(c, tmp, sizeof tmp);
      if (n <= 0) return;
      buf.append(tmp, static_cast<std::size_t>(n));
      head_end = buf.find("\r\n\r\n");
    }
    HttpSeen s;
    s.at = std::chrono::steady_clock::now();
    std::string head = buf.substr(0, head_end);
    auto first = head.find("\r\n");
    std::string line = head.substr(0, first);
    s.method = line.substr(0, line.find(' '));
    s.path = line.substr(line.find(' ') + 1, line.rfind(' ') - line.find(' ') - 1);
    std::size_t pos = first + 2;
    while (pos < head.size()) {
      auto end = head.find("\r\n", pos);
      if (end == std::string::npos) end = head.size();
      std::string h = head.substr(pos, end - pos);
      auto colon = h.find(':');
      if (colon != std::string::npos) {
        std::string name = h.substr(0, colon);
        for (char& ch : name) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
        s.headers[name] = h.substr(h.find_first_not_of(' ', colon + 1));
      }
      pos = end + 2;
    }
    std::size_t want = 0;
    if (auto it = s.headers.find("content-length"); it != s.headers.end()) {
      want = std::stoul(it->second);
    }
    std::string body = buf.substr(head_end + 4);
    while (body.size() < want) {
      ssize_t n = ::read(c, tmp, sizeof tmp);
      if (n <= 0) break;
      body.append(tmp, static_cast<std::size_t>(n));
    }
    s.body = body;
    const int status = answer_(s.path);
    {
      std::lock_guard lock(mu_);
      seen_.push_back(s);
    }
    if (status == 0) {  // hang: read until the peer goes away
      while (::read(c, tmp, sizeof tmp) > 0) {
      }
      return;
    }
    std::string resp = "HTTP/1.1 " + std::to_string(status) +
                       " X\r\nContent-Length: 2\r\nConnection: close\r\nX-Seen: 1\r\n\r\nok";
    (void)!::write(c, resp.data(), resp.size());
  }

  std::function<int(const std::string&)> answer_;
  std::mutex mu_;
  std::vector<HttpSeen> seen_;
  Loopback server_;
};

// An SMTP server keeping the DATA of each message with its RCPT.
class SmtpSink {
 public:
  SmtpSink() : server_([this](int c) { Serve(c); }) {}
  int port() const { return server_.port(); }
  std::vector<std::pair<std::string, std::string>> messages() {
    std::lock_guard lock(mu_);
    return messages_;
  }

 private:
  void Send(int c, const std::string& s) { (void)!::write(c, s.data(), s.size()); }
  void Serve(int c) {
    Send(c, "220 sink ESMTP\r\n");
    std::string buf, rcpt;
    bool in_data = false;
    char tmp[4096];
    for (;;) {
      ssize_t n = ::read(c, tmp, sizeof tmp);
      if (n <= 0) return;
      buf.append(tmp, static_cast<std::size_t>(n));
      for (;;) {
        if (in_data) {
          auto end = buf.find("\r\n.\r\n");
          if (end == std::string::npos) break;
          {
            std::lock_guard lock(mu_);
            messages_.emplace_back(rcpt, buf.substr(0, end + 2));
          }
          buf.erase(0, end + 5);
          in_data = false;
          Send(c, "250 queued\r\n");
          continue;
        }
        auto eol = buf.find("\r\n");
        if (eol == std::string::npos) break;
        std::string line = buf.substr(0, eol);
        buf.erase(0, eol + 2);
        if (line.rfind("EHLO", 0) == 0) {
          Send(c, "250-sink\r\n250 8BITMIME\r\n");
        } else if (line.rfind("RCPT", 0) == 0) {
          rcpt = line.substr(line.find('<') + 1, line.find('>') - line.find('<') - 1);
          Send(c, rcpt.rfind("bounce", 0) == 0 ? "550 no such user\r\n" : "250 ok\r\n");
        } else if (line == "DATA") {
          in_data = true;
          Send(c, "354 go\r\n");
        } else if (line == "QUIT") {
          Send(c, "221 bye\r\n");
          return;
        } else {
          Send(c, "250 ok\r\n");
        }
      }
    }
  }
  std::mutex mu_;
  std::vector<std::pair<std::string, std::string>> messages_;
  Loopback server_;
};

class DeliveryServiceTest : public testing::PeopleFixture {
 protected:
  void SetUp() override {
    PeopleFixture::SetUp();
    ServicesOptions o;
    o.delivery.webhook_timeout = std::chrono::milliseconds(1500);
    o.delivery.webhook_connect_timeout = std::chrono::milliseconds(1000);
    o.delivery.circuit_failures = 3;
    o.delivery.circuit_cooldown = std::chrono::seconds(60);
    o.delivery.placeholders.public_url = "https://help.example.com";
    o.queue.workers = 3;
    o.queue.poll = std::chrono::milliseconds(50);
    // A store keeps its subscribers: the fixture's Services goes with its store, and a
    // fresh store on the same file gets the Services with these options.
    svc_.reset();
    store_.reset();
    auto s = sqlite::SqliteStore::Open({(dir_ / "test.db").string()});
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(s).value();
    svc_ = std::make_unique<Services>(*store_, clock_, *blobs_, o);
    requester_id_ = NewUserWithEmail("Zoé Martin", domain::Role::kEndUser, "zoe@example.org");
    agent_id_ = NewUserWithEmail("Ana Agent", domain::Role::kAgent, "ana@example.org");
  }
  void TearDown() override {
    svc_->queue.Stop();
    // The store's notifier thread may still hand a commit's event to the Services'
    // subscriber: the store goes first, while the Services are alive.
    store_.reset();
    PeopleFixture::TearDown();
  }

  UserId NewUserWithEmail(const std::string& name, domain::Role role, const std::string& email,
                          bool suspended = false) {
    UserId id = NewUser(name, role);
    EXPECT_TRUE(store_
                    ->Write([&](storage::Transaction& tx) -> Status {
                      auto u = tx.users().Get(account_, id);
                      if (!u.ok()) return u.status();
                      u->email = email;
                      u->suspended = suspended;
                      return tx.users().Update(*u);
                    })
                    .ok());
    return id;
  }

  domain::Ticket NewTicket(const std::string& subject) {
    TicketInput in;
    in.subject = subject;
    in.requester_id = requester_id_.value;
    in.assignee_id = agent_id_.value;
    CommentInput c;
    c.body = "My \"printer\" <is> on fire";
    in.comment = c;
    auto r = svc_->tickets.Create(admin_, in);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? r->ticket : domain::Ticket{};
  }

  storage::Webhook NewWebhook(const std::string& endpoint) {
    auto w = svc_->delivery.CreateWebhook(
        admin_,
        json::object{{"name", "hook"},
                     {"endpoint", endpoint},
                     {"http_method", "POST"},
                     {"request_format", "json"},
                     {"authentication", json::object{{"type", "api_key"},
                                                     {"data", json::object{{"name", "X-Api-Key"},
                                                                           {"value", "k-1"}}}}}});
    EXPECT_TRUE(w.ok()) << w.status().ToString();
    return w.ok() ? *w : storage::Webhook{};
  }

  // Runs the sink inside a write, as the trigger integration does.
  json::array Apply(const domain::Ticket& t, const std::vector<rules::Effect>& effects,
                    AuditId audit_id = AuditId(77)) {
    json::array events;
    domain::Audit a;
    a.id = audit_id;
    a.account_id = account_;
    a.ticket_id = t.id;
    Status st = store_->Write([&](storage::Transaction& tx) {
      return svc_->delivery.ApplyEffects(tx, admin_, t, a, effects, events);
    });
    EXPECT_TRUE(st.ok()) << st.ToString();
    return events;
  }

  void SetSmtp(int port, const std::string& support = "help@example.com") {
    auto s = svc_->delivery.UpdateEmailSettings(admin_, json::object{{"smtp_host", "127.0.0.1"},
                                                                     {"smtp_port", port},
                                                                     {"security", "none"},
                                                                     {"support_address", support},
                                                                     {"from_name", "Help"}});
    ASSERT_TRUE(s.ok()) << s.status().ToString();
  }

  // Runs due jobs until none is due, then moves the clock on (retries come due).
  void Drain(int rounds = 1, std::chrono::seconds step = std::chrono::seconds(0)) {
    svc_->queue.Start();
    for (int i = 0; i < rounds; ++i) {
      svc_->queue.Wake();
      svc_->queue.WaitIdle();
      clock_.Advance(step);
    }
    svc_->queue.Wake();
    svc_->queue.WaitIdle();
  }

  UserId requester_id_, agent_id_;
};

rules::Effect Notify(std::string recipient, std::string subject, std::string body) {
  rules::Effect e;
  e.kind = rules::Effect::Kind::kNotifyUser;
  e.recipient = std::move(recipient);
  e.subject = std::move(subject);
  e.body = std::move(body);
  e.rule_id = 5;
  e.rule_title = "Notify requester";
  return e;
}

rules::Effect Hook(std::int64_t id, std::string body) {
  rules::Effect e;
  e.kind = rules::Effect::Kind::kWebhook;
  e.target_id = std::to_string(id);
  e.body = std::move(body);
  e.rule_id = 6;
  e.rule_title = "Post to CRM";
  return e;
}

TEST_F(DeliveryServiceTest, NotificationRenderedPerPartSentThreadedAndAudited) {
  SmtpSink sink;
  SetSmtp(sink.port());
  auto t = NewTicket("Printer \"on fire\"");
  auto events = Apply(t, {Notify("requester_id", "[{{ticket.id}}] {{ticket.title}}",
                                 "Hi {{ticket.requester.first_name}},\n"
                                 "{{ticket.latest_comment}}\n{{ticket.link}}")});
  ASSERT_EQ(events.size(), 1U);
  const auto& ev = events[0].as_object();
  EXPECT_EQ(ev.at("type"), "Notification");
  EXPECT_EQ(ev.at("subject"),
            json::value("[" + std::to_string(t.id.value) + "] Printer \"on fire\""));
  EXPECT_EQ(ev.at("recipients"), json::array({requester_id_.value}));
  EXPECT_EQ(ev.at("via").at("source").at("from").at("id"), 5);
  EXPECT_EQ(ev.at("via").at("source").at("rel"), "trigger");
  Drain();
  auto msgs = sink.messages();
  ASSERT_EQ(msgs.size(), 1U);
  EXPECT_EQ(msgs[0].first, "zoe@example.org");
  const std::string& data = msgs[0].second;
  // Text part: as written; HTML part: escaped. Link under the account's host.
  EXPECT_NE(data.find("Hi Zo=C3=A9,"), std::string::npos) << data;
  EXPECT_NE(data.find("My \"printer\" <is> on fire"), std::string::npos);
  EXPECT_NE(data.find("My &quot;printer&quot; &lt;is&gt; on fire"), std::string::npos);
  EXPECT_NE(data.find("https://help.example.com/agent/tickets/" + std::to_string(t.id.value)),
            std::string::npos);
  EXPECT_NE(data.find("Message-ID: <comptoir.t" + std::to_string(t.id.value) + "."),
            std::string::npos);
  EXPECT_NE(data.find("Reply-To: \"Help\" <help@example.com>"), std::string::npos);
  EXPECT_EQ(data.find("In-Reply-To"), std::string::npos);

  // A second notification on the same ticket refers to the first.
  Apply(t, {Notify("requester_id", "Again", "Second")}, AuditId(78));
  Drain();
  msgs = sink.messages();
  ASSERT_EQ(msgs.size(), 2U);
  auto first_id = msgs[0].second.substr(msgs[0].second.find("Message-ID: <") + 13);
  first_id = first_id.substr(0, first_id.find('>'));
  EXPECT_NE(msgs[1].second.find("In-Reply-To: <" + first_id + ">"), std::string::npos)
      << msgs[1].second;
  EXPECT_NE(msgs[1].second.find("References: <" + first_id + ">"), std::string::npos);
}

TEST_F(DeliveryServiceTest, NeverToSuspendedUsersNorTheSupportAddress) {
  SmtpSink sink;
  SetSmtp(sink.port(), "help@example.com");
  UserId suspended = NewUserWithEmail("Sus", domain::Role::kAgent, "sus@example.org", true);
  UserId loop = NewUserWithEmail("Loop", domain::Role::kAgent, "help@example.com");
  auto t = NewTicket("Hello");
  auto events =
      Apply(t, {Notify(std::to_string(suspended.value), "s", "b"),
                Notify(std::to_string(loop.value), "s", "b"), Notify("assignee_id", "s", "b")});
  ASSERT_EQ(events.size(), 3U);
  EXPECT_TRUE(events[0].at("recipients").as_array().empty());
  EXPECT_TRUE(events[1].at("recipients").as_array().empty());
  EXPECT_EQ(events[2].at("recipients"), json::array({agent_id_.value}));
  Drain();
  auto msgs = sink.messages();
  ASSERT_EQ(msgs.size(), 1U);
  EXPECT_EQ(msgs[0].first, "ana@example.org");
}

TEST_F(DeliveryServiceTest, RefusedAddressIsRecordedOnTheTicketAndNotRetried) {
  SmtpSink sink;
  SetSmtp(sink.port());
  UserId bouncer = NewUserWithEmail("Bo", domain::Role::kAgent, "bounce@example.org");
  auto t = NewTicket("Bounce");
  Apply(t, {Notify(std::to_string(bouncer.value), "s", "b")});
  Drain(3, std::chrono::seconds(3600));
  EXPECT_TRUE(sink.messages().empty());
  bool found = false;
  ASSERT_TRUE(store_
                  ->Read([&](storage::Transaction& tx) -> Status {
                    storage::PageRequest p;
                    auto audits = tx.audits().List(account_, t.id, p);
                    if (!audits.ok()) return audits.status();
                    for (const auto& a : audits->items) {
                      for (const auto& e : a.events) {
                        if (e.at("type") == "DeliveryFailure" &&
                            e.at("recipient") == "bounce@example.org") {
                          found = true;
                          EXPECT_EQ(e.at("smtp_code"), 550);
                        }
                      }
                    }
                    return Status::Ok();
                  })
                  .ok());
  EXPECT_TRUE(found);
}

TEST_F(DeliveryServiceTest, NoSmtpServerConfiguredMailWaitsThenGoes) {
  auto t = NewTicket("Wait");
  Apply(t, {Notify("requester_id", "s", "b")});
  Drain();  // postponed: nothing to send to
  SmtpSink sink;
  SetSmtp(sink.port());
  Drain(1, std::chrono::seconds(31));
  ASSERT_EQ(sink.messages().size(), 1U);
}

TEST_F(DeliveryServiceTest, WebhookSignedJsonEscapedRetriedUntilSuccess) {
  std::atomic<int> calls{0};
  Receiver rx([&](const std::string&) { return ++calls <= 2 ? 503 : 200; });
  auto w = NewWebhook(rx.url("/hook"));
  auto t = NewTicket("Quote \" and \\ backslash");
  auto events = Apply(t, {Hook(w.id, R"({"id":"{{ticket.id}}","title":"{{ticket.title}}"})")});
  ASSERT_EQ(events.size(), 1U);
  EXPECT_EQ(events[0].at("type"), "WebhookNotification");
  Drain(3, std::chrono::seconds(20));
  auto seen = rx.seen();
  ASSERT_EQ(seen.size(), 3U);
  const HttpSeen& last = seen.back();
  auto body = json::parse(last.body);  // valid JSON despite the quote and backslash
  EXPECT_EQ(body.at("title"), "Quote \" and \\ backslash");
  EXPECT_EQ(body.at("id"), json::value(std::to_string(t.id.value)));
  EXPECT_EQ(last.headers.at("x-api-key"), "k-1");
  EXPECT_EQ(last.headers.at("content-type"), "application/json");
  auto secret = svc_->delivery.SigningSecret(admin_, w.id, false);
  ASSERT_TRUE(secret.ok());
  EXPECT_EQ(last.headers.at("x-zendesk-webhook-signature"),
            webhooks::Signature(*secret, last.headers.at("x-zendesk-webhook-signature-timestamp"),
                                last.body));
  storage::PageRequest p;
  auto inv = svc_->delivery.ListInvocations(admin_, w.id, p);
  ASSERT_TRUE(inv.ok());
  ASSERT_EQ(inv->items.size(), 1U);
  EXPECT_EQ(inv->items[0].status, "success");
  EXPECT_EQ(inv->items[0].latest_status_code, 200);
  auto attempts = svc_->delivery.ListAttempts(admin_, w.id, inv->items[0].id);
  ASSERT_TRUE(attempts.ok());
  ASSERT_EQ(attempts->size(), 3U);
  EXPECT_EQ((*attempts)[0].status_code, 503);
  EXPECT_EQ((*attempts)[2].status, "success");
}

TEST_F(DeliveryServiceTest, CircuitOpensAfterConsecutiveFailuresThenProbes) {
  std::atomic<bool> healthy{false};
  Receiver rx([&](const std::string&) { return healthy ? 200 : 500; });
  auto w = NewWebhook(rx.url("/down"));
  auto t = NewTicket("Circuit");
  std::vector<rules::Effect> effects;
  for (int i = 0; i < 6; ++i) effects.push_back(Hook(w.id, "{}"));
  Apply(t, effects);
  auto circuit = [&] {
    auto stored = svc_->delivery.GetWebhook(admin_, w.id);
    EXPECT_TRUE(stored.ok());
    return std::make_pair(stored->consecutive_failures, stored->circuit_open_until);
  };
  for (int i = 0; i < 20 && circuit().second == 0; ++i) Drain(1, std::chrono::seconds(1));
  // Three consecutive failures open the circuit.
  EXPECT_EQ(circuit().first, 3);
  EXPECT_GT(circuit().second, clock_.Now());
  EXPECT_EQ(rx.seen().size(), 3U);
  // Nothing goes through an open circuit (its jobs are postponed, no attempt spent).
  Drain(5, std::chrono::seconds(10));
  EXPECT_EQ(rx.seen().size(), 3U);
  // After the cool-down one probe goes; it fails, the circuit opens again.
  clock_.Advance(std::chrono::seconds(10));
  Drain();
  EXPECT_EQ(rx.seen().size(), 4U);
  EXPECT_GT(circuit().second, clock_.Now());
  // The endpoint heals: the next probe closes the circuit and every invocation succeeds.
  healthy = true;
  clock_.Advance(std::chrono::seconds(61));
  Drain(40, std::chrono::seconds(2));
  EXPECT_EQ(circuit().first, 0);
  EXPECT_EQ(circuit().second, 0);
  storage::PageRequest p;
  auto inv = svc_->delivery.ListInvocations(admin_, w.id, p);
  ASSERT_TRUE(inv.ok());
  ASSERT_EQ(inv->items.size(), 6U);
  for (const auto& i : inv->items) EXPECT_EQ(i.status, "success");
  EXPECT_EQ(rx.seen().size(), 4U + 6U);
}

TEST_F(DeliveryServiceTest, HangingEndpointDoesNotDelayAnotherWebhook) {
  Receiver hang([](const std::string&) { return 0; });
  Receiver fast([](const std::string&) { return 200; });
  auto slow_hook = NewWebhook(hang.url("/hang"));
  auto fast_hook = NewWebhook(fast.url("/fast"));
  auto t = NewTicket("Hang");
  // Three deliveries to the hanging endpoint first, then one to the healthy one.
  Apply(t, {Hook(slow_hook.id, "{}"), Hook(slow_hook.id, "{}"), Hook(slow_hook.id, "{}"),
            Hook(fast_hook.id, "{}")});
  const auto start = std::chrono::steady_clock::now();
  svc_->queue.Start();
  svc_->queue.Wake();
  for (int i = 0; i < 100 && fast.seen().empty(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ASSERT_EQ(fast.seen().size(), 1U);
  const auto waited =
      std::chrono::duration_cast<std::chrono::milliseconds>(fast.seen()[0].at - start);
  // The hanging endpoint's time-out is 1.5 s: the healthy one did not wait for it.
  EXPECT_LT(waited.count(), 1000) << "waited " << waited.count() << " ms";
  // One delivery at a time to the hanging endpoint (per-endpoint concurrency of 1).
  EXPECT_EQ(hang.seen().size(), 1U);
  svc_->queue.WaitIdle();
}

}  // namespace
}  // namespace comptoir::services
