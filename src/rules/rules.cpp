// JSON ⇄ data, validation (422 naming the condition or action), definitions.
#include "comptoir/rules/rules.hpp"

#include <algorithm>
#include <boost/json/serialize.hpp>

#include "comptoir/template/template.hpp"
#include "fields_internal.hpp"

namespace comptoir::rules {

namespace json = boost::json;
using namespace internal;  // NOLINT(google-build-using-namespace)

namespace {

Status Bad(std::string_view where, std::string_view what) {
  std::string msg(where);
  msg += ": ";
  msg += what;
  Status s(ErrorCode::kValidation, msg, "RecordInvalid");
  std::string field(where.substr(0, where.find_first_of(".[")));
  s.WithDetail(field, "InvalidValue", msg);
  return s;
}

std::string Where(std::string_view list, std::size_t i) {
  std::string w(list);
  w += '[';
  w += std::to_string(i);
  w += ']';
  return w;
}

Result<std::vector<domain::Condition>> ParseList(const json::value* v, std::string_view where) {
  std::vector<domain::Condition> out;
  if (!v || v->is_null()) return out;
  if (!v->is_array()) return Bad(where, "must be a list of conditions");
  std::size_t i = 0;
  for (const auto& e : v->get_array()) {
    std::string w = Where(where, i++);
    if (!e.is_object()) return Bad(w, "must be an object");
    const auto& o = e.get_object();
    auto f = o.find("field");
    if (f == o.end() || !f->value().is_string() || f->value().get_string().empty()) {
      return Bad(w, "field is required");
    }
    auto op = o.find("operator");
    if (op == o.end() || !op->value().is_string() || op->value().get_string().empty()) {
      return Bad(w, "operator is required");
    }
    domain::Condition c;
    c.field = std::string(f->value().get_string());
    c.op = std::string(op->value().get_string());
    if (auto val = o.find("value"); val != o.end()) c.value = val->value();
    out.push_back(std::move(c));
  }
  return out;
}

json::array ListToJson(const std::vector<domain::Condition>& l) {
  json::array a;
  a.reserve(l.size());
  for (const auto& c : l) {
    a.push_back(json::object{{"field", c.field}, {"operator", c.op}, {"value", c.value}});
  }
  return a;
}

bool Has(const std::vector<Catalog::Named>& l, std::int64_t id) {
  return std::any_of(l.begin(), l.end(), [&](const Catalog::Named& n) { return n.id == id; });
}

const domain::TicketField* FindTicketField(const Catalog& c, std::int64_t id) {
  for (const auto& f : c.ticket_fields) {
    if (f.id.value == id) return &f;
  }
  return nullptr;
}

bool IsWholeNumber(const json::value& v) {
  if (v.is_int64() || v.is_uint64()) return true;
  if (v.is_string()) return ParseInt(std::string_view(v.get_string())).has_value();
  return false;
}

// A custom field's value (for a condition or an action) against the field's definition.
std::optional<std::string> CheckCustomValue(const domain::TicketField& tf, const json::value& v,
                                            Op op) {
  std::string text = ValueText(v);
  if (tf.type == "tagger" || tf.type == "multiselect") {
    std::vector<std::string> words =
        (tf.type == "multiselect" || op == Op::kIncludes || op == Op::kNotIncludes)
            ? Words(text)
            : std::vector<std::string>{text};
    for (const auto& w : words) {
      if (w.empty()) continue;
      bool ok = std::any_of(tf.options.begin(), tf.options.end(),
                            [&](const domain::TicketFieldOption& o) { return o.value == w; });
      if (!ok) return "'" + w + "' is not an option of " + tf.title;
    }
    return std::nullopt;
  }
  if (tf.type == "checkbox") {
    if (text != "true" && text != "false") return tf.title + " takes true or false";
    return std::nullopt;
  }
  if (tf.type == "integer" && !text.empty() && !ParseInt(text)) {
    return tf.title + " takes a whole number";
  }
  if (tf.type == "decimal" && !text.empty()) {
    char* end = nullptr;
    (void)std::strtod(text.c_str(), &end);
    if (*end != '\0') return tf.title + " takes a number";
  }
  return std::nullopt;
}

Status CheckTemplate(std::string_view where, std::string_view what, std::string_view source) {
  auto t = liquid::Parse(source);
  if (t.ok()) return Status::Ok();
  std::string msg(what);
  msg += ": ";
  msg += t.status().message();
  return Bad(where, msg);
}

Status CheckCondition(RuleKind kind, const domain::Condition& c, const std::string& where,
                      const Catalog& catalog) {
  std::int64_t fid = 0;
  const FieldSpec* spec = FindConditionField(c.field, &fid);
  if (!spec) return Bad(where, "unknown field " + c.field);
  if (!(spec->kinds & KindBit(kind))) {
    const char* k = kind == RuleKind::kTrigger      ? "triggers"
                    : kind == RuleKind::kAutomation ? "automations"
                    : kind == RuleKind::kView       ? "views"
                                                    : "macros";
    return Bad(where, c.field + " cannot be used in " + k);
  }
  const domain::TicketField* tf = nullptr;
  if (spec->field == F::kCustomField) {
    tf = FindTicketField(catalog, fid);
    if (!tf) return Bad(where, c.field + " is not a ticket field of this account");
  }
  Op op = ParseOp(c.op);
  auto ops = OperatorsFor(spec->value_kind, kind, tf);
  if (op == Op::kUnknown || std::find(ops.begin(), ops.end(), op) == ops.end()) {
    return Bad(where, c.field + " does not take the operator " + c.op);
  }
  if (op == Op::kChanged || op == Op::kNotChanged || op == Op::kPresent || op == Op::kNotPresent) {
    return Status::Ok();
  }
  const std::string text = ValueText(c.value);
  const std::string low = Lower(text);
  auto invalid = [&] { return Bad(where, "'" + text + "' is not a valid value for " + c.field); };
  if (!c.value.is_null() && !c.value.is_string() && !c.value.is_int64() && !c.value.is_uint64() &&
      !c.value.is_bool() && !c.value.is_array() && !c.value.is_double()) {
    return invalid();
  }
  switch (spec->value_kind) {
    case ValueKind::kStatus:
      if (!domain::ParseStatus(low)) return invalid();
      break;
    case ValueKind::kPriority:
      if (!low.empty() && !domain::ParsePriority(low)) return invalid();
      break;
    case ValueKind::kType:
      if (!low.empty() && !domain::ParseType(low)) return invalid();
      break;
    case ValueKind::kId: {
      if (low.empty()) break;
      if (low == "current_user" && spec->field != F::kGroup && spec->field != F::kBrand &&
          spec->field != F::kForm && spec->field != F::kOrganization) {
        break;
      }
      if (low == "requester_id" && spec->field == F::kAssignee) break;
      if (low == "assignee_id" && spec->field == F::kRequester) break;
      if (low == "current_groups" && spec->field == F::kGroup) break;
      auto id = ParseInt(low);
      if (!id || *id <= 0) return invalid();
      bool known = true;
      switch (spec->field) {
        case F::kGroup:
          known = Has(catalog.groups, *id);
          break;
        case F::kAssignee:
          known = Has(catalog.agents, *id);
          break;
        case F::kOrganization:
          known = !catalog.organizations_loaded || Has(catalog.organizations, *id);
          break;
        case F::kBrand:
          known = !catalog.brands_loaded || Has(catalog.brands, *id);
          break;
        case F::kForm:
          known = Has(catalog.ticket_forms, *id);
          break;
        default:
          break;
      }
      if (!known) return Bad(where, c.field + " " + text + " does not exist in this account");
      break;
    }
    case ValueKind::kTags:
    case ValueKind::kWords:
      if (Words(text).empty()) return Bad(where, c.field + " needs at least one word");
      break;
    case ValueKind::kVia: {
      auto n = ParseInt(low);
      bool ok = n ? std::any_of(ViaTypes().begin(), ViaTypes().end(),
                                [&](const auto& p) { return p.id == *n; })
                  : ViaIdOfChannel(low).has_value();
      if (!ok) return invalid();
      break;
    }
    case ValueKind::kText:
      break;
    case ValueKind::kSatisfaction:
      if (SatisfactionRank(low) < 0) return invalid();
      break;
    case ValueKind::kRole:
      if (low != "end-user" && low != "end_user" && low != "agent" && low != "admin") {
        return invalid();
      }
      break;
    case ValueKind::kUpdateType:
      if (low != "create" && low != "change") return invalid();
      break;
    case ValueKind::kCommentPublic:
      if (low != "true" && low != "false" && low != "not_relevant" &&
          low != "requester_can_see_comment" && low != "public" && low != "private") {
        return invalid();
      }
      break;
    case ValueKind::kTicketPublic:
      if (low != "public" && low != "private") return invalid();
      break;
    case ValueKind::kCount: {
      auto n = ParseInt(low);
      if (!n || *n < 0) return invalid();
      break;
    }
    case ValueKind::kAttachment:
      if (low != "true" && low != "false" && low != "present" && low != "absent") {
        return invalid();
      }
      break;
    case ValueKind::kHours: {
      if (!IsWholeNumber(c.value)) {
        return Bad(where, c.field + " takes a whole number of hours, not '" + text + "'");
      }
      auto n = ParseInt(low);
      if (!n || *n < 0) return invalid();
      break;
    }
    case ValueKind::kCustom:
      if (auto e = CheckCustomValue(*tf, c.value, op)) return Bad(where, *e);
      break;
    case ValueKind::kBusinessHours:
      if (low != "true" && low != "false") return invalid();
      break;
    case ValueKind::kSchedule: {
      auto id = ParseInt(low);
      if (!id || *id <= 0) return invalid();
      if (catalog.schedules_loaded && !Has(catalog.schedules, *id)) {
        return Bad(where, c.field + " " + text + " does not exist in this account");
      }
      break;
    }
  }
  return Status::Ok();
}

bool AnyStatusAction(std::string_view v, bool macro) {
  auto s = domain::ParseStatus(Lower(v));
  if (!s) return false;
  if (macro) return *s != domain::TicketStatus::kNew && *s != domain::TicketStatus::kClosed;
  return *s != domain::TicketStatus::kNew;
}

struct ActionSpec {
  std::string_view name;
  unsigned kinds;
  std::string_view title;
  std::string_view type;  // definitions: list, text, notification, …
};

const std::vector<ActionSpec>& ActionSpecs() {
  static const std::vector<ActionSpec> kActions = {
      {"status", kT | kA | kM, "Status", "list"},
      {"priority", kT | kA | kM, "Priority", "list"},
      {"type", kT | kA | kM, "Type", "list"},
      {"group_id", kT | kA | kM, "Group", "list"},
      {"assignee_id", kT | kA | kM, "Assignee", "list"},
      {"set_tags", kT | kA | kM, "Set tags", "text"},
      {"current_tags", kT | kA | kM, "Add tags", "text"},
      {"remove_tags", kT | kA | kM, "Remove tags", "text"},
      {"ticket_form_id", kT | kA | kM, "Ticket form", "list"},
      {"brand_id", kT | kA | kM, "Brand", "list"},
      {"satisfaction_score", kT | kA, "Satisfaction", "list"},
      {"cc", kT | kA | kM, "Add cc", "list"},
      {"follower", kT | kA | kM, "Add follower", "list"},
      {"notification_user", kT | kA, "Email user", "list"},
      {"notification_group", kT | kA, "Email group", "list"},
      {"notification_webhook", kT | kA, "Notify active webhook", "list"},
      {"notification_target", kT | kA, "Notify target", "list"},
      {"subject", kM, "Set subject", "text"},
      {"comment_value", kM, "Comment/description", "text"},
      {"comment_value_html", kM, "Comment/description (HTML)", "text"},
      {"comment_mode_is_public", kM, "Comment mode", "list"},
      {"set_schedule", kT, "Set schedule", "list"},
  };
  return kActions;
}

Status CheckAction(RuleKind kind, const domain::Action& a, const std::string& where,
                   const Catalog& catalog) {
  const std::string& f = a.field;
  const std::string text = ValueText(a.value);
  const std::string low = Lower(text);
  auto invalid = [&] { return Bad(where, "'" + text + "' is not a valid value for " + f); };
  const bool macro = kind == RuleKind::kMacro;
  if (f.starts_with("custom_fields_")) {
    auto id = ParseInt(std::string_view(f).substr(14));
    const domain::TicketField* tf = id ? FindTicketField(catalog, *id) : nullptr;
    if (!tf) return Bad(where, f + " is not a ticket field of this account");
    if (auto e = CheckCustomValue(*tf, a.value, Op::kIs)) return Bad(where, *e);
    return Status::Ok();
  }
  const ActionSpec* spec = nullptr;
  for (const auto& s : ActionSpecs()) {
    if (s.name == f) spec = &s;
  }
  if (!spec) return Bad(where, "unknown action " + f);
  if (!(spec->kinds & KindBit(kind))) {
    return Bad(where, f + (macro ? " cannot be used in macros" : " cannot be used here"));
  }
  auto user_ok = [&](std::string_view v, bool specials) {
    if (v == "current_user") return true;
    if (specials && v == "requester_id") return true;
    auto id = ParseInt(v);
    return id && *id > 0 && Has(catalog.agents, *id);
  };
  auto array_of = [&](std::size_t n) -> const json::array* {
    if (!a.value.is_array() || a.value.get_array().size() != n) return nullptr;
    return &a.value.get_array();
  };
  if (f == "status") {
    if (!AnyStatusAction(low, macro)) return invalid();
  } else if (f == "priority") {
    if (!low.empty() && !domain::ParsePriority(low)) return invalid();
  } else if (f == "type") {
    if (!low.empty() && !domain::ParseType(low)) return invalid();
  } else if (f == "group_id") {
    if (low.empty() || (macro && low == "current_groups")) return Status::Ok();
    auto id = ParseInt(low);
    if (!id || !Has(catalog.groups, *id)) {
      return Bad(where, "group_id " + text + " does not exist in this account");
    }
  } else if (f == "assignee_id") {
    if (low.empty()) return Status::Ok();
    if (!user_ok(low, true)) return Bad(where, "assignee_id " + text + " is not an agent");
  } else if (f == "set_tags" || f == "current_tags" || f == "remove_tags") {
    if (!a.value.is_string() && !a.value.is_array()) return invalid();
    if (f != "set_tags" && Words(text).empty()) return Bad(where, f + " needs at least one tag");
  } else if (f == "ticket_form_id") {
    auto id = ParseInt(low);
    if (!id || !Has(catalog.ticket_forms, *id)) {
      return Bad(where, "ticket_form_id " + text + " does not exist in this account");
    }
  } else if (f == "brand_id") {
    auto id = ParseInt(low);
    if (!id || (catalog.brands_loaded && !Has(catalog.brands, *id))) {
      return Bad(where, "brand_id " + text + " does not exist in this account");
    }
  } else if (f == "satisfaction_score") {
    if (low != "offered_to_requester") return invalid();
  } else if (f == "set_schedule") {
    auto id = ParseInt(low);
    if (!id || *id <= 0 || (catalog.schedules_loaded && !Has(catalog.schedules, *id))) {
      return Bad(where, "set_schedule " + text + " does not exist in this account");
    }
  } else if (f == "cc" || f == "follower") {
    auto id = ParseInt(low);
    if (low != "current_user" && (!id || *id <= 0)) return invalid();
  } else if (f == "notification_user" || f == "notification_group") {
    const json::array* arr = array_of(3);
    if (!arr || !(*arr)[1].is_string() || !(*arr)[2].is_string()) {
      return Bad(where, f + " takes [recipient, subject, body]");
    }
    std::string to = Lower(ValueText((*arr)[0]));
    if (f == "notification_user") {
      static const std::string_view kTo[] = {"requester_id", "assignee_id", "current_user",
                                             "requester_and_ccs", "all_agents"};
      bool ok =
          std::find(std::begin(kTo), std::end(kTo), to) != std::end(kTo) || user_ok(to, false);
      if (!ok) return Bad(where, "notification_user: " + to + " is not a valid recipient");
    } else if (to != "group_id") {
      auto id = ParseInt(to);
      if (!id || !Has(catalog.groups, *id)) {
        return Bad(where, "notification_group: group " + to + " does not exist in this account");
      }
    }
    COMPTOIR_RETURN_IF_ERROR(
        CheckTemplate(where, f + " subject", std::string_view((*arr)[1].get_string())));
    COMPTOIR_RETURN_IF_ERROR(
        CheckTemplate(where, f + " body", std::string_view((*arr)[2].get_string())));
  } else if (f == "notification_webhook" || f == "notification_target") {
    const json::array* arr = array_of(2);
    if (!arr) return Bad(where, f + " takes [id, body]");
    std::string id_text = ValueText((*arr)[0]);
    auto id = ParseInt(id_text);
    const bool webhook = f == "notification_webhook";
    bool loaded = webhook ? catalog.webhooks_loaded : catalog.targets_loaded;
    const auto& list = webhook ? catalog.webhooks : catalog.targets;
    if (!id || (loaded && !Has(list, *id))) {
      return Bad(where, f + ": " + id_text + " is not an active " +
                            (webhook ? "webhook" : "target") + " of this account");
    }
    if ((*arr)[1].is_string()) {
      COMPTOIR_RETURN_IF_ERROR(
          CheckTemplate(where, f + " body", std::string_view((*arr)[1].get_string())));
    } else if (!(*arr)[1].is_array()) {
      return Bad(where, f + " takes [id, body]");
    }
  } else if (f == "subject" || f == "comment_value_html") {
    if (!a.value.is_string()) return invalid();
    COMPTOIR_RETURN_IF_ERROR(CheckTemplate(where, f, std::string_view(a.value.get_string())));
  } else if (f == "comment_value") {
    std::string body;
    if (a.value.is_string()) {
      body = a.value.get_string();
    } else if (a.value.is_array() && !a.value.get_array().empty() &&
               a.value.get_array().back().is_string()) {
      body = a.value.get_array().back().get_string();
    } else {
      return invalid();
    }
    COMPTOIR_RETURN_IF_ERROR(CheckTemplate(where, f, body));
  } else if (f == "comment_mode_is_public") {
    if (low != "true" && low != "false") return invalid();
  }
  return Status::Ok();
}

bool IsTimeField(const domain::Condition& c) {
  const FieldSpec* s = FindConditionField(c.field, nullptr);
  return s && s->value_kind == ValueKind::kHours;
}

// Whether applying `actions` makes condition `c` false whatever the ticket was.
bool Nullifies(const domain::Condition& c, const std::vector<domain::Action>& actions) {
  std::int64_t fid = 0;
  const FieldSpec* spec = FindConditionField(c.field, &fid);
  if (!spec) return false;
  domain::Ticket t;
  UpdateFacts facts;
  // Apply to a neutral ticket, then see whether the condition can still hold afterwards
  // for the fields the actions set.
  bool touched = false;
  for (const auto& a : actions) {
    if (a.field == c.field) touched = true;
    if (spec->field == F::kCurrentTags &&
        (a.field == "current_tags" || a.field == "remove_tags" || a.field == "set_tags")) {
      touched = true;
    }
    if (spec->field == F::kSatisfaction && a.field == "satisfaction_score") touched = true;
  }
  if (!touched) return false;
  if (spec->field == F::kCurrentTags) {
    // includes: false afterwards when every listed tag is removed (or not in set_tags);
    // not_includes: false afterwards when one listed tag is added.
    auto words = Words(ValueText(c.value));
    std::vector<std::string> tags_all = words;  // assume the ticket had all of them
    t.tags = tags_all;
    std::vector<Effect> ignored;
    domain::Ticket t2 = t;
    t2.tags.clear();  // or none of them
    ApplyActions(actions, t, facts, ignored);
    ApplyActions(actions, t2, facts, ignored);
    bool holds1 = Matches({{c}, {}}, t, facts);
    bool holds2 = Matches({{c}, {}}, t2, facts);
    return !holds1 && !holds2;
  }
  // Scalar fields: the action sets a value; try it against the condition.
  std::vector<Effect> ignored;
  ApplyActions(actions, t, facts, ignored);
  if (spec->field == F::kSatisfaction) {
    t.satisfaction_score = "offered";
  }
  return !Matches({{c}, {}}, t, facts);
}

void AddNamed(json::array& values, const std::vector<Catalog::Named>& l) {
  for (const auto& n : l) {
    values.push_back(
        json::object{{"value", std::to_string(n.id)}, {"title", n.name}, {"enabled", true}});
  }
}

json::object Value(std::string_view v, std::string_view title) {
  return {{"value", v}, {"title", title}, {"enabled", true}};
}

// A status, priority, type, role or satisfaction value with its title as Zendesk shows it
// ("hold" → "On-hold", "high" → "High", "good_with_comment" → "Good with comment").
json::object Named(std::string_view v) {
  if (v == "hold") return Value(v, "On-hold");
  std::string title(v);
  for (auto& ch : title) ch = ch == '_' ? ' ' : ch;
  if (!title.empty() && title[0] >= 'a' && title[0] <= 'z') {
    title[0] = static_cast<char>(title[0] - 'a' + 'A');
  }
  return Value(v, title);
}

json::array ConditionValues(const FieldSpec& f, const Catalog& c) {
  json::array v;
  switch (f.value_kind) {
    case ValueKind::kStatus:
      for (auto s : {"new", "open", "pending", "hold", "solved", "closed"}) v.push_back(Named(s));
      break;
    case ValueKind::kPriority:
      v.push_back(Value("", "-"));
      for (auto s : {"low", "normal", "high", "urgent"}) v.push_back(Named(s));
      break;
    case ValueKind::kType:
      v.push_back(Value("", "-"));
      for (auto s : {"question", "incident", "problem", "task"}) v.push_back(Named(s));
      break;
    case ValueKind::kId:
      v.push_back(Value("", "-"));
      if (f.field == F::kGroup) {
        AddNamed(v, c.groups);
      } else if (f.field == F::kAssignee) {
        v.push_back(Value("current_user", "(current user)"));
        v.push_back(Value("requester_id", "(requester)"));
        AddNamed(v, c.agents);
      } else if (f.field == F::kRequester) {
        v.push_back(Value("current_user", "(current user)"));
        v.push_back(Value("assignee_id", "(assignee)"));
      } else if (f.field == F::kOrganization) {
        AddNamed(v, c.organizations);
      } else if (f.field == F::kBrand) {
        AddNamed(v, c.brands);
      } else if (f.field == F::kForm) {
        AddNamed(v, c.ticket_forms);
      }
      break;
    case ValueKind::kVia:
      for (const auto& [id, name] : ViaTypes()) v.push_back(Value(std::to_string(id), name));
      break;
    case ValueKind::kSatisfaction:
      for (auto s : kSatisfactionValues) v.push_back(Named(s));
      break;
    case ValueKind::kRole:
      for (auto s : {"end-user", "agent", "admin"}) v.push_back(Named(s));
      break;
    case ValueKind::kUpdateType:
      v.push_back(Value("Create", "Created"));
      v.push_back(Value("Change", "Updated"));
      break;
    case ValueKind::kCommentPublic:
      v.push_back(Value("not_relevant", "Present (public or private)"));
      v.push_back(Value("true", "Public"));
      v.push_back(Value("false", "Private"));
      break;
    case ValueKind::kTicketPublic:
      v.push_back(Value("public", "Public"));
      v.push_back(Value("private", "Private"));
      break;
    case ValueKind::kAttachment:
      v.push_back(Value("present", "Present"));
      v.push_back(Value("absent", "Absent"));
      break;
    case ValueKind::kBusinessHours:
      v.push_back(Value("true", "Yes"));
      v.push_back(Value("false", "No"));
      break;
    case ValueKind::kSchedule:
      AddNamed(v, c.schedules);
      break;
    default:
      break;
  }
  return v;
}

std::string_view DefinitionType(ValueKind vk) {
  switch (vk) {
    case ValueKind::kTags:
    case ValueKind::kWords:
    case ValueKind::kText:
      return "text";
    case ValueKind::kCount:
    case ValueKind::kHours:
      return "number";
    default:
      return "list";
  }
}

json::array Operators(const std::vector<Op>& ops) {
  json::array a;
  for (Op op : ops) {
    bool terminal =
        op == Op::kChanged || op == Op::kNotChanged || op == Op::kPresent || op == Op::kNotPresent;
    a.push_back(
        json::object{{"value", OpName(op)}, {"title", OpTitle(op)}, {"terminal", terminal}});
  }
  return a;
}

}  // namespace

Result<domain::ConditionSet> ParseConditions(const json::value& v) {
  domain::ConditionSet out;
  if (v.is_null()) return out;
  if (!v.is_object()) return Bad("conditions", "must be an object with all and any");
  const auto& o = v.get_object();
  const json::value* all = o.if_contains("all");
  const json::value* any = o.if_contains("any");
  COMPTOIR_ASSIGN_OR_RETURN(out.all, ParseList(all, "conditions.all"));
  COMPTOIR_ASSIGN_OR_RETURN(out.any, ParseList(any, "conditions.any"));
  return out;
}

json::object ConditionsToJson(const domain::ConditionSet& c) {
  return {{"all", ListToJson(c.all)}, {"any", ListToJson(c.any)}};
}

Result<std::vector<domain::Action>> ParseActions(const json::value& v) {
  std::vector<domain::Action> out;
  if (v.is_null()) return out;
  if (!v.is_array()) return Bad("actions", "must be a list of actions");
  std::size_t i = 0;
  for (const auto& e : v.get_array()) {
    std::string w = Where("actions", i++);
    if (!e.is_object()) return Bad(w, "must be an object");
    const auto& o = e.get_object();
    auto f = o.find("field");
    if (f == o.end() || !f->value().is_string() || f->value().get_string().empty()) {
      return Bad(w, "field is required");
    }
    domain::Action a;
    a.field = std::string(f->value().get_string());
    if (auto val = o.find("value"); val != o.end()) a.value = val->value();
    out.push_back(std::move(a));
  }
  return out;
}

json::array ActionsToJson(const std::vector<domain::Action>& actions) {
  json::array a;
  a.reserve(actions.size());
  for (const auto& x : actions) a.push_back(json::object{{"field", x.field}, {"value", x.value}});
  return a;
}

Status ValidateConditions(RuleKind kind, const domain::ConditionSet& c, const Catalog& catalog) {
  for (std::size_t i = 0; i < c.all.size(); ++i) {
    COMPTOIR_RETURN_IF_ERROR(CheckCondition(kind, c.all[i], Where("conditions.all", i), catalog));
  }
  for (std::size_t i = 0; i < c.any.size(); ++i) {
    COMPTOIR_RETURN_IF_ERROR(CheckCondition(kind, c.any[i], Where("conditions.any", i), catalog));
  }
  return Status::Ok();
}

Status ValidateActions(RuleKind kind, const std::vector<domain::Action>& actions,
                       const Catalog& catalog) {
  for (std::size_t i = 0; i < actions.size(); ++i) {
    COMPTOIR_RETURN_IF_ERROR(CheckAction(kind, actions[i], Where("actions", i), catalog));
  }
  return Status::Ok();
}

Status ValidateAutomation(const domain::Automation& a, const Catalog& catalog) {
  COMPTOIR_RETURN_IF_ERROR(ValidateConditions(RuleKind::kAutomation, a.conditions, catalog));
  COMPTOIR_RETURN_IF_ERROR(ValidateActions(RuleKind::kAutomation, a.actions, catalog));
  for (std::size_t i = 0; i < a.conditions.any.size(); ++i) {
    if (IsTimeField(a.conditions.any[i])) {
      return Bad(Where("conditions.any", i),
                 a.conditions.any[i].field + ": time-based conditions are not allowed in any");
    }
  }
  bool has_time = false;
  bool has_base = false;
  bool once = false;
  for (const auto& c : a.conditions.all) {
    if (IsTimeField(c)) {
      has_time = true;
      if (c.op == "is") once = true;
    }
    if (c.field == "status" || c.field == "type" || c.field == "group_id" ||
        c.field == "assignee_id" || c.field == "requester_id") {
      has_base = true;
    }
  }
  if (!has_time) {
    return Bad("conditions.all",
               "an automation needs a time-based condition (hours since …) in all");
  }
  if (!has_base) {
    return Bad("conditions.all",
               "an automation needs a condition on status, type, group_id, assignee_id or "
               "requester_id in all");
  }
  if (a.actions.empty()) return Bad("actions", "an automation needs at least one action");
  if (!once) {
    bool nullifying = false;
    for (const auto& c : a.conditions.all) {
      if (Nullifies(c, a.actions)) {
        nullifying = true;
        break;
      }
    }
    if (!nullifying) {
      return Bad("actions",
                 "the automation is not nullifying: add an action that makes one of its "
                 "conditions false (e.g. add a tag that a current_tags not_includes condition "
                 "checks) or a condition true only once (hours since … is)");
    }
  }
  return Status::Ok();
}

json::object Definitions(RuleKind kind, const Catalog& catalog) {
  json::array all;
  json::array any;
  const unsigned bit = KindBit(kind);
  for (const auto& f : ConditionFields()) {
    if (!(f.kinds & bit)) continue;
    json::object d{{"subject", f.name},
                   {"title", f.title},
                   {"type", DefinitionType(f.value_kind)},
                   {"group", f.group},
                   {"nullable", f.value_kind == ValueKind::kId},
                   {"repeatable", false},
                   {"operators", Operators(OperatorsFor(f.value_kind, kind, nullptr))},
                   {"values", ConditionValues(f, catalog)}};
    all.push_back(d);
    if (!(kind == RuleKind::kAutomation && f.value_kind == ValueKind::kHours)) {
      any.push_back(std::move(d));
    }
  }
  if (kind != RuleKind::kMacro) {
    for (const auto& tf : catalog.ticket_fields) {
      json::array values;
      for (const auto& o : tf.options) values.push_back(Value(o.value, o.name));
      json::object d{{"subject", "custom_fields_" + std::to_string(tf.id.value)},
                     {"title", tf.title},
                     {"type", tf.options.empty() ? "text" : "list"},
                     {"group", "ticket_fields"},
                     {"nullable", true},
                     {"repeatable", false},
                     {"operators", Operators(OperatorsFor(ValueKind::kCustom, kind, &tf))},
                     {"values", std::move(values)}};
      all.push_back(d);
      any.push_back(std::move(d));
    }
  }
  json::array actions;
  for (const auto& s : ActionSpecs()) {
    if (!(s.kinds & bit)) continue;
    json::array values;
    if (s.name == "status") {
      for (auto v : {"open", "pending", "hold", "solved", "closed"}) {
        if (kind == RuleKind::kMacro && std::string_view(v) == "closed") continue;
        values.push_back(Named(v));
      }
    } else if (s.name == "priority") {
      for (auto v : {"low", "normal", "high", "urgent"}) values.push_back(Named(v));
    } else if (s.name == "type") {
      for (auto v : {"question", "incident", "problem", "task"}) values.push_back(Named(v));
    } else if (s.name == "group_id" || s.name == "notification_group") {
      values.push_back(Value("", "-"));
      AddNamed(values, catalog.groups);
    } else if (s.name == "assignee_id" || s.name == "notification_user" || s.name == "cc" ||
               s.name == "follower") {
      values.push_back(Value("current_user", "(current user)"));
      if (s.name == "assignee_id") values.push_back(Value("requester_id", "(requester)"));
      if (s.name == "notification_user") {
        values.push_back(Value("requester_id", "(requester)"));
        values.push_back(Value("assignee_id", "(assignee)"));
        values.push_back(Value("requester_and_ccs", "(requester and CCs)"));
        values.push_back(Value("all_agents", "(all non-restricted agents)"));
      }
      AddNamed(values, catalog.agents);
    } else if (s.name == "ticket_form_id") {
      AddNamed(values, catalog.ticket_forms);
    } else if (s.name == "brand_id") {
      AddNamed(values, catalog.brands);
    } else if (s.name == "notification_webhook") {
      AddNamed(values, catalog.webhooks);
    } else if (s.name == "notification_target") {
      AddNamed(values, catalog.targets);
    } else if (s.name == "set_schedule") {
      AddNamed(values, catalog.schedules);
    } else if (s.name == "satisfaction_score") {
      values.push_back(Value("offered_to_requester", "Offered to requester"));
    } else if (s.name == "comment_mode_is_public") {
      values.push_back(Value("true", "Public"));
      values.push_back(Value("false", "Private"));
    }
    actions.push_back(json::object{{"subject", s.name},
                                   {"title", s.title},
                                   {"type", s.type},
                                   {"group", "ticket"},
                                   {"nullable", s.name == "group_id" || s.name == "assignee_id"},
                                   {"repeatable", s.name.starts_with("notification_")},
                                   {"values", std::move(values)}});
  }
  for (const auto& tf : catalog.ticket_fields) {
    json::array values;
    for (const auto& o : tf.options) values.push_back(Value(o.value, o.name));
    actions.push_back(json::object{{"subject", "custom_fields_" + std::to_string(tf.id.value)},
                                   {"title", tf.title},
                                   {"type", tf.options.empty() ? "text" : "list"},
                                   {"group", "ticket_fields"},
                                   {"nullable", true},
                                   {"repeatable", false},
                                   {"values", std::move(values)}});
  }
  return {{"actions", std::move(actions)},
          {"conditions_all", std::move(all)},
          {"conditions_any", std::move(any)}};
}

}  // namespace comptoir::rules
