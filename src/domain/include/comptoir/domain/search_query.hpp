// A parsed search query (Zendesk's search language, reference §4): a flat list of terms
// that are ANDed, except that positive `field:value` terms naming the same field are
// ORed (`tags:a tags:b`). Built by the `search` module's parser; compiled to SQL by the
// storage adapters. Plain values; no I/O.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace comptoir::domain {

enum class SearchOp { kEq, kLt, kGt, kLe, kGe };

// What `type:` asked for; kAny searches every type the terms can apply to.
enum class SearchType { kAny, kTicket, kUser, kOrganization, kGroup };

// How a term's value reads.
enum class SearchValueKind {
  kText,      // words (free text, subject:, description:, name:, notes:, …)
  kKeyword,   // one value compared whole (status, tags, email, via, external_id, …)
  kNone,      // `none`: the property is empty
  kMe,        // `me`: the caller
  kDate,      // absolute: `seconds` is a Unix time (UTC)
  kRelative,  // relative: `seconds` is a duration back from now (`4hours`)
};

struct SearchTerm {
  // "" = free text; else a normalized keyword: "status", "priority", "ticket_type",
  // "created", "updated", "solved", "due_date", "tags", "requester", "assignee",
  // "submitter", "group", "organization", "via", "brand", "subject", "description",
  // "comment", "custom_field_<id>", "name", "email", "role", "phone", "external_id",
  // "notes", "details", "is_verified", "is_suspended", "commenter", "cc", "form",
  // "has_attachment", "sla_next_breach" (Comptoir's extension: a relative value counts
  // forward from now, `now` is kRelative with seconds 0).
  std::string field;
  SearchOp op = SearchOp::kEq;
  SearchValueKind kind = SearchValueKind::kText;
  // The value as written, quotes and the trailing `*` removed. For text terms the
  // service replaces it with the folded text before storage sees it.
  std::string value;
  bool negated = false;
  bool phrase = false;       // "quoted words": in this order, adjacent
  bool wildcard = false;     // trailing `*`: a prefix
  std::int64_t seconds = 0;  // kDate / kRelative
  int position = 0;          // byte offset of the term in the query (0-based)
  friend bool operator==(const SearchTerm&, const SearchTerm&) = default;
};

struct SearchQuery {
  std::vector<SearchTerm> terms;
  SearchType type = SearchType::kAny;
  // From `order_by:` / `sort:` in the query ("" = not given).
  std::string order_by;    // "created_at", "updated_at", "priority", "status", "ticket_type"
  std::string sort_order;  // "asc", "desc"
  friend bool operator==(const SearchQuery&, const SearchQuery&) = default;
};

}  // namespace comptoir::domain
