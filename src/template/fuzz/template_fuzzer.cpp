// libFuzzer entry point: scripts/fuzz template [seconds]. Every input is a template.
#include "fuzz/fuzz_target.hpp"

#include <cstdint>
#include <cstdio>
#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string problem =
      comptoir::liquid::fuzz::FuzzOne(std::string_view(reinterpret_cast<const char*>(data), size));
  if (!problem.empty()) {
    std::fprintf(stderr, "template_fuzzer: %s\n", problem.c_str());
    std::abort();
  }
  return 0;
}
