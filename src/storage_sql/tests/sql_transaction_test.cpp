// SqlTransaction keeps the database's own failures even when a use case swallows them.
#include "comptoir/storage_sql/sql_transaction.hpp"

#include <gtest/gtest.h>

namespace comptoir::sql {
namespace {

// A connection whose every statement fails with `error`.
class FailingConnection final : public Connection {
 public:
  explicit FailingConnection(Status error) : error_(std::move(error)) {}
  Result<std::vector<Row>> Query(std::string_view, const Params&) override { return error_; }
  Result<std::int64_t> Exec(std::string_view, const Params&) override { return error_; }
  Status ExecScript(std::string_view) override { return error_; }
  Dialect dialect() const override { return Dialect::kPostgres; }

 private:
  Status error_;
};

TEST(SqlTransactionTest, ALostConnectionWinsOverWhatTheUseCaseMadeOfIt) {
  FailingConnection conn(Status(ErrorCode::kUnavailable, "server closed the connection"));
  SqlTransaction tx(conn);
  EXPECT_TRUE(tx.DatabaseError().ok());
  // A use case that reads "no such user" into a 422 would hide the outage.
  auto u = tx.users().Get(AccountId(1), UserId(7));
  ASSERT_FALSE(u.ok());
  EXPECT_EQ(tx.DatabaseError().code(), ErrorCode::kUnavailable);
}

TEST(SqlTransactionTest, ASerializationFailureIsKeptSoTheWriteIsRetried) {
  FailingConnection conn(Status(ErrorCode::kAborted, "could not serialize access"));
  SqlTransaction tx(conn);
  (void)tx.tickets().Get(AccountId(1), TicketId(1));
  EXPECT_EQ(tx.DatabaseError().code(), ErrorCode::kAborted);
}

TEST(SqlTransactionTest, OrdinaryErrorsAreTheUseCasesToHandle) {
  FailingConnection conn(Status(ErrorCode::kAlreadyExists, "duplicate key"));
  SqlTransaction tx(conn);
  (void)tx.users().Get(AccountId(1), UserId(7));
  EXPECT_TRUE(tx.DatabaseError().ok());
}

}  // namespace
}  // namespace comptoir::sql
