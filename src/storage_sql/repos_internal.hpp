// Private: the SQL repository classes behind SqlTransaction.
#pragma once

#include "comptoir/storage/repositories.hpp"
#include "comptoir/storage_sql/connection.hpp"

namespace comptoir::sql {

using namespace comptoir::storage;  // NOLINT(google-build-using-namespace): private header

class SqlAccounts final : public AccountRepository {
 public:
  explicit SqlAccounts(Connection& c) : c_(c) {}
  Result<Account> Get(AccountId id) override;
  Result<AccountId> Insert(const Account& a) override;
  Status Update(const Account& a) override;

 private:
  Connection& c_;
};

class SqlUsers final : public UserRepository {
 public:
  explicit SqlUsers(Connection& c) : c_(c) {}
  Result<domain::User> Get(AccountId account, UserId id) override;
  Result<std::vector<domain::User>> GetMany(AccountId account,
                                            const std::vector<UserId>& ids) override;
  Result<domain::User> FindByExternalId(AccountId account, std::string_view ext) override;
  Result<Page<domain::User>> List(AccountId account, const UserFilter& filter,
                                  const PageRequest& page) override;
  Result<std::int64_t> Count(AccountId account, const UserFilter& filter) override;
  Result<UserId> Insert(const domain::User& u) override;
  Status Update(const domain::User& u) override;
  Status Delete(AccountId account, UserId id) override;

 private:
  Connection& c_;
};

class SqlIdentities final : public IdentityRepository {
 public:
  explicit SqlIdentities(Connection& c) : c_(c) {}
  Result<domain::Identity> Get(AccountId account, IdentityId id) override;
  Result<std::vector<domain::Identity>> ListForUser(AccountId account, UserId user) override;
  Result<std::vector<domain::Identity>> ListForUsers(AccountId account,
                                                     const std::vector<UserId>& users) override;
  Result<domain::Identity> Find(AccountId account, domain::IdentityType type,
                                std::string_view value) override;
  Result<IdentityId> Insert(const domain::Identity& i) override;
  Status Update(const domain::Identity& i) override;
  Status Delete(AccountId account, IdentityId id) override;

 private:
  Connection& c_;
};

class SqlOrganizations final : public OrganizationRepository {
 public:
  explicit SqlOrganizations(Connection& c) : c_(c) {}
  Result<domain::Organization> Get(AccountId account, OrganizationId id) override;
  Result<std::vector<domain::Organization>> GetMany(
      AccountId account, const std::vector<OrganizationId>& ids) override;
  Result<domain::Organization> FindByDomain(AccountId account, std::string_view domain) override;
  Result<Page<domain::Organization>> List(AccountId account, const OrganizationFilter& filter,
                                          const PageRequest& page) override;
  Result<std::int64_t> Count(AccountId account, const OrganizationFilter& filter) override;
  Result<OrganizationId> Insert(const domain::Organization& o) override;
  Status Update(const domain::Organization& o) override;
  Status Delete(AccountId account, OrganizationId id) override;

 private:
  Status WriteDomains(const domain::Organization& o);
  Connection& c_;
};

class SqlOrganizationMemberships final : public OrganizationMembershipRepository {
 public:
  explicit SqlOrganizationMemberships(Connection& c) : c_(c) {}
  Result<domain::OrganizationMembership> Get(AccountId account,
                                             OrganizationMembershipId id) override;
  Result<domain::OrganizationMembership> Find(AccountId account, UserId user,
                                              OrganizationId org) override;
  Result<Page<domain::OrganizationMembership>> List(AccountId account,
                                                    const MembershipFilter& filter,
                                                    const PageRequest& page) override;
  Result<OrganizationMembershipId> Insert(const domain::OrganizationMembership& m) override;
  Status Update(const domain::OrganizationMembership& m) override;
  Status Delete(AccountId account, OrganizationMembershipId id) override;

 private:
  Connection& c_;
};

class SqlGroups final : public GroupRepository {
 public:
  explicit SqlGroups(Connection& c) : c_(c) {}
  Result<domain::Group> Get(AccountId account, GroupId id) override;
  Result<std::vector<domain::Group>> GetMany(AccountId account,
                                             const std::vector<GroupId>& ids) override;
  Result<Page<domain::Group>> List(AccountId account, const GroupFilter& filter,
                                   const PageRequest& page) override;
  Result<std::int64_t> Count(AccountId account, const GroupFilter& filter) override;
  Result<GroupId> Insert(const domain::Group& g) override;
  Status Update(const domain::Group& g) override;

 private:
  Connection& c_;
};

class SqlGroupMemberships final : public GroupMembershipRepository {
 public:
  explicit SqlGroupMemberships(Connection& c) : c_(c) {}
  Result<domain::GroupMembership> Get(AccountId account, GroupMembershipId id) override;
  Result<domain::GroupMembership> Find(AccountId account, UserId user, GroupId group) override;
  Result<Page<domain::GroupMembership>> List(AccountId account, const MembershipFilter& filter,
                                             const PageRequest& page) override;
  Result<GroupMembershipId> Insert(const domain::GroupMembership& m) override;
  Status Update(const domain::GroupMembership& m) override;
  Status Delete(AccountId account, GroupMembershipId id) override;

 private:
  Connection& c_;
};

class SqlCustomRoles final : public CustomRoleRepository {
 public:
  explicit SqlCustomRoles(Connection& c) : c_(c) {}
  Result<domain::CustomRole> Get(AccountId account, CustomRoleId id) override;
  Result<std::vector<domain::CustomRole>> List(AccountId account) override;
  Result<CustomRoleId> Insert(const domain::CustomRole& r) override;
  Status Update(const domain::CustomRole& r) override;
  Status Delete(AccountId account, CustomRoleId id) override;

 private:
  Connection& c_;
};

class SqlCustomFields final : public CustomFieldRepository {
 public:
  explicit SqlCustomFields(Connection& c) : c_(c) {}
  Result<domain::CustomField> Get(AccountId account, domain::FieldOwner owner, FieldId id) override;
  Result<std::vector<domain::CustomField>> List(AccountId account,
                                                domain::FieldOwner owner) override;
  Result<FieldId> Insert(const domain::CustomField& f) override;
  Status Update(const domain::CustomField& f) override;
  Status Delete(AccountId account, domain::FieldOwner owner, FieldId id) override;

 private:
  Connection& c_;
};

class SqlTokens final : public TokenRepository {
 public:
  explicit SqlTokens(Connection& c) : c_(c) {}
  Result<domain::ApiToken> FindApiToken(std::string_view token_hash) override;
  Result<std::vector<domain::ApiToken>> ListApiTokens(AccountId account) override;
  Result<TokenId> InsertApiToken(const domain::ApiToken& t) override;
  Status DeleteApiToken(AccountId account, TokenId id) override;
  Result<domain::OAuthClient> GetClient(AccountId account, OAuthClientId id) override;
  Result<std::vector<domain::OAuthClient>> ListClients(AccountId account) override;
  Result<OAuthClientId> InsertClient(const domain::OAuthClient& c) override;
  Status UpdateClient(const domain::OAuthClient& c) override;
  Status DeleteClient(AccountId account, OAuthClientId id) override;
  Result<domain::OAuthToken> FindOAuthToken(std::string_view token_hash) override;
  Result<domain::OAuthToken> GetOAuthToken(AccountId account, TokenId id) override;
  Result<std::vector<domain::OAuthToken>> ListOAuthTokens(AccountId account) override;
  Result<TokenId> InsertOAuthToken(const domain::OAuthToken& t) override;
  Status DeleteOAuthToken(AccountId account, TokenId id) override;

 private:
  Connection& c_;
};

class SqlJobs final : public JobRepository {
 public:
  explicit SqlJobs(Connection& c) : c_(c) {}
  Result<domain::JobStatus> Get(AccountId account, std::string_view id) override;
  Result<std::vector<domain::JobStatus>> List(AccountId account, int limit) override;
  Status Insert(const domain::JobStatus& j) override;
  Status Update(const domain::JobStatus& j) override;
  Result<std::vector<domain::JobStatus>> ListUnfinished(int limit) override;

 private:
  Connection& c_;
};

class SqlAuditLogs final : public AuditLogRepository {
 public:
  explicit SqlAuditLogs(Connection& c) : c_(c) {}
  Status Insert(const domain::AuditLogEntry& e) override;
  Result<Page<domain::AuditLogEntry>> List(AccountId account, std::string_view source_type,
                                           std::int64_t source_id,
                                           const PageRequest& page) override;

 private:
  Connection& c_;
};

}  // namespace comptoir::sql
