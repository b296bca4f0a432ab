// Outbound HTTP for webhooks and targets: one request with libcurl, with connect and
// total time-outs and a capped response. No state; the services decide what to send,
// how to sign it and whether to retry (the job queue).
#pragma once

#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace comptoir::webhooks {

using Headers = std::vector<std::pair<std::string, std::string>>;

struct Request {
  std::string method = "POST";  // GET, POST, PUT, PATCH, DELETE
  std::string url;              // http:// or https:// only
  Headers headers;
  std::string body;
  std::chrono::milliseconds connect_timeout{5'000};
  std::chrono::milliseconds total_timeout{12'000};
  std::size_t max_response_bytes = 16 * 1024;  // the rest of the body is read and dropped
  std::string user_agent = "Comptoir Webhook";
};

struct Response {
  bool transport_ok = false;  // a response arrived (any status)
  bool timed_out = false;
  int status = 0;
  Headers headers;
  std::string body;   // at most max_response_bytes
  std::string error;  // transport failure, when !transport_ok
  std::int64_t duration_ms = 0;
  bool success() const { return transport_ok && status >= 200 && status < 300; }
};

Response Perform(const Request& request);

// Whether `url` is an absolute http(s) URL with a host (what an endpoint may be).
bool ValidHttpUrl(std::string_view url);

// Zendesk's webhook signature: base64(HMAC-SHA256(secret, timestamp + body)).
std::string Signature(std::string_view secret, std::string_view timestamp, std::string_view body);

}  // namespace comptoir::webhooks
