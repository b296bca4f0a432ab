// Private to services: what an account has, as the rules engine validates against it.
#pragma once

#include "comptoir/rules/rules.hpp"
#include "comptoir/storage/store.hpp"

namespace comptoir::services {

// Groups, agents, organisations, ticket forms and ticket fields of the account (brands,
// webhooks, targets and schedules are not kept by this store: marked not loaded).
Result<rules::Catalog> LoadRulesCatalog(storage::Transaction& tx, AccountId account);

}  // namespace comptoir::services
