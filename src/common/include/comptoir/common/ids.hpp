// Strong id types: a TicketId cannot be passed where a UserId is expected.
// Ids are positive 64-bit integers; 0 means "none". Plain values, thread-safe.
#pragma once

#include <cstdint>
#include <functional>

namespace comptoir {

template <typename Tag>
struct Id {
  std::int64_t value = 0;
  constexpr Id() = default;
  constexpr explicit Id(std::int64_t v) : value(v) {}
  constexpr explicit operator bool() const { return value != 0; }
  friend constexpr auto operator<=>(Id, Id) = default;
};

using AccountId = Id<struct AccountTag>;
using UserId = Id<struct UserTag>;
using IdentityId = Id<struct IdentityTag>;
using OrganizationId = Id<struct OrganizationTag>;
using OrganizationMembershipId = Id<struct OrganizationMembershipTag>;
using GroupId = Id<struct GroupTag>;
using GroupMembershipId = Id<struct GroupMembershipTag>;
using CustomRoleId = Id<struct CustomRoleTag>;
using FieldId = Id<struct FieldTag>;
using TokenId = Id<struct TokenTag>;
using OAuthClientId = Id<struct OAuthClientTag>;
using TicketId = Id<struct TicketTag>;
using CommentId = Id<struct CommentTag>;
using AuditId = Id<struct AuditTag>;
using AttachmentId = Id<struct AttachmentTag>;
using TicketFieldId = Id<struct TicketFieldTag>;
using TicketFormId = Id<struct TicketFormTag>;

}  // namespace comptoir

template <typename Tag>
struct std::hash<comptoir::Id<Tag>> {
  std::size_t operator()(comptoir::Id<Tag> id) const noexcept {
    return std::hash<std::int64_t>{}(id.value);
  }
};
