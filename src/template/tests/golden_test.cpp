// Runs every golden case in tests/cases/*.txt: a case file is the test (see
// tests/cases/README.md for the format). Each case is one GoogleTest test named
// <file>_<number>_<title>.
#include "comptoir/template/template.hpp"

#include <gtest/gtest.h>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

namespace comptoir::liquid {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;

const fs::path kCasesDir = COMPTOIR_TEMPLATE_CASES_DIR;

struct GoldenCase {
  std::string file;
  int line = 0;
  std::string title;
  std::map<std::string, std::string, std::less<>> sections;
  std::string load_error;  // the case file is malformed
};

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// Sections end at the next "--- " or "=== " line; their last newlines are dropped.
std::vector<GoldenCase> LoadFile(const fs::path& path) {
  std::vector<GoldenCase> cases;
  std::istringstream in(ReadFile(path));
  std::string line;
  std::string section;
  std::string body;
  int line_no = 0;
  const auto close_section = [&] {
    if (section.empty() || cases.empty()) return;
    while (!body.empty() && body.back() == '\n') body.pop_back();
    if (!cases.back().sections.emplace(section, body).second) {
      cases.back().load_error = "section '";
      cases.back().load_error += section;
      cases.back().load_error += "' twice";
    }
    section.clear();
    body.clear();
  };
  while (std::getline(in, line)) {
    ++line_no;
    if (line.rfind("=== ", 0) == 0) {
      close_section();
      GoldenCase c;
      c.file = path.stem().string();
      c.line = line_no;
      c.title = line.substr(4);
      cases.push_back(std::move(c));
    } else if (line.rfind("--- ", 0) == 0) {
      close_section();
      section = line.substr(4);
      if (cases.empty()) {
        GoldenCase c;
        c.file = path.stem().string();
        c.line = line_no;
        c.load_error = "a section before the first case";
        cases.push_back(std::move(c));
      }
    } else if (!section.empty()) {
      body += line;
      body += '\n';
    }
  }
  close_section();
  return cases;
}

std::vector<GoldenCase> LoadCases() {
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(kCasesDir)) {
    if (entry.path().extension() == ".txt") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  std::vector<GoldenCase> all;
  for (const fs::path& f : files) {
    std::vector<GoldenCase> cases = LoadFile(f);
    all.insert(all.end(), std::make_move_iterator(cases.begin()),
               std::make_move_iterator(cases.end()));
  }
  return all;
}

const std::vector<GoldenCase>& AllCases() {
  static const std::vector<GoldenCase> kCases = LoadCases();
  return kCases;
}

std::string TestName(const GoldenCase& c, std::size_t index) {
  std::string name = c.file;
  name += '_';
  name += std::to_string(index);
  name += '_';
  for (const char ch : c.title) {
    const bool ok =
        (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9');
    if (ok) {
      name += ch;
    } else if (name.back() != '_') {
      name += '_';
    }
    if (name.size() > 80) break;
  }
  while (name.back() == '_') name.pop_back();
  return name;
}

// A section as text: "name" verbatim, or "name-json" holding a JSON string.
std::optional<std::string> Text(const GoldenCase& c, const std::string& name) {
  if (const auto it = c.sections.find(name); it != c.sections.end()) return it->second;
  std::string json_name = name;
  json_name += "-json";
  if (const auto it = c.sections.find(json_name); it != c.sections.end()) {
    return std::string(json::parse(it->second).as_string());
  }
  return std::nullopt;
}

json::object Options(const GoldenCase& c) {
  const auto it = c.sections.find("options");
  if (it == c.sections.end()) return {};
  return json::parse(it->second).as_object();
}

json::object ContextData(const GoldenCase& c) {
  const auto it = c.sections.find("context");
  if (it == c.sections.end()) return {};
  std::string text = it->second;
  if (!text.empty() && text[0] == '@') text = ReadFile(kCasesDir / text.substr(1));
  return json::parse(text).as_object();
}

// Zendesk's comments_formatted, built from ticket.comments only when a template asks.
std::optional<Resolved> CommentsFormatted(const json::object& data) {
  const json::value* comments = nullptr;
  if (const auto* ticket = data.if_contains("ticket"); ticket && ticket->is_object()) {
    comments = ticket->get_object().if_contains("comments");
  }
  if (comments == nullptr || !comments->is_array()) return std::nullopt;
  std::string out;
  for (const json::value& comment : comments->get_array()) {
    const json::object& o = comment.as_object();
    out += "----------------------------------------------\n\n";
    out += o.at("author").as_object().at("name").as_string();
    out += ", ";
    out += o.at("created_at").as_string();
    out += "\n\n";
    out += o.at("value").as_string();
    out += "\n\n";
  }
  return Resolved{json::value(out), false};
}

class GoldenTest : public ::testing::TestWithParam<std::size_t> {};

TEST_P(GoldenTest, Renders) {
  const GoldenCase& c = AllCases()[GetParam()];
  std::string where = c.file;
  where += ".txt:";
  where += std::to_string(c.line);
  where += ": ";
  where += c.title;
  SCOPED_TRACE(where);
  ASSERT_TRUE(c.load_error.empty()) << c.load_error;
  std::optional<std::string> source = Text(c, "template");
  ASSERT_TRUE(source.has_value()) << "no template section";
  const std::optional<std::string> expected_output = Text(c, "output");
  const auto error_it = c.sections.find("error");
  ASSERT_NE(expected_output.has_value(), error_it != c.sections.end())
      << "a case needs exactly one of output and error";
  const json::object options = Options(c);

  if (const auto* repeat = options.if_contains("repeat")) {
    std::string repeated;
    for (std::int64_t i = 0; i < repeat->as_int64(); ++i) repeated += *source;
    source = std::move(repeated);
  }
  ParseOptions parse_options;
  if (const auto* roots = options.if_contains("allowed_roots")) {
    parse_options.allowed_roots.emplace();
    for (const auto& r : roots->as_array()) {
      parse_options.allowed_roots->emplace_back(r.as_string());
    }
  }
  if (const auto* v = options.if_contains("max_template_bytes")) {
    parse_options.max_template_bytes = v->to_number<std::size_t>();
  }
  if (const auto* v = options.if_contains("max_nesting_depth")) {
    parse_options.max_nesting_depth = v->to_number<int>();
  }

  RenderOptions render_options;
  FakeClock clock(1'709'647'629);  // 2024-03-05T14:07:09Z
  render_options.clock = &clock;
  if (const auto* v = options.if_contains("now")) clock.Set(v->to_number<Timestamp>());
  if (const auto* v = options.if_contains("escape")) {
    const std::string_view mode = v->as_string();
    render_options.escape = mode == "html"   ? Escape::kHtml
                            : mode == "json" ? Escape::kJson
                                             : Escape::kNone;
  }
  if (const auto* v = options.if_contains("utc_offset_minutes")) {
    render_options.utc_offset = std::chrono::minutes(v->to_number<int>());
  }
  if (const auto* v = options.if_contains("zone_name")) {
    render_options.zone_name = std::string(v->as_string());
  }
  if (const auto* v = options.if_contains("max_output_bytes")) {
    render_options.max_output_bytes = v->to_number<std::size_t>();
  }
  if (const auto* v = options.if_contains("max_loop_iterations")) {
    render_options.max_loop_iterations = v->to_number<std::uint64_t>();
  }
  if (const auto* v = options.if_contains("max_work")) {
    render_options.max_work = v->to_number<std::uint64_t>();
  }
  if (const auto* v = options.if_contains("max_resolver_calls")) {
    render_options.max_resolver_calls = v->to_number<std::size_t>();
  }

  // The resolver: "resolve" answers ({"path": value} or {"path": {"value": v, "html_safe":
  // true}}), ticket.comments_formatted from ticket.comments, and "throw" throws.
  json::object data = ContextData(c);
  const json::object fixed =
      options.if_contains("resolve") ? options.at("resolve").as_object() : json::object();
  const json::object snapshot = data;
  std::vector<std::string> asked;
  Context context(std::move(data), [&](std::string_view path) -> std::optional<Resolved> {
    asked.emplace_back(path);
    if (const auto* v = fixed.if_contains(path)) {
      if (v->is_object() && v->as_object().contains("html_safe")) {
        return Resolved{v->as_object().at("value"), v->as_object().at("html_safe").as_bool()};
      }
      return Resolved{*v, false};
    }
    if (path == "ticket.comments_formatted") return CommentsFormatted(snapshot);
    if (path == "throw") throw std::runtime_error("the resolver broke");
    return std::nullopt;
  });
  if (const auto* safe = options.if_contains("html_safe_paths")) {
    for (const auto& p : safe->as_array()) context.MarkHtmlSafe(std::string(p.as_string()));
  }

  const std::string expected_error = error_it == c.sections.end() ? "" : error_it->second;
  const Result<Template> parsed = Parse(*source, parse_options);
  if (expected_error.rfind("parse: ", 0) == 0) {
    ASSERT_FALSE(parsed.ok()) << "expected a parse error";
    EXPECT_EQ(parsed.status().code(), ErrorCode::kValidation);
    EXPECT_EQ(parsed.status().reason(), kInvalidTemplate);
    EXPECT_NE(parsed.status().message().find(expected_error.substr(7)), std::string::npos)
        << "message: " << parsed.status().message();
    return;
  }
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  if (const auto* paths = options.if_contains("paths")) {
    std::vector<std::string> expected;
    for (const auto& p : paths->as_array()) expected.emplace_back(p.as_string());
    EXPECT_EQ(parsed->paths(), expected);
  }
  const Result<std::string> out = parsed->Render(context, render_options);
  if (expected_output) {
    ASSERT_TRUE(out.ok()) << out.status().ToString();
    EXPECT_EQ(*out, *expected_output);
  } else {
    ASSERT_EQ(expected_error.rfind("render: ", 0), 0U) << "error must start parse: or render:";
    ASSERT_FALSE(out.ok()) << "expected a render error, got: " << *out;
    EXPECT_EQ(out.status().code(), ErrorCode::kValidation);
    EXPECT_EQ(out.status().reason(), kRenderFailed);
    EXPECT_NE(out.status().message().find(expected_error.substr(8)), std::string::npos)
        << "message: " << out.status().message();
  }
  if (const auto* calls = options.if_contains("resolver_asked")) {
    std::vector<std::string> expected;
    for (const auto& p : calls->as_array()) expected.emplace_back(p.as_string());
    EXPECT_EQ(asked, expected);
  }
}

INSTANTIATE_TEST_SUITE_P(Cases, GoldenTest, ::testing::Range<std::size_t>(0, AllCases().size()),
                         [](const ::testing::TestParamInfo<std::size_t>& param_info) {
                           return TestName(AllCases()[param_info.param], param_info.param);
                         });

TEST(GoldenCasesTest, AreFound) { EXPECT_GT(AllCases().size(), 100U); }

}  // namespace
}  // namespace comptoir::liquid
