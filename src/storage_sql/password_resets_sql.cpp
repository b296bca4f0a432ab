// SQL for password resets (table password_resets, migration 15).
#include "repos_internal.hpp"
#include "sql_util.hpp"

namespace comptoir::sql {

namespace {

constexpr const char* kResetCols =
    "id, account_id, user_id, token_hash, created_at, expires_at, used_at";

PasswordReset MapReset(const Row& r) {
  PasswordReset p;
  p.id = r.Int(0);
  p.account_id = AccountId(r.Int(1));
  p.user_id = UserId(r.Int(2));
  p.token_hash = r.Text(3);
  p.created_at = r.Int(4);
  p.expires_at = r.Int(5);
  p.used_at = r.Int(6);
  return p;
}

}  // namespace

Result<std::int64_t> SqlSessions::InsertPasswordReset(const PasswordReset& r) {
  return InsertReturningId(
      c_,
      "INSERT INTO password_resets (account_id, user_id, token_hash, "
      "created_at, expires_at, used_at) VALUES (?, ?, ?, ?, ?, 0) "
      "RETURNING id",
      {r.account_id.value, r.user_id.value, r.token_hash, r.created_at, r.expires_at});
}

Result<PasswordReset> SqlSessions::GetPasswordReset(AccountId account, std::int64_t id) {
  return One<PasswordReset>(c_.Query(std::string("SELECT ") + kResetCols +
                                         " FROM password_resets WHERE account_id = ? AND id = ?",
                                     {account.value, id}),
                            MapReset);
}

Result<PasswordReset> SqlSessions::FindPasswordReset(std::string_view token_hash) {
  if (token_hash.empty()) return NotFound();
  return One<PasswordReset>(
      c_.Query(std::string("SELECT ") + kResetCols + " FROM password_resets WHERE token_hash = ?",
               {std::string(token_hash)}),
      MapReset);
}

Status SqlSessions::SetPasswordResetToken(AccountId account, std::int64_t id,
                                          std::string_view token_hash) {
  return ExecOne(c_, "UPDATE password_resets SET token_hash = ? WHERE account_id = ? AND id = ?",
                 {std::string(token_hash), account.value, id});
}

Status SqlSessions::UsePasswordReset(AccountId account, std::int64_t id, Timestamp now) {
  auto n = c_.Exec(
      "UPDATE password_resets SET used_at = ? WHERE account_id = ? AND id = ? AND used_at = 0",
      {now, account.value, id});
  if (!n.ok()) return std::move(n).TakeStatus();
  if (*n == 0) return Status(ErrorCode::kFailedPrecondition, "the reset was used already");
  return Status::Ok();
}

Result<std::int64_t> SqlSessions::UsePasswordResets(AccountId account, UserId user, Timestamp now) {
  return c_.Exec(
      "UPDATE password_resets SET used_at = ? WHERE account_id = ? AND user_id = ? AND used_at = 0",
      {now, account.value, user.value});
}

Result<std::int64_t> SqlSessions::DeletePasswordResetsBefore(Timestamp expires_before) {
  return c_.Exec("DELETE FROM password_resets WHERE expires_at < ?", {expires_before});
}

}  // namespace comptoir::sql
