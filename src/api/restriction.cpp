// The `restriction` of views and macros (one domain::Restriction, one JSON form):
// {"type": "Group", "id": first, "ids": [...]} or {"type": "User", "id": n}; null when
// shared with everyone.
#include <algorithm>

#include "api_internal.hpp"

namespace comptoir::api {

json::value RestrictionJson(const domain::Restriction& r) {
  if (r.type == domain::Restriction::Type::kNone) return nullptr;
  json::array ids;
  for (auto id : r.ids) ids.emplace_back(id);
  json::object o{{"type", r.type == domain::Restriction::Type::kGroup ? "Group" : "User"},
                 {"id", r.ids.empty() ? json::value(nullptr) : json::value(r.ids.front())}};
  if (r.type == domain::Restriction::Type::kGroup) o["ids"] = std::move(ids);
  return o;
}

Result<domain::Restriction> ParseRestriction(const json::value& v) {
  domain::Restriction r;
  if (v.is_null()) return r;
  if (!v.is_object())
    return Invalid("restriction", "InvalidValue", "Restriction: must be an object");
  const auto& o = v.get_object();
  const auto* type = o.if_contains("type");
  std::string t = type && type->is_string() ? std::string(type->get_string()) : "";
  if (t == "Group") {
    r.type = domain::Restriction::Type::kGroup;
  } else if (t == "User") {
    r.type = domain::Restriction::Type::kUser;
  } else {
    return Invalid("restriction", "InvalidValue", "Restriction: type must be Group or User");
  }
  if (const auto* ids = o.if_contains("ids"); ids && ids->is_array()) {
    for (const auto& e : ids->get_array()) {
      auto id = IdOf(e);
      if (!id) return Invalid("restriction", "InvalidValue", "Restriction: ids must be ids");
      r.ids.push_back(*id);
    }
  }
  if (const auto* id = o.if_contains("id"); id && !id->is_null()) {
    auto x = IdOf(*id);
    if (!x) return Invalid("restriction", "InvalidValue", "Restriction: id must be an id");
    if (std::find(r.ids.begin(), r.ids.end(), *x) == r.ids.end()) r.ids.insert(r.ids.begin(), *x);
  }
  return r;
}

}  // namespace comptoir::api
