#include "comptoir/storage_fs/file_blob_store.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "comptoir/common/crypto.hpp"

namespace comptoir::storage_fs {

namespace {

bool IsHash(std::string_view h) {
  return h.size() == 64 && std::all_of(h.begin(), h.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

Status FsyncPath(const std::string& path, int flags) {
  int fd = ::open(path.c_str(), flags);
  if (fd < 0) return Status(ErrorCode::kUnavailable, "cannot open " + path, "BlobStoreError");
  int rc = ::fsync(fd);
  ::close(fd);
  if (rc != 0) return Status(ErrorCode::kUnavailable, "fsync failed: " + path, "BlobStoreError");
  return Status::Ok();
}

}  // namespace

std::string FileBlobStore::PathOf(std::string_view hash) const {
  return root_ + "/" + std::string(hash.substr(0, 2)) + "/" + std::string(hash);
}

Result<std::string> FileBlobStore::Put(std::string_view bytes) {
  std::string hash = crypto::Sha256Hex(bytes);
  const std::string path = PathOf(hash);
  std::error_code ec;
  if (std::filesystem::exists(path, ec)) return hash;
  const std::string dir = root_ + "/" + hash.substr(0, 2);
  std::filesystem::create_directories(dir, ec);
  if (ec) return Status(ErrorCode::kUnavailable, "cannot create " + dir, "BlobStoreError");
  const std::string tmp = path + ".tmp." + crypto::RandomAlnum(8);
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0640);
  if (fd < 0) return Status(ErrorCode::kUnavailable, "cannot write " + tmp, "BlobStoreError");
  std::size_t done = 0;
  while (done < bytes.size()) {
    ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n <= 0) {
      ::close(fd);
      ::unlink(tmp.c_str());
      return Status(ErrorCode::kUnavailable, "short write to " + tmp, "BlobStoreError");
    }
    done += static_cast<std::size_t>(n);
  }
  if (::fsync(fd) != 0) {
    ::close(fd);
    ::unlink(tmp.c_str());
    return Status(ErrorCode::kUnavailable, "fsync failed: " + tmp, "BlobStoreError");
  }
  ::close(fd);
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    ::unlink(tmp.c_str());
    return Status(ErrorCode::kUnavailable, "cannot rename " + tmp, "BlobStoreError");
  }
  COMPTOIR_RETURN_IF_ERROR(FsyncPath(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  return hash;
}

Result<std::string> FileBlobStore::Get(std::string_view hash) {
  if (!IsHash(hash)) return NotFound();
  std::ifstream in(PathOf(hash), std::ios::binary);
  if (!in) return NotFound();
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

Status FileBlobStore::Remove(std::string_view hash) {
  if (!IsHash(hash)) return NotFound();
  std::error_code ec;
  if (!std::filesystem::remove(PathOf(hash), ec)) return NotFound();
  return Status::Ok();
}

}  // namespace comptoir::storage_fs
