// The people of a support organisation: users (end users, agents, admins) and their
// identities, organisations and memberships, groups and memberships, custom roles,
// custom user/organisation fields, API and OAuth tokens. Plain values; no I/O.
#pragma once

#include <boost/json/object.hpp>
#include <optional>
#include <string>
#include <vector>

#include "comptoir/common/clock.hpp"
#include "comptoir/common/ids.hpp"

namespace comptoir::domain {

enum class Role { kEndUser, kAgent, kAdmin };
const char* RoleName(Role r);                          // "end-user", "agent", "admin"
std::optional<Role> ParseRole(std::string_view name);  // nullopt when unknown

// What a custom role lets an agent see of tickets.
enum class TicketAccess { kAll, kWithinGroups, kAssignedOnly };
const char* TicketAccessName(TicketAccess a);  // "all", "within-groups", "assigned-only"
std::optional<TicketAccess> ParseTicketAccess(std::string_view name);

struct User {
  UserId id;
  AccountId account_id;
  std::string name;
  std::string email;  // primary email identity, lower case; "" when none
  std::string phone;  // primary phone identity
  Role role = Role::kEndUser;
  CustomRoleId custom_role_id;
  OrganizationId organization_id;  // default organisation
  GroupId default_group_id;
  std::string external_id;  // "" = null
  std::string alias, details, notes, signature;
  std::string locale = "en-US";
  std::string time_zone = "UTC";  // IANA name
  bool active = true;
  bool suspended = false;
  bool verified = false;
  bool shared = false;
  bool moderator = false;
  bool only_private_comments = false;
  bool restricted_agent = false;
  std::vector<std::string> tags;
  boost::json::object user_fields;
  std::string password_hash;  // Argon2id; "" = no password
  Timestamp password_changed_at = 0;
  Timestamp last_login_at = 0;
  UserId merged_into;
  Timestamp created_at = 0;
  Timestamp updated_at = 0;

  bool is_staff() const { return role != Role::kEndUser; }
};

enum class IdentityType { kEmail, kPhoneNumber, kTwitter, kFacebook, kGoogle };
const char* IdentityTypeName(IdentityType t);  // "email", "phone_number", …
std::optional<IdentityType> ParseIdentityType(std::string_view name);

struct Identity {
  IdentityId id;
  AccountId account_id;
  UserId user_id;
  IdentityType type = IdentityType::kEmail;
  std::string value;  // normalised (emails lower case, phones in E.164-ish form)
  bool verified = false;
  bool primary = false;
  Timestamp created_at = 0;
  Timestamp updated_at = 0;
};

struct Organization {
  OrganizationId id;
  AccountId account_id;
  std::string name;
  std::string external_id;
  std::string details, notes;
  GroupId group_id;
  bool shared_tickets = false;
  bool shared_comments = false;
  std::vector<std::string> tags;
  std::vector<std::string> domain_names;  // lower case
  boost::json::object organization_fields;
  Timestamp created_at = 0;
  Timestamp updated_at = 0;
};

struct OrganizationMembership {
  OrganizationMembershipId id;
  AccountId account_id;
  UserId user_id;
  OrganizationId organization_id;
  bool is_default = false;
  bool view_tickets = true;
  Timestamp created_at = 0;
  Timestamp updated_at = 0;
};

struct Group {
  GroupId id;
  AccountId account_id;
  std::string name;
  std::string description;
  bool is_default = false;
  bool is_public = true;
  bool deleted = false;
  Timestamp created_at = 0;
  Timestamp updated_at = 0;
};

struct GroupMembership {
  GroupMembershipId id;
  AccountId account_id;
  UserId user_id;
  GroupId group_id;
  bool is_default = false;
  Timestamp created_at = 0;
  Timestamp updated_at = 0;
};

struct CustomRole {
  CustomRoleId id;
  AccountId account_id;
  std::string name;
  std::string description;
  TicketAccess ticket_access = TicketAccess::kAll;
  bool end_user_profile_edit = true;  // may agents of this role edit end users
  boost::json::object configuration;  // the full configuration object as given
  Timestamp created_at = 0;
  Timestamp updated_at = 0;
};

enum class FieldOwner { kUser, kOrganization };

struct FieldOption {
  std::int64_t id = 0;
  std::string name;
  std::string value;
  int position = 0;
};

// A custom field of users or organisations (user_fields / organization_fields).
struct CustomField {
  FieldId id;
  AccountId account_id;
  FieldOwner owner = FieldOwner::kUser;
  std::string key;
  std::string type;  // text, textarea, checkbox, date, integer, decimal, regexp, dropdown
  std::string title;
  std::string description;
  int position = 0;
  bool active = true;
  std::string regexp_for_validation;
  std::string tag;                   // checkbox: tag added when checked
  std::vector<FieldOption> options;  // dropdown
  Timestamp created_at = 0;
  Timestamp updated_at = 0;
};

struct ApiToken {
  TokenId id;
  AccountId account_id;
  UserId user_id;
  std::string token_hash;  // SHA-256 hex of the token
  std::string description;
  bool active = true;
  Timestamp created_at = 0;
};

struct OAuthClient {
  OAuthClientId id;
  AccountId account_id;
  UserId user_id;
  std::string name;
  std::string identifier;
  std::string secret_hash;
  std::string description;
  std::vector<std::string> redirect_uri;
  Timestamp created_at = 0;
  Timestamp updated_at = 0;
};

struct OAuthToken {
  TokenId id;
  AccountId account_id;
  OAuthClientId client_id;
  UserId user_id;
  std::string token_hash;
  std::vector<std::string> scopes;  // "read", "write", "impersonate", …
  Timestamp created_at = 0;
  Timestamp expires_at = 0;  // 0 = never
};

// One entry of the account's audit log: who did what to which record.
struct AuditLogEntry {
  std::int64_t id = 0;
  AccountId account_id;
  UserId actor_id;
  std::string source_type;  // "user", "organization", …
  std::int64_t source_id = 0;
  std::string source_label;
  std::string action;  // "create", "update", "destroy", "merge", …
  std::string change_description;
  std::string ip_address;
  Timestamp created_at = 0;
};

// A background job started by a bulk request (create_many, update_many, …).
struct JobStatus {
  std::string id;  // "V3-…"
  AccountId account_id;
  UserId user_id;
  std::string kind;               // "users.create_many", …
  std::string payload;            // JSON text of the work to do
  std::string status = "queued";  // queued, working, completed, failed, killed
  int total = 0;
  int progress = 0;
  std::string message;
  std::string results;  // JSON array text; "" = null
  Timestamp created_at = 0;
  Timestamp updated_at = 0;
};

}  // namespace comptoir::domain
