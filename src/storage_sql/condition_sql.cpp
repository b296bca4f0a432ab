// The condition tree compiled to SQL. Semantics (shared with rules::Matches):
// - status / priority / type compare on the enum order (less_than, greater_than, …);
// - id fields take an id, "" or null (none), "current_user", "current_groups";
// - current_tags includes = any of the space-separated tags, not_includes = none of them;
// - time fields ("hours since") count whole hours, floor((now - t) / 3600), and never
//   match a time that was not set (0) or is in the future; NEW counts from creation,
//   SOLVED from solved_at on solved and closed tickets, OPEN / PENDING / HOLD / CLOSED
//   from status_updated_at on tickets in that status (stored tickets always have it),
//   assigned_at only on assigned tickets; until_due_date counts whole hours until due_at
//   (future only), due_date whole hours since it (past only); until_sla_next_breach_at
//   and sla_next_breach_at do the same with the ticket's next and last SLA breach.
#include "condition_sql.hpp"

#include <array>
#include <cctype>
#include <charconv>
#include <optional>

#include "comptoir/domain/via.hpp"
#include "sql_util.hpp"

namespace comptoir::sql {

namespace {

namespace json = boost::json;
using domain::Condition;

// The value as text: strings as they are, numbers printed, booleans "true"/"false".
std::optional<std::string> Text(const json::value& v) {
  if (v.is_string()) return std::string(v.as_string());
  if (v.is_int64()) return std::to_string(v.as_int64());
  if (v.is_uint64()) return std::to_string(v.as_uint64());
  if (v.is_double()) return std::to_string(static_cast<std::int64_t>(v.as_double()));
  if (v.is_bool()) return std::string(v.as_bool() ? "true" : "false");
  if (v.is_null()) return std::string();
  if (v.is_array() && v.as_array().size() == 1) return Text(v.as_array()[0]);
  return std::nullopt;
}

std::optional<std::int64_t> Int(const json::value& v) {
  auto t = Text(v);
  if (!t || t->empty()) return std::nullopt;
  std::int64_t out = 0;
  auto [p, ec] = std::from_chars(t->data(), t->data() + t->size(), out);
  if (ec != std::errc() || p != t->data() + t->size()) return std::nullopt;
  return out;
}

struct Compiler {
  const storage::TicketQuery& q;
  Dialect dialect;
  Params& params;
  std::string place;  // "conditions.all[2]"

  // A column reference. When the query walks its sort index (many matches), the other
  // columns are written `+tickets.x`: the same value, but not an index the planner could
  // prefer (portable to PostgreSQL), so it reads rows in order and stops at the page.
  std::string Col(const std::string& name) const {
    if (q.walk_sort_index && name != sort_column) {
      // Text columns: `|| ''` (PostgreSQL has no unary + on text).
      if (name == "recipient" || name == "satisfaction_score")
        return "(tickets." + name + " || '')";
      return "+tickets." + name;
    }
    return "tickets." + name;
  }
  std::string sort_column;

  Status Bad(const Condition& c, const std::string& what) const {
    return Status(ErrorCode::kInvalidArgument, place + ": " + c.field + " " + what,
                  "InvalidCondition");
  }
  Status BadOp(const Condition& c) const { return Bad(c, "does not take the operator " + c.op); }
  Status BadValue(const Condition& c) const { return Bad(c, "has an invalid value"); }

  std::string Bind(Value v) {
    params.push_back(std::move(v));
    return "?";
  }

  // Comparisons on an ordered integer column.
  Result<std::string> Ordered(const Condition& c, const char* col, std::int64_t n) {
    const std::string& op = c.op;
    std::string sym;
    if (op == "is")
      sym = " = ";
    else if (op == "is_not")
      sym = " <> ";
    else if (op == "less_than")
      sym = " < ";
    else if (op == "greater_than")
      sym = " > ";
    else if (op == "less_than_equal")
      sym = " <= ";
    else if (op == "greater_than_equal")
      sym = " >= ";
    else
      return BadOp(c);
    return Col(col) + sym + Bind(n);
  }

  Result<std::string> Enum(const Condition& c, const char* col) {
    auto t = Text(c.value);
    if (!t) return BadValue(c);
    std::optional<std::int64_t> n;
    if (c.field == "status") {
      if (auto s = domain::ParseStatus(*t)) n = static_cast<std::int64_t>(*s);
    } else if (c.field == "priority") {
      if (t->empty()) {
        n = 0;
      } else if (auto p = domain::ParsePriority(*t)) {
        n = static_cast<std::int64_t>(*p);
      }
    } else if (t->empty()) {
      n = 0;
    } else if (auto ty = domain::ParseType(*t)) {
      n = static_cast<std::int64_t>(*ty);
    }
    if (!n) return BadValue(c);
    if (c.field == "type" && c.op != "is" && c.op != "is_not") return BadOp(c);
    if (c.field == "status" && c.op != "is" && c.op != "is_not") {
      // An order on the six statuses is written as the list of those it keeps
      // ("status < solved" → IN (new, open, pending, hold)): the status index is then
      // probed once per status instead of read as one range, so the sort column's range
      // inside each status is searched, not scanned (closed tickets are never read).
      const auto keep = [&](std::int64_t v) {
        if (c.op == "less_than") return v < *n;
        if (c.op == "greater_than") return v > *n;
        if (c.op == "less_than_equal") return v <= *n;
        return v >= *n;
      };
      if (c.op != "less_than" && c.op != "greater_than" && c.op != "less_than_equal" &&
          c.op != "greater_than_equal") {
        return BadOp(c);
      }
      std::vector<std::int64_t> kept;
      for (std::int64_t v = 0; v <= static_cast<std::int64_t>(domain::TicketStatus::kClosed); ++v) {
        if (keep(v)) kept.push_back(v);
      }
      if (kept.empty()) return std::string("1 = 0");
      std::string in = Col(col) + " IN (";
      for (std::size_t i = 0; i < kept.size(); ++i) in += (i ? ", " : "") + Bind(kept[i]);
      return in + ")";
    }
    return Ordered(c, col, *n);
  }

  // Nullable id columns.
  Result<std::string> IdField(const Condition& c, const char* col) {
    if (c.op != "is" && c.op != "is_not") return BadOp(c);
    const bool neg = c.op == "is_not";
    const std::string column = Col(col);
    auto t = Text(c.value);
    if (!t) return BadValue(c);
    if (t->empty() || *t == "-") return column + (neg ? " IS NOT NULL" : " IS NULL");
    if ((*t == "requester_id" || *t == "assignee_id") && std::string_view(col) != *t) {
      // Compares two columns of the ticket ("assignee is the requester").
      const std::string other = "tickets." + *t;
      if (neg)
        return "(" + column + " IS NULL OR " + other + " IS NULL OR " + column + " <> " + other +
               ")";
      return column + " = " + other;
    }
    if (*t == "current_user") {
      if (neg)
        return "(" + column + " IS NULL OR " + column + " <> " + Bind(q.current_user.value) + ")";
      return column + " = " + Bind(q.current_user.value);
    }
    if (*t == "current_groups") {
      if (q.current_groups.empty()) return std::string(neg ? "1 = 1" : "1 = 0");
      std::string in = column + " IN (" + Placeholders(q.current_groups.size()) + ")";
      for (auto g : q.current_groups) params.emplace_back(g);
      return neg ? "(" + column + " IS NULL OR NOT " + in + ")" : in;
    }
    auto n = Int(c.value);
    if (!n) return BadValue(c);
    if (neg) return "(" + column + " IS NULL OR " + column + " <> " + Bind(*n) + ")";
    return column + " = " + Bind(*n);
  }

  Result<std::string> Tags(const Condition& c) {
    std::vector<std::string> tags;
    auto add = [&](std::string_view s) {
      std::size_t i = 0;
      while (i < s.size()) {
        while (i < s.size() && s[i] == ' ') ++i;
        std::size_t j = i;
        while (j < s.size() && s[j] != ' ') ++j;
        if (j > i) tags.emplace_back(s.substr(i, j - i));
        i = j;
      }
    };
    if (c.value.is_array()) {
      for (const auto& v : c.value.as_array()) {
        if (!v.is_string()) return BadValue(c);
        add(v.as_string());
      }
    } else if (c.value.is_string()) {
      add(c.value.as_string());
    } else {
      return BadValue(c);
    }
    bool neg = false;
    if (c.op == "not_includes")
      neg = true;
    else if (c.op != "includes")
      return BadOp(c);
    if (tags.empty()) return std::string(neg ? "1 = 1" : "1 = 0");
    std::string sql = std::string(neg ? "NOT " : "") +
                      "EXISTS (SELECT 1 FROM ticket_tags tt WHERE tt.account_id = "
                      "tickets.account_id AND tt.ticket_id = tickets.id AND tt.tag IN (" +
                      Placeholders(tags.size()) + "))";
    for (auto& t : tags) params.emplace_back(std::move(t));
    return sql;
  }

  Result<std::string> Hours(const Condition& c, const std::string& col,
                            std::optional<domain::TicketStatus> status) {
    auto h = Int(c.value);
    if (!h || *h < 0) return BadValue(c);
    if (c.op == "less_than" && *h == 0) return std::string("1 = 0");  // before any Bind
    const std::int64_t now = q.now;
    const std::string column = Col(col);
    // An unset time (0) never matches. The "> 0" is written only when no other lower
    // bound is: with two lower bounds SQLite may take "> 0" for the index range and scan
    // every ticket instead of the last hours.
    std::string cond;
    bool bounded_below = false;
    if (status) cond += " AND " + Col("status") + " = " + Bind(static_cast<std::int64_t>(*status));
    // hours = floor((now - t) / 3600), for t <= now.
    auto at_most = [&](std::int64_t hours) {  // hours <= n  ⇔  t > now - (n+1)·3600
      const std::int64_t bound = now - (hours + 1) * 3600;
      if (bound < 0) return std::string();
      bounded_below = true;
      return " AND " + column + " > " + Bind(bound);
    };
    auto at_least = [&](std::int64_t hours) {  // hours >= n  ⇔  t <= now - n·3600
      return " AND " + column + " <= " + Bind(now - hours * 3600);
    };
    if (c.op == "is") {
      cond += at_least(*h);
      cond += at_most(*h);
    } else if (c.op == "less_than") {
      cond += at_most(*h - 1);
      cond += " AND " + column + " <= " + Bind(now);
    } else if (c.op == "less_than_equal") {
      cond += at_most(*h);
      cond += " AND " + column + " <= " + Bind(now);
    } else if (c.op == "greater_than") {
      cond += at_least(*h + 1);
    } else if (c.op == "greater_than_equal") {
      cond += at_least(*h);
    } else {
      return BadOp(c);
    }
    // `cond` starts with " AND "; a lower bound t > b with b >= 0 already excludes 0.
    if (bounded_below) return cond.substr(5);
    return column + " > 0" + cond;
  }

  Result<std::string> UntilDue(const Condition& c, const std::string& col = "due_at") {
    auto h = Int(c.value);
    if (!h || *h < 0) return BadValue(c);
    if (c.op == "less_than" && *h == 0) return std::string("1 = 0");  // before any Bind
    const std::int64_t now = q.now;
    const std::string column = "tickets." + col;
    // hours = floor((due - now) / 3600), for due >= now.
    std::string cond = column + " >= " + Bind(now);
    auto at_most = [&](std::int64_t n) {
      return " AND " + column + " < " + Bind(now + (n + 1) * 3600);
    };
    auto at_least = [&](std::int64_t n) {
      return " AND " + column + " >= " + Bind(now + n * 3600);
    };
    if (c.op == "is") {
      cond += at_least(*h);
      cond += at_most(*h);
    } else if (c.op == "less_than") {
      cond += at_most(*h - 1);
    } else if (c.op == "less_than_equal") {
      cond += at_most(*h);
    } else if (c.op == "greater_than") {
      cond += at_least(*h + 1);
    } else if (c.op == "greater_than_equal") {
      cond += at_least(*h);
    } else {
      return BadOp(c);
    }
    return cond;
  }

  Result<std::string> CustomField(const Condition& c, std::int64_t field_id) {
    // custom_fields is a JSON array [{"id":…,"value":…}]; compare the value's JSON text.
    std::string elements, id_expr, value_expr;
    if (dialect == Dialect::kSqlite) {
      elements = "json_each(tickets.custom_fields) cf";
      id_expr = "json_extract(cf.value, '$.id')";
      value_expr = "(cf.value -> '$.value')";  // JSON text: "\"gold\"", true, 5
    } else {
      elements =
          "jsonb_array_elements(CASE WHEN tickets.custom_fields LIKE '[%' THEN "
          "tickets.custom_fields::jsonb ELSE '[]'::jsonb END) cf";
      id_expr = "(cf->>'id')::bigint";
      value_expr = "(cf->'value')::text";
    }
    std::string exists_head =
        "EXISTS (SELECT 1 FROM " + elements + " WHERE " + id_expr + " = " + Bind(field_id);
    if (c.op == "present" || c.op == "not_present") {
      std::string sql = exists_head + " AND " + value_expr + " NOT IN ('null', '\"\"', 'false'))";
      return c.op == "present" ? sql : "NOT " + sql;
    }
    if (c.op != "is" && c.op != "is_not") return BadOp(c);
    auto t = Text(c.value);
    if (!t) return BadValue(c);
    // A value may be stored as a string, a number or a boolean: accept the JSON forms.
    std::vector<std::string> forms = {json::serialize(json::value(*t))};
    if (*t == "true" || *t == "false") forms.push_back(*t);
    if (Int(c.value)) forms.push_back(*t);
    // Text values compare without regard to case (as rules::Matches does).
    std::string sql =
        exists_head + " AND LOWER(" + value_expr + ") IN (" + Placeholders(forms.size()) + "))";
    for (auto& f : forms) {
      for (auto& ch : f) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
      params.emplace_back(std::move(f));
    }
    return c.op == "is" ? sql : "NOT " + sql;
  }

  Result<std::string> One(const Condition& c) {
    const std::string& f = c.field;
    if (f == "status") return Enum(c, "status");
    if (f == "priority") return Enum(c, "priority");
    if (f == "type" || f == "ticket_type_id") {
      Condition copy = c;
      copy.field = "type";
      return Enum(copy, "type");
    }
    if (f == "group_id") return IdField(c, "group_id");
    if (f == "assignee_id") return IdField(c, "assignee_id");
    if (f == "requester_id") return IdField(c, "requester_id");
    if (f == "organization_id") return IdField(c, "organization_id");
    if (f == "brand_id") return IdField(c, "brand_id");
    if (f == "ticket_form_id") return IdField(c, "ticket_form_id");
    if (f == "current_tags") return Tags(c);
    if (f == "via_id") {
      if (c.op != "is" && c.op != "is_not") return BadOp(c);
      auto n = Int(c.value);
      if (!n) return BadValue(c);
      std::vector<std::string> names;
      for (auto channel : domain::ViaChannelsOfId(*n)) names.emplace_back(channel);
      if (names.empty()) names.emplace_back("#" + std::to_string(*n));
      std::string in = "tickets.via_channel IN (" + Placeholders(names.size()) + ")";
      for (auto& nm : names) params.emplace_back(std::move(nm));
      return c.op == "is" ? in : "NOT " + in;
    }
    if (f == "recipient" || f == "satisfaction_score") {
      auto t = Text(c.value);
      if (!t) return BadValue(c);
      if (c.op != "is" && c.op != "is_not") return BadOp(c);
      return Col(f) + (c.op == "is" ? " = " : " <> ") + Bind(*t);
    }
    if (f == "ticket_is_public") {
      auto t = Text(c.value);
      if (!t) return BadValue(c);
      bool want;
      if (*t == "public" || *t == "true")
        want = true;
      else if (*t == "private" || *t == "false")
        want = false;
      else
        return BadValue(c);
      if (c.op == "is_not")
        want = !want;
      else if (c.op != "is")
        return BadOp(c);
      return "tickets.is_public = " + Bind(std::int64_t{want ? 1 : 0});
    }
    if (f == "reopens" || f == "replies") {
      auto n = Int(c.value);
      if (!n) return BadValue(c);
      return Ordered(c, f.c_str(), *n);
    }
    if (f == "description_includes_word") {
      auto t = Text(c.value);
      if (!t) return BadValue(c);
      std::vector<std::string> words;
      std::string w;
      for (char ch : *t + " ") {
        if (ch == ' ') {
          if (!w.empty()) words.push_back(w);
          w.clear();
        } else {
          w += static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
        }
      }
      if (words.empty()) return BadValue(c);
      bool neg = false;
      if (c.op == "not_includes")
        neg = true;
      else if (c.op != "includes")
        return BadOp(c);
      std::string any;
      for (const auto& word : words) {
        if (!any.empty()) any += " OR ";
        any += "LOWER(tickets.description) LIKE " + Bind(LikeContains(word)) + " ESCAPE '\\'";
      }
      return std::string(neg ? "NOT (" : "(") + any + ")";
    }
    if (f == "NEW") return Hours(c, "created_at", std::nullopt);
    if (f == "SOLVED") {
      // Solved or closed, since solved_at.
      auto h = Hours(c, "solved_at", std::nullopt);
      if (!h.ok()) return h;
      return *h + " AND " + Col("status") +
             " >= " + Bind(static_cast<std::int64_t>(domain::TicketStatus::kSolved));
    }
    static const std::array<std::pair<const char*, domain::TicketStatus>, 4> kStatusTimes = {{
        {"OPEN", domain::TicketStatus::kOpen},
        {"PENDING", domain::TicketStatus::kPending},
        {"HOLD", domain::TicketStatus::kHold},
        {"CLOSED", domain::TicketStatus::kClosed},
    }};
    for (const auto& [name, status] : kStatusTimes) {
      if (f == name) return Hours(c, "status_updated_at", status);
    }
    if (f == "assigned_at") {
      auto h = Hours(c, "assigned_at", std::nullopt);
      if (!h.ok()) return h;
      return *h + " AND " + Col("assignee_id") + " IS NOT NULL";
    }
    if (f == "updated_at") return Hours(c, "updated_at", std::nullopt);
    if (f == "requester_updated_at") return Hours(c, "requester_updated_at", std::nullopt);
    if (f == "assignee_updated_at") return Hours(c, "assignee_updated_at", std::nullopt);
    if (f == "due_date") {
      auto h = Hours(c, "due_at", std::nullopt);
      if (!h.ok()) return h;
      return *h + " AND tickets.due_at <= " + Bind(q.now);
    }
    if (f == "until_due_date") return UntilDue(c);
    // SLA: hours since the last breach, hours until the next (reference §3.2).
    if (f == "sla_next_breach_at") {
      auto h = Hours(c, "sla_last_breach_at", std::nullopt);
      if (!h.ok()) return h;
      return *h + " AND tickets.sla_last_breach_at <= " + Bind(q.now);
    }
    if (f == "until_sla_next_breach_at") return UntilDue(c, "sla_next_breach_at");
    constexpr std::string_view kCustom = "custom_fields_";
    if (f.rfind(kCustom, 0) == 0) {
      std::int64_t id = 0;
      std::string_view rest = std::string_view(f).substr(kCustom.size());
      auto [p, ec] = std::from_chars(rest.data(), rest.data() + rest.size(), id);
      if (ec != std::errc() || p != rest.data() + rest.size() || id <= 0) {
        return Bad(c, "is not a known field");
      }
      return CustomField(c, id);
    }
    return Bad(c, "is not a condition views and automations can test");
  }
};

std::string SortColumn(std::string_view id);

}  // namespace

Status CompileConditions(const storage::TicketQuery& q, Dialect dialect, std::string& where,
                         Params& params) {
  Compiler comp{q, dialect, params, "", ""};
  comp.sort_column = SortColumn(q.sort_by.empty() ? std::string("created") : q.sort_by);
  for (std::size_t i = 0; i < q.conditions.all.size(); ++i) {
    comp.place = "conditions.all[" + std::to_string(i) + "]";
    auto s = comp.One(q.conditions.all[i]);
    if (!s.ok()) return s.status();
    where += " AND (" + *s + ")";
  }
  if (!q.conditions.any.empty()) {
    std::string any;
    for (std::size_t i = 0; i < q.conditions.any.size(); ++i) {
      comp.place = "conditions.any[" + std::to_string(i) + "]";
      auto s = comp.One(q.conditions.any[i]);
      if (!s.ok()) return s.status();
      any += (any.empty() ? "(" : " OR (") + *s + ")";
    }
    where += " AND (" + any + ")";
  }
  return Status::Ok();
}

namespace {

std::optional<std::string> SortExpr(std::string_view id) {
  struct Col {
    const char* id;
    const char* expr;
  };
  static const std::array<Col, 21> kCols = {{
      {"created", "tickets.created_at"},
      {"created_at", "tickets.created_at"},
      {"updated", "tickets.updated_at"},
      {"updated_at", "tickets.updated_at"},
      {"status", "tickets.status"},
      {"priority", "tickets.priority"},
      {"type", "tickets.type"},
      {"nice_id", "tickets.id"},
      {"id", "tickets.id"},
      {"due_date", "tickets.due_at"},
      {"solved", "tickets.solved_at"},
      {"assigned", "tickets.assigned_at"},
      {"updated_requester", "tickets.requester_updated_at"},
      {"updated_assignee", "tickets.assignee_updated_at"},
      {"satisfaction_score", "tickets.satisfaction_score"},
      {"requester", "(SELECT u.name FROM users u WHERE u.id = tickets.requester_id)"},
      {"assignee", "(SELECT u.name FROM users u WHERE u.id = tickets.assignee_id)"},
      {"group", "(SELECT g.name FROM groups g WHERE g.id = tickets.group_id)"},
      {"organization", "(SELECT o.name FROM organizations o WHERE o.id = tickets.organization_id)"},
      {"ticket_form", "tickets.ticket_form_id"},
      // Tickets without a running SLA target (0) come after every breach instant.
      {"sla_next_breach_at",
       "(CASE WHEN tickets.sla_next_breach_at = 0 THEN 9223372036854775807 ELSE "
       "tickets.sla_next_breach_at END)"},
  }};
  for (const auto& c : kCols) {
    if (id == c.id) return std::string(c.expr);
  }
  if (id == "brand") return std::string("tickets.brand_id");
  return std::nullopt;
}

}  // namespace

namespace {
// The plain column a sort id reads ("" for computed sorts).
std::string SortColumn(std::string_view id) {
  auto expr = SortExpr(id);
  if (!expr || expr->rfind("tickets.", 0) != 0) return "";
  return expr->substr(8);
}
}  // namespace

Result<std::string> CompileOrder(const storage::TicketQuery& q) {
  std::string order;
  if (!q.group_by.empty()) {
    auto g = SortExpr(q.group_by);
    if (!g) {
      return Status(ErrorCode::kInvalidArgument, "group_by: " + q.group_by + " cannot group",
                    "InvalidValue");
    }
    order = *g + (q.group_descending ? " DESC, " : " ASC, ");
  }
  const std::string& by = q.sort_by.empty() ? std::string("created") : q.sort_by;
  auto s = SortExpr(by);
  if (!s) {
    return Status(ErrorCode::kInvalidArgument, "sort_by: " + by + " cannot sort", "InvalidValue");
  }
  const char* dir = q.sort_descending ? " DESC" : " ASC";
  // Few matches (no walk): `+ 0` keeps the planner from walking the sort column's index
  // over every ticket; it picks the most selective index for the WHERE and sorts.
  const bool plain_numeric = s->rfind("tickets.", 0) == 0 && *s != "tickets.satisfaction_score";
  order += (!q.walk_sort_index && plain_numeric) ? "(" + *s + " + 0)" + dir : *s + dir;
  if (*s != "tickets.id") order += std::string(", tickets.id") + dir;
  return order;
}

std::string ViaChannelOfId(std::int64_t via_id) {
  return std::string(domain::ViaChannelOfId(static_cast<int>(via_id)));
}

std::int64_t ViaIdOfChannel(std::string_view channel) {
  return domain::ViaIdOfChannel(channel).value_or(-1);
}

}  // namespace comptoir::sql
