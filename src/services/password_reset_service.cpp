#include "comptoir/services/password_reset_service.hpp"

#include <algorithm>
#include <boost/json.hpp>

#include "comptoir/common/crypto.hpp"
#include "comptoir/common/log.hpp"
#include "comptoir/domain/validation.hpp"
#include "comptoir/html/sanitize.hpp"
#include "comptoir/services/user_service.hpp"

namespace comptoir::services {

namespace json = boost::json;
using storage::Transaction;

namespace {

constexpr std::size_t kTokenBytes = 32;
constexpr std::int64_t kHour = 3600;
constexpr const char* kJobKind = "password_reset_email";

Status TokenInvalid() {
  return Invalid("token", "InvalidValue",
                 "Token: this link is invalid, was used already or has expired");
}

std::string Str(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return v != nullptr && v->is_string() ? std::string(v->as_string()) : std::string();
}

std::int64_t Int(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return v != nullptr && v->is_int64() ? v->as_int64() : 0;
}

struct ResetMail {
  std::string subject, text, html;
};

// The words of the e-mail in one language.
struct ResetWords {
  const char* subject;
  const char* hello;      // then the name and ","
  const char* intro;      // then the minutes
  const char* intro_end;  // after the minutes
  const char* outro;
  const char* link_text;
};

constexpr ResetWords kFrench{
    "Réinitialiser votre mot de passe",
    "Bonjour ",
    "Quelqu'un (vous, sans doute) a demandé à réinitialiser votre mot de passe. Ce lien sert "
    "une seule fois et expire dans ",
    " minutes :",
    "Si vous n'avez rien demandé, ignorez ce message : votre mot de passe ne change pas.",
    "Choisir un nouveau mot de passe"};
constexpr ResetWords kEnglish{
    "Reset your password",
    "Hello ",
    "Someone (probably you) asked to reset your password. This link works once and expires in ",
    " minutes:",
    "If you did not ask for it, ignore this message: your password stays the same.",
    "Choose a new password"};

// The e-mail in the user's language (French or English).
ResetMail Compose(std::string_view locale, std::string_view name, const std::string& link,
                  std::int64_t minutes) {
  const ResetWords& w = locale.substr(0, 2) == "fr" ? kFrench : kEnglish;
  std::string hello = w.hello;
  hello.append(name).append(",");
  std::string intro = w.intro;
  intro.append(std::to_string(minutes)).append(w.intro_end);
  const std::string outro = w.outro;
  ResetMail m;
  m.subject = w.subject;
  m.text = hello + "\n\n" + intro + "\n\n" + link + "\n\n" + outro + "\n";
  m.html = "<p>" + html::EscapeHtml(hello) + "</p><p>" + html::EscapeHtml(intro) +
           "</p><p><a href=\"" + html::EscapeHtml(link) + "\">" + w.link_text + "</a></p><p>" +
           html::EscapeHtml(outro) + "</p>";
  return m;
}

}  // namespace

PasswordResetService::PasswordResetService(ServiceEnv env, JobQueue& queue,
                                           DeliveryService& delivery, AuthService& auth,
                                           PasswordResetOptions options)
    : env_(env), queue_(queue), delivery_(delivery), auth_(auth), options_(std::move(options)) {
  while (!options_.public_url.empty() && options_.public_url.back() == '/') {
    options_.public_url.pop_back();
  }
}

void PasswordResetService::RegisterHandlers() {
  queue_.Register(kJobKind, [this](const JobLease& l) { return HandleEmail(l); });
}

Status PasswordResetService::Request(AccountId account, std::string_view raw_email,
                                     std::string_view remote_address) {
  auto email = domain::NormalizeEmail(raw_email);
  if (!email) return Invalid("email", "InvalidValue", "Email: is not a valid e-mail address");
  const Timestamp now = env_.clock.Now();
  const Timestamp since = now - kHour + 1;
  const std::string address_key = "password_reset_ip:" + crypto::Sha256Hex(remote_address);
  const std::string email_key = "password_reset:" + crypto::Sha256Hex(*email);
  return env_.store.Write([&](Transaction& tx) -> Status {
    auto from_address = tx.sign_in_failures().CountSince(account, address_key, since);
    if (!from_address.ok()) return from_address.status();
    if (*from_address >= options_.per_address_per_hour) {
      Status s(ErrorCode::kResourceExhausted, "Too many password reset requests",
               "TooManyRequests");
      s.WithRetryAfter(static_cast<int>(kHour));
      return s;
    }
    COMPTOIR_RETURN_IF_ERROR(tx.sign_in_failures().Record(account, address_key, now));
    auto for_email = tx.sign_in_failures().CountSince(account, email_key, since);
    if (!for_email.ok()) return for_email.status();
    if (*for_email >= options_.per_email_per_hour) return Status::Ok();  // accepted, not sent
    COMPTOIR_RETURN_IF_ERROR(tx.sign_in_failures().Record(account, email_key, now));

    auto identity = tx.identities().Find(account, domain::IdentityType::kEmail, *email);
    if (!identity.ok()) {
      return identity.status().code() == ErrorCode::kNotFound ? Status::Ok() : identity.status();
    }
    auto user = tx.users().Get(account, identity->user_id);
    if (!user.ok()) {
      return user.status().code() == ErrorCode::kNotFound ? Status::Ok() : user.status();
    }
    if (!user->active || user->suspended) return Status::Ok();

    storage::PasswordReset r;
    r.account_id = account;
    r.user_id = user->id;
    r.created_at = now;
    r.expires_at = now + static_cast<Timestamp>(options_.lifetime.count());
    auto id = tx.sessions().InsertPasswordReset(r);
    if (!id.ok()) return id.status();
    JobQueue::NewJob job;
    job.account = account;
    job.kind = kJobKind;
    job.payload = json::serialize(json::object{{"reset_id", *id}, {"to_email", *email}});
    job.idempotency_key = "password-reset:" + std::to_string(*id);
    job.max_attempts = 20;
    return queue_.Enqueue(tx, job);
  });
}

Status PasswordResetService::HandleEmail(const JobLease& lease) {
  const storage::QueuedJob& job = lease.job();
  const AccountId account = job.account_id;
  boost::system::error_code ec;
  json::value parsed = json::parse(job.payload, ec);
  if (ec || !parsed.is_object()) return Status::Ok();  // nothing to do with it
  const json::object& p = parsed.as_object();
  const std::int64_t reset_id = Int(p, "reset_id");
  const Timestamp now = env_.clock.Now();
  // A fresh token for this attempt; only its hash is written.
  const std::string token = crypto::RandomToken(kTokenBytes);
  std::string skip;
  domain::User user;
  Timestamp expires_at = 0;
  COMPTOIR_RETURN_IF_ERROR(env_.store.Write([&](Transaction& tx) -> Status {
    COMPTOIR_RETURN_IF_ERROR(lease.Check(tx));
    auto r = tx.sessions().GetPasswordReset(account, reset_id);
    if (!r.ok()) {
      if (r.status().code() != ErrorCode::kNotFound) return r.status();
      skip = "the reset is gone";
      return Status::Ok();
    }
    if (r->used_at != 0 || r->expires_at <= now) {
      skip = "the reset was used or has expired";
      return Status::Ok();
    }
    auto u = tx.users().Get(account, r->user_id);
    if (!u.ok() || !u->active || u->suspended) {
      skip = "the user is gone, inactive or suspended";
      return Status::Ok();
    }
    user = std::move(u).value();
    expires_at = r->expires_at;
    return tx.sessions().SetPasswordResetToken(account, reset_id, crypto::Sha256Hex(token));
  }));
  if (!skip.empty()) {
    log::Info("password reset e-mail not sent", {{"job", job.id}, {"reason", skip}});
    return Status::Ok();
  }
  const std::string link = options_.public_url + "/agent/password/reset?token=" + token;
  const std::int64_t minutes = std::max<std::int64_t>(1, (expires_at - now + 59) / 60);
  ResetMail m = Compose(user.locale, user.name, link, minutes);
  json::object mail{{"to_email", Str(p, "to_email")},
                    {"subject", m.subject},
                    {"text", m.text},
                    {"html", m.html},
                    {"message_token", crypto::Sha256Hex(job.idempotency_key).substr(0, 20)}};
  return delivery_.SendEmail(lease, mail);
}

Status PasswordResetService::Confirm(AccountId account, std::string_view token,
                                     const std::string& password) {
  if (token.size() < 20 || token.size() > 200) return TokenInvalid();
  const std::string hash = crypto::Sha256Hex(token);
  const Timestamp now = env_.clock.Now();
  storage::PasswordReset reset;
  std::string email;
  COMPTOIR_RETURN_IF_ERROR(env_.store.Read([&](Transaction& tx) -> Status {
    auto r = tx.sessions().FindPasswordReset(hash);
    if (!r.ok()) return r.status().code() == ErrorCode::kNotFound ? TokenInvalid() : r.status();
    if (r->account_id != account || r->used_at != 0 || r->expires_at <= now) {
      return TokenInvalid();
    }
    auto u = tx.users().Get(account, r->user_id);
    if (!u.ok() || !u->active || u->suspended) return TokenInvalid();
    reset = std::move(r).value();
    email = u->email;
    return Status::Ok();
  }));
  COMPTOIR_RETURN_IF_ERROR(UserService::CheckPasswordPolicy(password, email));
  auto pw = crypto::HashPassword(password);
  if (!pw.ok()) return pw.status();
  Status st = env_.store.Write([&](Transaction& tx) -> Status {
    Status used = tx.sessions().UsePasswordReset(account, reset.id, now);
    if (used.code() == ErrorCode::kFailedPrecondition) return TokenInvalid();
    COMPTOIR_RETURN_IF_ERROR(used);
    COMPTOIR_RETURN_IF_ERROR(tx.sessions().UsePasswordResets(account, reset.user_id, now).status());
    auto u = tx.users().Get(account, reset.user_id);
    if (!u.ok()) return u.status();
    u->password_hash = *pw;
    u->password_changed_at = u->updated_at = now;
    COMPTOIR_RETURN_IF_ERROR(tx.users().Update(*u));
    COMPTOIR_RETURN_IF_ERROR(tx.sessions().DeleteForUser(account, reset.user_id).status());
    COMPTOIR_RETURN_IF_ERROR(tx.sign_in_failures().Clear(account, crypto::Sha256Hex(u->email)));
    Context ctx;
    ctx.actor.account_id = account;
    ctx.actor.user_id = u->id;
    ctx.actor.role = u->role;
    return RecordAudit(tx, ctx, now, "user", u->id.value, u->name, "update",
                       "Password reset by e-mail link");
  });
  if (st.ok()) auth_.Invalidate(reset.user_id);
  return st;
}

}  // namespace comptoir::services
