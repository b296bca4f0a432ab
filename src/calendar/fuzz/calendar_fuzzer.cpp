// libFuzzer entry point: scripts/fuzz calendar [seconds]. Every input is a schedule and
// queries (see fuzz_target.hpp).
#include "fuzz/fuzz_target.hpp"

#include <cstdint>
#include <cstdio>
#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string problem = comptoir::calendar::fuzz::FuzzOne(
      std::string_view(reinterpret_cast<const char*>(data), size));
  if (!problem.empty()) {
    std::fprintf(stderr, "calendar_fuzzer: %s\n", problem.c_str());
    std::abort();
  }
  return 0;
}
