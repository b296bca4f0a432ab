#include "target.hpp"

#include <gtest/gtest.h>

namespace comptoir::http {
namespace {

Request Parse(std::string_view target) {
  Request req;
  Status st = ParseTarget(target, req);
  EXPECT_TRUE(st.ok()) << target << ": " << st.message();
  return req;
}

bool Rejected(std::string_view target) {
  Request req;
  Status st = ParseTarget(target, req);
  return !st.ok() && st.code() == ErrorCode::kInvalidArgument;
}

using Pairs = std::vector<std::pair<std::string, std::string>>;

TEST(ParseTargetTest, KeepsPlainPath) {
  Request req = Parse("/api/v2/users");
  EXPECT_EQ(req.path, "/api/v2/users");
  EXPECT_FALSE(req.json_suffix);
  EXPECT_TRUE(req.query.empty());
}

TEST(ParseTargetTest, StripsJsonSuffixOfLastSegment) {
  Request req = Parse("/api/v2/tickets/42.json");
  EXPECT_EQ(req.path, "/api/v2/tickets/42");
  EXPECT_TRUE(req.json_suffix);
  EXPECT_EQ(Parse("/api/v2/users/me.json").path, "/api/v2/users/me");
  EXPECT_EQ(Parse("/api/v2.json/users").path, "/api/v2.json/users");
  EXPECT_EQ(Parse("/api/v2/.json").path, "/api/v2/.json");  // nothing left to name
}

TEST(ParseTargetTest, CollapsesDuplicateSlashes) {
  EXPECT_EQ(Parse("/api/v2//webhooks/test").path, "/api/v2/webhooks/test");
  EXPECT_EQ(Parse("//api///v2").path, "/api/v2");
}

TEST(ParseTargetTest, DropsOneTrailingSlashButKeepsRoot) {
  EXPECT_EQ(Parse("/api/v2/users/").path, "/api/v2/users");
  EXPECT_EQ(Parse("/").path, "/");
  EXPECT_EQ(Parse("/?x=1").path, "/");
}

TEST(ParseTargetTest, PercentDecodesPath) {
  EXPECT_EQ(Parse("/api/v2/tags/caf%C3%A9").path, "/api/v2/tags/caf\xC3\xA9");
  EXPECT_EQ(Parse("/a%20b").path, "/a b");
  EXPECT_EQ(Parse("/a+b").path, "/a+b");  // '+' is only a space in the query
}

TEST(ParseTargetTest, DecodesQueryNamesAndValues) {
  Request req = Parse("/api/v2/tickets.json?page%5Bsize%5D=100&ids=1%2C2&q=a+b&flag&&x=");
  EXPECT_EQ(req.path, "/api/v2/tickets");
  EXPECT_EQ(req.query,
            (Pairs{{"page[size]", "100"}, {"ids", "1,2"}, {"q", "a b"}, {"flag", ""}, {"x", ""}}));
  ASSERT_NE(req.Query("page[size]"), nullptr);
  EXPECT_EQ(*req.Query("ids"), "1,2");
}

TEST(ParseTargetTest, KeepsStrayPercentInQuery) {
  Request req = Parse("/search?query=100%&x=%zz");
  EXPECT_EQ(req.query, (Pairs{{"query", "100%"}, {"x", "%zz"}}));
}

TEST(ParseTargetTest, AcceptsAbsoluteForm) {
  Request req = Parse("http://example.com/api/v2/users.json?a=1");
  EXPECT_EQ(req.path, "/api/v2/users");
  EXPECT_EQ(req.query, (Pairs{{"a", "1"}}));
  EXPECT_EQ(Parse("HTTPS://example.com").path, "/");
}

TEST(ParseTargetTest, DropsFragment) {
  Request req = Parse("/a/b#frag?x=1");
  EXPECT_EQ(req.path, "/a/b");
  EXPECT_TRUE(req.query.empty());
}

TEST(ParseTargetTest, DropsDotSegments) { EXPECT_EQ(Parse("/a/./b").path, "/a/b"); }

TEST(ParseTargetTest, RejectsDotDotSegments) {
  EXPECT_TRUE(Rejected("/api/../etc/passwd"));
  EXPECT_TRUE(Rejected("/api/%2e%2e/x"));
  EXPECT_TRUE(Rejected("/api/..%2Fx"));
  EXPECT_TRUE(Rejected("/.."));
  EXPECT_EQ(Parse("/a/..b").path, "/a/..b");
}

TEST(ParseTargetTest, RejectsNul) {
  EXPECT_TRUE(Rejected("/api/a%00b"));
  EXPECT_TRUE(Rejected("/api?x=%00"));
}

TEST(ParseTargetTest, RejectsMalformedPath) {
  EXPECT_TRUE(Rejected(""));
  EXPECT_TRUE(Rejected("*"));
  EXPECT_TRUE(Rejected("api/v2"));
  EXPECT_TRUE(Rejected("/a%zzb"));
  EXPECT_TRUE(Rejected("/a%2"));
}

TEST(PercentDecodeTest, StrictAndLenient) {
  std::string out;
  EXPECT_TRUE(PercentDecode("a%41+", out, /*plus_is_space=*/true, /*lenient=*/false));
  EXPECT_EQ(out, "aA ");
  out.clear();
  EXPECT_FALSE(PercentDecode("%4", out, false, false));
  out.clear();
  EXPECT_TRUE(PercentDecode("%4", out, false, true));
  EXPECT_EQ(out, "%4");
}

}  // namespace
}  // namespace comptoir::http
