// TriggerService: the account's triggers and trigger categories (CRUD, order, search,
// definitions), the default triggers of a new account, and the compiled rule set the
// ticket service runs on every ticket write (cached per account, dropped on every change
// on any node). Agents read; admins change. Each call is one transaction. Errors:
// kNotFound, kPermissionDenied, kValidation (422 naming the condition or action).
// Thread-safe.
#pragma once

#include <boost/json/object.hpp>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "comptoir/rules/rules.hpp"
#include "comptoir/services/context.hpp"

namespace comptoir::services {

// Fields a request may set; nullopt = leave unchanged (or default on create).
struct TriggerInput {
  std::optional<std::string> title;
  std::optional<std::string> description;
  std::optional<bool> active;
  std::optional<int> position;
  std::optional<std::int64_t> category_id;  // 0 = none
  // An inline new category ("category": {"name", "position"}) the trigger goes into.
  std::optional<std::string> new_category_name;
  std::optional<int> new_category_position;
  std::optional<domain::ConditionSet> conditions;
  std::optional<std::vector<domain::Action>> actions;
};

struct TriggerFilter {
  std::optional<bool> active;
  std::optional<std::int64_t> category_id;
  std::string query;                 // search: title contains (case-insensitive)
  std::string sort_by = "position";  // position, alphabetical, created_at, updated_at
  std::string sort_order;            // asc | desc ("" = asc, except dates: desc)
};

// One item of update_many / the category jobs: what to change on one trigger.
struct TriggerPatch {
  domain::TriggerId id;
  std::optional<int> position;
  std::optional<bool> active;
  std::optional<std::int64_t> category_id;
};

struct CategoryInput {
  std::optional<std::string> name;
  std::optional<int> position;
};

// The account's active triggers compiled for the ticket service.
struct TriggerSet {
  std::shared_ptr<const rules::CompiledTriggers> compiled;
  std::size_t count = 0;
};

class TriggerService {
 public:
  explicit TriggerService(ServiceEnv env);

  // In evaluation order: category position (no category first), then position, then id.
  Result<std::vector<domain::Trigger>> List(const Context& ctx, const TriggerFilter& filter);
  Result<domain::Trigger> Get(const Context& ctx, domain::TriggerId id);
  Result<domain::Trigger> Create(const Context& ctx, const TriggerInput& in);
  // Conditions and actions, when given, replace the old ones wholesale.
  Result<domain::Trigger> Update(const Context& ctx, domain::TriggerId id, const TriggerInput& in);
  Status Delete(const Context& ctx, domain::TriggerId id);
  // All or nothing: kNotFound when one id is not the account's.
  Status DestroyMany(const Context& ctx, const std::vector<domain::TriggerId>& ids);
  Result<std::vector<domain::Trigger>> UpdateMany(const Context& ctx,
                                                  const std::vector<TriggerPatch>& patches);
  // Positions follow `ids`; triggers not listed keep their order after them.
  Result<std::vector<domain::Trigger>> Reorder(const Context& ctx,
                                               const std::vector<domain::TriggerId>& ids);
  // {"actions":[…],"conditions_all":[…],"conditions_any":[…]} for this account.
  Result<boost::json::object> Definitions(const Context& ctx);

  // --- categories ---
  Result<std::vector<domain::TriggerCategory>> ListCategories(const Context& ctx);
  Result<domain::TriggerCategory> GetCategory(const Context& ctx, domain::TriggerCategoryId id);
  Result<domain::TriggerCategory> CreateCategory(const Context& ctx, const CategoryInput& in);
  Result<domain::TriggerCategory> UpdateCategory(const Context& ctx, domain::TriggerCategoryId id,
                                                 const CategoryInput& in);
  // kValidation while triggers are in it.
  Status DeleteCategory(const Context& ctx, domain::TriggerCategoryId id);
  // POST /trigger_categories/jobs: positions of categories, and position/category/active
  // of triggers, all or nothing.
  struct CategoryPatch {
    domain::TriggerCategoryId id;
    std::optional<int> position;
  };
  Status PatchMany(const Context& ctx, const std::vector<CategoryPatch>& categories,
                   const std::vector<TriggerPatch>& triggers);

  // --- for other services ---
  // Zendesk's default triggers, created with a new account (inside its transaction).
  static Status CreateDefaults(storage::Transaction& tx, AccountId account, Timestamp now);
  // What rules may name in `account`: groups, agents, forms, ticket fields, webhooks,
  // targets, schedules… Lists whose tables this build lacks (brands) are left empty and
  // marked not loaded; extend here when they arrive.
  static Result<rules::Catalog> LoadCatalog(storage::Transaction& tx, AccountId account);
  // The active triggers of `account`, compiled; cached until a trigger or category changes.
  Result<TriggerSet> Active(storage::Transaction& tx, AccountId account);
  // Drops the cached rule set of `account` (called on every node when triggers change).
  void Invalidate(AccountId account);
  // Marks `tx` as changing the triggers of `account`: every node drops its cache on commit.
  static void NoteChange(storage::Transaction& tx, AccountId account);

 private:
  Result<domain::Trigger> Save(storage::Transaction& tx, const Context& ctx, domain::Trigger t,
                               const TriggerInput& in, bool creating);

  ServiceEnv env_;
  std::mutex mu_;
  struct Cached {
    TriggerSet set;
    std::uint64_t generation = 0;
  };
  std::unordered_map<AccountId, Cached> cache_;
  std::unordered_map<AccountId, std::uint64_t> generation_;
};

}  // namespace comptoir::services
