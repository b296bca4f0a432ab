// update_many and destroy_many of the rules APIs (triggers, automations, views, macros):
// one reader of `{"<rules>": [{"id", "position"?, "active"?}, …]}` and of `?ids=1,2,3`.
#include "api_internal.hpp"

namespace comptoir::api {

Result<std::vector<RulePatch>> ParseRulePatches(const json::object& body, const char* key) {
  std::string label(key);
  if (!label.empty()) label[0] = static_cast<char>(label[0] - 'a' + 'A');
  const json::value* v = body.if_contains(key);
  if (v == nullptr || !v->is_array()) {
    return Invalid(key, "BlankValue", label + ": a list is required");
  }
  std::vector<RulePatch> out;
  for (const auto& e : v->get_array()) {
    const auto* o = e.if_object();
    if (o == nullptr) return Invalid(key, "InvalidValue", label + ": must be objects");
    const auto* idv = o->if_contains("id");
    auto id = idv ? IdOf(*idv) : std::nullopt;
    if (!id) return Invalid(key, "InvalidValue", label + ": each needs an id");
    RulePatch p;
    p.id = *id;
    p.item = o;
    if (const auto* pos = o->if_contains("position"); pos && !pos->is_null()) {
      p.position = PositionOf(*pos);
      if (!p.position) return Invalid("position", "InvalidValue", "Position: must be a number");
    }
    if (const auto* a = o->if_contains("active"); a && !a->is_null()) {
      if (!a->is_bool()) return Invalid("active", "InvalidValue", "Active: must be true or false");
      p.active = a->get_bool();
    }
    out.push_back(p);
  }
  return out;
}

Result<std::vector<std::int64_t>> DestroyManyIds(const ApiContext& c) {
  const std::string* ids = c.req.Query("ids");
  if (ids == nullptr || ids->empty()) return InvalidArgument("ids is required");
  return IdList(*ids);
}

}  // namespace comptoir::api
