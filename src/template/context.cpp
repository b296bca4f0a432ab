#include "comptoir/template/context.hpp"

#include <algorithm>

namespace comptoir::liquid {

Context& Context::MarkHtmlSafe(std::string path) {
  html_safe_paths_.push_back(std::move(path));
  return *this;
}

bool Context::IsHtmlSafe(std::string_view path) const {
  return std::find(html_safe_paths_.begin(), html_safe_paths_.end(), path) !=
         html_safe_paths_.end();
}

}  // namespace comptoir::liquid
