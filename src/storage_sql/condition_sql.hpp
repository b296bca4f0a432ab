// Private: the condition tree (domain::ConditionSet) compiled to a WHERE clause over
// `tickets`, for views and the automation sweep. Values are bound as parameters, never
// interpolated; only column names chosen from fixed tables reach the SQL text.
#pragma once

#include <string>

#include "comptoir/storage/repositories.hpp"
#include "comptoir/storage_sql/connection.hpp"

namespace comptoir::sql {

// Appends to `where` (the account and filter clause) " AND (…)" for the
// conditions of `q`, and their values to `params`. kInvalidArgument naming the condition
// ("conditions.all[1]: status does not take the operator includes") when a condition
// has no SQL form.
Status CompileConditions(const storage::TicketQuery& q, Dialect dialect, std::string& where,
                         Params& params);

// The ORDER BY clause (without the keywords) for the query's group and sort, ending with
// the id as tie-breaker; kInvalidArgument for a column that cannot be sorted on.
Result<std::string> CompileOrder(const storage::TicketQuery& q);

// The via channel name of a numeric via id (§3.12) and back; "" / -1 when unknown.
std::string ViaChannelOfId(std::int64_t via_id);
std::int64_t ViaIdOfChannel(std::string_view channel);

}  // namespace comptoir::sql
