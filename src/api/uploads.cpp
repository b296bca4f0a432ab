// /api/v2/uploads and /api/v2/attachments: raw-body file uploads, attachment metadata,
// redaction; and /attachments/token/{id}, the download URL given as content_url.
#include "api_internal.hpp"

namespace comptoir::api {

namespace {

// "http://host:port/api/v2" → "http://host:port".
std::string SiteUrl(const ApiContext& c) {
  constexpr std::string_view kApi = "/api/v2";
  std::string_view base = c.base_url;
  if (base.ends_with(kApi)) base.remove_suffix(kApi.size());
  return std::string(base);
}

std::string PercentEncode(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(s.size() * 3);
  for (char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    const bool unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                            (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' || c == '~';
    if (unreserved) {
      out.push_back(ch);
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 0x0F]);
    }
  }
  return out;
}

// RFC 6266: an ASCII fallback in quotes (no quote, backslash or non-ASCII can break
// out of it) and the exact UTF-8 name in filename*.
std::string ContentDisposition(std::string_view file_name) {
  std::string ascii;
  ascii.reserve(file_name.size());
  for (char ch : file_name) {
    const auto c = static_cast<unsigned char>(ch);
    ascii.push_back(c < 0x20 || c >= 0x7F || ch == '"' || ch == '\\' ? '_' : ch);
  }
  return "attachment; filename=\"" + ascii + "\"; filename*=UTF-8''" + PercentEncode(file_name);
}

bool QueryFlag(const ApiContext& c, std::string_view name) {
  const std::string* v = c.req.Query(name);
  return v != nullptr && (*v == "true" || *v == "1");
}

}  // namespace

json::object AttachmentJson(const ApiContext& c, const domain::Attachment& a) {
  const std::string id = std::to_string(a.id.value);
  const std::string content_url =
      SiteUrl(c) + "/attachments/token/" + id + "/?name=" + PercentEncode(a.file_name);
  return {{"id", a.id.value},
          {"url", c.base_url + "/attachments/" + id + ".json"},
          {"file_name", a.file_name},
          {"content_url", content_url},
          {"mapped_content_url", content_url},
          {"content_type", a.content_type},
          {"size", a.size},
          {"width", nullptr},
          {"height", nullptr},
          {"inline", a.is_inline},
          {"deleted", a.redacted},
          {"malware_access_override", false},
          {"malware_scan_result", "not_scanned"},
          {"thumbnails", json::array()}};
}

void RegisterUploadRoutes(Routes& r) {
  // The body is the file itself, whatever the Content-Type says (node-zendesk sends
  // application/json or application/binary); `binary=` is ignored.
  r.Post("/api/v2/uploads", Access::kSignedIn, [](ApiContext& c) {
    services::UploadInput in;
    if (const std::string* name = c.req.Query("filename")) in.file_name = *name;
    if (const std::string* token = c.req.Query("token"); token && !token->empty()) {
      in.token = *token;
    }
    in.inline_requested = QueryFlag(c, "inline");
    in.bytes = c.req.body;
    auto up = c.svc.uploads.Upload(c.ctx, in);
    if (!up.ok()) return ErrorResponse(up.status(), c.req.request_id);
    json::array all;
    for (const auto& a : up->attachments) all.push_back(AttachmentJson(c, a));
    json::object upload{{"token", up->token},
                        {"expires_at", TimeOrNull(up->expires_at)},
                        {"attachments", std::move(all)},
                        {"attachment", AttachmentJson(c, up->attachment)}};
    return Envelope("upload", std::move(upload), 201);
  });

  r.Delete("/api/v2/uploads/{token}", Access::kSignedIn, [](ApiContext& c) {
    Status st = c.svc.uploads.DeleteUpload(c.ctx, std::string(c.req.Param("token")));
    if (!st.ok()) return ErrorResponse(st, c.req.request_id);
    return NoContent();
  });

  r.Get("/api/v2/attachments/{id}", Access::kSignedIn, [](ApiContext& c) {
    auto id = PathId(c);
    if (!id.ok()) return ErrorResponse(id.status(), c.req.request_id);
    auto a = c.svc.uploads.GetAttachment(c.ctx, AttachmentId(*id));
    if (!a.ok()) return ErrorResponse(a.status(), c.req.request_id);
    return Envelope("attachment", AttachmentJson(c, *a));
  });

  // The content_url of an attachment: outside /api/v2 like Zendesk's, but signed-in
  // only. Served so that a browser never renders it in our origin.
  r.Get("/attachments/token/{id}", Access::kSignedIn, [](ApiContext& c) {
    auto id = PathId(c);
    if (!id.ok()) return ErrorResponse(id.status(), c.req.request_id);
    auto file = c.svc.uploads.Download(c.ctx, AttachmentId(*id));
    if (!file.ok()) return ErrorResponse(file.status(), c.req.request_id);
    http::Response resp;
    resp.status = 200;
    resp.content_type = file->first.content_type;
    resp.body = std::move(file->second);
    resp.Header("Content-Disposition", ContentDisposition(file->first.file_name));
    resp.Header("X-Content-Type-Options", "nosniff");
    resp.Header("Content-Security-Policy", "sandbox");
    resp.Header("Cache-Control", "private, max-age=300");
    return resp;
  });

  // Zendesk wants PUT; node-zendesk sends DELETE.
  auto redact = [](ApiContext& c) {
    auto ticket = PathId(c, "ticket_id");
    if (!ticket.ok()) return ErrorResponse(ticket.status(), c.req.request_id);
    auto comment = PathId(c, "comment_id");
    if (!comment.ok()) return ErrorResponse(comment.status(), c.req.request_id);
    auto id = PathId(c);
    if (!id.ok()) return ErrorResponse(id.status(), c.req.request_id);
    auto a = c.svc.uploads.Redact(c.ctx, TicketId(*ticket), CommentId(*comment), AttachmentId(*id));
    if (!a.ok()) return ErrorResponse(a.status(), c.req.request_id);
    return Envelope("attachment", AttachmentJson(c, *a));
  };
  constexpr std::string_view kRedact =
      "/api/v2/tickets/{ticket_id}/comments/{comment_id}/attachments/{id}/redact";
  r.Put(kRedact, Access::kStaff, redact);
  r.Delete(kRedact, Access::kStaff, redact);
}

}  // namespace comptoir::api
