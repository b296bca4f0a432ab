// BlobStore: where attachment bytes live, addressed by the SHA-256 of their content, so
// the same file uploaded twice is stored once. A directory on disk by default (shared
// storage for several nodes); object storage can implement the same interface.
// Implementations are thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "comptoir/common/status.hpp"

namespace comptoir::storage {

class BlobStore {
 public:
  virtual ~BlobStore() = default;
  // Stores the bytes durably (returns once they are on disk) under their hash;
  // returns the lower-case SHA-256 hex. Storing existing content is a no-op.
  virtual Result<std::string> Put(std::string_view bytes) = 0;
  // kNotFound when no blob has that hash.
  virtual Result<std::string> Get(std::string_view hash) = 0;
  virtual Status Remove(std::string_view hash) = 0;
};

}  // namespace comptoir::storage
