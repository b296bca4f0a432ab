// Wire helpers of the HTTP transport: response heads as bytes, request ids, the Date
// header. Pure functions (the Date cache is per thread); private to the http module.
#pragma once

#include <string>
#include <string_view>

#include "comptoir/http/message.hpp"

namespace comptoir::http {

struct HeadOptions {
  bool close = false;          // add "Connection: close"
  bool keep_alive_10 = false;  // an HTTP/1.0 keep-alive client: add "Connection: keep-alive"
};

// Appends the status line and headers of `res` (ending with the blank line) to `out`:
// Server, Date, X-Request-Id, Content-Type (when not empty), Content-Length (except
// for 1xx, 204 and 304), Connection, then res.headers. Extra headers that the
// transport owns (Content-Length, Transfer-Encoding, Connection, Server, Date,
// X-Request-Id), Retry-After on any status but 429/503, and headers containing CR or
// LF are dropped.
void SerializeHead(const Response& res, std::string_view request_id, const HeadOptions& options,
                   std::string& out);

// Whether a response with this status carries a body on the wire.
bool BodyAllowed(unsigned status);

// Whether the handler asked to close the connection (Response::close or a
// "Connection: close" header).
bool WantsClose(const Response& res);

// 1..64 characters of [A-Za-z0-9._-].
bool ValidRequestId(std::string_view id);

// 16 random lower-case hex characters (not a secret; a fast per-thread generator).
std::string NewRequestId();

}  // namespace comptoir::http
