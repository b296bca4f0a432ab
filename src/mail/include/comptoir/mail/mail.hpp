// Outbound e-mail: composing a MIME message (multipart/alternative, text + HTML, UTF-8)
// and sending it over SMTP with libcurl to a smart host. No state, no database: the
// services decide what to send and when to retry (the job queue).
#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "comptoir/common/clock.hpp"

namespace comptoir::mail {

struct Address {
  std::string name;   // display name (UTF-8), may be empty
  std::string email;  // addr-spec
};

struct Message {
  Address from;
  Address reply_to;  // empty email: none
  std::vector<Address> to;
  std::string subject;                  // UTF-8
  std::string text;                     // the text/plain part (UTF-8)
  std::string html;                     // the text/html part (UTF-8); empty: text only
  std::string message_id;               // without angle brackets: "tok.123@host"
  std::string in_reply_to;              // without angle brackets; empty: none
  std::vector<std::string> references;  // without angle brackets, oldest first
  std::vector<std::pair<std::string, std::string>> headers;  // extra headers (ASCII names)
  Timestamp date = 0;
};

// The message as RFC 5322 text with CRLF line ends: headers with non-ASCII words
// RFC 2047-encoded (UTF-8, B encoding), bodies quoted-printable, a multipart/alternative
// body when `html` is not empty. Header values are stripped of CR and LF (no header
// injection through a subject or a name).
std::string Compose(const Message& m);

// An RFC 2047 encoded-word sequence for a header value when it has non-ASCII bytes, the
// value itself otherwise.
std::string EncodeHeaderText(std::string_view value);
// Quoted-printable (RFC 2045) with CRLF line ends and soft breaks at 76 columns.
std::string QuotedPrintable(std::string_view text);
// "Name <addr>" with the name quoted or encoded as needed.
std::string FormatAddress(const Address& a);
// A plausible addr-spec: local@domain, no spaces, no control characters, no angle brackets.
bool ValidEmail(std::string_view email);
// "Sat, 21 Nov 2026 11:29:42 +0000".
std::string FormatDate(Timestamp t);

enum class Security { kNone, kStartTls, kTls };

struct SmtpServer {
  std::string host;
  int port = 25;
  Security security = Security::kStartTls;
  std::string username;  // empty: no AUTH
  std::string password;
  std::chrono::milliseconds connect_timeout{10'000};
  std::chrono::milliseconds total_timeout{60'000};
  bool verify_peer = true;  // TLS certificate and host name
  std::string helo_domain = "localhost";
};

struct SendResult {
  enum class Kind { kSent, kTemporary, kPermanent };
  Kind kind = Kind::kTemporary;
  int smtp_code = 0;  // the last reply code the server gave, 0 when none
  std::string message;
  bool ok() const { return kind == Kind::kSent; }
};

// Sends `data` (Compose's output) from `envelope_from` to `recipients`. A 5xx reply is a
// permanent failure (the address or the message is refused: retrying will not help);
// everything else that fails (no connection, time-out, 4xx, TLS trouble, AUTH refused)
// is temporary.
SendResult Send(const SmtpServer& server, std::string_view envelope_from,
                const std::vector<std::string>& recipients, std::string_view data);

}  // namespace comptoir::mail
