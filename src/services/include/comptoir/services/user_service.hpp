// UserService: the people use cases — create (with identities, organisation by email
// domain), update, find, search, suspend, delete, passwords, tags, identities and the
// merge of a duplicate end user into another. Each call is one transaction.
// Errors: kNotFound (also for records the caller may not see), kPermissionDenied,
// kValidation with per-field details (DuplicateValue for a taken email). Thread-safe.
#pragma once

#include <boost/json/object.hpp>
#include <optional>
#include <string>
#include <vector>

#include "comptoir/services/auth_service.hpp"
#include "comptoir/services/context.hpp"

namespace comptoir::services {

struct IdentityInput {
  std::string type;  // "email", "phone_number", …
  std::string value;
  bool verified = false;
  bool primary = false;
};

// Fields a request may set; nullopt = leave unchanged (or default on create).
struct UserInput {
  std::optional<std::string> name, email, phone, external_id, alias, details, notes, signature,
      locale, time_zone, role;
  std::optional<std::int64_t> custom_role_id, organization_id, default_group_id;
  std::optional<std::string> organization_name;  // "organization": {"name": …}
  std::optional<bool> verified, suspended, shared, moderator, only_private_comments,
      restricted_agent;
  std::optional<std::vector<std::string>> tags;
  std::optional<boost::json::object> user_fields;
  std::vector<IdentityInput> identities;
  std::optional<std::string> password;  // admin-set password on create
};

// What a merge moved, as recorded in the audit log.
struct MergeReport {
  int identities = 0;
  int organization_memberships = 0;
  int tags = 0;
  int user_fields = 0;
  int tickets = 0;
};

class UserService {
 public:
  UserService(ServiceEnv env, AuthService& auth) : env_(env), auth_(auth) {}

  Result<domain::User> Create(const Context& ctx, const UserInput& in);
  // The same inside the caller's transaction (no password): used when a ticket names an
  // unknown requester or CC by email.
  Result<domain::User> CreateInTransaction(storage::Transaction& tx, const Context& ctx,
                                           const UserInput& in);
  // Matches by email (any identity) or external_id; second = true when created.
  Result<std::pair<domain::User, bool>> CreateOrUpdate(const Context& ctx, const UserInput& in);
  Result<domain::User> Update(const Context& ctx, UserId id, const UserInput& in);
  Result<domain::User> Get(const Context& ctx, UserId id);
  Result<std::vector<domain::User>> GetMany(const Context& ctx, const std::vector<UserId>& ids);
  Result<std::vector<domain::User>> GetManyByExternalIds(const Context& ctx,
                                                         const std::vector<std::string>& ids);
  Result<storage::Page<domain::User>> List(const Context& ctx, const storage::UserFilter& f,
                                           const storage::PageRequest& p);
  Result<std::int64_t> Count(const Context& ctx, const storage::UserFilter& f);
  // Soft delete: the user becomes inactive, loses identities and memberships.
  Result<domain::User> Delete(const Context& ctx, UserId id);
  // Permanently deletes a user that was soft-deleted before.
  Status DeletePermanently(const Context& ctx, UserId id);

  // Admin sets a password; a user changes their own with the previous one.
  Status SetPassword(const Context& ctx, UserId id, const std::string& password);
  Status ChangePassword(const Context& ctx, UserId id, const std::string& previous,
                        const std::string& password);
  // Password policy: 8..128 characters, not the same as the email, at least a letter and
  // a digit or symbol. Returns the problems as a 422.
  static Status CheckPasswordPolicy(const std::string& password, const std::string& email);

  enum class TagOp { kSet, kAdd, kRemove };
  Result<std::vector<std::string>> ChangeTags(const Context& ctx, UserId id, TagOp op,
                                              const std::vector<std::string>& tags);

  // Merges the end user `source` into `target`; returns the target.
  Result<domain::User> Merge(const Context& ctx, UserId source, UserId target);

  // Identities.
  Result<std::vector<domain::Identity>> Identities(const Context& ctx, UserId user);
  Result<std::vector<domain::Identity>> IdentitiesOf(const Context& ctx,
                                                     const std::vector<UserId>& users);
  Result<domain::Identity> GetIdentity(const Context& ctx, UserId user, IdentityId id);
  Result<domain::Identity> AddIdentity(const Context& ctx, UserId user, const IdentityInput& in);
  Result<domain::Identity> UpdateIdentity(const Context& ctx, UserId user, IdentityId id,
                                          std::optional<std::string> value,
                                          std::optional<bool> verified);
  Result<std::vector<domain::Identity>> MakePrimary(const Context& ctx, UserId user, IdentityId id);
  Status DeleteIdentity(const Context& ctx, UserId user, IdentityId id);

  // Creates the account and its owner on first start; no-op when users exist.
  // Returns true when it created them.
  static Result<bool> Bootstrap(storage::Store& store, const Clock& clock, const std::string& email,
                                const std::string& name, const std::string& password);

 private:
  Status Apply(storage::Transaction& tx, const Context& ctx, domain::User& u, const UserInput& in,
               bool creating);
  Status AddIdentityTx(storage::Transaction& tx, domain::User& u, const IdentityInput& in,
                       const std::string& field);
  Status SyncPrimaryContacts(storage::Transaction& tx, domain::User& u);
  Status JoinOrganization(storage::Transaction& tx, const domain::User& u, OrganizationId org,
                          bool make_default);
  Result<domain::User> Load(storage::Transaction& tx, const Context& ctx, UserId id);

  ServiceEnv env_;
  AuthService& auth_;
};

}  // namespace comptoir::services
