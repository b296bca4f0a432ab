// Permission policy: who may see or change which people records. The Actor is the
// authenticated caller of one request. Pure functions over values; thread-safe.
#pragma once

#include <string>
#include <vector>

#include "comptoir/common/ids.hpp"
#include "comptoir/domain/people.hpp"
#include "comptoir/domain/tickets.hpp"

namespace comptoir::domain {

struct Actor {
  AccountId account_id;
  UserId user_id;  // 0 for the system (CLI, background jobs)
  Role role = Role::kEndUser;
  TicketAccess ticket_access = TicketAccess::kAll;
  bool can_edit_end_users = true;
  bool system = false;
  // OAuth scopes when authenticated by an OAuth token; empty means unrestricted.
  std::vector<std::string> scopes;
  std::int64_t oauth_token_id = 0;  // the OAuth token used, when any

  static Actor System(AccountId account) {
    Actor a;
    a.account_id = account;
    a.role = Role::kAdmin;
    a.system = true;
    return a;
  }
  bool is_admin() const { return system || role == Role::kAdmin; }
  bool is_staff() const { return system || role != Role::kEndUser; }
};

// Builds the actor for a user, applying their custom role when they have one.
Actor ActorFor(const User& user, const CustomRole* custom_role);

bool CanViewUser(const Actor& a, const User& target);
// May change the target's profile (name, identities, tags, fields…).
bool CanEditUser(const Actor& a, const User& target);
// May create a user with that role.
bool CanCreateUserWithRole(const Actor& a, Role role);
// Admins only: roles, groups, custom roles, fields, tokens, account settings.
inline bool CanAdminister(const Actor& a) { return a.is_admin(); }
// Organisations, groups and memberships may be viewed by staff.
inline bool CanViewDirectory(const Actor& a) { return a.is_staff(); }
// Organisations and organisation memberships may be changed by admins and by agents
// whose role lets them edit end users.
inline bool CanEditOrganizations(const Actor& a) {
  return a.is_admin() || (a.is_staff() && a.can_edit_end_users);
}
// What the caller belongs to, as far as ticket access goes: the groups of an agent,
// the organisations whose tickets an end user may see (shared_tickets memberships).
struct TicketScope {
  std::vector<GroupId> groups;
  std::vector<OrganizationId> shared_organizations;
};

// Admins see every ticket; agents by their role's ticket access (all, their groups'
// tickets, or tickets assigned to them — plus tickets they requested or follow); end
// users their own requests, those they are copied on, and their organisation's when it
// shares tickets.
bool CanViewTicket(const Actor& a, const Ticket& t, const TicketScope& scope);
// May change the ticket's properties (staff who can see it).
bool CanEditTicket(const Actor& a, const Ticket& t, const TicketScope& scope);

// OAuth scope check: "read" for reads, "write" for changes; a resource scope such as
// "users:read" also grants it.
bool HasScope(const Actor& a, bool write, std::string_view resource);

}  // namespace comptoir::domain
