// The inputs of a fuzz corpus directory (fuzz/corpus: seeds and the inputs that once broke
// something), for the unit tests that replay them through a fuzz target's checks on every
// run without a fuzzer (calendar, search, template).
#pragma once

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

namespace comptoir::common {

// Every regular file of `dir` as (file name, bytes), sorted by name.
inline std::vector<std::pair<std::string, std::string>> ReadFuzzCorpus(
    const std::filesystem::path& dir) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (!entry.is_regular_file()) continue;
    std::ifstream in(entry.path(), std::ios::binary);
    std::ostringstream bytes;
    bytes << in.rdbuf();
    out.emplace_back(entry.path().filename().string(), bytes.str());
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace comptoir::common
