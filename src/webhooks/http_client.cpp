#include "comptoir/webhooks/http_client.hpp"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <mutex>

#include "comptoir/common/crypto.hpp"

namespace comptoir::webhooks {

namespace {

std::once_flag curl_once;

struct Sink {
  Response* res;
  std::size_t cap;
};

std::size_t WriteBody(char* data, std::size_t size, std::size_t n, void* user) {
  auto* s = static_cast<Sink*>(user);
  const std::size_t len = size * n;
  if (s->res->body.size() < s->cap) {
    s->res->body.append(data, std::min(len, s->cap - s->res->body.size()));
  }
  return len;
}

std::size_t WriteHeader(char* data, std::size_t size, std::size_t n, void* user) {
  auto* s = static_cast<Sink*>(user);
  const std::size_t len = size * n;
  std::string_view line(data, len);
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.remove_suffix(1);
  if (line.rfind("HTTP/", 0) == 0) {
    s->res->headers.clear();  // a new response (after 100 Continue or a redirect)
    return len;
  }
  auto colon = line.find(':');
  if (colon != std::string_view::npos && s->res->headers.size() < 100) {
    std::string_view value = line.substr(colon + 1);
    while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
    s->res->headers.emplace_back(std::string(line.substr(0, colon)), std::string(value));
  }
  return len;
}

}  // namespace

bool ValidHttpUrl(std::string_view url) {
  std::string_view rest;
  if (url.rfind("https://", 0) == 0) {
    rest = url.substr(8);
  } else if (url.rfind("http://", 0) == 0) {
    rest = url.substr(7);
  } else {
    return false;
  }
  if (url.size() > 2048) return false;
  for (unsigned char ch : url) {
    if (ch <= 32 || ch == 127) return false;
  }
  auto end = rest.find_first_of("/?#");
  std::string_view host = rest.substr(0, end);
  auto at = host.rfind('@');
  if (at != std::string_view::npos) host = host.substr(at + 1);
  return !host.empty() && host.front() != ':';
}

std::string Signature(std::string_view secret, std::string_view timestamp, std::string_view body) {
  std::string data(timestamp);
  data.append(body);
  return crypto::Base64Encode(crypto::HmacSha256(secret, data));
}

Response Perform(const Request& request) {
  std::call_once(curl_once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  Response res;
  const auto start = std::chrono::steady_clock::now();
  CURL* curl = curl_easy_init();
  if (curl == nullptr) {
    res.error = "curl_easy_init failed";
    return res;
  }
  Sink sink{&res, request.max_response_bytes};
  curl_slist* headers = nullptr;
  for (const auto& [name, value] : request.headers) {
    std::string line = name;
    line += ": ";
    line += value;
    // A header value never carries a line break (no injection of extra headers).
    line.erase(
        std::remove_if(line.begin(), line.end(), [](char ch) { return ch == '\r' || ch == '\n'; }),
        line.end());
    headers = curl_slist_append(headers, line.c_str());
  }
  headers = curl_slist_append(headers, "Expect:");
  char err[CURL_ERROR_SIZE] = {0};
  curl_easy_setopt(curl, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, err);
  curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(curl, CURLOPT_USERAGENT, request.user_agent.c_str());
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, WriteBody);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &sink);
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, WriteHeader);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &sink);
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS,
                   static_cast<long>(request.connect_timeout.count()));
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(request.total_timeout.count()));
  if (request.method == "GET") {
    curl_easy_setopt(curl, CURLOPT_HTTPGET, 1L);
  } else {
    curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, request.method.c_str());
    if (request.method != "DELETE" || !request.body.empty()) {
      curl_easy_setopt(curl, CURLOPT_POSTFIELDS, request.body.data());
      curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE,
                       static_cast<curl_off_t>(request.body.size()));
    }
  }
  const CURLcode rc = curl_easy_perform(curl);
  long status = 0;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
  res.status = static_cast<int>(status);
  if (rc == CURLE_OK) {
    res.transport_ok = true;
  } else {
    res.timed_out = rc == CURLE_OPERATION_TIMEDOUT;
    res.error = curl_easy_strerror(rc);
    if (err[0] != '\0') res.error += std::string(": ") + err;
  }
  curl_slist_free_all(headers);
  curl_easy_cleanup(curl);
  res.duration_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                        std::chrono::steady_clock::now() - start)
                        .count();
  return res;
}

}  // namespace comptoir::webhooks
