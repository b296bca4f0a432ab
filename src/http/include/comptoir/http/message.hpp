// Request and Response: the plain values that cross the boundary between the HTTP
// transport (Boost.Beast, private to this module) and the handlers above it.
// A Request is owned by the one handler call that receives it; not shared across threads.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace comptoir::http {

// Case-insensitive ASCII comparison for header names.
bool IEquals(std::string_view a, std::string_view b);

struct Request {
  std::string method;  // "GET", "POST", … (upper case as received)
  std::string target;  // raw request target, e.g. "/api/v2/users.json?page%5Bsize%5D=2"
  // Normalised path: percent-decoded, duplicate slashes collapsed, one trailing slash
  // removed, and a ".json" suffix on the last segment removed ("/api/v2/users").
  std::string path;
  bool json_suffix = false;  // the last segment ended in ".json"
  // Query parameters with names and values percent-decoded ('+' is a space), in order.
  std::vector<std::pair<std::string, std::string>> query;
  std::vector<std::pair<std::string, std::string>> headers;  // as received
  std::string body;
  std::string remote_address;  // peer IP address
  std::string request_id;      // from X-Request-Id when sane, else generated
  // Path parameters filled by the Router ("id" → "42").
  std::vector<std::pair<std::string, std::string>> params;

  // First header of that name (case-insensitive), or "" when absent.
  std::string_view Header(std::string_view name) const;
  // First query parameter of that name, or nullptr.
  const std::string* Query(std::string_view name) const;
  // Path parameter, or "" when absent.
  std::string_view Param(std::string_view name) const;
};

struct Response {
  unsigned status = 200;
  std::string content_type = "application/json; charset=utf-8";
  std::vector<std::pair<std::string, std::string>> headers;  // extra headers
  std::string body;
  bool close = false;  // close the connection after sending

  Response& Header(std::string name, std::string value) {
    headers.emplace_back(std::move(name), std::move(value));
    return *this;
  }
};

}  // namespace comptoir::http
