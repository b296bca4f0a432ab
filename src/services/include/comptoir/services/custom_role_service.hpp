// CustomRoleService: custom agent roles (Zendesk's custom_roles). Staff may read; admins
// change. A role's configuration object is kept as given; its ticket_access and
// end_user_profile_access keys also drive the permission policy, so every change drops
// the cached actors of the AuthService. A role still given to agents cannot be deleted.
// Each call is one transaction. Errors: kNotFound, kPermissionDenied, kValidation with
// per-field details. Thread-safe.
#pragma once

#include <boost/json/object.hpp>
#include <optional>
#include <string>
#include <vector>

#include "comptoir/services/auth_service.hpp"
#include "comptoir/services/context.hpp"

namespace comptoir::services {

// Fields a request may set; nullopt = leave unchanged (or default on create).
struct CustomRoleInput {
  std::optional<std::string> name, description;
  // Keys given are merged into the stored configuration.
  std::optional<boost::json::object> configuration;
};

// A role with the number of agents who have it.
struct CustomRoleRecord {
  domain::CustomRole role;
  std::int64_t team_member_count = 0;
};

class CustomRoleService {
 public:
  CustomRoleService(ServiceEnv env, AuthService& auth) : env_(env), auth_(auth) {}

  Result<std::vector<CustomRoleRecord>> List(const Context& ctx);
  Result<CustomRoleRecord> Get(const Context& ctx, CustomRoleId id);
  // kValidation: name blank, too long or taken ("name"); configuration.ticket_access or
  // configuration.end_user_profile_access unknown.
  Result<CustomRoleRecord> Create(const Context& ctx, const CustomRoleInput& in);
  Result<CustomRoleRecord> Update(const Context& ctx, CustomRoleId id, const CustomRoleInput& in);
  // kValidation when agents still have the role.
  Status Delete(const Context& ctx, CustomRoleId id);

 private:
  Status Apply(storage::Transaction& tx, const Context& ctx, domain::CustomRole& r,
               const CustomRoleInput& in, bool creating);

  ServiceEnv env_;
  AuthService& auth_;
};

}  // namespace comptoir::services
