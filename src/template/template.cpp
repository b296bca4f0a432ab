#include "comptoir/template/template.hpp"

#include "ast_internal.hpp"
#include "parser_internal.hpp"
#include "render_internal.hpp"

#include <exception>
#include <new>

namespace comptoir::liquid {

namespace {

const std::shared_ptr<const internal::Program>& EmptyProgram() {
  static const auto kEmpty = std::make_shared<const internal::Program>();
  return kEmpty;
}

}  // namespace

Template::Template() : program_(EmptyProgram()) {}

Template::Template(std::shared_ptr<const internal::Program> program)
    : program_(std::move(program)) {}

const std::vector<std::string>& Template::paths() const { return program_->paths; }

// Nothing here throws on purpose; what a library may throw (std::bad_alloc, mostly) is
// caught so callers only ever see a Status.
Result<std::string> Template::Render(const Context& context, const RenderOptions& options) const {
  try {
    return internal::RenderProgram(*program_, context, options);
  } catch (const std::bad_alloc&) {
    return Internal("template: out of memory while rendering");
  } catch (const std::exception& e) {
    std::string what = "template: ";
    what += e.what();
    return Internal(std::move(what));
  }
}

Result<Template> Parse(std::string_view source, const ParseOptions& options) {
  try {
    auto program = std::make_shared<internal::Program>();
    COMPTOIR_RETURN_IF_ERROR(internal::ParseProgram(source, options, *program));
    return Template(std::move(program));
  } catch (const std::bad_alloc&) {
    return Internal("template: out of memory while parsing");
  } catch (const std::exception& e) {
    std::string what = "template: ";
    what += e.what();
    return Internal(std::move(what));
  }
}

}  // namespace comptoir::liquid
