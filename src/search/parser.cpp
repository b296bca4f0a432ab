// The query parser: a hand-written scanner over the query bytes (see README.md for the
// grammar). Errors carry the byte offset of the offending term.
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <cctype>
#include <charconv>
#include <chrono>
#include <map>
#include <optional>

#include "comptoir/search/search.hpp"

namespace comptoir::search {

namespace {

using domain::SearchOp;
using domain::SearchQuery;
using domain::SearchTerm;
using domain::SearchType;
using domain::SearchValueKind;

enum class FieldKind {
  kText,
  kKeyword,
  kDate,
  kUserRef,
  kStatus,
  kPriority,
  kTicketType,
  kBool,      // true or false
  kDeadline,  // a date, or `now`; a relative value counts forward from now
};

struct FieldInfo {
  const char* name;  // the normalized keyword
  FieldKind kind;
};

// Keywords and their aliases.
const std::map<std::string, FieldInfo, std::less<>>& Fields() {
  static const std::map<std::string, FieldInfo, std::less<>> kFields = {
      {"status", {"status", FieldKind::kStatus}},
      {"priority", {"priority", FieldKind::kPriority}},
      {"ticket_type", {"ticket_type", FieldKind::kTicketType}},
      {"created", {"created", FieldKind::kDate}},
      {"created_at", {"created", FieldKind::kDate}},
      {"updated", {"updated", FieldKind::kDate}},
      {"updated_at", {"updated", FieldKind::kDate}},
      {"solved", {"solved", FieldKind::kDate}},
      {"solved_at", {"solved", FieldKind::kDate}},
      {"due_date", {"due_date", FieldKind::kDate}},
      {"due", {"due_date", FieldKind::kDate}},
      {"tags", {"tags", FieldKind::kKeyword}},
      {"tag", {"tags", FieldKind::kKeyword}},
      {"requester", {"requester", FieldKind::kUserRef}},
      {"assignee", {"assignee", FieldKind::kUserRef}},
      {"submitter", {"submitter", FieldKind::kUserRef}},
      {"group", {"group", FieldKind::kKeyword}},
      {"organization", {"organization", FieldKind::kKeyword}},
      {"via", {"via", FieldKind::kKeyword}},
      {"brand", {"brand", FieldKind::kKeyword}},
      {"subject", {"subject", FieldKind::kText}},
      {"description", {"description", FieldKind::kText}},
      {"comment", {"comment", FieldKind::kText}},
      {"name", {"name", FieldKind::kText}},
      {"notes", {"notes", FieldKind::kText}},
      {"details", {"details", FieldKind::kText}},
      {"email", {"email", FieldKind::kKeyword}},
      {"role", {"role", FieldKind::kKeyword}},
      {"phone", {"phone", FieldKind::kKeyword}},
      {"external_id", {"external_id", FieldKind::kKeyword}},
      {"is_verified", {"is_verified", FieldKind::kKeyword}},
      {"is_suspended", {"is_suspended", FieldKind::kKeyword}},
      {"commenter", {"commenter", FieldKind::kUserRef}},
      {"cc", {"cc", FieldKind::kUserRef}},
      {"form", {"form", FieldKind::kKeyword}},
      {"ticket_form", {"form", FieldKind::kKeyword}},
      {"has_attachment", {"has_attachment", FieldKind::kBool}},
      // Comptoir's extension (Zendesk has no SLA keyword): docs/sla.md.
      {"sla_next_breach", {"sla_next_breach", FieldKind::kDeadline}},
  };
  return kFields;
}

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'; }

std::string Lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

struct Failure {
  int position;
  std::string message;
};

// "4hours", "1 day" is not accepted (no space); units singular or plural.
std::optional<std::int64_t> RelativeSeconds(std::string_view v) {
  std::size_t i = 0;
  while (i < v.size() && std::isdigit(static_cast<unsigned char>(v[i])) != 0) ++i;
  if (i == 0 || i > 9) return std::nullopt;
  std::int64_t n = 0;
  std::from_chars(v.data(), v.data() + i, n);
  const std::string unit = Lower(v.substr(i));
  static const std::map<std::string, std::int64_t, std::less<>> kUnits = {
      {"minute", 60},     {"minutes", 60},     {"hour", 3600},     {"hours", 3600},
      {"day", 86400},     {"days", 86400},     {"week", 604800},   {"weeks", 604800},
      {"month", 2592000}, {"months", 2592000}, {"year", 31536000}, {"years", 31536000},
  };
  auto it = kUnits.find(unit);
  if (it == kUnits.end()) return std::nullopt;
  return n * it->second;
}

bool Digits(std::string_view s, std::size_t from, std::size_t n, int& out) {
  if (from + n > s.size()) return false;
  out = 0;
  for (std::size_t i = from; i < from + n; ++i) {
    if (std::isdigit(static_cast<unsigned char>(s[i])) == 0) return false;
    out = out * 10 + (s[i] - '0');
  }
  return true;
}

// YYYY-MM-DD, optionally followed by THH:MM[:SS] and Z or ±HH:MM (UTC when absent).
std::optional<std::int64_t> AbsoluteSeconds(std::string_view v) {
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0;
  if (!Digits(v, 0, 4, y) || v.size() < 10 || v[4] != '-' || !Digits(v, 5, 2, mo) || v[7] != '-' ||
      !Digits(v, 8, 2, d)) {
    return std::nullopt;
  }
  std::size_t i = 10;
  std::int64_t offset = 0;
  if (i < v.size()) {
    if (v[i] != 'T' && v[i] != 't') return std::nullopt;
    if (!Digits(v, i + 1, 2, h) || i + 3 >= v.size() || v[i + 3] != ':' ||
        !Digits(v, i + 4, 2, mi)) {
      return std::nullopt;
    }
    i += 6;
    if (i < v.size() && v[i] == ':') {
      if (!Digits(v, i + 1, 2, s)) return std::nullopt;
      i += 3;
    }
    if (i < v.size()) {
      if (v[i] == 'Z' || v[i] == 'z') {
        ++i;
      } else if (v[i] == '+' || v[i] == '-') {
        int oh = 0, om = 0;
        if (!Digits(v, i + 1, 2, oh) || i + 3 >= v.size() || v[i + 3] != ':' ||
            !Digits(v, i + 4, 2, om) || oh > 23 || om > 59) {
          return std::nullopt;
        }
        offset = (oh * 3600 + om * 60) * (v[i] == '+' ? 1 : -1);
        i += 6;
      }
    }
    if (i != v.size()) return std::nullopt;
  }
  if (h > 23 || mi > 59 || s > 59) return std::nullopt;
  using namespace std::chrono;
  const year_month_day ymd{year(y), month(static_cast<unsigned>(mo)),
                           day(static_cast<unsigned>(d))};
  if (!ymd.ok()) return std::nullopt;
  const std::int64_t days = sys_days(ymd).time_since_epoch().count();
  return days * 86400 + h * 3600 + mi * 60 + s - offset;
}

class Parser {
 public:
  explicit Parser(std::string_view q) : q_(q) {}

  std::optional<Failure> Run(SearchQuery& out) {
    while (true) {
      while (i_ < q_.size() && IsSpace(q_[i_])) ++i_;
      if (i_ >= q_.size()) return std::nullopt;
      if (auto f = Term(out)) return f;
    }
  }

 private:
  // A quoted string starting at q_[i_] == '"'; i_ ends after the closing quote.
  std::optional<Failure> Quoted(std::string& text) {
    const auto open = static_cast<int>(i_);
    ++i_;
    const std::size_t close = q_.find('"', i_);
    if (close == std::string_view::npos) return Failure{open, "unterminated quoted phrase"};
    text.assign(q_.substr(i_, close - i_));
    i_ = close + 1;
    return std::nullopt;
  }

  std::optional<Failure> Term(SearchQuery& out) {
    SearchTerm t;
    t.position = static_cast<int>(i_);
    if (q_[i_] == '-') {
      t.negated = true;
      ++i_;
      if (i_ >= q_.size() || IsSpace(q_[i_])) return Failure{t.position, "nothing to negate"};
    }
    if (q_[i_] == '"') {
      if (auto f = Quoted(t.value)) return f;
      if (i_ < q_.size() && !IsSpace(q_[i_])) {
        return Failure{static_cast<int>(i_), "expected a space after the closing quote"};
      }
      t.phrase = true;
      out.terms.push_back(std::move(t));
      return std::nullopt;
    }
    // A keyword: letters, digits and '_' followed by an operator.
    std::size_t j = i_;
    while (j < q_.size() &&
           (std::isalnum(static_cast<unsigned char>(q_[j])) != 0 || q_[j] == '_')) {
      ++j;
    }
    if (j > i_ && j < q_.size() && (q_[j] == ':' || q_[j] == '<' || q_[j] == '>')) {
      return Keyword(out, std::move(t), Lower(q_.substr(i_, j - i_)), j);
    }
    return Word(out, std::move(t));
  }

  // A free word up to the next space; a trailing '*' makes it a prefix.
  std::optional<Failure> Word(SearchQuery& out, SearchTerm t) {
    const std::size_t start = i_;
    while (i_ < q_.size() && !IsSpace(q_[i_])) {
      if (q_[i_] == '"') return Failure{static_cast<int>(i_), "a quote inside a word"};
      ++i_;
    }
    std::string_view w = q_.substr(start, i_ - start);
    if (w.ends_with('*')) {
      t.wildcard = true;
      w.remove_suffix(1);
      if (w.empty() || w.find('*') != std::string_view::npos) {
        return Failure{t.position, "a wildcard must follow at least one character"};
      }
    } else if (w.find('*') != std::string_view::npos) {
      return Failure{static_cast<int>(start + w.find('*')),
                     "a wildcard is allowed only at the end"};
    }
    t.value.assign(w);
    out.terms.push_back(std::move(t));
    return std::nullopt;
  }

  std::optional<Failure> Keyword(SearchQuery& out, SearchTerm t, const std::string& key,
                                 std::size_t j) {
    const std::size_t word_start = i_;
    // Operator.
    SearchOp op = SearchOp::kEq;
    if (q_[j] == ':') {
      ++j;
    } else if (q_[j] == '<' || q_[j] == '>') {
      const bool lt = q_[j] == '<';
      ++j;
      bool eq = false;
      if (j < q_.size() && q_[j] == '=') {
        eq = true;
        ++j;
      }
      op = lt ? (eq ? SearchOp::kLe : SearchOp::kLt) : (eq ? SearchOp::kGe : SearchOp::kGt);
    }
    const auto value_pos = static_cast<int>(j);
    // Value: quoted or up to the next space.
    std::string value;
    bool quoted = false;
    i_ = j;
    if (i_ < q_.size() && q_[i_] == '"') {
      if (auto f = Quoted(value)) return f;
      quoted = true;
      if (i_ < q_.size() && !IsSpace(q_[i_])) {
        return Failure{static_cast<int>(i_), "expected a space after the closing quote"};
      }
    } else {
      while (i_ < q_.size() && !IsSpace(q_[i_])) {
        if (q_[i_] == '"') return Failure{static_cast<int>(i_), "a quote inside a value"};
        ++i_;
      }
      value.assign(q_.substr(j, i_ - j));
    }
    if (value.empty()) return Failure{value_pos, "missing value after " + key};
    if (!quoted && value.ends_with('*')) {
      value.pop_back();
      t.wildcard = true;
      if (value.empty() || value.find('*') != std::string::npos) {
        return Failure{value_pos, "a wildcard must follow at least one character"};
      }
    } else if (!quoted && value.find('*') != std::string::npos) {
      return Failure{static_cast<int>(j + value.find('*')),
                     "a wildcard is allowed only at the end"};
    }
    t.phrase = quoted;
    const std::string lower = Lower(value);

    // Keywords that are not terms.
    if (key == "type") {
      if (op != SearchOp::kEq || t.negated || t.wildcard) {
        return Failure{t.position, "type: takes one of ticket, user, organization, group"};
      }
      static const std::map<std::string, SearchType, std::less<>> kTypes = {
          {"ticket", SearchType::kTicket},
          {"user", SearchType::kUser},
          {"organization", SearchType::kOrganization},
          {"group", SearchType::kGroup}};
      auto it = kTypes.find(lower);
      if (it == kTypes.end()) {
        return Failure{value_pos, "type: takes one of ticket, user, organization, group"};
      }
      if (out.type != SearchType::kAny && out.type != it->second) {
        return Failure{t.position, "type: given twice with different values"};
      }
      out.type = it->second;
      return std::nullopt;
    }
    if (key == "order_by" || key == "sort_by") {
      static const std::map<std::string, std::string, std::less<>> kOrders = {
          {"created", "created_at"},     {"created_at", "created_at"}, {"updated", "updated_at"},
          {"updated_at", "updated_at"},  {"priority", "priority"},     {"status", "status"},
          {"ticket_type", "ticket_type"}};
      auto it = kOrders.find(lower);
      if (op != SearchOp::kEq || t.negated || t.wildcard || it == kOrders.end()) {
        return Failure{value_pos,
                       "order_by: takes created, updated, priority, status or ticket_type"};
      }
      out.order_by = it->second;
      return std::nullopt;
    }
    if (key == "sort" || key == "sort_order") {
      if (op != SearchOp::kEq || t.negated || t.wildcard || (lower != "asc" && lower != "desc")) {
        return Failure{value_pos, "sort: takes asc or desc"};
      }
      out.sort_order = lower;
      return std::nullopt;
    }

    FieldInfo info{nullptr, FieldKind::kText};
    if (auto it = Fields().find(key); it != Fields().end()) {
      info = it->second;
    } else if (key.rfind("custom_field_", 0) == 0 && key.size() > 13 && key.size() <= 32 &&
               key.find_first_not_of("0123456789", 13) == std::string::npos) {
      info = FieldInfo{nullptr, FieldKind::kKeyword};
      t.field = key;
    } else {
      // Not a keyword Zendesk knows: the whole word is free text ("error:404" → the
      // words "error" and "404", adjacent).
      t.value.assign(q_.substr(word_start, i_ - word_start));
      if (t.wildcard && t.value.ends_with('*')) t.value.pop_back();
      t.phrase = false;
      out.terms.push_back(std::move(t));
      return std::nullopt;
    }
    if (info.name != nullptr) t.field = info.name;
    t.op = op;
    t.value = value;
    const bool ordered = info.kind == FieldKind::kDate || info.kind == FieldKind::kStatus ||
                         info.kind == FieldKind::kPriority || info.kind == FieldKind::kDeadline;
    if (op != SearchOp::kEq && !ordered) {
      return Failure{t.position, "the operators < > <= >= apply to dates, status and priority"};
    }
    if (lower == "none" && !quoted) {
      if (op != SearchOp::kEq || t.wildcard) {
        return Failure{value_pos, "none takes no operator other than :"};
      }
      t.kind = SearchValueKind::kNone;
      t.value.clear();
      out.terms.push_back(std::move(t));
      return std::nullopt;
    }
    switch (info.kind) {
      case FieldKind::kText:
        t.kind = SearchValueKind::kText;
        break;
      case FieldKind::kKeyword:
        t.kind = SearchValueKind::kKeyword;
        break;
      case FieldKind::kUserRef:
        if (lower == "me" && !quoted) {
          if (t.wildcard) return Failure{value_pos, "me takes no wildcard"};
          t.kind = SearchValueKind::kMe;
          t.value.clear();
        } else {
          t.kind = SearchValueKind::kKeyword;
        }
        break;
      case FieldKind::kStatus: {
        static const char* const kStatuses[] = {"new",  "open",   "pending",
                                                "hold", "solved", "closed"};
        bool ok = false;
        for (const char* s : kStatuses) ok = ok || lower == s;
        if (!ok || t.wildcard) {
          return Failure{value_pos, "status takes new, open, pending, hold, solved or closed"};
        }
        t.kind = SearchValueKind::kKeyword;
        t.value = lower;
        break;
      }
      case FieldKind::kPriority: {
        if ((lower != "low" && lower != "normal" && lower != "high" && lower != "urgent") ||
            t.wildcard) {
          return Failure{value_pos, "priority takes low, normal, high or urgent"};
        }
        t.kind = SearchValueKind::kKeyword;
        t.value = lower;
        break;
      }
      case FieldKind::kTicketType: {
        if ((lower != "question" && lower != "incident" && lower != "problem" && lower != "task") ||
            t.wildcard) {
          return Failure{value_pos, "ticket_type takes question, incident, problem or task"};
        }
        t.kind = SearchValueKind::kKeyword;
        t.value = lower;
        break;
      }
      case FieldKind::kBool:
        if ((lower != "true" && lower != "false") || t.wildcard) {
          return Failure{value_pos, key + " takes true or false"};
        }
        t.kind = SearchValueKind::kKeyword;
        t.value = lower;
        break;
      case FieldKind::kDeadline:
        if (lower == "now" && !quoted && !t.wildcard) {
          t.kind = SearchValueKind::kRelative;
          t.seconds = 0;
          t.value = lower;
          break;
        }
        [[fallthrough]];
      case FieldKind::kDate: {
        if (t.wildcard || quoted) return Failure{value_pos, "a date is expected"};
        if (auto rel = RelativeSeconds(value)) {
          t.kind = SearchValueKind::kRelative;
          t.seconds = *rel;
        } else if (auto abs = AbsoluteSeconds(value)) {
          t.kind = SearchValueKind::kDate;
          t.seconds = *abs;
        } else {
          return Failure{value_pos,
                         "a date is expected (2026-01-31, 2026-01-31T10:00:00Z or 4hours)"};
        }
        break;
      }
    }
    out.terms.push_back(std::move(t));
    return std::nullopt;
  }

  std::string_view q_;
  std::size_t i_ = 0;
};

const char* OpName(SearchOp op) {
  switch (op) {
    case SearchOp::kEq:
      return ":";
    case SearchOp::kLt:
      return "<";
    case SearchOp::kGt:
      return ">";
    case SearchOp::kLe:
      return "<=";
    case SearchOp::kGe:
      return ">=";
  }
  return ":";
}

const char* KindName(SearchValueKind k) {
  switch (k) {
    case SearchValueKind::kText:
      return "text";
    case SearchValueKind::kKeyword:
      return "keyword";
    case SearchValueKind::kNone:
      return "none";
    case SearchValueKind::kMe:
      return "me";
    case SearchValueKind::kDate:
      return "date";
    case SearchValueKind::kRelative:
      return "relative";
  }
  return "text";
}

const char* TypeName(SearchType t) {
  switch (t) {
    case SearchType::kAny:
      return "any";
    case SearchType::kTicket:
      return "ticket";
    case SearchType::kUser:
      return "user";
    case SearchType::kOrganization:
      return "organization";
    case SearchType::kGroup:
      return "group";
  }
  return "any";
}

}  // namespace

Result<domain::SearchQuery> Parse(std::string_view query, ParseError* error) {
  SearchQuery q;
  if (query.size() > 4096) {
    Failure f{4096, "the query is longer than 4096 bytes"};
    if (error) *error = {f.position, f.message};
    return Status(ErrorCode::kInvalidArgument, f.message + " at position 4096", "InvalidQuery");
  }
  Parser p(query);
  if (auto f = p.Run(q)) {
    if (error) *error = {f->position, f->message};
    return Status(ErrorCode::kInvalidArgument,
                  f->message + " at position " + std::to_string(f->position), "InvalidQuery");
  }
  if (q.terms.size() > 64) {
    const int pos = q.terms[64].position;
    if (error) *error = {pos, "more than 64 terms"};
    return Status(ErrorCode::kInvalidArgument,
                  "more than 64 terms at position " + std::to_string(pos), "InvalidQuery");
  }
  return q;
}

std::string Dump(const domain::SearchQuery& q) {
  boost::json::object o;
  o["type"] = TypeName(q.type);
  if (!q.order_by.empty()) o["order_by"] = q.order_by;
  if (!q.sort_order.empty()) o["sort_order"] = q.sort_order;
  boost::json::array terms;
  for (const auto& t : q.terms) {
    boost::json::object j;
    if (!t.field.empty()) j["field"] = t.field;
    if (t.op != SearchOp::kEq) j["op"] = OpName(t.op);
    j["kind"] = KindName(t.kind);
    if (!t.value.empty()) j["value"] = t.value;
    if (t.negated) j["negated"] = true;
    if (t.phrase) j["phrase"] = true;
    if (t.wildcard) j["wildcard"] = true;
    if (t.seconds != 0) j["seconds"] = t.seconds;
    j["position"] = t.position;
    terms.push_back(std::move(j));
  }
  o["terms"] = std::move(terms);
  return boost::json::serialize(o);
}

bool AppliesTo(const domain::SearchTerm& t, domain::SearchType type) {
  const std::string& f = t.field;
  if (f.empty()) return true;
  switch (type) {
    case SearchType::kAny:
      return true;
    case SearchType::kTicket:
      return f == "status" || f == "priority" || f == "ticket_type" || f == "created" ||
             f == "updated" || f == "solved" || f == "due_date" || f == "tags" ||
             f == "requester" || f == "assignee" || f == "submitter" || f == "group" ||
             f == "organization" || f == "via" || f == "brand" || f == "subject" ||
             f == "description" || f == "comment" || f == "commenter" || f == "cc" || f == "form" ||
             f == "has_attachment" || f == "sla_next_breach" || f.rfind("custom_field_", 0) == 0;
    case SearchType::kUser:
      return f == "name" || f == "email" || f == "role" || f == "organization" || f == "tags" ||
             f == "phone" || f == "external_id" || f == "notes" || f == "details" ||
             f == "created" || f == "updated" || f == "is_verified" || f == "is_suspended";
    case SearchType::kOrganization:
      return f == "name" || f == "tags" || f == "external_id" || f == "notes" || f == "details" ||
             f == "created" || f == "updated";
    case SearchType::kGroup:
      return f == "name" || f == "created" || f == "updated";
  }
  return false;
}

}  // namespace comptoir::search
