// OrganizationService: the organisation use cases — create (unique name, external id and
// email domains; custom organisation fields), update, find, search, delete, tags — and
// organisation memberships, including which one is a user's default (mirrored in
// users.organization_id). Each call is one transaction.
// Staff may read; admins and agents whose role may edit end users may write; end users
// see only their own memberships and organisations.
// Errors: kNotFound (also for records the caller may not see), kPermissionDenied,
// kValidation with per-field details (DuplicateValue for a taken name). Thread-safe.
#pragma once

#include <boost/json/object.hpp>
#include <optional>
#include <string>
#include <vector>

#include "comptoir/services/auth_service.hpp"
#include "comptoir/services/context.hpp"

namespace comptoir::services {

// Fields a request may set; nullopt = leave unchanged (or default on create).
struct OrganizationInput {
  std::optional<std::string> name, external_id, details, notes;
  std::optional<std::int64_t> group_id;  // 0 = none
  std::optional<bool> shared_tickets, shared_comments;
  std::optional<std::vector<std::string>> tags, domain_names;
  std::optional<boost::json::object> organization_fields;  // null value = clear
};

struct OrganizationRelated {
  std::int64_t users_count = 0;
  std::int64_t tickets_count = 0;
};

// A membership with the name of its organisation, as the API shows it.
struct OrganizationMembershipView : domain::OrganizationMembership {
  std::string organization_name;
};

struct MembershipInput {
  std::int64_t user_id = 0;
  std::int64_t organization_id = 0;
  std::optional<bool> is_default;  // true = becomes the user's default
  std::optional<bool> view_tickets;
};

class OrganizationService {
 public:
  OrganizationService(ServiceEnv env, AuthService& auth) : env_(env), auth_(auth) {}

  // Organisations returned by every call carry organization_fields with each field the
  // account defines (null when unset), and only those.
  Result<domain::Organization> Create(const Context& ctx, const OrganizationInput& in);
  // Matches by `id` (when non-zero), then external_id, then name (case-insensitive);
  // second = true when created.
  Result<std::pair<domain::Organization, bool>> CreateOrUpdate(const Context& ctx,
                                                               OrganizationId id,
                                                               const OrganizationInput& in);
  Result<domain::Organization> Update(const Context& ctx, OrganizationId id,
                                      const OrganizationInput& in);
  Result<domain::Organization> Get(const Context& ctx, OrganizationId id);
  // Unknown ids (and, for end users, organisations they do not belong to) are skipped.
  Result<std::vector<domain::Organization>> GetMany(const Context& ctx,
                                                    const std::vector<OrganizationId>& ids);
  Result<std::vector<domain::Organization>> GetManyByExternalIds(
      const Context& ctx, const std::vector<std::string>& external_ids);
  // Staff only. Search = filter by exact name or external_id; autocomplete = the
  // name_prefix filter, which must have at least 2 characters (else kInvalidArgument).
  Result<storage::Page<domain::Organization>> List(const Context& ctx,
                                                   const storage::OrganizationFilter& f,
                                                   const storage::PageRequest& p);
  Result<std::int64_t> Count(const Context& ctx, const storage::OrganizationFilter& f);
  Result<storage::Page<domain::Organization>> Autocomplete(const Context& ctx,
                                                           const std::string& prefix,
                                                           const storage::PageRequest& p);
  // The organisations a user belongs to (end users: their own only).
  Result<storage::Page<domain::Organization>> ListForUser(const Context& ctx, UserId user,
                                                          const storage::PageRequest& p);
  Result<std::int64_t> CountForUser(const Context& ctx, UserId user);
  // Deletes the organisation and its memberships; members whose default it was get
  // another membership as default, or no organisation.
  Status Delete(const Context& ctx, OrganizationId id);
  Result<OrganizationRelated> Related(const Context& ctx, OrganizationId id);

  enum class TagOp { kSet, kAdd, kRemove };
  Result<std::vector<std::string>> Tags(const Context& ctx, OrganizationId id);
  Result<std::vector<std::string>> ChangeTags(const Context& ctx, OrganizationId id, TagOp op,
                                              const std::vector<std::string>& tags);

  // Memberships. Filter by user and/or organisation; end users may list only their own.
  Result<storage::Page<OrganizationMembershipView>> ListMemberships(
      const Context& ctx, const storage::MembershipFilter& f, const storage::PageRequest& p);
  // `user` non-zero: the membership must belong to that user (else kNotFound).
  Result<OrganizationMembershipView> GetMembership(const Context& ctx, OrganizationMembershipId id,
                                                   UserId user = UserId());
  // 422 naming user_id / organization_id when they do not exist, DuplicateValue when
  // already a member. A user's first membership becomes the default.
  Result<OrganizationMembershipView> CreateMembership(const Context& ctx,
                                                      const MembershipInput& in);
  // When the default goes, another membership becomes the default (or none is left).
  Status DeleteMembership(const Context& ctx, OrganizationMembershipId id, UserId user = UserId());
  Status RemoveFromOrganization(const Context& ctx, UserId user, OrganizationId org);
  // Make one membership the user's default; returns all the user's memberships.
  Result<std::vector<OrganizationMembershipView>> MakeDefault(const Context& ctx, UserId user,
                                                              OrganizationMembershipId id);
  Result<std::vector<OrganizationMembershipView>> MakeDefaultOrganization(const Context& ctx,
                                                                          UserId user,
                                                                          OrganizationId org);

 private:
  Status Apply(storage::Transaction& tx, const Context& ctx, domain::Organization& o,
               const OrganizationInput& in, bool creating);
  Result<domain::Organization> Save(storage::Transaction& tx, const Context& ctx,
                                    domain::Organization& o, const OrganizationInput& in,
                                    bool creating);
  Result<domain::Organization> Load(storage::Transaction& tx, const Context& ctx,
                                    OrganizationId id);
  Status Present(storage::Transaction& tx, std::vector<domain::Organization>& orgs);
  Result<std::vector<OrganizationMembershipView>> Views(
      storage::Transaction& tx, const Context& ctx,
      const std::vector<domain::OrganizationMembership>& ms);
  Status SetDefault(storage::Transaction& tx, const Context& ctx, UserId user,
                    OrganizationMembershipId id);
  Status RemoveMembership(storage::Transaction& tx, const Context& ctx,
                          const domain::OrganizationMembership& m);
  Status CheckCanSeeUser(storage::Transaction& tx, const Context& ctx, UserId user);

  ServiceEnv env_;
  AuthService& auth_;
};

}  // namespace comptoir::services
