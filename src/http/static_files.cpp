#include "comptoir/http/static_files.hpp"

#include <array>
#include <chrono>
#include <fstream>
#include <optional>
#include <sstream>
#include <system_error>
#include <utility>
#include <vector>

namespace comptoir::http {

namespace fs = std::filesystem;

namespace {

int Hex(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Percent-decodes a path; nullopt for malformed escapes and for bytes a file path must
// not smuggle (NUL, an encoded '/' or '\').
std::optional<std::string> DecodePath(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == '%') {
      if (i + 2 >= s.size() || Hex(s[i + 1]) < 0 || Hex(s[i + 2]) < 0) return std::nullopt;
      c = static_cast<char>(Hex(s[i + 1]) * 16 + Hex(s[i + 2]));
      if (c == '/' || c == '\\' || c == '\0') return std::nullopt;
      i += 2;
    } else if (c == '\\' || c == '\0') {
      return std::nullopt;
    }
    out += c;
  }
  return out;
}

// Splits "a/b/c" into its segments; nullopt when one of them is ".", ".." or hidden.
std::optional<std::vector<std::string>> Segments(std::string_view rel) {
  std::vector<std::string> out;
  while (!rel.empty()) {
    auto slash = rel.find('/');
    std::string_view seg = rel.substr(0, slash);
    rel = slash == std::string_view::npos ? std::string_view() : rel.substr(slash + 1);
    if (seg.empty()) continue;
    if (seg.front() == '.') return std::nullopt;  // ".", "..", ".hidden"
    out.emplace_back(seg);
  }
  return out;
}

std::optional<std::string> ReadFile(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream ss;
  ss << in.rdbuf();
  if (in.bad()) return std::nullopt;
  return std::move(ss).str();
}

bool IsInside(const fs::path& root, const fs::path& p) {
  auto r = root.begin();
  auto q = p.begin();
  for (; r != root.end(); ++r, ++q) {
    if (q == p.end() || *r != *q) return false;
  }
  return true;
}

Response Plain(unsigned status, std::string body) {
  Response r;
  r.status = status;
  r.content_type = "text/plain; charset=utf-8";
  r.body = std::move(body);
  r.Header("X-Content-Type-Options", "nosniff");
  return r;
}

// A file found under the root: its path (canonical) and its ETag.
struct Found {
  fs::path path;
  std::uintmax_t size = 0;
  std::string etag;
};

std::optional<Found> Lookup(const fs::path& root, const fs::path& p) {
  std::error_code ec;
  fs::path canon = fs::canonical(p, ec);
  if (ec || !IsInside(root, canon) || !fs::is_regular_file(canon, ec)) return std::nullopt;
  Found f;
  f.path = canon;
  f.size = fs::file_size(canon, ec);
  if (ec) return std::nullopt;
  auto mtime = fs::last_write_time(canon, ec);
  if (ec) return std::nullopt;
  const auto ticks = mtime.time_since_epoch().count();
  std::ostringstream tag;
  tag << '"' << std::hex << f.size << '-' << static_cast<long long>(ticks) << '"';
  f.etag = tag.str();
  return f;
}

bool EtagMatches(std::string_view header, std::string_view etag) {
  if (header.empty()) return false;
  if (header == "*") return true;
  while (!header.empty()) {
    auto comma = header.find(',');
    std::string_view one = header.substr(0, comma);
    header = comma == std::string_view::npos ? std::string_view() : header.substr(comma + 1);
    while (!one.empty() && one.front() == ' ') one.remove_prefix(1);
    while (!one.empty() && one.back() == ' ') one.remove_suffix(1);
    if (one.starts_with("W/")) one.remove_prefix(2);
    if (one == etag) return true;
  }
  return false;
}

}  // namespace

StaticFiles::StaticFiles(std::string prefix, fs::path root) : prefix_(std::move(prefix)) {
  std::error_code ec;
  fs::path canon = fs::canonical(root, ec);
  root_ = ec ? root.lexically_normal() : canon;
}

bool StaticFiles::Matches(std::string_view path) const {
  if (!path.starts_with(prefix_)) return false;
  return path.size() == prefix_.size() || path[prefix_.size()] == '/';
}

std::string_view StaticFiles::ContentType(std::string_view name) {
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 17> kTypes{{
      {".html", "text/html; charset=utf-8"},
      {".js", "text/javascript; charset=utf-8"},
      {".mjs", "text/javascript; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},
      {".json", "application/json; charset=utf-8"},
      {".map", "application/json; charset=utf-8"},
      {".webmanifest", "application/manifest+json"},
      {".svg", "image/svg+xml"},
      {".png", "image/png"},
      {".jpg", "image/jpeg"},
      {".jpeg", "image/jpeg"},
      {".gif", "image/gif"},
      {".webp", "image/webp"},
      {".ico", "image/x-icon"},
      {".woff2", "font/woff2"},
      {".woff", "font/woff"},
      {".txt", "text/plain; charset=utf-8"},
  }};
  auto dot = name.rfind('.');
  if (dot != std::string_view::npos) {
    std::string ext(name.substr(dot));
    for (char& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    for (const auto& [e, type] : kTypes) {
      if (e == std::string_view(ext)) return type;
    }
  }
  return "application/octet-stream";
}

bool StaticFiles::AcceptsGzip(std::string_view header) {
  while (!header.empty()) {
    auto comma = header.find(',');
    std::string_view one = header.substr(0, comma);
    header = comma == std::string_view::npos ? std::string_view() : header.substr(comma + 1);
    while (!one.empty() && one.front() == ' ') one.remove_prefix(1);
    auto semi = one.find(';');
    std::string_view coding = one.substr(0, semi);
    while (!coding.empty() && coding.back() == ' ') coding.remove_suffix(1);
    if (!IEquals(coding, "gzip") && coding != "*") continue;
    if (semi == std::string_view::npos) return true;
    std::string_view params = one.substr(semi + 1);
    auto q = params.find("q=");
    if (q == std::string_view::npos) return true;
    std::string_view value = params.substr(q + 2);
    // q=0, q=0.0, q=0.00 … refuse; any other value accepts.
    bool zero = !value.empty() && value.front() == '0';
    for (std::size_t i = 1; zero && i < value.size() && value[i] != ' ' && value[i] != ';'; ++i) {
      if (value[i] != '.' && value[i] != '0') zero = false;
    }
    return !zero;
  }
  return false;
}

Response StaticFiles::Serve(const Request& req) const {
  if (req.method != "GET" && req.method != "HEAD") {
    Response r = Plain(405, "Method not allowed\n");
    r.Header("Allow", "GET, HEAD");
    return r;
  }
  std::string_view raw = req.target;
  raw = raw.substr(0, raw.find_first_of("?#"));
  auto decoded = DecodePath(raw);
  if (!decoded || !Matches(*decoded)) return Plain(404, "Not found\n");
  std::string_view rel = std::string_view(*decoded).substr(prefix_.size());
  if (rel.empty()) {  // "/agent" → "/agent/", so that relative asset URLs resolve
    Response r = Plain(301, "");
    r.Header("Location", prefix_ + "/");
    return r;
  }
  auto segments = Segments(rel);
  if (!segments) return Plain(404, "Not found\n");

  fs::path file = root_;
  for (const auto& s : *segments) file /= s;
  const bool asset = !segments->empty() && segments->front() == "assets";
  std::optional<Found> found;
  if (!segments->empty()) found = Lookup(root_, file);
  if (!found) {
    // A client route ("/agent/tickets/42"): no extension on the last segment, not an asset.
    const bool route =
        segments->empty() || (!asset && segments->back().find('.') == std::string::npos);
    if (!route) return Plain(404, "Not found\n");
    found = Lookup(root_, root_ / "index.html");
    if (!found) return Plain(404, "The agent workspace is not built (index.html missing)\n");
  }

  const std::string name = found->path.filename().string();
  Response r;
  r.content_type = std::string(ContentType(name));
  r.Header("X-Content-Type-Options", "nosniff");
  const bool immutable = asset && found->path.parent_path().filename() == "assets";
  r.Header("Cache-Control", immutable ? "public, max-age=31536000, immutable" : "no-cache");
  if (name == "index.html") {
    r.Header("Content-Security-Policy",
             "default-src 'self'; img-src 'self' data: blob:; connect-src 'self'; "
             "object-src 'none'; base-uri 'self'; frame-ancestors 'none'");
    r.Header("Referrer-Policy", "same-origin");
  }

  // The gzip sibling, when there is one and the client takes it.
  fs::path path = found->path;
  std::string etag = found->etag;
  std::optional<Found> gz;
  const bool gzip = AcceptsGzip(req.Header("Accept-Encoding"));
  if (gzip) gz = Lookup(root_, fs::path(found->path.string() + ".gz"));
  r.Header("Vary", "Accept-Encoding");
  if (gz) {
    path = gz->path;
    etag = gz->etag.substr(0, gz->etag.size() - 1) + "-gz\"";
    r.Header("Content-Encoding", "gzip");
  }
  r.Header("ETag", etag);
  if (EtagMatches(req.Header("If-None-Match"), etag)) {
    r.status = 304;
    return r;
  }
  auto body = ReadFile(path);
  if (!body) return Plain(500, "Cannot read file\n");
  r.body = std::move(*body);
  return r;
}

}  // namespace comptoir::http
