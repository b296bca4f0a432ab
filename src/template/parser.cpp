#include "parser_internal.hpp"

#include "filters_internal.hpp"
#include "lexer_internal.hpp"
#include "text_internal.hpp"

#include <algorithm>
#include <charconv>
#include <initializer_list>
#include <set>
#include <unordered_set>

namespace comptoir::liquid::internal {

namespace json = boost::json;

namespace {

Status Error(Pos pos, std::string_view what) { return ErrorAt(pos, what, kInvalidTemplate); }

std::string Quoted(std::string_view s) {
  std::string out = "'";
  out += Excerpt(s);
  out += '\'';
  return out;
}

std::string TagText(std::string_view name) {
  std::string out = "{% ";
  out.append(name);
  out += " %}";
  return out;
}

// A variable the template reads, for paths() and the allowed_roots check.
struct VarRef {
  std::string root;
  std::string path;
  Pos pos;
};

// What the whole parse collects.
struct Collected {
  std::vector<VarRef> refs;
  std::unordered_set<std::string> locals;  // assign, capture and for names
};

// Expressions inside one tag or output.
class MarkupParser {
 public:
  MarkupParser(std::vector<MarkupToken> tokens, const ParseOptions& options, Collected& collected)
      : tokens_(std::move(tokens)), options_(options), collected_(collected) {}

  const MarkupToken& Peek(std::size_t ahead = 0) const {
    return tokens_[std::min(i_ + ahead, tokens_.size() - 1)];
  }
  const MarkupToken& Next() {
    const MarkupToken& t = tokens_[i_];
    if (i_ + 1 < tokens_.size()) ++i_;
    return t;
  }
  bool AtEnd() const { return Peek().kind == Tk::kEnd; }
  bool PeekWord(std::string_view word) const {
    return Peek().kind == Tk::kIdent && Peek().text == word;
  }

  Status Unexpected(const MarkupToken& t, std::string_view expected) const {
    std::string what;
    if (t.kind == Tk::kEnd) {
      what = "expected ";
      what.append(expected);
    } else {
      what = "unexpected ";
      what += Quoted(t.text);
      if (!expected.empty()) {
        what += ", expected ";
        what.append(expected);
      }
    }
    return Error(t.pos, what);
  }

  Status ExpectEnd() const {
    if (AtEnd()) return Status::Ok();
    return Unexpected(Peek(), {});
  }

  Status Expect(Tk kind, std::string_view expected) {
    if (Peek().kind != kind) return Unexpected(Peek(), expected);
    Next();
    return Status::Ok();
  }

  Result<Expr> Primary(int depth) {
    const MarkupToken& t = Next();
    if (depth > options_.max_nesting_depth) return TooDeep(t.pos);
    Expr e;
    e.pos = t.pos;
    switch (t.kind) {
      case Tk::kString:
        e.literal = std::make_shared<const json::value>(json::string(t.text));
        return e;
      case Tk::kNumber:
        e.literal = std::make_shared<const json::value>(ParseNumber(t.text));
        return e;
      case Tk::kLParen: {
        e.kind = Expr::Kind::kRange;
        COMPTOIR_ASSIGN_OR_RETURN(Expr from, Primary(depth + 1));
        COMPTOIR_RETURN_IF_ERROR(Expect(Tk::kDotDot, "'..' in a range"));
        COMPTOIR_ASSIGN_OR_RETURN(Expr to, Primary(depth + 1));
        COMPTOIR_RETURN_IF_ERROR(Expect(Tk::kRParen, "')' closing the range"));
        e.from = std::make_unique<Expr>(std::move(from));
        e.to = std::make_unique<Expr>(std::move(to));
        return e;
      }
      case Tk::kIdent:
        break;
      default:
        return Unexpected(t, "a value");
    }
    const bool has_steps = Peek().kind == Tk::kDot || Peek().kind == Tk::kLBracket;
    if (!has_steps) {
      if (t.text == "true" || t.text == "false") {
        e.literal = std::make_shared<const json::value>(t.text == "true");
        return e;
      }
      if (t.text == "nil" || t.text == "null") {
        e.literal = std::make_shared<const json::value>();
        return e;
      }
      if (t.text == "empty" || t.text == "blank") {
        e.kind = t.text == "empty" ? Expr::Kind::kEmpty : Expr::Kind::kBlank;
        return e;
      }
    }
    e.kind = Expr::Kind::kVariable;
    e.root = std::string(t.text);
    VarRef ref{e.root, e.root, t.pos};
    bool path_open = true;  // still only names and string keys
    while (Peek().kind == Tk::kDot || Peek().kind == Tk::kLBracket) {
      const MarkupToken& step_token = Next();
      Step step;
      step.pos = step_token.pos;
      if (step_token.kind == Tk::kDot) {
        if (Peek().kind != Tk::kIdent) return Unexpected(Peek(), "a name after '.'");
        step.name = std::string(Next().text);
        if (path_open) {
          ref.path += '.';
          ref.path += step.name;
        }
      } else {
        COMPTOIR_ASSIGN_OR_RETURN(Expr index, Primary(depth + 1));
        COMPTOIR_RETURN_IF_ERROR(Expect(Tk::kRBracket, "']'"));
        if (path_open && index.kind == Expr::Kind::kLiteral && index.literal->is_string()) {
          ref.path += '.';
          ref.path.append(index.literal->get_string());
        } else {
          path_open = false;
        }
        step.index = std::make_unique<Expr>(std::move(index));
      }
      e.steps.push_back(std::move(step));
    }
    collected_.refs.push_back(std::move(ref));
    return e;
  }

  Result<Filtered> FilteredValue() {
    Filtered f;
    COMPTOIR_ASSIGN_OR_RETURN(f.base, Primary(0));
    while (Peek().kind == Tk::kPipe) {
      Next();
      const MarkupToken& name = Next();
      if (name.kind != Tk::kIdent) return Unexpected(name, "a filter name after '|'");
      const FilterSpec* spec = FindFilter(name.text);
      if (spec == nullptr) {
        std::string what = "unknown filter ";
        what += Quoted(name.text);
        return Error(name.pos, what);
      }
      FilterCall call;
      call.id = spec->id;
      call.name = std::string(name.text);
      call.pos = name.pos;
      if (Peek().kind == Tk::kColon) {
        Next();
        while (true) {
          if (Peek().kind == Tk::kIdent && Peek(1).kind == Tk::kColon) {
            const MarkupToken& key = Next();
            Next();
            if (key.text != spec->keyword || spec->keyword.empty()) {
              std::string what = "filter ";
              what += Quoted(spec->name);
              what += " has no argument ";
              what += Quoted(key.text);
              return Error(key.pos, what);
            }
            COMPTOIR_ASSIGN_OR_RETURN(Expr value, Primary(0));
            call.named.emplace_back(std::string(key.text), std::move(value));
          } else {
            COMPTOIR_ASSIGN_OR_RETURN(Expr value, Primary(0));
            call.args.push_back(std::move(value));
          }
          if (Peek().kind != Tk::kComma) break;
          Next();
        }
      }
      const auto count = static_cast<int>(call.args.size());
      if (count < spec->min_args || count > spec->max_args) {
        std::string what = "filter ";
        what += Quoted(spec->name);
        if (spec->max_args == 0) {
          what += " takes no arguments";
        } else if (count < spec->min_args) {
          what += " needs ";
          what += std::to_string(spec->min_args);
          what += spec->min_args == 1 ? " argument" : " arguments";
        } else {
          what += " takes at most ";
          what += std::to_string(spec->max_args);
          what += spec->max_args == 1 ? " argument" : " arguments";
        }
        return Error(name.pos, what);
      }
      f.filters.push_back(std::move(call));
    }
    return f;
  }

  Result<Condition> ConditionValue() {
    Condition c;
    while (true) {
      Comparison term;
      COMPTOIR_ASSIGN_OR_RETURN(term.left, Primary(0));
      if (Peek().kind == Tk::kCompare || PeekWord("contains")) {
        const std::string_view op = Next().text;
        term.op = op == "=="                 ? CompareOp::kEq
                  : op == "!=" || op == "<>" ? CompareOp::kNe
                  : op == "<"                ? CompareOp::kLt
                  : op == ">"                ? CompareOp::kGt
                  : op == "<="               ? CompareOp::kLe
                  : op == ">="               ? CompareOp::kGe
                                             : CompareOp::kContains;
        COMPTOIR_ASSIGN_OR_RETURN(term.right, Primary(0));
      }
      c.terms.push_back(std::move(term));
      if (!PeekWord("and") && !PeekWord("or")) break;
      c.is_and.push_back(Next().text == "and");
    }
    return c;
  }

  Status TooDeep(Pos pos) const {
    std::string what = "nesting too deep (more than ";
    what += std::to_string(options_.max_nesting_depth);
    what += " levels)";
    return Error(pos, what);
  }

 private:
  static json::value ParseNumber(std::string_view text) {
    if (text.find('.') == std::string_view::npos) {
      std::int64_t i = 0;
      const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), i);
      if (ec == std::errc() && ptr == text.data() + text.size()) return json::value(i);
    }
    double d = 0;
    std::from_chars(text.data(), text.data() + text.size(), d);
    return json::value(d);
  }

  std::vector<MarkupToken> tokens_;
  std::size_t i_ = 0;
  const ParseOptions& options_;
  Collected& collected_;
};

// A tag token cut into its name and the rest of its markup.
struct TagParts {
  std::string_view name;
  std::string_view rest;
  Pos pos;       // the tag's "{%"
  Pos rest_pos;  // where `rest` starts
};

TagParts SplitTag(const Token& t) {
  const std::string_view m = t.text;
  std::size_t i = 0;
  while (i < m.size() && (m[i] == ' ' || m[i] == '\t' || m[i] == '\n' || m[i] == '\r' ||
                          m[i] == '\v' || m[i] == '\f')) {
    ++i;
  }
  std::size_t j = i;
  if (j < m.size() && m[j] == '#') {
    ++j;
  } else {
    while (j < m.size() && ((m[j] >= 'a' && m[j] <= 'z') || (m[j] >= 'A' && m[j] <= 'Z') ||
                            (m[j] >= '0' && m[j] <= '9') || m[j] == '_')) {
      ++j;
    }
  }
  return {m.substr(i, j - i), m.substr(j), t.pos, Advance(t.markup_pos, m.substr(0, j))};
}

bool IsEndOrMiddleTag(std::string_view name) {
  static constexpr std::string_view kNames[] = {"else",       "elsif",   "when",   "endif",
                                                "endunless",  "endcase", "endfor", "endcapture",
                                                "endcomment", "endraw"};
  return std::find(std::begin(kNames), std::end(kNames), name) != std::end(kNames);
}

class Parser {
 public:
  Parser(const std::vector<Token>& tokens, const ParseOptions& options)
      : tokens_(tokens), options_(options) {}

  Status Run(Program& program) {
    COMPTOIR_RETURN_IF_ERROR(ParseBody(program.body, {}, nullptr, 0, nullptr));
    std::set<std::string, std::less<>> allowed;
    if (options_.allowed_roots)
      allowed.insert(options_.allowed_roots->begin(), options_.allowed_roots->end());
    std::unordered_set<std::string> seen;
    for (const VarRef& ref : collected_.refs) {
      if (ref.root == "forloop" || collected_.locals.contains(ref.root)) continue;
      if (options_.allowed_roots && !allowed.contains(ref.root)) {
        std::string what = "unknown variable ";
        what += Quoted(ref.path);
        return Error(ref.pos, what);
      }
      if (seen.insert(ref.path).second) program.paths.push_back(ref.path);
    }
    return Status::Ok();
  }

 private:
  struct Open {
    std::string_view name;
    Pos pos;
  };

  Result<MarkupParser> Markup(std::string_view text, Pos pos) {
    std::vector<MarkupToken> tokens;
    COMPTOIR_RETURN_IF_ERROR(LexMarkup(text, pos, tokens));
    return MarkupParser(std::move(tokens), options_, collected_);
  }

  Status TooDeep(Pos pos) const {
    std::string what = "nesting too deep (more than ";
    what += std::to_string(options_.max_nesting_depth);
    what += " levels)";
    return Error(pos, what);
  }

  // Nodes up to one of the tags in `ends` (stored in *end) or, when `ends` is empty, to
  // the end of the template.
  Status ParseBody(Block& out, std::initializer_list<std::string_view> ends, const Open* open,
                   int depth, TagParts* end) {
    while (i_ < tokens_.size()) {
      const Token& token = tokens_[i_++];
      switch (token.kind) {
        case TokenKind::kText:
        case TokenKind::kRaw:
          if (!token.text.empty()) out.push_back({token.pos, TextNode{std::string(token.text)}});
          continue;
        case TokenKind::kOutput: {
          COMPTOIR_ASSIGN_OR_RETURN(MarkupParser m, Markup(token.text, token.markup_pos));
          if (m.AtEnd()) continue;  // {{ }} writes nothing
          COMPTOIR_ASSIGN_OR_RETURN(Filtered value, m.FilteredValue());
          COMPTOIR_RETURN_IF_ERROR(m.ExpectEnd());
          out.push_back({token.pos, OutputNode{std::move(value)}});
          continue;
        }
        case TokenKind::kTag:
          break;
      }
      const TagParts tag = SplitTag(token);
      if (tag.name.empty()) return Error(token.markup_pos, "expected a tag name");
      if (std::find(ends.begin(), ends.end(), tag.name) != ends.end()) {
        *end = tag;
        return Status::Ok();
      }
      if (tag.name == "#") continue;  // {% # an inline comment %}
      if (IsEndOrMiddleTag(tag.name)) {
        std::string what = "unexpected ";
        what += TagText(tag.name);
        if (open != nullptr) {
          what += " inside ";
          what += TagText(open->name);
          what += " opened at line ";
          what += std::to_string(open->pos.line);
          what += ", column ";
          what += std::to_string(open->pos.column);
        }
        return Error(tag.pos, what);
      }
      COMPTOIR_RETURN_IF_ERROR(ParseTag(tag, out, depth));
    }
    if (open != nullptr) {
      std::string what = "unclosed ";
      what += TagText(open->name);
      what += " opened at line ";
      what += std::to_string(open->pos.line);
      what += ", column ";
      what += std::to_string(open->pos.column);
      return Status(ErrorCode::kValidation, std::move(what), std::string(kInvalidTemplate));
    }
    return Status::Ok();
  }

  Status ParseTag(const TagParts& tag, Block& out, int depth) {
    const std::string_view n = tag.name;
    const bool block = n == "if" || n == "unless" || n == "case" || n == "for" || n == "capture" ||
                       n == "comment" || n == "raw";
    if (block && depth + 1 > options_.max_nesting_depth) return TooDeep(tag.pos);
    COMPTOIR_ASSIGN_OR_RETURN(MarkupParser m, Markup(tag.rest, tag.rest_pos));
    const Open open{n, tag.pos};
    if (n == "if" || n == "unless") return ParseIf(tag, m, out, open, depth + 1);
    if (n == "case") return ParseCase(tag, m, out, open, depth + 1);
    if (n == "for") return ParseFor(tag, m, out, open, depth + 1);
    if (n == "assign") {
      const MarkupToken& name = m.Next();
      if (name.kind != Tk::kIdent) return m.Unexpected(name, "a variable name");
      COMPTOIR_RETURN_IF_ERROR(m.Expect(Tk::kAssign, "'='"));
      COMPTOIR_ASSIGN_OR_RETURN(Filtered value, m.FilteredValue());
      COMPTOIR_RETURN_IF_ERROR(m.ExpectEnd());
      collected_.locals.insert(std::string(name.text));
      out.push_back({tag.pos, AssignNode{std::string(name.text), std::move(value)}});
      return Status::Ok();
    }
    if (n == "capture") {
      const MarkupToken& name = m.Next();
      if (name.kind != Tk::kIdent && name.kind != Tk::kString) {
        return m.Unexpected(name, "a variable name");
      }
      COMPTOIR_RETURN_IF_ERROR(m.ExpectEnd());
      CaptureNode node{std::string(name.text), {}};
      collected_.locals.insert(node.name);
      TagParts end;
      COMPTOIR_RETURN_IF_ERROR(ParseBody(node.body, {"endcapture"}, &open, depth + 1, &end));
      COMPTOIR_RETURN_IF_ERROR(ExpectNothing(end));
      out.push_back({tag.pos, std::move(node)});
      return Status::Ok();
    }
    if (n == "comment" || n == "raw") {
      // The lexer left only the raw text (or nothing) before the closing tag.
      COMPTOIR_RETURN_IF_ERROR(m.ExpectEnd());
      TagParts end;
      Block body;
      COMPTOIR_RETURN_IF_ERROR(
          ParseBody(body, {n == "raw" ? "endraw" : "endcomment"}, &open, depth + 1, &end));
      if (n == "raw") {
        for (Node& node : body) out.push_back(std::move(node));
      }
      return Status::Ok();
    }
    if (n == "break" || n == "continue") {
      if (loop_depth_ == 0) {
        std::string what = TagText(n);
        what += " outside a for loop";
        return Error(tag.pos, what);
      }
      COMPTOIR_RETURN_IF_ERROR(m.ExpectEnd());
      if (n == "break") {
        out.push_back({tag.pos, BreakNode{}});
      } else {
        out.push_back({tag.pos, ContinueNode{}});
      }
      return Status::Ok();
    }
    std::string what = "unknown tag ";
    what += Quoted(n);
    return Error(tag.pos, what);
  }

  // endif, else and the like take nothing after their name.
  Status ExpectNothing(const TagParts& end) {
    COMPTOIR_ASSIGN_OR_RETURN(MarkupParser m, Markup(end.rest, end.rest_pos));
    return m.ExpectEnd();
  }

  Status ParseIf(const TagParts& tag, MarkupParser& m, Block& out, const Open& open, int depth) {
    const bool unless = tag.name == "unless";
    const std::string_view end_name = unless ? "endunless" : "endif";
    IfNode node;
    IfNode::Branch branch;
    branch.negate = unless;
    if (m.AtEnd()) return m.Unexpected(m.Peek(), "a condition");
    COMPTOIR_ASSIGN_OR_RETURN(branch.condition, m.ConditionValue());
    COMPTOIR_RETURN_IF_ERROR(m.ExpectEnd());
    while (true) {
      TagParts end;
      COMPTOIR_RETURN_IF_ERROR(
          ParseBody(branch.body, {"elsif", "else", end_name}, &open, depth, &end));
      node.branches.push_back(std::move(branch));
      if (end.name == "elsif") {
        branch = {};
        COMPTOIR_ASSIGN_OR_RETURN(MarkupParser cm, Markup(end.rest, end.rest_pos));
        if (cm.AtEnd()) return cm.Unexpected(cm.Peek(), "a condition");
        COMPTOIR_ASSIGN_OR_RETURN(branch.condition, cm.ConditionValue());
        COMPTOIR_RETURN_IF_ERROR(cm.ExpectEnd());
        continue;
      }
      if (end.name == "else") {
        COMPTOIR_RETURN_IF_ERROR(ExpectNothing(end));
        TagParts final_end;
        COMPTOIR_RETURN_IF_ERROR(ParseBody(node.else_body, {end_name}, &open, depth, &final_end));
        COMPTOIR_RETURN_IF_ERROR(ExpectNothing(final_end));
      } else {
        COMPTOIR_RETURN_IF_ERROR(ExpectNothing(end));
      }
      break;
    }
    out.push_back({tag.pos, std::move(node)});
    return Status::Ok();
  }

  Status ParseCase(const TagParts& tag, MarkupParser& m, Block& out, const Open& open, int depth) {
    CaseNode node;
    COMPTOIR_ASSIGN_OR_RETURN(node.subject, m.Primary(0));
    COMPTOIR_RETURN_IF_ERROR(m.ExpectEnd());
    Block ignored;  // what stands between {% case %} and the first {% when %}
    TagParts end;
    COMPTOIR_RETURN_IF_ERROR(ParseBody(ignored, {"when", "else", "endcase"}, &open, depth, &end));
    while (end.name != "endcase") {
      CaseNode::When when;
      if (end.name == "when") {
        COMPTOIR_ASSIGN_OR_RETURN(MarkupParser wm, Markup(end.rest, end.rest_pos));
        while (true) {
          COMPTOIR_ASSIGN_OR_RETURN(Expr value, wm.Primary(0));
          when.values.push_back(std::move(value));
          if (wm.Peek().kind != Tk::kComma && !wm.PeekWord("or")) break;
          wm.Next();
        }
        COMPTOIR_RETURN_IF_ERROR(wm.ExpectEnd());
      } else {
        COMPTOIR_RETURN_IF_ERROR(ExpectNothing(end));
      }
      COMPTOIR_RETURN_IF_ERROR(
          ParseBody(when.body, {"when", "else", "endcase"}, &open, depth, &end));
      node.blocks.push_back(std::move(when));
    }
    COMPTOIR_RETURN_IF_ERROR(ExpectNothing(end));
    out.push_back({tag.pos, std::move(node)});
    return Status::Ok();
  }

  Status ParseFor(const TagParts& tag, MarkupParser& m, Block& out, const Open& open, int depth) {
    ForNode node;
    const MarkupToken& var = m.Next();
    if (var.kind != Tk::kIdent) return m.Unexpected(var, "a variable name");
    node.variable = std::string(var.text);
    if (!m.PeekWord("in")) return m.Unexpected(m.Peek(), "'in'");
    m.Next();
    COMPTOIR_ASSIGN_OR_RETURN(node.collection, m.Primary(0));
    while (!m.AtEnd()) {
      const MarkupToken& word = m.Next();
      if (word.kind == Tk::kIdent && word.text == "reversed") {
        node.reversed = true;
        continue;
      }
      if (word.kind != Tk::kIdent || (word.text != "limit" && word.text != "offset")) {
        return m.Unexpected(word, "limit:, offset: or reversed");
      }
      COMPTOIR_RETURN_IF_ERROR(m.Expect(Tk::kColon, "':'"));
      COMPTOIR_ASSIGN_OR_RETURN(Expr value, m.Primary(0));
      (word.text == "limit" ? node.limit : node.offset) = std::make_unique<Expr>(std::move(value));
    }
    collected_.locals.insert(node.variable);
    TagParts end;
    ++loop_depth_;
    Status body = ParseBody(node.body, {"else", "endfor"}, &open, depth, &end);
    --loop_depth_;
    COMPTOIR_RETURN_IF_ERROR(body);
    if (end.name == "else") {
      COMPTOIR_RETURN_IF_ERROR(ExpectNothing(end));
      COMPTOIR_RETURN_IF_ERROR(ParseBody(node.else_body, {"endfor"}, &open, depth, &end));
    }
    COMPTOIR_RETURN_IF_ERROR(ExpectNothing(end));
    out.push_back({tag.pos, std::move(node)});
    return Status::Ok();
  }

  const std::vector<Token>& tokens_;
  const ParseOptions& options_;
  std::size_t i_ = 0;
  int loop_depth_ = 0;
  Collected collected_;
};

}  // namespace

Status ErrorAt(Pos pos, std::string_view what, std::string_view reason) {
  std::string message = "line ";
  message += std::to_string(pos.line);
  message += ", column ";
  message += std::to_string(pos.column);
  message += ": ";
  message.append(what);
  return Status(ErrorCode::kValidation, std::move(message), std::string(reason));
}

Status ParseProgram(std::string_view source, const ParseOptions& options, Program& program) {
  if (source.size() > options.max_template_bytes) {
    std::string what = "template too large (";
    what += std::to_string(source.size());
    what += " bytes, at most ";
    what += std::to_string(options.max_template_bytes);
    what += ")";
    return Status(ErrorCode::kValidation, std::move(what), std::string(kInvalidTemplate));
  }
  std::vector<Token> tokens;
  COMPTOIR_RETURN_IF_ERROR(Tokenize(source, tokens));
  Parser parser(tokens, options);
  return parser.Run(program);
}

}  // namespace comptoir::liquid::internal
