// libFuzzer entry point: scripts/fuzz search [seconds]. Every input is a query.
#include <cstdint>
#include <cstdio>
#include <cstdlib>

#include "fuzz/fuzz_target.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string problem =
      comptoir::search::fuzz::FuzzOne(std::string_view(reinterpret_cast<const char*>(data), size));
  if (!problem.empty()) {
    std::fprintf(stderr, "search_fuzzer: %s\n", problem.c_str());
    std::abort();
  }
  return 0;
}
