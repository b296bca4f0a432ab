#include "comptoir/domain/policy.hpp"

#include <algorithm>

namespace comptoir::domain {

Actor ActorFor(const User& user, const CustomRole* custom_role) {
  Actor a;
  a.account_id = user.account_id;
  a.user_id = user.id;
  a.role = user.role;
  if (user.role == Role::kAgent && custom_role != nullptr) {
    a.ticket_access = custom_role->ticket_access;
    a.can_edit_end_users = custom_role->end_user_profile_edit;
  }
  return a;
}

bool CanViewUser(const Actor& a, const User& target) {
  if (a.account_id != target.account_id) return false;
  return a.is_staff() || a.user_id == target.id;
}

bool CanEditUser(const Actor& a, const User& target) {
  if (a.account_id != target.account_id) return false;
  if (a.is_admin()) return true;
  if (a.user_id == target.id) return true;
  if (a.is_staff()) return target.role == Role::kEndUser && a.can_edit_end_users;
  return false;
}

bool CanCreateUserWithRole(const Actor& a, Role role) {
  if (a.is_admin()) return true;
  return a.is_staff() && a.can_edit_end_users && role == Role::kEndUser;
}

namespace {
bool Contains(const std::vector<std::int64_t>& ids, UserId u) {
  return std::find(ids.begin(), ids.end(), u.value) != ids.end();
}
}  // namespace

bool CanViewTicket(const Actor& a, const Ticket& t, const TicketScope& scope) {
  if (a.account_id != t.account_id) return false;
  if (a.is_admin()) return true;
  const bool own = t.requester_id == a.user_id || Contains(t.collaborator_ids, a.user_id) ||
                   Contains(t.email_cc_ids, a.user_id);
  if (!a.is_staff()) {
    if (!t.is_public && t.requester_id != a.user_id) return false;
    return own || (t.organization_id &&
                   std::find(scope.shared_organizations.begin(), scope.shared_organizations.end(),
                             t.organization_id) != scope.shared_organizations.end());
  }
  if (own || t.assignee_id == a.user_id || Contains(t.follower_ids, a.user_id)) return true;
  switch (a.ticket_access) {
    case TicketAccess::kAll:
      return true;
    case TicketAccess::kWithinGroups:
      return t.group_id &&
             std::find(scope.groups.begin(), scope.groups.end(), t.group_id) != scope.groups.end();
    case TicketAccess::kAssignedOnly:
      return false;
  }
  return false;
}

bool CanEditTicket(const Actor& a, const Ticket& t, const TicketScope& scope) {
  return a.is_staff() && CanViewTicket(a, t, scope);
}

bool HasScope(const Actor& a, bool write, std::string_view resource) {
  if (a.scopes.empty()) return true;
  const std::string need = write ? "write" : "read";
  return std::any_of(a.scopes.begin(), a.scopes.end(), [&](const std::string& s) {
    return s == need || s == std::string(resource) + ":" + need;
  });
}

}  // namespace comptoir::domain
