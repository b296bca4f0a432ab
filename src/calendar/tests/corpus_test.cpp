// Replays the fuzz corpus (fuzz/corpus: seeds and the inputs that once broke something)
// through the fuzz target's checks, so every run of the unit tests exercises them without
// a fuzzer.
#include "fuzz/fuzz_target.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace comptoir::calendar {
namespace {

namespace fs = std::filesystem;

TEST(CalendarFuzzCorpusTest, EveryInputPassesTheFuzzChecks) {
  std::size_t count = 0;
  for (const auto& entry : fs::directory_iterator(COMPTOIR_CALENDAR_CORPUS_DIR)) {
    if (!entry.is_regular_file()) continue;
    std::ifstream in(entry.path(), std::ios::binary);
    std::ostringstream bytes;
    bytes << in.rdbuf();
    EXPECT_EQ(fuzz::FuzzOne(bytes.str()), "") << entry.path().filename();
    ++count;
  }
  EXPECT_GE(count, 20U);
}

}  // namespace
}  // namespace comptoir::calendar
