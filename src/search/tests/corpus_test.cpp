// Replays the fuzz corpus (fuzz/corpus: seeds and inputs that once broke something)
// through the fuzz target's checks on every unit-test run.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "fuzz/fuzz_target.hpp"

namespace comptoir::search {
namespace {

namespace fs = std::filesystem;

TEST(SearchFuzzCorpusTest, EveryInputPassesTheFuzzChecks) {
  std::size_t count = 0;
  for (const auto& entry : fs::directory_iterator(COMPTOIR_SEARCH_CORPUS_DIR)) {
    if (!entry.is_regular_file()) continue;
    std::ifstream in(entry.path(), std::ios::binary);
    std::ostringstream bytes;
    bytes << in.rdbuf();
    EXPECT_EQ(fuzz::FuzzOne(bytes.str()), "") << entry.path().filename();
    ++count;
  }
  EXPECT_GE(count, 15U);
}

}  // namespace
}  // namespace comptoir::search
