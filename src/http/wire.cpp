#include "wire.hpp"

#include <boost/beast/http/status.hpp>

#include <charconv>
#include <chrono>
#include <cstdint>
#include <ctime>
#include <random>
#include <thread>

namespace comptoir::http {

namespace {

void AppendUint(std::string& out, std::uint64_t v) {
  char buf[24];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, static_cast<std::size_t>(end - buf));
}

bool HasCrLf(std::string_view s) { return s.find_first_of("\r\n") != std::string_view::npos; }

bool ValidHeaderName(std::string_view name) {
  if (name.empty()) return false;
  for (char c : name) {
    if (c <= ' ' || c == ':' || c == 0x7f) return false;
  }
  return true;
}

// "Sun, 06 Nov 1994 08:49:37 GMT", formatted at most once per second per thread.
std::string_view HttpDate() {
  thread_local std::time_t cached_second = -1;
  thread_local char buf[40];
  thread_local std::size_t len = 0;
  std::time_t now = std::time(nullptr);
  if (now != cached_second) {
    std::tm tm{};
    gmtime_r(&now, &tm);
    len = std::strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S GMT", &tm);
    cached_second = now;
  }
  return {buf, len};
}

bool TransportOwned(std::string_view name, unsigned status) {
  if (IEquals(name, "Content-Length") || IEquals(name, "Transfer-Encoding") ||
      IEquals(name, "Connection") || IEquals(name, "Server") || IEquals(name, "Date") ||
      IEquals(name, "X-Request-Id")) {
    return true;
  }
  return IEquals(name, "Retry-After") && status != 429 && status != 503;
}

}  // namespace

bool BodyAllowed(unsigned status) { return status >= 200 && status != 204 && status != 304; }

bool WantsClose(const Response& res) {
  if (res.close) return true;
  for (const auto& [name, value] : res.headers) {
    if (IEquals(name, "Connection") && IEquals(value, "close")) return true;
  }
  return false;
}

void SerializeHead(const Response& res, std::string_view request_id, const HeadOptions& options,
                   std::string& out) {
  unsigned status = res.status >= 100 && res.status <= 999 ? res.status : 500;
  namespace bh = boost::beast::http;
  bh::status known = bh::int_to_status(status);
  out += "HTTP/1.1 ";
  AppendUint(out, status);
  out += ' ';
  if (known == bh::status::unknown) {
    out += "Unknown";
  } else {
    auto reason = bh::obsolete_reason(known);
    out.append(reason.data(), reason.size());
  }
  out += "\r\nServer: Comptoir\r\nDate: ";
  out += HttpDate();
  out += "\r\nX-Request-Id: ";
  out += request_id;
  if (!res.content_type.empty() && !HasCrLf(res.content_type)) {
    out += "\r\nContent-Type: ";
    out += res.content_type;
  }
  if (status >= 200 && status != 204 && status != 304) {
    out += "\r\nContent-Length: ";
    AppendUint(out, res.body.size());
  }
  if (options.close) {
    out += "\r\nConnection: close";
  } else if (options.keep_alive_10) {
    out += "\r\nConnection: keep-alive";
  }
  for (const auto& [name, value] : res.headers) {
    if (!ValidHeaderName(name) || HasCrLf(value) || TransportOwned(name, status)) continue;
    out += "\r\n";
    out += name;
    out += ": ";
    out += value;
  }
  out += "\r\n\r\n";
}

bool ValidRequestId(std::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  for (char c : id) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

std::string NewRequestId() {
  // splitmix64: request ids need to be unique, not unpredictable.
  thread_local std::uint64_t state = [] {
    std::random_device rd;
    std::uint64_t seed = (static_cast<std::uint64_t>(rd()) << 32) ^ rd();
    seed ^= static_cast<std::uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count());
    seed ^= std::hash<std::thread::id>{}(std::this_thread::get_id());
    return seed;
  }();
  std::uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  z ^= z >> 31;
  static constexpr char kHex[] = "0123456789abcdef";
  std::string id(16, '0');
  for (int i = 15; i >= 0; --i) {
    id[static_cast<std::size_t>(i)] = kHex[z & 0xf];
    z >>= 4;
  }
  return id;
}

}  // namespace comptoir::http
