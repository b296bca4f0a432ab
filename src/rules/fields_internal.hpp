// The field and operator vocabulary of the condition tree and of actions, shared by
// validation, definitions and evaluation. Internal to the rules module.
#pragma once

#include <boost/json/value.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "comptoir/domain/via.hpp"
#include "comptoir/rules/rules.hpp"

namespace comptoir::rules::internal {

enum class Op : std::uint8_t {
  kIs,
  kIsNot,
  kLess,
  kGreater,
  kLessEq,
  kGreaterEq,
  kChanged,
  kNotChanged,
  kValue,             // changed to
  kValuePrevious,     // changed from
  kNotValue,          // not changed to
  kNotValuePrevious,  // not changed from
  kIncludes,
  kNotIncludes,
  kIncludesString,
  kNotIncludesString,
  kPresent,
  kNotPresent,
  kUnknown,
};

// The operator named `s` (Zendesk's spellings, with changed_to / changed_from aliases).
Op ParseOp(std::string_view s);
std::string_view OpName(Op op);
std::string_view OpTitle(Op op);
bool IsChangeOp(Op op);

enum class F : std::uint8_t {
  kStatus,
  kPriority,
  kType,
  kGroup,
  kAssignee,
  kRequester,
  kOrganization,
  kBrand,
  kForm,
  kCurrentTags,
  kViaId,
  kCurrentViaId,
  kRecipient,
  kCustomField,
  kSatisfaction,
  kRequesterRole,
  kRole,
  kUpdateType,
  kCommentIsPublic,
  kTicketIsPublic,
  kSubjectWords,
  kCommentWords,
  kDescriptionWords,
  kReopens,
  kReplies,
  kAttachment,
  kInBusinessHours,  // the ticket's schedule is open at the update (facts.business_hours)
  kSchedule,         // the ticket's schedule (its own, else the account's default)
  // Hours since / until (automations, views).
  kHoursNew,
  kHoursOpen,
  kHoursPending,
  kHoursHold,
  kHoursSolved,
  kHoursClosed,
  kHoursAssigned,
  kHoursUpdated,
  kHoursRequesterUpdated,
  kHoursAssigneeUpdated,
  kHoursDue,
  kHoursUntilDue,
  kHoursSinceSlaBreach,  // sla_next_breach_at: hours since the last SLA breach
  kHoursUntilSlaBreach,  // until_sla_next_breach_at: hours until the next SLA breach
  kUnknown,
};

// What kind of value a field holds, which decides its operators and values.
enum class ValueKind : std::uint8_t {
  kStatus,
  kPriority,
  kType,
  kId,  // group, assignee, requester, organization, brand, form
  kTags,
  kVia,
  kText,  // recipient
  kSatisfaction,
  kRole,
  kUpdateType,
  kCommentPublic,
  kTicketPublic,
  kWords,
  kCount,
  kAttachment,
  kHours,
  kCustom,
  kBusinessHours,  // true / false
  kSchedule,       // a schedule id
};

inline constexpr unsigned kT = 1;  // triggers
inline constexpr unsigned kA = 2;  // automations
inline constexpr unsigned kV = 4;  // views
inline constexpr unsigned kM = 8;  // macros (actions only)

unsigned KindBit(RuleKind kind);

struct FieldSpec {
  std::string_view name;
  F field;
  ValueKind value_kind;
  unsigned kinds;  // where the field may appear as a condition
  std::string_view title;
  std::string_view group;  // "ticket", "requester", "update", "time"
};

// The condition fields, in definition order (custom fields excluded).
const std::vector<FieldSpec>& ConditionFields();
// The spec of a condition field; custom_fields_<id> gives kCustomField with *field_id set.
const FieldSpec* FindConditionField(std::string_view name, std::int64_t* field_id);
// The operators a value kind takes in rules of `kind`.
std::vector<Op> OperatorsFor(ValueKind vk, RuleKind kind, const domain::TicketField* custom);

// Numeric via ids (reference §3.12) ⇄ the channel names tickets store: domain/via.hpp.
using domain::ViaIdOfChannel;
using domain::ViaTypes;

inline constexpr std::string_view kSatisfactionValues[] = {
    "unoffered", "offered", "bad", "bad_with_comment", "good", "good_with_comment"};
int SatisfactionRank(std::string_view s);  // -1 when unknown

// A value as text: strings as they are, numbers in decimal, booleans "true"/"false",
// null "", arrays joined by spaces.
std::string ValueText(const boost::json::value& v);
// Whitespace-separated words, lower-cased.
std::vector<std::string> Words(std::string_view s);
std::string Lower(std::string_view s);
// Whole decimal integer (optional sign); nullopt otherwise.
std::optional<std::int64_t> ParseInt(std::string_view s);

}  // namespace comptoir::rules::internal
