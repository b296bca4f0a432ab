// Composition (parsed back: headers, RFC 2047 words, quoted-printable parts) and SMTP
// sends to a real SMTP conversation on loopback (a small sink on a thread).
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <string>
#include <thread>

#include "comptoir/common/crypto.hpp"
#include "comptoir/mail/mail.hpp"

namespace comptoir::mail {
namespace {

std::string DecodeQp(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '=' && i + 2 < s.size() && s[i + 1] == '\r' && s[i + 2] == '\n') {
      i += 2;
    } else if (s[i] == '=' && i + 2 < s.size()) {
      out += static_cast<char>(std::stoi(std::string(s.substr(i + 1, 2)), nullptr, 16));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

// The value of a header (unfolded) in the message's header block.
std::string HeaderOf(const std::string& msg, const std::string& name) {
  const std::string head = msg.substr(0, msg.find("\r\n\r\n") + 2);
  auto pos = head.find("\r\n" + name + ": ");
  std::size_t start;
  if (head.rfind(name + ": ", 0) == 0) {
    start = name.size() + 2;
  } else if (pos != std::string::npos) {
    start = pos + 2 + name.size() + 2;
  } else {
    return {};
  }
  std::string value;
  std::size_t i = start;
  for (;;) {
    auto end = head.find("\r\n", i);
    value += head.substr(i, end - i);
    if (end + 2 < head.size() && (head[end + 2] == ' ' || head[end + 2] == '\t')) {
      i = end + 2;
      continue;
    }
    break;
  }
  return value;
}

std::string DecodeWords(const std::string& v) {
  std::string out;
  std::size_t i = 0;
  while (i < v.size()) {
    auto s = v.find("=?UTF-8?B?", i);
    if (s == std::string::npos) {
      out += v.substr(i);
      break;
    }
    std::string between = v.substr(i, s - i);
    if (between.find_first_not_of(" \t") != std::string::npos) out += between;
    auto e = v.find("?=", s + 10);
    auto dec = crypto::Base64Decode(v.substr(s + 10, e - s - 10));
    out += dec.ok() ? *dec : "?";
    i = e + 2;
  }
  return out;
}

Message Sample() {
  Message m;
  m.from = {"Support Café", "support@example.com"};
  m.reply_to = {"Support", "support@example.com"};
  m.to = {{"Zoë Müller", "zoe@example.org"}};
  m.subject = "Votre demande n°42 a été mise à jour — merci de votre patience, vraiment";
  m.text =
      "Bonjour,\nla réponse = oui.\n.\nUne ligne très longue " + std::string(120, 'x') + "\nfin ";
  m.html = "<p>Bonjour, <b>réponse</b></p>";
  m.message_id = "comptoir.t42.abc@example.com";
  m.references = {"comptoir.t42.one@example.com", "comptoir.t42.two@example.com"};
  m.in_reply_to = "comptoir.t42.two@example.com";
  m.date = 1'700'000'000;
  return m;
}

TEST(Compose, MultipartAlternativeParsesBack) {
  const std::string msg = Compose(Sample());
  EXPECT_EQ(HeaderOf(msg, "MIME-Version"), "1.0");
  EXPECT_EQ(HeaderOf(msg, "Message-ID"), "<comptoir.t42.abc@example.com>");
  EXPECT_EQ(HeaderOf(msg, "In-Reply-To"), "<comptoir.t42.two@example.com>");
  EXPECT_EQ(HeaderOf(msg, "References"),
            "<comptoir.t42.one@example.com> <comptoir.t42.two@example.com>");
  EXPECT_EQ(HeaderOf(msg, "Date"), "Tue, 14 Nov 2023 22:13:20 +0000");
  EXPECT_EQ(DecodeWords(HeaderOf(msg, "Subject")), Sample().subject);
  EXPECT_EQ(DecodeWords(HeaderOf(msg, "From")), "Support Café <support@example.com>");
  EXPECT_EQ(HeaderOf(msg, "Reply-To"), "\"Support\" <support@example.com>");
  // Every line of the message is at most 78 characters + CRLF, all ASCII.
  std::size_t start = 0;
  while (start < msg.size()) {
    auto end = msg.find("\r\n", start);
    ASSERT_NE(end, std::string::npos);
    EXPECT_LE(end - start, 78U) << msg.substr(start, end - start);
    start = end + 2;
  }
  for (unsigned char ch : msg) ASSERT_LT(ch, 0x80);
  // The two parts.
  const std::string ct = HeaderOf(msg, "Content-Type");
  ASSERT_EQ(ct.rfind("multipart/alternative; boundary=\"", 0), 0U) << ct;
  const std::string boundary = ct.substr(33, ct.size() - 34);
  auto p1 = msg.find("--" + boundary + "\r\n");
  auto p2 = msg.find("--" + boundary + "\r\n", p1 + 1);
  auto p3 = msg.find("--" + boundary + "--\r\n");
  ASSERT_TRUE(p1 != std::string::npos && p2 != std::string::npos && p3 != std::string::npos);
  std::string part1 = msg.substr(p1, p2 - p1);
  std::string part2 = msg.substr(p2, p3 - p2);
  EXPECT_NE(part1.find("Content-Type: text/plain; charset=UTF-8"), std::string::npos);
  EXPECT_NE(part2.find("Content-Type: text/html; charset=UTF-8"), std::string::npos);
  auto body = [](const std::string& part) {
    std::string b = part.substr(part.find("\r\n\r\n") + 4);
    b = b.substr(0, b.size() - 2);  // the CRLF before the boundary
    std::string d = DecodeQp(b);
    std::string out;
    for (std::size_t i = 0; i < d.size(); ++i) {
      if (d[i] == '\r' && i + 1 < d.size() && d[i + 1] == '\n') continue;
      out += d[i];
    }
    return out;
  };
  EXPECT_EQ(body(part1), Sample().text);
  EXPECT_EQ(body(part2), Sample().html);
}

TEST(Compose, NoHeaderInjection) {
  Message m = Sample();
  m.subject = "Hello\r\nBcc: victim@example.net";
  m.to = {{"Eve\r\nBcc: x@example.net", "eve@example.org"}};
  const std::string msg = Compose(m);
  EXPECT_EQ(HeaderOf(msg, "Bcc"), "");
  EXPECT_EQ(HeaderOf(msg, "Subject"), "Hello  Bcc: victim@example.net");
}

TEST(Compose, TextOnlyWithoutHtml) {
  Message m = Sample();
  m.html.clear();
  const std::string msg = Compose(m);
  EXPECT_EQ(HeaderOf(msg, "Content-Type"), "text/plain; charset=UTF-8");
  EXPECT_EQ(msg.find("multipart"), std::string::npos);
}

TEST(QuotedPrintable, EncodesWhatItMust) {
  EXPECT_EQ(QuotedPrintable("a=b"), "a=3Db");
  EXPECT_EQ(QuotedPrintable("trailing \nx"), "trailing=20\r\nx");
  EXPECT_EQ(QuotedPrintable(".dot"), "=2Edot");
  EXPECT_EQ(QuotedPrintable("é"), "=C3=A9");
  std::string long_line(200, 'a');
  std::string enc = QuotedPrintable(long_line);
  EXPECT_EQ(DecodeQp(enc), long_line);
  EXPECT_NE(enc.find("=\r\n"), std::string::npos);
}

TEST(ValidEmail, Cases) {
  EXPECT_TRUE(ValidEmail("a@example.com"));
  EXPECT_FALSE(ValidEmail("a@b"));
  EXPECT_FALSE(ValidEmail("a b@example.com"));
  EXPECT_FALSE(ValidEmail("<a@example.com>"));
  EXPECT_FALSE(ValidEmail("a@@example.com"));
  EXPECT_FALSE(ValidEmail("a@example.com\r\nRCPT TO:<b@example.com>"));
}

// A one-connection SMTP server: answers `rcpt_reply` to RCPT TO, records the
// conversation and the message data.
class Sink {
 public:
  explicit Sink(std::string rcpt_reply = "250 ok") : rcpt_reply_(std::move(rcpt_reply)) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = 0;
    ::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a);
    ::listen(fd_, 1);
    socklen_t len = sizeof a;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len);
    port_ = ntohs(a.sin_port);
    thread_ = std::thread([this] { Run(); });
  }
  ~Sink() {
    ::shutdown(fd_, SHUT_RDWR);
    ::close(fd_);
    thread_.join();
  }
  int port() const { return port_; }
  std::string commands;
  std::string data;

 private:
  void Send(int c, const std::string& s) { (void)!::write(c, s.data(), s.size()); }
  void Run() {
    int c = ::accept(fd_, nullptr, nullptr);
    if (c < 0) return;
    Send(c, "220 sink ESMTP\r\n");
    std::string buf;
    bool in_data = false;
    char tmp[4096];
    for (;;) {
      ssize_t n = ::read(c, tmp, sizeof tmp);
      if (n <= 0) break;
      buf.append(tmp, static_cast<std::size_t>(n));
      for (;;) {
        if (in_data) {
          auto end = buf.find("\r\n.\r\n");
          if (end == std::string::npos) break;
          data = buf.substr(0, end + 2);
          buf.erase(0, end + 5);
          in_data = false;
          Send(c, "250 queued\r\n");
          continue;
        }
        auto eol = buf.find("\r\n");
        if (eol == std::string::npos) break;
        std::string line = buf.substr(0, eol);
        buf.erase(0, eol + 2);
        commands += line + "\n";
        if (line.rfind("EHLO", 0) == 0) {
          Send(c, "250-sink\r\n250 8BITMIME\r\n");
        } else if (line.rfind("MAIL", 0) == 0) {
          Send(c, "250 ok\r\n");
        } else if (line.rfind("RCPT", 0) == 0) {
          Send(c, rcpt_reply_ + "\r\n");
        } else if (line == "DATA") {
          Send(c, "354 go\r\n");
          in_data = true;
        } else if (line == "QUIT") {
          Send(c, "221 bye\r\n");
          break;
        } else {
          Send(c, "250 ok\r\n");
        }
      }
    }
    ::close(c);
  }
  std::string rcpt_reply_;
  int fd_ = -1;
  int port_ = 0;
  std::thread thread_;
};

SmtpServer Local(int port) {
  SmtpServer s;
  s.host = "127.0.0.1";
  s.port = port;
  s.security = Security::kNone;
  s.connect_timeout = std::chrono::milliseconds(2000);
  s.total_timeout = std::chrono::milliseconds(5000);
  return s;
}

TEST(Send, DeliversToARealSmtpConversation) {
  Sink sink;
  const std::string msg = Compose(Sample());
  SendResult r = Send(Local(sink.port()), "support@example.com", {"zoe@example.org"}, msg);
  ASSERT_TRUE(r.ok()) << r.message;
  EXPECT_EQ(r.smtp_code, 250);
  EXPECT_NE(sink.commands.find("MAIL FROM:<support@example.com>"), std::string::npos);
  EXPECT_NE(sink.commands.find("RCPT TO:<zoe@example.org>"), std::string::npos);
  // The data arrives as composed (a line starting with a dot would be stuffed; QP
  // encodes it, so the data is the message itself).
  EXPECT_EQ(sink.data, msg);
}

TEST(Send, RefusedRecipientIsPermanent) {
  Sink sink("550 no such user");
  SendResult r =
      Send(Local(sink.port()), "support@example.com", {"nobody@example.org"}, Compose(Sample()));
  EXPECT_EQ(r.kind, SendResult::Kind::kPermanent) << r.message;
  EXPECT_EQ(r.smtp_code, 550);
}

TEST(Send, BusyServerIsTemporary) {
  Sink sink("451 try again later");
  SendResult r =
      Send(Local(sink.port()), "support@example.com", {"zoe@example.org"}, Compose(Sample()));
  EXPECT_EQ(r.kind, SendResult::Kind::kTemporary) << r.message;
}

TEST(Send, NoServerIsTemporary) {
  int port = 0;
  {
    Sink probe;  // a port that was free a moment ago, closed now
    port = probe.port();
    int c = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = htons(static_cast<std::uint16_t>(port));
    (void)::connect(c, reinterpret_cast<sockaddr*>(&a), sizeof a);
    ::close(c);
  }
  SendResult r = Send(Local(port), "support@example.com", {"zoe@example.org"}, "x\r\n");
  EXPECT_EQ(r.kind, SendResult::Kind::kTemporary) << r.message;
  SmtpServer none;
  EXPECT_EQ(Send(none, "a@example.com", {"b@example.com"}, "x").kind, SendResult::Kind::kTemporary);
}

}  // namespace
}  // namespace comptoir::mail
