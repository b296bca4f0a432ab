#include "comptoir/mail/mail.hpp"

#include <curl/curl.h>

#include <cstring>
#include <ctime>
#include <mutex>

#include "comptoir/common/crypto.hpp"

namespace comptoir::mail {

namespace {

bool IsAscii(std::string_view s) {
  for (unsigned char ch : s) {
    if (ch >= 0x80) return false;
  }
  return true;
}

std::string NoBreaks(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char ch : s) {
    if (ch == '\r' || ch == '\n') {
      out += ' ';
    } else if (ch != '\0') {
      out += ch;
    }
  }
  return out;
}

// The length of the UTF-8 sequence starting with `lead` (1 for stray bytes).
std::size_t Utf8Len(unsigned char lead) {
  if (lead >= 0xF0 && lead < 0xF8) return 4;
  if (lead >= 0xE0) return 3;
  if (lead >= 0xC0) return 2;
  return 1;
}

void Header(std::string& out, std::string_view name, std::string_view value) {
  out.append(name);
  out += ": ";
  out.append(value);
  out += "\r\n";
}

std::string Boundary() { return "=_comptoir_" + crypto::RandomAlnum(24); }

void Part(std::string& out, std::string_view type, std::string_view body) {
  out += "Content-Type: ";
  out.append(type);
  out += "; charset=UTF-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n";
  out += QuotedPrintable(body);
  out += "\r\n";
}

std::once_flag curl_once;

struct Upload {
  std::string_view data;
  std::size_t pos = 0;
};

std::size_t ReadBody(char* buf, std::size_t size, std::size_t n, void* user) {
  auto* u = static_cast<Upload*>(user);
  const std::size_t room = size * n;
  const std::size_t left = u->data.size() - u->pos;
  const std::size_t k = left < room ? left : room;
  std::memcpy(buf, u->data.data() + u->pos, k);
  u->pos += k;
  return k;
}

}  // namespace

std::string EncodeHeaderText(std::string_view value) {
  std::string clean = NoBreaks(value);
  if (IsAscii(clean)) return clean;
  // Encoded words of at most 36 bytes of input each (60 characters encoded, so a line
  // stays under 78 even after a header name), cut on UTF-8 character boundaries,
  // separated by folding white space.
  std::string out;
  std::size_t i = 0;
  while (i < clean.size()) {
    std::size_t end = i;
    while (end < clean.size()) {
      std::size_t len = Utf8Len(static_cast<unsigned char>(clean[end]));
      if (end + len - i > 36) break;
      end += len;
    }
    if (end == i) end = std::min(clean.size(), i + Utf8Len(static_cast<unsigned char>(clean[i])));
    if (!out.empty()) out += "\r\n ";
    out += "=?UTF-8?B?";
    out += crypto::Base64Encode(std::string_view(clean).substr(i, end - i));
    out += "?=";
    i = end;
  }
  return out;
}

std::string QuotedPrintable(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size() + text.size() / 8);
  std::size_t col = 0;
  auto put = [&](std::string_view piece) {
    if (col + piece.size() > 75) {
      out += "=\r\n";
      col = 0;
    }
    out.append(piece);
    col += piece.size();
  };
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto ch = static_cast<unsigned char>(text[i]);
    if (ch == '\n' || (ch == '\r' && i + 1 < text.size() && text[i + 1] == '\n')) {
      if (ch == '\r') ++i;
      out += "\r\n";
      col = 0;
      continue;
    }
    const bool line_end = i + 1 == text.size() || text[i + 1] == '\n' || text[i + 1] == '\r';
    const bool plain =
        (ch >= 33 && ch <= 126 && ch != '=') || ((ch == ' ' || ch == '\t') && !line_end);
    // A dot at the start of a line is encoded too: some relays treat it specially.
    if (plain && !(ch == '.' && col == 0)) {
      char c = static_cast<char>(ch);
      put(std::string_view(&c, 1));
    } else {
      const char enc[3] = {'=', kHex[ch >> 4], kHex[ch & 0xF]};
      put(std::string_view(enc, 3));
    }
  }
  return out;
}

std::string FormatAddress(const Address& a) {
  std::string email = NoBreaks(a.email);
  if (a.name.empty()) return email;
  std::string name = NoBreaks(a.name);
  std::string shown;
  if (IsAscii(name)) {
    shown = "\"";
    for (char ch : name) {
      if (ch == '"' || ch == '\\') shown += '\\';
      shown += ch;
    }
    shown += '"';
  } else {
    // Folded before the address: the last encoded word and the address on one line
    // could pass 78 characters.
    return EncodeHeaderText(name) + "\r\n <" + email + ">";
  }
  return shown + " <" + email + ">";
}

bool ValidEmail(std::string_view email) {
  if (email.size() < 3 || email.size() > 254) return false;
  auto at = email.rfind('@');
  if (at == std::string_view::npos || at == 0 || at + 1 == email.size()) return false;
  for (unsigned char ch : email) {
    if (ch <= 32 || ch == 127 || ch == '<' || ch == '>' || ch == ',' || ch == ';' || ch == '"' ||
        ch == '(' || ch == ')' || ch == '[' || ch == ']' || ch == '\\') {
      return false;
    }
  }
  if (email.find('@') != at) return false;
  return email.substr(at + 1).find('.') != std::string_view::npos;
}

std::string FormatDate(Timestamp t) {
  std::time_t tt = static_cast<std::time_t>(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  static constexpr const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  char buf[64];
  std::snprintf(buf, sizeof buf, "%s, %02d %s %04d %02d:%02d:%02d +0000", kDays[tm.tm_wday % 7],
                tm.tm_mday, kMonths[tm.tm_mon % 12], tm.tm_year + 1900, tm.tm_hour, tm.tm_min,
                tm.tm_sec);
  return buf;
}

std::string Compose(const Message& m) {
  std::string out;
  Header(out, "Date", FormatDate(m.date));
  Header(out, "From", FormatAddress(m.from));
  if (!m.reply_to.email.empty()) Header(out, "Reply-To", FormatAddress(m.reply_to));
  std::string to;
  for (const auto& a : m.to) {
    if (!to.empty()) to += ",\r\n ";
    to += FormatAddress(a);
  }
  Header(out, "To", to);
  Header(out, "Subject", EncodeHeaderText(m.subject));
  Header(out, "Message-ID", "<" + NoBreaks(m.message_id) + ">");
  if (!m.in_reply_to.empty()) Header(out, "In-Reply-To", "<" + NoBreaks(m.in_reply_to) + ">");
  if (!m.references.empty()) {
    std::string refs;
    for (const auto& r : m.references) {
      if (!refs.empty()) refs += "\r\n ";
      refs += "<" + NoBreaks(r) + ">";
    }
    Header(out, "References", refs);
  }
  for (const auto& [name, value] : m.headers) Header(out, NoBreaks(name), EncodeHeaderText(value));
  Header(out, "MIME-Version", "1.0");
  if (m.html.empty()) {
    Part(out, "text/plain", m.text);
    return out;
  }
  const std::string b = Boundary();
  Header(out, "Content-Type", "multipart/alternative;\r\n boundary=\"" + b + "\"");
  out += "\r\n";
  out += "--" + b + "\r\n";
  Part(out, "text/plain", m.text);
  out += "--" + b + "\r\n";
  Part(out, "text/html", m.html);
  out += "--" + b + "--\r\n";
  return out;
}

SendResult Send(const SmtpServer& server, std::string_view envelope_from,
                const std::vector<std::string>& recipients, std::string_view data) {
  std::call_once(curl_once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  SendResult result;
  if (server.host.empty()) {
    result.message = "no SMTP server is configured";
    return result;
  }
  if (recipients.empty()) {
    result.kind = SendResult::Kind::kPermanent;
    result.message = "no recipient";
    return result;
  }
  CURL* curl = curl_easy_init();
  if (curl == nullptr) {
    result.message = "curl_easy_init failed";
    return result;
  }
  const bool tls = server.security == Security::kTls;
  std::string host = server.host;
  if (host.find(':') != std::string::npos && host.front() != '[') host = "[" + host + "]";
  std::string url = std::string(tls ? "smtps://" : "smtp://") + host + ":" +
                    std::to_string(server.port) + "/" + server.helo_domain;
  std::string from = "<" + NoBreaks(envelope_from) + ">";
  curl_slist* rcpt = nullptr;
  for (const auto& r : recipients)
    rcpt = curl_slist_append(rcpt, ("<" + NoBreaks(r) + ">").c_str());
  Upload up{data, 0};
  char err[CURL_ERROR_SIZE] = {0};
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
  curl_easy_setopt(curl, CURLOPT_MAIL_FROM, from.c_str());
  curl_easy_setopt(curl, CURLOPT_MAIL_RCPT, rcpt);
  curl_easy_setopt(curl, CURLOPT_READFUNCTION, ReadBody);
  curl_easy_setopt(curl, CURLOPT_READDATA, &up);
  curl_easy_setopt(curl, CURLOPT_UPLOAD, 1L);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, err);
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS,
                   static_cast<long>(server.connect_timeout.count()));
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(server.total_timeout.count()));
  if (server.security == Security::kStartTls) {
    curl_easy_setopt(curl, CURLOPT_USE_SSL, static_cast<long>(CURLUSESSL_ALL));
  } else if (server.security == Security::kNone) {
    curl_easy_setopt(curl, CURLOPT_USE_SSL, static_cast<long>(CURLUSESSL_NONE));
  }
  if (!server.verify_peer) {
    curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 0L);
    curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, 0L);
  }
  if (!server.username.empty()) {
    curl_easy_setopt(curl, CURLOPT_USERNAME, server.username.c_str());
    curl_easy_setopt(curl, CURLOPT_PASSWORD, server.password.c_str());
  }
  const CURLcode rc = curl_easy_perform(curl);
  long code = 0;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &code);
  result.smtp_code = static_cast<int>(code);
  if (rc == CURLE_OK) {
    result.kind = SendResult::Kind::kSent;
    result.message = "sent";
  } else {
    result.message = std::string(curl_easy_strerror(rc));
    if (err[0] != '\0') result.message += std::string(": ") + err;
    if (code != 0) result.message += " (SMTP " + std::to_string(code) + ")";
    // 5xx to MAIL FROM, RCPT TO or DATA: refused for good. A refused login (535) is the
    // account's settings, which an administrator can fix: retried.
    const bool refused = code >= 500 && code < 600 && rc != CURLE_LOGIN_DENIED;
    result.kind = refused ? SendResult::Kind::kPermanent : SendResult::Kind::kTemporary;
  }
  curl_slist_free_all(rcpt);
  curl_easy_cleanup(curl);
  return result;
}

}  // namespace comptoir::mail
