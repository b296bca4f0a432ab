// The renderer (private): walks a Program with a Context under the limits of RenderOptions.
#pragma once

#include "ast_internal.hpp"

#include <string>

namespace comptoir::liquid::internal {

Result<std::string> RenderProgram(const Program& program, const Context& context,
                                  const RenderOptions& options);

}  // namespace comptoir::liquid::internal
