#include "comptoir/services/account_service.hpp"
#include "comptoir/services/search_service.hpp"

#include "comptoir/common/crypto.hpp"
#include "comptoir/domain/validation.hpp"
#include "comptoir/services/automation_service.hpp"
#include "comptoir/services/macro_service.hpp"
#include "comptoir/services/trigger_service.hpp"
#include "comptoir/services/user_service.hpp"
#include "comptoir/services/view_service.hpp"

namespace comptoir::services {

namespace {

// Built by appending: GCC 12 warns (-Wrestrict) on "literal" + std::string at -O3.
Status SubdomainProblem(const std::string& subdomain, const char* error, const char* why) {
  std::string message = "Subdomain: ";
  message += subdomain;
  message += why;
  return Invalid("subdomain", error, message);
}

}  // namespace

AccountService::AccountService(ServiceEnv env, AccountOptions options)
    : env_(env), options_(options) {}

Result<CreatedAccount> AccountService::Create(storage::Store& store, const Clock& clock,
                                              const NewAccount& in) {
  Validation v;
  if (!in.subdomain.empty() && !domain::IsValidSubdomain(in.subdomain)) {
    const Status bad = SubdomainProblem(
        in.subdomain, "InvalidValue",
        " is not valid (1-63 of a-z, 0-9 and '-', not only digits, not www or localhost)");
    for (const auto& d : bad.details()) v.Add(d.field, d.error, d.description);
  }
  if (in.name.empty()) v.Add("name", "BlankValue", "Name: cannot be blank");
  auto email = domain::NormalizeEmail(in.owner_email);
  if (!email) v.Add("owner_email", "InvalidValue", "Owner email: is not valid");
  COMPTOIR_RETURN_IF_ERROR(v.Finish());
  COMPTOIR_RETURN_IF_ERROR(UserService::CheckPasswordPolicy(in.owner_password, *email));
  auto hash = crypto::HashPassword(in.owner_password);
  if (!hash.ok()) return hash.status();
  CreatedAccount out;
  COMPTOIR_RETURN_IF_ERROR(store.Write([&](storage::Transaction& tx) -> Status {
    auto made = CreateInTransaction(tx, clock.Now(), in, *hash);
    if (!made.ok()) return made.status();
    out = *made;
    return Status::Ok();
  }));
  return out;
}

Result<CreatedAccount> AccountService::CreateInTransaction(storage::Transaction& tx, Timestamp now,
                                                           const NewAccount& in,
                                                           const std::string& password_hash) {
  auto email = domain::NormalizeEmail(in.owner_email);
  if (!email) return Invalid("owner_email", "InvalidValue", "Owner email: is not valid");
  if (!in.subdomain.empty()) {
    auto taken = tx.accounts().FindBySubdomain(in.subdomain);
    if (taken.ok()) {
      return SubdomainProblem(in.subdomain, "DuplicateValue", " has already been taken");
    }
    if (taken.status().code() != ErrorCode::kNotFound) return taken.status();
  }
  CreatedAccount out;
  storage::Account a;
  a.name = in.name;
  a.settings = "{}";
  a.created_at = now;
  a.subdomain = in.subdomain;
  auto account = tx.accounts().Insert(a);
  if (!account.ok()) {
    if (account.status().code() == ErrorCode::kAlreadyExists) {
      return SubdomainProblem(in.subdomain, "DuplicateValue", " has already been taken");
    }
    return account.status();
  }
  out.account = *account;
  domain::User u;
  u.account_id = out.account;
  u.name = in.owner_name.empty() ? "Owner" : in.owner_name;
  u.email = *email;
  u.role = domain::Role::kAdmin;
  u.verified = true;
  u.password_hash = password_hash;
  u.password_changed_at = now;
  u.created_at = u.updated_at = now;
  auto id = tx.users().Insert(u);
  if (!id.ok()) return id.status();
  out.owner = *id;
  domain::Identity i;
  i.account_id = out.account;
  i.user_id = out.owner;
  i.type = domain::IdentityType::kEmail;
  i.value = *email;
  i.verified = true;
  i.primary = true;
  i.created_at = i.updated_at = now;
  COMPTOIR_RETURN_IF_ERROR(tx.identities().Insert(i).status());
  domain::Group g;
  g.account_id = out.account;
  g.name = "Support";
  g.is_default = true;
  g.created_at = g.updated_at = now;
  auto gid = tx.groups().Insert(g);
  if (!gid.ok()) return gid.status();
  out.group = *gid;
  domain::GroupMembership m;
  m.account_id = out.account;
  m.user_id = out.owner;
  m.group_id = out.group;
  m.is_default = true;
  m.created_at = m.updated_at = now;
  COMPTOIR_RETURN_IF_ERROR(tx.group_memberships().Insert(m).status());
  u.id = out.owner;
  u.default_group_id = out.group;
  COMPTOIR_RETURN_IF_ERROR(tx.users().Update(u));
  COMPTOIR_RETURN_IF_ERROR(IndexUser(tx, u));  // search
  COMPTOIR_RETURN_IF_ERROR(TriggerService::CreateDefaults(tx, out.account, now));
  COMPTOIR_RETURN_IF_ERROR(MacroService::CreateDefaults(tx, out.account, now));
  COMPTOIR_RETURN_IF_ERROR(ViewService::InsertDefaults(tx, out.account, now));
  COMPTOIR_RETURN_IF_ERROR(AutomationService::InsertDefaults(tx, out.account, now));
  return out;
}

Result<AccountId> AccountService::Resolve(std::string_view host) {
  auto subdomain = domain::SubdomainOfHost(host);
  if (!subdomain) return options_.default_account;
  const Timestamp now = env_.clock.Now();
  {
    std::lock_guard lock(mu_);
    if (auto it = cache_.find(*subdomain); it != cache_.end() && it->second.expires > now) {
      return it->second.account;
    }
  }
  Entry e{options_.default_account, now + options_.miss_ttl.count()};
  Status st = env_.store.Read([&](storage::Transaction& tx) -> Status {
    auto a = tx.accounts().FindBySubdomain(*subdomain);
    if (a.ok()) {
      e = {a->id, now + options_.hit_ttl.count()};
      return Status::Ok();
    }
    return a.status().code() == ErrorCode::kNotFound ? Status::Ok() : a.status();
  });
  if (!st.ok()) return st;
  std::lock_guard lock(mu_);
  if (cache_.size() >= options_.max_entries) cache_.clear();
  cache_[*subdomain] = e;
  return e.account;
}

void AccountService::ForgetResolutions() {
  std::lock_guard lock(mu_);
  cache_.clear();
}

}  // namespace comptoir::services
