// The parsed form of a template (private to the module): a tree of nodes made by the parser
// (parser.cpp) and walked by the renderer (render.cpp). Immutable once parsed.
#pragma once

#include "comptoir/template/template.hpp"

#include <boost/json/value.hpp>

#include <memory>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace comptoir::liquid::internal {

// 1-based; columns count bytes.
struct Pos {
  int line = 1;
  int column = 1;
};

struct Expr;

// One step of a variable: .name or [index].
struct Step {
  std::string name;             // when index is null
  std::unique_ptr<Expr> index;  // [expr]
  Pos pos;
};

struct Expr {
  enum class Kind { kLiteral, kEmpty, kBlank, kVariable, kRange };
  Kind kind = Kind::kLiteral;
  Pos pos;
  std::shared_ptr<const boost::json::value> literal;  // kLiteral
  std::string root;                                   // kVariable
  std::vector<Step> steps;                            // kVariable
  std::unique_ptr<Expr> from, to;                     // kRange: (from..to)
};

enum class FilterId {
  kAbs,
  kAppend,
  kCapitalize,
  kCeil,
  kDate,
  kDefault,
  kDividedBy,
  kDowncase,
  kEscape,
  kEscapeOnce,
  kFirst,
  kFloor,
  kJoin,
  kLast,
  kLstrip,
  kMinus,
  kModulo,
  kNewlineToBr,
  kPlus,
  kPrepend,
  kRaw,
  kRemove,
  kRemoveFirst,
  kReplace,
  kReplaceFirst,
  kReverse,
  kRound,
  kRstrip,
  kSize,
  kSlice,
  kSort,
  kSplit,
  kStrip,
  kStripHtml,
  kTimes,
  kTruncate,
  kTruncateWords,
  kUniq,
  kUpcase,
  kUrlEncode,
};

struct FilterCall {
  FilterId id{};
  std::string name;
  Pos pos;
  std::vector<Expr> args;
  std::vector<std::pair<std::string, Expr>> named;  // allow_false: true
};

// expr | filter: arg | filter
struct Filtered {
  Expr base;
  std::vector<FilterCall> filters;
};

enum class CompareOp { kNone, kEq, kNe, kLt, kGt, kLe, kGe, kContains };

struct Comparison {
  Expr left;
  CompareOp op = CompareOp::kNone;  // kNone: the truth of left
  Expr right;
};

// a and b or c: evaluated right to left, as Liquid does (a and (b or c)).
struct Condition {
  std::vector<Comparison> terms;
  std::vector<bool> is_and;  // between terms[i] and terms[i + 1]
};

struct Node;
using Block = std::vector<Node>;

struct TextNode {
  std::string text;
};
struct OutputNode {
  Filtered value;
};
struct IfNode {  // if and unless
  struct Branch {
    Condition condition;
    bool negate = false;  // the first branch of unless
    Block body;
  };
  std::vector<Branch> branches;
  Block else_body;
};
struct CaseNode {
  struct When {
    std::vector<Expr> values;  // empty: the else block
    Block body;
  };
  Expr subject;
  std::vector<When> blocks;
};
struct ForNode {
  std::string variable;
  Expr collection;
  std::unique_ptr<Expr> limit, offset;
  bool reversed = false;
  Block body;
  Block else_body;
};
struct AssignNode {
  std::string name;
  Filtered value;
};
struct CaptureNode {
  std::string name;
  Block body;
};
struct BreakNode {};
struct ContinueNode {};

struct Node {
  Pos pos;
  std::variant<TextNode, OutputNode, IfNode, CaseNode, ForNode, AssignNode, CaptureNode, BreakNode,
               ContinueNode>
      v;
};

struct Program {
  Block body;
  std::vector<std::string> paths;
};

// "line 3, column 5: what" as a Status with the given reason.
Status ErrorAt(Pos pos, std::string_view what, std::string_view reason);

}  // namespace comptoir::liquid::internal
