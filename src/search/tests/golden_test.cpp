// Runs the golden cases of tests/cases/*.json: each file is a JSON array of
// {"query": "...", "ast": {...}} (the expected search::Dump) or
// {"query": "...", "error": N} (the query does not parse; N is the error's position).
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "comptoir/search/search.hpp"

namespace comptoir::search {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;

TEST(SearchGoldenTest, EveryCaseHolds) {
  std::size_t count = 0;
  for (const auto& entry : fs::directory_iterator(COMPTOIR_SEARCH_CASES_DIR)) {
    if (entry.path().extension() != ".json") continue;
    std::ifstream in(entry.path(), std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    const json::value cases = json::parse(text.str());
    for (const auto& c : cases.as_array()) {
      const auto& o = c.as_object();
      const std::string query(o.at("query").as_string());
      SCOPED_TRACE(entry.path().filename().string() + ": " + query);
      ParseError error;
      const auto q = Parse(query, &error);
      if (o.contains("error")) {
        ASSERT_FALSE(q.ok()) << Dump(*q);
        EXPECT_EQ(error.position, o.at("error").as_int64()) << error.message;
        EXPECT_NE(q.status().message().find("at position " + std::to_string(error.position)),
                  std::string::npos);
      } else {
        ASSERT_TRUE(q.ok()) << q.status().ToString();
        EXPECT_EQ(json::parse(Dump(*q)), o.at("ast")) << Dump(*q);
      }
      ++count;
    }
  }
  EXPECT_GE(count, 40U);
}

}  // namespace
}  // namespace comptoir::search
