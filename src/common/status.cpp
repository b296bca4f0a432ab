#include "comptoir/common/status.hpp"

namespace comptoir {

std::string Status::ToString() const {
  if (ok()) return "OK";
  std::string s = reason_.empty() ? std::string("error") : reason_;
  s += ": ";
  s += message_;
  for (const auto& d : details_) {
    s += " [" + d.field + ": " + d.description + "]";
  }
  return s;
}

Status NotFound(std::string what) {
  return {ErrorCode::kNotFound, std::move(what), "RecordNotFound"};
}
Status InvalidArgument(std::string message) {
  return {ErrorCode::kInvalidArgument, std::move(message), "InvalidArgument"};
}
Status Internal(std::string message) {
  return {ErrorCode::kInternal, std::move(message), "InternalError"};
}
Status PermissionDenied(std::string message) {
  return {ErrorCode::kPermissionDenied, std::move(message), "Forbidden"};
}
Status Unauthenticated() {
  return {ErrorCode::kUnauthenticated, "Couldn't authenticate you", "Unauthenticated"};
}
Status Invalid(std::string field, std::string error, std::string description) {
  Status s(ErrorCode::kValidation, "Record validation errors", "RecordInvalid");
  s.WithDetail(std::move(field), std::move(error), std::move(description));
  return s;
}

Status Validation::Finish() const {
  if (problems_.empty()) return Status::Ok();
  Status s(ErrorCode::kValidation, "Record validation errors", "RecordInvalid");
  for (const auto& p : problems_) s.WithDetail(p.field, p.error, p.description);
  return s;
}

}  // namespace comptoir
