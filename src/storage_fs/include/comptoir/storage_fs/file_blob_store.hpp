// FileBlobStore: storage::BlobStore on a directory, one file per blob at
// <root>/<hash[0:2]>/<hash>. Writes go to a temporary file that is fsynced and renamed
// into place (and the directory fsynced), so a blob is either whole or absent after a
// crash. Thread-safe: concurrent Puts of the same content are harmless.
#pragma once

#include <string>

#include "comptoir/storage/blob_store.hpp"

namespace comptoir::storage_fs {

class FileBlobStore final : public storage::BlobStore {
 public:
  explicit FileBlobStore(std::string root) : root_(std::move(root)) {}
  Result<std::string> Put(std::string_view bytes) override;
  Result<std::string> Get(std::string_view hash) override;
  Status Remove(std::string_view hash) override;

 private:
  std::string PathOf(std::string_view hash) const;
  std::string root_;
};

}  // namespace comptoir::storage_fs
