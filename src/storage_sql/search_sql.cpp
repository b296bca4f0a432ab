// Full-text search: the index tables of migration 9 and the search::Parse AST compiled to
// SQL. SQLite: FTS5 tables (rowid = the record's id) ranked by bm25. PostgreSQL: tables
// of tsvector columns built with the 'simple' configuration (no stemming, no stop words:
// the text is already folded and split into words) with GIN indexes, ranked by ts_rank.
// Filters on ticket, user and organization columns are the same SQL on both.
#include <algorithm>
#include <map>
#include <set>

#include "repos_internal.hpp"
#include "sql_util.hpp"

namespace comptoir::sql {

namespace {

using domain::SearchOp;
using domain::SearchTerm;
using domain::SearchValueKind;

bool IsSqlite(const Connection& c) { return c.dialect() == Dialect::kSqlite; }

// SQLite: the `meta` column of ticket_fts, the ticket's filterable attributes as tokens:
// account xa<id>, status xs<code>, priority xp<code>, type xt<code>, group xg<id> (xgn: no
// group), xd1 when soft-deleted, and one xk<hex of the tag's UTF-8 bytes> per tag (the
// tokenizer keeps letters and digits only, so a tag is written in hex to stay one token).
// The same expression is in migration 12's trigger and rebuild (tickets t).
constexpr const char* kTicketMetaSql =
    "'xa' || t.account_id || ' xs' || t.status || ' xp' || t.priority || ' xt' || t.type || "
    "' xg' || COALESCE(t.group_id, 'n') || CASE WHEN t.deleted_at <> 0 THEN ' xd1' ELSE '' END "
    "|| COALESCE((SELECT ' ' || group_concat('xk' || lower(hex(j.value)), ' ') FROM "
    "json_each(CASE WHEN json_valid(t.tags) THEN t.tags ELSE '[]' END) j WHERE j.type = "
    "'text'), '')";

// The token of a tag (see kTicketMetaSql): "xk" and the lowercase hex of its bytes.
std::string TagToken(const std::string& tag) {
  static const char* kHex = "0123456789abcdef";
  std::string out = "xk";
  for (unsigned char ch : tag) {
    out += kHex[ch >> 4];
    out += kHex[ch & 15];
  }
  return out;
}

// Tags longer than this are matched by the SQL filter only (FTS5 tokens stay short).
constexpr std::size_t kMaxTagTokenBytes = 200;

std::vector<std::string> SplitWords(const std::string& folded) {
  std::vector<std::string> out;
  std::string cur;
  for (char ch : folded) {
    if (ch == ' ') {
      if (!cur.empty()) out.push_back(std::move(cur));
      cur.clear();
    } else if (ch != '"' && ch != '\'' && ch != '\\') {
      cur += ch;
    }
  }
  if (!cur.empty()) out.push_back(std::move(cur));
  return out;
}

bool AllDigits(const std::string& s) {
  return !s.empty() && s.size() <= 18 &&
         std::all_of(s.begin(), s.end(), [](char ch) { return ch >= '0' && ch <= '9'; });
}

std::string Lower(std::string s) {
  for (auto& ch : s) {
    if (ch >= 'A' && ch <= 'Z') ch = static_cast<char>(ch - 'A' + 'a');
  }
  return s;
}

const char* CmpOp(SearchOp op) {
  switch (op) {
    case SearchOp::kEq:
      return "=";
    case SearchOp::kLt:
      return "<";
    case SearchOp::kGt:
      return ">";
    case SearchOp::kLe:
      return "<=";
    case SearchOp::kGe:
      return ">=";
  }
  return "=";
}

// One text term as an FTS5 phrase ("a b" *) or a tsquery ('a' <-> 'b':*); "" when the
// term has no words.
std::string TextExpr(const SearchTerm& t, bool sqlite) {
  const auto words = SplitWords(t.value);
  if (words.empty()) return {};
  std::string out;
  if (sqlite) {
    out = "\"";
    for (std::size_t i = 0; i < words.size(); ++i) {
      if (i) out += ' ';
      out += words[i];
    }
    out += "\"";
    if (t.wildcard) out += " *";
  } else {
    out = "(";
    for (std::size_t i = 0; i < words.size(); ++i) {
      if (i) out += " <-> ";
      out += "'" + words[i] + "'";
      if (t.wildcard && i + 1 == words.size()) out += ":*";
    }
    out += ")";
  }
  return out;
}

// The full-text part of a search: a MATCH expression (SQLite) or tsquery text
// (PostgreSQL) per tsvector column, for the positive terms, and the negated ones.
struct TextPart {
  // SQLite: one MATCH expression (column filters inside). PostgreSQL: per column.
  std::string positive;
  std::vector<std::string> negative;
  bool any() const { return !positive.empty() || !negative.empty(); }
};

// Which text columns a term searches. SQLite: an FTS5 column filter; PostgreSQL: the
// tsvector column name.
struct TextColumns {
  std::string sqlite;  // "{subject public_text}" or "" = every column
  std::string pg;      // "all_tsv"
};

class Compiler {
 public:
  Compiler(Connection& c, AccountId account, const SearchRequest& r)
      : c_(c), account_(account), r_(r), sqlite_(IsSqlite(c)) {}

  // Adds the text term to `text` (when the term is text of one of `cols`).
  void AddText(const SearchTerm& t, const TextColumns& cols, TextPart& text) {
    std::string e = TextExpr(t, sqlite_);
    if (e.empty()) return;
    if (sqlite_) {
      if (!cols.sqlite.empty()) e = cols.sqlite + " : " + e;
    } else {
      e = cols.pg + "\x1f" + e;  // column and tsquery, split later
    }
    if (t.negated) {
      text.negative.push_back(std::move(e));
    } else if (sqlite_) {
      text.positive += text.positive.empty() ? e : " AND " + e;
      ++positive_phrases_;
    } else {
      pg_positive_.push_back(std::move(e));
      text.positive = "pg";
    }
  }

  // Ticket column filters, unqualified columns of `tickets`.
  Status TicketTerm(const SearchTerm& t, std::string& sql, Params& p) {
    const std::string& f = t.field;
    if (f == "status" || f == "priority" || f == "ticket_type") {
      static const std::map<std::string, int, std::less<>> kCodes = {
          {"new", 0},     {"open", 1},     {"pending", 2},  {"hold", 3}, {"solved", 4},
          {"closed", 5},  {"low", 1},      {"normal", 2},   {"high", 3}, {"urgent", 4},
          {"problem", 1}, {"incident", 2}, {"question", 3}, {"task", 4}};
      const char* col = f == "status" ? "status" : f == "priority" ? "priority" : "type";
      if (t.kind == SearchValueKind::kNone) {
        sql = std::string(col) + " = 0";
        return Status::Ok();
      }
      auto it = kCodes.find(t.value);
      if (it == kCodes.end()) return InvalidArgument("unknown value " + t.value);
      sql = std::string(col) + " " + CmpOp(t.op) + " ?";
      p.emplace_back(static_cast<std::int64_t>(it->second));
      if (f != "status" && t.op != SearchOp::kEq) sql += std::string(" AND ") + col + " <> 0";
      return Status::Ok();
    }
    if (f == "created" || f == "updated" || f == "solved" || f == "due_date") {
      const char* col = f == "created"   ? "created_at"
                        : f == "updated" ? "updated_at"
                        : f == "solved"  ? "solved_at"
                                         : "due_at";
      return DateTerm(t, col, /*zero_is_empty=*/f == "solved" || f == "due_date", sql, p);
    }
    if (f == "tags") {
      if (t.kind == SearchValueKind::kNone) {
        sql =
            "NOT EXISTS (SELECT 1 FROM ticket_tags g WHERE g.account_id = tickets.account_id "
            "AND g.ticket_id = tickets.id)";
        return Status::Ok();
      }
      sql =
          "EXISTS (SELECT 1 FROM ticket_tags g WHERE g.account_id = tickets.account_id AND "
          "g.ticket_id = tickets.id AND g.tag " +
          std::string(t.wildcard ? "LIKE ? ESCAPE '\\'" : "= ?") + ")";
      p.emplace_back(t.wildcard ? LikePrefix(Lower(t.value)) : Lower(t.value));
      return Status::Ok();
    }
    if (f == "requester" || f == "assignee" || f == "submitter") {
      const std::string col = f + "_id";
      if (t.kind == SearchValueKind::kMe) {
        sql = col + " = ?";
        p.emplace_back(r_.current_user.value);
        return Status::Ok();
      }
      if (t.kind == SearchValueKind::kNone) {
        sql = col + " IS NULL";
        return Status::Ok();
      }
      sql = col + " IN (" + UserIds(t, p) + ")";
      return Status::Ok();
    }
    if (f == "group" || f == "organization") {
      const std::string col = f + "_id";
      if (t.kind == SearchValueKind::kNone) {
        sql = col + " IS NULL";
        return Status::Ok();
      }
      sql = col + " IN (" + NamedIds(f == "group" ? "groups" : "organizations", t, p) + ")";
      return Status::Ok();
    }
    if (f == "via") {
      sql = "via_channel = ?";
      p.emplace_back(Lower(t.value));
      return Status::Ok();
    }
    if (f == "brand") {
      if (t.kind == SearchValueKind::kNone) {
        sql = "brand_id IS NULL";
      } else if (AllDigits(t.value)) {
        sql = "brand_id = ?";
        p.emplace_back(static_cast<std::int64_t>(std::stoll(t.value)));
      } else {
        sql = "1 = 0";  // brands are known by id only
      }
      return Status::Ok();
    }
    if (f.rfind("custom_field_", 0) == 0) {
      const std::string id = f.substr(13);
      if (t.kind == SearchValueKind::kNone) {
        sql = "(custom_fields NOT LIKE ? OR custom_fields LIKE ?)";
        p.emplace_back("%\"id\":" + id + ",%");
        p.emplace_back("%\"id\":" + id + ",\"value\":null%");
        return Status::Ok();
      }
      // The stored JSON is [{"id":N,"value":…}, …] as written by the service.
      std::string v = t.value;
      for (char ch : v) {
        if (ch == '"' || ch == '\\' || ch == '%' || ch == '_') return InvalidArgument("bad value");
      }
      sql = "(custom_fields LIKE ? OR custom_fields LIKE ?)";
      p.emplace_back("%\"id\":" + id + ",\"value\":\"" + v + (t.wildcard ? "%" : "\"%"));
      p.emplace_back("%\"id\":" + id + ",\"value\":" + v + (t.wildcard ? "%" : "}%"));
      return Status::Ok();
    }
    if (f == "commenter" || f == "cc") return PeopleTerm(t, sql, p);
    if (f == "form") return FormTerm(t, sql, p);
    if (f == "has_attachment") return AttachmentTerm(t, sql);
    if (f == "sla_next_breach") return SlaBreachTerm(t, sql, p);
    return InvalidArgument("tickets cannot be searched by " + f);
  }

  // `commenter:` (an author of a comment) and `cc:` (a CC'd user: ticket_collaborators
  // kinds 0 and 2, collaborators and email CCs) as a subquery on the ticket's id.
  Status PeopleTerm(const SearchTerm& t, std::string& sql, Params& p) {
    const bool cc = t.field == "cc";
    const std::string rows =
        cc ? "SELECT ticket_id FROM ticket_collaborators WHERE account_id = ? AND kind IN (0, 2)"
           : "SELECT ticket_id FROM ticket_comments WHERE account_id = ?";
    const char* user = cc ? "user_id" : "author_id";
    p.emplace_back(account_.value);
    if (t.kind == SearchValueKind::kNone) {
      sql = "tickets.id NOT IN (" + rows + ")";
      return Status::Ok();
    }
    if (t.kind == SearchValueKind::kMe) {
      sql = "tickets.id IN (" + rows + " AND " + user + " = ?)";
      p.emplace_back(r_.current_user.value);
      return Status::Ok();
    }
    sql = "tickets.id IN (" + rows + " AND " + user + " IN (" + UserIds(t, p) + "))";
    return Status::Ok();
  }

  // `form:` a ticket form's id or name.
  Status FormTerm(const SearchTerm& t, std::string& sql, Params& p) {
    if (t.kind == SearchValueKind::kNone) {
      sql = "ticket_form_id IS NULL";
      return Status::Ok();
    }
    sql = "ticket_form_id IN (" + NamedIds("ticket_forms", t, p) + ")";
    return Status::Ok();
  }

  // `has_attachment:true|false`: a file attached to one of the ticket's comments.
  static Status AttachmentTerm(const SearchTerm& t, std::string& sql) {
    const bool want = t.kind != SearchValueKind::kNone && t.value == "true";
    sql = std::string(want ? "" : "NOT ") +
          "EXISTS (SELECT 1 FROM attachments a WHERE a.account_id = tickets.account_id AND "
          "a.ticket_id = tickets.id AND a.comment_id IS NOT NULL)";
    return Status::Ok();
  }

  // `sla_next_breach` (Comptoir's extension, docs/sla.md): the ticket's next SLA breach
  // (tickets.sla_next_breach_at, 0 = no running target). A relative value counts forward:
  // `sla_next_breach<2hours` is "breaches within two hours" (or has breached),
  // `sla_next_breach<now` "has breached". `none`: no running target.
  Status SlaBreachTerm(const SearchTerm& t, std::string& sql, Params& p) {
    if (t.kind == SearchValueKind::kNone) {
      sql = "sla_next_breach_at = 0";
      return Status::Ok();
    }
    SearchTerm forward = t;
    if (t.kind == SearchValueKind::kRelative) {
      // DateTerm reads a relative value as now - seconds; forward is now + seconds.
      forward.seconds = -t.seconds;
    }
    return DateTerm(forward, "sla_next_breach_at", /*zero_is_empty=*/true, sql, p);
  }

  Status UserTerm(const SearchTerm& t, std::string& sql, Params& p) {
    const std::string& f = t.field;
    if (f == "created" || f == "updated") {
      return DateTerm(t, f == "created" ? "created_at" : "updated_at", false, sql, p);
    }
    if (f == "email" || f == "phone" || f == "external_id") {
      if (t.kind == SearchValueKind::kNone) {
        sql = "(" + f + " IS NULL OR " + f + " = '')";
        return Status::Ok();
      }
      sql = "lower(" + f + ") " + (t.wildcard ? "LIKE ? ESCAPE '\\'" : "= ?");
      p.emplace_back(t.wildcard ? LikePrefix(Lower(t.value)) : Lower(t.value));
      return Status::Ok();
    }
    if (f == "role") {
      const std::string v = Lower(t.value);
      const int role = v == "admin" ? 2 : v == "agent" ? 1 : 0;
      if (v != "admin" && v != "agent" && v != "end-user" && v != "end_user" && v != "enduser") {
        return InvalidArgument("role takes end-user, agent or admin");
      }
      sql = "role = ?";
      p.emplace_back(static_cast<std::int64_t>(role));
      return Status::Ok();
    }
    if (f == "is_verified" || f == "is_suspended") {
      sql = std::string(f == "is_verified" ? "verified" : "suspended") + " = ?";
      p.emplace_back(static_cast<std::int64_t>(Lower(t.value) == "true" ? 1 : 0));
      return Status::Ok();
    }
    if (f == "organization") {
      if (t.kind == SearchValueKind::kNone) {
        sql = "organization_id IS NULL";
        return Status::Ok();
      }
      sql = "organization_id IN (" + NamedIds("organizations", t, p) + ")";
      return Status::Ok();
    }
    if (f == "tags") return JsonTag(t, sql, p);
    return InvalidArgument("users cannot be searched by " + f);
  }

  Status OrganizationTerm(const SearchTerm& t, std::string& sql, Params& p) {
    const std::string& f = t.field;
    if (f == "created" || f == "updated") {
      return DateTerm(t, f == "created" ? "created_at" : "updated_at", false, sql, p);
    }
    if (f == "external_id") {
      if (t.kind == SearchValueKind::kNone) {
        sql = "external_id IS NULL";
        return Status::Ok();
      }
      sql = "lower(external_id) " + std::string(t.wildcard ? "LIKE ? ESCAPE '\\'" : "= ?");
      p.emplace_back(t.wildcard ? LikePrefix(Lower(t.value)) : Lower(t.value));
      return Status::Ok();
    }
    if (f == "tags") return JsonTag(t, sql, p);
    return InvalidArgument("organizations cannot be searched by " + f);
  }

  const std::vector<std::string>& pg_positive() const { return pg_positive_; }
  // SQLite: the phrases of the positive text (one per term), first in the MATCH.
  int positive_phrases() const { return positive_phrases_; }

  // SQLite: the `meta` tokens (see kTicketMetaSql) a positive ticket filter term allows,
  // ORed: {"xs0", "xs1"} for status<pending. Empty when the term has no token form (the
  // SQL filter alone applies then). Each token list gives exactly the tickets the SQL
  // filter gives: when every filter of a query has tokens and the caller's access is the
  // account alone, the MATCH is the whole answer (ExactMatch); otherwise the SQL filters
  // are kept and the tokens only narrow the full-text match.
  Result<std::vector<std::string>> MetaTokens(const SearchTerm& t) {
    std::vector<std::string> out;
    const std::string& f = t.field;
    if (f == "status" || f == "priority" || f == "ticket_type") {
      static const std::map<std::string, int, std::less<>> kCodes = {
          {"new", 0},     {"open", 1},     {"pending", 2},  {"hold", 3}, {"solved", 4},
          {"closed", 5},  {"low", 1},      {"normal", 2},   {"high", 3}, {"urgent", 4},
          {"problem", 1}, {"incident", 2}, {"question", 3}, {"task", 4}};
      const std::string prefix = f == "status" ? "xs" : f == "priority" ? "xp" : "xt";
      if (t.kind == SearchValueKind::kNone) {
        out.push_back(prefix + "0");
        return out;
      }
      auto it = kCodes.find(t.value);
      if (it == kCodes.end()) return out;
      const int v = it->second;
      const int max = f == "status" ? 5 : 4;
      for (int code = f == "status" ? 0 : 1; code <= max; ++code) {
        const bool ok = t.op == SearchOp::kEq   ? code == v
                        : t.op == SearchOp::kLt ? code < v
                        : t.op == SearchOp::kLe ? code <= v
                        : t.op == SearchOp::kGt ? code > v
                                                : code >= v;
        if (ok) out.push_back(prefix + std::to_string(code));
      }
      if (out.empty()) out.push_back(prefix + "none");  // matches nothing, as the SQL
      return out;
    }
    if (f == "group") {
      if (t.kind == SearchValueKind::kNone) {
        out.emplace_back("xgn");
        return out;
      }
      Params p;
      const std::string sql = NamedIds("groups", t, p);
      auto rows = c_.Query(sql, p);
      if (!rows.ok()) return std::move(rows).TakeStatus();
      for (const auto& row : *rows) out.push_back("xg" + std::to_string(row.Int(0)));
      if (out.empty()) out.emplace_back("xgnone");
      return out;
    }
    if (f == "tags" && t.op == SearchOp::kEq && t.kind != SearchValueKind::kNone && !t.wildcard &&
        !t.value.empty() && t.value.size() <= kMaxTagTokenBytes) {
      out.push_back(TagToken(Lower(t.value)));
      return out;
    }
    return out;
  }

 private:
  Status DateTerm(const SearchTerm& t, const char* col, bool zero_is_empty, std::string& sql,
                  Params& p) {
    const std::string c(col);
    if (t.kind == SearchValueKind::kNone) {
      sql = c + " = 0";
      return Status::Ok();
    }
    std::int64_t at = t.kind == SearchValueKind::kRelative ? r_.now - t.seconds : t.seconds;
    const bool whole_day = t.kind == SearchValueKind::kDate && t.value.size() == 10;
    const std::string guard = zero_is_empty ? c + " <> 0 AND " : "";
    if (t.op == SearchOp::kEq) {
      // A day (or the relative instant's minute) as a range.
      const std::int64_t span = whole_day ? 86400 : 60;
      sql = "(" + guard + c + " >= ? AND " + c + " < ?)";
      p.emplace_back(at);
      p.emplace_back(at + span);
      return Status::Ok();
    }
    // "created>2026-01-01" is after that whole day; "created<2026-01-01" before it.
    if (whole_day && (t.op == SearchOp::kGt || t.op == SearchOp::kLe)) at += 86400;
    const char* op = t.op == SearchOp::kGt ? ">=" : t.op == SearchOp::kLe ? "<" : CmpOp(t.op);
    if (!whole_day) op = CmpOp(t.op);
    sql = "(" + guard + c + " " + op + " ?)";
    p.emplace_back(at);
    return Status::Ok();
  }

  Status JsonTag(const SearchTerm& t, std::string& sql, Params& p) {
    if (t.kind == SearchValueKind::kNone) {
      sql = "tags = '[]'";
      return Status::Ok();
    }
    const std::string v = Lower(t.value);
    for (char ch : v) {
      if (ch == '"' || ch == '\\') return InvalidArgument("bad tag");
    }
    sql = "tags LIKE ? ESCAPE '\\'";
    std::string pattern = "%\"";
    for (char ch : v) {
      if (ch == '%' || ch == '_' || ch == '\\') pattern += '\\';
      pattern += ch;
    }
    pattern += t.wildcard ? "%" : "\"%";
    p.emplace_back(pattern);
    return Status::Ok();
  }

  // The ids of the users a value names: an id, an email, or a name (case-insensitive).
  std::string UserIds(const SearchTerm& t, Params& p) {
    std::string sql = "SELECT id FROM users WHERE account_id = ? AND (";
    p.emplace_back(account_.value);
    if (AllDigits(t.value)) {
      sql += "id = ? OR ";
      p.emplace_back(static_cast<std::int64_t>(std::stoll(t.value)));
    }
    if (t.wildcard) {
      sql += "lower(email) LIKE ? ESCAPE '\\' OR lower(name) LIKE ? ESCAPE '\\')";
      p.emplace_back(LikePrefix(Lower(t.value)));
      p.emplace_back(LikePrefix(Lower(t.value)));
    } else {
      sql += "lower(email) = ? OR lower(name) = ?)";
      p.emplace_back(Lower(t.value));
      p.emplace_back(Lower(t.value));
    }
    return sql;
  }

  // The ids of the groups / organizations a value names: an id or a name.
  std::string NamedIds(const char* table, const SearchTerm& t, Params& p) {
    std::string sql = std::string("SELECT id FROM ") + table + " WHERE account_id = ? AND (";
    p.emplace_back(account_.value);
    if (AllDigits(t.value)) {
      sql += "id = ? OR ";
      p.emplace_back(static_cast<std::int64_t>(std::stoll(t.value)));
    }
    sql += std::string("lower(name) ") + (t.wildcard ? "LIKE ? ESCAPE '\\')" : "= ?)");
    p.emplace_back(t.wildcard ? LikePrefix(Lower(t.value)) : Lower(t.value));
    return sql;
  }

  Connection& c_;
  AccountId account_;
  const SearchRequest& r_;
  bool sqlite_;
  std::vector<std::string> pg_positive_;
  int positive_phrases_ = 0;
};

enum class Kind { kTicket, kUser, kOrganization };

struct Tables {
  const char* base;   // tickets / users / organizations
  const char* fts;    // SQLite FTS5 table
  const char* pg;     // PostgreSQL index table
  const char* pg_id;  // its id column
};

Tables TablesOf(Kind k) {
  switch (k) {
    case Kind::kTicket:
      return {"tickets", "ticket_fts", "ticket_search", "ticket_id"};
    case Kind::kUser:
      return {"users", "user_fts", "user_search", "user_id"};
    case Kind::kOrganization:
      return {"organizations", "organization_fts", "organization_search", "organization_id"};
  }
  return {"tickets", "ticket_fts", "ticket_search", "ticket_id"};
}

// Which text columns a text term of `field` reads, per kind and audience.
std::optional<TextColumns> ColumnsFor(Kind k, const std::string& field, bool public_only) {
  if (k == Kind::kTicket) {
    if (field.empty()) {
      return public_only ? TextColumns{"{subject public_text}", "public_tsv"}
                         : TextColumns{"{subject public_text private_text}", "all_tsv"};
    }
    if (field == "subject") return TextColumns{"subject", "subject_tsv"};
    if (field == "description" || field == "comment") {
      return public_only ? TextColumns{"public_text", "public_tsv"}
                         : TextColumns{"{public_text private_text}", "all_tsv"};
    }
    return std::nullopt;
  }
  if (field.empty()) return TextColumns{"", "all_tsv"};
  if (field == "name") return TextColumns{"name", "name_tsv"};
  if (field == "notes" || field == "details") return TextColumns{"body", "all_tsv"};
  return std::nullopt;
}

std::string OrList(const std::vector<std::string>& tokens) {
  std::string out;
  for (std::size_t i = 0; i < tokens.size(); ++i) out += (i ? " OR " : "") + tokens[i];
  return out;
}

// For a status/priority/type token list: the tokens of the same attribute it leaves out,
// when they are fewer (true). Status codes 0..5, priority and type 0..4.
bool MetaComplement(const std::vector<std::string>& group, std::vector<std::string>& excluded) {
  if (group.empty()) return false;
  const std::string prefix = group.front().substr(0, 2);
  if (prefix != "xs" && prefix != "xp" && prefix != "xt") return false;
  const int max = prefix == "xs" ? 5 : 4;
  std::set<std::string> in(group.begin(), group.end());
  for (int code = 0; code <= max; ++code) {
    const std::string tok = prefix + std::to_string(code);
    if (!in.contains(tok)) excluded.push_back(tok);
  }
  return !excluded.empty() && excluded.size() < group.size() &&
         in.size() + excluded.size() == static_cast<std::size_t>(max + 1);
}

// SQLite: whether a ticket search's SQL filters read only the columns of the narrow
// index tickets_search_filters (migration 9), so that each full-text match is checked
// there instead of in the wide ticket row.
bool FiltersCovered(const SearchRequest& r) {
  static const std::set<std::string, std::less<>> kCovered = {
      "status",       "priority",  "ticket_type", "group",
      "organization", "requester", "assignee",    "tags"};
  if (!r.filter.external_id.empty() || r.filter.updated_since) return false;
  for (const auto& t : r.query.terms) {
    if (t.kind != SearchValueKind::kText && !kCovered.contains(t.field)) return false;
  }
  return true;
}

// A page of (id, created_at) rows read with LIMIT limit + 1: the extra row says there is
// more.
Result<SearchPage> TakePage(Result<std::vector<Row>> rows, int limit, SearchPage& out) {
  if (!rows.ok()) return std::move(rows).TakeStatus();
  out.has_more = static_cast<int>(rows->size()) > limit;
  if (out.has_more) rows->pop_back();
  for (const auto& row : *rows) {
    out.ids.push_back(row.Int(0));
    out.created_at.push_back(row.Int(1));
  }
  return std::move(out);
}

// Whether the caller's access rule is the account and the deletion state alone (admins,
// agents who see every ticket): what the `meta` tokens xa and xd1 say exactly.
bool PlainAccess(const TicketFilter& f) {
  return f.requester_id.value == 0 && f.assignee_id.value == 0 && f.organization_id.value == 0 &&
         f.group_id.value == 0 && f.cc_user_id.value == 0 && f.external_id.empty() &&
         f.problem_id.value == 0 && f.statuses.empty() && f.updated_since == 0 && !f.restricted;
}

// SQLite tickets: the MATCH expression that is the whole answer of a query whose every
// filter is a token list (`groups`, ANDed; each list ORed): the text, the filters, the
// account (left out when a group token names it: group ids are the account's own, or when
// the database holds this one account: every row carries it) and the deletion state.
// Exclusions are one NOT of an OR list after the positive part.
std::string ExactMatch(const std::string& positive_text, const std::vector<std::string>& negative,
                       const std::vector<std::vector<std::string>>& groups, AccountId account,
                       bool only_account, bool deleted) {
  std::string pos = "(" + positive_text + ")";
  std::vector<std::string> nots;
  bool account_named = false;
  for (const auto& group : groups) {
    std::vector<std::string> excluded;
    if (MetaComplement(group, excluded)) {
      for (auto& e : excluded) nots.push_back("meta : " + e);
    } else {
      pos += " AND meta : (" + OrList(group) + ")";
    }
    account_named =
        account_named || std::all_of(group.begin(), group.end(), [](const auto& g) {
          return g.size() > 2 && g.compare(0, 2, "xg") == 0 && g[2] >= '0' && g[2] <= '9';
        });
  }
  if (!account_named && !only_account) pos += " AND meta : xa" + std::to_string(account.value);
  if (deleted) {
    pos += " AND meta : xd1";
  } else {
    nots.emplace_back("meta : xd1");
  }
  for (const auto& n : negative) nots.push_back("(" + n + ")");
  if (nots.empty()) return pos;
  return "(" + pos + ") NOT (" + OrList(nots) + ")";
}

// A bare number (`1234`) in a ticket search is the ticket with that id as well as the
// word (Zendesk: "bare number = ticket id").
bool IsBareNumber(const SearchTerm& t) {
  return t.field.empty() && t.kind == SearchValueKind::kText && !t.phrase && !t.wildcard &&
         !t.negated && AllDigits(t.value);
}

// The filter for a bare number: that id, or the word in the ticket's text.
std::string BareNumberSql(bool sqlite, AccountId account, const SearchTerm& t,
                          const TextColumns& cols, Params& p) {
  p.emplace_back(static_cast<std::int64_t>(std::stoll(t.value)));
  std::string e = TextExpr(t, sqlite);
  if (sqlite) {
    if (!cols.sqlite.empty()) e = cols.sqlite + " : " + e;
    p.emplace_back(e);
    return "(tickets.id = ? OR tickets.id IN (SELECT rowid FROM ticket_fts WHERE ticket_fts "
           "MATCH ?))";
  }
  p.emplace_back(account.value);
  p.emplace_back(e);
  return "(tickets.id = ? OR tickets.id IN (SELECT ticket_id FROM ticket_search WHERE "
         "account_id = ? AND " +
         cols.pg + " @@ to_tsquery('simple', ?)))";
}

// Compiles and runs a search of one kind.
Result<SearchPage> Run(Connection& c, Kind kind, AccountId account, const SearchRequest& r,
                       const PageRequest& page) {
  const bool sqlite = IsSqlite(c);
  const Tables tb = TablesOf(kind);
  Compiler comp(c, account, r);
  TextPart text;
  Params where_params;
  std::string where;
  if (kind == Kind::kTicket) {
    where = TicketAccessWhere(account, r.filter, where_params);
  } else {
    where = "account_id = ?";
    where_params.emplace_back(account.value);
  }
  // Positive keyword terms on the same field are ORed; the rest ANDed.
  std::map<std::string, std::vector<std::pair<std::string, Params>>> ored;
  // SQLite tickets: the filter tokens of `meta`, per field for the ORed terms (an empty
  // list = a term without tokens: that field's tokens are dropped), and ANDed groups.
  std::map<std::string, std::vector<std::string>> meta_ored;
  std::set<std::string> meta_untokenized;
  std::vector<std::vector<std::string>> meta_anded;
  const bool use_meta = sqlite && kind == Kind::kTicket;
  // Every filter term has tokens (see ExactMatch).
  bool all_tokens = use_meta;
  std::vector<std::string> order_of_fields;
  for (const auto& t : r.query.terms) {
    const bool is_text = t.kind == SearchValueKind::kText;
    if (is_text) {
      auto cols = ColumnsFor(kind, t.field, r.public_only);
      if (!cols) return InvalidArgument("cannot search this type by " + t.field);
      if (kind == Kind::kTicket && IsBareNumber(t)) {
        where += " AND " + BareNumberSql(sqlite, account, t, *cols, where_params);
        all_tokens = false;  // the id is a SQL filter, not a token
        continue;
      }
      comp.AddText(t, *cols, text);
      continue;
    }
    std::string sql;
    Params p;
    Status st = kind == Kind::kTicket ? comp.TicketTerm(t, sql, p)
                : kind == Kind::kUser ? comp.UserTerm(t, sql, p)
                                      : comp.OrganizationTerm(t, sql, p);
    COMPTOIR_RETURN_IF_ERROR(st);
    if (t.negated) all_tokens = false;
    if (use_meta && !t.negated) {
      auto tokens = comp.MetaTokens(t);
      if (!tokens.ok()) return std::move(tokens).TakeStatus();
      if (tokens->empty()) all_tokens = false;
      if (t.op == SearchOp::kEq) {
        if (tokens->empty()) meta_untokenized.insert(t.field);
        auto& cur = meta_ored[t.field];
        for (auto& tok : *tokens) cur.push_back(std::move(tok));
      } else if (!tokens->empty()) {
        meta_anded.push_back(std::move(*tokens));
      }
    }
    if (t.negated) {
      // NULL columns (no assignee) count as "not equal".
      where += " AND NOT COALESCE((" + sql + "), 0 = 1)";
      for (auto& v : p) where_params.push_back(std::move(v));
    } else if (t.op == SearchOp::kEq) {
      if (!ored.contains(t.field)) order_of_fields.push_back(t.field);
      ored[t.field].emplace_back(std::move(sql), std::move(p));
    } else {
      where += " AND " + sql;
      for (auto& v : p) where_params.push_back(std::move(v));
    }
  }
  for (const auto& f : order_of_fields) {
    where += " AND (";
    bool first = true;
    for (auto& [sql, p] : ored[f]) {
      where += first ? sql : " OR " + sql;
      first = false;
      for (auto& v : p) where_params.push_back(v);
    }
    where += ")";
  }

  // SQLite tickets, every filter a token and the access the account alone: the MATCH is
  // the answer, counted and ranked in ticket_fts without reading a ticket row (but the
  // page's created_at).
  if (all_tokens && !text.positive.empty() && PlainAccess(r.filter) && !r.export_order &&
      (r.sort_by.empty() || (page.count && page.limit == 0))) {
    std::vector<std::vector<std::string>> groups = meta_anded;
    for (const auto& [field, tokens] : meta_ored) groups.push_back(tokens);
    // The caller's account alone in the database (read in this transaction's snapshot;
    // a ticket belongs to an existing account): the account token, whose posting list is
    // every ticket, says nothing.
    auto accounts = c.Query("SELECT COUNT(*), MIN(id) FROM accounts", {});
    if (!accounts.ok()) return std::move(accounts).TakeStatus();
    const bool only_account = (*accounts)[0].Int(0) == 1 && (*accounts)[0].Int(1) == account.value;
    const std::string exact =
        ExactMatch(text.positive, text.negative, groups, account, only_account, r.filter.deleted);
    SearchPage out;
    if (page.count) {
      auto n = c.Query("SELECT COUNT(*) FROM ticket_fts WHERE ticket_fts MATCH ?", {exact});
      if (!n.ok()) return std::move(n).TakeStatus();
      out.total = (*n)[0].Int(0);
      if (page.limit == 0) return out;
    }
    const int limit = page.limit <= 0 ? 100 : page.limit;
    // text_rank (storage_sqlite): bm25 of the text phrases, which come first in the MATCH,
    // without reading the posting lists of the filter tokens.
    auto rows = c.Query(
        "SELECT m.id, COALESCE((SELECT t.created_at FROM tickets t WHERE t.id = m.id), 0) FROM "
        "(SELECT rowid AS id, text_rank(ticket_fts, ?, 1.0, 1.0, 1.0, 0.0) AS s FROM ticket_fts "
        "WHERE ticket_fts MATCH ? ORDER BY s, rowid DESC LIMIT ? OFFSET ?) m ORDER BY m.s, m.id "
        "DESC",
        {static_cast<std::int64_t>(comp.positive_phrases()), exact,
         static_cast<std::int64_t>(limit + 1), static_cast<std::int64_t>(page.offset)});
    return TakePage(std::move(rows), limit, out);
  }

  // Text: SQLite one MATCH; PostgreSQL one tsquery per column.
  std::string match;      // SQLite MATCH expression (positive part, with NOTs)
  std::string neg_match;  // SQLite: only negative terms
  std::map<std::string, std::string> pg_queries;  // column → tsquery (positive & negative)
  std::string pg_rank_col;
  if (sqlite) {
    if (!text.positive.empty()) {
      match = text.positive;
      if (use_meta) {
        // The filters as tokens: FTS5 intersects the posting lists, so the exact SQL
        // filters (kept below) read a row only for the intersection. The account token
        // is left out: every ticket of a one-account database carries it.
        for (const auto& [field, tokens] : meta_ored) {
          if (!tokens.empty() && !meta_untokenized.contains(field)) meta_anded.push_back(tokens);
        }
        match = "(" + match + ")";
        for (auto& group : meta_anded) {
          // A long list of allowed tokens is said as a short list of excluded ones:
          // status<solved = NOT (xs4 OR xs5). FTS5 walks fewer posting lists.
          std::vector<std::string> excluded;
          if (!MetaComplement(group, excluded)) {
            match += " AND meta : (" + OrList(group) + ")";
          } else {
            match += " NOT meta : (" + OrList(excluded) + ")";
          }
        }
      }
      for (const auto& n : text.negative) match += " NOT " + n;
    } else {
      for (const auto& n : text.negative) neg_match += neg_match.empty() ? n : " OR " + n;
    }
  } else {
    auto add = [&](const std::string& e, bool negated) {
      const auto cut = e.find('\x1f');
      const std::string col = e.substr(0, cut);
      std::string q = e.substr(cut + 1);
      if (negated) q = "!" + q;
      auto& cur = pg_queries[col];
      cur += cur.empty() ? q : " & " + q;
    };
    for (const auto& e : comp.pg_positive()) {
      add(e, false);
      if (pg_rank_col.empty()) pg_rank_col = e.substr(0, e.find('\x1f'));
    }
    for (const auto& e : text.negative) add(e, true);
  }
  const bool has_positive_text = sqlite ? !match.empty() : !pg_rank_col.empty();

  // Text conditions on the base table's id.
  std::string text_where;
  Params text_params;
  if (sqlite) {
    if (!match.empty()) {
      text_where += std::string(" AND ") + tb.base + ".id IN (SELECT rowid FROM " + tb.fts +
                    " WHERE " + tb.fts + " MATCH ?)";
      text_params.emplace_back(match);
    }
    if (!neg_match.empty()) {
      text_where += std::string(" AND ") + tb.base + ".id NOT IN (SELECT rowid FROM " + tb.fts +
                    " WHERE " + tb.fts + " MATCH ?)";
      text_params.emplace_back(neg_match);
    }
  } else {
    for (const auto& [col, q] : pg_queries) {
      // A query made only of negations would match rows with no text: say it as NOT IN.
      text_where += std::string(" AND ") + tb.base + ".id IN (SELECT " + tb.pg_id + " FROM " +
                    tb.pg + " WHERE account_id = ? AND " + col + " @@ to_tsquery('simple', ?))";
      text_params.emplace_back(account.value);
      text_params.emplace_back(q);
    }
  }

  SearchPage out;
  const std::string narrow = sqlite && kind == Kind::kTicket && FiltersCovered(r)
                                 ? " INDEXED BY tickets_search_filters"
                                 : "";
  const std::string from = std::string(" FROM ") + tb.base + " WHERE " + where;
  // SQLite, relevance order with a count: one query scores every filtered match (bm25 is
  // computed for every match by ORDER BY anyway) and counts them with a window.
  // Only when filter tokens narrow the matches: a word alone is ranked faster by ORDER
  // BY with a LIMIT and counted apart.
  const bool one_pass = sqlite && page.count && page.limit != 0 && has_positive_text &&
                        neg_match.empty() && !r.export_order && r.sort_by.empty() &&
                        !meta_anded.empty();
  if (page.count && !one_pass) {
    Params p = where_params;
    for (const auto& v : text_params) p.push_back(v);
    std::string sql;
    if (sqlite && has_positive_text && neg_match.empty()) {
      // Count the text matches that pass the filters (one lookup per match).
      sql = std::string("SELECT COUNT(*) FROM ") + tb.fts + " WHERE " + tb.fts +
            " MATCH ? AND EXISTS (SELECT 1 FROM " + tb.base + narrow + " WHERE " + tb.base +
            ".id = " + tb.fts + ".rowid AND " + where + ")";
      p.clear();
      p.emplace_back(match);
      for (const auto& v : where_params) p.push_back(v);
    } else {
      sql = "SELECT COUNT(*)" + from + text_where;
    }
    auto n = c.Query(sql, p);
    if (!n.ok()) return std::move(n).TakeStatus();
    out.total = (*n)[0].Int(0);
    if (page.limit == 0) return out;
  }

  const int limit = page.limit <= 0 ? 100 : page.limit;
  std::string order;
  const char* dir = r.sort_descending ? " DESC" : " ASC";
  if (r.export_order) {
    order = std::string(tb.base) + ".created_at ASC, " + tb.base + ".id ASC";
  } else if (!r.sort_by.empty()) {
    std::string col = r.sort_by;
    if (kind == Kind::kTicket && col == "ticket_type") col = "type";
    if (kind != Kind::kTicket && col != "created_at" && col != "updated_at") col = "created_at";
    order = std::string(tb.base) + "." + col + dir + ", " + tb.base + ".id" + dir;
  } else if (!has_positive_text) {
    order = std::string(tb.base) + ".created_at DESC, " + tb.base + ".id DESC";
  }

  Params p;
  std::string sql;
  if (order.empty()) {
    // Relevance: read the text matches in rank order and keep those passing the filters.
    if (sqlite) {
      // Tickets: the `meta` column does not count for relevance.
      const std::string score = kind == Kind::kTicket ? "bm25(ticket_fts, 1.0, 1.0, 1.0, 0.0)"
                                                      : std::string(tb.fts) + ".rank";
      sql = std::string("SELECT ") + tb.fts + ".rowid AS id, " + tb.base + ".created_at AS c, " +
            score + " AS s FROM " + tb.fts + " JOIN " + tb.base + narrow + " ON " + tb.base +
            ".id = " + tb.fts + ".rowid WHERE " + tb.fts + " MATCH ? AND " + where;
      p.emplace_back(match);
      for (const auto& v : where_params) p.push_back(v);
      if (one_pass) {
        // The window count over the scored matches (bm25 cannot sit beside a window
        // function in one SELECT, hence the materialized CTE).
        const std::string cte = "WITH m AS MATERIALIZED (" + sql + ") ";
        Params q = p;
        q.emplace_back(static_cast<std::int64_t>(limit + 1));
        q.emplace_back(static_cast<std::int64_t>(page.offset));
        auto rows = c.Query(cte +
                                "SELECT id, c, COUNT(*) OVER () FROM m ORDER BY s, id DESC "
                                "LIMIT ? OFFSET ?",
                            q);
        if (!rows.ok()) return std::move(rows).TakeStatus();
        if (rows->empty()) {
          auto n = c.Query(cte + "SELECT COUNT(*) FROM m", p);
          if (!n.ok()) return std::move(n).TakeStatus();
          out.total = (*n)[0].Int(0);
          return out;
        }
        out.total = (*rows)[0].Int(2);
        out.has_more = static_cast<int>(rows->size()) > limit;
        if (out.has_more) rows->pop_back();
        for (const auto& row : *rows) {
          out.ids.push_back(row.Int(0));
          out.created_at.push_back(row.Int(1));
        }
        return out;
      }
      sql += " ORDER BY " + score + " LIMIT ? OFFSET ?";
    } else {
      // The rank in a scalar subquery: the WHERE's unqualified columns stay the base
      // table's (the index table has an account_id too).
      sql = std::string("SELECT ") + tb.base + ".id, " + tb.base +
            ".created_at, (SELECT ts_rank(s." + pg_rank_col + ", to_tsquery('simple', ?)) FROM " +
            tb.pg + " s WHERE s." + tb.pg_id + " = " + tb.base + ".id) AS search_rank FROM " +
            tb.base + " WHERE " + where + text_where + " ORDER BY search_rank DESC, " + tb.base +
            ".id DESC LIMIT ? OFFSET ?";
      p.emplace_back(pg_queries[pg_rank_col]);
      for (const auto& v : where_params) p.push_back(v);
      for (const auto& v : text_params) p.push_back(v);
    }
  } else {
    sql = std::string("SELECT ") + tb.base + ".id, " + tb.base + ".created_at" + from + text_where;
    p = where_params;
    for (const auto& v : text_params) p.push_back(v);
    if (r.export_order && (r.after_created_at != 0 || r.after_id != 0)) {
      sql += std::string(" AND (") + tb.base + ".created_at > ? OR (" + tb.base +
             ".created_at = ? AND " + tb.base + ".id > ?))";
      p.emplace_back(r.after_created_at);
      p.emplace_back(r.after_created_at);
      p.emplace_back(r.after_id);
    }
    sql += " ORDER BY " + order + " LIMIT ? OFFSET ?";
  }
  p.emplace_back(static_cast<std::int64_t>(limit + 1));
  p.emplace_back(static_cast<std::int64_t>(page.offset));
  auto rows = c.Query(sql, p);
  return TakePage(std::move(rows), limit, out);
}

Status Replace(Connection& c, Kind kind, AccountId account, std::int64_t id,
               const std::vector<std::string>& cols) {
  const Tables tb = TablesOf(kind);
  if (IsSqlite(c)) {
    COMPTOIR_RETURN_IF_ERROR(
        ExecAny(c, std::string("DELETE FROM ") + tb.fts + " WHERE rowid = ?", {id}));
    Params p{id};
    for (const auto& v : cols) p.emplace_back(v);
    if (kind == Kind::kTicket) {
      // `meta`: the filter tokens, from the ticket row (kept in step by the trigger of
      // migration 9 when the row changes).
      p.emplace_back(id);
      return ExecAny(c,
                     "INSERT INTO ticket_fts (rowid, subject, public_text, private_text, meta) "
                     "VALUES (?, ?, ?, ?, COALESCE((SELECT " +
                         std::string(kTicketMetaSql) + " FROM tickets t WHERE t.id = ?), ''))",
                     p);
    }
    std::string names =
        kind == Kind::kTicket ? "rowid, subject, public_text, private_text" : "rowid, name, body";
    return ExecAny(c,
                   std::string("INSERT INTO ") + tb.fts + " (" + names + ") VALUES (" +
                       Placeholders(p.size()) + ")",
                   p);
  }
  Params p{id, account.value};
  for (const auto& v : cols) p.emplace_back(v);
  std::string sql;
  if (kind == Kind::kTicket) {
    sql =
        "INSERT INTO ticket_search (ticket_id, account_id, subject_tsv, public_tsv, all_tsv) "
        "SELECT x.id, x.acc, to_tsvector('simple', x.s), to_tsvector('simple', x.s || ' ' || "
        "x.pub), to_tsvector('simple', x.s || ' ' || x.pub || ' ' || x.priv) FROM (SELECT "
        "CAST(? AS BIGINT) AS id, CAST(? AS BIGINT) AS acc, CAST(? AS TEXT) AS s, CAST(? AS "
        "TEXT) AS pub, CAST(? AS TEXT) AS priv) x ON CONFLICT (ticket_id) DO UPDATE SET "
        "subject_tsv = EXCLUDED.subject_tsv, public_tsv = EXCLUDED.public_tsv, all_tsv = "
        "EXCLUDED.all_tsv";
  } else {
    sql = std::string("INSERT INTO ") + tb.pg + " (" + tb.pg_id +
          ", account_id, name_tsv, all_tsv) SELECT x.id, x.acc, to_tsvector('simple', x.n), "
          "to_tsvector('simple', x.n || ' ' || x.b) FROM (SELECT CAST(? AS BIGINT) AS id, CAST(? "
          "AS BIGINT) AS acc, CAST(? AS TEXT) AS n, CAST(? AS TEXT) AS b) x ON CONFLICT (" +
          tb.pg_id + ") DO UPDATE SET name_tsv = EXCLUDED.name_tsv, all_tsv = EXCLUDED.all_tsv";
  }
  return ExecAny(c, sql, p);
}

Status Remove(Connection& c, Kind kind, std::int64_t id) {
  const Tables tb = TablesOf(kind);
  if (IsSqlite(c)) {
    return ExecAny(c, std::string("DELETE FROM ") + tb.fts + " WHERE rowid = ?", {id});
  }
  return ExecAny(c, std::string("DELETE FROM ") + tb.pg + " WHERE " + tb.pg_id + " = ?", {id});
}

}  // namespace

Status SqlSearch::IndexTicket(AccountId account, TicketId id, std::string_view subject,
                              std::string_view public_text, std::string_view private_text) {
  return Replace(c_, Kind::kTicket, account, id.value,
                 {std::string(subject), std::string(public_text), std::string(private_text)});
}

Status SqlSearch::RemoveTicket(AccountId /*account*/, TicketId id) {
  return Remove(c_, Kind::kTicket, id.value);
}

Status SqlSearch::IndexUser(AccountId account, UserId id, std::string_view name,
                            std::string_view text) {
  return Replace(c_, Kind::kUser, account, id.value, {std::string(name), std::string(text)});
}

Status SqlSearch::RemoveUser(AccountId /*account*/, UserId id) {
  return Remove(c_, Kind::kUser, id.value);
}

Status SqlSearch::IndexOrganization(AccountId account, OrganizationId id, std::string_view name,
                                    std::string_view text) {
  return Replace(c_, Kind::kOrganization, account, id.value,
                 {std::string(name), std::string(text)});
}

Status SqlSearch::RemoveOrganization(AccountId /*account*/, OrganizationId id) {
  return Remove(c_, Kind::kOrganization, id.value);
}

Result<std::vector<std::pair<AccountId, std::int64_t>>> SqlSearch::Unindexed(std::string_view kind,
                                                                             int limit) {
  const Kind k = kind == "ticket" ? Kind::kTicket
                 : kind == "user" ? Kind::kUser
                                  : Kind::kOrganization;
  const Tables tb = TablesOf(k);
  std::string sql = std::string("SELECT account_id, id FROM ") + tb.base + " b WHERE NOT EXISTS ";
  sql += IsSqlite(c_) ? std::string("(SELECT 1 FROM ") + tb.fts + " WHERE rowid = b.id)"
                      : std::string("(SELECT 1 FROM ") + tb.pg + " WHERE " + tb.pg_id + " = b.id)";
  sql += " ORDER BY id LIMIT ?";
  return All<std::pair<AccountId, std::int64_t>>(
      c_.Query(sql, {static_cast<std::int64_t>(limit)}), [](const Row& r) {
        return std::pair<AccountId, std::int64_t>(AccountId(r.Int(0)), r.Int(1));
      });
}

Result<bool> SqlSearch::BackfillPending() {
  auto rows = c_.Query("SELECT COUNT(*) FROM search_backfill", {});
  if (!rows.ok()) return std::move(rows).TakeStatus();
  return (*rows)[0].Int(0) > 0;
}

Status SqlSearch::BackfillDone() { return ExecAny(c_, "DELETE FROM search_backfill", {}); }

Result<SearchPage> SqlSearch::Tickets(AccountId account, const SearchRequest& r,
                                      const PageRequest& page) {
  return Run(c_, Kind::kTicket, account, r, page);
}

Result<SearchPage> SqlSearch::Users(AccountId account, const SearchRequest& r,
                                    const PageRequest& page) {
  return Run(c_, Kind::kUser, account, r, page);
}

Result<SearchPage> SqlSearch::Organizations(AccountId account, const SearchRequest& r,
                                            const PageRequest& page) {
  return Run(c_, Kind::kOrganization, account, r, page);
}

}  // namespace comptoir::sql
