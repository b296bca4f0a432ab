// Business rules as stored: conditions ({"all":[…],"any":[…]}) and actions
// ([{"field","value"}]) kept as Zendesk's JSON text and read back unchanged, for every
// rule table (triggers, automations, views, macros).
#pragma once

#include <string>
#include <vector>

#include "comptoir/domain/rules.hpp"

namespace comptoir::sql {

std::string ConditionsText(const domain::ConditionSet& c);
domain::ConditionSet ConditionsFromText(const std::string& text);
std::string ActionsText(const std::vector<domain::Action>& actions);
std::vector<domain::Action> ActionsFromText(const std::string& text);

}  // namespace comptoir::sql
