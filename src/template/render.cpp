#include "render_internal.hpp"

#include "filters_internal.hpp"
#include "text_internal.hpp"
#include "value_internal.hpp"

#include <algorithm>
#include <limits>
#include <map>
#include <unordered_map>
#include <utility>

namespace comptoir::liquid::internal {

namespace json = boost::json;

namespace {

// Work units (RenderOptions::max_work) besides one per byte: roughly what each costs in
// time next to copying a byte, so the default budget is a fraction of a second of CPU.
constexpr std::uint64_t kNodeCost = 16;    // a tag, an output or a piece of text
constexpr std::uint64_t kFilterCost = 32;  // a filter call
constexpr std::uint64_t kStepCost = 8;     // each name or index of a variable lookup

// Longest path given to the Resolver or compared with Context::IsHtmlSafe.
constexpr std::size_t kMaxPathBytes = 1024;

// Items in (from..to); 0 when to < from. (INT64_MIN..INT64_MAX) says 2^64 - 1, which no
// loop budget reaches.
std::uint64_t RangeLength(std::int64_t from, std::int64_t to) {
  if (to < from) return 0;
  const std::uint64_t diff = static_cast<std::uint64_t>(to) - static_cast<std::uint64_t>(from);
  return diff == std::numeric_limits<std::uint64_t>::max() ? diff : diff + 1;
}

class Renderer {
 public:
  Renderer(const Program& program, const Context& context, const RenderOptions& options)
      : program_(program), context_(context), options_(options), budget_(options.max_work) {
    static const SystemClock kSystemClock;
    env_.escape = options.escape;
    // Offsets beyond a day are not time zones; clamping keeps the arithmetic in range.
    env_.utc_offset = std::clamp(options.utc_offset, std::chrono::minutes(-24 * 60),
                                 std::chrono::minutes(24 * 60));
    env_.zone_name = options.zone_name;
    env_.now = (options.clock != nullptr ? options.clock : &kSystemClock)->Now();
    env_.max_value_bytes = options.max_output_bytes;
    env_.budget = &budget_;
  }

  Result<std::string> Run() {
    if (RenderBlock(program_.body) == Flow::kError) return std::move(error_);
    return std::move(output_);
  }

 private:
  enum class Flow { kNormal, kBreak, kContinue, kError };

  Flow Fail(Status status) {
    error_ = std::move(status);
    return Flow::kError;
  }
  static Status At(Pos pos, std::string_view what) { return ErrorAt(pos, what, kRenderFailed); }

  // Spends work; false (with the error set) once the budget is gone.
  bool Spend(Pos pos, std::uint64_t n) {
    if (budget_.Spend(n)) return true;
    error_ = At(pos, TooMuchWork(budget_.limit()));
    return false;
  }
  Status SpendStatus(Pos pos, std::uint64_t n) {
    if (budget_.Spend(n)) return Status::Ok();
    return At(pos, TooMuchWork(budget_.limit()));
  }

  Status CountIterations(Pos pos, std::uint64_t n) {
    if (n <= options_.max_loop_iterations - std::min(iterations_, options_.max_loop_iterations)) {
      iterations_ += n;
      return Status::Ok();
    }
    std::string what = "too many loop iterations (more than ";
    what += std::to_string(options_.max_loop_iterations);
    what += ")";
    return At(pos, what);
  }

  bool Write(std::string_view s, Pos pos) {
    if (s.size() > options_.max_output_bytes - std::min(out_->size(), options_.max_output_bytes)) {
      std::string what = "output too large (more than ";
      what += std::to_string(options_.max_output_bytes);
      what += " bytes)";
      error_ = At(pos, what);
      return false;
    }
    if (!Spend(pos, s.size())) return false;
    out_->append(s);
    return true;
  }

  bool WriteValue(const Value& value, Pos pos) {
    std::string text_storage;
    std::string_view text;
    if (value.json().is_string()) {
      text = value.json().get_string();
    } else {
      AppendText(text_storage, value.json());
      text = text_storage;
    }
    const bool escape = (options_.escape == Escape::kHtml && value.trust == Trust::kText) ||
                        (options_.escape == Escape::kJson && value.trust != Trust::kVerbatim);
    if (!escape) return Write(text, pos);
    if (!Spend(pos, text.size())) return false;
    std::string escaped;
    if (options_.escape == Escape::kHtml) {
      AppendHtmlEscaped(escaped, text);
    } else {
      AppendJsonEscaped(escaped, text);
    }
    return Write(escaped, pos);
  }

  Flow RenderBlock(const Block& block) {
    for (const Node& node : block) {
      const Flow flow = RenderNode(node);
      if (flow != Flow::kNormal) return flow;
    }
    return Flow::kNormal;
  }

  Flow RenderNode(const Node& node) {
    if (!Spend(node.pos, kNodeCost)) return Flow::kError;
    return std::visit([&](const auto& n) { return Render(n, node.pos); }, node.v);
  }

  Flow Render(const TextNode& n, Pos pos) {
    return Write(n.text, pos) ? Flow::kNormal : Flow::kError;
  }

  Flow Render(const OutputNode& n, Pos pos) {
    Result<Value> value = EvalFiltered(n.value);
    if (!value.ok()) return Fail(std::move(value).TakeStatus());
    return WriteValue(*value, pos) ? Flow::kNormal : Flow::kError;
  }

  Flow Render(const IfNode& n, Pos /*pos*/) {
    for (const IfNode::Branch& branch : n.branches) {
      Result<bool> holds = Test(branch.condition);
      if (!holds.ok()) return Fail(std::move(holds).TakeStatus());
      if (*holds != branch.negate) return RenderBlock(branch.body);
    }
    return RenderBlock(n.else_body);
  }

  Flow Render(const CaseNode& n, Pos /*pos*/) {
    Result<Value> subject = Eval(n.subject);
    if (!subject.ok()) return Fail(std::move(subject).TakeStatus());
    // As Liquid: every matching when renders; else renders when none before it matched.
    bool matched = false;
    for (const CaseNode::When& when : n.blocks) {
      bool run = false;
      if (when.values.empty()) {
        run = !matched;
      } else {
        for (const Expr& e : when.values) {
          Result<bool> equal = CompareValues(*subject, n.subject.kind, e, CompareOp::kEq);
          if (!equal.ok()) return Fail(std::move(equal).TakeStatus());
          if (*equal) {
            run = true;
            break;
          }
        }
        matched = matched || run;
      }
      if (run) {
        const Flow flow = RenderBlock(when.body);
        if (flow != Flow::kNormal) return flow;
      }
    }
    return Flow::kNormal;
  }

  Flow Render(const AssignNode& n, Pos /*pos*/) {
    Result<Value> value = EvalFiltered(n.value);
    if (!value.ok()) return Fail(std::move(value).TakeStatus());
    assigns_.insert_or_assign(n.name, std::move(value).value());
    return Flow::kNormal;
  }

  Flow Render(const CaptureNode& n, Pos /*pos*/) {
    // The captured text is already escaped for the output mode, so it is written as is.
    std::string buffer;
    std::string* const outer = out_;
    out_ = &buffer;
    const Flow flow = RenderBlock(n.body);
    out_ = outer;
    if (flow == Flow::kError) return flow;
    assigns_.insert_or_assign(n.name, Value::Own(json::value(buffer), Trust::kVerbatim));
    return flow;
  }

  Flow Render(const BreakNode& /*n*/, Pos /*pos*/) { return Flow::kBreak; }
  Flow Render(const ContinueNode& /*n*/, Pos /*pos*/) { return Flow::kContinue; }

  Flow Render(const ForNode& n, Pos pos) {
    std::int64_t offset = 0;
    std::optional<std::int64_t> limit;
    if (n.offset) {
      Result<Value> v = Eval(*n.offset);
      if (!v.ok()) return Fail(std::move(v).TakeStatus());
      offset = ToInteger(v->json()).value_or(0);
    }
    if (n.limit) {
      Result<Value> v = Eval(*n.limit);
      if (!v.ok()) return Fail(std::move(v).TakeStatus());
      limit = ToInteger(v->json());
    }
    // The collection: a range (never built), or a value.
    bool is_range = false;
    std::int64_t range_from = 0;
    std::uint64_t length = 0;
    Value collection = Value::Nil();
    if (n.collection.kind == Expr::Kind::kRange) {
      Result<std::pair<std::int64_t, std::int64_t>> bounds = RangeBounds(n.collection);
      if (!bounds.ok()) return Fail(std::move(bounds).TakeStatus());
      is_range = true;
      range_from = bounds->first;
      length = RangeLength(bounds->first, bounds->second);
    } else {
      Result<Value> v = Eval(n.collection);
      if (!v.ok()) return Fail(std::move(v).TakeStatus());
      collection = std::move(v).value();
      const json::value& c = collection.json();
      if (c.is_array()) {
        length = c.get_array().size();
      } else if (c.is_object()) {
        length = c.get_object().size();
      } else if (c.is_string() && !c.get_string().empty()) {
        length = 1;  // a string is one item
      }
    }
    const std::uint64_t start = offset <= 0 ? 0 : std::min<std::uint64_t>(offset, length);
    std::uint64_t end = length;
    if (limit && *limit <= 0) {
      end = start;
    } else if (limit) {
      // No overflow: start and *limit are both below 2^63.
      end = std::min<std::uint64_t>(length, start + static_cast<std::uint64_t>(*limit));
    }
    if (start >= end) return RenderBlock(n.else_body);

    const std::uint64_t count = end - start;
    const std::size_t base = scopes_.size();
    scopes_.emplace_back(n.variable, Value::Nil());
    scopes_.emplace_back("forloop", Value::Nil());
    Flow result = Flow::kNormal;
    for (std::uint64_t i = 0; i < count; ++i) {
      if (Status s = CountIterations(pos, 1); !s.ok()) {
        result = Fail(std::move(s));
        break;
      }
      const std::uint64_t k = n.reversed ? end - 1 - i : start + i;
      Value item = Value::Nil();
      const json::value& c = collection.json();
      if (is_range) {
        item = Value::Own(
            json::value(static_cast<std::int64_t>(static_cast<std::uint64_t>(range_from) + k)));
      } else if (c.is_array()) {
        item = collection.Child(c.get_array()[k]);
      } else if (c.is_object()) {
        const auto& kv = *(c.get_object().begin() + static_cast<std::ptrdiff_t>(k));
        item = Value::Own(json::array{json::value(kv.key()), kv.value()});
      } else {
        item = collection;
      }
      json::object forloop;
      forloop["index"] = static_cast<std::int64_t>(i + 1);
      forloop["index0"] = static_cast<std::int64_t>(i);
      forloop["rindex"] = static_cast<std::int64_t>(count - i);
      forloop["rindex0"] = static_cast<std::int64_t>(count - i - 1);
      forloop["first"] = i == 0;
      forloop["last"] = i + 1 == count;
      forloop["length"] = static_cast<std::int64_t>(count);
      scopes_[base].second = std::move(item);
      scopes_[base + 1].second = Value::Own(std::move(forloop));
      const Flow flow = RenderBlock(n.body);
      if (flow == Flow::kError || flow == Flow::kBreak) {
        if (flow == Flow::kError) result = flow;
        break;
      }
    }
    scopes_.erase(scopes_.begin() + static_cast<std::ptrdiff_t>(base), scopes_.end());
    return result;
  }

  // --- values -------------------------------------------------------------------------

  // The innermost loop variable called `name` below scopes_[below], if any.
  std::optional<std::size_t> FindScope(std::string_view name, std::size_t below) const {
    for (std::size_t i = below; i-- > 0;) {
      if (scopes_[i].first == name) return i;
    }
    return std::nullopt;
  }

  const Value* FindLocal(std::string_view name) const {
    if (const auto i = FindScope(name, scopes_.size())) return &scopes_[*i].second;
    const auto it = assigns_.find(name);
    return it == assigns_.end() ? nullptr : &it->second;
  }

  Result<std::pair<std::int64_t, std::int64_t>> RangeBounds(const Expr& e) {
    COMPTOIR_ASSIGN_OR_RETURN(const Value from, Eval(*e.from));
    COMPTOIR_ASSIGN_OR_RETURN(const Value to, Eval(*e.to));
    const std::optional<std::int64_t> a = ToInteger(from.json());
    const std::optional<std::int64_t> b = ToInteger(to.json());
    if (!a || !b) {
      std::string what = "a range needs integers, not ";
      what += Describe((a ? to : from).json());
      return At(e.pos, what);
    }
    return std::make_pair(*a, *b);
  }

  Result<Value> Eval(const Expr& e) {
    switch (e.kind) {
      case Expr::Kind::kLiteral:
        return Value{e.literal, Trust::kText};
      case Expr::Kind::kEmpty:
      case Expr::Kind::kBlank: {
        static const json::value kEmptyString = json::string();
        return Value::Borrow(kEmptyString);
      }
      case Expr::Kind::kRange: {
        COMPTOIR_ASSIGN_OR_RETURN(const auto bounds, RangeBounds(e));
        json::array items;
        if (const std::uint64_t n = RangeLength(bounds.first, bounds.second); n > 0) {
          COMPTOIR_RETURN_IF_ERROR(CountIterations(e.pos, n));
          items.reserve(n);
          for (std::int64_t i = bounds.first;; ++i) {
            items.emplace_back(i);
            if (i == bounds.second) break;
          }
        }
        return Value::Own(std::move(items));
      }
      case Expr::Kind::kVariable:
        return Lookup(e);
    }
    return Value::Nil();
  }

  // The item at `key` of `v` (a string key or an integer index), with Liquid's size, first
  // and last; nullopt when there is none.
  std::optional<Value> Child(const Value& v, std::optional<std::string_view> key,
                             std::int64_t index, Pos pos) {
    const json::value& j = v.json();
    if (!key) {
      if (!j.is_array()) return std::nullopt;
      const json::array& a = j.get_array();
      const auto size = static_cast<std::int64_t>(a.size());
      if (index < 0) index += size;
      if (index < 0 || index >= size) return std::nullopt;
      return v.Child(a[static_cast<std::size_t>(index)]);
    }
    if (j.is_object()) {
      if (const json::value* found = j.get_object().if_contains(*key)) return v.Child(*found);
      if (*key == "size") {
        return Value::Own(json::value(static_cast<std::int64_t>(j.get_object().size())));
      }
      return std::nullopt;
    }
    if (j.is_array()) {
      const json::array& a = j.get_array();
      if (*key == "size") return Value::Own(json::value(static_cast<std::int64_t>(a.size())));
      if (*key == "first" && !a.empty()) return v.Child(a.front());
      if (*key == "last" && !a.empty()) return v.Child(a.back());
      return std::nullopt;
    }
    if (j.is_string() && *key == "size") {
      if (!Spend(pos, j.get_string().size())) return std::nullopt;
      return Value::Own(json::value(static_cast<std::int64_t>(CharCount(j.get_string()))));
    }
    return std::nullopt;
  }

  Result<std::optional<Value>> Resolve(const std::string& path, Pos pos) {
    const Resolver& resolver = context_.resolver();
    if (!resolver) return std::optional<Value>();
    if (const auto it = resolved_.find(path); it != resolved_.end()) return it->second;
    if (resolved_.size() >= options_.max_resolver_calls) {
      std::string what = "too many values to resolve (more than ";
      what += std::to_string(options_.max_resolver_calls);
      what += ")";
      return At(pos, what);
    }
    std::optional<Resolved> answer;
    try {
      answer = resolver(path);
    } catch (const std::exception& e) {
      std::string what = "could not get '";
      what += Excerpt(path, 200);
      what += "': ";
      what += Excerpt(e.what(), 200);
      return At(pos, what);
    } catch (...) {
      std::string what = "could not get '";
      what += Excerpt(path, 200);
      what += "'";
      return At(pos, what);
    }
    std::optional<Value> value;
    if (answer) {
      value =
          Value::Own(std::move(answer->value), answer->html_safe ? Trust::kHtmlSafe : Trust::kText);
    }
    resolved_.emplace(path, value);
    return value;
  }

  Result<Value> Lookup(const Expr& e) {
    COMPTOIR_RETURN_IF_ERROR(SpendStatus(e.pos, kStepCost * (1 + e.steps.size())));
    std::string path = e.root;
    bool nameable = true;  // path names the value from the Context's root
    std::optional<Value> current;
    std::size_t first_step = 0;
    if (const Value* local = FindLocal(e.root)) {
      current = *local;
      nameable = false;
      // forloop.parentloop is the forloop of the enclosing loop (not copied into each one).
      std::optional<std::size_t> loop = FindScope("forloop", scopes_.size());
      while (e.root == "forloop" && loop && first_step < e.steps.size() &&
             !e.steps[first_step].index && e.steps[first_step].name == "parentloop") {
        loop = FindScope("forloop", *loop);
        if (!loop) return Value::Nil();
        current = scopes_[*loop].second;
        ++first_step;
      }
    } else if (const json::value* found = context_.data().if_contains(e.root)) {
      current = Value::Borrow(*found);
    } else {
      COMPTOIR_ASSIGN_OR_RETURN(current, Resolve(path, e.pos));
    }
    for (std::size_t i = first_step; i < e.steps.size(); ++i) {
      const Step& step = e.steps[i];
      std::optional<std::string_view> key = step.name;
      std::int64_t index = 0;
      Value index_value = Value::Nil();  // holds a computed key while it is used
      if (step.index) {
        COMPTOIR_ASSIGN_OR_RETURN(index_value, Eval(*step.index));
        const json::value& k = index_value.json();
        if (k.is_string()) {
          key = k.get_string();
        } else if (k.is_int64() || k.is_uint64()) {
          index = *ToInteger(k);
          key.reset();
        } else {
          return Value::Nil();
        }
      }
      // Real paths are short; a long computed key is never a context path.
      if (key && nameable && path.size() + key->size() < kMaxPathBytes) {
        path += '.';
        path += *key;
      } else {
        nameable = false;
      }
      if (current) {
        current = Child(*current, key, index, step.pos);
        if (!error_.ok()) return std::move(error_);
        if (current) continue;
      }
      if (!nameable) return Value::Nil();
      COMPTOIR_ASSIGN_OR_RETURN(current, Resolve(path, e.pos));
    }
    if (!current) return Value::Nil();
    if (nameable && context_.IsHtmlSafe(path)) current->trust = Trust::kHtmlSafe;
    return std::move(*current);
  }

  Result<Value> EvalFiltered(const Filtered& f) {
    COMPTOIR_ASSIGN_OR_RETURN(Value value, Eval(f.base));
    for (const FilterCall& call : f.filters) {
      COMPTOIR_RETURN_IF_ERROR(SpendStatus(call.pos, kFilterCost));
      std::vector<Value> args;
      args.reserve(call.args.size());
      for (const Expr& arg : call.args) {
        COMPTOIR_ASSIGN_OR_RETURN(Value v, Eval(arg));
        args.push_back(std::move(v));
      }
      std::optional<Value> allow_false;
      if (!call.named.empty()) {
        COMPTOIR_ASSIGN_OR_RETURN(allow_false, Eval(call.named.front().second));
      }
      Result<Value> next =
          ApplyFilter(call.id, value, args, allow_false ? &*allow_false : nullptr, env_);
      if (!next.ok()) return At(call.pos, next.status().message());
      value = std::move(next).value();
    }
    return value;
  }

  // Liquid's chain: a and b or c is a and (b or c), evaluated left to right with
  // short-circuits.
  Result<bool> Test(const Condition& c) {
    for (std::size_t i = 0; i < c.terms.size(); ++i) {
      const Comparison& term = c.terms[i];
      bool holds = false;
      if (term.op == CompareOp::kNone) {
        COMPTOIR_ASSIGN_OR_RETURN(const Value v, Eval(term.left));
        holds = IsTruthy(v.json());
      } else {
        COMPTOIR_ASSIGN_OR_RETURN(const Value left, Eval(term.left));
        COMPTOIR_ASSIGN_OR_RETURN(holds, CompareValues(left, term.left.kind, term.right, term.op));
      }
      if (i + 1 == c.terms.size()) return holds;
      if (c.is_and[i] ? !holds : holds) return holds;
    }
    return false;
  }

  // left (already evaluated, of kind left_kind) op right.
  Result<bool> CompareValues(const Value& left, Expr::Kind left_kind, const Expr& right_expr,
                             CompareOp op) {
    const Expr::Kind right_kind = right_expr.kind;
    COMPTOIR_ASSIGN_OR_RETURN(const Value right, Eval(right_expr));
    const bool special = left_kind == Expr::Kind::kEmpty || left_kind == Expr::Kind::kBlank ||
                         right_kind == Expr::Kind::kEmpty || right_kind == Expr::Kind::kBlank;
    if (special) {
      if (op != CompareOp::kEq && op != CompareOp::kNe) return false;
      const bool right_special =
          right_kind == Expr::Kind::kEmpty || right_kind == Expr::Kind::kBlank;
      const Expr::Kind which = right_special ? right_kind : left_kind;
      const json::value& other = right_special ? left.json() : right.json();
      const bool is = which == Expr::Kind::kEmpty ? IsEmpty(other) : IsBlank(other);
      return op == CompareOp::kEq ? is : !is;
    }
    const json::value& a = left.json();
    const json::value& b = right.json();
    if (a.is_string() && b.is_string()) {
      COMPTOIR_RETURN_IF_ERROR(
          SpendStatus(right_expr.pos, std::min(a.get_string().size(), b.get_string().size())));
    } else if (a.is_array() && b.is_array()) {
      COMPTOIR_RETURN_IF_ERROR(
          SpendStatus(right_expr.pos, std::min(a.get_array().size(), b.get_array().size())));
    }
    switch (op) {
      case CompareOp::kEq:
        return Equals(a, b);
      case CompareOp::kNe:
        return !Equals(a, b);
      case CompareOp::kLt:
      case CompareOp::kGt:
      case CompareOp::kLe:
      case CompareOp::kGe: {
        const std::optional<int> order = Order(a, b);
        if (!order) return false;
        return op == CompareOp::kLt   ? *order < 0
               : op == CompareOp::kGt ? *order > 0
               : op == CompareOp::kLe ? *order <= 0
                                      : *order >= 0;
      }
      case CompareOp::kContains:
        if (b.is_null()) return false;
        if (a.is_string()) {
          const std::string needle = ToText(b);
          COMPTOIR_RETURN_IF_ERROR(
              SpendStatus(right_expr.pos, a.get_string().size() + needle.size()));
          return Find(a.get_string(), needle) != std::string_view::npos;
        }
        if (a.is_array()) {
          COMPTOIR_RETURN_IF_ERROR(SpendStatus(right_expr.pos, a.get_array().size()));
          return std::any_of(a.get_array().begin(), a.get_array().end(),
                             [&](const json::value& item) { return Equals(item, b); });
        }
        if (a.is_object()) return a.get_object().contains(ToText(b));
        return false;
      case CompareOp::kNone:
        break;
    }
    return false;
  }

  const Program& program_;
  const Context& context_;
  const RenderOptions& options_;
  Budget budget_;
  FilterEnv env_;
  std::string output_;
  std::string* out_ = &output_;
  Status error_;
  std::uint64_t iterations_ = 0;
  std::map<std::string, Value, std::less<>> assigns_;
  std::vector<std::pair<std::string_view, Value>> scopes_;  // for variables, innermost last
  std::unordered_map<std::string, std::optional<Value>> resolved_;
};

}  // namespace

Result<std::string> RenderProgram(const Program& program, const Context& context,
                                  const RenderOptions& options) {
  Renderer renderer(program, context, options);
  return renderer.Run();
}

}  // namespace comptoir::liquid::internal
