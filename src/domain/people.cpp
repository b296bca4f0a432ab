#include "comptoir/domain/people.hpp"

namespace comptoir::domain {

const char* RoleName(Role r) {
  switch (r) {
    case Role::kEndUser:
      return "end-user";
    case Role::kAgent:
      return "agent";
    case Role::kAdmin:
      return "admin";
  }
  return "end-user";
}

std::optional<Role> ParseRole(std::string_view name) {
  if (name == "end-user" || name == "end_user") return Role::kEndUser;
  if (name == "agent") return Role::kAgent;
  if (name == "admin") return Role::kAdmin;
  return std::nullopt;
}

const char* TicketAccessName(TicketAccess a) {
  switch (a) {
    case TicketAccess::kAll:
      return "all";
    case TicketAccess::kWithinGroups:
      return "within-groups";
    case TicketAccess::kAssignedOnly:
      return "assigned-only";
  }
  return "all";
}

std::optional<TicketAccess> ParseTicketAccess(std::string_view name) {
  if (name == "all") return TicketAccess::kAll;
  if (name == "within-groups" || name == "groups") return TicketAccess::kWithinGroups;
  if (name == "assigned-only" || name == "assigned") return TicketAccess::kAssignedOnly;
  return std::nullopt;
}

const char* IdentityTypeName(IdentityType t) {
  switch (t) {
    case IdentityType::kEmail:
      return "email";
    case IdentityType::kPhoneNumber:
      return "phone_number";
    case IdentityType::kTwitter:
      return "twitter";
    case IdentityType::kFacebook:
      return "facebook";
    case IdentityType::kGoogle:
      return "google";
  }
  return "email";
}

std::optional<IdentityType> ParseIdentityType(std::string_view name) {
  if (name == "email") return IdentityType::kEmail;
  if (name == "phone_number") return IdentityType::kPhoneNumber;
  if (name == "twitter") return IdentityType::kTwitter;
  if (name == "facebook") return IdentityType::kFacebook;
  if (name == "google") return IdentityType::kGoogle;
  return std::nullopt;
}

}  // namespace comptoir::domain
