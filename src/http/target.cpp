#include "target.hpp"

namespace comptoir::http {

namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

constexpr std::string_view kJsonSuffix = ".json";

// Returns the origin-form part of an absolute-form target ("http://h/p?q" → "/p?q").
std::string_view StripScheme(std::string_view target) {
  for (std::string_view scheme : {std::string_view("http://"), std::string_view("https://")}) {
    if (target.size() >= scheme.size()) {
      bool match = true;
      for (std::size_t i = 0; i < scheme.size(); ++i) {
        char c = target[i];
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
        if (c != scheme[i]) {
          match = false;
          break;
        }
      }
      if (match) {
        std::string_view rest = target.substr(scheme.size());
        std::size_t slash = rest.find_first_of("/?");
        if (slash == std::string_view::npos) return "/";
        if (rest[slash] == '?') return {};  // "http://h?x" has no path; rejected below
        return rest.substr(slash);
      }
    }
  }
  return target;
}

}  // namespace

bool PercentDecode(std::string_view in, std::string& out, bool plus_is_space, bool lenient) {
  out.reserve(out.size() + in.size());
  for (std::size_t i = 0; i < in.size(); ++i) {
    char c = in[i];
    if (c == '%') {
      int hi = i + 2 < in.size() ? HexValue(in[i + 1]) : -1;
      int lo = hi >= 0 ? HexValue(in[i + 2]) : -1;
      if (hi < 0 || lo < 0) {
        if (!lenient) return false;
        out += c;
        continue;
      }
      out += static_cast<char>(hi * 16 + lo);
      i += 2;
    } else if (c == '+' && plus_is_space) {
      out += ' ';
    } else {
      out += c;
    }
  }
  return true;
}

Status ParseTarget(std::string_view target, Request& req) {
  req.path.clear();
  req.json_suffix = false;
  req.query.clear();

  target = StripScheme(target);
  if (target.empty() || target.front() != '/') {
    return InvalidArgument("The request target must be an absolute path.");
  }
  if (std::size_t hash = target.find('#'); hash != std::string_view::npos) {
    target = target.substr(0, hash);
  }
  std::string_view raw_path = target;
  std::string_view raw_query;
  if (std::size_t q = target.find('?'); q != std::string_view::npos) {
    raw_path = target.substr(0, q);
    raw_query = target.substr(q + 1);
  }

  // Decode first, then split: an encoded "%2F" or "%2e%2e" must not smuggle a ".."
  // segment past the check.
  std::string decoded;
  if (!PercentDecode(raw_path, decoded, /*plus_is_space=*/false, /*lenient=*/false)) {
    return InvalidArgument("The request path has a malformed percent escape.");
  }
  if (decoded.find('\0') != std::string::npos) {
    return InvalidArgument("The request path contains a NUL byte.");
  }

  std::string& path = req.path;
  path.reserve(decoded.size());
  std::string_view rest = decoded;
  while (!rest.empty()) {
    std::size_t slash = rest.find('/');
    std::string_view segment = rest.substr(0, slash);
    rest = slash == std::string_view::npos ? std::string_view() : rest.substr(slash + 1);
    if (segment.empty() || segment == ".") continue;
    if (segment == "..") {
      return InvalidArgument("The request path must not contain '..' segments.");
    }
    path += '/';
    path += segment;
  }
  if (path.empty()) {
    path.push_back('/');
  } else {
    std::size_t last = path.rfind('/');
    std::size_t last_len = path.size() - last - 1;
    if (last_len > kJsonSuffix.size() && path.ends_with(kJsonSuffix)) {
      path.resize(path.size() - kJsonSuffix.size());
      req.json_suffix = true;
    }
  }

  while (!raw_query.empty()) {
    std::size_t amp = raw_query.find('&');
    std::string_view pair = raw_query.substr(0, amp);
    raw_query = amp == std::string_view::npos ? std::string_view() : raw_query.substr(amp + 1);
    if (pair.empty()) continue;
    std::size_t eq = pair.find('=');
    std::string_view name = pair.substr(0, eq);
    std::string_view value =
        eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1);
    auto& [n, v] = req.query.emplace_back();
    // Query text is often typed by people ("100%"), so a stray '%' is kept as is.
    PercentDecode(name, n, /*plus_is_space=*/true, /*lenient=*/true);
    PercentDecode(value, v, /*plus_is_space=*/true, /*lenient=*/true);
    if (n.find('\0') != std::string::npos || v.find('\0') != std::string::npos) {
      return InvalidArgument("The query string contains a NUL byte.");
    }
  }
  return Status::Ok();
}

}  // namespace comptoir::http
