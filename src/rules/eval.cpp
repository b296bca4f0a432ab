// Evaluation: conditions compiled into a decoded form, matched against a ticket and the
// facts of an update; actions applied; the trigger cycle; macros.
#include <algorithm>
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <cctype>
#include <cstdlib>

#include "comptoir/rules/rules.hpp"
#include "fields_internal.hpp"

namespace comptoir::rules {

namespace json = boost::json;
using namespace internal;  // NOLINT(google-build-using-namespace)

namespace {

enum class Special : std::uint8_t { kNone, kCurrentUser, kRequester, kAssignee, kCurrentGroups };

// One condition, decoded once.
struct CCond {
  F field = F::kUnknown;
  Op op = Op::kUnknown;
  Special special = Special::kNone;
  bool flag = false;     // boolean-valued fields: the value asked for
  std::int64_t num = 0;  // enum ordinal, id, count, hours, via id
  std::int64_t field_id = 0;
  std::string text;                // lower-cased value (text fields, custom fields, strings)
  std::vector<std::string> terms;  // words or phrases (tags, *_includes_word)
};

// Text reduced to lower-case words separated by single spaces, with a space at both ends,
// so that " word " finds a whole word or phrase. Word characters: letters, digits, '_',
// '-', and every byte of a multi-byte UTF-8 sequence.
std::string NormalizeText(std::string_view s) {
  std::string out = " ";
  bool in_word = false;
  for (char ch : s) {
    auto c = static_cast<unsigned char>(ch);
    bool word = std::isalnum(c) || c == '_' || c == '-' || c >= 0x80;
    if (word) {
      out += static_cast<char>(std::tolower(c));
      in_word = true;
    } else if (in_word) {
      out += ' ';
      in_word = false;
    }
  }
  if (out.back() != ' ') out += ' ';
  return out;
}

// Terms of a words condition: "quoted phrases" or single words, each normalised as
// " a b " (see NormalizeText).
std::vector<std::string> Terms(std::string_view v) {
  std::vector<std::string> out;
  std::size_t i = 0;
  while (i < v.size()) {
    while (i < v.size() && std::isspace(static_cast<unsigned char>(v[i]))) ++i;
    if (i >= v.size()) break;
    std::size_t j;
    std::string_view piece;
    if (v[i] == '"') {
      j = v.find('"', i + 1);
      if (j == std::string_view::npos) j = v.size();
      piece = v.substr(i + 1, j - i - 1);
      i = j + 1;
    } else {
      j = i;
      while (j < v.size() && !std::isspace(static_cast<unsigned char>(v[j]))) ++j;
      piece = v.substr(i, j - i);
      i = j;
    }
    std::string n = NormalizeText(piece);
    if (n.size() > 1) out.push_back(std::move(n));
  }
  return out;
}

bool ContainsCi(std::string_view hay, std::string_view needle_lower) {
  if (needle_lower.empty()) return true;
  if (needle_lower.size() > hay.size()) return false;
  for (std::size_t i = 0; i + needle_lower.size() <= hay.size(); ++i) {
    std::size_t k = 0;
    while (k < needle_lower.size() && std::tolower(static_cast<unsigned char>(hay[i + k])) ==
                                          static_cast<unsigned char>(needle_lower[k])) {
      ++k;
    }
    if (k == needle_lower.size()) return true;
  }
  return false;
}

std::string NormRole(std::string_view s) {
  std::string r = Lower(s);
  std::replace(r.begin(), r.end(), '_', '-');
  return r;
}

CCond Compile(const domain::Condition& c) {
  CCond cc;
  std::int64_t fid = 0;
  const FieldSpec* spec = FindConditionField(c.field, &fid);
  cc.op = ParseOp(c.op);
  if (!spec || cc.op == Op::kUnknown) return cc;  // never matches
  cc.field = spec->field;
  cc.field_id = fid;
  const std::string v = ValueText(c.value);
  cc.text = Lower(v);
  switch (spec->value_kind) {
    case ValueKind::kStatus:
      cc.num = static_cast<int>(domain::ParseStatus(cc.text).value_or(domain::TicketStatus::kNew));
      if (!domain::ParseStatus(cc.text)) cc.num = -1;
      break;
    case ValueKind::kPriority:
      if (cc.text.empty() || cc.text == "-") {
        cc.num = 0;
      } else {
        auto p = domain::ParsePriority(cc.text);
        cc.num = p ? static_cast<int>(*p) : -1;
      }
      break;
    case ValueKind::kType:
      if (cc.text.empty() || cc.text == "-") {
        cc.num = 0;
      } else {
        auto t = domain::ParseType(cc.text);
        cc.num = t ? static_cast<int>(*t) : -1;
      }
      break;
    case ValueKind::kId:
      if (cc.text == "current_user") {
        cc.special = Special::kCurrentUser;
      } else if (cc.text == "requester_id") {
        cc.special = Special::kRequester;
      } else if (cc.text == "assignee_id") {
        cc.special = Special::kAssignee;
      } else if (cc.text == "current_groups") {
        cc.special = Special::kCurrentGroups;
      } else if (cc.text.empty() || cc.text == "-") {
        cc.num = 0;
      } else {
        cc.num = ParseInt(cc.text).value_or(-1);
      }
      break;
    case ValueKind::kTags:
      cc.terms = Words(v);
      break;
    case ValueKind::kVia:
      if (auto n = ParseInt(cc.text)) {
        cc.num = *n;
      } else {
        cc.num = ViaIdOfChannel(cc.text).value_or(-1);
      }
      break;
    case ValueKind::kSatisfaction:
      cc.num = SatisfactionRank(cc.text);
      break;
    case ValueKind::kRole:
      cc.text = NormRole(cc.text);
      break;
    case ValueKind::kUpdateType:
      cc.flag = cc.text == "create";
      break;
    case ValueKind::kTicketPublic:
      cc.flag = cc.text == "public" || cc.text == "true";
      break;
    case ValueKind::kAttachment:
      cc.flag = cc.text == "true" || cc.text == "present";
      break;
    case ValueKind::kBusinessHours:
      cc.flag = cc.text == "true";
      break;
    case ValueKind::kSchedule:
      cc.num = ParseInt(cc.text).value_or(-1);
      break;
    case ValueKind::kWords:
      cc.terms = Terms(v);
      break;
    case ValueKind::kCount:
    case ValueKind::kHours:
      cc.num = ParseInt(cc.text).value_or(-1);
      break;
    case ValueKind::kCustom:
      cc.terms = Words(v);
      break;
    case ValueKind::kText:
    case ValueKind::kCommentPublic:
      break;
  }
  return cc;
}

struct CompiledSet {
  std::vector<CCond> all;
  std::vector<CCond> any;
};

CompiledSet CompileSet(const domain::ConditionSet& s) {
  CompiledSet out;
  out.all.reserve(s.all.size());
  for (const auto& c : s.all) out.all.push_back(Compile(c));
  out.any.reserve(s.any.size());
  for (const auto& c : s.any) out.any.push_back(Compile(c));
  return out;
}

// What the conditions of one update read besides the ticket, computed at most once.
class Eval {
 public:
  Eval(const domain::Ticket& t, const UpdateFacts& f) : t_(t), f_(f) {}

  bool Matches(const CompiledSet& s) {
    for (const auto& c : s.all) {
      if (!Holds(c)) return false;
    }
    if (s.any.empty()) return true;
    for (const auto& c : s.any) {
      if (Holds(c)) return true;
    }
    return false;
  }

  void TicketChanged() {
    subject_.ready = false;
    via_known_ = false;
  }

 private:
  static bool Compare(Op op, std::int64_t before, std::int64_t after, std::int64_t want) {
    switch (op) {
      case Op::kIs:
        return after == want;
      case Op::kIsNot:
        return after != want;
      case Op::kLess:
        return after < want;
      case Op::kGreater:
        return after > want;
      case Op::kLessEq:
        return after <= want;
      case Op::kGreaterEq:
        return after >= want;
      case Op::kChanged:
        return before != after;
      case Op::kNotChanged:
        return before == after;
      case Op::kValue:
        return before != after && after == want;
      case Op::kValuePrevious:
        return before != after && before == want;
      case Op::kNotValue:
        return !(before != after && after == want);
      case Op::kNotValuePrevious:
        return !(before != after && before == want);
      default:
        return false;
    }
  }

  std::int64_t Resolve(const CCond& c, const domain::Ticket& t) const {
    switch (c.special) {
      case Special::kCurrentUser:
        return f_.current_user.value;
      case Special::kRequester:
        return t.requester_id.value;
      case Special::kAssignee:
        return t.assignee_id.value;
      default:
        return c.num;
    }
  }

  static std::int64_t IdOf(F f, const domain::Ticket& t) {
    switch (f) {
      case F::kGroup:
        return t.group_id.value;
      case F::kAssignee:
        return t.assignee_id.value;
      case F::kRequester:
        return t.requester_id.value;
      case F::kOrganization:
        return t.organization_id.value;
      case F::kBrand:
        return t.brand_id;
      case F::kForm:
        return t.ticket_form_id.value;
      default:
        return 0;
    }
  }

  bool Id(const CCond& c) const {
    std::int64_t after = IdOf(c.field, t_);
    std::int64_t before = IdOf(c.field, f_.before);
    if (c.special == Special::kCurrentGroups) {
      const auto& g = f_.current_user_groups;
      bool in = std::find(g.begin(), g.end(), after) != g.end();
      if (c.op == Op::kIs) return in;
      if (c.op == Op::kIsNot) return !in;
      return false;
    }
    return Compare(c.op, before, after, Resolve(c, t_));
  }

  // Normalised text (" a b ") and its distinct words, sorted, for whole-word look-ups.
  struct Text {
    bool ready = false;
    std::string norm;
    std::vector<std::string_view> words;
    void Build(std::string_view raw) {
      norm = NormalizeText(raw);
      words.clear();
      std::string_view n(norm);
      std::size_t i = 1;
      while (i < n.size()) {
        std::size_t j = n.find(' ', i);
        if (j == std::string_view::npos) break;
        if (j > i) words.push_back(n.substr(i, j - i));
        i = j + 1;
      }
      std::sort(words.begin(), words.end());
      words.erase(std::unique(words.begin(), words.end()), words.end());
      ready = true;
    }
    // `term` is " w " (one word) or " w1 w2 " (a phrase).
    bool Has(const std::string& term) const {
      std::string_view t(term);
      std::string_view inner = t.substr(1, t.size() - 2);
      if (inner.find(' ') == std::string_view::npos) {
        return std::binary_search(words.begin(), words.end(), inner);
      }
      return norm.find(term) != std::string::npos;
    }
  };

  bool Words(const CCond& c, std::string_view raw, const Text& text) const {
    switch (c.op) {
      case Op::kIncludes:
        for (const auto& term : c.terms) {
          if (text.Has(term)) return true;
        }
        return false;
      case Op::kNotIncludes:
        for (const auto& term : c.terms) {
          if (text.Has(term)) return false;
        }
        return true;
      case Op::kIs:
      case Op::kIncludesString:
        return ContainsCi(raw, c.text);
      case Op::kIsNot:
      case Op::kNotIncludesString:
        return !ContainsCi(raw, c.text);
      default:
        return false;
    }
  }

  static std::optional<std::int64_t> HoursSince(Timestamp now, Timestamp t0) {
    if (t0 == 0 || now < t0) return std::nullopt;
    return (now - t0) / 3600;
  }

  std::optional<std::int64_t> Hours(F f) const {
    const auto& t = t_;
    const Timestamp now = f_.now;
    const Timestamp status_at = t.status_updated_at ? t.status_updated_at : t.updated_at;
    using S = domain::TicketStatus;
    switch (f) {
      case F::kHoursNew:
        return HoursSince(now, t.created_at);
      case F::kHoursOpen:
        return t.status == S::kOpen ? HoursSince(now, status_at) : std::nullopt;
      case F::kHoursPending:
        return t.status == S::kPending ? HoursSince(now, status_at) : std::nullopt;
      case F::kHoursHold:
        return t.status == S::kHold ? HoursSince(now, status_at) : std::nullopt;
      case F::kHoursSolved:
        if (t.status != S::kSolved && t.status != S::kClosed) return std::nullopt;
        return HoursSince(now, t.solved_at ? t.solved_at : status_at);
      case F::kHoursClosed:
        return t.status == S::kClosed ? HoursSince(now, status_at) : std::nullopt;
      case F::kHoursAssigned:
        return t.assignee_id ? HoursSince(now, t.assigned_at) : std::nullopt;
      case F::kHoursUpdated:
        return HoursSince(now, t.updated_at);
      case F::kHoursRequesterUpdated:
        return HoursSince(now, t.requester_updated_at);
      case F::kHoursAssigneeUpdated:
        return HoursSince(now, t.assignee_updated_at);
      case F::kHoursDue:
        return HoursSince(now, t.due_at);
      case F::kHoursUntilDue:
        if (t.due_at == 0 || t.due_at < now) return std::nullopt;
        return (t.due_at - now) / 3600;
      case F::kHoursSinceSlaBreach:
        return HoursSince(now, t.sla_last_breach_at);
      case F::kHoursUntilSlaBreach:
        if (t.sla_next_breach_at == 0 || t.sla_next_breach_at < now) return std::nullopt;
        return (t.sla_next_breach_at - now) / 3600;
      default:
        return std::nullopt;
    }
  }

  static const json::value* CustomValue(const domain::Ticket& t, std::int64_t id) {
    for (const auto& e : t.custom_fields) {
      if (!e.is_object()) continue;
      const auto& o = e.get_object();
      auto it = o.find("id");
      if (it == o.end()) continue;
      std::int64_t fid = 0;
      if (it->value().is_int64()) {
        fid = it->value().get_int64();
      } else if (it->value().is_uint64()) {
        fid = static_cast<std::int64_t>(it->value().get_uint64());
      } else if (it->value().is_string()) {
        fid = ParseInt(it->value().get_string()).value_or(0);
      }
      if (fid != id) continue;
      auto v = o.find("value");
      return v == o.end() ? nullptr : &v->value();
    }
    return nullptr;
  }

  static std::string CustomText(const json::value* v) {
    if (!v || v->is_null()) return "";
    return Lower(ValueText(*v));
  }

  static bool CustomEq(const std::string& have, const std::string& want) {
    if (have == want) return true;
    // An unset checkbox is unchecked.
    return have.empty() && want == "false";
  }

  static bool EqualsLower(std::string_view have, std::string_view want_lower) {
    if (have.size() != want_lower.size()) return false;
    for (std::size_t i = 0; i < have.size(); ++i) {
      if (std::tolower(static_cast<unsigned char>(have[i])) !=
          static_cast<unsigned char>(want_lower[i])) {
        return false;
      }
    }
    return true;
  }

  bool Custom(const CCond& c) const {
    const json::value* av = CustomValue(t_, c.field_id);
    if ((c.op == Op::kIs || c.op == Op::kIsNot) && av && av->is_string() &&
        !av->get_string().empty()) {
      bool eq = EqualsLower(std::string_view(av->get_string()), c.text);
      return c.op == Op::kIs ? eq : !eq;
    }
    std::string after = CustomText(av);
    switch (c.op) {
      case Op::kIs:
        return CustomEq(after, c.text);
      case Op::kIsNot:
        return !CustomEq(after, c.text);
      case Op::kPresent:
        return !after.empty() && after != "false";
      case Op::kNotPresent:
        return after.empty() || after == "false";
      case Op::kLess:
      case Op::kGreater:
      case Op::kLessEq:
      case Op::kGreaterEq: {
        if (after.empty() || c.text.empty()) return false;
        char* e1 = nullptr;
        char* e2 = nullptr;
        double a = std::strtod(after.c_str(), &e1);
        double w = std::strtod(c.text.c_str(), &e2);
        if (*e1 != '\0' || *e2 != '\0') return false;
        if (c.op == Op::kLess) return a < w;
        if (c.op == Op::kGreater) return a > w;
        if (c.op == Op::kLessEq) return a <= w;
        return a >= w;
      }
      case Op::kIncludes:
      case Op::kNotIncludes: {
        std::vector<std::string> have = internal::Words(after);
        bool any = false;
        for (const auto& w : c.terms) {
          if (std::find(have.begin(), have.end(), w) != have.end()) any = true;
        }
        return c.op == Op::kIncludes ? any : !any;
      }
      case Op::kIncludesString:
        return after.find(c.text) != std::string::npos;
      case Op::kNotIncludesString:
        return after.find(c.text) == std::string::npos;
      default: {
        std::string before = CustomText(CustomValue(f_.before, c.field_id));
        bool changed = !CustomEq(before, after) && !CustomEq(after, before);
        switch (c.op) {
          case Op::kChanged:
            return changed;
          case Op::kNotChanged:
            return !changed;
          case Op::kValue:
            return changed && CustomEq(after, c.text);
          case Op::kValuePrevious:
            return changed && CustomEq(before, c.text);
          case Op::kNotValue:
            return !(changed && CustomEq(after, c.text));
          case Op::kNotValuePrevious:
            return !(changed && CustomEq(before, c.text));
          default:
            return false;
        }
      }
    }
  }

  bool Holds(const CCond& c) {
    switch (c.field) {
      case F::kUpdateType: {
        bool eq = f_.is_create == c.flag;
        return c.op == Op::kIsNot ? !eq : eq;
      }
      case F::kStatus:
        return Compare(c.op, static_cast<int>(f_.before.status), static_cast<int>(t_.status),
                       c.num);
      case F::kPriority:
        return Compare(c.op, static_cast<int>(f_.before.priority), static_cast<int>(t_.priority),
                       c.num);
      case F::kType:
        return Compare(c.op, static_cast<int>(f_.before.type), static_cast<int>(t_.type), c.num);
      case F::kGroup:
      case F::kAssignee:
      case F::kRequester:
      case F::kOrganization:
      case F::kBrand:
      case F::kForm:
        return Id(c);
      case F::kCurrentTags: {
        bool any = false;
        for (const auto& w : c.terms) {
          if (std::find(t_.tags.begin(), t_.tags.end(), w) != t_.tags.end()) {
            any = true;
            break;
          }
        }
        return c.op == Op::kIncludes ? any : (c.op == Op::kNotIncludes && !any);
      }
      case F::kViaId: {
        if (!via_known_) {
          via_ = ViaIdOfChannel(t_.via_channel).value_or(-1);
          via_known_ = true;
        }
        return Compare(c.op, via_, via_, c.num);
      }
      case F::kCurrentViaId: {
        std::int64_t v = ViaIdOfChannel(f_.current_via).value_or(-1);
        return Compare(c.op, v, v, c.num);
      }
      case F::kRecipient: {
        bool eq = Lower(t_.recipient) == c.text;
        return c.op == Op::kIsNot ? !eq : (c.op == Op::kIs && eq);
      }
      case F::kCustomField:
        return Custom(c);
      case F::kSatisfaction:
        return Compare(c.op, SatisfactionRank(f_.before.satisfaction_score),
                       SatisfactionRank(t_.satisfaction_score), c.num);
      case F::kRequesterRole:
      case F::kRole: {
        const std::string& have = c.field == F::kRole ? f_.current_user_role : f_.requester_role;
        bool eq = NormRole(have) == c.text;
        return c.op == Op::kIsNot ? !eq : (c.op == Op::kIs && eq);
      }
      case F::kCommentIsPublic: {
        bool holds;
        if (c.text == "not_relevant") {  // "present (public or private)"
          holds = f_.has_comment;
        } else if (c.text == "false" || c.text == "private") {
          holds = f_.has_comment && !f_.comment_is_public;
        } else {  // "true", "public", "requester_can_see_comment"
          holds = f_.has_comment && f_.comment_is_public;
        }
        return c.op == Op::kIsNot ? !holds : (c.op == Op::kIs && holds);
      }
      case F::kTicketIsPublic: {
        bool eq = t_.is_public == c.flag;
        return c.op == Op::kIsNot ? !eq : (c.op == Op::kIs && eq);
      }
      case F::kSubjectWords:
        if (!subject_.ready) subject_.Build(t_.subject);
        return Words(c, t_.subject, subject_);
      case F::kCommentWords:
        if (!comment_.ready) comment_.Build(f_.comment_text);
        return Words(c, f_.comment_text, comment_);
      case F::kDescriptionWords:
        if (!description_.ready) description_.Build(t_.description);
        return Words(c, t_.description, description_);
      case F::kReopens:
        return Compare(c.op, t_.reopens, t_.reopens, c.num);
      case F::kReplies:
        return Compare(c.op, t_.replies, t_.replies, c.num);
      case F::kAttachment: {
        bool eq = f_.has_attachment == c.flag;
        return c.op == Op::kIsNot ? !eq : (c.op == Op::kIs && eq);
      }
      case F::kInBusinessHours: {
        bool eq = f_.business_hours.InBusinessHours(t_) == c.flag;
        return c.op == Op::kIsNot ? !eq : (c.op == Op::kIs && eq);
      }
      case F::kSchedule: {
        bool eq = f_.business_hours.ScheduleOf(t_) == c.num;
        return c.op == Op::kIsNot ? !eq : (c.op == Op::kIs && eq);
      }
      case F::kHoursNew:
      case F::kHoursOpen:
      case F::kHoursPending:
      case F::kHoursHold:
      case F::kHoursSolved:
      case F::kHoursClosed:
      case F::kHoursAssigned:
      case F::kHoursUpdated:
      case F::kHoursRequesterUpdated:
      case F::kHoursAssigneeUpdated:
      case F::kHoursDue:
      case F::kHoursUntilDue:
      case F::kHoursSinceSlaBreach:
      case F::kHoursUntilSlaBreach: {
        auto h = Hours(c.field);
        if (!h) return false;
        return Compare(c.op, *h, *h, c.num);
      }
      case F::kUnknown:
        return false;
    }
    return false;
  }

  const domain::Ticket& t_;
  const UpdateFacts& f_;
  Text subject_;
  Text comment_;
  Text description_;
  bool via_known_ = false;
  std::int64_t via_ = -1;
};

std::int64_t IdValue(std::string_view v, const domain::Ticket& t, const UpdateFacts& f) {
  if (v == "current_user") return f.current_user.value;
  if (v == "requester_id") return t.requester_id.value;
  if (v == "assignee_id") return t.assignee_id.value;
  if (v == "current_groups") return f.current_user_groups.empty() ? 0 : f.current_user_groups[0];
  return ParseInt(v).value_or(0);
}

void AddUnique(std::vector<std::int64_t>& v, std::int64_t id) {
  if (id > 0 && std::find(v.begin(), v.end(), id) == v.end()) v.push_back(id);
}

std::string ArrayText(const json::value& v, std::size_t i) {
  if (!v.is_array() || v.get_array().size() <= i) return "";
  return ValueText(v.get_array()[i]);
}

}  // namespace

std::int64_t BusinessHoursFacts::ScheduleOf(const domain::Ticket& ticket) const {
  if (schedule_ids.empty()) return 0;
  if (ticket.schedule_id && std::find(schedule_ids.begin(), schedule_ids.end(),
                                      *ticket.schedule_id) != schedule_ids.end()) {
    return *ticket.schedule_id;
  }
  return schedule_ids.front();
}

bool BusinessHoursFacts::InBusinessHours(const domain::Ticket& ticket) const {
  if (schedule_ids.empty()) return true;  // calendar hours
  const std::int64_t id = ScheduleOf(ticket);
  return std::find(open_now.begin(), open_now.end(), id) != open_now.end();
}

bool Matches(const domain::ConditionSet& conditions, const domain::Ticket& ticket,
             const UpdateFacts& facts) {
  CompiledSet s = CompileSet(conditions);
  Eval e(ticket, facts);
  return e.Matches(s);
}

void ApplyActions(std::span<const domain::Action> actions, domain::Ticket& ticket,
                  const UpdateFacts& facts, std::vector<Effect>& effects) {
  for (const auto& a : actions) {
    const std::string_view f = a.field;
    const std::string v = ValueText(a.value);
    if (f == "status") {
      if (auto s = domain::ParseStatus(Lower(v))) ticket.status = *s;
    } else if (f == "priority") {
      if (v.empty()) {
        ticket.priority = domain::TicketPriority::kNone;
      } else if (auto p = domain::ParsePriority(Lower(v))) {
        ticket.priority = *p;
      }
    } else if (f == "type") {
      if (v.empty()) {
        ticket.type = domain::TicketType::kNone;
      } else if (auto t = domain::ParseType(Lower(v))) {
        ticket.type = *t;
      }
    } else if (f == "group_id") {
      ticket.group_id = GroupId(IdValue(v, ticket, facts));
    } else if (f == "assignee_id") {
      ticket.assignee_id = UserId(IdValue(v, ticket, facts));
    } else if (f == "set_tags") {
      ticket.tags.clear();
      for (auto& w : internal::Words(v)) {
        if (std::find(ticket.tags.begin(), ticket.tags.end(), w) == ticket.tags.end()) {
          ticket.tags.push_back(std::move(w));
        }
      }
    } else if (f == "current_tags") {
      for (auto& w : internal::Words(v)) {
        if (std::find(ticket.tags.begin(), ticket.tags.end(), w) == ticket.tags.end()) {
          ticket.tags.push_back(std::move(w));
        }
      }
    } else if (f == "remove_tags") {
      for (const auto& w : internal::Words(v)) {
        std::erase(ticket.tags, w);
      }
    } else if (f.starts_with("custom_fields_")) {
      auto id = ParseInt(f.substr(14));
      if (!id) continue;
      bool found = false;
      for (auto& e : ticket.custom_fields) {
        if (!e.is_object()) continue;
        auto& o = e.get_object();
        auto it = o.find("id");
        if (it != o.end() && it->value().is_int64() && it->value().get_int64() == *id) {
          o["value"] = a.value;
          found = true;
        }
      }
      if (!found) ticket.custom_fields.push_back(json::object{{"id", *id}, {"value", a.value}});
    } else if (f == "ticket_form_id") {
      ticket.ticket_form_id = TicketFormId(ParseInt(v).value_or(0));
    } else if (f == "brand_id") {
      ticket.brand_id = ParseInt(v).value_or(0);
    } else if (f == "set_schedule") {
      if (auto id = ParseInt(v); id && *id > 0) ticket.schedule_id = *id;
    } else if (f == "satisfaction_score") {
      if (v == "offered_to_requester" || v == "offered") {
        if (ticket.satisfaction_score == "unoffered" || ticket.satisfaction_score.empty()) {
          ticket.satisfaction_score = "offered";
        }
      } else if (SatisfactionRank(v) >= 0) {
        ticket.satisfaction_score = v;
      }
    } else if (f == "cc") {
      std::int64_t id = IdValue(v, ticket, facts);
      AddUnique(ticket.email_cc_ids, id);
      AddUnique(ticket.collaborator_ids, id);
    } else if (f == "follower") {
      AddUnique(ticket.follower_ids, IdValue(v, ticket, facts));
    } else if (f == "subject") {
      ticket.subject = v;
      ticket.raw_subject = v;
    } else if (f == "notification_user" || f == "notification_group") {
      Effect e;
      e.kind = f == "notification_user" ? Effect::Kind::kNotifyUser : Effect::Kind::kNotifyGroup;
      e.recipient = ArrayText(a.value, 0);
      e.subject = ArrayText(a.value, 1);
      e.body = ArrayText(a.value, 2);
      effects.push_back(std::move(e));
    } else if (f == "notification_webhook" || f == "notification_target") {
      Effect e;
      e.kind = f == "notification_webhook" ? Effect::Kind::kWebhook : Effect::Kind::kTarget;
      e.target_id = ArrayText(a.value, 0);
      if (a.value.is_array() && a.value.get_array().size() > 1) {
        const auto& b = a.value.get_array()[1];
        e.body = b.is_string() ? std::string(b.get_string()) : json::serialize(b);
      }
      effects.push_back(std::move(e));
    }
    // comment_value, comment_value_html, comment_mode_is_public: macros (ApplyMacro).
  }
}

class CompiledTriggers {
 public:
  struct Entry {
    domain::Trigger trigger;
    CompiledSet conditions;
  };
  std::vector<Entry> entries;
};

std::shared_ptr<const CompiledTriggers> CompileTriggers(std::span<const domain::Trigger> triggers) {
  auto out = std::make_shared<CompiledTriggers>();
  out->entries.reserve(triggers.size());
  for (const auto& t : triggers) {
    if (!t.active) continue;
    out->entries.push_back({t, CompileSet(t.conditions)});
  }
  return out;
}

CycleResult RunTriggers(const CompiledTriggers& triggers, domain::Ticket& ticket,
                        const UpdateFacts& facts, int max_passes) {
  CycleResult r;
  const auto& es = triggers.entries;
  std::vector<char> fired(es.size(), 0);
  Eval eval(ticket, facts);
  int passes = 0;
  auto find_next = [&]() -> std::size_t {
    for (std::size_t i = 0; i < es.size(); ++i) {
      if (!fired[i] && eval.Matches(es[i].conditions)) return i;
    }
    return es.size();
  };
  while (true) {
    std::size_t i = find_next();
    if (i == es.size()) break;  // a pass that fired none ends the cycle
    if (passes >= max_passes) {
      r.cut = true;
      break;
    }
    ++passes;
    fired[i] = 1;
    const auto& t = es[i].trigger;
    std::size_t first_effect = r.effects.size();
    ApplyActions(t.actions, ticket, facts, r.effects);
    for (std::size_t k = first_effect; k < r.effects.size(); ++k) {
      r.effects[k].rule_id = t.id.value;
      r.effects[k].rule_title = t.title;
    }
    eval.TicketChanged();
    r.fired.push_back({t.id.value, t.title});
  }
  return r;
}

const domain::Trigger* FindTrigger(const CompiledTriggers& triggers, std::int64_t id) {
  for (const auto& e : triggers.entries) {
    if (e.trigger.id.value == id) return &e.trigger;
  }
  return nullptr;
}

CycleResult RunTriggers(std::span<const domain::Trigger> triggers, domain::Ticket& ticket,
                        const UpdateFacts& facts, int max_passes) {
  auto compiled = CompileTriggers(triggers);
  return RunTriggers(*compiled, ticket, facts, max_passes);
}

MacroResult ApplyMacro(const domain::Macro& macro, const domain::Ticket& ticket,
                       const UpdateFacts& facts) {
  MacroResult r;
  r.ticket = ticket;
  ApplyActions(macro.actions, r.ticket, facts, r.effects);
  for (auto& e : r.effects) {
    e.rule_id = macro.id.value;
    e.rule_title = macro.title;
  }
  for (const auto& a : macro.actions) {
    if (a.field == "comment_value") {
      // A string, or ["channel:all", text].
      if (a.value.is_array()) {
        const auto& arr = a.value.get_array();
        r.comment_body = arr.empty() ? "" : ValueText(arr.back());
      } else {
        r.comment_body = ValueText(a.value);
      }
    } else if (a.field == "comment_value_html") {
      r.comment_html = ValueText(a.value);
    } else if (a.field == "comment_mode_is_public") {
      std::string v = Lower(ValueText(a.value));
      r.comment_public = v == "true";
    }
  }
  return r;
}

}  // namespace comptoir::rules
