// CustomFieldService: the definitions of custom user fields and organization fields
// (Zendesk's user_fields / organization_fields) and the options of dropdown fields. Staff
// may read; admins change. A field's key is unique per owner and, like its type, fixed
// once created (values are stored under the key). Each call is one transaction.
// Errors: kNotFound, kPermissionDenied, kValidation with per-field details
// (DuplicateValue for a taken key). Thread-safe.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "comptoir/services/auth_service.hpp"
#include "comptoir/services/context.hpp"

namespace comptoir::services {

struct FieldOptionInput {
  std::optional<std::int64_t> id;  // an existing option to update
  std::string name;
  std::string value;  // normalised like a tag (lower case, no spaces)
  std::optional<int> position;
};

// Fields a request may set; nullopt = leave unchanged (or default on create).
struct CustomFieldInput {
  std::optional<std::string> key, type, title, description, regexp_for_validation, tag;
  std::optional<int> position;
  std::optional<bool> active;
  // Dropdowns: replaces the options; ids of existing options are kept.
  std::optional<std::vector<FieldOptionInput>> options;
};

class CustomFieldService {
 public:
  CustomFieldService(ServiceEnv env, AuthService& auth) : env_(env), auth_(auth) {}

  // By position, then id.
  Result<std::vector<domain::CustomField>> List(const Context& ctx, domain::FieldOwner owner);
  Result<domain::CustomField> Get(const Context& ctx, domain::FieldOwner owner, FieldId id);
  // kValidation: key missing, malformed or taken; type unknown; title blank; regexp
  // fields without a valid regexp_for_validation; dropdowns without options.
  Result<domain::CustomField> Create(const Context& ctx, domain::FieldOwner owner,
                                     const CustomFieldInput& in);
  // kValidation also when the key or type would change.
  Result<domain::CustomField> Update(const Context& ctx, domain::FieldOwner owner, FieldId id,
                                     const CustomFieldInput& in);
  Status Delete(const Context& ctx, domain::FieldOwner owner, FieldId id);
  // Positions follow `ids`; fields not listed keep their order after them. kValidation
  // for an id that is not a field of that owner. Returns the reordered list.
  Result<std::vector<domain::CustomField>> Reorder(const Context& ctx, domain::FieldOwner owner,
                                                   const std::vector<FieldId>& ids);

  // Options of a dropdown field (kNotFound for other types).
  Result<std::vector<domain::FieldOption>> Options(const Context& ctx, domain::FieldOwner owner,
                                                   FieldId id);
  Result<domain::FieldOption> GetOption(const Context& ctx, domain::FieldOwner owner, FieldId id,
                                        std::int64_t option_id);
  // Updates the option with in.id (or the same value) or adds a new one; second = created.
  Result<std::pair<domain::FieldOption, bool>> UpsertOption(const Context& ctx,
                                                            domain::FieldOwner owner, FieldId id,
                                                            const FieldOptionInput& in);
  // kValidation when it is the last option.
  Status DeleteOption(const Context& ctx, domain::FieldOwner owner, FieldId id,
                      std::int64_t option_id);

  // Option values as stored: lower case, whitespace runs become '_'.
  // The regexp rule shared by user, organisation and ticket fields: a "regexp" field
  // takes `incoming` when given and needs a pattern std::regex compiles (≤ 1,024 bytes),
  // else a problem on "regexp_for_validation"; other types keep no pattern.
  static void ApplyRegexp(const std::string& type, const std::optional<std::string>& incoming,
                          std::string& pattern, Validation& v);
  static std::string NormalizeOptionValue(std::string_view raw);

 private:
  Status Apply(storage::Transaction& tx, const Context& ctx, domain::CustomField& f,
               const CustomFieldInput& in, bool creating);
  Result<domain::CustomField> LoadDropdown(storage::Transaction& tx, const Context& ctx,
                                           domain::FieldOwner owner, FieldId id);

  ServiceEnv env_;
  AuthService& auth_;
};

}  // namespace comptoir::services
