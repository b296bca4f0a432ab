// The vocabulary: condition fields, operators, via ids, and small text helpers.
#include <algorithm>
#include <cctype>
#include <charconv>

#include "fields_internal.hpp"

namespace comptoir::rules::internal {

namespace {

struct OpInfo {
  std::string_view name;
  Op op;
  std::string_view title;
};

constexpr OpInfo kOps[] = {
    {"is", Op::kIs, "Is"},
    {"is_not", Op::kIsNot, "Is not"},
    {"less_than", Op::kLess, "Less than"},
    {"greater_than", Op::kGreater, "Greater than"},
    {"less_than_equal", Op::kLessEq, "Less than or equal to"},
    {"greater_than_equal", Op::kGreaterEq, "Greater than or equal to"},
    {"changed", Op::kChanged, "Changed"},
    {"not_changed", Op::kNotChanged, "Not changed"},
    {"value", Op::kValue, "Changed to"},
    {"value_previous", Op::kValuePrevious, "Changed from"},
    {"not_value", Op::kNotValue, "Not changed to"},
    {"not_value_previous", Op::kNotValuePrevious, "Not changed from"},
    {"includes", Op::kIncludes, "Contains at least one of the following"},
    {"not_includes", Op::kNotIncludes, "Contains none of the following"},
    {"includes_string", Op::kIncludesString, "Contains the following string"},
    {"not_includes_string", Op::kNotIncludesString, "Does not contain the following string"},
    {"present", Op::kPresent, "Present"},
    {"not_present", Op::kNotPresent, "Not present"},
};

}  // namespace

Op ParseOp(std::string_view s) {
  for (const auto& o : kOps) {
    if (o.name == s) return o.op;
  }
  if (s == "changed_to") return Op::kValue;
  if (s == "changed_from") return Op::kValuePrevious;
  if (s == "not_changed_to") return Op::kNotValue;
  if (s == "not_changed_from") return Op::kNotValuePrevious;
  return Op::kUnknown;
}

std::string_view OpName(Op op) {
  for (const auto& o : kOps) {
    if (o.op == op) return o.name;
  }
  return "unknown";
}

std::string_view OpTitle(Op op) {
  for (const auto& o : kOps) {
    if (o.op == op) return o.title;
  }
  return "";
}

bool IsChangeOp(Op op) {
  switch (op) {
    case Op::kChanged:
    case Op::kNotChanged:
    case Op::kValue:
    case Op::kValuePrevious:
    case Op::kNotValue:
    case Op::kNotValuePrevious:
      return true;
    default:
      return false;
  }
}

unsigned KindBit(RuleKind kind) {
  switch (kind) {
    case RuleKind::kTrigger:
      return kT;
    case RuleKind::kAutomation:
      return kA;
    case RuleKind::kView:
      return kV;
    case RuleKind::kMacro:
      return kM;
  }
  return 0;
}

const std::vector<FieldSpec>& ConditionFields() {
  static const std::vector<FieldSpec> kFields = {
      {"update_type", F::kUpdateType, ValueKind::kUpdateType, kT, "Ticket is", "ticket"},
      {"status", F::kStatus, ValueKind::kStatus, kT | kA | kV, "Status", "ticket"},
      {"priority", F::kPriority, ValueKind::kPriority, kT | kA | kV, "Priority", "ticket"},
      {"type", F::kType, ValueKind::kType, kT | kA | kV, "Type", "ticket"},
      {"group_id", F::kGroup, ValueKind::kId, kT | kA | kV, "Group", "ticket"},
      {"assignee_id", F::kAssignee, ValueKind::kId, kT | kA | kV, "Assignee", "ticket"},
      {"requester_id", F::kRequester, ValueKind::kId, kT | kA | kV, "Requester", "ticket"},
      {"organization_id", F::kOrganization, ValueKind::kId, kT | kA | kV, "Organization", "ticket"},
      {"brand_id", F::kBrand, ValueKind::kId, kT | kA | kV, "Brand", "ticket"},
      {"ticket_form_id", F::kForm, ValueKind::kId, kT | kA | kV, "Form", "ticket"},
      {"current_tags", F::kCurrentTags, ValueKind::kTags, kT | kA | kV, "Tags", "ticket"},
      {"via_id", F::kViaId, ValueKind::kVia, kT | kA | kV, "Channel", "ticket"},
      {"current_via_id", F::kCurrentViaId, ValueKind::kVia, kT, "Update via", "update"},
      {"recipient", F::kRecipient, ValueKind::kText, kT | kA | kV, "Received at", "ticket"},
      {"satisfaction_score", F::kSatisfaction, ValueKind::kSatisfaction, kT | kA | kV,
       "Satisfaction", "ticket"},
      {"requester_role", F::kRequesterRole, ValueKind::kRole, kT, "Requester role", "requester"},
      {"role", F::kRole, ValueKind::kRole, kT, "Current user", "update"},
      {"comment_is_public", F::kCommentIsPublic, ValueKind::kCommentPublic, kT, "Comment is",
       "update"},
      {"ticket_is_public", F::kTicketIsPublic, ValueKind::kTicketPublic, kT | kA, "Privacy",
       "ticket"},
      {"subject_includes_word", F::kSubjectWords, ValueKind::kWords, kT, "Subject text", "update"},
      {"comment_includes_word", F::kCommentWords, ValueKind::kWords, kT, "Comment text", "update"},
      {"description_includes_word", F::kDescriptionWords, ValueKind::kWords, kA | kV, "Description",
       "ticket"},
      {"reopens", F::kReopens, ValueKind::kCount, kT, "Reopens", "ticket"},
      {"replies", F::kReplies, ValueKind::kCount, kT, "Agent replies", "ticket"},
      {"attachment", F::kAttachment, ValueKind::kAttachment, kT, "Attachment", "update"},
      {"in_business_hours", F::kInBusinessHours, ValueKind::kBusinessHours, kT,
       "Within business hours", "ticket"},
      {"within_schedule", F::kSchedule, ValueKind::kSchedule, kT, "Schedule", "ticket"},
      {"NEW", F::kHoursNew, ValueKind::kHours, kA | kV, "Hours since created", "time"},
      {"OPEN", F::kHoursOpen, ValueKind::kHours, kA | kV, "Hours since open", "time"},
      {"PENDING", F::kHoursPending, ValueKind::kHours, kA | kV, "Hours since pending", "time"},
      {"HOLD", F::kHoursHold, ValueKind::kHours, kA | kV, "Hours since on-hold", "time"},
      {"SOLVED", F::kHoursSolved, ValueKind::kHours, kA | kV, "Hours since solved", "time"},
      {"CLOSED", F::kHoursClosed, ValueKind::kHours, kA | kV, "Hours since closed", "time"},
      {"assigned_at", F::kHoursAssigned, ValueKind::kHours, kA | kV, "Hours since assigned",
       "time"},
      {"updated_at", F::kHoursUpdated, ValueKind::kHours, kA | kV, "Hours since update", "time"},
      {"requester_updated_at", F::kHoursRequesterUpdated, ValueKind::kHours, kA | kV,
       "Hours since requester update", "time"},
      {"assignee_updated_at", F::kHoursAssigneeUpdated, ValueKind::kHours, kA | kV,
       "Hours since assignee update", "time"},
      {"due_date", F::kHoursDue, ValueKind::kHours, kA | kV, "Hours since due date", "time"},
      {"until_due_date", F::kHoursUntilDue, ValueKind::kHours, kA | kV, "Hours until due date",
       "time"},
      {"sla_next_breach_at", F::kHoursSinceSlaBreach, ValueKind::kHours, kT | kA | kV,
       "Hours since last SLA breach", "time"},
      {"until_sla_next_breach_at", F::kHoursUntilSlaBreach, ValueKind::kHours, kT | kA | kV,
       "Hours until next SLA breach", "time"},
  };
  return kFields;
}

const FieldSpec* FindConditionField(std::string_view name, std::int64_t* field_id) {
  static const FieldSpec kCustom{"custom_fields_", F::kCustomField, ValueKind::kCustom,
                                 kT | kA | kV,     "Custom field",  "ticket"};
  constexpr std::string_view kPrefix = "custom_fields_";
  if (name.starts_with(kPrefix)) {
    auto id = ParseInt(name.substr(kPrefix.size()));
    if (!id || *id <= 0) return nullptr;
    if (field_id) *field_id = *id;
    return &kCustom;
  }
  // Zendesk's other spellings of the business-hours conditions.
  if (name == "is_business_hours") name = "in_business_hours";
  if (name == "schedule_id") name = "within_schedule";
  for (const auto& f : ConditionFields()) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

std::vector<Op> OperatorsFor(ValueKind vk, RuleKind kind, const domain::TicketField* custom) {
  const bool trigger = kind == RuleKind::kTrigger;
  std::vector<Op> ops;
  // (push_back one by one: GCC 12 at -O3 warns falsely on inserting a list here.)
  static constexpr Op kChangeOps[] = {Op::kChanged,       Op::kNotChanged, Op::kValue,
                                      Op::kValuePrevious, Op::kNotValue,   Op::kNotValuePrevious};
  auto change_ops = [&] {
    if (!trigger) return;
    for (Op op : kChangeOps) ops.push_back(op);
  };

  switch (vk) {
    case ValueKind::kStatus:
    case ValueKind::kPriority:
    case ValueKind::kSatisfaction:
      ops = {Op::kIs, Op::kIsNot, Op::kLess, Op::kGreater};
      change_ops();
      break;
    case ValueKind::kType:
    case ValueKind::kId:
      ops = {Op::kIs, Op::kIsNot};
      change_ops();
      break;
    case ValueKind::kTags:
      ops = {Op::kIncludes, Op::kNotIncludes};
      break;
    case ValueKind::kVia:
    case ValueKind::kText:
    case ValueKind::kRole:
    case ValueKind::kUpdateType:
    case ValueKind::kCommentPublic:
    case ValueKind::kTicketPublic:
    case ValueKind::kAttachment:
    case ValueKind::kBusinessHours:
    case ValueKind::kSchedule:
      ops = {Op::kIs, Op::kIsNot};
      break;
    case ValueKind::kWords:
      ops = {Op::kIncludes, Op::kNotIncludes,    Op::kIs,
             Op::kIsNot,    Op::kIncludesString, Op::kNotIncludesString};
      break;
    case ValueKind::kCount:
      ops = {Op::kIs, Op::kIsNot, Op::kLess, Op::kGreater};
      break;
    case ValueKind::kHours:
      ops = {Op::kIs, Op::kLess, Op::kGreater};
      break;
    case ValueKind::kCustom: {
      const std::string type = custom ? custom->type : "text";
      if (type == "multiselect") {
        ops = {Op::kIncludes, Op::kNotIncludes, Op::kPresent, Op::kNotPresent};
      } else if (type == "integer" || type == "decimal") {
        ops = {Op::kIs,     Op::kIsNot,     Op::kLess,    Op::kGreater,
               Op::kLessEq, Op::kGreaterEq, Op::kPresent, Op::kNotPresent};
      } else if (type == "checkbox") {
        ops = {Op::kIs, Op::kIsNot};
      } else if (type == "tagger") {
        ops = {Op::kIs, Op::kIsNot, Op::kPresent, Op::kNotPresent};
      } else {  // text, textarea, regexp, date, partialcreditcard
        ops = {Op::kIs,         Op::kIsNot,          Op::kPresent,
               Op::kNotPresent, Op::kIncludesString, Op::kNotIncludesString};
      }
      change_ops();
      break;
    }
  }
  return ops;
}

int SatisfactionRank(std::string_view s) {
  int i = 0;
  for (auto v : kSatisfactionValues) {
    if (v == s) return i;
    ++i;
  }
  if (s == "offered_to_requester") return 1;
  return -1;
}

std::string ValueText(const boost::json::value& v) {
  switch (v.kind()) {
    case boost::json::kind::string:
      return std::string(v.get_string());
    case boost::json::kind::int64:
      return std::to_string(v.get_int64());
    case boost::json::kind::uint64:
      return std::to_string(v.get_uint64());
    case boost::json::kind::double_: {
      double d = v.get_double();
      if (d == static_cast<double>(static_cast<std::int64_t>(d))) {
        return std::to_string(static_cast<std::int64_t>(d));
      }
      return std::to_string(d);
    }
    case boost::json::kind::bool_:
      return v.get_bool() ? "true" : "false";
    case boost::json::kind::array: {
      std::string out;
      for (const auto& e : v.get_array()) {
        if (!out.empty()) out += ' ';
        out += ValueText(e);
      }
      return out;
    }
    default:
      return "";
  }
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::vector<std::string> Words(std::string_view s) {
  std::vector<std::string> out;
  std::size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i]))) ++i;
    std::size_t j = i;
    while (j < s.size() && !std::isspace(static_cast<unsigned char>(s[j]))) ++j;
    if (j > i) out.push_back(Lower(s.substr(i, j - i)));
    i = j;
  }
  return out;
}

std::optional<std::int64_t> ParseInt(std::string_view s) {
  if (s.empty()) return std::nullopt;
  std::int64_t v = 0;
  const char* b = s.data();
  if (*b == '+') ++b;
  auto [p, ec] = std::from_chars(b, s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return v;
}

}  // namespace comptoir::rules::internal
