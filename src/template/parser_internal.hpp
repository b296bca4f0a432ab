// The parser (private): tokens → Program, with the checks of ParseOptions.
#pragma once

#include "ast_internal.hpp"

#include <string_view>

namespace comptoir::liquid::internal {

Status ParseProgram(std::string_view source, const ParseOptions& options, Program& program);

}  // namespace comptoir::liquid::internal
