// StaticFiles: serves a directory of built web assets (the agent workspace, ui/agent)
// under a URL prefix such as "/agent". GET and HEAD only.
//   - Content types by extension; X-Content-Type-Options: nosniff.
//   - Files under "assets/" carry a content hash in their name (Vite's output): they are
//     cached for a year, immutable. Everything else (index.html …) is "no-cache" and
//     revalidated with its ETag (size and modification time; 304 on If-None-Match).
//   - Compression: a precompressed sibling "<file>.gz" is sent with Content-Encoding: gzip
//     when the request's Accept-Encoding allows gzip (Vary: Accept-Encoding).
//   - A path that names no file and whose last segment has no extension is a client
//     route of the single-page app: index.html is sent instead.
//   - Path traversal is refused: "." / ".." / hidden segments, backslashes, NUL and
//     encoded slashes answer 404, and a file must resolve (symlinks followed) inside the
//     root.
// Thread-safe: it keeps no mutable state, files are read on each request.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "comptoir/http/message.hpp"

namespace comptoir::http {

class StaticFiles {
 public:
  // `prefix`: "/agent" (no trailing slash); `root`: the directory holding index.html.
  StaticFiles(std::string prefix, std::filesystem::path root);

  // True when the request path belongs to this prefix ("/agent" or "/agent/…").
  bool Matches(std::string_view path) const;
  // Answers a request whose path Matches().
  Response Serve(const Request& req) const;

  // The content type of a file name, by extension ("application/octet-stream" otherwise).
  static std::string_view ContentType(std::string_view name);
  // True when an Accept-Encoding header value accepts gzip (q > 0).
  static bool AcceptsGzip(std::string_view accept_encoding);

 private:
  std::string prefix_;
  std::filesystem::path root_;  // canonical when it exists
};

}  // namespace comptoir::http
