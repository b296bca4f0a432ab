#include "comptoir/services/upload_service.hpp"

#include <magic.h>

#include <algorithm>
#include <set>

#include "comptoir/common/crypto.hpp"

namespace comptoir::services {

using storage::Transaction;

namespace {

// libmagic reads at most this much of a file: enough for every format it knows by its
// header, and it bounds the time spent on untrusted bytes.
constexpr std::size_t kSniffBytes = 1024 * 1024;
constexpr std::size_t kMaxTokenBytes = 64;

// One libmagic handle per thread: a magic_t must not be used by two threads at once.
class MagicHandle {
 public:
  MagicHandle() : cookie_(magic_open(MAGIC_MIME_TYPE)) {
    if (cookie_ != nullptr && magic_load(cookie_, nullptr) != 0) {
      magic_close(cookie_);
      cookie_ = nullptr;
    }
  }
  ~MagicHandle() {
    if (cookie_ != nullptr) magic_close(cookie_);
  }
  MagicHandle(const MagicHandle&) = delete;
  MagicHandle& operator=(const MagicHandle&) = delete;
  magic_t get() const { return cookie_; }

 private:
  magic_t cookie_;
};

bool IsValidUtf8(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    std::size_t n = 0;
    std::uint32_t cp = 0;
    if (c < 0x80) {
      ++i;
      continue;
    }
    if ((c & 0xE0) == 0xC0) {
      n = 1;
      cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      n = 2;
      cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      n = 3;
      cp = c & 0x07;
    } else {
      return false;
    }
    if (i + n >= s.size()) return false;  // truncated sequence
    for (std::size_t k = 1; k <= n; ++k) {
      const auto d = static_cast<unsigned char>(s[i + k]);
      if ((d & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (d & 0x3F);
    }
    // Overlong forms, surrogates and values past U+10FFFF.
    if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) ||
        (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF) {
      return false;
    }
    i += n + 1;
  }
  return true;
}

// Control characters, and the bidirectional overrides that make "gpj.exe" look like
// "exe.jpg" in a list of attachments.
bool HasUnsafeCharacters(std::string_view s) {
  for (std::size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x20 || c == 0x7F) return true;
    // U+0080..U+009F (C1 controls) are C2 80..C2 9F.
    if (c == 0xC2 && i + 1 < s.size() && static_cast<unsigned char>(s[i + 1]) < 0xA0) return true;
    // U+202A..U+202E are E2 80 AA..AE; U+2066..U+2069 are E2 81 A6..A9.
    if (c == 0xE2 && i + 2 < s.size()) {
      const auto b1 = static_cast<unsigned char>(s[i + 1]);
      const auto b2 = static_cast<unsigned char>(s[i + 2]);
      if (b1 == 0x80 && b2 >= 0xAA && b2 <= 0xAE) return true;
      if (b1 == 0x81 && b2 >= 0xA6 && b2 <= 0xA9) return true;
    }
  }
  return false;
}

bool IsTokenSyntax(std::string_view t) {
  return !t.empty() && t.size() <= kMaxTokenBytes && std::all_of(t.begin(), t.end(), [](char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  });
}

Status BadToken(std::string_view token) {
  return Invalid("token", "InvalidValue",
                 "Token: " + std::string(token.substr(0, kMaxTokenBytes)) + " is not valid");
}

bool ShownInline(const std::string& content_type) {
  // SVG may carry script: never rendered in a comment, only offered as a download.
  return content_type.rfind("image/", 0) == 0 && content_type != "image/svg+xml";
}

// Whether the files of one upload may still be used (or added to) by the caller.
bool UsableUpload(const std::vector<domain::Attachment>& files, const Context& ctx, Timestamp now) {
  if (files.empty()) return false;
  const auto lifetime =
      std::chrono::duration_cast<std::chrono::seconds>(UploadService::kUploadLifetime).count();
  for (const auto& a : files) {
    if (a.comment_id) return false;
    if (!ctx.actor.system && a.uploader_id != ctx.actor.user_id) return false;
  }
  return files.front().created_at + lifetime >= now;
}

Timestamp ExpiresAt(const std::vector<domain::Attachment>& files) {
  const auto lifetime =
      std::chrono::duration_cast<std::chrono::seconds>(UploadService::kUploadLifetime).count();
  return files.empty() ? 0 : files.front().created_at + lifetime;
}

}  // namespace

Result<std::string> UploadService::SanitizeFileName(std::string_view name) {
  // Browsers and some clients send the full local path; keep the last component.
  if (auto cut = name.find_last_of("/\\"); cut != std::string_view::npos) {
    name = name.substr(cut + 1);
  }
  while (!name.empty() && (name.front() == ' ' || name.front() == '\t')) name.remove_prefix(1);
  while (!name.empty() && (name.back() == ' ' || name.back() == '\t')) name.remove_suffix(1);
  if (name.empty()) return Invalid("filename", "BlankValue", "Filename: cannot be blank");
  if (name == "." || name == "..") {
    return Invalid("filename", "InvalidValue", "Filename: is not a valid file name");
  }
  if (name.size() > kMaxFileNameBytes) {
    return Invalid(
        "filename", "InvalidValue",
        "Filename: is too long (maximum is " + std::to_string(kMaxFileNameBytes) + " bytes)");
  }
  if (!IsValidUtf8(name) || HasUnsafeCharacters(name)) {
    return Invalid("filename", "InvalidValue",
                   "Filename: contains characters that are not allowed");
  }
  return std::string(name);
}

std::string UploadService::DetectContentType(std::string_view bytes) {
  static thread_local MagicHandle handle;
  if (handle.get() == nullptr || bytes.empty()) return "application/octet-stream";
  const char* type = magic_buffer(handle.get(), bytes.data(), std::min(bytes.size(), kSniffBytes));
  if (type == nullptr || *type == '\0') return "application/octet-stream";
  return type;
}

Result<UploadResult> UploadService::Upload(const Context& ctx, const UploadInput& in) {
  if (!ctx.actor.system && !ctx.actor.user_id) return Unauthenticated();
  auto name = SanitizeFileName(in.file_name);
  if (!name.ok()) return name.status();
  if (in.bytes.empty()) return Invalid("file", "BlankValue", "File: cannot be empty");
  if (static_cast<std::int64_t>(in.bytes.size()) > max_bytes_.load()) {
    return Status(
        ErrorCode::kInvalidArgument,
        "The file is larger than the limit of " + std::to_string(max_bytes_.load()) + " bytes",
        "PayloadTooLarge");
  }
  if (in.token && !IsTokenSyntax(*in.token)) return BadToken(*in.token);

  domain::Attachment a;
  a.account_id = ctx.account();
  a.uploader_id = ctx.actor.user_id;
  a.file_name = *name;
  a.content_type = DetectContentType(in.bytes);
  a.size = static_cast<std::int64_t>(in.bytes.size());
  a.is_inline = in.inline_requested && ShownInline(a.content_type);
  // The bytes go to disk before the row, outside the write transaction: a crash between
  // the two leaves an unused blob, never a row without its content.
  auto hash = blobs_.Put(in.bytes);
  if (!hash.ok()) return hash.status();
  a.content_hash = *hash;

  UploadResult out;
  Status st = env_.store.Write([&](Transaction& tx) -> Status {
    const Timestamp now = env_.clock.Now();
    if (in.token) {
      auto files = tx.attachments().ListByToken(ctx.account(), *in.token);
      if (!files.ok()) return files.status();
      if (!UsableUpload(*files, ctx, now)) return BadToken(*in.token);
      a.upload_token = *in.token;
    } else {
      a.upload_token = crypto::RandomAlnum(24);
    }
    a.created_at = now;
    auto id = tx.attachments().Insert(a);
    if (!id.ok()) return id.status();
    a.id = *id;
    auto all = tx.attachments().ListByToken(ctx.account(), a.upload_token);
    if (!all.ok()) return all.status();
    out.attachments = std::move(*all);
    return Status::Ok();
  });
  if (!st.ok()) return st;
  out.token = a.upload_token;
  out.expires_at = ExpiresAt(out.attachments);
  out.attachment = std::move(a);
  return out;
}

Status UploadService::RemoveBlobIfUnused(Transaction& tx, const std::string& hash) {
  if (hash.empty()) return Status::Ok();
  auto n = tx.attachments().CountByHash(hash);
  if (!n.ok()) return n.status();
  if (*n == 0) {
    // After the commit only: a rolled-back delete must still find its bytes.
    tx.OnCommit([this, hash] { (void)blobs_.Remove(hash); });
  }
  return Status::Ok();
}

Status UploadService::ReleaseBlobs(Transaction& tx, const std::vector<std::string>& hashes) {
  std::set<std::string> unique(hashes.begin(), hashes.end());
  for (const auto& h : unique) COMPTOIR_RETURN_IF_ERROR(RemoveBlobIfUnused(tx, h));
  return Status::Ok();
}

Result<int> UploadService::PurgeUnclaimed(std::chrono::seconds older_than) {
  int removed = 0;
  for (;;) {
    int batch = 0;
    Status st = env_.store.Write([&](Transaction& tx) -> Status {
      auto old = tx.attachments().ListUnclaimedBefore(env_.clock.Now() - older_than.count(), 500);
      if (!old.ok()) return old.status();
      std::vector<std::string> hashes;
      for (const auto& a : *old) {
        COMPTOIR_RETURN_IF_ERROR(tx.attachments().Delete(a.account_id, a.id));
        hashes.push_back(a.content_hash);
      }
      batch = static_cast<int>(old->size());
      return ReleaseBlobs(tx, hashes);
    });
    if (!st.ok()) return st;
    removed += batch;
    if (batch < 500) return removed;
  }
}

Status UploadService::DeleteUpload(const Context& ctx, const std::string& token) {
  if (!IsTokenSyntax(token)) return NotFound();
  return env_.store.Write([&](Transaction& tx) -> Status {
    auto files = tx.attachments().ListByToken(ctx.account(), token);
    if (!files.ok()) return files.status();
    std::set<std::string> hashes;
    bool any = false;
    for (const auto& a : *files) {
      if (a.comment_id) continue;  // claimed by a comment: only redaction removes it
      if (a.uploader_id != ctx.actor.user_id && !ctx.actor.is_admin()) continue;
      COMPTOIR_RETURN_IF_ERROR(tx.attachments().Delete(ctx.account(), a.id));
      hashes.insert(a.content_hash);
      any = true;
    }
    if (!any) return NotFound();
    for (const auto& h : hashes) COMPTOIR_RETURN_IF_ERROR(RemoveBlobIfUnused(tx, h));
    return Status::Ok();
  });
}

Status UploadService::CheckVisible(Transaction& tx, const Context& ctx,
                                   const domain::Attachment& a) {
  const domain::Actor& actor = ctx.actor;
  if (a.account_id != ctx.account()) return NotFound();
  if (!a.comment_id) {
    const bool own = a.uploader_id && a.uploader_id == actor.user_id;
    return own || actor.is_admin() ? Status::Ok() : NotFound();
  }
  auto ticket = tx.tickets().Get(ctx.account(), a.ticket_id);
  if (!ticket.ok()) {
    return ticket.status().code() == ErrorCode::kNotFound ? NotFound() : ticket.status();
  }
  if (ticket->deleted_at && !actor.is_staff()) return NotFound();
  const domain::TicketScope scope = TicketScopeFor(tx, ctx, *ticket);
  if (!domain::CanViewTicket(actor, *ticket, scope)) return NotFound();
  if (!actor.is_staff()) {
    auto comment = tx.comments().Get(ctx.account(), a.comment_id);
    if (!comment.ok() || !comment->is_public) return NotFound();
  }
  return Status::Ok();
}

Result<domain::Attachment> UploadService::GetAttachment(const Context& ctx, AttachmentId id) {
  domain::Attachment out;
  Status st = env_.store.Read([&](Transaction& tx) -> Status {
    auto a = tx.attachments().Get(ctx.account(), id);
    if (!a.ok()) return a.status();
    COMPTOIR_RETURN_IF_ERROR(CheckVisible(tx, ctx, *a));
    out = std::move(*a);
    return Status::Ok();
  });
  if (!st.ok()) return st;
  return out;
}

Result<std::pair<domain::Attachment, std::string>> UploadService::Download(const Context& ctx,
                                                                           AttachmentId id) {
  auto a = GetAttachment(ctx, id);
  if (!a.ok()) return a.status();
  if (a->redacted || a->content_hash.empty()) return NotFound();
  auto bytes = blobs_.Get(a->content_hash);
  if (!bytes.ok()) return bytes.status();
  return std::make_pair(std::move(*a), std::move(*bytes));
}

Result<domain::Attachment> UploadService::Redact(const Context& ctx, TicketId ticket,
                                                 CommentId comment, AttachmentId id) {
  if (!ctx.actor.is_staff()) return PermissionDenied();
  domain::Attachment out;
  Status st = env_.store.Write([&](Transaction& tx) -> Status {
    auto a = tx.attachments().Get(ctx.account(), id);
    if (!a.ok()) return a.status();
    if (a->ticket_id != ticket || a->comment_id != comment || !a->comment_id) return NotFound();
    COMPTOIR_RETURN_IF_ERROR(CheckVisible(tx, ctx, *a));
    if (a->redacted) {
      out = std::move(*a);
      return Status::Ok();
    }
    const std::string old_hash = a->content_hash;
    a->redacted = true;
    a->file_name = "redacted.txt";
    a->content_type = "text/plain";
    a->content_hash.clear();
    a->size = 0;
    a->is_inline = false;
    COMPTOIR_RETURN_IF_ERROR(tx.attachments().Update(*a));
    COMPTOIR_RETURN_IF_ERROR(RemoveBlobIfUnused(tx, old_hash));
    out = std::move(*a);
    return Status::Ok();
  });
  if (!st.ok()) return st;
  return out;
}

Result<std::vector<domain::Attachment>> UploadService::ClaimUploads(
    Transaction& tx, const Context& ctx, const std::vector<std::string>& tokens, TicketId ticket,
    CommentId comment) {
  const Timestamp now = env_.clock.Now();
  Validation v;
  std::vector<domain::Attachment> out;
  std::set<std::string> seen;
  for (const auto& token : tokens) {
    if (!seen.insert(token).second) continue;
    if (!IsTokenSyntax(token)) {
      v.Add("uploads", "InvalidValue",
            "Upload token " + token.substr(0, kMaxTokenBytes) + " is not valid");
      continue;
    }
    auto files = tx.attachments().ListByToken(ctx.account(), token);
    if (!files.ok()) return files.status();
    if (!UsableUpload(*files, ctx, now)) {
      v.Add("uploads", "InvalidValue", "Upload token " + token + " is not valid");
      continue;
    }
    for (auto& a : *files) {
      a.comment_id = comment;
      a.ticket_id = ticket;
      COMPTOIR_RETURN_IF_ERROR(tx.attachments().Update(a));
      out.push_back(std::move(a));
    }
  }
  COMPTOIR_RETURN_IF_ERROR(v.Finish());
  return out;
}

}  // namespace comptoir::services
