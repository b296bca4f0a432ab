// Replays the fuzz corpus (fuzz/corpus: seeds and inputs that once broke something)
// through the fuzz target's checks on every unit-test run.
#include <gtest/gtest.h>

#include "comptoir/common/fuzz_corpus.hpp"
#include "fuzz/fuzz_target.hpp"

namespace comptoir::search {
namespace {

TEST(SearchFuzzCorpusTest, EveryInputPassesTheFuzzChecks) {
  const auto inputs = common::ReadFuzzCorpus(COMPTOIR_SEARCH_CORPUS_DIR);
  for (const auto& [name, bytes] : inputs) EXPECT_EQ(fuzz::FuzzOne(bytes), "") << name;
  EXPECT_GE(inputs.size(), 15U);
}

}  // namespace
}  // namespace comptoir::search
