// GroupService: groups of agents and their memberships. Staff may read; admins change.
// One account has exactly one default group, which cannot be deleted; deleting a group is
// soft (deleted = true) and removes its memberships. Only agents and admins belong to
// groups; an agent's default membership mirrors users.default_group_id.
// Each call is one transaction. Errors: kNotFound, kPermissionDenied, kValidation with
// per-field details (DuplicateValue for an existing membership). Thread-safe.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "comptoir/services/auth_service.hpp"
#include "comptoir/services/context.hpp"

namespace comptoir::services {

// Fields a request may set; nullopt = leave unchanged (or default on create).
struct GroupInput {
  std::optional<std::string> name, description;
  std::optional<bool> is_default, is_public;
};

struct GroupMembershipInput {
  UserId user_id;
  GroupId group_id;
  std::optional<bool> is_default;
};

class GroupService {
 public:
  GroupService(ServiceEnv env, AuthService& auth) : env_(env), auth_(auth) {}

  // Groups, oldest first; deleted ones only with filter.include_deleted.
  Result<storage::Page<domain::Group>> List(const Context& ctx, const storage::GroupFilter& filter,
                                            const storage::PageRequest& page);
  Result<std::int64_t> Count(const Context& ctx);
  // A group, deleted or not.
  Result<domain::Group> Get(const Context& ctx, GroupId id);
  // Existing groups among `ids` (for side-loads); unknown ids are skipped.
  Result<std::vector<domain::Group>> GetMany(const Context& ctx, const std::vector<GroupId>& ids);
  // The non-deleted groups `user` belongs to.
  Result<std::vector<domain::Group>> ListForUser(const Context& ctx, UserId user);
  // Name required (≤ 255); is_default makes it the only default group.
  Result<domain::Group> Create(const Context& ctx, const GroupInput& in);
  Result<domain::Group> Update(const Context& ctx, GroupId id, const GroupInput& in);
  // Soft delete. kValidation for the default group; kNotFound when already deleted.
  Status Delete(const Context& ctx, GroupId id);

  // Memberships, oldest first, filtered by user and/or group. `assignable` keeps those
  // of non-deleted groups (all of them, since deleting a group removes its memberships).
  Result<storage::Page<domain::GroupMembership>> ListMemberships(
      const Context& ctx, const storage::MembershipFilter& filter,
      const storage::PageRequest& page);
  // kNotFound also when `user` is given and the membership belongs to someone else.
  Result<domain::GroupMembership> GetMembership(const Context& ctx, GroupMembershipId id,
                                                UserId user = UserId());
  // kValidation on "user_id" (unknown, end user, already a member) or "group_id".
  Result<domain::GroupMembership> CreateMembership(const Context& ctx,
                                                   const GroupMembershipInput& in);
  // Makes the membership the user's default; returns all of the user's memberships.
  Result<std::vector<domain::GroupMembership>> MakeDefault(const Context& ctx, UserId user,
                                                           GroupMembershipId id);
  // Removes a membership; the user's default moves to another membership or is cleared.
  Status DeleteMembership(const Context& ctx, GroupMembershipId id, UserId user = UserId());

 private:
  Result<domain::Group> LoadLive(storage::Transaction& tx, const Context& ctx, GroupId id);
  Status ClearOtherDefaults(storage::Transaction& tx, const Context& ctx, GroupId keep);
  Status SetUserDefault(storage::Transaction& tx, const Context& ctx, UserId user,
                        GroupMembershipId membership, Timestamp now);
  Status RemoveMembership(storage::Transaction& tx, const Context& ctx,
                          const domain::GroupMembership& m, Timestamp now);

  ServiceEnv env_;
  AuthService& auth_;
};

}  // namespace comptoir::services
