// Status and Result<T>: how every fallible call in Comptoir reports an expected failure.
// A Status holds a closed ErrorCode, a stable machine-readable reason (Zendesk's
// "error" word, e.g. "RecordInvalid"), a human message and per-field details.
// Values, not exceptions; cheap to move. Not thread-safe to mutate concurrently.
#pragma once

#include <cassert>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace comptoir {

enum class ErrorCode {
  kOk,
  kInvalidArgument,     // malformed input (HTTP 400)
  kValidation,          // well-formed but invalid record (HTTP 422 RecordInvalid)
  kNotFound,            // HTTP 404
  kAlreadyExists,       // unique constraint (HTTP 422 DuplicateValue at the API)
  kConflict,            // optimistic concurrency (HTTP 409)
  kFailedPrecondition,  // state forbids it (HTTP 422)
  kPermissionDenied,    // HTTP 403
  kUnauthenticated,     // HTTP 401
  kResourceExhausted,   // rate limit (HTTP 429)
  kUnavailable,         // retry later (HTTP 503)
  kAborted,             // transaction conflict, retried by the caller
  kInternal,            // bug or unexpected I/O failure (HTTP 500)
};

// One problem with one field: {"description": "...", "error": "InvalidValue"}.
struct FieldError {
  std::string field;
  std::string error;  // e.g. "InvalidValue", "DuplicateValue", "BlankValue"
  std::string description;
};

class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(ErrorCode code, std::string message, std::string reason = {})
      : code_(code), message_(std::move(message)), reason_(std::move(reason)) {}

  static Status Ok() { return {}; }
  bool ok() const { return code_ == ErrorCode::kOk; }
  ErrorCode code() const { return code_; }
  const std::string& message() const { return message_; }
  const std::string& reason() const { return reason_; }
  const std::vector<FieldError>& details() const { return details_; }
  std::optional<int> retry_after_seconds() const { return retry_after_; }

  Status& WithDetail(std::string field, std::string error, std::string description) {
    details_.push_back({std::move(field), std::move(error), std::move(description)});
    return *this;
  }
  Status& WithRetryAfter(int seconds) {
    retry_after_ = seconds;
    return *this;
  }
  std::string ToString() const;

 private:
  ErrorCode code_ = ErrorCode::kOk;
  std::string message_;
  std::string reason_;
  std::vector<FieldError> details_;
  std::optional<int> retry_after_;
};

// Shorthands for the common errors.
Status NotFound(std::string what = "Not found");
Status InvalidArgument(std::string message);
Status Internal(std::string message);
Status PermissionDenied(std::string message = "You do not have access to this page.");
Status Unauthenticated();
// A 422 with one field problem; add more with WithDetail.
Status Invalid(std::string field, std::string error, std::string description);

// Collects field problems while validating a record; Finish() is Ok when none.
class Validation {
 public:
  void Add(std::string field, std::string error, std::string description) {
    problems_.push_back({std::move(field), std::move(error), std::move(description)});
  }
  bool empty() const { return problems_.empty(); }
  Status Finish() const;

 private:
  std::vector<FieldError> problems_;
};

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}        // NOLINT(google-explicit-constructor)
  Result(Status status) : v_(std::move(status)) {  // NOLINT(google-explicit-constructor)
    assert(!std::get<Status>(v_).ok());
  }

  bool ok() const { return std::holds_alternative<T>(v_); }
  const Status& status() const {
    static const Status kOk;
    return ok() ? kOk : std::get<Status>(v_);
  }
  Status TakeStatus() && { return ok() ? Status() : std::move(std::get<Status>(v_)); }
  T& value() & { return std::get<T>(v_); }
  const T& value() const& { return std::get<T>(v_); }
  T&& value() && { return std::get<T>(std::move(v_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

 private:
  std::variant<T, Status> v_;
};

}  // namespace comptoir

#define COMPTOIR_CONCAT_INNER(a, b) a##b
#define COMPTOIR_CONCAT(a, b) COMPTOIR_CONCAT_INNER(a, b)

// Returns early from the enclosing function when `expr` (a Status) is not ok.
#define COMPTOIR_RETURN_IF_ERROR(expr) \
  COMPTOIR_RETURN_IF_ERROR_IMPL(COMPTOIR_CONCAT(_st_, __COUNTER__), expr)
#define COMPTOIR_RETURN_IF_ERROR_IMPL(var, expr) \
  do {                                           \
    ::comptoir::Status var = (expr);             \
    if (!var.ok()) return var;                   \
  } while (false)

// Declares `lhs` from a Result<T>, or returns its Status from the enclosing function.
#define COMPTOIR_ASSIGN_OR_RETURN(lhs, expr) \
  COMPTOIR_ASSIGN_OR_RETURN_IMPL(COMPTOIR_CONCAT(_res_, __LINE__), lhs, expr)
#define COMPTOIR_ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                                   \
  if (!tmp.ok()) return std::move(tmp).TakeStatus();   \
  lhs = std::move(tmp).value()
