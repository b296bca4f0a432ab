// FileBlobStore on a temp directory.
#include "comptoir/storage_fs/file_blob_store.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "comptoir/common/crypto.hpp"

namespace comptoir::storage_fs {
namespace {

class FileBlobStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = std::filesystem::temp_directory_path() /
            ("comptoir-blobs-" + std::to_string(::getpid()) + "-" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(root_);
  }
  void TearDown() override { std::filesystem::remove_all(root_); }

  std::size_t Files() {
    std::size_t n = 0;
    if (!std::filesystem::exists(root_)) return 0;
    for (const auto& e : std::filesystem::recursive_directory_iterator(root_)) {
      if (e.is_regular_file()) ++n;
    }
    return n;
  }

  std::filesystem::path root_;
};

TEST_F(FileBlobStoreTest, PutGetRemove) {
  FileBlobStore store(root_.string());
  const std::string bytes("binary\0content\xff", 15);
  auto hash = store.Put(bytes);
  ASSERT_TRUE(hash.ok()) << hash.status().ToString();
  EXPECT_EQ(*hash, crypto::Sha256Hex(bytes));
  EXPECT_TRUE(std::filesystem::exists(root_ / hash->substr(0, 2) / *hash));
  auto got = store.Get(*hash);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(*got, bytes);
  EXPECT_TRUE(store.Remove(*hash).ok());
  EXPECT_EQ(store.Get(*hash).status().code(), ErrorCode::kNotFound);
  EXPECT_EQ(store.Remove(*hash).code(), ErrorCode::kNotFound);
}

TEST_F(FileBlobStoreTest, PutIsIdempotent) {
  FileBlobStore store(root_.string());
  auto a = store.Put("same");
  auto b = store.Put("same");
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(*a, *b);
  EXPECT_EQ(Files(), 1U);  // no temporary file left behind either
  auto c = store.Put("other");
  ASSERT_TRUE(c.ok());
  EXPECT_NE(*a, *c);
  EXPECT_EQ(Files(), 2U);
}

TEST_F(FileBlobStoreTest, RejectsHashesThatAreNotSha256Hex) {
  FileBlobStore store(root_.string());
  auto hash = store.Put("x");
  ASSERT_TRUE(hash.ok());
  std::string upper = *hash;
  for (auto& ch : upper) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  for (const std::string& bad :
       {std::string(), std::string("../../etc/passwd"), hash->substr(0, 63), upper,
        std::string("zz") + hash->substr(2), *hash + "0"}) {
    EXPECT_EQ(store.Get(bad).status().code(), ErrorCode::kNotFound) << bad;
    EXPECT_EQ(store.Remove(bad).code(), ErrorCode::kNotFound) << bad;
  }
  EXPECT_TRUE(store.Get(*hash).ok());
}

TEST_F(FileBlobStoreTest, EmptyContentIsABlobToo) {
  FileBlobStore store(root_.string());
  auto hash = store.Put("");
  ASSERT_TRUE(hash.ok());
  auto got = store.Get(*hash);
  ASSERT_TRUE(got.ok());
  EXPECT_TRUE(got->empty());
}

}  // namespace
}  // namespace comptoir::storage_fs
