// What the golden cases cannot say as data: the API's shape (parse once, render many, from
// several threads), the resolver's laziness and caching, and the default limits.
#include "comptoir/template/template.hpp"

#include <gtest/gtest.h>
#include <boost/json/parse.hpp>

#include <atomic>
#include <stdexcept>
#include <thread>
#include <vector>

namespace comptoir::liquid {
namespace {

namespace json = boost::json;

Context TicketContext(std::int64_t id, std::string_view title) {
  json::object ticket;
  ticket["id"] = id;
  ticket["title"] = title;
  json::object data;
  data["ticket"] = std::move(ticket);
  return Context(std::move(data));
}

std::string Repeat(std::string_view piece, std::size_t times) {
  std::string out;
  for (std::size_t i = 0; i < times; ++i) out += piece;
  return out;
}

std::string Concat(std::initializer_list<std::string_view> parts) {
  std::string out;
  for (const std::string_view p : parts) out += p;
  return out;
}

TEST(TemplateTest, ParsesOnceAndRendersWithManyContexts) {
  const Result<Template> t = Parse("#{{ ticket.id }} {{ ticket.title | upcase }}");
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_EQ(*t->Render(TicketContext(1, "printer")), "#1 PRINTER");
  EXPECT_EQ(*t->Render(TicketContext(2, "scanner")), "#2 SCANNER");
  const Template copy = *t;  // copies share the parsed program
  EXPECT_EQ(*copy.Render(TicketContext(3, "fax")), "#3 FAX");
}

TEST(TemplateTest, EmptyTemplateRendersNothing) {
  EXPECT_EQ(*Template().Render(Context()), "");
  EXPECT_TRUE(Template().paths().empty());
}

TEST(TemplateTest, RendersFromSeveralThreadsAtOnce) {
  const Result<Template> t =
      Parse("{% for i in (1..50) %}{{ ticket.title | append: i }}{% endfor %}");
  ASSERT_TRUE(t.ok());
  const Context context = TicketContext(1, "x");
  std::string expected;
  for (int i = 1; i <= 50; ++i) {
    expected += 'x';
    expected += std::to_string(i);
  }
  std::atomic<int> good{0};
  std::vector<std::thread> threads;
  for (int n = 0; n < 4; ++n) {
    threads.emplace_back([&] {
      for (int k = 0; k < 100; ++k) {
        const Result<std::string> out = t->Render(context);
        if (out.ok() && *out == expected) good.fetch_add(1);
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(good.load(), 400);
}

TEST(TemplateTest, ResolverIsAskedOnlyForWhatTheTemplateReadsAndOncePerRender) {
  int calls = 0;
  std::vector<std::string> asked;
  json::object data;
  data["ticket"] = json::object{{"id", 7}};
  const Context context(std::move(data), [&](std::string_view path) -> std::optional<Resolved> {
    ++calls;
    asked.emplace_back(path);
    if (path == "ticket.comments_formatted") return Resolved{json::value("(comments)"), false};
    return std::nullopt;
  });
  const Result<Template> cheap = Parse("{{ ticket.id }}");
  ASSERT_TRUE(cheap.ok());
  EXPECT_EQ(*cheap->Render(context), "7");
  EXPECT_EQ(calls, 0);

  const Result<Template> loop =
      Parse("{% for i in (1..3) %}{{ ticket.comments_formatted }};{% endfor %}");
  ASSERT_TRUE(loop.ok());
  EXPECT_EQ(*loop->Render(context), "(comments);(comments);(comments);");
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(*loop->Render(context), "(comments);(comments);(comments);");
  EXPECT_EQ(calls, 2);  // the cache lives for one render
  EXPECT_EQ(asked,
            (std::vector<std::string>{"ticket.comments_formatted", "ticket.comments_formatted"}));
}

TEST(TemplateTest, ResolverThatThrowsFailsTheRenderWithoutThrowing) {
  const Context context(json::object{}, [](std::string_view) -> std::optional<Resolved> {
    throw std::runtime_error("database is down");
  });
  const Result<Template> t = Parse("a {{ ticket.title }}");
  ASSERT_TRUE(t.ok());
  const Result<std::string> out = t->Render(context);
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.status().reason(), kRenderFailed);
  EXPECT_EQ(out.status().message(), "line 1, column 6: could not get 'ticket': database is down");
}

TEST(TemplateTest, ParseErrorsAre422InvalidTemplate) {
  const Result<Template> t = Parse("Hi\n{% if ticket.id %}\n  {{ x }}\n{% endiff %}");
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.status().code(), ErrorCode::kValidation);
  EXPECT_EQ(t.status().reason(), kInvalidTemplate);
  EXPECT_EQ(t.status().message(), "line 4, column 1: unknown tag 'endiff'");
}

TEST(TemplateTest, AllowedRootsNameTheUnknownPlaceholder) {
  ParseOptions options;
  options.allowed_roots = {"ticket", "current_user"};
  const Result<Template> t = Parse("Ticket {{tikcet.id}}", options);
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.status().message(), "line 1, column 10: unknown variable 'tikcet.id'");
  EXPECT_TRUE(Parse("{% assign n = ticket.id %}{% for c in ticket.comments %}{{ n }}"
                    "{{ c.value }}{{ forloop.index }}{% endfor %}{{ current_user.name }}",
                    options)
                  .ok());
}

TEST(TemplateTest, PathsListWhatTheTemplateReads) {
  const Result<Template> t = Parse(
      "{{ ticket.requester.first_name }}{% if ticket.tags contains 'vip' %}{{ ticket.tags.size }}"
      "{% endif %}{% for c in ticket.comments %}{{ c.value }}{% endfor %}"
      "{{ ticket.comments[0].value }}{{ ticket['ticket_field_123'] }}{{ ticket.id }}{{ ticket.id "
      "}}");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->paths(), (std::vector<std::string>{"ticket.requester.first_name", "ticket.tags",
                                                  "ticket.tags.size", "ticket.comments",
                                                  "ticket.ticket_field_123", "ticket.id"}));
}

TEST(TemplateTest, DefaultNestingLimitIs100) {
  const std::string ok = Concat({Repeat("{% if true %}", 100), "x", Repeat("{% endif %}", 100)});
  EXPECT_EQ(*Parse(ok)->Render(Context()), "x");
  const std::string deep = Concat({Repeat("{% if true %}", 101), "x", Repeat("{% endif %}", 101)});
  const Result<Template> t = Parse(deep);
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.status().message(), "line 1, column 1301: nesting too deep (more than 100 levels)");
  const Result<Template> brackets =
      Parse(Concat({"{{ a", Repeat("[a", 101), Repeat("]", 101), " }}"}));
  ASSERT_FALSE(brackets.ok());
  EXPECT_NE(brackets.status().message().find("nesting too deep"), std::string::npos);
}

TEST(TemplateTest, DefaultTemplateSizeLimitIs256KiB) {
  EXPECT_TRUE(Parse(std::string(256 * 1024, 'a')).ok());
  const Result<Template> t = Parse(std::string(256 * 1024 + 1, 'a'));
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.status().message(), "template too large (262145 bytes, at most 262144)");
}

TEST(TemplateTest, DefaultLoopLimitIs100000Iterations) {
  EXPECT_TRUE(Parse("{% for i in (1..100000) %}{% endfor %}")->Render(Context()).ok());
  // 1,000 outer and 100,000 inner iterations: the inner loop runs out.
  const Result<std::string> out =
      Parse("{% for i in (1..1000) %}{% for j in (1..100) %}{% endfor %}{% endfor %}")
          ->Render(Context());
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.status().message(),
            "line 1, column 25: too many loop iterations (more than 100000)");
}

TEST(TemplateTest, DefaultOutputLimitIs1MiB) {
  json::object data;
  data["s"] = std::string(1024, 'x');
  const Context context(std::move(data));
  EXPECT_EQ(Parse("{% for i in (1..1024) %}{{ s }}{% endfor %}")->Render(context)->size(),
            1024U * 1024U);
  const Result<std::string> out =
      Parse("{% for i in (1..1024) %}{{ s }}{% endfor %}!")->Render(context);
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.status().message(),
            "line 1, column 44: output too large (more than 1048576 bytes)");
}

TEST(TemplateTest, DoublingAStringStopsAtTheValueLimit) {
  const Result<std::string> out =
      Parse(
          "{% assign s = 'ab' %}{% for i in (1..100) %}{% assign s = s | append: s %}"
          "{% endfor %}{{ s.size }}")
          ->Render(Context());
  ASSERT_FALSE(out.ok());
  EXPECT_NE(out.status().message().find("value too large (more than 1048576 bytes)"),
            std::string::npos)
      << out.status().message();
}

TEST(TemplateTest, WorkLimitStopsQuadraticTemplates) {
  // Each of 100,000 iterations scans a 1 MB string: far beyond the default work budget.
  const Result<std::string> out =
      Parse(
          "{% assign s = 'x' %}{% for i in (1..20) %}{% assign s = s | append: s %}"
          "{% endfor %}{% for i in (1..99000) %}{% if s contains 'y' %}{% endif %}{% endfor %}")
          ->Render(Context());
  ASSERT_FALSE(out.ok());
  EXPECT_NE(out.status().message().find("too much work"), std::string::npos)
      << out.status().message();
}

}  // namespace
}  // namespace comptoir::liquid
