#include "rules_text.hpp"

#include <boost/json.hpp>

namespace comptoir::sql {

namespace json = boost::json;

std::string ConditionsText(const domain::ConditionSet& c) {
  auto list = [](const std::vector<domain::Condition>& l) {
    json::array a;
    for (const auto& x : l) {
      a.push_back(json::object{{"field", x.field}, {"operator", x.op}, {"value", x.value}});
    }
    return a;
  };
  return json::serialize(json::object{{"all", list(c.all)}, {"any", list(c.any)}});
}

domain::ConditionSet ConditionsFromText(const std::string& text) {
  domain::ConditionSet out;
  boost::system::error_code ec;
  auto v = json::parse(text, ec);
  if (ec || !v.is_object()) return out;
  auto read = [](const json::value* l, std::vector<domain::Condition>& dst) {
    if (!l || !l->is_array()) return;
    for (const auto& e : l->get_array()) {
      if (!e.is_object()) continue;
      const auto& o = e.get_object();
      domain::Condition c;
      if (const auto* f = o.if_contains("field"); f && f->is_string()) c.field = f->get_string();
      if (const auto* op = o.if_contains("operator"); op && op->is_string()) {
        c.op = op->get_string();
      }
      if (const auto* val = o.if_contains("value")) c.value = *val;
      dst.push_back(std::move(c));
    }
  };
  read(v.get_object().if_contains("all"), out.all);
  read(v.get_object().if_contains("any"), out.any);
  return out;
}

std::string ActionsText(const std::vector<domain::Action>& actions) {
  json::array a;
  for (const auto& x : actions) a.push_back(json::object{{"field", x.field}, {"value", x.value}});
  return json::serialize(a);
}

std::vector<domain::Action> ActionsFromText(const std::string& text) {
  std::vector<domain::Action> out;
  boost::system::error_code ec;
  auto v = json::parse(text, ec);
  if (ec || !v.is_array()) return out;
  for (const auto& e : v.get_array()) {
    if (!e.is_object()) continue;
    const auto& o = e.get_object();
    domain::Action a;
    if (const auto* f = o.if_contains("field"); f && f->is_string()) a.field = f->get_string();
    if (const auto* val = o.if_contains("value")) a.value = *val;
    out.push_back(std::move(a));
  }
  return out;
}

}  // namespace comptoir::sql
