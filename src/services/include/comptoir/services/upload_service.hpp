// UploadService: files sent to POST /uploads, and the attachments they become once a
// comment claims them. Bytes live in the BlobStore under their SHA-256 (one copy per
// content); a row per attachment holds the name, the type detected from the bytes
// (libmagic, never the client's word) and the upload token. Blobs are written before
// the row and removed only when no row points at them any more.
// Errors: kNotFound (also for attachments the caller may not see), kPermissionDenied,
// kValidation per field, kInvalidArgument with reason "PayloadTooLarge" for a file over
// the limit (HTTP 413). Thread-safe.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "comptoir/services/auth_service.hpp"
#include "comptoir/services/context.hpp"
#include "comptoir/storage/blob_store.hpp"

namespace comptoir::services {

struct UploadInput {
  std::string file_name;  // as sent; a path prefix ("C:\\x\\a.png") is stripped
  std::string_view bytes;
  std::optional<std::string> token;  // add the file to this earlier upload
  bool inline_requested = false;     // ?inline=true: shown in the comment (images only)
};

struct UploadResult {
  std::string token;
  Timestamp expires_at = 0;
  domain::Attachment attachment;                // the file just stored
  std::vector<domain::Attachment> attachments;  // every file of the upload, oldest first
};

class UploadService {
 public:
  static constexpr std::int64_t kDefaultMaxBytes = 50 * 1024 * 1024;
  // An unclaimed upload can be used (and added to) this long after its first file.
  static constexpr std::chrono::hours kUploadLifetime{72};
  static constexpr std::size_t kMaxFileNameBytes = 255;

  UploadService(ServiceEnv env, AuthService& auth, storage::BlobStore& blobs)
      : env_(env), auth_(auth), blobs_(blobs) {}

  // The largest file accepted, in bytes (default 50 MiB).
  void SetMaxBytes(std::int64_t max_bytes) { max_bytes_ = max_bytes; }
  std::int64_t max_bytes() const { return max_bytes_; }

  // Stores one file for the signed-in caller. Returns the upload with its token (new,
  // or in.token when given: only the uploader may add to an unclaimed upload).
  Result<UploadResult> Upload(const Context& ctx, const UploadInput& in);
  // Deletes the unclaimed files of an upload (the uploader's own, or any for admins)
  // and the blobs nothing else uses. kNotFound when there is nothing to delete.
  Status DeleteUpload(const Context& ctx, const std::string& token);

  // An attachment the caller may see: the ticket must be visible to them (for end users
  // the comment public too); an unclaimed upload only to its uploader and admins.
  Result<domain::Attachment> GetAttachment(const Context& ctx, AttachmentId id);
  // The attachment and its bytes; kNotFound when redacted.
  Result<std::pair<domain::Attachment, std::string>> Download(const Context& ctx, AttachmentId id);
  // Staff who may edit the ticket: the file is replaced by an empty "redacted.txt" and
  // its blob removed when unused. Redacting twice is a no-op.
  Result<domain::Attachment> Redact(const Context& ctx, TicketId ticket, CommentId comment,
                                    AttachmentId id);

  // For the ticket service, inside its transaction: attaches the files of `tokens` to
  // the comment. Every token must be a live, unclaimed upload of the caller, else a 422
  // on "uploads". Returns the attachments, in token order.
  Result<std::vector<domain::Attachment>> ClaimUploads(storage::Transaction& tx, const Context& ctx,
                                                       const std::vector<std::string>& tokens,
                                                       TicketId ticket, CommentId comment);

  // "C:\\x\\a.png" → "a.png"; kValidation on "filename" when empty, too long, not UTF-8
  // or holding control characters.
  static Result<std::string> SanitizeFileName(std::string_view name);
  // The MIME type of the bytes, e.g. "image/png"; "application/octet-stream" when
  // unknown.
  static std::string DetectContentType(std::string_view bytes);

  // Inside a write that deleted attachment rows: removes, after the commit, the blobs
  // no row uses any more.
  Status ReleaseBlobs(storage::Transaction& tx, const std::vector<std::string>& hashes);
  // Deletes uploads no comment claimed within `older_than` (and their unused blobs);
  // returns how many were removed.
  Result<int> PurgeUnclaimed(std::chrono::seconds older_than);

 private:
  Status CheckVisible(storage::Transaction& tx, const Context& ctx, const domain::Attachment& a);
  // Removes the blob when no attachment row uses it any more (inside the write).
  Status RemoveBlobIfUnused(storage::Transaction& tx, const std::string& hash);

  ServiceEnv env_;
  AuthService& auth_;
  storage::BlobStore& blobs_;
  std::atomic<std::int64_t> max_bytes_{kDefaultMaxBytes};
};

}  // namespace comptoir::services
